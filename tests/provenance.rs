//! Provenance against a plain reference on random graphs (proptest).
//!
//! `FlowGraph::build` computes whose data each edge carries over strongly connected components
//! with shared, numbered sets (src/graph/provenance.rs). Here the same thing is computed the
//! obvious way — per field, every flow adds what its source holds (and the subjects it names)
//! to its destination, over and over until nothing changes — on rings, chains, cliques, random
//! graphs and many subject groups (across 64-bit words), and the two must agree on every edge's
//! set and on the hops from nowhere.
//!
//! CI runs 64 cases (a second or two); set `PIFLOW_PROPTEST_CASES=5000` for a long run.

use piflow::graph::FlowGraph;
use piflow::load::{self, LoadOptions};
use piflow::rules;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

fn cases(default: u32) -> u32 {
    std::env::var("PIFLOW_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// How the systems are wired.
#[derive(Debug, Clone, Copy)]
enum Shape {
    Chain,
    Ring,
    Clique,
    Random,
}

#[derive(Debug, Clone)]
struct Graph {
    subjects: usize,
    systems: usize,
    parties: usize,
    fields: usize,
    shape: Shape,
    seed: u64,
}

/// A small deterministic generator, so one proptest case is one graph.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// One flow, as the reference sees it: ends as node ids, field ids, named subjects.
#[derive(Debug, Clone)]
struct Flow {
    from: String,
    to: String,
    fields: Vec<String>,
    subjects: Vec<String>,
}

fn flows_of(g: &Graph) -> Vec<Flow> {
    let mut rng = Rng(g.seed | 1);
    let sys = |i: usize| format!("y{i}");
    let mut pairs: Vec<(String, String)> = Vec::new();
    match g.shape {
        Shape::Chain => pairs.extend((1..g.systems).map(|i| (sys(i - 1), sys(i)))),
        Shape::Ring => {
            pairs.extend((0..g.systems).map(|i| (sys(i), sys((i + 1) % g.systems))));
            pairs.extend(
                (0..g.systems).filter(|_| rng.chance(30)).map(|i| (sys(i), sys((i + g.systems / 2) % g.systems))),
            );
        }
        Shape::Clique => pairs.extend(
            (0..g.systems).flat_map(|i| (0..g.systems).filter(move |&j| j != i).map(move |j| (sys(i), sys(j)))),
        ),
        Shape::Random => {
            for _ in 0..g.systems * 2 {
                pairs.push((sys(rng.below(g.systems)), sys(rng.below(g.systems))));
            }
        }
    }
    // Groups collect into systems (some into none: then their systems' data comes from nowhere).
    for s in 0..g.subjects {
        if rng.chance(80) {
            pairs.push((format!("s{s}"), sys(rng.below(g.systems))));
        }
    }
    // Parties receive, pass on, and send back (a party's data may come from nowhere).
    for p in 0..g.parties {
        pairs.push((sys(rng.below(g.systems)), format!("p{p}")));
        if rng.chance(50) {
            pairs.push((format!("p{p}"), sys(rng.below(g.systems))));
        }
        if rng.chance(30) {
            pairs.push((format!("p{p}"), format!("p{}", rng.below(g.parties))));
        }
    }
    // A flow connects two different nodes (load refuses a loop).
    pairs
        .into_iter()
        .filter(|(from, to)| from != to)
        .map(|(from, to)| {
            let mut fields: Vec<String> = (0..g.fields).filter(|_| rng.chance(50)).map(|f| format!("f{f}")).collect();
            if fields.is_empty() || rng.chance(10) {
                fields.push(format!("f{}", rng.below(g.fields)));
            }
            let subjects = if rng.chance(15) {
                (0..1 + rng.below(3)).map(|_| format!("s{}", rng.below(g.subjects))).collect()
            } else {
                Vec::new()
            };
            Flow { from, to, fields, subjects }
        })
        .collect()
}

fn inventory(g: &Graph, flows: &[Flow]) -> Value {
    let subjects: Vec<Value> = (0..g.subjects)
        .map(|i| json!({"id": format!("s{i}"), "name": format!("Group {i}"), "country": if i % 3 == 0 { "DE" } else { "CN" }}))
        .collect();
    let systems: Vec<Value> = (0..g.systems)
        .map(|i| json!({"id": format!("y{i}"), "name": format!("System {i}"), "country": "CN", "kind": "service"}))
        .collect();
    let parties: Vec<Value> = (0..g.parties)
        .map(|i| json!({"id": format!("p{i}"), "name": format!("Party {i}"), "country": "SG", "role": "controller"}))
        .collect();
    let fields: Vec<Value> = (0..g.fields)
        .map(|i| json!({"id": format!("f{i}"), "name": format!("Field {i}"), "category": "contact.email"}))
        .collect();
    let flows: Vec<Value> = flows
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let mut v =
                json!({"id": format!("flow-{i}"), "from": f.from, "to": f.to, "fields": f.fields, "purpose": "u"});
            if !f.subjects.is_empty() {
                v["subjects"] = json!(f.subjects);
            }
            v
        })
        .collect();
    json!({
        "piflow": 1,
        "organization": {"id": "org", "name": "Org", "country": "CN"},
        "subjects": subjects, "systems": systems, "parties": parties, "fields": fields,
        "purposes": [{"id": "u", "name": "Use", "basis": "contract"}],
        "flows": flows,
    })
}

