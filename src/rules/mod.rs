//! The rules: one module per family, one function per code. Each turns the graph into findings;
//! none formats output. Shared legal mechanics (effective basis, consent coverage, mechanism
//! coverage) live here so every rule reads them the same way.

pub mod catalogue;
pub mod declared;
pub mod explain;
pub mod gdpr;
pub mod integrity;
pub mod necessary;
pub mod notice;
pub mod pipl;

use crate::finding::{self, Data, Finding, Rule, finalize};
use crate::graph::{Edge, FlowGraph, Origin};
use crate::model::{Basis, Consent, ConsentKind, Date, Loc, Mechanism, MechanismKind, Regime, Requirement};
use crate::parallel;
use rustc_hash::FxHashMap;

/// What a check run is told from outside the inventory.
#[derive(Debug, Clone)]
pub struct Context {
    /// The day validity and expiry are judged on.
    pub as_of: Date,
    /// Countries to treat as adequate instead of the built-in list (`--adequate`).
    pub adequate: Option<Vec<String>>,
    /// Judge only this regime (`--regime`).
    pub only: Option<Regime>,
}

impl Default for Context {
    fn default() -> Self {
        Context { as_of: Date::today(), adequate: None, only: None }
    }
}

impl Context {
    pub fn judges(&self, r: Regime) -> bool {
        self.only.is_none_or(|o| o == r)
    }
}

/// Every rule of the catalogue, in code order within each family.
pub fn catalogue() -> impl Iterator<Item = &'static Rule> {
    catalogue::CATALOGUE.iter().copied()
}

pub fn rule(code: &str) -> Option<&'static Rule> {
    catalogue().find(|r| r.code == code)
}

/// All codes a waiver may name.
pub fn codes() -> Vec<&'static str> {
    catalogue().map(|r| r.code).collect()
}

/// Run every rule over the graph; findings come back waived, deduplicated and sorted.
pub fn check(g: &FlowGraph, ctx: &Context) -> Vec<Finding> {
    check_with(g, ctx, None)
}

/// [`check`], and with `observed` (from `piflow scan`) the declared-vs-observed rules too.
pub fn check_with(g: &FlowGraph, ctx: &Context, observed: Option<&crate::scan::Evidence>) -> Vec<Finding> {
    let facts = Facts::new(g);
    let (pipl, gdpr) = (ctx.judges(Regime::Pipl), ctx.judges(Regime::Gdpr));
    // Edges are judged one by one, independently: they are shared out in equal runs, one per
    // core. Findings are sorted afterwards, so the result does not depend on the split.
    let per_edge = |tier: &Option<pipl::Tier>, edges: &[Edge]| {
        let mut out = Vec::new();
        for e in edges {
            if let Some(tier) = tier {
                pipl::edge(g, ctx, &facts, tier, e, &mut out);
            }
            if gdpr {
                gdpr::edge(g, ctx, &facts, e, &mut out);
            }
        }
        out
    };
    // Whole-inventory rules run beside the CAC tier count and the edge runs; the edges are cut
    // finer than one run per core so that the core that takes them can still share in the edges.
    let whole = || {
        let mut out = Vec::new();
        integrity::check(g, ctx, &mut out);
        if pipl {
            pipl::global(g, &mut out);
        }
        if gdpr {
            gdpr::global(g, &mut out);
        }
        if let Some(ev) = observed {
            declared::check(g, ctx, ev, &mut out);
        }
        out
    };
    let runs: Vec<&[Edge]> = parallel::runs_of(g.edges.len(), 4).into_iter().map(|r| &g.edges[r]).collect();
    let edges = || {
        // The tier (a sum over every exported flow) is needed by every edge that leaves CN.
        let tier = pipl.then(|| pipl::Tier::count(g));
        parallel::in_parallel(runs, |run| per_edge(&tier, run))
    };
    let (per_run, mut whole) = parallel::join(edges, whole);
    let all: usize = per_run.iter().map(Vec::len).sum::<usize>() + whole.len();
    // Room for the expired waivers too, so the list is not copied again to grow.
    let mut out = Vec::with_capacity(all + g.inv.waivers.len());
    // Moved, not `concat`-ed: concatenating clones every finding (strings and data) once more.
    for mut run in per_run {
        out.append(&mut run);
    }
    out.append(&mut whole);
    finalize(out, g.inv, ctx.as_of, &integrity::WAIVER_EXPIRED)
}

