//! Stage 5: output. Nothing in the output folder changes until every page has
//! rendered, and then it changes all at once or not at all, so a reader, a
//! web server or a deploy script never sees half a site:
//!
//! - a first build writes into a staging folder beside the output and renames
//!   it into place;
//! - a rebuild compares each page with the file already there: identical
//!   files are not touched (their mtimes stay, so `rsync` and CDN caches see
//!   no change), changed ones are staged, and the commit moves them in and
//!   the stale ones out under a journal (`write/journal.rs`), so a build killed or
//!   failing mid-commit leaves the complete previous or complete new site;
//! - one process at a time writes a given output ([`OutputLock`]).

mod journal;
mod lock;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use anyhow::{Context, Result};
use walkdir::WalkDir;

use crate::fsx;
pub use lock::OutputLock;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

pub struct StagedOutput {
    paths: journal::Paths,
    new_tree: PathBuf,
    /// The output already holds a site: compare and update in place.
    update: bool,
    /// An interrupted commit of an earlier process was finished first.
    recovered: bool,
    changed: Mutex<Vec<String>>,
    written: AtomicUsize,
    unchanged: AtomicUsize,
    /// Dropped last: the lock outlives every change to the folder.
    _lock: OutputLock,
}

pub(crate) fn sibling(output: &Path, suffix: &str) -> PathBuf {
    let name = output
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    output.with_file_name(format!(".{name}.{suffix}"))
}

/// Staging folders in use, for [`interrupt`].
static STAGING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
/// Held for the whole of a commit, so an interrupt waits for it to end
/// instead of cutting it in half.
static COMMIT: Mutex<()> = Mutex::new(());
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// For a Ctrl-C or SIGTERM handler: stops staging, waits for a commit in
/// progress to finish, and removes the staging folders, so an interrupted
/// build leaves nothing behind. The caller must exit right after: threads
/// that try to write from then on wait forever.
pub fn interrupt() {
    INTERRUPTED.store(true, Ordering::SeqCst);
    let _commit = COMMIT.lock().unwrap_or_else(|e| e.into_inner());
    let dirs = std::mem::take(&mut *STAGING.lock().unwrap_or_else(|e| e.into_inner()));
    for dir in dirs {
        // Render threads may still be finishing a file: try a few times.
        for _ in 0..5 {
            if std::fs::remove_dir_all(&dir).is_ok() || !dir.exists() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }
}

/// After an interrupt, the thread that would write or commit waits for the
/// handler to exit the process, rather than fail and race it to an exit
/// code of its own.
fn park_if_interrupted() {
    while INTERRUPTED.load(Ordering::SeqCst) {
        std::thread::park();
    }
}

/// Finishes an interrupted commit of `output`, if one was left, under the
/// output lock; true when there was one. For readers of a built site
/// (`check --no-build`), so they never see one half-committed.
pub fn recover(output: &Path, waiting: &dyn Fn(&str)) -> Result<bool> {
    let paths = journal::Paths::new(output);
    if !paths.journal.exists() && !paths.staging.exists() {
        return Ok(false);
    }
    let _lock = OutputLock::acquire(output, waiting)?;
    let recovered = journal::recover(&paths)?;
    // A staging folder without a journal is a build killed before its
    // commit: nothing of it reached the output.
    if paths.staging.exists() {
        fsx::remove_dir_all(&paths.staging)?;
    }
    Ok(recovered)
}

impl StagedOutput {
    /// Takes the output's lock (calling `waiting` while another process
    /// holds it), finishes any commit a killed build left, and prepares a
    /// staging folder next to `output`. Refuses to take over a folder that
    /// does not look like a site, so a mistyped `--output` can never replace
    /// someone's documents.
    pub fn begin(output: &Path, waiting: &dyn Fn(&str)) -> Result<Self> {
        if output.exists() && !output.is_dir() {
            anyhow::bail!(
                "{} is a file, not a folder; choose a folder with --output",
                output.display()
            );
        }
        if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
            fsx::create_dir_all(parent)?;
        }
        let lock = OutputLock::acquire(output, waiting)?;
        let paths = journal::Paths::new(output);
        let recovered = journal::recover(&paths)?;
        let mut update = false;
        if output.is_dir() {
            let mut entries = std::fs::read_dir(output)
                .with_context(|| format!("cannot read {}", output.display()))?;
            let empty = entries.next().is_none();
            if !empty && !output.join("index.html").is_file() && !output.join("404.html").is_file()
            {
                anyhow::bail!(
                    "refusing to replace {}: it is not empty and holds no built site (no index.html); choose an empty or new folder with --output",
                    output.display()
                );
            }
            update = !empty;
        }
        if paths.staging.exists() {
            fsx::remove_dir_all(&paths.staging)?;
        }
        let new_tree = paths.new_tree();
        fsx::create_dir_all(&new_tree)?;
        STAGING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(paths.staging.clone());
        Ok(StagedOutput {
            paths,
            new_tree,
            update,
            recovered,
            changed: Mutex::new(Vec::new()),
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            _lock: lock,
        })
    }

    /// Whether `begin` found and finished a commit an earlier build left.
    pub fn recovered(&self) -> bool {
        self.recovered
    }

    /// Writes one file (`rel` uses `/`, relative to the output root).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        // Every output path comes from the site's own data; refuse anything
        // that could leave the output folder rather than trust that.
        if rel.starts_with('/')
            || rel.split(['/', '\\']).any(|seg| seg == "..")
            || rel.contains(':') && cfg!(windows)
        {
            anyhow::bail!("refusing to write {rel:?}: it would be outside the output folder");
        }
        park_if_interrupted();
        if self.update {
            if same_bytes(&self.paths.output.join(rel), bytes) {
                self.unchanged.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
            self.changed
                .lock()
                .expect("no panics while holding the lock")
                .push(rel.to_string());
        }
        write_creating_dirs(&self.new_tree.join(rel), bytes)?;
        let n = self.written.fetch_add(1, Ordering::Relaxed) + 1;
        if journal::failpoint("stage-kill", n).is_some() {
            std::process::abort();
        }
        Ok(())
    }

    /// Moves the staged files in and the files not in `planned` out, as one
    /// step (see `write/journal.rs`), and records `planned` as the new manifest.
    pub fn commit(self, planned: &HashSet<&str>) -> Result<WriteStats> {
        let _commit = COMMIT.lock().unwrap_or_else(|e| e.into_inner());
        park_if_interrupted();
        let mut stats = WriteStats {
            written: self.written.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
            removed: 0,
        };
        let paths = &self.paths;
        if !self.update {
            // The manifest first: were the process to die before the rename,
            // the next build finds no output and starts afresh.
            write_manifest(&paths.manifest, planned)?;
            if paths.output.exists() {
                std::fs::remove_dir(&paths.output)
                    .with_context(|| format!("cannot replace {}", paths.output.display()))?;
            }
            fsx::rename(&self.new_tree, &paths.output)?;
            return Ok(stats);
        }
        let mut put = std::mem::take(&mut *self.changed.lock().expect("no panics"));
        put.sort_unstable();
        let remove = stale_files(&paths.output, planned)?;
        stats.removed = remove.len();
        let j = journal::Journal { remove, put };
        let manifest = manifest_text(planned);
        if j.is_empty() && std::fs::read(&paths.manifest).is_ok_and(|m| m == manifest.as_bytes()) {
            return Ok(stats);
        }
        fsx::write(&paths.staged_manifest(), manifest.as_bytes())?;
        journal::commit(paths, &j)?;
        Ok(stats)
    }
}

