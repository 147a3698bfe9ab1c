//! Reading an inventory: a directory of JSON parts and CSV sheets, or one JSON file, into a typed,
//! validated [`Inventory`] whose entities all know the file, line and column that declared them.
//!
//! Every problem is collected, never only the first: a user fixing a broken inventory should see
//! the whole list at once. Nothing here judges legality; that is `rules`.

mod csv;
mod error;
mod json;
mod quick;
pub mod spans;
mod validate;

pub use self::csv::{SHEETS, Sheet, write_sheets};
pub use error::{LoadCode, LoadError, LoadErrors, did_you_mean};
pub use json::write_parts;
// Re-exported where they were before `source` held them.
pub use crate::source::lines::LineIndex;
pub use crate::source::path::display_path;
pub use crate::source::read::MAX_FILE_BYTES;

use crate::model::{Inventory, Loc, Organization};
use crate::parallel;
use crate::source::{self, read::ReadError};
use std::path::{Path, PathBuf};

/// One file of the inventory, kept so reports can quote the offending line.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as shown to users (relative to the working directory when under it).
    pub path: String,
    pub text: std::sync::Arc<String>,
    pub lines: LineIndex,
    /// The text was let go after reading ([`SourceFile::release`]); it is still on disk.
    released: bool,
}

impl SourceFile {
    pub fn new(path: String, text: String) -> SourceFile {
        let lines = LineIndex::new(text.as_bytes());
        // Moved, not copied: a 100 MB part is touched once.
        SourceFile { path, text: std::sync::Arc::new(text), lines, released: false }
    }

    /// Let go of the text and its line index, keeping the path; the text is returned when
    /// nothing else holds it.
    pub fn release(&mut self) -> Option<String> {
        self.lines = LineIndex::default();
        self.released = true;
        std::sync::Arc::try_unwrap(std::mem::take(&mut self.text)).ok()
    }

