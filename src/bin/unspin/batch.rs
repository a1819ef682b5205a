//! `check` and `fix` over many inputs: files, directories and JSON Lines,
//! in parallel, streaming, in input order.
//!
//! A reader thread lists the inputs ([`walk`]) and reads each text file
//! whole, and JSON Lines in chunks of lines; a pool of worker threads
//! analyses them ([`doc`]); the main thread takes the results back in input
//! order and writes them ([`sink`]), showing progress and the summary
//! ([`progress`]). A window bounds what is between reading and writing, so
//! memory stays flat whatever the size of the input.
//!
//! Errors: a bad input or document (unreadable, invalid UTF-8, malformed
//! JSON, over `--max-bytes`) is reported as `unspin: <file>:<line>: <what>`
//! and left out of the output (`--on-error skip`, the default) or passed
//! through unchanged (`--on-error pass`); the batch goes on and exits 2.
//! Binary files found in a directory walk are skipped with a note.

mod doc;
mod progress;
mod sink;
pub(crate) mod walk;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use unspin::config::ProjectConfig;
use unspin::window::FileWindows;
use unspin::{DocumentSummary, Unspinner};

use crate::args::{BatchArgs, CheckArgs, FixArgs, Format, OnError};
use crate::Outcome;
use doc::{Chunk, Processed, Record, Status, Task};
use progress::{Progress, Tally};
use sink::{Entry, FileSink, Manifest, Report};
use walk::{Source, WalkOptions, Walked};

/// JSON lines handed to a worker at once, at most.
const CHUNK_LINES: usize = 256;
/// Bytes of JSON lines handed to a worker at once, about.
const CHUNK_BYTES: usize = 64 * 1024;
/// Bytes read but not yet written, at most (a single larger document still
/// goes through, alone).
const WINDOW_BYTES: usize = 32 << 20;

/// What a window of a document read in windows counts for against
/// [`WINDOW_BYTES`], per byte of its text.
const WINDOW_COST: usize = 16;

/// `unspin check`: lists the findings of every document.
pub fn check(a: CheckArgs) -> anyhow::Result<Outcome> {
    let task = if a.jsonl {
        Task::CheckEcho
    } else if a.format == Format::Json {
        Task::CheckJson
    } else {
        Task::CheckText {
            all: a.all,
            explain: a.explain,
        }
    };
    let plan = Plan::new(&a.common, &a.batch, task, a.jsonl, Dest::Stdout)?;
    run(plan)
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
        Dest::Stdout
    };
    if a.resume && !matches!(dest, Dest::OutDir(_)) {
        anyhow::bail!("--resume needs --out-dir");
    }
    // In place, a bad line is kept as it was: restoring never deletes.
    let in_place = matches!(dest, Dest::InPlace);
    let mut plan = Plan::new(&a.common, &a.batch, Task::Fix, a.jsonl, dest)?;
    plan.doc.pass |= in_place;
    plan.doc.findings = a.findings;
    plan.dry_run = a.dry_run;
    plan.resume = a.resume;
    run(plan)
}

/// Where `fix` writes.
#[derive(Debug, Clone)]
enum Dest {
    /// Standard output (and always for `check`).
    Stdout,
    /// A tree under this directory mirroring the inputs.
    OutDir(PathBuf),
    /// Each input file, replaced when something was restored.
    InPlace,
    /// One file.
    File(PathBuf),
}

/// A run's validated configuration.
struct Plan {
    inputs: Vec<PathBuf>,
    walk: WalkOptions,
    doc: doc::Options,
    unspinner: Unspinner,
    dest: Dest,
    dry_run: bool,
    resume: bool,
    report: Option<PathBuf>,
    summary: bool,
    quiet: bool,
    threads: usize,
    max_bytes: u64,
    /// Text files larger than this are analysed in windows of this size.
    window: usize,
    /// What an output depends on, recorded in the manifest for `--resume`.
    settings: String,
}

impl Plan {
    fn new(
        common: &crate::args::Common,
        b: &BatchArgs,
        task: Task,
        jsonl: bool,
        dest: Dest,
    ) -> anyhow::Result<Plan> {
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
            "unspin {} task={task:?} tables={:?} dicts={:?} threshold={} decide={:?} min_score={:?} \
             field={} on_error={:?} jsonl={jsonl}",
            env!("CARGO_PKG_VERSION"),
            common.tables,
            common.dicts,
            common.threshold,
            common.decide,
            b.min_score,
            b.field,
            b.on_error,
        );
        Ok(Plan {
            inputs: common.inputs(),
            walk,
            doc: doc::Options {
                task,
                field: unspin::jsonl::FieldPath::new(&b.field),
                min_score: b.min_score,
                pass: b.on_error == OnError::Pass,
                newline_as_read: !matches!(dest, Dest::Stdout),
                findings: task == Task::CheckEcho,
                html: None,
            },
            unspinner: common.unspinner()?,
            dest,
            dry_run: false,
            resume: false,
            report: b.report.clone(),
            summary: b.summary,
            quiet: b.quiet,
            threads: b.threads,
            max_bytes: common.max_bytes,
            window: usize::try_from(b.window).unwrap_or(usize::MAX),
            settings,
        })
    }

    /// Whether the run writes files, which an interruption must not leave
    /// half-written.
    fn writes_files(&self) -> bool {
        self.report.is_some() || (!self.dry_run && !matches!(self.dest, Dest::Stdout))
    }

    /// Whether restored text goes to standard output.
    fn prints(&self) -> bool {
        matches!(self.dest, Dest::Stdout) && !(self.dry_run && self.doc.task == Task::Fix)
    }
}

