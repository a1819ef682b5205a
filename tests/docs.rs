//! The examples of README.md and docs/*.md run as written (issue 24 item
//! 13): every ```console block is a session of `$ COMMAND` lines, each run
//! with `sh` in a directory holding the repository's files, with this
//! build's `unspin` first on the PATH, and the lines under it are what the
//! command prints (standard output and error). A line
//! `...` stands for any lines (none included); a command with no lines
//! under it is only required to succeed (exit status 0 or 1, as diff(1)).

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// One `$ command` of a console block, and the output the block shows.
struct Example {
    file: String,
    line: usize,
    command: String,
    output: Vec<String>,
}

/// The markdown files whose examples are kept true.
fn documents() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    if let Ok(dir) = std::fs::read_dir(root.join("docs")) {
        let mut docs: Vec<PathBuf> = dir
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "md"))
            .collect();
        docs.sort();
        files.extend(docs);
    }
    files
}

/// The console examples of the markdown `text` from `file`.
fn examples(file: &str, text: &str) -> Vec<Example> {
    let mut out: Vec<Example> = Vec::new();
    let mut in_console = false;
    for (i, line) in text.lines().enumerate() {
        let fence = line.trim_start().starts_with("```");
        if !in_console {
            in_console = fence && line.trim() == "```console";
            continue;
        }
        if fence {
            in_console = false;
        } else if let Some(command) = line.strip_prefix("$ ") {
            out.push(Example {
                file: file.to_string(),
                line: i + 1,
                command: command.to_string(),
                output: Vec::new(),
            });
        } else if let Some(e) = out.last_mut() {
            e.output.push(line.to_string());
        }
    }
    out
}

/// Whether `got` is what `want` shows, `...` standing for any lines.
fn matches(want: &[String], got: &[&str]) -> bool {
    match want.split_first() {
        None => got.is_empty(),
        Some((w, rest)) if w == "..." => (0..=got.len()).any(|k| matches(rest, &got[k..])),
        Some((w, rest)) => got.first() == Some(&w.as_str()) && matches(rest, &got[1..]),
    }
}

#[test]
fn the_examples_of_the_readme_and_the_docs_print_what_they_show() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let bin = Path::new(env!("CARGO_BIN_EXE_unspin"));
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut all = Vec::new();
    for doc in documents() {
        let text = std::fs::read_to_string(&doc).unwrap();
        let name = doc.strip_prefix(root).unwrap().display().to_string();
        all.extend(examples(&name, &text));
    }
    assert!(all.len() >= 5, "{} examples", all.len());
    // A directory that looks like the repository (its entries linked), so
    // that what an example writes (`-o learned.tsv`) lands outside it.
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root).unwrap() {
        let entry = entry.unwrap().path();
        let name = entry.file_name().unwrap();
        if name != "target" && name != ".git" {
            std::os::unix::fs::symlink(&entry, dir.path().join(name)).unwrap();
        }
    }
    let mut failures = Vec::new();
    for e in &all {
        let out = Command::new("sh")
            .args(["-c", &format!("{{ {}\n}} 2>&1", e.command)])
            .current_dir(dir.path())
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let got: Vec<&str> = stdout.lines().collect();
        let ok_status = matches!(out.status.code(), Some(0 | 1));
        let shown = e.output.is_empty() || matches(&e.output, &got);
        if !ok_status || !shown {
            failures.push(format!(
                "{}:{}: $ {}\n  exit {:?}; printed:\n{}\n  stderr: {}",
                e.file,
                e.line,
                e.command,
                out.status.code(),
                stdout,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn dots_stand_for_any_lines() {
    let want = |s: &[&str]| s.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    assert!(matches(&want(&["a", "...", "d"]), &["a", "b", "c", "d"]));
    assert!(matches(&want(&["a", "...", "d"]), &["a", "d"]));
    assert!(!matches(&want(&["a", "...", "d"]), &["a", "b"]));
    assert!(!matches(&want(&["a"]), &["a", "b"]));
    let e = examples(
        "x.md",
        "```console\n$ echo 1\n1\n$ true\n```\n```\n$ no\n```\n",
    );
    assert_eq!(e.len(), 2);
    assert_eq!((e[0].line, e[0].output.len(), e[1].output.len()), (2, 1, 0));
}
