//! A published notice as searchable text: read from `.txt`, `.md` or `.html` (markup stripped by a
//! real HTML parser), normalized for matching, cut into sentences, and every match traceable back
//! to the line of the file the user gave, so findings can point at it.

use scraper::{ElementRef, Html, Node};
use std::ops::Range;
use std::path::Path;

/// Notices larger than this are refused: the longest real policies are a few hundred kilobytes.
const MAX_NOTICE_BYTES: u64 = 64 << 20;

/// What went wrong reading a notice; the message names the file and says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeError(pub String);

impl std::fmt::Display for NoticeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NoticeError {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
}

impl Format {
    pub fn of(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            _ => None,
        }
    }
}

/// One line of extracted text and where it came from in the file.
#[derive(Debug, Clone, Copy)]
struct LineOrigin {
    /// Byte where the line starts in [`Notice::text`].
    text_start: usize,
    /// Byte in the file where the line's text starts.
    offset: usize,
    /// The extracted line is a verbatim copy of the file's line, so offsets inside it are exact.
    exact: bool,
    /// For a table cell, its column's header (an index into [`Notice::headers`]): a list of what
    /// an SDK collects says "收集" once, in the header, not in each cell.
    header: Option<u32>,
}

/// A notice, ready to be searched.
#[derive(Debug, Clone)]
pub struct Notice {
    /// The path as shown to users.
    pub path: String,
    /// The file as read.
    pub source: String,
    /// Plain text, one extracted line per line.
    pub text: String,
    lines: Vec<LineOrigin>,
    /// [`normalize`]d text; `\n` only where a paragraph ends.
    pub norm: String,
    /// For each byte of `norm`, the byte of `text` it came from.
    norm_map: Vec<u32>,
    /// Sentence ranges in `norm`.
    sentences: Vec<Range<usize>>,
    /// Line starts of `source`, for columns.
    index: crate::source::lines::LineIndex,
    /// The [`normalize`]d column headers of the notice's tables.
    headers: Vec<String>,
}

/// Where in the notice file something was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: u32,
    /// 1-based, in characters.
    pub col: u32,
    pub offset: usize,
}

fn is_wide(c: char) -> bool {
    !c.is_ascii()
}

/// Lower case, full-width ASCII made half-width, curly quotes straight, whitespace collapsed and
/// dropped next to Chinese text (a notice may write `IP 地址` or `IP地址`). Returns the text and,
/// for each output byte, the input byte it came from.
pub fn normalize(s: &str) -> (String, Vec<u32>) {
    let mut out = String::with_capacity(s.len());
    let mut map = Vec::with_capacity(s.len());
    let mut pending_space: Option<usize> = None;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            pending_space.get_or_insert(i);
            continue;
        }
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            _ => c,
        };
        let c = c.to_ascii_lowercase();
        if let Some(at) = pending_space.take()
            && let Some(prev) = out.chars().next_back()
            && !is_wide(prev)
            && !is_wide(c)
        {
            out.push(' ');
            map.push(at as u32);
        }
        let before = out.len();
        out.push(c);
        map.extend(std::iter::repeat_n(i as u32, out.len() - before));
    }
    (out, map)
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// Byte positions of `term` in `hay`; an ASCII term must not be glued to other letters or digits
/// (`ip` is not in `ship`, `mac` is not in `macos`).
pub fn find_all(hay: &str, term: &str) -> Vec<usize> {
    let mut out = Vec::new();
    if term.is_empty() {
        return out;
    }
    let hb = hay.as_bytes();
    let tb = term.as_bytes();
    let (check_start, check_end) = (is_word(tb[0]), is_word(tb[tb.len() - 1]));
    let mut from = 0;
    while let Some(p) = hay[from..].find(term) {
        let at = from + p;
        let end = at + term.len();
        let ok_start = !check_start || at == 0 || !is_word(hb[at - 1]);
        let ok_end = !check_end || end >= hb.len() || !is_word(hb[end]);
        if ok_start && ok_end {
            out.push(at);
        }
        from = at + hay[at..].chars().next().map_or(1, char::len_utf8);
    }
    out
}

/// Whether a line starts a new item (heading, list item, numbered clause, table row), so a
/// hard-wrapped paragraph never swallows it.
fn starts_item(line: &str) -> bool {
    let t = line.trim_start();
    let Some(first) = t.chars().next() else { return false };
    if matches!(first, '#' | '-' | '*' | '•' | '·' | '|' | '>' | '（' | '(' | '【' | '[' | '第' | '●' | '■' | '◆')
    {
        return true;
    }
    if first.is_ascii_digit() {
        return true;
    }
    let numerals = "一二三四五六七八九十";
    let lead: String = t.chars().take_while(|c| numerals.contains(*c)).collect();
    !lead.is_empty() && t[lead.len()..].starts_with(['、', '.', '．'])
}

