//! `piflow store-labels`: Google Play's Data safety CSV, the xcprivacy draft and the summary,
//! from a fixture inventory whose answers are checked by hand: `phone` is collected for login
//! (account management, required), `face` for KYC on consent (optional, no Play purpose word),
//! `device` goes to an analytics controller (shared).

mod common;
use common::*;
use serde_json::json;

fn labels(inventory: &std::path::Path, args: &[&str]) -> (i32, tempfile::TempDir, String) {
    let out = tempfile::tempdir().unwrap();
    let mut all = vec!["store-labels", inventory.to_str().unwrap(), "-o", out.path().to_str().unwrap()];
    all.extend_from_slice(args);
    let (code, _, err) = piflow(&all);
    (code, out, err)
}

fn rows(csv_text: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(csv_text.as_bytes());
    r.records().map(|rec| rec.unwrap().iter().map(str::to_owned).collect()).collect()
}

fn answer(rows: &[Vec<String>], question: &str, response: &str) -> String {
    rows.iter().find(|r| r[0] == question && r[1] == response).unwrap_or_else(|| panic!("{question} {response}"))[2]
        .clone()
}

#[test]
fn data_safety_csv_has_play_consoles_columns_and_the_inventorys_answers() {
    let (code, out, err) = labels(std::path::Path::new("tests/fixtures/report-basic"), &[]);
    assert_eq!(code, 0, "{err}");
    let text = std::fs::read_to_string(out.path().join("data-safety.csv")).unwrap();
    assert!(text.contains("\r\n"), "CRLF, as Play Console writes it");
    let rows = rows(&text);
    assert_eq!(
        rows[0],
        [
            "Question ID (machine readable)",
            "Response ID (machine readable)",
            "Response value",
            "Answer requirement",
            "Human-friendly question label"
        ]
    );
    // Header, two general questions, 38 data types, 19 usage answers per type.
    assert_eq!(rows.len(), 1 + 2 + 38 + 38 * 19);
    assert_eq!(answer(&rows, "PSL_DATA_COLLECTION_COLLECTS_PERSONAL_DATA", ""), "TRUE");
    assert_eq!(answer(&rows, "PSL_DATA_TYPES_PERSONAL", "PSL_PHONE"), "TRUE");
    assert_eq!(answer(&rows, "PSL_DATA_TYPES_PERSONAL", "PSL_EMAIL"), "", "not collected: blank, as Play exports it");
    let usage = |t: &str, q: &str| format!("PSL_DATA_USAGE_RESPONSES:{t}:{q}");
    let sharing = usage("PSL_DEVICE_ID", "PSL_DATA_USAGE_COLLECTION_AND_SHARING");
    assert_eq!(answer(&rows, &sharing, "PSL_DATA_USAGE_ONLY_SHARED"), "TRUE", "device IDs reach a controller");
    let sharing = usage("PSL_PHONE", "PSL_DATA_USAGE_COLLECTION_AND_SHARING");
    assert_eq!(answer(&rows, &sharing, "PSL_DATA_USAGE_ONLY_SHARED"), "", "the SMS processor is no third party");
    let control = usage("PSL_PHONE", "DATA_USAGE_USER_CONTROL");
    assert_eq!(answer(&rows, &control, "PSL_DATA_USAGE_USER_CONTROL_REQUIRED"), "TRUE");
    let control = usage("PSL_OTHER_PERSONAL", "DATA_USAGE_USER_CONTROL");
    assert_eq!(answer(&rows, &control, "PSL_DATA_USAGE_USER_CONTROL_OPTIONAL"), "TRUE", "consent only");
    let purpose = usage("PSL_PHONE", "DATA_USAGE_COLLECTION_PURPOSE");
    assert_eq!(answer(&rows, &purpose, "PSL_ACCOUNT_MANAGEMENT"), "TRUE");
    assert_eq!(answer(&rows, &purpose, "PSL_ADVERTISING"), "");
    // Unknown stays blank: ephemeral processing is never answered from the inventory.
    assert_eq!(answer(&rows, &usage("PSL_PHONE", "PSL_DATA_USAGE_EPHEMERAL"), ""), "");
    let summary = std::fs::read_to_string(out.path().join("store-labels.md")).unwrap();
    assert!(summary.contains("the Play purpose of `kyc`"), "{summary}");
    assert!(summary.contains("processed ephemerally"), "{summary}");
    let plist = std::fs::read_to_string(out.path().join("PrivacyInfo.xcprivacy")).unwrap();
    assert!(plist.contains("<string>NSPrivacyCollectedDataTypePhoneNumber</string>"), "{plist}");
    assert!(plist.contains("<string>NSPrivacyCollectedDataTypeSensitiveInfo</string>"), "the face field");
    assert!(plist.contains("<key>NSPrivacyTracking</key>\n\t<false/>"), "no advertising purpose");
}

#[test]
fn an_app_that_collects_nothing_says_so() {
    let mut inv = base();
    get(&mut inv, "flows", "collect")["to"] = json!("sms");
    inv["flows"].as_array_mut().unwrap().retain(|f| f["id"] == "collect");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inv.json");
    std::fs::write(&path, serde_json::to_string(&inv).unwrap()).unwrap();
    let (code, out, err) = labels(&path, &[]);
    assert_eq!(code, 0, "{err}");
    let rows = rows(&std::fs::read_to_string(out.path().join("data-safety.csv")).unwrap());
    assert_eq!(answer(&rows, "PSL_DATA_COLLECTION_COLLECTS_PERSONAL_DATA", ""), "FALSE");
    assert!(rows.iter().skip(1).filter(|r| r[2] == "TRUE").count() == 0);
}

#[test]
fn the_app_is_named_when_it_is_not_the_only_one() {
    let mut inv = base();
    push(&mut inv, "systems", json!({"id": "mini", "name": "Mini <b>", "country": "CN", "kind": "mini-program"}));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inv.json");
    std::fs::write(&path, serde_json::to_string(&inv).unwrap()).unwrap();
    let (code, _, err) = labels(&path, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("several apps (app, mini)") && err.contains("--app"), "{err}");
    let (code, _, err) = labels(&path, &["--app", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("--app nope") && err.contains("systems: app, mini"), "{err}");
    let (code, out, err) = labels(&path, &["--app", "mini"]);
    assert_eq!(code, 0, "{err}");
    let summary = std::fs::read_to_string(out.path().join("store-labels.md")).unwrap();
    assert!(summary.contains("no flow collects data into this app"), "{summary}");
}

#[test]
fn outputs_never_land_in_the_inventory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("inv.json"), serde_json::to_string(&base()).unwrap()).unwrap();
    let inside = dir.path().join("labels");
    let (code, _, err) = piflow(&["store-labels", dir.path().to_str().unwrap(), "-o", inside.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(!inside.exists());
}
