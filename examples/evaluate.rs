//! Prints the restoration figures of the shipped unspinner on a pairs file
//! (JSON Lines `{"id","spun","original"}`) and the false restorations on
//! clean texts.
//!
//! ```text
//! cargo run --release --example evaluate -- corpus/dev/seed-pairs.jsonl [--clean FILE...]
//!     [--decide dictionary] [--tables NAMES | --without NAMES] [--dict FILE] [--json]
//! ```
//!
//! `--tables` names the built-in tables to use (comma-separated, as
//! `unspin --tables`); `--without` uses the default ones less those named
//! (a name that is not a default table is ignored); `--dict` adds a table
//! file (repeatable); `--thesaurus FILE` a spinner's thesaurus (repeatable,
//! read with `--thesaurus-keys first|all`); `--json` prints the figures on one line;
//! `--default-tables` prints the default tables' names and exits.

use std::path::PathBuf;

fn names(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut pairs_path = None;
    let mut clean: Vec<PathBuf> = Vec::new();
    let mut builder = unspin::Unspinner::builder();
    let mut json = false;
    let mut in_clean = false;
    let mut keys = unspin::thesaurus::KeyMode::First;
    let mut thesauri: Vec<PathBuf> = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--clean" => in_clean = true,
            "--json" => json = true,
            "--default-tables" => {
                println!("{}", unspin::dict::DEFAULT_TABLES.join(","));
                return Ok(());
            }
            "--decide" => {
                if args.next().as_deref() == Some("dictionary") {
                    builder = builder.mode(unspin::DecisionMode::Dictionary);
                }
            }
            "--tables" => builder = builder.builtin_tables(names(&args.next().unwrap_or_default())),
            "--without" => {
                let drop = names(&args.next().unwrap_or_default());
                builder = builder.builtin_tables(
                    unspin::dict::DEFAULT_TABLES
                        .iter()
                        .filter(|t| !drop.iter().any(|d| d == *t))
                        .copied(),
                );
            }
            "--dict" => builder = builder.table_file(args.next().unwrap_or_default()),
            "--thesaurus-keys" => keys = args.next().unwrap_or_default().parse()?,
            "--thesaurus" => thesauri.push(PathBuf::from(args.next().unwrap_or_default())),
            _ if in_clean => clean.push(a.into()),
            _ => pairs_path = Some(PathBuf::from(a)),
        }
    }
    for t in &thesauri {
        builder = builder.thesaurus(&unspin::thesaurus::Thesaurus::read(t, keys)?);
    }
    let u = builder.build()?;
    if let Some(p) = pairs_path {
        let pairs = unspin::eval::parse_pairs(&std::fs::read_to_string(&p)?)?;
        let figures = unspin::eval::evaluate(&u, &pairs);
        if json {
            println!("{}", serde_json::to_string(&figures)?);
        } else {
            println!("{}", serde_json::to_string_pretty(&figures)?);
        }
    }
    for path in clean {
        let text = std::fs::read_to_string(&path)?;
        let a = u.analyze(&text);
        let n = a.restorations().count();
        println!(
            "{}: score {:.3}, {} restorations in {} words ({:.2} per 1,000)",
            path.display(),
            a.score(),
            n,
            a.words(),
            1000.0 * n as f64 / a.words().max(1) as f64
        );
    }
    Ok(())
}
