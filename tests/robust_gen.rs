//! Generated inputs (proptest).
//!
//! * Random valid inventories (every reference resolves) go through load, graph, rules and every
//!   renderer in-process without a panic; JSON → CSV sheets → JSON gives the same model; and
//!   shuffling the arrays and splitting them over several parts gives byte-identical reports,
//!   diagrams and check output. Check output is compared with locations stripped (`location`,
//!   `file`, `line`, `column` keys removed from the JSON), since moving an item moves its line.
//! * Random byte-level mutations of the real seed inventories in `inventory/*/` either load or
//!   fail with located `load-*` errors, never a panic.
//!
//! CI runs 64 cases per property (a few seconds); set `PIFLOW_PROPTEST_CASES=5000` for a long run.

mod robust_common;

use piflow::graph::FlowGraph;
use piflow::load::{self, LoadOptions};
use piflow::model::{Date, taxonomy};
use piflow::report::{self, Run, diagram, records, table, table_csv, table_html, table_md, table_xlsx};
use piflow::rules::{self, Context};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use robust_common::mutation::{Mutation, apply};
use serde_json::{Value, json};
use std::path::Path;

fn cases(default: u32) -> u32 {
    std::env::var("PIFLOW_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

const COUNTRIES: [&str; 8] = ["CN", "DE", "US", "FR", "JP", "HK", "GB", "SG"];
const BASES: [&str; 9] = [
    "consent",
    "contract",
    "legal-obligation",
    "vital-interests",
    "public-task",
    "legitimate-interests",
    "news-reporting",
    "public-information",
    "other-law",
];
const ROLES: [&str; 4] = ["processor", "controller", "authority", "public"];
const KINDS: [&str; 4] = ["general", "separate", "explicit", "guardian"];
const COVERS: [&str; 6] = ["processing", "sensitive", "provide", "disclose", "cross-border", "children"];
const MECHS: [&str; 6] =
    ["cn-security-assessment", "cn-standard-contract", "cn-certification", "eu-scc", "eu-bcr", "eu-derogation"];

/// Volumes up to a thousand billion individuals. Larger ones overflow the sum of volumes in
/// `report::ropa::organization` (a known bug, reported in issue 7's note; not this file's to fix).
fn volume() -> impl Strategy<Value = Option<u64>> {
    prop::option::of(0u64..1_000_000_000_000)
}

/// Free text with the characters that stress escaping, never blank (it fills names and ids, which
/// may not be; empty strings and their CSV round trip are tests/convert_round_trip.rs's).
fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 <>|\"'=+@;,\\\\{}\\[\\]\n\t中文é-]{1,16}".prop_filter("not blank", |s| !s.trim().is_empty())
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(text())
}

fn country() -> impl Strategy<Value = String> {
    prop::sample::select(&COUNTRIES[..]).prop_map(str::to_owned)
}

/// A subset of `0..n` (possibly empty), as indices.
fn subset(n: usize) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::btree_set(0..n.max(1), 0..=n.min(3)).prop_map(move |s| s.into_iter().filter(|&i| i < n).collect())
}

fn nonempty_subset(n: usize) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::btree_set(0..n, 1..=n.min(3)).prop_map(|s| s.into_iter().collect())
}