/// One step of the pipeline, from the reader through the workers to the
/// writer.
enum Step {
    /// A source starts: the writer opens its output.
    Begin(Arc<Source>),
    /// A whole text document, for a worker.
    Text {
        src: Arc<Source>,
        u: Arc<Unspinner>,
        bytes: Vec<u8>,
    },
    /// Some JSON lines, for a worker.
    Lines {
        src: Arc<Source>,
        u: Arc<Unspinner>,
        chunk: Chunk,
    },
    /// A window of a text file read in windows, for a worker.
    Window {
        src: Arc<Source>,
        u: Arc<Unspinner>,
        summary: Arc<DocumentSummary>,
        text: String,
        start: unspin::window::Start,
    },
    /// The end of a text file read in windows: the writer completes its
    /// record (with the windows' restorations) and its output.
    WindowsEnd {
        src: Arc<Source>,
        summary: Arc<DocumentSummary>,
        bytes: u64,
    },
    /// Bytes output as they are: part of a line of standard input over
    /// `--max-bytes`, passed through.
    Raw(Vec<u8>),
    /// A worker's result: output bytes and records.
    Processed { p: Processed, bytes: u64 },
    /// Bytes `[start, start + len)` of the source's file, copied unchanged
    /// (an oversized document passed through), with a newline after when
    /// `newline`.
    Copy {
        src: Arc<Source>,
        start: u64,
        len: u64,
        newline: bool,
    },
    /// A document or input that failed; `fail_source` means the source's
    /// output is incomplete and must not be kept.
    Fault { record: Record, fail_source: bool },
    /// A source ends: the writer completes its output. `stamp`: the input's
    /// size and mtime when opened, for the manifest.
    End {
        src: Arc<Source>,
        stamp: Option<(u64, (u64, u32))>,
    },
    /// A source whose output an earlier run completed.
    Resumed { src: Arc<Source>, entry: Entry },
}

/// Stop signals shared by the threads.
#[derive(Default)]
struct Flags {
    /// Set by SIGINT, SIGTERM or SIGHUP.
    interrupted: Arc<AtomicBool>,
    /// Set when the writer gives up: the reader stops.
    stop: AtomicBool,
}

impl Flags {
    fn stopped(&self) -> bool {
        self.stop.load(Ordering::Relaxed) || self.interrupted.load(Ordering::Relaxed)
    }
}

/// Bounds the items, and the bytes, between reading and writing.
struct Window {
    state: Mutex<(usize, usize)>,
    freed: Condvar,
    max_items: usize,
    max_bytes: usize,
}

impl Window {
    fn new(max_items: usize, max_bytes: usize) -> Window {
        Window {
            state: Mutex::new((0, 0)),
            freed: Condvar::new(),
            max_items,
            max_bytes,
        }
    }

    /// Waits for room for an item of `bytes`; false when the run stops.
    fn acquire(&self, bytes: usize, flags: &Flags) -> bool {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        while s.0 > 0 && (s.0 >= self.max_items || s.1 + bytes > self.max_bytes) {
            if flags.stopped() {
                return false;
            }
            s = self
                .freed
                .wait_timeout(s, Duration::from_millis(100))
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
        if flags.stopped() {
            return false;
        }
        s.0 += 1;
        s.1 += bytes;
        true
    }

    fn release(&self, bytes: usize) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.0 -= 1;
        s.1 -= bytes;
        self.freed.notify_all();
    }
}

fn run(mut plan: Plan) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let flags = Arc::new(Flags::default());
    if plan.writes_files() {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            // The first signal stops the run cleanly; a second one ends it.
            signal_hook::flag::register_conditional_shutdown(sig, 130, flags.interrupted.clone())?;
            signal_hook::flag::register(sig, flags.interrupted.clone())?;
        }
    }
    let typing = crate::stdin_is_typed(&plan.inputs);
    if typing && !plan.quiet {
        eprintln!("{}", crate::TYPING_NOTE);
    }
    let progress = Progress::new(!plan.quiet && !typing && io::stderr().is_terminal());
    let mut manifest = None;
    let mut resume = None;
    if let Dest::OutDir(dir) = &plan.dest {
        if !plan.dry_run {
            let removed = sink::remove_stale_temps(dir);
            if removed > 0 && !plan.quiet {
                progress.eprintln(&format!(
                    "unspin: {}: removed {removed} temporary files left by an interrupted run",
                    dir.display()
                ));
            }
        }
        let (mut m, note) = Manifest::open(dir, &plan.settings, plan.resume, plan.dry_run)
            .with_context(|| format!("{}", dir.join(sink::MANIFEST).display()))?;
        if let Some(note) = note {
            progress.eprintln(&format!("unspin: {note}"));
        }
        if plan.resume {
            resume = Some(Manifest::lookup(dir, m.take_entries()));
        }
        manifest = Some(m);
    }
    let report = match &plan.report {
        Some(p) => Some(Report::create(p).with_context(|| p.display().to_string())?),
        None => None,
    };
    plan.doc.html = report.as_ref().and_then(Report::html);
    if progress.is_shown() && !plan.inputs.iter().any(|p| p == Path::new("-")) {
        let (p, inputs, walk) = (progress.clone(), plan.inputs.clone(), plan.walk.clone());
        std::thread::spawn(move || {
            let total = walk::walk(&inputs, &walk)
                .filter_map(|w| match w {
                    Walked::Source(s) => s.path.and_then(|p| std::fs::metadata(p).ok()),
                    Walked::Fault { .. } => None,
                })
                .map(|m| m.len())
                .sum();
            p.set_total(total);
        });
    }
    let cores = unspin::parallel::cores();
    let threads = unspin::parallel::capped_threads(plan.threads, cores);
    if threads < plan.threads && !plan.quiet {
        progress.eprintln(&format!(
            "unspin: -j {} capped at {threads} ({} per core on {cores} cores)",
            plan.threads,
            unspin::parallel::MAX_THREADS_PER_CORE
        ));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("unspin-worker-{i}"))
        .build()?;
    // Begin and End steps cost nothing, so the item bound is generous;
    // the bytes bound is what holds memory flat.
    let window = Arc::new(Window::new(
        16 * pool.current_num_threads() + 16,
        WINDOW_BYTES,
    ));
    let plan = Arc::new(plan);
    let (tx, rx) = mpsc::channel();
    let reader = Reader {
        plan: plan.clone(),
        pool,
        tx,
        window: window.clone(),
        flags: flags.clone(),
        seq: 0,
        configs: Configs {
            base: Arc::new(plan.unspinner.clone()),
            by_dir: HashMap::new(),
        },
        resume,
    };
    let reading = std::thread::Builder::new()
        .name("unspin-reader".into())
        .spawn(move || reader.run())?;
    let mut writer = Writer {
        plan: &plan,
        out: BufWriter::with_capacity(256 * 1024, io::stdout().lock()),
        current: None,
        manifest,
        report,
        progress: progress.clone(),
        tally: Tally::default(),
        outputs: HashSet::new(),
    };
    let drained = writer.drain(&rx, &window, &flags);
    flags.stop.store(true, Ordering::Relaxed);
    progress.finish();
    drained?;
    // The reader has sent everything and hung up.
    let _ = reading.join();
    let tally = writer.finish()?;
    let many = tally.documents + tally.errors + tally.skipped > 1;
    if !plan.quiet && (plan.summary || many) {
        eprintln!("unspin: {}", tally.summary(started.elapsed()));
    }
    Ok(Outcome {
        restorations: tally.restorations,
        errors: tally.errors,
    })
}

