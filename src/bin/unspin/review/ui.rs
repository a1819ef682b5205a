//! Drawing the review screen: the line with the spun form and the proposal
//! beside it, the alternatives with their scores, the document score, the
//! progress, a status line and a one-line key help. Fits 80x24; without
//! colour (NO_COLOR) it marks with bold, underline and reverse video only.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::app::{App, Mode, Tone};
use super::state::{Decision, Item};

/// Alternatives numbered on screen (keys 1-9).
const MAX_ALTERNATIVES: usize = 9;

/// The styles of the screen, with or without colour.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    color: bool,
}

impl Theme {
    /// Colour unless `NO_COLOR` is set.
    pub fn from_env() -> Theme {
        Theme::new(std::env::var_os("NO_COLOR").is_none())
    }

    /// A theme with or without colour.
    pub fn new(color: bool) -> Theme {
        Theme { color }
    }

    fn pick(&self, colored: Style, plain: Style) -> Style {
        if self.color {
            colored
        } else {
            plain
        }
    }

    fn spun(&self) -> Style {
        self.pick(
            Style::new()
                .fg(Color::Red)
                .add_modifier(Modifier::BOLD | Modifier::CROSSED_OUT),
            Style::new().add_modifier(Modifier::REVERSED),
        )
    }

    fn original(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Green).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        )
    }

    fn dim(&self) -> Style {
        self.pick(Style::new().fg(Color::DarkGray), Style::new())
    }

    fn key(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    fn error(&self) -> Style {
        self.pick(
            Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            Style::new().add_modifier(Modifier::BOLD),
        )
    }

    fn title(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
}

/// Draws the whole screen for `app`.
pub fn draw(frame: &mut Frame<'_>, app: &App, theme: &Theme) {
    let area = frame.area();
    if area.width < 40 || area.height < 12 {
        let msg = Paragraph::new("unspin review needs a terminal of at least 40x12")
            .wrap(Wrap { trim: true });
        frame.render_widget(msg, area);
        return;
    }
    let Some(item) = app.review.current() else {
        frame.render_widget(Paragraph::new("nothing to review"), area);
        return;
    };
    let alternatives = item.finding.candidates.len().min(MAX_ALTERNATIVES) as u16 + 1;
    let alt_height = (alternatives + 2).min(area.height / 2);
    let context_height = context_rows(app, item, area.width.saturating_sub(2))
        .saturating_add(2)
        .min(area.height - 4 - alt_height);
    let [header, progress, context, alts, _, status, help] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(context_height),
        Constraint::Length(alt_height),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);

    frame.render_widget(header_line(app, theme, header.width), header);
    frame.render_widget(progress_line(app, theme, progress.width), progress);
    draw_context(frame, app, item, theme, context);
    draw_alternatives(frame, app, item, theme, alts);
    draw_status(frame, app, theme, status);
    frame.render_widget(help_line(theme, help.width), help);

    match &app.mode {
        Mode::Help => draw_help(frame, theme, area),
        Mode::ConfirmQuit => draw_confirm(frame, app, theme, area, false),
        Mode::ConfirmSave => draw_confirm(frame, app, theme, area, true),
        Mode::Review => {
            if let Some(offer) = app.review.offer() {
                let lines = vec![
                    Line::from(vec![
                        Span::styled(format!("“{}”", offer.form), theme.spun()),
                        Span::raw(format!(
                            " again: before, you chose to {}.",
                            offer.choice.describe()
                        )),
                    ]),
                    Line::from(vec![
                        Span::styled("y", theme.key()),
                        Span::raw(match offer.count {
                            1 => " the same here   ".to_string(),
                            n => format!(" the same for all {n} remaining   "),
                        }),
                        Span::styled("n", theme.key()),
                        Span::raw(" decide each on its own"),
                    ]),
                ];
                popup(frame, theme, area, " Same spun form ", lines);
            }
        }
        Mode::Edit(_) | Mode::Search(_) | Mode::Threshold(_) => {}
    }
}

fn header_line(app: &App, theme: &Theme, width: u16) -> Line<'static> {
    let left = format!(" unspin review  {}", app.file);
    let (score, spun) = app.verdict();
    let right = format!(
        "{} {} of {} · score {:.2} ({}) ",
        if app.review.is_sorted() {
            "least sure"
        } else {
            "finding"
        },
        app.review.place() + 1,
        app.review.len(),
        score,
        if spun { "spun" } else { "clean" }
    );
    let pad = (width as usize).saturating_sub(char_width(&left) + char_width(&right));
    Line::from(vec![
        Span::styled(left, theme.title()),
        Span::raw(" ".repeat(pad.max(1))),
        Span::raw(right),
    ])
}

