//! The document's own spin rate: the share of a thesaurus's forms in it that
//! its spinner wrote, estimated from the document itself by EM.
//!
//! A spinner may replace every key it meets or only some (a "spin ratio"),
//! and the share of a document's thesaurus forms that are substitutions
//! follows from that and from how many of the author's own words the
//! thesaurus also lists. Neither is known beforehand, so the share is
//! estimated for each document from its sites' first-pass evidence: each
//! site is a mixture of "spun" (the context prefers a candidate) and
//! "written" (it does not), and EM finds the mixing share that makes the
//! evidence of all the sites most likely. The estimate is the prior of each
//! site in the second pass.
//!
//! Two shares are estimated, one for the forms that are a thesaurus's keys
//! (an author's use of them survives the spinner only where it left the key
//! alone: their share says how much of the document the spinner rewrote)
//! and one for the others (which an author writes freely).
//!
//! A keys-only thesaurus says more, without the model: its keys that are no
//! line's member (`said` in `said|stated|mentioned`, where no line offers
//! `said` as a replacement) are words the spinner replaces wherever it does
//! not skip them and never writes itself. How many of them a document
//! holds, against how many news of its length holds (their unigram
//! probabilities), is the share of them that survived: near 1 in a
//! document the spinner never touched, about a fifth where it replaced
//! every key it met (some stand inside phrases it replaced first, or in
//! capitals). See [`Survivors`].

use std::ops::Range;

use super::tuning::Tuning;
use crate::lexicon::Lexeme;
use crate::model::LanguageModel;
use crate::tokenize::{is_capitals, Token};

/// The first-pass evidence of a document's thesaurus sites, gathered site
/// by site (window by window for a large document).
#[derive(Debug, Default, Clone)]
pub(crate) struct RateEvidence {
    /// Each site's likelihood ratio (spun against written), whether its
    /// form is a key, and whether it lies in quoted speech.
    sites: Vec<(f64, bool, bool)>,
}

impl RateEvidence {
    /// Adds a thesaurus site whose form survives an author's use with
    /// probability `standing` (1 for a form that is no key), with
    /// first-pass evidence `evidence` (natural-log odds of its best
    /// candidate against the form as written).
    pub(super) fn add(&mut self, standing: f32, evidence: f64, quoted: bool, t: &Tuning) {
        // The evidence as a likelihood ratio, calibrated on synthetic spins
        // (see `Tuning::rate_lr_gain`); capped, since past a point the
        // share of spun sites no longer grows with it.
        let e = evidence.clamp(-t.rate_lr_max, t.rate_lr_max);
        let lr = (t.rate_lr_gain * e + t.rate_lr_bias).exp();
        self.sites.push((lr, is_key(standing), quoted));
    }

    /// Whether no thesaurus site was added.
    pub(super) fn is_empty(&self) -> bool {
        self.sites.is_empty()
    }

    /// The estimated shares, leaving out quoted speech unless the spinner
    /// rewrote it (`quotes_spun`).
    pub(super) fn rates(&self, quotes_spun: bool, t: &Tuning) -> Rates {
        let share = |key: bool| {
            let lrs: Vec<f64> = self
                .sites
                .iter()
                .filter(|&&(_, k, quoted)| k == key && (quotes_spun || !quoted))
                .map(|&(lr, _, _)| lr)
                .collect();
            em(&lrs, (t.rate_prior_spun, t.rate_prior_written))
        };
        Rates {
            key: share(true),
            other: share(false),
            survival: None,
        }
    }

    /// How much likelier the sites' evidence is with the estimated shares
    /// `rates` than with none spun: the log-likelihood ratio of the mixture
    /// against its written part alone (0 where a kind gives no estimate).
    pub(super) fn log_ratio(&self, rates: Rates, quotes_spun: bool) -> f64 {
        self.sites
            .iter()
            .filter(|&&(_, _, quoted)| quotes_spun || !quoted)
            .map(|&(lr, key, _)| {
                let share = if key { rates.key } else { rates.other };
                share.map_or(0.0, |p| (p * lr + 1.0 - p).ln())
            })
            .sum()
    }
}

/// The estimated share of spun sites among a document's thesaurus forms
/// that are keys, and among the others; `None` where there are none. And
/// the share of a keys-only thesaurus's survivors that stood, where one
/// gives them (see [`Survivors`]).
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(crate) struct Rates {
    pub key: Option<f64>,
    pub other: Option<f64>,
    pub survival: Option<f64>,
}

/// The words a keys-only spinner replaces wherever it does not skip them
/// and never writes itself (its thesaurus's keys that are no line's member,
/// [`crate::dict::Table::survivors`]), as model words, with the share of
/// running news text they make up.
#[derive(Debug, Clone)]
pub(crate) struct Survivors {
    /// A bit a model word.
    ids: Vec<u64>,
    /// The sum of their unigram probabilities.
    per_word: f64,
}

