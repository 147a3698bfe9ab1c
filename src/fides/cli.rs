//! The command-line ends of Fides interop: `piflow convert … --to fides` and
//! `piflow import fides FILE… -o DIR`. Exit codes follow piflow's: 0 all mapped, 1 written but
//! something did not map exactly (listed), 2 nothing written (bad input or usage).

use crate::cli::{EXIT_FINDINGS, EXIT_INVALID, EXIT_OK};
use crate::load::{self, LoadOptions};
use crate::output::write_atomic;
use crate::report::human::sanitize;
use std::io::{IsTerminal, Write};
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

/// `piflow convert INV OUT --to fides`: one manifest file at OUT.
pub fn convert(inv: &crate::model::Inventory, output: &Path) -> i32 {
    if output.is_dir() {
        eprintln!(
            "piflow: {} is a directory; --to fides writes one manifest file, e.g. {}",
            output.display(),
            output.join("fides.yml").display()
        );
        return EXIT_INVALID;
    }
    let exported = match super::export(inv).and_then(|e| super::to_yaml(&e.manifest).map(|t| (t, e.notes))) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("piflow: cannot write the Fides manifest: {e}");
            return EXIT_INVALID;
        }
    };
    if let Err(e) = write_atomic(output, exported.0.as_bytes()) {
        eprintln!("piflow: cannot write {}: {e}", output.display());
        return EXIT_INVALID;
    }
    for note in exported.1 {
        eprintln!("piflow: note: {note}");
    }
    EXIT_OK
}

/// `piflow import fides FILE… -o DIR`.
pub fn import(args: &ImportArgs) -> i32 {
    let country = match &args.country {
        Some(c) => {
            let c = c.trim().to_ascii_uppercase();
            if !crate::model::is_country(&c) {
                eprintln!("piflow: --country {c}: not an ISO 3166-1 alpha-2 code (e.g. CN, DE, US)");
                return EXIT_INVALID;
            }
            Some(c)
        }
        None => None,
    };
    let mut sources = Vec::new();
    for path in &args.files {
        let shown = load::display_path(path);
        match std::fs::read_to_string(path) {
            Ok(text) => sources.push(super::Source { path: shown, text }),
            Err(e) => {
                eprintln!("piflow: {shown}: cannot read: {e}");
                return EXIT_INVALID;
            }
        }
    }
    let imported = match super::parse(&sources).and_then(|m| super::import(&m, &super::Options { country })) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("piflow: {}", sanitize(&e.to_string()));
            return EXIT_INVALID;
        }
    };
    // Check the result with the real loader before writing anything: an import must never
    // leave an inventory that `piflow check` refuses.
    let single = match load::write_parts(&imported.inventory, true) {
        Ok(files) => files.into_iter().next().map(|(_, t)| t).unwrap_or_default(),
        Err(e) => {
            eprintln!("piflow: cannot serialize the inventory: {e}");
            return EXIT_INVALID;
        }
    };
    let opts = LoadOptions { rule_codes: crate::rules::codes(), release_text: false };
    if let Err(failed) = load::load_str("imported inventory", &single, &opts) {
        eprintln!("piflow: the manifest maps to an invalid inventory; fix the manifest:");
        let text = crate::report::human::render_load_errors(
            &failed.errors.0,
            &failed.sources,
            std::io::stderr().is_terminal(),
        );
        let _ = std::io::stderr().write_all(&text);
        return EXIT_INVALID;
    }
    let parts = match load::write_parts(&imported.inventory, false) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("piflow: cannot serialize the inventory: {e}");
            return EXIT_INVALID;
        }
    };
    if args.output.exists() && !args.output.is_dir() {
        eprintln!(
            "piflow: {} exists and is not a directory; give a directory for the inventory parts",
            args.output.display()
        );
        return EXIT_INVALID;
    }
    for (name, contents) in parts {
        let path = args.output.join(name);
        if let Err(e) = write_atomic(&path, contents.as_bytes()) {
            eprintln!("piflow: cannot write {}: {e}", path.display());
            return EXIT_INVALID;
        }
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
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(out.as_bytes()).and_then(|_| stdout.flush());
    if imported.unmapped.is_empty() { EXIT_OK } else { EXIT_FINDINGS }
}
