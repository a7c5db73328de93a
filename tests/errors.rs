//! Mistakes in a site's files: every one is reported as `path:line:col:
//! message` with a `help:` line, all of them in one run, then
//! `N error(s) found; nothing was written`, exit code 1, and the previous
//! output is left exactly as it was.

mod common;

use common::*;

/// Builds the site and returns stderr, asserting exit code 1 and that no
/// output folder was created.
#[track_caller]
fn build_fails(site: &Site) -> String {
    let run = site.build(&[]);
    run.assert_code(1);
    assert_eq!(run.stdout, "");
    assert!(
        !site.out.exists(),
        "a failed build created {}",
        site.out.display()
    );
    run.stderr
}

const BAD_TYPE_HELP: &str = "check the value's type (a list is written [a, b] or with '- ' lines; quote text that looks like a number or date)";

#[test]
fn unknown_config_key() {
    let site = Site::fixture("minimal");
    site.write(
        "config.yaml",
        "title: \"Bản tin nhỏ\"\nbase_url: \"https://example.org/\"\ntheem: default\n",
    );
    assert_eq!(
        build_fails(&site),
        "error: config.yaml:3:1: unknown field `theem`, expected one of `title`, `base_url`, `description`, `language`, `timezone`, `theme`, `paginate_by`, `feeds`, `sitemap`, `permalinks`, `strings`, `extra`, `raw`, `tag_rules`, `limits`, `search`, `footer`\n  help: remove the key or fix its spelling\n1 error found; nothing was written\n"
    );
}

#[test]
fn wrong_type_in_config() {
    let site = Site::fixture("minimal");
    site.write(
        "config.yaml",
        "title: \"Bản tin nhỏ\"\nbase_url: \"https://example.org/\"\npaginate_by: many\n",
    );
    assert_eq!(
        build_fails(&site),
        format!(
            "error: config.yaml:3:14: `paginate_by` is \"many\"; it must be a whole number (0 or more)\n  help: {BAD_TYPE_HELP}\n1 error found; nothing was written\n"
        )
    );
}

#[test]
fn bad_config_values_are_reported_together() {
    let site = Site::fixture("minimal");
    site.write(
        "config.yaml",
        "title: \"Bản tin nhỏ\"\nbase_url: example.org\ntimezone: Mars/Base\npaginate_by: 0\n",
    );
    assert_eq!(
        build_fails(&site),
        "error: config.yaml:2:11: base_url \"example.org\" must start with https:// or http://\n  help: write the address the site will be published at, e.g. https://example.org/ or https://example.org/bao/\n\
         error: config.yaml:3:11: unknown timezone \"Mars/Base\"\n  help: use an IANA name such as Asia/Ho_Chi_Minh\n\
         error: config.yaml:4:14: paginate_by must be at least 1\n  help: use the number of articles per list page, e.g. 20\n\
         3 errors found; nothing was written\n"
    );
}

#[test]
fn missing_title_in_front_matter() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/khong-tit.md",
        "---\ndate: 2024-03-05 08:00\ntags: [\"Cần Thơ\"]\n---\n\nBài không có tít.\n",
    );
    assert_eq!(
        build_fails(&site),
        "error: content/thoi-su/khong-tit.md:1:1: missing title\n  help: add a line `title: \"...\"` to the front matter\n1 error found; nothing was written\n"
    );
}

#[test]

fn empty_title_points_at_the_title_line() {
    // parse_markdown computes title_loc, then picks it only `if fm.has("title")`,
    // but fm.take("title") has already removed the key, so the check is always
    // false and the error points at line 1.
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/tit-rong.md",
        "---\ndate: 2024-03-05 08:00\ntitle: \"  \"\n---\n\nx\n",
    );
    assert_eq!(
        build_fails(&site),
        "error: content/thoi-su/tit-rong.md:3:8: missing title\n  help: add a line `title: \"...\"` to the front matter\n1 error found; nothing was written\n"
    );
}

