//! The rule catalogue: codes are unique, and `docs/rules.md` is exactly what
//! `piflow explain --markdown` generates from it (regenerate with
//! `PIFLOW_BLESS=1 cargo test --test catalogue`).

use std::collections::BTreeSet;
use std::path::PathBuf;

#[test]
fn codes_are_unique() {
    let codes = piflow::rules::codes();
    let unique: BTreeSet<_> = codes.iter().collect();
    assert_eq!(unique.len(), codes.len(), "a code appears twice in the catalogue: {codes:?}");
    for c in &codes {
        assert!(piflow::rules::rule(c).is_some_and(|r| r.code == *c));
    }
}

#[test]
fn docs_rules_md_is_generated_from_the_catalogue() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_piflow"))
        .args(["explain", "--markdown"])
        .output()
        .expect("run piflow");
    assert!(out.status.success());
    let generated = String::from_utf8(out.stdout).expect("utf-8");
    assert_eq!(generated, piflow::rules::explain::markdown());
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md");
    if std::env::var_os("PIFLOW_BLESS").is_some() {
        std::fs::write(&path, &generated).expect("write docs/rules.md");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "docs/rules.md is out of step with the catalogue: PIFLOW_BLESS=1 cargo test --test catalogue"
    );
    for code in piflow::rules::codes() {
        assert!(committed.contains(&format!("\n## {code}\n")), "{code} has no section");
    }
}
