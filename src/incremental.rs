//! `serve`'s incremental engine: the state of the last build, changed one
//! article or one index at a time, and re-rendering only the files whose
//! fingerprint ([`crate::render::inputs::fingerprint`]) changed. Every path into
//! it ends in [`Rendered::render_changes`], so there is one way a preview is
//! brought up to date, and it is checked against a fresh build by
//! `tests/incremental.rs`.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;
use rayon::prelude::*;

use crate::article::Article;
use crate::config::Config;
use crate::index::Index;
use crate::render::inputs::{ArticleHashes, fingerprint};
use crate::render::plan::Planned;
use crate::render::state::{RenderState, Renderer};
use crate::theme::{Asset, Theme};

/// What an incremental update did: `pages` files re-rendered, of which
/// `written` had new bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub pages: usize,
    pub written: usize,
}

/// A built site: its index, theme and render state, and, once `serve` has
/// changed it, what its files were last written from.
pub struct Rendered {
    index: Index,
    theme: Theme,
    state: RenderState,
    /// Computed on the first change, so plain builds never pay for it.
    seen: Option<Seen>,
    /// What changed since the files were last written.
    pending: Pending,
}

/// The plan the files were last written from and what each showed.
struct Seen {
    plan: Vec<Planned>,
    /// Per planned file; None for static files.
    fingerprints: Vec<Option<u64>>,
    /// Per article: the positions in `plan` of the files that show it.
    shown_on: Vec<Vec<u32>>,
    hashes: ArticleHashes,
}

enum Pending {
    Nothing,
    /// Replaced in place: the plan holds, and only files showing these
    /// articles can differ.
    Articles(Vec<usize>),
    /// A new index: everything is planned and fingerprinted again.
    Everything,
}

/// Whether `new` can replace `old` without moving it in any list or URL.
pub fn replaces_in_place(old: &Article, new: &Article) -> bool {
    new.date == old.date
        && new.tags == old.tags
        && new.explicit_slug == old.explicit_slug
        // The title only decides the URL when there is no `slug:`.
        && (new.explicit_slug.is_some() || new.title_slug == old.title_slug)
        && new.aliases == old.aliases
        && new.draft == old.draft
        // Publishing decisions are made when the site is indexed.
        && new.expires == old.expires
        && new.standalone == old.standalone
        && new.menu == old.menu
        // Featured articles lead the front page, chosen when it is planned.
        && crate::render::lists::is_featured(new) == crate::render::lists::is_featured(old)
        // A menu page's title is on every page.
        && (new.menu.is_none() || new.title == old.title)
}

/// Fingerprints every planned file and notes which files show each article.
fn survey(
    renderer: &Renderer<'_>,
    plan: &[Planned],
    hashes: &ArticleHashes,
    articles: usize,
) -> (Vec<Option<u64>>, Vec<Vec<u32>>) {
    let prints: Vec<_> = plan
        .par_iter()
        .map(|p| fingerprint(&renderer.describe(&p.job), hashes))
        .collect();
    let mut shown_on = vec![Vec::new(); articles];
    for (k, f) in prints.iter().enumerate() {
        for &i in f.iter().flat_map(|f| &f.shows) {
            shown_on[i].push(k as u32);
        }
    }
    let values = prints.into_iter().map(|f| f.map(|f| f.value)).collect();
    (values, shown_on)
}