fn progress_line(app: &App, theme: &Theme, width: u16) -> Line<'static> {
    let s = app.review.summary();
    let total = app.review.len().max(1);
    let decided = app.review.len() - app.review.undecided();
    let counts = format!(
        " {decided}/{} decided · {} accepted · {} rejected · {} edited · {} skipped ",
        app.review.len(),
        s.accepted,
        s.rejected,
        s.edited,
        s.skipped - app.review.undecided(),
    );
    let bar = (width as usize)
        .saturating_sub(char_width(&counts) + 1)
        .max(4);
    let filled = bar * decided / total;
    let (full, empty) = if theme.color {
        ('━', '─')
    } else {
        ('#', '-')
    };
    Line::from(vec![
        Span::raw(" "),
        Span::styled(full.to_string().repeat(filled), theme.original()),
        Span::styled(empty.to_string().repeat(bar - filled), theme.dim()),
        Span::raw(counts),
    ])
}

/// The text that would replace the spun form on screen: the line being
/// edited, else the decision taken, else the proposal.
fn shown_replacement(app: &App, item: &Item) -> Option<String> {
    if let Mode::Edit(editor) = &app.mode {
        return Some(editor.text());
    }
    match app.review.decision(app.review.cursor()) {
        Some(d) => item.replacement(Some(d)).map(str::to_string),
        None => item.proposal().map(str::to_string),
    }
}

/// Rows the context needs at `width` columns, with a row of slack for
/// word wrapping.
fn context_rows(app: &App, item: &Item, width: u16) -> u16 {
    let (before, after) = app.review.context_shown();
    let text = format!(
        "{before}{} → {}{after}",
        item.finding.spun,
        shown_replacement(app, item).unwrap_or_default(),
    );
    let width = usize::from(width.max(1));
    (char_width(&text).div_ceil(width) + 1).min(usize::from(u16::MAX)) as u16
}

fn draw_context(frame: &mut Frame<'_>, app: &App, item: &Item, theme: &Theme, area: Rect) {
    let f = &item.finding;
    let decision = app.review.decision(app.review.cursor());
    let state = match decision {
        None => "undecided".to_string(),
        Some(Decision::Accept) => "accepted".to_string(),
        Some(Decision::Pick(i)) => format!("picked {}", i + 1),
        Some(Decision::Reject) => "rejected".to_string(),
        Some(Decision::Edit(_)) => "edited".to_string(),
        Some(Decision::Skip) => "skipped".to_string(),
    };
    let (before, after) = app.review.context_shown();
    let mut spans = vec![
        Span::raw(before),
        Span::styled(f.spun.clone(), theme.spun()),
    ];
    match shown_replacement(app, item) {
        Some(r) => {
            spans.push(Span::styled(" → ", theme.dim()));
            spans.push(Span::styled(r, theme.original()));
        }
        None => spans.push(Span::styled(" (kept)", theme.dim())),
    }
    spans.push(Span::raw(after));
    let block = Block::bordered()
        .title(Line::styled(
            format!(" line {}, column {} ", f.line, f.column),
            theme.title(),
        ))
        .title(Line::from(format!(" {state} ")).right_aligned());
    let para = Paragraph::new(Text::from(Line::from(spans)))
        .block(block)
        .wrap(Wrap { trim: false });
    frame.render_widget(para, area);
}

fn draw_alternatives(frame: &mut Frame<'_>, app: &App, item: &Item, theme: &Theme, area: Rect) {
    let f = &item.finding;
    let decision = app.review.decision(app.review.cursor());
    let chosen = match decision {
        Some(Decision::Accept) => Some(f.restoration),
        Some(Decision::Pick(i)) => Some(Some(*i)),
        Some(Decision::Reject) => Some(None),
        _ => None,
    };
    let width = f
        .candidates
        .iter()
        .take(MAX_ALTERNATIVES)
        .map(|c| char_width(&c.original))
        .chain([char_width(&f.spun) + 7])
        .max()
        .unwrap_or(0)
        .min(40);
    let mark = |index: Option<usize>| -> Span<'static> {
        let mut m = String::new();
        if f.restoration == index {
            m.push_str("  ◀ proposed");
        }
        if chosen == Some(index) {
            m.push_str("  ✔ chosen");
        }
        Span::styled(m, theme.key())
    };
    let mut lines = vec![Line::from(vec![
        Span::raw("    "),
        Span::raw(pad(&format!("keep “{}”", f.spun), width)),
        Span::raw(format!("  {:>4.2}", f.keep)),
        mark(None),
    ])];
    for (i, c) in f.candidates.iter().take(MAX_ALTERNATIVES).enumerate() {
        lines.push(Line::from(vec![
            Span::styled(format!("  {} ", i + 1), theme.key()),
            Span::styled(pad(&c.original, width), theme.original()),
            Span::raw(format!("  {:>4.2}", c.score)),
            mark(Some(i)),
            Span::styled(format!("  {}", c.source), theme.dim()),
        ]));
    }
    let block = Block::bordered().title(Line::styled(" Alternatives (score) ", theme.title()));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

