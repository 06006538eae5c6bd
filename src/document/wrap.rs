//! Word wrapping by display width, for sanitised text.
//!
//! The view wraps only visible paragraphs and caches heights; this module is the
//! pure part: where each screen row starts and ends.

use unicode_width::UnicodeWidthChar;

/// Byte ranges of the rows that `text` (already sanitised) occupies at `width`
/// columns. Breaks at line feeds, at spaces when a word fits, else mid-word.
/// Calls `row` for each row and stops early when it returns `false`.
pub fn wrap_rows(text: &str, width: usize, mut row: impl FnMut(usize, usize) -> bool) {
    let width = width.max(2);
    let mut line_start = 0;
    for line in text.split('\n') {
        if !wrap_line(line, line_start, width, &mut row) {
            return;
        }
        line_start += line.len() + 1;
    }
}

fn wrap_line(
    line: &str,
    offset: usize,
    width: usize,
    row: &mut impl FnMut(usize, usize) -> bool,
) -> bool {
    if line.is_empty() {
        return row(offset, offset);
    }
    let mut start = 0;
    let mut col = 0;
    // Last place a row could end at a space: (end of row, start of next row).
    let mut break_at: Option<(usize, usize)> = None;
    let mut iter = line.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let w = c.width().unwrap_or(0);
        if col + w > width && i > start && c == ' ' {
            // The overflowing character is a space: end the row here and drop it.
            if !row(offset + start, offset + i) {
                return false;
            }
            start = i + c.len_utf8();
            col = 0;
            break_at = None;
            continue;
        }
        if col + w > width && i > start {
            let (end, next) = match break_at {
                Some(b) if b.0 > start => b,
                _ => (i, i),
            };
            if !row(offset + start, offset + end) {
                return false;
            }
            start = next;
            col = line[start..i].chars().map(|c| c.width().unwrap_or(0)).sum();
            break_at = None;
        }
        col += w;
        if c == ' ' {
            let next = iter.peek().map(|(j, _)| *j).unwrap_or(line.len());
            break_at = Some((i, next));
        }
    }
    row(offset + start, offset + line.len())
}

/// Number of rows `text` takes at `width`.
pub fn row_count(text: &str, width: usize) -> usize {
    let mut n = 0;
    wrap_rows(text, width, |_, _| {
        n += 1;
        true
    });
    n
}

/// The rows themselves, for tests and small texts.
pub fn rows(text: &str, width: usize) -> Vec<&str> {
    let mut out = Vec::new();
    wrap_rows(text, width, |s, e| {
        out.push(&text[s..e]);
        true
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn wraps_at_spaces() {
        assert_eq!(
            rows("the quick brown fox", 10),
            vec!["the quick", "brown fox"]
        );
    }

    #[test]
    fn breaks_long_words() {
        assert_eq!(rows("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
    }

    #[test]
    fn wide_characters_count_two_columns() {
        let r = rows("한국어 문서를 읽는다", 8);
        assert_eq!(r, vec!["한국어", "문서를", "읽는다"]);
        for row in rows("朝鮮民主主義人民共和国", 5) {
            assert!(row.width() <= 5);
        }
    }

    #[test]
    fn keeps_line_breaks_and_empty_lines() {
        assert_eq!(rows("a\n\nb", 10), vec!["a", "", "b"]);
        assert_eq!(row_count("", 10), 1);
    }

    #[test]
    fn stops_early() {
        let text = "x ".repeat(1_000_000);
        let mut n = 0;
        wrap_rows(&text, 10, |_, _| {
            n += 1;
            n < 3
        });
        assert_eq!(n, 3);
    }

    #[test]
    fn rows_never_exceed_width() {
        let text =
            "Pak Chang-ok [박창옥] told 남일 that a group of leading functionaries was prepared";
        for w in 2..40 {
            for r in rows(text, w) {
                assert!(r.trim_end().width() <= w, "{w}: {r:?}");
            }
        }
    }
}
