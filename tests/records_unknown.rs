//! The records of processing say only what the inventory supports: an unstated CIIO status or
//! officer is "not stated" (never "no"), an undeclared head-count is "not declared" (never 0), no
//! exemption is claimed from a missing number, and each row carries its entities' descriptions.

mod common;
use common::*;
use serde_json::{Value, json};
use std::path::Path;

/// `piflow report` of `inv` in `lang`, as CSV tables: (organization.csv, ropa-pipl.csv).
fn records(inv: &Value, lang: &str) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inv.json");
    std::fs::write(&path, serde_json::to_string_pretty(inv).unwrap()).unwrap();
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("out");
    let (code, _, err) = piflow(&[
        "report",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--as-of",
        "2026-06-01",
        "--lang",
        lang,
    ]);
    assert_eq!(code, 0, "{err}");
    let read = |f: &str| std::fs::read_to_string(Path::new(&out).join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
    (read("organization.csv"), read("ropa-pipl.csv"))
}

/// The cell of `column` in the row starting with `first`, from a CSV table.
fn cell(table: &str, first: &str, column: &str) -> String {
    let mut rdr = csv::Reader::from_reader(table.as_bytes());
    let header = rdr.headers().unwrap().clone();
    let col = header.iter().position(|h| h == column).unwrap_or_else(|| panic!("no column {column}: {header:?}"));
    for row in rdr.records() {
        let row = row.unwrap();
        if row.get(0).is_some_and(|c| c.starts_with(first)) {
            return row.get(col).unwrap().to_owned();
        }
    }
    panic!("no row {first} in {table}")
}

/// An export to the US whose people are not counted.
fn unknown_export() -> Value {
    let mut inv = base();
    inv["organization"].as_object_mut().unwrap().remove("officer");
    get(&mut inv, "subjects", "users").as_object_mut().unwrap().remove("volume");
    push(
        &mut inv,
        "parties",
        json!({"id": "us", "name": "US Inc", "country": "US", "role": "processor", "contract": "D", "contact": "c"}),
    );
    push(&mut inv, "purposes", json!({"id": "sup", "name": "Support", "basis": "legal-obligation", "assessment": "P"}));
    push(&mut inv, "flows", json!({"id": "exp", "from": "app", "to": "us", "fields": ["phone"], "purpose": "sup"}));
    inv
}

#[test]
fn unstated_is_not_stated_and_undeclared_is_not_declared() {
    let (org, ropa) = records(&unknown_export(), "en");
    assert_eq!(cell(&org, "Critical information", "Value"), "not stated");
    assert_eq!(cell(&org, "PI protection officer", "Value"), "not stated");
    assert_eq!(cell(&org, "Individuals", "Value"), "not declared");
    assert_eq!(cell(&ropa, "Support", "Individuals"), "Users (head-count not declared)");
    // No exemption or tier from the missing number.
    let tier = cell(&ropa, "Support", "Export tier");
    assert!(tier.contains("cannot be decided") && tier.contains("N ≥ 0"), "{tier}");
    assert!(!ropa.contains("no mechanism needed"), "{ropa}");
    assert!(!cell(&ropa, "Support", "Findings").contains("pipl-38-exempt"));
    // Chinese.
    let (org, ropa) = records(&unknown_export(), "zh");
    assert_eq!(cell(&org, "关键信息基础设施运营者", "内容"), "未说明");
    assert_eq!(cell(&org, "个人信息保护负责人", "内容"), "未说明");
    assert_eq!(cell(&org, "个人信息主体总数", "内容"), "未申报");
    assert!(ropa.contains("人数未申报"), "{ropa}");
    assert!(!ropa.contains("第五条第四项"), "{ropa}");
}

#[test]
fn stated_values_are_shown_and_a_known_exemption_states_its_assumption() {
    let mut inv = unknown_export();
    inv["organization"]["officer"] = json!("Li Lei");
    get(&mut inv, "subjects", "users")["volume"] = json!(1000);
    let (org, ropa) = records(&inv, "en");
    assert_eq!(cell(&org, "PI protection officer", "Value"), "Li Lei");
    assert_eq!(cell(&org, "Individuals", "Value"), "1000");
    let tier = cell(&ropa, "Support", "Export tier");
    assert!(tier.contains("N = 1000") && tier.contains("no mechanism needed"), "{tier}");
    assert!(tier.contains("assuming the organization is not a CIIO"), "{tier}");
    assert!(cell(&ropa, "Support", "Findings").contains("pipl-38-exempt"), "the note lists this row's flow");
    assert!(!cell(&ropa, "Login", "Findings").contains("pipl-38-exempt"), "a row that exports nothing");
    assert!(cell(&ropa, "Support", "Individuals").contains("1000 individuals"));
    inv["organization"]["ciio"] = json!(false);
    let (org, ropa) = records(&inv, "en");
    assert_eq!(cell(&org, "Critical information", "Value"), "no");
    assert!(!cell(&ropa, "Support", "Export tier").contains("assuming"));
}

#[test]
fn important_data_is_never_shown_as_exempt() {
    let mut inv = unknown_export();
    get(&mut inv, "subjects", "users")["volume"] = json!(1000);
    get(&mut inv, "flows", "exp")["basis"] = json!("contract");
    let (_, ropa) = records(&inv, "en");
    assert_eq!(cell(&ropa, "Support", "Export tier"), "exempt (Art. 5(1)-(3))");
    get(&mut inv, "fields", "phone")["important"] = json!(true);
    let (_, ropa) = records(&inv, "en");
    let tier = cell(&ropa, "Support", "Export tier");
    assert!(tier.starts_with("important data: security assessment required") && !tier.contains("exempt"), "{tier}");
}

#[test]
fn the_source_column_carries_each_entitys_description() {
    let mut inv = base();
    get(&mut inv, "purposes", "login")["description"] = json!("§2.1 (line 40)");
    get(&mut inv, "flows", "send")["note"] = json!("§2.4.6 (line 139)");
    get(&mut inv, "parties", "sms")["description"] = json!("Assumption: country from the vendor's site");
    get(&mut inv, "fields", "phone")["description"] = json!("§1 (line 12)");
    let (_, ropa) = records(&inv, "en");
    let source = cell(&ropa, "Login", "Source");
    for part in [
        "purpose login: §2.1 (line 40)",
        "flow send: §2.4.6 (line 139)",
        "party sms: Assumption: country from the vendor's site",
        "field phone: §1 (line 12)",
    ] {
        assert!(source.contains(part), "{part} in {source}");
    }
    let (_, ropa) = records(&base(), "zh");
    assert_eq!(cell(&ropa, "Login", "来源"), "未说明");
}
