//! Keys to actions: the screen's modes (reviewing, editing, searching, help,
//! the save prompts) on top of the [`Review`] state machine.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::editor::{EditOutcome, LineEditor};
use super::state::{Decision, Review};

/// What the screen is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Walking the findings.
    Review,
    /// Typing a replacement by hand.
    Edit(LineEditor),
    /// Typing a search.
    Search(LineEditor),
    /// Typing the confidence at or above which every remaining proposal
    /// is accepted.
    Threshold(LineEditor),
    /// The key help.
    Help,
    /// `q` was pressed: save before quitting?
    ConfirmQuit,
    /// Every finding is decided: save?
    ConfirmSave,
}

/// What the event loop does after a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Control {
    /// Keep going.
    Continue,
    /// Leave, writing the result when `save` is set.
    Quit {
        /// Write the result.
        save: bool,
    },
    /// Ctrl-C: leave at once, writing nothing.
    Interrupt,
}

/// The status line's tone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// A plain report.
    Info,
    /// Something did not work.
    Error,
}

/// The review and everything the screen shows around it.
#[derive(Debug, Clone)]
pub struct App {
    /// The decisions.
    pub review: Review,
    /// The current mode.
    pub mode: Mode,
    /// The status line, if any.
    pub message: Option<(String, Tone)>,
    /// The file under review, as named on the command line.
    pub file: String,
    /// Where the result goes (the file, or `-o OUT`).
    pub target: String,
    /// The document spin score.
    pub score: f64,
    /// Whether the score reaches the threshold.
    pub spun: bool,
    /// The score and verdict of each finding's own document, where they
    /// differ from one finding to another (the records of a JSON Lines
    /// file); empty otherwise.
    pub scores: Vec<(f64, bool)>,
}

impl App {
    /// A new review screen.
    pub fn new(review: Review, file: String, target: String, score: f64, spun: bool) -> App {
        App {
            review,
            mode: Mode::Review,
            message: None,
            file,
            target,
            score,
            spun,
            scores: Vec::new(),
        }
    }

    /// The score and verdict of the current finding's document.
    pub fn verdict(&self) -> (f64, bool) {
        let own = self.scores.get(self.review.cursor()).copied();
        own.unwrap_or((self.score, self.spun))
    }