#[test]
fn impossible_date_in_front_matter() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/sai-ngay.md",
        "---\ntitle: \"Sai ngày\"\ndate:   2024-02-30 10:00\n---\n\nx\n",
    );
    assert_eq!(
        build_fails(&site),
        "error: content/thoi-su/sai-ngay.md:3:9: invalid date \"2024-02-30 10:00\": month 2 of 2024 has 29 days\n  help: write 2024-03-04 18:48 (site time) or 2024-03-04T18:48:00+07:00\n1 error found; nothing was written\n"
    );
}

#[test]
fn impossible_date_in_raw_file() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/sai-ngay.txt",
        "30/02/2024 - 10:00\n\nTít bài\n\nNội dung bài viết.\n",
    );
    assert_eq!(
        build_fails(&site),
        "error: content/thoi-su/sai-ngay.txt:1:1: invalid date 30/02/2024: month 2 of 2024 has 29 days\n  help: the first line must be the date and time in site time, like `04/03/2024 - 18:48`\n1 error found; nothing was written\n"
    );
}

#[test]
fn raw_date_error_points_at_the_bad_field() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/sai-gio.txt",
        "\n  04/03/2024 - 25:00\nTít bài\nNội dung.\n",
    );
    assert_eq!(
        build_fails(&site),
        "error: content/thoi-su/sai-gio.txt:2:16: invalid time: hour 25 is past 23\n  help: the first line must be the date and time in site time, like `04/03/2024 - 18:48`\n1 error found; nothing was written\n"
    );
}

#[test]
fn empty_raw_file() {
    let site = Site::fixture("minimal");
    site.write("content/thoi-su/rong.txt", "");
    assert_eq!(
        build_fails(&site),
        "error: content/thoi-su/rong.txt:1:1: the file is empty\n  help: a raw article starts with a date line `DD/MM/YYYY - HH:MM`, then the title and the text\n1 error found; nothing was written\n"
    );
}

#[test]
fn legacy_encoding_is_refused_with_the_byte_offset() {
    // "Phối" in Windows-1258: ô is the single byte 0xF4.
    let site = Site::fixture("minimal");
    std::fs::write(
        site.path("content/thoi-su/cu.txt"),
        b"04/03/2024 - 18:48\nPh\xf4i h\xf4p\nN\xf4i dung.\n",
    )
    .unwrap();
    assert_eq!(
        build_fails(&site),
        "error: content/thoi-su/cu.txt: invalid UTF-8 at byte 21 (the file is probably in a legacy Vietnamese code page such as TCVN3 or Windows-1258)\n  help: save the file as UTF-8 (your editor's \"Save with encoding\")\n1 error found; nothing was written\n"
    );
}

#[test]
fn truncated_utf8_is_not_blamed_on_a_code_page() {
    // Valid UTF-8 cut inside "ầ" (E1 BA A7): only its first two bytes arrived.
    let site = Site::fixture("minimal");
    std::fs::write(
        site.path("content/thoi-su/cut.txt"),
        b"04/03/2024 - 18:48\nC\xe1\xba",
    )
    .unwrap();
    assert_eq!(
        build_fails(&site),
        "error: content/thoi-su/cut.txt: the file ends in the middle of a character (truncated UTF-8 at byte 20)\n  help: the file was cut short (an interrupted copy or upload?): copy it again from where it came from\n1 error found; nothing was written\n"
    );
}

