//! Aligning a spun copy with its original word by word and reading off the
//! substitutions.

use std::ops::Range;

use similar::{capture_diff_slices, Algorithm, DiffOp};

use crate::error::Result;
use crate::numbers;
use crate::tokenize::{normalize, normalize_phrase, tokenize, Case, TokenKind};

use super::{Options, WINDOW};

/// One token of the alignment: its normalized key, kind and byte span.
#[derive(Debug, Clone)]
pub(super) struct Unit {
    pub(super) key: String,
    kind: TokenKind,
    span: Range<usize>,
}

impl Unit {
    pub(super) fn is_word(&self) -> bool {
        self.kind == TokenKind::Word
    }

    /// A hyphen (or dash) joining the words around it.
    pub(super) fn is_hyphen(&self) -> bool {
        self.kind == TokenKind::Punct && self.key == "-"
    }
}

/// The tokens of `text` that the alignment compares: words, numbers and
/// punctuation, whitespace left out; case, apostrophes, quotes and dashes
/// normalized, a run of dashes one token.
pub(super) fn units(text: &str) -> Vec<Unit> {
    let mut out: Vec<Unit> = Vec::new();
    let mut glued = false;
    for t in tokenize(text) {
        let written = &text[t.span.clone()];
        let key = match t.kind {
            TokenKind::Space => {
                glued = false;
                continue;
            }
            TokenKind::Word => normalize(written),
            TokenKind::Number => written.to_string(),
            TokenKind::Punct => typography(written).to_string(),
        };
        let after_dash = glued && out.last().is_some_and(|u| u.key == "-");
        if key == "-" && after_dash {
            out.last_mut().unwrap().span.end = t.span.end;
        } else {
            out.push(Unit {
                key,
                kind: t.kind,
                span: t.span,
            });
        }
        glued = true;
    }
    out
}

/// A punctuation mark with its typographic variants made one.
fn typography(mark: &str) -> &str {
    match mark {
        "\u{2018}" | "\u{2019}" | "\u{201A}" | "\u{201B}" | "\u{2032}" | "`" => "'",
        "\u{201C}" | "\u{201D}" | "\u{201E}" | "\u{201F}" | "\u{00AB}" | "\u{00BB}"
        | "\u{2033}" => "\"",
        "\u{2010}" | "\u{2011}" | "\u{2012}" | "\u{2013}" | "\u{2014}" | "\u{2015}"
        | "\u{2212}" => "-",
        "\u{2026}" => "...",
        other => other,
    }
}

/// A change of the alignment: units `s` of the spun side for units `o` of
/// the original side.
#[derive(Debug, Clone)]
pub(super) struct Change {
    s: Range<usize>,
    o: Range<usize>,
}

/// The alignment of one pair.
pub(super) struct Alignment {
    pub(super) spun: Vec<Unit>,
    pub(super) original: Vec<Unit>,
    /// Whether each unit lies in an equal stretch.
    spun_equal: Vec<bool>,
    original_equal: Vec<bool>,
    pub(super) changes: Vec<Change>,
    pub(super) agreement: f64,
}

