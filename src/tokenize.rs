//! Splits text into words, numbers, punctuation and whitespace, keeping byte
//! offsets so that everything outside a restored span comes back unchanged.
//!
//! The token classes follow what the spinner treats as a word:
//!
//! * a **word** is a run of letters and digits holding at least one letter,
//!   with internal apostrophes, straight or curly (`didn’t`, `1000’s`), and
//!   the combining marks written on its letters (`navẏ`, with U+0307, is one
//!   word, not `navy` and a mark);
//! * a **number** is a run of digits with internal `,` or `.` between digits
//!   (`3,000`, `1.5`);
//! * **whitespace** is a run of whitespace characters;
//! * everything else is **punctuation**, one character a token.
//!
//! A hyphenated word (`Main-Common`) is two words and a punctuation token, as
//! the spinner spins each part on its own; [`Token::touches_hyphen`] tells the
//! matcher about it.
//!
//! ```
//! use unspin::tokenize::{tokenize, TokenKind};
//! let text = "1000’s of Iranians didn't";
//! let words: Vec<&str> = tokenize(text)
//!     .iter()
//!     .filter(|t| t.kind == TokenKind::Word)
//!     .map(|t| &text[t.span.clone()])
//!     .collect();
//! assert_eq!(words, ["1000’s", "of", "Iranians", "didn't"]);
//! ```

use std::ops::Range;

mod marks;

/// What kind of text a [`Token`] covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters and digits with at least one letter, and internal apostrophes.
    Word,
    /// Digits, with internal `,` or `.` between digits.
    Number,
    /// One character that is neither a word character nor whitespace.
    Punct,
    /// A run of whitespace.
    Space,
}

/// One token: its kind and its byte range in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The kind of token.
    pub kind: TokenKind,
    /// Byte range into the tokenized text.
    pub span: Range<usize>,
    /// True when the token is a word immediately preceded or followed by a hyphen.
    pub touches_hyphen: bool,
}

/// The case pattern of a word or phrase, as the spinner and restorations see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Case {
    /// No upper-case letters (`general`), or no letters at all.
    Lower,
    /// First letter upper case, the rest lower (`General`).
    Title,
    /// Every letter upper case, two letters or more (`GENERAL`).
    Upper,
    /// Anything else (`iPhone`, `McDonald`).
    Mixed,
}

impl Case {
    /// The case pattern of `s`.
    ///
    /// ```
    /// use unspin::tokenize::Case;
    /// assert_eq!(Case::of("Common"), Case::Title);
    /// assert_eq!(Case::of("CENTER EAST"), Case::Upper);
    /// assert_eq!(Case::of("one in all"), Case::Lower);
    /// assert_eq!(Case::of("Center East"), Case::Title);
    /// ```
    pub fn of(s: &str) -> Case {
        let mut letters = 0usize;
        let mut uppers = 0usize;
        let mut first_upper = false;
        // Title is judged per word: "Center East" is title case, "McCain" is mixed.
        let mut title_ok = true;
        let mut at_word_start = true;
        for c in s.chars() {
            if c.is_alphabetic() {
                let up = c.is_uppercase();
                if letters == 0 {
                    first_upper = up;
                }
                if up {
                    uppers += 1;
                    if !at_word_start {
                        title_ok = false;
                    }
                }
                letters += 1;
                at_word_start = false;
            } else {
                at_word_start = c.is_whitespace() || c == '-';
            }
        }
        if uppers == 0 {
            Case::Lower
        } else if uppers == letters && letters > 1 {
            Case::Upper
        } else if first_upper && title_ok {
            Case::Title
        } else {
            Case::Mixed
        }
    }
}

/// True when `word` is in capitals: what [`Case::of`] calls
/// [`Case::Upper`] (two letters or more, all upper case), decided at the
/// first letter that is not.
///
/// ```
/// use unspin::tokenize::is_capitals;
/// assert!(is_capitals("USA") && is_capitals("U.S."));
/// assert!(!is_capitals("Usa") && !is_capitals("A") && !is_capitals("1000"));
/// ```
pub fn is_capitals(word: &str) -> bool {
    let mut letters = 0;
    for c in word.chars() {
        if c.is_alphabetic() {
            if !c.is_uppercase() {
                return false;
            }
            letters += 1;
        }
    }
    letters > 1
}

/// True for the characters unspin reads as apostrophes inside a word.
pub fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

/// The form of a word used for dictionary lookup: lower case, straight apostrophes.
///
/// ```
/// assert_eq!(unspin::tokenize::normalize("Didn’t"), "didn't");
/// ```
pub fn normalize(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    normalize_into(word, &mut out);
    out
}

