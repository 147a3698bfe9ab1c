//! Fides manifest(s) → piflow inventory, with a list of everything that could not be mapped
//! exactly. Nothing is dropped without a line in that list.
//!
//! A manifest written by `piflow convert --to fides` carries piflow's own records in
//! `meta.piflow` and `piflow:` tags; they are read back first, so a round trip is exact. Any
//! other manifest is mapped from Fides' own fields (see `docs/fides-mapping.md`).

use super::manifest::{DataFlow, Declaration, Manifest, System, Taxon, tag_value};
use super::mapping::{self, CategoryImport};
use crate::model::{
    Basis, BasisSpec, Countries, Field, Flow, Inventory, Organization, Party, Purpose, Regime, Role, Subject,
    System as PSystem, SystemKind, name,
};
use serde_yaml_ng::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// One manifest file, as read.
pub struct Source {
    pub path: String,
    pub text: String,
}

/// A manifest that cannot be read at all.
#[derive(Debug)]
pub struct ImportError {
    pub path: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{}:{l}:{c}: {}", self.path, self.message),
            _ => write!(f, "{}: {}", self.path, self.message),
        }
    }
}

/// Something of the manifest that did not map exactly: where it is and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unmapped {
    /// `file: resource` (e.g. `fides.yml: system crm, declaration "Marketing"`).
    pub at: String,
    pub what: String,
}

impl fmt::Display for Unmapped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.what)
    }
}

pub struct Imported {
    pub inventory: Inventory,
    /// Sorted, deduplicated.
    pub unmapped: Vec<Unmapped>,
}

/// Options of an import.
#[derive(Default)]
pub struct Options {
    /// The country assumed for anything whose country the manifest does not say.
    pub country: Option<String>,
}

/// Parse manifest files.
pub fn parse(sources: &[Source]) -> Result<Vec<(String, Manifest)>, ImportError> {
    sources
        .iter()
        .map(|s| {
            if s.text.trim().is_empty() {
                return Ok((s.path.clone(), Manifest::default()));
            }
            if let Err((line, message)) = crate::scan::yaml::check_depth(&s.text) {
                return Err(ImportError { path: s.path.clone(), line: Some(line as usize), column: None, message });
            }
            serde_yaml_ng::from_str::<Manifest>(&s.text).map(|m| (s.path.clone(), m)).map_err(|e| {
                let loc = e.location();
                ImportError {
                    path: s.path.clone(),
                    line: loc.as_ref().map(|l| l.line()),
                    column: loc.as_ref().map(|l| l.column()),
                    message: format!("not a Fides manifest: {e}"),
                }
            })
        })
        .collect()
}

/// A piflow id from a Fides key: Fides also allows `<`, `>` and a leading `.`/`_`/`-`.
fn sanitize_id(key: &str) -> String {
    let mut s: String =
        key.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') { c } else { '-' }).collect();
    if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        s.insert(0, 'x');
    }
    s
}

fn is_default(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Sequence(s) => s.is_empty(),
        Value::Mapping(m) => m.is_empty(),
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

/// The Fides system keys that are not mapped, with a reason each.
fn system_other_note(key: &str) -> &'static str {
    match key {
        "vendor_id" | "previous_vendor_id" | "vendor_deleted_date" => "vendor catalogue ids have no piflow field",
        "uses_cookies" | "cookie_max_age_seconds" | "cookie_refresh" | "uses_non_cookie_access" | "cookies" => {
            "cookie practices: model each cookie's data as fields of a flow or an sdk"
        }
        "exempt_from_privacy_regulations" | "reason_for_exemption" => {
            "piflow judges every system; exemptions are waivers"
        }
        "legal_basis_for_profiling" => "profiling bases: set `automated_decision` and the basis on the purpose",
        "joint_controller_info" => "joint controllers: model them as controller parties",
        "legitimate_interest_disclosure_url" => "disclosure URLs have no piflow field",
        "fidesctl_meta" => "scan metadata has no piflow field",
        _ => "no piflow field",
    }
}

struct Ctx<'a> {
    unmapped: BTreeSet<Unmapped>,
    country: Option<&'a str>,
    needs_country: Vec<String>,
    custom_categories: BTreeMap<String, Option<String>>,
}

