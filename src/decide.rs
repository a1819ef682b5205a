//! Deciding each finding: keep the text as written, or restore one of its
//! candidates.
//!
//! The decision is a noisy channel. For every sentence the language model
//! scores the text with each combination of choices at the findings that lie
//! within two words of each other (so "navy motion" is decided together with
//! "military action"), and adds for each restored finding
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
//! The document score itself comes from the same evidence (see
//! [`crate::score`]): a first pass with a neutral prior measures how much
//! better each finding reads restored; the score sets the prior of the
//! second pass, which makes the decisions.

use std::cell::RefCell;
use std::collections::HashMap;

use rustc_hash::{FxHashMap, FxHashSet};
use std::ops::Range;

use crate::finding::Terms;
use crate::model::{CachedModel, LanguageModel, WordId};
use crate::score;
use crate::tokenize::{normalize_into, normalize_phrase, Case, Token, TokenKind};
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
}

/// A candidate at a site, already written in the text's case.
#[derive(Debug, Clone)]
pub(crate) struct SiteCandidate {
    pub original: String,
    /// Case of the original as the table writes it (`Americans`: title).
    pub intrinsic_case: Case,
    pub source: std::sync::Arc<str>,
    pub rank: usize,
}

/// The decision at one site.
#[derive(Debug, Clone)]
pub(crate) struct SiteDecision {
    /// Probability of keeping the text as written.
    pub keep: f64,
    /// Probability and terms of each candidate, in the site's order.
    pub candidates: Vec<(f64, Terms)>,
    /// The candidate to restore, if any.
    pub restore: Option<usize>,
}

/// The decisions of a document and its spin score.
#[derive(Debug, Clone)]
pub(crate) struct Decided {
    pub score: f64,
    pub sites: Vec<SiteDecision>,
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
        get("SCORE_BIAS", &mut t.score_bias);
        get("SCORE_GAIN", &mut t.score_gain);
        get("SCORE_PER_WORD", &mut t.score_per_word);
        t
    });
    *T
}

/// Most combinations enumerated for one group of neighbouring findings;
/// larger groups are decided by coordinate ascent.
const MAX_COMBOS: usize = 64;
/// Words of context the language model sees on each side.
const CONTEXT: usize = 2;

fn logit(p: f64, p_min: f64) -> f64 {
    let p = p.clamp(p_min, 1.0 - p_min);
    (p / (1.0 - p)).ln()
}

/// Decides every site of a document.
pub(crate) fn decide(
    text: &str,
    tokens: &[Token],
    sites: &[Site],
    model: &LanguageModel,
    settings: &Settings,
) -> Decided {
    if sites.is_empty() {
        return Decided {
            score: 0.0,
            sites: Vec::new(),
        };
    }
    if settings.mode == DecisionMode::Dictionary {
        return dictionary_only(sites);
    }
    let t = tuning();
    let doc = Document::new(text, tokens, sites, model, &t);
    // Pass 1: no prior, to measure the evidence of each site (model and channel).
    let first = doc.decode(&vec![0.0; sites.len()]);
    let evidence: Vec<f64> = (0..sites.len())
        .map(|i| first.best_margin(doc.site_alts[i].clone()))
        .collect();
    let doc_score = score::spin_score_with(
        sites
            .iter()
            .map(|s| s.weight as f64)
            .zip(evidence.iter().copied()),
        doc.words,
        t.score_bias,
        t.score_gain,
        t.score_per_word,
    );
    // Pass 2: the prior of each site from the document score, the form's
    // weight, and the evidence of the form's other occurrences.
    let mut by_form: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, key) in doc.keys.iter().enumerate() {
        by_form.entry(key.as_str()).or_default().push(i);
    }
    let doc_logit = logit(doc_score.min(t.doc_max), t.p_min);
    let prior: Vec<f64> = (0..sites.len())
        .map(|i| {
            let others: f64 = by_form[doc.keys[i].as_str()]
                .iter()
                .filter(|&&j| j != i)
                .map(|&j| evidence[j].clamp(-2.0, 2.0))
                .sum();
            let pooled = (t.pool_gain * others).clamp(-t.pool_max, t.pool_max);
            t.doc_gain * doc_logit
                + t.weight_gain * logit(sites[i].weight as f64, t.p_min)
                + t.prior_bias
                + pooled
        })
        .collect();
    let second = doc.decode(&prior);
    Decided {
        score: doc_score,
        sites: (0..sites.len())
            .map(|i| doc.decision(&second, i, prior[i]))
            .collect(),
    }
}

