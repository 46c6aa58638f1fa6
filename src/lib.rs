//! detente: a static site generator for timelines of diplomatic exchanges.
//!
//! The build is a one-way pipeline, one module per stage:
//! [`load`] (files, front matter) → [`model`] (typed, indexed site) →
//! [`validate`] → [`render`] (one function per page kind) → [`output`]
//! (the tree, written safely). [`pipeline`] runs the stages in order; the
//! commands in [`cmd`] are leaves that use it.

// Diagnostics travel in `Err` only on the cold path of a failed build.
#![allow(clippy::result_large_err)]

pub mod assets;
pub mod cmd;
pub mod config;
pub mod confine;
pub mod embedded;
pub mod error;
pub mod exports;
pub mod feeds;
pub mod frontmatter;
pub mod i18n;
pub mod import;
pub mod interrupt;
pub mod layers;
pub mod leaves;
pub mod linkcheck;
pub mod load;
pub mod manifest;
pub mod map;
pub mod markdown;
pub mod media;
pub mod model;
pub mod output;
pub mod pipeline;
pub mod places;
pub mod render;
pub mod script_safe;
pub mod serve;
pub mod sitemap;
pub mod statics;
pub mod suggest;
pub mod translate;
pub mod urls;
pub mod validate;
pub mod world;
pub mod xml;
