//! GDPR — Regulation (EU) 2016/679.

use super::{Context, Facts, basis, covered, edge_finding, edge_label, field_ids, list, valid};
use crate::finding::{Finding, Rule, Severity};
use crate::graph::{Edge, FlowGraph, FlowKind};
use crate::model::{Basis, MechanismKind, Regime, Requirement, Role, adequacy};
use std::collections::BTreeSet;

const fn rule(
    code: &'static str,
    severity: Severity,
    title: &'static str,
    citation: &'static str,
    law: &'static str,
    fix: &'static str,
) -> Rule {
    Rule { code, severity, regime: Some(Regime::Gdpr), title, citation, law, fix }
}

pub const BASIS: Rule = rule(
    "gdpr-6-basis",
    Severity::Error,
    "No lawful basis the GDPR knows",
    "GDPR Art. 6(1)",
    "Processing is lawful only on one of the six bases of Art. 6(1): consent, contract, legal \
     obligation, vital interests, public task, legitimate interests. News reporting, public \
     information and 'other law' are PIPL bases, not GDPR ones.",
    "Give the purpose (or flow) a GDPR basis; where PIPL's differs, write an object per regime.",
);
pub const CONSENT: Rule = rule(
    "gdpr-7-consent",
    Severity::Error,
    "Basis is consent but no consent covers processing of the fields",
    "GDPR Art. 6(1)(a), 7",
    "Consent must be freely given, specific, informed and unambiguous, and the controller must be \
     able to demonstrate it (Art. 7(1)).",
    "Declare the consent (`for: [processing]`) with its `evidence` and reference it from the purpose or flow.",
);
pub const CHILD: Rule = rule(
    "gdpr-8-child",
    Severity::Error,
    "Children's data on consent without a guardian's consent",
    "GDPR Art. 8",
    "For information-society services offered to a child below the national age (16, or as low as \
     13), consent must be given or authorised by the holder of parental responsibility.",
    "Obtain and record a guardian's consent (`kind: guardian`, `for: [children]`).",
);
pub const SPECIAL: Rule = rule(
    "gdpr-9-special",
    Severity::Error,
    "Special-category data without an Art. 9(2) condition",
    "GDPR Art. 9(1)-(2)",
    "Processing health, biometric (for identification), genetic, racial or ethnic, political, \
     religious, union or sex-life data is prohibited unless an Art. 9(2) condition applies; under \
     condition (a) the consent must be explicit.",
    "Set the purpose's `special_condition` (an Art. 9(2) letter); under `a`, obtain an explicit \
     consent with `sensitive` covering these fields.",
);
pub const CRIMINAL: Rule = rule(
    "gdpr-10-criminal",
    Severity::Warning,
    "Criminal-offence data",
    "GDPR Art. 10",
    "Data on criminal convictions and offences may be processed only under official authority or \
     where Union or Member State law authorises it with safeguards.",
    "Record the law that authorises the processing in the purpose's description, or stop it.",
);
pub const CONTRACT: Rule = rule(
    "gdpr-28-contract",
    Severity::Error,
    "A processor with no Art. 28 contract",
    "GDPR Art. 28(3)",
    "Processing by a processor must be governed by a contract setting out its subject matter, \
     duration, nature, purpose, data, subjects and the processor's obligations.",
    "Sign a data processing agreement and record its reference in the party's `contract`.",
);
pub const SUBPROCESSOR: Rule = rule(
    "gdpr-28-subprocessor",
    Severity::Error,
    "A processor engages a sub-processor we did not authorise",
    "GDPR Art. 28(2), 28(4)",
    "A processor may not engage another processor without the controller's prior specific or \
     general written authorisation.",
    "Authorise the sub-processor in the processor's `subprocessors`, or stop the flow.",
);
pub const TRANSFER: Rule = rule(
    "gdpr-44-transfer",
    Severity::Error,
    "Transfer to a third country with no adequacy and no safeguard",
    "GDPR Art. 44-46, 49",
    "Personal data may leave the EEA only to a country with an adequacy decision (Art. 45; for the \
     US, only to organisations certified under the EU-US Data Privacy Framework), under appropriate \
     safeguards such as SCCs or BCRs (Art. 46-47), or under an Art. 49 derogation.",
    "Put SCCs (`eu-scc`) or BCRs (`eu-bcr`) in place for this recipient and record them under \
     `mechanisms`, or rely on a documented Art. 49 derogation.",
);
pub const DEROGATION: Rule = rule(
    "gdpr-49-derogation",
    Severity::Error,
    "Transfer on the consent derogation without explicit consent",
    "GDPR Art. 49(1)(a)",
    "The consent derogation requires the data subject's explicit consent to the proposed \
     transfer, after being informed of its risks in the absence of adequacy and safeguards.",
    "Obtain an explicit consent with `cross-border` covering this recipient, or use SCCs.",
);
pub const REPRESENTATIVE: Rule = rule(
    "gdpr-27-representative",
    Severity::Warning,
    "A controller outside the EEA with no EU representative",
    "GDPR Art. 27",
    "A controller not established in the Union that offers goods or services to, or monitors, \
     people in the Union must designate a representative in the Union (with narrow exceptions).",
    "Designate a representative in the EU and record it in `organization.representative`.",
);
pub const ASSESSMENT: Rule = rule(
    "gdpr-35-assessment",
    Severity::Warning,
    "High-risk processing with no DPIA",
    "GDPR Art. 35(1), 35(3)",
    "A data protection impact assessment is required before processing special categories on a \
     large scale or making automated decisions with legal or similarly significant effects.",
    "Carry out the DPIA and record its reference in the purpose's `assessment`.",
);

pub const RULES: &[Rule] = &[
    BASIS,
    CONSENT,
    CHILD,
    SPECIAL,
    CRIMINAL,
    REPRESENTATIVE,
    CONTRACT,
    SUBPROCESSOR,
    ASSESSMENT,
    TRANSFER,
    DEROGATION,
];

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
