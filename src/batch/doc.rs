//! One document of a batch through the analysis: bytes in, the bytes to
//! output and a [`Record`] of what happened out. No I/O here; the reader
//! and the writer of the batch read and write.

use std::fmt::Debug;
use std::ops::Range;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::jsonl::{Document, FieldPath};
use crate::report::html::HtmlReport;
use crate::report::{round4, DocumentRecord};
use crate::{Analysis, DocumentSummary, Unspinner};

/// What is made of each document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Task {
    /// `check`: the findings of each document listed as text, by the
    /// [`Options::listing`].
    CheckText,
    /// `check --format json`: one object per document.
    CheckJson,
    /// `check --jsonl`: each JSON line echoed with "score" and "findings".
    CheckEcho,
    /// `fix`: the restored text; a JSON line echoed with its text field
    /// restored and "score" (and "findings" under [`Options::findings`]).
    Fix,
}

/// Which documents a batch passes on, by the verdict on each
/// ([`Analysis::is_spun`]; [`DocumentSummary::is_spun`] for a document read
/// in windows): a data team quarantines the spun ones, or keeps the clean.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Only {
    /// Only the documents judged spun.
    Spun,
    /// Only the documents judged clean.
    Clean,
}

impl Only {
    /// Whether a document judged `spun` (or clean) is passed on.
    pub fn passes(self, spun: bool) -> bool {
        spun == (self == Only::Spun)
    }

    /// The verdict as written: `spun` or `clean`.
    pub fn as_str(self) -> &'static str {
        match self {
            Only::Spun => "spun",
            Only::Clean => "clean",
        }
    }
}

impl std::str::FromStr for Only {
    type Err = String;

    /// `spun` or `clean`.
    fn from_str(s: &str) -> Result<Only, String> {
        match s {
            "spun" => Ok(Only::Spun),
            "clean" => Ok(Only::Clean),
            other => Err(format!("only must be \"spun\" or \"clean\", not {other:?}")),
        }
    }
}

/// How documents are processed, the same for every document of a run.
#[derive(Debug, Clone)]
pub struct Options {
    /// What is made of each document.
    pub task: Task,
    /// The text field of JSON Lines documents.
    pub field: FieldPath,
    /// Documents scoring below this are kept as written.
    pub min_score: Option<f64>,
    /// Pass a bad document through unchanged (`--on-error pass`) rather
    /// than leaving it out.
    pub pass: bool,
    /// End an output line with a newline only where its input line had one
    /// (writing files: the last line of a file may have none); otherwise
    /// every line ends with one (standard output, where sources follow each
    /// other).
    pub newline_as_read: bool,
    /// Whether an echoed JSON line gets "findings": always for `check
    /// --jsonl`, on request for `fix` (`--findings`), whose output is the
    /// user's data and would grow several times over.
    pub findings: bool,
    /// How [`Task::CheckText`] lists a document.
    pub listing: Option<Arc<dyn Listing>>,
    /// The HTML report (`--report FILE.html`), fed each analysis.
    pub html: Option<Arc<Mutex<HtmlReport>>>,
    /// Pass on only the documents of this verdict: the others are left
    /// out of the output (a whole text document gets no output file; see
    /// [`Processed::left_out`]), yet recorded and counted all the same.
    pub only: Option<Only>,
    /// Documents [`Options::only`] does not pass on are output as read
    /// instead of left out: restoring in place (`fix --write`) never
    /// deletes, so there `only` chooses what is restored.
    pub keep_others: bool,
}

