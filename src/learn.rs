//! Learning a substitution table from spun copies and their originals.
//!
//! A data team often holds both sides: a scraper site's spun copy and the
//! article it copied. [`mine`] aligns each [`Pair`] word by word and reads
//! off the spinner's substitutions (spun form -> original), weighs each by
//! its evidence, and [`Learned::to_table_text`] writes them in the format of
//! `dictionaries/` (see [`crate::dict`]), ready for `--dict`.
//!
//! How a pair is read:
//!
//! * both texts are tokenized as the matcher tokenizes them, and compared
//!   word for word (numbers and punctuation too, as anchors) after
//!   normalising case, apostrophes, quotes and dashes, so that typography
//!   (`“` for `"`, `—` for ` – `) is no difference;
//! * a pair whose alignment agrees on less than [`Options::min_agreement`] of
//!   its tokens is another article, or a copy edited beyond recognition: it
//!   is reported ([`PairOutcome::Misaligned`]) and nothing is mined from it;
//! * each change of the alignment is a substitution when it replaces 1 to
//!   [`Options::max_words`] words on each side (two changes one word apart
//!   are read as one phrase: `final night time` -> `last night`; a change of
//!   as many words on each side is read word for word: `navy motion` ->
//!   `military action` gives `navy` -> `military` and `motion` ->
//!   `action`), and the context around it agrees: equal tokens on both
//!   sides, and in the few tokens either side at least
//!   [`Options::min_context`] of them equal;
//! * a longer change (a paragraph deleted, a sentence rewritten) mines
//!   nothing, nor do the changes next to it;
//! * number words for digits (`three,000`, `January three`) are left to the
//!   number rules of [`crate::numbers`], never learned.
//!
//! An entry's weight says, as in the shipped tables, how distinctive the
//! spun form is of spinning: the substitutions seen (each document counted
//! once, further ones in the same document at half) against the times the
//! form stands in the originals as their authors wrote it. A form authors
//! also write gets a low weight, and entries under [`Options::min_weight`]
//! are left out.
//!
//! ```
//! use unspin::learn::{mine, Options, Pair};
//!
//! let pair = |id: &str, spun: &str, original: &str| Pair {
//!     id: id.into(),
//!     spun: spun.into(),
//!     original: original.into(),
//! };
//! let pairs = [
//!     pair("a", "He mentioned the struggle ended.", "He said the war ended."),
//!     pair("b", "She mentioned it was over.", "She said it was over."),
//!     pair("c", "They mentioned nothing.", "They said nothing."),
//! ];
//! let learned = mine(&pairs, &Options::default());
//! let table = learned.to_table_text();
//! assert!(table.contains("mentioned\tsaid\t0.75\tlearned: 3x in 3 docs (a, b, c)"));
//! // Seen in one document: weight 0.5, the least kept by default.
//! assert!(table.contains("struggle\twar\t0.50\tlearned: 1x in 1 doc (a); unchanged 0x"));
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::io::BufRead;
use std::ops::Range;
use std::path::Path;

use similar::{capture_diff_slices, Algorithm, DiffOp};

use crate::dict::{Dictionary, Table};
use crate::error::{Error, Result};
use crate::jsonl::{Document, FieldPath};
use crate::numbers;
use crate::tokenize::{normalize, normalize_phrase, tokenize, Case, TokenKind};

pub use crate::eval::Pair;

/// How [`mine`] reads pairs and which entries it keeps.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Entries whose weight is under this are left out (default 0.5: a form
    /// seen substituted in one document and never written by the authors;
    /// tuned on the mining half of the held-out benchmark, see the README).
    pub min_weight: f32,
    /// The most words a substitution replaces or writes, on either side
    /// (default 4); a longer change is an edit, not a substitution.
    pub max_words: usize,
    /// The least share of a pair's tokens that the alignment must keep, else
    /// the pair is skipped as misaligned (default 0.35: a spun copy keeps
    /// about half or more, two different articles a quarter at most).
    pub min_agreement: f64,
    /// The least share of the few tokens on each side of a substitution that
    /// must agree (default 0.5): in a rewritten sentence they do not.
    pub min_context: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            min_weight: 0.5,
            max_words: 4,
            min_agreement: 0.35,
            min_context: 0.5,
        }
    }
}

