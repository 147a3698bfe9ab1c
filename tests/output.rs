//! Outputs: JSON is deterministic whatever the order of parts and arrays, SARIF validates against
//! the official 2.1.0 schema, convert is lossless both ways, human output reads well.

mod common;
use common::*;
use serde_json::{Value, json};
use std::path::Path;

/// An inventory with findings of several codes, targets and regimes.
fn busy() -> Value {
    let mut inv = base();
    get(&mut inv, "subjects", "users")["country"] = json!(["CN", "DE"]);
    push(&mut inv, "fields", json!({"id": "idno", "name": "ID", "category": "identity.national-id"}));
    push(&mut inv, "fields", json!({"id": "diag", "name": "Diagnosis", "category": "health.medical"}));
    push(&mut inv, "purposes", json!({"id": "mkt", "name": "Marketing", "basis": "consent", "consents": ["c"]}));
    push(&mut inv, "consents", json!({"id": "c", "name": "Box", "kind": "general", "for": ["processing"]}));
    push(&mut inv, "parties", json!({"id": "us", "name": "US Inc", "country": "US", "role": "controller"}));
    push(&mut inv, "flows", json!({"from": "users", "to": "app", "fields": ["idno", "diag"], "purpose": "mkt"}));
    push(&mut inv, "flows", json!({"from": "app", "to": "us", "fields": ["idno"], "purpose": "mkt", "volume": 20000}));
    push(&mut inv, "flows", json!({"from": "app", "to": "us", "fields": ["diag"], "purpose": "mkt"}));
    push(&mut inv, "waivers", json!({"rule": "inv-no-retention", "target": "idno", "reason": "policy pending"}));
    inv
}

/// Write `inv` as one minified part per array (all on line 1, so shuffling items keeps locations),
/// with arrays reversed when `shuffle`; `names` gives the part file name for each key.
fn write_parts(dir: &Path, inv: &Value, shuffle: bool, rename: bool) {
    for (key, value) in inv.as_object().unwrap() {
        if key == "piflow" {
            continue;
        }
        let mut value = value.clone();
        if shuffle && let Some(a) = value.as_array_mut() {
            a.reverse();
            let half = a.len() / 2;
            a.rotate_left(half);
        }
        let name = if rename { format!("z-{key}.json") } else { format!("{key}.json") };
        std::fs::write(dir.join(name), serde_json::to_string(&json!({"piflow": 1, key: value})).unwrap()).unwrap();
    }
}

fn json_of(dir: &Path) -> String {
    let (_, out, err) = piflow(&["check", dir.to_str().unwrap(), "--format", "json", "--as-of", AS_OF]);
    assert!(out.starts_with('{'), "{out}{err}");
    // Paths differ between temp dirs; everything else must not.
    out.replace(dir.to_str().unwrap(), "DIR")
}

#[test]
fn json_is_identical_whatever_the_order() {
    let inv = busy();
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    write_parts(a.path(), &inv, false, false);
    write_parts(b.path(), &inv, true, false);
    let (ja, jb) = (json_of(a.path()), json_of(b.path()));
    assert!(ja.contains("pipl-29-sensitive") && ja.contains("gdpr-9-special"), "{ja}");
    assert_eq!(ja, jb, "shuffled arrays changed the output");
    // Renamed parts only change file names in locations.
    let c = tempfile::tempdir().unwrap();
    write_parts(c.path(), &inv, true, true);
    assert_eq!(ja, json_of(c.path()).replace("z-", ""));
}

