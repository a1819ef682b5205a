//! The general spin detector: evidence of spinning that does not depend on
//! the spinner's own table, combined with the table evidence into the
//! document spin score.
//!
//! A spinner swaps words for synonyms without reading the sentence, so a
//! spun text is full of words that clean prose of that context would not
//! choose: rare synonyms of common words, and words that break the phrases
//! around them ("final night time", "one in all"). The detector reads every
//! word of a document once and sorts it into one of a few categories by
//! what the language model says of it:
//!
//! - **margin** ([`MARGIN_EDGES`], by the word's rarity class
//!   [`RATIO_EDGES`]): for a word of the rarity map (below), how much more
//!   probable its best synonym makes the two words before it and the two
//!   after, in log10;
//! - **left fit** ([`FIT_EDGES`], by the word's own unigram class
//!   [`UNIGRAM_EDGES`]): log10 P(word | the two before) - log10 P(word), how
//!   much its history predicts it;
//! - **right fit**: log10 P(next | word) - log10 P(next), how much it
//!   predicts the word after it.
//!
//! Each category has a log-likelihood ratio, spun against clean, fitted on
//! synthetic spins of several spinner types (`scripts/detect/fit.py`). A
//! logistic model turns a document's three sums (which weigh a long text),
//! each category's count over the square root of its words (which weigh a
//! short one) and the log of its words into the probability that a
//! spinner wrote it, and that is combined with the table evidence's
//! score (a spinner either table catches, or the general evidence does:
//! `1 - (1 - table) (1 - general)`), recalibrated on the same spins. The
//! counts add up over the windows of a document read in pieces, so a
//! document has one score however it is read.
//!
//! # Files
//!
//! `dictionaries/rarity.tsv`, built by `scripts/detect/build_rarity.py`
//! from the licensed general lexicons and the language model's unigrams:
//! `#` comment lines, then `word<TAB>log10 ratio<TAB>synonym | synonym` a
//! line, the word in lower case: each word of the lexicons with a synonym
//! the model knows, how much more probable its commonest synonym is (capped
//! at 4 either way), and its three commonest synonyms. Only
//! lower-case words of a text are looked up (a capitalised one may be a
//! name).
//!
//! `dictionaries/detector.tsv`, written by `scripts/detect/fit.py`: `#`
//! comment lines, then one `name<TAB>value value ...` a line: `margin`
//! (one log-likelihood ratio per margin category), `left` and `right`
//! (one per fit category), `weights` (intercept and the weights of the log
//! of the words and of the three sums), `density` (the weight of each
//! category's count over the square root of the words: margin, left, then
//! right) and `calibration` (intercept and slope on the log-odds of the
//! combined score).

use std::sync::{Mutex, OnceLock};

use crate::lexicon::Lexeme;
use crate::model::{LanguageModel, Query, WordId};
use crate::score;
use crate::tokenize::{Token, TokenKind};

/// The shipped word map (format above).
const RARITY: &str = include_str!("../dictionaries/rarity.tsv");
/// The shipped fitted detector (format above).
const DETECTOR: &str = include_str!("../dictionaries/detector.tsv");

/// Upper edges of the margin categories, in log10; a last category holds
/// the margins above the last edge.
pub const MARGIN_EDGES: [f32; 7] = [-0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0];
/// Upper edges of the fit categories, in log10.
pub const FIT_EDGES: [f32; 7] = [-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0];
/// Upper edges of a word's unigram classes, in log10.
pub const UNIGRAM_EDGES: [f32; 3] = [-4.5, -3.5, -2.5];

/// Upper edges of a word's rarity classes: the log10 ratio of its
/// commonest synonym's unigram probability to its own (the map's second
/// field).
pub const RATIO_EDGES: [f32; 2] = [1.0, 2.0];

/// Margin bins of one rarity class.
const MARGIN_BINS: usize = MARGIN_EDGES.len() + 1;
/// Margin categories: a rarity class by a margin bin, and a last for words
/// outside the map.
const MARGINS: usize = (RATIO_EDGES.len() + 1) * MARGIN_BINS + 1;
/// Fit categories of one unigram class: one a bin, and a last for a word
/// without the context (at a sentence's start, before its end, or next to
/// a word the model does not know).
const FITS: usize = FIT_EDGES.len() + 2;
/// Left or right fit categories: a unigram class by a fit bin, and a last
/// for the words the model does not know.
const SIDES: usize = (UNIGRAM_EDGES.len() + 1) * FITS + 1;

