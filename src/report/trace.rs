//! `piflow trace FIELD`: where one field goes, as a hop tree. Starting where it is collected
//! (or first appears), every system and party it reaches is listed once, in the order reached,
//! with the flow that first brings the field there, and under it every flow that carries the
//! field on: kind, purpose, legal basis per regime, border crossings and the findings on it. A
//! hop leaving CN also says what it needs under the CAC Provisions 2024, read from the
//! organization's count (the rules note an exemption once per organization, so the trace is
//! where a reader sees it per flow): never an exemption that rests on a missing volume.
//!
//! Each node and each flow appears once, so the output is linear in the graph: listing every
//! path instead would be exponential on rings and cliques (a ring of 2,000 systems with one
//! chord each has more paths than can be written). Any path can be read back by following the
//! "from" of each node.

use crate::finding::Finding;
use crate::graph::{Edge, FlowGraph, Node, Origin};
use crate::model::{Date, Regime, taxonomy};
use crate::rules;
use crate::rules::pipl::{self, ExportNeed, Tier};
use crate::source::escape::sanitize;
use petgraph::graph::NodeIndex;
use rustc_hash::FxHashMap;
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::ops::Range;

/// How the field first reaches a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// A subject group: the field is collected from it.
    Collected,
    /// Nothing brings the field to this system or party, yet it sends it on.
    FromNowhere,
    /// Only on a cycle of flows that nothing outside it feeds (each of its nodes has the field
    /// from another of them): the first of its nodes, in declaration order.
    Cycle,
    /// By this edge, from an earlier node.
    Hop(u32),
}

/// A node the field reaches.
#[derive(Debug, Clone)]
pub struct Reached {
    pub node: NodeIndex,
    pub reach: Reach,
    /// Hops from its start (0 for a start).
    pub step: u32,
    /// Its flows carrying the field on: a range of [`Trace::hops`].
    pub hops: Range<u32>,
}

/// The hop tree of one field.
pub struct Trace<'g, 'a> {
    pub g: &'g FlowGraph<'a>,
    pub field: u32,
    /// Every node the field reaches, each once, in the order reached (breadth first).
    pub nodes: Vec<Reached>,
    /// Edges carrying the field, grouped by source in the order of `nodes`, each once.
    pub hops: Vec<u32>,
}

/// The hop tree of `field`: breadth first from the subject groups it is collected from, then
/// from the nodes nothing brings it to, then from any cycle nothing feeds.
pub fn trace<'g, 'a>(g: &'g FlowGraph<'a>, field: u32) -> Trace<'g, 'a> {
    let n_nodes = g.graph.node_count();
    let mut out: Vec<Vec<u32>> = vec![Vec::new(); n_nodes];
    let mut has_in = vec![false; n_nodes];
    for (e, edge) in g.edges.iter().enumerate() {
        if g.fields(edge).contains(&field) {
            out[edge.from.index()].push(e as u32);
            has_in[edge.to.index()] = true;
        }
    }
    let sends = |n: usize| !out[n].is_empty();
    let subjects = (0..n_nodes).filter(|&n| sends(n) && matches!(g.graph[NodeIndex::new(n)], Node::Subject(_)));
    let nowhere =
        (0..n_nodes).filter(|&n| sends(n) && !has_in[n] && !matches!(g.graph[NodeIndex::new(n)], Node::Subject(_)));
    let starts: Vec<(usize, Reach)> =
        subjects.map(|n| (n, Reach::Collected)).chain(nowhere.map(|n| (n, Reach::FromNowhere))).collect();

    let mut seen = vec![false; n_nodes];
    let mut nodes: Vec<Reached> = Vec::new();
    let mut hops = Vec::new();
    breadth_first(g, &out, &mut seen, &mut nodes, &mut hops, &starts);
    for n in 0..n_nodes {
        if sends(n) && !seen[n] {
            breadth_first(g, &out, &mut seen, &mut nodes, &mut hops, &[(n, Reach::Cycle)]);
        }
    }
    Trace { g, field, nodes, hops }
}

/// Add `roots` and every node they reach, breadth first; `nodes` is the queue.
fn breadth_first(
    g: &FlowGraph,
    out: &[Vec<u32>],
    seen: &mut [bool],
    nodes: &mut Vec<Reached>,
    hops: &mut Vec<u32>,
    roots: &[(usize, Reach)],
) {
    let mut next = nodes.len();
    for &(n, reach) in roots {
        if !std::mem::replace(&mut seen[n], true) {
            nodes.push(Reached { node: NodeIndex::new(n), reach, step: 0, hops: 0..0 });
        }
    }
    while next < nodes.len() {
        let (n, step) = (nodes[next].node.index(), nodes[next].step);
        let start = hops.len() as u32;
        for &e in &out[n] {
            hops.push(e);
            let to = g.edges[e as usize].to.index();
            if !std::mem::replace(&mut seen[to], true) {
                nodes.push(Reached { node: NodeIndex::new(to), reach: Reach::Hop(e), step: step + 1, hops: 0..0 });
            }
        }
        nodes[next].hops = start..hops.len() as u32;
        next += 1;
    }
}

