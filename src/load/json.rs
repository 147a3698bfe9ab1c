//! JSON parts.
//!
//! The fast path walks a part with serde_json one value at a time, so each item's position is
//! known as it is read (no separate pass over the text), and reads large arrays in chunks on all
//! cores (serde_json is the floor we are measured against). Only when that fails does the slow
//! path scan the part's structure and deserialize item by item, so that every bad item is
//! reported, each at its own line, instead of only the first.

use super::error::{LoadCode, did_you_mean};
use super::spans::{self, Member};
use super::{LoadError, SourceFile, Sources};
use crate::model::*;
use crate::parallel;
use serde::de::DeserializeOwned;
use std::ops::Range;

/// What one worker read from its parts: merged into the inventory in file order afterwards, so
/// reading in parallel gives exactly what reading in sequence would.
pub(super) struct Part<'s> {
    pub sources: &'s Sources,
    pub organizations: Vec<Organization>,
    /// What was read, in file order; each piece holds items of one array (a whole array, or a
    /// chunk of a large one read in parallel), so they are moved into the inventory only once.
    pub pieces: Vec<Inventory>,
    pub errors: Vec<LoadError>,
    /// As [`super::Collected::unreadable`] and [`super::Collected::incomplete`].
    pub unreadable: Vec<String>,
    pub incomplete: bool,
    pub organization_unreadable: bool,
}

impl<'s> Part<'s> {
    pub fn new(sources: &'s Sources) -> Part<'s> {
        Part {
            sources,
            organizations: Vec::new(),
            pieces: Vec::new(),
            errors: Vec::new(),
            unreadable: Vec::new(),
            incomplete: false,
            organization_unreadable: false,
        }
    }

    fn error_at(&mut self, code: LoadCode, file: u32, offset: usize, message: String, help: Option<String>) {
        self.errors.push(super::validate::error_at_offset(self.sources, code, file, offset, message, help));
    }
}

/// Gives each kind of entity a way to receive its location and a name for messages.
pub(crate) trait Entity: DeserializeOwned + Send {
    const NOUN: &'static str;
    fn set_loc(&mut self, loc: Loc);
}

/// An entity that parts list in one of the inventory's arrays.
trait Listed: Entity {
    fn array(inv: &mut Inventory) -> &mut Vec<Self>;

    /// Read the item at `pos` (after whitespace) without serde_json, with the offset past it,
    /// when it has a plain shape a hand-written reader gets exactly right; `None` leaves it to
    /// serde_json.
    fn quick(_text: &str, _pos: usize) -> Option<(Self, usize)> {
        None
    }
}

macro_rules! entity {
    ($t:ty, $noun:literal $(, $array:ident)?) => {
        impl Entity for $t {
            const NOUN: &'static str = $noun;
            fn set_loc(&mut self, loc: Loc) {
                self.loc = loc;
            }
        }
        $(impl Listed for $t {
            fn array(inv: &mut Inventory) -> &mut Vec<Self> {
                &mut inv.$array
            }
        })?
    };
}
entity!(Organization, "the organization");
entity!(Subject, "a subject", subjects);
entity!(Field, "a field", fields);
entity!(System, "a system", systems);
entity!(Party, "a party", parties);
entity!(Purpose, "a purpose", purposes);
entity!(Consent, "a consent", consents);
entity!(Mechanism, "a mechanism", mechanisms);
entity!(Sdk, "an sdk", sdks);
entity!(Flow, "a flow");

impl Listed for Flow {
    fn array(inv: &mut Inventory) -> &mut Vec<Self> {
        &mut inv.flows
    }

    fn quick(text: &str, pos: usize) -> Option<(Self, usize)> {
        super::quick::flow(text, pos)
    }
}
entity!(Waiver, "a waiver", waivers);

const TOP_KEYS: [&str; 12] = [
    "piflow",
    "organization",
    "subjects",
    "fields",
    "systems",
    "parties",
    "purposes",
    "consents",
    "mechanisms",
    "sdks",
    "flows",
    "waivers",
];

/// Read one JSON part: the fast path when the part is sound, else the slow path that reports
/// every problem in it.
pub(super) fn read_part(file: u32, sources: &Sources) -> Part<'_> {
    let mut part = Part::new(sources);
    let src = &sources.files[file as usize];
    if !fast(file, src, &mut part) {
        slow(file, &src.text, &mut part);
    }
    part
}

