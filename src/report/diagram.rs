//! The data-flow diagram, built as a graphviz-rust DOT model and printed as DOT (svg/png are
//! rendered from it by the system `dot`; see the CLI).
//!
//! Subjects are ellipses, the organization's own systems rounded boxes (databases cylinders),
//! outside parties boxes coloured by role. Nodes are clustered by country; inside each country the
//! organization's own systems sit in a bold dashed cluster, its boundary. Parallel flows between
//! two nodes are merged into one edge labelled with purposes and fields; an edge carrying a flow
//! with an unwaived error finding is red and names the rule codes. Above `collapse_above` nodes,
//! parties (and then systems and subjects) are collapsed per country and role.
//!
//! Every name reaches DOT as a double-quoted string: `"` and `\` are backslash-escaped, `&` is
//! written `&amp;` (Graphviz decodes entities in labels), newlines become `\n` line breaks and
//! other control characters spaces, so no inventory text can end a string, add a statement or
//! become an HTML label. Node ids are generated (`s0`, `y1`, `p2`, …), never taken from input.

use crate::finding::{Finding, Severity};
use crate::graph::{Edge, FlowGraph, Node, Origin};
use crate::model::{Regime, Role, SystemKind};
use dot_structures::{
    Attribute, Edge as DotEdge, EdgeTy, Graph, GraphAttributes, Id, Node as DotNode, NodeId, Stmt, Subgraph, Vertex,
};
use graphviz_rust::printer::{DotPrinter, PrinterContext};
use petgraph::graph::NodeIndex;
use std::collections::{BTreeMap, BTreeSet};

/// Which flows to draw.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only flows carrying this field (index).
    pub field: Option<u32>,
    /// Only flows reaching or leaving this party, and the flows upstream that feed it.
    pub party: Option<NodeIndex>,
    /// Only flows of this purpose (index).
    pub purpose: Option<u32>,
    pub regime: Option<Regime>,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub filter: Filter,
    /// Collapse nodes per country (and role) when more than this many would be drawn.
    pub collapse_above: usize,
    /// Printed in the title.
    pub as_of: String,
}

impl Default for Options {
    fn default() -> Self {
        Options { filter: Filter::default(), collapse_above: 60, as_of: String::new() }
    }
}

/// A DOT double-quoted string holding `s` as text (see the module docs).
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '&' => out.push_str("&amp;"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The text Graphviz shows for a label written by [`quote`] (used by tests reading DOT back).
pub fn unquote(label: &str) -> String {
    let inner = label.strip_prefix('"').and_then(|l| l.strip_suffix('"')).unwrap_or(label);
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(o) => out.push(o),
                None => out.push('\\'),
            }
        } else {
            out.push(c);
        }
    }
    out.replace("&amp;", "&")
}

fn attr(k: &str, v: &str) -> Attribute {
    Attribute(Id::Plain(k.to_owned()), Id::Escaped(quote(v)))
}

/// A node as drawn: one inventory node, or a collapsed group.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum VNode {
    One(NodeIndex),
    Parties { country: String, role: Role },
    Systems { country: String },
    Subjects { country: String },
}

/// Which edges pass the filter.
fn select(g: &FlowGraph, f: &Filter) -> Vec<bool> {
    let mut keep: Vec<bool> = g
        .edges
        .iter()
        .map(|e| {
            f.regime.is_none_or(|r| e.regimes().has(r))
                && f.purpose.is_none_or(|p| e.purpose == p)
                && f.field.is_none_or(|x| g.fields(e).contains(&x))
        })
        .collect();
    if let Some(p) = f.party {
        // Edges touching the party, then upstream edges that bring the same fields to the
        // source of an edge already kept.
        let mut into: BTreeMap<NodeIndex, Vec<usize>> = BTreeMap::new();
        for (i, e) in g.edges.iter().enumerate() {
            if keep[i] {
                into.entry(e.to).or_default().push(i);
            }
        }
        let mut chosen = vec![false; g.edges.len()];
        let mut stack: Vec<usize> = Vec::new();
        for (i, e) in g.edges.iter().enumerate() {
            if keep[i] && (e.to == p || e.from == p) {
                chosen[i] = true;
                if e.to == p {
                    stack.push(i);
                }
            }
        }
        while let Some(i) = stack.pop() {
            let e = &g.edges[i];
            let fields = g.fields(e);
            for &j in into.get(&e.from).into_iter().flatten() {
                if !chosen[j] && g.fields(&g.edges[j]).iter().any(|x| fields.contains(x)) {
                    chosen[j] = true;
                    stack.push(j);
                }
            }
        }
        keep = chosen;
    }
    keep
}

