//! Writing restorations back into the text: the case and apostrophe style of
//! what is replaced carry over to the original, and every byte outside the
//! replaced spans is left as it was.

use std::borrow::Cow;
use std::ops::Range;

use rustc_hash::FxHashMap;

use crate::decide::Site;
use crate::tokenize::{is_apostrophe, Case, Token, TokenKind};

/// The apostrophe a document uses inside words: curly (`’`) or straight (`'`).
///
/// ```
/// use unspin::restore::apostrophe_style;
/// assert_eq!(apostrophe_style("Iran’s leader didn’t"), '’');
/// assert_eq!(apostrophe_style("no apostrophes"), '\'');
/// ```
pub fn apostrophe_style(text: &str) -> char {
    let (curly, straight) = apostrophe_counts(text);
    if curly > straight {
        '\u{2019}'
    } else {
        '\''
    }
}

/// The apostrophes of `text` that follow a letter or digit: curly ones and
/// straight ones (see [`apostrophe_style`]; summed over a document's
/// windows).
pub fn apostrophe_counts(text: &str) -> (usize, usize) {
    let mut curly = 0usize;
    let mut straight = 0usize;
    // Only the apostrophes are looked at, and the character before each:
    // `'` and the first byte of `’` (E2 80 99), found with memchr.
    let bytes = text.as_bytes();
    for i in memchr::memchr2_iter(b'\'', 0xE2, bytes) {
        let straight_here = bytes[i] == b'\'';
        if !straight_here && !text[i..].starts_with('\u{2019}') {
            continue;
        }
        if text[..i]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
        {
            if straight_here {
                straight += 1;
            } else {
                curly += 1;
            }
        }
    }
    (curly, straight)
}

/// The candidate `original` written the way the text wrote the spun form it
/// replaces: its case pattern and apostrophe style.
///
/// A lower-case original takes the case of the spun text (`Common` ->
/// `General`, `CENTER EAST` -> `MIDDLE EAST`, a capitalised phrase -> each
/// word capitalised); an original with capitals of its own (`Americans`) keeps
/// them unless the spun text is in capitals. A short word in capitals is an
/// acronym (`USA` -> `United States`).
///
/// ```
/// use unspin::restore::match_case;
/// assert_eq!(match_case("general", "Common", '\''), "General");
/// assert_eq!(match_case("Middle East", "CENTER EAST", '\''), "MIDDLE EAST");
/// assert_eq!(match_case("supreme leader", "Supreme Chief", '\''), "Supreme Leader");
/// assert_eq!(match_case("as well as", "In addition to", '\''), "As well as");
/// assert_eq!(match_case("don't", "do not", '’'), "don’t");
/// ```
pub fn match_case(original: &str, spun: &str, apostrophe: char) -> String {
    if !spun.chars().any(char::is_uppercase) {
        // Lower-case text takes the original as the table writes it.
        return with_apostrophe(original.to_string(), apostrophe);
    }
    // The spun form's words and the separators between them (whitespace or
    // a hyphen: "Main-Common").
    let spun_words = || {
        spun.split(|c: char| c.is_whitespace() || c == '-')
            .filter(|w| !w.is_empty())
    };
    let n_spun = spun_words().count();
    // Capitalised parts of a hyphenated word are spun one by one, so their
    // hyphen is the author's ("Major-General" -> "Main-Common"); a lower-case
    // hyphenated form is the spinner's own output ("far away" -> "far-off").
    let hyphenated = spun.contains('-')
        && spun_words().all(|w| w.chars().next().is_some_and(char::is_uppercase));
    // A short word in capitals is an acronym the spinner wrote ("USA" for
    // "United States"), not text in capitals.
    let acronym = n_spun == 1 && spun.chars().filter(|c| c.is_alphabetic()).count() <= 4;
    // The original's words and what separates them: a space, or a hyphen
    // of its own ("semi-automatic").
    let original_words = || original.split([' ', '-']);
    let own_hyphens = original.contains('-');
    let cased = if Case::of(spun) == Case::Upper && !acronym {
        original.to_uppercase()
    } else if Case::of(original) == Case::Lower && n_spun > 1 && original_words().count() == n_spun
    {
        // Word for word: each takes its counterpart's capital, and the
        // spun form's hyphens ("Main-Common" -> "Major-General"), or the
        // original's ("Semi-Computerized" -> "Semi-Automatic").
        let mut out = String::with_capacity(original.len());
        let separators = original.matches([' ', '-']);
        let mut separators = separators.map(|s| s.chars().next().unwrap_or(' '));
        for (i, (o, w)) in original_words().zip(spun_words()).enumerate() {
            if i > 0 {
                let own = separators.next().unwrap_or(' ');
                out.push(if hyphenated && !own_hyphens { '-' } else { own });
            }
            let mut chars = o.chars();
            match chars.next() {
                Some(first) if w.chars().next().is_some_and(char::is_uppercase) => {
                    out.extend(first.to_uppercase());
                    out.push_str(chars.as_str());
                }
                _ => out.push_str(o),
            }
        }
        out
    } else if spun.chars().next().is_some_and(char::is_uppercase) {
        capitalise(original)
    } else {
        original.to_string()
    };
    with_apostrophe(cased, apostrophe)
}

