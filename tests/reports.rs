//! `piflow report`, `piflow diagram` and `piflow trace` through the real binary: snapshots of
//! every report kind on a small fixture, and a payload fixture whose names try to break out of
//! each format (HTML, CSV, Markdown, DOT, XLSX), read back with a parser of that format.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

const AS_OF: &str = "2026-11-23";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

fn piflow() -> Command {
    Command::cargo_bin("piflow").expect("binary")
}

/// Run `piflow report` on a fixture into a fresh temp dir.
fn report(name: &str, extra: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("tempdir");
    piflow()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["report", &format!("tests/fixtures/{name}"), "--out"])
        .arg(out.path())
        .args(["--as-of", AS_OF])
        .args(extra)
        .assert()
        .success();
    out
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn dot_available() -> bool {
    std::process::Command::new("dot").arg("-V").output().is_ok_and(|o| o.status.success())
}

// The payload's hostile strings, as the inventory holds them.
const SCRIPT: &str = "<script>alert(1)</script> Corp";
const DOT_BREAK: &str = "\"]; a -> b [label=\"pwned";
const FORMULA: &str = "=HYPERLINK(\"http://x\",\"y\")";
const PIPE_NL: &str = "pipe | and\nnewline and \\ backslash";
const IMG: &str = "<img src=x onerror=alert(2)>";
const BRACES: &str = "}; digraph x { evil";

#[test]
fn snapshot_every_report_kind() {
    let out = report("report-basic", &[]);
    let dir = out.path();
    for f in ["organization", "ropa-gdpr", "ropa-pipl", "collected", "shared", "sdks"] {
        insta::assert_snapshot!(format!("basic_{f}_csv"), read(dir, &format!("{f}.csv")));
    }
    insta::assert_snapshot!("basic_report_md", read(dir, "report.md"));
    insta::assert_snapshot!("basic_report_html", read(dir, "report.html"));
    insta::assert_snapshot!("basic_report_json", read(dir, "report.json"));
    assert!(std::fs::read(dir.join("report.xlsx")).expect("xlsx").starts_with(b"PK"));
}

#[test]
fn snapshot_languages() {
    for lang in ["zh", "en"] {
        let out = report("report-basic", &["--lang", lang, "--format", "md"]);
        insta::assert_snapshot!(format!("basic_report_md_{lang}"), read(out.path(), "report.md"));
        assert!(!out.path().join("report.html").exists(), "--format md writes only Markdown");
    }
}

#[test]
fn snapshot_diagram_and_trace() {
    let out = piflow()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["diagram", "tests/fixtures/report-basic", "--format", "dot", "--as-of", AS_OF])
        .output()
        .expect("run");
    assert!(out.status.success());
    insta::assert_snapshot!("basic_diagram_dot", String::from_utf8(out.stdout).expect("utf8"));

    for (args, name) in [
        (vec!["--field", "face"], "basic_diagram_field_face"),
        (vec!["--party", "cdn-us"], "basic_diagram_party_cdn"),
        (vec!["--regime", "GDPR", "--purpose", "kyc"], "basic_diagram_gdpr_kyc"),
    ] {
        let out = piflow()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["diagram", "tests/fixtures/report-basic", "--as-of", AS_OF])
            .args(&args)
            .output()
            .expect("run");
        assert!(out.status.success(), "{args:?}");
        insta::assert_snapshot!(name, String::from_utf8(out.stdout).expect("utf8"));
    }

    for format in ["human", "json"] {
        let out = piflow()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["trace", "phone", "tests/fixtures/report-basic", "--format", format, "--as-of", AS_OF])
            .output()
            .expect("run");
        assert!(out.status.success());
        insta::assert_snapshot!(format!("basic_trace_phone_{format}"), String::from_utf8(out.stdout).expect("utf8"));
    }
}

