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
    sanitise(text, true)
}

/// Like [`display`] but TAB is kept as it is: for text that leaves gloss for a
/// reader (Markdown, HTML, CSV exports), where the reader's program lays out
/// tabs and must not be sent anything that reorders or hides text.
pub fn visible(text: &str) -> Cow<'_, str> {
    sanitise(text, false)
}

fn sanitise(text: &str, expand_tabs: bool) -> Cow<'_, str> {
    if text
        .chars()
        .all(|c| is_plain(c) || (c == '\t' && !expand_tabs))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut column = 0usize;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
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
            '\r' if chars.peek() == Some(&'\n') => continue,
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