fn dictionary_only(sites: &[Site]) -> Decided {
    let sites = sites
        .iter()
        .map(|s| {
            let restore = (s.weight >= 0.5).then_some(0);
            SiteDecision {
                keep: if restore.is_some() { 0.0 } else { 1.0 },
                candidates: (0..s.candidates.len())
                    .map(|i| (f64::from(u8::from(restore == Some(i))), Terms::default()))
                    .collect(),
                restore,
            }
        })
        .collect();
    Decided { score: 0.0, sites }
}

/// A word as the language model sees it.
#[derive(Debug, Clone, Copy)]
enum Word {
    Known(WordId),
    Unknown,
}

impl Word {
    fn id(self) -> Option<WordId> {
        match self {
            Word::Known(id) => Some(id),
            Word::Unknown => None,
        }
    }
}

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

/// What a window walk of one group needs (see [`Document::lm_table`]).
struct Walk<'w> {
    sentence: &'w [Item],
    members: &'w [(usize, usize)],
    /// End of the window in the sentence.
    end: usize,
}

/// Neighbouring sites of one sentence, decided jointly.
struct Group {
    /// The sentence's items, a range of [`Document::items`].
    sentence: Range<usize>,
    /// The sites as (position in the sentence, site), a range of
    /// [`Document::members`].
    members: Range<usize>,
    /// The language-model term of every combination of alternatives, in
    /// odometer order (the last site fastest); empty when there are too many
    /// combinations to enumerate.
    lm: Vec<f64>,
}

/// The document prepared for decoding: its sentences as model words, with
/// the sites as slots, grouped.
struct Document<'a> {
    /// Normalized spun form of each site.
    keys: Vec<String>,
    /// The alternatives of site `i` are `alts[site_alts[i]]`.
    site_alts: Vec<Range<usize>>,
    alts: Vec<Alt>,
    alt_words: Vec<Word>,
    /// Every sentence's items, one after another.
    items: Vec<Item>,
    members: Vec<(usize, usize)>,
    groups: Vec<Group>,
    /// Number of words in the document.
    words: usize,
    /// The constants in force.
    tuning: Tuning,
    lm: RefCell<CachedModel<'a>>,
    /// Language-model term of each (group, assignment) of groups too large
    /// to enumerate, met during coordinate ascent.
    lm_cache: RefCell<FxHashMap<(usize, u64), f64>>,
}

