//! Substitution tables (spun form -> original candidates) and their
//! compiled form: an [`fst::Map`] from spun form to entry, and a trie over
//! whole words that scans text for the forms.
//!
//! # Table format
//!
//! A table is UTF-8 text, one entry a line, fields separated by one TAB:
//!
//! ```text
//! # comment lines start with '#'; blank lines are ignored
//! <spun form>\t<candidates>[\t<weight>[\t<note>[\t<channel>]]]
//! ```
//!
//! * **spun form**: lower-case words separated by single spaces, straight
//!   apostrophes (`one in all`, `1000's`). Words are what [`crate::tokenize`]
//!   calls words; in running text any whitespace between them matches.
//! * **candidates**: one or more originals separated by ` | `, most likely
//!   first. Lower case unless intrinsically capitalised (`Americans`); the
//!   case of the text is copied onto them when restoring.
//! * **weight**: optional, in (0, 1], default 0.5: how distinctive the spun
//!   form is of spinning (1.0: never written by an author in clean English).
//! * **note**: optional free text.
//! * **channel**: optional, one value a candidate separated by spaces: the
//!   probability that the spinner writes the form for that candidate, as a
//!   probability (`0.25`) or as counts (`3/12`: written 3 times of the 12
//!   the candidate was met, as `unspin learn` records them). Without it the
//!   decision derives the channel from the weight and the candidate's rank.
//!   Tables without the field read as before.
//!
//! A header comment line `# unspin: kind=general` marks a *general* table:
//! synonym sets from a public lexicon (Moby, WordNet) rather than forms known
//! as a spinner's. Its candidates need much stronger evidence before they
//! are restored (see [`TableKind`]).
//!
//! A table is *canonical* when its entries are sorted by spun form (byte
//! order), each spun form appears once, no candidate equals its spun form and
//! no line has stray spaces; [`Table::canonical_errors`] lists departures,
//! and the test suite keeps the shipped tables canonical.
//!
//! ```
//! use unspin::dict::{Dictionary, Table};
//! let table = Table::parse("one in all\tone of\t1.0\n", "mine.tsv").unwrap();
//! let dict = Dictionary::from_tables(&[table]).unwrap();
//! let entry = dict.get("one in all").unwrap();
//! assert_eq!(entry.candidates[0].original, "one of");
//! assert_eq!(entry.candidates[0].source.to_string(), "mine.tsv:1");
//! ```

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::{Error, Result};
use crate::meaning::{self, Change};
use crate::tokenize::{
    is_capitals, is_hyphen_token, normalize_into, normalize_phrase, Case, Token, TokenKind,
};

/// The tables shipped with unspin, by name: `(name, contents)`.
pub const BUILTIN_TABLES: &[(&str, &str)] = &[
    (
        "news-spinner",
        include_str!("../dictionaries/news-spinner.tsv"),
    ),
    (
        "tortured-phrases",
        include_str!("../dictionaries/tortured-phrases.tsv"),
    ),
    (
        "general-moby",
        include_str!("../dictionaries/general-moby.tsv"),
    ),
    (
        "general-wordnet",
        include_str!("../dictionaries/general-wordnet.tsv"),
    ),
];

/// The built-in tables used when none are named. The general lexicons
/// (`general-moby`, `general-wordnet`) are opt-in: on spins whose synonym
/// data differ from theirs they restore little, and a spun document costs
/// about four times as much to analyse with them (see the README).
pub const DEFAULT_TABLES: &[&str] = &["news-spinner"];

/// Default weight of an entry whose line gives none.
pub const DEFAULT_WEIGHT: f32 = 0.5;

/// One line of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The spun form, as written in the table.
    pub spun: String,
    /// The original candidates, most likely first.
    pub candidates: Vec<String>,
    /// How distinctive the spun form is of spinning, in (0, 1].
    pub weight: f32,
    /// The weight as written, if any (kept so that canonical output round-trips).
    pub weight_text: Option<String>,
    /// Free-text note.
    pub note: Option<String>,
    /// 1-based line number in the table.
    pub line: usize,
    /// The channel probability of each candidate, `P(spinner writes this
    /// form | the author wrote the candidate)`, when the table gives it
    /// (the fifth field, or a thesaurus's structure).
    pub channel: Option<Vec<f32>>,
    /// The probability that an author's use of the form survives a spinner
    /// that spins at full rate (0 for a form that is itself a key the
    /// spinner always replaces, 1 for a form that is no key), when known
    /// (see [`crate::thesaurus`]).
    pub standing: Option<f32>,
}

