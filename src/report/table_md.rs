//! Markdown: one document with a section per table (GitHub-flavoured tables). Cell text is
//! escaped so it stays text: `|` and backslashes are escaped, newlines become `<br>`, and the
//! characters that would start markup or raw HTML (`<`, `>`, `&`, `*`, `_`, `` ` ``, `[`, `]`)
//! are escaped too.

use super::table::{Document, Table};
use std::fmt::Write as _;

/// Escape inline text for a Markdown table cell or heading.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("<br>");
            }
            '\n' => out.push_str("<br>"),
            '|' => out.push_str("\\|"),
            '\\' | '*' | '_' | '`' | '[' | ']' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn table(out: &mut String, doc: &Document, t: &Table) {
    let _ = writeln!(out, "## {}\n", escape(&t.title(doc.lang)));
    let _ = writeln!(out, "*{}*\n", escape(t.basis));
    for n in &t.notes {
        let _ = writeln!(out, "> {}\n", escape(n));
    }
    let header = t.header(doc.lang);
    let _ = writeln!(out, "| {} |", header.iter().map(|h| escape(h)).collect::<Vec<_>>().join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(header.len()));
    for row in &t.rows {
        let cells: Vec<String> = row.iter().map(|c| if c.is_empty() { " ".into() } else { escape(c) }).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    if t.rows.is_empty() {
        let _ = writeln!(out, "\n{}", escape(&doc.lang.text("（无）", "(none)")));
    }
    out.push('\n');
}

pub fn render(doc: &Document) -> String {
    super::written(|w| write(doc, w))
}

/// [`render`] into `w` a table at a time, so a large report is never held whole.
pub fn write(doc: &Document, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", escape(&doc.title()));
    // The cover block (document control), as a two-column table.
    let _ = writeln!(
        out,
        "| {} | {} |\n|---|---|",
        escape(&doc.lang.text("项目", "Item")),
        escape(&doc.lang.text("内容", "Value"))
    );
    for (label, value) in doc.cover_rows() {
        let _ = writeln!(out, "| {} | {} |", escape(&label), escape(&value));
    }
    out.push('\n');
    for t in &doc.tables {
        table(&mut out, doc, t);
        w.write_all(out.as_bytes())?;
        out.clear();
    }
    w.write_all(out.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_stay_text() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("x\ny"), "x<br>y");
        assert_eq!(escape("<script>"), "&lt;script&gt;");
        assert_eq!(escape("a\\b"), "a\\\\b");
    }
}
