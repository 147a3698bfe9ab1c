//! PIPL — the Personal Information Protection Law of the PRC (2021), and the CAC Provisions on
//! Promoting and Regulating Cross-Border Data Flows (in force 2024-03-22) for the export tiers.

pub use super::catalogue::pipl::*;
use super::{
    Context, Facts, basis, covered, edge_finding, edge_label, field_ids, is_cn_kind, list, sensitive_fields, valid,
};
use crate::finding::{Finding, Rule, Severity};
use crate::graph::{Edge, FlowGraph, FlowKind, Origin};
use crate::model::{Basis, MechanismKind, Regime, Requirement, Role};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

/// The rules about one edge (the caller shares the edges out among threads).
pub fn edge(g: &FlowGraph, ctx: &Context, facts: &Facts, tier: &Tier, e: &Edge, out: &mut Vec<Finding>) {
    if !e.regimes().pipl {
        return;
    }
    let basis = basis(g, e, Regime::Pipl);
    lawful_basis(g, e, basis, out);
    if basis == Some(Basis::Consent) {
        consent(g, e, out);
    }
    transfer(g, e, basis, out);
    super::necessary::edge(g, e, out);
    if e.cn_export() {
        export(g, ctx, facts, e, basis, tier, out);
    }
}

/// The rules about the inventory as a whole.
pub fn global(g: &FlowGraph, ctx: &Context, out: &mut Vec<Finding>) {
    organization(g, ctx, out);
    assessment(g, out);
}

fn lawful_basis(g: &FlowGraph, e: &Edge, basis: Option<Basis>, out: &mut Vec<Finding>) {
    let problem = match basis {
        None => "has no PIPL basis".to_owned(),
        Some(Basis::LegitimateInterests) => "relies on legitimate interests, which PIPL does not recognise".to_owned(),
        Some(_) => return,
    };
    let purpose = &g.inv.purposes[e.purpose as usize];
    out.push(
        edge_finding(
            g,
            e,
            &BASIS,
            format_args!(
                "{} for purpose `{}` {problem}: give it a PIPL basis (consent, contract, legal-obligation, …)",
                edge_label(g, e),
                purpose.id
            ),
        )
        .with("basis", basis.map(|b| b.as_str())),
    );
}

fn consent(g: &FlowGraph, e: &Edge, out: &mut Vec<Finding>) {
    let all = g.fields(e);
    super::processing_consent(g, e, Regime::Pipl, &CONSENT, out);
    let sensitive = if e.sensitive() { sensitive_fields(g, e) } else { Vec::new() };
    if !sensitive.is_empty() && !covered(g, e, Regime::Pipl, Requirement::Sensitive, &sensitive) {
        out.push(
            edge_finding(
                g,
                e,
                &SENSITIVE,
                format_args!(
                    "{} carries sensitive PI ({}) on consent with no separate consent for `sensitive` covering it: obtain 单独同意 and reference it",
                    edge_label(g, e),
                    list(&field_ids(g, &sensitive))
                ),
            )
            .with("fields", field_ids(g, &sensitive)),
        );
    }
    if e.children() && !covered(g, e, Regime::Pipl, Requirement::Children, all) {
        let groups: Vec<String> = g
            .subjects_in(e.provenance)
            .filter(|&s| g.inv.subjects[s as usize].children)
            .map(|s| g.inv.subjects[s as usize].id.clone())
            .collect();
        out.push(
            edge_finding(
                g,
                e,
                &MINOR,
                format_args!(
                    "{} carries data of children ({}) on consent with no guardian consent for `children`: obtain a parent's or guardian's consent",
                    edge_label(g, e),
                    list(&groups)
                ),
            )
            .with("subjects", groups),
        );
    }
}

fn transfer(g: &FlowGraph, e: &Edge, basis: Option<Basis>, out: &mut Vec<Finding>) {
    let Some(party) = g.party(e.to) else { return };
    match e.kind {
        FlowKind::Entrust if party.contract.is_none() => out.push(edge_finding(
            g,
            e,
            &CONTRACT,
            format_args!(
                "{} entrusts processing to `{}` ({}), which has no `contract`: sign an entrustment agreement and record it",
                edge_label(g, e),
                party.id,
                party.name
            ),
        )),
        FlowKind::Onward => {
            let from = g.party(e.from);
            if let Some(p) = from.filter(|p| p.role == Role::Processor)
                && !p.subprocessors.iter().any(|s| *s == party.id)
            {
                out.push(
                    edge_finding(
                        g,
                        e,
                        &SUBENTRUST,
                        format_args!(
                            "{}: processor `{}` passes data to `{}`, which is not among its authorised `subprocessors`: authorise it or stop the flow",
                            edge_label(g, e),
                            p.id,
                            party.id
                        ),
                    )
                    .with("subprocessors", p.subprocessors.iter().map(|n| n.as_str()).collect::<Vec<_>>()),
                );
            }
        }
        FlowKind::Provide if basis == Some(Basis::Consent)
            && !covered(g, e, Regime::Pipl, Requirement::Provide, g.fields(e)) => {
                out.push(edge_finding(
                    g,
                    e,
                    &PROVIDE,
                    format_args!(
                        "{} provides PI to handler `{}` ({}) on consent with no separate consent for `provide` covering this recipient",
                        edge_label(g, e),
                        party.id,
                        party.name
                    ),
                ));
            }
        FlowKind::Disclose => {
            let lawful = matches!(
                basis,
                Some(Basis::LegalObligation | Basis::PublicTask | Basis::NewsReporting | Basis::PublicInformation)
            );
            if !lawful && !covered(g, e, Regime::Pipl, Requirement::Disclose, g.fields(e)) {
                out.push(edge_finding(
                    g,
                    e,
                    &DISCLOSE,
                    format_args!(
                        "{} makes PI public with no separate consent for `disclose` and no legal duty to publish",
                        edge_label(g, e)
                    ),
                ));
            }
        }
        _ => {}
    }
}

