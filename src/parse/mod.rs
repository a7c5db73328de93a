//! Stage 2: a content file's text becomes an [`Article`]. Pure functions of
//! (path, text, config), so they are easy to test and safe to run in parallel.

pub mod front_matter;
pub mod markdown;
pub mod raw_article;

use std::path::Path;

use serde_yaml::Value;

use crate::article::{Article, Body, SectionMeta, SourceKind};
use crate::config::Config;
use crate::dates::{local_to_zoned, parse_date};
use crate::error::{ContentError, ContentErrors, Location};
use crate::text::{nfc, slugify, teaser, word_count};
use front_matter::{FrontMatter, date_text};

/// Longest slug taken from a title; longer titles are cut at a word.
pub const MAX_SLUG_LEN: usize = 80;
/// The front-matter keys of an article that bantin reads.
pub const ARTICLE_KEYS: &[&str] = &[
    "title", "date", "updated", "tags", "authors", "author", "summary", "slug", "draft", "image",
    "aliases", "source", "dateline", "extra", "expires", "kind", "menu", "id",
];
/// Keys bantin writes (`import`) or themes read that bantin itself does not
/// interpret: kept in `page.extra` as before.
pub const PASS_THROUGH_KEYS: &[&str] = &["credits", "imported_from", "imported_sha256", "featured"];

/// Longest summary derived from the body.
pub const SUMMARY_CHARS: usize = 280;

/// Reads a file's bytes as text (UTF-8, BOM, CRLF, NFC) or says where it is
/// not. Control characters are dropped here, once for every content file
/// (see [`crate::text::without_controls`] for why dropped, not refused);
/// a column reported later on the same line as a dropped one is off by one,
/// a small price for text that can never carry them into a page.
pub fn decode_source(path: &Path, bytes: Vec<u8>) -> Result<String, ContentError> {
    crate::text::decode_owned(bytes)
        .map(crate::text::strip_controls)
        .map_err(|e| e.at(path))
}

pub fn parse_article(
    path: &Path,
    section: Option<String>,
    kind: SourceKind,
    text: &str,
    config: &Config,
) -> Result<Article, ContentErrors> {
    match kind {
        SourceKind::Markdown => parse_markdown(path, section, text, config).map_err(ContentErrors),
        SourceKind::Raw => {
            parse_raw_file(path, section, text, config).map_err(|e| ContentErrors(vec![e]))
        }
    }
}

/// A Markdown article: its front matter read key by key ([`read_fields`]),
/// then the checks that need more than a value's type, then the article.
/// Every problem is collected before any is returned; the steps run in a
/// fixed order, which is the order the errors are listed in.
fn parse_markdown(
    path: &Path,
    section: Option<String>,
    text: &str,
    config: &Config,
) -> Result<Article, Vec<ContentError>> {
    let split = front_matter::split(path, text).map_err(|e| vec![e])?;
    let mut fm = FrontMatter::parse(path, &split).map_err(|e| vec![e])?;
    let mut errors = Vec::new();
    let fields = read_fields(&mut fm, section.is_none(), &mut errors);

    let start = fm.start();
    check_limits(&fields, config, &mut errors);
    let title = require_title(&fields, &start, &mut errors);
    let date = read_date(
        fields.date.as_ref(),
        &fields.date_loc,
        "date",
        true,
        &start,
        config,
        &mut errors,
    );
    let updated = read_date(
        fields.updated.as_ref(),
        &fields.updated_loc,
        "updated",
        false,
        &start,
        config,
        &mut errors,
    );
    let expires = read_date(
        fields.expires.as_ref(),
        &fields.expires_loc,
        "expires",
        false,
        &start,
        config,
        &mut errors,
    );
    let tags = clean_tags(&fields.tags, &fields.tags_loc, &mut errors);
    let (explicit_slug, title_slug) = article_slugs(
        fields.slug.as_deref(),
        &title,
        &fields.slug_loc,
        &mut errors,
    );

    let extra = fm
        .into_extra(ARTICLE_KEYS, PASS_THROUGH_KEYS)
        .map_err(|e| errors.extend(e))
        .unwrap_or_default();
    if !errors.is_empty() {
        return Err(errors);
    }
    let checked = Checked {
        title,
        date: date.expect("checked above"),
        updated,
        expires,
        tags,
        explicit_slug,
        title_slug,
    };
    Ok(markdown_article(
        path, section, fields, checked, split.body, extra,
    ))
}