/// How many tokens on each side of a substitution make its context.
const WINDOW: usize = 8;

/// The JSON Lines fields that hold a pair (dotted paths reach into nested
/// objects, as `--field` does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fields {
    /// The spun text's field (default `spun`).
    pub spun: String,
    /// The original text's field (default `original`).
    pub original: String,
    /// The id's field (default `id`), a top-level member; a record without
    /// it is named by its line number.
    pub id: String,
}

impl Default for Fields {
    fn default() -> Self {
        Fields {
            spun: "spun".into(),
            original: "original".into(),
            id: "id".into(),
        }
    }
}

/// Reads pairs from JSON Lines, one object a line with the two texts in the
/// string fields named by `fields`; blank lines are skipped. `path` names
/// the input in errors.
///
/// Invalid UTF-8, malformed JSON and a missing field are errors naming the
/// file and the line ([`Error::JsonLine`]).
///
/// ```
/// use unspin::learn::{parse_pairs, Fields};
///
/// let text = "{\"id\":\"a\",\"spun\":\"one in all\",\"original\":\"one of\"}\n\n{\"spun\":\"x\"}\n";
/// let err = parse_pairs(text.as_bytes(), "p.jsonl", &Fields::default()).unwrap_err();
/// assert_eq!(err.to_string(), "p.jsonl:3: no string field \"original\"");
/// let first = text.lines().next().unwrap();
/// let pairs = parse_pairs(first.as_bytes(), "p.jsonl", &Fields::default()).unwrap();
/// assert_eq!((pairs[0].id.as_str(), pairs[0].original.as_str()), ("a", "one of"));
/// ```
pub fn parse_pairs(
    mut reader: impl BufRead,
    path: impl AsRef<Path>,
    fields: &Fields,
) -> Result<Vec<Pair>> {
    let path = path.as_ref();
    let (spun_field, original_field) = (
        FieldPath::new(&fields.spun),
        FieldPath::new(&fields.original),
    );
    let mut pairs = Vec::new();
    let mut buf = Vec::new();
    for line in 1.. {
        buf.clear();
        if reader
            .read_until(b'\n', &mut buf)
            .map_err(|e| Error::io(path, e))?
            == 0
        {
            break;
        }
        let body = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let body = body.strip_suffix(b"\r").unwrap_or(body);
        if crate::jsonl::is_blank(body) {
            continue;
        }
        let spun = Document::parse(body, &spun_field).map_err(|e| e.at(path, line))?;
        let original = Document::parse(body, &original_field).map_err(|e| e.at(path, line))?;
        let id = match spun.raw(&fields.id) {
            Some(raw) if raw.starts_with('"') => {
                serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_string())
            }
            Some(raw) => raw.to_string(),
            None => format!("line {line}"),
        };
        pairs.push(Pair {
            id,
            spun: spun.text().to_string(),
            original: original.text().to_string(),
        });
    }
    Ok(pairs)
}

/// What became of one pair.
#[derive(Debug, Clone, PartialEq)]
pub struct PairReport {
    /// The pair's id.
    pub id: String,
    /// The share of tokens the alignment keeps: twice the equal tokens over
    /// the tokens of both sides.
    pub agreement: f64,
    /// Aligned and mined, or skipped.
    pub outcome: PairOutcome,
}

/// Whether a pair was mined.
#[derive(Debug, Clone, PartialEq)]
pub enum PairOutcome {
    /// Aligned: its substitutions were mined.
    Aligned {
        /// Substitutions read off it.
        substitutions: usize,
        /// Changes left out: too long, next to a long one, in a context
        /// that does not agree, or number rewrites.
        left_out: usize,
    },
    /// Skipped, nothing mined from it.
    Misaligned(Misalignment),
}

/// Why a pair was skipped.
#[derive(Debug, Clone, PartialEq)]
pub enum Misalignment {
    /// One side has no tokens.
    Empty,
    /// Too small a share of tokens agrees: another article, or a copy
    /// edited beyond recognition.
    LowAgreement {
        /// The pair's agreement.
        agreement: f64,
        /// The least required ([`Options::min_agreement`]).
        min: f64,
    },
}

