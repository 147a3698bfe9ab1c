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

// The document as typed structs: at most MAX_RESULTS results, each rendered once. Fields are
// declared in alphabetical order, the order serde_json gives object keys.

#[derive(Serialize)]
struct Document {
    #[serde(rename = "$schema")]
    schema: &'static str,
    runs: [SarifRun; 1],
    version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun {
    #[serde(skip_serializing_if = "Option::is_none")]
    invocations: Option<Value>,
    original_uri_base_ids: Value,
    properties: Value,
    results: Results,
    tool: Value,
}

/// The results, each rendered once (compact, one line) while the budget was filled, written in
/// the usual order.
struct Results(Vec<Box<serde_json::value::RawValue>>);

impl Serialize for Results {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(&self.0)
    }
}

/// GitHub code scanning stores at most 5,000 results of a run ("only the top 5,000 results will
/// be included", of the 25,000 a run may hold before the upload is rejected), and does not
/// choose them as documented. piflow keeps the most severe itself, so what code scanning shows
/// is predictable, and says how many it left out.
pub const MAX_RESULTS: usize = 5_000;

/// GitHub rejects a SARIF upload over 10 MB gzip-compressed. piflow keeps the file itself, not
/// only its compressed form, within that, so every way of uploading it (compressed or not) is
/// accepted.
pub const MAX_BYTES: usize = 10_000_000;

/// A result rendered larger than this (a finding whose `data` lists thousands of fields) is
/// written without its `data`, which `--format json` still gives; a longer message is cut at
/// [`MAX_MESSAGE_CHARS`]. One such finding then costs a few hundred bytes, not megabytes.
pub const MAX_RESULT_BYTES: usize = 32 * 1024;
const MAX_MESSAGE_CHARS: usize = 2_000;

/// Finding indexes in the order results are kept when not all fit: unwaived before waived,
/// errors before warnings before notes, in the usual order within each. Bucketed, not sorted,
/// so the cost stays linear in the findings.
fn priority_order(findings: &[Finding]) -> impl Iterator<Item = usize> + '_ {
    let rank = |f: &Finding| {
        let severity = match f.severity {
            Severity::Error => 0,
            Severity::Warning => 1,
            Severity::Note => 2,
        };
        usize::from(f.waived) * 3 + severity
    };
    (0..6).flat_map(move |bucket| (0..findings.len()).filter(move |&i| rank(&findings[i]) == bucket))
}

/// What the pretty printer writes before each result in `runs[0].results`: a comma, a line
/// break and four levels of indentation. Counted exactly, since a file of thousands of results
/// otherwise outgrows the budget by as many bytes as the (path-dependent) results are many.
const RESULT_SEPARATOR: &str = ",\n        ";

/// What [`select`] kept, and what it had to leave out or shorten.
struct Selection {
    results: Results,
    /// Findings not written, and whether the size budget (not only the count) left them out.
    left_out: usize,
    by_size: bool,
    /// Results written without their `data` (over [`MAX_RESULT_BYTES`]).
    shortened: usize,
}

/// The results to write: the most severe first while at most [`MAX_RESULTS`] fit in `budget`
/// bytes, each rendered once, then put back in the usual order.
fn select(run: &Run, rules: &[&Rule], locate: &Locate, budget: usize) -> Selection {
    let rule_index: std::collections::HashMap<&str, usize> =
        rules.iter().enumerate().map(|(i, r)| (r.code, i)).collect();
    let (mut kept, mut used, mut shortened, mut by_size) = (Vec::new(), 0usize, 0usize, false);
    for i in priority_order(run.findings) {
        if kept.len() == MAX_RESULTS {
            break;
        }
        let f = &run.findings[i];
        let index = rule_index.get(f.code).copied();
        let mut text = serde_json::to_string(&result(run, f, index, locate, false)).unwrap_or_default();
        if text.len() > MAX_RESULT_BYTES {
            text = serde_json::to_string(&result(run, f, index, locate, true)).unwrap_or_default();
            shortened += 1;
        }
        if used + text.len() + RESULT_SEPARATOR.len() > budget {
            by_size = true;
            break;
        }
        used += text.len() + RESULT_SEPARATOR.len();
        if let Ok(raw) = serde_json::value::RawValue::from_string(text) {
            kept.push((i, raw));
        }
    }
    kept.sort_unstable_by_key(|&(i, _)| i);
    let left_out = run.findings.len() - kept.len();
    Selection { results: Results(kept.into_iter().map(|(_, r)| r).collect()), left_out, by_size, shortened }
}

