//! The inputs of a batch: files named, directories walked recursively
//! (sorted by name, filtered by globs as in ripgrep), and standard input,
//! each yielded as a [`Source`] in a stable order.

use std::path::{Path, PathBuf};

use ignore::overrides::{Override, OverrideBuilder};
use ignore::WalkBuilder;

use crate::error::{Error, Result};

/// One input: a file or standard input.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file, or `None` for standard input.
    pub path: Option<PathBuf>,
    /// The name in messages and reports: the path, or `<stdin>`.
    pub name: String,
    /// Where its output goes under `--out-dir`: the path relative to the
    /// walked directory, or the file name of a file named on the command line.
    pub rel: PathBuf,
    /// Named on the command line rather than found by a walk.
    pub explicit: bool,
    /// Read as JSON Lines.
    pub jsonl: bool,
}

/// What a walk yields: a source, or a problem with its name.
#[derive(Debug)]
pub enum Walked {
    /// An input to read.
    Source(Source),
    /// An input that could not be listed (`path: what`).
    Fault {
        /// The input's name.
        name: String,
        /// The message, naming the input.
        message: String,
    },
}

/// How directories are walked and which files are JSON Lines.
#[derive(Debug, Clone, Default)]
pub struct WalkOptions {
    /// Globs that files must match (`!GLOB` excludes), as ripgrep's `--glob`.
    pub globs: Vec<String>,
    /// Globs of files and directories to leave out.
    pub excludes: Vec<String>,
    /// Walk hidden files and directories too.
    pub hidden: bool,
    /// Read every input (standard input too) as JSON Lines; otherwise only
    /// files ending in `.jsonl` or `.ndjson` are.
    pub jsonl_all: bool,
    /// A directory never walked into: the output directory.
    pub skip_dir: Option<PathBuf>,
}

impl WalkOptions {
    /// Checks that the globs parse; the error names the bad glob.
    pub fn validate(&self) -> Result<()> {
        self.overrides(Path::new(".")).map(|_| ())
    }

    fn overrides(&self, root: &Path) -> Result<Override> {
        let bad = |option: &str, glob: &str, e: ignore::Error| Error::Glob {
            option: option.into(),
            glob: glob.into(),
            message: e.to_string(),
        };
        let mut b = OverrideBuilder::new(root);
        for g in &self.globs {
            b.add(g).map_err(|e| bad("--glob", g, e))?;
        }
        for g in &self.excludes {
            let g = g.strip_prefix('!').unwrap_or(g);
            b.add(&format!("!{g}"))
                .map_err(|e| bad("--exclude", g, e))?;
        }
        b.build()
            .map_err(|e| bad("--glob", &self.globs.join(","), e))
    }

    fn is_jsonl(&self, path: &Path) -> bool {
        self.jsonl_all
            || path.extension().is_some_and(|e| {
                e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("ndjson")
            })
    }
}

/// True for the temporary files unspin writes outputs through
/// (`.unspin-*.tmp`): never inputs, never outputs.
pub fn is_temp_name(name: &str) -> bool {
    name.starts_with(".unspin-") && name.ends_with(".tmp")
}

/// True for unspin's own files (temporary files, the out-dir manifest):
/// never read as inputs, even with `--hidden`.
pub fn is_own_name(name: &str) -> bool {
    name.starts_with(".unspin-")
}

/// The sources of `inputs` in order: `-` is standard input, a directory is
/// walked, anything else is a file. Files named here are taken whatever the
/// globs say, as in ripgrep.
pub fn walk<'a>(inputs: &'a [PathBuf], opts: &'a WalkOptions) -> impl Iterator<Item = Walked> + 'a {
    inputs
        .iter()
        .flat_map(move |input| -> Box<dyn Iterator<Item = Walked>> {
            if input == Path::new("-") {
                return Box::new(std::iter::once(Walked::Source(Source {
                    path: None,
                    name: "<stdin>".into(),
                    rel: PathBuf::from("stdin"),
                    explicit: true,
                    jsonl: opts.jsonl_all,
                })));
            }
            let name = input.display().to_string();
            match std::fs::metadata(input) {
                Ok(m) if m.is_dir() => walk_dir(input, opts),
                Ok(_) => Box::new(std::iter::once(Walked::Source(Source {
                    path: Some(input.clone()),
                    rel: input
                        .file_name()
                        .map_or_else(|| input.clone(), PathBuf::from),
                    name,
                    explicit: true,
                    jsonl: opts.is_jsonl(input),
                }))),
                Err(e) => Box::new(std::iter::once(Walked::Fault {
                    message: Error::io(&name, e).to_string(),
                    name,
                })),
            }
        })
}

