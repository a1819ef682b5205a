//! A batch report as one self-contained HTML page (`--report FILE.html`):
//! the counts over every document, a histogram of spin scores, the most
//! frequent spun forms with what they were restored to, and a sample of the
//! most spun documents, each opening with its restorations highlighted.
//!
//! The page holds no link to anything outside it: its style, script and
//! data are inline, so it opens from a file in any browser, offline. The
//! data are a JSON object in `<script type="application/json" id="data">`
//! (with `<` written `\u003c`), read by the page's script:
//!
//! * `totals`: `documents`, `spun`, `restorations`, `errors`, `sampled`;
//! * `histogram`: [`BINS`] counts of documents by score, `[0, 0.05)` first;
//! * `forms`: the most frequent spun forms, `{form, count, originals:
//!   [[original, count], …]}`, most frequent first;
//! * `documents`: the sample, `{name, score, spun, words, restorations,
//!   clipped, parts}`, where `parts` is the text as strings (unchanged
//!   text) and `[spun, original, confidence]` triples (restorations);
//! * `errors`: the first [`MAX_ERRORS`] error messages.
//!
//! A [`HtmlReport`] is fed while a batch runs and never holds every text:
//! [`HtmlReport::count`] takes each document's figures, and
//! [`HtmlReport::observe`] its analysis, of which only the
//! [`HtmlReport::new`]`(sample)` most spun are kept, in a bounded heap.

use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, HashMap};
use std::io::{self, Write};

use serde::Serialize;

use crate::finding::Finding;
use crate::unspinner::Analysis;

/// The page: style and script inline; `{{HISTOGRAM}}` and `{{DATA}}` are
/// filled in by [`HtmlReport::write`].
const PAGE: &str = include_str!("page.html");

/// Documents sampled by default: the most spun.
pub const DEFAULT_SAMPLE: usize = 1000;

/// Bars of the score histogram, each 1/BINS wide.
pub const BINS: usize = 20;

/// Spun forms listed, most frequent first.
pub const MAX_FORMS: usize = 100;

/// Error messages listed (every error is counted).
pub const MAX_ERRORS: usize = 200;

/// Bytes of a sampled document's text shown; the rest is cut (at a
/// character boundary outside any restoration) and said to be.
pub const MAX_TEXT: usize = 64 * 1024;

/// One document as counted: what every document contributes to the totals
/// and the histogram, whether or not it is sampled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Counted<'a> {
    /// Analysed, with its score, verdict and restorations.
    Analysed {
        /// The document spin score.
        score: f64,
        /// Whether it was judged spun.
        spun: bool,
        /// Restorations made or proposed.
        restorations: usize,
    },
    /// Could not be processed; the message names the file and place.
    Error(&'a str),
}

/// A piece of a sampled document's text.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Part {
    /// Text as written.
    Text(String),
    /// A restoration: the spun form, the original, and its confidence.
    Restored(String, String, f64),
}

/// A sampled document: its figures and its text in [`Part`]s.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SampledDocument {
    /// The document's name: its path, and `:LINE` for a JSON line.
    pub name: String,
    /// The document spin score, rounded to four decimals.
    pub score: f64,
    /// Whether it was judged spun.
    pub spun: bool,
    /// Words in the document.
    pub words: usize,
    /// Restorations proposed.
    pub restorations: usize,
    /// Bytes of text left out past [`MAX_TEXT`].
    pub clipped: usize,
    /// The text, restorations marked.
    pub parts: Vec<Part>,
}

impl SampledDocument {
    /// The sampled form of `a`, named `name`; with `restored` false (a
    /// document kept as written, under `--min-score`) no restoration is
    /// marked.
    pub fn new(name: &str, a: &Analysis<'_>, restored: bool) -> SampledDocument {
        let text = a.text();
        let restorations: Vec<&Finding> = a.restorations().filter(|_| restored).collect();
        let cut = clip_point(text, &restorations);
        let mut parts = Vec::new();
        let mut at = 0;
        for f in restorations.iter().filter(|f| f.span.end <= cut) {
            let Some(c) = f.restored() else { continue };
            if f.span.start > at {
                parts.push(Part::Text(text[at..f.span.start].to_string()));
            }
            parts.push(Part::Restored(
                f.spun.clone(),
                c.original.clone(),
                super::round4(c.score),
            ));
            at = f.span.end;
        }
        if cut > at {
            parts.push(Part::Text(text[at..cut].to_string()));
        }
        SampledDocument {
            name: name.to_string(),
            score: super::round4(a.score()),
            spun: a.is_spun(),
            words: a.words(),
            restorations: restorations.len(),
            clipped: text.len() - cut,
            parts,
        }
    }
}

