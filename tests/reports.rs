//! `piflow report`, `piflow diagram` and `piflow trace` through the real binary: snapshots of
//! every report kind on a small fixture, and a payload fixture whose names try to break out of
//! each format (HTML, CSV, Markdown, DOT, XLSX), read back with a parser of that format.

mod common;
use common::bin as piflow;
use std::path::{Path, PathBuf};

const AS_OF: &str = "2026-11-23";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Run `piflow report` on a fixture into a fresh temp dir.
fn report(name: &str, extra: &[&str]) -> tempfile::TempDir {
    report_at(&format!("tests/fixtures/{name}"), extra)
}

/// Run `piflow report` on an inventory (a path from the repository root) into a fresh temp dir.
fn report_at(inventory: &str, extra: &[&str]) -> tempfile::TempDir {
    let out = tempfile::tempdir().expect("tempdir");
    piflow()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["report", inventory, "--out"])
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

/// Graphviz's `dot` run on a DOT text with one `-T` option: its output (it must accept the text).
fn run_dot(format: &str, dot: &str) -> Vec<u8> {
    use std::io::Write;
    let mut child = std::process::Command::new("dot")
        .arg(format)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("dot");
    child.stdin.take().unwrap().write_all(dot.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "dot rejected the diagram");
    out.stdout
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
    for f in ["cover", "organization", "ropa-gdpr", "ropa-pipl", "collected", "shared", "sdks"] {
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

/// `trace` says on each hop leaving CN what it needs, read from the organization's count: the
/// organization-level exemption when every number is known, "not decided" when one is missing
/// (never an exemption resting on it), the tier's mechanism above a threshold, and a security
/// assessment for important data whatever the count.
#[test]
fn trace_shows_why_a_hop_leaving_cn_needs_a_mechanism_or_not() {
    use serde_json::json;
    let hop_need = |inv: &serde_json::Value| -> (serde_json::Value, String) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("inv.json");
        std::fs::write(&path, serde_json::to_string_pretty(inv).unwrap()).unwrap();
        let run = |format: &str| {
            let out =
                piflow().arg("trace").arg("phone").arg(&path).args(["--format", format, "--as-of", AS_OF]).output();
            let out = out.expect("run");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8(out.stdout).expect("utf8")
        };
        let v: serde_json::Value = serde_json::from_str(&run("json")).expect("json");
        let hop = v["hops"].as_array().unwrap().iter().find(|h| h["flow"] == "exp").expect("export hop").clone();
        let human = run("human");
        assert_eq!(
            human.contains("PIPL export:"),
            !hop["cn_export_needs"].is_null(),
            "the human trace shows what the JSON holds:\n{human}"
        );
        (hop["cn_export_needs"].clone(), human)
    };
    let known = common::export("US", &["phone"], 1000);
    let (need, human) = hop_need(&known);
    assert_eq!(need["status"], "below-thresholds", "{need:#}");
    assert_eq!((need["N"].clone(), need["S"].clone()), (json!(1000), json!(0)));
    assert_eq!(need["ciio_assumed"], true, "ciio is not stated in the base inventory");
    assert!(human.contains("no mechanism needed under Art. 5(4)"), "{human}");

    // No volume on the flow and none on its group: the number is unknown, so nothing is exempt.
    let mut unknown = known.clone();
    common::get(&mut unknown, "flows", "exp").as_object_mut().unwrap().remove("volume");
    unknown["subjects"][0].as_object_mut().unwrap().remove("volume");
    let (need, human) = hop_need(&unknown);
    assert_eq!(need["status"], "not-decided", "{need:#}");
    assert_eq!(need["lower_bounds"], true);
    assert!(human.contains("not decided"), "{human}");
    assert!(!human.contains("no mechanism needed"), "an exemption resting on a missing number:\n{human}");

    let (need, _) = hop_need(&common::export("US", &["phone"], 100_000));
    assert_eq!(need["status"], "mechanism-needed", "{need:#}");
    assert_eq!(need["tier"], "standard-contract");
    let (need, _) = hop_need(&common::export("US", &["phone"], 99_999));
    assert_eq!(need["status"], "below-thresholds", "one below the threshold");

    let mut important = known.clone();
    common::get(&mut important, "fields", "phone")["important"] = json!(true);
    assert_eq!(hop_need(&important).0["status"], "important-data");

    let mut by_contract = known.clone();
    common::get(&mut by_contract, "purposes", "support")["basis"] = json!("contract");
    let (need, human) = hop_need(&by_contract);
    assert_eq!(need["status"], "exempt-by-basis", "{need:#}");
    assert_eq!(need["article"], "Art. 5(1)/(2)");
    assert!(human.contains("whatever the volume"), "{human}");

    // Inside CN there is nothing to say.
    let (need, human) = hop_need(&common::export("CN", &["phone"], 1000));
    assert!(need.is_null(), "{need:#}");
    assert!(!human.contains("PIPL export:"), "{human}");
}

#[test]
fn trace_reaches_each_destination_once() {
    let out = piflow()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["trace", "phone", "tests/fixtures/report-basic", "--format", "json", "--as-of", AS_OF])
        .output()
        .expect("run");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let nodes = v["nodes"].as_array().expect("nodes");
    let ids: Vec<&str> = nodes.iter().map(|n| n["id"].as_str().unwrap()).collect();
    // Each node once, breadth first from the groups it is collected from: users and kids reach
    // sms, cdn-us and police through app → db.
    assert_eq!(ids, ["kids", "users", "app", "db", "sms", "cdn-us", "police"]);
    let node = |id: &str| nodes.iter().find(|n| n["id"] == id).expect("node");
    assert_eq!(node("users")["reached"]["how"], "collected");
    assert_eq!(node("db")["reached"], serde_json::json!({"how": "flow", "flow": "f-store", "from": "app"}));
    assert_eq!(node("db")["step"], 2);
    let finals: Vec<&str> = nodes.iter().filter(|n| n["final"] == true).map(|n| n["id"].as_str().unwrap()).collect();
    assert_eq!(finals, ["sms", "cdn-us", "police"]);
    assert_eq!(node("cdn-us")["country"], serde_json::json!(["US"]));
    // Each flow carrying the field once, `f-store` too though both groups' data take it.
    let hops = v["hops"].as_array().expect("hops");
    let flows: Vec<&str> = hops.iter().map(|h| h["flow"].as_str().unwrap()).collect();
    assert_eq!(flows, ["f-kids", "f-login", "f-store", "f-sms", "f-cdn", "f-police"]);
    let hop = hops.iter().find(|h| h["flow"] == "f-cdn").expect("hop to the US");
    assert_eq!(hop["cn_export"], true);
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
    assert_eq!(names, ["cover", "organization", "ropa-gdpr", "ropa-pipl", "collected", "shared", "sdks"]);
    let cover = wb.worksheet_range("cover").expect("cover sheet");
    let cover: Vec<Vec<String>> = cover.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert!(
        cover.iter().any(|r| r.len() >= 2 && r[0] == "文件版本 / Document version" && r[1] == "未填写 / not given"),
        "{cover:?}"
    );
    let range = wb.worksheet_range("shared").expect("sheet");
    let rows: Vec<Vec<String>> = range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert!(rows.iter().any(|r| r.first().is_some_and(|c| c == "第三方名称 / Recipient")), "{rows:?}");
    assert!(rows.iter().any(|r| r.first().is_some_and(|c| c == "Global CDN Inc")));
}

