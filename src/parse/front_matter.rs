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

    /// Takes `key` out of the map (what stays behind becomes `extra`).
    pub fn take<T: DeserializeOwned>(
        &mut self,
        key: &str,
        expected: &str,
    ) -> Result<Option<T>, ContentError> {
        match self.map.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => serde_yaml::from_value(v).map(Some).map_err(|e| {
                let msg = e.to_string();
                let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
                ContentError::new(self.location(key), format!("`{key}`: {msg}"))
                    .help(format!("`{key}` must be {expected}"))
            }),
        }
    }

    /// A list key that also accepts a single value (`tags: Cần Thơ`); numbers
    /// and booleans are taken as text (`tags: [Bầu cử, 2024]`).
    pub fn take_list(&mut self, key: &str) -> Result<Vec<String>, ContentError> {
        let scalar = |v: &Value| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        let wrong = |this: &Self| {
            ContentError::new(
                this.location(key),
                format!("`{key}` must be a list of text"),
            )
            .help(format!(
                "write `{key}: [\"a\", \"b\"]` or one `- item` per line"
            ))
        };
        match self.map.remove(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Sequence(items)) => items
                .iter()
                .map(|v| scalar(v).ok_or_else(|| wrong(self)))
                .collect(),
            Some(v) => scalar(&v).map(|s| vec![s]).ok_or_else(|| wrong(self)),
        }
    }

    /// What is left after the known keys were taken.
    pub fn into_extra(self) -> serde_json::Map<String, serde_json::Value> {
        match crate::yaml::to_json(&Value::Mapping(self.map)) {
            serde_json::Value::Object(m) => m,
            _ => serde_json::Map::new(),
        }
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
