//! `--only spun|clean`: `check` and `fix` pass on only the documents judged
//! spun, or only those judged clean, over files, directories, standard
//! input, JSON Lines and documents read in windows; `check --list` names
//! them. The summary counts spun and clean documents; the exit status is
//! that of every document read, whatever `--only` passes on.
//!
//! The verdicts rest on two texts: a paragraph dense with the news
//! spinner's forms (judged spun) and plain English with none (judged
//! clean); each test checks the verdict it relies on before the filter.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const SPUN: &str = "We took motion final night time to cease a struggle.\n\
                    It is one in all the CENTER EAST wars.\n";
const CLEAN: &str = "The cat sat on the mat.\n";

fn unspin() -> Command {
    let mut c = Command::cargo_bin("unspin").unwrap();
    c.env_remove("NO_COLOR");
    c
}

/// The JSON Lines record of `text` with an id.
fn record(id: &str, text: &str) -> String {
    serde_json::json!({ "id": id, "text": text }).to_string()
}

/// Four records, spun and clean in turn, a blank line among them.
fn feed() -> String {
    [
        record("s1", SPUN),
        record("c1", CLEAN),
        String::new(),
        record("s2", SPUN),
        record("c2", CLEAN),
    ]
    .join("\n")
        + "\n"
}

/// A directory holding a spun article, a clean one, and a feed.
fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("in");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join("a-spun.txt"), SPUN).unwrap();
    std::fs::write(d.join("b-clean.txt"), CLEAN).unwrap();
    std::fs::write(d.join("c-feed.jsonl"), feed()).unwrap();
    dir
}

/// `unspin ARGS` run in `dir`.
fn run_in(dir: &Path, args: &[&str]) -> std::process::Output {
    unspin().current_dir(dir).args(args).output().unwrap()
}

/// `unspin ARGS` with `input` on standard input.
fn run(args: &[&str], input: impl Into<Vec<u8>>) -> std::process::Output {
    unspin().args(args).write_stdin(input).output().unwrap()
}

