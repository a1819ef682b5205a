//! Unified diffs of restorations, built with `similar`.
//!
//! The diff is line based, so that `patch` and `git apply` accept it; word
//! level highlighting within changed lines is left to the printer, which gets
//! the changes from [`inline_changes`].

use similar::{ChangeTag, TextDiff};

/// A unified diff from `old` to `new` with the given header names, with
/// three lines of context; empty when the texts are equal.
///
/// ```
/// let d = unspin::diff::unified("a struggle\n", "a war\n", "a/x.txt", "b/x.txt");
/// assert_eq!(d, "--- a/x.txt\n+++ b/x.txt\n@@ -1 +1 @@\n-a struggle\n+a war\n");
/// ```
pub fn unified(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    if old == new {
        return String::new();
    }
    let diff = TextDiff::from_lines(old, new);
    let mut out = diff
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .missing_newline_hint(true)
        .to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// One line of a diff with its word-level segments: `(emphasised, text)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineLine {
    /// `'-'`, `'+'` or `' '`.
    pub sign: char,
    /// The line's segments; `true` marks the words that changed.
    pub segments: Vec<(bool, String)>,
}

/// The hunks of a diff from `old` to `new` as lines with word-level
/// emphasis, for coloured output. Each inner vector is one hunk.
pub fn inline_changes(old: &str, new: &str) -> Vec<Vec<InlineLine>> {
    let diff = TextDiff::from_lines(old, new);
    diff.grouped_ops(3)
        .iter()
        .map(|group| {
            let mut lines = Vec::new();
            for op in group {
                for change in diff.iter_inline_changes(op) {
                    let sign = match change.tag() {
                        ChangeTag::Delete => '-',
                        ChangeTag::Insert => '+',
                        ChangeTag::Equal => ' ',
                    };
                    let segments = change
                        .iter_strings_lossy()
                        .map(|(emph, s)| (emph, s.into_owned()))
                        .collect();
                    lines.push(InlineLine { sign, segments });
                }
            }
            lines
        })
        .collect()
}

/// The `@@ -a,b +c,d @@` headers of the hunks [`inline_changes`] returns.
pub fn hunk_headers(old: &str, new: &str) -> Vec<String> {
    let diff = TextDiff::from_lines(old, new);
    diff.unified_diff()
        .context_radius(3)
        .iter_hunks()
        .map(|h| h.header().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_give_an_empty_diff() {
        assert_eq!(unified("same\n", "same\n", "a", "b"), "");
    }

    #[test]
    fn missing_final_newline_is_marked() {
        let d = unified("a struggle", "a war", "a/x", "b/x");
        assert!(d.contains("\\ No newline at end of file"), "{d}");
    }

    #[test]
    fn inline_changes_emphasise_the_changed_word() {
        let hunks = inline_changes("a struggle began\n", "a war began\n");
        let del = &hunks[0][0];
        assert_eq!(del.sign, '-');
        assert!(del.segments.contains(&(true, "struggle".to_string())));
        assert!(del.segments.contains(&(false, "a ".to_string())));
        assert_eq!(hunk_headers("a struggle began\n", "a war began\n").len(), 1);
    }
}
