//! Learning from a crawl: finding the spun copies and their originals among
//! ordinary documents, then mining them as [`crate::learn`] mines pairs.
//!
//! A crawl often holds both a scraper site's spun copy of a wire story and
//! the story itself (or a faithful copy of it). [`mine_corpus`] finds them
//! in two passes over the crawl, holding no text the pass does not need:
//!
//! 1. **Signatures** ([`sign`]): every document's [`Signature`], MinHash
//!    over shingles of the words spinners leave alone (see
//!    [`signature`]), in parallel; only the signatures and ids are kept.
//!    The band join ([`join::join`]) gives the candidate pairs.
//! 2. **Sides and alignment**: the crawl is read again for the texts of the
//!    candidates' documents only. Each is given its spin score by the
//!    [`Unspinner`], and each candidate its sides ([`fluency`]: the scores,
//!    and the language model's verdict on the words where the two differ);
//!    a candidate becomes a pair when exactly one side is spun
//!    ([`join::pair_up`]: two spun copies of one original are both spun, two
//!    outlets' reports of one event neither). The pairs are aligned and mined
//!    by [`crate::learn::mine`]; a pair whose alignment agrees on too few
//!    tokens ([`crate::learn::Options::min_agreement`]) is dropped.
//!
//! The documents are numbered in reading order, the same on both passes; a
//! document read again must be the one signed (its digest is checked), else
//! [`Error::Corpus`].
//!
//! The join can run elsewhere (a Spark job banding the signatures the
//! Python package makes): [`mine_joined`] takes its pairs of ids and runs
//! pass 2.

pub mod corpus;
pub mod fluency;
pub mod join;
pub mod signature;

use std::path::PathBuf;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::error::{Error, Result};
use crate::learn::{self, Learned, Pair, PairOutcome};
use crate::model::LanguageModel;
use crate::Unspinner;
use corpus::{Document, Fields};
use fluency::{Fluency, Side};
use join::{Candidate, Join, Paired, Pairing};
use signature::Signature;

/// How a crawl is mined.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Options {
    /// How signatures are joined into candidates.
    pub join: Join,
    /// How pairs are aligned and mined.
    pub learn: learn::Options,
}

/// Where a pass is, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Pass 1: documents and bytes read and signed so far.
    Signed {
        /// Documents.
        documents: u64,
        /// Bytes of text.
        bytes: u64,
    },
    /// Pass 2: documents read and scored so far, of those to read.
    Scored {
        /// Scored.
        done: u64,
        /// To score.
        of: u64,
    },
    /// Pass 2: the pairs kept are being aligned and mined.
    Aligning {
        /// Pairs.
        pairs: u64,
    },
}

/// The signatures of a crawl (pass 1).
#[derive(Debug, Default)]
pub struct Signed {
    /// The documents' ids, by number.
    pub ids: Vec<String>,
    /// Their signatures.
    pub signatures: Vec<Signature>,
    /// The files and lines that could not be read (skipped).
    pub faults: Vec<Error>,
}

/// A pair found, as `--found` writes it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Found {
    /// The spun copy's id.
    pub spun: String,
    /// The original's id.
    pub original: String,
    /// The signatures' estimated similarity (absent for a pair given by id).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f32>,
    /// The share of tokens the alignment keeps ([`learn::PairReport::agreement`]).
    pub agreement: f64,
    /// The spun copy's spin score (absent for a pair given with its sides).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spun_score: Option<f64>,
    /// The original's spin score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub original_score: Option<f64>,
    /// The share of the substitutions between the two where the spun copy
    /// reads worse to the language model ([`fluency`]; absent for a pair
    /// given with its sides).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spun_reads_worse: Option<f64>,
}

/// What mining a crawl found and learned.
#[derive(Debug)]
pub struct Mined {
    /// Documents read.
    pub documents: usize,
    /// Files and lines that could not be read, skipped.
    pub faults: Vec<Error>,
    /// Candidate pairs the join gave (or the pairs given).
    pub candidates: usize,
    /// Band keys too crowded to pair.
    pub crowded: usize,
    /// Why candidates are not pairs.
    pub pairing: Pairing,
    /// Pairs dropped at alignment: too few tokens agree.
    pub misaligned: usize,
    /// The pairs kept, aligned and mined.
    pub found: Vec<Found>,
    /// The table learned from them.
    pub learned: Learned,
}

/// Texts signed in one parallel batch, at most.
const BATCH_BYTES: usize = 16 << 20;

