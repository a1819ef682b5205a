//! Property tests: invariants of analysis and restoration on arbitrary text.

use std::borrow::Cow;

use proptest::prelude::*;

mod common;
use common::unspinner;

/// Text mixing spinner forms, clean words, numbers, punctuation and
/// arbitrary Unicode, so that findings are common.
fn spunish_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("one in all".to_string()),
        Just("Center East".to_string()),
        Just("CENTER EAST".to_string()),
        Just("mentioned".to_string()),
        Just("struggle".to_string()),
        Just("navy motion".to_string()),
        Just("final night time".to_string()),
        Just("1000’s".to_string()),
        Just("three,000".to_string()),
        Just("twenty five,000".to_string()),
        Just("Forty".to_string()),
        Just("five.sixty two".to_string()),
        Just("Main-Common".to_string()),
        Just("the".to_string()),
        Just("4".to_string()),
        "[a-zA-Z’'-]{1,8}",
        any::<String>(),
    ];
    let seps = prop_oneof![
        Just(" "),
        Just("  "),
        Just("\n"),
        Just(", "),
        Just(". "),
        Just("\t")
    ];
    prop::collection::vec((pieces, seps), 0..24)
        .prop_map(|v| v.into_iter().map(|(p, s)| p + s).collect())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn with_no_restoration_accepted_the_output_is_the_input(text in spunish_text()) {
        let a = unspinner().analyze(&text);
        let out = a.restore_with(|_| None);
        prop_assert!(matches!(out, Cow::Borrowed(_)));
        prop_assert_eq!(out.as_ref(), text.as_str());
    }

    #[test]
    fn every_edit_lies_inside_a_finding_span(text in spunish_text()) {
        let a = unspinner().analyze(&text);
        let out = a.restore();
        // Walk the text: outside restored spans the bytes must reappear in order.
        let mut at_in = 0;
        let mut at_out = 0;
        for f in a.restorations() {
            let keep = &text[at_in..f.span.start];
            prop_assert_eq!(&out[at_out..at_out + keep.len()], keep);
            at_out += keep.len();
            let rep = &f.restored().unwrap().original;
            prop_assert_eq!(&out[at_out..at_out + rep.len()], rep.as_str());
            at_out += rep.len();
            at_in = f.span.end;
        }
        prop_assert_eq!(&out[at_out..], &text[at_in..]);
    }

    #[test]
    fn no_accepted_restoration_leaves_the_bytes_unchanged(text in spunish_text()) {
        let a = unspinner().analyze(&text);
        for f in a.restorations() {
            prop_assert_ne!(&f.restored().unwrap().original, &f.spun);
        }
        prop_assert_eq!(a.restore() == text.as_str(), a.restorations().count() == 0);
    }

    #[test]
    fn findings_are_ordered_disjoint_and_on_char_boundaries(text in any::<String>()) {
        let a = unspinner().analyze(&text);
        let mut end = 0;
        for f in a.findings() {
            prop_assert!(f.span.start >= end);
            prop_assert!(text.is_char_boundary(f.span.start) && text.is_char_boundary(f.span.end));
            prop_assert_eq!(&text[f.span.clone()], f.spun.as_str());
            end = f.span.end;
        }
        prop_assert!((0.0..=1.0).contains(&a.score()));
    }

    #[test]
    fn tokens_cover_arbitrary_unicode_byte_for_byte(text in any::<String>()) {
        let toks = unspin::tokenize::tokenize(&text);
        let joined: String = toks.iter().map(|t| &text[t.span.clone()]).collect();
        prop_assert_eq!(joined, text);
    }

    #[test]
    fn candidate_scores_and_keep_are_probabilities(text in spunish_text()) {
        let a = unspinner().analyze(&text);
        for f in a.findings() {
            let total: f64 = f.keep + f.candidates.iter().map(|c| c.score).sum::<f64>();
            prop_assert!((total - 1.0).abs() < 1e-3, "sum {}", total);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, .. ProptestConfig::default() })]

    #[test]
    fn invalid_utf8_on_stdin_is_a_clear_error_with_exit_2(
        prefix in "[a-z \n]{0,20}",
        bad in prop::sample::select(vec![vec![0xffu8], vec![0xc3, 0x28], vec![0xe2, 0x82], vec![0x80]]),
    ) {
        let mut input = prefix.clone().into_bytes();
        input.extend(&bad);
        input.extend(b" tail");
        let out = assert_cmd::Command::cargo_bin("unspin")
            .unwrap()
            .arg("check")
            .write_stdin(input)
            .output()
            .unwrap();
        prop_assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        let line = 1 + prefix.matches('\n').count();
        let expected = format!(
            "unspin: <stdin>: invalid UTF-8 at line {}, byte offset {}",
            line,
            prefix.len()
        );
        prop_assert!(err.contains(&expected), "{}", err);
    }
}

/// Words that carry a negation, as `src/meaning.rs` counts them.
fn negations(s: &str) -> usize {
    s.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| {
            let w = w.to_lowercase().replace('’', "'");
            w.ends_with("n't")
                || [
                    "not", "never", "no", "none", "nobody", "nothing", "neither", "nor", "nowhere",
                    "cannot", "without",
                ]
                .contains(&w.as_str())
        })
        .count()
}

/// Spun news with negations and numbers among the spinner's forms.
fn negated_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        Just("one in all".to_string()),
        Just("mentioned".to_string()),
        Just("struggle".to_string()),
        Just("final night time".to_string()),
        Just("did not".to_string()),
        Just("are not".to_string()),
        Just("not".to_string()),
        Just("by no means".to_string()),
        Just("is just not".to_string()),
        Just("straight and not".to_string()),
        Just("hundreds".to_string()),
        Just("a whole bunch of".to_string()),
        Just("will".to_string()),
        Just("can".to_string()),
        "[a-z]{1,8}",
    ];
    prop::collection::vec(pieces, 0..30).prop_map(|v| v.join(" ") + ".")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    /// A restoration never drops or adds a negation, except for a form no
    /// author writes (table weight 0.9 or more), which may stand for one.
    #[test]
    fn restorations_keep_their_negations(text in negated_text()) {
        let u = unspinner();
        let a = u.analyze(&text);
        for f in a.restorations() {
            let c = f.restored().unwrap();
            let weight = u.dictionary().get(&f.spun).map_or(0.0, |e| e.weight);
            if weight < 0.9 {
                prop_assert_eq!(negations(&f.spun), negations(&c.original), "{:?}", f);
            }
        }
    }
}
