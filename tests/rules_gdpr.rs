//! Every GDPR rule: a case that fires and a near miss that does not.

mod common;
use common::*;
use serde_json::{Value, json};

/// The base inventory moved to Germany: GDPR applies, PIPL does not.
fn eu() -> Value {
    let mut inv = base();
    inv["organization"]["country"] = json!("DE");
    get(&mut inv, "subjects", "users")["country"] = json!("DE");
    get(&mut inv, "systems", "app")["country"] = json!("DE");
    get(&mut inv, "parties", "sms")["country"] = json!("DE");
    inv
}

#[test]
fn eu_baseline_is_clean_and_not_pipl() {
    let (code, r) = check(&eu(), &[]);
    assert_eq!(r["findings"], json!([]), "{r:#}");
    assert_eq!(code, 0);
    let mut inv = eu();
    get(&mut inv, "purposes", "login")["basis"] = json!("legitimate-interests");
    let r = check(&inv, &[]).1;
    assert!(codes(&r).is_empty(), "legitimate interests is fine under the GDPR and PIPL does not apply: {r:#}");
}

#[test]
fn gdpr_6_basis() {
    let mut inv = eu();
    get(&mut inv, "purposes", "login")["basis"] = json!("news-reporting");
    assert_eq!(targets(&check(&inv, &[]).1, "gdpr-6-basis"), ["collect", "send"]);
    get(&mut inv, "purposes", "login")["basis"] = json!({"PIPL": "contract"});
    assert_eq!(targets(&check(&inv, &[]).1, "gdpr-6-basis"), ["collect", "send"], "no GDPR basis at all");
    get(&mut inv, "purposes", "login")["basis"] = json!({"PIPL": "contract", "GDPR": "contract"});
    assert!(targets(&check(&inv, &[]).1, "gdpr-6-basis").is_empty());
}

#[test]
fn gdpr_7_consent_and_8_child() {
    let mut inv = eu();
    get(&mut inv, "purposes", "login")["basis"] = json!("consent");
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "gdpr-7-consent"), ["collect", "send"]);
    push(&mut inv, "consents", json!({"id": "c", "name": "Box", "kind": "general", "for": ["processing"]}));
    get(&mut inv, "purposes", "login")["consents"] = json!(["c"]);
    let r = check(&inv, &[]).1;
    assert!(targets(&r, "gdpr-7-consent").is_empty());
    assert!(targets(&r, "gdpr-8-child").is_empty());
    get(&mut inv, "subjects", "users")["children"] = json!(true);
    assert_eq!(targets(&check(&inv, &[]).1, "gdpr-8-child"), ["collect", "send"]);
    push(&mut inv, "consents", json!({"id": "g", "name": "Parent", "kind": "guardian", "for": ["children"]}));
    get(&mut inv, "purposes", "login")["consents"] = json!(["c", "g"]);
    assert!(targets(&check(&inv, &[]).1, "gdpr-8-child").is_empty());
}

fn special_case(condition: Option<&str>) -> Value {
    let mut inv = eu();
    push(
        &mut inv,
        "fields",
        json!({"id": "diag", "name": "Diagnosis", "category": "health.medical", "retention": "P1Y"}),
    );
    let mut p = json!({"id": "care", "name": "Care", "basis": "consent", "consents": ["c"], "assessment": "DPIA-1"});
    if let Some(c) = condition {
        p["special_condition"] = json!(c);
    }
    push(&mut inv, "purposes", p);
    push(&mut inv, "consents", json!({"id": "c", "name": "Box", "kind": "general", "for": ["processing"]}));
    push(&mut inv, "flows", json!({"id": "h", "from": "users", "to": "app", "fields": ["diag"], "purpose": "care"}));
    inv
}

