//! CSV sheets: one sheet per array, the same columns as the JSON keys, list cells joined with `;`
//! (a literal `;` or `\` in a list item is escaped with `\`), empty cell = absent. This module
//! reads sheets into the model and writes the model back, so `piflow convert` is lossless:
//!
//! * A cell that starts with `'` followed by nothing, by another `'`, or by what a spreadsheet
//!   would run as a formula (`= + - @`, a tab or a CR, after blanks or not) is read without that
//!   first `'`. The writer puts it there: in front of every cell a spreadsheet would run (so a
//!   converted inventory opened in Excel runs nothing), in front of a text that starts with `'`,
//!   and as the whole cell for an empty text (`'` is `""`; an empty cell is absent). Any other
//!   `'` is the text's own (`'quoted'` stays as written).
//! * A list, basis, countries or filings cell that starts with `[` or `{` is JSON (`[""]`,
//!   `[" padded "]`): the writer uses it when the plain `a;b` form would read back as something
//!   else (an empty item, blanks around an item, an item starting with `[`).

use super::Collected;
use super::error::{LoadCode, did_you_mean};
use super::json::{Entity, explain_message};
use crate::model::{Inventory, Loc, Organization};
use serde_json::{Map, Value};
use std::path::Path;

/// How a column's cells map to JSON values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Str,
    List,
    Bool,
    Int,
    /// `consent`, or per regime: `PIPL=contract;GDPR=legitimate-interests`.
    Basis,
    /// One code, or several joined with `;`.
    Countries,
    /// The organization's filings: `KIND:DATE[:REFERENCE]` items joined with `;`, e.g.
    /// `officer:2025-08-20:REF-1;face-recognition:2025-09-01`.
    Filings,
}

/// One sheet: its file stem and its columns, in the order they are written.
#[derive(Debug, Clone, Copy)]
pub struct Sheet {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Col)],
}

use Col::*;

pub const SHEETS: &[Sheet] = &[
    Sheet {
        name: "organization",
        columns: &[
            ("id", Str),
            ("name", Str),
            ("country", Str),
            ("contact", Str),
            ("officer", Str),
            ("representative", Str),
            ("ciio", Bool),
            ("regimes", List),
            ("last_audit", Str),
            ("filings", Filings),
            ("description", Str),
        ],
    },
    Sheet {
        name: "subjects",
        columns: &[
            ("id", Str),
            ("name", Str),
            ("country", Countries),
            ("volume", Int),
            ("children", Bool),
            ("description", Str),
        ],
    },
    Sheet {
        name: "fields",
        columns: &[
            ("id", Str),
            ("name", Str),
            ("category", Str),
            ("sensitive", Bool),
            ("retention", Str),
            ("important", Bool),
            ("description", Str),
        ],
    },
    Sheet {
        name: "systems",
        columns: &[
            ("id", Str),
            ("name", Str),
            ("country", Str),
            ("kind", Str),
            ("owner", Str),
            ("security", List),
            ("app_type", Str),
            ("description", Str),
        ],
    },
    Sheet {
        name: "parties",
        columns: &[
            ("id", Str),
            ("name", Str),
            ("country", Str),
            ("role", Str),
            ("affiliate", Bool),
            ("contact", Str),
            ("contract", Str),
            ("subprocessors", List),
            ("certifications", List),
            ("policy", Str),
            ("hosts", List),
            ("description", Str),
        ],
    },
    Sheet {
        name: "purposes",
        columns: &[
            ("id", Str),
            ("name", Str),
            ("basis", Basis),
            ("consents", List),
            ("special_condition", Str),
            ("automated_decision", Bool),
            ("retention", Str),
            ("assessment", Str),
            ("basic", Bool),
            ("description", Str),
        ],
    },
    Sheet {
        name: "consents",
        columns: &[
            ("id", Str),
            ("name", Str),
            ("kind", Str),
            ("for", List),
            ("fields", List),
            ("recipients", List),
            ("evidence", Str),
            ("description", Str),
        ],
    },
    Sheet {
        name: "mechanisms",
        columns: &[
            ("id", Str),
            ("kind", Str),
            ("to", List),
            ("recipients", List),
            ("valid_until", Str),
            ("reference", Str),
            ("description", Str),
        ],
    },
    Sheet {
        name: "sdks",
        columns: &[
            ("id", Str),
            ("name", Str),
            ("vendor", Str),
            ("in", List),
            ("fields", List),
            ("purpose", Str),
            ("consents", List),
            ("mechanism", Str),
            ("packages", List),
            ("hosts", List),
            ("version", Str),
            ("description", Str),
        ],
    },
    Sheet {
        name: "flows",
        columns: &[
            ("id", Str),
            ("from", Str),
            ("to", Str),
            ("fields", List),
            ("purpose", Str),
            ("basis", Basis),
            ("consents", List),
            ("mechanism", Str),
            ("volume", Int),
            ("subjects", List),
            ("note", Str),
        ],
    },
    Sheet {
        name: "waivers",
        columns: &[("rule", Str), ("target", Str), ("reason", Str), ("until", Str), ("description", Str)],
    },
];

