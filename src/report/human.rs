//! Output for a person at a terminal: findings grouped by target, each with the offending line,
//! the article it breaks and what would fix it, then a summary line. Colour only when asked (the
//! CLI asks on a TTY). Inventory text never reaches the terminal raw: control characters and
//! bidirectional overrides are shown escaped, so a name cannot rewrite the screen.

use super::Run;
use crate::finding::{Finding, Severity, Summary};
use crate::load::{LoadError, Sources};
use codespan_reporting::diagnostic::{Diagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::termcolor::{Buffer, ColorSpec, WriteColor};
use codespan_reporting::term::{self, Config};
use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::Write as _;
use std::ops::Range;

/// Characters that could move the cursor, change colours or reorder text on a terminal.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
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
fn mask(s: &str) -> Cow<'_, str> {
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

/// The inventory's files, made safe for a terminal.
struct TermFiles<'a> {
    sources: &'a Sources,
    texts: Vec<Cow<'a, str>>,
}

impl<'a> TermFiles<'a> {
    fn new(sources: &'a Sources) -> TermFiles<'a> {
        TermFiles { sources, texts: sources.files.iter().map(|f| mask(&f.text)).collect() }
    }
}

impl<'a> Files<'a> for TermFiles<'a> {
    type FileId = usize;
    type Name = Cow<'a, str>;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<Self::Name, FilesError> {
        self.sources.files.get(id).map(|f| sanitize(&f.path)).ok_or(FilesError::FileMissing)
    }
    fn source(&'a self, id: usize) -> Result<&'a str, FilesError> {
        self.texts.get(id).map(|t| t.as_ref()).ok_or(FilesError::FileMissing)
    }
    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, FilesError> {
        let f = self.sources.files.get(id).ok_or(FilesError::FileMissing)?;
        Ok(f.lines.line(byte_index).saturating_sub(1).min(f.lines.line_count() - 1))
    }
    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, FilesError> {
        let f = self.sources.files.get(id).ok_or(FilesError::FileMissing)?;
        let start = f
            .lines
            .line_start(line_index + 1)
            .ok_or(FilesError::LineTooLarge { given: line_index, max: f.lines.line_count() })?;
        let end = f.lines.line_start(line_index + 2).unwrap_or(f.text.len());
        Ok(start..end)
    }
}

fn cs(sev: Severity) -> CsSeverity {
    match sev {
        Severity::Error => CsSeverity::Error,
        Severity::Warning => CsSeverity::Warning,
        Severity::Note => CsSeverity::Note,
    }
}

fn buffer(color: bool) -> Buffer {
    if color { Buffer::ansi() } else { Buffer::no_color() }
}

/// The byte range of the rest of the line at `offset`, trimmed, for underlining.
fn line_span(sources: &Sources, file: usize, offset: usize) -> Range<usize> {
    let f = &sources.files[file];
    // Never slice inside a character, whatever offset an error reported.
    let mut offset = offset.min(f.text.len());
    while !f.text.is_char_boundary(offset) {
        offset -= 1;
    }
    let line = f.lines.line(offset);
    let end = f.lines.line_start(line + 1).unwrap_or(f.text.len());
    let offset = offset.min(end);
    let text = &f.text[offset..end];
    // A multi-line item is shown at its first key: underline that key and its value.
    let anchor = crate::load::spans::item_anchor(f.text.as_bytes(), offset);
    if anchor != offset {
        let line = f.lines.line(anchor);
        let end = f.lines.line_start(line + 1).unwrap_or(f.text.len());
        let rest = f.text[anchor..end].trim_end().trim_end_matches(',');
        return anchor..anchor + rest.len();
    }
    // Underline just the value when the offset starts one on this line (a string, a number, a
    // one-line object), else the rest of the line.
    match crate::load::spans::skip_value(f.text.as_bytes(), offset) {
        Ok(value_end) if value_end <= end => offset..value_end,
        _ => offset..offset + text.trim_end().len(),
    }
}

fn heading(out: &mut Buffer, text: &str) {
    let _ = out.set_color(ColorSpec::new().set_bold(true));
    let _ = writeln!(out, "{text}");
    let _ = out.reset();
}

