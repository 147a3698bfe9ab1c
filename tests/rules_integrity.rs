//! Integrity rules and waivers: a case that fires and a near miss that does not.

mod common;
use common::*;
use serde_json::json;

#[test]
fn field_from_nowhere() {
    let mut inv = base();
    push(&mut inv, "fields", json!({"id": "email", "name": "Email", "category": "contact.email", "retention": "P1Y"}));
    get(&mut inv, "flows", "send")["fields"] = json!(["phone", "email"]);
    let (code, r) = check(&inv, &[]);
    assert_eq!(targets(&r, "inv-field-from-nowhere"), ["send"]);
    assert_eq!(findings(&r, "inv-field-from-nowhere")[0]["data"]["fields"], json!(["email"]));
    assert_eq!(code, 1);
    get(&mut inv, "flows", "collect")["fields"] = json!(["phone", "email"]);
    assert!(targets(&check(&inv, &[]).1, "inv-field-from-nowhere").is_empty());
}

#[test]
fn field_from_nowhere_party_source_with_subjects() {
    let mut inv = base();
    push(&mut inv, "parties", json!({"id": "broker", "name": "Broker", "country": "CN", "role": "controller"}));
    push(
        &mut inv,
        "flows",
        json!({"id": "buy", "from": "broker", "to": "app", "fields": ["phone"], "purpose": "login"}),
    );
    assert_eq!(targets(&check(&inv, &[]).1, "inv-field-from-nowhere"), ["buy"]);
    get(&mut inv, "flows", "buy")["subjects"] = json!(["users"]);
    assert!(targets(&check(&inv, &[]).1, "inv-field-from-nowhere").is_empty());
}

/// EU users' email collected into the app, then app → crm → sms, for a purpose with no GDPR basis
/// (public-information); beside it the app → crm hop of the CN users' phone.
fn eu_chain(inv: &mut serde_json::Value) {
    push(inv, "subjects", json!({"id": "eu-users", "name": "EU users", "country": "DE"}));
    push(inv, "fields", json!({"id": "email", "name": "Email", "category": "contact.email", "retention": "P1Y"}));
    push(inv, "systems", json!({"id": "crm", "name": "CRM", "country": "CN"}));
    push(inv, "purposes", json!({"id": "news", "name": "News", "basis": "public-information", "assessment": "x"}));
    push(inv, "flows", json!({"id": "c2", "from": "eu-users", "to": "app", "fields": ["email"], "purpose": "news"}));
    push(inv, "flows", json!({"id": "i1", "from": "app", "to": "crm", "fields": ["email"], "purpose": "news"}));
    push(inv, "flows", json!({"id": "i2", "from": "crm", "to": "sms", "fields": ["email"], "purpose": "news"}));
    push(inv, "flows", json!({"id": "i3", "from": "app", "to": "crm", "fields": ["phone"], "purpose": "news"}));
}

#[test]
fn provenance_follows_the_field_through_chains() {
    // A field collected from EU users reaches a processor two hops away: the last hop carries
    // EU data (GDPR applies to it), the same hop for a CN-only field does not.
    let mut inv = base();
    eu_chain(&mut inv);
    let r = check(&inv, &[]).1;
    // public-information is no GDPR basis: fires exactly on the hops carrying EU users' data.
    assert_eq!(targets(&r, "gdpr-6-basis"), ["c2", "i1", "i2"]);
}

#[test]
fn provenance_follows_the_field_with_more_than_64_subject_groups() {
    // The same chain as above, with the EU group the 71st of 72: provenance sets then take two
    // words, and are gathered another way than with 64 groups or fewer.
    let mut inv = base();
    for i in 0..70 {
        push(&mut inv, "subjects", json!({"id": format!("a-{i:02}"), "name": format!("Group {i}"), "country": "CN"}));
        push(
            &mut inv,
            "flows",
            json!({"id": format!("c-{i:02}"), "from": format!("a-{i:02}"), "to": "app", "fields": ["phone"], "purpose": "login"}),
        );
    }
    eu_chain(&mut inv);
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "gdpr-6-basis"), ["c2", "i1", "i2"]);
    // A group past the first 64 named on a flow out of a party counts as its source.
    push(&mut inv, "parties", json!({"id": "broker", "name": "Broker", "country": "CN", "role": "controller"}));
    push(
        &mut inv,
        "flows",
        json!({"id": "buy", "from": "broker", "to": "app", "fields": ["phone"], "purpose": "news"}),
    );
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "inv-field-from-nowhere"), ["buy"]);
    get(&mut inv, "flows", "buy")["subjects"] = json!(["eu-users"]);
    let r = check(&inv, &[]).1;
    assert!(targets(&r, "inv-field-from-nowhere").is_empty());
    assert_eq!(targets(&r, "gdpr-6-basis"), ["buy", "c2", "i1", "i2", "i3"]);
}

#[test]
fn subjects_named_on_a_collection_are_carried_with_the_collecting_group_and_on_downstream() {
    // Users in CN hand over data of EU users too (`subjects`): the collection and every hop
    // after it carry EU users' data, so GDPR applies to them; without the naming, none does.
    let mut inv = base();
    push(&mut inv, "subjects", json!({"id": "eu-users", "name": "EU users", "country": "DE"}));
    push(&mut inv, "purposes", json!({"id": "news", "name": "News", "basis": "public-information", "assessment": "x"}));
    get(&mut inv, "flows", "collect")["purpose"] = json!("news");
    get(&mut inv, "flows", "send")["purpose"] = json!("news");
    assert!(targets(&check(&inv, &[]).1, "gdpr-6-basis").is_empty());
    get(&mut inv, "flows", "collect")["subjects"] = json!(["eu-users"]);
    assert_eq!(targets(&check(&inv, &[]).1, "gdpr-6-basis"), ["collect", "send"]);
}

