//! Machine-read files (RSS, Atom, sitemaps, robots.txt, redirects) are written
//! by bantin itself rather than by theme templates, so they are always
//! well-formed and correctly escaped whatever the theme does.

use std::fmt::Write;

use crate::config::Config;
use crate::dates::{rfc2822, rfc3339};
use crate::index::Index;

use super::lists::List;
use super::urls::normalize_alias;

/// What one RSS or Atom file shows.
#[derive(Debug, Hash)]
pub struct Feed<'a> {
    /// Path of the list the feed follows (`/thoi-su/`).
    pub base: &'a str,
    pub title: String,
    /// Newest first.
    pub items: &'a [usize],
}

impl<'a> Feed<'a> {
    pub fn of(list: &'a List, index: &Index, config: &Config) -> Self {
        Feed {
            base: &list.base,
            title: list.feed_title(index, config),
            items: list.feed_items(config),
        }
    }
}

/// The sitemap protocol's limit per file.
pub const SITEMAP_MAX_URLS: usize = 50_000;

pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\n' | '\t' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

pub fn rss(feed: &Feed<'_>, index: &Index, config: &Config) -> String {
    let mut s = String::with_capacity(8 * 1024);
    let link = config.url(feed.base);
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    s.push_str("<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n");
    let _ = writeln!(s, "<title>{}</title>", xml_escape(&feed.title));
    let _ = writeln!(s, "<link>{}</link>", xml_escape(&link));
    let desc = if config.description.is_empty() {
        &config.title
    } else {
        &config.description
    };
    let _ = writeln!(s, "<description>{}</description>", xml_escape(desc));
    let _ = writeln!(s, "<language>{}</language>", xml_escape(&config.language));
    let _ = writeln!(s, "<generator>bantin</generator>");
    let _ = writeln!(
        s,
        "<atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>",
        xml_escape(&config.url(&format!("{}rss.xml", feed.base)))
    );
    let members = feed.items;
    if let Some(&newest) = members.first() {
        let _ = writeln!(
            s,
            "<lastBuildDate>{}</lastBuildDate>",
            rfc2822(&index.articles[newest].date)
        );
    }
    for &i in members {
        let a = &index.articles[i];
        let url = xml_escape(&config.url(&index.paths[i]));
        s.push_str("<item>\n");
        let _ = writeln!(s, "<title>{}</title>", xml_escape(&a.title));
        let _ = writeln!(s, "<link>{url}</link>");
        let _ = writeln!(s, "<guid isPermaLink=\"true\">{url}</guid>");
        let _ = writeln!(s, "<pubDate>{}</pubDate>", rfc2822(&a.date));
        for author in &a.authors {
            let _ = writeln!(s, "<dc:creator>{}</dc:creator>", xml_escape(author));
        }
        // As on cards: all of them in every tag's feed would grow with the
        // square of the tags.
        for &t in index.article_tags[i].iter().take(config.limits.card_tags) {
            let _ = writeln!(
                s,
                "<category>{}</category>",
                xml_escape(&index.tags[t].name)
            );
        }
        let _ = writeln!(s, "<description>{}</description>", xml_escape(&a.summary));
        s.push_str("</item>\n");
    }
    s.push_str("</channel>\n</rss>\n");
    s
}

pub fn atom(feed: &Feed<'_>, index: &Index, config: &Config) -> String {
    let mut s = String::with_capacity(8 * 1024);
    let self_url = config.url(&format!("{}atom.xml", feed.base));
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        xml_escape(&config.language)
    );
    let _ = writeln!(s, "<title>{}</title>", xml_escape(&feed.title));
    let _ = writeln!(s, "<link href=\"{}\"/>", xml_escape(&config.url(feed.base)));
    let _ = writeln!(
        s,
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>",
        xml_escape(&self_url)
    );
    let _ = writeln!(s, "<id>{}</id>", xml_escape(&self_url));
    let _ = writeln!(s, "<generator>bantin</generator>");
    let members = feed.items;
    let updated = members
        .iter()
        .map(|&i| {
            index.articles[i]
                .updated
                .as_ref()
                .unwrap_or(&index.articles[i].date)
        })
        .max_by_key(|z| z.timestamp());
    let _ = writeln!(
        s,
        "<updated>{}</updated>",
        updated.map_or_else(|| "1970-01-01T00:00:00Z".to_string(), rfc3339)
    );
    for &i in members {
        let a = &index.articles[i];
        let url = xml_escape(&config.url(&index.paths[i]));
        s.push_str("<entry>\n");
        let _ = writeln!(s, "<title>{}</title>", xml_escape(&a.title));
        let _ = writeln!(
            s,
            "<link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>"
        );
        let _ = writeln!(s, "<id>{url}</id>");
        let _ = writeln!(s, "<published>{}</published>", rfc3339(&a.date));
        let _ = writeln!(
            s,
            "<updated>{}</updated>",
            rfc3339(a.updated.as_ref().unwrap_or(&a.date))
        );
        for author in &a.authors {
            let _ = writeln!(s, "<author><name>{}</name></author>", xml_escape(author));
        }
        // As on cards: all of them in every tag's feed would grow with the
        // square of the tags.
        for &t in index.article_tags[i].iter().take(config.limits.card_tags) {
            let _ = writeln!(
                s,
                "<category term=\"{}\" label=\"{}\"/>",
                xml_escape(&index.tags[t].slug),
                xml_escape(&index.tags[t].name)
            );
        }
        let _ = writeln!(s, "<summary>{}</summary>", xml_escape(&a.summary));
        s.push_str("</entry>\n");
    }
    s.push_str("</feed>\n");
    s
}