#[test]
fn json_shape_follows_rules_md() {
    let (code, r) = check(&busy(), &[]);
    assert_eq!(code, 1);
    assert_eq!(r["piflow"], 1);
    assert_eq!(r["as_of"], "2026-06-01");
    for key in ["error", "warning", "note", "waived"] {
        assert!(r["summary"][key].is_u64(), "summary.{key}");
    }
    assert_eq!(r["summary"]["waived"], 1);
    let findings = r["findings"].as_array().unwrap();
    let keys: Vec<(String, String)> =
        findings.iter().map(|f| (f["code"].as_str().unwrap().into(), f["target"].as_str().unwrap().into())).collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "sorted by code then target");
    for f in findings {
        for key in ["code", "severity", "regime", "target", "message", "citation", "waived", "location", "data"] {
            assert!(f.get(key).is_some(), "finding lacks {key}: {f}");
        }
        assert!(f["location"]["line"].as_u64().unwrap() >= 1);
        assert!(f["location"]["file"].as_str().unwrap().ends_with("inv.json"));
    }
    // The default flow id names both ends and counts flows between them.
    assert!(targets(&r, "pipl-29-sensitive").contains(&"users->app#1".to_owned()), "{r:#}");
}

/// Problems the official SARIF 2.1.0 schema finds in `sarif`.
fn sarif_problems(sarif: &Value) -> Vec<String> {
    let text = std::fs::read_to_string("tests/schemas/sarif-schema-2.1.0.json").unwrap();
    // The official schema's `language` patterns have a bare `]`, legal in ECMAScript but not in
    // Rust's regex syntax; escape it (same meaning) so the schema compiles. piflow sets no language.
    let bare = "[a-zA-Z]{2}]?$";
    assert_eq!(text.matches(bare).count(), 2);
    let schema: Value = serde_json::from_str(&text.replace(bare, "[a-zA-Z]{2}\\\\]?$")).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    validator.iter_errors(sarif).map(|e| format!("{} at {}", e, e.instance_path())).collect()
}

#[test]
fn sarif_of_an_invalid_inventory_is_still_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("my inventory")).unwrap();
    std::fs::write(
        dir.path().join("my inventory/数据流.json"),
        "{\"piflow\": 1,\n \"flows\": [{\"from\": \"a\", \"to\": \"b\", \"bogus\": 1}]}\n",
    )
    .unwrap();
    let out = assert_cmd::Command::cargo_bin("piflow")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "my inventory", "--format", "sarif", "-o", "out.sarif"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("load-unknown-key"), "the log shows the problems too");
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.sarif")).unwrap()).unwrap();
    let problems = sarif_problems(&sarif);
    assert!(problems.is_empty(), "{problems:#?}");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let unknown = results.iter().find(|r| r["ruleId"] == "load-unknown-key").expect("{sarif:#}");
    let loc = &unknown["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "my%20inventory/%E6%95%B0%E6%8D%AE%E6%B5%81.json");
    assert_eq!(loc["region"]["startLine"], 2);
}

#[test]
fn sarif_keeps_the_most_severe_results_github_accepts() {
    // 6,000 flows to a processor without a contract (errors) and 6,000 undeclared retention
    // notes or warnings besides: more than the 5,000 results GitHub keeps.
    let mut inv = base();
    for i in 0..6000 {
        push(&mut inv, "parties", json!({"id": format!("p{i}"), "name": "P", "country": "CN", "role": "processor"}));
        push(&mut inv, "flows", json!({"from": "app", "to": format!("p{i}"), "fields": ["phone"], "purpose": "login"}));
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inv.json");
    std::fs::write(&path, serde_json::to_string(&inv).unwrap()).unwrap();
    let (_, all, _) = piflow(&["check", path.to_str().unwrap(), "--format", "json", "--as-of", AS_OF]);
    let all: Value = serde_json::from_str(&all).unwrap();
    let total = all["findings"].as_array().unwrap().len();
    let errors = all["summary"]["error"].as_u64().unwrap() as usize;
    assert!(total > 5000 && errors < 5000 + 6000, "{total}");
    let (code, out, err) = piflow(&["check", path.to_str().unwrap(), "--format", "sarif", "--as-of", AS_OF]);
    assert_eq!(code, 1, "{err}");
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let problems = sarif_problems(&sarif);
    assert!(problems.is_empty(), "{problems:#?}");
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 5000);
    // The most severe first: errors fill what they can before any warning or note.
    let kept_errors = results.iter().filter(|r| r["level"] == "error").count();
    assert_eq!(kept_errors, errors.min(5000));
    let note = run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"].as_str().unwrap();
    assert!(
        note.contains(&format!("{} of {total} findings", total - 5000)) && note.contains("--format json"),
        "{note}"
    );
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inv.json");
    std::fs::write(&path, serde_json::to_string_pretty(&busy()).unwrap()).unwrap();
    let (code, out, err) = piflow(&["check", path.to_str().unwrap(), "--format", "sarif", "--as-of", AS_OF]);
    assert_eq!(code, 1, "{err}");
    let sarif: Value = serde_json::from_str(&out).unwrap();
    let problems = sarif_problems(&sarif);
    assert!(problems.is_empty(), "{problems:#?}");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(
        rules.iter().any(|r| r["id"] == "pipl-38-mechanism" && r["help"]["text"].as_str().unwrap().contains("Fix:"))
    );
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for res in results {
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], res["ruleId"]);
        let loc = &res["locations"][0]["physicalLocation"];
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.ends_with("inv.json") && !uri.starts_with('/'), "{uri}");
    }
    assert!(results.iter().any(|r| r["suppressions"][0]["justification"] == "policy pending"), "waived = suppressed");
}

