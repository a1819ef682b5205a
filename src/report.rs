//! Serializable reports of an analysis, the records of `--format json` and
//! `--jsonl` output.
//!
//! A [`FindingRecord`] flattens a [`Finding`] for consumers: the chosen
//! original (or `null`), its score, and every candidate with its terms.
//!
//! ```
//! let u = unspin::Unspinner::builder().build().unwrap();
//! let a = u.analyze("one in all");
//! let r = unspin::report::DocumentRecord::new(&a);
//! let json = serde_json::to_value(&r).unwrap();
//! assert_eq!(json["findings"][0]["spun"], "one in all");
//! ```

pub mod html;

use serde::Serialize;

use crate::finding::{Candidate, Finding, Reason};
pub use crate::score::round4;
use crate::unspinner::Analysis;

/// One finding as reported.
#[derive(Debug, Clone, Serialize)]
pub struct FindingRecord<'a> {
    /// Byte range `[start, end)` of the spun form.
    pub span: (usize, usize),
    /// 1-based line.
    pub line: usize,
    /// 1-based column in characters.
    pub column: usize,
    /// The spun form as written.
    pub spun: &'a str,
    /// The restoration proposed, or `None` when the text is kept.
    pub original: Option<&'a str>,
    /// Probability of the decision taken (the restoration, or keeping).
    pub score: f64,
    /// Probability that the text is right as written.
    pub keep: f64,
    /// Why it is restored or kept (`restored`, `context`,
    /// `clean-document`, `other-spinner`, `unsure`, `quoted-speech`, `line-break`).
    pub reason: Reason,
    /// All candidates, best first.
    pub candidates: &'a [Candidate],
}

impl<'a> FindingRecord<'a> {
    /// The record of a finding.
    pub fn new(f: &'a Finding) -> Self {
        let restored = f.restored();
        FindingRecord {
            span: (f.span.start, f.span.end),
            line: f.line,
            column: f.column,
            spun: &f.spun,
            original: restored.map(|c| c.original.as_str()),
            score: restored.map_or(f.keep, |c| c.score),
            keep: f.keep,
            reason: f.reason,
            candidates: &f.candidates,
        }
    }
}

/// A document's summary and findings.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentRecord<'a> {
    /// The document spin score in [0, 1].
    pub score: f64,
    /// Whether the score reaches the threshold.
    pub spun: bool,
    /// Words in the document.
    pub words: usize,
    /// Number of restorations proposed.
    pub restorations: usize,
    /// The findings (restored and kept), in text order.
    pub findings: Vec<FindingRecord<'a>>,
}

impl<'a> DocumentRecord<'a> {
    /// The record of an analysis.
    pub fn new(a: &'a Analysis<'_>) -> Self {
        DocumentRecord::from_parts(a.score(), a.is_spun(), a.words(), a.findings())
    }

    /// The record of an analysis kept as its parts (the score unrounded),
    /// for a caller that no longer holds the [`Analysis`], such as the
    /// Python package.
    pub fn from_parts(score: f64, spun: bool, words: usize, findings: &'a [Finding]) -> Self {
        DocumentRecord {
            score: round4(score),
            spun,
            words,
            restorations: findings.iter().filter(|f| f.restoration.is_some()).count(),
            findings: findings.iter().map(FindingRecord::new).collect(),
        }
    }
}