/// Columns a sheet reads but never writes: another spelling of a written one (a flow's
/// `description` is its `note`; both in one row are a duplicate, as in JSON).
const READ_ONLY: &[(&str, &str, Col)] = &[("flows", "description", Str)];

fn split_list(cell: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = cell.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => cur.push(chars.next().unwrap_or('\\')),
            ';' => out.push(std::mem::take(&mut cur)),
            _ => cur.push(ch),
        }
    }
    out.push(cur);
    out.into_iter().map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect()
}

fn join_list(items: &[Value]) -> String {
    join_texts(items.iter().map(|v| v.as_str().unwrap_or_default()))
}

fn join_texts<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.map(|s| s.replace('\\', "\\\\").replace(';', "\\;")).collect::<Vec<_>>().join(";")
}

/// One filing of a `filings` cell: `KIND:DATE[:REFERENCE]` (a reference may hold `:` itself).
fn filing_value(item: &str) -> Result<Value, String> {
    let mut parts = item.splitn(3, ':');
    let (Some(kind), Some(date)) = (parts.next(), parts.next()) else {
        return Err(format!("`{item}` should be KIND:DATE[:REFERENCE], e.g. officer:2025-08-20:REF-1"));
    };
    let mut m = Map::new();
    m.insert("kind".into(), Value::String(kind.trim().to_owned()));
    m.insert("date".into(), Value::String(date.trim().to_owned()));
    if let Some(reference) = parts.next().map(str::trim).filter(|r| !r.is_empty()) {
        m.insert("reference".into(), Value::String(reference.to_owned()));
    }
    Ok(Value::Object(m))
}

fn filing_text(v: &Value) -> String {
    let text = |key: &str| v.get(key).and_then(Value::as_str).unwrap_or_default();
    match text("reference") {
        "" => format!("{}:{}", text("kind"), text("date")),
        reference => format!("{}:{}:{reference}", text("kind"), text("date")),
    }
}

/// The cell as written, less the `'` the writer puts in front of an empty text, a text starting
/// with `'` and a cell a spreadsheet would run (see the module's comment).
fn unquote(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.is_empty() || rest.starts_with('\'') || is_formula(rest) => rest,
        _ => cell,
    }
}

/// A spreadsheet would run this cell as a formula.
fn is_formula(cell: &str) -> bool {
    matches!(crate::source::escape::neutralise(cell), std::borrow::Cow::Owned(_))
}

/// The cell the writer gives `text`, such that [`unquote`] gives `text` back.
fn quote(text: String, col: Col) -> String {
    if (text.is_empty() && col == Str) || text.starts_with('\'') || is_formula(&text) {
        format!("'{text}")
    } else {
        text
    }
}

