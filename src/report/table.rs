//! One table model for every DPO report (records of processing, the two lists, the SDK list):
//! titled tables with bilingual headers, rendered by one writer per format (`table_csv`,
//! `table_md`, `table_html`, `table_xlsx`, `table_json`). Builders fill cells with plain text;
//! each writer escapes for its own format.

use serde::Serialize;

/// Which language(s) headers, titles and vocabulary are printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    Zh,
    En,
    Both,
}

impl Lang {
    /// `zh`, `en`, or `zh / en`.
    pub fn text(self, zh: &str, en: &str) -> String {
        match self {
            Lang::Zh => zh.to_owned(),
            Lang::En => en.to_owned(),
            Lang::Both if zh == en => zh.to_owned(),
            Lang::Both => format!("{zh} / {en}"),
        }
    }

    pub fn yes_no(self, yes: bool) -> String {
        if yes { self.text("是", "yes") } else { self.text("否", "no") }
    }

    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
            Lang::Both => "zh-en",
        }
    }

    /// The `lang` attribute of an HTML document.
    pub fn html(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Zh | Lang::Both => "zh-Hans",
        }
    }
}

/// One column: a stable key (JSON) and its header in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub key: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    /// Width in characters for spreadsheets (XLSX).
    pub width: u16,
}

impl Table {
    /// Remove the column with this key, and its cell in every row (a table without it is unchanged).
    pub fn drop_column(&mut self, key: &str) {
        if let Some(i) = self.columns.iter().position(|c| c.key == key) {
            self.columns.remove(i);
            for row in &mut self.rows {
                if i < row.len() {
                    row.remove(i);
                }
            }
        }
    }
}

pub const fn col(key: &'static str, zh: &'static str, en: &'static str, width: u16) -> Column {
    Column { key, zh, en, width }
}

/// A titled table. `id` names its CSV file and XLSX sheet; rows are plain text cells, one per column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub id: &'static str,
    pub title_zh: &'static str,
    pub title_en: &'static str,
    /// The law the table answers, e.g. "GDPR Art. 30(1)".
    pub basis: &'static str,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
    /// Shown under the title (why the table is empty, what a reader must know).
    pub notes: Vec<String>,
}

impl Table {
    pub fn title(&self, lang: Lang) -> String {
        lang.text(self.title_zh, self.title_en)
    }
    pub fn header(&self, lang: Lang) -> Vec<String> {
        self.columns.iter().map(|c| lang.text(c.zh, c.en)).collect()
    }
}

/// Document control for the record's cover: what a DPO fills in before the record leaves the
/// team. Absent is printed as not given, never guessed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cover {
    /// The document's own version (`--version`), not piflow's.
    pub version: Option<String>,
    /// Who approved this version (`--approver`).
    pub approver: Option<String>,
    /// The document's date (`--date`); absent: the as-of date.
    pub date: Option<String>,
}

/// A whole report: the tables and the facts of the run every format prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub lang: Lang,
    pub organization: String,
    pub as_of: String,
    pub inventory: String,
    pub cover: Cover,
    pub tables: Vec<Table>,
}

impl Document {
    pub fn title(&self) -> String {
        self.lang.text("个人信息处理活动记录与清单", "Records of processing and personal-information lists")
    }
    pub fn subtitle(&self) -> String {
        format!(
            "{} · {} {} · piflow {}",
            self.organization,
            self.lang.text("截至", "as of"),
            self.as_of,
            env!("CARGO_PKG_VERSION")
        )
    }

    /// The cover block, as (label, value) rows: organization, version, date, approver, as-of,
    /// and where the record comes from. Every format prints these same rows.
    pub fn cover_rows(&self) -> Vec<(String, String)> {
        self.cover_entries().into_iter().map(|(_, label, value)| (label, value)).collect()
    }

    /// [`Document::cover_rows`] with a stable key per row (`version`, `as_of`, …), for readers that
    /// are scripts: the label changes with `--lang`, the key never does.
    pub fn cover_entries(&self) -> Vec<(&'static str, String, String)> {
        let l = self.lang;
        let given = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map_or_else(|| l.text("未填写", "not given"), str::to_owned)
        };
        vec![
            ("organization", l.text("组织", "Organization"), self.organization.clone()),
            ("version", l.text("文件版本", "Document version"), given(&self.cover.version)),
            (
                "date",
                l.text("文件日期", "Document date"),
                self.cover.date.clone().unwrap_or_else(|| self.as_of.clone()),
            ),
            ("approver", l.text("批准人", "Approved by"), given(&self.cover.approver)),
            ("as_of", l.text("评估基准日（截至）", "Facts judged as of"), self.as_of.clone()),
            ("inventory", l.text("清单来源", "Inventory"), self.inventory.clone()),
            ("generator", l.text("生成工具", "Generated by"), format!("piflow {}", env!("CARGO_PKG_VERSION"))),
        ]
    }

    /// The cover block as a table of its own (`cover.csv`): one row per entry, with the stable
    /// key first. A CSV file holds one table, so the cover is not put above the records' header
    /// rows, where a spreadsheet's filter and every CSV reader would take it for data.
    pub fn cover_table(&self) -> Table {
        Table {
            id: "cover",
            title_zh: "文件控制",
            title_en: "Document control",
            basis: "",
            columns: vec![
                col("key", "键", "Key", 14),
                col("item", "项目", "Item", 28),
                col("value", "内容", "Value", 80),
            ],
            rows: self
                .cover_entries()
                .into_iter()
                .map(|(key, label, value)| vec![key.to_owned(), label, value])
                .collect(),
            notes: Vec::new(),
        }
    }
}

