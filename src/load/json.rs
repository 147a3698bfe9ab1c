//! JSON parts.
//!
//! The fast path deserializes a whole part straight into the model (serde_json is the floor we are
//! measured against) and then takes item positions from one scan of the text. Only when that
//! fails does the slow path deserialize item by item, so that every bad item is reported, each at
//! its own line, instead of only the first.

use super::Collected;
use super::error::{LoadCode, did_you_mean};
use super::spans::{self, Member};
use crate::model::*;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::ops::Range;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Part {
    piflow: Option<u64>,
    organization: Option<Organization>,
    #[serde(default)]
    subjects: Vec<Subject>,
    #[serde(default)]
    fields: Vec<Field>,
    #[serde(default)]
    systems: Vec<System>,
    #[serde(default)]
    parties: Vec<Party>,
    #[serde(default)]
    purposes: Vec<Purpose>,
    #[serde(default)]
    consents: Vec<Consent>,
    #[serde(default)]
    mechanisms: Vec<Mechanism>,
    #[serde(default)]
    sdks: Vec<Sdk>,
    #[serde(default)]
    flows: Vec<Flow>,
    #[serde(default)]
    waivers: Vec<Waiver>,
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

pub(super) fn read_part(file: u32, c: &mut Collected) {
    // Shared, so the part can be read while errors are recorded against the same file.
    let text = c.sources.files[file as usize].text.clone();
    match serde_json::from_str::<Part>(&text) {
        Ok(part) if part.piflow == Some(1) => fast(file, &text, part, c),
        Err(e) if e.is_syntax() || e.is_eof() => {
            let offset = serde_offset(&text, 0..text.len(), &e);
            let msg = strip_position(&e.to_string());
            let help = if msg.contains("EOF") {
                Some("the file ends early: is it truncated, or is a `]` or `}` missing?".into())
            } else {
                None
            };
            c.error_at(LoadCode::Syntax, file, offset, format!("invalid JSON: {msg}"), help);
        }
        _ => slow(file, &text, c),
    }
}

fn fast(file: u32, text: &str, part: Part, c: &mut Collected) {
    let members = match spans::top_level(text) {
        Ok(m) => m,
        Err(e) => {
            // serde_json accepted the text, so the scanner must too; if not, fall back.
            let _ = e;
            slow(file, text, c);
            return;
        }
    };
    let src = &c.sources.files[file as usize];
    let loc_of = |offset: usize| src.item_loc(file, offset);
    let item_locs = |key: &str| -> Vec<Loc> {
        members
            .iter()
            .rfind(|m| m.key == key)
            .and_then(|m| spans::array_items(text, m.value.clone()).ok())
            .map(|items| items.into_iter().map(|r| loc_of(r.start)).collect())
            .unwrap_or_default()
    };
    fn place<T: Entity>(mut items: Vec<T>, locs: Vec<Loc>, out: &mut Vec<T>) {
        for (i, item) in items.iter_mut().enumerate() {
            item.set_loc(locs.get(i).copied().unwrap_or_default());
        }
        out.append(&mut items);
    }
    let inv = &mut c.inventory;
    place(part.subjects, item_locs("subjects"), &mut inv.subjects);
    place(part.fields, item_locs("fields"), &mut inv.fields);
    place(part.systems, item_locs("systems"), &mut inv.systems);
    place(part.parties, item_locs("parties"), &mut inv.parties);
    place(part.purposes, item_locs("purposes"), &mut inv.purposes);
    place(part.consents, item_locs("consents"), &mut inv.consents);
    place(part.mechanisms, item_locs("mechanisms"), &mut inv.mechanisms);
    place(part.sdks, item_locs("sdks"), &mut inv.sdks);
    place(part.flows, item_locs("flows"), &mut inv.flows);
    place(part.waivers, item_locs("waivers"), &mut inv.waivers);
    if let Some(mut org) = part.organization {
        let at = members.iter().rfind(|m| m.key == "organization").map_or(0, |m| m.value.start);
        org.loc = loc_of(at);
        c.organizations.push(org);
    }
}

fn slow(file: u32, text: &str, c: &mut Collected) {
    let members = match spans::top_level(text) {
        Ok(m) => m,
        Err(e) => {
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

fn items<T: Entity>(file: u32, text: &str, m: &Member, c: &mut Collected, out: impl Fn(&mut Inventory) -> &mut Vec<T>) {
    let ranges = match spans::array_items(text, m.value.clone()) {
        Ok(r) => r,
        Err(_) => {
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
fn item<T: Entity>(file: u32, text: &str, range: Range<usize>, c: &mut Collected) -> Option<T> {
    let slice = &text[range.clone()];
    match serde_json::from_str::<T>(slice) {
        Ok(mut v) => {
            let loc = c.sources.files[file as usize].item_loc(file, range.start);
            v.set_loc(loc);
            Some(v)
        }
        Err(e) => {
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
        .map(|f| Flow { id: if f.id_declared { f.id.clone() } else { String::new() }, ..f.clone() })
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