fn syntax_error(file: u32, text: &str, e: &serde_json::Error, c: &mut Part<'_>) {
    let offset = serde_offset(text, 0..text.len(), e);
    let msg = strip_position(&e.to_string());
    let help = if msg.contains("EOF") {
        Some("the file ends early: is it truncated, or is a `]` or `}` missing?".into())
    } else {
        None
    };
    c.error_at(LoadCode::Syntax, file, offset, format!("invalid JSON: {msg}"), help);
}

/// A position in a part's text that serde_json moves forward one value at a time, so that every
/// item's start is known as it is read, without a separate pass over the text.
struct Cursor<'t> {
    text: &'t str,
    pos: usize,
}

impl<'t> Cursor<'t> {
    fn skip_ws(&mut self) {
        self.pos = spans::skip_ws(self.text.as_bytes(), self.pos);
    }

    /// Skip whitespace, then take `byte` if it comes next.
    fn eat(&mut self, byte: u8) -> bool {
        self.skip_ws();
        let next = self.text.as_bytes().get(self.pos) == Some(&byte);
        self.pos += usize::from(next);
        next
    }

    /// Deserialize the value that starts here (after whitespace) and move past it; `None` on
    /// any problem, which the slow path will name.
    fn value<T: serde::Deserialize<'t>>(&mut self) -> Option<T> {
        self.skip_ws();
        let mut values = serde_json::Deserializer::from_str(self.text.get(self.pos..)?).into_iter::<T>();
        let value = values.next()?.ok()?;
        self.pos += values.byte_offset();
        Some(value)
    }
}

/// Arrays with more text than this after their `[` are read in chunks on all cores.
const CHUNK_BYTES: usize = 1 << 20;

/// The fast path: the part read straight into the model, its large arrays in parallel chunks.
/// Returns false (having added nothing) when the part has any problem, so the slow path can
/// report every one of them.
fn fast(file: u32, src: &SourceFile, c: &mut Part<'_>) -> bool {
    let mut organizations = Vec::new();
    let mut pieces = Vec::new();
    let read = fast_members(file, src, &mut organizations, &mut pieces);
    if read.is_some() {
        c.organizations.append(&mut organizations);
        c.pieces.append(&mut pieces);
    }
    read.is_some()
}

fn fast_members(
    file: u32,
    src: &SourceFile,
    organizations: &mut Vec<Organization>,
    pieces: &mut Vec<Inventory>,
) -> Option<()> {
    let mut cur = Cursor { text: &src.text, pos: 0 };
    let mut version = None;
    let mut seen: Vec<&str> = Vec::new();
    if !cur.eat(b'{') {
        return None;
    }
    if !cur.eat(b'}') {
        loop {
            // Borrowed: a key with escapes in it fails here and goes to the slow path.
            let key: &str = cur.value()?;
            if seen.contains(&key) || !cur.eat(b':') {
                return None;
            }
            seen.push(key);
            match key {
                "piflow" => version = Some(cur.value::<u64>()?),
                "organization" => {
                    cur.skip_ws();
                    let at = cur.pos;
                    let mut org: Organization = cur.value()?;
                    org.loc = src.item_loc(file, at);
                    organizations.push(org);
                }
                "subjects" => array::<Subject>(&mut cur, src, file, pieces)?,
                "fields" => array::<Field>(&mut cur, src, file, pieces)?,
                "systems" => array::<System>(&mut cur, src, file, pieces)?,
                "parties" => array::<Party>(&mut cur, src, file, pieces)?,
                "purposes" => array::<Purpose>(&mut cur, src, file, pieces)?,
                "consents" => array::<Consent>(&mut cur, src, file, pieces)?,
                "mechanisms" => array::<Mechanism>(&mut cur, src, file, pieces)?,
                "sdks" => array::<Sdk>(&mut cur, src, file, pieces)?,
                "flows" => array::<Flow>(&mut cur, src, file, pieces)?,
                "waivers" => array::<Waiver>(&mut cur, src, file, pieces)?,
                _ => return None,
            }
            if cur.eat(b',') {
                continue;
            }
            if cur.eat(b'}') {
                break;
            }
            return None;
        }
    }
    cur.skip_ws();
    (cur.pos == src.text.len() && version == Some(1)).then_some(())
}

