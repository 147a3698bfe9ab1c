//! piflow inventory → Fides manifest.

use super::manifest::{
    Collection, ContactDetails, DataFlow, Dataset, DatasetField, Declaration, Manifest, Organization, System, Taxon,
    tag,
};
use super::mapping;
use crate::graph::{FlowGraph, Node};
use crate::model::{BasisSpec, Inventory, Regime, Role, SystemKind, taxonomy};
use serde_yaml_ng::{Mapping, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The policy the export adds so that `fides evaluate` has a rule to judge.
pub const POLICY_KEY: &str = "piflow_sensitive_data";

/// Fides categories the policy treats as sensitive (parents match their children).
const SENSITIVE_FIDES: &[&str] = &[
    "user.biometric",
    "user.childrens",
    "user.criminal_history",
    "user.demographic.political_opinion",
    "user.demographic.race_ethnicity",
    "user.demographic.religious_belief",
    "user.demographic.sexual_orientation",
    "user.demographic.trade_union_membership",
    "user.financial",
    "user.government_id",
    "user.health_and_medical",
    "user.location.precise",
];

/// A manifest and what it could not carry.
pub struct Exported {
    pub manifest: Manifest,
    /// What the inventory holds that Fides has no place for, one line each.
    pub notes: Vec<String>,
}

/// Flows merged by (source, destination, purpose): Fides knows no finer edge.
#[derive(Default)]
struct Edge {
    fields: BTreeSet<u32>,
    subjects: BTreeSet<u32>,
    mechanisms: BTreeSet<&'static str>,
    abroad: bool,
}

/// Everything a Fides system says about one node, per purpose.
#[derive(Default)]
struct Decl {
    categories: BTreeSet<&'static str>,
    subjects: BTreeSet<String>,
    egress: BTreeSet<String>,
    ingress: BTreeSet<String>,
    special: bool,
    third_parties: BTreeSet<String>,
    shared: BTreeSet<&'static str>,
}

fn fides_category(inv: &Inventory, field: u32) -> &'static str {
    // The loader has checked every category, so the table always has it; `user` is the
    // taxonomy root, the right key for data of no known kind.
    mapping::category_to_fides(&inv.fields[field as usize].category).map_or("user", |c| c.fides)
}

fn basis_tag(spec: &BasisSpec) -> String {
    match spec {
        BasisSpec::All(b) => b.as_str().to_owned(),
        BasisSpec::PerRegime(m) => {
            m.iter().map(|(r, b)| format!("{}:{}", r.as_str(), b.as_str())).collect::<Vec<_>>().join(",")
        }
    }
}

/// The basis Fides can show: the one for every regime, else the GDPR one, else the PIPL one.
fn fides_basis(spec: &BasisSpec) -> Option<&'static str> {
    let b = spec.for_regime(Regime::Gdpr).or_else(|| spec.for_regime(Regime::Pipl))?;
    mapping::basis_to_fides(b)
}

fn to_value<T: serde::Serialize>(v: &T) -> Result<Value, serde_yaml_ng::Error> {
    serde_yaml_ng::to_value(v)
}

fn contact(text: &str) -> ContactDetails {
    if text.contains('@') && !text.contains(char::is_whitespace) {
        ContactDetails { email: text.to_owned(), ..Default::default() }
    } else {
        ContactDetails { name: text.to_owned(), ..Default::default() }
    }
}

/// The data-use key of each purpose: the purpose id when it is a fideslang key, else a custom
/// child of the heuristic's key, unique among purposes.
fn use_keys(inv: &Inventory) -> Vec<(String, &'static str)> {
    let mut taken = BTreeSet::new();
    inv.purposes
        .iter()
        .map(|p| {
            let contract = p.basis.for_regime(Regime::Gdpr).or_else(|| p.basis.for_regime(Regime::Pipl))
                == Some(crate::model::Basis::Contract);
            let parent = mapping::data_use_for(&p.id, &p.name, contract);
            if parent == p.id {
                taken.insert(p.id.clone());
                return (p.id.clone(), parent);
            }
            // A child of a fideslang key (as `import` names a manifest's custom data use) keeps its key.
            if let Some((known, _)) =
                p.id.rsplit_once('.').and_then(|(up, _)| mapping::FIDES_USES.iter().find(|(k, _)| *k == up))
                && taken.insert(p.id.clone())
            {
                return (p.id.clone(), known);
            }
            let slug = p.id.replace('.', "_");
            let mut key = format!("{parent}.{slug}");
            let mut n = 2;
            while !taken.insert(key.clone()) {
                key = format!("{parent}.{slug}_{n}");
                n += 1;
            }
            (key, parent)
        })
        .collect()
}

