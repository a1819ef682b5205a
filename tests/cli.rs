//! CLI tests: output and exit codes pinned.
//!
//! Pinned outputs use a fixture table with dictionary-only decisions, so
//! they do not move when the language model or shipped tables change; the
//! shipped defaults are tested with assertions that hold for any sound model.

use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;

const TABLE: &str = "tests/fixtures/test-table.tsv";
const SPUN: &str = "tests/fixtures/spun.txt";
const CLEAN: &str = "tests/fixtures/clean.txt";
const SEED_SPUN: &str = "corpus/seeds/002_e90d1dc293122756.txt";

fn unspin() -> Command {
    let mut c = Command::cargo_bin("unspin").unwrap();
    c.env_remove("NO_COLOR");
    c
}

/// The command with only the fixture table and dictionary decisions.
fn pinned(sub: &str) -> Command {
    let mut c = unspin();
    c.args([
        sub,
        "--tables",
        "",
        "--dict",
        TABLE,
        "--decide",
        "dictionary",
    ]);
    c
}

#[test]
fn check_prints_one_line_per_restoration_then_the_score_and_exits_1() {
    pinned("check").arg(SPUN).assert().code(1).stdout(
        "tests/fixtures/spun.txt:1:16: final night time -> last night (1.00)\n\
         tests/fixtures/spun.txt:1:44: struggle -> war (1.00)\n\
         tests/fixtures/spun.txt:2:7: one in all -> one of (1.00)\n\
         tests/fixtures/spun.txt:2:22: CENTER EAST -> MIDDLE EAST (1.00)\n\
         tests/fixtures/spun.txt: score 0.13 (clean), 4 restorations in 19 words\n",
    );
}

#[test]
fn check_of_clean_text_exits_0_with_only_the_score_line() {
    pinned("check")
        .arg(CLEAN)
        .assert()
        .code(0)
        .stdout("tests/fixtures/clean.txt: score 0.02 (clean), 0 restorations in 6 words\n");
}

/// A clean paragraph (Brown press) in which one form, "schooling", reads better
/// as the spinner's original ("education"): the document is judged clean, so
/// it is left alone, whatever the context says at that one site.
#[test]
fn a_document_judged_clean_is_left_alone_however_one_site_reads() {
    const TEXT: &str = "The President said the nation's 92 medical and 47 dental schools \
        cannot now handle the student load needed to meet the rising need for health care. \
        Moreover, he said, many qualified young people are not going into medicine and \
        dentistry because they can't afford the schooling costs.";
    unspin()
        .args(["check", "-"])
        .write_stdin(TEXT)
        .assert()
        .code(0);
    let out = unspin()
        .args(["check", "--format", "json", "--all", "-"])
        .write_stdin(TEXT)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let v = if v.is_array() { v[0].clone() } else { v };
    assert!(v["score"].as_f64().unwrap() < unspin::DEFAULT_THRESHOLD);
    let schooling = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["spun"] == "schooling")
        .expect("schooling is a finding");
    assert!(schooling["original"].is_null());
    assert_eq!(schooling["reason"], "clean-document");
}

/// A clean Brown press article of 1961 that the general detector judges
/// spun: the spinner table's many forms in it read as the author's, so it is
/// left alone as another spinner's, not restored.
#[test]
fn a_document_spun_by_another_spinner_is_left_alone() {
    let line = std::fs::read_to_string("corpus/brown-press.jsonl")
        .unwrap()
        .lines()
        .nth(56)
        .unwrap()
        .to_string();
    let out = unspin()
        .args(["check", "--jsonl", "--all"])
        .write_stdin(line)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "nothing to restore");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["score"].as_f64().unwrap() >= unspin::DEFAULT_THRESHOLD);
    let findings = v["findings"].as_array().unwrap();
    assert!(findings.len() > 100);
    for f in findings {
        assert!(f["original"].is_null(), "{f}");
        assert!(
            ["other-spinner", "quoted-speech"].contains(&f["reason"].as_str().unwrap()),
            "{f}"
        );
    }
}

#[test]
fn check_reads_stdin_when_no_file_or_dash_is_given() {
    for args in [vec![], vec!["-"]] {
        pinned("check")
            .args(args)
            .write_stdin("one in all\n")
            .assert()
            .code(1)
            .stdout(predicate::str::starts_with(
                "<stdin>:1:1: one in all -> one of (1.00)\n",
            ));
    }
}