/// Read the array at the cursor into pieces of the inventory and move past its `]`.
///
/// A large array is cut into chunks read side by side. Where a chunk starts is a guess: the
/// first `{` that opens a line after an even cut of the text. A raw line break never occurs
/// inside a JSON string, so that `{` certainly opens some object, but it may be nested inside
/// an item or lie past the end of this array. A guess is trusted only when the chunk before it,
/// itself trusted, lands exactly on it as the start of its next item; the first chunk starts at
/// the `[` and is trusted. A chunk that does not land on the next guess reads on to the one
/// after, and the chunks it ran over are thrown away, so the items are those of one sequential
/// read whatever the guesses were.
fn array<T: Listed>(cur: &mut Cursor<'_>, src: &SourceFile, file: u32, pieces: &mut Vec<Inventory>) -> Option<()> {
    if !cur.eat(b'[') {
        return None;
    }
    let (chunks, after) = read_array::<T>(src, file, &chunk_starts(src, cur.pos))?;
    for items in chunks {
        let mut piece = Inventory::default();
        *T::array(&mut piece) = items;
        pieces.push(piece);
    }
    cur.pos = after;
    Some(())
}

/// Read an array whose items (or `]`) follow `starts[0]`, in chunks beginning at each of
/// `starts`, side by side. Returns the trusted chunks' items in order and the offset past `]`.
fn read_array<T: Listed>(src: &SourceFile, file: u32, starts: &[usize]) -> Option<(Vec<Vec<T>>, usize)> {
    let mut chunks = parallel::in_parallel((0..starts.len()).collect(), |i| chunk::<T>(src, file, starts, i));
    let mut trusted = Vec::new();
    let mut i = 0;
    loop {
        let (items, end) = std::mem::take(chunks.get_mut(i)?);
        trusted.push(items);
        match end {
            ChunkEnd::Landed(next) => i = next,
            ChunkEnd::Closed(after) => return Some((trusted, after)),
            ChunkEnd::Failed => return None,
        }
    }
}

/// How a chunk of an array ended: on the start of chunk `Landed(i)`, at the array's `]`
/// (`Closed` holds the offset just past it), or on something it could not read.
#[derive(Default)]
enum ChunkEnd {
    Landed(usize),
    Closed(usize),
    #[default]
    Failed,
}

/// Where the chunks of an array whose items start after `from` begin: `from` itself, then one
/// guess per even cut of the rest of the text (none when the text is short or one core works).
fn chunk_starts(src: &SourceFile, from: usize) -> Vec<usize> {
    let bytes = src.text.as_bytes();
    let rest = bytes.len().saturating_sub(from);
    let mut starts = vec![from];
    let threads = parallel::threads();
    if rest < CHUNK_BYTES || threads == 1 {
        return starts;
    }
    let chunks = (rest / (CHUNK_BYTES / 2)).min(threads * 4);
    for k in 1..chunks {
        let cut = from + rest / chunks * k;
        if let Some(start) = object_opening_a_line(bytes, cut)
            && starts.last().is_some_and(|&last| start > last)
        {
            starts.push(start);
        }
    }
    starts
}

/// The first `{` at or after `at` that is the first thing on its line (after indentation).
/// Gives up after 64 KiB, so a text with few line breaks is simply not cut there.
fn object_opening_a_line(bytes: &[u8], at: usize) -> Option<usize> {
    let mut from = at;
    while from - at < 1 << 16 {
        let newline = from + memchr::memchr(b'\n', bytes.get(from..)?)?;
        let first = spans::skip_ws(bytes, newline + 1);
        if bytes.get(first) == Some(&b'{') {
            return Some(first);
        }
        from = newline + 1;
    }
    None
}