#[test]
fn sarif_paths_are_relative_to_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("inv")).unwrap();
    std::fs::write(dir.path().join("inv/inv.json"), serde_json::to_string_pretty(&busy()).unwrap()).unwrap();
    let out = assert_cmd::Command::cargo_bin("piflow")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "inv", "--format", "sarif"])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
    assert_eq!(uri, "inv/inv.json");
}

fn strip_locs(mut v: Value) -> Value {
    // Compare models through their JSON form: locations are not part of the model's text.
    if let Some(o) = v.as_object_mut() {
        o.remove("loc");
    }
    v
}

fn model_json(dir: &Path) -> Value {
    // Convert to a single JSON file: the canonical text of the model.
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("all.json");
    let (code, _, err) = piflow(&["convert", dir.to_str().unwrap(), file.to_str().unwrap(), "--to", "json"]);
    assert_eq!(code, 0, "{err}");
    strip_locs(serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap())
}

#[test]
fn convert_round_trips_json_csv_json() {
    let mut inv = busy();
    // Awkward values: separators, quotes, newlines, formulas, per-regime bases, lists of countries.
    get(&mut inv, "systems", "app")["security"] = json!(["TLS; at rest", "back\\slash", "=SUM(A1)", "line\nbreak"]);
    get(&mut inv, "purposes", "login")["basis"] = json!({"PIPL": "contract", "GDPR": "legitimate-interests"});
    get(&mut inv, "parties", "sms")["name"] = json!("SMS, \"quoted\" Ltd");
    let src = tempfile::tempdir().unwrap();
    std::fs::write(src.path().join("inv.json"), serde_json::to_string_pretty(&inv).unwrap()).unwrap();
    let csv = tempfile::tempdir().unwrap();
    let (code, _, err) =
        piflow(&["convert", src.path().to_str().unwrap(), csv.path().to_str().unwrap(), "--to", "csv"]);
    assert_eq!(code, 0, "{err}");
    assert!(csv.path().join("flows.csv").exists());
    let back = tempfile::tempdir().unwrap();
    let (code, _, err) =
        piflow(&["convert", csv.path().to_str().unwrap(), back.path().to_str().unwrap(), "--to", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(back.path().join("flows.json").exists());
    let original = model_json(src.path());
    assert_eq!(original, model_json(csv.path()), "JSON → CSV lost something");
    assert_eq!(original, model_json(back.path()), "CSV → JSON lost something");
    // Same findings from all three.
    let a = json_of(src.path());
    let b = json_of(csv.path());
    let count = |s: &str| serde_json::from_str::<Value>(s).unwrap()["summary"].clone();
    assert_eq!(count(&a), count(&b));
    // Undeclared flow ids stay undeclared.
    assert!(!std::fs::read_to_string(back.path().join("flows.json")).unwrap().contains("users->app#"));
}

#[test]
fn explain_prints_law_and_fix() {
    let (code, out, _) = piflow(&["explain", "pipl-38-mechanism"]);
    assert_eq!(code, 0);
    assert!(out.contains("10,000") && out.contains("Art. 5(4)") && out.contains("Fix:"), "{out}");
    let (_, out, _) = piflow(&["explain", "gdpr-44-transfer"]);
    assert!(out.contains("C-703/25 P") && out.contains("BR"), "{out}");
    let (_, out, _) = piflow(&["explain"]);
    for code in ["inv-field-from-nowhere", "pipl-21-subentrust", "gdpr-49-derogation", "pipl-38-exempt"] {
        assert!(out.contains(code), "{code} missing from the list");
    }
    let (_, out, _) = piflow(&["explain", "categories"]);
    assert!(out.contains("身份证号码") && out.contains("National ID number"));
    let (code, _, err) = piflow(&["explain", "pipl-38-mechanisms"]);
    assert_eq!(code, 2);
    assert!(err.contains("mean `pipl-38-mechanism`?"), "{err}");
}

#[test]
fn human_output_groups_by_target() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inv.json");
    std::fs::write(&path, serde_json::to_string_pretty(&busy()).unwrap()).unwrap();
    let out = assert_cmd::Command::cargo_bin("piflow")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "inv.json", "--as-of", AS_OF])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains('\u{1b}'), "no colour when not a terminal");
    insta::assert_snapshot!(text);
}

