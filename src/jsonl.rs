//! JSON Lines documents edited in place: the text field read, restorations
//! and our own fields spliced into the line, and every other byte of the
//! line kept as written.
//!
//! A JSON Lines record is usually someone else's data: ids that overflow a
//! double (`18446744073709551616`), numbers written `1E5` or `1e400`, keys in
//! an order that matters to them, duplicate keys, `\u` escapes. Parsing the
//! line into a tree and writing the tree back changes all of these, so this
//! module never does: [`Document::parse`] checks the line against the JSON
//! grammar (RFC 8259) and records where things are — the text field, the
//! `"id"`, any member we replace — and [`Document::write`] copies the line,
//! replacing only the restored spans of the text field (written with JSON
//! escapes, the rest of the string kept with its own) and the values of the
//! members we own, which are added before the closing brace when the object
//! does not have them.
//!
//! With duplicate keys, the last one is the one read and replaced, as most
//! JSON readers take the last.
//!
//! ```
//! use unspin::jsonl::{Document, FieldPath};
//!
//! let line = br#"{"id":18446744073709551616,"text":"one in all","n":1E5}"#;
//! let doc = Document::parse(line, &FieldPath::new("text")).unwrap();
//! assert_eq!(doc.text(), "one in all");
//! let mut out = Vec::new();
//! doc.write(&mut out, [(0..10, "one of")], &[("score", b"0.9")]);
//! assert_eq!(out, br#"{"id":18446744073709551616,"text":"one of","n":1E5,"score":0.9}"#);
//! ```

use std::borrow::Cow;
use std::ops::Range;

/// Where the text of a record is: a key of the top-level object, or a
/// dotted path into nested objects (`doc.body`). A top-level key that holds
/// the dots literally wins over the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldPath {
    spec: String,
    path: Vec<String>,
}

impl FieldPath {
    /// The field named `spec` (`text`, or `doc.body`).
    pub fn new(spec: &str) -> FieldPath {
        FieldPath {
            spec: spec.to_string(),
            path: spec.split('.').map(str::to_string).collect(),
        }
    }

    /// The field as it was named.
    pub fn name(&self) -> &str {
        &self.spec
    }
}

/// Why a line is not a record that can be processed. The column is the
/// 1-based byte position in the line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    /// The line is not UTF-8.
    #[error("invalid UTF-8 at byte {column} of the line")]
    InvalidUtf8 {
        /// 1-based byte position of the first invalid byte.
        column: usize,
    },
    /// The line is not JSON.
    #[error("malformed JSON: {what} at column {column}")]
    Malformed {
        /// What was expected or found.
        what: &'static str,
        /// 1-based byte position in the line.
        column: usize,
    },
    /// The line is JSON, but not an object.
    #[error("expected a JSON object")]
    NotAnObject,
    /// The object has no string at the text field.
    #[error("no string field \"{field}\"")]
    NoTextField {
        /// The field, as named.
        field: String,
    },
}

/// One record of a JSON Lines input, parsed where it lies: the decoded text
/// of its text field and the places of everything [`Document::write`]
/// replaces.
#[derive(Debug, Clone)]
pub struct Document<'l> {
    line: &'l str,
    text: Cow<'l, str>,
    /// The text field's string, inside its quotes.
    text_raw: Range<usize>,
    /// Where the decoded text and the raw string line up: each escape
    /// starts a piece, and so does the run of plain bytes after it.
    pieces: Vec<Piece>,
    /// The top-level members: key (raw, inside the quotes) and value.
    members: Vec<(Range<usize>, Range<usize>)>,
    /// Where a new member goes: after the last member's value, or after `{`.
    insert_at: usize,
}

/// A piece of a JSON string: starting at `decoded` in the decoded text and
/// at `raw` in the line; an escape when `escape`, else plain bytes.
#[derive(Debug, Clone, Copy)]
struct Piece {
    decoded: usize,
    raw: usize,
    escape: bool,
}

