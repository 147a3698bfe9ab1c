use clap::Parser;

fn main() {
    // clap exits 2 on usage errors, as rules.md wants for an invalid command line.
    let cli = piflow::cli::Cli::parse();
    std::process::exit(piflow::cli::run(cli));
}
