//! The interactive data map (`piflow map`): one self-contained HTML file an architect opens
//! offline. The page holds the drawing (Graphviz's SVG when `dot` is there, else a layered
//! layout computed here), the inventory's flows, fields, purposes and findings as JSON, and a
//! script and style written for it (`map/map.js`, `map/map.css`; no library, no network).
//!
//! Safety: every name reaches the page as text. The SVG is re-serialised element by element
//! from an allow-list (no script, no foreignObject, no event or link attribute) with its text
//! escaped again; the JSON sits in a non-executed script element with `<`, `>`, `&`, U+2028
//! and U+2029 written as `\uXXXX`, so `</script>` or `<!--` in a name cannot end it; the script
//! builds the panels with `textContent` only. A Content-Security-Policy forbids every network
//! request.

use super::diagram::{self, Drawing, VNode, wrap};
use crate::finding::Finding;
use crate::graph::{FlowGraph, Node, Origin};
use crate::model::Regime;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

const SCRIPT: &str = include_str!("map/map.js");
const STYLE: &str = include_str!("map/map.css");

/// The DOT source Graphviz lays out for the map (the diagram's, without a filter).
pub fn dot_source(g: &FlowGraph, findings: &[Finding], d: &Drawing) -> String {
    diagram::print(&diagram::build_drawing(g, findings, d, " — data map 个人信息数据地图"))
}

#[derive(Serialize)]
struct Data<'a> {
    org: &'a str,
    country: &'a str,
    #[serde(rename = "asOf")]
    as_of: &'a str,
    collapsed: bool,
    layout: &'a str,
    nodes: Vec<NodeData<'a>>,
    edges: Vec<EdgeData>,
    flows: Vec<FlowData<'a>>,
    fields: Vec<FieldData<'a>>,
    purposes: Vec<PurposeData<'a>>,
    findings: Vec<FindingData<'a>>,
}

#[derive(Serialize)]
struct Member<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'static str,
    role: Option<&'static str>,
    countries: &'a [String],
}

#[derive(Serialize)]
struct NodeData<'a> {
    /// The drawn id (`y4`, `g2`): the SVG element's id.
    svg: String,
    name: String,
    kind: &'static str,
    members: Vec<Member<'a>>,
}

#[derive(Serialize)]
struct EdgeData {
    svg: String,
    from: usize,
    to: usize,
    flows: Vec<u32>,
}

#[derive(Serialize)]
struct FlowData<'a> {
    id: &'a str,
    kind: &'static str,
    sdk: Option<&'a str>,
    /// Inventory node ids of the two ends, and their names.
    from: &'a str,
    to: &'a str,
    #[serde(rename = "fromName")]
    from_name: &'a str,
    #[serde(rename = "toName")]
    to_name: &'a str,
    countries: Vec<&'a str>,
    fields: &'a [u32],
    purpose: u32,
    bases: BTreeMap<&'static str, &'static str>,
    consents: Vec<&'a str>,
    mechanism: Option<&'a str>,
    #[serde(rename = "crossBorder")]
    cross_border: bool,
    findings: Vec<u32>,
    /// The drawn edge showing it (none when it runs inside a collapsed group).
    edge: Option<usize>,
}

#[derive(Serialize)]
struct FieldData<'a> {
    id: &'a str,
    name: &'a str,
    category: &'a str,
    sensitive: bool,
}

#[derive(Serialize)]
struct PurposeData<'a> {
    id: &'a str,
    name: &'a str,
    retention: Option<&'a str>,
}

#[derive(Serialize)]
struct FindingData<'a> {
    code: &'static str,
    severity: &'static str,
    target: &'a str,
    message: &'a str,
    law: &'static str,
    waived: bool,
}

fn member<'a>(g: &FlowGraph<'a>, n: petgraph::graph::NodeIndex) -> Member<'a> {
    let (kind, role) = match g.graph[n] {
        Node::Subject(_) => ("subject", None),
        Node::System(_) => ("system", None),
        Node::Party(i) => ("party", Some(g.inv.parties[i as usize].role.as_str())),
    };
    Member { id: g.node_id(n), name: g.node_name(n), kind, role, countries: g.node_countries(n) }
}

