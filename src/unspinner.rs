//! The entry point: an [`Unspinner`] holds the dictionary, the language model
//! and the settings; [`Unspinner::analyze`] turns a text into an [`Analysis`].

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::Arc;

use once_cell::sync::OnceCell;
use rustc_hash::FxHashSet;

use crate::decide::{self, Site, SiteCandidate};
use crate::dict::{DictEntry, Dictionary, Match, Table, TableKind, TokenWord, DEFAULT_TABLES};
use crate::error::Result;
use crate::finding::{Candidate, Finding, Reason, Terms};
use crate::lexicon::{self, Candidates, Lexeme, Vocabulary};
use crate::model::{LanguageModel, WordId};
use crate::restore::{self, apostrophe_style, apply, keep_line_breaks};
use crate::reuse::{reused, Reused};
use crate::score::round4;
use crate::settings::{DecisionMode, Settings, DEFAULT_THRESHOLD};
use crate::tokenize::{
    is_capitals, normalize_into, normalize_phrase, tokenize_into, Case, LineIndex, Token, TokenKind,
};
use crate::window::{Start, Window};
use crate::{diff, meaning, numbers, quotes};

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
}

/// How far below the general channel cost the neighbouring words' verdict on
/// a general candidate may fall and the candidate still be decoded (natural
/// log): the whole sentence may say more than two words do.
const PRESCREEN_SLACK: f64 = 3.0;

/// The model ids of the words right before token `first` and right after
/// token `last`, when only a space separates them.
fn neighbours(
    tokens: &[Token],
    lexemes: &[Lexeme],
    first: usize,
    last: usize,
) -> (Option<WordId>, Option<WordId>) {
    let word = |space: usize, at: usize| {
        let spaced = tokens
            .get(space)
            .is_some_and(|t| t.kind == TokenKind::Space);
        let word = tokens
            .get(at)
            .is_some_and(|t| matches!(t.kind, TokenKind::Word | TokenKind::Number));
        (spaced && word).then(|| lexemes[at].lm).flatten()
    };
    let before = first.checked_sub(2).and_then(|at| word(first - 1, at));
    (before, word(last + 1, last + 2))
}

/// The most candidates a general lexicon proposes at one site.
const GENERAL_CANDIDATES: usize = 3;

/// The general lexicons of an unspinner, compiled on first use.
#[derive(Debug)]
struct General {
    /// Names of the built-in general tables.
    builtin: Vec<String>,
    /// The user's general tables, parsed.
    tables: Vec<Table>,
    dict: OnceCell<Dictionary>,
}