/// The front-matter values of a Markdown article as written, each with
/// where it is when a later check may point at it.
struct Fields {
    title: Option<String>,
    /// `title:` is present (an empty one is pointed at, a missing one is not).
    has_title: bool,
    /// `title:` is of the wrong type, already reported: not also "missing".
    title_type_error: bool,
    title_loc: Location,
    /// `slug:`, or the title when there is none: where URL problems point.
    slug_loc: Location,
    date: Option<Value>,
    date_loc: Location,
    updated: Option<Value>,
    updated_loc: Location,
    expires: Option<Value>,
    expires_loc: Location,
    standalone: bool,
    menu: Option<String>,
    id: Option<String>,
    tags: Vec<String>,
    tags_loc: Location,
    /// `author:` first, then `authors:`.
    authors: Vec<String>,
    summary: Option<String>,
    slug: Option<String>,
    draft: Option<bool>,
    image: Option<String>,
    aliases: Vec<String>,
    source_credit: Option<String>,
    dateline: Option<String>,
}

/// The values that passed the checks after [`read_fields`].
struct Checked {
    title: String,
    date: jiff::ZonedDateTime,
    updated: Option<jiff::ZonedDateTime>,
    expires: Option<jiff::ZonedDateTime>,
    tags: Vec<String>,
    explicit_slug: Option<String>,
    title_slug: String,
}

/// An error for a value of the wrong type, kept; the value, if any, returned.
fn ok<T>(errors: &mut Vec<ContentError>, r: Result<Option<T>, ContentError>) -> Option<T> {
    r.map_err(|e| errors.push(e)).ok().flatten()
}

/// Takes the keys bantin reads out of `fm`, in a fixed order (type errors
/// are reported in it), and checks the values that need nothing else:
/// `kind`, `menu`, `id` and `aliases`. What is left in `fm` is `extra`.
fn read_fields(
    fm: &mut FrontMatter<'_>,
    top_level: bool,
    errors: &mut Vec<ContentError>,
) -> Fields {
    let title_loc = fm.location("title");
    let slug_loc = if fm.has("slug") {
        fm.location("slug")
    } else {
        title_loc.clone()
    };
    let has_title = fm.has("title");
    let errors_before_title = errors.len();
    let title: Option<String> = ok(errors, fm.take("title", "text, like \"Tít bài\""));
    let title_type_error = errors.len() > errors_before_title;
    let date_loc = fm.location("date");
    let updated_loc = fm.location("updated");
    let expires_loc = fm.location("expires");
    let date: Option<Value> = ok(
        errors,
        fm.take(
            "date",
            "a date like 2024-03-04T18:48:00+07:00 or 2024-03-04 18:48",
        ),
    );
    let updated: Option<Value> = ok(errors, fm.take("updated", "a date like 2024-03-04 18:48"));
    let expires: Option<Value> = ok(errors, fm.take("expires", "a date like 2024-03-04 18:48"));
    let standalone = read_kind(fm, top_level, errors);
    let menu = read_menu(fm, standalone, errors);
    let id = read_id(fm, errors);
    let tags_loc = fm.location("tags");
    let tags = fm
        .take_names("tags")
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let mut authors = fm
        .take_names("authors")
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let single = fm
        .take_names("author")
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    authors.splice(0..0, single);
    let summary: Option<String> = ok(errors, fm.take("summary", "text"));
    let slug: Option<String> = ok(errors, fm.take("slug", "text, like \"ten-bai\""));
    let draft: Option<bool> = ok(errors, fm.take("draft", "true or false"));
    let image: Option<String> = ok(
        errors,
        fm.take("image", "a URL or a path like /images/a.jpg"),
    );
    let aliases_loc = fm.location("aliases");
    let aliases = fm
        .take_list("aliases")
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    check_aliases(&aliases, &aliases_loc, errors);
    // `source` and `dateline` are what `import` writes for raw articles
    // (with `credits` and `imported_from`, which stay in `extra`).
    let source_credit: Option<String> = ok(errors, fm.take("source", "text"));
    let dateline: Option<String> = ok(errors, fm.take("dateline", "text"));
    Fields {
        title,
        has_title,
        title_type_error,
        title_loc,
        slug_loc,
        date,
        date_loc,
        updated,
        updated_loc,
        expires,
        expires_loc,
        standalone,
        menu,
        id,
        tags,
        tags_loc,
        authors,
        summary,
        slug,
        draft,
        image,
        aliases,
        source_credit,
        dateline,
    }
}