impl Ctx<'_> {
    fn note(&mut self, at: impl Into<String>, what: impl Into<String>) {
        self.unmapped.insert(Unmapped { at: at.into(), what: what.into() });
    }

    fn country(&mut self, at: &str) -> String {
        match self.country {
            Some(c) => {
                self.note(at, format!("no country in the manifest: assumed {c} (--country)"));
                c.to_owned()
            }
            None => {
                self.needs_country.push(at.to_owned());
                String::new()
            }
        }
    }

    /// The piflow category of a Fides category key, walking up custom parents; `None` for
    /// non-personal (`system.*`) or unknown keys, which are reported.
    fn category(&mut self, at: &str, key: &str) -> Option<&'static str> {
        let mut k = key.to_owned();
        for _ in 0..32 {
            match mapping::category_from_fides(&k) {
                Some(CategoryImport::Exact(p)) => {
                    if k != key {
                        self.note(
                            at,
                            format!(
                                "custom data category `{key}` imported as `{p}`, the category of its ancestor `{k}`"
                            ),
                        );
                    }
                    return Some(p);
                }
                Some(CategoryImport::Approximate(p)) => {
                    self.note(
                        at,
                        format!("data category `{key}` has no piflow category of its own: imported as `{p}`"),
                    );
                    return Some(p);
                }
                None => {}
            }
            if k == "system" || k.starts_with("system.") {
                self.note(at, format!("data category `{key}` is system data, not personal information: not imported"));
                return None;
            }
            let parent = match self.custom_categories.get(&k) {
                Some(Some(p)) => p.clone(),
                _ => match k.rsplit_once('.') {
                    Some((p, _)) => p.to_owned(),
                    None => break,
                },
            };
            k = parent;
        }
        self.note(
            at,
            format!("data category `{key}` is not in the fideslang taxonomy nor defined in the manifest: not imported"),
        );
        None
    }
}

fn parse_basis(s: &str) -> Option<BasisSpec> {
    if !s.contains(':') {
        return Basis::parse(s).map(BasisSpec::All);
    }
    let mut m = crate::model::ByRegime::default();
    for part in s.split(',') {
        let (r, b) = part.split_once(':')?;
        m.insert(Regime::parse(r)?, Basis::parse(b)?);
    }
    Some(BasisSpec::PerRegime(m))
}

fn piflow_meta(meta: &Option<Value>) -> Option<&Value> {
    meta.as_ref()?.get("piflow")
}

/// A merged flow: (from, to, purpose) → fields.
type Flows = BTreeMap<(String, String, String), BTreeSet<String>>;

