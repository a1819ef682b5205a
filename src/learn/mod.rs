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
//! Each candidate also carries its channel counts, written as the table's
//! fifth field (`3/12`): the times the spinner wrote the form for that
//! original, out of the times the original stands in the originals of the
//! aligned pairs (spun there or left as written). The decision reads them as
//! `P(spinner writes the form | author wrote the original)` (see
//! [`crate::dict`]).
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
//! // "said" stands 3 times in the originals, spun every time.
//! assert!(table.contains("; unchanged 0x\t3/3\n"));
//! // Seen in one document: weight 0.5, the least kept by default.
//! assert!(table.contains("struggle\twar\t0.50\tlearned: 1x in 1 doc (a); unchanged 0x"));
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::io::BufRead;
use std::path::Path;

use crate::error::{Error, Result};
use crate::jsonl::{Document, FieldPath};

pub use crate::eval::Pair;

mod align;
mod table;

use align::{substitutions, units, Alignment};
pub use table::{Learned, LearnedCandidate, LearnedEntry};

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
    let mut aligned = vec![false; pairs.len()];
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
            aligned[k] = true;
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
    let Occurrences {
        forms: unchanged,
        originals: originals_seen,
    } = occurrences(pairs, &aligned, &evidence, options.max_words);
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
            .map(|(original, count)| {
                // Each substitution had its original in place: at least
                // as many occurrences, whatever the tokenizer made of it.
                let seen = originals_seen
                    .get(&original)
                    .map_or(count, |&n| n.max(count));
                LearnedCandidate {
                    original,
                    count,
                    seen: Some(seen),
                }
            })
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

/// How often the spun forms and the originals of the evidence stand in
/// the originals of the pairs.
struct Occurrences {
    /// Each spun form, in the originals of every pair.
    forms: HashMap<String, usize>,
    /// Each original, in the originals of the aligned pairs, substituted
    /// there or not.
    originals: HashMap<String, usize>,
}

/// Joins the keys of an original's units, with a separator no key holds.
const UNIT_SEPARATOR: char = '\u{1f}';

/// How often each spun form of `evidence` stands in the originals (runs of
/// up to `max` words, joined by spaces or hyphens), and each of its
/// originals in the originals of the `aligned` pairs (unit for unit, as the
/// alignment compares them: words in any case, numbers, punctuation).
fn occurrences(
    pairs: &[Pair],
    aligned: &[bool],
    evidence: &HashMap<String, Evidence>,
    max: usize,
) -> Occurrences {
    // The originals by their units' keys: "General" and "general" are one.
    let mut by_units: HashMap<String, Vec<&str>> = HashMap::new();
    let mut longest = 0;
    for original in evidence.values().flat_map(|e| e.originals.keys()) {
        let keys: Vec<String> = units(original).into_iter().map(|u| u.key).collect();
        longest = longest.max(keys.len());
        let sep = UNIT_SEPARATOR.to_string();
        by_units.entry(keys.join(&sep)).or_default().push(original);
    }
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut unit_counts: HashMap<String, usize> = HashMap::new();
    let mut key = String::new();
    for (pair, &aligned) in pairs.iter().zip(aligned) {
        let units = units(&pair.original);
        if aligned {
            for start in 0..units.len() {
                key.clear();
                for (n, u) in units[start..].iter().take(longest).enumerate() {
                    if n > 0 {
                        key.push(UNIT_SEPARATOR);
                    }
                    key.push_str(&u.key);
                    if by_units.contains_key(key.as_str()) {
                        *unit_counts.entry(key.clone()).or_default() += 1;
                    }
                }
            }
        }
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
    let originals = unit_counts
        .into_iter()
        .flat_map(|(k, n)| by_units[&k].iter().map(move |o| (o.to_string(), n)))
        .collect();
    Occurrences {
        forms: counts,
        originals,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict::{Dictionary, Table};

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

    /// The channel field of `spun`'s entry in `learned`.
    fn channel_of(learned: &Learned, spun: &str) -> Option<String> {
        let e = learned.entries.iter().find(|e| e.spun == spun).unwrap();
        e.channel()
    }

    #[test]
    fn channel_counts_are_the_substitutions_over_the_originals_occurrences() {
        let pairs = [
            pair(
                "a",
                "He mentioned it was over, and he said it twice. Final night time we left.",
                "He said it was over, and he said it twice. Last night we left.",
            ),
            // "last night" stands as written: the spinner left it here.
            pair(
                "b",
                "Final night time we left. We came back last night.",
                "Last night we left. We came back last night.",
            ),
            // Not aligned: its originals count for nothing.
            pair(
                "c",
                "Quietly the river flowed past the old mills at dawn.",
                "He said, said and said it: last night, last night.",
            ),
        ];
        let learned = mine(&pairs, &Options::default());
        assert_eq!(learned.aligned(), 2);
        assert_eq!(channel_of(&learned, "mentioned").as_deref(), Some("1/2"));
        assert_eq!(
            channel_of(&learned, "final night time").as_deref(),
            Some("2/3")
        );
        let text = learned.to_table_text();
        assert!(text.contains("; unchanged 0x\t1/2\n"), "{text}");
        assert!(Table::parse(&text, "t.tsv")
            .unwrap()
            .canonical_errors(&text)
            .is_empty());
    }

    #[test]
    fn a_learned_tables_counts_reach_the_dictionary_candidates() {
        let pairs: Vec<Pair> = (0..2)
            .map(|i| {
                pair(
                    &i.to_string(),
                    "He mentioned it, and he said so.",
                    "He said it, and he said so.",
                )
            })
            .collect();
        let text = mine(&pairs, &Options::default()).to_table_text();
        let dict = Dictionary::from_tables(&[Table::parse(&text, "t.tsv").unwrap()]).unwrap();
        let entry = dict.get("mentioned").unwrap();
        assert_eq!(entry.candidates[0].original, "said");
        assert_eq!(entry.candidates[0].channel, Some(0.5));
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
