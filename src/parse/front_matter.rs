//! Splits `---` YAML front matter from a Markdown body and reads its keys one
//! by one, so each mistake points at the line of the key that holds it.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde_yaml::{Mapping, Value};

use crate::error::{ContentError, Location};
use crate::yaml::{key_location, yaml_error};

/// A file split into its front matter and body.
#[derive(Debug, PartialEq, Eq)]
pub struct Split<'a> {
    pub front_matter: &'a str,
    /// File line of the front matter's first line (2 when the file opens with `---`).
    pub fm_line: usize,
    pub body: &'a str,
}

/// Splits `text` (already NFC, LF). The opening `---` must be the first line;
/// the closing one is a line of `---` or `...`.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, ContentError> {
    let first_end = text.find('\n').unwrap_or(text.len());
    if text[..first_end].trim_end() != "---" {
        return Err(ContentError::new(Location::new(path, 1, 1), "missing front matter").help(
            "start the file with a line `---`, then `title: ...` and `date: ...`, then a closing `---`",
        ));
    }
    let fm_start = (first_end + 1).min(text.len());
    let mut pos = fm_start;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i);
        let line = text[pos..end].trim_end();
        if line == "---" || line == "..." {
            let body_start = (end + 1).min(text.len());
            return Ok(Split {
                front_matter: &text[fm_start..pos],
                fm_line: 2,
                body: &text[body_start..],
            });
        }
        pos = end + 1;
    }
    Err(
        ContentError::new(Location::new(path, 1, 1), "front matter is never closed")
            .help("add a line `---` after the last front-matter key"),
    )
}

/// The front matter as a YAML mapping, with typed accessors that report
/// errors at the key's line.
pub struct FrontMatter<'a> {
    path: &'a Path,
    text: &'a str,
    first_line: usize,
    map: Mapping,
}

impl<'a> FrontMatter<'a> {
    pub fn parse(path: &'a Path, split: &Split<'a>) -> Result<Self, ContentError> {
        let value: Value = if split.front_matter.trim().is_empty() {
            Value::Mapping(Mapping::new())
        } else {
            serde_yaml::from_str(split.front_matter)
                .map_err(|e| yaml_error(path, split.front_matter, split.fm_line, &e))?
        };
        let map = match value {
            Value::Mapping(m) => m,
            _ => {
                return Err(ContentError::new(
                    Location::new(path, split.fm_line, 1),
                    "front matter is not a list of keys",
                )
                .help("write one `key: value` per line"));
            }
        };
        Ok(FrontMatter {
            path,
            text: split.front_matter,
            first_line: split.fm_line,
            map,
        })
    }

    pub fn location(&self, key: &str) -> Location {
        key_location(self.path, self.text, self.first_line, key)
    }

    /// Where the front matter starts (for keys that are missing).
    pub fn start(&self) -> Location {
        Location::new(self.path, self.first_line - 1, 1)
    }

    pub fn has(&self, key: &str) -> bool {
        self.map.contains_key(key)
    }

