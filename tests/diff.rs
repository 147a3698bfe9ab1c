//! `piflow diff`: flows added and removed, new destinations, countries, sensitive fields and
//! cross-border flows, findings introduced and fixed; human, JSON and Markdown; `--fail-on-new`;
//! `--git REV` against the working tree.

mod common;
use common::AS_OF;

use assert_cmd::Command;
use serde_json::{Value, json};
use std::path::Path;

fn old() -> Value {
    json!({
        "piflow": 1,
        "organization": {"id": "acme", "name": "Acme", "country": "CN", "contact": "dpo@acme.example", "officer": "Li Lei"},
        "subjects": [{"id": "users", "name": "Users", "country": "CN", "volume": 1000}],
        "fields": [
            {"id": "phone", "name": "Phone", "category": "contact.phone", "retention": "P1Y"},
            {"id": "idcard", "name": "ID card number", "category": "identity.national-id", "retention": "P1Y"}
        ],
        "systems": [{"id": "app", "name": "App", "country": "CN", "kind": "app"}],
        "parties": [
            {"id": "sms", "name": "SMS Ltd", "country": "CN", "role": "processor", "contact": "sms@example.com"},
            {"id": "old-cdn", "name": "Old CDN", "country": "CN", "role": "processor", "contract": "DPA-0", "contact": "cdn@example.com"}
        ],
        "purposes": [{"id": "login", "name": "Login", "basis": "contract", "assessment": "PIA-1"}],
        "flows": [
            {"id": "collect", "from": "users", "to": "app", "fields": ["phone"], "purpose": "login"},
            {"id": "send", "from": "app", "to": "sms", "fields": ["phone"], "purpose": "login"},
            {"id": "cdn", "from": "app", "to": "old-cdn", "fields": ["phone"], "purpose": "login"}
        ]
    })
}

/// The change under review: the SMS contract is signed (a finding fixed), the CDN flow is gone,
/// and ID numbers now go to a US verification vendor with no contract (new errors).
fn new() -> Value {
    let mut v = old();
    v["parties"][0]["contract"] = json!("DPA-1");
    v["parties"].as_array_mut().unwrap().push(json!({"id": "kyc-us", "name": "KYC <Inc> | US", "country": "US", "role": "processor", "contact": "kyc@example.com"}));
    let flows = v["flows"].as_array_mut().unwrap();
    flows[0]["fields"] = json!(["phone", "idcard"]);
    flows.retain(|f| f["id"] != "cdn");
    flows.push(json!({"id": "verify", "from": "app", "to": "kyc-us", "fields": ["idcard"], "purpose": "login"}));
    v
}

fn write(dir: &Path, name: &str, v: &Value) -> String {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_string_pretty(v).unwrap()).unwrap();
    p.to_str().unwrap().to_owned()
}

fn diff(args: &[&str], cwd: Option<&Path>) -> (i32, String, String) {
    let mut cmd = Command::cargo_bin("piflow").unwrap();
    if let Some(d) = cwd {
        cmd.current_dir(d);
    }
    let out = cmd.arg("diff").args(["--as-of", AS_OF]).args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn json_lists_every_kind_of_change() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (write(dir.path(), "old.json", &old()), write(dir.path(), "new.json", &new()));
    let (code, out, err) = diff(&[&a, &b, "--format", "json"], None);
    assert_eq!(code, 0, "{err}");
    let d: Value = serde_json::from_str(&out).unwrap();
    let d = &d["diff"];
    let ids =
        |k: &str| d[k].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert_eq!(ids("flows_added"), ["verify"]);
    assert_eq!(ids("flows_removed"), ["cdn"]);
    assert_eq!(ids("new_cross_border"), ["verify"]);
    assert_eq!(d["new_destinations"], json!(["kyc-us"]));
    assert_eq!(d["new_countries"], json!(["US"]));
    assert_eq!(d["new_sensitive_fields"], json!(["idcard"]));
    let findings = |k: &str| {
        d[k].as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{} {}", f["code"].as_str().unwrap(), f["target"].as_str().unwrap()))
            .collect::<Vec<_>>()
    };
    let introduced = findings("findings_introduced");
    // The export is exempt (basis contract, CAC 2024 Art. 5: the organization's one note says so)
    // but the processor has no contract; the CDN party left without its flow is now isolated.
    assert_eq!(introduced, ["inv-isolated-node old-cdn", "pipl-21-contract verify", "pipl-38-exempt acme"]);
    assert_eq!(findings("findings_fixed"), ["inv-unused-field idcard", "pipl-21-contract send"]);
}

