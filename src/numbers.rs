//! The spinner's number rewrites, as rules rather than table entries.
//!
//! Configured to protect runs of two or more digits, the spinner still spins
//! single digits and the number words one to nine: `3,500` -> `three,500`,
//! `3:54pm` -> `three:54pm`, `January 3` -> `January three`, `four` -> `4`.
//! These rules propose the reverse:
//!
//! * a group of digits and number words glued by `,`, `.` or `:` that holds
//!   a number word is written in digits, as one site (certain: no author
//!   writes `three,000`, `three:54pm`, `zero.5` or `three.sixty two`); a
//!   tens word and its units (`sixty two`) make one number, before the
//!   group as inside it (`twenty five,000`);
//! * a number word right after a month name is a digit (likely);
//! * a lone digit 1-9 before a word (not a unit) is a number word (ambiguous:
//!   left to the context model and the document score).

use std::sync::Arc;

use once_cell::sync::Lazy;

use crate::tokenize::{Token, TokenKind};

/// Name of the rule source in findings (`<rule:numbers>`).
pub const SOURCE: &str = "<rule:numbers>";

/// The source of a finding proposed by `rule`: `<rule:numbers>:RULE`.
pub fn source(rule: usize) -> Arc<str> {
    // Shared labels for the three rules; numbers are common in news.
    static LABELS: Lazy<[Arc<str>; 3]> =
        Lazy::new(|| [1, 2, 3].map(|r| Arc::from(format!("{SOURCE}:{r}"))));
    match rule {
        1..=3 => LABELS[rule - 1].clone(),
        _ => format!("{SOURCE}:{rule}").into(),
    }
}

/// Number words and their values: `zero` to `nineteen` (at the index of
/// their value), the tens, then the multipliers. The rules spell digits
/// with the first [`SPELLED`]; [`crate::meaning`] reads values with all.
pub(crate) const NUMBER_WORDS: [(&str, u64); 34] = [
    ("zero", 0),
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("thirteen", 13),
    ("fourteen", 14),
    ("fifteen", 15),
    ("sixteen", 16),
    ("seventeen", 17),
    ("eighteen", 18),
    ("nineteen", 19),
    ("twenty", 20),
    ("thirty", 30),
    ("forty", 40),
    ("fifty", 50),
    ("sixty", 60),
    ("seventy", 70),
    ("eighty", 80),
    ("ninety", 90),
    ("dozen", 12),
    ("hundred", 100),
    ("thousand", 1_000),
    ("million", 1_000_000),
    ("billion", 1_000_000_000),
    ("trillion", 1_000_000_000_000),
];

/// The words a spinner spells digits out with: `zero` to `ninety` (a tens
/// word may take a units word after it).
const SPELLED: usize = 28;

/// The value of a number word of [`NUMBER_WORDS`] (any case).
pub(crate) fn word_value(word: &str) -> Option<u64> {
    value_among(&NUMBER_WORDS, word)
}

fn value_among(words: &[(&str, u64)], word: &str) -> Option<u64> {
    // Called for nearly every short word of a text: most are turned away
    // by their first two letters and length before the list is walked
    // (`the`, the commonest, starts as `three` does, but is shorter).
    let letter = |i: usize| match word.as_bytes().get(i)?.to_ascii_lowercase() {
        b @ b'a'..=b'z' => Some(usize::from(b - b'a')),
        _ => None,
    };
    let lengths = match (letter(0), letter(1)) {
        (Some(a), Some(b)) => FIRST_LETTERS_LENGTHS[a][b],
        _ => 0,
    };
    if word.len() >= 32 || lengths >> word.len() & 1 == 0 {
        return None;
    }
    words
        .iter()
        .find(|(w, _)| w.eq_ignore_ascii_case(word))
        .map(|&(_, v)| v)
}

/// For each two letters `a` to `z`, the lengths (as bits) of the number
/// words that start with them (every number word has two letters or more,
/// all lower-case ASCII).
const FIRST_LETTERS_LENGTHS: [[u32; 26]; 26] = {
    let mut m = [[0u32; 26]; 26];
    let mut i = 0;
    while i < NUMBER_WORDS.len() {
        let w = NUMBER_WORDS[i].0.as_bytes();
        m[(w[0] - b'a') as usize][(w[1] - b'a') as usize] |= 1 << w.len();
        i += 1;
    }
    m
};

