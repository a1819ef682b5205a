//! Deciding each finding: keep the text as written, or restore one of its
//! candidates.
//!
//! The decision is a noisy channel. Findings of a sentence that lie within
//! two words of each other form a group, decided jointly (so "navy motion"
//! is decided together with "military action"): a combination of choices
//! scores the language model's log-likelihood of the group's words, plus for
//! each restored finding
//!
//! * a **channel** term: how likely the spinner is to write this form for
//!   this original (the candidate's rank in its table line, a strong penalty
//!   when the text is in capitals, which the spinner never spins, and when the
//!   original appears elsewhere in the document as written: the spinner
//!   replaces every occurrence of a form it knows, so an original it left
//!   standing was not spun);
//! * a **prior**: the document's spin score and the table weight of the form
//!   (how distinctive it is of spinning), plus the evidence of the other
//!   occurrences of the same form in the document (the spinner rewrites one
//!   form the same way throughout).
//!
//! A trigram model couples each finding only with the two before it, so a
//! group is decoded exactly by dynamic programming over its findings
//! (forward and backward over pairs of neighbouring choices): max-product
//! gives the best combination with each alternative of each finding,
//! sum-product its probability. The cost grows linearly with the length of a
//! group, where enumerating combinations grows exponentially.
//!
//! The document score itself comes from the same evidence (see
//! [`crate::score`]): a first pass with a neutral prior measures how much
//! better each finding reads restored; the score sets the prior of the
//! second pass, which makes the decisions.

use rustc_hash::{FxHashMap, FxHashSet};
use std::borrow::Cow;
use std::ops::Range;

use crate::finding::{Reason, Terms};
use crate::lexicon::{self, Lexeme, Vocabulary};
use crate::meaning::Change;
use crate::model::{LanguageModel, Query, WordId};
use crate::reuse::{reused, Reused};
use crate::score;
use crate::tokenize::{is_capitals, normalize_phrase, Case, Token, TokenKind};
use crate::unspinner::{DecisionMode, Settings};

/// A place to decide: a spun form and its candidates.
#[derive(Debug, Clone)]
pub(crate) struct Site {
    /// First word token.
    pub first: usize,
    /// Last word token (inclusive).
    pub last: usize,
    /// Byte span in the text.
    pub span: Range<usize>,
    /// Table weight: how distinctive the form is of spinning.
    pub weight: f32,
    /// Candidates, in table order.
    pub candidates: Vec<SiteCandidate>,
    /// Whether it lies inside quoted speech.
    pub quoted: bool,
    /// Whether only a general lexicon knows the form: no evidence of
    /// spinning by itself, so it takes no part in the document score.
    pub general: bool,
}

/// A candidate at a site, already written in the text's case.
#[derive(Debug, Clone)]
pub(crate) struct SiteCandidate {
    pub original: String,
    /// Its index in [`lexicon::Candidates`] when it is the table's original
    /// up to ASCII case (so the same words to the model).
    pub phrase: Option<u32>,
    /// Case of the original as the table writes it (`Americans`: title).
    pub intrinsic_case: Case,
    pub source: std::sync::Arc<str>,
    pub rank: usize,
    /// Whether a general lexicon proposed it (see [`crate::dict::TableKind`]).
    pub general: bool,
    /// How it changes the meaning of the spun form ([`crate::meaning`]).
    pub change: Change,
}

/// The decision at one site.
#[derive(Debug, Clone)]
pub(crate) struct SiteDecision {
    /// Probability of keeping the text as written.
    pub keep: f64,
    /// Probability and terms of each candidate, in the site's order: a range
    /// of [`Decided::candidates`].
    pub candidates: Range<usize>,
    /// The candidate to restore, if any.
    pub restore: Option<usize>,
    /// Why it is restored or kept.
    pub reason: Reason,
}

/// What the document-level evidence says: decided once per document, from
/// the forms of the spinner tables (a second decoding with the general
/// lexicon takes it as given).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Judgement {
    /// The document spin score.
    pub score: f64,
    /// Whether the spinner rewrote quoted speech too.
    pub quotes_spun: bool,
}

/// The decisions of a document and its spin score.
#[derive(Debug, Clone)]
pub(crate) struct Decided {
    pub judgement: Judgement,
    pub sites: Vec<SiteDecision>,
    /// Probability and terms of every candidate of every site, one site
    /// after another.
    pub candidates: Vec<(f64, Terms)>,
}

/// The tunable constants of the decision, in natural-log units.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tuning {
    /// Scale of the language model's log-likelihood ratios.
    pub lm_scale: f64,
    /// Share of the context-free (unigram) part of a ratio taken away: the
    /// model prefers frequent words anywhere, the decision asks what the
    /// context prefers.
    pub unigram_discount: f64,
    /// Cost of each step down a table line's candidate list.
    pub rank_cost: f64,
    /// Penalty for restoring text in capitals, which the spinner never spins.
    pub upper_cost: f64,
    /// Penalty for an original that the document holds elsewhere as written.
    pub present_cost: f64,
    /// Penalty for a lower-case original of a form capitalised inside a sentence.
    pub capital_cost: f64,
    /// Weight of the document score's log-odds in a site's prior.
    pub doc_gain: f64,
    /// Weight of the table weight's log-odds in a site's prior.
    pub weight_gain: f64,
    /// Constant offset of a site's prior log-odds.
    pub prior_bias: f64,
    /// Share of the other occurrences' evidence that a site borrows.
    pub pool_gain: f64,
    /// Bound on the borrowed evidence.
    pub pool_max: f64,
    /// Probabilities are clamped to [p_min, 1 - p_min] before taking log-odds.
    pub p_min: f64,
    /// Upper clamp of the document score where it enters a site's prior: a
    /// spun document makes substitutions likely, not certain.
    pub doc_max: f64,
    /// Channel cost of a candidate from a general lexicon: a synonym set
    /// is not the spinner's, so the context must speak much louder.
    pub general_cost: f64,
    /// Weight of the evidence that a general candidate's original vanished
    /// from the document, and its bound.
    pub vanish_gain: f64,
    pub vanish_max: f64,
    /// Channel cost of a change of modal ("can" -> "will").
    pub modal_cost: f64,
    /// Channel cost of a contraction made or undone ("did not" -> "didn't").
    pub contraction_cost: f64,
    /// Channel cost of a negation or a number's value changed, where the
    /// spun form is distinctive enough to allow it at all.
    pub meaning_cost: f64,
    /// The document score's bias, gain and per-word cost (see [`score`]).
    pub score_bias: f64,
    pub score_gain: f64,
    pub score_per_word: f64,
}

pub(crate) const TUNING: Tuning = Tuning {
    lm_scale: 0.7,
    unigram_discount: 0.2,
    rank_cost: 0.7,
    upper_cost: 8.0,
    present_cost: 2.5,
    capital_cost: 2.0,
    doc_gain: 1.5,
    weight_gain: 1.0,
    prior_bias: -1.0,
    pool_gain: 0.5,
    pool_max: 4.0,
    p_min: 0.01,
    doc_max: 0.9,
    general_cost: 6.5,
    vanish_gain: 0.5,
    vanish_max: 4.0,
    modal_cost: 2.0,
    contraction_cost: 1.0,
    meaning_cost: 3.0,
    score_bias: score::BIAS,
    score_gain: score::GAIN,
    score_per_word: score::PER_WORD,
};

