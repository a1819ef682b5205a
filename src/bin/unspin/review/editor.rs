//! A one-line text editor for the replacement and the search prompt.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key did to the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditOutcome {
    /// Still editing.
    Editing,
    /// Enter: the line is done.
    Done(String),
    /// Esc: the edit is abandoned.
    Cancelled,
}

/// A line of text and a cursor (a character index).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineEditor {
    chars: Vec<char>,
    cursor: usize,
}

impl LineEditor {
    /// An editor holding `text`, with the cursor at its end.
    pub fn new(text: &str) -> LineEditor {
        let chars: Vec<char> = text.chars().collect();
        LineEditor {
            cursor: chars.len(),
            chars,
        }
    }

    /// The text.
    pub fn text(&self) -> String {
        self.chars.iter().collect()
    }

    /// The text before the cursor (to place the terminal cursor).
    pub fn before_cursor(&self) -> String {
        self.chars[..self.cursor].iter().collect()
    }

    /// Applies a key: printable characters insert; Left, Right, Home, End
    /// (and Ctrl-A, Ctrl-E) move; Backspace and Delete erase; Ctrl-U clears
    /// to the start and Ctrl-K to the end; Ctrl-W erases the word before.
    pub fn key(&mut self, key: KeyEvent) -> EditOutcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter => return EditOutcome::Done(self.text()),
            KeyCode::Esc => return EditOutcome::Cancelled,
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = self.chars.len(),
            KeyCode::Char('u') if ctrl => {
                self.chars.drain(..self.cursor);
                self.cursor = 0;
            }
            KeyCode::Char('k') if ctrl => self.chars.truncate(self.cursor),
            KeyCode::Char('w') if ctrl => {
                let mut start = self.cursor;
                while start > 0 && self.chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                while start > 0 && !self.chars[start - 1].is_whitespace() {
                    start -= 1;
                }
                self.chars.drain(start..self.cursor);
                self.cursor = start;
            }
            KeyCode::Char(c) if !ctrl => {
                self.chars.insert(self.cursor, c);
                self.cursor += 1;
            }
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                self.chars.remove(self.cursor);
            }
            KeyCode::Delete if self.cursor < self.chars.len() => {
                self.chars.remove(self.cursor);
            }
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(self.chars.len()),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = self.chars.len(),
            _ => {}
        }
        EditOutcome::Editing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(e: &mut LineEditor, code: KeyCode) -> EditOutcome {
        e.key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn ctrl(e: &mut LineEditor, c: char) -> EditOutcome {
        e.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
    }

    #[test]
    fn typing_inserts_at_the_cursor_and_enter_returns_the_line() {
        let mut e = LineEditor::new("wr");
        press(&mut e, KeyCode::Left);
        press(&mut e, KeyCode::Char('a'));
        assert_eq!(e.before_cursor(), "wa");
        assert_eq!(
            press(&mut e, KeyCode::Enter),
            EditOutcome::Done("war".into())
        );
    }

    #[test]
    fn erasing_keys_remove_characters_words_and_lines() {
        let mut e = LineEditor::new("the holy war");
        press(&mut e, KeyCode::Backspace);
        assert_eq!(e.text(), "the holy wa");
        ctrl(&mut e, 'w');
        assert_eq!(e.text(), "the holy ");
        press(&mut e, KeyCode::Home);
        press(&mut e, KeyCode::Delete);
        assert_eq!(e.text(), "he holy ");
        ctrl(&mut e, 'e');
        ctrl(&mut e, 'u');
        assert_eq!(e.text(), "");
    }

    #[test]
    fn multibyte_characters_are_edited_whole() {
        let mut e = LineEditor::new("Iran’s");
        press(&mut e, KeyCode::Left);
        press(&mut e, KeyCode::Backspace);
        assert_eq!(e.text(), "Irans");
        assert_eq!(press(&mut e, KeyCode::Esc), EditOutcome::Cancelled);
    }
}
