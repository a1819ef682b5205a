//! The review's state machine, free of any terminal: the findings under
//! review, the decision taken on each, undo, "the same for every occurrence",
//! search, and the text that results.
//!
//! The screen ([`super::ui`]) draws a [`Review`]; the keys ([`super::app`])
//! call its methods. Everything here is plain data and is unit-tested.

use std::collections::HashSet;
use std::ops::Range;

use unspin::restore::{apostrophe_style, apply, match_case};
use unspin::tokenize::normalize;
use unspin::Finding;

/// Characters of context shown on each side of a span in a long line.
const CONTEXT_CHARS: usize = 160;

/// What the reviewer decided for one finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// The proposal stands: the proposed original, or the text as written
    /// for a finding the analysis keeps.
    Accept,
    /// The candidate at this index (0-based) replaces the spun form.
    Pick(usize),
    /// The text stays as written.
    Reject,
    /// This text, typed by the reviewer, replaces the spun form.
    Edit(String),
    /// Left for later; the text stays as written.
    Skip,
}

/// One finding under review, with the line around it.
#[derive(Debug, Clone)]
pub struct Item {
    /// The finding, as the analysis reported it.
    pub finding: Finding,
    /// The spun form normalized (lower case, single spaces): the key that
    /// ties occurrences of the same form together, and what `unspin.toml`
    /// remembers.
    pub form: String,
    /// The text before the span on its line (clipped to the sentence in a
    /// long line, with a leading `…`).
    pub before: String,
    /// The text after the span on its line (clipped likewise).
    pub after: String,
}

impl Item {
    /// The proposed original, if the analysis proposes to restore.
    pub fn proposal(&self) -> Option<&str> {
        self.finding.restored().map(|c| c.original.as_str())
    }

    /// What `decision` writes in place of the spun form (`None`: as written).
    pub fn replacement<'a>(&'a self, decision: Option<&'a Decision>) -> Option<&'a str> {
        match decision? {
            Decision::Accept => self.proposal(),
            Decision::Pick(i) => self.finding.candidates.get(*i).map(|c| c.original.as_str()),
            Decision::Edit(text) => Some(text),
            Decision::Reject | Decision::Skip => None,
        }
    }

    /// The line around the span, with the spun form in place.
    pub fn context(&self) -> String {
        format!("{}{}{}", self.before, self.finding.spun, self.after)
    }
}

/// A decision stated independently of the finding it was taken on, so that
/// it can be carried to the other occurrences of the same form.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Choice {
    /// Keep the text as written.
    Keep,
    /// Restore this original (lower case), written in each occurrence's case.
    Original(String),
    /// Write this text exactly as typed.
    Verbatim(String),
}

impl Choice {
    /// How the choice reads in a prompt: `restore “war”`.
    pub fn describe(&self) -> String {
        match self {
            Choice::Keep => "keep it as written".to_string(),
            Choice::Original(o) => format!("restore “{o}”"),
            Choice::Verbatim(t) => format!("write “{t}”"),
        }
    }
}

/// An offer to repeat an earlier decision on the remaining occurrences of
/// the current finding's spun form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// The normalized spun form.
    pub form: String,
    /// The earlier decision.
    pub choice: Choice,
    /// Undecided occurrences it would apply to, the current one included.
    pub count: usize,
}

/// How many findings ended up in each state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// The proposal or an alternative was accepted.
    pub accepted: usize,
    /// Kept as written against the proposal.
    pub rejected: usize,
    /// Replaced with text typed by hand.
    pub edited: usize,
    /// Skipped or never reached.
    pub skipped: usize,
}

/// One undoable step: the decisions it overwrote and where the cursor was.
#[derive(Debug, Clone)]
struct Step {
    cursor: usize,
    previous: Vec<(usize, Option<Decision>, u64)>,
    remembered: usize,
}

/// The state of a review.
#[derive(Debug, Clone)]
pub struct Review {
    items: Vec<Item>,
    decisions: Vec<Option<Decision>>,
    /// When each decision was taken (a counter), to find the latest one.
    stamps: Vec<u64>,
    clock: u64,
    cursor: usize,
    undo: Vec<Step>,
    remembered: Vec<String>,
    declined: HashSet<(String, Choice)>,
    apostrophe: char,
    last_search: String,
}

impl Review {
    /// A review of the proposed restorations among `findings` of `text`
    /// (every finding with `all`), in text order.
    pub fn new(text: &str, findings: &[Finding], all: bool) -> Review {
        let items: Vec<Item> = findings
            .iter()
            .filter(|f| all || f.restoration.is_some())
            .map(|f| {
                let (before, after) = context(text, &f.span);
                Item {
                    form: form_key(&f.spun),
                    finding: f.clone(),
                    before,
                    after,
                }
            })
            .collect();
        let n = items.len();
        Review {
            items,
            decisions: vec![None; n],
            stamps: vec![0; n],
            clock: 0,
            cursor: 0,
            undo: Vec::new(),
            remembered: Vec::new(),
            declined: HashSet::new(),
            apostrophe: apostrophe_style(text),
            last_search: String::new(),
        }
    }