/// The clean texts' weight against the spun ones in the fit
/// (`scripts/detect/fit.py`'s `CLEAN_WEIGHT`): the general model's log-odds
/// hold a prior of one spun text in `1 + CLEAN_WEIGHT`.
const CLEAN_WEIGHT: f64 = 5.0;

/// Margins above this are counted at it, as the fit saw them.
const MARGIN_MAX: f32 = 4.0;

/// The shipped model's rarity map, made by `build.rs` (see [`crate::rarity`]).
#[repr(C, align(8))]
struct Aligned<T: ?Sized>(T);
static SHIPPED_RARITY: &Aligned<[u8]> =
    &Aligned(*include_bytes!(concat!(env!("OUT_DIR"), "/rarity.bin")));

/// The rarity map in the ids of one language model (see [`crate::rarity`]).
#[derive(Debug, PartialEq)]
struct Map(crate::rarity::Map);

impl Map {
    /// The synonyms of `word` as ids and its rarity class, when the map
    /// holds it.
    fn get(&self, word: WordId) -> Option<(&[WordId], u8)> {
        let (ids, ratio) = self.0.get(word)?;
        Some((ids, bin(ratio, &RATIO_EDGES) as u8))
    }
}

/// The rarity map in the ids of `lm`, made once for each model of the
/// process (there is one, bar tests): the shipped model's is read in place,
/// so that start-up stays small.
fn rarity(lm: &LanguageModel) -> &'static Map {
    static MAPS: Mutex<Vec<(u64, &'static Map)>> = Mutex::new(Vec::new());
    let mut maps = MAPS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&(_, map)) = maps.iter().find(|(serial, _)| *serial == lm.serial()) {
        return map;
    }
    let n_words = lm.counts().0 as u32;
    let shipped = std::ptr::eq(lm, LanguageModel::shipped())
        .then(|| bytemuck::try_cast_slice(&SHIPPED_RARITY.0).ok())
        .flatten()
        .and_then(|words| crate::rarity::Map::from_words(words, n_words));
    let map = Map(shipped.unwrap_or_else(|| read_rarity(lm)));
    // One map a model, kept for the process's life as the model is.
    let map: &'static Map = Box::leak(Box::new(map));
    maps.push((lm.serial(), map));
    map
}

/// `dictionaries/rarity.tsv` read for `lm`.
fn read_rarity(lm: &LanguageModel) -> crate::rarity::Map {
    crate::rarity::Map::parse(RARITY, lm.counts().0 as u32, |w| lm.word_id(w))
}

/// The buffers a reading reuses from sentence to sentence.
#[derive(Default)]
struct Scratch {
    /// The sentence's words and numbers: their model ids.
    ids: Vec<Option<WordId>>,
    /// Whether each is written in lower case.
    lower: Vec<bool>,
    /// The questions to the model, in the order they are read back.
    queries: Vec<Query>,
    /// Their answers.
    answers: Vec<f32>,
    /// By word: where its answers are (none for a word the model does
    /// not know).
    asked: Vec<Option<Asked>>,
    /// One word's synonyms, as model ids.
    synonyms: Vec<WordId>,
}

/// Where the answers about one word of a sentence are among its queries.
#[derive(Clone, Copy)]
struct Asked {
    /// Its unigram.
    uni: usize,
    /// It after the two words before it, when the model knows both.
    left: Option<usize>,
    /// The next word after it; the next word's unigram follows.
    right: Option<usize>,
    /// Its margin's, when it is weighed against its synonyms.
    weighed: Option<Weighed>,
}

/// Where the answers of a word weighed against its synonyms are.
#[derive(Clone, Copy)]
struct Weighed {
    /// How many synonyms it is weighed against.
    synonyms: u8,
    /// Its rarity class.
    class: u8,
    /// The first answer of the first synonym's context; each context
    /// asks as many questions, one after the other.
    first: usize,
    /// The first answer of its own context (the rest are its right fit's
    /// and the left fit's of the word two after).
    own_first: usize,
}

