//! `piflow scan` of built apps (APK, AAB, IPA): the evidence read from real binaries under
//! tests/fixtures/binary (ground truth in its README), the limits that keep a hostile archive
//! bounded, a damaged archive reported with what was read, and `check --observed` pointing at the
//! binary.

mod common;

use assert_cmd::Command;
use common::zip_of;
use serde_json::Value;
use std::path::{Path, PathBuf};

const BIN: &str = "tests/fixtures/binary";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(BIN).join(name)
}

fn scan(args: &[&std::ffi::OsStr]) -> (i32, Value, String) {
    let out = Command::cargo_bin("piflow").unwrap().arg("scan").args(args).output().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (out.status.code().unwrap(), json, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn scan_file(path: &Path) -> (i32, Value, String) {
    scan(&[path.as_os_str()])
}

/// The part of a place's file after the archive's directory: `wechat-demo.apk!classes.dex`.
fn short(file: &str) -> String {
    let (archive, inside) = file.split_once('!').map_or((file, None), |(a, e)| (a, Some(e)));
    let name = archive.rsplit('/').next().unwrap_or(archive);
    inside.map_or_else(|| name.to_owned(), |e| format!("{name}!{e}"))
}

/// `coordinate sdk file:line` of every package use.
fn packages(obs: &Value) -> Vec<String> {
    obs["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{} {} {}:{}",
                p["coordinate"].as_str().unwrap(),
                p["sdk"].as_str().unwrap_or("-"),
                short(p["file"].as_str().unwrap()),
                p["line"]
            )
        })
        .collect()
}

/// `kind name` of every marker, in output order.
fn markers(obs: &Value, kind: &str) -> Vec<String> {
    obs["markers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == kind)
        .map(|m| m["name"].as_str().unwrap().to_owned())
        .collect()
}

fn problems(obs: &Value) -> Vec<String> {
    obs["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{}: {}", short(p["file"].as_str().unwrap()), p["message"].as_str().unwrap()))
        .collect()
}

/// An entry of a fixture archive.
fn entry(archive: &str, name: &str) -> Vec<u8> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::fs::File::open(fixture(archive)).unwrap()).unwrap();
    let mut out = Vec::new();
    z.by_name(name).unwrap().read_to_end(&mut out).unwrap();
    out
}

#[test]
fn real_apk_with_wechat_opensdk_lists_the_sdk_permissions_and_components() {
    let (code, obs, stderr) = scan_file(&fixture("wechat-demo.apk"));
    assert_eq!(code, 0, "{stderr}");
    assert!(problems(&obs).is_empty(), "{:?}", problems(&obs));
    // dexdump: 8 classes in com/tencent/mm/opensdk/openapi, 6 in …/modelpay, and more below the prefix.
    let pk = packages(&obs);
    assert_eq!(pk, ["dex:com.tencent.mm.opensdk wechat-opensdk wechat-demo.apk!classes.dex:1"], "{pk:#?}");
    let quoted = obs["packages"][0]["text"].as_str().unwrap();
    assert!(quoted.starts_with("com.tencent.mm.opensdk.* ("), "{quoted}");
    assert_eq!(markers(&obs, "permission"), ["android.permission.INTERNET"]);
    let components = markers(&obs, "component");
    for c in ["com.ansen.shoenet.wxapi.WXEntryActivity", "com.ansen.shoenet.wxapi.WXPayEntryActivity"] {
        assert!(components.iter().any(|x| x == c), "{c} missing in {components:?}");
    }
    let perm = obs["markers"].as_array().unwrap().iter().find(|m| m["kind"] == "permission").unwrap();
    assert!(perm["file"].as_str().unwrap().ends_with("wechat-demo.apk!AndroidManifest.xml"));
    assert!(perm["text"].as_str().unwrap().contains("uses-permission android:name=\"android.permission.INTERNET\""));
}

#[test]
fn real_apk_permissions_are_exactly_what_the_manifest_requests() {
    // `aapt dump permissions fork.apk`: RECORD_AUDIO; GET_ACCOUNTS (maxSdkVersion 22);
    // uses-permission-sdk-23 com.shazam.forktest.A_TEST_PERMISSION (maxSdkVersion 24). No SDK.
    let (code, obs, _) = scan_file(&fixture("fork.apk"));
    assert_eq!(code, 0);
    let mut perms = markers(&obs, "permission");
    perms.sort();
    assert_eq!(
        perms,
        ["android.permission.GET_ACCOUNTS", "android.permission.RECORD_AUDIO", "com.shazam.forktest.A_TEST_PERMISSION"]
    );
    assert!(packages(&obs).is_empty(), "fork's own classes are no SDK: {:?}", packages(&obs));
    let get_accounts =
        obs["markers"].as_array().unwrap().iter().find(|m| m["name"] == "android.permission.GET_ACCOUNTS").unwrap();
    assert!(get_accounts["text"].as_str().unwrap().contains("maxSdkVersion=\"22\""), "{get_accounts}");
}

