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

/// Add a `gps` field (precise location), the AutoNavi party and an sdk `id` of it taking `gps`.
fn with_amap_sdk(inv: &mut Value, id: &str) {
    push(inv, "fields", json!({"id": "gps", "name": "GPS", "category": "location.precise", "retention": "P1Y"}));
    push(
        inv,
        "parties",
        json!({"id": "amap", "name": "AutoNavi", "country": "CN", "role": "processor", "contract": "DPA-2", "contact": "a@example.com"}),
    );
    push(
        inv,
        "sdks",
        json!({"id": id, "name": "AMap", "vendor": "amap", "in": ["app"], "fields": ["gps"], "purpose": "login"}),
    );
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
    with_amap_sdk(&mut inv, "amap-sdk");
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

// ---- decl-permission-missing: a collected field whose permission the built app does not request.

/// The `app` marker a scan writes for a built app whose manifest it read whole.
fn built(file: &str, name: &str) -> Value {
    json!({"kind": "app", "name": name, "file": file, "line": 1})
}

/// `base()` with a field of `category` collected into the app by flow `collect`.
fn collecting(id: &str, category: &str) -> Value {
    let mut inv = base();
    push(&mut inv, "fields", json!({"id": id, "name": id, "category": category, "retention": "P1Y"}));
    get(&mut inv, "flows", "collect")["fields"].as_array_mut().unwrap().push(json!(id));
    inv
}

const APK: &str = "app.apk!AndroidManifest.xml";

#[test]
fn a_collected_location_without_a_location_permission_is_noted_at_the_built_app() {
    let obs = observed(json!([
        built(APK, "com.example.shop"),
        permission("android.permission.INTERNET", Some(&[]), 3),
        // Coarse location does not give a precise one.
        permission("android.permission.ACCESS_COARSE_LOCATION", Some(&["location.coarse"]), 4),
    ]));
    let r = check_observed(&collecting("gps", "location.precise"), obs.path());
    assert_eq!(fires(&r, "decl-permission-missing"), ["gps"]);
    let f = findings(&r, "decl-permission-missing")[0].clone();
    assert_eq!(f["severity"], "note");
    assert_eq!(f["location"]["file"], APK);
    assert_eq!(f["location"]["line"], 1);
    assert_eq!(f["data"]["category"], "location.precise");
    assert_eq!(f["data"]["apps"], json!(["app.apk"]));
    let perms = f["data"]["permissions"].as_array().unwrap();
    assert!(perms.contains(&json!("android.permission.ACCESS_FINE_LOCATION")), "{perms:?}");
    let msg = f["message"].as_str().unwrap();
    assert!(msg.contains("flow `collect`") && msg.contains("`com.example.shop`"), "{msg}");
    // Contacts, the camera for a face, the microphone for a voice: each judged on its own.
    for (category, permission_name) in [
        ("communication.contacts", "android.permission.READ_CONTACTS"),
        ("biometric.face", "android.permission.CAMERA"),
        ("biometric.voice", "android.permission.RECORD_AUDIO"),
        ("device.imei", "android.permission.READ_PHONE_STATE"),
    ] {
        let r = check_observed(&collecting("x", category), obs.path());
        assert_eq!(fires(&r, "decl-permission-missing"), ["x"], "{category}");
        let granted = observed(json!([built(APK, "com.example.shop"), permission(permission_name, None, 5)]));
        let r = check_observed(&collecting("x", category), granted.path());
        assert!(findings(&r, "decl-permission-missing").is_empty(), "{category} with {permission_name}");
    }
}

#[test]
fn permission_missing_near_misses() {
    let gps = collecting("gps", "location.precise");
    // The permission is requested.
    let fine = observed(json!([
        built(APK, "com.example.shop"),
        permission("android.permission.ACCESS_FINE_LOCATION", Some(&["location.precise"]), 4),
    ]));
    assert!(findings(&check_observed(&gps, fine.path()), "decl-permission-missing").is_empty());
    // No built app was read (a source tree's manifest lacks what its libraries merge in).
    let source = observed(json!([{"kind": "permission", "name": "android.permission.INTERNET", "categories": [],
        "file": "app/src/main/AndroidManifest.xml", "line": 3}]));
    assert!(findings(&check_observed(&gps, source.path()), "decl-permission-missing").is_empty());
    let none = observed(json!([]));
    assert!(findings(&check_observed(&gps, none.path()), "decl-permission-missing").is_empty());
    // A permission of another archive does not count for this one.
    let other = observed(json!([
        built(APK, "com.example.shop"),
        {"kind": "permission", "name": "android.permission.ACCESS_FINE_LOCATION", "file": "other.apk!AndroidManifest.xml", "line": 4},
    ]));
    assert_eq!(fires(&check_observed(&gps, other.path()), "decl-permission-missing"), ["gps"]);
    // A category no permission guards: the base inventory's phone number is typed by the user.
    let bare = observed(json!([built(APK, "com.example.shop")]));
    assert!(findings(&check_observed(&base(), bare.path()), "decl-permission-missing").is_empty());
    for category in ["identity.photo", "location.coarse", "device.android-id", "contact.email"] {
        let r = check_observed(&collecting("x", category), bare.path());
        assert!(findings(&r, "decl-permission-missing").is_empty(), "{category} needs no permission");
    }
    // A field only an sdk takes: the SDK's notice says what it may collect if the app lets it.
    let mut sdk_only = base();
    with_amap_sdk(&mut sdk_only, "amap-sdk");
    assert!(findings(&check_observed(&sdk_only, bare.path()), "decl-permission-missing").is_empty());
    // Two app systems: the scan cannot tell which one the binary is.
    let mut two = collecting("gps", "location.precise");
    push(&mut two, "systems", json!({"id": "driver-app", "name": "Driver app", "country": "CN", "kind": "app"}));
    assert!(findings(&check_observed(&two, bare.path()), "decl-permission-missing").is_empty());
    // The collecting system is not an app.
    let mut web = collecting("gps", "location.precise");
    get(&mut web, "systems", "app")["kind"] = json!("web");
    assert!(findings(&check_observed(&web, bare.path()), "decl-permission-missing").is_empty());
}

#[test]
fn permission_missing_on_the_scan_of_a_real_apk() {
    // fork.apk requests RECORD_AUDIO, GET_ACCOUNTS and its own permission, no location (README).
    let out = tempfile::NamedTempFile::new().unwrap();
    let (code, _, err) = piflow(&["scan", "tests/fixtures/binary/fork.apk", "-o", out.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let mut inv = collecting("gps", "location.precise");
    push(
        &mut inv,
        "fields",
        json!({"id": "voice", "name": "Voice", "category": "biometric.voice", "retention": "P1Y"}),
    );
    get(&mut inv, "flows", "collect")["fields"].as_array_mut().unwrap().push(json!("voice"));
    let r = check_observed(&inv, out.path());
    assert_eq!(fires(&r, "decl-permission-missing"), ["gps"], "RECORD_AUDIO gives the voice");
    let f = findings(&r, "decl-permission-missing")[0].clone();
    assert_eq!(f["location"]["file"], "tests/fixtures/binary/fork.apk!AndroidManifest.xml");
    assert_eq!(f["location"]["line"], 1);
    assert!(f["message"].as_str().unwrap().contains("(`com.shazam.forktest`)"), "{f}");
}

// ---- iOS: usage-description keys for both permission rules; privacy manifests against the inventory.

const APP_DIR: &str = "Payload/Shop.app";

fn info_plist(keys: &[&str]) -> Vec<u8> {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\">\n<dict>\n\
         \t<key>CFBundleIdentifier</key>\n\t<string>com.example.shop</string>\n",
    );
    for k in keys {
        s.push_str(&format!("\t<key>{k}</key>\n\t<string>Used to serve you.</string>\n"));
    }
    s.push_str("</dict>\n</plist>\n");
    s.into_bytes()
}

/// A privacy manifest collecting these data types (linked, no tracking, app functionality).
fn xcprivacy(types: &[&str]) -> Vec<u8> {
    let mut s = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\">\n<dict>\n\
         \t<key>NSPrivacyTracking</key>\n\t<false/>\n\t<key>NSPrivacyCollectedDataTypes</key>\n\t<array>\n",
    );
    for t in types {
        s.push_str(&format!(
            "\t\t<dict>\n\t\t\t<key>NSPrivacyCollectedDataType</key>\n\t\t\t<string>NSPrivacyCollectedDataType{t}</string>\n\
             \t\t\t<key>NSPrivacyCollectedDataTypeLinked</key>\n\t\t\t<true/>\n\
             \t\t\t<key>NSPrivacyCollectedDataTypeTracking</key>\n\t\t\t<false/>\n\
             \t\t\t<key>NSPrivacyCollectedDataTypePurposes</key>\n\t\t\t<array>\n\
             \t\t\t\t<string>NSPrivacyCollectedDataTypePurposeAppFunctionality</string>\n\t\t\t</array>\n\t\t</dict>\n"
        ));
    }
    s.push_str("\t</array>\n</dict>\n</plist>\n");
    s.into_bytes()
}

/// Scan an IPA of these entries (paths inside the .app) and return the observed.json.
fn scanned_ipa(entries: &[(&str, Vec<u8>)]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let ipa = dir.path().join("shop.ipa");
    let named: Vec<(String, &[u8])> = entries.iter().map(|(n, b)| (format!("{APP_DIR}/{n}"), b.as_slice())).collect();
    let refs: Vec<(&str, &[u8])> = named.iter().map(|(n, b)| (n.as_str(), *b)).collect();
    zip_of(&ipa, &refs);
    let obs = dir.path().join("observed.json");
    let (code, _, err) = piflow(&["scan", ipa.to_str().unwrap(), "-o", obs.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    (dir, obs)
}

#[test]
fn ios_usage_keys_serve_both_permission_rules() {
    let (_d, obs) = scanned_ipa(&[(
        "Info.plist",
        info_plist(&["NSContactsUsageDescription", "NSLocationWhenInUseUsageDescription"]),
    )]);
    let r = check_observed(&collecting("gps", "location.precise"), &obs);
    // The address book prompt serves nothing the inventory collects; the location prompt serves gps.
    assert_eq!(fires(&r, "decl-permission-unused"), ["NSContactsUsageDescription"]);
    assert!(findings(&r, "decl-permission-missing").is_empty());

    let (_d, obs) = scanned_ipa(&[("Info.plist", info_plist(&["NSCameraUsageDescription"]))]);
    let r = check_observed(&collecting("gps", "location.precise"), &obs);
    assert_eq!(fires(&r, "decl-permission-missing"), ["gps"]);
    let f = findings(&r, "decl-permission-missing")[0].clone();
    assert!(f["location"]["file"].as_str().unwrap().ends_with("shop.ipa!Payload/Shop.app/Info.plist"), "{f}");
    assert_eq!(f["location"]["line"], 4, "at the CFBundleIdentifier key");
    assert!(f["data"]["permissions"].as_array().unwrap().contains(&json!("NSLocationWhenInUseUsageDescription")));
    // A face through the camera prompt: no note.
    assert!(
        findings(&check_observed(&collecting("face", "biometric.face"), &obs), "decl-permission-missing").is_empty()
    );
}

/// The real Facebook SDK privacy manifest (tests/fixtures/binary/README.md): crash data, the
/// device ID and the tracking domain `ep1.facebook.com`.
fn facebook_manifest() -> Vec<u8> {
    std::fs::read("tests/fixtures/binary/ios/FBSDKCoreKit.PrivacyInfo.xcprivacy").unwrap()
}

#[test]
fn a_manifest_data_type_the_inventory_lacks_is_reported() {
    // The app's own manifest declares the phone number (collected) and a precise location (not);
    // a framework the signature database does not know (the real Facebook manifest, under a
    // name of ours) declares crash data (no taxonomy counterpart: not judged) and the device ID.
    let (_d, obs) = scanned_ipa(&[
        ("Info.plist", info_plist(&[])),
        ("PrivacyInfo.xcprivacy", xcprivacy(&["PhoneNumber", "PreciseLocation"])),
        ("Frameworks/AcmeSocial.framework/PrivacyInfo.xcprivacy", facebook_manifest()),
    ]);
    let r = check_observed(&base(), &obs);
    assert_eq!(
        fires(&r, "decl-manifest-data-undeclared"),
        [
            "AcmeSocial.framework:NSPrivacyCollectedDataTypeDeviceID",
            "Shop.app:NSPrivacyCollectedDataTypePreciseLocation"
        ]
    );
    let f = findings(&r, "decl-manifest-data-undeclared")[1].clone();
    assert_eq!(f["severity"], "warning");
    assert!(f["location"]["file"].as_str().unwrap().ends_with("shop.ipa!Payload/Shop.app/PrivacyInfo.xcprivacy"));
    assert_eq!(f["location"]["line"], 22, "the line of the data type's string");
    assert_eq!(f["data"]["categories"], json!(["location.precise", "location.trajectory"]));
    // The manifest's tracking domain is a destination nobody declares.
    assert_eq!(fires(&r, "decl-undeclared-host"), ["ep1.facebook.com"]);

    // Near misses: the app collects a precise location and an OAID (a device ID, as store-labels
    // writes it); a party declares the Facebook hosts.
    let mut inv = collecting("gps", "location.precise");
    push(&mut inv, "fields", json!({"id": "oaid", "name": "OAID", "category": "device.oaid", "retention": "P1Y"}));
    get(&mut inv, "flows", "collect")["fields"].as_array_mut().unwrap().push(json!("oaid"));
    push(
        &mut inv,
        "parties",
        json!({"id": "meta", "name": "Meta", "country": "US", "role": "controller", "contact": "p@meta.example", "hosts": ["*.facebook.com"]}),
    );
    let r = check_observed(&inv, &obs);
    assert!(
        findings(&r, "decl-manifest-data-undeclared").is_empty(),
        "{:#?}",
        findings(&r, "decl-manifest-data-undeclared")
    );
    assert!(findings(&r, "decl-undeclared-host").is_empty());
}

#[test]
fn an_identified_sdk_manifest_is_held_to_that_sdk() {
    // AMapFoundationKit.framework is in the signature database (amap-foundation); its manifest
    // here is written for the test: a precise location and the device ID.
    let (_d, obs) = scanned_ipa(&[
        ("Info.plist", info_plist(&["NSLocationWhenInUseUsageDescription"])),
        ("Frameworks/AMapFoundationKit.framework/AMapFoundationKit", b"\xcf\xfa\xed\xfe".to_vec()),
        ("Frameworks/AMapFoundationKit.framework/PrivacyInfo.xcprivacy", xcprivacy(&["PreciseLocation", "DeviceID"])),
    ]);
    // Not declared at all: decl-undeclared-sdk's finding, not this rule's.
    let r = check_observed(&base(), &obs);
    assert_eq!(fires(&r, "decl-undeclared-sdk"), ["vendored:AMapFoundationKit.framework"]);
    assert!(findings(&r, "decl-manifest-data-undeclared").is_empty());

    // Declared with a location field only; the app itself collects a device ID, which does not
    // make it the SDK's.
    let mut inv = collecting("dev", "device.id");
    with_amap_sdk(&mut inv, "amap-foundation");
    let r = check_observed(&inv, &obs);
    assert_eq!(fires(&r, "decl-manifest-data-undeclared"), ["amap-foundation:NSPrivacyCollectedDataTypeDeviceID"]);
    let f = findings(&r, "decl-manifest-data-undeclared")[0].clone();
    assert!(f["message"].as_str().unwrap().contains("sdk `amap-foundation`"), "{f}");
    // The sdk takes the device ID too: nothing left.
    get(&mut inv, "sdks", "amap-foundation")["fields"].as_array_mut().unwrap().push(json!("dev"));
    assert!(findings(&check_observed(&inv, &obs), "decl-manifest-data-undeclared").is_empty());
}

#[test]
fn a_tracking_domain_also_seen_in_traffic_is_reported_once() {
    let f = tempfile::NamedTempFile::new().unwrap();
    let obs = json!({"piflow": 1,
        "hosts": [{"host": "ep1.facebook.com", "requests": 3, "file": "qa.har", "line": 12}],
        "markers": [{"kind": "tracking-domain", "name": "ep1.facebook.com", "file": "a.ipa!Payload/A.app/PrivacyInfo.xcprivacy", "line": 9}]});
    std::fs::write(f.path(), obs.to_string()).unwrap();
    let r = check_observed(&base(), f.path());
    assert_eq!(fires(&r, "decl-undeclared-host"), ["ep1.facebook.com"]);
    assert_eq!(findings(&r, "decl-undeclared-host")[0]["location"]["file"], "qa.har", "the traffic's finding");
}