/// The fitted detector (`dictionaries/detector.tsv`).
#[derive(Debug, Clone, PartialEq)]
struct Fitted {
    margin: [f64; MARGINS],
    left: [f64; SIDES],
    right: [f64; SIDES],
    /// Intercept, then the weights of the log of the words, and of the
    /// margin, left and right sums.
    weights: [f64; 5],
    /// The weight of each category's count over the square root of the
    /// words (margin, then left, then right).
    density: [f64; MARGINS + 2 * SIDES],
    /// Intercept and slope on the log-odds of the combined score.
    calibration: [f64; 2],
}

impl Fitted {
    /// Parses the format above; `None` names the first bad line.
    fn parse(text: &str) -> Result<Fitted, String> {
        fn fill<const N: usize>(
            out: &mut [f64; N],
            values: &[f64],
            name: &str,
        ) -> Result<(), String> {
            if values.len() != N {
                return Err(format!("{name}: {} values, expected {N}", values.len()));
            }
            out.copy_from_slice(values);
            Ok(())
        }
        let mut f = Fitted {
            margin: [0.0; MARGINS],
            left: [0.0; SIDES],
            right: [0.0; SIDES],
            weights: [0.0; 5],
            density: [0.0; MARGINS + 2 * SIDES],
            calibration: [0.0, 1.0],
        };
        let mut seen = 0;
        for (n, line) in text.lines().enumerate() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let (name, rest) = line
                .split_once('\t')
                .ok_or_else(|| format!("line {}: no tab", n + 1))?;
            let values = rest
                .split_whitespace()
                .map(str::parse)
                .collect::<Result<Vec<f64>, _>>()
                .map_err(|e| format!("line {}: {e}", n + 1))?;
            match name {
                "margin" => fill(&mut f.margin, &values, name)?,
                "left" => fill(&mut f.left, &values, name)?,
                "right" => fill(&mut f.right, &values, name)?,
                "weights" => fill(&mut f.weights, &values, name)?,
                "density" => fill(&mut f.density, &values, name)?,
                "calibration" => fill(&mut f.calibration, &values, name)?,
                _ => return Err(format!("line {}: unknown name {name:?}", n + 1)),
            }
            seen += 1;
        }
        match seen {
            6 => Ok(f),
            _ => Err(format!("{seen} of the 6 lines")),
        }
    }

    /// The shipped detector.
    fn shipped() -> &'static Fitted {
        static F: OnceLock<Fitted> = OnceLock::new();
        // The file is the project's own, checked by a unit test: a bad one
        // is a build defect, not a user's input.
        F.get_or_init(|| Fitted::parse(DETECTOR).expect("dictionaries/detector.tsv"))
    }
}

/// What the detector counts in a text: how many of its words fall in each
/// category. Counts of the windows of a document add up to the whole's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    margin: [u32; MARGINS],
    left: [u32; SIDES],
    right: [u32; SIDES],
    /// Whether reading stops once the verdict is settled
    /// ([`Evidence::until_settled`]).
    stops: bool,
    /// Whether it has stopped.
    settled: bool,
}

impl Default for Evidence {
    /// Evidence that reads every word it is given.
    fn default() -> Self {
        Evidence {
            margin: [0; MARGINS],
            left: [0; SIDES],
            right: [0; SIDES],
            stops: false,
            settled: false,
        }
    }
}

/// The table score from which a document is spun whatever the general
/// evidence says: its score is the table's, calibrated, and the general
/// evidence need not be read ([`Evidence::needed`]).
pub const TABLE_SETTLES: f64 = 0.98;

/// Words read before the general evidence may stop.
pub const SETTLE_WORDS: usize = 100;
/// The general evidence's log-odds beyond which (either way) its verdict is
/// settled: a probability of 0.12 or 0.88. Past the first words a text's
/// log-odds move away from the verdict's edge as it goes on (the density
/// terms grow with the square root of its words), so a clean text read
/// this far is seldom judged otherwise read whole.
const SETTLED_LOG_ODDS: f64 = 2.0;