impl Survivors {
    /// The survivors among `words` that the model knows; `None` if none.
    pub(crate) fn new<'a>(
        words: impl IntoIterator<Item = &'a str>,
        model: &LanguageModel,
    ) -> Option<Survivors> {
        let mut ids: Vec<u64> = Vec::new();
        let mut per_word = 0.0;
        for id in words.into_iter().filter_map(|w| model.word_id(w)) {
            let (slot, bit) = (id as usize / 64, 1u64 << (id % 64));
            if ids.len() <= slot {
                ids.resize(slot + 1, 0);
            }
            if ids[slot] & bit == 0 {
                ids[slot] |= bit;
                per_word += 10f64.powf(model.log10_prob(&[], id) as f64);
            }
        }
        (per_word > 0.0).then_some(Survivors { ids, per_word })
    }

    /// The survivors that `text` (tokenized as `tokens`, looked up as
    /// `lexemes`, quoted speech at `quoted`) holds as the spinner would
    /// have matched them: in lower case or capitalised, not in capitals.
    pub(crate) fn count(
        &self,
        text: &str,
        tokens: &[Token],
        lexemes: &[Lexeme],
        quoted: &[Range<usize>],
    ) -> Survived {
        let mut survived = Survived {
            per_word: self.per_word,
            ..Survived::default()
        };
        for (t, l) in tokens.iter().zip(lexemes) {
            let Some(id) = l.lm else { continue };
            let listed = self
                .ids
                .get(id as usize / 64)
                .is_some_and(|b| b & (1 << (id % 64)) != 0);
            if listed && !is_capitals(&text[t.span.clone()]) {
                match crate::quotes::inside(quoted, &t.span) {
                    true => survived.inside += 1,
                    false => survived.outside += 1,
                }
            }
        }
        survived
    }
}

/// A document's survivors (see [`Survivors`]), outside quoted speech and
/// inside, counted whole or window by window.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(crate) struct Survived {
    pub outside: usize,
    pub inside: usize,
    /// The share of running text the survivors make up; 0 without a
    /// keys-only thesaurus.
    pub per_word: f64,
}

impl Survived {
    /// Adds a window's count.
    pub(crate) fn add(&mut self, other: Survived) {
        self.outside += other.outside;
        self.inside += other.inside;
        self.per_word = self.per_word.max(other.per_word);
    }

    /// The share of the survivors that a document of `words` words
    /// (`quoted_words` of them quoted) kept: their count against the count
    /// its length leads to expect, with `prior` expected words that all
    /// stood (a passage's few words lean towards "untouched"); quoted
    /// speech counted only where the spinner rewrote it.
    pub(crate) fn share(
        &self,
        words: usize,
        quoted_words: usize,
        quotes_spun: bool,
        prior: f64,
    ) -> Option<f64> {
        if self.per_word <= 0.0 {
            return None;
        }
        let (found, words) = match quotes_spun {
            true => (self.outside + self.inside, words),
            false => (self.outside, words.saturating_sub(quoted_words)),
        };
        let expected = words as f64 * self.per_word;
        Some((found as f64 + prior) / (expected + prior))
    }
}

impl Rates {
    /// The share for a form of this standing.
    pub(super) fn of(&self, standing: f32) -> Option<f64> {
        match is_key(standing) {
            true => self.key,
            false => self.other,
        }
    }
}

/// Whether a form of this standing is a key: an author's use of it may not
/// survive the spinner (a form that is no key stands with probability 1).
pub(super) fn is_key(standing: f32) -> bool {
    standing < 1.0
}

