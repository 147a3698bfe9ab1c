//! Finding the line an observation belongs to. Several formats are read with parsers that keep no
//! positions (serde_json, serde_yaml_ng, toml's typed API); the parser says *what* is there, and
//! this finds *where*: the first line, at or after a hint, on which the name stands as a whole
//! token (so `common` does not match inside `commons-io`).

use super::Place;
use crate::source::lines::LineIndex;
use rustc_hash::FxHashMap;
use std::cell::OnceCell;

/// The rest of a one-line string literal (Groovy, Kotlin, Ruby) whose opening `quote` was just
/// read: its contents, a backslash taking the next character literally; `Err` with what was
/// read when the line ends first.
pub fn string_literal(chars: &mut impl Iterator<Item = char>, quote: char) -> Result<String, String> {
    let mut s = String::new();
    while let Some(d) = chars.next() {
        if d == '\\' {
            s.extend(chars.next());
        } else if d == quote {
            return Ok(s);
        } else {
            s.push(d);
        }
    }
    Err(s)
}

/// A scanned file's text with its line index.
pub struct Text<'a> {
    pub path: &'a str,
    pub text: &'a str,
    pub lines: LineIndex,
    /// Where each run of name characters stands, made on the first [`Text::find`].
    runs: OnceCell<Runs<'a>>,
}

/// The offsets of every maximal run of name characters in a text, by run. A name that stands
/// as a token in the text has each of its own runs of name characters standing as a whole run
/// there (inside the needle they are bounded by its other characters, at its ends by the token
/// condition), so the places of the needle's rarest run are the only places it can be. A
/// lockfile of 40,000 packages is then searched once, not once per package from the top.
struct Runs<'a>(FxHashMap<&'a str, Vec<u32>>);

impl<'a> Runs<'a> {
    fn new(text: &'a str) -> Runs<'a> {
        let mut map: FxHashMap<&'a str, Vec<u32>> = FxHashMap::default();
        let mut start = None;
        for (i, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            match (is_name_char(c), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    map.entry(&text[s..i]).or_default().push(s as u32);
                    start = None;
                }
                _ => {}
            }
        }
        Runs(map)
    }
}

/// The runs of name characters of `s`, with their offsets.
fn runs_of(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut start = None;
    s.char_indices().chain(std::iter::once((s.len(), ' '))).filter_map(move |(i, c)| match (is_name_char(c), start) {
        (true, None) => {
            start = Some(i);
            None
        }
        (false, Some(b)) => {
            start = None;
            Some((b, &s[b..i]))
        }
        _ => None,
    })
}

