//! The document-level evidence: how many of a document's forms read better
//! restored (the spin score and whether quotes were spun), which originals
//! the document holds elsewhere as written, and each form's pooled
//! evidence. Gathered whole for a document, or window by window in passes
//! A, B and C for a document too large to hold (see
//! [`crate::Unspinner::summarize`]).

use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;

use super::candidates::Site;
use super::decode::Document;
use super::prelude::{Prelude, Word};
use super::rate::{RateEvidence, Rates, Survived};
use super::tuning::{tuning, Tuning};
use crate::lexicon::{Lexeme, Vocabulary};
use crate::model::WordId;
use crate::score;
use crate::tokenize::Token;

/// What the document-level evidence says: decided once per document, from
/// the forms of the spinner tables (a second decoding with the general
/// lexicon takes it as given).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Judgement {
    /// The document spin score.
    pub score: f64,
    /// Whether the spinner rewrote quoted speech too.
    pub quotes_spun: bool,
    /// The document's verdict by its own score (the tables' evidence with
    /// the general detector's, [`crate::detect`]) where `score` alone would
    /// give another; `None` where it agrees.
    pub verdict: Option<Verdict>,
    /// The document's estimated share of spun thesaurus forms
    /// ([`super::rate`]).
    pub rates: Rates,
    /// The tables' own score, where a thesaurus's forms have a part in
    /// [`Judgement::score`]: the prior of the tables' forms, which the
    /// thesaurus's spinner need not write. Their evidence includes the
    /// built-in forms the thesaurus holds too, which [`Judgement::score`]
    /// takes through the thesaurus's share alone.
    pub tables: Option<f64>,
    /// The built-in tables' own score, where a user's table adds forms:
    /// the prior of the built-in tables' forms.
    pub builtin: Option<f64>,
}

impl Judgement {
    /// Whether the document is left alone, nothing in it restored: it is
    /// judged clean at `threshold`, or spun by another spinner.
    pub fn left_alone(&self, threshold: f64) -> bool {
        match self.verdict {
            None => self.score < threshold,
            Some(v) => v != Verdict::Spun,
        }
    }
}

/// A document's verdict where the tables' score alone would give another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Judged spun: not left alone, and [`Judgement::score`] is the
    /// probability that the tables' spinner wrote it.
    Spun,
    /// Judged clean: left alone.
    Clean,
    /// Judged spun, but hardly by the tables' spinner (their forms in it
    /// read as the author's): left alone.
    OtherSpinner,
}

/// What the decisions of a document take from the whole of it, gathered
/// over its windows by a first pass (see [`crate::Unspinner::summarize`]),
/// so that each window is decided as in the whole document.
#[derive(Debug, Clone)]
pub(crate) struct Outer {
    /// Words of the document, as the decoder counts them (a site is one).
    pub words: usize,
    /// Words inside quoted speech.
    pub quoted_words: usize,
    /// The words of a keys-only thesaurus's spinner never writes that the
    /// document holds ([`super::rate::Survivors`]).
    pub survived: Survived,
    /// The originals of the document's sites that it holds elsewhere as
    /// written.
    pub present: FxHashSet<Box<[WordId]>>,
    /// The penalty for such an original (see [`Tuning::present_cost`]).
    pub present_cost: f64,
    /// The document spin score and the quotes' verdict.
    pub judgement: Judgement,
    /// Each form's pooled evidence: the sum over its sites.
    pub by_form: FxHashMap<Box<str>, f64>,
}

/// What the first look at each window of a document finds: its words and
/// the originals its sites propose (see [`survey`]).
#[derive(Debug, Default)]
pub(crate) struct Survey {
    pub words: usize,
    pub quoted_words: usize,
    /// Every original of every site, as model words (when all are known).
    wanted: FxHashSet<Box<[WordId]>>,
    /// The first original of each distinctive form, with its count.
    firsts: FxHashMap<Box<[WordId]>, usize>,
    /// Distinctive forms (weight 0.6 or more, spinner tables).
    distinctive: usize,
}

impl Survey {
    /// The penalty for an original present elsewhere, given the originals
    /// the document holds.
    pub fn present_cost(&self, present: &FxHashSet<Box<[WordId]>>, t: &Tuning) -> f64 {
        let standing = self
            .firsts
            .iter()
            .filter(|(ids, _)| present.contains(&**ids))
            .map(|(_, n)| n)
            .sum();
        present_cost(self.distinctive, standing, t)
    }
}

/// The document evidence of the first decoding pass, summed site by site in
/// text order (so the same over windows as over the whole document).
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// The spin score's evidence (see [`score::evidence`]).
    score: f64,
    /// The weight of the distinctive forms that read better restored,
    /// outside quotes and inside.
    hits: [f64; 2],
    pub by_form: FxHashMap<Box<str>, f64>,
    /// The thesaurus sites' evidence, for the document's spin rate.
    rate: RateEvidence,
    /// The part of `score` from the built-in tables' forms, and whether
    /// a user's table added forms of its own.
    builtin_score: f64,
    user_forms: bool,
    /// The score evidence of the built-in forms that a thesaurus holds
    /// too: what the built-in tables know of them goes into their prior
    /// (see [`Judgement::tables`]), not into whether the document is
    /// spun, which the thesaurus's share judges.
    overlap: f64,
}

