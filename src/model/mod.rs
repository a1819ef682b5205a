//! The trigram language model of clean English that scores candidate restorations.
//!
//! The shipped model is the CMU Sphinx US-English trigram model (`en-us.lm.bin`
//! from pocketsphinx 5.1.1, BSD-2-clause; see `model/README.md`), converted by
//! `scripts/lm/build_lm.py` into the unspin format below and embedded in the
//! binary with `include_bytes!`, together with its n-gram index (exact hash
//! tables of its bigrams and trigrams, see `src/model/index.rs`), which `build.rs` makes
//! from it at compile time. Opening it parses nothing: [`LanguageModel`]
//! checks the header and the section table and then reads the arrays and the
//! index in place, so construction takes microseconds.
//!
//! # Vocabulary
//!
//! 72,547 lowercase words plus `<s>` and `</s>`; no `<unk>` (out-of-vocabulary
//! words get [`LanguageModel::unk_log10`]). Apostrophes are ASCII `'` and part
//! of the word: `don't`, `i'm`, `o'clock`, `aaron's`, and clitics on their own
//! (`'s`, `'em`, `'cause`); there is no `n't`. 248 words carry hyphens
//! (`e-mail`, `twenty-five`, `brother-in-law`); the only dots are spelled
//! letters (`a.` … `z.`, `u.'s`), so `u.s.`, `mr.`, `etc.` are absent (`mr`
//! is present). There are no digits: numbers appear only spelled out
//! (`twenty`, `nineteen`, `hundred`).
//!
//! # File format (version 1)
//!
//! All integers and floats are little-endian; log probabilities are log10.
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 8 | magic `UNSPINLM` |
//! | 8 | 4 | format version (1) |
//! | 12 | 4 | header length (256) |
//! | 16 | 4 | total file length |
//! | 20 | 4 | V, number of words |
//! | 24 | 4 | B, number of bigrams |
//! | 28 | 4 | T, number of trigrams |
//! | 32 | 4 | W, bits of a word id in a packed entry (17); the low P = 32 − W bits hold a probability code |
//! | 36 | 4 | backoff code bits (16) |
//! | 40 | 4 | id of `<s>` |
//! | 44 | 4 | id of `</s>` |
//! | 48 | 4 | `unk_log10` (f32) |
//! | 52 | 4 | id of `<unk>`, or `0xFFFF_FFFF` when absent |
//! | 56 | 4 | K, number of bigrams that have trigrams |
//! | 60 | 4 | skip block length (16 entries) |
//! | 64 | 32 | sha256 of the source file |
//! | 96 | 4 | number of sections (16) |
//! | 100 | 16 × 8 | section table: (offset u32, length in bytes u32), in the order below |
//!
//! Sections (each starting at a multiple of 64, zero padding between):
//!
//! 0. bigram probability codebook: 2^P f32
//! 1. bigram backoff codebook: 2^16 f32
//! 2. trigram probability codebook: 2^P f32
//! 3. unigram log10 probability: V f32
//! 4. unigram log10 backoff: V f32
//! 5. unigram → bigram ranges: V + 1 u32; the bigrams `w1 *` are the entries
//!    `next[w1] .. next[w1 + 1]`
//! 6. bigram entries: B u32, `w2 << P | prob code`, sorted by (w1, w2)
//! 7. bigram backoff codes: B u16
//! 8. bigram skip list: ⌈B / 16⌉ u32, the word id of bigram entry 16·j
//! 9. bigrams with trigrams: bitmap of ⌈B / 64⌉ u64, bit i (of word i / 64,
//!    least significant first) set when bigram i has trigrams
//! 10. rank directory: ⌈B / 64⌉ u32, the set bits before each bitmap word
//! 11. bigram → trigram ranges: K + 1 u32; the bigram with rank r (r set
//!     bits before its own) owns the trigram entries `next[r] .. next[r + 1]`
//! 12. trigram entries: T u32, `w3 << P | prob code`, sorted by (w1, w2, w3)
//! 13. trigram skip list: ⌈T / 16⌉ u32, as section 8
//! 14. word offsets: V + 1 u32 into section 15
//! 15. word bytes: the words' UTF-8 concatenated, sorted bytewise; a word's id
//!     is its rank
//!
//! The reader does not search the trie: it looks n-grams up in an index of
//! exact hash tables built from it (see `src/model/index.rs`), one independent read per
//! table. The skip lists (sections 8 and 13) are checked but not used.
//!
//! Scores follow Katz backoff as in an ARPA file: P(w | u v) is the trigram's
//! probability if present, else backoff(u v) + P(w | v), with P(w | v) the
//! bigram's probability if present, else backoff(v) + P(w); a missing backoff
//! is 0.