/// The tuning in force: [`TUNING`], overridden field by field by
/// `UNSPIN_TUNE_<FIELD>` environment variables (a development aid).
pub(crate) fn tuning() -> Tuning {
    static T: once_cell::sync::Lazy<Tuning> = once_cell::sync::Lazy::new(|| {
        let mut t = TUNING;
        let get = |name: &str, v: &mut f64| {
            if let Some(x) = std::env::var(format!("UNSPIN_TUNE_{name}"))
                .ok()
                .and_then(|s| s.parse().ok())
            {
                *v = x;
            }
        };
        get("LM_SCALE", &mut t.lm_scale);
        get("UNIGRAM_DISCOUNT", &mut t.unigram_discount);
        get("RANK_COST", &mut t.rank_cost);
        get("UPPER_COST", &mut t.upper_cost);
        get("PRESENT_COST", &mut t.present_cost);
        get("CAPITAL_COST", &mut t.capital_cost);
        get("DOC_GAIN", &mut t.doc_gain);
        get("WEIGHT_GAIN", &mut t.weight_gain);
        get("PRIOR_BIAS", &mut t.prior_bias);
        get("POOL_GAIN", &mut t.pool_gain);
        get("POOL_MAX", &mut t.pool_max);
        get("P_MIN", &mut t.p_min);
        get("DOC_MAX", &mut t.doc_max);
        get("GENERAL_COST", &mut t.general_cost);
        get("MODAL_COST", &mut t.modal_cost);
        get("VANISH_GAIN", &mut t.vanish_gain);
        get("VANISH_MAX", &mut t.vanish_max);
        get("CONTRACTION_COST", &mut t.contraction_cost);
        get("MEANING_COST", &mut t.meaning_cost);
        get("SCORE_BIAS", &mut t.score_bias);
        get("SCORE_GAIN", &mut t.score_gain);
        get("SCORE_PER_WORD", &mut t.score_per_word);
        t
    });
    *T
}

/// Words of context the language model sees on each side.
const CONTEXT: usize = 2;

/// The normalized form of a site written `written` ([`normalize_phrase`]),
/// borrowed when it is normalized already: ASCII without capitals, its words
/// joined by single spaces (most forms: a lower-case word or phrase).
fn form_key(written: &str) -> Cow<'_, str> {
    let b = written.as_bytes();
    let normal = written.is_ascii()
        && b.first() != Some(&b' ')
        && b.last() != Some(&b' ')
        && !b.windows(2).any(|w| w == b"  ")
        && b.iter()
            .all(|&c| !c.is_ascii_uppercase() && (c == b' ' || !char::from(c).is_whitespace()));
    if normal {
        Cow::Borrowed(written)
    } else {
        Cow::Owned(normalize_phrase(written))
    }
}

fn logit(p: f64, p_min: f64) -> f64 {
    let p = p.clamp(p_min, 1.0 - p_min);
    (p / (1.0 - p)).ln()
}

/// What the decisions of a document take from the whole of it, gathered
/// over its windows by a first pass (see [`crate::Unspinner::summarize`]),
/// so that each window is decided as in the whole document.
#[derive(Debug, Clone)]
pub(crate) struct Outer {
    /// Words of the document, as the decoder counts them (a site is one).
    pub words: usize,
    /// Words inside quoted speech.
    pub quoted_words: usize,
    /// The originals of the document's sites that it holds elsewhere as
    /// written.
    pub present: FxHashSet<Box<[WordId]>>,
    /// The penalty for such an original (see [`Tuning::present_cost`]).
    pub present_cost: f64,
    /// The document spin score and the quotes' verdict.
    pub judgement: Judgement,
    /// Each form's pooled evidence: the sum over its sites.
    pub by_form: FxHashMap<Box<str>, f64>,
}

/// What the first look at each window of a document finds: its words and
/// the originals its sites propose (see [`survey`]).
#[derive(Debug, Default)]
pub(crate) struct Survey {
    pub words: usize,
    pub quoted_words: usize,
    /// Every original of every site, as model words (when all are known).
    wanted: FxHashSet<Box<[WordId]>>,
    /// The first original of each distinctive form, with its count.
    firsts: FxHashMap<Box<[WordId]>, usize>,
    /// Distinctive forms (weight 0.6 or more, spinner tables).
    distinctive: usize,
}

impl Survey {
    /// The penalty for an original present elsewhere, given the originals
    /// the document holds.
    pub fn present_cost(&self, present: &FxHashSet<Box<[WordId]>>, t: &Tuning) -> f64 {
        let standing = self
            .firsts
            .iter()
            .filter(|(ids, _)| present.contains(&**ids))
            .map(|(_, n)| n)
            .sum();
        present_cost(self.distinctive, standing, t)
    }
}

/// The document evidence of the first decoding pass, summed site by site in
/// text order (so the same over windows as over the whole document).
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// The spin score's evidence (see [`score::evidence`]).
    score: f64,
    /// The weight of the distinctive forms that read better restored,
    /// outside quotes and inside.
    hits: [f64; 2],
    pub by_form: FxHashMap<Box<str>, f64>,
}