/// The unspinner for each directory, with the allow list of its nearest
/// `unspin.toml`; looked up once a directory.
struct Configs {
    base: Arc<Unspinner>,
    by_dir: HashMap<PathBuf, Result<Arc<Unspinner>, String>>,
}

impl Configs {
    fn get(&mut self, path: Option<&Path>) -> Result<Arc<Unspinner>, String> {
        let dir = match path.and_then(Path::parent) {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let base = &self.base;
        self.by_dir
            .entry(dir)
            .or_insert_with_key(|dir| match ProjectConfig::discover(dir) {
                Ok(Some(c)) => Ok(Arc::new(base.with_allowed(c.allowed()))),
                Ok(None) => Ok(base.clone()),
                Err(e) => Err(e.to_string()),
            })
            .clone()
    }
}

/// Reads the inputs in order and hands them on, within the window.
struct Reader {
    plan: Arc<Plan>,
    pool: rayon::ThreadPool,
    tx: Sender<(u64, usize, Step)>,
    window: Arc<Window>,
    flags: Arc<Flags>,
    seq: u64,
    configs: Configs,
    resume: Option<Manifest>,
}

impl Reader {
    fn run(mut self) {
        let plan = self.plan.clone();
        for w in walk::walk(&plan.inputs, &plan.walk) {
            let going = match w {
                Walked::Fault { name, message } => self.emit(
                    Step::Fault {
                        record: Record::fault(&name, None, Status::Error, message),
                        fail_source: false,
                    },
                    0,
                ),
                Walked::Source(src) => self.source(Arc::new(src)),
            };
            if !going || self.flags.stopped() {
                return;
            }
        }
    }

    /// Sends a step on: analysis to the pool, the rest to the writer.
    /// False when the run stops.
    fn emit(&mut self, step: Step, cost: usize) -> bool {
        if !self.window.acquire(cost, &self.flags) {
            return false;
        }
        let seq = self.seq;
        self.seq += 1;
        match step {
            Step::Text { .. } | Step::Lines { .. } | Step::Window { .. } => {
                let tx = self.tx.clone();
                let plan = self.plan.clone();
                self.pool.spawn(move || {
                    let done = work(&plan.doc, step);
                    let _ = tx.send((seq, cost, done));
                });
            }
            other => {
                let _ = self.tx.send((seq, cost, other));
            }
        }
        true
    }

    fn fault(
        &mut self,
        src: &Source,
        line: Option<usize>,
        message: String,
        fail_source: bool,
    ) -> bool {
        let record = Record::fault(&src.name, line, Status::Error, message);
        self.emit(
            Step::Fault {
                record,
                fail_source,
            },
            0,
        )
    }

    fn source(&mut self, src: Arc<Source>) -> bool {
        let u = match self.configs.get(src.path.as_deref()) {
            Ok(u) => u,
            Err(msg) => return self.fault(&src, None, msg, false),
        };
        if let (Some(m), Some(path)) = (&self.resume, &src.path) {
            if let Some(entry) = m.complete(&src.rel, path) {
                let entry = entry.clone();
                return self.emit(Step::Resumed { src, entry }, 0);
            }
        }
        let (input, stamp): (Box<dyn Read + Send>, _) = match &src.path {
            None => (Box::new(io::stdin()), None),
            Some(p) => match File::open(p).and_then(|f| Ok((f.metadata()?, f))) {
                Ok((meta, f)) => (Box::new(f), Some((meta.len(), sink::mtime(&meta)))),
                Err(e) => {
                    let msg = unspin::Error::io(&src.name, e).to_string();
                    return self.fault(&src, None, msg, false);
                }
            },
        };
        if src.jsonl {
            self.jsonl(src, u, input, stamp)
        } else {
            self.text(src, u, input, stamp)
        }
    }

