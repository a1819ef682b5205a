//! The entry point: an [`Unspinner`] holds the dictionary, the language model
//! and the settings; [`Unspinner::analyze`] turns a text into an [`Analysis`].

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use once_cell::sync::OnceCell;

use crate::decide::{self, Verdict};
use crate::detect;
use crate::dict::{Dictionary, Table, TableKind, DEFAULT_TABLES};
use crate::error::Result;
use crate::finding::{Candidate, Finding, Reason, Terms};
use crate::lexicon::Candidates;
use crate::model::LanguageModel;
use crate::quotes;
use crate::restore::{apostrophe_style, keep_line_breaks, CaseMemory};
use crate::reuse::reused;
use crate::score::round4;
use crate::settings::{DecisionMode, Settings, DEFAULT_THRESHOLD};
use crate::tokenize::{normalize_phrase, tokenize_into, LineIndex, Token, TokenKind};
use crate::window::{Start, Window};

mod analysis;
mod sites;

use analysis::Reading;
pub use analysis::{Analysis, DocumentSummary};
use sites::General;

/// Finds and restores spun text. Build one with [`Unspinner::builder`], then
/// share it: it is `Send + Sync` and analysis takes `&self`.
///
/// ```
/// let unspinner = unspin::Unspinner::builder().build().unwrap();
/// let analysis = unspinner.analyze("He mentioned it is one in all the largest.");
/// assert!(analysis.findings().iter().any(|f| f.spun == "one in all"));
/// println!("{}", analysis.restore());
/// ```
#[derive(Debug, Clone)]
pub struct Unspinner {
    /// The spinner tables' forms.
    dict: Arc<Dictionary>,
    /// The general lexicons' forms, if any table is general (see
    /// [`TableKind::General`]): looked up only in documents judged spun.
    general: Option<Arc<General>>,
    model: &'static LanguageModel,
    /// What the model knows of the dictionary's candidates.
    candidates: Arc<Candidates>,
    settings: Settings,
    allow: Arc<HashSet<String>>,
    /// Whether a table's spinner writes its replacements in lower case
    /// (a thesaurus read with every member a key: see
    /// [`crate::restore::CaseMemory`]).
    lower_case_spinner: bool,
    /// The words a keys-only thesaurus's spinner never writes, counted in
    /// each document for its spin rate ([`decide::Survivors`]).
    survivors: Option<Arc<decide::Survivors>>,
}

/// Configures an [`Unspinner`].
#[derive(Debug, Clone)]
pub struct Builder {
    builtin: Vec<String>,
    tables: Vec<Table>,
    table_files: Vec<PathBuf>,
    /// Thesaurus tables: after the built-in ones, whose hand-made candidates
    /// and weights win for the forms they share.
    thesauri: Vec<Table>,
    settings: Settings,
    allow: HashSet<String>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            builtin: DEFAULT_TABLES.iter().map(|s| s.to_string()).collect(),
            tables: Vec::new(),
            table_files: Vec::new(),
            thesauri: Vec::new(),
            settings: Settings {
                threshold: DEFAULT_THRESHOLD,
                mode: DecisionMode::Model,
                min_confidence: 0.0,
            },
            allow: HashSet::new(),
        }
    }
}

impl Builder {
    /// Uses these built-in tables instead of the default ones
    /// (see [`crate::dict::BUILTIN_TABLES`]); an empty list uses none.
    pub fn builtin_tables<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Self {
        self.builtin = names.into_iter().map(Into::into).collect();
        self
    }