fn data<'a>(g: &'a FlowGraph<'a>, findings: &'a [Finding], d: &Drawing, as_of: &'a str, layout: &'a str) -> Data<'a> {
    let inv = g.inv;
    let nodes = d
        .nodes
        .iter()
        .map(|n| NodeData {
            svg: n.id.clone(),
            name: diagram::drawn_name(g, n),
            kind: match &n.what {
                VNode::One(x) => member(g, *x).kind,
                _ => "group",
            },
            members: n.members.iter().map(|&m| member(g, m)).collect(),
        })
        .collect();
    let mut edge_of = vec![None; g.edges.len()];
    for (k, de) in d.edges.iter().enumerate() {
        for &i in &de.edges {
            edge_of[i as usize] = Some(k);
        }
    }
    let edges = d
        .edges
        .iter()
        .enumerate()
        .map(|(k, de)| EdgeData { svg: format!("e{k}"), from: de.from, to: de.to, flows: de.edges.clone() })
        .collect();
    let mut by_target: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        by_target.entry(&f.target).or_default().push(i as u32);
    }
    let flows = g
        .edges
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let target = g.edge_target(e);
            let mut countries: Vec<&str> =
                g.node_countries(e.from).iter().chain(g.node_countries(e.to)).map(String::as_str).collect();
            countries.sort_unstable();
            countries.dedup();
            let bases = Regime::ALL
                .into_iter()
                .filter(|&r| e.regimes().has(r))
                .map(|r| (r.as_str(), crate::rules::basis(g, e, r).map_or("none declared", |b| b.as_str())))
                .collect();
            FlowData {
                id: target,
                kind: if matches!(e.origin(), Origin::Sdk(_)) { "sdk" } else { e.kind.as_str() },
                sdk: match e.origin() {
                    Origin::Sdk(s) => Some(inv.sdks[s as usize].name.as_str()),
                    Origin::Flow(_) => None,
                },
                from: g.node_id(e.from),
                to: g.node_id(e.to),
                from_name: g.node_name(e.from),
                to_name: g.node_name(e.to),
                countries,
                fields: g.fields(e),
                purpose: e.purpose,
                bases,
                consents: g
                    .edge_consent_indices(e)
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .map(|c| inv.consents[c as usize].name.as_str())
                    .collect(),
                mechanism: g.edge_mechanism(e).map(|m| inv.mechanisms[m as usize].id.as_str()),
                cross_border: e.cn_export() || e.eea_transfer(),
                findings: by_target.get(target).cloned().unwrap_or_default(),
                edge: edge_of[i],
            }
        })
        .collect();
    Data {
        org: &inv.organization.name,
        country: &inv.organization.country,
        as_of,
        collapsed: d.collapsed,
        layout,
        nodes,
        edges,
        flows,
        fields: inv
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| FieldData {
                id: &f.id,
                name: &f.name,
                category: &f.category,
                sensitive: g.field_facts[i].sensitive,
            })
            .collect(),
        purposes: inv
            .purposes
            .iter()
            .map(|p| PurposeData { id: &p.id, name: &p.name, retention: p.retention.as_deref() })
            .collect(),
        findings: findings
            .iter()
            .map(|f| FindingData {
                code: f.code,
                severity: f.severity.as_str(),
                target: &f.target,
                message: &f.message,
                law: f.citation,
                waived: f.waived,
            })
            .collect(),
    }
}

/// `s` as HTML or SVG text: markup escaped, control characters (which neither may hold) as spaces.
fn escape(s: &str) -> String {
    let plain: String = s.chars().map(|c| if c.is_control() && c != '\n' { ' ' } else { c }).collect();
    super::table_html::escape(&plain)
}

/// JSON safe inside `<script type="application/json">`: nothing in it can close the element,
/// open a comment, or end a line for an old JavaScript parser.
pub fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

const SVG_ELEMENTS: &[&str] =
    &["svg", "g", "path", "polygon", "polyline", "ellipse", "circle", "rect", "line", "text", "title", "defs"];
const SVG_ATTRIBUTES: &[&str] = &[
    "id",
    "class",
    "width",
    "height",
    "viewBox",
    "transform",
    "d",
    "points",
    "cx",
    "cy",
    "rx",
    "ry",
    "r",
    "x",
    "y",
    "x1",
    "y1",
    "x2",
    "y2",
    "fill",
    "stroke",
    "stroke-width",
    "stroke-dasharray",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "text-anchor",
];

