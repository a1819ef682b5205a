//! Diffs of restorations: unified line diffs that `patch` and `git apply`
//! accept, and word diffs (git's `[-struggle-]{+war+}`) for reading prose.
//!
//! Lines end at `\n` only: a bare carriage return inside a line belongs to
//! the line, as `patch` and `git apply` read it. A word diff works on
//! sentences rather than lines, since a paragraph of prose is one line: each
//! hunk holds the changed sentences with `context` sentences around them.

use std::ops::Range;

use similar::{capture_diff_slices, group_diff_ops, Algorithm, ChangeTag, DiffTag, TextDiff};

/// Context lines of a unified diff unless `-U` says otherwise, as diff(1).
pub const DEFAULT_CONTEXT: usize = 3;

/// Context sentences of a word diff unless `-U` says otherwise.
pub const DEFAULT_WORD_CONTEXT: usize = 1;

/// A unified diff from `old` to `new` with the given header names, with
/// three lines of context; empty when the texts are equal.
///
/// ```
/// let d = unspin::diff::unified("a struggle\n", "a war\n", "a/x.txt", "b/x.txt");
/// assert_eq!(d, "--- a/x.txt\n+++ b/x.txt\n@@ -1 +1 @@\n-a struggle\n+a war\n");
/// ```
pub fn unified(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    unified_with(old, new, old_name, new_name, DEFAULT_CONTEXT)
}

/// [`unified`] with `context` lines of context around each change (0: one
/// hunk per changed run of lines).
pub fn unified_with(
    old: &str,
    new: &str,
    old_name: &str,
    new_name: &str,
    context: usize,
) -> String {
    if old == new {
        return String::new();
    }
    let mut out = format!("--- {old_name}\n+++ {new_name}\n");
    for hunk in hunks(old, new, context) {
        out.push_str(&hunk.header());
        out.push('\n');
        for (sign, line) in &hunk.lines {
            out.push(*sign);
            out.push_str(line);
            if !line.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
    }
    out
}

/// The lines of `text`, each with its `\n` (the last may lack one).
pub fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// One hunk of a line diff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk<'a> {
    /// First line (0-based) and number of lines on the old side.
    pub old: (usize, usize),
    /// First line (0-based) and number of lines on the new side.
    pub new: (usize, usize),
    /// The hunk's lines with their sign (`' '`, `'-'` or `'+'`) and their
    /// line ending, if any.
    pub lines: Vec<(char, &'a str)>,
}

impl Hunk<'_> {
    /// The `@@ -a,b +c,d @@` header, as diff(1) writes it.
    pub fn header(&self) -> String {
        format!("@@ -{} +{} @@", range(self.old), range(self.new))
    }
}

/// A hunk range as diff(1) writes it: 1-based, the count left out when it
/// is 1, and an empty range named by the line before it.
fn range((start, len): (usize, usize)) -> String {
    match len {
        1 => format!("{}", start + 1),
        0 => format!("{start},0"),
        _ => format!("{},{len}", start + 1),
    }
}

/// The hunks of a line diff from `old` to `new` with `context` lines
/// around each change.
pub fn hunks<'a>(old: &'a str, new: &'a str, context: usize) -> Vec<Hunk<'a>> {
    let (a, b) = (lines(old), lines(new));
    let ops = capture_diff_slices(Algorithm::Myers, &a, &b);
    group_diff_ops(ops, context)
        .into_iter()
        .map(|group| {
            let (first, last) = (&group[0], &group[group.len() - 1]);
            let old_start = first.old_range().start;
            let new_start = first.new_range().start;
            let mut lines = Vec::new();
            for op in &group {
                let (tag, old_range, new_range) = op.as_tag_tuple();
                if tag == DiffTag::Equal {
                    lines.extend(a[old_range].iter().map(|l| (' ', *l)));
                    continue;
                }
                lines.extend(a[old_range].iter().map(|l| ('-', *l)));
                lines.extend(b[new_range].iter().map(|l| ('+', *l)));
            }
            Hunk {
                old: (old_start, last.old_range().end - old_start),
                new: (new_start, last.new_range().end - new_start),
                lines,
            }
        })
        .collect()
}

