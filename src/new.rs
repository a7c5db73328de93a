//! `bantin new`: a reporter's new article, ready to write in: its file named
//! from the title, the date of now in site time, the byline, `draft: true`
//! so nothing is published by accident, and the next free `id` (for stable
//! `:id` URLs).

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use jiff::Timestamp;

use crate::config::Config;
use crate::fsx;
use crate::text::slugify;

/// The article a newsroom gets when the site has no `archetypes/article.md`.
const DEFAULT_ARCHETYPE: &str = "---\ntitle: {{ title }}\ndate: {{ date }}\nauthors: {{ authors }}\ntags: []\nid: {{ id }}\ndraft: true\n---\n\n";

/// What `new` made.
#[derive(Debug)]
pub struct NewArticle {
    /// Relative to the site root (`content/thoi-su/tieu-de.md`).
    pub path: PathBuf,
    pub id: u64,
}

/// Writes a new article in `section` (a folder of content/, or a section
/// name: "Thời sự" finds `content/thoi-su/`). Never overwrites: a taken
/// name gets `-2`, `-3`...
pub fn new_article(
    config: &Config,
    section: &str,
    title: &str,
    authors: &[String],
    now: Timestamp,
) -> Result<NewArticle> {
    let title = crate::text::nfc(title.trim());
    let slug = slugify(&title);
    if slug.is_empty() {
        bail!("the title {title:?} has no letters or digits to name the file by");
    }
    let content = config.root.join("content");
    let folder = section_folder(&content, section)?;
    let name = crate::import::file_name(&slug, &|n| folder.join(n).exists());
    let id = next_id(&content);
    let date = now.to_zoned_datetime(config.timezone.clone());
    let authors_yaml = format!(
        "[{}]",
        authors
            .iter()
            .map(|a| yaml_string(a))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let archetype_path = config.root.join("archetypes/article.md");
    let archetype = match std::fs::read_to_string(&archetype_path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => DEFAULT_ARCHETYPE.to_string(),
        Err(e) => bail!("cannot read {}: {e}", archetype_path.display()),
    };
    let text = archetype
        .replace("{{ title }}", &yaml_string(&title))
        .replace("{{ date }}", &date.strftime("%Y-%m-%d %H:%M").to_string())
        .replace("{{ authors }}", &authors_yaml)
        .replace("{{ id }}", &id.to_string())
        .replace(
            "{{ section }}",
            &yaml_string(&folder.file_name().unwrap_or_default().to_string_lossy()),
        );
    let path = folder.join(&name);
    fsx::write_creating_dirs(&path, text.as_bytes())?;
    Ok(NewArticle {
        path: path
            .strip_prefix(&config.root)
            .unwrap_or(&path)
            .to_path_buf(),
        id,
    })
}

/// The folder of content/ for `section`: an existing folder whose name or
/// slug matches, else a new one named by the slug.
fn section_folder(content: &Path, section: &str) -> Result<PathBuf> {
    let wanted = slugify(section);
    if wanted.is_empty() || section.contains(['/', '\\']) || section.contains("..") {
        bail!("{section:?} is not a section name; use one like thoi-su or \"Thời sự\"");
    }
    if let Ok(entries) = std::fs::read_dir(content) {
        let mut dirs: Vec<PathBuf> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
            .map(|e| e.path())
            .collect();
        dirs.sort();
        for d in dirs {
            let name = d.file_name().unwrap_or_default().to_string_lossy();
            if name == section || slugify(&name) == wanted {
                return Ok(d);
            }
        }
    }
    Ok(content.join(wanted))
}

/// One more than the largest numeric `id:` in content/'s front matter, so
/// ids grow like a newsroom system's. Two editors on two machines can still
/// pick the same one; the build reports duplicates.
fn next_id(content: &Path) -> u64 {
    let mut max = 0;
    for entry in walkdir::WalkDir::new(content)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
    {
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        let Some(front) = text.strip_prefix("---\n") else {
            continue;
        };
        let front = &front[..front.find("\n---").unwrap_or(front.len())];
        for line in front.lines() {
            if let Some(v) = line.strip_prefix("id:")
                && let Ok(n) = v.trim().trim_matches(['"', '\'']).parse::<u64>()
            {
                max = max.max(n);
            }
        }
    }
    max + 1
}

/// A YAML double-quoted string.
fn yaml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