#[test]
fn apks_inside_a_scanned_tree_are_read_too() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("app/build/outputs/apk/release");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::copy(fixture("wechat-demo.apk"), out.join("app-release.apk")).unwrap();
    let (code, obs, _) = scan(&[dir.path().as_os_str()]);
    assert_eq!(code, 0);
    assert_eq!(packages(&obs), ["dex:com.tencent.mm.opensdk wechat-opensdk app-release.apk!classes.dex:1"]);
}

/// `check --observed` of a scan against an inventory: exit code and `target file:line` of each
/// decl-undeclared-sdk finding.
fn undeclared(observed: &Path, inventory: &Path) -> (i32, Vec<String>) {
    let out = Command::cargo_bin("piflow")
        .unwrap()
        .args(["check", "--as-of", "2026-06-01", "--format", "json", "--observed"])
        .arg(observed)
        .arg(inventory)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let found = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "decl-undeclared-sdk")
        .map(|f| {
            let file = short(f["location"]["file"].as_str().unwrap());
            format!("{} {file}:{}", f["target"].as_str().unwrap(), f["location"]["line"])
        })
        .collect();
    (out.status.code().unwrap(), found)
}

#[test]
fn check_observed_reports_the_sdk_found_in_the_binary() {
    let dir = tempfile::tempdir().unwrap();
    let observed = dir.path().join("observed.json");
    let out = Command::cargo_bin("piflow")
        .unwrap()
        .arg("scan")
        .arg(fixture("wechat-demo.apk"))
        .arg("-o")
        .arg(&observed)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let check = |inventory: &Path| undeclared(&observed, inventory);
    let inventory = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/scan/inventory.json");
    let (code, undeclared) = check(&inventory);
    assert_eq!(code, 1);
    assert_eq!(undeclared, ["dex:com.tencent.mm.opensdk wechat-demo.apk!classes.dex:1"]);

    // Near miss: the same inventory declaring the WeChat SDK by its database id.
    let mut inv: Value = serde_json::from_str(&std::fs::read_to_string(&inventory).unwrap()).unwrap();
    inv["parties"].as_array_mut().unwrap().push(serde_json::json!(
        {"id": "tencent", "name": "Shenzhen Tencent Computer Systems", "country": "CN", "role": "processor", "contract": "DPA-TX-2025"}
    ));
    inv["sdks"].as_array_mut().unwrap().push(serde_json::json!(
        {"id": "wechat-opensdk", "name": "WeChat OpenSDK", "vendor": "tencent", "in": ["app"], "fields": ["device-id"], "purpose": "stats"}
    ));
    let declared = dir.path().join("inventory.json");
    std::fs::write(&declared, serde_json::to_string(&inv).unwrap()).unwrap();
    let (_, undeclared) = check(&declared);
    assert!(undeclared.is_empty(), "{undeclared:?}");
}

