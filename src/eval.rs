//! Measuring restoration quality on spun/original pairs, with the same
//! figures as the project's scorer (`score.py`): word tokens, punctuation and
//! quote styles normalised away, case kept.
//!
//! * [`Figures::wer_reduction`]: the share of the garbling undone;
//! * [`Figures::change_precision`]: of the words changed, the share the
//!   spinner had changed too;
//! * [`Figures::clean_false_per_1k`]: words changed per 1,000 words of clean text;
//! * [`Figures::candidate_recall`]: the share of the spinner's substitution
//!   sites that an oracle choosing among the findings' candidates restores
//!   exactly: what the dictionary makes possible, whatever the decisions.

use std::collections::HashSet;

use similar::{capture_diff_slices, Algorithm, DiffOp};

use crate::unspinner::Unspinner;

/// One spun/original pair.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Pair {
    /// The pair's id.
    pub id: String,
    /// The spun text.
    pub spun: String,
    /// The original, clean text.
    pub original: String,
}

/// Parses JSON Lines pairs (`{"id","spun","original"}` a line).
pub fn parse_pairs(text: &str) -> Result<Vec<Pair>, String> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

/// The word tokens the scorer compares: letters and digits with internal
/// apostrophes, curly apostrophes made straight.
pub fn words(text: &str) -> Vec<String> {
    let is_word = |c: char| c.is_ascii_alphanumeric() || ('\u{C0}'..='\u{24F}').contains(&c);
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if !is_word(chars[i]) {
            i += 1;
            continue;
        }
        let mut w = String::new();
        while i < chars.len() {
            if is_word(chars[i]) {
                w.push(chars[i]);
                i += 1;
            } else if (chars[i] == '\'' || chars[i] == '\u{2019}')
                && i + 1 < chars.len()
                && is_word(chars[i + 1])
            {
                w.push('\'');
                i += 1;
            } else {
                break;
            }
        }
        out.push(w);
    }
    out
}

/// Word-level edit distance.
pub fn edit_distance(a: &[String], b: &[String]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, y) in b.iter().enumerate() {
            cur[j + 1] = (prev[j + 1] + 1)
                .min(cur[j] + 1)
                .min(prev[j] + usize::from(x != y));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The changed regions from `a` to `b`: `(a range, b words)`.
fn sites(a: &[String], b: &[String]) -> Vec<(usize, usize, Vec<String>)> {
    capture_diff_slices(Algorithm::Myers, a, b)
        .into_iter()
        .filter_map(|op| match op {
            DiffOp::Equal { .. } => None,
            DiffOp::Delete {
                old_index, old_len, ..
            } => Some((old_index, old_index + old_len, Vec::new())),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => Some((
                old_index,
                old_index,
                b[new_index..new_index + new_len].to_vec(),
            )),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => Some((
                old_index,
                old_index + old_len,
                b[new_index..new_index + new_len].to_vec(),
            )),
        })
        .collect()
}

/// Positions of `a` that the alignment to `b` does not keep.
fn changed(a: &[String], b: &[String]) -> HashSet<usize> {
    sites(a, b).into_iter().flat_map(|(i, j, _)| i..j).collect()
}

/// The figures of a run over pairs.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Figures {
    /// Number of pairs.
    pub pairs: usize,
    /// Words in the originals.
    pub words: usize,
    /// Word edit distance spun -> original, per original word.
    pub wer_before: f64,
    /// Word edit distance restored -> original, per original word.
    pub wer_after: f64,
    /// `1 - wer_after / wer_before`.
    pub wer_reduction: f64,
    /// Share of changed spun words the spinner had changed too.
    pub change_precision: f64,
    /// Share of the spinner's sites restored exactly.
    pub exact_sites: f64,
    /// Words changed per 1,000 when the originals are restored.
    pub clean_false_per_1k: f64,
    /// Share of the spinner's sites that the best choice among the
    /// candidates restores exactly.
    pub candidate_recall: f64,
}

