//! A document analysed in windows by an [`Unspinner`]: the first pass that
//! gathers the whole document's evidence, then each window decided with it
//! (see [`crate::window`] for how a text is cut).

use std::borrow::Cow;

use crate::unspinner::{DocumentSummary, Unspinner};
use crate::window::windows;

/// What the whole of `text`, read in windows of at most `size` bytes, tells
/// its windows' decisions (see [`Unspinner::summarize`]).
pub fn summarize(u: &Unspinner, text: &str, size: usize) -> DocumentSummary {
    u.summarize(|each| {
        windows(text, size).for_each(|w| each(w.text));
        Ok::<(), std::convert::Infallible>(())
    })
    .unwrap_or_else(|e| match e {})
}

/// `text` restored as the command line restores a file over `size` bytes:
/// whole when it fits, else window by window with [`summarize`]'s
/// evidence, so that memory is the text's, the restored text's and one
/// window's analysis (a whole analysis takes tens of times the text). The
/// text itself, borrowed, when nothing is restored.
///
/// ```
/// use unspin::windowed::restore;
/// let u = unspin::Unspinner::builder().build().unwrap();
/// let text = "We took motion final night time. The struggle is one in all the worst.\n";
/// assert_eq!(restore(&u, text, 40), u.analyze(text).restore());
/// ```
pub fn restore<'t>(u: &Unspinner, text: &'t str, size: usize) -> Cow<'t, str> {
    restored(u, text, size).text
}

/// A text restored by [`restored`], with the verdict on it.
#[derive(Debug, Clone)]
pub struct Restored<'t> {
    /// The restored text: borrowed when nothing is restored.
    pub text: Cow<'t, str>,
    /// Whether the document is judged spun ([`crate::Analysis::is_spun`],
    /// [`DocumentSummary::is_spun`] over windows).
    pub spun: bool,
}

/// [`restore`], with the verdict on the document (for a caller that passes
/// on only the spun documents, or only the clean).
///
/// ```
/// use unspin::windowed::restored;
/// let u = unspin::Unspinner::builder().build().unwrap();
/// let text = "We took motion final night time. The struggle is one in all the worst.\n";
/// let r = restored(&u, text, 40);
/// assert_eq!(r.spun, u.analyze(text).is_spun());
/// assert_eq!(r.text, u.analyze(text).restore());
/// ```
pub fn restored<'t>(u: &Unspinner, text: &'t str, size: usize) -> Restored<'t> {
    if text.len() <= size {
        let a = u.analyze(text);
        return Restored {
            spun: a.is_spun(),
            text: a.restore(),
        };
    }
    let summary = summarize(u, text, size);
    let mut out: Option<String> = None;
    let mut at = 0;
    for w in windows(text, size) {
        if let Cow::Owned(restored) = u.analyze_window(w, &summary).restore() {
            let buf = out.get_or_insert_with(|| String::with_capacity(text.len() + 64));
            buf.push_str(&text[at..w.start.offset]);
            buf.push_str(&restored);
            at = w.start.offset + w.text.len();
        }
    }
    let text = match out {
        None => Cow::Borrowed(text),
        Some(mut buf) => {
            buf.push_str(&text[at..]);
            Cow::Owned(buf)
        }
    };
    Restored {
        text,
        spun: summary.is_spun(),
    }
}
