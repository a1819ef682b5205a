//! What the dictionary and the language model know of each word of a
//! document, looked up once per distinct spelling.
//!
//! Scanning for spun forms and decoding both need every word normalized and
//! looked up; news repeats its words ("the", "said", names), so a document's
//! spellings are each normalized and looked up once here and shared, and a
//! thread keeps what it has looked up for the documents after.

use rustc_hash::FxHashMap;
use std::hash::Hasher;

use crate::dict::{Dictionary, TokenWord};
use crate::model::{LanguageModel, WordId};
use crate::tokenize::{is_capitals, normalize_into, Token, TokenKind};

/// One token as the dictionary and the model see it.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Lexeme {
    /// What the dictionary's scan needs of it.
    pub(crate) dict: TokenWord,
    /// Its id in the model's vocabulary; `None` when out of vocabulary, and
    /// for tokens that are not words or numbers.
    pub(crate) lm: Option<WordId>,
}

/// The lexeme of every token of `tokens` (a tokenization of `text`), in
/// order; spaces and punctuation get the default.
pub(crate) fn lexemes(
    text: &str,
    tokens: &[Token],
    dict: &Dictionary,
    model: &LanguageModel,
) -> Vec<Lexeme> {
    // Tokens ahead whose memo slots are fetched (about eight words).
    const AHEAD: usize = 16;
    let is_word = |t: &Token| matches!(t.kind, TokenKind::Word | TokenKind::Number);
    let mut memo = Memo::take(dict, model);
    // Spellings too long for the memo, looked up once per document.
    let mut long: FxHashMap<&str, Lexeme> = FxHashMap::default();
    let lexemes = (0..tokens.len())
        .map(|i| {
            if let Some(ahead) = tokens.get(i + AHEAD).filter(|t| is_word(t)) {
                memo.prefetch(&text[ahead.span.clone()]);
            }
            let t = &tokens[i];
            if !is_word(t) {
                return Lexeme::default();
            }
            let written = &text[t.span.clone()];
            if written.len() > Slot::KEY {
                *long
                    .entry(written)
                    .or_insert_with(|| memo.lexeme(written, dict, model))
            } else {
                memo.lexeme(written, dict, model)
            }
        })
        .collect();
    memo.put_back();
    lexemes
}

/// The lexemes of the spellings a thread has met, kept from one document to
/// the next: news shares most of its words across documents, and looking a
/// word up in the dictionary and the model costs several scattered reads.
///
/// A direct-mapped cache with the spelling stored in the slot, so that a
/// lookup reads one cache line. Spellings longer than a slot holds are
/// looked up every time.
///
/// Taken by [`Memo::take`] and given back by [`Memo::put_back`].
#[derive(Default)]
pub(crate) struct Memo {
    /// The dictionary and model the lexemes belong to (their serials; 0 is
    /// none).
    owner: (u64, u64),
    /// `2^SLOTS_LOG2` slots once the memo is first used.
    slots: Vec<Slot>,
    /// Scratch for normalizing.
    buf: String,
}

/// A spelling of up to [`Slot::KEY`] bytes and its lexeme; `len == 0` is an
/// empty slot (the empty spelling is never looked up through the memo).
#[derive(Clone, Copy, Default)]
#[repr(C, align(32))]
struct Slot {
    key: [u8; Slot::KEY],
    len: u8,
    lexeme: Lexeme,
}

impl Slot {
    /// Most words fit (English words average five letters), and the slot
    /// stays half a cache line.
    const KEY: usize = 11;
}

const _: () = assert!(std::mem::size_of::<Slot>() == 32);

thread_local! {
    static MEMO: std::cell::RefCell<Memo> = Default::default();
}

impl Memo {
    /// log2 of the number of slots: 65,536 of 32 bytes, 2 MB per thread.
    const SLOTS_LOG2: u32 = 16;

    /// This thread's memo, for `dict` and `model` (emptied if it was
    /// another's).
    pub(crate) fn take(dict: &Dictionary, model: &LanguageModel) -> Memo {
        let mut memo = MEMO.with_borrow_mut(std::mem::take);
        let owner = (dict.serial(), model.serial());
        if memo.owner != owner || memo.slots.is_empty() {
            memo.slots.clear();
            memo.slots.resize(1 << Memo::SLOTS_LOG2, Slot::default());
            memo.owner = owner;
        }
        memo
    }

    /// Gives the memo back to the thread.
    pub(crate) fn put_back(self) {
        MEMO.with_borrow_mut(|memo| *memo = self);
    }

