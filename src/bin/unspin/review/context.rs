//! The text around a finding as the review shows it, and the key that ties
//! the occurrences of a spun form together.

use std::ops::Range;

use unspin::tokenize::normalize;

/// Characters of context shown on each side of a span in a long line.
pub const CONTEXT_CHARS: usize = 160;

/// The normalized spun form: lower case, curly apostrophes straightened,
/// single spaces (as the library normalizes the allow list).
pub fn form_key(spun: &str) -> String {
    spun.split_whitespace()
        .map(normalize)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The line around a span: byte ranges of the text shown before and after
/// it, and whether either end was clipped (shown with `…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The text shown before the span.
    pub before: Range<usize>,
    /// The text shown after the span.
    pub after: Range<usize>,
    /// The line goes on before `before`.
    pub clipped_before: bool,
    /// The line goes on after `after`.
    pub clipped_after: bool,
}

/// The line around `span`; in a long line, clipped to the sentence around
/// the span, or to [`CONTEXT_CHARS`] on each side at a word boundary.
pub fn context(text: &str, span: &Range<usize>) -> Context {
    let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let end = text[span.end..]
        .find('\n')
        .map_or(text.len(), |i| span.end + i);
    let end = if end > span.end && text[..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    let short = text[start..span.start].chars().count() + text[span.end..end].chars().count()
        <= 2 * CONTEXT_CHARS;
    if short {
        return Context {
            before: start..span.start,
            after: span.end..end,
            clipped_before: false,
            clipped_after: false,
        };
    }
    let (before, clipped_before) = clip_before(text, start..span.start);
    let (after, clipped_after) = clip_after(text, span.end..end);
    Context {
        before,
        after,
        clipped_before,
        clipped_after,
    }
}

/// The end of `range` from the start of its last sentence, at most
/// [`CONTEXT_CHARS`] characters; true when cut inside a sentence.
fn clip_before(text: &str, range: Range<usize>) -> (Range<usize>, bool) {
    let before = &text[range.clone()];
    let chars: Vec<(usize, char)> = before.char_indices().collect();
    if chars.len() <= CONTEXT_CHARS {
        return (range, false);
    }
    let window_start = chars[chars.len() - CONTEXT_CHARS].0;
    let window = &before[window_start..];
    // A sentence starts after `. `, `? ` or `! ` (closing quotes allowed).
    let w: Vec<(usize, char)> = window.char_indices().collect();
    let sentence = (1..w.len())
        .rev()
        .find(|&k| w[k].1.is_whitespace() && is_sentence_end(&w[..k]))
        .map(|k| w[k].0 + w[k].1.len_utf8());
    let (at, clipped) = match sentence {
        Some(at) => (
            at + (window[at..].len() - window[at..].trim_start().len()),
            false,
        ),
        None => (window.find(char::is_whitespace).map_or(0, |i| i + 1), true),
    };
    (range.start + window_start + at..range.end, clipped)
}

/// The start of `range` to the end of its sentence, at most
/// [`CONTEXT_CHARS`] characters; true when cut inside a sentence.
fn clip_after(text: &str, range: Range<usize>) -> (Range<usize>, bool) {
    let after = &text[range.clone()];
    if after.chars().count() <= CONTEXT_CHARS {
        return (range, false);
    }
    let w: Vec<(usize, char)> = after.char_indices().take(CONTEXT_CHARS).collect();
    if let Some(k) = (1..w.len()).find(|&k| w[k].1.is_whitespace() && is_sentence_end(&w[..k])) {
        return (range.start..range.start + w[k].0, false);
    }
    let limit = w.last().map_or(0, |(i, c)| i + c.len_utf8());
    let cut = after[..limit].rfind(char::is_whitespace).unwrap_or(limit);
    (range.start..range.start + cut, true)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_key_normalizes_case_spaces_and_apostrophes() {
        assert_eq!(form_key("Center  East"), "center east");
        assert_eq!(form_key("Iran’s"), "iran's");
    }

    /// The context of the first `spun` in `text`, as shown.
    fn shown(text: &str, spun: &str) -> (String, String) {
        let start = text.find(spun).unwrap();
        let c = context(text, &(start..start + spun.len()));
        let mark = |clipped: bool| if clipped { "…" } else { "" };
        (
            format!("{}{}", mark(c.clipped_before), &text[c.before]),
            format!("{}{}", &text[c.after], mark(c.clipped_after)),
        )
    }

    #[test]
    fn context_is_the_whole_line_when_short() {
        let context = shown("first line\nhe mentioned it\r\nlast", "mentioned");
        assert_eq!(context, ("he ".into(), " it".into()));
    }

    #[test]
    fn context_of_a_long_line_is_clipped_to_the_sentence() {
        let filler = "word ".repeat(60);
        let text = format!("{filler}ends here. He mentioned it. Then {filler}");
        assert_eq!(shown(&text, "mentioned"), ("He ".into(), " it.".into()));
        let text = format!("{filler}he mentioned {filler}");
        let (before, after) = shown(&text, "mentioned");
        assert!(
            before.starts_with('…') && before.ends_with("word he "),
            "{before}"
        );
        assert!(after.ends_with("word…"), "{after}");
        assert!(before.chars().count() <= CONTEXT_CHARS + 1);
    }
}
