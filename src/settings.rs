//! The settings an [`crate::Unspinner`] decides with: the threshold of the
//! document spin score and the way restorations are decided. A module of
//! their own, below both the decision, which reads them, and the entry
//! point, which holds them.

/// The document spin score above which a document is judged spun, by default.
pub const DEFAULT_THRESHOLD: f64 = 0.5;

/// How restorations are decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionMode {
    /// The language model weighs every candidate in its sentence, with the
    /// document's spin score as a prior (the default).
    Model,
    /// Dictionary only: restore every form whose table weight is at least
    /// 0.5 to its first candidate. A baseline for measurement.
    Dictionary,
}

/// Settings of an [`crate::Unspinner`], validated by [`crate::Builder::build`].
#[derive(Debug, Clone)]
pub struct Settings {
    /// Document spin score at or above which a document is judged spun.
    pub threshold: f64,
    /// How restorations are decided.
    pub mode: DecisionMode,
    /// The least probability of a candidate for it to be restored, in
    /// [0, 1]: 0 (the default) restores wherever the decision prefers a
    /// candidate; higher values trade restorations for precision.
    pub min_confidence: f64,
}
