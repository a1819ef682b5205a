//! The `unspin` command: arguments in, the library's analysis out.

mod args;
mod print;

use std::io::{self, BufRead, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;
use unspin::input::{decode, write_atomic};
use unspin::report::{round4, FindingRecord};
use unspin::Unspinner;

use args::{CheckArgs, Cli, Color, Command, DiffArgs, FixArgs, Format};

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
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn run(cli: Cli) -> anyhow::Result<Outcome> {
    match cli.command {
        Command::Check(a) => check(a),
        Command::Diff(a) => diff(a),
        Command::Fix(a) => fix(a),
    }
}

/// Reports a per-input error and counts it; the run goes on.
fn report(outcome: &mut Outcome, e: impl std::fmt::Display) {
    eprintln!("unspin: {e}");
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

/// Reads one input as text; `-` is standard input.
fn read_text(path: &Path) -> unspin::Result<String> {
    let name = PathBuf::from(display_name(path));
    let mut bytes = Vec::new();
    if path == Path::new("-") {
        io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| unspin::Error::io(&name, e))?;
    } else {
        bytes = std::fs::read(path).map_err(|e| unspin::Error::io(&name, e))?;
    }
    decode(bytes, &name)
}

fn check(a: CheckArgs) -> anyhow::Result<Outcome> {
    let u = a.common.unspinner()?;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut outcome = Outcome::default();
    if a.jsonl {
        for path in a.common.inputs() {
            jsonl(&u, &path, &mut out, false, &mut outcome)?;
        }
        out.flush()?;
        return Ok(outcome);
    }
    for path in a.common.inputs() {
        let name = display_name(&path);
        let text = match read_text(&path) {
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
        let analysis = u.analyze(&text);
        outcome.restorations += analysis.restorations().count();
        match a.format {
            Format::Text => print::check_text(&mut out, &name, &analysis, a.all, a.explain)?,
            Format::Json => print::check_json(&mut out, &name, &analysis)?,
        }
    }
    out.flush()?;
    Ok(outcome)
}

fn diff(a: DiffArgs) -> anyhow::Result<Outcome> {
    let u = a.common.unspinner()?;
    let color = match a.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut outcome = Outcome::default();
    for path in a.common.inputs() {
        let text = match read_text(&path) {
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
        let analysis = u.analyze(&text);
        outcome.restorations += analysis.restorations().count();
        let (old, new) = if path == Path::new("-") {
            ("<stdin>".to_string(), "<stdin>".to_string())
        } else {
            let p = path.display();
            (format!("a/{p}"), format!("b/{p}"))
        };
        print::diff(&mut out, &old, &new, &analysis, color)?;
    }
    out.flush()?;
    Ok(outcome)
}

fn fix(a: FixArgs) -> anyhow::Result<Outcome> {
    let u = a.common.unspinner()?;
    let inputs = a.common.inputs();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut outcome = Outcome::default();
    if a.jsonl {
        if a.write || a.output.is_some() {
            anyhow::bail!("--jsonl writes to standard output; drop -o/--write");
        }
        for path in &inputs {
            jsonl(&u, path, &mut out, true, &mut outcome)?;
        }
        out.flush()?;
        return Ok(outcome);
    }
    if a.output.is_some() && inputs.len() != 1 {
        anyhow::bail!("-o/--output takes exactly one input, got {}", inputs.len());
    }
    if a.write && inputs.iter().any(|p| p == Path::new("-")) {
        anyhow::bail!("--write needs files: standard input cannot be restored in place");
    }
    for path in &inputs {
        let text = match read_text(path) {
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
        let analysis = u.analyze(&text);
        let n = analysis.restorations().count();
        outcome.restorations += n;
        let restored = analysis.restore();
        if a.write {
            if n > 0 {
                if let Err(e) = write_atomic(path, restored.as_bytes()) {
                    report(&mut outcome, e);
                }
            }
        } else if let Some(o) = &a.output {
            if let Err(e) = write_atomic(o, restored.as_bytes()) {
                report(&mut outcome, e);
            }
        } else {
            out.write_all(restored.as_bytes())?;
        }
    }
    out.flush()?;
    Ok(outcome)
}

/// Processes JSON Lines: each line an object with a string "text"; written
/// back with "score" and "findings" added (and "text" restored when `fix`).
/// A bad line is reported with its file and line and skipped.
fn jsonl(
    u: &Unspinner,
    path: &Path,
    out: &mut impl Write,
    fix: bool,
    outcome: &mut Outcome,
) -> anyhow::Result<()> {
    let name = display_name(path);
    let reader: Box<dyn BufRead> = if path == Path::new("-") {
        Box::new(io::BufReader::new(io::stdin()))
    } else {
        match std::fs::File::open(path) {
            Ok(f) => Box::new(io::BufReader::new(f)),
            Err(e) => {
                report(outcome, unspin::Error::io(&name, e));
                return Ok(());
            }
        }
    };
    for (i, line) in reader.split(b'\n').enumerate() {
        let lineno = i + 1;
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                report(outcome, format!("{name}:{lineno}: {e}"));
                break;
            }
        };
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match process_json_line(u, &line, fix) {
            Ok((json, n)) => {
                outcome.restorations += n;
                out.write_all(json.as_bytes())?;
                out.write_all(b"\n")?;
            }
            Err(msg) => report(outcome, format!("{name}:{lineno}: {msg}")),
        }
    }
    Ok(())
}

fn process_json_line(u: &Unspinner, line: &[u8], fix: bool) -> Result<(String, usize), String> {
    let text = std::str::from_utf8(line)
        .map_err(|e| format!("invalid UTF-8 at byte {} of the line", e.valid_up_to()))?;
    let mut value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("malformed JSON: {e}"))?;
    let obj = value
        .as_object_mut()
        .ok_or_else(|| "expected a JSON object".to_string())?;
    let doc = obj
        .get("text")
        .and_then(|t| t.as_str())
        .ok_or_else(|| "no string field \"text\"".to_string())?
        .to_string();
    let analysis = u.analyze(&doc);
    let n = analysis.restorations().count();
    let findings: Vec<FindingRecord<'_>> =
        analysis.findings().iter().map(FindingRecord::new).collect();
    let findings = serde_json::to_value(findings).map_err(|e| e.to_string())?;
    if fix {
        obj.insert("text".into(), analysis.restore().into_owned().into());
    }
    obj.insert("score".into(), round4(analysis.score()).into());
    obj.insert("findings".into(), findings);
    Ok((value.to_string(), n))
}
