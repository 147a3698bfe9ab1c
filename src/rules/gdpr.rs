//! GDPR — Regulation (EU) 2016/679.

pub use super::catalogue::gdpr::*;
use super::{Context, Facts, basis, covered, edge_finding, edge_label, field_ids, list, valid};
use crate::finding::Finding;
use crate::graph::{Edge, FlowGraph, FlowKind};
use crate::model::{Basis, MechanismKind, Regime, Requirement, Role, adequacy};
use std::collections::BTreeSet;

/// The rules about one edge (the caller shares the edges out among threads).
pub fn edge(g: &FlowGraph, ctx: &Context, facts: &Facts, e: &Edge, out: &mut Vec<Finding>) {
    if !e.regimes().gdpr {
        return;
    }
    let basis = basis(g, e, Regime::Gdpr);
    lawful_basis(g, e, basis, out);
    if basis == Some(Basis::Consent) {
        consent(g, e, out);
    }
    special(g, e, out);
    processor(g, e, out);
    if e.eea_transfer() {
        transfer(g, ctx, facts, e, basis, out);
    }
}

/// The rules about the inventory as a whole.
pub fn global(g: &FlowGraph, out: &mut Vec<Finding>) {
    organization(g, out);
    assessment(g, out);
}

fn lawful_basis(g: &FlowGraph, e: &Edge, basis: Option<Basis>, out: &mut Vec<Finding>) {
    let problem = match basis {
        None => "has no GDPR basis".to_owned(),
        Some(b @ (Basis::NewsReporting | Basis::PublicInformation | Basis::OtherLaw)) => {
            format!("relies on `{}`, which is not an Art. 6(1) basis", b.as_str())
        }
        Some(_) => return,
    };
    out.push(
        edge_finding(g, e, &BASIS, format_args!("{} {problem}: give it an Art. 6(1) basis", edge_label(g, e)))
            .with("basis", basis.map(|b| b.as_str())),
    );
}

fn consent(g: &FlowGraph, e: &Edge, out: &mut Vec<Finding>) {
    let all = g.fields(e);
    super::processing_consent(g, e, Regime::Gdpr, &CONSENT, out);
    if e.children() && !covered(g, e, Regime::Gdpr, Requirement::Children, all) {
        out.push(edge_finding(
            g,
            e,
            &CHILD,
            format_args!(
                "{} carries children's data on consent with no guardian consent for `children`",
                edge_label(g, e)
            ),
        ));
    }
}

fn special(g: &FlowGraph, e: &Edge, out: &mut Vec<Finding>) {
    if e.criminal() {
        let ids: Vec<String> = g
            .fields(e)
            .iter()
            .filter(|&&f| g.field_facts[f as usize].criminal)
            .map(|&f| g.inv.fields[f as usize].id.clone())
            .collect();
        out.push(
            edge_finding(
                g,
                e,
                &CRIMINAL,
                format_args!(
                    "{} carries criminal-offence data ({}): only under official authority or a law",
                    edge_label(g, e),
                    list(&ids)
                ),
            )
            .with("fields", ids),
        );
    }
    if !e.special() {
        return;
    }
    let special: Vec<u32> = g.fields(e).iter().copied().filter(|&f| g.field_facts[f as usize].special).collect();
    let ids = field_ids(g, &special);
    let purpose = &g.inv.purposes[e.purpose as usize];
    let problem = match purpose.special_condition.as_deref() {
        None => format!("and purpose `{}` states no `special_condition` (Art. 9(2) letter)", purpose.id),
        Some("a") if !covered(g, e, Regime::Gdpr, Requirement::Sensitive, &special) => {
            "under Art. 9(2)(a), with no explicit consent for `sensitive` covering them".to_owned()
        }
        Some(_) => return,
    };
    out.push(
        edge_finding(
            g,
            e,
            &SPECIAL,
            format_args!("{} carries special-category data ({}) {problem}", edge_label(g, e), list(&ids)),
        )
        .with("fields", ids)
        .with("special_condition", purpose.special_condition.clone()),
    );
}

fn processor(g: &FlowGraph, e: &Edge, out: &mut Vec<Finding>) {
    let Some(party) = g.party(e.to) else { return };
    match e.kind {
        FlowKind::Entrust if party.contract.is_none() => out.push(edge_finding(
            g,
            e,
            &CONTRACT,
            format_args!("{}: processor `{}` ({}) has no Art. 28 `contract`", edge_label(g, e), party.id, party.name),
        )),
        FlowKind::Onward => {
            if let Some(p) = g.party(e.from).filter(|p| p.role == Role::Processor)
                && !p.subprocessors.iter().any(|s| *s == party.id)
            {
                out.push(
                    edge_finding(
                        g,
                        e,
                        &SUBPROCESSOR,
                        format_args!(
                            "{}: processor `{}` engages `{}`, which is not among its authorised `subprocessors`",
                            edge_label(g, e),
                            p.id,
                            party.id
                        ),
                    )
                    .with("subprocessors", p.subprocessors.iter().map(|n| n.as_str()).collect::<Vec<_>>()),
                );
            }
        }
        _ => {}
    }
}

