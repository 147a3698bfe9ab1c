//! The line index: byte offsets of line starts, for turning an offset into a 1-based line and
//! column. One index for every text piflow reads and points into (inventory parts, scanned
//! files, notices), so every output counts lines and columns the same way.
//!
//! A line ends at LF, at CRLF, or at a lone CR (old Mac files, and some exports still write
//! them): a file of CR-only line ends would otherwise put every error on line 1.

use memchr::memchr2_iter;
use std::ops::Range;

/// Where [`LineIndex::line_col_after`] got to: a 1-based line (0: nowhere yet), and the byte
/// offset and 1-based column last reached on it (column 0: none yet).
#[derive(Debug, Clone, Copy, Default)]
pub struct Cursor {
    line: usize,
    offset: usize,
    col: usize,
}

/// Line starts of a text, for turning byte offsets into 1-based line and column.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    pub fn new(text: &[u8]) -> LineIndex {
        // A part of a hundred thousand flows is one file: its lines are found on all cores, a
        // piece each, as it was read.
        let pieces: Vec<Range<usize>> = if text.len() as u64 >= crate::source::read::READ_PIECES_BYTES {
            crate::parallel::runs(text.len())
        } else {
            std::iter::once(0..text.len()).collect()
        };
        let found = crate::parallel::in_parallel(pieces, |piece| {
            let at = piece.start;
            memchr2_iter(b'\n', b'\r', &text[piece])
                .map(|i| at + i)
                // The CR of a CRLF is not a line end of its own (the LF after it is).
                .filter(|&i| text[i] == b'\n' || text.get(i + 1) != Some(&b'\n'))
                .map(|i| (i + 1) as u32)
                .collect::<Vec<u32>>()
        });
        let mut starts = Vec::with_capacity(1 + found.iter().map(Vec::len).sum::<usize>());
        starts.push(0);
        for piece in found {
            starts.extend(piece);
        }
        LineIndex { starts }
    }

    /// 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s as usize <= offset)
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: usize) -> Option<usize> {
        self.starts.get(line.checked_sub(1)?).map(|&s| s as usize)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 1-based (line, column); the column counts characters, not bytes.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        self.col(text, offset, self.line(offset))
    }

    /// As [`LineIndex::line_col`] for offsets that only grow (the items of an array, in order):
    /// `cursor` remembers the line and the column reached, so each lookup walks forward from the
    /// last one instead of searching the index again and counting the line's characters from its
    /// start. Without the column, a minified part (one line of a million items) costs the square
    /// of its length; with it, every character is counted once.
    pub fn line_col_after(&self, text: &str, offset: usize, cursor: &mut Cursor) -> (usize, usize) {
        if cursor.line == 0 || self.starts[cursor.line - 1] as usize > offset {
            *cursor = Cursor { line: self.line(offset), ..Cursor::default() };
        }
        while cursor.line < self.starts.len() && self.starts[cursor.line] as usize <= offset {
            *cursor = Cursor { line: cursor.line + 1, ..Cursor::default() };
        }
        let start = self.starts[cursor.line - 1] as usize;
        if cursor.col == 0 || cursor.offset < start || cursor.offset > offset {
            (cursor.offset, cursor.col) = (start, 1);
        }
        match text.get(cursor.offset..offset) {
            Some(s) => {
                cursor.col += s.chars().count();
                cursor.offset = offset;
                (cursor.line, cursor.col)
            }
            // Not on a character boundary (only for a broken offset): count as `line_col` does.
            None => self.col(text, offset, cursor.line),
        }
    }

    fn col(&self, text: &str, offset: usize, line: usize) -> (usize, usize) {
        let start = self.starts[line - 1] as usize;
        let col = text.get(start..offset).map_or(offset - start, |s| s.chars().count()) + 1;
        (line, col)
    }
}