/// Indexes the rules share, built once per run.
pub struct Facts<'a> {
    /// Mechanisms by destination country and by recipient id.
    mech_by_country: FxHashMap<&'a str, Vec<u32>>,
    mech_by_recipient: FxHashMap<&'a str, Vec<u32>>,
}

impl<'a> Facts<'a> {
    pub fn new(g: &FlowGraph<'a>) -> Facts<'a> {
        let mut mech_by_country: FxHashMap<&str, Vec<u32>> = FxHashMap::default();
        let mut mech_by_recipient: FxHashMap<&str, Vec<u32>> = FxHashMap::default();
        for (i, m) in g.inv.mechanisms.iter().enumerate() {
            for c in &m.to {
                mech_by_country.entry(c).or_default().push(i as u32);
            }
            for r in &m.recipients {
                mech_by_recipient.entry(r).or_default().push(i as u32);
            }
        }
        Facts { mech_by_country, mech_by_recipient }
    }

    /// Mechanisms that cover an edge's destination: named on the flow or sdk (and not limited
    /// to other countries or recipients), or declared for its country or recipient.
    pub fn mechanisms_for(&self, g: &FlowGraph<'a>, e: &Edge) -> Vec<&'a Mechanism> {
        let inv = g.inv;
        let dest_id = g.node_id(e.to);
        let dest_countries = g.node_countries(e.to);
        let is_party = g.party(e.to).is_some();
        let covers = |m: &Mechanism| {
            (m.to.is_empty() && m.recipients.is_empty())
                || m.to.iter().any(|c| dest_countries.contains(c))
                || (is_party && m.recipients.iter().any(|r| r == dest_id))
        };
        let mut ids: Vec<u32> = Vec::new();
        if let Some(m) = g.edge_mechanism(e)
            && covers(&inv.mechanisms[m as usize])
        {
            ids.push(m);
        }
        for c in dest_countries {
            ids.extend(self.mech_by_country.get(c.as_str()).into_iter().flatten());
        }
        if is_party {
            ids.extend(self.mech_by_recipient.get(dest_id).into_iter().flatten());
        }
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter().map(|m| &inv.mechanisms[m as usize]).collect()
    }
}

/// A mechanism counts only until its `valid_until` (none = valid).
pub fn valid(m: &Mechanism, as_of: Date) -> bool {
    m.valid_until.is_none_or(|d| d >= as_of)
}

pub fn is_cn_kind(k: MechanismKind) -> bool {
    matches!(
        k,
        MechanismKind::CnSecurityAssessment | MechanismKind::CnStandardContract | MechanismKind::CnCertification
    )
}

/// The effective basis of an edge under a regime: the flow's own, else its purpose's.
pub fn basis(g: &FlowGraph, e: &Edge, regime: Regime) -> Option<Basis> {
    let purpose = &g.inv.purposes[e.purpose as usize];
    match e.origin() {
        Origin::Flow(i) => g.inv.flows[i as usize].basis_for(purpose, regime),
        Origin::Sdk(_) => purpose.basis.for_regime(regime),
    }
}

/// Which consent kinds meet a requirement (inventory.md, "Kinds each requirement accepts").
pub fn accepts(kind: ConsentKind, req: Requirement, regime: Regime) -> bool {
    use ConsentKind::*;
    match (req, regime) {
        (Requirement::Processing, _) => true,
        (Requirement::Children, _) => kind == Guardian,
        (Requirement::Sensitive | Requirement::CrossBorder, Regime::Gdpr) => kind == Explicit,
        _ => matches!(kind, Separate | Explicit | Guardian),
    }
}

/// Whether the consents listed on the edge, its purpose or its sdk meet `req` for every field in
/// `about` (several consents may share the fields between them). `recipients` limits apply to
/// `provide`, `disclose` and `cross-border` only.
pub fn covered(g: &FlowGraph, e: &Edge, regime: Regime, req: Requirement, about: &[u32]) -> bool {
    let limited = matches!(req, Requirement::Provide | Requirement::Disclose | Requirement::CrossBorder);
    // Recipients are interned names: compared with the destination's by address.
    let dest = g.node_name_id(e.to);
    let dest_is_party = g.party(e.to).is_some();
    let qualifies = |c: &Consent| {
        accepts(c.kind, req, regime)
            && c.covers.contains(&req)
            && (!limited || c.recipients.is_empty() || (dest_is_party && c.recipients.contains(&dest)))
    };
    let consents = || g.edge_consent_indices(e).filter(|&c| qualifies(&g.inv.consents[c as usize]));
    // Checked for every consent-based flow: answer without allocating, and at once when a
    // qualifying consent has no field limit.
    let mut any = false;
    for c in consents() {
        if g.inv.consents[c as usize].fields.is_empty() {
            return true;
        }
        any = true;
    }
    any && about.iter().all(|&f| consents().any(|c| g.consent_fields(c).binary_search(&f).is_ok()))
}

/// The consent rule both regimes share (PIPL Art. 14, GDPR Art. 7): a consent-based flow needs a
/// consent for `processing` covering all its fields.
pub fn processing_consent(g: &FlowGraph, e: &Edge, regime: Regime, rule: &Rule, out: &mut Vec<Finding>) {
    let all = g.fields(e);
    if !covered(g, e, regime, Requirement::Processing, all) {
        out.push(
            edge_finding(
                g,
                e,
                rule,
                format_args!(
                    "{} relies on consent, but no consent for `processing` covers {}: declare the consent and reference it",
                    edge_label(g, e),
                    list(&field_ids(g, all))
                ),
            )
            .with("fields", field_ids(g, all)),
        );
    }
}

/// The fields of an edge that are PIPL-sensitive.
pub fn sensitive_fields(g: &FlowGraph, e: &Edge) -> Vec<u32> {
    g.fields(e).iter().copied().filter(|&f| g.field_facts[f as usize].sensitive).collect()
}

/// The ids of some fields, for messages and `data`.
pub fn field_ids(g: &FlowGraph, fields: &[u32]) -> Vec<String> {
    fields.iter().map(|&f| g.inv.fields[f as usize].id.clone()).collect()
}

/// `a`, `b` and `c` as inline code.
pub fn list(ids: &[String]) -> String {
    let quoted: Vec<String> = ids.iter().map(|s| format!("`{s}`")).collect();
    match quoted.len() {
        0 => String::new(),
        1 => quoted[0].clone(),
        n => format!("{} and {}", quoted[..n - 1].join(", "), quoted[n - 1]),
    }
}

/// Where an edge was declared.
pub fn edge_loc(g: &FlowGraph, e: &Edge) -> Loc {
    match e.origin() {
        Origin::Flow(i) => g.inv.flows[i as usize].loc,
        Origin::Sdk(i) => g.inv.sdks[i as usize].loc,
    }
}

/// "flow `x` (a → b)" or "sdk `x` (in a → vendor)": how messages name an edge.
pub fn edge_label<'g>(g: &'g FlowGraph, e: &'g Edge) -> EdgeLabel<'g> {
    EdgeLabel(g, e)
}

/// How messages name an edge: written straight into the message, not built apart and copied
/// in (a hundred thousand findings name their edge).
pub struct EdgeLabel<'g>(&'g FlowGraph<'g>, &'g Edge);

impl std::fmt::Display for EdgeLabel<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let EdgeLabel(g, e) = *self;
        // Piece by piece: a large check writes this into a hundred thousand messages.
        let (from, to) = (g.node_id(e.from), g.node_id(e.to));
        let (what, between) = match e.origin() {
            Origin::Flow(_) => ("flow `", "` ("),
            Origin::Sdk(_) => ("sdk `", "` (in "),
        };
        for piece in [what, g.edge_target(e), between, from, " → ", to, ")"] {
            f.write_str(piece)?;
        }
        Ok(())
    }
}

/// A finding about an edge, with the edge's common figures in `data`.
pub fn edge_finding(g: &FlowGraph, e: &Edge, rule: &Rule, message: std::fmt::Arguments<'_>) -> Finding {
    let mut finding = Finding::with_message(rule, g.edge_target(e), edge_loc(g, e), finding::message(message));
    // The edge's three figures and the rule's one or two.
    finding.data = Data::with_capacity(5);
    finding.with("from", g.node_name_id(e.from)).with("to", g.node_name_id(e.to)).with("kind", e.kind.as_str())
}