/// A cell's JSON value, or what is wrong with it.
fn cell_value(col: Col, cell: &str) -> Result<Value, String> {
    let json = cell.trim_start().starts_with(['[', '{']);
    if col != Str && json {
        return serde_json::from_str(cell).map_err(|e| {
            format!(
                "`{cell}` starts like JSON but is not JSON ({e}); write a list as a;b, or as JSON like [\"a\",\"b\"]"
            )
        });
    }
    Ok(match col {
        Str => Value::String(cell.to_owned()),
        List => Value::Array(split_list(cell).into_iter().map(Value::String).collect()),
        Countries => {
            let list = split_list(cell);
            if list.len() == 1 {
                Value::String(list[0].clone())
            } else {
                Value::Array(list.into_iter().map(Value::String).collect())
            }
        }
        Bool => match cell.trim() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            other => return Err(format!("`{other}` is not true or false")),
        },
        Int => match cell.trim().parse::<u64>() {
            Ok(n) => Value::from(n),
            Err(_) => return Err(format!("`{}` is not a whole number of 0 or more", cell.trim())),
        },
        Basis if cell.contains('=') => {
            let mut m = Map::new();
            for item in split_list(cell) {
                let Some((regime, basis)) = item.split_once('=') else {
                    return Err(format!("`{item}` should be REGIME=basis, e.g. PIPL=contract"));
                };
                m.insert(regime.trim().to_owned(), Value::String(basis.trim().to_owned()));
            }
            Value::Object(m)
        }
        Basis => Value::String(cell.trim().to_owned()),
        Filings => Value::Array(split_list(cell).iter().map(|item| filing_value(item)).collect::<Result<_, _>>()?),
    })
}

/// The cell `v` is written as: the plain text form when it reads back as `v`, else JSON (a list
/// holding an empty item, say), then quoted against spreadsheets running it.
fn cell_for(col: Col, v: &Value) -> String {
    if v.is_null() {
        return String::new();
    }
    let mut text = cell_text(col, v);
    if col != Str && cell_value(col, &text).as_ref() != Ok(v) {
        text = v.to_string();
    }
    quote(text, col)
}

fn cell_text(col: Col, v: &Value) -> String {
    match (col, v) {
        (_, Value::Null) => String::new(),
        (Filings, Value::Array(items)) => {
            let texts: Vec<String> = items.iter().map(filing_text).collect();
            join_texts(texts.iter().map(String::as_str))
        }
        (_, Value::String(s)) => s.clone(),
        (_, Value::Array(items)) => join_list(items),
        (Basis, Value::Object(m)) => {
            m.iter().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default())).collect::<Vec<_>>().join(";")
        }
        (_, other) => other.to_string(),
    }
}

/// Approximate 0-based byte offset of cell `col` in a record starting at `start`.
fn cell_offset(text: &str, start: usize, record: &csv::StringRecord, col: usize) -> usize {
    let mut off = start;
    for i in 0..col.min(record.len()) {
        off += record.get(i).map_or(0, str::len) + 1;
    }
    off.min(text.len())
}