impl Alignment {
    pub(super) fn new(spun: &str, original: &str) -> Alignment {
        let spun = units(spun);
        let original = units(original);
        let a: Vec<&str> = spun.iter().map(|u| u.key.as_str()).collect();
        let b: Vec<&str> = original.iter().map(|u| u.key.as_str()).collect();
        let mut spun_equal = vec![false; a.len()];
        let mut original_equal = vec![false; b.len()];
        let mut changes: Vec<Change> = Vec::new();
        let mut equal = 0;
        for op in capture_diff_slices(Algorithm::Myers, &a, &b) {
            let (s, o) = match op {
                DiffOp::Equal {
                    old_index,
                    new_index,
                    len,
                } => {
                    spun_equal[old_index..old_index + len].fill(true);
                    original_equal[new_index..new_index + len].fill(true);
                    equal += len;
                    continue;
                }
                DiffOp::Delete {
                    old_index,
                    old_len,
                    new_index,
                } => (old_index..old_index + old_len, new_index..new_index),
                DiffOp::Insert {
                    old_index,
                    new_index,
                    new_len,
                } => (old_index..old_index, new_index..new_index + new_len),
                DiffOp::Replace {
                    old_index,
                    old_len,
                    new_index,
                    new_len,
                } => (
                    old_index..old_index + old_len,
                    new_index..new_index + new_len,
                ),
            };
            // Changes with no equal tokens between them are one change.
            match changes.last_mut() {
                Some(c) if c.s.end == s.start && c.o.end == o.start => {
                    c.s.end = s.end;
                    c.o.end = o.end;
                }
                _ => changes.push(Change { s, o }),
            }
        }
        let total = a.len() + b.len();
        let agreement = if total == 0 {
            0.0
        } else {
            2.0 * equal as f64 / total as f64
        };
        Alignment {
            spun,
            original,
            spun_equal,
            original_equal,
            changes,
            agreement,
        }
    }

    /// Words (and numbers) of a range of units, punctuation left out.
    fn words(units: &[Unit], r: &Range<usize>) -> usize {
        units[r.clone()]
            .iter()
            .filter(|u| u.kind != TokenKind::Punct)
            .count()
    }

    fn is_long(&self, c: &Change, max: usize) -> bool {
        Self::words(&self.spun, &c.s) > max || Self::words(&self.original, &c.o) > max
    }

    /// Whether the context around units `s` and `o` agrees: the tokens
    /// right before and after are equal on both sides, and of the
    /// [`WINDOW`] tokens on each side at least `min` are.
    fn context_agrees(&self, s: &Range<usize>, o: &Range<usize>, min: f64) -> bool {
        let next_to = |equal: &[bool], r: &Range<usize>| {
            (r.start == 0 || equal[r.start - 1]) && (r.end == equal.len() || equal[r.end])
        };
        let share = |equal: &[bool], r: &Range<usize>| {
            let before = &equal[r.start.saturating_sub(WINDOW)..r.start];
            let after = &equal[r.end..(r.end + WINDOW).min(equal.len())];
            let n = before.len() + after.len();
            let agree = before.iter().chain(after).filter(|&&e| e).count();
            n == 0 || agree as f64 >= min * n as f64
        };
        next_to(&self.spun_equal, s)
            && next_to(&self.original_equal, o)
            && share(&self.spun_equal, s)
            && share(&self.original_equal, o)
    }
}

/// One substitution read off a pair: the spun form's key and the original
/// as a table writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Substitution {
    pub(super) spun: String,
    pub(super) original: String,
}

/// Why a change was not mined (counted in [`PairOutcome::Aligned`](super::PairOutcome::Aligned)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Left {
    Long,
    NextToLong,
    Context,
    Numbers,
    NotWords,
}

/// The substitutions of one aligned pair, and the number of changes left out.
pub(super) fn substitutions(
    spun: &str,
    original: &str,
    al: &Alignment,
    opts: &Options,
) -> (Vec<Substitution>, usize) {
    let max = opts.max_words;
    let long: Vec<bool> = al.changes.iter().map(|c| al.is_long(c, max)).collect();
    let mut found = Vec::new();
    let mut left = 0;
    let mut i = 0;
    while i < al.changes.len() {
        // Changes one word apart, read as one phrase while it fits.
        let mut j = i;
        while j + 1 < al.changes.len() && !long[j + 1] {
            let (a, b) = (&al.changes[j], &al.changes[j + 1]);
            let one_word = b.s.start == a.s.end + 1 && al.spun[a.s.end].is_word();
            let joined = Change {
                s: al.changes[i].s.start..b.s.end,
                o: al.changes[i].o.start..b.o.end,
            };
            if !one_word || long[i] || al.is_long(&joined, max) {
                break;
            }
            j += 1;
        }
        let group = i..j + 1;
        i = j + 1;
        let change = Change {
            s: al.changes[group.start].s.start..al.changes[group.end - 1].s.end,
            o: al.changes[group.start].o.start..al.changes[group.end - 1].o.end,
        };
        // A change near a long one (fewer than WINDOW equal tokens apart)
        // is part of the same edit.
        let near = |a: &Change, b: &Change| b.s.start - a.s.end < WINDOW;
        let why = if long[group.start] {
            Some(Left::Long)
        } else if (group.start > 0
            && long[group.start - 1]
            && near(&al.changes[group.start - 1], &change))
            || (group.end < long.len() && long[group.end] && near(&change, &al.changes[group.end]))
        {
            Some(Left::NextToLong)
        } else {
            None
        };
        let got = match why {
            Some(w) => Err(w),
            None => read_change(spun, original, al, change, opts),
        };
        match got {
            Ok(subs) => found.extend(subs),
            Err(_) => left += 1,
        }
    }
    (found, left)
}

