//! Subcommands of the `notice` family (flattened into `piflow`'s command list): write a privacy
//! notice from the inventory, and check a published notice against it.

use super::{FindingsOutput, Outcome, Result, emit, load_as, load_options, parse_date};
use clap::{Subcommand, ValueEnum};
use piflow::graph::FlowGraph;
use piflow::load::SourceFile;
use piflow::model::Date;
use piflow::notice::generate::{self, Lang};
use piflow::notice::text::Notice;
use piflow::report::Run;
use piflow::source::path::display_path;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum Commands {
    /// Write the privacy notice the inventory supports (PIPL Art. 17, 30, 39; GDPR Art. 13).
    Notice(NoticeArgs),
    /// Check a published privacy notice (.txt, .md or .html) against the inventory.
    NoticeCheck(NoticeCheckArgs),
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LangArg {
    Zh,
    En,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeFormat {
    Md,
    Html,
}

#[derive(clap::Args, Debug)]
pub struct NoticeArgs {
    /// Inventory directory (JSON parts and/or CSV sheets) or a single .json file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Language of the notice.
    #[arg(long, value_enum)]
    pub lang: LangArg,
    #[arg(long, value_enum, default_value_t = NoticeFormat::Md)]
    pub format: NoticeFormat,
    /// Write the notice to this file (atomically) instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(clap::Args, Debug)]
pub struct NoticeCheckArgs {
    /// The published notice: a .txt, .md or .html file (UTF-8).
    pub policy: PathBuf,
    /// Inventory directory (JSON parts and/or CSV sheets) or a single .json file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    #[command(flatten)]
    pub out: FindingsOutput,
    /// Judge waiver expiry as of this date (YYYY-MM-DD); default today.
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<Date>,
}

pub fn run(cmd: &Commands) -> Result<Outcome> {
    match cmd {
        Commands::Notice(args) => notice(args),
        Commands::NoticeCheck(args) => notice_check(args),
    }
}

fn notice(args: &NoticeArgs) -> Result<Outcome> {
    let loaded = super::load(&args.path)?;
    let graph = FlowGraph::build(&loaded.inventory);
    let lang = match args.lang {
        LangArg::Zh => Lang::Zh,
        LangArg::En => Lang::En,
    };
    let format = match args.format {
        NoticeFormat::Md => generate::Format::Markdown,
        NoticeFormat::Html => generate::Format::Html,
    };
    emit(args.output.as_deref(), generate::generate(&graph, lang, format).as_bytes())?;
    Ok(Outcome::Clean)
}

fn notice_check(args: &NoticeCheckArgs) -> Result<Outcome> {
    super::reports::refuse_over_inputs(&[&args.path, &args.policy], args.out.output.as_deref(), args.out.force_inside)?;
    let notice = Notice::read(&args.policy, display_path(&args.policy)).map_err(|e| e.to_string())?;
    let loaded = load_as(&args.path, &load_options(), args.out.format)?;
    let graph = FlowGraph::build(&loaded.inventory);
    let as_of = args.as_of.unwrap_or_else(Date::today);
    // The notice joins the run's source files, so every renderer can point at its lines the way
    // it points at the inventory's (file:line, the quoted line in human output, SARIF regions).
    let mut sources = loaded.sources.clone();
    let notice_file = sources.files.len() as u32;
    sources.files.push(SourceFile::new(notice.path.clone(), notice.source.clone()));
    let findings = piflow::notice::check::check(&graph, &notice, notice_file, as_of);
    let shown = format!("{} against {}", notice.path, display_path(&args.path));
    let run = Run { findings: &findings, sources: &sources, as_of, inventory: &shown };
    let catalogue: Vec<_> = piflow::rules::catalogue().filter(|r| piflow::rules::notice::is_notice_rule(r)).collect();
    args.out.finish(&run, &catalogue)
}
