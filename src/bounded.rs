//! Reading files the checked tree controls: the configuration, a baseline, the sources.
//!
//! A pull request can commit `gfplint.toml` as a symlink to `/dev/zero` or make a file
//! a FIFO. So a file is read only when it is a regular file (or a symlink to one) and
//! below a size limit. The type is checked before opening (a device is never opened),
//! the file is opened non-blocking (a FIFO swapped in meanwhile cannot block the run),
//! and checked again on the open descriptor (`fstat`), whose answer is the one that
//! counts. At most `limit + 1` bytes are read, so a file growing meanwhile is caught.

use std::io::Read;
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// Largest configuration file read.
pub const MAX_CONFIG_BYTES: u64 = 4 * 1024 * 1024;
/// Largest baseline file read (about 200,000 findings).
pub const MAX_BASELINE_BYTES: u64 = 64 * 1024 * 1024;

/// What kind of non-regular file `t` is, in words.
pub fn describe(t: std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() {
        "a character device"
    } else if t.is_block_device() {
        "a block device"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    NotRegular(&'static str),
    /// The size seen (at least), and the limit.
    TooLarge(u64, u64),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) if e.kind() == std::io::ErrorKind::NotFound => {
                write!(f, "no such file or directory")
            }
            ReadError::Io(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                write!(f, "permission denied")
            }
            ReadError::Io(e) => write!(f, "cannot read: {e}"),
            ReadError::NotRegular(what) => write!(f, "{what}, not a regular file; not read"),
            ReadError::TooLarge(size, limit) => {
                write!(f, "{size} bytes, above the {limit} byte limit; not read")
            }
        }
    }
}

/// The bytes of the regular file at `path` (symlinks followed), if it has at most
/// `limit` bytes.
pub fn read(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    check(&meta, limit)?;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(path)
        .map_err(ReadError::Io)?;
    // The descriptor's own answer: the path may have been replaced since `metadata`.
    let meta = file.metadata().map_err(ReadError::Io)?;
    check(&meta, limit)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge(bytes.len() as u64, limit));
    }
    Ok(bytes)
}

fn check(meta: &std::fs::Metadata, limit: u64) -> Result<(), ReadError> {
    if !meta.is_file() {
        return Err(ReadError::NotRegular(describe(meta.file_type())));
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge(meta.len(), limit));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn devices_fifos_and_large_files_are_refused() {
        assert!(matches!(
            read(Path::new("/dev/zero"), 10),
            Err(ReadError::NotRegular("a character device"))
        ));
        assert!(matches!(
            read(Path::new("/"), 10),
            Err(ReadError::NotRegular("a directory"))
        ));
        let dir = std::env::temp_dir().join(format!("gfplint-bounded-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let fifo = dir.join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid C string; mkfifo has no other precondition.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(matches!(
            read(&fifo, 10),
            Err(ReadError::NotRegular("a FIFO"))
        ));
        let big = dir.join("big");
        std::fs::write(&big, [b'x'; 11]).unwrap();
        assert!(matches!(read(&big, 10), Err(ReadError::TooLarge(11, 10))));
        assert_eq!(read(&big, 11).unwrap().len(), 11);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
