//! Analysis throughput on a large corpus, in one thread, and peak memory.
//!
//! `cargo bench --bench throughput -- [CORPUS.jsonl]`; the default corpus,
//! `target/bench-analyze/corpus-100.jsonl` (about 100 MB of the shipped spun
//! and clean texts, repeated), is built by `scripts/bench_analyze.sh`.
//!
//! Reads the corpus a line at a time (so memory does not grow with it),
//! takes each line's `text`, and runs [`unspin::Unspinner::analyze`] on it.
//! Prints the MB of text analysed per second of analysis, the same counting
//! the JSON reading too, and the process's peak resident memory.

use std::io::BufRead;
use std::time::{Duration, Instant};

fn main() {
    let path = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .unwrap_or_else(|| "target/bench-analyze/corpus-100.jsonl".into());
    let file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("{path}: {e} (build it with scripts/bench_analyze.sh)");
            std::process::exit(2);
        }
    };
    let u = unspin::Unspinner::builder()
        .build()
        .expect("default unspinner");
    let (mut bytes, mut docs, mut findings) = (0usize, 0usize, 0usize);
    let mut analysing = Duration::ZERO;
    let start = Instant::now();
    for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.unwrap_or_else(|e| panic!("{path}:{}: {e}", n + 1));
        let doc: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("{path}:{}: {e}", n + 1));
        let text = doc["text"].as_str().unwrap_or_default();
        let t = Instant::now();
        let a = u.analyze(text);
        findings += a.findings().len();
        analysing += t.elapsed();
        bytes += text.len();
        docs += 1;
    }
    let total = start.elapsed();
    let mb = bytes as f64 / 1e6;
    println!("{path}: {docs} documents, {mb:.1} MB of text, {findings} findings");
    println!(
        "analysis: {:.1} MB/s ({:.2} s); with JSON reading: {:.1} MB/s ({:.2} s)",
        mb / analysing.as_secs_f64(),
        analysing.as_secs_f64(),
        mb / total.as_secs_f64(),
        total.as_secs_f64()
    );
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into());
    println!("peak resident memory: {peak}");
}
