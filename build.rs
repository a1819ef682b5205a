//! Builds the n-gram index of the shipped language model (see
//! `src/model/index.rs`) into `OUT_DIR`, where `src/model/mod.rs` embeds it,
//! and what start-up would otherwise make from the same files each run: the
//! model's vocabulary index (`src/model/vocab.rs`) and the detector's rarity
//! map in the model's word ids (`src/rarity.rs`).
//!
//! The index is derived data: the repository keeps only the model file, and
//! the index (48 MB of hash tables, which would not compress) is made here
//! in about two seconds (one in a release build).

#[allow(dead_code)]
#[path = "src/model/index.rs"]
mod index;

#[allow(dead_code)]
#[path = "src/model/vocab.rs"]
mod vocab;

#[allow(dead_code)]
#[path = "src/rarity.rs"]
mod rarity;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

const MODEL: &str = "model/en-us.unspin-lm.bin";
const RARITY: &str = "dictionaries/rarity.tsv";
/// Offset of the model file's section table, and the header fields read
/// (see the format in `src/model/mod.rs`).
const SECTION_TABLE: usize = 100;

fn main() {
    println!("cargo:rerun-if-changed={MODEL}");
    println!("cargo:rerun-if-changed=src/model/index.rs");
    println!("cargo:rerun-if-changed=src/model/vocab.rs");
    println!("cargo:rerun-if-changed=src/rarity.rs");
    println!("cargo:rerun-if-changed={RARITY}");
    println!("cargo:rerun-if-changed=build.rs");
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let bytes = std::fs::read(root.join(MODEL)).unwrap_or_else(|e| panic!("{MODEL}: {e}"));
    let index = build(&bytes).unwrap_or_else(|e| panic!("{MODEL}: {e}"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let path = out.join("en-us.unspin-index.bin");
    std::fs::write(&path, index.to_bytes()).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let words = words(&bytes).unwrap_or_else(|e| panic!("{MODEL}: {e}"));
    let n_words = words.len() as u32;
    let vocab = vocab::build(n_words, |id| words.get(id as usize).copied());
    write_u32s(
        &out.join("en-us.unspin-vocab.bin"),
        &vocab::to_words(n_words, &vocab),
    );
    // The lowest id of a word, as the vocabulary index finds it.
    let mut ids: HashMap<&[u8], u32> = HashMap::new();
    for (id, w) in words.iter().enumerate() {
        ids.entry(w).or_insert(id as u32);
    }
    let text =
        std::fs::read_to_string(root.join(RARITY)).unwrap_or_else(|e| panic!("{RARITY}: {e}"));
    let map = rarity::Map::parse(&text, n_words, |w| ids.get(w.as_bytes()).copied());
    write_u32s(&out.join("rarity.bin"), &map.to_words());
}

fn write_u32s(path: &Path, words: &[u32]) {
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// The model's words, by id (sections 14 and 15: offsets and bytes).
fn words(b: &[u8]) -> Result<Vec<&[u8]>, String> {
    let u32_at = |at: usize| -> Result<usize, String> {
        b.get(at..at + 4)
            .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
            .ok_or_else(|| format!("truncated at byte {at}"))
    };
    let n_words = u32_at(20)?;
    let section = |i: usize| -> Result<&[u8], String> {
        let off = u32_at(SECTION_TABLE + 8 * i)?;
        let len = u32_at(SECTION_TABLE + 8 * i + 4)?;
        b.get(off..off + len)
            .ok_or_else(|| format!("section {i} out of bounds"))
    };
    let (offsets, bytes) = (section(14)?, section(15)?);
    (0..n_words)
        .map(|id| {
            let at = |i: usize| -> Result<usize, String> {
                offsets
                    .get(4 * i..4 * i + 4)
                    .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
                    .ok_or_else(|| format!("word {i} has no offset"))
            };
            let (start, end) = (at(id)?, at(id + 1)?);
            bytes
                .get(start..end)
                .ok_or_else(|| format!("word {id} out of bounds"))
        })
        .collect()
}

fn build(b: &[u8]) -> Result<index::Index, String> {
    let u32_at = |at: usize| -> Result<u32, String> {
        b.get(at..at + 4)
            .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
            .ok_or_else(|| format!("truncated at byte {at}"))
    };
    if b.get(..8) != Some(b"UNSPINLM") || u32_at(8)? != 1 {
        return Err("not an unspin language model of format version 1".into());
    }
    let section = |i: usize| -> Result<&[u8], String> {
        let off = u32_at(SECTION_TABLE + 8 * i)? as usize;
        let len = u32_at(SECTION_TABLE + 8 * i + 4)? as usize;
        b.get(off..off + len)
            .ok_or_else(|| format!("section {i} out of bounds"))
    };
    let u32s = |i: usize| -> Result<Vec<u32>, String> {
        Ok(section(i)?
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]).to_le())
            .collect())
    };
    let (uni_next, bi_entries, bi_tri_rank, tri_next, tri_entries) =
        (u32s(5)?, u32s(6)?, u32s(10)?, u32s(11)?, u32s(12)?);
    let bi_backoff: Vec<u16> = section(7)?
        .chunks_exact(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]).to_le())
        .collect();
    let bi_has_tri: Vec<u64> = section(9)?
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap_or_default()).to_le())
        .collect();
    let trie = index::Trie {
        n_words: u32_at(20)?,
        prob_bits: 32u32.saturating_sub(u32_at(32)?),
        uni_next: &uni_next,
        bi_entries: &bi_entries,
        bi_backoff: &bi_backoff,
        bi_has_tri: &bi_has_tri,
        bi_tri_rank: &bi_tri_rank,
        tri_next: &tri_next,
        tri_entries: &tri_entries,
    };
    index::Index::build(&trie)
}
