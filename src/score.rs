//! The document spin score: how likely a document is to be spinner output,
//! in [0, 1].
//!
//! Each finding is evidence: how much better its sentence reads with the best
//! restoration than as written (a log-likelihood margin from the language
//! model and the channel), weighted by how distinctive the form is of
//! spinning. Every word is also a little evidence the other way, since spun
//! news holds a finding every few words and clean news far fewer. The sum is
//! a log-odds, squashed by the logistic function:
//!
//! ```text
//! score = σ(BIAS + Σ GAIN · w_i · clamp(margin_i) − PER_WORD · words)
//! ```
//!
//! The constants were fitted on passages of the shipped corpus (clean and
//! spun seeds, cut to lengths from one sentence to whole articles); see
//! `corpus/README.md`.

/// Log-odds of a document with no evidence at all.
pub const BIAS: f64 = -1.0;
/// Weight of one finding's evidence.
pub const GAIN: f64 = 1.0;
/// Log-odds each word takes away.
pub const PER_WORD: f64 = 0.05;
/// Bounds on one finding's margin, so that no single finding decides alone.
pub const MARGIN_RANGE: (f64, f64) = (-2.0, 4.0);

/// The spin score of a document of `words` words with findings given as
/// `(weight, margin)` pairs.
///
/// ```
/// use unspin::score::spin_score;
/// let clean = spin_score([(0.2, -1.0)], 200);
/// let spun = spin_score(vec![(0.9, 3.0); 40], 200);
/// assert!(clean < 0.1 && spun > 0.9);
/// ```
pub fn spin_score(findings: impl IntoIterator<Item = (f64, f64)>, words: usize) -> f64 {
    spin_score_with(findings, words, BIAS, GAIN, PER_WORD)
}

/// [`spin_score`] with its constants given.
pub fn spin_score_with(
    findings: impl IntoIterator<Item = (f64, f64)>,
    words: usize,
    bias: f64,
    gain: f64,
    per_word: f64,
) -> f64 {
    let mut sum = 0.0;
    for (w, m) in findings {
        sum += evidence(w, m, gain);
    }
    from_evidence(sum, words, bias, per_word)
}

/// One finding's evidence: its `margin` bounded, weighted by its `weight`
/// and `gain`.
pub(crate) fn evidence(weight: f64, margin: f64, gain: f64) -> f64 {
    gain * weight * margin.clamp(MARGIN_RANGE.0, MARGIN_RANGE.1)
}

/// The score of a document of `words` words whose findings' evidence sums
/// to `evidence` (summed over a document's windows as over the whole).
pub(crate) fn from_evidence(evidence: f64, words: usize, bias: f64, per_word: f64) -> f64 {
    logistic(bias + evidence - per_word * words as f64)
}

/// The probability of log-odds `z`.
pub(crate) fn logistic(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// `x` rounded to four decimals, for stable, readable output.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_findings_in_a_long_text_is_clean() {
        assert!(spin_score([], 1000) < 0.01);
    }

    #[test]
    fn more_evidence_raises_the_score() {
        let one = spin_score([(0.9, 2.0)], 30);
        let two = spin_score([(0.9, 2.0), (0.9, 2.0)], 30);
        assert!(two > one);
    }
}