impl<'a> Text<'a> {
    pub fn new(path: &'a str, text: &'a str) -> Text<'a> {
        Text { path, text, lines: LineIndex::new(text.as_bytes()), runs: OnceCell::new() }
    }

    pub fn line_of(&self, offset: usize) -> u32 {
        self.lines.line(offset.min(self.text.len())) as u32
    }

    pub fn line_text(&self, line: u32) -> &'a str {
        let Some(start) = self.lines.line_start(line as usize) else { return "" };
        let end = self.lines.line_start(line as usize + 1).unwrap_or(self.text.len());
        self.text.get(start..end).unwrap_or("")
    }

    /// The place of a 1-based line.
    pub fn place(&self, line: u32) -> Place {
        let line = line.max(1);
        Place { file: self.path.to_owned(), line, text: quote(self.line_text(line)) }
    }

    /// The first line at or after `from` where `needle` stands as a token (not next to a name
    /// character). Looked up by the needle's rarest run of name characters; [`Text::find_plain`]
    /// is the same search from the top, which the tests hold it to.
    pub fn find(&self, needle: &str, from: u32) -> Option<u32> {
        if self.text.len() >= u32::MAX as usize {
            return self.find_plain(needle, from);
        }
        let runs = self.runs.get_or_init(|| Runs::new(self.text));
        let Some((at, offsets)) =
            runs_of(needle).map(|(at, run)| (at, runs.0.get(run))).min_by_key(|(_, o)| o.map_or(0, Vec::len))
        else {
            // No name character in the needle: nothing to look up by.
            return self.find_plain(needle, from);
        };
        let start = self.lines.line_start(from.max(1) as usize).unwrap_or(0);
        let offsets = offsets?;
        let first = offsets.partition_point(|&o| (o as usize) < start + at);
        offsets[first..].iter().map(|&o| o as usize - at).find_map(|s| {
            let e = s + needle.len();
            let fits = self.text.get(s..e) == Some(needle)
                && !self.text[..s].chars().next_back().is_some_and(is_name_char)
                && !self.text[e..].chars().next().is_some_and(is_name_char);
            fits.then(|| self.line_of(s))
        })
    }

    /// [`Text::find`] by reading the text from the line `from` on.
    pub fn find_plain(&self, needle: &str, from: u32) -> Option<u32> {
        if needle.is_empty() {
            return None;
        }
        let start = self.lines.line_start(from.max(1) as usize).unwrap_or(0);
        let hay = &self.text[start..];
        let mut at = 0;
        while let Some(i) = hay[at..].find(needle) {
            let s = at + i;
            let e = s + needle.len();
            let before = hay[..s].chars().next_back();
            let after = hay[e..].chars().next();
            if !before.is_some_and(is_name_char) && !after.is_some_and(is_name_char) {
                return Some(self.line_of(start + s));
            }
            at = e;
        }
        None
    }

    /// Like [`Text::find`], but never fails: the hint line (or line 1) when the name is not there.
    pub fn find_or(&self, needle: &str, from: u32) -> u32 {
        self.find(needle, from).or_else(|| self.find(needle, 1)).unwrap_or(from.max(1))
    }
}

/// Characters that continue a package name, so a match must not be next to one.
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '@' | '/')
}

/// A line as quoted in `observed.json`: trimmed, control characters dropped, at most 200 chars.
pub fn quote(line: &str) -> String {
    line.trim().chars().filter(|c| !c.is_control()).take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_tokens_not_parts_of_names() {
        let t = Text::new("x", "commons-io\ncommon = 1\n\"node_modules/a\": {}\n- Pod (1.0)\n");
        assert_eq!(t.find("common", 1), Some(2));
        assert_eq!(t.find("\"node_modules/a\"", 1), Some(3));
        assert_eq!(t.find("- Pod (1.0)", 1), Some(4));
        assert_eq!(t.find("common", 3), None);
        // `a` in `node_modules/a` is part of a name (`/` continues one).
        assert_eq!(t.find("a", 1), None);
        assert_eq!(t.find("a", 1), t.find_plain("a", 1));
        assert_eq!(t.find("", 1), None);
        // A needle with no name character is searched plainly: `(` before `1.0` touches a name
        // character, so it stands nowhere as a token.
        assert_eq!(t.find("(", 1), None);
        assert_eq!(t.find("(", 1), t.find_plain("(", 1));
        assert_eq!(t.find("- Pod (", 1), t.find_plain("- Pod (", 1));
    }

    proptest! {
        // The look-up by runs finds what reading the text finds, for needles cut from the text
        // itself (so most are there, many more than once) and from any line on.
        #[test]
        fn find_is_the_plain_search(
            text in r#"([a-c@/._ -]|"|é|\n|\(|\)|=){0,80}"#,
            cut in (0usize..80, 0usize..12),
            from in 0u32..8,
        ) {
            let t = Text::new("x", &text);
            let chars: Vec<char> = text.chars().collect();
            let (a, n) = (cut.0.min(chars.len()), cut.1);
            let needle: String = chars[a..(a + n).min(chars.len())].iter().collect();
            prop_assert_eq!(t.find(&needle, from), t.find_plain(&needle, from), "needle {:?}", needle);
            prop_assert_eq!(t.find("a-b", from), t.find_plain("a-b", from));
        }
    }
}
