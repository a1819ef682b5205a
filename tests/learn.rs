//! `unspin learn` (issue 15): tables mined from spun/original pairs.
//!
//! CLI tests pin the summary, the table and the exit codes; the corpus
//! tests hold the learned tables' quality above recorded floors: on the dev
//! pairs (learned from and restored, the learned table alone) and on the
//! held-out benchmark of `corpus/bench/learn/` (learned from one half of a
//! spinner's output, restoring the other half, for both spinner styles).

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;
use unspin::dict::{Dictionary, Table};
use unspin::eval::{evaluate, evaluate_restoration, parse_pairs, Figures};
use unspin::learn::{mine, Options};
use unspin::Unspinner;

const DEV: &str = "corpus/dev/seed-pairs.jsonl";

fn unspin() -> Command {
    Command::cargo_bin("unspin").unwrap()
}

/// A temporary directory holding the file `name` with `contents`, and the
/// file's path.
fn temp_file(name: &str, contents: impl AsRef<[u8]>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, contents).unwrap();
    (dir, path)
}

/// The table in `text` has no departure from the canonical form.
fn assert_canonical(text: &str) {
    let table = Table::parse(text, "learned.tsv").unwrap();
    assert_eq!(table.canonical_errors(text), Vec::<String>::new());
}

#[test]
fn learning_the_dev_pairs_aligns_every_pair_and_writes_a_canonical_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dev.tsv");
    unspin()
        .args(["learn", "--pairs", DEV, "--tables", "", "-o"])
        .arg(&out)
        .assert()
        .code(0)
        .stdout("")
        .stderr(format!(
            "unspin learn: 30 pairs read, 30 aligned, 0 skipped\n\
             unspin learn: 99 entries written to {} (10 under --min-weight 0.50 left out)\n",
            out.display()
        ));
    let text = std::fs::read_to_string(&out).unwrap();
    assert_canonical(&text);
    for line in [
        "center east\tMiddle East\t0.50\tlearned: 1x in 1 doc (reckless); unchanged 0x\t1/1\n",
        "common soleimani\tGeneral Soleimani\t0.50\t",
        // "people" stands 6 times in the originals, spun into
        // "individuals" 5 times.
        "individuals\tpeople | Americans\t0.86\tlearned: 6x (people 5, Americans 1) in 6 docs (tweet-15years, tweet-choice, tweet-caught, ...); unchanged 0x\t5/6 1/1\n",
        "all through the area\tthroughout the region\t0.50\t",
    ] {
        assert!(text.contains(line), "{line:?} not in\n{text}");
    }
}

#[test]
fn the_dev_pairs_learned_table_alone_restores_them() {
    let text = std::fs::read_to_string(DEV).unwrap();
    let pairs = parse_pairs(&text).unwrap();
    let learned = mine(&pairs, &Options::default());
    assert_eq!(learned.aligned(), 30);
    let table = Table::parse(&learned.to_table_text(), "learned.tsv").unwrap();
    let u = Unspinner::builder()
        .builtin_tables(Vec::<String>::new())
        .table(table)
        .build()
        .unwrap();
    let f = evaluate(&u, &pairs);
    eprintln!(
        "dev pairs, learned table alone: {}",
        serde_json::to_string(&f).unwrap()
    );
    // Measured: candidate recall 0.866, WER reduction 0.785, precision 1.000, exact 0.772.
    assert!(f.candidate_recall >= 0.84, "{f:?}");
    assert!(f.wer_reduction >= 0.75, "{f:?}");
    assert!(f.change_precision >= 0.98, "{f:?}");
    assert!(f.exact_sites >= 0.73, "{f:?}");
}

/// Three paragraphs of an original and its spun copy.
const ORIGINAL: &str = "\
The minister said the war had ended. Officials in the capital said the army would leave the city soon.

Nobody expected the announcement, which came after months of talks between the two sides and several failed attempts at a truce.

The talks failed on Tuesday because of a dispute over the border. Residents said they were glad the war was over and hoped for peace.
";

fn learn_two_files(spun: &str) -> String {
    let (dir, s) = temp_file("spun.txt", spun);
    let o = dir.path().join("original.txt");
    std::fs::write(&o, ORIGINAL).unwrap();
    let out = unspin()
        .args(["learn", "--tables", "", "--min-weight", "0.01", "-q"])
        .arg(&s)
        .arg(&o)
        .assert()
        .code(0)
        .stderr("")
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert_canonical(&text);
    text
}