/// Read chunk `i` of an array: its items from `starts[i]` until the next item would start at a
/// later chunk's start, or the array closes.
fn chunk<T: Listed>(src: &SourceFile, file: u32, starts: &[usize], i: usize) -> (Vec<T>, ChunkEnd) {
    let mut cur = Cursor { text: &src.text, pos: starts[i] };
    // Room for one item per line, which is how parts are written; at most one per 40 bytes,
    // the size of the smallest flow, so a part printed over many lines does not reserve wildly.
    let end = starts.get(i + 1).map_or(src.text.len(), |&s| s);
    let lines = src.lines.line(end) - src.lines.line(starts[i]) + 1;
    let mut items = Vec::with_capacity(lines.min((end - starts[i]) / 40 + 1));
    if i == 0 && cur.eat(b']') {
        return (items, ChunkEnd::Closed(cur.pos));
    }
    let (mut line, mut next) = (crate::source::lines::Cursor::default(), i + 1);
    loop {
        cur.skip_ws();
        let at = cur.pos;
        while starts.get(next).is_some_and(|&s| s < at) {
            next += 1;
        }
        if starts.get(next) == Some(&at) {
            return (items, ChunkEnd::Landed(next));
        }
        let read = match T::quick(cur.text, at) {
            Some((item, end)) => {
                cur.pos = end;
                Some(item)
            }
            None => cur.value::<T>(),
        };
        let Some(mut item) = read else { return (items, ChunkEnd::Failed) };
        item.set_loc(src.item_loc_after(file, at, &mut line));
        items.push(item);
        if cur.eat(b',') {
            continue;
        }
        if cur.eat(b']') {
            return (items, ChunkEnd::Closed(cur.pos));
        }
        return (items, ChunkEnd::Failed);
    }
}

fn slow(file: u32, text: &str, c: &mut Part<'_>) {
    let members = match spans::top_level(text) {
        Ok(m) => m,
        Err(scan) => {
            c.incomplete = true;
            // Not well-formed: serde_json names the problem best; the scanner's view is the fallback.
            match serde_json::from_str::<serde::de::IgnoredAny>(text) {
                Err(e) => syntax_error(file, text, &e, c),
                Ok(_) => c.error_at(
                    LoadCode::Syntax,
                    file,
                    scan.offset,
                    format!("invalid JSON: {}", scan.message),
                    Some("an inventory part is one JSON object: {\"piflow\": 1, \"flows\": [ … ], …}".into()),
                ),
            }
            return;
        }
    };
    let mut seen: Vec<&str> = Vec::new();
    let mut version_seen = false;
    for m in &members {
        if seen.contains(&m.key.as_str()) {
            c.error_at(
                LoadCode::Syntax,
                file,
                m.key_offset,
                format!("key `{}` appears twice in this part; JSON keeps only one of them", m.key),
                Some("merge the two into one".into()),
            );
            continue;
        }
        seen.push(&m.key);
        match m.key.as_str() {
            "piflow" => {
                version_seen = true;
                let raw = text[m.value.clone()].trim();
                if raw != "1" {
                    c.error_at(
                        LoadCode::Version,
                        file,
                        m.value.start,
                        format!("unknown inventory format version {raw}"),
                        Some("this piflow reads version 1: write \"piflow\": 1".into()),
                    );
                }
            }
            "organization" => match item::<Organization>(file, text, m.value.clone(), c) {
                Some(org) => c.organizations.push(org),
                None => c.organization_unreadable = true,
            },
            "subjects" => items::<Subject>(file, text, m, c),
            "fields" => items::<Field>(file, text, m, c),
            "systems" => items::<System>(file, text, m, c),
            "parties" => items::<Party>(file, text, m, c),
            "purposes" => items::<Purpose>(file, text, m, c),
            "consents" => items::<Consent>(file, text, m, c),
            "mechanisms" => items::<Mechanism>(file, text, m, c),
            "sdks" => items::<Sdk>(file, text, m, c),
            "flows" => items::<Flow>(file, text, m, c),
            "waivers" => items::<Waiver>(file, text, m, c),
            other => {
                let help = did_you_mean(other, TOP_KEYS).map(|s| format!("did you mean `{s}`?"));
                c.error_at(
                    LoadCode::UnknownKey,
                    file,
                    m.key_offset,
                    format!("unknown key `{other}` at the top of a part"),
                    help.or_else(|| Some(format!("a part may hold: {}", TOP_KEYS.join(", ")))),
                );
            }
        }
    }
    if !version_seen {
        let start = text.find('{').unwrap_or(0);
        c.error_at(
            LoadCode::Version,
            file,
            start,
            "this JSON file has no `\"piflow\": 1` marker".into(),
            Some("every inventory part starts with \"piflow\": 1 (the format version)".into()),
        );
    }
}

