//! The n-gram index: exact hash tables of a model's bigrams and trigrams.
//!
//! The model file (format version 1, see [`crate::model`]) stores n-grams as
//! a trie: the bigrams of a word are a sorted range, and the trigrams of a
//! bigram another. Finding a trigram there takes five to ten reads, each
//! depending on the one before, and on a 24 MB model most of them miss the
//! cache. The index answers the same questions with one read per table,
//! which do not depend on each other: a query for P(w | u v) reads the home
//! slots of `(u, v, w)`, `(u, v)` and `(v, w)` at once, and a batch of
//! queries can ask the memory for the next ones while it answers this one.
//!
//! The shipped model's index is built from the model file by `build.rs` at
//! compile time and embedded beside it; a model read at run time gets its
//! index built in memory (a few hundred milliseconds).
//!
//! This file is also compiled into `build.rs` (with `#[path]`), so it uses
//! nothing but `std`.
//!
//! # Tables
//!
//! A table maps a `K`-bit key (two or three word ids of `W` bits, the first
//! word highest, where `W` is the fewest bits that hold every id of the model) to a value, exactly: no false positives. Keys are mixed by
//! a bijection of `K`-bit numbers; the top `S` bits of the mixed key pick the
//! home slot among `2^S` and the low `R = K − S` bits (the remainder) are
//! stored, so the slot and the remainder together give back the key
//! ("quotienting"). Collisions go to the following slots, in Robin Hood
//! order (entries sorted by home), so a lookup stops at the first slot whose
//! entry has come a shorter distance than the lookup has. `S` is the smallest
//! that keeps the table at most 80% full and leaves room for the remainder
//! beside the value.
//!
//! A slot is a `u64`: bit 63 set when occupied; bits 55..63 the distance from
//! the home slot (at most 254); bits `R..55` the value; bits `0..R` the
//! remainder. Bigram values are `prob code | backoff code << P` and trigram
//! values `prob code`, with the codes of the model file (P bits).
//!
//! # File format (version 1)
//!
//! All integers little-endian.
//!
//! | offset | size | field |
//! |---|---|---|
//! | 0 | 8 | magic `UNSPINIX` |
//! | 8 | 4 | format version (1) |
//! | 12 | 4 | W, bits of a word id in a key |
//! | 16 | 4 | number of words |
//! | 20 | 4 | number of bigrams |
//! | 24 | 4 | number of trigrams |
//! | 28 | 4 | S of the bigram table |
//! | 32 | 4 | S of the trigram table |
//! | 36 | 4 | P, bits of a probability code |
//! | 40 | 24 | zero |
//! | 64 | 8 · 2^S | bigram slots |
//! | … | 8 · 2^S | trigram slots |

use std::borrow::Cow;

/// The file's first eight bytes.
pub const MAGIC: &[u8; 8] = b"UNSPINIX";
/// The format version written and read here.
pub const VERSION: u32 = 1;
/// Length of the file header.
pub const HEADER_LEN: usize = 64;

const OCCUPIED: u64 = 1 << 63;
const DISTANCE_SHIFT: u32 = 55;
const MAX_DISTANCE: u64 = 0xFF;
const MAX_LOAD: f64 = 0.8;

/// An exact hash table from `key_bits`-bit keys to values (see the module
/// documentation).
#[derive(Debug, Clone)]
pub struct Table {
    slots: Cow<'static, [u64]>,
    /// S: the table has 2^S slots.
    slot_bits: u32,
    /// K: bits of a key.
    key_bits: u32,
}

/// Where a key lives in a [`Table`]: its home slot and remainder.
#[derive(Debug, Clone, Copy, Default)]
pub struct Probe {
    home: usize,
    remainder: u64,
}

