//! Input that could make the output explode is bounded: each limit is an
//! error naming the place, and raising it in config.yaml lets the site build
//! with output that grows linearly, not with the square of the input.

mod common;

use common::Site;

const CONFIG: &str = "title: \"Bản tin nhỏ\"\nbase_url: \"https://example.org/\"\n";

fn tags_yaml(n: usize) -> String {
    let tags: Vec<String> = (0..n).map(|i| format!("Chủ đề {i}")).collect();
    format!("[{}]", tags.join(", "))
}

#[test]
fn too_many_tags_is_an_error_at_the_tags_key() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/a.md",
        &format!(
            "---\ntitle: Bài\ndate: 2024-03-04 18:48\ntags: {}\n---\n\nx\n",
            tags_yaml(51)
        ),
    );
    let run = site.build(&[]);
    run.assert_code(1);
    assert!(
        run.stderr.contains(
            "error: content/thoi-su/a.md:4:7: 51 tags; an article may have at most 50\n  help: keep the tags readers browse by, or raise limits.tags_per_article in config.yaml"
        ),
        "{}",
        run.stderr
    );
    assert!(!site.out.exists());
}

#[test]
fn raised_tag_limit_keeps_cards_small_so_output_grows_linearly() {
    let site = Site::fixture("minimal");
    site.write(
        "config.yaml",
        &format!("{CONFIG}limits:\n  tags_per_article: 1000\n"),
    );
    let sizes: Vec<u64> = [100usize, 400]
        .iter()
        .map(|&n| {
            site.write(
                "content/thoi-su/a.md",
                &format!(
                    "---\ntitle: Bài nhiều thẻ\ndate: 2024-03-04 18:48\ntags: {}\n---\n\nx\n",
                    tags_yaml(n)
                ),
            );
            site.build_ok(&[]);
            let tag_page = site.read("tags/chu-de-7/index.html");
            let main = common::main_of(&tag_page);
            let card = &main[main.find("<article class=\"card").expect("a card")..];
            let chips = card
                .matches("href=\"https://example.org/tags/chu-de-")
                .count();
            assert_eq!(chips, 5, "a card shows limits.card_tags tags");
            // The article's own page shows every tag.
            let page = site.read("thoi-su/bai-nhieu-the/index.html");
            assert!(page.contains(&format!("/tags/chu-de-{}/", n - 1)));
            walkdir::WalkDir::new(&site.out)
                .into_iter()
                .map(|e| e.unwrap().metadata().unwrap().len())
                .sum()
        })
        .collect();
    // 4x the tags: about 4x the output (the square would be 16x).
    let ratio = sizes[1] as f64 / sizes[0] as f64;
    assert!(ratio < 5.0, "output grew {ratio:.1}x for 4x the tags");
}

#[test]
fn card_tags_is_configurable() {
    let site = Site::fixture("minimal");
    site.write("config.yaml", &format!("{CONFIG}limits:\n  card_tags: 2\n"));
    site.write(
        "content/thoi-su/a.md",
        "---\ntitle: Bài\ndate: 2024-03-04 18:48\ntags: [Một, Hai, Ba]\n---\n\nx\n",
    );
    site.build_ok(&[]);
    let section = site.read("thoi-su/index.html");
    let main = common::main_of(&section);
    assert!(main.contains("/tags/mot/") && main.contains("/tags/hai/"));
    assert!(!main.contains("/tags/ba/"));
}

#[test]
fn an_overlong_title_is_an_error_in_markdown_and_raw_articles() {
    let site = Site::fixture("minimal");
    let long = "Tít rất dài ".repeat(100).trim().to_string();
    site.write(
        "content/thoi-su/a.md",
        &format!("---\ndate: 2024-03-04 18:48\ntitle: \"{long}\"\n---\n\nx\n"),
    );
    site.write(
        "content/thoi-su/b.txt",
        &format!("04/03/2024 - 18:48\n{long}\n(CT) - Nội dung.\n"),
    );
    let run = site.build(&[]);
    run.assert_code(1);
    let n = long.chars().count();
    for at in ["content/thoi-su/a.md:3:8", "content/thoi-su/b.txt:2:1"] {
        assert!(
            run.stderr.contains(&format!(
                "error: {at}: the title is {n} characters long; at most 1000 are allowed"
            )),
            "{at}\n{}",
            run.stderr
        );
    }
}

#[test]
fn an_oversized_file_is_refused_before_it_is_read() {
    let site = Site::fixture("minimal");
    site.write(
        "config.yaml",
        &format!("{CONFIG}limits:\n  article_mb: 1\n"),
    );
    site.write(
        "content/thoi-su/a.md",
        &format!(
            "---\ntitle: Bài\ndate: 2024-03-04 18:48\n---\n\n{}\n",
            "chữ ".repeat(300_000)
        ),
    );
    let run = site.build(&[]);
    run.assert_code(1);
    assert!(
        run.stderr.contains(
            "error: content/thoi-su/a.md: the file is 1.8 MB; an article may be at most 1 MB"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn paginate_by_is_bounded() {
    let site = Site::fixture("minimal");
    site.write("config.yaml", &format!("{CONFIG}paginate_by: 100000\n"));
    let run = site.build(&[]);
    run.assert_code(1);
    assert!(
        run.stderr.contains(
            "error: config.yaml:3:14: paginate_by 100000 puts more than 500 articles on one list page"
        ),
        "{}",
        run.stderr
    );
}
