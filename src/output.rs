//! Writing output files without ever leaving a half-written one behind.

use std::io::Write;
use std::path::Path;

/// Write `contents` to `path` through a temporary file in the same directory and a rename, so a
/// reader never sees a half-written file and an interrupted run leaves the old file intact.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new().prefix(".piflow-").suffix(".tmp").tempfile_in(dir)?;
    tmp.write_all(contents)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
