//! The default templates and static files, embedded by `build.rs`.
//!
//! Only data: `render::templates` falls back on these, `init` writes them out.

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
