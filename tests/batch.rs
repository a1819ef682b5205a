//! Batch runs of `check` and `fix`: directories, JSON Lines, faults,
//! atomic outputs, interruption and `--resume`.
//!
//! Restorations depend on the language model, so these tests rely only on
//! "one in all" being restored to "one of" and on plain clean English such
//! as "The cat sat on the mat." having no restoration.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

const GOOD: &str = "The minister said it is one in all the largest ports.\n";
const CLEAN: &str = "The cat sat on the mat.\n";

fn unspin() -> Command {
    let mut c = Command::cargo_bin("unspin").unwrap();
    c.env_remove("NO_COLOR");
    c
}

/// Every file under `dir`, by path relative to it, with its bytes. A file
/// that vanishes while it is read (a running batch renamed it) is left out.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else if let Ok(bytes) = std::fs::read(&p) {
                out.insert(p.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut out);
    }
    out
}

/// The outputs of an out-dir: every file but the manifest.
fn outputs(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut s = snapshot(dir);
    s.remove(Path::new(".unspin-manifest.jsonl"));
    s
}

fn temp_files(dir: &Path) -> Vec<PathBuf> {
    snapshot(dir)
        .into_keys()
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with(".unspin-") && name.ends_with(".tmp")
        })
        .collect()
}