impl Table {
    /// An empty table for `n` keys of `key_bits` bits, with room for values
    /// of `value_bits` bits.
    pub fn with_capacity(n: usize, key_bits: u32, value_bits: u32) -> Result<Table, String> {
        // At least enough slots that the remainder fits beside the value.
        let mut slot_bits = (key_bits + value_bits)
            .saturating_sub(DISTANCE_SHIFT)
            .max(1);
        while ((1usize << slot_bits) as f64) * MAX_LOAD < n as f64 {
            slot_bits += 1;
        }
        let table = Table {
            slots: Cow::Owned(Vec::new()),
            slot_bits,
            key_bits,
        };
        if key_bits > 63 || slot_bits > key_bits || slot_bits > 40 {
            return Err(format!("{n} keys of {key_bits} bits do not fit an index"));
        }
        if table.remainder_bits() + value_bits > DISTANCE_SHIFT {
            return Err(format!(
                "values of {value_bits} bits do not fit beside {} remainder bits",
                table.remainder_bits()
            ));
        }
        Ok(Table {
            slots: Cow::Owned(vec![0; 1 << slot_bits]),
            ..table
        })
    }

    /// A table over `slots` as stored in an index file.
    fn from_slots(slots: Cow<'static, [u64]>, slot_bits: u32, key_bits: u32) -> Table {
        Table {
            slots,
            slot_bits,
            key_bits,
        }
    }

    fn remainder_bits(&self) -> u32 {
        self.key_bits - self.slot_bits
    }

    fn mask(&self) -> usize {
        (1 << self.slot_bits) - 1
    }

    /// The home slot and remainder of `key`. Multiplying by an odd number and
    /// shifting the high half into the low are both invertible modulo
    /// 2^K, so the mixed key, and with it the key, is given by the pair.
    #[inline]
    pub fn probe(&self, key: u64) -> Probe {
        let k = self.key_bits;
        let all = (1u64 << k) - 1;
        let mut x = key.wrapping_mul(0x9E37_79B9_7F4A_7C15) & all;
        x ^= x >> (k / 2);
        x = x.wrapping_mul(0xC2B2_AE3D_27D4_EB4F) & all;
        let r = self.remainder_bits();
        Probe {
            home: (x >> r) as usize,
            remainder: x & ((1 << r) - 1),
        }
    }

    /// Asks the memory for the home slot of `probe` ahead of
    /// [`Table::get`], so that the reads of several lookups overlap.
    #[inline]
    pub fn prefetch(&self, probe: Probe) {
        if let Some(slot) = self.slots.get(probe.home) {
            prefetch(slot);
        }
    }

    /// The value of the key of `probe`, if the table holds it.
    #[inline]
    pub fn get(&self, probe: Probe) -> Option<u64> {
        let r = self.remainder_bits();
        let remainder_mask = (1u64 << r) - 1;
        let value_mask = (1u64 << DISTANCE_SHIFT) - 1;
        let mut i = probe.home;
        let mut distance = 0;
        loop {
            let slot = u64::from_le(*self.slots.get(i & self.mask())?);
            if slot & OCCUPIED == 0 {
                return None;
            }
            let d = (slot >> DISTANCE_SHIFT) & MAX_DISTANCE;
            // Robin Hood order: every entry of this home comes before the
            // first entry that has come a shorter way.
            if d < distance {
                return None;
            }
            if d == distance && slot & remainder_mask == probe.remainder {
                return Some((slot & value_mask) >> r);
            }
            i += 1;
            distance += 1;
            if distance > MAX_DISTANCE {
                return None;
            }
        }
    }

