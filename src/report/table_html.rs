//! HTML: one self-contained, printable file (inline CSS, print styles, no script, no external
//! asset). Every piece of inventory text is entity-escaped; newlines in cells become `<br>`.

use super::table::{Document, Table};
use std::fmt::Write as _;

/// Escape text for HTML element content and double-quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text with line breaks kept.
fn cell(s: &str) -> String {
    escape(s).replace("\r\n", "\n").replace('\r', "\n").replace('\n', "<br>")
}

const STYLE: &str = "\
body{font-family:\"Noto Sans CJK SC\",\"PingFang SC\",\"Microsoft YaHei\",system-ui,sans-serif;\
margin:2em;color:#111;font-size:13px;line-height:1.4}\
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:2em;border-bottom:2px solid #345}\
table.cover{width:auto;min-width:50%;max-width:100%}table.cover th{white-space:nowrap;width:12em}.basis{color:#345;font-style:italic;margin:.2em 0}.note{color:#6a4b00;margin:.2em 0}\
nav ol{columns:2}\
table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}\
th,td{border:1px solid #999;padding:4px 6px;vertical-align:top;text-align:left;overflow-wrap:anywhere}\
th{overflow-wrap:normal;word-break:keep-all;hyphens:auto}\
table.wide{font-size:.85em}table.wide th,table.wide td{padding:2px 3px}\
th{background:#e8eef5}tbody tr:nth-child(even){background:#f7f7f7}\
.empty{color:#777;font-style:italic}\
@media print{body{margin:0;font-size:9pt}nav{display:none}section{break-before:page}\
section:first-of-type,section.none{break-before:auto}section.none{break-inside:avoid}h2,.basis,.note{break-after:avoid}\
thead{display:table-header-group}tr{break-inside:avoid}tr.split{break-inside:auto}table.wide{font-size:7pt}\
tbody tr:nth-child(even){background:none}}\
@page{size:A4 landscape;margin:12mm 12mm 14mm;\
@bottom-right{content:counter(page) \" / \" counter(pages);font-size:8pt;color:#555}}";

/// Printed rows are kept whole on a page, except one taller than this many lines: kept whole,
/// it would leave most of a page blank before it.
const SPLIT_LINES: usize = 24;

/// About how many printed lines a row takes (A4 landscape, the print font sizes): its tallest
/// cell's text width — a CJK character counts two — over its column's share of the line.
fn printed_lines(t: &Table, row: &[String], total: u32, wide: bool) -> usize {
    // Text width units (an ASCII letter) per line across the whole page: 7pt or 9pt on 273 mm.
    let page_units: u32 = if wide { 218 } else { 170 };
    row.iter()
        .zip(&t.columns)
        .map(|(cell, col)| {
            let per_line = (u32::from(col.width.max(1)) * page_units / total).max(1) as usize;
            cell.split('\n')
                .map(|l| l.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum::<usize>().div_ceil(per_line).max(1))
                .sum::<usize>()
        })
        .max()
        .unwrap_or(1)
}

fn table(out: &mut String, doc: &Document, t: &Table) {
    // An empty table is a heading and a line: it does not take a page of its own.
    let class = if t.rows.is_empty() { " class=\"none\"" } else { "" };
    let _ = writeln!(out, "<section id=\"{}\"{class}>", escape(t.id));
    let _ = writeln!(out, "<h2>{}</h2>", escape(&t.title(doc.lang)));
    let _ = writeln!(out, "<p class=\"basis\">{}</p>", escape(t.basis));
    for n in &t.notes {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", cell(n));
    }
    if t.rows.is_empty() {
        let _ = writeln!(out, "<p class=\"empty\">{}</p>", escape(&doc.lang.text("（无）", "(none)")));
        out.push_str("</section>\n");
        return;
    }
    // Widths from the columns' spreadsheet widths, so a 16-column table shares the page by
    // content rather than squeezing headers to one letter a line.
    let total: u32 = t.columns.iter().map(|c| u32::from(c.width.max(1))).sum::<u32>().max(1);
    let class = if t.columns.len() > 10 { " class=\"wide\"" } else { "" };
    let _ = write!(out, "<table{class}>\n<colgroup>");
    for c in &t.columns {
        let _ =
            write!(out, "<col style=\"width:{:.1}%\">", f64::from(u32::from(c.width.max(1)) * 100) / f64::from(total));
    }
    out.push_str("</colgroup>\n<thead><tr>");
    for h in t.header(doc.lang) {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(&h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let wide = t.columns.len() > 10;
    for row in &t.rows {
        out.push_str(if printed_lines(t, row, total, wide) > SPLIT_LINES { "<tr class=\"split\">" } else { "<tr>" });
        for c in row {
            let _ = write!(out, "<td>{}</td>", cell(c));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

pub fn render(doc: &Document) -> String {
    super::written(|w| write(doc, w))
}

/// [`render`] into `w` a table at a time, so a large report is never held whole.
pub fn write(doc: &Document, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>{} — {}</title>\n<style>{}</style>\n</head>\n<body>\n",
        doc.lang.html(),
        escape(&doc.title()),
        escape(&doc.organization),
        STYLE
    );
    let _ = writeln!(out, "<h1>{}</h1>", escape(&doc.title()));
    // The cover block: document control a regulator asks for, on the first page.
    out.push_str("<table class=\"cover\">\n<tbody>\n");
    for (label, value) in doc.cover_rows() {
        let _ = writeln!(out, "<tr><th scope=\"row\">{}</th><td>{}</td></tr>", escape(&label), cell(&value));
    }
    out.push_str("</tbody>\n</table>\n");
    out.push_str("<nav><ol>\n");
    for t in &doc.tables {
        let _ = writeln!(out, "<li><a href=\"#{}\">{}</a></li>", escape(t.id), escape(&t.title(doc.lang)));
    }
    out.push_str("</ol></nav>\n");
    for t in &doc.tables {
        table(&mut out, doc, t);
        w.write_all(out.as_bytes())?;
        out.clear();
    }
    out.push_str("</body>\n</html>\n");
    w.write_all(out.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_tall_rows_may_split() {
        use super::super::table::col;
        let t = Table {
            id: "t",
            title_zh: "表",
            title_en: "T",
            basis: "",
            columns: vec![col("a", "甲", "A", 20), col("b", "乙", "B", 20)],
            rows: Vec::new(),
            notes: Vec::new(),
        };
        let short = vec!["手机号码".to_owned(), "x".to_owned()];
        let tall = vec!["手机号码；".repeat(400), "x".to_owned()];
        assert!(printed_lines(&t, &short, 40, false) <= SPLIT_LINES);
        assert!(printed_lines(&t, &tall, 40, false) > SPLIT_LINES);
        assert_eq!(printed_lines(&t, &["a\nb\nc".to_owned()], 40, false), 3);
    }

    #[test]
    fn escapes() {
        assert_eq!(escape("<script>\"'&"), "&lt;script&gt;&quot;&#39;&amp;");
        assert_eq!(cell("a\nb"), "a<br>b");
    }
}
