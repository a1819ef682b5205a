//! The generalization benchmark's floors (issue 12, item 4): restoration of
//! spinner output whose synonym data differ from what the tables were built
//! from.
//!
//! The pairs in `corpus/bench/` were spun by `scripts/corpus/spin.py` with
//! WordNet's or Moby's synonym sets (alone, or after our own table read
//! backwards: `news-spinner-wordnet`, a spinner of the news spinner's family
//! with a larger thesaurus) from held-out clean news (odd-numbered Brown press
//! documents and the clean seeds; see `corpus/README.md`); each is restored
//! with the default tables less the general table built from the spinner's
//! lexicon, and with the other general table (as a file while it is not a
//! default one), as `scripts/bench_generalize.py` does. The figures are printed
//! (run with `--nocapture`) and computed like the project's scorer.

use std::sync::OnceLock;

use unspin::eval::{evaluate, parse_pairs, Figures};
use unspin::Unspinner;

/// The general tables, one a lexicon.
const GENERAL: [&str; 2] = ["general-wordnet", "general-moby"];

/// The default unspinner less the general table built from the lexicon
/// the pairs file `file` was spun with.
fn unspinner_for(file: &str) -> &'static Unspinner {
    static WORDNET: OnceLock<Unspinner> = OnceLock::new();
    static MOBY: OnceLock<Unspinner> = OnceLock::new();
    let (cell, table) = if file.contains("wordnet") {
        (&WORDNET, "general-wordnet")
    } else if file.contains("moby") {
        (&MOBY, "general-moby")
    } else {
        panic!("{file}: spun with neither WordNet nor Moby")
    };
    cell.get_or_init(|| {
        let defaults = unspin::dict::DEFAULT_TABLES;
        let mut builder =
            Unspinner::builder().builtin_tables(defaults.iter().filter(|t| **t != table).copied());
        // The other general table, as a file while it is not a default one.
        for other in GENERAL {
            if other != table && !defaults.contains(&other) {
                builder = builder.table_file(format!("dictionaries/{other}.tsv"));
            }
        }
        builder.build().expect("the tables build")
    })
}

/// Lower bounds of candidate recall, WER reduction, change precision and
/// exact sites, and the upper bound of clean false restorations per 1,000
/// words.
struct Floors {
    candidate_recall: f64,
    wer_reduction: f64,
    change_precision: f64,
    exact_sites: f64,
    clean_false_per_1k: f64,
}

fn check(file: &str, floors: Floors) -> Figures {
    let path = format!("corpus/bench/{file}.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let pairs = parse_pairs(&text).unwrap();
    let f = evaluate(unspinner_for(file), &pairs);
    eprintln!("{file}: {}", serde_json::to_string(&f).unwrap());
    let low = [
        (
            "candidate recall",
            f.candidate_recall,
            floors.candidate_recall,
        ),
        ("wer reduction", f.wer_reduction, floors.wer_reduction),
        (
            "change precision",
            f.change_precision,
            floors.change_precision,
        ),
        ("exact sites", f.exact_sites, floors.exact_sites),
    ];
    for (what, got, floor) in low {
        assert!(got >= floor, "{file}: {what} {got:.3} < {floor}");
    }
    assert!(
        f.clean_false_per_1k <= floors.clean_false_per_1k,
        "{file}: clean false per 1k {:.2} > {}",
        f.clean_false_per_1k,
        floors.clean_false_per_1k
    );
    f
}

macro_rules! floors {
    ($($test:ident: $file:literal => $recall:literal, $wer:literal, $precision:literal, $exact:literal, $clean:literal;)*) => {
        $(
            #[test]
            fn $test() {
                check(
                    $file,
                    Floors {
                        candidate_recall: $recall,
                        wer_reduction: $wer,
                        change_precision: $precision,
                        exact_sites: $exact,
                        clean_false_per_1k: $clean,
                    },
                );
            }
        )*
    };
}

// test: file => candidate recall, WER reduction, change precision, exact sites, clean false per 1k
// (floors a little below the figures measured at the commit that left documents judged clean
// alone: raise them as the decisions improve; see docs/decisions.md, "Generalization benchmark"). Text
// spun with an unrelated thesaurus is judged clean, and so left alone, far more often than
// not: its rows hold few changes, and their precision says little.
floors! {
    wordnet_seed_spinner_passages: "wordnet-keys-article-quotes-spin-passages" => 0.05, -0.01, 0.4, 0.0, 0.3;
    wordnet_seed_spinner_articles: "wordnet-keys-article-quotes-spin-articles" => 0.07, -0.01, 0.4, 0.0, 0.3;
    wordnet_second_spinner_passages: "wordnet-both-occurrence-quotes-spin-passages" => 0.04, -0.01, 0.4, 0.0, 0.3;
    wordnet_quotes_kept_passages: "wordnet-keys-article-quotes-keep-passages" => 0.06, -0.01, 0.4, 0.0, 0.3;
    moby_seed_spinner_passages: "moby-keys-article-quotes-spin-passages" => 0.03, -0.01, 0.4, 0.0, 0.3;
    moby_seed_spinner_articles: "moby-keys-article-quotes-spin-articles" => 0.04, -0.01, 0.4, 0.0, 0.3;
    moby_second_spinner_passages: "moby-both-occurrence-quotes-spin-passages" => 0.02, -0.01, 0.4, 0.0, 0.3;
    moby_quotes_kept_passages: "moby-keys-article-quotes-keep-passages" => 0.03, -0.01, 0.4, 0.0, 0.3;
    news_family_wordnet_second_spinner_passages: "news-spinner-wordnet-both-occurrence-quotes-spin-passages" => 0.33, 0.27, 0.88, 0.2, 0.3;
    news_family_wordnet_second_spinner_articles: "news-spinner-wordnet-both-occurrence-quotes-spin-articles" => 0.35, 0.33, 0.9, 0.25, 0.3;
    news_family_moby_quotes_kept_passages: "news-spinner-moby-keys-article-quotes-keep-passages" => 0.51, 0.5, 0.93, 0.39, 0.3;
    news_family_moby_quotes_kept_articles: "news-spinner-moby-keys-article-quotes-keep-articles" => 0.49, 0.46, 0.93, 0.35, 0.3;
}