/// A directory with a good article, an invalid UTF-8 file, a binary file,
/// an empty file, and JSON Lines with one malformed line among good ones.
fn mixed_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("in");
    std::fs::create_dir_all(d.join("feeds")).unwrap();
    std::fs::write(d.join("article.txt"), GOOD).unwrap();
    std::fs::write(d.join("latin1.txt"), b"first line\ncaf\xe9 au lait\n").unwrap();
    std::fs::write(d.join("photo.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    std::fs::write(d.join("empty.txt"), "").unwrap();
    std::fs::write(
        d.join("feeds/items.jsonl"),
        concat!(
            "{\"id\":\"a\",\"text\":\"It is one in all the best.\",\"lang\":\"en\"}\n",
            "{\"id\":\"b\",\"text\":\"unterminated\n",
            "{\"id\":\"c\",\"text\":\"The cat sat on the mat.\",\"lang\":\"en\"}\n",
        ),
    )
    .unwrap();
    dir
}

fn jsonl_lines(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8(bytes.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn fix_out_dir_processes_every_good_document_reports_every_bad_one_and_exits_2() {
    let dir = mixed_dir();
    let input = dir.path().join("in");
    let out = dir.path().join("out");
    let before = snapshot(&input);
    let assert = unspin()
        .current_dir(dir.path())
        .args(["fix", "in", "--out-dir", "out"])
        .assert()
        .code(2)
        .stdout("");
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert!(
        stderr.contains("unspin: in/latin1.txt: invalid UTF-8 at line 2"),
        "{stderr}"
    );
    assert!(
        stderr.contains("unspin: in/feeds/items.jsonl:2: malformed JSON"),
        "{stderr}"
    );
    assert!(
        stderr.contains("unspin: in/photo.png: binary file"),
        "{stderr}"
    );
    assert!(stderr.contains("2 errors"), "{stderr}");

    let got = outputs(&out);
    let names: Vec<_> = got.keys().map(|p| p.display().to_string()).collect();
    assert_eq!(names, ["article.txt", "empty.txt", "feeds/items.jsonl"]);
    let article = String::from_utf8(got[Path::new("article.txt")].clone()).unwrap();
    assert!(article.contains("one of the largest"), "{article}");
    assert_eq!(got[Path::new("empty.txt")], b"");
    let items = jsonl_lines(&got[Path::new("feeds/items.jsonl")]);
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], "a");
    assert!(items[0]["text"]
        .as_str()
        .unwrap()
        .contains("one of the best"));
    assert_eq!(items[0]["lang"], "en");
    assert_eq!(items[1]["id"], "c");
    assert_eq!(items[1]["text"], "The cat sat on the mat.");

    assert!(temp_files(dir.path()).is_empty());
    assert_eq!(snapshot(&input), before, "inputs must not change");
}

#[test]
fn check_over_a_directory_names_each_bad_document_and_changes_nothing() {
    let dir = mixed_dir();
    let input = dir.path().join("in");
    let before = snapshot(&input);
    unspin()
        .current_dir(dir.path())
        .args(["check", "in"])
        .assert()
        .code(2)
        .stdout(
            predicate::str::contains("in/article.txt:1:")
                .and(predicate::str::contains("one in all -> one of")),
        )
        .stdout(predicate::str::contains("in/feeds/items.jsonl:3: score"))
        .stdout(predicate::str::contains(
            "in/empty.txt: score 0.00 (clean), 0 restorations in 0 words",
        ))
        .stderr(predicate::str::contains(
            "in/latin1.txt: invalid UTF-8 at line 2",
        ))
        .stderr(predicate::str::contains(
            "in/feeds/items.jsonl:2: malformed JSON",
        ));
    assert_eq!(snapshot(&input), before);
    assert_eq!(
        snapshot(dir.path()).len(),
        before.len(),
        "check writes no file"
    );
}

#[test]
fn on_error_pass_copies_bad_documents_unchanged() {
    let dir = mixed_dir();
    let out = dir.path().join("out");
    unspin()
        .current_dir(dir.path())
        .args(["fix", "in", "--out-dir", "out", "--on-error", "pass"])
        .assert()
        .code(2);
    let got = outputs(&out);
    let input = snapshot(&dir.path().join("in"));
    assert_eq!(got[Path::new("latin1.txt")], input[Path::new("latin1.txt")]);
    assert_eq!(got[Path::new("photo.png")], input[Path::new("photo.png")]);
    let items = String::from_utf8(got[Path::new("feeds/items.jsonl")].clone()).unwrap();
    assert_eq!(
        items.lines().nth(1),
        Some("{\"id\":\"b\",\"text\":\"unterminated")
    );
    assert_eq!(items.lines().count(), 3);
}

#[test]
fn write_restores_files_in_place_and_keeps_bad_files_and_lines_as_they_were() {
    let dir = mixed_dir();
    let input = dir.path().join("in");
    let before = snapshot(&input);
    unspin()
        .args(["fix", "--write"])
        .arg(&input)
        .assert()
        .code(2);
    let after = snapshot(&input);
    assert!(
        String::from_utf8_lossy(&after[Path::new("article.txt")]).contains("one of the largest")
    );
    for unchanged in ["latin1.txt", "photo.png", "empty.txt"] {
        assert_eq!(
            after[Path::new(unchanged)],
            before[Path::new(unchanged)],
            "{unchanged}"
        );
    }
    let items = String::from_utf8(after[Path::new("feeds/items.jsonl")].clone()).unwrap();
    assert_eq!(
        items.lines().count(),
        3,
        "a bad line is never deleted in place"
    );
    assert_eq!(
        items.lines().nth(1),
        Some("{\"id\":\"b\",\"text\":\"unterminated")
    );
    assert!(temp_files(&input).is_empty());
}

#[test]
fn write_leaves_a_file_with_nothing_to_restore_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("clean.txt");
    std::fs::write(&p, CLEAN).unwrap();
    let mtime = std::fs::metadata(&p).unwrap().modified().unwrap();
    std::thread::sleep(Duration::from_millis(20));
    unspin().args(["fix", "--write"]).arg(&p).assert().code(0);
    assert_eq!(std::fs::metadata(&p).unwrap().modified().unwrap(), mtime);
}

#[test]
fn jsonl_filter_keeps_input_order_ids_and_other_fields_on_many_threads() {
    let mut input = String::new();
    for i in 0..600 {
        let text = if i % 3 == 0 {
            "It was one in all the worst."
        } else {
            "The cat sat on the mat."
        };
        input += &format!("{{\"id\":{i},\"meta\":{{\"n\":{i}}},\"text\":\"{text}\"}}\n");
    }
    let out = unspin()
        .args(["fix", "--jsonl", "--threads", "2"])
        .write_stdin(input)
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let lines = jsonl_lines(&out);
    assert_eq!(lines.len(), 600);
    for (i, v) in lines.iter().enumerate() {
        assert_eq!(v["id"], i);
        assert_eq!(v["meta"]["n"], i);
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["id", "meta", "text", "score"]);
        let text = v["text"].as_str().unwrap();
        if i % 3 == 0 {
            assert!(text.contains("one of the worst"), "{text}");
        } else {
            assert_eq!(text, "The cat sat on the mat.");
        }
    }
}

