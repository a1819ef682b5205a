//! Where a batch writes: output files written through a temporary file and
//! renamed when complete, the `--out-dir` manifest that `--resume` reads,
//! and the per-document `--report`.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use unspin::input::Stamp;
use unspin::report::html::{Counted, HtmlReport};

use super::doc::{Record, Status};
use super::walk::is_temp_name;

/// An output file being written. The bytes go to a temporary file
/// (`.unspin-XXXXXX.tmp`) beside the destination, which
/// [`FileSink::persist`] puts in its place when complete (see
/// [`unspin::input::replace_with`]): readers see the old file or the
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
        let target = unspin::input::write_target(dest);
        if let Some(dir) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = unspin::input::temp_beside(&target)?;
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
    pub fn persist(self, expect: Option<Stamp>) -> unspin::Result<u64> {
        let tmp = self
            .tmp
            .into_inner()
            .map_err(|e| unspin::Error::io(&self.dest, e.into_error()))?;
        unspin::input::replace_with(tmp, &self.target, expect)?;
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

/// The name of the manifest in an output directory.
pub const MANIFEST: &str = ".unspin-manifest.jsonl";

/// An output recorded as complete in the manifest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// The output, relative to the output directory.
    pub output: String,
    /// The input it was made from.
    pub input: String,
    /// The input's size when read.
    pub size: u64,
    /// The input's modification time when read: seconds and nanoseconds
    /// since the Unix epoch.
    pub mtime: (u64, u32),
    /// The output's size.
    pub out_bytes: u64,
    /// Documents analysed.
    pub documents: usize,
    /// Of them, judged spun.
    pub spun: usize,
    /// Restorations made.
    pub restorations: usize,
    /// Documents that failed (passed through or left out).
    pub errors: usize,
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    unspin_manifest: u32,
    settings: String,
}

/// The record of the outputs a run into `--out-dir` has completed, one
/// JSON line each, appended as each output is renamed into place. An output
/// listed with its input's size and mtime, and still of the recorded size,
/// is complete; `--resume` skips it. The first line holds the settings the
/// outputs were made with; other settings make a fresh start.
pub struct Manifest {
    file: Option<BufWriter<File>>,
    entries: HashMap<String, Entry>,
    out_dir: PathBuf,
}

impl Manifest {
    /// Opens the manifest of `out_dir`. With `resume`, the entries of an
    /// earlier run with the same `settings` are kept and new ones appended;
    /// otherwise the manifest starts afresh. With `dry_run`, nothing is
    /// written. Returns a note when an earlier manifest was set aside.
    pub fn open(
        out_dir: &Path,
        settings: &str,
        resume: bool,
        dry_run: bool,
    ) -> io::Result<(Manifest, Option<String>)> {
        let path = out_dir.join(MANIFEST);
        let mut entries = HashMap::new();
        let mut note = None;
        if resume {
            match File::open(&path) {
                Ok(f) => {
                    let mut lines = io::BufReader::new(f).lines();
                    let header: Option<Header> = lines
                        .next()
                        .and_then(Result::ok)
                        .and_then(|l| serde_json::from_str(&l).ok());
                    if header.is_some_and(|h| h.unspin_manifest == 1 && h.settings == settings) {
                        // A line cut short by a kill does not parse and is ignored.
                        for line in lines.map_while(Result::ok) {
                            if let Ok(e) = serde_json::from_str::<Entry>(&line) {
                                entries.insert(e.output.clone(), e);
                            }
                        }
                    } else {
                        note = Some(format!(
                            "{}: made with other settings; starting afresh",
                            path.display()
                        ));
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        let file = if dry_run {
            None
        } else {
            std::fs::create_dir_all(out_dir)?;
            let keep = resume && note.is_none() && path.exists();
            let f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .truncate(false)
                .open(&path)?;
            if !keep {
                f.set_len(0)?;
            }
            let mut w = BufWriter::new(f);
            if !keep {
                let h = Header {
                    unspin_manifest: 1,
                    settings: settings.to_string(),
                };
                writeln!(w, "{}", serde_json::to_string(&h)?)?;
                w.flush()?;
            } else if !ends_with_newline(&path)? {
                // A line cut short by a kill: end it, so the next entry
                // starts on a line of its own.
                writeln!(w)?;
            }
            Some(w)
        };
        Ok((
            Manifest {
                file,
                entries,
                out_dir: out_dir.to_path_buf(),
            },
            note,
        ))
    }

    /// The recorded entry when the output for `rel` is complete and made
    /// from `input` as it is now.
    pub fn complete(&self, rel: &Path, input: &Path) -> Option<&Entry> {
        let e = self.entries.get(&rel_key(rel))?;
        let meta = std::fs::metadata(input).ok()?;
        let out = std::fs::metadata(self.out_dir.join(rel)).ok()?;
        (e.size == meta.len() && e.mtime == mtime(&meta) && out.len() == e.out_bytes).then_some(e)
    }

    /// Records a completed output.
    pub fn record(&mut self, e: &Entry) -> io::Result<()> {
        if let Some(f) = &mut self.file {
            writeln!(f, "{}", serde_json::to_string(e)?)?;
            f.flush()?;
        }
        Ok(())
    }

    /// Takes the entries loaded for resuming.
    pub fn take_entries(&mut self) -> HashMap<String, Entry> {
        std::mem::take(&mut self.entries)
    }

    /// A manifest over the given entries (for the reader's look-ups).
    pub fn lookup(out_dir: &Path, entries: HashMap<String, Entry>) -> Manifest {
        Manifest {
            file: None,
            entries,
            out_dir: out_dir.to_path_buf(),
        }
    }
}

fn ends_with_newline(path: &Path) -> io::Result<bool> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = File::open(path)?;
    if f.metadata()?.len() == 0 {
        return Ok(true);
    }
    f.seek(SeekFrom::End(-1))?;
    let mut last = [0u8];
    f.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

/// The manifest key of an output path: `/`-separated.
pub fn rel_key(rel: &Path) -> String {
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// A file's modification time as seconds and nanoseconds since the epoch.
pub fn mtime(meta: &std::fs::Metadata) -> (u64, u32) {
    meta.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or((0, 0), |d| (d.as_secs(), d.subsec_nanos()))
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
    fn manifest_entries_survive_a_resume_with_the_same_settings_only() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.txt");
        std::fs::write(&input, "abc").unwrap();
        let out = dir.path().join("out");
        let (mut m, _) = Manifest::open(&out, "s1", false, false).unwrap();
        std::fs::write(out.join("in.txt"), "xyz!").unwrap();
        let meta = std::fs::metadata(&input).unwrap();
        m.record(&Entry {
            output: "in.txt".into(),
            input: input.display().to_string(),
            size: 3,
            mtime: mtime(&meta),
            out_bytes: 4,
            documents: 1,
            spun: 0,
            restorations: 2,
            errors: 0,
        })
        .unwrap();
        drop(m);
        let (m, note) = Manifest::open(&out, "s1", true, false).unwrap();
        assert!(note.is_none());
        assert_eq!(
            m.complete(Path::new("in.txt"), &input)
                .unwrap()
                .restorations,
            2
        );
        let (m, note) = Manifest::open(&out, "s2", true, false).unwrap();
        assert!(note.is_some());
        assert!(m.complete(Path::new("in.txt"), &input).is_none());
    }

    #[test]
    fn csv_fields_with_commas_and_quotes_are_quoted() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("plain"), "plain");
    }
}
