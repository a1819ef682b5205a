//! A large document analysed in windows decides as the whole document's
//! analysis does, where the windows end at line breaks or sentence ends
//! (issue 13: memory bounded by a constant, not by the document).

use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::sync::OnceLock;

use assert_cmd::Command;
use proptest::prelude::*;
use unspin::window::windows;
use unspin::{Analysis, Finding, Reason, Unspinner};

const SEEDS: [&str; 5] = [
    include_str!("../corpus/seeds/000_aa92f3a28928f2e3.txt"),
    include_str!("../corpus/seeds/001_97aa9ac3554af9e4.txt"),
    include_str!("../corpus/seeds/002_e90d1dc293122756.txt"),
    include_str!("../corpus/seeds/003_8b6ec4914fcd75e2.txt"),
    include_str!("../corpus/seeds/004_8e862bd3df8d806c.txt"),
];

fn unspinner() -> &'static Unspinner {
    static U: OnceLock<Unspinner> = OnceLock::new();
    U.get_or_init(|| Unspinner::builder().build().unwrap())
}

/// The findings of windows, their spans made the document's.
fn document_findings(analyses: &[Analysis<'_>]) -> Vec<Finding> {
    analyses
        .iter()
        .flat_map(|a| {
            a.findings().iter().map(|f| Finding {
                span: f.span.start + a.offset()..f.span.end + a.offset(),
                ..f.clone()
            })
        })
        .collect()
}

/// Asserts that `text` analysed in windows of `size` bytes decides as the
/// whole of it, and returns the number of windows.
fn assert_windows_agree(u: &Unspinner, text: &str, size: usize) -> usize {
    assert!(
        windows(text, size).all(|w| w.exact),
        "size {size}: a rough cut"
    );
    let whole = u.analyze(text);
    let (summary, parts) = u.analyze_windows(text, size);
    assert_eq!(summary.score(), whole.score(), "size {size}");
    assert_eq!(summary.words(), whole.words());
    let found = document_findings(&parts);
    assert_eq!(found.len(), whole.findings().len(), "size {size}");
    for (w, f) in found.iter().zip(whole.findings()) {
        assert_eq!(w, f, "size {size}");
    }
    let restored: String = parts.iter().map(|a| a.restore().into_owned()).collect();
    assert_eq!(restored, whole.restore(), "size {size}");
    for a in &parts {
        assert_eq!(a.score(), whole.score());
        assert_eq!(a.is_spun(), whole.is_spun());
    }
    parts.len()
}

#[test]
fn windowed_analysis_decides_as_the_whole_document() {
    let u = unspinner();
    let mut compared = 0;
    for text in SEEDS {
        for size in [700, 1500, 3000, 20_000] {
            // A window without a sentence end outside quotes in its second
            // half is cut elsewhere (the spun seed has lines of 3 KB).
            if !windows(text, size).all(|w| w.exact) {
                continue;
            }
            let n = assert_windows_agree(u, text, size);
            assert!(n > 1 || text.len() <= size, "{n} windows");
            compared += usize::from(n > 1);
        }
    }
    assert!(compared >= 10, "{compared}");
    // The spun seed four times: forms repeat across windows, and their
    // pooled evidence must be the whole document's.
    let long = SEEDS[2].repeat(4);
    assert!(assert_windows_agree(u, &long, 50_000) >= 5);
}

#[test]
fn windows_of_the_general_lexicons_decide_as_the_whole_document() {
    let u = Unspinner::builder()
        .builtin_tables(["news-spinner", "general-moby"])
        .build()
        .unwrap();
    let text = &SEEDS[2][..20_000];
    let text = &text[..text.rfind('\n').unwrap()];
    assert!(assert_windows_agree(&u, text, 4000) > 3);
}

/// Compares the windows of the fixture `pairs`' spun documents that the
/// unspinner with the fixture thesaurus read in `keys` mode restores with
/// its whole-document analysis: at least three comparisons.
fn thesaurus_windows_agree(keys: unspin::thesaurus::KeyMode, pairs: &str) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/thesaurus");
    let t = unspin::thesaurus::Thesaurus::read(&dir.join("wordnet-3000.txt"), keys).unwrap();
    let u = Unspinner::builder().thesaurus(&t).build().unwrap();
    let pairs = std::fs::read_to_string(dir.join(pairs)).unwrap();
    let mut compared = 0;
    for pair in unspin::eval::parse_pairs(&pairs).unwrap() {
        if u.analyze(&pair.spun).restorations().count() == 0 {
            continue;
        }
        for size in [1500, 3000, 6000] {
            if windows(&pair.spun, size).all(|w| w.exact) {
                assert!(assert_windows_agree(&u, &pair.spun, size) > 1);
                compared += 1;
            }
        }
    }
    assert!(compared >= 3, "{compared}");
}

#[test]
fn windows_with_a_thesaurus_decide_as_the_whole_document() {
    // The document's own spin rate is estimated from every window's
    // thesaurus forms: each window's decisions take the whole document's.
    thesaurus_windows_agree(
        unspin::thesaurus::KeyMode::First,
        "wordnet-3000-keys-article-rate-0.5.jsonl",
    );
}

