//! SARIF 2.1.0, as GitHub code scanning reads it: one run, the rule catalogue as
//! `tool.driver.rules` with help text, one result per finding with its physical location
//! relative to the repository, waived findings as suppressed results.

use super::{Run, location};
use crate::finding::{Datum, Finding, Rule, Severity};
use serde::Serialize;
use serde_json::{Value, json};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn rule_descriptor(r: &Rule) -> Value {
    let regime = r.regime.map_or("integrity", |g| g.as_str());
    json!({
        "id": r.code,
        "name": r.code,
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": r.law},
        "help": {
            "text": format!("{}\n\nLaw ({}): {}\n\nFix: {}", r.title, r.citation, r.law, r.fix),
            "markdown": format!("**{}**\n\n*{}*: {}\n\n**Fix:** {}", r.title, r.citation, r.law, r.fix),
        },
        "defaultConfiguration": {"level": level(r.severity)},
        "properties": {"tags": ["privacy", regime], "citation": r.citation},
    })
}

// The document as typed structs, streamed: a hundred thousand results held as JSON trees took
// gigabytes. Fields are declared in alphabetical order, the order serde_json gives object keys,
// so the bytes are those the trees gave.

#[derive(Serialize)]
struct Document<'r, 'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [SarifRun<'r, 'a>; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun<'r, 'a> {
    original_uri_base_ids: Value,
    properties: Value,
    results: Results<'r, 'a>,
    tool: Value,
}

struct Results<'r, 'a> {
    run: &'r Run<'a>,
    rule_index: std::collections::HashMap<&'static str, usize>,
}

impl Serialize for Results<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.run.findings.iter().map(|f| result(self.run, f, self.rule_index.get(f.code).copied())))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    level: &'static str,
    locations: [Location<'a>; 1],
    message: Text,
    partial_fingerprints: Fingerprints,
    properties: Properties<'a>,
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[Suppression<'a>; 1]>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    logical_locations: [Logical<'a>; 1],
    physical_location: Physical,
}

#[derive(Serialize)]
struct Logical<'a> {
    kind: &'static str,
    name: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Physical {
    artifact_location: Artifact,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "piflowTarget/v1")]
    target: String,
}

#[derive(Serialize)]
struct Properties<'a> {
    data: &'a crate::finding::Data,
    regime: Option<crate::model::Regime>,
    target: &'a str,
}

#[derive(Serialize)]
struct Suppression<'a> {
    justification: &'a str,
    kind: &'static str,
}

fn result<'a>(run: &Run, f: &'a Finding, rule_index: Option<usize>) -> SarifResult<'a> {
    let (file, line) = location(run.sources, f.location)
        .or_else(|| run.sources.files.first().map(|s| (s.path.clone(), 1)))
        .unwrap_or_else(|| (run.inventory.to_owned(), 1));
    let suppressions = f.waived.then(|| {
        let reason = f.data.get("waiver").and_then(Datum::as_str).unwrap_or("waived in the inventory");
        [Suppression { justification: reason, kind: "external" }]
    });
    SarifResult {
        level: level(f.severity),
        locations: [Location {
            logical_locations: [Logical { kind: "object", name: &f.target }],
            physical_location: Physical {
                artifact_location: Artifact { uri: file, uri_base_id: "%SRCROOT%" },
                region: Region { start_line: line.max(1) },
            },
        }],
        message: Text { text: format!("{} [{}]", f.message, f.citation) },
        partial_fingerprints: Fingerprints { target: format!("{}:{}", f.code, f.target) },
        properties: Properties { data: &f.data, regime: f.regime, target: &f.target },
        rule_id: f.code,
        rule_index,
        suppressions,
    }
}

/// The SARIF document, streamed into `w`.
pub fn write(run: &Run, rules: &[&Rule], mut w: impl std::io::Write) -> std::io::Result<()> {
    let rule_index = rules.iter().enumerate().map(|(i, r)| (r.code, i)).collect();
    let document = Document {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [SarifRun {
            original_uri_base_ids: json!({"%SRCROOT%": {"description": {"text": "The directory piflow was run in (the repository root in CI)."}}}),
            properties: json!({"as_of": run.as_of.to_string()}),
            results: Results { run, rule_index },
            tool: json!({"driver": {
                "name": "piflow",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(|r| rule_descriptor(r)).collect::<Vec<_>>(),
            }}),
        }],
        version: "2.1.0",
    };
    serde_json::to_writer_pretty(&mut w, &document)?;
    w.write_all(b"\n")
}

pub fn render(run: &Run, rules: &[&Rule]) -> String {
    super::written(|w| write(run, rules, w))
}
