//! The `unspin._unspin` extension module: the Python face of the unspin
//! library. The Python package `unspin` re-exports what is here; the typed
//! signatures are in `unspin/_unspin.pyi`.
//!
//! Texts are copied out of Python strings (UTF-8) while the GIL is held, then
//! analysed with the GIL released, so Python threads and the library's own
//! worker threads (its batch engine, `unspin::batch`) run at once: in
//! memory (`fix_many`, `analyze_many`), streaming over an iterable
//! (`fix_iter`) or over a JSON Lines file (`fix_jsonl`). Spans are byte ranges in
//! the library; every finding also carries its span as Python string indices
//! (code points).

mod mine;

use std::borrow::Cow;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pyo3::exceptions::{
    PyFileNotFoundError, PyOSError, PyPermissionError, PyTypeError, PyValueError,
};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyIterator, PyList, PyString, PyTuple};

use unspin::batch::{self, Batch, Dest, Ordered, Task};
use unspin::report::{DocumentRecord, FindingRecord};
use unspin::{DecisionMode, Finding as RsFinding, Unspinner as RsUnspinner};

pyo3::create_exception!(
    unspin,
    UnspinError,
    PyValueError,
    "An error of the unspin library: a bad table, setting or model. The message says what and where."
);

/// The largest text analysed by default, in UTF-8 bytes: the command line's
/// `--max-bytes` default.
const DEFAULT_MAX_BYTES: usize = 64 << 20;

/// The library's error as a Python exception with the library's message:
/// file errors as the matching `OSError`, the others as `UnspinError`.
fn py_err(e: unspin::Error) -> PyErr {
    let msg = e.to_string();
    match &e {
        unspin::Error::Io { error, .. } => match error.kind() {
            std::io::ErrorKind::NotFound => PyFileNotFoundError::new_err(msg),
            std::io::ErrorKind::PermissionDenied => PyPermissionError::new_err(msg),
            _ => PyOSError::new_err(msg),
        },
        _ => UnspinError::new_err(msg),
    }
}

/// The Python type name of `obj`, for messages.
fn type_name(obj: &Bound<'_, PyAny>) -> String {
    obj.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "?".into())
}

/// Finds and restores text garbled by automatic article spinners.
///
/// Build one and share it: it is thread-safe, the analysis runs with the GIL
/// released, and it pickles (as its settings: the receiving process builds
/// its own, so Spark, Ray and multiprocessing can ship it).
#[pyclass(frozen, module = "unspin", name = "Unspinner")]
struct Unspinner {
    inner: RsUnspinner,
    /// The settings it was built from, for pickling and `repr`.
    tables: Option<Vec<String>>,
    dicts: Vec<PathBuf>,
    threshold: f64,
    allow: Vec<String>,
    decide: &'static str,
    max_bytes: Option<usize>,
    thesauri: Vec<PathBuf>,
    thesaurus_keys: &'static str,
    min_confidence: f64,
}

/// A text taken from Python: its UTF-8 form, and the object itself (handed
/// back as it is when nothing is restored).
struct Text<'py> {
    obj: Bound<'py, PyString>,
    utf8: String,
}

impl Unspinner {
    /// The text in `obj`, or a clear exception: `what` names it in messages.
    fn text<'py>(&self, obj: &Bound<'py, PyAny>, what: &dyn Fn() -> String) -> PyResult<Text<'py>> {
        text_of(obj, self.max_bytes, what)
    }

    /// The texts of an iterable, each checked as [`Unspinner::text`] does.
    fn texts<'py>(&self, texts: &Bound<'py, PyAny>) -> PyResult<Vec<Text<'py>>> {
        let iter = iterable(texts, "fix() or analyze()")?;
        let mut out = Vec::with_capacity(texts.len().unwrap_or(0));
        for (i, item) in iter.enumerate() {
            out.push(self.text(&item?, &|| format!("texts[{i}]"))?);
        }
        Ok(out)
    }

    /// The restored text of `t` as a Python string: `t` itself when nothing
    /// is restored.
    fn fixed<'py>(
        py: Python<'py>,
        t: &Text<'py>,
        restored: Option<String>,
    ) -> Bound<'py, PyString> {
        match restored {
            None => t.obj.clone(),
            Some(s) => PyString::new(py, &s),
        }
    }
}

/// An iterator over `texts`, which must be an iterable of str and not a
/// str (`single` names the call for one text).
fn iterable<'py>(texts: &Bound<'py, PyAny>, single: &str) -> PyResult<Bound<'py, PyIterator>> {
    if texts.is_instance_of::<PyString>() {
        return Err(PyTypeError::new_err(format!(
            "texts must be an iterable of str, not a str; use {single} for one text"
        )));
    }
    texts.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "texts must be an iterable of str, not {}",
            type_name(texts)
        ))
    })
}

