use clap::Parser;

// Checking a large inventory allocates millions of small strings and frees them at once; glibc's
// allocator spends more time consolidating than piflow spends judging. mimalloc does not. Its
// transparent huge pages are on: a million flows fill a few hundred megabytes of fresh memory, and
// faulting it in 4 KB at a time cost more than a sixth of the run (2 MB pages: -16% at 1M flows,
// -25% at 100k; off, as once measured before less memory was filled, they seemed to cost more).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // clap exits 2 on usage errors, as rules.md wants for an invalid command line.
    let cli = piflow::cli::Cli::parse();
    std::process::exit(piflow::cli::run(cli));
}
