//! iOS and mini-program manifests: CocoaPods (`Podfile`, `Podfile.lock`), SwiftPM
//! (`Package.resolved` v1–v3), WeChat mini-program plugins (`app.json`).

use super::locate::{Text, string_literal};
use super::walk::{ParseResult, Sink};
use serde_json::Value;

pub(crate) fn json(t: &Text) -> Result<Value, (u32, String)> {
    serde_json::from_str(t.text).map_err(|e| (e.line() as u32, format!("invalid JSON: {e}")))
}

pub(crate) fn yaml<T: serde::de::DeserializeOwned>(t: &Text) -> Result<T, (u32, String)> {
    super::yaml::check_depth(t.text)?;
    serde_yaml_ng::from_str(t.text)
        .map_err(|e| (e.location().map_or(1, |l| l.line() as u32), format!("invalid YAML: {e}")))
}

/// String literals of a Ruby line, comments (`#` outside strings) dropped.
fn ruby_strings(line: &str) -> Result<(String, Vec<String>), String> {
    let mut code = String::new();
    let mut strings = Vec::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '#' => break,
            '\'' | '"' => {
                let s = string_literal(&mut chars, c).map_err(|s| format!("unterminated string literal {c}{s}"))?;
                code.push_str("''");
                strings.push(s);
            }
            _ => code.push(c),
        }
    }
    Ok((code, strings))
}

/// `Podfile` (Ruby): each `pod 'Name'[, 'version']` line.
pub fn podfile(t: &Text, sink: &mut Sink) -> ParseResult {
    for (n, line) in t.text.lines().enumerate() {
        let n = n as u32 + 1;
        let (code, strings) = ruby_strings(line).map_err(|m| (n, m))?;
        let code = code.trim_start();
        let is_pod = code.strip_prefix("pod").is_some_and(|r| r.starts_with([' ', '\t', '(']));
        if !is_pod {
            continue;
        }
        let Some(name) = strings.first() else {
            return Err((n, "`pod` without a quoted pod name".into()));
        };
        // The second literal is a version requirement only when it looks like one (`~> 1.2`).
        let version =
            strings.get(1).filter(|v| v.trim_start_matches(['~', '>', '=', '<', ' ']).starts_with(char::is_numeric));
        sink.package("cocoapods", name, version.map(String::as_str), t.place(n));
    }
    Ok(())
}

/// `Podfile.lock` (YAML): every pod under `PODS`, with the version it resolved to.
pub fn podfile_lock(t: &Text, sink: &mut Sink) -> ParseResult {
    let doc: Value = yaml(t)?;
    let Some(pods) = doc.get("PODS").and_then(Value::as_array) else {
        return Err((1, "no `PODS:` list; is this a Podfile.lock?".into()));
    };
    let from = t.find("PODS", 1).unwrap_or(1);
    for pod in pods {
        let spec = match pod {
            Value::String(s) => s.as_str(),
            Value::Object(m) => match m.keys().next() {
                Some(k) => k.as_str(),
                None => continue,
            },
            _ => continue,
        };
        let (name, version) = match spec.split_once(" (") {
            Some((n, v)) => (n.trim(), Some(v.trim_end_matches(')'))),
            None => (spec.trim(), None),
        };
        let line = t.find(&format!("- {spec}"), from).unwrap_or_else(|| t.find_or(name, from));
        sink.package("cocoapods", name, version, t.place(line));
    }
    Ok(())
}

/// SwiftPM `Package.resolved`, format 1 (`object.pins[].repositoryURL`) or 2/3 (`pins[].location`).
pub fn package_resolved(t: &Text, sink: &mut Sink) -> ParseResult {
    let doc = json(t)?;
    let (pins, key) = match doc.get("version").and_then(Value::as_u64) {
        Some(1) => (doc.pointer("/object/pins"), "repositoryURL"),
        Some(2 | 3) => (doc.get("pins"), "location"),
        Some(v) => {
            return Err((t.find_or("version", 1), format!("Package.resolved version {v} is not known (1, 2, 3)")));
        }
        None => return Err((1, "no `version`; is this a SwiftPM Package.resolved?".into())),
    };
    let Some(pins) = pins.and_then(Value::as_array) else {
        return Err((1, "no `pins` list".into()));
    };
    for pin in pins {
        let Some(url) = pin.get(key).and_then(Value::as_str) else {
            return Err((t.find_or("pins", 1), format!("a pin without `{key}`")));
        };
        let version = pin.pointer("/state/version").and_then(Value::as_str);
        let line = t.find(&format!("\"{url}\""), 1).unwrap_or(1);
        sink.package("swiftpm", &super::db::swiftpm_location(url), version, t.place(line));
    }
    Ok(())
}

/// WeChat mini-program `app.json` (and a plugin's or subpackage's `plugins`): each plugin's
/// `provider` app id. An `app.json` without `pages` is some other tool's (Expo, …) and is skipped.
pub fn wechat_app(t: &Text, sink: &mut Sink) -> ParseResult {
    let doc = json(t)?;
    if doc.get("pages").is_none() && doc.get("plugins").is_none() {
        return Ok(());
    }
    let mut blocks: Vec<&Value> = doc.get("plugins").into_iter().collect();
    for key in ["subpackages", "subPackages"] {
        for sub in doc.get(key).and_then(Value::as_array).into_iter().flatten() {
            blocks.extend(sub.get("plugins"));
        }
    }
    for block in blocks {
        let Some(map) = block.as_object() else {
            return Err((t.find_or("plugins", 1), "`plugins` must be an object".into()));
        };
        for (alias, p) in map {
            let Some(provider) = p.get("provider").and_then(Value::as_str) else {
                return Err((t.find_or(alias, 1), format!("plugin `{alias}` has no `provider`")));
            };
            let line = t.find_or(provider, t.find_or(alias, 1));
            sink.package("wechat-plugin", provider, p.get("version").and_then(Value::as_str), t.place(line));
        }
    }
    Ok(())
}