    fn text(
        &mut self,
        src: Arc<Source>,
        u: Arc<Unspinner>,
        input: Box<dyn Read + Send>,
        stamp: Option<(u64, (u64, u32))>,
    ) -> bool {
        let max = self.plan.max_bytes;
        if let Some((len, _)) = stamp.filter(|(len, _)| *len > max) {
            return self.too_large(src, None, len, 0, stamp, false);
        }
        if let (Some(path), Some((len, _))) = (&src.path, stamp) {
            if len > self.plan.window as u64 {
                let path = path.clone();
                return self.windows(src, u, &path, len, stamp);
            }
        }
        let mut bytes = Vec::with_capacity(stamp.map_or(0, |(len, _)| len as usize));
        if let Err(e) = input.take(max.saturating_add(1)).read_to_end(&mut bytes) {
            let msg = unspin::Error::io(&src.name, e).to_string();
            return self.fault(&src, None, msg, false);
        }
        if bytes.len() as u64 > max {
            let len = stamp.map_or(bytes.len() as u64, |(len, _)| len.max(bytes.len() as u64));
            return self.too_large(src, None, len, 0, stamp, false);
        }
        let cost = bytes.len();
        self.emit(Step::Begin(src.clone()), 0)
            && self.emit(
                Step::Text {
                    src: src.clone(),
                    u,
                    bytes,
                },
                cost,
            )
            && self.emit(Step::End { src, stamp }, 0)
    }

    /// A text file larger than a window: read a first time (a few passes)
    /// for what the document says as a whole, then window by window, each
    /// window analysed by a worker and its output streamed. Never more than
    /// a window (and those in flight) of it is held.
    fn windows(
        &mut self,
        src: Arc<Source>,
        u: Arc<Unspinner>,
        path: &Path,
        len: u64,
        stamp: Option<(u64, (u64, u32))>,
    ) -> bool {
        let size = self.plan.window;
        let flags = self.flags.clone();
        // On a worker, whose memory the windows' analyses then reuse (a
        // thread's freed memory is not another's to take).
        let summary = self.pool.install(|| {
            u.summarize(|each| {
                let mut windows = FileWindows::open(path, size)?;
                while let Some(w) = windows.next() {
                    if flags.stopped() {
                        return Err(unspin::Error::io(path, io::Error::other("interrupted")));
                    }
                    each(w?.text);
                }
                Ok(())
            })
        });
        let summary = match summary {
            Ok(s) => Arc::new(s),
            Err(_) if self.flags.stopped() => return false,
            Err(e) => return self.undecodable(src, e, len, stamp),
        };
        if !self.emit(Step::Begin(src.clone()), 0) {
            return false;
        }
        let mut windows = match FileWindows::open(path, size) {
            Ok(w) => w,
            Err(e) => return self.fault(&src, None, e.to_string(), true),
        };
        while let Some(w) = windows.next() {
            let w = match w {
                Ok(w) => w,
                // The file changed since the first pass.
                Err(e) => {
                    return self.fault(&src, None, e.to_string(), true)
                        && self.emit(Step::End { src, stamp }, 0);
                }
            };
            // A window's analysis holds about a hundred times its bytes:
            // counted at WINDOW_COST times, at most two windows are in
            // flight, so memory stays bounded whatever the threads.
            let cost = w.text.len().saturating_mul(WINDOW_COST);
            let step = Step::Window {
                src: src.clone(),
                u: u.clone(),
                summary: summary.clone(),
                text: w.text.to_string(),
                start: w.start,
            };
            if !self.emit(step, cost) {
                return false;
            }
        }
        let bytes = len;
        self.emit(
            Step::WindowsEnd {
                src: src.clone(),
                summary,
                bytes,
            },
            0,
        ) && self.emit(Step::End { src, stamp }, 0)
    }

    /// A text file read in windows that turned out not to be text (a NUL
    /// byte, invalid UTF-8, UTF-16) or could not be read: reported as a
    /// whole file read at once is (see [`doc::text`]), and passed through
    /// unchanged under `--on-error pass`.
    fn undecodable(
        &mut self,
        src: Arc<Source>,
        err: unspin::Error,
        len: u64,
        stamp: Option<(u64, (u64, u32))>,
    ) -> bool {
        let decoding = matches!(
            err,
            unspin::Error::Binary { .. }
                | unspin::Error::InvalidUtf8 { .. }
                | unspin::Error::Utf16 { .. }
        );
        let bytes = usize::try_from(len).unwrap_or(usize::MAX);
        let record = Record::undecodable(&src.name, src.explicit, &err, bytes);
        let fault = Step::Fault {
            record,
            fail_source: false,
        };
        if !(decoding && self.plan.doc.passes_files()) {
            return self.emit(fault, 0);
        }
        self.emit(Step::Begin(src.clone()), 0)
            && self.emit(fault, 0)
            && self.emit(
                Step::Copy {
                    src: src.clone(),
                    start: 0,
                    len,
                    newline: false,
                },
                0,
            )
            && self.emit(Step::End { src, stamp }, 0)
    }

    /// A document over `--max-bytes`: a whole file (`line` None) or a JSON
    /// line at byte `start`, to be followed by a newline when `newline`.
    /// Passed through unchanged under `--on-error pass` (copied from a file;
    /// a line from standard input is passed as it is read, by
    /// [`Reader::pass_line`], and only its newline is left to add here); left
    /// out otherwise.
    fn too_large(
        &mut self,
        src: Arc<Source>,
        line: Option<usize>,
        len: u64,
        start: u64,
        stamp: Option<(u64, (u64, u32))>,
        newline: bool,
    ) -> bool {
        let max = self.plan.max_bytes;
        let (what, pass) = match line {
            Some(n) => (
                format!("{}:{n}: line of {len} bytes", src.name),
                self.plan.doc.passes_lines(),
            ),
            None => (
                format!("{}: {len} bytes", src.name),
                self.plan.doc.passes_files(),
            ),
        };
        let mut msg = format!("{what}, over the --max-bytes limit of {max}");
        let whole = line.is_none();
        if pass && whole && src.path.is_none() {
            msg += " (standard input cannot pass it through)";
        }
        if !pass || (whole && src.path.is_none()) {
            return self.fault(&src, line, msg, false);
        }
        if src.path.is_none() {
            // A line of standard input, passed already.
            return self.fault(&src, line, msg, false)
                && (!newline || self.emit(Step::Raw(b"\n".to_vec()), 1));
        }
        (!whole || self.emit(Step::Begin(src.clone()), 0))
            && self.fault(&src, line, msg, false)
            && self.emit(
                Step::Copy {
                    src: src.clone(),
                    start,
                    len,
                    newline: !whole && newline,
                },
                0,
            )
            && (!whole || self.emit(Step::End { src, stamp }, 0))
    }