/// Build an inventory from parsed manifests.
pub fn import(manifests: &[(String, Manifest)], opts: &Options) -> Result<Imported, ImportError> {
    let mut cx = Ctx {
        unmapped: BTreeSet::new(),
        country: opts.country.as_deref(),
        needs_country: Vec::new(),
        custom_categories: BTreeMap::new(),
    };
    let mut inv = Inventory::default();

    // Resources by type, remembering their file.
    let mut orgs = Vec::new();
    let mut uses: Vec<(&str, &Taxon)> = Vec::new();
    let mut subjects: Vec<(&str, &Taxon)> = Vec::new();
    let mut systems: Vec<(&str, &System)> = Vec::new();
    let mut datasets = Vec::new();
    for (path, m) in manifests {
        orgs.extend(m.organization.iter().map(|o| (path.as_str(), o)));
        for c in &m.data_category {
            cx.custom_categories.insert(c.fides_key.clone(), c.parent_key.clone());
        }
        uses.extend(m.data_use.iter().map(|u| (path.as_str(), u)));
        subjects.extend(m.data_subject.iter().map(|s| (path.as_str(), s)));
        systems.extend(m.system.iter().map(|s| (path.as_str(), s)));
        datasets.extend(m.dataset.iter().map(|d| (path.as_str(), d)));
        for p in &m.policy {
            let key = p.get("fides_key").and_then(Value::as_str).unwrap_or("?");
            if key != super::export::POLICY_KEY {
                cx.note(
                    format!("{path}: policy {key}"),
                    "Fides policies are not imported: piflow judges flows by its PIPL and GDPR rules (`piflow check`)",
                );
            }
        }
        for k in m.other.keys() {
            cx.note(format!("{path}: {k}"), "not a resource type piflow maps");
        }
    }

    // Organization.
    match orgs.first() {
        Some((path, o)) => {
            let at = format!("{path}: organization {}", o.fides_key);
            for (k, v) in &o.other {
                if !is_default(v) && k != "organization_fides_key" {
                    cx.note(&at, format!("`{k}` not imported: no piflow field"));
                }
            }
            let country = match tag_value(&o.tags, "country") {
                Some(c) => c.to_owned(),
                None => cx.country(&at),
            };
            inv.organization = Organization {
                id: sanitize_id(&o.fides_key),
                name: o.name.clone().unwrap_or_else(|| o.fides_key.clone()),
                country,
                contact: o.controller.as_ref().and_then(|c| {
                    // The export writes the organization's name beside its contact.
                    let c = super::manifest::ContactDetails { name: String::new(), ..c.clone() };
                    c.text()
                }),
                officer: o.data_protection_officer.as_ref().and_then(|c| c.text()),
                representative: o.representative.as_ref().and_then(|c| c.text()),
                ciio: tag_value(&o.tags, "ciio").map(|v| v == "true"),
                regimes: tag_value(&o.tags, "regimes")
                    .map(|r| r.split(',').filter_map(Regime::parse).collect())
                    .unwrap_or_default(),
                // Fides has no audit or CAC filings: only piflow's own tags carry them; absent
                // is absent, not "none made".
                last_audit: tag_value(&o.tags, "last_audit").and_then(|d| d.parse().ok()),
                filings: o.tags.iter().filter_map(|t| filing_tag(t)).collect(),
                description: o.description.clone(),
                loc: Default::default(),
            };
            for (path, o) in orgs.iter().skip(1) {
                cx.note(
                    format!("{path}: organization {}", o.fides_key),
                    "a second organization: piflow models one per inventory",
                );
            }
        }
        None => {
            let at = "manifest".to_owned();
            cx.note(&at, "no organization resource: created `default_organization`");
            let country = cx.country(&at);
            inv.organization = Organization {
                id: "default_organization".to_owned(),
                name: "Default Organization".to_owned(),
                country,
                ..Default::default()
            };
        }
    }

    // Data subjects defined in the manifest.
    let mut subject_ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut fides_subject_of: BTreeMap<String, String> = BTreeMap::new();
    for (path, s) in &subjects {
        let at = format!("{path}: data_subject {}", s.fides_key);
        let id = sanitize_id(&s.fides_key);
        let country = match tag_value(&s.tags, "country") {
            Some(c) => Countries(c.split(',').map(str::to_owned).collect()),
            None => Countries(vec![cx.country(&at)]),
        };
        if let Some(f) = tag_value(&s.tags, "fides-subject") {
            fides_subject_of.insert(s.fides_key.clone(), f.to_owned());
        }
        for (k, v) in &s.other {
            if !is_default(v) && !matches!(k.as_str(), "is_default" | "version_added") {
                cx.note(
                    &at,
                    format!("`{k}` not imported: data-subject rights and profiling flags have no piflow field"),
                );
            }
        }
        subject_ids.insert(s.fides_key.clone(), inv.subjects.len());
        inv.subjects.push(Subject {
            id,
            name: s.name.clone().unwrap_or_else(|| s.fides_key.clone()),
            country,
            volume: tag_value(&s.tags, "volume").and_then(|v| v.parse().ok()),
            children: tag_value(&s.tags, "children") == Some("true"),
            description: s.description.clone(),
            loc: Default::default(),
        });
    }

    // Purposes: custom data uses, then any other data use a declaration names.
    let mut purpose_of_use: BTreeMap<String, String> = BTreeMap::new();
    let mut purpose_idx: BTreeMap<String, usize> = BTreeMap::new();
    for (_, u) in &uses {
        let id = tag_value(&u.tags, "id").map_or_else(|| sanitize_id(&u.fides_key), str::to_owned);
        let basis = match tag_value(&u.tags, "basis").and_then(parse_basis) {
            Some(b) => b,
            None => BasisSpec::All(Basis::Consent),
        };
        if tag_value(&u.tags, "basis").is_none() {
            // Filled from its declarations below when they say.
            purpose_of_use.insert(format!("?{}", u.fides_key), id.clone());
        }
        purpose_of_use.insert(u.fides_key.clone(), id.clone());
        purpose_idx.insert(id.clone(), inv.purposes.len());
        inv.purposes.push(Purpose {
            id,
            name: u.name.clone().unwrap_or_else(|| u.fides_key.clone()),
            basis,
            consents: Default::default(),
            special_condition: tag_value(&u.tags, "special-condition").map(str::to_owned),
            automated_decision: tag_value(&u.tags, "automated-decision") == Some("true"),
            retention: tag_value(&u.tags, "retention").map(str::to_owned),
            assessment: tag_value(&u.tags, "assessment").map(str::to_owned),
            basic: tag_value(&u.tags, "basic") == Some("true"),
            description: u.description.clone(),
            loc: Default::default(),
        });
    }

    // Systems and parties.
    let mut node_ids: BTreeMap<String, String> = BTreeMap::new();
    let mut fields: BTreeMap<String, Field> = BTreeMap::new();
    let mut flows: Flows = BTreeMap::new();
    let mut meta_nodes: BTreeSet<String> = BTreeSet::new();
    for (path, s) in &systems {
        let at = format!("{path}: system {}", s.fides_key);
        let id = sanitize_id(&s.fides_key);
        if id != s.fides_key {
            cx.note(&at, format!("fides_key is not a piflow id: imported as `{id}`"));
        }
        node_ids.insert(s.fides_key.clone(), id.clone());
        let meta = piflow_meta(&s.meta);
        if let Some(meta) = meta {
            meta_nodes.insert(s.fides_key.clone());
            if let Some(rec) = meta.get("system") {
                match serde_yaml_ng::from_value::<PSystem>(rec.clone()) {
                    Ok(sys) => inv.systems.push(sys),
                    Err(e) => {
                        cx.note(&at, format!("meta.piflow.system is not a piflow system ({e}): system not imported"))
                    }
                }
            } else if let Some(rec) = meta.get("party") {
                match serde_yaml_ng::from_value::<Party>(rec.clone()) {
                    Ok(p) => inv.parties.push(p),
                    Err(e) => {
                        cx.note(&at, format!("meta.piflow.party is not a piflow party ({e}): party not imported"))
                    }
                }
            }
            for rec in meta.get("fields").and_then(Value::as_sequence).into_iter().flatten() {
                match serde_yaml_ng::from_value::<Field>(rec.clone()) {
                    Ok(f) => {
                        fields.entry(f.id.clone()).or_insert(f);
                    }
                    Err(e) => {
                        cx.note(&at, format!("a field of meta.piflow.fields is not a piflow field ({e}): not imported"))
                    }
                }
            }
            for rec in meta.get("flows_in").and_then(Value::as_sequence).into_iter().flatten() {
                let from = rec.get("from").and_then(Value::as_str);
                let purpose = rec.get("purpose").and_then(Value::as_str);
                let fs: Option<BTreeSet<String>> = rec
                    .get("fields")
                    .and_then(Value::as_sequence)
                    .map(|s| s.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect());
                match (from, purpose, fs) {
                    (Some(from), Some(purpose), Some(fs)) => {
                        flows.entry((from.to_owned(), id.clone(), purpose.to_owned())).or_default().extend(fs);
                    }
                    _ => cx.note(&at, "a flow of meta.piflow.flows_in lacks from, purpose or fields: not imported"),
                }
            }
            continue;
        }
        import_native_node(&mut cx, &mut inv, &at, s, &id);
    }

    // Native flows and declarations of systems without piflow metadata.
    let mut cat_fields: BTreeMap<&'static str, String> = BTreeMap::new();
    let mut incoming: BTreeMap<&str, Vec<(&str, &[String])>> = BTreeMap::new();
    for (_, s) in &systems {
        for e in s.egress.iter().filter(|e| e.kind == "system") {
            incoming.entry(e.fides_key.as_str()).or_default().push((s.fides_key.as_str(), &e.data_categories));
        }
    }
    for (path, s) in &systems {
        if meta_nodes.contains(&s.fides_key) {
            continue;
        }
        let at = format!("{path}: system {}", s.fides_key);
        let id = node_ids.get(&s.fides_key).cloned().unwrap_or_else(|| sanitize_id(&s.fides_key));
        for (n, d) in s.privacy_declarations.iter().enumerate() {
            let dat = format!(
                "{at}, declaration {}",
                d.name.as_deref().map_or_else(|| format!("#{}", n + 1), |n| format!("\"{n}\""))
            );
            let purpose = purpose_for_declaration(&mut cx, &mut inv, &mut purpose_of_use, &mut purpose_idx, &dat, d);
            let decl_fields = category_fields(&mut cx, &mut cat_fields, &dat, &d.data_categories);
            let mut covered = false;
            // Egress named by this declaration, or every egress when no declaration names any.
            let any_names = s.privacy_declarations.iter().any(|d| d.egress.is_some());
            for e in &s.egress {
                if e.kind == "user" {
                    cx.note(&dat, "egress to `user` (data returned to the person) is not a piflow flow: not imported");
                    continue;
                }
                let named = d.egress.as_ref().is_some_and(|l| l.contains(&e.fides_key));
                if !named && any_names {
                    continue;
                }
                if !any_names {
                    cx.note(
                        &dat,
                        format!("egress to `{}` is named by no declaration: taken as serving this one", e.fides_key),
                    );
                }
                let fs = flow_fields(&mut cx, &mut cat_fields, &dat, e, &decl_fields);
                let to = target_id(&node_ids, &e.fides_key);
                flows.entry((id.clone(), to, purpose.clone())).or_default().extend(fs);
                covered = true;
            }
            let any_in = s.privacy_declarations.iter().any(|d| d.ingress.is_some());
            for i in &s.ingress {
                let named = d.ingress.as_ref().is_some_and(|l| l.contains(&i.fides_key));
                if !named && any_in {
                    continue;
                }
                let fs = flow_fields(&mut cx, &mut cat_fields, &dat, i, &decl_fields);
                if i.kind == "user" {
                    for subj in declaration_subjects(&mut cx, &mut inv, &mut subject_ids, &fides_subject_of, &dat, d) {
                        flows.entry((subj, id.clone(), purpose.clone())).or_default().extend(fs.iter().cloned());
                    }
                } else {
                    let from = target_id(&node_ids, &i.fides_key);
                    flows.entry((from, id.clone(), purpose.clone())).or_default().extend(fs);
                }
                covered = true;
            }
            if !covered {
                // Upstream systems that send this declaration's categories here: the declaration
                // is what the receiver does with them.
                for (from, cats) in incoming.get(s.fides_key.as_str()).into_iter().flatten() {
                    let sent = if cats.is_empty() {
                        decl_fields.clone()
                    } else {
                        category_fields(&mut cx, &mut cat_fields, &dat, cats)
                    };
                    let shared: BTreeSet<String> = sent.intersection(&decl_fields).cloned().collect();
                    if shared.is_empty() {
                        continue;
                    }
                    cx.note(&dat, format!("no ingress or egress of its own: modelled as receiving from `{from}`, whose egress brings its categories"));
                    flows.entry((target_id(&node_ids, from), id.clone(), purpose.clone())).or_default().extend(shared);
                    covered = true;
                }
            }
            if !covered {
                cx.note(
                    &dat,
                    "no ingress or egress says where its data comes from: modelled as collection from its data subjects",
                );
                for subj in declaration_subjects(&mut cx, &mut inv, &mut subject_ids, &fides_subject_of, &dat, d) {
                    flows.entry((subj, id.clone(), purpose.clone())).or_default().extend(decl_fields.iter().cloned());
                }
            }
        }
    }

    // Datasets: the export's own are derived from database systems; others describe storage.
    let system_keys: BTreeSet<&str> = systems.iter().map(|(_, s)| s.fides_key.as_str()).collect();
    for (path, d) in &datasets {
        if piflow_meta(&d.meta)
            .and_then(|m| m.get("system"))
            .and_then(Value::as_str)
            .is_some_and(|s| system_keys.contains(s))
        {
            continue;
        }
        let n: usize = d.collections.iter().map(|c| c.fields.len()).sum();
        cx.note(
            format!("{path}: dataset {}", d.fides_key),
            format!(
                "datasets describe storage, not flows: its {} collections and {n} fields were not imported; model the database as a system that flows reach",
                d.collections.len()
            ),
        );
    }

    // Fields synthesized from categories.
    for (cat, id) in &cat_fields {
        fields.entry(id.clone()).or_insert_with(|| Field {
            id: id.clone(),
            name: crate::model::taxonomy::category(cat).map_or_else(|| id.clone(), |c| c.en.to_owned()),
            category: (*cat).to_owned(),
            sensitive: None,
            retention: None,
            important: false,
            description: Some(format!("Imported from the Fides data category `{id}`")),
            loc: Default::default(),
        });
    }
    inv.fields = fields.into_values().collect();

    let known_nodes: BTreeSet<String> = inv
        .systems
        .iter()
        .map(|s| s.id.clone())
        .chain(inv.parties.iter().map(|p| p.id.clone()))
        .chain(inv.subjects.iter().map(|s| s.id.clone()))
        .collect();
    let known_purposes: BTreeSet<&str> = inv.purposes.iter().map(|p| p.id.as_str()).collect();
    for ((from, to, purpose), fs) in flows {
        let at = format!("flow {from} → {to} ({purpose})");
        if !known_nodes.contains(&from) || !known_nodes.contains(&to) {
            let missing = if known_nodes.contains(&from) { &to } else { &from };
            cx.note(
                &at,
                format!("`{missing}` is neither a system nor a data subject of the manifest: flow not imported"),
            );
            continue;
        }
        if !known_purposes.contains(purpose.as_str()) {
            cx.note(&at, format!("data use `{purpose}` unknown: flow not imported"));
            continue;
        }
        if fs.is_empty() {
            cx.note(&at, "carries no personal data category: flow not imported");
            continue;
        }
        inv.flows.push(Flow {
            id: "".into(),
            from: name(&from),
            to: name(&to),
            fields: fs.iter().map(|f| name(f)).collect(),
            purpose: name(&purpose),
            basis: None,
            consents: Default::default(),
            mechanism: None,
            volume: None,
            subjects: Default::default(),
            note: None,
            id_declared: false,
            loc: Default::default(),
        });
    }

    if !cx.needs_country.is_empty() {
        return Err(ImportError {
            path: manifests.first().map_or_else(String::new, |(p, _)| p.clone()),
            line: None,
            column: None,
            message: format!(
                "the manifest does not say where {} {} (Fides has no country field): pass --country CC, the ISO 3166-1 code to assume",
                cx.needs_country.len(),
                if cx.needs_country.len() == 1 { "resource is" } else { "resources are" }
            ),
        });
    }
    inv.subjects.sort_by(|a, b| a.id.cmp(&b.id));
    inv.systems.sort_by(|a, b| a.id.cmp(&b.id));
    inv.parties.sort_by(|a, b| a.id.cmp(&b.id));
    inv.purposes.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Imported { inventory: inv, unmapped: cx.unmapped.into_iter().collect() })
}

