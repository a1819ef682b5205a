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
    /// Review the findings of one file in the terminal, then write the result.
    Review(ReviewArgs),
    /// Learn a substitution table from spun copies and their originals.
    Learn(LearnArgs),
}

/// Options shared by every command: tables, model and threshold.
#[derive(Debug, Args, Clone)]
pub struct Common {
    /// Inputs: files, or `-` (the default) for standard input.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// An extra substitution table (repeatable): one entry a line, TAB
    /// separated: spun form, candidates (`a | b`, most likely first),
    /// weight in (0, 1], note; `#` starts a comment.
    #[arg(long = "dict", value_name = "FILE")]
    pub dicts: Vec<PathBuf>,

    /// A spinner's thesaurus (repeatable): one synonym set a line, members
    /// separated by `|`, as spinners ship them; read at run time, never
    /// shipped. Skipped lines are reported on standard error.
    #[arg(long = "thesaurus", value_name = "FILE")]
    pub thesauri: Vec<PathBuf>,

    /// Which members of a thesaurus line the spinner replaces: `first` (the
    /// key only, one choice per article: WP Auto Spinner's family) or `all`
    /// (every member, a fresh choice per occurrence: Turbo Spinner's).
    #[arg(long = "thesaurus-keys", value_name = "WHICH", default_value = "first")]
    pub thesaurus_keys: unspin::thesaurus::KeyMode,

    /// Built-in tables to use, comma-separated (news-spinner, general-moby,
    /// general-wordnet, tortured-phrases).
    #[arg(
        long = "tables",
        value_name = "NAMES",
        value_delimiter = ',',
        default_value = "news-spinner"
    )]
    pub tables: Vec<String>,

    /// Document spin score at or above which a document is judged spun;
    /// nothing is restored in a document judged clean.
    #[arg(long, value_name = "SCORE", default_value_t = unspin::DEFAULT_THRESHOLD)]
    pub threshold: f64,

    /// The least probability of a candidate for it to be restored, in
    /// [0, 1]: higher values restore less, at higher precision (a site kept
    /// for it has the reason `unsure`). 0 restores wherever the decision
    /// prefers a candidate.
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub min_confidence: f64,

    /// How restorations are decided.
    #[arg(long, value_enum, default_value_t = Decide::Model)]
    pub decide: Decide,

    /// The largest document read (a file, standard input, or a JSON line),
    /// in bytes; K, M and G multiply by 1024. A larger one is refused
    /// before it is read whole.
    #[arg(long, value_name = "BYTES", default_value = "64M", value_parser = parse_size)]
    pub max_bytes: u64,
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

/// How `diff --word-diff` marks changed words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WordDiff {
    /// `[-old-]{+new+}`, coloured too on a terminal.
    Plain,
    /// Colour alone: old words red, new words green.
    Color,
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

    /// Print only the name of each document, one a line: a file's path,
    /// `PATH:LINE` for a JSON line (with --only, of the documents it
    /// passes on).
    #[arg(short = 'l', long, conflicts_with_all = ["format", "explain", "all"])]
    pub list: bool,

    #[command(flatten)]
    pub batch: BatchArgs,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    #[command(flatten)]
    pub common: Common,

    /// When to colour the diff.
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Write a patch for `git apply` or `patch -p1`: never coloured, with
    /// `a/PATH` and `b/PATH` relative to the current directory.
    #[arg(long, conflicts_with = "word_diff")]
    pub patch: bool,

    /// Show changed words rather than lines, sentence by sentence:
    /// `[-struggle-]{+war+}` (plain, the default), or by colour alone
    /// (color).
    #[arg(
        long,
        value_enum,
        value_name = "MODE",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "plain"
    )]
    pub word_diff: Option<WordDiff>,

    /// Lines of context around each change (sentences with --word-diff);
    /// 0 gives a hunk for each changed line, to pick one by one as
    /// `git add -p` does. Default 3 (1 sentence with --word-diff).
    #[arg(short = 'U', long = "unified", value_name = "N")]
    pub unified: Option<usize>,

    /// Read every input as JSON Lines (files ending in .jsonl or .ndjson
    /// are anyway), and diff the text field of each record.
    #[arg(long)]
    pub jsonl: bool,

    /// The JSON Lines field holding the text; a dotted path (`doc.body`)
    /// reaches into nested objects.
    #[arg(long, value_name = "FIELD", default_value = "text")]
    pub field: String,
}

