//! CSV: one file per table, UTF-8 with a byte-order mark (so spreadsheet programs pick the right
//! encoding for Chinese text), RFC 4180 quoting. A cell a spreadsheet would run as a formula (it
//! starts with `=`, `+`, `-`, `@`, a tab or a carriage return, also after leading spaces, which
//! spreadsheet programs skip) is neutralised with a leading `'`.

use super::table::{Lang, Table};

pub use crate::source::escape::neutralise;

/// Render one table; the header row comes first.
pub fn render(table: &Table, lang: Lang) -> Vec<u8> {
    let mut out = Vec::from("\u{feff}".as_bytes());
    {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut out);
        let header = table.header(lang);
        let rows = std::iter::once(&header).chain(&table.rows);
        for row in rows {
            // Writing to a Vec cannot fail; a record that somehow did would be dropped, never panic.
            let _ = w.write_record(row.iter().map(|c| neutralise(c).into_owned()));
        }
        let _ = w.flush();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_neutralised() {
        assert_eq!(neutralise("=1+1"), "'=1+1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("plain = text"), "plain = text");
        assert_eq!(neutralise(" =1+1"), "' =1+1");
        assert_eq!(neutralise("\u{3000}  @x"), "'\u{3000}  @x");
        assert_eq!(neutralise("  "), "  ");
    }
}