fn target_id(node_ids: &BTreeMap<String, String>, key: &str) -> String {
    node_ids.get(key).cloned().unwrap_or_else(|| sanitize_id(key))
}

/// A system without piflow metadata: an own system or an outside party, from Fides' fields.
fn import_native_node(cx: &mut Ctx, inv: &mut Inventory, at: &str, s: &System, id: &str) {
    let ty = s.system_type.to_lowercase();
    let is_party = mapping::PARTY_SYSTEM_TYPES.iter().any(|t| ty.contains(t));
    for (k, v) in &s.other {
        if !is_default(v)
            && !matches!(k.as_str(), "processes_personal_data" | "flexible_legal_basis_for_processing" | "tags")
        {
            cx.note(at, format!("`{k}` not imported: {}", system_other_note(k)));
        }
    }
    if s.uses_profiling {
        cx.note(at, "`uses_profiling` not imported: set `automated_decision` on the purposes concerned");
    }
    if !s.legal_basis_for_transfers.is_empty() {
        cx.note(
            at,
            format!(
                "legal_basis_for_transfers ({}) not imported: declare `mechanisms` and name them on the cross-border flows",
                s.legal_basis_for_transfers.join(", ")
            ),
        );
    }
    if !s.dataset_references.is_empty() {
        cx.note(
            at,
            format!("dataset_references ({}) not imported: datasets are not flows", s.dataset_references.join(", ")),
        );
    }
    let name = s.name.clone().unwrap_or_else(|| s.fides_key.clone());
    let country = cx.country(at);
    if is_party {
        let resp: Vec<String> = s.responsibility.iter().map(|r| r.to_lowercase()).collect();
        let role = if resp.iter().any(|r| r.contains("processor")) {
            Role::Processor
        } else if resp.iter().any(|r| r == "controller") {
            Role::Controller
        } else if ty.contains("authority") {
            Role::Authority
        } else if ty.contains("public") {
            Role::Public
        } else {
            cx.note(at, "third party without a responsibility: imported as a controller (it decides its own purposes)");
            Role::Controller
        };
        inv.parties.push(Party {
            id: id.to_owned(),
            name,
            country,
            role,
            affiliate: false,
            contact: s.dpo.clone(),
            contract: s.dpa_location.clone(),
            subprocessors: Box::default(),
            certifications: Vec::new(),
            policy: s.privacy_policy.clone(),
            hosts: Vec::new(),
            description: s.description.clone(),
            loc: Default::default(),
        });
    } else {
        let kind = mapping::SYSTEM_TYPES.iter().find(|(_, t)| t.eq_ignore_ascii_case(&s.system_type)).map(|(k, _)| *k);
        if kind.is_none() && !s.system_type.is_empty() {
            cx.note(at, format!("system_type `{}` has no piflow kind: imported as `other`", s.system_type));
        }
        inv.systems.push(PSystem {
            id: id.to_owned(),
            name,
            country,
            kind: Some(kind.unwrap_or(SystemKind::Other)),
            owner: s.administrating_department.clone().filter(|d| d != "Not defined"),
            security: s.data_security_practices.iter().cloned().collect(),
            app_type: None,
            description: s.description.clone(),
            loc: Default::default(),
        });
    }
}

