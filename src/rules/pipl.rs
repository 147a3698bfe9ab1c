//! PIPL — the Personal Information Protection Law of the PRC (2021), and the CAC Provisions on
//! Promoting and Regulating Cross-Border Data Flows (in force 2024-03-22) for the export tiers.

pub use super::catalogue::pipl::*;
use super::{
    Context, Facts, basis, covered, edge_finding, edge_label, field_ids, is_cn_kind, list, sensitive_fields, valid,
};
use crate::finding::Finding;
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
pub fn global(g: &FlowGraph, out: &mut Vec<Finding>) {
    organization(g, out);
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
    fn as_str(self) -> &'static str {
        match self {
            TierKind::None => "none",
            TierKind::Contract => "standard-contract",
            TierKind::Assessment => "security-assessment",
        }
    }
}

/// Why an export flow needs no mechanism whatever the volumes (Art. 5(1)-(3)).
fn basis_exemption(basis: Option<Basis>) -> Option<&'static str> {
    match basis {
        Some(Basis::Contract) => {
            Some("Art. 5(1)/(2): necessary for a contract with the individual or cross-border HR management")
        }
        Some(Basis::VitalInterests) => Some("Art. 5(3): emergency to protect life, health or property"),
        _ => None,
    }
}

/// The organization's export arithmetic: N, S and the tier they give.
#[derive(Debug, Clone)]
pub struct Tier {
    pub n: u64,
    pub s: u64,
    pub ciio: bool,
    pub kind: TierKind,
    /// Export flows exempt by basis, by reason.
    pub exempt: BTreeMap<&'static str, usize>,
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
        let mut exempt_by: Vec<(&'static str, usize)> = Vec::new();
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
        for e in g.edges.iter().filter(|e| e.regimes().pipl && e.cn_export()) {
            if let Some(reason) = basis_exemption(basis(g, e, Regime::Pipl)) {
                match exempt_by.iter_mut().find(|(r, _)| *r == reason) {
                    Some((_, n)) => *n += 1,
                    None => exempt_by.push((reason, 1)),
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
        let exempt: BTreeMap<&'static str, usize> = exempt_by.into_iter().collect();
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
        let ciio = inv.organization.ciio;
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
    if let Some(reason) = basis_exemption(basis) {
        out.push(
            edge_finding(
                g,
                e,
                &EXEMPT,
                format_args!("{} leaves CN for {dest_country} and needs no mechanism: {reason}", edge_label(g, e)),
            )
            .with("exemption", reason),
        );
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
    if tier.kind == TierKind::None && tier.unknown_volume > 0 {
        // The Art. 5(4) exemption rests on numbers that are missing: say nothing is settled.
        return;
    }
    if tier.kind == TierKind::None {
        out.push(
            edge_finding(
                g,
                e,
                &EXEMPT,
                format_args!("{} leaves CN for {dest_country} and needs no mechanism: {}", edge_label(g, e), tier.text),
            )
            .with("exemption", "Art. 5(4)")
            .with("tier", tier.summary.clone()),
        );
        return;
    }
    let candidates = facts.mechanisms_for(g, e);
    let ok = candidates.iter().any(|m| valid(m, ctx.as_of) && tier.sufficient(m.kind));
    if ok {
        return;
    }
    let mut why = Vec::new();
    for m in &candidates {
        if !valid(m, ctx.as_of) {
            why.push(format!("`{}` expired on {}", m.id, m.valid_until.map(|d| d.to_string()).unwrap_or_default()));
        } else if !tier.sufficient(m.kind) {
            why.push(format!("`{}` is a {}, not enough for this tier", m.id, m.kind.as_str()));
        }
    }
    let needed = match tier.kind {
        TierKind::Assessment => "a CAC security assessment",
        _ => "a filed standard contract, a certification or a security assessment",
    };
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
    .with("tier", tier.data.clone())
    .with("country", dest_country.to_string());
    f.data.insert("mechanisms", json!(candidates.iter().map(|m| m.id.clone()).collect::<Vec<_>>()));
    out.push(f);
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

fn organization(g: &FlowGraph, out: &mut Vec<Finding>) {
    let inv = g.inv;
    if !g.edges.iter().any(|e| e.regimes().pipl) {
        return;
    }
    let org = &inv.organization;
    let total: u64 = inv.subjects.iter().filter_map(|s| s.volume).fold(0, u64::saturating_add);
    // Art. 12 of the Measures says 100万人以上, and 以上 includes the number itself.
    if total >= 1_000_000 && org.officer.is_none() {
        out.push(
            Finding::new(
                &OFFICER,
                &org.id,
                org.loc,
                format!(
                    "`{}` handles PI of {} individuals (sum of subject volumes), 1,000,000 or more, and names no `officer`: appoint a PI protection officer and file them with the city-level CAC",
                    org.id,
                    group_digits(total)
                ),
            )
            .with("individuals", total),
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
