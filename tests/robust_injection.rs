//! Injection: the names in `tests/fixtures/injection/inventory.json` try to break out of every
//! output piflow writes (terminal, JSON, SARIF, CSV, Markdown, HTML, XLSX, DOT, SVG, trace).
//! Each output is parsed back with a real parser of its format to prove the payload stayed data.
//! The same inventory converted to CSV sheets carries raw ESC and bidi bytes (CSV cells may hold
//! any character), so the terminal's quoting of source lines is tested on raw bytes as well.

mod robust_common;

use robust_common::{Run, piflow, piflow_in};
use serde_json::Value;
use std::path::{Path, PathBuf};

const AS_OF: &str = "2026-06-01";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/injection/inventory.json")
}

/// Every string of the fixture that holds a payload, as the inventory holds it.
fn payloads() -> Vec<String> {
    let text = std::fs::read_to_string(fixture()).expect("fixture");
    let doc: Value = serde_json::from_str(&text).expect("fixture is JSON");
    let mut out = Vec::new();
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) if s.chars().any(|c| "<>\"|\\{}=+@\t\r\n\u{1b}\u{202e}[]".contains(c)) => {
                out.push(s.clone())
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            Value::Object(o) => o.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    walk(&doc, &mut out);
    assert!(out.len() >= 20, "the fixture lost its payloads");
    out
}

fn ok(run: &Run, what: &str) {
    run.assert_no_crash(what);
    assert!(run.code == 0 || run.code == 1, "{what}: exit {}\n{}", run.code, run.stderr_text());
}

fn fixture_str() -> String {
    fixture().to_str().expect("utf-8 path").to_owned()
}

/// Terminal text must hold no ESC, no other C0/C1 control but newline and tab, no bidi control.
fn assert_terminal_safe(bytes: &[u8], what: &str) {
    let text = String::from_utf8_lossy(bytes);
    for (i, c) in text.chars().enumerate() {
        let bad = (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}');
        assert!(!bad, "{what}: raw U+{:04X} at char {i}:\n{text}", c as u32);
    }
}

#[test]
fn terminal_outputs_escape_control_and_bidi_characters() {
    let f = fixture_str();
    let runs = [
        ("check human", piflow(&["check", &f, "--as-of", AS_OF, "--color", "always"])),
        ("trace f1", piflow(&["trace", "f1", &f, "--as-of", AS_OF])),
        ("trace f2", piflow(&["trace", "f2", &f, "--as-of", AS_OF])),
    ];
    for (what, run) in &runs {
        ok(run, what);
        assert!(!run.stdout.is_empty(), "{what}: no output");
        // `--color always` writes SGR sequences of its own; strip exactly those before judging.
        let stripped = strip_sgr(&run.stdout);
        assert_terminal_safe(&stripped, what);
        assert_terminal_safe(&run.stderr, what);
    }
    // The escaped form is shown, so a reader sees what the name really holds.
    let human = String::from_utf8_lossy(&runs[0].1.stdout).into_owned();
    assert!(human.contains("heading \\u{202e}txt.exe\\u{202c}"), "{human}");
}

