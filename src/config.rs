//! The project file `unspin.toml`: spun forms a project has decided to
//! leave alone.
//!
//! # Format
//!
//! ```toml
//! # unspin.toml, found by walking up from the checked file's directory
//! [allow]
//! # Forms (any case) that are never reported or restored.
//! forms = ["navy", "supreme chief"]
//! ```
//!
//! `unspin review` adds the forms a reviewer rejects and chooses to remember;
//! `check`, `diff` and `fix` honour them. Comments are preserved when it is
//! rewritten. Any other key is refused with its line: a misspelt one
//! (`form = [...]`) would otherwise be ignored without a word.

use std::path::{Path, PathBuf};

use toml_edit::{Array, DocumentMut, Item, Table, TableLike, Value};

use crate::error::{Error, Result};
use crate::input::write_atomic;

/// The file name looked for.
pub const FILE_NAME: &str = "unspin.toml";

/// A parsed `unspin.toml`.
#[derive(Debug, Clone)]
pub struct ProjectConfig {
    /// Where the file lives (or will be written).
    pub path: PathBuf,
    doc: DocumentMut,
}

impl ProjectConfig {
    /// The nearest `unspin.toml` in `start` or its ancestors, if any.
    /// `start` may be a file or a directory.
    pub fn discover(start: &Path) -> Result<Option<ProjectConfig>> {
        let start = if start.is_dir() {
            start.to_path_buf()
        } else {
            match start.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            }
        };
        let start = start.canonicalize().unwrap_or(start);
        for dir in start.ancestors() {
            let candidate = dir.join(FILE_NAME);
            if candidate.is_file() {
                return ProjectConfig::load(&candidate).map(Some);
            }
        }
        Ok(None)
    }

    /// Reads and parses a config file.
    pub fn load(path: &Path) -> Result<ProjectConfig> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        ProjectConfig::parse(&text, path)
    }

    /// Parses config text; `path` is where it lives. A key the format does
    /// not know (a misspelt `[allow] form = [...]`) is refused with its
    /// line, rather than ignored without a word.
    pub fn parse(text: &str, path: &Path) -> Result<ProjectConfig> {
        let err = |line: usize, message: String| Error::Config {
            path: path.to_path_buf(),
            line,
            message,
        };
        // Parsed with its spans first, for the lines of the keys.
        let spanned = toml_edit::ImDocument::parse(text).map_err(|e| {
            let line = e.span().map_or(0, |s| line_of(text, s.start));
            let message = e.message().trim().replace('\n', " ");
            err(line, message)
        })?;
        let line_of_key = |table: &dyn TableLike, key: &str| {
            let span = table.key(key).and_then(|k| k.span());
            span.map_or(0, |s| line_of(text, s.start))
        };
        let root = spanned.as_table();
        for (key, item) in root.iter() {
            match (key, item.as_table_like()) {
                ("allow", Some(allow)) => {
                    if let Some((key, _)) = allow.iter().find(|(k, _)| *k != "forms") {
                        let line = line_of_key(allow, key);
                        return Err(err(
                            line,
                            format!("unknown key `allow.{key}` (the key is `allow.forms`)"),
                        ));
                    }
                }
                ("allow", None) => {
                    let line = line_of_key(root, key);
                    return Err(err(line, "`allow` must be a table: [allow]".into()));
                }
                _ => {
                    let line = line_of_key(root, key);
                    return Err(err(
                        line,
                        format!("unknown key `{key}` (the file has one table, [allow])"),
                    ));
                }
            }
        }
        if let Some(item) = spanned.get("allow").and_then(|a| a.get("forms")) {
            let ok = item
                .as_array()
                .is_some_and(|a| a.iter().all(|v| v.as_str().is_some()));
            if !ok {
                let line = root["allow"]
                    .as_table_like()
                    .map_or(0, |t| line_of_key(t, "forms"));
                return Err(err(
                    line,
                    "`allow.forms` must be an array of strings".into(),
                ));
            }
        }
        Ok(ProjectConfig {
            path: path.to_path_buf(),
            doc: spanned.into_mut(),
        })
    }

    /// An empty config to be written at `path`.
    pub fn new(path: impl Into<PathBuf>) -> ProjectConfig {
        ProjectConfig {
            path: path.into(),
            doc: DocumentMut::new(),
        }
    }

    /// The allowed spun forms.
    pub fn allowed(&self) -> Vec<String> {
        self.doc
            .get("allow")
            .and_then(|a| a.get("forms"))
            .and_then(Item::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Adds a form to the allow list (once, compared case-insensitively).
    /// Returns false when it was already there.
    pub fn allow(&mut self, form: &str) -> bool {
        let form = form.trim();
        if self.allowed().iter().any(|f| f.eq_ignore_ascii_case(form)) {
            return false;
        }
        let allow = self.doc.entry("allow").or_insert(Item::Table(Table::new()));
        let forms = allow.as_table_like_mut().map(|t| {
            t.entry("forms")
                .or_insert(Item::Value(Value::Array(Array::new())))
        });
        if let Some(Item::Value(Value::Array(a))) = forms {
            a.push(form);
        }
        true
    }

    /// Writes the config back atomically, keeping comments and other keys.
    pub fn save(&self) -> Result<()> {
        write_atomic(&self.path, self.doc.to_string().as_bytes())
    }
}

/// The 1-based line of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    1 + text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_list_round_trips_and_keeps_comments() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "# ours\n[allow]\nforms = [\"navy\"]\n").unwrap();
        let mut c = ProjectConfig::load(&path).unwrap();
        assert!(c.allow("Supreme Chief"));
        assert!(!c.allow("NAVY"));
        c.save().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("# ours"));
        assert_eq!(
            ProjectConfig::load(&path).unwrap().allowed(),
            ["navy", "Supreme Chief"]
        );
    }

    #[test]
    fn discover_walks_up_from_a_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "[allow]\nforms = [\"x\"]\n").unwrap();
        let sub = dir.path().join("a/b");
        std::fs::create_dir_all(&sub).unwrap();
        let found = ProjectConfig::discover(&sub.join("doc.txt"))
            .unwrap()
            .unwrap();
        assert_eq!(found.allowed(), ["x"]);
    }

    #[test]
    fn malformed_config_names_the_file() {
        let err = ProjectConfig::parse("[allow]\nforms = 3\n", Path::new("u.toml")).unwrap_err();
        assert!(
            err.to_string().starts_with("u.toml:2: `allow.forms`"),
            "{err}"
        );
        let err = ProjectConfig::parse("# x\n[allow", Path::new("u.toml")).unwrap_err();
        assert!(err.to_string().starts_with("u.toml:2: "), "{err}");
    }

    #[test]
    fn unknown_keys_are_refused_with_their_line() {
        let parse = |text: &str| ProjectConfig::parse(text, Path::new("u.toml"));
        let err = parse("# mine\n[allow]\nform = [\"navy\"]\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "u.toml:3: unknown key `allow.form` (the key is `allow.forms`)"
        );
        let err = parse("[allow]\nforms = []\n\n[alow]\nforms = []\n").unwrap_err();
        assert!(
            err.to_string().starts_with("u.toml:4: unknown key `alow`"),
            "{err}"
        );
        let err = parse("allow = 1\n").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("u.toml:1: `allow` must be a table"),
            "{err}"
        );
        assert_eq!(
            parse("[allow]\nforms = [\"a\"]\n").unwrap().allowed(),
            ["a"]
        );
        assert!(parse("# nothing yet\n").unwrap().allowed().is_empty());
    }
}
