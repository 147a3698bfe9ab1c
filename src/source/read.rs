//! Reading an input file whole, safely: only regular files (never a FIFO, a device or a socket,
//! and opening never blocks), symlinks confined to the tree they were found in, every read
//! bounded by a size limit, large files read on all cores, a byte-order mark dropped, UTF-8
//! checked (with the line and column of the first bad byte).
//!
//! piflow runs in CI on repositories anyone can send a pull request to: a committed
//! `x.json -> /dev/zero` or a FIFO named `x.json` must end in a clear error, not a runner that
//! reads for ever or waits for ever. docs/limits.md lists the limits.

use crate::parallel;
use std::fs::{File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Inventory parts and sheets larger than this are refused rather than read: an inventory of a
/// million flows is about 100 MB, so this leaves ten times the room while keeping memory
/// bounded on hostile input.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// Files at least this large are read, and their lines indexed, in pieces on all cores: one part
/// of a hundred thousand flows is a single file, and its first reading (page faults into fresh
/// memory included) would otherwise keep every other core waiting.
pub const READ_PIECES_BYTES: u64 = 4 << 20;

/// Where a file may be read from: how large it may be, and where a symlink may lead.
#[derive(Debug, Clone, Copy)]
pub struct Access<'a> {
    /// Files over this many bytes are refused (and no more than this is ever read).
    pub max_bytes: u64,
    /// The tree the file was found in (an inventory directory, a scanned tree): a symlink is
    /// followed only to a file inside it. `None`: the user named the file, so a symlink is
    /// followed wherever it leads (still only to a regular file).
    pub within: Option<&'a Path>,
    /// `--follow-symlinks`: follow a symlink found in a tree wherever it leads.
    pub follow_symlinks: bool,
}

impl<'a> Access<'a> {
    /// A file the user named on the command line.
    pub fn named(max_bytes: u64) -> Access<'static> {
        Access { max_bytes, within: None, follow_symlinks: false }
    }

    /// A file found inside `root` (listing a directory, walking a tree).
    pub fn within(root: &'a Path, follow_symlinks: bool, max_bytes: u64) -> Access<'a> {
        Access { max_bytes, within: Some(root), follow_symlinks }
    }
}

/// Why a file could not be read. The caller names the file (`load` turns this into a `load-io`
/// or `load-syntax` error); [`ReadError`]'s `Display` says what is wrong and what to do.
#[derive(Debug)]
pub enum ReadError {
    /// Over the limit; nothing (or no more than the limit) was read. `bytes` is the size the file
    /// gave, or the limit plus one when it grew while read.
    TooLarge {
        bytes: u64,
        limit: u64,
    },
    /// Not a regular file: `kind` is what it is ("a FIFO (named pipe)", "a character device", …).
    NotRegular {
        kind: &'static str,
    },
    /// A symlink found in `root` that leads out of it, to `target`.
    SymlinkOutside {
        target: PathBuf,
        root: PathBuf,
    },
    Io(std::io::Error),
    /// Not UTF-8 from byte `offset` on, at 1-based `line` and `column` (in bytes).
    NotUtf8 {
        offset: usize,
        line: usize,
        column: usize,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::TooLarge { bytes, limit } => {
                write!(f, "the file is {bytes} bytes, over the limit of {limit} bytes")
            }
            ReadError::NotRegular { kind } => {
                write!(f, "it is {kind}, not a regular file; only regular files are read (remove it or give a file)")
            }
            ReadError::SymlinkOutside { target, root } => write!(
                f,
                "it is a symlink to {}, outside {}; symlinks are followed only inside the tree \
                 they are found in (replace it with the file, or pass --follow-symlinks)",
                target.display(),
                root.display()
            ),
            ReadError::Io(e) => write!(f, "cannot read: {e}"),
            ReadError::NotUtf8 { offset, .. } => write!(f, "the file is not valid UTF-8 (byte {offset})"),
        }
    }
}

impl From<std::io::Error> for ReadError {
    fn from(e: std::io::Error) -> ReadError {
        ReadError::Io(e)
    }
}

