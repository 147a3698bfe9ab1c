//! Reading a text file whole: size limit, reading large files on all cores, a byte-order mark
//! dropped, UTF-8 checked (with the line and column of the first bad byte).

use crate::parallel;
use std::path::Path;

/// Files larger than this are refused rather than read: an inventory of a million flows is about
/// 100 MB, so this leaves ten times the room while keeping memory bounded on hostile input.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// Files at least this large are read, and their lines indexed, in pieces on all cores: one part
/// of a hundred thousand flows is a single file, and its first reading (page faults into fresh
/// memory included) would otherwise keep every other core waiting.
pub const READ_PIECES_BYTES: u64 = 4 << 20;

/// Read a large file into `buf` in pieces on all cores, each at its own offset. Returns false,
/// having read nothing that counts, when the file is small, only one core works, or the file
/// changed size while read (the caller then reads it in one go).
#[cfg(unix)]
fn read_on_all_cores(file: &std::fs::File, buf: &mut Vec<u8>) -> std::io::Result<bool> {
    use std::os::unix::fs::FileExt;
    let len = file.metadata()?.len();
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
fn read_on_all_cores(_: &std::fs::File, _: &mut Vec<u8>) -> std::io::Result<bool> {
    Ok(false)
}

/// Why a file could not be read. The caller names the file and says what to do (`load` turns
/// this into a `load-io` or `load-syntax` error).
#[derive(Debug)]
pub enum ReadError {
    /// Over [`MAX_FILE_BYTES`]; nothing was read.
    TooLarge {
        bytes: u64,
    },
    Io(std::io::Error),
    /// Not UTF-8 from byte `offset` on, at 1-based `line` and `column` (in bytes).
    NotUtf8 {
        offset: usize,
        line: usize,
        column: usize,
    },
}

/// Read the whole text at `path`.
pub fn text(path: &Path) -> Result<String, ReadError> {
    text_into(path, Vec::new())
}

/// [`text`] into `buf`, whose room is reused (a text let go of by an earlier batch).
pub fn text_into(path: &Path, mut buf: Vec<u8>) -> Result<String, ReadError> {
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE_BYTES => return Err(ReadError::TooLarge { bytes: m.len() }),
        Ok(_) => {}
        Err(e) => return Err(ReadError::Io(e)),
    }
    let read = std::fs::File::open(path).and_then(|mut f| {
        if !read_on_all_cores(&f, &mut buf)? {
            buf.clear();
            std::io::Read::read_to_end(&mut f, &mut buf)?;
        }
        Ok(())
    });
    read.map_err(ReadError::Io)?;
    let bytes = buf;
    // A UTF-8 byte-order mark is harmless; drop it so offsets match what editors show.
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let line = bytes[..good].iter().filter(|&&b| b == b'\n').count() + 1;
        let column = good - bytes[..good].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
        ReadError::NotUtf8 { offset: good, line, column }
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
        for spare in [Vec::new(), vec![b'x'; text.len() * 2], vec![b'y'; 100]] {
            assert!(text_into(&path, spare).unwrap() == text);
        }
    }
}
