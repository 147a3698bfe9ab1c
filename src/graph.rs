//! The flow graph: subjects, systems and parties as nodes; flows and sdk flows as edges; and what
//! the inventory implies about each edge — its kind, whose data it carries (provenance), which
//! regimes govern it, and whether it crosses a border. Built once; every rule reads it.
//!
//! Provenance is computed per field over the strongly connected components of the flows that
//! carry it, with each distinct set of subject groups stored once (`graph/provenance.rs`), so
//! the cost is a few passes over the flows whatever the graph's shape or the number of groups.

use crate::model::{Inventory, Name, NameMap, Party, Regime, Role, is_eea, name};
use crate::parallel;
use petgraph::graph::{DiGraph, NodeIndex};
use rustc_hash::FxHashMap;
use std::ops::Range;

mod provenance;
mod sets;

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
        let n_edges = self.edges.len();

        let provenance = provenance::propagate(self, explicit);
        self.from_nowhere = provenance.from_nowhere;

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
        // Whose data an edge carries decides its regimes and whether it carries children's:
        // worked out once per distinct set, not per edge.
        let set_facts: Vec<(Regimes, bool)> = provenance
            .sets
            .iter()
            .map(|bits| {
                let regimes =
                    fixed.unwrap_or(Regimes { pipl: org_cn || meets(bits, &cn), gdpr: org_eea || meets(bits, &eea) });
                (regimes, meets(bits, &kids))
            })
            .collect();
        // Each edge's facts on all cores, runs of edges at a time.
        let mut edges = std::mem::take(&mut self.edges);
        let run_len = n_edges.div_ceil(parallel::threads() * 2).max(1);
        let this = &*self;
        let judge = |(edges, sets): (&mut [Edge], &[u32])| {
            for (edge, &set) in edges.iter_mut().zip(sets) {
                edge.provenance = set;
                let (regimes, children) = set_facts[set as usize];
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
        };
        let runs: Vec<(&mut [Edge], &[u32])> =
            edges.chunks_mut(run_len).zip(provenance.edge_sets.chunks(run_len)).collect();
        parallel::in_parallel(runs, judge);
        let subject_sets = provenance.sets;
        self.subject_sets = subject_sets;
        self.edges = edges;
    }
}
