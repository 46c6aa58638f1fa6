//! The subcommands, one file each. Each takes its parsed arguments, does
//! its work through the library, and returns a result for `main` to report.

pub mod build;
pub mod check;
pub mod import;
pub mod init;
pub mod new;
pub mod templates;
