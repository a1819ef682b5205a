//! Substitution tables (spun form -> original candidates) and their
//! compiled form: an [`fst::Map`] from spun form to entry (built on the
//! first lookup by form: scanning text does not need it, and a run that
//! only scans does not pay for it), and a trie over whole words that scans
//! text for the forms.
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

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::{Error, Result};
use crate::meaning::{self, Change};
use crate::tokenize::{
    is_capitals, is_hyphen_token, normalize_into, normalize_phrase, normalizes_to, Case, Token,
    TokenKind,
};

mod table;
mod trie;

pub use table::Table;
use trie::{derive_inner_phrases, WordTrie};

/// The tables shipped with unspin, by name: `(name, contents)`.
pub const BUILTIN_TABLES: &[(&str, &str)] = &[
    (
        "news-spinner",
        include_str!("../../dictionaries/news-spinner.tsv"),
    ),
    (
        "tortured-phrases",
        include_str!("../../dictionaries/tortured-phrases.tsv"),
    ),
    (
        "general-moby",
        include_str!("../../dictionaries/general-moby.tsv"),
    ),
    (
        "general-wordnet",
        include_str!("../../dictionaries/general-wordnet.tsv"),
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
    /// Whether a built-in table names it (one of the project's own
    /// spinner forms, rather than only a user's table or thesaurus).
    pub builtin: bool,
    /// The probability that an author's use of the form survives spinning,
    /// when a table knows it (see [`Entry::standing`]).
    pub standing: Option<f32>,
    /// Whether a table whose spinner chooses per occurrence names it (see
    /// [`Table::per_occurrence`]), even where an earlier table listed all
    /// the candidates it gives.
    pub per_occurrence: bool,
    /// The candidates, in table order.
    pub candidates: Vec<Proposal>,
}

/// Substitution tables compiled into an fst map from normalized spun form
/// to an index into the entry list (sorted by form), with a word-level
/// index of the same forms for scanning text.
///
/// Cheap to share: it is immutable, `Send` and `Sync`.
pub struct Dictionary {
    /// Spun form -> index into `entries`, built on first use.
    map: std::sync::OnceLock<Option<fst::Map<Vec<u8>>>>,
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
        let mut index: FxHashMap<String, usize> = FxHashMap::default();
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
                        builtin: false,
                        standing: None,
                        per_occurrence: false,
                        candidates: Vec::new(),
                    });
                    entries.len() - 1
                });
                let entry = &mut entries[slot];
                entry.builtin |= table.builtin;
                entry.per_occurrence |= table.per_occurrence;
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
                let spun = meaning::Spun::new(&key);
                for (i, c) in e.candidates.iter().enumerate() {
                    let listed = match many {
                        true => !known.insert(c.clone()),
                        false => entry.candidates.iter().any(|p| &p.original == c),
                    };
                    if listed || normalizes_to(c, &key) {
                        continue;
                    }
                    entry.candidates.push(Proposal {
                        case: Case::of(c),
                        original: c.clone(),
                        rank,
                        kind: table.kind,
                        change: spun.change(c),
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
        // Sorted, each spun form once, as the fst of [`Dictionary::get`]
        // needs them.
        entries.sort_by(|a, b| a.spun.cmp(&b.spun));
        let words = WordTrie::new(&entries);
        Ok(Dictionary {
            map: std::sync::OnceLock::new(),
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
        let map = self.map.get_or_init(|| {
            // The entries are sorted and each form is once (see `new`),
            // which is all an fst needs; `None` only if that were broken.
            fst::Map::from_iter(
                self.entries
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (e.spun.as_bytes(), i as u64)),
            )
            .ok()
        });
        match map {
            Some(map) => map.get(key.as_bytes()).map(|i| &self.entries[i as usize]),
            None => self
                .entries
                .binary_search_by(|e| e.spun.as_str().cmp(&key))
                .ok()
                .map(|i| &self.entries[i]),
        }
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

    /// A per-occurrence spinner's form stays its family's where an earlier
    /// table already listed every candidate it gives.
    #[test]
    fn a_per_occurrence_table_marks_an_entry_it_shares() {
        let first = Table::parse("stated\tsaid\n", "a.tsv").unwrap();
        let thesaurus = crate::thesaurus::Thesaurus::parse(
            "said|stated\n",
            "t",
            crate::thesaurus::KeyMode::All,
        )
        .table();
        let d = Dictionary::from_tables(&[first.clone(), thesaurus]).unwrap();
        let entry = d.get("stated").unwrap();
        assert_eq!(entry.candidates.len(), 1);
        assert!(!entry.candidates[0].per_occurrence);
        assert!(entry.per_occurrence);
        let alone = Dictionary::from_tables(&[first]).unwrap();
        assert!(!alone.get("stated").unwrap().per_occurrence);
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