impl General {
    /// The dictionary of the general tables, compiled on the first call.
    fn dictionary(&self) -> Result<&Dictionary> {
        self.dict.get_or_try_init(|| {
            let mut tables = self.tables.clone();
            // The built-in tables are kept valid by the test suite.
            tables.extend(self.builtin.iter().filter_map(|n| Table::builtin(n)));
            Dictionary::from_tables(&tables)
        })
    }
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
        if !(0.0..=1.0).contains(&self.settings.threshold) {
            return Err(crate::Error::Config {
                path: PathBuf::from("<settings>"),
                line: 0,
                message: format!("threshold {} is not in [0, 1]", self.settings.threshold),
            });
        }
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
        let model = LanguageModel::shipped();
        Ok(Unspinner {
            general,
            candidates: Arc::new(Candidates::new(&dict, model)),
            dict: Arc::new(dict),
            model,
            settings: self.settings,
            allow: Arc::new(self.allow),
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
        self.analyze_in(text, Start::default(), None)
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
        self.analyze_in(window.text, window.start, Some(summary))
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
        self.pass(&mut windows, '\'', None, |r| {
            let (c, s) = crate::restore::apostrophe_counts(r.text);
            (curly, straight) = (curly + c, straight + s);
            words += r.words.saturating_sub(joins.twice(r.text));
            sites += r.sites.len();
            survey.quoted_words += r.quoted_words;
            decide::survey(r.parts(), &r.sites, &vocab, &mut survey);
        })?;
        let apostrophe = if curly > straight { '\u{2019}' } else { '\'' };
        let mut outer = decide::Outer {
            words: survey.words,
            quoted_words: survey.quoted_words,
            present: Default::default(),
            present_cost: 0.0,
            judgement: decide::Judgement {
                score: 0.0,
                quotes_spun: true,
            },
            by_form: Default::default(),
        };
        let mut summary = DocumentSummary {
            words,
            apostrophe,
            general: false,
            threshold: self.settings.threshold,
            outer: outer.clone(),
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
        outer.judgement = tally.judgement(outer.words, outer.quoted_words, &t);
        outer.by_form = tally.by_form;
        // The general lexicons, in a document judged spun: their sites'
        // originals and evidence too (as `analyze` decodes a second time).
        let spun = outer.judgement.score >= self.settings.threshold;
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
    /// describes.
    fn analyze_in<'t>(
        &self,
        text: &'t str,
        start: Start,
        summary: Option<&DocumentSummary>,
    ) -> Analysis<'t> {
        let apostrophe = summary.map_or_else(|| apostrophe_style(text), |s| s.apostrophe);
        let mut r = self.read(text, apostrophe);
        let vocabulary = self.vocabulary();
        let outer = summary.map(|s| &s.outer);
        let decide = |r: &Reading, given| {
            decide::decide(
                text,
                &r.tokens,
                &r.lexemes,
                &r.sites,
                &vocabulary,
                &self.settings,
                r.quoted_words,
                given,
                outer,
            )
        };
        let decided = match summary {
            Some(s) => {
                if s.general {
                    if let Some(general) = self.general_dictionary() {
                        let quotes_spun = s.outer.judgement.quotes_spun;
                        self.add_general(&mut r, general, apostrophe, quotes_spun);
                    }
                }
                decide(&r, None)
            }
            None => {
                let decided = decide(&r, None);
                // The general lexicon is looked up only once the spinner's
                // own forms have shown the document spun: in clean text
                // nearly every word has a synonym, and nothing to gain from
                // one.
                let judged = decided.judgement;
                let spun = judged.score >= self.settings.threshold;
                match self.general_dictionary() {
                    Some(general) if spun && self.settings.mode == DecisionMode::Model => {
                        self.add_general(&mut r, general, apostrophe, judged.quotes_spun);
                        decide(&r, Some(judged))
                    }
                    _ => decided,
                }
            }
        };
        let lines = LineIndex::new(text);
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
            score: decided.judgement.score,
            words,
            threshold: self.settings.threshold,
            start,
        }
    }

    /// What the dictionary and the model know of each token of `text`.
    pub(crate) fn lexemes(&self, text: &str, tokens: &[Token]) -> Reused<Lexeme> {
        lexicon::lexemes(text, tokens, &self.dict, self.model)
    }

