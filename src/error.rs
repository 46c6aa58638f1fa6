//! Error and warning types with their place in the site's files.
//!
//! Every problem a build finds becomes a [`Diagnostic`]: a message, the file it is
//! about, the line and column where it has one, and a hint on what to do.
//! This module only describes and formats problems; it never prints or exits —
//! that happens once, at the edge, in `main`.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A line and column in a file, both 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

impl LineCol {
    /// The line and column of byte `offset` in `text`.
    pub fn of_offset(text: &str, offset: usize) -> LineCol {
        let offset = offset.min(text.len());
        let before = &text.as_bytes()[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        // Characters, not bytes: count every byte that does not continue
        // a UTF-8 sequence.
        let column = before[line_start..]
            .iter()
            .filter(|&&b| b & 0xC0 != 0x80)
            .count()
            + 1;
        LineCol { line, column }
    }
}

/// One problem found in a site, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: PathBuf,
    pub at: Option<LineCol>,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: file.into(),
            at: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn warning(file: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, message)
        }
    }

    pub fn at(mut self, at: Option<LineCol>) -> Self {
        self.at = at;
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(f, "{label}: {}", self.message)?;
        match self.at {
            Some(at) => write!(f, "  --> {}:{}:{}", self.file.display(), at.line, at.column)?,
            None => write!(f, "  --> {}", self.file.display())?,
        }
        if let Some(help) = &self.help {
            for (i, line) in help.lines().enumerate() {
                let lead = if i == 0 { "   = help: " } else { "           " };
                write!(f, "\n{lead}{line}")?;
            }
        }
        Ok(())
    }
}

/// Everything that can stop a command.
#[derive(Debug)]
pub enum Error {
    /// Problems in the site's content, configuration or templates (exit code 1).
    Site(Vec<Diagnostic>),
    /// A file system operation failed (exit code 1).
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    /// The command line asks for something impossible (exit code 2).
    Usage(String),
    /// The build was interrupted by a signal; the previous output is untouched.
    Interrupted,
}

impl Error {
    pub fn io(action: &'static str, path: &Path, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.to_path_buf(),
            source,
        }
    }

    /// A refused command line, with a line saying what to do instead.
    pub fn usage(message: impl fmt::Display, help: impl fmt::Display) -> Self {
        Error::Usage(format!("{message}\n   = help: {help}"))
    }

    pub fn one(diagnostic: Diagnostic) -> Self {
        Error::Site(vec![diagnostic])
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage(_) => 2,
            Error::Interrupted => 130,
            _ => 1,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Site(diagnostics) => {
                for (i, d) in diagnostics.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                        writeln!(f)?;
                    }
                    write!(f, "{d}")?;
                }
                let errors = diagnostics.iter().filter(|d| d.is_error()).count();
                if errors > 1 {
                    write!(f, "\n\n{errors} errors; nothing was written")?;
                }
                Ok(())
            }
            Error::Io {
                action,
                path,
                source,
            } => write!(
                f,
                "error: could not {action} {}: {source}\n   = help: {}",
                path.display(),
                io_help(action, source)
            ),
            Error::Usage(message) => write!(f, "error: {message}"),
            Error::Interrupted => write!(
                f,
                "error: interrupted; the previous output is unchanged\n   = help: run the command again to finish the build"
            ),
        }
    }
}

/// What to do about a failed file operation.
fn io_help(action: &str, e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    let reading = action.starts_with("read") || action.starts_with("open");
    match e.kind() {
        K::PermissionDenied | K::ReadOnlyFilesystem if reading => {
            "give yourself permission to read it, or remove it"
        }
        K::PermissionDenied | K::ReadOnlyFilesystem => {
            "the output folder cannot be changed: check its permissions and that its disk is writable, or choose another --output"
        }
        K::NotFound => "check that the path exists (and --root points at the site folder)",
        K::StorageFull | K::QuotaExceeded => {
            "free some disk space and build again; the previous output is unchanged"
        }
        _ => "check the path and its permissions, then run the command again",
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;