/// The plain reference: per field, a fixed point reached by adding along every flow until
/// nothing changes. Returns each flow's set of group ids, and `(flow, fields)` from nowhere.
fn reference(flows: &[Flow]) -> (Vec<BTreeSet<String>>, BTreeMap<usize, BTreeSet<String>>) {
    let is_subject = |n: &str| n.starts_with('s');
    let fields: BTreeSet<&String> = flows.iter().flat_map(|f| &f.fields).collect();
    let mut sets = vec![BTreeSet::new(); flows.len()];
    let mut nowhere: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    for field in fields {
        let carrying: Vec<usize> = (0..flows.len()).filter(|&i| flows[i].fields.contains(field)).collect();
        let mut holds: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for &i in &carrying {
            if is_subject(&flows[i].from) {
                holds.entry(&flows[i].from).or_default().insert(flows[i].from.clone());
            }
        }
        loop {
            let mut changed = false;
            for &i in &carrying {
                let f = &flows[i];
                let mut brings: BTreeSet<String> = if is_subject(&f.from) && !f.subjects.is_empty() {
                    BTreeSet::new()
                } else {
                    holds.get(f.from.as_str()).cloned().unwrap_or_default()
                };
                brings.extend(f.subjects.iter().cloned());
                let to = holds.entry(&f.to).or_default();
                for s in brings {
                    changed |= to.insert(s);
                }
            }
            if !changed {
                break;
            }
        }
        for &i in &carrying {
            let f = &flows[i];
            // A group's flow that names subjects carries theirs, not the group's own.
            if !is_subject(&f.from) || f.subjects.is_empty() {
                sets[i].extend(holds.get(f.from.as_str()).cloned().unwrap_or_default());
            }
            sets[i].extend(f.subjects.iter().cloned());
            let brought = carrying.iter().any(|&j| flows[j].to == f.from);
            let party_names_subjects = f.from.starts_with('p') && !f.subjects.is_empty();
            if !is_subject(&f.from) && !brought && !party_names_subjects {
                nowhere.entry(i).or_default().insert(field.clone());
            }
        }
    }
    (sets, nowhere)
}

fn graph() -> impl Strategy<Value = Graph> {
    (
        prop_oneof![1usize..5, 60usize..200],
        1usize..12,
        0usize..4,
        1usize..5,
        prop_oneof![Just(Shape::Chain), Just(Shape::Ring), Just(Shape::Clique), Just(Shape::Random)],
        any::<u64>(),
    )
        .prop_map(|(subjects, systems, parties, fields, shape, seed)| Graph {
            subjects,
            systems,
            parties,
            fields,
            shape,
            seed,
        })
}

