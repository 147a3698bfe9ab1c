//! JSON parts.
//!
//! The fast path takes item positions from one scan of the text, then deserializes the whole part
//! in one serde pass straight onto the inventory's vectors (serde_json is the floor we are
//! measured against). Only when that fails does the slow path deserialize item by item, so that
//! every bad item is reported, each at its own line, instead of only the first.

use super::error::{LoadCode, did_you_mean};
use super::spans::{self, Member};
use super::{LoadError, SourceFile, Sources};
use crate::model::*;
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::ops::Range;

/// What one worker read from its parts: merged into the inventory in file order afterwards, so
/// reading in parallel gives exactly what reading in sequence would.
pub(super) struct Part<'s> {
    pub sources: &'s Sources,
    pub organizations: Vec<Organization>,
    pub inventory: Inventory,
    pub errors: Vec<LoadError>,
    /// As [`super::Collected::unreadable`] and [`super::Collected::incomplete`].
    pub unreadable: Vec<String>,
    pub incomplete: bool,
}

impl<'s> Part<'s> {
    pub fn new(sources: &'s Sources) -> Part<'s> {
        Part {
            sources,
            organizations: Vec::new(),
            inventory: Inventory::default(),
            errors: Vec::new(),
            unreadable: Vec::new(),
            incomplete: false,
        }
    }

    fn error_at(&mut self, code: LoadCode, file: u32, offset: usize, message: String, help: Option<String>) {
        self.errors.push(super::validate::error_at_offset(self.sources, code, file, offset, message, help));
    }
}

/// Gives each kind of entity a way to receive its location and a name for messages.
pub(crate) trait Entity: DeserializeOwned {
    const NOUN: &'static str;
    fn set_loc(&mut self, loc: Loc);
}

macro_rules! entity {
    ($t:ty, $noun:literal) => {
        impl Entity for $t {
            const NOUN: &'static str = $noun;
            fn set_loc(&mut self, loc: Loc) {
                self.loc = loc;
            }
        }
    };
}
entity!(Organization, "the organization");
entity!(Subject, "a subject");
entity!(Field, "a field");
entity!(System, "a system");
entity!(Party, "a party");
entity!(Purpose, "a purpose");
entity!(Consent, "a consent");
entity!(Mechanism, "a mechanism");
entity!(Sdk, "an sdk");
entity!(Flow, "a flow");
entity!(Waiver, "a waiver");

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

/// A part's structure from the span scan: top-level members and the start of every array item.
pub(super) struct Prepared {
    members: Vec<Member>,
    starts: Starts,
}

impl Prepared {
    /// How many items the part's array `key` holds, so the inventory can reserve room once.
    pub(super) fn count(&self, key: &str) -> usize {
        self.starts.of(key).len()
    }
}

/// Scan a part's structure; `Err` when the text is not a well-formed object.
pub(super) fn prepare(text: &str) -> Result<Prepared, spans::ScanError> {
    let mut members = spans::top_level(text)?;
    let mut starts = Vec::new();
    for m in members.iter_mut().filter(|m| TOP_KEYS[2..].contains(&m.key.as_str())) {
        // The scan recorded item starts of array values; a value that is not an array has none,
        // and is the slow path's to report.
        starts.push((m.key.clone(), std::mem::take(&mut m.items)));
    }
    Ok(Prepared { members, starts: Starts(starts) })
}

pub(super) fn read_part(file: u32, prepared: Result<Prepared, spans::ScanError>, c: &mut Part<'_>) {
    // Shared, so the part can be read while errors are recorded against the same file.
    let text = c.sources.files[file as usize].text.clone();
    let prepared = match prepared {
        Ok(p) => p,
        Err(scan) => {
            c.incomplete = true;
            // Not well-formed: serde_json names the problem best; the scanner's view is the fallback.
            match serde_json::from_str::<serde::de::IgnoredAny>(&text) {
                Err(e) => syntax_error(file, &text, &e, c),
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
    if !fast(file, &text, &prepared, c) {
        slow(file, &text, c);
    }
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

/// Item start offsets of each top-level array, from the span scan.
struct Starts(Vec<(String, Vec<usize>)>);

impl Starts {
    fn of(&self, key: &str) -> &[usize] {
        self.0.iter().rfind(|(k, _)| k == key).map_or(&[], |(_, v)| v.as_slice())
    }
}

/// Deserializes one array straight onto the end of the inventory's vector, giving each item its
/// location as it goes: no intermediate vector, no regrowth (the scan counted the items).
struct Extend<'a, T> {
    out: &'a mut Vec<T>,
    src: &'a SourceFile,
    file: u32,
    starts: &'a [usize],
}

impl<'de, T: Entity> DeserializeSeed<'de> for Extend<'_, T> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, T: Entity> Visitor<'de> for Extend<'_, T> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.out.reserve(self.starts.len());
        let (mut i, mut cursor) = (0, 0);
        while let Some(mut item) = seq.next_element::<T>()? {
            if let Some(&start) = self.starts.get(i) {
                item.set_loc(self.src.item_loc_after(self.file, start, &mut cursor));
            }
            self.out.push(item);
            i += 1;
        }
        Ok(())
    }
}

/// The whole part, read in one pass into the inventory.
struct PartSeed<'a> {
    inv: &'a mut Inventory,
    organizations: &'a mut Vec<Organization>,
    src: &'a SourceFile,
    file: u32,
    starts: &'a Starts,
    org_at: usize,
}

impl<'de> DeserializeSeed<'de> for PartSeed<'_> {
    type Value = Option<u64>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<u64>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PartSeed<'_> {
    type Value = Option<u64>;
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an inventory part object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<u64>, A::Error> {
        let PartSeed { inv, organizations, src, file, starts, org_at } = self;
        let mut version = None;
        let mut seen: Vec<String> = Vec::new();
        macro_rules! extend {
            ($key:literal, $vec:expr) => {
                map.next_value_seed(Extend { out: $vec, src, file, starts: starts.of($key) })?
            };
        }
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                // Any error sends the part to the slow path, which names the duplicate precisely.
                return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
            }
            match key.as_str() {
                "piflow" => version = Some(map.next_value::<u64>()?),
                "organization" => {
                    let mut org = map.next_value::<Organization>()?;
                    org.loc = src.item_loc(file, org_at);
                    organizations.push(org);
                }
                "subjects" => extend!("subjects", &mut inv.subjects),
                "fields" => extend!("fields", &mut inv.fields),
                "systems" => extend!("systems", &mut inv.systems),
                "parties" => extend!("parties", &mut inv.parties),
                "purposes" => extend!("purposes", &mut inv.purposes),
                "consents" => extend!("consents", &mut inv.consents),
                "mechanisms" => extend!("mechanisms", &mut inv.mechanisms),
                "sdks" => extend!("sdks", &mut inv.sdks),
                "flows" => extend!("flows", &mut inv.flows),
                "waivers" => extend!("waivers", &mut inv.waivers),
                other => return Err(de::Error::unknown_field(other, &TOP_KEYS)),
            }
            seen.push(key);
        }
        Ok(version)
    }
}

