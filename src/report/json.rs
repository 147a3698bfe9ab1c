//! `--format json`: the stable machine output of rules.md ("JSON output").
//!
//! Serialized straight from the findings (no intermediate JSON tree): a million findings must not
//! cost a million small maps twice. Findings are rendered on all cores, a window at a time, and
//! streamed out in order; their fixed keys are written by hand, byte for byte as serde_json's
//! pretty printer would (tested).

use super::Run;
use crate::finding::{Datum, Finding, Severity, Summary};
use crate::model::Regime;
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
struct Location<'a> {
    file: &'a str,
    line: u32,
}

/// A finding as rules.md's JSON output has it. Its derived serialization is the reference the
/// hand-written [`finding`] is tested against.
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

pub fn render(run: &Run) -> String {
    super::written(|w| write(run, w))
}

/// Findings rendered side by side, then written in order, this many at a time: enough to share
/// among cores, few enough that the rendered text held at once stays small.
const WINDOW: usize = 4096;

/// [`render`] straight into `w` (a file or standard output): a million findings are streamed,
/// not held as one string, and rendered on all cores. The bytes are those of serde_json's
/// pretty printer for the whole report.
pub fn write(run: &Run, mut w: impl std::io::Write) -> std::io::Result<()> {
    let mut head = b"{\n  \"piflow\": 1,\n  \"as_of\": ".to_vec();
    serde_json::to_writer(&mut head, &run.as_of.to_string())?;
    head.extend_from_slice(b",\n  \"summary\": ");
    pretty_at(&Summary::of(run.findings), 1, &mut head)?;
    head.extend_from_slice(b",\n  \"findings\": [");
    w.write_all(&head)?;
    // The same buffers serve every window: rendered on the pool's threads and let go of on this
    // one, fresh buffers per window would each wait for their thread to take them back, and a
    // million findings would hold most of their text in memory at once after all.
    let mut buffers: Vec<Vec<u8>> = Vec::new();
    for (window, findings) in run.findings.chunks(WINDOW).enumerate() {
        let runs: Vec<(usize, &[Finding], Vec<u8>)> = crate::parallel::runs(findings.len())
            .into_iter()
            .map(|r| (window * WINDOW + r.start, &findings[r.clone()], buffers.pop().unwrap_or_default()))
            .collect();
        for text in crate::parallel::in_parallel(runs, |(first, findings, mut out)| {
            out.clear();
            for (i, f) in findings.iter().enumerate() {
                out.extend_from_slice(if first + i == 0 { b"\n    " } else { b",\n    " });
                finding(run, f, &mut out)?;
            }
            Ok::<_, serde_json::Error>(out)
        }) {
            let text = text?;
            w.write_all(&text)?;
            buffers.push(text);
        }
    }
    w.write_all(if run.findings.is_empty() { b"]\n}\n" } else { b"\n  ]\n}\n" })
}

/// One finding as serde_json's pretty printer writes it two levels deep (tested byte for byte
/// against it), written out by hand: its keys are fixed, and a million findings spent most of
/// their rendering time in serde_json escaping strings byte by byte that need no escape.
fn finding(run: &Run, f: &Finding, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
    let j = json_finding(run, f);
    out.extend_from_slice(b"{\n      \"code\": ");
    string(j.code, out)?;
    out.extend_from_slice(b",\n      \"severity\": ");
    string(j.severity.as_str(), out)?;
    out.extend_from_slice(b",\n      \"regime\": ");
    match j.regime {
        Some(r) => string(r.as_str(), out)?,
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\n      \"target\": ");
    string(j.target, out)?;
    out.extend_from_slice(b",\n      \"message\": ");
    string(j.message, out)?;
    out.extend_from_slice(b",\n      \"citation\": ");
    string(j.citation, out)?;
    out.extend_from_slice(if j.waived { b",\n      \"waived\": true" } else { b",\n      \"waived\": false" });
    out.extend_from_slice(b",\n      \"location\": ");
    match j.location {
        Some(loc) => {
            out.extend_from_slice(b"{\n        \"file\": ");
            string(loc.file, out)?;
            // Writing to memory cannot fail.
            let _ = write!(out, ",\n        \"line\": {}\n      }}", loc.line);
        }
        None => out.extend_from_slice(b"null"),
    }
    out.extend_from_slice(b",\n      \"data\": ");
    if j.data.is_empty() {
        out.extend_from_slice(b"{}");
    } else {
        out.push(b'{');
        for (i, (key, value)) in j.data.iter().enumerate() {
            out.extend_from_slice(if i == 0 { b"\n        " } else { b",\n        " });
            string(key, out)?;
            out.extend_from_slice(b": ");
            match value {
                Datum::Word(w) => string(w, out)?,
                Datum::Text(t) => string(t, out)?,
                Datum::Json(v) => pretty_at(v, 4, out)?,
            }
        }
        out.extend_from_slice(b"\n      }");
    }
    out.extend_from_slice(b"\n    }");
    Ok(())
}

