//! The JSON Schema of the format: generated from the model, committed for editors, valid for the
//! seed inventories, and rejecting what the loader rejects.

mod common;
use common::*;
use serde_json::{Value, json};

fn schema() -> Value {
    let (code, out, err) = piflow(&["schema"]);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("schema is JSON")
}

#[test]
fn committed_schema_is_current() {
    let committed = std::fs::read_to_string("schema/piflow-inventory-v1.schema.json").expect("committed schema");
    let (_, out, _) = piflow(&["schema"]);
    assert_eq!(committed, out, "regenerate with: piflow schema -o schema/piflow-inventory-v1.schema.json");
}

#[test]
fn seed_inventories_validate() {
    let validator = jsonschema::validator_for(&schema()).expect("schema compiles");
    let mut parts = 0;
    for company in std::fs::read_dir("inventory").unwrap().filter_map(Result::ok).filter(|e| e.path().is_dir()) {
        for part in std::fs::read_dir(company.path()).unwrap().filter_map(Result::ok) {
            let path = part.path();
            if path.extension().is_some_and(|e| e == "json") {
                let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
                let errors: Vec<String> =
                    validator.iter_errors(&doc).map(|e| format!("{e} at {}", e.instance_path())).collect();
                assert!(errors.is_empty(), "{}: {errors:#?}", path.display());
                parts += 1;
            }
        }
    }
    assert!(parts >= 25, "five seed inventories of several parts each, found {parts}");
}

#[test]
fn schema_rejects_what_the_loader_rejects() {
    let validator = jsonschema::validator_for(&schema()).expect("schema compiles");
    assert!(validator.is_valid(&base()));
    let mut typo = base();
    get(&mut typo, "flows", "send")["fromm"] = json!("app");
    assert!(!validator.is_valid(&typo), "unknown keys");
    let mut country = base();
    get(&mut country, "systems", "app")["country"] = json!("cn");
    assert!(!validator.is_valid(&country), "country codes");
    let mut category = base();
    get(&mut category, "fields", "phone")["category"] = json!("contact.phon");
    assert!(!validator.is_valid(&category), "taxonomy keys");
    let mut basis = base();
    get(&mut basis, "purposes", "login")["basis"] = json!({"PIPL": "contract", "CCPA": "consent"});
    assert!(!validator.is_valid(&basis), "regimes");
    // 1.1: a flow's `description` is its `note`; the loader takes either, never both.
    let mut described = base();
    get(&mut described, "flows", "send")["description"] = json!("policy §2 (line 9)");
    assert!(validator.is_valid(&described), "a flow's description, as the loader reads it");
    assert_eq!(check(&described, &[]).0, 0, "the loader accepts it too");
    get(&mut described, "flows", "send")["note"] = json!("policy §2");
    assert!(!validator.is_valid(&described), "note and description at once");
    assert_eq!(check(&described, &[]).0, 2, "the loader refuses both too");
}

#[test]
fn completions_and_man_page() {
    let (code, out, _) = piflow(&["completions", "bash"]);
    assert_eq!(code, 0);
    assert!(out.contains("piflow") && out.contains("check"));
    let (code, out, _) = piflow(&["man"]);
    assert_eq!(code, 0);
    assert!(out.contains(".TH piflow 1"));
}
