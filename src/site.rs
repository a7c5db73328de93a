//! Runs the stages in order and times them: load -> parse -> index -> render
//! -> write. The only module that knows the whole pipeline; a [`Site`] is
//! that pipeline with what it keeps between runs, so `build`, `check`,
//! `list` and `serve` drive it the same way.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::Result;
use rayon::prelude::*;

use crate::article::{Article, SectionMeta};
use crate::config::Config;
use crate::error::{ContentError, ContentErrors, Location, Warning};
use crate::incremental::{Rendered, Written, replaces_in_place};
use crate::index::{Index, build_index};
use crate::load::{SourceFile, SourceRole, load_sources};
use crate::parse::{decode_source, parse_article, parse_section_index};
use crate::render::state::RenderState;
use crate::theme::{Asset, load_theme};
use crate::write::{StagedOutput, WriteStats};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub drafts: bool,
    pub output: PathBuf,
    /// Also publish articles dated after now (a preview of scheduled ones).
    pub future: bool,
    /// The build's "now" (`--now`, `SOURCE_DATE_EPOCH`); None reads the
    /// system clock at each build, as `serve` must.
    pub now: Option<jiff::Timestamp>,
}

impl BuildOptions {
    /// Published articles only, into `output`, at the system clock's now.
    pub fn new(output: PathBuf) -> Self {
        BuildOptions {
            drafts: false,
            output,
            future: false,
            now: None,
        }
    }
}

/// What the clock held back or took down in a build, and when it next
/// changes the site, so a cron job (or `serve`, by itself) rebuilds then.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Schedule {
    /// Articles dated after now, not published yet.
    pub scheduled: usize,
    /// Articles past their `expires:` time, taken down.
    pub expired: usize,
    /// The next moment an article goes live or expires, and which one.
    pub next: Option<(jiff::Timestamp, PathBuf, ScheduleEvent)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScheduleEvent {
    GoesLive,
    Expires,
}

/// Leaves out of the site what must not be published at `now`: articles
/// dated later (embargoed, scheduled) unless `future`, and articles whose
/// `expires:` time has passed. This is the only place that decides it, so
/// no list, feed, sitemap, archive or search file can show such an article.
fn apply_schedule(
    articles: Vec<Article>,
    now: jiff::Timestamp,
    future: bool,
) -> (Vec<Article>, Schedule) {
    let mut schedule = Schedule::default();
    let mut consider = |t: jiff::Timestamp, a: &Article, ev: ScheduleEvent| {
        if schedule
            .next
            .as_ref()
            .is_none_or(|(n, p, _)| (t, &a.source_path) < (*n, p))
        {
            schedule.next = Some((t, a.source_path.clone(), ev));
        }
    };
    let mut kept = Vec::with_capacity(articles.len());
    for a in articles {
        let date = a.date.timestamp();
        let expires = a.expires.as_ref().map(|e| e.timestamp());
        if expires.is_some_and(|e| e <= now) {
            schedule.expired += 1;
            continue;
        }
        if date > now && !future {
            schedule.scheduled += 1;
            consider(date, &a, ScheduleEvent::GoesLive);
            continue;
        }
        if let Some(e) = expires {
            consider(e, &a, ScheduleEvent::Expires);
        }
        kept.push(a);
    }
    (kept, schedule)
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
    pub schedule: Schedule,
    pub files: usize,
    pub stats: WriteStats,
    pub warnings: Vec<Warning>,
    pub timings: Timings,
}

/// Content after the parse stage: articles, section metadata, extra assets.
struct Parsed {
    pub articles: Vec<Article>,
    pub sections: BTreeMap<String, SectionMeta>,
    pub assets: Vec<SourceFile>,
}

/// Parsed articles by file, so `serve` re-parses only the files that changed
/// between two rebuilds (same modification time and size: same article).
/// Only valid for one config: clear it when config.yaml changes.
#[derive(Default)]
struct ParseCache {
    entries: std::collections::HashMap<PathBuf, CacheEntry>,
}

struct CacheEntry {
    modified: std::time::SystemTime,
    len: u64,
    /// None for a draft left out of the build.
    article: Option<Article>,
}

impl ParseCache {
    fn clear(&mut self) {
        self.entries.clear();
    }

