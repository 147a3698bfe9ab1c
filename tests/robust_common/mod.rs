//! Helpers shared by the robustness tests: run the real binary with its peak memory measured, and
//! judge load-error output.
#![allow(dead_code)]

pub mod mutation;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What one run of `piflow` gave.
pub struct Run {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Peak resident memory of the child in KiB, when `/usr/bin/time` is there to measure it.
    pub peak_kib: Option<u64>,
}

impl Run {
    pub fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {}\nstderr: {}",
                String::from_utf8_lossy(&self.stdout[..self.stdout.len().min(2000)]),
                self.stderr_text()
            )
        })
    }
    /// A panic exits 101 and prints `panicked at`; an abort (stack overflow) dies by a signal.
    pub fn assert_no_crash(&self, what: &str) {
        assert!(
            self.code == 0 || self.code == 1 || self.code == 2,
            "{what}: exit {} (a panic is 101, a signal is -1)\n{}",
            self.code,
            self.stderr_text()
        );
        assert!(!self.stderr_text().contains("panicked at"), "{what}: panicked\n{}", self.stderr_text());
    }
    pub fn assert_peak_below(&self, mib: u64, what: &str) {
        if let Some(kib) = self.peak_kib {
            assert!(kib < mib * 1024, "{what}: peak RSS {} MiB, bound {mib} MiB", kib / 1024);
        }
    }
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_piflow"))
}

/// Run `piflow ARGS` in `cwd`, measuring peak RSS through `/usr/bin/time -f %M` when available.
pub fn piflow_in(cwd: &Path, args: &[&std::ffi::OsStr]) -> Run {
    let time = Path::new("/usr/bin/time");
    let rss_file = tempfile::NamedTempFile::new().expect("temp file");
    let mut cmd = if time.exists() {
        let mut c = Command::new(time);
        c.arg("-f").arg("%M").arg("-o").arg(rss_file.path()).arg(bin());
        c
    } else {
        Command::new(bin())
    };
    let out = cmd.args(args).current_dir(cwd).env("NO_COLOR", "1").output().expect("run piflow");
    let peak_kib = std::fs::read_to_string(rss_file.path())
        .ok()
        .and_then(|s| s.lines().filter_map(|l| l.trim().parse::<u64>().ok()).next_back());
    // `time` reports a signal death as "Command terminated by signal N" and exits 128+N.
    let code = out.status.code().unwrap_or(-1);
    Run { code, stdout: out.stdout, stderr: out.stderr, peak_kib }
}

pub fn piflow(args: &[&str]) -> Run {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    piflow_in(Path::new(env!("CARGO_MANIFEST_DIR")), &args)
}

/// `piflow check PATH --format json`: exit 2 with located `load-*` errors, or a clean load.
pub fn check_json(path: &Path) -> Run {
    piflow_in(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[
            "check".as_ref(),
            path.as_os_str(),
            "--format".as_ref(),
            "json".as_ref(),
            "--as-of".as_ref(),
            "2026-06-01".as_ref(),
        ],
    )
}

/// The `errors` of a load failure, after checking the run failed the way a bad inventory should.
pub fn load_errors(run: &Run, what: &str) -> Vec<Value> {
    run.assert_no_crash(what);
    assert_eq!(run.code, 2, "{what}: expected exit 2\n{}", String::from_utf8_lossy(&run.stdout));
    let doc = run.json();
    let errors = doc["errors"].as_array().cloned().unwrap_or_default();
    assert!(!errors.is_empty(), "{what}: no errors listed: {doc}");
    for e in &errors {
        let code = e["code"].as_str().unwrap_or("");
        assert!(code.starts_with("load-"), "{what}: error code {code}");
        assert!(!e["message"].as_str().unwrap_or("").is_empty(), "{what}: empty message");
    }
    errors
}

/// At least one error names a file and a line in it.
pub fn assert_located(errors: &[Value], what: &str) {
    assert!(
        errors.iter().any(|e| e["file"].is_string() && e["line"].as_u64().unwrap_or(0) > 0),
        "{what}: no error names a file and line: {errors:#?}"
    );
}

/// An inventory's parts as (file name, bytes), sorted by name.
pub type Parts = Vec<(String, Vec<u8>)>;

/// The seed inventories shipped in `inventory/`: (directory, name, parts), for tests that mutate
/// real inputs.
pub fn seed_inventories() -> Vec<(PathBuf, String, Parts)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("inventory");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("inventory/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let seeds: Vec<_> = dirs
        .into_iter()
        .map(|dir| {
            let mut parts: Vec<_> = std::fs::read_dir(&dir)
                .expect("seed directory")
                .map(|e| e.expect("entry").path())
                .filter(|p| p.extension().is_some_and(|e| e == "json" || e == "csv"))
                .map(|p| {
                    (p.file_name().expect("name").to_string_lossy().into_owned(), std::fs::read(&p).expect("read"))
                })
                .collect();
            parts.sort();
            let name = dir.file_name().expect("name").to_string_lossy().into_owned();
            (dir, name, parts)
        })
        .collect();
    assert!(seeds.len() >= 5, "seed inventories missing");
    seeds
}