#[test]
fn field_option_reads_and_restores_a_nested_text_field() {
    unspin()
        .args(["fix", "--jsonl", "--field", "doc.body"])
        .write_stdin("{\"id\":1,\"doc\":{\"body\":\"one in all\",\"by\":\"x\"}}\n{\"id\":2,\"body\":\"y\"}\n")
        .assert()
        .code(2)
        .stdout(predicate::str::contains(r#"{"id":1,"doc":{"body":"one of","by":"x"},"score":"#))
        .stderr(predicate::str::contains("<stdin>:2: no string field \"doc.body\""));
}

#[test]
fn report_lists_every_document_as_csv_or_json_lines_by_extension() {
    let dir = mixed_dir();
    unspin()
        .current_dir(dir.path())
        .args(["check", "in", "--report", "r.csv", "-q"])
        .assert()
        .code(2);
    let csv = std::fs::read_to_string(dir.path().join("r.csv")).unwrap();
    let mut rows = csv.lines();
    assert_eq!(
        rows.next(),
        Some("path,line,id,status,score,spun,restorations,words,bytes,message")
    );
    let rows: Vec<_> = rows.collect();
    assert_eq!(rows.len(), 7, "{csv}");
    assert!(rows.iter().any(|r| r.starts_with("in/article.txt,,,ok,")));
    assert!(rows
        .iter()
        .any(|r| r.starts_with("in/feeds/items.jsonl,2,,error,")));
    assert!(rows
        .iter()
        .any(|r| r.starts_with("in/feeds/items.jsonl,3,c,ok,")));
    assert!(rows
        .iter()
        .any(|r| r.starts_with("in/photo.png,,,skipped,")));

    unspin()
        .current_dir(dir.path())
        .args(["check", "in", "--report", "r.jsonl", "-q"])
        .assert()
        .code(2);
    let rows = jsonl_lines(&std::fs::read(dir.path().join("r.jsonl")).unwrap());
    let article = rows.iter().find(|r| r["path"] == "in/article.txt").unwrap();
    assert_eq!(article["status"], "ok");
    assert!(article["restorations"].as_u64().unwrap() >= 1);
    assert_eq!(article["bytes"], GOOD.len());
    let bad = rows.iter().find(|r| r["path"] == "in/latin1.txt").unwrap();
    assert_eq!(bad["status"], "error");
    assert!(bad["message"].as_str().unwrap().contains("invalid UTF-8"));
}

#[test]
fn summary_goes_to_stderr_for_many_documents_and_not_for_one() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), GOOD).unwrap();
    std::fs::write(dir.path().join("b.txt"), CLEAN).unwrap();
    unspin()
        .current_dir(dir.path())
        .args(["check", "a.txt"])
        .assert()
        .code(1)
        .stderr("");
    unspin()
        .current_dir(dir.path())
        .args(["check", "a.txt", "b.txt"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::is_match(
                r"^unspin: 2 documents, \d spun, \d clean, \d+ restorations?, 0 errors; 0\.00 MB in \d+\.\d\d s, \d+\.\d\d MB/s\n$",
            )
            .unwrap(),
        );
    unspin()
        .current_dir(dir.path())
        .args(["check", "a.txt", "--summary"])
        .assert()
        .stderr(predicate::str::starts_with("unspin: 1 document, "));
    unspin()
        .current_dir(dir.path())
        .args(["check", "a.txt", "b.txt", "--quiet"])
        .assert()
        .stderr("");
}

#[test]
fn no_progress_bar_is_drawn_when_stderr_is_not_a_terminal() {
    let input: String = (0..300)
        .map(|i| format!("{{\"id\":{i},\"text\":\"one in all\"}}\n"))
        .collect();
    let out = unspin()
        .args(["check", "--jsonl"])
        .write_stdin(input)
        .assert()
        .code(1);
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(
        !stderr.contains('\r') && !stderr.contains('\x1b'),
        "{stderr:?}"
    );
    assert_eq!(stderr.lines().count(), 1, "only the summary: {stderr}");
}

