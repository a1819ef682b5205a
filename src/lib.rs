//! unspin: find and restore text garbled by automatic article spinners.
//!
//! Scraper sites republish news after a "spinner" has swapped words and
//! phrases for context-blind synonyms ("war" -> "struggle", "Middle East" ->
//! "Center East", "one of" -> "one in all"). unspin finds these
//! substitutions with a dictionary of the spinner's forms, decides each with
//! a language model of clean English and the document's spin score, and
//! proposes the original wording.
//!
//! The pipeline, one module a step: [`tokenize`] -> [`dict`] (tables, fst, word trie) ->
//! [`model`] (language model) -> [`decide`](crate::Unspinner::analyze) ->
//! [`score`] -> [`restore`] -> [`diff`]. A document too large to hold whole
//! is read in [`window`]s. Many documents (files, directories, JSON Lines)
//! go through the [`batch`] engine. See ARCHITECTURE.md for the whole
//! walk.
//!
//! ```
//! use unspin::Unspinner;
//!
//! let unspinner = Unspinner::builder().build()?;
//! let analysis = unspinner.analyze("We took motion final night time to cease a struggle.");
//! for finding in analysis.restorations() {
//!     let c = finding.restored().unwrap();
//!     println!("{}:{}: {} -> {} ({:.2})", finding.line, finding.column, finding.spun, c.original, c.score);
//! }
//! println!("spin score {:.2}", analysis.score());
//! let restored = analysis.restore();
//! # Ok::<(), unspin::Error>(())
//! ```
#![warn(missing_docs)]
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod batch;
pub mod config;
mod decide;
pub mod detect;
pub mod dict;
pub mod diff;
pub mod error;
pub mod eval;
pub mod finding;
pub mod input;
pub mod jsonl;
pub mod learn;
mod lexicon;
mod meaning;
pub mod mine;
pub mod model;
pub mod numbers;
mod quotes;
mod rarity;
pub mod report;
pub mod restore;
mod reuse;
pub mod score;
mod settings;
pub mod thesaurus;
pub mod tokenize;
mod unspinner;
pub mod window;
pub mod windowed;

pub use error::{Error, Result};
pub use finding::{Candidate, Finding, Reason, Terms};
pub use settings::{DecisionMode, Settings, DEFAULT_THRESHOLD};
pub use unspinner::{Analysis, Builder, DocumentSummary, Unspinner};

/// A number no other call in this process returns (never 0), for telling
/// apart the dictionaries and models that thread-wide memos were filled from.
pub(crate) fn next_serial() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}
