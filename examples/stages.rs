//! Where the time goes: load, graph, rules and JSON rendering of one inventory, timed apart, with
//! the peak resident memory after each stage. For profiling; the benchmark is `bench/run.py`.
//!
//!     cargo run --release --example stages -- INVENTORY

use piflow::graph::FlowGraph;
use piflow::load::{LoadOptions, load};
use piflow::model::Date;
use piflow::report::{Run, json};
use piflow::rules::{self, Context};
use std::io::Write;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn peak_rss_mb() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l[6..].trim().to_owned()))
        .unwrap_or_default()
}

/// CPU seconds (user + system) this process has used: steadier than wall time on a busy machine.
fn cpu_s() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

/// A line of the report; a closed pipe (`stages … | head`) ends the run quietly.
macro_rules! say {
    ($($arg:tt)*) => {
        if writeln!(std::io::stdout(), $($arg)*).is_err() {
            std::process::exit(0);
        }
    };
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: stages INVENTORY");
        std::process::exit(2);
    };
    let (t, c) = (Instant::now(), cpu_s());
    // As `check --format json` loads: texts let go once read.
    let loaded = match load(
        path.as_ref(),
        &LoadOptions { rule_codes: rules::codes(), release_text: true, ..LoadOptions::default() },
    ) {
        Ok(l) => l,
        Err(f) => {
            eprintln!("{}", f.errors);
            std::process::exit(2);
        }
    };
    say!("load   {:>8.3} s  cpu {:>6.2} s  peak {}", t.elapsed().as_secs_f64(), cpu_s() - c, peak_rss_mb());
    let (t, c) = (Instant::now(), cpu_s());
    let graph = FlowGraph::build(&loaded.inventory);
    say!(
        "graph  {:>8.3} s  cpu {:>6.2} s  peak {}  ({} edges)",
        t.elapsed().as_secs_f64(),
        cpu_s() - c,
        peak_rss_mb(),
        graph.edges.len()
    );
    let (t, c) = (Instant::now(), cpu_s());
    let ctx = Context { as_of: "2026-11-23".parse::<Date>().unwrap_or_else(|_| Date::today()), ..Context::default() };
    let findings = rules::check(&graph, &ctx);
    say!(
        "rules  {:>8.3} s  cpu {:>6.2} s  peak {}  ({} findings)",
        t.elapsed().as_secs_f64(),
        cpu_s() - c,
        peak_rss_mb(),
        findings.len()
    );
    let (t, c) = (Instant::now(), cpu_s());
    let run = Run { findings: &findings, sources: &loaded.sources, as_of: ctx.as_of, inventory: &path };
    let out = json::render(&run);
    say!(
        "json   {:>8.3} s  cpu {:>6.2} s  peak {}  ({} bytes)",
        t.elapsed().as_secs_f64(),
        cpu_s() - c,
        peak_rss_mb(),
        out.len()
    );
}
