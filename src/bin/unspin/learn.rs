//! `unspin learn`: a substitution table mined from spun copies and their
//! originals (two files, a JSON Lines file of pairs, or two directories
//! paired by relative path), or found in a crawl (`--corpus`, see
//! `mine.rs`), written atomically or to standard output.

use std::collections::BTreeMap;
use std::io::{self, BufReader, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use unspin::learn::{mine, parse_pairs, Fields, Learned, Options, Pair};

use crate::args::LearnArgs;
use crate::{display_name, read_text, Outcome};
use unspin::batch::walk::{walk, WalkOptions, Walked};

pub fn learn(a: LearnArgs) -> anyhow::Result<Outcome> {
    let options = Options {
        min_weight: a.min_weight,
        max_words: a.max_words,
        min_agreement: a.min_agreement,
        min_context: a.min_context,
    };
    if !(0.0..=1.0).contains(&options.min_weight) {
        anyhow::bail!("--min-weight {} is not in [0, 1]", a.min_weight);
    }
    for (flag, share) in [
        ("--min-agreement", a.min_agreement),
        ("--min-context", a.min_context),
    ] {
        anyhow::ensure!(
            (0.0..=1.0).contains(&share),
            "{flag} {share} is not in [0, 1]"
        );
    }
    if options.max_words == 0 {
        anyhow::bail!("--max-words must be at least 1");
    }
    let tables: Vec<&str> = a
        .tables
        .iter()
        .map(String::as_str)
        .filter(|t| !t.is_empty())
        .collect();
    let known = unspin::dict::Dictionary::builtin(&tables)?;
    let existing = match &a.merge {
        Some(path) => Some((read_text(path, u64::MAX)?, path)),
        None => None,
    };
    let (mut learned, notes, errors) = if a.corpus.is_empty() {
        let (pairs, notes) = read_pairs(&a)?;
        (mine(&pairs, &options), notes, 0)
    } else {
        let c = crate::mine::learn_corpus(&a, &options)?;
        (c.learned, c.summary, c.errors)
    };
    let deferred = learned.defer_to(&known);
    let text = match &existing {
        Some((text, path)) => learned.merge_into(text, path)?,
        None => learned.to_table_text(),
    };
    match &a.output {
        Some(out) => unspin::input::write_atomic(out, text.as_bytes())?,
        None => {
            let mut stdout = io::stdout().lock();
            stdout.write_all(text.as_bytes())?;
            stdout.flush()?;
        }
    }
    if !a.quiet {
        summary(&a, &learned, &notes, deferred, &tables);
    }
    Ok(Outcome {
        errors,
        ..Outcome::default()
    })
}

/// The summary on standard error.
fn summary(a: &LearnArgs, learned: &Learned, notes: &[String], deferred: usize, tables: &[&str]) {
    let skipped: Vec<_> = learned.skipped().collect();
    eprintln!(
        "unspin learn: {} pairs read, {} aligned, {} skipped",
        learned.pairs.len(),
        learned.aligned(),
        skipped.len()
    );
    for (id, why) in skipped {
        eprintln!("unspin learn: skipped {id}: {why}");
    }
    for note in notes {
        eprintln!("unspin learn: {note}");
    }
    let to = a
        .output
        .as_ref()
        .map_or("standard output".to_string(), |p| p.display().to_string());
    let merged = a
        .merge
        .as_ref()
        .map_or(String::new(), |p| format!(", merged into {}", p.display()));
    let mut left = vec![format!(
        "{} under --min-weight {:.2}",
        learned.under_weight, a.min_weight
    )];
    if !tables.is_empty() {
        left.push(format!("{deferred} that {} already has", tables.join(", ")));
    }
    eprintln!(
        "unspin learn: {} entries written to {to}{merged} ({} left out)",
        learned.entries.len(),
        left.join(", ")
    );
}

/// The pairs of the input the arguments name, and notes for the summary.
fn read_pairs(a: &LearnArgs) -> anyhow::Result<(Vec<Pair>, Vec<String>)> {
    if let Some(path) = &a.pairs {
        let fields = Fields {
            spun: a.spun_field.clone(),
            original: a.original_field.clone(),
            id: a.id_field.clone(),
        };
        let name = PathBuf::from(display_name(path));
        let pairs = if path == Path::new("-") {
            parse_pairs(io::stdin().lock(), &name, &fields)?
        } else {
            let file = std::fs::File::open(path).map_err(|e| unspin::Error::io(&name, e))?;
            parse_pairs(BufReader::new(file), &name, &fields)?
        };
        return Ok((pairs, Vec::new()));
    }
    if let (Some(spun), Some(original)) = (&a.spun_dir, &a.original_dir) {
        return read_dirs(spun, original);
    }
    match (&a.spun, &a.original) {
        (Some(spun), Some(original)) => {
            let pair = Pair {
                id: display_name(spun),
                spun: read_text(spun, u64::MAX)?,
                original: read_text(original, u64::MAX)?,
            };
            Ok((vec![pair], Vec::new()))
        }
        _ => anyhow::bail!(
            "nothing to learn from: give SPUN ORIGINAL, --pairs PAIRS.jsonl, or --spun-dir and --original-dir"
        ),
    }
}

/// The files of two directories paired by relative path (walked as `check`
/// walks a directory); a file on one side only is noted.
fn read_dirs(spun: &Path, original: &Path) -> anyhow::Result<(Vec<Pair>, Vec<String>)> {
    let files = |dir: &Path| -> anyhow::Result<BTreeMap<PathBuf, PathBuf>> {
        if !dir.is_dir() {
            let meta = std::fs::metadata(dir).map_err(|e| unspin::Error::io(dir, e))?;
            anyhow::ensure!(meta.is_dir(), "{}: not a directory", dir.display());
        }
        let mut out = BTreeMap::new();
        for w in walk(&[dir.to_path_buf()], &WalkOptions::default()) {
            match w {
                Walked::Source(s) => {
                    out.insert(s.rel, s.path.context("a walk yields files")?);
                }
                Walked::Fault { message, .. } => anyhow::bail!("{message}"),
            }
        }
        Ok(out)
    };
    let (spun_files, original_files) = (files(spun)?, files(original)?);
    let mut pairs = Vec::new();
    let mut notes = Vec::new();
    for (rel, path) in &spun_files {
        match original_files.get(rel) {
            Some(o) => pairs.push(Pair {
                id: rel.display().to_string(),
                spun: read_text(path, u64::MAX)?,
                original: read_text(o, u64::MAX)?,
            }),
            None => notes.push(format!(
                "{}: no original in {}",
                path.display(),
                original.display()
            )),
        }
    }
    for (rel, path) in &original_files {
        if !spun_files.contains_key(rel) {
            notes.push(format!(
                "{}: no spun copy in {}",
                path.display(),
                spun.display()
            ));
        }
    }
    Ok((pairs, notes))
}
