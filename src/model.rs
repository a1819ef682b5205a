//! The trigram language model of clean English that scores candidate restorations.
//!
//! The shipped model is the CMU Sphinx US-English trigram model (`en-us.lm.bin`
//! from pocketsphinx 5.1.1, BSD-2-clause; see `model/README.md`), converted by
//! `scripts/lm/build_lm.py` into the unspin format below and embedded in the
//! binary with `include_bytes!`. Opening it parses nothing: [`LanguageModel`]
//! checks the header and the section table and then reads the n-gram arrays in
//! place, so construction takes microseconds.
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
//! A lookup bisects the skip-list entries inside the range (a small array
//! that stays in cache) and then scans one 16-entry block of entries.
//!
//! Scores follow Katz backoff as in an ARPA file: P(w | u v) is the trigram's
//! probability if present, else backoff(u v) + P(w | v), with P(w | v) the
//! bigram's probability if present, else backoff(v) + P(w); a missing backoff
//! is 0.

use std::borrow::Cow;
use std::fmt;

use once_cell::sync::Lazy;
use std::hash::Hasher;
use std::sync::OnceLock;

use crate::{Error, Result};

/// A word's index in the model's vocabulary.
pub type WordId = u32;

/// A bigram found in the model: its index and probability code.
type Bigram = (usize, u32);

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
const NO_WORD: u32 = u32::MAX;

const S_BI_PROB_CB: usize = 0;
const S_BI_BO_CB: usize = 1;
const S_TRI_PROB_CB: usize = 2;
const S_UNI_PROB: usize = 3;
const S_UNI_BO: usize = 4;
const S_UNI_NEXT: usize = 5;
const S_BI_ENTRY: usize = 6;
const S_BI_BO: usize = 7;
const S_BI_SKIP: usize = 8;
const S_BI_HAS_TRI: usize = 9;
const S_BI_TRI_RANK: usize = 10;
const S_TRI_NEXT: usize = 11;
const S_TRI_ENTRY: usize = 12;
const S_TRI_SKIP: usize = 13;
const S_WORD_OFFSETS: usize = 14;
const S_WORD_BYTES: usize = 15;

/// Bytes at an address aligned for the model's widest array, so that its
/// sections can be read in place as typed slices.
#[repr(C, align(64))]
struct Aligned<T: ?Sized>(T);

static SHIPPED_BYTES: &Aligned<[u8]> = &Aligned(*include_bytes!("../model/en-us.unspin-lm.bin"));

static SHIPPED: Lazy<LanguageModel> = Lazy::new(|| {
    LanguageModel::from_static(&SHIPPED_BYTES.0, "<builtin>")
        .unwrap_or_else(|e| panic!("the shipped language model is invalid: {e}"))
});

/// A trigram backoff language model in the unspin format, read in place.
///
/// Cheap to construct (the n-gram arrays are not parsed) and `Send + Sync`,
/// so one instance can be shared by all threads. Its only interior state is
/// a hash index of the vocabulary, built once on the first word lookup.
pub struct LanguageModel {
    data: Bytes,
    /// Open-addressing hash table of word ids (`NO_WORD` when empty), a
    /// power of two at least twice the vocabulary: a lookup hashes the word
    /// once and compares one or two entries, where bisecting the sorted
    /// word list compares seventeen scattered strings.
    vocab_index: OnceLock<Box<[u32]>>,
    /// Unique among the models of this process, for memos of its lookups.
    serial: u64,
    n_words: u32,
    n_bigrams: u32,
    n_trigrams: u32,
    prob_bits: u32,
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

#[inline]
fn rd_u32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

impl LanguageModel {
    /// The model shipped with unspin (the CMU Sphinx US-English trigram model,
    /// embedded in the binary), checked once on first use and shared.
    pub fn shipped() -> &'static LanguageModel {
        &SHIPPED
    }

    /// Reads a model from bytes in the unspin format, checking the magic,
    /// version, counts and section bounds.
    ///
    /// Errors: [`Error::Model`] naming `source_name` when the bytes are not a
    /// valid model.
    pub fn from_bytes(bytes: Vec<u8>, source_name: &str) -> Result<LanguageModel> {
        LanguageModel::new(Cow::Owned(bytes), source_name)
    }