fn walk_dir<'a>(root: &'a Path, opts: &'a WalkOptions) -> Box<dyn Iterator<Item = Walked> + 'a> {
    let overrides = match opts.overrides(root) {
        Ok(o) => o,
        Err(e) => {
            return Box::new(std::iter::once(Walked::Fault {
                name: root.display().to_string(),
                message: format!("{}: {e}", root.display()),
            }))
        }
    };
    let skip = opts.skip_dir.clone();
    let hidden = opts.hidden;
    let walker = WalkBuilder::new(root)
        .standard_filters(false)
        .hidden(!opts.hidden)
        .overrides(overrides)
        .sort_by_file_name(|a, b| a.cmp(b))
        .filter_entry(move |e| {
            let name = e.file_name().to_str();
            if name.is_some_and(is_own_name) {
                return false;
            }
            // A glob that matches does not make a hidden file visible.
            if !hidden && e.depth() > 0 && name.is_some_and(|n| n.starts_with('.')) {
                return false;
            }
            match (&skip, e.file_type()) {
                (Some(skip), Some(t)) if t.is_dir() && e.depth() > 0 => {
                    e.path().canonicalize().map_or(true, |p| &p != skip)
                }
                _ => true,
            }
        })
        .build();
    Box::new(walker.filter_map(move |entry| match entry {
        Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
            let path = e.into_path();
            Some(Walked::Source(Source {
                name: path.display().to_string(),
                rel: path.strip_prefix(root).unwrap_or(&path).to_path_buf(),
                explicit: false,
                jsonl: opts.is_jsonl(&path),
                path: Some(path),
            }))
        }
        Ok(_) => None,
        Err(e) => Some(Walked::Fault {
            name: root.display().to_string(),
            message: walk_error(root, &e),
        }),
    }))
}

/// A walk error as `path: what`.
fn walk_error(root: &Path, e: &ignore::Error) -> String {
    fn inner(e: &ignore::Error) -> Option<(PathBuf, String)> {
        match e {
            ignore::Error::WithPath { path, err } => Some((path.clone(), err.to_string())),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                inner(err)
            }
            _ => None,
        }
    }
    match inner(e) {
        Some((path, what)) => format!("{}: {what}", path.display()),
        None => format!("{}: {e}", root.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(inputs: &[PathBuf], opts: &WalkOptions) -> Vec<String> {
        walk(inputs, opts)
            .map(|w| match w {
                Walked::Source(s) => s.rel.display().to_string(),
                Walked::Fault { message, .. } => format!("fault {message}"),
            })
            .collect()
    }

    #[test]
    fn walk_is_sorted_filtered_by_globs_and_skips_hidden_and_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("sub/deep")).unwrap();
        for f in [
            "b.txt",
            "a.txt",
            "c.md",
            ".hidden.txt",
            ".unspin-x.tmp",
            ".unspin-manifest.jsonl",
            "sub/deep/d.txt",
            "sub/e.log",
        ] {
            std::fs::write(d.join(f), "x").unwrap();
        }
        let all = names(&[d.to_path_buf()], &WalkOptions::default());
        assert_eq!(
            all,
            ["a.txt", "b.txt", "c.md", "sub/deep/d.txt", "sub/e.log"]
        );
        let opts = WalkOptions {
            globs: vec!["*.txt".into()],
            excludes: vec!["deep".into()],
            ..Default::default()
        };
        assert_eq!(names(&[d.to_path_buf()], &opts), ["a.txt", "b.txt"]);
        let opts = WalkOptions {
            hidden: true,
            ..Default::default()
        };
        assert!(names(&[d.to_path_buf()], &opts).contains(&".hidden.txt".to_string()));
        let hidden = names(&[d.to_path_buf()], &opts);
        assert!(
            !hidden.iter().any(|n| n.starts_with(".unspin-")),
            "{hidden:?}"
        );
    }

    #[test]
    fn missing_input_is_a_fault_naming_it() {
        let got = names(
            &[PathBuf::from("/nonexistent/x.txt")],
            &WalkOptions::default(),
        );
        assert!(got[0].starts_with("fault /nonexistent/x.txt: "), "{got:?}");
    }

    #[test]
    fn bad_glob_is_reported() {
        let opts = WalkOptions {
            globs: vec!["a{".into()],
            ..Default::default()
        };
        assert!(opts
            .validate()
            .unwrap_err()
            .to_string()
            .starts_with("--glob a{"));
    }
}
