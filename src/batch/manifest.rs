//! The manifest of an output directory: the outputs a run into it has
//! completed, which a resumed run skips.
//!
//! The file (`.unspin-manifest.jsonl` in the output directory) is JSON
//! Lines: a header `{"unspin_manifest":1,"settings":"..."}`, then one
//! [`Entry`] a line, appended as each output is renamed into place. A line
//! cut short by a kill does not parse and is ignored.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

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
    /// The input's document was not passed on (`--only`): it has no
    /// output. Absent (false) in manifests written before `--only`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub left_out: bool,
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
        let out = std::fs::metadata(self.out_dir.join(rel));
        let output_complete = match out {
            Ok(out) => !e.left_out && out.len() == e.out_bytes,
            Err(_) => e.left_out,
        };
        (e.size == meta.len() && e.mtime == mtime(&meta) && output_complete).then_some(e)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The entry of `input` (of 3 bytes) made into an output of `out_bytes`.
    fn entry(input: &Path, out_bytes: u64, left_out: bool) -> Entry {
        let meta = std::fs::metadata(input).unwrap();
        Entry {
            output: "in.txt".into(),
            input: input.display().to_string(),
            size: 3,
            mtime: mtime(&meta),
            out_bytes,
            documents: 1,
            spun: 0,
            restorations: 2,
            errors: 0,
            left_out,
        }
    }

    #[test]
    fn manifest_entries_survive_a_resume_with_the_same_settings_only() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.txt");
        std::fs::write(&input, "abc").unwrap();
        let out = dir.path().join("out");
        let (mut m, _) = Manifest::open(&out, "s1", false, false).unwrap();
        std::fs::write(out.join("in.txt"), "xyz!").unwrap();
        m.record(&entry(&input, 4, false)).unwrap();
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
    fn an_input_left_out_is_complete_while_it_has_no_output() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.txt");
        std::fs::write(&input, "abc").unwrap();
        let out = dir.path().join("out");
        let (mut m, _) = Manifest::open(&out, "s", false, false).unwrap();
        m.record(&entry(&input, 0, true)).unwrap();
        drop(m);
        let (m, _) = Manifest::open(&out, "s", true, false).unwrap();
        assert!(m.complete(Path::new("in.txt"), &input).is_some());
        // An output there now was not made by that run.
        std::fs::write(out.join("in.txt"), "").unwrap();
        assert!(m.complete(Path::new("in.txt"), &input).is_none());
    }
}