#[test]
fn trace_follows_every_path_to_each_destination() {
    let out = piflow()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["trace", "phone", "tests/fixtures/report-basic", "--format", "json", "--as-of", AS_OF])
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let paths = v["paths"].as_array().expect("paths");
    let mut dests: Vec<(String, String)> = paths
        .iter()
        .map(|p| {
            let hops = p["hops"].as_array().expect("hops");
            (hops[0]["from"]["id"].as_str().unwrap().to_owned(), p["destination"]["id"].as_str().unwrap().to_owned())
        })
        .collect();
    dests.sort();
    // users and kids each reach sms, cdn-us and police through app → db.
    let expected: Vec<(String, String)> = ["kids", "users"]
        .iter()
        .flat_map(|s| ["cdn-us", "police", "sms"].map(|d| (s.to_string(), d.to_string())))
        .collect();
    assert_eq!(dests, expected);
    let to_us = paths.iter().find(|p| p["destination"]["id"] == "cdn-us").expect("path to US");
    assert_eq!(to_us["countries"].as_array().unwrap().last().unwrap(), "US");
    assert!(to_us["hops"].as_array().unwrap().iter().any(|h| h["cn_export"] == true));
    let hop = to_us["hops"].as_array().unwrap().last().unwrap();
    assert!(hop["findings"].as_array().unwrap().iter().any(|f| f["code"] == "pipl-21-contract"));
    assert_eq!(hop["basis"]["PIPL"], "contract");

    piflow()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["trace", "phon", "tests/fixtures/report-basic"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("Did you mean `phone`?"));
}

#[test]
fn refuses_to_write_inside_the_inventory() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let inv = tmp.path().join("inv");
    std::fs::create_dir_all(&inv).unwrap();
    std::fs::copy(fixture("report-basic/inventory.json"), inv.join("inventory.json")).unwrap();
    piflow()
        .args(["report"])
        .arg(&inv)
        .arg("--out")
        .arg(inv.join("reports"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--force-inside"));
    assert!(!inv.join("reports").exists());
    piflow().args(["diagram"]).arg(&inv).arg("-o").arg(inv.join("d.dot")).assert().code(2);
    piflow()
        .args(["report"])
        .arg(&inv)
        .arg("--out")
        .arg(inv.join("reports"))
        .args(["--force-inside", "--format", "json"])
        .assert()
        .success();
    assert!(inv.join("reports/report.json").exists());
    // Only the report itself: no temp files left behind.
    let names: Vec<_> = std::fs::read_dir(inv.join("reports")).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, vec![std::ffi::OsString::from("report.json")]);
}

#[test]
fn xlsx_is_byte_identical_and_reads_back() {
    use calamine::{Reader, Xlsx, open_workbook};
    let a = report("report-basic", &["--format", "xlsx"]);
    let b = report("report-basic", &["--format", "xlsx"]);
    let bytes_a = std::fs::read(a.path().join("report.xlsx")).unwrap();
    let bytes_b = std::fs::read(b.path().join("report.xlsx")).unwrap();
    assert!(bytes_a == bytes_b, "two runs give different XLSX bytes");

    let mut wb: Xlsx<_> = open_workbook(a.path().join("report.xlsx")).expect("open xlsx");
    let names = wb.sheet_names().to_vec();
    assert_eq!(names, ["organization", "ropa-gdpr", "ropa-pipl", "collected", "shared", "sdks"]);
    let range = wb.worksheet_range("shared").expect("sheet");
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert!(rows.iter().any(|r| r.first().is_some_and(|c| c == "第三方名称 / Recipient")), "{rows:?}");
    assert!(rows.iter().any(|r| r.first().is_some_and(|c| c == "Global CDN Inc")));
}

#[test]
fn xlsx_without_a_usable_temp_dir_says_what_to_set() {
    let out = tempfile::tempdir().expect("tempdir");
    let missing = out.path().join("no-such-dir");
    piflow()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("TMPDIR", &missing)
        .args(["report", "tests/fixtures/report-basic", "--format", "xlsx", "--out"])
        .arg(out.path())
        .args(["--as-of", AS_OF])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("set TMPDIR to a writable directory"));
    assert!(!out.path().join("report.xlsx").exists(), "no workbook is written when it cannot be built");
}