    /// Adds `key` with `value`; the key must not be in the table yet.
    pub fn insert(&mut self, key: u64, value: u64) -> Result<(), String> {
        if key >> self.key_bits != 0 || value >> (DISTANCE_SHIFT - self.remainder_bits()) != 0 {
            return Err(format!("key {key:#x} or value {value:#x} out of range"));
        }
        let probe = self.probe(key);
        let mask = self.mask();
        let mut entry = OCCUPIED | value << self.remainder_bits() | probe.remainder;
        let slots = self.slots.to_mut();
        let mut i = probe.home;
        let mut distance = 0u64;
        loop {
            let slot = &mut slots[i & mask];
            if *slot & OCCUPIED == 0 {
                *slot = (entry | distance << DISTANCE_SHIFT).to_le();
                return Ok(());
            }
            let d = (u64::from_le(*slot) >> DISTANCE_SHIFT) & MAX_DISTANCE;
            if d < distance {
                // Take the place of an entry nearer its home, and carry it on.
                let displaced = u64::from_le(*slot);
                *slot = (entry | distance << DISTANCE_SHIFT).to_le();
                entry = displaced & !(MAX_DISTANCE << DISTANCE_SHIFT);
                distance = d;
            }
            i += 1;
            distance += 1;
            if distance >= MAX_DISTANCE {
                return Err("an entry lies too far from its home slot".into());
            }
        }
    }

    /// Number of keys held.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.slots
            .iter()
            .filter(|&&s| s & OCCUPIED.to_le() != 0)
            .count()
    }
}

/// Asks the memory for the cache line of `value`, without waiting for it.
#[cfg(target_arch = "x86_64")]
#[inline]
pub fn prefetch<T>(value: &T) {
    // SAFETY: a prefetch is a hint with no effect on memory or on the
    // program's state, and SSE is part of the x86_64 baseline.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            (value as *const T).cast::<i8>(),
        )
    }
}

/// Asks the memory for the cache line of `value` (a no-op on this target).
#[cfg(not(target_arch = "x86_64"))]
#[inline]
pub fn prefetch<T>(_value: &T) {}

/// The n-gram arrays of a model file (version 1), as the index is built from
/// them: see the sections of the format in [`crate::model`].
pub struct Trie<'a> {
    /// Number of words.
    pub n_words: u32,
    /// Bits of a probability code, the low bits of an entry (the word id is
    /// above them).
    pub prob_bits: u32,
    /// Section 5: unigram → bigram ranges.
    pub uni_next: &'a [u32],
    /// Section 6: bigram entries.
    pub bi_entries: &'a [u32],
    /// Section 7: bigram backoff codes.
    pub bi_backoff: &'a [u16],
    /// Section 9: the bitmap of bigrams with trigrams.
    pub bi_has_tri: &'a [u64],
    /// Section 10: the bitmap's rank directory.
    pub bi_tri_rank: &'a [u32],
    /// Section 11: bigram → trigram ranges.
    pub tri_next: &'a [u32],
    /// Section 12: trigram entries.
    pub tri_entries: &'a [u32],
}

/// The index of one model: its bigram and trigram tables.
#[derive(Debug, Clone)]
pub struct Index {
    /// W, bits of a word id in a key.
    pub word_bits: u32,
    /// P, bits of a probability code.
    pub prob_bits: u32,
    /// Counts of the model the index was built from.
    pub counts: [u32; 3],
    /// Bigrams: `prob code | backoff code << P`.
    pub bigrams: Table,
    /// Trigrams: `prob code`.
    pub trigrams: Table,
}

impl Index {
    /// The key of the n-gram `words`: their ids, `word_bits` bits each, the
    /// first word highest.
    pub fn key(word_bits: u32, words: &[u32]) -> u64 {
        words.iter().fold(0, |k, &w| k << word_bits | u64::from(w))
    }

    /// The probability code of a bigram or trigram value.
    pub fn prob_code(&self, value: u64) -> usize {
        (value & ((1 << self.prob_bits) - 1)) as usize
    }

    /// The backoff code of a bigram value.
    pub fn backoff_code(&self, value: u64) -> usize {
        (value >> self.prob_bits) as usize
    }

    /// The fewest bits that hold every id of a model of `n_words` words.
    pub fn word_bits(n_words: u32) -> u32 {
        (32 - n_words.saturating_sub(1).leading_zeros()).max(1)
    }

