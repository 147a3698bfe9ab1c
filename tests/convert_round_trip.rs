//! `piflow convert` loses nothing (issue 21): JSON → CSV sheets → JSON gives the same model and
//! the same findings, for every valid inventory shipped with piflow (the seeds in `inventory/`,
//! the fixtures, the `-valid` cases of `tests/malformed/`) and for generated inventories whose
//! free text is everything a sheet cell finds hard: empty strings, lists of one empty string,
//! commas, quotes, `;` and `\`, line breaks and lone CRs, leading `= + - @` and `'` (which the
//! sheets neutralise for spreadsheets and must read back), JSON-looking text and Unicode.
//! CSV → JSON → CSV gives the same sheets.
//!
//! CI runs 48 generated cases; set `PIFLOW_PROPTEST_CASES=5000` for a long run.

use piflow::graph::FlowGraph;
use piflow::load::{self, LoadOptions, Loaded};
use piflow::report::{self, Run};
use piflow::rules::{self, Context};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn cases(default: u32) -> u32 {
    std::env::var("PIFLOW_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn opts() -> LoadOptions {
    LoadOptions { rule_codes: rules::codes(), ..LoadOptions::default() }
}

/// The model as JSON (locations are not serialized): what "the same model" means.
fn model(loaded: &Loaded) -> Value {
    let inv = &loaded.inventory;
    json!({
        "organization": inv.organization, "subjects": inv.subjects, "fields": inv.fields,
        "systems": inv.systems, "parties": inv.parties, "purposes": inv.purposes,
        "consents": inv.consents, "mechanisms": inv.mechanisms, "sdks": inv.sdks,
        "flows": inv.flows, "waivers": inv.waivers,
        "flow_ids_declared": inv.flows.iter().map(|f| f.id_declared).collect::<Vec<_>>(),
    })
}

/// The check report with every location removed (a converted inventory has other files and
/// lines; every other byte must be the same).
fn findings(loaded: &Loaded) -> Value {
    let graph = FlowGraph::build(&loaded.inventory);
    let as_of = "2026-06-01".parse().expect("date");
    let found = rules::check(&graph, &Context { as_of, adequate: None, only: None });
    let run = Run { findings: &found, sources: &loaded.sources, as_of, inventory: "inv" };
    let mut v: Value = serde_json::from_str(&report::json::render(&run)).expect("check JSON");
    strip_locations(&mut v);
    v
}

fn strip_locations(v: &mut Value) {
    match v {
        Value::Object(o) => {
            for k in ["location", "locations", "file", "line", "column"] {
                o.remove(k);
            }
            o.values_mut().for_each(strip_locations);
        }
        Value::Array(a) => a.iter_mut().for_each(strip_locations),
        _ => {}
    }
}

fn write_all(dir: &Path, files: Vec<(String, String)>) {
    for (name, contents) in files {
        std::fs::write(dir.join(name), contents).expect("write");
    }
}

/// JSON → CSV → JSON and CSV → JSON → CSV on a loaded inventory; `what` names it in failures.
fn assert_round_trips(original: &Loaded, what: &str) -> Result<(), TestCaseError> {
    let sheets = load::write_sheets(&original.inventory).expect("sheets");
    // Opened in a spreadsheet, no cell runs as a formula.
    for (name, contents) in &sheets {
        for record in csv::Reader::from_reader(contents.as_bytes()).records() {
            for cell in record.expect("the writer writes CSV").iter() {
                let safe = matches!(piflow::source::escape::neutralise(cell), std::borrow::Cow::Borrowed(_));
                prop_assert!(safe, "{}: {} holds a formula cell {:?}", what, name, cell);
            }
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    write_all(dir.path(), sheets.clone());
    let from_csv = load::load(dir.path(), &opts()).map_err(|f| {
        let shown: Vec<String> = sheets.iter().map(|(n, c)| format!("--- {n}\n{c}")).collect();
        TestCaseError::fail(format!("{what}: the sheets do not load back:\n{}\n{}", f.errors, shown.join("\n")))
    })?;
    prop_assert_eq!(model(original), model(&from_csv), "{}: JSON → CSV → JSON changed the model", what);
    prop_assert_eq!(findings(original), findings(&from_csv), "{}: JSON → CSV → JSON changed the findings", what);

    // CSV → JSON → CSV: the parts written from the sheets' model give the same sheets again.
    let dir = tempfile::tempdir().expect("tempdir");
    write_all(dir.path(), load::write_parts(&from_csv.inventory, false).expect("parts"));
    let from_json = load::load(dir.path(), &opts())
        .map_err(|f| TestCaseError::fail(format!("{what}: the parts do not load back:\n{}", f.errors)))?;
    prop_assert_eq!(&sheets, &load::write_sheets(&from_json.inventory).expect("sheets"), "{}: CSV → JSON → CSV", what);
    Ok(())
}

/// Every inventory piflow ships that loads: each seed directory, each fixture `inventory.json`,
/// each `-valid` case of the malformed corpus.
fn shipped() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let list = |dir: &Path| -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir).expect("dir").map(|e| e.expect("entry").path()).collect();
        v.sort();
        v
    };
    out.extend(list(&root.join("inventory")).into_iter().filter(|p| p.is_dir()));
    out.extend(
        list(&root.join("tests/fixtures")).into_iter().map(|d| d.join("inventory.json")).filter(|p| p.is_file()),
    );
    out.extend(
        list(&root.join("tests/malformed"))
            .into_iter()
            .filter(|p| p.file_stem().and_then(|s| s.to_str()).is_some_and(|s| s.ends_with("-valid"))),
    );
    out
}

