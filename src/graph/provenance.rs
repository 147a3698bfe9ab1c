//! Provenance: whose data each edge carries. Per field, a node holds the groups whose data in
//! that field reaches it: a group's own when it is the group, and whatever the flows carrying
//! the field bring it, with any subjects those flows name. An edge carries, over its fields,
//! what its source holds of each, with the subjects it names. A flow out of a subject group that
//! names subjects carries theirs only: the account holder supplies data about other people
//! (contacts, recipients), which is not the holder's own.
//!
//! Per field this is the least fixed point of a union over the field's flows. It is computed on
//! the field's strongly connected components in topological order (every node of a cycle holds
//! the same set), so each flow is looked at a fixed number of times whatever the shape; and the
//! sets are numbers in a [`SetStore`], so passing a set of 8,000 groups along a chain copies a
//! number, not 125 words. The plain propagation this replaces is kept in the tests
//! (`tests/provenance.rs`), which compare the two on random graphs.

use super::sets::SetStore;
use super::{Explicit, FlowGraph, Node, SubjectSet};
use crate::parallel;
use petgraph::graph::NodeIndex;
use rustc_hash::FxHashMap;

pub(super) struct Provenance {
    /// Each edge's set, an index into `sets`.
    pub edge_sets: Vec<u32>,
    /// The distinct sets, numbered in order of first appearance over the edges, 0 = the empty set.
    pub sets: Vec<SubjectSet>,
    /// Edges whose source holds a field nothing brings to it: `(edge, field indices)`, sorted.
    pub from_nowhere: Vec<(u32, Vec<u32>)>,
}

/// A hop of one field: (source node, destination node, edge).
type Hop = (u32, u32, u32);

/// What the fields of one run give: the sets they made, `(edge, set)` for each hop out of a
/// node that is not a subject group, and the hops from nowhere.
struct FieldsDone {
    store: SetStore,
    hop_sets: Vec<(u32, u32)>,
    nowhere: FxHashMap<u32, Vec<u32>>,
}

const UNSEEN: u32 = u32::MAX;

/// Mark, for hops sorted by `key`, the range of each key's hops, noting the keys touched.
fn ranges(hops: &[Hop], key: fn(&Hop) -> u32, range: &mut [(u32, u32)], touched: &mut Vec<u32>) {
    let mut i = 0;
    while i < hops.len() {
        let n = key(&hops[i]);
        let j = i + hops[i..].iter().take_while(|h| key(h) == n).count();
        range[n as usize] = (i as u32, j as u32);
        touched.push(n);
        i = j;
    }
}