#[test]
fn terminal_output_escapes_control_and_bidi_characters() {
    let mut inv = base();
    get(&mut inv, "parties", "sms").as_object_mut().unwrap().remove("contract");
    get(&mut inv, "parties", "sms")["name"] = json!("Evil\u{1b}[31m\u{202e}Ltd");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inv.json");
    std::fs::write(&path, serde_json::to_string_pretty(&inv).unwrap()).unwrap();
    let (code, out, _) = piflow(&["check", path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(!out.contains('\u{1b}') && !out.contains('\u{202e}'), "{out}");
    assert!(out.contains("\\u{1b}[31m\\u{202e}Ltd"), "{out}");
}

#[test]
fn a_failed_write_to_standard_output_is_an_error() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("skipped: /dev/full is absent on this system");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inv.json");
    std::fs::write(&path, serde_json::to_string_pretty(&busy()).unwrap()).unwrap();
    for format in ["json", "sarif", "human"] {
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("piflow"))
            .args(["check", path.to_str().unwrap(), "--format", format])
            .stdout(full.try_clone().unwrap())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
            .wait_with_output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{format}: {err}");
        assert!(err.contains("cannot write to standard output"), "{format}: {err}");
    }
    // A closed pipe (`| head`) is quiet: the exit code is the findings'.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("piflow"))
        .args(["check", path.to_str().unwrap(), "--format", "json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// `check` and `notice-check` never write over an input or into the inventory they read (issue:
/// `check inv.json --format json -o inv.json` used to replace the inventory with its findings).
#[test]
fn check_refuses_to_write_over_its_inputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inv = dir.path().join("inv.json");
    let original = std::fs::read("tests/fixtures/notice/inventory.json").expect("fixture");
    std::fs::write(&inv, &original).expect("write");
    let run = |args: &[&std::ffi::OsStr]| {
        assert_cmd::Command::cargo_bin("piflow").expect("binary").args(args).output().expect("run")
    };
    let os = |s: &str| std::ffi::OsString::from(s);
    let over =
        run(&[os("check").as_os_str(), inv.as_os_str(), &os("--format"), &os("json"), &os("-o"), inv.as_os_str()]);
    assert_eq!(over.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&over.stderr).contains("over the input"));
    assert_eq!(std::fs::read(&inv).expect("read"), original, "the inventory is untouched");

    let parts = dir.path().join("parts");
    std::fs::create_dir(&parts).expect("mkdir");
    std::fs::write(parts.join("a.json"), &original).expect("write");
    let inside = parts.join("findings.json");
    let r = run(&[&os("check"), parts.as_os_str(), &os("--format"), &os("json"), &os("-o"), inside.as_os_str()]);
    assert_eq!(r.status.code(), Some(2));
    assert!(!inside.exists());
    let forced = run(&[
        &os("check"),
        parts.as_os_str(),
        &os("--format"),
        &os("json"),
        &os("--force-inside"),
        &os("-o"),
        inside.as_os_str(),
    ]);
    assert!(matches!(forced.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&forced.stderr));
    assert!(inside.exists());

    // Beside a single-file inventory is fine; over the notice read by notice-check is not.
    let beside = dir.path().join("findings.json");
    let r = run(&[&os("check"), inv.as_os_str(), &os("--format"), &os("json"), &os("-o"), beside.as_os_str()]);
    assert!(matches!(r.status.code(), Some(0 | 1)));
    let notice = dir.path().join("notice.txt");
    std::fs::write(&notice, "我们收集您的手机号码。\n").expect("write");
    let r = run(&[&os("notice-check"), notice.as_os_str(), inv.as_os_str(), &os("-o"), notice.as_os_str()]);
    assert_eq!(r.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&notice).expect("read"), "我们收集您的手机号码。\n");
}

