//! Recall and precision of `piflow scan` on real open-source apps (trimmed source trees under
//! `tests/corpus/<app>/`, each with hand-checked `expected.json`: the SDK ids present). Apps marked
//! `tuned` were looked at while the database was edited; `held-out` apps were added without
//! editing the database for them, so their numbers say how the scan does on apps not seen.

use assert_cmd::Command;
use std::collections::BTreeSet;
use std::path::Path;

struct Score {
    found: usize,
    expected: usize,
    reported: usize,
}

fn sdks_reported(dir: &Path) -> BTreeSet<String> {
    let out = Command::cargo_bin("piflow").unwrap().arg("scan").arg(dir).output().unwrap();
    assert!(out.status.success(), "scan of {} failed: {}", dir.display(), String::from_utf8_lossy(&out.stderr));
    let obs: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut ids = BTreeSet::new();
    for key in ["packages", "markers", "hosts"] {
        for o in obs[key].as_array().into_iter().flatten() {
            if let Some(id) = o["sdk"].as_str() {
                ids.insert(id.to_owned());
            }
        }
    }
    ids
}

#[test]
fn scan_recall_and_precision_on_real_apps() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut apps: Vec<_> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    apps.sort();
    assert!(apps.len() >= 5, "the corpus has its apps");
    let mut tuned = Score { found: 0, expected: 0, reported: 0 };
    let mut held = Score { found: 0, expected: 0, reported: 0 };
    for app in &apps {
        let text = std::fs::read_to_string(app.join("expected.json")).unwrap();
        let exp: serde_json::Value = serde_json::from_str(&text).unwrap();
        let expected: BTreeSet<String> =
            exp["sdks"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
        let got = sdks_reported(app);
        let hit = expected.intersection(&got).count();
        let name = app.file_name().unwrap().to_string_lossy();
        let missed: Vec<_> = expected.difference(&got).collect();
        let extra: Vec<_> = got.difference(&expected).collect();
        eprintln!("{name}: {hit}/{} found, {} reported; missed {missed:?}, extra {extra:?}", expected.len(), got.len());
        let score = if exp["split"] == "held-out" { &mut held } else { &mut tuned };
        score.found += hit;
        score.expected += expected.len();
        score.reported += got.len();
    }
    let pct = |a: usize, b: usize| if b == 0 { 100.0 } else { 100.0 * a as f64 / b as f64 };
    let all = Score {
        found: tuned.found + held.found,
        expected: tuned.expected + held.expected,
        reported: tuned.reported + held.reported,
    };
    for (label, s) in [("tuned", &tuned), ("held-out", &held), ("overall", &all)] {
        eprintln!(
            "{label}: recall {:.1}% ({}/{}), precision {:.1}% ({}/{})",
            pct(s.found, s.expected),
            s.found,
            s.expected,
            pct(s.found, s.reported),
            s.found,
            s.reported
        );
    }
    assert!(pct(all.found, all.expected) >= 95.0, "recall below 95%");
    assert!(pct(all.found, all.reported) >= 95.0, "precision below 95%");
}