use std::borrow::Cow;
use std::fmt;

use once_cell::sync::Lazy;
use std::sync::OnceLock;

use crate::Result;

mod load;
mod tables;

use load::Bytes;
pub use tables::Query;
use tables::{word_at, Probes, Tables, CUT};
use vocab::hash_word;

mod index;
mod vocab;
pub(crate) use index::prefetch;
use index::Index;

/// A word's index in the model's vocabulary.
pub type WordId = u32;

/// The file's first eight bytes.
pub const MAGIC: &[u8; 8] = b"UNSPINLM";
/// The format version this reader understands.
pub const FORMAT_VERSION: u32 = 1;

const HEADER_LEN: usize = 256;
const N_SECTIONS: usize = 16;
const SECTION_TABLE: usize = 100;
const BACKOFF_BITS: u32 = 16;
const BLOCK: usize = 16;
const NO_UNK: u32 = u32::MAX;
use vocab::NO_WORD;

const S_BI_PROB_CB: usize = 0;
const S_BI_BO_CB: usize = 1;
const S_TRI_PROB_CB: usize = 2;
const S_UNI_PROB: usize = 3;
const S_UNI_BO: usize = 4;
const S_UNI_NEXT: usize = 5;
const S_BI_ENTRY: usize = 6;
const S_BI_BO: usize = 7;
const S_BI_HAS_TRI: usize = 9;
const S_BI_TRI_RANK: usize = 10;
const S_TRI_NEXT: usize = 11;
const S_TRI_ENTRY: usize = 12;
const S_WORD_OFFSETS: usize = 14;
const S_WORD_BYTES: usize = 15;

/// Bytes at an address aligned for the model's widest array, so that its
/// sections can be read in place as typed slices.
#[repr(C, align(64))]
struct Aligned<T: ?Sized>(T);

static SHIPPED_BYTES: &Aligned<[u8]> = &Aligned(*include_bytes!("../../model/en-us.unspin-lm.bin"));

/// The shipped model's n-gram index, built by `build.rs`.
static SHIPPED_INDEX: &Aligned<[u8]> = &Aligned(*include_bytes!(concat!(
    env!("OUT_DIR"),
    "/en-us.unspin-index.bin"
)));

/// The shipped model's vocabulary index, built by `build.rs`.
static SHIPPED_VOCAB: &Aligned<[u8]> = &Aligned(*include_bytes!(concat!(
    env!("OUT_DIR"),
    "/en-us.unspin-vocab.bin"
)));

static SHIPPED: Lazy<LanguageModel> = Lazy::new(|| {
    let index = bytemuck::try_cast_slice(&SHIPPED_INDEX.0)
        .map_err(|e| e.to_string())
        .and_then(Index::from_words);
    let lm = index
        .and_then(|index| {
            LanguageModel::new(Cow::Borrowed(&SHIPPED_BYTES.0), "<builtin>", Some(index))
                .map_err(|e| e.to_string())
        })
        .unwrap_or_else(|e| panic!("the shipped language model is invalid: {e}"));
    // A file hashed otherwise than this build hashes (a cross build) is
    // not used: the index is then built on the first lookup.
    let vocab = bytemuck::try_cast_slice(&SHIPPED_VOCAB.0).unwrap_or(&[]);
    if let Some(v) = vocab::from_words(vocab, lm.n_words) {
        let _ = lm.vocab_index.set(Cow::Borrowed(v));
    }
    lm
});

