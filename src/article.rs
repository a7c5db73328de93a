//! The page model every input format becomes: one [`Article`] per content file.

use std::path::PathBuf;

use jiff::ZonedDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// Markdown with YAML front matter.
    Markdown,
    /// Raw newsroom text (date line, title, lead, body, credit).
    Raw,
}

/// The article body, kept as written until it is rendered, so that the HTML of
/// 100k articles never has to be resident at once.
#[derive(Debug, Clone)]
pub enum Body {
    Markdown(String),
    /// Already-escaped HTML, produced by the raw-article parser.
    Html(String),
}

#[derive(Debug, Clone)]
pub struct Article {
    /// Path relative to the site root with `/` separators (`content/thoi-su/a.md`).
    pub source_path: PathBuf,
    pub kind: SourceKind,
    /// Section key: the content-relative folder (`thoi-su`), none at the top.
    pub section: Option<String>,
    pub title: String,
    pub date: ZonedDateTime,
    pub updated: Option<ZonedDateTime>,
    /// Display forms, in front-matter order, NFC.
    pub tags: Vec<String>,
    pub authors: Vec<String>,
    /// Plain text.
    pub summary: String,
    /// The summary is the body's first paragraph (a raw article's lead, or a
    /// summary derived from the body), so themes should not print it twice.
    pub lead_in_body: bool,
    /// `slug:` from front matter, already slugified.
    pub explicit_slug: Option<String>,
    /// Slug derived from the title (before collision suffixes).
    pub title_slug: String,
    pub draft: bool,
    /// Taken down at this time (`expires:`); published until then.
    pub expires: Option<ZonedDateTime>,
    /// A standalone page (About, Contact): no byline, date, tags; in no list,
    /// feed or archive. Top-level files, and any with `kind: page`.
    pub standalone: bool,
    /// Where a standalone page is linked from (`menu: footer`).
    pub menu: Option<String>,
    /// Stable id for `:id` permalinks (`id:`, written by `new`).
    pub id: Option<String>,
    pub image: Option<String>,
    pub aliases: Vec<String>,
    /// Front-matter keys bantin does not interpret, for templates.
    pub extra: serde_json::Map<String, serde_json::Value>,
    pub body: Body,
    /// `CT` from a raw article's `(CT) - ` lead.
    pub dateline: Option<String>,
    /// A source credit (`TTXVN` from `Theo TTXVN`).
    pub source_credit: Option<String>,
    pub word_count: usize,
    /// File line of the `slug:`/`title:` key, for collision messages.
    pub slug_line: usize,
    /// Findings that did not stop the article (a weekday that does not match its date).
    pub warnings: Vec<crate::error::Warning>,
}

/// A section's `_index.md`.
#[derive(Debug, Clone, Default)]
pub struct SectionMeta {
    pub title: Option<String>,
    pub description: String,
    pub weight: Option<i64>,
}
