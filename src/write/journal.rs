//! The commit step, made crash-safe with a journal.
//!
//! A rebuild changes only the files whose bytes changed, so its commit is a
//! list of moves: each stale file goes from the output into the staging
//! folder's `old/` tree, each new or changed file from `new/` into the
//! output (the file it replaces goes to `old/` first). Before the first move,
//! the list is written to a journal beside the output (written to a
//! temporary name and renamed, so it is complete or absent). If the process
//! dies at any point of the commit, the next bantin that opens the output
//! (build, check, serve) finds the journal and finishes the commit, so the
//! output is the new site, exactly; if a move fails (a read-only folder, a
//! full disk), the moves already made are undone, so the output is the
//! previous site, exactly. Every step checks what is on disk before acting,
//! which makes both replay and undo idempotent: a kill during either is
//! repaired by running it again.
//!
//! Why a journal and not two whole trees swapped with one rename: a swap
//! needs a complete copy of the site (hard links for unchanged files) on
//! every build, a cost proportional to the whole archive, where the journal
//! costs only what changed. The limit: the moves survive the death of the
//! process, not of the machine (no fsync per file; a power cut mid-commit
//! can leave a zero-length new page on some file systems).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::fsx;

const HEADER: &str = "bantin-journal 1";

/// The moves of one commit, relative to the output root.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Journal {
    /// Files of the previous site that the new one does not have.
    pub(super) remove: Vec<String>,
    /// Files staged under `new/` that go into the output.
    pub(super) put: Vec<String>,
}

impl Journal {
    pub(super) fn is_empty(&self) -> bool {
        self.remove.is_empty() && self.put.is_empty()
    }

    fn to_text(&self) -> String {
        let mut s = String::from(HEADER);
        s.push('\n');
        for r in &self.remove {
            s.push_str("remove ");
            s.push_str(r);
            s.push('\n');
        }
        for p in &self.put {
            s.push_str("put ");
            s.push_str(p);
            s.push('\n');
        }
        s.push_str("end\n");
        s
    }

    fn parse(text: &str) -> Option<Journal> {
        let mut lines = text.lines();
        if lines.next()? != HEADER {
            return None;
        }
        let mut j = Journal::default();
        for line in lines {
            match line.split_once(' ') {
                Some(("remove", rel)) if is_relative(rel) => j.remove.push(rel.to_string()),
                Some(("put", rel)) if is_relative(rel) => j.put.push(rel.to_string()),
                None if line == "end" => return Some(j),
                _ => return None,
            }
        }
        // No `end`: not a journal this code wrote.
        None
    }
}

/// A path that stays inside the folder it is joined to.
fn is_relative(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.starts_with('/')
        && !rel.split(['/', '\\']).any(|s| s == ".." || s.is_empty())
}

/// Where the pieces of one commit live.
#[derive(Debug, Clone)]
pub(super) struct Paths {
    pub(super) output: PathBuf,
    pub(super) staging: PathBuf,
    pub(super) journal: PathBuf,
    pub(super) manifest: PathBuf,
}

impl Paths {
    pub(super) fn new(output: &Path) -> Paths {
        Paths {
            output: output.to_path_buf(),
            staging: super::sibling(output, "bantin-staging"),
            journal: super::sibling(output, "bantin-journal"),
            manifest: super::sibling(output, "bantin-manifest"),
        }
    }

    pub(super) fn new_tree(&self) -> PathBuf {
        self.staging.join("new")
    }

    fn old_tree(&self) -> PathBuf {
        self.staging.join("old")
    }

    /// The next manifest, promoted when the moves are done.
    pub(super) fn staged_manifest(&self) -> PathBuf {
        self.staging.join("manifest")
    }
}

