//! Walking source trees (respecting .gitignore, like ripgrep) and sending each manifest to its
//! parser.

use super::locate::Text;
use super::{Database, Marker, MarkerKind, OBSERVED_VERSION, Observed, PackageUse, Place, Problem};
use crate::source::read::Access;
use std::path::{Path, PathBuf};

/// Files larger than this are skipped with a problem: no manifest or lockfile is this big, and a
/// bounded read keeps a scan of a hostile tree bounded.
const MAX_MANIFEST_BYTES: u64 = 64 << 20;
/// Built apps (APK, AAB, IPA) are read entry by entry under their own budgets; this only
/// bounds what is opened at all.
const MAX_APP_BYTES: u64 = 8 << 30;
/// HAR captures can be large (bodies inline); allow more.
const MAX_HAR_BYTES: u64 = 1 << 30;

/// What to scan.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    pub roots: Vec<PathBuf>,
    pub hars: Vec<PathBuf>,
    /// Domains of the organization's own systems (`--first-party`): their hosts are not third
    /// parties.
    pub first_party: Vec<String>,
    /// `--follow-symlinks`: read a symlinked file in a tree even when it leads out of the tree.
    pub follow_symlinks: bool,
}

/// A parser's complaint: the 1-based line and what is wrong.
pub(crate) type ParseResult = Result<(), (u32, String)>;

/// Collects observations for one scan; parsers report through it.
pub(crate) struct Sink<'d> {
    pub db: &'d Database,
    pub obs: Observed,
}

impl Sink<'_> {
    pub fn package(&mut self, eco: &str, name: &str, version: Option<&str>, place: Place) {
        let name = name.trim();
        if name.is_empty() {
            return;
        }
        let coordinate = format!("{eco}:{name}");
        let hits = self.db.by_package(&coordinate);
        let sdk = hits.first().map(|s| s.id.clone());
        let version = version.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        // A subspec that bundles another vendor's SDK reveals its pod too (`UMengUShare/Social/
        // WeChat` is U-Share carrying the WeChat SDK): record both.
        if eco == "cocoapods"
            && let Some((pod, _)) = name.split_once('/')
            && let Some(pod_sdk) = self.db.by_package(&format!("cocoapods:{pod}")).first()
            && Some(&pod_sdk.id) != sdk.as_ref()
        {
            let (coordinate, sdk) = (format!("cocoapods:{pod}"), Some(pod_sdk.id.clone()));
            self.obs.packages.push(PackageUse { coordinate, version: version.clone(), sdk, place: place.clone() });
        }
        // A vendored binary that carries several products (AMap's combined map, search and
        // location jar) counts for each of them.
        if eco == "vendored" {
            for other in hits.iter().skip(1) {
                let (coordinate, sdk) = (coordinate.clone(), Some(other.id.clone()));
                self.obs.packages.push(PackageUse { coordinate, version: version.clone(), sdk, place: place.clone() });
            }
        }
        self.obs.packages.push(PackageUse { coordinate, version, sdk, place });
    }

    pub fn marker(&mut self, kind: MarkerKind, name: &str, place: Place) {
        let sdk = match kind {
            MarkerKind::Permission | MarkerKind::App => None,
            _ => self.db.by_marker(name).first().map(|s| s.id.clone()),
        };
        let categories = match kind {
            MarkerKind::Permission => super::permissions::permission(name),
            MarkerKind::CollectedData => super::permissions::data_type(name),
            _ => None,
        };
        let categories = categories.map(<[String]>::to_vec);
        self.obs.markers.push(Marker { kind, name: name.to_owned(), sdk, categories, place });
    }
}

/// Which parser reads a file, by its name.
fn parser_for(name: &str, path: &Path) -> Option<fn(&Text, &mut Sink) -> ParseResult> {
    let in_gradle_dir = path.parent().and_then(Path::file_name).is_some_and(|d| d == "gradle");
    Some(match name {
        "build.gradle" | "build.gradle.kts" | "settings.gradle" | "settings.gradle.kts" => super::gradle::build_script,
        "libs.versions.toml" if in_gradle_dir => super::gradle::version_catalog,
        "pom.xml" => super::android::pom,
        "AndroidManifest.xml" => super::android::manifest,
        "Podfile" => super::mobile::podfile,
        "Podfile.lock" => super::mobile::podfile_lock,
        "Package.resolved" => super::mobile::package_resolved,
        "package.json" => super::js::package_json,
        "package-lock.json" | "npm-shrinkwrap.json" => super::js::package_lock,
        "yarn.lock" => super::js::yarn_lock,
        "pnpm-lock.yaml" => super::js::pnpm_lock,
        "Cargo.lock" => super::lang::cargo_lock,
        "poetry.lock" => super::lang::poetry_lock,
        "pyproject.toml" => super::lang::pyproject,
        "go.mod" => super::lang::go_mod,
        "app.json" => super::mobile::wechat_app,
        n if n.starts_with("requirements") && n.ends_with(".txt") => super::lang::requirements,
        _ => return None,
    })
}