#[test]
fn every_broken_file_is_reported_in_one_run() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/b-khong-tit.md",
        "---\ndate: 2024-01-01 10:00\n---\nx\n",
    );
    site.write(
        "content/thoi-su/c-sai-ngay.md",
        "---\ntitle: C\ndate: 2024-02-30 10:00\n---\nx\n",
    );
    site.write(
        "content/kinh-te/d-sai-ngay.txt",
        "30/02/2024 - 10:00\n\nTít\n\nNội dung.\n",
    );
    site.write("content/thoi-su/e-rong.txt", "");
    // One file with two mistakes: both are reported.
    site.write(
        "content/thoi-su/f-hai-loi.md",
        "---\ntitle: \"Hai lỗi\"\ndraft: có\ndate: hôm qua\n---\nx\n",
    );
    assert_eq!(
        build_fails(&site),
        "error: content/kinh-te/d-sai-ngay.txt:1:1: invalid date 30/02/2024: month 2 of 2024 has 29 days\n  help: the first line must be the date and time in site time, like `04/03/2024 - 18:48`\n\
         error: content/thoi-su/b-khong-tit.md:1:1: missing title\n  help: add a line `title: \"...\"` to the front matter\n\
         error: content/thoi-su/c-sai-ngay.md:3:7: invalid date \"2024-02-30 10:00\": month 2 of 2024 has 29 days\n  help: write 2024-03-04 18:48 (site time) or 2024-03-04T18:48:00+07:00\n\
         error: content/thoi-su/e-rong.txt:1:1: the file is empty\n  help: a raw article starts with a date line `DD/MM/YYYY - HH:MM`, then the title and the text\n\
         error: content/thoi-su/f-hai-loi.md:3:8: `draft` is \"có\"; it must be true or false\n  help: write `draft:` followed by true or false\n\
         error: content/thoi-su/f-hai-loi.md:4:7: \"hôm qua\" is not a date bantin can read\n  help: write 2024-03-04 18:48 (site time) or 2024-03-04T18:48:00+07:00\n\
         6 errors found; nothing was written\n"
    );
}

#[test]
fn bad_yaml_in_front_matter_points_at_the_file_line() {
    // The front matter starts on file line 2; the unclosed `[` is noticed at
    // the end of the front matter, file line 5.
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/yaml.md",
        "---\ntitle: \"Tít\"\ndate: 2024-01-01 10:00\ntags: [\"a\", \"b\"\n---\nx\n",
    );
    let stderr = build_fails(&site);
    assert!(
        stderr.starts_with("error: content/thoi-su/yaml.md:5:1: did not find expected ',' or ']'"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("\n  help: check the YAML syntax: a key, a colon and a space, then the value; quote values containing ': ' or starting with a special character\n1 error found; nothing was written\n"),
        "{stderr}"
    );
}

#[test]

fn bad_yaml_message_has_no_front_matter_relative_line() {
    // yaml_error strips only the last " at line L column C" of serde_yaml's
    // message; this one has two ("... at line 4 column 1, while parsing a flow
    // sequence at line L column C"), and the first, relative to the front
    // matter rather than the file, is printed.
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/yaml.md",
        "---\ntitle: \"Tít\"\ndate: 2024-01-01 10:00\ntags: [\"a\", \"b\"\n---\nx\n",
    );
    let stderr = build_fails(&site);
    assert!(
        stderr.starts_with("error: content/thoi-su/yaml.md:5:1: "),
        "{stderr}"
    );
    assert!(!stderr.contains(" at line "), "{stderr}");
}

#[test]

fn wrong_type_title_is_one_error() {
    let site = Site::fixture("minimal");
    site.write(
        "content/thoi-su/t.md",
        "---\ntitle: [\"a\", \"b\"]\ndate: 2024-01-01 10:00\n---\nx\n",
    );
    assert_eq!(
        build_fails(&site),
        "error: content/thoi-su/t.md:2:8: `title` is a list; it must be text, like \"Tít bài\"\n  help: write `title:` followed by text, like \"Tít bài\"\n1 error found; nothing was written\n"
    );
}