/// Sizes first, then entities whose references index into those sizes.
fn inventory() -> impl Strategy<Value = Value> {
    (1usize..4, 1usize..4, 0usize..4, 1usize..5, 1usize..4, 0usize..3, 0usize..3).prop_flat_map(
        |(ns, ny, np, nf, nu, nc, nm)| {
            let org = (text(), country(), opt_text(), opt_text(), any::<bool>()).prop_map(
                |(name, c, contact, officer, ciio)| {
                    let mut o = json!({"id": "org", "name": name, "country": c});
                    if let Some(v) = contact {
                        o["contact"] = json!(v);
                    }
                    if let Some(v) = officer {
                        o["officer"] = json!(v);
                    }
                    if ciio {
                        o["ciio"] = json!(true);
                    }
                    o
                },
            );
            let subjects =
                prop::collection::vec((text(), prop::collection::vec(country(), 1..3), volume(), any::<bool>()), ns)
                    .prop_map(|v| {
                        v.into_iter()
                            .enumerate()
                            .map(|(i, (name, mut cs, volume, children))| {
                                cs.sort();
                                cs.dedup();
                                let mut s = json!({"id": format!("s{i}"), "name": name, "country": cs});
                                if let Some(v) = volume {
                                    s["volume"] = json!(v);
                                }
                                if children {
                                    s["children"] = json!(true);
                                }
                                s
                            })
                            .collect::<Vec<_>>()
                    });
            let systems = prop::collection::vec((text(), country(), opt_text()), ny).prop_map(|v| {
                v.into_iter()
                    .enumerate()
                    .map(|(i, (name, c, owner))| {
                        let mut s = json!({"id": format!("y{i}"), "name": name, "country": c, "kind": "service"});
                        if let Some(o) = owner {
                            s["owner"] = json!(o);
                        }
                        s
                    })
                    .collect::<Vec<_>>()
            });
            let parties = prop::collection::vec(
                (text(), country(), prop::sample::select(&ROLES[..]), opt_text(), any::<bool>(), subset(np)),
                np,
            )
            .prop_map(|v| {
                v.into_iter()
                    .enumerate()
                    .map(|(i, (name, c, role, contract, dpf, subs))| {
                        let mut p = json!({"id": format!("p{i}"), "name": name, "country": c, "role": role});
                        if let Some(k) = contract {
                            p["contract"] = json!(k);
                        }
                        if dpf {
                            p["certifications"] = json!(["EU-US-DPF"]);
                        }
                        let subs: Vec<String> = subs.into_iter().filter(|&s| s != i).map(|s| format!("p{s}")).collect();
                        if !subs.is_empty() {
                            p["subprocessors"] = json!(subs);
                        }
                        p
                    })
                    .collect::<Vec<_>>()
            });
            let fields = prop::collection::vec(
                (text(), prop::sample::select(taxonomy::CATEGORIES), prop::option::of(any::<bool>()), opt_text()),
                nf,
            )
            .prop_map(|v| {
                v.into_iter()
                    .enumerate()
                    .map(|(i, (name, cat, sensitive, retention))| {
                        let mut f = json!({"id": format!("f{i}"), "name": name, "category": cat.key});
                        if let Some(s) = sensitive {
                            f["sensitive"] = json!(s);
                        }
                        if let Some(r) = retention {
                            f["retention"] = json!(r);
                        }
                        f
                    })
                    .collect::<Vec<_>>()
            });
            let consents = prop::collection::vec(
                (text(), prop::sample::select(&KINDS[..]), nonempty_subset(COVERS.len()), subset(nf), subset(np)),
                nc,
            )
            .prop_map(|v| {
                v.into_iter()
                    .enumerate()
                    .map(|(i, (name, kind, covers, fields, recipients))| {
                        let mut c = json!({"id": format!("c{i}"), "name": name, "kind": kind,
                            "for": covers.iter().map(|&k| COVERS[k]).collect::<Vec<_>>()});
                        if !fields.is_empty() {
                            c["fields"] = json!(fields.iter().map(|f| format!("f{f}")).collect::<Vec<_>>());
                        }
                        if !recipients.is_empty() {
                            c["recipients"] = json!(recipients.iter().map(|p| format!("p{p}")).collect::<Vec<_>>());
                        }
                        c
                    })
                    .collect::<Vec<_>>()
            });
            let purposes = prop::collection::vec(
                (
                    text(),
                    prop::sample::select(&BASES[..]),
                    prop::option::of(prop::sample::select(&BASES[..])),
                    subset(nc),
                    any::<bool>(),
                ),
                nu,
            )
            .prop_map(|v| {
                v.into_iter()
                    .enumerate()
                    .map(|(i, (name, basis, gdpr, consents, auto))| {
                        let basis = match gdpr {
                            Some(g) => json!({"PIPL": basis, "GDPR": g}),
                            None => json!(basis),
                        };
                        let mut p = json!({"id": format!("u{i}"), "name": name, "basis": basis});
                        if !consents.is_empty() {
                            p["consents"] = json!(consents.iter().map(|c| format!("c{c}")).collect::<Vec<_>>());
                        }
                        if auto {
                            p["automated_decision"] = json!(true);
                        }
                        p
                    })
                    .collect::<Vec<_>>()
            });
            let mechanisms = prop::collection::vec(
                (
                    prop::sample::select(&MECHS[..]),
                    prop::collection::vec(country(), 0..3),
                    subset(np),
                    prop::option::of(2020u16..2035),
                ),
                nm,
            )
            .prop_map(|v| {
                v.into_iter()
                    .enumerate()
                    .map(|(i, (kind, mut to, recipients, until))| {
                        to.sort();
                        to.dedup();
                        let mut m = json!({"id": format!("m{i}"), "kind": kind});
                        if !to.is_empty() {
                            m["to"] = json!(to);
                        }
                        if !recipients.is_empty() {
                            m["recipients"] = json!(recipients.iter().map(|p| format!("p{p}")).collect::<Vec<_>>());
                        }
                        if let Some(y) = until {
                            m["valid_until"] = json!(format!("{y}-06-30"));
                        }
                        m
                    })
                    .collect::<Vec<_>>()
            });
            // Nodes: subjects, then systems, then parties. A flow goes from any node to a system or
            // party other than itself.
            let nodes = ns + ny + np;
            let node = move |i: usize| {
                if i < ns {
                    format!("s{i}")
                } else if i < ns + ny {
                    format!("y{}", i - ns)
                } else {
                    format!("p{}", i - ns - ny)
                }
            };
            let flows = prop::collection::vec(
                (
                    0..nodes,
                    0..ny + np,
                    nonempty_subset(nf),
                    0..nu,
                    subset(nc),
                    prop::option::of(0..nm.max(1)),
                    volume(),
                    opt_text(),
                ),
                0..8,
            )
            .prop_map(move |v| {
                v.into_iter()
                    .enumerate()
                    .filter_map(|(i, (from, to, fields, purpose, consents, mech, volume, note))| {
                        let (from, to) = (node(from), node(ns + to));
                        if from == to {
                            return None;
                        }
                        let mut f = json!({"id": format!("flow{i}"), "from": from, "to": to,
                            "fields": fields.iter().map(|f| format!("f{f}")).collect::<Vec<_>>(),
                            "purpose": format!("u{purpose}")});
                        if !consents.is_empty() {
                            f["consents"] = json!(consents.iter().map(|c| format!("c{c}")).collect::<Vec<_>>());
                        }
                        if let Some(m) = mech.filter(|&m| m < nm) {
                            f["mechanism"] = json!(format!("m{m}"));
                        }
                        if let Some(v) = volume {
                            f["volume"] = json!(v);
                        }
                        if let Some(n) = note {
                            f["note"] = json!(n);
                        }
                        Some(f)
                    })
                    .collect::<Vec<_>>()
            });
            let sdks =
                prop::collection::vec((text(), 0..np.max(1), nonempty_subset(ny), nonempty_subset(nf), 0..nu), 0..3)
                    .prop_map(move |v| {
                        if np == 0 {
                            return Vec::new();
                        }
                        v.into_iter()
                            .enumerate()
                            .map(|(i, (name, vendor, inn, fields, purpose))| {
                                json!({"id": format!("k{i}"), "name": name, "vendor": format!("p{vendor}"),
                                "in": inn.iter().map(|y| format!("y{y}")).collect::<Vec<_>>(),
                                "fields": fields.iter().map(|f| format!("f{f}")).collect::<Vec<_>>(),
                                "purpose": format!("u{purpose}")})
                            })
                            .collect::<Vec<_>>()
                    });
            (org, subjects, systems, parties, fields, consents, purposes, mechanisms, sdks, flows).prop_map(
                |(org, subjects, systems, parties, fields, consents, purposes, mechanisms, sdks, flows)| {
                    json!({"piflow": 1, "organization": org, "subjects": subjects, "fields": fields,
                        "systems": systems, "parties": parties, "purposes": purposes, "consents": consents,
                        "mechanisms": mechanisms, "sdks": sdks, "flows": flows})
                },
            )
        },
    )
}