fn draw_status(frame: &mut Frame<'_>, app: &App, theme: &Theme, area: Rect) {
    let (label, editor) = match &app.mode {
        Mode::Edit(e) => (
            format!(
                " replace “{}” with: ",
                app.review.current().map_or("", |i| i.finding.spun.as_str())
            ),
            e,
        ),
        Mode::Search(e) => {
            let last = app.review.last_search();
            let hint = if last.is_empty() {
                String::new()
            } else {
                format!(" [{last}]")
            };
            (format!(" search{hint}: "), e)
        }
        Mode::Threshold(e) => (" accept all with confidence ≥ ".to_string(), e),
        _ => {
            let line = match &app.message {
                Some((text, Tone::Info)) => Line::from(format!(" {text}")),
                Some((text, Tone::Error)) => Line::styled(format!(" {text}"), theme.error()),
                None => Line::default(),
            };
            frame.render_widget(line, area);
            return;
        }
    };
    let before = editor.before_cursor();
    let x = area.x + (char_width(&label) + Span::raw(before.as_str()).width()) as u16;
    let mut spans = vec![Span::styled(label, theme.key()), Span::raw(editor.text())];
    if let Some((text, Tone::Error)) = &app.message {
        spans.push(Span::styled(format!("  {text}"), theme.error()));
    }
    frame.render_widget(Line::from(spans), area);
    frame.set_cursor_position((x.min(area.right().saturating_sub(1)), area.y));
}

/// The keys, most used first; the help line shows as many as fit before
/// `q quit  ? help`.
const KEYS: &[(&str, &str)] = &[
    ("y", "accept"),
    ("n", "reject"),
    ("1-9", "pick"),
    ("e", "edit"),
    ("u", "undo"),
    ("␣", "skip"),
    ("a/d", "all"),
    ("/", "find"),
    ("s", "sort"),
    ("p", "accept ≥p"),
    ("i", "ignore"),
];

fn help_line(theme: &Theme, width: u16) -> Line<'static> {
    let tail = [
        Span::styled("q", theme.key()),
        Span::raw(" quit  "),
        Span::styled("?", theme.key()),
        Span::raw(" help"),
    ];
    let mut used = 1 + tail.iter().map(Span::width).sum::<usize>();
    let mut spans = vec![Span::raw(" ")];
    for (key, label) in KEYS {
        let w = char_width(key) + 1 + char_width(label) + 2;
        if used + w > width as usize {
            break;
        }
        used += w;
        spans.push(Span::styled(*key, theme.key()));
        spans.push(Span::raw(format!(" {label}  ")));
    }
    spans.extend(tail);
    Line::from(spans)
}

fn draw_help(frame: &mut Frame<'_>, theme: &Theme, area: Rect) {
    let rows: &[(&str, &str)] = &[
        ("y", "accept the proposal"),
        ("n", "reject: keep the text as written"),
        ("1-9", "pick that alternative"),
        (
            "e",
            "edit the replacement by hand (Enter keeps, Esc cancels)",
        ),
        ("a / d", "accept / reject every remaining finding"),
        (
            "i",
            "ignore this form everywhere; remember it in unspin.toml",
        ),
        ("u", "undo the last decision"),
        ("space", "skip (left as written)"),
        ("← / →", "previous / next finding"),
        ("/", "search spun forms (else lines); Enter again repeats"),
        ("s", "sort: least sure first / text order"),
        (
            "p",
            "accept every remaining restoration at or above a confidence",
        ),
        ("q", "quit (asks whether to save); Ctrl-C quits at once"),
    ];
    let lines: Vec<Line<'static>> = rows
        .iter()
        .map(|(k, text)| {
            Line::from(vec![
                Span::styled(format!(" {k:<6} "), theme.key()),
                Span::raw(text.to_string()),
            ])
        })
        .chain([
            Line::from(""),
            Line::styled(" any key closes this help", theme.dim()),
        ])
        .collect();
    popup(frame, theme, area, " Keys ", lines);
}

