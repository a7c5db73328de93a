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
use crate::render::state::RenderState;
use crate::theme::{Asset, Theme};

/// What an incremental update did: `pages` files re-rendered, of which
/// `written` had new bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub pages: usize,
    pub written: usize,
}

/// A built site: its index, theme and render state, and, once `serve` has
/// changed it, the fingerprint of every file as last written.
pub struct Rendered {
    pub index: Index,
    pub theme: Theme,
    pub state: RenderState,
    /// Computed on the first change, so plain builds never pay for it.
    seen: Option<Seen>,
    /// Whether the plan may have changed since the last render (files to
    /// remove): false after in-place replacements only.
    replanned: bool,
}

struct Seen {
    /// Output path -> fingerprint.
    fingerprints: HashMap<String, u64>,
    hashes: ArticleHashes,
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
}

impl Rendered {
    pub fn new(index: Index, theme: Theme, state: RenderState) -> Self {
        Rendered {
            index,
            theme,
            state,
            seen: None,
            replanned: false,
        }
    }

    /// What was last written, fingerprinted from the state as it is now
    /// before the first change. Taken, not borrowed: after a failure nothing
    /// is remembered, and the caller builds the whole site again.
    fn take_seen(&mut self, config: &Config) -> Result<Seen> {
        if let Some(seen) = self.seen.take() {
            return Ok(seen);
        }
        let hashes = ArticleHashes::new(self.state.views(), &self.index);
        let renderer = self.state.renderer(config, &self.index);
        let plan = renderer.plan(&self.theme)?;
        let fingerprints = plan
            .into_par_iter()
            .filter_map(|p| fingerprint(&renderer.describe(&p.job), &hashes).map(|f| (p.output, f)))
            .collect();
        Ok(Seen {
            fingerprints,
            hashes,
        })
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
        seen.hashes = ArticleHashes::new(state.views(), &index);
        self.index = index;
        self.theme = theme;
        self.state = state;
        self.seen = Some(seen);
        self.replanned = true;
        Ok(true)
    }

    /// Re-plans, re-renders the files whose fingerprint changed into
    /// `output`, writing those whose bytes differ, and removes files no
    /// longer planned.
    pub fn render_changes(&mut self, config: &Config, output: &Path) -> Result<Written> {
        let seen = self.take_seen(config)?;
        let renderer = self.state.renderer(config, &self.index);
        let plan = renderer.plan(&self.theme)?;
        let fps: Vec<Option<u64>> = plan
            .par_iter()
            .map(|p| fingerprint(&renderer.describe(&p.job), &seen.hashes))
            .collect();
        let dirty: Vec<usize> = (0..plan.len())
            .filter(|&k| {
                fps[k].is_some() && seen.fingerprints.get(&plan[k].output) != fps[k].as_ref()
            })
            .collect();
        let written = AtomicUsize::new(0);
        dirty.par_iter().try_for_each(|&k| -> Result<()> {
            let p = &plan[k];
            let bytes = renderer.render_job(p)?;
            if crate::write::write_if_changed(&output.join(&p.output), &bytes)? {
                written.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        })?;
        if self.replanned {
            let planned: HashSet<&str> = plan.iter().map(|p| p.output.as_str()).collect();
            crate::write::remove_stale(output, &planned)?;
        }
        let fingerprints = plan
            .into_iter()
            .zip(fps)
            .filter_map(|(p, f)| f.map(|f| (p.output, f)))
            .collect();
        self.seen = Some(Seen {
            fingerprints,
            hashes: seen.hashes,
        });
        self.replanned = false;
        Ok(Written {
            pages: dirty.len(),
            written: written.into_inner(),
        })
    }
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
