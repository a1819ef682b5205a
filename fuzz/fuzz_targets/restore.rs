//! Restoration helpers on any input: `apply` keeps every byte outside the
//! edits; `match_case` and `keep_line_breaks` never panic, and the latter
//! keeps every line break of the written form or declines.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unspin::restore::{apply, is_line_break, keep_line_breaks, match_case, one_line};

fuzz_target!(|data: (&str, &str, &str, Vec<(u8, u8)>)| {
    let (original, written, text, edits) = data;
    let apostrophe = if text.len() % 2 == 0 { '\'' } else { '\u{2019}' };
    let cased = match_case(original, written, apostrophe);
    assert!(!cased.is_empty() || original.is_empty());
    let mut laid = original.to_string();
    if keep_line_breaks(&mut laid, written) && written.contains(is_line_break) {
        let breaks = |s: &str| s.chars().filter(|&c| is_line_break(c)).count();
        assert!(breaks(&laid) >= breaks(written));
    }
    assert!(!one_line(written).contains(is_line_break));
    let spans: Vec<_> = edits
        .iter()
        .map(|&(a, b)| {
            let (a, b) = (a as usize, a as usize + b as usize % 8);
            (a..b, "X")
        })
        .collect();
    let out = apply(text, spans.clone());
    // What lies after the last applied edit is kept.
    let mut tail_from = 0;
    for (s, _) in &spans {
        if s.start >= tail_from && text.get(s.clone()).is_some() && &text[s.clone()] != "X" {
            tail_from = s.end;
        }
    }
    assert!(out.ends_with(&text[tail_from..]));
});