/// A piece of a word diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'a> {
    /// Text on both sides.
    Same(&'a str),
    /// Text of the old side only (`[-…-]`).
    Deleted(&'a str),
    /// Text of the new side only (`{+…+}`).
    Inserted(&'a str),
}

/// The sentences of `text`, each with the spaces after it: a sentence ends
/// at a line break, or at `.`, `!` or `?` (and any closing quotes or
/// brackets) followed by a space and a word that does not start in lower
/// case. Abbreviations such as "U.S. Army" cut a sentence short, which
/// only makes a word diff's hunks finer.
pub fn sentences(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        i += 1;
        if b == b'\n' {
            out.push(&text[start..i]);
            start = i;
            continue;
        }
        if !matches!(b, b'.' | b'!' | b'?') {
            continue;
        }
        let mut end = i;
        while let Some(c) = text[end..].chars().next() {
            if !matches!(c, '"' | '\'' | ')' | ']' | '”' | '’' | '»') {
                break;
            }
            end += c.len_utf8();
        }
        let mut after = end;
        while matches!(bytes.get(after), Some(b' ' | b'\t')) {
            after += 1;
        }
        if after == end {
            continue;
        }
        match text[after..].chars().next() {
            Some(c) if c.is_lowercase() => continue,
            Some('\n') => after += 1,
            _ => {}
        }
        out.push(&text[start..after]);
        start = after;
        i = after;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// One hunk of a word diff: sentences, each unchanged or with its
/// restorations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordHunk<'a> {
    /// First line (0-based) and number of lines on the old side.
    pub old: (usize, usize),
    /// First line (0-based) and number of lines on the new side.
    pub new: (usize, usize),
    /// The hunk's sentences: unchanged ones are a single `Same` segment.
    pub sentences: Vec<Vec<Segment<'a>>>,
}

impl WordHunk<'_> {
    /// The `@@ -a,b +c,d @@` header of the lines the hunk's sentences are on.
    pub fn header(&self) -> String {
        format!("@@ -{} +{} @@", range(self.old), range(self.new))
    }
}

/// The hunks of the word diff of `edits` to `text` (byte ranges with the
/// text that replaces each, in order; overlapping ones are left out, as
/// [`crate::restore::apply`] leaves them), sentence by sentence: each
/// restoration is one `[-spun-]{+original+}` however many words it spans.
/// A hunk holds `context` unchanged sentences around each changed one;
/// with no context, each changed sentence is a hunk.
///
/// ```
/// use unspin::diff::{word_hunks, Segment::*};
/// let text = "One. A struggle began. Three.\n";
/// let h = word_hunks(text, &[(7..15, "war")], 0);
/// assert_eq!(h.len(), 1);
/// assert_eq!(h[0].header(), "@@ -1 +1 @@");
/// assert_eq!(h[0].sentences, [vec![Same("A "), Deleted("struggle"), Inserted("war"), Same(" began. ")]]);
/// ```
pub fn word_hunks<'a>(
    text: &'a str,
    edits: &[(Range<usize>, &'a str)],
    context: usize,
) -> Vec<WordHunk<'a>> {
    let mut kept: Vec<&(Range<usize>, &str)> = Vec::new();
    for e in edits {
        let after_last = kept.last().is_none_or(|k| k.0.end <= e.0.start);
        if after_last && text.get(e.0.clone()).is_some_and(|old| old != e.1) {
            kept.push(e);
        }
    }
    let units = units(text, &kept);
    // Lines: where each unit starts and ends in the text, and how many lines
    // the edits before it add.
    let mut line = 0;
    let mut shift = 0isize;
    let mut next_edit = 0;
    let mut lines = Vec::with_capacity(units.len());
    for u in &units {
        let body = &text[u.clone()];
        let end = line
            + body
                .strip_suffix('\n')
                .unwrap_or(body)
                .matches('\n')
                .count();
        lines.push((line, end, shift));
        while next_edit < kept.len() && kept[next_edit].0.start < u.end {
            let (r, new) = kept[next_edit];
            shift +=
                new.matches('\n').count() as isize - text[r.clone()].matches('\n').count() as isize;
            next_edit += 1;
        }
        line = end + usize::from(body.ends_with('\n'));
    }
    let changed: Vec<usize> = (0..units.len())
        .filter(|&i| {
            kept.iter()
                .any(|e| units[i].start <= e.0.start && e.0.start < units[i].end)
        })
        .collect();
    let mut groups: Vec<Range<usize>> = Vec::new();
    for &i in &changed {
        let r = i.saturating_sub(context)..(i + context + 1).min(units.len());
        match groups.last_mut() {
            Some(g) if context > 0 && r.start <= g.end => g.end = r.end,
            _ => groups.push(r),
        }
    }
    groups
        .into_iter()
        .map(|g| {
            let sentences = g
                .clone()
                .map(|i| segments(text, &units[i], &kept))
                .collect();
            let (first, last) = (lines[g.start], lines[g.end - 1]);
            let old = (first.0, last.1 + 1 - first.0);
            let new_start = first.0 as isize + first.2;
            let new_end = last.1 as isize + last.2 + {
                // The edits of the last unit move its end too.
                let u = &units[g.end - 1];
                kept.iter()
                    .filter(|e| u.start <= e.0.start && e.0.start < u.end)
                    .map(|e| {
                        e.1.matches('\n').count() as isize
                            - text[e.0.clone()].matches('\n').count() as isize
                    })
                    .sum::<isize>()
            };
            WordHunk {
                old,
                new: (
                    new_start.max(0) as usize,
                    (new_end - new_start + 1).max(0) as usize,
                ),
                sentences,
            }
        })
        .collect()
}

/// The byte ranges of `text`'s sentences, joined where an edit runs across
/// the end of one.
fn units(text: &str, edits: &[&(Range<usize>, &str)]) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut at = 0;
    for s in sentences(text) {
        let r = at..at + s.len();
        at = r.end;
        match out.last_mut() {
            Some(prev)
                if edits
                    .iter()
                    .any(|e| e.0.start < prev.end && prev.end < e.0.end) =>
            {
                prev.end = r.end;
            }
            _ => out.push(r),
        }
    }
    out
}