/// The cover block in `cover.csv`, a table of its own (the records' CSV files keep their header as
/// the first row), with the rows the XLSX cover sheet and the HTML cover print, keys that do not
/// change with the language, and what the user typed neutralised like any other cell.
#[test]
fn csv_cover_is_its_own_table_with_the_rows_of_every_format() {
    use calamine::{Reader, Xlsx, open_workbook};
    let cover = ["--version", "=1.2", "--approver", "张三 (DPO)", "--date", "2026-11-30"];
    let rows_of = |dir: &Path, file: &str| -> Vec<Vec<String>> {
        let text = read(dir, file);
        let text = text.strip_prefix('\u{feff}').expect("BOM for Excel");
        let mut rd = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
        rd.records().map(|r| r.expect("well-formed CSV").iter().map(str::to_owned).collect()).collect()
    };
    let mut keys_by_lang = Vec::new();
    for lang in ["zh", "en", "both"] {
        let out = report("report-basic", &[&["--format", "csv,xlsx,html", "--lang", lang][..], &cover[..]].concat());
        let rows = rows_of(out.path(), "cover.csv");
        let (header, body) = rows.split_first().expect("a header row");
        assert_eq!(header.len(), 3, "{header:?}");
        assert!(body.iter().all(|r| r.len() == 3), "{rows:?}");
        let value = |key: &str| body.iter().find(|r| r[0] == key).map(|r| r[2].clone()).unwrap_or_default();
        assert_eq!(value("version"), "'=1.2", "a formula typed as the version is neutralised");
        assert_eq!(value("approver"), "张三 (DPO)");
        assert_eq!(value("date"), "2026-11-30");
        assert_eq!(value("as_of"), AS_OF);
        assert_eq!(value("organization"), "Acme Cloud 云");
        keys_by_lang.push(body.iter().map(|r| r[0].clone()).collect::<Vec<_>>());
        // The same (label, value) rows as the XLSX cover sheet, in the same order.
        let mut wb: Xlsx<_> = open_workbook(out.path().join("report.xlsx")).expect("open xlsx");
        let sheet = wb.worksheet_range("cover").expect("cover sheet");
        let sheet: Vec<Vec<String>> = sheet
            .rows()
            .filter(|r| r.len() >= 2 && !r[1].to_string().is_empty())
            .map(|r| vec![r[0].to_string(), r[1].to_string()])
            .collect();
        let csv_rows: Vec<Vec<String>> = body.iter().map(|r| vec![r[1].clone(), r[2].clone()]).collect();
        assert_eq!(sheet.len(), csv_rows.len(), "{sheet:?}");
        for (x, c) in sheet.iter().zip(&csv_rows) {
            assert_eq!(x[0], c[0]);
            assert_eq!(x[1], c[1].trim_start_matches('\''), "XLSX stores text cells, CSV neutralises");
        }
        // And the HTML cover prints each of them.
        let html = read(out.path(), "report.html");
        for r in &csv_rows {
            assert!(html.contains(&r[0]), "the HTML cover lacks {:?}", r[0]);
        }
        // The records' own CSV files still start with their header.
        let collected = rows_of(out.path(), "collected.csv");
        assert!(!collected[0].iter().any(|c| c.contains("Document version") || c.contains("文件版本")));
    }
    assert!(keys_by_lang.windows(2).all(|w| w[0] == w[1]), "{keys_by_lang:?}");
    assert_eq!(keys_by_lang[0], ["organization", "version", "date", "approver", "as_of", "inventory", "generator"]);
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
    let canon = String::from_utf8(run_dot("-Tcanon", &dot)).unwrap();
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

/// The printed record (headless Chromium, A4 landscape), read back page by page: the cover block
/// on page 1, landscape pages, a sane page count, the processing table's header repeated (and
/// whole, not wrapped a letter a line) on the pages the table continues on, and no page ending
/// with a section's heading. Skips where chromium or pdftotext is missing (a fresh machine has
/// only Rust).
#[test]
fn printed_record_reads_as_a_document() {
    // poppler's tools answer `-v` (their `--version` exits 1, which once skipped this test).
    let have =
        |tool: &str, flag: &str| std::process::Command::new(tool).arg(flag).output().is_ok_and(|o| o.status.success());
    if !have("chromium", "--version") || !have("pdftotext", "-v") {
        eprintln!("skipped: chromium or pdftotext not installed");
        return;
    }
    if !common::cjk_font_installed() {
        eprintln!("skipped printed_record_reads_as_a_document: no font with Chinese glyphs (Debian: fonts-noto-cjk)");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("onewo");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_piflow"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["report", "inventory/onewo", "--format", "html", "--lang", "zh", "--as-of", "2026-11-23"])
        .args(["--version", "2.1", "--approver", "王五", "--date", "2026-11-30", "--out"])
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
            "--no-pdf-header-footer",
            // The same switch before Chromium 120.
            "--print-to-pdf-no-header",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", out.join("report.html").display()))
        .stderr(std::process::Stdio::null())
        .status()
        .expect("chromium");
    assert!(status.success() && pdf.exists(), "chromium printed nothing");
    if let Ok(info) = std::process::Command::new("pdfinfo").arg(&pdf).output() {
        let info = String::from_utf8_lossy(&info.stdout);
        let size = info.lines().find(|l| l.starts_with("Page size:")).unwrap_or_default().to_owned();
        let nums: Vec<f64> = size.split_whitespace().filter_map(|w| w.parse().ok()).collect();
        assert!(nums.len() >= 2 && nums[0] > nums[1], "pages are not landscape: {size}");
    }
    let text = std::process::Command::new("pdftotext").arg("-layout").arg(&pdf).arg("-").output().expect("pdftotext");
    let text = String::from_utf8_lossy(&text.stdout);
    let pages: Vec<&str> = text.split('\u{c}').filter(|p| !p.trim().is_empty()).collect();
    assert!((3..=60).contains(&pages.len()), "{} pages", pages.len());
    let numbered = format!("1 / {}", pages.len());
    assert!(pages[0].contains(&numbered), "page 1 is not numbered `{numbered}`");
    for label in ["组织", "文件版本", "2.1", "文件日期", "2026-11-30", "批准人", "王五", "评估基准日（截至）"]
    {
        assert!(pages[0].contains(label), "the cover lacks {label}: {}", pages[0]);
    }
    // The PIPL record's header cell; the table runs over several pages, each must show it whole.
    let with_header = pages.iter().filter(|p| p.contains("个人信息种类")).count();
    assert!(with_header >= 2, "the table header is on {with_header} page(s)");
    // A section heading is never the last thing on its page.
    let html = std::fs::read_to_string(out.join("report.html")).expect("report.html");
    let titles: Vec<&str> = html.split("<h2>").skip(1).filter_map(|h| h.split("</h2>").next()).collect();
    assert!(titles.len() >= 5, "{titles:?}");
    for (i, page) in pages.iter().enumerate() {
        // The last line of text above the page number (the `N / M` footer).
        let footer = |l: &str| l.trim().chars().all(|c| c.is_ascii_digit() || c == '/' || c == ' ');
        let last = page.lines().rev().find(|l| !footer(l)).unwrap_or_default().trim();
        assert!(!titles.iter().any(|t| last.contains(t)), "page {} ends with the heading {last:?}", i + 1);
    }
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

/// The `sensitive` cells of `piflow report --format json --lang zh` for an inventory: (table id,
/// field cell, category cell, sensitive cell) for the collected list, and the PIPL record's
/// sensitive column.
fn sensitivity_cells(inventory: &Path) -> (Vec<(String, String, String)>, Vec<String>) {
    let out = report_at(inventory.to_str().expect("utf-8 path"), &["--format", "json", "--lang", "zh"]);
    let json: serde_json::Value = serde_json::from_str(&read(out.path(), "report.json")).expect("json");
    let table = |id: &str| json["tables"].as_array().unwrap().iter().find(|t| t["id"] == id).unwrap().clone();
    let collected = table("collected")["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_owned();
            (s("field"), s("category"), s("sensitive"))
        })
        .collect();
    let pipl = table("ropa-pipl")["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["sensitive"].as_str().unwrap().to_owned())
        .collect();
    (collected, pipl)
}

/// A row never shows 否 for a category sensitive by default unless the field overrides it, and
/// then it says so; a field declared sensitive on a non-sensitive category says that too; data of
/// children is sensitive whatever the category.
#[test]
fn sensitivity_never_contradicts_the_category_silently() {
    use piflow::model::taxonomy::CATEGORIES;
    let sensitive_labels: Vec<&str> = CATEGORIES.iter().filter(|c| c.sensitive).map(|c| c.zh).collect();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for seed in ["kunjicloud", "onewo", "xunzhong", "zmyun", "zstack"] {
        let (collected, _) = sensitivity_cells(&root.join("inventory").join(seed));
        for (field, category, sensitive) in &collected {
            if sensitive_labels.contains(&category.as_str()) && sensitive.starts_with('否') {
                assert_eq!(sensitive, "否（已覆盖默认：敏感）", "{seed}: {field} [{category}]");
            }
        }
    }

    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("inventory.json");
    let mut inv: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture("report-basic/inventory.json")).unwrap()).unwrap();
    for f in inv["fields"].as_array_mut().unwrap() {
        match f["id"].as_str().unwrap() {
            "face" => f["sensitive"] = false.into(),
            "device" => f["sensitive"] = true.into(),
            _ => {}
        }
    }
    std::fs::write(&path, serde_json::to_string(&inv).unwrap()).unwrap();
    let (collected, pipl) = sensitivity_cells(&path);
    let cell = |id: &str| collected.iter().filter(|r| r.0.contains(id)).map(|r| r.2.clone()).collect::<Vec<_>>();
    let (face, device, phone) = ("Face template 人脸", "Device ID 设备标识", "Mobile number 手机号");
    assert!(
        !cell(face).is_empty()
            && cell(face).iter().all(|c| c == "否（已覆盖默认：敏感）" || c.starts_with("是（含不满十四")),
        "{:?}",
        cell(face)
    );
    assert!(
        cell(device).iter().all(|c| c == "是（字段声明；类别默认不敏感）" || c.starts_with("是（含不满十四")),
        "{:?}",
        cell(device)
    );
    assert!(
        !cell(phone).is_empty() && cell(phone).iter().all(|c| c == "否" || c == "是（含不满十四周岁未成年人信息）"),
        "{:?}",
        cell(phone)
    );
    assert!(pipl.iter().any(|c| c.contains(&format!("{face}: 否（已覆盖默认：敏感）"))), "{pipl:?}");
}

/// The SDK list carries what MIIT-style lists carry: the vendor's legal entity, purpose, data,
/// permissions (from the bundled SDK database when the inventory is silent, marked so), whether
/// the data leaves the country (from the sdk's flows), the vendor's contact and policy link.
#[test]
fn sdk_list_has_the_miit_columns() {
    let out = report("report-basic", &["--format", "csv", "--lang", "zh"]);
    let mut rd = csv::Reader::from_path(out.path().join("sdks.csv")).expect("sdks.csv");
    let header: Vec<String> =
        rd.headers().unwrap().iter().map(|h| h.trim_start_matches('\u{feff}').to_owned()).collect();
    for col in [
        "SDK名称",
        "第三方主体",
        "使用目的",
        "收集的个人信息",
        "申请的系统权限",
        "是否出境",
        "第三方联系方式",
        "隐私政策链接",
    ] {
        assert!(header.iter().any(|h| h == col), "no column {col}: {header:?}");
    }
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.unwrap()).collect();
    let cell = |row: &csv::StringRecord, col: &str| row[header.iter().position(|h| h == col).unwrap()].to_owned();
    assert_eq!(rows.len(), 1);
    let perms = cell(&rows[0], "申请的系统权限");
    assert!(perms.contains("READ_PHONE_STATE") && perms.ends_with("（据内置SDK库）"), "{perms}");
    assert_eq!(cell(&rows[0], "是否出境"), "否");
    assert_eq!(cell(&rows[0], "隐私政策链接"), "https://www.umeng.com/policy");

    // kunjicloud's Google components send Gmail data to the US with no mechanism; its SDKs
    // without package coordinates have no known permissions, and say so.
    let out = report_at("inventory/kunjicloud", &["--format", "csv", "--lang", "zh"]);
    let text = read(out.path(), "sdks.csv");
    let google = text.lines().find(|l| l.starts_with("谷歌组件")).expect("google row");
    assert!(google.contains("是: US (无出境机制)") && google.contains(",未说明,"), "{google}");
}

