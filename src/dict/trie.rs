//! The word trie the matcher walks, and the inner phrases derived from framed
//! ones.

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use crate::meaning;

use super::{DictEntry, Proposal, TableKind};

/// Articles and prepositions a spinner's phrase may carry along unchanged.
const FRAME_WORDS: [&str; 14] = [
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "with", "by", "from", "into", "as",
];

/// Adds the inner phrase of every spinner phrase framed by an article or
/// preposition that all its candidates share (`a detailed ally` -> `a close
/// ally` gives `detailed ally` -> `close ally`), where the inner phrase has
/// two words or more and is not an entry already: the spinner rewrote the
/// words inside, and the text may frame them otherwise ("his detailed
/// ally"). An inner phrase with fewer than two words besides articles and
/// prepositions is left out: without its frame it is far more often the
/// author's.
pub(super) fn derive_inner_phrases(entries: &mut Vec<DictEntry>, index: &FxHashMap<String, usize>) {
    let mut derived: HashMap<String, DictEntry> = HashMap::new();
    for e in entries.iter().filter(|e| e.spinner && e.words >= 3) {
        let words: Vec<&str> = e.spun.split(' ').collect();
        let frames = [(words[0], true), (words[words.len() - 1], false)];
        for (frame, leading) in frames {
            if !FRAME_WORDS.contains(&frame) {
                continue;
            }
            let strip = |phrase: &str| -> Option<String> {
                let lower = phrase.to_lowercase();
                let inner = match leading {
                    true => lower.strip_prefix(frame)?.strip_prefix(' ')?,
                    false => lower.strip_suffix(frame)?.strip_suffix(' ')?,
                };
                // Keep the candidate's own case: only the frame goes.
                let cut = phrase.len() - inner.len();
                Some(match leading {
                    true => phrase[cut..].to_string(),
                    false => phrase[..phrase.len() - cut].to_string(),
                })
            };
            let Some(spun) = strip(&e.spun) else { continue };
            let content = spun.split(' ').filter(|w| !FRAME_WORDS.contains(w)).count();
            if content < 2 {
                continue;
            }
            let spinner_candidates = e.candidates.iter().filter(|p| p.kind == TableKind::Spinner);
            let inner: Option<Vec<Proposal>> = spinner_candidates
                .map(|p| {
                    strip(&p.original).map(|original| Proposal {
                        change: meaning::change(&spun, &original),
                        original,
                        ..p.clone()
                    })
                })
                .collect();
            let Some(candidates) = inner else { continue };
            if index.contains_key(&spun) || candidates.iter().any(|p| p.original == spun) {
                continue;
            }
            derived.entry(spun.clone()).or_insert_with(|| DictEntry {
                words: spun.split(' ').count(),
                spun,
                weight: e.weight,
                spinner: true,
                builtin: e.builtin,
                standing: e.standing,
                per_occurrence: e.per_occurrence,
                candidates,
            });
        }
    }
    entries.extend(derived.into_values());
}

/// The spun forms as a trie over whole words.
///
/// Scanning text asks at every word whether a form starts there and how far
/// it goes; walking an fst byte by byte (as this did once) decodes a node
/// per byte, which cost more than the rest of the analysis of clean text.
/// Here each word costs two hash lookups, and most words of a text are in no
/// form at all.
#[derive(Default)]
pub(super) struct WordTrie {
    /// Each word of a spun form, with its id.
    pub(super) ids: FxHashMap<Box<str>, u32>,
    /// The child of a node by a word: `node << 32 | word id`.
    children: FxHashMap<u64, u32>,
    /// At each node (0 is the root): the entry ending there, if any, and
    /// whether longer forms go on from it.
    pub(super) nodes: Vec<(Option<u32>, bool)>,
}

impl WordTrie {
    pub(super) fn new(entries: &[DictEntry]) -> WordTrie {
        let mut trie = WordTrie {
            nodes: vec![(None, false)],
            ..WordTrie::default()
        };
        for (i, e) in entries.iter().enumerate() {
            let mut node = 0u32;
            for w in e.spun.split(' ') {
                let next_id = trie.ids.len() as u32;
                let id = *trie.ids.entry(w.into()).or_insert(next_id);
                let next_node = trie.nodes.len() as u32;
                trie.nodes[node as usize].1 = true;
                node = *trie
                    .children
                    .entry(u64::from(node) << 32 | u64::from(id))
                    .or_insert(next_node);
                if node == next_node {
                    trie.nodes.push((None, false));
                }
            }
            trie.nodes[node as usize].0 = Some(i as u32);
        }
        trie
    }

    /// The node reached from `node` by the word with id `id`.
    pub(super) fn step(&self, node: u32, id: u32) -> Option<u32> {
        self.children
            .get(&(u64::from(node) << 32 | u64::from(id)))
            .copied()
    }
}
