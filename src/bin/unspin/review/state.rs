//! The review's state machine, free of any terminal: the findings under
//! review, the decision taken on each, undo, "the same for every occurrence",
//! search, and the text that results.
//!
//! The screen ([`super::ui`]) draws a [`Review`]; the keys ([`super::app`])
//! call its methods. Everything here is plain data and is unit-tested.

use std::collections::HashSet;
use std::ops::Range;

use unspin::restore::{apostrophe_style, apply, match_case};
use unspin::Finding;

use super::choice::{Choice, Offer};
use super::context::{context, form_key, Context};
use super::order::Order;

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
    /// The line around the span.
    pub context: Context,
    /// The line around the span as written, for search.
    pub line: String,
}

impl Item {
    /// How sure the analysis is of its decision: the proposal's score, or
    /// for a finding it keeps, the probability that the text is right.
    pub fn confidence(&self) -> f64 {
        self.finding
            .restored()
            .map_or(self.finding.keep, |c| c.score)
    }

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
    text: String,
    /// The walk: text order, or least sure first.
    order: Order,
    sorted: bool,
}

impl Review {
    /// A review of the proposed restorations among `findings` of `text`
    /// (every finding with `all`), in text order.
    pub fn new(text: &str, findings: &[Finding], all: bool) -> Review {
        let items: Vec<Item> = findings
            .iter()
            .filter(|f| all || f.restoration.is_some())
            .map(|f| {
                let context = context(text, &f.span);
                Item {
                    form: form_key(&f.spun),
                    line: text[context.before.start..context.after.end].to_string(),
                    finding: f.clone(),
                    context,
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
            text: text.to_string(),
            order: Order::text(n),
            sorted: false,
        }
    }

    /// The findings under review.
    #[cfg(test)]
    pub fn items(&self) -> &[Item] {
        &self.items
    }

    /// The spans of the findings under review, in order.
    pub fn spans(&self) -> impl Iterator<Item = &Range<usize>> {
        self.items.iter().map(|i| &i.finding.span)
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

    /// The text shown before and after the current finding's span, with
    /// the decisions taken on the other findings in it applied, and `…`
    /// where the line was clipped.
    pub fn context_shown(&self) -> (String, String) {
        let Some(item) = self.current() else {
            return Default::default();
        };
        let ctx = &item.context;
        let mut before = self.decided_text(ctx.before.clone());
        let mut after = self.decided_text(ctx.after.clone());
        if ctx.clipped_before {
            before.insert(0, '…');
        }
        if ctx.clipped_after {
            after.push('…');
        }
        (before, after)
    }

    /// `range` of the text with the decisions on the findings inside it
    /// applied.
    fn decided_text(&self, range: Range<usize>) -> String {
        let edits = self
            .items
            .iter()
            .zip(&self.decisions)
            .filter(|(item, _)| {
                let span = &item.finding.span;
                range.start <= span.start && span.end <= range.end
            })
            .filter_map(|(item, d)| {
                let r = item.replacement(d.as_ref())?;
                let span = &item.finding.span;
                Some((span.start - range.start..span.end - range.start, r))
            });
        apply(&self.text[range.clone()], edits).into_owned()
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
        let mut step = self.begin();
        let cursor = self.cursor;
        self.set(&mut step, cursor, Decision::Reject);
        for i in self.undecided_of(&form) {
            self.set(&mut step, i, Decision::Reject);
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
        self.order
            .after(self.cursor)
            .map(|i| self.cursor = i)
            .is_some()
    }

    /// Moves to the previous finding; false at the start.
    pub fn prev(&mut self) -> bool {
        self.order
            .before(self.cursor)
            .map(|i| self.cursor = i)
            .is_some()
    }

    /// Walks the findings least sure first (`true`) or in text order, and
    /// goes to the first undecided one of the walk.
    pub fn sort_by_confidence(&mut self, on: bool) {
        self.sorted = on;
        self.order = if on {
            Order::by(&self.items.iter().map(Item::confidence).collect::<Vec<_>>())
        } else {
            Order::text(self.items.len())
        };
        if let Some(first) = self.order.first() {
            self.cursor = first;
            if self.decisions[first].is_some() {
                self.advance();
            }
        }
    }

    /// Whether the walk is least sure first.
    pub fn is_sorted(&self) -> bool {
        self.sorted
    }

    /// The 0-based place of the current finding in the walk.
    pub fn place(&self) -> usize {
        self.order.place(self.cursor)
    }

    /// Accepts every undecided proposed restoration whose confidence is at
    /// least `p`, as one step; the others stay to be decided.
    pub fn accept_at_least(&mut self, p: f64) -> usize {
        self.decide_where(
            |item| item.proposal().is_some() && item.confidence() >= p,
            |_| Decision::Accept,
        )
    }

    /// Jumps to the next finding in the walk (wrapping around) whose spun
    /// form contains `query`, ignoring case; when no spun form does, to the
    /// next whose line does. An empty query repeats the last search.
    /// Returns the index found and whether it matched by spun form.
    pub fn search(&mut self, query: &str) -> Option<(usize, bool)> {
        if !query.is_empty() {
            self.last_search = query.to_string();
        }
        let needle = self.last_search.to_lowercase();
        if needle.is_empty() || self.items.is_empty() {
            return None;
        }
        let in_form = |i: &usize| self.items[*i].finding.spun.to_lowercase().contains(&needle);
        let in_line = |i: &usize| self.items[*i].line.to_lowercase().contains(&needle);
        let found = match self.order.cycle_after(self.cursor).find(in_form) {
            Some(i) => (i, true),
            None => (self.order.cycle_after(self.cursor).find(in_line)?, false),
        };
        self.cursor = found.0;
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
        let apostrophe = self.apostrophe;
        self.decide_where(
            |item| item.form == offer.form,
            |item| Review::translate(item, &offer.choice, apostrophe),
        )
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
    #[cfg(test)]
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

    /// Undecided findings of `form`.
    fn undecided_of(&self, form: &str) -> Vec<usize> {
        (0..self.items.len())
            .filter(|&i| self.decisions[i].is_none() && self.items[i].form == form)
            .collect()
    }

    fn decide_current(&mut self, decision: Decision) {
        if self.items.is_empty() {
            return;
        }
        let mut step = self.begin();
        self.set(&mut step, self.cursor, decision);
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
        let mut step = self.begin();
        let n = targets.len();
        for (i, d) in targets {
            self.set(&mut step, i, d);
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

    /// Records decision `i`'s old value in `step`, then sets it.
    fn set(&mut self, step: &mut Step, i: usize, decision: Decision) {
        self.clock += 1;
        step.previous
            .push((i, self.decisions[i].take(), self.stamps[i]));
        self.decisions[i] = Some(decision);
        self.stamps[i] = self.clock;
    }

    fn commit(&mut self, step: Step) {
        self.undo.push(step);
    }

    /// Moves to the next undecided finding after the cursor in the walk,
    /// wrapping around; stays put when every finding is decided.
    fn advance(&mut self) {
        if let Some(i) = self
            .order
            .cycle_after(self.cursor)
            .find(|&i| self.decisions[i].is_none())
        {
            self.cursor = i;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use unspin::{Candidate, Terms};

    /// A finding for the first occurrence of `spun` at or after byte `from`,
    /// with these candidates (the first proposed, unless `kept`).
    fn finding(text: &str, from: usize, spun: &str, originals: &[&str], kept: bool) -> Finding {
        let start = from + text[from..].find(spun).expect("spun form in text");
        let candidates: Vec<Candidate> = originals
            .iter()
            .enumerate()
            .map(|(i, o)| Candidate {
                original: o.to_string(),
                score: if i == 0 { 0.8 } else { 0.1 },
                source: "test.tsv:1".into(),
                terms: Terms::default(),
            })
            .collect();
        Finding {
            span: start..start + spun.len(),
            line: 1,
            column: start + 1,
            spun: spun.to_string(),
            candidates,
            keep: 0.1,
            restoration: (!kept).then_some(0),
            reason: if kept {
                unspin::Reason::Context
            } else {
                unspin::Reason::Restored
            },
        }
    }

    const TEXT: &str = "Struggle began. He mentioned a struggle. They mentioned peace.";

    /// Findings of TEXT: Struggle, mentioned, struggle, mentioned (kept).
    fn findings() -> Vec<Finding> {
        vec![
            finding(TEXT, 0, "Struggle", &["War", "Fight"], false),
            finding(TEXT, 0, "mentioned", &["said", "stated"], false),
            finding(TEXT, 20, "struggle", &["war", "fight"], false),
            finding(TEXT, 45, "mentioned", &["said", "stated"], true),
        ]
    }

    fn review() -> Review {
        Review::new(TEXT, &findings(), false)
    }

    #[test]
    fn only_proposed_restorations_are_reviewed_unless_all() {
        assert_eq!(review().len(), 3);
        let all = Review::new(TEXT, &findings(), true);
        assert_eq!(all.len(), 4);
        assert_eq!(all.items()[3].proposal(), None);
    }

    #[test]
    fn decisions_walk_the_findings_in_order_and_build_the_result() {
        let mut r = review();
        r.accept();
        assert_eq!(r.cursor(), 1);
        r.reject();
        assert_eq!(r.pick(2), Ok(()));
        assert!(r.is_finished());
        assert_eq!(
            r.result(TEXT),
            "War began. He mentioned a fight. They mentioned peace."
        );
        let s = r.summary();
        assert_eq!((s.accepted, s.rejected, s.edited, s.skipped), (2, 1, 0, 0));
    }

    #[test]
    fn picking_a_missing_alternative_is_an_error_that_decides_nothing() {
        let mut r = review();
        assert!(r.pick(3).unwrap_err().contains("no alternative 3"));
        assert!(r.pick(0).is_err());
        assert_eq!(r.cursor(), 0);
        assert_eq!(r.decision(0), None);
    }

    #[test]
    fn picking_the_proposal_by_number_counts_as_accepting_it() {
        let mut r = review();
        r.pick(1).unwrap();
        assert_eq!(r.decision(0), Some(&Decision::Accept));
    }

    #[test]
    fn an_edit_replaces_the_span_and_an_empty_edit_is_refused() {
        let mut r = review();
        assert!(r.edit("  ").is_err());
        r.edit("Holy war").unwrap();
        assert_eq!(r.summary().edited, 1);
        assert!(r.result(TEXT).starts_with("Holy war began."));
    }

    #[test]
    fn skipped_findings_stay_as_written_and_count_as_skipped() {
        let mut r = review();
        r.skip();
        r.accept_all();
        assert_eq!(
            r.result(TEXT),
            "Struggle began. He said a war. They mentioned peace."
        );
        assert_eq!(r.summary().skipped, 1);
    }

    #[test]
    fn undo_takes_back_the_last_decision_and_returns_to_its_finding() {
        let mut r = review();
        r.accept();
        r.reject();
        assert_eq!(r.cursor(), 2);
        assert!(r.undo());
        assert_eq!(r.cursor(), 1);
        assert_eq!(r.decision(1), None);
        assert_eq!(r.decision(0), Some(&Decision::Accept));
        assert!(r.undo());
        assert!(!r.undo());
        assert_eq!(r.result(TEXT), TEXT);
    }

    #[test]
    fn accept_all_and_reject_all_decide_the_undecided_as_one_step() {
        let mut r = review();
        r.reject();
        assert_eq!(r.accept_all(), 2);
        assert_eq!(r.decision(0), Some(&Decision::Reject));
        assert!(r.is_finished());
        r.undo();
        assert_eq!(r.undecided(), 2);
        assert_eq!(r.reject_all(), 2);
        assert_eq!(r.result(TEXT), TEXT);
    }

    #[test]
    fn a_decided_form_coming_again_offers_the_same_choice_in_its_own_case() {
        let mut r = review();
        assert_eq!(r.offer(), None);
        r.pick(2).unwrap(); // Struggle -> Fight
        r.accept(); // mentioned -> said
        let offer = r.offer().expect("struggle comes again");
        assert_eq!(offer.choice, Choice::Original("fight".into()));
        assert_eq!(offer.count, 1);
        assert_eq!(r.apply_offer(), 1);
        assert_eq!(r.decision(2), Some(&Decision::Pick(1)));
        assert_eq!(
            r.result(TEXT),
            "Fight began. He said a fight. They mentioned peace."
        );
        assert!(r.undo());
        assert_eq!(r.decision(2), None);
    }

    #[test]
    fn an_edit_carried_to_other_occurrences_takes_their_case() {
        let mut r = review();
        r.edit("Battle").unwrap();
        r.skip();
        assert_eq!(r.offer().unwrap().choice, Choice::Original("battle".into()));
        r.apply_offer();
        assert_eq!(r.decision(2), Some(&Decision::Edit("battle".into())));
    }

    #[test]
    fn a_declined_offer_is_not_made_again_for_the_same_choice() {
        let mut r = review();
        r.reject();
        r.accept();
        assert_eq!(r.offer().unwrap().choice, Choice::Keep);
        r.decline_offer();
        assert_eq!(r.offer(), None);
        r.prev();
        r.prev();
        r.accept();
        // A different choice for the form is offered afresh.
        assert_eq!(r.cursor(), 2);
        assert_eq!(r.offer().unwrap().choice, Choice::Original("war".into()));
    }

    #[test]
    fn ignore_keeps_every_occurrence_and_remembers_the_form_until_undone() {
        let mut r = Review::new(TEXT, &findings(), true);
        r.next();
        assert_eq!(r.ignore().as_deref(), Some("mentioned"));
        assert_eq!(r.decision(1), Some(&Decision::Reject));
        // The kept occurrence is accepted as kept: its text stays too.
        assert_eq!(r.decision(3), Some(&Decision::Reject));
        assert_eq!(r.remembered(), ["mentioned"]);
        assert_eq!(r.cursor(), 2);
        r.undo();
        assert!(r.remembered().is_empty());
        assert_eq!(r.decision(3), None);
    }

    #[test]
    fn search_matches_spun_forms_before_lines_wraps_and_repeats() {
        let mut r = review();
        assert_eq!(r.search("MENTIONED"), Some((1, true)));
        assert_eq!(r.search("struggle"), Some((2, true)));
        assert_eq!(r.search(""), Some((0, true)));
        // "peace" is in no spun form: the line, which holds every finding here.
        assert_eq!(r.search("peace"), Some((1, false)));
        assert_eq!(r.search("zebra"), None);
        assert_eq!(r.cursor(), 1);
        assert_eq!(r.last_search(), "zebra");
        // A spun form is found past findings whose lines hold the query.
        let text = "They said it. A struggle, said he. They mentioned a said thing.";
        let fs = vec![
            finding(text, 0, "struggle", &["war"], false),
            finding(text, 0, "mentioned", &["said"], false),
            finding(text, 0, "said thing", &["saying"], false),
        ];
        let mut r = Review::new(text, &fs, false);
        assert_eq!(r.search("said"), Some((2, true)));
    }

    /// TEXT's findings with these confidences of their proposals.
    fn review_with(confidences: &[f64]) -> Review {
        let mut fs = findings();
        for (f, &c) in fs.iter_mut().zip(confidences) {
            f.candidates[0].score = c;
            f.keep = c;
        }
        Review::new(TEXT, &fs, true)
    }

    #[test]
    fn sorting_by_confidence_walks_the_least_sure_first() {
        let mut r = review_with(&[0.9, 0.4, 0.6, 0.95]);
        r.sort_by_confidence(true);
        assert!(r.is_sorted());
        assert_eq!(r.cursor(), 1);
        assert!(r.next() && r.cursor() == 2);
        assert!(r.next() && r.cursor() == 0);
        assert!(r.next() && r.cursor() == 3);
        assert!(!r.next());
        assert_eq!(r.place(), 3);
        // Deciding moves on to the next undecided in the walk.
        r.sort_by_confidence(true);
        r.accept();
        assert_eq!(r.cursor(), 2);
        r.sort_by_confidence(false);
        assert_eq!(r.cursor(), 0);
        assert!(r.next() && r.cursor() == 1);
    }

    #[test]
    fn accept_at_least_decides_the_sure_restorations_and_leaves_the_rest() {
        let mut r = review_with(&[0.9, 0.4, 0.6, 0.95]);
        // The fourth is a kept finding: never accepted as a restoration.
        assert_eq!(r.accept_at_least(0.6), 2);
        assert_eq!(r.decision(0), Some(&Decision::Accept));
        assert_eq!(r.decision(2), Some(&Decision::Accept));
        assert_eq!((r.decision(1), r.decision(3)), (None, None));
        assert_eq!(r.undecided(), 2);
        assert!(r.undo());
        assert_eq!(r.undecided(), 4);
        assert_eq!(r.accept_at_least(0.99), 0);
    }

    #[test]
    fn navigation_stops_at_both_ends() {
        let mut r = review();
        assert!(!r.prev());
        assert!(r.next() && r.next());
        assert!(!r.next());
    }

    #[test]
    fn context_shows_the_decisions_taken_on_its_line() {
        let mut r = review();
        r.pick(2).unwrap();
        r.reject();
        assert_eq!(r.cursor(), 2);
        assert_eq!(
            r.context_shown(),
            (
                "Fight began. He mentioned a ".into(),
                ". They mentioned peace.".into()
            )
        );
    }
}
