//! Recall and precision of `piflow scan` on real open-source apps (trimmed source trees and real
//! APKs under `tests/corpus/<app>/`, each with hand-checked `expected.json`: the SDK ids present
//! and, for a built app, the permissions its manifest requests). Apps marked `tuned` were looked
//! at while the database was edited; `held-out` apps were added without editing the database for
//! them, so their numbers say how the scan does on apps not seen. An app is `binary` when its
//! directory holds a built app (APK, AAB, IPA), else `source`.

use assert_cmd::Command;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[derive(Default, Clone, Copy)]
struct Score {
    found: usize,
    expected: usize,
    reported: usize,
}

impl Score {
    fn add(&mut self, other: Score) {
        self.found += other.found;
        self.expected += other.expected;
        self.reported += other.reported;
    }
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 { 100.0 } else { 100.0 * a as f64 / b as f64 }
}

fn scan(dir: &Path) -> serde_json::Value {
    let out = Command::cargo_bin("piflow").unwrap().arg("scan").arg(dir).output().unwrap();
    assert!(out.status.success(), "scan of {} failed: {}", dir.display(), String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn sdks_reported(obs: &serde_json::Value) -> BTreeSet<String> {
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

/// The permissions the scan read from built apps, in order, one per `<uses-permission>`.
fn permissions_reported(obs: &serde_json::Value) -> Vec<String> {
    let mut perms: Vec<String> = obs["markers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| m["kind"] == "permission" && m["file"].as_str().is_some_and(|f| f.contains('!')))
        .map(|m| m["name"].as_str().unwrap().to_owned())
        .collect();
    perms.sort();
    perms
}

fn is_binary(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().any(|e| {
        let name = e.unwrap().file_name().to_string_lossy().to_ascii_lowercase();
        [".apk", ".aab", ".ipa"].iter().any(|x| name.ends_with(x))
    })
}

#[test]
fn scan_recall_and_precision_on_real_apps() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut apps: Vec<_> =
        std::fs::read_dir(&root).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()).collect();
    apps.sort();
    assert!(apps.len() >= 13, "the corpus has its apps");
    // (split, kind) → score
    let mut scores: BTreeMap<(String, &str), Score> = BTreeMap::new();
    let mut binaries = 0;
    for app in &apps {
        let text = std::fs::read_to_string(app.join("expected.json")).unwrap();
        let exp: serde_json::Value = serde_json::from_str(&text).unwrap();
        let expected: BTreeSet<String> =
            exp["sdks"].as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect();
        let obs = scan(app);
        let got = sdks_reported(&obs);
        let hit = expected.intersection(&got).count();
        let name = app.file_name().unwrap().to_string_lossy();
        let missed: Vec<_> = expected.difference(&got).collect();
        let extra: Vec<_> = got.difference(&expected).collect();
        let split = exp["split"].as_str().unwrap().to_owned();
        assert!(split == "tuned" || split == "held-out", "{name}: split is `tuned` or `held-out`");
        let kind = if is_binary(app) { "binary" } else { "source" };
        eprintln!(
            "{name} ({split}, {kind}): {hit}/{} found, {} reported; missed {missed:?}, extra {extra:?}",
            expected.len(),
            got.len()
        );
        scores.entry((split, kind)).or_default().add(Score {
            found: hit,
            expected: expected.len(),
            reported: got.len(),
        });
        // A built app's permissions are exactly what its manifest requests, duplicates included.
        if let Some(perms) = exp["permissions"].as_array() {
            binaries += 1;
            let mut want: Vec<String> = perms.iter().map(|p| p.as_str().unwrap().to_owned()).collect();
            want.sort();
            assert_eq!(permissions_reported(&obs), want, "{name}: permissions as the manifest requests them");
        }
    }
    assert!(binaries >= 2, "the corpus has real APKs with their manifests' permissions");
    let total = |pick: &dyn Fn(&str, &str) -> bool| {
        let mut s = Score::default();
        for ((split, kind), score) in &scores {
            if pick(split, kind) {
                s.add(*score);
            }
        }
        s
    };
    let rows: Vec<(&str, Score)> = vec![
        ("tuned", total(&|s, _| s == "tuned")),
        ("held-out", total(&|s, _| s == "held-out")),
        ("held-out source", total(&|s, k| s == "held-out" && k == "source")),
        ("held-out binary", total(&|s, k| s == "held-out" && k == "binary")),
        ("source", total(&|_, k| k == "source")),
        ("binary", total(&|_, k| k == "binary")),
        ("overall", total(&|_, _| true)),
    ];
    for (label, s) in &rows {
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
    let all = rows.last().unwrap().1;
    assert!(pct(all.found, all.expected) >= 95.0, "recall below 95%");
    assert!(pct(all.found, all.reported) >= 95.0, "precision below 95%");
}
