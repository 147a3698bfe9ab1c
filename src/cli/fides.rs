//! The command-line ends of Fides interop: `piflow convert … --to fides` and
//! `piflow import fides FILE… -o DIR`. Exit codes follow piflow's: 0 all mapped, 1 written but
//! something did not map exactly (listed), 2 nothing written (bad input or usage).

use super::{Error, Format, Outcome, Result};
use piflow::fides::{Options, Source, export, import as import_manifests, parse, to_yaml};
use piflow::load;
use piflow::output::write_atomic;
use piflow::source::escape::sanitize;
use piflow::source::path::display_path;
use std::path::{Path, PathBuf};

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportFrom {
    /// Fides (fideslang) YAML manifests: systems, datasets, taxonomy, organization.
    Fides,
}

#[derive(clap::Args, Debug)]
#[command(after_help = "Exit codes: 0 everything mapped; 1 inventory written, but the listed items did not map \
                        exactly (approximated, assumed or left out); 2 invalid input, nothing written.\n\
                        The mapping is docs/fides-mapping.md.")]
pub struct ImportArgs {
    /// The format of FILE….
    #[arg(value_enum)]
    pub from: ImportFrom,
    /// Manifest files (.yml/.yaml); resources of all files are merged, as `fides` does.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// The inventory directory to write JSON parts into.
    #[arg(short, long, value_name = "DIR")]
    pub output: PathBuf,
    /// The country (ISO 3166-1 alpha-2) to assume where the manifest says none; Fides has no
    /// country field, so a manifest not written by piflow needs it.
    #[arg(long, value_name = "CC")]
    pub country: Option<String>,
}

/// Manifests larger than this are refused: a Fides manifest of every system of a large company
/// is a few megabytes, and a YAML document is several times its size in memory.
const MAX_MANIFEST_BYTES: u64 = 64 << 20;

/// `piflow convert INV OUT --to fides`: one manifest file at OUT.
pub fn convert(inv: &piflow::model::Inventory, output: &Path) -> Result<Outcome> {
    // (`convert` has refused an OUTPUT over or inside the input already.)
    if output.is_dir() {
        return Err(Error::msg(format!(
            "{} is a directory; --to fides writes one manifest file, e.g. {}",
            output.display(),
            output.join("fides.yml").display()
        )));
    }
    let (yaml, notes) = export(inv)
        .and_then(|e| to_yaml(&e.manifest).map(|t| (t, e.notes)))
        .map_err(|e| Error::msg(format!("cannot write the Fides manifest: {e}")))?;
    write_atomic(output, yaml.as_bytes()).map_err(Error::cannot_write(output))?;
    for note in notes {
        eprintln!("piflow: note: {note}");
    }
    Ok(Outcome::Clean)
}

/// `piflow import fides FILE… -o DIR`.
pub fn import(args: &ImportArgs) -> Result<Outcome> {
    let country = match &args.country {
        Some(c) => {
            let c = c.trim().to_ascii_uppercase();
            if !piflow::model::is_country(&c) {
                return Err(Error::msg(format!("--country {c}: not an ISO 3166-1 alpha-2 code (e.g. CN, DE, US)")));
            }
            Some(c)
        }
        None => None,
    };
    let inputs: Vec<&Path> = args.files.iter().map(PathBuf::as_path).collect();
    super::guard::refuse_over_inputs(&inputs, Some(&args.output), false)?;
    let mut sources = Vec::new();
    for path in &args.files {
        let shown = display_path(path);
        let access = piflow::source::read::Access::named(MAX_MANIFEST_BYTES);
        let text = piflow::source::read::text(path, &access).map_err(|e| format!("{shown}: {e}"))?;
        sources.push(Source { path: shown, text });
    }
    let imported =
        parse(&sources).and_then(|m| import_manifests(&m, &Options { country })).map_err(|e| e.to_string())?;
    // Check the result with the real loader before writing anything: an import must never
    // leave an inventory that `piflow check` refuses.
    let single = load::write_parts(&imported.inventory, true).map_err(Error::cannot_serialize)?;
    let single = single.into_iter().next().map(|(_, t)| t).unwrap_or_default();
    if let Err(failed) = load::load_str("imported inventory", &single, &super::load_options()) {
        return Err(Error::Load {
            failed: Box::new(failed),
            format: Format::Human,
            preface: Some("the manifest maps to an invalid inventory; fix the manifest:"),
        });
    }
    let parts = load::write_parts(&imported.inventory, false).map_err(Error::cannot_serialize)?;
    if args.output.exists() && !args.output.is_dir() {
        return Err(Error::msg(format!(
            "{} exists and is not a directory; give a directory for the inventory parts",
            args.output.display()
        )));
    }
    for (name, contents) in parts {
        let path = args.output.join(name);
        super::guard::refuse_over_inputs(&inputs, Some(&path), false)?;
        write_atomic(&path, contents.as_bytes()).map_err(Error::cannot_write(&path))?;
    }
    let inv = &imported.inventory;
    let mut out = format!(
        "imported {} subjects, {} fields, {} systems, {} parties, {} purposes, {} flows into {}\n",
        inv.subjects.len(),
        inv.fields.len(),
        inv.systems.len(),
        inv.parties.len(),
        inv.purposes.len(),
        inv.flows.len(),
        args.output.display()
    );
    if imported.unmapped.is_empty() {
        out.push_str("everything mapped\n");
    } else {
        out.push_str(&format!("not mapped exactly ({}):\n", imported.unmapped.len()));
        for u in &imported.unmapped {
            out.push_str(&format!("  {}\n", sanitize(&u.to_string())));
        }
    }
    // A summary that cannot be written (a full disk, `> /dev/full`) fails the run, as for `check`.
    super::emit(None, out.as_bytes())?;
    Ok(Outcome::findings_if(!imported.unmapped.is_empty()))
}
