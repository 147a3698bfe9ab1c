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

/// Every code has a test that fails unless the rule fires. A test says so in one of the ways the
/// rule tests use: `fires(&report, "CODE")` (tests/common), `assert_eq!(targets(&report, "CODE"),
/// ["…"])` with a non-empty list, `findings(&report, "CODE")[0]` (panics when nothing fired), or an
/// expected finding line `"CODE target file:line"` (tests/declared.rs). A code added to the
/// catalogue without such a test fails here.
#[test]
fn every_code_has_a_test_that_fires_it() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut sources = String::new();
    for entry in std::fs::read_dir(&dir).expect("tests/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "rs") {
            // Joined with spaces so a call split over lines still reads as one.
            let text = std::fs::read_to_string(&path).expect("read test");
            sources.push_str(&text.split_whitespace().collect::<Vec<_>>().join(" "));
            sources.push('\n');
        }
    }
    let fired = |code: &str| {
        let quoted = format!("\"{code}\"");
        sources.match_indices(&quoted).any(|(at, _)| {
            let (before, after) = (&sources[..at], &sources[at + quoted.len()..]);
            let Some(open) = enclosing_open_paren(before) else { return false };
            let callee = before[..open].rsplit(|c: char| !(c.is_alphanumeric() || c == '_' || c == '!')).next();
            let prefix = &before[..open];
            match callee {
                Some("fires") => true,
                Some("targets") => prefix.ends_with("assert_eq!(targets") && after.starts_with("), [\""),
                Some("findings") => after.starts_with(")[0]"),
                _ => false,
            }
        }) || sources.contains(&format!("\"{code} "))
    };
    let missing: Vec<_> = piflow::rules::codes().into_iter().filter(|c| !fired(c)).collect();
    assert!(missing.is_empty(), "no test fires these codes: {missing:?}");
}

/// `notice-check` reports exactly the catalogue's `notice` entries, recognised by their prefix.
#[test]
fn notice_rules_are_the_notice_family() {
    use piflow::rules::catalogue::notice;
    let family = [
        &notice::HANDLER,
        &notice::FIELD_UNMENTIONED,
        &notice::FIELD_EXTRA,
        &notice::RECIPIENT_UNNAMED,
        &notice::SDK_UNNAMED,
        &notice::CROSS_BORDER_UNDISCLOSED,
        &notice::CROSS_BORDER_EXTRA,
        &notice::SENSITIVE_NO_STATEMENT,
        &notice::RETENTION_MISSING,
        &notice::CHILDREN_MISSING,
    ];
    let mut by_prefix: Vec<_> =
        piflow::rules::catalogue().filter(|r| piflow::rules::notice::is_notice_rule(r)).map(|r| r.code).collect();
    let mut listed: Vec<_> = family.iter().map(|r| r.code).collect();
    by_prefix.sort_unstable();
    listed.sort_unstable();
    assert_eq!(by_prefix, listed);
}

/// Where the call around the end of `before` opens: the last `(` not closed before the end.
fn enclosing_open_paren(before: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in before.char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' if depth == 0 => return Some(i),
            '(' => depth -= 1,
            _ => {}
        }
    }
    None
}
