//! The bundled SDK signature database (`data/sdk-signatures.json`): for each SDK its names, vendor,
//! package coordinates per ecosystem, Android markers, hosts and the data it typically collects.
//! It is data, versioned with the repository, not code: it is compiled in with `include_str!` and
//! parsed once.

use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

const BUNDLED: &str = include_str!("../../data/sdk-signatures.json");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Names {
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vendor {
    pub zh: String,
    pub en: String,
    pub country: String,
    #[serde(default)]
    pub policy: Option<String>,
    /// Where the vendor takes privacy requests (its notice's contact line).
    #[serde(default)]
    pub contact: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AndroidMarkers {
    #[serde(default)]
    pub components: Vec<String>,
    #[serde(default)]
    pub meta_data: Vec<String>,
    /// Java package prefixes of its classes in `classes*.dex` (`com.tencent.mm.opensdk`).
    #[serde(default)]
    pub dex: Vec<String>,
    /// Native library file names it ships (`libBugly.so`).
    #[serde(default)]
    pub native: Vec<String>,
    /// Asset paths (under `assets/`) it ships.
    #[serde(default)]
    pub assets: Vec<String>,
    /// Name prefixes of its vendored `.jar`/`.aar` files (`open_sdk_`).
    #[serde(default)]
    pub jars: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IosMarkers {
    /// Bundle and static-library names (`AlipaySDK.framework`, `libWeChatSDK.a`).
    #[serde(default)]
    pub frameworks: Vec<String>,
    /// `Info.plist` usage-description keys it needs (`NSLocationWhenInUseUsageDescription`).
    #[serde(default)]
    pub usage_keys: Vec<String>,
}

/// One SDK of the database.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    pub id: String,
    pub name: Names,
    pub vendor: Vendor,
    pub purpose: String,
    #[serde(default)]
    pub packages: Vec<String>,
    #[serde(default)]
    pub android: AndroidMarkers,
    #[serde(default)]
    pub ios: IosMarkers,
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Android permissions it needs, per the vendor's own compliance notice.
    #[serde(default)]
    pub permissions: Vec<String>,
    /// Ids of the SDKs this one ships inside (a push SDK's vendor channels): when both are found,
    /// its evidence counts for the product that carries it.
    #[serde(default)]
    pub part_of: Vec<String>,
    /// Taxonomy categories of the personal data it typically collects.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Where the facts come from (the vendor's SDK privacy notice or docs).
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    updated: String,
    sdks: Vec<Signature>,
}

/// The database with its lookup indexes.
#[derive(Debug)]
pub struct Database {
    pub version: u32,
    pub updated: String,
    pub sdks: Vec<Signature>,
    /// Normalised coordinate → sdk indexes; `maven:group:*` entries are kept as `maven:group:*`.
    by_package: BTreeMap<String, Vec<usize>>,
    by_marker: BTreeMap<String, Vec<usize>>,
    /// Vendored binary file names (`libBugly.so`, `AlipaySDK.framework`, `libWeChatSDK.a`) →
    /// sdk indexes.
    by_file: BTreeMap<String, Vec<usize>>,
    /// The same native and static library names without their version (`libbaidumapsdk_map.so`
    /// for `libBaiduMapSDK_map_v5_4_0.so`, `libjpush-ios.a` for `libjpush-ios-2.2.0.a`): vendors
    /// put the version in the file name.
    by_file_unversioned: BTreeMap<String, Vec<usize>>,
    /// Name prefixes of vendored `.jar`/`.aar` files, with their sdk index.
    jar_prefixes: Vec<(String, usize)>,
    by_id: BTreeMap<String, usize>,
}

impl Database {
    /// The database compiled into piflow.
    pub fn bundled() -> &'static Database {
        static DB: OnceLock<Database> = OnceLock::new();
        DB.get_or_init(|| {
            // The file is checked by a unit test below; a broken edit fails `cargo test`, so an
            // empty database here can only come from a build that skipped the tests.
            Database::parse(BUNDLED).unwrap_or_else(|_| Database::from_sdks(0, String::new(), Vec::new()))
        })
    }

    pub fn parse(text: &str) -> Result<Database, serde_json::Error> {
        let f: File = serde_json::from_str(text)?;
        Ok(Database::from_sdks(f.version, f.updated, f.sdks))
    }

    fn from_sdks(version: u32, updated: String, sdks: Vec<Signature>) -> Database {
        let mut by_package: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut by_marker: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut by_file: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut by_file_unversioned: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        let mut jar_prefixes = Vec::new();
        for (i, s) in sdks.iter().enumerate() {
            for p in &s.packages {
                by_package.entry(subspec_key(p).unwrap_or_else(|| normalize(p))).or_default().push(i);
            }
            // What a built APK shows (`piflow scan app.apk`) is looked up as a coordinate too:
            // `dex:PREFIX` for its classes' package prefix, `asset:PATH` for a file it ships.
            for d in &s.android.dex {
                by_package.entry(format!("dex:{d}")).or_default().push(i);
            }
            for a in &s.android.assets {
                by_package.entry(format!("asset:{a}")).or_default().push(i);
            }
            for m in s.android.components.iter().chain(&s.android.meta_data) {
                by_marker.entry(m.clone()).or_default().push(i);
            }
            for f in s.android.native.iter().chain(&s.ios.frameworks) {
                by_file.entry(f.to_ascii_lowercase()).or_default().push(i);
            }
            for f in s.android.native.iter().chain(&s.ios.frameworks) {
                by_file_unversioned.entry(unversioned(f)).or_default().push(i);
            }
            jar_prefixes.extend(s.android.jars.iter().map(|j| (j.to_ascii_lowercase(), i)));
        }
        // Longest prefix first, so `open_sdk_` is tried before a shorter prefix of another SDK.
        jar_prefixes.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.cmp(b)));
        let by_id = sdks.iter().enumerate().map(|(i, s)| (s.id.clone(), i)).collect();
        Database { version, updated, sdks, by_package, by_marker, by_file, by_file_unversioned, jar_prefixes, by_id }
    }

    /// The SDKs a coordinate belongs to (exact, or through a `maven:group:*` entry). A
    /// `vendored:FILE` coordinate (a binary checked into the tree) is looked up by file name.
    pub fn by_package(&self, coordinate: &str) -> Vec<&Signature> {
        if let Some(file) = coordinate.strip_prefix("vendored:") {
            return self.by_file(file);
        }
        let norm = normalize(coordinate);
        // A subspec that bundles another vendor's SDK (`UMengUShare/Social/WeChat` carries the
        // WeChat SDK) is known by its full name, before the pod it belongs to.
        let mut hits: Vec<usize> =
            subspec_key(coordinate).and_then(|k| self.by_package.get(&k)).cloned().unwrap_or_default();
        hits.extend(self.by_package.get(&norm).into_iter().flatten());
        if let Some(group) = maven_group_wildcard(&norm) {
            hits.extend(self.by_package.get(&group).into_iter().flatten());
        }
        // Keep the order (subspec first), drop repeats.
        let mut seen = BTreeSet::new();
        hits.retain(|i| seen.insert(*i));
        hits.into_iter().map(|i| &self.sdks[i]).collect()
    }

    /// The SDKs an Android component class or `meta-data` key belongs to.
    pub fn by_marker(&self, name: &str) -> Vec<&Signature> {
        self.by_marker.get(name).into_iter().flatten().map(|&i| &self.sdks[i]).collect()
    }

    /// The SDKs a vendored binary belongs to, by its file name (no directories): a native library
    /// (`libBugly.so`), an iOS framework or static library (`AlipaySDK.framework`,
    /// `libWeChatSDK.a`), or a `.jar`/`.aar` whose name starts with one of an SDK's prefixes
    /// (`open_sdk_3.5.14_lite.jar`), or of a `_`-separated part of it (a combined download).
    /// Case-insensitive: file systems and vendors' zips disagree.
    pub fn by_file(&self, name: &str) -> Vec<&Signature> {
        let lower = name.to_ascii_lowercase();
        let mut hits: Vec<usize> = self.by_file.get(&lower).cloned().unwrap_or_default();
        if hits.is_empty() && (lower.ends_with(".so") || lower.ends_with(".a")) {
            hits.extend(self.by_file_unversioned.get(&unversioned(&lower)).into_iter().flatten());
        }
        if hits.is_empty() && (lower.ends_with(".jar") || lower.ends_with(".aar")) {
            // A vendor's combined download names each product it carries, joined by `_`
            // (`AMap3DMap_10.0_AMapSearch_9.7_AMapLocation_6.4_20241017.jar`): a name prefix counts
            // at the start of the name and at the start of each `_`-separated part.
            let starts = std::iter::once(0).chain(lower.match_indices('_').map(|(at, _)| at + 1));
            for at in starts {
                let rest = &lower[at..];
                if let Some(&(_, i)) = self.jar_prefixes.iter().find(|(p, _)| rest.starts_with(p.as_str()))
                    && !hits.contains(&i)
                {
                    hits.push(i);
                }
            }
        }
        hits.into_iter().map(|i| &self.sdks[i]).collect()
    }

    /// The product an SDK's evidence counts for, given the ids found present on their own
    /// evidence: an SDK that ships inside another (`part_of`, e.g. a push SDK's vendor channel
    /// adapter) counts for the first of its carriers that is present, so one product is
    /// reported, not its parts; else for itself.
    pub fn product<'a>(&'a self, sig: &'a Signature, present: &BTreeSet<&str>) -> &'a Signature {
        let mut at = sig;
        // part_of chains are short; the bound keeps a cycle in an edited database finite.
        for _ in 0..4 {
            match at.part_of.iter().find(|p| present.contains(p.as_str())).and_then(|p| self.get(p)) {
                Some(carrier) if carrier.id != at.id => at = carrier,
                _ => break,
            }
        }
        at
    }

    /// The SDK a marker shared by several SDKs counts for (an API-key `meta-data` name such as
    /// `TencentMapSDK`, which Tencent's map and location SDKs both read): the first of them found
    /// present on other evidence, else the first listed. `None` when the marker names no SDK.
    pub fn shared_marker<'a>(&'a self, name: &str, present: &BTreeSet<&str>) -> Option<&'a Signature> {
        let hits = self.by_marker(name);
        hits.iter().find(|s| present.contains(s.id.as_str())).or(hits.first()).copied()
    }

    /// The SDKs whose hosts include `host`.
    pub fn by_host(&self, host: &str) -> Vec<&Signature> {
        self.sdks.iter().filter(|s| s.hosts.iter().any(|p| host_matches(p, host))).collect()
    }

    pub fn get(&self, id: &str) -> Option<&Signature> {
        self.by_id.get(id).map(|&i| &self.sdks[i])
    }
}