#[test]
fn a_damaged_apk_is_reported_with_what_was_read() {
    let bytes = std::fs::read(fixture("fork.apk")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Cut at byte 25,000 of 38,535: the central directory is gone; the manifest's local entry
    // (bytes 20,505–21,304) is intact, the launcher icon after it breaks off.
    let cut = dir.path().join("cut.apk");
    std::fs::write(&cut, &bytes[..25_000]).unwrap();
    let (code, obs, stderr) = scan_file(&cut);
    assert_eq!(code, 0, "a damaged archive is a warning, not a failure");
    assert!(stderr.contains("warning") && stderr.contains("damaged archive"), "{stderr}");
    assert!(markers(&obs, "permission").contains(&"android.permission.RECORD_AUDIO".to_owned()));
    // Garbage, an empty file and every prefix length of a real APK: never a panic.
    for (name, data) in [("junk.apk", b"PK\x03\x04garbage".as_slice()), ("empty.apk", b"".as_slice())] {
        let p = dir.path().join(name);
        std::fs::write(&p, data).unwrap();
        let (code, obs, _) = scan_file(&p);
        assert_eq!(code, 0);
        assert!(!problems(&obs).is_empty(), "{name} must be reported");
    }
    let mut flipped = bytes.clone();
    for i in (0..flipped.len()).step_by(97) {
        flipped[i] ^= 0x5A;
    }
    let p = dir.path().join("flipped.apk");
    std::fs::write(&p, &flipped).unwrap();
    assert_eq!(scan_file(&p).0, 0);
}

#[test]
fn zip_bombs_and_oversized_entries_are_refused_without_reading_them() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = dir.path().join("bomb.apk");
    // 4 MiB of zeros deflate to a few KB: over 100 times, refused; the manifest is still read.
    zip_of(
        &bomb,
        &[("AndroidManifest.xml", &entry("fork.apk", "AndroidManifest.xml")), ("classes.dex", &vec![0u8; 4 << 20])],
    );
    let (code, obs, _) = scan_file(&bomb);
    assert_eq!(code, 0);
    let p = problems(&obs);
    assert!(p.iter().any(|m| m.starts_with("bomb.apk!classes.dex: ") && m.contains("zip bomb")), "{p:?}");
    assert_eq!(markers(&obs, "permission").len(), 3);

    // Just under the ratio: a 2 MiB dex of pseudo-random bytes is read (and is not a dex).
    let noise: Vec<u8> = (0..2u32 << 20).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let honest = dir.path().join("honest.apk");
    zip_of(&honest, &[("classes.dex", &noise)]);
    let p = problems(&scan_file(&honest).1);
    assert!(p.iter().any(|m| m.contains("not a dex file")), "{p:?}");

    // Over the per-entry cap (64 MiB): refused by its declared size.
    let big = dir.path().join("big.apk");
    zip_of(&big, &[("classes.dex", &vec![7u8; (64 << 20) + 1])]);
    let p = problems(&scan_file(&big).1);
    assert!(p.iter().any(|m| m.contains("over the 67108864-byte limit")), "{p:?}");
}

/// `kind name:line` of every marker.
fn all_markers(obs: &Value) -> Vec<String> {
    obs["markers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| format!("{} {}:{}", m["kind"].as_str().unwrap(), m["name"].as_str().unwrap(), m["line"]))
        .collect()
}

#[test]
fn real_app_bundle_manifest_is_read_from_its_protobuf_xml() {
    // stopwatch.aab: a real bundle's manifest (README). `aapt dump permissions` / `xmltree` on
    // the APK built from the same project give these permissions, components and the
    // application-level meta-data, at the same element ordinals as the APK's binary manifest.
    let (code, obs, _) = scan_file(&fixture("stopwatch.aab"));
    assert_eq!(code, 0);
    assert!(problems(&obs).is_empty(), "{:?}", problems(&obs));
    assert_eq!(
        all_markers(&obs),
        [
            "app com.mycompany.stopwatch:1",
            "permission android.permission.INTERNET:3",
            "permission android.permission.ACCESS_NETWORK_STATE:4",
            "permission android.permission.POST_NOTIFICATIONS:5",
            "permission com.mycompany.stopwatch.DYNAMIC_RECEIVER_NOT_EXPORTED_PERMISSION:7",
            "component androidx.core.content.FileProvider:9",
            "component com.mycompany.stopwatch.MainActivity:11",
            "meta-data android.webkit.WebView.EnableSafeBrowsing:15",
            "component androidx.startup.InitializationProvider:16",
        ]
    );
    let file = obs["markers"][0]["file"].as_str().unwrap();
    assert!(file.ends_with("stopwatch.aab!base/manifest/AndroidManifest.xml"), "{file}");
}

#[test]
fn app_bundle_gives_dex_and_native_evidence_and_reports_a_broken_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let aab = dir.path().join("app.aab");
    let dex = entry("wechat-demo.apk", "classes.dex");
    let manifest = entry("stopwatch.aab", "base/manifest/AndroidManifest.xml");
    zip_of(
        &aab,
        &[
            ("BundleConfig.pb", b"\x0a\x05\x0a\x031.0"),
            ("base/manifest/AndroidManifest.xml", &manifest[..manifest.len() / 2]),
            ("base/dex/classes.dex", &dex),
            ("base/lib/arm64-v8a/libBugly.so", b"\x7fELF"),
            ("base/lib/armeabi-v7a/libBugly.so", b"\x7fELF"),
            ("base/lib/arm64-v8a/libmyapp.so", b"\x7fELF"),
        ],
    );
    let (code, obs, _) = scan_file(&aab);
    assert_eq!(code, 0);
    assert_eq!(
        packages(&obs),
        [
            "dex:com.tencent.mm.opensdk wechat-opensdk app.aab!base/dex/classes.dex:1",
            "vendored:libBugly.so tencent-bugly app.aab!base/lib/arm64-v8a/libBugly.so:1",
        ]
    );
    let p = problems(&obs);
    assert!(
        p.iter().any(|m| m.starts_with("app.aab!base/manifest/AndroidManifest.xml: cannot read the binary manifest")),
        "a manifest cut in half is reported: {p:?}"
    );
}