/// The value of a word that spells digits out (`zero` to `ninety`).
fn spelled_value(word: &str) -> Option<u64> {
    value_among(&NUMBER_WORDS[..SPELLED], word)
}

/// The value of a digit word, `one` to `nine`.
fn digit_value(word: &str) -> Option<u64> {
    value_among(&NUMBER_WORDS[1..10], word)
}

/// The length in bytes of the longest of `NUMBER_WORDS[from..to]`.
const fn longest(from: usize, to: usize) -> usize {
    let (mut i, mut n) = (from, 0);
    while i < to {
        if NUMBER_WORDS[i].0.len() > n {
            n = NUMBER_WORDS[i].0.len();
        }
        i += 1;
    }
    n
}

/// The length of the longest digit word (`one` to `nine`), in bytes.
const LONGEST_WORD: usize = longest(1, 10);

/// The length of the longest word that spells digits out, in bytes.
const LONGEST_SPELLED: usize = longest(0, SPELLED);

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// Words after a lone digit that mark it as a measure, time or label, which
/// style guides write as digits.
const UNITS: [&str; 24] = [
    "percent", "per", "pm", "am", "p", "a", "million", "billion", "trillion", "km", "kg", "mph",
    "cm", "mm", "m", "ft", "in", "lb", "st", "nd", "rd", "th", "x", "o'clock",
];

/// A number rewrite the rules propose.
#[derive(Debug, Clone, PartialEq)]
pub struct NumberProposal {
    /// Index of the token to replace.
    pub token: usize,
    /// Index of the last token replaced (the same, but for `sixty two`).
    pub last: usize,
    /// The original it proposes.
    pub original: String,
    /// How distinctive the spun form is of spinning (as a table weight).
    pub weight: f32,
    /// Which rule proposed it (1: glued to digits, 2: after a month, 3: lone digit).
    pub rule: usize,
}

/// Whether token `k` is `,`, `.` or `:` with no space around it.
fn is_glue(text: &str, tokens: &[Token], k: usize) -> bool {
    tokens
        .get(k)
        .is_some_and(|t| matches!(&text[t.span.clone()], "," | "." | ":"))
}

/// Whether token `k` is digits (`000`, `54pm`) or a number word.
fn is_numeric(text: &str, tokens: &[Token], k: usize) -> bool {
    let Some(t) = tokens.get(k) else { return false };
    let s = &text[t.span.clone()];
    match t.kind {
        TokenKind::Number => true,
        TokenKind::Word => {
            s.as_bytes().first().is_some_and(u8::is_ascii_digit) || spelled_value(s).is_some()
        }
        _ => false,
    }
}

/// The value of token `j` when it is a word that spells digits out.
fn spelled_at(text: &str, tokens: &[Token], j: usize) -> Option<u64> {
    tokens
        .get(j)
        .filter(|t| t.kind == TokenKind::Word)
        .and_then(|t| spelled_value(&text[t.span.clone()]))
}

/// Whether token `k` continues a group of [`glued`] begun before it.
fn inside_group(text: &str, tokens: &[Token], k: usize) -> bool {
    k >= 2 && is_glue(text, tokens, k - 1) && is_numeric(text, tokens, k - 2)
}