/// The text listing of `check` (the command line's printer): what a
/// document's findings and its score look like as lines of text. Called on
/// the worker threads, so the listing is made in parallel.
pub trait Listing: Send + Sync + Debug {
    /// The lines of a document's findings (of a window of it, when read in
    /// windows). `kept`: the document is kept as written (under
    /// [`Options::min_score`]), so nothing is restored.
    fn findings(&self, out: &mut Vec<u8>, name: &str, a: &Analysis<'_>, kept: bool);

    /// The line that ends a document's listing: its score and verdict
    /// (`spun`), its restorations and words.
    fn score(&self, out: &mut Vec<u8>, name: &str, verdict: Verdict, kept: bool);

    /// Whether [`Listing::findings`] lists findings that are not restored
    /// (all those of a document judged clean): when not, such a document's
    /// sites need not be decided ([`Unspinner::analyze_verdict`]).
    fn lists_kept(&self) -> bool {
        true
    }
}

/// A document's score, verdict and counts, for its score line.
#[derive(Debug, Clone, Copy)]
pub struct Verdict {
    /// The document spin score.
    pub score: f64,
    /// Whether it is judged spun.
    pub spun: bool,
    /// Restorations made (or proposed).
    pub restorations: usize,
    /// Words in the document.
    pub words: usize,
}

impl Options {
    /// The options of `task` with the command line's defaults: the text
    /// field `text`, no minimum score, bad documents left out, every output
    /// line ended with a newline, "findings" in echoed lines for `check
    /// --jsonl` only, no listing.
    pub fn new(task: Task) -> Options {
        Options {
            task,
            field: FieldPath::new("text"),
            min_score: None,
            pass: false,
            newline_as_read: false,
            findings: task == Task::CheckEcho,
            listing: None,
            html: None,
            only: None,
            keep_others: false,
        }
    }

    /// Whether a document judged `spun` (or clean) is passed on.
    pub fn passes(&self, spun: bool) -> bool {
        self.only.is_none_or(|o| o.passes(spun))
    }

    /// Whether anything made of a document lists the findings of one
    /// judged clean (none of which is restored): `check --format json`,
    /// echoed "findings", the HTML report, a listing of kept findings.
    fn lists_clean_findings(&self) -> bool {
        self.html.is_some()
            || match self.task {
                Task::CheckJson => true,
                Task::CheckEcho | Task::Fix => self.findings,
                Task::CheckText => self.listing.as_ref().is_none_or(|l| l.lists_kept()),
            }
    }

    /// Analyses `text` as this run needs it: a document judged clean is
    /// not decided site by site when no finding of it is listed.
    fn analyze<'t>(&self, u: &Unspinner, text: &'t str) -> Analysis<'t> {
        match self.lists_clean_findings() {
            true => u.analyze(text),
            false => u.analyze_verdict(text),
        }
    }

    /// Hands the HTML report, if one is written, to `f`.
    fn observe(&self, f: impl FnOnce(&mut HtmlReport)) {
        if let Some(h) = &self.html {
            f(&mut h.lock().unwrap_or_else(PoisonError::into_inner));
        }
    }

    /// Whether a whole file that cannot be processed is passed through:
    /// only `fix` outputs texts.
    pub fn passes_files(&self) -> bool {
        self.pass && self.task == Task::Fix
    }

    /// Whether a JSON line that cannot be processed is passed through:
    /// `fix` and `check --jsonl` output lines.
    pub fn passes_lines(&self) -> bool {
        self.pass && matches!(self.task, Task::Fix | Task::CheckEcho)
    }
}

/// How a document fared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Analysed (and restored, for `fix`).
    Ok,
    /// Could not be processed: counted as an error (exit status 2).
    Error,
    /// Left aside with a note, not an error: a binary file found by a walk.
    Skipped,
    /// Done by an earlier run (`--resume`).
    Resumed,
}

impl Status {
    /// The status as written in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Error => "error",
            Status::Skipped => "skipped",
            Status::Resumed => "resumed",
        }
    }
}