/// Test hooks: `BANTIN_FAILPOINT=stage-kill:N` stops the process dead
/// after staging N files; `commit-kill:N` stops the process dead
/// (abort, no cleanup, like `kill -9`) after the Nth move of a commit;
/// `commit-fail:N` makes the Nth move fail like an I/O error; `journal-kill`
/// stops right after the journal is written, `manifest-kill` right after the
/// manifest is promoted. Read once per process.
pub(super) fn failpoint(name: &str, n: usize) -> Option<()> {
    static SPEC: std::sync::OnceLock<Option<(String, usize)>> = std::sync::OnceLock::new();
    let spec = SPEC.get_or_init(|| {
        let v = std::env::var("BANTIN_FAILPOINT").ok()?;
        match v.split_once(':') {
            Some((k, n)) => Some((k.to_string(), n.parse().ok()?)),
            None => Some((v, 0)),
        }
    });
    match spec {
        Some((k, at)) if k == name && *at == n => Some(()),
        _ => None,
    }
}

fn kill_point(name: &str, n: usize) {
    if failpoint(name, n).is_some() {
        std::process::abort();
    }
}

/// Runs the commit: journal, moves, manifest. On a failed move, undoes the
/// moves made and returns the error with the output as it was.
pub(super) fn commit(paths: &Paths, journal: &Journal) -> Result<()> {
    let tmp = paths.journal.with_extension("tmp");
    fsx::write(&tmp, journal.to_text().as_bytes())?;
    fsx::rename(&tmp, &paths.journal)?;
    kill_point("journal-kill", 0);
    if let Err(e) = replay(paths, journal) {
        let undone = undo(paths, journal);
        return Err(match undone {
            Ok(()) => e.context(format!(
                "the update of {} failed and was undone; the previous site is intact",
                paths.output.display()
            )),
            Err(u) => e.context(format!(
                "the update of {} failed, and undoing it failed too ({u:#}); the next build will finish it",
                paths.output.display()
            )),
        });
    }
    finish(paths)
}

/// Finishes a commit that a killed process left, if any: true when there was
/// one. Called under the output lock before anything reads or writes the
/// output.
pub(super) fn recover(paths: &Paths) -> Result<bool> {
    let text = match std::fs::read_to_string(&paths.journal) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(e) => {
            return Err(e).with_context(|| format!("cannot read {}", paths.journal.display()));
        }
    };
    let Some(journal) = Journal::parse(&text) else {
        bail!(
            "{} is damaged, so an interrupted update of {} cannot be finished; delete the output folder and the journal, then build again",
            paths.journal.display(),
            paths.output.display()
        );
    };
    if !paths.staging.is_dir() {
        // The journal outlived its staging folder: nothing is left to move.
        let _ = std::fs::remove_file(&paths.journal);
        return Ok(true);
    }
    replay(paths, &journal).with_context(|| {
        format!(
            "cannot finish the interrupted update of {}",
            paths.output.display()
        )
    })?;
    finish(paths)?;
    Ok(true)
}

/// Promotes the manifest, drops the journal, then the staging folder (which
/// now holds only the replaced files).
fn finish(paths: &Paths) -> Result<()> {
    let staged = paths.staged_manifest();
    if staged.exists() {
        fsx::rename(&staged, &paths.manifest)?;
    }
    kill_point("manifest-kill", 0);
    std::fs::remove_file(&paths.journal)
        .with_context(|| format!("cannot remove {}", paths.journal.display()))?;
    let _ = std::fs::remove_dir_all(&paths.staging);
    Ok(())
}

/// Exists as anything, a dangling symlink included.
fn exists(p: &Path) -> bool {
    p.symlink_metadata().is_ok()
}

fn is_dir(p: &Path) -> bool {
    p.symlink_metadata().is_ok_and(|m| m.is_dir())
}

fn create_parent(p: &Path) -> Result<()> {
    match p.parent() {
        Some(parent) => fsx::create_dir_all(parent),
        None => Ok(()),
    }
}

