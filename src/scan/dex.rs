//! Class names from a Dalvik executable (`classes*.dex`): the header's string, type and class-def
//! tables (AOSP "Dalvik Executable format"), enough to list the Java packages the app defines. An
//! SDK bundled as a bare jar, shaded or not declared anywhere still brings its classes, so the
//! packages are the strongest evidence an APK holds. Our own reader: no kept crate reads only
//! this, and every offset is checked, so a hostile file is an error, never a panic.

use std::collections::BTreeMap;

/// The packages a dex file defines classes in (`com.tencent.mm.opensdk.openapi`), with how many
/// classes each holds.
pub fn packages(bytes: &[u8]) -> Result<BTreeMap<String, u32>, String> {
    if bytes.len() < 0x70 || &bytes[..4] != b"dex\n" {
        return Err("not a dex file (no `dex\\n` magic)".into());
    }
    let u32_at = |at: usize| -> Result<usize, String> {
        bytes
            .get(at..at + 4)
            .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize)
            .ok_or_else(|| format!("truncated at byte {at} (file is {} bytes)", bytes.len()))
    };
    let (string_ids, strings_off) = (u32_at(0x38)?, u32_at(0x3C)?);
    let (type_ids, types_off) = (u32_at(0x40)?, u32_at(0x44)?);
    let (class_defs, classes_off) = (u32_at(0x60)?, u32_at(0x64)?);
    let mut out: BTreeMap<String, u32> = BTreeMap::new();
    for i in 0..class_defs {
        let type_idx = u32_at(classes_off + i * 32)?;
        if type_idx >= type_ids {
            return Err(format!("class {i} names type {type_idx}, past the {type_ids} types"));
        }
        let string_idx = u32_at(types_off + type_idx * 4)?;
        if string_idx >= string_ids {
            return Err(format!("type {type_idx} names string {string_idx}, past the {string_ids} strings"));
        }
        let data = u32_at(strings_off + string_idx * 4)?;
        let descriptor = mutf8(bytes, data)?;
        // `Lcom/foo/Bar;` → `com.foo`; a class in the default package has none.
        let Some(name) = descriptor.strip_prefix('L').and_then(|d| d.strip_suffix(';')) else { continue };
        if let Some((package, _)) = name.rsplit_once('/') {
            *out.entry(package.replace('/', ".")).or_default() += 1;
        }
    }
    Ok(out)
}

/// A string_data_item: ULEB128 length in UTF-16 units, then MUTF-8 bytes up to a NUL.
fn mutf8(bytes: &[u8], at: usize) -> Result<String, String> {
    let mut p = at;
    for _ in 0..5 {
        let b = *bytes.get(p).ok_or_else(|| format!("string at byte {at} runs past the file"))?;
        p += 1;
        if b & 0x80 == 0 {
            break;
        }
    }
    let rest = bytes.get(p..).unwrap_or_default();
    let end = memchr::memchr(0, rest).ok_or_else(|| format!("string at byte {at} has no end"))?;
    // Class descriptors are ASCII in practice; MUTF-8 surrogates become U+FFFD, which is enough
    // to compare package prefixes.
    Ok(String::from_utf8_lossy(&rest[..end]).into_owned())
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Read;

    /// An entry of a real APK under tests/fixtures/binary, read with the zip crate.
    pub(crate) fn entry(apk: &str, name: &str) -> Vec<u8> {
        let f = std::fs::File::open(format!("{}/tests/fixtures/binary/{apk}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        let mut zip = zip::ZipArchive::new(f).unwrap();
        let mut out = Vec::new();
        zip.by_name(name).unwrap().read_to_end(&mut out).unwrap();
        out
    }

    /// `classes.dex` of shazam/fork's test app.
    fn fork_dex() -> Vec<u8> {
        entry("fork.apk", "classes.dex")
    }

    #[test]
    fn wechat_opensdk_classes_are_found_in_a_real_app() {
        // wechat-demo.apk: AndroidManifest.xml and classes.dex of 1097919195/MyWeixinTest's
        // release APK, entries unchanged. `dexdump` shows 8 classes in com/tencent/mm/opensdk/openapi.
        let p = packages(&entry("wechat-demo.apk", "classes.dex")).unwrap();
        assert_eq!(p.get("com.tencent.mm.opensdk.openapi"), Some(&8));
        assert_eq!(p.get("com.tencent.mm.opensdk.modelpay"), Some(&6));
        let els = crate::scan::axml::decode(&entry("wechat-demo.apk", "AndroidManifest.xml")).unwrap();
        let perms: Vec<&str> =
            els.iter().filter(|e| e.name == "uses-permission").filter_map(|e| e.android("name")).collect();
        assert_eq!(perms, ["android.permission.INTERNET"]);
        let activities: Vec<&str> =
            els.iter().filter(|e| e.name == "activity").filter_map(|e| e.android("name")).collect();
        assert!(activities.contains(&"com.ansen.shoenet.wxapi.WXEntryActivity"));
    }

    #[test]
    fn real_manifest_keeps_sdk_23_permissions_and_max_sdk() {
        // `aapt dump permissions fork.apk`: RECORD_AUDIO; GET_ACCOUNTS maxSdkVersion=22;
        // uses-permission-sdk-23 com.shazam.forktest.A_TEST_PERMISSION maxSdkVersion=24.
        let els = crate::scan::axml::decode(&entry("fork.apk", "AndroidManifest.xml")).unwrap();
        let perms: Vec<(&str, &str, Option<&str>)> = els
            .iter()
            .filter(|e| e.name.starts_with("uses-permission"))
            .map(|e| (e.name.as_str(), e.android("name").unwrap_or(""), e.android("maxSdkVersion")))
            .collect();
        assert_eq!(
            perms,
            [
                ("uses-permission", "android.permission.RECORD_AUDIO", None),
                ("uses-permission", "android.permission.GET_ACCOUNTS", Some("22")),
                ("uses-permission-sdk-23", "com.shazam.forktest.A_TEST_PERMISSION", Some("24")),
            ]
        );
    }

    #[test]
    fn real_dex_lists_its_packages() {
        // Ground truth: `dexdump` lists six classes, two in com/shazam/fork, four in com/shazam/forktest.
        let p = packages(&fork_dex()).unwrap();
        let want: BTreeMap<String, u32> =
            [("com.shazam.fork".to_owned(), 2), ("com.shazam.forktest".to_owned(), 4)].into();
        assert_eq!(p, want);
    }

    #[test]
    fn broken_dex_is_an_error() {
        let bytes = fork_dex();
        assert!(packages(b"PK\x03\x04").is_err());
        for cut in [0x70, 0x200, bytes.len() / 2] {
            let _ = packages(&bytes[..cut]);
        }
        let mut b = bytes.clone();
        b[0x64..0x68].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(packages(&b).is_err());
    }
}