pub(super) fn propagate(g: &FlowGraph, explicit: &Explicit) -> Provenance {
    let inv = g.inv;
    let words = inv.subjects.len().div_ceil(64).max(1);
    let n_nodes = g.graph.node_count();
    let n_edges = g.edges.len();
    let n_fields = inv.fields.len();

    // Edges by field: an index (CSR) per run of edges, built on all cores. A field's edges are
    // its lists in the runs' order, so ascending, as one index over all edges would give. Each
    // entry is a hop, not the edge alone: the propagation reads a field's hops straight through,
    // where looking up each edge's ends would be a cache miss apiece.
    let by_run = parallel::in_parallel(parallel::runs(n_edges), |run| {
        let edges = &g.edges[run.clone()];
        let mut start = vec![0u32; n_fields + 1];
        for edge in edges {
            for &f in g.fields(edge) {
                start[f as usize + 1] += 1;
            }
        }
        for i in 0..n_fields {
            start[i + 1] += start[i];
        }
        let mut list: Vec<Hop> = vec![(0, 0, 0); start[n_fields] as usize];
        let mut fill = start.clone();
        for (e, edge) in (run.start..).zip(edges) {
            let hop = (edge.from.index() as u32, edge.to.index() as u32, e as u32);
            for &f in g.fields(edge) {
                list[fill[f as usize] as usize] = hop;
                fill[f as usize] += 1;
            }
        }
        (start, list)
    });
    let is_subject = |n: u32| matches!(g.graph[NodeIndex::new(n as usize)], Node::Subject(_));

    // Each field on its own, the fields shared out among cores.
    let fields_done = parallel::in_parallel(parallel::runs(n_fields), |fields| {
        let mut store = SetStore::new(words);
        let mut named_sets: FxHashMap<u32, u32> = FxHashMap::default();
        let mut named = |store: &mut SetStore, e: u32| -> Option<u32> {
            if explicit.is_empty() {
                return None;
            }
            let bits = explicit.get(&e)?;
            Some(*named_sets.entry(e).or_insert_with(|| store.intern(bits)))
        };
        let mut hop_sets: Vec<(u32, u32)> = Vec::new();
        let mut nowhere: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        // Per node, reset after each field for the nodes it touched.
        let mut out_range = vec![(0u32, 0u32); n_nodes];
        let mut in_range = vec![(0u32, 0u32); n_nodes];
        let mut index = vec![UNSEEN; n_nodes];
        let mut low = vec![0u32; n_nodes];
        let mut on_stack = vec![false; n_nodes];
        let mut comp = vec![0u32; n_nodes];
        let mut touched: Vec<u32> = Vec::new();
        let (mut hops, mut hops_in): (Vec<Hop>, Vec<Hop>) = (Vec::new(), Vec::new());
        let (mut stack, mut call): (Vec<u32>, Vec<(u32, u32)>) = (Vec::new(), Vec::new());
        let (mut members, mut comp_start, mut reach): (Vec<u32>, Vec<u32>, Vec<u32>) = Default::default();
        let mut ids: Vec<u32> = Vec::new();

        for f in fields {
            if by_run.iter().all(|(start, _)| start[f] == start[f + 1]) {
                continue;
            }
            hops.clear();
            hops.extend(by_run.iter().flat_map(|(start, list)| &list[start[f] as usize..start[f + 1] as usize]));
            hops.sort_by_key(|h| h.0);
            hops_in.clear();
            hops_in.extend_from_slice(&hops);
            hops_in.sort_by_key(|h| h.1);
            ranges(&hops, |h| h.0, &mut out_range, &mut touched);
            ranges(&hops_in, |h| h.1, &mut in_range, &mut touched);
            touched.sort_unstable();
            touched.dedup();

            // Tarjan's strongly connected components, without recursion. A component is
            // complete before any component that reaches it, so they come out sinks first.
            let mut next = 0u32;
            members.clear();
            comp_start.clear();
            for &root in &touched {
                if index[root as usize] != UNSEEN {
                    continue;
                }
                index[root as usize] = next;
                low[root as usize] = next;
                next += 1;
                stack.push(root);
                on_stack[root as usize] = true;
                call.push((root, out_range[root as usize].0));
                while let Some(&(v, pos)) = call.last() {
                    let v = v as usize;
                    if pos < out_range[v].1 {
                        if let Some(top) = call.last_mut() {
                            top.1 += 1;
                        }
                        let w = hops[pos as usize].1 as usize;
                        if index[w] == UNSEEN {
                            index[w] = next;
                            low[w] = next;
                            next += 1;
                            stack.push(w as u32);
                            on_stack[w] = true;
                            call.push((w as u32, out_range[w].0));
                        } else if on_stack[w] {
                            low[v] = low[v].min(index[w]);
                        }
                        continue;
                    }
                    call.pop();
                    if let Some(&(u, _)) = call.last() {
                        low[u as usize] = low[u as usize].min(low[v]);
                    }
                    if low[v] == index[v] {
                        let k = comp_start.len() as u32;
                        comp_start.push(members.len() as u32);
                        // `v` is on the stack, so this ends at `v` at the latest.
                        while let Some(x) = stack.pop() {
                            on_stack[x as usize] = false;
                            comp[x as usize] = k;
                            members.push(x);
                            if x as usize == v {
                                break;
                            }
                        }
                    }
                }
            }
            comp_start.push(members.len() as u32);

            // Sources first: what flows into a component comes from components already done.
            let n_comps = comp_start.len() - 1;
            reach.clear();
            reach.resize(n_comps, SetStore::EMPTY);
            for k in (0..n_comps).rev() {
                ids.clear();
                for &n in &members[comp_start[k] as usize..comp_start[k + 1] as usize] {
                    if let Node::Subject(s) = g.graph[NodeIndex::new(n as usize)] {
                        ids.push(store.single(s));
                    }
                    let (a, b) = in_range[n as usize];
                    for &(m, _, e) in &hops_in[a as usize..b as usize] {
                        let named = named(&mut store, e);
                        if comp[m as usize] as usize == k {
                            ids.extend(named);
                        } else if let (Some(x), true) = (named, is_subject(m)) {
                            // Collected from a group about the people it names (an account
                            // holder's contacts): their data, not the group's own.
                            ids.push(x);
                        } else {
                            let r = reach[comp[m as usize] as usize];
                            ids.push(named.map_or(r, |x| store.union(r, x)));
                        }
                    }
                }
                reach[k] = store.union_all(&mut ids);
            }

            // An edge from a subject group carries that group whatever the field (nothing flows
            // into a subject): its set is made when the edges are joined, not per field here.
            for &(n, _, e) in &hops {
                if is_subject(n) {
                    continue;
                }
                let named_set = named(&mut store, e);
                let r = reach[comp[n as usize] as usize];
                let set = named_set.map_or(r, |x| store.union(r, x));
                if set != SetStore::EMPTY {
                    hop_sets.push((e, set));
                }
                let names_subjects =
                    named_set.is_some() && matches!(g.graph[NodeIndex::new(n as usize)], Node::Party(_));
                if in_range[n as usize] == (0, 0) && !names_subjects {
                    nowhere.entry(e).or_default().push(f as u32);
                }
            }
            for &n in &touched {
                let n = n as usize;
                out_range[n] = (0, 0);
                in_range[n] = (0, 0);
                index[n] = UNSEEN;
            }
            touched.clear();
        }
        FieldsDone { store, hop_sets, nowhere }
    });

    // Join the runs' sets into one store, and each edge's sets over its fields into one.
    let mut store = SetStore::new(words);
    let mut start = vec![0u32; n_edges + 1];
    for done in &fields_done {
        for &(e, _) in &done.hop_sets {
            start[e as usize + 1] += 1;
        }
    }
    for i in 0..n_edges {
        start[i + 1] += start[i];
    }
    let mut flat = vec![0u32; start[n_edges] as usize];
    let mut fill = start.clone();
    let mut nowhere: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    for done in fields_done {
        let mut global = vec![UNSEEN; done.store.count()];
        for (e, set) in done.hop_sets {
            if global[set as usize] == UNSEEN {
                global[set as usize] = store.intern(done.store.get(set));
            }
            flat[fill[e as usize] as usize] = global[set as usize];
            fill[e as usize] += 1;
        }
        // Runs cover ascending ranges of fields, so each edge's list stays in field order.
        for (e, fs) in done.nowhere {
            nowhere.entry(e).or_default().extend(fs);
        }
    }
    drop(fill);
    let mut ids = Vec::new();
    let mut numbers = vec![UNSEEN; 1];
    numbers[SetStore::EMPTY as usize] = 0;
    let mut sets: Vec<SubjectSet> = vec![store.get(SetStore::EMPTY).into()];
    let mut edge_sets = Vec::with_capacity(n_edges);
    for (e, edge) in g.edges.iter().enumerate() {
        ids.clear();
        ids.extend_from_slice(&flat[start[e] as usize..start[e + 1] as usize]);
        // Edges from a subject group, when they carry a declared field: the group's own data,
        // or, when the flow names subjects, theirs instead (a field the account holder gives
        // about someone else is that person's; a flow that carries both names both).
        if let Node::Subject(s) = g.graph[edge.from]
            && !edge.fields.is_empty()
        {
            match explicit.get(&(e as u32)) {
                Some(bits) => ids.push(store.intern(bits)),
                None => ids.push(store.single(s)),
            }
        }
        let set = store.union_all(&mut ids) as usize;
        if set >= numbers.len() {
            numbers.resize(set + 1, UNSEEN);
        }
        if numbers[set] == UNSEEN {
            numbers[set] = sets.len() as u32;
            sets.push(store.get(set as u32).into());
        }
        edge_sets.push(numbers[set]);
    }
    let mut from_nowhere: Vec<(u32, Vec<u32>)> = nowhere.into_iter().collect();
    from_nowhere.sort_unstable();
    Provenance { edge_sets, sets, from_nowhere }
}