impl Tally {
    pub(super) fn add(
        &mut self,
        sites: &[Site],
        evidence: &[f64],
        keys: &[Cow<'_, str>],
        t: &Tuning,
    ) {
        for ((s, &e), key) in sites.iter().zip(evidence).zip(keys) {
            match (s.general, s.standing) {
                // A thesaurus form's evidence counts towards the score
                // through the document's spin rate (see `judgement`), and
                // a built-in one's towards the built-in forms' prior too.
                (false, Some(standing)) => {
                    self.rate.add(standing, e, s.quoted, t);
                    if s.builtin {
                        let weight = s.weight as f64;
                        self.overlap += score::evidence(weight, e, t.score_gain);
                        self.hit(s, weight, e);
                    }
                }
                (false, None) => {
                    let weight = s.weight as f64;
                    let evidence = score::evidence(weight, e, t.score_gain);
                    self.score += evidence;
                    match s.builtin {
                        true => self.builtin_score += evidence,
                        false => self.user_forms = true,
                    }
                    self.hit(s, weight, e);
                }
                (true, _) => {}
            }
            let pooled = e.clamp(-2.0, 2.0);
            match self.by_form.get_mut(key.as_ref()) {
                Some(v) => *v += pooled,
                None => {
                    self.by_form.insert(key.as_ref().into(), pooled);
                }
            }
        }
    }

    /// Counts a distinctive form that reads better restored towards the
    /// quotes' verdict (see [`quotes_spun`]).
    fn hit(&mut self, s: &Site, weight: f64, e: f64) {
        if weight >= 0.5 && e > 0.0 {
            self.hits[usize::from(s.quoted)] += weight;
        }
    }

    /// The judgement of a document of `words` words, `quoted_words` of them
    /// in quotes, holding the `survived` words of a keys-only thesaurus.
    pub fn judgement(
        &self,
        words: usize,
        quoted_words: usize,
        survived: Survived,
        t: &Tuning,
    ) -> Judgement {
        let quotes_spun = quotes_spun(self.hits, words, quoted_words);
        let rates = Rates {
            survival: survived.share(words, quoted_words, quotes_spun, t.survival_prior),
            ..self.rate.rates(quotes_spun, t)
        };
        let tables = score::from_evidence(self.score, words, t.score_bias, t.score_per_word);
        // The thesaurus's spinner is another hypothesis than the tables':
        // how much likelier its forms' evidence is with the document's
        // estimated share of spun forms than with none (at most a few
        // units in clean text, whatever its length; tens to hundreds in a
        // spun article). The document is spun if either spinner wrote it.
        let thesaurus = (!self.rate.is_empty()).then(|| {
            score::logistic(
                t.rate_score_gain * self.rate.log_ratio(rates, quotes_spun) + t.rate_score_bias,
            )
        });
        // The built-in tables' forms weigh their own evidence alone where
        // a user's table brings forms of another spinner: forms it learned
        // from a spinner that never writes the built-in ones say nothing of
        // these.
        let builtin = self.user_forms.then(|| {
            let evidence = self.builtin_score + self.overlap;
            score::from_evidence(evidence, words, t.score_bias, t.score_per_word)
        });
        let tables_prior = thesaurus.map(|_| {
            let evidence = self.score + self.overlap;
            score::from_evidence(evidence, words, t.score_bias, t.score_per_word)
        });
        Judgement {
            score: 1.0 - (1.0 - tables) * (1.0 - thesaurus.unwrap_or(0.0)),
            quotes_spun,
            verdict: None,
            rates,
            tables: tables_prior,
            builtin,
        }
    }
}

/// Pass A over a window: adds its words and its sites' originals to `survey`.
pub(crate) fn survey(
    (text, tokens, lexemes): (&str, &[Token], &[Lexeme]),
    sites: &[Site],
    vocab: &Vocabulary,
    survey: &mut Survey,
) {
    let p = Prelude::new(text, tokens, lexemes, sites, vocab);
    survey.words += p.words;
    for (i, s) in sites.iter().enumerate() {
        let alts = p.site_alts[i].clone();
        for (a, span) in p.alt_spans[alts].iter().enumerate().skip(1) {
            let ids = p.ids(span);
            if let Some(ids) = ids.filter(|ids| !survey.wanted.contains(*ids)) {
                survey.wanted.insert(ids.into());
            }
            if a == 1 && s.distinctive() {
                survey.distinctive += 1;
                if let Some(ids) = ids {
                    *survey.firsts.entry(ids.into()).or_default() += 1;
                }
            }
        }
    }
}

/// Pass B over a window: adds to `present` the originals of `survey` that
/// the window holds outside its sites.
pub(crate) fn presence(
    (text, tokens, lexemes): (&str, &[Token], &[Lexeme]),
    sites: &[Site],
    vocab: &Vocabulary,
    survey: &Survey,
    present: &mut FxHashSet<Box<[WordId]>>,
) {
    let p = Prelude::new(text, tokens, lexemes, sites, vocab);
    present_phrases(&p.plain, &survey.wanted, |ids| {
        if !present.contains(&**ids) {
            present.insert(ids.clone());
        }
    });
}

/// Pass C over a window: adds the evidence of its sites to `tally`, with
/// what `outer` knows of the whole document so far (its presence).
pub(crate) fn gather(
    (text, tokens, lexemes): (&str, &[Token], &[Lexeme]),
    sites: &[Site],
    vocab: &Vocabulary,
    outer: &Outer,
    tally: &mut Tally,
) {
    if sites.is_empty() {
        return;
    }
    let t = tuning();
    let p = Prelude::new(text, tokens, lexemes, sites, vocab);
    let doc = Document::new(text, p, sites, vocab, &t, Some(outer));
    let evidence = doc.evidence();
    tally.add(sites, &evidence, &doc.keys, &t);
}

/// Whether the spinner of this document rewrote its quoted speech too,
/// judged from the distinctive spinner forms (table weight 0.5 or more)
/// that read better restored (pass-1 evidence above 0), whose weights add
/// up to `hits` outside quotes and inside: inside quotes they should turn
/// up at the rate they do outside, where a spinner that leaves quotes alone
/// shows them at most at the rate of forms an author writes (about a
/// tenth). Poisson likelihoods of the two, even odds.
fn quotes_spun([outside, inside]: [f64; 2], words: usize, quoted_words: usize) -> bool {
    if quoted_words == 0 {
        return true;
    }
    let outside_words = words.saturating_sub(quoted_words).max(1) as f64;
    let expected = outside / outside_words * quoted_words as f64;
    const LEFT_ALONE: f64 = 0.1;
    inside * -LEFT_ALONE.ln() - (1.0 - LEFT_ALONE) * expected > 0.0
}

/// The originals a document holds elsewhere as written: found in the
/// document itself, or over all the windows of a larger one.
pub(super) enum Present<'a> {
    Own(FxHashSet<&'a [WordId]>),
    Outer(&'a FxHashSet<Box<[WordId]>>),
}

impl Present<'_> {
    pub(super) fn contains(&self, ids: &[WordId]) -> bool {
        match self {
            Present::Own(own) => own.contains(ids),
            Present::Outer(outer) => outer.contains(ids),
        }
    }
}

/// The originals of `sites` that the document of `p` holds elsewhere as
/// written, and the penalty for them (see [`present_cost`]).
pub(super) fn own_presence<'p>(
    p: &'p Prelude<'_>,
    sites: &[Site],
    t: &Tuning,
) -> (Present<'p>, f64) {
    let wanted: FxHashSet<&[WordId]> = p
        .site_alts
        .iter()
        .flat_map(|r| p.alt_spans[r.start + 1..r.end].iter())
        .filter_map(|r| p.ids(r))
        .collect();
    let mut own = FxHashSet::default();
    present_phrases(&p.plain, &wanted, |ids| {
        own.insert(*ids);
    });
    let (mut distinctive, mut standing) = (0usize, 0usize);
    for (i, s) in sites.iter().enumerate() {
        if s.distinctive() {
            distinctive += 1;
            let first = &p.alt_spans[p.site_alts[i].start + 1];
            standing += usize::from(p.ids(first).is_some_and(|ids| own.contains(ids)));
        }
    }
    let cost = present_cost(distinctive, standing, t);
    (Present::Own(own), cost)
}

