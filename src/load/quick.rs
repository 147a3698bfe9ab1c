//! A reader for the plain shape nearly every flow has — an object of ids, lists of ids and a
//! whole number — written for speed: a million flows are most of a large inventory's text, and
//! serde_json's generic walk spends on them about twice what reading the text costs.
//!
//! It reads only what it can read exactly as serde_json would, and gives up (`None`) on anything
//! else: an escape or a control character in a string, a key it does not handle (`basis`,
//! `note`, an unknown one), a key given twice, a required key missing, a number that is not a
//! plain whole number, a `null`, a syntax error. The caller then reads the same item with
//! serde_json, which gives the value or the error it always did. The tests hold the two to the
//! same answers.

use crate::model::{Flow, Loc, Name, NameList, name};

/// Read the flow object starting at `pos` (its `{`, whitespace already skipped). Returns the
/// flow and the offset just past its `}`, or `None` when serde_json must read it.
pub fn flow(text: &str, pos: usize) -> Option<(Flow, usize)> {
    let mut r = Reader { text, bytes: text.as_bytes(), pos };
    r.byte(b'{')?;
    let (mut id, mut from, mut to, mut fields, mut purpose) = (None, None, None, None, None);
    let (mut consents, mut subjects, mut mechanism, mut volume) = (None, None, None, None);
    r.ws();
    if r.peek() == Some(b'}') {
        // `{}` lacks the required keys: serde_json's error.
        return None;
    }
    loop {
        r.ws();
        let key = r.string()?;
        r.ws();
        r.byte(b':')?;
        r.ws();
        // A key given twice is an error to serde_json: `replace` finding a value gives up.
        match key {
            "id" => none(id.replace(Box::<str>::from(r.string()?)))?,
            "from" => none(from.replace(name(r.string()?)))?,
            "to" => none(to.replace(name(r.string()?)))?,
            "purpose" => none(purpose.replace(name(r.string()?)))?,
            "mechanism" => none(mechanism.replace(name(r.string()?)))?,
            "fields" => none(fields.replace(r.names::<Box<[Name]>>()?))?,
            "consents" => none(consents.replace(r.names::<NameList>()?))?,
            "subjects" => none(subjects.replace(r.names::<NameList>()?))?,
            "volume" => none(volume.replace(r.whole_number()?))?,
            _ => return None,
        }
        r.ws();
        match r.next()? {
            b',' => continue,
            b'}' => break,
            _ => return None,
        }
    }
    let flow = Flow {
        id: id.unwrap_or_default(),
        from: from?,
        to: to?,
        fields: fields?,
        purpose: purpose?,
        basis: None,
        consents: consents.unwrap_or_default(),
        mechanism,
        volume,
        subjects: subjects.unwrap_or_default(),
        note: None,
        id_declared: false,
        loc: Loc::default(),
    };
    Some((flow, r.pos))
}

/// `Some(())` when a key was not set before.
fn none<T>(previous: Option<T>) -> Option<()> {
    previous.is_none().then_some(())
}

struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    pos: usize,
}

impl<'t> Reader<'t> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn byte(&mut self, want: u8) -> Option<()> {
        (self.next()? == want).then_some(())
    }

    /// JSON whitespace: space, tab, line feed, carriage return.
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    /// A string with neither escapes nor control characters, as borrowed text.
    fn string(&mut self) -> Option<&'t str> {
        self.byte(b'"')?;
        let start = self.pos;
        // Eight bytes at a time while none of them ends the string or needs a closer look.
        while let Some(word) = self.bytes.get(self.pos..self.pos + 8).and_then(|b| <[u8; 8]>::try_from(b).ok()) {
            if special(u64::from_le_bytes(word)) {
                break;
            }
            self.pos += 8;
        }
        loop {
            match self.next()? {
                b'"' => break,
                b'\\' | 0..0x20 => return None,
                _ => {}
            }
        }
        // Cut at two quotes, which are never inside a UTF-8 sequence.
        self.text.get(start..self.pos - 1)
    }

    /// An array of strings, each interned.
    fn names<C: FromIterator<Name>>(&mut self) -> Option<C> {
        thread_local! {
            /// A list being read: gathered here, then allocated once at its exact size.
            static LIST: std::cell::RefCell<Vec<Name>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        self.byte(b'[')?;
        self.ws();
        LIST.with(|list| {
            let mut list = list.try_borrow_mut().ok()?;
            list.clear();
            if self.peek() == Some(b']') {
                self.pos += 1;
            } else {
                loop {
                    self.ws();
                    list.push(name(self.string()?));
                    self.ws();
                    match self.next()? {
                        b',' => continue,
                        b']' => break,
                        _ => return None,
                    }
                }
            }
            Some(list.drain(..).collect())
        })
    }

    /// A whole number that fits a `u64`, written as JSON writes one (no sign, no leading zero,
    /// no fraction or exponent).
    fn whole_number(&mut self) -> Option<u64> {
        let start = self.pos;
        let mut value: u64 = 0;
        while let Some(d @ b'0'..=b'9') = self.peek() {
            value = value.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
            self.pos += 1;
        }
        let digits = self.pos - start;
        let leading_zero = digits > 1 && self.bytes[start] == b'0';
        if digits == 0 || leading_zero || matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        Some(value)
    }
}

