//! Gradle: build scripts (Groovy and Kotlin DSL) and the version catalog `gradle/libs.versions.toml`.
//!
//! Build scripts are programs; piflow does not run them. It tokenizes each line (comments out,
//! string literals kept) and reads the declaration forms Gradle documents: a configuration call
//! with a `group:artifact:version` string, the map form (`group: 'g', name: 'a'`), plugin ids
//! (`id 'x'`, `id("x")`, `apply plugin: 'x'`). Test-only configurations are skipped: what ships
//! to users is what matters.

use super::locate::{Text, string_literal};
use super::walk::{ParseResult, Sink};

/// A line with comments removed, and the string literals on it.
struct Line {
    code: String,
    strings: Vec<String>,
}

/// Split a script into lines without comments, keeping `//` inside strings (URLs).
fn lines(text: &str) -> Result<Vec<Line>, (u32, String)> {
    let mut out = Vec::new();
    let mut in_block = false;
    for (n, raw) in text.lines().enumerate() {
        let mut code = String::new();
        let mut strings = Vec::new();
        let mut chars = raw.chars().peekable();
        while let Some(c) = chars.next() {
            if in_block {
                if c == '*' && chars.peek() == Some(&'/') {
                    chars.next();
                    in_block = false;
                }
                continue;
            }
            match c {
                '/' if chars.peek() == Some(&'/') => break,
                '/' if chars.peek() == Some(&'*') => {
                    chars.next();
                    in_block = true;
                }
                '\'' | '"' => {
                    let s = string_literal(&mut chars, c)
                        .map_err(|s| (n as u32 + 1, format!("unterminated string literal {c}{s}")))?;
                    code.push(c);
                    code.push(c);
                    strings.push(s);
                }
                _ => code.push(c),
            }
        }
        out.push(Line { code, strings });
    }
    Ok(out)
}

/// The configuration a dependency line starts with (`implementation`, `api`, `kapt`, …).
fn configuration(code: &str) -> Option<&str> {
    let word: &str = code.trim_start().split(|c: char| !(c.is_alphanumeric() || c == '_')).next()?;
    let known = [
        "implementation",
        "api",
        "compileOnly",
        "runtimeOnly",
        "compile",
        "classpath",
        "kapt",
        "ksp",
        "annotationProcessor",
        "coreLibraryDesugaring",
    ];
    let is_variant = word.ends_with("Implementation") || word.ends_with("Api") || word.ends_with("RuntimeOnly");
    (known.contains(&word) || is_variant).then_some(word)
}

fn is_test(configuration: &str) -> bool {
    configuration.starts_with("test") || configuration.starts_with("androidTest")
}

/// `group:artifact[:version][@ext]` with the characters Maven allows.
fn coordinate(s: &str) -> Option<(&str, &str, Option<&str>)> {
    let s = s.split('@').next()?;
    let mut parts = s.split(':');
    let (g, a, v) = (parts.next()?, parts.next()?, parts.next());
    let ok = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'));
    (ok(g) && ok(a) && parts.next().is_none()).then_some((g, a, v))
}

/// The value of `key: 'x'` (Groovy map) or `key = "x"` (Kotlin named argument) on a line.
fn named_arg<'a>(line: &'a Line, key: &str) -> Option<&'a str> {
    // Strings were replaced by `''` in `code`; count which literal follows the key.
    let code = &line.code;
    let mut idx = 0;
    let mut i = 0;
    let b = code.as_bytes();
    while i < b.len() {
        if b[i] == b'\'' || b[i] == b'"' {
            let before = code[..i].trim_end();
            let before = before.strip_suffix(':').or_else(|| before.strip_suffix('=')).map(str::trim_end);
            if before
                .is_some_and(|p| p.ends_with(key) && !p[..p.len() - key.len()].ends_with(|c: char| c.is_alphanumeric()))
            {
                return line.strings.get(idx).map(String::as_str);
            }
            idx += 1;
            i += 2;
            continue;
        }
        i += 1;
    }
    None
}

/// MobTech's Gradle plugin (`com.mob.sdk`) pulls its products in from its own configuration
/// block, not from `dependencies`: each block directly inside `MobSDK { … }` (`ShareSDK { … }`,
/// `SMSSDK { … }`, `MobPush { … }`) names a product, recorded as `mobsdk:NAME`.
struct MobBlock {
    /// Brace depth inside `MobSDK { }`; `None` outside it.
    depth: Option<i32>,
}

impl MobBlock {
    /// The product a line opens directly inside the block, if any; tracks the depth.
    fn product<'a>(&mut self, code: &'a str) -> Option<&'a str> {
        let opens = code.matches('{').count() as i32;
        let closes = code.matches('}').count() as i32;
        let head = code.trim_start().split(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap_or("");
        let after = code.trim_start()[head.len()..].trim_start();
        let mut found = None;
        match self.depth {
            None if head == "MobSDK" && after.starts_with('{') => self.depth = Some(0),
            None => return None,
            Some(1) if !head.is_empty() && after.starts_with('{') => found = Some(head),
            Some(_) => {}
        }
        let depth = self.depth.unwrap_or(0) + opens - closes;
        self.depth = (depth > 0).then_some(depth);
        found
    }
}

