//! The library's one error type.
//!
//! Every error says what went wrong and where: the file (when there is one)
//! and the line or byte offset inside it.

use std::path::PathBuf;

/// Everything that can go wrong inside the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A substitution table could not be read or parsed.
    #[error("{path}:{line}: {message}")]
    Table {
        /// The table file (or a name such as `<builtin:news-spinner>`).
        path: PathBuf,
        /// 1-based line number of the offending entry (0 when the whole file is at fault).
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// The language model's bytes are not a valid unspin model.
    #[error("language model {source_name}: {message}")]
    Model {
        /// Where the model came from (a path or `<builtin>`).
        source_name: String,
        /// What is wrong with it.
        message: String,
    },
    /// The input is not valid UTF-8.
    #[error("{path}: invalid UTF-8 at line {line}, byte offset {offset}")]
    InvalidUtf8 {
        /// The input's name (a path, `<stdin>`, or a document id).
        path: PathBuf,
        /// 1-based line of the first invalid byte.
        line: usize,
        /// Byte offset of the first invalid byte.
        offset: usize,
    },
    /// The input looks like a binary file (it holds NUL bytes).
    #[error("{path}: binary file (NUL byte at offset {offset}), skipped")]
    Binary {
        /// The input's name.
        path: PathBuf,
        /// Byte offset of the first NUL byte.
        offset: usize,
    },
    /// A project configuration file (`unspin.toml`) is malformed.
    #[error("{path}: {message}")]
    Config {
        /// The configuration file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying I/O error.
        source: std::io::Error,
    },
}

/// A `Result` with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}
