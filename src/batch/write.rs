//! The writing end of a batch: the steps taken back in input order and
//! written where they go, an output file for each source (through a
//! temporary file, renamed when complete), the manifest and the report.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use super::doc::{self, Record, Status, Task};
use super::files::{self, FileSink, Report};
use super::flow::{flow, Flags, Take, Window};
use super::manifest::{self, Entry, Manifest};
use super::read::{Reader, Step};
use super::walk::Source;
use super::{pool, Batch, Dest, Observer, Totals, WINDOW_BYTES};
use crate::error::{Error, Result};
use crate::DocumentSummary;

/// The name standard output goes by in messages.
const STREAM: &str = "<stdout>";

/// How long the writer, caught up, sleeps before it waits to be woken by
/// the next step (see [`super::flow::Take::linger`]): a document takes a
/// few tenths of a millisecond, so that a wake serves several.
const WRITER_LINGER: std::time::Duration = std::time::Duration::from_millis(1);

/// Runs `batch`: the reader on a thread of its own, the analyses on the
/// workers, the writer here.
pub(super) fn run(
    mut batch: Batch,
    out: &mut dyn Write,
    observer: &mut dyn Observer,
) -> Result<Totals> {
    let flags = Arc::new(Flags::new(batch.cancel.clone()));
    let mut manifest = None;
    let mut resume = None;
    if let Dest::OutDir(dir) = &batch.dest {
        if !batch.dry_run {
            let removed = files::remove_stale_temps(dir);
            if removed > 0 {
                observer.note(&format!(
                    "{}: removed {removed} temporary files left by an interrupted run",
                    dir.display()
                ));
            }
        }
        let (mut m, note) = Manifest::open(dir, &batch.settings, batch.resume, batch.dry_run)
            .map_err(|e| Error::io(dir.join(manifest::MANIFEST), e))?;
        if let Some(note) = note {
            observer.warn(&note);
        }
        if batch.resume {
            resume = Some(Manifest::lookup(dir, m.take_entries()));
        }
        manifest = Some(m);
    }
    let report = match &batch.report {
        Some(p) => Some(Report::create(p).map_err(|e| Error::io(p, e))?),
        None => None,
    };
    batch.doc.html = report.as_ref().and_then(Report::html);
    let (cores, threads) = (pool::cores(), batch.threads);
    let capped = pool::capped_threads(threads, cores);
    if capped < threads {
        observer.note(&format!(
            "-j {threads} capped at {capped} ({} per core on {cores} cores)",
            pool::MAX_THREADS_PER_CORE
        ));
    }
    let pool = pool::pool(capped);
    // Begin and End steps cost nothing, so the item bound is generous;
    // the bytes bound is what holds memory flat.
    let window = Window::new(16 * pool.current_num_threads() + 16, WINDOW_BYTES);
    let (feed, mut take) = flow(pool, window, flags.clone());
    take.linger(WRITER_LINGER);
    let batch = Arc::new(batch);
    let reader = Reader::new(batch.clone(), feed, resume);
    let reading = std::thread::Builder::new()
        .name("unspin-reader".into())
        .spawn(move || reader.run())
        .map_err(|e| Error::io("unspin-reader", e))?;
    let mut writer = Writer {
        batch: &batch,
        out: BufWriter::with_capacity(256 * 1024, out),
        current: None,
        manifest,
        report,
        observer,
        totals: Totals::default(),
        outputs: HashSet::new(),
    };
    let drained = writer.drain(take);
    flags.stop.store(true, Ordering::Relaxed);
    drained?;
    // The reader has sent everything and hung up.
    let _ = reading.join();
    writer.finish()
}

/// The output being written for the current source.
struct Current {
    src: Arc<Source>,
    sink: Option<FileSink>,
    failed: bool,
    changed: bool,
    /// The source's document was not passed on (see
    /// [`doc::Processed::left_out`]): it gets no output file.
    left_out: bool,
    counts: Totals,
    /// A document read in windows: what its windows held so far.
    parts: doc::Part,
    /// `check --format json` of a document read in windows: its findings,
    /// kept aside until their count heads the document's object.
    spool: Option<BufWriter<File>>,
}

