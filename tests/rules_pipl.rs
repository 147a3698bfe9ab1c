//! Every PIPL rule: a case that fires and a near miss that does not.

mod common;
use common::*;
use serde_json::{Value, json};

#[test]
fn baseline_is_clean() {
    let (code, r) = check(&base(), &[]);
    assert_eq!(r["findings"], json!([]), "{r:#}");
    assert_eq!(code, 0);
}

/// Base plus a consent-based marketing purpose whose flow the test shapes.
fn with_consent_purpose(consents: Value) -> Value {
    let mut inv = base();
    push(
        &mut inv,
        "purposes",
        json!({"id": "mkt", "name": "Marketing", "basis": "consent", "consents": consents, "assessment": "PIA-2"}),
    );
    push(&mut inv, "flows", json!({"id": "m", "from": "users", "to": "app", "fields": ["phone"], "purpose": "mkt"}));
    inv
}

#[test]
fn pipl_13_basis() {
    let mut inv = base();
    get(&mut inv, "purposes", "login")["basis"] = json!("legitimate-interests");
    let (code, r) = check(&inv, &[]);
    assert_eq!(targets(&r, "pipl-13-basis"), ["collect", "send"]);
    assert_eq!(code, 1);
    // Near miss: a per-regime basis gives PIPL its own.
    get(&mut inv, "purposes", "login")["basis"] = json!({"PIPL": "contract", "GDPR": "legitimate-interests"});
    assert!(targets(&check(&inv, &[]).1, "pipl-13-basis").is_empty());
    // public-task counts as legal-obligation.
    get(&mut inv, "purposes", "login")["basis"] = json!("public-task");
    assert!(targets(&check(&inv, &[]).1, "pipl-13-basis").is_empty());
}

#[test]
fn pipl_13_flow_basis_overrides_purpose() {
    let mut inv = base();
    get(&mut inv, "flows", "send")["basis"] = json!("legitimate-interests");
    assert_eq!(targets(&check(&inv, &[]).1, "pipl-13-basis"), ["send"]);
}

#[test]
fn pipl_14_consent() {
    let mut inv = with_consent_purpose(json!([]));
    assert_eq!(targets(&check(&inv, &[]).1, "pipl-14-consent"), ["m"]);
    push(&mut inv, "consents", json!({"id": "c", "name": "Sign-up box", "kind": "general", "for": ["processing"]}));
    // Declared but not referenced: still not covered.
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "pipl-14-consent"), ["m"]);
    assert_eq!(targets(&r, "inv-consent-unused"), ["c"]);
    get(&mut inv, "purposes", "mkt")["consents"] = json!(["c"]);
    assert!(targets(&check(&inv, &[]).1, "pipl-14-consent").is_empty());
}

#[test]
fn pipl_14_consent_fields_limit() {
    let mut inv = with_consent_purpose(json!(["c"]));
    push(&mut inv, "fields", json!({"id": "email", "name": "Email", "category": "contact.email", "retention": "P1Y"}));
    push(
        &mut inv,
        "consents",
        json!({"id": "c", "name": "Box", "kind": "general", "for": ["processing"], "fields": ["email"]}),
    );
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "pipl-14-consent"), ["m"], "consent limited to email does not cover phone");
    get(&mut inv, "consents", "c")["fields"] = json!(["email", "phone"]);
    let r = check(&inv, &[]).1;
    assert!(targets(&r, "pipl-14-consent").is_empty());
}

fn sensitive_case(consent: Value) -> Value {
    let mut inv = with_consent_purpose(json!(["c-gen", "c-s"]));
    push(
        &mut inv,
        "fields",
        json!({"id": "idno", "name": "ID number", "category": "identity.national-id", "retention": "P1Y"}),
    );
    get(&mut inv, "flows", "m")["fields"] = json!(["phone", "idno"]);
    push(&mut inv, "consents", json!({"id": "c-gen", "name": "Box", "kind": "general", "for": ["processing"]}));
    push(&mut inv, "consents", consent);
    inv
}

