//! `unspin learn --corpus` (issue 23): the pairs of a crawl found and mined.
//!
//! The worked example of docs/mining.md runs on the shipped crawl
//! (corpus/crawl/, built by scripts/corpus/crawl.py): the pairs found, the
//! summary, the table, and the exit codes; bad input is reported with its
//! file and line and skipped; a join done elsewhere (`--pairs` of ids) gives
//! what the built-in join gives.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

const CRAWL: &str = "corpus/crawl";

fn unspin() -> Command {
    Command::cargo_bin("unspin").unwrap()
}

/// The `--found` lines as (spun, original) ids.
fn found(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let id = |k: &str| v[k].as_str().unwrap().to_string();
            (id("spun"), id("original"))
        })
        .collect()
}

fn wire(n: &str) -> String {
    Path::new(CRAWL)
        .join("wire")
        .join(format!("brown-ca{n}.txt"))
        .display()
        .to_string()
}

/// The pairs the shipped crawl holds (scripts/corpus/crawl.py): each spun
/// copy with its original; not the mirror (an exact duplicate), the copy
/// without original, the two copies of ca06 with each other, nor the other
/// outlet's report of ca10.
fn shipped_pairs() -> Vec<(String, String)> {
    let mut pairs = vec![
        ("mirror/ca06".to_string(), wire("06")),
        ("mirror/ca02".to_string(), wire("02")),
        ("scraper/2024/ca04".to_string(), wire("04")),
        ("scraper/2024/ca06".to_string(), wire("06")),
        ("scraper/2024/ca08".to_string(), wire("08")),
    ];
    pairs.sort();
    pairs
}

fn run_shipped(dir: &Path) -> (PathBuf, PathBuf, String) {
    let (table, found_path) = (dir.join("crawl.tsv"), dir.join("found.jsonl"));
    let out = unspin()
        .args(["learn", "--corpus", CRAWL, "--found"])
        .arg(&found_path)
        .arg("-o")
        .arg(&table)
        .assert()
        .code(0)
        .stdout("")
        .get_output()
        .clone();
    (table, found_path, String::from_utf8(out.stderr).unwrap())
}

#[test]
fn the_worked_example_finds_every_pair_of_the_shipped_crawl_and_no_other() {
    let dir = tempfile::tempdir().unwrap();
    let (table, found_path, stderr) = run_shipped(dir.path());
    let mut got = found(&found_path);
    got.sort();
    assert_eq!(got, shipped_pairs());
    assert!(
        stderr.contains("unspin learn: 14 documents read\n"),
        "{stderr}"
    );
    assert!(
        stderr.contains("pairs kept (1 exact duplicates, 1 both spun, "),
        "{stderr}"
    );
    let text = std::fs::read_to_string(&table).unwrap();
    assert!(
        text.lines().filter(|l| !l.starts_with('#')).count() > 20,
        "{text}"
    );
    // Every entry carries its channel counts, `spun/seen` a candidate.
    for l in text.lines().filter(|l| !l.starts_with('#')) {
        let fields: Vec<&str> = l.split('\t').collect();
        let Some(channel) = fields.get(4) else {
            // Only an entry deferring to a built-in one may lack them.
            assert!(fields[3].contains("; after dictionaries/"), "{l}");
            continue;
        };
        let candidates = fields[1].split(" | ").count();
        let counts: Vec<&str> = channel.split(' ').collect();
        assert_eq!(counts.len(), candidates, "{l}");
        for c in counts {
            let (a, b) = c.split_once('/').unwrap();
            let (a, b): (usize, usize) = (a.parse().unwrap(), b.parse().unwrap());
            assert!(0 < a && a <= b, "{l}");
        }
    }
    // Each line of --found says how alike the two are and how well they align.
    let line: Value = serde_json::from_str(
        std::fs::read_to_string(&found_path)
            .unwrap()
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    for key in ["similarity", "agreement", "spun_score", "original_score"] {
        assert!(line[key].is_number(), "{key}: {line}");
    }
    assert!(line["spun_score"].as_f64() > line["original_score"].as_f64());
}

#[test]
fn a_join_done_elsewhere_gives_the_same_table() {
    let dir = tempfile::tempdir().unwrap();
    let (table, found_path, _) = run_shipped(dir.path());
    // The pairs as a join hands them over: unsided, in either order.
    let joined: String = found(&found_path)
        .iter()
        .enumerate()
        .map(|(k, (s, o))| {
            let (a, b) = if k % 2 == 0 { (s, o) } else { (o, s) };
            format!("{}\n", serde_json::json!({"a": a, "b": b}))
        })
        .collect();
    let joined_path = dir.path().join("joined.jsonl");
    std::fs::write(&joined_path, joined).unwrap();
    let again = dir.path().join("again.tsv");
    unspin()
        .args(["learn", "-q", "--corpus", CRAWL, "--pairs"])
        .arg(&joined_path)
        .arg("-o")
        .arg(&again)
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(&again).unwrap(),
        std::fs::read_to_string(&table).unwrap()
    );
    // And the --found file itself (sides given).
    let sided = dir.path().join("sided.tsv");
    unspin()
        .args(["learn", "-q", "--corpus", CRAWL, "--pairs"])
        .arg(&found_path)
        .arg("-o")
        .arg(&sided)
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(&sided).unwrap(),
        std::fs::read_to_string(&table).unwrap()
    );
}