#[test]
fn fail_on_new_error_exits_1_only_when_errors_are_introduced() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (write(dir.path(), "old.json", &old()), write(dir.path(), "new.json", &new()));
    assert_eq!(diff(&[&a, &b, "--fail-on-new", "error"], None).0, 1);
    // Signing the missing contract only fixes: nothing new at error level.
    let mut fixed = old();
    fixed["parties"][0]["contract"] = json!("DPA-1");
    let c = write(dir.path(), "fixed.json", &fixed);
    let (code, out, _) = diff(&[&a, &c, "--fail-on-new", "error", "--format", "json"], None);
    let d: Value = serde_json::from_str(&out).unwrap();
    assert!(d["diff"]["findings_introduced"].as_array().unwrap().iter().all(|f| f["severity"] != "error"));
    assert_eq!(code, 0);
    // No change at all.
    let (code, out, _) = diff(&[&a, &a, "--fail-on-new", "error"], None);
    assert_eq!(code, 0);
    assert!(out.contains("no change to flows or findings"), "{out}");
}

#[test]
fn markdown_escapes_inventory_names() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (write(dir.path(), "old.json", &old()), write(dir.path(), "new.json", &new()));
    let (_, md, _) = diff(&[&a, &b, "--format", "md"], None);
    assert!(md.starts_with("### piflow: personal-data flow changes"), "{md}");
    assert!(md.contains("#### Flows added"), "{md}");
    // Messages quote ids in backticks; in a table cell they are escaped, not code spans.
    assert!(md.contains("\\`verify\\`"), "{md}");
    assert!(!md.contains(" `verify` "), "{md}");
    assert!(md.contains("#### Findings fixed"), "{md}");
}

#[test]
fn human_output_summarises() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (write(dir.path(), "old.json", &old()), write(dir.path(), "new.json", &new()));
    let (_, out, _) = diff(&[&a, &b], None);
    assert!(out.contains("flows added:\n  + verify (app → kyc-us, entrust; idcard) [cross-border: PIPL]"), "{out}");
    assert!(out.contains("flows removed:\n  - cdn (app → old-cdn, entrust; phone)"), "{out}");
    assert!(out.contains("1 flow added, 1 removed, 1 changed; 3 findings introduced (1 error), 2 fixed"), "{out}");
    assert!(out.contains("flows changed:\n  ~ collect: fields phone → idcard, phone"), "{out}");
}

#[test]
fn git_revision_against_the_working_tree() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    let git = |args: &[&str]| {
        let s = std::process::Command::new("git").current_dir(repo).args(args).output().unwrap();
        assert!(s.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&s.stderr));
    };
    git(&["init", "-q"]);
    std::fs::create_dir(repo.join("inventory")).unwrap();
    write(&repo.join("inventory"), "acme.json", &old());
    git(&["add", "."]);
    git(&["-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "old"]);
    write(&repo.join("inventory"), "acme.json", &new());
    let (code, out, err) =
        diff(&["--git", "HEAD", "inventory", "--format", "json", "--fail-on-new", "error"], Some(repo));
    assert_eq!(code, 1, "{err}");
    let d: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(d["old"], "inventory@HEAD");
    assert_eq!(d["diff"]["flows_added"][0]["id"], "verify");
    // A revision git does not know is a usage error that says so.
    let (code, _, err) = diff(&["--git", "no-such-rev", "inventory"], Some(repo));
    assert_eq!(code, 2);
    assert!(err.contains("no-such-rev"), "{err}");
}

#[test]
fn wrong_arguments_are_usage_errors() {
    let (code, _, err) = diff(&["only-one.json"], None);
    assert_eq!(code, 2);
    assert!(err.contains("piflow diff OLD NEW"), "{err}");
}

/// `old()` with the CDN flow sent to the SMS party instead: same id, same kind, no new
/// destination, no new finding.
fn redirected() -> Value {
    let mut v = old();
    v["flows"][2]["to"] = json!("sms");
    v
}

#[test]
fn a_redirected_flow_is_a_change() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (write(dir.path(), "old.json", &old()), write(dir.path(), "new.json", &redirected()));
    let (code, out, err) = diff(&[&a, &b, "--format", "json"], None);
    assert_eq!(code, 0, "{err}");
    let d: Value = serde_json::from_str(&out).unwrap();
    let changed = &d["diff"]["flows_changed"];
    assert_eq!(changed.as_array().unwrap().len(), 1, "{d:#}");
    assert_eq!(changed[0]["id"], "cdn");
    assert_eq!(changed[0]["changed"], json!(["to"]));
    assert_eq!(changed[0]["before"]["to"], "old-cdn");
    assert_eq!(changed[0]["after"]["to"], "sms");
    let (_, human, _) = diff(&[&a, &b], None);
    assert!(!human.contains("no change"), "{human}");
    assert!(human.contains("~ cdn: destination old-cdn → sms"), "{human}");
    let (_, md, _) = diff(&[&a, &b, "--format", "md"], None);
    assert!(!md.contains("No change"), "{md}");
    assert!(md.contains("#### Flows changed (1)"), "{md}");
    assert!(
        md.contains("| cdn | destination | app → old-cdn (entrust; phone) in CN | app → sms (entrust; phone) in CN |"),
        "{md}"
    );
}

