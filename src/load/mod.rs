//! Reading an inventory: a directory of JSON parts and CSV sheets, or one JSON file, into a typed,
//! validated [`Inventory`] whose entities all know the file, line and column that declared them.
//!
//! Every problem is collected, never only the first: a user fixing a broken inventory should see
//! the whole list at once. Nothing here judges legality; that is `rules`.

mod csv;
mod error;
mod json;
pub mod spans;
mod validate;

pub use self::csv::{SHEETS, Sheet, write_sheets};
pub use error::{LoadCode, LoadError, LoadErrors, did_you_mean};
pub use json::write_parts;
pub use spans::LineIndex;

use crate::model::{Inventory, Loc, Organization};
use crate::parallel;
use std::path::{Path, PathBuf};

/// Files larger than this are refused rather than read: an inventory of a million flows is about
/// 100 MB, so this leaves ten times the room while keeping memory bounded on hostile input.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// One file of the inventory, kept so reports can quote the offending line.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as shown to users (relative to the working directory when under it).
    pub path: String,
    pub text: std::sync::Arc<String>,
    pub lines: LineIndex,
}

impl SourceFile {
    pub fn new(path: String, text: String) -> SourceFile {
        let lines = LineIndex::new(text.as_bytes());
        // Moved, not copied: a 100 MB part is touched once.
        SourceFile { path, text: std::sync::Arc::new(text), lines }
    }

    /// The location of a byte offset in this file.
    pub fn loc(&self, file: u32, offset: usize) -> Loc {
        let (line, col) = self.lines.line_col(&self.text, offset);
        Loc { file, offset: offset as u32, line: line as u32, col: col as u32 }
    }

    /// The location of an item that starts at `offset`. The offset stays at the item's start (so
    /// its keys can be found again); line and column are those of its first key when the item is
    /// spread over several lines, because a lone `{` tells a reader nothing.
    pub fn item_loc(&self, file: u32, offset: usize) -> Loc {
        let anchor = spans::item_anchor(self.text.as_bytes(), offset);
        Loc { offset: offset as u32, ..self.loc(file, anchor) }
    }

    /// [`SourceFile::item_loc`] for items met in order, with a cursor as in
    /// [`LineIndex::line_col_after`].
    pub fn item_loc_after(&self, file: u32, offset: usize, cursor: &mut usize) -> Loc {
        let anchor = spans::item_anchor(self.text.as_bytes(), offset);
        let (line, col) = self.lines.line_col_after(&self.text, anchor, cursor);
        Loc { file, offset: offset as u32, line: line as u32, col: col as u32 }
    }

    /// The text of a 1-based line, without its line end.
    pub fn line_text(&self, line: usize) -> &str {
        let Some(start) = self.lines.line_start(line) else { return "" };
        let end = self.lines.line_start(line + 1).unwrap_or(self.text.len());
        self.text.get(start..end).unwrap_or("").trim_end_matches(['\n', '\r'])
    }
}

/// All files an inventory was read from, in the order they were merged.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    pub files: Vec<SourceFile>,
}

impl Sources {
    pub fn get(&self, loc: Loc) -> Option<&SourceFile> {
        self.files.get(loc.file as usize)
    }
    pub fn path(&self, loc: Loc) -> Option<&str> {
        self.get(loc).map(|f| f.path.as_str())
    }

    /// Let go of the texts, keeping paths and line indexes: output that names only file and
    /// line (JSON, SARIF) needs no text, and on a large inventory the text is as big as the
    /// model itself. Quoting a line afterwards quotes nothing.
    pub fn release_text(&mut self) {
        for f in &mut self.files {
            f.text = std::sync::Arc::default();
        }
    }
}

/// A loaded inventory and the text it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub inventory: Inventory,
    pub sources: Sources,
}

/// What the loader must know from outside the model.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Rule codes a waiver may name (the rule catalogue); empty = accept any.
    pub rule_codes: Vec<&'static str>,
}

/// Load errors, with the files read so far so the errors can be shown in context.
#[derive(Debug)]
pub struct Failed {
    pub errors: LoadErrors,
    pub sources: Sources,
}