const APP: &str = "Payload/Cyxbs.app";

/// An IPA made of real plists (tests/fixtures/binary/ios, see the README): the app's Info.plist
/// (as XML, or converted to a binary plist as Xcode ships it), two SDK frameworks with their
/// privacy manifests, one framework without, and an app extension whose Info.plist is not the app's.
fn ipa(path: &Path, binary_info: bool) {
    let ios = |name: &str| std::fs::read(fixture(&format!("ios/{name}"))).unwrap();
    let mut info = ios("cyxbs.Info.plist");
    if binary_info {
        let v = plist::Value::from_reader(std::io::Cursor::new(&info)).unwrap();
        info.clear();
        v.to_writer_binary(&mut info).unwrap();
    }
    let widget = b"<plist><dict><key>NSContactsUsageDescription</key><string>widget</string></dict></plist>";
    let entries: Vec<(String, Vec<u8>)> = vec![
        (format!("{APP}/Info.plist"), info),
        (format!("{APP}/Cyxbs"), b"\xcf\xfa\xed\xfe".to_vec()),
        (format!("{APP}/Frameworks/FBSDKCoreKit.framework/FBSDKCoreKit"), b"\xcf\xfa\xed\xfe".to_vec()),
        (
            format!("{APP}/Frameworks/FBSDKCoreKit.framework/PrivacyInfo.xcprivacy"),
            ios("FBSDKCoreKit.PrivacyInfo.xcprivacy"),
        ),
        (format!("{APP}/Frameworks/AMapFoundationKit.framework/AMapFoundationKit"), b"\xcf\xfa\xed\xfe".to_vec()),
        (
            format!("{APP}/Frameworks/AppsFlyerLib.framework/PrivacyInfo.xcprivacy"),
            ios("AppsFlyerLib.PrivacyInfo.xcprivacy"),
        ),
        (format!("{APP}/PlugIns/Widget.appex/Info.plist"), widget.to_vec()),
    ];
    let refs: Vec<(&str, &[u8])> = entries.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
    zip_of(path, &refs);
}

/// `name file:line` of the markers of one kind.
fn marker_places(obs: &Value, kind: &str) -> Vec<String> {
    obs["markers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == kind)
        .map(|m| {
            let file = short(m["file"].as_str().unwrap());
            let file = file.replace(&format!("app.ipa!{APP}/"), "");
            let sdk = m["sdk"].as_str().map(|s| format!(" [{s}]")).unwrap_or_default();
            format!("{} {file}:{}{sdk}", m["name"].as_str().unwrap(), m["line"])
        })
        .collect()
}

#[test]
fn ipa_usage_keys_schemes_frameworks_and_privacy_manifests_with_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.ipa");
    ipa(&path, false);
    let (code, obs, stderr) = scan_file(&path);
    assert_eq!(code, 0, "{stderr}");
    assert!(problems(&obs).is_empty(), "{:?}", problems(&obs));
    // Ground truth: the lines of cyxbs.Info.plist (README); the extension's key is not the app's.
    assert_eq!(
        marker_places(&obs, "permission"),
        [
            "NSCameraUsageDescription Info.plist:33",
            "NSLocationAlwaysAndWhenInUseUsageDescription Info.plist:35",
            "NSLocationAlwaysUsageDescription Info.plist:37",
            "NSLocationUsageDescription Info.plist:39",
            "NSLocationWhenInUseUsageDescription Info.plist:41",
            "NSMicrophoneUsageDescription Info.plist:43",
            "NSPhotoLibraryUsageDescription Info.plist:45",
        ]
    );
    assert_eq!(marker_places(&obs, "url-scheme"), ["redrock.zscy.youwen.share Info.plist:22"]);
    assert_eq!(
        packages(&obs),
        [
            "vendored:AMapFoundationKit.framework amap-foundation app.ipa!Payload/Cyxbs.app/Frameworks/AMapFoundationKit.framework:1",
            "vendored:AppsFlyerLib.framework - app.ipa!Payload/Cyxbs.app/Frameworks/AppsFlyerLib.framework:1",
            "vendored:FBSDKCoreKit.framework - app.ipa!Payload/Cyxbs.app/Frameworks/FBSDKCoreKit.framework:1",
        ]
    );
    let fb = "Frameworks/FBSDKCoreKit.framework/PrivacyInfo.xcprivacy";
    let af = "Frameworks/AppsFlyerLib.framework/PrivacyInfo.xcprivacy";
    assert_eq!(
        marker_places(&obs, "collected-data"),
        [
            format!("NSPrivacyCollectedDataTypeUserID {af}:32"),
            format!("NSPrivacyCollectedDataTypeCrashData {af}:44"),
            format!("NSPrivacyCollectedDataTypeCrashData {fb}:20"),
            format!("NSPrivacyCollectedDataTypeDeviceID {fb}:32"),
        ]
    );
    assert_eq!(
        marker_places(&obs, "required-reason-api"),
        [
            format!("NSPrivacyAccessedAPICategorySystemBootTime {af}:17"),
            format!("NSPrivacyAccessedAPICategoryDiskSpace {af}:21"),
            format!("NSPrivacyAccessedAPICategoryUserDefaults {fb}:9"),
        ]
    );
    assert_eq!(marker_places(&obs, "tracking-domain"), [format!("ep1.facebook.com {fb}:48")]);
    let device_id =
        obs["markers"].as_array().unwrap().iter().find(|m| m["name"] == "NSPrivacyCollectedDataTypeDeviceID");
    assert_eq!(
        device_id.unwrap()["text"],
        "<string>NSPrivacyCollectedDataTypeDeviceID</string>",
        "an XML plist is quoted by its line"
    );
}

