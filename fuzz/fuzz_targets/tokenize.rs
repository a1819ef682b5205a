//! The tokenizer on any text: tokens cover every byte in order, on
//! character boundaries, and line/column lookups agree with a count.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unspin::tokenize::{tokenize, LineIndex, TokenKind};

fuzz_target!(|text: &str| {
    let tokens = tokenize(text);
    let mut at = 0;
    for t in &tokens {
        assert_eq!(t.span.start, at);
        assert!(t.span.end > t.span.start);
        assert!(text.is_char_boundary(t.span.end));
        let s = &text[t.span.clone()];
        if t.kind == TokenKind::Word {
            // A word starts with a letter or digit, never with a mark.
            assert!(s.chars().next().is_some_and(char::is_alphanumeric), "{s:?}");
        }
        at = t.span.end;
    }
    assert_eq!(at, text.len());
    let index = LineIndex::new(text);
    let mut cursor = index.cursor(text);
    for t in tokens.iter().take(64) {
        let (line, col) = index.line_col(text, t.span.start);
        assert_eq!(cursor.line_col(t.span.start), (line, col));
        let before = &text[..t.span.start];
        assert_eq!(line, 1 + before.matches('\n').count());
    }
});