#[test]
fn gdpr_9_special() {
    assert_eq!(targets(&check(&special_case(None), &[]).1, "gdpr-9-special"), ["h"]);
    assert!(targets(&check(&special_case(Some("h")), &[]).1, "gdpr-9-special").is_empty());
    assert_eq!(targets(&check(&special_case(Some("a")), &[]).1, "gdpr-9-special"), ["h"]);
    let mut inv = special_case(Some("a"));
    push(&mut inv, "consents", json!({"id": "x", "name": "Explicit", "kind": "explicit", "for": ["sensitive"]}));
    get(&mut inv, "purposes", "care")["consents"] = json!(["c", "x"]);
    assert!(targets(&check(&inv, &[]).1, "gdpr-9-special").is_empty());
    // A PIPL separate consent is not GDPR explicit consent.
    get(&mut inv, "consents", "x")["kind"] = json!("separate");
    assert_eq!(targets(&check(&inv, &[]).1, "gdpr-9-special"), ["h"]);
    // A national ID is PIPL-sensitive but not a GDPR special category.
    let mut inv = eu();
    push(
        &mut inv,
        "fields",
        json!({"id": "idno", "name": "ID", "category": "identity.national-id", "retention": "P1Y"}),
    );
    get(&mut inv, "flows", "collect")["fields"] = json!(["phone", "idno"]);
    assert!(targets(&check(&inv, &[]).1, "gdpr-9-special").is_empty());
}

#[test]
fn gdpr_10_criminal() {
    let mut inv = eu();
    push(&mut inv, "fields", json!({"id": "rec", "name": "Record", "category": "criminal.record", "retention": "P1Y"}));
    get(&mut inv, "flows", "collect")["fields"] = json!(["phone", "rec"]);
    assert_eq!(targets(&check(&inv, &[]).1, "gdpr-10-criminal"), ["collect"]);
    assert!(targets(&check(&eu(), &[]).1, "gdpr-10-criminal").is_empty());
}

#[test]
fn gdpr_28_contract_and_subprocessor() {
    let mut inv = eu();
    get(&mut inv, "parties", "sms").as_object_mut().unwrap().remove("contract");
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "gdpr-28-contract"), ["send"]);
    assert!(targets(&r, "pipl-21-contract").is_empty(), "PIPL does not apply to this EU flow");

    let mut inv = eu();
    push(
        &mut inv,
        "parties",
        json!({"id": "cloud", "name": "Cloud", "country": "DE", "role": "processor", "contract": "DPA"}),
    );
    push(&mut inv, "flows", json!({"id": "on", "from": "sms", "to": "cloud", "fields": ["phone"], "purpose": "login"}));
    assert_eq!(targets(&check(&inv, &[]).1, "gdpr-28-subprocessor"), ["on"]);
    get(&mut inv, "parties", "sms")["subprocessors"] = json!(["cloud"]);
    assert!(targets(&check(&inv, &[]).1, "gdpr-28-subprocessor").is_empty());
}

fn transfer_to(country: &str) -> Value {
    let mut inv = eu();
    push(
        &mut inv,
        "parties",
        json!({"id": "vendor", "name": "Vendor", "country": country, "role": "processor", "contract": "DPA", "contact": "x"}),
    );
    push(&mut inv, "flows", json!({"id": "t", "from": "app", "to": "vendor", "fields": ["phone"], "purpose": "login"}));
    inv
}

#[test]
fn gdpr_44_transfer() {
    assert_eq!(targets(&check(&transfer_to("IN"), &[]).1, "gdpr-44-transfer"), ["t"]);
    assert!(targets(&check(&transfer_to("JP"), &[]).1, "gdpr-44-transfer").is_empty(), "Japan is adequate");
    assert!(targets(&check(&transfer_to("BR"), &[]).1, "gdpr-44-transfer").is_empty(), "Brazil is adequate since 2026");
    assert!(targets(&check(&transfer_to("FR"), &[]).1, "gdpr-44-transfer").is_empty(), "inside the EEA");
    // The US only for DPF-certified recipients.
    let mut inv = transfer_to("US");
    assert_eq!(targets(&check(&inv, &[]).1, "gdpr-44-transfer"), ["t"]);
    get(&mut inv, "parties", "vendor")["certifications"] = json!(["EU-US-DPF"]);
    assert!(targets(&check(&inv, &[]).1, "gdpr-44-transfer").is_empty());
    // SCCs, valid or expired.
    let mut inv = transfer_to("IN");
    push(
        &mut inv,
        "mechanisms",
        json!({"id": "scc", "kind": "eu-scc", "recipients": ["vendor"], "valid_until": "2026-01-01"}),
    );
    assert_eq!(targets(&check(&inv, &[]).1, "gdpr-44-transfer"), ["t"]);
    get(&mut inv, "mechanisms", "scc")["valid_until"] = json!("2030-01-01");
    assert!(targets(&check(&inv, &[]).1, "gdpr-44-transfer").is_empty());
    // --adequate replaces the built-in list.
    assert!(targets(&check(&transfer_to("IN"), &["--adequate", "IN"]).1, "gdpr-44-transfer").is_empty());
    assert_eq!(targets(&check(&transfer_to("JP"), &["--adequate", "IN"]).1, "gdpr-44-transfer"), ["t"]);
}

