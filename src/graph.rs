//! The flow graph: subjects, systems and parties as nodes; flows and sdk flows as edges; and what
//! the inventory implies about each edge — its kind, whose data it carries (provenance), which
//! regimes govern it, and whether it crosses a border. Built once; every rule reads it.
//!
//! Provenance is computed per field by one worklist propagation over the flows that carry that
//! field, with subject groups as bit sets, so a million flows cost a few passes, not a search per
//! flow.

use crate::model::{Inventory, Name, NameMap, Party, Regime, Role, is_eea, name};
use crate::parallel;
use petgraph::graph::{DiGraph, NodeIndex};
use rustc_hash::FxHashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};

/// An id to look up in the graph: an interned name as it is, or a text. A text that was never
/// interned names nothing declared (every declared id is interned when the graph is built), so
/// looking it up interns nothing.
pub trait Id {
    fn interned(&self) -> Option<Name>;
}

impl Id for Name {
    fn interned(&self) -> Option<Name> {
        Some(*self)
    }
}

impl Id for str {
    fn interned(&self) -> Option<Name> {
        Name::existing(self)
    }
}

impl Id for String {
    fn interned(&self) -> Option<Name> {
        Name::existing(self)
    }
}

fn lookup<V: Copy>(map: &NameMap<V>, id: &(impl Id + ?Sized)) -> Option<V> {
    id.interned().and_then(|n| map.get(n).copied())
}

/// What a node is, with its index in the inventory's array.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    Subject(u32),
    System(u32),
    Party(u32),
}

/// What a flow does, derived from the kinds of its two ends (inventory.md, "Derived meaning").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum FlowKind {
    /// From a subject: we collect.
    Collect,
    /// Between our own systems.
    Internal,
    /// To a processor (PIPL 委托处理).
    Entrust,
    /// To another controller (PIPL 向其他处理者提供).
    Provide,
    /// To an authority.
    Authority,
    /// To the public (PIPL 公开).
    Disclose,
    /// From a party to our system (indirect collection).
    Receive,
    /// From one party to another.
    Onward,
}

impl FlowKind {
    /// The kind's name in inventory.md ("Derived meaning"): `collect`, `internal`, `entrust`, …
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The kind of a flow from our system to a party of this role.
    pub fn to_party(role: Role) -> FlowKind {
        match role {
            Role::Processor => FlowKind::Entrust,
            Role::Controller => FlowKind::Provide,
            Role::Authority => FlowKind::Authority,
            Role::Public => FlowKind::Disclose,
        }
    }
}

/// Where an edge was declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    /// `flows[i]`.
    Flow(u32),
    /// `sdks[i]`, in one of its host systems (one edge per host system).
    Sdk(u32),
}

/// The set of regimes governing an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Regimes {
    pub pipl: bool,
    pub gdpr: bool,
}

impl Regimes {
    pub fn has(self, r: Regime) -> bool {
        match r {
            Regime::Pipl => self.pipl,
            Regime::Gdpr => self.gdpr,
        }
    }
}

/// One flow of data between two nodes, with everything derived about it. Kept to 32 bytes (a
/// million of them are held through the whole check): the origin is packed into one word and
/// the yes/no facts into one byte, read through methods.
#[derive(Debug, Clone)]
pub struct Edge {
    /// `flows[i]` or `sdks[i]` as `i`, with [`SDK_BIT`] set for an sdk.
    origin: u32,
    pub from: NodeIndex,
    pub to: NodeIndex,
    /// Field indices, in [`FlowGraph::field_pool`].
    pub fields: Range<u32>,
    /// Purpose index.
    pub purpose: u32,
    /// Whose data it carries: an index into [`FlowGraph::subject_sets`].
    pub provenance: u32,
    /// `Sdk` edges carry the kind their vendor's role gives (entrust, provide, …).
    pub kind: FlowKind,
    /// [`Edge::regimes`] and the facts below, one bit each.
    facts: u8,
}

// The size is part of the memory budget of a large check; a new field should be a choice.
const _: () = assert!(std::mem::size_of::<Edge>() == 32);

const SDK_BIT: u32 = 1 << 31;
const PIPL: u8 = 1;
const GDPR: u8 = 1 << 1;
const CN_EXPORT: u8 = 1 << 2;
const EEA_TRANSFER: u8 = 1 << 3;
const SENSITIVE: u8 = 1 << 4;
const CHILDREN: u8 = 1 << 5;
const SPECIAL: u8 = 1 << 6;
const CRIMINAL: u8 = 1 << 7;