/// A group of digits and number words glued by `,`, `.` or `:` that holds
/// a number word (`three,500`, `three:54pm`, `zero.5`, `three.sixty two`),
/// starting at token `k`: the whole group in digits (`3,500`). The group is
/// one site, not its number word alone: the language model has no digits,
/// so it could only weigh `three` against an unknown `3` inside a number it
/// does not see whole, and would keep the word every time. A tens word
/// ending the group takes the units word after it (`.sixty two` -> `.62`),
/// and one before the group's first units word takes it too (`twenty
/// five,000` -> `25,000`: a spinner that spells two-digit numbers out).
fn glued(text: &str, tokens: &[Token], k: usize) -> Option<NumberProposal> {
    if !is_numeric(text, tokens, k) {
        return None;
    }
    if let Some(p) = tens_before_group(text, tokens, k) {
        return Some(p);
    }
    if inside_group(text, tokens, k) {
        return None;
    }
    let mut last = k;
    while is_glue(text, tokens, last + 1) && is_numeric(text, tokens, last + 2) {
        last += 2;
    }
    let spelled = |j: usize| spelled_at(text, tokens, j);
    if last == k || !(k..=last).step_by(2).any(|j| spelled(j).is_some()) {
        return None;
    }
    let units = |j: usize| spelled(j).filter(|v| (1..=9).contains(v));
    let mut original = String::new();
    for j in k..=last {
        match spelled(j) {
            Some(v) => original.push_str(&v.to_string()),
            None => original.push_str(&text[tokens[j].span.clone()]),
        }
    }
    let tens = spelled(last).filter(|v| *v >= 20 && v % 10 == 0);
    let spaced = tokens
        .get(last + 1)
        .is_some_and(|t| t.kind == TokenKind::Space);
    if let (Some(tens), true, Some(u)) = (tens, spaced, units(last + 2)) {
        original.truncate(original.len() - tens.to_string().len());
        original.push_str(&(tens + u).to_string());
        last += 2;
    }
    Some(NumberProposal {
        token: k,
        last,
        original,
        weight: 1.0,
        rule: 1,
    })
}

/// The group of [`glued`] that begins with a units word, preceded at token
/// `k` by a tens word and a space (`twenty five,000`): the whole in digits
/// (`25,000`), from the tens word on.
// Kept out of line: inlined into `glued`, which every short word the tables
// do not know goes through, it cost the clean documents about 4% of their
// CPU (paired runs); out of line, nothing measurable.
#[cold]
#[inline(never)]
fn tens_before_group(text: &str, tokens: &[Token], k: usize) -> Option<NumberProposal> {
    // The shape first (word, space, word, glue): most words are no number.
    let spaced = tokens.get(k + 1)?.kind == TokenKind::Space;
    if !spaced || !is_glue(text, tokens, k + 3) {
        return None;
    }
    let tens = spelled_at(text, tokens, k).filter(|v| *v >= 20 && v % 10 == 0)?;
    let units = spelled_at(text, tokens, k + 2).filter(|v| (1..=9).contains(v))?;
    if inside_group(text, tokens, k) {
        return None;
    }
    let group = glued(text, tokens, k + 2)?;
    let rest = group.original.strip_prefix(&units.to_string())?;
    Some(NumberProposal {
        token: k,
        original: format!("{}{rest}", tens + units),
        ..group
    })
}

