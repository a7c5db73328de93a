//! `config.yaml`: the strictly-typed file as written (unknown keys are
//! errors) and the checked [`Config`] every later stage reads.
//!
//! Naming: a `*File` type (`ConfigFile`, `FeedsFile`...) is a part of
//! config.yaml as deserialized, before any check; the plain name is the
//! checked value. `Raw*` means raw newsroom text only ([`RawRules`], the
//! `raw:` key, [`crate::parse::raw_article::RawArticle`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use jiff::tz::TimeZone;
use serde::Deserialize;

use crate::error::{ContentError, ContentErrors, Location};
use crate::yaml::{key_location, yaml_error};

pub const CONFIG_FILE: &str = "config.yaml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    title: String,
    base_url: String,
    #[serde(default)]
    description: String,
    language: Option<String>,
    timezone: Option<String>,
    theme: Option<String>,
    paginate_by: Option<usize>,
    #[serde(default)]
    feeds: FeedsFile,
    sitemap: Option<bool>,
    #[serde(default)]
    permalinks: PermalinksFile,
    #[serde(default)]
    strings: BTreeMap<String, String>,
    #[serde(default)]
    extra: serde_yaml::Value,
    #[serde(default)]
    raw: RawArticlesFile,
    #[serde(default)]
    tag_rules: Vec<TagRule>,
    #[serde(default)]
    limits: LimitsFile,
    #[serde(default)]
    search: SearchFile,
    #[serde(default)]
    footer: Footer,
}

/// What a Vietnamese news site must show at the foot of every page: its
/// press licence, editor-in-chief, address and contact. Empty ones are not
/// shown.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Footer {
    #[serde(default)]
    pub licence: String,
    #[serde(default)]
    pub editor_in_chief: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub contact: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SearchFile {
    enabled: Option<bool>,
    path: Option<String>,
}