/// The purpose id of a declaration's data use; creates the purpose for a data use the manifest
/// does not define (a fideslang default key, or an unknown one).
fn purpose_for_declaration(
    cx: &mut Ctx,
    inv: &mut Inventory,
    purpose_of_use: &mut BTreeMap<String, String>,
    purpose_idx: &mut BTreeMap<String, usize>,
    at: &str,
    d: &Declaration,
) -> String {
    for (k, v) in &d.other {
        if !is_default(v) && !matches!(k.as_str(), "flexible_legal_basis_for_processing" | "dataset_references") {
            cx.note(at, format!("`{k}` not imported: no piflow field"));
        }
    }
    let basis = d.legal_basis_for_processing.as_deref().map(|b| (b, mapping::basis_from_fides(b)));
    if let Some((b, None)) = basis {
        cx.note(at, format!("legal basis `{b}` is not a fideslang basis: purpose basis left as consent"));
    }
    let basis = basis.and_then(|(_, b)| b);
    if let Some(id) = purpose_of_use.get(&d.data_use).cloned() {
        // A custom data use without a piflow basis tag takes its declaration's basis.
        if purpose_of_use.remove(&format!("?{}", d.data_use)).is_some()
            && let Some(&i) = purpose_idx.get(&id)
        {
            {
                match basis {
                    Some(b) => inv.purposes[i].basis = BasisSpec::All(b),
                    None => cx.note(at, "no legal_basis_for_processing: purpose basis assumed `consent`"),
                }
                fill_purpose(&mut inv.purposes[i], d);
            }
        }
        return id;
    }
    let id = sanitize_id(&d.data_use);
    if !mapping::is_fides_use(&d.data_use) {
        cx.note(
            at,
            format!(
                "data use `{}` is neither fideslang nor defined in the manifest: imported as purpose `{id}`",
                d.data_use
            ),
        );
    }
    if basis.is_none() {
        cx.note(at, "no legal_basis_for_processing: purpose basis assumed `consent`");
    }
    let name = mapping::FIDES_USES
        .iter()
        .find(|(k, _)| *k == d.data_use)
        .map_or_else(|| d.data_use.clone(), |(_, n)| (*n).to_owned());
    let mut p = Purpose {
        id: id.clone(),
        name,
        basis: BasisSpec::All(basis.unwrap_or(Basis::Consent)),
        consents: Box::default(),
        special_condition: None,
        automated_decision: false,
        retention: None,
        assessment: None,
        basic: false,
        description: None,
        loc: Default::default(),
    };
    fill_purpose(&mut p, d);
    purpose_of_use.insert(d.data_use.clone(), id.clone());
    purpose_idx.insert(id.clone(), inv.purposes.len());
    inv.purposes.push(p);
    id
}