impl Drop for StagedOutput {
    /// Committed or not, the staging folder goes (a successful commit has
    /// already moved everything out of it).
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.paths.staging);
        STAGING
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|p| p != &self.paths.staging);
    }
}

/// Whether the file at `path` holds exactly `bytes` (one open, one stat,
/// and a read only when the lengths agree).
fn same_bytes(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    if !f
        .metadata()
        .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64)
    {
        return false;
    }
    let mut old = Vec::with_capacity(bytes.len());
    f.read_to_end(&mut old).is_ok() && old == bytes
}

/// Writes a file, creating its folder only when the write says it is
/// missing: one `mkdir` per new folder instead of a check per file.
fn write_creating_dirs(path: &Path, bytes: &[u8]) -> Result<()> {
    match std::fs::write(path, bytes) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => fsx::write_creating_dirs(path, bytes),
        r => r.with_context(|| format!("cannot write {}", path.display())),
    }
}

/// Replaces one file of a live output folder: written beside, then renamed,
/// so a page being served is never half-written.
pub fn replace_file(target: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = target.with_file_name(format!(
        ".{}.bantin-tmp",
        target.file_name().unwrap_or_default().to_string_lossy()
    ));
    fsx::write_creating_dirs(&tmp, bytes)?;
    fsx::rename(&tmp, target)
}