/// Every command that writes goes through the same guard: `notice`, `diff`, `scan`, `convert`,
/// `report` and `import fides` never write over an input or (unless `--force-inside`) into the
/// inventory directory they read; a scanned tree may receive observed.json.
#[test]
fn every_writing_command_refuses_to_write_over_its_inputs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let inv = dir.path().join("inv");
    std::fs::create_dir(&inv).unwrap();
    let original = std::fs::read("tests/fixtures/notice/inventory.json").expect("fixture");
    std::fs::write(inv.join("a.json"), &original).unwrap();
    let file = dir.path().join("single.json");
    std::fs::write(&file, &original).unwrap();
    let har = dir.path().join("shop.har");
    std::fs::copy("tests/fixtures/scan/har/shop.har", &har).unwrap();
    let fides = dir.path().join("shop.yml");
    std::fs::copy("tests/fixtures/fides/shop.yml", &fides).unwrap();
    let p = |p: &Path| p.to_str().unwrap().to_owned();
    let (inv_s, file_s, har_s, fides_s) = (p(&inv), p(&file), p(&har), p(&fides));
    let inside = p(&inv.join("out.txt"));
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["notice", &inv_s, "--lang", "en", "-o", &inside], "inside the inventory"),
        (vec!["notice", &file_s, "--lang", "en", "-o", &file_s], "over the input"),
        (vec!["diff", &inv_s, &file_s, "-o", &inside], "inside the inventory"),
        (vec!["diff", &file_s, &inv_s, "-o", &file_s], "over the input"),
        (vec!["scan", "--har", &har_s, "-o", &har_s], "over the input"),
        (vec!["scan", "--har", &har_s, "--suggest", "--inventory", &inv_s, "-o", &inside], "inside the inventory"),
        (vec!["convert", &inv_s, &inv_s, "--to", "csv"], "over the input"),
        (vec!["convert", &inv_s, &inside, "--to", "csv"], "inside the inventory"),
        (vec!["convert", &file_s, &file_s, "--to", "json"], "over the input"),
        (vec!["convert", &file_s, &file_s, "--to", "fides"], "over the input"),
        (vec!["import", "fides", &fides_s, "-o", &fides_s], "over the input"),
        (vec!["report", &file_s, "--out", &file_s], "over the input"),
        (vec!["trace", "phone", &inv_s, "-o", &inside], "inside the inventory"),
    ];
    for (args, why) in &cases {
        let out = assert_cmd::Command::cargo_bin("piflow").unwrap().args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(why), "{args:?}: {err}");
    }
    assert_eq!(std::fs::read(&file).unwrap(), original, "the single-file inventory is untouched");
    assert_eq!(std::fs::read(inv.join("a.json")).unwrap(), original);
    let names: Vec<_> = std::fs::read_dir(&inv).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("a.json")], "nothing written into the inventory");
    assert!(std::fs::read_to_string(&har).unwrap().contains("\"log\""), "the HAR is untouched");
    // Forced, `notice` writes inside; a scanned tree takes observed.json without being forced.
    let forced = assert_cmd::Command::cargo_bin("piflow")
        .unwrap()
        .args(["notice", &inv_s, "--lang", "en", "--force-inside", "-o", &inside])
        .output()
        .unwrap();
    assert_eq!(forced.status.code(), Some(0), "{}", String::from_utf8_lossy(&forced.stderr));
    let observed = p(&dir.path().join("observed.json"));
    let scan = assert_cmd::Command::cargo_bin("piflow")
        .unwrap()
        .current_dir(dir.path())
        .args(["scan", ".", "-o", &observed])
        .output()
        .unwrap();
    assert_eq!(scan.status.code(), Some(0), "{}", String::from_utf8_lossy(&scan.stderr));
}

