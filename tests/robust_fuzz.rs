//! Fuzzing the loader in-process (issue 21: the fuzz corpus and the property tests are part of
//! the suite). Real inventories — the five seeds as JSON parts and the same seeds converted to
//! CSV sheets — are mutated at the byte level: truncated, bytes flipped, `,` `]` `}` `"` `;` CR
//! NUL inserted, invalid UTF-8 and byte-order marks, numbers past every range, nesting thousands
//! deep, a 100,000-character value. Each mutated inventory loads, or fails with errors that
//!
//! * name the file, and a line inside it (only `load-organization` and `load-io` may be about
//!   the inventory as a whole);
//! * say what kind of problem it is: a part that is not JSON (or a sheet that is not CSV, or
//!   either not UTF-8) has a `load-syntax` error at that file, and a part that is a JSON object
//!   has none (bar a key given twice, which JSON parsers silently drop, so the loader calls it
//!   syntax);
//! * stay short (messages are cut at `MESSAGE_CHARS`) and render for the terminal;
//!
//! never a panic, a stack overflow or a hang. Inputs this found are kept, minimised, in
//! `tests/malformed/` (run by `robust_malformed`).
//!
//! CI runs 96 cases (a few seconds). For a long run: `PIFLOW_FUZZ_CASES=20000 cargo test
//! --release --test robust_fuzz`.

mod robust_common;

use piflow::load::{self, LoadCode, LoadOptions};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use robust_common::mutation::{Mutation, apply};
use std::path::Path;

fn cases() -> u32 {
    std::env::var("PIFLOW_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(96)
}

fn opts() -> LoadOptions {
    LoadOptions { rule_codes: piflow::rules::codes(), ..LoadOptions::default() }
}

/// An inventory to mutate: its parts as (file name, bytes).
type Seed = Vec<(String, Vec<u8>)>;

/// The seeds of `inventory/` as shipped (JSON parts) and as CSV sheets.
fn seeds() -> Vec<(String, Seed)> {
    let mut out = Vec::new();
    for (dir, name, parts) in robust_common::seed_inventories() {
        let loaded = load::load(&dir, &opts()).unwrap_or_else(|f| panic!("seed {name} does not load:\n{}", f.errors));
        let sheets = load::write_sheets(&loaded.inventory).expect("sheets");
        out.push((format!("{name} (JSON)"), parts));
        out.push((format!("{name} (CSV)"), sheets.into_iter().map(|(n, c)| (n, c.into_bytes())).collect()));
    }
    assert!(out.len() >= 10, "the five seeds, twice");
    out
}

/// What is inserted: syntax that breaks structure, bytes that break text, values past limits.
fn insertion() -> impl Strategy<Value = Vec<u8>> {
    let tokens: Vec<Vec<u8>> = vec![
        b",".to_vec(),
        b"]".to_vec(),
        b"}".to_vec(),
        b"[".to_vec(),
        b"\"".to_vec(),
        b";".to_vec(),
        b"\r".to_vec(),
        b"\r\n".to_vec(),
        b"\0".to_vec(),
        b"\\".to_vec(),
        b"\xff".to_vec(),
        b"\xc3\x28".to_vec(),
        b"\xed\xa0\x80".to_vec(),
        b"\xef\xbb\xbf".to_vec(),
        b"\\ud800".to_vec(),
        b"1e999999".to_vec(),
        b"-1".to_vec(),
        b"18446744073709551616".to_vec(),
        b"99999999999999999999999999999999999999".to_vec(),
        b"0.5".to_vec(),
        b"null".to_vec(),
        b"[".repeat(5000),
        [b"[".repeat(3000), b"]".repeat(3000)].concat(),
        [b"{\"a\":".repeat(2000), b"1".to_vec(), b"}".repeat(2000)].concat(),
        [b"\"".to_vec(), b"x".repeat(100_000), b"\"".to_vec()].concat(),
        "\u{202e}\u{200b}\u{2028}".as_bytes().to_vec(),
    ];
    prop::sample::select(tokens)
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let byte = prop::sample::select(&b"{}[]\",:;\\\n\r\t 0e.-\xff\xc3\x80\x00"[..]);
    prop_oneof![
        2 => (any::<usize>(), byte).prop_map(|(at, byte)| Mutation::Flip { at, byte }),
        3 => (any::<usize>(), insertion()).prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        1 => (any::<usize>(), 1usize..60).prop_map(|(at, len)| Mutation::Delete { at, len }),
        1 => any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        1 => (any::<usize>(), 1usize..300).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
    ]
}

/// Whether the loader must call the file a syntax error (`Some(true)`), must not (`Some(false)`),
/// or either may be right (`None`: valid syntax whose meaning is wrong in a way a parser sees,
/// such as nesting past serde's limit or a number out of range).
fn expected_syntax(name: &str, bytes: &[u8]) -> Option<bool> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else { return Some(true) };
    if name.ends_with(".csv") {
        let mut rdr = csv::Reader::from_reader(text.as_bytes());
        let broken = rdr.headers().is_err() || rdr.records().any(|r| r.is_err());
        // A sheet that parses can still hold a column twice, which is reported as syntax.
        return if broken { Some(true) } else { None };
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => Some(!v.is_object()),
        Err(e) if e.is_syntax() || e.is_eof() => {
            let msg = e.to_string();
            if msg.contains("recursion limit") || msg.contains("number out of range") { None } else { Some(true) }
        }
        Err(_) => None,
    }
}