/// A native (`.so`) or static (`.a`) library's name in lower case without a trailing version
/// (`_v5_4_0`, `-3.3.0`, `_v6`): `libBaiduMapSDK_map_v5_4_0.so` → `libbaidumapsdk_map.so`. A
/// name without one is returned as is (lower case).
fn unversioned(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let Some((stem, ext)) =
        lower.strip_suffix(".so").map(|s| (s, "so")).or_else(|| lower.strip_suffix(".a").map(|s| (s, "a")))
    else {
        return lower;
    };
    // The version is the run of digits, `_` and `.` at the end of the stem.
    let start = stem
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '_' || c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let (head, version) = stem.split_at(start);
    if !version.contains(|c: char| c.is_ascii_digit()) {
        return lower;
    }
    // `_5_4_0` carries its separator; `v5_4_0` and `5.4.0` need one before them (`_v`, `-`), so
    // digits glued to a word (`liblocSDK7`) stay part of the name.
    let head = if version.starts_with(['_', '.']) {
        head
    } else {
        match head.strip_suffix('v').unwrap_or(head).strip_suffix(['_', '-']) {
            Some(h) => h,
            None => return lower,
        }
    };
    if head.is_empty() { lower } else { format!("{head}.{ext}") }
}

/// The index key of a CocoaPods subspec coordinate (`cocoapods:Pod/Sub`), kept whole.
fn subspec_key(coordinate: &str) -> Option<String> {
    let (eco, name) = coordinate.split_once(':')?;
    (eco.trim().eq_ignore_ascii_case("cocoapods") && name.contains('/'))
        .then(|| format!("cocoapods-subspec:{}", name.trim()))
}

