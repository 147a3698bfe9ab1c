//! `--format json`: the stable machine output of rules.md ("JSON output").
//!
//! Serialized straight from the findings (no intermediate JSON tree): a million findings must not
//! cost a million small maps twice.

use super::Run;
use crate::finding::{Finding, Severity, Summary};
use crate::model::Regime;
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};

#[derive(Serialize)]
struct Location<'a> {
    file: &'a str,
    line: u32,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    severity: Severity,
    regime: Option<Regime>,
    target: &'a str,
    message: &'a str,
    citation: &'a str,
    waived: bool,
    location: Option<Location<'a>>,
    data: &'a crate::finding::Data,
}

struct Findings<'r, 'a>(&'r Run<'a>);

impl Serialize for Findings<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let run = self.0;
        let mut seq = s.serialize_seq(Some(run.findings.len()))?;
        for f in run.findings {
            seq.serialize_element(&json_finding(run, f))?;
        }
        seq.end()
    }
}

fn json_finding<'a>(run: &'a Run, f: &'a Finding) -> JsonFinding<'a> {
    let location = run
        .sources
        .get(f.location)
        .filter(|_| f.location.is_known())
        .map(|src| Location { file: &src.path, line: f.location.line });
    JsonFinding {
        code: f.code,
        severity: f.severity,
        regime: f.regime,
        target: &f.target,
        message: &f.message,
        citation: f.citation,
        waived: f.waived,
        location,
        data: &f.data,
    }
}

#[derive(Serialize)]
struct Report<'r, 'a> {
    piflow: u32,
    as_of: String,
    summary: Summary,
    findings: Findings<'r, 'a>,
}

pub fn render(run: &Run) -> String {
    let mut out = Vec::with_capacity(256 + run.findings.len() * 400);
    // Writing plain structs and maps of JSON values to memory cannot fail.
    let _ = write(run, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`render`] straight into `w` (a file or standard output): a million findings are streamed,
/// not held as one string.
pub fn write(run: &Run, mut w: impl std::io::Write) -> std::io::Result<()> {
    let report =
        Report { piflow: 1, as_of: run.as_of.to_string(), summary: Summary::of(run.findings), findings: Findings(run) };
    serde_json::to_writer_pretty(&mut w, &report)?;
    w.write_all(b"\n")
}