/// Whether the destination party's country is adequate for it.
fn adequate(ctx: &Context, country: &str, certifications: &[String]) -> bool {
    match &ctx.adequate {
        Some(list) => list.iter().any(|c| c == country),
        None => adequacy(country)
            .is_some_and(|a| a.needs_certification.is_none_or(|cert| certifications.iter().any(|c| c == cert))),
    }
}

fn transfer(g: &FlowGraph, ctx: &Context, facts: &Facts, e: &Edge, basis: Option<Basis>, out: &mut Vec<Finding>) {
    let Some(party) = g.party(e.to) else { return };
    if adequate(ctx, &party.country, &party.certifications) {
        return;
    }
    let candidates = facts.mechanisms_for(g, e);
    let usable: Vec<_> = candidates
        .iter()
        .filter(|m| valid(m, ctx.as_of))
        .filter(|m| matches!(m.kind, MechanismKind::EuScc | MechanismKind::EuBcr | MechanismKind::EuDerogation))
        .collect();
    let why_us =
        if party.country == "US" { " (the US is adequate only for EU-US DPF certified recipients)" } else { "" };
    if usable.is_empty() {
        let expired: Vec<String> = candidates.iter().filter(|m| !valid(m, ctx.as_of)).map(|m| m.id.clone()).collect();
        out.push(
            edge_finding(
                g,
                e,
                &TRANSFER,
                format_args!(
                    "{} transfers personal data from the EEA to `{}` in {}{why_us}, which has no adequacy decision, and no valid SCC, BCR or derogation covers it{}",
                    edge_label(g, e),
                    party.id,
                    party.country,
                    if expired.is_empty() { String::new() } else { format!(" ({} expired)", list(&expired)) }
                ),
            )
            .with("country", party.country.clone()),
        );
        return;
    }
    let only_derogation = usable.iter().all(|m| m.kind == MechanismKind::EuDerogation);
    if only_derogation
        && basis == Some(Basis::Consent)
        && !covered(g, e, Regime::Gdpr, Requirement::CrossBorder, g.fields(e))
    {
        out.push(
            edge_finding(
                g,
                e,
                &DEROGATION,
                format_args!(
                    "{} relies on the Art. 49 derogation for `{}` ({}) on consent, with no explicit consent for `cross-border` covering this recipient",
                    edge_label(g, e),
                    party.id,
                    party.country
                ),
            )
            .with("country", party.country.clone()),
        );
    }
}

fn organization(g: &FlowGraph, out: &mut Vec<Finding>) {
    let inv = g.inv;
    if !g.edges.iter().any(|e| e.regimes().gdpr) {
        return;
    }
    let org = &inv.organization;
    let eea_subjects = inv.subjects.iter().any(|s| s.country.iter().any(crate::model::is_eea));
    if !crate::model::is_eea(&org.country) && eea_subjects && org.representative.is_none() {
        out.push(Finding::new(
            &REPRESENTATIVE,
            &org.id,
            org.loc,
            format!(
                "`{}` is in {}, outside the EEA, handles data of people in the EEA, and names no EU `representative`",
                org.id, org.country
            ),
        ));
    }
}

fn assessment(g: &FlowGraph, out: &mut Vec<Finding>) {
    let inv = g.inv;
    let mut special: Vec<BTreeSet<u32>> = vec![BTreeSet::new(); inv.purposes.len()];
    let mut under = vec![false; inv.purposes.len()];
    for e in g.edges.iter().filter(|e| e.regimes().gdpr) {
        under[e.purpose as usize] = true;
        if e.special() {
            special[e.purpose as usize]
                .extend(g.fields(e).iter().copied().filter(|&f| g.field_facts[f as usize].special));
        }
    }
    for (i, p) in inv.purposes.iter().enumerate() {
        if !under[i] || p.assessment.is_some() || (special[i].is_empty() && !p.automated_decision) {
            continue;
        }
        let fields: Vec<u32> = special[i].iter().copied().collect();
        let mut why = Vec::new();
        if !fields.is_empty() {
            why.push(format!("special-category data ({})", list(&field_ids(g, &fields))));
        }
        if p.automated_decision {
            why.push("automated decision-making".to_owned());
        }
        out.push(Finding::new(
            &ASSESSMENT,
            &p.id,
            p.loc,
            format!(
                "purpose `{}` ({}) involves {} but records no DPIA in `assessment`",
                p.id,
                p.name,
                why.join(" and ")
            ),
        ));
    }
}

/// The adequacy list the transfer rule reads, as `piflow explain gdpr-44-transfer` shows it.
pub fn adequacy_list() -> String {
    use std::fmt::Write as _;
    let mut out = format!("Adequacy list (as of {}; override with --adequate):\n", crate::model::ADEQUACY_AS_OF);
    for a in crate::model::ADEQUACY {
        let _ = writeln!(out, "  {}  {}", a.country, a.decision);
    }
    out
}