/// What `unspin fix` makes of `text` on standard input.
fn fixed(text: &str) -> Vec<u8> {
    run(&["fix"], text).stdout
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// The ids of the JSON lines of `out`.
fn ids(out: &str) -> Vec<String> {
    out.lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            v["id"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn the_two_texts_are_judged_as_the_tests_expect() {
    let o = run(&["check"], SPUN);
    assert!(stdout(&o).contains("(spun)"), "{}", stdout(&o));
    assert_eq!(o.status.code(), Some(1));
    let o = run(&["check"], CLEAN);
    assert_eq!(
        stdout(&o),
        "<stdin>: score 0.02 (clean), 0 restorations in 6 words\n"
    );
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn check_of_files_lists_only_the_documents_of_the_verdict() {
    let dir = corpus();
    let d = dir.path().join("in");
    let (spun, clean) = (d.join("a-spun.txt"), d.join("b-clean.txt"));
    let all = unspin()
        .arg("check")
        .args([&spun, &clean])
        .output()
        .unwrap();
    let all = stdout(&all);
    let o = unspin()
        .args(["check", "--only", "spun"])
        .args([&spun, &clean])
        .output()
        .unwrap();
    let listed = stdout(&o);
    assert!(listed.ends_with(" restorations in 19 words\n"), "{listed}");
    assert!(!listed.contains("b-clean.txt"), "{listed}");
    // The spun document's listing is the one `check` gives without --only.
    assert!(all.starts_with(&listed), "{all}\n---\n{listed}");
    // The exit status and the summary are the whole run's.
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("unspin: 2 documents, 1 spun, 1 clean, "),
        "{}",
        stderr(&o)
    );

    let o = unspin()
        .args(["check", "--only", "clean"])
        .args([&spun, &clean])
        .output()
        .unwrap();
    assert_eq!(
        stdout(&o),
        format!(
            "{}: score 0.02 (clean), 0 restorations in 6 words\n",
            clean.display()
        )
    );
    assert_eq!(o.status.code(), Some(1), "the spun file is still read");
    let o = unspin()
        .args(["check", "--only", "clean"])
        .arg(&clean)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn check_list_names_the_files_and_json_lines_of_a_directory() {
    let dir = corpus();
    let d = dir.path().join("in");
    let run = |only: &[&str]| {
        let o = unspin()
            .current_dir(dir.path())
            .args(["check", "-l", "-q"])
            .args(only)
            .arg("in")
            .output()
            .unwrap();
        assert!(o.stderr.is_empty(), "{}", stderr(&o));
        (stdout(&o), o.status.code())
    };
    assert_eq!(
        run(&["--only", "spun"]),
        (
            "in/a-spun.txt\nin/c-feed.jsonl:1\nin/c-feed.jsonl:4\n".to_string(),
            Some(1)
        )
    );
    assert_eq!(
        run(&["--only", "clean"]),
        (
            "in/b-clean.txt\nin/c-feed.jsonl:2\nin/c-feed.jsonl:5\n".to_string(),
            Some(1)
        )
    );
    // Without --only, every document.
    assert_eq!(run(&[]).0.lines().count(), 6);
    // The directory's summary counts spun and clean documents.
    let o = unspin()
        .args(["check", "-l", "--only", "spun"])
        .arg(&d)
        .output()
        .unwrap();
    assert!(
        stderr(&o).starts_with("unspin: 6 documents, 3 spun, 3 clean, "),
        "{}",
        stderr(&o)
    );
    // --list names documents: it takes no other listing option.
    unspin()
        .args(["check", "-l", "--format", "json"])
        .arg(&d)
        .assert()
        .code(2);
}

#[test]
fn standard_input_is_passed_on_or_left_out_whole() {
    let fixed = run(&["fix"], SPUN);
    assert_ne!(stdout(&fixed), SPUN);
    let o = run(&["fix", "--only", "spun"], SPUN);
    assert_eq!((stdout(&o), o.status.code()), (stdout(&fixed), Some(1)));
    let o = run(&["fix", "--only", "clean"], SPUN);
    assert_eq!((stdout(&o), o.status.code()), (String::new(), Some(1)));
    let o = run(&["fix", "--only", "clean"], CLEAN);
    assert_eq!((stdout(&o), o.status.code()), (CLEAN.to_string(), Some(0)));
    let o = run(&["check", "--only", "spun"], CLEAN);
    assert_eq!((stdout(&o), o.status.code()), (String::new(), Some(0)));
    let o = run(&["check", "--only", "spun", "--format", "json"], SPUN);
    let v: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["spun"], true);
}

#[test]
fn json_lines_pass_on_only_the_records_of_the_verdict() {
    let all = run(&["fix", "--jsonl"], feed());
    let all: Vec<String> = stdout(&all).lines().map(str::to_string).collect();
    assert_eq!(all.len(), 5, "four records and the blank line");

    let o = run(&["fix", "--jsonl", "--only", "spun"], feed());
    // The spun records, restored, as `fix --jsonl` writes them; no blank line.
    assert_eq!(stdout(&o), format!("{}\n{}\n", all[0], all[3]));
    assert_eq!(o.status.code(), Some(1));
    let o = run(&["fix", "--jsonl", "--only", "clean"], feed());
    assert_eq!(stdout(&o), format!("{}\n{}\n", all[1], all[4]));
    assert_eq!(o.status.code(), Some(1), "spun records were read");
    for line in stdout(&o).lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["text"], CLEAN, "a clean record is unchanged");
    }

    let o = run(&["check", "--jsonl", "--only", "spun"], feed());
    assert_eq!(ids(&stdout(&o)), ["s1", "s2"]);
    for line in stdout(&o).lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["text"], SPUN, "check reports, it does not restore");
        assert!(!v["findings"].as_array().unwrap().is_empty());
    }
    // Standard input's records are named by line.
    let o = run(&["check", "--jsonl", "-l", "--only", "clean"], feed());
    assert_eq!(stdout(&o), "<stdin>:2\n<stdin>:5\n");
}

#[test]
fn a_bad_record_is_still_an_error_under_only() {
    let input = format!("{}\n{{oops\n{}\n", record("s1", SPUN), record("c1", CLEAN));
    let o = run(&["fix", "--jsonl", "--only", "clean"], input.clone());
    assert_eq!(ids(&stdout(&o)), ["c1"]);
    assert!(stderr(&o).contains("<stdin>:2: malformed JSON"));
    assert_eq!(o.status.code(), Some(2));
    // Passed through on request, as every bad line is.
    let o = run(
        &["fix", "--jsonl", "--only", "clean", "--on-error", "pass"],
        input,
    );
    assert_eq!(stdout(&o).lines().collect::<Vec<_>>()[0], "{oops");
    unspin()
        .args(["check", "--only", "suspicious"])
        .write_stdin(CLEAN)
        .assert()
        .code(2);
}

