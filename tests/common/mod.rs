//! Helpers for integration tests: build inventories as JSON values, check them in-process (rule
//! tests) or run the real `piflow` binary on them (CLI behaviour), and read the JSON output.
#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::{Value, json};
use std::path::Path;

/// A clean inventory that gives no finding: a CN organization with an officer, users in CN,
/// a phone number collected into an app and entrusted to an SMS processor under contract.
pub fn base() -> Value {
    json!({
        "piflow": 1,
        "organization": {"id": "acme", "name": "Acme", "country": "CN", "contact": "dpo@acme.example", "officer": "Li Lei"},
        "subjects": [{"id": "users", "name": "Users", "country": "CN", "volume": 1000}],
        "fields": [{"id": "phone", "name": "Phone", "category": "contact.phone", "retention": "P1Y"}],
        "systems": [{"id": "app", "name": "App", "country": "CN", "kind": "app"}],
        "parties": [{"id": "sms", "name": "SMS Ltd", "country": "CN", "role": "processor", "contract": "DPA-1", "contact": "sms@example.com"}],
        "purposes": [{"id": "login", "name": "Login", "basis": "contract", "assessment": "PIA-1"}],
        "flows": [
            {"id": "collect", "from": "users", "to": "app", "fields": ["phone"], "purpose": "login"},
            {"id": "send", "from": "app", "to": "sms", "fields": ["phone"], "purpose": "login"}
        ]
    })
}

/// Append `item` to the array `key` of `inv`.
pub fn push(inv: &mut Value, key: &str, item: Value) {
    let obj = inv.as_object_mut().expect("inventory is an object");
    obj.entry(key).or_insert_with(|| json!([])).as_array_mut().expect("array").push(item);
}

/// The entity with this id in array `key`, to modify in place.
pub fn get<'a>(inv: &'a mut Value, key: &str, id: &str) -> &'a mut Value {
    inv[key].as_array_mut().expect("array").iter_mut().find(|v| v["id"] == id).expect("entity exists")
}

/// The day every rule test judges on, unless it passes its own `--as-of`.
pub const AS_OF: &str = "2026-06-01";

/// Check the inventory in-process (`load` + `rules::check`, rendered by `report::json`) as
/// `piflow check --format json --as-of 2026-06-01 ARGS` would; returns the exit code the binary
/// would give and the parsed JSON report. ARGS may be `--as-of`, `--regime`, `--adequate`,
/// `--fail-on`. An inventory that does not load goes through the real binary, so the test sees
/// its load-error output. `in_process_check_matches_the_binary` (tests/output.rs) holds the two
/// paths to the same report.
pub fn check(inv: &Value, args: &[&str]) -> (i32, Value) {
    use piflow::finding::{Severity, Summary};
    use piflow::rules::Context;
    let text = serde_json::to_string_pretty(inv).expect("json");
    let opts =
        piflow::load::LoadOptions { rule_codes: piflow::rules::codes(), release_text: true, ..Default::default() };
    let Ok(loaded) = piflow::load::load_str("inv.json", &text, &opts) else {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("inv.json");
        std::fs::write(&path, text).expect("write");
        return check_path(&path, args);
    };
    let mut ctx = Context { as_of: AS_OF.parse().expect("date"), adequate: None, only: None };
    let mut fail_on = Severity::Error;
    let mut rest = args.iter();
    while let Some(&flag) = rest.next() {
        let value = *rest.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag {
            "--as-of" => ctx.as_of = value.parse().expect("--as-of date"),
            "--regime" => ctx.only = Some(piflow::model::Regime::parse(value).expect("regime")),
            "--adequate" => ctx.adequate = Some(value.split(',').map(|c| c.trim().to_ascii_uppercase()).collect()),
            "--fail-on" => {
                fail_on = match value {
                    "error" => Severity::Error,
                    "warning" => Severity::Warning,
                    "note" => Severity::Note,
                    other => panic!("--fail-on {other}"),
                }
            }
            other => panic!("in-process check does not know {other}: use check_path for CLI options"),
        }
    }
    let graph = piflow::graph::FlowGraph::build(&loaded.inventory);
    let findings = piflow::rules::check(&graph, &ctx);
    let run =
        piflow::report::Run { findings: &findings, sources: &loaded.sources, as_of: ctx.as_of, inventory: "inv.json" };
    let report: Value = serde_json::from_str(&piflow::report::json::render(&run)).expect("report is JSON");
    (i32::from(Summary::of(&findings).fails(fail_on)), report)
}