#[test]
fn template_error_is_exit_code_1_and_names_the_page() {
    let site = Site::fixture("minimal");
    site.write(
        "templates/article.html",
        "{% extends \"base.html\" %}{% block main %}{{ page.title | no_such_filter }}{% endblock main %}",
    );
    let run = site.build(&[]);
    run.assert_code(1);
    assert!(run.stderr.starts_with("template error: "), "{}", run.stderr);
    assert!(
        run.stderr.contains("Unknown filter `no_such_filter`"),
        "{}",
        run.stderr
    );
    // Line and column in the template, and which file that template is.
    assert!(
        run.stderr.contains(" --> article.html:1:58"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("\n  article.html is templates/article.html"),
        "{}",
        run.stderr
    );
    assert!(!site.out.exists());
}

#[test]
fn failed_build_leaves_the_previous_output_intact() {
    let site = Site::fixture("news");
    site.build_ok(&[]);
    let before = read_tree(&site.out);
    let before_times = mtimes(&site.out);
    let index = site.read_bytes("index.html");

    site.write(
        "content/thoi-su/gia-xang.md",
        "---\ntitle: 'Giá xăng'\ndate: 2024-02-30 08:00\n---\n\nx\n",
    );
    site.write("content/the-thao/rong.txt", "   \n\n");
    let run = site.build(&[]);
    run.assert_code(1);
    assert!(
        run.stderr
            .ends_with("\n2 errors found; nothing was written\n"),
        "{}",
        run.stderr
    );
    assert_eq!(site.read_bytes("index.html"), index);
    assert!(read_tree(&site.out) == before, "the output changed");
    assert_eq!(mtimes(&site.out), before_times);
    // No staging folder is left behind.
    let mut beside: Vec<String> = std::fs::read_dir(&site.tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    beside.sort();
    // Only the list of files the last build wrote and the lock file (never
    // deployed: they are not inside the output).
    assert_eq!(
        beside,
        [".out.bantin-lock", ".out.bantin-manifest", "out", "site"]
    );
}

#[test]
fn failed_render_leaves_the_previous_output_intact() {
    // A template that fails only while rendering (not while compiling): the
    // error comes after writing has started, into the staging folder.
    let site = Site::fixture("news");
    site.build_ok(&[]);
    let before = read_tree(&site.out);
    site.write(
        "templates/tag.html",
        "{% extends \"base.html\" %}{% block main %}{{ tag.no_such_key.deeper }}{% endblock main %}",
    );
    let run = site.build(&[]);
    run.assert_code(1);
    assert!(
        run.stderr
            .starts_with("template error: while rendering tags/"),
        "{}",
        run.stderr
    );
    assert!(read_tree(&site.out) == before, "the output changed");
    let mut beside: Vec<String> = std::fs::read_dir(&site.tmp)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    beside.sort();
    // Only the list of files the last build wrote and the lock file (never
    // deployed: they are not inside the output).
    assert_eq!(
        beside,
        [".out.bantin-lock", ".out.bantin-manifest", "out", "site"]
    );
}

#[test]
fn theme_and_strings_mistakes_are_located() {
    let site = Site::fixture("minimal");
    let config = std::fs::read_to_string(site.path("config.yaml")).unwrap();
    site.write(
        "config.yaml",
        &format!("{config}strings:\n  lates: \"Mới\"\n  home: \"Nhà\"\n"),
    );
    let run = site.build(&[]);
    run.assert_code(1);
    assert!(
        run.stderr.starts_with(
            "error: config.yaml:4:3: unknown string `lates` in strings:; did you mean `latest`?\n"
        ),
        "{}",
        run.stderr
    );
    site.write("config.yaml", &format!("{config}theme: bao-moi\n"));
    let run = site.build(&[]);
    run.assert_code(1);
    assert!(
        run.stderr
            .starts_with("error: config.yaml:3:8: theme \"bao-moi\" not found"),
        "{}",
        run.stderr
    );
    site.write("themes/bao-moi/templates/.keep", "");
    site.write("themes/bao-moi/theme.yaml", "strings:\n  home: [Nhà\n");
    let run = site.build(&[]);
    run.assert_code(1);
    assert!(
        run.stderr.starts_with("error: themes/bao-moi/theme.yaml:"),
        "{}",
        run.stderr
    );
}