/// Whether `text` ends in punctuation that no spun form runs across (not a
/// letter, digit, mark, or hyphen).
pub(crate) fn ends_clause(text: &str) -> bool {
    text.chars().next_back().is_some_and(|c| {
        matches!(
            c,
            '.' | '!' | '?' | ':' | ';' | ',' | '"' | '\'' | ')' | ']' | '”' | '’' | '»' | '…'
        )
    })
}

/// The lookup form of a phrase: each word normalized (see [`normalize`]),
/// joined by single spaces.
///
/// ```
/// assert_eq!(unspin::tokenize::normalize_phrase(" One  in\nALL "), "one in all");
/// ```
pub fn normalize_phrase(phrase: &str) -> String {
    let mut key = String::with_capacity(phrase.len());
    if phrase.is_ascii() {
        // Most phrases: one ASCII word.
        for w in phrase.split(char::is_whitespace).filter(|w| !w.is_empty()) {
            if !key.is_empty() {
                key.push(' ');
            }
            key.push_str(w);
        }
        key.make_ascii_lowercase();
        return key;
    }
    for (i, w) in phrase.split_whitespace().enumerate() {
        if i > 0 {
            key.push(' ');
        }
        normalize_into(w, &mut key);
    }
    key
}

/// Whether [`normalize_phrase`] of `phrase` is `key`, without making it
/// when `phrase` is ASCII (a table compares each of its candidates with
/// its spun form).
///
/// ```
/// use unspin::tokenize::normalizes_to;
/// assert!(normalizes_to(" One  in\nALL ", "one in all") && !normalizes_to("one in", "one in all"));
/// ```
pub fn normalizes_to(phrase: &str, key: &str) -> bool {
    if !phrase.is_ascii() {
        return normalize_phrase(phrase) == key;
    }
    let mut rest = key.as_bytes();
    for (i, w) in phrase
        .split(char::is_whitespace)
        .filter(|w| !w.is_empty())
        .enumerate()
    {
        if i > 0 {
            match rest.split_first() {
                Some((b' ', after)) => rest = after,
                _ => return false,
            }
        }
        let Some((head, after)) = rest.split_at_checked(w.len()) else {
            return false;
        };
        if !head
            .iter()
            .zip(w.bytes())
            .all(|(&k, b)| k == b.to_ascii_lowercase())
        {
            return false;
        }
        rest = after;
    }
    rest.is_empty()
}

