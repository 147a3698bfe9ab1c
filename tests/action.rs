//! The GitHub Action's shell steps (`ci/action.sh`, run by `action.yml`) on a temporary git
//! repository, with the built binary: the inventory added by a pull request, a flow redirected,
//! an invalid inventory, more findings than GitHub code scanning keeps. Each run must leave a
//! SARIF file code scanning accepts and a diff comment that says what changed.

mod common;

use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;

fn inventory() -> Value {
    json!({
        "piflow": 1,
        "organization": {"id": "acme", "name": "Acme", "country": "CN", "contact": "dpo@acme.example", "officer": "Li Lei"},
        "subjects": [{"id": "users", "name": "Users", "country": "CN", "volume": 1000}],
        "fields": [{"id": "phone", "name": "Phone", "category": "contact.phone", "retention": "P1Y"}],
        "systems": [{"id": "app", "name": "App", "country": "CN", "kind": "app"}],
        "parties": [
            {"id": "sms", "name": "SMS Ltd", "country": "CN", "role": "processor", "contract": "DPA-1", "contact": "sms@example.com"},
            {"id": "sms2", "name": "SMS Two", "country": "CN", "role": "processor", "contract": "DPA-2", "contact": "two@example.com"}
        ],
        "purposes": [{"id": "login", "name": "Login", "basis": "contract", "assessment": "PIA-1"}],
        "flows": [
            {"id": "collect", "from": "users", "to": "app", "fields": ["phone"], "purpose": "login"},
            {"id": "send", "from": "app", "to": "sms", "fields": ["phone"], "purpose": "login"},
            {"id": "send2", "from": "app", "to": "sms2", "fields": ["phone"], "purpose": "login"}
        ]
    })
}

fn write(repo: &Path, v: &Value) {
    std::fs::create_dir_all(repo.join("inventory")).unwrap();
    std::fs::write(repo.join("inventory/数据流.json"), serde_json::to_string_pretty(v).unwrap()).unwrap();
}

/// A repository whose base commit (`base`) holds `before` (or no inventory), with `after` in
/// the working tree, as a pull request's checkout has it.
fn repo(before: Option<&Value>, after: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let r = dir.path();
    common::git(r, &["init", "-q"]);
    std::fs::write(r.join("README"), "x\n").unwrap();
    if let Some(v) = before {
        write(r, v);
    }
    common::git(r, &["add", "."]);
    common::git(r, &["commit", "-qm", "base"]);
    common::git(r, &["branch", "base"]);
    std::fs::create_dir_all(r.join("inventory")).unwrap();
    std::fs::write(r.join("inventory/数据流.json"), after).unwrap();
    dir
}

/// Run the action's steps; (exit status, SARIF, diff comment).
fn run_action(repo: &Path) -> (i32, Value, String) {
    let out_dir = repo.join("out");
    let out = Command::new("bash")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("ci/action.sh"))
        .current_dir(repo)
        .env("PIFLOW", assert_cmd::cargo::cargo_bin("piflow"))
        .env("SCAN", "false")
        .env("BASE_REV", "base")
        .env("OUT", &out_dir)
        .output()
        .unwrap();
    let sarif = std::fs::read_to_string(out_dir.join("piflow.sarif")).expect("the SARIF file is always written");
    let comment = std::fs::read_to_string(out_dir.join("piflow-diff.md")).expect("the diff comment is always written");
    (out.status.code().unwrap(), serde_json::from_str(&sarif).expect("SARIF parses"), comment)
}

fn schema_problems(sarif: &Value) -> Vec<String> {
    let text = std::fs::read_to_string("tests/schemas/sarif-schema-2.1.0.json").unwrap();
    let schema: Value = serde_json::from_str(&text.replace("[a-zA-Z]{2}]?$", "[a-zA-Z]{2}\\\\]?$")).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    validator.iter_errors(sarif).map(|e| format!("{e} at {}", e.instance_path())).collect()
}

fn uris(sarif: &Value) -> Vec<String> {
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn inventory_added() {
    let r = repo(None, &serde_json::to_string_pretty(&inventory()).unwrap());
    let (code, sarif, comment) = run_action(r.path());
    assert!(schema_problems(&sarif).is_empty(), "{:#?}", schema_problems(&sarif));
    assert!(code <= 1, "{comment}");
    assert!(comment.contains("The inventory is new"), "{comment}");
    assert!(comment.contains("**3 flows** added"), "{comment}");
    assert!(uris(&sarif).iter().all(|u| u == "inventory/%E6%95%B0%E6%8D%AE%E6%B5%81.json"), "{:?}", uris(&sarif));
}

#[test]
fn flow_redirected() {
    let mut after = inventory();
    after["flows"][2]["to"] = json!("sms");
    let r = repo(Some(&inventory()), &serde_json::to_string_pretty(&after).unwrap());
    let (_, sarif, comment) = run_action(r.path());
    assert!(schema_problems(&sarif).is_empty());
    assert!(comment.contains("#### Flows changed (1)") && comment.contains("| send2 | destination |"), "{comment}");
    assert!(!comment.contains("No change"), "{comment}");
}

#[test]
fn invalid_inventory() {
    let r = repo(Some(&inventory()), "{\"piflow\": 1,\n \"flows\": [{\"from\": \"app\", \"to\": \"nowhere\"}]\n");
    let (code, sarif, comment) = run_action(r.path());
    assert_eq!(code, 2);
    assert!(schema_problems(&sarif).is_empty(), "{:#?}", schema_problems(&sarif));
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "load-syntax"), "{sarif:#}");
    assert!(comment.contains("cannot be loaded"), "{comment}");
}

#[test]
fn more_findings_than_github_accepts() {
    let mut after = inventory();
    for i in 0..5200 {
        after["parties"]
            .as_array_mut()
            .unwrap()
            .push(json!({"id": format!("p{i}"), "name": "P", "country": "CN", "role": "processor"}));
        after["flows"]
            .as_array_mut()
            .unwrap()
            .push(json!({"from": "app", "to": format!("p{i}"), "fields": ["phone"], "purpose": "login"}));
    }
    let r = repo(Some(&inventory()), &serde_json::to_string(&after).unwrap());
    let (code, sarif, comment) = run_action(r.path());
    assert_eq!(code, 1);
    assert!(schema_problems(&sarif).is_empty());
    let run = &sarif["runs"][0];
    assert_eq!(run["results"].as_array().unwrap().len(), 5000);
    assert!(
        run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("--format json")
    );
    assert!(comment.contains("**5200 flows** added"), "{comment}");
    assert!(comment.len() < 65_536, "{}", comment.len());
    assert!(comment.contains("not shown to keep this comment within GitHub's size limit"), "{comment}");
}