/// The mechanism a PIPL export needs (CAC Provisions 2024).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TierKind {
    None,
    Contract,
    Assessment,
}

impl TierKind {
    /// The mechanisms that meet this tier, in a finding's or a trace's words.
    fn needs(self) -> &'static str {
        match self {
            TierKind::Assessment => "a CAC security assessment",
            _ => "a filed standard contract, a certification or a security assessment",
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            TierKind::None => "none",
            TierKind::Contract => "standard-contract",
            TierKind::Assessment => "security-assessment",
        }
    }
}

/// Why an export flow needs no mechanism whatever the volumes (Art. 5(1)-(3)): the reason's key
/// in findings' data.
fn basis_exemption(basis: Option<Basis>) -> Option<&'static str> {
    match basis {
        Some(Basis::Contract) => Some(CONTRACT_EXEMPTION),
        Some(Basis::VitalInterests) => Some(EMERGENCY_EXEMPTION),
        _ => None,
    }
}

const CONTRACT_EXEMPTION: &str = "Art. 5(1)/(2)";
const EMERGENCY_EXEMPTION: &str = "Art. 5(3)";
const VOLUME_EXEMPTION: &str = "Art. 5(4)";

/// What an exemption's key means, for messages.
fn exemption_text(key: &str) -> &'static str {
    match key {
        CONTRACT_EXEMPTION => "necessary for a contract with the individual or cross-border HR management",
        EMERGENCY_EXEMPTION => "an emergency to protect life, health or property",
        _ => "fewer than 100,000 individuals' non-sensitive PI and no sensitive PI leave CN this year",
    }
}

/// The fields of an edge that are important data (重要数据): they need a security assessment
/// whatever the volume and basis.
fn important_fields(g: &FlowGraph, e: &Edge) -> Vec<u32> {
    g.fields(e).iter().copied().filter(|&f| g.inv.fields[f as usize].important).collect()
}

/// The organization's export arithmetic: N, S and the tier they give.
#[derive(Debug, Clone)]
pub struct Tier {
    pub n: u64,
    pub s: u64,
    pub ciio: bool,
    pub kind: TierKind,
    /// Export flows exempt by basis, by reason (important data is never exempt).
    pub exempt: BTreeMap<&'static str, usize>,
    /// The edges exempt by each basis reason, and the counted edges that carry no important
    /// data (exempt under Art. 5(4) when the tier is none), an sdk's first edge standing for it.
    exempt_edges: BTreeMap<&'static str, Vec<u32>>,
    counted_edges: Vec<u32>,
    /// Counted flows that declare no volume and carry a subject group without one (or none):
    /// N and S are then lower bounds.
    pub unknown_volume: usize,
    /// Per provenance set: some group in it has no volume (or it names none).
    unknown_sets: Vec<bool>,
    /// S was raised to 1: sensitive PI leaves, but no volume says how many people.
    pub s_floor: bool,
    /// The arithmetic in words and as data, made once: every export flow's finding repeats it.
    text: String,
    summary: serde_json::Value,
    data: serde_json::Value,
}