#[test]
fn out_dir_mirrors_only_the_documents_of_the_verdict_and_resumes() {
    let dir = corpus();
    let out = dir.path().join("out");
    let o = run_in(
        dir.path(),
        &["fix", "--only", "spun", "--out-dir", "out", "in"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(!out.join("b-clean.txt").exists());
    assert_eq!(std::fs::read(out.join("a-spun.txt")).unwrap(), fixed(SPUN));
    let feed_out = std::fs::read_to_string(out.join("c-feed.jsonl")).unwrap();
    assert_eq!(ids(&feed_out), ["s1", "s2"]);

    // A resumed run finds every input done, the left-out one included.
    let resume = |only| {
        run_in(
            dir.path(),
            &["fix", "--only", only, "--out-dir", "out", "--resume", "in"],
        )
    };
    let o = resume("spun");
    assert!(stderr(&o).contains(", 3 resumed;"), "{}", stderr(&o));
    assert!(!out.join("b-clean.txt").exists());
    // Another verdict is other settings: a fresh start.
    let o = resume("clean");
    assert!(stderr(&o).contains("other settings"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(out.join("b-clean.txt")).unwrap(),
        CLEAN
    );
    let feed_out = std::fs::read_to_string(out.join("c-feed.jsonl")).unwrap();
    assert_eq!(ids(&feed_out), ["c1", "c2"]);
}

#[test]
fn write_in_place_restores_only_the_spun_and_deletes_nothing() {
    let dir = corpus();
    let d = dir.path().join("in");
    let o = unspin()
        .args(["fix", "--write", "--only", "spun"])
        .arg(&d)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(std::fs::read(d.join("a-spun.txt")).unwrap(), fixed(SPUN));
    assert_eq!(
        std::fs::read_to_string(d.join("b-clean.txt")).unwrap(),
        CLEAN
    );
    // Every line stays; only the spun records are restored (and scored),
    // the clean ones are as they were, byte for byte.
    let lines: Vec<String> = std::fs::read_to_string(d.join("c-feed.jsonl"))
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect();
    let feed = feed();
    let before: Vec<&str> = feed.lines().collect();
    assert_eq!(lines.len(), before.len());
    for i in [1, 2, 4] {
        assert_eq!(lines[i], before[i]);
    }
    for i in [0, 3] {
        let v: Value = serde_json::from_str(&lines[i]).unwrap();
        assert_ne!(v["text"], SPUN);
        assert!(v["score"].as_f64().unwrap() >= 0.5);
    }

    // Clean documents have nothing to restore, and in place nothing is
    // deleted: refused, naming the way to keep them.
    let o = unspin()
        .args(["fix", "--write", "--only", "clean"])
        .arg(&d)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--out-dir"), "{}", stderr(&o));
}

/// A text file over the window size, spun throughout.
fn large_spun(dir: &Path) -> std::path::PathBuf {
    let p = dir.join("large.txt");
    std::fs::write(&p, SPUN.repeat(40)).unwrap();
    p
}

#[test]
fn a_document_read_in_windows_is_passed_on_by_its_whole_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let p = large_spun(dir.path());
    let windows = ["--window", "256"];
    let whole = unspin().arg("check").arg(&p).output().unwrap();
    let o = unspin()
        .args(["check", "--only", "spun"])
        .args(windows)
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(
        stdout(&o).lines().last(),
        stdout(&whole).lines().last(),
        "the same score line"
    );
    for args in [
        &["check", "--only", "clean"][..],
        &["check", "--only", "clean", "--format", "json"],
        &["fix", "--only", "clean"],
    ] {
        let o = unspin().args(args).args(windows).arg(&p).output().unwrap();
        assert_eq!(stdout(&o), "", "{args:?}");
        assert_eq!(o.status.code(), Some(1), "{args:?}");
    }
    let o = unspin()
        .args(["check", "-l", "--only", "spun"])
        .args(windows)
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(stdout(&o), format!("{}\n", p.display()));
    let fixed = unspin()
        .arg("fix")
        .args(windows)
        .arg(&p)
        .output()
        .unwrap()
        .stdout;
    let o = unspin()
        .args(["fix", "--only", "spun"])
        .args(windows)
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(o.stdout, fixed);
    let out = dir.path().join("out.txt");
    unspin()
        .args(["fix", "--only", "clean"])
        .args(windows)
        .arg(&p)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1);
    assert!(!out.exists(), "a document left out has no output file");
}