    /// Adds a table file; user tables come before the built-in ones, so
    /// their candidates are listed first.
    pub fn table_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.table_files.push(path.into());
        self
    }

    /// Adds a parsed table (before the built-in ones).
    pub fn table(mut self, table: Table) -> Self {
        self.tables.push(table);
        self
    }

    /// Adds a spinner's thesaurus (see [`crate::thesaurus`]): its forms
    /// with their channel probabilities, after the built-in tables.
    pub fn thesaurus(mut self, thesaurus: &crate::thesaurus::Thesaurus) -> Self {
        self.thesauri.push(thesaurus.table());
        self
    }

    /// Sets the document spin score at or above which a document is judged
    /// spun. Nothing is restored in a document judged clean.
    pub fn threshold(mut self, threshold: f64) -> Self {
        self.settings.threshold = threshold;
        self
    }

    /// Sets the least probability of a candidate for it to be restored (0,
    /// the default, restores wherever the decision prefers a candidate). A
    /// site kept for it has the reason [`crate::Reason::Unsure`].
    ///
    /// ```
    /// let sure = unspin::Unspinner::builder().min_confidence(0.999).build().unwrap();
    /// let a = sure.analyze("Trump mentioned the navy motion in the Center East.");
    /// assert!(a.findings().iter().all(|f| f.restoration.is_none()
    ///     || f.candidates[f.restoration.unwrap()].score >= 0.999));
    /// ```
    pub fn min_confidence(mut self, p: f64) -> Self {
        self.settings.min_confidence = p;
        self
    }

    /// Sets how restorations are decided.
    pub fn mode(mut self, mode: DecisionMode) -> Self {
        self.settings.mode = mode;
        self
    }

    /// Spun forms to leave alone wherever they occur (any case).
    pub fn allow<S: AsRef<str>>(mut self, forms: impl IntoIterator<Item = S>) -> Self {
        self.allow
            .extend(forms.into_iter().map(|f| normalize_phrase(f.as_ref())));
        self
    }

    /// Reads the tables and builds the unspinner.
    pub fn build(self) -> Result<Unspinner> {
        let mut tables = self.tables;
        for path in &self.table_files {
            tables.push(Table::read(path)?);
        }
        // The built-in general lexicons are large and needed only for
        // documents judged spun: compiled on first use.
        let mut general_builtin = Vec::new();
        for name in &self.builtin {
            match Table::builtin_kind(name) {
                Some(TableKind::General) => general_builtin.push(name.clone()),
                _ => tables.push(Table::builtin_named(name)?),
            }
        }
        tables.extend(self.thesauri);
        let unit = [
            ("threshold", self.settings.threshold),
            ("minimum confidence", self.settings.min_confidence),
        ];
        if let Some((what, v)) = unit.iter().find(|(_, v)| !(0.0..=1.0).contains(v)) {
            return Err(crate::Error::Config {
                path: PathBuf::from("<settings>"),
                line: 0,
                message: format!("{what} {v} is not in [0, 1]"),
            });
        }
        let lower_case_spinner = tables.iter().any(|t| t.per_occurrence);
        let model = LanguageModel::shipped();
        let survivors = decide::Survivors::new(
            tables
                .iter()
                .flat_map(|t| t.survivors.iter().map(String::as_str)),
            model,
        );
        let (spinner, general): (Vec<Table>, Vec<Table>) = tables
            .into_iter()
            .partition(|t| t.kind == TableKind::Spinner);
        let dict = Dictionary::from_tables(&spinner)?;
        let general = (!general.is_empty() || !general_builtin.is_empty()).then(|| General {
            builtin: general_builtin,
            tables: general,
            dict: OnceCell::new(),
        });
        if let Some(g) = general.as_ref().filter(|g| !g.tables.is_empty()) {
            // A user's table is compiled now, so that its errors show now.
            g.dictionary()?;
        }
        let general = general.map(Arc::new);
        Ok(Unspinner {
            general,
            candidates: Arc::new(Candidates::new(&dict, model)),
            dict: Arc::new(dict),
            model,
            settings: self.settings,
            allow: Arc::new(self.allow),
            lower_case_spinner,
            survivors: survivors.map(Arc::new),
        })
    }
}

impl Unspinner {
    /// A builder with the default tables, model and threshold.
    pub fn builder() -> Builder {
        Builder::default()
    }

    /// The same unspinner, also leaving these spun forms alone (any case):
    /// cheap, the dictionary and model are shared.
    pub fn with_allowed<S: AsRef<str>>(&self, forms: impl IntoIterator<Item = S>) -> Unspinner {
        let mut allow = (*self.allow).clone();
        allow.extend(forms.into_iter().map(|f| normalize_phrase(f.as_ref())));
        Unspinner {
            allow: Arc::new(allow),
            ..self.clone()
        }
    }

    /// The compiled dictionary of the spinner tables.
    pub fn dictionary(&self) -> &Dictionary {
        &self.dict
    }

    /// The compiled dictionary of the general lexicons, if any are loaded
    /// (compiled on first call).
    pub fn general_dictionary(&self) -> Option<&Dictionary> {
        self.general.as_deref().and_then(|g| g.dictionary().ok())
    }