fn spun_forms(table: &str) -> Vec<&str> {
    table
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').next().unwrap())
        .collect()
}

#[test]
fn a_deleted_paragraph_mines_nothing_next_to_it() {
    let spun = "\
The minister mentioned the struggle had ended. Officials in the capital mentioned the navy would depart the city quickly.

The negotiations failed on Tuesday because of a dispute over the frontier. Residents mentioned they had been glad the struggle was over and hoped for peace.
";
    let table = learn_two_files(spun);
    let forms = spun_forms(&table);
    assert!(
        forms.contains(&"struggle") && forms.contains(&"navy"),
        "{table}"
    );
    // `quickly` ends the paragraph before the deleted one, `negotiations`
    // is the second word after it.
    assert!(
        !forms.contains(&"quickly") && !forms.contains(&"negotiations"),
        "{table}"
    );
}

#[test]
fn an_edited_sentence_mines_nothing() {
    let spun = "\
The minister mentioned the struggle had ended. Officials in the capital mentioned the navy would depart the city quickly.

Nobody expected the announcement, which came after months of talks between the two sides and several failed attempts at a truce.

Negotiators from both countries walked out of the meeting, blaming each other for the collapse. Residents mentioned they had been glad the struggle was over and hoped for peace.
";
    let table = learn_two_files(spun);
    let forms = spun_forms(&table);
    assert!(
        forms.contains(&"struggle") && forms.contains(&"quickly"),
        "{table}"
    );
    for word in [
        "officials",
        "announced",
        "negotiations",
        "collapsed",
        "row",
        "frontier",
    ] {
        assert!(
            !forms.iter().any(|f| f.split(' ').any(|w| w == word)),
            "{word} mined from the edited sentence:\n{table}"
        );
    }
}

#[test]
fn another_article_is_skipped_and_reported() {
    let (_dir, pairs) = temp_file(
        "p.jsonl",
        "{\"id\":\"ok\",\"spun\":\"He mentioned it.\",\"original\":\"He said it.\"}\n\
         {\"id\":\"other\",\"spun\":\"Quietly the river flowed past the old mills at dawn.\",\"original\":\"Stocks rose on Monday as oil prices fell sharply.\"}\n",
    );
    unspin()
        .args(["learn", "--tables", "", "--pairs"])
        .arg(&pairs)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("\nmentioned\tsaid\t0.50\tlearned: 1x in 1 doc (ok); unchanged 0x\t1/1\n"))
        .stderr(
            "unspin learn: 2 pairs read, 1 aligned, 1 skipped\n\
             unspin learn: skipped other: 10% of its tokens agree, under the 35% required\n\
             unspin learn: 1 entries written to standard output (0 under --min-weight 0.50 left out)\n",
        );
}

