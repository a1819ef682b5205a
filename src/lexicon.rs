//! What the dictionary and the language model know of each word of a
//! document.
//!
//! Scanning for spun forms and decoding both need every word normalized and
//! looked up; news repeats its words ("the", "said", names) within and
//! across documents, so a thread keeps the spellings it has looked up in a
//! memo for the documents after, and the model's view of every dictionary
//! candidate is worked out once per unspinner ([`Candidates`]).

use rustc_hash::FxHashMap;
use std::hash::Hasher;
use std::ops::Range;

use crate::dict::{Dictionary, TokenWord};
use crate::model::{LanguageModel, WordId};
use crate::reuse::{reused, Reused};
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
) -> Reused<Lexeme> {
    // Tokens ahead whose memo slots are fetched (about eight words).
    const AHEAD: usize = 16;
    let is_word = |t: &Token| matches!(t.kind, TokenKind::Word | TokenKind::Number);
    let mut memo = Memo::take(dict, model);
    // Spellings too long for the memo, looked up once per document.
    let mut long: FxHashMap<&str, Lexeme> = FxHashMap::default();
    let mut lexemes = reused!(Lexeme);
    lexemes.extend((0..tokens.len()).map(|i| {
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
    }));
    memo.put_back();
    lexemes
}

/// The dictionary and the model, with what the model knows of the
/// dictionary's candidates.
#[derive(Clone, Copy)]
pub(crate) struct Vocabulary<'a> {
    pub(crate) dict: &'a Dictionary,
    pub(crate) model: &'a LanguageModel,
    pub(crate) candidates: &'a Candidates,
}

/// The model's view of every candidate the dictionary proposes, worked out
/// once per unspinner: candidates come back at every occurrence of their
/// spun forms, in every document.
#[derive(Debug)]
pub(crate) struct Candidates {
    /// For each entry of the dictionary, the index of its first candidate in
    /// `phrases`; then the number of phrases.
    first: Vec<u32>,
    /// Each candidate's words (a range of `words`) and their context-free
    /// log-probability ([`unigram`]).
    phrases: Vec<(Range<u32>, f64)>,
    /// Model ids of the words, `None` out of vocabulary.
    words: Vec<Option<WordId>>,
}

impl Candidates {
    /// The candidates of every entry of `dict`, as the words of the table's
    /// original split at whitespace, each looked up as [`lexemes`] would.
    pub(crate) fn new(dict: &Dictionary, model: &LanguageModel) -> Candidates {
        // Only the model's ids, so not through this thread's memo of
        // lexemes: filling its 2 MB cost start-up more than it saved, on a
        // thread that analyses no text of a batch.
        let mut buf = String::new();
        let mut lm = |w: &str| {
            buf.clear();
            normalize_into(w, &mut buf);
            model.word_id(&buf)
        };
        let (mut first, mut phrases, mut words) = (Vec::new(), Vec::new(), Vec::new());
        for entry in dict.entries() {
            first.push(phrases.len() as u32);
            for c in &entry.candidates {
                let from = words.len();
                words.extend(c.original.split_whitespace().map(&mut lm));
                phrases.push((
                    from as u32..words.len() as u32,
                    unigram(model, words[from..].iter().copied()),
                ));
            }
        }
        first.push(phrases.len() as u32);
        Candidates {
            first,
            phrases,
            words,
        }
    }

    /// The index of candidate `candidate` of entry `entry`.
    pub(crate) fn index(&self, entry: usize, candidate: usize) -> Option<u32> {
        let i = *self.first.get(entry)? + candidate as u32;
        (i < *self.first.get(entry + 1)?).then_some(i)
    }

    /// The words and context-free log-probability of the candidate with
    /// index `i`.
    pub(crate) fn get(&self, i: u32) -> Option<(&[Option<WordId>], f64)> {
        let (words, unigram) = self.phrases.get(i as usize)?;
        Some((
            self.words.get(words.start as usize..words.end as usize)?,
            *unigram,
        ))
    }
}

/// The context-free (unigram) log-probability of `words` in natural log,
/// out-of-vocabulary words scoring [`LanguageModel::unk_log10`].
pub(crate) fn unigram(
    model: &LanguageModel,
    words: impl IntoIterator<Item = Option<WordId>>,
) -> f64 {
    let log10: f64 = words
        .into_iter()
        .map(|w| match w {
            Some(id) => model.log10_prob(&[], id) as f64,
            None => model.unk_log10() as f64,
        })
        .sum();
    log10 * std::f64::consts::LN_10
}