/// 【】 a policy puts around a product's name are typographic quotes, not part of the name.
#[test]
fn lists_print_names_without_the_policys_brackets() {
    let out = report_at("inventory/onewo", &["--format", "csv", "--lang", "zh"]);
    for f in ["ropa-pipl", "collected", "shared"] {
        let text = read(out.path(), &format!("{f}.csv"));
        assert!(text.contains("弹性定价开源共创平台"), "{f}");
        assert!(!text.contains("【弹性定价开源共创】平台（"), "{f} keeps the brackets");
    }
}

/// `trace` (and `diagram --field`) of an unknown field says what was probably meant: the closest
/// id, the field whose name was typed, the fields of a category typed as one; exit 2.
#[test]
fn trace_of_an_unknown_field_suggests_one() {
    for (typed, expect) in [
        ("phnoe", "Did you mean `phone`?"),
        ("手机号", "`手机号` is in the name of `phone`; give the id."),
        ("biometric.face", "`biometric.face` is a category; its fields are `face`."),
        ("zzzzzzzz", "Field ids include `device`, `face`, `phone`."),
    ] {
        for cmd in [
            vec!["trace", typed, "tests/fixtures/report-basic"],
            vec!["diagram", "tests/fixtures/report-basic", "--field", typed],
        ] {
            piflow()
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .args(&cmd)
                .assert()
                .code(2)
                .stderr(predicates::str::contains(format!("no field has the id `{typed}`. {expect}")));
        }
    }
}