/// The text in `obj`, at most `max_bytes` long in UTF-8, or a clear
/// exception: `what` names it in messages.
fn text_of<'py>(
    obj: &Bound<'py, PyAny>,
    max_bytes: Option<usize>,
    what: &dyn Fn() -> String,
) -> PyResult<Text<'py>> {
    let s = obj.cast::<PyString>().map_err(|_| {
        let t = type_name(obj);
        let hint = if obj.is_instance_of::<pyo3::types::PyBytes>()
            || obj.is_instance_of::<pyo3::types::PyByteArray>()
        {
            "; decode it first, e.g. data.decode('utf-8')"
        } else {
            ""
        };
        PyTypeError::new_err(format!("{} must be str, not {t}{hint}", what()))
    })?;
    if let Some(max) = max_bytes {
        // Each character takes a byte at least in UTF-8: a text of more
        // characters than the limit is refused before it is copied.
        let chars = s.len()?;
        if chars > max {
            return Err(UnspinError::new_err(format!(
                "{} is {chars} bytes or more (UTF-8), over the max_bytes limit of {max}",
                what()
            )));
        }
    }
    let utf8 = s.to_cow()?.into_owned();
    if let Some(max) = max_bytes {
        if utf8.len() > max {
            return Err(UnspinError::new_err(format!(
                "{} is {} bytes (UTF-8), over the max_bytes limit of {max}",
                what(),
                utf8.len()
            )));
        }
    }
    Ok(Text {
        obj: s.clone(),
        utf8,
    })
}

/// The restored text, `None` when it is the text as written, and whether
/// the text is judged spun. A text over a window is restored window by
/// window, as the command line reads a file (`unspin::window`): its whole
/// analysis would take tens of times its size.
fn fix_one(u: &RsUnspinner, text: &str) -> (Option<String>, bool) {
    let r = unspin::windowed::restored(u, text, unspin::window::DEFAULT_WINDOW);
    let restored = match r.text {
        Cow::Borrowed(_) => None,
        Cow::Owned(s) => Some(s),
    };
    (restored, r.spun)
}

/// The `only=` argument of the batch calls: None passes every text on,
/// `"spun"` only those judged spun, `"clean"` only those judged clean.
fn only_of(only: Option<&str>) -> PyResult<Option<batch::Only>> {
    only.map(|o| o.parse().map_err(PyValueError::new_err))
        .transpose()
}

/// What an analysis is, detached from the text it borrowed.
struct Analysed {
    findings: Vec<RsFinding>,
    /// Each finding's span in code points.
    chars: Vec<(usize, usize)>,
    score: f64,
    words: usize,
    is_spun: bool,
    restored: Option<String>,
}

fn analyse_one(u: &RsUnspinner, text: &str) -> Analysed {
    let a = u.analyze(text);
    let restored = match a.restore() {
        Cow::Borrowed(_) => None,
        Cow::Owned(s) => Some(s),
    };
    let findings = a.findings().to_vec();
    let chars = char_spans(text, &findings);
    Analysed {
        chars,
        score: a.score(),
        words: a.words(),
        is_spun: a.is_spun(),
        restored,
        findings,
    }
}

/// The findings' byte spans as code point indices, counted in one pass
/// (findings are in text order and do not overlap).
fn char_spans(text: &str, findings: &[RsFinding]) -> Vec<(usize, usize)> {
    if text.is_ascii() {
        return findings
            .iter()
            .map(|f| (f.span.start, f.span.end))
            .collect();
    }
    let (mut byte, mut chars) = (0usize, 0usize);
    let mut at = |b: usize| {
        if b >= byte {
            chars += text[byte..b].chars().count();
        } else {
            chars -= text[b..byte].chars().count();
        }
        byte = b;
        chars
    };
    findings
        .iter()
        .map(|f| (at(f.span.start), at(f.span.end)))
        .collect()
}

impl Analysed {
    /// The Python analysis of `t`.
    fn into_py(self, py: Python<'_>, t: &Text<'_>, threshold: f64) -> Analysis {
        Analysis {
            text: t.obj.clone().unbind(),
            findings: self.findings,
            chars: self.chars,
            score: self.score,
            words: self.words,
            is_spun: self.is_spun,
            threshold,
            restored: self.restored.map(|s| PyString::new(py, &s).unbind()),
        }
    }
}