impl Edge {
    fn new(origin: Origin, from: NodeIndex, to: NodeIndex, kind: FlowKind, fields: Range<u32>, purpose: u32) -> Edge {
        let (index, sdk) = match origin {
            Origin::Flow(i) => (i, 0),
            Origin::Sdk(i) => (i, SDK_BIT),
        };
        // Far below 2^31: a flow takes tens of bytes of input.
        debug_assert!(index < SDK_BIT);
        Edge { origin: index | sdk, from, to, kind, fields, purpose, provenance: 0, facts: 0 }
    }

    /// Where the edge was declared.
    pub fn origin(&self) -> Origin {
        if self.origin & SDK_BIT == 0 { Origin::Flow(self.origin) } else { Origin::Sdk(self.origin & !SDK_BIT) }
    }
    /// The regimes governing the edge.
    pub fn regimes(&self) -> Regimes {
        Regimes { pipl: self.facts & PIPL != 0, gdpr: self.facts & GDPR != 0 }
    }
    /// PIPL: leaves mainland China (HK, MO, TW are outside).
    pub fn cn_export(&self) -> bool {
        self.facts & CN_EXPORT != 0
    }
    /// GDPR: a transfer from the EEA to a party outside it.
    pub fn eea_transfer(&self) -> bool {
        self.facts & EEA_TRANSFER != 0
    }
    /// Carries a PIPL-sensitive field.
    pub fn sensitive(&self) -> bool {
        self.facts & SENSITIVE != 0
    }
    /// Carries data of a subject group with children.
    pub fn children(&self) -> bool {
        self.facts & CHILDREN != 0
    }
    /// Carries a GDPR Art. 9 special-category field.
    pub fn special(&self) -> bool {
        self.facts & SPECIAL != 0
    }
    /// Carries GDPR Art. 10 criminal-offence data.
    pub fn criminal(&self) -> bool {
        self.facts & CRIMINAL != 0
    }
}

/// A field's legal character, from its category and `sensitive` flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FieldFacts {
    /// PIPL-sensitive (Art. 28).
    pub sensitive: bool,
    /// GDPR Art. 9 special category.
    pub special: bool,
    /// GDPR Art. 10 criminal-offence data.
    pub criminal: bool,
}

/// Flows resolved into edges on one core, before they are joined in order.
struct ResolvedFlows {
    edges: Vec<Edge>,
    /// The edges' field indices; their ranges start at 0 here.
    pool: Vec<u32>,
    /// Whether these edges carry each field.
    used: Vec<bool>,
    /// Explicit `subjects` of the flows that name some: `(edge in this run, subject bits)`.
    explicit: Vec<(u32, Vec<u64>)>,
}

/// Push the indices of the declared fields among `ids` onto `pool`, each once, marking them used.
fn pool_fields(field_by_id: &NameMap<u32>, ids: &[Name], pool: &mut Vec<u32>, used: &mut [bool]) -> Range<u32> {
    let start = pool.len();
    for id in ids {
        if let Some(f) = lookup(field_by_id, id) {
            if !pool[start..].contains(&f) {
                pool.push(f);
            }
            used[f as usize] = true;
        }
    }
    start as u32..pool.len() as u32
}

/// A set of subject groups (bit `i` = `subjects[i]`).
pub type SubjectSet = Box<[u64]>;

