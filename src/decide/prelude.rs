//! The words of a document as the decoder reads them: its sentences as
//! model words with the sites as slots, and the words of every alternative.

use std::borrow::Cow;
use std::ops::Range;

use super::candidates::Site;
use crate::lexicon::{self, Lexeme, Vocabulary};
use crate::model::WordId;
use crate::reuse::{reused, Reused};
use crate::tokenize::{normalize_phrase, Token, TokenKind};

/// The normalized form of a site written `written` ([`normalize_phrase`]),
/// borrowed when it is normalized already: ASCII without capitals, its words
/// joined by single spaces (most forms: a lower-case word or phrase).
fn form_key(written: &str) -> Cow<'_, str> {
    let b = written.as_bytes();
    let normal = written.is_ascii()
        && b.first() != Some(&b' ')
        && b.last() != Some(&b' ')
        && !b.windows(2).any(|w| w == b"  ")
        && b.iter()
            .all(|&c| !c.is_ascii_uppercase() && (c == b' ' || !char::from(c).is_whitespace()));
    if normal {
        Cow::Borrowed(written)
    } else {
        Cow::Owned(normalize_phrase(written))
    }
}

/// A word as the language model sees it: its id, `None` out of the
/// vocabulary (as [`Lexeme::lm`] and [`lexicon::Candidates`] give it).
pub(super) type Word = Option<WordId>;

/// An item of a sentence: a word outside the sites, or site `i`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Item {
    Fixed(Word),
    Slot(usize),
}