/// What happened to one document: a row of `--report`, a message on
/// standard error when it went wrong.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    /// The input's name: its path, or `<stdin>`.
    pub path: String,
    /// The line of a JSON Lines document.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The "id" field of a JSON Lines document, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// How it fared.
    pub status: Status,
    /// The document spin score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Whether the score reaches the threshold.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spun: Option<bool>,
    /// Restorations made (or proposed, for `check`).
    pub restorations: usize,
    /// Words in the document.
    pub words: usize,
    /// Bytes of the document as read.
    pub bytes: usize,
    /// What went wrong, with the file and line: `path:line: what`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Record {
    /// The record of an analysed document of `bytes` bytes; a `kept`
    /// document (under `--min-score`) counts no restoration.
    fn analysed(
        path: &str,
        line: Option<usize>,
        a: &Analysis<'_>,
        kept: bool,
        bytes: usize,
    ) -> Record {
        Record {
            path: path.to_string(),
            line,
            id: None,
            status: Status::Ok,
            score: Some(round4(a.score())),
            spun: Some(a.is_spun()),
            restorations: if kept { 0 } else { a.restorations().count() },
            words: a.words(),
            bytes,
            message: None,
        }
    }

    /// The record of a file of `bytes` bytes that is not text (`err`): a
    /// binary file found by a walk (not `explicit`ly named) is skipped with
    /// a note, anything else is an error.
    pub fn undecodable(name: &str, explicit: bool, err: &crate::Error, bytes: usize) -> Record {
        let binary = matches!(err, crate::Error::Binary { .. });
        let status = if binary && !explicit {
            Status::Skipped
        } else {
            Status::Error
        };
        let mut msg = err.to_string();
        if status == Status::Skipped {
            msg += ", skipped";
        }
        let mut r = Record::fault(name, None, status, msg);
        r.bytes = bytes;
        r
    }

    /// The record of a document that could not be processed.
    pub fn fault(path: &str, line: Option<usize>, status: Status, message: String) -> Record {
        Record {
            path: path.to_string(),
            line,
            id: None,
            status,
            score: None,
            spun: None,
            restorations: 0,
            words: 0,
            bytes: 0,
            message: Some(message),
        }
    }
}

/// What a window of a document read in windows holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Part {
    /// Restorations made (or proposed).
    pub restorations: usize,
    /// Findings listed (`check --format json`).
    pub findings: usize,
}

/// The outcome of processing some documents of one source.
#[derive(Debug, Default)]
pub struct Processed {
    /// A window of a document read in windows, whose record comes at the
    /// document's end.
    pub part: Option<Part>,
    /// The bytes to output, in input order.
    pub out: Vec<u8>,
    /// Whether any text was restored (so `--write` has something to write).
    pub changed: bool,
    /// The source must produce no output file (a whole file that failed
    /// under `--on-error skip`).
    pub drop_source: bool,
    /// One record per document.
    pub records: Vec<Record>,
    /// A whole text document (or a window of one) that [`Options::only`]
    /// leaves out: its source gets no output file.
    pub left_out: bool,
}

/// Some JSON lines of one source, read together to amortise the hand-over
/// between threads.
#[derive(Debug, Default)]
pub struct Chunk {
    /// The lines' bytes, without their newlines.
    pub data: Vec<u8>,
    /// Each line, in order.
    pub lines: Vec<LineAt>,
}

/// Where a line of a [`Chunk`] is.
#[derive(Debug, Clone)]
pub struct LineAt {
    /// Its 1-based number in the input.
    pub number: usize,
    /// Its bytes in the chunk's data, without the newline.
    pub range: Range<usize>,
    /// Whether a newline ended it (the last line of a file may have none).
    pub newline: bool,
}

/// Processes a whole file (or standard input) as one text document.
/// `explicit`: the file was named on the command line, so a binary file is
/// an error rather than a note.
pub fn text(opts: &Options, u: &Unspinner, name: &str, explicit: bool, bytes: &[u8]) -> Processed {
    let mut p = Processed::default();
    let text = match std::str::from_utf8(bytes) {
        Ok(t) if memchr::memchr(0, bytes).is_none() => t,
        _ => {
            let err = crate::input::decode(bytes.to_vec(), Path::new(name))
                .expect_err("bytes that are not text fail to decode");
            p.records
                .push(Record::undecodable(name, explicit, &err, bytes.len()));
            if opts.passes_files() {
                p.out.extend_from_slice(bytes);
            } else {
                p.drop_source = true;
            }
            return p;
        }
    };
    let a = opts.analyze(u, text);
    let kept = opts.min_score.is_some_and(|s| a.score() < s);
    opts.observe(|h| h.observe(name, &a, !kept));
    p.records
        .push(Record::analysed(name, None, &a, kept, bytes.len()));
    if !opts.passes(a.is_spun()) {
        leave_out(opts, &mut p, bytes);
        return p;
    }
    match opts.task {
        Task::CheckText => check_text(opts, &mut p.out, name, &a, kept),
        Task::CheckJson | Task::CheckEcho => {
            let mut obj = document_json(&a, kept);
            obj.insert("path".into(), name.into());
            push_json_line(&mut p.out, &Value::Object(obj));
        }
        Task::Fix => {
            if kept {
                p.out.extend_from_slice(bytes);
            } else {
                let restored = a.restore();
                p.changed = restored != text;
                p.out.extend_from_slice(restored.as_bytes());
            }
        }
    }
    p
}

