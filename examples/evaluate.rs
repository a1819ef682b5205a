//! Prints the restoration figures of the shipped unspinner on a pairs file
//! (JSON Lines `{"id","spun","original"}`) and the false restorations on
//! clean texts.
//!
//! ```text
//! cargo run --release --example evaluate -- corpus/dev/seed-pairs.jsonl [--clean FILE...] [--decide dictionary]
//! ```

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut pairs_path = None;
    let mut clean: Vec<PathBuf> = Vec::new();
    let mut mode = unspin::DecisionMode::Model;
    let mut in_clean = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--clean" => in_clean = true,
            "--decide" => {
                if args.next().as_deref() == Some("dictionary") {
                    mode = unspin::DecisionMode::Dictionary;
                }
            }
            _ if in_clean => clean.push(a.into()),
            _ => pairs_path = Some(PathBuf::from(a)),
        }
    }
    let u = unspin::Unspinner::builder().mode(mode).build()?;
    if let Some(p) = pairs_path {
        let pairs = unspin::eval::parse_pairs(&std::fs::read_to_string(&p)?)?;
        let figures = unspin::eval::evaluate(&u, &pairs);
        println!("{}", serde_json::to_string_pretty(&figures)?);
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
