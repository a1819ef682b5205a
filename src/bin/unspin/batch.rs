//! `check` and `fix` over many inputs: the arguments made into a
//! [`unspin::batch::Batch`], run by the library's batch engine, with a
//! progress bar, messages and the summary on standard error
//! ([`crate::progress`]) and the findings listed as text ([`crate::print`]).
//!
//! Errors: a bad input or document (unreadable, invalid UTF-8, malformed
//! JSON, over `--max-bytes`) is reported as `unspin: <file>:<line>: <what>`
//! and left out of the output (`--on-error skip`, the default) or passed
//! through unchanged (`--on-error pass`); the batch goes on and exits 2.
//! Binary files found in a directory walk are skipped with a note.

use std::io::{self, IsTerminal};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use unspin::batch::{self, Batch, Dest, Record, Status, Task, WalkOptions, Walked};

use crate::args::{BatchArgs, CheckArgs, FixArgs, Format, OnError, Only};
use crate::print::{NameListing, TextListing};
use crate::progress::{self, Progress};
use crate::Outcome;

/// `unspin check`: lists the findings of every document.
pub fn check(a: CheckArgs) -> anyhow::Result<Outcome> {
    let task = if a.list {
        Task::CheckText
    } else if a.jsonl {
        Task::CheckEcho
    } else if a.format == Format::Json {
        Task::CheckJson
    } else {
        Task::CheckText
    };
    let mut b = batch(&a.common, &a.batch, task, a.jsonl, Dest::Stream)?;
    if a.list {
        b.doc.listing = Some(Arc::new(NameListing));
    } else if task == Task::CheckText {
        b.doc.listing = Some(Arc::new(TextListing {
            all: a.all,
            explain: a.explain,
        }));
    }
    run(b, &a.batch)
}

/// `unspin fix`: writes every document restored.
pub fn fix(a: FixArgs) -> anyhow::Result<Outcome> {
    let inputs = a.common.inputs();
    let stdin = inputs.iter().any(|p| p == Path::new("-"));
    let dest = if let Some(dir) = &a.out_dir {
        if stdin {
            anyhow::bail!("--out-dir needs files: standard input has no name to mirror");
        }
        if !a.dry_run {
            // Made now, so that a walk of an input holding it can skip it.
            std::fs::create_dir_all(dir).with_context(|| dir.display().to_string())?;
        }
        let canon = dir.canonicalize().ok();
        if canon.is_some() && inputs.iter().any(|i| i.canonicalize().ok() == canon) {
            anyhow::bail!(
                "--out-dir {} is an input: use --write to restore in place",
                dir.display()
            );
        }
        Dest::OutDir(dir.clone())
    } else if a.write {
        if stdin {
            anyhow::bail!("--write needs files: standard input cannot be restored in place");
        }
        Dest::InPlace
    } else if let Some(o) = &a.output {
        if inputs.len() != 1 {
            anyhow::bail!("-o/--output takes exactly one input, got {}", inputs.len());
        }
        if inputs[0].is_dir() {
            anyhow::bail!("-o/--output takes one file; use --out-dir for a directory");
        }
        Dest::File(o.clone())
    } else {
        Dest::Stream
    };
    if a.resume && !matches!(dest, Dest::OutDir(_)) {
        anyhow::bail!("--resume needs --out-dir");
    }
    // In place, a bad line is kept as it was, and a document --only does
    // not pass on too: restoring never deletes.
    let in_place = matches!(dest, Dest::InPlace);
    if in_place && a.batch.only == Some(Only::Clean) {
        anyhow::bail!(
            "--only clean with --write would restore nothing (a clean document has nothing \
             to restore, and in place nothing is deleted): write the clean documents \
             elsewhere with --out-dir DIR or -o OUT"
        );
    }
    let mut b = batch(&a.common, &a.batch, Task::Fix, a.jsonl, dest)?;
    b.doc.pass |= in_place;
    b.doc.keep_others = in_place;
    b.doc.findings = a.findings;
    b.dry_run = a.dry_run;
    b.resume = a.resume;
    run(b, &a.batch)
}