/// Remove only well-formed `ESC [ digits;… m` colour sequences.
fn strip_sgr(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == 0x1b && bytes.get(i + 1) == Some(&b'[') {
            let mut j = i + 2;
            while j < bytes.len() && (bytes[j].is_ascii_digit() || bytes[j] == b';') {
                j += 1;
            }
            if bytes.get(j) == Some(&b'm') {
                i = j + 1;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// Raw ESC and bidi bytes in CSV cells reach the terminal only escaped, in findings and in the
/// quoted source lines of load errors alike.
#[test]
fn raw_control_bytes_from_csv_sheets_never_reach_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sheets = dir.path().join("sheets");
    ok(&piflow(&["convert", &fixture_str(), sheets.to_str().expect("path"), "--to", "csv"]), "convert");
    let flows = std::fs::read_to_string(sheets.join("flows.csv")).expect("flows.csv");
    assert!(flows.contains('\u{1b}'), "the sheet should hold a raw ESC: {flows}");
    let run = piflow(&["check", sheets.to_str().expect("path"), "--as-of", AS_OF]);
    ok(&run, "check csv sheets");
    assert_terminal_safe(&run.stdout, "check csv sheets");

    // Break a reference so a load error quotes the line with the raw bytes.
    let broken = flows.replacen(",p1,", ",no-such-purpose,", 1);
    assert_ne!(broken, flows);
    std::fs::write(sheets.join("flows.csv"), broken).expect("write");
    let run = piflow(&["check", sheets.to_str().expect("path")]);
    assert_eq!(run.code, 2, "{}", run.stderr_text());
    assert!(run.stderr_text().contains("no-such-purpose"));
    assert_terminal_safe(&run.stderr, "load error on csv sheets");
}

#[test]
fn json_and_sarif_keep_payloads_as_strings() {
    let f = fixture_str();
    let payloads = payloads();
    for format in ["json", "sarif"] {
        let run = piflow(&["check", &f, "--as-of", AS_OF, "--format", format]);
        ok(&run, format);
        let doc = run.json();
        let text = String::from_utf8_lossy(&run.stdout);
        // Whatever payload text appears came back as exactly the string the inventory held:
        // every string value in the output that quotes a name contains it whole.
        let mut strings = Vec::new();
        collect_strings(&doc, &mut strings);
        assert!(!strings.is_empty());
        assert!(text.is_ascii() || !text.contains('\u{1b}'), "{format}: raw ESC in output");
        let names_seen = payloads.iter().filter(|p| strings.iter().any(|s| s.contains(p.as_str()))).count();
        assert!(names_seen >= 1, "{format}: no inventory name in the output");
    }
    let trace = piflow(&["trace", "f2", &f, "--as-of", AS_OF, "--format", "json"]);
    ok(&trace, "trace json");
    let mut strings = Vec::new();
    collect_strings(&trace.json(), &mut strings);
    let f2 = "pipe | and\nnewline and \\ backslash end\\";
    assert!(strings.iter().any(|s| s == f2), "trace JSON lost the field name: {strings:?}");
}

fn collect_strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(o) => o.iter().for_each(|(k, v)| {
            out.push(k.clone());
            collect_strings(v, out)
        }),
        _ => {}
    }
}

fn report_dir() -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("tempdir");
    let run = piflow(&["report", &fixture_str(), "--out", out.path().to_str().expect("path"), "--as-of", AS_OF]);
    ok(&run, "report");
    out
}

