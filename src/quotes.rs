//! Quoted speech: where it is in a text.
//!
//! Some spinners leave quoted passages alone (a "protect quotes" option),
//! others spin them like the rest. The decision judges per document which
//! it was (see `decide`), from the spin evidence inside quotes against the
//! evidence outside; this module only finds the quotes.
//!
//! A quote opens at `“` or a straight `"` and closes at `”` or the next
//! straight `"`; a quote left open ends with its line (news continues a
//! quotation into the next paragraph by opening it again).

use std::ops::Range;

/// The byte ranges of the quoted passages of `text`, quote marks included,
/// in order and disjoint.
///
/// ```ignore
/// let q = quoted("He said \"we won\" and left.");
/// assert_eq!(&"He said \"we won\" and left."[q[0].clone()], "\"we won\"");
/// ```
pub(crate) fn quoted(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    let bytes = text.as_bytes();
    // Every text is read here: only line breaks, straight quotes and the
    // lead byte of curly ones (`“` is E2 80 9C, `”` E2 80 9D) are looked at.
    for i in memchr::memchr3_iter(b'\n', b'"', 0xE2, bytes) {
        let c = match bytes[i] {
            b'\n' => '\n',
            b'"' => '"',
            _ => match bytes.get(i + 1..i + 3) {
                Some([0x80, 0x9C]) => '“',
                Some([0x80, 0x9D]) => '”',
                _ => continue,
            },
        };
        match (c, open) {
            ('\n', Some(start)) => {
                out.push(start..i);
                open = None;
            }
            ('“', None) | ('"', None) => open = Some(i),
            ('”', Some(start)) | ('"', Some(start)) => {
                out.push(start..i + c.len_utf8());
                open = None;
            }
            _ => {}
        }
    }
    if let Some(start) = open {
        out.push(start..text.len());
    }
    out
}

/// Whether `span` lies inside one of `quotes` (as [`quoted`] gives them),
/// found by binary search.
pub(crate) fn inside(quotes: &[Range<usize>], span: &Range<usize>) -> bool {
    let i = quotes.partition_point(|q| q.end <= span.start);
    quotes
        .get(i)
        .is_some_and(|q| q.start <= span.start && span.end <= q.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_marks_sharing_the_curly_quotes_lead_byte_are_not_quotes() {
        // `—`, `’` and `…` start with E2 80 as `“` and `”` do.
        let t = "a — b’s … “c — d’s” e\n“f ’g";
        let q = quoted(t);
        assert_eq!(q.len(), 2);
        assert_eq!(&t[q[0].clone()], "“c — d’s”");
        assert_eq!(&t[q[1].clone()], "“f ’g");
    }

    #[test]
    fn straight_and_curly_quotes_pair_up() {
        let t = "a \"b c\" d “e” f";
        let q = quoted(t);
        assert_eq!(q.len(), 2);
        assert_eq!(&t[q[0].clone()], "\"b c\"");
        assert_eq!(&t[q[1].clone()], "“e”");
        assert!(inside(&q, &(3..4)));
        assert!(!inside(&q, &(0..1)));
        assert!(!inside(&q, &(8..9)));
    }

    #[test]
    fn an_open_quote_ends_with_its_line() {
        let t = "“open\nnot quoted “x";
        let q = quoted(t);
        assert_eq!(&t[q[0].clone()], "“open");
        assert_eq!(&t[q[1].clone()], "“x");
        assert!(!inside(&q, &(9..12)));
    }
}
