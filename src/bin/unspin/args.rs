//! Command-line arguments, and their translation into a validated config.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Find and restore text garbled by automatic article spinners.
///
/// Exit status: 0 nothing to restore, 1 restorations proposed, 2 trouble.
#[derive(Debug, Parser)]
#[command(name = "unspin", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the findings of each input and its document spin score.
    Check(CheckArgs),
    /// Show the proposed restorations as a unified diff.
    Diff(DiffArgs),
    /// Write the restored text (stdout, -o OUT, or --write in place).
    Fix(FixArgs),
}

/// Options shared by every command: tables, model and threshold.
#[derive(Debug, Args, Clone)]
pub struct Common {
    /// Inputs: files, or `-` (the default) for standard input.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// An extra substitution table (repeatable); see dictionaries/README.md.
    #[arg(long = "dict", value_name = "FILE")]
    pub dicts: Vec<PathBuf>,

    /// Built-in tables to use, comma-separated (news-spinner, tortured-phrases).
    #[arg(
        long = "tables",
        value_name = "NAMES",
        value_delimiter = ',',
        default_value = "news-spinner"
    )]
    pub tables: Vec<String>,

    /// Document spin score at or above which a document is judged spun.
    #[arg(long, value_name = "SCORE", default_value_t = unspin::DEFAULT_THRESHOLD)]
    pub threshold: f64,

    /// How restorations are decided.
    #[arg(long, value_enum, default_value_t = Decide::Model)]
    pub decide: Decide,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Decide {
    /// Language model, channel and document prior (the default).
    Model,
    /// Dictionary only: every form of weight >= 0.5 (a baseline).
    Dictionary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// `path:line:col: spun -> original (score)` lines and a score line.
    Text,
    /// One JSON object per input.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colour on a terminal unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: Common,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Read JSON Lines objects with "id" and "text"; write each back with
    /// "score" and "findings" added.
    #[arg(long)]
    pub jsonl: bool,

    /// Show each finding's candidates with their model, channel and prior terms.
    #[arg(long)]
    pub explain: bool,

    /// List kept findings too, not only proposed restorations.
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub common: Common,

    /// When to colour the diff.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub common: Common,

    /// Read JSON Lines objects with "id" and "text"; write each back with the
    /// restored "text", "score" and "findings".
    #[arg(long)]
    pub jsonl: bool,

    /// Write the restored text to OUT (one input only).
    #[arg(
        short = 'o',
        long = "output",
        value_name = "OUT",
        conflicts_with = "write"
    )]
    pub output: Option<PathBuf>,

    /// Restore the files in place (atomically).
    #[arg(long)]
    pub write: bool,
}

impl Common {
    /// The unspinner these options describe.
    pub fn unspinner(&self) -> anyhow::Result<unspin::Unspinner> {
        let mut b = unspin::Unspinner::builder()
            .builtin_tables(self.tables.iter().filter(|t| !t.is_empty()).cloned())
            .threshold(self.threshold)
            .mode(match self.decide {
                Decide::Model => unspin::DecisionMode::Model,
                Decide::Dictionary => unspin::DecisionMode::Dictionary,
            });
        for d in &self.dicts {
            b = b.table_file(d);
        }
        Ok(b.build()?)
    }

    /// The inputs, with `-` for standard input when none are given.
    pub fn inputs(&self) -> Vec<PathBuf> {
        if self.files.is_empty() {
            vec![PathBuf::from("-")]
        } else {
            self.files.clone()
        }
    }
}
