//! Large documents in windows: a text cut into pieces of about a megabyte,
//! each analysed on its own with what the whole document says gathered
//! first (see [`crate::Unspinner::summarize`]), so that memory stays
//! bounded whatever the size of the document.
//!
//! A window ends where the analysis of the whole document sees a sentence
//! end and no spun form can run across, so that its decisions are the
//! whole document's: after the punctuation that ends a paragraph or a line
//! (`.` `!` `?` `"` `)` ...), else after a sentence's `.`, `!` or `?` within
//! a line, outside quoted speech, before a word that does not begin in lower
//! case. Only where a window holds none of these (a megabyte without a
//! sentence end) is it cut at another line break, else between words, else
//! between two characters; the decisions near such a cut may differ from
//! the whole document's.
//!
//! ```
//! use unspin::window::{windows, DEFAULT_WINDOW};
//! let text = "One. Two.\nThree.";
//! let pieces: Vec<&str> = windows(text, 10).map(|w| w.text).collect();
//! assert_eq!(pieces, ["One. Two.", "\nThree."]);
//! assert!(windows(text, 10).all(|w| w.exact));
//! assert!(DEFAULT_WINDOW >= 1 << 20);
//! ```

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::tokenize::{ends_clause, tokenize, TokenKind};

/// The window size, in bytes, that the command line uses: documents up to
/// this size are analysed whole.
pub const DEFAULT_WINDOW: usize = 1 << 20;

/// Where a window starts in its document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Start {
    /// Byte offset.
    pub offset: usize,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Default for Start {
    fn default() -> Self {
        Start {
            offset: 0,
            line: 1,
            column: 1,
        }
    }
}

impl Start {
    /// Where the text after `text`, which starts here, starts.
    pub fn after(self, text: &str) -> Start {
        let (line, column) = match memchr::memrchr(b'\n', text.as_bytes()) {
            Some(i) => (
                self.line + memchr::memchr_iter(b'\n', text.as_bytes()).count(),
                1 + text[i + 1..].chars().count(),
            ),
            None => (self.line, self.column + text.chars().count()),
        };
        Start {
            offset: self.offset + text.len(),
            line,
            column,
        }
    }
}

/// One window of a document: its text and where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window<'t> {
    /// The window's text.
    pub text: &'t str,
    /// Where it starts in the document.
    pub start: Start,
    /// Whether it ends where the document does, or at a cut that no
    /// decision sees (after punctuation that ends a line or a sentence);
    /// false for a window cut elsewhere, near which decisions may differ
    /// from the whole document's.
    pub exact: bool,
}

/// The windows of `text`, of at most `size` bytes each (at least 1), in
/// order: together they are `text`.
pub fn windows(text: &str, size: usize) -> impl Iterator<Item = Window<'_>> {
    let mut rest = text;
    let mut start = Start::default();
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (n, exact) = cut(rest, size, true);
        let (here, after) = rest.split_at(n);
        let w = Window {
            text: here,
            start,
            exact,
        };
        start = start.after(here);
        rest = after;
        Some(w)
    })
}

/// Bytes on each side of a cut that [`WordJoins`] looks at: more than any
/// token's context in [`crate::tokenize`].
const JOIN_BYTES: usize = 64;

/// Counts the words of a document handed over in windows once each: a
/// window cut inside a word (where a window holds no space to cut at, as in
/// a single word of megabytes) would count that word once in every window
/// it runs across.
///
/// ```
/// use unspin::window::WordJoins;
/// let mut joins = WordJoins::default();
/// assert_eq!(joins.twice("one tw"), 0);
/// assert_eq!(joins.twice("o three"), 1);
/// assert_eq!(joins.twice(" four"), 0);
/// ```
#[derive(Debug, Default)]
pub struct WordJoins {
    /// The end of the previous window.
    tail: String,
}

impl WordJoins {
    /// How many words (and numbers) the window `text` and the one before it
    /// both count, as they hold parts of one: 1 where the cut between them
    /// falls inside a word, else 0.
    pub fn twice(&mut self, text: &str) -> usize {
        let head = &text[..floor_boundary(text, JOIN_BYTES.min(text.len()))];
        let words = |s: &str| {
            tokenize(s)
                .iter()
                .filter(|t| matches!(t.kind, TokenKind::Word | TokenKind::Number))
                .count()
        };
        let twice = match self.tail.is_empty() || head.is_empty() {
            true => 0,
            false => {
                let joined = [self.tail.as_str(), head].concat();
                (words(&self.tail) + words(head)).saturating_sub(words(&joined))
            }
        };
        let mut from = text.len().saturating_sub(JOIN_BYTES);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        self.tail.clear();
        self.tail.push_str(&text[from..]);
        twice
    }
}