/// What a table's forms are evidence of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TableKind {
    /// Forms known as a spinner's output: a match is evidence that the
    /// document is spun (the default).
    #[default]
    Spinner,
    /// Synonym sets of a general lexicon, read in both directions: almost
    /// every word of English is in one, so a match is no evidence of spinning
    /// by itself. These forms are considered only in a document judged spun,
    /// and their candidates carry a channel cost of their own.
    General,
}

/// The header line that marks a general table.
pub const GENERAL_HEADER: &str = "# unspin: kind=general";

/// A parsed substitution table.
#[derive(Debug, Clone)]
pub struct Table {
    /// The table's name: a path, or `<builtin:NAME>`.
    pub name: Arc<str>,
    /// What its forms are evidence of (from its header).
    pub kind: TableKind,
    /// The entries in file order.
    pub entries: Vec<Entry>,
    /// Whether its spinner draws a fresh replacement at every occurrence,
    /// the word itself included (a thesaurus read with every member a key),
    /// so that an original standing elsewhere in a document is weak
    /// evidence against a site; otherwise one form is replaced the same way
    /// throughout a document.
    pub per_occurrence: bool,
}

impl Table {
    /// Parses a table; `name` is used in errors and in each candidate's source.
    pub fn parse(text: &str, name: impl AsRef<Path>) -> Result<Table> {
        let name: Arc<str> = name.as_ref().display().to_string().into();
        let err = |line: usize, message: String| Error::Table {
            path: PathBuf::from(&*name),
            line,
            message,
        };
        let mut entries = Vec::new();
        let mut kind = TableKind::Spinner;
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            if raw.trim_end() == GENERAL_HEADER {
                kind = TableKind::General;
            }
            if raw.trim().is_empty() || raw.trim_start().starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = raw.split('\t').collect();
            if fields.len() < 2 {
                return Err(err(
                    line,
                    "expected `spun form<TAB>candidates`, found no TAB".into(),
                ));
            }
            if fields.len() > 5 {
                return Err(err(
                    line,
                    format!("{} fields, at most 5 allowed", fields.len()),
                ));
            }
            let spun = fields[0].trim();
            if spun.is_empty() {
                return Err(err(line, "empty spun form".into()));
            }
            let candidates: Vec<String> =
                fields[1].split('|').map(|c| c.trim().to_string()).collect();
            if candidates.iter().any(|c| c.is_empty()) {
                return Err(err(line, format!("empty candidate in `{}`", fields[1])));
            }
            let (weight, weight_text) = match fields.get(2).map(|w| w.trim()) {
                None | Some("") => (DEFAULT_WEIGHT, None),
                Some(w) => match w.parse::<f32>() {
                    Ok(v) if v > 0.0 && v <= 1.0 => (v, Some(w.to_string())),
                    _ => return Err(err(line, format!("weight `{w}` is not a number in (0, 1]"))),
                },
            };
            let note = fields
                .get(3)
                .map(|n| n.trim().to_string())
                .filter(|n| !n.is_empty());
            let channel = match fields.get(4).map(|c| c.trim()) {
                None | Some("") => None,
                Some(c) => Some(parse_channel(c, candidates.len()).map_err(|m| err(line, m))?),
            };
            entries.push(Entry {
                spun: spun.to_string(),
                candidates,
                weight,
                weight_text,
                note,
                line,
                channel,
                standing: None,
            });
        }
        Ok(Table {
            name,
            kind,
            entries,
            per_occurrence: false,
        })
    }

    /// Reads and parses a table file.
    pub fn read(path: &Path) -> Result<Table> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = crate::input::decode(bytes, path)?;
        Table::parse(&text, path)
    }

    /// A built-in table by name (see [`BUILTIN_TABLES`]).
    pub fn builtin(name: &str) -> Option<Table> {
        let (_, text) = BUILTIN_TABLES.iter().find(|(n, _)| *n == name)?;
        // The built-in tables are checked by the test suite, so they parse.
        Table::parse(text, format!("dictionaries/{name}.tsv")).ok()
    }

    /// The kind of a built-in table, read from its header alone (see
    /// [`GENERAL_HEADER`]), or `None` for an unknown name.
    pub fn builtin_kind(name: &str) -> Option<TableKind> {
        let (_, text) = BUILTIN_TABLES.iter().find(|(n, _)| *n == name)?;
        let general = text
            .lines()
            .take_while(|l| l.starts_with('#'))
            .any(|l| l.trim_end() == GENERAL_HEADER);
        Some(match general {
            true => TableKind::General,
            false => TableKind::Spinner,
        })
    }

    /// A built-in table by name, or an error listing the known names.
    pub fn builtin_named(name: &str) -> Result<Table> {
        Table::builtin(name).ok_or_else(|| Error::Table {
            path: PathBuf::from(format!("<builtin:{name}>")),
            line: 0,
            message: format!(
                "no built-in table `{name}` (known: {})",
                BUILTIN_TABLES
                    .iter()
                    .map(|(n, _)| *n)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
    }

    /// The spun forms given on more than one line (as they match: any
    /// case, straight or curly apostrophes), each as `(form, first line,
    /// later line)`. They are not errors: the later line's candidates are
    /// added after the first's, and the first line's weight is used; a
    /// user's table warns of them, as one of the lines is likely a slip.
    ///
    /// ```
    /// use unspin::dict::Table;
    /// let t = Table::parse("a b\tc\nx\ty\nA  b\td\n", "t.tsv").unwrap();
    /// assert_eq!(t.duplicates(), [("a b".to_string(), 1, 3)]);
    /// ```
    pub fn duplicates(&self) -> Vec<(String, usize, usize)> {
        let mut first: HashMap<String, usize> = HashMap::new();
        let mut out = Vec::new();
        for e in &self.entries {
            let key = normalize_phrase(&e.spun);
            match first.get(&key) {
                Some(&line) => out.push((key, line, e.line)),
                None => {
                    first.insert(key, e.line);
                }
            }
        }
        out
    }

    /// Every way `text` (the table's source) departs from the canonical form,
    /// one message a problem, each starting with `name:line:`.
    pub fn canonical_errors(&self, text: &str) -> Vec<String> {
        let mut errors = Vec::new();
        let mut prev: Option<&Entry> = None;
        for e in &self.entries {
            let at = format!("{}:{}", self.name, e.line);
            let mut key = String::new();
            normalize_into(&e.spun, &mut key);
            if key != e.spun {
                errors.push(format!(
                    "{at}: spun form `{}` is not lower case with straight apostrophes",
                    e.spun
                ));
            }
            if e.spun.split(' ').any(|w| w.is_empty()) {
                errors.push(format!("{at}: spun form `{}` has repeated spaces", e.spun));
            }
            if let Some(p) = prev {
                if p.spun == e.spun {
                    errors.push(format!(
                        "{at}: duplicate spun form `{}` (also line {})",
                        e.spun, p.line
                    ));
                } else if p.spun > e.spun {
                    errors.push(format!(
                        "{at}: `{}` sorts before `{}` on line {}",
                        e.spun, p.spun, p.line
                    ));
                }
            }
            for (i, c) in e.candidates.iter().enumerate() {
                if normalize_phrase(c) == key {
                    errors.push(format!("{at}: candidate `{c}` is the spun form itself"));
                }
                if e.candidates[..i].contains(c) {
                    errors.push(format!("{at}: candidate `{c}` listed twice"));
                }
            }
            prev = Some(e);
        }
        for (i, line) in text.lines().enumerate() {
            if line != line.trim_end() {
                errors.push(format!("{}:{}: trailing whitespace", self.name, i + 1));
            }
            if !line.starts_with('#') && line.split('\t').any(|f| f != f.trim()) {
                errors.push(format!(
                    "{}:{}: a field has surrounding spaces",
                    self.name,
                    i + 1
                ));
            }
        }
        if !text.is_empty() && !text.ends_with('\n') {
            errors.push(format!("{}: no newline at end of file", self.name));
        }
        errors
    }
}

/// Parses a table's fifth field: one channel probability a candidate,
/// separated by spaces, each a probability in (0, 1] (`0.25`) or a count of
/// the times the spinner wrote the form for the candidate over the times it
/// met the candidate (`3/12`, as `unspin learn` writes them).
fn parse_channel(field: &str, candidates: usize) -> std::result::Result<Vec<f32>, String> {
    let values = field
        .split_whitespace()
        .map(|v| {
            let p = match v.split_once('/') {
                Some((a, b)) => match (a.parse::<f32>(), b.parse::<f32>()) {
                    (Ok(a), Ok(b)) if a >= 0.0 && b > 0.0 => Some((a / b).min(1.0)),
                    _ => None,
                },
                None => v.parse::<f32>().ok(),
            };
            p.filter(|p| *p > 0.0 && *p <= 1.0).ok_or_else(|| {
                format!("channel `{v}` is not a probability in (0, 1] nor a count `spun/seen`")
            })
        })
        .collect::<std::result::Result<Vec<f32>, String>>()?;
    if values.len() != candidates {
        return Err(format!(
            "{} channel values for {candidates} candidates",
            values.len()
        ));
    }
    Ok(values)
}

/// Where a candidate came from: a table and a line in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// The table's name (a path or `dictionaries/NAME.tsv`).
    pub table: Arc<str>,
    /// 1-based line of the entry.
    pub line: usize,
    /// `table:line`, written once and shared by every finding it proposes.
    label: Arc<str>,
}

impl Source {
    /// The source at `line` of `table`.
    pub fn new(table: Arc<str>, line: usize) -> Source {
        let label = format!("{table}:{line}").into();
        Source { table, line, label }
    }

    /// The source as `table:line`, shared (cloning it copies no text).
    pub fn label(&self) -> &Arc<str> {
        &self.label
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label)
    }
}

