//! Deployability: a small copy of the example site (tests/fixtures/example)
//! served by a real static server under a sub-path and at the root, crawled
//! over HTTP from its home page; the bundled example site itself building
//! with no broken link; and `bantin check` catching a planted broken link.

mod common;

use std::collections::{BTreeSet, VecDeque};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use common::http::{body, get};
use common::{KillOnDrop, Site, bantin, free_port, wait_for};

/// nginx, or `python3 -m http.server` without it: a plain static server with
/// no rewrites, like the hosts bantin's output must work on.
fn serve(dir: &Path, port: u16) -> KillOnDrop {
    let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"]
        .into_iter()
        .map(Path::new)
        .find(|p| p.is_file());
    let child = match nginx {
        Some(nginx) => {
            eprintln!("serving {} with nginx", dir.display());
            nginx_child(nginx, dir, port)
        }
        None => {
            eprintln!(
                "nginx not installed: serving {} with python3 -m http.server",
                dir.display()
            );
            Command::new("python3")
                .args([
                    "-m",
                    "http.server",
                    &port.to_string(),
                    "--bind",
                    "127.0.0.1",
                    "--directory",
                ])
                .arg(dir)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("python3 is available")
        }
    };
    let mut server = KillOnDrop(child);
    wait_for("the static server", || {
        if let Ok(Some(status)) = server.0.try_wait() {
            panic!("the static server exited: {status}");
        }
        common::http::try_get(port, "/").is_ok()
    });
    server
}

/// nginx with a stock configuration: a root folder, no rewrites, the way a
/// newsroom's server or a CDN origin serves files.
fn nginx_child(nginx: &Path, dir: &Path, port: u16) -> Child {
    // nginx's workers may run as another user: let them read the site.
    let mut p = dir.to_path_buf();
    while p != Path::new("/") && p.starts_with(std::env::temp_dir()) {
        #[cfg(unix)]
        let _ = std::fs::set_permissions(&p, std::os::unix::fs::PermissionsExt::from_mode(0o755));
        p.pop();
    }
    let run = dir.parent().unwrap().join(format!("nginx-{port}"));
    std::fs::create_dir_all(&run).unwrap();
    let mime = if Path::new("/etc/nginx/mime.types").is_file() {
        "include /etc/nginx/mime.types;"
    } else {
        ""
    };
    let conf = format!(
        "daemon off; pid {run}/nginx.pid; error_log stderr error; worker_processes 1;\n\
         events {{ worker_connections 64; }}\n\
         http {{ {mime} access_log off;\n\
           client_body_temp_path {run}/b; proxy_temp_path {run}/p; fastcgi_temp_path {run}/f; uwsgi_temp_path {run}/u; scgi_temp_path {run}/s;\n\
           server {{ listen 127.0.0.1:{port}; root {root}; }} }}\n",
        run = run.display(),
        root = dir.display(),
    );
    std::fs::write(run.join("nginx.conf"), conf).unwrap();
    Command::new(nginx)
        .arg("-e")
        .arg(run.join("error.log"))
        .arg("-c")
        .arg(run.join("nginx.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("nginx starts")
}

/// Crawls from `prefix` and returns (paths fetched, broken links, links outside prefix).
fn crawl(port: u16, prefix: &str) -> (BTreeSet<String>, Vec<String>, Vec<String>) {
    let origin = format!("http://127.0.0.1:{port}");
    let mut queue = VecDeque::from([prefix.to_string()]);
    let mut seen = BTreeSet::from([prefix.to_string()]);
    let (mut fetched, mut broken, mut outside) = (BTreeSet::new(), Vec::new(), Vec::new());
    while let Some(path) = queue.pop_front() {
        let (status, answer) = get(port, &path);
        let body = body(&answer);
        fetched.insert(path.clone());
        if status != 200 {
            broken.push(format!("{path} -> {status}"));
            continue;
        }
        if !(path.ends_with('/') || path.ends_with(".html") || path.ends_with(".xml")) {
            continue;
        }
        for url in bantin::check::extract_urls(body, path.ends_with(".xml")) {
            let url = url.split('#').next().unwrap_or("").to_string();
            let target = if let Some(rest) = url.strip_prefix(&origin) {
                rest.to_string()
            } else if url.contains("://")
                || url.starts_with("//")
                || url.is_empty()
                || url.starts_with("mailto:")
            {
                continue;
            } else if url.starts_with('/') {
                url.clone()
            } else {
                let dir = &path[..path.rfind('/').unwrap() + 1];
                format!("{dir}{url}")
            };
            if !target.starts_with(prefix) {
                outside.push(format!("{path} links to {url}"));
                continue;
            }
            if seen.insert(target.clone()) {
                queue.push_back(target);
            }
        }
    }
    (fetched, broken, outside)
}

/// Builds the `example` fixture into `out` with `base_url`.
fn build_example(out: &Path, base_url: &str) {
    Site::fixture("example")
        .build_into(out, &["--base-url", base_url])
        .assert_ok();
}

/// The crawl reached every page a reader can reach: every HTML file of the
/// output but the 404 page, the `page/1/` redirects of lists and the alias
/// redirects (the fixture's only alias is under `tin-cu/`).
#[track_caller]
fn assert_crawled_everything(out: &Path, prefix: &str, fetched: &BTreeSet<String>) {
    let missed: Vec<String> = common::list_files(out)
        .into_iter()
        .filter(|f| f.ends_with(".html") && f != "404.html")
        .filter(|f| !f.ends_with("page/1/index.html") && !f.starts_with("tin-cu/"))
        .map(|f| format!("{prefix}{}", f.trim_end_matches("index.html")))
        .filter(|url| !fetched.contains(url))
        .collect();
    assert!(
        missed.is_empty(),
        "pages the crawl never reached: {missed:#?}"
    );
    assert!(fetched.len() > 100, "crawled only {} URLs", fetched.len());
}

#[test]
fn example_site_works_under_a_sub_path() {
    let tmp = tempfile::tempdir().unwrap();
    let port = free_port();
    let out = tmp.path().join("bao");
    build_example(&out, &format!("http://127.0.0.1:{port}/bao/"));
    let _server = serve(tmp.path(), port);
    let (fetched, broken, outside) = crawl(port, "/bao/");
    assert!(broken.is_empty(), "broken links: {broken:#?}");
    assert!(outside.is_empty(), "links outside /bao/: {outside:#?}");
    assert_crawled_everything(&out, "/bao/", &fetched);
    // The 404 page and /page/1/ redirect exist for hosts to use.
    let (status, answer) = get(port, "/bao/page/1/");
    let body = body(&answer);
    assert_eq!(status, 200);
    assert!(
        body.contains(&format!("url=http://127.0.0.1:{port}/bao/\"")),
        "{body}"
    );
    assert_eq!(get(port, "/bao/404.html").0, 200);
}

#[test]
fn example_site_works_at_the_root() {
    let tmp = tempfile::tempdir().unwrap();
    let port = free_port();
    let out = tmp.path().join("site");
    build_example(&out, &format!("http://127.0.0.1:{port}/"));
    let _server = serve(&out, port);
    let (fetched, broken, outside) = crawl(port, "/");
    assert!(broken.is_empty(), "broken links: {broken:#?}");
    assert!(outside.is_empty());
    assert_crawled_everything(&out, "/", &fetched);
}

/// The example site bundled at the repository root (what a newsroom sees
/// first) builds and has no broken link. Only generic properties: its
/// articles are edited freely.
#[test]
fn bundled_example_site_builds_and_passes_check() {
    let tmp = tempfile::tempdir().unwrap();
    let o = bantin()
        .arg("check")
        .arg("--root")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .arg("--output")
        .arg(tmp.path().join("out"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stderr.contains(": 0 broken"), "{stderr}");
    assert!(tmp.path().join("out/index.html").is_file());
}

#[test]
fn check_reports_a_planted_broken_link() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path();
    std::fs::create_dir_all(site.join("content/thoi-su")).unwrap();
    std::fs::write(
        site.join("config.yaml"),
        "title: Báo\nbase_url: https://example.org/bao/\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/thoi-su/a.md"),
        "---\ntitle: Bài có link hỏng\ndate: 2024-03-04 18:48\n---\n\nXem [trang cũ](/khong-co/) và [chủ đề](/tags/) và [ngoài](https://vnexpress.net/).\n",
    )
    .unwrap();
    let o = bantin()
        .arg("check")
        .arg("--root")
        .arg(site)
        .arg("--external")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stdout}\n{stderr}");
    assert_eq!(
        stdout
            .lines()
            .filter(|l| l.starts_with("broken:"))
            .collect::<Vec<_>>(),
        ["broken: thoi-su/bai-co-link-hong/index.html -> /bao/khong-co/"]
    );
    assert!(
        stdout.contains(
            "external: https://vnexpress.net/ (first on thoi-su/bai-co-link-hong/index.html)"
        ),
        "{stdout}"
    );
    assert!(
        stderr.contains("1 broken, 1 external (not fetched)"),
        "{stderr}"
    );
}

