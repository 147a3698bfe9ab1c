//! `reports/<company>/` must be exactly what the binary generates from `inventory/<company>/`, so
//! the committed reports can never go stale. Regenerate them with
//! `PIFLOW_BLESS=1 cargo test --test reports_fresh`.
//!
//! Everything is generated with a fixed `--as-of` so the files do not change with the calendar.
//! Every file piflow writes itself (the DOT source of the diagram included) is compared byte for
//! byte. SVG and PNG are Graphviz's rendering of that DOT: their bytes depend on the Graphviz
//! version and on the fonts installed (without Noto Sans CJK the text widths change), so they are
//! never compared byte for byte. Instead, where `dot` is installed, the fresh rendering must be a
//! well-formed SVG that names every node of the DOT and a PNG of sane size; the committed ones are
//! checked the same way. Without `dot` the rendering is skipped with a message.

mod common;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const AS_OF: &str = "2026-11-23";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn piflow(args: &[&str]) -> std::process::Output {
    common::bin().current_dir(root()).args(args).output().expect("run piflow")
}

fn dot_version() -> Option<String> {
    let out = Command::new("dot").arg("-V").output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stderr).trim().to_owned())
}

/// Generate every report of one inventory into `out`.
fn generate(company: &str, out: &Path, with_dot: bool) {
    let inv = format!("inventory/{company}");
    let out_s = out.to_str().expect("utf-8 temp path");
    let r = piflow(&["report", &inv, "--out", out_s, "--as-of", AS_OF]);
    assert!(r.status.success(), "report {company}: {}", String::from_utf8_lossy(&r.stderr));
    let mut formats = vec!["dot"];
    if with_dot {
        formats.extend(["svg", "png"]);
    }
    for f in formats {
        let file = out.join(format!("diagram.{f}"));
        let r = piflow(&["diagram", &inv, "--as-of", AS_OF, "-o", file.to_str().expect("utf-8")]);
        assert!(r.status.success(), "diagram {company} {f}: {}", String::from_utf8_lossy(&r.stderr));
    }
    let r = piflow(&["check", &inv, "--format", "json", "--as-of", AS_OF]);
    assert!(matches!(r.status.code(), Some(0 | 1)), "check {company}: {}", String::from_utf8_lossy(&r.stderr));
    std::fs::write(out.join("check.json"), &r.stdout).expect("write check.json");
    // The company's published policy read against its inventory (a copy of the seed policies lives
    // under tests/fixtures/notice/seeds/ so CI needs nothing outside the repository).
    let policy = format!("tests/fixtures/notice/seeds/{company}.txt");
    if root().join(&policy).is_file() {
        for (format, file) in [("human", "notice-check.txt"), ("json", "notice-check.json")] {
            let r = piflow(&[
                "notice-check",
                &policy,
                &inv,
                "--format",
                format,
                "--as-of",
                AS_OF,
                "--color",
                "never",
                "-o",
                out.join(file).to_str().expect("utf-8"),
            ]);
            assert!(
                matches!(r.status.code(), Some(0 | 1)),
                "notice-check {company}: {}",
                String::from_utf8_lossy(&r.stderr)
            );
        }
    }
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            if e.path().is_file() {
                out.insert(e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).expect("read"));
            }
        }
    }
    out
}

fn is_graphic(name: &str) -> bool {
    name.ends_with(".svg") || name.ends_with(".png")
}

/// The first line of every node label in a DOT file of ours (`id[... label="..." ...]`), unescaped
/// as Graphviz does: these are the texts a rendering must show.
fn dot_node_labels(dot: &str) -> Vec<String> {
    let mut labels = Vec::new();
    for line in dot.lines().map(str::trim_start) {
        // Node statements start with an id and `[`; edges have `->`, defaults start with a keyword.
        let Some(bracket) = line.find('[') else { continue };
        let head = &line[..bracket];
        if head.contains("->") || ["graph", "node", "edge"].contains(&head) || head.is_empty() {
            continue;
        }
        let Some(start) = line.find(" label=\"") else { continue };
        let mut text = String::new();
        let mut chars = line[start + 8..].chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => match chars.next() {
                    Some('n' | 'l' | 'r') => break,
                    Some(other) => text.push(other),
                    None => break,
                },
                c => text.push(c),
            }
        }
        if !text.trim().is_empty() {
            labels.push(text);
        }
    }
    labels
}

/// What a rendering of `dot` must be, whatever fonts made it: for SVG, well-formed XML with an
/// `<svg>` root whose text names every node; for PNG, the signature and a size within a page or
/// two of a screen (Graphviz's own limit is far larger; a blow-up means a layout went wrong).
fn check_graphic(name: &str, bytes: &[u8], dot: &str) -> Result<(), String> {
    if name.ends_with(".svg") {
        let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8: {e}"))?;
        let doc = roxmltree::Document::parse_with_options(
            text,
            roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() },
        )
        .map_err(|e| format!("not well-formed XML: {e}"))?;
        if doc.root_element().tag_name().name() != "svg" {
            return Err("root element is not <svg>".into());
        }
        let shown: String = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .filter_map(|n| n.text())
            .collect::<Vec<_>>()
            .join("\n");
        let missing: Vec<String> = dot_node_labels(dot).into_iter().filter(|l| !shown.contains(l.as_str())).collect();
        if !missing.is_empty() {
            return Err(format!("does not show node label(s) {missing:?}"));
        }
    } else {
        const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";
        if bytes.len() < 24 || &bytes[..8] != SIGNATURE || &bytes[12..16] != b"IHDR" {
            return Err("not a PNG".into());
        }
        let width = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
        let height = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
        if width == 0 || height == 0 || width > 20_000 || height > 20_000 {
            return Err(format!("implausible size {width}×{height} px"));
        }
    }
    Ok(())
}

