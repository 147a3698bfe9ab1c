//! Subcommands of the `scan` family (flattened into `piflow`'s command list): `scan` (code and
//! traffic → observed.json, or inventory suggestions) and `diff` (what a change does to the flow
//! map and findings).

use super::{Error, FailOn, Outcome, Result, emit};
use clap::{Subcommand, ValueEnum};
use piflow::graph::FlowGraph;
use piflow::load::Loaded;
use piflow::model::Date;
use piflow::rules::{self, Context};
use piflow::scan::{self, Database, ScanOptions, suggest};
use piflow::source::escape::sanitize;
use piflow::source::path::display_path;
use std::path::{Path, PathBuf};

#[derive(Subcommand, Debug)]
pub enum Commands {
    /// Find third-party SDKs, permissions and hosts in source trees, built apps and HAR captures (for `check --observed`).
    Scan(ScanArgs),
    /// Compare two inventories (or one against a git revision): flows, destinations, findings.
    Diff(DiffArgs),
}

#[derive(clap::Args, Debug)]
pub struct ScanArgs {
    /// Source trees to walk (.gitignore is respected) and built apps (.apk, .aab, .ipa, also when
    /// found in a tree); default: the current directory unless only --har is given.
    pub dirs: Vec<PathBuf>,
    /// HAR capture files (browser devtools, Charles, mitmproxy) to read hosts and parameters from.
    #[arg(long, num_args = 1..)]
    pub har: Vec<PathBuf>,
    /// Domains of the organization's own systems: traffic to them is first party.
    #[arg(long, value_delimiter = ',')]
    pub first_party: Vec<String>,
    /// Write observed.json here (atomically) instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Print an inventory part (sdks, vendor parties, fields) for the SDKs found that the
    /// inventory (--inventory) does not declare, instead of observed.json.
    #[arg(long)]
    pub suggest: bool,
    /// The inventory to compare with for --suggest.
    #[arg(long)]
    pub inventory: Option<PathBuf>,
    /// Allow `-o` inside the --inventory directory (never over an input file).
    #[arg(long)]
    pub force_inside: bool,
    /// `json`: observed.json for `check --observed`; `human`: the SDKs, permissions (with the
    /// data categories they expose) and privacy-manifest entries found, for reading.
    #[arg(long, value_enum, default_value_t = ScanFormat::Json)]
    pub format: ScanFormat,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanFormat {
    Json,
    Human,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffFormat {
    Human,
    Json,
    Md,
}

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The old inventory (or, with --git, the inventory path in the working tree; default `.`).
    pub old: Option<PathBuf>,
    /// The new inventory.
    pub new: Option<PathBuf>,
    /// Compare the inventory at this git revision (e.g. origin/main) with the working tree.
    #[arg(long, value_name = "REV")]
    pub git: Option<String>,
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,
    /// Exit 1 when the change introduces a finding at or above this severity.
    #[arg(long, value_enum)]
    pub fail_on_new: Option<FailOn>,
    /// Judge both sides as of this date (YYYY-MM-DD); default today.
    #[arg(long, value_parser = super::parse_date)]
    pub as_of: Option<Date>,
    /// Write the diff here (atomically) instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Allow `-o` inside an inventory directory compared (never over an input file).
    #[arg(long)]
    pub force_inside: bool,
}

pub fn run(cmd: &Commands) -> Result<Outcome> {
    match cmd {
        Commands::Scan(args) => scan_cmd(args),
        Commands::Diff(args) => diff_cmd(args),
    }
}

fn scan_cmd(args: &ScanArgs) -> Result<Outcome> {
    // Writing into a scanned tree is normal (`piflow scan . -o observed.json`); over a file the
    // scan reads, or into the inventory, is not.
    let mut inputs: Vec<&Path> = args.har.iter().map(PathBuf::as_path).collect();
    inputs.extend(args.dirs.iter().map(PathBuf::as_path).filter(|p| !p.is_dir()));
    inputs.extend(args.inventory.as_deref());
    super::guard::refuse_over_inputs(&inputs, args.output.as_deref(), args.force_inside)?;
    let mut roots = args.dirs.clone();
    if roots.is_empty() && args.har.is_empty() {
        roots.push(PathBuf::from("."));
    }
    let opts = ScanOptions {
        roots,
        hars: args.har.clone(),
        first_party: args.first_party.clone(),
        follow_symlinks: super::follow_symlinks(),
    };
    let db = Database::bundled();
    let observed = scan::scan(&opts, db).map_err(|e| e.to_string())?;
    // Problems go to stderr as well: they are easy to miss inside observed.json.
    for p in &observed.problems {
        eprintln!(
            "piflow: warning: {}:{}: {} (the scan went on)",
            sanitize(&p.place.file),
            p.place.line,
            sanitize(&p.message)
        );
    }
    if !args.suggest && args.format == ScanFormat::Human {
        emit(args.output.as_deref(), human(&observed, db).as_bytes())?;
        return Ok(Outcome::Clean);
    }
    if !args.suggest {
        let json = observed.to_json().map_err(|e| Error::msg(format!("cannot write observed.json: {e}")))?;
        emit(args.output.as_deref(), json.as_bytes())?;
        return Ok(Outcome::Clean);
    }
    let loaded = args.inventory.as_deref().map(super::load).transpose()?;
    let empty = piflow::model::Inventory::default();
    let inv = loaded.as_ref().map_or(&empty, |l| &l.inventory);
    let found = rules::declared::undeclared_signatures(inv, &observed, db);
    let suggestions: Vec<suggest::Suggestion> =
        found.into_iter().map(|u| suggest::Suggestion { signature: u.signature, packages: u.packages }).collect();
    let part = suggest::render(&suggestions, loaded.as_ref().map(|l| &l.inventory))
        .map_err(|e| Error::msg(format!("cannot write the suggested part: {e}")))?;
    emit(args.output.as_deref(), part.as_bytes())?;
    Ok(Outcome::Clean)
}

/// `scan --format human`: what was found, grouped for a reader. Scanned names are untrusted
/// (an APK's manifest is anyone's text), so every one is escaped for the terminal.
fn human(obs: &scan::Observed, db: &Database) -> String {
    use piflow::scan::MarkerKind;
    use std::collections::BTreeMap;
    use std::fmt::Write;
    let at = |p: &scan::Place| format!("{}:{}", sanitize(&p.file), p.line);
    let mut out = String::new();
    // SDK id → evidence (`coordinate at file:line`).
    let mut sdks: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for p in &obs.packages {
        if let Some(id) = &p.sdk {
            sdks.entry(id).or_default().push(format!("{} at {}", sanitize(&p.coordinate), at(&p.place)));
        }
    }
    for m in obs.markers.iter().filter(|m| m.kind != MarkerKind::Permission) {
        if let Some(id) = &m.sdk {
            sdks.entry(id).or_default().push(format!("{} at {}", sanitize(&m.name), at(&m.place)));
        }
    }
    for h in &obs.hosts {
        if let Some(id) = &h.sdk {
            sdks.entry(id).or_default().push(format!("host {} at {}", sanitize(&h.host), at(&h.place)));
        }
    }
    let _ = writeln!(out, "SDKs found: {}", sdks.len());
    for (id, evidence) in &sdks {
        match db.get(id) {
            Some(sig) => {
                let _ = writeln!(out, "  {id}: {} ({}, {})", sig.name.en, sig.vendor.en, sig.vendor.country);
            }
            None => {
                let _ = writeln!(out, "  {}", sanitize(id));
            }
        }
        for e in evidence {
            let _ = writeln!(out, "      {e}");
        }
    }
    let section = |out: &mut String, title: &str, kind: MarkerKind| {
        let ms: Vec<&scan::Marker> = obs.markers.iter().filter(|m| m.kind == kind).collect();
        if ms.is_empty() {
            return;
        }
        let _ = writeln!(out, "{title}: {}", ms.len());
        for m in ms {
            let cats = match &m.categories {
                Some(c) if c.is_empty() => " → no personal data".to_owned(),
                Some(c) => format!(" → {}", c.join(", ")),
                None if matches!(kind, MarkerKind::Permission | MarkerKind::CollectedData) => {
                    " → (not in the permission map)".to_owned()
                }
                None => String::new(),
            };
            let _ = writeln!(out, "  {}{cats}  at {}", sanitize(&m.name), at(&m.place));
        }
    };
    section(&mut out, "Built apps read", MarkerKind::App);
    section(&mut out, "Permissions", MarkerKind::Permission);
    section(&mut out, "Queried apps", MarkerKind::Query);
    section(&mut out, "URL schemes", MarkerKind::UrlScheme);
    section(&mut out, "Privacy manifests: collected data", MarkerKind::CollectedData);
    section(&mut out, "Privacy manifests: required-reason APIs", MarkerKind::RequiredReasonApi);
    section(&mut out, "Privacy manifests: tracking domains", MarkerKind::TrackingDomain);
    let unknown = obs.packages.iter().filter(|p| p.sdk.is_none()).count();
    let _ = writeln!(out, "Other packages (no SDK in the database): {unknown}");
    if !obs.problems.is_empty() {
        let _ =
            writeln!(out, "Problems: {} (the scan went on; the evidence above may be incomplete)", obs.problems.len());
    }
    out
}

/// An inventory checked, with the name it is shown under.
struct Side {
    shown: String,
    /// `None`: the inventory does not exist on this side (`diff --git REV` on the change that adds it).
    loaded: Option<Loaded>,
}

fn load_side(path: &Path, shown: String) -> Result<Side> {
    super::load(path).map(|loaded| Side { shown, loaded: Some(loaded) })
}

/// `git` with the given arguments, run in the working directory. Variables a hook inherits
/// (`GIT_DIR`, `GIT_INDEX_FILE`, `GIT_WORK_TREE`: a pre-commit hook runs with them set) are
/// cleared, so git finds the repository from the directory as it would for the user.
fn git_command(args: &[&std::ffi::OsStr]) -> std::process::Command {
    let mut cmd = std::process::Command::new("git");
    cmd.args(args).env_remove("GIT_DIR").env_remove("GIT_INDEX_FILE").env_remove("GIT_WORK_TREE");
    cmd
}

/// Run git (never through a shell), returning its standard output; `Ok(None)` when git says no
/// (a `--verify --quiet` that fails), an error naming the command when it cannot run or fails
/// with a message.
fn git(args: &[&std::ffi::OsStr]) -> Result<Option<Vec<u8>>, String> {
    let out = git_command(args)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| format!("cannot run git: {e}; install git or compare two paths: piflow diff OLD NEW"))?;
    if out.status.success() {
        return Ok(Some(out.stdout));
    }
    let err = String::from_utf8_lossy(&out.stderr).trim().to_owned();
    if err.is_empty() {
        return Ok(None);
    }
    let shown: Vec<_> = args.iter().map(|a| a.to_string_lossy()).collect();
    Err(format!("git {}: {err}", shown.join(" ")))
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

/// A tree entry's name from git's bytes (NUL-separated output is not quoted: `数据流.json` comes
/// as its UTF-8 bytes).
#[cfg(unix)]
fn entry_name(bytes: &[u8]) -> std::ffi::OsString {
    <std::ffi::OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(bytes).to_owned()
}

#[cfg(not(unix))]
fn entry_name(bytes: &[u8]) -> std::ffi::OsString {
    String::from_utf8_lossy(bytes).into_owned().into()
}

/// The object `path` (as the user named it, relative to the working directory or absolute)
/// names at `rev`, as `REV:PATH` for git.
fn object_name(rev: &str, path: &Path) -> Result<std::ffi::OsString, String> {
    let mut spec = std::ffi::OsString::from(format!("{rev}:"));
    if path.is_absolute() {
        // `REV:PATH` without `./` is relative to the top of the work tree.
        let top = git(&[os("rev-parse"), os("--show-toplevel")])?
            .map(|t| PathBuf::from(String::from_utf8_lossy(&t).trim_end_matches(['\n', '\r'])))
            .ok_or("not in a git repository; compare two paths: piflow diff OLD NEW")?;
        let top = std::fs::canonicalize(&top).unwrap_or(top);
        let abs = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let rel = abs
            .strip_prefix(&top)
            .map_err(|_| format!("{} is not inside the git repository {}", path.display(), top.display()))?;
        spec.push(rel.as_os_str());
    } else {
        spec.push("./");
        spec.push(path.as_os_str());
    }
    Ok(spec)
}

/// Write the inventory at `path` as of `rev` into `into`; returns the path to load there, or
/// `None` when the inventory does not exist at `rev` (the change adds it).
fn checkout_inventory(rev: &str, path: &Path, into: &Path) -> Result<Option<PathBuf>, String> {
    let commit = format!("{rev}^{{commit}}");
    if git(&[os("rev-parse"), os("--verify"), os("--quiet"), os(&commit)])?.is_none() {
        return Err(format!("`{rev}` is not a revision git knows here (fetch it first, e.g. with fetch-depth: 0)"));
    }
    let spec = object_name(rev, path)?;
    let Some(oid) = git(&[os("rev-parse"), os("--verify"), os("--quiet"), &spec])? else {
        return Ok(None);
    };
    let oid = String::from_utf8_lossy(&oid).trim().to_owned();
    let kind = git(&[os("cat-file"), os("-t"), os(&oid)])?.unwrap_or_default();
    // (name to write, blob id)
    let mut blobs: Vec<(std::ffi::OsString, String)> = Vec::new();
    let loaded_at = if kind.trim_ascii() == b"tree" {
        // `--full-tree`: in a subdirectory, ls-tree would otherwise list only the entries under
        // that directory's path inside the tree given.
        let listing = git(&[os("ls-tree"), os("-z"), os("--full-tree"), os(&oid)])?.unwrap_or_default();
        for entry in listing.split(|&b| b == 0).filter(|e| !e.is_empty()) {
            // `<mode> SP <type> SP <object> TAB <name>`
            let Some(tab) = entry.iter().position(|&b| b == b'\t') else { continue };
            let (meta, name) = (&entry[..tab], &entry[tab + 1..]);
            let mut meta = meta.split(|&b| b == b' ');
            let (_mode, kind, id) = (meta.next(), meta.next(), meta.next());
            let part = name.rsplit(|&b| b == b'.').next().map(<[u8]>::to_ascii_lowercase);
            let safe = !name.contains(&b'/') && !name.contains(&b'\\') && name != b"." && name != b"..";
            if kind == Some(b"blob")
                && safe
                && name.contains(&b'.')
                && matches!(part.as_deref(), Some(b"json" | b"csv"))
            {
                blobs.push((entry_name(name), String::from_utf8_lossy(id.unwrap_or_default()).into_owned()));
            }
        }
        into.to_path_buf()
    } else {
        let name = path.file_name().map(std::ffi::OsStr::to_owned).unwrap_or_else(|| "inventory.json".into());
        blobs.push((name.clone(), oid));
        into.join(name)
    };
    for ((name, _), contents) in blobs.iter().zip(read_blobs(blobs.iter().map(|(_, id)| id.as_str()))?) {
        std::fs::write(into.join(name), contents).map_err(|e| format!("cannot write a temporary file: {e}"))?;
    }
    Ok(Some(loaded_at))
}

/// The contents of git blobs, through one `git cat-file --batch`.
fn read_blobs<'a>(ids: impl Iterator<Item = &'a str>) -> Result<Vec<Vec<u8>>, String> {
    use std::io::{Read, Write};
    let input: String = ids.map(|id| format!("{id}\n")).collect();
    let mut child = git_command(&[os("cat-file"), os("--batch")])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run git: {e}"))?;
    let mut stdin = child.stdin.take().ok_or("cannot write to git cat-file")?;
    // Written beside the read: git blocks on a full output pipe while we would block on its input.
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let mut out = Vec::new();
    child
        .stdout
        .take()
        .ok_or("cannot read git cat-file")?
        .read_to_end(&mut out)
        .map_err(|e| format!("git cat-file: {e}"))?;
    let _ = writer.join();
    let _ = child.wait();
    let mut blobs = Vec::new();
    let mut rest = &out[..];
    while !rest.is_empty() {
        // `<oid> SP <type> SP <size> LF <contents> LF`
        let eol = rest.iter().position(|&b| b == b'\n').ok_or("git cat-file: truncated output")?;
        let header = String::from_utf8_lossy(&rest[..eol]).into_owned();
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| format!("git cat-file: unexpected `{header}`"))?;
        let body = rest.get(eol + 1..eol + 1 + size).ok_or("git cat-file: truncated output")?;
        blobs.push(body.to_vec());
        rest = rest.get(eol + 2 + size..).unwrap_or_default();
    }
    Ok(blobs)
}

