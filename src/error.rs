//! The library's one error type.
//!
//! Every error says what went wrong and where: the file (when there is one)
//! and the line or byte offset inside it.

use std::path::PathBuf;

/// Everything that can go wrong inside the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A substitution table could not be read or parsed.
    #[error("{path}{}: {message}", line_suffix(*line))]
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
    /// The input is UTF-16 text (it opens with a UTF-16 byte order mark).
    #[error("{path}: UTF-16 text; unspin reads UTF-8 (convert it: iconv -f UTF-16 -t UTF-8)")]
    Utf16 {
        /// The input's name.
        path: PathBuf,
    },
    /// The input looks like a binary file (it holds NUL bytes).
    #[error("{path}: binary file (NUL byte at offset {offset})")]
    Binary {
        /// The input's name.
        path: PathBuf,
        /// Byte offset of the first NUL byte.
        offset: usize,
    },
    /// A project configuration file (`unspin.toml`) is malformed, or a
    /// setting is out of range.
    #[error("{path}{}: {message}", line_suffix(*line))]
    Config {
        /// The configuration file (or `<settings>`).
        path: PathBuf,
        /// 1-based line of the offending key (0 when none is at fault).
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// A crawl read again (by `learn --corpus`) is not what it was, or
    /// names a document it does not hold.
    #[error("{path}: {message}")]
    Corpus {
        /// The crawl path, or the document's id.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A file to be replaced was written by someone else since it was read:
    /// it is left as it is.
    #[error("{path}: changed since it was read, so it was not replaced")]
    Changed {
        /// The file.
        path: PathBuf,
    },
    /// A JSON Lines record that cannot be processed.
    #[error("{path}:{line}: {error}")]
    JsonLine {
        /// The input's name.
        path: PathBuf,
        /// 1-based line of the record.
        line: usize,
        /// What is wrong with it, and where in the line.
        error: crate::jsonl::LineError,
    },
    /// A glob of a batch's walk does not parse.
    #[error("{option} {glob}: {message}")]
    Glob {
        /// The option it was given with (`--glob`, `--exclude`).
        option: String,
        /// The glob.
        glob: String,
        /// What is wrong with it.
        message: String,
    },
    /// A batch was cancelled (see [`crate::batch::Batch::cancel`]).
    #[error("interrupted")]
    Interrupted,
    /// Reading or writing a file failed.
    ///
    /// The I/O error is part of the message, and not also given as the
    /// error's `source()`: a report that prints the chain says it once.
    #[error("{path}: {}", io_message(.error))]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The underlying I/O error.
        error: std::io::Error,
    },
}

/// A `Result` with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, error: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            error,
        }
    }
}

impl crate::jsonl::LineError {
    /// This error as the library's [`Error`], naming the input and the
    /// line: `items.jsonl:2: malformed JSON: ...`. (Here rather than beside
    /// the JSON Lines reader, which then needs nothing of this module.)
    pub fn at(self, path: impl Into<PathBuf>, line: usize) -> Error {
        Error::JsonLine {
            path: path.into(),
            line,
            error: self,
        }
    }
}

/// `:LINE` for a line number, nothing for 0 (the whole file).
fn line_suffix(line: usize) -> String {
    if line == 0 {
        String::new()
    } else {
        format!(":{line}")
    }
}

/// An I/O error's message without the `(os error N)` that the operating
/// system's errors carry: `No such file or directory`.
fn io_message(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.rfind(" (os error ") {
        Some(i) if s.ends_with(')') => s[..i].to_string(),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_say_the_system_message_once() {
        let e = Error::io("a.txt", std::io::Error::from(std::io::ErrorKind::NotFound));
        let os = Error::io("b.txt", std::io::Error::from_raw_os_error(2));
        assert_eq!(os.to_string(), "b.txt: No such file or directory");
        assert!(std::error::Error::source(&os).is_none());
        assert!(e.to_string().starts_with("a.txt: "));
        assert_eq!(
            format!("{:#}", anyhow::Error::from(os)),
            "b.txt: No such file or directory"
        );
    }
}