/// Pass 1: the signature of every document under `paths`, computed in
/// parallel batches; `progress` hears after each batch.
pub fn sign(paths: &[PathBuf], fields: &Fields, progress: &mut dyn FnMut(Progress)) -> Signed {
    let mut out = Signed::default();
    let (mut batch, mut held, mut bytes) = (Vec::new(), 0, 0u64);
    let flush = |batch: &mut Vec<Document>, out: &mut Signed| {
        let sigs: Vec<Signature> = batch.par_iter().map(|d| Signature::of(&d.text)).collect();
        out.signatures.extend(sigs);
        out.ids.extend(batch.drain(..).map(|d| d.id));
    };
    let mut faults = Vec::new();
    corpus::read(
        paths,
        fields,
        |d| {
            held += d.text.len();
            bytes += d.text.len() as u64;
            batch.push(d);
            if held >= BATCH_BYTES {
                flush(&mut batch, &mut out);
                held = 0;
                progress(Progress::Signed {
                    documents: out.ids.len() as u64,
                    bytes,
                });
            }
            true
        },
        |e| faults.push(e),
    );
    flush(&mut batch, &mut out);
    progress(Progress::Signed {
        documents: out.ids.len() as u64,
        bytes,
    });
    out.faults = faults;
    out
}

/// Reads the documents of `wanted` (by number) in batches of about
/// [`BATCH_BYTES`], checking each against its digest, and hands each batch
/// to `batch`.
fn read_wanted(
    paths: &[PathBuf],
    fields: &Fields,
    wanted: &FxHashMap<u32, u64>,
    mut batch: impl FnMut(Vec<(u32, Document)>),
) -> Result<()> {
    let (mut held, mut bytes, mut number) = (Vec::new(), 0, 0u32);
    let mut changed = None;
    corpus::read(
        paths,
        fields,
        |d| {
            let n = number;
            number += 1;
            if let Some(&digest) = wanted.get(&n) {
                if signature::digest(&d.text) != digest {
                    changed = Some(d.id);
                    return false;
                }
                bytes += d.text.len();
                held.push((n, d));
                if bytes >= BATCH_BYTES {
                    batch(std::mem::take(&mut held));
                    bytes = 0;
                }
            }
            true
        },
        // Reported on the first pass.
        |_| {},
    );
    if let Some(id) = changed {
        return Err(Error::Corpus {
            path: id.into(),
            message: "changed since the crawl was first read".into(),
        });
    }
    batch(held);
    Ok(())
}

/// The texts of the documents of `wanted` (by number, with their digests)
/// and their spin scores, scored in parallel.
pub fn read_and_score(
    paths: &[PathBuf],
    fields: &Fields,
    wanted: &FxHashMap<u32, u64>,
    unspinner: &Unspinner,
    progress: &mut dyn FnMut(Progress),
) -> Result<FxHashMap<u32, (Document, f64)>> {
    let mut out = FxHashMap::default();
    let of = wanted.len() as u64;
    read_wanted(paths, fields, wanted, |batch| {
        let scored: Vec<(u32, (Document, f64))> = batch
            .into_par_iter()
            .map(|(n, d)| {
                let score = unspinner.analyze(&d.text).score();
                (n, (d, score))
            })
            .collect();
        out.extend(scored);
        progress(Progress::Scored {
            done: out.len() as u64,
            of,
        });
    })?;
    Ok(out)
}

/// Mines the crawl under `paths`: the three passes of the [module
/// documentation](self).
pub fn mine_corpus(
    paths: &[PathBuf],
    fields: &Fields,
    unspinner: &Unspinner,
    options: &Options,
    progress: &mut dyn FnMut(Progress),
) -> Result<Mined> {
    let signed = sign(paths, fields, progress);
    let joined = join::join(&signed.signatures, &options.join);
    let digests: Vec<u64> = signed.signatures.iter().map(|s| s.digest).collect();
    let similarity: Vec<Candidate> = joined.candidates;
    let mut mined = finish(
        paths,
        fields,
        &similarity,
        &[],
        &digests,
        &signed.ids,
        unspinner,
        options,
        progress,
    )?;
    mined.documents = signed.ids.len();
    mined.faults = signed.faults;
    mined.crowded = joined.crowded;
    Ok(mined)
}

