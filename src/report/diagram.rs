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
use crate::graph::{FlowGraph, Node, Origin};
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

/// `s` broken into lines of at most `width` columns (a CJK character takes two), after
/// punctuation or at a space where the line allows, else wherever it must. Nothing is dropped
/// or shortened (a breaking space becomes the line break): a label shows the whole name.
pub fn wrap(s: &str, width: usize) -> String {
    use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};
    let width = width.max(2);
    let mut out = String::with_capacity(s.len() + 8);
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        // `start` is where the current output line begins; `cut` the last place it may end.
        let mut start = out.len();
        let mut cut: Option<(usize, bool)> = None;
        let mut cols = 0;
        for c in line.chars() {
            let w = c.width().unwrap_or(0);
            if c == ' ' && cols + w > width {
                // The space that overflows is the break.
                out.push('\n');
                start = out.len();
                cut = None;
                cols = 0;
                continue;
            }
            // Closing punctuation never starts a line (CJK line breaking): it overhangs.
            let closing =
                matches!(c, '、' | '，' | ',' | '）' | ')' | '；' | ';' | '：' | ':' | '。' | '」' | '】' | '》');
            while cols + w > width && cols > 0 && !closing {
                match cut.take() {
                    // A break that would leave the line less than half full is worse than
                    // breaking inside a word.
                    Some((at, space)) if at > start && out[start..at].width() * 2 >= width => {
                        let rest = out.split_off(if space { at + 1 } else { at });
                        if space {
                            out.pop();
                        }
                        out.push('\n');
                        start = out.len();
                        cols = rest.chars().map(|c| c.width().unwrap_or(0)).sum();
                        out.push_str(&rest);
                    }
                    _ => {
                        out.push('\n');
                        start = out.len();
                        cols = 0;
                    }
                }
            }
            if c == ' ' {
                cut = Some((out.len(), true));
            }
            out.push(c);
            cols += w;
            if matches!(c, '、' | '，' | ',' | '/' | '）' | ')' | '；' | ';' | '：' | ':' | '。') {
                cut = Some((out.len(), false));
            }
        }
    }
    out
}

/// Widths (in columns) of the wrapped texts.
const NODE_WIDTH: usize = 30;
const EDGE_WIDTH: usize = 44;
/// How many field names and purposes an edge label shows before "+k more"; the tooltip has all.
const LABEL_FIELDS: usize = 3;
const LABEL_PURPOSES: usize = 3;

/// A node as drawn: one inventory node, or a collapsed group.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum VNode {
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

fn assign(g: &FlowGraph, visible: &BTreeSet<NodeIndex>, limit: usize) -> (BTreeMap<NodeIndex, VNode>, bool) {
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
    (vnode, collapsed)
}

/// One drawn node.
#[derive(Debug, Clone)]
pub struct DrawnNode {
    /// Generated (`s0`, `y1`, `p2`, `g3`), never taken from input: safe as a DOT, SVG or HTML id.
    pub id: String,
    pub what: VNode,
    /// The inventory nodes it stands for, in index order.
    pub members: Vec<NodeIndex>,
    /// Its country cluster, when it has one country.
    pub country: Option<String>,
    /// Whether it sits inside the organization's boundary (an own system or a group of them).
    pub own: bool,
}

/// One drawn edge: the flows (graph edges) between two drawn nodes, merged.
#[derive(Debug, Clone)]
pub struct DrawnEdge {
    pub from: usize,
    pub to: usize,
    /// Indices into [`FlowGraph::edges`], ascending.
    pub edges: Vec<u32>,
}

/// What a diagram (or the interactive map) draws: the filtered graph, collapsed per country and
/// role above a node limit, with parallel flows merged.
#[derive(Debug, Clone)]
pub struct Drawing {
    pub nodes: Vec<DrawnNode>,
    pub edges: Vec<DrawnEdge>,
    pub collapsed: bool,
    /// Whether a filter left flows out.
    pub filtered: bool,
}