impl<'l> Document<'l> {
    /// Parses one line (without its line break) whose text is at `field`.
    pub fn parse(line: &'l [u8], field: &FieldPath) -> Result<Document<'l>, LineError> {
        let line = std::str::from_utf8(line).map_err(|e| LineError::InvalidUtf8 {
            column: e.valid_up_to() + 1,
        })?;
        let mut s = Scanner::new(line.as_bytes());
        s.skip_ws();
        // A byte order mark may open a file's first line.
        if s.rest().starts_with("\u{feff}".as_bytes()) {
            s.i += 3;
            s.skip_ws();
        }
        if s.peek() != Some(b'{') {
            // Valid JSON that is no object, or no JSON at all.
            s.value()?;
            s.skip_ws();
            s.end()?;
            return Err(LineError::NotAnObject);
        }
        let open = s.i;
        let members = s.object()?;
        s.skip_ws();
        s.end()?;
        let insert_at = members.last().map_or(open + 1, |(_, v)| v.end);
        let no_field = || LineError::NoTextField {
            field: field.spec.clone(),
        };
        let value = find(line, &members, &field.spec)
            .or_else(|| {
                let (last, parents) = field.path.split_last()?;
                let mut level = members.clone();
                for p in parents {
                    let v = find(line, &level, p)?;
                    let mut inner = Scanner::at(line.as_bytes(), v.start);
                    if inner.peek() != Some(b'{') {
                        return None;
                    }
                    // Checked once already: parses again without error.
                    level = inner.object().ok()?;
                }
                find(line, &level, last)
            })
            .ok_or_else(no_field)?;
        if line.as_bytes()[value.start] != b'"' {
            return Err(no_field());
        }
        let text_raw = value.start + 1..value.end - 1;
        let (text, pieces) = decode(line, text_raw.clone());
        Ok(Document {
            line,
            text,
            text_raw,
            pieces,
            members,
            insert_at,
        })
    }

    /// The line as read.
    pub fn line(&self) -> &'l str {
        self.line
    }

    /// The text field, decoded (a lone surrogate escape reads as U+FFFD).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The raw JSON of the top-level member `key`, as written (the last one
    /// when the key is repeated).
    pub fn raw(&self, key: &str) -> Option<&'l str> {
        find(self.line, &self.members, key).map(|r| &self.line[r])
    }

    /// The top-level `"id"` as a report shows it: a string decoded, any
    /// other value as written.
    pub fn id(&self) -> Option<String> {
        let raw = self.raw("id")?;
        Some(if raw.starts_with('"') {
            let at = raw.as_ptr() as usize - self.line.as_ptr() as usize;
            decode(self.line, at + 1..at + raw.len() - 1).0.into_owned()
        } else {
            raw.to_string()
        })
    }

    /// The byte range in the line of `span`, a range of the decoded text on
    /// character boundaries.
    pub fn raw_span(&self, span: Range<usize>) -> Range<usize> {
        self.raw_offset(span.start)..self.raw_offset(span.end)
    }

    fn raw_offset(&self, decoded: usize) -> usize {
        let k = self.pieces.partition_point(|p| p.decoded <= decoded);
        match k.checked_sub(1).map(|k| self.pieces[k]) {
            Some(p) if !p.escape => p.raw + (decoded - p.decoded),
            Some(p) if p.decoded == decoded => p.raw,
            // Inside an escape (not a character boundary): its end.
            Some(_) => self.pieces.get(k).map_or(self.text_raw.end, |n| n.raw),
            None => self.text_raw.start,
        }
    }

    /// Appends the line to `out` with `edits` made to the text (sorted,
    /// disjoint ranges of [`Document::text`] and their replacements; an edit
    /// that overlaps the one before is ignored) and with `fields` set: each
    /// is a key and the raw JSON of its value, which replaces the value of
    /// the top-level member of that key where it stands, or is added at the
    /// end of the object. No line break is appended.
    pub fn write<S: AsRef<str>>(
        &self,
        out: &mut Vec<u8>,
        edits: impl IntoIterator<Item = (Range<usize>, S)>,
        fields: &[(&str, &[u8])],
    ) {
        // Every change as (raw range, bytes), then copied in order.
        let mut changes: Vec<(Range<usize>, Cow<'_, [u8]>)> = Vec::new();
        let mut last_end = 0;
        for (span, replacement) in edits {
            let replacement = replacement.as_ref();
            if span.start < last_end
                || span.start > span.end
                || self.text.get(span.clone()).is_none()
                || &self.text[span.clone()] == replacement
            {
                continue;
            }
            last_end = span.end;
            changes.push((self.raw_span(span), Cow::Owned(escape(replacement))));
        }
        let mut added = Vec::new();
        for (key, value) in fields {
            match find(self.line, &self.members, key) {
                Some(r) => changes.push((r, Cow::Borrowed(*value))),
                None => {
                    if !(self.members.is_empty() && added.is_empty()) {
                        added.push(b',');
                    }
                    added.extend_from_slice(&escape_key(key));
                    added.push(b':');
                    added.extend_from_slice(value);
                }
            }
        }
        if !added.is_empty() {
            changes.push((self.insert_at..self.insert_at, Cow::Owned(added)));
        }
        // In order of place, edits in their own order (an insertion before
        // a replacement at the same place). A member we own that holds the
        // text field (`--field score.x`) starts first and wins over the
        // text's edits: the output stays one valid object.
        changes.sort_by_key(|(r, _)| r.start);
        let bytes = self.line.as_bytes();
        let mut at = 0;
        for (r, b) in changes {
            if r.start < at {
                continue;
            }
            out.extend_from_slice(&bytes[at..r.start]);
            out.extend_from_slice(&b);
            at = r.end;
        }
        out.extend_from_slice(&bytes[at..]);
    }
}