#[test]
fn pipl_29_sensitive() {
    let inv = sensitive_case(json!({"id": "c-s", "name": "Box 2", "kind": "general", "for": ["sensitive"]}));
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "pipl-29-sensitive"), ["m"], "a general consent is not separate");
    assert_eq!(findings(&r, "pipl-29-sensitive")[0]["data"]["fields"], json!(["idno"]));
    let inv = sensitive_case(json!({"id": "c-s", "name": "ID dialog", "kind": "separate", "for": ["sensitive"]}));
    assert!(targets(&check(&inv, &[]).1, "pipl-29-sensitive").is_empty());
    // A guardian's consent is given separately, so it meets `separate`.
    let inv = sensitive_case(json!({"id": "c-s", "name": "Parent", "kind": "guardian", "for": ["sensitive"]}));
    assert!(targets(&check(&inv, &[]).1, "pipl-29-sensitive").is_empty());
    // A separate consent limited to other fields does not cover the ID number.
    let inv = sensitive_case(
        json!({"id": "c-s", "name": "Dialog", "kind": "separate", "for": ["sensitive"], "fields": ["phone"]}),
    );
    assert_eq!(targets(&check(&inv, &[]).1, "pipl-29-sensitive"), ["m"]);
}

#[test]
fn pipl_29_sensitive_flag_overrides_category() {
    let mut inv = with_consent_purpose(json!(["c"]));
    push(&mut inv, "consents", json!({"id": "c", "name": "Box", "kind": "general", "for": ["processing"]}));
    assert!(targets(&check(&inv, &[]).1, "pipl-29-sensitive").is_empty());
    get(&mut inv, "fields", "phone")["sensitive"] = json!(true);
    assert_eq!(targets(&check(&inv, &[]).1, "pipl-29-sensitive"), ["m"]);
}

#[test]
fn pipl_31_minor() {
    let mut inv = with_consent_purpose(json!(["c"]));
    push(
        &mut inv,
        "consents",
        json!({"id": "c", "name": "Box", "kind": "separate", "for": ["processing", "sensitive"]}),
    );
    get(&mut inv, "subjects", "users")["children"] = json!(true);
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "pipl-31-minor"), ["m"]);
    assert!(targets(&r, "pipl-29-sensitive").is_empty(), "children are pipl-31's concern");
    push(&mut inv, "consents", json!({"id": "g", "name": "Parent", "kind": "guardian", "for": ["children"]}));
    get(&mut inv, "purposes", "mkt")["consents"] = json!(["c", "g"]);
    assert!(targets(&check(&inv, &[]).1, "pipl-31-minor").is_empty());
    // A separate (not guardian) consent for children does not count.
    get(&mut inv, "consents", "g")["kind"] = json!("separate");
    assert_eq!(targets(&check(&inv, &[]).1, "pipl-31-minor"), ["m"]);
}

#[test]
fn pipl_21_contract() {
    let mut inv = base();
    get(&mut inv, "parties", "sms").as_object_mut().unwrap().remove("contract");
    assert_eq!(targets(&check(&inv, &[]).1, "pipl-21-contract"), ["send"]);
}

#[test]
fn pipl_21_contract_sdk_targets_the_sdk_once() {
    let mut inv = base();
    push(&mut inv, "systems", json!({"id": "web", "name": "Web", "country": "CN"}));
    push(
        &mut inv,
        "flows",
        json!({"id": "collect-web", "from": "users", "to": "web", "fields": ["phone"], "purpose": "login"}),
    );
    push(
        &mut inv,
        "parties",
        json!({"id": "umeng", "name": "Umeng", "country": "CN", "role": "processor", "contact": "x"}),
    );
    push(
        &mut inv,
        "sdks",
        json!({"id": "umeng-sdk", "name": "Umeng", "vendor": "umeng", "in": ["app", "web"], "fields": ["phone"], "purpose": "login"}),
    );
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "pipl-21-contract"), ["umeng-sdk"]);
    get(&mut inv, "parties", "umeng")["contract"] = json!("DPA-2");
    assert!(targets(&check(&inv, &[]).1, "pipl-21-contract").is_empty());
}

#[test]
fn pipl_21_subentrust() {
    let mut inv = base();
    push(
        &mut inv,
        "parties",
        json!({"id": "cloud", "name": "Cloud", "country": "CN", "role": "processor", "contract": "DPA-3"}),
    );
    push(
        &mut inv,
        "flows",
        json!({"id": "onward", "from": "sms", "to": "cloud", "fields": ["phone"], "purpose": "login"}),
    );
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "pipl-21-subentrust"), ["onward"]);
    get(&mut inv, "parties", "sms")["subprocessors"] = json!(["cloud"]);
    assert!(targets(&check(&inv, &[]).1, "pipl-21-subentrust").is_empty());
}

