//! Tooling around the inventory format: its JSON Schema (for editors), shell completions and
//! the man page. All generated from the types and the clap definitions, so none can drift.

use super::{Cli, Error, Outcome, Result, emit};
use clap::{CommandFactory, Subcommand};
use clap_complete::Shell;
use std::path::PathBuf;

#[derive(Subcommand, Debug)]
pub enum Commands {
    /// Print the JSON Schema of an inventory part (generated from the model types).
    Schema {
        /// Write it to this file (atomically) instead of standard output.
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Print a completion script for a shell (bash, zsh, fish, elvish, powershell).
    Completions {
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page (roff); e.g. `piflow man > piflow.1`.
    Man,
    /// Build an inventory from another tool's files: `piflow import fides FILE… -o DIR`.
    Import(super::fides::ImportArgs),
}

/// The JSON Schema of one inventory part, as pretty JSON.
pub fn schema_text() -> serde_json::Result<String> {
    let schema = schemars::schema_for!(piflow::model::Part);
    let mut text = serde_json::to_string_pretty(&schema)?;
    text.push('\n');
    Ok(text)
}

pub fn run(cmd: &Commands) -> Result<Outcome> {
    match cmd {
        Commands::Schema { output } => {
            let text = schema_text().map_err(|e| Error::msg(format!("cannot write the JSON Schema: {e}")))?;
            emit(output.as_deref(), text.as_bytes())?;
        }
        Commands::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "piflow", &mut out);
            emit(None, &out)?;
        }
        Commands::Import(args) => return super::fides::import(args),
        Commands::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut out)
                .map_err(|e| Error::msg(format!("cannot render the man page: {e}")))?;
            emit(None, &out)?;
        }
    }
    Ok(Outcome::Clean)
}