/// What a file that is not a regular one is, for the message.
fn kind_of(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Open `path` for reading as `access` allows, with its metadata (taken from the opened file, so
/// nothing can be swapped in between the check and the read). Never blocks: the type is checked
/// before opening, and the open itself is non-blocking (a FIFO put in its place meanwhile opens
/// at once and is refused by the second check).
pub fn open(path: &Path, access: &Access) -> Result<(File, Metadata), ReadError> {
    let link = std::fs::symlink_metadata(path)?;
    let mut target = path.to_path_buf();
    if link.file_type().is_symlink()
        && let (Some(root), false) = (access.within, access.follow_symlinks)
    {
        let resolved = path.canonicalize()?;
        let root = root.canonicalize()?;
        if !resolved.starts_with(&root) {
            return Err(ReadError::SymlinkOutside { target: resolved, root });
        }
        // What was checked is what is opened, not whatever the link says by then.
        target = resolved;
    }
    let before = std::fs::metadata(&target)?;
    if !before.is_file() {
        return Err(ReadError::NotRegular { kind: kind_of(&before) });
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = libc::O_NONBLOCK | libc::O_NOCTTY;
        // A path that was no symlink when checked (or the link's resolved target) must not
        // become one before it is opened.
        if !link.file_type().is_symlink() || target != path {
            flags |= libc::O_NOFOLLOW;
        }
        options.custom_flags(flags);
    }
    let file = options.open(&target)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular { kind: kind_of(&meta) });
    }
    if meta.len() > access.max_bytes {
        return Err(ReadError::TooLarge { bytes: meta.len(), limit: access.max_bytes });
    }
    Ok((file, meta))
}

/// Read a large file into `buf` in pieces on all cores, each at its own offset. Returns false,
/// having read nothing that counts, when the file is small, only one core works, or the file
/// changed size while read (the caller then reads it in one go).
#[cfg(unix)]
fn read_on_all_cores(file: &File, len: u64, buf: &mut Vec<u8>) -> std::io::Result<bool> {
    use std::os::unix::fs::FileExt;
    let threads = parallel::threads();
    if len < READ_PIECES_BYTES || threads == 1 {
        return Ok(false);
    }
    let len = len as usize;
    if buf.capacity() < len {
        // Fresh zeroed memory is not touched until read into, so the pages are faulted in on
        // the cores that read them.
        *buf = vec![0; len];
    } else {
        // A reused buffer holds bytes already; only a longer tail is written here.
        buf.resize(len, 0);
    }
    let piece = len.div_ceil(threads);
    let pieces: Vec<(usize, &mut [u8])> = buf.chunks_mut(piece).enumerate().collect();
    for read in parallel::in_parallel(pieces, |(i, bytes)| file.read_exact_at(bytes, (i * piece) as u64)) {
        match read {
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(false),
            other => other?,
        }
    }
    // Grown since its size was taken: what was read is not the whole file.
    Ok(file.read_at(&mut [0u8; 1], len as u64)? == 0)
}

#[cfg(not(unix))]
fn read_on_all_cores(_: &File, _: u64, _: &mut Vec<u8>) -> std::io::Result<bool> {
    Ok(false)
}

/// Read the whole file at `path` as `access` allows, into `buf` (whose room is reused).
pub fn bytes_into(path: &Path, access: &Access, mut buf: Vec<u8>) -> Result<Vec<u8>, ReadError> {
    let (file, meta) = open(path, access)?;
    if !read_on_all_cores(&file, meta.len(), &mut buf)? {
        buf.clear();
        // Never more than the limit, whatever the size said: a file that grows while read (or
        // one whose size lies) cannot make this read without end.
        file.take(access.max_bytes + 1).read_to_end(&mut buf)?;
        if buf.len() as u64 > access.max_bytes {
            return Err(ReadError::TooLarge { bytes: buf.len() as u64, limit: access.max_bytes });
        }
    }
    Ok(buf)
}

/// [`bytes_into`] into a new buffer.
pub fn bytes(path: &Path, access: &Access) -> Result<Vec<u8>, ReadError> {
    bytes_into(path, access, Vec::new())
}

/// Read the whole text at `path`.
pub fn text(path: &Path, access: &Access) -> Result<String, ReadError> {
    text_into(path, access, Vec::new())
}

/// [`text`] into `buf`, whose room is reused (a text let go of by an earlier batch).
pub fn text_into(path: &Path, access: &Access, buf: Vec<u8>) -> Result<String, ReadError> {
    utf8(bytes_into(path, access, buf)?)
}

