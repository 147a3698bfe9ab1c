//! Fides interop: `piflow convert --to fides` and `piflow import fides`, run as the real binary.

mod common;
use common::bin as piflow;
use piflow::graph::FlowGraph;
use piflow::load::{self, LoadOptions};
use piflow::model::Inventory;
use serde_yaml_ng::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SEEDS: [&str; 5] = ["zmyun", "zstack", "xunzhong", "kunjicloud", "onewo"];
const FIXTURE: &str = "tests/fixtures/fides/shop.yml";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn load(path: &Path) -> Inventory {
    let opts = LoadOptions { rule_codes: piflow::rules::codes(), ..LoadOptions::default() };
    match load::load(path, &opts) {
        Ok(l) => l.inventory,
        Err(f) => panic!("{} does not load: {:?}", path.display(), f.errors.0),
    }
}

fn export(inv: &Path, out: &Path) {
    let o = piflow().args(["convert"]).arg(inv).arg(out).args(["--to", "fides"]).output().expect("run");
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
}

/// `piflow import fides FILE -o DIR [ARGS]`: exit code and stdout.
fn import(file: &Path, dir: &Path, args: &[&str]) -> (i32, String, String) {
    let o = piflow().args(["import", "fides"]).arg(file).arg("-o").arg(dir).args(args).output().expect("run");
    (
        o.status.code().expect("code"),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Every edge (flows and sdk flows) as (from, to, purpose) → fields, as Fides can carry it.
fn flow_structure(inv: &Inventory) -> BTreeMap<(String, String, String), BTreeSet<String>> {
    let g = FlowGraph::build(inv);
    let mut out: BTreeMap<_, BTreeSet<String>> = BTreeMap::new();
    for e in &g.edges {
        let key =
            (g.node_id(e.from).to_owned(), g.node_id(e.to).to_owned(), inv.purposes[e.purpose as usize].id.clone());
        out.entry(key).or_default().extend(g.fields(e).iter().map(|&f| inv.fields[f as usize].id.clone()));
    }
    out
}

fn sorted<T: Clone + Ord>(v: &[T]) -> Vec<T> {
    let mut v = v.to_vec();
    v.sort();
    v
}

#[test]
fn mapping_doc_is_fresh() {
    let path = root().join("docs/fides-mapping.md");
    let want = piflow::fides::mapping::markdown();
    if std::env::var_os("PIFLOW_BLESS").is_some() {
        piflow::output::write_atomic(&path, want.as_bytes()).expect("write");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(have == want, "docs/fides-mapping.md is stale: run PIFLOW_BLESS=1 cargo test --test fides");
}

#[test]
fn seeds_round_trip_through_fides() {
    let tmp = tempfile::tempdir().expect("tempdir");
    for seed in SEEDS {
        let src = root().join("inventory").join(seed);
        let manifest = tmp.path().join(format!("{seed}.yml"));
        export(&src, &manifest);
        let dir = tmp.path().join(seed);
        let (code, out, err) = import(&manifest, &dir, &[]);
        assert_eq!(code, 0, "{seed}: a piflow manifest maps back exactly\n{out}{err}");
        assert!(out.contains("everything mapped"), "{out}");
        let a = load(&src);
        let b = load(&dir);
        assert_eq!(a.organization.id, b.organization.id, "{seed}");
        assert_eq!(a.organization.country, b.organization.country, "{seed}");
        let strip = |mut inv: Inventory| {
            inv.subjects.iter_mut().for_each(|x| x.loc = Default::default());
            inv.systems.iter_mut().for_each(|x| x.loc = Default::default());
            inv.parties.iter_mut().for_each(|x| x.loc = Default::default());
            inv.fields.iter_mut().for_each(|x| x.loc = Default::default());
            inv
        };
        let (a, b) = (strip(a), strip(b));
        let by_id = |v: &[_]| sorted(v);
        assert_eq!(
            by_id(&a.systems.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>()),
            by_id(&b.systems.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>()),
            "{seed}: systems"
        );
        assert_eq!(
            sorted(&a.parties.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>()),
            sorted(&b.parties.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>()),
            "{seed}: parties"
        );
        assert_eq!(
            sorted(&a.subjects.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>()),
            sorted(&b.subjects.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>()),
            "{seed}: subjects"
        );
        assert_eq!(
            sorted(&a.fields.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>()),
            sorted(&b.fields.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>()),
            "{seed}: fields and categories"
        );
        let purposes = |inv: &Inventory| {
            sorted(
                &inv.purposes
                    .iter()
                    .map(|p| {
                        (
                            p.id.clone(),
                            p.name.clone(),
                            format!("{:?}", p.basis),
                            p.retention.clone(),
                            p.special_condition.clone(),
                        )
                    })
                    .collect::<Vec<_>>(),
            )
        };
        assert_eq!(purposes(&a), purposes(&b), "{seed}: purposes");
        assert_eq!(flow_structure(&a), flow_structure(&b), "{seed}: flows");
    }
}

/// The export is a Fides manifest in Fides' own terms: fideslang keys, declarations per
/// purpose, egress/ingress that name declared data flows.
#[test]
fn export_speaks_fideslang() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let manifest = tmp.path().join("m.yml");
    export(&root().join("inventory/kunjicloud"), &manifest);
    let y: Value = serde_yaml_ng::from_str(&std::fs::read_to_string(&manifest).expect("read")).expect("yaml");
    let custom: BTreeSet<&str> =
        y["data_category"].as_sequence().into_iter().flatten().filter_map(|c| c["fides_key"].as_str()).collect();
    let systems = y["system"].as_sequence().expect("systems");
    assert!(!systems.is_empty());
    for s in systems {
        let flows = |k: &str| -> BTreeSet<&str> {
            s[k].as_sequence().into_iter().flatten().filter_map(|f| f["fides_key"].as_str()).collect()
        };
        let (egress, ingress) = (flows("egress"), flows("ingress"));
        for d in s["privacy_declarations"].as_sequence().expect("declarations") {
            for c in d["data_categories"].as_sequence().expect("categories") {
                let c = c.as_str().expect("str");
                assert!(piflow::fides::mapping::is_fides_category(c) || custom.contains(c), "{c} undefined");
            }
            for k in d["egress"].as_sequence().into_iter().flatten() {
                assert!(egress.contains(k.as_str().expect("str")));
            }
            for k in d["ingress"].as_sequence().into_iter().flatten() {
                assert!(ingress.contains(k.as_str().expect("str")));
            }
        }
    }
    let text = std::fs::read_to_string(&manifest).expect("read");
    assert!(text.contains("user.contact.phone_number") || text.contains("user.contact.email"));
    assert!(text.contains("legal_basis_for_processing: Consent"));
    assert!(text.contains("system_type: Third Party"));
}

#[test]
fn fides_manifest_round_trips_its_systems_and_declarations() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("inv");
    let (code, out, err) = import(&root().join(FIXTURE), &dir, &["--country", "DE"]);
    assert_eq!(code, 1, "approximations are listed and exit 1\n{out}{err}");
    let back = tmp.path().join("back.yml");
    export(&dir, &back);
    let read =
        |p: &Path| -> Value { serde_yaml_ng::from_str(&std::fs::read_to_string(p).expect("read")).expect("yaml") };
    let (orig, again) = (read(&root().join(FIXTURE)), read(&back));
    // Declarations as (system, data use) → categories. A re-export may add the declarations
    // that flows imply (a receiver's use of what it receives), never lose one.
    let decls = |y: &Value| -> BTreeMap<(String, String), BTreeSet<String>> {
        let mut m = BTreeMap::new();
        for s in y["system"].as_sequence().expect("systems") {
            for d in s["privacy_declarations"].as_sequence().expect("declarations") {
                let cats = d["data_categories"]
                    .as_sequence()
                    .expect("cats")
                    .iter()
                    .filter_map(|c| c.as_str().map(str::to_owned));
                m.entry((
                    s["fides_key"].as_str().expect("key").to_owned(),
                    d["data_use"].as_str().expect("use").to_owned(),
                ))
                .or_insert_with(BTreeSet::new)
                .extend(cats);
            }
        }
        m
    };
    let (d0, d1) = (decls(&orig), decls(&again));
    let systems =
        |m: &BTreeMap<(String, String), BTreeSet<String>>| m.keys().map(|(s, _)| s.clone()).collect::<BTreeSet<_>>();
    assert_eq!(systems(&d0), systems(&d1));
    for (k, cats) in &d0 {
        let got = d1.get(k).unwrap_or_else(|| panic!("declaration {k:?} lost"));
        // `system.*` is not personal information; the custom wishlist category comes back as
        // the key of its piflow category.
        for c in cats.iter().filter(|c| !c.starts_with("system.")) {
            let c = if c == "user.behavior.wishlist" { "user.behavior" } else { c.as_str() };
            let mapped = match c {
                "user.device.cookie_id" => "user.device.device_id",
                "user.financial.credit_card" => "user.payment",
                c => c,
            };
            assert!(got.contains(c) || got.contains(mapped), "{k:?} lost {c}: {got:?}");
        }
    }
    // Party roles survive.
    let ty = |y: &Value, key: &str| {
        y["system"]
            .as_sequence()
            .expect("s")
            .iter()
            .find(|s| s["fides_key"].as_str() == Some(key))
            .map(|s| (s["system_type"].clone(), s["responsibility"].clone()))
    };
    assert_eq!(ty(&orig, "payments_co"), ty(&again, "payments_co"));
    assert_eq!(ty(&orig, "ad_partner"), ty(&again, "ad_partner"));
}

#[test]
fn import_lists_what_it_cannot_map() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (code, out, _) = import(&root().join(FIXTURE), &tmp.path().join("inv"), &["--country", "DE"]);
    assert_eq!(code, 1);
    for want in [
        "policy shop_policy: Fides policies are not imported",
        "dataset orders_db: datasets describe storage",
        "system web_shop: `uses_cookies` not imported",
        "system payments_co: `vendor_id` not imported",
        "`system.operations` is system data",
        "custom data category `user.behavior.wishlist` imported as `behaviour.usage`",
        "`user.financial.credit_card` has no piflow category of its own: imported as `financial.payment`",
        "declaration \"Server logs\": no legal_basis_for_processing: purpose basis assumed `consent`",
        "organization lumen_shop: `security_policy` not imported",
        "assumed DE (--country)",
    ] {
        assert!(out.contains(want), "missing `{want}` in:\n{out}");
    }
    // What was imported is a valid inventory `check` can judge.
    let inv = load(&tmp.path().join("inv"));
    assert_eq!(
        sorted(&inv.parties.iter().map(|p| (p.id.clone(), p.role.as_str())).collect::<Vec<_>>()),
        vec![("ad_partner".to_owned(), "controller"), ("payments_co".to_owned(), "processor")]
    );
    assert!(
        inv.flows
            .iter()
            .any(|f| f.from == "web_shop" && f.to == "ad_partner" && f.purpose == "marketing.advertising.retargeting")
    );
    assert_eq!(
        inv.purposes.iter().find(|p| p.id == "marketing.advertising.retargeting").map(|p| p.name.as_str()),
        Some("Retargeting")
    );
}

