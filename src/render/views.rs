//! The values templates see (documented in docs/templates.md). Each article's
//! list view is built once and shared, by reference count, across every list
//! page that shows it.

use rayon::prelude::*;
use serde::Serialize;
use tera::Value;

use crate::article::Article;
use crate::config::Config;
use crate::dates::rfc3339;
use crate::index::{Index, Section, Tag};

use super::urls::{date_path, page_path};
use super::value;

#[derive(Serialize)]
/// A section as menus and articles show it. Its article count is only on
/// the section's own pages (`section.count`): were it here, adding one
/// article would change every page of the site, and `serve` could not
/// re-render just the pages that show the new article.
pub struct SectionView<'a> {
    pub name: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub url: String,
    pub path: &'a str,
}

pub fn section_view<'a>(s: &'a Section, config: &Config) -> SectionView<'a> {
    SectionView {
        name: &s.name,
        title: &s.title,
        description: &s.description,
        url: config.url(&s.path),
        path: &s.path,
    }
}

#[derive(Serialize, Debug, Hash)]
pub struct TagView<'a> {
    pub name: &'a str,
    pub slug: &'a str,
    pub url: String,
    pub count: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub feed_url: Option<String>,
}

pub fn tag_view<'a>(t: &'a Tag, config: &Config, with_feed: bool) -> TagView<'a> {
    TagView {
        name: &t.name,
        slug: &t.slug,
        url: config.url(&t.path),
        count: t.members.len(),
        feed_url: (with_feed && config.feeds.rss)
            .then(|| config.url(&format!("{}rss.xml", t.path))),
    }
}

#[derive(Serialize)]
struct TagRef<'a> {
    name: &'a str,
    slug: &'a str,
    url: String,
}

/// Every article's view, in index order, built in parallel.
pub fn article_views(
    index: &Index,
    section_values: &[Value],
    tag_refs: &[Value],
    config: &Config,
) -> Vec<Value> {
    (0..index.articles.len())
        .into_par_iter()
        .map(|i| article_view(index, i, section_values, tag_refs, config))
        .collect()
}

/// Each tag's `{name, slug, url}`, built once and shared by every article.
pub fn tag_refs(index: &Index, config: &Config) -> Vec<Value> {
    index
        .tags
        .iter()
        .map(|tag| {
            value(&TagRef {
                name: &tag.name,
                slug: &tag.slug,
                url: config.url(&tag.path),
            })
        })
        .collect()
}

fn opt_str(s: Option<&str>) -> Value {
    s.map_or_else(Value::none, Value::from)
}

/// One article's view (also used by `serve` to refresh a single article).
/// Built as a map directly: this runs for every article of the site, and
/// going through serde costs twice as much.
pub fn article_view(
    index: &Index,
    i: usize,
    section_values: &[Value],
    tag_refs: &[Value],
    config: &Config,
) -> Value {
    let a: &Article = &index.articles[i];
    let mut m = tera::Map::with_capacity(24);
    let mut put = |k: &'static str, v: Value| {
        m.insert(k.into(), v);
    };
    put("title", Value::from(a.title.as_str()));
    put("url", Value::from(config.url(&index.paths[i])));
    put("path", Value::from(index.paths[i].as_str()));
    put("slug", Value::from(index.slugs[i].as_str()));
    put("date", Value::from(rfc3339(&a.date)));
    put(
        "updated",
        opt_str(a.updated.as_ref().map(rfc3339).as_deref()),
    );
    put("year", Value::from(a.date.year()));
    put("month", Value::from(a.date.month()));
    put("day", Value::from(a.date.day()));
    put("summary", Value::from(a.summary.as_str()));
    put("lead_in_body", Value::from(a.lead_in_body));
    put(
        "section",
        index.section_of[i].map_or_else(Value::none, |s| section_values[s].clone()),
    );
    let tags: Vec<Value> = index.article_tags[i]
        .iter()
        .map(|&t| tag_refs[t].clone())
        .collect();
    // Cards show a few tags: every tag page lists its articles' cards, so
    // all of them there would grow the output with the square of the tags.
    let card_tags = tags[..tags.len().min(config.limits.card_tags)].to_vec();
    put("tags", Value::from(tags));
    put("card_tags", Value::from(card_tags));
    put("standalone", Value::from(a.standalone));
    put(
        "authors",
        Value::from(
            a.authors
                .iter()
                .map(|s| Value::from(s.as_str()))
                .collect::<Vec<Value>>(),
        ),
    );
    put(
        "image",
        opt_str(
            a.image
                .as_deref()
                .map(|img| asset_url(img, config))
                .as_deref(),
        ),
    );
    put("draft", Value::from(a.draft));
    put("word_count", Value::from(a.word_count));
    put(
        "reading_minutes",
        Value::from(a.word_count.div_ceil(200).max(1)),
    );
    put("dateline", opt_str(a.dateline.as_deref()));
    put("source", opt_str(a.source_credit.as_deref()));
    put("extra", value(&a.extra));
    Value::from(m)
}

/// A front-matter image: absolute URLs as is, site paths under the base URL.
pub fn asset_url(src: &str, config: &Config) -> String {
    if src.contains("://") || src.starts_with("//") || src.starts_with("data:") {
        src.to_string()
    } else {
        config.url(src)
    }
}