/// Paths from Python: one path (str or os.PathLike) or an iterable of them;
/// `what` names the argument in messages.
fn paths(obj: Option<&Bound<'_, PyAny>>, what: &str) -> PyResult<Vec<PathBuf>> {
    Ok(match obj {
        None => Vec::new(),
        Some(d) if d.is_instance_of::<PyString>() || d.hasattr("__fspath__")? => {
            vec![d.extract::<PathBuf>()?]
        }
        Some(d) => {
            let mut out = Vec::new();
            for (i, p) in d
                .try_iter()
                .map_err(|_| {
                    PyTypeError::new_err(format!(
                        "{what} must be an iterable of paths, not {}",
                        type_name(d)
                    ))
                })?
                .enumerate()
            {
                let p = p?;
                out.push(p.extract::<PathBuf>().map_err(|_| {
                    PyTypeError::new_err(format!(
                        "{what}[{i}] must be a path (str or os.PathLike), not {}",
                        type_name(&p)
                    ))
                })?);
            }
            out
        }
    })
}

#[pymethods]
impl Unspinner {
    /// Builds an unspinner: the built-in `tables` (None: the default ones;
    /// names such as `"news-spinner"` or `"tortured-phrases"`, or a
    /// comma-separated string; `()` for none), extra table files `dicts`,
    /// the document spin `threshold`, and spun forms to `allow` (left alone,
    /// any case); `min_confidence`, the least probability of a restored
    /// candidate.
    #[new]
    #[pyo3(signature = (tables=None, dicts=None, threshold=unspin::DEFAULT_THRESHOLD, allow=None, *, decide="model", max_bytes=Some(DEFAULT_MAX_BYTES), thesauri=None, thesaurus_keys="first", min_confidence=0.0))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        tables: Option<&Bound<'_, PyAny>>,
        dicts: Option<&Bound<'_, PyAny>>,
        threshold: f64,
        allow: Option<&Bound<'_, PyAny>>,
        decide: &str,
        max_bytes: Option<usize>,
        thesauri: Option<&Bound<'_, PyAny>>,
        thesaurus_keys: &str,
        min_confidence: f64,
    ) -> PyResult<Unspinner> {
        let tables = match tables {
            None => None,
            Some(t) if t.is_instance_of::<PyString>() => Some(
                t.extract::<String>()?
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
            ),
            Some(t) => Some(strings(t, "tables")?),
        };
        let dicts = paths(dicts, "dicts")?;
        let thesauri = paths(thesauri, "thesauri")?;
        let keys: unspin::thesaurus::KeyMode = thesaurus_keys
            .parse()
            .map_err(|e| PyValueError::new_err(format!("thesaurus_keys: {e}")))?;
        let allow = match allow {
            None => Vec::new(),
            Some(a) if a.is_instance_of::<PyString>() => vec![a.extract::<String>()?],
            Some(a) => strings(a, "allow")?,
        };
        let (mode, decide) = match decide {
            "model" => (DecisionMode::Model, "model"),
            "dictionary" => (DecisionMode::Dictionary, "dictionary"),
            other => {
                return Err(PyValueError::new_err(format!(
                    "decide must be 'model' or 'dictionary', not {other:?}"
                )))
            }
        };
        let mut b = RsUnspinner::builder()
            .threshold(threshold)
            .min_confidence(min_confidence)
            .mode(mode);
        if let Some(t) = &tables {
            b = b.builtin_tables(t.iter().cloned());
        }
        for d in &dicts {
            b = b.table_file(d);
        }
        for path in &thesauri {
            let t = py
                .detach(|| unspin::thesaurus::Thesaurus::read(path, keys))
                .map_err(py_err)?;
            b = b.thesaurus(&t);
        }
        b = b.allow(&allow);
        let inner = py.detach(|| b.build()).map_err(py_err)?;
        Ok(Unspinner {
            inner,
            tables,
            dicts,
            threshold,
            allow,
            decide,
            max_bytes,
            thesauri,
            thesaurus_keys: match keys {
                unspin::thesaurus::KeyMode::First => "first",
                unspin::thesaurus::KeyMode::All => "all",
            },
            min_confidence,
        })
    }

    /// Finds the spun forms in `text`, scores the document and decides each
    /// restoration.
    fn analyze(&self, py: Python<'_>, text: &Bound<'_, PyAny>) -> PyResult<Analysis> {
        let t = self.text(text, &|| "text".into())?;
        let u = &self.inner;
        let utf8: &str = &t.utf8;
        let a = py.detach(|| analyse_one(u, utf8));
        Ok(a.into_py(py, &t, self.threshold))
    }

    /// The text with every proposed restoration applied (the text itself
    /// when nothing is restored).
    fn fix<'py>(
        &self,
        py: Python<'py>,
        text: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyString>> {
        let t = self.text(text, &|| "text".into())?;
        let u = &self.inner;
        let utf8: &str = &t.utf8;
        let (restored, _) = py.detach(|| fix_one(u, utf8));
        Ok(Self::fixed(py, &t, restored))
    }

    /// `fix` of every text, on `threads` worker threads (0: one per core;
    /// at most four per core, as the command line's `-j`) with the GIL
    /// released; the results in input order. `only="spun"` (or `"clean"`)
    /// keeps only the texts judged spun (or clean).
    #[pyo3(signature = (texts, threads=0, *, only=None))]
    fn fix_many<'py>(
        &self,
        py: Python<'py>,
        texts: &Bound<'py, PyAny>,
        threads: usize,
        only: Option<&str>,
    ) -> PyResult<Bound<'py, PyList>> {
        let only = only_of(only)?;
        let ts = self.texts(texts)?;
        let strs: Vec<&str> = ts.iter().map(|t| &*t.utf8).collect();
        let u = &self.inner;
        let out = py.detach(|| batch::map(&strs, threads, |s| fix_one(u, s)));
        PyList::new(
            py,
            ts.iter()
                .zip(out)
                .filter(|(_, (_, spun))| only.is_none_or(|o| o.passes(*spun)))
                .map(|(t, (r, _))| Self::fixed(py, t, r)),
        )
    }

    /// `analyze` of every text, on `threads` worker threads (0: one per
    /// core; at most four per core) with the GIL released; the results in
    /// input order. `only="spun"` (or `"clean"`) keeps only the analyses
    /// of the texts judged spun (or clean).
    #[pyo3(signature = (texts, threads=0, *, only=None))]
    fn analyze_many(
        &self,
        py: Python<'_>,
        texts: &Bound<'_, PyAny>,
        threads: usize,
        only: Option<&str>,
    ) -> PyResult<Vec<Analysis>> {
        let only = only_of(only)?;
        let ts = self.texts(texts)?;
        let strs: Vec<&str> = ts.iter().map(|t| &*t.utf8).collect();
        let u = &self.inner;
        let out = py.detach(|| batch::map(&strs, threads, |s| analyse_one(u, s)));
        Ok(ts
            .iter()
            .zip(out)
            .filter(|(_, a)| only.is_none_or(|o| o.passes(a.is_spun)))
            .map(|(t, a)| a.into_py(py, t, self.threshold))
            .collect())
    }

    /// `fix` of every text of the iterable `texts`, streaming: an iterator
    /// of the restored texts in order, drawn from `texts` only as far ahead
    /// as the `threads` worker threads (0: one per core) need, analysed with
    /// the GIL released. `only="spun"` (or `"clean"`) yields only the
    /// texts judged spun (or clean).
    #[pyo3(signature = (texts, threads=0, *, only=None))]
    fn fix_iter(
        &self,
        texts: &Bound<'_, PyAny>,
        threads: usize,
        only: Option<&str>,
    ) -> PyResult<FixIter> {
        let only = only_of(only)?;
        let source = iterable(texts, "fix()")?;
        Ok(FixIter {
            state: Mutex::new(Stream {
                source: Some(source.unbind()),
                unspinner: Arc::new(self.inner.clone()),
                max_bytes: self.max_bytes,
                ordered: Ordered::new(threads),
                texts: VecDeque::new(),
                drawn: 0,
                only,
            }),
        })
    }

    /// `fix` of every record of the JSON Lines file `src`, written to `dst`
    /// as the command line's `unspin fix --jsonl SRC -o DST` writes it (the
    /// same engine): streaming, in order, on `threads` worker threads (0:
    /// one per core), in flat memory, `dst` replaced only when complete;
    /// each record gets "score" (and "findings" with `findings`, as
    /// `--findings`). `only="spun"` (or `"clean"`) writes only the records
    /// judged spun (or clean), as `--only`.
    /// Returns the totals and the messages of the records that failed.
    #[pyo3(signature = (src, dst, *, field="text", threads=0, min_score=None, on_error="skip", findings=false, only=None))]
    #[allow(clippy::too_many_arguments)]
    fn fix_jsonl<'py>(
        &self,
        py: Python<'py>,
        src: PathBuf,
        dst: PathBuf,
        field: &str,
        threads: usize,
        min_score: Option<f64>,
        on_error: &str,
        findings: bool,
        only: Option<&str>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let only = only_of(only)?;
        let pass = match on_error {
            "skip" => false,
            "pass" => true,
            other => {
                return Err(PyValueError::new_err(format!(
                    "on_error must be 'skip' or 'pass', not {other:?}"
                )))
            }
        };
        if let Some(s) = min_score.filter(|s| !(0.0..=1.0).contains(s)) {
            return Err(PyValueError::new_err(format!(
                "min_score {s} is not in [0, 1]"
            )));
        }
        if field.is_empty() {
            return Err(PyValueError::new_err("field needs a name"));
        }
        let meta = std::fs::metadata(&src).map_err(|e| py_err(unspin::Error::io(&src, e)))?;
        if meta.is_dir() {
            return Err(PyValueError::new_err(format!(
                "src {} is a directory, not a JSON Lines file",
                src.display()
            )));
        }
        if src.canonicalize().ok() == dst.canonicalize().ok() {
            return Err(PyValueError::new_err(format!(
                "dst {} is src: write the output elsewhere",
                dst.display()
            )));
        }
        let mut b = Batch::new(self.inner.clone(), vec![src], Task::Fix);
        b.walk.jsonl_all = true;
        b.dest = Dest::File(dst);
        b.doc.field = unspin::jsonl::FieldPath::new(field);
        b.doc.min_score = min_score;
        b.doc.pass = pass;
        b.doc.findings = findings;
        b.doc.only = only;
        b.doc.newline_as_read = true;
        b.threads = threads;
        b.max_bytes = self.max_bytes.map_or(u64::MAX, |m| m as u64);
        let cancel = b.cancel.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut messages = Messages::default();
            let ran = batch::run(b, &mut std::io::sink(), &mut messages);
            let _ = tx.send((ran, messages.0));
        });
        // Waits with the GIL released, looking at Python's signals between
        // waits: Ctrl-C cancels the run, which removes its temporary file.
        // (The receiver behind a mutex: what waits without the GIL is shared.)
        let rx = Mutex::new(rx);
        let wait = |timeout: Duration| {
            let rx = rx.lock().unwrap_or_else(|e| e.into_inner());
            rx.recv_timeout(timeout)
        };
        let (ran, messages) = loop {
            match py.detach(|| wait(Duration::from_millis(100))) {
                Ok(done) => break done,
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                    if let Err(e) = py.check_signals() {
                        cancel.store(true, std::sync::atomic::Ordering::Relaxed);
                        let _ = py.detach(|| wait(Duration::MAX));
                        return Err(e);
                    }
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(UnspinError::new_err("internal error in unspin"))
                }
            }
        };
        let totals = ran.map_err(py_err)?;
        let d = PyDict::new(py);
        d.set_item("documents", totals.documents)?;
        d.set_item("spun", totals.spun)?;
        d.set_item("clean", totals.clean())?;
        d.set_item("restorations", totals.restorations)?;
        d.set_item("errors", totals.errors)?;
        d.set_item("bytes", totals.bytes)?;
        d.set_item("messages", messages)?;
        Ok(d)
    }

    /// Seconds that `n` restorations of `text` take inside the library,
    /// without Python: the baseline of the per-call overhead benchmark
    /// (`bench/bench.py`). Not part of the API.
    fn _time_fix(&self, py: Python<'_>, text: &str, n: usize) -> f64 {
        let u = &self.inner;
        py.detach(|| {
            let t = std::time::Instant::now();
            for _ in 0..n {
                std::hint::black_box(fix_one(u, std::hint::black_box(text)));
            }
            t.elapsed().as_secs_f64()
        })
    }

    /// The built-in tables in use (None: the default ones).
    #[getter]
    fn tables(&self) -> Option<Vec<String>> {
        self.tables.clone()
    }

    /// The extra table files, in order.
    #[getter]
    fn dicts(&self) -> Vec<PathBuf> {
        self.dicts.clone()
    }

    /// The document spin score at or above which a document is judged spun.
    #[getter]
    fn threshold(&self) -> f64 {
        self.threshold
    }

    /// The spun forms left alone.
    #[getter]
    fn allow(&self) -> Vec<String> {
        self.allow.clone()
    }

    /// How restorations are decided: `"model"` or `"dictionary"`.
    #[getter]
    fn decide(&self) -> &'static str {
        self.decide
    }

    /// The largest text taken, in UTF-8 bytes (None: no limit).
    #[getter]
    fn max_bytes(&self) -> Option<usize> {
        self.max_bytes
    }

    /// The spinners' thesaurus files, in order.
    #[getter]
    fn thesauri(&self) -> Vec<PathBuf> {
        self.thesauri.clone()
    }

    /// Which members of a thesaurus line are keys: `"first"` or `"all"`.
    #[getter]
    fn thesaurus_keys(&self) -> &'static str {
        self.thesaurus_keys
    }

    /// The least probability of a candidate for it to be restored.
    #[getter]
    fn min_confidence(&self) -> f64 {
        self.min_confidence
    }

    /// Pickles as the settings: the receiving process builds its own.
    fn __reduce__<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyTuple>> {
        let py = slf.py();
        let s = slf.get();
        let cls = py.import("unspin")?.getattr("_rebuild")?;
        let args = (
            s.tables.clone(),
            s.dicts.clone(),
            s.threshold,
            s.allow.clone(),
            s.decide,
            s.max_bytes,
            s.thesauri.clone(),
            s.thesaurus_keys,
            s.min_confidence,
        );
        (cls, args).into_pyobject(py)
    }

    fn __repr__(&self) -> String {
        let mut r = String::from("Unspinner(");
        let mut parts = Vec::new();
        if let Some(t) = &self.tables {
            parts.push(format!("tables={t:?}"));
        }
        if !self.dicts.is_empty() {
            let d: Vec<String> = self.dicts.iter().map(|p| p.display().to_string()).collect();
            parts.push(format!("dicts={d:?}"));
        }
        parts.push(format!("threshold={}", self.threshold));
        if self.min_confidence != 0.0 {
            parts.push(format!("min_confidence={}", self.min_confidence));
        }
        if !self.allow.is_empty() {
            parts.push(format!("allow={:?}", self.allow));
        }
        if self.decide != "model" {
            parts.push(format!("decide={:?}", self.decide));
        }
        if !self.thesauri.is_empty() {
            let t: Vec<String> = self
                .thesauri
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            parts.push(format!(
                "thesauri={t:?}, thesaurus_keys={:?}",
                self.thesaurus_keys
            ));
        }
        r.push_str(&parts.join(", "));
        r.push(')');
        r
    }
}

