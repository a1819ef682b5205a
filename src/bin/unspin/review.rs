//! `unspin review FILE`: walk the findings of one file in a full-screen
//! terminal interface, decide each, and write the result.
//!
//! The parts: [`state`] holds the decisions (undo, the same decision for
//! every occurrence, search) without any terminal; [`app`] maps keys to it;
//! [`ui`] draws it; [`term`] owns raw mode and restores the terminal on
//! every way out.

mod app;
mod choice;
mod context;
mod editor;
mod order;
mod state;
mod term;
mod ui;

use std::io::{self, IsTerminal, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context};
use ratatui::crossterm::event::{self, Event};
use unspin::config::{ProjectConfig, FILE_NAME};
use unspin::input::{decode, write_atomic};

use crate::args::ReviewArgs;
use crate::Outcome;
use app::{App, Control};
use state::{Review, Summary};

/// How a review ended.
enum End {
    /// The reviewer quit; write the result when `save` is set.
    Quit { save: bool },
    /// Ctrl-C in the review.
    Interrupted,
    /// A termination signal (its number).
    Signal(i32),
}

/// Runs `unspin review`.
pub fn review(a: ReviewArgs) -> anyhow::Result<Outcome> {
    let path = match a.common.files.as_slice() {
        [p] if p != Path::new("-") => p.clone(),
        [_] => bail!("review needs a file: standard input cannot be reviewed and written back"),
        [] => bail!("review needs a file: unspin review FILE"),
        more => bail!("review takes one file at a time, got {}", more.len()),
    };
    if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
        bail!(
            "review needs a terminal (standard input and output); for a review in a diff tool, \
             use `unspin diff --patch {} > restore.patch`",
            path.display()
        );
    }
    let name = path.display().to_string();
    let size = std::fs::metadata(&path)
        .map_err(|e| unspin::Error::io(&path, e))?
        .len();
    if size > a.common.max_bytes {
        bail!(
            "{name}: {size} bytes, over the --max-bytes limit of {}",
            a.common.max_bytes
        );
    }
    let bytes = std::fs::read(&path).map_err(|e| unspin::Error::io(&path, e))?;
    let text = decode(bytes, &path)?;
    let config = ProjectConfig::discover(&path)?;
    let base = a.common.unspinner()?;
    let unspinner = match &config {
        Some(c) => base.with_allowed(c.allowed()),
        None => base,
    };
    let doc = if a.jsonl || crate::is_jsonl_name(&path) {
        if a.field.is_empty() {
            bail!("--field needs a name");
        }
        let field = unspin::jsonl::FieldPath::new(&a.field);
        let records = Records::read(&unspinner, &text, &field);
        for (line, e) in &records.errors {
            eprintln!("unspin: {name}:{line}: {e} (kept as written)");
        }
        Reviewed::Records(records)
    } else {
        Reviewed::Text(unspinner.analyze(&text))
    };
    let review = Review::new(doc.text(), doc.findings(), a.all);
    if review.is_empty() {
        println!(
            "{name}: nothing to review (score {:.2}, {} findings kept; --all shows them)",
            doc.score(),
            doc.findings().len()
        );
        return Ok(Outcome::default());
    }
    let target = a.output.clone().unwrap_or_else(|| path.clone());
    let mut app = App::new(
        review,
        name.clone(),
        target.display().to_string(),
        doc.score(),
        doc.is_spun(),
    );
    if let Reviewed::Records(r) = &doc {
        // Each finding under the score of its own record.
        app.scores = app
            .review
            .spans()
            .map(|span| r.verdict(span.start))
            .collect();
    }
    let end = run_screen(&mut app)?;
    let summary = app.review.summary();
    match end {
        End::Quit { save: true } => {
            let result = doc.result(app.review.edits());
            let mut done = Vec::new();
            if a.output.is_none() && changed_on_disk(&path, &text) {
                let aside = PathBuf::from(format!("{}.reviewed", path.display()));
                write_atomic(&aside, result.as_bytes())?;
                print_summary(&name, summary, "not saved")?;
                bail!(
                    "{name} changed during the review, so it was not overwritten; \
                     the reviewed text is in {}",
                    aside.display()
                );
            }
            if a.output.is_some() || result != text {
                write_atomic(&target, result.as_bytes())?;
                done.push(format!("wrote {}", target.display()));
            } else {
                done.push("no change to write".to_string());
            }
            if !app.review.remembered().is_empty() {
                let saved = remember(config, &path, app.review.remembered())?;
                done.push(format!(
                    "remembered {} in {}",
                    quoted(app.review.remembered()),
                    saved.display()
                ));
            }
            print_summary(&name, summary, &done.join("; "))?;
        }
        End::Quit { save: false } => print_summary(&name, summary, "nothing written")?,
        End::Interrupted => {
            eprintln!("unspin: review interrupted; nothing written");
            std::process::exit(130);
        }
        End::Signal(sig) => {
            eprintln!("unspin: review stopped by signal {sig}; nothing written");
            std::process::exit(128 + sig);
        }
    }
    Ok(Outcome::default())
}