    /// Builds the index of the n-grams in `trie`.
    pub fn build(trie: &Trie<'_>) -> Result<Index, String> {
        let n_words = trie.n_words;
        let w = Index::word_bits(n_words);
        if w > 21 {
            return Err(format!(
                "{n_words} words are more than an index holds (2^21)"
            ));
        }
        let p = trie.prob_bits;
        if !(1..=31).contains(&p) {
            return Err(format!("probability codes of {p} bits"));
        }
        let code_mask = (1u32 << p) - 1;
        let corrupt = |what: &str| format!("the model's {what} are inconsistent");
        let mut bigrams = Table::with_capacity(trie.bi_entries.len(), 2 * w, p + 16)?;
        let mut trigrams = Table::with_capacity(trie.tri_entries.len(), 3 * w, p)?;
        let at = |a: &[u32], i: usize| a.get(i).map(|&x| u32::from_le(x) as usize);
        for w1 in 0..n_words as usize {
            let (lo, hi) = (at(trie.uni_next, w1), at(trie.uni_next, w1 + 1));
            let (Some(lo), Some(hi)) = (lo, hi) else {
                return Err(corrupt("bigram ranges"));
            };
            for i in lo..hi {
                let e = at(trie.bi_entries, i).ok_or_else(|| corrupt("bigram ranges"))? as u32;
                let backoff = trie.bi_backoff.get(i).ok_or_else(|| corrupt("backoffs"))?;
                let w2 = e >> p;
                let key = Index::key(w, &[w1 as u32, w2]);
                let value = u64::from(e & code_mask) | u64::from(u16::from_le(*backoff)) << p;
                bigrams.insert(key, value)?;
                let bits = u64::from_le(
                    *trie
                        .bi_has_tri
                        .get(i / 64)
                        .ok_or_else(|| corrupt("trigram bitmap"))?,
                );
                let bit = 1u64 << (i % 64);
                if bits & bit == 0 {
                    continue;
                }
                let rank = at(trie.bi_tri_rank, i / 64).ok_or_else(|| corrupt("trigram ranks"))?
                    + (bits & (bit - 1)).count_ones() as usize;
                let (Some(lo), Some(hi)) = (at(trie.tri_next, rank), at(trie.tri_next, rank + 1))
                else {
                    return Err(corrupt("trigram ranges"));
                };
                for j in lo..hi {
                    let e =
                        at(trie.tri_entries, j).ok_or_else(|| corrupt("trigram ranges"))? as u32;
                    trigrams.insert(
                        Index::key(w, &[w1 as u32, w2, e >> p]),
                        u64::from(e & code_mask),
                    )?;
                }
            }
        }
        Ok(Index {
            word_bits: w,
            prob_bits: p,
            counts: [
                n_words,
                trie.bi_entries.len() as u32,
                trie.tri_entries.len() as u32,
            ],
            bigrams,
            trigrams,
        })
    }

