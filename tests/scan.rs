//! `piflow scan`: every ecosystem's parser on the fixture tree, exact file and line of each
//! observation, look-alike names that must not match, malformed files reported without stopping.

use assert_cmd::Command;
use serde_json::Value;

const TREE: &str = "tests/fixtures/scan/tree";
const HAR: &str = "tests/fixtures/scan/har/shop.har";

fn scan(args: &[&str]) -> (i32, Value, String) {
    let out = Command::cargo_bin("piflow").unwrap().arg("scan").args(args).output().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap(), json, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// `coordinate file:line` of every package (paths relative to the tree), or of those a database sdk matched.
fn packages(obs: &Value, matched_only: bool) -> Vec<String> {
    obs["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !matched_only || p.get("sdk").is_some())
        .map(|p| {
            let file = p["file"].as_str().unwrap().trim_start_matches("tests/fixtures/scan/tree/");
            format!("{} {}:{}", p["coordinate"].as_str().unwrap(), file, p["line"])
        })
        .collect()
}

#[test]
fn every_ecosystem_yields_its_packages_with_file_and_line() {
    let (code, obs, _) = scan(&[TREE]);
    assert_eq!(code, 0);
    let all = packages(&obs, false);
    let expected = [
        // Gradle build script: plugins, string and map notations; comments and test configurations skipped.
        "gradle-plugin:com.google.gms.google-services android/app/build.gradle:3",
        "maven:com.umeng.umsdk:common android/app/build.gradle:10",
        "maven:cn.jiguang.sdk:jpush android/app/build.gradle:11",
        "maven:com.umeng.umsdkx:common android/app/build.gradle:12",
        // Version catalog.
        "maven:com.tencent.bugly:crashreport android/gradle/libs.versions.toml:6",
        "gradle-plugin:com.google.firebase.crashlytics android/gradle/libs.versions.toml:9",
        "go:github.com/stripe/stripe-go/v76 go/go.mod:5",
        "go:github.com/getsentry/sentry-go go/go.mod:8",
        "swiftpm:github.com/getsentry/sentry-cocoa ios/Package.resolved:6",
        "cocoapods:UMCommon ios/Podfile:5",
        "cocoapods:UMCommonLog ios/Podfile:6",
        "cocoapods:UMCommon ios/Podfile.lock:5",
        "cocoapods:UMDevice ios/Podfile.lock:8",
        "wechat-plugin:wx50b5593e81dd937a miniprogram/app.json:6",
        "pypi:stripe python/poetry.lock:2",
        "pypi:mixpanel python/pyproject.toml:5",
        "pypi:stripe python/pyproject.toml:11",
        "pypi:Sentry_SDK python/requirements.txt:4",
        "cargo:sentry rust/Cargo.lock:5",
        "maven:com.alipay.sdk:alipay-sdk-java server/pom.xml:9",
        "npm:posthog-js web-berry/yarn.lock:7",
        "npm:@segment/analytics-next web-pnpm/pnpm-lock.yaml:12",
        "npm:@amplitude/analytics-browser web-yarn/yarn.lock:5",
        "npm:mixpanel-browser web/package-lock.json:12",
        "npm:@sentry/browser web/package.json:5",
    ];
    for e in expected {
        assert!(all.iter().any(|p| p == e), "missing `{e}` in {all:#?}");
    }
    // Commented-out and test-only dependencies are not shipped code.
    for absent in ["com.umeng.umsdk:push", "io.sentry:sentry-android", "com.stripe:stripe-java", "shop-api", "shop@"] {
        assert!(!all.iter().any(|p| p.contains(absent)), "`{absent}` must not be observed: {all:#?}");
    }
}

#[test]
fn look_alike_names_do_not_match_the_database() {
    let (_, obs, _) = scan(&[TREE]);
    let matched = packages(&obs, true);
    for look_alike in ["com.umeng.umsdkx:common", "UMCommonLog", "sentry-browser-fake", "left-pad", "okhttp"] {
        assert!(!matched.iter().any(|p| p.contains(look_alike)), "`{look_alike}` matched an SDK: {matched:#?}");
    }
    let sdk_of = |coord: &str| {
        obs["packages"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["coordinate"] == coord)
            .and_then(|p| p["sdk"].as_str())
            .map(str::to_owned)
    };
    assert_eq!(sdk_of("maven:com.umeng.umsdk:common").as_deref(), Some("umeng-analytics"));
    assert_eq!(sdk_of("pypi:Sentry_SDK").as_deref(), Some("sentry-python"));
    assert_eq!(sdk_of("maven:com.tencent.bugly:crashreport").as_deref(), Some("tencent-bugly"));
}

#[test]
fn android_manifest_markers() {
    let (_, obs, _) = scan(&[TREE]);
    let markers: Vec<String> = obs["markers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            format!(
                "{} {} {} {}",
                m["kind"].as_str().unwrap(),
                m["name"].as_str().unwrap(),
                m["line"],
                m["sdk"].as_str().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        markers,
        [
            "permission android.permission.READ_PHONE_STATE 3 -",
            "component .MainActivity 5 -",
            "meta-data UMENG_APPKEY 6 umeng-analytics",
            "meta-data GETUI_APPID 7 getui-push",
            "component com.getui.demo.DemoPushService 8 -",
        ]
    );
}

#[test]
fn malformed_manifest_is_reported_with_its_location_and_the_scan_goes_on() {
    let (code, obs, stderr) = scan(&[TREE, "--har", HAR, "tests/fixtures/scan/har/truncated.har"]);
    assert_eq!(code, 0, "a bad file is not a failed scan");
    let problems: Vec<String> = obs["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{}:{}", p["file"].as_str().unwrap(), p["line"]))
        .collect();
    assert_eq!(problems, ["tests/fixtures/scan/har/truncated.har:3", "tests/fixtures/scan/tree/broken/package.json:5"]);
    assert!(
        stderr.contains("tests/fixtures/scan/tree/broken/package.json:5: invalid JSON: trailing comma"),
        "{stderr}"
    );
    // Files after the broken one (alphabetically) were still read.
    assert!(packages(&obs, false).iter().any(|p| p.starts_with("go:")));
    // The broken file's SDK is not reported as found.
    assert!(!packages(&obs, false).iter().any(|p| p.contains("umtrack-wx")));
}

#[test]
fn har_hosts_first_party_and_personal_data() {
    let (code, obs, _) = scan(&["--har", HAR]);
    assert_eq!(code, 0);
    let hosts: Vec<String> = obs["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| format!("{} {} {} {}", h["host"].as_str().unwrap(), h["line"], h["requests"], h["first_party"]))
        .collect();
    assert_eq!(
        hosts,
        [
            "alog.umeng.com 29 1 false",
            "api-js.mixpanel.com 37 2 false",
            "api.example-shop.cn 21 1 true",
            "evilumeng.com 45 1 false",
            "www.example-shop.cn 13 1 true",
        ]
    );
    let pd: Vec<String> = obs["personal_data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{} {} {} {}",
                p["host"].as_str().unwrap(),
                p["parameter"].as_str().unwrap(),
                p["category"].as_str().unwrap(),
                p["line"]
            )
        })
        .collect();
    assert_eq!(
        pd,
        [
            "alog.umeng.com idfa device.idfa 29",
            "alog.umeng.com lat location.precise 29",
            "alog.umeng.com lng location.precise 29",
            "api-js.mixpanel.com email contact.email 37",
            "api-js.mixpanel.com imei device.imei 37",
            "api.example-shop.cn receiver.id_no identity.national-id 21",
            "api.example-shop.cn receiver.mobile contact.phone 21",
        ]
    );
    // The values themselves never reach observed.json.
    let text = obs.to_string();
    for value in ["13812345678", "11010519491231002X", "490154203237518", "li.lei"] {
        assert!(!text.contains(value), "observed.json leaks `{value}`");
    }
}

