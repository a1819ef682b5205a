//! Turning bytes into text, with errors that say where the trouble is.

use std::path::Path;

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

/// Writes `contents` to `path` atomically: a temporary file in the same
/// directory, flushed, given the permissions of the file it replaces, then
/// renamed over it. Readers see the old file or the new one, never a part.
pub fn write_atomic(path: &Path, contents: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
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
    let mut tmp = builder.tempfile_in(dir).map_err(|e| Error::io(path, e))?;
    tmp.write_all(contents).map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    if let Ok(meta) = std::fs::metadata(path) {
        // Best effort: a file we may not chmod is still written.
        let _ = std::fs::set_permissions(tmp.path(), meta.permissions());
    }
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binary_is_detected_by_nul() {
        let err = decode(b"ab\0c".to_vec(), Path::new("b.bin")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "b.bin: binary file (NUL byte at offset 2), skipped"
        );
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
