//! Stage 3: give every article its URL and build the lists that pages show:
//! sections, tags and dates. Lists hold article indices (never clones), in
//! ordered maps, so the output never depends on hash order.

use std::collections::{BTreeMap, HashMap};

use crate::article::{Article, SectionMeta};
use crate::config::Config;
use crate::error::{ContentError, ContentErrors, Location, Warning};
use crate::text::{compare_vi, slugify};

#[derive(Debug, Clone)]
pub struct Section {
    /// Folder inside `content/` (`thoi-su`).
    pub key: String,
    /// URL path from the site root (`/thoi-su/`).
    pub path: String,
    /// URL segment(s) (`thoi-su`).
    pub name: String,
    pub title: String,
    pub description: String,
    pub weight: i64,
    /// Newest first.
    pub members: Vec<usize>,
}

#[derive(Debug, Clone)]
pub struct Tag {
    pub slug: String,
    /// The most used spelling among the articles.
    pub name: String,
    pub path: String,
    /// Newest first.
    pub members: Vec<usize>,
}

/// Day -> articles, newest first.
pub type Days = BTreeMap<i8, Vec<usize>>;
pub type Months = BTreeMap<i8, Days>;

/// The site's articles and the lists built from them.
///
/// Invariants, relied on by rendering and by `serve`'s incremental engine:
/// - An article is known by its number `i`, its position in `articles`.
///   `paths`, `slugs`, `section_of`, `section_pos` and `article_tags` are
///   parallel to `articles`: entry `i` of each belongs to article `i`.
/// - `articles` is newest first (date, then source path), so every member
///   list (`Section::members`, `Tag::members`, the days of `years`) is both
///   newest first and in ascending article number.
/// - `sections[section_of[i]].members[section_pos[i]] == i`, but for pages.
/// - `by_source_path` maps each article's `source_path` back to `i`.
/// - Standalone pages (`Article::standalone`: About, Contact) are in no
///   list: not in a section's `members`, a tag or `years`, and have no
///   neighbours; `section_of` still names their folder's section (for the
///   URL), with `section_pos` 0.
/// - Replacing an article in place is only valid when its date, section,
///   tags, slug and aliases are unchanged; anything else needs a new index.
#[derive(Debug)]
pub struct Index {
    /// Newest first (date, then source path): the site's front-page order.
    pub articles: Vec<Article>,
    /// Source path (relative to the site) -> article number.
    pub by_source_path: HashMap<std::path::PathBuf, usize>,
    /// Per article: its URL path from the site root (`/thoi-su/slug/`).
    pub paths: Vec<String>,
    pub slugs: Vec<String>,
    pub sections: Vec<Section>,
    /// Per article: its section's position in `sections`.
    pub section_of: Vec<Option<usize>>,
    /// Per article: its position in its section's `members`.
    pub section_pos: Vec<usize>,
    /// In Vietnamese alphabetical order.
    pub tags: Vec<Tag>,
    /// Per article: its tags' positions in `tags`, in front-matter order.
    pub article_tags: Vec<Vec<usize>>,
    pub years: BTreeMap<i16, Months>,
    pub warnings: Vec<Warning>,
}

impl Index {
    /// The number of the article read from `source` (relative to the site).
    pub fn article_at(&self, source_path: &std::path::Path) -> Option<usize> {
        self.by_source_path.get(source_path).copied()
    }

    /// The (older, newer) articles beside `i` for previous/next links: in its
    /// section, or among the top-level articles for one outside any section,
    /// so a change in one group never changes the links of another.
    pub fn neighbours(&self, i: usize) -> (Option<usize>, Option<usize>) {
        if self.articles[i].standalone {
            return (None, None);
        }
        match self.section_of[i] {
            Some(s) => {
                let members = &self.sections[s].members;
                let pos = self.section_pos[i];
                (
                    members.get(pos + 1).copied(),
                    pos.checked_sub(1).map(|p| members[p]),
                )
            }
            None => {
                let top =
                    |j: &usize| self.section_of[*j].is_none() && !self.articles[*j].standalone;
                (
                    (i + 1..self.articles.len()).find(top),
                    (0..i).rev().find(top),
                )
            }
        }
    }

