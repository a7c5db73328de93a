//! Runs the stages in order and times them: load -> parse -> index -> render
//! -> write. The only module that knows the whole pipeline.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;
use rayon::prelude::*;

use crate::article::{Article, SectionMeta, SourceKind};
use crate::config::Config;
use crate::error::{ContentError, ContentErrors, Location, Warning};
use crate::index::{Index, build_index};
use crate::load::{SourceFile, SourceRole, load_sources};
use crate::parse::{decode_source, parse_article, parse_section_index};
use crate::render::pages::RenderState;
use crate::theme::{Asset, load_theme};
use crate::write::{StagedOutput, WriteStats};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub drafts: bool,
    pub output: PathBuf,
}

/// Told how far rendering is, so a terminal can draw a progress bar (the
/// library itself never prints).
pub trait Progress: Sync {
    fn start(&self, _total_files: usize) {}
    fn file_done(&self) {}
    fn finish(&self) {}
    /// Another process is writing the same output; this one waits.
    fn waiting(&self, _holder: &str) {}
}

/// For callers that show no progress.
pub struct NoProgress;

impl Progress for NoProgress {}

/// Wall time of each stage, for `--timings` and the benchmark.
#[derive(Debug, Default, Clone)]
pub struct Timings {
    pub load: Duration,
    pub parse: Duration,
    pub index: Duration,
    /// Theme, templates, article views, lists and the output plan.
    pub prepare: Duration,
    pub render_write: Duration,
    pub commit: Duration,
}

#[derive(Debug)]
pub struct BuildReport {
    pub articles: usize,
    pub files: usize,
    pub stats: WriteStats,
    pub warnings: Vec<Warning>,
    pub timings: Timings,
}

/// Content after the parse stage: articles, section metadata, extra assets.
pub struct Parsed {
    pub articles: Vec<Article>,
    pub sections: BTreeMap<String, SectionMeta>,
    pub assets: Vec<SourceFile>,
}

/// Reads and parses every content file in parallel, collecting all errors.
/// Parsed articles by file, so `serve` re-parses only the files that changed
/// between two rebuilds (same modification time and size: same article).
/// Only valid for one config: clear it when config.yaml changes.
#[derive(Default)]
pub struct ParseCache {
    entries: std::collections::HashMap<PathBuf, CacheEntry>,
}

struct CacheEntry {
    modified: std::time::SystemTime,
    len: u64,
    /// None for a draft left out of the build.
    article: Option<Article>,
}

impl ParseCache {
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    fn get(&self, abs: &Path, meta: &std::fs::Metadata) -> Option<&Option<Article>> {
        let e = self.entries.get(abs)?;
        (Some(e.modified) == meta.modified().ok() && e.len == meta.len()).then_some(&e.article)
    }
}

pub fn parse_content(config: &Config, drafts: bool) -> Result<(Parsed, Duration, Duration)> {
    parse_content_cached(config, drafts, None)
}