impl Tier {
    pub fn count(g: &FlowGraph) -> Tier {
        let inv = g.inv;
        let (mut n_explicit, mut s_explicit) = (0u64, 0u64);
        // Exempt flows by reason: two reasons at most, counted in place (a map entry per flow would
        // cost more than the rest of the count).
        let mut exempt_by: Vec<(&'static str, Vec<u32>)> = Vec::new();
        let mut counted_edges: Vec<u32> = Vec::new();
        let mut unknown_volume = 0;
        let mut any_sensitive = false;
        let mut seen_sdk: BTreeSet<u32> = BTreeSet::new();
        // A subject group counts once however many flows export it, so flows without a volume
        // only mark their provenance set (a few dozen sets for a million flows) as exported with
        // non-sensitive and with sensitive fields; the groups are gathered from the sets after.
        const EXPORTED: u8 = 1;
        const NON_SENSITIVE: u8 = 2;
        const SENSITIVE: u8 = 4;
        let mut exported = vec![0u8; g.subject_sets.len()];
        let set_facts: Vec<(bool, bool)> = (0..g.subject_sets.len() as u32)
            .map(|set| {
                let mut groups = g.subjects_in(set).map(|s| &inv.subjects[s as usize]).peekable();
                let some = groups.peek().is_some();
                // Unknown when no group is named or any group's volume is absent: absent is
                // unknown, never zero, so the set's head-count is only a lower bound.
                let (mut only_children, mut unknown) = (some, !some);
                for s in groups {
                    only_children &= s.children;
                    unknown |= s.volume.is_none();
                }
                (only_children, unknown)
            })
            .collect();
        let mut seen_exempt_sdk: BTreeSet<u32> = BTreeSet::new();
        for (index, e) in g.edges.iter().enumerate().filter(|(_, e)| e.regimes().pipl && e.cn_export()) {
            let important = g.fields(e).iter().any(|&f| inv.fields[f as usize].important);
            if let Some(reason) = basis_exemption(basis(g, e, Regime::Pipl)) {
                // Its people are not counted, as its basis says; but important data is never
                // exempt (it needs an assessment of its own), so it is not listed as exempt.
                let first = match e.origin() {
                    Origin::Sdk(i) => seen_exempt_sdk.insert(i),
                    Origin::Flow(_) => true,
                };
                if !important && first {
                    match exempt_by.iter_mut().find(|(r, _)| *r == reason) {
                        Some((_, edges)) => edges.push(index as u32),
                        None => exempt_by.push((reason, vec![index as u32])),
                    }
                }
                continue;
            }
            let non_sensitive = g.fields(e).iter().any(|&f| !g.field_facts[f as usize].sensitive);
            let sensitive = e.sensitive() || e.children();
            any_sensitive |= sensitive;
            let volume = match e.origin() {
                Origin::Flow(i) => inv.flows[i as usize].volume,
                Origin::Sdk(i) => {
                    // One sdk in several systems exports the same people once.
                    if !seen_sdk.insert(i) {
                        continue;
                    }
                    None
                }
            };
            if !important {
                counted_edges.push(index as u32);
            }
            let (only_children, unknown) = set_facts[e.provenance as usize];
            match volume {
                Some(v) => {
                    // Volumes are declared figures: add them without overflow, whatever their size.
                    if non_sensitive && !only_children {
                        n_explicit = n_explicit.saturating_add(v);
                    }
                    if sensitive {
                        s_explicit = s_explicit.saturating_add(v);
                    }
                }
                None => {
                    if unknown {
                        unknown_volume += 1;
                    }
                    // Exported at all: children's groups count as sensitive whatever the fields.
                    let mark = &mut exported[e.provenance as usize];
                    *mark |= EXPORTED;
                    if non_sensitive {
                        *mark |= NON_SENSITIVE;
                    }
                    if e.sensitive() {
                        *mark |= SENSITIVE;
                    }
                }
            }
        }
        let exempt: BTreeMap<&'static str, usize> = exempt_by.iter().map(|(r, edges)| (*r, edges.len())).collect();
        let exempt_edges: BTreeMap<&'static str, Vec<u32>> = exempt_by.into_iter().collect();
        let mut n_groups: BTreeSet<u32> = BTreeSet::new();
        let mut s_groups: BTreeSet<u32> = BTreeSet::new();
        for (set, &mark) in exported.iter().enumerate().filter(|&(_, &mark)| mark != 0) {
            for s in g.subjects_in(set as u32) {
                if inv.subjects[s as usize].children {
                    s_groups.insert(s);
                    continue;
                }
                if mark & NON_SENSITIVE != 0 {
                    n_groups.insert(s);
                }
                if mark & SENSITIVE != 0 {
                    s_groups.insert(s);
                }
            }
        }
        let group_sum = |set: &BTreeSet<u32>| {
            set.iter().fold(0u64, |sum, &s| sum.saturating_add(inv.subjects[s as usize].volume.unwrap_or(0)))
        };
        let n = n_explicit.saturating_add(group_sum(&n_groups));
        let mut s = s_explicit.saturating_add(group_sum(&s_groups));
        let s_floor = any_sensitive && s == 0;
        if s_floor {
            s = 1;
        }
        let ciio = inv.organization.is_ciio();
        let kind = if ciio || n >= 1_000_000 || s >= 10_000 {
            TierKind::Assessment
        } else if n >= 100_000 || s >= 1 {
            TierKind::Contract
        } else {
            TierKind::None
        };
        let unknown_sets = set_facts.iter().map(|&(_, unknown)| unknown).collect();
        let mut tier = Tier {
            unknown_sets,
            n,
            s,
            ciio,
            kind,
            exempt,
            exempt_edges,
            counted_edges,
            unknown_volume,
            s_floor,
            text: String::new(),
            summary: serde_json::Value::Null,
            data: serde_json::Value::Null,
        };
        tier.text = tier.explain();
        tier.summary = tier.summary();
        tier.data = tier.data();
        tier
    }

    /// How many export flows (an sdk once) are counted in N and S: neither exempt by their basis
    /// nor carrying important data.
    pub fn counted(&self) -> usize {
        self.counted_edges.len()
    }

    fn article(&self) -> &'static str {
        match self.kind {
            TierKind::Assessment => "CAC Provisions 2024 Art. 7",
            TierKind::Contract => "CAC Provisions 2024 Art. 8",
            TierKind::None => "CAC Provisions 2024 Art. 5(4)",
        }
    }

    fn explain(&self) -> String {
        let why = match self.kind {
            TierKind::Assessment if self.ciio => "the organization is a CIIO".to_owned(),
            TierKind::Assessment if self.n >= 1_000_000 => "N ≥ 1,000,000".to_owned(),
            TierKind::Assessment => "S ≥ 10,000".to_owned(),
            TierKind::Contract if self.n >= 100_000 => "N ≥ 100,000".to_owned(),
            TierKind::Contract => "S ≥ 1".to_owned(),
            TierKind::None => "N < 100,000 and S = 0".to_owned(),
        };
        let (unknown, eq) = match self.unknown_volume {
            0 => (String::new(), "="),
            1 => (" (1 export flow carries people whose number is not declared, so N and S are lower bounds: declare `volume` to settle the tier)".to_owned(), "≥"),
            n => (format!(" ({n} export flows carry people whose number is not declared, so N and S are lower bounds: declare `volume` to settle the tier)"), "≥"),
        };
        let why = if self.kind == TierKind::None && self.unknown_volume > 0 {
            "the known figures reach no threshold, but the tier cannot be decided".to_owned()
        } else {
            why
        };
        format!(
            "N {eq} {} individuals' non-sensitive PI and S {eq} {} individuals' sensitive PI leave CN this year{}{unknown}; {why}, so the tier is {} ({})",
            group_digits(self.n),
            group_digits(self.s),
            if self.s_floor { " (S counted as 1: sensitive PI leaves with no declared volume)" } else { "" },
            self.kind.as_str(),
            self.article()
        )
    }

