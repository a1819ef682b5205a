//! Meaning-bearing changes: what a restoration must not do on thin evidence.
//!
//! A synonym spinner swaps words of like meaning, but its sets are loose:
//! they put "hundreds" with "thousands", "will" with "can", "did not" with
//! "didn't". Restoring such a pair wrongly changes what the text says (a
//! number, a negation, a modality), or its register (a contraction). So a
//! candidate is compared with the spun form it would replace:
//!
//! * a **negation** added, dropped or moved (`not`, `n't`, `never`, `no`, ...)
//!   or a **number's value** changed: never proposed, unless the spun form is
//!   one no author writes (table weight 0.9 or more: `thousands and
//!   thousands` -> `millions`), and then at a heavy channel cost;
//! * a **modal** changed (`will` -> `can`) or a **contraction** made or undone
//!   (`did not` -> `didn't`): proposed with a channel cost
//!   ([`Change::cost`]), so only strong evidence restores it.

use std::borrow::Cow;

use crate::numbers::word_value;

/// How a candidate differs in meaning from the spun form it would replace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Change {
    /// Same negations, numbers, modals and contractions.
    None,
    /// A different modal verb.
    Modal,
    /// A contraction made or undone, nothing else.
    Contraction,
    /// A negation added, dropped or moved, or a number's value changed.
    Meaning,
}

/// The table weight from which a spun form counts as one no author writes.
pub(crate) const DISTINCTIVE: f32 = 0.9;

impl Change {
    /// Whether a candidate with this change may be proposed for a spun form
    /// of table weight `weight`.
    pub(crate) fn allowed(self, weight: f32) -> bool {
        self != Change::Meaning || weight >= DISTINCTIVE
    }

    /// The channel cost of the change (natural log, positive).
    pub(crate) fn cost(self, modal_cost: f64, contraction_cost: f64, meaning_cost: f64) -> f64 {
        match self {
            Change::None => 0.0,
            Change::Modal => modal_cost,
            Change::Contraction => contraction_cost,
            Change::Meaning => meaning_cost,
        }
    }
}

const NEGATIONS: [&str; 11] = [
    "not", "never", "no", "none", "nobody", "nothing", "neither", "nor", "nowhere", "cannot",
    "without",
];

const MODALS: [&str; 9] = [
    "will", "would", "can", "could", "may", "might", "must", "shall", "should",
];

/// Auxiliary verbs besides the modals: where a negation stands among them
/// is part of what it negates.
const AUXILIARIES: [&str; 13] = [
    "be", "am", "is", "are", "was", "were", "been", "do", "does", "did", "have", "has", "had",
];

/// What a phrase says, as far as [`Change`] looks: the order of its
/// negations among its auxiliaries (`N` and `A`, to see a negation moved),
/// its number values sorted, its modals, and whether it holds a contraction.
#[derive(Debug, Default, PartialEq)]
struct Gist {
    order: String,
    numbers: Vec<u64>,
    modals: Vec<&'static str>,
    contraction: bool,
}

fn words(phrase: &str) -> impl Iterator<Item = Cow<'_, str>> + '_ {
    phrase
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}'))
        .filter(|w| !w.is_empty())
        .map(
            |w| match w.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
                true => Cow::Owned(w.to_lowercase().replace('\u{2019}', "'")),
                // Most words of a table: as they are, with nothing to allocate.
                false => Cow::Borrowed(w),
            },
        )
}

fn number_value(word: &str) -> Option<u64> {
    let word = word.strip_suffix("'s").unwrap_or(word);
    let singular = word.strip_suffix('s').unwrap_or(word);
    // "1000's" and "thousands" are the same number.
    for w in [word, singular] {
        if !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit()) {
            return w.parse().ok();
        }
    }
    // "hundreds" counts as "hundred": "hundreds" -> "thousands" changes a
    // value as surely as "300" -> "3,000".
    word_value(word).or_else(|| word_value(singular))
}

fn gist(phrase: &str) -> Gist {
    let mut g = Gist::default();
    let auxiliary = |g: &mut Gist, w: &str| {
        if let Some(m) = MODALS.iter().find(|m| **m == w) {
            g.modals.push(m);
            g.order.push('A');
        } else if AUXILIARIES.contains(&w) {
            g.order.push('A');
        }
    };
    let words: Vec<Cow<'_, str>> = words(phrase).collect();
    for (i, w) in words.iter().enumerate() {
        let w = w.as_ref();
        // Periphrases of modals: "going to" is "will", "has to" is "must",
        // "able to" is "can".
        let next_to = words.get(i + 1).is_some_and(|n| n == "to");
        let periphrasis = match w {
            "going" if next_to => Some("will"),
            "have" | "has" | "had" if next_to => Some("must"),
            "able" if next_to => Some("can"),
            _ => None,
        };
        if let Some(m) = periphrasis {
            g.modals.push(m);
            g.order.push('A');
            continue;
        }
        if let Some(stem) = w.strip_suffix("n't") {
            g.contraction = true;
            // "won't" is "will not", "can't" is "can not".
            let stem = match stem {
                "wo" => "will",
                "ca" => "can",
                s => s,
            };
            auxiliary(&mut g, stem);
            g.order.push('N');
        } else if w == "cannot" {
            auxiliary(&mut g, "can");
            g.order.push('N');
        } else if NEGATIONS.contains(&w) {
            g.order.push('N');
        } else if let Some(v) = number_value(w) {
            g.numbers.push(v);
        } else if ["'re", "'ve", "'ll", "'d", "'m"]
            .iter()
            .any(|s| w.ends_with(s) && w.len() > s.len())
        {
            g.contraction = true;
        } else {
            auxiliary(&mut g, w);
        }
    }
    g.numbers.sort_unstable();
    g
}