/// The lexemes of the spellings a thread has met, kept from one document to
/// the next: news shares most of its words across documents, and looking a
/// word up in the dictionary and the model costs several scattered reads.
///
/// A two-way set-associative cache with the spelling stored in the slot,
/// so that a lookup reads one cache line (a set of two slots): a spelling
/// whose slot another common one holds keeps its own beside it, where a
/// cache of one way a set looked both up again by turns. Spellings longer
/// than a slot holds are looked up every time.
///
/// Taken by [`Memo::take`] and given back by [`Memo::put_back`].
#[derive(Default)]
pub(crate) struct Memo {
    /// The dictionary and model the lexemes belong to (their serials; 0 is
    /// none).
    owner: (u64, u64),
    /// `2^SLOTS_LOG2` slots, in sets of two, once the memo is first used.
    sets: Vec<Set>,
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

/// Two slots, the more recently used first, in one cache line.
#[derive(Clone, Copy, Default)]
#[repr(C, align(64))]
struct Set([Slot; 2]);

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
        if memo.owner != owner || memo.sets.is_empty() {
            memo.sets.clear();
            memo.sets
                .resize(1 << (Memo::SLOTS_LOG2 - 1), Set::default());
            memo.owner = owner;
        }
        memo
    }

    /// Gives the memo back to the thread.
    pub(crate) fn put_back(self) {
        MEMO.with_borrow_mut(|memo| *memo = self);
    }

    /// The set of a spelling, if it fits a slot.
    #[inline]
    fn set(bytes: &[u8]) -> Option<usize> {
        (1..=Slot::KEY).contains(&bytes.len()).then(|| {
            let mut h = rustc_hash::FxHasher::default();
            h.write(bytes);
            (h.finish() >> (64 - (Memo::SLOTS_LOG2 - 1))) as usize
        })
    }

    /// Starts reading the slot of `written`, ahead of [`Memo::lexeme`].
    #[inline]
    pub(crate) fn prefetch(&self, written: &str) {
        if let Some(set) = Memo::set(written.as_bytes()).and_then(|i| self.sets.get(i)) {
            crate::model::prefetch(set);
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
        let set = Memo::set(bytes);
        if let Some(Set([first, second])) = set.and_then(|i| self.sets.get_mut(i)) {
            if &first.key[..first.len as usize] == bytes {
                return first.lexeme;
            }
            if &second.key[..second.len as usize] == bytes {
                // The more recently used first.
                std::mem::swap(first, second);
                return first.lexeme;
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
        if let Some(Set([first, second])) = set.and_then(|i| self.sets.get_mut(i)) {
            // The less recently used of the two gives way.
            *second = *first;
            first.key[..bytes.len()].copy_from_slice(bytes);
            first.len = bytes.len() as u8;
            first.lexeme = lexeme;
        }
        lexeme
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::tokenize;

    #[test]
    fn the_memo_gives_each_spelling_its_own_lexeme_however_many_share_a_set() {
        let dict = Dictionary::builtin(crate::dict::DEFAULT_TABLES).unwrap();
        let model = LanguageModel::shipped();
        // More spellings than the memo has slots, known and unknown, each
        // met several times in different orders.
        let words: Vec<String> = (0..150_000)
            .map(|i| match i % 3 {
                0 => format!("w{i}"),
                1 => model.word(i).map_or(format!("x{i}"), str::to_string),
                _ => format!("Said{}", i % 50),
            })
            .collect();
        for round in 0..3 {
            let text: String = match round {
                1 => words.iter().rev().map(|w| format!("{w} ")).collect(),
                _ => words.iter().map(|w| format!("{w} ")).collect(),
            };
            let tokens = tokenize(&text);
            let lex = lexemes(&text, &tokens, &dict, model);
            for (t, l) in tokens.iter().zip(lex.iter()) {
                if t.kind == TokenKind::Space {
                    continue;
                }
                let normalized = crate::tokenize::normalize(&text[t.span.clone()]);
                assert_eq!(l.lm, model.word_id(&normalized), "{normalized}");
                assert_eq!(l.dict.id, dict.word_id(&normalized), "{normalized}");
            }
        }
    }

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

    #[test]
    fn candidates_hold_each_originals_words() {
        let model = LanguageModel::shipped();
        let dict = Dictionary::builtin(crate::dict::DEFAULT_TABLES).unwrap();
        let candidates = Candidates::new(&dict, model);
        let mut checked = 0;
        for (e, entry) in dict.entries().iter().enumerate() {
            for (j, c) in entry.candidates.iter().enumerate() {
                let i = candidates.index(e, j).expect("in range");
                let (words, unigram) = candidates.get(i).unwrap();
                let expected: Vec<Option<WordId>> = c
                    .original
                    .split_whitespace()
                    .map(|w| model.word_id(&crate::tokenize::normalize(w)))
                    .collect();
                assert_eq!(words, expected.as_slice(), "{}", c.original);
                assert_eq!(unigram, super::unigram(model, expected.iter().copied()));
                checked += 1;
            }
            assert_eq!(candidates.index(e, entry.candidates.len()), None);
        }
        assert!(checked > 2_000, "{checked}");
        assert_eq!(candidates.index(dict.entries().len(), 0), None);
    }
}