/// Whether the line ends a sentence or a heading.
fn ends_sentence(line: &str) -> bool {
    line.trim_end().ends_with(['。', '！', '？', '；', '：', '.', '!', '?', ';', ':', '」', '》', '”'])
}

impl Notice {
    /// Read and prepare a notice file.
    pub fn read(path: &Path, shown: String) -> Result<Notice, NoticeError> {
        let format = Format::of(path).ok_or_else(|| {
            NoticeError(format!(
                "{shown}: cannot tell the notice's format from its name; give a .txt, .md or .html file"
            ))
        })?;
        // Only a regular file, never more than the limit (source::read refuses FIFOs and devices).
        let access = crate::source::read::Access::named(MAX_NOTICE_BYTES);
        let bytes = crate::source::read::bytes(path, &access)
            .map_err(|e| NoticeError(format!("{shown}: cannot read the notice: {e}")))?;
        let source = String::from_utf8(bytes).map_err(|e| {
            NoticeError(format!(
                "{shown}: not UTF-8 text (invalid byte at offset {}); convert it first, e.g. `iconv -f GBK -t UTF-8`",
                e.utf8_error().valid_up_to()
            ))
        })?;
        Ok(Notice::parse(shown, source, format))
    }

    /// Prepare a notice already in memory.
    pub fn parse(path: String, mut source: String, format: Format) -> Notice {
        if source.starts_with('\u{FEFF}') {
            source.replace_range(..3, "");
        }
        let (text, lines, headers) = match format {
            Format::Text => plain_lines(&source, |l| (l.to_owned(), 0, true)),
            Format::Markdown => plain_lines(&source, strip_markdown),
            Format::Html => html_lines(&source),
        };
        let paragraph_breaks = format == Format::Html;
        let (norm, norm_map) = normalize_lines(&text, &lines, paragraph_breaks);
        let sentences = split_sentences(&norm);
        let index = crate::source::lines::LineIndex::new(source.as_bytes());
        Notice { path, source, text, lines, norm, norm_map, sentences, index, headers }
    }

    /// Where the byte `at` of [`Notice::norm`] is in the file.
    pub fn position(&self, at: usize) -> Position {
        self.locate(at, 0)
    }

    /// Where the match of `len` bytes at `at` of [`Notice::norm`] is in the file, to its line
    /// and column. A line extracted verbatim maps exactly; one rebuilt from markup (HTML blocks,
    /// Markdown) is searched for the matched text, the same occurrence of it, from where the
    /// block starts in the file; failing that, the block's start is the answer.
    pub fn locate(&self, at: usize, len: usize) -> Position {
        let text_at = self.norm_map.get(at).or(self.norm_map.last()).copied().unwrap_or(0) as usize;
        let idx = self.lines.partition_point(|l| l.text_start <= text_at).saturating_sub(1);
        let Some(l) = self.lines.get(idx) else { return Position { line: 1, col: 1, offset: 0 } };
        let offset = if l.exact {
            l.offset + (text_at - l.text_start)
        } else {
            // At least the character at `at`: one byte into a Chinese character is still inside it.
            let first = self.norm.get(at..).and_then(|r| r.chars().next()).map_or(1, char::len_utf8);
            let text_end = self.norm_map.get(at + len.max(first)).map_or(self.text.len(), |&e| e as usize);
            self.find_in_source(l, idx, text_at, text_end.max(text_at)).unwrap_or(l.offset)
        };
        let offset = offset.min(self.source.len());
        let (line, col) = self.index.line_col(&self.source, offset);
        Position { line: line as u32, col: col as u32, offset }
    }

    /// The source offset of the text `text[from..to]` of extracted line `l` (index `idx`), found
    /// in the file between the line's start and the next line's.
    fn find_in_source(&self, l: &LineOrigin, idx: usize, from: usize, to: usize) -> Option<usize> {
        // Up to the first space or character markup may have encoded: what the file holds as is.
        let snippet: &str = self.text.get(from..to)?;
        let cut = snippet
            .find(|c: char| c.is_whitespace() || matches!(c, '&' | '<' | '>' | '"' | '\''))
            .unwrap_or(snippet.len());
        let snippet = &snippet[..cut];
        if snippet.is_empty() {
            return None;
        }
        // Which occurrence in the line it is, so a word named twice points at the right one.
        let nth = self.text.get(l.text_start..from)?.matches(snippet).count();
        const WINDOW: usize = 1 << 16;
        let next = self.lines.get(idx + 1).map_or(self.source.len(), |n| n.offset);
        let mut end = if next > l.offset { next } else { l.offset + WINDOW };
        end = end.min(self.source.len());
        while !self.source.is_char_boundary(end) {
            end -= 1;
        }
        let window = self.source.get(l.offset..end)?;
        window.match_indices(snippet).nth(nth).map(|(p, _)| l.offset + p)
    }

