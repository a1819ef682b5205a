//! The reading end of a batch: the inputs listed in order, each read
//! (a text file whole, a large one in windows, JSON Lines in chunks of
//! lines) and handed on, analysis to the workers and the rest straight to
//! the writer, within the window.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::doc::{self, Chunk, Processed, Record, Status};
use super::flow::Feed;
use super::manifest::{self, Entry, Manifest};
use super::walk::{self, Source, Walked};
use super::Batch;
use crate::config::ProjectConfig;
use crate::window::FileWindows;
use crate::{DocumentSummary, Unspinner};

/// JSON lines handed to a worker at once, at most.
const CHUNK_LINES: usize = 256;
/// Bytes of JSON lines handed to a worker at once, about.
const CHUNK_BYTES: usize = 64 * 1024;

/// What a window of a document read in windows counts for against the
/// window of the flow, per byte of its text.
const WINDOW_COST: usize = 16;

/// One step of the pipeline, from the reader through the workers to the
/// writer.
pub(super) enum Step {
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
        start: crate::window::Start,
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
pub(super) struct Reader {
    batch: Arc<Batch>,
    feed: Feed<Step>,
    configs: Configs,
    resume: Option<Manifest>,
}

impl Reader {
    pub(super) fn new(batch: Arc<Batch>, feed: Feed<Step>, resume: Option<Manifest>) -> Reader {
        let base = Arc::new(batch.unspinner.clone());
        Reader {
            batch,
            feed,
            configs: Configs {
                base,
                by_dir: HashMap::new(),
            },
            resume,
        }
    }

    /// Reads every input, until the end or until the run stops.
    pub(super) fn run(mut self) {
        let plan = self.batch.clone();
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
            if !going || self.feed.flags().stopped() {
                return;
            }
        }
    }

    /// Sends a step on: analysis to a worker, the rest to the writer.
    /// False when the run stops.
    fn emit(&mut self, step: Step, cost: usize) -> bool {
        match step {
            Step::Text { .. } | Step::Lines { .. } | Step::Window { .. } => {
                let batch = self.batch.clone();
                self.feed.work(cost, move || work(&batch.doc, step))
            }
            other => self.feed.pass(cost, other),
        }
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
                Ok((meta, f)) => (Box::new(f), Some((meta.len(), manifest::mtime(&meta)))),
                Err(e) => {
                    let msg = crate::Error::io(&src.name, e).to_string();
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
        let max = self.batch.max_bytes;
        if let Some((len, _)) = stamp.filter(|(len, _)| *len > max) {
            return self.too_large(src, None, len, 0, stamp, false);
        }
        if let (Some(path), Some((len, _))) = (&src.path, stamp) {
            if len > self.batch.window as u64 {
                let path = path.clone();
                return self.windows(src, u, &path, len, stamp);
            }
        }
        let mut bytes = Vec::with_capacity(stamp.map_or(0, |(len, _)| len as usize));
        if let Err(e) = input.take(max.saturating_add(1)).read_to_end(&mut bytes) {
            let msg = crate::Error::io(&src.name, e).to_string();
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
        let size = self.batch.window;
        let flags = self.feed.flags().clone();
        // On a worker, whose memory the windows' analyses then reuse (a
        // thread's freed memory is not another's to take).
        let summary = self.feed.pool().install(|| {
            u.summarize(|each| {
                let mut windows = FileWindows::open(path, size)?;
                while let Some(w) = windows.next() {
                    if flags.stopped() {
                        return Err(crate::Error::io(path, io::Error::other("interrupted")));
                    }
                    each(w?.text);
                }
                Ok(())
            })
        });
        let summary = match summary {
            Ok(s) => Arc::new(s),
            Err(_) if self.feed.flags().stopped() => return false,
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
        err: crate::Error,
        len: u64,
        stamp: Option<(u64, (u64, u32))>,
    ) -> bool {
        let decoding = matches!(
            err,
            crate::Error::Binary { .. }
                | crate::Error::InvalidUtf8 { .. }
                | crate::Error::Utf16 { .. }
        );
        let bytes = usize::try_from(len).unwrap_or(usize::MAX);
        let record = Record::undecodable(&src.name, src.explicit, &err, bytes);
        let fault = Step::Fault {
            record,
            fail_source: false,
        };
        if !(decoding && self.batch.doc.passes_files()) {
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
        let max = self.batch.max_bytes;
        let (what, pass) = match line {
            Some(n) => (
                format!("{}:{n}: line of {len} bytes", src.name),
                self.batch.doc.passes_lines(),
            ),
            None => (
                format!("{}: {len} bytes", src.name),
                self.batch.doc.passes_files(),
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
        let max = self.batch.max_bytes;
        let mut r = BufReader::with_capacity(64 * 1024, input);
        match r.fill_buf() {
            Ok(b) => {
                if let Some(offset) = memchr::memchr(0, b) {
                    return self.binary(src, offset, stamp);
                }
            }
            Err(e) => {
                let msg = crate::Error::io(&src.name, e).to_string();
                return self.fault(&src, None, msg, false);
            }
        }
        if !self.emit(Step::Begin(src.clone()), 0) {
            return false;
        }
        let mut chunk = Chunk::default();
        let (mut lineno, mut offset) = (0usize, 0u64);
        loop {
            if self.feed.flags().stopped() {
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
                    let rest = if src.path.is_none() && self.batch.doc.passes_lines() {
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
                    let newline = newline || !self.batch.doc.newline_as_read;
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
        if self.feed.flags().stopped() {
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
        let mut msg = crate::Error::Binary {
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
        if !(self.batch.doc.passes_files() && src.path.is_some()) {
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
            let window = crate::window::Window {
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
}
