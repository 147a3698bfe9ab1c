//! Data moves one way (README, "Architecture"): each top-level module of the library may use only
//! the modules before it in [`ORDER`]. This reads every `crate::…` path in `src/` and fails on a
//! back edge, on two modules that use each other, and on a module missing from the order. The
//! binary (`src/main.rs`, `src/cli/`) sits after all of them and reaches the library as `piflow::`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The stages, first to last. A new top-level module is added here, where its imports allow.
const ORDER: &[&str] = &[
    "parallel", "output", "source", "model", "load", "graph", "finding", "scan", "rules", "report", "notice", "fides",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module names that `crate::NAME` paths in `text` refer to (comments skipped).
fn crate_paths(text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let before = rest[..at].chars().next_back();
            rest = &rest[at + "crate::".len()..];
            // `pub(crate)` and `$crate` are not paths to a module.
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
                continue;
            }
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                found.insert(name);
            }
        }
    }
    found
}

/// Each library module (by its top-level name) and the top-level modules it uses.
fn library_imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut imports: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in files {
        let rel = file.strip_prefix(&src).expect("under src");
        let top = rel.components().next().expect("a component").as_os_str().to_string_lossy();
        let module = top.trim_end_matches(".rs").to_owned();
        if module == "lib" || module == "main" || module == "cli" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("read a source file");
        let used = imports.entry(module.clone()).or_default();
        used.extend(crate_paths(&text).into_iter().filter(|m| *m != module));
    }
    imports
}

#[test]
fn every_module_is_in_the_order() {
    let missing: Vec<String> = library_imports().into_keys().filter(|m| !ORDER.contains(&m.as_str())).collect();
    assert!(
        missing.is_empty(),
        "add these modules to ORDER in tests/architecture.rs, after what they use: {missing:?}"
    );
}

#[test]
fn no_module_imports_a_later_stage() {
    let rank = |m: &str| ORDER.iter().position(|o| *o == m);
    let mut back = Vec::new();
    for (module, used) in library_imports() {
        let Some(r) = rank(&module) else { continue };
        for u in used {
            match rank(&u) {
                Some(ru) if ru < r => {}
                _ => back.push(format!("{module} uses crate::{u}")),
            }
        }
    }
    assert!(back.is_empty(), "imports against the order {ORDER:?}:\n{}", back.join("\n"));
}

#[test]
fn no_two_modules_import_each_other() {
    let imports = library_imports();
    let mut cycles = Vec::new();
    for (a, used) in &imports {
        for b in used {
            if a < b && imports.get(b).is_some_and(|u| u.contains(a)) {
                cycles.push(format!("{a} <-> {b}"));
            }
        }
    }
    assert!(cycles.is_empty(), "modules that import each other: {cycles:?}");
}

#[test]
fn the_library_does_not_contain_the_cli() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("read lib.rs");
    assert!(!lib.lines().any(|l| l.trim_start().starts_with("pub mod cli") || l.trim() == "mod cli;"));
    let mut files = Vec::new();
    rust_files(&src.join("cli"), &mut files);
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read a cli file");
        let reaches_in: Vec<String> = crate_paths(&text).into_iter().filter(|m| m != "cli").collect();
        assert!(reaches_in.is_empty(), "{}: use piflow:: for the library, not crate::{reaches_in:?}", file.display());
    }
}

#[test]
fn the_path_reader_sees_what_it_should() {
    let text = "use crate::model::Loc;\npub(crate) fn f() { crate::graph::x(); }\n// crate::rules in a comment\n";
    assert_eq!(crate_paths(text), BTreeSet::from(["graph".to_owned(), "model".to_owned()]));
}