/// Where a spun form stands, as far as the case of its original goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Place {
    /// It begins a sentence (or a quotation, or a paragraph).
    pub initial: bool,
    /// It stands among capitalised words, as in a name or a title ("the
    /// Supreme Chief", "Individuals’s Mobilization Forces"), or is such a
    /// run of capitalised words itself.
    pub titled: bool,
}

/// Where the form at `span` of `text` stands (see [`Place`]).
///
/// ```
/// use unspin::restore::place;
/// let text = "He said. 1000's fled, with the Supreme Chief and Individuals.";
/// assert!(place(text, 9..15).initial);
/// assert!(!place(text, 49..60).initial && !place(text, 49..60).titled);
/// assert!(place(text, 39..44).titled);
/// ```
pub fn place(text: &str, span: std::ops::Range<usize>) -> Place {
    let (Some(before), Some(written), Some(after)) = (
        text.get(..span.start),
        text.get(span.clone()),
        text.get(span.end..),
    ) else {
        return Place::default();
    };
    let initial = starts_sentence(before);
    let capitalised = |w: &str| w.starts_with(char::is_uppercase) && w != "I";
    // A word beside the form, across spaces or a hyphen only.
    let beside = |s: &str| !s.is_empty() && s.chars().all(|c| c == ' ' || c == '-');
    let prev = {
        let end = before.trim_end_matches([' ', '-']).len();
        let start = before[..end]
            .rfind(|c: char| !(c.is_alphanumeric() || is_apostrophe(c)))
            .map_or(0, |i| {
                i + before[i..].chars().next().map_or(1, char::len_utf8)
            });
        (beside(&before[end..]) && !starts_sentence(&before[..start])).then(|| &before[start..end])
    };
    let next = {
        // Past a possessive's apostrophe ("Individuals’ Forces").
        let after = after.trim_start_matches(is_apostrophe);
        let start = after.len() - after.trim_start_matches([' ', '-']).len();
        let rest = &after[start..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || is_apostrophe(c)))
            .unwrap_or(rest.len());
        beside(&after[..start]).then(|| &rest[..end])
    };
    let words: Vec<&str> = written
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .collect();
    let titled = prev.is_some_and(capitalised)
        || next.is_some_and(capitalised)
        || (words.len() > 1 && words.iter().all(|w| capitalised(w)));
    Place { initial, titled }
}

/// Whether the text after `before` begins a sentence, as the decision and
/// the windows of a large document read one (so that a form at a window's
/// start is cased as in the whole): nothing but opening quotes and brackets
/// since the start of the text, a `.`, `!` or `?`, a line break after
/// punctuation that ends a clause, a blank line, or a quotation opened
/// after `:` or `,`.
fn starts_sentence(before: &str) -> bool {
    let opening = |c: char| "\"'“‘«([".contains(c);
    let trimmed = before.trim_end();
    let unquoted = trimmed.trim_end_matches(opening);
    let quoted = unquoted.len() < trimmed.len();
    let unquoted = unquoted.trim_end();
    let gap = &before[unquoted.len()..];
    let Some(last) = unquoted.chars().next_back() else {
        return true;
    };
    if gap.matches('\n').count() >= 2
        || (gap.contains('\n') && crate::tokenize::ends_clause(unquoted))
    {
        return true;
    }
    match last {
        '.' | '!' | '?' | '…' => true,
        ':' | ',' => quoted,
        _ => false,
    }
}

