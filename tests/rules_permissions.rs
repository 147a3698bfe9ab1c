//! `decl-permission-unused` (超范围申请权限): a permission the scanned app requests whose data no
//! collection of the inventory has — fired on a hand-written observed.json, and on the scan of a
//! real APK (tests/fixtures/binary, ground truth in its README), with the near misses.

mod common;
use common::*;
use serde_json::{Value, json};

fn observed(markers: Value) -> tempfile::NamedTempFile {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), serde_json::to_string(&json!({"piflow": 1, "markers": markers})).unwrap()).unwrap();
    f
}

fn permission(name: &str, categories: Option<&[&str]>, line: u32) -> Value {
    let mut m = json!({"kind": "permission", "name": name, "file": "app.apk!AndroidManifest.xml", "line": line});
    if let Some(c) = categories {
        m["categories"] = json!(c);
    }
    m
}

fn check_observed(inv: &Value, obs: &std::path::Path) -> Value {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inv.json");
    std::fs::write(&path, serde_json::to_string(inv).unwrap()).unwrap();
    check_path(&path, &["--observed", obs.to_str().unwrap()]).1
}

#[test]
fn a_permission_to_data_nothing_collects_fires_once_at_its_first_place() {
    let obs = observed(json!([
        permission("android.permission.READ_CONTACTS", Some(&["communication.contacts"]), 7),
        permission("android.permission.READ_CONTACTS", Some(&["communication.contacts"]), 30),
        permission("android.permission.ACCESS_FINE_LOCATION", Some(&["location.precise"]), 8),
    ]));
    let r = check_observed(&base(), obs.path());
    assert_eq!(
        fires(&r, "decl-permission-unused"),
        ["android.permission.ACCESS_FINE_LOCATION", "android.permission.READ_CONTACTS"]
    );
    let f = findings(&r, "decl-permission-unused")[1].clone();
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["location"]["file"], "app.apk!AndroidManifest.xml");
    assert_eq!(f["location"]["line"], 7);
    assert_eq!(f["data"]["categories"], json!(["communication.contacts"]));
    assert!(f["message"].as_str().unwrap().contains("(and 1 more places)"), "{f}");
}

#[test]
fn near_misses() {
    // The inventory collects contacts: the permission serves it.
    let mut inv = base();
    push(
        &mut inv,
        "fields",
        json!({"id": "book", "name": "Address book", "category": "communication.contacts", "retention": "P1Y"}),
    );
    get(&mut inv, "flows", "collect")["fields"].as_array_mut().unwrap().push(json!("book"));
    let contacts =
        observed(json!([permission("android.permission.READ_CONTACTS", Some(&["communication.contacts"]), 7)]));
    assert!(findings(&check_observed(&inv, contacts.path()), "decl-permission-unused").is_empty());
    // One of the permission's categories is enough.
    let phone_state = observed(json!([permission(
        "android.permission.READ_PHONE_STATE",
        Some(&["device.imei", "contact.phone"]),
        9
    )]));
    assert!(findings(&check_observed(&base(), phone_state.path()), "decl-permission-unused").is_empty());
    // Known to give no personal data, or not in the map: not judged.
    let none = observed(json!([
        permission("android.permission.INTERNET", Some(&[]), 5),
        permission("com.example.permission.C2D", None, 6),
    ]));
    assert!(findings(&check_observed(&base(), none.path()), "decl-permission-unused").is_empty());
    // A generic device identifier stands for the specific ones (READ_PHONE_STATE gives the IMEI).
    let mut inv = base();
    push(&mut inv, "fields", json!({"id": "dev", "name": "Device ID", "category": "device.id", "retention": "P1Y"}));
    get(&mut inv, "flows", "collect")["fields"].as_array_mut().unwrap().push(json!("dev"));
    let imei = observed(json!([permission("android.permission.READ_PHONE_STATE", Some(&["device.imei"]), 9)]));
    assert!(findings(&check_observed(&inv, imei.path()), "decl-permission-unused").is_empty());
    assert_eq!(
        fires(&check_observed(&base(), imei.path()), "decl-permission-unused"),
        ["android.permission.READ_PHONE_STATE"]
    );
    // An sdk's fields count as collected.
    let mut inv = base();
    push(&mut inv, "fields", json!({"id": "gps", "name": "GPS", "category": "location.precise", "retention": "P1Y"}));
    push(
        &mut inv,
        "parties",
        json!({"id": "amap", "name": "AutoNavi", "country": "CN", "role": "processor", "contract": "DPA-2", "contact": "a@example.com"}),
    );
    push(
        &mut inv,
        "sdks",
        json!({"id": "amap-sdk", "name": "AMap", "vendor": "amap", "in": ["app"], "fields": ["gps"], "purpose": "login"}),
    );
    let fine = observed(json!([permission("android.permission.ACCESS_FINE_LOCATION", Some(&["location.precise"]), 8)]));
    assert!(findings(&check_observed(&inv, fine.path()), "decl-permission-unused").is_empty());
}

#[test]
fn fires_on_the_scan_of_a_real_apk() {
    // fork.apk requests RECORD_AUDIO, GET_ACCOUNTS and an app-defined permission (README ground truth).
    let out = tempfile::NamedTempFile::new().unwrap();
    let (code, _, err) = piflow(&["scan", "tests/fixtures/binary/fork.apk", "-o", out.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let r = check_observed(&base(), out.path());
    assert_eq!(
        fires(&r, "decl-permission-unused"),
        ["android.permission.GET_ACCOUNTS", "android.permission.RECORD_AUDIO"]
    );
    let audio = findings(&r, "decl-permission-unused")[1].clone();
    assert_eq!(audio["location"]["file"], "tests/fixtures/binary/fork.apk!AndroidManifest.xml");
    assert_eq!(audio["location"]["line"], 4);
    // Declaring what GET_ACCOUNTS serves (an account id) leaves RECORD_AUDIO alone.
    let mut inv = base();
    push(&mut inv, "fields", json!({"id": "acct", "name": "Account", "category": "account.id", "retention": "P1Y"}));
    get(&mut inv, "flows", "collect")["fields"].as_array_mut().unwrap().push(json!("acct"));
    assert_eq!(fires(&check_observed(&inv, out.path()), "decl-permission-unused"), ["android.permission.RECORD_AUDIO"]);
}
