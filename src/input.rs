//! Turning bytes into text, with errors that say where the trouble is.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The text of `bytes`, or an error naming `name` and the place: a NUL byte
/// marks a binary file, and invalid UTF-8 is reported with its line and
/// byte offset.
///
/// ```
/// use unspin::input::decode;
/// assert_eq!(decode(b"ok\n".to_vec(), "a.txt".as_ref()).unwrap(), "ok\n");
/// let err = decode(b"ok\n\xff".to_vec(), "a.txt".as_ref()).unwrap_err();
/// assert_eq!(err.to_string(), "a.txt: invalid UTF-8 at line 2, byte offset 3");
/// ```
pub fn decode(bytes: Vec<u8>, name: &Path) -> Result<String> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::Utf16 {
            path: name.to_path_buf(),
        });
    }
    if let Some(offset) = bytes.iter().position(|&b| b == 0) {
        return Err(Error::Binary {
            path: name.to_path_buf(),
            offset,
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let line = 1 + e.as_bytes()[..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        Error::InvalidUtf8 {
            path: name.to_path_buf(),
            line,
            offset,
        }
    })
}

/// Reads at most `limit` bytes of `reader`, stopping at the first NUL byte
/// ([`Error::Binary`], naming `name` and the offset) rather than reading on:
/// a device such as `/dev/zero` never ends, and a binary file is refused
/// without being read whole. UTF-16 text, whose NUL bytes [`decode`] names
/// as such, is read to the limit.
///
/// ```
/// use unspin::input::read_text_bytes;
/// let err = read_text_bytes(std::io::repeat(0), u64::MAX, "zero".as_ref()).unwrap_err();
/// assert_eq!(err.to_string(), "zero: binary file (NUL byte at offset 0)");
/// assert_eq!(read_text_bytes(&b"abc"[..], 2, "x".as_ref()).unwrap(), b"ab");
/// ```
pub fn read_text_bytes(mut reader: impl std::io::Read, limit: u64, name: &Path) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let room = limit - bytes.len() as u64;
        if room == 0 {
            return Ok(bytes);
        }
        let want = chunk.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = match reader.read(&mut chunk[..want]) {
            Ok(0) => return Ok(bytes),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io(name, e)),
        };
        let start = bytes.len();
        bytes.extend_from_slice(&chunk[..n]);
        let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
        // A BOM needs two bytes: wait for the second before judging a NUL.
        if utf16 || bytes.len() < 2 {
            continue;
        }
        let from = if start < 2 { 0 } else { start };
        if let Some(i) = bytes[from..].iter().position(|&b| b == 0) {
            return Err(Error::Binary {
                path: name.to_path_buf(),
                offset: from + i,
            });
        }
    }
}

/// What a file was when it was read: its size and modification time
/// (seconds and nanoseconds since the Unix epoch). A file whose stamp has
/// changed was written since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// Size in bytes.
    pub len: u64,
    /// Modification time: seconds and nanoseconds since the Unix epoch.
    pub mtime: (u64, u32),
}

impl Stamp {
    /// The stamp of a file's metadata.
    pub fn of(meta: &std::fs::Metadata) -> Stamp {
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or((0, 0), |d| (d.as_secs(), d.subsec_nanos()));
        Stamp {
            len: meta.len(),
            mtime,
        }
    }
}

/// The file that writing to `path` should change: a symlink's target
/// (followed to the end), else `path` itself.
pub fn write_target(path: &Path) -> PathBuf {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => path.canonicalize().unwrap_or_else(|_| path.into()),
        _ => path.to_path_buf(),
    }
}

/// A temporary file for the new contents of `target` (see
/// [`write_target`]): `.unspin-XXXXXX.tmp` in its directory, created with
/// the usual permissions of a new file (0666 less the umask).
pub fn temp_beside(target: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".unspin-").suffix(".tmp");
    #[cfg(unix)]
    {
        // A new file gets the usual 0666 less the umask, as `>` would give
        // it, not the temporary file's owner-only 0600.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    builder.tempfile_in(dir)
}

/// Puts the complete contents of `tmp` (made by [`temp_beside`]) in place
/// of `target`, keeping what the file is beyond its bytes:
///
/// * a new file is renamed into place, so readers see no partial file;
/// * an existing file keeps its permissions and, where this process may
///   give them, its owner and group; it is replaced by a rename as well;
/// * an existing file with other hard links, or whose owner this process
///   cannot give the new file, is written in place instead, its contents
///   copied from the complete temporary file, so its inode (and every link
///   to it) stays;
/// * with `expect`, a file whose [`Stamp`] differs (written since it was
///   read) is not replaced: [`Error::Changed`];
/// * a target that is not a regular file (a device such as `/dev/null`, a
///   FIFO) is written to, and stays what it is.
pub fn replace_with(
    tmp: tempfile::NamedTempFile,
    target: &Path,
    expect: Option<Stamp>,
) -> Result<()> {
    let io = |e| Error::io(target, e);
    tmp.as_file().sync_all().map_err(io)?;
    let meta = match std::fs::metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && expect.is_none() => {
            tmp.persist(target).map_err(|e| io(e.error))?;
            return Ok(());
        }
        Err(e) => return Err(io(e)),
    };
    if !meta.is_file() {
        // A device or a pipe (`-o /dev/null`, a FIFO) is written to, never
        // replaced: a file renamed over /dev/null would turn it into one,
        // and every later reader of it would read what was written there.
        copy_into(tmp.path(), target, false).map_err(io)?;
        return Ok(());
    }
    if expect.is_some_and(|s| s != Stamp::of(&meta)) {
        return Err(Error::Changed {
            path: target.to_path_buf(),
        });
    }
    // Best effort: a file we may not chmod is still written.
    let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    if keeps_inode(&tmp, &meta) {
        copy_into(tmp.path(), target, true).map_err(io)?;
        return Ok(());
    }
    tmp.persist(target).map_err(|e| io(e.error))?;
    Ok(())
}

