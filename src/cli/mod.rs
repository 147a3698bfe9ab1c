//! The `piflow` command line: argument definitions, wiring of the stages, exit codes, and
//! atomic file output. No rule or format logic lives here.

use clap::{Parser, Subcommand, ValueEnum};
use piflow::finding::{Severity, Summary};
use piflow::graph::FlowGraph;
use piflow::load::{self, LoadOptions};
use piflow::model::{Date, Regime};
use piflow::output::{write_atomic, write_atomic_with};
use piflow::report::{self, Run};
use piflow::rules::{self, Context};
use piflow::source::path::display_path;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

mod error;
mod fides;
mod guard;
mod map;
// `report` is taken by `piflow::report`; the file keeps the name of the commands it holds.
mod notice;
#[path = "report.rs"]
mod reports;
mod scan;
mod store;
mod tools;

pub use error::{EXIT_INVALID, Error, Outcome, Result};

#[derive(Parser, Debug)]
#[command(
    name = "piflow",
    version,
    about = "Map personal-information flows and find the ones that break PIPL or the GDPR",
    long_about = "piflow loads a personal-information inventory (JSON parts or CSV sheets kept in git), \
                  builds the graph of every collection, sharing and transfer flow, and judges each flow \
                  under China's PIPL and the EU GDPR.\n\nExit codes: 0 no finding at or above --fail-on, \
                  1 such findings, 2 invalid inventory or command line."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Follow a symlink found in an inventory directory or a scanned tree even when it leads out
    /// of it (by default only links to files inside are read; special files never are).
    #[arg(long, global = true)]
    pub follow_symlinks: bool,
}

/// `--follow-symlinks`, set once before the command runs.
static FOLLOW_SYMLINKS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

fn follow_symlinks() -> bool {
    FOLLOW_SYMLINKS.load(std::sync::atomic::Ordering::Relaxed)
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Judge every flow of an inventory; exit 1 on findings at or above --fail-on.
    Check(CheckArgs),
    /// Print a rule's catalogue entry: what it checks, the law, how to fix it (no CODE: list all).
    Explain {
        /// A rule code such as pipl-38-mechanism, or `categories` for the field taxonomy.
        code: Option<String>,
        /// The whole catalogue as Markdown (what docs/rules.md is generated from).
        #[arg(long, conflicts_with = "code")]
        markdown: bool,
    },
    /// Convert an inventory between JSON parts and CSV sheets, losslessly.
    Convert {
        /// The inventory to read (directory or .json file).
        input: PathBuf,
        /// Where to write: a directory (parts or sheets), or a .json file for one JSON part.
        output: PathBuf,
        #[arg(long, value_enum)]
        to: ConvertTo,
        /// Allow OUTPUT inside the input inventory directory (never over an input file).
        #[arg(long)]
        force_inside: bool,
    },
    /// Write the records of processing (GDPR Art. 30, PIPL), the MIIT two lists and the SDK list.
    Report(reports::ReportArgs),
    /// Draw the data-flow diagram (DOT, SVG or PNG through Graphviz).
    Diagram(reports::DiagramArgs),
    /// Follow one field from collection to every final destination.
    Trace(reports::TraceArgs),
    /// Write the interactive data map: one offline HTML page to click, search and filter.
    Map(map::MapArgs),
    /// Write an app's store privacy labels: Google Play's Data safety CSV, a PrivacyInfo.xcprivacy
    /// draft and the App Privacy answers, with what the inventory leaves open.
    StoreLabels(store::StoreLabelsArgs),
    #[command(flatten)]
    Scan(scan::Commands),
    #[command(flatten)]
    Notice(notice::Commands),
    #[command(flatten)]
    Tools(tools::Commands),
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Inventory directory (JSON parts and/or CSV sheets) or a single .json file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[command(flatten)]
    pub out: FindingsOutput,
    /// Judge validity and expiry as of this date (YYYY-MM-DD); default today.
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Countries to treat as EU-adequate instead of the built-in list (comma-separated codes).
    #[arg(long, value_delimiter = ',')]
    pub adequate: Option<Vec<String>>,
    /// Judge only this regime.
    #[arg(long, value_parser = parse_regime)]
    pub regime: Option<Regime>,
    /// observed.json from `piflow scan`: also judge declared against observed (decl-* rules).
    #[arg(long, value_name = "FILE")]
    pub observed: Option<PathBuf>,
}