/// Entities as read from the parts, before merging and validation.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    pub organizations: Vec<Organization>,
    pub inventory: Inventory,
    pub errors: Vec<LoadError>,
    pub sources: Sources,
    /// Ids of items that could not be read (already reported): references to them are not
    /// reported again as dangling.
    pub unreadable: Vec<String>,
    /// A whole file or sheet could not be read, so any reference may point into it: dangling
    /// references are not reported until it is fixed (they would only be noise).
    pub incomplete: bool,
}

impl Collected {
    pub(crate) fn error_at(&mut self, code: LoadCode, file: u32, offset: usize, message: String, help: Option<String>) {
        let src = &self.sources.files[file as usize];
        let (line, column) = src.lines.line_col(&src.text, offset.min(src.text.len()));
        self.errors.push(LoadError {
            code,
            file: Some(src.path.clone()),
            file_index: Some(file),
            offset,
            line,
            column,
            message,
            help,
        });
    }

    fn error_path(&mut self, code: LoadCode, path: &str, message: String, help: Option<String>) {
        self.errors.push(LoadError {
            code,
            file: Some(path.to_owned()),
            file_index: None,
            offset: 0,
            line: 0,
            column: 0,
            message,
            help,
        });
    }
}

/// The path as a user would write it: relative to the working directory when it is under it.
pub fn display_path(path: &Path) -> String {
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    shown.to_string_lossy().replace('\\', "/")
}

enum PartKind {
    Json,
    Csv,
}

fn part_kind(path: &Path) -> Option<PartKind> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "json" => Some(PartKind::Json),
        "csv" => Some(PartKind::Csv),
        _ => None,
    }
}

/// The parts of an inventory path: the file itself, or the `*.json`/`*.csv` files of a directory
/// (not recursive), sorted by name so merging is deterministic.
fn list_parts(path: &Path, c: &mut Collected) -> Vec<PathBuf> {
    let shown = display_path(path);
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            c.error_path(
                LoadCode::Io,
                &shown,
                format!("cannot read the inventory: {e}"),
                Some("give a directory of inventory parts (*.json, *.csv) or a single .json file".into()),
            );
            return Vec::new();
        }
    };
    if meta.is_file() {
        return vec![path.to_path_buf()];
    }
    let entries = match std::fs::read_dir(path) {
        Ok(e) => e,
        Err(e) => {
            c.error_path(LoadCode::Io, &shown, format!("cannot list the directory: {e}"), None);
            return Vec::new();
        }
    };
    let mut parts: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| part_kind(p).is_some())
        // A symlink loop or dangling link fails `is_file`; it is reported when read.
        .filter(|p| !p.is_dir())
        .collect();
    parts.sort();
    if parts.is_empty() {
        c.error_path(
            LoadCode::Io,
            &shown,
            "this directory holds no inventory parts".into(),
            Some(
                "add JSON parts (`{\"piflow\": 1, …}`) or CSV sheets (fields.csv, flows.csv, …); see `piflow schema`"
                    .into(),
            ),
        );
    }
    parts
}

/// An error about a whole file (no position in it).
fn file_error(code: LoadCode, path: &str, message: String, help: Option<String>) -> LoadError {
    LoadError { code, file: Some(path.to_owned()), file_index: None, offset: 0, line: 0, column: 0, message, help }
}

fn read_text(path: &Path) -> Result<String, LoadError> {
    let shown = display_path(path);
    match std::fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE_BYTES => {
            return Err(file_error(
                LoadCode::Io,
                &shown,
                format!("file is {} bytes, over the limit of {} bytes", m.len(), MAX_FILE_BYTES),
                Some("split the inventory into several parts".into()),
            ));
        }
        Ok(_) => {}
        Err(e) => return Err(file_error(LoadCode::Io, &shown, format!("cannot read: {e}"), None)),
    }
    let bytes = std::fs::read(path).map_err(|e| file_error(LoadCode::Io, &shown, format!("cannot read: {e}"), None))?;
    // A UTF-8 byte-order mark is harmless; drop it so offsets match what editors show.
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let line = bytes[..good].iter().filter(|&&b| b == b'\n').count() + 1;
        let col = good - bytes[..good].iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1) + 1;
        LoadError {
            code: LoadCode::Syntax,
            file: Some(shown),
            file_index: None,
            offset: good,
            line,
            column: col,
            message: format!("the file is not valid UTF-8 (byte {good})"),
            help: Some("save the file as UTF-8".into()),
        }
    })
}