/// The batch the arguments ask for, validated.
fn batch(
    common: &crate::args::Common,
    b: &BatchArgs,
    task: Task,
    jsonl: bool,
    dest: Dest,
) -> anyhow::Result<Batch> {
    if let Some(s) = b.min_score {
        if !(0.0..=1.0).contains(&s) {
            anyhow::bail!("--min-score {s} is not in [0, 1]");
        }
    }
    if b.field.is_empty() {
        anyhow::bail!("--field needs a name");
    }
    let skip_dir = match &dest {
        Dest::OutDir(d) => d.canonicalize().ok(),
        _ => None,
    };
    let walk = WalkOptions {
        globs: b.globs.clone(),
        excludes: b.excludes.clone(),
        hidden: b.hidden,
        jsonl_all: jsonl,
        skip_dir,
    };
    walk.validate()?;
    let settings = format!(
        "unspin {} task={task:?} tables={:?} dicts={:?} threshold={} min_confidence={} decide={:?} \
         min_score={:?} field={} on_error={:?} only={:?} jsonl={jsonl}",
        env!("CARGO_PKG_VERSION"),
        common.tables,
        common.dicts,
        common.threshold,
        common.min_confidence,
        common.decide,
        b.min_score,
        b.field,
        b.on_error,
        b.only,
    );
    let mut batch = Batch::new(common.unspinner()?, common.inputs(), task);
    batch.walk = walk;
    batch.doc.field = unspin::jsonl::FieldPath::new(&b.field);
    batch.doc.min_score = b.min_score;
    batch.doc.only = b.only.map(Into::into);
    batch.doc.pass = b.on_error == OnError::Pass;
    batch.doc.newline_as_read = !matches!(dest, Dest::Stream);
    batch.dest = dest;
    batch.threads = b.threads;
    batch.max_bytes = common.max_bytes;
    batch.window = usize::try_from(b.window).unwrap_or(usize::MAX);
    batch.report = b.report.clone();
    batch.settings = settings;
    Ok(batch)
}

/// What the person running a batch is told: progress, the messages of
/// documents that went wrong, notes unless `--quiet`.
struct Observer {
    progress: Progress,
    quiet: bool,
}

impl batch::Observer for Observer {
    fn record(&mut self, r: &Record) {
        if let Some(msg) = &r.message {
            if r.status == Status::Error || !self.quiet {
                self.progress.eprintln(&format!("unspin: {msg}"));
            }
        }
    }

    fn advance(&mut self, documents: usize, bytes: u64) {
        self.progress.advance(documents, bytes);
    }

    fn note(&mut self, note: &str) {
        if !self.quiet {
            self.progress.eprintln(&format!("unspin: {note}"));
        }
    }

    fn warn(&mut self, warning: &str) {
        self.progress.eprintln(&format!("unspin: {warning}"));
    }
}

fn run(batch: Batch, args: &BatchArgs) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    if batch.writes_files() {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            // The first signal stops the run cleanly; a second one ends it.
            signal_hook::flag::register_conditional_shutdown(sig, 130, batch.cancel.clone())?;
            signal_hook::flag::register(sig, batch.cancel.clone())?;
        }
    }
    let typing = crate::stdin_is_typed(&batch.inputs);
    if typing && !args.quiet {
        eprintln!("{}", crate::TYPING_NOTE);
    }
    let progress = Progress::new(!args.quiet && !typing && io::stderr().is_terminal());
    if progress.is_shown() && !batch.inputs.iter().any(|p| p == Path::new("-")) {
        let (p, inputs, walk) = (progress.clone(), batch.inputs.clone(), batch.walk.clone());
        std::thread::spawn(move || {
            let total = batch::walk::walk(&inputs, &walk)
                .filter_map(|w| match w {
                    Walked::Source(s) => s.path.and_then(|p| std::fs::metadata(p).ok()),
                    Walked::Fault { .. } => None,
                })
                .map(|m| m.len())
                .sum();
            p.set_total(total);
        });
    }
    let mut observer = Observer {
        progress: progress.clone(),
        quiet: args.quiet,
    };
    let ran = batch::run(batch, &mut io::stdout().lock(), &mut observer);
    progress.finish();
    let totals = ran?;
    let many = totals.documents + totals.errors + totals.skipped > 1;
    if !args.quiet && (args.summary || many) {
        eprintln!("unspin: {}", progress::summary(&totals, started.elapsed()));
    }
    Ok(Outcome {
        restorations: totals.restorations,
        errors: totals.errors,
    })
}