/// Graphviz's layout of a diagram (`dot -Tjson`): the boxes of its clusters (frames) and of its
/// edge labels (from the label's text lines), in points, and the width of the whole drawing.
#[allow(clippy::type_complexity)]
fn layout_boxes(dot: &str) -> (Vec<(String, [f64; 4])>, Vec<(String, [f64; 4])>, f64) {
    let j: serde_json::Value = serde_json::from_slice(&run_dot("-Tjson", dot)).expect("dot's JSON");
    let bb = |v: &serde_json::Value| -> [f64; 4] {
        let n: Vec<f64> = v.as_str().unwrap().split(',').map(|x| x.parse().unwrap()).collect();
        [n[0], n[1], n[2], n[3]]
    };
    let clusters = j["objects"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| o["name"].as_str().is_some_and(|n| n.starts_with("cluster")))
        .map(|o| (o["name"].as_str().unwrap().to_owned(), bb(&o["bb"])))
        .collect();
    let mut labels = Vec::new();
    for e in j["edges"].as_array().into_iter().flatten() {
        let (mut size, mut b) = (9.0, [f64::MAX, f64::MAX, f64::MIN, f64::MIN]);
        for op in e["_ldraw_"].as_array().into_iter().flatten() {
            match op["op"].as_str() {
                Some("F") => size = op["size"].as_f64().unwrap(),
                Some("T") => {
                    let (x, y, w) =
                        (op["pt"][0].as_f64().unwrap(), op["pt"][1].as_f64().unwrap(), op["width"].as_f64().unwrap());
                    let (l, r) = match op["align"].as_str() {
                        Some("l") => (x, x + w),
                        Some("r") => (x - w, x),
                        _ => (x - w / 2.0, x + w / 2.0),
                    };
                    b = [b[0].min(l), b[1].min(y - size * 0.25), b[2].max(r), b[3].max(y + size * 0.8)];
                }
                _ => {}
            }
        }
        if b[0] < b[2] {
            labels.push((e["id"].as_str().unwrap_or("?").to_owned(), b));
        }
    }
    (clusters, labels, bb(&j["bb"])[2])
}

