//! A document's signature: MinHash over shingles of the words a spinner
//! leaves alone.
//!
//! A spinner swaps words for members of their synonym sets; the words in no
//! set (names, most rare words), numbers of two digits or more, and the
//! order they come in are what a spun copy keeps of its original (the idea
//! of DSpin, Zhang et al., NDSS 2014: "immutable" words). A word is taken as
//! mutable when any shipped table (the news spinner's and the general
//! lexicons of Moby and WordNet) names it, in a spun form or an original;
//! digits of one figure and number words are mutable too, since spinners
//! rewrite `3` as `three` and back. The immutable words, lower-cased, in
//! order, make shingles of [`SHINGLE`] words, and [`HASHES`] minimum hashes
//! of those shingles estimate the Jaccard similarity of two documents'
//! shingle sets ([`Signature::similarity`]).
//!
//! The hashes are this module's own and fixed (FNV-1a over the shingle's
//! bytes, then one SplitMix64 finaliser per hash function), so signatures
//! made by separate processes or machines (the Python package in a Spark
//! job) compare and band alike: [`Signature::bands`] gives the LSH band
//! keys of [`BANDS`] bands of [`ROWS`] hashes.

use std::collections::HashSet;

use once_cell::sync::Lazy;

use crate::tokenize::{normalize, tokenize, TokenKind};

/// Minimum hashes in a signature.
pub const HASHES: usize = 64;
/// LSH bands a signature is cut into for the join.
pub const BANDS: usize = 32;
/// Hashes in a band: two documents of Jaccard similarity `s` share at least
/// one band with probability `1 - (1 - s^ROWS)^BANDS` (0.95 at 0.3, over
/// 0.9999 at 0.5).
pub const ROWS: usize = HASHES / BANDS;
/// Immutable words in a shingle.
pub const SHINGLE: usize = 3;

/// The signature of one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The least hash of the document's shingles under each of the
    /// [`HASHES`] hash functions (`u32::MAX` each when it has none).
    pub minhash: [u32; HASHES],
    /// Distinct shingles.
    pub shingles: u32,
    /// A hash of the whole text, for telling exact duplicates.
    pub digest: u64,
    /// The text's length in bytes.
    pub bytes: u64,
}

/// The words any shipped table names, lower-cased.
static MUTABLE: Lazy<HashSet<String>> = Lazy::new(|| {
    let mut words = HashSet::new();
    for (_, table) in crate::dict::BUILTIN_TABLES {
        for line in table.lines().filter(|l| !l.starts_with('#')) {
            let mut cols = line.split('\t');
            let forms = cols.next().into_iter().chain(cols.next());
            for word in forms.flat_map(|f| f.split(|c: char| c == '|' || c.is_whitespace())) {
                if !word.is_empty() {
                    words.insert(normalize(word));
                }
            }
        }
    }
    words
});

const NUMBER_WORDS: &[&str] = &[
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
    "million",
    "billion",
];

/// The immutable words of `text`, lower-cased, in order.
///
/// ```
/// use unspin::mine::signature::immutable_words;
/// // "said", "troops", "left" and "January" are in the shipped tables.
/// let words = immutable_words("Soleimani said 3,500 troops left on 3 January.");
/// assert_eq!(words, ["soleimani", "3,500"]);
/// ```
pub fn immutable_words(text: &str) -> Vec<String> {
    let mutable = &*MUTABLE;
    tokenize(text)
        .into_iter()
        .filter_map(|t| {
            let word = &text[t.span.clone()];
            match t.kind {
                TokenKind::Number => (word.len() >= 2).then(|| word.to_string()),
                TokenKind::Word => {
                    let w = normalize(word);
                    let mutable = mutable.contains(&w)
                        || NUMBER_WORDS.contains(&w.as_str())
                        || w.bytes().any(|b| b.is_ascii_digit());
                    (!mutable).then_some(w)
                }
                _ => None,
            }
        })
        .collect()
}

/// A hash of `text` up to white space ([`Signature::digest`]).
pub fn digest(text: &str) -> u64 {
    fnv1a(
        text.split_whitespace()
            .flat_map(|w| w.bytes().chain([b' '])),
    )
}

