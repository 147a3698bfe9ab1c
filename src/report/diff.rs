//! `piflow diff`: what a change to the inventory does to the flow map and to the findings, for
//! PR review. Both sides are loaded, built into graphs and checked exactly as `check` does; the
//! diff compares the derived facts (not the files), so moving entries between parts or reordering
//! them shows nothing.

use super::table_md::escape as md;
use crate::finding::{Finding, Severity};
use crate::graph::{FlowGraph, Origin};
use crate::source::escape::sanitize;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// One flow as the diff sees it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FlowFacts {
    /// The flow id, or `sdk-id@system` for an sdk's flow.
    pub id: String,
    pub kind: String,
    pub from: String,
    pub to: String,
    pub to_country: Vec<String>,
    pub fields: Vec<String>,
    pub sensitive: Vec<String>,
    /// `PIPL` (leaves CN) and/or `GDPR` (leaves the EEA).
    pub cross_border: Vec<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FindingBrief {
    pub code: String,
    pub severity: Severity,
    pub regime: Option<String>,
    pub target: String,
    pub message: String,
}

/// A flow present on both sides (same id) whose facts differ: redirected to a new destination,
/// carrying other fields, crossing a border it did not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowChange {
    pub id: String,
    /// What differs, in the order a reviewer reads it: `from`, `to`, `kind`, `to_country`,
    /// `fields`, `sensitive`, `cross_border`.
    pub changed: Vec<&'static str>,
    pub before: FlowFacts,
    pub after: FlowFacts,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Diff {
    /// The inventory does not exist on the old side (the change adds it): every flow is added.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub inventory_added: bool,
    pub flows_added: Vec<FlowFacts>,
    pub flows_removed: Vec<FlowFacts>,
    /// Flows with the same id on both sides whose destination, source, fields or countries differ.
    pub flows_changed: Vec<FlowChange>,
    /// Nodes that receive a flow now and did not before.
    pub new_destinations: Vec<String>,
    /// Countries that receive a flow now and did not before.
    pub new_countries: Vec<String>,
    /// Sensitive fields that flow now and did not (or were not sensitive) before.
    pub new_sensitive_fields: Vec<String>,
    /// Flows that cross a border now and did not before (new flows included).
    pub new_cross_border: Vec<FlowFacts>,
    pub findings_introduced: Vec<FindingBrief>,
    pub findings_fixed: Vec<FindingBrief>,
}

/// The facts of every flow of a graph, by id.
pub fn flows(g: &FlowGraph) -> BTreeMap<String, FlowFacts> {
    let mut out = BTreeMap::new();
    for e in &g.edges {
        let id = match e.origin() {
            Origin::Flow(_) => g.edge_target(e).to_owned(),
            Origin::Sdk(_) => format!("{}@{}", g.edge_target(e), g.node_id(e.from)),
        };
        let fields: Vec<&crate::model::Field> = g.fields(e).iter().map(|&f| &g.inv.fields[f as usize]).collect();
        let mut cross = Vec::new();
        if e.cn_export() {
            cross.push("PIPL");
        }
        if e.eea_transfer() {
            cross.push("GDPR");
        }
        let mut facts = FlowFacts {
            id: id.clone(),
            kind: e.kind.as_str().to_owned(),
            from: g.node_id(e.from).to_owned(),
            to: g.node_id(e.to).to_owned(),
            to_country: g.node_countries(e.to).to_vec(),
            fields: fields.iter().map(|f| f.id.clone()).collect(),
            sensitive: fields.iter().filter(|f| f.is_sensitive()).map(|f| f.id.clone()).collect(),
            cross_border: cross,
        };
        facts.fields.sort();
        facts.sensitive.sort();
        out.insert(id, facts);
    }
    out
}

fn brief(f: &Finding) -> FindingBrief {
    FindingBrief {
        code: f.code.to_owned(),
        severity: f.severity,
        regime: f.regime.map(|r| r.as_str().to_owned()),
        target: f.target.to_string(),
        message: f.message.to_string(),
    }
}

/// How a flow kept under the same id changed, if it did.
fn change(before: &FlowFacts, after: &FlowFacts) -> Option<FlowChange> {
    let mut changed = Vec::new();
    for (name, differs) in [
        ("from", before.from != after.from),
        ("to", before.to != after.to),
        ("kind", before.kind != after.kind),
        ("to_country", before.to_country != after.to_country),
        ("fields", before.fields != after.fields),
        ("sensitive", before.sensitive != after.sensitive),
        ("cross_border", before.cross_border != after.cross_border),
    ] {
        if differs {
            changed.push(name);
        }
    }
    (!changed.is_empty()).then(|| FlowChange {
        id: after.id.clone(),
        changed,
        before: before.clone(),
        after: after.clone(),
    })
}