fn check(g: &Graph) -> Result<(), TestCaseError> {
    let flows = flows_of(g);
    let text = serde_json::to_string(&inventory(g, &flows)).expect("json");
    let opts = LoadOptions { rule_codes: rules::codes(), release_text: false, ..LoadOptions::default() };
    let loaded = load::load_str("gen.json", &text, &opts).unwrap_or_else(|f| panic!("does not load:\n{}", f.errors));
    let inv = &loaded.inventory;
    let graph = FlowGraph::build(inv);
    let (want, want_nowhere) = reference(&flows);
    prop_assert_eq!(graph.edges.len(), flows.len());
    for (e, edge) in graph.edges.iter().enumerate() {
        let piflow::graph::Origin::Flow(i) = edge.origin() else { unreachable!("no sdks here") };
        let i: usize = inv.flows[i as usize].id.strip_prefix("flow-").expect("id").parse().expect("number");
        let got: BTreeSet<String> =
            graph.subjects_in(edge.provenance).map(|s| inv.subjects[s as usize].id.clone()).collect();
        prop_assert_eq!(&got, &want[i], "edge {} (flow-{}: {} -> {})", e, i, &flows[i].from, &flows[i].to);
    }
    let got_nowhere: BTreeMap<usize, BTreeSet<String>> = graph
        .from_nowhere
        .iter()
        .map(|(e, fs)| {
            let piflow::graph::Origin::Flow(i) = graph.edges[*e as usize].origin() else { unreachable!() };
            let i: usize = inv.flows[i as usize].id.strip_prefix("flow-").expect("id").parse().expect("number");
            (i, fs.iter().map(|&f| inv.fields[f as usize].id.clone()).collect())
        })
        .collect();
    prop_assert_eq!(got_nowhere, want_nowhere);
    // Sets are numbered in order of first appearance over the edges, 0 being the empty set, and
    // each is stored once.
    prop_assert!(graph.subject_sets[0].iter().all(|&w| w == 0));
    let mut next = 1;
    for edge in &graph.edges {
        if edge.provenance == next {
            next += 1;
        }
        prop_assert!(edge.provenance < next);
    }
    prop_assert_eq!(next as usize, graph.subject_sets.len());
    let distinct: BTreeSet<&[u64]> = graph.subject_sets.iter().map(|s| &s[..]).collect();
    prop_assert_eq!(distinct.len(), graph.subject_sets.len());
    Ok(())
}

#[test]
fn provenance_matches_the_plain_fixed_point() {
    let mut runner = TestRunner::new(Config { cases: cases(64), ..Config::default() });
    runner.run(&graph(), |g| check(&g)).expect("provenance agrees with the reference");
}

/// The shape, small: many groups into the head of a chain, every field along it.
#[test]
fn many_groups_through_a_chain() {
    for shape in [Shape::Chain, Shape::Ring, Shape::Clique] {
        check(&Graph { subjects: 300, systems: 20, parties: 2, fields: 6, shape, seed: 42 }).expect("agrees");
    }
}

/// A field the account holder gives about other people (kunjicloud's message recipients) is
/// theirs: a collect flow naming `subjects` carries those groups, not the holder's, here and on
/// every flow after it; a collect flow that names the holder too carries both.
#[test]
fn a_collect_flow_naming_subjects_carries_theirs_not_the_account_holders() {
    let inv = json!({
        "piflow": 1,
        "organization": {"id": "o", "name": "O", "country": "CN"},
        "subjects": [
            {"id": "users", "name": "Users", "country": "CN", "volume": 50},
            {"id": "contacts", "name": "Recipients", "country": "CN"}
        ],
        "fields": [
            {"id": "recipient-email", "name": "Recipient email", "category": "contact.email"},
            {"id": "own-phone", "name": "Own phone", "category": "contact.phone"}
        ],
        "systems": [{"id": "web", "name": "Web", "country": "CN"}],
        "parties": [{"id": "mail", "name": "Mail Inc", "country": "US", "role": "processor"}],
        "purposes": [{"id": "notices", "name": "Notices", "basis": "contract"}],
        "flows": [
            {"id": "recipients", "from": "users", "to": "web", "fields": ["recipient-email"], "purpose": "notices", "subjects": ["contacts"]},
            {"id": "both", "from": "users", "to": "web", "fields": ["own-phone"], "purpose": "notices", "subjects": ["users", "contacts"]},
            {"id": "out", "from": "web", "to": "mail", "fields": ["recipient-email"], "purpose": "notices"}
        ]
    });
    let opts = LoadOptions { rule_codes: rules::codes(), ..LoadOptions::default() };
    let loaded = load::load_str("inv.json", &inv.to_string(), &opts).unwrap_or_else(|f| panic!("{}", f.errors));
    let inv = &loaded.inventory;
    let graph = FlowGraph::build(inv);
    let whose = |flow: &str| -> Vec<String> {
        let edge = graph.edges.iter().find(|e| graph.edge_target(e) == flow).expect("edge");
        let mut ids: Vec<String> =
            graph.subjects_in(edge.provenance).map(|s| inv.subjects[s as usize].id.clone()).collect();
        ids.sort_unstable();
        ids
    };
    assert_eq!(whose("recipients"), ["contacts"]);
    assert_eq!(whose("out"), ["contacts"], "the recipients' data, passed on");
    assert_eq!(whose("both"), ["contacts", "users"]);
}