/// The fast path: one serde pass straight into the model. Returns false (having added nothing)
/// when the part has any problem, so the slow path can report every one of them.
fn fast(file: u32, text: &str, prepared: &Prepared, c: &mut Part<'_>) -> bool {
    let (members, starts) = (&prepared.members, &prepared.starts);
    let org_at = members.iter().rfind(|m| m.key == "organization").map_or(0, |m| m.value.start);
    let sources: &Sources = c.sources;
    let Part { inventory, organizations, .. } = c;
    let before = Lengths::of(inventory, organizations);
    let seed = PartSeed { inv: inventory, organizations, src: &sources.files[file as usize], file, starts, org_at };
    let mut de = serde_json::Deserializer::from_str(text);
    let ok = matches!(seed.deserialize(&mut de), Ok(Some(1))) && de.end().is_ok();
    if !ok {
        before.restore(inventory, organizations);
    }
    ok
}

/// Array lengths before a part was read, to undo a partial read.
struct Lengths([usize; 11]);

impl Lengths {
    fn of(inv: &Inventory, orgs: &[Organization]) -> Lengths {
        Lengths([
            orgs.len(),
            inv.subjects.len(),
            inv.fields.len(),
            inv.systems.len(),
            inv.parties.len(),
            inv.purposes.len(),
            inv.consents.len(),
            inv.mechanisms.len(),
            inv.sdks.len(),
            inv.flows.len(),
            inv.waivers.len(),
        ])
    }
    fn restore(&self, inv: &mut Inventory, orgs: &mut Vec<Organization>) {
        let l = &self.0;
        orgs.truncate(l[0]);
        inv.subjects.truncate(l[1]);
        inv.fields.truncate(l[2]);
        inv.systems.truncate(l[3]);
        inv.parties.truncate(l[4]);
        inv.purposes.truncate(l[5]);
        inv.consents.truncate(l[6]);
        inv.mechanisms.truncate(l[7]);
        inv.sdks.truncate(l[8]);
        inv.flows.truncate(l[9]);
        inv.waivers.truncate(l[10]);
    }
}

fn slow(file: u32, text: &str, c: &mut Part<'_>) {
    let members = match spans::top_level(text) {
        Ok(m) => m,
        Err(e) => {
            c.incomplete = true;
            c.error_at(
                LoadCode::Syntax,
                file,
                e.offset,
                format!("invalid JSON: {}", e.message),
                Some("an inventory part is one JSON object: {\"piflow\": 1, \"flows\": [ … ], …}".into()),
            );
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
            "organization" => {
                if let Some(org) = item::<Organization>(file, text, m.value.clone(), c) {
                    c.organizations.push(org);
                }
            }
            "subjects" => items(file, text, m, c, |inv| &mut inv.subjects),
            "fields" => items(file, text, m, c, |inv| &mut inv.fields),
            "systems" => items(file, text, m, c, |inv| &mut inv.systems),
            "parties" => items(file, text, m, c, |inv| &mut inv.parties),
            "purposes" => items(file, text, m, c, |inv| &mut inv.purposes),
            "consents" => items(file, text, m, c, |inv| &mut inv.consents),
            "mechanisms" => items(file, text, m, c, |inv| &mut inv.mechanisms),
            "sdks" => items(file, text, m, c, |inv| &mut inv.sdks),
            "flows" => items(file, text, m, c, |inv| &mut inv.flows),
            "waivers" => items(file, text, m, c, |inv| &mut inv.waivers),
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

fn items<T: Entity>(file: u32, text: &str, m: &Member, c: &mut Part<'_>, out: impl Fn(&mut Inventory) -> &mut Vec<T>) {
    let ranges = match spans::array_items(text, m.value.clone()) {
        Ok(r) => r,
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
    for r in ranges {
        if let Some(v) = item::<T>(file, text, r, c) {
            out(&mut c.inventory).push(v);
        }
    }
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
        (LoadCode::MissingKey, format!("{noun} needs `{}`", q.first().unwrap_or(&"?")), None)
    } else if msg.starts_with("unknown variant") {
        let help = suggest(&q).or_else(|| (q.len() > 1).then(|| format!("one of: {}", q[1..].join(", "))));
        (LoadCode::BadValue, format!("`{}` is not a valid value here ({noun})", q.first().unwrap_or(&"?")), help)
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