fn opts() -> LoadOptions {
    LoadOptions { rule_codes: rules::codes(), ..LoadOptions::default() }
}

fn as_of() -> Date {
    "2026-06-01".parse().expect("date")
}

/// Everything piflow renders from one loaded inventory, with locations stripped from check JSON.
#[derive(Debug, PartialEq)]
struct Outputs {
    check_json: Value,
    sarif: Value,
    report_json: String,
    report_md: String,
    report_html: String,
    report_csv: Vec<Vec<u8>>,
    dot: String,
}

fn render_all(loaded: &load::Loaded) -> Outputs {
    let graph = FlowGraph::build(&loaded.inventory);
    let ctx = Context { as_of: as_of(), adequate: None, only: None };
    let findings = rules::check(&graph, &ctx);
    let run = Run { findings: &findings, sources: &loaded.sources, as_of: as_of(), inventory: "inv" };
    // Human output is rendered for the no-panic property; it quotes lines, so it is not compared.
    let human = report::human::render(&run, &rules::rule, false);
    assert!(!human.is_empty());
    let catalogue: Vec<_> = rules::catalogue().collect();
    let mut check_json: Value = serde_json::from_str(&report::json::render(&run)).expect("check JSON parses");
    let mut sarif: Value = serde_json::from_str(&report::sarif::render(&run, &catalogue)).expect("SARIF parses");
    strip_locations(&mut check_json);
    strip_locations(&mut sarif);
    let doc = records::build(&graph, &findings, as_of(), table::Lang::Both, "inv");
    table_xlsx::render(&doc).expect("xlsx renders");
    let opts = diagram::Options { as_of: "2026-06-01".into(), ..Default::default() };
    Outputs {
        check_json,
        sarif,
        report_json: table::to_json(&doc),
        report_md: table_md::render(&doc),
        report_html: table_html::render(&doc),
        report_csv: doc.tables.iter().map(|t| table_csv::render(t, doc.lang)).collect(),
        dot: diagram::to_dot(&graph, &findings, &opts),
    }
}