fn fill_purpose(p: &mut Purpose, d: &Declaration) {
    if p.retention.is_none() {
        p.retention = d.retention_period.clone();
    }
    if p.assessment.is_none() {
        p.assessment = d.impact_assessment_location.clone();
    }
    if p.special_condition.is_none() {
        p.special_condition = d
            .special_category_legal_basis
            .as_deref()
            .and_then(|b| mapping::SPECIAL_CONDITIONS.iter().find(|(_, f)| *f == b).map(|(l, _)| (*l).to_owned()));
    }
}

/// Field ids for Fides categories: one field per category, named by the category key.
fn category_fields(
    cx: &mut Ctx,
    cat_fields: &mut BTreeMap<&'static str, String>,
    at: &str,
    cats: &[String],
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for c in cats {
        if let Some(p) = cx.category(at, c) {
            let id = cat_fields.entry(p).or_insert_with(|| sanitize_id(c)).clone();
            out.insert(id);
        }
    }
    out
}

fn flow_fields(
    cx: &mut Ctx,
    cat_fields: &mut BTreeMap<&'static str, String>,
    at: &str,
    flow: &DataFlow,
    decl: &BTreeSet<String>,
) -> BTreeSet<String> {
    if flow.data_categories.is_empty() {
        decl.clone()
    } else {
        category_fields(cx, cat_fields, at, &flow.data_categories)
    }
}