/// Appends the normalized form of `word` to `out` (see [`normalize`]).
pub fn normalize_into(word: &str, out: &mut String) {
    if word.is_ascii() {
        // Most words: no curly apostrophe, no case mapping beyond ASCII.
        let start = out.len();
        out.push_str(word);
        out[start..].make_ascii_lowercase();
        return;
    }
    for c in word.chars() {
        if is_apostrophe(c) {
            out.push('\'');
        } else if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// True for a combining mark (Unicode general category M): it belongs to
/// the character before it, so it never ends a word.
pub fn is_combining_mark(c: char) -> bool {
    let c = c as u32;
    // Below U+0300 there is none.
    c >= 0x300 && {
        let k = marks::MARKS.partition_point(|&(_, last)| last < c);
        marks::MARKS.get(k).is_some_and(|&(first, _)| first <= c)
    }
}

fn is_hyphen(c: char) -> bool {
    c == '-' || c == '\u{2010}'
}

/// True when `token` (of `text`) is a hyphen joining two words.
pub fn is_hyphen_token(text: &str, token: &Token) -> bool {
    token.kind == TokenKind::Punct && text[token.span.clone()].chars().all(is_hyphen)
}

/// Splits `text` into tokens covering every byte, in order.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    tokenize_into(text, &mut tokens);
    tokens
}

/// [`tokenize`] into `tokens`, which is emptied first.
pub(crate) fn tokenize_into(text: &str, tokens: &mut Vec<Token>) {
    // English makes about one token (a word, a space or a mark) per two
    // to three bytes: room for one per two, so that the list never grows.
    tokens.clear();
    tokens.reserve(text.len() / 2 + 1);
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let c = next_char(text, i);
        let start = i;
        if is_word_char(c) {
            let mut has_letter = false;
            let mut end = i;
            let mut j = i;
            loop {
                // ASCII letters and digits, the bulk of a word, byte by byte.
                while let Some(&b) = bytes.get(j) {
                    if !b.is_ascii_alphanumeric() {
                        break;
                    }
                    has_letter |= b.is_ascii_alphabetic();
                    j += 1;
                    end = j;
                }
                if j >= text.len() {
                    break;
                }
                let d = next_char(text, j);
                if is_word_char(d) {
                    has_letter |= d.is_alphabetic();
                    j += d.len_utf8();
                    end = j;
                } else if is_combining_mark(d) {
                    // A digit with a mark is no longer that digit: the
                    // token is a word, which no number rule reads.
                    has_letter = true;
                    j += d.len_utf8();
                    end = j;
                } else if (is_apostrophe(d) || d == ',' || d == '.') && j > start {
                    // Internal punctuation only counts when a word character follows:
                    // apostrophes in words, `,` and `.` between digits in numbers.
                    let after = j + d.len_utf8();
                    let Some(e) = text.get(after..).and_then(|r| r.chars().next()) else {
                        break;
                    };
                    let prev_digit = bytes[j - 1].is_ascii_digit();
                    let ok = if is_apostrophe(d) {
                        is_word_char(e)
                    } else {
                        prev_digit && e.is_ascii_digit() && !has_letter
                    };
                    if !ok {
                        break;
                    }
                    j = after;
                } else {
                    break;
                }
            }
            i = end;
            tokens.push(Token {
                kind: if has_letter {
                    TokenKind::Word
                } else {
                    TokenKind::Number
                },
                span: start..end,
                touches_hyphen: false,
            });
        } else if c.is_whitespace() {
            let mut j = i;
            while bytes.get(j).is_some_and(|b| matches!(b, b' ' | b'\n')) {
                j += 1;
            }
            while j < text.len() {
                let d = next_char(text, j);
                if !d.is_whitespace() {
                    break;
                }
                j += d.len_utf8();
            }
            i = j;
            tokens.push(Token {
                kind: TokenKind::Space,
                span: start..j,
                touches_hyphen: false,
            });
        } else {
            i += c.len_utf8();
            tokens.push(Token {
                kind: TokenKind::Punct,
                span: start..i,
                touches_hyphen: false,
            });
        }
    }
    for k in 0..tokens.len() {
        if tokens[k].kind != TokenKind::Word {
            continue;
        }
        let hyphen_at =
            |t: &Token| t.kind == TokenKind::Punct && text[t.span.clone()].chars().all(is_hyphen);
        let before = k > 0 && hyphen_at(&tokens[k - 1]);
        let after = k + 1 < tokens.len() && hyphen_at(&tokens[k + 1]);
        tokens[k].touches_hyphen = before || after;
    }
}

#[inline]
fn next_char(text: &str, i: usize) -> char {
    match text.as_bytes().get(i) {
        Some(&b) if b.is_ascii() => b as char,
        // `i` is always on a char boundary: every step advances by whole chars.
        _ => text[i..].chars().next().unwrap_or('\0'),
    }
}

/// Converts byte offsets to 1-based line and column (in characters) numbers.
///
/// Built once per document; lookups are a binary search.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the line starts of `text`.
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// The 1-based line and column of byte `offset` in `text`.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let col = text.get(start..offset).map_or(0, |s| s.chars().count());
        (line + 1, col + 1)
    }

    /// A cursor for offsets visited in increasing order: each column is
    /// counted on from the previous offset instead of from the line start.
    pub fn cursor<'i, 't>(&'i self, text: &'t str) -> LineCursor<'i, 't> {
        LineCursor {
            index: self,
            text,
            at: (0, 0, 0),
        }
    }
}

/// Line and column lookups in increasing order of offset (see
/// [`LineIndex::cursor`]).
#[derive(Debug)]
pub struct LineCursor<'i, 't> {
    index: &'i LineIndex,
    text: &'t str,
    /// The last offset looked up, its 0-based line and column.
    at: (usize, usize, usize),
}