/// The 1-based number of the line `text` ends on, and the byte offset where that line starts
/// (for a place found without an index, such as the first byte that is not UTF-8).
pub fn line_and_start(text: &[u8]) -> (usize, usize) {
    let mut line = 1;
    let mut start = 0;
    for i in memchr2_iter(b'\n', b'\r', text) {
        if text[i] == b'\n' || text.get(i + 1) != Some(&b'\n') {
            line += 1;
            start = i + 1;
        }
    }
    (line, start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_gives_what_a_fresh_lookup_gives() {
        // One long line (a minified part) with multi-byte characters, then short lines and a
        // cursor that is moved back now and then.
        let mut t = String::new();
        for i in 0..300 {
            t.push_str(if i % 3 == 0 { "{\"名\":\"数据流\"}," } else { "{\"a\":1}," });
        }
        t.push_str("\nab\n\n数据\nx");
        let idx = LineIndex::new(t.as_bytes());
        let offsets: Vec<usize> = (0..=t.len()).filter(|&o| t.is_char_boundary(o)).collect();
        let mut cursor = Cursor::default();
        for (n, &o) in offsets.iter().enumerate() {
            assert_eq!(idx.line_col_after(&t, o, &mut cursor), idx.line_col(&t, o), "at {o}");
            if n % 97 == 0 && n > 10 {
                let back = offsets[n - 10];
                assert_eq!(idx.line_col_after(&t, back, &mut cursor), idx.line_col(&t, back), "back at {back}");
            }
        }
    }

    #[test]
    fn lines() {
        let t = "a\nbc\n\nd";
        let idx = LineIndex::new(t.as_bytes());
        assert_eq!(idx.line_col(t, 0), (1, 1));
        assert_eq!(idx.line_col(t, 3), (2, 2));
        assert_eq!(idx.line_col(t, 6), (4, 1));
    }

    #[test]
    fn lf_crlf_and_lone_cr_all_end_lines() {
        for (t, nl) in [("a\nbc\n\nd", 1), ("a\r\nbc\r\n\r\nd", 2), ("a\rbc\r\rd", 1)] {
            let idx = LineIndex::new(t.as_bytes());
            assert_eq!(idx.line_count(), 4, "{t:?}");
            assert_eq!(idx.line_col(t, 0), (1, 1), "{t:?}");
            assert_eq!(idx.line_col(t, 1 + nl + 1), (2, 2), "{t:?}");
            assert_eq!(idx.line_col(t, t.len() - 1), (4, 1), "{t:?}");
            assert_eq!(line_and_start(&t.as_bytes()[..t.len() - 1]), (4, t.len() - 1), "{t:?}");
        }
        // Mixed: LF, CR, CRLF.
        let t = "a\nb\rc\r\nd";
        let idx = LineIndex::new(t.as_bytes());
        assert_eq!((idx.line(2), idx.line(4), idx.line(7)), (2, 3, 4));
        assert_eq!(line_and_start(t.as_bytes()), (4, 7));
    }

    #[test]
    fn a_large_text_is_indexed_in_pieces_as_in_one() {
        // Over the size read on all cores, with line breaks at the ends of pieces and next to them.
        let mut t = String::new();
        let mut i = 0usize;
        while t.len() < crate::source::read::READ_PIECES_BYTES as usize + 777 {
            t.push_str(&"x".repeat(i % 97));
            t.push('\n');
            i += 1;
        }
        t.push_str("tail");
        let idx = LineIndex::new(t.as_bytes());
        let expected: Vec<u32> = std::iter::once(0)
            .chain(t.bytes().enumerate().filter(|&(_, b)| b == b'\n').map(|(i, _)| i as u32 + 1))
            .collect();
        assert_eq!(idx.starts, expected);
        assert_eq!(idx.line_count(), i + 1);
    }

    #[test]
    fn the_line_cursor_agrees_with_the_search_forwards_and_back() {
        let t = "{\n  \"a\": [\n    {\"x\": 1},\n\n    {\"y\": \"é\"}, {\"z\": 2}\n  ]\n}\n";
        let idx = LineIndex::new(t.as_bytes());
        let mut cursor = Cursor::default();
        // Forwards (the loader's case), then backwards and forwards again (the cursor resets).
        let offsets: Vec<usize> = (0..t.len()).filter(|&o| t.is_char_boundary(o)).collect();
        for &o in offsets.iter().chain(offsets.iter().rev()).chain(offsets.iter().step_by(3)) {
            assert_eq!(idx.line_col_after(t, o, &mut cursor), idx.line_col(t, o), "offset {o}");
        }
    }
}