#[test]
fn check_json_gives_one_object_per_input_with_spans_and_sources() {
    let out = pinned("check")
        .args(["--format", "json", SPUN])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["path"], SPUN);
    assert_eq!(v["restorations"], 4);
    let f = &v["findings"][1];
    assert_eq!(f["spun"], "struggle");
    assert_eq!(f["original"], "war");
    assert_eq!(f["span"], serde_json::json!([43, 51]));
    assert_eq!(f["candidates"][1]["original"], "fight");
    assert_eq!(
        f["candidates"][0]["source"],
        "tests/fixtures/test-table.tsv:5"
    );
}

#[test]
fn check_explain_shows_every_candidate_with_its_terms() {
    pinned("check")
        .args(["--explain", SPUN])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "    fight                    p=0.000  lm=+0.00 channel=+0.00 prior=+0.00  tests/fixtures/test-table.tsv:5\n",
        ));
}

#[test]
fn diff_prints_a_plain_unified_diff_when_piped() {
    pinned("diff").arg(SPUN).assert().code(1).stdout(
        "--- a/tests/fixtures/spun.txt\n\
         +++ b/tests/fixtures/spun.txt\n\
         @@ -1,2 +1,2 @@\n\
         -We took motion final night time to cease a struggle.\n\
         -It is one in all the CENTER EAST wars.\n\
         +We took motion last night to cease a war.\n\
         +It is one of the MIDDLE EAST wars.\n",
    );
}

#[test]
fn diff_colours_changed_words_when_asked() {
    pinned("diff")
        .args(["--color", "always", SPUN])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\x1b[31m\x1b[7mstruggle"))
        .stdout(predicate::str::contains("\x1b[32m\x1b[7mwar"));
}

#[test]
fn fix_writes_the_restored_text_to_stdout() {
    pinned("fix")
        .arg(SPUN)
        .assert()
        .code(1)
        .stdout("We took motion last night to cease a war.\nIt is one of the MIDDLE EAST wars.\n");
}

#[test]
fn fix_output_file_is_written_and_the_input_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    let out = dir.path().join("out.txt");
    std::fs::write(&input, "one in all\n").unwrap();
    pinned("fix")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(1)
        .stdout("");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "one of\n");
    assert_eq!(std::fs::read_to_string(&input).unwrap(), "one in all\n");
}

#[test]
fn fix_write_restores_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    std::fs::write(&input, "one in all\n").unwrap();
    pinned("fix").arg("--write").arg(&input).assert().code(1);
    assert_eq!(std::fs::read_to_string(&input).unwrap(), "one of\n");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn fix_jsonl_keeps_ids_and_other_fields_and_adds_the_score_only() {
    let input =
        "{\"id\":\"a\",\"text\":\"one in all\",\"lang\":\"en\"}\n{\"id\":7,\"text\":\"fine\"}\n";
    let out = pinned("fix")
        .arg("--jsonl")
        .write_stdin(input)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out.stdout);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "a");
    assert_eq!(lines[0]["text"], "one of");
    assert_eq!(lines[0]["lang"], "en");
    assert_eq!(lines[1]["id"], 7);
    assert_eq!(lines[1]["text"], "fine");
    for v in &lines {
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys.last().map(String::as_str), Some("score"), "{v}");
        assert!(v.get("findings").is_none(), "{v}");
    }
    let first = String::from_utf8_lossy(&out.stdout);
    assert!(
        first.starts_with("{\"id\":\"a\",\"text\":\"one of\",\"lang\":\"en\",\"score\":"),
        "{first}"
    );
}

#[test]
fn fix_jsonl_adds_findings_on_request() {
    let out = pinned("fix")
        .args(["--jsonl", "--findings"])
        .write_stdin("{\"id\":\"a\",\"text\":\"one in all\"}\n")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out.stdout);
    let keys: Vec<_> = lines[0].as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["id", "text", "score", "findings"]);
    assert_eq!(lines[0]["findings"][0]["original"], "one of");
}

/// The JSON objects of `stdout`, one a line.
fn json_lines(stdout: &[u8]) -> Vec<serde_json::Value> {
    stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect()
}