impl LineCursor<'_, '_> {
    /// The 1-based line and column of byte `offset`; an offset before the
    /// previous one is looked up from its line start.
    pub fn line_col(&mut self, offset: usize) -> (usize, usize) {
        let (last, line, col) = self.at;
        let next_line = self.index.starts.get(line + 1).copied();
        let (line, col) = if offset >= last && next_line.is_none_or(|s| offset < s) {
            let more = self.text.get(last..offset).map_or(0, |s| s.chars().count());
            (line, col + more)
        } else {
            let (l, c) = self.index.line_col(self.text, offset);
            (l - 1, c - 1)
        };
        self.at = (offset, line, col);
        (line + 1, col + 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_to_is_normalize_phrase_compared() {
        let phrases = [
            "",
            " ",
            "one in all",
            "One  In\tALL",
            "one in al",
            "one in all x",
            "oneinall",
            "Navy’s",
            "navy's",
            "ÉTÉ",
            "été",
            "a\u{a0}b",
            "a b",
            "don't",
            "DON'T",
        ];
        for p in phrases {
            for q in phrases {
                let key = normalize_phrase(q);
                assert_eq!(
                    normalizes_to(p, &key),
                    normalize_phrase(p) == key,
                    "{p:?} {key:?}"
                );
            }
        }
    }

    fn kinds(text: &str) -> Vec<(TokenKind, &str)> {
        tokenize(text)
            .into_iter()
            .map(|t| (t.kind, &text[t.span]))
            .collect()
    }

    #[test]
    fn words_keep_internal_apostrophes_of_both_styles() {
        let toks = kinds("1000’s didn't US’ rock'n");
        assert_eq!(toks[0], (TokenKind::Word, "1000’s"));
        assert_eq!(toks[2], (TokenKind::Word, "didn't"));
        assert_eq!(toks[4], (TokenKind::Word, "US"));
        assert_eq!(toks[5], (TokenKind::Punct, "’"));
        assert_eq!(toks[7], (TokenKind::Word, "rock'n"));
    }

    #[test]
    fn numbers_keep_grouping_and_decimals_but_not_trailing_punctuation() {
        let toks = kinds("3,000 1.5, three,000 9.");
        assert_eq!(toks[0], (TokenKind::Number, "3,000"));
        assert_eq!(toks[2], (TokenKind::Number, "1.5"));
        assert_eq!(toks[3], (TokenKind::Punct, ","));
        assert_eq!(toks[5], (TokenKind::Word, "three"));
        assert_eq!(toks[6], (TokenKind::Punct, ","));
        assert_eq!(toks[7], (TokenKind::Number, "000"));
        assert_eq!(toks[9], (TokenKind::Number, "9"));
        assert_eq!(toks[10], (TokenKind::Punct, "."));
    }

    #[test]
    fn combining_marks_stay_with_their_word() {
        let toks = kinds("navy\u{301} said\u{300}\u{323}, 4\u{20e3} \u{301}x");
        assert_eq!(toks[0], (TokenKind::Word, "navy\u{301}"));
        assert_eq!(toks[2], (TokenKind::Word, "said\u{300}\u{323}"));
        assert_eq!(toks[5], (TokenKind::Word, "4\u{20e3}"));
        // A mark with no word before it stands alone.
        assert_eq!(toks[7], (TokenKind::Punct, "\u{301}"));
        assert!(is_combining_mark('\u{301}') && is_combining_mark('\u{94d}'));
        assert!(!is_combining_mark('a') && !is_combining_mark('\u{e9}'));
    }

    #[test]
    fn hyphenated_words_are_split_and_marked() {
        let toks = tokenize("Main-Common and well known");
        assert!(toks[0].touches_hyphen);
        assert!(toks[2].touches_hyphen);
        assert!(!toks[4].touches_hyphen);
    }

    #[test]
    fn tokens_cover_every_byte_in_order() {
        let text = "Iran’s  U.N. — ambassador\n\tsaid «so»! 62-year-old";
        let toks = tokenize(text);
        let mut at = 0;
        for t in &toks {
            assert_eq!(t.span.start, at);
            at = t.span.end;
        }
        assert_eq!(at, text.len());
    }

    #[test]
    fn case_patterns() {
        assert_eq!(Case::of("mentioned"), Case::Lower);
        assert_eq!(Case::of("Mentioned"), Case::Title);
        assert_eq!(Case::of("SAID"), Case::Upper);
        assert_eq!(Case::of("McCain"), Case::Mixed);
        assert_eq!(Case::of("A"), Case::Title);
        assert_eq!(Case::of("1000’s"), Case::Lower);
    }

    #[test]
    fn line_index_counts_characters() {
        let text = "ab\nçd ef\n";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), (1, 1));
        assert_eq!(idx.line_col(text, 3), (2, 1));
        assert_eq!(idx.line_col(text, 6), (2, 3));
    }

    #[test]
    fn line_cursor_agrees_with_the_index_in_any_order() {
        let text = "ab\nçd éf\n\nx’y z\n";
        let idx = LineIndex::new(text);
        let offsets: Vec<usize> = (0..=text.len())
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        let mut cursor = idx.cursor(text);
        for &o in offsets.iter().chain(offsets.iter().rev()).chain(&offsets) {
            assert_eq!(cursor.line_col(o), idx.line_col(text, o), "offset {o}");
        }
    }
}
