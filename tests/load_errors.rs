//! Every load error: the code, the file, the line and the message (with "did you mean"), all
//! problems at once, exit code 2, never a panic.

mod common;
use common::*;
use serde_json::Value;
use std::path::Path;

/// Write `files` into a fresh directory and run `piflow check --format json` on it.
fn load(files: &[(&str, &[u8])]) -> (i32, Value, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write");
    }
    let (code, out, err) = piflow(&["check", dir.path().to_str().unwrap(), "--format", "json"]);
    let report: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    (code, report, dir)
}

/// The errors as (code, file name, line, message + help).
fn errors(report: &Value) -> Vec<(String, String, u64, String)> {
    report["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            let file = e["file"].as_str().map(|f| Path::new(f).file_name().unwrap().to_string_lossy().into_owned());
            (
                e["code"].as_str().unwrap().to_owned(),
                file.unwrap_or_default(),
                e["line"].as_u64().unwrap(),
                format!("{} {}", e["message"].as_str().unwrap(), e["help"].as_str().unwrap_or("")),
            )
        })
        .collect()
}

fn assert_error(report: &Value, code: &str, file: &str, line: u64, text: &str) {
    let all = errors(report);
    assert!(
        all.iter().any(|(c, f, l, m)| c == code && f == file && *l == line && m.contains(text)),
        "expected {code} at {file}:{line} containing {text:?}, got {all:#?}"
    );
}

const ORG: &str = r#"{"piflow": 1, "organization": {"id": "acme", "name": "Acme", "country": "CN"}}"#;

#[test]
fn syntax_error_has_its_line() {
    let (code, r, _d) = load(&[
        ("org.json", ORG.as_bytes()),
        ("flows.json", b"{\"piflow\": 1,\n  \"flows\": [\n    {\"from\": \"a\",,}\n  ]\n}\n"),
    ]);
    assert_eq!(code, 2);
    assert_error(&r, "load-syntax", "flows.json", 3, "invalid JSON");
}

#[test]
fn truncated_file() {
    let (code, r, _d) = load(&[("org.json", ORG.as_bytes()), ("flows.json", b"{\"piflow\": 1,\n  \"flows\": [\n")]);
    assert_eq!(code, 2);
    assert_error(&r, "load-syntax", "flows.json", 3, "truncated");
}