/// Shows the review until the reviewer quits or a signal arrives; the
/// terminal is restored before this returns, whatever happens.
fn run_screen(app: &mut App) -> anyhow::Result<End> {
    let signals = term::Signals::catch().context("cannot catch termination signals")?;
    let theme = ui::Theme::from_env();
    let mut screen = term::Screen::enter().context("cannot set up the terminal")?;
    exit_on_hangup();
    // Starts crossterm's event reader (and its SIGWINCH handler) before the
    // first frame, so that no resize goes unseen.
    event::poll(Duration::ZERO)?;
    let mut dirty = true;
    let mut size = screen.terminal.size()?;
    loop {
        if dirty {
            screen.terminal.draw(|f| ui::draw(f, app, &theme))?;
            dirty = false;
        }
        if let Some(sig) = signals.caught() {
            return Ok(End::Signal(sig));
        }
        if !event::poll(Duration::from_millis(200))? {
            // A resize without its event (some terminals, or one missed
            // while drawing) is caught here.
            let now = screen.terminal.size()?;
            dirty = now != size;
            size = now;
            continue;
        }
        match event::read()? {
            Event::Key(key) => {
                dirty = true;
                match app.key(key) {
                    Control::Continue => {}
                    Control::Quit { save } => return Ok(End::Quit { save }),
                    Control::Interrupt => return Ok(End::Interrupted),
                }
            }
            Event::Resize(..) => {
                screen.terminal.autoresize()?;
                size = screen.terminal.size()?;
                dirty = true;
            }
            _ => {}
        }
    }
}

/// Ends the process, writing nothing, when the terminal hangs up (its window
/// closed, its pty gone): crossterm's reader then sees end of file over and
/// over and never reports it, so the review would spin on, unseen.
fn exit_on_hangup() {
    std::thread::spawn(|| loop {
        let mut fd = libc::pollfd {
            fd: libc::STDIN_FILENO,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd and a zero timeout; poll only reads and
        // writes that struct.
        let ready = unsafe { libc::poll(&mut fd, 1, 0) };
        if ready > 0 && fd.revents & (libc::POLLHUP | libc::POLLNVAL) != 0 {
            std::process::exit(128 + libc::SIGHUP);
        }
        std::thread::sleep(Duration::from_millis(200));
    });
}

/// True when `path` no longer holds `text` (another program wrote it while
/// the review was on screen).
fn changed_on_disk(path: &Path, text: &str) -> bool {
    std::fs::read(path).map_or(true, |bytes| bytes != text.as_bytes())
}

/// Adds `forms` to the allow list of the project file (the one found for
/// the file, or a new `unspin.toml` beside it) and returns its path.
fn remember(
    config: Option<ProjectConfig>,
    file: &Path,
    forms: &[String],
) -> anyhow::Result<PathBuf> {
    let mut config = config.unwrap_or_else(|| {
        let dir = match file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        ProjectConfig::new(dir.join(FILE_NAME))
    });
    for form in forms {
        config.allow(form);
    }
    config.save()?;
    Ok(config.path)
}

fn print_summary(name: &str, s: Summary, done: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(
        out,
        "{name}: {} accepted, {} rejected, {} edited, {} skipped; {done}",
        s.accepted, s.rejected, s.edited, s.skipped
    )?;
    out.flush()
}

/// What is under review: one text, or the records of a JSON Lines file.
enum Reviewed<'t> {
    Text(unspin::Analysis<'t>),
    Records(Records<'t>),
}

impl Reviewed<'_> {
    /// The text the findings' spans point into.
    fn text(&self) -> &str {
        match self {
            Reviewed::Text(a) => a.text(),
            Reviewed::Records(r) => &r.text,
        }
    }

    fn findings(&self) -> &[unspin::Finding] {
        match self {
            Reviewed::Text(a) => a.findings(),
            Reviewed::Records(r) => &r.findings,
        }
    }

    /// The document score (of a JSON Lines file, the highest of its
    /// records') and verdict.
    fn score(&self) -> f64 {
        match self {
            Reviewed::Text(a) => a.score(),
            Reviewed::Records(r) => r.verdicts.iter().map(|v| v.1 .0).fold(0.0, f64::max),
        }
    }

    fn is_spun(&self) -> bool {
        match self {
            Reviewed::Text(a) => a.is_spun(),
            Reviewed::Records(r) => r.verdicts.iter().any(|v| v.1 .1),
        }
    }

    /// The file's new contents with `edits` (spans of [`Reviewed::text`])
    /// made: for JSON Lines, each record's text field edited where it lies
    /// in its line, every other byte as written.
    fn result(&self, edits: Vec<(Range<usize>, String)>) -> String {
        match self {
            Reviewed::Text(a) => unspin::restore::apply(a.text(), edits).into_owned(),
            Reviewed::Records(r) => r.result(edits),
        }
    }
}

/// The records of a JSON Lines file under review: the text field of each
/// line analysed as a document of its own, their findings reviewed in file
/// order, each finding's line the record's line.
struct Records<'f> {
    /// The file as read.
    file: &'f str,
    field: unspin::jsonl::FieldPath,
    /// The records' texts, one after another, each followed by a newline:
    /// the text the findings' spans point into.
    text: String,
    /// Each record: its line in `file` (without the newline) and its
    /// text's range in `text`.
    records: Vec<(Range<usize>, Range<usize>)>,
    findings: Vec<unspin::Finding>,
    /// Where each record's text starts in `text`, with its score and verdict.
    verdicts: Vec<(usize, (f64, bool))>,
    /// The lines that are no record (malformed, no text field): kept as
    /// written.
    errors: Vec<(usize, unspin::jsonl::LineError)>,
}

