//! Stage 5: output. Nothing in the output folder changes until every page has
//! rendered, so a failed build leaves the previous site intact:
//!
//! - a first build writes into a staging folder beside the output and renames
//!   it into place;
//! - a rebuild compares each page with the file already there: identical
//!   files are not touched (their mtimes stay, so `rsync` and CDN caches see
//!   no change), changed ones are staged and moved in at commit, and files
//!   the site no longer has are removed.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};
use walkdir::WalkDir;

use crate::fsx;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
    pub removed: usize,
}

pub struct StagedOutput {
    output: PathBuf,
    staging: PathBuf,
    /// The output already holds a site: compare and update in place.
    update: bool,
    changed: Mutex<Vec<String>>,
    written: AtomicUsize,
    unchanged: AtomicUsize,
}

fn sibling(output: &Path, suffix: &str) -> PathBuf {
    let name = output
        .file_name()
        .map_or_else(|| "public".into(), |n| n.to_string_lossy().into_owned());
    output.with_file_name(format!(".{name}.{suffix}"))
}

impl StagedOutput {
    /// Prepares a staging folder next to `output`. Refuses to take over a
    /// folder that does not look like a site, so a mistyped `--output` can
    /// never replace someone's documents.
    pub fn begin(output: &Path) -> Result<Self> {
        let mut update = false;
        if output.exists() && !output.is_dir() {
            anyhow::bail!(
                "{} is a file, not a folder; choose a folder with --output",
                output.display()
            );
        }
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
        if let Some(parent) = output.parent().filter(|p| !p.as_os_str().is_empty()) {
            fsx::create_dir_all(parent)?;
        }
        let staging = sibling(output, "bantin-staging");
        if staging.exists() {
            fsx::remove_dir_all(&staging)?;
        }
        fsx::create_dir_all(&staging)?;
        Ok(StagedOutput {
            output: output.to_path_buf(),
            staging,
            update,
            changed: Mutex::new(Vec::new()),
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
        })
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
        if self.update {
            let old = self.output.join(rel);
            if let Ok(meta) = std::fs::metadata(&old)
                && meta.is_file()
                && meta.len() == bytes.len() as u64
                && std::fs::read(&old).is_ok_and(|b| b == bytes)
            {
                self.unchanged.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
            self.changed
                .lock()
                .expect("no panics while holding the lock")
                .push(rel.to_string());
        }
        fsx::write_creating_dirs(&self.staging.join(rel), bytes)?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Moves the staged files in and removes files not in `planned`.
    pub fn commit(self, planned: &HashSet<&str>) -> Result<WriteStats> {
        let mut stats = WriteStats {
            written: self.written.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
            removed: 0,
        };
        let manifest_path = sibling(&self.output, "bantin-manifest");
        if !self.update {
            if self.output.exists() {
                std::fs::remove_dir(&self.output)
                    .with_context(|| format!("cannot replace {}", self.output.display()))?;
            }
            fsx::rename(&self.staging, &self.output)?;
            write_manifest(&manifest_path, planned)?;
            return Ok(stats);
        }
        let mut changed = self
            .changed
            .into_inner()
            .expect("no panics while holding the lock");
        changed.sort();
        for rel in &changed {
            let target = self.output.join(rel);
            if target.is_dir() {
                fsx::remove_dir_all(&target)?;
            }
            if let Some(parent) = target.parent() {
                // A file where a folder must now be (an old page renamed).
                if parent.is_file() {
                    std::fs::remove_file(parent)
                        .with_context(|| format!("cannot remove {}", parent.display()))?;
                }
                fsx::create_dir_all(parent)?;
            }
            fsx::rename(&self.staging.join(rel), &target)?;
        }
        stats.removed = remove_stale(&self.output, planned)?;
        let _ = std::fs::remove_dir_all(&self.staging);
        Ok(stats)
    }

    /// Drops the staging folder; the output is untouched.
    pub fn abort(self) {
        let _ = std::fs::remove_dir_all(&self.staging);
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

/// Removes the files the site no longer has, then the folders that this left
/// empty (only those: trying every folder costs a syscall per page), and
/// records the new list of files. The previous build's manifest says which
/// files bantin wrote, so nothing else in the folder is touched and no walk
/// is needed; without one (a folder from before, or another tool's) the
/// output is walked, never touching hidden entries such as `.git`.
pub fn remove_stale(output: &Path, planned: &HashSet<&str>) -> Result<usize> {
    let manifest_path = sibling(output, "bantin-manifest");
    let mut removed = 0;
    let mut emptied = Vec::new();
    let mut remove = |path: &Path| -> Result<()> {
        match std::fs::remove_file(path) {
            Ok(()) => {
                removed += 1;
                if let Some(parent) = path.parent() {
                    emptied.push(parent.to_path_buf());
                }
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e).with_context(|| format!("cannot remove {}", path.display())),
        }
    };
    match std::fs::read_to_string(&manifest_path) {
        Ok(previous) => {
            for rel in previous
                .lines()
                .filter(|l| !l.is_empty() && !l.contains("..") && !l.starts_with('/'))
            {
                if !planned.contains(rel) {
                    remove(&output.join(rel))?;
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
                #[cfg(not(windows))]
                let rel = rel.to_string_lossy();
                #[cfg(windows)]
                let rel = std::borrow::Cow::<str>::Owned(crate::load::slash_path(rel));
                if !planned.contains(rel.as_ref()) {
                    remove(entry.path())?;
                }
            }
        }
    }
    emptied.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    emptied.dedup();
    for mut dir in emptied {
        // Up the tree while folders are empty; remove_dir fails on the first that is not.
        while dir.as_path() != output && std::fs::remove_dir(&dir).is_ok() {
            if !dir.pop() {
                break;
            }
        }
    }
    write_manifest(&manifest_path, planned)?;
    Ok(removed)
}

/// Writes `bytes` to `target` in a live output folder unless it already
/// holds them; true when it wrote.
pub fn write_if_changed(target: &Path, bytes: &[u8]) -> Result<bool> {
    if std::fs::read(target).is_ok_and(|old| old == bytes) {
        return Ok(false);
    }
    replace_file(target, bytes)?;
    Ok(true)
}

/// The list of files a build wrote, beside (not inside) the output folder so
/// it is never deployed.
fn write_manifest(path: &Path, planned: &HashSet<&str>) -> Result<()> {
    let mut files: Vec<&str> = planned.iter().copied().collect();
    files.sort_unstable();
    let mut text = String::with_capacity(files.iter().map(|f| f.len() + 1).sum());
    for f in files {
        text.push_str(f);
        text.push('\n');
    }
    fsx::write(path, text.as_bytes())
}

/// The site kept in memory, for `serve` and tests.
#[derive(Default)]
pub struct MemoryOutput {
    pub files: Mutex<BTreeMap<String, Vec<u8>>>,
}

impl MemoryOutput {
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        self.files
            .lock()
            .expect("no panics while holding the lock")
            .insert(rel.to_string(), bytes.to_vec());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn build(out: &Path, files: &[(&str, &str)]) -> WriteStats {
        let staged = StagedOutput::begin(out).unwrap();
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
        let staged = StagedOutput::begin(&out).unwrap();
        staged.write("index.html", b"half-built").unwrap();
        staged.abort();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "home"
        );
    }

    #[test]
    fn refuses_folders_that_are_not_sites() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("thesis.docx"), "x").unwrap();
        let err = StagedOutput::begin(dir.path()).err().unwrap().to_string();
        assert!(err.starts_with("refusing to replace"), "{err}");
    }
}
