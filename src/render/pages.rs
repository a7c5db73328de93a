//! Plans every output file of the site, then renders them in parallel. The
//! plan is a flat list of jobs, so two pages that want the same file are found
//! before anything is rendered.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::article::Body;
use crate::config::Config;
use crate::error::TemplateError;
use crate::index::Index;
use crate::parse::markdown;
use crate::theme::{Asset, Theme};

use super::feeds;
use super::views::{self, FeedLink, SiteView, page_path, paginator};
use super::{render, value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    Home,
    Section(usize),
    Tag(usize),
    Year(i16),
    Month(i16, i8),
    Day(i16, i8, i8),
}

/// A paginated list of articles with its own URL (and, for some, feeds).
#[derive(Debug)]
pub struct List {
    pub kind: ListKind,
    /// Path of the first page (`/`, `/thoi-su/`, `/2024/03/`).
    pub base: String,
    /// Newest first.
    pub members: Vec<usize>,
}

impl List {
    fn has_feeds(&self) -> bool {
        matches!(
            self.kind,
            ListKind::Home | ListKind::Section(_) | ListKind::Tag(_)
        )
    }
}

#[derive(Debug)]
pub enum Job {
    Article(usize),
    ListPage {
        list: usize,
        page: usize,
    },
    Tags,
    Archive,
    NotFound,
    /// A static page that sends the browser to `to` (an absolute URL).
    Redirect {
        to: String,
    },
    Rss(usize),
    Atom(usize),
    Sitemap(usize),
    SitemapIndex,
    Robots,
    Redirects,
    Static(Asset),
}

/// One file of the output: where it goes and what makes it.
#[derive(Debug)]
pub struct Planned {
    /// Relative to the output folder (`thoi-su/x/index.html`).
    pub output: String,
    pub job: Job,
    /// What asked for this file, for collision messages.
    pub origin: String,
}

/// Everything rendering needs that outlives one build: compiled templates,
/// the lists, and each article's view. `serve` keeps it between rebuilds and
/// replaces single views when one article changes.
pub struct RenderState {
    pub tera: Tera,
    pub lists: Vec<List>,
    pub views: Vec<Value>,
    pub section_values: Vec<Value>,
    pub tag_refs: Vec<Value>,
    pub site_feeds: Vec<FeedLink>,
    pub sitemap_urls: Vec<feeds::SitemapUrl>,
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
        let site = SiteView {
            title: &config.title,
            description: &config.description,
            base_url: &config.base_url,
            language: &config.language,
            sections: &section_values,
            extra: &config.extra,
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
}

pub struct Renderer<'a> {
    pub config: &'a Config,
    pub index: &'a Index,
    pub tera: &'a Tera,
    pub lists: &'a [List],
    pub views: &'a [Value],
    section_values: &'a [Value],
    site_feeds: &'a [FeedLink],
    pub sitemap_urls: &'a [feeds::SitemapUrl],
}

fn list_page_job(list: &List, li: usize, page: usize) -> Planned {
    Planned {
        output: output_file(&page_path(&list.base, page)),
        job: Job::ListPage { list: li, page },
        origin: format!("list page {}", page_path(&list.base, page)),
    }
}

fn feed_jobs(list: &List, li: usize, config: &Config) -> Vec<Planned> {
    let mut v = Vec::new();
    if !list.has_feeds() {
        return v;
    }
    let base = list.base.trim_start_matches('/');
    if config.feeds.rss {
        v.push(Planned {
            output: format!("{base}rss.xml"),
            job: Job::Rss(li),
            origin: format!("feed {}rss.xml", list.base),
        });
    }
    if config.feeds.atom {
        v.push(Planned {
            output: format!("{base}atom.xml"),
            job: Job::Atom(li),
            origin: format!("feed {}atom.xml", list.base),
        });
    }
    v
}