/// Read a file as UTF-8 text, or say why not (only a regular file, bounded by `access`; a
/// symlink found in a tree only to a file inside it).
fn read(path: &Path, access: &Access) -> Result<String, String> {
    use crate::source::read::{self, ReadError};
    read::text(path, access).map_err(|e| match e {
        ReadError::NotUtf8 { offset, .. } => format!("not UTF-8 text (byte {offset})"),
        e => format!("{e}; skipped"),
    })
}

fn problem(obs: &mut Observed, file: &str, line: u32, text: &str, message: String) {
    let t = Text::new(file, text);
    obs.problems.push(Problem { message, place: t.place(line) });
}

fn parse_file(path: &Path, parse: fn(&Text, &mut Sink) -> ParseResult, access: &Access, sink: &mut Sink) {
    let shown = crate::source::path::display_path(path);
    match read(path, access) {
        Ok(text) => {
            let t = Text::new(&shown, &text);
            if let Err((line, message)) = parse(&t, sink) {
                problem(&mut sink.obs, &shown, line, &text, message);
            }
        }
        Err(message) => problem(&mut sink.obs, &shown, 1, "", message),
    }
}

/// Scan the trees and captures; never stops at a bad file (it becomes a [`Problem`]).
/// Fails only when a root itself cannot be read.
pub fn scan(opts: &ScanOptions, db: &Database) -> Result<Observed, String> {
    let mut sink = Sink { db, obs: Observed { piflow: OBSERVED_VERSION, ..Observed::default() } };
    for root in &opts.roots {
        if !root.exists() {
            return Err(format!("{}: no such file or directory; give a source tree to scan", root.display()));
        }
        let mut files: Vec<PathBuf> = Vec::new();
        // Hidden directories are skipped by default in `ignore`; vendored dependency folders are
        // other people's manifests, not this project's dependencies.
        let walker = ignore::WalkBuilder::new(root)
            .require_git(false)
            .filter_entry(|e| !matches!(e.file_name().to_str(), Some("node_modules" | "Pods" | "target" | "vendor")))
            .build();
        for entry in walker {
            // Symlinked directories are not followed (no loops, no leaving the tree). A symlinked
            // file is kept and read only if it leads to a file inside the tree; a FIFO or a device
            // is kept so that reading it is refused by name, not waited on.
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| !t.is_dir()) && !(e.path_is_symlink() && e.path().is_dir()) => {
                    files.push(e.into_path())
                }
                Ok(_) => {}
                Err(e) => {
                    let file = crate::source::path::display_path(root);
                    problem(&mut sink.obs, &file, 1, "", format!("cannot walk: {e}"));
                }
            }
        }
        files.sort();
        let access = Access::within(root, opts.follow_symlinks, MAX_MANIFEST_BYTES);
        let mut frameworks = std::collections::BTreeSet::new();
        for path in files {
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
            if let Some(parse) = parser_for(name, &path) {
                parse_file(&path, parse, &access, &mut sink);
            } else if super::apk::is_app_archive(name) {
                // A FIFO named `x.apk` would block the archive reader's open, and a link out of
                // the tree must not be followed: opened as any file the scan reads, and read
                // from that handle only (a path swapped for a FIFO or a link after this check
                // is never opened again).
                let shown = crate::source::path::display_path(&path);
                let app = Access::within(root, opts.follow_symlinks, MAX_APP_BYTES);
                match crate::source::read::open(&path, &app) {
                    Ok((file, _)) => super::apk::scan_app(&file, &shown, &mut sink),
                    Err(e) => problem(&mut sink.obs, &shown, 1, "", format!("{e}; skipped")),
                }
            }
            vendored(&path, name, &mut frameworks, &mut sink);
        }
    }
    for har in &opts.hars {
        if !har.exists() {
            return Err(format!("{}: no such HAR file; export one from the browser's network panel", har.display()));
        }
        let first_party = opts.first_party.clone();
        let shown = crate::source::path::display_path(har);
        match read(har, &Access::named(MAX_HAR_BYTES)) {
            Ok(text) => {
                let t = Text::new(&shown, &text);
                if let Err((line, message)) = super::har::read(&t, &first_party, &mut sink) {
                    problem(&mut sink.obs, &shown, line, &text, message);
                }
            }
            Err(message) => problem(&mut sink.obs, &shown, 1, "", message),
        }
    }
    resolve_products(&mut sink.obs, db);
    sink.obs.sort();
    Ok(sink.obs)
}

