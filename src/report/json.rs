//! `--format json`: the stable machine output of rules.md ("JSON output").

use super::{Run, location};
use crate::finding::Summary;
use serde_json::{Value, json};

pub fn to_value(run: &Run) -> Value {
    let findings: Vec<Value> = run
        .findings
        .iter()
        .map(|f| {
            let location = match location(run.sources, f.location) {
                Some((file, line)) => json!({"file": file, "line": line}),
                None => Value::Null,
            };
            json!({
                "code": f.code,
                "severity": f.severity,
                "regime": f.regime,
                "target": f.target,
                "message": f.message,
                "citation": f.citation,
                "waived": f.waived,
                "location": location,
                "data": f.data,
            })
        })
        .collect();
    json!({
        "piflow": 1,
        "as_of": run.as_of.to_string(),
        "summary": Summary::of(run.findings),
        "findings": findings,
    })
}

pub fn render(run: &Run) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(run)).unwrap_or_default();
    s.push('\n');
    s
}
