//! Finding the sites of a text: where a table, the number rules or a general
//! lexicon proposes candidates, and which are worth decoding.

use std::ops::Range;

use once_cell::sync::OnceCell;
use rustc_hash::FxHashSet;

use crate::decide::{self, Site, SiteCandidate};
use crate::dict::{DictEntry, Dictionary, Match, Table, TableKind, TokenWord};
use crate::error::Result;
use crate::lexicon::{self, Lexeme, Vocabulary};
use crate::model::WordId;
use crate::restore;
use crate::reuse::{reused, Reused};
use crate::tokenize::{is_capitals, normalize_into, normalize_phrase, Case, Token, TokenKind};
use crate::{meaning, numbers, quotes};

use super::analysis::Reading;
use super::Unspinner;

/// How far below the general channel cost the neighbouring words' verdict on
/// a general candidate may fall and the candidate still be decoded (natural
/// log): the whole sentence may say more than two words do.
const PRESCREEN_SLACK: f64 = 3.0;

/// The model ids of the words right before token `first` and right after
/// token `last`, when only a space separates them.
fn neighbours(
    tokens: &[Token],
    lexemes: &[Lexeme],
    first: usize,
    last: usize,
) -> (Option<WordId>, Option<WordId>) {
    let word = |space: usize, at: usize| {
        let spaced = tokens
            .get(space)
            .is_some_and(|t| t.kind == TokenKind::Space);
        let word = tokens
            .get(at)
            .is_some_and(|t| matches!(t.kind, TokenKind::Word | TokenKind::Number));
        (spaced && word).then(|| lexemes[at].lm).flatten()
    };
    let before = first.checked_sub(2).and_then(|at| word(first - 1, at));
    (before, word(last + 1, last + 2))
}

/// The most candidates a general lexicon proposes at one site.
const GENERAL_CANDIDATES: usize = 3;

/// The general lexicons of an unspinner, compiled on first use.
#[derive(Debug)]
pub(super) struct General {
    /// Names of the built-in general tables.
    pub(super) builtin: Vec<String>,
    /// The user's general tables, parsed.
    pub(super) tables: Vec<Table>,
    pub(super) dict: OnceCell<Dictionary>,
}

impl General {
    /// The dictionary of the general tables, compiled on the first call.
    pub(super) fn dictionary(&self) -> Result<&Dictionary> {
        self.dict.get_or_try_init(|| {
            let mut tables = self.tables.clone();
            // The built-in tables are kept valid by the test suite.
            tables.extend(self.builtin.iter().filter_map(|n| Table::builtin(n)));
            Dictionary::from_tables(&tables)
        })
    }
}

impl Unspinner {
    /// What the dictionary and the model know of each token of `text`.
    pub(crate) fn lexemes(&self, text: &str, tokens: &[Token]) -> Reused<Lexeme> {
        lexicon::lexemes(text, tokens, &self.dict, self.model)
    }

