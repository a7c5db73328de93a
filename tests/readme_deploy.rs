//! The README's deploy steps, run as written: every `bantin` line of the
//! "Deploying" block, in order, in a copy of a fixture site (the other lines
//! upload to servers this test does not have). A step that fails, or a
//! `check` that finds broken links in the build just made, fails the test.

mod common;

use common::{Site, run};

/// The `bantin ...` commands of the README's Deploying code block.
fn deploy_steps() -> Vec<Vec<String>> {
    let readme = std::fs::read_to_string(common::repo_file("README.md")).unwrap();
    let section = &readme[readme.find("## Deploying").expect("a Deploying section")..];
    let block = &section[section.find("```sh\n").expect("a code block") + 6..];
    let block = &block[..block.find("```").expect("the block ends")];
    block
        .lines()
        .map(|l| l.split('#').next().unwrap().trim())
        .filter(|l| l.starts_with("bantin "))
        .map(|l| l.split_whitespace().skip(1).map(str::to_string).collect())
        .collect()
}

#[test]
fn the_readme_deploy_steps_work_as_written() {
    let steps = deploy_steps();
    assert!(
        steps.len() >= 4,
        "the README lost its deploy steps: {steps:?}"
    );
    assert!(steps.iter().any(|s| s[0] == "check"));
    // The default output (`public/` in the site) and the site as the
    // working directory, as a user runs them.
    let site = Site::fixture("news");
    let mut built_for = None;
    for step in &steps {
        let r = run(site.bantin().current_dir(&site.root).args(step));
        r.assert_ok();
        if step[0] == "build" {
            built_for = step
                .iter()
                .skip_while(|a| *a != "--base-url")
                .nth(1)
                .cloned();
        } else if step[0] == "check" {
            assert!(
                r.stderr.contains(" 0 broken"),
                "`bantin {}` after a build for {built_for:?}:\n{}{}",
                step.join(" "),
                r.stdout,
                r.stderr
            );
            // It checked the build as made, not a rebuild for config.yaml.
            let home = std::fs::read_to_string(site.root.join("public/index.html")).unwrap();
            let url = built_for.as_deref().expect("a build before the check");
            assert!(
                home.contains(&format!("<link rel=\"canonical\" href=\"{url}\">")),
                "public/ was rebuilt for another address"
            );
        }
    }
}

#[test]
fn check_without_no_build_builds_for_base_url() {
    let site = Site::fixture("news");
    let r = run(site.bantin().current_dir(&site.root).args([
        "check",
        "--base-url",
        "https://user.github.io/repo/",
    ]));
    r.assert_ok();
    let home = std::fs::read_to_string(site.root.join("public/index.html")).unwrap();
    assert!(home.contains("href=\"https://user.github.io/repo/thoi-su/\""));
    // A sub-path build checked with the wrong address is caught.
    let r = run(site.bantin().current_dir(&site.root).args([
        "check",
        "--no-build",
        "--base-url",
        "https://example.org/",
    ]));
    r.assert_code(1);
    assert!(r.stdout.contains("broken: "), "{}", r.stdout);
}
