//! Parsing a substitution table (the format above) and checking it is
//! canonical.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::tokenize::{normalize_into, normalize_phrase};

use super::{Entry, TableKind, BUILTIN_TABLES, DEFAULT_WEIGHT, GENERAL_HEADER};

/// A parsed substitution table.
#[derive(Debug, Clone)]
pub struct Table {
    /// The table's name: a path, or `<builtin:NAME>`.
    pub name: Arc<str>,
    /// What its forms are evidence of (from its header).
    pub kind: TableKind,
    /// The entries in file order.
    pub entries: Vec<Entry>,
    /// Whether its spinner draws a fresh replacement at every occurrence,
    /// the word itself included (a thesaurus read with every member a key),
    /// so that an original standing elsewhere in a document is weak
    /// evidence against a site; otherwise one form is replaced the same way
    /// throughout a document.
    pub per_occurrence: bool,
    /// Whether it is one of the project's built-in tables
    /// ([`Table::builtin`]): their forms take a document score of their
    /// own where a user's tables or thesauri add forms of other spinners.
    pub builtin: bool,
    /// Words that its spinner replaces wherever it does not skip them and
    /// never writes itself: a keys-only thesaurus's keys that are no
    /// line's member (lower case, one word each). How many of them a
    /// document kept says how much of it the spinner rewrote
    /// ([`crate::Unspinner`]'s spin rate); empty for other tables.
    pub survivors: Vec<String>,
}