    fn jsonl(
        &mut self,
        src: Arc<Source>,
        u: Arc<Unspinner>,
        input: Box<dyn Read + Send>,
        stamp: Option<(u64, (u64, u32))>,
    ) -> bool {
        let max = self.plan.max_bytes;
        let mut r = BufReader::with_capacity(64 * 1024, input);
        match r.fill_buf() {
            Ok(b) => {
                if let Some(offset) = memchr::memchr(0, b) {
                    return self.binary(src, offset, stamp);
                }
            }
            Err(e) => {
                let msg = unspin::Error::io(&src.name, e).to_string();
                return self.fault(&src, None, msg, false);
            }
        }
        if !self.emit(Step::Begin(src.clone()), 0) {
            return false;
        }
        let mut chunk = Chunk::default();
        let (mut lineno, mut offset) = (0usize, 0u64);
        loop {
            if self.flags.stopped() {
                return false;
            }
            // Hand on what is read before waiting for more input, so a
            // stream is answered as it comes.
            if r.buffer().is_empty() && !self.flush(&src, &u, &mut chunk) {
                return false;
            }
            let start = chunk.data.len();
            match read_line(&mut r, &mut chunk.data, max) {
                Ok(None) => break,
                Ok(Some((_, End::Cut))) => {
                    lineno += 1;
                    let at = offset;
                    let kept = chunk.data.split_off(start);
                    if !self.flush(&src, &u, &mut chunk) {
                        return false;
                    }
                    let rest = if src.path.is_none() && self.plan.doc.passes_lines() {
                        self.pass_line(&mut r, kept)
                    } else {
                        rest_of_line(&mut r, |_| true)
                    };
                    let (len, newline) = match rest {
                        Ok((len, newline)) => (kept_len(max) + len, newline),
                        Err(e) => {
                            let msg = format!("{}:{lineno}: {e}", src.name);
                            let _ = self.fault(&src, Some(lineno), msg, true);
                            return false;
                        }
                    };
                    offset += len as u64 + u64::from(newline);
                    let newline = newline || !self.plan.doc.newline_as_read;
                    if !self.too_large(src.clone(), Some(lineno), len as u64, at, stamp, newline) {
                        return false;
                    }
                }
                Ok(Some((len, end))) => {
                    let newline = end == End::Newline;
                    lineno += 1;
                    offset += len as u64 + u64::from(newline);
                    chunk.lines.push(doc::LineAt {
                        number: lineno,
                        range: start..chunk.data.len(),
                        newline,
                    });
                    let full = chunk.data.len() >= CHUNK_BYTES || chunk.lines.len() >= CHUNK_LINES;
                    if full && !self.flush(&src, &u, &mut chunk) {
                        return false;
                    }
                }
                Err(e) => {
                    chunk.data.truncate(start);
                    let msg = format!("{}:{}: {e}", src.name, lineno + 1);
                    if !self.flush(&src, &u, &mut chunk)
                        || !self.fault(&src, Some(lineno + 1), msg, true)
                    {
                        return false;
                    }
                    break;
                }
            }
        }
        self.flush(&src, &u, &mut chunk) && self.emit(Step::End { src, stamp }, 0)
    }

    /// Passes a line over `--max-bytes` from standard input through as it
    /// is read (it cannot be read again): the `kept` bytes read so far, then
    /// the rest, piece by piece, within the window; its newline is output
    /// by [`Reader::too_large`].
    fn pass_line(&mut self, r: &mut impl BufRead, kept: Vec<u8>) -> io::Result<(usize, bool)> {
        let cost = kept.len();
        if !self.emit(Step::Raw(kept), cost) {
            return Err(io::Error::other("interrupted"));
        }
        let read = rest_of_line(r, |piece| self.emit(Step::Raw(piece.to_vec()), piece.len()))?;
        if self.flags.stopped() {
            return Err(io::Error::other("interrupted"));
        }
        Ok(read)
    }

    /// A JSON Lines file that holds a NUL byte: a note when found by a walk,
    /// an error when named; copied unchanged under `--on-error pass`.
    fn binary(
        &mut self,
        src: Arc<Source>,
        offset: usize,
        stamp: Option<(u64, (u64, u32))>,
    ) -> bool {
        let mut msg = unspin::Error::Binary {
            path: PathBuf::from(&src.name),
            offset,
        }
        .to_string();
        let status = if src.explicit {
            Status::Error
        } else {
            msg += ", skipped";
            Status::Skipped
        };
        let record = Record::fault(&src.name, None, status, msg);
        if !(self.plan.doc.passes_files() && src.path.is_some()) {
            return self.emit(
                Step::Fault {
                    record,
                    fail_source: false,
                },
                0,
            );
        }
        self.emit(Step::Begin(src.clone()), 0)
            && self.emit(
                Step::Fault {
                    record,
                    fail_source: false,
                },
                0,
            )
            && self.emit(
                Step::Copy {
                    src: src.clone(),
                    start: 0,
                    len: u64::MAX,
                    newline: false,
                },
                0,
            )
            && self.emit(Step::End { src, stamp }, 0)
    }