    /// The dictionary and the model as the decoder uses them.
    pub(crate) fn vocabulary(&self) -> Vocabulary<'_> {
        Vocabulary {
            dict: &self.dict,
            model: self.model,
            candidates: &self.candidates,
        }
    }

    /// The places in `text` (tokenized as `tokens`, looked up as
    /// `lexemes`, with quoted speech at `quoted`) that the spinner tables
    /// or the number rules know, with their candidates, in text order.
    pub(crate) fn sites(
        &self,
        text: &str,
        tokens: &[Token],
        lexemes: &[Lexeme],
        quoted: &[Range<usize>],
        apostrophe: char,
    ) -> Reused<Site> {
        let mut sites = reused!(Site);
        let mut k = 0;
        while k < tokens.len() {
            let tok = &tokens[k];
            let kind_ok = matches!(tok.kind, TokenKind::Word | TokenKind::Number);
            if !kind_ok {
                k += 1;
                continue;
            }
            if let Some(m) = self
                .dict
                .longest_match_by(text, tokens, k, |k| lexemes[k].dict)
            {
                let span = tokens[m.first].span.start..tokens[m.last].span.end;
                let written = &text[span.clone()];
                if !self.allowed(written) {
                    let mut candidates = Vec::new();
                    let at = (text, &span);
                    self.push_candidates(&mut candidates, m.entry, at, apostrophe, |j| {
                        self.candidates.index(m.index, j)
                    });
                    if !candidates.is_empty() {
                        sites.push(Site {
                            first: m.first,
                            last: m.last,
                            quoted: quotes::inside(quoted, &span),
                            span,
                            weight: m.entry.weight,
                            standing: m.entry.standing,
                            candidates,
                            general: false,
                        });
                        k = m.last + 1;
                        continue;
                    }
                }
            }
            if let Some(p) = numbers::propose(text, tokens, k) {
                let span = tokens[k].span.start..tokens[p.last].span.end;
                let written = &text[span.clone()];
                if !self.allowed(written) {
                    let place = restore::place(text, span.clone());
                    let original = restore::case_in_place(&p.original, written, apostrophe, place);
                    sites.push(Site {
                        first: k,
                        last: p.last,
                        quoted: quotes::inside(quoted, &span),
                        span,
                        weight: p.weight,
                        standing: None,
                        candidates: vec![SiteCandidate {
                            original,
                            phrase: None,
                            intrinsic_case: Case::Lower,
                            source: numbers::source(p.rule),
                            rank: 0,
                            general: false,
                            change: meaning::Change::None,
                            channel: None,
                            per_occurrence: false,
                        }],
                        general: false,
                    });
                    k = p.last + 1;
                    continue;
                }
            }
            k += 1;
        }
        sites
    }

    /// Whether the project's settings leave this form alone.
    fn allowed(&self, written: &str) -> bool {
        !self.allow.is_empty() && self.allow.contains(&normalize_phrase(written))
    }

    /// Appends to `out` the candidates of `entry` for the form at `span` of
    /// `text` (in the case of the form and its place, meaning-changing ones
    /// left out); `phrase(j)` is the model's view of candidate `j`, where
    /// known.
    fn push_candidates(
        &self,
        out: &mut Vec<SiteCandidate>,
        entry: &DictEntry,
        (text, span): (&str, &Range<usize>),
        apostrophe: char,
        phrase: impl Fn(usize) -> Option<u32>,
    ) {
        let written = &text[span.clone()];
        let place = restore::place(text, span.clone());
        let capitalised = written.starts_with(char::is_uppercase);
        // The originals taken, in a set where a table lists many.
        let mut taken: FxHashSet<String> = FxHashSet::default();
        let many = entry.candidates.len() > 16;
        // A general lexicon's candidates that could win: the spinner's keys
        // are common words, so an original rarer than the spun form (by the
        // model's unigrams) is passed over, and at most GENERAL_CANDIDATES
        // are taken, in table order. Nearly every word of a spun document
        // is a general site, and the decoder's work grows with the cube of a
        // site's alternatives.
        let mut general = 0;
        let mut floor = None;
        let unigram = |phrase: &str| {
            let words = phrase.split_whitespace();
            lexicon::unigram(self.model, words.map(|w| self.model.word_id(w)))
        };
        for (j, p) in entry.candidates.iter().enumerate() {
            let intrinsic_case = p.case;
            if !(capitalised || intrinsic_case == Case::Lower) {
                continue;
            }
            if p.kind == TableKind::General {
                if general == GENERAL_CANDIDATES {
                    break;
                }
                let floor = *floor.get_or_insert_with(|| unigram(&entry.spun));
                if unigram(&p.original) < floor {
                    continue;
                }
            }
            // A general lexicon never vouches for a change of meaning.
            let weight = match p.kind {
                TableKind::Spinner => entry.weight,
                TableKind::General => 0.0,
            };
            if !p.change.allowed(weight) {
                continue;
            }
            let original = restore::case_in_place(&p.original, written, apostrophe, place);
            let listed = match many {
                true => !taken.insert(original.clone()),
                false => out.iter().any(|c| c.original == original),
            };
            if listed {
                continue;
            }
            let phrase = original
                .eq_ignore_ascii_case(&p.original)
                .then(|| phrase(j))
                .flatten();
            general += usize::from(p.kind == TableKind::General);
            out.push(SiteCandidate {
                original,
                phrase,
                intrinsic_case,
                source: p.source.label().clone(),
                rank: p.rank,
                general: p.kind == TableKind::General,
                change: p.change,
                channel: p.channel,
                per_occurrence: p.per_occurrence,
            });
        }
    }

    /// Drops the general candidates that the words `around` a site (before,
    /// after) do not favour by far over the text as `written`: such a
    /// candidate cannot pay the general channel cost and is not worth
    /// decoding (the whole sentence may say more than two words, hence a
    /// slack).
    fn prescreen(
        &self,
        candidates: &mut Vec<SiteCandidate>,
        written: &str,
        (before, after): (Option<WordId>, Option<WordId>),
    ) {
        let (model, tune) = (self.model, decide::tuning());
        let fit = |phrase: &str| {
            let mut words = phrase.split_whitespace();
            let first = words.next().and_then(|w| model.word_id(&w.to_lowercase()));
            let last = words
                .last()
                .map_or(first, |w| model.word_id(&w.to_lowercase()));
            let p = |h: Option<WordId>, w: Option<WordId>| match (h, w) {
                (Some(h), Some(w)) => model.log10_prob(&[h], w) as f64,
                (None, Some(w)) => model.log10_prob(&[], w) as f64,
                _ => model.unk_log10() as f64,
            };
            let next = after.map_or(0.0, |n| p(last, Some(n)));
            (p(before, first) + next) * std::f64::consts::LN_10 * tune.lm_scale
        };
        let written_fit = fit(written);
        let needed = tune.general_cost - PRESCREEN_SLACK;
        candidates.retain(|c| !c.general || fit(&c.original) - written_fit >= needed);
    }

    /// Adds the general lexicon's candidates to `sites` (found with the
    /// spinner tables): to the sites whose form it knows too, and as sites
    /// of their own for the forms only it knows, outside quoted speech
    /// unless `quotes_spun`. Keeps `sites` in text order.
    fn add_general(
        &self,
        r: &mut Reading<'_>,
        general: &Dictionary,
        apostrophe: char,
        quotes_spun: bool,
    ) {
        let Reading {
            text,
            tokens,
            lexemes,
            quoted,
            sites,
            ..
        } = r;
        let (text, tokens, lexemes, quoted) = (*text, &tokens[..], &lexemes[..], &quoted[..]);
        for site in sites.iter_mut() {
            let written = &text[site.span.clone()];
            if let Some(entry) = general.get(written) {
                let at = (text, &site.span);
                self.push_candidates(&mut site.candidates, entry, at, apostrophe, |_| None);
                let around = neighbours(tokens, lexemes, site.first, site.last);
                self.prescreen(&mut site.candidates, written, around);
            }
        }
        // Word tokens already inside a site.
        let mut taken = vec![false; tokens.len()];
        for site in sites.iter() {
            taken[site.first..=site.last].fill(true);
        }
        let mut buf = String::new();
        let words: Vec<TokenWord> = tokens
            .iter()
            .map(|t| {
                if t.kind != TokenKind::Word {
                    return TokenWord::default();
                }
                let written = &text[t.span.clone()];
                buf.clear();
                normalize_into(written, &mut buf);
                TokenWord {
                    id: general.word_id(&buf),
                    capitals: is_capitals(written),
                }
            })
            .collect();
        let mut added = Vec::new();
        let mut k = 0;
        while k < tokens.len() {
            let found: Option<Match> = (!taken[k] && words[k].id.is_some())
                .then(|| general.longest_match_by(text, tokens, k, |k| words[k]))
                .flatten()
                .filter(|m| !taken[m.first..=m.last].contains(&true));
            let Some(m) = found else {
                k += 1;
                continue;
            };
            let span = tokens[m.first].span.start..tokens[m.last].span.end;
            let written = &text[span.clone()];
            let in_quotes = quotes::inside(quoted, &span);
            if !self.allowed(written) && (quotes_spun || !in_quotes) {
                let mut candidates = Vec::new();
                let at = (text, &span);
                self.push_candidates(&mut candidates, m.entry, at, apostrophe, |_| None);
                let around = neighbours(tokens, lexemes, m.first, m.last);
                self.prescreen(&mut candidates, written, around);
                if !candidates.is_empty() {
                    added.push(Site {
                        first: m.first,
                        last: m.last,
                        quoted: in_quotes,
                        span,
                        weight: m.entry.weight,
                        standing: m.entry.standing,
                        candidates,
                        general: true,
                    });
                }
            }
            k = m.last + 1;
        }
        if !added.is_empty() {
            sites.extend(added);
            sites.sort_by_key(|s| s.first);
        }
    }
}