impl Evidence {
    /// Evidence that stops reading, at the end of a sentence, once it has read
    /// [`SETTLE_WORDS`] words and the general evidence alone is settled
    /// either way (a probability under 0.02 or over 0.98): a spinner
    /// rewrites a whole article alike, so what follows would only confirm
    /// it, and a long clean document costs what its first paragraphs do.
    /// Windows of a document stop where the whole does.
    pub fn until_settled() -> Self {
        Evidence {
            stops: true,
            ..Evidence::default()
        }
    }

    /// Whether the general evidence weighs in on a document whose table
    /// score is `table`: not when the tables alone settle it spun
    /// ([`TABLE_SETTLES`]), so that a spun document costs no more reading.
    pub fn needed(table: f64) -> bool {
        table < TABLE_SETTLES
    }

    /// Whether it has stopped reading ([`Evidence::until_settled`]).
    pub fn settled(&self) -> bool {
        self.settled
    }

    /// Adds the evidence of `text`, read as `tokens` whose words the model
    /// knows as `lexemes`. A context ends at a sentence end or a line
    /// break, where a window of a document may end, so that windows add up
    /// to the whole.
    pub(crate) fn add(
        &mut self,
        text: &str,
        tokens: &[Token],
        lexemes: &[Lexeme],
        lm: &LanguageModel,
    ) {
        let map = rarity(lm);
        let mut s = Scratch::default();
        for (t, x) in tokens.iter().zip(lexemes) {
            let piece = &text[t.span.clone()];
            match t.kind {
                TokenKind::Word | TokenKind::Number => {
                    s.ids.push(x.lm);
                    s.lower.push(piece.starts_with(|c: char| c.is_lowercase()));
                }
                TokenKind::Punct if piece.starts_with(['.', '!', '?']) => {
                    self.end_sentence(&mut s, map, lm);
                }
                TokenKind::Space if piece.contains('\n') => {
                    self.end_sentence(&mut s, map, lm);
                }
                _ => continue,
            }
            // Settled: the rest of the text would not be read.
            if self.settled {
                return;
            }
        }
        self.end_sentence(&mut s, map, lm);
    }

    /// Adds the sentence of `ids` unless reading has stopped, and sees
    /// whether it now stops.
    fn end_sentence(&mut self, s: &mut Scratch, map: &Map, lm: &LanguageModel) {
        if !self.settled && !s.ids.is_empty() {
            self.add_sentence(s, map, lm);
            if self.stops && self.words() >= SETTLE_WORDS {
                self.settled = self.general_log_odds().abs() >= SETTLED_LOG_ODDS;
            }
        }
        s.ids.clear();
        s.lower.clear();
    }

