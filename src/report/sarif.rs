//! SARIF 2.1.0, as GitHub code scanning reads it: one run, the rule catalogue as
//! `tool.driver.rules` with help text, one result per finding with its physical location
//! relative to the repository, waived findings as suppressed results.

use super::{Run, location};
use crate::finding::{Rule, Severity};
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

pub fn to_value(run: &Run, rules: &[&Rule]) -> Value {
    let rule_index: std::collections::HashMap<&str, usize> =
        rules.iter().enumerate().map(|(i, r)| (r.code, i)).collect();
    let results: Vec<Value> = run
        .findings
        .iter()
        .map(|f| {
            let index = rule_index.get(f.code).copied();
            let (file, line) = location(run.sources, f.location)
                .or_else(|| run.sources.files.first().map(|s| (s.path.clone(), 1)))
                .unwrap_or_else(|| (run.inventory.to_owned(), 1));
            let mut result = json!({
                "ruleId": f.code,
                "level": level(f.severity),
                "message": {"text": format!("{} [{}]", f.message, f.citation)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": file, "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": line.max(1)},
                    },
                    "logicalLocations": [{"name": f.target, "kind": "object"}],
                }],
                "partialFingerprints": {"piflowTarget/v1": format!("{}:{}", f.code, f.target)},
                "properties": {"target": f.target, "regime": f.regime, "data": f.data},
            });
            if let Some(i) = index {
                result["ruleIndex"] = json!(i);
            }
            if f.waived {
                let reason = f.data.get("waiver").and_then(Value::as_str).unwrap_or("waived in the inventory");
                result["suppressions"] = json!([{"kind": "external", "justification": reason}]);
            }
            result
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "piflow",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules.iter().map(|r| rule_descriptor(r)).collect::<Vec<_>>(),
            }},
            "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The directory piflow was run in (the repository root in CI)."}}},
            "results": results,
            "properties": {"as_of": run.as_of.to_string()},
        }],
    })
}

pub fn render(run: &Run, rules: &[&Rule]) -> String {
    let mut s = serde_json::to_string_pretty(&to_value(run, rules)).unwrap_or_default();
    s.push('\n');
    s
}