fn home(g: &FlowGraph, n: NodeIndex) -> Option<String> {
    match g.node_countries(n) {
        [one] => Some(one.clone()),
        _ => None,
    }
}

struct Drawn {
    vnode: BTreeMap<NodeIndex, VNode>,
    collapsed: bool,
}

fn assign(g: &FlowGraph, visible: &BTreeSet<NodeIndex>, limit: usize) -> Drawn {
    let mut vnode: BTreeMap<NodeIndex, VNode> = visible.iter().map(|&n| (n, VNode::One(n))).collect();
    let count = |v: &BTreeMap<NodeIndex, VNode>| v.values().collect::<BTreeSet<_>>().len();
    let mut collapsed = false;
    for stage in 0..3 {
        if count(&vnode) <= limit {
            break;
        }
        collapsed = true;
        for (&n, v) in vnode.iter_mut() {
            let country = g.node_countries(n).join("+");
            match (stage, g.graph[n]) {
                (0, Node::Party(i)) => *v = VNode::Parties { country, role: g.inv.parties[i as usize].role },
                (1, Node::System(_)) => *v = VNode::Systems { country },
                (2, Node::Subject(_)) => *v = VNode::Subjects { country },
                _ => {}
            }
        }
    }
    Drawn { vnode, collapsed }
}

fn role_style(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Processor => ("#e1d5e7", "processor 受托人"),
        Role::Controller => ("#f8cecc", "controller 其他处理者"),
        Role::Authority => ("#d5e8d4", "authority 国家机关"),
        Role::Public => ("#eeeeee", "public 公开"),
    }
}

fn node_stmt(g: &FlowGraph, id: &str, v: &VNode, members: usize) -> Stmt {
    let mut attrs = Vec::new();
    match v {
        VNode::One(n) => {
            let name = g.node_name(*n);
            match g.graph[*n] {
                Node::Subject(i) => {
                    let s = &g.inv.subjects[i as usize];
                    let mut label = name.to_owned();
                    if s.country.0.len() > 1 {
                        label.push_str(&format!("\n[{}]", s.country.0.join(", ")));
                    }
                    if s.children {
                        label.push_str("\n(incl. children 含儿童)");
                    }
                    attrs.extend([attr("shape", "ellipse"), attr("fillcolor", "#fff2cc"), attr("label", &label)]);
                }
                Node::System(i) => {
                    let s = &g.inv.systems[i as usize];
                    let shape = if s.kind == Some(SystemKind::Database) { "cylinder" } else { "box" };
                    attrs.extend([
                        attr("shape", shape),
                        attr("style", "rounded,filled"),
                        attr("fillcolor", "#dae8fc"),
                        attr("label", name),
                    ]);
                }
                Node::Party(i) => {
                    let p = &g.inv.parties[i as usize];
                    let (color, role) = role_style(p.role);
                    attrs.extend([
                        attr("shape", "box"),
                        attr("style", "filled"),
                        attr("fillcolor", color),
                        attr("label", &format!("{name}\n{role}")),
                    ]);
                }
            }
        }
        VNode::Parties { role, .. } => {
            let (color, role) = role_style(*role);
            attrs.extend([
                attr("shape", "box3d"),
                attr("style", "filled"),
                attr("fillcolor", color),
                attr("label", &format!("{members} × {role}")),
            ]);
        }
        VNode::Systems { .. } => attrs.extend([
            attr("shape", "box3d"),
            attr("style", "filled"),
            attr("fillcolor", "#dae8fc"),
            attr("label", &format!("{members} × own systems 自有系统")),
        ]),
        VNode::Subjects { .. } => attrs.extend([
            attr("shape", "ellipse"),
            attr("style", "filled,bold"),
            attr("fillcolor", "#fff2cc"),
            attr("label", &format!("{members} × subject groups 主体")),
        ]),
    }
    Stmt::Node(DotNode { id: NodeId(Id::Plain(id.to_owned()), None), attributes: attrs })
}