/// The substitutions of one change (several when it is read word for
/// word), or why it gives none.
fn read_change(
    spun: &str,
    original: &str,
    al: &Alignment,
    mut c: Change,
    opts: &Options,
) -> Result<Vec<Substitution>, Left> {
    // A word written or dropped alone: with the word after it (or before
    // it), so that the table has something to find and to put back.
    if c.s.is_empty() || c.o.is_empty() {
        let (ns, no) = (al.spun.len(), al.original.len());
        if c.s.end < ns && c.o.end < no && al.spun[c.s.end].is_word() && al.spun_equal[c.s.end] {
            c.s.end += 1;
            c.o.end += 1;
        } else if c.s.start > 0
            && c.o.start > 0
            && al.spun[c.s.start - 1].is_word()
            && al.spun_equal[c.s.start - 1]
        {
            c.s.start -= 1;
            c.o.start -= 1;
        } else {
            return Err(Left::NotWords);
        }
        if al.is_long(&c, opts.max_words) {
            return Err(Left::Long);
        }
    }
    if !al.context_agrees(&c.s, &c.o, opts.min_context) {
        return Err(Left::Context);
    }
    let s = &al.spun[c.s.clone()];
    let o = &al.original[c.o.clone()];
    let numeric = |u: &Unit| {
        u.kind == TokenKind::Number
            || u.key.starts_with(|ch: char| ch.is_ascii_digit())
            || numbers::word_value(&u.key).is_some()
    };
    let all_numeric = |units: &[Unit]| {
        units.iter().any(numeric)
            && units
                .iter()
                .all(|u| numeric(u) || u.kind == TokenKind::Punct)
    };
    if all_numeric(s) || all_numeric(o) {
        return Err(Left::Numbers);
    }
    // The spun form: words, joined by spaces or hyphens; the original:
    // words and numbers, with hyphens, apostrophes and points inside.
    let inner = |units: &[Unit], allowed: &dyn Fn(&Unit) -> bool| {
        !units.is_empty()
            && units.first().is_some_and(|u| u.kind != TokenKind::Punct)
            && units.last().is_some_and(|u| u.kind != TokenKind::Punct)
            && units
                .iter()
                .all(|u| u.kind != TokenKind::Punct || allowed(u))
    };
    if !inner(s, &|u| u.is_hyphen()) || s.iter().any(|u| u.kind == TokenKind::Number) {
        return Err(Left::NotWords);
    }
    if !inner(o, &|u| u.is_hyphen() || matches!(u.key.as_str(), "'" | ".")) {
        return Err(Left::NotWords);
    }
    let s_words: Vec<&Unit> = s.iter().filter(|u| u.is_word()).collect();
    let o_words: Vec<&Unit> = o.iter().filter(|u| u.kind != TokenKind::Punct).collect();
    // As many words each side, none of them punctuation: word for word.
    let parts: Vec<Change> = if s_words.len() > 1
        && s_words.len() == s.len()
        && o_words.len() == o.len()
        && s.len() == o.len()
    {
        (0..s.len())
            .filter(|&k| s[k].key != o[k].key)
            .map(|k| Change {
                s: c.s.start + k..c.s.start + k + 1,
                o: c.o.start + k..c.o.start + k + 1,
            })
            .collect()
    } else {
        vec![c]
    };
    let mut subs = Vec::with_capacity(parts.len());
    for part in parts {
        let part = within_name(original, al, &part, opts.max_words).unwrap_or(part);
        let start = starts_sentence(&al.original, part.o.start);
        let (s, o) = (&al.spun[part.s.clone()], &al.original[part.o.clone()]);
        let sub = substitution(spun, original, s, o, start)?;
        if !subs.contains(&sub) {
            subs.push(sub);
        }
    }
    Ok(subs)
}