#[test]
fn import_needs_a_country_and_refuses_broken_yaml() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let dir = tmp.path().join("inv");
    let (code, _, err) = import(&root().join(FIXTURE), &dir, &[]);
    assert_eq!(code, 2);
    assert!(err.contains("pass --country CC"), "{err}");
    assert!(!dir.exists(), "nothing written on failure");

    let bad = tmp.path().join("bad.yml");
    std::fs::write(&bad, "system:\n  - fides_key: a\n    privacy_declarations: [\n").expect("write");
    let (code, _, err) = import(&bad, &dir, &["--country", "DE"]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.yml:") && err.contains("not a Fides manifest"), "{err}");

    let (code, _, err) = import(&root().join(FIXTURE), &dir, &["--country", "XX"]);
    assert_eq!(code, 2);
    assert!(err.contains("not an ISO 3166-1"), "{err}");
}

#[test]
fn convert_to_fides_refuses_a_directory() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let o = piflow()
        .arg("convert")
        .arg(root().join("inventory/zmyun"))
        .arg(tmp.path())
        .args(["--to", "fides"])
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("writes one manifest file"));
}

/// The real `fides` accepts what we export. Skipped (with a message) where Fides is not
/// installed: `pip install ethyca-fides`, or set FIDES to its path.
#[test]
fn fides_evaluates_the_exported_seeds() {
    let fides = std::env::var_os("FIDES").map(PathBuf::from).or_else(|| {
        std::env::var_os("PATH").and_then(|p| std::env::split_paths(&p).map(|d| d.join("fides")).find(|f| f.is_file()))
    });
    let Some(fides) = fides else {
        eprintln!("skipped: `fides` not found (pip install ethyca-fides, or FIDES=/path/to/fides)");
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    for seed in SEEDS {
        let manifest = tmp.path().join(format!("{seed}.yml"));
        export(&root().join("inventory").join(seed), &manifest);
        let o = std::process::Command::new(&fides)
            .args(["--local", "evaluate"])
            .arg(&manifest)
            .current_dir(tmp.path())
            .output()
            .expect("run fides");
        let text = format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
        // 0 = passed, 1 = the policy found violations; anything else, or a parse or missing-key
        // failure, means Fides refused the manifest.
        assert!(matches!(o.status.code(), Some(0 | 1)), "{seed}: fides failed:\n{text}");
        assert!(text.contains("Executing Policy evaluation"), "{seed}: fides did not get to evaluate:\n{text}");
    }
}

/// The 1.1 keys (important data, app type, basic function, audit, CAC filings) have no fideslang
/// term: the export keeps them where `import` reads them back, and says that Fides cannot see them.
#[test]
fn rules_1_1_keys_survive_the_round_trip_and_are_reported_as_invisible_to_fides() {
    let mut inv = common::base();
    inv["organization"]["last_audit"] = serde_json::json!("2025-11-30");
    inv["organization"]["filings"] = serde_json::json!([
        {"kind": "officer", "date": "2025-08-01", "reference": "CAC|2025|17"},
        {"kind": "face-recognition", "date": "2025-09-02"}
    ]);
    common::get(&mut inv, "fields", "phone")["important"] = serde_json::json!(true);
    common::get(&mut inv, "systems", "app")["app_type"] = serde_json::json!("online-shopping");
    common::get(&mut inv, "purposes", "login")["basic"] = serde_json::json!(true);
    let tmp = tempfile::tempdir().expect("tempdir");
    let src = tmp.path().join("inv.json");
    std::fs::write(&src, serde_json::to_string_pretty(&inv).unwrap()).unwrap();
    let a = load(&src);

    let exported = piflow::fides::export::export(&a).expect("export");
    let notes = exported.notes.join("\n");
    for word in ["`important`", "`app_type`", "`basic`", "`last_audit` and `filings`"] {
        assert!(notes.contains(word), "convert does not say Fides cannot hold {word}:\n{notes}");
    }
    let org_tags = &exported.manifest.organization[0].tags;
    assert!(org_tags.contains(&"piflow:last_audit=2025-11-30".to_owned()), "{org_tags:?}");
    assert!(org_tags.contains(&"piflow:filing=officer|2025-08-01|CAC|2025|17".to_owned()), "{org_tags:?}");
    let uses = &exported.manifest.data_use;
    assert!(uses.iter().any(|u| u.tags.contains(&"piflow:basic=true".to_owned())), "no basic tag");

    let manifest = tmp.path().join("out.yml");
    export(&src, &manifest);
    let dir = tmp.path().join("back");
    let (code, out, err) = import(&manifest, &dir, &[]);
    assert_eq!(code, 0, "{out}{err}");
    let b = load(&dir);
    assert_eq!(b.organization.last_audit, a.organization.last_audit);
    assert_eq!(b.organization.filings, a.organization.filings, "the reference keeps its `|`");
    assert!(b.fields.iter().any(|f| f.id == "phone" && f.important), "important lost");
    assert_eq!(b.systems[0].app_type.as_deref(), Some("online-shopping"));
    assert!(b.purposes.iter().any(|p| p.id == "login" && p.basic), "basic lost");

    // Without them, nothing is claimed: no tag, no note, and an absent audit stays absent.
    let plain = tmp.path().join("plain.json");
    std::fs::write(&plain, serde_json::to_string_pretty(&common::base()).unwrap()).unwrap();
    let exported = piflow::fides::export::export(&load(&plain)).expect("export");
    assert!(!exported.notes.iter().any(|n| n.contains("`important`") || n.contains("`basic`")));
    assert!(!exported.manifest.organization[0].tags.iter().any(|t| t.contains("last_audit") || t.contains("filing")));
}
