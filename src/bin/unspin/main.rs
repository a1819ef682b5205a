//! The `unspin` command: arguments in, the library's analysis out.

mod args;
mod batch;
mod learn;
mod mine;
mod print;
mod progress;
mod review;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use unspin::input::decode;
use unspin::Unspinner;

use args::{Cli, Color, Command, DiffArgs, WordDiff};

/// What a run found, for the exit code.
#[derive(Debug, Default)]
struct Outcome {
    restorations: usize,
    errors: usize,
}

impl Outcome {
    fn exit_code(&self) -> ExitCode {
        if self.errors > 0 {
            ExitCode::from(2)
        } else if self.restorations > 0 {
            ExitCode::from(1)
        } else {
            ExitCode::SUCCESS
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("unspin: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    let broken = |e: &io::Error| e.kind() == io::ErrorKind::BrokenPipe;
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>().is_some_and(broken)
            || matches!(c.downcast_ref::<unspin::Error>(), Some(unspin::Error::Io { error, .. }) if broken(error))
    })
}

fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Check(a) => batch::check(a),
        Command::Diff(a) => diff(a),
        Command::Fix(a) => batch::fix(a),
        Command::Review(a) => review::review(a),
        Command::Learn(a) => learn::learn(a),
    }
}

/// Said on standard error when standard input is read from a terminal,
/// which would otherwise wait in silence for text to be typed.
const TYPING_NOTE: &str =
    "unspin: reading standard input from the terminal; end it with Ctrl-D (or name files to read)";

/// Whether standard input is among `inputs` and is a terminal.
fn stdin_is_typed(inputs: &[PathBuf]) -> bool {
    inputs.iter().any(|p| p == Path::new("-")) && io::stdin().is_terminal()
}

/// Reports a per-input error and counts it; the run goes on.
fn report(outcome: &mut Outcome, e: impl std::fmt::Display) {
    eprintln!("unspin: {e:#}");
    outcome.errors += 1;
}

fn display_name(path: &Path) -> String {
    if path == Path::new("-") {
        "<stdin>".to_string()
    } else {
        path.display().to_string()
    }
}

/// `base` with the allow list of the `unspin.toml` nearest to `path` (the
/// current directory for standard input).
fn unspinner_for(base: &Unspinner, path: &Path) -> unspin::Result<Unspinner> {
    let start = if path == Path::new("-") {
        Path::new(".")
    } else {
        path
    };
    Ok(match unspin::config::ProjectConfig::discover(start)? {
        Some(config) => base.with_allowed(config.allowed()),
        None => base.clone(),
    })
}

/// Reads one input as text; `-` is standard input. An input over `max`
/// bytes is refused before it is read whole: a file by its size, a stream
/// (standard input, `/dev/zero`) once `max + 1` bytes have come.
fn read_text(path: &Path, max: u64) -> anyhow::Result<String> {
    let name = PathBuf::from(display_name(path));
    let io_err = |e| unspin::Error::io(&name, e);
    let over = |size: String| {
        anyhow::anyhow!(
            "{}: {size}, over the --max-bytes limit of {max}",
            name.display()
        )
    };
    let limit = max.saturating_add(1);
    let bytes = if path == Path::new("-") {
        unspin::input::read_text_bytes(io::stdin().lock(), limit, &name)?
    } else {
        let file = std::fs::File::open(path).map_err(io_err)?;
        let size = file.metadata().map_err(io_err)?.len();
        if size > max {
            return Err(over(format!("{size} bytes")));
        }
        unspin::input::read_text_bytes(file, limit, &name)?
    };
    if bytes.len() as u64 > max {
        return Err(over(format!("more than {max} bytes")));
    }
    Ok(decode(bytes, &name)?)
}