    fn flush(&mut self, src: &Arc<Source>, u: &Arc<Unspinner>, chunk: &mut Chunk) -> bool {
        if chunk.lines.is_empty() {
            chunk.data.clear();
            return true;
        }
        let chunk = std::mem::take(chunk);
        let cost = chunk.data.len();
        let step = Step::Lines {
            src: src.clone(),
            u: u.clone(),
            chunk,
        };
        self.emit(step, cost)
    }
}

/// How a line read by [`read_line`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// At a newline.
    Newline,
    /// At the end of the input.
    Eof,
    /// Cut at `max + 1` bytes: the rest is still to be read.
    Cut,
}

/// Reads one line, without its `\n`, appending its bytes to `buf` up to
/// `max + 1` of them, where it stops ([`End::Cut`]: the caller reads or
/// skips the rest with [`rest_of_line`]); returns the bytes appended and
/// how the line ended, or `None` at the end of the input. Memory stays
/// bounded whatever the line's length.
fn read_line(
    r: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: u64,
) -> io::Result<Option<(usize, End)>> {
    let keep = usize::try_from(max).unwrap_or(usize::MAX).saturating_add(1);
    let (mut len, mut any) = (0usize, false);
    loop {
        let avail = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok(any.then_some((len, End::Eof)));
        }
        any = true;
        let room = keep - len;
        let (part, end) = match memchr::memchr(b'\n', &avail[..avail.len().min(room)]) {
            Some(i) => (&avail[..i], End::Newline),
            None if avail.len() >= room => (&avail[..room], End::Cut),
            None => (avail, End::Eof),
        };
        buf.extend_from_slice(part);
        len += part.len();
        let used = part.len() + usize::from(end == End::Newline);
        r.consume(used);
        if end != End::Eof {
            return Ok(Some((len, end)));
        }
    }
}

/// Reads the rest of a line cut by [`read_line`], handing each piece to
/// `each` (which returns false to stop); returns its length and whether a
/// newline ended it.
fn rest_of_line(
    r: &mut impl BufRead,
    mut each: impl FnMut(&[u8]) -> bool,
) -> io::Result<(usize, bool)> {
    let mut len = 0;
    loop {
        let avail = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok((len, false));
        }
        let (part, newline) = match memchr::memchr(b'\n', avail) {
            Some(i) => (&avail[..i], true),
            None => (avail, false),
        };
        let going = each(part);
        len += part.len();
        let used = part.len() + usize::from(newline);
        r.consume(used);
        if newline || !going {
            return Ok((len, newline));
        }
    }
}

/// The bytes [`read_line`] keeps of a line it cuts.
fn kept_len(max: u64) -> usize {
    usize::try_from(max).unwrap_or(usize::MAX).saturating_add(1)
}

/// A worker's job: analyses a text or a chunk of lines. A panic in the
/// library fails the document, not the batch.
fn work(opts: &doc::Options, step: Step) -> Step {
    let (name, line, bytes) = match &step {
        Step::Text { src, bytes, .. } => (src.name.clone(), None, bytes.len() as u64),
        Step::Lines { src, chunk, .. } => (
            src.name.clone(),
            chunk.lines.first().map(|l| l.number),
            (chunk.data.len() + chunk.lines.len()) as u64,
        ),
        Step::Window { src, text, .. } => (src.name.clone(), None, text.len() as u64),
        _ => return step,
    };
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match &step {
        Step::Text { src, u, bytes } => doc::text(opts, u, &src.name, src.explicit, bytes),
        Step::Lines { src, u, chunk } => doc::lines(opts, u, &src.name, chunk),
        Step::Window {
            src,
            u,
            summary,
            text,
            start,
        } => {
            let window = unspin::window::Window {
                text,
                start: *start,
                exact: true,
            };
            doc::window(opts, u, &src.name, summary, window)
        }
        _ => Processed::default(),
    }));
    let p = result.unwrap_or_else(|_| {
        let at = line.map_or(name.clone(), |l| format!("{name}:{l}"));
        Processed {
            drop_source: true,
            records: vec![Record::fault(
                &name,
                line,
                Status::Error,
                format!("{at}: internal error in unspin, documents left out"),
            )],
            ..Processed::default()
        }
    });
    Step::Processed { p, bytes }
}

/// The output being written for the current source.
struct Current {
    src: Arc<Source>,
    sink: Option<FileSink>,
    failed: bool,
    changed: bool,
    counts: Tally,
    /// A document read in windows: what its windows held so far.
    parts: doc::Part,
    /// `check --format json` of a document read in windows: its findings,
    /// kept aside until their count heads the document's object.
    spool: Option<BufWriter<File>>,
}

/// Takes the steps back in input order and writes them.
struct Writer<'p> {
    plan: &'p Plan,
    out: BufWriter<io::StdoutLock<'static>>,
    current: Option<Current>,
    manifest: Option<Manifest>,
    report: Option<Report>,
    progress: Progress,
    tally: Tally,
    outputs: HashSet<PathBuf>,
}