/// Compare two checked inventories.
pub fn diff(old: &FlowGraph, old_findings: &[Finding], new: &FlowGraph, new_findings: &[Finding]) -> Diff {
    let (a, b) = (flows(old), flows(new));
    let mut d = Diff {
        flows_added: b.iter().filter(|(k, _)| !a.contains_key(*k)).map(|(_, v)| v.clone()).collect(),
        flows_removed: a.iter().filter(|(k, _)| !b.contains_key(*k)).map(|(_, v)| v.clone()).collect(),
        flows_changed: b.iter().filter_map(|(k, after)| a.get(k).and_then(|before| change(before, after))).collect(),
        ..Diff::default()
    };
    let dests = |m: &BTreeMap<String, FlowFacts>| m.values().map(|f| f.to.clone()).collect::<BTreeSet<_>>();
    let countries = |m: &BTreeMap<String, FlowFacts>| {
        m.values().flat_map(|f| f.to_country.iter().cloned()).collect::<BTreeSet<_>>()
    };
    let sensitive =
        |m: &BTreeMap<String, FlowFacts>| m.values().flat_map(|f| f.sensitive.iter().cloned()).collect::<BTreeSet<_>>();
    d.new_destinations = dests(&b).difference(&dests(&a)).cloned().collect();
    d.new_countries = countries(&b).difference(&countries(&a)).cloned().collect();
    d.new_sensitive_fields = sensitive(&b).difference(&sensitive(&a)).cloned().collect();
    d.new_cross_border = b
        .iter()
        .filter(|(k, f)| {
            !f.cross_border.is_empty()
                && a.get(*k).is_none_or(|old| f.cross_border.iter().any(|r| !old.cross_border.contains(r)))
        })
        .map(|(_, f)| f.clone())
        .collect();
    let key = |f: &Finding| (f.code, f.target.clone(), f.regime.map(|r| r.as_str()));
    let live = |fs: &[Finding]| fs.iter().filter(|f| !f.waived).map(|f| (key(f), brief(f))).collect::<BTreeMap<_, _>>();
    let (fa, fb) = (live(old_findings), live(new_findings));
    d.findings_introduced = fb.iter().filter(|(k, _)| !fa.contains_key(*k)).map(|(_, v)| v.clone()).collect();
    d.findings_fixed = fa.iter().filter(|(k, _)| !fb.contains_key(*k)).map(|(_, v)| v.clone()).collect();
    d
}

impl Diff {
    /// Nothing a reviewer needs to see: every list is empty (a redirected flow, a new destination
    /// or country counts, even with no finding attached).
    pub fn is_empty(&self) -> bool {
        !self.inventory_added
            && self.flows_added.is_empty()
            && self.flows_removed.is_empty()
            && self.flows_changed.is_empty()
            && self.new_destinations.is_empty()
            && self.new_countries.is_empty()
            && self.findings_introduced.is_empty()
            && self.findings_fixed.is_empty()
            && self.new_cross_border.is_empty()
            && self.new_sensitive_fields.is_empty()
    }

    /// Whether the change introduces a finding at or above `level`.
    pub fn introduces(&self, level: Severity) -> bool {
        self.findings_introduced.iter().any(|f| f.severity >= level)
    }

    pub fn to_json(&self, old: &str, new: &str) -> serde_json::Result<String> {
        let doc = serde_json::json!({"piflow": 1, "old": old, "new": new, "diff": self});
        let mut s = serde_json::to_string_pretty(&doc)?;
        s.push('\n');
        Ok(s)
    }

