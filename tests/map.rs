//! `piflow map` through the real binary: one self-contained offline page, the same bytes on
//! every run, hostile names kept as text, and (where Chromium is installed) a page whose script
//! runs without an error, loads nothing, and finds a node by a scripted search.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const AS_OF: &str = "2026-11-23";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn piflow(args: &[&str], path_env: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_piflow"));
    cmd.current_dir(root()).args(args);
    if let Some(p) = path_env {
        cmd.env("PATH", p);
    }
    cmd.output().expect("run piflow")
}

/// Whether `tool` runs here (Graphviz's `dot` knows `-V`, not `--version`).
fn have(tool: &str) -> bool {
    let flag = if tool == "dot" { "-V" } else { "--version" };
    Command::new(tool).arg(flag).output().is_ok_and(|o| o.status.success())
}

/// The map of `inventory` with `layout`, as text.
fn map(inventory: &str, layout: &str, dir: &Path) -> (PathBuf, String) {
    let out = dir.join(format!("{}-{layout}.html", inventory.replace('/', "_")));
    let run = piflow(
        &["map", inventory, "--as-of", AS_OF, "--layout", layout, "-o", out.to_str().expect("utf-8 path")],
        None,
    );
    assert!(run.status.success(), "map {inventory} {layout}: {}", String::from_utf8_lossy(&run.stderr));
    let html = std::fs::read_to_string(&out).expect("read the map");
    (out, html)
}

fn layouts() -> Vec<&'static str> {
    if have("dot") {
        vec!["builtin", "graphviz"]
    } else {
        eprintln!("Graphviz `dot` is not installed: only the built-in layout is tested");
        vec!["builtin"]
    }
}

/// The page's data (the JSON script element), parsed.
fn data(html: &str) -> serde_json::Value {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("script#map-data").unwrap();
    let script = doc.select(&sel).next().expect("the data element");
    serde_json::from_str(&script.text().collect::<String>()).expect("the data is JSON")
}

/// Everything that would make the page reach outside itself or run what it should not.
fn assert_self_contained(html: &str, what: &str) {
    let doc = scraper::Html::parse_document(html);
    let all = scraper::Selector::parse("*").unwrap();
    let mut scripts = 0;
    for e in doc.select(&all) {
        let name = e.value().name().to_ascii_lowercase();
        assert!(
            !matches!(name.as_str(), "img" | "iframe" | "link" | "object" | "embed" | "foreignobject" | "a" | "base"),
            "{what}: <{name}> element"
        );
        if name == "script" {
            scripts += 1;
            assert!(e.value().attr("src").is_none(), "{what}: external script");
        }
        for (a, v) in e.value().attrs() {
            let a = a.to_ascii_lowercase();
            assert!(!a.starts_with("on"), "{what}: event attribute {a} on <{name}>");
            assert!(!matches!(a.as_str(), "src" | "href" | "xlink:href" | "action"), "{what}: {a}={v} on <{name}>");
            assert!(!v.to_ascii_lowercase().contains("javascript:"), "{what}: {a}={v}");
        }
    }
    assert_eq!(scripts, 2, "{what}: the data and the page's own script, nothing else");
    assert!(!html.contains("http://") || !html.contains("src=\"http"), "{what}: a remote resource");
    assert!(html.contains("Content-Security-Policy") && html.contains("default-src 'none'"), "{what}: no CSP");
    for style in ["@import", "url(http", "url(//"] {
        assert!(!html.contains(style), "{what}: {style}");
    }
}