/// Export an inventory as one Fides manifest.
pub fn export(inv: &Inventory) -> Result<Exported, serde_yaml_ng::Error> {
    let g = FlowGraph::build(inv);
    let org_key = inv.organization.id.clone();
    let mut notes = Vec::new();

    // Merge edges.
    let mut edges: BTreeMap<(String, String, u32), Edge> = BTreeMap::new();
    let mech_kind = |m: Option<u32>| -> Option<&'static str> {
        let m = &inv.mechanisms[m? as usize];
        mapping::TRANSFERS.iter().find(|(k, _)| *k == m.kind.as_str()).map(|(_, f)| *f)
    };
    for e in &g.edges {
        let from = g.node_id(e.from).to_owned();
        let to = g.node_id(e.to).to_owned();
        let entry = edges.entry((from, to, e.purpose)).or_default();
        entry.fields.extend(g.fields(e).iter().copied());
        entry.subjects.extend(g.subjects_in(e.provenance));
        entry.mechanisms.extend(mech_kind(g.edge_mechanism(e)));
        let (a, b) = (g.node_countries(e.from), g.node_countries(e.to));
        entry.abroad |= e.cn_export() || e.eea_transfer() || a.iter().any(|c| !b.contains(c));
    }
    let merged: usize = edges.len();
    if merged < g.edges.len() {
        notes.push(format!(
            "{} flows (sdk flows included) merged into {merged} Fides edges by source, destination and purpose",
            g.edges.len()
        ));
    }

    let use_keys = use_keys(inv);
    let subject_fides: Vec<&'static str> = inv.subjects.iter().map(|s| mapping::subject_for(&s.id, &s.name)).collect();

    // Per node: declarations by purpose, egress/ingress categories, received fields, incoming flows.
    let mut decls: BTreeMap<&str, BTreeMap<u32, Decl>> = BTreeMap::new();
    let mut egress: BTreeMap<&str, BTreeMap<&str, BTreeSet<&'static str>>> = BTreeMap::new();
    let mut ingress: BTreeMap<&str, BTreeMap<&str, BTreeSet<&'static str>>> = BTreeMap::new();
    let mut flows_in: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    let mut abroad: BTreeMap<&str, BTreeSet<&'static str>> = BTreeMap::new();
    let mut first_receiver: BTreeMap<u32, &str> = BTreeMap::new();
    let party_of = |id: &str| g.node_of(id).and_then(|n| g.party(n));
    let is_subject = |id: &str| g.node_of(id).is_some_and(|n| matches!(g.graph[n], Node::Subject(_)));
    for ((from, to, purpose), e) in &edges {
        let cats: BTreeSet<&'static str> = e.fields.iter().map(|&f| fides_category(inv, f)).collect();
        let special = e.fields.iter().any(|&f| g.field_facts[f as usize].special);
        let mut subjects: BTreeSet<String> = BTreeSet::new();
        for &s in &e.subjects {
            subjects.insert(inv.subjects[s as usize].id.clone());
            subjects.insert(subject_fides[s as usize].to_owned());
        }
        let source_key = if is_subject(from) { "user" } else { from.as_str() };
        {
            let d = decls.entry(to.as_str()).or_default().entry(*purpose).or_default();
            d.categories.extend(&cats);
            d.subjects.extend(subjects.iter().cloned());
            d.ingress.insert(source_key.to_owned());
            d.special |= special;
        }
        ingress.entry(to.as_str()).or_default().entry(source_key).or_default().extend(&cats);
        for &f in &e.fields {
            let slot = first_receiver.entry(f).or_insert(to.as_str());
            if to.as_str() < *slot {
                *slot = to.as_str();
            }
        }
        let mut flow = Mapping::new();
        flow.insert("from".into(), from.as_str().into());
        flow.insert("purpose".into(), inv.purposes[*purpose as usize].id.as_str().into());
        flow.insert(
            "fields".into(),
            Value::Sequence(e.fields.iter().map(|&f| Value::from(inv.fields[f as usize].id.as_str())).collect()),
        );
        flows_in.entry(to.as_str()).or_default().push(Value::Mapping(flow));
        if is_subject(from) {
            continue;
        }
        let d = decls.entry(from.as_str()).or_default().entry(*purpose).or_default();
        d.categories.extend(&cats);
        d.subjects.extend(subjects);
        d.egress.insert(to.clone());
        d.special |= special;
        if let Some(p) = party_of(to)
            && p.role != Role::Processor
        {
            d.third_parties.insert(p.name.clone());
            d.shared.extend(&cats);
        }
        egress.entry(from.as_str()).or_default().entry(to.as_str()).or_default().extend(&cats);
        if e.abroad {
            abroad.entry(from.as_str()).or_default().extend(e.mechanisms.iter().copied());
            if e.mechanisms.is_empty() {
                abroad.entry(from.as_str()).or_default();
            }
        }
    }

    // Fields no flow carries still need a home for the round trip: the first node by id.
    let mut node_ids: Vec<&str> =
        inv.systems.iter().map(|s| s.id.as_str()).chain(inv.parties.iter().map(|p| p.id.as_str())).collect();
    node_ids.sort_unstable();
    let mut fields_at: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for i in 0..inv.fields.len() as u32 {
        match first_receiver.get(&i).copied().or_else(|| node_ids.first().copied()) {
            Some(node) => fields_at.entry(node).or_default().push(i),
            None => notes.push(format!(
                "field `{}` not exported: the inventory has no system or party",
                inv.fields[i as usize].id
            )),
        }
    }

    let subprocessors: BTreeSet<&str> =
        inv.parties.iter().flat_map(|p| p.subprocessors.iter().map(|n| n.as_str())).collect();

    let declarations = |node: &str| -> Vec<Declaration> {
        let Some(by_purpose) = decls.get(node) else { return Vec::new() };
        let mut out: Vec<Declaration> = by_purpose
            .iter()
            .map(|(&pi, d)| {
                let p = &inv.purposes[pi as usize];
                let list = |s: &BTreeSet<String>| if s.is_empty() { None } else { Some(s.iter().cloned().collect()) };
                Declaration {
                    name: Some(p.name.clone()),
                    data_categories: d.categories.iter().map(|c| (*c).to_owned()).collect(),
                    data_use: use_keys[pi as usize].0.clone(),
                    data_subjects: d.subjects.iter().cloned().collect(),
                    egress: list(&d.egress),
                    ingress: list(&d.ingress),
                    legal_basis_for_processing: fides_basis(&p.basis).map(str::to_owned),
                    impact_assessment_location: p.assessment.clone(),
                    retention_period: p.retention.clone(),
                    processes_special_category_data: d.special,
                    special_category_legal_basis: if d.special {
                        p.special_condition.as_deref().and_then(|l| {
                            mapping::SPECIAL_CONDITIONS.iter().find(|(k, _)| *k == l).map(|(_, f)| (*f).to_owned())
                        })
                    } else {
                        None
                    },
                    data_shared_with_third_parties: !d.third_parties.is_empty(),
                    third_parties: if d.third_parties.is_empty() {
                        None
                    } else {
                        Some(d.third_parties.iter().cloned().collect::<Vec<_>>().join("; "))
                    },
                    shared_categories: d.shared.iter().map(|c| (*c).to_owned()).collect(),
                    other: BTreeMap::new(),
                }
            })
            .collect();
        out.sort_by(|a, b| (&a.data_use, &a.name).cmp(&(&b.data_use, &b.name)));
        out
    };
    let flows_of = |m: &BTreeMap<&str, BTreeMap<&str, BTreeSet<&'static str>>>, node: &str| -> Vec<DataFlow> {
        m.get(node)
            .map(|targets| {
                targets
                    .iter()
                    .map(|(k, cats)| DataFlow {
                        fides_key: (*k).to_owned(),
                        kind: if *k == "user" { "user" } else { "system" }.to_owned(),
                        data_categories: cats.iter().map(|c| (*c).to_owned()).collect(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let meta = |entity: &str, record: Value, node: &str| -> Result<Value, serde_yaml_ng::Error> {
        let mut m = Mapping::new();
        m.insert(entity.into(), record);
        if let Some(fields) = fields_at.get(node) {
            let records: Result<Vec<Value>, _> = fields.iter().map(|&f| to_value(&inv.fields[f as usize])).collect();
            m.insert("fields".into(), Value::Sequence(records?));
        }
        if let Some(flows) = flows_in.get(node) {
            m.insert("flows_in".into(), Value::Sequence(flows.clone()));
        }
        let mut outer = Mapping::new();
        outer.insert("piflow".into(), Value::Mapping(m));
        Ok(Value::Mapping(outer))
    };
    let uses_profiling =
        |node: &str| decls.get(node).is_some_and(|d| d.keys().any(|&p| inv.purposes[p as usize].automated_decision));
    let needs_assessment =
        |node: &str| decls.get(node).is_some_and(|d| d.keys().any(|&p| inv.purposes[p as usize].assessment.is_some()));
    let transfers = |node: &str| -> (bool, Vec<String>) {
        match abroad.get(node) {
            Some(m) => (true, m.iter().map(|s| (*s).to_owned()).collect()),
            None => (false, Vec::new()),
        }
    };

    let mut systems = Vec::new();
    let mut datasets = Vec::new();
    for s in &inv.systems {
        let mut dataset_references = Vec::new();
        if matches!(s.kind, Some(SystemKind::Database | SystemKind::File)) {
            let received: BTreeSet<u32> = edges
                .iter()
                .filter(|((_, to, _), _)| to == &s.id)
                .flat_map(|(_, e)| e.fields.iter().copied())
                .collect();
            if !received.is_empty() {
                let key = format!("{}_data", s.id);
                let mut m = Mapping::new();
                let mut inner = Mapping::new();
                inner.insert("system".into(), s.id.as_str().into());
                m.insert("piflow".into(), Value::Mapping(inner));
                datasets.push(Dataset {
                    fides_key: key.clone(),
                    organization_fides_key: Some(org_key.clone()),
                    name: Some(s.name.clone()),
                    description: Some(format!("Personal data stored in {}", s.name)),
                    meta: Some(Value::Mapping(m)),
                    collections: vec![Collection {
                        name: "personal_data".to_owned(),
                        description: None,
                        fields: received
                            .iter()
                            .map(|&f| {
                                let field = &inv.fields[f as usize];
                                DatasetField {
                                    name: field.id.clone(),
                                    description: Some(field.name.clone()),
                                    data_categories: vec![fides_category(inv, f).to_owned()],
                                    other: BTreeMap::new(),
                                }
                            })
                            .collect(),
                        other: BTreeMap::new(),
                    }],
                    other: BTreeMap::new(),
                });
                dataset_references.push(key);
            }
        }
        let (intl, bases) = transfers(&s.id);
        systems.push(System {
            fides_key: s.id.clone(),
            organization_fides_key: Some(org_key.clone()),
            name: Some(s.name.clone()),
            description: s.description.clone(),
            meta: Some(meta("system", to_value(s)?, &s.id)?),
            system_type: mapping::system_type(s.kind).to_owned(),
            egress: flows_of(&egress, &s.id),
            ingress: flows_of(&ingress, &s.id),
            privacy_declarations: declarations(&s.id),
            administrating_department: s.owner.clone(),
            dataset_references,
            uses_profiling: uses_profiling(&s.id),
            does_international_transfers: intl,
            legal_basis_for_transfers: bases,
            requires_data_protection_assessments: needs_assessment(&s.id),
            responsibility: vec!["Controller".to_owned()],
            data_security_practices: if s.security.is_empty() { None } else { Some(s.security.join("; ")) },
            ..Default::default()
        });
    }
    for p in &inv.parties {
        let (system_type, responsibility) =
            mapping::ROLES.iter().find(|(r, _, _)| *r == p.role).map_or(("Third Party", None), |(_, t, r)| (*t, *r));
        let responsibility = match responsibility {
            Some("Processor") if subprocessors.contains(p.id.as_str()) => Some("Sub-Processor"),
            other => other,
        };
        let (intl, bases) = transfers(&p.id);
        systems.push(System {
            fides_key: p.id.clone(),
            organization_fides_key: Some(org_key.clone()),
            name: Some(p.name.clone()),
            description: p.description.clone(),
            meta: Some(meta("party", to_value(p)?, &p.id)?),
            system_type: system_type.to_owned(),
            egress: flows_of(&egress, &p.id),
            ingress: flows_of(&ingress, &p.id),
            privacy_declarations: declarations(&p.id),
            uses_profiling: uses_profiling(&p.id),
            does_international_transfers: intl,
            legal_basis_for_transfers: bases,
            dpa_location: p.contract.clone(),
            privacy_policy: p
                .policy
                .clone()
                .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
                .filter(|u| !u.contains(char::is_whitespace)),
            legal_name: Some(p.name.clone()),
            responsibility: responsibility.map(|r| vec![r.to_owned()]).unwrap_or_default(),
            dpo: p.contact.clone(),
            ..Default::default()
        });
    }
    systems.sort_by(|a, b| a.fides_key.cmp(&b.fides_key));
    datasets.sort_by(|a, b| a.fides_key.cmp(&b.fides_key));

    // Custom data categories: every exported key missing from the default taxonomy.
    let used: BTreeSet<&str> = inv.fields.iter().map(|f| f.category.as_str()).collect();
    let data_category: Vec<Taxon> = mapping::CATEGORIES
        .iter()
        .filter(|c| c.custom && used.contains(c.piflow))
        .map(|c| {
            let t = taxonomy::category(c.piflow);
            Taxon {
                fides_key: c.fides.to_owned(),
                organization_fides_key: Some(org_key.clone()),
                name: t.map(|t| t.en.to_owned()),
                description: Some(format!(
                    "piflow category {}{}",
                    c.piflow,
                    t.map(|t| format!(" ({})", t.zh)).unwrap_or_default()
                )),
                parent_key: c.fides.rsplit_once('.').map(|(p, _)| p.to_owned()),
                tags: vec![tag("category", c.piflow)],
                other: BTreeMap::new(),
            }
        })
        .collect();

    let custom_keys: BTreeSet<String> = data_category.iter().map(|c| c.fides_key.clone()).collect();
    let mut data_use: Vec<Taxon> = inv
        .purposes
        .iter()
        .zip(&use_keys)
        .map(|(p, (key, parent))| {
            let mut tags = vec![tag("id", &p.id), tag("basis", &basis_tag(&p.basis))];
            if let Some(c) = &p.special_condition {
                tags.push(tag("special-condition", c));
            }
            if p.automated_decision {
                tags.push(tag("automated-decision", "true"));
            }
            if let Some(r) = &p.retention {
                tags.push(tag("retention", r));
            }
            if let Some(a) = &p.assessment {
                tags.push(tag("assessment", a));
            }
            if p.basic {
                tags.push(tag("basic", "true"));
            }
            let parent_key = if key == parent {
                key.rsplit_once('.').map(|(p, _)| p.to_owned())
            } else {
                Some((*parent).to_owned())
            };
            Taxon {
                fides_key: key.clone(),
                organization_fides_key: Some(org_key.clone()),
                name: Some(p.name.clone()),
                description: p.description.clone(),
                parent_key,
                tags,
                other: BTreeMap::new(),
            }
        })
        .collect();
    data_use.sort_by(|a, b| a.fides_key.cmp(&b.fides_key));

    let mut data_subject: Vec<Taxon> = inv
        .subjects
        .iter()
        .zip(&subject_fides)
        .map(|(s, fides)| {
            let mut tags = vec![tag("country", &s.country.0.join(","))];
            if let Some(v) = s.volume {
                tags.push(tag("volume", &v.to_string()));
            }
            if s.children {
                tags.push(tag("children", "true"));
            }
            tags.push(tag("fides-subject", fides));
            Taxon {
                fides_key: s.id.clone(),
                organization_fides_key: Some(org_key.clone()),
                name: Some(s.name.clone()),
                description: s.description.clone(),
                parent_key: None,
                tags,
                other: BTreeMap::new(),
            }
        })
        .collect();
    data_subject.sort_by(|a, b| a.fides_key.cmp(&b.fides_key));

    let o = &inv.organization;
    let mut org_tags = vec![tag("country", &o.country)];
    // Stated either way, so an unstated status stays unstated through the round trip.
    if let Some(ciio) = o.ciio {
        org_tags.push(tag("ciio", if ciio { "true" } else { "false" }));
    }
    if !o.regimes.is_empty() {
        org_tags.push(tag("regimes", &o.regimes.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",")));
    }
    // 1.1: Fides has no audit or CAC filing; the tags carry them through a round trip (a
    // reference is free text, so it comes last and may hold the separator).
    if let Some(d) = o.last_audit {
        org_tags.push(tag("last_audit", &d.to_string()));
    }
    for f in &o.filings {
        org_tags
            .push(tag("filing", &format!("{}|{}|{}", f.kind.as_str(), f.date, f.reference.as_deref().unwrap_or(""))));
    }
    let organization = Organization {
        fides_key: org_key.clone(),
        name: Some(o.name.clone()),
        description: o.description.clone(),
        controller: o.contact.as_deref().map(|c| ContactDetails { name: o.name.clone(), ..contact(c) }),
        data_protection_officer: o.officer.as_deref().map(contact),
        representative: o.representative.as_deref().map(contact),
        tags: org_tags,
        other: BTreeMap::new(),
    };

    for (what, n) in [
        ("consents", inv.consents.len()),
        ("mechanisms (their kinds become legal_basis_for_transfers)", inv.mechanisms.len()),
        ("waivers", inv.waivers.len()),
        ("sdk records (exported as the flows they imply)", inv.sdks.len()),
    ] {
        if n > 0 {
            notes.push(format!("not represented in Fides: {what}: {n}"));
        }
    }
    // 1.1 facts Fides has no notion of: kept for the round trip, invisible to Fides policies.
    let important = inv.fields.iter().filter(|f| f.important).count();
    if important > 0 {
        notes.push(format!(
            "{important} field{} marked `important` (重要数据): Fides has no important-data notion; kept in meta.piflow only, so no Fides policy sees it",
            if important == 1 { "" } else { "s" }
        ));
    }
    let typed = inv.systems.iter().filter(|s| s.app_type.is_some()).count();
    if typed > 0 {
        notes.push(format!(
            "{typed} system{} with an `app_type`: Fides has no app type; kept in meta.piflow only",
            if typed == 1 { "" } else { "s" }
        ));
    }
    let basic = inv.purposes.iter().filter(|p| p.basic).count();
    if basic > 0 {
        notes.push(format!(
            "{basic} purpose{} marked `basic` (基本功能服务): Fides has no basic-function flag; kept as a `piflow:basic=true` tag of the data use",
            if basic == 1 { "" } else { "s" }
        ));
    }
    if o.last_audit.is_some() || !o.filings.is_empty() {
        notes.push(
            "the organization's `last_audit` and `filings`: Fides has no audit or CAC filing; kept as `piflow:` tags of the organization".to_owned(),
        );
    }
    let per_flow = inv
        .flows
        .iter()
        .filter(|f| {
            f.basis.is_some()
                || !f.consents.is_empty()
                || f.volume.is_some()
                || f.note.is_some()
                || f.id_declared
                || !f.subjects.is_empty()
        })
        .count();
    if per_flow > 0 {
        notes.push(format!(
            "{per_flow} flows have an id, basis override, consents, volume, subjects or note, which Fides edges cannot carry"
        ));
    }

    Ok(Exported {
        manifest: Manifest {
            organization: vec![organization],
            data_category,
            data_use,
            data_subject,
            dataset: datasets,
            system: systems,
            policy: vec![policy(&org_key, &custom_keys)],
            other: BTreeMap::new(),
        },
        notes,
    })
}

/// One policy: sensitive data must not serve marketing or personalization, whoever it is about.
fn policy(org_key: &str, custom: &BTreeSet<String>) -> Value {
    let seq = |v: &[&str]| Value::Sequence(v.iter().map(|s| Value::from(*s)).collect());
    let rule = |matches: &str, values: Value| {
        let mut m = Mapping::new();
        m.insert("matches".into(), matches.into());
        m.insert("values".into(), values);
        Value::Mapping(m)
    };
    let mut r = Mapping::new();
    r.insert("name".into(), "no_sensitive_data_for_marketing".into());
    // A custom key may only be named when the manifest defines it.
    let sensitive: Vec<&str> =
        SENSITIVE_FIDES.iter().copied().filter(|k| mapping::is_fides_category(k) || custom.contains(*k)).collect();
    r.insert("data_categories".into(), rule("ANY", seq(&sensitive)));
    r.insert("data_uses".into(), rule("ANY", seq(&["marketing", "personalize"])));
    // NONE of [anonymous_user]: any identified subject.
    r.insert("data_subjects".into(), rule("NONE", seq(&["anonymous_user"])));
    let mut p = Mapping::new();
    p.insert("fides_key".into(), POLICY_KEY.into());
    p.insert("organization_fides_key".into(), org_key.into());
    p.insert("name".into(), "piflow: sensitive data is not for marketing".into());
    p.insert(
        "description".into(),
        "Sensitive personal information (PIPL Art. 28) and special categories (GDPR Art. 9) must not be used for marketing or personalization."
            .into(),
    );
    p.insert("rules".into(), Value::Sequence(vec![Value::Mapping(r)]));
    Value::Mapping(p)
}

/// The manifest as YAML text.
pub fn to_yaml(m: &Manifest) -> Result<String, serde_yaml_ng::Error> {
    serde_yaml_ng::to_string(m)
}