impl Tally {
    fn add(&mut self, sites: &[Site], evidence: &[f64], keys: &[Cow<'_, str>], t: &Tuning) {
        for ((s, &e), key) in sites.iter().zip(evidence).zip(keys) {
            if !s.general {
                self.score += score::evidence(s.weight as f64, e, t.score_gain);
                if s.weight >= 0.5 && e > 0.0 {
                    self.hits[usize::from(s.quoted)] += s.weight as f64;
                }
            }
            let pooled = e.clamp(-2.0, 2.0);
            match self.by_form.get_mut(key.as_ref()) {
                Some(v) => *v += pooled,
                None => {
                    self.by_form.insert(key.as_ref().into(), pooled);
                }
            }
        }
    }

    /// The judgement of a document of `words` words, `quoted_words` of them
    /// in quotes.
    pub fn judgement(&self, words: usize, quoted_words: usize, t: &Tuning) -> Judgement {
        Judgement {
            score: score::from_evidence(self.score, words, t.score_bias, t.score_per_word),
            quotes_spun: quotes_spun(self.hits, words, quoted_words),
        }
    }
}

/// Pass A over a window: adds its words and its sites' originals to `survey`.
pub(crate) fn survey(
    (text, tokens, lexemes): (&str, &[Token], &[Lexeme]),
    sites: &[Site],
    vocab: &Vocabulary,
    survey: &mut Survey,
) {
    let p = Prelude::new(text, tokens, lexemes, sites, vocab);
    survey.words += p.words;
    for (i, s) in sites.iter().enumerate() {
        let alts = p.site_alts[i].clone();
        for (a, span) in p.alt_spans[alts].iter().enumerate().skip(1) {
            let ids = p.ids(span);
            if let Some(ids) = ids.filter(|ids| !survey.wanted.contains(*ids)) {
                survey.wanted.insert(ids.into());
            }
            if a == 1 && s.distinctive() {
                survey.distinctive += 1;
                if let Some(ids) = ids {
                    *survey.firsts.entry(ids.into()).or_default() += 1;
                }
            }
        }
    }
}

/// Pass B over a window: adds to `present` the originals of `survey` that
/// the window holds outside its sites.
pub(crate) fn presence(
    (text, tokens, lexemes): (&str, &[Token], &[Lexeme]),
    sites: &[Site],
    vocab: &Vocabulary,
    survey: &Survey,
    present: &mut FxHashSet<Box<[WordId]>>,
) {
    let p = Prelude::new(text, tokens, lexemes, sites, vocab);
    present_phrases(&p.plain, &survey.wanted, |ids| {
        if !present.contains(&**ids) {
            present.insert(ids.clone());
        }
    });
}

/// Pass C over a window: adds the evidence of its sites to `tally`, with
/// what `outer` knows of the whole document so far (its presence).
pub(crate) fn gather(
    (text, tokens, lexemes): (&str, &[Token], &[Lexeme]),
    sites: &[Site],
    vocab: &Vocabulary,
    outer: &Outer,
    tally: &mut Tally,
) {
    if sites.is_empty() {
        return;
    }
    let t = tuning();
    let p = Prelude::new(text, tokens, lexemes, sites, vocab);
    let doc = Document::new(text, p, sites, vocab, &t, Some(outer));
    let evidence = doc.evidence();
    tally.add(sites, &evidence, &doc.keys, &t);
}

/// Decides every site of a document. The document-level [`Judgement`] is
/// made from the sites' own evidence, or taken as `given` (a second
/// decoding of the same document with more sites). `quoted_words` is the
/// number of words inside quoted speech. With `outer`, the text is a window
/// of a larger document, and everything the decision takes from the whole
/// document is taken from there.
#[allow(clippy::too_many_arguments)]
pub(crate) fn decide(
    text: &str,
    tokens: &[Token],
    lexemes: &[Lexeme],
    sites: &[Site],
    vocab: &Vocabulary,
    settings: &Settings,
    quoted_words: usize,
    given: Option<Judgement>,
    outer: Option<&Outer>,
) -> Decided {
    let given = outer.map(|o| o.judgement).or(given);
    if sites.is_empty() {
        return Decided {
            judgement: given.unwrap_or(Judgement {
                score: 0.0,
                quotes_spun: true,
            }),
            sites: Vec::new(),
            candidates: Vec::new(),
        };
    }
    if settings.mode == DecisionMode::Dictionary {
        return dictionary_only(sites);
    }
    let t = tuning();
    let p = Prelude::new(text, tokens, lexemes, sites, vocab);
    let doc = Document::new(text, p, sites, vocab, &t, outer);
    // Pass 1: no prior, to measure the evidence of each site (model and channel).
    let evidence = doc.evidence();
    let mut tally = Tally::default();
    let (judgement, by_form) = match outer {
        Some(o) => (o.judgement, &o.by_form),
        None => {
            // Each form's evidence summed once, so that a site's share of
            // the others is that sum less its own: linear in the number of
            // sites, however often a form repeats.
            tally.add(sites, &evidence, &doc.keys, &t);
            let judgement = given.unwrap_or_else(|| tally.judgement(doc.words, quoted_words, &t));
            (judgement, &tally.by_form)
        }
    };
    // Pass 2: the prior of each site from the document score, the form's
    // weight, and the evidence of the form's other occurrences.
    let pooled_evidence = |j: usize| evidence[j].clamp(-2.0, 2.0);
    let doc_logit = logit(judgement.score.min(t.doc_max), t.p_min);
    let silenced = |i: usize| sites[i].quoted && !judgement.quotes_spun;
    let prior: Vec<f64> = (0..sites.len())
        .map(|i| {
            let form = by_form.get(doc.keys[i].as_ref()).copied().unwrap_or(0.0);
            let others = form - pooled_evidence(i);
            let pooled = (t.pool_gain * others).clamp(-t.pool_max, t.pool_max);
            let p = t.doc_gain * doc_logit
                + t.weight_gain * logit(sites[i].weight as f64, t.p_min)
                + t.prior_bias
                + pooled;
            if silenced(i) {
                p - QUOTE_SILENCE
            } else {
                p
            }
        })
        .collect();
    let second = doc.decode::<true>(&prior);
    let mut candidates = Vec::with_capacity(doc.alts.len());
    let clean = judgement.score < settings.threshold;
    Decided {
        judgement,
        sites: (0..sites.len())
            .map(|i| {
                let mut d = doc.decision(&second, i, prior[i], &mut candidates);
                // A document judged clean is left alone, however strongly the
                // context favours a candidate at one site: in clean text such a
                // site is an author's word far more often than a spinner's.
                if clean {
                    d.restore = None;
                }
                if d.restore.is_none() {
                    d.reason = if silenced(i) {
                        Reason::QuotedSpeech
                    } else if clean {
                        Reason::CleanDocument
                    } else {
                        Reason::Context
                    };
                }
                d
            })
            .collect(),
        candidates,
    }
}

/// Taken from the prior of a site inside quoted speech that the document's
/// spinner left alone: no context evidence outweighs it.
const QUOTE_SILENCE: f64 = 50.0;

/// Whether the spinner of this document rewrote its quoted speech too,
/// judged from the distinctive spinner forms (table weight 0.5 or more)
/// that read better restored (pass-1 evidence above 0), whose weights add
/// up to `hits` outside quotes and inside: inside quotes they should turn
/// up at the rate they do outside, where a spinner that leaves quotes alone
/// shows them at most at the rate of forms an author writes (about a
/// tenth). Poisson likelihoods of the two, even odds.
fn quotes_spun([outside, inside]: [f64; 2], words: usize, quoted_words: usize) -> bool {
    if quoted_words == 0 {
        return true;
    }
    let outside_words = words.saturating_sub(quoted_words).max(1) as f64;
    let expected = outside / outside_words * quoted_words as f64;
    const LEFT_ALONE: f64 = 0.1;
    inside * -LEFT_ALONE.ln() - (1.0 - LEFT_ALONE) * expected > 0.0
}

fn dictionary_only(sites: &[Site]) -> Decided {
    let mut candidates = Vec::new();
    let sites = sites
        .iter()
        .map(|s| {
            let restore = (s.weight >= 0.5).then_some(0);
            let first = candidates.len();
            candidates.extend(
                (0..s.candidates.len())
                    .map(|i| (f64::from(u8::from(restore == Some(i))), Terms::default())),
            );
            SiteDecision {
                keep: if restore.is_some() { 0.0 } else { 1.0 },
                candidates: first..candidates.len(),
                restore,
                reason: if restore.is_some() {
                    Reason::Restored
                } else {
                    Reason::Context
                },
            }
        })
        .collect();
    Decided {
        judgement: Judgement {
            score: 0.0,
            quotes_spun: true,
        },
        sites,
        candidates,
    }
}

/// A word as the language model sees it: its id, `None` out of the
/// vocabulary (as [`Lexeme::lm`] and [`lexicon::Candidates`] give it).
type Word = Option<WordId>;

/// One alternative at a site: index 0 keeps the text as written, the others
/// are the site's candidates in order.
#[derive(Debug, Clone)]
struct Alt {
    /// Its words, a range of [`Document::alt_words`].
    words: Range<usize>,
    /// Fixed channel cost (before the prior); 0 for keeping.
    channel: f64,
    /// Context-free (unigram) log-probability of its words, natural log.
    unigram: f64,
}

#[derive(Debug, Clone, Copy)]
enum Item {
    Fixed(Word),
    Slot(usize),
}

/// A short list of numbers, one or two per site of a group: most groups
/// are a lone site, and these stay off the heap.
type Small = smallvec::SmallVec<[usize; 4]>;

/// Neighbouring sites of one sentence, decided jointly.
struct Group {
    /// The sentence's items, a range of [`Document::items`].
    sentence: Range<usize>,
    /// The sites as (position in the sentence, site), a range of
    /// [`Document::members`].
    members: Range<usize>,
    /// The language-model part of the segment of each site `m` (its words
    /// and the fixed words up to the next site, or to the end of the window
    /// for the last): for every choice `a` at site m-2, `b` at m-1 and `c`
    /// at m, at `(a * K(m-1) + b) * K(m) + c`, where K is a site's number of
    /// alternatives and a site before the first has one.
    /// They lie at `segments[seg_at[m]..seg_at[m + 1]]` of the document.
    seg_at: Small,
    /// Number of alternatives of each site.
    k: Small,
    /// Where the states of each site start: the state (b, c) of site m,
    /// choices b at m-1 and c at m, is `at[m] + b * k[m] + c`.
    at: Small,
}

impl Group {
    /// Number of alternatives of the site `back` places before site `m`
    /// (one before the first site).
    fn k_back(&self, m: usize, back: usize) -> usize {
        if m >= back {
            self.k[m - back]
        } else {
            1
        }
    }
}

/// The document prepared for decoding: its sentences as model words, with
/// the sites as slots, grouped.
struct Document<'t> {
    /// Normalized spun form of each site.
    keys: Vec<Cow<'t, str>>,
    /// The alternatives of site `i` are `alts[site_alts[i]]`.
    site_alts: Reused<Range<usize>>,
    alts: Reused<Alt>,
    alt_words: Reused<Word>,
    /// Every sentence's items, one after another.
    items: Reused<Item>,
    members: Reused<(usize, usize)>,
    groups: Reused<Group>,
    /// Number of words in the document.
    words: usize,
    /// The constants in force.
    tuning: Tuning,
    /// Segment scores of every group (see [`Group::seg_at`]).
    segments: Reused<f64>,
    /// The same, as `exp(score - max)` over each site's segments: sum-product
    /// runs in probability space, and the segments are the same in both
    /// passes.
    factors: Reused<f64>,
}