/// The messages of the records of a batch that failed.
#[derive(Default)]
struct Messages(Vec<String>);

impl batch::Observer for Messages {
    fn record(&mut self, r: &batch::Record) {
        if let Some(m) = &r.message {
            self.0.push(m.clone());
        }
    }
}

/// The restored texts of an iterable, in order (see `Unspinner.fix_iter`).
#[pyclass(module = "unspin", name = "FixIter")]
struct FixIter {
    state: Mutex<Stream>,
}

/// Where a [`FixIter`] is: the iterable drawn from, the texts in flight.
struct Stream {
    /// The iterable, until it is exhausted.
    source: Option<Py<PyIterator>>,
    unspinner: Arc<RsUnspinner>,
    max_bytes: Option<usize>,
    /// Each text's restoration and verdict.
    ordered: Ordered<(Option<String>, bool)>,
    /// The texts in flight, in order: handed back as they are when
    /// nothing is restored.
    texts: VecDeque<Py<PyString>>,
    /// Texts drawn so far, for messages.
    drawn: usize,
    /// Yield only the texts of this verdict.
    only: Option<batch::Only>,
}

#[pymethods]
impl FixIter {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyString>>> {
        let mut guard = self.state.try_lock().map_err(|_| {
            PyValueError::new_err("fix_iter: already being advanced by another thread")
        })?;
        let st = &mut *guard;
        // Texts of the other verdict under `only` are passed over.
        loop {
            // Draw texts while the worker threads have room for them.
            while st.ordered.pending() == 0 || st.ordered.has_room(0) {
                let Some(source) = &st.source else { break };
                let Some(item) = source.bind(py).clone().next() else {
                    st.source = None;
                    break;
                };
                let i = st.drawn;
                let t = text_of(&item?, st.max_bytes, &|| format!("texts[{i}]"))?;
                st.drawn += 1;
                let u = st.unspinner.clone();
                let utf8 = t.utf8;
                st.ordered.push(utf8.len(), move || fix_one(&u, &utf8));
                st.texts.push_back(t.obj.unbind());
            }
            let Some(text) = st.texts.pop_front() else {
                return Ok(None);
            };
            let ordered = &mut st.ordered;
            let Some((restored, spun)) = py.detach(|| ordered.next()) else {
                return Ok(None);
            };
            if st.only.is_some_and(|o| !o.passes(spun)) {
                continue;
            }
            return Ok(Some(match restored {
                None => text,
                Some(s) => PyString::new(py, &s).unbind(),
            }));
        }
    }
}