#[test]
fn windows_with_a_lower_case_spinners_thesaurus_decide_as_the_whole_document() {
    // Every member a key: a restoration takes the capitals the whole
    // document gives its words, whichever window holds them.
    thesaurus_windows_agree(
        unspin::thesaurus::KeyMode::All,
        "wordnet-3000-both-occurrence.jsonl",
    );
}

#[test]
fn a_document_judged_clean_is_left_alone_in_every_window() {
    let u = unspinner();
    // A clean article with a few spun sentences: each window alone might
    // read spun, the whole does not.
    let spun = "The navy mentioned final night time that the struggle is one in all the worst.\n";
    let mut text = String::new();
    for _ in 0..3 {
        text.push_str(SEEDS[0]);
        text.push_str(SEEDS[3]);
    }
    text.push_str(spun);
    let whole = u.analyze(&text);
    assert!(!whole.is_spun(), "{}", whole.score());
    assert!(u.analyze(spun).is_spun());
    let (summary, parts) = u.analyze_windows(&text, 4000);
    assert!(!summary.is_spun());
    let last = parts.last().unwrap();
    assert!(last.text().contains("final night time"));
    let found = document_findings(&parts);
    assert!(!found.is_empty());
    for f in &found {
        assert_eq!(f.restoration, None, "{f:?}");
        assert!(
            matches!(f.reason, Reason::CleanDocument | Reason::QuotedSpeech),
            "{f:?}"
        );
    }
    assert_windows_agree(u, &text, 4000);
}

#[test]
fn window_lines_and_columns_are_the_documents() {
    let u = unspinner();
    let text = "Aa bb. The navy mentioned it. Then one in all of them left.\nThe struggle went on. One in all.";
    let (_, parts) = u.analyze_windows(text, 24);
    assert!(parts.len() > 2);
    let whole = u.analyze(text);
    let pos = |f: &Finding| (f.line, f.column, f.spun.clone());
    let found: Vec<_> = document_findings(&parts).iter().map(pos).collect();
    let want: Vec<_> = whole.findings().iter().map(pos).collect();
    assert_eq!(found, want);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Paragraphs and sentences of the shipped articles in any order, cut
    /// in windows of any size: the decisions are the whole document's.
    #[test]
    fn windows_of_any_size_decide_as_the_whole(
        picks in proptest::collection::vec((0usize..5, 0usize..400, 0usize..3), 4..40),
        size in 200usize..6000,
    ) {
        let mut text = String::new();
        for (seed, at, sep) in picks {
            let lines: Vec<&str> = SEEDS[seed].lines().filter(|l| !l.trim().is_empty()).collect();
            let line = lines[at % lines.len()];
            text.push_str(line);
            text.push_str(["\n", "\n\n", " "][sep]);
        }
        prop_assume!(windows(&text, size).all(|w| w.exact));
        let found = {
            let u = unspinner();
            let (_, parts) = u.analyze_windows(&text, size);
            (document_findings(&parts), parts.iter().map(|a| a.restore().into_owned()).collect::<String>())
        };
        let whole = unspinner().analyze(&text);
        prop_assert_eq!(&found.0[..], whole.findings());
        prop_assert_eq!(found.1, whole.restore());
    }
}

#[test]
fn a_word_of_megabytes_is_one_word_in_windows() {
    // Issue 24 item 10: a 5 MB word, cut at every window boundary, was
    // counted once in each of its five windows.
    let u = unspinner();
    let word = "a".repeat(5 << 20);
    let text = format!("Two words {word}. Then {word}\n");
    let summary = unspin::windowed::summarize(u, &text, unspin::window::DEFAULT_WINDOW);
    assert!(windows(&text, unspin::window::DEFAULT_WINDOW).count() >= 10);
    assert_eq!(summary.words(), 5);
    assert_eq!(summary.words(), u.analyze(&text).words());
}

#[test]
fn a_text_restored_in_windows_is_the_whole_restoration() {
    let u = unspinner();
    let text = SEEDS[2].repeat(2);
    let whole = u.analyze(&text).restore().into_owned();
    for size in [8192, 50_000] {
        assert_eq!(
            unspin::windowed::restore(u, &text, size),
            whole,
            "size {size}"
        );
    }
    let clean = SEEDS[0];
    assert!(matches!(
        unspin::windowed::restore(u, clean, 1500),
        std::borrow::Cow::Borrowed(_)
    ));
}

#[test]
fn the_windows_of_a_text_are_the_text() {
    for text in SEEDS {
        for size in [100, 1000] {
            let joined: String = windows(text, size).map(|w| w.text).collect();
            assert_eq!(joined, text);
        }
    }
}

fn unspin() -> Command {
    Command::cargo_bin("unspin").unwrap()
}

/// The output and exit status of `unspin ARGS`.
fn run(args: &[&str]) -> (Vec<u8>, Option<i32>) {
    let out = unspin().args(args).output().unwrap();
    (out.stdout, out.status.code())
}

