//! Corpus tests: restoration quality held above recorded floors.
//!
//! The floors are the targets of the project's issues; the figures are
//! printed (run with `--nocapture` to see them) and computed like the
//! project's scorer (`unspin::eval`).

use unspin::eval::{evaluate, parse_pairs};

mod common;
use common::unspinner;

const CLEAN_SEEDS: [&str; 4] = [
    "corpus/seeds/000_aa92f3a28928f2e3.txt",
    "corpus/seeds/001_97aa9ac3554af9e4.txt",
    "corpus/seeds/003_8b6ec4914fcd75e2.txt",
    "corpus/seeds/004_8e862bd3df8d806c.txt",
];
const SPUN_SEED: &str = "corpus/seeds/002_e90d1dc293122756.txt";

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn dev_pairs_are_restored_above_the_floors() {
    let pairs = parse_pairs(&read("corpus/dev/seed-pairs.jsonl")).unwrap();
    let f = evaluate(unspinner(), &pairs);
    eprintln!("dev pairs: {}", serde_json::to_string(&f).unwrap());
    assert!(
        f.candidate_recall >= 0.95,
        "candidate recall {}",
        f.candidate_recall
    );
    assert!(f.wer_reduction >= 0.75, "wer reduction {}", f.wer_reduction);
    assert!(
        f.change_precision >= 0.95,
        "change precision {}",
        f.change_precision
    );
    assert!(
        f.clean_false_per_1k <= 2.0,
        "clean false per 1k {}",
        f.clean_false_per_1k
    );
}

#[test]
fn clean_seeds_are_left_alone_and_judged_clean() {
    let u = unspinner();
    for path in CLEAN_SEEDS {
        let text = read(path);
        let a = u.analyze(&text);
        let per_1k = 1000.0 * a.restorations().count() as f64 / a.words() as f64;
        eprintln!(
            "{path}: score {:.3}, {per_1k:.2} restorations per 1,000 words",
            a.score()
        );
        assert!(
            per_1k <= 1.0,
            "{path}: {per_1k} restorations per 1,000 words"
        );
        assert!(!a.is_spun(), "{path}: score {}", a.score());
    }
}

#[test]
fn spun_seed_scores_far_above_the_threshold_and_is_restored_throughout() {
    let text = read(SPUN_SEED);
    let a = unspinner().analyze(&text);
    eprintln!(
        "{SPUN_SEED}: score {:.3}, {} restorations",
        a.score(),
        a.restorations().count()
    );
    assert!(a.score() >= 0.95, "score {}", a.score());
    // Restorations across the whole article, not only at its start.
    let last = a.restorations().last().map_or(0, |f| f.span.start);
    assert!(last > text.len() * 9 / 10);
    assert!(a.restorations().count() > 1000);
}

#[test]
fn clean_press_prose_is_left_alone() {
    // The Brown corpus press sections: 71 clean news samples.
    let u = unspinner();
    let (mut words, mut restorations, mut spun) = (0, 0, 0);
    for line in read("corpus/brown-press.jsonl").lines() {
        let doc: serde_json::Value = serde_json::from_str(line).unwrap();
        let a = u.analyze(doc["text"].as_str().unwrap());
        words += a.words();
        restorations += a.restorations().count();
        spun += usize::from(a.is_spun());
    }
    let per_1k = 1000.0 * restorations as f64 / words as f64;
    eprintln!("brown press: {words} words, {restorations} restorations ({per_1k:.2} per 1,000), {spun} judged spun");
    assert!(per_1k <= 1.0, "{per_1k} restorations per 1,000 words");
    // The general detector (docs/detection.md) flags a few of these 1961
    // articles, whose wording is far from the news the model knows; the
    // tables' evidence, which the restorations follow, flags none.
    assert!(spun * 100 <= 3 * 71, "{spun} of 71 judged spun");
}
