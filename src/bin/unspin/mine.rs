//! `unspin learn --corpus`: the pairs of a crawl found and mined, with a
//! progress bar on a terminal, `--found`, and the summary.

use std::io::{self, BufReader, IsTerminal};
use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use unspin::learn::Learned;
use unspin::mine::{self, corpus::Fields, parse_joined, Mined, Progress};

use crate::args::LearnArgs;
use crate::display_name;

/// What the crawl gave: the table learned, lines for the summary, and the
/// documents that could not be read.
pub struct FromCorpus {
    pub learned: Learned,
    pub summary: Vec<String>,
    pub errors: usize,
}

pub fn learn_corpus(a: &LearnArgs, learn: &unspin::learn::Options) -> anyhow::Result<FromCorpus> {
    anyhow::ensure!(
        (0.0..=1.0).contains(&a.min_similarity),
        "--min-similarity {} is not in [0, 1]",
        a.min_similarity
    );
    let options = mine::Options {
        join: mine::join::Join {
            min_similarity: a.min_similarity,
            ..Default::default()
        },
        learn: learn.clone(),
    };
    let fields = Fields {
        text: a.text_field.clone(),
        id: a.id_field.clone(),
    };
    let unspinner = unspin::Unspinner::builder().build()?;
    let bar = Bar::new(!a.quiet && io::stderr().is_terminal());
    let mut progress = |p: Progress| bar.show(p);
    let mined = match &a.pairs {
        Some(path) => {
            let name = PathBuf::from(display_name(path));
            let joined = if path == Path::new("-") {
                parse_joined(io::stdin().lock(), &name)?
            } else {
                let file = std::fs::File::open(path).map_err(|e| unspin::Error::io(&name, e))?;
                parse_joined(BufReader::new(file), &name)?
            };
            mine::mine_joined(
                &a.corpus,
                &fields,
                &joined,
                &unspinner,
                &options,
                &mut progress,
            )?
        }
        None => mine::mine_corpus(&a.corpus, &fields, &unspinner, &options, &mut progress)?,
    };
    bar.finish();
    for fault in &mined.faults {
        eprintln!("unspin: {fault} (skipped)");
    }
    if let Some(path) = &a.found {
        let mut text = String::new();
        for f in &mined.found {
            text += &serde_json::to_string(f)?;
            text.push('\n');
        }
        unspin::input::write_atomic(path, text.as_bytes())?;
    }
    let summary = summary(&mined, a.pairs.is_some());
    Ok(FromCorpus {
        errors: mined.faults.len(),
        summary,
        learned: mined.learned,
    })
}

fn summary(m: &Mined, given: bool) -> Vec<String> {
    let p = &m.pairing;
    let unread = if m.faults.is_empty() {
        String::new()
    } else {
        format!(" ({} unreadable, skipped)", m.faults.len())
    };
    let mut left = vec![
        format!("{} exact duplicates", p.duplicates),
        format!("{} both spun", p.both_spun),
        format!("{} neither spun", p.neither_spun),
        format!("{} misaligned", m.misaligned),
    ];
    if m.crowded > 0 {
        left.push(format!("{} crowded band keys", m.crowded));
    }
    let what = if given {
        "pairs given"
    } else {
        "candidate pairs"
    };
    vec![
        format!("{} documents read{unread}", m.documents),
        format!(
            "{} {what}, {} pairs kept ({})",
            m.candidates,
            m.found.len(),
            left.join(", ")
        ),
    ]
}

/// The progress bar on standard error, or nothing.
struct Bar(Option<ProgressBar>);

impl Bar {
    fn new(enabled: bool) -> Bar {
        Bar(enabled.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(8));
            let style = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        }))
    }

    fn show(&self, p: Progress) {
        let Some(bar) = &self.0 else { return };
        bar.set_message(match p {
            Progress::Signed { documents, bytes } => format!(
                "1/2 signatures: {documents} documents, {:.1} MB",
                bytes as f64 / 1e6
            ),
            Progress::Scored { done, of } => {
                format!("2/2 candidates read and scored: {done} of {of} documents")
            }
            Progress::Aligning { pairs } => format!("2/2 aligning and mining {pairs} pairs"),
        });
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