/// How a command that judges (`check`, `notice-check`) reports its findings and exits.
#[derive(clap::Args, Debug)]
pub struct FindingsOutput {
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Fail (exit 1) on unwaived findings at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// Write the report to this file (atomically) instead of standard output (`-o -`: stdout).
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Allow `-o` inside the inventory directory (never over an input file).
    #[arg(long)]
    pub force_inside: bool,
    /// Colour: auto (only on a terminal), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// SARIF: write file locations relative to this directory, the repository root code scanning
    /// resolves them from (default: the git top level of the working directory, else the working
    /// directory).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

impl FindingsOutput {
    /// Where SARIF locations start from: `--root`, else the git top level, else the working
    /// directory.
    pub(crate) fn sarif_locate(&self) -> Result<report::sarif::Locate> {
        let root = match &self.root {
            Some(dir) => Some(std::fs::canonicalize(dir).map_err(|e| {
                Error::msg(format!("--root {}: {e}; name the repository's root directory", display_path(dir)))
            })?),
            None => git_toplevel(),
        };
        Ok(report::sarif::Locate::new(root))
    }

    /// Write the run's findings as asked (JSON and SARIF streamed, human text rendered whole) and say
    /// whether an unwaived finding reaches `--fail-on`.
    pub(crate) fn finish(&self, run: &Run, catalogue: &[&piflow::finding::Rule]) -> Result<Outcome> {
        let output = self.output.as_deref();
        match self.format {
            Format::Json => emit_with(output, |w| report::json::write(run, w))?,
            Format::Human => {
                let tty = output.is_none() && std::io::stdout().is_terminal();
                emit(output, &report::human::render(run, &rules::rule, use_color(self.color, tty)))?
            }
            Format::Sarif => {
                let locate = self.sarif_locate()?;
                emit_with(output, |w| report::sarif::write(run, catalogue, &locate, w))?
            }
        }
        Ok(Outcome::findings_if(Summary::of(run.findings).fails(self.fail_on.severity())))
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    Error,
    Warning,
    Note,
}

impl FailOn {
    fn severity(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Note => Severity::Note,
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConvertTo {
    Json,
    Csv,
    /// One Fides manifest (YAML) at OUTPUT, for `fides evaluate`; see docs/fides-mapping.md.
    Fides,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The top level of the git work tree holding the working directory, if git is installed and
/// this is one; git is asked directly, never through a shell.
fn git_toplevel() -> Option<PathBuf> {
    let out = std::process::Command::new("git")
        .args(["rev-parse", "--show-toplevel"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let line = String::from_utf8(out.stdout).ok()?;
    let dir = line.strip_suffix('\n').unwrap_or(&line);
    (out.status.success() && !dir.is_empty()).then(|| PathBuf::from(dir))
}

fn parse_date(s: &str) -> Result<Date, String> {
    s.parse::<Date>().map_err(|e| e.to_string())
}

fn parse_regime(s: &str) -> Result<Regime, String> {
    Regime::parse(s).ok_or_else(|| format!("`{s}` is not a regime: use PIPL or GDPR"))
}

fn use_color(choice: ColorChoice, stream_is_tty: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stream_is_tty && std::env::var_os("NO_COLOR").is_none(),
    }
}

fn load_options() -> LoadOptions {
    LoadOptions { rule_codes: rules::codes(), release_text: false, follow_symlinks: follow_symlinks() }
}

/// Load the inventory at `path`; on failure, its errors are shown as `format` asks.
fn load_as(path: &Path, opts: &LoadOptions, format: Format) -> Result<load::Loaded> {
    load::load(path, opts).map_err(|failed| Error::load(failed, format))
}

/// [`load_as`] with the loader's usual options, errors shown for a person.
fn load(path: &Path) -> Result<load::Loaded> {
    load_as(path, &load_options(), Format::Human)
}

/// Write `bytes` to `output` (atomically), or to standard output.
pub(crate) fn emit(output: Option<&Path>, bytes: &[u8]) -> Result<()> {
    emit_with(output, |w| w.write_all(bytes))
}

/// [`emit`] for output written piece by piece.
pub(crate) fn emit_with(
    output: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<()> {
    // `-o -` means standard output, as in most tools.
    match output.filter(|p| p.as_os_str() != "-") {
        Some(path) => write_atomic_with(path, write).map_err(Error::cannot_write(path)),
        None => {
            let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
            stdout_written(write(&mut out).and_then(|_| out.flush()))
        }
    }
}

/// The result of a write to standard output: a closed pipe (`| head`) ends quietly, as the
/// reader wanted no more; any other failure (a full disk, `> /dev/full`) would leave CI with a
/// truncated report and a green step, so it is an error that says so.
fn stdout_written(result: std::io::Result<()>) -> Result<()> {
    match result {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            Err(Error::msg(format!("cannot write to standard output: {e}; write to a file with -o FILE instead")))
        }
    }
}

fn check(args: &CheckArgs) -> Result<Outcome> {
    // Only the human format quotes the inventory's lines.
    let opts = LoadOptions { release_text: args.out.format != Format::Human, ..load_options() };
    guard::refuse_over_inputs(&[&args.path], args.out.output.as_deref(), args.out.force_inside)?;
    let loaded = match load::load(&args.path, &opts) {
        Ok(l) => l,
        Err(failed) if args.out.format == Format::Sarif => {
            // The SARIF file is still written (code scanning shows the problems at their lines),
            // and the problems go to stderr for the log.
            let locate = args.out.sarif_locate()?;
            emit_with(args.out.output.as_deref(), |w| report::sarif::write_load_errors(&failed.errors.0, &locate, w))?;
            return Err(Error::load(failed, Format::Human));
        }
        Err(failed) => return Err(Error::load(failed, args.out.format)),
    };
    let ctx = Context {
        as_of: args.as_of.unwrap_or_else(Date::today),
        adequate: args.adequate.as_ref().map(|v| v.iter().map(|c| c.trim().to_ascii_uppercase()).collect()),
        only: args.regime,
    };
    let load::Loaded { inventory, mut sources } = loaded;
    let evidence = match &args.observed {
        Some(path) => Some(piflow::scan::Evidence::attach(read_observed(path)?, &mut sources)),
        None => None,
    };
    let graph = FlowGraph::build(&inventory);
    let findings = rules::check_with(&graph, &ctx, evidence.as_ref());
    let shown = display_path(&args.path);
    let run = Run { findings: &findings, sources: &sources, as_of: ctx.as_of, inventory: &shown };
    let catalogue: Vec<_> = rules::catalogue().collect();
    let outcome = args.out.finish(&run, &catalogue);
    // The process exits next and the OS takes the memory back at once; running millions of
    // destructors first would only make a large check slower.
    std::mem::forget(findings);
    std::mem::forget(graph);
    std::mem::forget(inventory);
    std::mem::forget(sources);
    outcome
}

fn read_observed(path: &Path) -> Result<piflow::scan::Observed> {
    let shown = display_path(path);
    let access = piflow::source::read::Access::named(piflow::source::read::MAX_FILE_BYTES);
    let text = piflow::source::read::text(path, &access)
        .map_err(|e| format!("{shown}: {e}; write it with `piflow scan -o {shown}`"))?;
    Ok(piflow::scan::Observed::from_json(&shown, &text).map_err(|e| e.to_string())?)
}

fn explain(code: Option<&str>, markdown: bool) -> Result<Outcome> {
    let out = match (code, markdown) {
        (None, true) => rules::explain::markdown(),
        (None, false) => rules::explain::list(),
        (Some("categories"), _) => rules::explain::categories(),
        (Some(code), _) => match rules::rule(code) {
            Some(r) => rules::explain::entry(r),
            None => {
                let codes = rules::codes();
                let hint = load::did_you_mean(code, codes.iter().copied())
                    .map(|s| format!(" Did you mean `{s}`?"))
                    .unwrap_or_default();
                return Err(Error::msg(format!("`{code}` is not a rule code.{hint} `piflow explain` lists them.")));
            }
        },
    };
    emit(None, out.as_bytes())?;
    Ok(Outcome::Clean)
}

fn convert(input: &Path, output: &Path, to: ConvertTo, force_inside: bool) -> Result<Outcome> {
    guard::refuse_over_inputs(&[input], Some(output), force_inside)?;
    let loaded = load(input)?;
    let single = to == ConvertTo::Json && output.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    let files = match to {
        ConvertTo::Json => load::write_parts(&loaded.inventory, single),
        ConvertTo::Csv => load::write_sheets(&loaded.inventory),
        ConvertTo::Fides => return fides::convert(&loaded.inventory, output),
    };
    let files = files.map_err(Error::cannot_serialize)?;
    if output.exists() && !output.is_dir() && !single {
        return Err(Error::msg(format!(
            "{} exists and is not a directory; give a directory to write parts or sheets into",
            output.display()
        )));
    }
    for (name, contents) in files {
        let path = if single { output.to_path_buf() } else { output.join(name) };
        guard::refuse_over_inputs(&[input], Some(&path), force_inside)?;
        write_atomic(&path, contents.as_bytes()).map_err(Error::cannot_write(&path))?;
    }
    Ok(Outcome::Clean)
}

/// The index of the field with id `typed`, or an error that says what was probably meant: the
/// closest id, else the fields whose name is what was typed (a DPO types 手机号码 for `mobile`),
/// else those of the category typed (`contact.phone`), else the first ids there are.
fn field_index(inv: &piflow::model::Inventory, typed: &str) -> Result<u32> {
    if let Some(i) = inv.fields.iter().position(|f| f.id == typed) {
        return Ok(i as u32);
    }
    const SHOWN: usize = 8;
    let list = |ids: Vec<&str>| {
        let more = ids.len().saturating_sub(SHOWN);
        let mut s = ids.iter().take(SHOWN).map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", ");
        if more > 0 {
            s.push_str(&format!(" and {more} more"));
        }
        s
    };
    let typed_lower = typed.to_lowercase();
    let named: Vec<&str> = inv
        .fields
        .iter()
        .filter(|f| !typed.trim().is_empty() && f.name.to_lowercase().contains(typed_lower.trim()))
        .map(|f| f.id.as_str())
        .collect();
    let of_category: Vec<&str> = inv.fields.iter().filter(|f| f.category == typed).map(|f| f.id.as_str()).collect();
    let hint = if let Some(close) = load::did_you_mean(typed, inv.fields.iter().map(|f| f.id.as_str())) {
        format!(" Did you mean `{close}`?")
    } else if !named.is_empty() {
        format!(" `{typed}` is in the name of {}; give the id.", list(named))
    } else if !of_category.is_empty() {
        format!(" `{typed}` is a category; its fields are {}.", list(of_category))
    } else if inv.fields.is_empty() {
        " The inventory has no fields.".to_owned()
    } else {
        format!(" Field ids include {}.", list(inv.fields.iter().map(|f| f.id.as_str()).collect()))
    };
    Err(Error::msg(format!("no field has the id `{typed}`.{hint}")))
}

/// Run the command line; `main` turns the outcome or the error into the exit code.
pub fn run(cli: Cli) -> Result<Outcome> {
    if let Ok(v) = std::env::var("PIFLOW_THREADS")
        && piflow::parallel::threads_from(Some(&v)).is_none()
    {
        return Err(Error::msg(format!(
            "PIFLOW_THREADS={v}: give a whole number of threads from 1 to 256, or unset it to use one per core"
        )));
    }
    FOLLOW_SYMLINKS.store(cli.follow_symlinks, std::sync::atomic::Ordering::Relaxed);
    // On the pool's threads, sequential steps included: see `parallel::install`.
    piflow::parallel::install(|| run_command(&cli))
}

fn run_command(cli: &Cli) -> Result<Outcome> {
    match &cli.command {
        Command::Check(args) => check(args),
        Command::Explain { code, markdown } => explain(code.as_deref(), *markdown),
        Command::Convert { input, output, to, force_inside } => convert(input, output, *to, *force_inside),
        Command::Report(args) => reports::report(args),
        Command::Diagram(args) => reports::diagram(args),
        Command::Trace(args) => reports::trace(args),
        Command::Map(args) => map::run(args),
        Command::StoreLabels(args) => store::store_labels(args),
        Command::Scan(cmd) => scan::run(cmd),
        Command::Notice(cmd) => notice::run(cmd),
        Command::Tools(cmd) => tools::run(cmd),
    }
}
