//! Finding the line an observation belongs to. Several formats are read with parsers that keep no
//! positions (serde_json, serde_yaml_ng, toml's typed API); the parser says *what* is there, and
//! this finds *where*: the first line, at or after a hint, on which the name stands as a whole
//! token (so `common` does not match inside `commons-io`).

use super::Place;
use crate::source::lines::LineIndex;

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
}

impl<'a> Text<'a> {
    pub fn new(path: &'a str, text: &'a str) -> Text<'a> {
        Text { path, text, lines: LineIndex::new(text.as_bytes()) }
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

    /// The first line at or after `from` where `needle` stands as a token; else `fallback`.
    pub fn find(&self, needle: &str, from: u32) -> Option<u32> {
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
