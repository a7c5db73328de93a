//! The paginated lists of the site (home, sections, tags, dates), built from
//! the index before anything renders. Pages, feeds, the sitemap and the
//! output plan all read these, so each rule about a list (its URL, its
//! members, whether it has feeds) is written here once.

use crate::config::Config;
use crate::index::Index;

use super::urls::date_path;

/// How many of each section's newest articles the home page's first page
/// shows beside the main list.
pub const HOME_LATEST_PER_SECTION: usize = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListKind {
    Home,
    Section(usize),
    Tag(usize),
    Year(i16),
    Month(i16, i8),
    Day(i16, i8, i8),
}

impl ListKind {
    /// The template that renders the list's pages and the `page_kind` it sees.
    pub fn template(self) -> (&'static str, &'static str) {
        match self {
            ListKind::Home => ("index.html", "index"),
            ListKind::Section(_) => ("section.html", "section"),
            ListKind::Tag(_) => ("tag.html", "tag"),
            ListKind::Year(_) => ("year.html", "year"),
            ListKind::Month(..) => ("month.html", "month"),
            ListKind::Day(..) => ("day.html", "day"),
        }
    }
}

/// A paginated list of articles with its own URL (and, for some, feeds).
#[derive(Debug)]
pub struct List {
    pub kind: ListKind,
    /// Path of the first page (`/`, `/thoi-su/`, `/2024/03/`).
    pub base: String,
    /// Newest first, which is ascending article number.
    pub members: Vec<usize>,
}

impl List {
    /// Date archives are for browsing; readers subscribe to the front page,
    /// a section or a tag.
    pub fn has_feeds(&self) -> bool {
        matches!(
            self.kind,
            ListKind::Home | ListKind::Section(_) | ListKind::Tag(_)
        )
    }

    /// The title of the list's feeds, also used for the links to them.
    pub fn feed_title(&self, index: &Index, config: &Config) -> String {
        match self.kind {
            ListKind::Section(s) => titled(config, &index.sections[s].title),
            ListKind::Tag(t) => titled(config, &index.tags[t].name),
            _ => config.title.clone(),
        }
    }

    /// Number of pages, at least one even when the list is empty.
    pub fn pages(&self, per_page: usize) -> usize {
        self.members.len().div_ceil(per_page).max(1)
    }

    /// The members shown on page `page` (from 1).
    pub fn page_members(&self, page: usize, per_page: usize) -> &[usize] {
        let n = self.members.len();
        let start = (page - 1) * per_page;
        &self.members[start.min(n)..(start + per_page).min(n)]
    }

    /// The members a feed of this list carries.
    pub fn feed_items(&self, config: &Config) -> &[usize] {
        &self.members[..self.members.len().min(config.feeds.limit)]
    }
}

/// The title of a section's or a tag's feeds: the site's, then its own.
pub fn titled(config: &Config, name: &str) -> String {
    format!("{} - {}", config.title, name)
}

/// How many stories the front page leads with (the lead and the top list).
pub const HOME_TOP_STORIES: usize = 5;

/// What the first page of the home list shows, each story once: the top
/// stories, then each section's newest, then the latest of the rest.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FrontPage {
    /// The lead first: the newest `featured: true` articles, then the newest.
    pub top: Vec<usize>,
    /// Per section (in menu order), its newest articles not already above.
    pub blocks: Vec<(usize, Vec<usize>)>,
    /// The first page of the latest list without the stories above.
    pub latest: Vec<usize>,
}

/// Whether an editor put the article on the front page (`featured: true`).
pub fn is_featured(a: &crate::article::Article) -> bool {
    a.extra.get("featured") == Some(&serde_json::Value::Bool(true))
}

/// The front page's selection, the one place its rules live: editors choose
/// the lead and top stories with `featured: true` (the newest featured
/// first, filled with the newest when fewer are featured), and no story
/// appears twice on the page.
pub fn front_page(index: &Index, page_one: &[usize]) -> FrontPage {
    let news = || (0..index.articles.len()).filter(|&i| !index.articles[i].standalone);
    let mut top: Vec<usize> = news()
        .filter(|&i| is_featured(&index.articles[i]))
        .take(HOME_TOP_STORIES)
        .collect();
    for i in news() {
        if top.len() >= HOME_TOP_STORIES {
            break;
        }
        if !top.contains(&i) {
            top.push(i);
        }
    }
    let mut shown: std::collections::HashSet<usize> = top.iter().copied().collect();
    let mut blocks = Vec::with_capacity(index.sections.len());
    for (s, section) in index.sections.iter().enumerate() {
        let newest: Vec<usize> = section
            .members
            .iter()
            .copied()
            .filter(|i| !shown.contains(i))
            .take(HOME_LATEST_PER_SECTION)
            .collect();
        shown.extend(&newest);
        blocks.push((s, newest));
    }
    let latest = page_one
        .iter()
        .copied()
        .filter(|i| !shown.contains(i))
        .collect();
    FrontPage {
        top,
        blocks,
        latest,
    }
}

/// Home, then sections, tags, and for each year its days, months and the
/// year (the order the sitemap lists them in).
pub fn build_lists(index: &Index) -> Vec<List> {
    let mut lists = vec![List {
        kind: ListKind::Home,
        base: "/".into(),
        members: (0..index.articles.len())
            .filter(|&i| !index.articles[i].standalone)
            .collect(),
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