/// Files of the previous build that `planned` no longer has. The previous
/// build's manifest says which files bantin wrote, so nothing else in the
/// folder is touched and no walk is needed; without one (a folder from
/// before, or another tool's) the output is walked, never touching hidden
/// entries such as `.git`.
fn stale_files(output: &Path, planned: &HashSet<&str>) -> Result<Vec<String>> {
    let manifest_path = sibling(output, "bantin-manifest");
    let mut stale = Vec::new();
    match std::fs::read_to_string(&manifest_path) {
        Ok(previous) => {
            for rel in previous
                .lines()
                .filter(|l| !l.is_empty() && !l.contains("..") && !l.starts_with('/'))
            {
                if !planned.contains(rel) && output.join(rel).symlink_metadata().is_ok() {
                    stale.push(rel.to_string());
                }
            }
        }
        Err(_) => {
            let walker = WalkDir::new(output)
                .min_depth(1)
                .into_iter()
                .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'));
            for entry in walker {
                let entry = entry.with_context(|| format!("cannot walk {}", output.display()))?;
                if entry.file_type().is_dir() {
                    continue;
                }
                let rel = entry.path().strip_prefix(output).expect("under output");
                let rel = crate::load::slash_path(rel);
                if !planned.contains(rel.as_str()) {
                    stale.push(rel);
                }
            }
        }
    }
    stale.sort_unstable();
    Ok(stale)
}

/// Removes the files the site no longer has from a live output folder
/// (serve's private one, which no one else reads), then the folders this
/// left empty, and records the new manifest.
pub fn remove_stale(output: &Path, planned: &HashSet<&str>) -> Result<usize> {
    let stale = stale_files(output, planned)?;
    for rel in &stale {
        let path = output.join(rel);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", path.display())),
        }
    }
    journal::prune_empty_parents(output, stale.iter().map(|r| output.join(r)));
    write_manifest(&sibling(output, "bantin-manifest"), planned)?;
    Ok(stale.len())
}

/// Writes `bytes` to `target` in a live output folder unless it already
/// holds them; true when it wrote.
pub fn write_if_changed(target: &Path, bytes: &[u8]) -> Result<bool> {
    if same_bytes(target, bytes) {
        return Ok(false);
    }
    replace_file(target, bytes)?;
    Ok(true)
}

/// The list of files a build wrote, one per line, sorted.
fn manifest_text(planned: &HashSet<&str>) -> String {
    let mut files: Vec<&str> = planned.iter().copied().collect();
    files.sort_unstable();
    let mut text = String::with_capacity(files.iter().map(|f| f.len() + 1).sum());
    for f in files {
        text.push_str(f);
        text.push('\n');
    }
    text
}

/// The manifest lives beside (not inside) the output folder so it is never
/// deployed; written whole or not at all.
fn write_manifest(path: &Path, planned: &HashSet<&str>) -> Result<()> {
    let tmp = path.with_extension("tmp");
    fsx::write(&tmp, manifest_text(planned).as_bytes())?;
    fsx::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(out: &Path, files: &[(&str, &str)]) -> WriteStats {
        let staged = StagedOutput::begin(out, &|_| {}).unwrap();
        for (rel, text) in files {
            staged.write(rel, text.as_bytes()).unwrap();
        }
        let planned: HashSet<&str> = files.iter().map(|(r, _)| *r).collect();
        staged.commit(&planned).unwrap()
    }

    #[test]
    fn updates_in_place_and_removes_what_is_gone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        let s = build(
            &out,
            &[
                ("index.html", "home"),
                ("a/index.html", "a"),
                ("b/index.html", "b"),
            ],
        );
        assert_eq!((s.written, s.unchanged, s.removed), (3, 0, 0));
        let mtime = |p: &str| std::fs::metadata(out.join(p)).unwrap().modified().unwrap();
        let before = mtime("a/index.html");
        std::thread::sleep(std::time::Duration::from_millis(20));
        let s = build(&out, &[("index.html", "home 2"), ("a/index.html", "a")]);
        assert_eq!((s.written, s.unchanged, s.removed), (1, 1, 1));
        assert_eq!(
            mtime("a/index.html"),
            before,
            "unchanged files are not rewritten"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "home 2"
        );
        assert!(!out.join("b").exists(), "the removed page's folder is gone");
        // A file bantin did not write is not bantin's to delete.
        std::fs::write(out.join("CNAME"), "bao.example.org").unwrap();
        let s = build(&out, &[("index.html", "home 2")]);
        assert_eq!((s.written, s.unchanged, s.removed), (0, 1, 1));
        assert!(out.join("CNAME").is_file() && !out.join("a").exists());
        let manifest = std::fs::read_to_string(dir.path().join(".public.bantin-manifest")).unwrap();
        assert_eq!(manifest, "index.html\n");
        assert!(!dir.path().join(".public.bantin-staging").exists());
    }

    #[test]
    fn aborted_build_leaves_output_alone() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        build(&out, &[("index.html", "home")]);
        let staged = StagedOutput::begin(&out, &|_| {}).unwrap();
        staged.write("index.html", b"half-built").unwrap();
        drop(staged);
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "home"
        );
    }

    #[test]
    fn refuses_folders_that_are_not_sites() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("thesis.docx"), "x").unwrap();
        let err = StagedOutput::begin(dir.path(), &|_| {})
            .err()
            .unwrap()
            .to_string();
        assert!(err.starts_with("refusing to replace"), "{err}");
    }
}