/// One original a spun form may stand for.
#[derive(Debug, Clone, PartialEq)]
pub struct Proposal {
    /// The original wording, in the table's case.
    pub original: String,
    /// The case of the original as the table writes it (`Americans`:
    /// title case, a capital of its own).
    pub case: Case,
    /// Its rank among the entry's candidates of the same kind (0 = listed first).
    pub rank: usize,
    /// The kind of table that proposed it.
    pub kind: TableKind,
    /// How it changes the meaning of the spun form, worked out once here
    /// rather than at every site.
    pub(crate) change: Change,
    /// The table line that proposed it.
    pub source: Source,
    /// `P(spinner writes the form | the author wrote this original)`, when
    /// its table gives it (see [`Entry::channel`]).
    pub channel: Option<f32>,
    /// Whether its table's spinner chooses per occurrence (see
    /// [`Table::per_occurrence`]).
    pub per_occurrence: bool,
}

/// The compiled dictionary entry of one spun form, merged across tables.
#[derive(Debug, Clone)]
pub struct DictEntry {
    /// The normalized spun form.
    pub spun: String,
    /// Number of words in the spun form.
    pub words: usize,
    /// How distinctive the form is of spinning (from the first spinner
    /// table naming it, else from the first general one).
    pub weight: f32,
    /// Whether a spinner table (not only a general one) names it.
    pub spinner: bool,
    /// The probability that an author's use of the form survives spinning,
    /// when a table knows it (see [`Entry::standing`]).
    pub standing: Option<f32>,
    /// The candidates, in table order.
    pub candidates: Vec<Proposal>,
}