#[test]
fn jsonl_score_and_findings_fields_are_replaced_where_they_stand() {
    let out = pinned("check")
        .arg("--jsonl")
        .write_stdin(
            "{\"findings\":[1],\"text\":\"one in all\",\"score\":\"x\",\"m\":{\"a\":[1,\"\\u00e9\"]}}\n",
        )
        .output()
        .unwrap();
    let line = String::from_utf8(out.stdout).unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["findings", "text", "score", "m"]);
    assert_eq!(v["findings"][0]["spun"], "one in all");
    assert!(v["score"].is_number(), "{line}");
    assert_eq!(v["m"]["a"][1], "\u{e9}");
    assert!(
        line.ends_with("}}\n") && line.lines().count() == 1,
        "{line}"
    );
}

#[test]
fn check_jsonl_leaves_the_text_as_it_was() {
    pinned("check")
        .arg("--jsonl")
        .write_stdin("{\"id\":1,\"text\":\"one in all\"}\n")
        .assert()
        .code(1)
        .stdout(predicate::str::starts_with(
            "{\"id\":1,\"text\":\"one in all\",\"score\":",
        ));
}

#[test]
fn malformed_json_line_is_reported_with_its_line_and_the_rest_processed() {
    pinned("fix")
        .arg("--jsonl")
        .write_stdin("{\"id\":1,\"text\":\"one in all\"}\n{oops\n{\"id\":3,\"text\":\"x\"}\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("<stdin>:2: malformed JSON"))
        .stdout(predicate::str::contains("\"id\":1").and(predicate::str::contains("\"id\":3")));
}

#[test]
fn missing_file_is_reported_by_name_with_exit_2_and_others_still_checked() {
    pinned("check")
        .args(["no/such/file.txt", SPUN])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unspin: no/such/file.txt: No such file or directory",
        ))
        .stdout(predicate::str::contains("spun.txt: score"));
}

#[test]
fn binary_input_is_refused_with_exit_2() {
    pinned("check")
        .write_stdin(&b"ab\0cd"[..])
        .assert()
        .code(2)
        .stderr("unspin: <stdin>: binary file (NUL byte at offset 2)\n");
}

#[test]
fn empty_input_is_clean() {
    pinned("check")
        .write_stdin("")
        .assert()
        .code(0)
        .stdout("<stdin>: score 0.00 (clean), 0 restorations in 0 words\n");
}

#[test]
fn malformed_user_table_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("bad.tsv");
    std::fs::write(&t, "ok\tfine\nno tab here\n").unwrap();
    unspin()
        .args(["check", "--dict"])
        .arg(&t)
        .write_stdin("x")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.tsv:2: expected `spun form<TAB>candidates`",
        ));
}

#[test]
fn allow_list_in_unspin_toml_silences_a_form() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("unspin.toml"),
        "[allow]\nforms = [\"One In All\"]\n",
    )
    .unwrap();
    let doc = dir.path().join("doc.txt");
    std::fs::write(&doc, "one in all\n").unwrap();
    pinned("check").arg(&doc).assert().code(0);
}

#[test]
fn a_restoration_takes_the_case_its_place_in_the_sentence_needs() {
    // Issue 24 item 2: "1000’s of Iranians" at a sentence's start became
    // "thousands of Iranians"; "assaults towards Individuals" became
    // "attacks against People".
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("t.tsv");
    std::fs::write(
        &t,
        "1000's\tthousands\t1.0\nassaults towards\tattacks against\t1.0\n\
         individuals\tpeople\t1.0\nsemi computerized\tsemi-automatic\t1.0\n",
    )
    .unwrap();
    unspin()
        .args(["fix", "--tables", "", "--decide", "dictionary", "--dict"])
        .arg(&t)
        .write_stdin(
            "1000’s of Iranians fled. He was plotting assaults towards Individuals however. \
             The Iran-backed Individuals’ Forces had Semi-Computerized Rifles.\n",
        )
        .assert()
        .code(1)
        .stdout(
            "Thousands of Iranians fled. He was plotting attacks against people however. \
             The Iran-backed People’ Forces had Semi-Automatic Rifles.\n",
        );
}