    /// The findings under review.
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// Number of findings under review.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when there is nothing to review.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Index of the finding on screen.
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    /// The finding on screen.
    pub fn current(&self) -> Option<&Item> {
        self.items.get(self.cursor)
    }

    /// The decision on finding `i`, if taken.
    pub fn decision(&self, i: usize) -> Option<&Decision> {
        self.decisions.get(i).and_then(Option::as_ref)
    }

    /// Forms to add to the allow list of `unspin.toml` on save.
    pub fn remembered(&self) -> &[String] {
        &self.remembered
    }

    /// Number of findings still undecided.
    pub fn undecided(&self) -> usize {
        self.decisions.iter().filter(|d| d.is_none()).count()
    }

    /// True when every finding has a decision (skipping counts).
    pub fn is_finished(&self) -> bool {
        self.undecided() == 0
    }

    /// Accepts the proposal of the current finding.
    pub fn accept(&mut self) {
        self.decide_current(Decision::Accept);
    }

    /// Keeps the current finding as written.
    pub fn reject(&mut self) {
        self.decide_current(Decision::Reject);
    }

    /// Picks alternative `n` (1-based, as numbered on screen).
    pub fn pick(&mut self, n: usize) -> Result<(), String> {
        let Some(item) = self.current() else {
            return Err("nothing to pick from".into());
        };
        let count = item.finding.candidates.len();
        if n == 0 || n > count {
            return Err(format!("no alternative {n}: this finding has {count}"));
        }
        let decision = if item.finding.restoration == Some(n - 1) {
            Decision::Accept
        } else {
            Decision::Pick(n - 1)
        };
        self.decide_current(decision);
        Ok(())
    }

    /// Replaces the current finding with `text` typed by hand.
    pub fn edit(&mut self, text: &str) -> Result<(), String> {
        if text.trim().is_empty() {
            return Err("the replacement is empty".into());
        }
        self.decide_current(Decision::Edit(text.to_string()));
        Ok(())
    }

    /// Leaves the current finding for later (as written).
    pub fn skip(&mut self) {
        self.decide_current(Decision::Skip);
    }

    /// Accepts the proposal of every undecided finding.
    pub fn accept_all(&mut self) -> usize {
        self.decide_where(|_| true, |_| Decision::Accept)
    }

    /// Keeps every undecided finding as written.
    pub fn reject_all(&mut self) -> usize {
        self.decide_where(|_| true, |_| Decision::Reject)
    }

    /// Keeps the current finding and every undecided occurrence of its form
    /// as written, and remembers the form for `unspin.toml`.
    pub fn ignore(&mut self) -> Option<String> {
        let form = self.current()?.form.clone();
        let step = self.begin();
        let cursor = self.cursor;
        self.set(cursor, Decision::Reject);
        let others: Vec<usize> = self.undecided_of(&form);
        for i in others {
            self.set(i, Decision::Reject);
        }
        if !self.remembered.contains(&form) {
            self.remembered.push(form.clone());
        }
        self.commit(step);
        self.advance();
        Some(form)
    }

    /// Takes back the last step. False when there is nothing to undo.
    pub fn undo(&mut self) -> bool {
        let Some(step) = self.undo.pop() else {
            return false;
        };
        for (i, decision, stamp) in step.previous.into_iter().rev() {
            self.decisions[i] = decision;
            self.stamps[i] = stamp;
        }
        self.remembered.truncate(step.remembered);
        self.cursor = step.cursor;
        true
    }

    /// Moves to the next finding (decided or not); false at the end.
    pub fn next(&mut self) -> bool {
        if self.cursor + 1 < self.items.len() {
            self.cursor += 1;
            true
        } else {
            false
        }
    }

    /// Moves to the previous finding; false at the start.
    pub fn prev(&mut self) -> bool {
        if self.cursor > 0 {
            self.cursor -= 1;
            true
        } else {
            false
        }
    }

    /// Jumps to the next finding after the current one (wrapping around)
    /// whose spun form or line contains `query`, ignoring case. An empty
    /// query repeats the last search. Returns the index found.
    pub fn search(&mut self, query: &str) -> Option<usize> {
        if !query.is_empty() {
            self.last_search = query.to_string();
        }
        let needle = self.last_search.to_lowercase();
        if needle.is_empty() || self.items.is_empty() {
            return None;
        }
        let n = self.items.len();
        let found = (1..=n).map(|k| (self.cursor + k) % n).find(|&i| {
            let item = &self.items[i];
            item.finding.spun.to_lowercase().contains(&needle)
                || item.context().to_lowercase().contains(&needle)
        })?;
        self.cursor = found;
        Some(found)
    }