fn parse_content_cached(
    config: &Config,
    drafts: bool,
    mut cache: Option<&mut ParseCache>,
) -> Result<(Parsed, Duration, Duration)> {
    let t = Instant::now();
    let sources = load_sources(&config.root)?;
    let load = t.elapsed();
    let t = Instant::now();
    enum Item {
        Article(Box<Article>),
        Draft,
        Section(String, SectionMeta),
        Asset(SourceFile),
    }
    /// A file's parse outcome (the path and metadata beside it are kept for the cache).
    type Parse = Result<Option<Item>, Vec<ContentError>>;
    let cached = cache.as_deref();
    let results: Vec<(Parse, Option<(PathBuf, std::fs::Metadata)>)> = sources
        .into_par_iter()
        .map(|src| {
            if src.role == SourceRole::Asset {
                return (Ok(Some(Item::Asset(src))), None);
            }
            let meta = std::fs::metadata(&src.abs).ok();
            if let (Some(c), Some(m)) = (cached, &meta)
                && let Some(hit) = c.get(&src.abs, m)
            {
                let item = hit
                    .as_ref()
                    .map_or(Item::Draft, |a| Item::Article(Box::new(a.clone())));
                return (Ok(Some(item)), None);
            }
            let key = meta.map(|m| (src.abs.clone(), m));
            (parse_source(src, config, drafts), key)
        })
        .collect();
    let mut parsed = Parsed {
        articles: Vec::new(),
        sections: BTreeMap::new(),
        assets: Vec::new(),
    };
    let mut errors = Vec::new();
    for (r, key) in results {
        if let (Some(c), Some((abs, meta)), Ok(Some(item))) = (cache.as_deref_mut(), &key, &r) {
            let article = match item {
                Item::Article(a) => Some(Some((**a).clone())),
                Item::Draft => Some(None),
                _ => None,
            };
            if let (Some(article), Ok(modified)) = (article, meta.modified()) {
                c.entries.insert(
                    abs.clone(),
                    CacheEntry {
                        modified,
                        len: meta.len(),
                        article,
                    },
                );
            }
        }
        match r {
            Ok(Some(Item::Article(a))) => parsed.articles.push(*a),
            Ok(Some(Item::Section(k, m))) => {
                parsed.sections.insert(k, m);
            }
            Ok(Some(Item::Asset(s))) => parsed.assets.push(s),
            Ok(Some(Item::Draft)) | Ok(None) => {}
            Err(e) => errors.extend(e),
        }
    }
    fn parse_source(
        src: SourceFile,
        config: &Config,
        drafts: bool,
    ) -> Result<Option<Item>, Vec<ContentError>> {
        let bytes = crate::parse::read_source(&src.abs, &src.rel, config).map_err(|e| vec![e])?;
        let text = decode_source(&src.rel, bytes).map_err(|e| vec![e])?;
        match &src.role {
            SourceRole::SectionIndex => {
                let meta = parse_section_index(&src.rel, &text).map_err(|e| vec![e])?;
                Ok(Some(Item::Section(src.section().unwrap_or_default(), meta)))
            }
            SourceRole::Article(kind) => {
                let mut a = parse_article(&src.rel, src.section(), *kind, &text, config)?;
                if a.draft && !drafts {
                    return Ok(Some(Item::Draft));
                }
                crate::tag_rules::apply(&mut a, &text, &config.tag_rules);
                Ok(Some(Item::Article(Box::new(a))))
            }
            SourceRole::Asset => unreachable!("handled above"),
        }
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| a.location.cmp(&b.location));
        return Err(ContentErrors(errors).into());
    }
    Ok((parsed, load, t.elapsed()))
}

/// Parses and indexes the site: everything up to rendering.
pub fn index_site(config: &Config, drafts: bool) -> Result<(Index, Vec<SourceFile>, Timings)> {
    index_site_with(config, drafts, None)
}

fn index_site_with(
    config: &Config,
    drafts: bool,
    cache: Option<&mut ParseCache>,
) -> Result<(Index, Vec<SourceFile>, Timings)> {
    let (parsed, load, parse) = parse_content_cached(config, drafts, cache)?;
    let t = Instant::now();
    let index = build_index(parsed.articles, &parsed.sections, config).map_err(ContentErrors)?;
    let timings = Timings {
        load,
        parse,
        index: t.elapsed(),
        ..Default::default()
    };
    Ok((index, parsed.assets, timings))
}

/// The whole build, into `options.output`.
pub fn build(config: &Config, options: &BuildOptions) -> Result<BuildReport> {
    build_site(config, options, &NoProgress).map(|b| b.report)
}

/// A finished build with the state `serve` reuses to re-render single pages.
pub struct Built {
    pub index: Index,
    pub theme: crate::theme::Theme,
    pub state: RenderState,
    pub report: BuildReport,
    /// Output path -> fingerprint of each article and list page, when
    /// computed (by `serve`, for [`update_structure`]).
    pub fingerprints: Option<std::collections::HashMap<String, u64>>,
    /// Each article view's hash, the input of the fingerprints.
    pub view_hashes: Vec<u64>,
}