/// The text an oracle makes of `spun` by choosing, finding by finding, the
/// candidate (or keeping) that brings the text closest to `original`.
///
/// Spinners keep line breaks, so when both texts have as many lines, each
/// finding is judged on its own line (linear in the text's length, where
/// judging it on the whole text would be quadratic); otherwise on the whole.
pub fn oracle(unspinner: &Unspinner, spun: &str, original: &str) -> String {
    let a = unspinner.analyze(spun);
    let by_line = spun.matches('\n').count() == original.matches('\n').count()
        && !a
            .findings()
            .iter()
            .any(|f| spun[f.span.clone()].contains('\n'));
    let target: Vec<Vec<String>> = if by_line {
        original.split('\n').map(words).collect()
    } else {
        vec![words(original)]
    };
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(spun.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let mut choice: Vec<Option<usize>> = vec![None; a.findings().len()];
    let render = |choice: &[Option<usize>]| {
        let mut i = 0;
        a.restore_with(|f| {
            let c = choice[i].map(|k| f.candidates[k].original.as_str().into());
            i += 1;
            c
        })
        .into_owned()
    };
    let distance = |choice: &[Option<usize>], line: usize| {
        let text = render(choice);
        let rendered = if target.len() == 1 {
            words(&text)
        } else {
            words(text.split('\n').nth(line).unwrap_or(""))
        };
        edit_distance(&rendered, &target[line])
    };
    for (k, f) in a.findings().iter().enumerate() {
        let line = if target.len() == 1 {
            0
        } else {
            line_starts.partition_point(|&s| s <= f.span.start) - 1
        };
        let mut best = (distance(&choice, line), None);
        for c in 0..f.candidates.len() {
            choice[k] = Some(c);
            let d = distance(&choice, line);
            if d < best.0 {
                best = (d, Some(c));
            }
        }
        choice[k] = best.1;
    }
    render(&choice)
}

/// Runs `unspinner` over the pairs (spun and original sides) and computes
/// the figures.
pub fn evaluate(unspinner: &Unspinner, pairs: &[Pair]) -> Figures {
    measure(unspinner, pairs, true)
}

/// The restoration figures alone: WER before and after, its reduction,
/// change precision and exact sites; neither the oracle's candidate recall
/// nor the clean sides are measured (both 0), which makes it several times
/// faster than [`evaluate`].
pub fn evaluate_restoration(unspinner: &Unspinner, pairs: &[Pair]) -> Figures {
    measure(unspinner, pairs, false)
}

/// The figures of [`evaluate`]; with `full` false, without candidate recall
/// and clean false restorations.
fn measure(unspinner: &Unspinner, pairs: &[Pair], full: bool) -> Figures {
    let (mut n, mut before, mut after) = (0usize, 0usize, 0usize);
    let (mut altered, mut false_alt) = (0usize, 0usize);
    let (mut gold_sites, mut exact, mut reachable) = (0usize, 0usize, 0usize);
    let mut clean_changed = 0usize;
    for p in pairs {
        let s = words(&p.spun);
        let o = words(&p.original);
        let r = words(&unspinner.analyze(&p.spun).restore());
        n += o.len();
        before += edit_distance(&s, &o);
        after += edit_distance(&r, &o);
        let gold_changed = changed(&s, &o);
        let tool_changed = changed(&s, &r);
        altered += tool_changed.len();
        false_alt += tool_changed.difference(&gold_changed).count();
        let tool_sites = sites(&s, &r);
        let best_sites = if full {
            sites(&s, &words(&oracle(unspinner, &p.spun, &p.original)))
        } else {
            Vec::new()
        };
        for site in sites(&s, &o) {
            gold_sites += 1;
            exact += usize::from(tool_sites.contains(&site));
            reachable += usize::from(best_sites.contains(&site));
        }
        if full {
            let c = words(&unspinner.analyze(&p.original).restore());
            clean_changed += changed(&o, &c).len();
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    Figures {
        pairs: pairs.len(),
        words: n,
        wer_before: ratio(before, n),
        wer_after: ratio(after, n),
        wer_reduction: if before == 0 {
            0.0
        } else {
            1.0 - ratio(after, before)
        },
        change_precision: if altered == 0 {
            1.0
        } else {
            1.0 - ratio(false_alt, altered)
        },
        exact_sites: ratio(exact, gold_sites),
        clean_false_per_1k: 1000.0 * ratio(clean_changed, n),
        candidate_recall: ratio(reachable, gold_sites),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_follow_the_scorer() {
        assert_eq!(
            words("Iran’s U.N. — 3,000 don't!"),
            ["Iran's", "U", "N", "3", "000", "don't"]
        );
    }

    #[test]
    fn edit_distance_counts_word_edits() {
        let w = |s: &str| words(s);
        assert_eq!(edit_distance(&w("a b c"), &w("a x c")), 1);
        assert_eq!(edit_distance(&w("a b"), &w("a b c d")), 2);
    }
}