/// Substitution tables compiled into an fst map from normalized spun form
/// to an index into the entry list, with a word-level index of the same
/// forms for scanning text.
///
/// Cheap to share: it is immutable, `Send` and `Sync`.
pub struct Dictionary {
    map: fst::Map<Vec<u8>>,
    entries: Vec<DictEntry>,
    words: WordTrie,
    /// Whether a hyphen between two words matches a space of a phrase: the
    /// spinner's own tables list its hyphenated outputs that way ("far off"
    /// for "far-off"); a general lexicon's phrases are an author's, and a
    /// hyphenated compound ("think-tank") is no substitution of them.
    hyphens_join: bool,
    /// Unique among the dictionaries of this process, for memos of its
    /// lookups.
    serial: u64,
}

/// Articles and prepositions a spinner's phrase may carry along unchanged.
const FRAME_WORDS: [&str; 14] = [
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "with", "by", "from", "into", "as",
];

/// Adds the inner phrase of every spinner phrase framed by an article or
/// preposition that all its candidates share (`a detailed ally` -> `a close
/// ally` gives `detailed ally` -> `close ally`), where the inner phrase has
/// two words or more and is not an entry already: the spinner rewrote the
/// words inside, and the text may frame them otherwise ("his detailed
/// ally"). An inner phrase with fewer than two words besides articles and
/// prepositions is left out: without its frame it is far more often the
/// author's.
fn derive_inner_phrases(entries: &mut Vec<DictEntry>, index: &HashMap<String, usize>) {
    let mut derived: HashMap<String, DictEntry> = HashMap::new();
    for e in entries.iter().filter(|e| e.spinner && e.words >= 3) {
        let words: Vec<&str> = e.spun.split(' ').collect();
        let frames = [(words[0], true), (words[words.len() - 1], false)];
        for (frame, leading) in frames {
            if !FRAME_WORDS.contains(&frame) {
                continue;
            }
            let strip = |phrase: &str| -> Option<String> {
                let lower = phrase.to_lowercase();
                let inner = match leading {
                    true => lower.strip_prefix(frame)?.strip_prefix(' ')?,
                    false => lower.strip_suffix(frame)?.strip_suffix(' ')?,
                };
                // Keep the candidate's own case: only the frame goes.
                let cut = phrase.len() - inner.len();
                Some(match leading {
                    true => phrase[cut..].to_string(),
                    false => phrase[..phrase.len() - cut].to_string(),
                })
            };
            let Some(spun) = strip(&e.spun) else { continue };
            let content = spun.split(' ').filter(|w| !FRAME_WORDS.contains(w)).count();
            if content < 2 {
                continue;
            }
            let spinner_candidates = e.candidates.iter().filter(|p| p.kind == TableKind::Spinner);
            let inner: Option<Vec<Proposal>> = spinner_candidates
                .map(|p| {
                    strip(&p.original).map(|original| Proposal {
                        change: meaning::change(&spun, &original),
                        original,
                        ..p.clone()
                    })
                })
                .collect();
            let Some(candidates) = inner else { continue };
            if index.contains_key(&spun) || candidates.iter().any(|p| p.original == spun) {
                continue;
            }
            derived.entry(spun.clone()).or_insert_with(|| DictEntry {
                words: spun.split(' ').count(),
                spun,
                weight: e.weight,
                spinner: true,
                standing: e.standing,
                candidates,
            });
        }
    }
    entries.extend(derived.into_values());
}