    fn data(&self) -> serde_json::Value {
        json!({
            "N": self.n,
            "S": self.s,
            "ciio": self.ciio,
            "tier": self.kind.as_str(),
            "article": self.article(),
            "exemptions": self.exempt,
            "flows_without_volume": self.unknown_volume,
            "lower_bounds": self.unknown_volume > 0,
            "s_counted_as_one": self.s_floor,
        })
    }

    /// The figures a per-flow note needs (the full arithmetic is on `pipl-38-mechanism`).
    fn summary(&self) -> serde_json::Value {
        json!({"N": self.n, "S": self.s, "tier": self.kind.as_str(), "flows_without_volume": self.unknown_volume})
    }

    fn sufficient(&self, k: MechanismKind) -> bool {
        match self.kind {
            TierKind::Assessment => k == MechanismKind::CnSecurityAssessment,
            _ => is_cn_kind(k),
        }
    }
}

/// 1234567 → "1,234,567", as a DPO writes figures.
fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn export(
    g: &FlowGraph,
    ctx: &Context,
    facts: &Facts,
    e: &Edge,
    basis: Option<Basis>,
    tier: &Tier,
    out: &mut Vec<Finding>,
) {
    let dest = g.node_id(e.to);
    // Written into messages as it is; made into text only for a finding's data.
    let dest_country = Slashed(g.node_countries(e.to));
    // Art. 41 comes before any mechanism: no mechanism makes this lawful.
    if let Some(p) = g.party(e.to)
        && p.role == Role::Authority
    {
        out.push(
            edge_finding(
                g,
                e,
                &FOREIGN_AUTHORITY,
                format_args!(
                    "{} gives PI to the foreign authority `{}` ({dest_country}) without approval of the competent Chinese authorities",
                    edge_label(g, e),
                    p.id
                ),
            )
            .with("country", dest_country.to_string()),
        );
    }
    if let Some(p) = g.party(e.to)
        && p.contact.is_none()
    {
        out.push(Finding::new(
            &CROSS_BORDER_RECIPIENT,
            &p.id,
            p.loc,
            format!(
                "party `{}` ({}, {}) receives PI from China but has no `contact`: individuals must be told how to reach it",
                p.id, p.name, p.country
            ),
        ));
    }
    if basis == Some(Basis::Consent) && !covered(g, e, Regime::Pipl, Requirement::CrossBorder, g.fields(e)) {
        out.push(
            edge_finding(
                g,
                e,
                &CROSS_BORDER_CONSENT,
                format_args!(
                    "{} sends PI from CN to `{dest}` ({dest_country}) on consent with no separate consent for `cross-border` covering this recipient",
                    edge_label(g, e)
                ),
            )
            .with("country", dest_country.to_string()),
        );
    }
    let important = important_fields(g, e);
    if !important.is_empty() {
        important_data(g, ctx, facts, e, tier, &important, out);
    }
    if basis_exemption(basis).is_some() {
        // Exempt by its basis (Art. 5(1)-(3)): the organization's note lists it.
        return;
    }
    // Absent is unknown, never zero: a flow whose people are not all counted cannot be cleared.
    let volume_unknown = match e.origin() {
        Origin::Flow(i) => g.inv.flows[i as usize].volume.is_none(),
        Origin::Sdk(_) => true,
    } && tier.unknown_sets[e.provenance as usize];
    if volume_unknown {
        out.push(
            edge_finding(
                g,
                e,
                &VOLUME_UNKNOWN,
                format_args!(
                    "{} leaves CN for {dest_country} carrying people whose number is not declared (no `volume` on the flow or a subject group): {}",
                    edge_label(g, e),
                    tier.text
                ),
            )
            .with("tier", tier.summary.clone()),
        );
    }
    if !important.is_empty() || tier.kind == TierKind::None {
        // Important data was judged above, whatever the tier; below the thresholds nothing is
        // needed (the organization's note says so once, when every number is known).
        return;
    }
    let candidates = facts.mechanisms_for(g, e);
    let ok = candidates.iter().any(|m| valid(m, ctx.as_of) && tier.sufficient(m.kind));
    if ok {
        return;
    }
    let why = insufficient(&candidates, ctx, |k| tier.sufficient(k));
    let needed = tier.kind.needs();
    let mut f = edge_finding(
        g,
        e,
        &MECHANISM,
        format_args!(
            "{} exports PI to `{dest}` ({dest_country}) and needs {needed}: {}. {}",
            edge_label(g, e),
            tier.text,
            if why.is_empty() { "No mechanism covers this destination".to_owned() } else { why.join("; ") }
        ),
    )
    .with("reason", "tier")
    .with("tier", tier.data.clone())
    .with("country", dest_country.to_string());
    f.data.insert("mechanisms", json!(candidates.iter().map(|m| m.id.clone()).collect::<Vec<_>>()));
    out.push(f);
}

/// Why each candidate mechanism does not serve: expired, or of a kind `enough` rejects.
fn insufficient(
    candidates: &[&crate::model::Mechanism],
    ctx: &Context,
    enough: impl Fn(MechanismKind) -> bool,
) -> Vec<String> {
    let mut why = Vec::new();
    for m in candidates {
        if !valid(m, ctx.as_of) {
            why.push(format!("`{}` expired on {}", m.id, m.valid_until.map(|d| d.to_string()).unwrap_or_default()));
        } else if !enough(m.kind) {
            why.push(format!("`{}` is a {}, not enough for this export", m.id, m.kind.as_str()));
        }
    }
    why
}