/// The outcome of decoding: for every alternative (indexed as
/// [`Document::alts`]), the best total log score (natural) of a combination
/// that chooses it, the language-model part of that combination, and the
/// log-sum-exp of the totals of all combinations that choose it.
struct Scores {
    best: Reused<f64>,
    best_lm: Reused<f64>,
    mass: Reused<f64>,
}

impl Scores {
    /// How much better the best restoration of the site with alternatives
    /// `alts` scores than keeping it.
    fn best_margin(&self, alts: Range<usize>) -> f64 {
        let keep = self.best[alts.start];
        self.best[alts.start + 1..alts.end]
            .iter()
            .map(|b| b - keep)
            .fold(f64::NEG_INFINITY, f64::max)
    }
}

fn is_sentence_end(text: &str, tokens: &[Token], k: usize) -> bool {
    let t = &tokens[k];
    match t.kind {
        TokenKind::Space => text[t.span.clone()].contains('\n'),
        TokenKind::Punct => {
            let s = &text[t.span.clone()];
            if matches!(s, "!" | "?" | "…" | ";") {
                return true;
            }
            if s != "." {
                return false;
            }
            // "U.S. embassy": a full stop followed by a lower-case word is an abbreviation.
            match (tokens.get(k + 1), tokens.get(k + 2)) {
                (None, _) => true,
                (Some(sp), Some(next)) if sp.kind == TokenKind::Space => {
                    !text[next.span.clone()].starts_with(|c: char| c.is_lowercase())
                }
                _ => false,
            }
        }
        _ => false,
    }
}

/// The words of a document as the decoder reads them, before any cost is
/// set: its sentences with the sites as slots, and every alternative's
/// words. All of it depends on the text alone, not on the rest of the
/// document.
struct Prelude<'t> {
    /// Normalized spun form of each site.
    keys: Vec<Cow<'t, str>>,
    items: Reused<Item>,
    sentence_starts: Vec<usize>,
    /// Whether each site starts its sentence (a capital there says nothing).
    initial: Vec<bool>,
    /// Number of words (a site is one).
    words: usize,
    /// Words outside sites, in order, with `None` at sites and sentence
    /// ends (as for unknown words), for "the original is present" checks.
    plain: Reused<Word>,
    alt_words: Reused<Word>,
    /// The words of each alternative, a range of `alt_words`.
    alt_spans: Reused<Range<usize>>,
    /// The alternatives of site `i` are `alt_spans[site_alts[i]]`.
    site_alts: Reused<Range<usize>>,
    /// The context-free log-probability of each alternative, where the
    /// candidates' table gives it.
    alt_unigrams: Reused<Option<f64>>,
    /// `alt_words` as ids, `WordId::MAX` for an unknown word.
    alt_ids: Reused<WordId>,
}

impl<'t> Prelude<'t> {
    fn new(
        text: &'t str,
        tokens: &[Token],
        lexemes: &[Lexeme],
        sites: &[Site],
        vocab: &Vocabulary,
    ) -> Self {
        let (dict, model) = (vocab.dict, vocab.model);
        let keys: Vec<Cow<str>> = sites
            .iter()
            .map(|s| form_key(&text[s.span.clone()]))
            .collect();
        let mut memo = lexicon::Memo::take(dict, model);
        let mut word = |w: &str| -> Word { memo.lexeme(w, dict, model).lm };
        let mut site_at = reused!(Option<usize>);
        site_at.resize(tokens.len(), None);
        for (i, s) in sites.iter().enumerate() {
            site_at[s.first] = Some(i);
        }
        let mut items = reused!(Item);
        let mut sentence_starts = vec![0];
        let mut initial = vec![false; sites.len()];
        let mut words = 0;
        let mut k = 0;
        let mut plain = reused!(Word);
        let in_sentence = |items: &Vec<Item>, starts: &Vec<usize>| {
            items.len() > starts.last().copied().unwrap_or(0)
        };
        while k < tokens.len() {
            if let Some(i) = site_at[k] {
                initial[i] = !in_sentence(&items, &sentence_starts);
                items.push(Item::Slot(i));
                words += 1;
                plain.push(None);
                k = sites[i].last + 1;
                continue;
            }
            let tok = &tokens[k];
            match tok.kind {
                TokenKind::Word | TokenKind::Number => {
                    let w = lexemes[k].lm;
                    words += 1;
                    plain.push(w);
                    items.push(Item::Fixed(w));
                }
                _ => {
                    if is_sentence_end(text, tokens, k) {
                        plain.push(None);
                        if in_sentence(&items, &sentence_starts) {
                            sentence_starts.push(items.len());
                        }
                    }
                }
            }
            k += 1;
        }
        sentence_starts.push(items.len());
        let mut alt_words = reused!(Word);
        let mut alt_spans = reused!(Range<usize>);
        let mut site_alts = reused!(Range<usize>);
        let mut alt_unigrams = reused!(Option<f64>);
        for (s, key) in sites.iter().zip(&keys) {
            let start = alt_spans.len();
            // The form as written: its tokens' lexemes, when it is words
            // separated by whitespace (else its words are not its tokens:
            // "far-off" is one).
            let from = alt_words.len();
            let span = &tokens[s.first..=s.last];
            let is_word = |t: &Token| matches!(t.kind, TokenKind::Word | TokenKind::Number);
            let simple = span.iter().step_by(2).all(is_word)
                && span
                    .iter()
                    .skip(1)
                    .step_by(2)
                    .all(|t| t.kind == TokenKind::Space);
            if simple {
                alt_words.extend((s.first..=s.last).step_by(2).map(|k| lexemes[k].lm));
            } else {
                alt_words.extend(key.split_whitespace().map(&mut word));
            }
            alt_spans.push(from..alt_words.len());
            alt_unigrams.push(None);
            for c in &s.candidates {
                let from = alt_words.len();
                let known = c.phrase.and_then(|i| vocab.candidates.get(i));
                match known {
                    Some((words, _)) => alt_words.extend_from_slice(words),
                    None => alt_words.extend(c.original.split_whitespace().map(&mut word)),
                }
                alt_spans.push(from..alt_words.len());
                alt_unigrams.push(known.map(|(_, unigram)| unigram));
            }
            site_alts.push(start..alt_spans.len());
        }
        memo.put_back();
        let mut alt_ids = reused!(WordId);
        alt_ids.extend(alt_words.iter().map(|w| w.unwrap_or(WordId::MAX)));
        Prelude {
            keys,
            items,
            sentence_starts,
            initial,
            words,
            plain,
            alt_words,
            alt_spans,
            site_alts,
            alt_unigrams,
            alt_ids,
        }
    }

