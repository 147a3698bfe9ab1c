//! The inventory keys of rules 1.1 (inventory.md, additions marked 1.1): each one read from JSON
//! and from CSV, kept by `convert` both ways, described by the schema, and each bad value a load
//! error naming its file and line.

mod common;
use common::*;
use serde_json::{Value, json};
use std::path::Path;

/// The base inventory with every 1.1 key given.
fn full() -> Value {
    let mut inv = base();
    inv["organization"]["last_audit"] = json!("2025-06-30");
    inv["organization"]["filings"] = json!([
        {"kind": "officer", "date": "2025-08-20", "reference": "沪网信个保备: 2025;001"},
        {"kind": "face-recognition", "date": "2025-09-01"}
    ]);
    inv["organization"]["description"] = json!("§1 (line 3)");
    get(&mut inv, "fields", "phone")["important"] = json!(true);
    get(&mut inv, "systems", "app")["app_type"] = json!("news");
    get(&mut inv, "purposes", "login")["basic"] = json!(true);
    get(&mut inv, "flows", "send")["note"] = json!("§2.4 (line 40)");
    push(
        &mut inv,
        "waivers",
        json!({"rule": "inv-no-retention", "target": "phone", "reason": "r", "description": "why"}),
    );
    inv
}

fn write(dir: &Path, inv: &Value) {
    std::fs::write(dir.join("inv.json"), serde_json::to_string_pretty(inv).unwrap()).unwrap();
}

fn convert(from: &Path, to: &Path, format: &str) {
    let (code, _, err) = piflow(&["convert", from.to_str().unwrap(), to.to_str().unwrap(), "--to", format]);
    assert_eq!(code, 0, "{err}");
}

/// The model as one JSON value: the inventory converted to a single part.
fn model(dir: &Path) -> Value {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("all.json");
    convert(dir, &file, "json");
    serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap()
}

#[test]
fn every_1_1_key_survives_json_to_csv_to_json() {
    let src = tempfile::tempdir().unwrap();
    write(src.path(), &full());
    let csv = tempfile::tempdir().unwrap();
    convert(src.path(), csv.path(), "csv");
    let org = std::fs::read_to_string(csv.path().join("organization.csv")).unwrap();
    assert!(org.contains("officer:2025-08-20:沪网信个保备: 2025\\;001;face-recognition:2025-09-01"), "{org}");
    let back = tempfile::tempdir().unwrap();
    convert(csv.path(), back.path(), "json");
    let original = model(src.path());
    assert_eq!(original, model(csv.path()), "JSON → CSV lost something");
    assert_eq!(original, model(back.path()), "CSV → JSON lost something");
    for (key, id, k, v) in [
        ("fields", "phone", "important", json!(true)),
        ("systems", "app", "app_type", json!("news")),
        ("purposes", "login", "basic", json!(true)),
    ] {
        let item = original[key].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap();
        assert_eq!(item[k], v, "{key}.{k}");
    }
    assert_eq!(original["organization"]["last_audit"], "2025-06-30");
    assert_eq!(original["organization"]["filings"][0]["reference"], "沪网信个保备: 2025;001");
    assert_eq!(original["waivers"][0]["description"], "why");
}

#[test]
fn a_flow_description_is_its_note() {
    let mut inv = base();
    get(&mut inv, "flows", "send")["description"] = json!("§2 (line 9)");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &inv);
    let m = model(dir.path());
    let send = m["flows"].as_array().unwrap().iter().find(|f| f["id"] == "send").unwrap();
    assert_eq!(send["note"], "§2 (line 9)");
    assert!(send.get("description").is_none(), "written as `note`");
    // Both at once: the same key twice.
    get(&mut inv, "flows", "send")["note"] = json!("other");
    let (code, r) = check(&inv, &[]);
    assert_eq!(code, 2);
    assert!(r["errors"][0]["message"].as_str().unwrap().contains("both `note` and `description`"), "{r:#}");
    // A flows.csv may carry the column `description` too.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("organization.csv"), "id,name,country\nacme,Acme,CN\n").unwrap();
    std::fs::write(dir.path().join("subjects.csv"), "id,name,country\nusers,Users,CN\n").unwrap();
    std::fs::write(dir.path().join("fields.csv"), "id,name,category\nphone,Phone,contact.phone\n").unwrap();
    std::fs::write(dir.path().join("systems.csv"), "id,name,country\napp,App,CN\n").unwrap();
    std::fs::write(dir.path().join("purposes.csv"), "id,name,basis\nlogin,Login,contract\n").unwrap();
    std::fs::write(dir.path().join("flows.csv"), "from,to,fields,purpose,description\nusers,app,phone,login,§3\n")
        .unwrap();
    assert_eq!(model(dir.path())["flows"][0]["note"], "§3");
}