/// Where a text is cut to [`MAX_TEXT`] bytes: a character boundary, moved
/// back before a restoration that would straddle it.
fn clip_point(text: &str, restorations: &[&Finding]) -> usize {
    if text.len() <= MAX_TEXT {
        return text.len();
    }
    let mut cut = MAX_TEXT;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    for f in restorations {
        if f.span.start < cut && cut < f.span.end {
            cut = f.span.start;
        }
    }
    cut
}

/// A sampled document in the heap, least spun on top; among equal scores
/// the later one goes first, so the sample keeps the earliest.
#[derive(Debug)]
struct Entry {
    score: f64,
    order: u64,
    doc: SampledDocument,
}

impl Entry {
    fn key(&self) -> (f64, Reverse<u64>) {
        (self.score, Reverse(self.order))
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        let (a, b) = (self.key(), other.key());
        a.0.total_cmp(&b.0).then(a.1.cmp(&b.1))
    }
}

/// How often one spun form was restored, and to what.
#[derive(Debug, Default, Clone)]
struct FormCount {
    count: u64,
    originals: HashMap<String, u64>,
}

/// The report being gathered; see the [module](self) documentation.
#[derive(Debug)]
pub struct HtmlReport {
    sample: usize,
    documents: u64,
    spun: u64,
    restorations: u64,
    errors: u64,
    histogram: [u64; BINS],
    forms: HashMap<String, FormCount>,
    heap: BinaryHeap<Reverse<Entry>>,
    observed: u64,
    messages: Vec<String>,
}

impl Default for HtmlReport {
    fn default() -> Self {
        HtmlReport::new(DEFAULT_SAMPLE)
    }
}

impl HtmlReport {
    /// An empty report keeping the `sample` most spun documents.
    pub fn new(sample: usize) -> HtmlReport {
        HtmlReport {
            sample,
            documents: 0,
            spun: 0,
            restorations: 0,
            errors: 0,
            histogram: [0; BINS],
            forms: HashMap::new(),
            heap: BinaryHeap::new(),
            observed: 0,
            messages: Vec::new(),
        }
    }

    /// Counts one document in the totals and the histogram.
    pub fn count(&mut self, c: Counted<'_>) {
        match c {
            Counted::Analysed {
                score,
                spun,
                restorations,
            } => {
                self.documents += 1;
                self.spun += u64::from(spun);
                self.restorations += restorations as u64;
                self.histogram[bin(score)] += 1;
            }
            Counted::Error(message) => {
                self.errors += 1;
                if self.messages.len() < MAX_ERRORS {
                    self.messages.push(message.to_string());
                }
            }
        }
    }

    /// Counts the spun forms restored in `findings` (a document, or a
    /// window of one read in windows).
    pub fn observe_forms(&mut self, findings: &[Finding]) {
        for f in findings {
            let Some(c) = f.restored() else { continue };
            let form = self.forms.entry(f.spun.to_lowercase()).or_default();
            form.count += 1;
            *form.originals.entry(c.original.to_lowercase()).or_default() += 1;
        }
    }

    /// Counts the spun forms of a whole document's analysis and keeps it
    /// in the sample if it is among the most spun so far; `restored` false
    /// (a document kept as written) counts no form and marks nothing. Its
    /// totals come through [`HtmlReport::count`].
    pub fn observe(&mut self, name: &str, a: &Analysis<'_>, restored: bool) {
        if restored {
            self.observe_forms(a.findings());
        }
        self.observed += 1;
        if self.sample == 0 {
            return;
        }
        let score = a.score();
        if self.heap.len() >= self.sample {
            match self.heap.peek() {
                // The least spun kept is at least as spun: this one is not kept.
                Some(Reverse(least)) if least.score >= score => return,
                _ => {}
            }
        }
        self.heap.push(Reverse(Entry {
            score,
            order: self.observed,
            doc: SampledDocument::new(name, a, restored),
        }));
        if self.heap.len() > self.sample {
            self.heap.pop();
        }
    }

    /// Documents counted (analysed, not errors).
    pub fn documents(&self) -> u64 {
        self.documents
    }