/// A trigram backoff language model in the unspin format, read in place.
///
/// `Send + Sync`, so one instance can be shared by all threads. The shipped
/// model costs nothing to open; a model read with
/// [`LanguageModel::from_bytes`] builds its n-gram index first. Its only
/// interior state is a hash index of the vocabulary, built once on the first
/// word lookup.
pub struct LanguageModel {
    data: Bytes,
    /// The n-grams, as exact hash tables.
    index: Index,
    /// Open-addressing hash table of word ids (`NO_WORD` when empty), a
    /// power of two at least twice the vocabulary: a lookup hashes the word
    /// once and compares one or two entries, where bisecting the sorted
    /// word list compares seventeen scattered strings.
    vocab_index: OnceLock<Cow<'static, [u32]>>,
    /// Unique among the models of this process, for memos of its lookups.
    serial: u64,
    n_words: u32,
    n_bigrams: u32,
    n_trigrams: u32,
    bos: WordId,
    eos: WordId,
    unk: Option<WordId>,
    unk_log10: f32,
    /// (offset, length) of each section; all within `data`.
    sections: [(usize, usize); N_SECTIONS],
}

impl fmt::Debug for LanguageModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LanguageModel")
            .field("bytes", &self.data.get().len())
            .field("words", &self.n_words)
            .field("bigrams", &self.n_bigrams)
            .field("trigrams", &self.n_trigrams)
            .finish()
    }
}

impl LanguageModel {
    /// The model shipped with unspin (the CMU Sphinx US-English trigram model,
    /// embedded in the binary), checked once on first use and shared.
    pub fn shipped() -> &'static LanguageModel {
        &SHIPPED
    }

    /// Reads a model from bytes in the unspin format, checking the magic,
    /// version, counts and section bounds, and builds its n-gram index
    /// (about a quarter of a second for a model the size of the shipped one).
    ///
    /// Errors: [`Error::Model`](crate::Error::Model) naming `source_name` when the bytes are not a
    /// valid model.
    pub fn from_bytes(bytes: Vec<u8>, source_name: &str) -> Result<LanguageModel> {
        LanguageModel::new(Cow::Owned(bytes), source_name, None)
    }

    /// Like [`LanguageModel::from_bytes`] for bytes that live for the whole
    /// program (such as `include_bytes!`), without copying them when they
    /// are 8-byte aligned.
    pub fn from_static(bytes: &'static [u8], source_name: &str) -> Result<LanguageModel> {
        LanguageModel::new(Cow::Borrowed(bytes), source_name, None)
    }
}

impl LanguageModel {
    #[inline]
    fn section(&self, i: usize) -> &[u8] {
        let (off, len) = self.sections[i];
        self.data.get().get(off..off + len).unwrap_or(&[])
    }

    /// Section `i` as little-endian `u32`s (read each with `u32::from_le`).
    #[inline]
    fn u32s(&self, i: usize) -> &[u32] {
        // Sections start at multiples of 64 of an 8-aligned buffer and hold
        // whole u32s (both checked when the model was read).
        bytemuck::try_cast_slice(self.section(i)).unwrap_or(&[])
    }

    /// Vocabulary lookup of an already-lowercased word; `None` when out of
    /// vocabulary.
    pub fn word_id(&self, word: &str) -> Option<WordId> {
        let index = self.vocab_index.get_or_init(|| self.build_vocab_index());
        let mask = index.len() - 1;
        let mut slot = hash_word(word.as_bytes()) & mask;
        loop {
            let id = index[slot];
            if id == NO_WORD {
                return None;
            }
            if self.word_bytes(id) == Some(word.as_bytes()) {
                return Some(id);
            }
            slot = (slot + 1) & mask;
        }
    }

    fn word_bytes(&self, id: WordId) -> Option<&[u8]> {
        word_at(self.section(S_WORD_OFFSETS), self.section(S_WORD_BYTES), id)
    }