/// Important data leaving CN needs a valid security assessment covering its destination, whatever
/// N and S and whatever its basis (Provisions Art. 2, 7; Network Data Security Management
/// Regulations Art. 37); certification is closed to it (CAC/SAMR Order 20).
fn important_data(
    g: &FlowGraph,
    ctx: &Context,
    facts: &Facts,
    e: &Edge,
    tier: &Tier,
    important: &[u32],
    out: &mut Vec<Finding>,
) {
    let candidates = facts.mechanisms_for(g, e);
    let assessed = |k: MechanismKind| k == MechanismKind::CnSecurityAssessment;
    if candidates.iter().any(|m| valid(m, ctx.as_of) && assessed(m.kind)) {
        return;
    }
    let why = insufficient(&candidates, ctx, assessed);
    let dest = g.node_id(e.to);
    let dest_country = Slashed(g.node_countries(e.to));
    let fields = field_ids(g, important);
    let mut f = edge_finding(
        g,
        e,
        &MECHANISM,
        format_args!(
            "{} exports important data ({}) to `{dest}` ({dest_country}) and needs a CAC security assessment covering this destination, whatever the volume and basis (CAC Provisions 2024 Art. 7; Network Data Security Management Regulations Art. 37). {}",
            edge_label(g, e),
            list(&fields),
            if why.is_empty() { "No mechanism covers this destination".to_owned() } else { why.join("; ") }
        ),
    )
    .with("reason", "important-data")
    .with("fields", fields)
    .with("tier", tier.data.clone())
    .with("country", dest_country.to_string());
    f.data.insert("mechanisms", json!(candidates.iter().map(|m| m.id.clone()).collect::<Vec<_>>()));
    out.push(f);
}

/// The one `pipl-38-exempt` note of the organization: the exports that need no mechanism, by
/// reason. Only when every counted volume is known: an exemption never rests on a missing number.
pub fn exemptions(g: &FlowGraph, tier: &Tier, out: &mut Vec<Finding>) {
    if tier.unknown_volume > 0 {
        return;
    }
    let mut by_reason: BTreeMap<&'static str, Vec<&str>> = BTreeMap::new();
    for (&reason, edges) in &tier.exempt_edges {
        by_reason.insert(reason, edges.iter().map(|&e| g.edge_target(&g.edges[e as usize])).collect());
    }
    if tier.kind == TierKind::None && !tier.counted_edges.is_empty() {
        let edges = tier.counted_edges.iter().map(|&e| g.edge_target(&g.edges[e as usize])).collect();
        by_reason.insert(VOLUME_EXEMPTION, edges);
    }
    // By id, not by declaration order: the note is the same however the inventory is ordered.
    for targets in by_reason.values_mut() {
        targets.sort_unstable();
        targets.dedup();
    }
    if by_reason.is_empty() {
        return;
    }
    let org = &g.inv.organization;
    let total: usize = by_reason.values().map(Vec::len).sum();
    let mut parts = Vec::new();
    for (reason, targets) in &by_reason {
        // The message names a few; `data` has them all.
        let shown: Vec<String> = targets.iter().take(5).map(|t| t.to_string()).collect();
        let more = if targets.len() > shown.len() {
            format!(" and {} more", targets.len() - shown.len())
        } else {
            String::new()
        };
        parts.push(format!("{} under {reason} ({}): {}{more}", targets.len(), exemption_text(reason), list(&shown)));
    }
    let counts: BTreeMap<&str, usize> = by_reason.iter().map(|(r, t)| (*r, t.len())).collect();
    // Art. 5(4) is open only to handlers that are not CIIOs: an unstated status is an assumption.
    let assumption = if by_reason.contains_key(VOLUME_EXEMPTION) && org.ciio.is_none() {
        " (Art. 5(4) assumes the organization is not a CIIO: `ciio` is not stated)"
    } else {
        ""
    };
    out.push(
        Finding::new(
            &EXEMPT,
            &org.id,
            org.loc,
            format!(
                "{total} export flow{} from CN need{} no mechanism (N = {}, S = {}, tier {}): {}{assumption}. Check that each exemption really applies",
                if total == 1 { "" } else { "s" },
                if total == 1 { "s" } else { "" },
                group_digits(tier.n),
                group_digits(tier.s),
                tier.kind.as_str(),
                parts.join("; ")
            ),
        )
        .with("ciio", json!(org.ciio))
        .with("N", tier.n)
        .with("S", tier.s)
        .with("tier", tier.kind.as_str())
        .with("exempt", json!(counts))
        .with("flows", json!(by_reason)),
    );
}

/// Countries as `CN/DE`, written where they are needed without building the text first (a
/// hundred thousand export flows each name their destination's).
struct Slashed<'a>(&'a [String]);

impl std::fmt::Display for Slashed<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, c) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            f.write_str(c)?;
        }
        Ok(())
    }
}

/// Individuals counted against one of the organization's thresholds: the sum of the known
/// volumes, and the groups whose volume is unknown (so the sum is only a lower bound).
struct HeadCount {
    known: u64,
    unknown: Vec<String>,
}

impl HeadCount {
    fn of<'a>(groups: impl Iterator<Item = &'a crate::model::Subject>) -> HeadCount {
        let (mut known, mut unknown) = (0u64, Vec::new());
        for s in groups {
            match s.volume {
                Some(v) => known = known.saturating_add(v),
                None => unknown.push(s.id.clone()),
            }
        }
        HeadCount { known, unknown }
    }
}