#[test]
fn import_fails_when_its_summary_cannot_be_written() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        eprintln!("skipped: /dev/full is absent on this system");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("piflow"))
        .args(["import", "fides", "tests/fixtures/fides/shop.yml", "--country", "CN", "-o"])
        .arg(dir.path().join("inv"))
        .stdout(full)
        .stderr(std::process::Stdio::piped())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot write to standard output"), "{err}");
}

/// The rule tests check in-process (tests/common `check`); the binary must give the same JSON
/// report and the same exit code, on an inventory with findings of every severity.
#[test]
fn in_process_check_matches_the_binary() {
    let mut inv = base();
    get(&mut inv, "purposes", "login")["basis"] = json!("legitimate-interests");
    push(&mut inv, "fields", json!({"id": "spare", "name": "Spare", "category": "contact.email"}));
    get(&mut inv, "parties", "sms")["country"] = json!("US");
    let (code, in_process) = check(&inv, &["--fail-on", "warning"]);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("inv.json"), serde_json::to_string_pretty(&inv).unwrap()).unwrap();
    let out = assert_cmd::Command::cargo_bin("piflow")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "inv.json", "--format", "json", "--as-of", AS_OF, "--fail-on", "warning"])
        .output()
        .unwrap();
    let binary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(codes(&binary).len() >= 3, "{binary:#}");
    assert_eq!(binary, in_process);
    assert_eq!(out.status.code(), Some(code));
}

/// An inventory whose `n_flows` flows each carry `n_fields` fields on a consent basis with no
/// consent: one `pipl-14-consent` per flow, its message and data listing every field.
fn consent_heavy(n_fields: usize, n_flows: usize) -> Value {
    let mut inv = base();
    let ids: Vec<String> = (0..n_fields).map(|i| format!("f{i:05}")).collect();
    inv["fields"] =
        ids.iter().map(|id| json!({"id": id, "name": id, "category": "contact.phone", "retention": "P1Y"})).collect();
    get(&mut inv, "purposes", "login")["basis"] = json!("consent");
    inv["flows"] = json!([{"id": "collect", "from": "users", "to": "app", "fields": ids, "purpose": "login"}]);
    for j in 0..n_flows {
        let p = format!("p{j}");
        push(&mut inv, "parties", json!({"id": p, "name": "P", "country": "CN", "role": "processor", "contract": "D"}));
        push(
            &mut inv,
            "flows",
            json!({"id": format!("s{j}"), "from": "app", "to": p, "fields": ids, "purpose": "login"}),
        );
    }
    inv
}

