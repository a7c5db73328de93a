//! One description of every output: what it shows, as data. The same
//! [`PageInputs`] value is what a page is rendered from and what its
//! fingerprint is hashed from, so `serve` cannot re-render too little when a
//! template starts showing something new: it has to come from here first.

use std::hash::{Hash, Hasher};

use rayon::prelude::*;
use tera::Value;

use crate::article::Body;
use crate::index::Index;
use crate::theme::Asset;

use super::feeds::{self, Feed, SitemapUrl};
use super::lists::{FrontPage, ListKind, front_page, titled};
use super::plan::{FeedFormat, Job};
use super::state::Renderer;
use super::urls::page_path;
use super::views::{self, ArchiveYear, FeedLink, Paginator, Period, TagView, paginator};

/// What one output file shows. Article numbers stand for the article's view
/// (and, on its own page, its body); everything else is the value itself.
/// Site-wide values every page shows (templates, config, the section menu)
/// are not here: a change to any of them rebuilds the whole site.
#[derive(Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "one value per output, made, used and dropped in turn: never stored in bulk"
)]
pub enum PageInputs<'a> {
    /// Copied as is; never fingerprinted.
    Static(&'a Asset),
    Article(ArticlePage<'a>),
    List(ListPage<'a>),
    Tags(Vec<TagView<'a>>),
    Archive(Vec<ArchiveYear>),
    NotFound,
    /// A page sending the browser to this absolute URL.
    Redirect(&'a str),
    Feed(FeedFormat, Feed<'a>),
    /// URLs from number `first` of the list that starts with every
    /// article's, in article order.
    Sitemap {
        first: usize,
        urls: &'a [SitemapUrl],
    },
    SitemapIndex {
        parts: usize,
    },
    Robots,
    /// (alias, path it sends to) of every article.
    Redirects(Vec<(&'a str, &'a str)>),
}

#[derive(Debug)]
pub struct ArticlePage<'a> {
    pub article: usize,
    pub path: &'a str,
    /// The folder relative links in the body are resolved against.
    pub link_dir: String,
    pub older: Option<usize>,
    pub newer: Option<usize>,
    pub feeds: Vec<FeedLink>,
}

#[derive(Debug)]
pub struct ListPage<'a> {
    pub template: &'static str,
    pub page_kind: &'static str,
    pub path: String,
    /// This page's articles, newest first.
    pub members: &'a [usize],
    pub paginator: Paginator,
    pub feeds: Vec<FeedLink>,
    pub shows: ListShows<'a>,
}

/// What a list page shows besides its articles, by kind of list.
#[derive(Debug)]
pub enum ListShows<'a> {
    /// The first page's top stories, section blocks and latest stories
    /// (none after the first page, which shows `members`).
    Home(Option<(FrontPage, Vec<&'a Value>)>),
    Section {
        section: &'a Value,
        count: usize,
    },
    Tag(TagView<'a>),
    Year {
        archive: Period,
        months: Vec<Period>,
    },
    Month {
        archive: Period,
        days: Vec<Period>,
    },
    Day {
        archive: Period,
    },
}

impl<'a> Renderer<'a> {
    /// What the output planned as `job` shows.
    pub fn describe<'p>(&'p self, job: &'p Job) -> PageInputs<'p> {
        let config = self.config;
        let index: &'p Index = self.index;
        match job {
            Job::Static(asset) => PageInputs::Static(asset),
            Job::Article(i) => {
                let i = *i;
                let (older, newer) = index.neighbours(i);
                let mut feeds = self.site_feeds.to_vec();
                let base = config.base_path();
                let link_dir = match index.section_of[i] {
                    Some(s) => {
                        let sec = &index.sections[s];
                        feeds.extend(views::feed_links(
                            &sec.path,
                            &titled(config, &sec.title),
                            config,
                        ));
                        format!("{base}{}/", sec.name)
                    }
                    None => base.to_string(),
                };
                PageInputs::Article(ArticlePage {
                    article: i,
                    path: &index.paths[i],
                    link_dir,
                    older,
                    newer,
                    feeds,
                })
            }
            Job::ListPage { list, page } => {
                let list = &self.lists[*list];
                let page = *page;
                let (template, page_kind) = list.kind.template();
                let mut feeds = self.site_feeds.to_vec();
                if matches!(list.kind, ListKind::Section(_) | ListKind::Tag(_)) {
                    feeds.extend(views::feed_links(
                        &list.base,
                        &list.feed_title(index, config),
                        config,
                    ));
                }
                let count = list.members.len();
                let period = |y, m, d, n| Period::new(config, y, m, d, n);
                let shows = match list.kind {
                    ListKind::Home if page == 1 => {
                        let front = front_page(index, list.page_members(1, config.paginate_by));
                        let sections = front
                            .blocks
                            .iter()
                            .map(|(s, _)| &self.section_values[*s])
                            .collect();
                        ListShows::Home(Some((front, sections)))
                    }
                    ListKind::Home => ListShows::Home(None),
                    ListKind::Section(s) => ListShows::Section {
                        section: &self.section_values[s],
                        count: index.sections[s].members.len(),
                    },
                    ListKind::Tag(t) => {
                        ListShows::Tag(views::tag_view(&index.tags[t], config, true))
                    }
                    ListKind::Year(y) => ListShows::Year {
                        archive: period(y, None, None, count),
                        months: index.years[&y]
                            .iter()
                            .map(|(&m, days)| period(y, Some(m), None, Index::month_count(days)))
                            .collect(),
                    },
                    ListKind::Month(y, m) => ListShows::Month {
                        archive: period(y, Some(m), None, count),
                        days: index.years[&y][&m]
                            .iter()
                            .map(|(&d, v)| period(y, Some(m), Some(d), v.len()))
                            .collect(),
                    },
                    ListKind::Day(y, m, d) => ListShows::Day {
                        archive: period(y, Some(m), Some(d), count),
                    },
                };
                PageInputs::List(ListPage {
                    template,
                    page_kind,
                    path: page_path(&list.base, page),
                    members: list.page_members(page, config.paginate_by),
                    paginator: paginator(&list.base, page, count, config),
                    feeds,
                    shows,
                })
            }
            Job::Tags => PageInputs::Tags(
                index
                    .tags
                    .iter()
                    .map(|t| views::tag_view(t, config, false))
                    .collect(),
            ),
            Job::Archive => PageInputs::Archive(views::archive_years(index, config)),
            Job::NotFound => PageInputs::NotFound,
            Job::Redirect { to } => PageInputs::Redirect(to),
            Job::Feed(format, li) => {
                PageInputs::Feed(*format, Feed::of(&self.lists[*li], index, config))
            }
            Job::Sitemap(part) => PageInputs::Sitemap {
                first: part * feeds::SITEMAP_MAX_URLS,
                urls: feeds::sitemap_part(self.sitemap_urls, *part),
            },
            Job::SitemapIndex => PageInputs::SitemapIndex {
                parts: feeds::sitemap_parts(self.sitemap_urls.len()),
            },
            Job::Robots => PageInputs::Robots,
            Job::Redirects => PageInputs::Redirects(feeds::aliases(index)),
        }
    }
}

/// Per article: a hash of its view, and of its body, which only its own
/// page shows. Kept between rebuilds and refreshed per changed article, so a
/// fingerprint never re-hashes the whole site's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleHashes {
    views: Vec<u64>,
    bodies: Vec<u64>,
}

impl ArticleHashes {
    pub fn new(views: &[Value], index: &Index) -> Self {
        let (views, bodies) = views
            .par_iter()
            .zip(&index.articles)
            .map(|(v, a)| (value_hash(v), body_hash(&a.body)))
            .unzip();
        ArticleHashes { views, bodies }
    }

    /// For a new index, reusing the hashes of articles whose view and body
    /// are unchanged since `old` (found by source path): comparing is much
    /// cheaper than hashing a whole site's text again.
    pub fn carried_over(
        views: &[Value],
        index: &Index,
        old: &ArticleHashes,
        old_views: &[Value],
        old_index: &Index,
    ) -> Self {
        let (views, bodies) = views
            .par_iter()
            .zip(&index.articles)
            .map(|(v, a)| {
                let prev = old_index.article_at(&a.source_path);
                let view = match prev {
                    Some(i) if old_views[i] == *v => old.views[i],
                    _ => value_hash(v),
                };
                let body = match prev {
                    Some(i) if same_body(&old_index.articles[i].body, &a.body) => old.bodies[i],
                    _ => body_hash(&a.body),
                };
                (view, body)
            })
            .unzip();
        ArticleHashes { views, bodies }
    }

    /// After article `i` changed in place.
    pub fn refresh(&mut self, i: usize, view: &Value, body: &Body) {
        self.views[i] = value_hash(view);
        self.bodies[i] = body_hash(body);
    }
}

/// A file's fingerprint and the articles it shows.
#[derive(Debug)]
pub struct Fingerprint {
    pub value: u64,
    /// Articles whose view, body or sitemap entry the file shows: when one
    /// is replaced in place, only files that list it can change.
    pub shows: Vec<usize>,
}

/// Hashes a description, article references by their hashes.
struct Fingerprinter<'h> {
    h: std::collections::hash_map::DefaultHasher,
    hashes: &'h ArticleHashes,
    shows: Vec<usize>,
}

impl Fingerprinter<'_> {
    fn article(&mut self, i: usize) {
        self.hashes.views[i].hash(&mut self.h);
        self.shows.push(i);
    }

    fn neighbour(&mut self, i: Option<usize>) {
        i.is_some().hash(&mut self.h);
        if let Some(i) = i {
            self.article(i);
        }
    }

    fn articles(&mut self, members: &[usize]) {
        members.len().hash(&mut self.h);
        for &m in members {
            self.article(m);
        }
    }
}

fn value_hash(v: &Value) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    hash_value(v, &mut h);
    h.finish()
}

fn same_body(a: &Body, b: &Body) -> bool {
    match (a, b) {
        (Body::Markdown(x), Body::Markdown(y)) | (Body::Html(x), Body::Html(y)) => x == y,
        _ => false,
    }
}

fn body_hash(b: &Body) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    match b {
        Body::Markdown(t) => (0u8, t).hash(&mut h),
        Body::Html(t) => (1u8, t).hash(&mut h),
    }
    h.finish()
}