/// Moves everything forward. Safe to run again after it stopped anywhere.
fn replay(paths: &Paths, j: &Journal) -> Result<()> {
    let (out, new, old) = (&paths.output, paths.new_tree(), paths.old_tree());
    let mut step = 0;
    let mut step_done = |what: &Path| -> Result<()> {
        step += 1;
        if failpoint("commit-fail", step).is_some() {
            bail!("cannot move {}: simulated failure", what.display());
        }
        kill_point("commit-kill", step);
        Ok(())
    };
    for rel in &j.remove {
        let (dst, bak) = (out.join(rel), old.join(rel));
        if exists(&dst) && !is_dir(&dst) && !exists(&bak) {
            create_parent(&bak)?;
            fsx::rename(&dst, &bak)?;
            step_done(&dst)?;
        }
    }
    // Folders emptied by the removals, so a new file may take a folder's name.
    prune_empty_parents(out, j.remove.iter().map(|r| out.join(r)));
    for rel in &j.put {
        let (src, dst, bak) = (new.join(rel), out.join(rel), old.join(rel));
        if !exists(&src) {
            continue; // moved in by an earlier run
        }
        if is_dir(&dst) {
            bail!(
                "cannot write {}: a folder with files bantin did not write is in the way; move it away and build again",
                dst.display()
            );
        }
        if exists(&dst) {
            if exists(&bak) {
                bail!(
                    "cannot write {}: both it and its backup exist; delete {} and build again",
                    dst.display(),
                    paths.staging.display()
                );
            }
            create_parent(&bak)?;
            fsx::rename(&dst, &bak)?;
        }
        // A file of someone else's where this page needs a folder.
        for anc in Path::new(rel).ancestors().skip(1) {
            if anc.as_os_str().is_empty() {
                break;
            }
            let a = out.join(anc);
            if exists(&a) && !is_dir(&a) {
                bail!(
                    "cannot write {}: {} is a file, not a folder; move it away and build again",
                    dst.display(),
                    a.display()
                );
            }
        }
        create_parent(&dst)?;
        fsx::rename(&src, &dst)?;
        step_done(&dst)?;
    }
    Ok(())
}

/// Moves everything back. Safe to run again after it stopped anywhere.
fn undo(paths: &Paths, j: &Journal) -> Result<()> {
    let (out, new, old) = (&paths.output, paths.new_tree(), paths.old_tree());
    for rel in j.put.iter().rev() {
        let (src, dst, bak) = (new.join(rel), out.join(rel), old.join(rel));
        if !exists(&src) && exists(&dst) && !is_dir(&dst) {
            create_parent(&src)?;
            fsx::rename(&dst, &src)?;
        }
        if exists(&bak) {
            create_parent(&dst)?;
            fsx::rename(&bak, &dst)?;
        }
    }
    for rel in j.remove.iter().rev() {
        let (dst, bak) = (out.join(rel), old.join(rel));
        if exists(&bak) {
            create_parent(&dst)?;
            fsx::rename(&bak, &dst)?;
        }
    }
    prune_empty_parents(out, j.put.iter().map(|r| out.join(r)));
    std::fs::remove_file(&paths.journal)
        .with_context(|| format!("cannot remove {}", paths.journal.display()))?;
    let _ = std::fs::remove_dir_all(&paths.staging);
    Ok(())
}

