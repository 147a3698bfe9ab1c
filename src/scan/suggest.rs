//! `piflow scan --suggest`: inventory entries for SDKs the scan found and the inventory lacks, as
//! one JSON part ready to save next to the other parts. Values come from the signature database;
//! ids already in the inventory (vendor parties, fields of the same category, systems, purposes)
//! are reused so the part loads without dangling references.

use super::{PackageUse, Signature};
use crate::model::{Inventory, SystemKind};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// One SDK to declare: its database entry and the coordinates that revealed it.
pub struct Suggestion<'a> {
    pub signature: &'a Signature,
    pub packages: Vec<&'a PackageUse>,
}

/// `Adjust GmbH` → `adjust-gmbh`; ids must match `[A-Za-z0-9][A-Za-z0-9._-]*`.
fn slug(s: &str) -> String {
    let mut out = String::new();
    for word in s.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).take(4) {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    out
}

/// The system kinds an ecosystem's code runs in.
fn kinds_for(eco: &str) -> &'static [SystemKind] {
    match eco {
        "maven" | "gradle-plugin" | "cocoapods" | "swiftpm" | "ohpm" => &[SystemKind::App],
        "npm" => &[SystemKind::Web, SystemKind::App, SystemKind::MiniProgram],
        "wechat-plugin" => &[SystemKind::MiniProgram],
        _ => &[SystemKind::Service],
    }
}

/// The part, as pretty JSON.
pub fn render(suggestions: &[Suggestion], inv: Option<&Inventory>) -> serde_json::Result<String> {
    let mut parties: BTreeMap<String, Value> = BTreeMap::new();
    let mut fields: BTreeMap<String, Value> = BTreeMap::new();
    let mut purposes: BTreeMap<String, Value> = BTreeMap::new();
    let mut sdks: Vec<Value> = Vec::new();
    for s in suggestions {
        let sig = s.signature;
        // Vendor: an existing party with the vendor's name or policy, else a new one.
        let existing = inv.and_then(|inv| {
            inv.parties.iter().find(|p| {
                p.name == sig.vendor.en
                    || p.name == sig.vendor.zh
                    || (p.policy.is_some() && p.policy == sig.vendor.policy)
            })
        });
        let vendor = match existing {
            Some(p) => p.id.clone(),
            None => {
                let id = slug(&sig.vendor.en);
                let name = if sig.vendor.zh == sig.vendor.en {
                    sig.vendor.en.clone()
                } else {
                    format!("{} ({})", sig.vendor.zh, sig.vendor.en)
                };
                let mut party = json!({
                    "id": id, "name": name, "country": sig.vendor.country, "role": "controller",
                    "description": "SDK vendor deciding its own purposes (a third party per MIIT); make it \
                                    `processor` with a `contract` if an entrustment agreement exists",
                });
                if let Some(p) = &sig.vendor.policy {
                    party["policy"] = json!(p);
                }
                if !sig.hosts.is_empty() {
                    party["hosts"] = json!(sig.hosts);
                }
                parties.entry(id.clone()).or_insert(party);
                id
            }
        };
        // Fields: existing fields of each category, else new ones named after the taxonomy.
        let mut field_ids: Vec<String> = Vec::new();
        for cat in &sig.fields {
            let have: Vec<String> = inv
                .map(|inv| inv.fields.iter().filter(|f| &f.category == cat).map(|f| f.id.clone()).collect())
                .unwrap_or_default();
            if have.is_empty() {
                let id = cat.replace('.', "-");
                let name = crate::model::taxonomy::category(cat)
                    .map_or_else(|| cat.clone(), |c| format!("{} / {}", c.zh, c.en));
                fields.entry(id.clone()).or_insert_with(|| json!({"id": id, "name": name, "category": cat}));
                field_ids.push(id);
            } else {
                field_ids.extend(have);
            }
        }
        field_ids.sort();
        field_ids.dedup();
        // Purpose: the database's purpose key, as an inventory purpose.
        let purpose = format!("sdk-{}", sig.purpose);
        if !inv.is_some_and(|inv| inv.purposes.iter().any(|p| p.id == purpose)) {
            purposes.entry(purpose.clone()).or_insert_with(
                || json!({"id": purpose, "name": format!("Third-party SDK: {}", sig.purpose), "basis": "consent"}),
            );
        }
        // Systems: those of the kind the ecosystem runs in; else the placeholder `app`.
        let eco = s.packages.first().and_then(|p| p.coordinate.split(':').next()).unwrap_or("");
        let mut systems: Vec<String> = inv
            .map(|inv| {
                inv.systems
                    .iter()
                    .filter(|x| x.kind.is_some_and(|k| kinds_for(eco).contains(&k)))
                    .map(|x| x.id.clone())
                    .collect()
            })
            .unwrap_or_default();
        if systems.is_empty() {
            systems.push("app".into());
        }
        let mut packages: Vec<String> = s.packages.iter().map(|p| p.coordinate.clone()).collect();
        packages.sort();
        packages.dedup();
        let mut sdk = json!({
            "id": sig.id, "name": format!("{} ({})", sig.name.zh, sig.name.en), "vendor": vendor,
            "in": systems, "fields": field_ids, "purpose": purpose, "packages": packages,
        });
        if !sig.hosts.is_empty() {
            sdk["hosts"] = json!(sig.hosts);
        }
        sdk["description"] = json!(format!(
            "Found by piflow scan at {}; data it typically collects per {}",
            s.packages.iter().map(|p| format!("{}:{}", p.place.file, p.place.line)).collect::<Vec<_>>().join(", "),
            sig.source
        ));
        sdks.push(sdk);
    }
    let mut part = serde_json::Map::new();
    part.insert("piflow".into(), json!(1));
    for (key, map) in [("parties", parties), ("fields", fields), ("purposes", purposes)] {
        if !map.is_empty() {
            part.insert(key.into(), Value::Array(map.into_values().collect()));
        }
    }
    part.insert("sdks".into(), Value::Array(sdks));
    let mut s = serde_json::to_string_pretty(&Value::Object(part))?;
    s.push('\n');
    Ok(s)
}