impl fmt::Display for Misalignment {
    /// ```
    /// use unspin::learn::Misalignment;
    /// let m = Misalignment::LowAgreement { agreement: 0.213, min: 0.5 };
    /// assert_eq!(m.to_string(), "21% of its tokens agree, under the 50% required");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Misalignment::Empty => f.write_str("one side has no words"),
            Misalignment::LowAgreement { agreement, min } => write!(
                f,
                "{:.0}% of its tokens agree, under the {:.0}% required",
                agreement * 100.0,
                min * 100.0
            ),
        }
    }
}

/// One original a learned spun form stood for, with how often.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnedCandidate {
    /// The original as the table writes it (lower case unless its capitals
    /// are its own).
    pub original: String,
    /// Substitutions seen.
    pub count: usize,
}

/// One learned table entry.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnedEntry {
    /// The spun form, normalized as tables write it.
    pub spun: String,
    /// The originals, most likely first.
    pub candidates: Vec<LearnedCandidate>,
    /// How distinctive the form is of spinning, in (0, 1].
    pub weight: f32,
    /// Substitutions seen, all candidates together.
    pub count: usize,
    /// The ids of the pairs they were seen in, in pair order, each once.
    pub docs: Vec<String>,
    /// Times the form stands in the originals as written.
    pub unchanged: usize,
    /// The entry of a known table it defers to (`table:line`), if any
    /// (see [`Learned::defer_to`]).
    pub defers_to: Option<String>,
}

impl LearnedEntry {
    /// The note column: where the entry came from.
    ///
    /// `learned: 5x in 3 docs (a1, a7, a9); unchanged 1x`, with each
    /// candidate's count when there are several.
    pub fn note(&self) -> String {
        let mut note = format!("learned: {}x", self.count);
        if self.candidates.len() > 1 {
            let each: Vec<String> = self
                .candidates
                .iter()
                .map(|c| format!("{} {}", c.original, c.count))
                .collect();
            note += &format!(" ({})", each.join(", "));
        }
        let shown: Vec<String> = self.docs.iter().take(3).map(|d| one_line(d)).collect();
        let more = if self.docs.len() > 3 { ", ..." } else { "" };
        let docs = if self.docs.len() == 1 { "doc" } else { "docs" };
        note += &format!(
            " in {} {docs} ({}{more})",
            self.docs.len(),
            shown.join(", ")
        );
        note += &format!("; unchanged {}x", self.unchanged);
        if let Some(known) = &self.defers_to {
            note += &format!("; after {known}");
        }
        note
    }
}

/// A document id fit for a note: one line, no TAB, no `|`.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_whitespace() || c == '|' {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// What [`mine`] learned: the entries kept and a report of every pair.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Learned {
    /// The entries kept, sorted by spun form.
    pub entries: Vec<LearnedEntry>,
    /// One report a pair, in input order.
    pub pairs: Vec<PairReport>,
    /// Spun forms mined but left out, their weight under the minimum.
    pub under_weight: usize,
}

impl Learned {
    /// The pairs aligned and mined.
    pub fn aligned(&self) -> usize {
        self.pairs
            .iter()
            .filter(|p| matches!(p.outcome, PairOutcome::Aligned { .. }))
            .count()
    }

    /// The pairs skipped as misaligned, with why.
    pub fn skipped(&self) -> impl Iterator<Item = (&str, &Misalignment)> {
        self.pairs.iter().filter_map(|p| match &p.outcome {
            PairOutcome::Misaligned(m) => Some((p.id.as_str(), m)),
            PairOutcome::Aligned { .. } => None,
        })
    }

    /// The learned table in canonical form (sorted by spun form, each once:
    /// it passes [`Table::canonical_errors`]), with a header comment.
    ///
    /// ```
    /// use unspin::dict::Table;
    /// use unspin::learn::{mine, Options, Pair};
    ///
    /// let pairs: Vec<Pair> = (0..3)
    ///     .map(|i| Pair { id: i.to_string(), spun: "Final night time we left.".into(), original: "Last night we left.".into() })
    ///     .collect();
    /// let text = mine(&pairs, &Options::default()).to_table_text();
    /// assert!(text.contains("\nfinal night time\tlast night\t"));
    /// let table = Table::parse(&text, "learned.tsv").unwrap();
    /// assert!(table.canonical_errors(&text).is_empty());
    /// ```
    pub fn to_table_text(&self) -> String {
        let mut out = String::from(HEADER);
        out += &format!(
            "# {} pairs read, {} aligned; {} entries.\n",
            self.pairs.len(),
            self.aligned(),
            self.entries.len()
        );
        for e in &self.entries {
            let originals: Vec<&str> = e.candidates.iter().map(|c| c.original.as_str()).collect();
            out += &format!(
                "{}\t{}\t{}\t{}\n",
                e.spun,
                originals.join(" | "),
                weight_text(e.weight),
                e.note()
            );
        }
        out
    }

