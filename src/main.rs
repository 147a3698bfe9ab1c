use clap::Parser;

// Checking a large inventory allocates millions of small strings and frees them at once; glibc's
// allocator spends more time consolidating than piflow spends judging. mimalloc does not. Its
// transparent huge pages are off: zeroing 2 MB pages on first touch cost more than they saved.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // clap exits 2 on usage errors, as rules.md wants for an invalid command line.
    let cli = piflow::cli::Cli::parse();
    std::process::exit(piflow::cli::run(cli));
}