#[test]
fn every_shipped_inventory_round_trips_through_csv() {
    let mut checked = 0;
    for path in shipped() {
        let what = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap_or(&path).display().to_string();
        let Ok(loaded) = load::load(&path, &opts()) else {
            // A fixture that is meant not to load (a payload of hostile names) is not an inventory.
            eprintln!("{what}: does not load, not converted");
            continue;
        };
        assert_round_trips(&loaded, &what).unwrap_or_else(|e| panic!("{e}"));
        checked += 1;
    }
    // The five seeds and at least the basic, notice and injection fixtures.
    assert!(checked >= 8, "only {checked} shipped inventories round-tripped");
}

/// Text a sheet cell finds hard, and ordinary text around it.
fn hard_text() -> impl Strategy<Value = String> {
    let hard = prop::sample::select(vec![
        "",
        " ",
        "  ",
        "'",
        "''",
        "'x",
        "'=x",
        "=1+1",
        " =1+1",
        "\u{3000}=1",
        "+86 10",
        "-",
        "-1",
        "@SUM(A1)",
        "\tx",
        "x\t",
        "\rx",
        "a\rb",
        "a\r\nb",
        "a\nb",
        "\n",
        "x,y",
        ",",
        "\"",
        "say \"hi\"",
        "a;b",
        ";",
        "a\\b",
        "\\",
        "\\;",
        "[x]",
        "[]",
        "[\"\"]",
        "{x}",
        "{}",
        "PIPL=contract",
        "k:v:w",
        " padded ",
        "中文 个人信息",
        "é",
        "\u{2028}",
        "\u{feff}x",
        "\u{200b}",
        "😀",
        "null",
        "true",
        "0",
    ])
    .prop_map(str::to_owned);
    prop_oneof![
        3 => hard,
        1 => "[ -~\n\r\t中é'=+@;,\\\\\"-]{0,12}",
        1 => (prop::sample::select(vec!["=", "+", "-", "@", "'", " ", "\r", ""]), "[a-z;,\\\\\"]{0,6}")
            .prop_map(|(a, b)| format!("{a}{b}")),
    ]
}

fn opt_text() -> impl Strategy<Value = Option<String>> {
    prop::option::of(hard_text())
}

/// A free-text list: empty, one empty string, or a few hard texts.
fn text_list() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![Just(vec![]), Just(vec![String::new()]), prop::collection::vec(hard_text(), 1..4)]
}

/// Sets key `k` of `o` when there is a value.
fn set(o: &mut Value, k: &str, v: Option<String>) {
    if let Some(v) = v {
        o[k] = json!(v);
    }
}

fn set_list(o: &mut Value, k: &str, v: Vec<String>) {
    if !v.is_empty() {
        o[k] = json!(v);
    }
}