fn diff(a: DiffArgs) -> anyhow::Result<Outcome> {
    let u = a.common.unspinner()?;
    if a.patch && a.common.inputs().iter().any(|p| p == Path::new("-")) {
        anyhow::bail!("--patch needs files: a patch names the file it applies to");
    }
    let color = match a.color {
        _ if a.patch => false,
        _ if a.word_diff == Some(WordDiff::Color) => true,
        Color::Always => true,
        Color::Never => false,
        Color::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let style = print::DiffStyle {
        color,
        words: a.word_diff.map(|w| w == WordDiff::Plain),
        context: a.unified.unwrap_or(if a.word_diff.is_some() {
            unspin::diff::DEFAULT_WORD_CONTEXT
        } else {
            unspin::diff::DEFAULT_CONTEXT
        }),
    };
    if stdin_is_typed(&a.common.inputs()) {
        eprintln!("{TYPING_NOTE}");
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut outcome = Outcome::default();
    for path in a.common.inputs() {
        let text = match read_text(&path, a.common.max_bytes) {
            Ok(t) => t,
            Err(e) => {
                report(&mut outcome, e);
                continue;
            }
        };
        let u = match unspinner_for(&u, path.as_ref()) {
            Ok(u) => u,
            Err(e) => {
                report(&mut outcome, e);
                continue;
            }
        };
        let (old, new) = if path == Path::new("-") {
            ("<stdin>".to_string(), "<stdin>".to_string())
        } else if a.patch {
            let p = patch_path(&path);
            (format!("a/{p}"), format!("b/{p}"))
        } else {
            let p = path.display();
            (format!("a/{p}"), format!("b/{p}"))
        };
        if a.jsonl || is_jsonl_name(&path) {
            let field = unspin::jsonl::FieldPath::new(&a.field);
            let name = display_name(&path);
            let lines = JsonlDiff {
                u: &u,
                field: &field,
                name: &name,
                names: (&old, &new),
                patch: a.patch,
                style,
            };
            lines.write(&mut out, &text, &mut outcome)?;
            continue;
        }
        let analysis = u.analyze(&text);
        outcome.restorations += analysis.restorations().count();
        print::diff(&mut out, &old, &new, &analysis, style)?;
    }
    out.flush()?;
    Ok(outcome)
}

/// Whether `path` names a JSON Lines file (`.jsonl`, `.ndjson`), as the
/// batch commands read it.
fn is_jsonl_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("ndjson"))
}

/// `diff` of a JSON Lines input: the text field of each record, as `fix`
/// restores it. Each record's diff is headed `a/PATH:LINE`; with `--patch`,
/// one patch of the file, whose changed lines are the records with their
/// text field restored (every other byte as written).
struct JsonlDiff<'a> {
    u: &'a unspin::Unspinner,
    field: &'a unspin::jsonl::FieldPath,
    name: &'a str,
    names: (&'a str, &'a str),
    patch: bool,
    style: print::DiffStyle,
}

impl JsonlDiff<'_> {
    fn write(&self, out: &mut impl Write, text: &str, outcome: &mut Outcome) -> anyhow::Result<()> {
        let mut restored = String::with_capacity(if self.patch { text.len() } else { 0 });
        for (i, line) in text.split_inclusive('\n').enumerate() {
            let body = line.strip_suffix('\n').unwrap_or(line);
            let doc = match unspin::jsonl::Document::parse(body.as_bytes(), self.field) {
                Ok(doc) => doc,
                Err(e) => {
                    if !unspin::jsonl::is_blank(body.as_bytes()) {
                        report(outcome, format!("{}:{}: {e}", self.name, i + 1));
                    }
                    restored.push_str(line);
                    continue;
                }
            };
            let a = self.u.analyze(doc.text());
            outcome.restorations += a.restorations().count();
            if self.patch {
                let edits = a
                    .restorations()
                    .filter_map(|f| Some((f.span.clone(), f.restored()?.original.as_str())));
                let mut new = Vec::new();
                doc.write(&mut new, edits, &[]);
                restored.push_str(&String::from_utf8_lossy(&new));
                restored.push_str(&line[body.len()..]);
            } else {
                let n = i + 1;
                let (old, new) = (
                    format!("{}:{n}", self.names.0),
                    format!("{}:{n}", self.names.1),
                );
                print::diff(out, &old, &new, &a, self.style)?;
            }
        }
        if self.patch {
            let (old, new) = self.names;
            let d = unspin::diff::unified_with(text, &restored, old, new, self.style.context);
            out.write_all(d.as_bytes())?;
        }
        Ok(())
    }
}

/// `path` as a patch names it: relative to the current directory when it
/// lies below it, without `./` components, with `/` separators.
fn patch_path(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    if relative.is_absolute() {
        return relative.display().to_string();
    }
    let parts: Vec<String> = relative
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}