/// At most `max` characters of `s`, with `…` when cut.
fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_owned() } else { s.chars().take(max - 1).collect::<String>() + "…" }
}

/// Shorten a list for a label: the first `max` items, then `+N`.
fn capped(items: &[&str], max: usize) -> String {
    let mut s = items.iter().take(max).copied().collect::<Vec<_>>().join(", ");
    if items.len() > max {
        s.push_str(&format!(" +{}", items.len() - max));
    }
    s
}

fn edge_label(g: &FlowGraph, edges: &[&Edge], collapsed: bool, errors: &BTreeSet<&str>) -> String {
    // purpose -> fields, sdk names
    let mut by_purpose: BTreeMap<u32, (BTreeSet<u32>, BTreeSet<&str>)> = BTreeMap::new();
    for e in edges {
        let slot = by_purpose.entry(e.purpose).or_default();
        slot.0.extend(g.fields(e).iter().copied());
        if let Origin::Sdk(i) = e.origin() {
            slot.1.insert(g.inv.sdks[i as usize].name.as_str());
        }
    }
    let max_lines = if collapsed { 2 } else { 3 };
    let max_fields = if collapsed { 2 } else { 4 };
    let mut lines = Vec::new();
    for (p, (fields, sdks)) in by_purpose.iter().take(max_lines) {
        let names: Vec<String> = fields.iter().map(|&f| short(&g.inv.fields[f as usize].name, 14)).collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut line = format!("{}: {}", short(&g.inv.purposes[*p as usize].name, 20), capped(&names, max_fields));
        if !sdks.is_empty() {
            line = format!("[SDK {}] {line}", sdks.iter().copied().collect::<Vec<_>>().join(", "));
        }
        lines.push(line);
    }
    if by_purpose.len() > max_lines {
        lines.push(format!("+{} purposes", by_purpose.len() - max_lines));
    }
    if edges.len() > 1 {
        lines.push(format!("({} flows)", edges.len()));
    }
    if !errors.is_empty() {
        lines.push(format!("✖ {}", errors.iter().copied().collect::<Vec<_>>().join(", ")));
    }
    lines.join("\n")
}

fn legend() -> Stmt {
    let n = |id: &str, attrs: Vec<Attribute>| {
        Stmt::Node(DotNode { id: NodeId(Id::Plain(id.into()), None), attributes: attrs })
    };
    let e = |a: &str, b: &str, attrs: Vec<Attribute>| {
        Stmt::Edge(DotEdge {
            ty: EdgeTy::Pair(
                Vertex::N(NodeId(Id::Plain(a.into()), None)),
                Vertex::N(NodeId(Id::Plain(b.into()), None)),
            ),
            attributes: attrs,
        })
    };
    let point = || vec![attr("shape", "point"), attr("width", "0.05"), attr("label", "")];
    Stmt::Subgraph(Subgraph {
        id: Id::Plain("cluster_legend".into()),
        stmts: vec![
            Stmt::GAttribute(GraphAttributes::Graph(vec![
                attr("label", "Legend 图例"),
                attr("style", "rounded"),
                attr("color", "#888888"),
                attr("fontsize", "11"),
            ])),
            Stmt::GAttribute(GraphAttributes::Node(vec![attr("fontsize", "9")])),
            n(
                "legend_subject",
                vec![attr("shape", "ellipse"), attr("fillcolor", "#fff2cc"), attr("label", "data subjects 个人")],
            ),
            n(
                "legend_system",
                vec![
                    attr("shape", "box"),
                    attr("style", "rounded,filled"),
                    attr("fillcolor", "#dae8fc"),
                    attr("label", "own system 自有系统"),
                ],
            ),
            n(
                "legend_db",
                vec![attr("shape", "cylinder"), attr("fillcolor", "#dae8fc"), attr("label", "own database 数据库")],
            ),
            n(
                "legend_party",
                vec![
                    attr("shape", "box"),
                    attr("fillcolor", "#e1d5e7"),
                    attr("label", "outside party 第三方\n(colour = role 颜色=身份)"),
                ],
            ),
            n("legend_a", point()),
            n("legend_b", point()),
            n("legend_c", point()),
            n("legend_d", point()),
            n("legend_e", point()),
            n("legend_f", point()),
            n("legend_g", point()),
            n("legend_h", point()),
            e("legend_subject", "legend_system", vec![attr("style", "invis")]),
            e("legend_db", "legend_party", vec![attr("style", "invis")]),
            e(
                "legend_a",
                "legend_b",
                vec![attr("label", "flow: purpose: fields\n数据流：目的：字段"), attr("fontsize", "9")],
            ),
            e("legend_c", "legend_d", vec![attr("label", "SDK"), attr("style", "dashed"), attr("fontsize", "9")]),
            e(
                "legend_e",
                "legend_f",
                vec![attr("label", "cross-border 出境/转移"), attr("penwidth", "2.5"), attr("fontsize", "9")],
            ),
            e(
                "legend_g",
                "legend_h",
                vec![
                    attr("label", "error finding 违规"),
                    attr("color", "#cc0000"),
                    attr("fontcolor", "#cc0000"),
                    attr("fontsize", "9"),
                ],
            ),
        ],
    })
}