    /// The dictionary and the model as the decoder uses them.
    pub(crate) fn vocabulary(&self) -> Vocabulary<'_> {
        Vocabulary {
            dict: &self.dict,
            model: self.model,
            candidates: &self.candidates,
        }
    }

    /// The places in `text` (tokenized as `tokens`, looked up as
    /// `lexemes`, with quoted speech at `quoted`) that the spinner tables
    /// or the number rules know, with their candidates, in text order.
    pub(crate) fn sites(
        &self,
        text: &str,
        tokens: &[Token],
        lexemes: &[Lexeme],
        quoted: &[Range<usize>],
        apostrophe: char,
    ) -> Reused<Site> {
        let mut sites = reused!(Site);
        let mut k = 0;
        while k < tokens.len() {
            let tok = &tokens[k];
            let kind_ok = matches!(tok.kind, TokenKind::Word | TokenKind::Number);
            if !kind_ok {
                k += 1;
                continue;
            }
            if let Some(m) = self
                .dict
                .longest_match_by(text, tokens, k, |k| lexemes[k].dict)
            {
                let span = tokens[m.first].span.start..tokens[m.last].span.end;
                let written = &text[span.clone()];
                if !self.allowed(written) {
                    let mut candidates = Vec::with_capacity(m.entry.candidates.len());
                    let at = (text, &span);
                    self.push_candidates(&mut candidates, m.entry, at, apostrophe, |j| {
                        self.candidates.index(m.index, j)
                    });
                    if !candidates.is_empty() {
                        sites.push(Site {
                            first: m.first,
                            last: m.last,
                            quoted: quotes::inside(quoted, &span),
                            span,
                            weight: m.entry.weight,
                            standing: m.entry.standing,
                            per_occurrence: m.entry.per_occurrence,
                            candidates,
                            general: false,
                            builtin: m.entry.builtin,
                        });
                        k = m.last + 1;
                        continue;
                    }
                }
            }
            if let Some(p) = numbers::propose(text, tokens, k) {
                let span = tokens[k].span.start..tokens[p.last].span.end;
                let written = &text[span.clone()];
                if !self.allowed(written) {
                    let place = restore::place(text, span.clone());
                    let original = restore::case_in_place(&p.original, written, apostrophe, place);
                    sites.push(Site {
                        first: k,
                        last: p.last,
                        quoted: quotes::inside(quoted, &span),
                        span,
                        weight: p.weight,
                        standing: None,
                        per_occurrence: false,
                        candidates: vec![SiteCandidate {
                            original,
                            phrase: None,
                            intrinsic_case: Case::Lower,
                            source: numbers::source(p.rule),
                            rank: 0,
                            general: false,
                            change: meaning::Change::None,
                            channel: None,
                            per_occurrence: false,
                        }],
                        general: false,
                        builtin: true,
                    });
                    k = p.last + 1;
                    continue;
                }
            }
            k += 1;
        }
        sites
    }

    /// Whether the project's settings leave this form alone.
    fn allowed(&self, written: &str) -> bool {
        !self.allow.is_empty() && self.allow.contains(&normalize_phrase(written))
    }

    /// Appends to `out` the candidates of `entry` for the form at `span` of
    /// `text` (in the case of the form and its place, meaning-changing ones
    /// left out); `phrase(j)` is the model's view of candidate `j`, where
    /// known.
    fn push_candidates(
        &self,
        out: &mut Vec<SiteCandidate>,
        entry: &DictEntry,
        (text, span): (&str, &Range<usize>),
        apostrophe: char,
        phrase: impl Fn(usize) -> Option<u32>,
    ) {
        let written = &text[span.clone()];
        let place = match restore::reads_place(written) {
            true => restore::place(text, span.clone()),
            false => restore::Place::default(),
        };
        let capitalised = written.starts_with(char::is_uppercase);
        // The originals taken, in a set where a table lists many.
        let mut taken: FxHashSet<String> = FxHashSet::default();
        let many = entry.candidates.len() > 16;
        // A general lexicon's candidates that could win: the spinner's keys
        // are common words, so an original rarer than the spun form (by the
        // model's unigrams) is passed over, and at most GENERAL_CANDIDATES
        // are taken, in table order. Nearly every word of a spun document
        // is a general site, and the decoder's work grows with the cube of a
        // site's alternatives.
        let mut general = 0;
        let mut floor = None;
        let unigram = |phrase: &str| {
            let words = phrase.split_whitespace();
            lexicon::unigram(self.model, words.map(|w| self.model.word_id(w)))
        };
        for (j, p) in entry.candidates.iter().enumerate() {
            let intrinsic_case = p.case;
            if !(capitalised || intrinsic_case == Case::Lower) {
                continue;
            }
            if p.kind == TableKind::General {
                if general == GENERAL_CANDIDATES {
                    break;
                }
                let floor = *floor.get_or_insert_with(|| unigram(&entry.spun));
                if unigram(&p.original) < floor {
                    continue;
                }
            }
            // A general lexicon never vouches for a change of meaning.
            let weight = match p.kind {
                TableKind::Spinner => entry.weight,
                TableKind::General => 0.0,
            };
            if !p.change.allowed(weight) {
                continue;
            }
            let original = restore::case_in_place(&p.original, written, apostrophe, place);
            let listed = match many {
                true => !taken.insert(original.clone()),
                false => out.iter().any(|c| c.original == original),
            };
            if listed {
                continue;
            }
            let phrase = original
                .eq_ignore_ascii_case(&p.original)
                .then(|| phrase(j))
                .flatten();
            general += usize::from(p.kind == TableKind::General);
            out.push(SiteCandidate {
                original,
                phrase,
                intrinsic_case,
                source: p.source.label().clone(),
                rank: p.rank,
                general: p.kind == TableKind::General,
                change: p.change,
                channel: p.channel,
                per_occurrence: p.per_occurrence,
            });
        }
    }

    /// Drops the general candidates that the words `around` a site (before,
    /// after) do not favour by far over the text as `written`: such a
    /// candidate cannot pay the general channel cost and is not worth
    /// decoding (the whole sentence may say more than two words, hence a
    /// slack).
    fn prescreen(
        &self,
        candidates: &mut Vec<SiteCandidate>,
        written: &str,
        (before, after): (Option<WordId>, Option<WordId>),
    ) {
        let (model, tune) = (self.model, decide::tuning());
        let fit = |phrase: &str| {
            let mut words = phrase.split_whitespace();
            let first = words.next().and_then(|w| model.word_id(&w.to_lowercase()));
            let last = words
                .last()
                .map_or(first, |w| model.word_id(&w.to_lowercase()));
            let p = |h: Option<WordId>, w: Option<WordId>| match (h, w) {
                (Some(h), Some(w)) => model.log10_prob(&[h], w) as f64,
                (None, Some(w)) => model.log10_prob(&[], w) as f64,
                _ => model.unk_log10() as f64,
            };
            let next = after.map_or(0.0, |n| p(last, Some(n)));
            (p(before, first) + next) * std::f64::consts::LN_10 * tune.lm_scale
        };
        let written_fit = fit(written);
        let needed = tune.general_cost - PRESCREEN_SLACK;
        candidates.retain(|c| !c.general || fit(&c.original) - written_fit >= needed);
    }

    /// Adds the general lexicon's candidates to `sites` (found with the
    /// spinner tables): to the sites whose form it knows too, and as sites
    /// of their own for the forms only it knows, outside quoted speech
    /// unless `quotes_spun`. Keeps `sites` in text order.
    pub(super) fn add_general(
        &self,
        r: &mut Reading<'_>,
        general: &Dictionary,
        apostrophe: char,
        quotes_spun: bool,
    ) {
        let Reading {
            text,
            tokens,
            lexemes,
            quoted,
            sites,
            ..
        } = r;
        let (text, tokens, lexemes, quoted) = (*text, &tokens[..], &lexemes[..], &quoted[..]);
        for site in sites.iter_mut() {
            let written = &text[site.span.clone()];
            if let Some(entry) = general.get(written) {
                let at = (text, &site.span);
                self.push_candidates(&mut site.candidates, entry, at, apostrophe, |_| None);
                let around = neighbours(tokens, lexemes, site.first, site.last);
                self.prescreen(&mut site.candidates, written, around);
            }
        }
        // Word tokens already inside a site.
        let mut taken = vec![false; tokens.len()];
        for site in sites.iter() {
            taken[site.first..=site.last].fill(true);
        }
        let mut buf = String::new();
        let words: Vec<TokenWord> = tokens
            .iter()
            .map(|t| {
                if t.kind != TokenKind::Word {
                    return TokenWord::default();
                }
                let written = &text[t.span.clone()];
                buf.clear();
                normalize_into(written, &mut buf);
                TokenWord {
                    id: general.word_id(&buf),
                    capitals: is_capitals(written),
                }
            })
            .collect();
        let mut added = Vec::new();
        let mut k = 0;
        while k < tokens.len() {
            let found: Option<Match> = (!taken[k] && words[k].id.is_some())
                .then(|| general.longest_match_by(text, tokens, k, |k| words[k]))
                .flatten()
                .filter(|m| !taken[m.first..=m.last].contains(&true));
            let Some(m) = found else {
                k += 1;
                continue;
            };
            let span = tokens[m.first].span.start..tokens[m.last].span.end;
            let written = &text[span.clone()];
            let in_quotes = quotes::inside(quoted, &span);
            if !self.allowed(written) && (quotes_spun || !in_quotes) {
                let mut candidates = Vec::new();
                let at = (text, &span);
                self.push_candidates(&mut candidates, m.entry, at, apostrophe, |_| None);
                let around = neighbours(tokens, lexemes, m.first, m.last);
                self.prescreen(&mut candidates, written, around);
                if !candidates.is_empty() {
                    added.push(Site {
                        first: m.first,
                        last: m.last,
                        quoted: in_quotes,
                        span,
                        weight: m.entry.weight,
                        standing: m.entry.standing,
                        per_occurrence: m.entry.per_occurrence,
                        candidates,
                        general: true,
                        builtin: m.entry.builtin,
                    });
                }
            }
            k = m.last + 1;
        }
        if !added.is_empty() {
            sites.extend(added);
            sites.sort_by_key(|s| s.first);
        }
    }
}