#[test]
fn bad_input_is_reported_with_file_and_line_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let crawl = dir.path().join("crawl");
    std::fs::create_dir(&crawl).unwrap();
    let original = std::fs::read_to_string(wire("02")).unwrap();
    let spun_line = std::fs::read_to_string(Path::new(CRAWL).join("scraper.jsonl"))
        .unwrap()
        .lines()
        .find(|l| l.contains("\"scraper/2024/ca02\""))
        .unwrap()
        .to_string();
    std::fs::write(crawl.join("ca02.txt"), original).unwrap();
    std::fs::write(
        crawl.join("pages.jsonl"),
        format!("{{\"id\": \"broken\", \"text\": \"unterminated\n{spun_line}\n"),
    )
    .unwrap();
    std::fs::write(crawl.join("image.txt"), b"\x89PNG\r\n\x1a\n\0\0\0").unwrap();
    let missing = dir.path().join("no-such-dir");
    let found_path = dir.path().join("found.jsonl");
    let table = dir.path().join("t.tsv");
    let pages = crawl.join("pages.jsonl").display().to_string();
    unspin()
        .args(["learn", "--corpus"])
        .arg(&crawl)
        .arg(&missing)
        .arg("--found")
        .arg(&found_path)
        .arg("-o")
        .arg(&table)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(format!(
            "unspin: {}: binary file (NUL byte at offset 8) (skipped)\n",
            crawl.join("image.txt").display()
        )))
        .stderr(predicate::str::contains(format!(
            "unspin: {pages}:1: malformed JSON"
        )))
        .stderr(predicate::str::contains(format!(
            "unspin: {}: ",
            missing.display()
        )))
        .stderr(predicate::str::contains(
            "unspin learn: 2 documents read (3 unreadable, skipped)\n",
        ));
    assert_eq!(
        found(&found_path),
        [(
            "scraper/2024/ca02".to_string(),
            crawl.join("ca02.txt").display().to_string()
        )]
    );
    assert!(table.exists());
}

#[test]
fn usage_errors_exit_with_2() {
    unspin()
        .args(["learn", "--found", "f.jsonl", "--pairs", "p.jsonl"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--corpus"));
    unspin()
        .args(["learn", "--corpus", CRAWL, "--min-similarity", "1.5"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--min-similarity 1.5 is not in [0, 1]",
        ));
    let dir = tempfile::tempdir().unwrap();
    let joined = dir.path().join("j.jsonl");
    std::fs::write(
        &joined,
        "{\"a\": \"nobody\", \"b\": \"scraper/2024/ca02\"}\n",
    )
    .unwrap();
    unspin()
        .args(["learn", "--corpus", CRAWL, "--pairs"])
        .arg(&joined)
        .assert()
        .code(2)
        .stderr("unspin: nobody: no such document in the crawl\n");
}
