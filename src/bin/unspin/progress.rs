//! What a batch tells the person running it: a progress bar on standard
//! error when it is a terminal, messages that do not garble it, and the
//! summary at the end.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use unspin::batch::Totals;

use crate::print::count;

/// The summary line of a batch: documents, judged spun and clean,
/// restorations, errors, volume, time and throughput.
pub fn summary(t: &Totals, elapsed: Duration) -> String {
    let secs = elapsed.as_secs_f64();
    let mb = t.bytes as f64 / 1e6;
    let rate = if secs > 0.0 { mb / secs } else { 0.0 };
    let mut s = format!(
        "{}, {} spun, {} clean, {}, {}",
        count(t.documents, "document"),
        t.spun,
        t.clean(),
        count(t.restorations, "restoration"),
        count(t.errors, "error")
    );
    if t.skipped > 0 {
        s += &format!(", {} skipped", t.skipped);
    }
    if t.resumed > 0 {
        s += &format!(", {} resumed", t.resumed);
    }
    s + &format!("; {mb:.2} MB in {secs:.2} s, {rate:.2} MB/s")
}

/// The progress bar, or nothing when it is not wanted.
#[derive(Debug, Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
    documents: Arc<AtomicUsize>,
}

impl Progress {
    /// A bar on standard error when `enabled`; hidden otherwise.
    pub fn new(enabled: bool) -> Progress {
        let bar = enabled.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(8));
            bar.set_style(Self::style(false));
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        });
        Progress {
            bar,
            documents: Arc::default(),
        }
    }

    fn style(known: bool) -> ProgressStyle {
        let template = if known {
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg} {binary_bytes_per_sec} eta {eta}"
        } else {
            "{spinner} [{elapsed_precise}] {bytes} {msg} {binary_bytes_per_sec}"
        };
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
    }

    /// Whether a bar is shown.
    pub fn is_shown(&self) -> bool {
        self.bar.is_some()
    }

    /// Sets the total bytes, once known, for the time left.
    pub fn set_total(&self, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(bytes);
            bar.set_style(Self::style(true));
        }
    }

    /// Counts documents and bytes done.
    pub fn advance(&self, documents: usize, bytes: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(bytes);
            if documents > 0 {
                let n = self.documents.fetch_add(documents, Ordering::Relaxed) + documents;
                bar.set_message(format!("{n} docs"));
            }
        }
    }

    /// Prints a line on standard error without garbling the bar.
    pub fn eprintln(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_names_documents_spun_clean_restorations_errors_and_rate() {
        let t = Totals {
            documents: 4,
            spun: 1,
            restorations: 1,
            errors: 2,
            skipped: 1,
            resumed: 0,
            bytes: 2_000_000,
        };
        assert_eq!(
            summary(&t, Duration::from_secs(2)),
            "4 documents, 1 spun, 3 clean, 1 restoration, 2 errors, 1 skipped; 2.00 MB in 2.00 s, 1.00 MB/s"
        );
    }
}