/// A valid inventory with every entity kind, every free-text key drawn from [`hard_text`] and
/// every free-text list from [`text_list`]; ids and references are ordinary so it loads.
fn inventory() -> impl Strategy<Value = Value> {
    let texts = prop::collection::vec(opt_text(), 32);
    let names = prop::collection::vec(hard_text(), 10);
    let lists = prop::collection::vec(text_list(), 6);
    (texts, names, lists, any::<bool>(), prop::option::of(0u64..u64::MAX)).prop_map(|(t, n, l, two, volume)| {
        let mut t = t.into_iter();
        let mut next = move || t.next().flatten();
        let mut org = json!({"id": "org", "name": n[0], "country": "CN"});
        for k in ["contact", "officer", "representative", "description"] {
            set(&mut org, k, next());
        }
        if two {
            org["filings"] = json!([{"kind": "officer", "date": "2025-08-20", "reference": n[9]}]);
            org["regimes"] = json!(["PIPL", "GDPR"]);
        }
        let mut subject = json!({"id": "users", "name": n[1], "country": if two { json!(["CN", "DE"]) } else { json!("CN") }});
        set(&mut subject, "description", next());
        if let Some(v) = volume {
            subject["volume"] = json!(v);
        }
        let mut field = json!({"id": "phone", "name": n[2], "category": "contact.phone"});
        for k in ["retention", "description"] {
            set(&mut field, k, next());
        }
        let mut system = json!({"id": "app", "name": n[3], "country": "CN", "kind": "app"});
        for k in ["owner", "description"] {
            set(&mut system, k, next());
        }
        set_list(&mut system, "security", l[0].clone());
        let mut party =
            json!({"id": "sms", "name": n[4], "country": if two { "DE" } else { "CN" }, "role": "processor"});
        for k in ["contact", "contract", "policy", "description"] {
            set(&mut party, k, next());
        }
        set_list(&mut party, "certifications", l[1].clone());
        let basis = if two { json!({"PIPL": "contract", "GDPR": "consent"}) } else { json!("consent") };
        let mut purpose = json!({"id": "login", "name": n[5], "basis": basis, "consents": ["c1"]});
        for k in ["retention", "assessment", "description"] {
            set(&mut purpose, k, next());
        }
        // A letter of GDPR Art. 9(2), checked on load: not free text.
        if two {
            purpose["special_condition"] = json!("a");
        }
        let mut consent = json!({"id": "c1", "name": n[6], "kind": "separate", "for": ["processing", "provide"]});
        for k in ["evidence", "description"] {
            set(&mut consent, k, next());
        }
        let mut mechanism = json!({"id": "m1", "kind": "cn-standard-contract", "to": ["DE"], "recipients": ["sms"]});
        for k in ["reference", "description"] {
            set(&mut mechanism, k, next());
        }
        let mut sdk = json!({"id": "push", "name": n[7], "vendor": "sms", "in": ["app"], "fields": ["phone"], "purpose": "login"});
        for k in ["version", "description"] {
            set(&mut sdk, k, next());
        }
        set_list(&mut sdk, "packages", l[2].clone());
        let mut collect = json!({"id": "collect", "from": "users", "to": "app", "fields": ["phone"], "purpose": "login"});
        set(&mut collect, "note", next());
        // An undeclared id: the loader derives one, and the sheets must not declare it.
        let mut send = json!({"from": "app", "to": "sms", "fields": ["phone"], "purpose": "login", "consents": ["c1"]});
        if two {
            send["mechanism"] = json!("m1");
        }
        set(&mut send, "note", next());
        let mut waiver = json!({"rule": "pipl-52-officer", "target": "org", "reason": n[8]});
        set(&mut waiver, "description", next());
        json!({"piflow": 1, "organization": org, "subjects": [subject], "fields": [field], "systems": [system],
            "parties": [party], "purposes": [purpose], "consents": [consent], "mechanisms": [mechanism],
            "sdks": [sdk], "flows": [collect, send], "waivers": [waiver]})
    })
}

#[test]
fn generated_inventories_with_hard_text_round_trip_through_csv() {
    let mut runner = TestRunner::new(Config { cases: cases(48), failure_persistence: None, ..Config::default() });
    runner
        .run(&inventory(), |inv| {
            let text = serde_json::to_string_pretty(&inv).expect("json");
            let original = load::load_str("gen.json", &text, &opts())
                .unwrap_or_else(|f| panic!("the generated inventory does not load:\n{}\n{text}", f.errors));
            assert_round_trips(&original, "generated")
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

/// The cases the issue names, one by one, so a failure says which.
#[test]
fn empty_strings_and_lists_survive_convert() {
    let mut inv: Value = serde_json::from_str(include_str!("fixtures/report-basic/inventory.json")).expect("fixture");
    inv["fields"][0]["retention"] = json!("");
    inv["fields"][0]["description"] = json!("=HYPERLINK(\"http://x\")");
    inv["systems"][0]["security"] = json!([""]);
    inv["systems"][0]["owner"] = json!("'");
    inv["parties"][0]["certifications"] = json!([" a ", "b;c", "-d"]);
    let text = serde_json::to_string(&inv).expect("json");
    let loaded = load::load_str("inv.json", &text, &opts()).unwrap_or_else(|f| panic!("{}", f.errors));
    assert_round_trips(&loaded, "report-basic with empty strings").unwrap_or_else(|e| panic!("{e}"));
}