fn diff_cmd(args: &DiffArgs) -> Result<Outcome> {
    let inputs: Vec<&Path> = args.old.iter().chain(&args.new).map(PathBuf::as_path).collect();
    let inputs = if inputs.is_empty() { vec![Path::new(".")] } else { inputs };
    super::guard::refuse_over_inputs(&inputs, args.output.as_deref(), args.force_inside)?;
    let tmp = tempfile::tempdir().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let (old, new) = match (&args.git, &args.old, &args.new) {
        (Some(rev), path, None) => {
            let path = path.clone().unwrap_or_else(|| PathBuf::from("."));
            let old_path = checkout_inventory(rev, &path, tmp.path())?;
            let shown = display_path(&path);
            let old_shown = format!("{shown}@{rev}");
            match old_path {
                Some(old_path) => (load_side(&old_path, old_shown)?, load_side(&path, shown)?),
                // Not there at REV: the change adds the inventory, so the old side is empty.
                None => (Side { shown: old_shown, loaded: None }, load_side(&path, shown)?),
            }
        }
        (None, Some(old), Some(new)) => (load_side(old, display_path(old))?, load_side(new, display_path(new))?),
        _ => {
            return Err(Error::msg(
                "give two inventories (piflow diff OLD NEW) or a revision (piflow diff --git REV [PATH])",
            ));
        }
    };
    let ctx = Context { as_of: args.as_of.unwrap_or_else(Date::today), ..Context::default() };
    let empty = piflow::model::Inventory::default();
    let (go, gn) = (
        FlowGraph::build(old.loaded.as_ref().map_or(&empty, |l| &l.inventory)),
        FlowGraph::build(new.loaded.as_ref().map_or(&empty, |l| &l.inventory)),
    );
    // An inventory that does not exist has no findings (an empty one would have some).
    let findings = |s: &Side, g: &FlowGraph| if s.loaded.is_some() { rules::check(g, &ctx) } else { Vec::new() };
    let (fo, fnew) = (findings(&old, &go), findings(&new, &gn));
    let mut d = piflow::report::diff::diff(&go, &fo, &gn, &fnew);
    d.inventory_added = old.loaded.is_none();
    let text = match args.format {
        DiffFormat::Human => d.to_human(&old.shown, &new.shown),
        DiffFormat::Json => {
            d.to_json(&old.shown, &new.shown).map_err(|e| Error::msg(format!("cannot write the diff: {e}")))?
        }
        DiffFormat::Md => d.to_markdown(&old.shown, &new.shown),
    };
    emit(args.output.as_deref(), text.as_bytes())?;
    Ok(Outcome::findings_if(args.fail_on_new.is_some_and(|level| d.introduces(level.severity()))))
}
