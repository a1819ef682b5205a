//! Printers: findings as text or JSON, diffs plain or coloured.

use std::io::{self, Write};

use unspin::diff::{hunk_headers, inline_changes};
use unspin::report::DocumentRecord;
use unspin::restore::one_line;
use unspin::Analysis;

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const CYAN: &str = "\x1b[36m";
const BOLD: &str = "\x1b[1m";
const REVERSE: &str = "\x1b[7m";
const RESET: &str = "\x1b[0m";

/// `path:line:col: spun -> original (score)` for each restoration (and each
/// kept finding with `all`), then the document's score line.
pub fn check_text(
    out: &mut impl Write,
    name: &str,
    a: &Analysis<'_>,
    all: bool,
    explain: bool,
) -> io::Result<()> {
    findings_text(out, name, a, all, explain)?;
    let restorations = a.restorations().count();
    score_line(out, name, (a.score(), a.is_spun()), restorations, a.words())
}

/// The lines of [`check_text`] before the score line: a document read in
/// windows lists each window's.
pub fn findings_text(
    out: &mut impl Write,
    name: &str,
    a: &Analysis<'_>,
    all: bool,
    explain: bool,
) -> io::Result<()> {
    for f in a.findings() {
        match f.restored() {
            Some(c) => writeln!(
                out,
                "{name}:{}:{}: {} -> {} ({:.2})",
                f.line,
                f.column,
                one_line(&f.spun),
                one_line(&c.original),
                c.score
            )?,
            None if all => writeln!(
                out,
                "{name}:{}:{}: {} (kept, {:.2})",
                f.line,
                f.column,
                one_line(&f.spun),
                f.keep
            )?,
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

/// The last line of [`check_text`]: the document's score and verdict, its
/// restorations and words.
pub fn score_line(
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

/// One JSON object for the document, with its name as `path`.
pub fn check_json(out: &mut impl Write, name: &str, a: &Analysis<'_>) -> io::Result<()> {
    let mut v = serde_json::to_value(DocumentRecord::new(a)).map_err(io::Error::other)?;
    if let serde_json::Value::Object(m) = &mut v {
        m.insert("path".into(), name.into());
    }
    writeln!(out, "{v}")
}

/// The diff of `a`'s restorations, coloured with word-level emphasis when
/// `color` is set.
pub fn diff(
    out: &mut impl Write,
    old_name: &str,
    new_name: &str,
    a: &Analysis<'_>,
    color: bool,
) -> io::Result<()> {
    let old = a.text();
    let new = a.restore();
    if !color {
        return out.write_all(unspin::diff::unified(old, &new, old_name, new_name).as_bytes());
    }
    if old == new.as_ref() {
        return Ok(());
    }
    writeln!(out, "{BOLD}--- {old_name}{RESET}")?;
    writeln!(out, "{BOLD}+++ {new_name}{RESET}")?;
    for (header, hunk) in hunk_headers(old, &new)
        .iter()
        .zip(inline_changes(old, &new))
    {
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