/// `unspin review FILE`: one file, reviewed and written back.
#[derive(Debug, Args)]
#[command(mut_arg("files", |a| {
    a.help("The file to review").required(true).num_args(1).action(clap::ArgAction::Set)
}))]
pub struct ReviewArgs {
    #[command(flatten)]
    pub common: Common,

    /// Review kept findings too, not only proposed restorations.
    #[arg(long)]
    pub all: bool,

    /// Write the result to OUT instead of back to FILE.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// Read the file as JSON Lines (files ending in .jsonl or .ndjson are
    /// anyway), and review the text field of every record.
    #[arg(long)]
    pub jsonl: bool,

    /// The JSON Lines field holding the text; a dotted path (`doc.body`)
    /// reaches into nested objects.
    #[arg(long, value_name = "FIELD", default_value = "text")]
    pub field: String,
}

#[derive(Debug, Args)]
pub struct FixArgs {
    #[command(flatten)]
    pub common: Common,

    /// Read JSON Lines objects with "id" and "text"; write each back with the
    /// restored "text" and "score" added.
    #[arg(long)]
    pub jsonl: bool,

    /// Add "findings" to each JSON Lines record too (every finding, as
    /// `check --format json` lists them).
    #[arg(long)]
    pub findings: bool,

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

    /// Write the restored inputs under DIR, mirroring the input tree.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["write", "output"])]
    pub out_dir: Option<PathBuf>,

    /// With --out-dir: skip the inputs whose outputs an earlier run
    /// completed (as recorded in DIR/.unspin-manifest.jsonl).
    #[arg(long, requires = "out_dir")]
    pub resume: bool,

    /// Do everything but write: no output files, no restored text on
    /// standard output, inputs untouched (a --report is still written).
    #[arg(long)]
    pub dry_run: bool,

    #[command(flatten)]
    pub batch: BatchArgs,
}

/// `unspin learn`: a table mined from spun/original pairs, given as two
/// files, a JSON Lines file of pairs, or two directories.
#[derive(Debug, Args)]
pub struct LearnArgs {
    /// The spun copy, a text file (with ORIGINAL).
    #[arg(value_name = "SPUN", requires = "original", conflicts_with_all = ["pairs", "spun_dir", "corpus"])]
    pub spun: Option<PathBuf>,

    /// The original of SPUN, a text file.
    #[arg(value_name = "ORIGINAL")]
    pub original: Option<PathBuf>,

    /// Pairs as JSON Lines, one object a line (`-` reads standard input).
    /// With --corpus, pairs of ids in the crawl: `{"spun": ID, "original":
    /// ID}` (as --found writes them) or `{"a": ID, "b": ID}` (a join done
    /// elsewhere; the sides are decided by spin score).
    #[arg(long, value_name = "PAIRS.jsonl", conflicts_with = "spun_dir")]
    pub pairs: Option<PathBuf>,

    /// Learn from a crawl: find the spun copies and their originals among
    /// these files and directories (text files, and JSON Lines files named
    /// *.jsonl with an id and a text field), then mine them.
    #[arg(long, value_name = "PATH", num_args = 1.., conflicts_with = "spun_dir")]
    pub corpus: Vec<PathBuf>,

    /// With --corpus: write the pairs found to FILE, one JSON object a line
    /// ({"spun": ID, "original": ID, "similarity", "agreement", scores}).
    #[arg(long, value_name = "FILE.jsonl", requires = "corpus")]
    pub found: Option<PathBuf>,

    /// With --corpus: the field of a JSON Lines document holding its text.
    #[arg(long, value_name = "FIELD", default_value = "text")]
    pub text_field: String,

    /// With --corpus: the least estimated similarity (share of shingles of
    /// the words spinners leave alone) of a candidate pair.
    #[arg(long, value_name = "SHARE", default_value_t = unspin::mine::join::Join::default().min_similarity)]
    pub min_similarity: f64,

    /// The field of a pair holding the spun text (a dotted path reaches
    /// into nested objects).
    #[arg(long, value_name = "FIELD", default_value = "spun")]
    pub spun_field: String,