    /// Read a released text again; false when it was not released or cannot be read now.
    fn reload(&mut self) -> bool {
        if !self.released {
            return false;
        }
        match read_text(Path::new(&self.path)) {
            Ok(text) => {
                *self = SourceFile::new(std::mem::take(&mut self.path), text);
                true
            }
            Err(_) => false,
        }
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
    pub fn item_loc_after(&self, file: u32, offset: usize, cursor: &mut crate::source::lines::Cursor) -> Loc {
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

    /// Read every released text again; whether any was.
    fn reload_released(&mut self) -> bool {
        self.files.iter_mut().fold(false, |any, f| f.reload() | any)
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
    /// Let go of each file's text once it is read without problems, for output that quotes no
    /// line (JSON, SARIF): on a large inventory the text is as big as the model. A text is read
    /// again if a later problem must be shown in it.
    pub release_text: bool,
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
    /// An organization was declared but could not be read (already reported): "no part
    /// declares the organization" would only be noise.
    pub organization_unreadable: bool,
}

impl Collected {
    /// With `release_text`, let go of a file's text when no problem was found in it (returned
    /// for reuse when nothing else holds it).
    fn release_if_clean(&mut self, file: usize, opts: &LoadOptions) -> Option<String> {
        let clean = !self.errors.iter().any(|e| e.file_index == Some(file as u32));
        (opts.release_text && clean).then(|| self.sources.files[file].release()).flatten()
    }

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
    read_text_into(path, Vec::new())
}

/// [`source::read::text_into`], its failure as a load error naming the file.
fn read_text_into(path: &Path, buf: Vec<u8>) -> Result<String, LoadError> {
    source::read::text_into(path, buf).map_err(|e| {
        let shown = display_path(path);
        match e {
            ReadError::TooLarge { bytes } => file_error(
                LoadCode::Io,
                &shown,
                format!("file is {bytes} bytes, over the limit of {MAX_FILE_BYTES} bytes"),
                Some("split the inventory into several parts".into()),
            ),
            ReadError::Io(e) => file_error(LoadCode::Io, &shown, format!("cannot read: {e}"), None),
            ReadError::NotUtf8 { offset, line, column } => LoadError {
                code: LoadCode::Syntax,
                file: Some(shown),
                file_index: None,
                offset,
                line,
                column,
                message: format!("the file is not valid UTF-8 (byte {offset})"),
                help: Some("save the file as UTF-8".into()),
            },
        }
    })
}

/// Read files and index their lines, on all cores: reading, checking UTF-8 and finding line
/// starts each touch every byte once. Results stay in the order of `parts`.
/// `spare` buffers, if any, are read into instead of new ones.
fn read_files(parts: Vec<PathBuf>, spare: &mut Vec<Vec<u8>>) -> Vec<(PathBuf, Result<SourceFile, LoadError>)> {
    let jobs: Vec<(PathBuf, Vec<u8>)> = parts.into_iter().map(|p| (p, spare.pop().unwrap_or_default())).collect();
    parallel::in_parallel(jobs, |(part, buf)| {
        let file = read_text_into(&part, buf).map(|text| SourceFile::new(display_path(&part), text));
        (part, file)
    })
}

/// JSON parts are read in batches of consecutive files of about this many bytes: enough for all
/// cores to share, few enough that the texts in memory at once stay a fraction of the inventory.
const BATCH_BYTES: u64 = 16 << 20;

/// Load the inventory at `path`. On failure, every problem found is returned at once.
pub fn load(path: &Path, opts: &LoadOptions) -> Result<Loaded, Failed> {
    let mut c = Collected::default();
    let parts: Vec<(PathBuf, u64)> = list_parts(path, &mut c)
        .into_iter()
        .map(|p| {
            let size = std::fs::metadata(&p).map_or(0, |m| m.len());
            (p, size)
        })
        .collect();
    let mut batch = Batch {
        rest: parts.iter().filter(|(p, _)| !matches!(part_kind(p), Some(PartKind::Csv))).map(|(_, n)| n).sum(),
        ..Batch::default()
    };
    for (part, size) in parts {
        if let Some(PartKind::Csv) = part_kind(&part) {
            batch.read(&mut c, opts);
            for (part, read) in read_files(vec![part], &mut Vec::new()) {
                match read {
                    Ok(source) => {
                        let file = c.sources.files.len();
                        c.sources.files.push(source);
                        csv::read_sheet(&part, file as u32, &mut c);
                        c.release_if_clean(file, opts);
                    }
                    Err(e) => {
                        c.errors.push(e);
                        c.incomplete = true;
                    }
                }
            }
            continue;
        }
        batch.bytes += size;
        batch.parts.push(part);
        if batch.bytes >= BATCH_BYTES {
            batch.read(&mut c, opts);
        }
    }
    batch.read(&mut c, opts);
    // The spare buffers are of no more use.
    drop(batch);
    finish(c, opts)
}

/// Consecutive JSON parts waiting to be read, and how many bytes of JSON have been read and
/// remain, to size the inventory's arrays for what is still to come.
#[derive(Default)]
struct Batch {
    parts: Vec<PathBuf>,
    bytes: u64,
    done: u64,
    rest: u64,
    /// Texts let go of by the last batch, read into again by the next: parts are of similar
    /// size, and reusing their room keeps the memory held for texts to about one batch.
    spare: Vec<Vec<u8>>,
}

impl Batch {
    fn read(&mut self, c: &mut Collected, opts: &LoadOptions) {
        if self.parts.is_empty() {
            return;
        }
        let first = c.sources.files.len();
        let mut json_parts = Vec::new();
        for (_, read) in read_files(std::mem::take(&mut self.parts), &mut self.spare) {
            match read {
                Ok(source) => {
                    json_parts.push(c.sources.files.len() as u32);
                    c.sources.files.push(source);
                }
                Err(e) => {
                    c.errors.push(e);
                    c.incomplete = true;
                }
            }
        }
        self.done += self.bytes;
        self.rest = self.rest.saturating_sub(self.bytes);
        self.bytes = 0;
        let (done, rest) = (self.done, self.rest);
        read_json_parts(c, json_parts, &|so_far| ((so_far as u64).saturating_mul(rest) / done.max(1)) as usize);
        for file in first..c.sources.files.len() {
            if let Some(text) = c.release_if_clean(file, opts) {
                self.spare.push(text.into_bytes());
            }
        }
    }
}

/// Read the JSON parts on all cores (each part's large arrays in chunks as well), then move
/// what they hold into the inventory in file order, so the result does not depend on the
/// number of threads. `more(n)` estimates how many items parts still to be read will add to
/// an array that holds `n` once these are in, so each array grows about once, not by doubling.
fn read_json_parts(c: &mut Collected, parts: Vec<u32>, more: &dyn Fn(usize) -> usize) {
    let sources = &c.sources;
    let read: Vec<json::Part> = parallel::in_parallel(parts, |file| json::read_part(file, sources));
    let mut pieces = Vec::new();
    for mut part in read {
        c.organizations.append(&mut part.organizations);
        c.errors.append(&mut part.errors);
        c.unreadable.append(&mut part.unreadable);
        c.incomplete |= part.incomplete;
        c.organization_unreadable |= part.organization_unreadable;
        pieces.append(&mut part.pieces);
    }
    join(&mut c.inventory, pieces, more);
}

/// Move the items of every piece onto the end of `into`'s arrays, in order; a piece is let go as
/// soon as it has been moved. An array that must grow is given room for `more` items besides.
fn join(into: &mut Inventory, mut pieces: Vec<Inventory>, more: &dyn Fn(usize) -> usize) {
    macro_rules! join_arrays {
        ($($a:ident),*) => {$(
            let adding: usize = pieces.iter().map(|p| p.$a.len()).sum();
            if into.$a.capacity() - into.$a.len() < adding {
                let extra = more(into.$a.len() + adding);
                into.$a.reserve_exact(adding + extra + extra / 16);
            }
            for piece in &mut pieces {
                parallel::append(&mut into.$a, std::mem::take(&mut piece.$a));
            }
        )*};
    }
    join_arrays!(subjects, fields, systems, parties, purposes, consents, mechanisms, sdks, flows, waivers);
}

/// Load an inventory from JSON text held in memory (tests, generated inventories).
pub fn load_str(name: &str, text: &str, opts: &LoadOptions) -> Result<Loaded, Failed> {
    let mut c = Collected::default();
    c.sources.files.push(SourceFile::new(name.to_owned(), text.to_owned()));
    read_json_parts(&mut c, vec![0], &|_| 0);
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
        validate::default_flow_ids(&mut c.inventory.flows);
        let before = c.errors.len();
        validate::validate(&mut c, opts);
        // A problem is shown in its text: bring back texts let go of, and judge again so every
        // position is worked out from the text.
        if c.errors.len() > before && c.sources.reload_released() {
            c.errors.truncate(before);
            validate::validate(&mut c, opts);
        }
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
