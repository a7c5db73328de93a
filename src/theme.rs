//! Finds a theme's templates, static files and strings: from `themes/<name>/`
//! on disk, or the default theme built into the binary. The site's own
//! `templates/` and `static/` override the theme's, file by file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::config::Config;
use crate::load::slash_path;

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

/// Reads the theme and the site's `templates/` and `static/`. A symbolic
/// link among them that leaves the site (or is broken, or loops) is a
/// content error, all of them reported together; see [`crate::walk`].
/// Where `key` is in config.yaml (a top-level key, or with `nested` one
/// indented under a map such as `strings:`), for errors about its value.
fn config_key_location(config: &Config, key: &str, nested: bool) -> crate::error::Location {
    let file = std::path::Path::new(crate::config::CONFIG_FILE);
    let text =
        std::fs::read_to_string(config.root.join(crate::config::CONFIG_FILE)).unwrap_or_default();
    if nested {
        for (i, line) in text.lines().enumerate() {
            let t = line.trim_start();
            if line.len() > t.len()
                && (t.starts_with(&format!("{key}:")) || t.starts_with(&format!("\"{key}\":")))
            {
                return crate::error::Location::new(file, i + 1, line.len() - t.len() + 1);
            }
        }
    }
    crate::yaml::key_location(file, &text, 1, key)
}

pub fn load_theme(config: &Config) -> Result<Theme> {
    let mut theme = Theme::default();
    let mut links = Vec::new();
    let dir = config.theme_dir();
    let theme_yaml: Option<(String, String)>;
    if dir.is_dir() {
        for (rel, abs) in walk(config, &dir.join("templates"), &mut links)? {
            let text = crate::fsx::read_to_string(&abs)?;
            theme.templates.insert(rel, (text, display(config, &abs)));
        }
        for (rel, abs) in walk(config, &dir.join("static"), &mut links)? {
            theme.static_files.insert(rel, Asset::Disk(abs));
        }
        let yaml = dir.join("theme.yaml");
        // Its strings are printed on every page, so it may not come from
        // outside the site either.
        theme_yaml = if std::fs::symlink_metadata(&yaml).is_err() {
            None
        } else if let Some(e) = crate::walk::check_inside(
            &config.root,
            &crate::fsx::canonicalize(&config.root)?,
            &yaml,
        )? {
            links.push(e);
            None
        } else if yaml.is_file() {
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
        let at = config_key_location(config, "theme", false);
        return Err(crate::error::ContentErrors(vec![
            crate::error::ContentError::new(
                at,
                format!(
                    "theme \"{}\" not found: there is no folder {}",
                    config.theme,
                    dir.display()
                ),
            )
            .help("set `theme:` to a folder under themes/, or to `default` for the built-in theme"),
        ])
        .into());
    }
    let has_strings = theme_yaml.is_some();
    if let Some((text, name)) = theme_yaml {
        let file: ThemeFile = serde_yaml::from_str(&text).map_err(|e| {
            crate::error::ContentErrors(vec![crate::yaml::yaml_error(
                std::path::Path::new(&name),
                &text,
                1,
                &e,
            )])
        })?;
        theme.strings = file.strings;
    }
    // A misspelt string would be printed nowhere while the theme's stays:
    // only keys the theme knows may be overridden.
    let mut unknown = Vec::new();
    for (k, v) in &config.strings {
        if has_strings && !theme.strings.contains_key(k) {
            let nearest = theme
                .strings
                .keys()
                .map(|t| (strsim::damerau_levenshtein(t, k), t))
                .filter(|(d, t)| *d <= 2 && *d < t.len())
                .min();
            unknown.push(
                crate::error::ContentError::new(
                    config_key_location(config, k, true),
                    match nearest {
                        Some((_, t)) => format!("unknown string `{k}` in strings:; did you mean `{t}`?"),
                        None => format!("unknown string `{k}` in strings:"),
                    },
                )
                .help("strings: overrides the theme's interface text; its keys are in the theme's theme.yaml"),
            );
            continue;
        }
        theme.strings.insert(k.clone(), v.clone());
    }
    if !unknown.is_empty() {
        return Err(crate::error::ContentErrors(unknown).into());
    }
    for (rel, abs) in walk(config, &config.root.join("templates"), &mut links)? {
        let text = crate::fsx::read_to_string(&abs)?;
        theme.templates.insert(rel, (text, display(config, &abs)));
    }
    for (rel, abs) in walk(config, &config.root.join("static"), &mut links)? {
        theme.static_files.insert(rel, Asset::Disk(abs));
    }
    if !links.is_empty() {
        links.sort_by(|a, b| a.location.cmp(&b.location));
        return Err(crate::error::ContentErrors(links).into());
    }
    Ok(theme)
}

fn display(config: &Config, p: &Path) -> String {
    slash_path(p.strip_prefix(&config.root).unwrap_or(p))
}

/// Files under `dir` as (path relative to `dir`, path), sorted; refused
/// links go to `links`. None if `dir` is absent.
fn walk(
    config: &Config,
    dir: &Path,
    links: &mut Vec<crate::error::ContentError>,
) -> Result<Vec<(String, PathBuf)>> {
    let found = crate::walk::walk_site_dir(&config.root, dir)?;
    links.extend(found.errors);
    Ok(found
        .files
        .into_iter()
        .map(|abs| (slash_path(abs.strip_prefix(dir).expect("under dir")), abs))
        .collect())
}
