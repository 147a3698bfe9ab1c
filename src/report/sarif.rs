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
    #[serde(skip_serializing_if = "Option::is_none")]
    invocations: Option<Value>,
    original_uri_base_ids: Value,
    properties: Value,
    results: Results<'r, 'a>,
    tool: Value,
}

struct Results<'r, 'a> {
    run: &'r Run<'a>,
    rule_index: std::collections::HashMap<&'static str, usize>,
    /// The findings written, by index, when not all fit (see [`MAX_RESULTS`]).
    kept: Option<Vec<usize>>,
    base: Option<std::path::PathBuf>,
}

impl Serialize for Results<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let one = |f| result(self.run, f, self.rule_index.get(f.code).copied(), self.base.as_deref());
        match &self.kept {
            None => s.collect_seq(self.run.findings.iter().map(one)),
            Some(kept) => s.collect_seq(kept.iter().map(|&i| one(&self.run.findings[i]))),
        }
    }
}

/// GitHub code scanning stores at most 5,000 results of a run ("only the top 5,000 results will
/// be included", of the 25,000 a run may hold before the upload is rejected), and does not
/// choose them as documented. piflow keeps the most severe itself, so what code scanning shows
/// is predictable, and says how many it left out.
pub const MAX_RESULTS: usize = 5_000;

/// The findings to write when there are more than [`MAX_RESULTS`]: unwaived before waived, errors
/// before warnings before notes, in the usual order within each; written in the usual order.
fn keep_most_severe(findings: &[Finding]) -> Option<Vec<usize>> {
    if findings.len() <= MAX_RESULTS {
        return None;
    }
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by_key(|&i| (findings[i].waived, std::cmp::Reverse(findings[i].severity), i));
    order.truncate(MAX_RESULTS);
    order.sort_unstable();
    Some(order)
}

/// Characters percent-encoded in a path segment of an artifact URI (RFC 3986: everything but
/// unreserved characters and sub-delimiters; non-ASCII bytes are always encoded).
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// A file's display path as an artifact URI relative to `base` (the working directory: the
/// repository root in CI): never absolute, `..` segments for a file outside it, each segment
/// percent-encoded (spaces, non-ASCII) so code scanning resolves it.
pub fn artifact_uri(file: &str, base: Option<&std::path::Path>) -> String {
    use std::path::{Component, Path, PathBuf};
    let path = Path::new(file);
    let relative: PathBuf = match base {
        Some(base) if path.is_absolute() => {
            let (a, b): (Vec<_>, Vec<_>) = (path.components().collect(), base.components().collect());
            let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
            let mut r = PathBuf::new();
            for _ in common..b.len() {
                r.push("..");
            }
            for c in &a[common..] {
                r.push(c.as_os_str());
            }
            r
        }
        _ => path.components().filter(|c| !matches!(c, Component::RootDir | Component::Prefix(_))).collect(),
    };
    let segments: Vec<String> = relative
        .components()
        .map(|c| percent_encoding::utf8_percent_encode(&c.as_os_str().to_string_lossy(), SEGMENT).to_string())
        .collect();
    segments.join("/")
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

fn result<'a>(run: &Run, f: &'a Finding, rule_index: Option<usize>, base: Option<&std::path::Path>) -> SarifResult<'a> {
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
                artifact_location: Artifact { uri: artifact_uri(&file, base), uri_base_id: "%SRCROOT%" },
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
    let kept = keep_most_severe(run.findings);
    let invocations = kept.as_ref().map(|k| {
        let left = run.findings.len() - k.len();
        json!([{
            "executionSuccessful": true,
            "toolExecutionNotifications": [{
                "level": "warning",
                "message": {"text": format!(
                    "{left} of {} findings are not in this file: GitHub code scanning keeps at most {MAX_RESULTS} results \
                     of a run, so piflow kept the most severe; `piflow check --format json` lists them all",
                    run.findings.len()
                )},
            }],
        }])
    });
    let base = std::env::current_dir().ok();
    let document = Document {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [SarifRun {
            invocations,
            original_uri_base_ids: json!({"%SRCROOT%": {"description": {"text": "The directory piflow was run in (the repository root in CI)."}}}),
            properties: json!({"as_of": run.as_of.to_string()}),
            results: Results { run, rule_index, kept, base },
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

/// SARIF for an inventory that could not be loaded: each load problem a result at its file and
/// line, so code scanning shows what to fix instead of the upload step failing on a missing file.
pub fn write_load_errors(errors: &[crate::load::LoadError], mut w: impl std::io::Write) -> std::io::Result<()> {
    let base = std::env::current_dir().ok();
    let mut codes: Vec<&'static str> = errors.iter().map(|e| e.code.as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    let rules: Vec<Value> = codes
        .iter()
        .map(|c| {
            json!({
                "id": c,
                "name": c,
                "shortDescription": {"text": format!("The inventory cannot be loaded ({c})")},
                "help": {"text": "Fix the file at the line shown; `piflow check` prints every problem with what to write instead."},
                "defaultConfiguration": {"level": "error"},
            })
        })
        .collect();
    let results: Vec<Value> = errors
        .iter()
        .take(MAX_RESULTS)
        .map(|e| {
            let mut text = e.message.clone();
            if let Some(help) = &e.help {
                text.push_str(&format!(" ({help})"));
            }
            let mut r = json!({
                "ruleId": e.code.as_str(),
                "ruleIndex": codes.binary_search(&e.code.as_str()).unwrap_or(0),
                "level": "error",
                "message": {"text": text},
            });
            if let Some(file) = &e.file {
                r["locations"] = json!([{"physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(file, base.as_deref()), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": e.line.max(1), "startColumn": e.column.max(1)},
                }}]);
            }
            r
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "piflow", "version": env!("CARGO_PKG_VERSION"), "semanticVersion": env!("CARGO_PKG_VERSION"), "rules": rules}},
            "invocations": [{"executionSuccessful": false, "exitCode": 2}],
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut w, &doc)?;
    w.write_all(b"\n")
}