    /// Like [`LanguageModel::from_bytes`] for bytes that live for the whole
    /// program (such as `include_bytes!`), without copying them.
    pub fn from_static(bytes: &'static [u8], source_name: &str) -> Result<LanguageModel> {
        LanguageModel::new(Cow::Borrowed(bytes), source_name)
    }

    fn new(data: Cow<'static, [u8]>, source_name: &str) -> Result<LanguageModel> {
        let err = |message: String| Error::Model {
            source_name: source_name.to_string(),
            message,
        };
        let data = Bytes::new(data);
        let b: &[u8] = data.get();
        if b.len() < HEADER_LEN || &b[..8] != MAGIC {
            return Err(err("not an unspin language model (bad magic)".into()));
        }
        let h = |at: usize| rd_u32(b, at).unwrap_or(0);
        let version = h(8);
        if version != FORMAT_VERSION {
            return Err(err(format!(
                "format version {version}, this reader understands {FORMAT_VERSION}"
            )));
        }
        if h(12) as usize != HEADER_LEN {
            return Err(err(format!(
                "header length {}, expected {HEADER_LEN}",
                h(12)
            )));
        }
        if h(16) as usize != b.len() {
            return Err(err(format!(
                "truncated or padded: the header says {} bytes, got {}",
                h(16),
                b.len()
            )));
        }
        let (n_words, n_bigrams, n_trigrams) = (h(20), h(24), h(28));
        let word_bits = h(32);
        if !(1..=24).contains(&word_bits) {
            return Err(err(format!("word id width {word_bits} bits out of range")));
        }
        if n_words == 0 || u64::from(n_words - 1) >> word_bits != 0 {
            return Err(err(format!(
                "{n_words} words do not fit in {word_bits}-bit ids"
            )));
        }
        if h(36) != BACKOFF_BITS {
            return Err(err(format!(
                "backoff code width {} bits, expected 16",
                h(36)
            )));
        }
        let (bos, eos) = (h(40), h(44));
        if bos >= n_words || eos >= n_words {
            return Err(err("sentence start or end id out of range".into()));
        }
        let unk_log10 = f32::from_bits(h(48));
        if !unk_log10.is_finite() {
            return Err(err("unk_log10 is not finite".into()));
        }
        let unk = match h(52) {
            NO_UNK => None,
            id if id < n_words => Some(id),
            id => return Err(err(format!("<unk> id {id} out of range"))),
        };
        let n_with_tri = h(56);
        if n_with_tri > n_bigrams {
            return Err(err("more bigrams with trigrams than bigrams".into()));
        }
        if h(60) as usize != BLOCK {
            return Err(err(format!("skip block of {}, expected {BLOCK}", h(60))));
        }
        if h(96) as usize != N_SECTIONS {
            return Err(err(format!("{} sections, expected {N_SECTIONS}", h(96))));
        }
        let prob_bits = 32 - word_bits;
        let (v, bi, tri, k) = (
            u64::from(n_words),
            u64::from(n_bigrams),
            u64::from(n_trigrams),
            u64::from(n_with_tri),
        );
        let blocks = |n: u64| n.div_ceil(BLOCK as u64);
        let word_bytes_len = {
            let off = h(SECTION_TABLE + 8 * S_WORD_OFFSETS) as usize;
            u64::from(rd_u32(b, off.saturating_add(4 * n_words as usize)).unwrap_or(u32::MAX))
        };
        let expected: [u64; N_SECTIONS] = [
            4 << prob_bits,
            4 << BACKOFF_BITS,
            4 << prob_bits,
            4 * v,
            4 * v,
            4 * (v + 1),
            4 * bi,
            2 * bi,
            4 * blocks(bi),
            8 * bi.div_ceil(64),
            4 * bi.div_ceil(64),
            4 * (k + 1),
            4 * tri,
            4 * blocks(tri),
            4 * (v + 1),
            word_bytes_len,
        ];
        let mut sections = [(0usize, 0usize); N_SECTIONS];
        for (i, want) in expected.iter().enumerate() {
            let off = u64::from(h(SECTION_TABLE + 8 * i));
            let len = u64::from(h(SECTION_TABLE + 8 * i + 4));
            if len != *want {
                return Err(err(format!("section {i} is {len} bytes, expected {want}")));
            }
            if off < HEADER_LEN as u64 || off + len > b.len() as u64 {
                return Err(err(format!("section {i} lies outside the file")));
            }
            if off % 64 != 0 {
                return Err(err(format!(
                    "section {i} does not start at a multiple of 64"
                )));
            }
            sections[i] = (off as usize, len as usize);
        }
        let sec = |i: usize| {
            let (off, len) = sections[i];
            &b[off..off + len]
        };
        let ends = |i: usize, last: u32, want_last: u64| {
            rd_u32(sec(i), 0) == Some(0)
                && rd_u32(sec(i), 4 * last as usize).map(u64::from) == Some(want_last)
        };
        if !ends(S_UNI_NEXT, n_words, bi)
            || !ends(S_TRI_NEXT, n_with_tri, tri)
            || !ends(S_WORD_OFFSETS, n_words, word_bytes_len)
        {
            return Err(err("inconsistent range tables".into()));
        }
        for i in [
            S_BI_PROB_CB,
            S_BI_BO_CB,
            S_TRI_PROB_CB,
            S_UNI_PROB,
            S_UNI_BO,
        ] {
            let bad = |c: &[u8]| {
                let x = f32::from_le_bytes([c[0], c[1], c[2], c[3]]);
                x.is_nan() || x == f32::INFINITY
            };
            if sec(i).chunks_exact(4).any(bad) {
                return Err(err(format!("section {i} holds NaN or +inf")));
            }
        }
        Ok(LanguageModel {
            data,
            vocab_index: OnceLock::new(),
            serial: {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
            n_words,
            n_bigrams,
            n_trigrams,
            prob_bits,
            bos,
            eos,
            unk,
            unk_log10,
            sections,
        })
    }

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

    fn build_vocab_index(&self) -> Box<[u32]> {
        let size = (2 * self.n_words as usize).next_power_of_two();
        let mut index = vec![NO_WORD; size].into_boxed_slice();
        for id in 0..self.n_words {
            // Every id is in range (checked when the model was read); a
            // word the table cannot hold would only make it unfindable.
            let Some(w) = self.word_bytes(id) else {
                continue;
            };
            let mut slot = hash_word(w) & (size - 1);
            while index[slot] != NO_WORD {
                slot = (slot + 1) & (size - 1);
            }
            index[slot] = id;
        }
        index
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
        if history.is_empty() {
            // Unigrams need one array, not all of them.
            return f32_at(self.u32s(S_UNI_PROB), word as usize).unwrap_or(self.unk_log10);
        }
        let back = |k: usize| history.len().checked_sub(k).map(|i| history[i]);
        let key = query_key([back(2), back(1)], word, self.n_words);
        let t = self.tables();
        t.log10_prob(key, &mut |a, b| t.bigram(a, b))
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
            uni_next: self.u32s(S_UNI_NEXT),
            bi_entries: self.u32s(S_BI_ENTRY),
            bi_skip: self.u32s(S_BI_SKIP),
            bi_backoff: bytemuck::try_cast_slice(self.section(S_BI_BO)).unwrap_or(&[]),
            bi_has_tri: bytemuck::try_cast_slice(self.section(S_BI_HAS_TRI)).unwrap_or(&[]),
            bi_tri_rank: self.u32s(S_BI_TRI_RANK),
            tri_next: self.u32s(S_TRI_NEXT),
            tri_entries: self.u32s(S_TRI_ENTRY),
            tri_skip: self.u32s(S_TRI_SKIP),
            bi_prob_cb: self.u32s(S_BI_PROB_CB),
            bi_backoff_cb: self.u32s(S_BI_BO_CB),
            tri_prob_cb: self.u32s(S_TRI_PROB_CB),
            prob_bits: self.prob_bits,
            unk_log10: self.unk_log10,
        }
    }
}

