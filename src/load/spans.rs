//! Where things are in a JSON text.
//!
//! serde_json reports positions only for errors, yet every error must point at the line of the
//! item it is about. When a part has problems, this scanner walks its structure and records byte
//! ranges of object members and array items, skipping string contents with `memchr`, so each
//! item can be judged (and reported) on its own. Line starts are indexed in `crate::source::lines`.
//! It validates nothing beyond what it needs to stay in step: serde_json remains the parser.

use memchr::memchr2;
use std::ops::Range;

/// Where a reader should look for the item starting at `start`: its first key when the object's
/// first key is on a later line than its `{`, else the item itself.
pub fn item_anchor(b: &[u8], start: usize) -> usize {
    if b.get(start) != Some(&b'{') {
        return start;
    }
    let next = skip_ws(b, start + 1);
    if b[start + 1..next].contains(&b'\n') && next < b.len() { next } else { start }
}

/// A member of a JSON object: its key, where the key starts, and the byte range of its value.
#[derive(Debug, Clone)]
pub struct Member {
    pub key: String,
    pub key_offset: usize,
    pub value: Range<usize>,
}

/// The text is not well-formed where the scanner needs it to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanError {
    pub offset: usize,
    pub message: &'static str,
}

type Scan<T> = Result<T, ScanError>;

fn fail<T>(offset: usize, message: &'static str) -> Scan<T> {
    Err(ScanError { offset, message })
}

pub fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// `i` is at an opening quote; returns the offset just past the closing quote.
fn skip_string(b: &[u8], i: usize) -> Scan<usize> {
    let mut j = i + 1;
    loop {
        match memchr2(b'"', b'\\', &b[j..]) {
            Some(k) if b[j + k] == b'"' => return Ok(j + k + 1),
            Some(k) => j += k + 2,
            None => return fail(i, "unterminated string"),
        }
        if j > b.len() {
            return fail(i, "unterminated string");
        }
    }
}

/// `i` is at the first byte of a value; returns the offset just past it.
pub fn skip_value(b: &[u8], i: usize) -> Scan<usize> {
    match b.get(i) {
        None => fail(i, "expected a value"),
        Some(b'"') => skip_string(b, i),
        Some(b'{' | b'[') => {
            // One tight pass: a string state and a depth counter, no calls per string (items are
            // short and full of quotes, so jumping between needles costs more than it saves).
            let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
            for (k, &c) in b[i..].iter().enumerate() {
                if in_str {
                    if escaped {
                        escaped = false;
                    } else if c == b'\\' {
                        escaped = true;
                    } else if c == b'"' {
                        in_str = false;
                    }
                    continue;
                }
                match c {
                    b'"' => in_str = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Ok(i + k + 1);
                        }
                    }
                    _ => {}
                }
            }
            fail(i, "unclosed object or array")
        }
        Some(_) => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r') {
                j += 1;
            }
            if j == i { fail(i, "expected a value") } else { Ok(j) }
        }
    }
}

fn key_text(raw: &str) -> String {
    // Keys are almost always plain; decode escapes only when there are some.
    if raw.contains('\\') {
        serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw[1..raw.len() - 1].to_owned())
    } else {
        raw[1..raw.len() - 1].to_owned()
    }
}

/// The members of the object whose value occupies `range` (which must start at `{`).
pub fn object_members(text: &str, range: Range<usize>) -> Scan<Vec<Member>> {
    scan_object(text, range).map(|(members, _)| members)
}

/// An object's members and the offset just past its `}`.
fn scan_object(text: &str, range: Range<usize>) -> Scan<(Vec<Member>, usize)> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, range.start);
    if b.get(i) != Some(&b'{') {
        return fail(i, "expected an object");
    }
    i = skip_ws(b, i + 1);
    let mut out = Vec::new();
    if b.get(i) == Some(&b'}') {
        return Ok((out, i + 1));
    }
    loop {
        if b.get(i) != Some(&b'"') {
            return fail(i, "expected a key in quotes");
        }
        let key_end = skip_string(b, i)?;
        let key = key_text(&text[i..key_end]);
        let mut j = skip_ws(b, key_end);
        if b.get(j) != Some(&b':') {
            return fail(j, "expected `:` after a key");
        }
        j = skip_ws(b, j + 1);
        let end = skip_value(b, j)?;
        out.push(Member { key, key_offset: i, value: j..end });
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => i = skip_ws(b, i + 1),
            Some(b'}') => return Ok((out, i + 1)),
            _ => return fail(i, "expected `,` or `}`"),
        }
    }
}

/// The items of the array whose value occupies `range` (which must start at `[`).
pub fn array_items(text: &str, range: Range<usize>) -> Scan<Vec<Range<usize>>> {
    scan_array(text, range.start).map(|(items, _)| items)
}

/// An array's item ranges and the offset just past its `]`.
fn scan_array(text: &str, start: usize) -> Scan<(Vec<Range<usize>>, usize)> {
    let b = text.as_bytes();
    let mut i = skip_ws(b, start);
    if b.get(i) != Some(&b'[') {
        return fail(i, "expected an array");
    }
    i = skip_ws(b, i + 1);
    let mut out = Vec::new();
    if b.get(i) == Some(&b']') {
        return Ok((out, i + 1));
    }
    loop {
        let end = skip_value(b, i)?;
        out.push(i..end);
        i = skip_ws(b, end);
        match b.get(i) {
            Some(b',') => {
                let comma = i;
                i = skip_ws(b, i + 1);
                if b.get(i) == Some(&b']') {
                    // Reported at the comma: that is what to delete.
                    return fail(comma, "trailing comma before `]` (JSON allows none)");
                }
            }
            Some(b']') => return Ok((out, i + 1)),
            _ => return fail(i, "expected `,` or `]` after an item"),
        }
    }
}

/// The whole text as a top-level object.
pub fn top_level(text: &str) -> Scan<Vec<Member>> {
    let b = text.as_bytes();
    let start = skip_ws(b, 0);
    let (members, end) = scan_object(text, start..b.len())?;
    // Nothing but white space may follow the object.
    let rest = skip_ws(b, end);
    if rest < b.len() {
        return fail(rest, "text after the end of the part's object");
    }
    Ok(members)
}

/// Where `key` is inside the object at `range`, if it is there (the last one, as serde keeps).
pub fn find_member(text: &str, range: Range<usize>, key: &str) -> Option<Member> {
    object_members(text, range).ok()?.into_iter().rev().find(|m| m.key == key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_and_items() {
        let t = r#"{ "piflow": 1, "flows": [ {"a": "x\"}"}, [1,2], "s" ], "k\u0041": {} }"#;
        let top = top_level(t).unwrap();
        assert_eq!(top.iter().map(|m| m.key.as_str()).collect::<Vec<_>>(), ["piflow", "flows", "kA"]);
        let items = array_items(t, top[1].value.clone()).unwrap();
        assert_eq!(items.len(), 3);
        assert_eq!(&t[items[0].clone()], r#"{"a": "x\"}"}"#);
        let m = find_member(t, items[0].clone(), "a").unwrap();
        assert_eq!(&t[m.value], r#""x\"}""#);
    }

    #[test]
    fn broken_text_is_an_error_not_a_panic() {
        assert!(top_level("{} trailing").is_err());
        assert!(top_level(" {\"a\": 1}\n\n").is_ok());
        for t in ["", "{", "{\"a\"", "{\"a\":", "{\"a\": [1,", "[1]", "{\"a\": \"x}"] {
            let _ = top_level(t).and_then(|m| m.iter().try_for_each(|m| array_items(t, m.value.clone()).map(|_| ())));
        }
    }
}
