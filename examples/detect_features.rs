//! Prints what the general spin detector reads in each text (see
//! `unspin::detect`), for `scripts/detect/fit.py` to fit it.
//!
//! ```text
//! cargo run --release --example detect_features < texts.jsonl > features.jsonl
//! ```
//!
//! Reads JSON Lines `{"id","text"}` on standard input and writes
//! `{"id","table","counts"}` for each, in order: the spinner tables' score
//! of the text (the default tables) and the detector's category counts.

use std::io::{BufRead, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let unspinner = unspin::Unspinner::builder().build()?;
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for (n, line) in stdin.lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let record: serde_json::Value =
            serde_json::from_str(&line).map_err(|e| format!("line {}: {e}", n + 1))?;
        let text = record["text"]
            .as_str()
            .ok_or_else(|| format!("line {}: no \"text\" string", n + 1))?;
        let table = unspinner.analyze(text).table_score();
        let counts = unspinner.evidence(text).counts();
        let row = serde_json::json!({"id": record["id"], "table": table, "counts": counts});
        writeln!(out, "{row}")?;
    }
    Ok(())
}