#[test]
fn unused_field() {
    let mut inv = base();
    push(&mut inv, "fields", json!({"id": "email", "name": "Email", "category": "contact.email", "retention": "P1Y"}));
    let (code, r) = check(&inv, &[]);
    assert_eq!(targets(&r, "inv-unused-field"), ["email"]);
    assert_eq!(code, 0, "a warning does not fail by default");
    // Carried by an sdk only: used.
    push(&mut inv, "parties", json!({"id": "v", "name": "V", "country": "CN", "role": "processor", "contract": "D"}));
    push(
        &mut inv,
        "sdks",
        json!({"id": "s", "name": "S", "vendor": "v", "in": ["app"], "fields": ["email"], "purpose": "login"}),
    );
    get(&mut inv, "flows", "collect")["fields"] = json!(["phone", "email"]);
    assert!(targets(&check(&inv, &[]).1, "inv-unused-field").is_empty());
}

#[test]
fn isolated_node() {
    let mut inv = base();
    push(
        &mut inv,
        "parties",
        json!({"id": "idle", "name": "Idle", "country": "CN", "role": "processor", "contract": "D"}),
    );
    push(&mut inv, "systems", json!({"id": "old", "name": "Old", "country": "CN"}));
    assert_eq!(targets(&check(&inv, &[]).1, "inv-isolated-node"), ["idle", "old"]);
    push(
        &mut inv,
        "sdks",
        json!({"id": "s", "name": "S", "vendor": "idle", "in": ["old"], "fields": ["phone"], "purpose": "login"}),
    );
    push(&mut inv, "flows", json!({"from": "app", "to": "old", "fields": ["phone"], "purpose": "login"}));
    assert!(targets(&check(&inv, &[]).1, "inv-isolated-node").is_empty());
}

#[test]
fn no_retention() {
    let mut inv = base();
    get(&mut inv, "fields", "phone").as_object_mut().unwrap().remove("retention");
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "inv-no-retention"), ["phone"]);
    assert_eq!(findings(&r, "inv-no-retention")[0]["data"]["purposes"], json!(["login"]));
    get(&mut inv, "purposes", "login")["retention"] = json!("P2Y");
    assert!(targets(&check(&inv, &[]).1, "inv-no-retention").is_empty());
}

#[test]
fn consent_unused() {
    let mut inv = base();
    push(&mut inv, "consents", json!({"id": "c", "name": "Box", "kind": "general", "for": ["processing"]}));
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "inv-consent-unused"), ["c"]);
    assert_eq!(findings(&r, "inv-consent-unused")[0]["severity"], "note");
    get(&mut inv, "flows", "collect")["consents"] = json!(["c"]);
    assert!(targets(&check(&inv, &[]).1, "inv-consent-unused").is_empty());
}

#[test]
fn mechanism_expired_even_if_unused() {
    let mut inv = base();
    push(
        &mut inv,
        "mechanisms",
        json!({"id": "old", "kind": "cn-standard-contract", "to": ["US"], "valid_until": "2025-12-31"}),
    );
    assert_eq!(targets(&check(&inv, &[]).1, "inv-mechanism-expired"), ["old"]);
    assert!(targets(&check(&inv, &["--as-of", "2025-12-31"]).1, "inv-mechanism-expired").is_empty());
}

#[test]
fn waivers_hide_until_they_expire() {
    let mut inv = base();
    get(&mut inv, "parties", "sms").as_object_mut().unwrap().remove("contract");
    push(
        &mut inv,
        "waivers",
        json!({"rule": "pipl-21-contract", "target": "send", "reason": "DPA in signature", "until": "2026-12-31"}),
    );
    let (code, r) = check(&inv, &[]);
    assert_eq!(code, 0, "the only error is waived: {r:#}");
    let f = findings(&r, "pipl-21-contract");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["waived"], true);
    assert_eq!(r["summary"]["waived"], 1);
    assert_eq!(r["summary"]["error"], 0);
    assert_eq!(f[0]["data"]["waiver"], "DPA in signature");
}

#[test]
fn waiver_expired() {
    let mut inv = base();
    get(&mut inv, "parties", "sms").as_object_mut().unwrap().remove("contract");
    push(
        &mut inv,
        "waivers",
        json!({"rule": "pipl-21-contract", "target": "send", "reason": "DPA in signature", "until": "2026-05-31"}),
    );
    let (code, r) = check(&inv, &[]);
    assert_eq!(code, 1);
    assert_eq!(targets(&r, "pipl-21-contract"), ["send"]);
    assert_eq!(targets(&r, "inv-waiver-expired"), ["send"]);
    // A waiver hides only its own code.
    let mut inv = base();
    get(&mut inv, "parties", "sms").as_object_mut().unwrap().remove("contract");
    push(&mut inv, "waivers", json!({"rule": "pipl-23-provide", "target": "send", "reason": "wrong code"}));
    assert_eq!(targets(&check(&inv, &[]).1, "pipl-21-contract"), ["send"]);
}