    /// The last search, for an empty query to repeat.
    pub fn last_search(&self) -> &str {
        &self.last_search
    }

    /// When the current finding is undecided and its spun form was decided
    /// before, the offer to repeat that decision on every undecided
    /// occurrence (unless the reviewer declined it already).
    pub fn offer(&self) -> Option<Offer> {
        let item = self.current()?;
        if self.decisions[self.cursor].is_some() {
            return None;
        }
        let (_, latest) = self
            .items
            .iter()
            .enumerate()
            .filter(|(i, it)| it.form == item.form && self.stamps[*i] > 0)
            .filter_map(|(i, it)| {
                let choice = self.choice_of(it, self.decisions[i].as_ref()?)?;
                Some((self.stamps[i], choice))
            })
            .max_by_key(|(stamp, _)| *stamp)?;
        if self.declined.contains(&(item.form.clone(), latest.clone())) {
            return None;
        }
        Some(Offer {
            form: item.form.clone(),
            choice: latest,
            count: self.undecided_of(&item.form).len(),
        })
    }

    /// Applies the current offer to every undecided occurrence of the form,
    /// as one step. Returns how many findings it decided.
    pub fn apply_offer(&mut self) -> usize {
        let Some(offer) = self.offer() else {
            return 0;
        };
        let form = offer.form.clone();
        let n = self.decide_where(
            |item| item.form == form,
            |item| Review::translate(item, &offer.choice, self.apostrophe),
        );
        n
    }

    /// Declines the current offer: the occurrences are decided one by one.
    pub fn decline_offer(&mut self) {
        if let Some(offer) = self.offer() {
            self.declined.insert((offer.form, offer.choice));
        }
    }

    /// What the reviewer's decisions add up to.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::default();
        for d in &self.decisions {
            match d {
                Some(Decision::Accept | Decision::Pick(_)) => s.accepted += 1,
                Some(Decision::Reject) => s.rejected += 1,
                Some(Decision::Edit(_)) => s.edited += 1,
                Some(Decision::Skip) | None => s.skipped += 1,
            }
        }
        s
    }

    /// The replacements the decisions make, in text order: each span with
    /// the text that replaces it (only where it differs from the text).
    pub fn edits(&self) -> Vec<(Range<usize>, String)> {
        self.items
            .iter()
            .zip(&self.decisions)
            .filter_map(|(item, d)| {
                let r = item.replacement(d.as_ref())?;
                (r != item.finding.spun).then(|| (item.finding.span.clone(), r.to_string()))
            })
            .collect()
    }

    /// `text` (the analysed text) with the decisions applied.
    pub fn result(&self, text: &str) -> String {
        apply(text, self.edits()).into_owned()
    }

    /// The decision `d` on `item` as a [`Choice`]; `None` for a skip.
    fn choice_of(&self, item: &Item, d: &Decision) -> Option<Choice> {
        Some(match d {
            Decision::Skip => return None,
            Decision::Reject => Choice::Keep,
            Decision::Accept | Decision::Pick(_) => match item.replacement(Some(d)) {
                Some(o) => Choice::Original(o.to_lowercase()),
                None => Choice::Keep,
            },
            Decision::Edit(t) => {
                let lower = t.to_lowercase();
                if match_case(&lower, &item.finding.spun, self.apostrophe) == *t {
                    Choice::Original(lower)
                } else {
                    Choice::Verbatim(t.clone())
                }
            }
        })
    }

    /// The decision on `item` that carries out `choice`.
    fn translate(item: &Item, choice: &Choice, apostrophe: char) -> Decision {
        let f = &item.finding;
        match choice {
            Choice::Keep if f.restoration.is_some() => Decision::Reject,
            Choice::Keep => Decision::Accept,
            Choice::Original(o) => {
                let same = |c: &unspin::Candidate| c.original.to_lowercase() == *o;
                match f.candidates.iter().position(same) {
                    Some(i) if f.restoration == Some(i) => Decision::Accept,
                    Some(i) => Decision::Pick(i),
                    None => Decision::Edit(match_case(o, &f.spun, apostrophe)),
                }
            }
            Choice::Verbatim(t) => Decision::Edit(t.clone()),
        }
    }

    /// Undecided findings of `form`, other than the current one.
    fn undecided_of(&self, form: &str) -> Vec<usize> {
        (0..self.items.len())
            .filter(|&i| self.decisions[i].is_none() && self.items[i].form == form)
            .collect()
    }

    fn decide_current(&mut self, decision: Decision) {
        if self.items.is_empty() {
            return;
        }
        let step = self.begin();
        self.set(self.cursor, decision);
        self.commit(step);
        self.advance();
    }

    /// Decides every undecided finding that `which` selects, as one step.
    fn decide_where(
        &mut self,
        which: impl Fn(&Item) -> bool,
        decision: impl Fn(&Item) -> Decision,
    ) -> usize {
        let targets: Vec<(usize, Decision)> = (0..self.items.len())
            .filter(|&i| self.decisions[i].is_none() && which(&self.items[i]))
            .map(|i| (i, decision(&self.items[i])))
            .collect();
        if targets.is_empty() {
            return 0;
        }
        let step = self.begin();
        let n = targets.len();
        for (i, d) in targets {
            self.set(i, d);
        }
        self.commit(step);
        self.advance();
        n
    }

    fn begin(&self) -> Step {
        Step {
            cursor: self.cursor,
            previous: Vec::new(),
            remembered: self.remembered.len(),
        }
    }

    fn set(&mut self, i: usize, decision: Decision) {
        self.clock += 1;
        let step = self.undo.last_mut();
        debug_assert!(step.is_none() || self.clock > 0);
        let _ = step;
        self.pending.push((i, self.decisions[i].take(), self.stamps[i]));
        self.decisions[i] = Some(decision);
        self.stamps[i] = self.clock;
    }

    fn commit(&mut self, mut step: Step) {
        step.previous = std::mem::take(&mut self.pending);
        self.undo.push(step);
    }

    /// Moves to the next undecided finding after the cursor, wrapping
    /// around; stays put when every finding is decided.
    fn advance(&mut self) {
        let n = self.items.len();
        if let Some(i) = (1..=n)
            .map(|k| (self.cursor + k) % n)
            .find(|&i| self.decisions[i].is_none())
        {
            self.cursor = i;
        }
    }
}