/// The candidate `original` written as [`match_case`] writes it, and in the
/// case its `place` in the sentence needs: capitalised at a sentence's start
/// where the spun form could not carry the capital (`1000’s` ->
/// `Thousands`); inside a sentence, a lower-case original is not
/// capitalised just because the spinner capitalised the spun form, unless
/// it stands among capitalised words (a name, a title).
///
/// ```
/// use unspin::restore::{case_in_place, Place};
/// let initial = Place { initial: true, titled: false };
/// let inside = Place::default();
/// let titled = Place { initial: false, titled: true };
/// assert_eq!(case_in_place("thousands", "1000’s", '’', initial), "Thousands");
/// assert_eq!(case_in_place("people", "Individuals", '\'', inside), "people");
/// assert_eq!(case_in_place("Americans", "Individuals", '\'', inside), "Americans");
/// assert_eq!(case_in_place("leader", "Chief", '\'', titled), "Leader");
/// ```
pub fn case_in_place(original: &str, spun: &str, apostrophe: char, place: Place) -> String {
    match reads_place(spun) {
        true => case_by_place(original, spun, apostrophe, place),
        // The short way to what that gives for such a form.
        false => with_apostrophe(original.to_string(), apostrophe),
    }
}

fn case_by_place(original: &str, spun: &str, apostrophe: char, place: Place) -> String {
    let first_letter = spun.chars().find(|c| c.is_alphabetic());
    let starts_with_letter = spun.starts_with(char::is_alphabetic);
    let cased = if place.initial || place.titled || Case::of(original) != Case::Lower {
        match_case(original, spun, apostrophe)
    } else if starts_with_letter
        && first_letter.is_some_and(char::is_uppercase)
        && Case::of(spun) != Case::Upper
    {
        // Capitalised inside a sentence by the spinner, after the original
        // it replaced: a lower-case original stays lower case.
        with_apostrophe(original.to_string(), apostrophe)
    } else {
        match_case(original, spun, apostrophe)
    };
    if place.initial && !starts_with_letter && cased.starts_with(char::is_lowercase) {
        // A spun form that begins with a digit or a sign cannot carry the
        // capital of the original it replaced.
        return capitalise(&cased);
    }
    cased
}

/// Whether [`case_in_place`] reads the [`Place`] of `spun`: not when it
/// begins with a letter and holds no capital, where an original keeps the
/// case the table writes it in wherever it stands. Finding a place scans
/// the text around the form, so a caller with many forms finds it only
/// where it is read.
///
/// ```
/// use unspin::restore::{case_in_place, reads_place, Place};
/// assert!(!reads_place("final night time") && reads_place("Final") && reads_place("1000's"));
/// let initial = Place { initial: true, titled: false };
/// assert_eq!(case_in_place("last night", "final night time", '\'', initial), "last night");
/// ```
pub fn reads_place(spun: &str) -> bool {
    !spun.starts_with(char::is_alphabetic) || spun.chars().any(char::is_uppercase)
}

/// True for the characters that break a line.
pub fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{b}' | '\u{c}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// Lays `original` out like the `written` form it replaces, so that a
/// restoration never removes a line break: when the written form runs
/// across lines, each stretch of whitespace holding a line break is kept
/// as written, in the original's space at the same relative place (word for
/// word when both have as many words). Returns false, leaving `original`
/// as it is, when it has no space to hold them (one word): such a form is
/// better kept as written than joined onto one line.
///
/// ```
/// use unspin::restore::keep_line_breaks;
/// let mut o = String::from("last night");
/// assert!(keep_line_breaks(&mut o, "final night\ntime"));
/// assert_eq!(o, "last\nnight");
/// let mut o = String::from("war");
/// assert!(!keep_line_breaks(&mut o, "the\nstruggle"));
/// assert!(keep_line_breaks(&mut o, "struggle"));
/// assert_eq!(o, "war");
/// ```
pub fn keep_line_breaks(original: &mut String, written: &str) -> bool {
    if !written.contains(is_line_break) {
        return true;
    }
    // The whitespace between the written words, and which of it breaks.
    let gaps: Vec<&str> = {
        let mut gaps = Vec::new();
        let mut start = None;
        for (i, c) in written.char_indices() {
            match (c.is_whitespace(), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    gaps.push(&written[s..i]);
                    start = None;
                }
                _ => {}
            }
        }
        gaps
    };
    let slots = original.matches(' ').count();
    if slots == 0 {
        return false;
    }
    let mut fill: Vec<String> = vec![String::new(); slots];
    for (j, gap) in gaps.iter().enumerate() {
        if !gap.contains(is_line_break) {
            continue;
        }
        let t = if gaps.len() == slots || gaps.len() < 2 {
            j.min(slots - 1)
        } else {
            (j * (slots - 1) + (gaps.len() - 1) / 2) / (gaps.len() - 1)
        };
        fill[t].push_str(gap);
    }
    let mut out = String::with_capacity(original.len() + 8);
    for (i, word) in original.split(' ').enumerate() {
        if i > 0 {
            let f = &fill[i - 1];
            out.push_str(if f.is_empty() { " " } else { f });
        }
        out.push_str(word);
    }
    // A break before the first word or after the last (never so in a
    // finding, which starts and ends with a word) has no place.
    let breaks = |s: &str| s.chars().filter(|&c| is_line_break(c)).count();
    if breaks(&out) < breaks(written) {
        return false;
    }
    *original = out;
    true
}

