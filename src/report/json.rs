//! `--format json`: the stable machine output of rules.md ("JSON output").
//!
//! Serialized straight from the findings (no intermediate JSON tree): a million findings must not
//! cost a million small maps twice. Findings are rendered on all cores, a window at a time, and
//! streamed out in order.

use super::Run;
use crate::finding::{Finding, Severity, Summary};
use crate::model::Regime;
use serde::Serialize;

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
    let mut out = Vec::with_capacity(256 + run.findings.len() * 400);
    // Writing plain structs and maps of JSON values to memory cannot fail.
    let _ = write(run, &mut out);
    String::from_utf8(out).unwrap_or_default()
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
                pretty_at(&json_finding(run, f), 2, &mut out)?;
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

    fn finding(i: usize) -> Finding {
        let mut data = Data::default();
        if i.is_multiple_of(3) {
            data.insert("fields", json!(["a", "b\nc"]));
            data.insert("tier", json!({"n": i, "nested": {"deep": [1, {"x": null}]}}));
        }
        Finding {
            code: "pipl-38-exempt",
            severity: crate::finding::Severity::Note,
            regime: Some(crate::model::Regime::Pipl),
            target: format!("flow-{i}").into(),
            message: format!("line one\nline \"{i}\"").into(),
            citation: "PIPL Art. 38",
            waived: i.is_multiple_of(5),
            location: Loc::default(),
            data,
        }
    }

    #[test]
    fn streamed_in_windows_on_all_cores_it_is_the_pretty_printers_bytes() {
        for n in [0, 1, 2, 7, WINDOW - 1, WINDOW, WINDOW + 3, 3 * WINDOW + 17] {
            let findings: Vec<Finding> = (0..n).map(finding).collect();
            let sources = crate::load::Sources::default();
            let run =
                Run { findings: &findings, sources: &sources, as_of: "2026-11-23".parse().unwrap(), inventory: "inv" };
            assert_eq!(render(&run), whole(&run), "{n} findings");
        }
    }
}
