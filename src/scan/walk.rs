//! Walking source trees (respecting .gitignore, like ripgrep) and sending each manifest to its
//! parser.

use super::locate::Text;
use super::{Database, Marker, MarkerKind, OBSERVED_VERSION, Observed, PackageUse, Place, Problem};
use std::path::{Path, PathBuf};

/// Files larger than this are skipped with a problem: no manifest or lockfile is this big, and a
/// bounded read keeps a scan of a hostile tree bounded.
const MAX_MANIFEST_BYTES: u64 = 64 << 20;
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
        let sdk = self.db.by_package(&coordinate).first().map(|s| s.id.clone());
        let version = version.map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        self.obs.packages.push(PackageUse { coordinate, version, sdk, place });
    }

    pub fn marker(&mut self, kind: MarkerKind, name: &str, place: Place) {
        let sdk = match kind {
            MarkerKind::Permission => None,
            _ => self.db.by_marker(name).first().map(|s| s.id.clone()),
        };
        self.obs.markers.push(Marker { kind, name: name.to_owned(), sdk, place });
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

/// Read a file as UTF-8 text, or say why not.
fn read(path: &Path, limit: u64) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if meta.len() > limit {
        return Err(format!("file is {} bytes, over the scan limit of {limit} bytes; skipped", meta.len()));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read: {e}"))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).map_err(|e| format!("not UTF-8 text (byte {})", e.utf8_error().valid_up_to()))
}

fn problem(obs: &mut Observed, file: &str, line: u32, text: &str, message: String) {
    let t = Text::new(file, text);
    obs.problems.push(Problem { message, place: t.place(line) });
}

fn parse_file(path: &Path, parse: fn(&Text, &mut Sink) -> ParseResult, limit: u64, sink: &mut Sink) {
    let shown = crate::source::path::display_path(path);
    match read(path, limit) {
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
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => files.push(e.into_path()),
                Ok(_) => {}
                Err(e) => {
                    let file = crate::source::path::display_path(root);
                    problem(&mut sink.obs, &file, 1, "", format!("cannot walk: {e}"));
                }
            }
        }
        files.sort();
        for path in files {
            let Some(name) = path.file_name().and_then(|n| n.to_str()) else { continue };
            if let Some(parse) = parser_for(name, &path) {
                parse_file(&path, parse, MAX_MANIFEST_BYTES, &mut sink);
            }
        }
    }
    for har in &opts.hars {
        if !har.is_file() {
            return Err(format!("{}: no such HAR file; export one from the browser's network panel", har.display()));
        }
        let first_party = opts.first_party.clone();
        let shown = crate::source::path::display_path(har);
        match read(har, MAX_HAR_BYTES) {
            Ok(text) => {
                let t = Text::new(&shown, &text);
                if let Err((line, message)) = super::har::read(&t, &first_party, &mut sink) {
                    problem(&mut sink.obs, &shown, line, &text, message);
                }
            }
            Err(message) => problem(&mut sink.obs, &shown, 1, "", message),
        }
    }
    sink.obs.sort();
    Ok(sink.obs)
}