/// The length of the first window of `text` at most `size` bytes long (at
/// least one character): all of `text` when it fits, else up to the last
/// cut of the kind the module describes in its second half; and whether
/// the cut is one that no decision sees (see [`Window::exact`]).
/// `complete`: `text` is the rest of the document (else a cut needs to see
/// what follows it).
pub fn cut(text: &str, size: usize, complete: bool) -> (usize, bool) {
    if text.len() <= size && complete {
        return (text.len(), true);
    }
    match exact_cut(text, size) {
        Some(at) => (at, true),
        None => (rough_cut(text, size), false),
    }
}

/// The last cut in the second half of the first `size` bytes of `text`
/// that no decision sees.
fn exact_cut(text: &str, size: usize) -> Option<usize> {
    let hi = floor_boundary(text, size.min(text.len()));
    let lo = floor_boundary(text, hi / 2);
    let b = text.as_bytes();
    // Line breaks after punctuation: a paragraph's end first, then a line's.
    let mut line_end = None;
    for i in memchr::memrchr_iter(b'\n', &b[lo..hi]).map(|i| i + lo) {
        let run = b[..i]
            .iter()
            .rposition(|&c| !c.is_ascii_whitespace())
            .map_or(0, |p| p + 1);
        if run < lo || run == 0 {
            continue;
        }
        if !ends_clause(&text[..run]) {
            continue;
        }
        if b[run..i].contains(&b'\n') {
            return Some(run);
        }
        line_end.get_or_insert(run);
    }
    line_end.or_else(|| sentence_end(text, lo, hi))
}

/// A cut in the first `size` bytes of `text` where there is no sentence
/// end: at a line break, else between words, else between characters.
fn rough_cut(text: &str, size: usize) -> usize {
    let hi = floor_boundary(text, size.min(text.len()));
    let lo = floor_boundary(text, hi / 2);
    let b = text.as_bytes();
    let space = |c: &u8| c.is_ascii_whitespace();
    if let Some(i) = memchr::memrchr(b'\n', &b[lo..hi]) {
        return lo + i + 1;
    }
    if let Some(i) = b[lo..hi].iter().rposition(space) {
        if lo + i > 0 {
            return lo + i;
        }
    }
    if hi > 0 {
        return hi;
    }
    text.chars().next().map_or(0, char::len_utf8)
}

/// The end of the last sentence ending within a line in `[lo, hi)` of
/// `text`, outside quoted speech (see [`crate::quotes`]): just after its
/// `.`, `!` or `?`, which whitespace and a character that is not lower case
/// follow.
fn sentence_end(text: &str, lo: usize, hi: usize) -> Option<usize> {
    let b = text.as_bytes();
    // Quote state is known at a line start (a quote ends with its line).
    let from = memchr::memrchr(b'\n', &b[..lo]).map_or(0, |i| i + 1);
    let mut open = false;
    let mut best = None;
    for (i, c) in text[from..hi].char_indices().map(|(i, c)| (i + from, c)) {
        match c {
            '\n' => open = false,
            '“' if !open => open = true,
            '”' if open => open = false,
            '"' => open = !open,
            '.' | '!' | '?' if !open && i >= lo => {
                let after = &text[i + 1..];
                let next = after.trim_start_matches([' ', '\t']);
                let spaced = next.len() < after.len();
                let begins = next.chars().next().filter(|n| !n.is_whitespace());
                if spaced && begins.is_some_and(|n| c != '.' || !n.is_lowercase()) {
                    best = Some(i + 1);
                }
            }
            _ => {}
        }
    }
    best
}

/// The largest char boundary of `text` at or below `i`.
fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Bytes read past a window's end to see where it may be cut.
const LOOKAHEAD: usize = 4096;

