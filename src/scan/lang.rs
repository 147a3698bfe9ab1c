//! Server-side ecosystems: Rust (`Cargo.lock`), Python (`requirements*.txt`, `poetry.lock`,
//! `pyproject.toml` with PEP 621 and Poetry tables) and Go (`go.mod`).

use super::locate::Text;
use super::walk::{ParseResult, Sink};

fn toml_doc(t: &Text) -> Result<toml::Table, (u32, String)> {
    t.text.parse().map_err(|e: toml::de::Error| {
        let line = e.span().map_or(1, |s| t.line_of(s.start));
        (line, format!("invalid TOML: {}", e.message()))
    })
}

/// `[[package]]` arrays (Cargo.lock, poetry.lock): entries appear in text order, so each name is
/// looked for after the previous entry's line.
fn lock_packages(t: &Text, sink: &mut Sink, eco: &str, skip: impl Fn(&toml::Table) -> bool) -> ParseResult {
    let doc = toml_doc(t)?;
    let Some(packages) = doc.get("package").and_then(|p| p.as_array()) else { return Ok(()) };
    let mut cursor = 1;
    for p in packages {
        let Some(p) = p.as_table() else { continue };
        let Some(name) = p.get("name").and_then(|v| v.as_str()) else {
            return Err((cursor, "a [[package]] without `name`".into()));
        };
        let line = t.find(&format!("name = \"{name}\""), cursor).unwrap_or(cursor);
        cursor = line + 1;
        if skip(p) {
            continue;
        }
        sink.package(eco, name, p.get("version").and_then(|v| v.as_str()), t.place(line));
    }
    Ok(())
}

/// `Cargo.lock`: registry and git packages (workspace members have no `source`).
pub fn cargo_lock(t: &Text, sink: &mut Sink) -> ParseResult {
    lock_packages(t, sink, "cargo", |p| p.get("source").is_none())
}

pub fn poetry_lock(t: &Text, sink: &mut Sink) -> ParseResult {
    lock_packages(t, sink, "pypi", |_| false)
}

/// The distribution name of a PEP 508 requirement (`sentry-sdk[flask]>=1.0; python_version>"3"`).
fn pep508_name(req: &str) -> Option<(&str, Option<&str>)> {
    let req = req.split(';').next()?.trim();
    let end = req.find(|c: char| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))).unwrap_or(req.len());
    let name = &req[..end];
    if name.is_empty() {
        return None;
    }
    let rest = req[end..].trim_start();
    let rest = match rest.strip_prefix('[') {
        Some(r) => r.split_once(']').map_or("", |(_, v)| v).trim_start(),
        None => rest,
    };
    let version = rest.trim_start_matches(['=', '~', '>', '<', '!', ' ']).split(',').next().map(str::trim);
    Some((name, version.filter(|v| !v.is_empty())))
}

/// `requirements*.txt`: one PEP 508 requirement per line; options (`-r`, `-e`, `--index-url`),
/// comments and direct URLs are not package names.
pub fn requirements(t: &Text, sink: &mut Sink) -> ParseResult {
    for (n, line) in t.text.lines().enumerate() {
        let n = n as u32 + 1;
        let line = line.split(" #").next().unwrap_or(line).trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('-') || line.contains("://") {
            continue;
        }
        match pep508_name(line) {
            Some((name, version)) => sink.package("pypi", name, version, t.place(n)),
            None => return Err((n, format!("`{line}` is not a requirement (name[extras] version)"))),
        }
    }
    Ok(())
}

/// `pyproject.toml`: PEP 621 `[project] dependencies` and `optional-dependencies`, and Poetry's
/// `[tool.poetry.dependencies]` (and groups).
pub fn pyproject(t: &Text, sink: &mut Sink) -> ParseResult {
    let doc = toml_doc(t)?;
    let mut reqs: Vec<&str> = Vec::new();
    if let Some(project) = doc.get("project").and_then(|v| v.as_table()) {
        reqs.extend(
            project.get("dependencies").and_then(|v| v.as_array()).into_iter().flatten().filter_map(|v| v.as_str()),
        );
        for extra in
            project.get("optional-dependencies").and_then(|v| v.as_table()).into_iter().flat_map(|t| t.values())
        {
            reqs.extend(extra.as_array().into_iter().flatten().filter_map(|v| v.as_str()));
        }
    }
    for req in reqs {
        let Some((name, version)) = pep508_name(req) else {
            return Err((t.find_or(req, 1), format!("`{req}` is not a PEP 508 requirement")));
        };
        let line = t.find(&format!("\"{req}\""), 1).or_else(|| t.find(name, 1)).unwrap_or(1);
        sink.package("pypi", name, version, t.place(line));
    }
    let poetry = doc.get("tool").and_then(|v| v.get("poetry"));
    let mut tables: Vec<(&str, &toml::Table)> = Vec::new();
    if let Some(p) = poetry {
        if let Some(d) = p.get("dependencies").and_then(|v| v.as_table()) {
            tables.push(("[tool.poetry.dependencies]", d));
        }
        for (group, g) in p.get("group").and_then(|v| v.as_table()).into_iter().flatten() {
            if let Some(d) = g.get("dependencies").and_then(|v| v.as_table()) {
                tables.push((group.as_str(), d));
            }
        }
    }
    for (header, deps) in tables {
        let from = t.find_or(header, 1);
        for (name, spec) in deps {
            if name == "python" {
                continue;
            }
            let version = match spec {
                toml::Value::String(s) => Some(s.as_str()),
                toml::Value::Table(s) => s.get("version").and_then(|v| v.as_str()),
                _ => None,
            };
            sink.package("pypi", name, version, t.place(t.find_or(name, from)));
        }
    }
    Ok(())
}

/// `go.mod`: `require` lines, single or in a block. `replace` targets are not new modules.
pub fn go_mod(t: &Text, sink: &mut Sink) -> ParseResult {
    let mut in_block = false;
    for (n, raw) in t.text.lines().enumerate() {
        let n = n as u32 + 1;
        let line = raw.split("//").next().unwrap_or(raw).trim();
        if line.is_empty() {
            continue;
        }
        if in_block {
            if line == ")" {
                in_block = false;
                continue;
            }
            require(t, sink, n, line)?;
            continue;
        }
        if let Some(rest) = line.strip_prefix("require") {
            let rest = rest.trim();
            if rest == "(" {
                in_block = true;
            } else {
                require(t, sink, n, rest)?;
            }
        }
    }
    if in_block {
        return Err((t.lines.line_count() as u32, "a `require (` block is not closed".into()));
    }
    Ok(())
}

fn require(t: &Text, sink: &mut Sink, n: u32, spec: &str) -> ParseResult {
    let mut parts = spec.split_whitespace();
    match (parts.next(), parts.next()) {
        (Some(path), Some(version)) if version.starts_with('v') => {
            sink.package("go", path.trim_matches('"'), Some(version), t.place(n));
            Ok(())
        }
        _ => Err((n, format!("`{spec}` is not `module/path vX.Y.Z`"))),
    }
}
