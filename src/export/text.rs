//! Text helpers shared by the formats: visible control characters, XML and
//! HTML escaping, character offsets, stable GUIDs and colours.

use std::borrow::Cow;

use sha2::{Digest, Sha256};

/// Replace characters that are unsafe in a terminal or invalid in XML 1.0 by
/// visible placeholders, keeping TAB, LF and CR: C0 → Control Pictures
/// (ESC → `␛`), DEL → `␡`, C1 and U+FFFE/U+FFFF → `[U+0085]`-style markers.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_placeholder) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if !needs_placeholder(c) {
            out.push(c);
        } else if (c as u32) < 0x20 {
            out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{FFFD}'));
        } else if c == '\u{7f}' {
            out.push('\u{2421}');
        } else {
            out.push_str(&format!("[U+{:04X}]", c as u32));
        }
    }
    Cow::Owned(out)
}

fn needs_placeholder(c: char) -> bool {
    let u = c as u32;
    (u < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
        || (0x7f..=0x9f).contains(&u)
        || c == '\u{FFFE}'
        || c == '\u{FFFF}'
}

/// Escape for XML and HTML text and attribute values (after [`printable`]).
/// Line breaks and tabs in attributes are kept as character references so an
/// XML parser's attribute normalisation does not turn them into spaces.
pub fn xml_escape(text: &str) -> String {
    let text = printable(text);
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c => out.push(c),
        }
    }
    out
}

/// Escape element content: like [`xml_escape`] but line breaks stay literal.
pub fn xml_text(text: &str) -> String {
    xml_escape(text)
        .replace("&#10;", "\n")
        .replace("&#13;", "\r")
        .replace("&#9;", "\t")
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
            xml_escape("<a href=\"x\">'&'</a>\n"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;&#10;"
        );
        assert_eq!(xml_text("a\n<b>\u{0}"), "a\n&lt;b&gt;␀");
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
