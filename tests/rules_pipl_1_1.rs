//! The PIPL rules of catalogue 1.1: important data, the officer's filing, the compliance audit,
//! the face-recognition filing and the organization's one export-exemption note. Each fires at
//! its threshold and stays quiet one short of it; an unknown volume is never taken as zero.

mod common;
use common::*;
use serde_json::{Value, json};

/// An export from CN to a processor in the US (tests/common `export`): `phone` for purpose
/// `support` (legal obligation, so no Art. 5(1)-(3) exemption), `volume` individuals a year.
fn export(volume: u64) -> Value {
    common::export("US", &["phone"], volume)
}

fn important(inv: &mut Value) {
    get(inv, "fields", "phone")["important"] = json!(true);
}

fn severities<'a>(r: &'a Value, code: &str) -> Vec<&'a str> {
    findings(r, code).iter().map(|f| f["severity"].as_str().unwrap()).collect()
}

#[test]
fn important_data_needs_a_security_assessment_whatever_the_volume() {
    // Ten people, far below every threshold: without `important` the export is exempt.
    let r = check(&export(10), &[]).1;
    assert!(targets(&r, "pipl-38-mechanism").is_empty());
    let mut inv = export(10);
    important(&mut inv);
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "pipl-38-mechanism"), ["exp"]);
    let f = findings(&r, "pipl-38-mechanism")[0];
    assert_eq!(f["data"]["reason"], "important-data");
    assert_eq!(f["data"]["fields"], json!(["phone"]));
    assert!(f["message"].as_str().unwrap().contains("important data"), "{}", f["message"]);
    // Not listed as exempt under Art. 5(4).
    assert!(findings(&r, "pipl-38-exempt").is_empty(), "{:#}", r["findings"]);
    // A standard contract or a certification is not enough for important data.
    for kind in ["cn-standard-contract", "cn-certification"] {
        let mut inv = export(10);
        important(&mut inv);
        mechanism(&mut inv, kind, None);
        assert_eq!(targets(&check(&inv, &[]).1, "pipl-38-mechanism"), ["exp"], "{kind}");
    }
    // A valid assessment covering the recipient is; an expired one is not.
    let mut inv = export(10);
    important(&mut inv);
    mechanism(&mut inv, "cn-security-assessment", Some("2026-05-31"));
    assert_eq!(targets(&check(&inv, &[]).1, "pipl-38-mechanism"), ["exp"]);
    let mut inv = export(10);
    important(&mut inv);
    mechanism(&mut inv, "cn-security-assessment", None);
    assert!(targets(&check(&inv, &[]).1, "pipl-38-mechanism").is_empty());
}

#[test]
fn important_data_is_never_exempt_by_its_basis() {
    let mut inv = export(10);
    get(&mut inv, "flows", "exp")["basis"] = json!("contract");
    let r = check(&inv, &[]).1;
    assert!(targets(&r, "pipl-38-mechanism").is_empty());
    assert_eq!(findings(&r, "pipl-38-exempt")[0]["data"]["exempt"], json!({"Art. 5(1)/(2)": 1}));
    important(&mut inv);
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "pipl-38-mechanism"), ["exp"]);
    assert_eq!(findings(&r, "pipl-38-mechanism")[0]["data"]["reason"], "important-data");
    assert!(findings(&r, "pipl-38-exempt").is_empty(), "{:#}", r["findings"]);
    // A domestic flow of important data is no export.
    let mut inv = base();
    important(&mut inv);
    assert!(targets(&check(&inv, &[]).1, "pipl-38-mechanism").is_empty());
}

