//! Issue 13: bounded input, JSON Lines kept byte for byte, `--write` that
//! keeps links and ownership, words with their combining marks, line breaks
//! kept. Each test names the item of the issue it covers.
//!
//! As in `tests/batch.rs`, restorations are only relied on for "one in all"
//! -> "one of" and "final night time" -> "last night".

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn unspin() -> Command {
    let mut c = Command::cargo_bin("unspin").unwrap();
    c.env_remove("NO_COLOR");
    c
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

// Item 1: every command refuses an input over --max-bytes before reading
// it whole.
#[test]
fn diff_refuses_a_file_or_stream_over_max_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.txt");
    std::fs::write(&big, "one in all ".repeat(100)).unwrap();
    unspin()
        .args(["diff", "--max-bytes", "1K"])
        .arg(&big)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "big.txt: 1100 bytes, over the --max-bytes limit of 1024",
        ));
    // A stream is cut at the limit, not read until memory runs out (an
    // endless one of NUL bytes is refused as binary at its first byte:
    // tests/cli.rs).
    unspin()
        .args(["diff", "--max-bytes", "64K"])
        .write_stdin("y\n".repeat(100_000))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "more than 65536 bytes, over the --max-bytes limit",
        ));
    unspin()
        .args(["diff", "--max-bytes", "10"])
        .write_stdin("one in all of them\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("<stdin>: more than 10 bytes"));
    unspin()
        .args(["diff", "--max-bytes", "2K"])
        .arg(&big)
        .assert()
        .code(1);
}

// Item 5: the largest size is a limit like any other, not an overflow that
// reads nothing.
#[test]
fn max_bytes_of_u64_max_reads_everything() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("a.txt");
    std::fs::write(&f, "one in all\n").unwrap();
    unspin()
        .args(["fix", "--write", "--max-bytes", "18446744073709551615"])
        .arg(&f)
        .assert()
        .code(1);
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "one of\n");
    for cmd in ["check", "diff"] {
        unspin()
            .args([cmd, "--max-bytes", "18446744073709551615"])
            .write_stdin("one in all\n")
            .assert()
            .code(1);
    }
    unspin()
        .args(["check", "--max-bytes", "18446744073709551616"])
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("larger than any size"));
}

// Item 4: -j is capped at a few threads per core, with a note.
#[test]
fn threads_beyond_four_per_core_are_capped_with_a_note() {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    unspin()
        .args(["check", "-j", "100000"])
        .write_stdin("x\n")
        .assert()
        .code(0)
        .stderr(predicate::str::contains(format!(
            "-j 100000 capped at {}",
            4 * cores
        )));
    unspin()
        .args(["check", "-q", "-j", "100000"])
        .write_stdin("x\n")
        .assert()
        .code(0)
        .stderr("");
}

