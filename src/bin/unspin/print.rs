//! Printers: findings as text, diffs plain or coloured.

use std::io::{self, Write};

use unspin::batch::doc::{Listing, Verdict};
use unspin::diff::{inline_hunks, Segment};
use unspin::restore::one_line;
use unspin::{Analysis, Finding};

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const REVERSE: &str = "\x1b[7m";
const RESET: &str = "\x1b[0m";

/// The `check` listing as text: `path:line:col: spun -> original (score)`
/// for each restoration (and each kept finding with `all`, each candidate's
/// terms with `explain`), then the document's score line. A document kept
/// as written under `--min-score` lists no restoration.
#[derive(Debug, Clone, Copy)]
pub struct TextListing {
    /// List kept findings too.
    pub all: bool,
    /// Show each finding's candidates.
    pub explain: bool,
}

impl Listing for TextListing {
    fn findings(&self, out: &mut Vec<u8>, name: &str, a: &Analysis<'_>, kept: bool) {
        // Writing into a Vec cannot fail.
        if !kept {
            let _ = findings_text(out, name, a, self.all, self.explain);
            return;
        }
        if self.all {
            for f in a.findings() {
                let _ = kept_line(out, name, f);
            }
        }
    }

    fn score(&self, out: &mut Vec<u8>, name: &str, v: Verdict, kept: bool) {
        let spun = if v.spun { "spun" } else { "clean" };
        if kept {
            let _ = writeln!(
                out,
                "{name}: score {:.2} ({spun}), 0 restorations in {} (under --min-score)",
                v.score,
                count(v.words, "word")
            );
            return;
        }
        let _ = score_line(out, name, (v.score, v.spun), v.restorations, v.words);
    }

    fn lists_kept(&self) -> bool {
        self.all
    }
}

/// The `check --list` listing: the name of each document, one a line
/// (`PATH:LINE` for a JSON line), to hand to `xargs` or `grep -f`.
#[derive(Debug, Clone, Copy)]
pub struct NameListing;