    /// The ids of the alternative whose words are `alt_words[r]`, when
    /// the model knows them all.
    fn ids(&self, r: &Range<usize>) -> Option<&[WordId]> {
        let ids = &self.alt_ids[r.clone()];
        (!ids.contains(&WordId::MAX)).then_some(ids)
    }
}

impl Site {
    /// Whether the form is distinctive of the spinner tables: whether its
    /// first original standing in the document says something of the
    /// spinner (see [`present_cost`]).
    fn distinctive(&self) -> bool {
        !self.general && self.weight >= 0.6 && !self.candidates.is_empty()
    }
}

/// The originals a document holds elsewhere as written: found in the
/// document itself, or over all the windows of a larger one.
enum Present<'a> {
    Own(FxHashSet<&'a [WordId]>),
    Outer(&'a FxHashSet<Box<[WordId]>>),
}

impl Present<'_> {
    fn contains(&self, ids: &[WordId]) -> bool {
        match self {
            Present::Own(own) => own.contains(ids),
            Present::Outer(outer) => outer.contains(ids),
        }
    }
}

/// The penalty for an original present elsewhere in a document where
/// `standing` of the `distinctive` forms' first originals stand. A spinner
/// that draws afresh at every occurrence leaves some of a form's originals
/// standing, so an original present elsewhere says less: weighed by the
/// share of distinctive forms whose first original the document does not
/// hold (near 1 for a spinner that rewrites every occurrence).
fn present_cost(distinctive: usize, standing: usize, t: &Tuning) -> f64 {
    match distinctive {
        0..=4 => t.present_cost,
        n => t.present_cost * (1.0 - standing as f64 / n as f64),
    }
}

impl<'t> Document<'t> {
    /// The document prepared for decoding; with `outer`, a window of a
    /// larger document, whose presence of originals and words it takes.
    fn new(
        text: &'t str,
        prelude: Prelude<'t>,
        sites: &[Site],
        vocab: &Vocabulary,
        t: &Tuning,
        outer: Option<&Outer>,
    ) -> Self {
        let model = vocab.model;
        let p = prelude;
        let (present, present_cost, words) = match outer {
            Some(o) => (Present::Outer(&o.present), o.present_cost, o.words),
            None => {
                let wanted: FxHashSet<&[WordId]> = p
                    .site_alts
                    .iter()
                    .flat_map(|r| p.alt_spans[r.start + 1..r.end].iter())
                    .filter_map(|r| p.ids(r))
                    .collect();
                let mut own = FxHashSet::default();
                present_phrases(&p.plain, &wanted, |ids| {
                    own.insert(*ids);
                });
                let (mut distinctive, mut standing) = (0usize, 0usize);
                for (i, s) in sites.iter().enumerate() {
                    if s.distinctive() {
                        distinctive += 1;
                        let first = &p.alt_spans[p.site_alts[i].start + 1];
                        standing += usize::from(p.ids(first).is_some_and(|ids| own.contains(ids)));
                    }
                }
                let cost = present_cost(distinctive, standing, t);
                (Present::Own(own), cost, p.words)
            }
        };
        let ids = |r: &Range<usize>| p.ids(r);
        let (alt_spans, site_alts, alt_words, alt_unigrams) =
            (&p.alt_spans, &p.site_alts, &p.alt_words, &p.alt_unigrams);
        let initial = &p.initial;
        let mut alts = reused!(Alt);
        for (i, s) in sites.iter().enumerate() {
            let written = &text[s.span.clone()];
            let capitalised_inside = !initial[i]
                && written.starts_with(char::is_uppercase)
                && s.candidates.iter().any(|c| c.intrinsic_case != Case::Lower);
            let capitals = in_capitals(written);
            for (a, span) in alt_spans[site_alts[i].clone()].iter().enumerate() {
                let mut cost = 0.0;
                if a > 0 {
                    let c = &s.candidates[a - 1];
                    cost -= t.rank_cost * c.rank as f64;
                    if capitals {
                        cost -= t.upper_cost;
                    }
                    if c.general {
                        cost -= t.general_cost;
                    }
                    cost -= c
                        .change
                        .cost(t.modal_cost, t.contraction_cost, t.meaning_cost);
                    // The spinner keeps an initial capital: inside a sentence,
                    // a capitalised form more likely stands for an original
                    // with capitals of its own, where the table offers one.
                    if capitalised_inside && c.intrinsic_case == Case::Lower {
                        cost -= t.capital_cost;
                    }
                }
                let unigram = alt_unigrams[site_alts[i].start + a].unwrap_or_else(|| {
                    lexicon::unigram(model, alt_words[span.clone()].iter().copied())
                });
                if a > 0 {
                    if ids(span).is_some_and(|ids| present.contains(ids)) {
                        cost -= present_cost;
                    } else if s.candidates[a - 1].general {
                        // An original the document never writes, though news
                        // of this length would write it `expected` times:
                        // the spinner replaced it throughout (a Poisson
                        // likelihood ratio of seeing it 0 times).
                        let expected = unigram.exp() * words as f64;
                        cost += t.vanish_gain * expected.min(t.vanish_max);
                    }
                }
                alts.push(Alt {
                    words: span.clone(),
                    channel: cost,
                    unigram,
                });
            }
        }
        // Group the sites of each sentence that lie within CONTEXT words of
        // each other.
        let mut members = reused!((usize, usize));
        let mut groups = reused!(Group);
        let Prelude {
            keys,
            items,
            sentence_starts,
            site_alts,
            alt_words,
            ..
        } = p;
        for bounds in sentence_starts.windows(2) {
            let sentence = bounds[0]..bounds[1];
            let mut last_pos = None;
            for (pos, item) in items[sentence.clone()].iter().enumerate() {
                let Item::Slot(i) = *item else { continue };
                match (groups.last_mut(), last_pos) {
                    (Some(g), Some(last)) if pos - last <= CONTEXT + 1 => g.members.end += 1,
                    _ => groups.push(Group {
                        sentence: sentence.clone(),
                        members: members.len()..members.len() + 1,
                        seg_at: Small::new(),
                        k: Small::new(),
                        at: Small::new(),
                    }),
                }
                members.push((pos, i));
                last_pos = Some(pos);
            }
        }
        let mut doc = Document {
            keys,
            site_alts,
            alts,
            alt_words,
            items,
            members,
            groups,
            words,
            tuning: *t,
            segments: reused!(f64),
            factors: reused!(f64),
        };
        // Each group's numbers of alternatives and its states' offsets.
        for g in 0..doc.groups.len() {
            let group = &doc.groups[g];
            let k: Small = doc.members[group.members.clone()]
                .iter()
                .map(|&(_, i)| doc.site_alts[i].len())
                .collect();
            let mut at: Small = smallvec::smallvec![0];
            for m in 0..k.len() {
                let before = if m > 0 { k[m - 1] } else { 1 };
                at.push(at[m] + before * k[m]);
            }
            doc.groups[g].k = k;
            doc.groups[g].at = at;
        }
        // The language model's part is the same in both passes: computed
        // once, here. All of the document's questions are gathered first
        // and then asked together, so that the model's memory reads overlap.
        let mut scratch = (reused!(Word), reused!(Range<usize>));
        let mut plan = Plan {
            queries: reused!(Query),
            cells: reused!(Cell),
        };
        for g in 0..doc.groups.len() {
            let seg_at = doc.plan_segments(g, model, &mut plan, &mut scratch);
            doc.groups[g].seg_at = seg_at;
        }
        let mut probs = reused!(f32);
        model.log10_probs(&plan.queries, &mut probs);
        let (scale, discount) = (doc.tuning.lm_scale, doc.tuning.unigram_discount);
        doc.segments.extend(plan.cells.iter().map(|cell| {
            let log10: f64 = probs[cell.head.clone()]
                .iter()
                .chain(&probs[cell.tail.clone()])
                .map(|&p| p as f64)
                .sum();
            scale * (log10 * std::f64::consts::LN_10 - discount * cell.context_free)
        }));
        let mut factors = std::mem::take(&mut *doc.factors);
        for group in &doc.groups {
            if group.k.len() == 1 {
                // A lone site is decoded in log space (see `decode_group`).
                factors.resize(group.seg_at[1], 0.0);
                continue;
            }
            for m in 0..group.k.len() {
                let seg = &doc.segments[group.seg_at[m]..group.seg_at[m + 1]];
                let top = seg.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                factors.extend(seg.iter().map(|x| (x - top).exp()));
            }
        }
        *doc.factors = factors;
        doc
    }