    pub fn to_human(&self, old: &str, new: &str) -> String {
        let mut o = format!("piflow diff {} → {}\n", sanitize(old), sanitize(new));
        if self.inventory_added {
            o.push_str(&format!("{} does not exist there: the inventory is new, every flow is added\n", sanitize(old)));
        }
        if self.is_empty() {
            o.push_str("no change to flows or findings\n");
            return o;
        }
        let flow = |f: &FlowFacts| sanitize(&flow_line(f)).into_owned();
        let mut section = |title: &str, items: Vec<String>, mark: &str| {
            if !items.is_empty() {
                o.push_str(&format!("\n{title}:\n"));
                for i in items {
                    o.push_str(&format!("  {mark} {i}\n"));
                }
            }
        };
        section("flows added", self.flows_added.iter().map(flow).collect(), "+");
        section("flows removed", self.flows_removed.iter().map(flow).collect(), "-");
        section(
            "flows changed",
            self.flows_changed
                .iter()
                .map(|c| {
                    let what: Vec<String> = c.changed.iter().map(|k| change_text(c, k)).collect();
                    sanitize(&format!("{}: {}", c.id, what.join("; "))).into_owned()
                })
                .collect(),
            "~",
        );
        section("new destinations", self.new_destinations.iter().map(|s| sanitize(s).into_owned()).collect(), "+");
        section("new destination countries", self.new_countries.clone(), "+");
        section(
            "new sensitive fields in flows",
            self.new_sensitive_fields.iter().map(|s| sanitize(s).into_owned()).collect(),
            "+",
        );
        section("new cross-border flows", self.new_cross_border.iter().map(flow).collect(), "+");
        let finding = |f: &FindingBrief| {
            sanitize(&format!("{} {} `{}`: {}", f.severity, f.code, f.target, f.message)).into_owned()
        };
        section("findings introduced", self.findings_introduced.iter().map(finding).collect(), "+");
        section("findings fixed", self.findings_fixed.iter().map(finding).collect(), "-");
        o.push('\n');
        o.push_str(&self.summary(false));
        o.push('\n');
        o
    }

    /// One line: how many flows were added, removed and changed, findings introduced and fixed;
    /// in Markdown the figures are bold and the halves split by a middle dot.
    fn summary(&self, markdown: bool) -> String {
        let errors = self.findings_introduced.iter().filter(|f| f.severity == Severity::Error).count();
        let (b, sep, end) = if markdown { ("**", " ·", "\n") } else { ("", ";", "") };
        format!(
            "{b}{}{b} added, {b}{}{b} removed, {b}{}{b} changed{sep} {b}{}{b} introduced ({}), {b}{}{b} fixed{end}",
            count(self.flows_added.len(), "flow"),
            self.flows_removed.len(),
            self.flows_changed.len(),
            count(self.findings_introduced.len(), "finding"),
            count(errors, "error"),
            self.findings_fixed.len()
        )
    }

    /// Markdown for a PR comment, as GitHub renders it (GitHub Flavored Markdown): inventory
    /// text is escaped for table cells, the two sides are code spans (where no escape applies),
    /// and long lists are cut so the comment stays under GitHub's 65,536-character limit.
    pub fn to_markdown(&self, old: &str, new: &str) -> String {
        let mut o = format!("### piflow: personal-data flow changes\n\n{} → {}\n\n", code(old), code(new));
        if self.inventory_added {
            o.push_str(&format!("The inventory is new: {} does not exist, so every flow is added.\n\n", code(old)));
        }
        o.push_str(&self.summary(true));
        if self.is_empty() {
            o.push_str("\nNo change to flows or findings.\n");
            return o;
        }
        let mut t = Tables { out: o, cut: 0 };
        let flow_row = |f: &FlowFacts| {
            vec![
                cell(&f.id),
                cell(&f.kind),
                format!("{} → {}", cell(&f.from), cell(&f.to)),
                cell(&f.to_country.join(", ")),
                cell(&f.fields.join(", ")),
                f.cross_border.join(", "),
            ]
        };
        let flow_head = ["flow", "kind", "from → to", "country", "fields", "cross-border"];
        t.table("Flows added", &flow_head, self.flows_added.iter().map(flow_row));
        t.table("Flows removed", &flow_head, self.flows_removed.iter().map(flow_row));
        t.table(
            "Flows changed",
            &["flow", "what changed", "before", "after"],
            self.flows_changed.iter().map(|c| {
                let side = |f: &FlowFacts| {
                    let mut s = format!(
                        "{} → {} ({}; {})",
                        cell(&f.from),
                        cell(&f.to),
                        cell(&f.kind),
                        cell(&f.fields.join(", "))
                    );
                    if !f.to_country.is_empty() {
                        s.push_str(&format!(" in {}", cell(&f.to_country.join(", "))));
                    }
                    if !f.cross_border.is_empty() {
                        s.push_str(&format!(", cross-border: {}", f.cross_border.join(", ")));
                    }
                    s
                };
                let what: Vec<&str> = c.changed.iter().map(|k| label(k)).collect();
                vec![cell(&c.id), what.join(", "), side(&c.before), side(&c.after)]
            }),
        );
        t.table("New cross-border flows", &flow_head, self.new_cross_border.iter().map(flow_row));
        for (title, list) in [
            ("New destinations", &self.new_destinations),
            ("New destination countries", &self.new_countries),
            ("New sensitive fields in flows", &self.new_sensitive_fields),
        ] {
            if !list.is_empty() && t.out.len() < MARKDOWN_BUDGET {
                let items: Vec<String> = list.iter().map(|s| cell(s)).collect();
                t.out.push_str(&format!("\n**{title}:** {}\n", items.join(", ")));
            }
        }
        let finding_row =
            |f: &FindingBrief| vec![f.severity.to_string(), cell(&f.code), cell(&f.target), cell(&f.message)];
        let finding_head = ["severity", "code", "target", "message"];
        t.table("Findings introduced", &finding_head, self.findings_introduced.iter().map(finding_row));
        t.table("Findings fixed", &finding_head, self.findings_fixed.iter().map(finding_row));
        if t.cut > 0 {
            t.out.push_str(&format!(
                "\n*{} not shown to keep this comment within GitHub's size limit; `piflow diff --format json` lists them all.*\n",
                count(t.cut, "row")
            ));
        }
        t.out
    }
}