// Item 6: every byte of a JSON line that is not ours comes back as written.
#[test]
fn jsonl_numbers_key_order_duplicates_and_escapes_come_back_as_written() {
    let line = r#"{"id":18446744073709551616,"n":1E5,"x":12345678901234567.0,"big":1e400,"k":1,"k":2,"e":"\u00e9\/","text":"It was one in all the best."}"#;
    let out = unspin()
        .args(["fix", "--jsonl"])
        .write_stdin(format!("{line}\n"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let got = stdout(&out);
    let head = r#"{"id":18446744073709551616,"n":1E5,"x":12345678901234567.0,"big":1e400,"k":1,"k":2,"e":"\u00e9\/","text":"It was one of the best.","score":"#;
    assert!(got.starts_with(head), "{got}");
    // The score only: findings are added on request (--findings).
    assert!(
        got.ends_with("}\n") && !got.contains("\"findings\"") && got.lines().count() == 1,
        "{got}"
    );
    // check --jsonl keeps the text as written, escapes included.
    let line = r#"{"id":1.50,"text":"\u0066inal night time"}"#;
    let got = stdout(
        &unspin()
            .args(["check", "--jsonl"])
            .write_stdin(format!("{line}\n"))
            .output()
            .unwrap(),
    );
    assert!(
        got.starts_with(r#"{"id":1.50,"text":"\u0066inal night time","score":"#),
        "{got}"
    );
    // The record's id in --format json is the id as written.
    let got = stdout(
        &unspin()
            .args(["check", "--format", "json"])
            .arg(write_temp("a.jsonl", &format!("{line}\n")).1)
            .output()
            .unwrap(),
    );
    assert!(got.trim_end().ends_with(r#","id":1.50}"#), "{got}");
}

fn write_temp(name: &str, contents: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, contents).unwrap();
    (dir, p)
}

// Item 7: blank lines are kept, on standard output and in place, and the
// last line keeps its missing newline in a file.
#[test]
fn jsonl_blank_lines_are_kept_line_for_line() {
    let input =
        "{\"text\":\"one in all\"}\n\n   \n{\"text\":\"fine\"}\r\n{\"text\":\"one in all\"}";
    let out = unspin()
        .args(["fix", "--jsonl"])
        .write_stdin(input)
        .output()
        .unwrap();
    let got = stdout(&out);
    let lines: Vec<&str> = got.split('\n').collect();
    assert_eq!(lines.len(), 6, "{got:?}");
    assert_eq!(lines[1..3], ["", "   "]);
    assert!(lines[3].ends_with("}\r"), "{got:?}");
    assert!(lines[4].starts_with("{\"text\":\"one of\""));
    let (_dir, f) = write_temp("a.jsonl", input);
    unspin().args(["fix", "--write"]).arg(&f).assert().code(1);
    let written = std::fs::read_to_string(&f).unwrap();
    let lines: Vec<&str> = written.split('\n').collect();
    assert_eq!(lines.len(), 5, "{written:?}");
    assert_eq!(lines[1..3], ["", "   "]);
    assert!(!written.ends_with('\n'), "{written:?}");
    // check --jsonl echoes them too.
    let got = stdout(
        &unspin()
            .args(["check", "--jsonl"])
            .write_stdin("\n{\"text\":\"x\"}\n\n")
            .output()
            .unwrap(),
    );
    assert_eq!(got.split('\n').count(), 4, "{got:?}");
}

// Item 9: a combining mark belongs to its word, which is then not the
// spun form.
#[test]
fn words_with_combining_marks_are_not_taken_for_spun_forms() {
    for text in ["The navy\u{301} said.", "He mentioned\u{300} it."] {
        let out = unspin().args(["fix"]).write_stdin(text).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{text}");
        assert_eq!(stdout(&out), text);
    }
}

// Item 10: a form across a line break is listed on one line, and restoring
// it keeps the line break.
#[test]
fn a_form_across_a_line_break_keeps_it() {
    let text = "We met final night\ntime in the city.\n";
    let out = unspin().arg("check").write_stdin(text).output().unwrap();
    let listing = stdout(&out);
    assert!(
        listing.contains("final night\\ntime -> last\\nnight"),
        "{listing}"
    );
    assert!(
        listing.lines().all(|l| l.starts_with("<stdin>:")),
        "{listing}"
    );
    let out = unspin().arg("fix").write_stdin(text).output().unwrap();
    assert_eq!(stdout(&out), "We met last\nnight in the city.\n");
    let json = stdout(
        &unspin()
            .args(["check", "--format", "json"])
            .write_stdin(text)
            .output()
            .unwrap(),
    );
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["findings"][0]["original"], "last\nnight");
}

// Item 8: --write follows a symlink to its target, keeps hard links,
// permissions and the owner.
#[cfg(unix)]
#[test]
fn write_follows_symlinks_and_keeps_hard_links_permissions_and_owner() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let target = d.join("target.txt");
    std::fs::write(&target, "one in all\n").unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o640)).unwrap();
    let link = d.join("link.txt");
    std::os::unix::fs::symlink("target.txt", &link).unwrap();
    let hard = d.join("hard.txt");
    std::fs::hard_link(&target, &hard).unwrap();
    let root = unsafe { libc::geteuid() } == 0;
    if root {
        std::os::unix::fs::chown(&target, Some(4321), Some(4322)).unwrap();
    }
    unspin()
        .args(["fix", "--write"])
        .arg(&link)
        .assert()
        .code(1);
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "one of\n");
    assert_eq!(std::fs::read_to_string(&hard).unwrap(), "one of\n");
    let m = std::fs::metadata(&target).unwrap();
    assert_eq!(m.ino(), std::fs::metadata(&hard).unwrap().ino());
    assert_eq!(m.permissions().mode() & 0o777, 0o640);
    if root {
        assert_eq!((m.uid(), m.gid()), (4321, 4322));
    }
    // No temporary file is left.
    assert_eq!(std::fs::read_dir(d).unwrap().count(), 3);
}

