//! `detente import`: exchanges from another tool's data into a site's
//! `content/`.
//!
//! The pieces every input format shares: [`names`] (folding names,
//! slugs, matching people and topics against the site's entries),
//! [`write`] (entries as detente's files) and [`html`] (TimelineJS text
//! to Markdown).

pub mod html;
pub mod names;
pub mod write;
