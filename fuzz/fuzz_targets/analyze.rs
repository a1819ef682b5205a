//! The matcher, the decisions and `restore` on any text: findings are in
//! order, disjoint, on character boundaries and name their text; the
//! restored text is the input with the restorations' spans replaced, and
//! keeps every line break.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use unspin::restore::{apply, is_line_break};
use unspin::Unspinner;

fn unspinner() -> &'static Unspinner {
    static U: OnceLock<Unspinner> = OnceLock::new();
    U.get_or_init(|| Unspinner::builder().build().expect("default unspinner"))
}

fuzz_target!(|text: &str| {
    let a = unspinner().analyze(text);
    let mut end = 0;
    for f in a.findings() {
        assert!(f.span.start >= end && f.span.end > f.span.start);
        assert_eq!(&text[f.span.clone()], f.spun);
        let total: f64 = f.keep + f.candidates.iter().map(|c| c.score).sum::<f64>();
        assert!((total - 1.0).abs() < 1e-3);
        end = f.span.end;
    }
    assert!((0.0..=1.0).contains(&a.score()));
    let restored = a.restore();
    let by_spans = apply(
        text,
        a.restorations()
            .map(|f| (f.span.clone(), f.restored().unwrap().original.as_str())),
    );
    assert_eq!(restored, by_spans);
    let breaks = |s: &str| s.chars().filter(|&c| is_line_break(c)).count();
    assert_eq!(breaks(&restored), breaks(text));
});