/// Pass 2 over the candidates, with pairs whose sides are given.
#[allow(clippy::too_many_arguments)]
fn finish(
    paths: &[PathBuf],
    fields: &Fields,
    candidates: &[Candidate],
    sided: &[Paired],
    digests: &[u64],
    ids: &[String],
    unspinner: &Unspinner,
    options: &Options,
    progress: &mut dyn FnMut(Progress),
) -> Result<Mined> {
    let wanted: FxHashMap<u32, u64> = candidates
        .iter()
        .flat_map(|c| [c.a, c.b])
        .chain(sided.iter().flat_map(|p| [p.spun, p.original]))
        .map(|n| (n, digests[n as usize]))
        .collect();
    let docs = read_and_score(paths, fields, &wanted, unspinner, progress)?;
    if let Some(n) = wanted.keys().find(|n| !docs.contains_key(n)) {
        return Err(Error::Corpus {
            path: ids[*n as usize].clone().into(),
            message: "no longer in the crawl on the second reading".into(),
        });
    }
    let model = LanguageModel::shipped();
    let threshold = unspinner.settings().threshold;
    let judged: Vec<(Side, Fluency)> = candidates
        .par_iter()
        .map(|c| {
            let ((a, sa), (b, sb)) = (&docs[&c.a], &docs[&c.b]);
            if digests[c.a as usize] == digests[c.b as usize] {
                return (Side::Neither, Fluency::default());
            }
            let f = fluency::compare(&a.text, &b.text, model);
            (f.side(*sa, *sb, threshold), f)
        })
        .collect();
    let sides: Vec<Side> = judged.iter().map(|(s, _)| *s).collect();
    let lean: FxHashMap<(u32, u32), f64> = candidates
        .iter()
        .zip(&judged)
        .map(|(c, (_, f))| ((c.a, c.b), f.lean()))
        .collect();
    let pairing = join::pair_up(candidates, &sides, digests);
    let mut all = pairing.pairs.clone();
    all.extend(sided);
    let pairs: Vec<Pair> = all
        .iter()
        .map(|p| Pair {
            id: docs[&p.spun].0.id.clone(),
            spun: docs[&p.spun].0.text.clone(),
            original: docs[&p.original].0.text.clone(),
        })
        .collect();
    progress(Progress::Aligning {
        pairs: pairs.len() as u64,
    });
    let learned = learn::mine(&pairs, &options.learn);
    let mut found = Vec::new();
    let mut misaligned = 0;
    for ((p, report), paired) in pairs.iter().zip(&learned.pairs).zip(&all) {
        if !matches!(report.outcome, PairOutcome::Aligned { .. }) {
            misaligned += 1;
            continue;
        }
        let key = (
            paired.spun.min(paired.original),
            paired.spun.max(paired.original),
        );
        let spun_reads_worse = lean
            .get(&key)
            .map(|&l| if key.0 == paired.spun { l } else { 1.0 - l });
        found.push(Found {
            spun: p.id.clone(),
            original: ids[paired.original as usize].clone(),
            similarity: (!paired.similarity.is_nan()).then_some(paired.similarity),
            agreement: report.agreement,
            spun_score: Some(docs[&paired.spun].1),
            original_score: Some(docs[&paired.original].1),
            spun_reads_worse,
        });
    }
    Ok(Mined {
        documents: digests.len(),
        faults: Vec::new(),
        candidates: candidates.len() + sided.len(),
        crowded: 0,
        pairing,
        misaligned,
        found,
        learned,
    })
}

/// A pair of documents given by id, from a join done elsewhere.
#[derive(Debug, Clone, PartialEq)]
pub struct Joined {
    /// One document's id (the spun copy's, when `sided`).
    pub a: String,
    /// The other's (the original's, when `sided`).
    pub b: String,
    /// Their similarity, when known.
    pub similarity: Option<f32>,
    /// Whether the sides are given (`a` spun, `b` original) rather than to
    /// be decided by spin score.
    pub sided: bool,
}

/// Mines the pairs of `joined` from the crawl under `paths`: their documents
/// are found by id (the first of an id; an id the crawl does not hold is an
/// error), the sides of an unsided pair decided by spin score as
/// [`join::pair_up`] does, then passes 2 and 3 as [`mine_corpus`].
pub fn mine_joined(
    paths: &[PathBuf],
    fields: &Fields,
    joined: &[Joined],
    unspinner: &Unspinner,
    options: &Options,
    progress: &mut dyn FnMut(Progress),
) -> Result<Mined> {
    let names: FxHashSet<&str> = joined
        .iter()
        .flat_map(|j| [j.a.as_str(), j.b.as_str()])
        .collect();
    // Pass 1 keeps the numbers and digests of the named documents only.
    let (mut numbers, mut digests, mut ids) = (FxHashMap::default(), Vec::new(), Vec::new());
    let mut faults = Vec::new();
    corpus::read(
        paths,
        fields,
        |d| {
            let n = digests.len() as u32;
            let named = names.contains(d.id.as_str()) && !numbers.contains_key(&d.id);
            digests.push(if named { signature::digest(&d.text) } else { 0 });
            if named {
                numbers.insert(d.id.clone(), n);
            }
            ids.push(if named { d.id } else { String::new() });
            true
        },
        |e| faults.push(e),
    );
    progress(Progress::Signed {
        documents: digests.len() as u64,
        bytes: 0,
    });
    let number = |id: &str| {
        numbers.get(id).copied().ok_or_else(|| Error::Corpus {
            path: id.into(),
            message: "no such document in the crawl".into(),
        })
    };
    let (mut sided, mut unsided) = (Vec::new(), Vec::new());
    for j in joined {
        let (a, b) = (number(&j.a)?, number(&j.b)?);
        let similarity = j.similarity.unwrap_or(f32::NAN);
        if j.sided {
            sided.push(Paired {
                spun: a,
                original: b,
                similarity,
            });
        } else {
            unsided.push(Candidate {
                a: a.min(b),
                b: a.max(b),
                similarity,
            });
        }
    }
    let mut mined = finish(
        paths, fields, &unsided, &sided, &digests, &ids, unspinner, options, progress,
    )?;
    mined.faults = faults;
    Ok(mined)
}

