//! What an analysis reports: findings, each with its candidates and the
//! restoration chosen, if any.

use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

/// One place where the text holds a form the dictionary (or a number rule)
/// knows as spinner output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Byte range of the spun form in the analysed text.
    #[serde(serialize_with = "span_as_pair")]
    pub span: Range<usize>,
    /// 1-based line of the span's start.
    pub line: usize,
    /// 1-based column (in characters) of the span's start.
    pub column: usize,
    /// The spun form as written in the text.
    pub spun: String,
    /// The candidates, best first.
    pub candidates: Vec<Candidate>,
    /// Probability that the text is right as written.
    pub keep: f64,
    /// Index into `candidates` of the restoration proposed, or `None` to keep.
    pub restoration: Option<usize>,
    /// Why it is restored or kept.
    pub reason: Reason,
}

/// Why a finding is restored or kept, as `check --explain` says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Reason {
    /// Restored: with the document's evidence, the context prefers the
    /// original.
    Restored,
    /// Kept: the text as written reads at least as well, given the
    /// document's evidence.
    Context,
    /// Kept: the document is judged clean, so its forms are taken as the
    /// author's unless the context is overwhelming.
    CleanDocument,
    /// Kept: the document is judged spun, but hardly by the spinner of the
    /// tables: their forms in it read as its author's (another spinner's
    /// text, or a clean one the general detector misjudges).
    OtherSpinner,
    /// Kept: a candidate reads better, but its probability is under the
    /// least asked for a restoration ([`crate::Builder::min_confidence`],
    /// `--min-confidence`).
    Unsure,
    /// Kept: inside quoted speech, which this document's spinner left alone.
    QuotedSpeech,
    /// Kept: the form runs across a line break, and the original (one
    /// word) has no space to keep it in (see
    /// [`crate::restore::keep_line_breaks`]).
    LineBreak,
}

impl Reason {
    /// A short explanation, for people.
    pub fn describe(self) -> &'static str {
        match self {
            Reason::Restored => {
                "restored: the context, with the document's evidence, prefers the original"
            }
            Reason::Context => "kept: the text reads at least as well as written",
            Reason::CleanDocument => "kept: the document is judged clean",
            Reason::OtherSpinner => {
                "kept: the document reads spun, but not by the spinner whose forms these are"
            }
            Reason::Unsure => {
                "kept: a candidate reads better, but not with the confidence asked for"
            }
            Reason::QuotedSpeech => "kept: quoted speech, which this document's spinner left alone",
            Reason::LineBreak => {
                "kept: the form runs across a line break, which the original has no place for"
            }
        }
    }
}

impl Finding {
    /// The proposed restoration's candidate, if the finding is to be restored.
    pub fn restored(&self) -> Option<&Candidate> {
        self.restoration.and_then(|i| self.candidates.get(i))
    }
}

/// One original the spun form may stand for.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// The original, written in the case and apostrophe style of the text.
    pub original: String,
    /// Probability that this is what the author wrote (keep and all
    /// candidates sum to one).
    pub score: f64,
    /// The table line or rule that proposed it (`dictionaries/news-spinner.tsv:12`),
    /// shared with every other candidate from the same line.
    pub source: Arc<str>,
    /// The terms of the decision, in natural-log units.
    pub terms: Terms,
}

/// The terms a decision adds up, in natural-log units relative to keeping
/// the text as written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Terms {
    /// Language model: log P(sentence with the original) - log P(sentence as written).
    pub lm: f64,
    /// Channel: how likely the spinner is to write this form for this original.
    pub channel: f64,
    /// Prior: the document's spin score and the evidence of the whole document.
    pub prior: f64,
}

impl Terms {
    /// The sum of the terms.
    pub fn total(&self) -> f64 {
        self.lm + self.channel + self.prior
    }
}

fn span_as_pair<S: serde::Serializer>(span: &Range<usize>, s: S) -> Result<S::Ok, S::Error> {
    (span.start, span.end).serialize(s)
}
