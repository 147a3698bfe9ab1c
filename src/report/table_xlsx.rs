//! XLSX (rust_xlsxwriter): a cover sheet (document control), then a sheet per table with a bold, frozen, filterable header row and set
//! column widths. Cells are written as string cells, never formulas, so inventory text such as
//! `=HYPERLINK(…)` is stored and shown as the text it is. The document's creation date is fixed to the report's as-of
//! date, so the same inventory gives byte-identical files.

use super::table::{Document, Table};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};

/// Characters Excel forbids in sheet names.
const FORBIDDEN: &[char] = &['[', ']', ':', '*', '?', '/', '\\'];

/// A valid, unique sheet name (≤ 31 characters) from a table id.
pub fn sheet_name(id: &str, taken: &[String]) -> String {
    let mut base: String = id.chars().map(|c| if FORBIDDEN.contains(&c) { '_' } else { c }).collect();
    base = base.trim_matches('\'').to_owned();
    if base.is_empty() || base.eq_ignore_ascii_case("history") {
        base = format!("sheet-{base}");
    }
    let base: String = base.chars().take(31).collect();
    let mut name = base.clone();
    let mut n = 2;
    while taken.iter().any(|t| t.eq_ignore_ascii_case(&name)) {
        let suffix = format!("~{n}");
        name = base.chars().take(31 - suffix.len()).collect::<String>() + &suffix;
        n += 1;
    }
    name
}

/// Excel refuses cells over 32,767 characters (a purpose of a huge inventory can list thousands of
/// flows); such a cell is cut with a marker pointing to the complete CSV/JSON.
const EXCEL_CELL_MAX: usize = 32_767;

fn fit(v: &str) -> std::borrow::Cow<'_, str> {
    if v.chars().count() <= EXCEL_CELL_MAX {
        return std::borrow::Cow::Borrowed(v);
    }
    const MARK: &str = " … [cut at Excel's cell limit; see the CSV or JSON report]";
    let keep = EXCEL_CELL_MAX - MARK.chars().count();
    let mut out: String = v.chars().take(keep).collect();
    out.push_str(MARK);
    std::borrow::Cow::Owned(out)
}

fn sheet(wb: &mut Workbook, doc: &Document, t: &Table, name: String) -> Result<(), XlsxError> {
    let header = Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Top).set_background_color(0xE8EEF5);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    // Rows are written in order and flushed as they go (to a temporary file), instead of held
    // as cells until the end: a million-flow report's sheets took a gigabyte in memory.
    let ws = wb.add_worksheet_with_constant_memory()?;
    ws.set_name(name)?;
    ws.write_string_with_format(0, 0, t.title(doc.lang), &Format::new().set_bold().set_font_size(13))?;
    ws.write_string(1, 0, format!("{} · {}", t.basis, doc.subtitle()))?;
    let mut first = 2u32;
    for n in &t.notes {
        ws.write_string(first, 0, n)?;
        first += 1;
    }
    let head_row = first + 1;
    for (c, (col, h)) in t.columns.iter().zip(t.header(doc.lang)).enumerate() {
        let c = c as u16;
        ws.set_column_width(c, col.width)?;
        ws.write_string_with_format(head_row, c, h, &header)?;
    }
    for (r, row) in t.rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            ws.write_string_with_format(head_row + 1 + r as u32, c as u16, fit(v), &wrap)?;
        }
    }
    ws.set_freeze_panes(head_row + 1, 0)?;
    if !t.columns.is_empty() {
        ws.autofilter(head_row, 0, head_row + t.rows.len() as u32, t.columns.len() as u16 - 1)?;
    }
    ws.set_landscape();
    ws.set_repeat_rows(head_row, head_row)?;
    Ok(())
}

/// The first sheet: the document's title and its cover block (document control).
fn cover(wb: &mut Workbook, doc: &Document, name: String) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet();
    ws.set_name(name)?;
    ws.write_string_with_format(0, 0, doc.title(), &Format::new().set_bold().set_font_size(14))?;
    let label = Format::new().set_bold().set_align(FormatAlign::Top).set_background_color(0xE8EEF5);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    for (r, (l, v)) in doc.cover_rows().into_iter().enumerate() {
        ws.write_string_with_format(2 + r as u32, 0, l, &label)?;
        ws.write_string_with_format(2 + r as u32, 1, fit(&v), &wrap)?;
    }
    ws.set_column_width(0, 28)?;
    ws.set_column_width(1, 80)?;
    Ok(())
}

/// Render the document; `as_of` (YYYY-MM-DD) becomes the fixed creation date.
pub fn render(doc: &Document) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let created = ExcelDateTime::parse_from_str(&format!("{}T00:00:00", doc.as_of))?;
    let props = DocProperties::new()
        .set_title(doc.title())
        .set_company(&doc.organization)
        .set_author("piflow")
        .set_creation_datetime(&created);
    wb.set_properties(&props);
    let mut taken: Vec<String> = Vec::new();
    let name = sheet_name("cover", &taken);
    taken.push(name.clone());
    cover(&mut wb, doc, name)?;
    for t in &doc.tables {
        let name = sheet_name(t.id, &taken);
        taken.push(name.clone());
        sheet(&mut wb, doc, t, name)?;
    }
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_cells_fit_excel() {
        let long = "x".repeat(EXCEL_CELL_MAX + 10);
        let cut = fit(&long);
        assert_eq!(cut.chars().count(), EXCEL_CELL_MAX);
        assert!(cut.ends_with("see the CSV or JSON report]"));
        assert_eq!(fit("short"), "short");
    }

    #[test]
    fn sheet_names_valid() {
        assert_eq!(sheet_name("a/b:c", &[]), "a_b_c");
        let long = "x".repeat(40);
        let one = sheet_name(&long, &[]);
        assert_eq!(one.chars().count(), 31);
        let two = sheet_name(&long, std::slice::from_ref(&one));
        assert_ne!(one, two);
        assert!(two.chars().count() <= 31);
    }
}
