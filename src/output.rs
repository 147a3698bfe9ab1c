//! Writing output files without ever leaving a half-written one behind.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// Temporary files are `.piflow-<pid>-<random>.tmp` beside their target.
const TEMP_PREFIX: &str = ".piflow-";
const TEMP_SUFFIX: &str = ".tmp";

/// A temporary file untouched this long has no writer, whatever its pid says (the pid may have
/// been reused): a writer streams into its file, so its modification time stays fresh.
const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

/// Whether the process `pid` is gone, where the system says (Linux's `/proc`); elsewhere assume
/// it runs, so only age counts.
fn writer_gone(pid: u32) -> bool {
    let proc = Path::new("/proc");
    proc.join("self").exists() && !proc.join(pid.to_string()).exists()
}

/// Whether `name` is one of our temporary files that nobody is writing any more.
fn is_stale(name: &str, meta: &std::fs::Metadata) -> bool {
    let Some(middle) = name.strip_prefix(TEMP_PREFIX).and_then(|n| n.strip_suffix(TEMP_SUFFIX)) else {
        return false;
    };
    if !meta.is_file() {
        return false;
    }
    let pid = middle.split_once('-').and_then(|(pid, _)| pid.parse::<u32>().ok());
    if pid.is_some_and(|p| p != std::process::id() && writer_gone(p)) {
        return true;
    }
    // No pid in the name (an older piflow), or one that may be reused: go by age.
    meta.modified().ok().and_then(|m| m.elapsed().ok()).is_some_and(|age| age > STALE_AFTER)
}

/// Remove temporary files left in `dir` by writers that were killed before their rename, once
/// per directory and run (a report writes several files into one).
fn remove_stale_temps(dir: &Path) {
    static CLEANED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());
    {
        let mut cleaned = CLEANED.lock().unwrap_or_else(|e| e.into_inner());
        if cleaned.iter().any(|d| d == dir) {
            return;
        }
        cleaned.push(dir.to_path_buf());
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.filter_map(Result::ok) {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        // `symlink_metadata`: a link named like ours is not ours, and is left alone.
        if let Ok(meta) = std::fs::symlink_metadata(entry.path())
            && is_stale(name, &meta)
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

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
    // An existing target that is not a regular file (a device, a FIFO, a symlink, a directory) is
    // refused: renaming over it would replace `/dev/null` or a link's entry, and as root in CI that
    // breaks the machine. (`-o -` for stdout is handled before this is reached.)
    if let Ok(meta) = std::fs::symlink_metadata(path)
        && !meta.is_file()
    {
        return Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "it exists and is not a regular file (a device, FIFO, symlink or directory); \
             remove it or choose another path",
        ));
    }
    std::fs::create_dir_all(dir)?;
    remove_stale_temps(dir);
    let mut builder = tempfile::Builder::new();
    // The writer's pid is in the name, so a later run can tell a temporary file whose writer was
    // killed (`kill -9`, an OOM kill, a cancelled CI job) from one still being written.
    let prefix = format!("{TEMP_PREFIX}{}-", std::process::id());
    builder.prefix(&prefix).suffix(TEMP_SUFFIX);
    // A temporary file is private (0600); a report is not. Create it as any new file would be
    // (0666 less the umask), and keep the mode of a file it replaces.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir)?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regular_target_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
    }

    #[test]
    fn stale_temporary_files_are_removed_and_live_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        // A writer that is gone: a child that has exited (its pid is not reused this soon).
        let mut child = std::process::Command::new(std::env::current_exe().unwrap())
            .arg("--list")
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let dead = child.id();
        child.wait().unwrap();
        let dead_name = format!(".piflow-{dead}-abc123.tmp");
        // Still being written: ours, and a live process's (pid 1 always runs).
        let live = [format!(".piflow-{}-def456.tmp", std::process::id()), ".piflow-1-ghi789.tmp".to_owned()];
        // An older piflow's (no pid), fresh; and one not ours.
        let others = [".piflow-xyz.tmp", ".other-1.tmp", "report.tmp"];
        for name in std::iter::once(&dead_name).chain(&live).map(String::as_str).chain(others) {
            std::fs::write(d.join(name), b"partial").unwrap();
        }
        write_atomic(&d.join("out.json"), b"{}").unwrap();
        let mut left: Vec<String> =
            std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        left.sort();
        let mut expected: Vec<String> =
            live.iter().cloned().chain(others.iter().map(|s| s.to_string())).chain(["out.json".to_owned()]).collect();
        expected.sort();
        assert_eq!(left, expected, "only the dead writer's file is removed");
        // Untouched for over an hour: stale whatever the pid.
        let old = std::fs::File::options().write(true).open(d.join(".piflow-xyz.tmp")).unwrap();
        old.set_modified(std::time::SystemTime::now() - STALE_AFTER - Duration::from_secs(60)).unwrap();
        assert!(is_stale(".piflow-xyz.tmp", &std::fs::metadata(d.join(".piflow-xyz.tmp")).unwrap()));
        assert!(!is_stale(".piflow-1-ghi789.tmp", &std::fs::metadata(d.join(".piflow-1-ghi789.tmp")).unwrap()));
    }

    #[cfg(unix)]
    #[test]
    fn special_targets_refused() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        std::fs::write(&real, b"keep").unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(write_atomic(&link, b"x").is_err());
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(&real).unwrap(), b"keep");
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).unwrap();
        assert!(write_atomic(&sub, b"x").is_err());
        // A character device: refused, never opened or replaced.
        assert!(write_atomic(Path::new("/dev/null"), b"x").is_err());
    }
}