pub fn build_script(t: &Text, sink: &mut Sink) -> ParseResult {
    let lines = lines(t.text)?;
    let mut mob = MobBlock { depth: None };
    for (n, line) in lines.iter().enumerate() {
        let n = n as u32 + 1;
        let code = line.code.trim_start();
        if let Some(product) = mob.product(code) {
            sink.package("mobsdk", product, None, t.place(n));
            continue;
        }
        if mob.depth.is_some() {
            continue;
        }
        // Plugins: `id 'x'`, `id("x")`, `apply plugin: 'x'`.
        if code.starts_with("id ") || code.starts_with("id(") || code.starts_with("id\t") {
            if let Some(id) = line.strings.first() {
                sink.package("gradle-plugin", id, None, t.place(n));
            }
            continue;
        }
        if code.starts_with("apply") {
            if let Some(id) = named_arg(line, "plugin") {
                sink.package("gradle-plugin", id, None, t.place(n));
            }
            continue;
        }
        let Some(conf) = configuration(code) else { continue };
        if is_test(conf) {
            continue;
        }
        if let (Some(g), Some(a)) = (named_arg(line, "group"), named_arg(line, "name")) {
            let v = named_arg(line, "version");
            sink.package("maven", &format!("{g}:{a}"), v, t.place(n));
            continue;
        }
        for s in &line.strings {
            if let Some((g, a, v)) = coordinate(s) {
                sink.package("maven", &format!("{g}:{a}"), v, t.place(n));
            }
        }
    }
    Ok(())
}

/// `gradle/libs.versions.toml`: `[libraries]` (string, `module`, or `group` + `name`) and
/// `[plugins]`.
pub fn version_catalog(t: &Text, sink: &mut Sink) -> ParseResult {
    let doc: toml::Table = t.text.parse().map_err(|e: toml::de::Error| {
        let line = e.span().map_or(1, |s| t.line_of(s.start));
        (line, format!("invalid TOML: {}", e.message()))
    })?;
    let versions = doc.get("versions").and_then(|v| v.as_table());
    let version_of = |entry: &toml::Table| -> Option<String> {
        match entry.get("version") {
            Some(toml::Value::String(s)) => Some(s.clone()),
            Some(toml::Value::Table(v)) => {
                v.get("ref").and_then(|r| r.as_str()).and_then(|r| versions?.get(r)?.as_str().map(str::to_owned))
            }
            _ => None,
        }
    };
    let section_line = |name: &str| t.find(&format!("[{name}]"), 1).unwrap_or(1);
    if let Some(libs) = doc.get("libraries").and_then(|v| v.as_table()) {
        let from = section_line("libraries");
        for (alias, entry) in libs {
            let line = t.find_or(alias, from);
            let (module, version) = match entry {
                toml::Value::String(s) => match coordinate(s) {
                    Some((g, a, v)) => (format!("{g}:{a}"), v.map(str::to_owned)),
                    None => return Err((line, format!("library `{alias}`: `{s}` is not group:artifact:version"))),
                },
                toml::Value::Table(e) => {
                    let module = match (e.get("module"), e.get("group"), e.get("name")) {
                        (Some(m), _, _) => m.as_str().map(str::to_owned),
                        (None, Some(g), Some(a)) => g.as_str().zip(a.as_str()).map(|(g, a)| format!("{g}:{a}")),
                        _ => None,
                    };
                    let Some(module) = module else {
                        return Err((line, format!("library `{alias}` has no `module` nor `group` and `name`")));
                    };
                    (module, version_of(e))
                }
                _ => return Err((line, format!("library `{alias}` must be a string or a table"))),
            };
            sink.package("maven", &module, version.as_deref(), t.place(line));
        }
    }
    if let Some(plugins) = doc.get("plugins").and_then(|v| v.as_table()) {
        let from = section_line("plugins");
        for (alias, entry) in plugins {
            let line = t.find_or(alias, from);
            let id = match entry {
                toml::Value::String(s) => s.split(':').next().map(str::to_owned),
                toml::Value::Table(e) => e.get("id").and_then(|v| v.as_str()).map(str::to_owned),
                _ => None,
            };
            let Some(id) = id else { return Err((line, format!("plugin `{alias}` has no `id`"))) };
            sink.package("gradle-plugin", &id, None, t.place(line));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::{Database, Observed};

    fn coordinates(script: &str) -> Vec<String> {
        let mut sink = Sink { db: Database::bundled(), obs: Observed::default() };
        build_script(&Text::new("build.gradle", script), &mut sink).unwrap();
        sink.obs.packages.iter().map(|p| format!("{} {}", p.coordinate, p.place.line)).collect()
    }

    #[test]
    fn products_in_the_mobsdk_block_are_read() {
        let script = "apply plugin: 'com.mob.sdk'\nMobSDK {\n    appKey \"k\"\n    ShareSDK {\n        devInfo {\n            Wechat {\n                appId \"wx\"\n            }\n        }\n    }\n    SMSSDK {}\n}\ndependencies {\n    implementation 'cn.jiguang.sdk:jpush:3.3.2'\n}\n";
        assert_eq!(
            coordinates(script),
            ["gradle-plugin:com.mob.sdk 1", "mobsdk:ShareSDK 4", "mobsdk:SMSSDK 11", "maven:cn.jiguang.sdk:jpush 14"]
        );
        // Blocks of the same name elsewhere are not products; nor is `devInfo` inside one.
        assert_eq!(coordinates("android {\n    ShareSDK {\n    }\n}\n"), Vec::<String>::new());
    }
}