#[test]
fn payload_csv_cells_read_back_neutralised() {
    let out = report("payload", &["--format", "csv"]);
    let bytes = std::fs::read(out.path().join("collected.csv")).unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("BOM");
    let mut rd = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let rows: Vec<Vec<String>> =
        rd.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect::<Vec<_>>();
    let cells: Vec<&str> = rows.iter().flatten().map(String::as_str).collect();
    assert!(cells.contains(&format!("'{FORMULA}").as_str()), "{cells:?}");
    assert!(cells.contains(&PIPE_NL), "{cells:?}");
    assert!(cells.contains(&"'@SUM(A1)"), "{cells:?}");
    assert!(cells.contains(&"'-1+2"), "{cells:?}");
    // No cell a spreadsheet would evaluate.
    for dir_file in ["organization", "ropa-gdpr", "ropa-pipl", "collected", "shared", "sdks"] {
        let bytes = std::fs::read(out.path().join(format!("{dir_file}.csv"))).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        let mut rd =
            csv::ReaderBuilder::new().has_headers(false).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        for rec in rd.records() {
            for cell in rec.unwrap().iter() {
                assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{dir_file}: live cell {cell:?}");
            }
        }
    }
    let shared = read(out.path(), "shared.csv");
    let mut rd = csv::Reader::from_reader(shared.trim_start_matches('\u{feff}').as_bytes());
    let row = rd.records().next().unwrap().unwrap();
    assert_eq!(&row[0], BRACES);
    assert_eq!(&row[9], "'\tleading tab");
}

#[test]
fn payload_html_stays_text() {
    let out = report("payload", &["--format", "html"]);
    let html = read(out.path(), "report.html");
    assert!(!html.to_ascii_lowercase().contains("<script"), "raw script tag in HTML");
    assert!(!html.contains("<img"), "raw img tag in HTML");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(!html.contains("src=\"http") && !html.contains("href=\"http"), "external asset or link");
    let doc = scraper::Html::parse_document(&html);
    for bad in ["script", "img", "b", "iframe", "link"] {
        let sel = scraper::Selector::parse(bad).unwrap();
        assert_eq!(doc.select(&sel).count(), 0, "a <{bad}> element was parsed");
    }
    let td = scraper::Selector::parse("td").unwrap();
    let cells: Vec<String> = doc.select(&td).map(|c| c.text().collect::<String>()).collect();
    assert!(cells.iter().any(|c| c == SCRIPT), "{cells:?}");
    assert!(cells.iter().any(|c| c.contains(IMG)), "{cells:?}");
    assert!(cells.iter().any(|c| c == FORMULA));
    // Newlines become <br>: the text reads back without them, the two lines intact.
    assert!(cells.iter().any(|c| c == &PIPE_NL.replace('\n', "")), "{cells:?}");
    let title = scraper::Selector::parse("title").unwrap();
    assert!(doc.select(&title).next().unwrap().text().collect::<String>().contains(SCRIPT));
}

#[test]
fn payload_markdown_stays_text() {
    let out = report("payload", &["--format", "md"]);
    let md = read(out.path(), "report.md");
    assert!(!md.contains("<script"));
    assert!(md.contains("&lt;script&gt;"));
    assert!(md.contains("pipe \\| and<br>newline and \\\\ backslash"));
    // Every table row has as many unescaped pipes as its header.
    for block in md.split("\n\n").filter(|b| b.starts_with('|')) {
        let count = |l: &str| l.replace("\\|", "").matches('|').count();
        let mut lines = block.lines();
        let n = count(lines.next().unwrap());
        for l in lines {
            assert_eq!(count(l), n, "row breaks the table: {l}");
        }
    }
}