/// Reads a file window by window (see [`cut`]), never holding more than a
/// window and a little more of it. Invalid UTF-8, a NUL byte or a UTF-16
/// byte order mark is an error, as [`crate::input::decode`] reports it for
/// the whole file.
#[derive(Debug)]
pub struct FileWindows<R> {
    input: R,
    name: PathBuf,
    size: usize,
    buf: Vec<u8>,
    /// Bytes of `buf` already handed out.
    used: usize,
    start: Start,
    eof: bool,
    failed: bool,
}

impl FileWindows<std::fs::File> {
    /// Opens `path` to read it in windows of at most `size` bytes.
    pub fn open(path: &Path, size: usize) -> Result<Self> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        Ok(FileWindows::new(file, path, size))
    }
}

impl<R: Read> FileWindows<R> {
    /// Reads `input`, named `name` in errors, in windows of at most `size`
    /// bytes.
    pub fn new(input: R, name: &Path, size: usize) -> Self {
        let size = size.max(4);
        FileWindows {
            input,
            name: name.to_path_buf(),
            size,
            buf: Vec::with_capacity(size + LOOKAHEAD),
            used: 0,
            start: Start::default(),
            eof: false,
            failed: false,
        }
    }

    /// The next window (its text valid until the next call); `None` at
    /// the end.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<Result<Window<'_>>> {
        if self.failed {
            return None;
        }
        match self.fill() {
            Ok(true) => {}
            Ok(false) => return None,
            Err(e) => {
                self.failed = true;
                return Some(Err(e));
            }
        }
        let text = match self.valid() {
            Ok(t) => t,
            Err(e) => {
                self.failed = true;
                return Some(Err(e));
            }
        };
        let (n, exact) = cut(text, self.size, self.eof);
        let start = self.start;
        self.start = start.after(&text[..n]);
        let from = self.used;
        self.used += n;
        // Checked by `valid`.
        let text = std::str::from_utf8(&self.buf[from..from + n]).unwrap_or_default();
        Some(Ok(Window { text, start, exact }))
    }

    /// Reads until a window and its look-ahead are buffered, or the end;
    /// false when nothing is left.
    fn fill(&mut self) -> Result<bool> {
        self.buf.drain(..self.used);
        self.used = 0;
        let want = self.size + LOOKAHEAD;
        while !self.eof && self.buf.len() < want {
            let len = self.buf.len();
            self.buf.resize(want, 0);
            match self.input.read(&mut self.buf[len..]) {
                Ok(0) => {
                    self.buf.truncate(len);
                    self.eof = true;
                }
                Ok(n) => self.buf.truncate(len + n),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => self.buf.truncate(len),
                Err(e) => {
                    self.buf.truncate(len);
                    return Err(Error::io(&self.name, e));
                }
            }
        }
        Ok(!self.buf.is_empty())
    }

    /// The buffered text, up to a character cut by the end of the buffer.
    fn valid(&self) -> Result<&str> {
        let b = &self.buf[..];
        let at = self.start.offset;
        if at == 0 && (b.starts_with(&[0xFF, 0xFE]) || b.starts_with(&[0xFE, 0xFF])) {
            return Err(Error::Utf16 {
                path: self.name.clone(),
            });
        }
        if let Some(i) = memchr::memchr(0, b) {
            return Err(Error::Binary {
                path: self.name.clone(),
                offset: at + i,
            });
        }
        match std::str::from_utf8(b) {
            Ok(t) => Ok(t),
            Err(e) if e.error_len().is_none() && !self.eof => {
                Ok(std::str::from_utf8(&b[..e.valid_up_to()]).unwrap_or_default())
            }
            Err(e) => {
                let valid = e.valid_up_to();
                let line = self.start.line + memchr::memchr_iter(b'\n', &b[..valid]).count();
                Err(Error::InvalidUtf8 {
                    path: self.name.clone(),
                    line,
                    offset: at + valid,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str, size: usize) -> Vec<&str> {
        windows(text, size).map(|w| w.text).collect()
    }

    #[test]
    fn a_word_cut_across_windows_is_counted_once() {
        let word = "x".repeat(5000);
        let mut joins = WordJoins::default();
        let n: usize = windows(&word, 1000).map(|w| 1 - joins.twice(w.text)).sum();
        assert_eq!(n, 1);
        // A number cut after its comma is one number too.
        let mut joins = WordJoins::default();
        assert_eq!(joins.twice("about 3,"), 0);
        assert_eq!(joins.twice("000 more"), 1);
        // A cut at a space counts nothing twice.
        let mut joins = WordJoins::default();
        assert_eq!(joins.twice("a b"), 0);
        assert_eq!(joins.twice(" c"), 0);
    }

    #[test]
    fn a_text_that_fits_is_one_window() {
        assert_eq!(pieces("a b. C d.", 100), ["a b. C d."]);
        assert!(pieces("", 100).is_empty());
    }

    #[test]
    fn windows_end_after_a_paragraph_then_a_line_then_a_sentence() {
        let t = "Aa bb.\n\nCc dd.\nEe ff. Gg hh";
        assert_eq!(pieces(t, 20), ["Aa bb.\n\nCc dd.", "\nEe ff. Gg hh"]);
        assert_eq!(
            pieces(t, 12),
            ["Aa bb.", "\n\nCc dd.", "\nEe ff.", " Gg hh"]
        );
        // A full stop before a lower-case word ends no sentence: with no
        // other end in the second half, the cut is rough.
        let t = "Aa bb. Cc dd. ee ff";
        assert_eq!(pieces(t, 16), ["Aa bb. Cc dd.", " ee ff"]);
        let exact: Vec<bool> = windows(t, 16).map(|w| w.exact).collect();
        assert_eq!(exact, [false, true]);
    }

    #[test]
    fn no_window_ends_inside_a_quote_or_a_word() {
        let t = "He said \"Aa. Bb. Cc.\" and left. Then";
        for w in windows(t, 24) {
            assert!(
                !w.text.ends_with("Aa.") && !w.text.ends_with("Bb."),
                "{w:?}"
            );
        }
        let words = "aaaa bbbb cccc dddd eeee";
        for p in pieces(words, 7) {
            assert!(!p.trim().contains(' ') || p.len() <= 7);
        }
        assert_eq!(pieces(words, 7).concat(), words);
        // No space at all: cut between characters, never inside one.
        assert_eq!(pieces("ééééé", 3), ["é", "é", "é", "é", "é"]);
    }

    #[test]
    fn starts_count_lines_and_columns() {
        let t = "Aa.\nBb cc. Dd ee. Ff";
        let starts: Vec<Start> = windows(t, 9).map(|w| w.start).collect();
        for (w, s) in windows(t, 9).zip(&starts) {
            let before = &t[..s.offset];
            assert_eq!(s.line, 1 + before.matches('\n').count(), "{w:?}");
            let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
            assert_eq!(s.column, col, "{w:?}");
        }
        assert!(starts.len() > 2);
    }

    #[test]
    fn a_file_is_read_in_the_same_windows_with_characters_split_across_reads() {
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = buf.len().min(self.0.len()).min(3);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let text = "Été là. Ça va. “Oui.” Non!\n\nFin é. ".repeat(40);
        let mut r = FileWindows::new(Trickle(text.as_bytes()), Path::new("t"), 50);
        let mut got = Vec::new();
        while let Some(w) = r.next() {
            let w = w.unwrap();
            got.push((w.text.to_string(), w.start));
        }
        let want: Vec<(String, Start)> = windows(&text, 50)
            .map(|w| (w.text.to_string(), w.start))
            .collect();
        assert_eq!(got.iter().map(|g| g.0.as_str()).collect::<String>(), text);
        // The reader sees a look-ahead, the slice all of it: same cuts
        // wherever a window ends with room to spare.
        assert!(got.iter().all(|(t, _)| t.len() <= 50));
        assert_eq!(got.len(), want.len());
    }

    #[test]
    fn bad_bytes_are_errors_with_their_place() {
        let mut bytes = "Aa.\n".repeat(10).into_bytes();
        bytes.push(0xFF);
        let mut r = FileWindows::new(&bytes[..], Path::new("t"), 8);
        let err = loop {
            match r.next() {
                Some(Ok(_)) => continue,
                Some(Err(e)) => break e,
                None => panic!("no error"),
            }
        };
        assert_eq!(
            err.to_string(),
            "t: invalid UTF-8 at line 11, byte offset 40"
        );
        let mut r = FileWindows::new(&b"a\0b"[..], Path::new("t"), 8);
        assert!(matches!(
            r.next(),
            Some(Err(Error::Binary { offset: 1, .. }))
        ));
    }
}