impl Drawing {
    pub fn new(g: &FlowGraph, filter: &Filter, collapse_above: usize) -> Drawing {
        let keep = select(g, filter);
        let filtered =
            filter.field.is_some() || filter.party.is_some() || filter.purpose.is_some() || filter.regime.is_some();
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
        let (vnode, collapsed) = assign(g, &visible, collapse_above.max(1));
        let mut members: BTreeMap<&VNode, Vec<NodeIndex>> = BTreeMap::new();
        for (&n, v) in &vnode {
            members.entry(v).or_default().push(n);
        }
        let index: BTreeMap<&VNode, usize> = members.keys().enumerate().map(|(i, v)| (*v, i)).collect();
        let nodes: Vec<DrawnNode> = members
            .iter()
            .enumerate()
            .map(|(i, (v, m))| {
                let prefix = match v {
                    VNode::One(n) => match g.graph[*n] {
                        Node::Subject(_) => "s",
                        Node::System(_) => "y",
                        Node::Party(_) => "p",
                    },
                    _ => "g",
                };
                let (country, own) = match v {
                    VNode::One(n) => (home(g, *n), matches!(g.graph[*n], Node::System(_))),
                    VNode::Parties { country, .. } | VNode::Subjects { country } => {
                        (Some(country.clone()).filter(|c| !c.contains('+')), false)
                    }
                    VNode::Systems { country } => (Some(country.clone()), true),
                };
                DrawnNode { id: format!("{prefix}{i}"), what: (*v).clone(), members: m.clone(), country, own }
            })
            .collect();
        let mut merged: BTreeMap<(usize, usize), Vec<u32>> = BTreeMap::new();
        for (i, e) in g.edges.iter().enumerate() {
            if !keep[i] {
                continue;
            }
            let (Some(a), Some(b)) = (vnode.get(&e.from), vnode.get(&e.to)) else { continue };
            if a == b && !matches!(a, VNode::One(_)) {
                continue; // flows inside a collapsed group
            }
            merged.entry((index[a], index[b])).or_default().push(i as u32);
        }
        let edges = merged.into_iter().map(|((from, to), edges)| DrawnEdge { from, to, edges }).collect();
        Drawing { nodes, edges, collapsed, filtered }
    }
}

/// The fill colour and the bilingual name of a party role.
pub fn role_style(role: Role) -> (&'static str, &'static str) {
    match role {
        Role::Processor => ("#e1d5e7", "processor 受托人"),
        Role::Controller => ("#f8cecc", "other handler\n其他个人信息处理者"),
        Role::Authority => ("#d5e8d4", "authority 国家机关"),
        Role::Public => ("#eeeeee", "public 公开"),
    }
}

const SUBJECT_FILL: &str = "#fff2cc";
const OWN_FILL: &str = "#dae8fc";
const ERROR_COLOR: &str = "#cc0000";
const BOUNDARY_COLOR: &str = "#1f4e99";

/// Parties that are the vendor of an SDK (drawn with a double border).
fn sdk_vendors(g: &FlowGraph) -> BTreeSet<NodeIndex> {
    g.inv.sdks.iter().filter_map(|s| g.node_of(&s.vendor)).collect()
}

/// What a drawn node is, in words: the name, its kind or role, its countries and its id.
pub fn node_tooltip(g: &FlowGraph, n: &DrawnNode) -> String {
    let one = |x: NodeIndex| {
        let what = match g.graph[x] {
            Node::Subject(i) => {
                let s = &g.inv.subjects[i as usize];
                let mut w = "data subjects 个人".to_owned();
                if s.children {
                    w.push_str(", incl. children 含儿童");
                }
                if let Some(v) = s.volume {
                    w.push_str(&format!(", {v} people 人"));
                }
                w
            }
            Node::System(i) => match g.inv.systems[i as usize].kind {
                Some(SystemKind::Database) => "own database 自有数据库".to_owned(),
                _ => "own system 自有系统".to_owned(),
            },
            Node::Party(i) => role_style(g.inv.parties[i as usize].role).1.replace('\n', " "),
        };
        format!("{}\n{what} · {} · id {}", g.node_name(x), g.node_countries(x).join(", "), g.node_id(x))
    };
    match &n.what {
        VNode::One(x) => one(*x),
        _ => {
            let mut s = format!("{} (collapsed 已合并):", group_label(n));
            for &m in &n.members {
                s.push_str(&format!("\n• {} ({})", g.node_name(m), g.node_id(m)));
            }
            s
        }
    }
}

fn group_label(n: &DrawnNode) -> String {
    let count = n.members.len();
    match &n.what {
        VNode::One(_) => String::new(),
        VNode::Parties { role, .. } => format!("{count} × {}", role_style(*role).1),
        VNode::Systems { .. } => format!("{count} × own systems 自有系统"),
        VNode::Subjects { .. } => format!("{count} × subject groups 主体"),
    }
}