impl Writer<'_> {
    /// Handles every step in order until the reader and the workers are
    /// done; an error here (standard output closed, an interruption) ends
    /// the run, and open temporary files are removed as the writer drops.
    fn drain(
        &mut self,
        rx: &Receiver<(u64, usize, Step)>,
        window: &Window,
        flags: &Flags,
    ) -> anyhow::Result<()> {
        let mut pending = BTreeMap::new();
        let mut next = 0u64;
        loop {
            if flags.interrupted.load(Ordering::Relaxed) {
                anyhow::bail!("interrupted");
            }
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok((seq, cost, step)) => {
                    pending.insert(seq, (cost, step));
                }
                Err(RecvTimeoutError::Timeout) => continue,
                Err(RecvTimeoutError::Disconnected) => break,
            }
            while let Some((cost, step)) = pending.remove(&next) {
                self.handle(step)?;
                window.release(cost);
                next += 1;
                if flags.interrupted.load(Ordering::Relaxed) {
                    anyhow::bail!("interrupted");
                }
            }
            if pending.is_empty() {
                // Caught up: let a stream's reader see what is done.
                self.out.flush()?;
            }
        }
        Ok(())
    }

    fn handle(&mut self, step: Step) -> anyhow::Result<()> {
        match step {
            Step::Begin(src) => self.begin(src),
            Step::Processed { p, bytes } => {
                self.tally.bytes += bytes;
                self.progress.advance(p.records.len(), bytes);
                for r in &p.records {
                    self.record(r)?;
                }
                if let Some(c) = &mut self.current {
                    c.failed |= p.drop_source;
                    c.changed |= p.changed;
                }
                match p.part {
                    Some(part) => self.part(part, &p.out)?,
                    None if !p.drop_source => self.output(&p.out)?,
                    None => {}
                }
            }
            Step::WindowsEnd {
                src,
                summary,
                bytes,
            } => self.windows_end(&src, &summary, bytes)?,
            Step::Copy {
                src,
                start,
                len,
                newline,
            } => self.copy(&src, start, len, newline)?,
            Step::Raw(bytes) => {
                self.tally.bytes += bytes.len() as u64;
                self.progress.advance(0, bytes.len() as u64);
                self.output(&bytes)?;
            }
            Step::Fault {
                record,
                fail_source,
            } => {
                self.record(&record)?;
                if let Some(c) = &mut self.current {
                    c.failed |= fail_source;
                }
            }
            Step::End { src, stamp } => self.end(&src, stamp)?,
            Step::Resumed { src, entry } => {
                self.tally.documents += entry.documents;
                self.tally.spun += entry.spun;
                self.tally.restorations += entry.restorations;
                self.tally.errors += entry.errors;
                self.tally.resumed += 1;
                if let Some(report) = &mut self.report {
                    let mut r = Record::fault(&src.name, None, Status::Resumed, String::new());
                    r.message = None;
                    r.restorations = entry.restorations;
                    r.bytes = entry.size as usize;
                    report
                        .row(&r)
                        .with_context(|| report.path().display().to_string())?;
                }
            }
            Step::Text { .. } | Step::Lines { .. } | Step::Window { .. } => {
                unreachable!("analysed by a worker")
            }
        }
        Ok(())
    }

    /// A window's output: written, or for `check --format json` kept
    /// aside (see [`Current::spool`]), commas between the windows' findings.
    fn part(&mut self, part: doc::Part, out: &[u8]) -> anyhow::Result<()> {
        let json = matches!(self.plan.doc.task, Task::CheckJson | Task::CheckEcho);
        let Some(c) = &mut self.current else {
            return Ok(());
        };
        let before = c.parts;
        c.parts.restorations += part.restorations;
        c.parts.findings += part.findings;
        if !json {
            return self.output(out);
        }
        if out.is_empty() {
            return Ok(());
        }
        if c.spool.is_none() {
            c.spool = Some(BufWriter::new(tempfile::tempfile()?));
        }
        if let Some(spool) = &mut c.spool {
            if before.findings > 0 {
                spool.write_all(b",")?;
            }
            spool.write_all(out)?;
        }
        Ok(())
    }

    /// The end of a document read in windows: its record, and the output
    /// around its windows' (see [`doc::windows_end`]).
    fn windows_end(
        &mut self,
        src: &Source,
        summary: &DocumentSummary,
        bytes: u64,
    ) -> anyhow::Result<()> {
        let Some(c) = &mut self.current else {
            return Ok(());
        };
        let (parts, spool) = (c.parts, c.spool.take());
        let bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
        let (record, head, tail) = doc::windows_end(
            &self.plan.doc,
            &src.name,
            summary,
            parts.restorations,
            bytes,
        );
        self.progress.advance(1, 0);
        self.record(&record)?;
        self.output(&head)?;
        if let Some(spool) = spool {
            let mut f = spool.into_inner().map_err(|e| e.into_error())?;
            f.seek(SeekFrom::Start(0))?;
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                match f.read(&mut buf)? {
                    0 => break,
                    n => self.output(&buf[..n])?,
                }
            }
        }
        self.output(&tail)
    }

    /// Counts a document, reports it, and says what went wrong.
    fn record(&mut self, r: &Record) -> anyhow::Result<()> {
        let mut counts = [&mut self.tally]
            .into_iter()
            .chain(self.current.as_mut().map(|c| &mut c.counts));
        for t in &mut counts {
            match r.status {
                Status::Ok => {
                    t.documents += 1;
                    t.spun += usize::from(r.spun == Some(true));
                    t.restorations += r.restorations;
                }
                Status::Error => t.errors += 1,
                Status::Skipped => t.skipped += 1,
                Status::Resumed => t.resumed += 1,
            }
        }
        if let Some(msg) = &r.message {
            if r.status == Status::Error || !self.plan.quiet {
                self.progress.eprintln(&format!("unspin: {msg}"));
            }
        }
        if let Some(report) = &mut self.report {
            report
                .row(r)
                .with_context(|| report.path().display().to_string())?;
        }
        Ok(())
    }

    fn fail(&mut self, message: String) -> anyhow::Result<()> {
        let name = self
            .current
            .as_ref()
            .map_or(String::new(), |c| c.src.name.clone());
        if let Some(c) = &mut self.current {
            c.failed = true;
            c.sink = None;
        }
        self.record(&Record::fault(&name, None, Status::Error, message))
    }

    fn begin(&mut self, src: Arc<Source>) {
        let dest = match &self.plan.dest {
            Dest::Stdout => None,
            Dest::OutDir(d) => Some(d.join(&src.rel)),
            Dest::InPlace => src.path.clone(),
            Dest::File(o) => Some(o.clone()),
        };
        self.current = Some(Current {
            src: src.clone(),
            sink: None,
            failed: false,
            changed: false,
            counts: Tally::default(),
            parts: doc::Part::default(),
            spool: None,
        });
        let Some(dest) = dest else { return };
        let problem =
            if !matches!(self.plan.dest, Dest::InPlace) && !self.outputs.insert(dest.clone()) {
                Some(format!(
                    "{}: its output {} is an earlier input's too; left out",
                    src.name,
                    dest.display()
                ))
            } else if !matches!(self.plan.dest, Dest::InPlace)
                && src.path.as_deref().is_some_and(|p| same_file(p, &dest))
            {
                Some(format!(
                    "{}: the output {} is the input; use --write to restore in place",
                    src.name,
                    dest.display()
                ))
            } else if self.plan.dry_run {
                None
            } else {
                let perms = match self.plan.dest {
                    Dest::OutDir(_) => src.path.as_deref(),
                    _ => None,
                };
                match FileSink::create(&dest, perms) {
                    Ok(s) => {
                        if let Some(c) = &mut self.current {
                            c.sink = Some(s);
                        }
                        None
                    }
                    Err(e) => Some(format!("{}: {e}", dest.display())),
                }
            };
        if let Some(msg) = problem {
            // Recording cannot fail here but for the report; that error
            // shows again at the next row.
            let _ = self.fail(msg);
        }
    }

    /// Writes output bytes where the current source's output goes.
    fn output(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        if let Some(Current { sink: Some(s), .. }) = &mut self.current {
            if let Err(e) = s.write(bytes) {
                let msg = format!("{}: {e}", s.dest().display());
                return self.fail(msg);
            }
        } else if self.plan.prints() {
            self.out.write_all(bytes)?;
        }
        Ok(())
    }

    /// Copies part of the source's file unchanged, in pieces.
    fn copy(&mut self, src: &Source, start: u64, len: u64, newline: bool) -> anyhow::Result<()> {
        let Some(path) = &src.path else { return Ok(()) };
        let opened = File::open(path).and_then(|mut f| f.seek(SeekFrom::Start(start)).map(|_| f));
        let mut f = match opened {
            Ok(f) => f.take(len),
            Err(e) => return self.fail(format!("{}: {e}", src.name)),
        };
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            match f.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => {
                    self.tally.bytes += n as u64;
                    self.progress.advance(0, n as u64);
                    self.output(&buf[..n])?;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return self.fail(format!("{}: {e}", src.name)),
            }
        }
        if newline {
            self.output(b"\n")?;
        }
        Ok(())
    }

    /// Completes the current source's output: renamed into place (for
    /// `--write`, only when something changed) and recorded in the
    /// manifest; or dropped when the source failed.
    fn end(&mut self, src: &Source, stamp: Option<(u64, (u64, u32))>) -> anyhow::Result<()> {
        let Some(c) = self.current.take() else {
            return Ok(());
        };
        let Some(sink) = c.sink else { return Ok(()) };
        if c.failed || (matches!(self.plan.dest, Dest::InPlace) && !c.changed) {
            return Ok(());
        }
        // In place, a file written by someone else during the run is not
        // replaced: what they wrote would be lost.
        let expect = match self.plan.dest {
            Dest::InPlace => stamp.map(|(len, mtime)| unspin::input::Stamp { len, mtime }),
            _ => None,
        };
        let out_bytes = match sink.persist(expect) {
            Ok(n) => n,
            Err(e) => {
                let msg = e.to_string();
                return self.record(&Record::fault(&src.name, None, Status::Error, msg));
            }
        };
        if let (Some(m), Some((size, mtime))) = (&mut self.manifest, stamp) {
            let entry = Entry {
                output: sink::rel_key(&src.rel),
                input: src.name.clone(),
                size,
                mtime,
                out_bytes,
                documents: c.counts.documents,
                spun: c.counts.spun,
                restorations: c.counts.restorations,
                errors: c.counts.errors,
            };
            if let Err(e) = m.record(&entry) {
                let msg = format!("{}: {e}", sink::MANIFEST);
                self.record(&Record::fault(&src.name, None, Status::Error, msg))?;
            }
        }
        Ok(())
    }

    /// Flushes standard output and renames the report into place; returns
    /// the run's totals.
    fn finish(mut self) -> anyhow::Result<Tally> {
        self.out.flush()?;
        if let Some(report) = self.report.take() {
            let path = report.path().to_path_buf();
            report
                .finish()
                .with_context(|| path.display().to_string())?;
        }
        Ok(std::mem::take(&mut self.tally))
    }
}