/// The outcome of decoding: for every alternative (indexed as
/// [`Document::alts`]), the best total log score (natural) of a combination
/// that chooses it, the language-model part of that combination, and the
/// log-sum-exp of the totals of all combinations that choose it.
struct Scores {
    best: Vec<f64>,
    best_lm: Vec<f64>,
    mass: Vec<f64>,
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

/// Advances `a` to the next combination of alternatives, counting like an
/// odometer with the last site fastest.
fn next_combination(a: &mut [usize], sizes: impl Fn(usize) -> usize) {
    for g in (0..a.len()).rev() {
        a[g] += 1;
        if a[g] < sizes(g) {
            return;
        }
        a[g] = 0;
    }
}

impl<'a> Document<'a> {
    fn new(
        text: &str,
        tokens: &[Token],
        sites: &'a [Site],
        model: &'a LanguageModel,
        t: &Tuning,
    ) -> Self {
        let keys: Vec<String> = sites
            .iter()
            .map(|s| normalize_phrase(&text[s.span.clone()]))
            .collect();
        // Each distinct spelling is looked up in the vocabulary once.
        let mut vocab: FxHashMap<&str, Word> = FxHashMap::default();
        vocab.reserve(tokens.len() / 4);
        let mut buf = String::new();
        let mut word = |w| -> Word {
            *vocab.entry(w).or_insert_with(|| {
                buf.clear();
                normalize_into(w, &mut buf);
                match model.word_id(&buf) {
                    Some(id) => Word::Known(id),
                    None => Word::Unknown,
                }
            })
        };
        let mut site_at: Vec<Option<usize>> = vec![None; tokens.len()];
        for (i, s) in sites.iter().enumerate() {
            site_at[s.first] = Some(i);
        }
        let mut items: Vec<Item> = Vec::with_capacity(tokens.len() / 2);
        let mut sentence_starts = vec![0];
        // Whether each site starts its sentence (a capital there says nothing).
        let mut initial = vec![false; sites.len()];
        let mut words = 0;
        let mut k = 0;
        // Words outside sites, in order, with `None` at sites and sentence
        // ends, for "the original is present" checks.
        let mut plain: Vec<Option<Word>> = Vec::with_capacity(tokens.len() / 2);
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
                    let w = word(&text[tok.span.clone()]);
                    words += 1;
                    plain.push(Some(w));
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
        let mut alt_words: Vec<Word> = Vec::with_capacity(4 * sites.len());
        let mut alt_spans: Vec<Range<usize>> = Vec::with_capacity(4 * sites.len());
        let mut site_alts = Vec::with_capacity(sites.len());
        for (s, key) in sites.iter().zip(&keys) {
            let start = alt_spans.len();
            let originals = s.candidates.iter().map(|c| c.original.as_str());
            for phrase in std::iter::once(key.as_str()).chain(originals) {
                let from = alt_words.len();
                alt_words.extend(phrase.split_whitespace().map(&mut word));
                alt_spans.push(from..alt_words.len());
            }
            site_alts.push(start..alt_spans.len());
        }
        let ids = |r: &Range<usize>| -> Option<Vec<WordId>> {
            alt_words[r.clone()].iter().map(|w| w.id()).collect()
        };
        let wanted: FxHashSet<Vec<WordId>> = site_alts
            .iter()
            .flat_map(|r| alt_spans[r.start + 1..r.end].iter().filter_map(ids))
            .collect();
        let present = present_phrases(&plain, &wanted);
        let mut alts = Vec::with_capacity(alt_spans.len());
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
                    // The spinner keeps an initial capital: inside a sentence,
                    // a capitalised form more likely stands for an original
                    // with capitals of its own, where the table offers one.
                    if capitalised_inside && c.intrinsic_case == Case::Lower {
                        cost -= t.capital_cost;
                    }
                    if ids(span).is_some_and(|ids| present.contains(&ids)) {
                        cost -= t.present_cost;
                    }
                }
                let log10: f64 = alt_words[span.clone()]
                    .iter()
                    .map(|w| match w {
                        Word::Known(id) => model.log10_prob(&[], *id) as f64,
                        Word::Unknown => model.unk_log10() as f64,
                    })
                    .sum();
                alts.push(Alt {
                    words: span.clone(),
                    channel: cost,
                    unigram: log10 * std::f64::consts::LN_10,
                });
            }
        }
        // Group the sites of each sentence that lie within CONTEXT words of
        // each other.
        let mut members = Vec::with_capacity(sites.len());
        let mut groups: Vec<Group> = Vec::new();
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
                        lm: Vec::new(),
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
            lm: RefCell::new(CachedModel::new(model)),
            lm_cache: RefCell::new(FxHashMap::default()),
        };
        // Both passes score the same combinations: the language model's part
        // of each is computed once, here.
        for g in 0..doc.groups.len() {
            let group = &doc.groups[g];
            let members = &doc.members[group.members.clone()];
            let size = |m: usize| doc.site_alts[members[m].1].len();
            let combos = (0..members.len()).try_fold(1usize, |acc, m| acc.checked_mul(size(m)));
            let Some(n) = combos.filter(|&n| n <= MAX_COMBOS) else {
                continue;
            };
            let mut lm = Vec::with_capacity(n);
            doc.lm_table(g, &mut lm);
            doc.groups[g].lm = lm;
        }
        doc
    }

    /// The alternatives of site `i`.
    fn alts(&self, i: usize) -> &[Alt] {
        &self.alts[self.site_alts[i].clone()]
    }

    /// Decodes every group with `prior[i]`, the log-odds that site `i` is a
    /// substitution.
    fn decode(&self, prior: &[f64]) -> Scores {
        let n = self.alts.len();
        let mut scores = Scores {
            best: vec![f64::NEG_INFINITY; n],
            best_lm: vec![f64::NEG_INFINITY; n],
            mass: vec![f64::NEG_INFINITY; n],
        };
        let mut totals = Vec::new();
        for g in 0..self.groups.len() {
            self.decode_group(g, prior, &mut scores, &mut totals);
        }
        scores
    }

    /// The decision at site `i` from the scores of the second pass.
    fn decision(&self, scores: &Scores, i: usize, prior: f64) -> SiteDecision {
        let r = self.site_alts[i].clone();
        let mass = &scores.mass[r.clone()];
        let best = &scores.best[r.clone()];
        let best_lm = &scores.best_lm[r.clone()];
        let max = mass.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let z: f64 = mass.iter().map(|m| (m - max).exp()).sum();
        let prob = |c: usize| (mass[c] - max).exp() / z;
        let (top, _) = best.iter().enumerate().fold((0, f64::NEG_INFINITY), |acc, (c, &b)| {
            if b > acc.1 {
                (c, b)
            } else {
                acc
            }
        });
        SiteDecision {
            keep: prob(0),
            candidates: (1..r.len())
                .map(|c| {
                    let terms = Terms {
                        lm: best_lm[c] - best_lm[0],
                        channel: self.alts[r.start + c].channel,
                        prior,
                    };
                    (prob(c), terms)
                })
                .collect(),
            restore: (top > 0).then(|| top - 1),
        }
    }

    /// The language-model term of one assignment of group `g`: the scaled
    /// log-likelihood of its window with the context-free part discounted.
    fn lm_term(&self, g: usize, choice: &[usize]) -> f64 {
        let group = &self.groups[g];
        let members = &self.members[group.members.clone()];
        let raw = self.lm_score(&self.items[group.sentence.clone()], members, choice);
        let context_free: f64 = members
            .iter()
            .zip(choice)
            .map(|(&(_, i), &c)| self.alts(i)[c].unigram - self.alts(i)[0].unigram)
            .sum();
        self.tuning.lm_scale * (raw - self.tuning.unigram_discount * context_free)
    }

    /// Appends to `out` the language-model term (as [`Document::lm_term`]
    /// gives it) of every combination of group `g`, in odometer order.
    ///
    /// Combinations that agree on their first sites share the window up to
    /// the next site, so the window is walked depth first, each prefix once.
    fn lm_table(&self, g: usize, out: &mut Vec<f64>) {
        let group = &self.groups[g];
        let sentence = &self.items[group.sentence.clone()];
        let members = &self.members[group.members.clone()];
        let end = (members[members.len() - 1].0 + CONTEXT + 1).min(sentence.len());
        let mut lm = self.lm.borrow_mut();
        let h = self.history(sentence, members[0].0, lm.model());
        let walk = Walk {
            sentence,
            members,
            end,
        };
        self.walk(&walk, &mut lm, 0, h, 0.0, 0.0, out);
    }

    /// The window walk below site `m` of a group, with history `h`, log10
    /// likelihood `acc` and context-free difference `cf` so far.
    #[allow(clippy::too_many_arguments)]
    fn walk(
        &self,
        w: &Walk<'_>,
        lm: &mut CachedModel<'_>,
        m: usize,
        h: [Option<WordId>; 2],
        acc: f64,
        cf: f64,
        out: &mut Vec<f64>,
    ) {
        let (pos, i) = w.members[m];
        let alts = self.alts(i);
        let next = w.members.get(m + 1).map_or(w.end, |&(p, _)| p);
        let model = lm.model();
        for alt in alts {
            let (mut h, mut acc) = (h, acc);
            let mut push = |word: Word| {
                acc += match word {
                    Word::Known(id) => lm.log10_prob(h, id),
                    Word::Unknown => model.unk_log10(),
                } as f64;
                h = [h[1], word.id()];
            };
            for &word in &self.alt_words[alt.words.clone()] {
                push(word);
            }
            for item in &w.sentence[pos + 1..next] {
                match item {
                    Item::Fixed(word) => push(*word),
                    // Every site inside the window is in the group.
                    Item::Slot(j) => {
                        for &word in &self.alt_words[self.alts(*j)[0].words.clone()] {
                            push(word);
                        }
                    }
                }
            }
            let cf = cf + (alt.unigram - alts[0].unigram);
            if m + 1 < w.members.len() {
                self.walk(w, lm, m + 1, h, acc, cf, out);
            } else {
                if w.end == w.sentence.len() {
                    push(Word::Known(model.sentence_end()));
                }
                let raw = acc * std::f64::consts::LN_10;
                out.push(self.tuning.lm_scale * (raw - self.tuning.unigram_discount * cf));
            }
        }
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
            h = [h[1], self.fixed_word(it)];
        }
        h
    }

    /// The prior and channel terms of one assignment.
    fn extra(&self, members: &[(usize, usize)], choice: &[usize], prior: &[f64]) -> f64 {
        members
            .iter()
            .zip(choice)
            .map(|(&(_, i), &c)| {
                if c == 0 {
                    0.0
                } else {
                    prior[i] + self.alts(i)[c].channel
                }
            })
            .sum()
    }

    /// Total and language-model score of one assignment of a group too large
    /// to enumerate.
    fn ascent_score(&self, g: usize, choice: &[usize], prior: &[f64]) -> (f64, f64) {
        let members = &self.members[self.groups[g].members.clone()];
        // Keyed by the choices in mixed radix, when they fit in 64 bits.
        let mut code = Some(0u64);
        for (&(_, i), &c) in members.iter().zip(choice) {
            let radix = self.site_alts[i].len() as u64;
            code = code
                .and_then(|v| v.checked_mul(radix))
                .map(|v| v + c as u64);
        }
        let cached = code.and_then(|c| self.lm_cache.borrow().get(&(g, c)).copied());
        let lm = cached.unwrap_or_else(|| {
            let v = self.lm_term(g, choice);
            if let Some(c) = code {
                self.lm_cache.borrow_mut().insert((g, c), v);
            }
            v
        });
        (lm + self.extra(members, choice, prior), lm)
    }

    /// Decodes group `g` into `scores` (`totals` is scratch space).
    fn decode_group(&self, g: usize, prior: &[f64], scores: &mut Scores, totals: &mut Vec<f64>) {
        let group = &self.groups[g];
        let members = &self.members[group.members.clone()];
        let sizes: Vec<usize> = members
            .iter()
            .map(|&(_, i)| self.site_alts[i].len())
            .collect();
        // Index in `scores` of alternative c of member m.
        let at = |m: usize, c: usize| self.site_alts[members[m].1].start + c;
        let n_sites = members.len();
        let mut a = vec![0; n_sites];
        if !group.lm.is_empty() {
            // Every combination, counted like an odometer.
            totals.clear();
            for &lm in &group.lm {
                let total = lm + self.extra(members, &a, prior);
                for (m, &c) in a.iter().enumerate() {
                    let k = at(m, c);
                    if total > scores.best[k] {
                        scores.best[k] = total;
                        scores.best_lm[k] = lm;
                    }
                }
                totals.push(total);
                next_combination(&mut a, |m| sizes[m]);
            }
            // Log-sum-exp of the totals of the combinations with each
            // alternative, relative to the best total.
            let top = totals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            for (m, &n) in sizes.iter().enumerate() {
                scores.mass[at(m, 0)..at(m, n)].fill(0.0);
            }
            for &total in totals.iter() {
                let e = (total - top).exp();
                for (m, &c) in a.iter().enumerate() {
                    scores.mass[at(m, c)] += e;
                }
                next_combination(&mut a, |m| sizes[m]);
            }
            for (m, &n) in sizes.iter().enumerate() {
                for x in &mut scores.mass[at(m, 0)..at(m, n)] {
                    *x = x.ln() + top;
                }
            }
        } else {
            // Coordinate ascent from "keep everything"; then each site's
            // alternatives are weighed with the others at their choice.
            for _ in 0..3 {
                for m in 0..n_sites {
                    let mut top = (f64::NEG_INFINITY, 0);
                    for c in 0..sizes[m] {
                        a[m] = c;
                        let (t, _) = self.ascent_score(g, &a, prior);
                        if t > top.0 {
                            top = (t, c);
                        }
                    }
                    a[m] = top.1;
                }
            }
            for m in 0..n_sites {
                let keep = a[m];
                for c in 0..sizes[m] {
                    a[m] = c;
                    let (t, l) = self.ascent_score(g, &a, prior);
                    // Only site m varies here: record it alone.
                    let k = at(m, c);
                    if t > scores.best[k] {
                        scores.best[k] = t;
                        scores.best_lm[k] = l;
                    }
                    scores.mass[k] = log_add(scores.mass[k], t);
                }
                a[m] = keep;
            }
        }
    }

    /// Natural-log probability of a group's window of `sentence`: from its
    /// first site to CONTEXT words past its last (plus the sentence end when
    /// it is within reach), with the group's sites set to the alternatives in
    /// `choice`.
    fn lm_score(&self, sentence: &[Item], members: &[(usize, usize)], choice: &[usize]) -> f64 {
        let start = members[0].0;
        let end = (members[members.len() - 1].0 + CONTEXT + 1).min(sentence.len());
        let mut lm = self.lm.borrow_mut();
        let m = lm.model();
        let mut h = self.history(sentence, start, m);
        let mut total = 0.0f64;
        let mut push = |w: Word| {
            total += match w {
                Word::Known(id) => lm.log10_prob(h, id),
                Word::Unknown => m.unk_log10(),
            } as f64;
            h = [h[1], w.id()];
        };
        for (pos, it) in sentence.iter().enumerate().take(end).skip(start) {
            match it {
                Item::Fixed(w) => push(*w),
                Item::Slot(i) => {
                    let alt = members
                        .iter()
                        .position(|&(p, _)| p == pos)
                        .map_or(0, |g| choice[g]);
                    for &w in &self.alt_words[self.alts(*i)[alt].words.clone()] {
                        push(w);
                    }
                }
            }
        }
        if end == sentence.len() {
            push(Word::Known(m.sentence_end()));
        }
        total * std::f64::consts::LN_10
    }

    fn fixed_word(&self, it: &Item) -> Option<WordId> {
        match it {
            Item::Fixed(w) => w.id(),
            // Outside the group a site reads as written.
            Item::Slot(i) => self.alt_words[self.alts(*i)[0].words.clone()]
                .last()
                .and_then(|w| w.id()),
        }
    }
}