/// Run the real `piflow check --format json --as-of 2026-06-01 ARGS` on the file at `path`
/// (ARGS may give another `--as-of`); returns the exit code and the parsed JSON report.
pub fn check_path(path: &Path, args: &[&str]) -> (i32, Value) {
    let as_of: &[&str] = if args.contains(&"--as-of") { &[] } else { &["--as-of", AS_OF] };
    let out = Command::cargo_bin("piflow")
        .expect("binary")
        .arg("check")
        .arg(path)
        .args(["--format", "json"])
        .args(as_of)
        .args(args)
        .output()
        .expect("run");
    let code = out.status.code().expect("exit code");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("not JSON ({e}): {}\n{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
    });
    (code, report)
}

/// Targets of unwaived findings with this code.
pub fn targets(report: &Value, code: &str) -> Vec<String> {
    findings(report, code)
        .iter()
        .filter(|f| f["waived"] == false)
        .map(|f| f["target"].as_str().unwrap_or("").to_owned())
        .collect()
}

pub fn findings<'a>(report: &'a Value, code: &str) -> Vec<&'a Value> {
    report["findings"].as_array().expect("findings").iter().filter(|f| f["code"] == code).collect()
}

/// All codes reported (unwaived), sorted and deduplicated.
pub fn codes(report: &Value) -> Vec<String> {
    let mut c: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["waived"] == false)
        .map(|f| f["code"].as_str().unwrap_or("").to_owned())
        .collect();
    c.dedup();
    c
}

/// Run `piflow ARGS` and return (exit code, stdout, stderr).
pub fn piflow(args: &[&str]) -> (i32, String, String) {
    let out = Command::cargo_bin("piflow").expect("binary").args(args).output().expect("run");
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Run git in `repo` with a fixed identity, never through a shell, ignoring variables a hook may
/// have set (`GIT_DIR`, `GIT_INDEX_FILE`, `GIT_WORK_TREE`); panics with git's message on failure.
pub fn git(repo: &Path, args: &[&str]) {
    let s = std::process::Command::new("git")
        .current_dir(repo)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .env_remove("GIT_WORK_TREE")
        .output()
        .expect("run git");
    assert!(s.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&s.stderr));
}

/// Targets of unwaived findings with this code, asserting there is at least one: the way a test
/// says "this rule fires here" (tests/catalogue.rs holds every code to such a test).
pub fn fires(report: &Value, code: &str) -> Vec<String> {
    let t = targets(report, code);
    assert!(!t.is_empty(), "{code} did not fire: {report:#}");
    t
}

/// The real `piflow` binary, to configure and run (arguments, environment, working directory):
/// the one runner every CLI test starts from.
pub fn bin() -> Command {
    Command::cargo_bin("piflow").expect("binary")
}

/// An export from CN to a processor in `country`, carrying `fields`, `volume` individuals a year.
pub fn export(country: &str, fields: &[&str], volume: u64) -> Value {
    let mut inv = base();
    push(
        &mut inv,
        "fields",
        json!({"id": "idno", "name": "ID", "category": "identity.national-id", "retention": "P1Y"}),
    );
    get(&mut inv, "flows", "collect")["fields"] = json!(["phone", "idno"]);
    push(
        &mut inv,
        "purposes",
        json!({"id": "support", "name": "Support", "basis": "legal-obligation", "assessment": "PIA-3"}),
    );
    push(
        &mut inv,
        "parties",
        json!({"id": "abroad", "name": "Abroad Inc", "country": country, "role": "processor", "contract": "DPA-9", "contact": "privacy@abroad.example"}),
    );
    push(
        &mut inv,
        "flows",
        json!({"id": "exp", "from": "app", "to": "abroad", "fields": fields, "purpose": "support", "volume": volume}),
    );
    inv
}

pub fn mechanism(inv: &mut Value, kind: &str, until: Option<&str>) {
    let mut m = json!({"id": "mech", "kind": kind, "recipients": ["abroad"]});
    if let Some(u) = until {
        m["valid_until"] = json!(u);
    }
    push(inv, "mechanisms", m);
}

/// Write a zip archive (an APK or IPA for a test) of these entries, deflated.
pub fn zip_of(path: &Path, entries: &[(&str, &[u8])]) {
    use std::io::Write;
    let f = std::fs::File::create(path).expect("create zip");
    let mut z = zip::ZipWriter::new(f);
    let opts =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(false);
    for (name, bytes) in entries {
        z.start_file(*name, opts).expect("zip entry");
        z.write_all(bytes).expect("zip write");
    }
    z.finish().expect("zip finish");
}

/// Whether a font with Chinese glyphs is installed (fontconfig's list for `zh`). The diagrams
/// name Noto Sans CJK SC and the printed record is Chinese: tests that measure a layout or read
/// the printed text back need such a font, and skip (saying so) without one — another font gives
/// other widths, and missing glyphs print as boxes that no text extraction can read.
pub fn cjk_font_installed() -> bool {
    std::process::Command::new("fc-list")
        .args([":lang=zh", "family"])
        .output()
        .is_ok_and(|o| o.status.success() && !o.stdout.iter().all(u8::is_ascii_whitespace))
}