fn provide_case() -> Value {
    let mut inv = with_consent_purpose(json!(["c"]));
    push(&mut inv, "consents", json!({"id": "c", "name": "Box", "kind": "general", "for": ["processing"]}));
    push(&mut inv, "parties", json!({"id": "partner", "name": "Partner", "country": "CN", "role": "controller"}));
    push(&mut inv, "parties", json!({"id": "other", "name": "Other", "country": "CN", "role": "controller"}));
    push(
        &mut inv,
        "flows",
        json!({"id": "give", "from": "app", "to": "partner", "fields": ["phone"], "purpose": "mkt"}),
    );
    push(
        &mut inv,
        "flows",
        json!({"id": "give2", "from": "app", "to": "other", "fields": ["phone"], "purpose": "mkt"}),
    );
    inv
}

#[test]
fn pipl_23_provide() {
    let mut inv = provide_case();
    assert_eq!(targets(&check(&inv, &[]).1, "pipl-23-provide"), ["give", "give2"]);
    push(
        &mut inv,
        "consents",
        json!({"id": "p", "name": "Share dialog", "kind": "separate", "for": ["provide"], "recipients": ["partner"]}),
    );
    get(&mut inv, "purposes", "mkt")["consents"] = json!(["c", "p"]);
    // The recipients limit covers `partner` only.
    assert_eq!(targets(&check(&inv, &[]).1, "pipl-23-provide"), ["give2"]);
    // A contract basis needs no consent to provide.
    get(&mut inv, "flows", "give2")["basis"] = json!("contract");
    assert!(targets(&check(&inv, &[]).1, "pipl-23-provide").is_empty());
}

#[test]
fn pipl_25_disclose() {
    let mut inv = base();
    push(&mut inv, "parties", json!({"id": "public", "name": "The public", "country": "CN", "role": "public"}));
    push(
        &mut inv,
        "flows",
        json!({"id": "publish", "from": "app", "to": "public", "fields": ["phone"], "purpose": "login"}),
    );
    assert_eq!(targets(&check(&inv, &[]).1, "pipl-25-disclose"), ["publish"]);
    get(&mut inv, "flows", "publish")["basis"] = json!("legal-obligation");
    assert!(targets(&check(&inv, &[]).1, "pipl-25-disclose").is_empty());
    get(&mut inv, "flows", "publish").as_object_mut().unwrap().remove("basis");
    push(&mut inv, "consents", json!({"id": "d", "name": "Publish?", "kind": "separate", "for": ["disclose"]}));
    get(&mut inv, "flows", "publish")["consents"] = json!(["d"]);
    assert!(targets(&check(&inv, &[]).1, "pipl-25-disclose").is_empty());
}

#[test]
fn pipl_38_non_sensitive_boundaries() {
    let r = check(&export("US", &["phone"], 99_999), &[]).1;
    assert!(targets(&r, "pipl-38-mechanism").is_empty());
    let note = findings(&r, "pipl-38-exempt");
    assert_eq!(note.len(), 1);
    // Once, for the organization, with the arithmetic and the flows exempt by each reason.
    assert_eq!(note[0]["target"], "acme");
    assert_eq!(note[0]["data"]["N"], 99_999);
    assert_eq!(note[0]["data"]["tier"], "none");
    assert_eq!(note[0]["data"]["exempt"], json!({"Art. 5(4)": 1}));
    assert_eq!(note[0]["data"]["flows"], json!({"Art. 5(4)": ["exp"]}));

    let r = check(&export("US", &["phone"], 100_000), &[]).1;
    assert_eq!(targets(&r, "pipl-38-mechanism"), ["exp"]);
    let f = findings(&r, "pipl-38-mechanism")[0];
    assert_eq!(f["data"]["tier"]["tier"], "standard-contract");
    assert!(f["message"].as_str().unwrap().contains("N = 100,000"), "{}", f["message"]);

    let mut inv = export("US", &["phone"], 999_999);
    mechanism(&mut inv, "cn-standard-contract", None);
    assert!(targets(&check(&inv, &[]).1, "pipl-38-mechanism").is_empty());

    let mut inv = export("US", &["phone"], 1_000_000);
    mechanism(&mut inv, "cn-standard-contract", None);
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "pipl-38-mechanism"), ["exp"]);
    assert_eq!(findings(&r, "pipl-38-mechanism")[0]["data"]["tier"]["tier"], "security-assessment");

    let mut inv = export("US", &["phone"], 1_000_000);
    mechanism(&mut inv, "cn-security-assessment", None);
    assert!(targets(&check(&inv, &[]).1, "pipl-38-mechanism").is_empty());
}