/// A list of strings from an iterable of str.
fn strings(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<Vec<String>> {
    let iter = obj.try_iter().map_err(|_| {
        PyTypeError::new_err(format!(
            "{what} must be an iterable of str, not {}",
            type_name(obj)
        ))
    })?;
    let mut out = Vec::new();
    for (i, item) in iter.enumerate() {
        let item = item?;
        out.push(item.extract::<String>().map_err(|_| {
            PyTypeError::new_err(format!("{what}[{i}] must be str, not {}", type_name(&item)))
        })?);
    }
    Ok(out)
}

/// The result of analysing one text: its findings, its document spin score
/// and its restoration.
#[pyclass(frozen, module = "unspin", name = "Analysis")]
struct Analysis {
    text: Py<PyString>,
    findings: Vec<RsFinding>,
    chars: Vec<(usize, usize)>,
    score: f64,
    words: usize,
    is_spun: bool,
    threshold: f64,
    /// The restored text, None when it is the text as written.
    restored: Option<Py<PyString>>,
}

impl Analysis {
    fn finding(&self, i: usize) -> Finding {
        let f = &self.findings[i];
        let (start, end) = self.chars[i];
        Finding {
            inner: f.clone(),
            start,
            end,
        }
    }

    /// The library's record of the analysis, as JSON; without its
    /// findings unless `findings`.
    fn record(&self, findings: bool) -> String {
        let mut r =
            DocumentRecord::from_parts(self.score, self.is_spun, self.words, &self.findings);
        if findings {
            return serde_json::to_string(&r).expect("a record serializes");
        }
        r.findings.clear();
        let mut v = serde_json::to_value(&r).expect("a record serializes");
        if let Some(o) = v.as_object_mut() {
            o.remove("findings");
        }
        v.to_string()
    }
}

#[pymethods]
impl Analysis {
    /// The analysed text.
    #[getter]
    fn text(&self, py: Python<'_>) -> Py<PyString> {
        self.text.clone_ref(py)
    }

    /// The document spin score in [0, 1]: low for clean text, high for spun.
    #[getter]
    fn score(&self) -> f64 {
        self.score
    }

    /// True when the score reaches the unspinner's threshold.
    #[getter]
    fn is_spun(&self) -> bool {
        self.is_spun
    }

    /// The threshold the score was judged against.
    #[getter]
    fn threshold(&self) -> f64 {
        self.threshold
    }

    /// Number of words and numbers in the text.
    #[getter]
    fn words(&self) -> usize {
        self.words
    }

    /// Every finding, in text order, restored or not.
    #[getter]
    fn findings(&self) -> Vec<Finding> {
        (0..self.findings.len()).map(|i| self.finding(i)).collect()
    }

    /// The findings proposed for restoration, in text order.
    #[getter]
    fn restorations(&self) -> Vec<Finding> {
        (0..self.findings.len())
            .filter(|&i| self.findings[i].restoration.is_some())
            .map(|i| self.finding(i))
            .collect()
    }

    /// The text with every proposed restoration applied (the text itself
    /// when nothing is restored).
    fn restore(&self, py: Python<'_>) -> Py<PyString> {
        self.restored.as_ref().unwrap_or(&self.text).clone_ref(py)
    }

    /// A unified diff of the proposed restorations, with the given file
    /// names in its header; empty when nothing is restored.
    #[pyo3(signature = (old_name="a", new_name="b"))]
    fn unified_diff(&self, py: Python<'_>, old_name: &str, new_name: &str) -> PyResult<String> {
        let Some(restored) = &self.restored else {
            return Ok(String::new());
        };
        let old = self.text.bind(py).to_cow()?;
        let new = restored.bind(py).to_cow()?;
        Ok(unspin::diff::unified(&old, &new, old_name, new_name))
    }

    /// The analysis as JSON: the record `unspin check --format json` writes
    /// for a document (score rounded to four decimals, spun, words,
    /// restorations, findings); without the findings unless `findings`.
    #[pyo3(signature = (findings=true))]
    fn to_json(&self, findings: bool) -> String {
        self.record(findings)
    }

    /// The analysis as a dict, the record of `to_json()`.
    #[pyo3(signature = (findings=true))]
    fn to_dict<'py>(&self, py: Python<'py>, findings: bool) -> PyResult<Bound<'py, PyAny>> {
        py.import("json")?
            .call_method1("loads", (self.record(findings),))
    }

    fn __len__(&self) -> usize {
        self.findings.len()
    }

    fn __repr__(&self) -> String {
        format!(
            "<Analysis score={:.4} is_spun={} findings={} restorations={} words={}>",
            self.score,
            if self.is_spun { "True" } else { "False" },
            self.findings.len(),
            self.findings
                .iter()
                .filter(|f| f.restoration.is_some())
                .count(),
            self.words
        )
    }
}