#[test]
fn a_form_the_builtin_table_knows_keeps_its_candidates_first_and_its_weight() {
    let line = |i: usize| {
        format!("{{\"id\":\"d{i}\",\"spun\":\"A struggle began and he mentioned it.\",\"original\":\"A conflict began and he said it.\"}}\n")
    };
    let (_dir, pairs) = temp_file("p.jsonl", (0..3).map(line).collect::<String>());
    let run = |tables: &str| {
        let out = unspin()
            .args(["learn", "-q", "--tables", tables, "--pairs"])
            .arg(&pairs)
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    let deferring = run("news-spinner");
    assert_canonical(&deferring);
    assert!(deferring.contains(
        "\nstruggle\twar | fight | conflict\t0.60\tlearned: 3x (war 0, fight 0, conflict 3) in 3 docs (d0, d1, d2); unchanged 0x; after dictionaries/news-spinner.tsv:2220\n"
    ), "{deferring}");
    // news-spinner has `mentioned -> said` already: nothing to add.
    assert!(!deferring.contains("\nmentioned\t"), "{deferring}");
    let alone = run("");
    assert!(alone.contains("\nstruggle\tconflict\t0.75\t"), "{alone}");
    assert!(alone.contains("\nmentioned\tsaid\t0.75\t"), "{alone}");
}

#[test]
fn learned_channel_counts_reach_the_decision() {
    // "said" stands 8 times in the originals; the spinner wrote
    // "mentioned" for 4 of them.
    let line = |i: usize| {
        format!("{{\"id\":\"d{i}\",\"spun\":\"The talks collapsed. He mentioned it was over, and he said it twice.\",\"original\":\"The talks collapsed. He said it was over, and he said it twice.\"}}\n")
    };
    let (dir, pairs) = temp_file("p.jsonl", (0..4).map(line).collect::<String>());
    let table = dir.path().join("learned.tsv");
    unspin()
        .args(["learn", "-q", "--tables", "", "--pairs"])
        .arg(&pairs)
        .arg("-o")
        .arg(&table)
        .assert()
        .code(0);
    let text = std::fs::read_to_string(&table).unwrap();
    assert!(
        text.ends_with(
            "\nmentioned\tsaid\t0.80\tlearned: 4x in 4 docs (d0, d1, d2, ...); unchanged 0x\t4/8\n"
        ),
        "{text}"
    );
    assert_canonical(&text);
    // The same table without its counts.
    let bare = dir.path().join("bare.tsv");
    let cut: String = text
        .lines()
        .map(|l| {
            format!(
                "{}\n",
                l.splitn(5, '\t').take(4).collect::<Vec<_>>().join("\t")
            )
        })
        .collect();
    std::fs::write(&bare, cut).unwrap();
    // The channel's weight (fitted to 0 for thesauri) set to 1, so that the
    // channel term shows the table's probability, ln(4/8).
    let explain = |t: &Path| {
        let out = unspin()
            .env("UNSPIN_TUNE_CHANNEL_GAIN", "1")
            .args(["check", "--explain", "--tables", "", "--dict"])
            .arg(t)
            .write_stdin("He mentioned the plan to the council on Monday.\n")
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        String::from_utf8(out).unwrap()
    };
    assert!(
        explain(&table).contains(" channel=-0.69 "),
        "{}",
        explain(&table)
    );
    assert!(
        explain(&bare).contains(" channel=+0.00 "),
        "{}",
        explain(&bare)
    );
}

#[test]
fn merged_output_keeps_the_existing_table_and_passes_the_canonical_check() {
    let (_dir, table) = temp_file(
        "mine.tsv",
        "# my table\nzulu\tz\t0.9\nstruggle\tbattle\t0.8\tby hand\n",
    );
    unspin()
        .args(["learn", "-q", "--tables", "", "--pairs", DEV, "--merge"])
        .arg(&table)
        .arg("-o")
        .arg(&table)
        .assert()
        .code(0)
        .stdout("");
    let text = std::fs::read_to_string(&table).unwrap();
    assert_canonical(&text);
    assert!(text.starts_with("# my table\n"), "{text}");
    assert!(text.contains("\nzulu\tz\t0.9\n"), "{text}");
    assert!(
        text.contains("\nstruggle\tbattle | war\t0.8\tby hand; learned: "),
        "{text}"
    );
    assert!(
        text.contains("\ncenter east\tMiddle East\t0.50\tlearned: "),
        "{text}"
    );
}

#[test]
fn directories_are_paired_by_relative_path_and_a_lone_file_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (s, o) = (dir.path().join("spun"), dir.path().join("orig"));
    for d in [&s, &o] {
        std::fs::create_dir_all(d.join("news")).unwrap();
    }
    std::fs::write(s.join("news/a.txt"), "He mentioned the struggle.").unwrap();
    std::fs::write(o.join("news/a.txt"), "He said the war.").unwrap();
    std::fs::write(s.join("b.txt"), "She mentioned it.").unwrap();
    std::fs::write(o.join("b.txt"), "She said it.").unwrap();
    std::fs::write(s.join("only-spun.txt"), "x").unwrap();
    std::fs::write(o.join("only-original.txt"), "y").unwrap();
    unspin()
        .current_dir(dir.path())
        .args(["learn", "--tables", "", "--spun-dir", "spun", "--original-dir", "orig"])
        .assert()
        .code(0)
        .stdout(predicate::str::contains(
            "\nmentioned\tsaid\t0.67\tlearned: 2x in 2 docs (b.txt, news/a.txt); unchanged 0x\t2/2\n",
        ))
        .stderr(
            "unspin learn: 2 pairs read, 2 aligned, 0 skipped\n\
             unspin learn: spun/only-spun.txt: no original in orig\n\
             unspin learn: orig/only-original.txt: no spun copy in spun\n\
             unspin learn: 2 entries written to standard output (0 under --min-weight 0.50 left out)\n",
        );
}

/// `learn` with these arguments exits 2 with `message` and writes no output.
fn fails_without_output(args: &[&str], input: Option<(&str, &[u8])>, message: &str) {
    let dir = tempfile::tempdir().unwrap();
    if let Some((name, bytes)) = input {
        std::fs::write(dir.path().join(name), bytes).unwrap();
    }
    unspin()
        .current_dir(dir.path())
        .arg("learn")
        .args(args)
        .args(["-o", "out.tsv"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!("unspin: {message}\n"));
    assert!(!dir.path().join("out.tsv").exists());
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), usize::from(input.is_some()), "{left:?}");
}