impl<'f> Records<'f> {
    fn read(u: &unspin::Unspinner, file: &'f str, field: &unspin::jsonl::FieldPath) -> Self {
        let mut r = Records {
            file,
            field: field.clone(),
            text: String::new(),
            records: Vec::new(),
            findings: Vec::new(),
            verdicts: Vec::new(),
            errors: Vec::new(),
        };
        let mut at = 0;
        for (i, line) in file.split_inclusive('\n').enumerate() {
            let body = line.strip_suffix('\n').unwrap_or(line);
            let raw = at..at + body.len();
            at += line.len();
            let doc = match unspin::jsonl::Document::parse(body.as_bytes(), field) {
                Ok(doc) => doc,
                Err(e) => {
                    if !unspin::jsonl::is_blank(body.as_bytes()) {
                        r.errors.push((i + 1, e));
                    }
                    continue;
                }
            };
            let a = u.analyze(doc.text());
            let start = r.text.len();
            r.text.push_str(doc.text());
            r.records.push((raw, start..r.text.len()));
            r.text.push('\n');
            r.verdicts.push((start, (a.score(), a.is_spun())));
            r.findings
                .extend(a.findings().iter().map(|f| unspin::Finding {
                    span: f.span.start + start..f.span.end + start,
                    line: i + 1,
                    ..f.clone()
                }));
        }
        r
    }

    /// The score and verdict of the record whose text holds byte `at` of
    /// [`Records::text`].
    fn verdict(&self, at: usize) -> (f64, bool) {
        let i = self.verdicts.partition_point(|v| v.0 <= at);
        self.verdicts[i.saturating_sub(1)].1
    }

    /// The file with `edits` made in the records' text fields.
    fn result(&self, edits: Vec<(Range<usize>, String)>) -> String {
        let mut out = Vec::with_capacity(self.file.len());
        let mut last = 0;
        let mut edits = edits.into_iter().peekable();
        for (raw, text) in &self.records {
            let mut mine = Vec::new();
            while let Some((span, _)) = edits.peek() {
                if span.start >= text.end {
                    break;
                }
                if let Some((span, new)) = edits.next() {
                    mine.push((span.start - text.start..span.end - text.start, new));
                }
            }
            if mine.is_empty() {
                continue;
            }
            let line = &self.file[raw.clone()];
            let Ok(doc) = unspin::jsonl::Document::parse(line.as_bytes(), &self.field) else {
                continue;
            };
            out.extend_from_slice(&self.file.as_bytes()[last..raw.start]);
            doc.write(&mut out, mine, &[]);
            last = raw.end;
        }
        out.extend_from_slice(&self.file.as_bytes()[last..]);
        // Text spliced into valid UTF-8 at string boundaries.
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

fn quoted(forms: &[String]) -> String {
    forms
        .iter()
        .map(|f| format!("“{f}”"))
        .collect::<Vec<_>>()
        .join(", ")
}
