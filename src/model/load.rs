//! Reading a model file: checking its header, counts and sections, and holding
//! its bytes aligned.

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::{Error, Result};

use super::index::{self, Index};
use super::{
    LanguageModel, BACKOFF_BITS, BLOCK, FORMAT_VERSION, HEADER_LEN, MAGIC, NO_UNK, N_SECTIONS,
    SECTION_TABLE, S_BI_BO, S_BI_BO_CB, S_BI_ENTRY, S_BI_HAS_TRI, S_BI_PROB_CB, S_BI_TRI_RANK,
    S_TRI_ENTRY, S_TRI_NEXT, S_TRI_PROB_CB, S_UNI_BO, S_UNI_NEXT, S_UNI_PROB, S_WORD_OFFSETS,
};

#[inline]
pub(super) fn rd_u32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}
impl LanguageModel {
    /// Reads a model, with its n-gram index when one was built before (it
    /// must be the index of these bytes).
    pub(super) fn new(
        data: Cow<'static, [u8]>,
        source_name: &str,
        index: Option<Index>,
    ) -> Result<LanguageModel> {
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
        let index = match index {
            Some(index) => index,
            None => {
                let u32s = |i: usize| bytemuck::try_cast_slice(sec(i)).unwrap_or(&[]);
                Index::build(&index::Trie {
                    n_words,
                    prob_bits,
                    uni_next: u32s(S_UNI_NEXT),
                    bi_entries: u32s(S_BI_ENTRY),
                    bi_backoff: bytemuck::try_cast_slice(sec(S_BI_BO)).unwrap_or(&[]),
                    bi_has_tri: bytemuck::try_cast_slice(sec(S_BI_HAS_TRI)).unwrap_or(&[]),
                    bi_tri_rank: u32s(S_BI_TRI_RANK),
                    tri_next: u32s(S_TRI_NEXT),
                    tri_entries: u32s(S_TRI_ENTRY),
                })
                .map_err(err)?
            }
        };
        if index.counts != [n_words, n_bigrams, n_trigrams]
            || index.prob_bits != prob_bits
            || index.word_bits != Index::word_bits(n_words)
        {
            return Err(err("the n-gram index is not this model's".into()));
        }
        Ok(LanguageModel {
            data,
            index,
            vocab_index: OnceLock::new(),
            serial: crate::next_serial(),
            n_words,
            n_bigrams,
            n_trigrams,
            bos,
            eos,
            unk,
            unk_log10,
            sections,
        })
    }
}
/// The model's bytes, in place when they are aligned for its widest array
/// (`u64`), else copied to a buffer that is.
pub(super) enum Bytes {
    Static(&'static [u8]),
    Owned { words: Vec<u64>, len: usize },
}

impl Bytes {
    pub(super) fn new(data: Cow<'static, [u8]>) -> Bytes {
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

    pub(super) fn get(&self) -> &[u8] {
        match self {
            Bytes::Static(b) => b,
            Bytes::Owned { words, len } => &bytemuck::cast_slice(words)[..*len],
        }
    }
}