/// Whether the file is a standalone page: `kind: page`, or a top-level file
/// without `kind`.
fn read_kind(fm: &mut FrontMatter<'_>, top_level: bool, errors: &mut Vec<ContentError>) -> bool {
    let kind_loc = fm.location("kind");
    let kind: Option<String> = ok(errors, fm.take("kind", "`article` or `page`"));
    match kind.as_deref().map(str::trim) {
        None => top_level,
        Some("page") => true,
        Some("article") => false,
        Some(other) => {
            errors.push(
                ContentError::new(
                    kind_loc,
                    format!("`kind` is \"{other}\"; it must be `article` or `page`"),
                )
                .help(
                    "`kind: page` for a standalone page (About, Contact), `kind: article` for news",
                ),
            );
            false
        }
    }
}

/// Where a page is linked from. A page is linked from the footer unless it
/// says otherwise, so no page is left that no reader can reach.
fn read_menu(
    fm: &mut FrontMatter<'_>,
    standalone: bool,
    errors: &mut Vec<ContentError>,
) -> Option<String> {
    let menu_loc = fm.location("menu");
    let menu: Option<String> = ok(errors, fm.take("menu", "`footer`, `main` or `none`"));
    match menu.as_deref().map(str::trim) {
        None if standalone => Some("footer".to_string()),
        None | Some("none") => None,
        Some(m @ ("footer" | "main")) => Some(m.to_string()),
        Some(m) => {
            errors.push(
                ContentError::new(menu_loc, format!("`menu` is \"{m}\"; it must be `footer`, `main` or `none`"))
                    .help("`menu: footer` (the default for pages) links the page from the footer of every page, `menu: main` from the section menu"),
            );
            None
        }
    }
}

/// The newsroom's own article number or code, if any.
fn read_id(fm: &mut FrontMatter<'_>, errors: &mut Vec<ContentError>) -> Option<String> {
    let id_loc = fm.location("id");
    let id: Option<Value> = fm.take("id", "a number or a short code").unwrap_or(None);
    match id {
        None => None,
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::String(s))
            if !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            Some(s)
        }
        Some(v) => {
            errors.push(
                ContentError::new(id_loc, format!("`id` is {}; it must be a number or a short code of letters, digits and dashes", match v {
                    Value::String(s) => format!("\"{s}\""),
                    _ => "not text".into(),
                }))
                .help("write `id: 12345`; `bantin new` gives the next free one"),
            );
            None
        }
    }
}

/// An alias becomes a folder in the output and a line of `_redirects`: it
/// must be a plain path.
fn check_aliases(aliases: &[String], aliases_loc: &Location, errors: &mut Vec<ContentError>) {
    for alias in aliases {
        let path = alias.split_once("://").map_or(alias.as_str(), |(_, rest)| {
            rest.find('/').map_or("/", |i| &rest[i..])
        });
        if !path.starts_with('/')
            || path.split('/').any(|seg| seg == "..")
            || path
                .contains(|c: char| c.is_whitespace() || c.is_control() || "?#\"<>\\".contains(c))
        {
            errors.push(
                ContentError::new(aliases_loc.clone(), format!("alias {alias:?} is not a plain path"))
                    .help("write the old address as a path like /tin-cu/ten-bai/ (no spaces, `?`, `#` or `..`)"),
            );
        }
    }
}

