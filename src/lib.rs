//! bantin: a static site generator for newsrooms.
//!
//! The pipeline, one module per stage, data flowing one way:
//! [`load`] (find files) -> [`parse`] (front matter, raw articles, Markdown)
//! -> [`index`] (URLs, sections, tags, dates) -> [`render`] (Tera themes,
//! feeds, sitemaps) -> [`write`](mod@write) (staged output, unchanged files untouched).
//! [`site`] runs the stages. Nothing in the library prints.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod article;
pub mod check;
pub mod clock;
pub mod config;
pub mod dates;
pub mod error;
pub mod fsx;
pub mod import;
pub mod incremental;
pub mod index;
pub mod load;
pub mod new;
pub mod parse;
pub mod render;
pub mod search;
pub mod serve;
pub mod site;
pub mod suggest;
pub mod tag_rules;
pub mod text;
pub mod theme;
pub mod walk;
pub mod write;
pub mod yaml;
