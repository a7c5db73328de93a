//! What rendering needs that outlives one build: compiled templates, the
//! lists and each article's view. `serve` keeps it between rebuilds; the
//! incremental engine changes it only through the methods here.

use tera::{Tera, Value};

use crate::config::Config;
use crate::error::TemplateError;
use crate::index::Index;
use crate::theme::Theme;

use super::feeds::{self, SitemapUrl};
use super::lists::{List, build_lists};
use super::value;
use super::views::{self, FeedLink, SiteView};

pub struct RenderState {
    tera: Tera,
    lists: Vec<List>,
    /// Per article, in index order.
    views: Vec<Value>,
    section_values: Vec<Value>,
    /// Footer and main-menu page links: on every page, like the sections.
    page_links: (Vec<Value>, Vec<Value>),
    tag_refs: Vec<Value>,
    site_feeds: Vec<FeedLink>,
    sitemap_urls: Vec<SitemapUrl>,
}

impl RenderState {
    pub fn new(config: &Config, index: &Index, theme: &Theme) -> Result<Self, TemplateError> {
        let mut tera = super::build_tera(config, theme)?;
        let section_values: Vec<Value> = index
            .sections
            .iter()
            .map(|s| value(&views::section_view(s, config)))
            .collect();
        let tag_refs = views::tag_refs(index, config);
        let views = views::article_views(index, &section_values, &tag_refs, config);
        let page_links = (
            views::menu_pages(index, config, "footer"),
            views::menu_pages(index, config, "main"),
        );
        let site = SiteView {
            title: &config.title,
            description: &config.description,
            base_url: &config.base_url,
            language: &config.language,
            sections: &section_values,
            extra: &config.extra,
            footer_pages: &page_links.0,
            menu_pages: &page_links.1,
            footer: &config.footer,
        };
        tera.global_context().insert("site", &site);
        tera.global_context().insert("strings", &theme.strings);
        let lists = build_lists(index);
        let sitemap_urls = feeds::sitemap_urls(config, index, &lists);
        Ok(RenderState {
            tera,
            lists,
            views,
            section_values,
            page_links,
            tag_refs,
            site_feeds: views::feed_links("/", &config.title, config),
            sitemap_urls,
        })
    }

    pub fn renderer<'a>(&'a self, config: &'a Config, index: &'a Index) -> Renderer<'a> {
        Renderer {
            config,
            index,
            tera: &self.tera,
            lists: &self.lists,
            views: &self.views,
            section_values: &self.section_values,
            site_feeds: &self.site_feeds,
            sitemap_urls: &self.sitemap_urls,
        }
    }

    /// Rebuilds what shows article `i` after it changed in place (same URL,
    /// date, section, tags): its view and its sitemap entry. Lists hold
    /// article numbers, so they stay true.
    pub fn refresh_article(&mut self, config: &Config, index: &Index, i: usize) {
        self.views[i] = views::article_view(index, i, &self.section_values, &self.tag_refs, config);
        let a = &index.articles[i];
        if let Some(u) = self.sitemap_urls.get_mut(i) {
            u.lastmod = Some(crate::dates::rfc3339(a.updated.as_ref().unwrap_or(&a.date)));
        }
    }

    /// Whether every page shows the same site navigation (the section menu,
    /// the footer and menu pages) in both states; fingerprints do not cover
    /// it, since all pages show it.
    pub fn same_navigation(&self, other: &RenderState) -> bool {
        self.section_values == other.section_values && self.page_links == other.page_links
    }

    pub fn views(&self) -> &[Value] {
        &self.views
    }
}

/// A borrowed view of one state with the config and index it was made from.
pub struct Renderer<'a> {
    pub config: &'a Config,
    pub index: &'a Index,
    pub tera: &'a Tera,
    pub lists: &'a [List],
    pub views: &'a [Value],
    pub section_values: &'a [Value],
    pub site_feeds: &'a [FeedLink],
    pub sitemap_urls: &'a [SitemapUrl],
}
