//! `piflow trace FIELD`: every path one field takes, from where it is collected (or first
//! appears) to each final destination, with the countries it crosses and, on each hop, the flow
//! kind, purpose, legal basis per regime and the findings on that flow.

use crate::finding::Finding;
use crate::graph::{Edge, FlowGraph, Node};
use crate::model::{Date, Regime, taxonomy};
use crate::rules;
use crate::source::escape::sanitize;
use petgraph::graph::NodeIndex;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Paths past this many are not listed (a dense graph can have exponentially many).
pub const MAX_PATHS: usize = 10_000;

/// The paths of one field.
pub struct Trace<'g, 'a> {
    pub g: &'g FlowGraph<'a>,
    pub field: u32,
    /// Each path is a list of edge indices, first hop first.
    pub paths: Vec<Vec<u32>>,
    pub truncated: bool,
}

/// Find every path of `field`: starting at each edge that carries it out of a subject, out of a
/// party nothing brings it to, or out of a system nothing brings it to (data from nowhere), and
/// following edges that carry it until none leads on (cycles are cut where they close).
pub fn trace<'g, 'a>(g: &'g FlowGraph<'a>, field: u32) -> Trace<'g, 'a> {
    let carries: Vec<u32> =
        (0..g.edges.len() as u32).filter(|&e| g.fields(&g.edges[e as usize]).contains(&field)).collect();
    let mut out: BTreeMap<NodeIndex, Vec<u32>> = BTreeMap::new();
    let mut has_in: BTreeMap<NodeIndex, bool> = BTreeMap::new();
    for &e in &carries {
        let edge = &g.edges[e as usize];
        out.entry(edge.from).or_default().push(e);
        has_in.insert(edge.to, true);
    }
    let starts: Vec<u32> = carries
        .iter()
        .copied()
        .filter(|&e| {
            let from = g.edges[e as usize].from;
            matches!(g.graph[from], Node::Subject(_)) || !has_in.get(&from).copied().unwrap_or(false)
        })
        .collect();
    let mut paths = Vec::new();
    let mut truncated = false;
    // Iterative DFS over (edge, next child to try, whether any child was taken).
    for s in starts {
        let first = &g.edges[s as usize];
        let mut path: Vec<u32> = vec![s];
        let mut nodes: Vec<NodeIndex> = vec![first.from, first.to];
        let mut stack: Vec<(u32, usize, bool)> = vec![(s, 0, false)];
        while let Some(&(e, next, took)) = stack.last() {
            let children: &[u32] = out.get(&g.edges[e as usize].to).map_or(&[], Vec::as_slice);
            let mut k = next;
            let mut found = None;
            while k < children.len() {
                let c = children[k];
                k += 1;
                if !nodes.contains(&g.edges[c as usize].to) {
                    found = Some(c);
                    break;
                }
            }
            if let Some(top) = stack.last_mut() {
                top.1 = k;
                top.2 |= found.is_some();
            }
            if let Some(c) = found {
                stack.push((c, 0, false));
                path.push(c);
                nodes.push(g.edges[c as usize].to);
                continue;
            }
            if !took {
                if paths.len() >= MAX_PATHS {
                    truncated = true;
                    break;
                }
                paths.push(path.clone());
            }
            stack.pop();
            path.pop();
            nodes.pop();
        }
        if truncated {
            break;
        }
    }
    Trace { g, field, paths, truncated }
}

fn node_json(g: &FlowGraph, n: NodeIndex) -> Value {
    let kind = match g.graph[n] {
        Node::Subject(_) => "subject",
        Node::System(_) => "system",
        Node::Party(_) => "party",
    };
    json!({"id": g.node_id(n), "name": g.node_name(n), "kind": kind, "country": g.node_countries(n)})
}