#[test]
fn version_missing_or_unknown() {
    let (_, r, _d) = load(&[("a.json", br#"{"organization": {"id": "acme", "name": "Acme", "country": "CN"}}"#)]);
    assert_error(&r, "load-version", "a.json", 1, "\"piflow\": 1");
    let (_, r, _d) = load(&[(
        "a.json",
        b"{\n\"piflow\": 2,\n\"organization\": {\"id\": \"acme\", \"name\": \"Acme\", \"country\": \"CN\"}}",
    )]);
    assert_error(&r, "load-version", "a.json", 2, "version 2");
}

const PART: &str = r#"{"piflow": 1,
  "organization": {"id": "acme", "name": "Acme", "country": "CN"},
  "subjects": [{"id": "users", "name": "Users", "country": "CN"}],
  "fields": [{"id": "phone", "name": "Phone", "category": "contact.phone"}],
  "systems": [{"id": "console", "name": "Console", "country": "CN"}],
  "parties": [{"id": "sms", "name": "SMS", "country": "CN", "role": "processor"}],
  "purposes": [{"id": "login", "name": "Login", "basis": "contract"}],
  "flows": [
    {"from": "users", "to": "console", "fields": ["phone"], "purpose": "login"}
  ]
}"#;

fn part_with(line: &str, replacement: &str) -> String {
    assert!(PART.contains(line), "fixture line {line}");
    PART.replace(line, replacement)
}

#[test]
fn unknown_key_with_suggestion() {
    let text = part_with(
        r#"{"from": "users", "to": "console", "fields": ["phone"], "purpose": "login"}"#,
        r#"{"fromm": "users", "to": "console", "fields": ["phone"], "purpose": "login"}"#,
    );
    let (code, r, _d) = load(&[("inv.json", text.as_bytes())]);
    assert_eq!(code, 2);
    assert_error(&r, "load-unknown-key", "inv.json", 9, "did you mean `from`?");
}

#[test]
fn unknown_top_level_key() {
    let text = PART.replace("\"subjects\":", "\"subject\":");
    let (_, r, _d) = load(&[("inv.json", text.as_bytes())]);
    assert_error(&r, "load-unknown-key", "inv.json", 3, "did you mean `subjects`?");
}

#[test]
fn missing_key_points_at_the_item() {
    let text = part_with(r#", "purpose": "login"}"#, "}");
    let (_, r, _d) = load(&[("inv.json", text.as_bytes())]);
    assert_error(&r, "load-missing-key", "inv.json", 9, "needs `purpose`");
}

#[test]
fn bad_values_with_suggestions() {
    let text = PART
        .replace(
            r#""country": "CN"}],
  "fields""#,
            r#""country": "cn"}],
  "fields""#,
        )
        .replace("contact.phone", "contact.phon")
        .replace("\"processor\"", "\"procesor\"");
    let (code, r, _d) = load(&[("inv.json", text.as_bytes())]);
    assert_eq!(code, 2);
    assert_error(&r, "load-bad-value", "inv.json", 3, "did you mean `CN`?");
    assert_error(&r, "load-bad-value", "inv.json", 4, "did you mean `contact.phone`?");
    assert_error(&r, "load-bad-value", "inv.json", 6, "did you mean `processor`?");
}

#[test]
fn bad_date_and_id() {
    let text = PART
        .replace(
            r#""flows": ["#,
            r#""mechanisms": [{"id": "m", "kind": "cn-standard-contract", "valid_until": "2024-13-01"}],
  "waivers": [{"rule": "pipl-21-contract", "target": "sms", "reason": "r", "until": "soon"}],
  "flows": ["#,
        )
        .replace(r#"{"id": "console""#, r#"{"id": "con sole""#);
    let (_, r, _d) = load(&[("inv.json", text.as_bytes())]);
    assert_error(&r, "load-bad-value", "inv.json", 5, "not a valid id");
    assert_error(&r, "load-bad-value", "inv.json", 8, "2024-13-01");
    assert_error(&r, "load-bad-value", "inv.json", 9, "soon");
}

#[test]
fn duplicate_id_across_parts() {
    let second = r#"{"piflow": 1,
  "systems": [{"id": "console", "name": "Again", "country": "CN"}]
}"#;
    let (code, r, _d) = load(&[("a.json", PART.as_bytes()), ("b.json", second.as_bytes())]);
    assert_eq!(code, 2);
    assert_error(&r, "load-duplicate-id", "b.json", 2, "a.json:5");
}

#[test]
fn subjects_systems_parties_share_one_namespace() {
    let text = PART.replace(r#"{"id": "sms""#, r#"{"id": "users""#);
    let (_, r, _d) = load(&[("inv.json", text.as_bytes())]);
    assert_error(&r, "load-duplicate-id", "inv.json", 6, "declared twice");
}

#[test]
fn dangling_refs_with_suggestions() {
    let text = part_with(
        r#"{"from": "users", "to": "console", "fields": ["phone"], "purpose": "login"}"#,
        r#"{"from": "users", "to": "consol", "fields": ["phone", "emial"], "purpose": "logn"},
    {"from": "console", "to": "users", "fields": ["phone"], "purpose": "login"}"#,
    );
    let (_, r, _d) = load(&[("inv.json", text.as_bytes())]);
    assert_error(&r, "load-dangling-ref", "inv.json", 9, "did you mean `console`?");
    assert_error(&r, "load-dangling-ref", "inv.json", 9, "`emial`");
    assert_error(&r, "load-dangling-ref", "inv.json", 9, "did you mean `login`?");
    assert_error(&r, "load-dangling-ref", "inv.json", 10, "which is a subject");
}

#[test]
fn organization_none_or_two() {
    let (_, r, _d) = load(&[("a.json", br#"{"piflow": 1, "fields": []}"#)]);
    assert!(errors(&r).iter().any(|(c, ..)| c == "load-organization"), "{r:#}");
    let (_, r, _d) = load(&[("a.json", PART.as_bytes()), ("b.json", ORG.as_bytes())]);
    assert_error(&r, "load-organization", "b.json", 1, "a second `organization`");
}

#[test]
fn all_problems_at_once_across_files() {
    let bad_flows = r#"{"piflow": 1,
  "flows": [
    {"from": "users", "to": "nowhere", "fields": ["phone"], "purpose": "login"},
    {"from": "users", "to": "console", "fields": ["phone"], "purpose": "login", "colour": "red"},
    {"from": "users", "to": "console", "fields": ["phone"], "purpose": "login", "volume": -3}
  ]
}"#;
    let (code, r, _d) = load(&[("a.json", PART.as_bytes()), ("b.json", bad_flows.as_bytes())]);
    assert_eq!(code, 2);
    assert_error(&r, "load-dangling-ref", "b.json", 3, "nowhere");
    assert_error(&r, "load-unknown-key", "b.json", 4, "colour");
    assert_error(&r, "load-bad-value", "b.json", 5, "-3");
}

#[test]
fn duplicate_key_in_one_object_is_reported() {
    let text = part_with(
        r#"{"from": "users", "to": "console", "fields": ["phone"], "purpose": "login"}"#,
        r#"{"from": "users", "to": "console", "to": "sms", "fields": ["phone"], "purpose": "login"}"#,
    );
    let (_, r, _d) = load(&[("inv.json", text.as_bytes())]);
    assert_error(&r, "load-syntax", "inv.json", 9, "appears twice");
}

#[test]
fn invalid_utf8_and_bom() {
    let mut bytes = b"{\"piflow\": 1,\n\"organization\": {\"id\": \"acme\", \"name\": \"A".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice(b"\", \"country\": \"CN\"}}");
    let (code, r, _d) = load(&[("a.json", &bytes)]);
    assert_eq!(code, 2);
    assert_error(&r, "load-syntax", "a.json", 2, "UTF-8");
    // A byte-order mark is accepted.
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(PART.as_bytes());
    let (code, _, _d) = load(&[("a.json", &bom)]);
    assert_ne!(code, 2);
}

#[test]
fn empty_directory_and_missing_path() {
    let (code, r, _d) = load(&[("README.md", b"not a part")]);
    assert_eq!(code, 2);
    assert!(errors(&r).iter().any(|(c, _, _, m)| c == "load-io" && m.contains("no inventory parts")), "{r:#}");
    let (code, out, _) = piflow(&["check", "/nonexistent/piflow-inventory", "--format", "json"]);
    assert_eq!(code, 2);
    assert!(out.contains("load-io"), "{out}");
}

#[test]
fn csv_errors_have_rows() {
    let (code, r, _d) = load(&[
        ("organization.csv", b"id,name,country\nacme,Acme,CN\n"),
        ("fields.csv", b"id,name,category,sensitive\nphone,Phone,contact.phone,yes\n"),
        ("flows.csv", b"from,to,fields,purpose,colour\n"),
        ("flow.csv", b"from,to\n"),
    ]);
    assert_eq!(code, 2);
    assert_error(&r, "load-bad-value", "fields.csv", 2, "`yes` is not true or false");
    assert_error(&r, "load-unknown-key", "flows.csv", 1, "unknown column `colour`");
    assert_error(&r, "load-unknown-key", "flow.csv", 1, "did you mean `flows.csv`?");
}

#[test]
fn csv_dangling_ref_points_at_its_row() {
    let (_, r, _d) = load(&[
        ("organization.csv", b"id,name,country\nacme,Acme,CN\n"),
        ("subjects.csv", b"id,name,country\nusers,Users,CN\n"),
        ("fields.csv", b"id,name,category\nphone,Phone,contact.phone\n"),
        ("systems.csv", b"id,name,country\napp,App,CN\n"),
        ("purposes.csv", b"id,name,basis\nlogin,Login,contract\n"),
        ("flows.csv", b"from,to,fields,purpose\nusers,app,phone,login\nusers,ap,phone,login\n"),
    ]);
    assert_error(&r, "load-dangling-ref", "flows.csv", 3, "did you mean `app`?");
}

#[test]
fn human_load_errors_show_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let text = PART.replace("contact.phone", "contact.phon");
    std::fs::write(dir.path().join("inv.json"), text).unwrap();
    let (code, out, err) = piflow(&["check", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("error[load-bad-value]"), "{err}");
    assert!(err.contains("inv.json:4:"), "{err}");
    assert!(err.contains("\"category\": \"contact.phon\""), "the offending line is quoted: {err}");
    assert!(err.contains("did you mean `contact.phone`?"), "{err}");
    assert!(err.contains("nothing was checked"), "{err}");
}

#[test]
fn bad_command_line_exits_2() {
    let (code, _, err) = piflow(&["check", ".", "--format", "xml"]);
    assert_eq!(code, 2);
    assert!(err.contains("xml"));
    let (code, _, err) = piflow(&["check", ".", "--as-of", "2026-02-30"]);
    assert_eq!(code, 2);
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    let (code, _, _) = piflow(&["explain", "pipl-99-nothing"]);
    assert_eq!(code, 2);
}

#[test]
fn an_unreadable_item_or_file_does_not_cascade_into_dangling_references() {
    // A field with a misspelt key is reported once; the flows that use it are not reported too.
    let text = PART.replace(r#""category": "contact.phone""#, r#""categry": "contact.phone""#);
    let (code, r, _d) = load(&[("inv.json", text.as_bytes())]);
    assert_eq!(code, 2);
    let all = errors(&r);
    assert_eq!(all.len(), 1, "{all:#?}");
    assert_error(&r, "load-unknown-key", "inv.json", 4, "did you mean `category`?");
    // A whole part that is not JSON: its syntax error, not every reference into it.
    let broken_fields = "{\"piflow\": 1, \"fields\": [ {\"id\": \"phone\",, } ]}";
    let rest = PART.replace(
        r#"  "fields": [{"id": "phone", "name": "Phone", "category": "contact.phone"}],
"#,
        "",
    );
    let (code, r, _d) = load(&[("a.json", rest.as_bytes()), ("b.json", broken_fields.as_bytes())]);
    assert_eq!(code, 2);
    let all = errors(&r);
    assert!(all.iter().all(|(c, ..)| c == "load-syntax"), "{all:#?}");
    // A reference to an id that exists nowhere is still reported.
    let text = PART.replace(r#""fields": ["phone"]"#, r#""fields": ["phone", "emial"]"#);
    let (_, r, _d) = load(&[("inv.json", text.as_bytes())]);
    assert_error(&r, "load-dangling-ref", "inv.json", 9, "`emial`");
}

/// With `release_text` (JSON and SARIF output), texts read without problems are let go, and
/// brought back when validation finds a problem to show in them, with the same positions.
#[test]
fn released_texts_come_back_for_problems() {
    use piflow::load::{LoadOptions, load};
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("org.json"), ORG).expect("write");
    let flows = "{\"piflow\": 1,\n  \"subjects\": [{\"id\": \"users\", \"name\": \"Users\", \"country\": [\"CN\"]}],\n  \"flows\": [\n    {\"from\": \"users\", \"to\": \"nowhere\", \"fields\": [\"x\"], \"purpose\": \"p\"}\n  ]\n}\n";
    std::fs::write(dir.path().join("flows.json"), flows).expect("write");
    let opts = |release_text| LoadOptions { rule_codes: Vec::new(), release_text, ..LoadOptions::default() };
    let kept = load(dir.path(), &opts(false)).expect_err("dangling references");
    let released = load(dir.path(), &opts(true)).expect_err("dangling references");
    assert!(!kept.errors.0.is_empty());
    assert_eq!(format!("{:?}", released.errors), format!("{:?}", kept.errors));
    let file = released.sources.files.iter().find(|f| f.path.ends_with("flows.json")).expect("flows.json");
    assert_eq!(file.text.as_str(), flows, "the text is back, for quoting");

    std::fs::write(dir.path().join("sound.json"), SOUND_EXTRA).expect("write");
    std::fs::remove_file(dir.path().join("flows.json")).expect("remove");
    let loaded = load(dir.path(), &opts(true)).unwrap_or_else(|f| panic!("{}", f.errors));
    assert!(loaded.sources.files.iter().all(|f| f.text.is_empty()), "texts let go after a clean load");
    assert!(loaded.sources.files.iter().all(|f| !f.path.is_empty()), "paths kept for locations");
}

const SOUND_EXTRA: &str = r#"{"piflow": 1, "subjects": [{"id": "users", "name": "Users", "country": ["CN"]}]}"#;

/// Past a few thousand flows, flow ids are declared in shards on all cores: a duplicate is
/// still reported once, at the second declaration, naming the first.
#[test]
fn duplicate_flow_ids_among_many() {
    let mut text = String::from(
        "{\"piflow\": 1,\n\"organization\": {\"id\": \"acme\", \"name\": \"Acme\", \"country\": \"CN\"},\n\
         \"subjects\": [{\"id\": \"users\", \"name\": \"Users\", \"country\": [\"CN\"]}],\n\
         \"systems\": [{\"id\": \"app\", \"name\": \"App\", \"country\": \"CN\"}],\n\
         \"fields\": [{\"id\": \"phone\", \"name\": \"Phone\", \"category\": \"contact.phone\"}],\n\
         \"purposes\": [{\"id\": \"login\", \"name\": \"Login\", \"basis\": \"contract\"}],\n\"flows\": [\n",
    );
    let n = 30_000;
    for i in 0..n {
        // Flow 20000 (line 20008 of the text) repeats the id of flow 7 (line 15).
        let id = if i == 20_000 { 7 } else { i };
        let sep = if i + 1 == n { "" } else { "," };
        text.push_str(&format!(
            "{{\"id\": \"f{id}\", \"from\": \"users\", \"to\": \"app\", \"fields\": [\"phone\"], \"purpose\": \"login\"}}{sep}\n"
        ));
    }
    text.push_str("]}\n");
    let opts = piflow::load::LoadOptions::default();
    let failed = piflow::load::load_str("many.json", &text, &opts).expect_err("a duplicate id");
    let dups: Vec<_> = failed.errors.0.iter().filter(|e| e.code == piflow::load::LoadCode::DuplicateId).collect();
    assert_eq!(dups.len(), 1, "{:#?}", failed.errors.0);
    assert_eq!(dups[0].line, 20_008);
    assert!(
        dups[0].message.contains("id `f7` is declared twice (a flow); the first is at many.json:15"),
        "{}",
        dups[0].message
    );
}

/// A trailing or a missing comma in an array is named at the comma (or where one is missing),
/// not reported as "`subjects` must be an array" at the `[`; CR-only line ends count as lines.
#[test]
fn comma_mistakes_are_named_where_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let head = "{\"piflow\": 1,\n \"organization\": {\"id\": \"a\", \"name\": \"A\", \"country\": \"CN\"},\n \"subjects\": [\n";
    let u = "  {\"id\": \"u\", \"name\": \"U\", \"country\": \"CN\"}";
    let cases = [
        ("trailing", format!("{head}{u},\n ]\n}}\n"), "trailing comma", 4, u.len() + 1),
        (
            "missing",
            format!("{head}{u}\n  {{\"id\": \"v\", \"name\": \"V\", \"country\": \"CN\"}}\n ]\n}}\n"),
            "expected `,` or `]`",
            5,
            3,
        ),
    ];
    for (what, text, message, line, column) in cases {
        let path = dir.path().join(format!("{what}.json"));
        std::fs::write(&path, text).unwrap();
        let out = assert_cmd::Command::cargo_bin("piflow")
            .unwrap()
            .args(["check", "--format", "json"])
            .arg(&path)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{what}");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let e = &doc["errors"][0];
        assert!(e["message"].as_str().unwrap().contains(message), "{what}: {e}");
        assert_eq!((e["line"].as_u64(), e["column"].as_u64()), (Some(line), Some(column as u64)), "{what}: {e}");
    }
    // CR-only line ends: the bad country is on line 2.
    let path = dir.path().join("cr.json");
    std::fs::write(
        &path,
        "{\"piflow\": 1,\r \"organization\": {\"id\": \"a\", \"name\": \"A\", \"country\": \"XX\"}\r}\r",
    )
    .unwrap();
    let out = assert_cmd::Command::cargo_bin("piflow")
        .unwrap()
        .args(["check", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["errors"][0]["line"], 2, "{doc}");
}
