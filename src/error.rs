//! Errors in a user's files carry a [`Location`], so every message can point at
//! `path:line:col` the way compilers do; plumbing errors use `anyhow`.
//!
//! One error type per stage boundary, so a caller never has to guess what a
//! failure means:
//!
//! - A parser that sees only text, not the file it came from
//!   ([`crate::text::decode`], [`crate::parse::raw_article::parse_raw`]),
//!   returns a [`TextError`]: where in the text, what, how to fix. Its caller
//!   knows the path and turns it into a [`ContentError`] with [`TextError::at`].
//! - Every stage that reads a user's files (config, load, parse, index, the
//!   output plan, search) returns [`ContentErrors`]: all the mistakes found,
//!   each with its location. Two pages that want the same output file are
//!   such a mistake too (a slug, a folder or a static file to rename), so
//!   they are reported at the files involved.
//! - Rendering returns a [`TemplateError`]: the theme, not the content, is
//!   at fault, and Tera's report names the template.
//! - Anything else (a disk that fails, a port in use, a bad command line) is
//!   an `anyhow` error whose chain names the path or the setting.
//!
//! The library's entry points return `anyhow::Error`, which carries at most
//! one of the typed errors above; [`Failure::of`] reads which, so the binary
//! maps it to an exit code in one place: 1 for content and template errors
//! (the user's site needs fixing), 2 for usage and I/O errors.

use std::fmt;
use std::path::PathBuf;

/// A place in a user's file. `line` and `col` are 1-based; 0 means unknown.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    /// Path as the user should see it (relative to the site root where possible).
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
}

impl Location {
    pub fn new(path: impl Into<PathBuf>, line: usize, col: usize) -> Self {
        Location {
            path: path.into(),
            line,
            col,
        }
    }

    /// A location for a whole file, when no line applies (an empty file, say).
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Location::new(path, 0, 0)
    }

    /// Moves a location found inside an embedded snippet (front matter) to the
    /// file's coordinates: `first_line` is the file line of the snippet's line 1.
    pub fn offset_lines(mut self, first_line: usize) -> Self {
        if self.line > 0 {
            self.line += first_line - 1;
        }
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.col > 0 {
                write!(f, ":{}", self.col)?;
            }
        }
        Ok(())
    }
}

/// A mistake in a user's file: where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ContentError {
    pub location: Location,
    pub message: String,
    /// What the user should do about it; printed on its own line.
    pub help: Option<String>,
}

impl ContentError {
    pub fn new(location: Location, message: impl Into<String>) -> Self {
        ContentError {
            location,
            message: message.into(),
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {help}")?;
        }
        Ok(())
    }
}

/// Every content error of a run, reported together so a user fixes them in one pass.
#[derive(Debug, Clone, thiserror::Error)]
pub struct ContentErrors(pub Vec<ContentError>);

impl fmt::Display for ContentErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "error: {e}")?;
        }
        let n = self.0.len();
        write!(
            f,
            "\n{n} error{} found; nothing was written",
            if n == 1 { "" } else { "s" }
        )
    }
}

/// A mistake found by a parser that is given text, not a file: the caller
/// adds the path ([`TextError::at`]). `line` and `col` are 1-based; 0 means
/// the whole file (bytes that are not text have no line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextError {
    pub line: usize,
    pub col: usize,
    pub message: String,
    /// What the user should do about it.
    pub help: String,
}

impl TextError {
    /// The error as found in the file at `path`.
    pub fn at(self, path: impl Into<PathBuf>) -> ContentError {
        ContentError::new(Location::new(path, self.line, self.col), self.message).help(self.help)
    }
}

/// A template that does not compile or render; the message holds Tera's full report.
#[derive(Debug, Clone, thiserror::Error)]
#[error("template error: {0}")]
pub struct TemplateError(pub String);

/// What kind of failure ended a run, for the exit code and for how the
/// error is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// Mistakes in the user's content, config or theme ([`ContentErrors`],
    /// [`TemplateError`]): their messages are complete as they are.
    Content,
    /// Usage and I/O errors: the chain of causes says what failed.
    Usage,
}

impl Failure {
    pub fn of(err: &anyhow::Error) -> Failure {
        if err.downcast_ref::<ContentErrors>().is_some()
            || err.downcast_ref::<TemplateError>().is_some()
        {
            Failure::Content
        } else {
            Failure::Usage
        }
    }

    /// 1 for content errors, 2 for usage and I/O errors (documented in the README).
    pub fn exit_code(self) -> u8 {
        match self {
            Failure::Content => 1,
            Failure::Usage => 2,
        }
    }
}

/// A non-fatal finding (a slug collision resolved by suffixing, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub location: Location,
    pub message: String,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Converts a byte offset in `text` into a 1-based (line, column), counting
/// columns in characters because that is what editors show.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let t = "ab\nđây là\nx";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        let i = t.find("là").unwrap();
        assert_eq!(line_col(t, i), (2, 5));
        assert_eq!(line_col(t, t.len()), (3, 2));
    }

    #[test]
    fn displays_location_and_help() {
        let e = ContentError::new(Location::new("content/a.md", 3, 7), "bad date").help("fix it");
        assert_eq!(e.to_string(), "content/a.md:3:7: bad date\n  help: fix it");
        let e = ContentError::new(Location::file("content/b.txt"), "empty file");
        assert_eq!(e.to_string(), "content/b.txt: empty file");
    }
}