    /// Pass 1: decodes with no prior, and returns how much better each
    /// site's best restoration reads than keeping it (model and channel).
    fn evidence(&self) -> Vec<f64> {
        let first = self.decode::<false>(&vec![0.0; self.site_alts.len()]);
        (0..self.site_alts.len())
            .map(|i| first.best_margin(self.site_alts[i].clone()))
            .collect()
    }

    /// The alternatives of site `i`.
    fn alts(&self, i: usize) -> &[Alt] {
        &self.alts[self.site_alts[i].clone()]
    }

    /// Decodes every group with `prior[i]`, the log-odds that site `i` is a
    /// substitution; the masses only with `MASS` (the first pass needs the
    /// best combinations alone).
    fn decode<const MASS: bool>(&self, prior: &[f64]) -> Scores {
        let n = self.alts.len();
        let mut scores = Scores {
            best: reused!(f64),
            best_lm: reused!(f64),
            mass: reused!(f64),
        };
        for v in [&mut scores.best, &mut scores.best_lm, &mut scores.mass] {
            v.resize(n, f64::NEG_INFINITY);
        }
        let mut dp = Dp::default();
        for g in 0..self.groups.len() {
            self.decode_group::<MASS>(g, prior, &mut scores, &mut dp);
        }
        scores
    }

    /// The decision at site `i` from the scores of the second pass; its
    /// candidates' probabilities and terms are appended to `candidates`.
    fn decision(
        &self,
        scores: &Scores,
        i: usize,
        prior: f64,
        candidates: &mut Vec<(f64, Terms)>,
    ) -> SiteDecision {
        let r = self.site_alts[i].clone();
        let mass = &scores.mass[r.clone()];
        let best = &scores.best[r.clone()];
        let best_lm = &scores.best_lm[r.clone()];
        let max = mass.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let z: f64 = mass.iter().map(|m| (m - max).exp()).sum();
        let prob = |c: usize| (mass[c] - max).exp() / z;
        let (top, _) = best
            .iter()
            .enumerate()
            .fold(
                (0, f64::NEG_INFINITY),
                |acc, (c, &b)| {
                    if b > acc.1 {
                        (c, b)
                    } else {
                        acc
                    }
                },
            );
        let first = candidates.len();
        candidates.extend((1..r.len()).map(|c| {
            let terms = Terms {
                lm: best_lm[c] - best_lm[0],
                channel: self.alts[r.start + c].channel,
                prior,
            };
            (prob(c), terms)
        }));
        SiteDecision {
            keep: prob(0),
            candidates: first..candidates.len(),
            restore: (top > 0).then(|| top - 1),
            reason: Reason::Restored,
        }
    }

    /// Appends to `plan` the segments of group `g` (see [`Group::seg_at`]):
    /// the model's questions for each, and the context-free part of its
    /// score to discount; returns where each site's segments start.
    fn plan_segments(
        &self,
        g: usize,
        model: &LanguageModel,
        plan: &mut Plan,
        (flat, spans): &mut (Reused<Word>, Reused<Range<usize>>),
    ) -> Small {
        let group = &self.groups[g];
        let sentence = &self.items[group.sentence.clone()];
        let members = &self.members[group.members.clone()];
        let n = members.len();
        let end = (members[n - 1].0 + CONTEXT + 1).min(sentence.len());
        let k = |m: usize| group.k[m];
        // The words of each site's segment with each of its alternatives:
        // `flat[spans[alt_at[m] + c]]`.
        flat.clear();
        spans.clear();
        let mut alt_at = Small::with_capacity(n);
        for (m, &(pos, i)) in members.iter().enumerate() {
            alt_at.push(spans.len());
            let next = members.get(m + 1).map_or(end, |&(p, _)| p);
            for alt in self.alts(i) {
                let from = flat.len();
                flat.extend_from_slice(&self.alt_words[alt.words.clone()]);
                // Every site inside the window is in the group.
                flat.extend(sentence[pos + 1..next].iter().map(|it| match it {
                    Item::Fixed(word) => *word,
                    Item::Slot(j) => self.written(*j),
                }));
                spans.push(from..flat.len());
            }
        }
        let (flat, spans) = (&*flat, &*spans);
        let words = |m: usize, c: usize| &flat[spans[alt_at[m] + c].clone()];
        let last_id = |w: &[Word]| w.last().copied().flatten();
        let start = self.history(sentence, members[0].0, model);
        let mut seg_at = Small::with_capacity(n + 1);
        let mut tails = Small::new();
        for (m, &(_, i)) in members.iter().enumerate() {
            let (ka, kb) = (group.k_back(m, 2), group.k_back(m, 1));
            let alts = self.alts(i);
            let ending = (m + 1 == n && end == sentence.len()).then(|| Some(model.sentence_end()));
            // The segment's words, with the sentence's end where it reaches it.
            let segment = |c: usize| words(m, c).iter().chain(ending.iter()).copied();
            // From its third word on, a word's history lies inside the
            // segment: those questions are the same whatever comes before,
            // and are asked once for each alternative.
            tails.clear();
            for c in 0..k(m) {
                let from = plan.queries.len();
                let mut h: [Word; 2] = [None, None];
                for (j, word) in segment(c).enumerate() {
                    if j >= 2 {
                        plan.queries.push(model.query(h, word));
                    }
                    h = [h[1], word];
                }
                tails.push(from);
                tails.push(plan.queries.len());
            }
            seg_at.push(plan.cells.len());
            let base = plan.cells.len();
            for a in 0..ka {
                for b in 0..kb {
                    // The two words before the segment: a segment holds a
                    // word at least, so they come from the two before it.
                    let h = match m {
                        0 => start,
                        _ => {
                            let prev = words(m - 1, b);
                            match prev.len() {
                                1 if m == 1 => [start[1], last_id(prev)],
                                1 => [last_id(words(m - 2, a)), last_id(prev)],
                                _ => [prev[prev.len() - 2], last_id(prev)],
                            }
                        }
                    };
                    if a > 0 && words(m - 1, b).len() > 1 {
                        // The choice two sites back is out of reach.
                        let from = base + ((a - 1) * kb + b) * k(m);
                        plan.cells.extend_from_within(from..from + k(m));
                        continue;
                    }
                    for c in 0..k(m) {
                        let mut h = h;
                        let first = plan.queries.len();
                        for word in segment(c).take(2) {
                            plan.queries.push(model.query(h, word));
                            h = [h[1], word];
                        }
                        plan.cells.push(Cell {
                            head: first..plan.queries.len(),
                            tail: tails[2 * c]..tails[2 * c + 1],
                            context_free: alts[c].unigram - alts[0].unigram,
                        });
                    }
                }
            }
        }
        seg_at.push(plan.cells.len());
        seg_at
    }