/// The subject ids a declaration's data comes from, creating subjects for fideslang default
/// subjects the manifest does not define. A default subject listed beside a custom subject that
/// the export declared as that kind is the same people, not another group.
fn declaration_subjects(
    cx: &mut Ctx,
    inv: &mut Inventory,
    subject_ids: &mut BTreeMap<String, usize>,
    fides_subject_of: &BTreeMap<String, String>,
    at: &str,
    d: &Declaration,
) -> Vec<String> {
    let kinds: BTreeSet<&str> =
        d.data_subjects.iter().filter_map(|s| fides_subject_of.get(s).map(String::as_str)).collect();
    let mut out = Vec::new();
    let mut keys: Vec<String> = d.data_subjects.clone();
    if keys.is_empty() {
        cx.note(at, format!("no data_subjects: data taken as collected from `{}`", mapping::DEFAULT_SUBJECT));
        keys.push(mapping::DEFAULT_SUBJECT.to_owned());
    }
    for key in keys {
        if kinds.contains(key.as_str()) && !subject_ids.contains_key(&key) {
            continue;
        }
        if !subject_ids.contains_key(&key) {
            let country = cx.country(&format!("{at}, data subject {key}"));
            let name = key.split('_').map(|w| {
                let mut c = w.chars();
                c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
            });
            subject_ids.insert(key.clone(), inv.subjects.len());
            inv.subjects.push(Subject {
                id: sanitize_id(&key),
                name: name.collect::<Vec<_>>().join(" "),
                country: Countries(vec![country]),
                volume: None,
                children: false,
                description: None,
                loc: Default::default(),
            });
        }
        if let Some(&i) = subject_ids.get(&key) {
            out.push(inv.subjects[i].id.clone());
        }
    }
    out
}

/// A `piflow:filing=kind|date|reference` tag of the export, read back (the reference, free text,
/// is the rest after the second `|`; empty is none).
fn filing_tag(tag: &str) -> Option<crate::model::Filing> {
    let value = tag.strip_prefix("piflow:filing=")?;
    let mut parts = value.splitn(3, '|');
    let kind = crate::model::FilingKind::parse(parts.next()?)?;
    let date = parts.next()?.parse().ok()?;
    let reference = parts.next().filter(|r| !r.is_empty()).map(str::to_owned);
    Some(crate::model::Filing { kind, date, reference })
}
