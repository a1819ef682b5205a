//! The lookups: a query's probability by Katz backoff over the unigram arrays,
//! the codebooks and the n-gram index.

use super::index::{Index, Probe};
use super::load::rd_u32;
use super::WordId;

/// A question to the model, made by [`LanguageModel::query`](super::LanguageModel::query) and answered by
/// [`LanguageModel::log10_probs`](super::LanguageModel::log10_probs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Query(pub(super) [u32; 3]);

/// A word cut from a [`Query`]: out of the vocabulary, or before one that is.
pub(super) const CUT: u32 = u32::MAX;

/// What the lookups read: the unigram arrays and codebooks of the model file
/// as typed slices of little-endian values (see the file format above), and
/// the n-gram index.
#[derive(Clone, Copy)]
pub(super) struct Tables<'a> {
    pub(super) uni_prob: &'a [u32],
    pub(super) uni_backoff: &'a [u32],
    pub(super) bi_prob_cb: &'a [u32],
    pub(super) bi_backoff_cb: &'a [u32],
    pub(super) tri_prob_cb: &'a [u32],
    pub(super) index: &'a Index,
    pub(super) unk_log10: f32,
}

/// The `f32` at `i` of a little-endian array.
#[inline]
fn f32_at(a: &[u32], i: usize) -> Option<f32> {
    a.get(i).map(|&x| f32::from_bits(u32::from_le(x)))
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

    /// The index key of the n-gram `words`.
    #[inline]
    pub(super) fn key(&self, words: &[WordId]) -> u64 {
        Index::key(self.index.word_bits, words)
    }

    /// Where the answer to the query `[h1, h2, w]` may be: the index slots
    /// of `(h2, w)`, `(h1, h2, w)` and `(h1, h2)`, as far as the query's
    /// history reaches.
    #[inline]
    pub(super) fn probes(&self, [h1, h2, w]: [u32; 3]) -> Probes {
        let (bigrams, trigrams) = (&self.index.bigrams, &self.index.trigrams);
        let none = Probe::default();
        if w == CUT || h2 == CUT {
            return Probes([none; 3]);
        }
        let h2_w = bigrams.probe(self.key(&[h2, w]));
        if h1 == CUT {
            return Probes([h2_w, none, none]);
        }
        Probes([
            h2_w,
            trigrams.probe(self.key(&[h1, h2, w])),
            bigrams.probe(self.key(&[h1, h2])),
        ])
    }

    /// Starts the memory reads of a query whose probes are `p` (a probe
    /// the query does not need reads a first slot, which costs nothing).
    #[inline]
    pub(super) fn prefetch(&self, p: &Probes) {
        let (bigrams, trigrams) = (&self.index.bigrams, &self.index.trigrams);
        bigrams.prefetch(p.0[0]);
        trigrams.prefetch(p.0[1]);
        bigrams.prefetch(p.0[2]);
    }

    /// log10 P(w | h1 h2) for the query `[h1, h2, w]`, by Katz backoff.
    #[inline]
    pub(super) fn log10_prob(&self, q: [u32; 3]) -> f32 {
        self.answer(q, &self.probes(q))
    }

    /// [`Tables::log10_prob`] of the query `[h1, h2, w]` whose probes are
    /// `p`.
    #[inline]
    pub(super) fn answer(&self, [h1, h2, w]: [u32; 3], p: &Probes) -> f32 {
        let (bigrams, trigrams) = (&self.index.bigrams, &self.index.trigrams);
        let [h2_w, h1_h2_w, h1_h2] = p.0;
        if w == CUT {
            return self.unk_log10;
        }
        if h2 == CUT {
            return self.p1(w);
        }
        let p2 = || match bigrams.get(h2_w) {
            Some(v) => f32_at(self.bi_prob_cb, self.index.prob_code(v)).unwrap_or(self.unk_log10),
            None => self.uni_backoff(h2) + self.p1(w),
        };
        if h1 == CUT {
            return p2();
        }
        if let Some(v) = trigrams.get(h1_h2_w) {
            return f32_at(self.tri_prob_cb, self.index.prob_code(v)).unwrap_or(self.unk_log10);
        }
        match bigrams.get(h1_h2) {
            Some(v) => f32_at(self.bi_backoff_cb, self.index.backoff_code(v)).unwrap_or(0.0) + p2(),
            None => p2(),
        }
    }
}

/// The probes of a query (see [`Tables::probes`]).
#[derive(Clone, Copy, Default)]
pub(super) struct Probes([Probe; 3]);

pub(super) fn word_at<'a>(offsets: &[u8], bytes: &'a [u8], id: WordId) -> Option<&'a [u8]> {
    let start = rd_u32(offsets, 4 * id as usize)? as usize;
    let end = rd_u32(offsets, 4 * id as usize + 4)? as usize;
    bytes.get(start..end)
}