/// The model's lookup arrays, read in place as typed slices of
/// little-endian values (see the file format above), made once per
/// [`CachedModel`] so that a lookup does not find its sections again.
#[derive(Clone, Copy)]
struct Tables<'a> {
    uni_prob: &'a [u32],
    uni_backoff: &'a [u32],
    uni_next: &'a [u32],
    bi_entries: &'a [u32],
    bi_skip: &'a [u32],
    bi_backoff: &'a [u16],
    bi_has_tri: &'a [u64],
    bi_tri_rank: &'a [u32],
    tri_next: &'a [u32],
    tri_entries: &'a [u32],
    tri_skip: &'a [u32],
    bi_prob_cb: &'a [u32],
    bi_backoff_cb: &'a [u32],
    tri_prob_cb: &'a [u32],
    prob_bits: u32,
    unk_log10: f32,
}

/// The `f32` at `i` of a little-endian array.
#[inline]
fn f32_at(a: &[u32], i: usize) -> Option<f32> {
    a.get(i).map(|&x| f32::from_bits(u32::from_le(x)))
}

/// The `u32` at `i` of a little-endian array, as an index.
#[inline]
fn index_at(a: &[u32], i: usize) -> Option<usize> {
    a.get(i).map(|&x| u32::from_le(x) as usize)
}