    /// The header of the table column whose cell holds byte `at` of [`Notice::norm`], normalized.
    pub fn column_header(&self, at: usize) -> Option<&str> {
        let text_at = self.norm_map.get(at).copied()? as usize;
        let idx = self.lines.partition_point(|l| l.text_start <= text_at).checked_sub(1)?;
        let h = self.lines.get(idx)?.header?;
        self.headers.get(h as usize).map(String::as_str)
    }

    /// The sentence (range of `norm`) holding byte `at`.
    pub fn sentence(&self, at: usize) -> Range<usize> {
        let i = self.sentences.partition_point(|s| s.end <= at);
        self.sentences.get(i).cloned().unwrap_or(at..at)
    }

    /// The paragraph (between `\n`s of `norm`) holding byte `at`.
    pub fn paragraph(&self, at: usize) -> Range<usize> {
        let start = self.norm[..at.min(self.norm.len())].rfind('\n').map_or(0, |p| p + 1);
        let end = self.norm[at.min(self.norm.len())..].find('\n').map_or(self.norm.len(), |p| at + p);
        start..end
    }

    /// Positions in `norm` of any of these (already normalized) terms.
    pub fn find(&self, term: &str) -> Vec<usize> {
        find_all(&self.norm, term)
    }

    pub fn contains(&self, term: &str) -> bool {
        !self.find(term).is_empty()
    }
}

/// Lines of a text or Markdown file, each stripped by `strip` (which returns the text, how many
/// leading bytes it dropped, and whether the rest is verbatim).
fn plain_lines(source: &str, strip: impl Fn(&str) -> (String, usize, bool)) -> (String, Vec<LineOrigin>, Vec<String>) {
    let mut text = String::with_capacity(source.len());
    let mut lines = Vec::new();
    let mut offset = 0;
    for raw in source.split('\n') {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let (stripped, dropped, exact) = strip(line);
        lines.push(LineOrigin { text_start: text.len(), offset: offset + dropped, exact, header: None });
        text.push_str(&stripped);
        text.push('\n');
        offset += raw.len() + 1;
    }
    (text, lines, Vec::new())
}

/// Markdown markup that is not words: heading and quote markers, emphasis, code ticks, link
/// brackets and backslash escapes (the generator escapes inventory text this way).
fn strip_markdown(line: &str) -> (String, usize, bool) {
    let trimmed = line.trim_start_matches([' ', '\t', '#', '>']);
    let dropped = line.len() - trimmed.len();
    let mut out = String::with_capacity(trimmed.len());
    let mut chars = trimmed.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(n) if n.is_ascii_punctuation() => out.push(n),
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            },
            '*' | '`' | '[' => {}
            ']' => {
                if chars.peek() == Some(&'(') {
                    chars.next();
                    out.push(' ');
                }
            }
            '|' => out.push(' '),
            _ => out.push(c),
        }
    }
    let exact = out == trimmed;
    (out, dropped, exact)
}

fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "thead"
            | "tbody"
            | "caption"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "br"
            | "hr"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "main"
            | "nav"
            | "aside"
            | "blockquote"
            | "pre"
            | "title"
            | "body"
            | "html"
    )
}

