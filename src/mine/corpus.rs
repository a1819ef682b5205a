//! Reading a crawl: directories of text files and JSON Lines files, one
//! document at a time, in the same order on every pass.
//!
//! Formats read (a path may name a file or a directory, walked recursively
//! in byte order of the file names; hidden files and directories, whose
//! names start with `.`, are left out):
//!
//! * a file named `*.jsonl` or `*.ndjson`: JSON Lines, one object a line,
//!   the text in the string field [`Fields::text`] (default `text`, a dotted
//!   path reaches into nested objects) and the id in the top-level member
//!   [`Fields::id`] (default `id`; a string is taken as decoded, any other
//!   value as written; a line without one is named `PATH:LINE`); blank lines
//!   are skipped;
//! * any other file: one document, UTF-8 text, named by its path as given.
//!
//! A line or a file that cannot be read (malformed JSON, no text field,
//! invalid UTF-8, a binary file, a missing path) is a [`Error`] naming the
//! file and the line; the reader hands it over and carries on with the next.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::jsonl::{is_blank, Document as Line, FieldPath};

/// The JSON Lines members that hold a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    /// The text's field (default `text`).
    pub text: String,
    /// The id's top-level member (default `id`).
    pub id: String,
}

impl Default for Fields {
    fn default() -> Self {
        Fields {
            text: "text".into(),
            id: "id".into(),
        }
    }
}

/// One document of a corpus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The id as given: the JSON Lines id, or the file's path.
    pub id: String,
    /// The text.
    pub text: String,
}

/// Calls `each` with every document under `paths` in order, and `fault`
/// with every file or line that could not be read (then goes on). Stops
/// early, returning `false`, when `each` returns `false`.
///
/// ```
/// use unspin::mine::corpus::{read, Fields};
///
/// let dir = tempfile::tempdir()?;
/// std::fs::write(dir.path().join("a.txt"), "An article.")?;
/// std::fs::write(dir.path().join("b.jsonl"), "{\"id\":\"x\",\"text\":\"One.\"}\n{oops\n")?;
/// let (mut ids, mut faults) = (Vec::new(), Vec::new());
/// read(&[dir.path().to_path_buf()], &Fields::default(), |d| { ids.push(d.id); true }, |e| faults.push(e.to_string()));
/// assert_eq!(ids.len(), 2);
/// assert!(ids[0].ends_with("a.txt") && ids[1] == "x");
/// assert!(faults[0].ends_with("b.jsonl:2: malformed JSON: key must be a string at column 2"), "{faults:?}");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn read(
    paths: &[PathBuf],
    fields: &Fields,
    mut each: impl FnMut(Document) -> bool,
    mut fault: impl FnMut(Error),
) -> bool {
    let text_field = FieldPath::new(&fields.text);
    for root in paths {
        let mut files = Vec::new();
        if let Err(e) = collect(root, &mut files) {
            fault(e);
            continue;
        }
        for path in files {
            let go_on = if is_jsonl(&path) {
                read_jsonl(&path, &text_field, &fields.id, &mut each, &mut fault)
            } else {
                match read_file(&path) {
                    Ok(text) => each(Document {
                        id: path.display().to_string(),
                        text,
                    }),
                    Err(e) => {
                        fault(e);
                        true
                    }
                }
            };
            if !go_on {
                return false;
            }
        }
    }
    true
}

fn is_jsonl(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("jsonl" | "ndjson")
    )
}

/// The files under `path` (itself when it is a file), sorted.
fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_dir() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| Error::io(path, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.as_encoded_bytes().starts_with(b"."))
        })
        .collect();
    entries.sort();
    for entry in entries {
        // A file vanishing mid-walk is reported when it is opened.
        if entry.is_dir() {
            collect(&entry, out)?;
        } else {
            out.push(entry);
        }
    }
    Ok(())
}

fn read_file(path: &Path) -> Result<String> {
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| Error::io(path, e))?;
    crate::input::decode(bytes, path)
}

fn read_jsonl(
    path: &Path,
    text_field: &FieldPath,
    id_field: &str,
    each: &mut impl FnMut(Document) -> bool,
    fault: &mut impl FnMut(Error),
) -> bool {
    let mut reader = match File::open(path) {
        Ok(f) => BufReader::with_capacity(1 << 20, f),
        Err(e) => {
            fault(Error::io(path, e));
            return true;
        }
    };
    let mut buf = Vec::new();
    for line in 1.. {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                fault(Error::io(path, e));
                break;
            }
        }
        let body = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        if is_blank(body) {
            continue;
        }
        let doc = match Line::parse(body, text_field) {
            Ok(doc) => doc,
            Err(e) => {
                fault(e.at(path, line));
                continue;
            }
        };
        let id = match doc.raw(id_field) {
            Some(raw) if raw.starts_with('"') => {
                serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_string())
            }
            Some(raw) => raw.to_string(),
            None => format!("{}:{line}", path.display()),
        };
        if !each(Document {
            id,
            text: doc.text().to_string(),
        }) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(paths: &[PathBuf]) -> (Vec<Document>, Vec<String>) {
        let (mut docs, mut faults) = (Vec::new(), Vec::new());
        read(
            paths,
            &Fields::default(),
            |d| {
                docs.push(d);
                true
            },
            |e| faults.push(e.to_string()),
        );
        (docs, faults)
    }

    #[test]
    fn bad_input_is_reported_with_its_place_and_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::write(p.join("bin.txt"), b"ab\0cd").unwrap();
        std::fs::write(
            p.join("c.jsonl"),
            "{\"id\":7,\"text\":\"seven\"}\n\n{\"id\":\"n\"}\n{\"text\":\"no id\"}\n",
        )
        .unwrap();
        std::fs::create_dir(p.join(".hidden")).unwrap();
        std::fs::write(p.join(".hidden/x.txt"), "hidden").unwrap();
        let missing = p.join("missing");
        let (docs, faults) = read_all(&[p.to_path_buf(), missing.clone()]);
        let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
        let c = p.join("c.jsonl").display().to_string();
        assert_eq!(ids, ["7", format!("{c}:4").as_str()]);
        assert_eq!(faults.len(), 3, "{faults:?}");
        assert!(faults[0].contains("bin.txt: binary file"), "{faults:?}");
        assert_eq!(faults[1], format!("{c}:3: no string field \"text\""));
        assert!(faults[2].starts_with(&missing.display().to_string()));
    }

    #[test]
    fn stops_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "a").unwrap();
        std::fs::write(dir.path().join("b.txt"), "b").unwrap();
        let mut n = 0;
        let done = read(
            &[dir.path().to_path_buf()],
            &Fields::default(),
            |_| {
                n += 1;
                false
            },
            |_| {},
        );
        assert!(!done);
        assert_eq!(n, 1);
    }
}
