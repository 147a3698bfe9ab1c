//! Built iOS apps (`.ipa`): the app's `Payload/NAME.app/Info.plist` (usage-description keys, the
//! URL schemes it registers and the ones it queries), the frameworks embedded under
//! `Frameworks/`, and every privacy manifest (`PrivacyInfo.xcprivacy`, the app's own and each
//! SDK's): the data types it says it collects, the required-reason API categories it uses and its
//! tracking domains. Plists are read with the `plist` crate, XML or binary alike; the archive
//! with the bounded reader of `apk.rs`.
//!
//! A place's line is the line of the key in an XML plist; a binary plist has no lines, so there
//! it is the observation's ordinal in that file (the first key read is line 1).

use super::apk::{place, problem, read_archive, reported};
use super::locate::Text;
use super::walk::Sink;
use super::{MarkerKind, Place};
use plist::Value;
use std::collections::BTreeMap;

/// `Payload/NAME.app/REST` → (`Payload/NAME.app`, REST).
fn in_app(name: &str) -> Option<(&str, &str)> {
    let rest = name.strip_prefix("Payload/")?;
    let (app, inner) = rest.split_once('/')?;
    app.ends_with(".app").then(|| (&name[..8 + app.len()], inner))
}

fn is_privacy_manifest(name: &str) -> bool {
    name.rsplit('/').next() == Some("PrivacyInfo.xcprivacy")
}

/// The embedded framework a path lies in (`Frameworks/AlipaySDK.framework/…` → its directory and
/// name).
fn framework_of(name: &str) -> Option<(&str, &str)> {
    let (app, inner) = in_app(name)?;
    let rest = inner.strip_prefix("Frameworks/")?;
    let (fw, _) = rest.split_once('/')?;
    fw.ends_with(".framework").then(|| (&name[..app.len() + "/Frameworks/".len() + fw.len()], fw))
}

pub(crate) fn scan(file: &std::fs::File, shown: &str, sink: &mut Sink) {
    let want = |name: &str| in_app(name).is_some_and(|(_, inner)| inner == "Info.plist") || is_privacy_manifest(name);
    let mut plists: Vec<(String, Vec<u8>)> = Vec::new();
    let mut visit = |name: &str, bytes: Result<Vec<u8>, String>| match bytes {
        Ok(b) => plists.push((name.to_owned(), b)),
        Err(e) => problem(sink, shown, name, e),
    };
    let read = read_archive(file, &want, &mut visit);
    let Some(names) = reported(sink, shown, read) else { return };
    let apps: std::collections::BTreeSet<&str> = names.iter().filter_map(|n| in_app(n)).map(|(a, _)| a).collect();
    if apps.is_empty() {
        problem(sink, shown, "", "no `Payload/NAME.app/` inside; is this an IPA?".into());
    }
    // Embedded frameworks, once each, at their directory.
    let mut frameworks: BTreeMap<&str, &str> = BTreeMap::new();
    for name in &names {
        if let Some((dir, fw)) = framework_of(name) {
            frameworks.entry(dir).or_insert(fw);
        }
    }
    for (dir, fw) in &frameworks {
        sink.package("vendored", fw, None, place(shown, dir, 1, fw));
    }
    for (entry, bytes) in &plists {
        let value = match Value::from_reader(std::io::Cursor::new(bytes)) {
            Ok(v) => v,
            Err(e) => {
                problem(sink, shown, entry, format!("cannot read the property list: {e}"));
                continue;
            }
        };
        let Some(dict) = value.as_dictionary() else {
            problem(sink, shown, entry, "the property list is not a dictionary".into());
            continue;
        };
        let text = String::from_utf8_lossy(bytes);
        let file = format!("{shown}!{entry}");
        let mut at = Locator { xml: is_xml(bytes).then(|| Text::new(&file, &text)), file: &file, next: 0 };
        if is_privacy_manifest(entry) {
            // The SDK a manifest speaks for: the embedded framework it sits in, when known.
            let sdk = framework_of(entry).and_then(|(_, fw)| sink.db.by_file(fw).first().map(|s| s.id.clone()));
            privacy_manifest(dict, sdk.as_deref(), &mut at, sink);
        } else {
            let app = in_app(entry).map_or(entry.as_str(), |(a, _)| a.trim_start_matches("Payload/"));
            info_plist(dict, app, &mut at, sink);
        }
    }
}

fn is_xml(bytes: &[u8]) -> bool {
    let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    b[start..].starts_with(b"<")
}

/// Where an observation in one plist is: the line of `needle` in an XML plist (searched from the
/// previous hit on, so repeated keys land on their own lines), else the next ordinal.
struct Locator<'a> {
    xml: Option<Text<'a>>,
    file: &'a str,
    next: u32,
}

impl Locator<'_> {
    fn place(&mut self, needle: &str, text: &str) -> Place {
        match &self.xml {
            Some(t) => {
                let line = t.find(needle, self.next.max(1)).or_else(|| t.find(needle, 1)).unwrap_or(1);
                self.next = line;
                t.place(line)
            }
            None => {
                self.next += 1;
                Place { file: self.file.to_owned(), line: self.next, text: super::locate::quote(text) }
            }
        }
    }
}

