//! A large document analysed in windows decides as the whole document's
//! analysis does, where the windows end at line breaks or sentence ends
//! (issue 13: memory bounded by a constant, not by the document).

use std::sync::OnceLock;

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
    assert!(windows(text, size).all(|w| w.exact), "size {size}: a rough cut");
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
        assert!(matches!(f.reason, Reason::CleanDocument | Reason::QuotedSpeech), "{f:?}");
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
fn the_windows_of_a_text_are_the_text() {
    for text in SEEDS {
        for size in [100, 1000] {
            let joined: String = windows(text, size).map(|w| w.text).collect();
            assert_eq!(joined, text);
        }
    }
}