pub(super) fn read_sheet(path: &Path, file: u32, c: &mut Collected) {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_owned();
    let Some(sheet) = SHEETS.iter().find(|s| s.name == stem) else {
        let help = did_you_mean(&stem, SHEETS.iter().map(|s| s.name))
            .map(|s| format!("did you mean `{s}.csv`?"))
            .or_else(|| {
                Some(format!(
                    "sheets are named {}",
                    SHEETS.iter().map(|s| format!("{}.csv", s.name)).collect::<Vec<_>>().join(", ")
                ))
            });
        c.error_at(LoadCode::UnknownKey, file, 0, format!("`{stem}.csv` is not an inventory sheet"), help);
        c.incomplete = true;
        return;
    };
    let text = c.sources.files[file as usize].text.clone();
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
    let headers = match rdr.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            let offset = e.position().map_or(0, |p| p.byte() as usize);
            c.error_at(LoadCode::Syntax, file, offset, format!("invalid CSV: {e}"), None);
            c.incomplete = true;
            return;
        }
    };
    let mut columns = Vec::with_capacity(headers.len());
    let mut header_ok = true;
    for (i, h) in headers.iter().enumerate() {
        let h = h.trim();
        let read_only = READ_ONLY.iter().filter(|(s, _, _)| *s == sheet.name).map(|&(_, n, k)| (n, k));
        match sheet.columns.iter().copied().chain(read_only).find(|(name, _)| *name == h) {
            Some((name, kind)) => {
                if columns.iter().any(|&(n, _)| n == name) {
                    c.error_at(
                        LoadCode::Syntax,
                        file,
                        cell_offset(&text, 0, &headers, i),
                        format!("column `{h}` appears twice"),
                        None,
                    );
                    header_ok = false;
                }
                columns.push((name, kind));
            }
            None => {
                let help = did_you_mean(h, sheet.columns.iter().map(|(n, _)| *n))
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| {
                        Some(format!(
                            "columns of {}.csv: {}",
                            sheet.name,
                            sheet.columns.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
                        ))
                    });
                c.error_at(
                    LoadCode::UnknownKey,
                    file,
                    cell_offset(&text, 0, &headers, i),
                    format!("unknown column `{h}` in {}.csv", sheet.name),
                    help,
                );
                header_ok = false;
                columns.push(("", Str));
            }
        }
    }
    if !header_ok {
        c.incomplete = true;
    }
    let mut record = csv::StringRecord::new();
    loop {
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            // Rows under a header that is wrong cannot be read into items; they are still read
            // as CSV, so a broken row is reported with the header, all problems at once.
            Ok(true) if !header_ok => continue,
            Ok(true) => {}
            Err(e) => {
                let offset = e.position().map_or(0, |p| p.byte() as usize);
                c.error_at(
                    LoadCode::Syntax,
                    file,
                    offset,
                    format!("invalid CSV: {e}"),
                    Some("every row needs as many cells as the header".into()),
                );
                c.incomplete = true;
                return;
            }
        }
        let start = record.position().map_or(0, |p| p.byte() as usize);
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let mut obj = Map::new();
        let mut row_ok = true;
        for (i, cell) in record.iter().enumerate() {
            let Some(&(name, kind)) = columns.get(i) else { continue };
            let is_list = matches!(kind, List | Filings);
            if cell.is_empty() && !is_list {
                continue;
            }
            match cell_value(kind, unquote(cell)) {
                Ok(v) => {
                    obj.insert(name.to_owned(), v);
                }
                Err(msg) => {
                    c.error_at(
                        LoadCode::BadValue,
                        file,
                        cell_offset(&text, start, &record, i),
                        format!("column `{name}`: {msg}"),
                        None,
                    );
                    row_ok = false;
                }
            }
        }
        if !row_ok {
            c.organization_unreadable |= sheet.name == "organization";
            // The row is reported; references to its id are not reported again.
            if let Some(Value::String(id)) = obj.get("id") {
                c.unreadable.push(id.clone());
            }
            continue;
        }
        let loc = c.sources.files[file as usize].loc(file, start);
        let cells = (&record, start);
        match sheet.name {
            "organization" => match row::<Organization>(obj, loc, cells, &text, c) {
                Some(o) => c.organizations.push(o),
                None => c.organization_unreadable = true,
            },
            "subjects" => push(obj, loc, cells, &text, c, |i| &mut i.subjects),
            "fields" => push(obj, loc, cells, &text, c, |i| &mut i.fields),
            "systems" => push(obj, loc, cells, &text, c, |i| &mut i.systems),
            "parties" => push(obj, loc, cells, &text, c, |i| &mut i.parties),
            "purposes" => push(obj, loc, cells, &text, c, |i| &mut i.purposes),
            "consents" => push(obj, loc, cells, &text, c, |i| &mut i.consents),
            "mechanisms" => push(obj, loc, cells, &text, c, |i| &mut i.mechanisms),
            "sdks" => push(obj, loc, cells, &text, c, |i| &mut i.sdks),
            "flows" => push(obj, loc, cells, &text, c, |i| &mut i.flows),
            _ => push(obj, loc, cells, &text, c, |i| &mut i.waivers),
        }
    }
}

fn push<T: Entity>(
    obj: Map<String, Value>,
    loc: Loc,
    cells: (&csv::StringRecord, usize),
    text: &str,
    c: &mut Collected,
    out: impl Fn(&mut Inventory) -> &mut Vec<T>,
) {
    if let Some(v) = row::<T>(obj, loc, cells, text, c) {
        out(&mut c.inventory).push(v);
    }
}