/// A JSON string: copied as it is between quotes when nothing in it needs escaping (checked 16
/// bytes at a time, which the compiler turns into vector compares), else escaped by serde_json.
fn string(s: &str, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
    let needs_escape = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
    let bytes = s.as_bytes();
    let mut chunks = bytes.chunks_exact(16);
    let clean = chunks.by_ref().all(|c| !c.iter().fold(false, |any, &b| any | needs_escape(b)))
        && !chunks.remainder().iter().any(|&b| needs_escape(b));
    if clean {
        out.reserve(bytes.len() + 2);
        out.push(b'"');
        out.extend_from_slice(bytes);
        out.push(b'"');
        Ok(())
    } else {
        serde_json::to_writer(out, s)
    }
}

/// `value` pretty-printed as it would be `level` levels deep in a pretty-printed document:
/// serde_json's own pretty printer, first taken `level` objects deep (into a sink), so it indents
/// from there.
fn pretty_at(value: &impl Serialize, level: usize, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
    use serde_json::ser::{Formatter, PrettyFormatter};
    let mut formatter = PrettyFormatter::new();
    for _ in 0..level {
        // Writing to a sink cannot fail.
        let _ = formatter.begin_object(&mut std::io::sink());
    }
    value.serialize(&mut serde_json::Serializer::with_formatter(out, formatter))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Data;
    use crate::model::Loc;
    use serde_json::json;

    /// The report as serde_json's pretty printer writes it in one piece.
    fn whole(run: &Run) -> String {
        #[derive(Serialize)]
        struct Report<'r, 'a> {
            piflow: u32,
            as_of: String,
            summary: Summary,
            findings: Findings<'r, 'a>,
        }
        let report = Report {
            piflow: 1,
            as_of: run.as_of.to_string(),
            summary: Summary::of(run.findings),
            findings: Findings(run),
        };
        serde_json::to_string_pretty(&report).unwrap() + "\n"
    }

    struct Findings<'r, 'a>(&'r Run<'a>);

    impl Serialize for Findings<'_, '_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_seq(self.0.findings.iter().map(|f| json_finding(self.0, f)))
        }
    }

    /// Findings that between them take every path of the hand-written renderer: strings that
    /// need escaping at the start, inside a 16-byte block and in the tail, non-ASCII text,
    /// known and unknown locations, no regime, empty and nested data.
    fn finding(i: usize) -> Finding {
        let mut data = Data::default();
        if i.is_multiple_of(3) {
            data.insert("fields", json!(["a", "b\nc"]));
            data.insert("tier", json!({"n": i, "nested": {"deep": [1, {"x": null}]}}));
        }
        if i.is_multiple_of(4) {
            data.insert("from", crate::model::name("subj-\"4\""));
            data.insert("kind", "collect");
            data.insert("empty", json!([]));
        }
        let messages = [
            format!("line one\nline \"{i}\""),
            format!("flow `f-{i}` (a → b) needs 单独同意 and nothing escaped at all, {i}"),
            format!("sixteen bytes ok{i}\\tail"),
            format!("\u{1}control first {i}"),
            format!("tab in the tail {i}\t"),
        ];
        Finding {
            code: "pipl-38-exempt",
            severity: [Severity::Note, Severity::Warning, Severity::Error][i % 3],
            regime: [Some(crate::model::Regime::Pipl), None, Some(crate::model::Regime::Gdpr)][i % 3],
            target: format!("flow-{i}").into(),
            message: messages[i % messages.len()].clone().into(),
            citation: "PIPL Art. 38",
            waived: i.is_multiple_of(5),
            location: if i.is_multiple_of(2) {
                Loc { file: 0, offset: 0, line: i as u32 + 1, col: 1 }
            } else {
                Loc::default()
            },
            data,
        }
    }

    #[test]
    fn streamed_in_windows_on_all_cores_it_is_the_pretty_printers_bytes() {
        for n in [0, 1, 2, 7, WINDOW - 1, WINDOW, WINDOW + 3, 3 * WINDOW + 17] {
            let findings: Vec<Finding> = (0..n).map(finding).collect();
            let sources = crate::load::Sources {
                files: vec![crate::load::SourceFile::new("dir/\"odd\" name.json".into(), String::new())],
            };
            let run =
                Run { findings: &findings, sources: &sources, as_of: "2026-11-23".parse().unwrap(), inventory: "inv" };
            assert_eq!(render(&run), whole(&run), "{n} findings");
        }
    }
}