/// Whether two paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_cut_past_the_limit_and_their_rest_read_apart() {
        let data = b"short\nthis line is long\n\nlast";
        let mut r = BufReader::with_capacity(4, &data[..]);
        let mut buf = Vec::new();
        assert_eq!(
            read_line(&mut r, &mut buf, 8).unwrap(),
            Some((5, End::Newline))
        );
        assert_eq!(buf, b"short");
        buf.clear();
        assert_eq!(read_line(&mut r, &mut buf, 8).unwrap(), Some((9, End::Cut)));
        assert_eq!(buf, b"this line");
        let mut rest = Vec::new();
        let got = rest_of_line(&mut r, |p| {
            rest.extend_from_slice(p);
            true
        });
        assert_eq!(got.unwrap(), (8, true));
        assert_eq!(rest, b" is long");
        buf.clear();
        assert_eq!(
            read_line(&mut r, &mut buf, 8).unwrap(),
            Some((0, End::Newline))
        );
        assert_eq!(read_line(&mut r, &mut buf, 8).unwrap(), Some((4, End::Eof)));
        assert_eq!(buf, b"last");
        assert_eq!(read_line(&mut r, &mut buf, 8).unwrap(), None);
    }

    #[test]
    fn window_admits_one_oversized_item_alone() {
        let w = Window::new(2, 10);
        let flags = Flags::default();
        assert!(w.acquire(100, &flags));
        flags.stop.store(true, Ordering::Relaxed);
        assert!(!w.acquire(1, &flags));
        w.release(100);
    }
}