fn node_stmt(g: &FlowGraph, n: &DrawnNode, vendors: &BTreeSet<NodeIndex>) -> Stmt {
    let mut attrs = vec![attr("id", &n.id)];
    match &n.what {
        VNode::One(x) => {
            let name = wrap(g.node_name(*x), NODE_WIDTH);
            match g.graph[*x] {
                Node::Subject(i) => {
                    let s = &g.inv.subjects[i as usize];
                    let mut label = name;
                    if s.country.0.len() > 1 {
                        label.push_str(&format!("\n[{}]", s.country.0.join(", ")));
                    }
                    if s.children {
                        label.push_str("\n(incl. children 含儿童)");
                    }
                    attrs.extend([attr("shape", "ellipse"), attr("fillcolor", SUBJECT_FILL), attr("label", &label)]);
                }
                Node::System(i) => {
                    let s = &g.inv.systems[i as usize];
                    let shape = if s.kind == Some(SystemKind::Database) { "cylinder" } else { "box" };
                    attrs.extend([
                        attr("shape", shape),
                        attr("style", "rounded,filled"),
                        attr("fillcolor", OWN_FILL),
                        attr("label", &name),
                    ]);
                }
                Node::Party(i) => {
                    let p = &g.inv.parties[i as usize];
                    let (color, role) = role_style(p.role);
                    attrs.extend([
                        attr("shape", "box"),
                        attr("style", "filled"),
                        attr("fillcolor", color),
                        attr("label", &format!("{name}\n{}", wrap(role, NODE_WIDTH))),
                    ]);
                    if vendors.contains(x) {
                        attrs.push(attr("peripheries", "2"));
                    }
                }
            }
        }
        VNode::Parties { role, .. } => attrs.extend([
            attr("shape", "box3d"),
            attr("style", "filled"),
            attr("fillcolor", role_style(*role).0),
            attr("label", &group_label(n)),
        ]),
        VNode::Systems { .. } => attrs.extend([
            attr("shape", "box3d"),
            attr("style", "filled"),
            attr("fillcolor", OWN_FILL),
            attr("label", &group_label(n)),
        ]),
        VNode::Subjects { .. } => attrs.extend([
            attr("shape", "ellipse"),
            attr("style", "filled,bold"),
            attr("fillcolor", SUBJECT_FILL),
            attr("label", &group_label(n)),
        ]),
    }
    attrs.push(attr("tooltip", &node_tooltip(g, n)));
    Stmt::Node(DotNode { id: NodeId(Id::Plain(n.id.clone()), None), attributes: attrs })
}

/// `items` joined, the first `max` of them, then `+k more`.
fn capped(items: &[&str], max: usize) -> String {
    let mut s = items.iter().take(max).copied().collect::<Vec<_>>().join(", ");
    if items.len() > max {
        s.push_str(&format!(" +{} more", items.len() - max));
    }
    s
}

/// The fields and SDK names of a merged edge, by purpose (in declaration order).
fn by_purpose<'a>(g: &FlowGraph<'a>, edges: &[u32]) -> BTreeMap<u32, (BTreeSet<u32>, BTreeSet<&'a str>)> {
    let mut out: BTreeMap<u32, (BTreeSet<u32>, BTreeSet<&str>)> = BTreeMap::new();
    for &i in edges {
        let e = &g.edges[i as usize];
        let slot = out.entry(e.purpose).or_default();
        slot.0.extend(g.fields(e).iter().copied());
        if let Origin::Sdk(s) = e.origin() {
            slot.1.insert(g.inv.sdks[s as usize].name.as_str());
        }
    }
    out
}