#[test]
fn aliases_become_redirect_pages_and_redirects_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    // tests/fixtures/example/content/thoi-su/chinh-trang-bo-ke-song-can-tho.md
    build_example(&out, "https://example.org/bao/");
    let page = std::fs::read_to_string(out.join("tin-cu/bo-ke-song-can-tho/index.html")).unwrap();
    assert!(
        page.contains(
            "<meta http-equiv=\"refresh\" content=\"0; url=https://example.org/bao/thoi-su/"
        ),
        "{page}"
    );
    assert!(page.contains("<link rel=\"canonical\""));
    let redirects = std::fs::read_to_string(out.join("_redirects")).unwrap();
    assert!(
        redirects.starts_with("/bao/tin-cu/bo-ke-song-can-tho/ /bao/thoi-su/"),
        "{redirects}"
    );
    assert!(redirects.trim_end().ends_with(" 301"));
}

#[test]
fn check_no_build_reads_the_output_as_it_is() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    std::fs::create_dir_all(site.join("content/thoi-su")).unwrap();
    std::fs::write(
        site.join("config.yaml"),
        "title: Báo\nbase_url: https://example.org/\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/thoi-su/a.md"),
        "---\ntitle: Bài\ndate: 2024-03-04 18:48\n---\n\nx\n",
    )
    .unwrap();
    // Nothing built yet: a clear error, not an empty report.
    let o = bantin()
        .arg("check")
        .arg("--no-build")
        .arg("--root")
        .arg(&site)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&o.stderr)
            .contains("does not exist: build the site first or drop --no-build")
    );
    assert!(
        bantin()
            .arg("build")
            .arg("--root")
            .arg(&site)
            .status()
            .unwrap()
            .success()
    );
    // A file removed by hand after the build is found without rebuilding.
    std::fs::remove_file(site.join("public/tags/index.html")).unwrap();
    let o = bantin()
        .arg("check")
        .arg("--no-build")
        .arg("--root")
        .arg(&site)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("-> https://example.org/tags/"));
    assert!(
        !site.join("public/tags/index.html").exists(),
        "--no-build did not rebuild"
    );
}