fn strip_locations(v: &mut Value) {
    match v {
        Value::Object(o) => {
            for k in ["location", "locations", "file", "line", "column", "region", "physicalLocation"] {
                o.remove(k);
            }
            o.values_mut().for_each(strip_locations);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_locations),
        _ => {}
    }
}

fn load_value(v: &Value) -> load::Loaded {
    let text = serde_json::to_string_pretty(v).expect("json");
    load::load_str("gen.json", &text, &opts())
        .unwrap_or_else(|f| panic!("generated inventory does not load:\n{}\n{text}", f.errors))
}

/// The same inventory with every array reversed and rotated, split over three parts.
fn shuffled_parts(v: &Value, dir: &Path, seed: usize) {
    let mut parts = [json!({"piflow": 1}), json!({"piflow": 1}), json!({"piflow": 1})];
    parts[seed % 3]["organization"] = v["organization"].clone();
    for key in piflow::model::ARRAYS {
        let Some(items) = v[key].as_array() else { continue };
        let mut items = items.clone();
        items.reverse();
        if !items.is_empty() {
            let k = seed % items.len();
            items.rotate_left(k);
        }
        for (i, item) in items.into_iter().enumerate() {
            let part = &mut parts[(i + seed) % 3];
            if part.get(key).is_none() {
                part[key] = json!([]);
            }
            part[key].as_array_mut().expect("array").push(item);
        }
    }
    for (i, p) in parts.iter().enumerate() {
        // Minified: a part on one line, so nothing depends on line layout either.
        std::fs::write(dir.join(format!("part{i}.json")), serde_json::to_string(p).expect("json")).expect("write");
    }
}

