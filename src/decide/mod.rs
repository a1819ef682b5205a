//! Deciding each finding: keep the text as written, or restore one of its
//! candidates.
//!
//! The decision is a noisy channel. Findings of a sentence that lie within
//! two words of each other form a group, decided jointly (so "navy motion"
//! is decided together with "military action"): a combination of choices
//! scores the language model's log-likelihood of the group's words, plus for
//! each restored finding
//!
//! * a **channel** term: how likely the spinner is to write this form for
//!   this original (the candidate's rank in its table line, a strong penalty
//!   when the text is in capitals, which the spinner never spins, and when the
//!   original appears elsewhere in the document as written: the spinner
//!   replaces every occurrence of a form it knows, so an original it left
//!   standing was not spun);
//! * a **prior**: the document's spin score and the table weight of the form
//!   (how distinctive it is of spinning), plus the evidence of the other
//!   occurrences of the same form in the document (the spinner rewrites one
//!   form the same way throughout).
//!
//! A trigram model couples each finding only with the two before it, so a
//! group is decoded exactly by dynamic programming over its findings
//! (forward and backward over pairs of neighbouring choices): max-product
//! gives the best combination with each alternative of each finding,
//! sum-product its probability. The cost grows linearly with the length of a
//! group, where enumerating combinations grows exponentially.
//!
//! The document score itself comes from the same evidence (see
//! [`crate::score`]): a first pass with a neutral prior measures how much
//! better each finding reads restored; the score sets the prior of the
//! second pass, which makes the decisions.
//!
//! One job a file: [`evidence`] (the document-level evidence and the spin
//! score), [`candidates`] (the sites, their candidates, and the channel and
//! prior terms), [`prelude`] (the document as the model's words),
//! [`decode`] (the dynamic programming over groups), [`tuning`] (the
//! constants).

mod candidates;
mod decode;
mod evidence;
mod prelude;
mod rate;
mod tuning;

use std::ops::Range;

pub(crate) use candidates::{Site, SiteCandidate};
pub(crate) use evidence::{gather, presence, survey, Judgement, Outer, Survey, Tally, Verdict};
pub(crate) use rate::{Survived, Survivors};
pub(crate) use tuning::tuning;

use crate::finding::{Reason, Terms};
use crate::lexicon::{Lexeme, Vocabulary};
use crate::settings::{DecisionMode, Settings};
use crate::tokenize::Token;
use candidates::{priors, silenced};
use decode::Document;
use prelude::Prelude;

/// The decision at one site.
#[derive(Debug, Clone)]
pub(crate) struct SiteDecision {
    /// Probability of keeping the text as written.
    pub keep: f64,
    /// Probability and terms of each candidate, in the site's order: a range
    /// of [`Decided::candidates`].
    pub candidates: Range<usize>,
    /// The candidate to restore, if any.
    pub restore: Option<usize>,
    /// Why it is restored or kept.
    pub reason: Reason,
}

/// The decisions of a document and its spin score.
#[derive(Debug, Clone)]
pub(crate) struct Decided {
    pub judgement: Judgement,
    pub sites: Vec<SiteDecision>,
    /// Probability and terms of every candidate of every site, one site
    /// after another.
    pub candidates: Vec<(f64, Terms)>,
}