    /// The field of a pair holding the original text.
    #[arg(long, value_name = "FIELD", default_value = "original")]
    pub original_field: String,

    /// The top-level field of a pair's id (a pair without one is named by
    /// its line number).
    #[arg(long, value_name = "FIELD", default_value = "id")]
    pub id_field: String,

    /// A directory of spun copies, paired with --original-dir's files by
    /// relative path.
    #[arg(long, value_name = "DIR", requires = "original_dir")]
    pub spun_dir: Option<PathBuf>,

    /// A directory of originals, paired with --spun-dir's files.
    #[arg(long, value_name = "DIR", requires = "spun_dir")]
    pub original_dir: Option<PathBuf>,

    /// Write the table to OUT (atomically) instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,

    /// Add the learned entries to this table: its entries stay, with their
    /// candidates first and their weights.
    #[arg(long, value_name = "TABLE")]
    pub merge: Option<PathBuf>,

    /// Leave out entries whose weight is under W.
    #[arg(long, value_name = "W", default_value_t = unspin::learn::Options::default().min_weight)]
    pub min_weight: f32,

    /// The most words a substitution replaces or writes, on either side.
    #[arg(long, value_name = "N", default_value_t = unspin::learn::Options::default().max_words)]
    pub max_words: usize,

    /// The least share of a pair's tokens the alignment must keep, else the
    /// pair is skipped as misaligned.
    #[arg(long, value_name = "SHARE", default_value_t = unspin::learn::Options::default().min_agreement)]
    pub min_agreement: f64,

    /// The least share of the tokens around a substitution that must agree.
    #[arg(long, value_name = "SHARE", default_value_t = unspin::learn::Options::default().min_context)]
    pub min_context: f64,

    /// The built-in tables the learned one will be used with,
    /// comma-separated: a spun form they know keeps their candidates first
    /// and their weight (`--tables ''`: none).
    #[arg(
        long = "tables",
        value_name = "NAMES",
        value_delimiter = ',',
        default_value = "news-spinner"
    )]
    pub tables: Vec<String>,

    /// No summary on standard error (errors are still reported).
    #[arg(short = 'q', long)]
    pub quiet: bool,
}

/// Options of runs over many inputs (`check` and `fix`).
#[derive(Debug, Args, Clone)]
pub struct BatchArgs {
    /// Walk only files matching GLOB in directories (repeatable; `!GLOB`
    /// excludes), as ripgrep's --glob. Files named on the command line are
    /// always read.
    #[arg(short = 'g', long = "glob", value_name = "GLOB")]
    pub globs: Vec<String>,

    /// Leave out files and directories matching GLOB (repeatable).
    #[arg(long = "exclude", value_name = "GLOB")]
    pub excludes: Vec<String>,

    /// Walk hidden files and directories too.
    #[arg(long)]
    pub hidden: bool,

    /// The JSON Lines field holding the text; a dotted path (`doc.body`)
    /// reaches into nested objects.
    #[arg(long, value_name = "FIELD", default_value = "text")]
    pub field: String,

    /// Restore only documents whose spin score is at least S; the others
    /// are kept as written.
    #[arg(long, value_name = "S")]
    pub min_score: Option<f64>,

    /// Pass on only the documents judged spun, or only those judged clean:
    /// the others are left out of the output (a JSON line, a file's
    /// listing or output file). Counted all the same in the summary, the
    /// report and the exit status. With `fix --write`, only the spun are
    /// restored, and nothing is left out.
    #[arg(long, value_enum, value_name = "VERDICT")]
    pub only: Option<Only>,

    /// Write a per-document report to FILE: CSV if it ends in .csv, a
    /// self-contained HTML page if .html (see docs/review.md), JSON Lines
    /// otherwise.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,

    /// Print the summary on standard error even for a single document.
    #[arg(long)]
    pub summary: bool,

    /// No progress bar, no summary, no notes (errors are still reported).
    #[arg(short = 'q', long)]
    pub quiet: bool,

    /// Worker threads; 0 uses every core. At most four per core: more are
    /// capped, with a note.
    #[arg(short = 'j', long, value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// What becomes of a document that cannot be processed: left out of
    /// the output (skip), or copied to it unchanged (pass). Either way it
    /// is reported and the exit status is 2.
    #[arg(long, value_enum, value_name = "POLICY", default_value_t = OnError::Skip)]
    pub on_error: OnError,