/// Unwaived findings by target, looked up per hop (not a scan of all findings per hop).
fn findings_by_target(findings: &[Finding]) -> FxHashMap<&str, Vec<&Finding>> {
    let mut by: FxHashMap<&str, Vec<&Finding>> = FxHashMap::default();
    for f in findings.iter().filter(|f| !f.waived) {
        by.entry(&*f.target).or_default().push(f);
    }
    by
}

fn regimes(e: &Edge) -> Vec<Regime> {
    Regime::ALL.into_iter().filter(|&r| e.regimes().has(r)).collect()
}

fn kind_of(g: &FlowGraph, n: NodeIndex) -> &'static str {
    match g.graph[n] {
        Node::Subject(_) => "subject",
        Node::System(_) => "system",
        Node::Party(_) => "party",
    }
}

impl Trace<'_, '_> {
    fn hops_of(&self, r: &Reached) -> &[u32] {
        &self.hops[r.hops.start as usize..r.hops.end as usize]
    }

    /// The organization's export arithmetic, counted once and only when a hop leaves CN under
    /// PIPL: a hop's exemption is the organization's (`pipl-38-exempt` is one note), so the
    /// trace reads it per hop from the same count the rules use.
    fn tier(&self) -> Option<Tier> {
        let g = self.g;
        let exports = self.hops.iter().any(|&e| {
            let edge = &g.edges[e as usize];
            edge.regimes().pipl && edge.cn_export()
        });
        exports.then(|| Tier::count(g))
    }
}

/// What a hop leaving CN needs, or why it needs nothing.
fn export_need(g: &FlowGraph, tier: Option<&Tier>, edge: &Edge) -> Option<ExportNeed> {
    tier.and_then(|tier| pipl::export_need(g, tier, edge))
}

pub fn to_json(t: &Trace, findings: &[Finding], as_of: Date) -> serde_json::Result<String> {
    let g = t.g;
    let by_target = findings_by_target(findings);
    let tier = t.tier();
    let field = &g.inv.fields[t.field as usize];
    let cat = taxonomy::category(&field.category);
    let nodes: Vec<Value> = t
        .nodes
        .iter()
        .map(|r| {
            let reached = match r.reach {
                Reach::Collected => json!({"how": "collected"}),
                Reach::FromNowhere => json!({"how": "from-nowhere"}),
                Reach::Cycle => json!({"how": "cycle"}),
                Reach::Hop(e) => {
                    let edge = &g.edges[e as usize];
                    json!({"how": "flow", "flow": g.edge_target(edge), "from": g.node_id(edge.from)})
                }
            };
            json!({
                "id": g.node_id(r.node),
                "name": g.node_name(r.node),
                "kind": kind_of(g, r.node),
                "country": g.node_countries(r.node),
                "step": r.step,
                "reached": reached,
                "final": r.hops.is_empty(),
            })
        })
        .collect();
    let hops: Vec<Value> = t
        .hops
        .iter()
        .map(|&e| {
            let edge = &g.edges[e as usize];
            let purpose = &g.inv.purposes[edge.purpose as usize];
            let basis: serde_json::Map<String, Value> = regimes(edge)
                .into_iter()
                .map(|r| (r.as_str().to_owned(), json!(rules::basis(g, edge, r).map(|b| b.as_str()))))
                .collect();
            let fs: Vec<Value> = by_target
                .get(g.edge_target(edge))
                .into_iter()
                .flatten()
                .map(|f| json!({"code": f.code, "severity": f.severity, "regime": f.regime, "message": f.message}))
                .collect();
            json!({
                "flow": g.edge_target(edge),
                "sdk": matches!(edge.origin(), Origin::Sdk(_)),
                "from": g.node_id(edge.from),
                "to": g.node_id(edge.to),
                "kind": edge.kind.as_str(),
                "purpose": {"id": purpose.id, "name": purpose.name},
                "regimes": regimes(edge),
                "basis": basis,
                "cn_export": edge.cn_export(),
                "cn_export_needs": export_need(g, tier.as_ref(), edge).map(|n| n.to_json()),
                "eea_transfer": edge.eea_transfer(),
                "findings": fs,
            })
        })
        .collect();
    let v = json!({
        "piflow": 1,
        "as_of": as_of.to_string(),
        "field": {
            "id": field.id,
            "name": field.name,
            "category": field.category,
            "category_zh": cat.map(|c| c.zh),
            "category_en": cat.map(|c| c.en),
            "sensitive": field.is_sensitive(),
            "special": field.is_special(),
        },
        "nodes": nodes,
        "hops": hops,
    });
    let mut s = serde_json::to_string_pretty(&v)?;
    s.push('\n');
    Ok(s)
}