    pub fn year_count(months: &Months) -> usize {
        months.values().map(Self::month_count).sum()
    }

    pub fn month_count(days: &Days) -> usize {
        days.values().map(Vec::len).sum()
    }
}

/// Orders articles newest first and assigns URLs. Explicit `slug:` clashes are
/// errors; title-slug clashes get `-2`, `-3` in date order, with a warning.
///
/// The steps run in a fixed order because each relies on the one before:
/// article numbers are fixed by the sort, sections by number, URLs by section,
/// and tags and dates by number again.
pub fn build_index(
    mut articles: Vec<Article>,
    section_meta: &BTreeMap<String, SectionMeta>,
    config: &Config,
) -> Result<Index, ContentErrors> {
    sort_newest_first(&mut articles);
    let sections = collect_sections(&articles, section_meta);
    check_section_clashes(&sections)?;
    let (section_of, section_pos) = place_in_sections(&articles, &sections);

    let (slugs, paths, mut warnings) =
        assign_urls(&articles, &section_of, &sections, config).map_err(ContentErrors)?;
    let (tags, article_tags, merge_warnings) = build_tags(&articles, config);
    let years = build_years(&articles);

    warnings.extend(untitled_sections(&sections, section_meta));
    warnings.extend(merge_warnings);
    warnings.extend(articles.iter().flat_map(|a| a.warnings.iter().cloned()));
    let by_source_path = articles
        .iter()
        .enumerate()
        .map(|(i, a)| (a.source_path.clone(), i))
        .collect();
    Ok(Index {
        articles,
        by_source_path,
        paths,
        slugs,
        sections,
        section_of,
        section_pos,
        tags,
        article_tags,
        years,
        warnings,
    })
}

/// Newest first, ties broken by source path: this order gives every article
/// its number, and so every member list its order (see [`Index`]).
fn sort_newest_first(articles: &mut [Article]) {
    articles.sort_by(|a, b| {
        b.date
            .timestamp()
            .cmp(&a.date.timestamp())
            .then_with(|| a.source_path.cmp(&b.source_path))
    });
}

/// Sections: every folder with articles or an `_index.md`, ordered by weight
/// then title. Standalone pages make their folder a section but are not
/// members of it.
/// A section folder without a title takes its folder's name for the menu:
/// right for `Thể Thao/`, wrong for `the-thao/` (a slug, not a title), so
/// a folder name with no letter beyond ASCII gets a warning saying how to
/// title it.
fn untitled_sections(
    sections: &[Section],
    section_meta: &BTreeMap<String, SectionMeta>,
) -> Vec<Warning> {
    sections
        .iter()
        .filter(|s| section_meta.get(&s.key).is_none_or(|m| m.title.is_none()))
        .filter(|s| s.title.is_ascii())
        .map(|s| Warning {
            location: Location::file(format!("content/{}", s.key)),
            message: format!(
                "section \"{}\" has no title, so the menu shows its folder name; add content/{}/_index.md with a line `title: \"...\"` (e.g. \"Thời sự\")",
                s.title, s.key
            ),
        })
        .collect()
}

fn collect_sections(
    articles: &[Article],
    section_meta: &BTreeMap<String, SectionMeta>,
) -> Vec<Section> {
    let mut section_keys: BTreeMap<String, Vec<usize>> = section_meta
        .keys()
        .map(|k| (k.clone(), Vec::new()))
        .collect();
    for (i, a) in articles.iter().enumerate() {
        if let Some(s) = &a.section {
            let members = section_keys.entry(s.clone()).or_default();
            if !a.standalone {
                members.push(i);
            }
        }
    }
    let mut sections: Vec<Section> = section_keys
        .into_iter()
        .map(|(key, members)| {
            let meta = section_meta.get(&key).cloned().unwrap_or_default();
            let name = key.split('/').map(slugify).collect::<Vec<_>>().join("/");
            Section {
                path: format!("/{name}/"),
                title: meta
                    .title
                    .unwrap_or_else(|| key.rsplit('/').next().unwrap_or(&key).to_string()),
                description: meta.description,
                weight: meta.weight.unwrap_or(i64::MAX),
                key,
                name,
                members,
            }
        })
        .collect();
    sections.sort_by(|a, b| {
        a.weight
            .cmp(&b.weight)
            .then_with(|| compare_vi(&a.title, &b.title))
    });
    sections
}