    /// Adds one sentence's words: their model ids, and whether each is
    /// written in lower case (a capitalised word may be a name, and is
    /// not looked up in the rarity map). The model's answers are asked for
    /// all at once ([`LanguageModel::log10_probs`]), which overlaps their
    /// memory reads, then read back in the order they were asked.
    fn add_sentence(&mut self, s: &mut Scratch, map: &Map, lm: &LanguageModel) {
        let Scratch {
            ids,
            lower,
            queries,
            answers,
            asked,
            synonyms,
        } = s;
        queries.clear();
        asked.clear();
        let known = |j: usize| ids.get(j).copied().flatten();
        let before = |i: usize| {
            [
                i.checked_sub(2).and_then(known),
                i.checked_sub(1).and_then(known),
            ]
        };
        let ask = |queries: &mut Vec<Query>, history, word| {
            queries.push(lm.query(history, Some(word)));
            queries.len() - 1
        };
        for (i, id) in ids.iter().enumerate() {
            let Some(own) = *id else {
                asked.push(None);
                continue;
            };
            let [p2, p1] = before(i);
            let next = known(i + 1);
            let uni = ask(queries, [None, None], own);
            let left = p2
                .zip(p1)
                .map(|(a, b)| ask(queries, [Some(a), Some(b)], own));
            let right = next.map(|n| {
                let at = ask(queries, [None, Some(own)], n);
                ask(queries, [None, None], n);
                at
            });
            // Only a lower-case word is looked up (a capitalised one may be
            // a name).
            let field = lower[i].then(|| map.get(own)).flatten();
            let mut weighed = None;
            if let Some((ids, class)) = field {
                synonyms.clear();
                synonyms.extend(ids.iter().take(u8::MAX.into()));
                // The word's own context asks what is asked already (its
                // left fit, its right fit, the left fit of the word two
                // after), bar the history of one word.
                let own_first = match (p2, p1) {
                    (Some(_), Some(_)) => left.unwrap_or(uni),
                    (_, Some(b)) => ask(queries, [None, Some(b)], own),
                    _ => uni,
                };
                let first = queries.len();
                for &c in synonyms.iter() {
                    in_context(lm, [p2, p1], c, [next, known(i + 2)], queries);
                }
                weighed = Some(Weighed {
                    synonyms: synonyms.len() as u8,
                    class,
                    first,
                    own_first,
                });
            }
            asked.push(Some(Asked {
                uni,
                left,
                right,
                weighed,
            }));
        }
        answers.clear();
        lm.log10_probs(queries, answers);
        let answer = |at: usize| answers.get(at).copied().unwrap_or(0.0);
        for (i, a) in asked.iter().enumerate() {
            let Some(a) = *a else {
                self.left[SIDES - 1] += 1;
                self.right[SIDES - 1] += 1;
                self.margin[MARGINS - 1] += 1;
                continue;
            };
            let uni = answer(a.uni);
            let class = bin(uni, &UNIGRAM_EDGES) * FITS;
            let left = a.left.map(|at| answer(at) - uni);
            self.left[class + left.map_or(FITS - 1, |x| bin(x, &FIT_EDGES))] += 1;
            let right = a.right.map(|at| answer(at) - answer(at + 1));
            self.right[class + right.map_or(FITS - 1, |x| bin(x, &FIT_EDGES))] += 1;
            let margin = a.weighed.map(|w| {
                // Each context is as many answers as it asked: the word,
                // and each of the two after it the model knows.
                let next = known(i + 1);
                let n2 = next.and(known(i + 2));
                let per = 1 + usize::from(next.is_some()) + usize::from(n2.is_some());
                let sum = |at: [usize; 3]| at[..per].iter().map(|&j| answer(j)).sum::<f32>();
                let best = (0..usize::from(w.synonyms))
                    .map(|k| {
                        let at = w.first + k * per;
                        sum([at, at + 1, at + 2])
                    })
                    .fold(f32::NEG_INFINITY, f32::max);
                // The own context's third answer is the left fit of the
                // word two after, asked with the same history.
                let third = n2.and_then(|_| asked.get(i + 2).copied().flatten()?.left);
                let own = sum([w.own_first, a.right.unwrap_or(0), third.unwrap_or(0)]);
                let m = (best - own).min(MARGIN_MAX);
                usize::from(w.class) * MARGIN_BINS + bin(m, &MARGIN_EDGES)
            });
            self.margin[margin.unwrap_or(MARGINS - 1)] += 1;
        }
    }

    /// The words counted: runs of letters.
    pub fn words(&self) -> usize {
        self.margin.iter().map(|&n| n as usize).sum()
    }

    /// The three sums of log-likelihood ratios: margin, left fit, right
    /// fit.
    pub fn sums(&self) -> [f64; 3] {
        let f = Fitted::shipped();
        let dot = |c: &[u32], l: &[f64]| c.iter().zip(l).map(|(&c, l)| f64::from(c) * l).sum();
        [
            dot(&self.margin, &f.margin),
            dot(&self.left, &f.left),
            dot(&self.right, &f.right),
        ]
    }

    /// The counts, category by category (margin, then left, then right),
    /// as `scripts/detect/fit.py` reads them.
    pub fn counts(&self) -> Vec<u32> {
        [&self.margin[..], &self.left[..], &self.right[..]].concat()
    }

    /// The probability from this evidence alone that a spinner wrote the
    /// text.
    pub fn general_score(&self) -> f64 {
        score::logistic(self.general_log_odds())
    }