/// Decides every site of a document. The document-level [`Judgement`] is
/// made from the sites' own evidence, or taken as `given` (a second
/// decoding of the same document with more sites). `quoted_words` is the
/// number of words inside quoted speech, `survived` the words it holds that
/// a keys-only thesaurus's spinner never writes. With `outer`, the text is
/// a window of a larger document, and everything the decision takes from
/// the whole document is taken from there. Unless `clean_sites`, a document judged
/// clean gets the judgement alone and no site decision (see
/// [`judged_clean`]).
#[allow(clippy::too_many_arguments)]
pub(crate) fn decide(
    text: &str,
    tokens: &[Token],
    lexemes: &[Lexeme],
    sites: &[Site],
    vocab: &Vocabulary,
    settings: &Settings,
    quoted_words: usize,
    survived: Survived,
    given: Option<Judgement>,
    outer: Option<&Outer>,
    clean_sites: bool,
) -> Decided {
    let given = outer.map(|o| o.judgement).or(given);
    // The judgement alone, no site decided.
    let undecided = |judgement| Decided {
        judgement,
        sites: Vec::new(),
        candidates: Vec::new(),
    };
    if sites.is_empty() {
        return undecided(given.unwrap_or(Judgement {
            score: 0.0,
            quotes_spun: true,
            verdict: None,
            rates: Default::default(),
            tables: None,
            builtin: None,
        }));
    }
    if settings.mode == DecisionMode::Dictionary {
        return dictionary_only(sites);
    }
    // A judgement known beforehand to leave the document alone needs no
    // pass at all.
    if let Some(j) = given.filter(|&j| !clean_sites && judged_clean(settings, j)) {
        return undecided(j);
    }
    let t = tuning();
    let p = Prelude::new(text, tokens, lexemes, sites, vocab);
    let doc = Document::new(text, p, sites, vocab, &t, outer);
    // Pass 1: no prior, to measure the evidence of each site (model and channel).
    let evidence = doc.evidence();
    let mut tally = Tally::default();
    let (judgement, by_form) = match outer {
        Some(o) => (o.judgement, &o.by_form),
        None => {
            // Each form's evidence summed once, so that a site's share of
            // the others is that sum less its own: linear in the number of
            // sites, however often a form repeats.
            tally.add(sites, &evidence, &doc.keys, &t);
            let judgement =
                given.unwrap_or_else(|| tally.judgement(doc.words, quoted_words, survived, &t));
            (judgement, &tally.by_form)
        }
    };
    if !clean_sites && judged_clean(settings, judgement) {
        return undecided(judgement);
    }
    // Pass 2: the prior of each site from the document score, the form's
    // weight, and the evidence of the form's other occurrences.
    let odds = doc.spinner_odds(sites);
    let prior = priors(sites, &doc.keys, &evidence, &odds, by_form, judgement, &t);
    let second = doc.decode::<true>(&prior);
    let mut candidates = Vec::with_capacity(doc.alts.len());
    let clean = judged_clean(settings, judgement);
    Decided {
        judgement,
        sites: (0..sites.len())
            .map(|i| {
                let mut d = doc.decision(&second, i, prior[i], &mut candidates);
                // A document judged clean is left alone, however strongly the
                // context favours a candidate at one site: in clean text such a
                // site is an author's word far more often than a spinner's.
                if clean {
                    d.restore = None;
                }
                // Compared as reported (to four places), so that a finding
                // listed at the minimum is restored.
                let unsure = d.restore.is_some_and(|c| {
                    crate::score::round4(candidates[d.candidates.start + c].0)
                        < settings.min_confidence
                });
                if unsure {
                    d.restore = None;
                }
                if d.restore.is_none() {
                    d.reason = if silenced(&sites[i], judgement) {
                        Reason::QuotedSpeech
                    } else if judgement.verdict == Some(Verdict::OtherSpinner) {
                        Reason::OtherSpinner
                    } else if clean {
                        Reason::CleanDocument
                    } else if unsure {
                        Reason::Unsure
                    } else {
                        Reason::Context
                    };
                }
                d
            })
            .collect(),
        candidates,
    }
}

/// Whether a document of this judgement is left as written, every site
/// kept whatever the second pass says: the model decides and the judgement
/// leaves it alone ([`Judgement::left_alone`]). Its second pass then
/// changes nothing a caller reads but the findings listed, so a caller that
/// lists no finding of such a document need not decode it.
fn judged_clean(settings: &Settings, judgement: Judgement) -> bool {
    settings.mode == DecisionMode::Model && judgement.left_alone(settings.threshold)
}

fn dictionary_only(sites: &[Site]) -> Decided {
    let mut candidates = Vec::new();
    let sites = sites
        .iter()
        .map(|s| {
            let restore = (s.weight >= 0.5).then_some(0);
            let first = candidates.len();
            candidates.extend(
                (0..s.candidates.len())
                    .map(|i| (f64::from(u8::from(restore == Some(i))), Terms::default())),
            );
            SiteDecision {
                keep: if restore.is_some() { 0.0 } else { 1.0 },
                candidates: first..candidates.len(),
                restore,
                reason: if restore.is_some() {
                    Reason::Restored
                } else {
                    Reason::Context
                },
            }
        })
        .collect();
    Decided {
        judgement: Judgement {
            score: 0.0,
            quotes_spun: true,
            verdict: None,
            rates: Default::default(),
            tables: None,
            builtin: None,
        },
        sites,
        candidates,
    }
}

#[cfg(test)]
mod tests {
    use crate::Unspinner;

    #[test]
    fn neighbouring_findings_are_restored_together() {
        let u = Unspinner::builder().build().unwrap();
        let a = u.analyze(
            "Trump mentioned the navy motion in the Center East was one in all the largest.",
        );
        assert_eq!(
            a.restore(),
            "Trump said the military action in the Middle East was one of the largest."
        );
    }

    #[test]
    fn a_number_spelled_in_two_words_is_restored_whole() {
        let u = Unspinner::builder().build().unwrap();
        let a = u.analyze("Officials mentioned twenty five,000 troops left the Center East.");
        assert_eq!(
            a.restore(),
            "Officials said 25,000 troops left the Middle East."
        );
    }
}