/// Read the parts and index their lines, on all cores: reading, checking UTF-8 and finding
/// line starts each touch every byte once. Results stay in the order of `parts`.
fn read_parts(parts: Vec<PathBuf>) -> Vec<(PathBuf, Result<SourceFile, LoadError>)> {
    let read = |run: &[PathBuf]| -> Vec<(PathBuf, Result<SourceFile, LoadError>)> {
        run.iter()
            .map(|part| {
                let file = read_text(part).map(|text| SourceFile::new(display_path(part), text));
                (part.clone(), file)
            })
            .collect()
    };
    let runs: Vec<&[PathBuf]> = parallel::runs(parts.len()).into_iter().map(|r| &parts[r]).collect();
    parallel::in_parallel(runs, read).into_iter().flatten().collect()
}

/// Load the inventory at `path`. On failure, every problem found is returned at once.
pub fn load(path: &Path, opts: &LoadOptions) -> Result<Loaded, Failed> {
    let mut c = Collected::default();
    let mut json_parts = Vec::new();
    for (part, read) in read_parts(list_parts(path, &mut c)) {
        let source = match read {
            Ok(source) => source,
            Err(e) => {
                c.errors.push(e);
                c.incomplete = true;
                continue;
            }
        };
        let file = c.sources.files.len() as u32;
        c.sources.files.push(source);
        match part_kind(&part) {
            Some(PartKind::Csv) => csv::read_sheet(&part, file, &mut c),
            _ => json_parts.push(file),
        }
    }
    read_json_parts(&mut c, json_parts);
    finish(c, opts)
}

/// A JSON part's file index and its span scan.
type Prepared = (u32, Result<json::Prepared, spans::ScanError>);

/// Scan and deserialize the JSON parts on all cores, each thread taking a contiguous run of
/// parts of about equal size. Each run first scans its parts, so its arrays are sized once (a
/// million flows regrown by doubling would be copied several times over); the runs are then
/// merged back in file order, so the result does not depend on the number of threads.
fn read_json_parts(c: &mut Collected, parts: Vec<u32>) {
    let size = |file: &u32| c.sources.files[*file as usize].text.len();
    let total: usize = parts.iter().map(size).sum();
    let threads = parallel::threads().min(parts.len().max(1));
    let mut runs: Vec<Vec<u32>> = vec![Vec::new()];
    let mut in_run = 0usize;
    for file in parts {
        let n = size(&file);
        if in_run > 0 && in_run + n / 2 > total / threads && runs.len() < threads {
            runs.push(Vec::new());
            in_run = 0;
        }
        in_run += n;
        if let Some(run) = runs.last_mut() {
            run.push(file);
        }
    }
    let sources = &c.sources;
    // In parallel: scan each run's parts (positions and item counts)…
    let scan_run = |run: Vec<u32>| -> Vec<Prepared> {
        run.into_iter().map(|f| (f, json::prepare(&sources.files[f as usize].text))).collect()
    };
    let scanned: Vec<Vec<Prepared>> = parallel::in_parallel(runs, scan_run);
    let count = |runs: &[Vec<Prepared>], key: &str| -> usize {
        runs.iter().flatten().filter_map(|(_, p)| p.as_ref().ok()).map(|p| p.count(key)).sum()
    };
    let totals: Vec<usize> = crate::model::ARRAYS.iter().map(|key| count(&scanned, key)).collect();
    // …then deserialize them; the first run's arrays are sized for everything, so the other
    // runs are moved in behind its items without regrowing.
    let jobs: Vec<(usize, Vec<Prepared>)> = scanned.into_iter().enumerate().collect();
    let read_run = |(index, run): (usize, Vec<Prepared>)| {
        let mut part = json::Part::new(sources);
        if index == 0 {
            reserve(&mut part.inventory, &|key| {
                crate::model::ARRAYS.iter().position(|k| *k == key).map_or(0, |i| totals[i])
            });
        } else {
            reserve(&mut part.inventory, &|key| count(std::slice::from_ref(&run), key));
        }
        for (file, prepared) in run {
            json::read_part(file, prepared, &mut part);
        }
        part
    };
    let partials: Vec<json::Part> = parallel::in_parallel(jobs, read_run);
    let mut partials = partials.into_iter();
    let Some(first) = partials.next() else { return };
    let (mut orgs, mut inv, mut errors) = (first.organizations, first.inventory, first.errors);
    let (mut unreadable, mut incomplete) = (first.unreadable, first.incomplete);
    for mut p in partials {
        orgs.append(&mut p.organizations);
        errors.append(&mut p.errors);
        unreadable.append(&mut p.unreadable);
        incomplete |= p.incomplete;
        append(&mut inv, &mut p.inventory);
    }
    c.organizations.append(&mut orgs);
    c.errors.append(&mut errors);
    c.unreadable.append(&mut unreadable);
    c.incomplete |= incomplete;
    append(&mut c.inventory, &mut inv);
}