#[test]
fn committed_reports_are_fresh() {
    let bless = std::env::var_os("PIFLOW_BLESS").is_some_and(|v| v == "1");
    let version = dot_version();
    if version.is_none() {
        eprintln!(
            "reports_fresh: SKIPPED the diagram.svg/diagram.png checks: Graphviz `dot` is not installed \
             (apt-get install graphviz, brew install graphviz); everything else is checked"
        );
    }
    let mut companies: Vec<String> = std::fs::read_dir(root().join("inventory"))
        .expect("inventory/")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    companies.sort();
    assert!(!companies.is_empty());
    let mut stale = Vec::new();
    for company in &companies {
        let tmp = tempfile::tempdir().expect("tempdir");
        generate(company, tmp.path(), version.is_some());
        let fresh = files(tmp.path());
        let committed_dir = root().join("reports").join(company);
        if bless {
            std::fs::create_dir_all(&committed_dir).expect("mkdir");
            for (name, _) in files(&committed_dir) {
                if !(fresh.contains_key(&name) || version.is_none() && is_graphic(&name)) {
                    std::fs::remove_file(committed_dir.join(&name)).expect("remove stale file");
                }
            }
            for (name, bytes) in &fresh {
                std::fs::write(committed_dir.join(name), bytes).expect("write");
            }
            continue;
        }
        let committed = files(&committed_dir);
        let dot = String::from_utf8_lossy(fresh.get("diagram.dot").map(Vec::as_slice).unwrap_or_default()).into_owned();
        for (name, bytes) in &fresh {
            if is_graphic(name)
                && let Err(e) = check_graphic(name, bytes, &dot)
            {
                stale.push(format!("{company}/{name}: the fresh rendering is wrong: {e}"));
            }
            match committed.get(name) {
                None => stale.push(format!("{company}/{name}: missing from reports/")),
                Some(old) if is_graphic(name) => {
                    if let Err(e) = check_graphic(name, old, &dot) {
                        stale.push(format!("{company}/{name}: the committed rendering is stale: {e}"));
                    }
                }
                Some(old) if old != bytes => {
                    stale.push(format!("{company}/{name}: differs from what piflow generates"))
                }
                Some(_) => {}
            }
        }
        for name in committed.keys() {
            if !(fresh.contains_key(name) || is_graphic(name) && version.is_none()) {
                stale.push(format!("{company}/{name}: not generated any more"));
            }
        }
    }
    if bless {
        if let Some(v) = version {
            let fonts = cjk_font().unwrap_or_else(|| "no CJK font (install fonts-noto-cjk)".to_owned());
            std::fs::write(
                root().join("reports/RENDERED-WITH.txt"),
                format!(
                    "diagram.svg and diagram.png were rendered with:\n{v}\nfont: {fonts}\n\
                     (.ci/run installs Debian's graphviz and fonts-noto-cjk; the rendering depends on both,\n\
                     so tests check these files' structure, never their bytes)\n"
                ),
            )
            .expect("write RENDERED-WITH.txt");
        }
        eprintln!("reports_fresh: reports/ rewritten for {}", companies.join(", "));
        return;
    }
    assert!(
        stale.is_empty(),
        "reports/ is stale; run `PIFLOW_BLESS=1 cargo test --test reports_fresh` and commit reports/:\n  {}",
        stale.join("\n  ")
    );
}

/// The CJK font Graphviz will pick for our diagrams' `Noto Sans CJK SC`, as fontconfig says.
fn cjk_font() -> Option<String> {
    let out = Command::new("fc-match").arg("Noto Sans CJK SC").output().ok()?;
    let name = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    (out.status.success() && name.contains("CJK")).then_some(name)
}

#[test]
fn dot_labels_are_read_as_graphviz_shows_them() {
    let dot = "digraph g {\n  graph[label=\"t\"]\n  node[fontsize=\"1\"]\n  a1[shape=\"box\" label=\"客服 \\\"x\\\"\\nprocessor\"]\n  a1 -> b2 [label=\"e\"]\n}\n";
    assert_eq!(dot_node_labels(dot), vec!["客服 \"x\"".to_owned()]);
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>客服 &quot;x&quot;</text></svg>";
    assert_eq!(check_graphic("d.svg", svg.as_bytes(), dot), Ok(()));
    let blank = "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>other</text></svg>";
    assert!(check_graphic("d.svg", blank.as_bytes(), dot).is_err());
    assert!(check_graphic("d.png", b"GIF89a not a png at all....", dot).is_err());
}