/// A duty of the organization that a head-count sets off.
struct Duty<'c> {
    rule: &'static Rule,
    count: &'c HeadCount,
    /// The known volumes already reach the threshold.
    reached: bool,
    /// The duty's other condition holds (no officer, no filing, no recent audit).
    owed: bool,
    /// The threshold, as messages name it.
    what: &'static str,
}

/// An organization threshold rule: fires with the rule's severity when the known volumes already
/// reach the threshold and the duty is owed; when they do not and some volume is unknown, a note
/// with the same code says the threshold could not be decided — never silence resting on a
/// missing number.
fn threshold(g: &FlowGraph, duty: Duty<'_>, fired: std::fmt::Arguments<'_>, out: &mut Vec<Finding>) {
    let Duty { rule, count, reached, owed, what } = duty;
    if !owed {
        return;
    }
    let org = &g.inv.organization;
    if reached {
        out.push(
            Finding::new(rule, &org.id, org.loc, fired.to_string())
                .with("individuals", count.known)
                .with("decided", json!(true)),
        );
    } else if !count.unknown.is_empty() {
        let mut f = Finding::new(
            rule,
            &org.id,
            org.loc,
            format!(
                "`{}`: the known volumes give {} individuals, below {what}, but {} declare{} no `volume`: whether the threshold is reached cannot be decided; declare the volumes",
                org.id,
                group_digits(count.known),
                list(&count.unknown),
                if count.unknown.len() == 1 { "s" } else { "" }
            ),
        )
        .with("individuals", count.known)
        .with("lower_bound", json!(true))
        .with("decided", json!(false))
        .with("groups_without_volume", count.unknown.clone());
        f.severity = Severity::Note;
        out.push(f);
    }
}

/// The first day an absent `last_audit` is late: two years after the Audit Measures took effect.
const FIRST_AUDIT_DUE: crate::model::Date = crate::model::Date { year: 2027, month: 5, day: 1 };

fn organization(g: &FlowGraph, ctx: &Context, out: &mut Vec<Finding>) {
    use crate::model::FilingKind;
    let inv = g.inv;
    if !g.edges.iter().any(|e| e.regimes().pipl) {
        return;
    }
    let org = &inv.organization;
    let all = HeadCount::of(inv.subjects.iter());
    // Art. 12 of the Measures says 100万人以上, and 以上 includes the number itself.
    let million = all.known >= 1_000_000;
    threshold(
        g,
        Duty { rule: &OFFICER, count: &all, reached: million, owed: org.officer.is_none(), what: "1,000,000" },
        format_args!(
            "`{}` handles PI of {} individuals (sum of subject volumes), 1,000,000 or more, and names no `officer`: appoint a PI protection officer and file them with the city-level CAC",
            org.id,
            group_digits(all.known)
        ),
        out,
    );
    threshold(
        g,
        Duty {
            rule: &OFFICER_FILING,
            count: &all,
            reached: million,
            owed: org.officer.is_some() && !org.has_filing(FilingKind::Officer),
            what: "1,000,000",
        },
        format_args!(
            "`{}` handles PI of {} individuals (sum of subject volumes), 1,000,000 or more, and records no `filings` entry of kind `officer`: report the officer to the city-level CAC within 30 working days and record the filing",
            org.id,
            group_digits(all.known)
        ),
        out,
    );
    // Art. 4 of the Audit Measures says 超过1000万人: more than, so 10,000,000 itself is not.
    let (stale, audit_state) = match org.last_audit {
        Some(d) if d.add_years(2) < ctx.as_of => {
            (true, format!("its last audit ({d}) is more than two years before {}", ctx.as_of))
        }
        Some(_) => (false, String::new()),
        None if ctx.as_of >= FIRST_AUDIT_DUE => {
            (true, format!("it records no `last_audit`, and the first two-year cycle ended on {FIRST_AUDIT_DUE}"))
        }
        None => (false, String::new()),
    };
    threshold(
        g,
        Duty { rule: &AUDIT, count: &all, reached: all.known > 10_000_000, owed: stale, what: "more than 10,000,000" },
        format_args!(
            "`{}` handles PI of {} individuals (sum of subject volumes), more than 10,000,000, and {audit_state}: carry out a PI protection compliance audit and record `last_audit`",
            org.id,
            group_digits(all.known)
        ),
        out,
    );
    let face = face_stored(g);
    if !face.is_empty() {
        let count = HeadCount::of(face.iter().map(|&s| &inv.subjects[s as usize]));
        let groups: Vec<String> = face.iter().map(|&s| inv.subjects[s as usize].id.clone()).collect();
        threshold(
            g,
            Duty {
                rule: &FACE_FILING,
                count: &count,
                reached: count.known >= 100_000,
                owed: !org.has_filing(FilingKind::FaceRecognition),
                what: "100,000",
            },
            format_args!(
                "`{}` stores face data of {} individuals ({}), 100,000 or more, and records no `filings` entry of kind `face-recognition`: file with the provincial-level CAC within 30 working days and record the filing",
                org.id,
                group_digits(count.known),
                list(&groups)
            ),
            out,
        );
    }
    let cn_subjects = inv.subjects.iter().any(|s| s.country.contains("CN"));
    if org.country != "CN" && cn_subjects && org.representative.is_none() {
        out.push(Finding::new(
            &REPRESENTATIVE,
            &org.id,
            org.loc,
            format!(
                "`{}` is in {} and handles PI of people in China, but names no `representative` in China",
                org.id, org.country
            ),
        ));
    }
}