#[test]
fn the_schema_knows_the_1_1_keys() {
    let (code, out, _) = piflow(&["schema"]);
    assert_eq!(code, 0);
    let validator = jsonschema::validator_for(&serde_json::from_str::<Value>(&out).unwrap()).unwrap();
    assert!(
        validator.is_valid(&full()),
        "{:?}",
        validator.iter_errors(&full()).map(|e| e.to_string()).collect::<Vec<_>>()
    );
    let cases: [(&str, &str, Option<&str>, Value); 6] = [
        ("organization", "last_audit", None, json!("2025-6-30")),
        ("organization", "filings", None, json!([{"kind": "oficer", "date": "2025-08-20"}])),
        ("organization", "filings", None, json!([{"kind": "officer", "date": "2025-08-20", "ref": "x"}])),
        ("fields", "important", Some("phone"), json!("yes")),
        ("systems", "app_type", Some("app"), json!("new")),
        ("purposes", "basic", Some("login"), json!(1)),
    ];
    for (key, k, id, v) in cases {
        let mut inv = full();
        match id {
            Some(id) => get(&mut inv, key, id)[k] = v.clone(),
            None => inv[key][k] = v.clone(),
        }
        assert!(!validator.is_valid(&inv), "{key}.{k} = {v}");
    }
}

/// Load a part written over lines, so each error has its own line.
fn load_errors(part: &str) -> Vec<(String, u64, String)> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("inv.json"), part).unwrap();
    let (code, out, err) = piflow(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 2, "{out}{err}");
    let r: Value = serde_json::from_str(&out).unwrap();
    r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            assert!(e["file"].as_str().unwrap().ends_with("inv.json"), "{e}");
            (
                e["code"].as_str().unwrap().to_owned(),
                e["line"].as_u64().unwrap(),
                format!("{} {}", e["message"].as_str().unwrap(), e["help"].as_str().unwrap_or("")),
            )
        })
        .collect()
}

fn has(errors: &[(String, u64, String)], code: &str, line: u64, text: &str) {
    assert!(
        errors.iter().any(|(c, l, m)| c == code && *l == line && m.contains(text)),
        "expected {code} at line {line} with {text:?}: {errors:#?}"
    );
}

#[test]
fn bad_1_1_values_name_their_line_all_at_once() {
    let errors = load_errors(
        r#"{"piflow": 1,
"organization": {"id": "acme", "name": "Acme", "country": "CN",
  "last_audit": "2025-02-30"},
"subjects": [{"id": "users", "name": "Users", "country": "CN"}],
"fields": [{"id": "phone", "name": "Phone", "category": "contact.phone",
  "important": "yes"}],
"systems": [
  {"id": "app", "name": "App", "country": "CN", "kind": "app",
    "app_type": "online-shoping"},
  {"id": "web", "name": "Web", "country": "CN", "kind": "web",
    "app_type": "news"}],
"purposes": [{"id": "login", "name": "Login", "basis": "contract",
  "basic": 1}],
"flows": [{"from": "users", "to": "app", "fields": ["phone"], "purpose": "login"}]
}"#,
    );
    has(&errors, "load-bad-value", 3, "`2025-02-30` is not a date");
    has(&errors, "load-bad-value", 6, "expected a boolean");
    has(&errors, "load-bad-value", 9, "did you mean `online-shopping`?");
    has(&errors, "load-bad-value", 11, "not an app or mini-program");
    has(&errors, "load-bad-value", 13, "expected a boolean");
    // The organization that could not be read is not also "missing".
    assert!(!errors.iter().any(|(c, _, _)| c == "load-organization"), "{errors:#?}");
    assert_eq!(errors.len(), 5, "{errors:#?}");
}