#[test]
fn report_outputs_parse_back_with_payloads_as_data() {
    let out = report_dir();
    let payloads = payloads();

    // HTML: no active element or attribute; the names come back as text.
    let html = std::fs::read_to_string(out.path().join("report.html")).expect("html");
    let doc = scraper::Html::parse_document(&html);
    for tag in ["script", "img", "iframe", "object", "embed", "b", "a[href^='javascript']"] {
        let sel = scraper::Selector::parse(tag).expect("selector");
        assert_eq!(doc.select(&sel).count(), 0, "HTML: a <{tag}> element was parsed");
    }
    let all = scraper::Selector::parse("*").expect("selector");
    for el in doc.select(&all) {
        for (name, value) in el.value().attrs() {
            assert!(!name.to_ascii_lowercase().starts_with("on"), "HTML: event attribute {name}={value}");
            assert!(!value.to_ascii_lowercase().contains("javascript:"), "HTML: {name}={value}");
        }
    }
    let text: String = doc.root_element().text().collect();
    for p in ["<script>alert(\"org\")</script>", "<img src=x onerror=alert(2)>", "</td></tr><script>alert(6)</script>"]
    {
        assert!(text.contains(p), "HTML text lost {p:?}");
    }

    // CSV: rectangular tables, no live formula, the names intact behind the guard.
    let mut cells = Vec::new();
    for entry in std::fs::read_dir(out.path()).expect("out") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "csv") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("csv");
        let mut rd = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(false)
            .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        for rec in rd.records() {
            let rec = rec.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            for cell in rec.iter() {
                assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{}: live cell {cell:?}", path.display());
                cells.push(cell.to_owned());
            }
        }
    }
    for p in ["=cmd|' /C calc'!A0", "@SUM(A1)", "-2+3"] {
        assert!(cells.iter().any(|c| c == &format!("'{p}")), "CSV lost {p:?}: {cells:?}");
    }
    assert!(cells.iter().any(|c| c == "pipe | and\nnewline and \\ backslash end\\"));

    // Markdown: every table row has its header's number of cell separators; no raw tag.
    let md = std::fs::read_to_string(out.path().join("report.md")).expect("md");
    assert!(!md.to_ascii_lowercase().contains("<script") && !md.contains("<img"), "raw tag in Markdown");
    let separators = |l: &str| {
        let mut n = 0;
        let mut escaped = false;
        for c in l.chars() {
            match c {
                '\\' if !escaped => escaped = true,
                '|' if !escaped => n += 1,
                _ => escaped = false,
            }
            if c != '\\' {
                escaped = false;
            }
        }
        n
    };
    let mut tables = 0;
    for block in md.split("\n\n").filter(|b| b.starts_with('|')) {
        tables += 1;
        let mut lines = block.lines();
        let n = separators(lines.next().expect("header"));
        for l in lines {
            assert!(l.starts_with('|'), "Markdown: a row was broken by a newline: {l:?}");
            assert_eq!(separators(l), n, "Markdown: row breaks the table: {l}");
        }
    }
    assert!(tables >= 3, "Markdown: tables missing");

    // JSON report: parses, and holds the names exactly.
    let json: Value = serde_json::from_str(&std::fs::read_to_string(out.path().join("report.json")).expect("json"))
        .expect("report.json");
    let mut strings = Vec::new();
    collect_strings(&json, &mut strings);
    let kept = payloads.iter().filter(|p| strings.iter().any(|s| s == *p)).count();
    assert!(kept >= 5, "report.json kept only {kept} names whole");

    // XLSX: strings, not formulas, on every sheet.
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let mut wb: Xlsx<_> = open_workbook(out.path().join("report.xlsx")).expect("open xlsx");
    let mut strings = Vec::new();
    for sheet in wb.sheet_names().to_vec() {
        let formulas = wb.worksheet_formula(&sheet).expect("formulas");
        assert!(formulas.used_cells().next().is_none(), "XLSX {sheet}: a cell is a formula");
        for (_, _, c) in wb.worksheet_range(&sheet).expect("sheet").used_cells() {
            if let Data::String(s) = c {
                strings.push(s.clone());
            }
        }
    }
    assert!(strings.iter().any(|s| s == "=cmd|' /C calc'!A0"), "XLSX lost the formula-like name as text");
}

/// The DOT text parses to exactly the declared nodes and flows: no payload added a node, an edge
/// or an attribute statement.
#[test]
fn diagram_dot_parses_back_to_the_declared_graph() {
    let run = piflow(&["diagram", &fixture_str(), "--as-of", AS_OF, "--format", "dot"]);
    ok(&run, "diagram");
    let dot = String::from_utf8(run.stdout.clone()).expect("utf-8 dot");
    let graph = graphviz_rust::parse(&dot).unwrap_or_else(|e| panic!("DOT does not parse: {e}\n{dot}"));
    let stmts = match &graph {
        dot_structures::Graph::DiGraph { stmts, .. } | dot_structures::Graph::Graph { stmts, .. } => stmts,
    };
    let (mut nodes, mut edges) = (Vec::new(), 0);
    walk(stmts, &mut nodes, &mut edges);
    nodes.sort();
    nodes.dedup();
    // people, sys, cloud, vendor (the legend aside); flows in, out, and the sdk's sys → vendor.
    assert_eq!(nodes.len(), 4, "{nodes:?}\n{dot}");
    assert_eq!(edges, 3, "{dot}");
    for evil in ["evil", "pwn", "x"] {
        assert!(!nodes.iter().any(|n| n == evil), "payload became node {evil}");
    }
    if which_dot() {
        let canon = std::process::Command::new("dot")
            .arg("-Tcanon")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write;
                c.stdin.take().expect("stdin").write_all(dot.as_bytes())?;
                c.wait_with_output()
            })
            .expect("dot -Tcanon");
        assert!(canon.status.success(), "dot rejects the diagram: {}", String::from_utf8_lossy(&canon.stderr));
    } else {
        eprintln!("skipped dot -Tcanon: Graphviz is not installed");
    }
}