#[test]
fn min_score_keeps_documents_below_it_as_written() {
    unspin()
        .args(["fix", "--min-score", "1"])
        .write_stdin("The cat sat on the mat, one in all.\n")
        .assert()
        .code(0)
        .stdout("The cat sat on the mat, one in all.\n");
    unspin()
        .args(["fix", "--min-score", "0"])
        .write_stdin("one in all\n")
        .assert()
        .code(1)
        .stdout("one of\n");
    unspin()
        .args(["check", "--min-score", "2"])
        .assert()
        .code(2);
}

#[test]
fn dry_run_writes_nothing_but_exits_as_the_real_run_would() {
    let dir = mixed_dir();
    let input = dir.path().join("in");
    let before = snapshot(dir.path());
    unspin()
        .current_dir(dir.path())
        .args(["fix", "in", "--out-dir", "out", "--dry-run"])
        .assert()
        .code(2)
        .stdout("");
    unspin()
        .args(["fix", "--write", "--dry-run"])
        .arg(&input)
        .assert()
        .code(2)
        .stdout("");
    unspin()
        .args(["fix", "--dry-run"])
        .write_stdin("one in all")
        .assert()
        .code(1)
        .stdout("");
    assert_eq!(snapshot(dir.path()), before);
}

#[test]
fn globs_and_excludes_choose_the_files_of_a_walk() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("in/drafts")).unwrap();
    for f in ["in/a.txt", "in/b.md", "in/drafts/c.txt", "in/.hidden.txt"] {
        std::fs::write(d.join(f), "one in all\n").unwrap();
    }
    let listed = |args: &[&str]| -> Vec<String> {
        let out = unspin().current_dir(d).args(args).output().unwrap();
        String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .filter(|l| l.contains(": score"))
            .map(|l| l.split(": score").next().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        listed(&["check", "in"]),
        ["in/a.txt", "in/b.md", "in/drafts/c.txt"]
    );
    assert_eq!(
        listed(&["check", "in", "-g", "*.txt"]),
        ["in/a.txt", "in/drafts/c.txt"]
    );
    assert_eq!(
        listed(&["check", "in", "-g", "*.txt", "--exclude", "drafts"]),
        ["in/a.txt"]
    );
    assert_eq!(listed(&["check", "in", "--hidden", "-g", "*.txt"]).len(), 3);
    // A file named on the command line is read whatever the globs say.
    assert_eq!(listed(&["check", "in/b.md", "-g", "*.txt"]), ["in/b.md"]);
}

#[test]
fn documents_over_max_bytes_are_reported_and_left_out_or_passed_through() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("in")).unwrap();
    std::fs::write(d.join("in/big.txt"), "one in all ".repeat(20)).unwrap();
    std::fs::write(d.join("in/small.txt"), "one in all\n").unwrap();
    let long = format!("{{\"id\":2,\"text\":\"{}\"}}", "x ".repeat(100));
    std::fs::write(
        d.join("in/lines.jsonl"),
        format!("{{\"id\":1,\"text\":\"one in all\"}}\n{long}\n{{\"id\":3,\"text\":\"a\"}}\n"),
    )
    .unwrap();
    unspin()
        .current_dir(d)
        .args(["fix", "in", "--out-dir", "skip", "--max-bytes", "100"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "in/big.txt: 220 bytes, over the --max-bytes limit of 100",
        ))
        .stderr(predicate::str::contains(
            "in/lines.jsonl:2: line of 218 bytes, over the --max-bytes limit of 100",
        ));
    let got = outputs(&d.join("skip"));
    assert!(!got.contains_key(Path::new("big.txt")));
    assert_eq!(got[Path::new("small.txt")], b"one of\n");
    assert_eq!(jsonl_lines(&got[Path::new("lines.jsonl")]).len(), 2);

    unspin()
        .current_dir(d)
        .args([
            "fix",
            "in",
            "--out-dir",
            "pass",
            "--max-bytes",
            "100",
            "--on-error",
            "pass",
        ])
        .assert()
        .code(2);
    let got = outputs(&d.join("pass"));
    assert_eq!(
        got[Path::new("big.txt")],
        "one in all ".repeat(20).as_bytes()
    );
    let lines = String::from_utf8(got[Path::new("lines.jsonl")].clone()).unwrap();
    assert_eq!(lines.lines().nth(1), Some(long.as_str()));
}