/// A finding's text on one line, for listings: line breaks, tabs and
/// other control characters written as escapes (`\n`, `\t`, `\u{2028}`).
///
/// ```
/// assert_eq!(unspin::restore::one_line("final night\ntime"), "final night\\ntime");
/// ```
pub fn one_line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() || is_line_break(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if c.is_control() || is_line_break(c) {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// `text` with every apostrophe written as `apostrophe`.
fn with_apostrophe(text: String, apostrophe: char) -> String {
    if !text.contains(is_apostrophe) {
        return text;
    }
    text.chars()
        .map(|c| if is_apostrophe(c) { apostrophe } else { c })
        .collect()
}

/// `word` with its first letter upper case.
pub fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Replaces each span of `text` with its replacement. Spans must be sorted
/// and must not overlap; an edit that overlaps the previous one is ignored.
/// With no edit (or only edits that change nothing) the text is borrowed.
///
/// ```
/// use unspin::restore::apply;
/// let out = apply("a struggle began", [(2..10, "war")]);
/// assert_eq!(out, "a war began");
/// ```
pub fn apply<'t, S: AsRef<str>>(
    text: &'t str,
    edits: impl IntoIterator<Item = (Range<usize>, S)>,
) -> Cow<'t, str> {
    let mut out: Option<String> = None;
    let mut at = 0;
    for (span, replacement) in edits {
        let replacement = replacement.as_ref();
        if span.start < at || text.get(span.clone()).is_none() {
            continue;
        }
        if &text[span.clone()] == replacement {
            continue;
        }
        let buf = out.get_or_insert_with(|| String::with_capacity(text.len() + 64));
        buf.push_str(&text[at..span.start]);
        buf.push_str(replacement);
        at = span.end;
    }
    match out {
        None => Cow::Borrowed(text),
        Some(mut buf) => {
            buf.push_str(&text[at..]);
            Cow::Owned(buf)
        }
    }
}

/// How a document writes each word inside its sentences: capitalised, or in
/// lower case. A spinner that writes its replacements in the thesaurus's
/// lower case (the family that reads every member of a line as a key, and
/// capitalises only sentence starts) turns "the White House" into "the
/// white home"; restored to "house", the proper noun needs its capital
/// back. A word an author capitalises inside sentences more often than not
/// is a name ("Congress", "House"): an original restored in lower case
/// inside a sentence takes the capitals of such words.
#[derive(Debug, Clone, Default)]
pub(crate) struct CaseMemory {
    /// Per word (in lower case): the times it is written capitalised and in
    /// lower case after a word, a comma or a semicolon and a space.
    counts: FxHashMap<Box<str>, (u32, u32)>,
}

impl CaseMemory {
    /// The memory of `text`, tokenized as `tokens`.
    pub(crate) fn of(text: &str, tokens: &[Token]) -> CaseMemory {
        let mut m = CaseMemory::default();
        m.add(text, tokens);
        m
    }

    /// Adds the words of `text` (one window of a document after another
    /// gives the whole document's memory: a window starts a line or a
    /// sentence, where no word is counted).
    pub(crate) fn add(&mut self, text: &str, tokens: &[Token]) {
        for k in 2..tokens.len() {
            let (word, space, before) = (&tokens[k], &tokens[k - 1], &tokens[k - 2]);
            let inside = space.kind == TokenKind::Space
                && !text[space.span.clone()].contains(is_line_break)
                && match before.kind {
                    TokenKind::Word | TokenKind::Number => true,
                    TokenKind::Punct => matches!(&text[before.span.clone()], "," | ";"),
                    _ => false,
                };
            if word.kind != TokenKind::Word || !inside {
                continue;
            }
            let w = &text[word.span.clone()];
            let (key, title) = match Case::of(w) {
                Case::Title => (Cow::Owned(w.to_lowercase()), true),
                Case::Lower => (Cow::Borrowed(w), false),
                _ => continue,
            };
            let e = match self.counts.get_mut(key.as_ref()) {
                Some(e) => e,
                None => self.counts.entry(key.into()).or_default(),
            };
            match title {
                true => e.0 += 1,
                false => e.1 += 1,
            }
        }
    }

