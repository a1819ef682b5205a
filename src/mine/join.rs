//! The band join of signatures into candidate pairs, and the pairing of
//! candidates into (spun copy, original) pairs.
//!
//! The join sorts each band's keys with the document numbers and pairs the
//! documents of every run of equal keys: memory is one band at a time (12
//! bytes a document) besides the signatures, and bands run in parallel. A
//! run longer than [`Join::max_bucket`] is boilerplate shared by many pages
//! (a footer, an empty template), not a copy: it is left out and counted.
//!
//! [`pair_up`] then sorts the candidates, their sides decided, into pairs
//! (see [`Pairing`]).

use rayon::prelude::*;

use super::fluency::Side;
use super::signature::{Signature, BANDS};

/// Two documents (by number in reading order) found alike.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// The first document (the lower number).
    pub a: u32,
    /// The second document.
    pub b: u32,
    /// Their estimated Jaccard similarity ([`Signature::similarity`]).
    pub similarity: f32,
}

/// How signatures are joined.
#[derive(Debug, Clone, PartialEq)]
pub struct Join {
    /// The least estimated similarity a candidate must have (default 0.3:
    /// on the synthetic crawls of `scripts/bench_mine.py` a spun copy keeps
    /// 0.37 to 0.9 of its original's shingles, another outlet's report
    /// sharing its quotes mostly 0.2 to 0.3; what passes is judged again by
    /// its sides and its alignment).
    pub min_similarity: f64,
    /// The most documents sharing one band key that are paired (default
    /// 50).
    pub max_bucket: usize,
}

impl Default for Join {
    fn default() -> Self {
        Join {
            min_similarity: 0.3,
            max_bucket: 50,
        }
    }
}

/// What the join found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Joined {
    /// The candidates, by `(a, b)`.
    pub candidates: Vec<Candidate>,
    /// Band keys shared by more than [`Join::max_bucket`] documents.
    pub crowded: usize,
}

/// The candidate pairs among `signatures` (see the [module
/// documentation](self)).
///
/// ```
/// use unspin::mine::join::{join, Join};
/// use unspin::mine::signature::Signature;
///
/// let texts = [
///     "Qassem Soleimani was killed near Baghdad airport on Friday, the Pentagon said.",
///     "Markets in Tokyo closed lower on Friday as Nikkei futures slid.",
///     "Qassem Soleimani was murdered close to Baghdad airport on Friday, the Pentagon mentioned.",
/// ];
/// let sigs: Vec<Signature> = texts.iter().map(|t| Signature::of(t)).collect();
/// let joined = join(&sigs, &Join::default());
/// assert_eq!(joined.candidates.len(), 1);
/// assert_eq!((joined.candidates[0].a, joined.candidates[0].b), (0, 2));
/// ```
pub fn join(signatures: &[Signature], options: &Join) -> Joined {
    let per_band: Vec<(Vec<(u32, u32)>, usize)> = (0..BANDS)
        .into_par_iter()
        .map(|band| {
            let mut keys: Vec<(u64, u32)> = signatures
                .iter()
                .enumerate()
                .filter_map(|(i, s)| s.band(band).map(|k| (k, i as u32)))
                .collect();
            keys.sort_unstable();
            let (mut pairs, mut crowded) = (Vec::new(), 0);
            for run in keys.chunk_by(|x, y| x.0 == y.0) {
                if run.len() > options.max_bucket {
                    crowded += 1;
                    continue;
                }
                for (k, &(_, a)) in run.iter().enumerate() {
                    for &(_, b) in &run[k + 1..] {
                        pairs.push((a, b));
                    }
                }
            }
            (pairs, crowded)
        })
        .collect();
    let crowded = per_band.iter().map(|(_, c)| c).sum();
    let mut pairs: Vec<(u32, u32)> = per_band.into_iter().flat_map(|(p, _)| p).collect();
    pairs.par_sort_unstable();
    pairs.dedup();
    let candidates = pairs
        .into_par_iter()
        .filter_map(|(a, b)| {
            let similarity = signatures[a as usize].similarity(&signatures[b as usize]);
            (similarity >= options.min_similarity).then_some(Candidate {
                a,
                b,
                similarity: similarity as f32,
            })
        })
        .collect();
    Joined {
        candidates,
        crowded,
    }
}

/// A pair found: the spun copy and its original, by document number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Paired {
    /// The spun copy.
    pub spun: u32,
    /// Its original.
    pub original: u32,
    /// Their estimated similarity.
    pub similarity: f32,
}