fn draw_confirm(frame: &mut Frame<'_>, app: &App, theme: &Theme, area: Rect, finished: bool) {
    let s = app.review.summary();
    let changes = app.review.edits().len();
    let mut lines = vec![
        Line::from(format!(
            "{} accepted, {} rejected, {} edited, {} skipped.",
            s.accepted, s.rejected, s.edited, s.skipped
        )),
        Line::from(format!(
            "Write {changes} change{} to {}?",
            if changes == 1 { "" } else { "s" },
            app.target
        )),
    ];
    let remembered = app.review.remembered();
    if !remembered.is_empty() {
        let forms: Vec<String> = remembered.iter().map(|f| format!("“{f}”")).collect();
        lines.push(Line::from(format!(
            "And remember {} in unspin.toml.",
            forms.join(", ")
        )));
    }
    lines.push(Line::from(""));
    let mut keys = vec![
        Span::styled("y", theme.key()),
        Span::raw(" save  "),
        Span::styled("n", theme.key()),
        Span::raw(" quit without saving  "),
    ];
    if finished {
        keys.extend([Span::styled("u", theme.key()), Span::raw(" undo  ")]);
    }
    keys.extend([Span::styled("Esc", theme.key()), Span::raw(" back")]);
    lines.push(Line::from(keys));
    let title = if finished {
        " Every finding decided "
    } else {
        " Quit "
    };
    popup(frame, theme, area, title, lines);
}

/// A bordered box in the middle of `area`, sized to its lines.
fn popup(frame: &mut Frame<'_>, theme: &Theme, area: Rect, title: &str, lines: Vec<Line<'_>>) {
    let width = lines
        .iter()
        .map(Line::width)
        .chain([char_width(title)])
        .max()
        .unwrap_or(0) as u16
        + 4;
    let width = width.min(area.width);
    let height = (lines.len() as u16 + 2).min(area.height);
    let rect = area.centered(Constraint::Length(width), Constraint::Length(height));
    frame.render_widget(Clear, rect);
    let block = Block::bordered().title(Line::styled(title.to_string(), theme.title()));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false }),
        rect,
    );
}

fn pad(s: &str, width: usize) -> String {
    let w = char_width(s);
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

fn char_width(s: &str) -> usize {
    Span::raw(s).width()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::review::app::tests::{app, press};
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;

    fn render(
        app: &App,
        theme: Theme,
        width: u16,
        height: u16,
    ) -> (String, ratatui::buffer::Buffer) {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal.draw(|f| draw(f, app, &theme)).unwrap();
        let buffer = terminal.backend().buffer().clone();
        let rows: Vec<String> = (0..height)
            .map(|y| {
                (0..width)
                    .map(|x| buffer[(x, y)].symbol().to_string())
                    .collect()
            })
            .collect();
        (rows.join("\n"), buffer)
    }

    #[test]
    fn the_80x24_screen_shows_the_span_the_proposal_the_alternatives_and_the_keys() {
        let (screen, _) = render(&app(), Theme::new(true), 80, 24);
        assert!(screen.contains("A struggle → war began"), "{screen}");
        assert!(
            screen.contains("finding 1 of 3 · score 0.90 (spun)"),
            "{screen}"
        );
        assert!(screen.contains("0/3 decided"), "{screen}");
        assert!(screen.contains("1 war"), "{screen}");
        assert!(screen.contains("2 fight"), "{screen}");
        assert!(screen.contains("keep “struggle”"), "{screen}");
        let last = screen.lines().last().unwrap();
        assert!(
            last.contains("y accept") && last.trim_end().ends_with("q quit  ? help"),
            "{last}"
        );
    }

    #[test]
    fn the_screen_follows_the_decisions_and_prompts() {
        let mut a = app();
        press(&mut a, "e");
        let (screen, _) = render(&a, Theme::new(true), 80, 24);
        assert!(screen.contains("replace “struggle” with: war"), "{screen}");
        press(&mut a, "\x1bn");
        let (screen, _) = render(&a, Theme::new(true), 80, 24);
        assert!(screen.contains("rejected: kept “struggle”"), "{screen}");
        press(&mut a, "y");
        let (screen, _) = render(&a, Theme::new(true), 80, 24);
        assert!(screen.contains("“struggle” again"), "{screen}");
        press(&mut a, "y");
        let (screen, _) = render(&a, Theme::new(true), 80, 24);
        assert!(screen.contains("Write 1 change to doc.txt?"), "{screen}");
    }

    #[test]
    fn without_colour_nothing_is_coloured_but_the_span_is_still_marked() {
        let (screen, buffer) = render(&app(), Theme::new(false), 80, 24);
        assert!(buffer
            .content()
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset));
        let row = screen
            .lines()
            .position(|l| l.contains("A struggle"))
            .unwrap() as u16;
        let col = screen
            .lines()
            .nth(row.into())
            .unwrap()
            .chars()
            .position(|c| c == 's')
            .unwrap() as u16;
        assert!(buffer[(col, row)].modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn a_small_terminal_gets_a_message_instead_of_a_broken_screen() {
        let (screen, _) = render(&app(), Theme::new(true), 30, 8);
        assert!(screen.contains("unspin review needs a"), "{screen}");
        let (screen, _) = render(&app(), Theme::new(true), 120, 40);
        assert!(screen.contains("/ find"), "{screen}");
    }
}
