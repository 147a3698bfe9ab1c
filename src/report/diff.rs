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

#[derive(Debug, Clone, Default, Serialize)]
pub struct Diff {
    pub flows_added: Vec<FlowFacts>,
    pub flows_removed: Vec<FlowFacts>,
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

/// Compare two checked inventories.
pub fn diff(old: &FlowGraph, old_findings: &[Finding], new: &FlowGraph, new_findings: &[Finding]) -> Diff {
    let (a, b) = (flows(old), flows(new));
    let mut d = Diff {
        flows_added: b.iter().filter(|(k, _)| !a.contains_key(*k)).map(|(_, v)| v.clone()).collect(),
        flows_removed: a.iter().filter(|(k, _)| !b.contains_key(*k)).map(|(_, v)| v.clone()).collect(),
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
    pub fn is_empty(&self) -> bool {
        self.flows_added.is_empty()
            && self.flows_removed.is_empty()
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
        if self.is_empty() {
            o.push_str("no change to flows or findings\n");
            return o;
        }
        let flow = |f: &FlowFacts| {
            let cross = if f.cross_border.is_empty() {
                String::new()
            } else {
                format!(" [cross-border: {}]", f.cross_border.join(", "))
            };
            sanitize(&format!("{} ({} → {}, {}; {}){cross}", f.id, f.from, f.to, f.kind, f.fields.join(", ")))
                .into_owned()
        };
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
        let errors = self.findings_introduced.iter().filter(|f| f.severity == Severity::Error).count();
        o.push_str(&format!(
            "\n{} flow(s) added, {} removed; {} finding(s) introduced ({errors} error(s)), {} fixed\n",
            self.flows_added.len(),
            self.flows_removed.len(),
            self.findings_introduced.len(),
            self.findings_fixed.len()
        ));
        o
    }

    /// Markdown for a PR comment.
    pub fn to_markdown(&self, old: &str, new: &str) -> String {
        let mut o = format!("### piflow: personal-data flow changes\n\n`{}` → `{}`\n\n", md(old), md(new));
        let errors = self.findings_introduced.iter().filter(|f| f.severity == Severity::Error).count();
        o.push_str(&format!(
            "**{}** flow(s) added, **{}** removed · **{}** finding(s) introduced ({errors} error(s)), **{}** fixed\n",
            self.flows_added.len(),
            self.flows_removed.len(),
            self.findings_introduced.len(),
            self.findings_fixed.len()
        ));
        if self.is_empty() {
            o.push_str("\nNo change to flows or findings.\n");
            return o;
        }
        let flows = |o: &mut String, title: &str, list: &[FlowFacts]| {
            if list.is_empty() {
                return;
            }
            o.push_str(&format!("\n#### {title}\n\n| flow | kind | from → to | country | fields | cross-border |\n|---|---|---|---|---|---|\n"));
            for f in list {
                o.push_str(&format!(
                    "| {} | {} | {} → {} | {} | {} | {} |\n",
                    md(&f.id),
                    md(&f.kind),
                    md(&f.from),
                    md(&f.to),
                    md(&f.to_country.join(", ")),
                    md(&f.fields.join(", ")),
                    f.cross_border.join(", ")
                ));
            }
        };
        flows(&mut o, "Flows added", &self.flows_added);
        flows(&mut o, "Flows removed", &self.flows_removed);
        flows(&mut o, "New cross-border flows", &self.new_cross_border);
        for (title, list) in [
            ("New destinations", &self.new_destinations),
            ("New destination countries", &self.new_countries),
            ("New sensitive fields in flows", &self.new_sensitive_fields),
        ] {
            if !list.is_empty() {
                o.push_str(&format!("\n**{title}:** {}\n", list.iter().map(|s| md(s)).collect::<Vec<_>>().join(", ")));
            }
        }
        let findings = |o: &mut String, title: &str, list: &[FindingBrief]| {
            if list.is_empty() {
                return;
            }
            o.push_str(&format!("\n#### {title}\n\n| severity | code | target | message |\n|---|---|---|---|\n"));
            for f in list {
                o.push_str(&format!("| {} | {} | {} | {} |\n", f.severity, md(&f.code), md(&f.target), md(&f.message)));
            }
        };
        findings(&mut o, "Findings introduced", &self.findings_introduced);
        findings(&mut o, "Findings fixed", &self.findings_fixed);
        o
    }
}