/// True when a line holds nothing but whitespace: no record, kept as it is.
pub fn is_blank(line: &[u8]) -> bool {
    line.iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// The value range of the last member whose key decodes to `key`.
fn find(line: &str, members: &[(Range<usize>, Range<usize>)], key: &str) -> Option<Range<usize>> {
    members
        .iter()
        .rev()
        .find(|(k, _)| {
            let raw = &line[k.clone()];
            if raw.contains('\\') {
                decode(line, k.clone()).0 == key
            } else {
                raw == key
            }
        })
        .map(|(_, v)| v.clone())
}

/// `s` as the inside of a JSON string: `"`, `\` and control characters
/// escaped, everything else as it is.
fn escape(s: &str) -> Vec<u8> {
    let quoted = escape_key(s);
    quoted[1..quoted.len() - 1].to_vec()
}

fn escape_key(s: &str) -> Vec<u8> {
    // Writing a string into a Vec cannot fail.
    serde_json::to_vec(s).unwrap_or_default()
}

/// Decodes the inside of a JSON string (`raw`, checked by the scanner), and
/// lines up the decoded text with the line.
fn decode(line: &str, raw: Range<usize>) -> (Cow<'_, str>, Vec<Piece>) {
    let s = &line[raw.clone()];
    if !s.contains('\\') {
        let piece = Piece {
            decoded: 0,
            raw: raw.start,
            escape: false,
        };
        return (Cow::Borrowed(s), vec![piece]);
    }
    let b = s.as_bytes();
    let mut text = String::with_capacity(s.len());
    let mut pieces = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let start = i;
        if b[i] != b'\\' {
            let end = memchr::memchr(b'\\', &b[i..]).map_or(b.len(), |k| i + k);
            pieces.push(Piece {
                decoded: text.len(),
                raw: raw.start + start,
                escape: false,
            });
            text.push_str(&s[start..end]);
            i = end;
            continue;
        }
        pieces.push(Piece {
            decoded: text.len(),
            raw: raw.start + start,
            escape: true,
        });
        let c = match b.get(i + 1) {
            Some(b'n') => '\n',
            Some(b't') => '\t',
            Some(b'r') => '\r',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'u') => {
                let hi = hex4(b, i + 2);
                i += 6;
                let pair = (0xD800..0xDC00).contains(&hi)
                    && b.get(i) == Some(&b'\\')
                    && b.get(i + 1) == Some(&b'u')
                    && (0xDC00..0xE000).contains(&hex4(b, i + 2));
                let c = if pair {
                    let lo = hex4(b, i + 2);
                    i += 6;
                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                } else {
                    char::from_u32(hi)
                };
                text.push(c.unwrap_or('\u{fffd}'));
                continue;
            }
            // `\"`, `\\`, `\/`.
            Some(&c) => c as char,
            None => break,
        };
        text.push(c);
        i += 2;
    }
    (Cow::Owned(text), pieces)
}