/// The result of analysing one text: its findings, its document spin score,
/// and the restored text on demand.
#[derive(Debug, Clone)]
pub struct Analysis<'t> {
    text: &'t str,
    findings: Vec<Finding>,
    score: f64,
    words: usize,
    threshold: f64,
    start: Start,
}

/// What a document read in windows is as a whole: gathered by
/// [`Unspinner::summarize`], it lets each window be decided as in the whole
/// document ([`Unspinner::analyze_window`]).
#[derive(Debug, Clone)]
pub struct DocumentSummary {
    outer: decide::Outer,
    /// Words and numbers of the document.
    words: usize,
    apostrophe: char,
    /// Whether the general lexicons' sites are decided too.
    general: bool,
    threshold: f64,
}

impl DocumentSummary {
    /// The document spin score in [0, 1].
    pub fn score(&self) -> f64 {
        self.outer.judgement.score
    }

    /// True when the score reaches the unspinner's threshold.
    pub fn is_spun(&self) -> bool {
        self.score() >= self.threshold
    }

    /// Number of words and numbers in the document.
    pub fn words(&self) -> usize {
        self.words
    }
}

/// A text as the analysis reads it: its tokens, what is known of them, its
/// quotes and its sites.
struct Reading<'t> {
    text: &'t str,
    tokens: Reused<Token>,
    lexemes: Reused<Lexeme>,
    quoted: Vec<Range<usize>>,
    sites: Reused<Site>,
    /// Words and numbers.
    words: usize,
    /// Of them, inside quoted speech.
    quoted_words: usize,
}