fn items<T: Listed>(file: u32, text: &str, m: &Member, c: &mut Part<'_>) {
    let ranges = match spans::array_items(text, m.value.clone()) {
        Ok(r) => r,
        // An array that is broken inside: say what is wrong where it is, not that it is no array.
        Err(e) if text.as_bytes().get(m.value.start) == Some(&b'[') => {
            c.incomplete = true;
            c.error_at(LoadCode::Syntax, file, e.offset, format!("`{}`: {}", m.key, e.message), None);
            return;
        }
        Err(_) => {
            c.incomplete = true;
            c.error_at(
                LoadCode::BadValue,
                file,
                m.value.start,
                format!("`{}` must be an array", m.key),
                Some(format!("write \"{}\": [ … ]", m.key)),
            );
            return;
        }
    };
    let mut piece = Inventory::default();
    for r in ranges {
        if let Some(v) = item::<T>(file, text, r, c) {
            T::array(&mut piece).push(v);
        }
    }
    c.pieces.push(piece);
}

/// Deserialize one item; on error, record it at its real position and return `None`.
fn item<T: Entity>(file: u32, text: &str, range: Range<usize>, c: &mut Part<'_>) -> Option<T> {
    let slice = &text[range.clone()];
    match serde_json::from_str::<T>(slice) {
        Ok(mut v) => {
            let loc = c.sources.files[file as usize].item_loc(file, range.start);
            v.set_loc(loc);
            Some(v)
        }
        Err(e) => {
            // serde stops at the first thing it cannot use: in `{"id": "a", "typo", …}` that is
            // the unknown key `typo`, before it would see the missing `:`. An item that is not
            // JSON at all is a syntax error, said where the syntax breaks.
            let e = match serde_json::from_str::<serde::de::IgnoredAny>(slice) {
                Err(syntax) if !(e.is_syntax() || e.is_eof()) && (syntax.is_syntax() || syntax.is_eof()) => syntax,
                _ => e,
            };
            // Remember the id of the item that failed, so references to it are not reported too;
            // an item that is not even JSON may have declared anything.
            if e.is_syntax() || e.is_eof() {
                c.incomplete = true;
            }
            if let Some(m) = spans::find_member(text, range.clone(), "id")
                && let Ok(id) = serde_json::from_str::<String>(&text[m.value])
            {
                c.unreadable.push(id);
            }
            let offset = serde_offset(text, range.clone(), &e);
            let (code, message, help) = explain_serde(&e, T::NOUN);
            // A missing key is best shown at the start of the item that lacks it.
            let at = if code == LoadCode::MissingKey { range.start } else { offset };
            c.error_at(code, file, at, message, help);
            None
        }
    }
}

/// Absolute byte offset of a serde_json error inside `range` of `text`.
fn serde_offset(text: &str, range: Range<usize>, e: &serde_json::Error) -> usize {
    let slice = &text[range.clone()];
    let (line, col) = (e.line().max(1), e.column());
    let mut offset = 0usize;
    for (i, l) in slice.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            offset += col.saturating_sub(1).min(l.len());
            break;
        }
        offset += l.len();
    }
    (range.start + offset).min(text.len())
}

fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

/// The backquoted words of a serde message: the offending name first, then the candidates.
fn quoted(msg: &str) -> Vec<&str> {
    msg.split('`').skip(1).step_by(2).collect()
}

/// Turn a serde_json data error into a load code, a message and a suggestion.
pub(crate) fn explain_serde(e: &serde_json::Error, noun: &str) -> (LoadCode, String, Option<String>) {
    let msg = strip_position(&e.to_string());
    explain_message(&msg, noun, e.is_syntax() || e.is_eof())
}

