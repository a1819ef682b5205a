//! A spinner's own thesaurus, read at run time and turned into a
//! substitution table whose candidates carry the spinner's channel.
//!
//! # Thesaurus format
//!
//! The plain text that commercial spinners of the news spinner's family
//! ship (unspin never ships one; a user who holds one hands it over with
//! `--thesaurus FILE`): UTF-8, one synonym set a line, members separated by
//! `|`, optionally padded with spaces:
//!
//! ```text
//! said|stated|mentioned|reported
//! one of the most | some of the | one of the crucial
//! ```
//!
//! Blank lines and lines that do not make a set (fewer than two distinct
//! members, a member with no word) are skipped and reported with their line
//! number ([`Thesaurus::skipped`]); an empty member between two `|` is
//! dropped. Members are matched as the spinner matches them: lower case, or
//! with the first letter capitalised.
//!
//! # Which members are keys
//!
//! Two families read the same file differently ([`KeyMode`]):
//!
//! * [`KeyMode::First`] (WP Auto Spinner's family, the seed spinner): only
//!   a line's first member is replaced, by one of the others, the same way
//!   throughout an article. A member `X` other than the key is evidence of
//!   the key `Y`, with channel probability `P(X | Y) = 1 / (n - 1)` for a line
//!   of `n` members; the key as written is evidence the document was not
//!   spun there (it would have been replaced).
//! * [`KeyMode::All`] (Turbo Spinner's family): every member is a key and
//!   each occurrence draws its replacement among all `n` members, itself
//!   included, so `P(X | Y) = 1 / n` and an author's `X` survives with
//!   probability `1 / n` at full rate.
//!
//! The spinner walks its sets in file order and a key belongs to the first
//! line that holds it, so a later line's use of a key is ignored.
//!
//! ```
//! use unspin::thesaurus::{KeyMode, Thesaurus};
//! let t = Thesaurus::parse("said|stated|mentioned\n\nwar\n", "t.txt", KeyMode::First);
//! assert_eq!(t.skipped().len(), 2); // the blank line and the one-member line
//! let table = t.table();
//! let stated = table.entries.iter().find(|e| e.spun == "stated").unwrap();
//! assert_eq!(stated.candidates, ["said"]);
//! assert_eq!(stated.channel.as_deref(), Some(&[0.5f32][..]));
//! ```

use std::path::Path;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::dict::{Entry, Table, TableKind, DEFAULT_WEIGHT};
use crate::error::{Error, Result};
use crate::tokenize::normalize_phrase;

/// Which members of a thesaurus line the spinner replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyMode {
    /// Only the first member (the key), one choice per article.
    #[default]
    First,
    /// Every member, a fresh choice per occurrence (the word itself included).
    All,
}

impl std::str::FromStr for KeyMode {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<KeyMode, String> {
        match s {
            "first" => Ok(KeyMode::First),
            "all" => Ok(KeyMode::All),
            _ => Err(format!("`{s}`: expected `first` or `all`")),
        }
    }
}

/// A line of a thesaurus that was skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// 1-based line number.
    pub line: usize,
    /// Why it makes no synonym set.
    pub reason: &'static str,
}

/// A parsed thesaurus: its synonym sets and the lines it skipped.
#[derive(Debug, Clone)]
pub struct Thesaurus {
    name: Arc<str>,
    mode: KeyMode,
    /// Each set's members (normalized, distinct) and its 1-based line.
    sets: Vec<(Vec<String>, usize)>,
    skipped: Vec<Skipped>,
}

/// The table weight of a form that the thesaurus also uses as a key: an
/// author wrote it at least as often as the spinner did, so it is no more
/// distinctive of spinning than a general lexicon's word.
const KEY_WEIGHT: f32 = 0.2;