/// Text with spinner forms (some across line breaks), clean words and
/// arbitrary Unicode.
fn spunish_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let pieces = prop_oneof![
        Just("one in all".to_string()),
        Just("final night\ntime".to_string()),
        Just("Center East".to_string()),
        Just("struggle".to_string()),
        Just("mentioned\u{300}".to_string()),
        Just("three,000".to_string()),
        Just("the".to_string()),
        "[a-zA-Z’'-]{1,8}",
        any::<String>(),
    ];
    let seps = prop_oneof![Just(" "), Just("\n"), Just(", "), Just(". ")];
    prop::collection::vec((pieces, seps), 0..16)
        .prop_map(|v| v.into_iter().map(|(p, s)| p + s).collect())
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config { cases: 24, .. Default::default() })]

    /// `fix` is the input with the spans of `check --format json` replaced
    /// by their originals.
    #[test]
    fn fix_equals_the_input_with_check_json_spans_applied(text in spunish_text()) {
        let json = unspin().args(["check", "--format", "json"]).write_stdin(text.clone()).output().unwrap();
        let v: Value = serde_json::from_slice(&json.stdout).unwrap();
        let edits: Vec<(std::ops::Range<usize>, String)> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| {
                let span = f["span"].as_array()?;
                let range = span[0].as_u64()? as usize..span[1].as_u64()? as usize;
                Some((range, f["original"].as_str()?.to_string()))
            })
            .collect();
        let expected = unspin::restore::apply(&text, edits);
        let fixed = unspin().arg("fix").write_stdin(text.clone()).output().unwrap();
        proptest::prop_assert_eq!(String::from_utf8(fixed.stdout).unwrap(), expected.into_owned());
    }
}

// Item 11: diff of JSON Lines diffs the text fields, as fix restores them.
#[test]
fn diff_of_json_lines_diffs_the_text_fields_as_fix_restores_them() {
    let input =
        "{\"id\":1,\"text\":\"\\u0066inal night time we met\"}\n\n{\"text\":\"one in all\"}\n";
    let (dir, f) = write_temp("a.jsonl", input);
    let out = unspin().arg("diff").arg(&f).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let d = stdout(&out);
    assert!(
        d.contains("a.jsonl:1\n") && d.contains("a.jsonl:3\n"),
        "{d}"
    );
    assert!(
        d.contains("-final night time we met\n") && d.contains("+last night we met\n"),
        "{d}"
    );
    assert!(d.contains("+one of\n"), "{d}");
    // The patch changes the text fields only, and applies to the file.
    let patch = unspin()
        .current_dir(dir.path())
        .args(["diff", "--patch", "a.jsonl"])
        .output()
        .unwrap();
    let p = stdout(&patch);
    assert!(
        p.contains("+{\"id\":1,\"text\":\"last night we met\"}\n"),
        "{p}"
    );
    assert!(p.contains("+{\"text\":\"one of\"}\n"), "{p}");
    // As fix --write has it, but for the fields fix adds.
    unspin().args(["fix", "--write"]).arg(&f).assert().code(1);
    let fixed = std::fs::read_to_string(&f).unwrap();
    let first: Value = serde_json::from_str(fixed.lines().next().unwrap()).unwrap();
    assert_eq!(first["text"], "last night we met");
    // review does not garble a JSON Lines file: it points to the patch.
    unspin()
        .arg("review")
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("diff --patch"));
}