/// The drawn nodes of one country: own systems (inside the boundary), then the rest.
type Cluster<'v> = (Vec<&'v VNode>, Vec<&'v VNode>);

/// The diagram as a graphviz-rust graph.
pub fn build(g: &FlowGraph, findings: &[Finding], opts: &Options) -> Graph {
    let keep = select(g, &opts.filter);
    let filtered = opts.filter.field.is_some()
        || opts.filter.party.is_some()
        || opts.filter.purpose.is_some()
        || opts.filter.regime.is_some();
    let mut visible: BTreeSet<NodeIndex> = BTreeSet::new();
    for (i, e) in g.edges.iter().enumerate() {
        if keep[i] {
            visible.insert(e.from);
            visible.insert(e.to);
        }
    }
    if !filtered {
        visible.extend(g.graph.node_indices());
    }
    let drawn = assign(g, &visible, opts.collapse_above.max(1));

    // Ids: one per drawn node, in a stable order.
    let mut members: BTreeMap<&VNode, usize> = BTreeMap::new();
    for v in drawn.vnode.values() {
        *members.entry(v).or_default() += 1;
    }
    let ids: BTreeMap<&VNode, String> = members
        .keys()
        .enumerate()
        .map(|(i, v)| {
            let prefix = match v {
                VNode::One(n) => match g.graph[*n] {
                    Node::Subject(_) => "s",
                    Node::System(_) => "y",
                    Node::Party(_) => "p",
                },
                _ => "g",
            };
            (*v, format!("{prefix}{i}"))
        })
        .collect();

    // Clusters: country -> (own systems, others).
    let org = &g.inv.organization;
    let mut countries: BTreeMap<(bool, String), Cluster> = BTreeMap::new();
    let mut loose: Vec<&VNode> = Vec::new();
    for v in members.keys() {
        let (country, own) = match v {
            VNode::One(n) => (home(g, *n), matches!(g.graph[*n], Node::System(_))),
            VNode::Parties { country, .. } | VNode::Subjects { country } => {
                (Some(country.clone()).filter(|c| !c.contains('+')), false)
            }
            VNode::Systems { country } => (Some(country.clone()), true),
        };
        match country {
            Some(c) => {
                let slot = countries.entry((c != org.country, c)).or_default();
                if own { slot.0.push(v) } else { slot.1.push(v) }
            }
            None => loose.push(v),
        }
    }

    let mut stmts: Vec<Stmt> = vec![
        Stmt::GAttribute(GraphAttributes::Graph(vec![
            attr("rankdir", "LR"),
            attr("newrank", "true"),
            attr("fontname", "Noto Sans CJK SC,sans-serif"),
            attr("nodesep", "0.35"),
            attr("ranksep", "1.1"),
            attr("labelloc", "t"),
            attr("fontsize", "16"),
            attr(
                "label",
                &format!(
                    "{} — data-flow diagram 个人信息流图{}{}",
                    org.name,
                    if opts.as_of.is_empty() { String::new() } else { format!(" (as of {})", opts.as_of) },
                    if drawn.collapsed { "\n(collapsed by country and role 已按国家与身份合并)" } else { "" }
                ),
            ),
        ])),
        Stmt::GAttribute(GraphAttributes::Node(vec![
            attr("fontname", "Noto Sans CJK SC,sans-serif"),
            attr("fontsize", "11"),
            attr("style", "filled"),
        ])),
        Stmt::GAttribute(GraphAttributes::Edge(vec![
            attr("fontname", "Noto Sans CJK SC,sans-serif"),
            attr("fontsize", "9"),
            attr("color", "#555555"),
        ])),
    ];
    for (ci, ((_, country), (own, others))) in countries.iter().enumerate() {
        let mut inner: Vec<Stmt> = vec![Stmt::GAttribute(GraphAttributes::Graph(vec![
            attr("label", country),
            attr("style", "rounded"),
            attr("color", "#999999"),
            attr("fontsize", "14"),
        ]))];
        if !own.is_empty() {
            let mut boundary = vec![Stmt::GAttribute(GraphAttributes::Graph(vec![
                attr("label", &org.name),
                attr("style", "dashed,bold"),
                attr("color", "#1f4e99"),
                attr("fontcolor", "#1f4e99"),
                attr("penwidth", "2"),
            ]))];
            boundary.extend(own.iter().map(|v| node_stmt(g, &ids[*v], v, members[*v])));
            inner.push(Stmt::Subgraph(Subgraph { id: Id::Plain(format!("cluster_org_{ci}")), stmts: boundary }));
        }
        inner.extend(others.iter().map(|v| node_stmt(g, &ids[*v], v, members[*v])));
        stmts.push(Stmt::Subgraph(Subgraph { id: Id::Plain(format!("cluster_country_{ci}")), stmts: inner }));
    }
    stmts.extend(loose.iter().map(|v| node_stmt(g, &ids[*v], v, members[*v])));

    // Errors by target (unwaived).
    let mut errors: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for f in findings.iter().filter(|f| !f.waived && f.severity == Severity::Error) {
        errors.entry(&*f.target).or_default().insert(f.code);
    }
    // Merge parallel edges.
    let mut merged: BTreeMap<(&VNode, &VNode), Vec<&Edge>> = BTreeMap::new();
    for (i, e) in g.edges.iter().enumerate() {
        if !keep[i] {
            continue;
        }
        let (Some(a), Some(b)) = (drawn.vnode.get(&e.from), drawn.vnode.get(&e.to)) else { continue };
        if a == b && !matches!(a, VNode::One(_)) {
            continue; // flows inside a collapsed group
        }
        merged.entry((a, b)).or_default().push(e);
    }
    for ((a, b), edges) in &merged {
        let codes: BTreeSet<&str> =
            edges.iter().flat_map(|e| errors.get(g.edge_target(e)).into_iter().flatten().copied()).collect();
        let mut attrs = vec![attr("label", &edge_label(g, edges, drawn.collapsed, &codes))];
        if edges.iter().all(|e| matches!(e.origin(), Origin::Sdk(_))) {
            attrs.push(attr("style", "dashed"));
        }
        if edges.iter().any(|e| e.cn_export() || e.eea_transfer()) {
            attrs.push(attr("penwidth", "2.5"));
        }
        if !codes.is_empty() {
            attrs.extend([attr("color", "#cc0000"), attr("fontcolor", "#cc0000")]);
        }
        stmts.push(Stmt::Edge(DotEdge {
            ty: EdgeTy::Pair(
                Vertex::N(NodeId(Id::Plain(ids[*a].clone()), None)),
                Vertex::N(NodeId(Id::Plain(ids[*b].clone()), None)),
            ),
            attributes: attrs,
        }));
    }
    stmts.push(legend());
    Graph::DiGraph { id: Id::Plain("piflow".into()), strict: false, stmts }
}

/// The diagram as DOT text.
pub fn to_dot(g: &FlowGraph, findings: &[Finding], opts: &Options) -> String {
    let graph = build(g, findings, opts);
    let mut ctx = PrinterContext::default();
    let mut s = graph.print(&mut ctx);
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(quote("x\ny"), r#""x\ny""#);
        assert_eq!(quote("<b>&"), r#""<b>&amp;""#);
        for s in ["\"]; a -> b [", "<script>", "{x}", "a\\nb", "&lt;"] {
            assert_eq!(unquote(&quote(s)), s);
        }
    }
}