/// The label of a merged edge (a few names per purpose, whole) and its tooltip (everything).
fn edge_text(g: &FlowGraph, d: &Drawing, de: &DrawnEdge, codes: &BTreeSet<&str>) -> (String, String) {
    let purposes = by_purpose(g, &de.edges);
    let (max_purposes, max_fields) = if d.collapsed { (2, 2) } else { (LABEL_PURPOSES, LABEL_FIELDS) };
    let field_names = |fields: &BTreeSet<u32>| -> Vec<&str> {
        fields.iter().map(|&f| g.inv.fields[f as usize].name.as_str()).collect()
    };
    let sdk_prefix = |sdks: &BTreeSet<&str>| {
        if sdks.is_empty() {
            String::new()
        } else {
            format!("[SDK {}] ", sdks.iter().copied().collect::<Vec<_>>().join(", "))
        }
    };
    let mut label = Vec::new();
    let mut tip = vec![format!("{} → {}", drawn_name(g, &d.nodes[de.from]), drawn_name(g, &d.nodes[de.to]))];
    for (i, (p, (fields, sdks))) in purposes.iter().enumerate() {
        let purpose = &g.inv.purposes[*p as usize].name;
        let names = field_names(fields);
        if i < max_purposes {
            label.push(wrap(&format!("{}{purpose}: {}", sdk_prefix(sdks), capped(&names, max_fields)), EDGE_WIDTH));
        }
        tip.push(format!("• {}{purpose}: {}", sdk_prefix(sdks), names.join(", ")));
    }
    if purposes.len() > max_purposes {
        label.push(format!("+{} more purposes", purposes.len() - max_purposes));
    }
    if de.edges.len() > 1 {
        label.push(format!("({} flows)", de.edges.len()));
    }
    let targets: BTreeSet<&str> = de.edges.iter().map(|&i| g.edge_target(&g.edges[i as usize])).collect();
    let shown: Vec<&str> = targets.iter().copied().take(20).collect();
    let more =
        if targets.len() > shown.len() { format!(" +{} more", targets.len() - shown.len()) } else { String::new() };
    tip.push(format!("flows: {}{more}", shown.join(", ")));
    if !codes.is_empty() {
        let codes = codes.iter().copied().collect::<Vec<_>>().join(", ");
        label.push(wrap(&format!("✖ {codes}"), EDGE_WIDTH));
        tip.push(format!("errors: {codes}"));
    }
    (label.join("\n"), tip.join("\n"))
}

/// A drawn node's name: the inventory node's, or the group's.
pub fn drawn_name(g: &FlowGraph, n: &DrawnNode) -> String {
    match &n.what {
        VNode::One(x) => g.node_name(*x).to_owned(),
        _ => group_label(n),
    }
}

/// The legend: one node whose HTML-like label is a table of samples. Its text is constant but
/// for the home country's code, escaped; no other inventory text reaches an HTML label. A table
/// keeps it compact, where sample nodes and edges would each take a rank of the layout.
fn legend(collapsed: bool, home: &str) -> Stmt {
    let cell = |fill: &str, border: u8, text: &str| {
        format!("<TD BGCOLOR=\"{fill}\" BORDER=\"{border}\" ALIGN=\"LEFT\">{text}</TD>")
    };
    let (processor, controller, authority, public) = (
        role_style(Role::Processor),
        role_style(Role::Controller),
        role_style(Role::Authority),
        role_style(Role::Public),
    );
    let role = |r: (&str, &str)| cell(r.0, 1, &r.1.replace('\n', " "));
    let mut rows = vec![
        "<TR><TD COLSPAN=\"2\" BORDER=\"0\"><B>Legend 图例</B></TD></TR>".to_owned(),
        format!(
            "<TR>{}{}</TR>",
            cell(SUBJECT_FILL, 1, "data subjects 个人 (ellipse)"),
            cell(OWN_FILL, 1, "own system 自有系统 (rounded box)")
        ),
        format!("<TR>{}{}</TR>", cell(OWN_FILL, 1, "own database 自有数据库 (cylinder)"), role(processor)),
        format!("<TR>{}{}</TR>", role(controller), role(authority)),
        format!(
            "<TR>{}{}</TR>",
            role(public),
            cell("#ffffff", 3, "SDK vendor SDK 提供方 (double border, fill = role)")
        ),
    ];
    if collapsed {
        rows.push(format!(
            "<TR><TD COLSPAN=\"2\" ALIGN=\"LEFT\">{}</TD></TR>",
            "N × … (3-D box): a collapsed group per country and role 已合并"
        ));
    }
    rows.extend([
        format!(
            "<TR>{}{}</TR>",
            cell("#ffffff", 0, "──▶ flow: purpose: fields 数据流：目的：字段"),
            cell("#ffffff", 0, "╌╌▶ SDK in an own system SDK 数据流 (dashed)")
        ),
        format!(
            "<TR>{}{}</TR>",
            cell("#ffffff", 0, "<B>━━▶</B> leaves CN / the EEA 出境 / 跨境转移 (bold)"),
            cell("#ffffff", 0, &format!("<FONT COLOR=\"{ERROR_COLOR}\">──▶ carries an error finding 有违规问题 (red)</FONT>"))
        ),
        format!(
            "<TR><TD COLSPAN=\"2\" BORDER=\"0\" ALIGN=\"LEFT\"><FONT COLOR=\"{BOUNDARY_COLOR}\">blue dashed frame: \
             the organization's own systems 本组织</FONT><BR ALIGN=\"LEFT\"/>grey frame: another country 境外国家/地区; \
             no frame: {} 境内</TD></TR>",
            super::table_html::escape(home)
        ),
    ]);
    let table = format!(
        "<<TABLE BORDER=\"1\" COLOR=\"#888888\" CELLBORDER=\"1\" CELLSPACING=\"3\" CELLPADDING=\"3\">{}</TABLE>>",
        rows.concat()
    );
    Stmt::Node(DotNode {
        id: NodeId(Id::Plain("legend".into()), None),
        attributes: vec![
            attr("shape", "plaintext"),
            attr("style", ""),
            attr("fontsize", "9"),
            Attribute(Id::Plain("label".into()), Id::Html(table)),
        ],
    })
}