    /// Whether the document writes `word` (in lower case) capitalised
    /// inside its sentences more often than in lower case there.
    pub(crate) fn titled(&self, word: &str) -> bool {
        self.counts
            .get(word)
            .is_some_and(|&(title, lower)| title > lower)
    }

    /// Gives the candidates at each site of a thesaurus's form written in
    /// lower case the capitals of the words the document writes so
    /// ([`CaseMemory::titled`]).
    pub(crate) fn recapitalise(&self, text: &str, sites: &mut [Site]) {
        if self.counts.is_empty() {
            return;
        }
        for site in sites.iter_mut() {
            let lower = text[site.span.clone()].starts_with(char::is_lowercase);
            if site.standing.is_none() || !lower {
                continue;
            }
            for c in site.candidates.iter_mut() {
                if Case::of(&c.original) != Case::Lower {
                    continue;
                }
                let words: Vec<Cow<str>> = c
                    .original
                    .split(' ')
                    .map(|w| match self.titled(w) {
                        true => Cow::Owned(capitalise(w)),
                        false => Cow::Borrowed(w),
                    })
                    .collect();
                if words.iter().any(|w| matches!(w, Cow::Owned(_))) {
                    c.original = words.join(" ");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tokenize::tokenize;

    #[test]
    fn a_form_that_reads_no_place_is_cased_alike_everywhere() {
        let places = [(false, false), (true, false), (false, true), (true, true)]
            .map(|(initial, titled)| Place { initial, titled });
        let originals = ["last night", "Americans", "USA", "don't", "e-mail", "1,000"];
        for spun in ["final night time", "individuals", "won’t", "far-off", "ça"] {
            assert!(!reads_place(spun), "{spun}");
            for original in originals {
                for apostrophe in ['\'', '\u{2019}'] {
                    for place in places {
                        assert_eq!(
                            case_in_place(original, spun, apostrophe, place),
                            case_by_place(original, spun, apostrophe, place),
                            "{original} {spun} {place:?}"
                        );
                    }
                }
            }
        }
        for spun in ["Final", "1000’s", "USA", "’em"] {
            assert!(reads_place(spun), "{spun}");
        }
    }

    #[test]
    fn intrinsic_capitals_survive_lower_case_text() {
        assert_eq!(match_case("Americans", "Individuals", '\''), "Americans");
        assert_eq!(match_case("Americans", "individuals", '\''), "Americans");
        assert_eq!(match_case("Americans", "INDIVIDUALS", '\''), "AMERICANS");
    }

    #[test]
    fn hyphenated_forms_map_word_for_word() {
        assert_eq!(
            match_case("major general", "Main-Common", '\''),
            "Major-General"
        );
        assert_eq!(match_case("far away", "far-off", '\''), "far away");
        assert_eq!(
            match_case("as well as", "In addition to", '\''),
            "As well as"
        );
    }

    #[test]
    fn acronyms_the_spinner_wrote_take_the_original_case() {
        assert_eq!(match_case("United States", "USA", '\''), "United States");
        assert_eq!(
            match_case("the United States", "The USA", '\''),
            "The United States"
        );
    }

    #[test]
    fn sentence_initial_capital_is_carried_over() {
        assert_eq!(match_case("said", "Mentioned", '\''), "Said");
        assert_eq!(match_case("we have", "Now we have", '\''), "We have");
    }

    #[test]
    fn hyphenated_originals_take_the_capitals_of_hyphenated_parts() {
        assert_eq!(
            match_case("semi-automatic", "Semi-Computerized", '\''),
            "Semi-Automatic"
        );
        assert_eq!(
            match_case("semi-automatic", "semi-computerized", '\''),
            "semi-automatic"
        );
        assert_eq!(match_case("far-off", "Far away", '\''), "Far-off");
    }

    /// The case [`case_in_place`] gives `original` for the first `spun` in
    /// `text`.
    fn in_place(text: &str, spun: &str, original: &str) -> String {
        let at = text.find(spun).unwrap();
        let p = place(text, at..at + spun.len());
        case_in_place(original, spun, '\u{2019}', p)
    }

    #[test]
    fn a_restoration_takes_the_case_of_its_place_in_the_sentence() {
        let text = "1000’s of Iranians fled. He was plotting assaults towards Individuals however.";
        assert_eq!(in_place(text, "1000’s", "thousands"), "Thousands");
        assert_eq!(in_place(text, "Individuals", "people"), "people");
        assert_eq!(in_place(text, "Individuals", "Americans"), "Americans");
        assert_eq!(
            in_place("killing 1000’s of them", "1000’s", "thousands"),
            "thousands"
        );
        // After a quotation opens, a paragraph, or an initial's full stop.
        assert_eq!(
            in_place("tweeted: ‘1000’s died", "1000’s", "thousands"),
            "Thousands"
        );
        assert_eq!(in_place("end\n\n4 men", "4", "four"), "Four");
        // A full stop before a capital ends a sentence, as the decision
        // and the windows of a large document read it.
        assert_eq!(
            in_place("the U.S. Individuals", "Individuals", "people"),
            "People"
        );
        assert_eq!(
            in_place("said:\nJustice Department", "Department", "branch"),
            "branch"
        );
        assert_eq!(
            in_place("said. Individuals fled", "Individuals", "people"),
            "People"
        );
    }

    #[test]
    fn capitals_among_capitalised_words_are_kept() {
        let text = "the Iran-backed Individuals’s Mobilzation Forces and the Supreme Chief said";
        assert_eq!(in_place(text, "Individuals’s", "people's"), "People’s");
        assert_eq!(
            in_place("the Individuals’ Forces", "Individuals", "people"),
            "People"
        );
        assert_eq!(in_place(text, "Chief", "leader"), "Leader");
        assert_eq!(
            in_place(text, "Supreme Chief", "supreme leader"),
            "Supreme Leader"
        );
        // A sentence's first word is capitalised for the sentence, not a name.
        assert_eq!(
            in_place("If Individuals wherever are", "Individuals", "people"),
            "people"
        );
        assert_eq!(in_place("and I Mentioned it", "Mentioned", "said"), "said");
    }

    #[test]
    fn line_breaks_are_kept_in_place_or_the_original_declined() {
        let mut o = String::from("as well as");
        assert!(keep_line_breaks(&mut o, "in addition\r\n  to"));
        assert_eq!(o, "as well\r\n  as");
        let mut o = String::from("last night");
        assert!(keep_line_breaks(&mut o, "final\nnight\ntime"));
        assert_eq!(o, "last\n\nnight");
        // A break at an edge has no place between words.
        let mut o = String::from("a b");
        assert!(!keep_line_breaks(&mut o, "x y\n"));
        assert_eq!(o, "a b");
    }

    #[test]
    fn apply_keeps_untouched_bytes() {
        let text = "x  y\u{2019}z\tw";
        assert_eq!(apply(text, [(0..1, "q")]), "q  y\u{2019}z\tw");
        assert!(matches!(apply(text, [(0..1, "x")]), Cow::Borrowed(_)));
    }

    #[test]
    fn apply_skips_overlapping_and_out_of_range_edits() {
        assert_eq!(
            apply("abcdef", [(0..3, "X"), (2..4, "Y"), (4..9, "Z")]),
            "Xdef"
        );
    }

    #[test]
    fn words_are_counted_inside_sentences_only() {
        let text = "House rules. The House met.\nHouse members and the House agreed; the \
                    house was full. Congress too, Congress said, and new laws.";
        let m = CaseMemory::of(text, &tokenize(text));
        // Two "the House" against one "the house": inside sentences, the
        // sentence starts and the line start not counted.
        assert!(m.titled("house"));
        assert!(m.titled("congress"));
        assert!(!m.titled("new"));
        assert!(!m.titled("rules"));
        let mut halves = CaseMemory::default();
        for half in text.split_inclusive('\n') {
            halves.add(half, &tokenize(half));
        }
        assert_eq!(
            format!("{:?}", sorted(&halves)),
            format!("{:?}", sorted(&m))
        );
    }

    fn sorted(m: &CaseMemory) -> Vec<(String, (u32, u32))> {
        let mut v: Vec<_> = m.counts.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        v.sort();
        v
    }
}