/// The graph of an inventory and the facts derived from it.
pub struct FlowGraph<'a> {
    pub inv: &'a Inventory,
    /// Edge `i` of the petgraph is [`FlowGraph::edges`]`[i]` (they are added together), so it
    /// carries no weight of its own: 4 bytes a flow.
    pub graph: DiGraph<Node, ()>,
    node_by_id: NameMap<NodeIndex>,
    /// The interned id of each node, by node index.
    node_names: Vec<Name>,
    pub edges: Vec<Edge>,
    pub field_pool: Vec<u32>,
    pub subject_sets: Vec<SubjectSet>,
    // Keyed by interned name: a flow's references are looked up by pointer, never by hashing
    // and comparing their text again.
    field_by_id: NameMap<u32>,
    purpose_by_id: NameMap<u32>,
    consent_by_id: NameMap<u32>,
    mechanism_by_id: NameMap<u32>,
    subject_by_id: NameMap<u32>,
    /// Edges whose source holds a field nothing brings to it: `(edge, field indices)`.
    pub from_nowhere: Vec<(u32, Vec<u32>)>,
    /// Whether any flow or sdk carries each field.
    pub field_used: Vec<bool>,
    /// What each field is, looked up in the taxonomy once instead of per flow.
    pub field_facts: Vec<FieldFacts>,
    /// Edges of each sdk (one per host system).
    pub sdk_edges: Vec<Vec<u32>>,
    /// The declared fields each consent is limited to, as sorted indices: checked for every
    /// consent-based flow, by index rather than by comparing ids.
    consent_fields: Vec<Box<[u32]>>,
}

/// Explicit `subjects` of the flows that name some, as bit sets by edge: gathered while the
/// edges are built, for the provenance propagation.
type Explicit = FxHashMap<u32, Vec<u64>>;

impl<'a> FlowGraph<'a> {
    /// Build the graph of a validated inventory (ids resolve; `load` guarantees it).
    pub fn build(inv: &'a Inventory) -> FlowGraph<'a> {
        // Sized exactly: a vector of a million edges that grows by one past its room is copied
        // into one twice its size, and the old one lingers in the allocator.
        let n_edges = inv.flows.len() + inv.sdks.iter().map(|s| s.in_systems.len()).sum::<usize>();
        let n_pooled = parallel::in_parallel(parallel::runs(inv.flows.len()), |run| {
            inv.flows[run].iter().map(|f| f.fields.len()).sum::<usize>()
        })
        .into_iter()
        .sum::<usize>()
            + inv.sdks.iter().map(|s| s.fields.len() * s.in_systems.len()).sum::<usize>();
        let mut graph = DiGraph::with_capacity(inv.subjects.len() + inv.systems.len() + inv.parties.len(), n_edges);
        let mut node_by_id = NameMap::default();
        let mut node_names = Vec::with_capacity(graph.capacity().0);
        let nodes = (inv.subjects.iter().enumerate().map(|(i, s)| (&s.id, Node::Subject(i as u32))))
            .chain(inv.systems.iter().enumerate().map(|(i, s)| (&s.id, Node::System(i as u32))))
            .chain(inv.parties.iter().enumerate().map(|(i, p)| (&p.id, Node::Party(i as u32))));
        for (id, node) in nodes {
            let id = name(id);
            node_by_id.insert(id, graph.add_node(node));
            node_names.push(id);
        }
        let index = |ids: &mut dyn Iterator<Item = &'a str>| -> NameMap<u32> {
            ids.enumerate().map(|(i, id)| (name(id), i as u32)).collect()
        };
        let field_by_id = index(&mut inv.fields.iter().map(|f| f.id.as_str()));
        let purpose_by_id = index(&mut inv.purposes.iter().map(|p| p.id.as_str()));
        let consent_by_id = index(&mut inv.consents.iter().map(|c| c.id.as_str()));
        let mechanism_by_id = index(&mut inv.mechanisms.iter().map(|m| m.id.as_str()));
        let subject_by_id = index(&mut inv.subjects.iter().map(|s| s.id.as_str()));

        let mut g = FlowGraph {
            inv,
            graph,
            node_by_id,
            node_names,
            edges: Vec::with_capacity(n_edges),
            field_pool: Vec::with_capacity(n_pooled),
            subject_sets: Vec::new(),
            field_by_id,
            purpose_by_id,
            consent_by_id,
            mechanism_by_id,
            subject_by_id,
            from_nowhere: Vec::new(),
            field_used: vec![false; inv.fields.len()],
            field_facts: inv
                .fields
                .iter()
                .map(|f| FieldFacts { sensitive: f.is_sensitive(), special: f.is_special(), criminal: f.is_criminal() })
                .collect(),
            sdk_edges: vec![Vec::new(); inv.sdks.len()],
            consent_fields: Vec::new(),
        };
        g.consent_fields = inv
            .consents
            .iter()
            .map(|c| {
                let mut fields: Vec<u32> = c.fields.iter().filter_map(|f| g.field_of(f)).collect();
                fields.sort_unstable();
                fields.dedup();
                fields.into()
            })
            .collect();
        let explicit = g.add_edges();
        g.derive(&explicit);
        g
    }