#[test]
fn unspin_toml_allow_list_applies_to_the_files_below_it() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("in/quiet")).unwrap();
    std::fs::write(
        d.join("in/quiet/unspin.toml"),
        "[allow]\nforms = [\"one in all\"]\n",
    )
    .unwrap();
    std::fs::write(d.join("in/quiet/a.txt"), "one in all\n").unwrap();
    std::fs::write(d.join("in/b.txt"), "one in all\n").unwrap();
    unspin()
        .current_dir(d)
        .args(["fix", "in", "-g", "*.txt", "--out-dir", "out"])
        .assert()
        .code(1);
    assert_eq!(
        std::fs::read_to_string(d.join("out/quiet/a.txt")).unwrap(),
        "one in all\n"
    );
    assert_eq!(
        std::fs::read_to_string(d.join("out/b.txt")).unwrap(),
        "one of\n"
    );
}

#[test]
fn out_dir_refuses_standard_input_and_an_input_directory() {
    unspin()
        .args(["fix", "--out-dir", "x"])
        .write_stdin("a")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--out-dir needs files"));
    let dir = tempfile::tempdir().unwrap();
    unspin()
        .arg("fix")
        .arg(dir.path())
        .arg("--out-dir")
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is an input"));
    unspin()
        .args(["fix", "--resume"])
        .write_stdin("a")
        .assert()
        .code(2);
}

#[test]
fn out_dir_inside_the_input_is_never_walked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.txt"), "one in all\n").unwrap();
    for _ in 0..2 {
        unspin()
            .current_dir(dir.path())
            .args(["fix", ".", "--out-dir", "clean", "--hidden"])
            .assert()
            .code(1);
    }
    let names: Vec<_> = outputs(&dir.path().join("clean")).into_keys().collect();
    assert_eq!(names, [PathBuf::from("a.txt")]);
}

/// A tree big enough that a debug build takes a few seconds over it with
/// one thread: text files around a JSON Lines file of many chunks.
fn large_tree(root: &Path) {
    let para =
        "The minister said on Tuesday that it is one in all the largest ports in the region, \
                and that trade through it had grown every year since the war ended.\n\n";
    std::fs::create_dir_all(root.join("b")).unwrap();
    for i in 0..60 {
        std::fs::write(root.join(format!("a{i:03}.txt")), para.repeat(8)).unwrap();
    }
    let mut lines = String::new();
    for i in 0..1500 {
        lines += &format!(
            "{{\"id\":{i},\"text\":{}}}\n",
            serde_json::to_string(&para.repeat(2)).unwrap()
        );
    }
    std::fs::write(root.join("b/m.jsonl"), lines).unwrap();
    for i in 0..200 {
        std::fs::write(root.join(format!("c{i:03}.txt")), para.repeat(8)).unwrap();
    }
}

/// Starts `fix IN --out-dir OUT --threads 1`, waits for its first output,
/// and sends `signal`; returns whether the run was still going then, and
/// how it ended.
fn interrupt_run(dir: &Path, signal: &str) -> (bool, std::process::ExitStatus) {
    let bin = assert_cmd::cargo::cargo_bin("unspin");
    let mut child = std::process::Command::new(bin)
        .current_dir(dir)
        .args(["fix", "in", "--out-dir", "out", "--threads", "1", "--quiet"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while outputs(&dir.join("out")).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    let running = child.try_wait().unwrap().is_none();
    let status = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success() || !running);
    (running, child.wait().unwrap())
}

#[test]
fn killed_run_leaves_no_partial_output_and_resume_completes_it() {
    let dir = tempfile::tempdir().unwrap();
    large_tree(&dir.path().join("in"));
    unspin()
        .current_dir(dir.path())
        .args(["fix", "in", "--out-dir", "clean", "--quiet"])
        .assert()
        .code(1);
    let clean = outputs(&dir.path().join("clean"));
    assert_eq!(clean.len(), 261);

    let (was_running, _) = interrupt_run(dir.path(), "-KILL");
    assert!(
        was_running,
        "the run ended before it could be killed; make the input larger"
    );
    let partial = outputs(&dir.path().join("out"));
    assert!(partial.len() < clean.len() + 1);
    for (path, bytes) in &partial {
        let name = path.file_name().unwrap().to_string_lossy();
        if name.starts_with(".unspin-") && name.ends_with(".tmp") {
            continue; // a killed run's temporary file: never an output
        }
        assert_eq!(
            Some(bytes),
            clean.get(path),
            "{} is not complete",
            path.display()
        );
    }

    unspin()
        .current_dir(dir.path())
        .args(["fix", "in", "--out-dir", "out", "--resume", "--quiet"])
        .assert()
        .code(1);
    assert_eq!(outputs(&dir.path().join("out")), clean);
    assert!(temp_files(&dir.path().join("out")).is_empty());
}

#[test]
fn terminated_run_removes_its_temporary_files_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    large_tree(&dir.path().join("in"));
    let (was_running, status) = interrupt_run(dir.path(), "-TERM");
    assert!(was_running);
    assert_eq!(status.code(), Some(2));
    assert!(temp_files(&dir.path().join("out")).is_empty());
    assert!(outputs(&dir.path().join("out")).len() < 261);
}