/// The site search: a page, its index files and the box in every header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    pub enabled: bool,
    /// URL segment(s) of the search page, without slashes (`tim-kiem`).
    pub path: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsFile {
    tags_per_article: Option<usize>,
    card_tags: Option<usize>,
    title_chars: Option<usize>,
    article_mb: Option<u64>,
    page_articles: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedsFile {
    rss: Option<bool>,
    atom: Option<bool>,
    limit: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PermalinksFile {
    article: Option<String>,
    tags: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArticlesFile {
    boilerplate: Option<Vec<String>>,
    caption_max_words: Option<usize>,
}

/// "When an article mentions any of `match`, give it `tags`."
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct TagRule {
    #[serde(rename = "match")]
    pub phrases: Vec<String>,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Feeds {
    pub rss: bool,
    pub atom: bool,
    pub limit: usize,
}

/// How raw newsroom text files are read.
#[derive(Debug, Clone)]
pub struct RawRules {
    /// Whole lines dropped as export boilerplate, compared case-insensitively.
    pub boilerplate: Vec<String>,
    /// A standalone one-sentence paragraph up to this many words is a photo caption.
    pub caption_max_words: usize,
}

impl Default for RawRules {
    fn default() -> Self {
        RawRules {
            boilerplate: DEFAULT_BOILERPLATE.iter().map(|s| s.to_string()).collect(),
            caption_max_words: 30,
        }
    }
}

pub const DEFAULT_BOILERPLATE: &[&str] = &[
    "Chia sẻ bài viết",
    "Chia sẻ",
    "Chia sẻ:",
    "Share",
    "In bài viết",
    "Gửi bài viết",
    "Lưu bài viết",
    "Bình luận",
    "Facebook",
    "Twitter",
    "Zalo",
];

/// Bounds on input that would otherwise make the output explode (one
/// article with 20,000 tags once meant 77 GB: each of its tag pages listed
/// all its tags). The defaults are far beyond what a newsroom writes; a site
/// that needs more raises them in `limits:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Tags one article may have; more is an error.
    pub tags_per_article: usize,
    /// Tags shown on an article's card in lists (the article page shows all).
    pub card_tags: usize,
    /// Characters in a title; a longer one is an error.
    pub title_chars: usize,
    /// Size of one content file, in megabytes (10^6 bytes).
    pub article_mb: u64,
    /// The largest `paginate_by`: articles on one list page.
    pub page_articles: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            tags_per_article: 50,
            card_tags: 5,
            title_chars: 1000,
            article_mb: 10,
            page_articles: 500,
        }
    }
}

/// The checked site configuration, with absolute paths.
#[derive(Debug, Clone)]
pub struct Config {
    pub root: PathBuf,
    pub title: String,
    /// Absolute, always ends in `/`; may carry a path (`https://example.org/bao/`).
    pub base_url: String,
    pub description: String,
    pub language: String,
    pub timezone: TimeZone,
    pub timezone_name: String,
    pub theme: String,
    pub paginate_by: usize,
    pub feeds: Feeds,
    pub sitemap: bool,
    /// Article URL pattern with `:section`, `:slug`, `:year`, `:month`, `:day`.
    pub article_permalink: String,
    /// URL segment of the tag pages (`tags`).
    pub tags_path: String,
    pub strings: BTreeMap<String, String>,
    pub extra: serde_json::Value,
    pub raw: RawRules,
    pub tag_rules: Vec<TagRule>,
    pub limits: Limits,
    pub footer: Footer,
    pub search: Search,
}

impl Config {
    pub fn theme_dir(&self) -> PathBuf {
        self.root.join("themes").join(&self.theme)
    }

    /// Reads `root/config.yaml`. Every problem in it is reported at once.
    pub fn load(root: &Path) -> anyhow::Result<Config> {
        let path = root.join(CONFIG_FILE);
        if !path.is_file() {
            anyhow::bail!(
                "no {CONFIG_FILE} in {}: run bantin in a site folder, pass --root DIR, or create a site with `bantin init DIR`",
                root.display()
            );
        }
        let bytes = crate::fsx::read(&path)?;
        let text = crate::text::decode(&bytes).map_err(|e| {
            ContentErrors(vec![ContentError::new(
                crate::error::Location::file(CONFIG_FILE),
                e.message,
            )])
        })?;
        Ok(Config::parse(root, &text)?)
    }

    /// Pure part of [`Config::load`], for tests.
    ///
    /// Every value is checked before any error is returned, so one run shows
    /// all the problems. The helpers run in a fixed order, which is the order
    /// the errors are listed in: keep it (tests/errors.rs checks it).
    pub fn parse(root: &Path, text: &str) -> Result<Config, ContentErrors> {
        let file = Path::new(CONFIG_FILE);
        let written: ConfigFile = serde_yaml::from_str(text)
            .map_err(|e| ContentErrors(vec![yaml_error(file, text, 1, &e)]))?;
        let mut errors = Vec::new();
        let at = |key: &str| key_location(file, text, 1, key);

        let (base_url, timezone, timezone_name) = check_site(
            &written.base_url,
            &written.title,
            written.timezone,
            &at,
            &mut errors,
        );
        let (paginate_by, limits) =
            read_pagination(written.paginate_by, &written.limits, &at, &mut errors);
        let (article_permalink, tags_path) = read_permalinks(written.permalinks, &at, &mut errors);
        let search = read_search(written.search, &at, &mut errors);
        let theme = written.theme.unwrap_or_else(|| "default".into());
        let feeds = Feeds {
            rss: written.feeds.rss.unwrap_or(true),
            atom: written.feeds.atom.unwrap_or(true),
            limit: written.feeds.limit.unwrap_or(20),
        };
        let rules = read_raw_rules(written.raw);
        check_tag_rules(&written.tag_rules, &at, &mut errors);
        if !errors.is_empty() {
            return Err(ContentErrors(errors));
        }
        Ok(Config {
            root: root.to_path_buf(),
            title: crate::text::nfc(written.title.trim()),
            base_url,
            description: crate::text::nfc(&written.description),
            language: written.language.unwrap_or_else(|| "vi".into()),
            timezone,
            timezone_name,
            theme,
            paginate_by,
            feeds,
            sitemap: written.sitemap.unwrap_or(true),
            article_permalink,
            tags_path,
            strings: written
                .strings
                .into_iter()
                .map(|(k, v)| (k, crate::text::nfc(&v)))
                .collect(),
            extra: match written.extra {
                serde_yaml::Value::Null => serde_json::Value::Object(Default::default()),
                v => crate::yaml::to_json(&v),
            },
            raw: rules,
            tag_rules: written.tag_rules,
            limits,
            footer: read_footer(&written.footer),
            search,
        })
    }

    /// Replaces the base URL (for `--base-url` and `serve`).
    pub fn set_base_url(&mut self, url: &str) -> anyhow::Result<()> {
        self.base_url = normalize_base_url(url).map_err(anyhow::Error::msg)?;
        Ok(())
    }

    /// The absolute URL of a site path such as `/tags/` or `tags/`.
    pub fn url(&self, path: &str) -> String {
        let mut s = String::with_capacity(self.base_url.len() + path.len());
        s.push_str(&self.base_url);
        s.push_str(path.trim_start_matches('/'));
        s
    }

    /// The path part of `base_url` (`/` or `/bao/`): what root-relative links
    /// inside Markdown must be prefixed with.
    pub fn base_path(&self) -> &str {
        let after_scheme = self.base_url.find("://").map_or(0, |i| i + 3);
        match self.base_url[after_scheme..].find('/') {
            Some(i) => &self.base_url[after_scheme + i..],
            None => "/",
        }
    }
}

/// Where a key of `config.yaml` is, for an error about its value.
type At<'a> = dyn Fn(&str) -> Location + 'a;

/// The site's address, name and clock: the base URL (empty if wrong), and
/// the timezone (UTC if unknown) with its name.
fn check_site(
    base_url: &str,
    title: &str,
    timezone: Option<String>,
    at: &At<'_>,
    errors: &mut Vec<ContentError>,
) -> (String, TimeZone, String) {
    let base_url = match normalize_base_url(base_url) {
        Ok(u) => u,
        Err(msg) => {
            errors.push(ContentError::new(at("base_url"), msg).help(
                "write the address the site will be published at, e.g. https://example.org/ or https://example.org/bao/",
            ));
            String::new()
        }
    };
    if title.trim().is_empty() {
        errors.push(ContentError::new(at("title"), "title is empty").help("give the site a name"));
    }
    let timezone_name = timezone.unwrap_or_else(|| "Asia/Ho_Chi_Minh".into());
    let timezone = match TimeZone::get(&timezone_name) {
        Ok(tz) => tz,
        Err(_) => {
            errors.push(
                ContentError::new(
                    at("timezone"),
                    format!("unknown timezone \"{timezone_name}\""),
                )
                .help("use an IANA name such as Asia/Ho_Chi_Minh"),
            );
            TimeZone::UTC
        }
    };
    (base_url, timezone, timezone_name)
}

/// Articles per list page and the limits, with their defaults; checked
/// together because a list page may not hold more than `page_articles`.
fn read_pagination(
    paginate_by: Option<usize>,
    written: &LimitsFile,
    at: &At<'_>,
    errors: &mut Vec<ContentError>,
) -> (usize, Limits) {
    let paginate_by = paginate_by.unwrap_or(20);
    if paginate_by == 0 {
        errors.push(
            ContentError::new(at("paginate_by"), "paginate_by must be at least 1")
                .help("use the number of articles per list page, e.g. 20"),
        );
    }
    let defaults = Limits::default();
    let limits = Limits {
        tags_per_article: written
            .tags_per_article
            .unwrap_or(defaults.tags_per_article),
        card_tags: written.card_tags.unwrap_or(defaults.card_tags),
        title_chars: written.title_chars.unwrap_or(defaults.title_chars),
        article_mb: written.article_mb.unwrap_or(defaults.article_mb),
        page_articles: written.page_articles.unwrap_or(defaults.page_articles),
    };
    if paginate_by > limits.page_articles {
        errors.push(
            ContentError::new(
                at("paginate_by"),
                format!(
                    "paginate_by {paginate_by} puts more than {} articles on one list page",
                    limits.page_articles
                ),
            )
            .help("use a smaller number (20 is usual), or raise limits.page_articles"),
        );
    }
    for (key, value) in [
        ("tags_per_article", limits.tags_per_article),
        ("title_chars", limits.title_chars),
        ("page_articles", limits.page_articles),
    ] {
        if value == 0 {
            errors.push(ContentError::new(
                at("limits"),
                format!("limits.{key} must be at least 1"),
            ));
        }
    }
    if limits.article_mb == 0 {
        errors.push(ContentError::new(
            at("limits"),
            "limits.article_mb must be at least 1",
        ));
    }
    (paginate_by, limits)
}

/// The article permalink pattern and the tags folder, which must stay plain
/// paths inside the output folder.
fn read_permalinks(
    written: PermalinksFile,
    at: &At<'_>,
    errors: &mut Vec<ContentError>,
) -> (String, String) {
    let article_permalink = written.article.unwrap_or_else(|| "/:section/:slug/".into());
    if article_permalink
        .split('/')
        .any(|seg| seg == ".." || seg == ".")
        || article_permalink.contains(['\\', '?', '#'])
    {
        errors.push(
            ContentError::new(
                at("permalinks"),
                format!("permalinks.article \"{article_permalink}\" must be a plain path"),
            )
            .help(
                "use segments and placeholders only, e.g. /:section/:slug/ (no `..`, `?` or `#`)",
            ),
        );
    }
    if !article_permalink.contains(":slug") {
        errors.push(
            ContentError::new(at("permalinks"), "permalinks.article must contain :slug")
                .help("e.g. /:section/:slug/ or /:year/:month/:slug/"),
        );
    }
    let tags_path = written.tags.unwrap_or_else(|| "tags".into());
    let tags_path = tags_path.trim_matches('/').to_string();
    if tags_path.is_empty() || tags_path.contains("..") {
        errors.push(ContentError::new(
            at("permalinks"),
            "permalinks.tags must be a folder name such as tags",
        ));
    }
    (article_permalink, tags_path)
}

/// The search page's settings; its path must be a plain folder path.
fn read_search(written: SearchFile, at: &At<'_>, errors: &mut Vec<ContentError>) -> Search {
    let search = Search {
        enabled: written.enabled.unwrap_or(false),
        path: written
            .path
            .unwrap_or_else(|| "tim-kiem".into())
            .trim_matches('/')
            .to_string(),
    };
    if search.path.is_empty()
        || search
            .path
            .split('/')
            .any(|seg| seg.is_empty() || seg == "." || seg == "..")
        || search.path.contains(['\\', '?', '#', ' '])
    {
        errors.push(
            ContentError::new(
                at("search"),
                format!(
                    "search.path \"{}\" must be a plain folder path",
                    search.path
                ),
            )
            .help("use a folder name such as tim-kiem"),
        );
    }
    search
}

/// How raw newsroom text is read: the defaults, with what is written.
fn read_raw_rules(written: RawArticlesFile) -> RawRules {
    let mut rules = RawRules::default();
    if let Some(b) = written.boilerplate {
        rules.boilerplate = b;
    }
    if let Some(n) = written.caption_max_words {
        rules.caption_max_words = n;
    }
    rules
}

/// A tag rule with an empty phrase or no tags would tag everything or
/// nothing: one error per such rule.
fn check_tag_rules(tag_rules: &[TagRule], at: &At<'_>, errors: &mut Vec<ContentError>) {
    for rule in tag_rules {
        if rule.phrases.iter().any(|p| p.trim().is_empty()) || rule.tags.is_empty() {
            errors.push(
                ContentError::new(
                    at("tag_rules"),
                    "a tag rule needs non-empty `match` phrases and at least one tag",
                )
                .help("e.g. - { match: [\"công an\"], tags: [\"An ninh trật tự\"] }"),
            );
        }
    }
}

/// The footer's lines, trimmed and in NFC like every other text shown.
fn read_footer(written: &Footer) -> Footer {
    Footer {
        licence: crate::text::nfc(written.licence.trim()),
        editor_in_chief: crate::text::nfc(written.editor_in_chief.trim()),
        address: crate::text::nfc(written.address.trim()),
        contact: crate::text::nfc(written.contact.trim()),
    }
}

fn normalize_base_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("base_url \"{url}\" must start with https:// or http://"))?;
    let host = rest.split('/').next().unwrap_or("");
    if host.is_empty() || url.contains(char::is_whitespace) || url.contains(['?', '#']) {
        return Err(format!("base_url \"{url}\" is not a valid site address"));
    }
    let mut s = url.to_string();
    if !s.ends_with('/') {
        s.push('/');
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ContentErrors> {
        Config::parse(Path::new("/site"), text)
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c = parse("title: Báo\nbase_url: https://example.org/bao\n").unwrap();
        assert_eq!(c.base_url, "https://example.org/bao/");
        assert_eq!(c.base_path(), "/bao/");
        assert_eq!(c.language, "vi");
        assert_eq!(c.timezone_name, "Asia/Ho_Chi_Minh");
        assert_eq!(c.paginate_by, 20);
        assert!(c.feeds.rss && c.feeds.atom && c.sitemap);
        assert_eq!(c.url("/tags/"), "https://example.org/bao/tags/");
        assert_eq!(
            c.search,
            Search {
                enabled: false,
                path: "tim-kiem".into()
            }
        );
    }

    #[test]
    fn rejects_unknown_key_with_location() {
        let err = parse("title: x\nbase_url: https://e.org/\ntheem: default\n").unwrap_err();
        assert_eq!(err.0.len(), 1);
        assert_eq!(err.0[0].location.to_string(), "config.yaml:3:1");
        assert!(
            err.0[0]
                .message
                .starts_with("unknown field `theem`, expected one of")
        );
    }

    #[test]
    fn rejects_wrong_type_with_location() {
        let err = parse("title: x\nbase_url: https://e.org/\npaginate_by: many\n").unwrap_err();
        assert_eq!(err.0[0].location.to_string(), "config.yaml:3:14");
        assert_eq!(
            err.0[0].message,
            "`paginate_by` is \"many\"; it must be a whole number (0 or more)"
        );
    }

    #[test]
    fn reports_every_bad_value() {
        let err = parse("title: x\nbase_url: example.org\ntimezone: Mars/Base\npaginate_by: 0\n")
            .unwrap_err();
        let shown: Vec<String> = err
            .0
            .iter()
            .map(|e| format!("{}: {}", e.location, e.message))
            .collect();
        assert_eq!(
            shown,
            [
                "config.yaml:2:11: base_url \"example.org\" must start with https:// or http://",
                "config.yaml:3:11: unknown timezone \"Mars/Base\"",
                "config.yaml:4:14: paginate_by must be at least 1",
            ]
        );
    }
}
