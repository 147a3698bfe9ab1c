//! Writing output files without ever leaving a half-written one behind.

use std::io::Write;
use std::path::Path;

/// Write `contents` to `path` through a temporary file in the same directory and a rename, so a
/// reader never sees a half-written file and an interrupted run leaves the old file intact.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    write_atomic_with(path, |w| w.write_all(contents))
}

/// [`write_atomic`] for output written piece by piece (`write` gets a buffered writer on the
/// temporary file), so a large report is never held in memory whole.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut builder = tempfile::Builder::new();
    builder.prefix(".piflow-").suffix(".tmp");
    // A temporary file is private (0600); a report is not. Create it as any new file would be
    // (0666 less the umask), and keep the mode of a file it replaces.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir)?;
    // (A symlink is replaced, not followed, so its target's mode does not count.)
    if let Ok(old) = std::fs::symlink_metadata(path)
        && old.is_file()
    {
        tmp.as_file().set_permissions(old.permissions())?;
    }
    {
        let mut w = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
        write(&mut w)?;
        w.flush()?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}