#[test]
fn markdown_renders_without_stray_backslashes() {
    // Characters Markdown treats specially in a path (a code span), an id and a party's name
    // (table cells).
    let dir = tempfile::tempdir().unwrap();
    let mut b = new();
    b["flows"][2]["id"] = json!("verify_1_2");
    let (a, b) = (write(dir.path(), "old_`1`*.json", &old()), write(dir.path(), "new.json", &b));
    let (code, md, err) = diff(&[&a, &b, "--format", "md"], None);
    assert_eq!(code, 0, "{err}");
    // The two sides are code spans: no escapes inside (they would show), fenced past backticks.
    let header = md.lines().nth(2).unwrap();
    assert!(header.starts_with("``") && header.contains("old_`1`*.json``"), "{header}");
    assert!(!header.contains('\\'), "{header}");
    // In table cells text is escaped the GFM way (each escape renders as the character).
    assert!(md.contains("| verify\\_1\\_2 | entrust |"), "{md}");
    assert!(md.contains("(KYC &lt;Inc&gt; \\| US)"), "{md}");
    // Every table row has as many unescaped pipes as its header.
    let mut columns = 0;
    for line in md.lines() {
        if !line.starts_with('|') {
            columns = 0;
            continue;
        }
        let pipes = line.replace("\\|", "").matches('|').count();
        if columns == 0 {
            columns = pipes;
        }
        assert_eq!(pipes, columns, "{line}");
    }
    assert!(md.contains("**1 flow** added, **1** removed, **1** changed"), "{md}");
}

#[test]
fn git_revision_without_the_inventory_adds_every_flow() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    common::git(repo, &["init", "-q"]);
    std::fs::write(repo.join("README"), "before the inventory\n").unwrap();
    common::git(repo, &["add", "."]);
    common::git(repo, &["commit", "-qm", "first"]);
    std::fs::create_dir(repo.join("inventory")).unwrap();
    write(&repo.join("inventory"), "acme.json", &new());
    let (code, out, err) =
        diff(&["--git", "HEAD", "inventory", "--format", "json", "--fail-on-new", "error"], Some(repo));
    // Not exit 2: the change adds the inventory, and its errors are new.
    assert_eq!(code, 1, "{err}");
    let d: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(d["diff"]["inventory_added"], true);
    let added: Vec<&str> =
        d["diff"]["flows_added"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(added, ["collect", "send", "verify"]);
    assert!(d["diff"]["findings_fixed"].as_array().unwrap().is_empty());
    let (code, md, _) = diff(&["--git", "HEAD", "inventory", "--format", "md"], Some(repo));
    assert_eq!(code, 0);
    assert!(md.contains("The inventory is new: `inventory@HEAD` does not exist, so every flow is added."), "{md}");
    // A single-file inventory too.
    let (code, _, err) = diff(&["--git", "HEAD", "inventory/acme.json"], Some(repo));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn git_reads_parts_with_non_ascii_names_and_ignores_a_hook_environment() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path();
    common::git(repo, &["init", "-q"]);
    let inv = repo.join("清单 目录");
    std::fs::create_dir(&inv).unwrap();
    // The flows in a part of their own, with a name git quotes unless asked for NUL-separated output.
    let mut base = old();
    let flows = base.as_object_mut().unwrap().remove("flows").unwrap();
    write(&inv, "组织.json", &base);
    write(&inv, "数据流.json", &json!({"piflow": 1, "flows": flows}));
    common::git(repo, &["add", "."]);
    common::git(repo, &["commit", "-qm", "inventory"]);
    let mut flows = flows;
    flows[2]["to"] = json!("sms");
    write(&inv, "数据流.json", &json!({"piflow": 1, "flows": flows}));
    // As a pre-commit hook runs: GIT_DIR and GIT_INDEX_FILE set relative to the repository.
    let out = Command::cargo_bin("piflow")
        .unwrap()
        .current_dir(repo)
        .env("GIT_DIR", ".git")
        .env("GIT_INDEX_FILE", ".git/index")
        .env("GIT_WORK_TREE", ".")
        .args(["diff", "--as-of", AS_OF, "--git", "HEAD", "清单 目录", "--format", "json"])
        .output()
        .unwrap();
    let (code, out, err) = (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert_eq!(code, 0, "{err}");
    let d: Value = serde_json::from_str(&out).unwrap();
    assert!(d["diff"]["flows_added"].as_array().unwrap().is_empty(), "{d:#}");
    assert_eq!(d["diff"]["flows_changed"][0]["id"], "cdn", "{d:#}");
    // From a subdirectory, the path is relative to it.
    let (code, out, err) = diff(&["--git", "HEAD", ".", "--format", "json"], Some(&inv));
    assert_eq!(code, 0, "{err}");
    let d: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(d["diff"]["flows_changed"][0]["id"], "cdn", "{d:#}");
}