/// The subject groups whose face data (`biometric.face`) reaches the organization's own systems
/// or its processors along PIPL flows, in index order. Face data is followed on its own (not by
/// each flow's provenance, which merges all its fields): a group counts when a path of flows that
/// carry face data leads from it (or from a flow that names it in `subjects`) to such a node.
fn face_stored(g: &FlowGraph) -> Vec<u32> {
    use crate::graph::Node;
    let inv = g.inv;
    let is_face: Vec<bool> = inv.fields.iter().map(|f| f.category == "biometric.face").collect();
    let face_edges: Vec<&Edge> =
        g.edges.iter().filter(|e| e.regimes().pipl && g.fields(e).iter().any(|&f| is_face[f as usize])).collect();
    if face_edges.is_empty() {
        return Vec::new();
    }
    let words = inv.subjects.len().div_ceil(64).max(1);
    let nodes = g.graph.node_count();
    let mut reach = vec![0u64; nodes * words];
    let mut out_edges: Vec<Vec<usize>> = vec![Vec::new(); nodes];
    for (i, e) in face_edges.iter().enumerate() {
        out_edges[e.from.index()].push(i);
    }
    // What an edge carries: its source's groups, the source itself when it is a group, and the
    // groups the flow names.
    let carried = |e: &Edge, reach: &[u64]| -> Vec<u64> {
        let n = e.from.index();
        let mut bits = reach[n * words..(n + 1) * words].to_vec();
        if let Node::Subject(s) = g.graph[e.from] {
            bits[s as usize / 64] |= 1 << (s % 64);
        }
        if let Origin::Flow(i) = e.origin() {
            for id in &inv.flows[i as usize].subjects {
                if let Some(idx) = g.node_of(id)
                    && let Node::Subject(s) = g.graph[idx]
                {
                    bits[s as usize / 64] |= 1 << (s % 64);
                }
            }
        }
        bits
    };
    // Propagate to a fixed point; sets only grow, so this ends.
    let mut queue: Vec<usize> = (0..nodes).filter(|&n| !out_edges[n].is_empty()).collect();
    let mut queued = vec![false; nodes];
    for &n in &queue {
        queued[n] = true;
    }
    while let Some(n) = queue.pop() {
        queued[n] = false;
        for &i in &out_edges[n] {
            let e = face_edges[i];
            let bits = carried(e, &reach);
            let to = e.to.index();
            let mut grew = false;
            for (w, b) in bits.into_iter().enumerate() {
                let slot = &mut reach[to * words + w];
                grew |= *slot | b != *slot;
                *slot |= b;
            }
            if grew && !queued[to] && !out_edges[to].is_empty() {
                queued[to] = true;
                queue.push(to);
            }
        }
    }
    let mut stored = vec![0u64; words];
    for e in &face_edges {
        let keeps = match g.graph[e.to] {
            Node::System(_) => true,
            Node::Party(p) => inv.parties[p as usize].role == Role::Processor,
            Node::Subject(_) => false,
        };
        if keeps {
            for (w, b) in carried(e, &reach).into_iter().enumerate() {
                stored[w] |= b;
            }
        }
    }
    (0..inv.subjects.len() as u32).filter(|&s| stored[s as usize / 64] >> (s % 64) & 1 == 1).collect()
}

/// What calls for a PI protection impact assessment (Art. 55), in the order findings name them
/// (alphabetical); a purpose's reasons are a bit set over these.
const ASSESSMENT_REASONS: [&str; 7] = [
    "an embedded third-party sdk (Art. 55(3))",
    "children's PI (Art. 28, 55(1))",
    "entrusted processing (Art. 55(3))",
    "export from China (Art. 55(4))",
    "provision to another handler (Art. 55(3))",
    "public disclosure (Art. 55(3))",
    "sensitive PI (Art. 55(1))",
];

