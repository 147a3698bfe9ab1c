//! `piflow report`, `piflow diagram` and `piflow trace`: argument definitions and wiring. The
//! tables, the diagram and the trace are built in `piflow::report`; this only loads, checks,
//! picks formats and writes files (atomically, and never inside the inventory unless asked).

use super::guard::refuse_over_inputs;
use super::{Error, Outcome, Result, emit, parse_date, parse_regime};
use clap::ValueEnum;
use piflow::finding::Finding;
use piflow::graph::{FlowGraph, Node};
use piflow::load::{self, Loaded};
use piflow::model::{Date, Regime};
use piflow::output::write_atomic_with;
use piflow::report::table::Lang;
use piflow::report::{diagram as dia, records, table, table_csv, table_html, table_md, table_xlsx, trace as tr};
use piflow::rules::{self, Context};
use piflow::source::path::display_path;
use std::path::{Path, PathBuf};

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LangArg {
    Zh,
    En,
    Both,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
            LangArg::Both => Lang::Both,
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ReportFormat {
    Csv,
    Md,
    Html,
    Xlsx,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// Inventory directory (JSON parts and/or CSV sheets) or a single .json file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Directory to write the reports into (created if missing).
    #[arg(long)]
    pub out: PathBuf,
    /// Language of headers, titles and vocabulary.
    #[arg(long, value_enum, default_value_t = LangArg::Both)]
    pub lang: LangArg,
    /// Formats to write (comma-separated); default all.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [ReportFormat::Csv, ReportFormat::Md, ReportFormat::Html, ReportFormat::Xlsx, ReportFormat::Json])]
    pub format: Vec<ReportFormat>,
    /// Judge validity and expiry as of this date (YYYY-MM-DD); default today. Fix it for
    /// reports kept in git, so they do not change with the calendar.
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Countries to treat as EU-adequate instead of the built-in list (comma-separated codes).
    #[arg(long, value_delimiter = ',')]
    pub adequate: Option<Vec<String>>,
    /// Allow writing inside the inventory directory.
    #[arg(long)]
    pub force_inside: bool,
    /// Leave out the findings (问题) column: the copy of the record that leaves the company.
    #[arg(long)]
    pub no_findings: bool,
    /// The document's version, printed on the record's cover (piflow's own is `piflow --version`).
    #[arg(long = "version", value_name = "VERSION")]
    pub doc_version: Option<String>,
    /// Who approved this version of the record, printed on its cover.
    #[arg(long, value_name = "NAME")]
    pub approver: Option<String>,
    /// The document's date on the cover (YYYY-MM-DD); default the as-of date.
    #[arg(long, value_parser = parse_date)]
    pub date: Option<Date>,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiagramFormat {
    Dot,
    Svg,
    Png,
}

#[derive(clap::Args, Debug)]
pub struct DiagramArgs {
    /// Inventory directory (JSON parts and/or CSV sheets) or a single .json file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Only flows carrying this field (id).
    #[arg(long)]
    pub field: Option<String>,
    /// Only flows to or from this party (id), and the flows upstream that feed it.
    #[arg(long)]
    pub party: Option<String>,
    /// Only flows of this purpose (id).
    #[arg(long)]
    pub purpose: Option<String>,
    /// Only flows under this regime.
    #[arg(long, value_parser = parse_regime)]
    pub regime: Option<Regime>,
    /// Output format; default from the file extension (.dot/.gv, .svg, .png), else dot.
    /// svg and png run Graphviz's `dot`.
    #[arg(long, value_enum)]
    pub format: Option<DiagramFormat>,
    /// Write to this file (atomically); default standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Collapse parties, then systems and subjects, per country above this many nodes.
    #[arg(long, default_value_t = 60)]
    pub collapse_above: usize,
    /// Judge findings as of this date (YYYY-MM-DD); default today.
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Allow writing inside the inventory directory.
    #[arg(long)]
    pub force_inside: bool,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum TraceFormat {
    Human,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct TraceArgs {
    /// The field to follow (its id).
    pub field: String,
    /// Inventory directory (JSON parts and/or CSV sheets) or a single .json file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[arg(long, value_enum, default_value_t = TraceFormat::Human)]
    pub format: TraceFormat,
    /// Judge findings as of this date (YYYY-MM-DD); default today.
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Write to this file (atomically) instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Allow writing inside the inventory directory.
    #[arg(long)]
    pub force_inside: bool,
}

/// [`load`] for a command that writes to `out`: an output over the inventory or inside it is
/// refused first (unless forced), before any work is done.
pub(crate) fn load_writing_to(path: &Path, out: Option<&Path>, force_inside: bool) -> Result<Loaded> {
    refuse_over_inputs(&[path], out, force_inside)?;
    super::load(path)
}

pub(crate) fn findings(graph: &FlowGraph, as_of: Date, adequate: Option<&Vec<String>>) -> Vec<Finding> {
    let ctx = Context {
        as_of,
        adequate: adequate.map(|v| v.iter().map(|c| c.trim().to_ascii_uppercase()).collect()),
        only: None,
    };
    rules::check(graph, &ctx)
}

/// Write one file of the report into `--out`; never over the inventory (`report inv.json --out .`
/// where the inventory is named report.json).
fn write(args: &ReportArgs, path: &Path, bytes: &[u8]) -> Result<()> {
    write_with(args, path, |w| w.write_all(bytes))
}

/// [`write`] for a report written piece by piece, never held whole in memory.
fn write_with(
    args: &ReportArgs,
    path: &Path,
    content: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<()> {
    refuse_over_inputs(&[&args.path], Some(path), args.force_inside)?;
    write_atomic_with(path, content).map_err(Error::cannot_write(path))
}

pub fn report(args: &ReportArgs) -> Result<Outcome> {
    let loaded = load_writing_to(&args.path, Some(&args.out), args.force_inside)?;
    let as_of = args.as_of.unwrap_or_else(Date::today);
    let graph = FlowGraph::build(&loaded.inventory);
    let found = findings(&graph, as_of, args.adequate.as_ref());
    let mut doc = records::build(&graph, &found, as_of, args.lang.into(), &display_path(&args.path));
    doc.cover = table::Cover {
        version: args.doc_version.clone(),
        approver: args.approver.clone(),
        date: args.date.map(|d| d.to_string()),
    };
    if args.no_findings {
        for t in &mut doc.tables {
            t.drop_column("findings");
        }
    }
    let mut formats = args.format.clone();
    formats.sort();
    formats.dedup();
    let write_format = |f: ReportFormat| -> Result<()> {
        match f {
            ReportFormat::Csv => {
                // The cover (document control) is a file of its own: each CSV holds one table.
                write(args, &args.out.join("cover.csv"), &table_csv::render(&doc.cover_table(), doc.lang))?;
                for t in &doc.tables {
                    write(args, &args.out.join(format!("{}.csv", t.id)), &table_csv::render(t, doc.lang))?;
                }
            }
            ReportFormat::Md => write_with(args, &args.out.join("report.md"), |w| table_md::write(&doc, w))?,
            ReportFormat::Html => write_with(args, &args.out.join("report.html"), |w| table_html::write(&doc, w))?,
            ReportFormat::Json => write_with(args, &args.out.join("report.json"), |w| table::write_json(&doc, w))?,
            ReportFormat::Xlsx => {
                let bytes = table_xlsx::render(&doc).map_err(|e| {
                    // Sheets are written through temporary files as they are built.
                    let hint = match e {
                        rust_xlsxwriter::XlsxError::TempFileError(..) => {
                            " (its sheets go through temporary files: set TMPDIR to a writable directory)"
                        }
                        _ => "",
                    };
                    Error::msg(format!("cannot build the XLSX workbook: {e}{hint}"))
                })?;
                write(args, &args.out.join("report.xlsx"), &bytes)?;
            }
        }
        Ok(())
    };
    // The XLSX workbook (compressed on one core) is written beside the text formats.
    let (xlsx, text): (Vec<ReportFormat>, Vec<ReportFormat>) =
        formats.into_iter().partition(|f| matches!(f, ReportFormat::Xlsx));
    let (xlsx, text) = piflow::parallel::join(
        || xlsx.into_iter().try_for_each(write_format),
        || text.into_iter().try_for_each(write_format),
    );
    text.and(xlsx)?;
    Ok(Outcome::Clean)
}

/// The index of `id` among `ids`, or a message with the closest spelling.
fn lookup<'a>(what: &str, id: &str, ids: impl Iterator<Item = &'a str> + Clone) -> Result<u32> {
    if let Some(i) = ids.clone().position(|x| x == id) {
        return Ok(i as u32);
    }
    let hint = load::did_you_mean(id, ids).map(|s| format!(" Did you mean `{s}`?")).unwrap_or_default();
    Err(Error::msg(format!("no {what} has the id `{id}`.{hint}")))
}

pub fn diagram(args: &DiagramArgs) -> Result<Outcome> {
    let loaded = load_writing_to(&args.path, args.output.as_deref(), args.force_inside)?;
    let inv = &loaded.inventory;
    let as_of = args.as_of.unwrap_or_else(Date::today);
    let graph = FlowGraph::build(inv);
    let mut filter = dia::Filter { regime: args.regime, ..Default::default() };
    if let Some(f) = &args.field {
        filter.field = Some(super::field_index(inv, f)?);
    }
    if let Some(p) = &args.purpose {
        filter.purpose = Some(lookup("purpose", p, inv.purposes.iter().map(|x| x.id.as_str()))?);
    }
    if let Some(p) = &args.party {
        let i = lookup("party", p, inv.parties.iter().map(|x| x.id.as_str()))?;
        filter.party = graph.node_of(inv.parties[i as usize].id.as_str());
        debug_assert!(filter.party.is_some_and(|n| matches!(graph.graph[n], Node::Party(_))));
    }
    let found = findings(&graph, as_of, None);
    let opts = dia::Options { filter, collapse_above: args.collapse_above, as_of: as_of.to_string() };
    let dot = dia::to_dot(&graph, &found, &opts);
    let format = args.format.unwrap_or_else(|| {
        match args.output.as_ref().and_then(|p| p.extension()).and_then(|e| e.to_str()).map(str::to_ascii_lowercase) {
            Some(e) if e == "svg" => DiagramFormat::Svg,
            Some(e) if e == "png" => DiagramFormat::Png,
            _ => DiagramFormat::Dot,
        }
    });
    let bytes = match format {
        DiagramFormat::Dot => dot.into_bytes(),
        DiagramFormat::Svg | DiagramFormat::Png => render(&dot, format)?,
    };
    emit(args.output.as_deref(), &bytes)?;
    Ok(Outcome::Clean)
}

/// Run Graphviz's `dot` on the DOT text.
fn render(dot: &str, format: DiagramFormat) -> Result<Vec<u8>> {
    use graphviz_rust::cmd::Format;
    let f = if format == DiagramFormat::Png { Format::Png } else { Format::Svg };
    graphviz_rust::exec_dot(dot.to_owned(), vec![f.into()]).map_err(|e| {
        Error::msg(if e.kind() == std::io::ErrorKind::NotFound {
            "Graphviz's `dot` program was not found, so svg/png cannot be rendered. Install \
             Graphviz (`apt-get install graphviz`, `brew install graphviz`, or https://graphviz.org/download/) \
             or write DOT with --format dot."
                .to_owned()
        } else {
            format!("Graphviz's `dot` failed: {}", e.to_string().trim())
        })
    })
}

pub fn trace(args: &TraceArgs) -> Result<Outcome> {
    let loaded = load_writing_to(&args.path, args.output.as_deref(), args.force_inside)?;
    let inv = &loaded.inventory;
    let field = super::field_index(inv, &args.field)?;
    let as_of = args.as_of.unwrap_or_else(Date::today);
    let graph = FlowGraph::build(inv);
    let found = findings(&graph, as_of, None);
    let t = tr::trace(&graph, field);
    let text = match args.format {
        TraceFormat::Human => tr::to_human(&t, &found, as_of),
        TraceFormat::Json => {
            tr::to_json(&t, &found, as_of).map_err(|e| Error::msg(format!("cannot write the trace: {e}")))?
        }
    };
    emit(args.output.as_deref(), text.as_bytes())?;
    Ok(Outcome::Clean)
}
