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

/// `/x` -> `{base_path}x`; other links are left alone.
fn rebase<'a>(dest: CowStr<'a>, base_path: &str) -> CowStr<'a> {
    if base_path != "/" && dest.starts_with('/') && !dest.starts_with("//") {
        CowStr::from(format!("{base_path}{}", &dest[1..]))
    } else {
        dest
    }
}

pub fn render(markdown: &str, base_path: &str) -> String {
    let parser = Parser::new_ext(markdown, options()).map(|event| match event {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: rebase(dest_url, base_path),
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
            dest_url: rebase(dest_url, base_path),
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
pub fn first_paragraph_text(markdown: &str) -> String {
    let mut text = String::new();
    let mut in_paragraph = false;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Start(Tag::Paragraph) => in_paragraph = true,
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
    fn rebases_root_relative_links() {
        let html = render(
            "[a](/tags/) ![i](/img/x.svg) [b](https://x.org/) [c](//cdn/x) [d](rel/)",
            "/bao/",
        );
        assert!(html.contains(r#"href="/bao/tags/""#));
        assert!(html.contains(r#"src="/bao/img/x.svg""#));
        assert!(html.contains(r#"href="https://x.org/""#));
        assert!(html.contains(r#"href="//cdn/x""#));
        assert!(html.contains(r#"href="rel/""#));
    }

    #[test]
    fn takes_first_paragraph_as_text() {
        assert_eq!(
            first_paragraph_text("## Tít\n\nĐoạn **một**\ndòng hai.\n\nĐoạn hai."),
            "Đoạn một dòng hai."
        );
    }
}