#[test]
fn a_misspelt_key_in_unspin_toml_is_refused_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("unspin.toml"),
        "# ours\n[allow]\nform = [\"one in all\"]\n",
    )
    .unwrap();
    let doc = dir.path().join("doc.txt");
    std::fs::write(&doc, "one in all\n").unwrap();
    pinned("check")
        .arg(&doc)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "unspin.toml:3: unknown key `allow.form` (the key is `allow.forms`)",
        ));
}

#[test]
fn a_spun_form_twice_in_a_user_table_is_warned_of_with_both_lines() {
    let dir = tempfile::tempdir().unwrap();
    let t = dir.path().join("dup.tsv");
    std::fs::write(
        &t,
        "one in all\tone of\nstruggle\twar\nOne  in all\tone among\n",
    )
    .unwrap();
    unspin()
        .args(["check", "--tables", "", "--decide", "dictionary", "--dict"])
        .arg(&t)
        .write_stdin("one in all")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "unspin: warning: {}:3: spun form `one in all` is also on line 1",
            t.display()
        )))
        .stdout(predicate::str::contains("one in all -> one of"));
}

#[test]
fn a_table_line_of_a_hundred_thousand_candidates_loads_each_once() {
    // Issue 24 item 11: such a line took 13 s to load (quadratic in its
    // candidates); the time is measured with farm-bench, this pins what is
    // loaded.
    let mut line = String::from("zqxj form\t");
    for i in 0..100_000 {
        line += &format!("cand{}|", i % 99_000);
    }
    line += "last\t1.0\n";
    let table = unspin::dict::Table::parse(&line, "big.tsv").unwrap();
    let dict = unspin::dict::Dictionary::from_tables(&[table]).unwrap();
    let e = dict.get("zqxj form").unwrap();
    assert_eq!(e.candidates.len(), 99_001);
    assert!(e.candidates.iter().enumerate().all(|(i, c)| c.rank == i));
    assert_eq!(e.candidates[98_999].original, "cand98999");
    assert_eq!(e.candidates[99_000].original, "last");
}

#[test]
fn shipped_defaults_restore_the_spun_seed_and_judge_it_spun() {
    unspin()
        .args(["check", SEED_SPUN])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("one in all -> one of"))
        .stdout(
            predicate::str::is_match(
                r"002_e90d1dc293122756.txt: score (1\.00|0\.9\d) \(spun\), \d{3,} restorations",
            )
            .unwrap(),
        );
}

#[test]
fn shipped_defaults_judge_every_clean_seed_clean() {
    for seed in [
        "000_aa92f3a28928f2e3",
        "001_97aa9ac3554af9e4",
        "003_8b6ec4914fcd75e2",
        "004_8e862bd3df8d806c",
    ] {
        unspin()
            .args(["check", &format!("corpus/seeds/{seed}.txt")])
            .assert()
            .stdout(predicate::str::contains("(clean)"));
    }
}

#[test]
fn word_diff_marks_the_changed_words_sentence_by_sentence() {
    pinned("diff")
        .args(["--word-diff", SPUN])
        .assert()
        .code(1)
        .stdout(
            "--- a/tests/fixtures/spun.txt\n\
         +++ b/tests/fixtures/spun.txt\n\
         @@ -1,2 +1,2 @@\n\
         We took motion [-final night time-]{+last night+} to cease a [-struggle-]{+war+}.\n\
         It is one [-in all-]{+of+} the [-CENTER-]{+MIDDLE+} EAST wars.\n",
        );
}

#[test]
fn word_diff_plain_colours_on_request_and_color_mode_drops_the_brackets() {
    pinned("diff")
        .args(["--word-diff=plain", "--color", "always", SPUN])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\x1b[31m[-struggle-]\x1b[0m"))
        .stdout(predicate::str::contains("\x1b[32m{+war+}\x1b[0m"));
    pinned("diff")
        .args(["--word-diff=color", SPUN])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "\x1b[31mstruggle\x1b[0m\x1b[32mwar\x1b[0m",
        ))
        .stdout(predicate::str::contains("[-").not());
    pinned("diff")
        .args(["--word-diff", "--patch", SPUN])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
}