/// Findings grouped by target, with a summary line.
pub fn render(run: &Run, rules: &dyn Fn(&str) -> Option<&'static crate::finding::Rule>, color: bool) -> Vec<u8> {
    let files = TermFiles::new(run.sources);
    let config = Config::default();
    let mut out = buffer(color);
    // Group by target, targets in the order of where they are declared.
    let mut order: Vec<&Finding> = run.findings.iter().collect();
    order.sort_by(|a, b| (&a.target, a.location, b.severity, a.code).cmp(&(&b.target, b.location, a.severity, b.code)));
    let mut groups: Vec<(&str, Vec<&Finding>)> = Vec::new();
    for f in order {
        match groups.last_mut() {
            Some((t, list)) if *t == f.target => list.push(f),
            _ => groups.push((&f.target, vec![f])),
        }
    }
    groups.sort_by_key(|(t, list)| (list[0].location, *t));
    for (target, list) in &groups {
        heading(&mut out, &format!("── {} ──", sanitize(target)));
        for f in list {
            let mut d = Diagnostic::new(cs(f.severity)).with_code(f.code).with_message(format!(
                "{}{}",
                if f.waived { "(waived) " } else { "" },
                sanitize(&f.message)
            ));
            if f.location.is_known() && (f.location.file as usize) < run.sources.files.len() {
                let file = f.location.file as usize;
                d = d.with_label(
                    Label::primary(file, line_span(run.sources, file, f.location.offset as usize))
                        .with_message(sanitize(&f.target)),
                );
            }
            let mut notes = vec![format!("law: {}", f.citation)];
            if let Some(rule) = rules(f.code) {
                notes.push(format!("fix: {}", rule.fix));
            }
            if let Some(reason) = f.data.get("waiver").and_then(|v| v.as_str()) {
                notes.push(format!("waived: {}", sanitize(reason)));
            }
            d = d.with_notes(notes);
            let _ = term::emit_to_write_style(&mut out, &config, &files, &d);
        }
    }
    let s = Summary::of(run.findings);
    let plural = |n: usize, w: &str| if n == 1 { format!("{n} {w}") } else { format!("{n} {w}s") };
    let _ = out.set_color(ColorSpec::new().set_bold(true));
    let _ = writeln!(
        out,
        "piflow: {}, {}, {}{} in {} (as of {})",
        plural(s.error, "error"),
        plural(s.warning, "warning"),
        plural(s.note, "note"),
        if s.waived > 0 { format!(", {} waived", s.waived) } else { String::new() },
        sanitize(run.inventory),
        run.as_of
    );
    let _ = out.reset();
    out.into_inner()
}

/// Load errors, each with its file, line, the offending text and what to do.
pub fn render_load_errors(errors: &[LoadError], sources: &Sources, color: bool) -> Vec<u8> {
    let files = TermFiles::new(sources);
    let config = Config::default();
    let mut out = buffer(color);
    for e in errors {
        let mut d = Diagnostic::error().with_code(e.code.as_str()).with_message(sanitize(&e.message));
        match (e.file_index, &e.file) {
            (Some(i), _) if (i as usize) < sources.files.len() => {
                d = d.with_label(Label::primary(i as usize, line_span(sources, i as usize, e.offset)));
            }
            (_, Some(path)) => {
                let at = if e.line > 0 { format!("{}:{}:{}", path, e.line, e.column) } else { path.clone() };
                d = d.with_notes(vec![format!("in {}", sanitize(&at))]);
            }
            _ => {}
        }
        if let Some(help) = &e.help {
            d.notes.push(format!("help: {}", sanitize(help)));
        }
        let _ = term::emit_to_write_style(&mut out, &config, &files, &d);
    }
    let _ = out.set_color(ColorSpec::new().set_bold(true));
    let _ = writeln!(
        out,
        "piflow: the inventory has {} {}; nothing was checked",
        errors.len(),
        if errors.len() == 1 { "problem" } else { "problems" }
    );
    let _ = out.reset();
    out.into_inner()
}