/// `maven:g:a` → `maven:g:*`.
fn maven_group_wildcard(norm: &str) -> Option<String> {
    let rest = norm.strip_prefix("maven:")?;
    let (group, _) = rest.split_once(':')?;
    Some(format!("maven:{group}:*"))
}

/// A coordinate in the form lookups compare: names are case-insensitive where the ecosystem says
/// so (PyPI per PEP 503, SwiftPM repository URLs, Go module paths are case-sensitive but hosted on
/// case-insensitive GitHub), a Maven version suffix is dropped, and a CocoaPods subspec
/// (`Firebase/Analytics`) stands for its pod.
pub fn normalize(coordinate: &str) -> String {
    let Some((eco, name)) = coordinate.split_once(':') else { return coordinate.trim().to_owned() };
    let eco = eco.trim().to_ascii_lowercase();
    let name = name.trim();
    let name = match eco.as_str() {
        "pypi" => {
            let mut out = String::new();
            for part in name.to_ascii_lowercase().split(['-', '_', '.']).filter(|s| !s.is_empty()) {
                if !out.is_empty() {
                    out.push('-');
                }
                out.push_str(part);
            }
            out
        }
        "maven" => {
            let mut parts = name.split(':');
            match (parts.next(), parts.next()) {
                (Some(g), Some(a)) => format!("{g}:{a}"),
                _ => name.to_owned(),
            }
        }
        "cocoapods" => name.split('/').next().unwrap_or(name).to_owned(),
        "swiftpm" => swiftpm_location(name),
        "go" => name.to_owned(),
        _ => name.to_owned(),
    };
    format!("{eco}:{name}")
}

