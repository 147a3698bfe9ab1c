//! Built apps: Android APK and AAB archives here; IPA in `ipa.rs`, through the same bounded
//! [`read_archive`]. Regulators test the shipped binary, not the source, so the same evidence a source
//! scan gives is read from it: the manifest's permissions, components, `meta-data` keys and
//! `<queries>`; the Java packages the dex files define; native library names; assets.
//!
//! The zip is read with the `zip` crate straight from the file, one entry at a time, and never
//! unpacked to disk. Memory and time stay bounded on a hostile or huge archive: only the entries
//! a scan needs are decompressed, each at most [`MAX_ENTRY_BYTES`], all together at most
//! [`MAX_TOTAL_BYTES`], and an entry that inflates more than [`MAX_RATIO`] times its compressed
//! size is refused as a zip bomb. A damaged archive (cut short, bad central directory, a corrupt
//! entry) becomes a [`Problem`](super::Problem) and what could be read is kept. A bundle's
//! manifest is aapt2 protobuf XML, read by `axml::decode_proto` into the same elements.
//!
//! Places name the entry inside the archive, `app.apk!classes.dex`, so `check --observed` points
//! at the binary like at a source file. The "line" of a manifest observation is the element's
//! ordinal in document order (the n-th start tag); of a dex observation, the ordinal of the
//! SDK's package prefix among those found in that dex file.

use super::walk::Sink;
use super::{MarkerKind, Place, Problem};
use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};

/// The most bytes one entry (a dex file, a manifest, a plist) may inflate to. Real dex files stay
/// far below (the 64K-method limit keeps them near 10 MB).
pub const MAX_ENTRY_BYTES: u64 = 64 << 20;
/// The most bytes all the entries read from one archive may inflate to.
pub const MAX_TOTAL_BYTES: u64 = 1 << 30;
/// An entry that inflates more than this many times its compressed size is a zip bomb (dex and
/// binary XML compress 2–10 times).
pub const MAX_RATIO: u64 = 100;
/// Entries below this size are never refused by ratio (a run of zeros compresses 1000:1 honestly).
const RATIO_FLOOR: u64 = 1 << 20;
/// The most entries an archive may list (large real APKs have a few tens of thousands).
pub const MAX_ENTRIES: usize = 500_000;
/// Entry names are quoted in places; longer ones are cut.
const MAX_NAME_CHARS: usize = 300;

/// The file extensions read as built apps.
pub fn is_app_archive(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".apk", ".aab", ".ipa"].iter().any(|ext| lower.ends_with(ext))
}

/// What reading an archive gave: every entry name (in archive order) and the problems met.
pub(crate) struct Listing {
    pub names: Vec<String>,
    pub problems: Vec<String>,
}

/// Bytes left to inflate from one archive.
struct Budget {
    total: u64,
}

impl Budget {
    /// Read one entry within the limits; `Err` says which limit or what damage stopped it.
    fn read(&mut self, entry: &mut impl Read, declared: u64, compressed: u64) -> Result<Vec<u8>, String> {
        let cap = MAX_ENTRY_BYTES.min(self.total);
        if declared > cap {
            return Err(limit_message(declared, cap, self.total));
        }
        // The declared size can lie: read one byte more than allowed to see whether it does.
        let mut out = Vec::with_capacity(declared.min(cap) as usize);
        entry.take(cap + 1).read_to_end(&mut out).map_err(|e| format!("cannot inflate: {e}"))?;
        let got = out.len() as u64;
        self.total = self.total.saturating_sub(got);
        if got > cap {
            return Err(limit_message(got, cap, self.total));
        }
        if got > RATIO_FLOOR && got / compressed.max(1) > MAX_RATIO {
            return Err(format!(
                "inflates from {compressed} to over {got} bytes (more than {MAX_RATIO} times): refused as a zip bomb"
            ));
        }
        Ok(out)
    }
}

fn limit_message(size: u64, cap: u64, left: u64) -> String {
    if cap == left && left < MAX_ENTRY_BYTES {
        format!("not read: the archive's {MAX_TOTAL_BYTES}-byte read budget is spent (this entry is {size} bytes)")
    } else {
        format!("not read: {size} bytes is over the {MAX_ENTRY_BYTES}-byte limit for one entry")
    }
}