#[test]
fn gdpr_transfer_to_own_system_abroad_is_not_a_transfer() {
    let mut inv = eu();
    push(&mut inv, "systems", json!({"id": "in-db", "name": "DB", "country": "IN"}));
    push(
        &mut inv,
        "flows",
        json!({"id": "store", "from": "app", "to": "in-db", "fields": ["phone"], "purpose": "login"}),
    );
    assert!(targets(&check(&inv, &[]).1, "gdpr-44-transfer").is_empty());
}

#[test]
fn gdpr_49_derogation() {
    let mut inv = transfer_to("IN");
    push(
        &mut inv,
        "purposes",
        json!({"id": "promo", "name": "Promo", "basis": "consent", "consents": ["c"], "assessment": "x"}),
    );
    push(&mut inv, "consents", json!({"id": "c", "name": "Box", "kind": "general", "for": ["processing"]}));
    get(&mut inv, "flows", "t")["purpose"] = json!("promo");
    push(&mut inv, "mechanisms", json!({"id": "d", "kind": "eu-derogation", "recipients": ["vendor"]}));
    let r = check(&inv, &[]).1;
    assert!(targets(&r, "gdpr-44-transfer").is_empty());
    assert_eq!(targets(&r, "gdpr-49-derogation"), ["t"]);
    push(
        &mut inv,
        "consents",
        json!({"id": "x", "name": "Transfer consent", "kind": "explicit", "for": ["cross-border"], "recipients": ["vendor"]}),
    );
    get(&mut inv, "purposes", "promo")["consents"] = json!(["c", "x"]);
    assert!(targets(&check(&inv, &[]).1, "gdpr-49-derogation").is_empty());
}

#[test]
fn gdpr_27_representative_and_both_regimes() {
    // A CN company with users in Germany: both regimes apply to the flows carrying their data.
    let mut inv = base();
    get(&mut inv, "subjects", "users")["country"] = json!(["CN", "DE"]);
    get(&mut inv, "purposes", "login")["basis"] = json!("news-reporting");
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "gdpr-27-representative"), ["acme"]);
    assert_eq!(targets(&r, "gdpr-6-basis"), ["collect", "send"]);
    inv["organization"]["representative"] = json!("Acme EU Rep GmbH");
    assert!(targets(&check(&inv, &[]).1, "gdpr-27-representative").is_empty());
    // Users only in CN: no GDPR at all.
    let mut inv = base();
    get(&mut inv, "purposes", "login")["basis"] = json!("news-reporting");
    let r = check(&inv, &[]).1;
    assert!(targets(&r, "gdpr-27-representative").is_empty());
    assert!(targets(&r, "gdpr-6-basis").is_empty());
}

#[test]
fn gdpr_35_assessment() {
    let mut inv = special_case(Some("h"));
    assert!(targets(&check(&inv, &[]).1, "gdpr-35-assessment").is_empty());
    get(&mut inv, "purposes", "care").as_object_mut().unwrap().remove("assessment");
    assert_eq!(targets(&check(&inv, &[]).1, "gdpr-35-assessment"), ["care"]);
}