/// The drawn nodes of one country: own systems (inside the boundary), then the rest.
type Cluster<'v> = (Vec<&'v DrawnNode>, Vec<&'v DrawnNode>);

/// The DOT graph of a drawing. `title` ends the first title line.
pub fn build_drawing(g: &FlowGraph, findings: &[Finding], d: &Drawing, title: &str) -> Graph {
    let org = &g.inv.organization;
    let vendors = sdk_vendors(g);
    let mut countries: BTreeMap<(bool, &str), Cluster> = BTreeMap::new();
    let mut loose: Vec<&DrawnNode> = Vec::new();
    for n in &d.nodes {
        match &n.country {
            Some(c) => {
                let slot = countries.entry((*c != org.country, c.as_str())).or_default();
                if n.own { slot.0.push(n) } else { slot.1.push(n) }
            }
            None => loose.push(n),
        }
    }
    let font = "Noto Sans CJK SC,sans-serif";
    let mut stmts: Vec<Stmt> = vec![
        Stmt::GAttribute(GraphAttributes::Graph(vec![
            attr("rankdir", "LR"),
            attr("newrank", "true"),
            attr("fontname", font),
            attr("nodesep", "0.25"),
            attr("ranksep", "0.5"),
            attr("labelloc", "t"),
            attr("fontsize", "16"),
            attr(
                "label",
                &format!(
                    "{}{title}{}",
                    org.name,
                    if d.collapsed { "\n(collapsed by country and role 已按国家与身份合并)" } else { "" }
                ),
            ),
        ])),
        Stmt::GAttribute(GraphAttributes::Node(vec![
            attr("fontname", font),
            attr("fontsize", "11"),
            attr("style", "filled"),
        ])),
        Stmt::GAttribute(GraphAttributes::Edge(vec![
            attr("fontname", font),
            attr("fontsize", "9"),
            attr("color", "#555555"),
        ])),
    ];
    // The organization's own country is left unframed: a frame around nearly everything adds
    // nothing, and Graphviz lays the labels of edges that enter a nested frame outside all
    // frames, where such an outer border strikes them through.
    for (ci, ((abroad, country), (own, others))) in countries.iter().enumerate() {
        let mut inner: Vec<Stmt> = Vec::new();
        if *abroad {
            inner.push(Stmt::GAttribute(GraphAttributes::Graph(vec![
                attr("label", country),
                attr("style", "rounded"),
                attr("color", "#999999"),
                attr("fontsize", "14"),
            ])));
        }
        if !own.is_empty() {
            let mut boundary = vec![Stmt::GAttribute(GraphAttributes::Graph(vec![
                // No label: in a left-to-right layout Graphviz reserves no room for a frame's
                // label, so edge labels inside would cover it; the legend names the frame.
                attr("label", ""),
                attr("style", "dashed,bold"),
                attr("color", BOUNDARY_COLOR),
                attr("fontcolor", BOUNDARY_COLOR),
                attr("penwidth", "2"),
            ]))];
            boundary.extend(own.iter().map(|n| node_stmt(g, n, &vendors)));
            inner.push(Stmt::Subgraph(Subgraph { id: Id::Plain(format!("cluster_org_{ci}")), stmts: boundary }));
        }
        inner.extend(others.iter().map(|n| node_stmt(g, n, &vendors)));
        if *abroad {
            stmts.push(Stmt::Subgraph(Subgraph { id: Id::Plain(format!("cluster_country_{ci}")), stmts: inner }));
        } else {
            stmts.extend(inner);
        }
    }
    stmts.extend(loose.iter().map(|n| node_stmt(g, n, &vendors)));

    let errors = error_codes(findings);
    for (k, de) in d.edges.iter().enumerate() {
        let codes = edge_codes(g, &errors, de);
        let (label, tooltip) = edge_text(g, d, de, &codes);
        let mut attrs = vec![attr("id", &format!("e{k}")), attr("label", &label), attr("tooltip", &tooltip)];
        let edges = || de.edges.iter().map(|&i| &g.edges[i as usize]);
        if edges().all(|e| matches!(e.origin(), Origin::Sdk(_))) {
            attrs.push(attr("style", "dashed"));
        }
        if edges().any(|e| e.cn_export() || e.eea_transfer()) {
            attrs.push(attr("penwidth", "2.5"));
        }
        if !codes.is_empty() {
            attrs.extend([attr("color", ERROR_COLOR), attr("fontcolor", ERROR_COLOR)]);
        }
        stmts.push(Stmt::Edge(DotEdge {
            ty: EdgeTy::Pair(
                Vertex::N(NodeId(Id::Plain(d.nodes[de.from].id.clone()), None)),
                Vertex::N(NodeId(Id::Plain(d.nodes[de.to].id.clone()), None)),
            ),
            attributes: attrs,
        }));
    }
    stmts.push(legend(d.collapsed, &org.country));
    Graph::DiGraph { id: Id::Plain("piflow".into()), strict: false, stmts }
}