fn clip(name: &str) -> String {
    if name.chars().count() <= MAX_NAME_CHARS {
        return name.to_owned();
    }
    let mut s: String = name.chars().take(MAX_NAME_CHARS).collect();
    s.push('…');
    s
}

/// What is done with each wanted entry: its name, and its bytes or why they could not be read.
pub(crate) type Visit<'a> = dyn FnMut(&str, Result<Vec<u8>, String>) + 'a;

/// Read the zip opened as `file`: list every entry name, and hand each entry `want` accepts to `visit`
/// with its bytes (or why they could not be read). Entries are inflated one at a time, so memory
/// holds the central directory and one entry. When the central directory is damaged the local
/// headers are read from the start instead, as far as they go. `Err` only when nothing at all
/// could be read.
pub(crate) fn read_archive(file: &File, want: &dyn Fn(&str) -> bool, visit: &mut Visit) -> Result<Listing, String> {
    // Read from the handle the caller opened and checked (a regular file, opened non-blocking),
    // never by its path again: the path may be a FIFO or a link out of the tree by now.
    let open = || {
        let mut f = file;
        f.seek(SeekFrom::Start(0)).map(|_| f).map_err(|e| format!("cannot read: {e}"))
    };
    let mut budget = Budget { total: MAX_TOTAL_BYTES };
    let mut listing = Listing { names: Vec::new(), problems: Vec::new() };
    match zip::ZipArchive::new(BufReader::new(open()?)) {
        Ok(mut zip) => {
            if zip.len() > MAX_ENTRIES {
                return Err(format!("lists {} entries, over the limit of {MAX_ENTRIES}; not read", zip.len()));
            }
            for i in 0..zip.len() {
                let mut entry = match zip.by_index(i) {
                    Ok(e) => e,
                    Err(e) => {
                        listing.problems.push(format!("entry {i} cannot be read: {e}"));
                        continue;
                    }
                };
                let name = clip(&String::from_utf8_lossy(entry.name_raw()));
                if entry.is_dir() {
                    continue;
                }
                if want(&name) {
                    let (declared, compressed) = (entry.size(), entry.compressed_size());
                    visit(&name, budget.read(&mut entry, declared, compressed));
                }
                listing.names.push(name);
            }
        }
        Err(e) => {
            // Cut short or its directory broken: walk the local headers from the front.
            let mut reader = BufReader::new(open()?);
            loop {
                match zip::read::read_zipfile_from_stream(&mut reader) {
                    Ok(Some(mut entry)) => {
                        let name = clip(&String::from_utf8_lossy(entry.name_raw()));
                        if entry.is_dir() {
                            continue;
                        }
                        if listing.names.len() >= MAX_ENTRIES {
                            listing.problems.push(format!("stopped after {MAX_ENTRIES} entries"));
                            break;
                        }
                        if want(&name) {
                            let (declared, compressed) = (entry.size(), entry.compressed_size());
                            visit(&name, budget.read(&mut entry, declared, compressed));
                        }
                        // Skip the rest of the entry's data to reach the next header.
                        if let Err(err) = std::io::copy(&mut entry, &mut std::io::sink()) {
                            listing.names.push(name);
                            listing.problems.push(format!("the archive breaks off inside an entry: {err}"));
                            break;
                        }
                        listing.names.push(name);
                    }
                    Ok(None) => break,
                    Err(err) => {
                        if listing.names.is_empty() {
                            return Err(format!("not a readable zip archive: {e}"));
                        }
                        listing.problems.push(format!("the archive breaks off: {err}"));
                        break;
                    }
                }
            }
            listing.problems.insert(
                0,
                format!(
                    "damaged archive ({e}); read {} entries from its start, the evidence below may be incomplete",
                    listing.names.len()
                ),
            );
        }
    }
    Ok(listing)
}

/// The place of an observation inside an archive: `app.apk!entry`, a line, its quoted text.
pub(crate) fn place(archive: &str, entry: &str, line: u32, text: &str) -> Place {
    let file = if entry.is_empty() { archive.to_owned() } else { format!("{archive}!{entry}") };
    Place { file, line: line.max(1), text: super::locate::quote(text) }
}