    fn get(&self, abs: &Path, meta: &std::fs::Metadata) -> Option<&Option<Article>> {
        let e = self.entries.get(abs)?;
        (Some(e.modified) == meta.modified().ok() && e.len == meta.len()).then_some(&e.article)
    }
}

/// Reads and parses every content file in parallel, collecting all errors.
fn parse_content(
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
                let mut a = parse_article(&src.rel, src.section(), *kind, &text, config)
                    .map_err(|e| e.0)?;
                if a.draft && !drafts {
                    return Ok(Some(Item::Draft));
                }
                // A standalone page (About) is not news: no automatic tags.
                if !a.standalone {
                    crate::tag_rules::apply(&mut a, &text, &config.tag_rules);
                }
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
fn index_content(
    config: &Config,
    options: &BuildOptions,
    cache: Option<&mut ParseCache>,
) -> Result<(Index, Vec<SourceFile>, Timings, Schedule)> {
    let (parsed, load, parse) = parse_content(config, options.drafts, cache)?;
    let t = Instant::now();
    let now = options.now.unwrap_or_else(jiff::Timestamp::now);
    let (articles, schedule) = apply_schedule(parsed.articles, now, options.future);
    let index = build_index(articles, &parsed.sections, config)?;
    let timings = Timings {
        load,
        parse,
        index: t.elapsed(),
        ..Default::default()
    };
    Ok((index, parsed.assets, timings, schedule))
}

/// What [`Site::update`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Update {
    /// Articles edited in place (same URL, date, section, tags, aliases).
    InPlace(Written),
    /// Articles added, deleted or moved: the site was re-indexed and
    /// re-planned.
    Replanned(Written),
    /// The change reaches every page (section menu, static files), or no
    /// build is kept: call [`Site::build`].
    NeedsFullBuild,
}

/// One site and what is known of it between runs of the pipeline: the
/// config, the parsed articles of unchanged files (when kept) and the last
/// build. `build`, `check`, `list` and `serve` all go through it.
pub struct Site {
    config: Config,
    options: BuildOptions,
    /// Only `serve` keeps one: cloning every article into it costs a plain
    /// build time for nothing.
    cache: Option<ParseCache>,
    built: Option<Rendered>,
    /// As of the last build or re-index.
    schedule: Schedule,
}

impl Site {
    pub fn new(config: Config, options: BuildOptions) -> Self {
        Site {
            config,
            options,
            cache: None,
            built: None,
            schedule: Schedule::default(),
        }
    }

    /// When the clock next changes what is published (an article goes live
    /// or expires), as of the last build: `serve` rebuilds by itself then.
    pub fn next_scheduled(&self) -> Option<jiff::Timestamp> {
        self.schedule.next.as_ref().map(|(t, _, _)| *t)
    }