#[test]
fn pipl_38_sensitive_boundaries() {
    // S = 1: any sensitive PI needs at least a standard contract.
    let r = check(&export("US", &["idno"], 1), &[]).1;
    assert_eq!(targets(&r, "pipl-38-mechanism"), ["exp"]);
    assert_eq!(findings(&r, "pipl-38-mechanism")[0]["data"]["tier"]["S"], 1);

    let mut inv = export("US", &["idno"], 9_999);
    mechanism(&mut inv, "cn-certification", None);
    assert!(targets(&check(&inv, &[]).1, "pipl-38-mechanism").is_empty());

    let mut inv = export("US", &["idno"], 10_000);
    mechanism(&mut inv, "cn-standard-contract", None);
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "pipl-38-mechanism"), ["exp"]);
    assert_eq!(findings(&r, "pipl-38-mechanism")[0]["data"]["tier"]["S"], 10_000);
}

#[test]
fn pipl_38_s_zero_is_exempt_and_unknown_volume_counts_one() {
    // S = 0 and small N: exempt.
    let r = check(&export("US", &["phone"], 10), &[]).1;
    assert_eq!(findings(&r, "pipl-38-exempt")[0]["data"]["S"], 0);
    // Sensitive PI with no volume anywhere: S counts as 1, never as 0.
    let mut inv = export("US", &["idno"], 0);
    get(&mut inv, "flows", "exp").as_object_mut().unwrap().remove("volume");
    get(&mut inv, "subjects", "users").as_object_mut().unwrap().remove("volume");
    let r = check(&inv, &[]).1;
    let f = findings(&r, "pipl-38-mechanism");
    assert_eq!(f.len(), 1);
    assert_eq!(f[0]["data"]["tier"]["S"], 1);
    assert_eq!(f[0]["data"]["tier"]["s_counted_as_one"], true);
}

#[test]
fn pipl_38_volume_from_subjects_when_flow_has_none() {
    let mut inv = export("US", &["phone"], 0);
    get(&mut inv, "flows", "exp").as_object_mut().unwrap().remove("volume");
    get(&mut inv, "subjects", "users")["volume"] = json!(100_000);
    assert_eq!(targets(&check(&inv, &[]).1, "pipl-38-mechanism"), ["exp"]);
    get(&mut inv, "subjects", "users")["volume"] = json!(99_999);
    assert!(targets(&check(&inv, &[]).1, "pipl-38-mechanism").is_empty());
}

#[test]
fn pipl_38_hk_mo_tw_are_abroad() {
    for cc in ["HK", "MO", "TW"] {
        let r = check(&export(cc, &["idno"], 5), &[]).1;
        assert_eq!(targets(&r, "pipl-38-mechanism"), ["exp"], "{cc} is outside CN for PIPL");
    }
    let r = check(&export("CN", &["idno"], 5), &[]).1;
    assert!(targets(&r, "pipl-38-mechanism").is_empty());
    assert!(findings(&r, "pipl-38-exempt").is_empty(), "no export, no note");
}

#[test]
fn pipl_38_own_system_abroad_is_export() {
    let mut inv = base();
    push(
        &mut inv,
        "fields",
        json!({"id": "idno", "name": "ID", "category": "identity.national-id", "retention": "P1Y"}),
    );
    get(&mut inv, "flows", "collect")["fields"] = json!(["phone", "idno"]);
    push(&mut inv, "systems", json!({"id": "sg-db", "name": "Singapore DB", "country": "SG"}));
    push(
        &mut inv,
        "flows",
        json!({"id": "replicate", "from": "app", "to": "sg-db", "fields": ["idno"], "purpose": "login", "basis": "legal-obligation"}),
    );
    assert_eq!(targets(&check(&inv, &[]).1, "pipl-38-mechanism"), ["replicate"]);
}

#[test]
fn pipl_38_expired_mechanism_counts_as_absent() {
    let mut inv = export("US", &["idno"], 5);
    mechanism(&mut inv, "cn-standard-contract", Some("2026-05-31"));
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "pipl-38-mechanism"), ["exp"]);
    assert_eq!(targets(&r, "inv-mechanism-expired"), ["mech"]);
    let mut inv = export("US", &["idno"], 5);
    mechanism(&mut inv, "cn-standard-contract", Some("2026-06-01"));
    let r = check(&inv, &[]).1;
    assert!(targets(&r, "pipl-38-mechanism").is_empty(), "valid through its last day");
    assert!(targets(&r, "inv-mechanism-expired").is_empty());
}

