//! Every relative link in README.md and docs/**/*.md points at a file or directory of this
//! repository: none is broken, none leaves the repository (`../shared/…` exists on the authors'
//! machine, not in a clone). Web links (`https:`, `mailto:`) are not followed.

use std::path::{Path, PathBuf};

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            markdown_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "md") {
            out.push(path);
        }
    }
}

/// The targets of inline links `[text](target)` outside fenced code blocks and code spans, with
/// their line numbers.
fn links(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    let mut fenced = false;
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Drop code spans: `[x](y)` inside backticks is not a link.
        let mut plain = String::new();
        for (i, part) in line.split('`').enumerate() {
            if i % 2 == 0 {
                plain.push_str(part);
            }
        }
        let mut rest = plain.as_str();
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            found.push((n + 1, after[..end].trim().to_owned()));
            rest = &after[end..];
        }
    }
    found
}

#[test]
fn relative_links_resolve_inside_the_repository() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).canonicalize().unwrap();
    let mut files = vec![root.join("README.md")];
    markdown_files(&root.join("docs"), &mut files);
    let mut broken = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (line, target) in links(&text) {
            if target.starts_with("https://") || target.starts_with("http://") || target.starts_with("mailto:") {
                continue;
            }
            let path = target.split('#').next().unwrap_or_default();
            if path.is_empty() {
                continue; // an anchor in the same page
            }
            let resolved = file.parent().unwrap().join(path);
            let shown = format!("{}:{line}: {target}", file.strip_prefix(&root).unwrap().display());
            match resolved.canonicalize() {
                Ok(p) if p.starts_with(&root) => {}
                Ok(_) => broken.push(format!("{shown} (outside the repository)")),
                Err(_) => broken.push(format!("{shown} (no such file)")),
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_link_finder_sees_links_and_skips_code() {
    let found = links("see [a](docs/a.md) and `[b](no)`\n```\n[c](no)\n```\n[d](../x#y)");
    assert_eq!(found, [(1, "docs/a.md".to_owned()), (5, "../x#y".to_owned())]);
}
