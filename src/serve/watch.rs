//! Which kind of change a batch of file events is. A pure function, so the
//! rules are tested without a watcher.

use std::path::Path;

use crate::load::is_ignored_path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    Content,
    Templates,
    Static,
    Config,
}

/// Sorts changed paths into kinds; editor temp files and the output are ignored.
pub fn classify<'a>(
    paths: impl IntoIterator<Item = &'a Path>,
    root: &Path,
    theme_dir: &Path,
) -> Vec<ChangeKind> {
    let mut kinds = Vec::new();
    for p in paths {
        if is_ignored_path(p) {
            continue;
        }
        let kind = if p == root.join(crate::config::CONFIG_FILE) {
            Some(ChangeKind::Config)
        } else if p.starts_with(root.join("content")) {
            Some(ChangeKind::Content)
        } else if p.starts_with(root.join("templates"))
            || p.starts_with(theme_dir.join("templates"))
            || p == theme_dir.join("theme.yaml")
        {
            Some(ChangeKind::Templates)
        } else if p.starts_with(root.join("static")) || p.starts_with(theme_dir.join("static")) {
            Some(ChangeKind::Static)
        } else {
            None
        };
        if let Some(k) = kind
            && !kinds.contains(&k)
        {
            kinds.push(k);
        }
    }
    kinds.sort();
    kinds
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn sorts_events_and_skips_editor_files() {
        let root = PathBuf::from("/s");
        let theme = root.join("themes/default");
        let paths = [
            root.join("content/a/b.md"),
            root.join("content/a/.b.md.swp"),
            root.join("content/a/b.md~"),
            theme.join("templates/base.html"),
            root.join("static/x.css"),
            root.join("public/index.html"),
            root.join("config.yaml"),
        ];
        let kinds = classify(paths.iter().map(PathBuf::as_path), &root, &theme);
        assert_eq!(
            kinds,
            [
                ChangeKind::Content,
                ChangeKind::Templates,
                ChangeKind::Static,
                ChangeKind::Config
            ]
        );
        assert!(classify([root.join("content/4913").as_path()], &root, &theme).is_empty());
    }
}