#[test]
fn binary_info_plist_gives_the_same_keys_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.ipa");
    ipa(&path, true);
    let (_, obs, _) = scan_file(&path);
    let perms = marker_places(&obs, "permission");
    assert_eq!(perms.len(), 7, "{perms:?}");
    assert_eq!(perms[0], "NSCameraUsageDescription Info.plist:1");
    assert_eq!(perms[6], "NSPhotoLibraryUsageDescription Info.plist:7");
    let camera = obs["markers"].as_array().unwrap().iter().find(|m| m["name"] == "NSCameraUsageDescription").unwrap();
    assert_eq!(camera["text"], "NSCameraUsageDescription: 邮问上传图片，修改头像等可能需要使用相机，需要您允许。");
    assert_eq!(marker_places(&obs, "url-scheme"), ["redrock.zscy.youwen.share Info.plist:8"]);
}

#[test]
fn ipa_queried_schemes_and_broken_plists() {
    // A plist written here (not from an app) with the queried schemes WeChat and QQ SDKs require.
    let info = br#"<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
	<key>LSApplicationQueriesSchemes</key>
	<array>
		<string>weixin</string>
		<string>weixinULAPI</string>
		<string>mqqapi</string>
	</array>
</dict>
</plist>
"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.ipa");
    zip_of(
        &path,
        &[
            (&format!("{APP}/Info.plist"), info),
            (&format!("{APP}/Frameworks/X.framework/PrivacyInfo.xcprivacy"), b"<plist><dict><key>"),
        ],
    );
    let (code, obs, _) = scan_file(&path);
    assert_eq!(code, 0);
    assert_eq!(
        marker_places(&obs, "query"),
        ["weixin Info.plist:6", "weixinULAPI Info.plist:7", "mqqapi Info.plist:8"]
    );
    let p = problems(&obs);
    assert!(p.iter().any(|m| m.contains("X.framework/PrivacyInfo.xcprivacy: cannot read the property list")), "{p:?}");

    // Not an IPA inside: said, not silently empty.
    let empty = dir.path().join("empty.ipa");
    zip_of(&empty, &[("readme.txt", b"hello")]);
    let p = problems(&scan_file(&empty).1);
    assert!(p.iter().any(|m| m.contains("no `Payload/NAME.app/` inside")), "{p:?}");
}

#[test]
fn check_observed_reports_the_framework_found_in_the_ipa() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.ipa");
    ipa(&path, true);
    let observed = dir.path().join("observed.json");
    let out = Command::cargo_bin("piflow").unwrap().arg("scan").arg(&path).arg("-o").arg(&observed).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let (code, found) = undeclared(&observed, Path::new("tests/fixtures/scan/inventory.json"));
    assert_eq!(code, 1);
    assert_eq!(
        found,
        ["vendored:AMapFoundationKit.framework app.ipa!Payload/Cyxbs.app/Frameworks/AMapFoundationKit.framework:1"]
    );
}