    /// The learned entries added to an existing table's text (`name` names
    /// it in errors), in canonical form: the existing header comments are
    /// kept, a spun form in both keeps the existing candidates first and
    /// the existing weight, followed by the learned candidates it lacked,
    /// and every entry is written sorted, each spun form once.
    ///
    /// ```
    /// use unspin::dict::Table;
    /// use unspin::learn::{Learned, LearnedCandidate, LearnedEntry};
    ///
    /// let learned = Learned {
    ///     entries: vec![LearnedEntry {
    ///         spun: "struggle".into(),
    ///         candidates: vec![LearnedCandidate { original: "fight".into(), count: 3 }],
    ///         weight: 0.8, count: 3, docs: vec!["a".into()], unchanged: 0, defers_to: None,
    ///     }],
    ///     ..Learned::default()
    /// };
    /// let merged = learned.merge_into("# mine\nstruggle\twar\t0.7\n", "mine.tsv").unwrap();
    /// assert!(merged.starts_with("# mine\nstruggle\twar | fight\t0.7\tlearned: 3x"));
    /// let table = Table::parse(&merged, "mine.tsv").unwrap();
    /// assert!(table.canonical_errors(&merged).is_empty());
    /// ```
    pub fn merge_into(&self, existing: &str, name: impl AsRef<Path>) -> Result<String> {
        let table = Table::parse(existing, name)?;
        let mut out: String = existing
            .lines()
            .take_while(|l| l.starts_with('#'))
            .map(|l| format!("{}\n", l.trim_end()))
            .collect();
        let mut merged: BTreeMap<String, MergedLine> = BTreeMap::new();
        for e in &table.entries {
            let spun = normalize_phrase(&e.spun);
            let line = merged.entry(spun.clone()).or_insert_with(|| MergedLine {
                weight: e.weight_text.clone(),
                ..MergedLine::default()
            });
            line.add(&spun, e.candidates.iter().map(String::as_str));
            line.notes.extend(e.note.clone());
        }
        for e in &self.entries {
            let line = merged.entry(e.spun.clone()).or_insert_with(|| MergedLine {
                weight: Some(weight_text(e.weight)),
                ..MergedLine::default()
            });
            line.add(&e.spun, e.candidates.iter().map(|c| c.original.as_str()));
            line.notes.push(e.note());
        }
        for (spun, line) in merged {
            if line.candidates.is_empty() {
                continue;
            }
            out += &format!("{spun}\t{}", line.candidates.join(" | "));
            match (line.weight, line.notes.is_empty()) {
                (Some(w), true) => out += &format!("\t{w}"),
                (w, false) => {
                    out += &format!("\t{}\t{}", w.unwrap_or_default(), line.notes.join("; "))
                }
                (None, true) => {}
            }
            out.push('\n');
        }
        Ok(out)
    }