    /// A site that is built again and again (`serve`): files unchanged since
    /// the last build are not parsed again, and each build is made ready
    /// for [`Site::update`].
    pub fn cached(config: Config, options: BuildOptions) -> Self {
        Site {
            cache: Some(ParseCache::default()),
            ..Site::new(config, options)
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Parsing depends on the config (timezone, tag rules), so this forgets
    /// every parsed file and the last build.
    pub fn set_config(&mut self, config: Config) {
        self.config = config;
        if let Some(c) = self.cache.as_mut() {
            c.clear();
        }
        self.built = None;
    }

    /// Parses and indexes the site without rendering it.
    pub fn index(&mut self) -> Result<Index> {
        index_content(&self.config, &self.options, self.cache.as_mut()).map(|r| r.0)
    }

    /// The whole build, into the output folder; keeps what `update` needs.
    pub fn build(&mut self, progress: &dyn Progress) -> Result<BuildReport> {
        self.built = None;
        // A failed build has no schedule: `serve` waits for an edit rather
        // than retry the same failure at a past deadline.
        self.schedule = Schedule::default();
        let (mut built, report) =
            build_into(&self.config, &self.options, progress, self.cache.as_mut())?;
        if self.cache.is_some() {
            built.prepare_updates(&self.config)?;
        }
        self.built = Some(built);
        self.schedule = report.schedule.clone();
        Ok(report)
    }

    /// Applies a change to the site's article files (`changed`: absolute
    /// paths of files or folders) to the last build, re-rendering only the
    /// files whose inputs changed. An article edited in place is re-read
    /// alone; anything else re-indexes the site from the parse cache.
    pub fn update(&mut self, changed: &[&Path]) -> Result<Update> {
        let Site {
            config,
            options,
            cache,
            built,
            schedule,
        } = self;
        let Some(rendered) = built.as_mut() else {
            return Ok(Update::NeedsFullBuild);
        };
        // Read and check everything before changing anything: a broken
        // edit leaves the last build as it was.
        let in_place = edits_in_place(config, rendered.index(), changed)?;
        let result = match in_place {
            Some(edits) => (|| {
                for (i, article) in edits {
                    rendered.replace_article(config, i, article)?;
                }
                rendered
                    .render_changes(config, &options.output)
                    .map(Update::InPlace)
            })(),
            None => {
                let (index, assets, _, new_schedule) =
                    index_content(config, options, cache.as_mut())?;
                *schedule = new_schedule;
                let theme = theme_with_assets(config, &assets)?;
                let state = RenderState::new(config, &index, &theme)?;
                match rendered.replace_index(config, index, theme, state) {
                    Ok(false) => return Ok(Update::NeedsFullBuild),
                    Ok(true) => rendered
                        .render_changes(config, &options.output)
                        .map(Update::Replanned),
                    Err(e) => Err(e),
                }
            }
        };
        if result.is_err() {
            // Half applied: only a full build knows what the output holds.
            *built = None;
        }
        result
    }
}

/// Files that are read as text (articles, section indexes); other files
/// beside them (images) are copied, which only a full build does.
pub fn is_article_file(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "md" || e == "txt")
}

/// The changed files re-read as articles, when each is an article of the
/// index edited in place; None when the site must be re-indexed.
fn edits_in_place(
    config: &Config,
    index: &Index,
    changed: &[&Path],
) -> Result<Option<Vec<(usize, Article)>>> {
    if changed.is_empty() || !changed.iter().all(|p| is_article_file(p)) {
        return Ok(None);
    }
    let mut edits = Vec::with_capacity(changed.len());
    for abs in changed {
        let Ok(rel) = abs.strip_prefix(&config.root) else {
            return Ok(None);
        };
        let Some(i) = index.article_at(rel) else {
            return Ok(None);
        };
        // A file replaced by a link: only indexing checks where links lead.
        if std::fs::symlink_metadata(abs).is_ok_and(|m| m.is_symlink()) {
            return Ok(None);
        }
        let Ok(bytes) = std::fs::read(abs) else {
            return Ok(None);
        };
        let text = decode_source(rel, bytes).map_err(|e| ContentErrors(vec![e]))?;
        let old = &index.articles[i];
        let mut new = parse_article(rel, old.section.clone(), old.kind, &text, config)?;
        if !new.standalone {
            crate::tag_rules::apply(&mut new, &text, &config.tag_rules);
        }
        if !replaces_in_place(old, &new) {
            return Ok(None);
        }
        edits.push((i, new));
    }
    Ok(Some(edits))
}

/// Builds the site into `options.output`, reusing the articles of `cache`
/// whose files did not change.
fn build_into(
    config: &Config,
    options: &BuildOptions,
    progress: &dyn Progress,
    cache: Option<&mut ParseCache>,
) -> Result<(Rendered, BuildReport)> {
    let (mut index, assets, mut timings, schedule) = index_content(config, options, cache)?;
    let t = Instant::now();
    let theme = theme_with_assets(config, &assets)?;
    let state = RenderState::new(config, &index, &theme)?;
    let renderer = state.renderer(config, &index);
    let plan = renderer.plan(&theme)?;
    let search = crate::search::search_files(config, &index, renderer.tera)?;
    crate::search::check_clashes(plan.iter().map(|p| p.output.as_str()), &search)?;
    check_output_location(config, &options.output)?;
    timings.prepare = t.elapsed();
    let t = Instant::now();
    let out = StagedOutput::begin(&options.output, &|m| progress.waiting(m))?;
    let recovered = out.recovered();
    progress.start(plan.len());
    let rendered = renderer.render_all(&plan, &|rel, bytes| {
        out.write(rel, bytes)?;
        progress.file_done();
        Ok(())
    });
    let rendered = rendered.and_then(|()| {
        search
            .par_iter()
            .try_for_each(|(rel, bytes)| out.write(rel, bytes))
    });
    progress.finish();
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
        schedule,
        files,
        stats,
        warnings: std::mem::take(&mut index.warnings),
        timings,
    };
    Ok((Rendered::new(index, theme, state), report))
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