fn which_dot() -> bool {
    std::env::var_os("PATH").is_some_and(|p| std::env::split_paths(&p).any(|d| d.join("dot").is_file()))
}

fn walk(stmts: &[dot_structures::Stmt], nodes: &mut Vec<String>, edges: &mut usize) {
    use dot_structures::{Id, Stmt};
    for st in stmts {
        match st {
            Stmt::Node(n) => {
                let id = match &n.id.0 {
                    Id::Html(s) | Id::Escaped(s) | Id::Plain(s) | Id::Anonymous(s) => s.trim_matches('"').to_owned(),
                };
                if !id.starts_with("legend") {
                    nodes.push(id);
                }
            }
            Stmt::Subgraph(g) => walk(&g.stmts, nodes, edges),
            Stmt::Edge(e) => {
                let legend = match &e.ty {
                    dot_structures::EdgeTy::Pair(a, b) => [a, b].iter().any(|v| match v {
                        dot_structures::Vertex::N(n) => id_text(&n.0).starts_with("legend"),
                        dot_structures::Vertex::S(_) => false,
                    }),
                    dot_structures::EdgeTy::Chain(_) => false,
                };
                if !legend {
                    *edges += 1;
                }
            }
            _ => {}
        }
    }
}

fn id_text(id: &dot_structures::Id) -> String {
    use dot_structures::Id;
    match id {
        Id::Html(s) | Id::Escaped(s) | Id::Plain(s) | Id::Anonymous(s) => s.trim_matches('"').to_owned(),
    }
}

#[test]
fn diagram_svg_is_well_formed_and_inert() {
    if !which_dot() {
        eprintln!("skipped: Graphviz `dot` is not installed, so piflow cannot render SVG");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let svg_path = dir.path().join("flows.svg");
    let run = piflow_in(
        dir.path(),
        &[
            "diagram".as_ref(),
            fixture().as_os_str(),
            "--as-of".as_ref(),
            AS_OF.as_ref(),
            "-o".as_ref(),
            svg_path.as_os_str(),
        ],
    );
    ok(&run, "diagram svg");
    let svg = std::fs::read_to_string(&svg_path).expect("svg");
    let doc = roxmltree::Document::parse_with_options(
        &svg,
        roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() },
    )
    .unwrap_or_else(|e| panic!("SVG is not well-formed XML: {e}"));
    for node in doc.descendants() {
        let tag = node.tag_name().name().to_ascii_lowercase();
        assert!(!matches!(tag.as_str(), "script" | "foreignobject" | "iframe"), "SVG: <{tag}> element");
        for a in node.attributes() {
            assert!(!a.name().to_ascii_lowercase().starts_with("on"), "SVG: event attribute {}", a.name());
            assert!(!a.value().to_ascii_lowercase().starts_with("javascript:"), "SVG: {}={}", a.name(), a.value());
        }
    }
    let text: String = doc.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect();
    assert!(text.contains("digraph x { evil") || text.contains("}; digraph"), "SVG lost the party name as text");
}

/// Values given on the command line and echoed back in a message (`explain CODE`, `trace FIELD`,
/// `diagram --party`) are escaped like inventory text, and shortened when long.
#[test]
fn command_line_values_echoed_in_messages_are_escaped() {
    let hostile = format!("x\u{1b}[31m\u{202e}\u{2028}\u{200b}{}", "y".repeat(5000));
    let runs: [&[&str]; 3] = [
        &["explain", &hostile],
        &["trace", &hostile, "tests/fixtures/report-basic"],
        &["diagram", "tests/fixtures/report-basic", "--party", &hostile],
    ];
    for args in runs {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_piflow"))
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}", args[0]);
        for raw in ['\u{1b}', '\u{202e}', '\u{2028}', '\u{200b}'] {
            assert!(!err.contains(raw), "{}: raw {raw:?} in {err}", args[0]);
        }
        assert!(err.contains("\\u{1b}") && err.contains("\\u{2028}"), "{}: {err}", args[0]);
        assert!(err.len() < 1000, "{}: {} bytes, not shortened", args[0], err.len());
    }
}