impl<'t> Reading<'t> {
    fn parts(&self) -> (&'t str, &[Token], &[Lexeme]) {
        (self.text, &self.tokens, &self.lexemes)
    }
}

impl<'t> Analysis<'t> {
    /// The document spin score in [0, 1]: low for clean text, high for spun.
    pub fn score(&self) -> f64 {
        self.score
    }

    /// True when the score reaches the unspinner's threshold.
    pub fn is_spun(&self) -> bool {
        self.score >= self.threshold
    }

    /// Every finding, in text order, restored or not.
    pub fn findings(&self) -> &[Finding] {
        &self.findings
    }

    /// The findings proposed for restoration, in text order.
    pub fn restorations(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.restoration.is_some())
    }

    /// Number of words and numbers in the text.
    pub fn words(&self) -> usize {
        self.words
    }

    /// The byte offset of the analysed text in its document: 0 but for a
    /// window ([`Unspinner::analyze_window`]), whose findings' spans are
    /// ranges of the window's text.
    pub fn offset(&self) -> usize {
        self.start.offset
    }

    /// The analysed text.
    pub fn text(&self) -> &'t str {
        self.text
    }

    /// The text with every proposed restoration applied; borrowed when
    /// nothing is restored.
    pub fn restore(&self) -> Cow<'t, str> {
        self.restore_with(|f| f.restored().map(|c| Cow::Borrowed(c.original.as_str())))
    }

    /// The text with the replacements `choose` returns: `None` keeps a
    /// finding as written. For reviews and custom policies.
    ///
    /// ```
    /// let u = unspin::Unspinner::builder().build().unwrap();
    /// let a = u.analyze("one in all of them");
    /// let all = a.restore_with(|f| f.candidates.first().map(|c| c.original.clone().into()));
    /// assert_eq!(all, "one of of them");
    /// assert_eq!(a.restore_with(|_| None), "one in all of them");
    /// ```
    pub fn restore_with<'a, F>(&'a self, mut choose: F) -> Cow<'t, str>
    where
        F: FnMut(&'a Finding) -> Option<Cow<'a, str>>,
    {
        let edits: Vec<(Range<usize>, Cow<'a, str>)> = self
            .findings
            .iter()
            .filter_map(|f| choose(f).map(|r| (f.span.clone(), r)))
            .collect();
        apply(self.text, edits)
    }

    /// A unified diff of the proposed restorations, with the given file
    /// names in its header (empty when nothing is restored).
    pub fn unified_diff(&self, old_name: &str, new_name: &str) -> String {
        diff::unified(self.text, &self.restore(), old_name, new_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unspinner() -> Unspinner {
        Unspinner::builder().build().unwrap()
    }

    #[test]
    fn unspinner_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Unspinner>();
        check::<Analysis<'static>>();
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
        let clean = u.analyze(include_str!("../corpus/seeds/003_8b6ec4914fcd75e2.txt"));
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