    /// The history of the word at `start` of `sentence`: the two words
    /// before it, oldest first, sites read as written.
    fn history(&self, sentence: &[Item], start: usize, m: &LanguageModel) -> [Option<WordId>; 2] {
        // None is an unknown word, which cuts the context.
        let mut h: [Option<WordId>; 2] = [None, None];
        if start < CONTEXT {
            h[1] = Some(m.sentence_start());
        }
        for it in &sentence[start.saturating_sub(CONTEXT)..start] {
            let w = match it {
                Item::Fixed(w) => *w,
                Item::Slot(i) => self.written(*i),
            };
            h = [h[1], w];
        }
        h
    }

    /// The last word of site `i` as written (what the model sees of a site
    /// outside the group being decided).
    fn written(&self, i: usize) -> Word {
        self.alt_words[self.alts(i)[0].words.clone()]
            .last()
            .copied()
            .flatten()
    }

    /// Decodes group `g` into `scores`: forward and backward over its sites,
    /// the state at site m being the choices at m-1 and m.
    fn decode_group<const MASS: bool>(
        &self,
        g: usize,
        prior: &[f64],
        scores: &mut Scores,
        dp: &mut Dp,
    ) {
        let group = &self.groups[g];
        let members = &self.members[group.members.clone()];
        let (k, at) = (&group.k, &group.at);
        let n = members.len();
        if n == 1 {
            // One site: each alternative is a combination of its own.
            let i = members[0].1;
            let seg = &self.segments[group.seg_at[0]..group.seg_at[1]];
            for (c, alt) in self.alts(i).iter().enumerate() {
                let u = if c == 0 { 0.0 } else { prior[i] + alt.channel };
                let a = self.site_alts[i].start + c;
                scores.best[a] = seg[c] + u;
                scores.best_lm[a] = seg[c];
                scores.mass[a] = seg[c] + u;
            }
            return;
        }
        // The prior and channel of choice c at site m, and its exponential,
        // at at_unary[m] + c.
        dp.unary.clear();
        dp.unary_exp.clear();
        for &(_, i) in members {
            for (c, alt) in self.alts(i).iter().enumerate() {
                let u = if c == 0 { 0.0 } else { prior[i] + alt.channel };
                dp.unary.push(u);
                dp.unary_exp.push(if MASS { u.exp() } else { 0.0 });
            }
        }
        dp.reset(at[n]);
        let Dp {
            unary,
            unary_exp,
            fmax,
            fmax_lm,
            fsum,
            bmax,
            bmax_lm,
            bsum,
        } = dp;
        let mut unary_at = 0;
        // Forward: the best (and summed) score of the sites up to m, ending
        // in each state; the language-model part of the best alongside.
        for m in 0..n {
            let (ka, kb) = (group.k_back(m, 2), group.k_back(m, 1));
            let r = group.seg_at[m]..group.seg_at[m + 1];
            let (seg, fac) = (&self.segments[r.clone()], &self.factors[r]);
            let (u, ue) = (&unary[unary_at..], &unary_exp[unary_at..]);
            unary_at += k[m];
            for b in 0..kb {
                for c in 0..k[m] {
                    let (mut best, mut best_lm, mut sum) = (f64::NEG_INFINITY, 0.0, 0.0);
                    for a in 0..ka {
                        let x = (a * kb + b) * k[m] + c;
                        let (v, l, f) = if m == 0 {
                            (0.0, 0.0, 1.0)
                        } else {
                            let p = at[m - 1] + a * k[m - 1] + b;
                            (fmax[p], fmax_lm[p], fsum[p])
                        };
                        if v + seg[x] > best {
                            best = v + seg[x];
                            best_lm = l + seg[x];
                        }
                        if MASS {
                            sum += f * fac[x];
                        }
                    }
                    let s = at[m] + b * k[m] + c;
                    fmax[s] = best + u[c];
                    fmax_lm[s] = best_lm;
                    fsum[s] = sum * ue[c];
                }
            }
            if MASS {
                normalize(&mut fsum[at[m]..at[m + 1]]);
            }
        }
        // Backward: the best (and summed) score of the sites after m, given
        // the state at m.
        for m in (0..n).rev() {
            let kb = group.k_back(m, 1);
            unary_at -= k[m];
            for b in 0..kb {
                for c in 0..k[m] {
                    let s = at[m] + b * k[m] + c;
                    if m + 1 == n {
                        (bmax[s], bmax_lm[s], bsum[s]) = (0.0, 0.0, 1.0);
                        continue;
                    }
                    let r = group.seg_at[m + 1]..group.seg_at[m + 2];
                    let (seg, fac) = (&self.segments[r.clone()], &self.factors[r]);
                    let next = unary_at + k[m];
                    let (u, ue) = (&unary[next..], &unary_exp[next..]);
                    let (mut best, mut best_lm, mut sum) = (f64::NEG_INFINITY, 0.0, 0.0);
                    for d in 0..k[m + 1] {
                        let x = (b * k[m] + c) * k[m + 1] + d;
                        let q = at[m + 1] + c * k[m + 1] + d;
                        let v = seg[x] + u[d] + bmax[q];
                        if v > best {
                            best = v;
                            best_lm = seg[x] + bmax_lm[q];
                        }
                        if MASS {
                            sum += fac[x] * ue[d] * bsum[q];
                        }
                    }
                    (bmax[s], bmax_lm[s], bsum[s]) = (best, best_lm, sum);
                }
            }
            if MASS {
                normalize(&mut bsum[at[m]..at[m + 1]]);
            }
        }
        // Each alternative's best combination and mass, over the choices at
        // the site before it.
        for (m, &(_, i)) in members.iter().enumerate() {
            let first = self.site_alts[i].start;
            for c in 0..k[m] {
                let (mut best, mut best_lm, mut sum) = (f64::NEG_INFINITY, 0.0, 0.0);
                for b in 0..group.k_back(m, 1) {
                    let s = at[m] + b * k[m] + c;
                    if fmax[s] + bmax[s] > best {
                        best = fmax[s] + bmax[s];
                        best_lm = fmax_lm[s] + bmax_lm[s];
                    }
                    if MASS {
                        sum += fsum[s] * bsum[s];
                    }
                }
                scores.best[first + c] = best;
                scores.best_lm[first + c] = best_lm;
                if MASS {
                    scores.mass[first + c] = sum.ln();
                }
            }
        }
    }
}

/// Scales `sums` to add up to one: sums are only compared within a site,
/// and scaling keeps a long group's products in range.
fn normalize(sums: &mut [f64]) {
    let total: f64 = sums.iter().sum();
    if total > 0.0 {
        sums.iter_mut().for_each(|x| *x /= total);
    }
}

/// The language-model questions of a document's segments.
struct Plan {
    queries: Reused<Query>,
    cells: Reused<Cell>,
}

/// A segment score: the sum of the answers to the questions of its words,
/// less a context-free part (see [`Alt::unigram`]).
#[derive(Clone)]
struct Cell {
    /// The questions of its first two words, whose history reaches back
    /// before the segment: a range of [`Plan::queries`].
    head: Range<usize>,
    /// The questions of the words after, shared by every cell of the same
    /// site and alternative.
    tail: Range<usize>,
    context_free: f64,
}

/// Scratch space of [`Document::decode_group`], reused across groups.
#[derive(Default)]
struct Dp {
    unary: Vec<f64>,
    unary_exp: Vec<f64>,
    fmax: Vec<f64>,
    fmax_lm: Vec<f64>,
    fsum: Vec<f64>,
    bmax: Vec<f64>,
    bmax_lm: Vec<f64>,
    bsum: Vec<f64>,
}

