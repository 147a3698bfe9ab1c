//! The `piflow` binary: argument parsing, wiring of the library's stages, exit codes. The library
//! (`piflow::{load, graph, rules, report, scan}`) knows nothing of it.

#![forbid(unsafe_code)]
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

use clap::Parser;

mod cli;

// Checking a large inventory allocates millions of small strings and frees them at once; glibc's
// allocator spends more time consolidating than piflow spends judging. mimalloc does not. Its
// transparent huge pages are on: a million flows fill a few hundred megabytes of fresh memory, and
// faulting it in 4 KB at a time cost more than a sixth of the run (2 MB pages: -16% at 1M flows,
// -25% at 100k). Its v2 line, not v3: as fast here, and its peak at 1M flows is lower and steadier
// (336-355 MiB against 341-365), which keeps `check` under 3x the input with room to spare.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // clap exits 2 on usage errors, as rules.md wants for an invalid command line.
    let cli = cli::Cli::parse();
    // The one place an error is printed.
    let code = match cli::run(cli) {
        Ok(outcome) => outcome.code(),
        Err(e) => {
            e.print();
            cli::EXIT_INVALID
        }
    };
    std::process::exit(code);
}