/// One place where the text holds a form the dictionary (or a number rule)
/// knows as spinner output.
#[pyclass(frozen, eq, module = "unspin", name = "Finding")]
#[derive(PartialEq)]
struct Finding {
    inner: RsFinding,
    start: usize,
    end: usize,
}

#[pymethods]
impl Finding {
    /// Index in the text (a Python string index) where the spun form starts.
    #[getter]
    fn start(&self) -> usize {
        self.start
    }

    /// Index in the text just past the spun form: `text[start:end] == spun`.
    #[getter]
    fn end(&self) -> usize {
        self.end
    }

    /// The spun form's byte range `(start, end)` in the text's UTF-8 form.
    #[getter]
    fn span(&self) -> (usize, usize) {
        (self.inner.span.start, self.inner.span.end)
    }

    /// 1-based line of the start.
    #[getter]
    fn line(&self) -> usize {
        self.inner.line
    }

    /// 1-based column (in characters) of the start.
    #[getter]
    fn column(&self) -> usize {
        self.inner.column
    }

    /// The spun form as written in the text.
    #[getter]
    fn spun(&self) -> &str {
        &self.inner.spun
    }

    /// The candidates, best first.
    #[getter]
    fn candidates(&self) -> Vec<Candidate> {
        self.inner
            .candidates
            .iter()
            .map(|c| Candidate { inner: c.clone() })
            .collect()
    }