/// A whole text document, or a window of one, that [`Options::only`] does
/// not pass on: output as read under [`Options::keep_others`], else left out.
fn leave_out(opts: &Options, p: &mut Processed, bytes: &[u8]) {
    if opts.keep_others {
        p.out.extend_from_slice(bytes);
    } else {
        p.left_out = true;
    }
}

/// Processes JSON lines: each line an object whose text field is analysed.
/// A blank line is no document: where lines are output (`fix`, `check
/// --jsonl`) it is output as it is, unless [`Options::only`] chooses records
/// (and lines that are none are left out with the others). A bad line is recorded as an error (its
/// message `name:line: what`) and left out, or passed through unchanged.
pub fn lines(opts: &Options, u: &Unspinner, name: &str, chunk: &Chunk) -> Processed {
    let mut p = Processed::default();
    let echoes = matches!(opts.task, Task::Fix | Task::CheckEcho);
    let blanks = echoes && (opts.only.is_none() || opts.keep_others);
    for at in &chunk.lines {
        let line = &chunk.data[at.range.clone()];
        let newline = at.newline || !opts.newline_as_read;
        if crate::jsonl::is_blank(line) {
            if blanks {
                p.out.extend_from_slice(line);
                p.out.extend_from_slice(&b"\n"[..usize::from(newline)]);
            }
            continue;
        }
        match json_line(opts, u, name, at.number, line, &mut p.out) {
            Ok((record, changed, shown)) => {
                p.changed |= changed;
                p.records.push(record);
                if echoes && shown {
                    p.out.extend_from_slice(&b"\n"[..usize::from(newline)]);
                }
            }
            Err(e) => {
                let lineno = at.number;
                let mut r = Record::fault(
                    name,
                    Some(lineno),
                    Status::Error,
                    e.at(name, lineno).to_string(),
                );
                r.bytes = line.len();
                p.records.push(r);
                if opts.passes_lines() {
                    p.out.extend_from_slice(line);
                    p.out.extend_from_slice(&b"\n"[..usize::from(newline)]);
                }
            }
        }
    }
    p
}

/// One JSON line: appends its output to `out` (for `fix` and `check
/// --jsonl`, the line without its newline) and returns its record, whether
/// its text changed, and whether it was output (see [`Options::only`]).
fn json_line(
    opts: &Options,
    u: &Unspinner,
    name: &str,
    lineno: usize,
    line: &[u8],
    out: &mut Vec<u8>,
) -> Result<(Record, bool, bool), crate::jsonl::LineError> {
    let doc = Document::parse(line, &opts.field)?;
    let a = opts.analyze(u, doc.text());
    let kept = opts.min_score.is_some_and(|s| a.score() < s);
    opts.observe(|h| h.observe(&format!("{name}:{lineno}"), &a, !kept));
    let record = Record {
        id: doc.id(),
        ..Record::analysed(name, Some(lineno), &a, kept, line.len())
    };
    if !opts.passes(a.is_spun()) {
        if opts.keep_others {
            out.extend_from_slice(line);
        }
        return Ok((record, false, opts.keep_others));
    }
    let mut changed = false;
    match opts.task {
        Task::CheckText => check_text(opts, out, &format!("{name}:{lineno}"), &a, kept),
        Task::CheckJson => {
            #[derive(serde::Serialize)]
            struct Line<'r, 'a> {
                #[serde(flatten)]
                record: DocumentRecord<'a>,
                path: &'r str,
                line: usize,
            }
            let line = Line {
                record: document_record(&a, kept),
                path: name,
                line: lineno,
            };
            // Writing JSON into a Vec cannot fail.
            let _ = serde_json::to_writer(&mut *out, &line);
            if let Some(id) = doc.raw("id") {
                // The id as written: a number is not rewritten.
                out.pop();
                out.extend_from_slice(b",\"id\":");
                out.extend_from_slice(id.as_bytes());
                out.push(b'}');
            }
            out.push(b'\n');
        }
        Task::CheckEcho | Task::Fix => {
            // Writing JSON into a Vec cannot fail.
            let mut findings = Vec::new();
            if opts.findings {
                let _ = serde_json::to_writer(&mut findings, &document_record(&a, kept).findings);
            }
            let score = serde_json::to_vec(&round4(a.score())).unwrap_or_default();
            let restore = opts.task == Task::Fix && !kept;
            let edits: Vec<(Range<usize>, &str)> = a
                .restorations()
                .filter(|_| restore)
                .filter_map(|f| Some((f.span.clone(), f.restored()?.original.as_str())))
                .collect();
            changed = edits.iter().any(|(s, o)| &doc.text()[s.clone()] != *o);
            let fields: &[(&str, &[u8])] = if opts.findings {
                &[("score", &score), ("findings", &findings)]
            } else {
                &[("score", &score)]
            };
            doc.write(out, edits, fields);
        }
    }
    Ok((record, changed, true))
}

