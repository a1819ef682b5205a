//! The vocabulary's hash index: word -> id by open addressing. `build.rs`
//! builds the shipped model's (it is the same for every run, and building it
//! was a tenth of start-up); a model read at run time builds its own on the
//! first lookup. Shared with `build.rs`, so it depends on nothing of the
//! crate.

use std::hash::Hasher;

/// An empty slot of the index.
pub const NO_WORD: u32 = u32::MAX;

/// The hash of a word's bytes that places it in the index.
pub fn hash_word(w: &[u8]) -> usize {
    let mut h = rustc_hash::FxHasher::default();
    h.write(w);
    h.finish() as usize
}

/// The index of a vocabulary of `n_words` words, `word(id)` giving each
/// one's bytes: a power of two at least twice the vocabulary, each id at the
/// first free slot from its word's hash, ids inserted in order (so a lookup
/// finds the lowest id of a word written twice).
pub fn build<'a>(n_words: u32, word: impl Fn(u32) -> Option<&'a [u8]>) -> Vec<u32> {
    let size = (2 * n_words as usize).next_power_of_two();
    let mut index = vec![NO_WORD; size];
    for id in 0..n_words {
        // A word the index cannot hold would only be unfindable.
        let Some(w) = word(id) else {
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

/// A word that tells whether an index was hashed as this build hashes
/// (the index file records its hash).
const PROBE: &[u8] = b"the";

/// The file `build.rs` writes: the hash of [`PROBE`] (two `u32`s, low
/// first), the number of words, then the index.
#[allow(dead_code)] // build.rs writes it; the crate reads it
pub fn to_words(n_words: u32, index: &[u32]) -> Vec<u32> {
    let h = hash_word(PROBE) as u64;
    let mut out = vec![h as u32, (h >> 32) as u32, n_words];
    out.extend_from_slice(index);
    out
}

/// The index of a file of [`to_words`], when it was made for a model of
/// `n_words` words with this build's hash; `None` otherwise (the caller
/// builds the index instead).
pub fn from_words(words: &[u32], n_words: u32) -> Option<&[u32]> {
    let h = hash_word(PROBE) as u64;
    match words {
        [lo, hi, n, index @ ..]
            if *lo == h as u32
                && *hi == (h >> 32) as u32
                && *n == n_words
                && index.len() == (2 * n_words as usize).next_power_of_two() =>
        {
            Some(index)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_index_reads_back_for_its_model_only() {
        let words: [&[u8]; 3] = [b"a", b"b", b"a"];
        let index = build(3, |id| words.get(id as usize).copied());
        assert_eq!(index.len(), 8);
        let mut held: Vec<u32> = index.iter().copied().filter(|&i| i != NO_WORD).collect();
        held.sort_unstable();
        assert_eq!(held, [0, 1, 2]);
        let file = to_words(3, &index);
        assert_eq!(from_words(&file, 3), Some(&index[..]));
        assert_eq!(from_words(&file, 4), None);
        let mut other = file.clone();
        other[0] ^= 1;
        assert_eq!(from_words(&other, 3), None, "hashed otherwise");
    }
}