impl Tables<'_> {
    #[inline]
    fn p1(&self, w: WordId) -> f32 {
        f32_at(self.uni_prob, w as usize).unwrap_or(self.unk_log10)
    }

    #[inline]
    fn uni_backoff(&self, w: WordId) -> f32 {
        f32_at(self.uni_backoff, w as usize).unwrap_or(0.0)
    }

    /// Index and probability code of bigram (w1, w2).
    #[inline]
    fn bigram(&self, w1: WordId, w2: WordId) -> Option<Bigram> {
        let lo = index_at(self.uni_next, w1 as usize)?;
        let hi = index_at(self.uni_next, w1 as usize + 1)?;
        find(self.bi_entries, self.bi_skip, lo, hi, w2, self.prob_bits)
    }

    /// Probability code of trigram (the words of bigram `bi`, w3).
    #[inline]
    fn trigram(&self, bi: usize, w3: WordId) -> Option<u32> {
        let bits = u64::from_le(*self.bi_has_tri.get(bi / 64)?);
        let bit = 1u64 << (bi % 64);
        if bits & bit == 0 {
            return None;
        }
        let rank = index_at(self.bi_tri_rank, bi / 64)? + (bits & (bit - 1)).count_ones() as usize;
        let lo = index_at(self.tri_next, rank)?;
        let hi = index_at(self.tri_next, rank + 1)?;
        find(self.tri_entries, self.tri_skip, lo, hi, w3, self.prob_bits).map(|(_, code)| code)
    }

    #[inline]
    fn bigram_backoff(&self, index: usize) -> f32 {
        self.bi_backoff
            .get(index)
            .and_then(|&c| f32_at(self.bi_backoff_cb, u16::from_le(c) as usize))
            .unwrap_or(0.0)
    }

    /// log10 P(w | h1 h2) for a [`query_key`] `[h1, h2, w]`, with bigrams
    /// found by `bigram` (the model's own search, or a memo of it).
    #[inline]
    fn log10_prob(
        &self,
        [h1, h2, w]: [u32; 3],
        bigram: &mut impl FnMut(WordId, WordId) -> Option<Bigram>,
    ) -> f32 {
        match (h1, h2) {
            (_, u32::MAX) => self.p1(w),
            (u32::MAX, h) => self.p2_with(h, w, bigram),
            (h1, h2) => self.p3_with(h1, h2, w, bigram),
        }
    }

    /// P(w | h) with bigrams found by `bigram` (the model's own search, or
    /// a memo of it).
    #[inline]
    fn p2_with(
        &self,
        h: WordId,
        w: WordId,
        bigram: &mut impl FnMut(WordId, WordId) -> Option<Bigram>,
    ) -> f32 {
        match bigram(h, w) {
            Some((_, code)) => f32_at(self.bi_prob_cb, code as usize).unwrap_or(self.unk_log10),
            None => self.uni_backoff(h) + self.p1(w),
        }
    }

    /// P(w | h1 h2) with bigrams found by `bigram`.
    #[inline]
    fn p3_with(
        &self,
        h1: WordId,
        h2: WordId,
        w: WordId,
        bigram: &mut impl FnMut(WordId, WordId) -> Option<Bigram>,
    ) -> f32 {
        let Some((bi, _)) = bigram(h1, h2) else {
            return self.p2_with(h2, w, bigram);
        };
        match self.trigram(bi, w) {
            Some(code) => f32_at(self.tri_prob_cb, code as usize).unwrap_or(self.unk_log10),
            None => self.bigram_backoff(bi) + self.p2_with(h2, w, bigram),
        }
    }
}