/// A key given twice (or a flow's `note` and its other spelling `description`): valid JSON that
/// the loader reports as `load-syntax`, since a parser keeps only one of the two.
fn is_duplicate(message: &str) -> bool {
    message.contains("appears twice") || message.contains("has both `note` and `description`")
}

fn lines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count() + 1
}

#[test]
fn mutated_inventories_load_or_fail_with_located_classified_errors() {
    let seeds = seeds();
    let mut runner = TestRunner::new(Config { cases: cases(), failure_persistence: None, ..Config::default() });
    let strategy = (0..seeds.len(), any::<usize>(), prop::collection::vec(mutation(), 1..4));
    runner
        .run(&strategy, |(s, part, muts)| {
            let (seed, parts) = &seeds[s];
            let target = part % parts.len();
            let dir = tempfile::tempdir().expect("tempdir");
            let mut mutated = Vec::new();
            for (i, (name, bytes)) in parts.iter().enumerate() {
                let mut bytes = bytes.clone();
                if i == target {
                    muts.iter().for_each(|m| apply(&mut bytes, m));
                    mutated = bytes.clone();
                }
                std::fs::write(dir.path().join(name), bytes).expect("write");
            }
            let name = &parts[target].0;
            let what = format!("{seed}, {name} after {muts:?}");
            let failed = match load::load(dir.path(), &opts()) {
                Ok(loaded) => {
                    // Loads: it must check without a panic too.
                    let graph = piflow::graph::FlowGraph::build(&loaded.inventory);
                    let ctx = piflow::rules::Context {
                        as_of: "2026-06-01".parse().expect("date"),
                        adequate: None,
                        only: None,
                    };
                    piflow::rules::check(&graph, &ctx);
                    prop_assert!(
                        expected_syntax(name, &mutated) != Some(true),
                        "{}: loaded a file that is not {}",
                        what,
                        name
                    );
                    return Ok(());
                }
                Err(failed) => failed,
            };
            let errors = &failed.errors.0;
            prop_assert!(!errors.is_empty(), "{}: failed without an error", what);
            for e in errors {
                let file = e.file.as_deref().unwrap_or_default();
                prop_assert!(!file.is_empty(), "{}: an error names no file: {}", what, e);
                prop_assert!(!e.message.is_empty(), "{}: an empty message", what);
                prop_assert!(e.message.chars().count() <= 2100, "{}: a message of {} chars", what, e.message.len());
                if !matches!(e.code, LoadCode::Organization | LoadCode::Io) {
                    prop_assert!(e.line > 0, "{}: no line: {}", what, e);
                }
                if file.ends_with(name.as_str()) {
                    prop_assert!(e.line <= lines(&mutated), "{}: line {} past the end: {}", what, e.line, e);
                }
            }
            let syntax_here = errors
                .iter()
                .any(|e| e.code == LoadCode::Syntax && e.file.as_deref().is_some_and(|f| f.ends_with(name.as_str())));
            match expected_syntax(name, &mutated) {
                Some(true) => {
                    prop_assert!(syntax_here, "{}: not JSON/CSV, but no load-syntax error:\n{}", what, failed.errors)
                }
                Some(false) => prop_assert!(
                    !errors.iter().any(|e| e.code == LoadCode::Syntax && !is_duplicate(&e.message)),
                    "{}: a JSON object called a syntax error:\n{}",
                    what,
                    failed.errors
                ),
                None => {}
            }
            let text = piflow::report::human::render_load_errors(errors, &failed.sources, false);
            prop_assert!(!text.is_empty());
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

/// An expected error: its code, its line, words of its message.
type Expected = (LoadCode, usize, &'static str);

/// What the fuzzing found, minimised into `tests/malformed/`: each gives exactly these errors
/// (code, line, words of the message).
#[test]
fn inputs_the_fuzzing_found_give_the_right_errors() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed");
    let cases: &[(&str, &[Expected])] = &[
        // A key with no value after an unknown key: serde stopped at the key (load-unknown-key).
        ("key-without-value.json", &[(LoadCode::Syntax, 2, "expected `:`")]),
        // A wrong header hid the broken row below it.
        (
            "csv-unknown-column-and-ragged-row",
            &[(LoadCode::UnknownKey, 1, "unknown column `typo`"), (LoadCode::Syntax, 3, "found record with 2 fields")],
        ),
    ];
    for (name, expected) in cases {
        let failed = load::load(&root.join(name), &opts()).err().unwrap_or_else(|| panic!("{name} loads"));
        let got: Vec<(LoadCode, usize, &str)> =
            failed.errors.0.iter().map(|e| (e.code, e.line, e.message.as_str())).collect();
        assert_eq!(got.len(), expected.len(), "{name}: {got:?}");
        for ((code, line, message), (want_code, want_line, words)) in got.iter().zip(expected.iter()) {
            assert_eq!((code, line), (want_code, want_line), "{name}: {message}");
            assert!(message.contains(words), "{name}: {message}");
        }
    }
}