fn sitemap_jobs(total: usize) -> Vec<Planned> {
    let parts = total.div_ceil(feeds::SITEMAP_MAX_URLS).max(1);
    if parts == 1 {
        return vec![Planned {
            output: "sitemap.xml".into(),
            job: Job::Sitemap(0),
            origin: "sitemap".into(),
        }];
    }
    let mut v = vec![Planned {
        output: "sitemap.xml".into(),
        job: Job::SitemapIndex,
        origin: "sitemap index".into(),
    }];
    for p in 0..parts {
        v.push(Planned {
            output: format!("sitemap-{}.xml", p + 1),
            job: Job::Sitemap(p),
            origin: "sitemap part".into(),
        });
    }
    v
}

fn planned(output: String, job: Job, origin: String) -> Planned {
    Planned {
        output,
        job,
        origin,
    }
}

/// `/thoi-su/x/` -> `thoi-su/x/index.html`.
pub fn output_file(path: &str) -> String {
    let p = path.trim_start_matches('/');
    if p.is_empty() || p.ends_with('/') {
        format!("{p}index.html")
    } else {
        p.to_string()
    }
}

impl<'a> Renderer<'a> {
    /// Every file of the site. Errors name both sides of any output clash.
    pub fn plan(&self, theme: &Theme) -> Result<Vec<Planned>, TemplateError> {
        let config = self.config;
        let index = self.index;
        let mut out = Vec::new();

        for (rel, asset) in &theme.static_files {
            out.push(planned(
                rel.clone(),
                Job::Static(asset.clone()),
                format!("static file {rel}"),
            ));
        }
        for (i, a) in index.articles.iter().enumerate() {
            out.push(planned(
                output_file(&index.paths[i]),
                Job::Article(i),
                a.source.display().to_string(),
            ));
            for alias in &a.aliases {
                let path = normalize_alias(alias);
                out.push(planned(
                    output_file(&path),
                    Job::Redirect {
                        to: config.url(&index.paths[i]),
                    },
                    format!("alias {alias} of {}", a.source.display()),
                ));
            }
        }
        for (li, list) in self.lists.iter().enumerate() {
            let pages = list.members.len().div_ceil(config.paginate_by).max(1);
            for page in 1..=pages {
                out.push(list_page_job(list, li, page));
            }
            // `/page/1/` is a natural URL to type or generate; send it home.
            out.push(planned(
                output_file(&format!("{}page/1/", list.base)),
                Job::Redirect {
                    to: config.url(&list.base),
                },
                format!("redirect {}page/1/", list.base),
            ));
            out.extend(feed_jobs(list, li, config));
        }
        out.push(planned(
            format!("{}/index.html", config.tags_path),
            Job::Tags,
            "tag index".into(),
        ));
        out.push(planned(
            "archive/index.html".into(),
            Job::Archive,
            "archive".into(),
        ));
        out.push(planned("404.html".into(), Job::NotFound, "404 page".into()));
        out.push(planned(
            "robots.txt".into(),
            Job::Robots,
            "robots.txt".into(),
        ));
        if index.articles.iter().any(|a| !a.aliases.is_empty()) {
            out.push(planned(
                "_redirects".into(),
                Job::Redirects,
                "_redirects".into(),
            ));
        }
        if config.sitemap {
            out.extend(sitemap_jobs(self.sitemap_urls.len()));
        }
        let mut seen: HashMap<&str, &str> = HashMap::with_capacity(out.len());
        let mut clashes = Vec::new();
        for p in &out {
            if let Some(first) = seen.insert(&p.output, &p.origin) {
                clashes.push(format!(
                    "{}: wanted by both {first} and {}",
                    p.output, p.origin
                ));
            }
        }
        if !clashes.is_empty() {
            return Err(TemplateError(format!(
                "two pages want the same output file:\n  {}\n  help: change a slug, a section folder name or a static file so the URLs differ",
                clashes.join("\n  ")
            )));
        }
        Ok(out)
    }