/// The site's limits on a title's length and an article's tag count.
fn check_limits(fields: &Fields, config: &Config, errors: &mut Vec<ContentError>) {
    if let Some(t) = &fields.title {
        errors.extend(title_too_long(t.trim(), fields.title_loc.clone(), config));
    }
    if fields.tags.len() > config.limits.tags_per_article {
        errors.push(
            ContentError::new(
                fields.tags_loc.clone(),
                format!(
                    "{} tags; an article may have at most {}",
                    fields.tags.len(),
                    config.limits.tags_per_article
                ),
            )
            .help(
                "keep the tags readers browse by, or raise limits.tags_per_article in config.yaml",
            ),
        );
    }
}

/// The cleaned title; a missing or empty one is an error (but not again when
/// its type was wrong), and gives an empty title so the checks go on.
fn require_title(fields: &Fields, start: &Location, errors: &mut Vec<ContentError>) -> String {
    match fields.title.as_deref().map(clean) {
        Some(t) if !t.is_empty() => t,
        _ if fields.title_type_error => String::new(),
        _ => {
            errors.push(
                ContentError::new(
                    if fields.has_title {
                        fields.title_loc.clone()
                    } else {
                        start.clone()
                    },
                    "missing title",
                )
                .help("add a line `title: \"...\"` to the front matter"),
            );
            String::new()
        }
    }
}

/// One of `date`, `updated`, `expires` in the site's timezone; `required`
/// for `date`, whose absence is pointed at the start of the front matter.
fn read_date(
    v: Option<&Value>,
    loc: &Location,
    key: &str,
    required: bool,
    start: &Location,
    config: &Config,
    errors: &mut Vec<ContentError>,
) -> Option<jiff::ZonedDateTime> {
    match v {
        None if required => {
            errors.push(ContentError::new(start.clone(), format!("missing {key}"))
                .help("add a line `date: 2024-03-04 18:48` (site time) or `date: 2024-03-04T18:48:00+07:00`"));
            None
        }
        None => None,
        Some(v) => match date_text(v).map(|s| parse_date(&s, &config.timezone)) {
            Some(Ok(z)) => Some(z),
            Some(Err(msg)) => {
                errors.push(
                    ContentError::new(loc.clone(), msg)
                        .help("write 2024-03-04 18:48 (site time) or 2024-03-04T18:48:00+07:00"),
                );
                None
            }
            None => {
                errors.push(
                    ContentError::new(loc.clone(), format!("`{key}` must be a date"))
                        .help("write 2024-03-04 18:48"),
                );
                None
            }
        },
    }
}

/// The cleaned tags; one that would have an empty URL is an error.
fn clean_tags(tags: &[String], tags_loc: &Location, errors: &mut Vec<ContentError>) -> Vec<String> {
    let tags: Vec<String> = tags.iter().map(|t| clean(t)).collect();
    for t in &tags {
        if slugify(t).is_empty() {
            errors.push(
                ContentError::new(
                    tags_loc.clone(),
                    format!("tag \"{t}\" has no letters or digits"),
                )
                .help("remove the tag or give it a name"),
            );
        }
    }
    tags
}

/// The `slug:` as written, slugified, and the slug made from the title;
/// either one that cannot give a URL is an error.
fn article_slugs(
    slug: Option<&str>,
    title: &str,
    slug_loc: &Location,
    errors: &mut Vec<ContentError>,
) -> (Option<String>, String) {
    let explicit_slug = match slug {
        Some(s) => {
            let s2 = slugify(s);
            if s2.is_empty() {
                errors.push(
                    ContentError::new(
                        slug_loc.clone(),
                        format!("slug \"{s}\" has no letters or digits"),
                    )
                    .help("use letters, digits and dashes, like phoi-hop-an-ninh"),
                );
            }
            Some(s2)
        }
        None => None,
    };
    let title_slug = truncate(&slugify(title));
    if explicit_slug.is_none() && title_slug.is_empty() && !title.is_empty() {
        errors.push(
            ContentError::new(
                slug_loc.clone(),
                format!("cannot make a URL from the title \"{title}\""),
            )
            .help("add `slug: ten-bai` to the front matter"),
        );
    }
    (explicit_slug, title_slug)
}