/// A change inside a name (`Center East` for `Middle East`, `Quds
/// Pressure` for `Quds Force`): the original's words capitalised inside a
/// sentence, next to words of the name left as they were. The change with
/// those words, while it fits `max` words, or `None`.
fn within_name(original: &str, al: &Alignment, c: &Change, max: usize) -> Option<Change> {
    let capital =
        |u: &Unit| u.is_word() && original[u.span.clone()].starts_with(char::is_uppercase);
    let o = &al.original;
    if c.o.is_empty() || !o[c.o.clone()].iter().all(capital) || starts_sentence(o, c.o.start) {
        return None;
    }
    let fits = |c: &Change| !al.is_long(c, max - 1);
    let mut name = c.clone();
    while name.o.end < o.len()
        && al.original_equal[name.o.end]
        && capital(&o[name.o.end])
        && fits(&name)
    {
        name.s.end += 1;
        name.o.end += 1;
    }
    while name.o.start > 0
        && al.original_equal[name.o.start - 1]
        && capital(&o[name.o.start - 1])
        && !starts_sentence(o, name.o.start - 1)
        && fits(&name)
    {
        name.s.start -= 1;
        name.o.start -= 1;
    }
    (name.o != c.o).then_some(name)
}

/// Whether unit `i` starts a sentence: the first, or after `.`, `!` or `?`
/// and any quotes or brackets opening it.
fn starts_sentence(units: &[Unit], i: usize) -> bool {
    let before = units[..i]
        .iter()
        .rev()
        .find(|u| !matches!(u.key.as_str(), "\"" | "'" | "(" | "["));
    before.is_none_or(|u| matches!(u.key.as_str(), "." | "!" | "?" | ":"))
}

/// The substitution of spun units `s` by original units `o`.
fn substitution(
    spun: &str,
    original: &str,
    s: &[Unit],
    o: &[Unit],
    sentence_start: bool,
) -> Result<Substitution, Left> {
    if s.iter().any(|u| u.kind == TokenKind::Number)
        || o.iter().all(|u| u.kind == TokenKind::Number)
    {
        return Err(Left::Numbers);
    }
    let key = s
        .iter()
        .filter(|u| u.is_word())
        .map(|u| u.key.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let s_text = &spun[s[0].span.start..s[s.len() - 1].span.end];
    let o_text = &original[o[0].span.start..o[o.len() - 1].span.end];
    let s_case = Case::of(s_text);
    if s_case == Case::Upper {
        // The spinner never spins words in capitals: a heading edited.
        return Err(Left::NotWords);
    }
    // The original as written, one space between words, apostrophes
    // straight; in lower case when its capitals are the sentence's.
    let mut written = o_text.split_whitespace().collect::<Vec<_>>().join(" ");
    written = written.replace('\u{2019}', "'");
    if sentence_start && Case::of(&written) == s_case {
        written = written.to_lowercase();
    }
    if written.contains('|') || normalize_phrase(&written) == key {
        return Err(Left::NotWords);
    }
    Ok(Substitution {
        spun: key,
        original: written,
    })
}