/// Two folders whose names slug the same (`Thời sự`, `thoi-su`) would be
/// published at one URL: an error at the later folder, in path order.
fn check_section_clashes(sections: &[Section]) -> Result<(), ContentErrors> {
    let mut by_name: HashMap<&str, &str> = HashMap::new();
    let mut clashes = Vec::new();
    for s in sections {
        if let Some(other) = by_name.insert(&s.name, &s.key) {
            let (a, b) = if other < s.key.as_str() {
                (other, s.key.as_str())
            } else {
                (s.key.as_str(), other)
            };
            clashes.push(
                ContentError::new(
                    Location::file(format!("content/{b}")),
                    format!(
                        "section folders \"{a}\" and \"{b}\" would both be published at {}",
                        s.path
                    ),
                )
                .help("merge the two folders or rename one"),
            );
        }
    }
    if !clashes.is_empty() {
        clashes.sort_by(|x, y| x.location.cmp(&y.location));
        return Err(ContentErrors(clashes));
    }
    Ok(())
}

/// Per article: its section (`section_of`) and position in that section's
/// members (`section_pos`). A standalone page in a section's folder takes
/// the section's URL but not a place in its lists, so its position stays 0.
fn place_in_sections(
    articles: &[Article],
    sections: &[Section],
) -> (Vec<Option<usize>>, Vec<usize>) {
    let n = articles.len();
    let mut section_of = vec![None; n];
    let mut section_pos = vec![0; n];
    for (si, s) in sections.iter().enumerate() {
        for (pos, &i) in s.members.iter().enumerate() {
            section_of[i] = Some(si);
            section_pos[i] = pos;
        }
    }
    // A page in a section's folder takes the section's URL, not its lists.
    let section_at: HashMap<&str, usize> = sections
        .iter()
        .enumerate()
        .map(|(si, s)| (s.key.as_str(), si))
        .collect();
    for (i, a) in articles.iter().enumerate() {
        if a.standalone
            && let Some(key) = &a.section
        {
            section_of[i] = section_at.get(key.as_str()).copied();
        }
    }
    (section_of, section_pos)
}