/// The theme's templates and static files, plus the files beside articles,
/// which are published in their section's folder; two that land on the same
/// path, or on a static file, would silently replace each other.
fn theme_with_assets(config: &Config, assets: &[SourceFile]) -> Result<crate::theme::Theme> {
    let mut theme = load_theme(config)?;
    let mut placed: std::collections::HashMap<String, &SourceFile> =
        std::collections::HashMap::new();
    let mut clashes = Vec::new();
    for a in assets {
        let out = a.asset_output();
        if let Some(other) = placed.insert(out.clone(), a) {
            clashes.push(
                ContentError::new(
                    Location::file(&a.rel),
                    format!("published as /{out}, like {}", other.rel.display()),
                )
                .help("rename one of the two files"),
            );
        } else if theme.static_files.contains_key(&out) {
            clashes.push(
                ContentError::new(
                    Location::file(&a.rel),
                    format!("published as /{out}, which is also a file of static/ or of the theme"),
                )
                .help("rename the file or remove the static one"),
            );
        }
        theme.static_files.insert(out, Asset::Disk(a.abs.clone()));
    }
    if !clashes.is_empty() {
        return Err(ContentErrors(clashes).into());
    }
    Ok(theme)
}

/// Computes every page's fingerprint for `built`, so the next structural
/// change can be applied by [`update_structure`].
pub fn refresh_fingerprints(config: &Config, built: &mut Built) -> Result<()> {
    let renderer = built.state.renderer(config, &built.index);
    let plan = renderer.plan(&built.theme)?;
    let vh = crate::render::pages::view_hashes(&built.state.views);
    let map = plan
        .par_iter()
        .filter_map(|p| renderer.fingerprint(p, &vh).map(|f| (p.output.clone(), f)))
        .collect();
    built.fingerprints = Some(map);
    built.view_hashes = vh;
    Ok(())
}