    /// Takes `key` out of the map.
    pub fn take<T: DeserializeOwned>(
        &mut self,
        key: &str,
        expected: &str,
    ) -> Result<Option<T>, ContentError> {
        match self.map.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => serde_yaml::from_value(v.clone()).map(Some).map_err(|_| {
                ContentError::new(
                    self.location(key),
                    format!("`{key}` is {}; it must be {expected}", describe(&v)),
                )
                .help(format!("write `{key}:` followed by {expected}"))
            }),
        }
    }

    /// A list key that also accepts a single value (`tags: Cần Thơ`); numbers
    /// and booleans are taken as text (`tags: [Bầu cử, 2024]`).
    pub fn take_list(&mut self, key: &str) -> Result<Vec<String>, ContentError> {
        self.take_list_as(key, false)
    }

    /// [`take_list`](Self::take_list) for names (tags, authors): one string
    /// with commas is several names, as editors type them and as raw credits
    /// are read (`tags: "Giao thông, Ô Môn"`).
    pub fn take_names(&mut self, key: &str) -> Result<Vec<String>, ContentError> {
        self.take_list_as(key, true)
    }

    fn take_list_as(&mut self, key: &str, split_commas: bool) -> Result<Vec<String>, ContentError> {
        let scalar = |v: &Value| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        let wrong = |this: &Self, v: &Value| {
            ContentError::new(
                this.location(key),
                format!("`{key}` is {}; it must be a list of text", describe(v)),
            )
            .help(format!(
                "write `{key}: [\"a\", \"b\"]` or one `- item` per line"
            ))
        };
        match self.map.remove(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Sequence(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for v in &items {
                    let item = scalar(v).ok_or_else(|| wrong(self, v))?;
                    self.check_not_two_items(key, &item)?;
                    out.push(item);
                }
                Ok(out)
            }
            Some(v) => match scalar(&v) {
                Some(s) if split_commas => Ok(s
                    .split([',', ';'])
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .collect()),
                Some(s) => Ok(vec![s]),
                None => Err(wrong(self, &v)),
            },
        }
    }

    /// YAML folds a line indented deeper than the item above it into that
    /// item, so a second `- name` pushed two spaces right silently becomes
    /// "First Name - Second Name", one author. An item holding ` - X` where
    /// the front matter has a line `- X` is that mistake.
    fn check_not_two_items(&self, key: &str, item: &str) -> Result<(), ContentError> {
        let Some((_, second)) = item.split_once(" - ") else {
            return Ok(());
        };
        let second = second.trim();
        for (i, line) in self.text.lines().enumerate() {
            let t = line.trim_start();
            if t.strip_prefix("- ").is_some_and(|rest| {
                let rest = rest.trim().trim_matches(['"', '\'']);
                !rest.is_empty() && second.starts_with(rest)
            }) {
                let col = line.len() - t.len() + 1;
                return Err(ContentError::new(
                    Location::new(self.path, self.first_line + i, col),
                    format!("this `- ` item of `{key}` is indented deeper than the one above, so YAML joined them into one: \"{item}\""),
                )
                .help("start every `- ` item of a list in the same column"));
            }
        }
        Ok(())
    }

    /// What is left after the known keys were taken becomes `page.extra`:
    /// the keys of `extra:`, and the keys bantin writes itself but does not
    /// interpret (`pass_through`). Anything else is a mistake, reported with
    /// the nearest known key, because a misspelt key dropped without a word
    /// can publish what must not be (`drafts: true` is not `draft: true`).
    pub fn into_extra(
        mut self,
        known: &[&str],
        pass_through: &[&str],
    ) -> Result<serde_json::Map<String, serde_json::Value>, Vec<ContentError>> {
        let mut errors = Vec::new();
        let mut extra = serde_json::Map::new();
        match self.map.remove("extra") {
            None | Some(Value::Null) => {}
            Some(Value::Mapping(m)) => {
                if let serde_json::Value::Object(o) = crate::yaml::to_json(&Value::Mapping(m)) {
                    extra = o;
                }
            }
            Some(v) => errors.push(
                ContentError::new(
                    self.location("extra"),
                    format!("`extra` is {}; it must be a set of keys", describe(&v)),
                )
                .help("write `extra:` then one indented `key: value` per line"),
            ),
        }
        for (k, v) in std::mem::take(&mut self.map) {
            let key = match &k {
                Value::String(s) => s.clone(),
                other => crate::yaml::to_json(other).to_string(),
            };
            if pass_through.contains(&key.as_str()) {
                extra.insert(key, crate::yaml::to_json(&v));
                continue;
            }
            let at = self.location(&key);
            let nearest = known
                .iter()
                .chain(pass_through)
                .map(|k| (strsim::damerau_levenshtein(k, &key.to_lowercase()), *k))
                .filter(|(d, k)| *d <= 2 && *d < k.len())
                .min();
            let message = match nearest {
                Some((_, k)) => format!("unknown key `{key}`; did you mean `{k}`?"),
                None => format!("unknown key `{key}`"),
            };
            errors.push(
                ContentError::new(Location::new(self.path, at.line, 1), message)
                    .help(format!("fix the spelling, or put your own fields under `extra:` (then `page.extra.{key}` in templates)")),
            );
        }
        if errors.is_empty() {
            Ok(extra)
        } else {
            Err(errors)
        }
    }

    /// What is left after the known keys were taken, unchecked (a section's
    /// `_index.md` reports its own unknown keys).
    pub fn into_rest(self) -> serde_json::Map<String, serde_json::Value> {
        match crate::yaml::to_json(&Value::Mapping(self.map)) {
            serde_json::Value::Object(m) => m,
            _ => serde_json::Map::new(),
        }
    }
}

/// A YAML value as an editor would name it in a message.
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "empty".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => format!("\"{s}\""),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a set of keys".into(),
        Value::Tagged(t) => format!("a value tagged {}", t.tag),
    }
}

/// A date key's text: YAML may hand us a string or (unquoted `2024`) a number.
pub fn date_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_front_matter() {
        let p = Path::new("a.md");
        let s = split(p, "---\ntitle: x\n---\nbody\n").unwrap();
        assert_eq!(s.front_matter, "title: x\n");
        assert_eq!(s.body, "body\n");
        let s = split(p, "---\ntitle: x\n...").unwrap();
        assert_eq!(s.body, "");
        let s = split(p, "---   \n---\n").unwrap();
        assert_eq!(s.front_matter, "");
    }

    #[test]
    fn rejects_missing_or_unclosed_front_matter() {
        let p = Path::new("a.md");
        assert_eq!(
            split(p, "title: x\n").unwrap_err().message,
            "missing front matter"
        );
        assert_eq!(
            split(p, "---\ntitle: x\n").unwrap_err().message,
            "front matter is never closed"
        );
        assert_eq!(split(p, "").unwrap_err().message, "missing front matter");
    }
}