/// The normalized spun form: lower case, curly apostrophes straightened,
/// single spaces (as the library normalizes the allow list).
pub fn form_key(spun: &str) -> String {
    spun.split_whitespace()
        .map(normalize)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The text before and after `span` on its line; in a long line, clipped to
/// the sentence around the span, or to [`CONTEXT_CHARS`] at a word boundary
/// (marked with `…`).
pub fn context(text: &str, span: &Range<usize>) -> (String, String) {
    let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[span.end..].find('\n').map_or(text.len(), |i| span.end + i);
    let before = text[start..span.start].trim_end_matches('\r');
    let after = text[span.end..end].trim_end_matches('\r');
    if before.chars().count() + after.chars().count() <= 2 * CONTEXT_CHARS {
        return (before.to_string(), after.to_string());
    }
    (clip_before(before), clip_after(after))
}

/// The end of `before` from the start of its last sentence, at most
/// [`CONTEXT_CHARS`] characters.
fn clip_before(before: &str) -> String {
    let chars: Vec<(usize, char)> = before.char_indices().collect();
    if chars.len() <= CONTEXT_CHARS {
        return before.to_string();
    }
    let window_start = chars[chars.len() - CONTEXT_CHARS].0;
    let window = &before[window_start..];
    // A sentence starts after `. `, `? ` or `! ` (closing quotes allowed).
    let mut sentence = None;
    let w: Vec<(usize, char)> = window.char_indices().collect();
    for k in 1..w.len() {
        if w[k].1.is_whitespace() && is_sentence_end(&w[..k]) {
            sentence = Some(w[k].0 + w[k].1.len_utf8());
        }
    }
    match sentence {
        Some(at) => window[at..].trim_start().to_string(),
        None => {
            let at = window.find(char::is_whitespace).map_or(0, |i| i + 1);
            format!("…{}", &window[at..])
        }
    }
}

/// The start of `after` to the end of its sentence, at most
/// [`CONTEXT_CHARS`] characters.
fn clip_after(after: &str) -> String {
    let w: Vec<(usize, char)> = after.char_indices().take(CONTEXT_CHARS).collect();
    if after.chars().count() <= CONTEXT_CHARS {
        return after.to_string();
    }
    for k in 1..w.len() {
        if w[k].1.is_whitespace() && is_sentence_end(&w[..k]) {
            return after[..w[k].0].to_string();
        }
    }
    let limit = w.last().map_or(0, |(i, c)| i + c.len_utf8());
    let cut = after[..limit].rfind(char::is_whitespace).unwrap_or(limit);
    format!("{}…", &after[..cut])
}

/// True when the characters end a sentence: `.`, `?` or `!`, maybe followed
/// by closing quotes or brackets.
fn is_sentence_end(chars: &[(usize, char)]) -> bool {
    let closing = |c: char| matches!(c, '"' | '\'' | '’' | '”' | ')' | ']');
    chars
        .iter()
        .rev()
        .map(|(_, c)| *c)
        .find(|&c| !closing(c))
        .is_some_and(|c| matches!(c, '.' | '?' | '!'))
}