/// Countries along a path, consecutive repeats removed.
fn countries(g: &FlowGraph, path: &[u32]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |n: NodeIndex| {
        let c = g.node_countries(n).join("+");
        if out.last() != Some(&c) {
            out.push(c);
        }
    };
    if let Some(&first) = path.first() {
        push(g.edges[first as usize].from);
    }
    for &e in path {
        push(g.edges[e as usize].to);
    }
    out
}

fn hop_findings<'f>(findings: &'f [Finding], g: &FlowGraph, e: &Edge) -> Vec<&'f Finding> {
    let target = g.edge_target(e);
    findings.iter().filter(|f| !f.waived && &*f.target == target).collect()
}

fn regimes(e: &Edge) -> Vec<Regime> {
    Regime::ALL.into_iter().filter(|&r| e.regimes().has(r)).collect()
}

pub fn to_json(t: &Trace, findings: &[Finding], as_of: Date) -> serde_json::Result<String> {
    let g = t.g;
    let field = &g.inv.fields[t.field as usize];
    let cat = taxonomy::category(&field.category);
    let paths: Vec<Value> = t
        .paths
        .iter()
        .map(|p| {
            let hops: Vec<Value> = p
                .iter()
                .map(|&e| {
                    let edge = &g.edges[e as usize];
                    let purpose = &g.inv.purposes[edge.purpose as usize];
                    let basis: serde_json::Map<String, Value> = regimes(edge)
                        .into_iter()
                        .map(|r| (r.as_str().to_owned(), json!(rules::basis(g, edge, r).map(|b| b.as_str()))))
                        .collect();
                    let fs: Vec<Value> = hop_findings(findings, g, edge)
                        .into_iter()
                        .map(|f| json!({"code": f.code, "severity": f.severity, "regime": f.regime, "message": f.message}))
                        .collect();
                    json!({
                        "flow": g.edge_target(edge),
                        "sdk": matches!(edge.origin(), crate::graph::Origin::Sdk(_)),
                        "from": node_json(g, edge.from),
                        "to": node_json(g, edge.to),
                        "kind": edge.kind.as_str(),
                        "purpose": {"id": purpose.id, "name": purpose.name},
                        "regimes": regimes(edge),
                        "basis": basis,
                        "cn_export": edge.cn_export(),
                        "eea_transfer": edge.eea_transfer(),
                        "findings": fs,
                    })
                })
                .collect();
            let last = p.last().map(|&e| g.edges[e as usize].to);
            json!({
                "destination": last.map(|n| node_json(g, n)),
                "countries": countries(g, p),
                "hops": hops,
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
        "truncated": t.truncated,
        "paths": paths,
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
    if t.paths.is_empty() {
        let _ = writeln!(s, "\nno flow carries this field");
        return s;
    }
    for (i, p) in t.paths.iter().enumerate() {
        let Some(&first) = p.first() else { continue };
        let mut chain = vec![node_text(g, g.edges[first as usize].from)];
        chain.extend(p.iter().map(|&e| node_text(g, g.edges[e as usize].to)));
        let _ = writeln!(s, "\npath {}: {}", i + 1, chain.join(" → "));
        for (h, &e) in p.iter().enumerate() {
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
                "  {}. {} → {}  {}  `{}`  purpose `{}` ({})",
                h + 1,
                sanitize(g.node_id(edge.from)),
                sanitize(g.node_id(edge.to)),
                if matches!(edge.origin(), crate::graph::Origin::Sdk(_)) { "sdk" } else { edge.kind.as_str() },
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
            for f in hop_findings(findings, g, edge) {
                let _ = writeln!(s, "     {} {}: {}", f.severity, f.code, sanitize(&f.message));
            }
        }
        let _ = writeln!(s, "  countries: {}", countries(g, p).join(" → "));
    }
    let _ = writeln!(
        s,
        "\n{} path{}{}",
        t.paths.len(),
        if t.paths.len() == 1 { "" } else { "s" },
        if t.truncated { format!(" (stopped at {MAX_PATHS})") } else { String::new() }
    );
    s
}