/// `name → categories` of the permissions (`?` when the map does not know one).
fn permission_categories(obs: &Value) -> Vec<String> {
    obs["markers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "permission" || m["kind"] == "collected-data")
        .map(|m| {
            let cats = match m.get("categories").and_then(Value::as_array) {
                Some(c) => c.iter().map(|c| c.as_str().unwrap()).collect::<Vec<_>>().join(","),
                None => "?".into(),
            };
            format!("{} → {cats}", m["name"].as_str().unwrap())
        })
        .collect()
}

#[test]
fn permissions_carry_the_categories_they_expose() {
    let (_, obs, _) = scan_file(&fixture("fork.apk"));
    let mut got = permission_categories(&obs);
    got.sort();
    assert_eq!(
        got,
        [
            "android.permission.GET_ACCOUNTS → account.id,contact.email",
            "android.permission.RECORD_AUDIO → communication.content,biometric.voice",
            // The app's own permission: not in the map, so unknown, not "none".
            "com.shazam.forktest.A_TEST_PERMISSION → ?",
        ]
    );
    // Known to expose nothing: an empty list, not an absent one.
    let (_, obs, _) = scan_file(&fixture("wechat-demo.apk"));
    assert_eq!(permission_categories(&obs), ["android.permission.INTERNET → "]);
    let internet =
        &obs["markers"].as_array().unwrap().iter().find(|m| m["kind"] == "permission").unwrap()["categories"];
    assert_eq!(internet, &serde_json::json!([]));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("app.ipa");
    ipa(&path, false);
    let got = permission_categories(&scan_file(&path).1);
    for want in [
        "NSCameraUsageDescription → identity.photo",
        "NSLocationWhenInUseUsageDescription → location.precise",
        "NSLocationAlwaysUsageDescription → location.precise,location.trajectory",
        "NSPrivacyCollectedDataTypeDeviceID → device.id",
        "NSPrivacyCollectedDataTypeUserID → account.id",
        // Crash data has no taxonomy counterpart.
        "NSPrivacyCollectedDataTypeCrashData → ?",
    ] {
        assert!(got.iter().any(|g| g == want), "missing `{want}` in {got:#?}");
    }
}

#[test]
fn human_format_lists_sdks_and_permissions_with_categories() {
    let out = Command::cargo_bin("piflow")
        .unwrap()
        .args(["scan", "--format", "human"])
        .arg(fixture("fork.apk"))
        .arg(fixture("wechat-demo.apk"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("SDKs found: 1\n  wechat-opensdk: WeChat OpenSDK"), "{text}");
    assert!(text.contains("wechat-demo.apk!classes.dex:1"), "{text}");
    assert!(text.contains("Built apps read: 2\n  com.shazam.forktest  at "), "{text}");
    assert!(text.contains("Permissions: 4\n"), "{text}");
    assert!(text.contains("android.permission.RECORD_AUDIO → communication.content, biometric.voice  at "), "{text}");
    assert!(text.contains("android.permission.INTERNET → no personal data"), "{text}");
    assert!(text.contains("com.shazam.forktest.A_TEST_PERMISSION → (not in the permission map)"), "{text}");
}

#[test]
fn source_manifests_give_queries_and_categories_like_binary_ones() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = dir.path().join("AndroidManifest.xml");
    std::fs::write(
        &manifest,
        r#"<manifest xmlns:android="http://schemas.android.com/apk/res/android" package="com.example">
    <uses-permission android:name="android.permission.READ_CONTACTS" />
    <queries>
        <package android:name="com.tencent.mm" />
        <intent><action android:name="android.intent.action.VIEW" /></intent>
    </queries>
    <application><activity android:name=".Main" /></application>
</manifest>
"#,
    )
    .unwrap();
    let (_, obs, _) = scan(&[dir.path().as_os_str()]);
    assert_eq!(marker_places_plain(&obs, "query"), ["com.tencent.mm:4"]);
    assert_eq!(permission_categories(&obs), ["android.permission.READ_CONTACTS → communication.contacts"]);
}

fn marker_places_plain(obs: &Value, kind: &str) -> Vec<String> {
    obs["markers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == kind)
        .map(|m| format!("{}:{}", m["name"].as_str().unwrap(), m["line"]))
        .collect()
}