#[test]
fn pipl_38_mechanism_by_country_and_wrong_kind() {
    let mut inv = export("US", &["idno"], 5);
    push(&mut inv, "mechanisms", json!({"id": "scc", "kind": "eu-scc", "to": ["US"]}));
    assert_eq!(targets(&check(&inv, &[]).1, "pipl-38-mechanism"), ["exp"], "an EU SCC is not a PIPL mechanism");
    push(&mut inv, "mechanisms", json!({"id": "sc", "kind": "cn-standard-contract", "to": ["US"]}));
    assert!(targets(&check(&inv, &[]).1, "pipl-38-mechanism").is_empty());
}

#[test]
fn pipl_38_contract_basis_and_ciio() {
    let mut inv = export("US", &["idno"], 50_000);
    get(&mut inv, "flows", "exp")["basis"] = json!("contract");
    let r = check(&inv, &[]).1;
    assert!(targets(&r, "pipl-38-mechanism").is_empty());
    assert!(findings(&r, "pipl-38-exempt")[0]["message"].as_str().unwrap().contains("Art. 5(1)"));

    let mut inv = export("US", &["phone"], 10);
    inv["organization"]["ciio"] = json!(true);
    mechanism(&mut inv, "cn-standard-contract", None);
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "pipl-38-mechanism"), ["exp"], "a CIIO needs a security assessment");
}

#[test]
fn pipl_39_consent() {
    let mut inv = export("US", &["phone"], 10);
    get(&mut inv, "purposes", "support")["basis"] = json!("consent");
    push(&mut inv, "consents", json!({"id": "c", "name": "Box", "kind": "general", "for": ["processing"]}));
    get(&mut inv, "purposes", "support")["consents"] = json!(["c"]);
    assert_eq!(targets(&check(&inv, &[]).1, "pipl-39-consent"), ["exp"]);
    push(
        &mut inv,
        "consents",
        json!({"id": "x", "name": "Export dialog", "kind": "separate", "for": ["cross-border"], "recipients": ["someone-else"]}),
    );
    push(
        &mut inv,
        "parties",
        json!({"id": "someone-else", "name": "Else", "country": "US", "role": "processor", "contract": "D"}),
    );
    get(&mut inv, "flows", "exp")["consents"] = json!(["x"]);
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "pipl-39-consent"), ["exp"], "recipients do not include `abroad`");
    get(&mut inv, "consents", "x")["recipients"] = json!(["abroad"]);
    assert!(targets(&check(&inv, &[]).1, "pipl-39-consent").is_empty());
}

#[test]
fn pipl_39_recipient() {
    let mut inv = export("US", &["phone"], 10);
    get(&mut inv, "parties", "abroad").as_object_mut().unwrap().remove("contact");
    assert_eq!(targets(&check(&inv, &[]).1, "pipl-39-recipient"), ["abroad"]);
    assert!(targets(&check(&export("US", &["phone"], 10), &[]).1, "pipl-39-recipient").is_empty());
}

#[test]
fn pipl_41_foreign_authority() {
    let mut inv = base();
    push(
        &mut inv,
        "purposes",
        json!({"id": "court", "name": "Court order", "basis": "legal-obligation", "assessment": "PIA"}),
    );
    push(
        &mut inv,
        "parties",
        json!({"id": "us-court", "name": "US court", "country": "US", "role": "authority", "contact": "clerk"}),
    );
    push(&mut inv, "parties", json!({"id": "cn-police", "name": "Police", "country": "CN", "role": "authority"}));
    push(
        &mut inv,
        "flows",
        json!({"id": "to-us", "from": "app", "to": "us-court", "fields": ["phone"], "purpose": "court", "volume": 1}),
    );
    push(
        &mut inv,
        "flows",
        json!({"id": "to-cn", "from": "app", "to": "cn-police", "fields": ["phone"], "purpose": "court"}),
    );
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "pipl-41-foreign-authority"), ["to-us"]);
}

#[test]
fn pipl_52_officer() {
    let mut inv = base();
    inv["organization"].as_object_mut().unwrap().remove("officer");
    get(&mut inv, "subjects", "users")["volume"] = json!(999_999);
    assert!(targets(&check(&inv, &[]).1, "pipl-52-officer").is_empty(), "1,000,000 is needed");
    // 100万人以上: 以上 includes the number itself.
    get(&mut inv, "subjects", "users")["volume"] = json!(1_000_000);
    assert_eq!(targets(&check(&inv, &[]).1, "pipl-52-officer"), ["acme"]);
    inv["organization"]["officer"] = json!("Han Meimei");
    assert!(targets(&check(&inv, &[]).1, "pipl-52-officer").is_empty());
}