    /// Defers to the tables the learned one will be used with, for the
    /// spun forms they know: such an entry lists their candidates first and
    /// takes their weight, so that a learned table adds candidates without
    /// reordering or reweighing an entry of theirs (a `--dict` table comes
    /// before the built-in ones, and the first table naming a form sets its
    /// weight). An entry that adds no candidate is dropped: theirs stands.
    /// Returns the number of entries dropped.
    ///
    /// ```
    /// use unspin::dict::Dictionary;
    /// use unspin::learn::{mine, Options, Pair};
    ///
    /// let pairs: Vec<Pair> = (0..4)
    ///     .map(|i| Pair { id: i.to_string(), spun: "He mentioned it.".into(), original: "He said it.".into() })
    ///     .collect();
    /// let mut learned = mine(&pairs, &Options::default());
    /// assert_eq!(learned.entries.len(), 1);
    /// learned.defer_to(&Dictionary::builtin(&["news-spinner"]).unwrap());
    /// assert!(learned.entries.is_empty(), "news-spinner has mentioned -> said already");
    /// ```
    pub fn defer_to(&mut self, known: &Dictionary) -> usize {
        let before = self.entries.len();
        self.entries.retain_mut(|e| {
            let Some(k) = known.get(&e.spun).filter(|k| k.spinner) else {
                return true;
            };
            let theirs: Vec<&str> = k.candidates.iter().map(|p| p.original.as_str()).collect();
            let new: Vec<LearnedCandidate> = e
                .candidates
                .iter()
                .filter(|c| !theirs.contains(&c.original.as_str()))
                .cloned()
                .collect();
            if new.is_empty() {
                return false;
            }
            let mut candidates: Vec<LearnedCandidate> = theirs
                .iter()
                .map(|t| LearnedCandidate {
                    original: t.to_string(),
                    count: e
                        .candidates
                        .iter()
                        .find(|c| c.original == *t)
                        .map_or(0, |c| c.count),
                })
                .collect();
            candidates.extend(new);
            e.candidates = candidates;
            e.weight = k.weight;
            e.defers_to = k.candidates.first().map(|p| p.source.to_string());
            true
        });
        before - self.entries.len()
    }
}

/// One line of a merged table, while it is put together.
#[derive(Debug, Default)]
struct MergedLine {
    candidates: Vec<String>,
    /// The weight as written, if any.
    weight: Option<String>,
    notes: Vec<String>,
}

impl MergedLine {
    /// Adds the candidates not yet listed that are not the spun form.
    fn add<'a>(&mut self, spun: &str, new: impl Iterator<Item = &'a str>) {
        for c in new {
            if normalize_phrase(c) != spun && !self.candidates.iter().any(|l| l == c) {
                self.candidates.push(c.to_string());
            }
        }
    }
}

/// The header comment of a learned table.
const HEADER: &str = "\
# Learned by `unspin learn` from spun copies and their originals.
# Format: dictionaries/README.md. Weight: substitutions seen (each document once, more in one
# document at half) against the form's occurrences in the originals, as written by their authors.
";

/// A weight as tables write it: two decimals, within (0, 1].
fn weight_text(w: f32) -> String {
    format!("{:.2}", w.clamp(0.01, 1.0))
}

/// One token of the alignment: its normalized key, kind and byte span.
#[derive(Debug, Clone)]
struct Unit {
    key: String,
    kind: TokenKind,
    span: Range<usize>,
}

impl Unit {
    fn is_word(&self) -> bool {
        self.kind == TokenKind::Word
    }

    /// A hyphen (or dash) joining the words around it.
    fn is_hyphen(&self) -> bool {
        self.kind == TokenKind::Punct && self.key == "-"
    }
}

