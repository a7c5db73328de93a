//! Plans every output file of the site as a flat list of jobs, so two pages
//! that want the same file are found before anything is rendered.

use std::collections::HashMap;

use crate::config::Config;
use std::path::{Path, PathBuf};

use crate::error::{ContentError, ContentErrors, Location};
use crate::theme::{Asset, Theme};

use super::feeds;
use super::lists::List;
use super::state::Renderer;
use super::urls::{normalize_alias, output_file, page_path};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedFormat {
    Rss,
    Atom,
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
    Feed(FeedFormat, usize),
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
    /// The user's file that asked for it (an article, a static file), where
    /// one did: a clash is reported there.
    pub file: Option<PathBuf>,
}

fn planned(output: String, job: Job, origin: String) -> Planned {
    Planned {
        output,
        job,
        origin,
        file: None,
    }
}

impl Planned {
    fn asked_by(mut self, file: impl Into<PathBuf>) -> Self {
        self.file = Some(file.into());
        self
    }
}

fn feed_jobs(list: &List, li: usize, config: &Config, out: &mut Vec<Planned>) {
    if !list.has_feeds() {
        return;
    }
    let base = list.base.trim_start_matches('/');
    for (on, format, name) in [
        (config.feeds.rss, FeedFormat::Rss, "rss.xml"),
        (config.feeds.atom, FeedFormat::Atom, "atom.xml"),
    ] {
        if on {
            out.push(planned(
                format!("{base}{name}"),
                Job::Feed(format, li),
                format!("feed {}{name}", list.base),
            ));
        }
    }
}

fn sitemap_jobs(total: usize, out: &mut Vec<Planned>) {
    let parts = feeds::sitemap_parts(total);
    if parts == 1 {
        out.push(planned(
            "sitemap.xml".into(),
            Job::Sitemap(0),
            "sitemap".into(),
        ));
        return;
    }
    out.push(planned(
        "sitemap.xml".into(),
        Job::SitemapIndex,
        "sitemap index".into(),
    ));
    for p in 0..parts {
        out.push(planned(
            format!("sitemap-{}.xml", p + 1),
            Job::Sitemap(p),
            "sitemap part".into(),
        ));
    }
}

impl Renderer<'_> {
    /// Every file of the site. Errors name both sides of any output clash.
    pub fn plan(&self, theme: &Theme) -> Result<Vec<Planned>, ContentErrors> {
        let config = self.config;
        let index = self.index;
        let mut out = Vec::new();

        for (rel, asset) in &theme.static_files {
            let p = planned(
                rel.clone(),
                Job::Static(asset.clone()),
                format!("static file {rel}"),
            );
            out.push(match asset {
                Asset::Disk(abs) => p.asked_by(site_path(abs, &config.root)),
                Asset::Embedded(_) => p,
            });
        }
        for (i, a) in index.articles.iter().enumerate() {
            out.push(
                planned(
                    output_file(&index.paths[i]),
                    Job::Article(i),
                    a.source_path.display().to_string(),
                )
                .asked_by(&a.source_path),
            );
            for alias in &a.aliases {
                let path = normalize_alias(alias);
                out.push(
                    planned(
                        output_file(&path),
                        Job::Redirect {
                            to: config.url(&index.paths[i]),
                        },
                        format!("alias {alias} of {}", a.source_path.display()),
                    )
                    .asked_by(&a.source_path),
                );
            }
        }
        for (li, list) in self.lists.iter().enumerate() {
            for page in 1..=list.pages(config.paginate_by) {
                let path = page_path(&list.base, page);
                out.push(planned(
                    output_file(&path),
                    Job::ListPage { list: li, page },
                    format!("list page {path}"),
                ));
            }
            // `/page/1/` is a natural URL to type or generate; send it home.
            out.push(planned(
                output_file(&format!("{}page/1/", list.base)),
                Job::Redirect {
                    to: config.url(&list.base),
                },
                format!("redirect {}page/1/", list.base),
            ));
            feed_jobs(list, li, config, &mut out);
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
            sitemap_jobs(self.sitemap_urls.len(), &mut out);
        }
        check_clashes(&out)?;
        Ok(out)
    }
}

/// A file's path as the user should see it: relative to the site root when
/// it is inside it (a theme's own files may not be).
fn site_path(abs: &Path, root: &Path) -> PathBuf {
    abs.strip_prefix(root).unwrap_or(abs).to_path_buf()
}

/// One content error per clash, at the user's file of the later claimant,
/// else of the first, else at config.yaml (list pages, feeds and the tag
/// index are placed by its settings and the section folders).
fn check_clashes(plan: &[Planned]) -> Result<(), ContentErrors> {
    let mut seen: HashMap<&str, &Planned> = HashMap::with_capacity(plan.len());
    let mut clashes = Vec::new();
    for p in plan {
        if let Some(first) = seen.insert(&p.output, p) {
            let file = p
                .file
                .as_deref()
                .or(first.file.as_deref())
                .unwrap_or(Path::new(crate::config::CONFIG_FILE));
            clashes.push(
                ContentError::new(
                    Location::file(file),
                    format!(
                        "two pages want the same output file {}: wanted by both {} and {}",
                        p.output, first.origin, p.origin
                    ),
                )
                .help("change a slug, a section folder name or a static file so the URLs differ"),
            );
        }
    }
    if clashes.is_empty() {
        return Ok(());
    }
    clashes.sort_by(|a, b| a.location.cmp(&b.location));
    Err(ContentErrors(clashes))
}