    /// The sampled documents, most spun first (ties in the order observed).
    pub fn sampled(&self) -> Vec<&SampledDocument> {
        let mut v: Vec<&Entry> = self.heap.iter().map(|Reverse(e)| e).collect();
        v.sort_by(|a, b| b.cmp(a));
        v.into_iter().map(|e| &e.doc).collect()
    }

    /// The most frequent spun forms with what they were restored to, most
    /// frequent first (ties alphabetical), at most [`MAX_FORMS`].
    pub fn top_forms(&self) -> Vec<FormSummary> {
        let mut v: Vec<FormSummary> = self
            .forms
            .iter()
            .map(|(form, c)| {
                let mut originals: Vec<(String, u64)> =
                    c.originals.iter().map(|(o, n)| (o.clone(), *n)).collect();
                originals.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                FormSummary {
                    form: form.clone(),
                    count: c.count,
                    originals,
                }
            })
            .collect();
        v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.form.cmp(&b.form)));
        v.truncate(MAX_FORMS);
        v
    }

    /// Writes the page.
    pub fn write(&self, out: &mut impl Write) -> io::Result<()> {
        let sampled = self.sampled();
        let data = PageData {
            totals: Totals {
                documents: self.documents,
                spun: self.spun,
                restorations: self.restorations,
                errors: self.errors,
                sampled: sampled.len(),
            },
            histogram: &self.histogram,
            forms: self.top_forms(),
            documents: sampled,
            errors: &self.messages,
        };
        let json = serde_json::to_string(&data).map_err(io::Error::other)?;
        let page = PAGE
            .replace("{{HISTOGRAM}}", &histogram_svg(&self.histogram))
            .replace("{{DATA}}", &script_safe(&json));
        out.write_all(page.as_bytes())
    }
}

/// A spun form and what it was restored to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormSummary {
    /// The spun form, lower case.
    pub form: String,
    /// Times it was restored.
    pub count: u64,
    /// Each original (lower case) with its count, most frequent first.
    pub originals: Vec<(String, u64)>,
}

#[derive(Serialize)]
struct Totals {
    documents: u64,
    spun: u64,
    restorations: u64,
    errors: u64,
    sampled: usize,
}

#[derive(Serialize)]
struct PageData<'a> {
    totals: Totals,
    histogram: &'a [u64; BINS],
    forms: Vec<FormSummary>,
    documents: Vec<&'a SampledDocument>,
    errors: &'a [String],
}

/// The histogram bar of `score` (scores outside [0, 1] go to the ends).
fn bin(score: f64) -> usize {
    if score.is_nan() {
        return 0;
    }
    ((score * BINS as f64).floor().max(0.0) as usize).min(BINS - 1)
}

