//! The JSON Lines splicer on any line: what serde_json reads as an object
//! with a string "text" is read alike; a line written back with no change
//! is the line; with edits, the text field reads as the text with the
//! edits applied, and every other member is as it was.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use unspin::jsonl::{Document, FieldPath};
use unspin::restore::apply;

fuzz_target!(|data: (&[u8], Vec<(u16, u16, String)>)| {
    let (line, edits) = data;
    let field = FieldPath::new("text");
    let theirs: Option<serde_json::Map<String, Value>> = serde_json::from_slice(line).ok();
    let ours = Document::parse(line, &field);
    if let Some(obj) = &theirs {
        if let Some(Value::String(text)) = obj.get("text") {
            let doc = ours.as_ref().expect("a line serde_json reads is read");
            assert_eq!(doc.text(), text);
        }
    }
    let Ok(doc) = ours else { return };
    let mut same = Vec::new();
    doc.write(&mut same, std::iter::empty::<(std::ops::Range<usize>, &str)>(), &[]);
    assert_eq!(same, line);
    // Edits on character boundaries, sorted and disjoint.
    let text = doc.text().to_string();
    let mut spans: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut at = 0;
    for (a, b, r) in edits.into_iter().take(8) {
        let (mut s, mut e) = (at + a as usize % 16, at + a as usize % 16 + b as usize % 16);
        if e > text.len() {
            break;
        }
        while !text.is_char_boundary(s) {
            s -= 1;
        }
        while !text.is_char_boundary(e) {
            e += 1;
        }
        s = s.max(at);
        spans.push((s..e, r));
        at = e;
    }
    let mut out = Vec::new();
    doc.write(&mut out, spans.iter().map(|(s, r)| (s.clone(), r.as_str())), &[("score", b"0.5")]);
    let Some(mut before) = theirs else { return };
    let after: serde_json::Map<String, Value> =
        serde_json::from_slice(&out).expect("an edited line is JSON");
    let expected = apply(&text, spans.iter().map(|(s, r)| (s.clone(), r.as_str())));
    assert_eq!(after["text"], Value::String(expected.into_owned()));
    before.insert("text".into(), after["text"].clone());
    before.insert("score".into(), after["score"].clone());
    assert_eq!(before, after);
});