#[test]
fn bad_input_exits_2_naming_file_and_line_and_writes_nothing() {
    let good = b"{\"id\":\"a\",\"spun\":\"He mentioned it.\",\"original\":\"He said it.\"}\n";
    let missing = [&good[..], b"{\"id\":\"b\",\"spun\":\"x\"}\n"].concat();
    fails_without_output(
        &["--pairs", "p.jsonl"],
        Some(("p.jsonl", &missing)),
        "p.jsonl:2: no string field \"original\"",
    );
    let invalid = [&good[..], b"\n{\"spun\":\"a\xff\",\"original\":\"b\"}\n"].concat();
    fails_without_output(
        &["--pairs", "p.jsonl"],
        Some(("p.jsonl", &invalid)),
        "p.jsonl:3: invalid UTF-8 at byte 11 of the line",
    );
    let malformed = [&good[..], b"{\"spun\":\"a\",}\n"].concat();
    fails_without_output(
        &["--pairs", "p.jsonl"],
        Some(("p.jsonl", &malformed)),
        "p.jsonl:2: malformed JSON: key must be a string at column 13",
    );
    fails_without_output(
        &["--pairs", "p.jsonl", "--spun-field", "text"],
        Some(("p.jsonl", good)),
        "p.jsonl:1: no string field \"text\"",
    );
    fails_without_output(
        &["--pairs", "missing.jsonl"],
        None,
        "missing.jsonl: No such file or directory",
    );
    fails_without_output(
        &["spun.txt", "missing.txt"],
        Some(("spun.txt", b"x")),
        "missing.txt: No such file or directory",
    );
    fails_without_output(
        &["spun.txt", "spun.txt"],
        Some(("spun.txt", b"ok\n\xfe")),
        "spun.txt: invalid UTF-8 at line 2, byte offset 3",
    );
}

/// The held-out benchmark of one spinner style: the defaults, then the
/// defaults with the table learned from the other half.
fn held_out(style: &str) -> (Figures, Figures, usize) {
    let read = |half: &str| {
        let path = format!("corpus/bench/learn/{style}-{half}.jsonl");
        parse_pairs(&std::fs::read_to_string(&path).unwrap()).unwrap()
    };
    let (mine_half, test_half) = (read("mine"), read("test"));
    let mut learned = mine(&mine_half, &Options::default());
    assert_eq!(learned.aligned(), mine_half.len());
    learned.defer_to(&Dictionary::builtin(unspin::dict::DEFAULT_TABLES).unwrap());
    let table = Table::parse(&learned.to_table_text(), Path::new("learned.tsv")).unwrap();
    let base = evaluate_restoration(&Unspinner::builder().build().unwrap(), &test_half);
    let with = Unspinner::builder().table(table).build().unwrap();
    let learned_figures = evaluate_restoration(&with, &test_half);
    eprintln!(
        "{style}: defaults {}",
        serde_json::to_string(&base).unwrap()
    );
    eprintln!(
        "{style}: + learned {}",
        serde_json::to_string(&learned_figures).unwrap()
    );
    (base, learned_figures, learned.entries.len())
}

/// Floors: the WER reduction the learned table adds, and the change
/// precision with it.
fn check_held_out(style: &str, min_gain: f64, min_precision: f64) {
    let (base, with, entries) = held_out(style);
    assert!(entries > 1000, "{entries} entries");
    let gain = with.wer_reduction - base.wer_reduction;
    assert!(gain >= min_gain, "{style}: gain {gain:.3} under {min_gain}");
    assert!(
        with.change_precision >= min_precision,
        "{style}: precision {:.3} under {min_precision}",
        with.change_precision
    );
}

#[test]
fn a_table_learned_from_half_a_seed_style_spinner_restores_the_other_half() {
    // Measured: WER reduction 0.543 -> 0.667 (+0.125), precision 0.942 -> 0.934.
    check_held_out("seed", 0.115, 0.925);
}

#[test]
fn a_table_learned_from_half_a_second_style_spinner_restores_the_other_half() {
    // Measured: WER reduction 0.343 -> 0.470 (+0.127), precision 0.919 -> 0.917.
    check_held_out("second", 0.12, 0.91);
}
