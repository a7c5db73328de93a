//! Walks a folder of the site (`content/`, `static/`, `templates/`, a theme)
//! and refuses symbolic links that lead out of the site, that lead nowhere,
//! or that loop.
//!
//! A link out of the site is an **error**, not a file skipped with a
//! warning. Skipping would make a file silently disappear from the site,
//! and following would publish whatever the link points at: a link
//! `content/tin/key.jpg -> ../../outside/id_rsa` put a private key on the
//! web. A publishing tool must never guess with secrets, so it stops and
//! names the link and its target; the fix (copy the file into the site) is
//! the user's call. Links that stay inside the site keep working, because
//! newsrooms use them to share an image between sections. A broken link or
//! a loop is an error too: it is a file the user expects to be published.

use std::path::{Path, PathBuf};

use anyhow::Context;
use walkdir::WalkDir;

use crate::error::{ContentError, Location};
use crate::load::{is_ignored_name, slash_path};

/// What a walk found: the files (paths under the walked folder, links not
/// resolved) and the links it refused.
#[derive(Debug, Default)]
pub struct Walk {
    pub files: Vec<PathBuf>,
    pub errors: Vec<ContentError>,
}

/// Lists the files under `dir` (sorted by name, hidden and editor files
/// skipped), following symbolic links that stay inside `root`, the site
/// folder. A link whose resolved target is outside `root`, a broken link and
/// a link loop each become a [`ContentError`] naming the link, and nothing
/// under such a link is listed. `dir` itself may be a link: it is checked
/// the same way. An absent `dir` has no files.
///
/// Other I/O failures (a folder that cannot be read) are plain errors.
pub fn walk_site_dir(root: &Path, dir: &Path) -> anyhow::Result<Walk> {
    let mut walk = Walk::default();
    if std::fs::symlink_metadata(dir).is_err() {
        return Ok(walk);
    }
    let real_root = std::fs::canonicalize(root)
        .with_context(|| format!("cannot read the site folder {}", root.display()))?;
    let mut it = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    while let Some(entry) = it.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                walk.errors.push(walk_error(root, dir, e)?);
                continue;
            }
        };
        // With `follow_links`, walkdir marks every followed link (and the
        // starting folder, which may be one); only those can leave the site.
        if entry.path_is_symlink()
            && let Some(error) = check_inside(root, &real_root, entry.path())?
        {
            walk.errors.push(error);
            if entry.file_type().is_dir() {
                it.skip_current_dir();
            }
            continue;
        }
        if entry.file_type().is_file() {
            walk.files.push(entry.into_path());
        }
    }
    Ok(walk)
}

/// Checks one path of the site that bantin reads (a link, a folder of the
/// site, `theme.yaml`): `None` when it resolves inside the site (`real_root`
/// is the canonical `root`), the error to report otherwise.
pub fn check_inside(
    root: &Path,
    real_root: &Path,
    path: &Path,
) -> anyhow::Result<Option<ContentError>> {
    let real = match std::fs::canonicalize(path) {
        Ok(real) => real,
        Err(e) => return link_error(root, path, e).map(Some),
    };
    if real.starts_with(real_root) {
        return Ok(None);
    }
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.is_symlink());
    let message = if is_link {
        format!(
            "symbolic link to {}, which is outside the site folder",
            real.display()
        )
    } else {
        format!(
            "reached through a symbolic link: it is {}, which is outside the site folder",
            real.display()
        )
    };
    Ok(Some(
        ContentError::new(Location::file(shown(root, path)), message).help(
            "copy the file into the site instead of linking to it: bantin never publishes files from outside the site folder",
        ),
    ))
}

/// The error for a path whose link cannot be followed, or a plain I/O error
/// when the path is not a link at all.
fn link_error(root: &Path, path: &Path, e: std::io::Error) -> anyhow::Result<ContentError> {
    let location = Location::file(shown(root, path));
    let Ok(target) = std::fs::read_link(path) else {
        return Err(anyhow::Error::new(e).context(format!("cannot read {}", path.display())));
    };
    Ok(if link_loops(path) {
        ContentError::new(
            location,
            format!(
                "symbolic link loop: it points to {}, and following the links never reaches a file or folder",
                target.display()
            ),
        )
        .help("remove the link, or point it at a file or folder inside the site")
    } else if e.kind() == std::io::ErrorKind::NotFound {
        ContentError::new(
            location,
            format!(
                "broken symbolic link: its target {} does not exist",
                target.display()
            ),
        )
        .help("remove the link, or point it at a file inside the site")
    } else {
        ContentError::new(
            location,
            format!(
                "cannot follow the symbolic link to {}: {e}",
                target.display()
            ),
        )
    })
}