#[test]
fn payload_xlsx_reads_back_as_text() {
    use calamine::{Data, Reader, Xlsx, open_workbook};
    let out = report("payload", &["--format", "xlsx"]);
    let mut wb: Xlsx<_> = open_workbook(out.path().join("report.xlsx")).expect("open");
    let range = wb.worksheet_range("collected").expect("sheet");
    let cells: Vec<&Data> = range.used_cells().map(|(_, _, c)| c).collect();
    assert!(cells.iter().any(|c| **c == Data::String(FORMULA.into())), "{cells:?}");
    assert!(cells.iter().any(|c| **c == Data::String(PIPE_NL.into())));
    let formulas = wb.worksheet_formula("collected").expect("formulas");
    assert!(formulas.used_cells().next().is_none(), "a cell was written as a formula");
}

/// Node labels and edge count of a parsed DOT graph (walking subgraphs).
fn walk(stmts: &[dot_structures::Stmt], labels: &mut Vec<(String, String)>, edges: &mut usize) {
    use dot_structures::{Id, Stmt};
    let text = |id: &Id| match id {
        Id::Html(s) | Id::Escaped(s) | Id::Plain(s) | Id::Anonymous(s) => s.clone(),
    };
    for st in stmts {
        match st {
            Stmt::Node(n) => {
                for a in &n.attributes {
                    if text(&a.0) == "label" {
                        labels.push((text(&n.id.0), piflow::report::diagram::unquote(&text(&a.1))));
                    }
                }
            }
            Stmt::Subgraph(g) => walk(&g.stmts, labels, edges),
            Stmt::Edge(_) => *edges += 1,
            _ => {}
        }
    }
}

#[test]
fn payload_dot_keeps_names_as_labels() {
    let out = piflow()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["diagram", "tests/fixtures/payload", "--as-of", AS_OF])
        .output()
        .expect("run");
    assert!(out.status.success());
    let dot = String::from_utf8(out.stdout).unwrap();
    let graph = graphviz_rust::parse(&dot).expect("DOT parses");
    let dot_structures::Graph::DiGraph { stmts, .. } = graph else { panic!("not a digraph") };
    let (mut labels, mut edges) = (Vec::new(), 0);
    walk(&stmts, &mut labels, &mut edges);
    // Two flows (the legend is one node): nothing injected.
    assert_eq!(edges, 2, "{dot}");
    let texts: Vec<&str> = labels.iter().map(|(_, l)| l.as_str()).collect();
    assert!(texts.contains(&DOT_BREAK), "{texts:?}");
    assert!(texts.contains(&IMG), "{texts:?}");
    assert!(texts.iter().any(|t| t.starts_with(BRACES)), "{texts:?}");
    for (id, _) in &labels {
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "generated ids only: {id}");
    }
    if !dot_available() {
        eprintln!("skipping the Graphviz part of payload_dot_keeps_names_as_labels: `dot` is not installed");
        return;
    }
    let mut child = std::process::Command::new("dot")
        .arg("-Tcanon")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("dot");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(dot.as_bytes()).unwrap();
    let canon = child.wait_with_output().unwrap();
    assert!(canon.status.success(), "dot rejected the diagram");
    let canon = String::from_utf8(canon.stdout).unwrap();
    let graph = graphviz_rust::parse(&canon).expect("canon parses");
    let dot_structures::Graph::DiGraph { stmts, .. } = graph else { panic!("not a digraph") };
    let (mut labels2, mut edges2) = (Vec::new(), 0);
    walk(&stmts, &mut labels2, &mut edges2);
    assert_eq!(edges2, 2);
    assert!(labels2.iter().any(|(_, l)| l == DOT_BREAK));

    let svg = piflow()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["diagram", "tests/fixtures/payload", "--format", "svg", "--as-of", AS_OF])
        .output()
        .expect("run");
    assert!(svg.status.success());
    let svg = String::from_utf8(svg.stdout).unwrap();
    assert!(!svg.contains("<script") && !svg.contains("<img"), "markup leaked into the SVG");
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[test]
fn svg_and_png_without_dot_say_how_to_install() {
    let empty = tempfile::tempdir().unwrap();
    for format in ["svg", "png"] {
        piflow()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .env("PATH", empty.path())
            .args(["diagram", "tests/fixtures/report-basic", "--format", format])
            .assert()
            .code(2)
            .stderr(predicates::str::contains("apt-get install graphviz"))
            .stderr(predicates::str::contains("brew install graphviz"));
    }
    piflow()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("PATH", empty.path())
        .args(["diagram", "tests/fixtures/report-basic", "--format", "dot"])
        .assert()
        .success()
        .stdout(predicates::str::starts_with("digraph piflow {"));
}