/// The bytes as text: a UTF-8 byte-order mark dropped, and the place of the first byte that is
/// not UTF-8 when there is one.
pub fn utf8(bytes: Vec<u8>) -> Result<String, ReadError> {
    // A UTF-8 byte-order mark is harmless; drop it so offsets match what editors show.
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let (line, start) = crate::source::lines::line_and_start(&bytes[..good]);
        ReadError::NotUtf8 { offset: good, line, column: good - start + 1 }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A part over [`READ_PIECES_BYTES`], read in pieces on all cores, gives exactly its bytes,
    /// into a fresh buffer or into a reused one that is longer or shorter than the file.
    #[test]
    fn a_large_file_read_in_pieces_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("flows.json");
        let mut text = String::new();
        while text.len() < READ_PIECES_BYTES as usize + 12345 {
            text.push_str(&format!("{{\"id\": \"f{}\", \"note\": \"é\"}},\n", text.len()));
        }
        std::fs::write(&path, &text).unwrap();
        let access = Access::named(MAX_FILE_BYTES);
        for spare in [Vec::new(), vec![b'x'; text.len() * 2], vec![b'y'; 100]] {
            assert!(text_into(&path, &access, spare).unwrap() == text);
        }
    }

    #[test]
    fn a_file_over_the_limit_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.json");
        std::fs::write(&path, vec![b' '; 101]).unwrap();
        assert!(matches!(bytes(&path, &Access::named(100)), Err(ReadError::TooLarge { bytes: 101, limit: 100 })));
        assert_eq!(bytes(&path, &Access::named(101)).unwrap().len(), 101);
    }

    #[cfg(unix)]
    mod special {
        use super::*;
        use std::os::unix::fs::symlink;

        fn fifo(path: &Path) {
            let made = std::process::Command::new("mkfifo").arg(path).status().unwrap();
            assert!(made.success(), "mkfifo");
        }

        #[test]
        fn a_symlink_to_dev_zero_is_refused_without_reading() {
            let dir = tempfile::tempdir().unwrap();
            let link = dir.path().join("x.json");
            symlink("/dev/zero", &link).unwrap();
            // Named (followed) or inside the tree (outside it): refused either way, never read.
            let named = bytes(&link, &Access::named(MAX_FILE_BYTES));
            assert!(matches!(named, Err(ReadError::NotRegular { kind: "a character device" })), "{named:?}");
            let within = bytes(&link, &Access::within(dir.path(), false, MAX_FILE_BYTES));
            assert!(matches!(within, Err(ReadError::SymlinkOutside { .. })), "{within:?}");
            let followed = bytes(&link, &Access::within(dir.path(), true, MAX_FILE_BYTES));
            assert!(matches!(followed, Err(ReadError::NotRegular { .. })), "{followed:?}");
        }

        #[test]
        fn a_fifo_is_refused_at_once() {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("x.json");
            fifo(&path);
            // No writer ever opens it: a blocking open would wait for ever.
            let read = bytes(&path, &Access::within(dir.path(), false, MAX_FILE_BYTES));
            assert!(matches!(read, Err(ReadError::NotRegular { kind: "a FIFO (named pipe)" })), "{read:?}");
            assert!(read.unwrap_err().to_string().contains("not a regular file"));
        }

        #[test]
        fn symlinks_inside_the_tree_are_followed_and_outside_only_when_asked() {
            let outside = tempfile::tempdir().unwrap();
            let secret = outside.path().join("secret.json");
            std::fs::write(&secret, b"{}").unwrap();
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir(dir.path().join("sub")).unwrap();
            std::fs::write(dir.path().join("sub/real.json"), b"[1]").unwrap();
            symlink("sub/real.json", dir.path().join("inside.json")).unwrap();
            symlink(&secret, dir.path().join("outside.json")).unwrap();
            let within = Access::within(dir.path(), false, MAX_FILE_BYTES);
            assert_eq!(bytes(&dir.path().join("inside.json"), &within).unwrap(), b"[1]");
            let err = bytes(&dir.path().join("outside.json"), &within).unwrap_err();
            assert!(matches!(err, ReadError::SymlinkOutside { .. }), "{err:?}");
            assert!(err.to_string().contains("--follow-symlinks"), "{err}");
            let follow = Access::within(dir.path(), true, MAX_FILE_BYTES);
            assert_eq!(bytes(&dir.path().join("outside.json"), &follow).unwrap(), b"{}");
            // Named on the command line: the user chose it.
            assert_eq!(bytes(&dir.path().join("outside.json"), &Access::named(10)).unwrap(), b"{}");
        }

        #[test]
        fn a_directory_or_a_dangling_link_is_a_clear_error() {
            let dir = tempfile::tempdir().unwrap();
            let err = bytes(dir.path(), &Access::named(10)).unwrap_err();
            assert!(matches!(err, ReadError::NotRegular { kind: "a directory" }), "{err:?}");
            symlink(dir.path().join("gone"), dir.path().join("x.json")).unwrap();
            let err = bytes(&dir.path().join("x.json"), &Access::within(dir.path(), false, 10)).unwrap_err();
            assert!(matches!(err, ReadError::Io(_)), "{err:?}");
        }
    }
}
