//! Markdown to HTML with pulldown-cmark. Root-relative links (`/images/a.jpg`)
//! get the base URL's path, so a site published under `/bao/` keeps working.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// `/x` -> `{base_path}x`; a relative `anh.jpg` -> `{dir_url}anh.jpg`, because
/// authors mean "beside this file" and the page itself lives one folder
/// deeper (`/thoi-su/slug/`) than the file's assets (`/thoi-su/anh.jpg`).
/// Absolute URLs, fragments and `mailto:`-style links are left alone.
fn rebase<'a>(dest: CowStr<'a>, base_path: &str, dir_url: &str) -> CowStr<'a> {
    if dest.starts_with("//") || dest.is_empty() || dest.starts_with('#') || dest.starts_with('?') {
        return dest;
    }
    if let Some(rest) = dest.strip_prefix('/') {
        return if base_path == "/" {
            dest
        } else {
            CowStr::from(format!("{base_path}{rest}"))
        };
    }
    let has_scheme = dest.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    if has_scheme {
        return dest;
    }
    CowStr::from(format!("{dir_url}{dest}"))
}

/// Markdown to HTML; `dir_url` is the URL path of the source file's folder
/// (`/bao/thoi-su/`), for relative links.
pub fn render(markdown: &str, base_path: &str, dir_url: &str) -> String {
    let parser = Parser::new_ext(markdown, options()).map(|event| match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: rebase(dest_url, base_path, dir_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: rebase(dest_url, base_path, dir_url),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() + markdown.len() / 4);
    html::push_html(&mut out, parser);
    out
}

/// The plain text of the first paragraph, for a summary when front matter has none.
///
/// pulldown-cmark scans a whole document's blocks before the first event, so
/// the body is fed one blank-line-separated chunk at a time, and the scan
/// stops at the first chunk that holds a paragraph.
pub fn first_paragraph_text(markdown: &str) -> String {
    let fences = |s: &str| {
        s.lines()
            .filter(|l| l.trim_start().starts_with("```") || l.trim_start().starts_with("~~~"))
            .count()
    };
    let mut start = 0;
    while start < markdown.len() {
        let mut end = start;
        // A chunk ends at a blank line outside any fenced code block.
        loop {
            end = markdown[end..]
                .find("\n\n")
                .map_or(markdown.len(), |i| end + i + 2);
            if end >= markdown.len() || fences(&markdown[start..end]) % 2 == 0 {
                break;
            }
        }
        let text = paragraph_text(&markdown[start..end]);
        if !text.is_empty() {
            return text;
        }
        start = end;
    }
    String::new()
}

/// The text of the first top-level paragraph (not one inside a quote or list).
fn paragraph_text(markdown: &str) -> String {
    let mut text = String::new();
    let mut in_paragraph = false;
    let mut depth = 0usize;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(
                Tag::BlockQuote(_) | Tag::List(_) | Tag::Table(_) | Tag::FootnoteDefinition(_),
            ) => depth += 1,
            Event::End(
                TagEnd::BlockQuote(_)
                | TagEnd::List(_)
                | TagEnd::Table
                | TagEnd::FootnoteDefinition,
            ) => depth = depth.saturating_sub(1),
            Event::Start(Tag::Paragraph) if depth == 0 => in_paragraph = true,
            Event::End(TagEnd::Paragraph) if in_paragraph => break,
            Event::Text(t) | Event::Code(t) if in_paragraph => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak if in_paragraph => text.push(' '),
            _ => {}
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebases_root_and_file_relative_links() {
        let html = render(
            "[a](/tags/) ![i](/img/x.svg) [b](https://x.org/) [c](//cdn/x) [d](rel/) ![e](anh.jpg) [f](#g) [h](mailto:a@b.vn)",
            "/bao/",
            "/bao/thoi-su/",
        );
        assert!(html.contains(r#"href="/bao/tags/""#));
        assert!(html.contains(r#"src="/bao/img/x.svg""#));
        assert!(html.contains(r#"href="https://x.org/""#));
        assert!(html.contains(r#"href="//cdn/x""#));
        assert!(html.contains(r#"href="/bao/thoi-su/rel/""#));
        assert!(html.contains(r#"src="/bao/thoi-su/anh.jpg""#));
        assert!(html.contains(r##"href="#g""##));
        assert!(html.contains(r#"href="mailto:a@b.vn""#));
    }

    #[test]
    fn takes_first_paragraph_as_text_not_code() {
        assert_eq!(
            first_paragraph_text("```\nmã\n\nvẫn mã\n```\n\nĐoạn đầu."),
            "Đoạn đầu."
        );
        assert_eq!(
            first_paragraph_text("# Tít\n\n- mục\n\n> trích\n\nĐoạn."),
            "Đoạn."
        );
    }

    #[test]
    fn takes_first_paragraph_as_text() {
        assert_eq!(
            first_paragraph_text("## Tít\n\nĐoạn **một**\ndòng hai.\n\nĐoạn hai."),
            "Đoạn một dòng hai."
        );
    }
}