    /// Probability that the text is right as written.
    #[getter]
    fn keep(&self) -> f64 {
        self.inner.keep
    }

    /// The candidate proposed as the restoration, or None to keep the text.
    #[getter]
    fn restoration(&self) -> Option<Candidate> {
        self.inner
            .restored()
            .map(|c| Candidate { inner: c.clone() })
    }

    /// The restoration's text, or None when the text is kept.
    #[getter]
    fn original(&self) -> Option<&str> {
        self.inner.restored().map(|c| c.original.as_str())
    }

    /// Probability of the decision taken: the restoration's, or keeping's.
    #[getter]
    fn score(&self) -> f64 {
        self.inner.restored().map_or(self.inner.keep, |c| c.score)
    }

    /// Why it is restored or kept: `"restored"`, `"context"`,
    /// `"clean-document"`, `"other-spinner"`, `"unsure"`, `"quoted-speech"` or
    /// `"line-break"` (as in the JSON records).
    #[getter]
    fn reason(&self) -> String {
        match serde_json::to_value(self.inner.reason) {
            Ok(serde_json::Value::String(s)) => s,
            _ => format!("{:?}", self.inner.reason),
        }
    }

    /// Why it is restored or kept, for people (as `check --explain` says it).
    #[getter]
    fn reason_text(&self) -> &'static str {
        self.inner.reason.describe()
    }

    /// True when a restoration is proposed.
    #[getter]
    fn is_restored(&self) -> bool {
        self.inner.restoration.is_some()
    }

    /// The finding as a dict, as in `Analysis.to_dict()["findings"]`.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let json =
            serde_json::to_string(&FindingRecord::new(&self.inner)).expect("a record serializes");
        py.import("json")?.call_method1("loads", (json,))
    }

    fn __repr__(&self) -> String {
        match self.inner.restored() {
            Some(c) => format!(
                "<Finding {}:{} {:?} -> {:?} ({:.2})>",
                self.start, self.end, self.inner.spun, c.original, c.score
            ),
            None => format!(
                "<Finding {}:{} {:?} kept ({:.2})>",
                self.start, self.end, self.inner.spun, self.inner.keep
            ),
        }
    }
}