// Item 12: the smaller points.
#[test]
fn messages_name_utf16_errors_and_counts_plainly() {
    let (_dir, f) = write_temp("u.txt", "");
    std::fs::write(&f, b"\xff\xfeh\0i\0").unwrap();
    unspin().arg("check").arg(&f).assert().code(2).stderr(
        predicate::str::contains("u.txt: UTF-16 text")
            .and(predicate::str::contains("skipped").not()),
    );
    unspin()
        .args(["check", "/nonexistent/x.txt"])
        .assert()
        .code(2)
        .stderr("unspin: /nonexistent/x.txt: No such file or directory\n");
    unspin()
        .args(["check", "--tables", "bogus"])
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(":0:").not());
    unspin()
        .arg("check")
        .write_stdin("It is one in all the best.")
        .assert()
        .code(1)
        .stdout(predicate::str::contains(", 1 restoration in 7 words\n"));
}

// Item 7: --on-error pass passes a line over --max-bytes read from
// standard input, so that output lines match input lines one for one.
#[test]
fn on_error_pass_passes_an_over_limit_line_of_standard_input() {
    let long = format!("{{\"text\":\"{}\"}}", "x ".repeat(200_000));
    let input = format!("{{\"text\":\"one in all\"}}\n{long}\n\n{{\"text\":\"fine\"}}\n{long}");
    let out = unspin()
        .args(["fix", "--jsonl", "--on-error", "pass", "--max-bytes", "1K"])
        .write_stdin(input.clone())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let got = stdout(&out);
    let lines: Vec<&str> = got.split('\n').collect();
    assert_eq!(lines.len(), 6, "{}", &got[..200]);
    assert_eq!(lines[1], long);
    assert_eq!(lines[2], "");
    assert_eq!(lines[4], long);
    assert!(lines[0].starts_with("{\"text\":\"one of\""));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("<stdin>:2: line of 400011 bytes, over the --max-bytes limit of 1024"),
        "{err}"
    );
    // Left out under skip, as before.
    let out = unspin()
        .args(["fix", "--jsonl", "--max-bytes", "1K"])
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(stdout(&out).split('\n').count(), 4);
}

// Item 2: one big document is analysed in windows: a single long line (the
// spun seed on one line, 61 KB, in windows of 8 KiB) gives the same output
// as the whole document (and tests/window.rs shows the memory bounded).
#[test]
fn one_long_line_is_analysed_in_windows_with_the_whole_documents_output() {
    let seed = include_str!("../corpus/seeds/002_e90d1dc293122756.txt");
    let line = seed.split_whitespace().collect::<Vec<_>>().join(" ");
    let (_dir, f) = write_temp("line.txt", &line);
    assert!(unspin::window::windows(&line, 8192).all(|w| w.exact));
    let run = |window: &str| {
        unspin()
            .args(["check", "--format", "json", "--window", window])
            .arg(&f)
            .output()
            .unwrap()
    };
    let (whole, windowed) = (run("1M"), run("8K"));
    assert_eq!(whole.status.code(), Some(1));
    assert!(whole.stdout == windowed.stdout, "outputs differ");
    let v: Value = serde_json::from_slice(&windowed.stdout).unwrap();
    assert!(v["restorations"].as_u64().unwrap() > 1000);
}

// Item 3: the cost of a document grows linearly with its size, however
// often one form repeats (it grew with the square of the repetitions).
#[test]
fn time_grows_linearly_with_a_forms_repetitions() {
    let u = unspin::Unspinner::builder().build().unwrap();
    let time = |n: usize| {
        let text = "struggle ".repeat(n);
        let t = std::time::Instant::now();
        let a = u.analyze(&text);
        assert!(a.findings().len() + 1 >= n);
        t.elapsed().as_secs_f64()
    };
    time(1000);
    let (small, large) = (time(20_000), time(80_000));
    // Linear: about 4 times; the square was 16 times (34 s for 200,000).
    assert!(
        large < 8.0 * small + 0.5,
        "{small:.2} s for 20,000, {large:.2} s for 80,000"
    );
}