/// Takes the steps back in input order and writes them.
struct Writer<'b, 'o> {
    batch: &'b Batch,
    out: BufWriter<&'o mut dyn Write>,
    current: Option<Current>,
    manifest: Option<Manifest>,
    report: Option<Report>,
    observer: &'o mut dyn Observer,
    totals: Totals,
    outputs: HashSet<PathBuf>,
}

/// An error writing the stream.
fn stream_error(e: io::Error) -> Error {
    Error::io(STREAM, e)
}

impl Writer<'_, '_> {
    /// Handles every step in order until the reader and the workers are
    /// done; an error here (the stream closed, a cancellation) ends the
    /// run, and open temporary files are removed as the writer drops.
    fn drain(&mut self, mut take: Take<Step>) -> Result<()> {
        loop {
            // Caught up: let a stream's reader see what is done.
            let out = &mut self.out;
            let step = take.next(|| out.flush().map_err(stream_error))?;
            match step {
                Some(step) => self.handle(step)?,
                None => return Ok(()),
            }
        }
    }

    fn handle(&mut self, step: Step) -> Result<()> {
        match step {
            Step::Begin(src) => self.begin(src),
            Step::Processed { p, bytes } => {
                self.totals.bytes += bytes;
                self.observer.advance(p.records.len(), bytes);
                for r in &p.records {
                    self.record(r)?;
                }
                if let Some(c) = &mut self.current {
                    c.failed |= p.drop_source;
                    c.changed |= p.changed;
                    c.left_out |= p.left_out;
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
                self.totals.bytes += bytes.len() as u64;
                self.observer.advance(0, bytes.len() as u64);
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
                self.totals.documents += entry.documents;
                self.totals.spun += entry.spun;
                self.totals.restorations += entry.restorations;
                self.totals.errors += entry.errors;
                self.totals.resumed += 1;
                if let Some(report) = &mut self.report {
                    let mut r = Record::fault(&src.name, None, Status::Resumed, String::new());
                    r.message = None;
                    r.restorations = entry.restorations;
                    r.bytes = entry.size as usize;
                    report.row(&r).map_err(|e| Error::io(report.path(), e))?;
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
    fn part(&mut self, part: doc::Part, out: &[u8]) -> Result<()> {
        let json = matches!(self.batch.doc.task, Task::CheckJson | Task::CheckEcho);
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
        let spooled = (|| {
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
        })();
        spooled.map_err(|e| Error::io(std::env::temp_dir(), e))
    }

    /// The end of a document read in windows: its record, and the output
    /// around its windows' (see [`doc::windows_end`]).
    fn windows_end(&mut self, src: &Source, summary: &DocumentSummary, bytes: u64) -> Result<()> {
        let Some(c) = &mut self.current else {
            return Ok(());
        };
        let (parts, spool) = (c.parts, c.spool.take());
        let bytes = usize::try_from(bytes).unwrap_or(usize::MAX);
        let (record, head, tail) = doc::windows_end(
            &self.batch.doc,
            &src.name,
            summary,
            parts.restorations,
            bytes,
        );
        self.observer.advance(1, 0);
        self.record(&record)?;
        self.output(&head)?;
        if let Some(spool) = spool {
            let spooled = std::env::temp_dir();
            let mut f = spool
                .into_inner()
                .map_err(|e| Error::io(&spooled, e.into_error()))?;
            f.seek(SeekFrom::Start(0))
                .map_err(|e| Error::io(&spooled, e))?;
            let mut buf = vec![0u8; 64 * 1024];
            loop {
                match f.read(&mut buf).map_err(|e| Error::io(&spooled, e))? {
                    0 => break,
                    n => self.output(&buf[..n])?,
                }
            }
        }
        self.output(&tail)
    }

    /// Counts a document, reports it, and tells the observer.
    fn record(&mut self, r: &Record) -> Result<()> {
        let counts = [&mut self.totals]
            .into_iter()
            .chain(self.current.as_mut().map(|c| &mut c.counts));
        for t in counts {
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
        self.observer.record(r);
        if let Some(report) = &mut self.report {
            report.row(r).map_err(|e| Error::io(report.path(), e))?;
        }
        Ok(())
    }

    fn fail(&mut self, message: String) -> Result<()> {
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
        let dest = match &self.batch.dest {
            Dest::Stream => None,
            Dest::OutDir(d) => Some(d.join(&src.rel)),
            Dest::InPlace => src.path.clone(),
            Dest::File(o) => Some(o.clone()),
        };
        self.current = Some(Current {
            src: src.clone(),
            sink: None,
            failed: false,
            changed: false,
            left_out: false,
            counts: Totals::default(),
            parts: doc::Part::default(),
            spool: None,
        });
        let Some(dest) = dest else { return };
        let in_place = matches!(self.batch.dest, Dest::InPlace);
        let problem = if !in_place && !self.outputs.insert(dest.clone()) {
            Some(format!(
                "{}: its output {} is an earlier input's too; left out",
                src.name,
                dest.display()
            ))
        } else if !in_place && src.path.as_deref().is_some_and(|p| same_file(p, &dest)) {
            Some(format!(
                "{}: the output {} is the input; use --write to restore in place",
                src.name,
                dest.display()
            ))
        } else if self.batch.dry_run {
            None
        } else {
            let perms = match self.batch.dest {
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
    fn output(&mut self, bytes: &[u8]) -> Result<()> {
        if bytes.is_empty() {
            return Ok(());
        }
        if let Some(Current { sink: Some(s), .. }) = &mut self.current {
            if let Err(e) = s.write(bytes) {
                let msg = format!("{}: {e}", s.dest().display());
                return self.fail(msg);
            }
        } else if self.batch.prints() {
            self.out.write_all(bytes).map_err(stream_error)?;
        }
        Ok(())
    }

    /// Copies part of the source's file unchanged, in pieces.
    fn copy(&mut self, src: &Source, start: u64, len: u64, newline: bool) -> Result<()> {
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
                    self.totals.bytes += n as u64;
                    self.observer.advance(0, n as u64);
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

    /// Completes the current source's output: renamed into place (in
    /// place, only when something changed) and recorded in the manifest;
    /// or dropped when the source failed. A source left out by
    /// [`doc::Options::only`] gets no output, and is recorded as such.
    fn end(&mut self, src: &Source, stamp: Option<(u64, (u64, u32))>) -> Result<()> {
        let Some(c) = self.current.take() else {
            return Ok(());
        };
        let Some(sink) = c.sink else { return Ok(()) };
        let in_place = matches!(self.batch.dest, Dest::InPlace);
        if c.failed || (in_place && !c.changed) {
            return Ok(());
        }
        // In place, a file written by someone else during the run is not
        // replaced: what they wrote would be lost.
        let expect = match in_place {
            true => stamp.map(|(len, mtime)| crate::input::Stamp { len, mtime }),
            false => None,
        };
        let out_bytes = if c.left_out {
            // Dropped: its temporary file is removed.
            drop(sink);
            0
        } else {
            match sink.persist(expect) {
                Ok(n) => n,
                Err(e) => {
                    let msg = e.to_string();
                    return self.record(&Record::fault(&src.name, None, Status::Error, msg));
                }
            }
        };
        if let (Some(m), Some((size, mtime))) = (&mut self.manifest, stamp) {
            let entry = Entry {
                output: manifest::rel_key(&src.rel),
                input: src.name.clone(),
                size,
                mtime,
                out_bytes,
                documents: c.counts.documents,
                spun: c.counts.spun,
                restorations: c.counts.restorations,
                errors: c.counts.errors,
                left_out: c.left_out,
            };
            if let Err(e) = m.record(&entry) {
                let msg = format!("{}: {e}", manifest::MANIFEST);
                self.record(&Record::fault(&src.name, None, Status::Error, msg))?;
            }
        }
        Ok(())
    }

    /// Flushes the stream and renames the report into place; returns the
    /// run's totals.
    fn finish(mut self) -> Result<Totals> {
        self.out.flush().map_err(stream_error)?;
        if let Some(report) = self.report.take() {
            let path = report.path().to_path_buf();
            report.finish().map_err(|e| Error::io(path, e))?;
        }
        Ok(std::mem::take(&mut self.totals))
    }
}

/// Whether two paths name the same existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