/// Tags, in Vietnamese alphabetical order, and each article's tags as
/// positions in that list; spellings that slug the same are one tag, with a
/// warning when they differ by more than case. Standalone pages have none.
fn build_tags(articles: &[Article], config: &Config) -> (Vec<Tag>, Vec<Vec<usize>>, Vec<Warning>) {
    // Slugify each distinct spelling once, not once per use.
    let mut slug_of: HashMap<&str, String> = HashMap::new();
    for a in articles {
        for t in &a.tags {
            slug_of.entry(t.as_str()).or_insert_with(|| slugify(t));
        }
    }
    // Tags: spellings that slug the same are one tag.
    // slug -> (spelling -> (uses, first article using it), members)
    let mut by_slug: BTreeMap<String, (Spellings<'_>, Vec<usize>)> = BTreeMap::new();
    for (i, a) in articles.iter().enumerate().filter(|(_, a)| !a.standalone) {
        let mut seen = Vec::new();
        for t in &a.tags {
            let slug = slug_of[t.as_str()].clone();
            if seen.contains(&slug) {
                continue;
            }
            let entry = by_slug.entry(slug.clone()).or_default();
            entry.0.entry(t.as_str()).or_insert((0, i)).0 += 1;
            entry.1.push(i);
            seen.push(slug);
        }
    }
    let mut merge_warnings = Vec::new();
    let mut tags: Vec<Tag> = by_slug
        .into_iter()
        .map(|(slug, (spellings, members))| {
            let name = spellings
                .iter()
                .max_by(|a, b| a.1.0.cmp(&b.1.0).then_with(|| compare_vi(b.0, a.0)))
                .map(|(s, _)| s.to_string())
                .unwrap_or_default();
            // Case differences are the same tag; different letters or tones
            // ("Bão", "Báo") are different words sharing a URL: say so.
            let mut others: Vec<(&str, usize)> = spellings
                .iter()
                .filter(|(s, _)| s.to_lowercase() != name.to_lowercase())
                .map(|(s, (_, first))| (*s, *first))
                .collect();
            others.sort_by(|a, b| compare_vi(a.0, b.0));
            for (other, first) in others {
                merge_warnings.push(Warning {
                    location: Location::file(&articles[first].source_path),
                    message: format!(
                        "tag \"{other}\" has the same URL as \"{name}\" (/{}/{slug}/) and is shown as \"{name}\"; rename one if they are different words",
                        config.tags_path
                    ),
                });
            }
            Tag {
                path: format!("/{}/{slug}/", config.tags_path),
                slug,
                name,
                members,
            }
        })
        .collect();
    tags.sort_by(|a, b| compare_vi(&a.name, &b.name).then_with(|| a.slug.cmp(&b.slug)));
    let article_tags = article_tags(articles, &tags, &slug_of);
    (tags, article_tags, merge_warnings)
}

/// Per article: its tags' positions in the sorted `tags`, in front-matter
/// order, each tag once even when spelt twice.
fn article_tags(
    articles: &[Article],
    tags: &[Tag],
    slug_of: &HashMap<&str, String>,
) -> Vec<Vec<usize>> {
    let tag_pos: HashMap<&str, usize> = tags
        .iter()
        .enumerate()
        .map(|(i, t)| (t.slug.as_str(), i))
        .collect();
    articles
        .iter()
        .map(|a| {
            if a.standalone {
                return Vec::new();
            }
            let mut v: Vec<usize> = Vec::with_capacity(a.tags.len());
            for t in &a.tags {
                let p = tag_pos[slug_of[t.as_str()].as_str()];
                if !v.contains(&p) {
                    v.push(p);
                }
            }
            v
        })
        .collect()
}

/// The date archive: year -> month -> day -> articles, newest first within a
/// day because article numbers are. Standalone pages have no place in it.
fn build_years(articles: &[Article]) -> BTreeMap<i16, Months> {
    let mut years: BTreeMap<i16, Months> = BTreeMap::new();
    for (i, a) in articles.iter().enumerate().filter(|(_, a)| !a.standalone) {
        years
            .entry(a.date.year())
            .or_default()
            .entry(a.date.month())
            .or_default()
            .entry(a.date.day())
            .or_default()
            .push(i);
    }
    years
}

type Urls = (Vec<String>, Vec<String>, Vec<Warning>);

/// A tag's spellings: spelling -> (uses, first article using it).
type Spellings<'a> = HashMap<&'a str, (usize, usize)>;

fn assign_urls(
    articles: &[Article],
    section_of: &[Option<usize>],
    sections: &[Section],
    config: &Config,
) -> Result<Urls, Vec<ContentError>> {
    let n = articles.len();
    let path_for = |i: usize, slug: &str| -> String {
        let a = &articles[i];
        let section = section_of[i].map_or("", |s| sections[s].name.as_str());
        let p = config
            .article_permalink
            .replace(":section", section)
            .replace(":year", &format!("{:04}", a.date.year()))
            .replace(":month", &format!("{:02}", a.date.month()))
            .replace(":day", &format!("{:02}", a.date.day()))
            .replace(":slug", slug);
        let mut out = String::with_capacity(p.len() + 2);
        out.push('/');
        for seg in p.split('/').filter(|s| !s.is_empty()) {
            out.push_str(seg);
            out.push('/');
        }
        out
    };
    // Oldest first decides who keeps the plain slug.
    let mut order: Vec<usize> = (0..n).collect();
    order.reverse();
    let mut taken: HashMap<String, usize> = HashMap::with_capacity(n);
    let mut slugs = vec![String::new(); n];
    let mut paths = vec![String::new(); n];
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut next_suffix: HashMap<String, usize> = HashMap::new();
    for &i in &order {
        if let Some(slug) = &articles[i].explicit_slug {
            let path = path_for(i, slug);
            if let Some(&other) = taken.get(&path) {
                errors.push(
                    ContentError::new(
                        Location::new(&articles[i].source_path, articles[i].slug_line, 1),
                        format!(
                            "slug \"{slug}\" gives the URL {path}, already used by {}",
                            articles[other].source_path.display()
                        ),
                    )
                    .help("give one of the two articles a different `slug:`"),
                );
                continue;
            }
            taken.insert(path.clone(), i);
            slugs[i] = slug.clone();
            paths[i] = path;
        }
    }
    for &i in &order {
        let a = &articles[i];
        if a.explicit_slug.is_some() {
            continue;
        }
        let base = &a.title_slug;
        let mut slug = base.clone();
        let mut path = path_for(i, &slug);
        if let Some(&holder) = taken.get(&path) {
            // Remember the last suffix per URL, so a title shared by
            // thousands of articles stays linear.
            let plain = path.clone();
            let k = next_suffix.entry(plain.clone()).or_insert(1);
            loop {
                *k += 1;
                slug = format!("{base}-{k}");
                path = path_for(i, &slug);
                if !taken.contains_key(&path) {
                    break;
                }
            }
            warnings.push(Warning {
                location: Location::new(&a.source_path, a.slug_line, 1),
                message: format!(
                    "URL {plain} is taken by {}; this article gets {path} (set `slug:` to choose)",
                    articles[holder].source_path.display()
                ),
            });
        }
        taken.insert(path.clone(), i);
        slugs[i] = slug;
        paths[i] = path;
    }
    if errors.is_empty() {
        Ok((slugs, paths, warnings))
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::article::SourceKind;

    #[test]
    fn keeps_its_parallel_vectors_and_lists_in_step() {
        let yaml = "title: T\nbase_url: https://example.org/\n";
        let config = Config::parse(Path::new("/site"), yaml).unwrap();
        let specs = [
            (Some("a"), "x", "2024-01-01 08:00", "[T1, t1]"),
            (None, "y", "2024-03-01 08:00", "[T1]"),
            (Some("a"), "z", "2024-02-01 08:00", "[]"),
            (Some("b"), "w", "2024-02-01 08:00", "[T2]"),
        ];
        let articles = specs
            .iter()
            .map(|(section, name, date, tags)| {
                let rel = match section {
                    Some(s) => format!("content/{s}/{name}.md"),
                    None => format!("content/{name}.md"),
                };
                let text = format!("---\ntitle: {name}\ndate: {date}\ntags: {tags}\n---\n\nx\n");
                crate::parse::parse_article(
                    Path::new(&rel),
                    section.map(String::from),
                    SourceKind::Markdown,
                    &text,
                    &config,
                )
                .unwrap()
            })
            .collect();
        let index = build_index(articles, &BTreeMap::new(), &config).unwrap();
        let n = index.articles.len();
        assert_eq!(n, 4);
        for len in [
            index.paths.len(),
            index.slugs.len(),
            index.section_of.len(),
            index.section_pos.len(),
            index.article_tags.len(),
            index.by_source_path.len(),
        ] {
            assert_eq!(len, n);
        }
        // Newest first; a tie in date is broken by source path.
        let names: Vec<&str> = index.articles.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(names, ["y", "z", "w", "x"]);
        for (i, a) in index.articles.iter().enumerate() {
            assert_eq!(index.article_at(&a.source_path), Some(i));
            if let Some(s) = index.section_of[i] {
                assert_eq!(index.sections[s].members[index.section_pos[i]], i);
            }
        }
        let ascending = |m: &[usize]| m.windows(2).all(|w| w[0] < w[1]);
        assert!(index.sections.iter().all(|s| ascending(&s.members)));
        assert!(index.tags.iter().all(|t| ascending(&t.members)));
        // "T1" and "t1" are one tag, listed once on the article.
        assert_eq!(index.tags.len(), 2);
        assert_eq!(index.article_tags[3], [0]);
        // Neighbours stay within a section; articles outside any are their own group.
        assert_eq!(index.neighbours(1), (Some(3), None));
        assert_eq!(index.neighbours(0), (None, None));
    }
}