impl Listing for NameListing {
    fn findings(&self, _: &mut Vec<u8>, _: &str, _: &Analysis<'_>, _: bool) {}

    fn score(&self, out: &mut Vec<u8>, name: &str, _: Verdict, _: bool) {
        out.extend_from_slice(name.as_bytes());
        out.push(b'\n');
    }

    fn lists_kept(&self) -> bool {
        false
    }
}

/// The findings of a document as listed by `check` (of a window of it, for
/// a document read in windows).
fn findings_text(
    out: &mut Vec<u8>,
    name: &str,
    a: &Analysis<'_>,
    all: bool,
    explain: bool,
) -> io::Result<()> {
    for f in a.findings() {
        match f.restored() {
            // `{name}:{line}:{column}: {spun} -> {original} ({score:.2})`,
            // a line for each restoration of a spun document: put together
            // byte by byte, as the formatting machinery took most of its
            // cost.
            Some(c) => {
                out.extend_from_slice(name.as_bytes());
                out.push(b':');
                push_number(out, f.line);
                out.push(b':');
                push_number(out, f.column);
                out.extend_from_slice(b": ");
                out.extend_from_slice(one_line(&f.spun).as_bytes());
                out.extend_from_slice(b" -> ");
                out.extend_from_slice(one_line(&c.original).as_bytes());
                out.extend_from_slice(b" (");
                push_hundredths(out, c.score);
                out.extend_from_slice(b")\n");
            }
            None if all => kept_line(out, name, f)?,
            None => continue,
        }
        if explain {
            writeln!(out, "    {}", f.reason.describe())?;
            writeln!(out, "    {:<24} p={:.3}", "(keep as written)", f.keep)?;
            for c in &f.candidates {
                writeln!(
                    out,
                    "    {:<24} p={:.3}  lm={:+.2} channel={:+.2} prior={:+.2}  {}",
                    one_line(&c.original),
                    c.score,
                    c.terms.lm,
                    c.terms.channel,
                    c.terms.prior,
                    c.source
                )?;
            }
        }
    }
    Ok(())
}

/// Appends `n` in decimal, as `{}` writes it.
fn push_number(out: &mut Vec<u8>, n: usize) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// Appends `x` as `{:.2}` writes it. Scores are rounded to four decimals
/// (see `Finding`), so a thread remembers what each of those 10,001
/// values in [0, 1] was written as, keyed by its exact bits: formatting a
/// float was a tenth of a spun document's listing.
fn push_hundredths(out: &mut Vec<u8>, x: f64) {
    thread_local! {
        static WRITTEN: std::cell::RefCell<Vec<(u64, [u8; 4])>> =
            const { std::cell::RefCell::new(Vec::new()) };
    }
    const STEPS: usize = 10_000;
    let at = (x * STEPS as f64).round();
    if !(0.0..=STEPS as f64).contains(&at) {
        let _ = write!(out, "{x:.2}");
        return;
    }
    WRITTEN.with_borrow_mut(|written| {
        if written.is_empty() {
            // No f64 has these bits as it is read (a NaN's payload).
            written.resize(STEPS + 1, (u64::MAX, [0; 4]));
        }
        let slot = &mut written[at as usize];
        if slot.0 != x.to_bits() {
            let mut text = [0u8; 4];
            let mut w = &mut text[..];
            // Four bytes, `0.00` to `1.00`, for any x that rounds into [0, 1]
            // at four decimals.
            if write!(w, "{x:.2}").is_err() || !w.is_empty() {
                let _ = write!(out, "{x:.2}");
                return;
            }
            *slot = (x.to_bits(), text);
        }
        out.extend_from_slice(&slot.1);
    });
}

/// The line of a finding kept as written: with the probability of keeping
/// it, or for one kept under `--min-confidence` its best candidate's.
fn kept_line(out: &mut impl Write, name: &str, f: &Finding) -> io::Result<()> {
    write!(
        out,
        "{name}:{}:{}: {} (kept, ",
        f.line,
        f.column,
        one_line(&f.spun)
    )?;
    match (f.reason, f.candidates.first()) {
        (unspin::Reason::Unsure, Some(c)) => {
            writeln!(out, "unsure: {} {:.2})", one_line(&c.original), c.score)
        }
        _ => writeln!(out, "{:.2})", f.keep),
    }
}

/// The last line of a document's listing: its score and verdict, its
/// restorations and words.
fn score_line(
    out: &mut impl Write,
    name: &str,
    (score, spun): (f64, bool),
    restorations: usize,
    words: usize,
) -> io::Result<()> {
    writeln!(
        out,
        "{name}: score {score:.2} ({}), {} in {}",
        if spun { "spun" } else { "clean" },
        count(restorations, "restoration"),
        count(words, "word")
    )
}

/// `n` and the noun, plural unless `n` is 1.
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// How `unspin diff` shows a diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DiffStyle {
    /// Colour, with the changed words emphasised.
    pub color: bool,
    /// A word diff (sentences with `[-old-]{+new+}`) instead of lines;
    /// `Some(false)` leaves the brackets out, marking words by colour only.
    pub words: Option<bool>,
    /// Context lines (sentences in a word diff) around each change.
    pub context: usize,
}