/// Graphviz's SVG, re-serialised from an allow-list: Graphviz's `<title>`s (generated ids) are
/// dropped, each tooltip link (`<a xlink:title>`) becomes a group with that text as its title.
pub fn clean_svg(svg: &str) -> Result<String, String> {
    let doc = roxmltree::Document::parse_with_options(
        svg,
        roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() },
    )
    .map_err(|e| format!("Graphviz wrote SVG that does not parse: {e}"))?;
    let mut out = String::with_capacity(svg.len());
    fn walk(n: roxmltree::Node, out: &mut String) {
        if n.is_text() {
            out.push_str(&escape(n.text().unwrap_or("")));
            return;
        }
        if !n.is_element() {
            return;
        }
        let name = n.tag_name().name();
        if name == "a" {
            let tip = n.attributes().find(|a| a.name() == "title").map(|a| a.value()).unwrap_or("");
            out.push_str("<g>");
            if !tip.is_empty() {
                out.push_str(&format!("<title>{}</title>", escape(tip)));
            }
            n.children().for_each(|c| walk(c, out));
            out.push_str("</g>");
            return;
        }
        // Graphviz titles a node or an edge with its DOT id: the tooltip above says more.
        if !SVG_ELEMENTS.contains(&name)
            || name == "title" && n.parent().is_some_and(|p| p.attribute("class").is_some())
        {
            return;
        }
        out.push('<');
        out.push_str(name);
        if name == "svg" {
            out.push_str(" xmlns=\"http://www.w3.org/2000/svg\"");
        }
        for a in n.attributes().filter(|a| a.namespace().is_none() && SVG_ATTRIBUTES.contains(&a.name())) {
            out.push_str(&format!(" {}=\"{}\"", a.name(), escape(a.value())));
        }
        out.push('>');
        n.children().for_each(|c| walk(c, out));
        out.push_str(&format!("</{name}>"));
    }
    walk(doc.root_element(), &mut out);
    Ok(out)
}

