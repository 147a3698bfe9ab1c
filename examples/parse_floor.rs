//! The benchmark floor: read and validate the same JSON files piflow checks, with serde_json
//! parsing into `IgnoredAny` — no tool can check what it has not read.
//!
//!     cargo run --release --example parse_floor -- DIR_OR_FILES…

use serde::de::IgnoredAny;
use std::path::PathBuf;

fn main() {
    let mut files: Vec<PathBuf> = Vec::new();
    for arg in std::env::args().skip(1) {
        let path = PathBuf::from(arg);
        if path.is_dir() {
            let Ok(entries) = std::fs::read_dir(&path) else { continue };
            files.extend(
                entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "json")),
            );
        } else {
            files.push(path);
        }
    }
    files.sort();
    let mut bytes = 0usize;
    for f in &files {
        let text = match std::fs::read(f) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("{}: {e}", f.display());
                std::process::exit(2);
            }
        };
        bytes += text.len();
        if let Err(e) = serde_json::from_slice::<IgnoredAny>(&text) {
            eprintln!("{}: {e}", f.display());
            std::process::exit(2);
        }
    }
    println!("parsed {} files, {bytes} bytes", files.len());
}