fn node_text(g: &FlowGraph, n: NodeIndex) -> String {
    format!("{} [{}]", sanitize(g.node_id(n)), g.node_countries(n).join(", "))
}

pub fn to_human(t: &Trace, findings: &[Finding], as_of: Date) -> String {
    let g = t.g;
    let by_target = findings_by_target(findings);
    let tier = t.tier();
    let field = &g.inv.fields[t.field as usize];
    let cat =
        taxonomy::category(&field.category).map_or_else(|| field.category.clone(), |c| format!("{} / {}", c.zh, c.en));
    let mut s = String::new();
    let _ = writeln!(
        s,
        "field `{}` — {} ({}; {}{}), as of {as_of}",
        sanitize(&field.id),
        sanitize(&field.name),
        sanitize(&cat),
        if field.is_sensitive() { "sensitive" } else { "not sensitive" },
        if field.is_special() { ", GDPR special category" } else { "" }
    );
    if t.nodes.is_empty() {
        let _ = writeln!(s, "\nno flow carries this field");
        return s;
    }
    for r in &t.nodes {
        let how = match r.reach {
            Reach::Collected => "collected from this subject group".to_owned(),
            Reach::FromNowhere => "holds it though no flow brings it here".to_owned(),
            Reach::Cycle => "on a cycle of flows that nothing else feeds".to_owned(),
            Reach::Hop(e) => {
                let edge = &g.edges[e as usize];
                format!(
                    "step {}, first from {} by `{}`",
                    r.step,
                    sanitize(g.node_id(edge.from)),
                    sanitize(g.edge_target(edge))
                )
            }
        };
        let end = if r.hops.is_empty() { "; final destination" } else { "" };
        let _ = writeln!(s, "\n{} — {how}{end}", node_text(g, r.node));
        for &e in t.hops_of(r) {
            let edge = &g.edges[e as usize];
            let purpose = &g.inv.purposes[edge.purpose as usize];
            let basis: Vec<String> = regimes(edge)
                .into_iter()
                .map(|r| format!("{r}: {}", rules::basis(g, edge, r).map_or("none", |b| b.as_str())))
                .collect();
            let mut border = Vec::new();
            if edge.cn_export() {
                border.push("leaves CN (PIPL export)");
            }
            if edge.eea_transfer() {
                border.push("leaves the EEA (GDPR transfer)");
            }
            let _ = writeln!(
                s,
                "  → {}  {}  `{}`  purpose `{}` ({})",
                node_text(g, edge.to),
                if matches!(edge.origin(), Origin::Sdk(_)) { "sdk" } else { edge.kind.as_str() },
                sanitize(g.edge_target(edge)),
                sanitize(&purpose.id),
                sanitize(&purpose.name),
            );
            let _ = writeln!(
                s,
                "     basis {}{}",
                if basis.is_empty() { "—".to_owned() } else { basis.join(", ") },
                if border.is_empty() { String::new() } else { format!("; {}", border.join(", ")) }
            );
            if let Some(need) = export_need(g, tier.as_ref(), edge) {
                let _ = writeln!(s, "     PIPL export: {}", need.text());
            }
            for f in by_target.get(g.edge_target(edge)).into_iter().flatten() {
                let _ = writeln!(s, "     {} {}: {}", f.severity, f.code, sanitize(&f.message));
            }
        }
    }
    let finals: Vec<String> = t.nodes.iter().filter(|r| r.hops.is_empty()).map(|r| node_text(g, r.node)).collect();
    let plural = |n: usize, one: &'static str, many: &'static str| if n == 1 { one } else { many };
    let _ = writeln!(
        s,
        "\n{} node{} reached by {} flow{}; final destination{}: {}",
        t.nodes.len(),
        plural(t.nodes.len(), "", "s"),
        t.hops.len(),
        plural(t.hops.len(), "", "s"),
        plural(finals.len(), "", "s"),
        if finals.is_empty() { "none (every node passes it on)".to_owned() } else { finals.join(", ") }
    );
    s
}