/// Room for a PR comment's text: GitHub refuses a comment over 65,536 characters; the rest is
/// headroom for the last row written and the closing note.
const MARKDOWN_BUDGET: usize = 60_000;

/// A cell longer than this is cut (a message quoting a long name), so one row cannot fill the
/// comment.
const CELL_CHARS: usize = 300;

/// Markdown tables written within [`MARKDOWN_BUDGET`], counting the rows that did not fit.
struct Tables {
    out: String,
    cut: usize,
}

impl Tables {
    fn table(&mut self, title: &str, head: &[&str], rows: impl ExactSizeIterator<Item = Vec<String>>) {
        let total = rows.len();
        if total == 0 {
            return;
        }
        if self.out.len() >= MARKDOWN_BUDGET {
            self.cut += total;
            return;
        }
        self.out.push_str(&format!(
            "\n#### {title} ({total})\n\n| {} |\n|{}\n",
            head.join(" | "),
            "---|".repeat(head.len())
        ));
        for (i, row) in rows.enumerate() {
            if self.out.len() >= MARKDOWN_BUDGET {
                self.cut += total - i;
                return;
            }
            self.out.push_str(&format!("| {} |\n", row.join(" | ")));
        }
    }
}

/// Inventory text for a table cell: escaped (GFM table pipes included), cut to [`CELL_CHARS`].
fn cell(s: &str) -> String {
    match s.char_indices().nth(CELL_CHARS) {
        Some((end, _)) => format!("{}…", md(&s[..end])),
        None => md(s),
    }
}

/// Text as a Markdown code span. Backslash escapes do not work inside one (they would show), so
/// the text is not escaped: the span is fenced with one backtick more than the longest run
/// inside, padded when the text starts or ends with one, and line breaks become spaces.
fn code(s: &str) -> String {
    let s: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// `n thing` or `n things`.
fn count(n: usize, thing: &str) -> String {
    if n == 1 { format!("1 {thing}") } else { format!("{n} {thing}s") }
}

/// A flow on one line: `id (from → to, kind; fields) [cross-border: …]`.
fn flow_line(f: &FlowFacts) -> String {
    let cross = if f.cross_border.is_empty() {
        String::new()
    } else {
        format!(" [cross-border: {}]", f.cross_border.join(", "))
    };
    format!("{} ({} → {}, {}; {}){cross}", f.id, f.from, f.to, f.kind, f.fields.join(", "))
}

/// What a [`FlowChange`] key means, for people.
fn label(key: &str) -> &'static str {
    match key {
        "from" => "source",
        "to" => "destination",
        "kind" => "kind",
        "to_country" => "destination country",
        "fields" => "fields",
        "sensitive" => "sensitive fields",
        _ => "cross-border",
    }
}

/// One changed fact of a flow, before → after.
fn change_text(c: &FlowChange, key: &str) -> String {
    let (b, a) = (&c.before, &c.after);
    let (before, after) = match key {
        "from" => (b.from.clone(), a.from.clone()),
        "to" => (b.to.clone(), a.to.clone()),
        "kind" => (b.kind.clone(), a.kind.clone()),
        "to_country" => (b.to_country.join(", "), a.to_country.join(", ")),
        "fields" => (b.fields.join(", "), a.fields.join(", ")),
        "sensitive" => (b.sensitive.join(", "), a.sensitive.join(", ")),
        _ => (b.cross_border.join(", "), a.cross_border.join(", ")),
    };
    let none = |s: String| if s.is_empty() { "none".to_owned() } else { s };
    format!("{} {} → {}", label(key), none(before), none(after))
}
