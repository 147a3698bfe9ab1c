//! What a permission gives an app access to: Android permissions, iOS usage-description keys and
//! Apple privacy-manifest data types mapped to taxonomy categories (`data/android-permissions.json`,
//! compiled in). The scan puts the categories beside each permission in `observed.json`, so a
//! reader (or a rule) can hold what the app may take against what its flows say it collects.
//!
//! Three answers, kept apart: a key with categories; a key known to give none (`INTERNET`,
//! listed with `[]`); a key the map does not know (`None`): unknown, never "none".

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::OnceLock;

const BUNDLED: &str = include_str!("../../data/android-permissions.json");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[allow(dead_code)]
    version: u32,
    #[allow(dead_code)]
    about: String,
    #[allow(dead_code)]
    sources: Vec<String>,
    android: BTreeMap<String, Vec<String>>,
    ios_usage_keys: BTreeMap<String, Vec<String>>,
    ios_data_types: BTreeMap<String, Vec<String>>,
    #[allow(dead_code)]
    needs_permission_about: String,
    needs_permission: BTreeMap<String, Vec<String>>,
}

fn map() -> &'static File {
    static MAP: OnceLock<File> = OnceLock::new();
    MAP.get_or_init(|| {
        // Checked by the unit test below; an unparsable edit fails `cargo test`.
        serde_json::from_str(BUNDLED).unwrap_or_else(|_| File {
            version: 0,
            about: String::new(),
            sources: Vec::new(),
            android: BTreeMap::new(),
            ios_usage_keys: BTreeMap::new(),
            ios_data_types: BTreeMap::new(),
            needs_permission_about: String::new(),
            needs_permission: BTreeMap::new(),
        })
    })
}

/// The categories an Android permission or iOS usage-description key exposes; `None` when the
/// map does not know it.
pub fn permission(name: &str) -> Option<&'static [String]> {
    let m = map();
    m.android.get(name).or_else(|| m.ios_usage_keys.get(name)).map(Vec::as_slice)
}

/// The categories an Apple privacy-manifest data type (`NSPrivacyCollectedDataTypeDeviceID`)
/// stands for; `None` when it has no taxonomy counterpart (crash and performance data) or is not
/// known.
pub fn data_type(name: &str) -> Option<&'static [String]> {
    map().ios_data_types.get(name).map(Vec::as_slice)
}

/// Which permission vocabulary a built app's manifest speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Platform {
    /// `uses-permission` names of an APK or AAB manifest.
    Android,
    /// Usage-description keys of an IPA's `Info.plist`.
    Ios,
}

/// For a category an app can read on the device only through a permission, the permissions
/// (Android) or usage-description keys (iOS) of which any one gives it, in name order. `None`
/// when the category needs no permission (a phone number the user types) or the platform has
/// none that gives it (the IMEI on iOS): nothing to hold a manifest to.
pub fn givers(category: &str, platform: Platform) -> Option<Vec<&'static str>> {
    let m = map();
    let through = m.needs_permission.get(category)?;
    let keys = match platform {
        Platform::Android => &m.android,
        Platform::Ios => &m.ios_usage_keys,
    };
    let found: Vec<&str> =
        keys.iter().filter(|(_, cats)| cats.iter().any(|c| through.contains(c))).map(|(k, _)| k.as_str()).collect();
    (!found.is_empty()).then_some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_map_parses_and_names_only_taxonomy_categories() {
        let f: File = serde_json::from_str(BUNDLED).expect("data/android-permissions.json must parse");
        let all = f.android.iter().chain(&f.ios_usage_keys).chain(&f.ios_data_types);
        for (key, cats) in all {
            for c in cats {
                assert!(crate::model::taxonomy::category(c).is_some(), "{key}: `{c}` is not a taxonomy category");
            }
        }
        for key in f.android.keys() {
            let last = key.rsplit('.').next().unwrap_or("");
            assert!(key.split('.').count() >= 3 && !last.is_empty(), "`{key}` is not a permission name");
        }
        for key in f.ios_usage_keys.keys() {
            assert!(key.ends_with("UsageDescription"), "`{key}` is not a usage-description key");
        }
        for (key, through) in &f.needs_permission {
            assert!(crate::model::taxonomy::category(key).is_some(), "needs_permission: `{key}` is not a category");
            for c in through {
                assert!(crate::model::taxonomy::category(c).is_some(), "needs_permission {key}: `{c}`");
            }
        }
        for key in f.ios_data_types.keys() {
            assert!(key.starts_with("NSPrivacyCollectedDataType"), "`{key}` is not a data type");
        }
    }

    #[test]
    fn known_none_and_unknown_are_kept_apart() {
        assert_eq!(permission("android.permission.ACCESS_FINE_LOCATION").unwrap(), ["location.precise"]);
        assert_eq!(permission("android.permission.READ_CONTACTS").unwrap(), ["communication.contacts"]);
        assert!(permission("android.permission.READ_PHONE_STATE").unwrap().iter().any(|c| c == "device.imei"));
        assert_eq!(permission("NSCameraUsageDescription").unwrap(), ["identity.photo"]);
        assert_eq!(permission("android.permission.INTERNET"), Some(&[][..]), "known to expose nothing");
        assert_eq!(permission("com.example.permission.C2D_MESSAGE"), None, "unknown is not none");
        assert_eq!(data_type("NSPrivacyCollectedDataTypeDeviceID").unwrap(), ["device.id"]);
        assert_eq!(data_type("NSPrivacyCollectedDataTypeCrashData"), None);
    }

    #[test]
    fn givers_only_for_categories_a_permission_guards() {
        let fine = givers("location.precise", Platform::Android).unwrap();
        assert!(fine.contains(&"android.permission.ACCESS_FINE_LOCATION"), "{fine:?}");
        assert!(!fine.contains(&"android.permission.ACCESS_COARSE_LOCATION"), "coarse does not give precise");
        let trail = givers("location.trajectory", Platform::Android).unwrap();
        assert!(trail.contains(&"android.permission.ACCESS_COARSE_LOCATION"), "{trail:?}");
        assert_eq!(givers("communication.contacts", Platform::Ios).unwrap(), ["NSContactsUsageDescription"]);
        let face = givers("biometric.face", Platform::Ios).unwrap();
        assert_eq!(face, ["NSCameraUsageDescription", "NSPhotoLibraryUsageDescription"]);
        assert_eq!(givers("device.idfa", Platform::Ios).unwrap(), ["NSUserTrackingUsageDescription"]);
        // Typed by the user, or obtainable without a permission: never judged.
        assert_eq!(givers("contact.phone", Platform::Android), None);
        assert_eq!(givers("identity.photo", Platform::Android), None);
        assert_eq!(givers("location.coarse", Platform::Ios), None);
        // No permission on the platform gives it.
        assert_eq!(givers("device.imei", Platform::Ios), None);
        assert_eq!(givers("device.idfa", Platform::Android), None);
    }
}
