//! `reports/<company>/` must be exactly what the binary generates from `inventory/<company>/`, so
//! the committed reports can never go stale. Regenerate them with
//! `PIFLOW_BLESS=1 cargo test --test reports_fresh`.
//!
//! Everything is generated with a fixed `--as-of` so the files do not change with the calendar.
//! SVG and PNG come from Graphviz: without `dot` they are skipped (with a message), and when the
//! installed Graphviz is not the version recorded in `reports/graphviz-version.txt` (its output
//! differs between versions) they are compared only for presence.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const AS_OF: &str = "2026-11-23";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn piflow(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_piflow")).current_dir(root()).args(args).output().expect("run piflow")
}

fn dot_version() -> Option<String> {
    let out = Command::new("dot").arg("-V").output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stderr).trim().to_owned())
}

/// Generate every report of one inventory into `out`.
fn generate(company: &str, out: &Path, with_dot: bool) {
    let inv = format!("inventory/{company}");
    let out_s = out.to_str().expect("utf-8 temp path");
    let r = piflow(&["report", &inv, "--out", out_s, "--as-of", AS_OF]);
    assert!(r.status.success(), "report {company}: {}", String::from_utf8_lossy(&r.stderr));
    let mut formats = vec!["dot"];
    if with_dot {
        formats.extend(["svg", "png"]);
    }
    for f in formats {
        let file = out.join(format!("diagram.{f}"));
        let r = piflow(&["diagram", &inv, "--as-of", AS_OF, "-o", file.to_str().expect("utf-8")]);
        assert!(r.status.success(), "diagram {company} {f}: {}", String::from_utf8_lossy(&r.stderr));
    }
    let r = piflow(&["check", &inv, "--format", "json", "--as-of", AS_OF]);
    assert!(matches!(r.status.code(), Some(0 | 1)), "check {company}: {}", String::from_utf8_lossy(&r.stderr));
    std::fs::write(out.join("check.json"), &r.stdout).expect("write check.json");
    // The company's published policy read against its inventory (a copy of ../shared/seeds/ lives
    // under tests/fixtures/notice/seeds/ so CI needs nothing outside the repository).
    let policy = format!("tests/fixtures/notice/seeds/{company}.txt");
    if root().join(&policy).is_file() {
        for (format, file) in [("human", "notice-check.txt"), ("json", "notice-check.json")] {
            let r = piflow(&[
                "notice-check",
                &policy,
                &inv,
                "--format",
                format,
                "--as-of",
                AS_OF,
                "--color",
                "never",
                "-o",
                out.join(file).to_str().expect("utf-8"),
            ]);
            assert!(
                matches!(r.status.code(), Some(0 | 1)),
                "notice-check {company}: {}",
                String::from_utf8_lossy(&r.stderr)
            );
        }
    }
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.path().is_file() {
                out.insert(e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("read"));
            }
        }
    }
    out
}

#[test]
fn committed_reports_are_fresh() {
    let bless = std::env::var_os("PIFLOW_BLESS").is_some_and(|v| v == "1");
    let version = dot_version();
    let version_file = root().join("reports/graphviz-version.txt");
    let recorded = std::fs::read_to_string(&version_file).ok().map(|s| s.trim().to_owned());
    if version.is_none() {
        eprintln!("reports_fresh: Graphviz `dot` is not installed; diagram.svg and diagram.png are not checked");
    }
    let graphics_comparable = version.is_some() && version == recorded;
    if version.is_some() && !graphics_comparable && !bless {
        eprintln!(
            "reports_fresh: installed Graphviz ({}) is not the one that rendered reports/ ({}); svg/png are checked for presence only",
            version.as_deref().unwrap_or("?"),
            recorded.as_deref().unwrap_or("none recorded")
        );
    }
    let mut companies: Vec<String> = std::fs::read_dir(root().join("inventory"))
        .expect("inventory/")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    companies.sort();
    assert!(!companies.is_empty());
    let mut stale = Vec::new();
    for company in &companies {
        let tmp = tempfile::tempdir().expect("tempdir");
        generate(company, tmp.path(), version.is_some());
        let fresh = files(tmp.path());
        let committed_dir = root().join("reports").join(company);
        if bless {
            std::fs::create_dir_all(&committed_dir).expect("mkdir");
            for (name, _) in files(&committed_dir) {
                if !fresh.contains_key(&name)
                    && !(version.is_none() && (name.ends_with(".svg") || name.ends_with(".png")))
                {
                    std::fs::remove_file(committed_dir.join(&name)).expect("remove stale file");
                }
            }
            for (name, bytes) in &fresh {
                std::fs::write(committed_dir.join(name), bytes).expect("write");
            }
            continue;
        }
        let committed = files(&committed_dir);
        for (name, bytes) in &fresh {
            let graphic = name.ends_with(".svg") || name.ends_with(".png");
            match committed.get(name) {
                None => stale.push(format!("{company}/{name}: missing from reports/")),
                Some(old) if old != bytes && (!graphic || graphics_comparable) => {
                    stale.push(format!("{company}/{name}: differs from what piflow generates"))
                }
                _ => {}
            }
        }
        for name in committed.keys() {
            let graphic = name.ends_with(".svg") || name.ends_with(".png");
            if !(fresh.contains_key(name) || graphic && version.is_none()) {
                stale.push(format!("{company}/{name}: not generated any more"));
            }
        }
    }
    if bless {
        if let Some(v) = version {
            std::fs::write(&version_file, format!("{v}\n")).expect("write graphviz-version.txt");
        }
        eprintln!("reports_fresh: reports/ rewritten for {}", companies.join(", "));
        return;
    }
    assert!(
        stale.is_empty(),
        "reports/ is stale; run `PIFLOW_BLESS=1 cargo test --test reports_fresh` and commit reports/:\n  {}",
        stale.join("\n  ")
    );
}