enum Item<'a> {
    Open(ElementRef<'a>),
    Close,
    /// A table cell ends: the blocks after it are no longer under its column's header.
    EndCell,
    Text(&'a str),
}

/// The column header of every body cell of every table: the text of the cell at the same column
/// (counting `colspan`) in the table's first row made of `th` cells, or of a `thead`'s first row.
/// Returned by cell id, as an index into the list of (normalized) headers.
fn column_headers(doc: &Html) -> (std::collections::HashMap<ego_tree::NodeId, u32>, Vec<String>) {
    let mut by_cell = std::collections::HashMap::new();
    let mut headers: Vec<String> = Vec::new();
    let span = |c: &ElementRef| c.value().attr("colspan").and_then(|v| v.trim().parse::<usize>().ok()).unwrap_or(1);
    let named = |e: &ElementRef, names: &[&str]| names.contains(&e.value().name());
    let tables = doc.root_element().descendants().filter_map(ElementRef::wrap).filter(|e| named(e, &["table"]));
    for t in tables {
        // Rows of this table, not of a table nested in one of its cells.
        let rows: Vec<ElementRef> = t
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|r| named(r, &["tr"]))
            .filter(|r| r.ancestors().filter_map(ElementRef::wrap).find(|a| a.value().name() == "table") == Some(t))
            .collect();
        fn cells<'d>(r: &ElementRef<'d>) -> Vec<ElementRef<'d>> {
            r.children().filter_map(ElementRef::wrap).filter(|c| matches!(c.value().name(), "th" | "td")).collect()
        }
        let Some(head) = rows.iter().position(|r| {
            let c = cells(r);
            !c.is_empty() && c.iter().all(|c| c.value().name() == "th")
        }) else {
            continue;
        };
        let mut columns: Vec<Option<u32>> = Vec::new();
        for c in cells(&rows[head]) {
            let (norm, _) = normalize(&c.text().collect::<String>());
            let id = (!norm.is_empty()).then(|| {
                headers.push(norm);
                headers.len() as u32 - 1
            });
            columns.extend(std::iter::repeat_n(id, span(&c).min(64)));
        }
        for r in &rows[head + 1..] {
            let mut col = 0;
            for c in cells(r) {
                if let Some(Some(h)) = columns.get(col) {
                    by_cell.insert(c.id(), *h);
                }
                col += span(&c).min(64);
            }
        }
    }
    (by_cell, headers)
}

/// Text of an HTML document, one line per block element (a table cell is its own line, so a field
/// named in a table is found like one named in a sentence). Each line is traced to the source line
/// of its first text by searching the source forward for it.
fn html_lines(source: &str) -> (String, Vec<LineOrigin>, Vec<String>) {
    let doc = Html::parse_document(source);
    let (cell_headers, headers) = column_headers(&doc);
    type Block = (String, Option<String>, Option<u32>);
    let mut blocks: Vec<Block> = Vec::new();
    let mut current = String::new();
    let mut first_text: Option<String> = None;
    // The header of each table cell we are inside, innermost last.
    let mut cells: Vec<Option<u32>> = Vec::new();
    let flush = |current: &mut String, first: &mut Option<String>, blocks: &mut Vec<Block>, cells: &[Option<u32>]| {
        let t = current.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() {
            blocks.push((t, first.take(), cells.last().copied().flatten()));
        }
        current.clear();
        *first = None;
    };
    // An explicit stack, not recursion: a hostile page may nest elements thousands deep.
    let mut stack = vec![Item::Open(doc.root_element())];
    while let Some(item) = stack.pop() {
        match item {
            Item::Text(t) => {
                if first_text.is_none() && !t.trim().is_empty() {
                    first_text = Some(t.trim().to_owned());
                }
                current.push_str(t);
            }
            Item::Close => flush(&mut current, &mut first_text, &mut blocks, &cells),
            Item::EndCell => {
                cells.pop();
            }
            Item::Open(el) => {
                let name = el.value().name();
                if matches!(name, "script" | "style" | "noscript" | "template" | "head" | "svg") {
                    continue;
                }
                let block = is_block(name);
                if block {
                    flush(&mut current, &mut first_text, &mut blocks, &cells);
                    if matches!(name, "td" | "th") {
                        // Popped after the cell's own Close: its last block keeps the header.
                        stack.push(Item::EndCell);
                        cells.push(cell_headers.get(&el.id()).copied());
                    }
                    stack.push(Item::Close);
                }
                let mut children = Vec::new();
                for child in el.children() {
                    match child.value() {
                        Node::Text(t) => children.push(Item::Text(&t.text)),
                        Node::Element(_) => {
                            if let Some(e) = ElementRef::wrap(child) {
                                children.push(Item::Open(e));
                            }
                        }
                        _ => {}
                    }
                }
                stack.extend(children.into_iter().rev());
            }
        }
    }
    flush(&mut current, &mut first_text, &mut blocks, &cells);

    let mut cursor = 0;
    let mut text = String::new();
    let mut lines = Vec::with_capacity(blocks.len());
    for (block, first, header) in blocks {
        // The first characters before anything an entity could have encoded.
        let probe: String = first
            .unwrap_or_default()
            .chars()
            .take_while(|c| !matches!(c, '&' | '<' | '>' | '"' | '\'' | '\u{a0}') && !c.is_whitespace())
            .take(24)
            .collect();
        if !probe.is_empty()
            && let Some(p) = source[cursor..].find(&probe)
        {
            cursor += p;
        }
        lines.push(LineOrigin { text_start: text.len(), offset: cursor, exact: false, header });
        text.push_str(&block);
        text.push('\n');
    }
    (text, lines, headers)
}