/// How `candidate` differs in meaning from `spun`.
pub(crate) fn change(spun: &str, candidate: &str) -> Change {
    Spun::new(spun).change(candidate)
}

/// A spun form read once for all its candidates: a table compiles tens of
/// thousands of forms, each with several candidates.
pub(crate) struct Spun<'a> {
    text: &'a str,
    gist: Gist,
}

impl<'a> Spun<'a> {
    /// The spun form `text`.
    pub(crate) fn new(text: &'a str) -> Spun<'a> {
        Spun {
            text,
            gist: gist(text),
        }
    }

    /// How `candidate` differs in meaning from this spun form.
    pub(crate) fn change(&self, candidate: &str) -> Change {
        change_from(&self.gist, self.text, candidate)
    }
}

fn change_from(s: &Gist, spun: &str, candidate: &str) -> Change {
    let c = gist(candidate);
    let negations = |g: &Gist| g.order.bytes().filter(|&b| b == b'N').count();
    // A negation kept in place stands at the same place among the
    // auxiliaries ("is not any" -> "is no", "did not" -> "didn't").
    let moved = || {
        let squeeze = |g: &Gist| {
            let mut o: Vec<u8> = g.order.bytes().collect();
            o.dedup();
            o
        };
        let (so, co) = (squeeze(s), squeeze(&c));
        so.contains(&b'A') && co.contains(&b'A') && so != co
    };
    if negations(s) != negations(&c) || moved() {
        return Change::Meaning;
    }
    // A number may appear from a vague quantity ("a whole bunch" ->
    // "hundreds") but never change into another.
    if !s.numbers.is_empty() && s.numbers != c.numbers {
        return Change::Meaning;
    }
    if s.modals != c.modals {
        return Change::Modal;
    }
    // Only a contraction made or undone, and nothing else: a phrase that
    // also swaps a word ("do not need" -> "don't want") is judged on that.
    if s.contraction != c.contraction && expanded(spun) == expanded(candidate) {
        return Change::Contraction;
    }
    Change::None
}

/// The words of `phrase` with its contractions written out.
fn expanded(phrase: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in words(phrase) {
        let (stem, tail) = match w.as_ref() {
            "won't" => ("will", "not"),
            "can't" | "cannot" => ("can", "not"),
            "shan't" => ("shall", "not"),
            _ => {
                let suffixes = [
                    ("n't", "not"),
                    ("'re", "are"),
                    ("'ve", "have"),
                    ("'ll", "will"),
                    ("'m", "am"),
                    ("'d", "would"),
                ];
                match suffixes
                    .iter()
                    .find(|(s, _)| w.ends_with(s) && w.len() > s.len())
                {
                    Some((s, full)) => {
                        out.push(w[..w.len() - s.len()].to_string());
                        out.push(full.to_string());
                    }
                    None => out.push(w.into_owned()),
                }
                continue;
            }
        };
        out.push(stem.to_string());
        out.push(tail.to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negations_are_never_dropped_added_or_moved() {
        assert_eq!(change("did not", "did"), Change::Meaning);
        assert_eq!(change("is", "is not"), Change::Meaning);
        assert_eq!(change("by no means", "never"), Change::None);
        assert_eq!(change("is not any", "is no"), Change::None);
        assert_eq!(change("not only will", "will not only"), Change::Meaning);
    }

    #[test]
    fn numbers_keep_their_values() {
        assert_eq!(change("hundreds", "thousands"), Change::Meaning);
        assert_eq!(change("hundreds of thousands", "millions"), Change::Meaning);
        assert_eq!(change("1000's", "thousands"), Change::None);
        assert_eq!(change("a whole bunch", "hundreds"), Change::None);
        assert_eq!(change("three", "3"), Change::None);
        assert_eq!(change("three", "4"), Change::Meaning);
    }

    #[test]
    fn modals_and_contractions_cost_but_are_allowed() {
        assert_eq!(change("can", "will"), Change::Modal);
        assert_eq!(change("did not", "didn't"), Change::Contraction);
        assert_eq!(change("aren't", "are not"), Change::Contraction);
        assert_eq!(change("can't", "cannot"), Change::Contraction);
        assert_eq!(change("won't", "will not"), Change::Contraction);
        assert_eq!(change("mentioned", "said"), Change::None);
        assert_eq!(change("do not need", "don't want"), Change::None);
        assert_eq!(change("are going to", "will"), Change::None);
        assert_eq!(change("have to", "must"), Change::None);
        assert!(!Change::Meaning.allowed(0.5));
        assert!(Change::Meaning.allowed(1.0));
        assert!(Change::Modal.allowed(0.1));
    }
}