/// FNV-1a, 64 bits: fixed across versions and platforms.
fn fnv1a(bytes: impl IntoIterator<Item = u8>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The SplitMix64 finaliser: a fixed, well-mixed 64-bit permutation.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Signature {
    /// The signature of `text`.
    ///
    /// ```
    /// use unspin::mine::signature::Signature;
    /// let original = "Qassem Soleimani was killed near Baghdad airport on Friday, \
    ///     the Pentagon said, in a strike ordered by Donald Trump.";
    /// let spun = "Qassem Soleimani was murdered close to Baghdad airport on Friday, \
    ///     the Pentagon mentioned, in a strike ordered by Donald Trump.";
    /// let other = "Markets in Tokyo closed lower on Friday as Nikkei futures slid.";
    /// let (o, s, x) = (Signature::of(original), Signature::of(spun), Signature::of(other));
    /// assert!(o.similarity(&s) > 0.8, "{}", o.similarity(&s));
    /// assert!(o.similarity(&x) < 0.2);
    /// ```
    pub fn of(text: &str) -> Signature {
        let words = immutable_words(text);
        let mut shingles: Vec<u64> = if words.len() < SHINGLE {
            // A short text is one shingle of what it has.
            (!words.is_empty())
                .then(|| fnv1a(words.join(" ").into_bytes()))
                .into_iter()
                .collect()
        } else {
            words
                .windows(SHINGLE)
                .map(|w| {
                    let joined = w.iter().flat_map(|s| s.bytes().chain([b' ']));
                    fnv1a(joined)
                })
                .collect()
        };
        shingles.sort_unstable();
        shingles.dedup();
        let mut minhash = [u32::MAX; HASHES];
        for &s in &shingles {
            for (k, slot) in minhash.iter_mut().enumerate() {
                let h = (mix(s ^ (k as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)) >> 32) as u32;
                *slot = (*slot).min(h);
            }
        }
        Signature {
            minhash,
            shingles: shingles.len() as u32,
            digest: digest(text),
            bytes: text.len() as u64,
        }
    }

    /// The estimated Jaccard similarity of the two documents' shingle sets:
    /// the share of hash functions whose minimum they share (0 when either
    /// has no shingle).
    pub fn similarity(&self, other: &Signature) -> f64 {
        if self.shingles == 0 || other.shingles == 0 {
            return 0.0;
        }
        let same = self
            .minhash
            .iter()
            .zip(&other.minhash)
            .filter(|(a, b)| a == b)
            .count();
        same as f64 / HASHES as f64
    }

    /// The LSH band keys: band `b`'s [`ROWS`] hashes hashed with `b`, so
    /// that two documents sharing a key in any band are candidates. Empty
    /// when the document has no shingle.
    pub fn bands(&self) -> Vec<u64> {
        (0..BANDS).filter_map(|b| self.band(b)).collect()
    }

    /// Band `b`'s key (see [`Signature::bands`]); `None` when the document
    /// has no shingle or `b` is not under [`BANDS`].
    pub fn band(&self, b: usize) -> Option<u64> {
        if self.shingles == 0 || b >= BANDS {
            return None;
        }
        let rows = &self.minhash[b * ROWS..(b + 1) * ROWS];
        let bytes = (b as u32)
            .to_le_bytes()
            .into_iter()
            .chain(rows.iter().flat_map(|r| r.to_le_bytes()));
        Some(fnv1a(bytes))
    }

    /// Whether the document is an exact duplicate of `other` (the same text
    /// up to white space), as far as the digests tell.
    pub fn same_text(&self, other: &Signature) -> bool {
        self.digest == other.digest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spinners_words_are_left_out() {
        // "war", "said", "lives", "cost" and "Iran" are in the shipped tables,
        // and so is "trump" (a card game's word): a spinner may rewrite them.
        let words = immutable_words("Trump said the war with Iran cost 1,200 lives in Khuzestan.");
        assert_eq!(words, ["1,200", "khuzestan"]);
    }

    #[test]
    fn signatures_are_fixed() {
        // Pinned: a change of hashing breaks signatures kept or made
        // elsewhere (the Python package in a Spark job), so it must be seen.
        let text = "Qassem Soleimani landed in Khuzestan on Friday night.";
        let s = Signature::of(text);
        assert_eq!(
            immutable_words(text),
            ["qassem", "soleimani", "khuzestan", "friday"]
        );
        assert_eq!(s.shingles, 2);
        assert_eq!(
            (s.minhash[0], s.minhash[63], s.digest),
            (2751703392, 550933156, 11184865672935331988)
        );
        let again = Signature::of("Qassem  Soleimani landed in\nKhuzestan on Friday night.");
        assert_eq!(s.minhash, again.minhash);
        assert!(s.same_text(&again));
        assert_eq!(s.bands().len(), BANDS);
        assert_eq!(s.similarity(&again), 1.0);
    }

    #[test]
    fn an_empty_text_matches_nothing() {
        let e = Signature::of("");
        assert_eq!(e.shingles, 0);
        assert!(e.bands().is_empty());
        assert_eq!(e.similarity(&e), 0.0);
    }
}