#[derive(Debug, Clone, Hash)]
pub struct SitemapUrl {
    pub loc: String,
    pub lastmod: Option<String>,
}

/// Articles, then the first page of every list, tags and archive.
pub fn sitemap_urls(config: &Config, index: &Index, lists: &[List]) -> Vec<SitemapUrl> {
    let mut urls = Vec::with_capacity(index.articles.len() + lists.len() + 2);
    for (i, a) in index.articles.iter().enumerate() {
        urls.push(SitemapUrl {
            loc: config.url(&index.paths[i]),
            lastmod: Some(rfc3339(a.updated.as_ref().unwrap_or(&a.date))),
        });
    }
    for list in lists {
        urls.push(SitemapUrl {
            loc: config.url(&list.base),
            lastmod: list
                .members
                .first()
                .map(|&i| rfc3339(&index.articles[i].date)),
        });
    }
    urls.push(SitemapUrl {
        loc: config.url(&format!("/{}/", config.tags_path)),
        lastmod: None,
    });
    urls.push(SitemapUrl {
        loc: config.url("/archive/"),
        lastmod: None,
    });
    urls
}

/// The URLs of sitemap file `part` (from 0).
pub fn sitemap_part(urls: &[SitemapUrl], part: usize) -> &[SitemapUrl] {
    let start = part * SITEMAP_MAX_URLS;
    &urls[start.min(urls.len())..(start + SITEMAP_MAX_URLS).min(urls.len())]
}

/// How many sitemap files `total` URLs need.
pub fn sitemap_parts(total: usize) -> usize {
    total.div_ceil(SITEMAP_MAX_URLS).max(1)
}

pub fn sitemap(chunk: &[SitemapUrl]) -> String {
    let mut s = String::with_capacity(chunk.len() * 120 + 200);
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for u in chunk {
        let _ = write!(s, "<url><loc>{}</loc>", xml_escape(&u.loc));
        if let Some(m) = &u.lastmod {
            let _ = write!(s, "<lastmod>{m}</lastmod>");
        }
        s.push_str("</url>\n");
    }
    s.push_str("</urlset>\n");
    s
}

pub fn sitemap_index(parts: usize, config: &Config) -> String {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in 1..=parts {
        let _ = writeln!(
            s,
            "<sitemap><loc>{}</loc></sitemap>",
            xml_escape(&config.url(&format!("sitemap-{p}.xml")))
        );
    }
    s.push_str("</sitemapindex>\n");
    s
}

pub fn robots(config: &Config) -> String {
    let mut s = String::from("User-agent: *\nAllow: /\n");
    if config.sitemap {
        let _ = writeln!(s, "Sitemap: {}", config.url("sitemap.xml"));
    }
    s
}

/// A page that works on every static host: meta refresh for browsers, a
/// canonical link for search engines, a plain link for everyone else.
pub fn redirect_page(to: &str) -> String {
    let to = xml_escape(to);
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{to}</title>\
         <link rel=\"canonical\" href=\"{to}\"><meta name=\"robots\" content=\"noindex\">\
         <meta http-equiv=\"refresh\" content=\"0; url={to}\"></head>\
         <body><a href=\"{to}\">{to}</a></body></html>\n"
    )
}

/// Every article alias with the path it sends to, in article order.
pub fn aliases(index: &Index) -> Vec<(&str, &str)> {
    let mut v = Vec::new();
    for (i, a) in index.articles.iter().enumerate() {
        for alias in &a.aliases {
            v.push((alias.as_str(), index.paths[i].as_str()));
        }
    }
    v
}

/// Netlify / Cloudflare Pages `_redirects`: article aliases as 301s.
pub fn netlify_redirects(aliases: &[(&str, &str)], config: &Config) -> String {
    let base = config.base_path().trim_end_matches('/');
    let mut s = String::new();
    for (alias, to) in aliases {
        let from = normalize_alias(alias);
        let _ = writeln!(s, "{base}{from} {base}{to} 301");
    }
    s
}