/// Where artifact URIs start from: the repository root the user named (`--root`, else the git
/// top level, else the working directory) and the working directory that relative display paths
/// are relative to.
pub struct Locate {
    pub root: Option<std::path::PathBuf>,
    pub cwd: Option<std::path::PathBuf>,
}

impl Locate {
    /// Relative to `root`, resolving relative paths against the working directory.
    pub fn new(root: Option<std::path::PathBuf>) -> Locate {
        let cwd = std::env::current_dir().ok();
        Locate { root: root.or_else(|| cwd.clone()), cwd }
    }

    fn uri(&self, file: &str) -> String {
        let path = std::path::Path::new(file);
        match (&self.cwd, path.is_absolute()) {
            (Some(cwd), false) => artifact_uri(&cwd.join(path).to_string_lossy(), self.root.as_deref()),
            _ => artifact_uri(file, self.root.as_deref()),
        }
    }
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

/// A file's path as an artifact URI relative to `base` (the repository root): never absolute,
/// `..` segments for a file outside it, each segment percent-encoded (spaces, non-ASCII) so code
/// scanning resolves it. `.` and `..` inside the path are resolved first, by the text alone.
pub fn artifact_uri(file: &str, base: Option<&std::path::Path>) -> String {
    use std::path::{Component, Path, PathBuf};
    let mut lexical = PathBuf::new();
    for c in Path::new(file).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if matches!(lexical.components().next_back(), Some(Component::Normal(_))) => {
                lexical.pop();
            }
            other => lexical.push(other.as_os_str()),
        }
    }
    let path = lexical.as_path();
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
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a crate::finding::Data>,
    #[serde(rename = "dataOmitted", skip_serializing_if = "Option::is_none")]
    data_omitted: Option<&'static str>,
    regime: Option<crate::model::Regime>,
    target: &'a str,
}

#[derive(Serialize)]
struct Suppression<'a> {
    justification: &'a str,
    kind: &'static str,
}

/// One finding as a result; `shortened` leaves out its `data` and cuts a long message (see
/// [`MAX_RESULT_BYTES`]).
fn result<'a>(
    run: &Run,
    f: &'a Finding,
    rule_index: Option<usize>,
    locate: &Locate,
    shortened: bool,
) -> SarifResult<'a> {
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
                artifact_location: Artifact { uri: locate.uri(&file), uri_base_id: "%SRCROOT%" },
                region: Region { start_line: line.max(1) },
            },
        }],
        message: Text { text: message(&f.message, f.citation, shortened) },
        partial_fingerprints: Fingerprints { target: format!("{}:{}", f.code, f.target) },
        properties: Properties {
            data: (!shortened).then_some(&f.data),
            data_omitted: shortened.then_some("too large for code scanning: `piflow check --format json` gives it"),
            regime: f.regime,
            target: &f.target,
        },
        rule_id: f.code,
        rule_index,
        suppressions,
    }
}

fn message(text: &str, citation: &str, shortened: bool) -> String {
    match text.char_indices().nth(MAX_MESSAGE_CHARS) {
        Some((cut, _)) if shortened => format!("{}… [{citation}]", &text[..cut]),
        _ => format!("{text} [{citation}]"),
    }
}