/// The standard output of `unspin ARGS` (shipped tables and model).
fn stdout(args: &[&str]) -> String {
    let out = Command::cargo_bin("unspin")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{args:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn word_diff_of_the_news_seed_shows_changed_sentences_in_short_lines() {
    let words = stdout(&["diff", "--word-diff", SEED_SPUN]);
    let lines = stdout(&["diff", SEED_SPUN]);
    let widest = |t: &str| t.lines().map(|l| l.chars().count()).max().unwrap();
    // A paragraph a line against a sentence a line.
    assert!(
        widest(&words) * 2 < widest(&lines),
        "{} against {}",
        widest(&words),
        widest(&lines)
    );
    // Each restoration is one mark: `[-spun-]`, `{+original+}` or both.
    let restorations = stdout(&["check", SEED_SPUN]).lines().count() - 1;
    let marks = words.matches("[-").count().max(words.matches("{+").count());
    assert!(
        marks <= restorations && marks * 10 >= restorations * 9,
        "{marks} of {restorations}"
    );
    assert!(words.contains("[-struggle-]{+war+}"), "{words}");
    // No context: a hunk for each changed sentence, each with its marks.
    let picked = stdout(&["diff", "--word-diff", "-U0", SEED_SPUN]);
    let hunks: Vec<&str> = picked.split("\n@@ ").skip(1).collect();
    assert!(hunks.len() > 20, "{} hunks", hunks.len());
    for h in &hunks {
        let body: Vec<&str> = h.lines().skip(1).collect();
        assert_eq!(body.len(), 1, "one sentence: {h}");
        assert!(body[0].contains("[-") || body[0].contains("{+"), "{h}");
    }
}

#[test]
fn unified_zero_word_diff_gives_a_hunk_for_each_changed_sentence() {
    let out = pinned("diff")
        .args(["--word-diff", "-U0", SPUN])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.matches("\n@@ ").count(), 2, "{text}");
    assert!(text.contains("@@ -1 +1 @@\nWe took motion"), "{text}");
    assert!(text.contains("@@ -2 +2 @@\nIt is one"), "{text}");
}

#[cfg(unix)]
#[test]
fn an_endless_stream_of_nul_bytes_is_refused_at_offset_0() {
    pinned("diff")
        .args(["--max-bytes", "18446744073709551615", "/dev/zero"])
        .timeout(Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr("unspin: /dev/zero: binary file (NUL byte at offset 0)\n");
    pinned("diff")
        .args(["--max-bytes", "18446744073709551615"])
        .write_stdin(b"text then\0 a NUL".to_vec())
        .timeout(Duration::from_secs(60))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("NUL byte at offset 9"));
}

/// `--min-confidence P` keeps a restoration whose candidate is less likely
/// than P, with the reason `unsure`; what it restores is at least that
/// likely, and a value outside [0, 1] is a usage error.
#[test]
fn min_confidence_keeps_doubtful_restorations_as_unsure() {
    let text = "Trump mentioned the navy motion in the Center East was one in all the largest. \
                Officials stated the assault was a response.\n";
    let run = |p: &str| -> Vec<serde_json::Value> {
        let out = unspin()
            .args(["check", "--format", "json", "--min-confidence", p])
            .write_stdin(text)
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["findings"].as_array().unwrap().clone()
    };
    let (all, sure) = (run("0"), run("0.99"));
    assert_eq!(all.len(), sure.len());
    let restored = |f: &serde_json::Value| !f["original"].is_null();
    let mut unsure = 0;
    for (a, s) in all.iter().zip(&sure) {
        if restored(s) {
            assert!(s["score"].as_f64().unwrap() >= 0.99, "{s}");
            assert_eq!(a, s);
        } else if restored(a) {
            assert_eq!(s["reason"], "unsure", "{s}");
            assert!(a["score"].as_f64().unwrap() < 0.99, "{a}");
            unsure += 1;
        }
    }
    assert!(unsure > 0, "the text has a restoration under 0.99");
    unspin()
        .args(["check", "--all", "--min-confidence", "0.99"])
        .write_stdin("Officials stated the assault was a response.\n")
        .assert()
        .stdout(predicate::str::contains(
            "<stdin>:1:22: assault (kept, unsure: attack 0.",
        ));
    unspin()
        .args(["check", "--min-confidence", "1.5"])
        .write_stdin(text)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "minimum confidence 1.5 is not in [0, 1]",
        ));
}