/// The document's JSON record; `kept` (under `--min-score`) reports every
/// finding as kept and no restoration.
fn document_record<'a>(a: &'a Analysis<'_>, kept: bool) -> DocumentRecord<'a> {
    let mut rec = DocumentRecord::new(a);
    if kept {
        rec.restorations = 0;
        for f in &mut rec.findings {
            f.original = None;
            f.score = f.keep;
        }
    }
    rec
}

fn document_json(a: &Analysis<'_>, kept: bool) -> Map<String, Value> {
    match serde_json::to_value(document_record(a, kept)) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

fn push_json_line(out: &mut Vec<u8>, v: &Value) {
    // Writing JSON into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, v);
    out.push(b'\n');
}

/// The `check` listing of one document: its findings, then its score line.
fn check_text(opts: &Options, out: &mut Vec<u8>, name: &str, a: &Analysis<'_>, kept: bool) {
    if let Some(listing) = &opts.listing {
        listing.findings(out, name, a, kept);
        let verdict = Verdict {
            score: a.score(),
            spun: a.is_spun(),
            restorations: if kept { 0 } else { a.restorations().count() },
            words: a.words(),
        };
        listing.score(out, name, verdict, kept);
    }
}

/// A window of a text document read in windows (see
/// [`crate::window`]): its part of the output, and the restorations and
/// findings in it. `check --format json` lists the window's findings as JSON
/// objects separated by commas, to go inside the document's (see
/// [`windows_end`]).
pub fn window(
    opts: &Options,
    u: &Unspinner,
    name: &str,
    summary: &DocumentSummary,
    window: crate::window::Window<'_>,
) -> Processed {
    let a = u.analyze_window(window, summary);
    let kept = kept(opts, summary);
    if !kept {
        opts.observe(|h| h.observe_forms(a.findings()));
    }
    let passes = opts.passes(summary.is_spun());
    let mut p = Processed {
        part: Some(Part {
            restorations: if kept { 0 } else { a.restorations().count() },
            findings: if passes { a.findings().len() } else { 0 },
        }),
        ..Processed::default()
    };
    if !passes {
        leave_out(opts, &mut p, window.text.as_bytes());
        return p;
    }
    match opts.task {
        Task::CheckText => {
            if let Some(listing) = &opts.listing {
                listing.findings(&mut p.out, name, &a, kept);
            }
        }
        Task::CheckJson | Task::CheckEcho => {
            // Spans of the document, not of the window.
            let offset = a.offset();
            for (i, mut f) in document_record(&a, kept).findings.into_iter().enumerate() {
                if i > 0 {
                    p.out.push(b',');
                }
                f.span = (f.span.0 + offset, f.span.1 + offset);
                let _ = serde_json::to_writer(&mut p.out, &f);
            }
        }
        Task::Fix if kept => p.out.extend_from_slice(window.text.as_bytes()),
        Task::Fix => {
            let restored = a.restore();
            p.changed = restored != window.text;
            p.out.extend_from_slice(restored.as_bytes());
        }
    }
    p
}

/// Whether a document is kept as written, under `--min-score`.
fn kept(opts: &Options, summary: &DocumentSummary) -> bool {
    opts.min_score.is_some_and(|s| summary.score() < s)
}

/// What a document read in windows ends with, once its windows'
/// `restorations` are counted: its record, and the output around its
/// windows' (`check`: the score line after; `--format json`: the object's
/// head before the findings, and its tail after).
pub fn windows_end(
    opts: &Options,
    name: &str,
    summary: &DocumentSummary,
    restorations: usize,
    bytes: usize,
) -> (Record, Vec<u8>, Vec<u8>) {
    let kept = kept(opts, summary);
    let restorations = if kept { 0 } else { restorations };
    let record = Record {
        path: name.to_string(),
        line: None,
        id: None,
        status: Status::Ok,
        score: Some(round4(summary.score())),
        spun: Some(summary.is_spun()),
        restorations,
        words: summary.words(),
        bytes,
        message: None,
    };
    let (mut head, mut tail) = (Vec::new(), Vec::new());
    if !opts.passes(summary.is_spun()) {
        return (record, head, tail);
    }
    let verdict = Verdict {
        score: summary.score(),
        spun: summary.is_spun(),
        restorations,
        words: summary.words(),
    };
    match opts.task {
        Task::CheckText => {
            if let Some(listing) = &opts.listing {
                listing.score(&mut tail, name, verdict, kept);
            }
        }
        Task::CheckJson | Task::CheckEcho => {
            let mut rec =
                DocumentRecord::from_parts(verdict.score, verdict.spun, summary.words(), &[]);
            rec.restorations = restorations;
            let mut obj = match serde_json::to_value(rec) {
                Ok(Value::Object(m)) => m,
                _ => Map::new(),
            };
            obj.insert("path".into(), name.into());
            let whole = Value::Object(obj).to_string();
            // The findings go between the brackets.
            const EMPTY: &str = "\"findings\":[]";
            let at = whole.find(EMPTY).map_or(0, |i| i + EMPTY.len() - 1);
            head.extend_from_slice(&whole.as_bytes()[..at]);
            tail.extend_from_slice(&whole.as_bytes()[at..]);
            tail.push(b'\n');
        }
        Task::Fix => {}
    }
    (record, head, tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(task: Task) -> Options {
        Options {
            findings: true,
            ..Options::new(task)
        }
    }

    fn chunk(lines: &[&str]) -> Chunk {
        let mut c = Chunk::default();
        for (i, l) in lines.iter().enumerate() {
            let start = c.data.len();
            c.data.extend_from_slice(l.as_bytes());
            c.lines.push(LineAt {
                number: i + 1,
                range: start..c.data.len(),
                newline: true,
            });
        }
        c
    }

    #[test]
    fn dotted_field_reaches_into_nested_objects_and_keeps_other_fields() {
        let u = Unspinner::builder().build().unwrap();
        let mut o = opts(Task::Fix);
        o.field = FieldPath::new("doc.body");
        let c = chunk(&[r#"{"id":7,"doc":{"body":"one in all","lang":"en"},"z":1}"#]);
        let p = lines(&o, &u, "x.jsonl", &c);
        let v: Value = serde_json::from_slice(&p.out).unwrap();
        assert_eq!(v["doc"]["body"], "one of");
        assert_eq!(v["doc"]["lang"], "en");
        let keys: Vec<_> = v.as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["id", "doc", "z", "score", "findings"]);
        assert_eq!(p.records[0].id.as_deref(), Some("7"));
        assert!(p.changed);
    }

    #[test]
    fn bad_lines_are_recorded_with_file_and_line_and_passed_through_on_request() {
        let u = Unspinner::builder().build().unwrap();
        let c = chunk(&[r#"{"text":"a"}"#, "{oops", "", r#"{"body":"a"}"#]);
        let p = lines(&opts(Task::Fix), &u, "x.jsonl", &c);
        let msgs: Vec<_> = p.records.iter().filter_map(|r| r.message.clone()).collect();
        assert!(msgs[0].starts_with("x.jsonl:2: malformed JSON"), "{msgs:?}");
        assert_eq!(msgs[1], "x.jsonl:4: no string field \"text\"");
        // The blank line is no document, and is kept.
        let out = String::from_utf8(p.out).unwrap();
        assert_eq!(out.lines().collect::<Vec<_>>()[1..], [""]);
        let mut o = opts(Task::Fix);
        o.pass = true;
        let p = lines(&o, &u, "x.jsonl", &c);
        let out = String::from_utf8(p.out).unwrap();
        let out: Vec<&str> = out.lines().collect();
        assert_eq!(out[1..], ["{oops", "", r#"{"body":"a"}"#]);
    }

    #[test]
    fn documents_under_min_score_are_kept_as_written() {
        let u = Unspinner::builder().build().unwrap();
        let mut o = opts(Task::Fix);
        o.min_score = Some(1.01);
        let p = text(&o, &u, "a.txt", true, b"one in all");
        assert_eq!(p.out, b"one in all");
        assert_eq!(p.records[0].restorations, 0);
        assert!(!p.changed);
    }

    #[test]
    fn only_passes_the_lines_of_its_verdict_and_keeps_the_others_in_place() {
        let u = Unspinner::builder().build().unwrap();
        let spun = r#"{"id":"s","text":"We took motion final night time to cease a struggle."}"#;
        let clean = r#"{"id":"c","text":"The cat sat on the mat."}"#;
        let c = chunk(&[spun, "", clean]);
        let ids = |p: &Processed| -> Vec<String> {
            String::from_utf8(p.out.clone())
                .unwrap()
                .lines()
                .map(|l| {
                    serde_json::from_str::<Value>(l).map_or(l.to_string(), |v| v["id"].to_string())
                })
                .collect()
        };
        let mut o = opts(Task::Fix);
        o.only = Some(Only::Clean);
        let p = lines(&o, &u, "x.jsonl", &c);
        assert_eq!(ids(&p), ["\"c\""]);
        assert_eq!(p.records.len(), 2, "every record is recorded");
        assert_eq!(p.records[0].spun, Some(true));
        assert!(!p.changed && !p.left_out);
        o.only = Some(Only::Spun);
        let p = lines(&o, &u, "x.jsonl", &c);
        assert_eq!(ids(&p), ["\"s\""]);
        assert!(p.changed);
        // In place: the clean line stays as it was, the blank one too.
        o.keep_others = true;
        let p = lines(&o, &u, "x.jsonl", &c);
        let out = String::from_utf8(p.out).unwrap();
        assert_eq!(out.lines().skip(1).collect::<Vec<_>>(), ["", clean]);
    }

    #[test]
    fn a_text_document_of_the_other_verdict_is_left_out_whole() {
        let u = Unspinner::builder().build().unwrap();
        let mut o = opts(Task::Fix);
        o.only = Some(Only::Spun);
        let p = text(&o, &u, "a.txt", true, b"The cat sat on the mat.");
        assert!(p.left_out && p.out.is_empty() && !p.drop_source);
        assert_eq!(p.records[0].spun, Some(false));
        o.keep_others = true;
        let p = text(&o, &u, "a.txt", true, b"The cat sat on the mat.");
        assert!(!p.left_out && p.out == b"The cat sat on the mat.");
    }

    #[test]
    fn only_is_written_spun_or_clean() {
        assert_eq!("spun".parse(), Ok(Only::Spun));
        assert_eq!("clean".parse::<Only>().map(Only::as_str), Ok("clean"));
        assert_eq!(
            "Spun".parse::<Only>(),
            Err("only must be \"spun\" or \"clean\", not \"Spun\"".to_string())
        );
        assert!(Only::Spun.passes(true) && !Only::Spun.passes(false));
        assert!(Only::Clean.passes(false) && !Only::Clean.passes(true));
    }

    #[test]
    fn binary_file_found_by_a_walk_is_a_note_but_named_one_is_an_error() {
        let u = Unspinner::builder().build().unwrap();
        let p = text(&opts(Task::Fix), &u, "b.bin", false, b"a\0b");
        assert_eq!(p.records[0].status, Status::Skipped);
        assert!(p.drop_source && p.out.is_empty());
        let p = text(&opts(Task::Fix), &u, "b.bin", true, b"a\0b");
        assert_eq!(p.records[0].status, Status::Error);
    }
}