#[test]
fn map_is_one_self_contained_page_with_every_node_and_flow() {
    let dir = tempfile::tempdir().expect("tempdir");
    for layout in layouts() {
        let (_, html) = map("tests/fixtures/report-basic", layout, dir.path());
        assert_self_contained(&html, layout);
        let d = data(&html);
        assert_eq!(d["layout"], layout);
        // 7 flows and one SDK in one host system: 8 edges of the graph.
        assert_eq!(d["flows"].as_array().unwrap().len(), 8, "{layout}");
        let nodes = d["nodes"].as_array().unwrap();
        let members: usize = nodes.iter().map(|n| n["members"].as_array().unwrap().len()).sum();
        assert_eq!(members, 2 + 2 + 4, "every subject, system and party, {layout}");
        // Each drawn node and edge is an element of the drawing the script can find.
        let doc = scraper::Html::parse_document(&html);
        for item in nodes.iter().chain(d["edges"].as_array().unwrap()) {
            let id = item["svg"].as_str().unwrap();
            let sel = scraper::Selector::parse(&format!("svg #{id}")).unwrap();
            assert_eq!(doc.select(&sel).count(), 1, "{layout}: no element {id} in the drawing");
        }
        // Findings travel with their flows: the SDK's flow carries pipl-23-provide.
        let sdk = d["flows"].as_array().unwrap().iter().find(|f| f["id"] == "umeng-sdk").expect("sdk flow");
        let codes: Vec<&str> = sdk["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| d["findings"][i.as_u64().unwrap() as usize]["code"].as_str().unwrap())
            .collect();
        assert!(codes.contains(&"pipl-23-provide"), "{codes:?}");
        assert_eq!(sdk["bases"]["PIPL"], "consent");
        // Graphviz's own titles are the generated ids: the page shows names instead.
        assert!(!html.contains("<title>y2</title>") && !html.contains("<title>s0&#45;&gt;y2</title>"), "{layout}");
        assert!(html.contains("<title>Acme app\n"), "{layout}: the node's tooltip names it");
    }
}

#[test]
fn map_bytes_are_deterministic() {
    let dir = tempfile::tempdir().expect("tempdir");
    for layout in layouts() {
        let (_, a) = map("inventory/kunjicloud", layout, dir.path());
        let b = {
            let out = piflow(&["map", "inventory/kunjicloud", "--as-of", AS_OF, "--layout", layout], None);
            assert!(out.status.success());
            String::from_utf8(out.stdout).expect("utf-8")
        };
        assert_eq!(a, b, "{layout}: two runs differ");
    }
}

#[test]
fn hostile_names_stay_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    for layout in layouts() {
        let (_, html) = map("tests/fixtures/injection", layout, dir.path());
        assert_self_contained(&html, layout);
        for raw in [
            "<script>alert(",
            "<img src=x",
            "</td></tr>",
            "<<b>html-like</b>>",
            "\u{1b}",
            "\u{2028}",
            "\u{2029}",
            "<!--",
            "]]> <![CDATA[",
        ] {
            assert!(!html.contains(raw), "{layout}: raw payload {raw:?} in the page");
        }
        // The names read back exactly from the data, so the panels show them as written.
        let d = data(&html);
        let names: Vec<String> = d["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|n| n["members"].as_array().unwrap().iter().map(|m| m["name"].as_str().unwrap().to_owned()))
            .collect();
        assert!(
            names.iter().any(|n| n == "<img src=x onerror=alert(2)> \u{202e}flipped\u{202c} \u{2067}rtl\u{2069}"),
            "{names:?}"
        );
        assert!(names.iter().any(|n| n == "\"]; evil -> pwn [label=\"x"), "{names:?}");
        assert_eq!(d["org"], "<script>alert(\"org\")</script> \u{1b}[2J\u{1b}[31mCorp\u{1b}[0m");
    }
}

#[test]
fn map_refuses_to_write_into_the_inventory_and_needs_dot_only_when_asked() {
    let inv = root().join("tests/fixtures/report-basic");
    let target = inv.join("map.html");
    let run = piflow(&["map", inv.to_str().unwrap(), "-o", target.to_str().unwrap()], None);
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("--force-inside"));
    assert!(!target.exists());
    let empty = tempfile::tempdir().expect("tempdir");
    let run = piflow(&["map", "tests/fixtures/report-basic", "--layout", "graphviz"], Some(empty.path()));
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("--layout builtin"));
    // auto falls back to the built-in layout.
    let run = piflow(&["map", "tests/fixtures/report-basic", "--as-of", AS_OF], Some(empty.path()));
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(data(&String::from_utf8(run.stdout).unwrap())["layout"], "builtin");
}

/// The DOM Chromium has after running the page's script, opened at `fragment`.
fn chromium_dom(page: &Path, fragment: &str) -> String {
    let profile = tempfile::tempdir().expect("profile");
    let out = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            // Anything the page tried to fetch from a host would fail to resolve.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--virtual-time-budget=3000",
            // The page's console messages (errors included) go to stderr as `CONSOLE` lines.
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}#{fragment}", page.display()))
        .stderr(Stdio::piped())
        .output()
        .expect("chromium");
    assert!(out.status.success(), "chromium failed");
    let log = String::from_utf8_lossy(&out.stderr);
    let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
    assert!(console.is_empty(), "the page wrote to the console:\n{}", console.join("\n"));
    String::from_utf8(out.stdout).expect("utf-8 DOM")
}