/// The article, once every check has passed.
fn markdown_article(
    path: &Path,
    section: Option<String>,
    fields: Fields,
    checked: Checked,
    body: &str,
    extra: serde_json::Map<String, serde_json::Value>,
) -> Article {
    let first_paragraph = markdown::first_paragraph_text(body);
    // A summary that is (part of) the first paragraph, like an imported lead,
    // must not be printed twice by themes.
    let (summary, lead_in_body) = match fields.summary {
        Some(s) => {
            let s = clean(&s);
            let inside = !s.is_empty() && first_paragraph.contains(&s);
            (s, inside)
        }
        None => (teaser(&first_paragraph, SUMMARY_CHARS), true),
    };
    Article {
        source_path: path.to_path_buf(),
        kind: SourceKind::Markdown,
        section,
        title: checked.title,
        date: checked.date,
        updated: checked.updated,
        tags: checked.tags,
        authors: fields
            .authors
            .iter()
            .map(|a| clean(a))
            .filter(|a| !a.is_empty())
            .collect(),
        summary,
        lead_in_body,
        explicit_slug: checked.explicit_slug,
        title_slug: checked.title_slug,
        draft: fields.draft.unwrap_or(false),
        expires: checked.expires,
        standalone: fields.standalone,
        menu: fields.menu,
        id: fields.id,
        image: fields.image,
        aliases: fields.aliases,
        word_count: markdown_word_count(body),
        body: Body::Markdown(body.to_string()),
        dateline: fields.dateline.map(|d| clean(&d)),
        source_credit: fields.source_credit.map(|s| clean(&s)),
        extra,
        slug_line: fields.slug_loc.line,
        warnings: Vec::new(),
    }
}

/// Words of a Markdown body, not counting HTML tags or backslash escapes, so
/// an imported article reads as long as the raw file it came from.
fn markdown_word_count(body: &str) -> usize {
    if !body.as_bytes().iter().any(|&b| b == b'<' || b == b'\\') {
        return body.split_ascii_whitespace().count();
    }
    // Bytes, not chars: only ASCII is markup or a separator here, and
    // non-ASCII bytes are always inside a word (NBSP rarely separates words
    // in newsroom text).
    let mut words = 0;
    let mut in_tag = false;
    let mut in_word = false;
    for &b in body.as_bytes() {
        match b {
            b'<' => in_tag = true,
            b'>' if in_tag => in_tag = false,
            b'\\' => {}
            _ if in_tag => {}
            b' ' | b'\n' | b'\t' | b'\r' | 0x0B | 0x0C => in_word = false,
            _ => {
                if !in_word {
                    words += 1;
                }
                in_word = true;
            }
        }
    }
    words
}

/// A text value from front matter as pages show it: trimmed, NFC, and
/// without control characters, which YAML escapes (`"\e"`, `"\0"`) let
/// through even though the file itself has none.
fn clean(value: &str) -> String {
    nfc(crate::text::without_controls(value).trim())
}

fn truncate(slug: &str) -> String {
    crate::text::truncate_slug(slug, MAX_SLUG_LEN).to_string()
}