/// Applies any content change (new, deleted, moved or retitled articles, new
/// tags) by re-parsing changed files only and re-rendering only the pages
/// whose fingerprint changed; other files (feeds, sitemap, tag and archive
/// indexes) are re-rendered each time. Needs fingerprints, unchanged site
/// navigation and unchanged static files; otherwise asks for a full build.
pub fn update_structure(
    config: &Config,
    built: &mut Built,
    options: &BuildOptions,
    cache: &mut ParseCache,
) -> Result<Incremental> {
    let Some(old) = built.fingerprints.take() else {
        return Ok(Incremental::NeedsFullBuild);
    };
    let (index, assets, _) = index_site_with(config, options.drafts, Some(cache))?;
    let theme = theme_with_assets(config, &assets)?;
    let same_static = theme.static_files.len() == built.theme.static_files.len()
        && theme
            .static_files
            .iter()
            .zip(&built.theme.static_files)
            .all(|((a, x), (b, y))| {
                a == b
                    && match (x, y) {
                        (Asset::Disk(p), Asset::Disk(q)) => p == q,
                        (Asset::Embedded(p), Asset::Embedded(q)) => std::ptr::eq(*p, *q),
                        _ => false,
                    }
            });
    let state = RenderState::new(config, &index, &theme)?;
    if !same_static || state.section_values != built.state.section_values {
        built.fingerprints = Some(old);
        return Ok(Incremental::NeedsFullBuild);
    }
    let renderer = state.renderer(config, &index);
    let plan = renderer.plan(&theme)?;
    let vh = crate::render::pages::view_hashes(&state.views);
    let fps: Vec<Option<u64>> = plan
        .par_iter()
        .map(|p| renderer.fingerprint(p, &vh))
        .collect();
    let output = &options.output;
    let written = std::sync::atomic::AtomicUsize::new(0);
    let dirty: Vec<&crate::render::pages::Planned> = plan
        .iter()
        .zip(&fps)
        .filter(|(p, fp)| {
            !matches!(p.job, crate::render::pages::Job::Static(_))
                && (fp.is_none() || old.get(&p.output) != fp.as_ref())
        })
        .map(|(p, _)| p)
        .collect();
    dirty.par_iter().try_for_each(|p| -> Result<()> {
        let bytes = renderer.render_job(p)?;
        if crate::write::write_if_changed(&output.join(&p.output), &bytes)? {
            written.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(())
    })?;
    let search = crate::search::search_files(config, &index, &state.tera)?;
    crate::search::check_clashes(plan.iter().map(|p| p.output.as_str()), &search)?;
    for (rel, bytes) in &search {
        if crate::write::write_if_changed(&output.join(rel), bytes)? {
            written.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
    let planned: std::collections::HashSet<&str> = plan
        .iter()
        .map(|p| p.output.as_str())
        .chain(search.iter().map(|f| f.0.as_str()))
        .collect();
    crate::write::remove_stale(output, &planned)?;
    let fingerprints = plan
        .iter()
        .zip(fps)
        .filter_map(|(p, f)| f.map(|f| (p.output.clone(), f)))
        .collect();
    let pages = dirty.len();
    built.index = index;
    built.theme = theme;
    built.state = state;
    built.fingerprints = Some(fingerprints);
    built.view_hashes = vh;
    Ok(Incremental::Applied {
        pages,
        written: written.into_inner(),
    })
}

/// [`build`], keeping the index and render state.
pub fn build_site(
    config: &Config,
    options: &BuildOptions,
    progress: &dyn Progress,
) -> Result<Built> {
    build_site_with(config, options, progress, None)
}

/// [`build_site`] reusing the articles of `cache` whose files did not change.
pub fn build_site_with(
    config: &Config,
    options: &BuildOptions,
    progress: &dyn Progress,
    cache: Option<&mut ParseCache>,
) -> Result<Built> {
    let (mut index, assets, mut timings) = index_site_with(config, options.drafts, cache)?;
    let t = Instant::now();
    let theme = theme_with_assets(config, &assets)?;
    let state = RenderState::new(config, &index, &theme)?;
    let renderer = state.renderer(config, &index);
    let plan = renderer.plan(&theme)?;
    check_output_location(config, &options.output)?;
    timings.prepare = t.elapsed();
    let search = crate::search::search_files(config, &index, &state.tera)?;
    crate::search::check_clashes(plan.iter().map(|p| p.output.as_str()), &search)?;
    let t = Instant::now();
    let out = StagedOutput::begin(&options.output, &|m| progress.waiting(m))?;
    let recovered = out.recovered();
    progress.start(plan.len());
    let rendered = renderer.render_all(&plan, &|rel, bytes| {
        out.write(rel, bytes)?;
        progress.file_done();
        Ok(())
    });
    progress.finish();
    let rendered = rendered.and_then(|()| {
        search
            .par_iter()
            .try_for_each(|(rel, bytes)| out.write(rel, bytes))
    });
    if let Err(e) = rendered {
        drop(out);
        return Err(match e.downcast::<crate::error::TemplateError>() {
            Ok(t) => crate::error::TemplateError(crate::render::with_origins(t.0, &theme)).into(),
            Err(e) => e,
        });
    }
    timings.render_write = t.elapsed();
    let t = Instant::now();
    let planned: std::collections::HashSet<&str> = plan
        .iter()
        .map(|p| p.output.as_str())
        .chain(search.iter().map(|f| f.0.as_str()))
        .collect();
    let stats = out.commit(&planned)?;
    timings.commit = t.elapsed();
    let files = plan.len() + search.len();
    drop(planned);
    drop(plan);
    if recovered {
        index.warnings.push(Warning {
            location: Location::file(&options.output),
            message: "an earlier build was interrupted while updating this folder; its update was finished first".into(),
        });
    }
    let report = BuildReport {
        articles: index.articles.len(),
        files,
        stats,
        warnings: std::mem::take(&mut index.warnings),
        timings,
    };
    Ok(Built {
        index,
        theme,
        state,
        report,
        fingerprints: None,
        view_hashes: Vec::new(),
    })
}

/// Why an edit could not be applied in place and needs a full rebuild.
#[derive(Debug, PartialEq, Eq)]
pub enum Incremental {
    /// Re-rendered `pages` files, of which `written` changed.
    Applied {
        pages: usize,
        written: usize,
    },
    NeedsFullBuild,
}

/// Re-reads one article and, when its URL, date, section, tags and aliases
/// are unchanged, replaces it in `built` and re-renders only the files that
/// show it, writing those whose bytes changed into `output`. Anything else
/// (a new or deleted file, a changed date or tag) asks for a full build.
pub fn update_article(
    config: &Config,
    built: &mut Built,
    rel: &Path,
    output: &Path,
) -> Result<Incremental> {
    let Some(i) = built.index.articles.iter().position(|a| a.source == rel) else {
        return Ok(Incremental::NeedsFullBuild);
    };
    let abs = config.root.join(rel);
    // A file replaced by a link: only a full build checks where links lead.
    if std::fs::symlink_metadata(&abs).is_ok_and(|m| m.is_symlink()) {
        return Ok(Incremental::NeedsFullBuild);
    }
    let Ok(bytes) = std::fs::read(&abs) else {
        return Ok(Incremental::NeedsFullBuild);
    };
    let text = decode_source(rel, bytes).map_err(|e| ContentErrors(vec![e]))?;
    let old = &built.index.articles[i];
    let mut new =
        parse_article(rel, old.section.clone(), old.kind, &text, config).map_err(ContentErrors)?;
    crate::tag_rules::apply(&mut new, &text, &config.tag_rules);
    let same_place = new.date == old.date
        && new.tags == old.tags
        && new.explicit_slug == old.explicit_slug
        // The title only decides the URL when there is no `slug:`.
        && (new.explicit_slug.is_some() || new.title_slug == old.title_slug)
        && new.aliases == old.aliases
        && new.draft == old.draft;
    if !same_place {
        return Ok(Incremental::NeedsFullBuild);
    }
    let sitemap_changed = new.updated != old.updated;
    built.index.articles[i] = new;
    let state = &built.state;
    let view = crate::render::views::article_view(
        &built.index,
        i,
        &state.section_values,
        &state.tag_refs,
        config,
    );
    built.state.views[i] = view;
    let a = &built.index.articles[i];
    if let Some(u) = built.state.sitemap_urls.get_mut(i) {
        u.lastmod = Some(crate::dates::rfc3339(a.updated.as_ref().unwrap_or(&a.date)));
    }
    let renderer = built.state.renderer(config, &built.index);
    let mut plan = renderer.plan_for_article(i);
    // The sitemap (up to 50,000 URLs) only shows an article's last change.
    if !sitemap_changed {
        plan.retain(|p| !matches!(p.job, crate::render::pages::Job::Sitemap(_)));
    }
    let search = crate::search::search_files(config, &built.index, &built.state.tera)?;
    if !crate::search::same_files(config, output, &search) {
        return Ok(Incremental::NeedsFullBuild);
    }
    let written = std::sync::atomic::AtomicUsize::new(0);
    renderer.render_all(&plan, &|rel, bytes| {
        if crate::write::write_if_changed(&output.join(rel), bytes)? {
            written.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(())
    })?;
    for (rel, bytes) in &search {
        if crate::write::write_if_changed(&output.join(rel), bytes)? {
            written.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
    // Keep the fingerprints true for the next structural change: only this
    // view and the pages just re-rendered changed.
    if let Some(fps) = built.fingerprints.as_mut()
        && built.view_hashes.len() == built.state.views.len()
    {
        let vh = crate::render::pages::view_hashes(std::slice::from_ref(&built.state.views[i]));
        built.view_hashes[i] = vh[0];
        let renderer = built.state.renderer(config, &built.index);
        for p in renderer.plan_for_article(i) {
            if let Some(f) = renderer.fingerprint(&p, &built.view_hashes) {
                fps.insert(p.output, f);
            }
        }
    }
    Ok(Incremental::Applied {
        pages: plan.len(),
        written: written.into_inner(),
    })
}

fn check_output_location(config: &Config, output: &Path) -> Result<()> {
    let root = config
        .root
        .canonicalize()
        .unwrap_or_else(|_| config.root.clone());
    let out = output
        .parent()
        .and_then(|p| p.canonicalize().ok())
        .map(|p| p.join(output.file_name().unwrap_or_default()))
        .unwrap_or_else(|| output.to_path_buf());
    if root == out || root.starts_with(&out) {
        anyhow::bail!(
            "the output folder {} would contain the site itself; choose another --output",
            output.display()
        );
    }
    for protected in ["content", "themes", "static", "templates"] {
        if out.starts_with(root.join(protected)) {
            anyhow::bail!(
                "the output folder {} is inside the site's {protected}/; choose another --output",
                output.display()
            );
        }
    }
    Ok(())
}

/// Whether a parsed article came from raw text (for `list`).
pub fn kind_name(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Markdown => "markdown",
        SourceKind::Raw => "raw",
    }
}
