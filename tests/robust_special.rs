//! Hostile paths in a repository piflow is run on (issue 21): a part that is a symlink to
//! `/dev/zero`, a FIFO named `x.json`, a symlink out of the inventory or the scanned tree. Each
//! ends at once in a clear error naming the file (exit 2), never a read without end or a wait
//! for ever; a symlink to a file inside the tree is read as that file.
#![cfg(unix)]

use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Run `piflow ARGS` in `cwd`; a run still going after 20 s is killed and fails the test (a
/// blocked open or an endless read).
fn piflow(cwd: &Path, args: &[&str]) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_piflow"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run piflow");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("piflow {args:?} still running after 20 s: it blocked or read without end");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// An inventory directory holding the basic fixture as `base.json`.
fn inventory() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("tests/fixtures/report-basic/inventory.json"), dir.path().join("base.json")).unwrap();
    dir
}

fn check(dir: &Path, extra: &[&str]) -> Run {
    let mut args = vec!["check", ".", "--as-of", "2026-06-01"];
    args.extend_from_slice(extra);
    piflow(dir, &args)
}

#[test]
fn a_part_that_links_to_dev_zero_is_refused_at_once() {
    let inv = inventory();
    symlink("/dev/zero", inv.path().join("x.json")).unwrap();
    for extra in [&[][..], &["--follow-symlinks"][..]] {
        let run = check(inv.path(), extra);
        assert_eq!(run.code, 2, "{extra:?}: {}", run.stderr);
        assert!(run.stderr.contains("x.json"), "names the file: {}", run.stderr);
        let why = if extra.is_empty() { "outside" } else { "a character device, not a regular file" };
        assert!(run.stderr.contains(why), "{extra:?}: {}", run.stderr);
    }
}

#[test]
fn a_fifo_named_like_a_part_is_refused_without_waiting() {
    let inv = inventory();
    mkfifo(&inv.path().join("x.json"));
    let run = check(inv.path(), &["--format", "json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("json errors");
    let e = &doc["errors"][0];
    assert_eq!(e["code"], "load-io");
    assert!(e["file"].as_str().unwrap().ends_with("x.json"), "{e}");
    assert!(e["message"].as_str().unwrap().contains("FIFO (named pipe), not a regular file"), "{e}");
    // Named on the command line instead of found in a directory: the same.
    let run = piflow(inv.path(), &["check", "x.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("x.json") && run.stderr.contains("FIFO"), "{}", run.stderr);
}

#[test]
fn a_symlink_out_of_the_inventory_is_followed_only_when_asked() {
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::copy(fixture("tests/fixtures/report-basic/inventory.json"), elsewhere.path().join("real.json")).unwrap();
    let inv = tempfile::tempdir().unwrap();
    symlink(elsewhere.path().join("real.json"), inv.path().join("base.json")).unwrap();
    let run = check(inv.path(), &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("base.json") && run.stderr.contains("--follow-symlinks"), "{}", run.stderr);
    // Asked for: read as the file it leads to (the fixture has findings: exit 1).
    let run = check(inv.path(), &["--follow-symlinks"]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
}

#[test]
fn a_symlink_inside_the_inventory_is_read() {
    let inv = tempfile::tempdir().unwrap();
    std::fs::create_dir(inv.path().join("parts")).unwrap();
    std::fs::copy(fixture("tests/fixtures/report-basic/inventory.json"), inv.path().join("parts/real.txt")).unwrap();
    symlink("parts/real.txt", inv.path().join("base.json")).unwrap();
    let linked = check(inv.path(), &["--format", "json"]);
    let plain = check(&fixture("tests/fixtures/report-basic"), &["--format", "json"]);
    assert!(linked.code == 0 || linked.code == 1, "{}", linked.stderr);
    let findings =
        |r: &Run| serde_json::from_str::<serde_json::Value>(&r.stdout).unwrap()["findings"].as_array().unwrap().len();
    assert_eq!(findings(&linked), findings(&plain));
}

#[test]
fn scanning_a_tree_never_leaves_it_nor_loops() {
    let tree = tempfile::tempdir().unwrap();
    let root = tree.path();
    std::fs::create_dir(root.join("app")).unwrap();
    std::fs::write(root.join("app/package.json"), r#"{"dependencies": {"@umeng/analytics": "1.0.0"}}"#).unwrap();
    // A loop, a manifest that is /dev/zero, a manifest that is a FIFO, one outside the tree.
    symlink("..", root.join("app/loop")).unwrap();
    std::fs::create_dir(root.join("web")).unwrap();
    symlink("/dev/zero", root.join("web/package.json")).unwrap();
    std::fs::create_dir(root.join("pipe")).unwrap();
    mkfifo(&root.join("pipe/package.json"));
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("package.json"), r#"{"dependencies": {"left-pad": "1.0.0"}}"#).unwrap();
    std::fs::create_dir(root.join("out")).unwrap();
    symlink(outside.path().join("package.json"), root.join("out/package.json")).unwrap();
    // Inside: a link to the app's manifest is read as it.
    std::fs::create_dir(root.join("copy")).unwrap();
    symlink("../app/package.json", root.join("copy/package.json")).unwrap();
    let run = piflow(root, &["scan", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("observed.json");
    let files: Vec<&str> = doc["packages"].as_array().unwrap().iter().map(|p| p["file"].as_str().unwrap()).collect();
    assert!(files.iter().any(|f| f.ends_with("app/package.json")), "{files:?}");
    assert!(files.iter().any(|f| f.ends_with("copy/package.json")), "{files:?}");
    assert!(!files.iter().any(|f| f.contains("loop") || f.contains("out/")), "{files:?}");
    assert!(!run.stdout.contains("left-pad"), "read outside the tree");
    for (file, why) in [("web/package.json", "outside"), ("pipe/package.json", "FIFO"), ("out/package.json", "outside")]
    {
        assert!(run.stderr.lines().any(|l| l.contains(file) && l.contains(why)), "{file}: {}", run.stderr);
    }
}

#[test]
fn named_inputs_that_are_fifos_or_devices_are_refused() {
    let dir = inventory();
    mkfifo(&dir.path().join("notice.txt"));
    mkfifo(&dir.path().join("observed.json"));
    mkfifo(&dir.path().join("fides.yml"));
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("imported");
    let cases: Vec<Vec<&str>> = vec![
        vec!["notice-check", "notice.txt", "base.json"],
        vec!["check", "base.json", "--observed", "observed.json"],
        vec!["import", "fides", "fides.yml", "-o", out_dir.to_str().unwrap()],
        vec!["check", "/dev/zero"],
        vec!["import", "fides", "/dev/zero", "-o", out_dir.to_str().unwrap()],
        vec!["check", "base.json", "--observed", "/dev/zero"],
    ];
    for args in cases {
        let run = piflow(dir.path(), &args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("not a regular file"), "{args:?}: {}", run.stderr);
    }
    let har = piflow(dir.path(), &["scan", "--har", "observed.json"]);
    assert!(har.stderr.contains("observed.json") && har.stderr.contains("FIFO"), "{}", har.stderr);
}

#[test]
fn a_fifo_named_like_an_app_is_not_opened() {
    let tree = tempfile::tempdir().unwrap();
    mkfifo(&tree.path().join("x.apk"));
    symlink("/dev/zero", tree.path().join("y.apk")).unwrap();
    let run = piflow(tree.path(), &["scan", "."]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("x.apk") && run.stderr.contains("FIFO"), "{}", run.stderr);
    assert!(run.stderr.contains("y.apk") && run.stderr.contains("outside"), "{}", run.stderr);
}