    fn add_edges(&mut self) -> Explicit {
        let inv = self.inv;
        let mut explicit = Explicit::default();
        // Resolving a million flows' references is most of the work: runs of flows are resolved
        // on all cores, then joined in flow order, so edge `i` is the same whatever the threads.
        // A round of runs at a time, one per core: a run's edges are copied into the graph's and
        // let go before the next round, instead of all of them being held twice at the peak.
        let runs = parallel::runs_of(inv.flows.len(), 8);
        for round in runs.chunks(parallel::threads()) {
            let this = &*self;
            let resolved = parallel::in_parallel(round.to_vec(), |run| this.resolve_flows(run));
            self.join_flows(resolved, &mut explicit);
        }
        for (i, s) in inv.sdks.iter().enumerate() {
            let Some(vendor) = self.node_of(&s.vendor) else { continue };
            let Node::Party(p) = self.graph[vendor] else { continue };
            let kind = FlowKind::to_party(inv.parties[p as usize].role);
            let purpose = self.purpose_of(&s.purpose).unwrap_or(0);
            for host in &s.in_systems {
                let Some(from) = self.node_of(host) else { continue };
                let fields = pool_fields(&self.field_by_id, &s.fields, &mut self.field_pool, &mut self.field_used);
                let e = self.push_edge(Edge::new(Origin::Sdk(i as u32), from, vendor, kind, fields, purpose));
                self.sdk_edges[i].push(e);
            }
        }
        explicit
    }

    /// Add resolved runs of flows to the graph, in order: their edges, pooled fields and
    /// explicit subjects, renumbered to follow what is there already.
    fn join_flows(&mut self, runs: Vec<ResolvedFlows>, explicit: &mut Explicit) {
        for run in runs {
            let offset = self.field_pool.len() as u32;
            self.field_pool.extend_from_slice(&run.pool);
            for (used, &now) in self.field_used.iter_mut().zip(&run.used) {
                *used |= now;
            }
            for (e, bits) in run.explicit {
                explicit.insert(self.edges.len() as u32 + e, bits);
            }
            for mut edge in run.edges {
                edge.fields = edge.fields.start + offset..edge.fields.end + offset;
                self.push_edge(edge);
            }
        }
    }

    /// The edges of `flows[run]`, their fields pooled from 0, and which fields they carry.
    fn resolve_flows(&self, run: Range<usize>) -> ResolvedFlows {
        let inv = self.inv;
        let words = inv.subjects.len().div_ceil(64).max(1);
        let mut out = ResolvedFlows {
            edges: Vec::with_capacity(run.len()),
            pool: Vec::with_capacity(inv.flows[run.clone()].iter().map(|f| f.fields.len()).sum()),
            used: vec![false; inv.fields.len()],
            explicit: Vec::new(),
        };
        for (i, f) in inv.flows[run.clone()].iter().enumerate() {
            let (Some(from), Some(to)) = (self.node_of(&f.from), self.node_of(&f.to)) else {
                continue;
            };
            let kind = match (self.graph[from], self.graph[to]) {
                (Node::Subject(_), _) => FlowKind::Collect,
                (Node::System(_), Node::System(_)) => FlowKind::Internal,
                (Node::System(_), Node::Party(p)) => FlowKind::to_party(inv.parties[p as usize].role),
                (Node::Party(_), Node::System(_)) => FlowKind::Receive,
                (Node::Party(_), Node::Party(_)) => FlowKind::Onward,
                (_, Node::Subject(_)) => continue,
            };
            let purpose = self.purpose_of(&f.purpose).unwrap_or(0);
            let fields = pool_fields(&self.field_by_id, &f.fields, &mut out.pool, &mut out.used);
            if !f.subjects.is_empty() {
                let mut bits = vec![0u64; words];
                for s in &f.subjects {
                    if let Some(si) = lookup(&self.subject_by_id, s) {
                        bits[si as usize / 64] |= 1 << (si % 64);
                    }
                }
                out.explicit.push((out.edges.len() as u32, bits));
            }
            let origin = Origin::Flow((run.start + i) as u32);
            out.edges.push(Edge::new(origin, from, to, kind, fields, purpose));
        }
        out
    }