    fn build_vocab_index(&self) -> Cow<'static, [u32]> {
        // Every id is in range (checked when the model was read).
        Cow::Owned(vocab::build(self.n_words, |id| self.word_bytes(id)))
    }

    /// A number no other model of this process has, for keeping memos of
    /// its lookups apart.
    pub fn serial(&self) -> u64 {
        self.serial
    }

    /// The word with the given id, if the id is in range.
    pub fn word(&self, id: WordId) -> Option<&str> {
        let w = self.word_bytes(id)?;
        std::str::from_utf8(w).ok()
    }

    /// Id of the sentence-start token `<s>`.
    pub fn sentence_start(&self) -> WordId {
        self.bos
    }

    /// Id of the sentence-end token `</s>`.
    pub fn sentence_end(&self) -> WordId {
        self.eos
    }

    /// Id of `<unk>`, when the model has one (the shipped model has not; use
    /// [`LanguageModel::unk_log10`] for out-of-vocabulary words).
    pub fn unknown(&self) -> Option<WordId> {
        self.unk
    }

    /// log10 P(word | history) with Katz backoff; `history` holds the previous
    /// words, oldest first, of which the last two are used (empty, one or two
    /// ids).
    ///
    /// A `word` out of range scores [`LanguageModel::unk_log10`]; a history id
    /// out of range cuts the history after it, as if it were an
    /// out-of-vocabulary word (do the same with real OOV words: pass only the
    /// words after the last one).
    pub fn log10_prob(&self, history: &[WordId], word: WordId) -> f32 {
        if word >= self.n_words {
            return self.unk_log10;
        }
        let back = |k: usize| history.len().checked_sub(k).map(|i| history[i]);
        let query = self.query([back(2), back(1)], Some(word));
        self.tables().log10_prob(query.0)
    }

    /// log10 probability used for an out-of-vocabulary word: the lowest
    /// unigram probability of any real word (about −9.47 in the shipped model).
    pub fn unk_log10(&self) -> f32 {
        self.unk_log10
    }

    /// Number of words, bigrams and trigrams.
    pub fn counts(&self) -> (usize, usize, usize) {
        (
            self.n_words as usize,
            self.n_bigrams as usize,
            self.n_trigrams as usize,
        )
    }

    /// log10 probability of a whole sentence, `<s>` and `</s>` included.
    ///
    /// `None` marks an out-of-vocabulary word: it scores
    /// [`LanguageModel::unk_log10`] and the context restarts after it (with
    /// no `<s>`).
    pub fn sentence_log10(&self, words: &[Option<WordId>]) -> f32 {
        let mut total = 0.0f32;
        let mut history: [WordId; 2] = [self.bos, self.bos];
        let mut known = 1usize; // how many of `history` (from the end) are context
        for w in words.iter().copied().chain(std::iter::once(Some(self.eos))) {
            match w {
                Some(w) if w < self.n_words => {
                    total += self.log10_prob(&history[2 - known..], w);
                    history = [history[1], w];
                    known = (known + 1).min(2);
                }
                _ => {
                    total += self.unk_log10;
                    known = 0;
                }
            }
        }
        total
    }

    /// The lookup arrays as typed slices.
    fn tables(&self) -> Tables<'_> {
        Tables {
            uni_prob: self.u32s(S_UNI_PROB),
            uni_backoff: self.u32s(S_UNI_BO),
            bi_prob_cb: self.u32s(S_BI_PROB_CB),
            bi_backoff_cb: self.u32s(S_BI_BO_CB),
            tri_prob_cb: self.u32s(S_TRI_PROB_CB),
            index: &self.index,
            unk_log10: self.unk_log10,
        }
    }

    /// The question "log10 P(`word` | `history`)", with the two previous
    /// words oldest first; `None` is a word out of the vocabulary, which
    /// cuts the history before it (and as `word` scores
    /// [`LanguageModel::unk_log10`]).
    pub fn query(&self, history: [Option<WordId>; 2], word: Option<WordId>) -> Query {
        let known = |w: Option<WordId>| w.filter(|&w| w < self.n_words);
        let word = known(word).unwrap_or(CUT);
        Query(match (known(history[0]), known(history[1])) {
            (Some(a), Some(b)) => [a, b, word],
            (_, Some(b)) => [CUT, b, word],
            _ => [CUT, CUT, word],
        })
    }

    /// Answers `queries` in order, appending each log10 probability to `out`.
    ///
    /// The same as asking [`LanguageModel::log10_prob`] one query at a time,
    /// but faster: the memory reads of the queries a few places ahead are
    /// started while this one is answered, where one at a time each waits
    /// for its own.
    ///
    /// ```
    /// use unspin::model::LanguageModel;
    /// let m = LanguageModel::shipped();
    /// let id = |w| m.word_id(w);
    /// let queries = [
    ///     m.query([id("the"), id("united")], id("states")),
    ///     m.query([None, id("united")], id("states")),
    /// ];
    /// let mut probs = Vec::new();
    /// m.log10_probs(&queries, &mut probs);
    /// let (the, united, states) = (id("the").unwrap(), id("united").unwrap(), id("states").unwrap());
    /// assert_eq!(probs, [m.log10_prob(&[the, united], states), m.log10_prob(&[united], states)]);
    /// ```
    pub fn log10_probs(&self, queries: &[Query], out: &mut Vec<f32>) {
        // Far enough ahead to keep several reads in flight, near enough
        // that the lines are still in cache when their query comes.
        const AHEAD: usize = 8;
        let t = self.tables();
        out.reserve(queries.len());
        // The probes of the queries in flight, each made once: for its
        // prefetch, then for its answer AHEAD queries later.
        let mut ahead = [Probes::default(); AHEAD];
        for (i, q) in queries.iter().enumerate().take(AHEAD) {
            ahead[i] = t.probes(q.0);
            t.prefetch(&ahead[i]);
        }
        for (i, q) in queries.iter().enumerate() {
            let slot = i % AHEAD;
            out.push(t.answer(q.0, &ahead[slot]));
            if let Some(next) = queries.get(i + AHEAD) {
                ahead[slot] = t.probes(next.0);
                t.prefetch(&ahead[slot]);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    fn lm() -> &'static LanguageModel {
        LanguageModel::shipped()
    }

    fn id(w: &str) -> WordId {
        lm().word_id(w)
            .unwrap_or_else(|| panic!("{w} not in vocabulary"))
    }

    fn sentence(s: &str) -> f32 {
        let ids: Vec<Option<WordId>> = s.split_whitespace().map(|w| lm().word_id(w)).collect();
        lm().sentence_log10(&ids)
    }

    #[test]
    fn model_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<LanguageModel>();
    }

    #[test]
    fn shipped_model_loads_with_expected_counts() {
        let (v, b, t) = lm().counts();
        assert_eq!(v, 72_547);
        assert_eq!(b, 2_051_541);
        assert_eq!(t, 1_669_625);
    }

    #[test]
    fn the_shipped_vocabulary_index_is_the_one_built_at_run_time() {
        let shipped = lm().vocab_index.get().expect("build.rs made it");
        assert!(matches!(shipped, Cow::Borrowed(_)), "read in place");
        assert_eq!(*shipped, lm().build_vocab_index());
    }

    #[test]
    fn vocabulary_round_trips() {
        for w in [
            "the", "of", "said", "don't", "<s>", "</s>", "'s", "zyuganov",
        ] {
            let i = id(w);
            assert_eq!(lm().word(i), Some(w));
        }
        assert_eq!(lm().word(lm().sentence_start()), Some("<s>"));
        assert_eq!(lm().word(lm().sentence_end()), Some("</s>"));
        assert_eq!(lm().word_id("The"), None);
        assert_eq!(lm().word_id("qwertyuiopxyz"), None);
        assert_eq!(lm().word_id(""), None);
        assert_eq!(lm().word(u32::MAX), None);
        assert_eq!(lm().unknown(), None);
    }

    #[test]
    fn probabilities_are_sane() {
        let (of, the, he, said) = (id("of"), id("the"), id("he"), id("said"));
        let p = lm().log10_prob(&[of], the);
        assert!(p > -1.5 && p < 0.0, "p(the | of) = {p}");
        assert!(p > lm().log10_prob(&[of], id("struggle")) + 2.0);
        assert!(lm().log10_prob(&[he], said) > lm().log10_prob(&[he], id("mentioned")));
        assert!(lm().log10_prob(&[], the) > lm().log10_prob(&[], id("zyuganov")));
        let bos = lm().sentence_start();
        assert!(lm().log10_prob(&[bos], the) > lm().log10_prob(&[bos], id("of")));
        assert!(lm().log10_prob(&[], bos) < -50.0, "<s> is never predicted");
        assert!(lm().unk_log10() < -8.0 && lm().unk_log10() > -12.0);
    }

    #[test]
    fn trigrams_beat_their_backoff() {
        let (one, of, the) = (id("one"), id("of"), id("the"));
        let p3 = lm().log10_prob(&[one, of], the);
        assert!(p3.is_finite() && p3 < 0.0);
        // longer histories use only the last two words
        assert_eq!(lm().log10_prob(&[id("zyuganov"), one, of], the), p3);
        // an unseen trigram backs off to a finite value
        let p = lm().log10_prob(&[id("zyuganov"), id("aardvark")], id("bullhorns"));
        assert!(p.is_finite() && p < -3.0, "{p}");
        // out-of-range ids do not panic
        assert_eq!(lm().log10_prob(&[of], u32::MAX), lm().unk_log10());
        assert_eq!(lm().log10_prob(&[u32::MAX], the), lm().log10_prob(&[], the));
        assert_eq!(
            lm().log10_prob(&[u32::MAX, of], the),
            lm().log10_prob(&[of], the)
        );
    }

    #[test]
    fn sentences_in_clean_english_score_better() {
        let clean = sentence("we took action last night");
        let spun = sentence("we took motion final night time");
        assert!(clean > spun + 3.0, "{clean} vs {spun}");
        assert!(
            sentence("he said the war was over") > sentence("he mentioned the struggle was over")
        );
        assert!(sentence("one of the best") > sentence("one in all the best"));
        let with_oov = sentence("the qwertyuiopxyz of");
        assert!(with_oov.is_finite());
    }

    #[test]
    fn batched_queries_agree_with_single_ones() {
        let m = lm();
        let words = [
            "the", "united", "states", "said", "navy", "of", "zzzz", "zone",
        ];
        let ids: Vec<Option<WordId>> = words.iter().map(|w| m.word_id(w)).collect();
        let mut queries = Vec::new();
        let mut expected = Vec::new();
        for &a in &ids {
            for &b in &ids {
                for &w in &ids {
                    queries.push(m.query([a, b], w));
                    let history: Vec<WordId> = match (a, b) {
                        (Some(a), Some(b)) => vec![a, b],
                        (_, Some(b)) => vec![b],
                        _ => vec![],
                    };
                    expected.push(match w {
                        Some(w) => m.log10_prob(&history, w),
                        None => m.unk_log10(),
                    });
                }
            }
        }
        let mut probs = Vec::new();
        m.log10_probs(&queries, &mut probs);
        assert_eq!(probs, expected);
        // An unknown word cuts the history before it.
        let (of, the) = (id("of"), id("the"));
        assert_eq!(
            m.query([Some(the), None], Some(of)),
            m.query([None, None], Some(of))
        );
        assert_eq!(
            m.query([None, Some(the)], Some(of)),
            m.query([Some(u32::MAX), Some(the)], Some(of))
        );
    }

    #[test]
    fn a_copy_at_any_alignment_reads_the_same() {
        let bytes = &SHIPPED_BYTES.0;
        // The embedded model is read in place; a 'static slice one byte off
        // alignment is copied, and so are owned bytes.
        assert!(matches!(lm().data, Bytes::Static(_)));
        let mut shifted = vec![0u8; bytes.len() + 1];
        shifted[1..].copy_from_slice(bytes);
        let shifted: &'static [u8] = &Box::leak(shifted.into_boxed_slice())[1..];
        let copies = [
            LanguageModel::from_static(shifted, "shifted").expect("valid"),
            LanguageModel::from_bytes(bytes.to_vec(), "owned").expect("valid"),
        ];
        let ids: Vec<WordId> = ["the", "united", "states", "navy", "said"]
            .iter()
            .map(|w| id(w))
            .collect();
        for m in &copies {
            assert!(matches!(m.data, Bytes::Owned { .. }));
            for &a in &ids {
                for &b in &ids {
                    for &w in &ids {
                        assert_eq!(m.log10_prob(&[a, b], w), lm().log10_prob(&[a, b], w));
                    }
                }
            }
        }
    }

    #[test]
    fn from_bytes_rejects_garbage() {
        let bad: [Vec<u8>; 3] = [vec![], b"UNSPINLM".to_vec(), vec![0u8; 4096]];
        for b in bad {
            match LanguageModel::from_bytes(b, "test.bin") {
                Err(Error::Model { source_name, .. }) => assert_eq!(source_name, "test.bin"),
                other => panic!("expected a Model error, got {other:?}"),
            }
        }
        // a truncated copy of the real model
        let mut cut = SHIPPED_BYTES.0[..HEADER_LEN + 1000].to_vec();
        assert!(LanguageModel::from_bytes(cut.clone(), "cut").is_err());
        // a wrong version
        cut = SHIPPED_BYTES.0[..HEADER_LEN].to_vec();
        cut[8] = 9;
        assert!(LanguageModel::from_bytes(cut, "v9").is_err());
    }

    #[test]
    fn corrupted_header_fields_error_instead_of_panicking() {
        // flip each header byte in turn, two ways, on a small model
        let small = tiny_model();
        assert!(LanguageModel::from_bytes(small.clone(), "tiny").is_ok());
        for i in 8..SECTION_TABLE + 8 * N_SECTIONS {
            for x in [0x01u8, 0xff] {
                let mut b = small.clone();
                b[i] ^= x;
                if let Ok(m) = LanguageModel::from_bytes(b, "tiny") {
                    let _ = m.log10_prob(&[0, 1], 2);
                    let _ = m.word_id("b");
                }
            }
        }
    }

    #[test]
    fn tiny_model_scores_like_arpa() {
        let m = LanguageModel::from_bytes(tiny_model(), "tiny").expect("valid");
        // words: </s>=0 <s>=1 a=2 b=3
        assert_eq!(m.counts(), (4, 3, 1));
        assert_eq!(m.word_id("a"), Some(2));
        assert_eq!(m.log10_prob(&[], 2), -1.0);
        assert_eq!(m.log10_prob(&[1], 2), -0.5); // bigram <s> a
        assert_eq!(m.log10_prob(&[2], 2), -0.25 + -1.0); // bo(a) + p(a)
        assert_eq!(m.log10_prob(&[1, 2], 3), -0.125); // trigram <s> a b
        assert_eq!(m.log10_prob(&[1, 2], 0), -2.75); // bo(<s> a) + bo(a) + p(</s>)
        assert_eq!(m.log10_prob(&[2, 3], 0), -0.2); // bo(a b) = 0, bigram b </s>
        assert_eq!(m.log10_prob(&[3], 1), -0.1 + -99.0);
    }

    /// Every n-gram of the model file is found in the shipped index with
    /// its own codes, and n-grams that are not in the file are not found.
    #[test]
    fn the_index_holds_exactly_the_models_ngrams() {
        let m = lm();
        let t = m.tables();
        let u32s = |i: usize| m.u32s(i);
        let next = u32s(S_UNI_NEXT);
        let entries = u32s(S_BI_ENTRY);
        let backoffs: &[u16] = bytemuck::try_cast_slice(m.section(S_BI_BO)).unwrap();
        let has_tri: &[u64] = bytemuck::try_cast_slice(m.section(S_BI_HAS_TRI)).unwrap();
        let (rank, tri_next, tri) = (u32s(S_BI_TRI_RANK), u32s(S_TRI_NEXT), u32s(S_TRI_ENTRY));
        let (bigrams, trigrams) = (&t.index.bigrams, &t.index.trigrams);
        let p = m.index.prob_bits;
        let code = |e: u32| e & ((1 << p) - 1);
        let (mut n_bi, mut n_tri) = (0u32, 0u32);
        for w1 in 0..m.n_words {
            for i in next[w1 as usize] as usize..next[w1 as usize + 1] as usize {
                let w2 = entries[i] >> p;
                let v = bigrams
                    .get(bigrams.probe(t.key(&[w1, w2])))
                    .expect("bigram");
                assert_eq!(v, u64::from(code(entries[i])) | u64::from(backoffs[i]) << p);
                n_bi += 1;
                // A neighbour that is not a bigram is not found.
                if w2 + 1 < m.n_words
                    && (i + 1 == next[w1 as usize + 1] as usize || entries[i + 1] >> p != w2 + 1)
                {
                    assert_eq!(bigrams.get(bigrams.probe(t.key(&[w1, w2 + 1]))), None);
                }
                let bits = has_tri[i / 64];
                if bits & (1 << (i % 64)) == 0 {
                    continue;
                }
                let r =
                    rank[i / 64] as usize + (bits & ((1u64 << (i % 64)) - 1)).count_ones() as usize;
                for j in tri_next[r] as usize..tri_next[r + 1] as usize {
                    let w3 = tri[j] >> p;
                    let v = trigrams.get(trigrams.probe(t.key(&[w1, w2, w3])));
                    assert_eq!(v, Some(u64::from(code(tri[j]))));
                    n_tri += 1;
                    if w3 + 1 < m.n_words
                        && (j + 1 == tri_next[r + 1] as usize || tri[j + 1] >> p != w3 + 1)
                    {
                        assert_eq!(trigrams.get(trigrams.probe(t.key(&[w1, w2, w3 + 1]))), None);
                    }
                }
            }
        }
        assert_eq!((n_bi, n_tri), (m.n_bigrams, m.n_trigrams));
    }

    /// A hand-built model: unigrams </s> <s> a b, bigrams (<s> a), (a b),
    /// (b </s>), trigram (<s> a b).
    fn tiny_model() -> Vec<u8> {
        let word_bits = 24u32;
        let prob_bits = 32 - word_bits;
        let mut bi_cb = vec![0f32; 1 << prob_bits];
        bi_cb[0] = -0.5;
        bi_cb[1] = -0.3;
        bi_cb[2] = -0.2;
        let mut bo_cb = vec![0f32; 1 << 16];
        bo_cb[1] = -0.5;
        let mut tri_cb = vec![0f32; 1 << prob_bits];
        tri_cb[0] = -0.125;
        let f = |v: &[f32]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
        let u = |v: &[u32]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
        let sections: Vec<Vec<u8>> = vec![
            f(&bi_cb),
            f(&bo_cb),
            f(&tri_cb),
            f(&[-2.0, -99.0, -1.0, -1.5]),
            f(&[0.0, -0.3, -0.25, -0.1]),
            u(&[0, 0, 1, 2, 3]),
            u(&[2 << prob_bits, 3 << prob_bits | 1, 2]),
            vec![1, 0, 0, 0, 0, 0],
            u(&[2]),
            1u64.to_le_bytes().to_vec(),
            u(&[0]),
            u(&[0, 1]),
            u(&[3 << prob_bits]),
            u(&[3]),
            u(&[0, 4, 7, 8, 9]),
            b"</s><s>ab".to_vec(),
        ];
        let mut body = Vec::new();
        let mut table = Vec::new();
        let mut pos = HEADER_LEN;
        for s in &sections {
            let aligned = pos.next_multiple_of(64);
            body.resize(body.len() + aligned - pos, 0);
            pos = aligned;
            table.push((pos as u32, s.len() as u32));
            body.extend_from_slice(s);
            pos += s.len();
        }
        let mut h = Vec::new();
        h.extend_from_slice(MAGIC);
        for x in [
            1u32,
            HEADER_LEN as u32,
            pos as u32,
            4,
            3,
            1,
            word_bits,
            16,
            1,
            0,
        ] {
            h.extend_from_slice(&x.to_le_bytes());
        }
        h.extend_from_slice(&(-9.0f32).to_le_bytes());
        for x in [NO_UNK, 1, BLOCK as u32] {
            h.extend_from_slice(&x.to_le_bytes());
        }
        h.extend_from_slice(&[0u8; 32]);
        h.extend_from_slice(&(N_SECTIONS as u32).to_le_bytes());
        for (o, l) in table {
            h.extend_from_slice(&o.to_le_bytes());
            h.extend_from_slice(&l.to_le_bytes());
        }
        h.resize(HEADER_LEN, 0);
        h.extend_from_slice(&body);
        h
    }
}