fn strings(v: Option<&Value>) -> impl Iterator<Item = &str> {
    v.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_string)
}

/// The app's `Info.plist`: usage-description keys (its permission prompts), registered URL
/// schemes, queried schemes.
fn info_plist(dict: &plist::Dictionary, app: &str, at: &mut Locator, sink: &mut Sink) {
    for (key, value) in dict {
        // `NSCameraUsageDescription`, also the `NSLocationAlways…`/`NFCReaderUsageDescription` forms.
        if key.ends_with("UsageDescription") {
            let why = value.as_string().unwrap_or("");
            let place = at.place(&format!("<key>{key}</key>"), &format!("{key}: {why}"));
            sink.marker(MarkerKind::Permission, key, place);
        }
    }
    for scheme in dict.get("CFBundleURLTypes").and_then(Value::as_array).into_iter().flatten() {
        let schemes = scheme.as_dictionary().and_then(|d| d.get("CFBundleURLSchemes"));
        for s in strings(schemes).filter(|s| !s.is_empty()) {
            let place = at.place(&format!("<string>{s}</string>"), &format!("CFBundleURLSchemes: {s}"));
            sink.marker(MarkerKind::UrlScheme, s, place);
        }
    }
    for s in strings(dict.get("LSApplicationQueriesSchemes")).filter(|s| !s.is_empty()) {
        let place = at.place(&format!("<string>{s}</string>"), &format!("LSApplicationQueriesSchemes: {s}"));
        sink.marker(MarkerKind::Query, s, place);
    }
    // The plist was read whole: its usage keys are all the prompts the app can show. Last, so
    // a binary plist's ordinals of the keys above stay as they were.
    let bundle = dict.get("CFBundleIdentifier").and_then(Value::as_string).filter(|s| !s.is_empty());
    let place = match bundle {
        Some(id) => at.place("<key>CFBundleIdentifier</key>", &format!("CFBundleIdentifier: {id}")),
        None => at.place("<plist", app),
    };
    sink.marker(MarkerKind::App, bundle.unwrap_or(app), place);
}

/// A privacy manifest: collected data types (with whether linked, used for tracking, and the
/// purposes), required-reason API categories (with the reasons), tracking domains.
fn privacy_manifest(dict: &plist::Dictionary, sdk: Option<&str>, at: &mut Locator, sink: &mut Sink) {
    let flag = |d: &plist::Dictionary, k: &str| match d.get(k).and_then(Value::as_boolean) {
        Some(true) => "yes",
        Some(false) => "no",
        None => "not said",
    };
    let push = |sink: &mut Sink, kind: MarkerKind, name: &str, place: Place| {
        sink.marker(kind, name, place);
        if let (Some(sdk), Some(m)) = (sdk, sink.obs.markers.last_mut())
            && m.sdk.is_none()
        {
            m.sdk = Some(sdk.to_owned());
        }
    };
    for item in dict.get("NSPrivacyCollectedDataTypes").and_then(Value::as_array).into_iter().flatten() {
        let Some(d) = item.as_dictionary() else { continue };
        let Some(kind) = d.get("NSPrivacyCollectedDataType").and_then(Value::as_string) else { continue };
        let purposes: Vec<&str> = strings(d.get("NSPrivacyCollectedDataTypePurposes"))
            .map(|p| p.strip_prefix("NSPrivacyCollectedDataTypePurpose").unwrap_or(p))
            .collect();
        let text = format!(
            "{kind} (linked: {}, tracking: {}, purposes: {})",
            flag(d, "NSPrivacyCollectedDataTypeLinked"),
            flag(d, "NSPrivacyCollectedDataTypeTracking"),
            if purposes.is_empty() { "none said".to_owned() } else { purposes.join(", ") }
        );
        let place = at.place(&format!("<string>{kind}</string>"), &text);
        push(sink, MarkerKind::CollectedData, kind, place);
    }
    for item in dict.get("NSPrivacyAccessedAPITypes").and_then(Value::as_array).into_iter().flatten() {
        let Some(d) = item.as_dictionary() else { continue };
        let Some(api) = d.get("NSPrivacyAccessedAPIType").and_then(Value::as_string) else { continue };
        let reasons: Vec<&str> = strings(d.get("NSPrivacyAccessedAPITypeReasons")).collect();
        let text = format!("{api} (reasons: {})", if reasons.is_empty() { "none".into() } else { reasons.join(", ") });
        let place = at.place(&format!("<string>{api}</string>"), &text);
        push(sink, MarkerKind::RequiredReasonApi, api, place);
    }
    for domain in strings(dict.get("NSPrivacyTrackingDomains")).filter(|s| !s.is_empty()) {
        let place = at.place(&format!("<string>{domain}</string>"), &format!("NSPrivacyTrackingDomains: {domain}"));
        // Attributed to the manifest's framework only: a host pattern (`*.facebook.com`) would
        // name one product of a vendor for another's manifest.
        push(sink, MarkerKind::TrackingDomain, domain, place);
    }
}
