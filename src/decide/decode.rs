//! The decoding: findings of a sentence within two words of each other form
//! a group, decoded exactly by dynamic programming over its findings
//! (max-product for the best combination with each alternative,
//! sum-product for its probability).

use std::borrow::Cow;
use std::ops::Range;

use super::candidates::{alternatives, Alt, Site};
use super::evidence::{own_presence, Outer, Present};
use super::prelude::{Item, Prelude, Word};
use super::tuning::Tuning;
use super::SiteDecision;
use crate::finding::{Reason, Terms};
use crate::lexicon::Vocabulary;
use crate::model::{LanguageModel, Query, WordId};
use crate::reuse::{reused, Reused};

/// Words of context the language model sees on each side.
const CONTEXT: usize = 2;

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
pub(super) struct Document<'t> {
    /// Normalized spun form of each site.
    pub(super) keys: Vec<Cow<'t, str>>,
    /// The alternatives of site `i` are `alts[site_alts[i]]`.
    site_alts: Reused<Range<usize>>,
    pub(super) alts: Reused<Alt>,
    alt_words: Reused<Word>,
    /// Every sentence's items, one after another.
    items: Reused<Item>,
    members: Reused<(usize, usize)>,
    groups: Reused<Group>,
    /// Number of words in the document.
    pub(super) words: usize,
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
pub(super) struct Scores {
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

impl<'t> Document<'t> {
    /// The document prepared for decoding; with `outer`, a window of a
    /// larger document, whose presence of originals and words it takes.
    pub(super) fn new(
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
                let (own, cost) = own_presence(&p, sites, t);
                (own, cost, p.words)
            }
        };
        let alts = alternatives(text, &p, sites, model, t, (&present, present_cost, words));
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
    pub(super) fn evidence(&self) -> Vec<f64> {
        let first = self.decode::<false>(&vec![0.0; self.site_alts.len()]);
        (0..self.site_alts.len())
            .map(|i| first.best_margin(self.site_alts[i].clone()))
            .collect()
    }

    /// For each site a thesaurus knows, how much more often its spinner
    /// writes the form than an author does, out of context: the natural
    /// log of the candidates' context-free probabilities times the
    /// spinner's probability of writing the form for each (its channel),
    /// summed, against the form's own. 0 for any other site.
    pub(super) fn spinner_odds(&self, sites: &[Site]) -> Vec<f64> {
        sites
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let alts = self.alts(i);
                let (Some(_), Some(keep)) = (s.standing, alts.first()) else {
                    return 0.0;
                };
                let written: f64 = s
                    .candidates
                    .iter()
                    .zip(&alts[1..])
                    .filter_map(|(c, a)| Some((a.unigram + f64::from(c.channel?).ln()).exp()))
                    .sum();
                match written > 0.0 {
                    true => written.ln() - keep.unigram,
                    false => 0.0,
                }
            })
            .collect()
    }

    /// The alternatives of site `i`.
    fn alts(&self, i: usize) -> &[Alt] {
        &self.alts[self.site_alts[i].clone()]
    }

    /// Decodes every group with `prior[i]`, the log-odds that site `i` is a
    /// substitution; the masses only with `MASS` (the first pass needs the
    /// best combinations alone).
    pub(super) fn decode<const MASS: bool>(&self, prior: &[f64]) -> Scores {
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
    pub(super) fn decision(
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decide::tuning::TUNING;
    use crate::tokenize::tokenize;
    use crate::Unspinner;

    const SPUN: &str = include_str!("../../corpus/seeds/002_e90d1dc293122756.txt");

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
    fn a_form_the_spinner_writes_more_than_authors_do_has_higher_odds() {
        use crate::thesaurus::{KeyMode, Thesaurus};
        // "remarked" is written for a common key and rarely by an author;
        // "said" is written only for a rare key, and authors write it often.
        let t = Thesaurus::parse("said|remarked\nchortled|said\n", "t", KeyMode::First);
        let u = Unspinner::builder().thesaurus(&t).build().unwrap();
        let text = "He remarked that she said no, and the weather was fine.";
        read(&u, text, |sites, doc| {
            let odds = doc.spinner_odds(sites);
            let at = |form: &str| {
                let i = sites.iter().position(|s| &text[s.span.clone()] == form);
                odds[i.unwrap_or_else(|| panic!("no site at {form}"))]
            };
            assert!(at("remarked") > 2.0, "{odds:?}");
            assert!(at("said") < -2.0, "{odds:?}");
        });
    }

    /// Reads `text` as `u` does, and hands its sites and the document
    /// prepared for decoding to `f`.
    fn read<R>(u: &Unspinner, text: &str, f: impl FnOnce(&[Site], &Document<'_>) -> R) -> R {
        let tokens = tokenize(text);
        let lexemes = u.lexemes(text, &tokens);
        let sites = u.sites(text, &tokens, &lexemes, &[], '\'');
        let vocab = u.vocabulary();
        let p = Prelude::new(text, &tokens, &lexemes, &sites, &vocab);
        let doc = Document::new(text, p, &sites, &vocab, &TUNING, None);
        f(&sites, &doc)
    }

    #[test]
    fn dynamic_programming_agrees_with_enumerating_every_combination() {
        let model = LanguageModel::shipped();
        let u = Unspinner::builder().build().unwrap();
        let text = &SPUN[..SPUN.len().min(12_000)];
        read(&u, text, |sites, doc| {
            let prior: Vec<f64> = (0..sites.len()).map(|i| (i % 5) as f64 - 2.0).collect();
            let scores = doc.decode::<true>(&prior);
            let mut checked = 0;
            for g in 0..doc.groups.len() {
                if doc.groups[g].k.iter().product::<usize>() > 4096 {
                    continue;
                }
                let combos = enumerate(doc, g, &prior, model);
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
        });
    }
}