/// The entry names of an archive read, its problems reported; `None` (reported too) when it
/// could not be read at all.
pub(crate) fn reported(sink: &mut Sink, archive: &str, read: Result<Listing, String>) -> Option<Vec<String>> {
    match read {
        Ok(listing) => {
            for p in listing.problems {
                problem(sink, archive, "", p);
            }
            Some(listing.names)
        }
        Err(e) => {
            problem(sink, archive, "", e);
            None
        }
    }
}

pub(crate) fn problem(sink: &mut Sink, archive: &str, entry: &str, message: String) {
    sink.obs.problems.push(Problem { message, place: place(archive, entry, 1, "") });
}

/// Scan a built app opened as `file` (shown as `shown`; opened through
/// [`crate::source::read::open`], so a regular file): APK and AAB here, IPA in `ipa.rs`.
pub(crate) fn scan_app(file: &File, shown: &str, sink: &mut Sink) {
    let lower = shown.to_ascii_lowercase();
    if lower.ends_with(".ipa") {
        return super::ipa::scan(file, shown, sink);
    }
    let bundle = lower.ends_with(".aab");
    let manifest_entry = if bundle { "manifest/AndroidManifest.xml" } else { "AndroidManifest.xml" };
    let mut manifests: Vec<(String, Vec<u8>)> = Vec::new();
    let want = |name: &str| {
        let (_, rest) = split_module(name, bundle);
        is_dex(rest) || rest == manifest_entry
    };
    let mut visit = |name: &str, bytes: Result<Vec<u8>, String>| {
        let (_, rest) = split_module(name, bundle);
        match bytes {
            // Decoded as it comes, so only one dex file's bytes are held at a time.
            Ok(b) if is_dex(rest) => read_dex(shown, name, &b, sink),
            Ok(b) => manifests.push((name.to_owned(), b)),
            Err(e) => problem(sink, shown, name, e),
        }
    };
    let read = read_archive(file, &want, &mut visit);
    let Some(names) = reported(sink, shown, read) else { return };
    for (entry, bytes) in manifests {
        read_manifest(shown, &entry, &bytes, bundle, sink);
    }
    let mut natives: BTreeMap<&str, &str> = BTreeMap::new();
    for name in &names {
        let (_, rest) = split_module(name, bundle);
        if let Some((_abi, lib)) = rest.strip_prefix("lib/").and_then(|r| r.split_once('/'))
            && !lib.contains('/')
            && lib.ends_with(".so")
        {
            // One place per library, at its first ABI (they are the same code).
            natives.entry(lib).or_insert(name);
        }
    }
    for (lib, entry) in natives {
        if !sink.db.by_file(lib).is_empty() {
            sink.package("vendored", lib, None, place(shown, entry, 1, lib));
        }
    }
    read_assets(shown, bundle, &names, sink);
}

/// An AAB's entries live under their module (`base/dex/classes.dex`, `base/lib/…`); an APK's at
/// the root. Returns (module, path inside it); an AAB's dex sits in `dex/`, so it is mapped to
/// the APK spelling.
fn split_module(name: &str, bundle: bool) -> (&str, &str) {
    if !bundle {
        return ("", name);
    }
    match name.split_once('/') {
        Some((module, rest)) => (module, rest.strip_prefix("dex/").unwrap_or(rest)),
        None => ("", name),
    }
}

/// `classes.dex`, `classes2.dex`, … at the root of the APK (or of a bundle module's `dex/`).
fn is_dex(name: &str) -> bool {
    name.strip_prefix("classes")
        .and_then(|r| r.strip_suffix(".dex"))
        .is_some_and(|n| n.is_empty() || n.chars().all(|c| c.is_ascii_digit()))
}

/// The Java package prefixes the database knows SDKs by.
fn dex_prefixes<'d>(sink: &Sink<'d>) -> BTreeSet<&'d str> {
    sink.db.sdks.iter().flat_map(|s| s.android.dex.iter().map(String::as_str)).collect()
}

/// The longest database prefix a Java package falls under (`com.tencent.mm.opensdk.openapi` →
/// `com.tencent.mm.opensdk`), whole package segments only.
fn prefix_of<'a>(package: &str, prefixes: &BTreeSet<&'a str>) -> Option<&'a str> {
    let mut at = package;
    loop {
        if let Some(k) = prefixes.get(at) {
            return Some(k);
        }
        at = at.rsplit_once('.')?.0;
    }
}