/// Whether any of the eight bytes of `word` is a quote, a backslash or a control character
/// (below 0x20). Exact as a yes/no answer: a byte's borrow can only flag bytes above a true hit.
fn special(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below = |w: u64, n: u64| w.wrapping_sub(ONES * n) & !w & HIGH;
    let quote = below(word ^ (ONES * u64::from(b'"')), 1);
    let backslash = below(word ^ (ONES * u64::from(b'\\')), 1);
    (quote | backslash | below(word, 0x20)) != 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// serde_json's reading of the flow at the start of `text`, as the loader's cursor does it.
    fn by_serde(text: &str) -> Option<(Flow, usize)> {
        let mut values = serde_json::Deserializer::from_str(text).into_iter::<Flow>();
        let flow = values.next()?.ok()?;
        Some((flow, values.byte_offset()))
    }

    /// Whatever the quick reader reads, serde_json reads the same (value and end); what it
    /// leaves, serde_json may read or reject.
    fn agrees(text: &str) {
        if let Some(quick) = flow(text, 0) {
            assert_eq!(Some(quick), by_serde(text), "{text}");
        }
    }

    #[test]
    fn the_plain_shape_is_read_as_serde_reads_it() {
        let cases = [
            r#"{"id": "flow-1", "from": "subj-5", "to": "front-0", "fields": ["f-262", "f-601"], "purpose": "purpose-149"}"#,
            r#"{"id": "flow-3", "from": "a", "to": "b", "fields": ["f"], "purpose": "p", "volume": 300000}"#,
            r#"{ "purpose":"p" ,"fields":[ ],"to":"b","from":"a" }"#,
            "{\n\t\"from\": \"a\",\r\n \"to\": \"b\", \"fields\": [\"x\" , \"y\"], \"purpose\": \"p\", \"volume\": 0}",
            r#"{"from": "a", "to": "b", "fields": ["f"], "purpose": "p", "consents": ["c1", "c2"], "subjects": ["s"], "mechanism": "scc"}"#,
            r#"{"from": "数据", "to": "b", "fields": ["字段"], "purpose": "p", "id": ""}"#,
            r#"{"from": "a", "to": "b", "fields": ["1","2","3","4","5","6","7","8","9","10","11","12","13","14","15","16","17","18"], "purpose": "p"}"#,
            r#"{"from": "a", "to": "b", "fields": ["f"], "purpose": "p", "volume": 18446744073709551615}, {"next": 1}"#,
        ];
        for text in cases {
            let quick = flow(text, 0);
            assert!(quick.is_some(), "read quickly: {text}");
            assert_eq!(quick, by_serde(text), "{text}");
        }
    }

    #[test]
    fn a_word_is_special_exactly_when_a_byte_is() {
        let plain: Vec<u8> = (0x20..=0xffu8).filter(|&b| b != b'"' && b != b'\\').collect();
        for (i, &odd) in [b'"', b'\\', 0, 0x1f, b'\n'].iter().enumerate() {
            for at in 0..8 {
                let mut word = [0u8; 8];
                for (k, b) in word.iter_mut().enumerate() {
                    *b = plain[(i * 31 + at * 7 + k * 13) % plain.len()];
                }
                assert!(!special(u64::from_le_bytes(word)), "{word:?}");
                word[at] = odd;
                assert!(special(u64::from_le_bytes(word)), "{word:?}");
            }
        }
    }

    #[test]
    fn anything_else_is_left_to_serde() {
        let cases = [
            // Not handled here, though valid.
            r#"{"from": "a", "to": "b", "fields": ["f"], "purpose": "p", "basis": "consent"}"#,
            r#"{"from": "a", "to": "b", "fields": ["f"], "purpose": "p", "note": "n"}"#,
            r#"{"from": "a\u0062", "to": "b", "fields": ["f"], "purpose": "p"}"#,
            r#"{"from": "a", "to": "b", "fields": ["f"], "purpose": "p", "mechanism": null}"#,
            r#"{"from": "a", "to": "b", "fields": ["f"], "purpose": "p", "volume": null}"#,
            // Errors.
            r#"{"from": "a", "to": "b", "fields": ["f"], "purpose": "p", "from": "c"}"#,
            r#"{"from": "a", "to": "b", "fields": ["f"]}"#,
            r#"{"from": "a", "to": "b", "fields": ["f"], "purpose": "p", "colour": "red"}"#,
            r#"{"from": "a", "to": "b", "fields": ["f"], "purpose": "p", "volume": 012}"#,
            r#"{"from": "a", "to": "b", "fields": ["f"], "purpose": "p", "volume": -1}"#,
            r#"{"from": "a", "to": "b", "fields": ["f"], "purpose": "p", "volume": 1.5}"#,
            r#"{"from": "a", "to": "b", "fields": ["f"], "purpose": "p", "volume": 1e3}"#,
            r#"{"from": "a", "to": "b", "fields": ["f"], "purpose": "p", "volume": 18446744073709551616}"#,
            r#"{"from": "a", "to": "b", "fields": ["f",], "purpose": "p"}"#,
            r#"{"from": "a", "to": "b", "fields": ["f"], "purpose": "p",}"#,
            "{\"from\": \"a\tb\", \"to\": \"b\", \"fields\": [\"f\"], \"purpose\": \"p\"}",
            r#"{"from": "a", "to": "b", "fields": "f", "purpose": "p"}"#,
            r#"{"from": 1, "to": "b", "fields": ["f"], "purpose": "p"}"#,
            r#"{}"#,
            r#"{"from": "a", "to": "b", "fields": ["f"], "purpose": "p""#,
            r#"{"from": "a""#,
            "",
        ];
        for text in cases {
            assert_eq!(flow(text, 0), None, "{text}");
        }
    }

    /// `"key": value` with a value of the kind the key takes, plain or not.
    fn member(key: &'static str) -> impl Strategy<Value = String> {
        // Mostly plain, so that whole objects often are.
        let id = prop_oneof![
            6 => prop::sample::select(vec!["a", "b-1", "数据", "", "long-id-of-more-than-16"]),
            1 => prop::sample::select(vec!["x\\\"y", "f\\u0041", "tab\tin", "abcdefghij\\\"kl", "abcdefghi\tjklmnopq"]),
        ];
        let number = prop_oneof![
            3 => prop::sample::select(vec!["0", "7", "18446744073709551615"]),
            2 => prop::sample::select(vec!["00", "012", "-3", "1.0", "2e2", "18446744073709551616", "null"]),
        ];
        (prop::collection::vec(id, 0..4), number).prop_map(move |(ids, number)| {
            let list = format!("[{}]", ids.iter().map(|i| format!("\"{i}\"")).collect::<Vec<_>>().join(", "));
            let value = match key {
                "fields" | "consents" | "subjects" => list,
                "volume" => number.to_owned(),
                _ => format!("\"{}\"", ids.first().copied().unwrap_or("")),
            };
            format!("\"{key}\": {value}")
        })
    }

    /// Flow objects put together at random — the required keys, some optional ones, now and
    /// then a key twice or one not handled, values plain or not, random whitespace — read the
    /// same by both readers whenever the quick one reads them at all.
    fn object() -> impl Strategy<Value = String> {
        let optional = vec!["id", "mechanism", "consents", "subjects", "volume"];
        let odd = prop::sample::select(vec!["", "", "", "basis", "note", "x", "from", "volume"]);
        (prop::sample::subsequence(optional, 0..=5), odd, any::<prop::sample::Index>(), any::<bool>())
            .prop_flat_map(|(optional, odd, at, missing)| {
                // The required keys (one left out now and then), then optional ones.
                let mut keys = vec!["from", "to", "purpose", "fields"];
                if missing {
                    keys.remove(at.index(4));
                }
                keys.extend(optional);
                if !odd.is_empty() {
                    keys.insert(at.index(keys.len() + 1), odd);
                }
                let members: Vec<_> = keys.into_iter().map(member).collect();
                (members, prop::sample::select(vec!["", " ", "\n  ", "\t", "\r\n"]))
            })
            .prop_map(|(members, ws)| format!("{{{ws}{}{ws}}}", members.join(&format!(",{ws}"))))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn random_objects_read_alike(text in object(), tail in prop::sample::select(vec!["", ",", " ]", "}"])) {
            let text = format!("{text}{tail}");
            agrees(&text);
            // Read from an offset, as the loader reads items inside an array.
            let inside = format!("[ {text}");
            if let Some((quick, end)) = flow(&inside, 2) {
                prop_assert_eq!(Some((quick, end - 2)), by_serde(&text));
            }
        }
    }
}