/// The mixing share `p` that maximises the likelihood of sites whose
/// likelihood ratios are `lrs` (each `p * lr + (1 - p)`), by EM, with
/// `prior` pseudo-counts of spun and of written sites (a Beta prior: a
/// share read from a handful of sites leans towards even, one read from
/// hundreds is theirs); within [0.01, 0.99], `None` without sites.
fn em(lrs: &[f64], (spun, written): (f64, f64)) -> Option<f64> {
    if lrs.is_empty() {
        return None;
    }
    let n = lrs.len() as f64;
    let mut p = 0.5;
    for _ in 0..200 {
        let posterior: f64 = lrs.iter().map(|&l| p * l / (p * l + 1.0 - p)).sum();
        let next = (posterior + spun) / (n + spun + written);
        let done = (next - p).abs() < 1e-7;
        p = next;
        if done {
            break;
        }
    }
    Some(p.clamp(0.01, 0.99))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The share that makes the evidence most likely: with `n1` sites of
    /// ratio 9 and `n0` of ratio 1/9, the likelihood's derivative is 0 at
    /// `p = (9 n1 - n0) / 8 (n1 + n0)`.
    #[test]
    fn em_finds_the_most_likely_share() {
        for share in [0.2, 0.5, 0.8] {
            let spun = (share * 1000.0) as usize;
            let lrs: Vec<f64> = (0..1000)
                .map(|i| if i < spun { 9.0 } else { 1.0 / 9.0 })
                .collect();
            let p = em(&lrs, (0.0, 0.0)).unwrap();
            let expected = (10.0 * share - 1.0) / 8.0;
            assert!(
                (p - expected).abs() < 1e-3,
                "{share}: {p} against {expected}"
            );
        }
    }

    /// Counted as the spinner matches a key: in lower case or capitalised,
    /// not in capitals; quoted speech apart.
    #[test]
    fn survivors_are_counted_as_the_spinner_matches_them() {
        let model = LanguageModel::shipped();
        let s = Survivors::new(["said", "people", "zzqx"], model).unwrap();
        let expected = 10f64.powf(model.log10_prob(&[], model.word_id("said").unwrap()) as f64)
            + 10f64.powf(model.log10_prob(&[], model.word_id("people").unwrap()) as f64);
        assert!((s.per_word - expected).abs() < 1e-12);
        let text = "He said: \"People said so.\" SAID the people.";
        let tokens = crate::tokenize::tokenize(text);
        let dict = crate::dict::Dictionary::from_tables(&[]).unwrap();
        let lexemes = crate::lexicon::lexemes(text, &tokens, &dict, model);
        let quoted = crate::quotes::quoted(text);
        let n = s.count(text, &tokens, &lexemes, &quoted);
        assert_eq!((n.outside, n.inside), (2, 2));
        assert!(Survivors::new(["zzqx"], model).is_none());
    }

    /// The share kept: found against expected, quoted speech counted only
    /// where it was spun, a prior of words that all stood.
    #[test]
    fn the_survivors_share_is_found_against_expected() {
        let n = Survived {
            outside: 2,
            inside: 2,
            per_word: 0.1,
        };
        assert_eq!(n.share(40, 10, true, 0.0), Some(1.0));
        assert!((n.share(40, 10, false, 0.0).unwrap() - 2.0 / 3.0).abs() < 1e-12);
        assert!((n.share(40, 10, true, 4.0).unwrap() - 1.0).abs() < 1e-12);
        let none = Survived {
            outside: 0,
            inside: 0,
            per_word: 0.1,
        };
        assert!((none.share(100, 0, true, 5.0).unwrap() - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(Survived::default().share(100, 0, true, 5.0), None);
    }

    #[test]
    fn no_site_gives_no_estimate_and_the_bounds_hold() {
        assert_eq!(em(&[], (1.0, 1.0)), None);
        assert_eq!(em(&[1e6; 20], (0.0, 0.0)), Some(0.99));
        assert_eq!(em(&[1e-6; 20], (0.0, 0.0)), Some(0.01));
    }

    /// With pseudo-counts, a few sites move the share less than many.
    #[test]
    fn a_few_sites_lean_towards_the_prior() {
        let few = em(&[9.0; 3], (1.0, 1.0)).unwrap();
        let many = em(&[9.0; 300], (1.0, 1.0)).unwrap();
        assert!(few > 0.5 && few < many, "{few} {many}");
        assert!((many - em(&[9.0; 300], (0.0, 0.0)).unwrap()).abs() < 0.01);
    }

    #[test]
    fn quoted_sites_count_only_where_quotes_were_spun() {
        let t = crate::decide::tuning::TUNING;
        let mut r = RateEvidence::default();
        for _ in 0..10 {
            r.add(1.0, 5.0, false, &t);
            r.add(1.0, -5.0, true, &t);
        }
        let spun_quotes = r.rates(true, &t).other.unwrap();
        let kept_quotes = r.rates(false, &t).other.unwrap();
        assert!(
            kept_quotes > spun_quotes + 0.3,
            "{kept_quotes} {spun_quotes}"
        );
        assert_eq!(r.rates(true, &t).key, None);
    }

    #[test]
    fn the_log_ratio_tells_a_spun_document_from_a_clean_one() {
        let t = crate::decide::tuning::TUNING;
        // 100 forms, `spun` of them with strong evidence, the rest against.
        let log_ratio = |spun: usize| {
            let mut r = RateEvidence::default();
            for i in 0..100 {
                r.add(1.0, if i < spun { 5.0 } else { -3.0 }, false, &t);
            }
            r.log_ratio(r.rates(true, &t), true)
        };
        assert!(log_ratio(0) <= 0.0, "{}", log_ratio(0));
        assert!(log_ratio(30) > 20.0, "{}", log_ratio(30));
        assert!(log_ratio(60) > log_ratio(30));
    }
}
