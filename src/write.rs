//! Stage 5: output. A build writes into a staging folder beside the output and
//! swaps it in only when every page rendered, so a failed build leaves the
//! previous site intact. Files whose bytes did not change are hard-linked from
//! the previous output instead of rewritten, so their mtimes stay put and
//! `rsync` and CDN caches see no change.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};

use crate::fsx;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct WriteStats {
    pub written: usize,
    pub unchanged: usize,
}

pub struct StagedOutput {
    output: PathBuf,
    staging: PathBuf,
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
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
        })
    }

    /// Writes one file (`rel` uses `/`, relative to the output root).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        debug_assert!(!rel.starts_with('/') && !rel.contains(".."));
        let target = self.staging.join(rel);
        if let Some(parent) = target.parent() {
            fsx::create_dir_all(parent)?;
        }
        let old = self.output.join(rel);
        if let Ok(meta) = std::fs::metadata(&old)
            && meta.is_file()
            && meta.len() == bytes.len() as u64
            && std::fs::read(&old).is_ok_and(|b| b == bytes)
            && std::fs::hard_link(&old, &target).is_ok()
        {
            self.unchanged.fetch_add(1, Ordering::Relaxed);
            return Ok(());
        }
        fsx::write(&target, bytes)?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Swaps the staged site in and removes the previous one.
    pub fn commit(self) -> Result<WriteStats> {
        let old = sibling(&self.output, "bantin-old");
        if old.exists() {
            fsx::remove_dir_all(&old)?;
        }
        if self.output.exists() {
            fsx::rename(&self.output, &old)?;
        }
        if let Err(e) = fsx::rename(&self.staging, &self.output) {
            // Put the previous site back before reporting.
            let _ = std::fs::rename(&old, &self.output);
            return Err(e);
        }
        if old.exists() {
            fsx::remove_dir_all(&old)?;
        }
        Ok(WriteStats {
            written: self.written.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
        })
    }

    /// Drops the staging folder; the previous output is untouched.
    pub fn abort(self) {
        let _ = std::fs::remove_dir_all(&self.staging);
    }
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