fn read_dex(shown: &str, entry: &str, bytes: &[u8], sink: &mut Sink) {
    let packages = match super::dex::packages(bytes) {
        Ok(p) => p,
        Err(e) => return problem(sink, shown, entry, format!("cannot read the dex file: {e}")),
    };
    let prefixes = dex_prefixes(sink);
    // prefix → (classes, packages)
    let mut found: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for (package, classes) in &packages {
        if let Some(p) = prefix_of(package, &prefixes) {
            let e = found.entry(p.to_owned()).or_default();
            e.0 += classes;
            e.1 += 1;
        }
    }
    for (n, (prefix, (classes, packages))) in found.into_iter().enumerate() {
        let text = format!("{prefix}.* ({classes} classes in {packages} packages)");
        sink.package("dex", &prefix, None, place(shown, entry, n as u32 + 1, &text));
    }
}

fn read_assets(shown: &str, bundle: bool, names: &[String], sink: &mut Sink) {
    let known: Vec<&str> = sink.db.sdks.iter().flat_map(|s| s.android.assets.iter().map(String::as_str)).collect();
    if known.is_empty() {
        return;
    }
    let mut seen = BTreeSet::new();
    for name in names {
        let (_, rest) = split_module(name, bundle);
        let Some(asset) = rest.strip_prefix("assets/") else { continue };
        // A database asset is a file (`x.dat`) or a directory (`x/`) under assets/.
        let hit = known.iter().find(|k| if k.ends_with('/') { asset.starts_with(*k) } else { asset == **k });
        if let Some(k) = hit
            && seen.insert(*k)
        {
            sink.package("asset", k, None, place(shown, name, 1, asset));
        }
    }
}

/// The manifest of an APK (Android binary XML) or of an app bundle (aapt2 protobuf XML):
/// permissions, components, `meta-data` keys, queried apps.
fn read_manifest(shown: &str, entry: &str, bytes: &[u8], bundle: bool, sink: &mut Sink) {
    let decoded = if bundle { super::axml::decode_proto(bytes) } else { super::axml::decode(bytes) };
    let elements = match decoded {
        Ok(e) => e,
        Err(e) => return problem(sink, shown, entry, format!("cannot read the binary manifest: {e}")),
    };
    let package = elements
        .first()
        .filter(|e| e.name == "manifest")
        .and_then(|e| e.attrs.iter().find(|a| a.name == "package" && a.ns.is_empty()).map(|a| a.value.clone()));
    // The manifest was read whole: its permissions are all the app may ask for.
    if let Some(root) = elements.first().filter(|e| e.name == "manifest") {
        let name = package.as_deref().filter(|p| !p.is_empty()).unwrap_or(entry);
        sink.marker(MarkerKind::App, name, place(shown, entry, 1, &root.render()));
    }
    // The element each depth is inside of, to tell `<application><meta-data>` from an
    // activity's, and `<queries><package>` from anything else.
    let mut parents: Vec<&str> = Vec::new();
    for (n, el) in elements.iter().enumerate() {
        parents.truncate(el.depth as usize);
        let parent = parents.last().copied().unwrap_or("");
        let kind = match el.name.as_str() {
            "activity" | "activity-alias" | "service" | "receiver" | "provider" if parent == "application" => {
                Some(MarkerKind::Component)
            }
            "meta-data" if parent == "application" => Some(MarkerKind::MetaData),
            "uses-permission" | "uses-permission-sdk-23" | "uses-permission-sdk-m" if parent == "manifest" => {
                Some(MarkerKind::Permission)
            }
            "package" if parent == "queries" => Some(MarkerKind::Query),
            _ => None,
        };
        parents.push(&el.name);
        let Some(kind) = kind else { continue };
        let place = place(shown, entry, n as u32 + 1, &el.render());
        let Some(name) = el.android("name").filter(|s| !s.is_empty()) else {
            sink.obs.problems.push(Problem { message: format!("<{}> without android:name", el.name), place });
            continue;
        };
        let name = match (kind, name.strip_prefix('.'), &package) {
            (MarkerKind::Component, Some(rel), Some(pkg)) => format!("{pkg}.{rel}"),
            _ => name.to_owned(),
        };
        sink.marker(kind, &name, place);
    }
}