#[test]
fn other_flows_keep_their_tier_and_the_important_flow_counts_in_n() {
    // 60,000 people's important data plus 50,000 others' ordinary data: N = 110,000, so the
    // ordinary flow needs a standard contract (it would be exempt alone).
    let mut inv = export(60_000);
    important(&mut inv);
    push(&mut inv, "fields", json!({"id": "email", "name": "Email", "category": "contact.email", "retention": "P1Y"}));
    get(&mut inv, "flows", "collect")["fields"] = json!(["phone", "email"]);
    push(
        &mut inv,
        "flows",
        json!({"id": "mail", "from": "app", "to": "abroad", "fields": ["email"], "purpose": "support", "volume": 50_000}),
    );
    push(
        &mut inv,
        "mechanisms",
        json!({"id": "sa", "kind": "cn-security-assessment", "recipients": ["abroad"], "reference": "SA-1"}),
    );
    let r = check(&inv, &[]).1;
    assert!(targets(&r, "pipl-38-mechanism").is_empty(), "the assessment serves both");
    get(&mut inv, "mechanisms", "sa")["kind"] = json!("cn-standard-contract");
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "pipl-38-mechanism"), ["exp"], "the contract serves the ordinary flow only");
    get(&mut inv, "flows", "exp")["volume"] = json!(49_999);
    get(&mut inv, "mechanisms", "sa")["kind"] = json!("cn-security-assessment");
    get(&mut inv, "mechanisms", "sa")["recipients"] = json!([]);
    get(&mut inv, "mechanisms", "sa")["to"] = json!(["SG"]);
    let r = check(&inv, &[]).1;
    // N = 99,999: the ordinary flow is exempt again, the important one still needs its own.
    assert_eq!(targets(&r, "pipl-38-mechanism"), ["exp"]);
    let note = findings(&r, "pipl-38-exempt");
    assert_eq!(note[0]["data"]["flows"], json!({"Art. 5(4)": ["mail"]}));
    assert_eq!(note[0]["data"]["N"], 99_999);
}

#[test]
fn the_exemption_note_is_given_once_for_the_organization() {
    let mut inv = export(10);
    push(
        &mut inv,
        "parties",
        json!({"id": "hr-us", "name": "HR Inc", "country": "US", "role": "processor", "contract": "D", "contact": "c"}),
    );
    push(&mut inv, "purposes", json!({"id": "hr", "name": "HR", "basis": "contract", "assessment": "P"}));
    for id in ["hr1", "hr2"] {
        push(&mut inv, "flows", json!({"id": id, "from": "app", "to": "hr-us", "fields": ["phone"], "purpose": "hr"}));
    }
    let r = check(&inv, &[]).1;
    let note = findings(&r, "pipl-38-exempt");
    assert_eq!(note.len(), 1, "{note:#?}");
    assert_eq!(note[0]["target"], "acme");
    assert_eq!(note[0]["severity"], "note");
    assert_eq!(note[0]["data"]["exempt"], json!({"Art. 5(1)/(2)": 2, "Art. 5(4)": 1}));
    assert_eq!(note[0]["data"]["flows"], json!({"Art. 5(1)/(2)": ["hr1", "hr2"], "Art. 5(4)": ["exp"]}));
    assert_eq!((note[0]["data"]["N"].clone(), note[0]["data"]["S"].clone()), (json!(10), json!(0)));
    let msg = note[0]["message"].as_str().unwrap();
    assert!(msg.contains("3 export flows") && msg.contains("N = 10"), "{msg}");
    // Over the contract threshold the counted flow needs a mechanism: only the basis exemptions
    // are listed.
    get(&mut inv, "flows", "exp")["volume"] = json!(100_000);
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "pipl-38-mechanism"), ["exp"]);
    assert_eq!(findings(&r, "pipl-38-exempt")[0]["data"]["exempt"], json!({"Art. 5(1)/(2)": 2}));
    // No export at all: no note.
    assert!(findings(&check(&base(), &[]).1, "pipl-38-exempt").is_empty());
}

#[test]
fn no_exemption_note_while_a_volume_is_unknown() {
    let mut inv = export(10);
    push(&mut inv, "purposes", json!({"id": "hr", "name": "HR", "basis": "contract", "assessment": "P"}));
    push(&mut inv, "flows", json!({"id": "hr1", "from": "app", "to": "abroad", "fields": ["phone"], "purpose": "hr"}));
    assert_eq!(findings(&check(&inv, &[]).1, "pipl-38-exempt").len(), 1);
    // A second export whose people are not counted: volume-unknown fires, and no exemption is
    // stated at all, not even the basis ones.
    unknown_group(&mut inv);
    let g_out = json!({"id": "g-out", "from": "app", "to": "abroad", "fields": ["phone"], "purpose": "support"});
    push(&mut inv, "flows", g_out);
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "pipl-38-volume-unknown"), ["g-out"]);
    assert!(findings(&r, "pipl-38-exempt").is_empty(), "{:#}", r["findings"]);
    // Near miss: the flow declares its volume.
    get(&mut inv, "flows", "g-out")["volume"] = json!(5);
    let r = check(&inv, &[]).1;
    assert!(targets(&r, "pipl-38-volume-unknown").is_empty());
    assert_eq!(findings(&r, "pipl-38-exempt")[0]["data"]["exempt"], json!({"Art. 5(1)/(2)": 1, "Art. 5(4)": 2}));
}