    fn push_edge(&mut self, edge: Edge) -> u32 {
        let e = self.edges.len() as u32;
        let id = self.graph.add_edge(edge.from, edge.to, ());
        debug_assert_eq!(id.index(), e as usize);
        self.edges.push(edge);
        e
    }

    /// The node an id names, if any.
    pub fn node_of(&self, id: &(impl Id + ?Sized)) -> Option<NodeIndex> {
        lookup(&self.node_by_id, id)
    }
    /// The index of the field an id names.
    pub fn field_of(&self, id: &(impl Id + ?Sized)) -> Option<u32> {
        lookup(&self.field_by_id, id)
    }
    pub fn purpose_of(&self, id: &(impl Id + ?Sized)) -> Option<u32> {
        lookup(&self.purpose_by_id, id)
    }
    pub fn consent_of(&self, id: &(impl Id + ?Sized)) -> Option<u32> {
        lookup(&self.consent_by_id, id)
    }
    pub fn mechanism_of(&self, id: &(impl Id + ?Sized)) -> Option<u32> {
        lookup(&self.mechanism_by_id, id)
    }

    /// The declared fields consent `c` is limited to, as sorted indices (empty: no declared
    /// field, which is no limit only when the consent names no field at all).
    pub fn consent_fields(&self, c: u32) -> &[u32] {
        &self.consent_fields[c as usize]
    }

    /// The fields an edge carries.
    pub fn fields(&self, e: &Edge) -> &[u32] {
        &self.field_pool[e.fields.start as usize..e.fields.end as usize]
    }

