//! Text made safe for a terminal.
//!
//! ratatui drops control characters silently, drops bidi controls, and leaves the
//! tail of an escape sequence as text (see FINDINGS); crossterm's title and
//! `Cell::set_symbol` write bytes verbatim. So every piece of untrusted text —
//! document, notes, names, file names, messages — goes through [`display`] once,
//! into a display string kept apart from the raw text used for hashing.

use std::borrow::Cow;

/// A path as text without losing what is not UTF-8: each byte outside valid
/// UTF-8 shows as `[0xFE]`, so two file names differing only there (shown
/// alike as `\u{FFFD}` by `Path::display`) stay apart in output and exports.
pub fn path_text(path: &std::path::Path) -> String {
    let bytes = path.as_os_str().as_encoded_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        for byte in chunk.invalid() {
            out.push_str(&format!("[0x{byte:02X}]"));
        }
    }
    out
}

/// Columns between tab stops.
pub const TAB_WIDTH: usize = 8;

/// Replace what a terminal would interpret with visible placeholders.
///
/// TAB → spaces to the next tab stop (columns counted from the last line break);
/// C0 → Control Pictures (ESC shows as `␛`); DEL → `␡`; C1 → `[U+0080]`-style
/// markers; bidi embedding/override/isolate controls → `[U+202E]`-style markers;
/// a CR before a line feed is dropped; U+2028/2029 become line feeds.
pub fn display(text: &str) -> Cow<'_, str> {
    sanitise(text, true, None)
}

/// [`display`], with where each character of `text` went: pairs of (byte in
/// `text`, byte in the display string) for every character start and the end,
/// so ranges of the raw text (quotes, selections) map onto what is drawn and
/// screen positions map back. `None` when the text is shown as it is.
pub fn display_mapped(text: &str) -> (Cow<'_, str>, Option<Vec<(usize, usize)>>) {
    let mut map = Vec::new();
    let shown = sanitise(text, true, Some(&mut map));
    match shown {
        Cow::Borrowed(_) => (shown, None),
        Cow::Owned(_) => {
            map.push((text.len(), shown.len()));
            (shown, Some(map))
        }
    }
}

/// Byte in the display string of byte `raw` of the text (see [`display_mapped`]).
pub fn raw_to_display(map: Option<&[(usize, usize)]>, raw: usize) -> usize {
    match map {
        None => raw,
        Some(m) => {
            let i = m.partition_point(|&(r, _)| r <= raw);
            m.get(i.saturating_sub(1)).map_or(0, |&(_, d)| d)
        }
    }
}

/// Byte of the text whose display covers display byte `shown` (the
/// character a screen cell shows; see [`display_mapped`]).
pub fn display_to_raw(map: Option<&[(usize, usize)]>, shown: usize) -> usize {
    match map {
        None => shown,
        Some(m) => {
            let i = m.partition_point(|&(_, d)| d <= shown);
            m.get(i.saturating_sub(1)).map_or(0, |&(r, _)| r)
        }
    }
}

/// Like [`display`] but TAB is kept as it is: for text that leaves gloss for a
/// reader (Markdown, HTML, CSV exports), where the reader's program lays out
/// tabs and must not be sent anything that reorders or hides text.
pub fn visible(text: &str) -> Cow<'_, str> {
    sanitise(text, false, None)
}

fn sanitise<'a>(
    text: &'a str,
    expand_tabs: bool,
    mut map: Option<&mut Vec<(usize, usize)>>,
) -> Cow<'a, str> {
    if text
        .chars()
        .all(|c| is_plain(c) || (c == '\t' && !expand_tabs))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut column = 0usize;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if let Some(m) = map.as_deref_mut() {
            m.push((at, out.len()));
        }
        match c {
            '\n' | '\u{2028}' | '\u{2029}' => {
                out.push('\n');
                column = 0;
                continue;
            }
            '\t' if !expand_tabs => out.push('\t'),
            '\t' => {
                let n = TAB_WIDTH - column % TAB_WIDTH;
                out.extend(std::iter::repeat_n(' ', n));
                column += n;
                continue;
            }
            '\r' if chars.peek().map(|p| p.1) == Some('\n') => continue,
            c if (c as u32) < 0x20 => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('?')),
            '\u{7f}' => out.push('\u{2421}'),
            c if is_c1(c) || is_bidi_control(c) => {
                out.push_str(&format!("[U+{:04X}]", c as u32));
            }
            c => out.push(c),
        }
        column += unicode_width::UnicodeWidthChar::width(c)
            .unwrap_or(1)
            .max(1);
    }
    Cow::Owned(out)
}