/// Slots of [`CachedModel`]'s memo of answers: 4,096 of 16 bytes, which
/// stay in a core's cache; decoding asks again within a few sites.
const PROB_SLOTS_LOG2: u32 = 12;

/// A language model with a memory of the probabilities asked for, for
/// scoring many overlapping word sequences of one document: decoding asks
/// the same trigrams again for neighbouring combinations of candidates.
///
/// ```
/// use unspin::model::{CachedModel, LanguageModel};
/// let m = LanguageModel::shipped();
/// let id = |w| m.word_id(w).unwrap();
/// let mut cached = CachedModel::new(m);
/// let p = cached.log10_prob([Some(id("the")), Some(id("united"))], id("states"));
/// assert_eq!(p, m.log10_prob(&[id("the"), id("united")], id("states")));
/// ```
pub struct CachedModel<'m> {
    model: &'m LanguageModel,
    tables: Tables<'m>,
    /// Recent answers, `([h1, h2, w], log10 P(w | h1 h2))` with `u32::MAX`
    /// for a cut history word, direct-mapped in `2^PROB_SLOTS_LOG2` slots.
    probs: Box<[([u32; 3], f32)]>,
    /// Recent bigram lookups, `(w1 << 32 | w2, result)`, 1,024 slots.
    bigrams: Box<[(u64, Option<Bigram>)]>,
}

impl<'m> CachedModel<'m> {
    /// An empty cache over `model`.
    pub fn new(model: &'m LanguageModel) -> CachedModel<'m> {
        CachedModel {
            model,
            tables: model.tables(),
            // No query has this key: its word is out of range.
            probs: vec![([u32::MAX; 3], 0.0); 1 << PROB_SLOTS_LOG2].into_boxed_slice(),
            // No real bigram has this key: word ids are below 2^24.
            bigrams: vec![(u64::MAX, None); 1024].into_boxed_slice(),
        }
    }

    /// The model behind the cache.
    pub fn model(&self) -> &'m LanguageModel {
        self.model
    }

    /// log10 P(word | history) as [`LanguageModel::log10_prob`] gives it, with
    /// the two previous words oldest first; `None` is a word out of the
    /// vocabulary, which cuts the history before it.
    pub fn log10_prob(&mut self, history: [Option<WordId>; 2], word: WordId) -> f32 {
        let n = self.model.n_words;
        if word >= n {
            return self.model.unk_log10;
        }
        let key = query_key(history, word, n);
        let slot = memo_slot(key);
        if let Some(&(k, p)) = self.probs.get(slot) {
            if k == key {
                return p;
            }
        }
        let (m, memo) = (&self.tables, &mut self.bigrams);
        // Bigram lookups go through a small direct-mapped memo: a backed-off
        // trigram looks up the bigram (h2, w) that the next word's context
        // needs again.
        let mut bigram = |w1: WordId, w2: WordId| {
            let key = u64::from(w1) << 32 | u64::from(w2);
            let slot = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 54) as usize;
            match memo[slot] {
                (k, found) if k == key => found,
                _ => {
                    let found = m.bigram(w1, w2);
                    memo[slot] = (key, found);
                    found
                }
            }
        };
        let p = m.log10_prob(key, &mut bigram);
        if let Some(entry) = self.probs.get_mut(slot) {
            *entry = (key, p);
        }
        p
    }
}