fn reserve(inv: &mut Inventory, count: &dyn Fn(&str) -> usize) {
    inv.subjects.reserve(count("subjects"));
    inv.fields.reserve(count("fields"));
    inv.systems.reserve(count("systems"));
    inv.parties.reserve(count("parties"));
    inv.purposes.reserve(count("purposes"));
    inv.consents.reserve(count("consents"));
    inv.mechanisms.reserve(count("mechanisms"));
    inv.sdks.reserve(count("sdks"));
    inv.flows.reserve(count("flows"));
    inv.waivers.reserve(count("waivers"));
}

/// Move every item of `from` onto the end of `into` (whose vectors are taken over when empty,
/// so a single run is never copied).
fn append(into: &mut Inventory, from: &mut Inventory) {
    macro_rules! move_items {
        ($($a:ident),*) => {$(
            if into.$a.is_empty() {
                std::mem::swap(&mut into.$a, &mut from.$a);
            } else {
                into.$a.append(&mut from.$a);
            }
        )*};
    }
    move_items!(subjects, fields, systems, parties, purposes, consents, mechanisms, sdks, flows, waivers);
}

/// Load an inventory from JSON text held in memory (tests, generated inventories).
pub fn load_str(name: &str, text: &str, opts: &LoadOptions) -> Result<Loaded, Failed> {
    let mut c = Collected::default();
    c.sources.files.push(SourceFile::new(name.to_owned(), text.to_owned()));
    read_json_parts(&mut c, vec![0]);
    finish(c, opts)
}

/// Put every array but the flows in id order, so that every index-ordered output (records,
/// lists, diagrams) is the same whatever order the parts and arrays were written in. Flows keep
/// file order: they are many, every output that lists them sorts them itself, and moving a
/// million of them would cost more than the rest of loading.
fn canonical_order(inv: &mut Inventory) {
    inv.subjects.sort_by(|a, b| a.id.cmp(&b.id));
    inv.fields.sort_by(|a, b| a.id.cmp(&b.id));
    inv.systems.sort_by(|a, b| a.id.cmp(&b.id));
    inv.parties.sort_by(|a, b| a.id.cmp(&b.id));
    inv.purposes.sort_by(|a, b| a.id.cmp(&b.id));
    inv.consents.sort_by(|a, b| a.id.cmp(&b.id));
    inv.mechanisms.sort_by(|a, b| a.id.cmp(&b.id));
    inv.sdks.sort_by(|a, b| a.id.cmp(&b.id));
    inv.waivers.sort_by(|a, b| (&a.rule, &a.target, a.until).cmp(&(&b.rule, &b.target, b.until)));
}

fn finish(mut c: Collected, opts: &LoadOptions) -> Result<Loaded, Failed> {
    if c.errors.iter().all(|e| e.code != LoadCode::Io) || !c.sources.files.is_empty() {
        validate::validate(&mut c, opts);
    }
    if c.errors.is_empty() {
        canonical_order(&mut c.inventory);
        return Ok(Loaded { inventory: c.inventory, sources: c.sources });
    }
    let mut errors = c.errors;
    errors.sort_by(|a, b| {
        (a.file_index.unwrap_or(u32::MAX), &a.file, a.line, a.column, a.code, &a.message).cmp(&(
            b.file_index.unwrap_or(u32::MAX),
            &b.file,
            b.line,
            b.column,
            b.code,
            &b.message,
        ))
    });
    errors.dedup();
    Err(Failed { errors: LoadErrors(errors), sources: c.sources })
}