#[test]
fn bad_filings_name_their_line() {
    let org = |filings: &str| {
        format!(
            "{{\"piflow\": 1,\n\"organization\": {{\"id\": \"acme\", \"name\": \"Acme\", \"country\": \"CN\",\n  \"filings\": [\n    {filings}]}}\n}}"
        )
    };
    let errors = load_errors(&org(r#"{"kind": "face-recogniton", "date": "2025-08-20"}"#));
    has(&errors, "load-bad-value", 4, "did you mean `face-recognition`?");
    let errors = load_errors(&org(r#"{"kind": "face", "date": "2025-08-20"}"#));
    has(&errors, "load-bad-value", 4, "one of: officer, face-recognition");
    let errors = load_errors(&org(r#"{"kind": "officer", "date": "20250820"}"#));
    has(&errors, "load-bad-value", 4, "not a date");
    let errors = load_errors(&org(r#"{"kind": "officer"}"#));
    // A missing key is shown at the start of the object that holds it: the organization.
    has(&errors, "load-missing-key", 2, "a filing of the organization needs `date`");
    let errors = load_errors(&org(r#"{"kind": "officer", "date": "2025-08-20", "number": "x"}"#));
    has(&errors, "load-unknown-key", 4, "`number`");
}

#[test]
fn bad_1_1_cells_name_their_sheet_and_row() {
    let dir = tempfile::tempdir().unwrap();
    let sheets = [
        (
            "organization.csv",
            "id,name,country,last_audit,filings\nacme,Acme,CN,2025-06-30,officer:2025-08-20;face-recogniton:2025-09-01\n",
        ),
        ("subjects.csv", "id,name,country\nusers,Users,CN\n"),
        ("fields.csv", "id,name,category,important\nphone,Phone,contact.phone,true\nname,Name,identity.name,yes\n"),
        ("systems.csv", "id,name,country,kind,app_type\napp,App,CN,app,news\nmp,Mini,CN,mini-program,nwes\n"),
        ("purposes.csv", "id,name,basis,basic\nlogin,Login,contract,maybe\n"),
    ];
    for (name, text) in sheets {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let (code, out, _) = piflow(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(code, 2);
    let r: Value = serde_json::from_str(&out).unwrap();
    let got: Vec<(String, u64, String)> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let file = Path::new(e["file"].as_str().unwrap()).file_name().unwrap().to_string_lossy().into_owned();
            (file, e["line"].as_u64().unwrap(), format!("{} {}", e["message"], e["help"]))
        })
        .collect();
    for (file, line, text) in [
        ("organization.csv", 2, "did you mean `face-recognition`?"),
        ("fields.csv", 3, "`yes` is not true or false"),
        ("systems.csv", 3, "did you mean `news`?"),
        ("purposes.csv", 2, "`maybe` is not true or false"),
    ] {
        assert!(
            got.iter().any(|(f, l, m)| f == file && *l == line && m.contains(text)),
            "expected {file}:{line} {text:?} in {got:#?}"
        );
    }
    assert!(!got.iter().any(|(_, _, m)| m.contains("no part declares")), "{got:#?}");
}

#[test]
fn an_app_type_on_a_mini_program_or_app_loads() {
    let mut inv = base();
    get(&mut inv, "systems", "app")["kind"] = json!("mini-program");
    get(&mut inv, "systems", "app")["app_type"] = json!("online-shopping");
    assert_eq!(check(&inv, &[]).0, 0);
    // Without a kind it is not known to be an app.
    get(&mut inv, "systems", "app").as_object_mut().unwrap().remove("kind");
    assert_eq!(check(&inv, &[]).0, 2);
}