impl Table {
    /// Parses a table; `name` is used in errors and in each candidate's source.
    pub fn parse(text: &str, name: impl AsRef<Path>) -> Result<Table> {
        let name: Arc<str> = name.as_ref().display().to_string().into();
        let err = |line: usize, message: String| Error::Table {
            path: PathBuf::from(&*name),
            line,
            message,
        };
        let mut entries = Vec::new();
        let mut kind = TableKind::Spinner;
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            if raw.trim_end() == GENERAL_HEADER {
                kind = TableKind::General;
            }
            if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = raw.split('\t').collect();
            if fields.len() < 2 {
                return Err(err(
                    line,
                    "expected `spun form<TAB>candidates`, found no TAB".into(),
                ));
            }
            if fields.len() > 5 {
                return Err(err(
                    line,
                    format!("{} fields, at most 5 allowed", fields.len()),
                ));
            }
            let spun = fields[0].trim();
            if spun.is_empty() {
                return Err(err(line, "empty spun form".into()));
            }
            let candidates: Vec<String> =
                fields[1].split('|').map(|c| c.trim().to_string()).collect();
            if candidates.iter().any(|c| c.is_empty()) {
                return Err(err(line, format!("empty candidate in `{}`", fields[1])));
            }
            let (weight, weight_text) = match fields.get(2).map(|w| w.trim()) {
                None | Some("") => (DEFAULT_WEIGHT, None),
                Some(w) => match w.parse::<f32>() {
                    Ok(v) if v > 0.0 && v <= 1.0 => (v, Some(w.to_string())),
                    _ => return Err(err(line, format!("weight `{w}` is not a number in (0, 1]"))),
                },
            };
            let note = fields
                .get(3)
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty());
            let channel = match fields.get(4).map(|c| c.trim()) {
                None | Some("") => None,
                Some(c) => Some(parse_channel(c, candidates.len()).map_err(|m| err(line, m))?),
            };
            entries.push(Entry {
                spun: spun.to_string(),
                candidates,
                weight,
                weight_text,
                note,
                line,
                channel,
                standing: None,
            });
        }
        Ok(Table {
            name,
            kind,
            entries,
            per_occurrence: false,
            builtin: false,
            survivors: Vec::new(),
        })
    }

    /// Reads and parses a table file.
    pub fn read(path: &Path) -> Result<Table> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = crate::input::decode(bytes, path)?;
        Table::parse(&text, path)
    }

    /// A built-in table by name (see [`BUILTIN_TABLES`]).
    pub fn builtin(name: &str) -> Option<Table> {
        let (_, text) = BUILTIN_TABLES.iter().find(|(n, _)| *n == name)?;
        // The built-in tables are checked by the test suite, so they parse.
        let table = Table::parse(text, format!("dictionaries/{name}.tsv")).ok()?;
        Some(Table {
            builtin: true,
            ..table
        })
    }

    /// The kind of a built-in table, read from its header alone (see
    /// [`GENERAL_HEADER`]), or `None` for an unknown name.
    pub fn builtin_kind(name: &str) -> Option<TableKind> {
        let (_, text) = BUILTIN_TABLES.iter().find(|(n, _)| *n == name)?;
        let general = text
            .lines()
            .take_while(|l| l.starts_with('#'))
            .any(|l| l.trim_end() == GENERAL_HEADER);
        Some(match general {
            true => TableKind::General,
            false => TableKind::Spinner,
        })
    }

    /// A built-in table by name, or an error listing the known names.
    pub fn builtin_named(name: &str) -> Result<Table> {
        Table::builtin(name).ok_or_else(|| Error::Table {
            path: PathBuf::from(format!("<builtin:{name}>")),
            line: 0,
            message: format!(
                "no built-in table `{name}` (known: {})",
                BUILTIN_TABLES
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
    }

    /// The spun forms given on more than one line (as they match: any
    /// case, straight or curly apostrophes), each as `(form, first line,
    /// later line)`. They are not errors: the later line's candidates are
    /// added after the first's, and the first line's weight is used; a
    /// user's table warns of them, as one of the lines is likely a slip.
    ///
    /// ```
    /// use unspin::dict::Table;
    /// let t = Table::parse("a b\tc\nx\ty\nA  b\td\n", "t.tsv").unwrap();
    /// assert_eq!(t.duplicates(), [("a b".to_string(), 1, 3)]);
    /// ```
    pub fn duplicates(&self) -> Vec<(String, usize, usize)> {
        let mut first: HashMap<String, usize> = HashMap::new();
        let mut out = Vec::new();
        for e in &self.entries {
            let key = normalize_phrase(&e.spun);
            match first.get(&key) {
                Some(&line) => out.push((key, line, e.line)),
                None => {
                    first.insert(key, e.line);
                }
            }
        }
        out
    }

    /// Every way `text` (the table's source) departs from the canonical form,
    /// one message a problem, each starting with `name:line:`.
    pub fn canonical_errors(&self, text: &str) -> Vec<String> {
        let mut errors = Vec::new();
        let mut prev: Option<&Entry> = None;
        for e in &self.entries {
            let at = format!("{}:{}", self.name, e.line);
            let mut key = String::new();
            normalize_into(&e.spun, &mut key);
            if key != e.spun {
                errors.push(format!(
                    "{at}: spun form `{}` is not lower case with straight apostrophes",
                    e.spun
                ));
            }
            if e.spun.split(' ').any(|w| w.is_empty()) {
                errors.push(format!("{at}: spun form `{}` has repeated spaces", e.spun));
            }
            if let Some(p) = prev {
                if p.spun == e.spun {
                    errors.push(format!(
                        "{at}: duplicate spun form `{}` (also line {})",
                        e.spun, p.line
                    ));
                } else if p.spun > e.spun {
                    errors.push(format!(
                        "{at}: `{}` sorts before `{}` on line {}",
                        e.spun, p.spun, p.line
                    ));
                }
            }
            for (i, c) in e.candidates.iter().enumerate() {
                if normalize_phrase(c) == key {
                    errors.push(format!("{at}: candidate `{c}` is the spun form itself"));
                }
                if e.candidates[..i].contains(c) {
                    errors.push(format!("{at}: candidate `{c}` listed twice"));
                }
            }
            prev = Some(e);
        }
        for (i, line) in text.lines().enumerate() {
            if line != line.trim_end() {
                errors.push(format!("{}:{}: trailing whitespace", self.name, i + 1));
            }
            if !line.starts_with('#') && line.split('\t').any(|f| f != f.trim()) {
                errors.push(format!(
                    "{}:{}: a field has surrounding spaces",
                    self.name,
                    i + 1
                ));
            }
        }
        if !text.is_empty() && !text.ends_with('\n') {
            errors.push(format!("{}: no newline at end of file", self.name));
        }
        errors
    }
}

/// Parses a table's fifth field: one channel probability a candidate,
/// separated by spaces, each a probability in (0, 1] (`0.25`) or a count of
/// the times the spinner wrote the form for the candidate over the times it
/// met the candidate (`3/12`, as `unspin learn` writes them).
fn parse_channel(field: &str, candidates: usize) -> std::result::Result<Vec<f32>, String> {
    let values = field
        .split_whitespace()
        .map(|v| {
            let p = match v.split_once('/') {
                Some((a, b)) => match (a.parse::<f32>(), b.parse::<f32>()) {
                    (Ok(a), Ok(b)) if a >= 0.0 && b > 0.0 => Some((a / b).min(1.0)),
                    _ => None,
                },
                None => v.parse::<f32>().ok(),
            };
            p.filter(|p| *p > 0.0 && *p <= 1.0).ok_or_else(|| {
                format!("channel `{v}` is not a probability in (0, 1] nor a count `spun/seen`")
            })
        })
        .collect::<std::result::Result<Vec<f32>, String>>()?;
    if values.len() != candidates {
        return Err(format!(
            "{} channel values for {candidates} candidates",
            values.len()
        ));
    }
    Ok(values)
}