/// A layered layout of the drawing, for when Graphviz is not installed: ranks by longest path
/// (cycles broken where a depth-first walk meets them), rows ordered by a few barycentre
/// sweeps, edges as curves. Labels are the nodes' names, wrapped; edges carry none (click one).
pub fn builtin_svg(g: &FlowGraph, findings: &[Finding], d: &Drawing) -> String {
    let n = d.nodes.len();
    let mut out_adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in &d.edges {
        if e.from != e.to {
            out_adj[e.from].push(e.to);
        }
    }
    // Depth-first, iteratively: edges to a node on the stack are back edges, left out of ranking.
    let mut state = vec![0u8; n]; // 0 new, 1 on stack, 2 done
    let mut order: Vec<usize> = Vec::with_capacity(n);
    let mut forward: Vec<Vec<usize>> = vec![Vec::new(); n];
    for root in 0..n {
        if state[root] != 0 {
            continue;
        }
        let mut stack = vec![(root, 0usize)];
        state[root] = 1;
        while let Some(&mut (v, ref mut next)) = stack.last_mut() {
            if let Some(&w) = out_adj[v].get(*next) {
                *next += 1;
                match state[w] {
                    0 => {
                        forward[v].push(w);
                        state[w] = 1;
                        stack.push((w, 0));
                    }
                    2 => forward[v].push(w),
                    _ => {}
                }
            } else {
                state[v] = 2;
                order.push(v);
                stack.pop();
            }
        }
    }
    let mut rank = vec![0usize; n];
    for &v in order.iter().rev() {
        for &w in &forward[v] {
            rank[w] = rank[w].max(rank[v] + 1);
        }
    }
    let ranks = rank.iter().copied().max().map_or(0, |m| m + 1);
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); ranks];
    for v in 0..n {
        rows[rank[v]].push(v);
    }
    let mut pos = vec![0f64; n];
    let place = |rows: &Vec<Vec<usize>>, pos: &mut Vec<f64>| {
        for row in rows {
            for (i, &v) in row.iter().enumerate() {
                pos[v] = i as f64;
            }
        }
    };
    place(&rows, &mut pos);
    let mut in_adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (v, ws) in out_adj.iter().enumerate() {
        for &w in ws {
            in_adj[w].push(v);
        }
    }
    for sweep in 0..8 {
        for row in rows.iter_mut() {
            let adj = if sweep % 2 == 0 { &in_adj } else { &out_adj };
            let key = |v: usize| {
                let ns = &adj[v];
                if ns.is_empty() { pos[v] } else { ns.iter().map(|&u| pos[u]).sum::<f64>() / ns.len() as f64 }
            };
            let mut keyed: Vec<(f64, usize)> = row.iter().map(|&v| (key(v), v)).collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            *row = keyed.into_iter().map(|(_, v)| v).collect();
        }
        place(&rows, &mut pos);
    }
    const W: f64 = 210.0;
    const GAP: f64 = 150.0;
    const LINE: f64 = 15.0;
    let lines: Vec<Vec<String>> =
        d.nodes.iter().map(|x| wrap(&diagram::drawn_name(g, x), 28).lines().map(str::to_owned).collect()).collect();
    let height = |v: usize| 16.0 + LINE * lines[v].len().max(1) as f64;
    let mut xy = vec![(0f64, 0f64); n];
    let mut total_h: f64 = 0.0;
    for (r, row) in rows.iter().enumerate() {
        let mut y = 40.0;
        for &v in row {
            xy[v] = (20.0 + r as f64 * (W + GAP), y);
            y += height(v) + 24.0;
        }
        total_h = total_h.max(y);
    }
    let total_w = 40.0 + ranks as f64 * (W + GAP) - GAP;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{total_w:.0}pt\" height=\"{total_h:.0}pt\" viewBox=\"0 0 {total_w:.0} {total_h:.0}\">\
         <defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\">\
         <path d=\"M0,0 L10,5 L0,10 z\" fill=\"#555\"></path></marker></defs>\
         <text x=\"20\" y=\"22\" font-size=\"16\">{}</text>",
        escape(&format!("{} — data map 个人信息数据地图", g.inv.organization.name))
    );
    let errors = diagram::error_codes(findings);
    for (k, e) in d.edges.iter().enumerate() {
        let (a, b) = (xy[e.from], xy[e.to]);
        let (x1, y1) = (a.0 + W, a.1 + height(e.from) / 2.0);
        let (x2, y2) = (b.0, b.1 + height(e.to) / 2.0);
        let path = if x2 > x1 {
            let mid = (x1 + x2) / 2.0;
            format!("M{x1:.1},{y1:.1} C{mid:.1},{y1:.1} {mid:.1},{y2:.1} {x2:.1},{y2:.1}")
        } else {
            // A back edge or one within a rank: loop below.
            let low = y1.max(y2) + 40.0;
            format!("M{x1:.1},{y1:.1} C{:.1},{low:.1} {:.1},{low:.1} {x2:.1},{y2:.1}", x1 + 60.0, x2 - 60.0)
        };
        let flows = || e.edges.iter().map(|&i| &g.edges[i as usize]);
        let red = !diagram::edge_codes(g, &errors, e).is_empty();
        let dashed = flows().all(|f| matches!(f.origin(), Origin::Sdk(_)));
        let wide = flows().any(|f| f.cn_export() || f.eea_transfer());
        s.push_str(&format!(
            "<g id=\"e{k}\" class=\"edge\"><path d=\"{path}\" fill=\"none\" stroke=\"{}\" stroke-width=\"{}\"{} marker-end=\"url(#arrow)\"></path></g>",
            if red { "#cc0000" } else { "#555555" },
            if wide { 2.5 } else { 1.0 },
            if dashed { " stroke-dasharray=\"5,3\"" } else { "" }
        ));
    }
    for (v, node) in d.nodes.iter().enumerate() {
        let (x, y) = xy[v];
        let fill = match &node.what {
            VNode::One(m) => match g.graph[*m] {
                Node::Subject(_) => "#fff2cc",
                Node::System(_) => "#dae8fc",
                Node::Party(i) => diagram::role_style(g.inv.parties[i as usize].role).0,
            },
            VNode::Parties { role, .. } => diagram::role_style(*role).0,
            VNode::Systems { .. } => "#dae8fc",
            VNode::Subjects { .. } => "#fff2cc",
        };
        let rx = if matches!(&node.what, VNode::One(m) if matches!(g.graph[*m], Node::Subject(_))) { 20 } else { 6 };
        s.push_str(&format!(
            "<g id=\"{}\" class=\"node\"><title>{}</title><rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{W}\" height=\"{:.1}\" rx=\"{rx}\" fill=\"{fill}\" stroke=\"{}\"></rect>",
            node.id,
            escape(&diagram::node_tooltip(g, node)),
            height(v),
            if node.own { "#1f4e99" } else { "#333333" },
        ));
        for (i, line) in lines[v].iter().enumerate() {
            s.push_str(&format!(
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"12\">{}</text>",
                x + W / 2.0,
                y + 20.0 + LINE * i as f64,
                escape(line)
            ));
        }
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    s
}

