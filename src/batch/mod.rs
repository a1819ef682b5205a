//! The batch engine: documents (files, directories, JSON Lines, windows of
//! large files) through the analysis in parallel, streaming, in input
//! order, in bounded memory; cancellable; resumable into an output
//! directory. The command line's `check` and `fix` and the Python package's
//! streaming calls run on it.
//!
//! A reader thread lists the inputs ([`walk`]) and reads each text file
//! whole, a large one in windows, and JSON Lines in chunks of lines; the
//! worker threads analyse them ([`doc`]); the calling thread takes the
//! results back in input order ([`flow`](Ordered)) and writes them where
//! they go ([`files`], [`manifest`]), telling an [`Observer`] what happens.
//! A window bounds what is between reading and writing, so memory stays
//! flat whatever the size of the input.
//!
//! Errors: a bad input or document (unreadable, invalid UTF-8, malformed
//! JSON, over the size limit) is a [`Record`] with its file and line, left
//! out of the output or passed through unchanged ([`doc::Options::pass`]);
//! the batch goes on. Binary files found in a directory walk are skipped
//! with a note.
//!
//! [`Options::only`] passes on only the documents judged spun, or only
//! those judged clean (by [`crate::Analysis::is_spun`]); every document is
//! still recorded and counted in the [`Totals`].
//!
//! ```no_run
//! use unspin::batch::{self, Batch, Dest, Task};
//!
//! let u = unspin::Unspinner::builder().build()?;
//! let mut b = Batch::new(u, vec!["dump.jsonl".into()], Task::Fix);
//! b.walk.jsonl_all = true;
//! b.dest = Dest::File("clean.jsonl".into());
//! let totals = batch::run(b, &mut std::io::sink(), &mut ())?;
//! println!("{} documents, {} restorations", totals.documents, totals.restorations);
//! # Ok::<(), unspin::Error>(())
//! ```

pub mod doc;
pub mod files;
mod flow;
pub mod manifest;
mod pool;
mod read;
pub mod walk;
mod write;

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

pub use doc::{Listing, Only, Options, Record, Status, Task, Verdict};
pub use pool::{capped_threads, cores, map, stream, thread_count, Ordered, MAX_THREADS_PER_CORE};
pub use walk::{Source, WalkOptions, Walked};

use crate::error::Result;
use crate::Unspinner;

/// Bytes read but not yet written, at most (a single larger document still
/// goes through, alone).
const WINDOW_BYTES: usize = 32 << 20;

/// Text files larger than this are read in windows of this size, by
/// default.
pub const WINDOW: usize = 1 << 20;

/// Where the outputs go.
#[derive(Debug, Clone)]
pub enum Dest {
    /// The stream handed to [`run`] (always for `check`).
    Stream,
    /// A tree under this directory mirroring the inputs.
    OutDir(PathBuf),
    /// Each input file, replaced when something was restored.
    InPlace,
    /// One file.
    File(PathBuf),
}

/// A batch to run: its inputs, what is made of each document, where it
/// goes.
#[derive(Debug, Clone)]
pub struct Batch {
    /// Files and directories; `-` is standard input.
    pub inputs: Vec<PathBuf>,
    /// How directories are walked.
    pub walk: WalkOptions,
    /// What is made of each document.
    pub doc: Options,
    /// The analysis (each directory's `unspin.toml` adds its allow list).
    pub unspinner: Unspinner,
    /// Where the outputs go.
    pub dest: Dest,
    /// Do everything but write files.
    pub dry_run: bool,
    /// Skip the inputs whose outputs an earlier run into the same
    /// [`Dest::OutDir`] completed, by its manifest.
    pub resume: bool,
    /// The per-document report: CSV when the name ends in `.csv`, JSON
    /// Lines otherwise.
    pub report: Option<PathBuf>,
    /// Worker threads (0: one per core; capped at
    /// [`MAX_THREADS_PER_CORE`] per core).
    pub threads: usize,
    /// The largest document read, in bytes.
    pub max_bytes: u64,
    /// Text files larger than this are analysed in windows of this size.
    pub window: usize,
    /// What an output depends on, recorded in the manifest: a resumed run
    /// with other settings starts afresh.
    pub settings: String,
    /// Set to cancel the run (a signal handler, a caller's Ctrl-C): it
    /// stops cleanly, its temporary files removed, with
    /// [`crate::Error::Interrupted`].
    pub cancel: Arc<AtomicBool>,
}

impl Batch {
    /// A batch of `task` over `inputs`, output to the stream, with the
    /// defaults of the command line.
    pub fn new(unspinner: Unspinner, inputs: Vec<PathBuf>, task: Task) -> Batch {
        Batch {
            inputs,
            walk: WalkOptions::default(),
            doc: Options::new(task),
            unspinner,
            dest: Dest::Stream,
            dry_run: false,
            resume: false,
            report: None,
            threads: 0,
            max_bytes: 64 << 20,
            window: WINDOW,
            settings: String::new(),
            cancel: Arc::default(),
        }
    }

    /// Whether the run writes files, which a cancellation must not leave
    /// half-written.
    pub fn writes_files(&self) -> bool {
        self.report.is_some() || (!self.dry_run && !matches!(self.dest, Dest::Stream))
    }

    /// Whether outputs go to the stream.
    fn prints(&self) -> bool {
        matches!(self.dest, Dest::Stream) && !(self.dry_run && self.doc.task == Task::Fix)
    }
}

/// The totals of a batch.
#[derive(Debug, Default, Clone)]
pub struct Totals {
    /// Documents analysed (this run or, resumed, an earlier one).
    pub documents: usize,
    /// Of them, judged spun.
    pub spun: usize,
    /// Restorations made or proposed.
    pub restorations: usize,
    /// Documents or inputs that failed.
    pub errors: usize,
    /// Inputs left aside with a note (binary files found by a walk).
    pub skipped: usize,
    /// Outputs found complete and skipped (resumed).
    pub resumed: usize,
    /// Bytes read this run.
    pub bytes: u64,
}

impl Totals {
    /// Of the documents, judged clean.
    pub fn clean(&self) -> usize {
        self.documents.saturating_sub(self.spun)
    }
}

/// What a batch tells its caller as it goes, on the calling thread: the
/// command line draws a progress bar and prints messages.
pub trait Observer {
    /// A document done, or an input that failed or was skipped (its
    /// [`Record::message`] says what went wrong, naming file and line).
    fn record(&mut self, _record: &Record) {}
    /// Progress: documents done and bytes read since the last call.
    fn advance(&mut self, _documents: usize, _bytes: u64) {}
    /// A note on the run itself (a thread count capped, temporary files
    /// of an interrupted run removed), which a quiet caller may drop.
    fn note(&mut self, _note: &str) {}
    /// A warning on the run itself, for its caller to show (a manifest of
    /// other settings set aside: everything is done afresh).
    fn warn(&mut self, _warning: &str) {}
}

/// Tells nothing.
impl Observer for () {}

/// Runs `batch`: outputs for [`Dest::Stream`] go to `out`; returns the
/// totals. A bad document does not stop it (see [`Observer::record`]);
/// an output that cannot be written, or a cancellation, does.
pub fn run(batch: Batch, out: &mut dyn Write, observer: &mut dyn Observer) -> Result<Totals> {
    write::run(batch, out, observer)
}