/// The segments of the sentence `unit` of `text` with the edits in it.
fn segments<'a>(
    text: &'a str,
    unit: &Range<usize>,
    edits: &[&(Range<usize>, &'a str)],
) -> Vec<Segment<'a>> {
    let mut out = Vec::new();
    let mut at = unit.start;
    for (r, new) in edits
        .iter()
        .map(|e| (&e.0, e.1))
        .filter(|(r, _)| unit.start <= r.start && r.start < unit.end)
    {
        // Words the edit keeps at either end are shown as unchanged.
        let spun = &text[r.clone()];
        let (head, tail) = common_words(spun, new);
        if at < r.start + head {
            out.push(Segment::Same(&text[at..r.start + head]));
        }
        if head + tail < spun.len() {
            out.push(Segment::Deleted(&spun[head..spun.len() - tail]));
        }
        if head + tail < new.len() {
            out.push(Segment::Inserted(&new[head..new.len() - tail]));
        }
        at = r.end - tail;
    }
    if at < unit.end || out.is_empty() {
        out.push(Segment::Same(&text[at..unit.end]));
    }
    out
}

/// The bytes of whole words (with their spaces) that `a` and `b` share at
/// their start and at their end.
fn common_words(a: &str, b: &str) -> (usize, usize) {
    let same = |x: &[u8], y: &[u8]| x.iter().zip(y).take_while(|(p, q)| p == q).count();
    let n = same(a.as_bytes(), b.as_bytes());
    let head = a[..n].rfind(char::is_whitespace).map_or(0, |i| i + 1);
    let rev = |s: &str| s.bytes().rev().collect::<Vec<u8>>();
    let m = same(&rev(a), &rev(b))
        .min(a.len() - head)
        .min(b.len() - head);
    let tail = a[a.len() - m..]
        .find(char::is_whitespace)
        .map_or(0, |i| m - i);
    (head, tail)
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
/// emphasis, for coloured output, with `context` lines around each change;
/// each with its `@@` header.
pub fn inline_hunks(old: &str, new: &str, context: usize) -> Vec<(String, Vec<InlineLine>)> {
    let diff = TextDiff::from_lines(old, new);
    let headers = diff
        .unified_diff()
        .context_radius(context)
        .iter_hunks()
        .map(|h| h.header().to_string())
        .collect::<Vec<_>>();
    let groups = diff.grouped_ops(context);
    headers
        .into_iter()
        .zip(groups)
        .map(|(header, group)| {
            let mut lines = Vec::new();
            for op in &group {
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
            (header, lines)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use Segment::*;

    #[test]
    fn equal_texts_give_an_empty_diff() {
        assert_eq!(unified("same\n", "same\n", "a", "b"), "");
    }

    #[test]
    fn missing_final_newline_is_marked() {
        let d = unified("a struggle", "a war", "a/x", "b/x");
        assert_eq!(d, "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a struggle\n\\ No newline at end of file\n+a war\n\\ No newline at end of file\n");
    }

    #[test]
    fn a_bare_carriage_return_stays_inside_its_line() {
        let d = unified("x\n1\r2 struggle\ny\n", "x\n1\r2 war\ny\n", "a/f", "b/f");
        assert_eq!(
            d,
            "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n x\n-1\r2 struggle\n+1\r2 war\n y\n"
        );
    }

    #[test]
    fn context_sets_the_lines_around_each_change_and_so_the_hunks() {
        let old = "a\nb1\nc\nd\ne\nf\ng\nh2\ni\n";
        let new = old.replace("b1", "B1").replace("h2", "H2");
        assert_eq!(hunks(old, &new, 3).len(), 1);
        let zero = hunks(old, &new, 0);
        assert_eq!(zero.len(), 2);
        assert_eq!(zero[0].header(), "@@ -2 +2 @@");
        assert_eq!(zero[1].lines, [('-', "h2\n"), ('+', "H2\n")]);
        let d = unified_with("a\n", "a\nb\n", "a/f", "b/f", 0);
        assert!(d.contains("@@ -1,0 +2 @@\n+b\n"), "{d}");
    }

    #[test]
    fn sentences_split_at_stops_before_a_capital_and_at_line_breaks() {
        assert_eq!(
            sentences("He went. She said “no.” Then e.g. this? Yes\nNext"),
            [
                "He went. ",
                "She said “no.” ",
                "Then e.g. this? ",
                "Yes\n",
                "Next"
            ]
        );
        assert_eq!(sentences("Stop.\nGo."), ["Stop.\n", "Go."]);
        assert_eq!(sentences(""), Vec::<&str>::new());
    }

    /// The edits replacing every "struggle" of `text` with "war".
    fn wars(text: &str) -> Vec<(Range<usize>, &'static str)> {
        text.match_indices("struggle")
            .map(|(i, m)| (i..i + m.len(), "war"))
            .collect()
    }

    #[test]
    fn word_hunks_hold_the_changed_sentences_with_their_context() {
        let old = "A. B struggle. C. D. E.\nF. G struggle.\n";
        let h = word_hunks(old, &wars(old), 1);
        assert_eq!(h.len(), 2);
        assert_eq!(h[0].header(), "@@ -1 +1 @@");
        assert_eq!(h[0].sentences.len(), 3);
        assert_eq!(
            h[0].sentences[1],
            [Same("B "), Deleted("struggle"), Inserted("war"), Same(". ")]
        );
        assert_eq!(h[1].header(), "@@ -2 +2 @@");
        assert_eq!(word_hunks(old, &[], 1), []);
        // Without context, each changed sentence is a hunk, even next to
        // another.
        let old = "A struggle. B struggle.\nC.\n";
        let h = word_hunks(old, &wars(old), 0);
        assert_eq!(h.len(), 2);
        assert_eq!(
            h[1].sentences,
            [vec![
                Same("B "),
                Deleted("struggle"),
                Inserted("war"),
                Same(".\n")
            ]]
        );
        assert_eq!(
            (h[0].header(), h[1].header()),
            ("@@ -1 +1 @@".into(), "@@ -1 +1 @@".into())
        );
    }

    #[test]
    fn a_restoration_is_one_mark_however_many_words_and_sentences_it_spans() {
        let text = "We took motion final night time. Then a U.S. Struggle.\nEnd.\n";
        let a = text.find("final").unwrap();
        let b = text.find("U.S. Struggle").unwrap();
        let edits = [(a..a + 16, "last night"), (b..b + 13, "US war")];
        let h = word_hunks(text, &edits, 0);
        assert_eq!(
            h[0].sentences,
            [vec![
                Same("We took motion "),
                Deleted("final night time"),
                Inserted("last night"),
                Same(". ")
            ]]
        );
        // "U.S. " ends a sentence by the rule, but the edit runs across it.
        assert_eq!(
            h[1].sentences,
            [vec![
                Same("Then a "),
                Deleted("U.S. Struggle"),
                Inserted("US war"),
                Same(".\n")
            ]]
        );
        // An edit that adds a line moves the new side's lines after it.
        let text = "A struggle.\nB struggle.\n";
        let h = word_hunks(text, &[(2..10, "war\nand"), (14..22, "war")], 0);
        assert_eq!(h[0].header(), "@@ -1 +1,2 @@");
        assert_eq!(h[1].header(), "@@ -2 +3 @@");
        // Words a restoration keeps are not marked.
        let text = "It is the best to go and not simply.";
        let edits = [(6..17, "the right to"), (25..35, "not just")];
        let h = word_hunks(text, &edits, 0);
        assert_eq!(
            h[0].sentences,
            [vec![
                Same("It is the "),
                Deleted("best"),
                Inserted("right"),
                Same(" to go and not "),
                Deleted("simply"),
                Inserted("just"),
                Same("."),
            ]]
        );
        assert_eq!(common_words("to not", "not to"), (0, 0));
        assert_eq!(common_words("a b", "a b c"), (2, 0));
        // Edits that change nothing, overlap or fall outside are left out.
        assert_eq!(
            word_hunks(text, &[(2..10, "struggle"), (2..4, "x"), (90..99, "y")], 0).len(),
            1
        );
    }

    #[test]
    fn inline_hunks_emphasise_the_changed_word() {
        let hunks = inline_hunks("a struggle began\n", "a war began\n", 3);
        assert_eq!(hunks.len(), 1);
        let (header, lines) = &hunks[0];
        assert_eq!(header, "@@ -1 +1 @@");
        assert_eq!(lines[0].sign, '-');
        assert!(lines[0].segments.contains(&(true, "struggle".to_string())));
        assert!(lines[0].segments.contains(&(false, "a ".to_string())));
    }
}