/// Codes of the unwaived error findings, by target.
pub fn error_codes(findings: &[Finding]) -> BTreeMap<&str, BTreeSet<&'static str>> {
    let mut errors: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for f in findings.iter().filter(|f| !f.waived && f.severity == Severity::Error) {
        errors.entry(&*f.target).or_default().insert(f.code);
    }
    errors
}

/// The error codes on the flows of a drawn edge.
pub fn edge_codes<'f>(g: &FlowGraph, errors: &BTreeMap<&str, BTreeSet<&'f str>>, de: &DrawnEdge) -> BTreeSet<&'f str> {
    de.edges
        .iter()
        .flat_map(|&i| errors.get(g.edge_target(&g.edges[i as usize])).into_iter().flatten().copied())
        .collect()
}

/// The diagram as a graphviz-rust graph.
pub fn build(g: &FlowGraph, findings: &[Finding], opts: &Options) -> Graph {
    let d = Drawing::new(g, &opts.filter, opts.collapse_above);
    let as_of = if opts.as_of.is_empty() { String::new() } else { format!(" (as of {})", opts.as_of) };
    build_drawing(g, findings, &d, &format!(" — data-flow diagram 个人信息流图{as_of}"))
}

/// A graph as DOT text.
pub fn print(graph: &Graph) -> String {
    let mut ctx = PrinterContext::default();
    let mut s = graph.print(&mut ctx);
    s.push('\n');
    s
}

/// The diagram as DOT text.
pub fn to_dot(g: &FlowGraph, findings: &[Finding], opts: &Options) -> String {
    print(&build(g, findings, opts))
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

    #[test]
    fn wrapping_keeps_every_character() {
        use unicode_width::UnicodeWidthStr;
        let cases = [
            ("Registered users 注册用户", 12),
            ("设备型号、操作系统版本、设备设置、唯一设备识别符（本机识别码）", 20),
            ("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 10),
            ("a,bbbbbbbbb设", 10),
            ("合作伙伴（向我们分享个人信息者，未具名）", 24),
            ("short", 30),
            ("line\nbreak kept as it is", 8),
            ("\"]; a -> b [label=\"pwned", 30),
        ];
        for (s, width) in cases {
            let w = wrap(s, width);
            for line in w.lines() {
                // Closing punctuation may overhang by its own width.
                let overhang =
                    line.chars().last().map_or(0, |c| if "、，,）);；：:。」】》".contains(c) { 2 } else { 0 });
                assert!(line.width() <= width + overhang, "{line:?} is wider than {width} in {w:?}");
                assert!(!line.starts_with(['、', '，', '）', '：', '。']), "{line:?} starts with closing punctuation");
            }
            // Only breaking spaces turn into line breaks.
            let squash = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            assert_eq!(squash(&w), squash(s), "{w:?}");
        }
        assert_eq!(wrap("Registered users 注册用户", 16), "Registered users\n注册用户");
        assert_eq!(wrap("会员名、手机号码、登录密码", 14), "会员名、\n手机号码、\n登录密码");
        assert_eq!(wrap("short", 30), "short");
    }
}