/// The penalty for an original present elsewhere in a document where
/// `standing` of the `distinctive` forms' first originals stand. A spinner
/// that draws afresh at every occurrence leaves some of a form's originals
/// standing, so an original present elsewhere says less: weighed by the
/// share of distinctive forms whose first original the document does not
/// hold (near 1 for a spinner that rewrites every occurrence).
fn present_cost(distinctive: usize, standing: usize, t: &Tuning) -> f64 {
    match distinctive {
        0..=4 => t.present_cost,
        n => t.present_cost * (1.0 - standing as f64 / n as f64),
    }
}

/// Calls `found` with each phrase of `wanted` that occurs in `plain`
/// (`None`, an unknown word or a break, ends a phrase), in one pass.
fn present_phrases<K>(plain: &[Word], wanted: &FxHashSet<K>, mut found: impl FnMut(&K))
where
    K: std::borrow::Borrow<[WordId]> + std::hash::Hash + Eq,
{
    let max_words = wanted.iter().map(|w| w.borrow().len()).max().unwrap_or(0);
    let firsts: FxHashSet<WordId> = wanted
        .iter()
        .filter_map(|w| w.borrow().first().copied())
        .collect();
    let mut phrase = Vec::with_capacity(max_words);
    for i in 0..plain.len() {
        match plain[i] {
            Some(id) if firsts.contains(&id) => {}
            _ => continue,
        }
        phrase.clear();
        for w in plain[i..].iter().take(max_words) {
            let Some(id) = w else { break };
            phrase.push(*id);
            if let Some(p) = wanted.get(phrase.as_slice()) {
                found(p);
            }
        }
    }
}
