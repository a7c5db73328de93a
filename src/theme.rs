//! Finds a theme's templates, static files and strings: from `themes/<name>/`
//! on disk, or the default theme built into the binary. The site's own
//! `templates/` and `static/` override the theme's, file by file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use walkdir::WalkDir;

use crate::config::Config;
use crate::load::{is_ignored_name, slash_path};

include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));

/// Where a file's bytes come from.
#[derive(Debug, Clone)]
pub enum Asset {
    Disk(PathBuf),
    Embedded(&'static [u8]),
}

impl Asset {
    pub fn bytes(&self) -> Result<std::borrow::Cow<'static, [u8]>> {
        Ok(match self {
            Asset::Disk(p) => crate::fsx::read(p)?.into(),
            Asset::Embedded(b) => (*b).into(),
        })
    }
}

#[derive(Debug, Default)]
pub struct Theme {
    /// Template name (relative to `templates/`) -> (source text, file shown in errors).
    pub templates: BTreeMap<String, (String, String)>,
    /// Output path -> file; site `static/` wins over the theme's.
    pub static_files: BTreeMap<String, Asset>,
    /// Theme strings merged with the config's `strings:`.
    pub strings: BTreeMap<String, String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[serde(default)]
    strings: BTreeMap<String, String>,
}

pub fn load_theme(config: &Config) -> Result<Theme> {
    let mut theme = Theme::default();
    let dir = config.theme_dir();
    let theme_yaml: Option<(String, String)>;
    if dir.is_dir() {
        for (rel, abs) in walk(&dir.join("templates"))? {
            let text = crate::fsx::read_to_string(&abs)?;
            theme.templates.insert(rel, (text, display(config, &abs)));
        }
        for (rel, abs) in walk(&dir.join("static"))? {
            theme.static_files.insert(rel, Asset::Disk(abs));
        }
        let yaml = dir.join("theme.yaml");
        theme_yaml = if yaml.is_file() {
            Some((crate::fsx::read_to_string(&yaml)?, display(config, &yaml)))
        } else {
            None
        };
    } else if config.theme == "default" {
        let mut yaml = None;
        for (rel, bytes) in DEFAULT_THEME {
            if let Some(name) = rel.strip_prefix("templates/") {
                let text = String::from_utf8_lossy(bytes).into_owned();
                theme.templates.insert(
                    name.to_string(),
                    (text, format!("(built-in default theme) {rel}")),
                );
            } else if let Some(name) = rel.strip_prefix("static/") {
                theme
                    .static_files
                    .insert(name.to_string(), Asset::Embedded(bytes));
            } else if *rel == "theme.yaml" {
                yaml = Some((
                    String::from_utf8_lossy(bytes).into_owned(),
                    "(built-in default theme) theme.yaml".to_string(),
                ));
            }
        }
        theme_yaml = yaml;
    } else {
        anyhow::bail!(
            "theme \"{}\" not found: there is no folder {}; set `theme:` in config.yaml to a folder under themes/",
            config.theme,
            dir.display()
        );
    }
    if let Some((text, name)) = theme_yaml {
        let file: ThemeFile =
            serde_yaml::from_str(&text).with_context(|| format!("{name} is not valid"))?;
        theme.strings = file.strings;
    }
    for (k, v) in &config.strings {
        theme.strings.insert(k.clone(), v.clone());
    }
    for (rel, abs) in walk(&config.root.join("templates"))? {
        let text = crate::fsx::read_to_string(&abs)?;
        theme.templates.insert(rel, (text, display(config, &abs)));
    }
    for (rel, abs) in walk(&config.root.join("static"))? {
        theme.static_files.insert(rel, Asset::Disk(abs));
    }
    Ok(theme)
}

fn display(config: &Config, p: &Path) -> String {
    slash_path(p.strip_prefix(&config.root).unwrap_or(p))
}

/// Files under `dir` (sorted, hidden and editor files skipped); none if `dir` is absent.
fn walk(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    let walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = entry.with_context(|| format!("cannot walk {}", dir.display()))?;
        if entry.file_type().is_file() {
            let rel = slash_path(entry.path().strip_prefix(dir).expect("under dir"));
            out.push((rel, entry.path().to_path_buf()));
        }
    }
    Ok(out)
}