pub(crate) fn explain_message(msg: &str, noun: &str, syntax: bool) -> (LoadCode, String, Option<String>) {
    if syntax {
        return (LoadCode::Syntax, format!("invalid JSON in {noun}: {msg}"), None);
    }
    let q = quoted(msg);
    let suggest = |q: &[&str]| -> Option<String> {
        let (bad, cands) = q.split_first()?;
        did_you_mean(bad, cands.iter().copied()).map(|s| format!("did you mean `{s}`?"))
    };
    if msg.starts_with("unknown field") {
        let help = suggest(&q).or_else(|| (q.len() > 1).then(|| format!("{noun} may have: {}", q[1..].join(", "))));
        (LoadCode::UnknownKey, format!("unknown key `{}` in {noun}", q.first().unwrap_or(&"?")), help)
    } else if msg.starts_with("missing field") {
        let key = q.first().unwrap_or(&"?");
        // The organization's own keys are id, name and country: `kind` and `date` are a filing's.
        if noun == <Organization as Entity>::NOUN && matches!(*key, "kind" | "date") {
            let help = r#"write each filing as {"kind": "officer" | "face-recognition", "date": "YYYY-MM-DD", "reference": …}"#;
            return (LoadCode::MissingKey, format!("a filing of {noun} needs `{key}`"), Some(help.into()));
        }
        (LoadCode::MissingKey, format!("{noun} needs `{key}`"), None)
    } else if msg.starts_with("unknown variant") {
        let help = suggest(&q).or_else(|| (q.len() > 1).then(|| format!("one of: {}", q[1..].join(", "))));
        (LoadCode::BadValue, format!("`{}` is not a valid value here ({noun})", q.first().unwrap_or(&"?")), help)
    } else if msg.starts_with("duplicate field `note`") && noun == <Flow as Entity>::NOUN {
        (
            LoadCode::Syntax,
            format!("{noun} has both `note` and `description`: a flow's description is its note"),
            Some("keep one of the two".into()),
        )
    } else if msg.starts_with("duplicate field") {
        (
            LoadCode::Syntax,
            format!("key `{}` appears twice in {noun}; JSON keeps only one of them", q.first().unwrap_or(&"?")),
            Some("remove one of the two".into()),
        )
    } else {
        (LoadCode::BadValue, format!("bad value in {noun}: {msg}"), None)
    }
}