/// Turns walkdir's error into a located one: a loop back to a folder being
/// walked, a broken or looping link. Anything else is an I/O error.
fn walk_error(root: &Path, dir: &Path, e: walkdir::Error) -> anyhow::Result<ContentError> {
    let Some(path) = e.path().map(Path::to_path_buf) else {
        return Err(anyhow::Error::new(e).context(format!("cannot walk {}", dir.display())));
    };
    if let Some(ancestor) = e.loop_ancestor() {
        return Ok(ContentError::new(
            Location::file(shown(root, &path)),
            format!(
                "symbolic link loop: it leads back to {}, which contains it",
                slash_path(&shown(root, ancestor))
            ),
        )
        .help("remove the link, or point it at a folder that does not contain it"));
    }
    match e.into_io_error() {
        Some(io) => link_error(root, &path, io),
        None => anyhow::bail!("cannot walk {}", dir.display()),
    }
}

/// Whether following the link at `path` link by link comes back to a link
/// already seen (the OS says "too many levels of symbolic links", but std
/// has no stable error kind for it).
fn link_loops(path: &Path) -> bool {
    let mut seen = std::collections::HashSet::new();
    let mut current = path.to_path_buf();
    // The OS gives up after 40 links on Linux; so do we.
    for _ in 0..40 {
        let Ok(target) = std::fs::read_link(&current) else {
            return false;
        };
        let next = current.parent().unwrap_or(Path::new("")).join(target);
        let key = std::path::absolute(&next).unwrap_or_else(|_| next.clone());
        if !seen.insert(key) {
            return true;
        }
        current = next;
    }
    true
}

/// A path as the user sees it: relative to the site folder where it is inside.
fn shown(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map_or_else(|_| path.to_path_buf(), Path::to_path_buf)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn messages(walk: &Walk) -> Vec<String> {
        walk.errors.iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn follows_links_inside_and_refuses_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        let content = root.join("content");
        std::fs::create_dir_all(content.join("a")).unwrap();
        std::fs::create_dir_all(tmp.path().join("outside")).unwrap();
        std::fs::write(tmp.path().join("outside/secret"), "x").unwrap();
        std::fs::write(content.join("a/anh.jpg"), "jpg").unwrap();
        symlink("anh.jpg", content.join("a/cung-anh.jpg")).unwrap();
        symlink("a", content.join("b")).unwrap();
        symlink("../../../outside/secret", content.join("a/key")).unwrap();
        symlink("../../outside", content.join("ngoai")).unwrap();
        symlink("khong-co.jpg", content.join("a/mat.jpg")).unwrap();
        symlink("vong", content.join("vong")).unwrap();
        symlink("..", content.join("a/len")).unwrap();

        let walk = walk_site_dir(&root, &content).unwrap();
        let files: Vec<String> = walk
            .files
            .iter()
            .map(|f| slash_path(f.strip_prefix(&content).unwrap()))
            .collect();
        assert_eq!(
            files,
            ["a/anh.jpg", "a/cung-anh.jpg", "b/anh.jpg", "b/cung-anh.jpg"]
        );
        let real_outside = std::fs::canonicalize(tmp.path().join("outside")).unwrap();
        let msgs = messages(&walk);
        let help = "\n  help: copy the file into the site instead of linking to it: bantin never publishes files from outside the site folder";
        assert_eq!(
            msgs,
            [
                format!(
                    "content/a/key: symbolic link to {}, which is outside the site folder{help}",
                    real_outside.join("secret").display()
                ),
                "content/a/len: symbolic link loop: it leads back to content, which contains it\n  help: remove the link, or point it at a folder that does not contain it".to_string(),
                "content/a/mat.jpg: broken symbolic link: its target khong-co.jpg does not exist\n  help: remove the link, or point it at a file inside the site".to_string(),
                // Reached again through the link b -> a.
                format!(
                    "content/b/key: symbolic link to {}, which is outside the site folder{help}",
                    real_outside.join("secret").display()
                ),
                "content/b/len: symbolic link loop: it leads back to content, which contains it\n  help: remove the link, or point it at a folder that does not contain it".to_string(),
                "content/b/mat.jpg: broken symbolic link: its target khong-co.jpg does not exist\n  help: remove the link, or point it at a file inside the site".to_string(),
                format!(
                    "content/ngoai: symbolic link to {}, which is outside the site folder{help}",
                    real_outside.display()
                ),
                "content/vong: symbolic link loop: it points to vong, and following the links never reaches a file or folder\n  help: remove the link, or point it at a file or folder inside the site".to_string(),
            ]
        );
    }

    #[test]
    fn checks_the_walked_folder_itself() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        std::fs::create_dir_all(tmp.path().join("shared/static")).unwrap();
        symlink("../shared/static", root.join("static")).unwrap();
        let walk = walk_site_dir(&root, &root.join("static")).unwrap();
        assert!(walk.files.is_empty());
        assert!(
            messages(&walk)[0].starts_with("static: symbolic link to "),
            "{:?}",
            messages(&walk)
        );
        assert!(
            walk_site_dir(&root, &root.join("templates"))
                .unwrap()
                .errors
                .is_empty()
        );
    }
}