/// The JSON form of a document (stable: keys and rows in a fixed order).
#[derive(Serialize)]
struct JsonDoc<'a> {
    piflow: u32,
    lang: &'static str,
    organization: &'a str,
    as_of: &'a str,
    inventory: &'a str,
    cover: JsonCover<'a>,
    tables: Vec<JsonTable<'a>>,
}

/// The cover's facts as given (absent stays absent: `null`, not a word).
#[derive(Serialize)]
struct JsonCover<'a> {
    version: Option<&'a str>,
    date: &'a str,
    approver: Option<&'a str>,
}

#[derive(Serialize)]
struct JsonTable<'a> {
    id: &'a str,
    title: String,
    basis: &'a str,
    notes: &'a [String],
    columns: Vec<JsonColumn<'a>>,
    rows: JsonRows<'a>,
}

/// A table's rows, each an object of its cells keyed by column in key order, serialized from the
/// cells where they are: a million rows copied into maps of JSON values first took gigabytes.
struct JsonRows<'a> {
    /// Column indices in the order of their keys (equal keys in column order).
    order: Vec<usize>,
    columns: &'a [Column],
    rows: &'a [Vec<String>],
}

impl<'a> JsonRows<'a> {
    fn new(columns: &'a [Column], rows: &'a [Vec<String>]) -> JsonRows<'a> {
        let mut order: Vec<usize> = (0..columns.len()).collect();
        order.sort_by_key(|&i| columns[i].key);
        JsonRows { order, columns, rows }
    }
}

impl Serialize for JsonRows<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        struct Row<'r>(&'r JsonRows<'r>, &'r [String]);
        impl Serialize for Row<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let Row(rows, cells) = self;
                // As a map of the row's cells would hold them: none for cells a short row lacks,
                // and of columns sharing a key, the last one's.
                let key = |i: usize| rows.columns[i].key;
                let mut present: Vec<usize> = Vec::with_capacity(rows.order.len());
                for i in rows.order.iter().copied().filter(|&i| i < cells.len()) {
                    match present.last_mut() {
                        Some(last) if key(*last) == key(i) => *last = i,
                        _ => present.push(i),
                    }
                }
                let mut map = s.serialize_map(Some(present.len()))?;
                for i in present {
                    map.serialize_entry(rows.columns[i].key, &cells[i])?;
                }
                map.end()
            }
        }
        let mut seq = s.serialize_seq(Some(self.rows.len()))?;
        for cells in self.rows {
            seq.serialize_element(&Row(self, cells))?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct JsonColumn<'a> {
    key: &'a str,
    header: String,
}

/// `report.json`: every table with keyed rows.
pub fn to_json(doc: &Document) -> String {
    super::written(|w| write_json(doc, w))
}

/// [`to_json`] into `w`, streamed: a million rows are never held as one text.
pub fn write_json(doc: &Document, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let tables = doc
        .tables
        .iter()
        .map(|t| JsonTable {
            id: t.id,
            title: t.title(doc.lang),
            basis: t.basis,
            notes: &t.notes,
            columns: t.columns.iter().map(|c| JsonColumn { key: c.key, header: doc.lang.text(c.zh, c.en) }).collect(),
            rows: JsonRows::new(&t.columns, &t.rows),
        })
        .collect();
    let json = JsonDoc {
        piflow: 1,
        lang: doc.lang.code(),
        organization: &doc.organization,
        as_of: &doc.as_of,
        inventory: &doc.inventory,
        cover: JsonCover {
            version: doc.cover.version.as_deref(),
            date: doc.cover.date.as_deref().unwrap_or(&doc.as_of),
            approver: doc.cover.approver.as_deref(),
        },
        tables,
    };
    serde_json::to_writer_pretty(&mut *w, &json)?;
    w.write_all(b"\n")
}

/// Join a list for a cell: `a; b; c` (the inventory's own list separator).
pub fn join<I, S>(items: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    for (i, s) in items.into_iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        out.push_str(s.as_ref());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows serialized from their cells are what maps of the cells would give: keys in order,
    /// short rows without the missing keys, the last of columns sharing a key.
    #[test]
    fn json_rows_are_the_maps_of_their_cells() {
        let columns = [col("b", "乙", "B", 5), col("a", "甲", "A", 5), col("c", "丙", "C", 5), col("a", "甲", "A2", 5)];
        let rows: Vec<Vec<String>> =
            [vec!["1", "2", "3", "4"], vec!["1", "2"], vec![], vec!["x\"y", "=1", "", "z", "extra"]]
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect();
        let maps: Vec<serde_json::Map<String, serde_json::Value>> = rows
            .iter()
            .map(|r| {
                columns.iter().zip(r).map(|(c, v)| (c.key.to_owned(), serde_json::Value::String(v.clone()))).collect()
            })
            .collect();
        let ours = serde_json::to_string_pretty(&JsonRows::new(&columns, &rows)).unwrap();
        assert_eq!(ours, serde_json::to_string_pretty(&maps).unwrap());
        assert!(ours.contains(r#""a": "4""#), "{ours}");
    }

    #[test]
    fn lang_text() {
        assert_eq!(Lang::Both.text("是", "yes"), "是 / yes");
        assert_eq!(Lang::Zh.text("是", "yes"), "是");
        assert_eq!(Lang::En.text("是", "yes"), "yes");
        assert_eq!(Lang::Both.text("SDK", "SDK"), "SDK");
        assert_eq!(join(["a", "b"]), "a; b");
    }
}