/// Like [`display`], on one line: line breaks become `⏎` so the text stays on one row.
pub fn display_line(text: &str) -> String {
    display(text).replace('\n', "\u{23ce}")
}

/// Text for one screen row: borrowed when already safe (the common case, a
/// single scan), else [`display_line`]. Idempotent on sanitised text.
pub fn display_row(text: &str) -> Cow<'_, str> {
    if text.chars().all(|c| c != '\n' && is_plain(c)) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(display_line(text))
    }
}

fn is_plain(c: char) -> bool {
    (c >= ' '
        && c != '\u{7f}'
        && !is_c1(c)
        && !is_bidi_control(c)
        && c != '\u{2028}'
        && c != '\u{2029}')
        || c == '\n'
}

fn is_c1(c: char) -> bool {
    ('\u{80}'..='\u{9f}').contains(&c)
}

/// Characters that reorder text on screen: embeddings, overrides, isolates, marks.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn path_text_keeps_bytes_that_are_not_utf8() {
        use std::os::unix::ffi::OsStrExt;
        let path = std::path::Path::new(std::ffi::OsStr::from_bytes(b"d\xc3\xa9/bad\xff\xfe.txt"));
        assert_eq!(path_text(path), "d\u{e9}/bad[0xFF][0xFE].txt");
    }

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(display("한국어 text"), Cow::Borrowed(_)));
    }

    #[test]
    fn escape_sequences_become_visible() {
        assert_eq!(display("a\x1b]0;title\x07b"), "a␛]0;title␇b");
        assert_eq!(display("\x1b]52;c;ZXZpbA==\x07"), "␛]52;c;ZXZpbA==␇");
        assert_eq!(display("x\x7fy"), "x␡y");
        assert_eq!(display("\u{9b}31m"), "[U+009B]31m");
    }

    #[test]
    fn bidi_overrides_are_marked() {
        assert_eq!(display("abc\u{202e}def"), "abc[U+202E]def");
        assert_eq!(display("\u{2066}x"), "[U+2066]x");
    }

    #[test]
    fn tabs_expand_to_stops_and_crlf_collapses() {
        assert_eq!(display("ab\tc"), "ab      c");
        assert_eq!(display("\tx\r\n\ty"), "        x\n        y");
        assert_eq!(display("한\tx"), "한      x");
    }

    #[test]
    fn lone_cr_and_separators() {
        assert_eq!(display("a\rb"), "a␍b");
        assert_eq!(display("a\u{2028}b"), "a\nb");
        assert_eq!(display_line("a\nb"), "a⏎b");
    }

    #[test]
    fn display_row_is_idempotent_on_sanitised_text() {
        let raw = "a\x1b]0;t\x07\tb\u{202e}c\r\nd\u{9b}";
        let once = display_row(raw).into_owned();
        assert_eq!(display_row(&once), once);
        assert!(matches!(display_row("plain 한국어"), Cow::Borrowed(_)));
    }

    #[test]
    fn visible_keeps_tabs_and_marks_the_rest() {
        assert_eq!(visible("a\tb\u{202e}c\r\nd\re"), "a\tb[U+202E]c\nd␍e");
        assert!(matches!(visible("a\tb"), Cow::Borrowed(_)));
        assert_eq!(visible("\u{1b}[31m\u{85}"), "␛[31m[U+0085]");
    }

    #[test]
    fn mapped_display_takes_raw_ranges_to_what_is_drawn_and_back() {
        let raw = "a\tb\u{1b}c\u{202e}d\r\ne";
        let (shown, map) = display_mapped(raw);
        assert_eq!(shown, display(raw));
        let map = map.as_deref();
        for (i, c) in raw.char_indices() {
            let d = raw_to_display(map, i);
            if c != '\r' {
                assert_eq!(display_to_raw(map, d), i, "{c:?}");
            }
        }
        // The tab's columns all map back to the tab; the end to the end.
        assert_eq!(display_to_raw(map, 5), 1);
        assert_eq!(raw_to_display(map, raw.len()), shown.len());
        let (plain, none) = display_mapped("plain");
        assert_eq!((plain.as_ref(), none), ("plain", None));
    }

    #[test]
    fn nothing_terminal_active_survives() {
        for c in (0u32..0x110000).filter_map(char::from_u32) {
            let s = c.to_string();
            let out = display(&s);
            for o in out.chars() {
                assert!(
                    o == '\n' || o == ' ' || (!o.is_control() && !is_bidi_control(o)),
                    "{c:?} -> {out:?}"
                );
            }
            for o in visible(&s).chars() {
                assert!(
                    o == '\n' || o == '\t' || (!o.is_control() && !is_bidi_control(o)),
                    "{c:?} -> {o:?}"
                );
            }
        }
    }
}
