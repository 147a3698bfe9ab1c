//! Output for a person at a terminal: findings grouped by target, each with the offending line,
//! the article it breaks and what would fix it, then a summary line. Colour only when asked (the
//! CLI asks on a TTY). Inventory text never reaches the terminal raw: control characters and
//! bidirectional overrides are shown escaped, so a name cannot rewrite the screen.

use super::Run;
use crate::finding::{Finding, Severity, Summary};
use crate::load::{LoadError, Sources};
// Re-exported where it was before `source` held it.
use crate::source::escape::mask;
pub use crate::source::escape::sanitize;
use codespan_reporting::diagnostic::{Diagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::{Error as FilesError, Files};
use codespan_reporting::term::termcolor::{Buffer, ColorSpec, WriteColor};
use codespan_reporting::term::{self, Config};
use std::borrow::Cow;
use std::io::Write as _;
use std::ops::Range;

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

/// Lines longer than this (in bytes) are shown cut to a window around what is underlined: a
/// minified part or a 100 MB string must not be echoed whole to the terminal.
pub const MAX_SHOWN_LINE: usize = 240;

/// How much of an over-long line to show before the underlined text.
const WINDOW_LEAD: usize = 60;

/// One over-long line of a file, cut to a window; line and column numbers stay those of the file.
struct Window<'a> {
    name: Cow<'a, str>,
    /// 0-based index of the line in its file.
    line: usize,
    /// The shown part of the line, with `…` where it was cut.
    text: String,
    /// Bytes of `text` before the line's own text (the leading `…`, if any).
    lead: usize,
    /// Characters of the line before the shown part, so columns stay true.
    chars_before: usize,
}

const ELLIPSIS: &str = "…";

impl<'a> Files<'a> for Window<'a> {
    type FileId = ();
    type Name = Cow<'a, str>;
    type Source = &'a str;

    fn name(&'a self, (): ()) -> Result<Self::Name, FilesError> {
        Ok(self.name.clone())
    }
    fn source(&'a self, (): ()) -> Result<&'a str, FilesError> {
        Ok(&self.text)
    }
    fn line_index(&'a self, (): (), _byte_index: usize) -> Result<usize, FilesError> {
        Ok(self.line)
    }
    fn line_range(&'a self, (): (), line_index: usize) -> Result<Range<usize>, FilesError> {
        if line_index == self.line {
            Ok(0..self.text.len())
        } else {
            Err(FilesError::LineTooLarge { given: line_index, max: self.line })
        }
    }
    fn column_number(&'a self, (): (), _line_index: usize, byte_index: usize) -> Result<usize, FilesError> {
        let shown = self.text.get(self.lead..byte_index.max(self.lead)).map_or(0, |s| s.chars().count());
        Ok(self.chars_before + shown + 1)
    }
}

/// Emit `d` with one primary label on `range` of `file`, cutting the line to a window when it is
/// longer than [`MAX_SHOWN_LINE`].
fn emit_labelled(
    out: &mut Buffer,
    config: &Config,
    files: &TermFiles,
    d: Diagnostic<usize>,
    file: usize,
    range: Range<usize>,
    message: Option<String>,
) {
    let Some(f) = files.sources.files.get(file) else { return };
    let text: &str = &files.texts[file];
    let line = f.lines.line(range.start);
    let line_start = f.lines.line_start(line).unwrap_or(0);
    let line_end = f.lines.line_start(line + 1).unwrap_or(text.len());
    if line_end - line_start <= MAX_SHOWN_LINE {
        let mut label = Label::primary(file, range);
        if let Some(m) = message {
            label = label.with_message(m);
        }
        let _ = term::emit_to_write_style(out, config, files, &d.with_label(label));
        return;
    }
    let floor = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let from = floor(range.start.saturating_sub(WINDOW_LEAD).max(line_start));
    let to = floor((from + MAX_SHOWN_LINE).min(line_end));
    let shown = text[from..to].trim_end_matches(['\n', '\r']);
    let lead = if from > line_start { ELLIPSIS } else { "" };
    let tail = if to < line_end { ELLIPSIS } else { "" };
    let window = Window {
        name: sanitize(&f.path),
        line: line - 1,
        text: format!("{lead}{shown}{tail}"),
        lead: lead.len(),
        chars_before: text[line_start..from].chars().count(),
    };
    let start = range.start.clamp(from, from + shown.len()) - from + lead.len();
    let end = range.end.clamp(from, from + shown.len()) - from + lead.len();
    let mut label = Label::primary((), start..end.max(start));
    if let Some(m) = message {
        label = label.with_message(m);
    }
    let d = Diagnostic::new(d.severity)
        .with_code(d.code.unwrap_or_default())
        .with_message(d.message)
        .with_notes(d.notes)
        .with_label(label);
    let _ = term::emit_to_write_style(out, config, &window, &d);
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
    // A one-line item: underline its `"id": …` (or first key), not the whole long line.
    if f.text.as_bytes().get(offset) == Some(&b'{')
        && let Ok(members) = crate::load::spans::object_members(&f.text, offset..f.text.len())
        && let Some(m) = members.iter().find(|m| m.key == "id").or_else(|| members.first())
        && m.value.end <= end
    {
        return m.key_offset..m.value.end;
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
            Some((t, list)) if **t == *f.target => list.push(f),
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
            let mut notes = vec![format!("law: {}", f.citation)];
            if let Some(rule) = rules(f.code) {
                notes.push(format!("fix: {}", rule.fix));
            }
            if let Some(reason) = f.data.get("waiver").and_then(|v| v.as_str()) {
                notes.push(format!("waived: {}", sanitize(reason)));
            }
            d = d.with_notes(notes);
            if f.location.is_known() && (f.location.file as usize) < run.sources.files.len() {
                let file = f.location.file as usize;
                let span = line_span(run.sources, file, f.location.offset as usize);
                emit_labelled(&mut out, &config, &files, d, file, span, Some(sanitize(&f.target).into_owned()));
            } else {
                let _ = term::emit_to_write_style(&mut out, &config, &files, &d);
            }
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
        let mut label = None;
        match (e.file_index, &e.file) {
            (Some(i), _) if (i as usize) < sources.files.len() => {
                label = Some((i as usize, line_span(sources, i as usize, e.offset)));
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
        match label {
            Some((file, span)) => emit_labelled(&mut out, &config, &files, d, file, span, None),
            None => {
                let _ = term::emit_to_write_style(&mut out, &config, &files, &d);
            }
        }
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