fn row<T: Entity>(
    obj: Map<String, Value>,
    loc: Loc,
    (record, start): (&csv::StringRecord, usize),
    text: &str,
    c: &mut Collected,
) -> Option<T> {
    let id = obj.get("id").and_then(Value::as_str).map(str::to_owned);
    match serde_json::from_value::<T>(Value::Object(obj)) {
        Ok(mut v) => {
            v.set_loc(loc);
            Some(v)
        }
        Err(e) => {
            let msg = e.to_string();
            let (code, message, help) = explain_message(&msg, T::NOUN, false);
            // The row is reported; references to its id are not reported again.
            c.unreadable.extend(id);
            // Point at the cell holding the offending value when the message quotes it.
            let bad = msg.split('`').nth(1).unwrap_or_default();
            // A list cell (filings) holds the value among others: then the cell that contains it.
            let at = record
                .iter()
                .position(|cell| !bad.is_empty() && cell.trim() == bad)
                .or_else(|| record.iter().position(|cell| !bad.is_empty() && cell.contains(bad)))
                .map_or(start, |i| cell_offset(text, start, record, i));
            c.error_at(code, loc.file, at, message, help);
            None
        }
    }
}

/// The inventory as CSV sheets: `(file name, contents)`, organization first, empty arrays left out.
pub fn write_sheets(inv: &Inventory) -> Result<Vec<(String, String)>, serde_json::Error> {
    fn rows<T: serde::Serialize>(items: &[T]) -> Result<Vec<Value>, serde_json::Error> {
        items.iter().map(serde_json::to_value).collect()
    }
    let mut out = Vec::new();
    for sheet in SHEETS {
        let values = match sheet.name {
            "organization" => vec![serde_json::to_value(&inv.organization)?],
            "subjects" => rows(&inv.subjects)?,
            "fields" => rows(&inv.fields)?,
            "systems" => rows(&inv.systems)?,
            "parties" => rows(&inv.parties)?,
            "purposes" => rows(&inv.purposes)?,
            "consents" => rows(&inv.consents)?,
            "mechanisms" => rows(&inv.mechanisms)?,
            "sdks" => rows(&inv.sdks)?,
            "flows" => {
                let mut v = rows(&inv.flows)?;
                // Default ids are derived on load; writing them would turn them into declared ids.
                for (row, flow) in v.iter_mut().zip(&inv.flows) {
                    if !flow.id_declared
                        && let Some(obj) = row.as_object_mut()
                    {
                        obj.remove("id");
                    }
                }
                v
            }
            _ => rows(&inv.waivers)?,
        };
        if values.is_empty() {
            continue;
        }
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
        let header: Vec<&str> = sheet.columns.iter().map(|(n, _)| *n).collect();
        w.write_record(&header).map_err(serde::ser::Error::custom)?;
        for v in values {
            let record: Vec<String> = sheet
                .columns
                .iter()
                .map(|(name, kind)| cell_for(*kind, v.get(*name).unwrap_or(&Value::Null)))
                .collect();
            w.write_record(&record).map_err(serde::ser::Error::custom)?;
        }
        let bytes = w.into_inner().map_err(|e| serde::ser::Error::custom(e.to_string()))?;
        out.push((format!("{}.csv", sheet.name), String::from_utf8_lossy(&bytes).into_owned()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Flow;
    use serde_json::json;

    #[test]
    fn lists_escape_round_trip() {
        let items = vec![Value::from("a;b"), Value::from("c\\d"), Value::from("e")];
        let cell = join_list(&items);
        assert_eq!(split_list(&cell), vec!["a;b", "c\\d", "e"]);
    }

    #[test]
    fn every_model_key_has_a_column() {
        use crate::model::{Field, Purpose, System, Waiver};
        // Fully populated entities (the 1.1 keys included): every key they serialize to must be
        // a column of their sheet, or `convert --to csv` would drop it.
        fn keys_are_columns<T: serde::de::DeserializeOwned + serde::Serialize>(sheet: &str, json: &str) {
            let entity: T = serde_json::from_str(json).unwrap();
            let v = serde_json::to_value(&entity).unwrap();
            let sheet = SHEETS.iter().find(|s| s.name == sheet).unwrap();
            for k in v.as_object().unwrap().keys() {
                assert!(sheet.columns.iter().any(|(n, _)| n == k), "{}.csv lacks {k}", sheet.name);
            }
        }
        keys_are_columns::<Flow>(
            "flows",
            r#"{"id":"f","from":"a","to":"b","fields":["x"],"purpose":"p","basis":{"PIPL":"contract"},
               "consents":["c"],"mechanism":"m","volume":1,"subjects":["s"],"note":"n"}"#,
        );
        keys_are_columns::<Organization>(
            "organization",
            r#"{"id":"o","name":"O","country":"CN","contact":"c","officer":"x","representative":"r","ciio":true,
               "regimes":["PIPL"],"last_audit":"2025-01-01","filings":[{"kind":"officer","date":"2025-08-01","reference":"R"}],
               "description":"d"}"#,
        );
        keys_are_columns::<Field>(
            "fields",
            r#"{"id":"f","name":"F","category":"other","sensitive":true,"retention":"P1Y","important":true,"description":"d"}"#,
        );
        keys_are_columns::<System>(
            "systems",
            r#"{"id":"s","name":"S","country":"CN","kind":"app","owner":"o","security":["x"],"app_type":"news","description":"d"}"#,
        );
        keys_are_columns::<Purpose>(
            "purposes",
            r#"{"id":"p","name":"P","basis":"consent","consents":["c"],"special_condition":"a","automated_decision":true,
               "retention":"P1Y","assessment":"A","basic":true,"description":"d"}"#,
        );
        keys_are_columns::<Waiver>(
            "waivers",
            r#"{"rule":"r","target":"t","reason":"why","until":"2026-01-01","description":"d"}"#,
        );
    }

    /// The cell forms docs/inventory.md gives: what each value is written as, and that it reads
    /// back as that value; cells written by hand keep their own `'`.
    #[test]
    fn cells_are_quoted_against_spreadsheets_and_read_back() {
        let cases = [
            (Str, json!(""), "'"),
            (Str, json!("=1+1"), "'=1+1"),
            (Str, json!(" @x"), "' @x"),
            (Str, json!("'x"), "''x"),
            (Str, json!("'"), "''"),
            (Str, json!("plain"), "plain"),
            (List, json!(["a;b", "-c"]), "a\\;b;-c"),
            (List, json!(["-a", "b"]), "'-a;b"),
            (List, json!([""]), "[\"\"]"),
            (List, json!([" a "]), "[\" a \"]"),
            (List, json!(["[x]"]), "[\"[x]\"]"),
            (Countries, json!("CN"), "CN"),
            (Countries, json!(["CN", "DE"]), "CN;DE"),
            (Basis, json!({"PIPL": "contract", "GDPR": "consent"}), "GDPR=consent;PIPL=contract"),
        ];
        for (col, v, cell) in cases {
            assert_eq!(cell_for(col, &v), cell, "{v}");
            assert_eq!(cell_value(col, unquote(cell)).unwrap(), v, "{cell}");
        }
        for own in ["'quoted'", "'x", "it's"] {
            assert_eq!(unquote(own), own);
        }
        assert!(cell_value(List, "[draft]").unwrap_err().contains("JSON"));
    }

    #[test]
    fn filings_cells_round_trip_with_colons_and_semicolons_in_references() {
        let cell = "officer:2025-08-20:沪网信 2025:01\\;A;face-recognition:2025-09-01";
        let v = cell_value(Filings, cell).unwrap();
        assert_eq!(
            v,
            serde_json::json!([
                {"kind": "officer", "date": "2025-08-20", "reference": "沪网信 2025:01;A"},
                {"kind": "face-recognition", "date": "2025-09-01"}
            ])
        );
        assert_eq!(cell_text(Filings, &v), cell);
        assert!(cell_value(Filings, "officer").unwrap_err().contains("KIND:DATE"));
        assert_eq!(cell_value(Filings, "").unwrap(), serde_json::json!([]));
    }
}