/// The run's notifications: what was left out or shortened, so a reviewer knows the file is not
/// the whole report and where the rest is.
fn notifications(total: usize, left_out: usize, by_size: bool, shortened: usize) -> Option<Value> {
    let mut notes = Vec::new();
    if left_out > 0 {
        let limit = if by_size {
            format!(
                "GitHub code scanning accepts at most {MAX_RESULTS} results and {} MB per file",
                MAX_BYTES / 1_000_000
            )
        } else {
            format!("GitHub code scanning keeps at most {MAX_RESULTS} results of a run")
        };
        notes.push(json!({"level": "warning", "message": {"text": format!(
            "{left_out} of {total} findings are not in this file: {limit}, so piflow kept the most severe; \
             `piflow check --format json` lists them all"
        )}}));
    }
    if shortened > 0 {
        notes.push(json!({"level": "note", "message": {"text": format!(
            "{shortened} results are written without their data (each over {} KiB); \
             `piflow check --format json` gives it", MAX_RESULT_BYTES / 1024
        )}}));
    }
    (!notes.is_empty()).then(|| json!([{"executionSuccessful": true, "toolExecutionNotifications": notes}]))
}

/// The SARIF document, written into `w`, with artifact URIs from `locate`.
pub fn write(run: &Run, rules: &[&Rule], locate: &Locate, mut w: impl std::io::Write) -> std::io::Result<()> {
    let document = |results: Results, invocations: Option<Value>| Document {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        runs: [SarifRun {
            invocations,
            original_uri_base_ids: json!({"%SRCROOT%": {"description": {"text": "The repository root: `--root`, else the git top level of the directory piflow was run in, else that directory."}}}),
            properties: json!({"as_of": run.as_of.to_string()}),
            results,
            tool: json!({"driver": {
                "name": "piflow",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(|r| rule_descriptor(r)).collect::<Vec<_>>(),
            }}),
        }],
        version: "2.1.0",
    };
    // The document around the results, with the longest notifications it may carry, is what the
    // results' budget leaves room for.
    let frame = serde_json::to_vec_pretty(&document(
        Results(Vec::new()),
        notifications(usize::MAX, usize::MAX, true, usize::MAX),
    ))
    .map_or(0, |v| v.len());
    let chosen = select(run, rules, locate, MAX_BYTES.saturating_sub(frame + 1024));
    let invocations = notifications(run.findings.len(), chosen.left_out, chosen.by_size, chosen.shortened);
    serde_json::to_writer_pretty(&mut w, &document(chosen.results, invocations))?;
    w.write_all(b"\n")
}

/// [`write`] into a string, URIs relative to the working directory.
pub fn render(run: &Run, rules: &[&Rule]) -> String {
    super::written(|w| write(run, rules, &Locate::new(None), w))
}

/// SARIF for an inventory that could not be loaded: each load problem a result at its file and
/// line, so code scanning shows what to fix instead of the upload step failing on a missing file.
pub fn write_load_errors(
    errors: &[crate::load::LoadError],
    locate: &Locate,
    mut w: impl std::io::Write,
) -> std::io::Result<()> {
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
                    "artifactLocation": {"uri": locate.uri(file), "uriBaseId": "%SRCROOT%"},
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_separator_is_what_the_pretty_printer_writes() {
        let raw = |s: &str| serde_json::value::RawValue::from_string(s.to_owned()).unwrap();
        // The same nesting as `Document`: runs[0].results.
        #[derive(Serialize)]
        struct Run {
            results: Results,
        }
        #[derive(Serialize)]
        struct Doc {
            runs: [Run; 1],
        }
        let text = serde_json::to_string_pretty(&Doc { runs: [Run { results: Results(vec![raw("{}"), raw("{}")]) }] })
            .unwrap();
        assert!(text.contains(&format!("{{}}{RESULT_SEPARATOR}{{}}")), "{text}");
    }
}