/// Normalize line by line; a line break is a paragraph end (`\n`) unless the line is hard-wrapped
/// prose continuing on the next line.
fn normalize_lines(text: &str, lines: &[LineOrigin], always_break: bool) -> (String, Vec<u32>) {
    let mut norm = String::with_capacity(text.len());
    let mut map = Vec::with_capacity(text.len());
    let bounds: Vec<(usize, usize)> = lines
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let end = lines.get(i + 1).map_or(text.len(), |n| n.text_start);
            (l.text_start, end.saturating_sub(1).max(l.text_start))
        })
        .collect();
    for (i, &(start, end)) in bounds.iter().enumerate() {
        let line = &text[start..end];
        let (n, m) = normalize(line);
        if n.is_empty() {
            if !norm.is_empty() && !norm.ends_with('\n') {
                norm.push('\n');
                map.push(start as u32);
            }
            continue;
        }
        let next = bounds.get(i + 1).map(|&(s, e)| &text[s..e]);
        norm.push_str(&n);
        map.extend(m.into_iter().map(|b| b + start as u32));
        let wraps =
            !always_break && !ends_sentence(line) && next.is_some_and(|nx| !nx.trim().is_empty() && !starts_item(nx));
        if wraps {
            // Hard-wrapped prose: a space only between two ASCII words.
            let last_ascii = n.chars().next_back().is_some_and(|c| c.is_ascii_alphanumeric() || c == ',');
            let next_ascii = next.and_then(|nx| nx.trim_start().chars().next()).is_some_and(|c| c.is_ascii());
            if last_ascii && next_ascii {
                norm.push(' ');
                map.push(end as u32);
            }
        } else {
            norm.push('\n');
            map.push(end as u32);
        }
    }
    (norm, map)
}

/// Sentences end at Chinese and English sentence punctuation and at paragraph ends.
fn split_sentences(norm: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = norm.as_bytes();
    for (i, c) in norm.char_indices() {
        let end = i + c.len_utf8();
        let boundary = match c {
            '。' | '！' | '？' | '\n' | ';' | '!' | '?' | '；' => true,
            '.' => {
                b.get(end).is_none_or(|&n| n == b' ' || n == b'\n')
                    && !b.get(i.wrapping_sub(1)).is_some_and(u8::is_ascii_digit)
            }
            _ => false,
        };
        if boundary {
            out.push(start..end);
            start = end;
        }
    }
    if start < norm.len() {
        out.push(start..norm.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_drops_spaces_next_to_chinese_only() {
        assert_eq!(normalize("IP 地址").0, "ip地址");
        assert_eq!(normalize("Mobile  Number").0, "mobile number");
        assert_eq!(normalize("ＩＭＥＩ，手机号").0, "imei,手机号");
    }

    #[test]
    fn ascii_terms_match_whole_words() {
        assert_eq!(find_all("your ip address", "ip"), vec![5]);
        assert!(find_all("membership", "ip").is_empty());
        assert_eq!(find_all("ip地址", "ip"), vec![0]);
    }

    #[test]
    fn hard_wrapped_lines_join_and_keep_their_line() {
        let n = Notice::parse("p.txt".into(), "一、收集\n我们收集您的手机\n号码。\n\n二、使用".into(), Format::Text);
        let at = n.find("手机号码")[0];
        assert_eq!(n.position(at).line, 2);
        assert_eq!(n.position(n.find("号码。")[0]).line, 3);
        assert!(n.norm.contains("二、使用"));
    }

    #[test]
    fn html_cells_are_lines_and_trace_to_source_lines() {
        let html = "<html><head><title>t</title><script>var imei=1</script></head><body>\n<h1>隐私政策</h1>\n<table><tr><td>手机号</td>\n<td>登录</td></tr></table>\n<p>We collect your <b>IMEI</b> &amp; more</p></body></html>";
        let n = Notice::parse("p.html".into(), html.into(), Format::Html);
        assert_eq!(n.find("imei").len(), 1, "script text is not notice text: {}", n.norm);
        assert_eq!(n.position(n.find("手机号")[0]).line, 3);
        assert_eq!(n.position(n.find("登录")[0]).line, 4);
        assert_eq!(n.position(n.find("imei")[0]).line, 5);
    }
}
