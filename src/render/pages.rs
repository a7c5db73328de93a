//! Renders planned outputs from their [`PageInputs`]: theme templates for
//! pages, bantin's own writers for feeds and other machine-read files.

use rayon::prelude::*;
use tera::{Context, Value};

use crate::article::Body;
use crate::error::TemplateError;
use crate::parse::markdown;

use super::feeds;
use super::inputs::{ArticlePage, ListPage, ListShows, PageInputs};
use super::plan::{FeedFormat, Planned};
use super::render;
use super::state::Renderer;
use super::views::FeedLink;

impl Renderer<'_> {
    fn base_context(&self, kind: &str, path: &str, feeds: &[FeedLink]) -> Context {
        let mut ctx = Context::new();
        ctx.insert("page_kind", kind);
        ctx.insert("current_path", path);
        ctx.insert("canonical", &self.config.url(path));
        ctx.insert("feeds", feeds);
        ctx
    }

    fn list_values(&self, members: &[usize]) -> Value {
        Value::from(
            members
                .iter()
                .map(|&i| self.views[i].clone())
                .collect::<Vec<Value>>(),
        )
    }

    /// Renders one planned file.
    pub fn render_job(&self, p: &Planned) -> anyhow::Result<Vec<u8>> {
        self.render(&self.describe(&p.job), &p.output)
    }

    /// Renders the file `inputs` describes; `output` names it in errors.
    pub fn render(&self, inputs: &PageInputs<'_>, output: &str) -> anyhow::Result<Vec<u8>> {
        let config = self.config;
        let index = self.index;
        Ok(match inputs {
            PageInputs::Static(asset) => asset.bytes()?.into_owned(),
            PageInputs::Article(page) => self.render_article(page, output)?,
            PageInputs::List(page) => self.render_list(page, output)?,
            PageInputs::Tags(tags) => {
                let mut ctx =
                    self.base_context("tags", &format!("/{}/", config.tags_path), self.site_feeds);
                ctx.insert("tags", tags);
                render(self.tera, "tags.html", &ctx, output)?
            }
            PageInputs::Archive(years) => {
                let mut ctx = self.base_context("archive", "/archive/", self.site_feeds);
                ctx.insert("years", years);
                render(self.tera, "archive.html", &ctx, output)?
            }
            PageInputs::NotFound => {
                let ctx = self.base_context("404", "/404.html", self.site_feeds);
                render(self.tera, "404.html", &ctx, output)?
            }
            PageInputs::Redirect(to) => feeds::redirect_page(to).into_bytes(),
            PageInputs::Feed(FeedFormat::Rss, feed) => feeds::rss(feed, index, config).into_bytes(),
            PageInputs::Feed(FeedFormat::Atom, feed) => {
                feeds::atom(feed, index, config).into_bytes()
            }
            PageInputs::Sitemap { urls, .. } => feeds::sitemap(urls).into_bytes(),
            PageInputs::SitemapIndex { parts } => feeds::sitemap_index(*parts, config).into_bytes(),
            PageInputs::Robots => feeds::robots(config).into_bytes(),
            PageInputs::Redirects(aliases) => {
                feeds::netlify_redirects(aliases, config).into_bytes()
            }
        })
    }

    fn render_article(&self, p: &ArticlePage<'_>, output: &str) -> Result<Vec<u8>, TemplateError> {
        let a = &self.index.articles[p.article];
        let html = match &a.body {
            Body::Markdown(md) => markdown::render(md, self.config.base_path(), &p.link_dir),
            Body::Html(h) => h.clone(),
        };
        let mut page = self.views[p.article].as_map().cloned().unwrap_or_default();
        page.insert("content".into(), Value::safe_string(&html));
        let mut ctx = self.base_context("article", p.path, &p.feeds);
        ctx.insert_value("page", Value::from(page));
        ctx.insert_value(
            "prev",
            p.older.map_or_else(Value::none, |j| self.views[j].clone()),
        );
        ctx.insert_value(
            "next",
            p.newer.map_or_else(Value::none, |j| self.views[j].clone()),
        );
        render(self.tera, "article.html", &ctx, output)
    }

    fn render_list(&self, p: &ListPage<'_>, output: &str) -> Result<Vec<u8>, TemplateError> {
        let mut ctx = self.base_context(p.page_kind, &p.path, &p.feeds);
        ctx.insert_value("articles", self.list_values(p.members));
        ctx.insert("paginator", &p.paginator);
        match &p.shows {
            ListShows::Home(None) => {}
            ListShows::Home(Some((front, sections))) => {
                let blocks: Vec<Value> = front
                    .blocks
                    .iter()
                    .zip(sections)
                    .map(|((_, members), section)| {
                        let mut m = tera::Map::new();
                        m.insert("section".into(), (*section).clone());
                        m.insert("articles".into(), self.list_values(members));
                        Value::from(m)
                    })
                    .collect();
                ctx.insert_value("top_stories", self.list_values(&front.top));
                ctx.insert_value("sections_latest", Value::from(blocks));
                // The first page's latest list leaves out the stories above it.
                ctx.insert_value("articles", self.list_values(&front.latest));
            }
            ListShows::Section { section, count } => {
                let mut section = section.as_map().cloned().unwrap_or_default();
                section.insert("count".into(), Value::from(*count));
                ctx.insert_value("section", Value::from(section));
            }
            ListShows::Tag(tag) => ctx.insert("tag", tag),
            ListShows::Year { archive, months } => {
                ctx.insert("archive", archive);
                ctx.insert("months", months);
            }
            ListShows::Month { archive, days } => {
                ctx.insert("archive", archive);
                ctx.insert("days", days);
            }
            ListShows::Day { archive } => ctx.insert("archive", archive),
        }
        render(self.tera, p.template, &ctx, output)
    }

    /// Renders every planned file and hands it to `sink`, in parallel.
    pub fn render_all(
        &self,
        plan: &[Planned],
        sink: &(dyn Fn(&str, &[u8]) -> anyhow::Result<()> + Sync),
    ) -> anyhow::Result<()> {
        plan.par_iter().try_for_each(|p| {
            let bytes = self.render_job(p)?;
            sink(&p.output, &bytes)
        })
    }
}