/// The candidates sorted into pairs and the reasons the others are not.
///
/// Of a candidate, exactly one side must be spun ([`Side`], decided by
/// [`super::fluency`]): two spun copies of one original are not a pair (both
/// spun), nor are two clean reports (neither spun). Exact duplicates (the
/// same text up to white space) are one document, the first read; the
/// others are counted and left out. A spun copy alike to several clean
/// documents (its original and faithful copies of it) is paired with the
/// most alike (then the first read); an original with several spun copies
/// is paired with each.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Pairing {
    /// The pairs, by spun copy.
    pub pairs: Vec<Paired>,
    /// Documents left out as exact duplicates of one read before.
    pub duplicates: usize,
    /// Candidates whose both sides are spun.
    pub both_spun: usize,
    /// Candidates whose neither side is spun.
    pub neither_spun: usize,
}

/// Pairs the `candidates` given which side of each is spun (`sides`, by
/// candidate) and each document's digest (for exact duplicates); see
/// [`Pairing`].
///
/// ```
/// use unspin::mine::fluency::Side;
/// use unspin::mine::join::{pair_up, Candidate};
///
/// let c = |a, b, similarity| Candidate { a, b, similarity };
/// // 0 and 1 clean, 2 and 3 spun copies of 0, 1 another outlet.
/// let candidates = [c(0, 1, 0.5), c(0, 2, 0.8), c(0, 3, 0.7), c(1, 2, 0.45), c(2, 3, 0.6)];
/// let sides = [Side::Neither, Side::B, Side::B, Side::B, Side::Both];
/// let p = pair_up(&candidates, &sides, &[1, 2, 3, 4]);
/// let pairs: Vec<(u32, u32)> = p.pairs.iter().map(|p| (p.spun, p.original)).collect();
/// assert_eq!(pairs, [(2, 0), (3, 0)]);
/// assert_eq!((p.both_spun, p.neither_spun, p.duplicates), (1, 1, 0));
/// ```
pub fn pair_up(candidates: &[Candidate], sides: &[Side], digests: &[u64]) -> Pairing {
    let mut out = Pairing::default();
    let mut duplicate: rustc_hash::FxHashSet<u32> = Default::default();
    let mut by_digest: rustc_hash::FxHashMap<u64, u32> = Default::default();
    let mut docs: Vec<u32> = candidates.iter().flat_map(|c| [c.a, c.b]).collect();
    docs.sort_unstable();
    docs.dedup();
    for &d in &docs {
        if *by_digest.entry(digests[d as usize]).or_insert(d) != d {
            duplicate.insert(d);
            out.duplicates += 1;
        }
    }
    let mut best: rustc_hash::FxHashMap<u32, Paired> = Default::default();
    for (c, side) in candidates.iter().zip(sides) {
        if duplicate.contains(&c.a) || duplicate.contains(&c.b) {
            continue;
        }
        let (spun, original) = match side {
            Side::Both => {
                out.both_spun += 1;
                continue;
            }
            Side::Neither => {
                out.neither_spun += 1;
                continue;
            }
            Side::A => (c.a, c.b),
            Side::B => (c.b, c.a),
        };
        let candidate = Paired {
            spun,
            original,
            similarity: c.similarity,
        };
        best.entry(spun)
            .and_modify(|p| {
                let better = (c.similarity, std::cmp::Reverse(original))
                    > (p.similarity, std::cmp::Reverse(p.original));
                if better {
                    *p = candidate;
                }
            })
            .or_insert(candidate);
    }
    out.pairs = best.into_values().collect();
    out.pairs.sort_by_key(|p| p.spun);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_duplicates_are_one_document() {
        let c = |a, b| Candidate {
            a,
            b,
            similarity: 1.0,
        };
        // 1 is 0 again; 2 a spun copy of 0 (and of 1).
        let p = pair_up(
            &[c(0, 1), c(0, 2), c(1, 2)],
            &[Side::Neither, Side::B, Side::B],
            &[7, 7, 9],
        );
        assert_eq!(p.duplicates, 1);
        assert_eq!(p.pairs.len(), 1);
        assert_eq!((p.pairs[0].spun, p.pairs[0].original), (2, 0));
    }

    #[test]
    fn crowded_keys_are_left_out() {
        let same = Signature::of("Qassem Soleimani Khuzestan Muhandis Kataib Ahvaz Shatt Basra");
        let sigs = vec![same; 4];
        let crowded = join(
            &sigs,
            &Join {
                max_bucket: 3,
                ..Join::default()
            },
        );
        assert!(crowded.candidates.is_empty());
        assert_eq!(crowded.crowded, BANDS);
        let all = join(&sigs, &Join::default());
        assert_eq!(all.candidates.len(), 6);
    }
}