fn assessment(g: &FlowGraph, out: &mut Vec<Finding>) {
    let [sdk, children, entrust, export, provide, disclose, sensitive]: [u8; 7] = std::array::from_fn(|i| 1 << i);
    let inv = g.inv;
    let mut reasons: Vec<u8> = vec![0; inv.purposes.len()];
    let mut under: Vec<bool> = vec![false; inv.purposes.len()];
    for e in g.edges.iter().filter(|e| e.regimes().pipl) {
        let r = &mut reasons[e.purpose as usize];
        under[e.purpose as usize] = true;
        if e.sensitive() {
            *r |= sensitive;
        }
        if e.children() {
            *r |= children;
        }
        *r |= match (e.origin(), e.kind) {
            (Origin::Sdk(_), _) => sdk,
            (_, FlowKind::Entrust) => entrust,
            (_, FlowKind::Provide) => provide,
            (_, FlowKind::Disclose) => disclose,
            _ => 0,
        };
        if e.cn_export() {
            *r |= export;
        }
    }
    for (i, p) in inv.purposes.iter().enumerate() {
        if !under[i] || p.assessment.is_some() {
            continue;
        }
        let mut why: Vec<&str> =
            ASSESSMENT_REASONS.iter().enumerate().filter(|&(b, _)| reasons[i] >> b & 1 == 1).map(|(_, r)| *r).collect();
        if p.automated_decision {
            why.push("automated decision-making (Art. 55(2))");
        }
        if why.is_empty() {
            continue;
        }
        out.push(
            Finding::new(
                &ASSESSMENT,
                &p.id,
                p.loc,
                format!(
                    "purpose `{}` ({}) involves {} but records no PI protection impact assessment: carry one out and set `assessment`",
                    p.id,
                    p.name,
                    why.join(", ")
                ),
            )
            .with("triggers", why.iter().map(|s| s.to_string()).collect::<Vec<_>>()),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
        assert_eq!(group_digits(1234567), "1,234,567");
    }

    #[test]
    fn assessment_reasons_are_named_in_order() {
        // Findings list a purpose's reasons in this order; it must stay the sorted one.
        assert!(ASSESSMENT_REASONS.is_sorted());
    }
}

/// What one export flow needs under the CAC Provisions 2024, as `trace` shows it on the hop:
/// the per-flow reading of the organization's arithmetic (the rules report it once per
/// organization, in `pipl-38-exempt`, and per flow only where something is missing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportNeed {
    /// Important data: a security assessment, whatever the volume and basis.
    ImportantData,
    /// Exempt by its basis (Art. 5(1)-(3)), which rests on no number.
    ExemptByBasis { article: &'static str, why: &'static str },
    /// Below every threshold with every volume known (Art. 5(4), the organization's exemption).
    BelowThresholds { n: u64, s: u64, ciio_assumed: bool },
    /// The known figures reach no threshold but some are missing: no exemption is decided.
    NotDecided { n: u64, s: u64, flows_without_volume: usize },
    /// The organization's tier needs a mechanism; `lower_bounds` when it may need more.
    Mechanism { tier: TierKind, article: &'static str, lower_bounds: bool },
}

impl ExportNeed {
    /// The status's key in JSON.
    pub fn key(&self) -> &'static str {
        match self {
            ExportNeed::ImportantData => "important-data",
            ExportNeed::ExemptByBasis { .. } => "exempt-by-basis",
            ExportNeed::BelowThresholds { .. } => "below-thresholds",
            ExportNeed::NotDecided { .. } => "not-decided",
            ExportNeed::Mechanism { .. } => "mechanism-needed",
        }
    }

    /// One line for a reader.
    pub fn text(&self) -> String {
        match self {
            ExportNeed::ImportantData => {
                "carries important data: needs a CAC security assessment whatever the volume and basis (CAC Provisions 2024 Art. 7)".to_owned()
            }
            ExportNeed::ExemptByBasis { article, why } => {
                format!("no mechanism needed under {article} ({why}), whatever the volume: check that it really applies")
            }
            ExportNeed::BelowThresholds { n, s, ciio_assumed } => format!(
                "no mechanism needed under {VOLUME_EXEMPTION}: N = {}, S = {} for the organization, below every threshold (pipl-38-exempt){}",
                group_digits(*n),
                group_digits(*s),
                if *ciio_assumed { "; assumes the organization is not a CIIO (`ciio` not stated)" } else { "" }
            ),
            ExportNeed::NotDecided { n, s, flows_without_volume } => format!(
                "not decided: N ≥ {}, S ≥ {} reach no threshold, but {flows_without_volume} export flow{} carr{} people whose number is not declared; no exemption until `volume` is declared (pipl-38-volume-unknown)",
                group_digits(*n),
                group_digits(*s),
                if *flows_without_volume == 1 { "" } else { "s" },
                if *flows_without_volume == 1 { "ies" } else { "y" },
            ),
            ExportNeed::Mechanism { tier, article, lower_bounds } => format!(
                "the organization's tier is {}{} ({article}): needs {}",
                if *lower_bounds { "at least " } else { "" },
                tier.as_str(),
                tier.needs()
            ),
        }
    }

    pub fn to_json(&self) -> serde_json::Value {
        let mut v = json!({"status": self.key(), "text": self.text()});
        let extra = match self {
            ExportNeed::ImportantData => json!({"article": "CAC Provisions 2024 Art. 7"}),
            ExportNeed::ExemptByBasis { article, .. } => json!({"article": article}),
            ExportNeed::BelowThresholds { n, s, ciio_assumed } => {
                json!({"article": VOLUME_EXEMPTION, "N": n, "S": s, "ciio_assumed": ciio_assumed})
            }
            ExportNeed::NotDecided { n, s, flows_without_volume } => {
                json!({"N": n, "S": s, "lower_bounds": true, "flows_without_volume": flows_without_volume})
            }
            ExportNeed::Mechanism { tier, article, lower_bounds } => {
                json!({"tier": tier.as_str(), "article": article, "lower_bounds": lower_bounds})
            }
        };
        if let (Some(v), serde_json::Value::Object(extra)) = (v.as_object_mut(), extra) {
            v.extend(extra);
        }
        v
    }
}

/// What the PIPL export `e` needs, read from the organization's `tier`. `None` unless `e` is a
/// PIPL flow leaving CN. An exemption is only stated when it rests on no missing number.
pub fn export_need(g: &FlowGraph, tier: &Tier, e: &Edge) -> Option<ExportNeed> {
    if !(e.regimes().pipl && e.cn_export()) {
        return None;
    }
    if !important_fields(g, e).is_empty() {
        return Some(ExportNeed::ImportantData);
    }
    if let Some(article) = basis_exemption(basis(g, e, Regime::Pipl)) {
        return Some(ExportNeed::ExemptByBasis { article, why: exemption_text(article) });
    }
    Some(match tier.kind {
        TierKind::None if tier.unknown_volume > 0 => {
            ExportNeed::NotDecided { n: tier.n, s: tier.s, flows_without_volume: tier.unknown_volume }
        }
        TierKind::None => {
            ExportNeed::BelowThresholds { n: tier.n, s: tier.s, ciio_assumed: g.inv.organization.ciio.is_none() }
        }
        kind => ExportNeed::Mechanism {
            tier: kind,
            article: tier.article(),
            lower_bounds: tier.unknown_volume > 0 && kind != TierKind::Assessment,
        },
    })
}