/// On the five seeds, drawn whole, per regime and collapsed: no edge label is struck through by a
/// frame (the organization's boundary or a country's) — each lies wholly inside or wholly outside
/// every frame, two points clear of its line — and the drawing stays within a landscape page's
/// width at the PNG's 96 dpi (1,400 pt ≈ 1,870 px). Graphviz's layout is read back, never a rendering.
#[test]
fn diagram_labels_stay_clear_of_frames() {
    if !dot_available() {
        eprintln!("skipping diagram_labels_stay_clear_of_frames: `dot` is not installed");
        return;
    }
    if !common::cjk_font_installed() {
        eprintln!(
            "skipping diagram_labels_stay_clear_of_frames: no font with Chinese glyphs, so the layout \
             is not the one the diagrams are drawn for (Debian: fonts-noto-cjk)"
        );
        return;
    }
    const CLEAR: f64 = 2.0;
    for seed in ["kunjicloud", "onewo", "xunzhong", "zmyun", "zstack"] {
        for extra in [&[][..], &["--regime", "PIPL"], &["--regime", "GDPR"], &["--collapse-above", "6"]] {
            let out = piflow()
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .args(["diagram", &format!("inventory/{seed}"), "--format", "dot", "--as-of", AS_OF])
                .args(extra)
                .output()
                .expect("run");
            assert!(out.status.success(), "{seed} {extra:?}");
            let (clusters, labels, width) = layout_boxes(&String::from_utf8(out.stdout).unwrap());
            assert!(width <= 1400.0, "{seed} {extra:?}: {width} pt wide");
            for (edge, l) in &labels {
                for (frame, c) in &clusters {
                    let touches =
                        l[0] < c[2] + CLEAR && l[2] > c[0] - CLEAR && l[1] < c[3] + CLEAR && l[3] > c[1] - CLEAR;
                    let inside =
                        l[0] > c[0] + CLEAR && l[2] < c[2] - CLEAR && l[1] > c[1] + CLEAR && l[3] < c[3] - CLEAR;
                    assert!(
                        !touches || inside,
                        "{seed} {extra:?}: the label of {edge} crosses {frame} ({l:?} vs {c:?})"
                    );
                }
            }
        }
    }
}
