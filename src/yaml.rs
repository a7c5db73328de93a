//! YAML helpers: turn serde_yaml errors into file locations and find where a
//! key's value sits, so checks made after deserializing can still point at a line.

use std::path::Path;

use crate::error::{ContentError, Location, line_col};

/// A serde_yaml error as a [`ContentError`] in `path`, where the YAML text
/// starts on file line `first_line`.
pub fn yaml_error(
    path: &Path,
    text: &str,
    first_line: usize,
    err: &serde_yaml::Error,
) -> ContentError {
    // serde_yaml embeds " at line L column C" (relative to the snippet); we
    // print the file location ourselves.
    static AT_LINE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r" at line \d+ column \d+").expect("valid regex")
    });
    let serde_message = AT_LINE.replace_all(&err.to_string(), "").into_owned();
    let (line, col) = match err.location() {
        Some(loc) => line_col(text, loc.index()),
        None => (1, 1),
    };
    let message = humanize(&serde_message);
    let help = if serde_message.contains("unknown field") {
        "remove the key or fix its spelling"
    } else if serde_message.contains("missing field") {
        "add the key"
    } else if serde_message.contains("invalid type") || serde_message.contains("invalid value") {
        "check the value's type (a list is written [a, b] or with '- ' lines; quote text that looks like a number or date)"
    } else {
        "check the YAML syntax: a key, a colon and a space, then the value; quote values containing ': ' or starting with a special character"
    };
    ContentError::new(
        Location::new(path, line, col).offset_lines(first_line),
        message,
    )
    .help(help)
}

/// serde's "invalid type: string \"many\", expected usize" in an editor's
/// words: "`paginate_by` is \"many\"; it must be a whole number".
fn humanize(message: &str) -> String {
    static TYPE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(r"^(?:([\w.\[\]]+): )?invalid (?:type|value): (.+), expected (.+)$")
            .expect("valid regex")
    });
    let Some(c) = TYPE.captures(message) else {
        return message.to_string();
    };
    let found = &c[2];
    let found = if let Some(s) = found.strip_prefix("string ") {
        s.to_string()
    } else if let Some(v) = found
        .strip_prefix("integer ")
        .or_else(|| found.strip_prefix("floating point "))
        .or_else(|| found.strip_prefix("boolean "))
    {
        v.trim_matches('`').to_string()
    } else {
        match found {
            "sequence" => "a list".into(),
            "map" => "a set of keys".into(),
            "unit value" => "empty".into(),
            other => other.to_string(),
        }
    };
    let expected = match &c[3] {
        "usize" | "u8" | "u16" | "u32" | "u64" | "i64" | "i32" | "an integer" => {
            "a whole number (0 or more)"
        }
        "a boolean" => "true or false",
        "a string" => "text",
        "a sequence" => "a list",
        e if e.starts_with("struct ") || e == "a map" => "a set of keys",
        e => e,
    };
    match c.get(1) {
        Some(key) => format!("`{}` is {found}; it must be {expected}", key.as_str()),
        None => format!("the value is {found}; it must be {expected}"),
    }
}

/// The file location of a top-level `key:`'s value in `text` (which starts on
/// file line `first_line`), or of the text's first line when the key is absent.
pub fn key_location(path: &Path, text: &str, first_line: usize, key: &str) -> Location {
    let quoted = [format!("\"{key}\""), format!("'{key}'")];
    for (i, line) in text.lines().enumerate() {
        let rest = line
            .strip_prefix(key)
            .or_else(|| line.strip_prefix(quoted[0].as_str()))
            .or_else(|| line.strip_prefix(quoted[1].as_str()));
        if let Some(rest) = rest {
            let after = rest.trim_start();
            if let Some(value) = after.strip_prefix(':') {
                let value_start = line.len() - value.trim_start().len();
                let col = line[..value_start].chars().count() + 1;
                return Location::new(path, i + first_line, col);
            }
        }
    }
    Location::new(path, first_line, 1)
}

/// Converts YAML to JSON-like values for templates; YAML's non-string keys
/// become strings because templates index maps by name.
pub fn to_json(v: &serde_yaml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    use serde_yaml::Value as Y;
    match v {
        Y::Null => J::Null,
        Y::Bool(b) => J::Bool(*b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                J::from(i)
            } else if let Some(u) = n.as_u64() {
                J::from(u)
            } else {
                n.as_f64().map_or(J::Null, J::from)
            }
        }
        Y::String(s) => J::String(crate::text::nfc(s)),
        Y::Sequence(items) => J::Array(items.iter().map(to_json).collect()),
        Y::Mapping(m) => J::Object(
            m.iter()
                .map(|(k, v)| {
                    let key = match k {
                        Y::String(s) => s.clone(),
                        other => serde_yaml::to_string(other)
                            .unwrap_or_default()
                            .trim()
                            .to_string(),
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(t) => to_json(&t.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_key_value_column() {
        let text = "title: x\ndate:   2024-01-01\n";
        let loc = key_location(Path::new("a.md"), text, 2, "date");
        assert_eq!((loc.line, loc.col), (3, 9));
    }

    #[test]
    fn locates_yaml_errors() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct T {
            a: u32,
        }
        let text = "a: 1\nb: 2\n";
        let err = serde_yaml::from_str::<T>(text).unwrap_err();
        let e = yaml_error(Path::new("c.yaml"), text, 1, &err);
        assert_eq!(e.location.to_string(), "c.yaml:2:1");
        assert!(e.message.starts_with("unknown field `b`"), "{}", e.message);
    }
}