/// Base with `users` of `volume` individuals (absent when `None`).
fn people(volume: Option<u64>) -> Value {
    let mut inv = base();
    match volume {
        Some(v) => get(&mut inv, "subjects", "users")["volume"] = json!(v),
        None => {
            get(&mut inv, "subjects", "users").as_object_mut().unwrap().remove("volume");
        }
    }
    inv
}

/// A second subject group, with no volume, whose phone is collected into the app.
fn unknown_group(inv: &mut Value) {
    push(inv, "subjects", json!({"id": "guests", "name": "Guests", "country": "CN"}));
    push(inv, "flows", json!({"id": "g-in", "from": "guests", "to": "app", "fields": ["phone"], "purpose": "login"}));
}

fn filing(inv: &mut Value, kind: &str) {
    let filings = inv["organization"].as_object_mut().unwrap().entry("filings").or_insert(json!([]));
    filings.as_array_mut().unwrap().push(json!({"kind": kind, "date": "2025-08-20", "reference": "F-1"}));
}

#[test]
fn pipl_52_filing_at_one_million() {
    let r = check(&people(Some(999_999)), &[]).1;
    assert!(findings(&r, "pipl-52-filing").is_empty());
    let r = check(&people(Some(1_000_000)), &[]).1;
    assert_eq!(targets(&r, "pipl-52-filing"), ["acme"]);
    assert_eq!(severities(&r, "pipl-52-filing"), ["warning"]);
    assert_eq!(findings(&r, "pipl-52-filing")[0]["data"]["individuals"], 1_000_000);
    // The officer's filing settles it; a face-recognition filing does not.
    let mut inv = people(Some(1_000_000));
    filing(&mut inv, "face-recognition");
    assert_eq!(targets(&check(&inv, &[]).1, "pipl-52-filing"), ["acme"]);
    filing(&mut inv, "officer");
    assert!(findings(&check(&inv, &[]).1, "pipl-52-filing").is_empty());
    // No officer at all: pipl-52-officer says so, and there is nothing to file yet.
    let mut inv = people(Some(1_000_000));
    inv["organization"].as_object_mut().unwrap().remove("officer");
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "pipl-52-officer"), ["acme"]);
    assert!(findings(&r, "pipl-52-filing").is_empty());
}

#[test]
fn organization_thresholds_with_unknown_volumes_are_notes_not_silence() {
    // 999,999 known and one group unknown: the threshold cannot be decided.
    let mut inv = people(Some(999_999));
    unknown_group(&mut inv);
    let r = check(&inv, &[]).1;
    assert_eq!(severities(&r, "pipl-52-filing"), ["note"]);
    let f = findings(&r, "pipl-52-filing")[0];
    assert_eq!(f["data"]["decided"], false);
    assert_eq!(f["data"]["groups_without_volume"], json!(["guests"]));
    assert!(f["message"].as_str().unwrap().contains("cannot be decided"), "{}", f["message"]);
    inv["organization"].as_object_mut().unwrap().remove("officer");
    let r = check(&inv, &[]).1;
    assert_eq!(severities(&r, "pipl-52-officer"), ["note"]);
    // Known volumes that already reach it: the warning, whatever the unknown ones.
    let mut inv = people(Some(1_000_000));
    unknown_group(&mut inv);
    assert_eq!(severities(&check(&inv, &[]).1, "pipl-52-filing"), ["warning"]);
    // Nothing owed (filed): no note either.
    let mut inv = people(Some(999_999));
    unknown_group(&mut inv);
    filing(&mut inv, "officer");
    assert!(findings(&check(&inv, &[]).1, "pipl-52-filing").is_empty());
    // Every volume unknown: a note too (0 known).
    let r = check(&people(None), &[]).1;
    assert_eq!(severities(&r, "pipl-52-filing"), ["note"]);
    assert_eq!(findings(&r, "pipl-52-filing")[0]["data"]["individuals"], 0);
}