    /// The index as a file.
    #[allow(dead_code)] // by build.rs
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            HEADER_LEN + 8 * (self.bigrams.slots.len() + self.trigrams.slots.len()),
        );
        out.extend_from_slice(MAGIC);
        for x in [
            VERSION,
            self.word_bits,
            self.counts[0],
            self.counts[1],
            self.counts[2],
            self.bigrams.slot_bits,
            self.trigrams.slot_bits,
            self.prob_bits,
        ] {
            out.extend_from_slice(&x.to_le_bytes());
        }
        out.resize(HEADER_LEN, 0);
        for table in [&self.bigrams, &self.trigrams] {
            for slot in table.slots.iter() {
                // Slots are held little-endian already.
                out.extend_from_slice(&u64::from_le(*slot).to_le_bytes());
            }
        }
        out
    }

    /// Reads an index file in place; `slots` is the file viewed as `u64`s
    /// (so 8-byte aligned), `header` its first [`HEADER_LEN`] bytes.
    pub fn from_words(words: &'static [u64]) -> Result<Index, String> {
        let header: Vec<u8> = words
            .iter()
            .take(HEADER_LEN / 8)
            .flat_map(|w| u64::from_le(*w).to_le_bytes())
            .collect();
        if header.len() < HEADER_LEN || &header[..8] != MAGIC {
            return Err("not an unspin n-gram index (bad magic)".into());
        }
        let h = |at: usize| {
            u32::from_le_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]])
        };
        if h(8) != VERSION {
            return Err(format!("index format version {}, expected {VERSION}", h(8)));
        }
        let (word_bits, bigram_bits, trigram_bits, prob_bits) = (h(12), h(28), h(32), h(36));
        if !(1..=21).contains(&word_bits)
            || !(1..=31).contains(&prob_bits)
            || bigram_bits > 40
            || trigram_bits > 40
        {
            return Err("index header out of range".into());
        }
        let (nb, nt) = (1usize << bigram_bits, 1usize << trigram_bits);
        let body = &words[HEADER_LEN / 8..];
        if body.len() != nb + nt || bigram_bits > 2 * word_bits || trigram_bits > 3 * word_bits {
            return Err(format!(
                "index of {} bytes does not match its header",
                8 * words.len()
            ));
        }
        Ok(Index {
            word_bits,
            prob_bits,
            counts: [h(16), h(20), h(24)],
            bigrams: Table::from_slots(Cow::Borrowed(&body[..nb]), bigram_bits, 2 * word_bits),
            trigrams: Table::from_slots(Cow::Borrowed(&body[nb..]), trigram_bits, 3 * word_bits),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_inserted_is_found_and_no_other() {
        let mut t = Table::with_capacity(5_000, 34, 31).unwrap();
        let key = |i: u64| (i.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 20) & ((1 << 34) - 1);
        for i in 0..5_000 {
            t.insert(key(i), i * 7 % (1 << 31)).unwrap();
        }
        assert_eq!(t.len(), 5_000);
        for i in 0..5_000 {
            assert_eq!(t.get(t.probe(key(i))), Some(i * 7 % (1 << 31)), "key {i}");
        }
        // Keys that share a home slot or a remainder with stored ones.
        for i in 5_000..50_000 {
            assert_eq!(t.get(t.probe(key(i))), None, "key {i}");
        }
    }

    #[test]
    fn the_mix_is_a_bijection() {
        // On 12-bit keys the pair (home, remainder) must take every value once.
        let t = Table::with_capacity(1_000, 12, 4).unwrap();
        let mut seen = vec![false; 1 << 12];
        for k in 0..1u64 << 12 {
            let p = t.probe(k);
            let x = (p.home as u64) << t.remainder_bits() | p.remainder;
            assert!(!seen[x as usize], "{k} collides");
            seen[x as usize] = true;
        }
    }

    #[test]
    fn a_table_round_trips_through_a_file() {
        let mut bigrams = Table::with_capacity(100, 34, 31).unwrap();
        let mut trigrams = Table::with_capacity(100, 51, 15).unwrap();
        for i in 0..100u64 {
            bigrams.insert(i << 17 | (i * 3), i).unwrap();
            trigrams.insert((i << 17 | 5) << 17 | i, i + 1).unwrap();
        }
        let index = Index {
            word_bits: 17,
            prob_bits: 15,
            counts: [200, 100, 100],
            bigrams,
            trigrams,
        };
        let bytes = index.to_bytes();
        let words: Vec<u64> = bytes
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes(c.try_into().unwrap()))
            .map(u64::to_le)
            .collect();
        let read = Index::from_words(Box::leak(words.into_boxed_slice())).unwrap();
        assert_eq!(read.counts, [200, 100, 100]);
        for i in 0..100u64 {
            let b = &read.bigrams;
            assert_eq!(b.get(b.probe(i << 17 | (i * 3))), Some(i));
            let t = &read.trigrams;
            assert_eq!(t.get(t.probe((i << 17 | 5) << 17 | i)), Some(i + 1));
            assert_eq!(t.get(t.probe((i << 17 | 6) << 17 | i)), None);
        }
        assert!(Index::from_words(Box::leak(vec![0u64; 8].into_boxed_slice())).is_err());
    }
}
