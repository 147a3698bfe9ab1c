//! No lost data: output files are replaced atomically, an interrupted or failed write leaves the
//! old file intact, and no command writes into the inventory or through a symlink out of `--out`.

mod common;
use common::*;
use piflow::output::write_atomic;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn bin() -> std::path::PathBuf {
    assert_cmd::cargo::cargo_bin("piflow")
}

/// A generated inventory big enough that writing its reports takes a while.
fn big_inventory(dir: &Path, flows: usize) {
    let mut inv = base();
    for i in 0..flows {
        push(
            &mut inv,
            "flows",
            serde_json::json!({"id": format!("f{i}"), "from": "app", "to": "sms", "fields": ["phone"], "purpose": "login", "note": "x".repeat(200)}),
        );
    }
    std::fs::write(dir.join("inv.json"), serde_json::to_string(&inv).unwrap()).unwrap();
}

fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".piflow-"))
        .collect()
}

#[test]
fn a_failed_write_leaves_the_old_file_and_no_temp() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.json");
    std::fs::write(&target, "OLD").unwrap();
    write_atomic(&target, b"NEW").unwrap();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "NEW");
    // A target that cannot be replaced (a non-empty directory): the rename fails midway.
    let blocked = dir.path().join("blocked");
    std::fs::create_dir(&blocked).unwrap();
    std::fs::write(blocked.join("keep"), "KEEP").unwrap();
    assert!(write_atomic(&blocked, b"NEW").is_err());
    assert_eq!(std::fs::read_to_string(blocked.join("keep")).unwrap(), "KEEP");
    assert!(leftovers(dir.path()).is_empty(), "temp files cleaned up: {:?}", leftovers(dir.path()));
}