impl Thesaurus {
    /// Parses a thesaurus; `name` names it in errors and candidate sources.
    pub fn parse(text: &str, name: impl AsRef<Path>, mode: KeyMode) -> Thesaurus {
        let name: Arc<str> = name.as_ref().display().to_string().into();
        let mut sets = Vec::new();
        let mut skipped = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            if raw.trim().is_empty() {
                skipped.push(Skipped {
                    line,
                    reason: "blank line",
                });
                continue;
            }
            let mut members: Vec<String> = Vec::new();
            let mut wordless = false;
            for m in raw.split('|') {
                if m.trim().is_empty() {
                    continue;
                }
                if !m.chars().any(char::is_alphanumeric) {
                    wordless = true;
                    continue;
                }
                let norm = normalize_phrase(m);
                if !members.contains(&norm) {
                    members.push(norm);
                }
            }
            if wordless {
                skipped.push(Skipped {
                    line,
                    reason: "a member has no word",
                });
            } else if members.len() < 2 {
                skipped.push(Skipped {
                    line,
                    reason: "fewer than two distinct members",
                });
            } else {
                sets.push((members, line));
            }
        }
        Thesaurus {
            name,
            mode,
            sets,
            skipped,
        }
    }

    /// Reads and parses a thesaurus file.
    pub fn read(path: &Path, mode: KeyMode) -> Result<Thesaurus> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let text = crate::input::decode(bytes, path)?;
        let t = Thesaurus::parse(&text, path, mode);
        if t.sets.is_empty() {
            return Err(Error::Table {
                path: path.to_path_buf(),
                line: 0,
                message: "no synonym set (one a line, members separated by `|`)".into(),
            });
        }
        Ok(t)
    }

    /// The lines skipped, in file order.
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }

    /// Number of synonym sets read.
    pub fn len(&self) -> usize {
        self.sets.len()
    }

    /// Whether it holds no set.
    pub fn is_empty(&self) -> bool {
        self.sets.is_empty()
    }

    /// The substitution table the spinner's output implies: each form it can
    /// write, with the keys it writes it for as candidates, most probable
    /// first, each with its channel probability `P(form | key)`.
    pub fn table(&self) -> Table {
        // key -> (members it may become, line): the first line holding a key wins.
        let mut keys: FxHashMap<&str, (&[String], usize)> = FxHashMap::default();
        let mut order: Vec<&str> = Vec::new();
        for (members, line) in &self.sets {
            let heads = match self.mode {
                KeyMode::First => &members[..1],
                KeyMode::All => &members[..],
            };
            for k in heads {
                if let std::collections::hash_map::Entry::Vacant(slot) = keys.entry(k) {
                    slot.insert((members, *line));
                    order.push(k);
                }
            }
        }
        // form -> candidates (key, P(form | key), line), in key order.
        let mut forms: FxHashMap<&str, Vec<(&str, f32, usize)>> = FxHashMap::default();
        let mut form_order: Vec<&str> = Vec::new();
        for key in &order {
            let (members, line) = keys[key];
            let choices = match self.mode {
                KeyMode::First => members.len() - 1,
                KeyMode::All => members.len(),
            };
            let p = 1.0 / choices as f32;
            for m in members.iter().filter(|m| m.as_str() != *key) {
                let slot = forms.entry(m).or_insert_with(|| {
                    form_order.push(m);
                    Vec::new()
                });
                slot.push((key, p, line));
            }
        }
        let forms_known: FxHashSet<&str> = form_order.iter().copied().collect();
        let entries = form_order
            .into_iter()
            .map(|form| {
                let mut cands = forms.remove(form).unwrap_or_default();
                // Most probable first; the earlier line among equals.
                cands.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.2.cmp(&b.2)));
                let line = cands.first().map_or(0, |c| c.2);
                let standing = self.standing(form, &keys);
                Entry {
                    spun: form.to_string(),
                    candidates: cands.iter().map(|c| c.0.to_string()).collect(),
                    // Only a key stands with probability below 1.
                    weight: if standing < 1.0 {
                        KEY_WEIGHT
                    } else {
                        DEFAULT_WEIGHT
                    },
                    weight_text: None,
                    note: None,
                    line,
                    channel: Some(cands.iter().map(|c| c.1).collect()),
                    standing: Some(standing),
                }
            })
            .collect();
        // A key no line offers as a replacement stands only where the
        // spinner skipped it (a spinner that replaces every member has none).
        let survivors = match self.mode {
            KeyMode::First => order
                .iter()
                .filter(|k| !k.contains(' ') && !forms_known.contains(*k))
                .map(|k| k.to_string())
                .collect(),
            KeyMode::All => Vec::new(),
        };
        Table {
            name: self.name.clone(),
            kind: TableKind::Spinner,
            entries,
            per_occurrence: self.mode == KeyMode::All,
            builtin: false,
            survivors,
        }
    }

    /// The probability that an author's `form` is left standing by a spinner
    /// that spins every key: 0 for a key of the first member's family, one
    /// chance in its line's size for the per-occurrence family, 1 for a form
    /// that is no key.
    fn standing(&self, form: &str, keys: &FxHashMap<&str, (&[String], usize)>) -> f32 {
        match (keys.get(form), self.mode) {
            (None, _) => 1.0,
            (Some(_), KeyMode::First) => 0.0,
            (Some((members, _)), KeyMode::All) => 1.0 / members.len() as f32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_member_is_the_only_key() {
        let t = Thesaurus::parse(
            "said | stated | mentioned\nwar|struggle|battle\n",
            "t",
            KeyMode::First,
        );
        let table = t.table();
        let spun: Vec<&str> = table.entries.iter().map(|e| e.spun.as_str()).collect();
        assert_eq!(spun, ["stated", "mentioned", "struggle", "battle"]);
        let e = &table.entries[2];
        assert_eq!(e.candidates, ["war"]);
        assert_eq!(e.line, 2);
        assert_eq!(e.standing, Some(1.0));
    }

    /// The survivors are the single-word keys no line offers as a
    /// replacement; a spinner that replaces every member has none.
    #[test]
    fn the_survivors_are_the_keys_no_line_writes() {
        let text = "said|stated|mentioned\nstated|declared\nwar|struggle\nbig deal|matter\n";
        let first = Thesaurus::parse(text, "t", KeyMode::First).table();
        assert_eq!(first.survivors, ["said", "war"]);
        assert!(Thesaurus::parse(text, "t", KeyMode::All)
            .table()
            .survivors
            .is_empty());
    }

    #[test]
    fn every_member_is_a_key_in_all_mode() {
        let t = Thesaurus::parse("said|stated|mentioned\n", "t", KeyMode::All);
        let table = t.table();
        assert_eq!(table.entries.len(), 3);
        let said = table.entries.iter().find(|e| e.spun == "said").unwrap();
        assert_eq!(said.candidates, ["stated", "mentioned"]);
        assert_eq!(said.channel.as_deref(), Some(&[1.0 / 3.0, 1.0 / 3.0][..]));
        assert_eq!(said.standing, Some(1.0 / 3.0));
        assert_eq!(said.weight, KEY_WEIGHT);
    }

    #[test]
    fn the_first_line_holding_a_key_wins_and_forms_merge() {
        let t = Thesaurus::parse(
            "big|large|huge\nbig|vast\ngreat|large\n",
            "t",
            KeyMode::First,
        );
        let table = t.table();
        // "vast" only follows a dead key: "big" belongs to line 1.
        assert!(table.entries.iter().all(|e| e.spun != "vast"));
        let large = table.entries.iter().find(|e| e.spun == "large").unwrap();
        // great (1/1) is more probable than big (1/2).
        assert_eq!(large.candidates, ["great", "big"]);
        assert_eq!(large.channel.as_deref(), Some(&[1.0, 0.5][..]));
    }

    #[test]
    fn malformed_lines_are_reported_with_their_numbers() {
        let t = Thesaurus::parse(
            "a|b\n\n  \nsolo\nx||x\n|  | \nc| | d\ne|...\n",
            "t",
            KeyMode::First,
        );
        let lines: Vec<(usize, &str)> = t.skipped().iter().map(|s| (s.line, s.reason)).collect();
        assert_eq!(
            lines,
            [
                (2, "blank line"),
                (3, "blank line"),
                (4, "fewer than two distinct members"),
                (5, "fewer than two distinct members"),
                (6, "fewer than two distinct members"),
                (8, "a member has no word"),
            ]
        );
        assert_eq!(t.len(), 2);
    }

    #[test]
    fn members_are_normalized() {
        let t = Thesaurus::parse("One Of|One  in all\n", "t", KeyMode::First);
        let table = t.table();
        assert_eq!(table.entries[0].spun, "one in all");
        assert_eq!(table.entries[0].candidates, ["one of"]);
    }

    #[test]
    fn key_mode_parses() {
        assert_eq!("first".parse::<KeyMode>(), Ok(KeyMode::First));
        assert_eq!("all".parse::<KeyMode>(), Ok(KeyMode::All));
        assert!("both".parse::<KeyMode>().is_err());
    }
}
