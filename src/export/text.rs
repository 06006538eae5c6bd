//! Text helpers shared by the formats: visible control characters, XML and
//! HTML escaping, character offsets, stable GUIDs and colours.

use std::borrow::Cow;
use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use crate::document::sanitize::{is_bidi_control, visible};

/// Text for a human-facing format (Markdown, HTML, CSV): everything a terminal
/// or a renderer would act on becomes a visible placeholder, as on screen
/// ([`visible`]: C0 → Control Pictures, `␛`; DEL → `␡`; C1 and bidi controls →
/// `[U+202E]`-style markers; a lone CR → `␍`, CRLF → LF), and U+FFFE/U+FFFF
/// (invalid in XML and HTML) become markers too. TAB and LF stay.
pub fn printable(text: &str) -> Cow<'_, str> {
    let shown = visible(text);
    if !shown.contains(['\u{FFFE}', '\u{FFFF}']) {
        return shown;
    }
    Cow::Owned(
        shown
            .replace('\u{FFFE}', "[U+FFFE]")
            .replace('\u{FFFF}', "[U+FFFF]"),
    )
}

/// Escape for HTML text and attribute values, after [`printable`], so a note
/// with U+202E shows `[U+202E]` instead of reversing the page.
pub fn html_escape(text: &str) -> String {
    markup_escape(&printable(text), true)
}

/// Escape HTML element content: like [`html_escape`] but line breaks and tabs
/// stay literal.
pub fn html_text(text: &str) -> String {
    markup_escape(&printable(text), false)
}

fn markup_escape(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

/// Escape for XML attribute values in the data formats (REFI-QDA, GraphML),
/// which keep the text: characters XML 1.0 cannot hold (C0 controls other than
/// TAB, LF, CR; U+FFFE, U+FFFF) become visible placeholders; bidi controls, C1
/// controls, DEL and line separators become character references (`&#x202E;`),
/// so the data survives and nothing raw reaches a terminal showing the file.
/// Line breaks and tabs are references too, so attribute normalisation keeps them.
pub fn xml_escape(text: &str) -> String {
    xml_data(text, true)
}

/// Escape XML element content: like [`xml_escape`] but LF and TAB stay literal
/// (CR stays a reference, which an XML parser would otherwise turn into LF).
pub fn xml_text(text: &str) -> String {
    xml_data(text, false)
}

fn xml_data(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        let u = c as u32;
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' if !attribute => out.push(c),
            '\n' | '\t' | '\r' => {
                let _ = write!(out, "&#{u};");
            }
            _ if u < 0x20 => out.push(char::from_u32(0x2400 + u).unwrap_or('\u{FFFD}')),
            '\u{FFFE}' | '\u{FFFF}' => {
                let _ = write!(out, "[U+{u:04X}]");
            }
            c if u == 0x7f
                || (0x80..=0x9f).contains(&u)
                || is_bidi_control(c)
                || matches!(c, '\u{2028}' | '\u{2029}') =>
            {
                let _ = write!(out, "&#x{u:X};");
            }
            c => out.push(c),
        }
    }
    out
}

/// JSON text (serde_json output) with the characters serde_json leaves raw but
/// a terminal or a reader would act on — bidi controls, DEL, C1 controls, line
/// separators — written as `\u202e`-style escapes: the data is unchanged, and
/// nothing raw reaches a terminal. Outside strings JSON is ASCII, so every such
/// character is inside a string, where the escape means the same character.
pub fn json_escape_invisible(json: Vec<u8>) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(&json) else {
        return json;
    };
    if !text.chars().any(json_needs_escape) {
        return json;
    }
    let mut out = String::with_capacity(text.len() + 64);
    for c in text.chars() {
        if json_needs_escape(c) {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out.into_bytes()
}

fn json_needs_escape(c: char) -> bool {
    let u = c as u32;
    u == 0x7f
        || (0x80..=0x9f).contains(&u)
        || is_bidi_control(c)
        || matches!(c, '\u{2028}' | '\u{2029}')
}

/// Number of characters (Unicode scalar values) in `text[..byte]`.
pub fn char_offset(text: &str, byte: usize) -> usize {
    text.get(..byte).map_or(0, |t| t.chars().count())
}

/// Byte offset → character offset in one text, in time independent of the
/// offset (a count per 64 KiB block, then at most one block scanned), so a
/// large document with many annotations is not rescanned for each one.
pub struct CharIndex<'a> {
    bytes: &'a [u8],
    /// Characters in `bytes[..i * BLOCK]`.
    blocks: Vec<usize>,
}