impl Dp {
    fn reset(&mut self, states: usize) {
        for v in [
            &mut self.fmax,
            &mut self.fmax_lm,
            &mut self.fsum,
            &mut self.bmax,
            &mut self.bmax_lm,
            &mut self.bsum,
        ] {
            v.clear();
            v.resize(states, 0.0);
        }
    }
}

/// Calls `found` with each phrase of `wanted` that occurs in `plain`
/// (`None`, an unknown word or a break, ends a phrase), in one pass.
fn present_phrases<K>(plain: &[Word], wanted: &FxHashSet<K>, mut found: impl FnMut(&K))
where
    K: std::borrow::Borrow<[WordId]> + std::hash::Hash + Eq,
{
    let max_words = wanted.iter().map(|w| w.borrow().len()).max().unwrap_or(0);
    let firsts: FxHashSet<WordId> = wanted
        .iter()
        .filter_map(|w| w.borrow().first().copied())
        .collect();
    let mut phrase = Vec::with_capacity(max_words);
    for i in 0..plain.len() {
        match plain[i] {
            Some(id) if firsts.contains(&id) => {}
            _ => continue,
        }
        phrase.clear();
        for w in plain[i..].iter().take(max_words) {
            let Some(id) = w else { break };
            phrase.push(*id);
            if let Some(p) = wanted.get(phrase.as_slice()) {
                found(p);
            }
        }
    }
}

/// True when a word of `written` is in capitals, which the spinner never
/// spins, unless `written` is one short word: an acronym the spinner wrote
/// ("USA" for "United States").
fn in_capitals(written: &str) -> bool {
    let mut words = written.split_whitespace();
    let first = words.next().unwrap_or("");
    if words.next().is_none() && first.chars().count() <= 4 {
        return false;
    }
    written.split_whitespace().any(is_capitals)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::tokenize;
    use crate::Unspinner;

    const SPUN: &str = include_str!("../corpus/seeds/002_e90d1dc293122756.txt");

    /// Every combination of group `g` scored from scratch with the uncached
    /// model: (choices, total).
    fn enumerate(
        doc: &Document<'_>,
        g: usize,
        prior: &[f64],
        model: &LanguageModel,
    ) -> Vec<(Vec<usize>, f64)> {
        let group = &doc.groups[g];
        let sentence = &doc.items[group.sentence.clone()];
        let members = &doc.members[group.members.clone()];
        let end = (members[members.len() - 1].0 + CONTEXT + 1).min(sentence.len());
        let mut out = Vec::new();
        let mut a = vec![0; members.len()];
        loop {
            // The words scored, after a history that may be cut by unknowns.
            let mut known: Vec<WordId> = match doc.history(sentence, members[0].0, model) {
                [Some(x), Some(y)] => vec![x, y],
                [_, Some(y)] => vec![y],
                _ => Vec::new(),
            };
            let mut words: Vec<Word> = Vec::new();
            for (pos, item) in sentence.iter().enumerate().take(end).skip(members[0].0) {
                match item {
                    Item::Fixed(w) => words.push(*w),
                    Item::Slot(i) => {
                        let m = members.iter().position(|&(p, _)| p == pos).unwrap();
                        let alt = &doc.alts(*i)[a[m]];
                        words.extend_from_slice(&doc.alt_words[alt.words.clone()]);
                    }
                }
            }
            if end == sentence.len() {
                words.push(Some(model.sentence_end()));
            }
            let mut log10 = 0.0f64;
            for w in words {
                match w {
                    Some(id) => {
                        let from = known.len().saturating_sub(2);
                        log10 += model.log10_prob(&known[from..], id) as f64;
                        known.push(id);
                    }
                    None => {
                        log10 += model.unk_log10() as f64;
                        known.clear();
                    }
                }
            }
            let t = &doc.tuning;
            let mut total = t.lm_scale * log10 * std::f64::consts::LN_10;
            for (&(_, i), &c) in members.iter().zip(&a) {
                let alts = doc.alts(i);
                total -= t.lm_scale * t.unigram_discount * (alts[c].unigram - alts[0].unigram);
                if c > 0 {
                    total += prior[i] + alts[c].channel;
                }
            }
            out.push((a.clone(), total));
            // Next combination, the last site fastest.
            let mut m = members.len();
            loop {
                if m == 0 {
                    return out;
                }
                m -= 1;
                a[m] += 1;
                if a[m] < group.k[m] {
                    break;
                }
                a[m] = 0;
            }
        }
    }

    #[test]
    fn dynamic_programming_agrees_with_enumerating_every_combination() {
        let model = LanguageModel::shipped();
        let u = Unspinner::builder().build().unwrap();
        let text = &SPUN[..SPUN.len().min(12_000)];
        let tokens = tokenize(text);
        let lexemes = u.lexemes(text, &tokens);
        let sites = u.sites(text, &tokens, &lexemes, &[], '\'');
        let vocab = u.vocabulary();
        let p = Prelude::new(text, &tokens, &lexemes, &sites, &vocab);
        let doc = Document::new(text, p, &sites, &vocab, &TUNING, None);
        let prior: Vec<f64> = (0..sites.len()).map(|i| (i % 5) as f64 - 2.0).collect();
        let scores = doc.decode::<true>(&prior);
        let mut checked = 0;
        for g in 0..doc.groups.len() {
            if doc.groups[g].k.iter().product::<usize>() > 4096 {
                continue;
            }
            let combos = enumerate(&doc, g, &prior, model);
            let members = &doc.members[doc.groups[g].members.clone()];
            for (m, &(_, i)) in members.iter().enumerate() {
                let r = doc.site_alts[i].clone();
                let mut mass = vec![f64::NEG_INFINITY; r.len()];
                for (c, mass) in mass.iter_mut().enumerate() {
                    let with_c = combos.iter().filter(|(a, _)| a[m] == c).map(|(_, t)| *t);
                    let best = with_c.clone().fold(f64::NEG_INFINITY, f64::max);
                    assert!(
                        (best - scores.best[r.start + c]).abs() < 1e-6,
                        "group {g} site {m} alternative {c}: {best} vs {}",
                        scores.best[r.start + c]
                    );
                    *mass = best + with_c.map(|t| (t - best).exp()).sum::<f64>().ln();
                }
                // Probabilities within the site agree.
                let norm = |v: &[f64]| {
                    let top = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                    let z: f64 = v.iter().map(|x| (x - top).exp()).sum();
                    v.iter().map(|x| (x - top).exp() / z).collect::<Vec<_>>()
                };
                for (p, q) in norm(&mass).iter().zip(norm(&scores.mass[r.clone()])) {
                    assert!((p - q).abs() < 1e-9, "group {g} site {m}: {p} vs {q}");
                }
                checked += 1;
            }
        }
        assert!(checked > 100, "only {checked} sites checked");
        assert!(doc.groups.iter().any(|g| g.k.len() >= 4), "no long group");
    }

    #[test]
    fn a_form_key_is_the_normalized_form_borrowed_when_it_can_be() {
        for w in [
            "navy",
            "one in all",
            "one  in\nall",
            "one\u{b}in all",
            " one in all ",
            "Navy",
            "NAVY",
            "far-off",
            "Navy’s",
            "three,000",
            "naïve",
        ] {
            let key = form_key(w);
            assert_eq!(key, normalize_phrase(w), "{w:?}");
        }
        for w in ["navy", "far-off", "three,000", "one in all"] {
            assert!(matches!(form_key(w), Cow::Borrowed(_)), "{w}");
        }
    }

    #[test]
    fn neighbouring_findings_are_restored_together() {
        let u = Unspinner::builder().build().unwrap();
        let a = u.analyze(
            "Trump mentioned the navy motion in the Center East was one in all the largest.",
        );
        assert_eq!(
            a.restore(),
            "Trump said the military action in the Middle East was one of the largest."
        );
    }
}