    fn general_log_odds(&self) -> f64 {
        let f = Fitted::shipped();
        let w = f.weights;
        let [m, l, r] = self.sums();
        let words = self.words().max(1) as f64;
        let counts = self.margin.iter().chain(&self.left).chain(&self.right);
        let density = counts
            .zip(&f.density)
            .map(|(&c, d)| f64::from(c) * d)
            .sum::<f64>();
        w[0] + w[1] * words.ln() + w[2] * m + w[3] * l + w[4] * r + density / words.sqrt()
    }

    /// The probability that the tables' own spinner wrote the text, from
    /// the table evidence's score `table` and this evidence: the table's
    /// log-odds plus this evidence's log-likelihood ratio (its log-odds
    /// less the prior the fit weighed in). Unlike [`Evidence::score`], it
    /// stays low where the tables' many forms read as the author's,
    /// whatever spinner the general evidence points to; it rises where
    /// the tables have too few forms to tell, as in a short passage.
    ///
    /// ```
    /// let u = unspin::Unspinner::builder().build().unwrap();
    /// let e = u.evidence("We took motion final night time to cease the struggle.");
    /// assert!(e.table_spinner(0.4) > 0.4);
    /// assert!(e.table_spinner(1e-9) < 0.01);
    /// ```
    pub fn table_spinner(&self, table: f64) -> f64 {
        if self.words() == 0 {
            return table;
        }
        let p = table.clamp(1e-6, 1.0 - 1e-6);
        score::logistic((p / (1.0 - p)).ln() + self.general_log_odds() + CLEAN_WEIGHT.ln())
    }

    /// The document spin score: this evidence with the table evidence's
    /// score `table` (in [0, 1]).
    ///
    /// ```
    /// let u = unspin::Unspinner::builder().build().unwrap();
    /// let e = u.evidence("The storm passed in the night.");
    /// let (low, high) = (e.score(0.01), e.score(0.99));
    /// assert!(low < 0.5 && high > 0.5 && low < high);
    /// ```
    pub fn score(&self, table: f64) -> f64 {
        if self.words() == 0 {
            // Nothing was written, by a spinner or anyone.
            return table;
        }
        if !Evidence::needed(table) {
            return calibrated(table);
        }
        let table = table.clamp(0.0, 1.0);
        calibrated(1.0 - (1.0 - table) * (1.0 - self.general_score()))
    }
}

/// The document spin score of a text with words whose spinner, by the
/// table evidence and the general evidence together, is caught with
/// probability `either`; also the score of a document the tables settle
/// ([`TABLE_SETTLES`]), whose general evidence is not read.
pub fn calibrated(either: f64) -> f64 {
    let c = Fitted::shipped().calibration;
    let p = either.clamp(1e-6, 1.0 - 1e-6);
    score::logistic(c[0] + c[1] * (p / (1.0 - p)).ln())
}

/// The category of `x` among bins with upper `edges` (a value equal to an
/// edge falls in the bin above, as numpy's `searchsorted`).
fn bin(x: f32, edges: &[f32]) -> usize {
    edges.iter().take_while(|&&e| e <= x).count()
}