/// Asserts that `unspin ARGS FILE` gives the same output and exit status
/// with the file analysed whole and in windows of `window` bytes.
fn assert_cli_windows_agree(file: &str, window: &str, args: &[&str]) {
    let whole = run(&[args, &[file]].concat());
    let windowed = run(&[args, &["--window", window, file]].concat());
    assert!(!whole.0.is_empty(), "{args:?}");
    assert_eq!(whole.1, windowed.1, "{args:?}");
    assert!(whole.0 == windowed.0, "{args:?}: outputs differ");
}

#[test]
fn check_and_fix_of_a_file_over_the_window_give_the_whole_documents_output() {
    let spun = "corpus/seeds/002_e90d1dc293122756.txt";
    let clean = "corpus/seeds/000_aa92f3a28928f2e3.txt";
    assert!(windows(SEEDS[2], 8192).all(|w| w.exact));
    assert!(windows(SEEDS[0], 1500).all(|w| w.exact));
    for args in [
        &["check"][..],
        &["check", "--all", "--explain"],
        &["check", "--format", "json"],
        &["fix"],
    ] {
        assert_cli_windows_agree(spun, "8K", args);
        assert_cli_windows_agree(clean, "1500", args);
    }
    // Kept as written under --min-score: the same listing and record.
    for args in [
        &["check", "--all", "--min-score", "0.5"][..],
        &["check", "--format", "json", "--min-score", "0.5"],
        &["fix", "--min-score", "0.5"],
    ] {
        assert_cli_windows_agree(clean, "1500", args);
    }
}

#[test]
fn fix_write_of_a_file_read_in_windows_is_the_whole_documents() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    for p in [&a, &b] {
        std::fs::write(p, SEEDS[2]).unwrap();
    }
    let report = dir.path().join("r.csv");
    unspin().args(["fix", "--write"]).arg(&a).assert().code(1);
    unspin()
        .args(["fix", "--write", "--window", "8K", "--report"])
        .arg(&report)
        .arg(&b)
        .assert()
        .code(1);
    let (a, b) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert!(a != SEEDS[2].as_bytes());
    assert!(a == b, "restored differently in windows");
    // One document in the report, with its restorations and bytes.
    let report = std::fs::read_to_string(&report).unwrap();
    let rows: Vec<&str> = report.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{report}");
    assert!(rows[0].contains(",ok,1,true,"), "{report}");
    assert!(
        rows[0].contains(&format!(",{},", SEEDS[2].len())),
        "{report}"
    );
}

#[test]
fn a_file_read_in_windows_that_is_not_text_is_reported_as_a_whole_file_is() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.txt");
    let mut bytes = "Aa bb.\n".repeat(3000).into_bytes();
    bytes.extend_from_slice(b"\xff\n");
    std::fs::write(&bad, &bytes).unwrap();
    let bad = bad.to_str().unwrap();
    for window in ["1M", "4K"] {
        let out = unspin()
            .args(["check", "--window", window, bad])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8(out.stderr).unwrap();
        assert!(
            err.contains("invalid UTF-8 at line 3001, byte offset 21000"),
            "{window}: {err}"
        );
    }
    // Passed through unchanged under --on-error pass.
    let out = unspin()
        .args(["fix", "--on-error", "pass", "--window", "4K", bad])
        .output()
        .unwrap();
    assert!(out.stdout == bytes);
}

/// The peak memory of `unspin ARGS` in KB, from `/proc` while it runs, and
/// its standard output.
#[cfg(target_os = "linux")]
fn peak_kb(args: &[&str]) -> (u64, Vec<u8>) {
    use std::io::Read;
    let bin = assert_cmd::cargo::cargo_bin("unspin");
    let mut child = Process::new(bin)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        stdout.read_to_end(&mut out).unwrap();
        out
    });
    let mut peak = 0;
    while child.try_wait().unwrap().is_none() {
        if let Ok(s) = std::fs::read_to_string(&status) {
            let hwm = s.lines().find_map(|l| l.strip_prefix("VmHWM:"));
            if let Some(kb) = hwm.and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            {
                peak = kb;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    (peak, reader.join().unwrap())
}

#[cfg(target_os = "linux")]
#[test]
fn a_file_over_the_window_is_streamed_in_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.txt");
    // About 4 MB: the spun seed 66 times.
    let text = format!("{}\n", SEEDS[2]).repeat(66);
    std::fs::write(&big, &text).unwrap();
    let big = big.to_str().unwrap();
    assert!(Path::new(big).metadata().unwrap().len() > 4_000_000);
    let args = ["check", "-q", "-j", "1", "--max-bytes", "1G"];
    let (whole, whole_out) = peak_kb(&[&args[..], &["--window", "64M", big]].concat());
    let (windowed, windowed_out) = peak_kb(&[&args[..], &["--window", "128K", big]].concat());
    assert!(whole_out == windowed_out, "outputs differ");
    assert!(whole > 0 && windowed > 0);
    // Measured: 320 MB whole, 110 MB in windows (the model is most of it).
    assert!(
        windowed * 2 < whole,
        "{windowed} KB in windows, {whole} KB whole"
    );
}