/// A query's memo key `[h1, h2, w]`: the history as the model uses it, with
/// `u32::MAX` for a word cut off by an out-of-vocabulary word (an unknown
/// `h2` cuts both).
fn query_key(history: [Option<WordId>; 2], word: WordId, n_words: u32) -> [u32; 3] {
    let known = |w: Option<WordId>| w.filter(|&w| w < n_words);
    match (known(history[0]), known(history[1])) {
        (Some(a), Some(b)) => [a, b, word],
        (_, Some(b)) => [u32::MAX, b, word],
        _ => [u32::MAX, u32::MAX, word],
    }
}

/// The slot of a key in [`CachedModel`]'s memo.
fn memo_slot(key: [u32; 3]) -> usize {
    ((u64::from(key[0]).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ u64::from(key[1]).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
        ^ u64::from(key[2]).wrapping_mul(0x1656_67B1_9E37_79F9))
        >> (64 - PROB_SLOTS_LOG2)) as usize
}

fn hash_word(w: &[u8]) -> usize {
    let mut h = rustc_hash::FxHasher::default();
    h.write(w);
    h.finish() as usize
}

fn word_at<'a>(offsets: &[u8], bytes: &'a [u8], id: WordId) -> Option<&'a [u8]> {
    let start = rd_u32(offsets, 4 * id as usize)? as usize;
    let end = rd_u32(offsets, 4 * id as usize + 4)? as usize;
    bytes.get(start..end)
}

/// Searches the packed entries `lo..hi` (sorted by word id, which sits in the
/// high bits) for `word`; returns the entry's index and its probability code.
///
/// `skip[j]` is the word of entry `BLOCK * j`: bisect the skip entries of the
/// blocks that start inside the range (a small array that stays in cache),
/// then scan the one block that can hold `word`.
#[inline]
fn find(
    entries: &[u32],
    skip: &[u32],
    lo: usize,
    hi: usize,
    word: WordId,
    prob_bits: u32,
) -> Option<(usize, u32)> {
    if lo >= hi {
        return None;
    }
    // blocks first..=last start inside lo..hi
    let first = lo.div_ceil(BLOCK);
    let last = (hi - 1) / BLOCK;
    let start = if first > last {
        lo
    } else {
        // the blocks in first..=last whose first word is <= word
        let below = skip
            .get(first..=last)?
            .partition_point(|&w| u32::from_le(w) <= word);
        if below == 0 {
            lo
        } else {
            (first + below - 1) * BLOCK
        }
    };
    let end = hi.min((start / BLOCK + 1) * BLOCK);
    for (i, &e) in entries.get(start..end)?.iter().enumerate() {
        let e = u32::from_le(e);
        let k = e >> prob_bits;
        if k == word {
            return Some((start + i, e & ((1u32 << prob_bits) - 1)));
        }
        if k > word {
            break;
        }
    }
    None
}

/// The model's bytes, in place when they are aligned for its widest array
/// (`u64`), else copied to a buffer that is.
enum Bytes {
    Static(&'static [u8]),
    Owned { words: Vec<u64>, len: usize },
}

impl Bytes {
    fn new(data: Cow<'static, [u8]>) -> Bytes {
        match data {
            Cow::Borrowed(b) if b.as_ptr().align_offset(8) == 0 => Bytes::Static(b),
            b => {
                let mut words = vec![0u64; b.len().div_ceil(8)];
                bytemuck::cast_slice_mut::<u64, u8>(&mut words)[..b.len()].copy_from_slice(&b);
                Bytes::Owned {
                    words,
                    len: b.len(),
                }
            }
        }
    }