/// One original that a spun form may stand for.
#[pyclass(frozen, eq, module = "unspin", name = "Candidate")]
#[derive(PartialEq)]
struct Candidate {
    inner: unspin::Candidate,
}

#[pymethods]
impl Candidate {
    /// The original, in the case and apostrophe style of the text.
    #[getter]
    fn original(&self) -> &str {
        &self.inner.original
    }

    /// Probability that this is what the author wrote (keep and all
    /// candidates sum to one).
    #[getter]
    fn score(&self) -> f64 {
        self.inner.score
    }

    /// The table line or rule that proposed it.
    #[getter]
    fn source(&self) -> &str {
        &self.inner.source
    }

    /// Language model term (natural log, relative to keeping the text).
    #[getter]
    fn lm(&self) -> f64 {
        self.inner.terms.lm
    }

    /// Channel term: how likely the spinner is to write this form for it.
    #[getter]
    fn channel(&self) -> f64 {
        self.inner.terms.channel
    }

    /// Prior term: the document's spin score and the evidence of the document.
    #[getter]
    fn prior(&self) -> f64 {
        self.inner.terms.prior
    }

    fn __repr__(&self) -> String {
        format!(
            "<Candidate {:?} score={:.4} lm={:+.2} channel={:+.2} prior={:+.2}>",
            self.inner.original,
            self.inner.score,
            self.inner.terms.lm,
            self.inner.terms.channel,
            self.inner.terms.prior
        )
    }
}

/// The extension module.
#[pymodule]
fn _unspin(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add_class::<Unspinner>()?;
    m.add_class::<Analysis>()?;
    m.add_class::<Finding>()?;
    m.add_class::<Candidate>()?;
    m.add_class::<FixIter>()?;
    m.add("UnspinError", py.get_type::<UnspinError>())?;
    m.add("DEFAULT_THRESHOLD", unspin::DEFAULT_THRESHOLD)?;
    m.add("DEFAULT_MAX_BYTES", DEFAULT_MAX_BYTES)?;
    m.add(
        "BUILTIN_TABLES",
        unspin::dict::BUILTIN_TABLES
            .iter()
            .map(|(n, _)| *n)
            .collect::<Vec<_>>(),
    )?;
    m.add("DEFAULT_TABLES", unspin::dict::DEFAULT_TABLES.to_vec())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    mine::register(m)?;
    Ok(())
}