/// The inventory as JSON parts: `(file name, contents)`, one part per non-empty array plus
/// `organization.json`, one entity per line so diffs and finding locations stay readable.
/// With `single`, one part `inventory.json` holding everything.
pub fn write_parts(inv: &Inventory, single: bool) -> Result<Vec<(String, String)>, serde_json::Error> {
    /// `"key": [ … ]` with one item per line, or nothing for an empty array.
    fn array<T: serde::Serialize>(key: &str, items: &[T]) -> Result<Option<(String, String)>, serde_json::Error> {
        if items.is_empty() {
            return Ok(None);
        }
        let mut out = format!(",\n  \"{key}\": [");
        for (i, item) in items.iter().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            out.push_str(&serde_json::to_string(item)?);
        }
        out.push_str("\n  ]");
        Ok(Some((key.to_owned(), out)))
    }
    // Default ids are derived on load; writing them would turn them into declared ids.
    let flows: Vec<Flow> = inv
        .flows
        .iter()
        .map(|f| Flow { id: if f.id_declared { f.id.clone() } else { "".into() }, ..f.clone() })
        .collect();
    let arrays: Vec<(String, String)> = [
        array("subjects", &inv.subjects)?,
        array("fields", &inv.fields)?,
        array("systems", &inv.systems)?,
        array("parties", &inv.parties)?,
        array("purposes", &inv.purposes)?,
        array("consents", &inv.consents)?,
        array("mechanisms", &inv.mechanisms)?,
        array("sdks", &inv.sdks)?,
        array("flows", &flows)?,
        array("waivers", &inv.waivers)?,
    ]
    .into_iter()
    .flatten()
    .collect();
    let org = format!("{{\n  \"piflow\": 1,\n  \"organization\": {}", serde_json::to_string(&inv.organization)?);
    if single {
        let body: String = arrays.iter().map(|(_, text)| text.as_str()).collect();
        return Ok(vec![("inventory.json".to_owned(), format!("{org}{body}\n}}\n"))]);
    }
    let mut out = vec![("organization.json".to_owned(), format!("{org}\n}}\n"))];
    for (key, text) in arrays {
        out.push((format!("{key}.json"), format!("{{\n  \"piflow\": 1{text}\n}}\n")));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Flows spread over lines the way people write them, with a nested object that opens a
    /// line (a per-regime basis) and a second array after the flows.
    const PART: &str = r#"{"piflow": 1, "flows": [
  {"from": "a", "to": "b", "fields": ["x"], "purpose": "p"},
  {"id": "two", "from": "a", "to": "c", "fields": ["x", "y"], "purpose": "p", "basis":
    {"PIPL": "consent"}
  },
  {"from": "b", "to": "c", "fields": ["y"], "purpose": "p"}, {"from": "c", "to": "d", "fields": ["y"], "purpose": "q"},
  {"from": "d", "to": "e", "fields": ["z"], "purpose": "q"}
],
"waivers": [
  {"rule": "pipl-basis", "target": "two", "reason": "a waiver after the flows"}
]}"#;

    fn flows(src: &SourceFile, starts: &[usize]) -> Option<(Vec<(String, Loc)>, usize)> {
        let (chunks, after) = read_array::<Flow>(src, 0, starts)?;
        Some((chunks.into_iter().flatten().map(|f| (format!("{}>{}", f.from, f.to), f.loc)).collect(), after))
    }

    #[test]
    fn any_guessed_chunk_starts_give_the_sequential_read() {
        let src = SourceFile::new("part.json".into(), PART.into());
        let first = PART.find('[').unwrap() + 1;
        let sequential = flows(&src, &[first]).unwrap();
        assert_eq!(sequential.0.len(), 5);
        // Every `{` that opens a line is a guess a cut could make: items, the nested basis, the
        // waiver in the next array. Each subset of them must change nothing.
        let mut guesses: Vec<usize> =
            (first..PART.len()).filter_map(|i| object_opening_a_line(PART.as_bytes(), i)).collect();
        guesses.dedup();
        assert_eq!(guesses.len(), 6, "{guesses:?}");
        for mask in 0u32..1 << guesses.len() {
            let mut starts = vec![first];
            starts.extend(guesses.iter().enumerate().filter(|(b, _)| mask & 1 << b != 0).map(|(_, &g)| g));
            assert_eq!(flows(&src, &starts).as_ref(), Some(&sequential), "starts {starts:?}");
        }
    }

    #[test]
    fn a_broken_item_fails_the_fast_read_whatever_the_chunks() {
        let broken = PART.replace(r#""to": "e""#, r#""to": 5"#);
        let src = SourceFile::new("part.json".into(), broken.clone());
        let first = broken.find('[').unwrap() + 1;
        let last_line = broken.find("  {\"from\": \"d\"").unwrap() + 2;
        assert!(flows(&src, &[first]).is_none());
        assert!(flows(&src, &[first, last_line]).is_none());
    }

    #[test]
    fn a_large_part_is_read_in_chunks_into_the_same_inventory() {
        let mut text = String::from("{\"piflow\": 1, \"flows\": [\n");
        for i in 0..40_000 {
            let sep = if i == 0 { "" } else { ",\n" };
            text.push_str(&format!(
                r#"{sep}  {{"id": "f{i}", "from": "s", "to": "t{}", "fields": ["x"], "purpose": "p"}}"#,
                i % 7
            ));
        }
        text.push_str("\n]}\n");
        let src = SourceFile::new("big.json".into(), text);
        let first = src.text.find('[').unwrap() + 1;
        let starts = chunk_starts(&src, first);
        if parallel::threads() > 1 {
            assert!(starts.len() > 1, "a {} byte array is cut", src.text.len());
        }
        let (chunks, _) = read_array::<Flow>(&src, 0, &starts).unwrap();
        let ids: Vec<String> = chunks.into_iter().flatten().map(|f| f.id.to_string()).collect();
        assert_eq!(ids, (0..40_000).map(|i| format!("f{i}")).collect::<Vec<_>>());
    }
}