    /// The settings in force.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Finds the spun forms in `text`, scores the document and decides each
    /// restoration.
    pub fn analyze<'t>(&self, text: &'t str) -> Analysis<'t> {
        self.analyze_in(text, Start::default(), None, true)
    }

    /// [`Unspinner::analyze`] for a caller that reads of a document judged
    /// clean only its verdict, not its findings: the same score, table
    /// score, verdict, words, restorations and restored text, but a
    /// document left alone (judged clean, or spun by another spinner than
    /// the tables': nothing is restored in it) lists no finding, and its
    /// sites are not decided, which is most of the work on clean text. A
    /// document whose restorations are decided is analysed whole.
    ///
    /// ```
    /// let u = unspin::Unspinner::builder().build().unwrap();
    /// let text = "The city council said the primary was held on Tuesday.";
    /// let (whole, verdict) = (u.analyze(text), u.analyze_verdict(text));
    /// assert!(!whole.findings().is_empty() && verdict.findings().is_empty());
    /// assert_eq!(whole.score(), verdict.score());
    /// assert_eq!(verdict.restore(), text);
    /// ```
    pub fn analyze_verdict<'t>(&self, text: &'t str) -> Analysis<'t> {
        self.analyze_in(text, Start::default(), None, false)
    }

    /// Analyses one window of a document (see [`crate::window`]) as part
    /// of the whole that `summary` describes: each decision is the one the
    /// whole document's analysis makes, where the window ends at a sentence
    /// end. The findings' spans are byte ranges of the window's text (add
    /// [`Analysis::offset`] for the document's), their lines and columns
    /// the document's.
    pub fn analyze_window<'t>(
        &self,
        window: Window<'t>,
        summary: &DocumentSummary,
    ) -> Analysis<'t> {
        self.analyze_in(window.text, window.start, Some(summary), true)
    }

    /// What the general spin detector ([`detect`]) reads in `text`, as
    /// [`Unspinner::analyze`] reads it, every word of it: for fitting the
    /// detector (`scripts/detect/fit.py`) and looking into a score.
    ///
    /// ```
    /// let u = unspin::Unspinner::builder().build().unwrap();
    /// assert_eq!(u.evidence("We took motion final night time.").words(), 6);
    /// ```
    pub fn evidence(&self, text: &str) -> detect::Evidence {
        self.read_evidence(text, detect::Evidence::default())
    }

    /// Adds to `evidence` what the detector reads in `text`.
    pub(crate) fn read_evidence(
        &self,
        text: &str,
        mut evidence: detect::Evidence,
    ) -> detect::Evidence {
        let r = self.read(text, apostrophe_style(text));
        evidence.add(text, &r.tokens, &r.lexemes, self.model);
        evidence
    }

    /// The first pass over a document read in windows: what its decisions
    /// take from the whole of it (its spin score, each form's evidence over
    /// all its occurrences, the originals it holds, whether its spinner
    /// rewrote quoted speech). `windows` is called a few times, and each
    /// time hands every window's text, in order, to the function it is given;
    /// an error it returns ends the pass. Memory is that of a window, and
    /// what is gathered: a few numbers for each distinct spun form.
    ///
    /// ```
    /// use unspin::window::windows;
    /// let u = unspin::Unspinner::builder().build().unwrap();
    /// let text = "We took motion final night time. The struggle is one in all the worst.\n";
    /// let summary = u
    ///     .summarize(|each| {
    ///         windows(text, 40).for_each(|w| each(w.text));
    ///         Ok::<(), std::convert::Infallible>(())
    ///     })
    ///     .unwrap();
    /// let restored: String = windows(text, 40)
    ///     .map(|w| u.analyze_window(w, &summary).restore().into_owned())
    ///     .collect();
    /// assert_eq!(restored, u.analyze(text).restore());
    /// ```
    pub fn summarize<E>(
        &self,
        mut windows: impl FnMut(&mut dyn FnMut(&str)) -> std::result::Result<(), E>,
    ) -> std::result::Result<DocumentSummary, E> {
        let vocab = self.vocabulary();
        // Pass A: words, apostrophes, and the originals the sites propose
        // (as model words, whatever the apostrophe).
        let mut survey = decide::Survey::default();
        let (mut curly, mut straight, mut words, mut sites) = (0, 0, 0, 0);
        let mut joins = crate::window::WordJoins::default();
        let mut evidence = detect::Evidence::until_settled();
        let mut case = CaseMemory::default();
        let mut survived = decide::Survived::default();
        self.pass(&mut windows, '\'', None, |r| {
            evidence.add(r.text, &r.tokens, &r.lexemes, self.model);
            if self.lower_case_spinner {
                case.add(r.text, &r.tokens);
            }
            let (c, s) = crate::restore::apostrophe_counts(r.text);
            (curly, straight) = (curly + c, straight + s);
            words += r.words.saturating_sub(joins.twice(r.text));
            sites += r.sites.len();
            survey.quoted_words += r.quoted_words;
            survived.add(self.survived(r));
            decide::survey(r.parts(), &r.sites, &vocab, &mut survey);
        })?;
        let apostrophe = if curly > straight { '\u{2019}' } else { '\'' };
        let mut outer = decide::Outer {
            words: survey.words,
            quoted_words: survey.quoted_words,
            survived,
            present: Default::default(),
            present_cost: 0.0,
            judgement: decide::Judgement {
                score: 0.0,
                quotes_spun: true,
                verdict: None,
                rates: Default::default(),
                tables: None,
                builtin: None,
            },
            by_form: Default::default(),
        };
        let mut summary = DocumentSummary {
            words,
            apostrophe,
            general: false,
            threshold: self.settings.threshold,
            outer: outer.clone(),
            score: evidence.score(0.0),
            table_score: 0.0,
            case,
        };
        if sites == 0 || self.settings.mode == DecisionMode::Dictionary {
            return Ok(summary);
        }
        let t = decide::tuning();
        // Pass B: which of them the document holds elsewhere.
        self.pass(&mut windows, apostrophe, None, |r| {
            decide::presence(r.parts(), &r.sites, &vocab, &survey, &mut outer.present);
        })?;
        outer.present_cost = survey.present_cost(&outer.present, &t);
        // Pass C: the evidence of every site, pooled.
        let mut tally = decide::Tally::default();
        self.pass(&mut windows, apostrophe, None, |r| {
            decide::gather(r.parts(), &r.sites, &vocab, &outer, &mut tally);
        })?;
        outer.judgement = tally.judgement(outer.words, outer.quoted_words, outer.survived, &t);
        outer.by_form = tally.by_form;
        summary.table_score = outer.judgement.score;
        summary.score = evidence.score(outer.judgement.score);
        let threshold = self.settings.threshold;
        outer.judgement = lifted(outer.judgement, summary.score, &evidence, threshold);
        // The general lexicons, in a document judged spun: their sites'
        // originals and evidence too (as `analyze` decodes a second time).
        let spun = !outer.judgement.left_alone(self.settings.threshold);
        if spun && self.general_dictionary().is_some() {
            let quotes_spun = Some(outer.judgement.quotes_spun);
            let mut wanted = decide::Survey::default();
            self.pass(&mut windows, apostrophe, quotes_spun, |r| {
                decide::survey(r.parts(), &r.sites, &vocab, &mut wanted);
            })?;
            self.pass(&mut windows, apostrophe, quotes_spun, |r| {
                decide::presence(r.parts(), &r.sites, &vocab, &wanted, &mut outer.present);
            })?;
            let mut tally = decide::Tally::default();
            self.pass(&mut windows, apostrophe, quotes_spun, |r| {
                decide::gather(r.parts(), &r.sites, &vocab, &outer, &mut tally);
            })?;
            outer.by_form = tally.by_form;
            summary.general = true;
        }
        summary.outer = outer;
        Ok(summary)
    }

    /// One pass of [`Unspinner::summarize`]: each window read, with
    /// `apostrophe` (and the general lexicons' sites when `quotes_spun` is
    /// given), handed to `each`.
    fn pass<E>(
        &self,
        windows: &mut impl FnMut(&mut dyn FnMut(&str)) -> std::result::Result<(), E>,
        apostrophe: char,
        quotes_spun: Option<bool>,
        mut each: impl FnMut(&Reading<'_>),
    ) -> std::result::Result<(), E> {
        windows(&mut |text| each(&self.read_with(text, apostrophe, quotes_spun)))
    }

    /// The document spin score of `text`, read as `r`, whose tables judge
    /// it `table` (with the general evidence unless the tables settle it),
    /// and the judgement to decide it with ([`lifted`]).
    fn judge(
        &self,
        text: &str,
        r: &Reading<'_>,
        table: decide::Judgement,
    ) -> (f64, decide::Judgement) {
        let mut evidence = detect::Evidence::until_settled();
        let score = match detect::Evidence::needed(table.score) {
            true => {
                evidence.add(text, &r.tokens, &r.lexemes, self.model);
                evidence.score(table.score)
            }
            // Not read: the tables settle it.
            false => detect::calibrated(table.score),
        };
        (
            score,
            lifted(table, score, &evidence, self.settings.threshold),
        )
    }

    /// Analyses `text` in windows of at most `size` bytes (see
    /// [`crate::window::windows`]), the document-level evidence gathered
    /// first by [`Unspinner::summarize`]: the same decisions as
    /// [`Unspinner::analyze`] where the windows end at line breaks or
    /// sentence ends, in the memory of a window (and of the analyses
    /// returned).
    pub fn analyze_windows<'t>(
        &self,
        text: &'t str,
        size: usize,
    ) -> (DocumentSummary, Vec<Analysis<'t>>) {
        let summary = self
            .summarize(|each| {
                crate::window::windows(text, size).for_each(|w| each(w.text));
                Ok::<(), std::convert::Infallible>(())
            })
            .unwrap_or_else(|e| match e {});
        let analyses = crate::window::windows(text, size)
            .map(|w| self.analyze_window(w, &summary))
            .collect();
        (summary, analyses)
    }

    /// Tokenizes `text` and finds its sites (spinner tables and number
    /// rules), writing originals with `apostrophe`.
    fn read<'t>(&self, text: &'t str, apostrophe: char) -> Reading<'t> {
        let mut tokens = reused!(Token);
        tokenize_into(text, &mut tokens);
        let lexemes = self.lexemes(text, &tokens);
        let quoted = quotes::quoted(text);
        let sites = self.sites(text, &tokens, &lexemes, &quoted, apostrophe);
        let is_word = |t: &&Token| matches!(t.kind, TokenKind::Word | TokenKind::Number);
        let words = tokens.iter().filter(is_word).count();
        let quoted_words = match quoted.is_empty() {
            true => 0,
            false => tokens
                .iter()
                .filter(is_word)
                .filter(|t| quotes::inside(&quoted, &t.span))
                .count(),
        };
        Reading {
            text,
            tokens,
            lexemes,
            quoted,
            sites,
            words,
            quoted_words,
        }
    }

    /// The words of `r` that a keys-only thesaurus's spinner never writes
    /// ([`decide::Survivors`]): read where a document's judgement is made,
    /// the whole of it or pass A over its windows.
    fn survived(&self, r: &Reading) -> decide::Survived {
        self.survivors
            .as_ref()
            .map(|s| s.count(r.text, &r.tokens, &r.lexemes, &r.quoted))
            .unwrap_or_default()
    }

    /// [`Unspinner::read`], with the general lexicons' sites too when
    /// `quotes_spun` is given (whether to look inside quotes).
    fn read_with<'t>(
        &self,
        text: &'t str,
        apostrophe: char,
        quotes_spun: Option<bool>,
    ) -> Reading<'t> {
        let mut r = self.read(text, apostrophe);
        if let (Some(quotes_spun), Some(general)) = (quotes_spun, self.general_dictionary()) {
            self.add_general(&mut r, general, apostrophe, quotes_spun);
        }
        r
    }

    /// Analyses `text`, which starts at `start` in its document: the whole
    /// document when `summary` is `None`, else a window of the document it
    /// describes. Unless `clean_findings`, a document judged clean lists no
    /// finding (see [`Unspinner::analyze_verdict`]).
    fn analyze_in<'t>(
        &self,
        text: &'t str,
        start: Start,
        summary: Option<&DocumentSummary>,
        clean_findings: bool,
    ) -> Analysis<'t> {
        let apostrophe = summary.map_or_else(|| apostrophe_style(text), |s| s.apostrophe);
        let mut r = self.read(text, apostrophe);
        if self.lower_case_spinner {
            let own;
            let memory = match summary {
                Some(s) => &s.case,
                None => {
                    own = CaseMemory::of(text, &r.tokens);
                    &own
                }
            };
            memory.recapitalise(text, &mut r.sites);
        }
        let vocabulary = self.vocabulary();
        let outer = summary.map(|s| &s.outer);
        // A window's judgement is its document's (`outer`).
        let survived = match summary {
            Some(_) => decide::Survived::default(),
            None => self.survived(&r),
        };
        let decide = |r: &Reading, given| {
            decide::decide(
                text,
                &r.tokens,
                &r.lexemes,
                &r.sites,
                &vocabulary,
                &self.settings,
                r.quoted_words,
                survived,
                given,
                outer,
                clean_findings,
            )
        };
        let (decided, score, table_score) = match summary {
            Some(s) => {
                if s.general {
                    if let Some(general) = self.general_dictionary() {
                        let quotes_spun = s.outer.judgement.quotes_spun;
                        self.add_general(&mut r, general, apostrophe, quotes_spun);
                    }
                }
                // A window's score is its document's.
                (decide(&r, None), s.score, s.table_score)
            }
            None => {
                let decided = decide(&r, None);
                let table = decided.judgement;
                let (score, judged) = self.judge(text, &r, table);
                // The general lexicon is looked up only once the document is
                // judged spun: in clean text nearly every word has a synonym,
                // and nothing to gain from one. Asked for only then: the
                // first call compiles the lexicons (most of a second), which
                // a run of clean documents never needs.
                let spun = !judged.left_alone(self.settings.threshold);
                let general = (spun && self.settings.mode == DecisionMode::Model)
                    .then(|| self.general_dictionary())
                    .flatten();
                let decided = match general {
                    Some(general) => {
                        self.add_general(&mut r, general, apostrophe, judged.quotes_spun);
                        decide(&r, Some(judged))
                    }
                    None if judged.verdict.is_some() => decide(&r, Some(judged)),
                    None => decided,
                };
                (decided, score, table.score)
            }
        };
        // Not made for a document whose sites were not decided.
        let lines = match decided.sites.is_empty() {
            true => LineIndex::new(""),
            false => LineIndex::new(text),
        };
        let mut lines = lines.cursor(text);
        let Reading {
            mut sites, words, ..
        } = r;
        let findings = sites
            .drain(..)
            .zip(decided.sites)
            // A form only a general lexicon knows is a finding only when
            // restored: nearly every word of a spun document has one.
            .filter(|(site, d)| !site.general || d.restore.is_some())
            .map(|(site, d)| {
                let (line, column) = lines.line_col(site.span.start);
                let (line, column) = match line {
                    1 => (start.line, start.column + column - 1),
                    _ => (start.line + line - 1, column),
                };
                let mut candidates: Vec<Candidate> = site
                    .candidates
                    .into_iter()
                    .zip(&decided.candidates[d.candidates])
                    .map(|(c, &(score, terms))| Candidate {
                        original: c.original,
                        score: round4(score),
                        source: c.source,
                        terms: Terms {
                            lm: round4(terms.lm),
                            channel: round4(terms.channel) + 0.0,
                            prior: round4(terms.prior),
                        },
                    })
                    .collect();
                // Where the restored candidate lands in the stable sort below.
                let restoration = d.restore.map(|r| {
                    let score = candidates[r].score;
                    candidates
                        .iter()
                        .enumerate()
                        .filter(|&(i, c)| match c.score.total_cmp(&score) {
                            std::cmp::Ordering::Greater => true,
                            std::cmp::Ordering::Equal => i < r,
                            std::cmp::Ordering::Less => false,
                        })
                        .count()
                });
                candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
                // A restoration never removes a line break.
                let (written, mut fits) = (&text[site.span.clone()], true);
                for (i, c) in candidates.iter_mut().enumerate() {
                    fits &= keep_line_breaks(&mut c.original, written) || restoration != Some(i);
                }
                let (restoration, reason) = match restoration {
                    Some(_) if !fits => (None, Reason::LineBreak),
                    r => (r, d.reason),
                };
                Finding {
                    span: site.span.clone(),
                    line,
                    column,
                    spun: text[site.span].to_string(),
                    candidates,
                    keep: round4(d.keep),
                    restoration,
                    reason,
                }
            })
            .collect();
        Analysis {
            text,
            findings,
            score,
            table_score,
            words,
            threshold: self.settings.threshold,
            start,
        }
    }
}

