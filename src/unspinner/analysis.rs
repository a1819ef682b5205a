//! The result of analysing a text: its findings, score and restoration.

use std::borrow::Cow;
use std::ops::Range;

use crate::decide::{self, Site};
use crate::diff;
use crate::finding::Finding;
use crate::lexicon::Lexeme;
use crate::restore::apply;
use crate::reuse::Reused;
use crate::tokenize::Token;
use crate::window::Start;

/// The result of analysing one text: its findings, its document spin score,
/// and the restored text on demand.
#[derive(Debug, Clone)]
pub struct Analysis<'t> {
    pub(super) text: &'t str,
    pub(super) findings: Vec<Finding>,
    pub(super) score: f64,
    pub(super) table_score: f64,
    pub(super) words: usize,
    pub(super) threshold: f64,
    pub(super) start: Start,
}

/// What a document read in windows is as a whole: gathered by
/// [`Unspinner::summarize`](super::Unspinner::summarize), it lets each window be decided as in the whole
/// document ([`Unspinner::analyze_window`](super::Unspinner::analyze_window)).
#[derive(Debug, Clone)]
pub struct DocumentSummary {
    pub(super) outer: decide::Outer,
    /// Words and numbers of the document.
    pub(super) words: usize,
    pub(super) apostrophe: char,
    /// Whether the general lexicons' sites are decided too.
    pub(super) general: bool,
    pub(super) threshold: f64,
    /// The document spin score: the table evidence's with the general
    /// detector's ([`crate::detect`]).
    pub(super) score: f64,
    /// The spinner tables' score alone.
    pub(super) table_score: f64,
    /// How the document writes its words inside sentences, where a
    /// table's spinner writes in lower case.
    pub(super) case: crate::restore::CaseMemory,
}

impl DocumentSummary {
    /// The document spin score in [0, 1].
    pub fn score(&self) -> f64 {
        self.score
    }

    /// The spinner tables' evidence alone, in [0, 1]: the score before the
    /// general detector ([`crate::detect`]) weighs in.
    pub fn table_score(&self) -> f64 {
        self.table_score
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
pub(super) struct Reading<'t> {
    pub(super) text: &'t str,
    pub(super) tokens: Reused<Token>,
    pub(super) lexemes: Reused<Lexeme>,
    pub(super) quoted: Vec<Range<usize>>,
    pub(super) sites: Reused<Site>,
    /// Words and numbers.
    pub(super) words: usize,
    /// Of them, inside quoted speech.
    pub(super) quoted_words: usize,
}

impl<'t> Reading<'t> {
    pub(super) fn parts(&self) -> (&'t str, &[Token], &[Lexeme]) {
        (self.text, &self.tokens, &self.lexemes)
    }
}

impl<'t> Analysis<'t> {
    /// The document spin score in [0, 1]: low for clean text, high for spun.
    /// It weighs the spinner tables' evidence with the general detector's
    /// ([`crate::detect`]), which does not depend on the tables.
    pub fn score(&self) -> f64 {
        self.score
    }

    /// The spinner tables' evidence alone, in [0, 1]: the score before the
    /// general detector weighs in (what the decision takes the document's
    /// spinning to be, unless the score judges spun a document the tables
    /// judge clean).
    pub fn table_score(&self) -> f64 {
        self.table_score
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
    /// window ([`Unspinner::analyze_window`](super::Unspinner::analyze_window)), whose findings' spans are
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