/// Reads the pairs of a join done elsewhere, as JSON Lines: one object a
/// line, either `{"spun": ID, "original": ID}` (sides given, as `--found`
/// writes them) or `{"a": ID, "b": ID}` (sides to decide), with an optional
/// `"similarity"` number; an id is a string or a number (taken as written).
/// Blank lines are skipped; `path` names the input in errors, which name
/// the line ([`Error::JsonLine`]).
///
/// ```
/// use unspin::mine::parse_joined;
///
/// let text = "{\"a\":\"x\",\"b\":7,\"similarity\":0.8}\n\n{\"spun\":\"s\",\"original\":\"o\"}\n{\"a\":1}\n";
/// let err = parse_joined(text.as_bytes(), "j.jsonl").unwrap_err();
/// assert_eq!(err.to_string(), "j.jsonl:4: no string field \"spun\" and \"original\", or \"a\" and \"b\"");
/// let two: String = text.lines().take(3).collect::<Vec<_>>().join("\n");
/// let joined = parse_joined(two.as_bytes(), "j.jsonl").unwrap();
/// assert_eq!((joined[0].b.as_str(), joined[0].similarity, joined[0].sided), ("7", Some(0.8), false));
/// assert_eq!((joined[1].a.as_str(), joined[1].b.as_str(), joined[1].sided), ("s", "o", true));
/// ```
pub fn parse_joined(
    reader: impl std::io::BufRead,
    path: impl AsRef<std::path::Path>,
) -> Result<Vec<Joined>> {
    use crate::jsonl::LineError;
    use serde_json::Value;
    let path = path.as_ref();
    let id = |v: Option<&Value>| match v {
        Some(Value::String(s)) => Some(s.clone()),
        Some(v @ Value::Number(_)) => Some(v.to_string()),
        _ => None,
    };
    let mut out = Vec::new();
    for (k, line) in reader.split(b'\n').enumerate() {
        let line_no = k + 1;
        let line = line.map_err(|e| Error::io(path, e))?;
        let body = line.strip_suffix(b"\r").unwrap_or(&line);
        if crate::jsonl::is_blank(body) {
            continue;
        }
        let value: Value = serde_json::from_slice(body).map_err(|e| {
            LineError::Malformed {
                what: "not JSON",
                column: e.column(),
            }
            .at(path, line_no)
        })?;
        let Value::Object(o) = value else {
            return Err(LineError::NotAnObject.at(path, line_no));
        };
        let similarity = o
            .get("similarity")
            .and_then(Value::as_f64)
            .map(|s| s as f32);
        let (a, b, sided) = match (id(o.get("spun")), id(o.get("original"))) {
            (Some(a), Some(b)) => (a, b, true),
            _ => match (id(o.get("a")), id(o.get("b"))) {
                (Some(a), Some(b)) => (a, b, false),
                _ => {
                    return Err(LineError::NoTextField {
                        field: "spun\" and \"original\", or \"a\" and \"b".into(),
                    }
                    .at(path, line_no))
                }
            },
        };
        out.push(Joined {
            a,
            b,
            similarity,
            sided,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crawl_changed_between_the_passes_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
        std::fs::write(&a, "Qassem Soleimani landed in Khuzestan.").unwrap();
        std::fs::write(&b, "Muhandis met Kataib leaders in Ahvaz.").unwrap();
        let paths = [dir.path().to_path_buf()];
        let signed = sign(&paths, &Fields::default(), &mut |_| {});
        assert_eq!(signed.ids.len(), 2);
        let wanted: FxHashMap<u32, u64> = [(1, signed.signatures[1].digest)].into_iter().collect();
        let u = Unspinner::builder().build().unwrap();
        let read = read_and_score(&paths, &Fields::default(), &wanted, &u, &mut |_| {}).unwrap();
        assert_eq!(read[&1].0.id, b.display().to_string());
        std::fs::write(&b, "Another text altogether.").unwrap();
        let err = read_and_score(&paths, &Fields::default(), &wanted, &u, &mut |_| {}).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{}: changed since the crawl was first read", b.display())
        );
    }
}