fn sarif_of(inv: &Value) -> (Value, u64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inv.json");
    std::fs::write(&path, serde_json::to_string(inv).unwrap()).unwrap();
    let out = dir.path().join("out.sarif");
    let (code, _, err) =
        piflow(&["check", path.to_str().unwrap(), "--format", "sarif", "--as-of", AS_OF, "-o", out.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    let size = std::fs::metadata(&out).unwrap().len();
    (serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap(), size)
}

fn notes(sarif: &Value) -> Vec<String> {
    sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .map(|n| n.iter().map(|n| n["message"]["text"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

#[test]
fn sarif_stays_within_githubs_10_mb() {
    // 601 results of about 30 KB each: 18 MB if all were written.
    let (sarif, size) = sarif_of(&consent_heavy(1500, 600));
    assert!(size <= 10_000_000, "{size} bytes");
    assert!(sarif_problems(&sarif).is_empty());
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() > 250 && results.len() < 601, "{}", results.len());
    let note = &notes(&sarif)[0];
    let counts: Vec<usize> = note.split(' ').take(3).filter_map(|w| w.parse().ok()).collect();
    assert!(counts.len() == 2 && counts[0] + results.len() == counts[1] && counts[1] > 600, "{note}");
    assert!(note.contains("10 MB"), "{note}");
    // Kept in the usual order (by target), the most severe first: here all are errors.
    let targets: Vec<&str> = results.iter().map(|r| r["properties"]["target"].as_str().unwrap()).collect();
    let mut sorted = targets.clone();
    sorted.sort_unstable();
    assert_eq!(targets, sorted);
}

#[test]
fn sarif_writes_a_huge_finding_without_its_data() {
    // One flow's finding lists 5,000 fields: over the per-result budget; the small one keeps its data.
    let mut inv = consent_heavy(5000, 1);
    push(&mut inv, "fields", json!({"id": "tiny", "name": "Tiny", "category": "contact.email", "retention": "P1Y"}));
    push(
        &mut inv,
        "flows",
        json!({"id": "small", "from": "users", "to": "app", "fields": ["tiny"], "purpose": "login"}),
    );
    let (sarif, size) = sarif_of(&inv);
    assert!(size < 200_000, "{size} bytes");
    assert!(sarif_problems(&sarif).is_empty());
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let by_target = |t: &str| results.iter().find(|r| r["properties"]["target"] == t).unwrap();
    assert!(by_target("s0")["properties"].get("data").is_none());
    assert!(by_target("s0")["properties"]["dataOmitted"].as_str().unwrap().contains("--format json"));
    assert!(by_target("s0")["message"]["text"].as_str().unwrap().chars().count() < 2_100);
    assert_eq!(by_target("small")["properties"]["data"]["fields"], json!(["tiny"]));
    assert!(
        notes(&sarif).iter().any(|n| n.starts_with("2 results are written without their data")),
        "{:?}",
        notes(&sarif)
    );
}

#[test]
fn sarif_paths_are_relative_to_the_repository_root() {
    let repo = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(repo.path()).unwrap();
    git(&root, &["init", "-q"]);
    std::fs::create_dir_all(root.join("privacy/数据")).unwrap();
    std::fs::write(root.join("privacy/数据/inv.json"), serde_json::to_string_pretty(&busy()).unwrap()).unwrap();
    let uri = |cwd: &Path, args: &[&str]| {
        let out = assert_cmd::Command::cargo_bin("piflow")
            .unwrap()
            .current_dir(cwd)
            .env_remove("GIT_DIR")
            .env_remove("GIT_WORK_TREE")
            .args(["check", "--format", "sarif", "--as-of", AS_OF])
            .args(args)
            .output()
            .unwrap();
        let sarif: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| json!({"stderr": String::from_utf8_lossy(&out.stderr)}));
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].clone()
    };
    // Run from a sub-directory: still relative to the git top level, percent-encoded.
    assert_eq!(uri(&root.join("privacy"), &["数据/inv.json"]), "privacy/%E6%95%B0%E6%8D%AE/inv.json");
    assert_eq!(uri(&root.join("privacy/数据"), &["./inv.json"]), "privacy/%E6%95%B0%E6%8D%AE/inv.json");
    // --root names another base.
    assert_eq!(uri(&root, &["privacy/数据/inv.json", "--root", "privacy"]), "%E6%95%B0%E6%8D%AE/inv.json");
    // A missing --root is a usage error.
    let (code, _, err) =
        piflow(&["check", "tests/fixtures/report-basic", "--format", "sarif", "--root", "/no/such/dir"]);
    assert_eq!(code, 2);
    assert!(err.contains("--root") && err.contains("/no/such/dir"), "{err}");
}