/// The tokens of `text` that the alignment compares: words, numbers and
/// punctuation, whitespace left out; case, apostrophes, quotes and dashes
/// normalized, a run of dashes one token.
fn units(text: &str) -> Vec<Unit> {
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
struct Change {
    s: Range<usize>,
    o: Range<usize>,
}

/// The alignment of one pair.
struct Alignment {
    spun: Vec<Unit>,
    original: Vec<Unit>,
    /// Whether each unit lies in an equal stretch.
    spun_equal: Vec<bool>,
    original_equal: Vec<bool>,
    changes: Vec<Change>,
    agreement: f64,
}

impl Alignment {
    fn new(spun: &str, original: &str) -> Alignment {
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
struct Substitution {
    spun: String,
    original: String,
}

/// Why a change was not mined (counted in [`PairOutcome::Aligned`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Left {
    Long,
    NextToLong,
    Context,
    Numbers,
    NotWords,
}

/// The substitutions of one aligned pair, and the number of changes left out.
fn substitutions(
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

/// Evidence for one spun form while mining.
#[derive(Debug, Default)]
struct Evidence {
    /// Per original: substitutions seen.
    originals: HashMap<String, usize>,
    /// Per pair index: substitutions seen in it.
    docs: BTreeMap<usize, usize>,
}

/// Mines the substitutions of `pairs` into table entries, with a report
/// of every pair (see the [module documentation](self)).
///
/// ```
/// use unspin::learn::{mine, Options, Pair, PairOutcome};
///
/// let pairs = [Pair {
///     id: "other".into(),
///     spun: "The cat sat on the mat and looked out of the window.".into(),
///     original: "Markets fell sharply in early trading on Monday.".into(),
/// }];
/// let learned = mine(&pairs, &Options::default());
/// assert!(matches!(learned.pairs[0].outcome, PairOutcome::Misaligned(_)));
/// assert!(learned.entries.is_empty());
/// ```
pub fn mine(pairs: &[Pair], options: &Options) -> Learned {
    let mut evidence: HashMap<String, Evidence> = HashMap::new();
    let mut reports = Vec::with_capacity(pairs.len());
    for (k, pair) in pairs.iter().enumerate() {
        let al = Alignment::new(&pair.spun, &pair.original);
        let outcome = if al.spun.is_empty() || al.original.is_empty() {
            PairOutcome::Misaligned(Misalignment::Empty)
        } else if al.agreement < options.min_agreement {
            PairOutcome::Misaligned(Misalignment::LowAgreement {
                agreement: al.agreement,
                min: options.min_agreement,
            })
        } else {
            let (subs, left_out) = substitutions(&pair.spun, &pair.original, &al, options);
            for s in &subs {
                let e = evidence.entry(s.spun.clone()).or_default();
                *e.originals.entry(s.original.clone()).or_default() += 1;
                *e.docs.entry(k).or_default() += 1;
            }
            PairOutcome::Aligned {
                substitutions: subs.len(),
                left_out,
            }
        };
        reports.push(PairReport {
            id: pair.id.clone(),
            agreement: al.agreement,
            outcome,
        });
    }
    let unchanged = occurrences(pairs, &evidence, options.max_words);
    let mut entries = Vec::new();
    let mut under_weight = 0;
    for (spun, e) in evidence {
        let count: usize = e.docs.values().sum();
        let docs = e.docs.len();
        let seen = docs as f64 + 0.5 * (count - docs) as f64;
        let stood = unchanged.get(&spun).copied().unwrap_or(0);
        let weight = (seen / (seen + stood as f64 + 1.0)) as f32;
        if weight < options.min_weight {
            under_weight += 1;
            continue;
        }
        let mut candidates: Vec<LearnedCandidate> = e
            .originals
            .into_iter()
            .map(|(original, count)| LearnedCandidate { original, count })
            .collect();
        candidates.sort_by(|a, b| {
            b.count
                .cmp(&a.count)
                .then_with(|| a.original.cmp(&b.original))
        });
        let ids: BTreeSet<usize> = e.docs.keys().copied().collect();
        entries.push(LearnedEntry {
            spun,
            candidates,
            weight,
            count,
            docs: ids.into_iter().map(|k| pairs[k].id.clone()).collect(),
            unchanged: stood,
            defers_to: None,
        });
    }
    entries.sort_by(|a, b| a.spun.cmp(&b.spun));
    Learned {
        entries,
        pairs: reports,
        under_weight,
    }
}

/// How often each spun form of `evidence` stands in the originals: runs
/// of up to `max` words, joined by spaces or hyphens.
fn occurrences(
    pairs: &[Pair],
    evidence: &HashMap<String, Evidence>,
    max: usize,
) -> HashMap<String, usize> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut key = String::new();
    for pair in pairs {
        let units = units(&pair.original);
        for start in 0..units.len() {
            key.clear();
            let mut words = 0;
            for u in &units[start..] {
                if u.is_hyphen() && words > 0 {
                    continue;
                }
                if !u.is_word() || words == max {
                    break;
                }
                if words > 0 {
                    key.push(' ');
                }
                key.push_str(&u.key);
                words += 1;
                if evidence.contains_key(key.as_str()) {
                    *counts.entry(key.clone()).or_default() += 1;
                }
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(id: &str, spun: &str, original: &str) -> Pair {
        Pair {
            id: id.into(),
            spun: spun.into(),
            original: original.into(),
        }
    }

    fn subs(spun: &str, original: &str) -> Vec<(String, String)> {
        let al = Alignment::new(spun, original);
        let (found, _) = substitutions(spun, original, &al, &Options::default());
        found.into_iter().map(|s| (s.spun, s.original)).collect()
    }

    fn sub(a: &str, b: &str) -> (String, String) {
        (a.to_string(), b.to_string())
    }

    #[test]
    fn typography_is_no_difference() {
        let al = Alignment::new(
            "All buddies – & enemies – know “this”.",
            "All friends—& enemies—know \"this\".",
        );
        assert_eq!(al.changes.len(), 1, "{:?}", al.changes);
        assert_eq!(
            subs(
                "All buddies – & enemies – know “this”.",
                "All friends—& enemies—know \"this\"."
            ),
            [sub("buddies", "friends")]
        );
    }

    #[test]
    fn changes_one_word_apart_are_one_phrase() {
        assert_eq!(
            subs(
                "We met final night time in town.",
                "We met last night in town."
            ),
            [sub("final night time", "last night")]
        );
    }

    #[test]
    fn equal_lengths_are_read_word_for_word() {
        assert_eq!(
            subs(
                "They said the navy motion was over.",
                "They said the military action was over."
            ),
            [sub("navy", "military"), sub("motion", "action")]
        );
    }

    #[test]
    fn a_word_dropped_alone_takes_its_neighbour() {
        assert_eq!(
            subs("It is a brand new car for us.", "It is a new car for us."),
            [sub("brand new", "new")]
        );
    }

    #[test]
    fn number_words_are_left_to_the_number_rules() {
        assert!(subs(
            "About three,000 people came on January three in the rain.",
            "About 3,000 people came on January 3 in the rain."
        )
        .is_empty());
        assert!(subs(
            "He saw 4 ships in the bay that day.",
            "He saw four ships in the bay that day."
        )
        .is_empty());
    }

    #[test]
    fn capitals_of_their_own_are_kept_and_sentence_case_is_not() {
        assert_eq!(
            subs(
                "The individuals of the city. Mentioned he.",
                "The Americans of the city. Said he."
            ),
            [sub("individuals", "Americans"), sub("mentioned", "said")]
        );
    }

    #[test]
    fn a_change_inside_a_name_takes_the_name() {
        assert_eq!(
            subs(
                "It is in the Center East and the Quds Pressure.",
                "It is in the Middle East and the Quds Force."
            ),
            [
                sub("center east", "Middle East"),
                sub("quds pressure", "Quds Force")
            ]
        );
    }

    #[test]
    fn a_long_change_mines_nothing_nor_its_neighbours() {
        let spun = "He mentioned that the struggle was long and hard for all of them, and then the navy left.";
        let original = "He said that the war, which nobody had wanted or foreseen at the time, was long and hard for all of them, and then the military left.";
        let found = subs(spun, original);
        // The long change and the one two words before it; the one far
        // after it stands.
        assert_eq!(found, [sub("navy", "military")]);
    }

    #[test]
    fn a_rewritten_sentence_mines_nothing() {
        let spun = "Officials announced the negotiations collapsed late on Tuesday after a row.";
        let original = "The minister said the talks had failed on Tuesday because of a dispute.";
        assert!(
            subs(spun, original).is_empty(),
            "{:?}",
            subs(spun, original)
        );
    }

    #[test]
    fn weights_grow_with_documents_and_fall_with_authors_use() {
        let mut pairs: Vec<Pair> = (0..4)
            .map(|i| {
                pair(
                    &format!("d{i}"),
                    "He mentioned the struggle ended.",
                    "He said the war ended.",
                )
            })
            .collect();
        let opts = Options {
            min_weight: 0.01,
            ..Options::default()
        };
        let w = |l: &Learned, s: &str| l.entries.iter().find(|e| e.spun == s).unwrap().weight;
        let before = mine(&pairs, &opts);
        pairs.push(pair(
            "x",
            "A struggle, they said.",
            "A struggle, they said.",
        ));
        let after = mine(&pairs, &opts);
        assert!((w(&before, "mentioned") - 0.8).abs() < 1e-6);
        assert!(w(&after, "struggle") < w(&before, "struggle"));
        assert_eq!(
            after
                .entries
                .iter()
                .find(|e| e.spun == "struggle")
                .unwrap()
                .unchanged,
            1
        );
    }

    #[test]
    fn misaligned_pairs_are_reported_and_not_mined() {
        let pairs = [
            pair("ok", "He mentioned it.", "He said it."),
            pair("empty", "", "He said it."),
            pair(
                "other",
                "Quietly the river flowed past old mills.",
                "Stocks rose on Monday as oil prices fell.",
            ),
        ];
        let l = mine(
            &pairs,
            &Options {
                min_weight: 0.01,
                ..Options::default()
            },
        );
        assert_eq!(l.aligned(), 1);
        let skipped: Vec<_> = l.skipped().map(|(id, m)| (id, m.clone())).collect();
        assert_eq!(skipped[0], ("empty", Misalignment::Empty));
        assert!(matches!(
            skipped[1],
            ("other", Misalignment::LowAgreement { .. })
        ));
        assert_eq!(l.entries.len(), 1);
    }

    #[test]
    fn merged_tables_are_canonical_and_keep_existing_entries_first() {
        let pairs: Vec<Pair> = (0..3)
            .map(|i| {
                pair(
                    &i.to_string(),
                    "A struggle began. He mentioned it.",
                    "A fight began. He said it.",
                )
            })
            .collect();
        let learned = mine(&pairs, &Options::default());
        let existing = "# mine\nzulu\tz\nstruggle\twar\t0.7\tby hand\nStruggle\tbattle\n";
        let merged = learned.merge_into(existing, "m.tsv").unwrap();
        let table = Table::parse(&merged, "m.tsv").unwrap();
        assert_eq!(table.canonical_errors(&merged), Vec::<String>::new());
        let e = table.entries.iter().find(|e| e.spun == "struggle").unwrap();
        assert_eq!(e.candidates, ["war", "battle", "fight"]);
        assert_eq!(e.weight, 0.7);
        assert!(e
            .note
            .as_deref()
            .unwrap()
            .starts_with("by hand; learned: 3x"));
        assert!(table.entries.iter().any(|e| e.spun == "mentioned"));
        assert!(table.entries.iter().any(|e| e.spun == "zulu"));
    }

    #[test]
    fn learned_tables_are_canonical() {
        let pairs: Vec<Pair> = (0..3)
            .map(|i| {
                pair(
                    &format!("id\t{i}|x"),
                    "Mentioned he. The individuals left.",
                    "Said he. The people left.",
                )
            })
            .collect();
        let text = mine(&pairs, &Options::default()).to_table_text();
        let table = Table::parse(&text, "l.tsv").unwrap();
        assert_eq!(table.canonical_errors(&text), Vec::<String>::new());
        assert_eq!(table.entries.len(), 2);
    }

    #[test]
    fn deferring_keeps_known_candidates_first_and_their_weight() {
        let known =
            Dictionary::from_tables(&[Table::parse("struggle\twar\t0.6\n", "k.tsv").unwrap()])
                .unwrap();
        let pairs: Vec<Pair> = (0..3)
            .map(|i| pair(&i.to_string(), "A struggle began.", "A fight began."))
            .collect();
        let mut l = mine(&pairs, &Options::default());
        assert_eq!(l.defer_to(&known), 0);
        let e = &l.entries[0];
        let got: Vec<_> = e
            .candidates
            .iter()
            .map(|c| (c.original.as_str(), c.count))
            .collect();
        assert_eq!(got, [("war", 0), ("fight", 3)]);
        assert_eq!(e.weight, 0.6);
        assert!(e.note().ends_with("; after k.tsv:1"));
    }

    #[test]
    fn pairs_name_file_and_line_in_errors() {
        let f = Fields::default();
        let err = |text: &[u8]| parse_pairs(text, "p.jsonl", &f).unwrap_err().to_string();
        assert_eq!(
            err(b"\n{\"spun\":\"a\"\n"),
            "p.jsonl:2: malformed JSON: EOF while parsing an object at column 12"
        );
        assert_eq!(
            err(b"{\"spun\":\"a\",\"original\":\"\xff\"}\n"),
            "p.jsonl:1: invalid UTF-8 at byte 25 of the line"
        );
        let custom = Fields {
            spun: "doc.s".into(),
            original: "o".into(),
            id: "key".into(),
        };
        let pairs = parse_pairs(&b"{\"key\":7,\"doc\":{\"s\":\"a\"},\"o\":\"b\"}\r\n{\"doc\":{\"s\":\"c\"},\"o\":\"d\"}"[..], "p", &custom).unwrap();
        assert_eq!(
            pairs.iter().map(|p| p.id.as_str()).collect::<Vec<_>>(),
            ["7", "line 2"]
        );
        assert_eq!(
            (pairs[1].spun.as_str(), pairs[1].original.as_str()),
            ("c", "d")
        );
    }
}