/// Write the map page. `svg` is the drawing, from [`clean_svg`] or [`builtin_svg`].
pub fn write(
    g: &FlowGraph,
    findings: &[Finding],
    d: &Drawing,
    svg: &str,
    layout: &str,
    as_of: &str,
    w: &mut dyn Write,
) -> io::Result<()> {
    let json = serde_json::to_string(&data(g, findings, d, as_of, layout)).map_err(io::Error::other)?;
    let title = escape(&format!("{} — data map 个人信息数据地图 ({as_of})", g.inv.organization.name));
    write!(
        w,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n\
         <header><h1>{title}</h1>\n\
         <div id=\"controls\">\
         <input id=\"search\" type=\"search\" placeholder=\"Search names and ids 搜索\" autocomplete=\"off\">\
         <select id=\"f-field\"><option value=\"\">any field 字段</option></select>\
         <select id=\"f-party\"><option value=\"\">any node 节点</option></select>\
         <select id=\"f-country\"><option value=\"\">any country 国家</option></select>\
         <select id=\"f-finding\"><option value=\"\">any finding 问题</option></select>\
         <button id=\"clear\" type=\"button\">clear 清除</button>\
         <button id=\"zoom-out\" type=\"button\" title=\"zoom out\">−</button>\
         <button id=\"zoom-fit\" type=\"button\" title=\"fit the width\">fit</button>\
         <button id=\"zoom-in\" type=\"button\" title=\"zoom in\">+</button>\
         <span id=\"status\"></span></div></header>\n\
         <main><div id=\"canvas\">{svg}</div>\n\
         <aside id=\"panel\"><ul id=\"results\"></ul><div id=\"details\"><p class=\"hint\">Click a node or a flow to see its fields, purposes, bases, consents, mechanisms, countries and findings. 点击节点或数据流查看详情。</p></div></aside></main>\n\
         <script type=\"application/json\" id=\"map-data\">{}</script>\n\
         <script>\n{SCRIPT}</script>\n</body>\n</html>\n",
        script_json(&json)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_cannot_end_its_script_element() {
        let s = script_json(r#"{"a":"</script><!--x-->&","b":"\u2028\u2029"}"#);
        assert!(!s.contains('<') && !s.contains('>') && !s.contains('&'));
        assert!(!s.contains('\u{2028}') && !s.contains('\u{2029}'));
        let back: serde_json::Value = serde_json::from_str(&s).expect("still JSON");
        assert_eq!(back["a"], "</script><!--x-->&");
    }

    #[test]
    fn svg_is_rebuilt_from_the_allow_list() {
        let svg = r##"<?xml version="1.0"?><!DOCTYPE svg><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10pt" onload="alert(1)">
<g id="y1" class="node"><title>y1</title><g id="a_y1"><a xlink:href="javascript:alert(2)" xlink:title="&lt;b&gt;Name"><text x="1" onclick="x()">&lt;script&gt;</text></a></g></g>
<script>alert(3)</script><foreignObject><div>x</div></foreignObject></svg>"##;
        let clean = clean_svg(svg).expect("parses");
        for bad in ["onload", "onclick", "javascript", "<script", "foreignObject", "<title>y1</title>", "href"] {
            assert!(!clean.contains(bad), "{bad} in {clean}");
        }
        assert!(clean.contains("<title>&lt;b&gt;Name</title>"), "{clean}");
        assert!(clean.contains("&lt;script&gt;"), "{clean}");
        assert!(clean.contains("<g id=\"y1\" class=\"node\">"), "{clean}");
    }
}
