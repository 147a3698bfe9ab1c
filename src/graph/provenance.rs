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
use petgraph::Direction;
use petgraph::algo::TarjanScc;
use petgraph::graph::{Graph, NodeIndex};
use petgraph::visit::EdgeRef;
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

/// Step 1: every field's hops, as one index (CSR) per run of edges, built on all cores. A
/// field's edges are its lists in the runs' order, so ascending, as one index over all edges
/// would give. Each entry is a hop, not the edge alone: the propagation reads a field's hops
/// straight through, where looking up each edge's ends would be a cache miss apiece.
struct HopsByField {
    runs: Vec<(Vec<u32>, Vec<Hop>)>,
}

impl HopsByField {
    fn build(g: &FlowGraph, n_fields: usize) -> HopsByField {
        let runs = parallel::in_parallel(parallel::runs(g.edges.len()), |run| {
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
        HopsByField { runs }
    }

    fn of(&self, f: usize) -> impl Iterator<Item = &Hop> {
        self.runs.iter().flat_map(move |(start, list)| &list[start[f] as usize..start[f + 1] as usize])
    }
}

/// Step 2: one field's flows as a graph of their own — the nodes the field touches, numbered
/// from 0 in order of first appearance (a node's weight is its number in the flow graph), an
/// edge per hop weighted with the flow graph's edge — so that the components of a field cost
/// its own size, not the whole graph's. Kept between fields, cleared, to reuse its memory.
struct FieldGraph {
    graph: Graph<u32, u32>,
    /// Flow-graph node → this graph's node, `UNSEEN` for nodes the field does not touch.
    local: Vec<u32>,
}

impl FieldGraph {
    fn new(n_nodes: usize) -> FieldGraph {
        FieldGraph { graph: Graph::new(), local: vec![UNSEEN; n_nodes] }
    }

    fn load<'h>(&mut self, hops: impl Iterator<Item = &'h Hop>) {
        for &n in self.graph.node_weights() {
            self.local[n as usize] = UNSEEN;
        }
        self.graph.clear();
        for &(from, to, e) in hops {
            let (a, b) = (self.node(from), self.node(to));
            self.graph.add_edge(a, b, e);
        }
    }

    fn node(&mut self, n: u32) -> NodeIndex {
        if self.local[n as usize] == UNSEEN {
            self.local[n as usize] = self.graph.add_node(n).index() as u32;
        }
        NodeIndex::new(self.local[n as usize] as usize)
    }
}

/// Step 3: the field's strongly connected components (petgraph's Tarjan, which gives them sinks
/// first), as `members[start[k]..start[k + 1]]` with `comp[node]` = k.
#[derive(Default)]
struct Components {
    tarjan: TarjanScc<NodeIndex>,
    members: Vec<NodeIndex>,
    start: Vec<u32>,
    comp: Vec<u32>,
}

impl Components {
    fn find(&mut self, field: &FieldGraph) {
        let (members, start, comp) = (&mut self.members, &mut self.start, &mut self.comp);
        members.clear();
        start.clear();
        comp.clear();
        comp.resize(field.graph.node_count(), 0);
        self.tarjan.run(&field.graph, |scc| {
            for n in scc {
                comp[n.index()] = start.len() as u32;
            }
            start.push(members.len() as u32);
            members.extend_from_slice(scc);
        });
        start.push(members.len() as u32);
    }

    fn count(&self) -> usize {
        self.start.len() - 1
    }

    fn members(&self, k: usize) -> &[NodeIndex] {
        &self.members[self.start[k] as usize..self.start[k + 1] as usize]
    }
}

pub(super) fn propagate(g: &FlowGraph, explicit: &Explicit) -> Provenance {
    let inv = g.inv;
    let words = inv.subjects.len().div_ceil(64).max(1);
    let n_nodes = g.graph.node_count();
    let n_fields = inv.fields.len();
    let hops_by_field = HopsByField::build(g, n_fields);

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
        let mut field_graph = FieldGraph::new(n_nodes);
        let mut comps = Components::default();
        let (mut reach, mut ids): (Vec<u32>, Vec<u32>) = Default::default();

        for f in fields {
            if hops_by_field.of(f).next().is_none() {
                continue;
            }
            field_graph.load(hops_by_field.of(f));
            comps.find(&field_graph);
            let fg = &field_graph.graph;

            // Step 4: what reaches each component, sources first: what flows into a component
            // comes from components already done, and every node of a cycle holds the same set.
            reach.clear();
            reach.resize(comps.count(), SetStore::EMPTY);
            for k in (0..comps.count()).rev() {
                ids.clear();
                for &n in comps.members(k) {
                    if let Node::Subject(s) = g.graph[NodeIndex::new(fg[n] as usize)] {
                        ids.push(store.single(s));
                    }
                    for hop in fg.edges_directed(n, Direction::Incoming) {
                        let named = named(&mut store, *hop.weight());
                        let from = comps.comp[hop.source().index()] as usize;
                        if from == k {
                            ids.extend(named);
                        } else if let (Some(x), Node::Subject(_)) =
                            (named, g.graph[NodeIndex::new(fg[hop.source()] as usize)])
                        {
                            // Collected from a group about the people it names (an account
                            // holder's contacts): their data, not the group's own.
                            ids.push(x);
                        } else {
                            let r = reach[from];
                            ids.push(named.map_or(r, |x| store.union(r, x)));
                        }
                    }
                }
                reach[k] = store.union_all(&mut ids);
            }

            // Step 5: each hop carries what its source holds, with the subjects it names. An edge
            // from a subject group carries that group whatever the field (nothing flows into a
            // subject): its set is made when the edges are joined, not per field here.
            for hop in fg.edge_references() {
                let source = g.graph[NodeIndex::new(fg[hop.source()] as usize)];
                if matches!(source, Node::Subject(_)) {
                    continue;
                }
                let e = *hop.weight();
                let named_set = named(&mut store, e);
                let r = reach[comps.comp[hop.source().index()] as usize];
                let set = named_set.map_or(r, |x| store.union(r, x));
                if set != SetStore::EMPTY {
                    hop_sets.push((e, set));
                }
                let names_subjects = named_set.is_some() && matches!(source, Node::Party(_));
                let brought = fg.edges_directed(hop.source(), Direction::Incoming).next().is_some();
                if !brought && !names_subjects {
                    nowhere.entry(e).or_default().push(f as u32);
                }
            }
        }
        FieldsDone { store, hop_sets, nowhere }
    });

    // Step 6: join the runs' sets into one store, and each edge's sets over its fields into one.
    let n_edges = g.edges.len();
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