#[test]
fn resume_after_a_complete_run_redoes_nothing_and_keeps_the_exit_status() {
    let dir = mixed_dir();
    unspin()
        .current_dir(dir.path())
        .args(["fix", "in", "--out-dir", "out", "-q"])
        .assert()
        .code(2);
    let first = snapshot(&dir.path().join("out"));
    let first_outputs = outputs(&dir.path().join("out"));
    let manifest = String::from_utf8(first[Path::new(".unspin-manifest.jsonl")].clone()).unwrap();
    assert!(manifest
        .lines()
        .next()
        .unwrap()
        .contains("\"unspin_manifest\":1"));
    // The failed files have no output, so they are tried (and fail) again;
    // the finished ones are skipped, their counts kept.
    unspin()
        .current_dir(dir.path())
        .args([
            "fix",
            "in",
            "--out-dir",
            "out",
            "--resume",
            "--report",
            "r.jsonl",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("3 resumed"))
        .stderr(predicate::str::contains("latin1.txt: invalid UTF-8"))
        .stderr(predicate::str::contains("items.jsonl:2").not());
    assert_eq!(outputs(&dir.path().join("out")), first_outputs);
    let rows = jsonl_lines(&std::fs::read(dir.path().join("r.jsonl")).unwrap());
    assert_eq!(rows.iter().filter(|r| r["status"] == "resumed").count(), 3);
    // A changed input is done again.
    std::fs::write(
        dir.path().join("in/article.txt"),
        "one in all\none in all\n",
    )
    .unwrap();
    unspin()
        .current_dir(dir.path())
        .args(["fix", "in", "--out-dir", "out", "--resume", "-q"])
        .assert()
        .code(2);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/article.txt")).unwrap(),
        "one of\none of\n"
    );
}

#[test]
fn an_html_report_counts_every_document_and_samples_the_most_spun() {
    let dir = tempfile::tempdir().unwrap();
    let spun = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/seeds/002_e90d1dc293122756.txt"
    ))
    .unwrap();
    std::fs::write(dir.path().join("a.txt"), &spun).unwrap();
    std::fs::write(dir.path().join("b.txt"), "The weather was fine today.\n").unwrap();
    std::fs::write(dir.path().join("bad.txt"), b"\xff\xfe\x00oops").unwrap();
    let report = dir.path().join("r.HTML");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_unspin"))
        .args(["check", "-q", "--report"])
        .arg(&report)
        .args(["a.txt", "b.txt", "bad.txt"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "an error among the documents");
    let page = std::fs::read_to_string(&report).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{}", &page[..100]);
    let data = page
        .split("<script type=\"application/json\" id=\"data\">")
        .nth(1)
        .and_then(|s| s.split("</script>").next())
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(data).unwrap();
    assert_eq!(v["totals"]["documents"], 2);
    assert_eq!(v["totals"]["errors"], 1);
    assert_eq!(v["totals"]["spun"], 1);
    assert_eq!(v["totals"]["sampled"], 2);
    assert!(v["errors"][0].as_str().unwrap().contains("bad.txt"));
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs[0]["name"], "a.txt", "most spun first");
    let restored = docs[0]["parts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p.is_array())
        .count() as u64;
    assert_eq!(restored, docs[0]["restorations"].as_u64().unwrap());
    assert_eq!(v["totals"]["restorations"], docs[0]["restorations"]);
    assert!(v["forms"].as_array().unwrap().len() > 5);
    let hist: u64 = v["histogram"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(hist, 2);
}