#[test]
fn diagram_renders_with_dot() {
    if !dot_available() {
        eprintln!("skipping diagram_renders_with_dot: Graphviz `dot` is not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    for file in ["d.svg", "d.png"] {
        piflow()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["diagram", "tests/fixtures/report-basic", "--as-of", AS_OF, "-o"])
            .arg(tmp.path().join(file))
            .assert()
            .success();
    }
    assert!(std::fs::read_to_string(tmp.path().join("d.svg")).unwrap().contains("<svg"));
    assert!(std::fs::read(tmp.path().join("d.png")).unwrap().starts_with(b"\x89PNG"));
}

#[test]
fn diagram_collapses_large_inventories() {
    let out = piflow()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["diagram", "tests/fixtures/report-basic", "--collapse-above", "3", "--as-of", AS_OF])
        .output()
        .expect("run");
    let dot = String::from_utf8(out.stdout).unwrap();
    assert!(dot.contains("collapsed by country"), "{dot}");
    assert!(dot.contains("own systems"), "{dot}");
    piflow()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["diagram", "tests/fixtures/report-basic", "--party", "cdn-uss"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("Did you mean `cdn-us`?"));
}

/// The printed record (headless Chromium, A4 landscape): a sane page count, and the processing
/// table's header repeated on the pages the table continues on. Skips where chromium or
/// pdftotext is missing (a fresh machine has only Rust).
#[test]
fn printed_record_repeats_table_headers() {
    let have =
        |tool: &str| std::process::Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success());
    if !have("chromium") || !have("pdftotext") {
        eprintln!("skipped: chromium or pdftotext not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("onewo");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_piflow"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["report", "inventory/onewo", "--format", "html", "--lang", "zh", "--as-of", "2026-11-23", "--out"])
        .arg(&out)
        .status()
        .expect("piflow");
    assert!(status.success());
    let pdf = dir.path().join("onewo.pdf");
    let profile = tempfile::tempdir().expect("profile");
    let status = std::process::Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", out.join("report.html").display()))
        .stderr(std::process::Stdio::null())
        .status()
        .expect("chromium");
    assert!(status.success() && pdf.exists(), "chromium printed nothing");
    let text = std::process::Command::new("pdftotext").arg("-layout").arg(&pdf).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    let pages: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    assert!((3..=60).contains(&pages.len()), "{} pages", pages.len());
    // The PIPL record's header cell; the table runs over several pages, each must show it.
    let with_header = pages.iter().filter(|p| p.contains("个人信息种类")).count();
    assert!(with_header >= 2, "the table header is on {with_header} page(s)");
}

#[test]
fn no_findings_leaves_out_the_findings_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (flag, expect) in [(None, true), (Some("--no-findings"), false)] {
        let out = dir.path().join(if flag.is_some() { "external" } else { "internal" });
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_piflow"));
        cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["report", "inventory/onewo", "--format", "html", "--lang", "zh", "--out"])
            .arg(&out);
        if let Some(f) = flag {
            cmd.arg(f);
        }
        assert!(cmd.status().expect("piflow").success());
        let html = std::fs::read_to_string(out.join("report.html")).expect("report.html");
        assert_eq!(html.contains("<th scope=\"col\">问题</th>"), expect, "{flag:?}");
    }
}