#[test]
fn pipl_53_representative() {
    let mut inv = base();
    inv["organization"]["country"] = json!("SG");
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "pipl-53-representative"), ["acme"]);
    inv["organization"]["representative"] = json!("Acme Beijing Rep Office");
    assert!(targets(&check(&inv, &[]).1, "pipl-53-representative").is_empty());
}

#[test]
fn pipl_55_assessment() {
    let mut inv = base();
    get(&mut inv, "purposes", "login").as_object_mut().unwrap().remove("assessment");
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "pipl-55-assessment"), ["login"], "entrusting to the SMS processor needs a PIPIA");
    // Collection and internal use of non-sensitive data alone need none.
    let mut inv = base();
    push(&mut inv, "purposes", json!({"id": "stats", "name": "Stats", "basis": "contract"}));
    push(&mut inv, "flows", json!({"id": "s", "from": "users", "to": "app", "fields": ["phone"], "purpose": "stats"}));
    assert!(targets(&check(&inv, &[]).1, "pipl-55-assessment").is_empty());
    get(&mut inv, "purposes", "stats")["automated_decision"] = json!(true);
    assert_eq!(targets(&check(&inv, &[]).1, "pipl-55-assessment"), ["stats"]);
}

#[test]
fn regime_filter_and_fail_on() {
    let mut inv = base();
    get(&mut inv, "purposes", "login")["basis"] = json!("legitimate-interests");
    let (code, r) = check(&inv, &["--regime", "GDPR"]);
    assert!(targets(&r, "pipl-13-basis").is_empty());
    assert_eq!(code, 0);
    // A warning fails only with --fail-on warning.
    let mut inv = base();
    push(&mut inv, "fields", json!({"id": "unused", "name": "U", "category": "other", "retention": "P1Y"}));
    assert_eq!(check(&inv, &[]).0, 0);
    assert_eq!(check(&inv, &["--fail-on", "warning"]).0, 1);
    assert_eq!(check(&inv, &["--fail-on", "note"]).0, 1);
}

#[test]
fn pipl_38_volume_unknown_is_no_exemption() {
    // No volume on the flow or its subjects: unknown, not zero. No exemption is stated.
    let mut inv = export("US", &["phone"], 0);
    get(&mut inv, "flows", "exp").as_object_mut().unwrap().remove("volume");
    get(&mut inv, "subjects", "users").as_object_mut().unwrap().remove("volume");
    let r = check(&inv, &[]).1;
    assert_eq!(targets(&r, "pipl-38-volume-unknown"), ["exp"]);
    assert!(findings(&r, "pipl-38-exempt").is_empty(), "an exemption may not rest on a missing number");
    assert!(targets(&r, "pipl-38-mechanism").is_empty(), "the lower bounds require nothing yet");
    let msg = findings(&r, "pipl-38-volume-unknown")[0]["message"].as_str().unwrap().to_owned();
    assert!(msg.contains("N ≥ 0"), "{msg}");
    // Near miss: the flow's own volume settles it, and the exemption is stated.
    get(&mut inv, "flows", "exp")["volume"] = json!(99_999);
    let r = check(&inv, &[]).1;
    assert!(targets(&r, "pipl-38-volume-unknown").is_empty());
    assert_eq!(findings(&r, "pipl-38-exempt").len(), 1);
    // Known figures already over a threshold: the mechanism is required on the lower bound.
    let mut inv = export("US", &["phone"], 100_000);
    push(&mut inv, "subjects", json!({"id": "guests", "name": "Guests", "country": "CN"}));
    push(
        &mut inv,
        "flows",
        json!({"id": "guest-in", "from": "guests", "to": "app", "fields": ["phone"], "purpose": "support"}),
    );
    push(
        &mut inv,
        "flows",
        json!({"id": "guest-out", "from": "app", "to": "abroad", "fields": ["phone"], "purpose": "support"}),
    );
    let r = check(&inv, &[]).1;
    assert!(
        targets(&r, "pipl-38-volume-unknown").contains(&"guest-out".to_owned()),
        "{:?}",
        targets(&r, "pipl-38-volume-unknown")
    );
    assert!(targets(&r, "pipl-38-mechanism").contains(&"exp".to_owned()));
}
