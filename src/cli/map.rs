//! `piflow map`: the interactive data map, one offline HTML file. The page is built in
//! `piflow::report::map`; this loads, checks, lays out (Graphviz when it is there) and writes.

use super::guard::refuse_over_inputs;
use super::reports::{findings, load_writing_to};
use super::{Error, Outcome, Result, emit, parse_date};
use clap::ValueEnum;
use piflow::graph::FlowGraph;
use piflow::model::Date;
use piflow::report::diagram::{Drawing, Filter};
use piflow::report::map;
use std::path::PathBuf;

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Graphviz's `dot` when installed, else the built-in layout.
    Auto,
    /// Graphviz's `dot` (an error when it is not installed).
    Graphviz,
    /// piflow's own layered layout (no Graphviz needed).
    Builtin,
}

#[derive(clap::Args, Debug)]
pub struct MapArgs {
    /// Inventory directory (JSON parts and/or CSV sheets) or a single .json file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Write the HTML page to this file (atomically); default standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Who lays the drawing out.
    #[arg(long, value_enum, default_value_t = Layout::Auto)]
    pub layout: Layout,
    /// Collapse parties, then systems and subjects, per country above this many nodes (the
    /// panels still list every member and flow).
    #[arg(long, default_value_t = 150)]
    pub collapse_above: usize,
    /// Judge findings as of this date (YYYY-MM-DD); default today.
    #[arg(long, value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Allow writing inside the inventory directory.
    #[arg(long)]
    pub force_inside: bool,
}

pub fn run(args: &MapArgs) -> Result<Outcome> {
    refuse_over_inputs(&[&args.path], args.output.as_deref(), args.force_inside)?;
    let loaded = load_writing_to(&args.path, args.output.as_deref(), args.force_inside)?;
    let as_of = args.as_of.unwrap_or_else(Date::today);
    let graph = FlowGraph::build(&loaded.inventory);
    let found = findings(&graph, as_of, None);
    let drawing = Drawing::new(&graph, &Filter::default(), args.collapse_above);
    let graphviz = match args.layout {
        Layout::Builtin => None,
        Layout::Auto | Layout::Graphviz => {
            let dot = map::dot_source(&graph, &found, &drawing);
            match graphviz_rust::exec_dot(dot, vec![graphviz_rust::cmd::Format::Svg.into()]) {
                Ok(svg) => Some(map::clean_svg(&String::from_utf8_lossy(&svg)).map_err(Error::msg)?),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && args.layout == Layout::Auto => None,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    return Err(Error::msg(
                        "Graphviz's `dot` program was not found. Install Graphviz (`apt-get install graphviz`, \
                         `brew install graphviz`) or use --layout builtin.",
                    ));
                }
                Err(e) => return Err(Error::msg(format!("Graphviz's `dot` failed: {}", e.to_string().trim()))),
            }
        }
    };
    let (svg, layout) = match graphviz {
        Some(svg) => (svg, "graphviz"),
        None => (map::builtin_svg(&graph, &found, &drawing), "builtin"),
    };
    let as_of = as_of.to_string();
    let mut page = Vec::new();
    map::write(&graph, &found, &drawing, &svg, layout, &as_of, &mut page)
        .map_err(|e| Error::msg(format!("cannot build the map: {e}")))?;
    emit(args.output.as_deref(), &page)?;
    Ok(Outcome::Clean)
}
