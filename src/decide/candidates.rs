//! The sites of a document and their candidates, and the terms of each
//! candidate that do not come from the language model: the channel (how
//! likely the spinner is to write this form for this original) and the
//! prior (how likely the site is a substitution at all).

use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::ops::Range;

use super::evidence::{Judgement, Present};
use super::prelude::Prelude;
use super::rate::is_key;
use super::tuning::Tuning;
use crate::lexicon;
use crate::meaning::Change;
use crate::model::LanguageModel;
use crate::reuse::{reused, Reused};
use crate::tokenize::{is_capitals, Case};

/// A place to decide: a spun form and its candidates.
#[derive(Debug, Clone)]
pub(crate) struct Site {
    /// First word token.
    pub first: usize,
    /// Last word token (inclusive).
    pub last: usize,
    /// Byte span in the text.
    pub span: Range<usize>,
    /// Table weight: how distinctive the form is of spinning.
    pub weight: f32,
    /// The probability that an author's use of the form survives spinning
    /// at full rate, when a thesaurus gives it ([`crate::dict::Entry::standing`]).
    pub standing: Option<f32>,
    /// Whether a thesaurus whose spinner chooses per occurrence knows the
    /// form ([`crate::dict::DictEntry::per_occurrence`]): its prior is
    /// that family's.
    pub per_occurrence: bool,
    /// Candidates, in table order.
    pub candidates: Vec<SiteCandidate>,
    /// Whether it lies inside quoted speech.
    pub quoted: bool,
    /// Whether only a general lexicon knows the form: no evidence of
    /// spinning by itself, so it takes no part in the document score.
    pub general: bool,
    /// Whether the project's own rules or built-in tables know the form
    /// (see [`crate::dict::DictEntry::builtin`]).
    pub builtin: bool,
}

/// A candidate at a site, already written in the text's case.
#[derive(Debug, Clone)]
pub(crate) struct SiteCandidate {
    pub original: String,
    /// Its index in [`lexicon::Candidates`] when it is the table's original
    /// up to ASCII case (so the same words to the model).
    pub phrase: Option<u32>,
    /// Case of the original as the table writes it (`Americans`: title).
    pub intrinsic_case: Case,
    pub source: std::sync::Arc<str>,
    pub rank: usize,
    /// Whether a general lexicon proposed it (see [`crate::dict::TableKind`]).
    pub general: bool,
    /// How it changes the meaning of the spun form ([`crate::meaning`]).
    pub change: Change,
    /// `P(spinner writes the form | this original)`, when its table gives it.
    pub channel: Option<f32>,
    /// Whether its table's spinner chooses per occurrence.
    pub per_occurrence: bool,
}

impl Site {
    /// Whether the form is distinctive of the spinner tables: whether its
    /// first original standing in the document says something of the
    /// spinner (see [`super::evidence`]).
    pub(super) fn distinctive(&self) -> bool {
        !self.general && self.weight >= 0.6 && !self.candidates.is_empty()
    }
}

/// One alternative at a site: index 0 keeps the text as written, the others
/// are the site's candidates in order.
#[derive(Debug, Clone)]
pub(super) struct Alt {
    /// Its words, a range of [`super::decode::Document`]'s `alt_words`.
    pub(super) words: Range<usize>,
    /// Fixed channel cost (before the prior); 0 for keeping.
    pub(super) channel: f64,
    /// Context-free (unigram) log-probability of its words, natural log.
    pub(super) unigram: f64,
}