/// Removes the folders above `files` that are empty, up to (not including)
/// `root`; only those, since trying every folder costs a call per page.
pub(super) fn prune_empty_parents(root: &Path, files: impl Iterator<Item = PathBuf>) {
    let dirs: BTreeSet<(std::cmp::Reverse<usize>, PathBuf)> = files
        .filter_map(|f| f.parent().map(Path::to_path_buf))
        .map(|d| (std::cmp::Reverse(d.components().count()), d))
        .collect();
    for (_, mut dir) in dirs {
        // Up the tree while folders are empty; remove_dir fails on the first that is not.
        while dir.as_path() != root && dir.starts_with(root) && std::fs::remove_dir(&dir).is_ok() {
            if !dir.pop() {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_text_round_trips_and_rejects_damage() {
        let j = Journal {
            remove: vec!["a/index.html".into()],
            put: vec!["index.html".into(), "b/index.html".into()],
        };
        assert_eq!(Journal::parse(&j.to_text()), Some(j.clone()));
        let text = j.to_text();
        assert_eq!(Journal::parse(text.trim_end_matches("end\n")), None);
        assert_eq!(Journal::parse("bantin-journal 1\nput ../x\nend\n"), None);
        assert_eq!(Journal::parse("bantin-journal 1\nput /etc/x\nend\n"), None);
    }

    fn tree(root: &Path) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = walkdir::WalkDir::new(root)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap())
            .map(|e| {
                let rel = e.path().strip_prefix(root).unwrap().display().to_string();
                let body = if e.file_type().is_dir() {
                    "/".to_string()
                } else {
                    std::fs::read_to_string(e.path()).unwrap()
                };
                (rel, body)
            })
            .collect();
        v.sort();
        v
    }

    /// Sets up: output with a, b/x, c; new site: a changed, b/x removed, d/y added.
    fn setup(dir: &Path) -> (Paths, Journal) {
        let paths = Paths::new(&dir.join("public"));
        let out = &paths.output;
        std::fs::create_dir_all(out.join("b")).unwrap();
        std::fs::write(out.join("a"), "a1").unwrap();
        std::fs::write(out.join("b/x"), "x1").unwrap();
        std::fs::write(out.join("c"), "c1").unwrap();
        let new = paths.new_tree();
        std::fs::create_dir_all(new.join("d")).unwrap();
        std::fs::write(new.join("a"), "a2").unwrap();
        std::fs::write(new.join("d/y"), "y2").unwrap();
        std::fs::write(paths.staged_manifest(), "a\nc\nd/y\n").unwrap();
        let j = Journal {
            remove: vec!["b/x".into()],
            put: vec!["a".into(), "d/y".into()],
        };
        (paths, j)
    }

    #[test]
    fn replay_is_idempotent_and_undo_restores_the_previous_site() {
        let dir = tempfile::tempdir().unwrap();
        let (paths, j) = setup(dir.path());
        let before = tree(&paths.output);
        // Stop after the first move, then undo: the old site, exactly.
        std::fs::write(&paths.journal, j.to_text()).unwrap();
        let (out, bak) = (&paths.output, paths.old_tree());
        std::fs::create_dir_all(bak.join("b")).unwrap();
        std::fs::rename(out.join("b/x"), bak.join("b/x")).unwrap();
        undo(&paths, &j).unwrap();
        assert_eq!(tree(out), before);
        assert!(!paths.journal.exists() && !paths.staging.exists());

        // Replay twice (as after a kill during the first), then finish.
        let dir = tempfile::tempdir().unwrap();
        let (paths, j) = setup(dir.path());
        std::fs::write(&paths.journal, j.to_text()).unwrap();
        replay(&paths, &j).unwrap();
        replay(&paths, &j).unwrap();
        assert!(recover(&paths).unwrap());
        let want: Vec<(String, String)> = [("a", "a2"), ("c", "c1"), ("d", "/"), ("d/y", "y2")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        assert_eq!(tree(&paths.output), want, "b/ emptied and removed");
        assert_eq!(
            std::fs::read_to_string(&paths.manifest).unwrap(),
            "a\nc\nd/y\n"
        );
        assert!(!recover(&paths).unwrap(), "nothing left to recover");
    }

    #[test]
    fn a_folder_in_the_way_fails_the_commit_and_it_is_undone() {
        let dir = tempfile::tempdir().unwrap();
        let (paths, mut j) = setup(dir.path());
        // Someone's folder where the new site puts a file.
        std::fs::create_dir_all(paths.output.join("z")).unwrap();
        std::fs::write(paths.output.join("z/keep.txt"), "mine").unwrap();
        std::fs::write(paths.new_tree().join("z"), "page").unwrap();
        j.put.push("z".into());
        let before = tree(&paths.output);
        let err = commit(&paths, &j).unwrap_err();
        assert!(format!("{err:#}").contains("was undone"), "{err:#}");
        assert_eq!(tree(&paths.output), before);
        assert!(!paths.journal.exists());
    }
}