/// SDK binaries checked into the tree instead of declared in a manifest (`app/libs/*.jar`, a
/// vendor's `libWeChatSDK.a`, `AlipaySDK.framework`, `jniLibs/*/libBugly.so`): each becomes a
/// `vendored:NAME` package use at that file. Only names the database knows are kept (a tree has
/// many binaries), and a framework is recorded once, at its directory, not per file inside it.
fn vendored(path: &Path, name: &str, frameworks: &mut std::collections::BTreeSet<PathBuf>, sink: &mut Sink) {
    let lower = name.to_ascii_lowercase();
    let mut found: Option<(String, PathBuf)> = None;
    if [".jar", ".aar", ".so", ".a"].iter().any(|ext| lower.ends_with(ext)) {
        found = Some((name.to_owned(), path.to_path_buf()));
    } else {
        for dir in path.ancestors().skip(1) {
            let Some(d) = dir.file_name().and_then(|n| n.to_str()) else { break };
            if (d.ends_with(".framework") || d.ends_with(".xcframework")) && !sink.db.by_file(d).is_empty() {
                found = Some((d.to_owned(), dir.to_path_buf()));
                break;
            }
        }
    }
    let Some((name, at)) = found else { return };
    if sink.db.by_file(&name).is_empty() || !frameworks.insert(at.clone()) {
        return;
    }
    let shown = crate::load::display_path(&at);
    let place = Place { file: shown, line: 1, text: name.clone() };
    sink.package("vendored", &name, None, place);
}

/// Count each piece of evidence for the product actually present: a part (`part_of`, e.g. Umeng
/// Push's bundled Alibaba ACCS channel or a vendor-channel adapter) found beside its carrier is
/// reported as the carrier, not as a second SDK.
fn resolve_products(obs: &mut Observed, db: &Database) {
    // A marker several SDKs share (Tencent's LBS key serves its map and its location SDK) counts
    // for the one present on other evidence, so it does not name a second product.
    let shared = |m: &super::Marker| {
        matches!(m.kind, MarkerKind::MetaData | MarkerKind::Component) && db.by_marker(&m.name).len() > 1
    };
    let firm: std::collections::BTreeSet<String> = obs
        .packages
        .iter()
        .filter_map(|p| p.sdk.clone())
        .chain(obs.markers.iter().filter(|m| !shared(m)).filter_map(|m| m.sdk.clone()))
        .chain(obs.hosts.iter().filter_map(|h| h.sdk.clone()))
        .collect();
    let firm: std::collections::BTreeSet<&str> = firm.iter().map(String::as_str).collect();
    let chosen: Vec<Option<String>> = obs
        .markers
        .iter()
        .map(|m| if shared(m) { db.shared_marker(&m.name, &firm).map(|s| s.id.clone()) } else { m.sdk.clone() })
        .collect();
    for (m, sdk) in obs.markers.iter_mut().zip(chosen) {
        m.sdk = sdk;
    }
    let present: std::collections::BTreeSet<String> = obs
        .packages
        .iter()
        .filter_map(|p| p.sdk.clone())
        .chain(obs.markers.iter().filter_map(|m| m.sdk.clone()))
        .chain(obs.hosts.iter().filter_map(|h| h.sdk.clone()))
        .collect();
    let present: std::collections::BTreeSet<&str> = present.iter().map(String::as_str).collect();
    let resolve = |sdk: &mut Option<String>| {
        if let Some(sig) = sdk.as_deref().and_then(|id| db.get(id)) {
            let product = db.product(sig, &present);
            if product.id != sig.id {
                *sdk = Some(product.id.clone());
            }
        }
    };
    obs.packages.iter_mut().for_each(|p| resolve(&mut p.sdk));
    obs.markers.iter_mut().for_each(|m| resolve(&mut m.sdk));
    obs.hosts.iter_mut().for_each(|h| resolve(&mut h.sdk));
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::time::Duration;

    /// The archive is read from the handle the walk opened and checked, never opened again by
    /// its path: an `app.apk` swapped for a FIFO between the check and the read (a pull request
    /// racing the scan) would block a second open for ever. Here the swap happens right after
    /// the check; the scan still reads the real APK, at once.
    #[test]
    fn an_app_swapped_for_a_fifo_after_the_check_is_read_from_the_checked_handle() {
        let dir = tempfile::tempdir().unwrap();
        let apk = dir.path().join("app.apk");
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/binary/wechat-demo.apk");
        std::fs::copy(fixture, &apk).unwrap();
        let access = Access::within(dir.path(), false, MAX_APP_BYTES);
        let (file, _) = crate::source::read::open(&apk, &access).unwrap();
        std::fs::remove_file(&apk).unwrap();
        let made = std::process::Command::new("mkfifo").arg(&apk).status().unwrap();
        assert!(made.success(), "mkfifo");
        let (tx, rx) = std::sync::mpsc::channel();
        // On a thread, so a blocked open fails the test instead of hanging it.
        std::thread::spawn(move || {
            let mut sink = Sink { db: Database::bundled(), obs: Observed::default() };
            super::super::apk::scan_app(&file, "app.apk", &mut sink);
            let _ = tx.send(sink.obs);
        });
        let obs = rx.recv_timeout(Duration::from_secs(20)).expect("the scan blocked: it opened the path again");
        assert!(obs.problems.is_empty(), "{:?}", obs.problems.iter().map(|p| &p.message).collect::<Vec<_>>());
        let coordinates: Vec<&str> = obs.packages.iter().map(|p| p.coordinate.as_str()).collect();
        assert_eq!(coordinates, ["dex:com.tencent.mm.opensdk"], "the APK's own evidence");
    }
}