/// The alternatives of every site, one site after another, with their
/// channel costs and context-free log-probabilities; `present` are the
/// originals the document holds elsewhere as written, the penalty for
/// them, and the document's number of words.
pub(super) fn alternatives(
    text: &str,
    p: &Prelude<'_>,
    sites: &[Site],
    model: &LanguageModel,
    t: &Tuning,
    (present, present_cost, words): (&Present<'_>, f64, usize),
) -> Reused<Alt> {
    let ids = |r: &Range<usize>| p.ids(r);
    let (alt_spans, site_alts, alt_words, alt_unigrams) =
        (&p.alt_spans, &p.site_alts, &p.alt_words, &p.alt_unigrams);
    let initial = &p.initial;
    let mut alts = reused!(Alt);
    for (i, s) in sites.iter().enumerate() {
        let written = &text[s.span.clone()];
        let capitalised_inside = !initial[i]
            && written.starts_with(char::is_uppercase)
            && s.candidates.iter().any(|c| c.intrinsic_case != Case::Lower);
        let capitals = in_capitals(written);
        for (a, span) in alt_spans[site_alts[i].clone()].iter().enumerate() {
            let mut cost = 0.0;
            if a > 0 {
                let c = &s.candidates[a - 1];
                match c.channel {
                    Some(p) => cost += t.channel_gain * f64::from(p).ln(),
                    None => cost -= t.rank_cost * c.rank as f64,
                }
                if capitals {
                    cost -= t.upper_cost;
                }
                if c.general {
                    cost -= t.general_cost;
                }
                cost -= c
                    .change
                    .cost(t.modal_cost, t.contraction_cost, t.meaning_cost);
                // The spinner keeps an initial capital: inside a sentence,
                // a capitalised form more likely stands for an original
                // with capitals of its own, where the table offers one.
                if capitalised_inside && c.intrinsic_case == Case::Lower {
                    cost -= t.capital_cost;
                }
            }
            let unigram = alt_unigrams[site_alts[i].start + a].unwrap_or_else(|| {
                lexicon::unigram(model, alt_words[span.clone()].iter().copied())
            });
            if a > 0 {
                let c = &s.candidates[a - 1];
                if ids(span).is_some_and(|ids| present.contains(ids)) {
                    cost -= match c.per_occurrence {
                        true => present_cost.min(t.occurrence_present_cost),
                        false => present_cost,
                    };
                } else {
                    // An original the document never writes, though news
                    // of this length would write it `expected` times:
                    // the spinner replaced it throughout (a Poisson
                    // likelihood ratio of seeing it 0 times). Said of the
                    // general lexicons' candidates and of a thesaurus's
                    // whose spinner replaces every occurrence alike.
                    let gain = match (c.general, c.channel, c.per_occurrence) {
                        (true, _, _) => t.vanish_gain,
                        (false, Some(_), false) => t.thesaurus_vanish_gain,
                        _ => 0.0,
                    };
                    let expected = unigram.exp() * words as f64;
                    cost += gain * expected.min(t.vanish_max);
                }
            }
            alts.push(Alt {
                words: span.clone(),
                channel: cost,
                unigram,
            });
        }
    }
    alts
}

/// The prior log-odds that each site is a substitution: from the document
/// score, the form's weight, and the evidence of the form's other
/// occurrences (`by_form`, summed over all of them, less the site's own).
pub(super) fn priors(
    sites: &[Site],
    keys: &[Cow<'_, str>],
    evidence: &[f64],
    odds: &[f64],
    by_form: &FxHashMap<Box<str>, f64>,
    judgement: Judgement,
    t: &Tuning,
) -> Vec<f64> {
    let pooled_evidence = |j: usize| evidence[j].clamp(-2.0, 2.0);
    // The tables' forms take the tables' own score where a thesaurus has
    // a part in the document's, and the built-in tables' forms the
    // built-in tables' own where a user's table has.
    let tables = judgement.tables.unwrap_or(judgement.score);
    let doc_logit = |site: &Site| {
        let own = match site.builtin {
            true => judgement.builtin.unwrap_or(tables),
            false => tables,
        };
        logit(own.min(t.doc_max), t.p_min)
    };
    let tables_prior = |site: &Site| {
        t.doc_gain * doc_logit(site)
            + t.weight_gain * logit(site.weight as f64, t.p_min)
            + t.prior_bias
    };
    (0..sites.len())
        .map(|i| {
            let form = by_form.get(keys[i].as_ref()).copied().unwrap_or(0.0);
            let others = form - pooled_evidence(i);
            let pooled = (t.pool_gain * others).clamp(-t.pool_max, t.pool_max);
            let form_prior = match sites[i].standing {
                // The document's own share of spun forms of this kind (keys,
                // or forms an author writes freely): it takes the place of
                // the document score. None where none of its kind counted
                // (quoted speech the spinner left alone: silenced below).
                Some(standing) => {
                    let share = judgement.rates.of(standing).unwrap_or(t.p_min);
                    let key = is_key(standing);
                    let bias = match (sites[i].per_occurrence, key) {
                        (true, _) => t.rate_bias_all,
                        (false, true) => t.rate_bias_key,
                        (false, false) => t.rate_bias,
                    };
                    // How much of the document the spinner rewrote, read off
                    // the words it never writes (a keys-only thesaurus's):
                    // the fewer of them stand, the likelier a form is its own.
                    let survival = match (sites[i].per_occurrence, judgement.rates.survival) {
                        (false, Some(s)) => {
                            let gain = match key {
                                true => t.survival_gain_key,
                                false => t.survival_gain,
                            };
                            -gain * s.max(t.p_min).ln()
                        }
                        _ => 0.0,
                    };
                    // How much more often the spinner writes the form than
                    // an author does.
                    let writes = t.odds_gain * odds[i].clamp(-t.odds_max, t.odds_max);
                    let thesaurus = t.rate_gain * logit(share, t.p_min) + bias + survival + writes;
                    // A built-in form keeps what the built-in tables know of
                    // it where the thesaurus's spinner says less.
                    match sites[i].builtin {
                        true => thesaurus.max(tables_prior(&sites[i]) - t.builtin_margin),
                        false => thesaurus,
                    }
                }
                None => tables_prior(&sites[i]),
            };
            let p = form_prior + pooled;
            if silenced(&sites[i], judgement) {
                p - QUOTE_SILENCE
            } else {
                p
            }
        })
        .collect()
}

/// Whether `site` lies in quoted speech that the document's spinner left
/// alone.
pub(super) fn silenced(site: &Site, judgement: Judgement) -> bool {
    site.quoted && !judgement.quotes_spun
}

/// Taken from the prior of a site inside quoted speech that the document's
/// spinner left alone: no context evidence outweighs it.
const QUOTE_SILENCE: f64 = 50.0;

fn logit(p: f64, p_min: f64) -> f64 {
    let p = p.clamp(p_min, 1.0 - p_min);
    (p / (1.0 - p)).ln()
}

/// True when a word of `written` is in capitals, which the spinner never
/// spins, unless `written` is one short word: an acronym the spinner wrote
/// ("USA" for "United States").
fn in_capitals(written: &str) -> bool {
    let mut words = written.split_whitespace();
    let first = words.next().unwrap_or("");
    if words.next().is_none() && first.chars().count() <= 4 {
        return false;
    }
    written.split_whitespace().any(is_capitals)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::evidence::Tally;
    use crate::decide::rate::Rates;
    use crate::decide::tuning::TUNING;

    fn site(first: usize, builtin: bool) -> Site {
        Site {
            first,
            last: first,
            span: first..first + 1,
            weight: 0.9,
            standing: None,
            per_occurrence: false,
            candidates: Vec::new(),
            quoted: false,
            general: false,
            builtin,
        }
    }

    /// A user's table whose forms read as spun makes the document spun,
    /// but the built-in tables' forms, which read as the author's, keep
    /// the built-in tables' own score as their prior.
    #[test]
    fn the_builtin_forms_take_their_own_score_beside_a_users_table() {
        let t = TUNING;
        let mut sites: Vec<Site> = (0..20).map(|i| site(i, false)).collect();
        sites.extend((20..30).map(|i| site(i, true)));
        let evidence: Vec<f64> = (0..30).map(|i| if i < 20 { 4.0 } else { -2.0 }).collect();
        let keys: Vec<Cow<str>> = (0..30).map(|i| Cow::Owned(format!("form{i}"))).collect();
        let mut tally = Tally::default();
        tally.add(&sites, &evidence, &keys, &t);
        let judgement = tally.judgement(200, 0, Default::default(), &t);
        assert!(judgement.score > 0.9, "{judgement:?}");
        let builtin = judgement.builtin.unwrap();
        assert!(builtin < 0.1, "{judgement:?}");
        let priors = priors(
            &sites,
            &keys,
            &evidence,
            &[0.0; 30],
            &tally.by_form,
            judgement,
            &t,
        );
        // Same weight, no other occurrence: the prior differs by the score.
        assert!(priors[0] - priors[20] > 5.0, "{} {}", priors[0], priors[20]);

        // With the built-in tables alone, their forms take the document's.
        let mut alone = Tally::default();
        alone.add(&sites[20..], &evidence[20..], &keys[20..], &t);
        assert_eq!(
            alone.judgement(200, 0, Default::default(), &t).builtin,
            None
        );
    }

    /// A built-in form that a thesaurus holds too still says whether quoted
    /// speech was spun, and its evidence still goes into the built-in
    /// forms' prior (the tables' own score).
    #[test]
    fn a_built_in_form_a_thesaurus_holds_keeps_its_evidence() {
        let t = TUNING;
        let sites: Vec<Site> = (0..30)
            .map(|i| Site {
                standing: Some(1.0),
                quoted: i >= 20,
                ..site(i, true)
            })
            .collect();
        let evidence = vec![4.0; 30];
        let keys: Vec<Cow<str>> = (0..30).map(|i| Cow::Owned(format!("form{i}"))).collect();
        let mut tally = Tally::default();
        tally.add(&sites, &evidence, &keys, &t);
        let judgement = tally.judgement(300, 100, Default::default(), &t);
        assert!(judgement.quotes_spun, "{judgement:?}");
        assert!(judgement.tables.unwrap() > 0.9, "{judgement:?}");
        // A thesaurus's own forms alone say nothing of either.
        let own: Vec<Site> = sites
            .iter()
            .map(|s| Site {
                builtin: false,
                ..s.clone()
            })
            .collect();
        let mut tally = Tally::default();
        tally.add(&own, &evidence, &keys, &t);
        let judgement = tally.judgement(300, 100, Default::default(), &t);
        assert!(!judgement.quotes_spun, "{judgement:?}");
        assert!(judgement.tables.unwrap() < 0.1, "{judgement:?}");
    }

    /// A thesaurus form's prior bias is its spinner family's: a key of a
    /// keys-only spinner (which an author's use survives only where the
    /// spinner skipped it), a form that is no key, or any form of a spinner
    /// that chooses per occurrence, whatever table listed its candidates.
    #[test]
    fn a_thesaurus_forms_prior_is_its_spinner_familys() {
        let t = Tuning {
            rate_bias: -3.0,
            rate_bias_key: -1.0,
            rate_bias_all: -2.0,
            ..TUNING
        };
        let thesaurus_site = |first, standing, per_occurrence| Site {
            standing: Some(standing),
            per_occurrence,
            ..site(first, false)
        };
        let sites = vec![
            thesaurus_site(0, 0.0, false),
            thesaurus_site(1, 1.0, false),
            thesaurus_site(2, 0.25, true),
            thesaurus_site(3, 1.0, true),
        ];
        let keys: Vec<Cow<str>> = (0..4).map(|i| Cow::Owned(format!("form{i}"))).collect();
        let judgement = Judgement {
            score: 0.9,
            quotes_spun: true,
            verdict: None,
            rates: Rates {
                key: Some(0.5),
                other: Some(0.5),
                survival: None,
            },
            tables: None,
            builtin: None,
        };
        let priors = priors(
            &sites,
            &keys,
            &[0.0; 4],
            &[0.0; 4],
            &FxHashMap::default(),
            judgement,
            &t,
        );
        // At an even share the logit is 0: the prior is the bias.
        assert_eq!(priors, vec![-1.0, -3.0, -2.0, -2.0]);
    }
}