    fn get(&self) -> &[u8] {
        match self {
            Bytes::Static(b) => b,
            Bytes::Owned { words, len } => &bytemuck::cast_slice(words)[..*len],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn the_cached_model_agrees_with_the_model() {
        let m = lm();
        let mut cached = CachedModel::new(m);
        let words = ["the", "united", "states", "said", "navy", "of", "zzzz"];
        let ids: Vec<Option<WordId>> = words.iter().map(|w| m.word_id(w)).collect();
        // Twice: the second round answers from the cache.
        for _ in 0..2 {
            // Ids above 2^16 once shared a memo key with the id 2^16 below.
            let (hi, lo) = (id("zone"), id("zone") - (1 << 16));
            let p = |h| m.log10_prob(&[h, id("of")], id("the"));
            assert_ne!(p(hi), p(lo), "{:?}", m.word(lo));
            for h in [lo, hi, lo] {
                let history = [Some(h), Some(id("of"))];
                let p = m.log10_prob(&[h, id("of")], id("the"));
                assert_eq!(cached.log10_prob(history, id("the")), p);
            }
            for &a in &ids {
                for &b in &ids {
                    for &w in ids.iter().flatten() {
                        let history: Vec<WordId> = match (a, b) {
                            (Some(a), Some(b)) => vec![a, b],
                            (_, Some(b)) => vec![b],
                            _ => vec![],
                        };
                        assert_eq!(cached.log10_prob([a, b], w), m.log10_prob(&history, w));
                    }
                }
            }
        }
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

    /// Every entry of some large and small ranges is found at its own index,
    /// and ids between them are not found (checks the skip-list search
    /// against the plain arrays).
    #[test]
    fn search_finds_exactly_the_stored_entries() {
        let m = lm();
        let t = m.tables();
        let next = m.section(S_UNI_NEXT);
        let entries = m.section(S_BI_ENTRY);
        let mut checked_tri = 0;
        for w in ["<s>", "the", "of", "united", "zyuganov", "aardvark", "'s"] {
            let w1 = id(w);
            let lo = rd_u32(next, 4 * w1 as usize).unwrap() as usize;
            let hi = rd_u32(next, 4 * w1 as usize + 4).unwrap() as usize;
            let mut stored = Vec::new();
            for i in lo..hi {
                let w2 = rd_u32(entries, 4 * i).unwrap() >> m.prob_bits;
                stored.push(w2);
                assert_eq!(t.bigram(w1, w2).map(|(j, _)| j), Some(i), "{w} #{i}");
                if checked_tri < 20_000 {
                    checked_tri += check_trigrams(m, i);
                }
            }
            let mut k = 0;
            for probe in (0..m.n_words).step_by(7) {
                while k < stored.len() && stored[k] < probe {
                    k += 1;
                }
                let present = k < stored.len() && stored[k] == probe;
                assert_eq!(t.bigram(w1, probe).is_some(), present, "{w} {probe}");
            }
        }
        assert!(checked_tri > 1000);
    }

    fn check_trigrams(m: &LanguageModel, bi: usize) -> usize {
        let t = m.tables();
        let bits = u64::from_le(t.bi_has_tri[bi / 64]);
        if bits & (1 << (bi % 64)) == 0 {
            return 0;
        }
        let rank = rd_u32(m.section(S_BI_TRI_RANK), 4 * (bi / 64)).unwrap() as usize
            + (bits & ((1u64 << (bi % 64)) - 1)).count_ones() as usize;
        let lo = rd_u32(m.section(S_TRI_NEXT), 4 * rank).unwrap() as usize;
        let hi = rd_u32(m.section(S_TRI_NEXT), 4 * rank + 4).unwrap() as usize;
        let mut prev = None;
        for i in lo..hi {
            let e = rd_u32(m.section(S_TRI_ENTRY), 4 * i).unwrap();
            let w3 = e >> m.prob_bits;
            assert!(prev < Some(w3), "trigrams sorted");
            prev = Some(w3);
            assert_eq!(t.trigram(bi, w3), Some(e & ((1 << m.prob_bits) - 1)));
            if w3 + 1 < m.n_words
                && (i + 1 == hi
                    || rd_u32(m.section(S_TRI_ENTRY), 4 * i + 4).unwrap() >> m.prob_bits != w3 + 1)
            {
                assert_eq!(t.trigram(bi, w3 + 1), None);
            }
        }
        hi - lo
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