#[derive(Serialize, Debug, Hash)]
pub struct PageLink {
    pub number: usize,
    pub url: String,
    pub current: bool,
}

#[derive(Serialize, Debug, Hash)]
pub struct Paginator {
    pub number: usize,
    pub total_pages: usize,
    pub total_items: usize,
    pub per_page: usize,
    pub first_url: String,
    pub last_url: String,
    pub prev_url: Option<String>,
    pub next_url: Option<String>,
    pub pages: Vec<PageLink>,
}

pub fn paginator(base: &str, number: usize, total_items: usize, config: &Config) -> Paginator {
    let per_page = config.paginate_by;
    let total_pages = total_items.div_ceil(per_page).max(1);
    let url = |n: usize| config.url(&page_path(base, n));
    Paginator {
        number,
        total_pages,
        total_items,
        per_page,
        first_url: url(1),
        last_url: url(total_pages),
        prev_url: (number > 1).then(|| url(number - 1)),
        next_url: (number < total_pages).then(|| url(number + 1)),
        pages: page_window(number, total_pages)
            .into_iter()
            .map(|n| PageLink {
                number: n,
                url: url(n),
                current: n == number,
            })
            .collect(),
    }
}

/// The page numbers a pager shows: the first, the last and three either side
/// of the current one. Listing all of them would make a 5,000-page archive
/// quadratic to render.
pub fn page_window(number: usize, total_pages: usize) -> Vec<usize> {
    let lo = number.saturating_sub(3).max(1);
    let hi = (number + 3).min(total_pages);
    let mut v = Vec::with_capacity(9);
    if lo > 1 {
        v.push(1);
    }
    v.extend(lo..=hi);
    if hi < total_pages {
        v.push(total_pages);
    }
    v
}

#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    pub language: &'a str,
    pub sections: &'a [Value],
    pub extra: &'a serde_json::Value,
    /// Standalone pages linked from the footer (`menu: footer`) and from
    /// the main menu (`menu: main`): `title`, `url`.
    pub footer_pages: &'a [Value],
    pub menu_pages: &'a [Value],
    pub footer: &'a crate::config::Footer,
}

/// The `{title, url}` of each standalone page with `menu: <menu>`, in
/// Vietnamese order of titles.
pub fn menu_pages(index: &Index, config: &Config, menu: &str) -> Vec<Value> {
    let mut pages: Vec<usize> = (0..index.articles.len())
        .filter(|&i| {
            index.articles[i].standalone && index.articles[i].menu.as_deref() == Some(menu)
        })
        .collect();
    pages.sort_by(|&a, &b| {
        crate::text::compare_vi(&index.articles[a].title, &index.articles[b].title)
            .then_with(|| index.paths[a].cmp(&index.paths[b]))
    });
    pages
        .into_iter()
        .map(|i| {
            let mut m = tera::Map::new();
            m.insert(
                "title".into(),
                Value::from(index.articles[i].title.as_str()),
            );
            m.insert("url".into(), Value::from(config.url(&index.paths[i])));
            Value::from(m)
        })
        .collect()
}

#[derive(Serialize, Clone, Debug, Hash)]
pub struct FeedLink {
    pub kind: &'static str,
    pub title: String,
    pub url: String,
}

/// The RSS/Atom links of a list at `base` (`/`, `/thoi-su/`, `/tags/x/`).
pub fn feed_links(base: &str, title: &str, config: &Config) -> Vec<FeedLink> {
    let mut v = Vec::new();
    if config.feeds.rss {
        v.push(FeedLink {
            kind: "rss",
            title: title.to_string(),
            url: config.url(&format!("{base}rss.xml")),
        });
    }
    if config.feeds.atom {
        v.push(FeedLink {
            kind: "atom",
            title: title.to_string(),
            url: config.url(&format!("{base}atom.xml")),
        });
    }
    v
}

/// A year, month or day of the archive with its article count.
#[derive(Serialize, Debug, Hash)]
pub struct Period {
    pub year: i16,
    pub month: Option<i8>,
    pub day: Option<i8>,
    pub url: String,
    pub count: usize,
}

impl Period {
    pub fn new(
        config: &Config,
        year: i16,
        month: Option<i8>,
        day: Option<i8>,
        count: usize,
    ) -> Self {
        Period {
            year,
            month,
            day,
            url: config.url(&date_path(year, month, day)),
            count,
        }
    }
}

#[derive(Serialize, Debug, Hash)]
pub struct ArchiveYear {
    pub year: i16,
    pub url: String,
    pub count: usize,
    pub months: Vec<Period>,
}

/// The archive page's years, newest first, each with its months.
pub fn archive_years(index: &Index, config: &Config) -> Vec<ArchiveYear> {
    index
        .years
        .iter()
        .rev()
        .map(|(&y, months)| ArchiveYear {
            year: y,
            url: config.url(&date_path(y, None, None)),
            count: Index::year_count(months),
            months: months
                .iter()
                .rev()
                .map(|(&m, days)| Period::new(config, y, Some(m), None, Index::month_count(days)))
                .collect(),
        })
        .collect()
}