fn is_sentence_end(text: &str, tokens: &[Token], k: usize) -> bool {
    let t = &tokens[k];
    match t.kind {
        TokenKind::Space => text[t.span.clone()].contains('\n'),
        TokenKind::Punct => {
            let s = &text[t.span.clone()];
            if matches!(s, "!" | "?" | "…" | ";") {
                return true;
            }
            if s != "." {
                return false;
            }
            // "U.S. embassy": a full stop followed by a lower-case word is an abbreviation.
            match (tokens.get(k + 1), tokens.get(k + 2)) {
                (None, _) => true,
                (Some(sp), Some(next)) if sp.kind == TokenKind::Space => {
                    !text[next.span.clone()].starts_with(|c: char| c.is_lowercase())
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// The words of a document as the decoder reads them, before any cost is
/// set: its sentences with the sites as slots, and every alternative's
/// words. All of it depends on the text alone, not on the rest of the
/// document.
pub(super) struct Prelude<'t> {
    /// Normalized spun form of each site.
    pub(super) keys: Vec<Cow<'t, str>>,
    pub(super) items: Reused<Item>,
    pub(super) sentence_starts: Vec<usize>,
    /// Whether each site starts its sentence (a capital there says nothing).
    pub(super) initial: Vec<bool>,
    /// Number of words (a site is one).
    pub(super) words: usize,
    /// Words outside sites, in order, with `None` at sites and sentence
    /// ends (as for unknown words), for "the original is present" checks.
    pub(super) plain: Reused<Word>,
    pub(super) alt_words: Reused<Word>,
    /// The words of each alternative, a range of `alt_words`.
    pub(super) alt_spans: Reused<Range<usize>>,
    /// The alternatives of site `i` are `alt_spans[site_alts[i]]`.
    pub(super) site_alts: Reused<Range<usize>>,
    /// The context-free log-probability of each alternative, where the
    /// candidates' table gives it.
    pub(super) alt_unigrams: Reused<Option<f64>>,
    /// `alt_words` as ids, `WordId::MAX` for an unknown word.
    pub(super) alt_ids: Reused<WordId>,
}

impl<'t> Prelude<'t> {
    pub(super) fn new(
        text: &'t str,
        tokens: &[Token],
        lexemes: &[Lexeme],
        sites: &[Site],
        vocab: &Vocabulary,
    ) -> Self {
        let (dict, model) = (vocab.dict, vocab.model);
        let keys: Vec<Cow<str>> = sites
            .iter()
            .map(|s| form_key(&text[s.span.clone()]))
            .collect();
        let mut memo = lexicon::Memo::take(dict, model);
        let mut word = |w: &str| -> Word { memo.lexeme(w, dict, model).lm };
        let mut site_at = reused!(Option<usize>);
        site_at.resize(tokens.len(), None);
        for (i, s) in sites.iter().enumerate() {
            site_at[s.first] = Some(i);
        }
        let mut items = reused!(Item);
        let mut sentence_starts = vec![0];
        let mut initial = vec![false; sites.len()];
        let mut words = 0;
        let mut k = 0;
        let mut plain = reused!(Word);
        let in_sentence = |items: &Vec<Item>, starts: &Vec<usize>| {
            items.len() > starts.last().copied().unwrap_or(0)
        };
        while k < tokens.len() {
            if let Some(i) = site_at[k] {
                initial[i] = !in_sentence(&items, &sentence_starts);
                items.push(Item::Slot(i));
                words += 1;
                plain.push(None);
                k = sites[i].last + 1;
                continue;
            }
            let tok = &tokens[k];
            match tok.kind {
                TokenKind::Word | TokenKind::Number => {
                    let w = lexemes[k].lm;
                    words += 1;
                    plain.push(w);
                    items.push(Item::Fixed(w));
                }
                _ => {
                    if is_sentence_end(text, tokens, k) {
                        plain.push(None);
                        if in_sentence(&items, &sentence_starts) {
                            sentence_starts.push(items.len());
                        }
                    }
                }
            }
            k += 1;
        }
        sentence_starts.push(items.len());
        let mut alt_words = reused!(Word);
        let mut alt_spans = reused!(Range<usize>);
        let mut site_alts = reused!(Range<usize>);
        let mut alt_unigrams = reused!(Option<f64>);
        for (s, key) in sites.iter().zip(&keys) {
            let start = alt_spans.len();
            // The form as written: its tokens' lexemes, when it is words
            // separated by whitespace (else its words are not its tokens:
            // "far-off" is one).
            let from = alt_words.len();
            let span = &tokens[s.first..=s.last];
            let is_word = |t: &Token| matches!(t.kind, TokenKind::Word | TokenKind::Number);
            let simple = span.iter().step_by(2).all(is_word)
                && span
                    .iter()
                    .skip(1)
                    .step_by(2)
                    .all(|t| t.kind == TokenKind::Space);
            if simple {
                alt_words.extend((s.first..=s.last).step_by(2).map(|k| lexemes[k].lm));
            } else {
                alt_words.extend(key.split_whitespace().map(&mut word));
            }
            alt_spans.push(from..alt_words.len());
            alt_unigrams.push(None);
            for c in &s.candidates {
                let from = alt_words.len();
                let known = c.phrase.and_then(|i| vocab.candidates.get(i));
                match known {
                    Some((words, _)) => alt_words.extend_from_slice(words),
                    None => alt_words.extend(c.original.split_whitespace().map(&mut word)),
                }
                alt_spans.push(from..alt_words.len());
                alt_unigrams.push(known.map(|(_, unigram)| unigram));
            }
            site_alts.push(start..alt_spans.len());
        }
        memo.put_back();
        let mut alt_ids = reused!(WordId);
        alt_ids.extend(alt_words.iter().map(|w| w.unwrap_or(WordId::MAX)));
        Prelude {
            keys,
            items,
            sentence_starts,
            initial,
            words,
            plain,
            alt_words,
            alt_spans,
            site_alts,
            alt_unigrams,
            alt_ids,
        }
    }

    /// The ids of the alternative whose words are `alt_words[r]`, when
    /// the model knows them all.
    pub(super) fn ids(&self, r: &Range<usize>) -> Option<&[WordId]> {
        let ids = &self.alt_ids[r.clone()];
        (!ids.contains(&WordId::MAX)).then_some(ids)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_key_is_the_normalized_form_borrowed_when_it_can_be() {
        for w in [
            "navy",
            "one in all",
            "one  in\nall",
            "one\u{b}in all",
            " one in all ",
            "Navy",
            "NAVY",
            "far-off",
            "Navy’s",
            "three,000",
            "naïve",
        ] {
            let key = form_key(w);
            assert_eq!(key, normalize_phrase(w), "{w:?}");
        }
        for w in ["navy", "far-off", "three,000", "one in all"] {
            assert!(matches!(form_key(w), Cow::Borrowed(_)), "{w}");
        }
    }
}