#[test]
fn a_killed_report_never_leaves_a_half_written_file() {
    let inv = tempfile::tempdir().unwrap();
    big_inventory(inv.path(), 20_000);
    let out = tempfile::tempdir().unwrap();
    let json = out.path().join("report.json");
    // Interrupt at several points of the run; every time each output is old or complete.
    for delay_ms in [5u64, 40, 120, 300] {
        std::fs::write(&json, "OLD").unwrap();
        let mut child = Command::new(bin())
            .args(["report", inv.path().to_str().unwrap(), "--out", out.path().to_str().unwrap(), "--format", "json"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill();
        let _ = child.wait();
        let text = std::fs::read_to_string(&json).unwrap();
        assert!(
            text == "OLD" || serde_json::from_str::<serde_json::Value>(&text).is_ok(),
            "after a kill at {delay_ms} ms report.json is neither the old file nor a complete one ({} bytes)",
            text.len()
        );
    }
    // A run that completes replaces it.
    let start = Instant::now();
    let status = Command::new(bin())
        .args(["report", inv.path().to_str().unwrap(), "--out", out.path().to_str().unwrap(), "--format", "json"])
        .status()
        .unwrap();
    assert!(status.success(), "report failed after {:?}", start.elapsed());
    assert!(serde_json::from_str::<serde_json::Value>(&std::fs::read_to_string(&json).unwrap()).is_ok());
    // The killed runs' temporary files (their writers gone) were removed by the run that completed.
    assert!(leftovers(out.path()).is_empty(), "stale temp files left: {:?}", leftovers(out.path()));
}

#[test]
fn a_temp_file_left_by_a_killed_writer_is_removed_by_the_next_write() {
    let out = tempfile::tempdir().unwrap();
    // What `kill -9` mid-write leaves: a partial temporary file named with the dead writer's pid.
    let mut gone = Command::new(bin()).arg("--version").stdout(Stdio::null()).spawn().unwrap();
    let pid = gone.id();
    gone.wait().unwrap();
    let partial = out.path().join(format!(".piflow-{pid}-Xy12ab.tmp"));
    std::fs::write(&partial, vec![b'{'; 1 << 20]).unwrap();
    let inv = tempfile::tempdir().unwrap();
    std::fs::write(inv.path().join("inv.json"), serde_json::to_string(&base()).unwrap()).unwrap();
    let (code, _, err) =
        piflow(&["report", inv.path().to_str().unwrap(), "--out", out.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(!partial.exists(), "the stale temp file is still there");
    assert!(leftovers(out.path()).is_empty(), "{:?}", leftovers(out.path()));
}

#[cfg(unix)]
#[test]
fn a_symlink_in_out_is_refused_not_followed() {
    // Issue 21: an existing target that is not a regular file is refused, the link and what it
    // points to both left alone.
    let inv = tempfile::tempdir().unwrap();
    std::fs::write(inv.path().join("inv.json"), serde_json::to_string(&base()).unwrap()).unwrap();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.json");
    std::fs::write(&victim, "PRECIOUS").unwrap();
    let out = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(&victim, out.path().join("report.json")).unwrap();
    let (code, _, err) =
        piflow(&["report", inv.path().to_str().unwrap(), "--out", out.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("report.json") && err.contains("not a regular file"), "{err}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "PRECIOUS", "wrote through the symlink");
    let link = out.path().join("report.json");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link was replaced");
}

#[cfg(unix)]
#[test]
fn check_refuses_a_fifo_or_directory_target_and_dash_is_stdout() {
    use std::os::unix::fs::FileTypeExt;
    let inv = tempfile::tempdir().unwrap();
    std::fs::write(inv.path().join("inv.json"), serde_json::to_string(&base()).unwrap()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let fifo = out.path().join("findings.json");
    let made = Command::new("mkfifo").arg(&fifo).status().map(|s| s.success()).unwrap_or(false);
    let dir = out.path().join("adir");
    std::fs::create_dir(&dir).unwrap();
    let mut targets = vec![dir.clone()];
    if made {
        targets.push(fifo.clone());
    } else {
        eprintln!("skipping the FIFO case: mkfifo is not available");
    }
    for target in &targets {
        let (code, _, err) =
            piflow(&["check", inv.path().to_str().unwrap(), "--format", "json", "-o", target.to_str().unwrap()]);
        assert_eq!(code, 2, "{}: {err}", target.display());
        assert!(err.contains("not a regular file"), "{err}");
    }
    if made {
        assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "the FIFO was replaced");
    }
    assert!(dir.is_dir());
    let (code, stdout, err) = piflow(&["check", inv.path().to_str().unwrap(), "--format", "json", "-o", "-"]);
    assert!(code == 0 || code == 1, "{err}");
    assert!(stdout.trim_start().starts_with('{'), "{stdout}");
    assert!(!std::path::Path::new("-").exists(), "wrote a file named -");
}

#[test]
fn nothing_is_written_into_the_inventory_unless_asked() {
    let inv = tempfile::tempdir().unwrap();
    std::fs::write(inv.path().join("inv.json"), serde_json::to_string(&base()).unwrap()).unwrap();
    let before: Vec<_> = std::fs::read_dir(inv.path()).unwrap().filter_map(Result::ok).map(|e| e.file_name()).collect();
    let inside = inv.path().join("out");
    let (code, _, err) = piflow(&["report", inv.path().to_str().unwrap(), "--out", inside.to_str().unwrap()]);
    assert_eq!(code, 2, "refused: {err}");
    let (code, _, _) = piflow(&["check", inv.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 0);
    let after: Vec<_> = std::fs::read_dir(inv.path()).unwrap().filter_map(Result::ok).map(|e| e.file_name()).collect();
    assert_eq!(before, after);
    assert_eq!(std::fs::read_to_string(inv.path().join("inv.json")).unwrap(), serde_json::to_string(&base()).unwrap());
}

#[cfg(unix)]
#[test]
fn outputs_get_the_mode_of_any_new_file_and_replacements_keep_theirs() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    // What the umask makes of a new file here.
    let plain = dir.path().join("plain");
    std::fs::File::create(&plain).unwrap();
    let out = dir.path().join("out.json");
    write_atomic(&out, b"{}").unwrap();
    assert_eq!(mode(&out), mode(&plain), "a new report is not left private like a temp file");
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o640)).unwrap();
    write_atomic(&out, b"{\"a\": 1}").unwrap();
    assert_eq!(mode(&out), 0o640, "replacing a report keeps its mode");
}
