//! Subcommands of the `scan` family (flattened into `piflow`'s command list).

use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum Commands {}

pub fn run(cmd: &Commands) -> i32 {
    match *cmd {}
}