#[test]
fn first_party_option_and_output_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("observed.json");
    let (code, _, _) = scan(&["--har", HAR, "--first-party", "mixpanel.com", "-o", out.to_str().unwrap()]);
    assert_eq!(code, 0);
    let obs: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let mixpanel = obs["hosts"].as_array().unwrap().iter().find(|h| h["host"] == "api-js.mixpanel.com").unwrap();
    assert_eq!(mixpanel["first_party"], true);
}

#[test]
fn missing_root_is_a_usage_error() {
    let (code, _, stderr) = scan(&["tests/fixtures/scan/no-such-dir"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no-such-dir: no such file or directory"), "{stderr}");
}

#[test]
fn output_is_deterministic() {
    let (_, a, _) = scan(&[TREE, "--har", HAR]);
    let (_, b, _) = scan(&[TREE, "--har", HAR]);
    assert_eq!(a, b);
}

#[test]
fn suggest_prints_a_part_that_loads_next_to_the_inventory() {
    let (code, part, _) =
        scan(&["tests/fixtures/scan/tree/android", "--suggest", "--inventory", "tests/fixtures/scan/inventory.json"]);
    assert_eq!(code, 0);
    let ids: Vec<&str> = part["sdks"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["firebase-core", "firebase-crashlytics", "jpush", "tencent-bugly"]);
    let jpush = part["sdks"].as_array().unwrap().iter().find(|s| s["id"] == "jpush").unwrap();
    assert_eq!(jpush["in"], serde_json::json!(["app"]), "mobile SDKs go into the inventory's app");
    assert_eq!(jpush["packages"], serde_json::json!(["maven:cn.jiguang.sdk:jpush"]));
    // Existing fields of the same category are reused.
    assert!(jpush["fields"].as_array().unwrap().iter().any(|f| f == "device-id"));
    // The suggestion, saved as a part beside the inventory, loads and declares what was found.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("tests/fixtures/scan/inventory.json", dir.path().join("inventory.json")).unwrap();
    std::fs::write(dir.path().join("sdks-suggested.json"), part.to_string()).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let obs = scratch.path().join("observed.json");
    let (c, _, _) = scan(&["tests/fixtures/scan/tree/android", "-o", obs.to_str().unwrap()]);
    assert_eq!(c, 0);
    let out = Command::cargo_bin("piflow")
        .unwrap()
        .args(["check", "--format", "json", "--observed", obs.to_str().unwrap(), dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    let report: Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    let undeclared: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "decl-undeclared-sdk")
        .map(|f| f["target"].as_str().unwrap())
        .collect();
    // Only Getui is left: it is seen through manifest meta-data alone, which --suggest does not cover.
    assert_eq!(undeclared, ["getui-push"]);
}

/// observed.json places past `MAX_OBSERVED_LINE` (10,000,000) are refused at once, naming the
/// file; one at the limit is read (issue 19: line 4294967295 took 8 GB and was killed).
#[test]
fn observed_lines_past_the_limit_are_refused() {
    let scratch = tempfile::tempdir().unwrap();
    let obs = scratch.path().join("observed.json");
    let (c, _, _) = scan(&["tests/fixtures/scan/tree/android", "-o", obs.to_str().unwrap()]);
    assert_eq!(c, 0);
    let written: Value = serde_json::from_str(&std::fs::read_to_string(&obs).unwrap()).unwrap();
    for (line, refused) in [(10_000_000u64, false), (10_000_001, true), (4_294_967_295, true)] {
        let mut v = written.clone();
        v["packages"][0]["line"] = line.into();
        std::fs::write(&obs, v.to_string()).unwrap();
        let out = Command::cargo_bin("piflow")
            .unwrap()
            .args([
                "check",
                "--format",
                "json",
                "--observed",
                obs.to_str().unwrap(),
                "tests/fixtures/scan/inventory.json",
            ])
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if refused {
            assert_eq!(out.status.code(), Some(2), "line {line}: {stderr}");
            assert!(stderr.contains("observed.json") && stderr.contains(&format!("line {line}")), "{stderr}");
        } else {
            assert!(matches!(out.status.code(), Some(0 | 1)), "line {line}: {stderr}");
        }
    }
}

/// Files shaped as users' tools write them, not as our fixtures are: a minified HAR with `\/`
/// escapes, and YAML nested past any real file's depth.
#[test]
fn minified_escaped_har_and_deep_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let entry = |i: usize| {
        format!(
            r#"{{"request":{{"method":"GET","url":"https:\/\/api{i}.example.com\/v1?phone=13800000000","headers":[]}},"response":{{"status":200}}}}"#
        )
    };
    let har =
        format!(r#"{{"log":{{"version":"1.2","entries":[{}]}}}}"#, (0..3).map(entry).collect::<Vec<_>>().join(","));
    let path = dir.path().join("min.har");
    std::fs::write(&path, har).unwrap();
    let (code, obs, err) = scan(&["--har", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let hosts: Vec<&str> = obs["hosts"].as_array().unwrap().iter().map(|h| h["host"].as_str().unwrap()).collect();
    assert_eq!(hosts, ["api0.example.com", "api1.example.com", "api2.example.com"]);
    assert!(obs["hosts"].as_array().unwrap().iter().all(|h| h["line"] == 1));

    let tree = tempfile::tempdir().unwrap();
    let deep = format!("lockfileVersion: '9.0'\npackages: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    std::fs::write(tree.path().join("pnpm-lock.yaml"), deep).unwrap();
    let out = Command::cargo_bin("piflow")
        .unwrap()
        .args(["scan", tree.path().to_str().unwrap()])
        .timeout(std::time::Duration::from_secs(20))
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("nested more than 128 levels deep"), "{text}");
}

/// A lockfile of many packages: each package at its own line (the look-up by name runs gives
/// what a search from the top gives).
#[test]
fn large_lockfiles_place_every_package() {
    let tree = tempfile::tempdir().unwrap();
    let mut lock = String::from("{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n    \"\": {\"name\": \"app\"}");
    for i in 0..2000 {
        lock.push_str(&format!(",\n    \"node_modules/pkg-{i}\": {{\"version\": \"1.0.{i}\"}}"));
    }
    lock.push_str("\n  }\n}\n");
    std::fs::write(tree.path().join("package-lock.json"), lock).unwrap();
    let (code, obs, err) = scan(&[tree.path().to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let packages = obs["packages"].as_array().unwrap();
    assert_eq!(packages.len(), 2000);
    for p in packages {
        let i: u64 = p["coordinate"].as_str().unwrap().strip_prefix("npm:pkg-").unwrap().parse().unwrap();
        assert_eq!(p["line"], i + 5, "{p}");
    }
}