/// The spun forms as a trie over whole words.
///
/// Scanning text asks at every word whether a form starts there and how far
/// it goes; walking the fst byte by byte decodes a node per byte, which cost
/// more than the rest of the analysis of clean text. Here each word costs
/// two hash lookups, and most words of a text are in no form at all.
#[derive(Default)]
struct WordTrie {
    /// Each word of a spun form, with its id.
    ids: FxHashMap<Box<str>, u32>,
    /// The child of a node by a word: `node << 32 | word id`.
    children: FxHashMap<u64, u32>,
    /// At each node (0 is the root): the entry ending there, if any, and
    /// whether longer forms go on from it.
    nodes: Vec<(Option<u32>, bool)>,
}

impl WordTrie {
    fn new(entries: &[DictEntry]) -> WordTrie {
        let mut trie = WordTrie {
            nodes: vec![(None, false)],
            ..WordTrie::default()
        };
        for (i, e) in entries.iter().enumerate() {
            let mut node = 0u32;
            for w in e.spun.split(' ') {
                let next_id = trie.ids.len() as u32;
                let id = *trie.ids.entry(w.into()).or_insert(next_id);
                let next_node = trie.nodes.len() as u32;
                trie.nodes[node as usize].1 = true;
                node = *trie
                    .children
                    .entry(u64::from(node) << 32 | u64::from(id))
                    .or_insert(next_node);
                if node == next_node {
                    trie.nodes.push((None, false));
                }
            }
            trie.nodes[node as usize].0 = Some(i as u32);
        }
        trie
    }

    /// The node reached from `node` by the word with id `id`.
    fn step(&self, node: u32, id: u32) -> Option<u32> {
        self.children
            .get(&(u64::from(node) << 32 | u64::from(id)))
            .copied()
    }
}

impl fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dictionary")
            .field("entries", &self.entries.len())
            .finish()
    }
}

/// What [`Dictionary::longest_match_by`] needs of one word token.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TokenWord {
    /// The id of its normalized form among the words of the spun forms, if
    /// any form has it.
    pub(crate) id: Option<u32>,
    /// Whether it is written in capitals ([`is_capitals`]).
    pub(crate) capitals: bool,
}

/// A dictionary match in a token stream.
#[derive(Debug, Clone, Copy)]
pub struct Match<'d> {
    /// Index of the first word token.
    pub first: usize,
    /// Index of the last word token (inclusive).
    pub last: usize,
    /// The dictionary entry matched.
    pub entry: &'d DictEntry,
    /// Its index in [`Dictionary::entries`].
    pub index: usize,
}

