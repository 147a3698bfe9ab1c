//! `piflow store-labels`: the app stores' privacy labels of one app system.

use super::error::{Error, Outcome, Result};
use super::{emit, load, reports};
use piflow::graph::FlowGraph;
use piflow::model::SystemKind;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct StoreLabelsArgs {
    /// Inventory directory or .json file.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// The app system (its id) whose labels to write; may be left out when the inventory has one app.
    #[arg(long)]
    pub app: Option<String>,
    /// Directory to write data-safety.csv, PrivacyInfo.xcprivacy and store-labels.md into.
    #[arg(short, long, value_name = "DIR")]
    pub out: PathBuf,
    /// Allow --out inside the inventory directory.
    #[arg(long)]
    pub force_inside: bool,
}

pub fn store_labels(args: &StoreLabelsArgs) -> Result<Outcome> {
    let files = ["data-safety.csv", "PrivacyInfo.xcprivacy", "store-labels.md"].map(|f| args.out.join(f));
    for f in &files {
        reports::refuse_over_inputs(&[&args.path], Some(f), args.force_inside)?;
    }
    let loaded = load(&args.path)?;
    let inv = &loaded.inventory;
    let apps: Vec<usize> = (0..inv.systems.len())
        .filter(|&i| matches!(inv.systems[i].kind, Some(SystemKind::App | SystemKind::MiniProgram)))
        .collect();
    let app = match &args.app {
        Some(id) => inv.systems.iter().position(|s| s.id == *id).ok_or_else(|| {
            let ids: Vec<&str> = inv.systems.iter().map(|s| s.id.as_str()).collect();
            Error::msg(format!(
                "--app {}: no system has this id; systems: {}",
                piflow::source::escape::sanitize(id),
                piflow::source::escape::sanitize(&ids.join(", "))
            ))
        })?,
        None => match apps.as_slice() {
            [one] => *one,
            [] => return Err(Error::msg("no system has kind `app` or `mini-program`: name the app with --app SYSTEM")),
            _ => {
                let ids: Vec<&str> = apps.iter().map(|&i| inv.systems[i].id.as_str()).collect();
                return Err(Error::msg(format!(
                    "the inventory has several apps ({}): name one with --app SYSTEM",
                    piflow::source::escape::sanitize(&ids.join(", "))
                )));
            }
        },
    };
    let graph = FlowGraph::build(inv);
    let labels = piflow::report::store::labels(&graph, app);
    std::fs::create_dir_all(&args.out).map_err(Error::cannot_write(&args.out))?;
    let [csv, plist, md] = &files;
    emit(Some(csv), labels.data_safety_csv.as_bytes())?;
    emit(Some(plist), labels.xcprivacy.as_bytes())?;
    emit(Some(md), labels.summary.as_bytes())?;
    Ok(Outcome::Clean)
}
