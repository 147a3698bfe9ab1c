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
    /// Find third-party SDKs and hosts in source trees and HAR captures (for `check --observed`).
    Scan(ScanArgs),
    /// Compare two inventories (or one against a git revision): flows, destinations, findings.
    Diff(DiffArgs),
}

#[derive(clap::Args, Debug)]
pub struct ScanArgs {
    /// Source trees to walk (.gitignore is respected); default: the current directory unless only
    /// --har is given.
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
}

pub fn run(cmd: &Commands) -> Result<Outcome> {
    match cmd {
        Commands::Scan(args) => scan_cmd(args),
        Commands::Diff(args) => diff_cmd(args),
    }
}

fn scan_cmd(args: &ScanArgs) -> Result<Outcome> {
    let mut roots = args.dirs.clone();
    if roots.is_empty() && args.har.is_empty() {
        roots.push(PathBuf::from("."));
    }
    let opts = ScanOptions { roots, hars: args.har.clone(), first_party: args.first_party.clone() };
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

/// An inventory checked, with the name it is shown under.
struct Side {
    shown: String,
    loaded: Loaded,
}

fn load_side(path: &Path, shown: String) -> Result<Side> {
    super::load(path).map(|loaded| Side { shown, loaded })
}

/// Run git, returning its standard output, or a message naming the command.
fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}; install git or compare two paths: piflow diff OLD NEW"))?;
    if !out.status.success() {
        return Err(format!("git {}: {}", args.join(" "), String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(out.stdout)
}

/// Write the inventory at `path` as of `rev` into `into`; returns the path to load there.
fn checkout_inventory(rev: &str, path: &Path, into: &Path) -> Result<PathBuf, String> {
    let abs = std::fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (dir, file) = if abs.is_dir() {
        (abs.clone(), None)
    } else {
        (abs.parent().map(Path::to_path_buf).unwrap_or_default(), abs.file_name())
    };
    let prefix = String::from_utf8_lossy(&git(&dir, &["rev-parse", "--show-prefix"])?).trim().to_owned();
    let listing = git(&dir, &["ls-tree", "--name-only", rev, "--", "."])?;
    let names: Vec<String> = String::from_utf8_lossy(&listing).lines().map(str::to_owned).collect();
    for name in names {
        // ls-tree prints paths relative to the directory it ran in.
        let base = Path::new(&name).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let wanted = match file {
            Some(f) => base == f.to_string_lossy(),
            None => base.ends_with(".json") || base.ends_with(".csv"),
        };
        if !wanted {
            continue;
        }
        let blob = git(&dir, &["show", &format!("{rev}:{prefix}{base}")])?;
        std::fs::write(into.join(&base), blob).map_err(|e| format!("cannot write a temporary file: {e}"))?;
    }
    Ok(match file {
        Some(f) => into.join(f),
        None => into.to_path_buf(),
    })
}

fn diff_cmd(args: &DiffArgs) -> Result<Outcome> {
    let tmp = tempfile::tempdir().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let (old, new) = match (&args.git, &args.old, &args.new) {
        (Some(rev), path, None) => {
            let path = path.clone().unwrap_or_else(|| PathBuf::from("."));
            let old_path = checkout_inventory(rev, &path, tmp.path())?;
            let shown = display_path(&path);
            (load_side(&old_path, format!("{shown}@{rev}"))?, load_side(&path, shown)?)
        }
        (None, Some(old), Some(new)) => (load_side(old, display_path(old))?, load_side(new, display_path(new))?),
        _ => {
            return Err(Error::msg(
                "give two inventories (piflow diff OLD NEW) or a revision (piflow diff --git REV [PATH])",
            ));
        }
    };
    let ctx = Context { as_of: args.as_of.unwrap_or_else(Date::today), ..Context::default() };
    let (go, gn) = (FlowGraph::build(&old.loaded.inventory), FlowGraph::build(&new.loaded.inventory));
    let (fo, fnew) = (rules::check(&go, &ctx), rules::check(&gn, &ctx));
    let d = piflow::report::diff::diff(&go, &fo, &gn, &fnew);
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