#[test]
fn valid_inventories_render_and_round_trip_through_csv() {
    let mut runner = TestRunner::new(Config { cases: cases(64), failure_persistence: None, ..Config::default() });
    runner
        .run(&(inventory(), 0usize..1000), |(inv, seed)| {
            let loaded = load_value(&inv);
            let outputs = render_all(&loaded);

            // JSON → CSV sheets → JSON: the same model.
            let dir = tempfile::tempdir().expect("tempdir");
            for (name, contents) in load::write_sheets(&loaded.inventory).expect("sheets") {
                std::fs::write(dir.path().join(name), contents).expect("write sheet");
            }
            let from_csv =
                load::load(dir.path(), &opts()).unwrap_or_else(|f| panic!("sheets do not load back:\n{}", f.errors));
            let a = load::write_parts(&loaded.inventory, true).expect("parts");
            let b = load::write_parts(&from_csv.inventory, true).expect("parts");
            prop_assert_eq!(a, b, "JSON → CSV → JSON changed the model");

            // Shuffled arrays over three parts must load and render too (their equality with the
            // original is `report_outputs_are_order_independent`).
            let dir = tempfile::tempdir().expect("tempdir");
            shuffled_parts(&inv, dir.path(), seed);
            let shuffled =
                load::load(dir.path(), &opts()).unwrap_or_else(|f| panic!("shuffled parts fail:\n{}", f.errors));
            let again = render_all(&shuffled);
            prop_assert_eq!(outputs.report_csv.len(), again.report_csv.len());
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Records, lists, diagram and check output do not depend on the order of parts or arrays (the
/// loader puts entities in id order; outputs sort what they list).
#[test]
fn report_outputs_are_order_independent() {
    let mut runner = TestRunner::new(Config { cases: cases(64), failure_persistence: None, ..Config::default() });
    runner
        .run(&(inventory(), 0usize..1000), |(inv, seed)| {
            let outputs = render_all(&load_value(&inv));
            let dir = tempfile::tempdir().expect("tempdir");
            shuffled_parts(&inv, dir.path(), seed);
            let shuffled =
                load::load(dir.path(), &opts()).unwrap_or_else(|f| panic!("shuffled parts fail:\n{}", f.errors));
            let again = render_all(&shuffled);
            prop_assert_eq!(&outputs.check_json, &again.check_json, "check JSON depends on order");
            prop_assert_eq!(&outputs.sarif, &again.sarif, "SARIF depends on order");
            prop_assert_eq!(&outputs.report_json, &again.report_json, "report JSON depends on order");
            prop_assert_eq!(&outputs.report_md, &again.report_md, "Markdown depends on order");
            prop_assert_eq!(&outputs.report_html, &again.report_html, "HTML depends on order");
            prop_assert_eq!(&outputs.report_csv, &again.report_csv, "CSV depends on order");
            prop_assert_eq!(&outputs.dot, &again.dot, "DOT depends on order");
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

/// A few generated inventories through the real binary: every command exits 0 or 1.
#[test]
fn binary_commands_never_panic_on_valid_inventories() {
    let mut runner =
        TestRunner::new(Config { cases: cases(64).min(8), failure_persistence: None, ..Config::default() });
    runner
        .run(&inventory(), |inv| {
            let dir = tempfile::tempdir().expect("tempdir");
            let path = dir.path().join("inv.json");
            std::fs::write(&path, serde_json::to_string_pretty(&inv).expect("json")).expect("write");
            let out = tempfile::tempdir().expect("tempdir");
            let p = path.to_str().expect("path");
            let o = out.path().to_str().expect("path");
            let csv_dir = out.path().join("sheets");
            for args in [
                vec!["check", p, "--as-of", "2026-06-01"],
                vec!["check", p, "--format", "json"],
                vec!["check", p, "--format", "sarif"],
                vec!["report", p, "--out", o, "--as-of", "2026-06-01"],
                vec!["diagram", p, "--format", "dot"],
                vec!["trace", "f0", p],
                vec!["convert", p, csv_dir.to_str().expect("path"), "--to", "csv"],
            ] {
                let run = robust_common::piflow(&args);
                run.assert_no_crash(&args.join(" "));
                prop_assert!(run.code == 0 || run.code == 1, "{:?}: exit {}\n{}", args, run.code, run.stderr_text());
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

/// A seed inventory: its name and its parts as (file name, bytes).
type Seed = (String, Vec<(String, Vec<u8>)>);

/// The seed inventories shipped in `inventory/`.
fn seeds() -> Vec<Seed> {
    robust_common::seed_inventories().into_iter().map(|(_, name, parts)| (name, parts)).collect()
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let hostile = prop::sample::select(&b"{}[]\",:\\\n\r\t 0-9e.nulltrue\xff\xc3\x00"[..]);
    prop_oneof![
        (any::<usize>(), hostile.clone()).prop_map(|(at, byte)| Mutation::Flip { at, byte }),
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), prop::collection::vec(hostile, 1..8)).prop_map(|(at, bytes)| Mutation::Insert { at, bytes }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (any::<usize>(), 1usize..200).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
    ]
}

/// A seed's parts in a fresh directory, part `target` with `muts` applied.
fn write_mutated(parts: &[(String, Vec<u8>)], target: usize, muts: &[Mutation]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (i, (name, bytes)) in parts.iter().enumerate() {
        let mut bytes = bytes.clone();
        if i == target {
            muts.iter().for_each(|m| apply(&mut bytes, m));
        }
        std::fs::write(dir.path().join(name), bytes).expect("write");
    }
    dir
}

#[test]
fn mutated_seed_inventories_load_or_fail_with_located_errors() {
    let seeds = seeds();
    let mut runner = TestRunner::new(Config { cases: cases(64), failure_persistence: None, ..Config::default() });
    runner
        .run(&(0..seeds.len(), any::<usize>(), prop::collection::vec(mutation(), 1..4)), |(s, part, muts)| {
            let (company, parts) = &seeds[s];
            let target = part % parts.len();
            let dir = write_mutated(parts, target, &muts);
            match load::load(dir.path(), &opts()) {
                Ok(loaded) => {
                    render_all(&loaded);
                }
                Err(failed) => {
                    let errors = &failed.errors.0;
                    prop_assert!(!errors.is_empty(), "{}: failed without an error", company);
                    prop_assert!(
                        errors.iter().any(|e| e.file.is_some() && e.line > 0),
                        "{}/{}: no located error after {:?}:\n{}",
                        company,
                        parts[target].0,
                        muts,
                        failed.errors
                    );
                    // The terminal rendering of the errors must not panic either.
                    let text = report::human::render_load_errors(errors, &failed.sources, false);
                    prop_assert!(!text.is_empty());
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

/// A few mutated seeds through the real binary: exit 0, 1 or 2, never a panic.
#[test]
fn binary_on_mutated_seeds_exits_cleanly() {
    let seeds = seeds();
    let mut runner =
        TestRunner::new(Config { cases: cases(64).min(12), failure_persistence: None, ..Config::default() });
    runner
        .run(&(0..seeds.len(), any::<usize>(), prop::collection::vec(mutation(), 1..4)), |(s, part, muts)| {
            let (_, parts) = &seeds[s];
            let dir = write_mutated(parts, part % parts.len(), &muts);
            let run = robust_common::check_json(dir.path());
            run.assert_no_crash("mutated seed");
            if run.code == 2 {
                robust_common::assert_located(&robust_common::load_errors(&run, "mutated seed"), "mutated seed");
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

/// Opt-in long run: `cargo test --test robust_gen -- --ignored` (or set PIFLOW_PROPTEST_CASES).
#[test]
#[ignore = "long run: thousands of generated inventories"]
fn long_run() {
    let mut runner = TestRunner::new(Config { cases: cases(2000), failure_persistence: None, ..Config::default() });
    runner
        .run(&inventory(), |inv| {
            render_all(&load_value(&inv));
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}
