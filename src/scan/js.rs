//! npm ecosystem: `package.json`, `package-lock.json` (lockfile v1–v3), `yarn.lock` (classic v1
//! and berry) and `pnpm-lock.yaml` (v5–v9).

use super::locate::Text;
use super::mobile::{json, yaml};
use super::walk::{ParseResult, Sink};
use serde_json::Value;

/// `package.json`: every dependency section. Web apps bundle `devDependencies` too, so they count.
pub fn package_json(t: &Text, sink: &mut Sink) -> ParseResult {
    let doc = json(t)?;
    for section in ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies"] {
        let Some(deps) = doc.get(section) else { continue };
        let from = t.find_or(&format!("\"{section}\""), 1);
        let Some(deps) = deps.as_object() else {
            return Err((from, format!("`{section}` must be an object of name → version")));
        };
        for (name, version) in deps {
            let line = t.find_or(&format!("\"{name}\""), from);
            sink.package("npm", name, version.as_str(), t.place(line));
        }
    }
    Ok(())
}

/// The package name of a lockfile v2/v3 `packages` key (`node_modules/a/node_modules/@s/b` → `@s/b`).
fn name_of_path(key: &str) -> Option<&str> {
    key.rsplit_once("node_modules/").map(|(_, n)| n).filter(|n| !n.is_empty())
}

pub fn package_lock(t: &Text, sink: &mut Sink) -> ParseResult {
    let doc = json(t)?;
    if let Some(packages) = doc.get("packages").and_then(Value::as_object) {
        // v2 and v3: flat map of install paths. (v2 also keeps v1's tree; one is enough.)
        for (key, p) in packages {
            let Some(name) = name_of_path(key) else { continue };
            // A linked workspace package is this project's own code.
            if p.get("link").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            let line = t.find_or(&format!("\"{key}\""), 1);
            sink.package("npm", name, p.get("version").and_then(Value::as_str), t.place(line));
        }
        return Ok(());
    }
    // v1: a nested tree under `dependencies`.
    fn walk(t: &Text, sink: &mut Sink, deps: &serde_json::Map<String, Value>, from: u32) {
        for (name, p) in deps {
            let line = t.find_or(&format!("\"{name}\""), from);
            sink.package("npm", name, p.get("version").and_then(Value::as_str), t.place(line));
            if let Some(inner) = p.get("dependencies").and_then(Value::as_object) {
                walk(t, sink, inner, line);
            }
        }
    }
    match doc.get("dependencies").and_then(Value::as_object) {
        Some(deps) => walk(t, sink, deps, 1),
        None if doc.get("lockfileVersion").is_none() => {
            return Err((1, "neither `packages` nor `dependencies`: is this an npm lockfile?".into()));
        }
        None => {}
    }
    Ok(())
}

/// `name@range` → `name` (a scoped name keeps its leading `@`); berry's `name@npm:range` too.
fn name_of_spec(spec: &str) -> &str {
    let spec = spec.trim().trim_matches('"');
    match spec[1.min(spec.len())..].find('@') {
        Some(i) => &spec[..i + 1],
        None => spec,
    }
}

pub fn yarn_lock(t: &Text, sink: &mut Sink) -> ParseResult {
    if t.text.lines().any(|l| l.starts_with("__metadata:")) {
        return yarn_berry(t, sink);
    }
    // Classic v1: a header line of specifiers ending in `:`, then indented fields.
    let mut current: Option<(String, u32)> = None;
    for (n, line) in t.text.lines().enumerate() {
        let n = n as u32 + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if !line.starts_with(' ') {
            let Some(head) = line.strip_suffix(':') else {
                return Err((n, "expected a `name@range:` entry header".into()));
            };
            let first = head.split(", ").next().unwrap_or(head);
            current = Some((name_of_spec(first).to_owned(), n));
            continue;
        }
        let Some(version) = line.trim().strip_prefix("version ") else { continue };
        let Some((name, at)) = current.take() else {
            return Err((n, "`version` outside an entry".into()));
        };
        sink.package("npm", &name, Some(version.trim_matches('"')), t.place(at));
    }
    Ok(())
}

fn yarn_berry(t: &Text, sink: &mut Sink) -> ParseResult {
    let doc: serde_json::Map<String, Value> = yaml(t)?;
    for (key, entry) in &doc {
        if key == "__metadata" {
            continue;
        }
        // A workspace entry (`name@workspace:.`) is this project itself.
        if key.contains("@workspace:") {
            continue;
        }
        let first = key.split(", ").next().unwrap_or(key);
        let name = name_of_spec(first);
        let line = t.find_or(&format!("\"{first}"), 1);
        let version = entry.get("version").map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        });
        sink.package("npm", name, version.as_deref(), t.place(line));
    }
    Ok(())
}

/// `pnpm-lock.yaml`: keys of `packages` — `/name/1.0.0` (v5), `/name@1.0.0` (v6),
/// `name@1.0.0` (v9), each possibly with a peer suffix `(…)` or `_…`.
pub fn pnpm_lock(t: &Text, sink: &mut Sink) -> ParseResult {
    let doc: Value = yaml(t)?;
    let version = match doc.get("lockfileVersion") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err((1, "no `lockfileVersion`; is this a pnpm lockfile?".into())),
    };
    let v5 = version.starts_with('5');
    let Some(packages) = doc.get("packages").and_then(Value::as_object) else { return Ok(()) };
    let from = t.find("packages", 1).unwrap_or(1);
    for key in packages.keys() {
        let k = key.trim_start_matches('/');
        let k = k.split('(').next().unwrap_or(k);
        let (name, ver) = if v5 {
            match k.rsplit_once('/') {
                Some((n, v)) => (n, v.split('_').next()),
                None => (k, None),
            }
        } else {
            match k[1.min(k.len())..].rfind('@') {
                Some(i) => (&k[..i + 1], Some(&k[i + 2..])),
                None => (k, None),
            }
        };
        let line = t.find(key.as_str(), from).or_else(|| t.find(name, from)).unwrap_or(from);
        sink.package("npm", name, ver, t.place(line));
    }
    Ok(())
}