impl<'a> CharIndex<'a> {
    const BLOCK: usize = 1 << 16;

    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut blocks = Vec::with_capacity(bytes.len() / Self::BLOCK + 1);
        let mut total = 0;
        blocks.push(0);
        for chunk in bytes.chunks(Self::BLOCK) {
            total += count_chars(chunk);
            blocks.push(total);
        }
        CharIndex { bytes, blocks }
    }

    /// Characters before byte `byte` (clamped to the text's length).
    pub fn offset(&self, byte: usize) -> usize {
        let byte = byte.min(self.bytes.len());
        let block = byte / Self::BLOCK;
        self.blocks[block] + count_chars(&self.bytes[block * Self::BLOCK..byte])
    }
}

/// Characters in UTF-8 bytes: every byte that does not continue a character.
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count()
}

/// A GUID derived from `parts` (RFC 9562 version 8, name-based on SHA-256),
/// so the same input always exports the same GUIDs.
pub fn guid(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"glossator-export\0");
    for p in parts {
        hasher.update(p.as_bytes());
        hasher.update([0u8]);
    }
    let h = hasher.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&h[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// Colour of each kind, shared by HTML and the REFI-QDA codes (readable on white).
pub fn kind_colour(kind: &str) -> &'static str {
    match kind {
        "claim" => "#1f6fb2",
        "advice" => "#2e7d32",
        _ => "#8e44ad",
    }
}

/// Colour of a stance.
pub fn stance_colour(stance: &str) -> &'static str {
    match stance {
        "support" => "#2e7d32",
        "oppose" => "#c62828",
        _ => "#616161",
    }
}

/// Capitalised kind name: `Claim`, `Advice`, `Position`.
pub fn kind_title(kind: &str) -> String {
    let mut c = kind.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible_and_xml_is_escaped() {
        assert_eq!(
            printable("a\u{1b}[31mb\u{7f}\u{85}\tc\n"),
            "a␛[31mb␡[U+0085]\tc\n"
        );
        assert_eq!(
            html_escape("<a href=\"x\">'&'</a>\n"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;&#10;"
        );
        assert_eq!(html_text("a\n<b>\u{0}"), "a\n&lt;b&gt;␀");
        assert_eq!(
            xml_escape("<a href=\"x\">'&'</a>\n"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;&#10;"
        );
        assert_eq!(xml_text("a\n<b>\u{0}\r"), "a\n&lt;b&gt;␀&#13;");
    }

    #[test]
    fn bidi_and_cr_are_placeholders_for_readers_and_references_in_data() {
        let note = "abc\u{202e}fed\r\nx\ry\u{2066}";
        assert_eq!(printable(note), "abc[U+202E]fed\nx␍y[U+2066]");
        assert_eq!(html_text(note), "abc[U+202E]fed\nx␍y[U+2066]");
        assert_eq!(xml_text(note), "abc&#x202E;fed&#13;\nx&#13;y&#x2066;");
        assert_eq!(xml_escape("\u{85}\u{7f}"), "&#x85;&#x7F;");
        let json =
            serde_json::to_vec(&serde_json::json!({"n": note, "c": "\u{85}\u{7f}"})).unwrap();
        let escaped = String::from_utf8(json_escape_invisible(json)).unwrap();
        assert!(escaped.contains("abc\\u202efed") && escaped.contains("\\u2066"));
        assert!(escaped.contains("\\u0085\\u007f"), "{escaped}");
        let back: serde_json::Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back["n"], note);
        assert_eq!(back["c"], "\u{85}\u{7f}");
    }

    #[test]
    fn guids_are_stable_and_well_formed() {
        let g = guid(&["user", "ana"]);
        assert_eq!(g, guid(&["user", "ana"]));
        assert_ne!(g, guid(&["user", "ben"]));
        assert_ne!(guid(&["ab", "c"]), guid(&["a", "bc"]));
        let parts: Vec<_> = g.split('-').map(str::len).collect();
        assert_eq!(parts, [8, 4, 4, 4, 12]);
        assert_eq!(&g[14..15], "8");
        assert!(g.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
    }

    #[test]
    fn char_offsets_count_scalar_values() {
        assert_eq!(char_offset("한태준 x", "한태준".len()), 3);
        assert_eq!(char_offset("abc", 99), 0);
        let long = "가나다 ".repeat(30_000);
        let index = CharIndex::new(&long);
        for byte in [0, 1, 3, 65_535, 65_536, 65_537, 200_000, long.len()] {
            let expected = long.as_bytes()[..byte]
                .iter()
                .filter(|b| (**b & 0xC0) != 0x80)
                .count();
            assert_eq!(index.offset(byte), expected, "{byte}");
        }
        let at = long.char_indices().nth(70_001).unwrap().0;
        assert_eq!(index.offset(at), 70_001);
        assert_eq!(index.offset(usize::MAX), long.chars().count());
    }
}
