//! Integrity: is the map itself complete and consistent? These rules hold under every regime.

pub use super::catalogue::integrity::*;
use super::{Context, edge_finding, edge_label, field_ids, list, valid};
use crate::finding::Finding;
use crate::graph::{FlowGraph, Node};
use petgraph::Direction;

pub fn check(g: &FlowGraph, ctx: &Context, out: &mut Vec<Finding>) {
    field_from_nowhere(g, out);
    unused_field(g, out);
    isolated_node(g, out);
    no_retention(g, out);
    mechanism_expired(g, ctx, out);
    consent_unused(g, out);
}

fn field_from_nowhere(g: &FlowGraph, out: &mut Vec<Finding>) {
    for (e, fields) in &g.from_nowhere {
        let edge = &g.edges[*e as usize];
        // Named in id order, so the message does not depend on the order of declarations.
        let mut ids = field_ids(g, fields);
        ids.sort();
        let source = g.node_id(edge.from);
        out.push(
            edge_finding(
                g,
                edge,
                &FIELD_FROM_NOWHERE,
                format_args!(
                    "{} carries {} out of `{source}`, but no flow brings {} to `{source}`: add the flow that does (e.g. from the subjects), or name `subjects` on a flow out of a party",
                    edge_label(g, edge),
                    list(&ids),
                    if ids.len() == 1 { "it" } else { "them" },
                ),
            )
            .with("fields", ids),
        );
    }
}

fn unused_field(g: &FlowGraph, out: &mut Vec<Finding>) {
    for (i, f) in g.inv.fields.iter().enumerate() {
        if !g.field_used[i] {
            out.push(Finding::new(
                &UNUSED_FIELD,
                &f.id,
                f.loc,
                format!("field `{}` ({}) is carried by no flow and no sdk: add its flows or delete it", f.id, f.name),
            ));
        }
    }
}

fn isolated_node(g: &FlowGraph, out: &mut Vec<Finding>) {
    for n in g.graph.node_indices() {
        let (kind, loc) = match g.graph[n] {
            Node::Subject(_) => continue,
            Node::System(i) => ("system", g.inv.systems[i as usize].loc),
            Node::Party(i) => ("party", g.inv.parties[i as usize].loc),
        };
        let lonely = g.graph.edges_directed(n, Direction::Incoming).next().is_none()
            && g.graph.edges_directed(n, Direction::Outgoing).next().is_none();
        if lonely {
            let id = g.node_id(n);
            out.push(Finding::new(
                &ISOLATED_NODE,
                id,
                loc,
                format!("{kind} `{id}` is in no flow and no sdk: add its flows or remove it"),
            ));
        }
    }
}

fn no_retention(g: &FlowGraph, out: &mut Vec<Finding>) {
    let inv = g.inv;
    // Purpose indices per field, a run of equal ones kept once as they come; sorted and made
    // unique at the end (a million flows name the same pairs over and over).
    let mut missing: Vec<Vec<u32>> = vec![Vec::new(); inv.fields.len()];
    for e in &g.edges {
        if inv.purposes[e.purpose as usize].retention.is_some() {
            continue;
        }
        for &f in g.fields(e) {
            let purposes = &mut missing[f as usize];
            if inv.fields[f as usize].retention.is_none() && purposes.last() != Some(&e.purpose) {
                purposes.push(e.purpose);
            }
        }
    }
    for (i, purposes) in missing.iter_mut().enumerate() {
        if purposes.is_empty() {
            continue;
        }
        purposes.sort_unstable();
        purposes.dedup();
        let f = &inv.fields[i];
        let mut ids: Vec<String> = purposes.iter().map(|&p| inv.purposes[p as usize].id.clone()).collect();
        ids.sort_unstable();
        out.push(
            Finding::new(
                &NO_RETENTION,
                &f.id,
                f.loc,
                format!(
                    "field `{}` is kept for {} with no retention period on the field or the purpose: state `retention`",
                    f.id,
                    list(&ids)
                ),
            )
            .with("purposes", ids),
        );
    }
}

fn mechanism_expired(g: &FlowGraph, ctx: &Context, out: &mut Vec<Finding>) {
    for m in &g.inv.mechanisms {
        if !valid(m, ctx.as_of) {
            let until = m.valid_until.map(|d| d.to_string()).unwrap_or_default();
            out.push(
                Finding::new(
                    &MECHANISM_EXPIRED,
                    &m.id,
                    m.loc,
                    format!(
                        "mechanism `{}` ({}) expired on {until} (as of {}); flows relying on it are judged as if it were absent: renew it",
                        m.id,
                        m.kind.as_str(),
                        ctx.as_of
                    ),
                )
                .with("valid_until", until)
                .with("as_of", ctx.as_of.to_string()),
            );
        }
    }
}

fn consent_unused(g: &FlowGraph, out: &mut Vec<Finding>) {
    let inv = g.inv;
    let mut used: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let lists = inv.purposes.iter().map(|p| &p.consents[..]);
    for l in lists.chain(inv.flows.iter().map(|f| &f.consents[..])).chain(inv.sdks.iter().map(|s| &s.consents[..])) {
        used.extend(l.iter().map(|n| n.as_str()));
    }
    for c in &inv.consents {
        if !used.contains(c.id.as_str()) {
            out.push(Finding::new(
                &CONSENT_UNUSED,
                &c.id,
                c.loc,
                format!(
                    "consent `{}` ({}) is referenced by no purpose, flow or sdk, so it covers nothing",
                    c.id, c.name
                ),
            ));
        }
    }
}
