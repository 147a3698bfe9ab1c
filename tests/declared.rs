//! `check --observed`: the decl-* rules on the scan fixtures — exact targets, files and lines,
//! and the near misses (declared by id, by package, by host pattern; look-alikes).

use assert_cmd::Command;
use serde_json::{Value, json};

const INVENTORY: &str = "tests/fixtures/scan/inventory.json";

fn observed() -> tempfile::TempPath {
    let file = tempfile::NamedTempFile::new().unwrap().into_temp_path();
    let out = Command::cargo_bin("piflow")
        .unwrap()
        .args(["scan", "tests/fixtures/scan/tree", "--har", "tests/fixtures/scan/har/shop.har", "-o"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    file
}

fn check(inventory: &str, observed: &std::path::Path, format: &str) -> (i32, Vec<u8>) {
    let out = Command::cargo_bin("piflow")
        .unwrap()
        .args(["check", "--as-of", "2026-06-01", "--format", format, "--observed"])
        .arg(observed)
        .arg(inventory)
        .output()
        .unwrap();
    (out.status.code().unwrap(), out.stdout)
}

fn decl(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"].as_str().unwrap().starts_with("decl-"))
        .map(|f| {
            format!(
                "{} {} {}:{}",
                f["code"].as_str().unwrap(),
                f["target"].as_str().unwrap(),
                f["location"]["file"].as_str().unwrap().trim_start_matches("tests/fixtures/scan/"),
                f["location"]["line"]
            )
        })
        .collect()
}

#[test]
fn exact_findings_with_file_and_line() {
    let obs = observed();
    let (code, out) = check(INVENTORY, &obs, "json");
    assert_eq!(code, 1, "undeclared SDKs are errors");
    let report: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(
        decl(&report),
        [
            "decl-undeclared-host api-js.mixpanel.com har/shop.har:37",
            "decl-undeclared-host evilumeng.com har/shop.har:45",
            "decl-undeclared-sdk cargo:sentry tree/rust/Cargo.lock:5",
            "decl-undeclared-sdk cargo:sentry-core tree/rust/Cargo.lock:14",
            "decl-undeclared-sdk cocoapods:Firebase/Analytics tree/ios/Podfile:7",
            "decl-undeclared-sdk cocoapods:FirebaseAnalytics tree/ios/Podfile.lock:4",
            "decl-undeclared-sdk getui-push tree/android/app/src/main/AndroidManifest.xml:7",
            "decl-undeclared-sdk go:github.com/getsentry/sentry-go tree/go/go.mod:8",
            "decl-undeclared-sdk go:github.com/stripe/stripe-go/v76 tree/go/go.mod:5",
            "decl-undeclared-sdk gradle-plugin:com.google.firebase.crashlytics tree/android/gradle/libs.versions.toml:9",
            "decl-undeclared-sdk gradle-plugin:com.google.gms.google-services tree/android/app/build.gradle:3",
            "decl-undeclared-sdk maven:cn.jiguang.sdk:jpush tree/android/app/build.gradle:11",
            "decl-undeclared-sdk maven:com.alipay.sdk:alipay-sdk-java tree/server/pom.xml:9",
            "decl-undeclared-sdk maven:com.tencent.bugly:crashreport tree/android/gradle/libs.versions.toml:6",
            "decl-undeclared-sdk npm:@amplitude/analytics-browser tree/web-yarn/yarn.lock:5",
            "decl-undeclared-sdk npm:@segment/analytics-next tree/web-pnpm/pnpm-lock.yaml:12",
            "decl-undeclared-sdk npm:mixpanel-browser tree/web/package-lock.json:12",
            "decl-undeclared-sdk npm:posthog-js tree/web-berry/yarn.lock:7",
            "decl-undeclared-sdk pypi:Sentry_SDK tree/python/requirements.txt:4",
            "decl-undeclared-sdk pypi:mixpanel tree/python/pyproject.toml:5",
            "decl-undeclared-sdk pypi:stripe tree/python/poetry.lock:2",
            "decl-undeclared-sdk swiftpm:github.com/getsentry/sentry-cocoa tree/ios/Package.resolved:6",
            "decl-undeclared-sdk wechat-plugin:wx50b5593e81dd937a tree/miniprogram/app.json:6",
            "decl-unobserved-sdk legacy-push inventory.json:25",
        ]
    );
    // Declared by database id (umeng-analytics: its packages, meta-data and `*.umeng.com` host),
    // by the inventory's own `packages` (npm:@sentry/browser), and first-party hosts: no finding.
    let all = decl(&report).join("\n");
    for quiet in
        ["umeng.umsdk:common", "UMCommon ", "UMENG_APPKEY", "alog.umeng.com", "@sentry/browser", "example-shop.cn"]
    {
        assert!(!all.contains(quiet), "`{quiet}` must not be reported:\n{all}");
    }
    let mixpanel =
        report["findings"].as_array().unwrap().iter().find(|f| f["target"] == "api-js.mixpanel.com").unwrap();
    assert_eq!(mixpanel["data"]["personal_data"], json!(["contact.email", "device.imei"]));
    assert_eq!(mixpanel["data"]["sdk"], "mixpanel");
}

#[test]
fn declaring_by_package_or_host_silences_the_finding() {
    let obs = observed();
    let mut inv: Value = serde_json::from_str(&std::fs::read_to_string(INVENTORY).unwrap()).unwrap();
    inv["parties"].as_array_mut().unwrap().push(json!({
        "id": "mixpanel", "name": "Mixpanel, Inc.", "country": "US", "role": "processor", "contract": "DPA-MP",
        "contact": "privacy@mixpanel.com", "hosts": ["*.mixpanel.com"]
    }));
    inv["sdks"].as_array_mut().unwrap().push(json!({
        "id": "analytics-js", "name": "Mixpanel JS", "vendor": "mixpanel", "in": ["web"], "fields": ["usage"],
        "purpose": "stats", "packages": ["npm:mixpanel-browser"]
    }));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inventory.json");
    std::fs::write(&path, inv.to_string()).unwrap();
    let (_, out) = check(path.to_str().unwrap(), &obs, "json");
    let report: Value = serde_json::from_slice(&out).unwrap();
    let found = decl(&report).join("\n");
    // The host pattern covers the subdomain; the package declares the database SDK, which covers
    // its PyPI coordinate too.
    assert!(!found.contains("api-js.mixpanel.com"), "{found}");
    assert!(!found.contains("npm:mixpanel-browser"), "{found}");
    assert!(!found.contains("pypi:mixpanel"), "{found}");
    // A look-alike of a declared host is still undeclared.
    assert!(found.contains("decl-undeclared-host evilumeng.com"), "{found}");
}

#[test]
fn human_output_quotes_the_scanned_line() {
    let obs = observed();
    let (_, out) = check(INVENTORY, &obs, "human");
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("error[decl-undeclared-sdk]: `maven:cn.jiguang.sdk:jpush` in tests/fixtures/scan/tree/android/app/build.gradle:11"), "{text}");
    assert!(text.contains("┌─ tests/fixtures/scan/tree/android/app/build.gradle:11:1"), "{text}");
    assert!(text.contains("implementation \"cn.jiguang.sdk:jpush:5.0.0\""), "{text}");
}

#[test]
fn sarif_carries_the_scanned_file_and_rule_metadata() {
    let obs = observed();
    let (_, out) = check(INVENTORY, &obs, "sarif");
    let sarif: Value = serde_json::from_slice(&out).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let r = results.iter().find(|r| r["properties"]["target"] == "maven:com.alipay.sdk:alipay-sdk-java").unwrap();
    assert_eq!(r["ruleId"], "decl-undeclared-sdk");
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "tests/fixtures/scan/tree/server/pom.xml");
    assert_eq!(loc["region"]["startLine"], 9);
    let rules = sarif["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().any(|r| r["id"] == "decl-unobserved-sdk"));
}

#[test]
fn explain_knows_the_decl_rules() {
    for code in ["decl-undeclared-sdk", "decl-undeclared-host", "decl-unobserved-sdk"] {
        let out = Command::cargo_bin("piflow").unwrap().args(["explain", code]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&out.stdout).contains("Fix:"));
    }
}

#[test]
fn a_bad_observed_file_is_a_usage_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("observed.json");
    std::fs::write(&bad, "{\"piflow\": 1,\n \"packages\": [}\n").unwrap();
    let out =
        Command::cargo_bin("piflow").unwrap().args(["check", "--observed"]).arg(&bad).arg(INVENTORY).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("observed.json:2:"), "{err}");
}

#[test]
fn without_observed_no_decl_rule_runs() {
    let out = Command::cargo_bin("piflow").unwrap().args(["check", "--format", "json", INVENTORY]).output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(decl(&report).is_empty());
}