#[test]
fn pipl_54_audit_above_ten_million_every_two_years() {
    let audited = |volume: u64, last: Option<&str>, as_of: &str| {
        let mut inv = people(Some(volume));
        filing(&mut inv, "officer");
        if let Some(d) = last {
            inv["organization"]["last_audit"] = json!(d);
        }
        check(&inv, &["--as-of", as_of]).1
    };
    // 超过: exactly 10,000,000 is not more than it.
    assert!(findings(&audited(10_000_000, Some("2020-01-01"), "2026-06-01"), "pipl-54-audit").is_empty());
    let r = audited(10_000_001, Some("2020-01-01"), "2026-06-01");
    assert_eq!(targets(&r, "pipl-54-audit"), ["acme"]);
    assert!(findings(&r, "pipl-54-audit")[0]["message"].as_str().unwrap().contains("2020-01-01"));
    // Exactly two years is still in time; a day more is late.
    assert!(findings(&audited(10_000_001, Some("2024-06-01"), "2026-06-01"), "pipl-54-audit").is_empty());
    assert_eq!(targets(&audited(10_000_001, Some("2024-05-31"), "2026-06-01"), "pipl-54-audit"), ["acme"]);
    // No audit recorded: late only once the first cycle has ended on 2027-05-01.
    assert!(findings(&audited(10_000_001, None, "2027-04-30"), "pipl-54-audit").is_empty());
    let r = audited(10_000_001, None, "2027-05-01");
    assert_eq!(targets(&r, "pipl-54-audit"), ["acme"]);
    assert!(findings(&r, "pipl-54-audit")[0]["message"].as_str().unwrap().contains("no `last_audit`"));
    // A recent audit after the cycle: in time.
    assert!(findings(&audited(10_000_001, Some("2026-12-01"), "2027-05-01"), "pipl-54-audit").is_empty());
    // 10,000,000 known and one group unknown, audit stale: a note.
    let mut inv = people(Some(10_000_000));
    unknown_group(&mut inv);
    filing(&mut inv, "officer");
    inv["organization"]["last_audit"] = json!("2020-01-01");
    let r = check(&inv, &[]).1;
    assert_eq!(severities(&r, "pipl-54-audit"), ["note"]);
    // Audit in time: nothing to decide.
    inv["organization"]["last_audit"] = json!("2025-01-01");
    assert!(findings(&check(&inv, &[]).1, "pipl-54-audit").is_empty());
}

/// Base with a face template collected from `users` (of `volume`) into the app.
fn face(volume: Option<u64>) -> Value {
    let mut inv = people(volume);
    push(&mut inv, "fields", json!({"id": "face", "name": "Face", "category": "biometric.face", "retention": "P1Y"}));
    push(
        &mut inv,
        "consents",
        json!({"id": "cf", "name": "Face dialog", "kind": "separate", "for": ["processing", "sensitive"]}),
    );
    push(
        &mut inv,
        "purposes",
        json!({"id": "kyc", "name": "KYC", "basis": "consent", "consents": ["cf"], "assessment": "P"}),
    );
    push(&mut inv, "flows", json!({"id": "f-in", "from": "users", "to": "app", "fields": ["face"], "purpose": "kyc"}));
    inv
}

#[test]
fn cn_face_filing_at_one_hundred_thousand() {
    assert!(findings(&check(&face(Some(99_999)), &[]).1, "cn-face-filing").is_empty());
    let r = check(&face(Some(100_000)), &[]).1;
    assert_eq!(targets(&r, "cn-face-filing"), ["acme"]);
    assert_eq!(findings(&r, "cn-face-filing")[0]["data"]["individuals"], 100_000);
    let mut inv = face(Some(100_000));
    filing(&mut inv, "officer");
    assert_eq!(targets(&check(&inv, &[]).1, "cn-face-filing"), ["acme"], "an officer filing is not a face filing");
    filing(&mut inv, "face-recognition");
    assert!(findings(&check(&inv, &[]).1, "cn-face-filing").is_empty());
    // No face data anywhere: nothing, whatever the head-count.
    assert!(findings(&check(&people(Some(5_000_000)), &[]).1, "cn-face-filing").is_empty());
}

