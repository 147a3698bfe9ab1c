//! Escaping untrusted text (inventory names, scanned file names, notice text) for a terminal.
//! Each file format escapes for itself in `report`; this is what every terminal output shares,
//! and the neutralising of spreadsheet cells every CSV writer shares (report tables and the
//! inventory sheets `convert --to csv` writes).

use std::borrow::Cow;
use std::fmt::Write as _;

/// Characters that could move the cursor, change colours or reorder text on a terminal.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        // Unicode format (Cf) characters: bidi marks and overrides, zero-width ones, the Arabic
        // letter mark, invisible operators, and the line/paragraph separators that break a line.
        || matches!(
            c,
            '\u{AD}'
                | '\u{61C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{E0001}'
                | '\u{E0020}'..='\u{E007F}'
        )
}

/// The text a spreadsheet cell holds once neutralised against formula injection (CSV and XLSX
/// alike): a cell a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab
/// or a carriage return, also after leading blanks) gets a leading `'`.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    // Spreadsheet programs skip leading blanks before reading a formula, so ` =1+1` runs too.
    match cell.trim_start_matches([' ', '\u{a0}', '\u{3000}', '\n']).chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// Escape what a terminal would interpret (`\u{1b}` for ESC, …).
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Same byte length as the input, so byte offsets stay valid for the snippet renderer.
pub fn mask(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if is_unsafe(c) {
            out.extend(std::iter::repeat_n('?', c.len_utf8()));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Longest untrusted value (an id, a code, a name) quoted whole in a message; a longer one is
/// shortened, so a 4 MB country code is not echoed on one error line.
pub const QUOTED_CHARS: usize = 80;

/// Longest message shown whole, whatever it quotes.
pub const MESSAGE_CHARS: usize = 2000;

/// `s` when it has at most `max` characters, else its first `max` and how long it was:
/// `aaaa… (33554432 bytes)`.
pub fn shorten(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((cut, _)) => Cow::Owned(format!("{}… ({} bytes)", &s[..cut], s.len())),
    }
}

/// A message with every quoted value (between backticks, or double quotes as serde quotes them)
/// over [`QUOTED_CHARS`] shortened, and the whole over [`MESSAGE_CHARS`] cut.
pub fn shorten_quoted(msg: &str) -> Cow<'_, str> {
    if msg.len() <= QUOTED_CHARS {
        return Cow::Borrowed(msg);
    }
    let mut out = String::new();
    let mut rest = msg;
    let mut changed = false;
    while let Some(open) = rest.find(['`', '"']) {
        let quote = rest.as_bytes()[open] as char;
        let inner = &rest[open + 1..];
        let Some(close) = inner.find(quote) else { break };
        let value = &inner[..close];
        let short = shorten(value, QUOTED_CHARS);
        changed |= matches!(short, Cow::Owned(_));
        out.push_str(&rest[..=open]);
        out.push_str(&short);
        out.push(quote);
        rest = &inner[close + 1..];
    }
    out.push_str(rest);
    let whole = shorten(&out, MESSAGE_CHARS);
    if !changed && matches!(whole, Cow::Borrowed(_)) {
        return Cow::Borrowed(msg);
    }
    Cow::Owned(whole.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_quoted_values_are_shortened_and_short_ones_kept() {
        let cc = "Z".repeat(4 << 20);
        let msg = format!("`{cc}` is not an ISO 3166-1 alpha-2 country code (party `p`)");
        let short = shorten_quoted(&msg);
        assert!(short.len() < 200, "{}", short.len());
        assert!(short.starts_with(&format!("`{}… (4194304 bytes)` is not", "Z".repeat(QUOTED_CHARS))), "{short}");
        assert!(short.ends_with("(party `p`)"));
        let serde = format!("invalid type: string \"{}\", expected a list", "é".repeat(100));
        assert!(shorten_quoted(&serde).contains("… (200 bytes)\", expected a list"));
        let fine = "flow `f-1`: `fields` names `phone`, which is not a field of this inventory";
        assert!(matches!(shorten_quoted(fine), Cow::Borrowed(_)));
        // An unclosed quote, and a message long without quotes: cut as a whole.
        let long = format!("`{}", "x ".repeat(5000));
        let cut = shorten_quoted(&long);
        assert!(cut.chars().count() < MESSAGE_CHARS + 30 && cut.ends_with("(10001 bytes)"), "{}", cut.len());
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("abcd", 3), "abc… (4 bytes)");
    }
}