    /// The slot of a spelling, if it fits one.
    #[inline]
    fn slot(bytes: &[u8]) -> Option<usize> {
        (1..=Slot::KEY).contains(&bytes.len()).then(|| {
            let mut h = rustc_hash::FxHasher::default();
            h.write(bytes);
            (h.finish() >> (64 - Memo::SLOTS_LOG2)) as usize
        })
    }

    /// Starts reading the slot of `written`, ahead of [`Memo::lexeme`].
    #[inline]
    pub(crate) fn prefetch(&self, written: &str) {
        if let Some(slot) = Memo::slot(written.as_bytes()).and_then(|i| self.slots.get(i)) {
            crate::model::prefetch(slot);
        }
    }

    /// The lexeme of a word written `written`.
    pub(crate) fn lexeme(
        &mut self,
        written: &str,
        dict: &Dictionary,
        model: &LanguageModel,
    ) -> Lexeme {
        let bytes = written.as_bytes();
        let slot = Memo::slot(bytes);
        if let Some(s) = slot.and_then(|i| self.slots.get(i)) {
            if &s.key[..s.len as usize] == bytes {
                return s.lexeme;
            }
        }
        self.buf.clear();
        normalize_into(written, &mut self.buf);
        let lexeme = Lexeme {
            dict: TokenWord {
                id: dict.word_id(&self.buf),
                capitals: is_capitals(written),
            },
            lm: model.word_id(&self.buf),
        };
        if let Some(s) = slot.and_then(|i| self.slots.get_mut(i)) {
            s.key[..bytes.len()].copy_from_slice(bytes);
            s.len = bytes.len() as u8;
            s.lexeme = lexeme;
        }
        lexeme
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::tokenize;

    #[test]
    fn each_word_is_looked_up_as_normalized() {
        let dict = Dictionary::builtin(crate::dict::DEFAULT_TABLES).unwrap();
        let model = LanguageModel::shipped();
        let text = "The navy MENTIONED it, the Navy’s xqzzy.";
        let tokens = tokenize(text);
        let lex = lexemes(text, &tokens, &dict, model);
        assert_eq!(lex.len(), tokens.len());
        for (t, l) in tokens.iter().zip(&lex) {
            let written = &text[t.span.clone()];
            if !matches!(t.kind, TokenKind::Word | TokenKind::Number) {
                assert!(l.lm.is_none() && l.dict.id.is_none(), "{written}");
                continue;
            }
            let normalized = crate::tokenize::normalize(written);
            assert_eq!(l.lm, model.word_id(&normalized), "{written}");
            assert_eq!(l.dict.id, dict.word_id(&normalized), "{written}");
            assert_eq!(l.dict.capitals, is_capitals(written), "{written}");
        }
        let id = |w: &str| {
            lex[tokens
                .iter()
                .position(|t| &text[t.span.clone()] == w)
                .unwrap()]
        };
        assert!(id("MENTIONED").dict.capitals && id("MENTIONED").dict.id.is_some());
        assert_eq!(id("navy").lm, model.word_id("navy"));
        assert_eq!(id("Navy’s").lm, model.word_id("navy's"));
        assert!(id("xqzzy").lm.is_none());
    }

    #[test]
    fn the_thread_memo_gives_the_same_lexemes() {
        let model = LanguageModel::shipped();
        let news = Dictionary::builtin(crate::dict::DEFAULT_TABLES).unwrap();
        let tortured = Dictionary::builtin(&["tortured-phrases"]).unwrap();
        let text = "The Administration’s navy mentioned counterfeit consciousness, \
                    the navy MENTIONED it again; internationally, the navy.";
        let tokens = tokenize(text);
        for dict in [&news, &tortured, &news] {
            let fresh: Vec<_> = tokens
                .iter()
                .map(|t| {
                    let written = &text[t.span.clone()];
                    let normalized = crate::tokenize::normalize(written);
                    match t.kind {
                        TokenKind::Word | TokenKind::Number => {
                            (dict.word_id(&normalized), model.word_id(&normalized))
                        }
                        _ => (None, None),
                    }
                })
                .collect();
            // The second round reads the memo the first filled.
            for _ in 0..2 {
                let lex = lexemes(text, &tokens, dict, model);
                let got: Vec<_> = lex.iter().map(|l| (l.dict.id, l.lm)).collect();
                assert_eq!(got, fresh);
            }
        }
        assert_ne!(news.serial(), tortured.serial());
    }
}