#[test]
fn cn_face_filing_counts_only_the_groups_whose_face_data_is_stored() {
    // A running total over groups: 60,000 + 40,000.
    let mut inv = face(Some(60_000));
    push(&mut inv, "subjects", json!({"id": "staff", "name": "Staff", "country": "CN", "volume": 40_000}));
    push(&mut inv, "flows", json!({"id": "s-in", "from": "staff", "to": "app", "fields": ["face"], "purpose": "kyc"}));
    assert_eq!(targets(&check(&inv, &[]).1, "cn-face-filing"), ["acme"]);
    // A million people give only their phone: they are not counted.
    let mut inv = face(Some(99_999));
    push(&mut inv, "subjects", json!({"id": "many", "name": "Many", "country": "CN", "volume": 1_000_000}));
    push(
        &mut inv,
        "flows",
        json!({"id": "m-in", "from": "many", "to": "app", "fields": ["phone"], "purpose": "login"}),
    );
    let r = check(&inv, &[]).1;
    assert!(findings(&r, "cn-face-filing").is_empty(), "{:#?}", findings(&r, "cn-face-filing"));
    // Face data collected straight by another handler (a controller) is not stored by us; by a
    // processor it is.
    let mut inv = people(Some(100_000));
    push(&mut inv, "fields", json!({"id": "face", "name": "Face", "category": "biometric.face", "retention": "P1Y"}));
    push(
        &mut inv,
        "parties",
        json!({"id": "kyc-co", "name": "KYC Co", "country": "CN", "role": "controller", "contact": "c"}),
    );
    push(
        &mut inv,
        "flows",
        json!({"id": "f-out", "from": "users", "to": "kyc-co", "fields": ["face"], "purpose": "login"}),
    );
    assert!(findings(&check(&inv, &[]).1, "cn-face-filing").is_empty());
    get(&mut inv, "parties", "kyc-co")["role"] = json!("processor");
    get(&mut inv, "parties", "kyc-co")["contract"] = json!("DPA-2");
    assert_eq!(targets(&check(&inv, &[]).1, "cn-face-filing"), ["acme"]);
    // Face data received from a party that names whose it is, into our system.
    let mut inv = people(Some(1));
    push(&mut inv, "fields", json!({"id": "face", "name": "Face", "category": "biometric.face", "retention": "P1Y"}));
    push(&mut inv, "subjects", json!({"id": "members", "name": "Members", "country": "CN", "volume": 100_000}));
    push(
        &mut inv,
        "parties",
        json!({"id": "partner", "name": "Partner", "country": "CN", "role": "controller", "contact": "c"}),
    );
    push(
        &mut inv,
        "flows",
        json!({"id": "f-recv", "from": "partner", "to": "app", "fields": ["face"], "purpose": "login", "subjects": ["members"]}),
    );
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "cn-face-filing"), ["acme"]);
    assert_eq!(findings(&r, "cn-face-filing")[0]["data"]["individuals"], 100_000);
}

#[test]
fn cn_face_filing_with_unknown_volumes() {
    let r = check(&face(None), &[]).1;
    assert_eq!(severities(&r, "cn-face-filing"), ["note"]);
    assert_eq!(findings(&r, "cn-face-filing")[0]["data"]["groups_without_volume"], json!(["users"]));
    // 100,000 known already reach it.
    let mut inv = face(Some(100_000));
    push(&mut inv, "subjects", json!({"id": "staff", "name": "Staff", "country": "CN"}));
    push(&mut inv, "flows", json!({"id": "s-in", "from": "staff", "to": "app", "fields": ["face"], "purpose": "kyc"}));
    assert_eq!(severities(&check(&inv, &[]).1, "cn-face-filing"), ["warning"]);
    // An unknown group that gives no face data changes nothing.
    let mut inv = face(Some(99_999));
    unknown_group(&mut inv);
    assert!(findings(&check(&inv, &[]).1, "cn-face-filing").is_empty());
}

#[test]
fn every_1_1_rule_is_in_the_catalogue_and_explained() {
    for code in ["pipl-52-filing", "pipl-54-audit", "cn-face-filing", "pipl-38-exempt", "pipl-38-volume-unknown"] {
        let (status, out, err) = piflow(&["explain", code]);
        assert_eq!(status, 0, "{code}: {err}");
        assert!(out.contains(code), "{out}");
    }
    let (_, out, _) = piflow(&["explain", "pipl-54-audit"]);
    assert!(out.contains("2027-05-01") && out.contains("CAC Order 18"), "{out}");
}
