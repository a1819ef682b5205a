//! Which of two alike documents reads as spun: the language model's verdict
//! on the words where they differ.
//!
//! The spin score sees only the spinners whose forms the tables know; a
//! spinner with other synonym data leaves a copy that scores clean. Set
//! side by side with its original, though, the copy gives itself away: where
//! the two differ by a few words, the original's words are what an author
//! wrote and the copy's are a context-blind synonym, less likely in their
//! sentence. [`compare`] aligns the two word for word and, at each
//! substitution (1 to [`MAX_WORDS`] words on each side), weighs the two
//! readings with the language model over the substitution and
//! [`CONTEXT`] words either side; a side is worse there when its reading is
//! less likely by more than [`MARGIN`] (log10).
//!
//! [`Fluency::side`] turns that and the two spin scores into a verdict: a
//! spun copy reads worse at most substitutions; two copies by different
//! spinners (both spun) each read worse at about half; two clean documents
//! (faithful copies, or two outlets' reports) differ at few substitutions,
//! their differences being whole sentences.

use similar::{capture_diff_slices, Algorithm, DiffOp};

use crate::model::{LanguageModel, WordId};
use crate::tokenize::{normalize, tokenize, TokenKind};

/// The most words a substitution has on either side.
pub const MAX_WORDS: usize = 4;
/// Words of context either side of a substitution weighed with it.
pub const CONTEXT: usize = 2;
/// How much less likely (log10) a reading must be to count as worse.
pub const MARGIN: f32 = 0.5;
/// The least share of the weighed substitutions at which one side must read
/// worse to be taken as spun.
pub const LEAN: f64 = 0.7;
/// The least substitutions weighed, and the least share of the words (per
/// thousand), for a verdict from fluency alone.
pub const MIN_SUBSTITUTIONS: usize = 5;
/// See [`MIN_SUBSTITUTIONS`].
pub const MIN_PER_THOUSAND: usize = 10;

/// The two documents side by side.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Fluency {
    /// Words of the first and of the second.
    pub words: (usize, usize),
    /// Substitutions where the first reads worse.
    pub a_worse: usize,
    /// Substitutions where the second reads worse.
    pub b_worse: usize,
}

/// Which side of a candidate is spun.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The first.
    A,
    /// The second.
    B,
    /// Both: two spun copies.
    Both,
    /// Neither: two clean documents.
    Neither,
}

fn words(text: &str) -> Vec<String> {
    tokenize(text)
        .into_iter()
        .filter(|t| matches!(t.kind, TokenKind::Word | TokenKind::Number))
        .map(|t| normalize(&text[t.span]))
        .collect()
}

/// log10 of `ids[from..to]` given the words before it.
fn log10(model: &LanguageModel, ids: &[Option<WordId>], from: usize, to: usize) -> f32 {
    (from..to)
        .map(|i| {
            let start = i.saturating_sub(2);
            let cut = ids[start..i]
                .iter()
                .rposition(Option::is_none)
                .map_or(start, |k| start + k + 1);
            let history: Vec<WordId> = ids[cut..i].iter().flatten().copied().collect();
            match ids[i] {
                Some(w) => model.log10_prob(&history, w),
                None => model.unk_log10(),
            }
        })
        .sum()
}

/// Compares `a` and `b` (see the [module documentation](self)).
///
/// ```
/// use unspin::mine::fluency::compare;
/// let original = "The war ended last night. He said the troops would leave the region soon.";
/// let spun = "The struggle ended final night time. He mentioned the troops would depart the area quickly.";
/// let f = compare(spun, original, unspin::model::LanguageModel::shipped());
/// assert!(f.a_worse > f.b_worse, "{f:?}");
/// ```
pub fn compare(a: &str, b: &str, model: &LanguageModel) -> Fluency {
    let (wa, wb) = (words(a), words(b));
    let ids =
        |w: &[String]| -> Vec<Option<WordId>> { w.iter().map(|w| model.word_id(w)).collect() };
    let (ia, ib) = (ids(&wa), ids(&wb));
    let ka: Vec<&str> = wa.iter().map(String::as_str).collect();
    let kb: Vec<&str> = wb.iter().map(String::as_str).collect();
    let mut out = Fluency {
        words: (wa.len(), wb.len()),
        ..Fluency::default()
    };
    for op in capture_diff_slices(Algorithm::Myers, &ka, &kb) {
        let DiffOp::Replace {
            old_index,
            old_len,
            new_index,
            new_len,
        } = op
        else {
            continue;
        };
        if old_len > MAX_WORDS || new_len > MAX_WORDS {
            continue;
        }
        // The context after is the same words on both sides (an equal
        // stretch follows a replacement in a diff, or the end).
        let after = CONTEXT
            .min(wa.len() - old_index - old_len)
            .min(wb.len() - new_index - new_len);
        let before = CONTEXT.min(old_index).min(new_index);
        let la = log10(model, &ia, old_index - before, old_index + old_len + after);
        let lb = log10(model, &ib, new_index - before, new_index + new_len + after);
        if la < lb - MARGIN {
            out.a_worse += 1;
        } else if lb < la - MARGIN {
            out.b_worse += 1;
        }
    }
    out
}

impl Fluency {
    /// The verdict given the two documents' spin scores and the threshold:
    /// both spun when both scores reach it; when one does, that side unless
    /// the other reads worse at more than `1 - LEAN` of the substitutions
    /// (then both); when neither does, the side that reads worse at
    /// [`LEAN`] of them if there are enough ([`MIN_SUBSTITUTIONS`],
    /// [`MIN_PER_THOUSAND`]), else neither, or both when they are many and
    /// mixed.
    ///
    /// ```
    /// use unspin::mine::fluency::{Fluency, Side};
    /// let f = Fluency { words: (900, 910), a_worse: 60, b_worse: 6 };
    /// assert_eq!(f.side(0.1, 0.0, 0.5), Side::A);
    /// let mixed = Fluency { words: (900, 910), a_worse: 30, b_worse: 28 };
    /// assert_eq!(mixed.side(0.9, 0.0, 0.5), Side::Both);
    /// assert_eq!(mixed.side(0.1, 0.0, 0.5), Side::Both);
    /// let few = Fluency { words: (900, 910), a_worse: 3, b_worse: 0 };
    /// assert_eq!(few.side(0.1, 0.0, 0.5), Side::Neither);
    /// ```
    pub fn side(&self, score_a: f64, score_b: f64, threshold: f64) -> Side {
        let weighed = self.a_worse + self.b_worse;
        let share = |n: usize| n as f64 / weighed.max(1) as f64;
        let enough = weighed >= MIN_SUBSTITUTIONS
            && weighed * 1000 >= MIN_PER_THOUSAND * self.words.0.max(self.words.1);
        match (score_a >= threshold, score_b >= threshold) {
            (true, true) => Side::Both,
            (true, false) if enough && share(self.b_worse) > 1.0 - LEAN => Side::Both,
            (true, false) => Side::A,
            (false, true) if enough && share(self.a_worse) > 1.0 - LEAN => Side::Both,
            (false, true) => Side::B,
            (false, false) if !enough => Side::Neither,
            (false, false) if share(self.a_worse) >= LEAN => Side::A,
            (false, false) if share(self.b_worse) >= LEAN => Side::B,
            (false, false) => Side::Both,
        }
    }

    /// The share of the weighed substitutions where the first reads worse
    /// (0.5 when none are weighed).
    pub fn lean(&self) -> f64 {
        let weighed = self.a_worse + self.b_worse;
        if weighed == 0 {
            0.5
        } else {
            self.a_worse as f64 / weighed as f64
        }
    }
}