    /// The files that show article `i`, when it changed in place (same URL,
    /// date, section and tags): its page, its neighbours' pages, the list
    /// pages and feeds it appears on, and the sitemap part.
    pub fn plan_for_article(&self, i: usize) -> Vec<Planned> {
        let index = self.index;
        let config = self.config;
        let mut out = vec![Planned {
            output: output_file(&index.paths[i]),
            job: Job::Article(i),
            origin: index.articles[i].source.display().to_string(),
        }];
        let neighbours = {
            let (older, newer) = index.neighbours(i);
            [older, newer]
        };
        for j in neighbours.into_iter().flatten() {
            out.push(Planned {
                output: output_file(&index.paths[j]),
                job: Job::Article(j),
                origin: index.articles[j].source.display().to_string(),
            });
        }
        let per = config.paginate_by;
        for (li, list) in self.lists.iter().enumerate() {
            // Members are in index order, which is ascending.
            let Ok(pos) = list.members.binary_search(&i) else {
                continue;
            };
            out.push(list_page_job(list, li, pos / per + 1));
            if pos < config.feeds.limit {
                out.extend(feed_jobs(list, li, config));
            }
        }
        // The home page's per-section blocks show each section's newest four.
        if index.section_of[i].is_some()
            && index.section_pos[i] < 4
            && !out.iter().any(|p| p.output == "index.html")
        {
            out.push(list_page_job(&self.lists[0], 0, 1));
        }
        if config.sitemap {
            let part = i / feeds::SITEMAP_MAX_URLS;
            out.extend(
                sitemap_jobs(self.sitemap_urls.len())
                    .into_iter()
                    .filter(|p| matches!(p.job, Job::Sitemap(n) if n == part)),
            );
        }
        out
    }

    /// What an article or list page is made from, as a number: equal numbers
    /// mean equal pages (for one theme, config and site navigation), so
    /// `serve` re-renders only pages whose number changed. None for the
    /// few other files, which are always re-rendered.
    pub fn fingerprint(&self, p: &Planned, view_hashes: &[u64]) -> Option<u64> {
        use std::hash::{Hash, Hasher};
        let index = self.index;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        match &p.job {
            Job::Article(i) => {
                let i = *i;
                0u8.hash(&mut h);
                view_hashes[i].hash(&mut h);
                match &index.articles[i].body {
                    Body::Markdown(b) | Body::Html(b) => b.hash(&mut h),
                }
                let (older, newer) = index.neighbours(i);
                older.map(|j| view_hashes[j]).hash(&mut h);
                newer.map(|j| view_hashes[j]).hash(&mut h);
            }
            Job::ListPage { list, page } => {
                let list = &self.lists[*list];
                let per = self.config.paginate_by;
                1u8.hash(&mut h);
                list.base.hash(&mut h);
                page.hash(&mut h);
                list.members.len().hash(&mut h);
                let start = (page - 1) * per;
                for &m in &list.members
                    [start.min(list.members.len())..(start + per).min(list.members.len())]
                {
                    view_hashes[m].hash(&mut h);
                }
                match list.kind {
                    ListKind::Home if *page == 1 => {
                        for s in &index.sections {
                            s.key.hash(&mut h);
                            for &m in &s.members[..s.members.len().min(4)] {
                                view_hashes[m].hash(&mut h);
                            }
                        }
                    }
                    ListKind::Home => {}
                    ListKind::Section(s) => hash_value(&self.section_values[s], &mut h),
                    ListKind::Tag(t) => {
                        let tag = &index.tags[t];
                        (&tag.name, &tag.slug, tag.members.len()).hash(&mut h);
                    }
                    ListKind::Year(y) => {
                        for (m, days) in &index.years[&y] {
                            (m, Index::month_count(days)).hash(&mut h);
                        }
                    }
                    ListKind::Month(y, m) => {
                        for (d, v) in &index.years[&y][&m] {
                            (d, v.len()).hash(&mut h);
                        }
                    }
                    ListKind::Day(..) => {}
                }
            }
            Job::Redirect { to } => {
                2u8.hash(&mut h);
                to.hash(&mut h);
            }
            Job::Rss(l) | Job::Atom(l) => {
                let list = &self.lists[*l];
                (3u8, matches!(p.job, Job::Rss(_)), &list.base).hash(&mut h);
                match list.kind {
                    ListKind::Section(s) => hash_value(&self.section_values[s], &mut h),
                    ListKind::Tag(t) => index.tags[t].name.hash(&mut h),
                    _ => {}
                }
                for &m in &list.members[..list.members.len().min(self.config.feeds.limit)] {
                    view_hashes[m].hash(&mut h);
                }
            }
            _ => return None,
        }
        Some(h.finish())
    }

