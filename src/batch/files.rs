//! Where a batch writes: output files written through a temporary file and
//! renamed when complete, and the per-document report.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use super::doc::{Record, Status};
use super::walk::is_temp_name;
use crate::input::Stamp;
use crate::report::html::{Counted, HtmlReport};

/// An output file being written. The bytes go to a temporary file
/// (`.unspin-XXXXXX.tmp`) beside the destination, which
/// [`FileSink::persist`] puts in its place when complete (see
/// [`crate::input::replace_with`]): readers see the old file or the
/// complete new one, never a part, and a replaced file keeps its
/// permissions, owner and hard links. A symlink is followed: its target is
/// written. Dropped without persisting, the temporary file is removed.
pub struct FileSink {
    dest: PathBuf,
    target: PathBuf,
    tmp: BufWriter<tempfile::NamedTempFile>,
    perms_from: Option<PathBuf>,
    bytes: u64,
}

impl FileSink {
    /// Starts writing `dest` (creating its directory); the finished file
    /// takes the permissions of `perms_from` when given, else those of the
    /// file it replaces, else the usual ones for a new file.
    pub fn create(dest: &Path, perms_from: Option<&Path>) -> io::Result<FileSink> {
        let target = crate::input::write_target(dest);
        if let Some(dir) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = crate::input::temp_beside(&target)?;
        Ok(FileSink {
            dest: dest.to_path_buf(),
            target,
            tmp: BufWriter::with_capacity(256 * 1024, tmp),
            perms_from: perms_from.map(Path::to_path_buf),
            bytes: 0,
        })
    }

    /// The file this sink will become.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Appends bytes.
    pub fn write(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.bytes += bytes.len() as u64;
        self.tmp.write_all(bytes)
    }

    /// Flushes the temporary file to disk and puts it in place of the
    /// destination; returns the bytes written. With `expect`, a destination
    /// changed since it was read (its size or mtime differs) is left as it
    /// is, and this is an error.
    pub fn persist(self, expect: Option<Stamp>) -> crate::Result<u64> {
        let tmp = self
            .tmp
            .into_inner()
            .map_err(|e| crate::Error::io(&self.dest, e.into_error()))?;
        crate::input::replace_with(tmp, &self.target, expect)?;
        if let Some(meta) = self
            .perms_from
            .as_deref()
            .and_then(|p| std::fs::metadata(p).ok())
        {
            // Best effort: a file we may not chmod is still written.
            let _ = std::fs::set_permissions(&self.target, meta.permissions());
        }
        Ok(self.bytes)
    }
}

/// Removes the temporary files (`.unspin-*.tmp`) that a killed run left in
/// `dir` and below; returns how many. Only for directories unspin owns (the
/// output directory): two runs must not share one.
pub fn remove_stale_temps(dir: &Path) -> usize {
    let mut removed = 0;
    for entry in ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .build()
        .flatten()
    {
        let is_temp = entry.file_type().is_some_and(|t| t.is_file())
            && entry.file_name().to_str().is_some_and(is_temp_name);
        if is_temp && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// The per-document report: CSV when the file name ends in `.csv`, an
/// HTML page for `.html` or `.htm`, JSON Lines otherwise. Written through a
/// temporary file, renamed into place by [`Report::finish`].
pub struct Report {
    sink: FileSink,
    format: ReportFormat,
}

/// The format of a [`Report`].
enum ReportFormat {
    Csv,
    JsonLines,
    /// Gathered while the batch runs (the workers feed it each analysis),
    /// written whole at the end.
    Html(Arc<Mutex<HtmlReport>>),
}

/// The columns of a CSV report.
pub const CSV_HEADER: &str = "path,line,id,status,score,spun,restorations,words,bytes,message\n";

impl Report {
    /// Starts the report at `path`.
    pub fn create(path: &Path) -> io::Result<Report> {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        let format = match ext.as_deref() {
            Some("csv") => ReportFormat::Csv,
            Some("html" | "htm") => ReportFormat::Html(Arc::default()),
            _ => ReportFormat::JsonLines,
        };
        let mut sink = FileSink::create(path, None)?;
        if let ReportFormat::Csv = format {
            sink.write(CSV_HEADER.as_bytes())?;
        }
        Ok(Report { sink, format })
    }

    /// The HTML report the workers feed, for an HTML report.
    pub fn html(&self) -> Option<Arc<Mutex<HtmlReport>>> {
        match &self.format {
            ReportFormat::Html(h) => Some(h.clone()),
            _ => None,
        }
    }

    /// Adds a document's row.
    pub fn row(&mut self, r: &Record) -> io::Result<()> {
        let mut line = match &self.format {
            ReportFormat::Csv => {
                let opt = |o: Option<String>| o.unwrap_or_default();
                [
                    csv_field(&r.path),
                    opt(r.line.map(|l| l.to_string())),
                    csv_field(r.id.as_deref().unwrap_or("")),
                    r.status.as_str().to_string(),
                    opt(r.score.map(|s| s.to_string())),
                    opt(r.spun.map(|s| s.to_string())),
                    r.restorations.to_string(),
                    r.words.to_string(),
                    r.bytes.to_string(),
                    csv_field(r.message.as_deref().unwrap_or("")),
                ]
                .join(",")
            }
            ReportFormat::JsonLines => serde_json::to_string(r)?,
            ReportFormat::Html(h) => {
                let counted = match (r.status, r.score) {
                    (Status::Ok, Some(score)) => Counted::Analysed {
                        score,
                        spun: r.spun == Some(true),
                        restorations: r.restorations,
                    },
                    (Status::Error, _) => Counted::Error(r.message.as_deref().unwrap_or(&r.path)),
                    // Skipped (a binary file met in a walk) and resumed
                    // documents are not in the page's counts.
                    _ => return Ok(()),
                };
                h.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .count(counted);
                return Ok(());
            }
        };
        line.push('\n');
        self.sink.write(line.as_bytes())
    }

    /// Writes an HTML report's page, then renames the report into place.
    pub fn finish(mut self) -> io::Result<()> {
        if let ReportFormat::Html(h) = &self.format {
            let mut page = Vec::new();
            h.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .write(&mut page)?;
            self.sink.write(&page)?;
        }
        self.sink
            .persist(None)
            .map(|_| ())
            .map_err(io::Error::other)
    }

    /// Where the report goes.
    pub fn path(&self) -> &Path {
        self.sink.dest()
    }
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_sink_leaves_no_file_and_persisted_one_is_complete() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("a/b.txt");
        let mut s = FileSink::create(&dest, None).unwrap();
        s.write(b"half").unwrap();
        drop(s);
        assert!(!dest.exists());
        assert_eq!(std::fs::read_dir(dir.path().join("a")).unwrap().count(), 0);
        let mut s = FileSink::create(&dest, None).unwrap();
        s.write(b"whole").unwrap();
        assert_eq!(s.persist(None).unwrap(), 5);
        assert_eq!(std::fs::read(&dest).unwrap(), b"whole");
    }

    #[test]
    fn csv_fields_with_commas_and_quotes_are_quoted() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