    /// Handles one key press.
    pub fn key(&mut self, key: KeyEvent) -> Control {
        if key.kind == KeyEventKind::Release {
            return Control::Continue;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if ctrl && matches!(key.code, KeyCode::Char('c') | KeyCode::Char('d')) {
            return Control::Interrupt;
        }
        match std::mem::replace(&mut self.mode, Mode::Review) {
            Mode::Review => self.review_key(key),
            Mode::Edit(mut editor) => {
                match editor.key(key) {
                    EditOutcome::Editing => self.mode = Mode::Edit(editor),
                    EditOutcome::Cancelled => self.info("edit cancelled"),
                    EditOutcome::Done(text) => {
                        let spun = self.spun_form();
                        match self.review.edit(&text) {
                            Ok(()) => {
                                self.info(format!("edited: {spun} → {text}"));
                                self.after_decision();
                            }
                            Err(e) => {
                                self.error(format!("{e} (Esc cancels)"));
                                self.mode = Mode::Edit(editor);
                            }
                        }
                    }
                }
                Control::Continue
            }
            Mode::Search(mut editor) => {
                match editor.key(key) {
                    EditOutcome::Editing => self.mode = Mode::Search(editor),
                    EditOutcome::Cancelled => self.message = None,
                    EditOutcome::Done(query) => match self.review.search(&query) {
                        Some((_, by_form)) => self.info(format!(
                            "found “{}” {} at finding {} of {}",
                            self.review.last_search(),
                            if by_form {
                                "in a spun form"
                            } else {
                                "in the line (no spun form has it)"
                            },
                            self.review.place() + 1,
                            self.review.len()
                        )),
                        None => self.error(format!(
                            "no finding matches “{}”",
                            self.review.last_search()
                        )),
                    },
                }
                Control::Continue
            }
            Mode::Threshold(mut editor) => {
                match editor.key(key) {
                    EditOutcome::Editing => self.mode = Mode::Threshold(editor),
                    EditOutcome::Cancelled => self.info("nothing accepted"),
                    EditOutcome::Done(text) => match parse_confidence(&text) {
                        Some(p) => {
                            let n = self.review.accept_at_least(p);
                            let left = self.review.undecided();
                            self.info(format!(
                                "accepted {n} restorations with confidence ≥ {p:.2}; {left} left to decide"
                            ));
                            self.after_decision();
                        }
                        None => {
                            self.error(format!(
                                "“{text}” is not a confidence from 0 to 1 (Esc cancels)"
                            ));
                            self.mode = Mode::Threshold(editor);
                        }
                    },
                }
                Control::Continue
            }
            Mode::Help => Control::Continue,
            Mode::ConfirmQuit => match key.code {
                KeyCode::Char('y') => Control::Quit { save: true },
                KeyCode::Char('n') => Control::Quit { save: false },
                KeyCode::Esc | KeyCode::Char('c') => {
                    self.info("review goes on");
                    Control::Continue
                }
                _ => {
                    self.mode = Mode::ConfirmQuit;
                    Control::Continue
                }
            },
            Mode::ConfirmSave => match key.code {
                KeyCode::Char('y') | KeyCode::Enter => Control::Quit { save: true },
                KeyCode::Char('n') => Control::Quit { save: false },
                KeyCode::Char('u') => {
                    self.undo();
                    Control::Continue
                }
                KeyCode::Esc => {
                    self.info("every finding is decided; ←/→ to revisit, q to quit");
                    Control::Continue
                }
                _ => {
                    self.mode = Mode::ConfirmSave;
                    Control::Continue
                }
            },
        }
    }

    fn review_key(&mut self, key: KeyEvent) -> Control {
        let offer = self.review.offer();
        let spun = self.spun_form();
        match key.code {
            KeyCode::Char('y') if offer.is_some() => {
                let n = self.review.apply_offer();
                let choice = offer.map(|o| o.choice.describe()).unwrap_or_default();
                self.info(format!("{spun}: {choice}, {n} occurrences"));
                self.after_decision();
            }
            KeyCode::Char('n') | KeyCode::Esc if offer.is_some() => {
                self.review.decline_offer();
                self.info(format!("deciding each “{spun}” on its own"));
            }
            KeyCode::Char('y') => {
                let text = self.describe_current(&Decision::Accept);
                self.review.accept();
                self.info(format!("accepted: {text}"));
                self.after_decision();
            }
            KeyCode::Char('n') => {
                self.review.reject();
                self.info(format!("rejected: kept “{spun}”"));
                self.after_decision();
            }
            KeyCode::Char(c @ '1'..='9') => {
                let n = c as usize - '0' as usize;
                let text = self.describe_current(&Decision::Pick(n - 1));
                match self.review.pick(n) {
                    Ok(()) => {
                        self.info(format!("picked {n}: {text}"));
                        self.after_decision();
                    }
                    Err(e) => self.error(e),
                }
            }
            KeyCode::Char('e') => {
                if let Some(item) = self.review.current() {
                    let d = self.review.decision(self.review.cursor());
                    let start = item
                        .replacement(d)
                        .or(item.proposal())
                        .unwrap_or(&item.finding.spun);
                    self.mode = Mode::Edit(LineEditor::new(start));
                    self.info("type the replacement; Enter to keep it, Esc to cancel");
                }
            }
            KeyCode::Char('a') => {
                let n = self.review.accept_all();
                self.info(format!("accepted the {n} remaining findings"));
                self.after_decision();
            }
            KeyCode::Char('d') => {
                let n = self.review.reject_all();
                self.info(format!("rejected the {n} remaining findings"));
                self.after_decision();
            }
            KeyCode::Char('i') => {
                if let Some(form) = self.review.ignore() {
                    self.info(format!(
                        "“{form}” kept everywhere; remembered in unspin.toml on save"
                    ));
                    self.after_decision();
                }
            }
            KeyCode::Char('u') => self.undo(),
            KeyCode::Char(' ') => {
                self.review.skip();
                self.info(format!("skipped “{spun}”"));
                self.after_decision();
            }
            KeyCode::Right | KeyCode::Char('l') => self.step(true),
            KeyCode::Left | KeyCode::Char('h') => self.step(false),
            KeyCode::Char('/') => {
                self.mode = Mode::Search(LineEditor::default());
                self.message = None;
            }
            KeyCode::Char('s') => {
                let on = !self.review.is_sorted();
                self.review.sort_by_confidence(on);
                self.info(if on {
                    "least sure first (s: text order)"
                } else {
                    "in text order (s: least sure first)"
                });
            }
            KeyCode::Char('p') => {
                self.mode = Mode::Threshold(LineEditor::new("0.9"));
                self.info("accept every remaining restoration with at least this confidence");
            }
            KeyCode::Char('?') => self.mode = Mode::Help,
            KeyCode::Char('q') => self.mode = Mode::ConfirmQuit,
            _ => {}
        }
        Control::Continue
    }

    /// Moves to the next (or previous) finding, decided or not.
    fn step(&mut self, forward: bool) {
        let moved = if forward {
            self.review.next()
        } else {
            self.review.prev()
        };
        if !moved {
            self.info(if forward {
                "this is the last finding"
            } else {
                "this is the first finding"
            });
        }
    }

    fn undo(&mut self) {
        if self.review.undo() {
            self.info("undone");
        } else {
            self.error("nothing to undo");
        }
    }

    /// After a decision: the save prompt once every finding is decided.
    fn after_decision(&mut self) {
        if self.review.is_finished() {
            self.mode = Mode::ConfirmSave;
        }
    }

    fn spun_form(&self) -> String {
        self.review
            .current()
            .map(|i| i.finding.spun.clone())
            .unwrap_or_default()
    }

    /// `spun → replacement` for decision `d` on the current finding.
    fn describe_current(&self, d: &Decision) -> String {
        match self.review.current() {
            Some(item) => match item.replacement(Some(d)) {
                Some(r) => format!("{} → {r}", item.finding.spun),
                None => format!("kept “{}”", item.finding.spun),
            },
            None => String::new(),
        }
    }

    fn info(&mut self, text: impl Into<String>) {
        self.message = Some((text.into(), Tone::Info));
    }

    fn error(&mut self, text: impl Into<String>) {
        self.message = Some((text.into(), Tone::Error));
    }
}

/// A confidence typed at the `p` prompt: a number from 0 to 1, or a
/// percentage (`90%`).
fn parse_confidence(text: &str) -> Option<f64> {
    let t = text.trim();
    let p = match t.strip_suffix('%') {
        Some(n) => n.trim().parse::<f64>().ok()? / 100.0,
        None => t.parse::<f64>().ok()?,
    };
    (0.0..=1.0).contains(&p).then_some(p)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use unspin::{Candidate, Finding, Terms};

    pub(crate) const TEXT: &str = "A struggle began, he mentioned. Another struggle.";

    /// An app over TEXT with three findings: struggle (war | fight),
    /// mentioned (said), struggle (war | fight).
    pub(crate) fn app() -> App {
        let review = Review::new(TEXT, &findings(), false);
        App::new(review, "doc.txt".into(), "doc.txt".into(), 0.9, true)
    }

    /// TEXT's three findings, each proposed with confidence 0.5.
    pub(crate) fn findings() -> Vec<Finding> {
        let find = |from: usize, spun: &str, originals: &[&str]| {
            let start = from + TEXT[from..].find(spun).unwrap();
            Finding {
                span: start..start + spun.len(),
                line: 1,
                column: start + 1,
                spun: spun.into(),
                candidates: originals
                    .iter()
                    .map(|o| Candidate {
                        original: o.to_string(),
                        score: 0.5,
                        source: "test.tsv:1".into(),
                        terms: Terms::default(),
                    })
                    .collect(),
                keep: 0.0,
                restoration: Some(0),
                reason: unspin::Reason::Restored,
            }
        };
        vec![
            find(0, "struggle", &["war", "fight"]),
            find(0, "mentioned", &["said"]),
            find(20, "struggle", &["war", "fight"]),
        ]
    }

    pub(crate) fn press(app: &mut App, keys: &str) -> Control {
        let mut last = Control::Continue;
        for c in keys.chars() {
            let code = match c {
                '\n' => KeyCode::Enter,
                '\x1b' => KeyCode::Esc,
                '\x08' => KeyCode::Backspace,
                c => KeyCode::Char(c),
            };
            last = app.key(KeyEvent::new(code, KeyModifiers::NONE));
        }
        last
    }

    #[test]
    fn ctrl_c_interrupts_in_every_mode() {
        for keys in ["", "e", "/", "?", "q"] {
            let mut a = app();
            press(&mut a, keys);
            let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
            assert_eq!(a.key(ctrl_c), Control::Interrupt, "after {keys:?}");
        }
    }

    #[test]
    fn quit_asks_whether_to_save() {
        let mut a = app();
        assert_eq!(press(&mut a, "q"), Control::Continue);
        assert_eq!(a.mode, Mode::ConfirmQuit);
        assert_eq!(press(&mut a, "\x1b"), Control::Continue);
        assert_eq!(a.mode, Mode::Review);
        assert_eq!(press(&mut a, "qn"), Control::Quit { save: false });
        let mut a = app();
        assert_eq!(press(&mut a, "qy"), Control::Quit { save: true });
    }

    #[test]
    fn deciding_the_last_finding_asks_to_save_and_undo_goes_back() {
        let mut a = app();
        press(&mut a, "yn");
        assert_eq!(a.mode, Mode::Review);
        // The second struggle offers the first one's choice; decline it.
        assert!(a.review.offer().is_some());
        press(&mut a, "n2");
        assert_eq!(a.mode, Mode::ConfirmSave);
        press(&mut a, "u");
        assert_eq!(a.mode, Mode::Review);
        assert_eq!(a.review.undecided(), 1);
        press(&mut a, "2");
        assert_eq!(press(&mut a, "y"), Control::Quit { save: true });
        assert_eq!(
            a.review.result(TEXT),
            "A war began, he mentioned. Another fight."
        );
    }

    #[test]
    fn yes_to_the_offer_decides_every_remaining_occurrence() {
        let mut a = app();
        press(&mut a, "2y");
        assert!(a.review.offer().is_some());
        press(&mut a, "y");
        assert_eq!(a.mode, Mode::ConfirmSave);
        assert_eq!(
            a.review.result(TEXT),
            "A fight began, he said. Another fight."
        );
    }

    #[test]
    fn edit_starts_from_the_proposal_and_enter_decides() {
        let mut a = app();
        press(&mut a, "e");
        assert_eq!(a.mode, Mode::Edit(LineEditor::new("war")));
        press(&mut a, "\x08\x08\x08holy war\n");
        assert_eq!(a.mode, Mode::Review);
        assert_eq!(
            a.review.decision(0),
            Some(&Decision::Edit("holy war".into()))
        );
        press(&mut a, "e\x1b");
        assert_eq!(a.review.decision(1), None);
    }

    #[test]
    fn a_missing_alternative_shows_an_error() {
        let mut a = app();
        press(&mut a, "7");
        assert!(matches!(&a.message, Some((m, Tone::Error)) if m.contains("no alternative 7")));
        assert_eq!(a.review.cursor(), 0);
    }

    #[test]
    fn search_jumps_to_the_matching_finding() {
        let mut a = app();
        press(&mut a, "/ment\n");
        assert_eq!(a.review.cursor(), 1);
        press(&mut a, "/zebra\n");
        assert!(matches!(&a.message, Some((_, Tone::Error))));
        assert_eq!(a.review.cursor(), 1);
    }

    /// The app with proposals of confidence 0.9, 0.3 and 0.6.
    fn app_with_confidences() -> App {
        let mut fs = findings();
        for (f, c) in fs.iter_mut().zip([0.9, 0.3, 0.6]) {
            f.candidates[0].score = c;
        }
        let review = Review::new(TEXT, &fs, false);
        App::new(review, "doc.txt".into(), "doc.txt".into(), 0.9, true)
    }

    #[test]
    fn s_sorts_least_sure_first_and_back() {
        let mut a = app_with_confidences();
        press(&mut a, "s");
        assert!(a.review.is_sorted());
        assert_eq!(a.review.cursor(), 1);
        press(&mut a, "l");
        assert_eq!(a.review.cursor(), 2);
        press(&mut a, "s");
        assert!(!a.review.is_sorted());
        assert_eq!(a.review.cursor(), 0);
    }

    #[test]
    fn p_accepts_every_proposal_at_or_above_the_confidence_typed() {
        let mut a = app_with_confidences();
        press(&mut a, "p\x08\x08\x08abc\n");
        assert!(matches!(a.mode, Mode::Threshold(_)));
        assert!(matches!(&a.message, Some((m, Tone::Error)) if m.contains("not a confidence")));
        press(&mut a, "\x08\x08\x0860%\n");
        assert_eq!(a.mode, Mode::Review);
        assert_eq!(a.review.undecided(), 1);
        assert_eq!(a.review.decision(1), None);
        assert_eq!(a.review.cursor(), 1);
        press(&mut a, "p\x1b");
        assert_eq!(a.review.undecided(), 1);
    }

    #[test]
    fn confidences_parse_as_numbers_or_percentages() {
        assert_eq!(parse_confidence(" 0.8 "), Some(0.8));
        assert_eq!(parse_confidence("75%"), Some(0.75));
        assert_eq!(parse_confidence("1.5"), None);
        assert_eq!(parse_confidence("x"), None);
    }

    #[test]
    fn help_closes_on_any_key() {
        let mut a = app();
        press(&mut a, "?");
        assert_eq!(a.mode, Mode::Help);
        press(&mut a, "y");
        assert_eq!(a.mode, Mode::Review);
        assert_eq!(a.review.decision(0), None);
    }
}