impl Dictionary {
    /// Compiles tables into one dictionary. Earlier tables come first: their
    /// candidates are listed first and their weight wins for a shared form.
    pub fn from_tables(tables: &[Table]) -> Result<Dictionary> {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut entries: Vec<DictEntry> = Vec::new();
        for table in tables {
            for e in &table.entries {
                let key = normalize_phrase(&e.spun);
                if key.is_empty() {
                    return Err(Error::Table {
                        path: PathBuf::from(&*table.name),
                        line: e.line,
                        message: "spun form has no words".into(),
                    });
                }
                let slot = *index.entry(key.clone()).or_insert_with(|| {
                    entries.push(DictEntry {
                        words: key.split(' ').count(),
                        spun: key.clone(),
                        weight: e.weight,
                        spinner: false,
                        standing: None,
                        candidates: Vec::new(),
                    });
                    entries.len() - 1
                });
                let entry = &mut entries[slot];
                if table.kind == TableKind::Spinner && !entry.spinner {
                    entry.spinner = true;
                    entry.weight = e.weight;
                }
                entry.standing = match (entry.standing, e.standing) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                // The candidates it has, looked up in a set where they are
                // many: a line may hold a hundred thousand of them.
                let many = entry.candidates.len() + e.candidates.len() > 16;
                let mut known: FxHashSet<String> = match many {
                    true => entry
                        .candidates
                        .iter()
                        .map(|p| p.original.clone())
                        .collect(),
                    false => FxHashSet::default(),
                };
                let mut rank = entry
                    .candidates
                    .iter()
                    .filter(|p| p.kind == table.kind)
                    .count();
                for (i, c) in e.candidates.iter().enumerate() {
                    let listed = match many {
                        true => !known.insert(c.clone()),
                        false => entry.candidates.iter().any(|p| &p.original == c),
                    };
                    if listed || normalize_phrase(c) == key {
                        continue;
                    }
                    entry.candidates.push(Proposal {
                        case: Case::of(c),
                        original: c.clone(),
                        rank,
                        kind: table.kind,
                        change: meaning::change(&key, c),
                        source: Source::new(table.name.clone(), e.line),
                        channel: e.channel.as_ref().and_then(|ch| ch.get(i).copied()),
                        per_occurrence: table.per_occurrence,
                    });
                    rank += 1;
                }
            }
        }
        entries.retain(|e| !e.candidates.is_empty());
        derive_inner_phrases(&mut entries, &index);
        for e in &mut entries {
            // A spinner table's candidates before a general one's, whatever
            // the order of the tables (a stable sort keeps each kind's order).
            e.candidates.sort_by_key(|p| p.kind != TableKind::Spinner);
        }
        entries.sort_by(|a, b| a.spun.cmp(&b.spun));
        let map = fst::Map::from_iter(
            entries
                .iter()
                .enumerate()
                .map(|(i, e)| (e.spun.as_bytes(), i as u64)),
        )
        .map_err(|e| Error::Table {
            path: PathBuf::from("<dictionary>"),
            line: 0,
            message: format!("building the fst failed: {e}"),
        })?;
        let words = WordTrie::new(&entries);
        Ok(Dictionary {
            map,
            entries,
            words,
            hyphens_join: tables.iter().any(|t| t.kind == TableKind::Spinner),
            serial: crate::next_serial(),
        })
    }

    /// The dictionary of the built-in tables named (see [`BUILTIN_TABLES`]).
    pub fn builtin(names: &[&str]) -> Result<Dictionary> {
        let tables = names
            .iter()
            .map(|n| Table::builtin_named(n))
            .collect::<Result<Vec<_>>>()?;
        Dictionary::from_tables(&tables)
    }

    /// Number of distinct spun forms.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the dictionary holds no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// All entries, sorted by spun form.
    pub fn entries(&self) -> &[DictEntry] {
        &self.entries
    }

    /// The entry of a spun form (any case, any apostrophe, any spacing).
    pub fn get(&self, spun: &str) -> Option<&DictEntry> {
        let key = normalize_phrase(spun);
        self.map
            .get(key.as_bytes())
            .map(|i| &self.entries[i as usize])
    }

    /// A number no other dictionary of this process has, for keeping memos
    /// of its lookups apart.
    pub(crate) fn serial(&self) -> u64 {
        self.serial
    }

    /// The id of a normalized word among the words of the spun forms, if
    /// any form has it (see [`Dictionary::longest_match_by`]).
    pub(crate) fn word_id(&self, normalized: &str) -> Option<u32> {
        self.words.ids.get(normalized).copied()
    }