/// Renders the files at `positions` of `plan` into `output`; returns how
/// many had new bytes.
fn write_files(
    renderer: &Renderer<'_>,
    plan: &[Planned],
    positions: &[usize],
    output: &Path,
) -> Result<usize> {
    let written = AtomicUsize::new(0);
    positions.par_iter().try_for_each(|&k| -> Result<()> {
        let p = &plan[k];
        let bytes = renderer.render_job(p)?;
        if crate::write::write_if_changed(&output.join(&p.output), &bytes)? {
            written.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    })?;
    Ok(written.into_inner())
}

impl Rendered {
    pub fn new(index: Index, theme: Theme, state: RenderState) -> Self {
        Rendered {
            index,
            theme,
            state,
            seen: None,
            pending: Pending::Nothing,
        }
    }

    pub fn index(&self) -> &Index {
        &self.index
    }

    /// What the files were last written from, surveyed from the state as it
    /// is now before the first change. Taken, not borrowed: after a failure
    /// nothing is remembered, and the caller builds the whole site again.
    fn take_seen(&mut self, config: &Config) -> Result<Seen> {
        if let Some(seen) = self.seen.take() {
            return Ok(seen);
        }
        let hashes = ArticleHashes::new(self.state.views(), &self.index);
        let renderer = self.state.renderer(config, &self.index);
        let plan = renderer.plan(&self.theme)?;
        let (fingerprints, shown_on) = survey(&renderer, &plan, &hashes, self.index.articles.len());
        Ok(Seen {
            plan,
            fingerprints,
            shown_on,
            hashes,
        })
    }

    /// Surveys the files now rather than on the first change, so that
    /// change is as quick as the next (`serve` calls this after each build).
    pub fn prepare_updates(&mut self, config: &Config) -> Result<()> {
        let seen = self.take_seen(config)?;
        self.seen = Some(seen);
        Ok(())
    }

    /// Puts `article` in place of article `i`; the caller has checked
    /// [`replaces_in_place`], so no list or URL changes.
    pub fn replace_article(&mut self, config: &Config, i: usize, article: Article) -> Result<()> {
        let mut seen = self.take_seen(config)?;
        self.index.articles[i] = article;
        self.state.refresh_article(config, &self.index, i);
        seen.hashes
            .refresh(i, &self.state.views()[i], &self.index.articles[i].body);
        self.seen = Some(seen);
        match &mut self.pending {
            Pending::Nothing => self.pending = Pending::Articles(vec![i]),
            Pending::Articles(v) => v.push(i),
            Pending::Everything => {}
        }
        Ok(())
    }

    /// Replaces the whole index (new, deleted or moved articles) and what is
    /// rendered from it. False, changing nothing, when the section menu or
    /// the static files differ: every page would change, so a full build is
    /// the faster and simpler way.
    pub fn replace_index(
        &mut self,
        config: &Config,
        index: Index,
        theme: Theme,
        state: RenderState,
    ) -> Result<bool> {
        if !same_static_files(&theme, &self.theme) || !state.same_navigation(&self.state) {
            return Ok(false);
        }
        let mut seen = self.take_seen(config)?;
        seen.hashes = ArticleHashes::carried_over(
            state.views(),
            &index,
            &seen.hashes,
            self.state.views(),
            &self.index,
        );
        let old_index = std::mem::replace(&mut self.index, index);
        let old_state = std::mem::replace(&mut self.state, state);
        self.theme = theme;
        self.seen = Some(seen);
        // Freeing a whole site's articles and views takes tens of
        // milliseconds at 10,000 articles; the preview need not wait.
        rayon::spawn(move || drop((old_index, old_state)));
        self.pending = Pending::Everything;
        Ok(true)
    }

    /// Re-renders the files whose fingerprint changed since they were last
    /// written into `output`, writing those whose bytes differ, and, after a
    /// new index, removes files no longer planned.
    pub fn render_changes(&mut self, config: &Config, output: &Path) -> Result<Written> {
        let mut seen = self.take_seen(config)?;
        let pending = std::mem::replace(&mut self.pending, Pending::Nothing);
        let renderer = self.state.renderer(config, &self.index);
        let (pages, written) = match pending {
            Pending::Nothing => (0, 0),
            Pending::Articles(articles) => {
                let mut candidates: Vec<usize> = articles
                    .iter()
                    .flat_map(|&i| seen.shown_on[i].iter().map(|&k| k as usize))
                    .collect();
                candidates.sort_unstable();
                candidates.dedup();
                let prints: Vec<(usize, Option<u64>)> = candidates
                    .par_iter()
                    .map(|&k| {
                        let f = fingerprint(&renderer.describe(&seen.plan[k].job), &seen.hashes);
                        (k, f.map(|f| f.value))
                    })
                    .collect();
                let dirty: Vec<usize> = prints
                    .iter()
                    .filter(|(k, f)| f.is_some() && *f != seen.fingerprints[*k])
                    .map(|(k, _)| *k)
                    .collect();
                let mut written = write_files(&renderer, &seen.plan, &dirty, output)?;
                // The search index shows every article's words.
                let search = crate::search::search_files(config, &self.index, renderer.tera)?;
                let same_shape = crate::search::same_files(config, output, &search);
                written += write_search(&search, output)?;
                if !same_shape {
                    // A word new to the site can add a shard: drop the ones
                    // no longer written, as a re-index would.
                    let planned: HashSet<&str> = seen
                        .plan
                        .iter()
                        .map(|p| p.output.as_str())
                        .chain(search.iter().map(|f| f.0.as_str()))
                        .collect();
                    crate::write::remove_stale(output, &planned)?;
                }
                for (k, f) in prints {
                    seen.fingerprints[k] = f;
                }
                (dirty.len(), written)
            }
            Pending::Everything => {
                let plan = renderer.plan(&self.theme)?;
                let (fingerprints, shown_on) =
                    survey(&renderer, &plan, &seen.hashes, self.index.articles.len());
                let old: HashMap<&str, u64> = seen
                    .plan
                    .iter()
                    .zip(&seen.fingerprints)
                    .filter_map(|(p, f)| f.map(|f| (p.output.as_str(), f)))
                    .collect();
                let dirty: Vec<usize> = (0..plan.len())
                    .filter(|&k| {
                        fingerprints[k].is_some()
                            && old.get(plan[k].output.as_str()).copied() != fingerprints[k]
                    })
                    .collect();
                let written = write_files(&renderer, &plan, &dirty, output)?;
                let search = crate::search::search_files(config, &self.index, renderer.tera)?;
                crate::search::check_clashes(plan.iter().map(|p| p.output.as_str()), &search)?;
                let written = written + write_search(&search, output)?;
                let planned: HashSet<&str> = plan
                    .iter()
                    .map(|p| p.output.as_str())
                    .chain(search.iter().map(|f| f.0.as_str()))
                    .collect();
                crate::write::remove_stale(output, &planned)?;
                drop(planned);
                drop(old);
                seen = Seen {
                    plan,
                    fingerprints,
                    shown_on,
                    hashes: seen.hashes,
                };
                (dirty.len(), written)
            }
        };
        self.seen = Some(seen);
        Ok(Written { pages, written })
    }
}

/// Writes the search files whose bytes changed; how many.
fn write_search(files: &[crate::search::OutputFile], output: &Path) -> Result<usize> {
    let mut written = 0;
    for (rel, bytes) in files {
        if crate::write::write_if_changed(&output.join(rel), bytes)? {
            written += 1;
        }
    }
    Ok(written)
}

fn same_static_files(a: &Theme, b: &Theme) -> bool {
    a.static_files.len() == b.static_files.len()
        && a.static_files
            .iter()
            .zip(&b.static_files)
            .all(|((a, x), (b, y))| {
                a == b
                    && match (x, y) {
                        (Asset::Disk(p), Asset::Disk(q)) => p == q,
                        (Asset::Embedded(p), Asset::Embedded(q)) => std::ptr::eq(*p, *q),
                        _ => false,
                    }
            })
}