/// Hashes a template value through its JSON form (deterministic: maps keep
/// insertion order).
fn hash_value(v: &Value, h: &mut impl Hasher) {
    struct W<'a, H: Hasher>(&'a mut H);
    impl<H: Hasher> std::io::Write for W<'_, H> {
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

/// What `inputs` shows, as a number: equal numbers mean equal files (for one
/// theme, config and section menu), so `serve` re-renders only the files
/// whose number changed. None for static files, which are copied.
///
/// Every field is taken apart by name, without `..`: a field added to a
/// description does not compile until it is hashed here too.
pub fn fingerprint(inputs: &PageInputs<'_>, hashes: &ArticleHashes) -> Option<Fingerprint> {
    let mut f = Fingerprinter {
        h: std::collections::hash_map::DefaultHasher::new(),
        hashes,
        shows: Vec::new(),
    };
    std::mem::discriminant(inputs).hash(&mut f.h);
    match inputs {
        PageInputs::Static(_) => return None,
        PageInputs::Article(ArticlePage {
            article,
            path,
            link_dir,
            older,
            newer,
            feeds,
        }) => {
            f.article(*article);
            hashes.bodies[*article].hash(&mut f.h);
            (path, link_dir, feeds).hash(&mut f.h);
            f.neighbour(*older);
            f.neighbour(*newer);
        }
        PageInputs::List(ListPage {
            template,
            page_kind,
            path,
            members,
            paginator,
            feeds,
            shows,
        }) => {
            (template, page_kind, path, paginator, feeds).hash(&mut f.h);
            f.articles(members);
            std::mem::discriminant(shows).hash(&mut f.h);
            match shows {
                ListShows::Home(None) => {}
                ListShows::Home(Some((front, sections))) => {
                    let FrontPage {
                        top,
                        blocks,
                        latest,
                    } = front;
                    f.articles(top);
                    blocks.len().hash(&mut f.h);
                    for ((_, members), section) in blocks.iter().zip(sections) {
                        hash_value(section, &mut f.h);
                        f.articles(members);
                    }
                    f.articles(latest);
                }
                ListShows::Section { section, count } => {
                    hash_value(section, &mut f.h);
                    count.hash(&mut f.h);
                }
                ListShows::Tag(tag) => tag.hash(&mut f.h),
                ListShows::Year { archive, months } => (archive, months).hash(&mut f.h),
                ListShows::Month { archive, days } => (archive, days).hash(&mut f.h),
                ListShows::Day { archive } => archive.hash(&mut f.h),
            }
        }
        PageInputs::Tags(tags) => tags.hash(&mut f.h),
        PageInputs::Archive(years) => years.hash(&mut f.h),
        PageInputs::NotFound | PageInputs::Robots => {}
        PageInputs::Redirect(to) => to.hash(&mut f.h),
        PageInputs::Feed(format, Feed { base, title, items }) => {
            (format, base, title).hash(&mut f.h);
            f.articles(items);
        }
        PageInputs::Sitemap { first, urls } => {
            (first, urls).hash(&mut f.h);
            let articles = hashes.views.len();
            f.shows
                .extend(*first..(first + urls.len()).min(articles).max(*first));
        }
        PageInputs::SitemapIndex { parts } => parts.hash(&mut f.h),
        PageInputs::Redirects(aliases) => aliases.hash(&mut f.h),
    }
    Some(Fingerprint {
        value: f.h.finish(),
        shows: f.shows,
    })
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};
    use std::path::Path;

    use super::*;
    use crate::article::{Article, SourceKind};
    use crate::config::Config;
    use crate::index::build_index;
    use crate::render::state::RenderState;
    use crate::theme::{Theme, load_theme};

    fn config() -> Config {
        let yaml = "title: T\nbase_url: https://example.org/\ntheme: default\npaginate_by: 2\n";
        Config::parse(Path::new(env!("CARGO_MANIFEST_DIR")), yaml).unwrap()
    }

    /// (section, slug, title, date)
    type Spec<'a> = (&'a str, &'a str, &'a str, &'a str);

    fn article(config: &Config, (section, slug, title, date): Spec<'_>) -> Article {
        let text = format!("---\ntitle: {title}\nslug: {slug}\ndate: {date}\n---\n\nx\n");
        let rel = format!("content/{section}/{slug}.md");
        crate::parse::parse_article(
            Path::new(&rel),
            Some(section.to_string()),
            SourceKind::Markdown,
            &text,
            config,
        )
        .unwrap()
    }

    struct Tiny {
        config: Config,
        index: Index,
        theme: Theme,
        state: RenderState,
    }

    fn tiny(specs: &[Spec<'_>]) -> Tiny {
        let config = config();
        let articles = specs.iter().map(|s| article(&config, *s)).collect();
        let index = build_index(articles, &BTreeMap::new(), &config).unwrap();
        let theme = load_theme(&config).unwrap();
        let state = RenderState::new(&config, &index, &theme).unwrap();
        Tiny {
            config,
            index,
            theme,
            state,
        }
    }

    impl Tiny {
        fn fingerprints(&self) -> HashMap<String, Fingerprint> {
            let r = self.state.renderer(&self.config, &self.index);
            let hashes = ArticleHashes::new(self.state.views(), &self.index);
            r.plan(&self.theme)
                .unwrap()
                .iter()
                .filter_map(|p| {
                    fingerprint(&r.describe(&p.job), &hashes).map(|f| (p.output.clone(), f))
                })
                .collect()
        }
    }

    const SITE: &[Spec<'static>] = &[
        ("a", "a1", "A một", "2024-01-01 08:00"),
        ("a", "a2", "A hai", "2024-01-02 08:00"),
        ("a", "a3", "A ba", "2024-01-03 08:00"),
        ("b", "b1", "B một", "2024-02-01 08:00"),
    ];

    #[test]
    fn plans_every_page_list_and_feed_of_a_tiny_site() {
        let t = tiny(SITE);
        let r = t.state.renderer(&t.config, &t.index);
        let plan = r.plan(&t.theme).unwrap();
        let outputs: Vec<&str> = plan.iter().map(|p| p.output.as_str()).collect();
        for want in [
            "a/a1/index.html",
            "b/b1/index.html",
            "index.html",
            "page/2/index.html",
            "a/index.html",
            "a/page/2/index.html",
            "a/rss.xml",
            "2024/01/02/index.html",
            "2024/index.html",
            "tags/index.html",
            "archive/index.html",
            "404.html",
            "sitemap.xml",
        ] {
            assert!(outputs.contains(&want), "{want} not planned: {outputs:?}");
        }
        // Date archives have no feeds; two articles per page make no page 3.
        assert!(!outputs.contains(&"2024/rss.xml"));
        assert!(!outputs.contains(&"a/page/3/index.html"));
        let home = plan.iter().find(|p| p.output == "index.html").unwrap();
        let PageInputs::List(page) = r.describe(&home.job) else {
            panic!("the home page is a list")
        };
        // Newest first; with nothing featured, the four newest lead, and
        // no story shows twice: the section blocks and latest list are empty.
        assert_eq!(page.members, &[0, 1]);
        let ListShows::Home(Some((front, sections))) = page.shows else {
            panic!("the home page shows its front page")
        };
        assert_eq!(front.top, [0, 1, 2, 3]);
        assert_eq!(sections.len(), 2);
        assert!(front.blocks.iter().all(|(_, m)| m.is_empty()));
        assert!(front.latest.is_empty());
    }

    #[test]
    fn fingerprints_follow_neighbours_not_strangers() {
        let before = tiny(SITE).fingerprints();
        let mut retitled = SITE.to_vec();
        retitled[1].2 = "A hai, sửa lại";
        let after = tiny(&retitled).fingerprints();
        let changed = |f: &str| before[f].value != after[f].value;
        // a2's own page and its neighbours' previous/next links.
        assert!(changed("a/a2/index.html"));
        assert!(changed("a/a1/index.html"));
        assert!(changed("a/a3/index.html"));
        // Lists and feeds showing it.
        assert!(changed("a/index.html"));
        assert!(changed("index.html"));
        assert!(changed("rss.xml"));
        // An article of another section, and lists without a2.
        assert!(!changed("b/b1/index.html"));
        assert!(!changed("b/index.html"));
        assert!(!changed("2024/02/index.html"));
        assert!(!changed("404.html"));
        assert_eq!(before.len(), after.len());
        // Articles are numbered newest first: b1, a3, a2, a1. What a file
        // shows is what an in-place edit re-checks.
        let a2 = 2;
        assert_eq!(before["a/a1/index.html"].shows, [3, a2]);
        assert!(before["a/index.html"].shows.contains(&a2));
        assert!(before["sitemap.xml"].shows.contains(&a2));
        assert!(!before["b/b1/index.html"].shows.contains(&a2));
    }

    #[test]
    fn carried_over_hashes_equal_fresh_ones() {
        let old = tiny(SITE);
        // A retitled article, and one moved to the front by its date.
        let mut new = SITE.to_vec();
        new[1].2 = "A hai, sửa lại";
        new[0].3 = "2024-03-01 08:00";
        let new = tiny(&new);
        let old_hashes = ArticleHashes::new(old.state.views(), &old.index);
        let carried = ArticleHashes::carried_over(
            new.state.views(),
            &new.index,
            &old_hashes,
            old.state.views(),
            &old.index,
        );
        assert_eq!(carried, ArticleHashes::new(new.state.views(), &new.index));
        assert_ne!(carried, old_hashes);
    }
}