fn parse_raw_file(
    path: &Path,
    section: Option<String>,
    text: &str,
    config: &Config,
) -> Result<Article, ContentError> {
    let raw = raw_article::parse_raw(text, &config.raw).map_err(|e| e.at(path))?;
    let date = local_to_zoned(raw.date, &config.timezone).map_err(|e| {
        ContentError::new(
            Location::new(path, 1, 1),
            format!("invalid local time: {e}"),
        )
    })?;
    if let Some(e) = title_too_long(&raw.title, Location::new(path, raw.title_line, 1), config) {
        return Err(e);
    }
    let title_slug = truncate(&slugify(&raw.title));
    if title_slug.is_empty() {
        return Err(ContentError::new(
            Location::new(path, raw.title_line, 1),
            format!("cannot make a URL from the title \"{}\"", raw.title),
        )
        .help("give the article a title with letters or digits"));
    }
    let words = raw.blocks.iter().map(|b| word_count(b.text())).sum();
    let mut extra = serde_json::Map::new();
    if !raw.authors.is_empty() {
        let credits = raw
            .authors
            .iter()
            .map(|a| serde_json::json!({"name": a.name, "roles": a.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>()}))
            .collect();
        extra.insert("credits".into(), serde_json::Value::Array(credits));
    }
    let standalone = section.is_none();
    Ok(Article {
        source_path: path.to_path_buf(),
        kind: SourceKind::Raw,
        section,
        title: raw.title.clone(),
        date,
        updated: None,
        tags: Vec::new(),
        authors: raw.authors.iter().map(|a| a.name.clone()).collect(),
        summary: raw.lead.clone(),
        lead_in_body: true,
        explicit_slug: None,
        title_slug,
        draft: false,
        expires: None,
        standalone,
        menu: standalone.then(|| "footer".to_string()),
        id: None,
        image: None,
        aliases: Vec::new(),
        extra,
        body: Body::Html(raw_article::body_html(&raw.blocks)),
        dateline: raw.dateline,
        source_credit: raw.source_credit,
        word_count: words,
        slug_line: raw.title_line,
        warnings: raw
            .warnings
            .iter()
            .map(|w| crate::error::Warning {
                location: Location::new(path, w.line, w.col),
                message: format!("{} ({})", w.message, w.help),
            })
            .collect(),
    })
}

/// A title is repeated on every list page that shows its article: past
/// `limits.title_chars` it is a mistake (a body pasted into the title), not a
/// headline.
fn title_too_long(title: &str, at: Location, config: &Config) -> Option<ContentError> {
    let n = title.chars().count();
    (n > config.limits.title_chars).then(|| {
        ContentError::new(
            at,
            format!(
                "the title is {n} characters long; at most {} are allowed",
                config.limits.title_chars
            ),
        )
        .help("shorten the title (the lead goes in the body), or raise limits.title_chars in config.yaml")
    })
}

/// Reads a content file, refusing one over `limits.article_mb` before
/// reading it: a multi-gigabyte file dropped into content/ by mistake must
/// not take the build's memory.
pub fn read_source(abs: &Path, rel: &Path, config: &Config) -> Result<Vec<u8>, ContentError> {
    let limit = config.limits.article_mb.saturating_mul(1_000_000);
    let len = std::fs::metadata(abs).map(|m| m.len()).unwrap_or(0);
    if len > limit {
        return Err(ContentError::new(
            Location::file(rel),
            format!(
                "the file is {:.1} MB; an article may be at most {} MB",
                len as f64 / 1e6,
                config.limits.article_mb
            ),
        )
        .help(
            "split it or move large media out of it, or raise limits.article_mb in config.yaml",
        ));
    }
    std::fs::read(abs)
        .map_err(|e| ContentError::new(Location::file(rel), format!("cannot read: {e}")))
}

/// A section's `_index.md`: only `title`, `description` and `weight`.
pub fn parse_section_index(path: &Path, text: &str) -> Result<SectionMeta, ContentError> {
    let split = front_matter::split(path, text)?;
    let mut fm = FrontMatter::parse(path, &split)?;
    let title: Option<String> = fm.take("title", "text")?;
    let description: Option<String> = fm.take("description", "text")?;
    let weight: Option<i64> = fm.take("weight", "a whole number")?;
    if let Some(key) = fm.into_rest().keys().next() {
        let key = key.clone();
        let split = front_matter::split(path, text)?;
        let fm = FrontMatter::parse(path, &split)?;
        return Err(ContentError::new(
            fm.location(&key),
            format!("unknown key `{key}` in a section's _index.md"),
        )
        .help("a section's _index.md takes title, description and weight"));
    }
    Ok(SectionMeta {
        title: title.map(|t| clean(&t)),
        description: description.map(|d| clean(&d)).unwrap_or_default(),
        weight,
    })
}
