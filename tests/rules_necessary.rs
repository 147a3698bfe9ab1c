//! `cn-app-necessary`: a basic function collecting beyond its app type's necessary PI, with the
//! near misses at each condition of the rule (kind of system, app type, basic purpose, collect
//! flow, PIPL applying, the types that need no PI).

mod common;
use common::*;
use serde_json::{Value, json};

/// Base with the app as a ride-hailing app whose login is its basic function, collecting a phone
/// number (necessary) and whatever `extra` fields are given.
fn ride_hailing(extra: &[(&str, &str)]) -> Value {
    let mut inv = base();
    get(&mut inv, "systems", "app")["app_type"] = json!("ride-hailing");
    get(&mut inv, "purposes", "login")["basic"] = json!(true);
    for (id, category) in extra {
        push(&mut inv, "fields", json!({"id": id, "name": id, "category": category, "retention": "P1Y"}));
        get(&mut inv, "flows", "collect")["fields"].as_array_mut().unwrap().push(json!(id));
    }
    inv
}

fn necessary(inv: &Value, args: &[&str]) -> Vec<Value> {
    let (_, r) = check(inv, args);
    findings(&r, "cn-app-necessary").into_iter().cloned().collect()
}

#[test]
fn fires_once_per_flow_naming_every_unnecessary_field() {
    let inv = ride_hailing(&[
        ("idno", "identity.national-id"),
        ("book", "communication.contacts"),
        ("trip", "location.trajectory"),
    ]);
    let (code, r) = check(&inv, &[]);
    assert_eq!(fires(&r, "cn-app-necessary"), ["collect"]);
    assert_eq!(code, 1, "an error");
    let f = &findings(&r, "cn-app-necessary")[0];
    assert_eq!(f["data"]["app_type"], "ride-hailing");
    assert_eq!(
        f["data"]["fields"],
        json!(["idno", "book"]),
        "every unnecessary field, and only those, in the flow's order"
    );
    assert_eq!(f["data"]["categories"], json!(["communication.contacts", "identity.national-id"]));
    assert!(f["message"].as_str().unwrap().contains("网络约车"), "{f}");
}

#[test]
fn necessary_fields_only_is_quiet() {
    let inv = ride_hailing(&[("trip", "location.trajectory"), ("pay", "financial.payment")]);
    assert!(necessary(&inv, &[]).is_empty());
}

#[test]
fn near_misses_on_each_condition() {
    let extra = [("idno", "identity.national-id")];
    // Not the basic function: a purpose the user may decline.
    let mut inv = ride_hailing(&extra);
    get(&mut inv, "purposes", "login")["basic"] = json!(false);
    assert!(necessary(&inv, &[]).is_empty());
    get(&mut inv, "purposes", "login").as_object_mut().unwrap().remove("basic");
    assert!(necessary(&inv, &[]).is_empty(), "basic absent = not basic");
    // No app type declared.
    let mut inv = ride_hailing(&extra);
    get(&mut inv, "systems", "app").as_object_mut().unwrap().remove("app_type");
    assert!(necessary(&inv, &[]).is_empty());
    // A mini-program is an app for the Provisions.
    let mut inv = ride_hailing(&extra);
    get(&mut inv, "systems", "app")["kind"] = json!("mini-program");
    assert_eq!(necessary(&inv, &[]).len(), 1);
    // Not a collection: the same fields passed on internally.
    let mut inv = ride_hailing(&[]);
    push(
        &mut inv,
        "fields",
        json!({"id": "idno", "name": "ID", "category": "identity.national-id", "retention": "P1Y"}),
    );
    push(&mut inv, "systems", json!({"id": "db", "name": "DB", "country": "CN", "kind": "database"}));
    push(&mut inv, "flows", json!({"id": "in", "from": "users", "to": "db", "fields": ["idno"], "purpose": "login"}));
    push(&mut inv, "flows", json!({"id": "back", "from": "db", "to": "app", "fields": ["idno"], "purpose": "login"}));
    assert!(necessary(&inv, &[]).is_empty(), "into a database, then internal: not the app's collection");
}

#[test]
fn a_type_that_needs_no_pi_may_collect_none_for_its_basic_function() {
    let mut inv = ride_hailing(&[]);
    get(&mut inv, "systems", "app")["app_type"] = json!("browser");
    assert_eq!(fires(&check(&inv, &[]).1, "cn-app-necessary"), ["collect"]);
    let f = &necessary(&inv, &[])[0];
    assert_eq!(f["data"]["fields"], json!(["phone"]), "even the phone number");
    assert!(f["message"].as_str().unwrap().contains("needs no personal information"), "{f}");
}

#[test]
fn only_where_pipl_applies() {
    let inv = ride_hailing(&[("idno", "identity.national-id")]);
    assert!(necessary(&inv, &["--regime", "GDPR"]).is_empty());
    // A German company's app for people in Germany: PIPL does not apply (Art. 3).
    let mut eu = inv.clone();
    eu["organization"]["country"] = json!("DE");
    get(&mut eu, "subjects", "users")["country"] = json!("DE");
    get(&mut eu, "systems", "app")["country"] = json!("DE");
    get(&mut eu, "parties", "sms")["country"] = json!("DE");
    assert!(necessary(&eu, &[]).is_empty());
}

#[test]
fn explain_prints_the_provisions_wording_beside_the_mapping() {
    let (code, out, _) = piflow(&["explain", "cn-app-necessary"]);
    assert_eq!(code, 0);
    assert!(out.contains("注册用户移动电话号码 → contact.phone"), "{out}");
    assert!(out.contains("21. 女性健康 `womens-health`"), "{out}");
    assert!(out.contains("condition: "), "conditions are shown");
}