#[test]
fn map_runs_in_chromium_offline_and_finds_by_search() {
    if !have("chromium") {
        eprintln!("skipped map_runs_in_chromium_offline_and_finds_by_search: chromium is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    for layout in layouts() {
        let (page, _) = map("tests/fixtures/report-basic", layout, dir.path());
        let dom = chromium_dom(&page, "q=umeng");
        assert!(dom.contains("data-ready=\"1\""), "{layout}: the script did not finish:\n{dom}");
        assert!(dom.contains("data-errors=\"0\""), "{layout}: a script error:\n{dom}");
        assert!(dom.contains("data-resources=\"0\""), "{layout}: the page loaded a resource");
        // The search lists the party by name, and the options were filled from the data.
        let doc = scraper::Html::parse_document(&dom);
        let hits: Vec<String> = doc
            .select(&scraper::Selector::parse("#results li.hit[data-kind=node]").unwrap())
            .map(|e| e.text().collect())
            .collect();
        assert!(hits.iter().any(|h| h.starts_with("Umeng 友盟")), "{layout}: {hits:?}");
        let fields = doc.select(&scraper::Selector::parse("#f-field option").unwrap()).count();
        assert_eq!(fields, 1 + 3, "{layout}: a field option each");
        // Tracing a field: its flows stay lit, the rest are dimmed.
        let dom = chromium_dom(&page, "field=face");
        let doc = scraper::Html::parse_document(&dom);
        let lit = doc.select(&scraper::Selector::parse("svg g.edge.on").unwrap()).count();
        let dim = doc.select(&scraper::Selector::parse("svg g.edge.dim").unwrap()).count();
        // face: users → app (merged with login), app → db, db → police.
        assert_eq!((lit, dim), (3, 4), "{layout}");
        assert!(dom.contains("trace 流向: 3 flows"), "{layout}");
    }
    // The hostile page loads as well, with no element the payloads tried to create.
    let (page, _) = map("tests/fixtures/injection", "builtin", dir.path());
    let dom = chromium_dom(&page, "q=evil");
    assert!(dom.contains("data-ready=\"1\"") && dom.contains("data-errors=\"0\""), "{dom}");
    let doc = scraper::Html::parse_document(&dom);
    for tag in ["img", "iframe", "b", "td"] {
        let n = doc.select(&scraper::Selector::parse(tag).unwrap()).count();
        assert_eq!(n, 0, "the payload made a <{tag}>");
    }
}

/// Ten thousand flows among 450 nodes: the drawing collapses by country and role to at most
/// `--collapse-above` nodes, while the data keeps every flow for the panels.
#[test]
fn a_large_inventory_collapses_and_keeps_every_flow() {
    let countries = ["CN", "US", "DE", "SG", "JP"];
    let mut inv = serde_json::json!({
        "piflow": 1,
        "organization": {"id": "org", "name": "Big Org", "country": "CN"},
        "purposes": [{"id": "u", "name": "Service", "basis": "contract"}],
        "fields": [{"id": "email", "name": "Email", "category": "contact.email"}],
    });
    let list = |n: usize, f: &dyn Fn(usize) -> serde_json::Value| (0..n).map(f).collect::<Vec<_>>();
    inv["subjects"] = list(50, &|i| serde_json::json!({"id": format!("s{i}"), "name": format!("Users {i}"), "country": countries[i % 5], "volume": 10}))
        .into();
    inv["systems"] = list(
        100,
        &|i| serde_json::json!({"id": format!("y{i}"), "name": format!("System {i}"), "country": countries[i % 2]}),
    )
    .into();
    inv["parties"] = list(300, &|i| {
        serde_json::json!({"id": format!("p{i}"), "name": format!("Party {i}"), "country": countries[i % 5],
                           "role": if i % 2 == 0 { "processor" } else { "controller" }, "contract": "c"})
    })
    .into();
    inv["flows"] = list(10_000, &|i| {
        let (from, to) = match i % 3 {
            0 => (format!("s{}", i % 50), format!("y{}", i % 100)),
            1 => (format!("y{}", i % 100), format!("y{}", (i / 3 + 1 + i % 100) % 100)),
            _ => (format!("y{}", i % 100), format!("p{}", i % 300)),
        };
        serde_json::json!({"id": format!("f{i}"), "from": from, "to": to, "fields": ["email"], "purpose": "u"})
    })
    .into();
    // Flows from a system to itself are not flows: drop them.
    let flows: Vec<serde_json::Value> =
        inv["flows"].as_array().unwrap().iter().filter(|f| f["from"] != f["to"]).cloned().collect();
    let count = flows.len();
    inv["flows"] = flows.into();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("big.json");
    std::fs::write(&file, inv.to_string()).expect("write");
    let out = tempfile::tempdir().expect("tempdir");
    let page = out.path().join("map.html");
    let run = piflow(
        &["map", file.to_str().unwrap(), "--as-of", AS_OF, "--layout", "builtin", "-o", page.to_str().unwrap()],
        None,
    );
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let html = std::fs::read_to_string(&page).expect("read");
    let d = data(&html);
    assert_eq!(d["collapsed"], true);
    assert!(d["nodes"].as_array().unwrap().len() <= 150, "{}", d["nodes"].as_array().unwrap().len());
    assert_eq!(d["flows"].as_array().unwrap().len(), count);
    let members: usize = d["nodes"].as_array().unwrap().iter().map(|n| n["members"].as_array().unwrap().len()).sum();
    assert_eq!(members, 450);
    // Linear in the input: a few hundred bytes a flow, not a drawing per flow.
    assert!(html.len() < count * 600, "{} bytes for {count} flows", html.len());
}

/// A DOT edge as `(tail, head, attributes as (name, text))`.
type DotEdge = (String, String, Vec<(String, String)>);

/// Every edge of a DOT graph, subgraphs included.
fn dot_edges(stmts: &[dot_structures::Stmt], out: &mut Vec<DotEdge>) {
    use dot_structures::{EdgeTy, Id, Stmt, Vertex};
    let text = |id: &Id| match id {
        Id::Html(s) | Id::Escaped(s) | Id::Plain(s) | Id::Anonymous(s) => s.clone(),
    };
    for st in stmts {
        match st {
            Stmt::Subgraph(g) => dot_edges(&g.stmts, out),
            Stmt::Edge(e) => {
                if let EdgeTy::Pair(Vertex::N(a), Vertex::N(b)) = &e.ty {
                    let attrs = e
                        .attributes
                        .iter()
                        .map(|a| (text(&a.0), piflow::report::diagram::unquote(&text(&a.1))))
                        .collect();
                    out.push((text(&a.0), text(&b.0), attrs));
                }
            }
            _ => {}
        }
    }
}

/// The diagram of a seed: labels are never cut with "…", and the edges' tooltips name every field
/// of every flow they stand for (by name, not id), so the full lists can be read in the SVG.
#[test]
fn diagram_tooltips_carry_every_field_by_name() {
    for company in ["kunjicloud", "onewo"] {
        let inv = format!("inventory/{company}");
        let run = piflow(&["diagram", &inv, "--as-of", AS_OF, "--format", "dot"], None);
        assert!(run.status.success());
        let dot = String::from_utf8(run.stdout).expect("utf-8");
        let graph = graphviz_rust::parse(&dot).expect("DOT parses");
        let dot_structures::Graph::DiGraph { stmts, .. } = graph else { panic!("not a digraph") };
        let mut edges = Vec::new();
        dot_edges(&stmts, &mut edges);
        assert!(!edges.is_empty());
        let tips: Vec<String> = edges
            .iter()
            .map(|(a, b, attrs)| {
                let get = |k: &str| attrs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
                let label = get("label").unwrap_or_default();
                assert!(!label.contains('…'), "{company} {a} -> {b}: a label cut with …: {label}");
                get("tooltip").unwrap_or_else(|| panic!("{company} {a} -> {b}: no tooltip"))
            })
            .collect();
        // Every flow's fields, by name, in one tooltip that also names the flow.
        let text = |file: &str| std::fs::read_to_string(root().join(&inv).join(file)).expect("read part");
        let fields: serde_json::Value = serde_json::from_str(&text("fields.json")).expect("fields");
        let flows: serde_json::Value = serde_json::from_str(&text("flows.json")).expect("flows");
        let name_of = |id: &str| {
            fields["fields"].as_array().unwrap().iter().find(|f| f["id"] == id).expect("field")["name"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        for kind in ["flows", "sdks"] {
            for flow in flows[kind].as_array().into_iter().flatten() {
                let id = flow["id"].as_str().unwrap();
                let tip = tips
                    .iter()
                    .find(|t| t.lines().any(|l| l.starts_with("flows: ") && l[7..].split(", ").any(|x| x == id)))
                    .unwrap_or_else(|| panic!("{company}: no tooltip names flow {id}"));
                for f in flow["fields"].as_array().unwrap() {
                    let name = name_of(f.as_str().unwrap());
                    assert!(tip.contains(&name), "{company}: the tooltip of {id} lacks {name}:\n{tip}");
                }
            }
        }
    }
}

/// The seeds' diagrams fit a reviewer's screen or an A3 page: kunjicloud was 6,053 px wide.
#[test]
fn seed_diagrams_stay_a_readable_size() {
    if !have("dot") {
        eprintln!("skipped seed_diagrams_stay_a_readable_size: Graphviz `dot` is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    for company in ["kunjicloud", "onewo", "xunzhong", "zmyun", "zstack"] {
        let png = dir.path().join(format!("{company}.png"));
        let run =
            piflow(&["diagram", &format!("inventory/{company}"), "--as-of", AS_OF, "-o", png.to_str().unwrap()], None);
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let bytes = std::fs::read(&png).expect("png");
        let width = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
        let height = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
        assert!(width <= 3600 && height <= 2600, "{company}: {width}×{height} px");
    }
}
