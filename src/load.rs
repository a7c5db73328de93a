//! Stage 1: find the content files. Reading and parsing happen in parallel in
//! the next stage; this walk only decides what each file is.

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::article::SourceKind;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceRole {
    Article(SourceKind),
    /// A section's `_index.md`.
    SectionIndex,
    /// Any other file (an image beside its article): copied as is.
    Asset,
}

#[derive(Debug, Clone)]
pub struct SourceFile {
    pub abs: PathBuf,
    /// Relative to the site root, `/`-separated (`content/thoi-su/a.md`).
    pub rel: PathBuf,
    /// Relative to `content/` (`thoi-su/a.md`).
    pub content_rel: String,
    pub role: SourceRole,
}

impl SourceFile {
    /// Output path of an asset: its folder as the section's URL segments
    /// (`Thể Thao/anh.svg` -> `the-thao/anh.svg`), so it sits beside the
    /// section's pages.
    pub fn asset_output(&self) -> String {
        match self.content_rel.rsplit_once('/') {
            Some((dir, file)) => {
                let dir: Vec<String> = dir.split('/').map(crate::text::slugify).collect();
                format!("{}/{file}", dir.join("/"))
            }
            None => self.content_rel.clone(),
        }
    }

    /// The section key: the folder inside `content/`, none at the top level.
    pub fn section(&self) -> Option<String> {
        self.content_rel
            .rsplit_once('/')
            .map(|(dir, _)| dir.to_string())
    }
}

/// Editor swap files, backups and hidden files never become pages.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "4913"
}

/// [`is_ignored_name`] for a path's file name.
pub fn is_ignored_path(p: &Path) -> bool {
    p.file_name()
        .is_some_and(|n| is_ignored_name(&n.to_string_lossy()))
}

/// Lists `root/content` in sorted order (so every later stage is
/// deterministic). Symbolic links are followed only inside the site; see
/// [`crate::walk`] for why any other link is an error.
pub fn load_sources(root: &Path) -> Result<Vec<SourceFile>> {
    let content = root.join("content");
    // A link named `content` that loops or leads nowhere is not "no folder":
    // the walk below reports it precisely.
    let is_link = std::fs::symlink_metadata(&content).is_ok_and(|m| m.is_symlink());
    if !is_link && !content.is_dir() {
        anyhow::bail!(
            "no content/ folder in {}: create it and put articles (.md or .txt) in it",
            root.display()
        );
    }
    let mut out = Vec::new();
    let walk = crate::walk::walk_site_dir(root, &content)?;
    let mut errors = walk.errors;
    for abs in walk.files {
        // A name that is not UTF-8 cannot become a URL without changing it,
        // and a link to the changed name would break.
        if abs
            .strip_prefix(&content)
            .ok()
            .and_then(|p| p.to_str())
            .is_none()
        {
            errors.push(
                crate::error::ContentError::new(
                    crate::error::Location::file(
                        PathBuf::from("content").join(abs.strip_prefix(&content).unwrap_or(&abs)),
                    ),
                    "the file name is not valid UTF-8",
                )
                .help("rename the file (or its folder) using UTF-8, as every current system does"),
            );
            continue;
        }
        let content_rel = slash_path(
            abs.strip_prefix(&content)
                .expect("walkdir stays under its root"),
        );
        let name = abs
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().to_lowercase());
        let role = if name == "_index.md" {
            SourceRole::SectionIndex
        } else if name.ends_with(".md") || name.ends_with(".markdown") {
            SourceRole::Article(SourceKind::Markdown)
        } else if name.ends_with(".txt") {
            SourceRole::Article(SourceKind::Raw)
        } else {
            SourceRole::Asset
        };
        out.push(SourceFile {
            rel: PathBuf::from(format!("content/{content_rel}")),
            abs,
            content_rel,
            role,
        });
    }
    if !errors.is_empty() {
        errors.sort_by(|a, b| a.location.cmp(&b.location));
        return Err(crate::error::ContentErrors(errors).into());
    }
    Ok(out)
}

pub fn slash_path(p: &Path) -> String {
    p.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