/// Asks the model for the words around a position with `word` there: the
/// word after its two predecessors `before` (oldest first), and the two
/// words `after` it (an unknown word cuts a history, and what follows it).
/// Their sum is the log10 probability of the context with `word` in it.
fn in_context(
    lm: &LanguageModel,
    before: [Option<WordId>; 2],
    word: WordId,
    after: [Option<WordId>; 2],
    queries: &mut Vec<Query>,
) {
    let history = match before {
        [Some(a), Some(b)] => [Some(a), Some(b)],
        [_, Some(b)] => [None, Some(b)],
        _ => [None, None],
    };
    queries.push(lm.query(history, Some(word)));
    if let [Some(n1), n2] = after {
        queries.push(lm.query([None, Some(word)], Some(n1)));
        if let Some(n2) = n2 {
            queries.push(lm.query([Some(word), Some(n1)], Some(n2)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(text: &str) -> Evidence {
        static U: OnceLock<crate::Unspinner> = OnceLock::new();
        U.get_or_init(|| crate::Unspinner::builder().build().unwrap())
            .evidence(text)
    }

    #[test]
    fn the_map_and_the_fitted_detector_are_read_whole() {
        let lm = LanguageModel::shipped();
        let map = rarity(lm);
        assert!(map.0.lines() > 20_000);
        // The map build.rs made is the file's, as read now.
        assert_eq!(map.0, read_rarity(lm));
        let f = Fitted::parse(DETECTOR).unwrap();
        assert!(f.calibration[1] > 0.0, "the calibration keeps the order");
        assert!(f.weights[2..].iter().all(|&w| w >= 0.0), "{:?}", f.weights);
    }

    #[test]
    fn a_bad_detector_file_names_its_line() {
        let err = Fitted::parse("# c\nmargin\t1 2\n").unwrap_err();
        assert!(err.contains("margin: 2 values"), "{err}");
        let err = Fitted::parse("weights 1 2 3 4\n").unwrap_err();
        assert!(err.contains("line 1: no tab"), "{err}");
        assert!(Fitted::parse("").unwrap_err().contains("0 of the 6"));
    }

    #[test]
    fn bins_follow_their_edges() {
        assert_eq!(bin(-9.0, &FIT_EDGES), 0);
        assert_eq!(bin(-1.5, &FIT_EDGES), 1);
        assert_eq!(bin(0.2, &FIT_EDGES), 4);
        assert_eq!(bin(9.0, &FIT_EDGES), FIT_EDGES.len());
    }

    #[test]
    fn every_word_is_counted_once_in_each_part() {
        let e = of("The tranquil lake, said Tranquil men.");
        assert_eq!(e.words(), 6);
        assert_eq!(e.left.iter().sum::<u32>(), 6);
        assert_eq!(e.right.iter().sum::<u32>(), 6);
        assert_eq!(e.counts().len(), MARGINS + 2 * SIDES);
    }

    #[test]
    fn spun_phrases_weigh_towards_spun() {
        let plain =
            of("It happened on the last night of the year, one of the worst storms in memory.");
        let spun = of("It transpired on the ultimate night time of the yr, one in all the worst tempests in reminiscence.");
        assert!(spun.general_score() > plain.general_score());
        let (p, s) = (plain.sums(), spun.sums());
        assert!(
            s.iter().sum::<f64>() > p.iter().sum::<f64>(),
            "{s:?} against {p:?}"
        );
    }

    #[test]
    fn a_document_the_tables_settle_scores_as_they_do() {
        let (clean, spun) = (
            of("The storm passed in the night."),
            of("It transpired on the ultimate night time."),
        );
        assert!(!Evidence::needed(0.99) && Evidence::needed(0.5));
        assert_eq!(clean.score(0.99), spun.score(0.99));
        assert_eq!(
            Evidence::default().score(0.99),
            0.99,
            "no words, no calibration"
        );
        assert!(clean.score(0.99) > 0.99);
    }

    #[test]
    fn the_score_is_a_probability_rising_with_the_table() {
        let e = of("The storm passed in the night.");
        let mut last = 0.0;
        for t in [0.0, 0.2, 0.5, 0.8, 1.0] {
            let s = e.score(t);
            assert!((0.0..=1.0).contains(&s) && s >= last, "{t}: {s}");
            last = s;
        }
    }

    #[test]
    fn reading_until_settled_stops_at_a_sentence_end_past_the_minimum() {
        let sentence =
            "The council met on Tuesday and agreed to repair the old bridge before the winter. ";
        let text = sentence.repeat(60);
        let u = crate::Unspinner::builder().build().unwrap();
        let settled = u.read_evidence(&text, Evidence::until_settled());
        let whole = of(&text);
        assert!(settled.settled(), "{:?}", settled.general_score());
        assert!(settled.words() >= SETTLE_WORDS && settled.words() < whole.words());
        assert_eq!(settled.words() % 15, 0, "stops at a sentence's end");
        assert_eq!(settled.general_score() < 0.5, whole.general_score() < 0.5);
    }

    #[test]
    fn windows_add_up_to_the_whole() {
        // As a document's windows are read: one after the other into the
        // same evidence.
        let (a, b) = ("It was a tranquil night.\n", "Then the ruckus ended.");
        let u = crate::Unspinner::builder().build().unwrap();
        let e = u.read_evidence(b, u.read_evidence(a, Evidence::default()));
        assert_eq!(e, of(&format!("{a}{b}")));
    }
}