/// The four hex digits at `i` (checked by the scanner); 0xFFFF past the end.
fn hex4(b: &[u8], i: usize) -> u32 {
    b.get(i..i + 4)
        .and_then(|h| std::str::from_utf8(h).ok())
        .and_then(|h| u32::from_str_radix(h, 16).ok())
        .unwrap_or(0xFFFF)
}

/// A JSON scanner over one line: checks the grammar and returns where
/// values are, without building them. Nesting is followed with a stack on
/// the heap, so a line of a million `[` fails cleanly.
struct Scanner<'b> {
    b: &'b [u8],
    i: usize,
}

type Member = (Range<usize>, Range<usize>);

impl<'b> Scanner<'b> {
    fn new(b: &'b [u8]) -> Scanner<'b> {
        Scanner { b, i: 0 }
    }

    fn at(b: &'b [u8], i: usize) -> Scanner<'b> {
        Scanner { b, i }
    }

    fn rest(&self) -> &'b [u8] {
        &self.b[self.i..]
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn err(&self, what: &'static str) -> LineError {
        LineError::Malformed {
            what,
            column: self.i + 1,
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\r' | b'\n')) {
            self.i += 1;
        }
    }

    fn end(&self) -> Result<(), LineError> {
        match self.peek() {
            None => Ok(()),
            Some(_) => Err(self.err("trailing characters")),
        }
    }

    fn eat(&mut self, c: u8, what: &'static str) -> Result<(), LineError> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else if self.peek().is_none() {
            Err(self.err("EOF while parsing"))
        } else {
            Err(self.err(what))
        }
    }

    /// An object at `{`: its members, key ranges inside the quotes.
    fn object(&mut self) -> Result<Vec<Member>, LineError> {
        self.eat(b'{', "expected `{`")?;
        let mut members = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(members);
        }
        loop {
            self.skip_ws();
            let key = self.string()?;
            self.skip_ws();
            self.eat(b':', "expected `:`")?;
            self.skip_ws();
            let value = self.value()?;
            members.push((key.start + 1..key.end - 1, value));
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.i += 1,
                Some(b'}') => {
                    self.i += 1;
                    return Ok(members);
                }
                None => return Err(self.err("EOF while parsing an object")),
                Some(_) => return Err(self.err("expected `,` or `}`")),
            }
        }
    }

    /// Any value; its range, without surrounding whitespace.
    fn value(&mut self) -> Result<Range<usize>, LineError> {
        let start = self.i;
        // The open containers: `{` or `[`.
        let mut stack: Vec<u8> = Vec::new();
        'value: loop {
            self.skip_ws();
            match self.peek() {
                Some(b'{') => {
                    self.i += 1;
                    self.skip_ws();
                    if self.peek() == Some(b'}') {
                        self.i += 1;
                    } else {
                        self.key()?;
                        stack.push(b'{');
                        continue 'value;
                    }
                }
                Some(b'[') => {
                    self.i += 1;
                    self.skip_ws();
                    if self.peek() == Some(b']') {
                        self.i += 1;
                    } else {
                        stack.push(b'[');
                        continue 'value;
                    }
                }
                Some(b'"') => {
                    self.string()?;
                }
                Some(b'-' | b'0'..=b'9') => self.number()?,
                Some(b't') => self.literal(b"true")?,
                Some(b'f') => self.literal(b"false")?,
                Some(b'n') => self.literal(b"null")?,
                None => return Err(self.err("EOF while parsing a value")),
                Some(_) => return Err(self.err("expected value")),
            }
            // A value is complete: close what it completes.
            loop {
                let Some(&open) = stack.last() else {
                    return Ok(start..self.i);
                };
                self.skip_ws();
                match (open, self.peek()) {
                    (_, Some(b',')) => {
                        self.i += 1;
                        if open == b'{' {
                            self.skip_ws();
                            self.key()?;
                        }
                        continue 'value;
                    }
                    (b'{', Some(b'}')) | (b'[', Some(b']')) => {
                        self.i += 1;
                        stack.pop();
                    }
                    (_, None) => return Err(self.err("EOF while parsing a value")),
                    (b'{', _) => return Err(self.err("expected `,` or `}`")),
                    _ => return Err(self.err("expected `,` or `]`")),
                }
            }
        }
    }

    /// A member's key and its colon.
    fn key(&mut self) -> Result<(), LineError> {
        self.string()?;
        self.skip_ws();
        self.eat(b':', "expected `:`")
    }

    /// A string at `"`: its range with the quotes.
    fn string(&mut self) -> Result<Range<usize>, LineError> {
        let start = self.i;
        if self.peek() != Some(b'"') {
            return Err(if self.peek().is_none() {
                self.err("EOF while parsing")
            } else {
                self.err("key must be a string")
            });
        }
        self.i += 1;
        loop {
            let Some(k) = self
                .rest()
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
            else {
                self.i = self.b.len();
                return Err(self.err("EOF while parsing a string"));
            };
            self.i += k;
            match self.b[self.i] {
                b'"' => {
                    self.i += 1;
                    return Ok(start..self.i);
                }
                b'\\' => {
                    self.i += 1;
                    match self.peek() {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => self.i += 1,
                        Some(b'u') => {
                            self.i += 1;
                            for _ in 0..4 {
                                if !self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                                    return Err(self.err("invalid \\u escape"));
                                }
                                self.i += 1;
                            }
                        }
                        None => return Err(self.err("EOF while parsing a string")),
                        Some(_) => return Err(self.err("invalid escape")),
                    }
                }
                _ => return Err(self.err("control character in a string")),
            }
        }
    }

    fn number(&mut self) -> Result<(), LineError> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.err("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.err("invalid number"));
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.err("invalid number"));
            }
            self.digits();
        }
        Ok(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
    }

    fn literal(&mut self, word: &'static [u8]) -> Result<(), LineError> {
        if self.rest().starts_with(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(self.err("expected value"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::restore::apply;

    fn text_field() -> FieldPath {
        FieldPath::new("text")
    }

    fn rewrite(line: &str, edits: &[(Range<usize>, &str)], fields: &[(&str, &[u8])]) -> String {
        let doc = Document::parse(line.as_bytes(), &text_field()).unwrap();
        let mut out = Vec::new();
        doc.write(&mut out, edits.iter().cloned(), fields);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn numbers_key_order_duplicates_and_whitespace_are_kept_byte_for_byte() {
        let line = r#" { "id" : 18446744073709551616, "n":1E5,"x":12345678901234567.0,"big":1e400,"k":1,"k":2 , "text":"one in all" } "#;
        let out = rewrite(line, &[(0..10, "one of")], &[("score", b"0.5")]);
        assert_eq!(
            out,
            r#" { "id" : 18446744073709551616, "n":1E5,"x":12345678901234567.0,"big":1e400,"k":1,"k":2 , "text":"one of","score":0.5 } "#
        );
    }

    #[test]
    fn escapes_outside_the_restored_span_are_kept() {
        let line = r#"{"text":"caf\u00e9 \u0066inal night time \"q\"\/"}"#;
        let doc = Document::parse(line.as_bytes(), &text_field()).unwrap();
        assert_eq!(doc.text(), "café final night time \"q\"/");
        let start = doc.text().find("final").unwrap();
        let span = start..start + "final night time".len();
        assert_eq!(&doc.text()[span.clone()], "final night time");
        let mut out = Vec::new();
        doc.write(&mut out, [(span, "last \"night\"")], &[]);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"text":"caf\u00e9 last \"night\" \"q\"\/"}"#
        );
    }

    #[test]
    fn surrogate_pairs_decode_and_lone_surrogates_survive_unless_replaced() {
        let line = r#"{"text":"\ud83d\ude00 one in all \udc00"}"#;
        let doc = Document::parse(line.as_bytes(), &text_field()).unwrap();
        assert_eq!(doc.text(), "\u{1f600} one in all \u{fffd}");
        let out = rewrite(line, &[(5..15, "one of")], &[]);
        assert_eq!(out, r#"{"text":"\ud83d\ude00 one of \udc00"}"#);
    }

    #[test]
    fn an_insertion_and_a_replacement_at_one_place_are_both_made() {
        let out = rewrite(r#"{"text":"tru"}"#, &[(0..0, "<"), (0..2, "x")], &[]);
        assert_eq!(out, r#"{"text":"<xu"}"#);
        assert_eq!(apply("tru", [(0..0, "<"), (0..2, "x")]), "<xu");
    }

    #[test]
    fn owned_fields_are_replaced_where_they_stand_or_added_at_the_end() {
        let line = r#"{"findings":[1],"text":"a","score":"x","score":"y","m":{}}"#;
        let out = rewrite(line, &[], &[("score", b"1"), ("findings", b"[]")]);
        assert_eq!(
            out,
            r#"{"findings":[],"text":"a","score":"x","score":1,"m":{}}"#
        );
        assert_eq!(
            rewrite(
                r#"{"text":"a"}"#,
                &[],
                &[("score", b"1"), ("findings", b"[]")]
            ),
            r#"{"text":"a","score":1,"findings":[]}"#
        );
    }

    #[test]
    fn dotted_paths_reach_nested_objects_and_a_literal_key_wins() {
        let f = FieldPath::new("doc.body");
        let line = r#"{"doc":{"lang":"en","body":"x y"},"z":1}"#;
        let doc = Document::parse(line.as_bytes(), &f).unwrap();
        assert_eq!(doc.text(), "x y");
        let mut out = Vec::new();
        doc.write(&mut out, [(0..1, "w")], &[]);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"{"doc":{"lang":"en","body":"w y"},"z":1}"#
        );
        let line = r#"{"doc.body":"literal","doc":{"body":"nested"}}"#;
        assert_eq!(
            Document::parse(line.as_bytes(), &f).unwrap().text(),
            "literal"
        );
    }

    #[test]
    fn ids_read_as_reports_show_them() {
        let doc = Document::parse(br#"{"id":1E5,"text":""}"#, &text_field()).unwrap();
        assert_eq!(doc.id().as_deref(), Some("1E5"));
        let doc = Document::parse(br#"{"id":"a\"b","text":""}"#, &text_field()).unwrap();
        assert_eq!(doc.id().as_deref(), Some("a\"b"));
        assert_eq!(doc.raw("id"), Some(r#""a\"b""#));
    }

    #[test]
    fn bad_lines_say_what_and_where() {
        let p = |l: &str| Document::parse(l.as_bytes(), &text_field()).unwrap_err();
        assert_eq!(
            p("{oops").to_string(),
            "malformed JSON: key must be a string at column 2"
        );
        assert_eq!(p("[1,2]"), LineError::NotAnObject);
        assert!(matches!(p("[1,2"), LineError::Malformed { .. }));
        assert_eq!(p(r#"{"text":1}"#).to_string(), "no string field \"text\"");
        assert_eq!(p(r#"{"body":"a"}"#).to_string(), "no string field \"text\"");
        assert!(matches!(
            p("{\"text\":\"a\tb\"}"),
            LineError::Malformed { .. }
        ));
        assert!(matches!(
            p(r#"{"text":"a"} x"#),
            LineError::Malformed { .. }
        ));
        assert!(matches!(p(r#"{"text":01}"#), LineError::Malformed { .. }));
        assert!(matches!(p(r#"{"text":"\x"}"#), LineError::Malformed { .. }));
        let e = Document::parse(b"{\"text\":\"\xff\"}", &text_field()).unwrap_err();
        assert_eq!(e, LineError::InvalidUtf8 { column: 10 });
        let deep = "[".repeat(1_000_000);
        assert!(matches!(p(&deep), LineError::Malformed { .. }));
    }

    #[test]
    fn an_error_names_the_input_and_the_line() {
        let e = Document::parse(b"{oops", &text_field()).unwrap_err();
        assert_eq!(
            e.at("items.jsonl", 2).to_string(),
            "items.jsonl:2: malformed JSON: key must be a string at column 2"
        );
    }

    #[test]
    fn blank_lines_are_recognised() {
        assert!(is_blank(b" \t\r"));
        assert!(!is_blank(b" {}"));
    }
}
