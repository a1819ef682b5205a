//! The learned table: its entries, their weights and how it is written, merged
//! and deferred.

use std::collections::BTreeMap;
use std::path::Path;

use crate::dict::{Dictionary, Table};
use crate::error::Result;
use crate::tokenize::normalize_phrase;

use super::{Misalignment, PairOutcome, PairReport};

/// One original a learned spun form stood for, with how often.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LearnedCandidate {
    /// The original as the table writes it (lower case unless its capitals
    /// are its own).
    pub original: String,
    /// Substitutions seen.
    pub count: usize,
    /// Times the original stands in the originals of the aligned pairs,
    /// substituted there or not: `count` of them were spun into the form.
    /// `None` when not counted (a known table's candidate the pairs never
    /// showed substituted, see [`Learned::defer_to`]).
    pub seen: Option<usize>,
}

impl LearnedCandidate {
    /// Its channel counts as a table's fifth field writes them,
    /// `count/seen`, when both are known and the count is not 0.
    pub fn channel(&self) -> Option<String> {
        let seen = self.seen.filter(|_| self.count > 0)?;
        Some(format!("{}/{}", self.count, seen.max(self.count)))
    }
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
    /// The channel field: each candidate's counts (see
    /// [`LearnedCandidate::channel`]), or `None` when a candidate has none.
    pub fn channel(&self) -> Option<String> {
        let each: Option<Vec<String>> = self.candidates.iter().map(|c| c.channel()).collect();
        each.map(|e| e.join(" "))
    }

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

/// What [`mine`](super::mine) learned: the entries kept and a report of every pair.
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
                "{}\t{}\t{}\t{}",
                e.spun,
                originals.join(" | "),
                weight_text(e.weight),
                e.note()
            );
            if let Some(channel) = e.channel() {
                out += &format!("\t{channel}");
            }
            out.push('\n');
        }
        out
    }

    /// The learned entries added to an existing table's text (`name` names
    /// it in errors), in canonical form: the existing header comments are
    /// kept, a spun form in both keeps the existing candidates first and
    /// the existing weight, followed by the learned candidates it lacked,
    /// and every entry is written sorted, each spun form once. A line keeps
    /// a channel field when each of its candidates has a channel value (the
    /// existing table's, as a probability, or the learned counts).
    ///
    /// ```
    /// use unspin::dict::Table;
    /// use unspin::learn::{Learned, LearnedCandidate, LearnedEntry};
    ///
    /// let learned = Learned {
    ///     entries: vec![LearnedEntry {
    ///         spun: "struggle".into(),
    ///         candidates: vec![LearnedCandidate { original: "fight".into(), count: 3, seen: Some(4) }],
    ///         weight: 0.8, count: 3, docs: vec!["a".into()], unchanged: 0, defers_to: None,
    ///     }],
    ///     ..Learned::default()
    /// };
    /// let merged = learned.merge_into("# mine\nstruggle\twar\t0.7\t\t0.5\n", "mine.tsv").unwrap();
    /// assert!(merged.starts_with("# mine\nstruggle\twar | fight\t0.7\tlearned: 3x"));
    /// // The channel of each candidate: the table's own, then the counts.
    /// assert!(merged.ends_with("unchanged 0x\t0.5 3/4\n"));
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
            let channel = |i: usize| e.channel.as_ref().map(|ch| ch[i].to_string());
            line.add(
                &spun,
                e.candidates
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (c.as_str(), channel(i))),
            );
            line.notes.extend(e.note.clone());
        }
        for e in &self.entries {
            let line = merged.entry(e.spun.clone()).or_insert_with(|| MergedLine {
                weight: Some(weight_text(e.weight)),
                ..MergedLine::default()
            });
            line.add(
                &e.spun,
                e.candidates
                    .iter()
                    .map(|c| (c.original.as_str(), c.channel())),
            );
            line.notes.push(e.note());
        }
        for (spun, line) in merged {
            if line.candidates.is_empty() {
                continue;
            }
            out += &format!("{spun}\t{}", line.candidates.join(" | "));
            let channel: Option<Vec<String>> = line.channel.into_iter().collect();
            match (line.weight, line.notes.is_empty(), channel) {
                (w, _, Some(ch)) => {
                    let w = w.unwrap_or_default();
                    out += &format!("\t{w}\t{}\t{}", line.notes.join("; "), ch.join(" "));
                }
                (Some(w), true, None) => out += &format!("\t{w}"),
                (w, false, None) => {
                    out += &format!("\t{}\t{}", w.unwrap_or_default(), line.notes.join("; "))
                }
                (None, true, None) => {}
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
                .map(|t| {
                    let learned = e.candidates.iter().find(|c| c.original == *t);
                    LearnedCandidate {
                        original: t.to_string(),
                        count: learned.map_or(0, |c| c.count),
                        seen: learned.and_then(|c| c.seen),
                    }
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
    /// Each candidate's channel value as written, if known.
    channel: Vec<Option<String>>,
    /// The weight as written, if any.
    weight: Option<String>,
    notes: Vec<String>,
}

impl MergedLine {
    /// Adds the candidates not yet listed that are not the spun form, with
    /// their channel values.
    fn add<'a>(&mut self, spun: &str, new: impl Iterator<Item = (&'a str, Option<String>)>) {
        for (c, channel) in new {
            if normalize_phrase(c) != spun && !self.candidates.iter().any(|l| l == c) {
                self.candidates.push(c.to_string());
                self.channel.push(channel);
            }
        }
    }
}

/// The header comment of a learned table.
const HEADER: &str = "\
# Learned by `unspin learn` from spun copies and their originals.
# Format: dictionaries/README.md. Weight: substitutions seen (each document once, more in one
# document at half) against the form's occurrences in the originals, as written by their authors.
# Channel (fifth field), per candidate: substitutions seen / the original's occurrences in the
# originals of the aligned pairs.
";

/// A weight as tables write it: two decimals, within (0, 1].
fn weight_text(w: f32) -> String {
    format!("{:.2}", w.clamp(0.01, 1.0))
}