/// The number rewrite proposed at token `k`, if any.
pub fn propose(text: &str, tokens: &[Token], k: usize) -> Option<NumberProposal> {
    let tok = &tokens[k];
    // Called for every word the dictionary does not know: most are too long
    // to be a number word or a lone digit, and are turned away first.
    if tok.span.len() > LONGEST_SPELLED {
        return None;
    }
    if let Some(p) = glued(text, tokens, k) {
        return Some(p);
    }
    if tok.span.len() > LONGEST_WORD {
        return None;
    }
    let here = &text[tok.span.clone()];
    let next = tokens.get(k + 1);
    match tok.kind {
        TokenKind::Word => {
            let value = digit_value(here)?;
            let after_month = k >= 2
                && tokens[k - 1].kind == TokenKind::Space
                && tokens[k - 2].kind == TokenKind::Word
                && MONTHS
                    .iter()
                    .any(|m| m.eq_ignore_ascii_case(&text[tokens[k - 2].span.clone()]))
                && text[tokens[k - 2].span.clone()].starts_with(char::is_uppercase);
            if after_month {
                return Some(NumberProposal {
                    token: k,
                    last: k,
                    original: value.to_string(),
                    weight: 0.9,
                    rule: 2,
                });
            }
            None
        }
        TokenKind::Number => {
            let value: usize = here.parse().ok().filter(|v| (1..=9).contains(v))?;
            if here.len() != 1 {
                return None;
            }
            // Standalone: a space on both sides, a word after.
            let before_ok = k == 0 || tokens[k - 1].kind == TokenKind::Space;
            let before_word = k >= 2 && tokens[k - 2].kind == TokenKind::Word;
            if !before_ok || !before_word || next.map(|t| t.kind) != Some(TokenKind::Space) {
                return None;
            }
            let prev = text[tokens[k - 2].span.clone()].to_lowercase();
            if MONTHS.contains(&prev.as_str()) || prev == "no" || prev == "number" {
                return None;
            }
            let after = tokens.get(k + 2)?;
            let word = &text[after.span.clone()];
            let counted_word =
                after.kind == TokenKind::Word && !UNITS.contains(&word.to_lowercase().as_str());
            if !counted_word {
                return None;
            }
            Some(NumberProposal {
                token: k,
                last: k,
                original: NUMBER_WORDS[value].0.to_string(),
                weight: 0.3,
                rule: 3,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::tokenize;

    #[test]
    fn every_number_word_is_read_in_any_case_and_no_other() {
        for (w, v) in NUMBER_WORDS {
            assert_eq!(word_value(w), Some(v));
            assert_eq!(word_value(&w.to_uppercase()), Some(v));
            assert_eq!(word_value(&(w[..1].to_uppercase() + &w[1..])), Some(v));
            assert_eq!(word_value(&format!("{w}s")), None);
            assert_eq!(word_value(&w[1..]), None);
        }
        for w in ["", "the", "said", "é", "ONE1", "twentyone"] {
            assert_eq!(word_value(w), None, "{w}");
        }
    }

    fn at(text: &str, needle: &str) -> Option<NumberProposal> {
        let toks = tokenize(text);
        let k = toks.iter().position(|t| &text[t.span.clone()] == needle)?;
        propose(text, &toks, k)
    }

    #[test]
    fn number_word_glued_to_digits_is_a_digit() {
        let p = at("nearly three,000 more troops", "three").unwrap();
        assert_eq!((p.original.as_str(), p.last - p.token), ("3,000", 2));
        assert_eq!(at("at three:54pm", "three").unwrap().original, "3:54pm");
        assert!(at("three people", "three").is_none());
        assert_eq!(at("rose zero.5 percent", "zero").unwrap().original, "0.5");
        assert_eq!(at("about 3,five00", "five00"), None);
        assert_eq!(at("about 3,five00", "3"), None);
        let p = at("at three.sixty two percent", "three").unwrap();
        assert_eq!((p.original.as_str(), p.last - p.token), ("3.62", 4));
        // Inside a group, only its first token proposes.
        assert_eq!(at("at three.sixty two percent", "sixty"), None);
        assert_eq!(at("paid 1,two00 or 2.five", "2").unwrap().original, "2.5");
        assert!(at("one, two or three", "one").is_none());
        let p = at("to twenty five,000 points", "twenty").unwrap();
        assert_eq!((p.original.as_str(), p.last - p.token), ("25,000", 4));
        let p = at("rose Forty five.sixty two percent", "Forty").unwrap();
        assert_eq!((p.original.as_str(), p.last - p.token), ("45.62", 6));
        // A tens word alone before a group, or before a units word that
        // is not glued to one, is an author's.
        assert!(at("twenty 5,000 more", "twenty").is_none());
        assert!(at("twenty five people", "twenty").is_none());
        assert!(at("twenty ten,000", "twenty").is_none());
    }

    #[test]
    fn number_word_after_a_month_is_a_digit() {
        assert_eq!(at("on January three the", "three").unwrap().original, "3");
        assert!(at("in may three of them", "three").is_none());
    }

    #[test]
    fn lone_digit_before_a_word_may_be_a_number_word() {
        assert_eq!(at("injured 4 American servicemen", "4").unwrap().rule, 3);
        assert_eq!(at("wounded 4 soldiers", "4").unwrap().original, "four");
        assert!(at("at 4 pm", "4").is_none());
        assert!(at("January 4 was", "4").is_none());
        assert!(at("4.5 percent", "4.5").is_none());
    }
}