/// Whether `target` must be written in place rather than replaced: it has
/// other hard links, or the new file cannot be given its owner and group.
#[cfg(unix)]
fn keeps_inode(tmp: &tempfile::NamedTempFile, meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    if meta.nlink() > 1 {
        return true;
    }
    let Ok(ours) = tmp.as_file().metadata() else {
        return true;
    };
    if (ours.uid(), ours.gid()) == (meta.uid(), meta.gid()) {
        return false;
    }
    std::os::unix::fs::fchown(tmp.as_file(), Some(meta.uid()), Some(meta.gid())).is_err()
}

#[cfg(not(unix))]
fn keeps_inode(_: &tempfile::NamedTempFile, _: &std::fs::Metadata) -> bool {
    false
}

/// Copies `from` over the contents of `to`, which keeps its inode; a
/// `regular` file is cut to the new length and synced (a device or a pipe
/// has neither).
fn copy_into(from: &Path, to: &Path, regular: bool) -> std::io::Result<()> {
    let mut src = std::fs::File::open(from)?;
    let mut dst = std::fs::OpenOptions::new().write(true).open(to)?;
    let n = std::io::copy(&mut src, &mut dst)?;
    if regular {
        dst.set_len(n)?;
        dst.sync_all()?;
    }
    Ok(())
}

/// Writes `contents` to `path` as [`replace_with`] does (a symlink's target
/// is written; permissions, owner and hard links are kept): readers see
/// the old file or the new one, never a part.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    use std::io::Write;
    let target = write_target(path);
    let mut tmp = temp_beside(&target).map_err(|e| Error::io(path, e))?;
    tmp.write_all(contents).map_err(|e| Error::io(path, e))?;
    replace_with(tmp, &target, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_is_detected_by_nul() {
        let err = decode(b"ab\0c".to_vec(), Path::new("b.bin")).unwrap_err();
        assert_eq!(err.to_string(), "b.bin: binary file (NUL byte at offset 2)");
    }

    #[test]
    fn utf16_text_is_named_as_such_not_binary() {
        let err = decode(b"\xff\xfeh\0i\0".to_vec(), Path::new("u.txt")).unwrap_err();
        assert!(matches!(err, Error::Utf16 { .. }), "{err}");
        assert!(err.to_string().starts_with("u.txt: UTF-16 text"));
    }

    #[cfg(unix)]
    #[test]
    fn a_device_is_written_to_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        let null = Path::new("/dev/null");
        write_atomic(null, b"restored text\n").unwrap();
        let kind = std::fs::metadata(null).unwrap().file_type();
        assert!(kind.is_char_device(), "/dev/null is now {kind:?}");
    }

    #[test]
    fn atomic_write_replaces_content_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.txt");
        std::fs::write(&p, "old").unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn a_new_file_is_readable_by_others_as_the_umask_allows() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("new.txt");
        write_atomic(&p, b"x").unwrap();
        // What the umask lets a plain file creation give, for comparison.
        let q = dir.path().join("plain.txt");
        std::fs::write(&q, "x").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&p), mode(&q));
        // An existing file keeps its mode.
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&p, b"y").unwrap();
        assert_eq!(mode(&p), 0o600);
    }
}

#[cfg(all(test, unix))]
mod unix_tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn a_symlink_is_followed_and_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("t.txt");
        let link = dir.path().join("l.txt");
        std::fs::write(&target, "old").unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new");
    }

    #[test]
    fn hard_links_are_written_through_and_not_split() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.txt");
        let b = dir.path().join("b.txt");
        std::fs::write(&a, "old contents").unwrap();
        std::fs::hard_link(&a, &b).unwrap();
        write_atomic(&a, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "new");
        let (ma, mb) = (
            std::fs::metadata(&a).unwrap(),
            std::fs::metadata(&b).unwrap(),
        );
        assert_eq!(ma.ino(), mb.ino());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn a_file_changed_since_it_was_read_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, "one\n").unwrap();
        let stamp = Stamp::of(&std::fs::metadata(&p).unwrap());
        std::fs::write(&p, "one\ntwo\n").unwrap();
        let tmp = temp_beside(&p).unwrap();
        std::fs::write(tmp.path(), "restored\n").unwrap();
        let err = replace_with(tmp, &p, Some(stamp)).unwrap_err();
        assert!(matches!(err, Error::Changed { .. }), "{err}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "one\ntwo\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn owner_and_group_are_kept_where_they_can_be_given() {
        // Only root may give a file to another user.
        if unsafe { libc::geteuid() } != 0 {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.txt");
        std::fs::write(&p, "old").unwrap();
        std::os::unix::fs::chown(&p, Some(12345), Some(23456)).unwrap();
        write_atomic(&p, b"new").unwrap();
        let m = std::fs::metadata(&p).unwrap();
        assert_eq!((m.uid(), m.gid()), (12345, 23456));
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "new");
    }
}