/// A SwiftPM repository location as `github.com/owner/repo`, lower case: no scheme, no user, no
/// `.git`, no trailing slash; `git@github.com:owner/repo.git` too.
pub fn swiftpm_location(url: &str) -> String {
    let mut s = url.trim().to_ascii_lowercase();
    for scheme in ["https://", "http://", "ssh://", "git://"] {
        if let Some(rest) = s.strip_prefix(scheme) {
            s = rest.to_owned();
        }
    }
    if let Some((user, rest)) = s.split_once('@')
        && !user.contains('/')
    {
        s = rest.replacen(':', "/", 1);
    }
    let s = s.trim_end_matches('/');
    s.strip_suffix(".git").unwrap_or(s).to_owned()
}

/// Whether a host pattern (`*.umeng.com` or `api.example.com`) covers `host`. A wildcard covers the
/// domain itself and every subdomain, never a look-alike (`evilumeng.com`).
pub fn host_matches(pattern: &str, host: &str) -> bool {
    let pattern = pattern.trim().trim_end_matches('.').to_ascii_lowercase();
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(domain) => host == domain || host.strip_suffix(domain).is_some_and(|head| head.ends_with('.')),
        None => host == pattern,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_database_parses_and_is_consistent() {
        let db = Database::parse(BUNDLED).expect("data/sdk-signatures.json must parse");
        assert!(db.sdks.len() >= 600, "at least 600 SDKs");
        let ids_set: BTreeSet<&str> = db.sdks.iter().map(|s| s.id.as_str()).collect();
        let mut ids: Vec<&str> = db.sdks.iter().map(|s| s.id.as_str()).collect();
        ids.sort_unstable();
        let n = ids.len();
        ids.dedup();
        assert_eq!(n, ids.len(), "sdk ids are unique");
        for s in &db.sdks {
            for f in &s.fields {
                assert!(
                    crate::model::taxonomy::CATEGORIES.iter().any(|c| c.key == f),
                    "{}: `{f}` is not a taxonomy category",
                    s.id
                );
            }
            for p in &s.packages {
                assert!(p.contains(':'), "{}: `{p}` has no ecosystem", s.id);
            }
            assert!(
                s.source.starts_with("https://") || s.source.starts_with("http://"),
                "{}: source must be a URL",
                s.id
            );
            assert!(crate::model::is_country(&s.vendor.country), "{}: vendor country", s.id);
            for p in &s.permissions {
                let ok = p.split('.').count() >= 3
                    && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
                    && p.rsplit('.').next().is_some_and(|last| {
                        last.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                    });
                assert!(ok, "{}: `{p}` does not look like an Android permission", s.id);
            }
            for p in &s.part_of {
                assert!(ids_set.contains(p.as_str()) && p != &s.id, "{}: part_of `{p}` names no other sdk", s.id);
            }
            for h in &s.hosts {
                let bare = h.strip_prefix("*.").unwrap_or(h);
                let ok = bare.contains('.')
                    && bare.split('.').all(|l| {
                        !l.is_empty()
                            && !l.starts_with('-')
                            && l.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    });
                assert!(ok, "{}: `{h}` is not a host name or `*.domain` pattern", s.id);
            }
            for f in s.android.native.iter().chain(&s.ios.frameworks).chain(&s.android.jars) {
                assert!(!f.contains('/') && !f.is_empty(), "{}: `{f}` must be a bare file name", s.id);
            }
        }
    }

    #[test]
    fn parts_count_for_the_product_that_carries_them() {
        let db = Database::bundled();
        let accs = db.by_marker("com.taobao.accs.ChannelService")[0];
        assert_eq!(accs.id, "alibaba-accs");
        let present: BTreeSet<&str> = ["umeng-push", "alibaba-accs"].into_iter().collect();
        assert_eq!(db.product(accs, &present).id, "umeng-push");
        let alone: BTreeSet<&str> = ["alibaba-accs"].into_iter().collect();
        assert_eq!(db.product(accs, &alone).id, "alibaba-accs", "no carrier present: the part itself");
        // An aggregator's vendor channel and an NDK add-on count for their product too.
        let getui_huawei = db.by_marker("com.igexin.sdk.HmsPushMessageService")[0];
        assert_eq!(getui_huawei.id, "getui-push-huawei");
        for (part, carrier) in
            [(getui_huawei, "getui-push"), (db.by_file("libcrashlytics.so")[0], "firebase-crashlytics")]
        {
            let both: BTreeSet<&str> = [carrier, part.id.as_str()].into_iter().collect();
            assert_eq!(db.product(part, &both).id, carrier, "{} counts for {carrier}", part.id);
        }
        // A bare UMENG_APPKEY is the common component, not analytics; the AMap key is not the map.
        assert_eq!(db.by_marker("UMENG_APPKEY")[0].id, "umeng-common");
        assert_eq!(db.by_marker("com.amap.api.v2.apikey")[0].id, "amap-foundation");
        assert_eq!(db.by_package("cocoapods:AMapFoundation-NO-IDFA")[0].id, "amap-foundation");
    }

    #[test]
    fn subspecs_and_vendored_files_resolve() {
        let db = Database::bundled();
        assert_eq!(db.by_package("cocoapods:UMengUShare/Social/WeChat")[0].id, "wechat-opensdk");
        assert_eq!(db.by_package("cocoapods:UMengUShare/UI")[0].id, "umeng-share");
        assert_eq!(db.by_package("cocoapods:UMengUShare")[0].id, "umeng-share");
        assert_eq!(db.by_package("vendored:libWeChatSDK.a")[0].id, "wechat-opensdk");
        assert_eq!(db.by_file("open_sdk_3.5.14_lite.jar")[0].id, "qq-connect");
        assert_eq!(db.by_file("libbugly.so")[0].id, "tencent-bugly");
        assert!(db.by_file("open_sdk_notes.txt").is_empty());
        // U-Share's DingTalk and Alipay-share subspecs carry those vendors' share SDKs.
        assert_eq!(db.by_package("cocoapods:UMengUShare/Social/DingDing")[0].id, "dingtalk-share");
        assert_eq!(db.by_package("cocoapods:UMengUShare/Social/AlipayShare")[0].id, "alipay-share");
        assert_eq!(db.by_file("DTShareKit.framework")[0].id, "dingtalk-share");
        assert_eq!(db.by_file("libAPOpenSdk.a")[0].id, "alipay-share");
        // A combined download counts for each product its name lists, once each.
        let ids = |f: &str| db.by_file(f).iter().map(|s| s.id.as_str()).collect::<Vec<_>>();
        assert_eq!(
            ids("AMap3DMap_10.0.1000_AMapSearch_9.7.4_AMapLocation_6.4.8_20241017.jar"),
            ["amap-map", "amap-search", "amap-location"]
        );
        assert_eq!(ids("AMap_Location_V6.4.8_20241017.jar"), ["amap-location"]);
        // A part that only resembles a prefix inside a word does not count.
        assert_eq!(ids("tbs_sdk_thirdapp_v3.6.0_sharewithdownload.jar"), ["tencent-tbs-x5"]);
        assert_eq!(db.by_package("maven:com.tencent.bugly_16kb:crashreport:4.4.0")[0].id, "tencent-bugly");
    }

    #[test]
    fn versions_in_library_names_are_ignored() {
        assert_eq!(unversioned("libBaiduMapSDK_map_v5_4_0.so"), "libbaidumapsdk_map.so");
        assert_eq!(unversioned("libBaiduMapSDK_map_for_bikenavi_v5_3_0.so"), "libbaidumapsdk_map_for_bikenavi.so");
        assert_eq!(unversioned("libjpush-ios-2.2.0.a"), "libjpush-ios.a");
        assert_eq!(unversioned("libfoo_1.so"), "libfoo.so");
        // Digits glued to the name are the name (`liblocSDK7b`, `liblocSDK5`), as are bare ones.
        assert_eq!(unversioned("liblocSDK5.so"), "liblocsdk5.so");
        assert_eq!(unversioned("liblocSDK7b.so"), "liblocsdk7b.so");
        assert_eq!(unversioned("_1.so"), "_1.so");
        assert_eq!(unversioned("libfoo_.so"), "libfoo_.so");
        assert_eq!(unversioned("x.jar"), "x.jar");
        let db = Database::bundled();
        let id = |f: &str| db.by_file(f).first().map(|s| s.id.clone());
        assert_eq!(id("libBaiduMapSDK_map_v5_4_0.so").as_deref(), Some("baidu-map"));
        assert_eq!(id("libBaiduMapSDK_base_v7_6_1.so").as_deref(), Some("baidu-map"));
        assert_eq!(id("libjpush-ios-2.2.0.a").as_deref(), Some("jpush"));
        assert_eq!(id("libmediautil_v9.so").as_deref(), Some("anychat"), "a versioned database name, another version");
        assert_eq!(id("libBaiduMapSDK_unknown_v5_4_0.so"), None);
        assert_eq!(id("tbs_sdk_thirdapp_v3.6.0.1310_43612.jar").as_deref(), Some("tencent-tbs-x5"));
        assert_eq!(id("SMSSDK-3.3.0.jar").as_deref(), Some("mob-smssdk"));
    }

    #[test]
    fn a_shared_key_counts_for_the_sdk_present() {
        let db = Database::bundled();
        let map: BTreeSet<&str> = ["tencent-map"].into_iter().collect();
        assert_eq!(db.shared_marker("TencentMapSDK", &map).unwrap().id, "tencent-map");
        let loc: BTreeSet<&str> = ["tencent-location"].into_iter().collect();
        assert_eq!(db.shared_marker("TencentMapSDK", &loc).unwrap().id, "tencent-location");
        let none = BTreeSet::new();
        assert_eq!(db.shared_marker("TencentMapSDK", &none).unwrap().id, db.by_marker("TencentMapSDK")[0].id);
        assert!(db.shared_marker("com.example.Nothing", &none).is_none());
    }

    #[test]
    fn coordinates_normalise_per_ecosystem() {
        assert_eq!(normalize("pypi:Sentry_SDK"), "pypi:sentry-sdk");
        assert_eq!(normalize("maven:com.umeng.umsdk:common:9.6.3"), "maven:com.umeng.umsdk:common");
        assert_eq!(normalize("cocoapods:Firebase/Analytics"), "cocoapods:Firebase");
        assert_eq!(
            normalize("swiftpm:https://github.com/getsentry/sentry-cocoa.git"),
            "swiftpm:github.com/getsentry/sentry-cocoa"
        );
        assert_eq!(swiftpm_location("git@github.com:Foo/Bar.git"), "github.com/foo/bar");
    }

    #[test]
    fn wildcard_hosts_cover_domain_and_subdomains_only() {
        assert!(host_matches("*.umeng.com", "umeng.com"));
        assert!(host_matches("*.umeng.com", "alog.umeng.com"));
        assert!(!host_matches("*.umeng.com", "evilumeng.com"));
        assert!(!host_matches("api.x.com", "a.api.x.com"));
        assert!(host_matches("API.x.com", "api.x.com."));
    }

    #[test]
    fn maven_group_wildcards_match_any_artifact() {
        let db = Database::bundled();
        let hits = db.by_package("maven:com.tencent.bugly:crashreport_upgrade:2.0");
        assert_eq!(hits.first().map(|s| s.id.as_str()), Some("tencent-bugly"));
        assert!(db.by_package("maven:com.tencent.buglyx:crashreport").is_empty());
    }

    /// A binary's evidence (a class package, a native library, a component, a framework) must
    /// name one SDK, or the scan would report two products for one file. API-key `meta-data`
    /// names are shared on purpose (AMap's key serves its map, search and navigation SDKs).
    #[test]
    fn binary_markers_belong_to_one_sdk_each() {
        let db = Database::parse(BUNDLED).unwrap();
        let mut seen: BTreeMap<(&str, String), &str> = BTreeMap::new();
        for s in &db.sdks {
            let a = &s.android;
            let marks = a
                .dex
                .iter()
                .map(|m| ("dex", m.clone()))
                .chain(a.components.iter().map(|m| ("component", m.clone())))
                .chain(a.native.iter().chain(&s.ios.frameworks).map(|m| ("file", m.to_ascii_lowercase())))
                .chain(a.jars.iter().map(|m| ("jar", m.to_ascii_lowercase())));
            for (kind, m) in marks {
                if let Some(other) = seen.insert((kind, m.clone()), &s.id) {
                    assert_eq!(other, s.id, "{kind} `{m}` is listed by both {other} and {}", s.id);
                }
            }
            for d in &a.dex {
                let ok =
                    d.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
                assert!(ok, "{}: `{d}` is not a Java package prefix", s.id);
            }
        }
    }

    /// The SDKs Chinese apps commonly embed are all known, each by its own product id.
    #[test]
    fn chinese_market_sdks_are_covered() {
        let db = Database::bundled();
        for id in [
            "umeng-common",
            "umeng-analytics",
            "umeng-push",
            "umeng-share",
            "umeng-verify",
            "umeng-apm",
            "talkingdata",
            "growingio",
            "sensorsdata",
            "zhugeio",
            "baidu-mobstat",
            "tencent-mta",
            "tencent-beacon",
            "hms-push",
            "xiaomi-push",
            "oppo-push",
            "vivo-push",
            "honor-push",
            "meizu-push",
            "jpush",
            "getui-push",
            "aliyun-push",
            "tencent-tpns",
            "cmcc-number-auth",
            "cucc-number-auth",
            "ctcc-number-auth",
            "jverification",
            "chuanglan-shanyan",
            "aliyun-number-auth",
            "netease-yidun-quicklogin",
            "alipay-app-sdk",
            "wechat-opensdk",
            "unionpay-sdk",
            "jdpay-sdk",
            "qq-connect",
            "weibo-sdk",
            "douyin-opensdk",
            "mob-sharesdk",
            "amap-location",
            "amap-map",
            "amap-search",
            "amap-navi",
            "baidu-map",
            "baidu-location",
            "tencent-map",
            "tencent-location",
            "tencent-bugly",
            "tingyun",
            "bonree",
            "firebase-crashlytics",
            "sentry-android",
            "pangle-cn",
            "tencent-gdt",
            "kuaishou-ads",
            "baidu-mobads",
            "sigmob",
            "google-admob",
            "unity-ads",
            "applovin",
            "easemob-im",
            "rongcloud-im",
            "netease-yunxin-im",
            "tencent-im",
            "agora-rtc",
            "zego-express",
            "tencent-trtc",
            "shumei-fingerprint",
            "tongdun-fraudmetrix",
            "alibaba-security-guard",
            "msa-oaid",
            "aliyun-oss",
            "tencent-cos",
            "qiniu",
            "meiqia",
            "sobot",
            "netease-qiyu",
            "aliyun-player",
            "tencent-liteav-player",
            "tencent-tbs-x5",
        ] {
            assert!(db.get(id).is_some(), "`{id}` is in the database");
        }
        // The CocoaPods names issue 22 found missed, new entries, and binaries that name one product.
        for (coordinate, id) in [
            ("cocoapods:Zhugeio", "zhugeio"),
            ("cocoapods:AMap2DMap", "amap-map"), // 2D and 3D are one map product
            ("cocoapods:AMap3DMap", "amap-map"),
            ("maven:com.huawei.hms:maps:6.11.0.304", "hms-map"),
            ("cocoapods:HyphenateLite", "easemob-im"),
            ("cocoapods:UMCPush", "umeng-push"),
            ("cocoapods:UMCSecurityPlugins", "umeng-security"),
            ("cocoapods:WeChatSDK-iOS", "wechat-opensdk"),
            ("vendored:libweibosdkcore.so", "weibo-sdk"),
            ("vendored:libtencentloc.so", "tencent-location"), // the location SDK, not the map
        ] {
            assert_eq!(db.by_package(coordinate).first().map(|s| s.id.as_str()), Some(id), "{coordinate}");
        }
        // Umeng+'s SDK notices name Beijing Ruixun Lingtong as the operator.
        assert_eq!(db.get("umeng-analytics").unwrap().vendor.zh, "北京锐讯灵通科技有限公司");
    }
}
