//! Rendering: findings and the graph into what people and machines read. Each output format is
//! one module; each escapes inventory text for its own format. Nothing here decides what is a
//! finding.

pub mod context;
pub mod diagram;
pub mod diff;
pub mod human;
pub mod json;
pub mod lists;
pub mod map;
pub mod records;
pub mod ropa;
pub mod sarif;
pub mod store;
pub mod table;
pub mod table_csv;
pub mod table_html;
pub mod table_md;
pub mod table_xlsx;
pub mod trace;

use crate::finding::Finding;
use crate::load::Sources;
use crate::model::Loc;

/// What a streaming writer writes, as one string: for outputs small enough to hold whole, and
/// for tests. Writing to memory cannot fail, and every writer here writes UTF-8.
pub fn written(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    let _ = write(&mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// `file` and `line` of a finding's location, as shown to users.
pub fn location(sources: &Sources, loc: Loc) -> Option<(String, usize)> {
    sources.get(loc).filter(|_| loc.is_known()).map(|f| (f.path.clone(), loc.line as usize))
}

/// Findings as a slice, with the run's facts every renderer may show.
pub struct Run<'a> {
    pub findings: &'a [Finding],
    pub sources: &'a Sources,
    pub as_of: crate::model::Date,
    /// What was checked, as the user named it.
    pub inventory: &'a str,
}