/// The judgement a decision is made with: the tables' own, with the verdict
/// of the document's `score` where the tables' score would give another. A
/// document reported clean is left alone. One judged spun by its score and
/// clean by the tables is decided with the probability that the tables'
/// spinner wrote it ([`detect::Evidence::table_spinner`]), high where they
/// have too few forms to tell (a short passage); where that probability is
/// under [`decide::Tuning::table_spinner_min`] (their many forms read as the
/// author's: another spinner, or none, wrote it) it is left alone too
/// ([`Reason::OtherSpinner`]).
fn lifted(
    table: decide::Judgement,
    score: f64,
    evidence: &detect::Evidence,
    threshold: f64,
) -> decide::Judgement {
    let spun = score >= threshold;
    match (table.score >= threshold, spun) {
        (false, true) => {
            let score = evidence.table_spinner(table.score);
            let verdict = match score >= decide::tuning().table_spinner_min {
                true => Verdict::Spun,
                false => Verdict::OtherSpinner,
            };
            decide::Judgement {
                score,
                verdict: Some(verdict),
                ..table
            }
        }
        (true, false) => decide::Judgement {
            verdict: Some(Verdict::Clean),
            ..table
        },
        _ => table,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unspinner() -> Unspinner {
        Unspinner::builder().build().unwrap()
    }

    /// A minimum confidence takes away the restorations under it, marks
    /// them `Unsure`, and changes nothing else.
    #[test]
    fn min_confidence_keeps_what_is_under_it_and_nothing_else() {
        let text = include_str!("../../corpus/seeds/002_e90d1dc293122756.txt");
        let all = unspinner().analyze(text);
        let mut before = usize::MAX;
        for p in [0.5, 0.9, 0.99] {
            let u = Unspinner::builder().min_confidence(p).build().unwrap();
            let a = u.analyze(text);
            assert_eq!(a.findings().len(), all.findings().len());
            for (f, g) in all.findings().iter().zip(a.findings()) {
                match (f.restored(), g.restored()) {
                    (_, Some(c)) => {
                        assert!(c.score >= p, "{g:?}");
                        assert_eq!(f, g);
                    }
                    (Some(c), None) => {
                        assert!(c.score < p, "{f:?}");
                        assert_eq!(g.reason, Reason::Unsure);
                    }
                    (None, None) => assert_eq!(f, g),
                }
            }
            let n = a.restorations().count();
            assert!(n <= before && n > 0, "{p}: {n}");
            before = n;
        }
        assert!(before < all.restorations().count());
        for bad in [-0.1, 1.5, f64::NAN] {
            assert!(Unspinner::builder().min_confidence(bad).build().is_err());
        }
    }

    #[test]
    fn unspinner_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Unspinner>();
        check::<Analysis<'static>>();
    }

    #[test]
    fn a_document_its_score_judges_spun_is_not_left_alone_as_clean() {
        let text = "He mentioned the aged bridge was mended by labourers from the township.";
        let a = unspinner().analyze(text);
        let (table, score) = (a.table_score(), a.score());
        assert!(table < score, "{table} {score}");
        // A threshold between the two: the tables alone judge it clean.
        let u = Unspinner::builder()
            .threshold((table + score) / 2.0)
            .build()
            .unwrap();
        let a = u.analyze(text);
        assert!(a.is_spun() && a.table_score() == table);
        assert!(a.restorations().count() > 0);
        assert!(a
            .findings()
            .iter()
            .all(|f| f.reason != Reason::CleanDocument));
        // Read in windows, the same.
        let (summary, windows) = u.analyze_windows(text, 40);
        assert!(summary.is_spun() && summary.table_score() == table);
        let restored: String = windows.iter().map(|w| w.restore().into_owned()).collect();
        assert_eq!(restored, a.restore());
    }

    #[test]
    fn a_decision_follows_the_verdict_of_the_documents_score() {
        let u = unspinner();
        let evidence = u.evidence("It transpired on the ultimate night time of the yr.");
        let table = |score| decide::Judgement {
            score,
            quotes_spun: true,
            verdict: None,
            rates: Default::default(),
            tables: None,
            builtin: None,
        };
        // Judged spun by its score, not by the tables: decided, with the
        // probability that the tables' spinner wrote it, unless that is
        // next to nothing.
        let j = lifted(table(1e-9), 0.9, &evidence, 0.5);
        assert!(
            j.verdict == Some(Verdict::OtherSpinner) && j.score < 0.01,
            "{j:?}"
        );
        let j = lifted(table(0.4), 0.9, &evidence, 0.5);
        assert!(j.verdict == Some(Verdict::Spun) && j.score > 0.4, "{j:?}");
        // Judged clean by its score, spun by the tables (a threshold the
        // calibration moves across): left alone.
        let j = lifted(table(0.6), 0.4, &evidence, 0.5);
        assert!(j.verdict == Some(Verdict::Clean) && j.score == 0.6, "{j:?}");
        // Judged alike by both: the tables' judgement.
        for (t, s) in [(0.6, 0.9), (0.2, 0.3)] {
            let j = lifted(table(t), s, &evidence, 0.5);
            assert!(j.verdict.is_none() && j.score == t, "{j:?}");
        }
    }

    #[test]
    fn general_lexicons_are_not_compiled_for_a_clean_document() {
        let u = Unspinner::builder()
            .builtin_tables(["news-spinner", "general-wordnet"])
            .build()
            .unwrap();
        let general = u.general.as_ref().unwrap();
        assert!(!u
            .analyze("The minister said the talks had failed.")
            .is_spun());
        assert!(general.dict.get().is_none());
        // A spun one compiles them.
        let spun = include_str!("../../corpus/seeds/002_e90d1dc293122756.txt");
        assert!(u.analyze(spun).is_spun());
        assert!(general.dict.get().is_some());
    }

    /// The shipped documents and passages of them, clean and spun: the
    /// seeds, the seed pairs' sides and the first Brown press texts, whole
    /// and cut into sentences' worth of lines.
    fn documents() -> Vec<String> {
        let mut docs: Vec<String> = [
            include_str!("../../corpus/seeds/000_aa92f3a28928f2e3.txt"),
            include_str!("../../corpus/seeds/001_97aa9ac3554af9e4.txt"),
            include_str!("../../corpus/seeds/002_e90d1dc293122756.txt"),
            include_str!("../../corpus/seeds/003_8b6ec4914fcd75e2.txt"),
            include_str!("../../corpus/seeds/004_8e862bd3df8d806c.txt"),
            SPUN,
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let json = |line: &str, field: &str| -> Option<String> {
            let v: serde_json::Value = serde_json::from_str(line).ok()?;
            Some(v.get(field)?.as_str()?.to_string())
        };
        for line in include_str!("../../corpus/dev/seed-pairs.jsonl").lines() {
            docs.extend(["spun", "original"].iter().filter_map(|f| json(line, f)));
        }
        let brown = include_str!("../../corpus/brown-press.jsonl")
            .lines()
            .take(12);
        docs.extend(brown.filter_map(|l| json(l, "text")));
        let lines: Vec<String> = docs
            .iter()
            .flat_map(|d| d.lines().filter(|l| !l.trim().is_empty()).map(String::from))
            .collect();
        docs.extend(lines);
        docs
    }

    /// `analyze_verdict` against `analyze` on every document: the same
    /// verdict, score, words and restorations; findings left out only of a
    /// document the whole analysis restores nothing in. Returns how many
    /// documents' findings it left out and how many it listed.
    fn verdict_agrees(u: &Unspinner) -> (usize, usize) {
        let (mut skipped, mut listed) = (0, 0);
        for text in documents() {
            let (whole, verdict) = (u.analyze(&text), u.analyze_verdict(&text));
            assert_eq!(whole.score().to_bits(), verdict.score().to_bits(), "{text}");
            assert_eq!(whole.table_score(), verdict.table_score(), "{text}");
            assert_eq!(whole.is_spun(), verdict.is_spun(), "{text}");
            assert_eq!(whole.words(), verdict.words(), "{text}");
            let restored = |a: &Analysis| -> Vec<_> { a.restorations().cloned().collect() };
            assert_eq!(restored(&whole), restored(&verdict), "{text}");
            assert_eq!(whole.restore(), verdict.restore(), "{text}");
            if verdict.findings().len() < whole.findings().len() {
                assert!(verdict.findings().is_empty(), "{text}");
                assert_eq!(whole.restorations().count(), 0, "{text}");
                assert!(
                    whole.findings().iter().all(|f| matches!(
                        f.reason,
                        Reason::CleanDocument | Reason::OtherSpinner | Reason::QuotedSpeech
                    )),
                    "{text}"
                );
                skipped += 1;
            } else {
                assert_eq!(whole.findings(), verdict.findings(), "{text}");
                listed += usize::from(!whole.findings().is_empty());
            }
        }
        (skipped, listed)
    }

    #[test]
    fn a_verdict_leaves_out_only_the_findings_of_a_clean_document() {
        let (skipped, listed) = verdict_agrees(&unspinner());
        assert!(skipped > 100 && listed > 10, "{skipped} {listed}");
    }

    #[test]
    fn a_verdict_skips_nothing_where_a_clean_score_may_restore() {
        // Judged spun at any score: every document decided.
        let all = Unspinner::builder().threshold(0.0).build().unwrap();
        assert_eq!(verdict_agrees(&all).0, 0);
        // The dictionary restores whatever the score.
        let dict = Unspinner::builder()
            .mode(DecisionMode::Dictionary)
            .build()
            .unwrap();
        assert_eq!(verdict_agrees(&dict).0, 0);
        // The general lexicons are consulted only in a spun document.
        let general = Unspinner::builder()
            .builtin_tables(["news-spinner", "general-moby"])
            .build()
            .unwrap();
        assert!(verdict_agrees(&general).0 > 0);
    }

    #[test]
    fn allowed_forms_are_not_findings() {
        let u = Unspinner::builder().allow(["One In All"]).build().unwrap();
        assert!(u.analyze("one in all").findings().is_empty());
    }

    #[test]
    fn empty_text_has_no_findings_and_a_zero_score() {
        let a = unspinner().analyze("");
        assert!(a.findings().is_empty());
        assert_eq!(a.restore(), "");
        assert_eq!(a.score(), 0.0);
    }

    /// Spun outside quotes: distinctive spinner forms in every sentence.
    const SPUN: &str = "Officers mentioned the struggle is one in all the worst within the \
        Center East. The navy mentioned final night time that the assault was one in all many. \
        Individuals within the area mentioned the struggle will finish quickly. ";

    #[test]
    fn quotes_the_spinner_left_alone_are_left_alone() {
        let quote = "\"The nation will fight on in this area, whatever the cost, and we will \
            stand with our friends in the region for as long as it takes to win,\" he said.";
        let text = format!("{SPUN}{quote}");
        let a = unspinner().analyze(&text);
        assert!(a.is_spun());
        let at = text.find(quote).unwrap();
        let quoted: Vec<_> = a.findings().iter().filter(|f| f.span.start > at).collect();
        assert!(!quoted.is_empty());
        for f in quoted {
            assert_eq!(f.restoration, None, "{f:?}");
            assert_eq!(f.reason, crate::Reason::QuotedSpeech);
        }
    }

    #[test]
    fn quotes_the_spinner_rewrote_are_restored() {
        let quote = "\"We mentioned final night time that the struggle is one in all the worst \
            within the Center East,\" he mentioned.";
        let text = format!("{SPUN}{quote}");
        let a = unspinner().analyze(&text);
        let at = text.find(quote).unwrap();
        let restored = a.restorations().filter(|f| f.span.start > at).count();
        assert!(restored >= 3, "{restored}");
    }

    #[test]
    fn general_lexicon_forms_are_findings_only_when_restored() {
        let u = Unspinner::builder()
            .builtin_tables(["news-spinner", "general-moby", "general-wordnet"])
            .build()
            .unwrap();
        // Clean: the general lexicon is not even consulted.
        let clean = u.analyze(include_str!("../../corpus/seeds/003_8b6ec4914fcd75e2.txt"));
        assert!(!clean.is_spun());
        assert!(clean
            .findings()
            .iter()
            .all(|f| !f.candidates.iter().any(|c| c.source.contains("general-"))));
        let a = u.analyze(SPUN);
        for f in a.findings() {
            let general_only = f.candidates.iter().all(|c| c.source.contains("general-"));
            assert!(!general_only || f.restoration.is_some(), "{f:?}");
        }
    }

    #[test]
    fn a_table_cannot_drop_a_negation_or_change_a_number_unless_distinctive() {
        let table = Table::parse(
            "did not\tdid\t0.5\nhundreds\tthousands\t0.5\nthousands and thousands\tmillions\t1.0\n",
            "t.tsv",
        )
        .unwrap();
        let u = Unspinner::builder().table(table).build().unwrap();
        let text = format!("{SPUN}They did not come. Hundreds of them, thousands and thousands.");
        let a = u.analyze(&text);
        let proposed: Vec<&str> = a
            .findings()
            .iter()
            .flat_map(|f| f.candidates.iter().map(|c| c.original.as_str()))
            .collect();
        assert!(!proposed.contains(&"did"), "{proposed:?}");
        assert!(!proposed.contains(&"Thousands"), "{proposed:?}");
        assert!(proposed.contains(&"millions"), "{proposed:?}");
    }

    #[test]
    fn findings_carry_line_column_and_source() {
        let a = unspinner().analyze("x\n  one in all");
        let f = &a.findings()[0];
        assert_eq!((f.line, f.column), (2, 3));
        assert!(f.candidates[0]
            .source
            .starts_with("dictionaries/news-spinner.tsv:"));
    }
}