    /// The longest entry whose words start at word token `first` of `tokens`
    /// (a tokenization of `text`). Words may be separated by any whitespace
    /// or by one hyphen (the spinner writes `far-off`, `non-public`), but not
    /// by other punctuation. A lower-case word touching a hyphen outside the
    /// match never matches: the spinner leaves such words alone. In a
    /// dictionary of general lexicons only, a hyphen never joins two words.
    pub fn longest_match(&self, text: &str, tokens: &[Token], first: usize) -> Option<Match<'_>> {
        let mut buf = String::new();
        self.longest_match_by(text, tokens, first, |k| {
            let written = &text[tokens[k].span.clone()];
            buf.clear();
            normalize_into(written, &mut buf);
            TokenWord {
                id: self.word_id(&buf),
                capitals: is_capitals(written),
            }
        })
    }

    /// [`Dictionary::longest_match`] with what the dictionary knows of word
    /// token `k` given by `word(k)`, so that a scan of a whole text looks
    /// each spelling up once.
    pub(crate) fn longest_match_by(
        &self,
        text: &str,
        tokens: &[Token],
        first: usize,
        mut word: impl FnMut(usize) -> TokenWord,
    ) -> Option<Match<'_>> {
        let mut node = 0;
        let mut best = None;
        let lower = |k: usize| Case::of(&text[tokens[k].span.clone()]) == Case::Lower;
        let hyphen = |k: Option<&Token>| k.is_some_and(|t| is_hyphen_token(text, t));
        let start = tokens.get(first)?;
        if start.touches_hyphen && first > 0 && hyphen(tokens.get(first - 1)) && lower(first) {
            return None;
        }
        let mut k = first;
        let mut in_capitals = false;
        loop {
            let tok = tokens.get(k)?;
            if tok.kind != TokenKind::Word {
                return best;
            }
            // The spinner never matches words in capitals, so a phrase mixing
            // them with other words ("THE handiest") is not its output; text
            // wholly in capitals is matched (and its case carried over).
            let TokenWord { id, capitals } = word(k);
            if k == first {
                in_capitals = capitals;
            } else if capitals != in_capitals {
                return best;
            }
            let Some(next) = id.and_then(|id| self.words.step(node, id)) else {
                return best;
            };
            node = next;
            let (entry, goes_on) = self.words.nodes[node as usize];
            let hyphen_after = tok.touches_hyphen && hyphen(tokens.get(k + 1));
            if let Some(i) = entry.filter(|_| !(hyphen_after && lower(k))) {
                best = Some(Match {
                    first,
                    last: k,
                    entry: &self.entries[i as usize],
                    index: i as usize,
                });
            }
            if !goes_on {
                return best;
            }
            // Step over one whitespace token or one hyphen to the next word.
            match tokens.get(k + 1) {
                Some(t) if t.kind == TokenKind::Space || (hyphen_after && self.hyphens_join) => {
                    k += 2
                }
                _ => return best,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::tokenize;

    fn dict(text: &str) -> Dictionary {
        Dictionary::from_tables(&[Table::parse(text, "t.tsv").unwrap()]).unwrap()
    }

    #[test]
    fn parse_reports_file_and_line() {
        let err = Table::parse("# c\nok\tfine\nbad line\n", "x.tsv").unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.tsv:3: expected `spun form<TAB>candidates`, found no TAB"
        );
        let err = Table::parse("a\tb\t2\n", "x.tsv").unwrap_err();
        assert!(err.to_string().starts_with("x.tsv:1: weight `2`"));
    }

    #[test]
    fn longest_phrase_wins_across_any_whitespace() {
        let d = dict("one\tnone\none in all\tone of\t1.0\n");
        let text = "One  in\nall of them";
        let toks = tokenize(text);
        let m = d.longest_match(text, &toks, 0).unwrap();
        assert_eq!(m.entry.spun, "one in all");
        assert_eq!(
            &text[toks[m.first].span.start..toks[m.last].span.end],
            "One  in\nall"
        );
    }

    #[test]
    fn shorter_entry_matches_when_phrase_breaks_off() {
        let d = dict("one\tnone\none in all\tone of\n");
        let text = "one in a";
        let toks = tokenize(text);
        assert_eq!(d.longest_match(text, &toks, 0).unwrap().entry.spun, "one");
    }

    #[test]
    fn punctuation_breaks_a_phrase() {
        let d = dict("center east\tMiddle East\n");
        let text = "center, east";
        let toks = tokenize(text);
        assert!(d.longest_match(text, &toks, 0).is_none());
    }

    #[test]
    fn lower_case_words_touching_hyphens_do_not_match_but_capitalised_do() {
        let d = dict("common\tgeneral\nmain\tmajor\n");
        let text = "Main-Common common-sense";
        let toks = tokenize(text);
        assert!(d.longest_match(text, &toks, 0).is_some());
        assert!(d.longest_match(text, &toks, 2).is_some());
        assert!(d.longest_match(text, &toks, 4).is_none());
    }

    #[test]
    fn a_hyphen_inside_a_phrase_matches_a_space_in_the_table() {
        let d = dict("far off\tfar away\nnon public\tprivate\n");
        let text = "as far-off as non-public-ish";
        let toks = tokenize(text);
        assert_eq!(
            d.longest_match(text, &toks, 2).unwrap().entry.spun,
            "far off"
        );
        // "public" touches a second hyphen outside the match.
        assert!(d.longest_match(text, &toks, 8).is_none());
    }

    #[test]
    fn a_general_lexicon_never_matches_across_a_hyphen() {
        let table = format!("{GENERAL_HEADER}\nthink tank\tcompany\ntank\tcontainer\n");
        let general = Table::parse(&table, "g.tsv").unwrap();
        let d = Dictionary::from_tables(&[general]).unwrap();
        let text = "a think-tank and a think tank";
        let toks = tokenize(text);
        assert!(d.longest_match(text, &toks, 2).is_none());
        assert!(d.longest_match(text, &toks, 4).is_none());
        assert_eq!(
            d.longest_match(text, &toks, 10).unwrap().entry.spun,
            "think tank"
        );
    }

    #[test]
    fn a_phrase_never_mixes_words_in_capitals_with_others() {
        let d = dict("center east\tMiddle East\nthe handiest\tthe most effective\nhandiest\tmost effective\nusa\tUnited States\nusa today\tx\n");
        let text = "THE handiest USA today CENTER EAST";
        let toks = tokenize(text);
        assert!(d.longest_match(text, &toks, 0).is_none());
        assert_eq!(
            d.longest_match(text, &toks, 2).unwrap().entry.spun,
            "handiest"
        );
        assert_eq!(d.longest_match(text, &toks, 4).unwrap().entry.spun, "usa");
        assert_eq!(
            d.longest_match(text, &toks, 8).unwrap().entry.spun,
            "center east"
        );
    }

    #[test]
    fn curly_apostrophes_match_straight_entries() {
        let d = dict("1000's\tthousands\n");
        let text = "1000’s of";
        let toks = tokenize(text);
        assert!(d.longest_match(text, &toks, 0).is_some());
    }

    #[test]
    fn framed_phrases_also_match_without_their_frame() {
        let d = dict("a detailed ally\ta close ally\t1.0\n");
        let e = d.get("detailed ally").unwrap();
        assert_eq!(e.candidates[0].original, "close ally");
        assert_eq!(e.candidates[0].source.line, 1);
        // One word besides the frame: too often the author's.
        let d = dict("in the best\tin the right\t1.0\n");
        assert!(d.get("the best").is_none());
        // A frame the candidates do not share is no frame.
        let d = dict("a brand new authorities\tthe new government\t1.0\n");
        assert!(d.get("brand new authorities").is_none());
    }

    #[test]
    fn general_tables_are_marked_and_rank_after_spinner_tables() {
        let general = Table::parse(
            &format!("{GENERAL_HEADER}\nstated\tsaid | declared\t0.1\n"),
            "g.tsv",
        )
        .unwrap();
        assert_eq!(general.kind, TableKind::General);
        let spinner = Table::parse("stated\tnoted\t0.6\n", "s.tsv").unwrap();
        assert_eq!(spinner.kind, TableKind::Spinner);
        let d = Dictionary::from_tables(&[general, spinner]).unwrap();
        let e = d.get("stated").unwrap();
        assert!(e.spinner);
        assert_eq!(e.weight, 0.6);
        let names: Vec<_> = e
            .candidates
            .iter()
            .map(|p| (p.original.as_str(), p.rank))
            .collect();
        assert_eq!(names, [("noted", 0), ("said", 0), ("declared", 1)]);
    }

    #[test]
    fn tables_merge_in_order_and_keep_sources() {
        let a = Table::parse("struggle\twar\t0.7\n", "a.tsv").unwrap();
        let b = Table::parse("# x\nstruggle\tfight | war\t0.2\n", "b.tsv").unwrap();
        let d = Dictionary::from_tables(&[a, b]).unwrap();
        let e = d.get("Struggle").unwrap();
        let got: Vec<_> = e
            .candidates
            .iter()
            .map(|p| (p.original.as_str(), p.source.to_string()))
            .collect();
        assert_eq!(
            got,
            [
                ("war", "a.tsv:1".to_string()),
                ("fight", "b.tsv:2".to_string())
            ]
        );
        assert_eq!(e.weight, 0.7);
    }

    #[test]
    fn canonical_errors_find_unsorted_duplicate_and_self_mapped_entries() {
        let text = "b\tc\na\tb\na\tA\n";
        let t = Table::parse(text, "t.tsv").unwrap();
        let errs = t.canonical_errors(text);
        assert!(errs.iter().any(|e| e.contains("sorts before")), "{errs:?}");
        assert!(errs.iter().any(|e| e.contains("duplicate")), "{errs:?}");
        assert!(
            errs.iter().any(|e| e.contains("is the spun form itself")),
            "{errs:?}"
        );
    }

    #[test]
    fn shipped_tables_are_canonical() {
        for (name, text) in BUILTIN_TABLES {
            let table = Table::parse(text, format!("dictionaries/{name}.tsv"))
                .unwrap_or_else(|e| panic!("{e}"));
            let errors = table.canonical_errors(text);
            assert!(errors.is_empty(), "{}", errors.join("\n"));
            assert!(!table.entries.is_empty());
        }
    }
}