/// The diff of `a`'s restorations in `style`.
pub fn diff(
    out: &mut impl Write,
    old_name: &str,
    new_name: &str,
    a: &Analysis<'_>,
    style: DiffStyle,
) -> io::Result<()> {
    let old = a.text();
    let new = a.restore();
    if let Some(brackets) = style.words {
        let edits: Vec<(std::ops::Range<usize>, &str)> = a
            .restorations()
            .filter_map(|f| Some((f.span.clone(), f.restored()?.original.as_str())))
            .collect();
        return word_diff(out, (old_name, new_name), (old, &edits), style, brackets);
    }
    if !style.color {
        let d = unspin::diff::unified_with(old, &new, old_name, new_name, style.context);
        return out.write_all(d.as_bytes());
    }
    if old == new.as_ref() {
        return Ok(());
    }
    writeln!(out, "{BOLD}--- {old_name}{RESET}")?;
    writeln!(out, "{BOLD}+++ {new_name}{RESET}")?;
    for (header, hunk) in inline_hunks(old, &new, style.context) {
        writeln!(out, "{CYAN}{header}{RESET}")?;
        for line in hunk {
            let (base, emph) = match line.sign {
                '-' => (RED, format!("{RED}{REVERSE}")),
                '+' => (GREEN, format!("{GREEN}{REVERSE}")),
                _ => ("", String::new()),
            };
            write!(out, "{base}{}", line.sign)?;
            let mut ended = false;
            for (emphasised, s) in &line.segments {
                let s2 = s.strip_suffix('\n');
                ended |= s2.is_some();
                let s = s2.unwrap_or(s);
                if *emphasised {
                    write!(out, "{emph}{s}{RESET}{base}")?;
                } else {
                    write!(out, "{s}")?;
                }
            }
            writeln!(out, "{RESET}")?;
            if !ended {
                writeln!(out, "\\ No newline at end of file")?;
            }
        }
    }
    Ok(())
}

/// A word diff: each hunk's sentences one a line, the changed words as
/// `[-old-]{+new+}` (coloured on a terminal; `brackets` false leaves the
/// brackets out and marks them by colour alone).
fn word_diff(
    out: &mut impl Write,
    (old_name, new_name): (&str, &str),
    (old, edits): (&str, &[(std::ops::Range<usize>, &str)]),
    style: DiffStyle,
    brackets: bool,
) -> io::Result<()> {
    let hunks = unspin::diff::word_hunks(old, edits, style.context);
    if hunks.is_empty() {
        return Ok(());
    }
    let paint = |code: &'static str| if style.color { code } else { "" };
    let (bold, cyan, red, green, reset) = (
        paint(BOLD),
        paint(CYAN),
        paint(RED),
        paint(GREEN),
        paint(RESET),
    );
    let ((del_open, del_close), (ins_open, ins_close)) = if brackets {
        (("[-", "-]"), ("{+", "+}"))
    } else {
        (("", ""), ("", ""))
    };
    writeln!(out, "{bold}--- {old_name}{reset}")?;
    writeln!(out, "{bold}+++ {new_name}{reset}")?;
    for hunk in hunks {
        writeln!(out, "{cyan}{}{reset}", hunk.header())?;
        for sentence in &hunk.sentences {
            let mut line = String::new();
            for (i, segment) in sentence.iter().enumerate() {
                let last = i + 1 == sentence.len();
                match segment {
                    Segment::Same(s) if last => line.push_str(s.trim_end()),
                    Segment::Same(s) => line.push_str(s),
                    Segment::Deleted(s) => {
                        line.push_str(&format!("{red}{del_open}{s}{del_close}{reset}"));
                    }
                    Segment::Inserted(s) => {
                        line.push_str(&format!("{green}{ins_open}{s}{ins_close}{reset}"));
                    }
                }
            }
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_scores_are_written_as_the_formatter_writes_them() {
        for n in [0, 1, 9, 10, 99, 100, 12_345, usize::MAX] {
            let mut out = Vec::new();
            push_number(&mut out, n);
            assert_eq!(out, n.to_string().as_bytes());
        }
        let rounded = (0..=10_000).map(|k| (k as f64 / 10_000.0 * 10_000.0).round() / 10_000.0);
        let odd = [
            -0.0, -0.00004, -0.3, 0.125, 0.005, 0.015, 0.995, 1.00004, 1.5, 99.999,
        ];
        let special = [
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
        ];
        // Twice: written anew, then as remembered.
        for _ in 0..2 {
            for x in rounded.clone().chain(odd).chain(special) {
                let mut out = Vec::new();
                push_hundredths(&mut out, x);
                assert_eq!(out, format!("{x:.2}").as_bytes(), "{x}");
            }
        }
    }
}
