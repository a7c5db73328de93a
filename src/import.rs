//! Raw newsroom text -> Markdown with YAML front matter, for `bantin import`.
//! The Markdown is written so that it renders to exactly the HTML bantin makes
//! from the raw file: paragraphs are escaped, never interpreted.

use serde::Serialize;

use crate::config::Config;
use crate::dates::{local_to_zoned, rfc3339};
use crate::parse::raw_article::{Block, CAPTION_OPEN, RawArticle, escape_into};

#[derive(Serialize)]
struct Credit<'a> {
    name: &'a str,
    roles: Vec<&'static str>,
}

#[derive(Serialize)]
struct ImportedFrontMatter<'a> {
    title: &'a str,
    date: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    credits: Vec<Credit<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dateline: Option<&'a str>,
    summary: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
    imported_from: &'a str,
}

/// The Markdown file for a parsed raw article. `source_name` is recorded as
/// `imported_from`.
pub fn to_markdown(raw: &RawArticle, source_name: &str, config: &Config) -> Result<String, String> {
    let date = local_to_zoned(raw.date, &config.timezone).map_err(|e| e.to_string())?;
    let body_text: String = raw
        .blocks
        .iter()
        .map(|b| b.text())
        .collect::<Vec<_>>()
        .join("\n");
    let fm = ImportedFrontMatter {
        title: &raw.title,
        date: rfc3339(&date),
        authors: raw.authors.iter().map(|a| a.name.as_str()).collect(),
        credits: raw
            .authors
            .iter()
            .map(|a| Credit {
                name: &a.name,
                roles: a.roles.iter().map(|r| r.as_str()).collect(),
            })
            .collect(),
        source: raw.source.as_deref(),
        dateline: raw.dateline.as_deref(),
        summary: &raw.lead,
        tags: crate::tag_rules::tags_for(&raw.title, &body_text, &config.tag_rules),
        imported_from: source_name,
    };
    let yaml = serde_yaml::to_string(&fm).map_err(|e| e.to_string())?;
    let mut out = String::with_capacity(yaml.len() + body_text.len() * 11 / 10 + 64);
    out.push_str("---\n");
    out.push_str(&yaml);
    out.push_str("---\n");
    for b in &raw.blocks {
        out.push('\n');
        match b {
            Block::Paragraph(t) => escape_markdown_into(&mut out, t),
            Block::Caption(t) => {
                out.push_str(CAPTION_OPEN);
                escape_into(&mut out, t);
                out.push_str("</p>");
            }
        }
        out.push('\n');
    }
    Ok(out)
}

/// Backslash-escapes what Markdown would read as markup in one paragraph of
/// plain text, and nothing else, so editors still read ordinary text.
pub fn escape_markdown_into(out: &mut String, text: &str) {
    let mut at_start = true;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let needs = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '|' | '!' | '$' => true,
            '#' | '-' | '+' | '=' if at_start => true,
            '.' | ')' => {
                // "1. " or "1) " at the start would begin an ordered list.
                text[..i].chars().all(|d| d.is_ascii_digit()) && i > 0
            }
            _ => false,
        };
        if needs {
            out.push('\\');
        }
        out.push(c);
        if !c.is_ascii_digit() {
            at_start = false;
        }
        let _ = chars.peek();
    }
}

/// A file name for an imported article: its slug, `-2`, `-3`... if taken.
pub fn file_name(slug: &str, taken: &dyn Fn(&str) -> bool) -> String {
    let mut name = format!("{slug}.md");
    let mut k = 1;
    while taken(&name) {
        k += 1;
        name = format!("{slug}-{k}.md");
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::markdown::render;
    use crate::parse::raw_article::body_html;

    fn md_paragraph(text: &str) -> String {
        let mut s = String::new();
        escape_markdown_into(&mut s, text);
        s
    }

    #[test]
    fn escaped_markdown_renders_as_the_literal_text() {
        for text in [
            "*đậm* _nghiêng_ `mã` [x](y) ![i](j) <script>alert(1)</script> & &amp; \"q\" 'a'",
            "# không phải tít",
            "- không phải danh sách",
            "+ cũng không",
            "1. không phải danh sách số",
            "2024) năm",
            "> không phải trích dẫn",
            "a | b | c",
            "~~gạch~~ $x$ \\ cuối",
            "=== ---",
            "Chiều 4-3, giá 1.000 đồng.",
        ] {
            let blocks = [Block::Paragraph(text.to_string())];
            assert_eq!(
                render(&md_paragraph(text), "/", "/"),
                body_html(&blocks),
                "{text}"
            );
        }
    }

    #[test]
    fn picks_free_file_names() {
        let taken = |n: &str| n == "a.md" || n == "a-2.md";
        assert_eq!(file_name("a", &taken), "a-3.md");
        assert_eq!(file_name("b", &taken), "b.md");
    }
}