    fn base_context(&self, kind: &str, path: &str, feeds: Vec<FeedLink>) -> Context {
        let mut ctx = Context::new();
        ctx.insert("page_kind", kind);
        ctx.insert("current_path", path);
        ctx.insert("canonical", &self.config.url(path));
        ctx.insert("feeds", &feeds);
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
    pub fn render_job(&self, p: &Planned) -> Result<Vec<u8>, anyhow::Error> {
        let config = self.config;
        let index = self.index;
        Ok(match &p.job {
            Job::Static(asset) => asset.bytes()?.into_owned(),
            Job::Article(i) => self.render_article(*i, &p.output)?,
            Job::ListPage { list, page } => {
                self.render_list(&self.lists[*list], *page, &p.output)?
            }
            Job::Tags => {
                let mut ctx = self.base_context(
                    "tags",
                    &format!("/{}/", config.tags_path),
                    self.site_feeds.to_vec(),
                );
                let tags: Vec<_> = index
                    .tags
                    .iter()
                    .map(|t| views::tag_view(t, config, false))
                    .collect();
                ctx.insert("tags", &tags);
                render(self.tera, "tags.html", &ctx, &p.output)?
            }
            Job::Archive => {
                let mut ctx = self.base_context("archive", "/archive/", self.site_feeds.to_vec());
                ctx.insert("years", &self.archive_years());
                render(self.tera, "archive.html", &ctx, &p.output)?
            }
            Job::NotFound => {
                let ctx = self.base_context("404", "/404.html", self.site_feeds.to_vec());
                render(self.tera, "404.html", &ctx, &p.output)?
            }
            Job::Redirect { to } => feeds::redirect_page(to).into_bytes(),
            Job::Rss(li) => feeds::rss(self, &self.lists[*li]).into_bytes(),
            Job::Atom(li) => feeds::atom(self, &self.lists[*li]).into_bytes(),
            Job::Sitemap(part) => feeds::sitemap(self.sitemap_urls, *part).into_bytes(),
            Job::SitemapIndex => feeds::sitemap_index(self.sitemap_urls.len(), config).into_bytes(),
            Job::Robots => feeds::robots(config).into_bytes(),
            Job::Redirects => feeds::netlify_redirects(index, config).into_bytes(),
        })
    }

    fn render_article(&self, i: usize, output: &str) -> Result<Vec<u8>, TemplateError> {
        let index = self.index;
        let a = &index.articles[i];
        let html = match &a.body {
            Body::Markdown(md) => {
                let base = self.config.base_path();
                let dir = match index.section_of[i] {
                    Some(s) => format!("{base}{}/", index.sections[s].name),
                    None => base.to_string(),
                };
                markdown::render(md, base, &dir)
            }
            Body::Html(h) => h.clone(),
        };
        let mut page = self.views[i].as_map().cloned().unwrap_or_default();
        page.insert("content".into(), Value::safe_string(&html));
        let (prev, next) = index.neighbours(i);
        let mut feeds = self.site_feeds.to_vec();
        if let Some(s) = index.section_of[i] {
            let sec = &index.sections[s];
            feeds.extend(views::feed_links(
                &sec.path,
                &format!("{} - {}", self.config.title, sec.title),
                self.config,
            ));
        }
        let mut ctx = self.base_context("article", &index.paths[i], feeds);
        ctx.insert_value("page", Value::from(page));
        ctx.insert_value(
            "prev",
            prev.map_or_else(Value::none, |j| self.views[j].clone()),
        );
        ctx.insert_value(
            "next",
            next.map_or_else(Value::none, |j| self.views[j].clone()),
        );
        render(self.tera, "article.html", &ctx, output)
    }

    fn render_list(
        &self,
        list: &List,
        page: usize,
        output: &str,
    ) -> Result<Vec<u8>, TemplateError> {
        let config = self.config;
        let index = self.index;
        let per = config.paginate_by;
        let start = (page - 1) * per;
        let members =
            &list.members[start.min(list.members.len())..(start + per).min(list.members.len())];
        let path = page_path(&list.base, page);
        let (template, kind) = match list.kind {
            ListKind::Home => ("index.html", "index"),
            ListKind::Section(_) => ("section.html", "section"),
            ListKind::Tag(_) => ("tag.html", "tag"),
            ListKind::Year(_) => ("year.html", "year"),
            ListKind::Month(..) => ("month.html", "month"),
            ListKind::Day(..) => ("day.html", "day"),
        };
        let mut feeds = self.site_feeds.to_vec();
        match list.kind {
            ListKind::Section(s) => feeds.extend(views::feed_links(
                &list.base,
                &format!("{} - {}", config.title, index.sections[s].title),
                config,
            )),
            ListKind::Tag(t) => feeds.extend(views::feed_links(
                &list.base,
                &format!("{} - {}", config.title, index.tags[t].name),
                config,
            )),
            _ => {}
        }
        let mut ctx = self.base_context(kind, &path, feeds);
        ctx.insert_value("articles", self.list_values(members));
        ctx.insert(
            "paginator",
            &paginator(&list.base, page, list.members.len(), config),
        );
        match list.kind {
            ListKind::Home => {
                let latest: Vec<Value> = if page == 1 {
                    index
                        .sections
                        .iter()
                        .enumerate()
                        .map(|(si, s)| {
                            let mut m = tera::Map::new();
                            m.insert("section".into(), self.section_values[si].clone());
                            m.insert(
                                "articles".into(),
                                self.list_values(&s.members[..s.members.len().min(4)]),
                            );
                            Value::from(m)
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                ctx.insert_value("sections_latest", Value::from(latest));
            }
            ListKind::Section(s) => {
                let mut section = self.section_values[s].as_map().cloned().unwrap_or_default();
                section.insert("count".into(), Value::from(index.sections[s].members.len()));
                ctx.insert_value("section", Value::from(section));
            }
            ListKind::Tag(t) => ctx.insert("tag", &views::tag_view(&index.tags[t], config, true)),
            ListKind::Year(y) => {
                ctx.insert("archive", &self.period(y, None, None, list.members.len()));
                let months: Vec<Period> = index.years[&y]
                    .iter()
                    .map(|(&m, days)| self.period(y, Some(m), None, Index::month_count(days)))
                    .collect();
                ctx.insert("months", &months);
            }
            ListKind::Month(y, m) => {
                ctx.insert(
                    "archive",
                    &self.period(y, Some(m), None, list.members.len()),
                );
                let days: Vec<Period> = index.years[&y][&m]
                    .iter()
                    .map(|(&d, v)| self.period(y, Some(m), Some(d), v.len()))
                    .collect();
                ctx.insert("days", &days);
            }
            ListKind::Day(y, m, d) => ctx.insert(
                "archive",
                &self.period(y, Some(m), Some(d), list.members.len()),
            ),
        }
        render(self.tera, template, &ctx, output)
    }

    fn period(&self, year: i16, month: Option<i8>, day: Option<i8>, count: usize) -> Period {
        Period {
            year,
            month,
            day,
            url: self.config.url(&date_path(year, month, day)),
            count,
        }
    }

    fn archive_years(&self) -> Vec<ArchiveYear> {
        self.index
            .years
            .iter()
            .rev()
            .map(|(&y, months)| ArchiveYear {
                year: y,
                url: self.config.url(&date_path(y, None, None)),
                count: Index::year_count(months),
                months: months
                    .iter()
                    .rev()
                    .map(|(&m, days)| self.period(y, Some(m), None, Index::month_count(days)))
                    .collect(),
            })
            .collect()
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

/// Hashes a template value through its JSON form (deterministic: maps keep
/// insertion order).
pub fn hash_value(v: &Value, h: &mut impl std::hash::Hasher) {
    struct W<'a, H: std::hash::Hasher>(&'a mut H);
    impl<H: std::hash::Hasher> std::io::Write for W<'_, H> {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let _ = serde_json::to_writer(W(h), v);
}

/// One hash per article view, in parallel.
pub fn view_hashes(views: &[Value]) -> Vec<u64> {
    use std::hash::Hasher;
    views
        .par_iter()
        .map(|v| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            hash_value(v, &mut h);
            h.finish()
        })
        .collect()
}

#[derive(Serialize)]
struct Period {
    year: i16,
    month: Option<i8>,
    day: Option<i8>,
    url: String,
    count: usize,
}

#[derive(Serialize)]
struct ArchiveYear {
    year: i16,
    url: String,
    count: usize,
    months: Vec<Period>,
}

pub fn date_path(year: i16, month: Option<i8>, day: Option<i8>) -> String {
    match (month, day) {
        (Some(m), Some(d)) => format!("/{year:04}/{m:02}/{d:02}/"),
        (Some(m), None) => format!("/{year:04}/{m:02}/"),
        _ => format!("/{year:04}/"),
    }
}

/// `tin-cu/x` -> `/tin-cu/x/`; a full URL keeps only its path.
pub fn normalize_alias(alias: &str) -> String {
    let path = match alias.find("://") {
        Some(i) => alias[i + 3..]
            .find('/')
            .map_or("/", |j| &alias[i + 3 + j..]),
        None => alias,
    };
    let segs: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty() && *s != "." && *s != "..")
        .collect();
    if segs.is_empty() {
        return "/".into();
    }
    let last = segs[segs.len() - 1];
    if last.contains('.') {
        format!("/{}", segs.join("/"))
    } else {
        format!("/{}/", segs.join("/"))
    }
}

fn build_lists(index: &Index) -> Vec<List> {
    let mut lists = vec![List {
        kind: ListKind::Home,
        base: "/".into(),
        members: (0..index.articles.len()).collect(),
    }];
    for (si, s) in index.sections.iter().enumerate() {
        lists.push(List {
            kind: ListKind::Section(si),
            base: s.path.clone(),
            members: s.members.clone(),
        });
    }
    for (ti, t) in index.tags.iter().enumerate() {
        lists.push(List {
            kind: ListKind::Tag(ti),
            base: t.path.clone(),
            members: t.members.clone(),
        });
    }
    for (&y, months) in &index.years {
        let mut year_members = Vec::with_capacity(Index::year_count(months));
        for (&m, days) in months.iter().rev() {
            let mut month_members = Vec::with_capacity(Index::month_count(days));
            for (&d, members) in days.iter().rev() {
                month_members.extend_from_slice(members);
                lists.push(List {
                    kind: ListKind::Day(y, m, d),
                    base: date_path(y, Some(m), Some(d)),
                    members: members.clone(),
                });
            }
            year_members.extend_from_slice(&month_members);
            lists.push(List {
                kind: ListKind::Month(y, m),
                base: date_path(y, Some(m), None),
                members: month_members,
            });
        }
        lists.push(List {
            kind: ListKind::Year(y),
            base: date_path(y, None, None),
            members: year_members,
        });
    }
    lists
}