/// JSON made safe inside a `<script>` element: no `<` to close it, and no
/// line separators that old parsers take for line ends.
fn script_safe(json: &str) -> String {
    json.replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The histogram as an inline SVG: a bar a bin, its count on hover.
fn histogram_svg(bins: &[u64; BINS]) -> String {
    let (w, h, bar) = (600.0, 160.0, 600.0 / BINS as f64);
    let max = bins.iter().copied().max().unwrap_or(0).max(1) as f64;
    let mut svg = format!(
        "<svg id=\"histogram\" viewBox=\"0 -4 {w} {}\" role=\"img\" \
         aria-label=\"documents by spin score\">",
        h + 24.0
    );
    for (i, &n) in bins.iter().enumerate() {
        let height = if n == 0 {
            0.0
        } else {
            (n as f64 / max * h).max(1.0)
        };
        let (lo, hi) = (i as f64 / BINS as f64, (i + 1) as f64 / BINS as f64);
        svg.push_str(&format!(
            "<rect class=\"bar\" data-count=\"{n}\" x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" \
             height=\"{height:.1}\"><title>{lo:.2}–{hi:.2}: {n} documents</title></rect>",
            i as f64 * bar + 1.0,
            h - height,
            bar - 2.0,
        ));
    }
    for tick in 0..=4 {
        let x = tick as f64 * w / 4.0;
        let anchor = match tick {
            0 => "start",
            4 => "end",
            _ => "middle",
        };
        svg.push_str(&format!(
            "<text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"{anchor}\">{:.2}</text>",
            h + 18.0,
            tick as f64 / 4.0
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Unspinner;

    fn unspinner() -> Unspinner {
        Unspinner::builder().build().unwrap()
    }

    const SPUN: &str = "We took motion final night time to cease a struggle. It is one in all the Center East wars.";

    #[test]
    fn the_sample_keeps_the_most_spun_documents_in_a_bounded_heap() {
        let u = unspinner();
        let mut r = HtmlReport::new(2);
        let texts = [
            (
                "clean",
                "The weather was fine and the market opened on time.",
            ),
            ("spun", SPUN),
            ("clean2", "Nothing here at all."),
            (
                "spun2",
                "It is one in all the Center East wars, a struggle.",
            ),
        ];
        for (name, t) in texts {
            let a = u.analyze(t);
            r.count(Counted::Analysed {
                score: a.score(),
                spun: a.is_spun(),
                restorations: a.restorations().count(),
            });
            r.observe(name, &a, true);
            assert!(r.heap.len() <= 2);
        }
        let names: Vec<&str> = r.sampled().iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names.len(), 2);
        assert!(names.iter().all(|n| n.starts_with("spun")), "{names:?}");
        assert!(r.sampled()[0].score >= r.sampled()[1].score);
        assert_eq!(r.documents(), 4);
    }

    #[test]
    fn a_sampled_document_is_its_text_with_the_restorations_marked() {
        let u = unspinner();
        let a = u.analyze(SPUN);
        let d = SampledDocument::new("x", &a, true);
        assert_eq!(
            SampledDocument::new("x", &a, false).parts,
            [Part::Text(SPUN.into())]
        );
        let rebuilt: String = d
            .parts
            .iter()
            .map(|p| match p {
                Part::Text(t) => t.as_str(),
                Part::Restored(spun, _, _) => spun.as_str(),
            })
            .collect();
        assert_eq!(rebuilt, SPUN);
        assert!(d.parts.iter().any(
            |p| matches!(p, Part::Restored(s, o, c) if s == "struggle" && o == "war" && *c > 0.0)
        ));
        assert_eq!(d.restorations, a.restorations().count());
        assert_eq!(d.clipped, 0);
    }

    #[test]
    fn a_long_text_is_clipped_outside_any_restoration() {
        let u = unspinner();
        let text = format!("{}a struggle ends.", "é".repeat(MAX_TEXT / 2 - 3));
        let a = u.analyze(&text);
        let f: Vec<&Finding> = a.restorations().collect();
        let cut = clip_point(&text, &f);
        assert!(text.is_char_boundary(cut) && cut <= MAX_TEXT);
        assert!(f.iter().all(|f| f.span.end <= cut || f.span.start >= cut));
        let d = SampledDocument::new("long", &a, true);
        assert_eq!(d.clipped, text.len() - cut);
    }

    #[test]
    fn forms_count_what_each_was_restored_to() {
        let u = unspinner();
        let mut r = HtmlReport::new(0);
        r.observe("a", &u.analyze(SPUN), true);
        r.observe("b", &u.analyze(SPUN), true);
        r.observe("kept", &u.analyze(SPUN), false);
        let forms = r.top_forms();
        let war = forms
            .iter()
            .find(|f| f.form == "struggle")
            .expect("struggle");
        assert_eq!(war.count, 2);
        assert_eq!(war.originals, [("war".to_string(), 2)]);
        assert!(r.sampled().is_empty());
    }

    #[test]
    fn the_page_is_self_contained_and_its_data_cannot_close_the_script() {
        let mut r = HtmlReport::new(10);
        r.count(Counted::Error("a.txt: bad </script><img src=x>"));
        r.count(Counted::Analysed {
            score: 0.97,
            spun: true,
            restorations: 3,
        });
        let mut page = Vec::new();
        r.write(&mut page).unwrap();
        let page = String::from_utf8(page).unwrap();
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(
            !page.contains("http://") && !page.contains("https://"),
            "no network"
        );
        assert!(!page.contains("<img"), "data escaped");
        assert_eq!(page.matches("</script>").count(), 2);
        assert!(page.contains("\"errors\":1"));
        assert!(page.contains("data-count=\"1\""));
    }

    #[test]
    fn scores_fall_into_their_bins() {
        assert_eq!(bin(0.0), 0);
        assert_eq!(bin(0.049), 0);
        assert_eq!(bin(0.05), 1);
        assert_eq!(bin(1.0), BINS - 1);
        assert_eq!(bin(f64::NAN), 0);
        assert_eq!(bin(-1.0), 0);
    }
}