/// The phrases of `wanted` that occur in `plain` (`None` breaks a phrase),
/// found in one pass.
fn present_phrases(
    plain: &[Option<Word>],
    wanted: &FxHashSet<Vec<WordId>>,
) -> FxHashSet<Vec<WordId>> {
    let max_words = wanted.iter().map(Vec::len).max().unwrap_or(0);
    let firsts: FxHashSet<WordId> = wanted.iter().filter_map(|w| w.first().copied()).collect();
    let mut found = FxHashSet::default();
    let mut phrase = Vec::with_capacity(max_words);
    for i in 0..plain.len() {
        match plain[i] {
            Some(Word::Known(id)) if firsts.contains(&id) => {}
            _ => continue,
        }
        phrase.clear();
        for w in plain[i..].iter().take(max_words) {
            let Some(Word::Known(id)) = w else { break };
            phrase.push(*id);
            if wanted.contains(&phrase) {
                found.insert(phrase.clone());
            }
        }
    }
    found
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
    written
        .split_whitespace()
        .any(|w| w.chars().filter(|c| c.is_alphabetic()).count() > 1 && Case::of(w) == Case::Upper)
}

fn log_add(a: f64, b: f64) -> f64 {
    if a == f64::NEG_INFINITY {
        return b;
    }
    if b == f64::NEG_INFINITY {
        return a;
    }
    let m = a.max(b);
    m + ((a - m).exp() + (b - m).exp()).ln()
}