    /// A text file larger than BYTES is analysed in windows of at most
    /// BYTES, streamed (a testing aid: the default is 1M).
    #[arg(long, value_name = "BYTES", default_value = "1M", value_parser = parse_size, hide = true)]
    pub window: u64,
}

/// The documents `--only` passes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Only {
    /// The documents judged spun (score at or above --threshold).
    Spun,
    /// The documents judged clean.
    Clean,
}

impl From<Only> for unspin::batch::Only {
    fn from(o: Only) -> Self {
        match o {
            Only::Spun => unspin::batch::Only::Spun,
            Only::Clean => unspin::batch::Only::Clean,
        }
    }
}

/// What becomes of a document that cannot be processed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnError {
    /// Leave it out of the output.
    Skip,
    /// Copy it to the output unchanged.
    Pass,
}

/// A size in bytes: a number with an optional K, M or G suffix (powers of 1024).
fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let (digits, shift) = match t.char_indices().last() {
        Some((i, 'k' | 'K')) => (&t[..i], 10),
        Some((i, 'm' | 'M')) => (&t[..i], 20),
        Some((i, 'g' | 'G')) => (&t[..i], 30),
        _ => (t, 0),
    };
    let n: u64 = digits.parse().map_err(|e: std::num::ParseIntError| {
        if matches!(e.kind(), std::num::IntErrorKind::PosOverflow) {
            format!("`{s}` is larger than any size")
        } else {
            format!("`{s}` is not a size such as 4096, 512K or 64M")
        }
    })?;
    match n.checked_mul(1 << shift) {
        Some(0) => Err(format!("`{s}` is not a size above zero")),
        Some(n) => Ok(n),
        None => Err(format!("`{s}` is larger than any size")),
    }
}

/// Reports a thesaurus's skipped lines on standard error: the first few
/// one a line, then how many more (a spinner's file may hold thousands of
/// blank lines).
fn warn_skipped(path: &std::path::Path, skipped: &[unspin::thesaurus::Skipped]) {
    const SHOWN: usize = 10;
    for s in skipped.iter().take(SHOWN) {
        eprintln!(
            "unspin: warning: {}:{}: {}, skipped",
            path.display(),
            s.line,
            s.reason
        );
    }
    if skipped.len() > SHOWN {
        eprintln!(
            "unspin: warning: {}: {} more lines skipped",
            path.display(),
            skipped.len() - SHOWN
        );
    }
}

impl Common {
    /// The unspinner these options describe.
    pub fn unspinner(&self) -> anyhow::Result<unspin::Unspinner> {
        let mut b = unspin::Unspinner::builder()
            .builtin_tables(self.tables.iter().filter(|t| !t.is_empty()).cloned())
            .threshold(self.threshold)
            .min_confidence(self.min_confidence)
            .mode(match self.decide {
                Decide::Model => unspin::DecisionMode::Model,
                Decide::Dictionary => unspin::DecisionMode::Dictionary,
            });
        for d in &self.dicts {
            let table = unspin::dict::Table::read(d)?;
            for (form, first, line) in table.duplicates() {
                eprintln!(
                    "unspin: warning: {}:{line}: spun form `{form}` is also on line {first}; \
                     both lines' candidates are used, the weight of line {first}",
                    d.display()
                );
            }
            b = b.table(table);
        }
        for path in &self.thesauri {
            let t = unspin::thesaurus::Thesaurus::read(path, self.thesaurus_keys)?;
            warn_skipped(path, t.skipped());
            b = b.thesaurus(&t);
        }
        let u = b.build()?;
        // The tables live until the process ends: a clone never dropped
        // leaves them to the operating system, where freeing their many
        // small allocations one by one was a twentieth of start-up.
        std::mem::forget(u.clone());
        Ok(u)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_suffixes_and_without_overflow() {
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("2k"), Ok(2048));
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("18446744073709551615"), Ok(u64::MAX));
        assert!(parse_size("18446744073709551616")
            .unwrap_err()
            .contains("larger than any size"));
        assert!(parse_size("17179869184G")
            .unwrap_err()
            .contains("larger than any size"));
        assert!(parse_size("0").is_err() && parse_size("x").is_err() && parse_size("").is_err());
    }
}
