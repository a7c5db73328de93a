//! Stage 4: pages. Tera is set up once (theme templates, bantin's filters and
//! the site-wide context) and then shared read-only by every render thread.

pub mod feeds;
pub mod inputs;
pub mod lists;
pub mod pages;
pub mod plan;
pub mod state;
pub mod urls;
pub mod views;

use std::sync::Arc;

use tera::{Kwargs, State, Tera, TeraResult, Value};

use crate::config::Config;
use crate::dates::format_date;
use crate::error::TemplateError;
use crate::theme::Theme;

/// Templates a theme must have.
pub const REQUIRED_TEMPLATES: &[&str] = &[
    "index.html",
    "section.html",
    "article.html",
    "tags.html",
    "tag.html",
    "archive.html",
    "year.html",
    "month.html",
    "day.html",
    "404.html",
];

/// Compiles the theme's templates with bantin's filters and functions.
pub fn build_tera(config: &Config, theme: &Theme) -> Result<Tera, TemplateError> {
    let mut tera = Tera::new();
    register_helpers(&mut tera, config, theme);
    tera.global_context()
        .insert("search", &crate::search::view(config));
    let mut sources = Vec::with_capacity(theme.templates.len());
    for (name, (text, _origin)) in &theme.templates {
        sources.push((name.as_str(), text.as_str()));
    }
    tera.add_raw_templates(sources)
        .map_err(|e| TemplateError(with_origins(error_chain(&e), theme)))?;
    let missing: Vec<&str> = REQUIRED_TEMPLATES
        .iter()
        .copied()
        .filter(|t| !tera.contains_template(t))
        .collect();
    if !missing.is_empty() {
        return Err(TemplateError(format!(
            "the theme \"{}\" has no {}: add {} to themes/{}/templates/ or the site's templates/",
            config.theme,
            missing.join(", "),
            if missing.len() == 1 { "it" } else { "them" },
            config.theme
        )));
    }
    Ok(tera)
}

/// Tera names templates (`article.html`); say which file each one named in
/// `message` is, since the site's `templates/` may override the theme's.
pub fn with_origins(mut message: String, theme: &Theme) -> String {
    let mut notes = Vec::new();
    for (name, (_, origin)) in &theme.templates {
        if message.contains(&format!("--> {name}:")) || message.contains(&format!(" with {name}:"))
        {
            notes.push(format!("  {name} is {origin}"));
        }
    }
    if !notes.is_empty() {
        message.push('\n');
        message.push_str(&notes.join("\n"));
    }
    message
}

/// Tera hides the real cause under "failed to render"; show every layer.
pub fn error_chain(e: &tera::Error) -> String {
    let mut s = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        let text = inner.to_string();
        if !s.contains(&text) {
            s.push_str("\n  caused by: ");
            s.push_str(&text);
        }
        source = inner.source();
    }
    s
}

fn register_helpers(tera: &mut Tera, config: &Config, theme: &Theme) {
    let tz = config.timezone.clone();
    let language = config.language.clone();
    let default_format: Arc<str> = theme
        .strings
        .get("date_format")
        .map_or("%d/%m/%Y %H:%M", String::as_str)
        .into();
    tera.register_filter(
        "date",
        move |s: &str, kwargs: Kwargs, _: &State<'_>| -> TeraResult<String> {
            let format: Option<&str> = kwargs.get("format")?;
            let ts: jiff::Timestamp = s.parse().map_err(|e| {
                tera::Error::message(format!("date filter: \"{s}\" is not an RFC 3339 date: {e}"))
            })?;
            let z = ts.to_zoned_datetime(tz.clone());
            format_date(&z, format.unwrap_or(&default_format), &language)
                .map_err(tera::Error::message)
        },
    );
    tera.register_filter("slugify", |s: &str, _: Kwargs, _: &State<'_>| {
        crate::text::slugify(s)
    });
    let base = config.base_url.clone();
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State<'_>| -> TeraResult<String> {
            let path: &str = kwargs.must_get("path")?;
            if path.contains("://") {
                return Ok(path.to_string());
            }
            Ok(format!("{base}{}", path.trim_start_matches('/')))
        },
    );
}

/// Renders `template` or explains which page failed and why.
pub fn render(
    tera: &Tera,
    template: &str,
    ctx: &tera::Context,
    output: &str,
) -> Result<Vec<u8>, TemplateError> {
    let mut out = Vec::with_capacity(16 * 1024);
    tera.render_to(template, ctx, &mut out).map_err(|e| {
        TemplateError(format!(
            "while rendering {output} with {template}:\n{}",
            error_chain(&e)
        ))
    })?;
    Ok(out)
}

pub fn value<T: serde::Serialize + ?Sized>(v: &T) -> Value {
    Value::from_serializable(v)
}
