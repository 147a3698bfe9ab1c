//! No output depends on the number of threads: `check`, `report` and `diagram` on every seed
//! inventory and on a generated one large enough to be split into many runs give the same bytes
//! with `PIFLOW_THREADS=1` and `PIFLOW_THREADS=4`.

mod common;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::AS_OF;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn piflow(threads: &str, args: &[&str]) -> std::process::Output {
    common::bin().current_dir(root()).env("PIFLOW_THREADS", threads).args(args).output().expect("run piflow")
}

/// Every output of one inventory, by name, with `threads` threads.
fn outputs(inv: &Path, threads: &str, out: &Path) -> BTreeMap<String, Vec<u8>> {
    let inv = inv.to_str().expect("utf-8 path");
    let mut all = BTreeMap::new();
    for format in ["json", "sarif", "human"] {
        let r = piflow(threads, &["check", inv, "--format", format, "--as-of", AS_OF, "--color", "never"]);
        assert!(matches!(r.status.code(), Some(0 | 1)), "check {inv}: {}", String::from_utf8_lossy(&r.stderr));
        all.insert(format!("check.{format}"), r.stdout);
    }
    let r = piflow(threads, &["diagram", inv, "--as-of", AS_OF]);
    assert!(r.status.success(), "diagram {inv}: {}", String::from_utf8_lossy(&r.stderr));
    all.insert("diagram.dot".into(), r.stdout);
    let dir = out.join(threads);
    let r = piflow(
        threads,
        &["report", inv, "--out", dir.to_str().expect("utf-8"), "--as-of", AS_OF, "--format", "csv,md,html,json"],
    );
    assert!(r.status.success(), "report {inv}: {}", String::from_utf8_lossy(&r.stderr));
    for entry in std::fs::read_dir(&dir).expect("report dir") {
        let path = entry.expect("entry").path();
        all.insert(path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&path).expect("read"));
    }
    all
}

fn assert_same(inv: &Path) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let one = outputs(inv, "1", tmp.path());
    let four = outputs(inv, "4", tmp.path());
    assert_eq!(one.keys().collect::<Vec<_>>(), four.keys().collect::<Vec<_>>(), "{}", inv.display());
    for (name, bytes) in &one {
        assert!(bytes == &four[name], "{}: {name} differs between 1 and 4 threads", inv.display());
    }
}

#[test]
fn seed_inventories_give_the_same_bytes_on_one_thread_and_on_four() {
    let mut seen = 0;
    for entry in std::fs::read_dir(root().join("inventory")).expect("inventory/") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            assert_same(&path);
            seen += 1;
        }
    }
    assert!(seen >= 5, "the five seed inventories are under inventory/");
}

/// Many subjects, systems, parties abroad and flows, some with findings: enough items that every
/// parallel stage cuts its work into several runs.
fn generated(n: usize) -> Value {
    let countries = ["CN", "DE", "US", "SG", "JP"];
    let mut inv = json!({
        "piflow": 1,
        "organization": {"id": "acme", "name": "Acme", "country": "CN", "contact": "dpo@acme.example", "officer": "Li Lei"},
        "subjects": [], "fields": [], "systems": [], "parties": [], "purposes": [], "flows": []
    });
    let push = |inv: &mut Value, key: &str, v: Value| inv[key].as_array_mut().unwrap().push(v);
    for (i, cat) in ["contact.phone", "identity.birth-date", "device.ip", "health.medical"].iter().enumerate() {
        push(
            &mut inv,
            "fields",
            json!({"id": format!("f{i}"), "name": format!("Field {i}"), "category": cat, "retention": "P1Y"}),
        );
    }
    push(&mut inv, "purposes", json!({"id": "svc", "name": "Service", "basis": "contract", "assessment": "PIA-1"}));
    push(&mut inv, "purposes", json!({"id": "mkt", "name": "Marketing", "basis": "consent"}));
    for i in 0..n {
        let cc = countries[i % countries.len()];
        push(
            &mut inv,
            "subjects",
            json!({"id": format!("s{i}"), "name": format!("Users {i}"), "country": cc, "volume": 1000 + i}),
        );
        push(
            &mut inv,
            "systems",
            json!({"id": format!("app{i}"), "name": format!("App {i}"), "country": cc, "kind": "app"}),
        );
        push(
            &mut inv,
            "parties",
            json!({"id": format!("p{i}"), "name": format!("Vendor {i}"), "country": countries[(i + 2) % countries.len()], "role": "processor", "contract": "DPA", "contact": "v@example.com"}),
        );
        let fields: Vec<String> = (0..=(i % 4)).map(|f| format!("f{f}")).collect();
        let purpose = if i % 3 == 0 { "mkt" } else { "svc" };
        push(
            &mut inv,
            "flows",
            json!({"from": format!("s{i}"), "to": format!("app{i}"), "fields": fields, "purpose": purpose}),
        );
        push(
            &mut inv,
            "flows",
            json!({"from": format!("app{i}"), "to": format!("p{i}"), "fields": fields, "purpose": purpose}),
        );
        push(
            &mut inv,
            "flows",
            json!({"from": format!("app{i}"), "to": format!("app{}", (i + 1) % n), "fields": ["f0"], "purpose": "svc"}),
        );
    }
    inv
}

#[test]
fn a_generated_inventory_gives_the_same_bytes_on_one_thread_and_on_four() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let path = tmp.path().join("inventory.json");
    std::fs::write(&path, serde_json::to_string_pretty(&generated(600)).unwrap()).unwrap();
    // The generator must make an inventory piflow accepts, with findings to render.
    let r = piflow("1", &["check", path.to_str().unwrap(), "--format", "json", "--as-of", AS_OF]);
    assert_eq!(r.status.code(), Some(1), "{}", String::from_utf8_lossy(&r.stdout));
    assert_same(&path);
}

#[test]
fn a_bad_thread_count_is_refused() {
    for bad in ["0", "many", "-1", "100000"] {
        let r = piflow(bad, &["explain"]);
        assert_eq!(r.status.code(), Some(2), "PIFLOW_THREADS={bad}");
        assert!(String::from_utf8_lossy(&r.stderr).contains("PIFLOW_THREADS"), "PIFLOW_THREADS={bad}");
    }
}