    /// Subject indices set in a provenance set.
    pub fn subjects_in(&self, set: u32) -> impl Iterator<Item = u32> + '_ {
        self.subject_sets[set as usize]
            .iter()
            .enumerate()
            .flat_map(|(w, &bits)| (0..64).filter(move |b| bits >> b & 1 == 1).map(move |b| (w * 64 + b) as u32))
    }

    /// The declared id of the node.
    pub fn node_id(&self, n: NodeIndex) -> &'a str {
        match self.graph[n] {
            Node::Subject(i) => &self.inv.subjects[i as usize].id,
            Node::System(i) => &self.inv.systems[i as usize].id,
            Node::Party(i) => &self.inv.parties[i as usize].id,
        }
    }

    /// The declared id of the node, interned: for data that outlives the graph.
    pub fn node_name_id(&self, n: NodeIndex) -> Name {
        self.node_names[n.index()]
    }

    pub fn node_name(&self, n: NodeIndex) -> &'a str {
        match self.graph[n] {
            Node::Subject(i) => &self.inv.subjects[i as usize].name,
            Node::System(i) => &self.inv.systems[i as usize].name,
            Node::Party(i) => &self.inv.parties[i as usize].name,
        }
    }

    /// Countries of a node (a subject group may span several).
    pub fn node_countries(&self, n: NodeIndex) -> &'a [String] {
        match self.graph[n] {
            Node::Subject(i) => &self.inv.subjects[i as usize].country.0,
            Node::System(i) => std::slice::from_ref(&self.inv.systems[i as usize].country),
            Node::Party(i) => std::slice::from_ref(&self.inv.parties[i as usize].country),
        }
    }

    pub fn party(&self, n: NodeIndex) -> Option<&'a Party> {
        match self.graph[n] {
            Node::Party(i) => Some(&self.inv.parties[i as usize]),
            _ => None,
        }
    }

    /// The id a finding about this edge targets: the flow id, or the sdk id.
    pub fn edge_target(&self, e: &Edge) -> &'a str {
        match e.origin() {
            Origin::Flow(i) => &self.inv.flows[i as usize].id,
            Origin::Sdk(i) => &self.inv.sdks[i as usize].id,
        }
    }

    /// Consent ids that apply to an edge: its own (flow or sdk) and its purpose's.
    pub fn edge_consents(&self, e: &Edge) -> impl Iterator<Item = &'a Name> + use<'a> {
        let own: &'a [Name] = match e.origin() {
            Origin::Flow(i) => &self.inv.flows[i as usize].consents,
            Origin::Sdk(i) => &self.inv.sdks[i as usize].consents,
        };
        own.iter().chain(self.inv.purposes[e.purpose as usize].consents.iter())
    }

    /// The consents (indices) that apply to an edge, as [`FlowGraph::edge_consents`].
    pub fn edge_consent_indices(&self, e: &Edge) -> impl Iterator<Item = u32> + use<'_, 'a> {
        self.edge_consents(e).filter_map(|n| self.consent_of(n))
    }

    /// The mechanism (index) an edge's flow or sdk names, if it names a declared one.
    pub fn edge_mechanism(&self, e: &Edge) -> Option<u32> {
        let named = match e.origin() {
            Origin::Flow(i) => self.inv.flows[i as usize].mechanism,
            Origin::Sdk(i) => self.inv.sdks[i as usize].mechanism,
        };
        named.and_then(|n| self.mechanism_of(&n))
    }

    fn derive(&mut self, explicit: &Explicit) {
        let inv = self.inv;
        let n_subjects = inv.subjects.len();
        let words = n_subjects.div_ceil(64).max(1);
        let n_nodes = self.graph.node_count();
        let n_edges = self.edges.len();

        // Edges by field: an index (CSR) per run of edges, built on all cores. A field's edges
        // are its lists in the runs' order, so ascending, as one index over all edges would give.
        // Each entry is a hop, (source, destination, edge), not the edge alone: the propagation
        // reads a field's hops straight through, where looking up each edge's ends would be a
        // cache miss apiece (a field's edges lie scattered over the 32 MB edge array).
        let n_fields = inv.fields.len();
        let by_run = parallel::in_parallel(parallel::runs(n_edges), |run| {
            let edges = &self.edges[run.clone()];
            let mut start = vec![0u32; n_fields + 1];
            for edge in edges {
                for &f in self.fields(edge) {
                    start[f as usize + 1] += 1;
                }
            }
            for i in 0..n_fields {
                start[i + 1] += start[i];
            }
            let mut list = vec![(0u32, 0u32, 0u32); start[n_fields] as usize];
            let mut fill = start.clone();
            for (e, edge) in (run.start..).zip(edges) {
                let hop = (edge.from.index() as u32, edge.to.index() as u32, e as u32);
                for &f in self.fields(edge) {
                    list[fill[f as usize] as usize] = hop;
                    fill[f as usize] += 1;
                }
            }
            (start, list)
        });
        let edges_of =
            |f: usize| by_run.iter().flat_map(move |(start, list)| &list[start[f] as usize..start[f + 1] as usize]);

        // Each field propagates on its own, so the fields are shared out among cores. They OR
        // their bits into one provenance array: an edge carrying fields of two runs is written by
        // both, and one array per run would cost a megabyte per hundred thousand edges per core.
        let prov: Vec<AtomicU64> = (0..n_edges * words).map(|_| AtomicU64::new(0)).collect();
        // Most inventories name no subjects on any flow: then no hop looks them up.
        let named_subjects = |e: u32| if explicit.is_empty() { None } else { explicit.get(&e) };
        let propagate = |fields: std::ops::Range<usize>| -> FxHashMap<u32, Vec<u32>> {
            let or = |i: usize, bits: u64| {
                if bits != 0 {
                    prov[i].fetch_or(bits, Ordering::Relaxed);
                }
            };
            let mut nowhere: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
            let mut reach = vec![0u64; n_nodes * words];
            let mut has_in = vec![false; n_nodes];
            let mut out_range: Vec<(u32, u32)> = vec![(0, 0); n_nodes];
            let mut queued = vec![false; n_nodes];
            let mut touched: Vec<u32> = Vec::new();
            // The field's hops, sorted by source and walked in place.
            let mut hops: Vec<(u32, u32, u32)> = Vec::new();
            let mut queue: Vec<u32> = Vec::new();

            for f in fields {
                if by_run.iter().all(|(start, _)| start[f] == start[f + 1]) {
                    continue;
                }
                hops.clear();
                hops.extend(edges_of(f));
                hops.sort_unstable_by_key(|h| h.0);
                // Out-edge ranges per source node, and seeds.
                let mut i = 0;
                while i < hops.len() {
                    let n = hops[i].0 as usize;
                    let j = i + hops[i..].iter().take_while(|h| h.0 as usize == n).count();
                    out_range[n] = (i as u32, j as u32);
                    touched.push(n as u32);
                    if let Node::Subject(s) = self.graph[NodeIndex::new(n)] {
                        reach[n * words + s as usize / 64] |= 1 << (s % 64);
                    }
                    queued[n] = true;
                    queue.push(n as u32);
                    i = j;
                }
                for &(_, to, _) in &hops {
                    let to = to as usize;
                    if !has_in[to] {
                        has_in[to] = true;
                        touched.push(to as u32);
                    }
                }
                // Propagate to a fixed point; sets only grow, so this ends.
                let mut contribution = vec![0u64; words];
                while let Some(n) = queue.pop() {
                    let n = n as usize;
                    queued[n] = false;
                    let (a, b) = out_range[n];
                    for &(_, to, e) in &hops[a as usize..b as usize] {
                        contribution.copy_from_slice(&reach[n * words..(n + 1) * words]);
                        if let Some(bits) = named_subjects(e) {
                            for (c, x) in contribution.iter_mut().zip(bits) {
                                *c |= x;
                            }
                        }
                        let to = to as usize;
                        let mut grew = false;
                        for w in 0..words {
                            let old = reach[to * words + w];
                            let new = old | contribution[w];
                            if new != old {
                                reach[to * words + w] = new;
                                grew = true;
                            }
                        }
                        if grew && out_range[to].1 > out_range[to].0 && !queued[to] {
                            queued[to] = true;
                            queue.push(to as u32);
                        }
                    }
                }
                // From the hops, not the edge array: a field's edges lie scattered over it, and
                // each would be a cache miss to read. An edge from a subject group carries that
                // group whatever the field (nothing flows into a subject): its provenance is set
                // when the edges are judged, without a locked write per field here.
                for &(n, _, e) in &hops {
                    let n = n as usize;
                    let explicit_bits = named_subjects(e);
                    let source = self.graph[NodeIndex::new(n)];
                    if matches!(source, Node::Subject(_)) {
                        continue;
                    }
                    for w in 0..words {
                        or(e as usize * words + w, reach[n * words + w] | explicit_bits.map_or(0, |b| b[w]));
                    }
                    let named = explicit_bits.is_some() && matches!(source, Node::Party(_));
                    if !has_in[n] && !named {
                        nowhere.entry(e).or_default().push(f as u32);
                    }
                }
                for &n in &touched {
                    let n = n as usize;
                    reach[n * words..(n + 1) * words].fill(0);
                    has_in[n] = false;
                    out_range[n] = (0, 0);
                }
                touched.clear();
            }
            nowhere
        };
        let mut nowhere: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        for more in crate::parallel::in_parallel(crate::parallel::runs(n_fields), propagate) {
            // Runs cover ascending ranges of fields, so each edge's list stays in field order.
            for (e, fs) in more {
                nowhere.entry(e).or_default().extend(fs);
            }
        }
        let mut prov: Vec<u64> = prov.into_iter().map(AtomicU64::into_inner).collect();
        let mut from_nowhere: Vec<(u32, Vec<u32>)> = nowhere.into_iter().collect();
        from_nowhere.sort_unstable();
        self.from_nowhere = from_nowhere;

        // Masks of subject groups by place and age.
        let mut cn = vec![0u64; words];
        let mut eea = vec![0u64; words];
        let mut kids = vec![0u64; words];
        for (i, s) in inv.subjects.iter().enumerate() {
            let bit = 1u64 << (i % 64);
            if s.country.contains("CN") {
                cn[i / 64] |= bit;
            }
            if s.country.iter().any(is_eea) {
                eea[i / 64] |= bit;
            }
            if s.children {
                kids[i / 64] |= bit;
            }
        }
        let meets = |a: &[u64], b: &[u64]| a.iter().zip(b).any(|(x, y)| x & y != 0);
        let org = &inv.organization;
        let fixed = (!org.regimes.is_empty())
            .then(|| Regimes { pipl: org.regimes.contains(&Regime::Pipl), gdpr: org.regimes.contains(&Regime::Gdpr) });
        let org_cn = org.country == "CN";
        let org_eea = is_eea(&org.country);

        // Where each node is, worked out once rather than per flow.
        #[derive(Clone, Copy)]
        struct Place {
            in_cn: bool,
            in_eea: bool,
        }
        let place: Vec<Place> = self
            .graph
            .node_indices()
            .map(|n| {
                let countries = self.node_countries(n);
                Place { in_cn: countries.iter().any(|c| c == "CN"), in_eea: countries.iter().any(|c| is_eea(c)) }
            })
            .collect();
        // Each edge's facts on all cores, runs of edges at a time. A run numbers the distinct
        // provenance sets it meets in order of first appearance; the runs' numbers are then
        // mapped to global ones in run order, so set ids are those a single pass would give.
        let mut edges = std::mem::take(&mut self.edges);
        let run_len = n_edges.div_ceil(parallel::threads() * 2).max(1);
        let this = &*self;
        // A run's distinct sets, each as the first of its edges that has it.
        let judge = |(start, edges, prov): (usize, &mut [Edge], &mut [u64])| -> Vec<u32> {
            // Edges from a subject group: the group, and any subjects the flow names, when the
            // edge carries a declared field (as the propagation gives the others).
            for (e, (edge, bits)) in (start..).zip(edges.iter().zip(prov.chunks_exact_mut(words))) {
                if let Node::Subject(s) = this.graph[edge.from]
                    && !edge.fields.is_empty()
                {
                    if let Some(named) = named_subjects(e as u32) {
                        bits.copy_from_slice(named);
                    }
                    bits[s as usize / 64] |= 1 << (s % 64);
                }
            }
            let prov = &*prov;
            let mut local: FxHashMap<&[u64], u32> = FxHashMap::default();
            let mut sets = Vec::new();
            for (i, (edge, bits)) in edges.iter_mut().zip(prov.chunks_exact(words)).enumerate() {
                edge.provenance = *local.entry(bits).or_insert_with(|| {
                    sets.push(i as u32);
                    sets.len() as u32 - 1
                });
                let regimes =
                    fixed.unwrap_or(Regimes { pipl: org_cn || meets(bits, &cn), gdpr: org_eea || meets(bits, &eea) });
                let (from, to) = (place[edge.from.index()], place[edge.to.index()]);
                let cn_export = from.in_cn && !to.in_cn;
                let eea_transfer = matches!(this.graph[edge.to], Node::Party(_)) && from.in_eea && !to.in_eea;
                let (mut sensitive, mut special, mut criminal) = (false, false, false);
                for &f in this.fields(edge) {
                    let facts = this.field_facts[f as usize];
                    sensitive |= facts.sensitive;
                    special |= facts.special;
                    criminal |= facts.criminal;
                }
                let children = meets(bits, &kids);
                edge.facts = [
                    (regimes.pipl, PIPL),
                    (regimes.gdpr, GDPR),
                    (cn_export, CN_EXPORT),
                    (eea_transfer, EEA_TRANSFER),
                    (sensitive, SENSITIVE),
                    (children, CHILDREN),
                    (special, SPECIAL),
                    (criminal, CRIMINAL),
                ]
                .into_iter()
                .filter(|&(yes, _)| yes)
                .fold(0, |facts, (_, bit)| facts | bit);
            }
            sets
        };
        let runs: Vec<(usize, &mut [Edge], &mut [u64])> = (0..)
            .step_by(run_len)
            .zip(edges.chunks_mut(run_len).zip(prov.chunks_mut(run_len * words)))
            .map(|(start, (edges, prov))| (start, edges, prov))
            .collect();
        let run_sets = parallel::in_parallel(runs, judge);
        let mut set_ids: FxHashMap<&[u64], u32> = FxHashMap::default();
        let empty = vec![0u64; words];
        set_ids.insert(&empty, 0);
        let mut subject_sets: Vec<SubjectSet> = vec![empty.clone().into_boxed_slice()];
        let global: Vec<Vec<u32>> = run_sets
            .iter()
            .enumerate()
            .map(|(run, sets)| {
                sets.iter()
                    .map(|&first| {
                        let e = run * run_len + first as usize;
                        let bits = &prov[e * words..(e + 1) * words];
                        *set_ids.entry(bits).or_insert_with(|| {
                            subject_sets.push(bits.into());
                            subject_sets.len() as u32 - 1
                        })
                    })
                    .collect()
            })
            .collect();
        let runs: Vec<(&mut [Edge], &[u32])> =
            edges.chunks_mut(run_len).zip(global.iter().map(Vec::as_slice)).collect();
        parallel::in_parallel(runs, |(edges, ids)| {
            for edge in edges {
                edge.provenance = ids[edge.provenance as usize];
            }
        });
        self.subject_sets = subject_sets;
        self.edges = edges;
    }
}
