//! Folded text for name matching: case, diacritics, hyphens and runs of
//! spaces ignored, with a map from each folded byte back to the code point
//! of the original it came from (mentions are reported in code points).

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A folded text and, per folded byte, the original code point index
/// ([`Folded::origin_of`]).
#[derive(Debug, Clone, Default)]
pub struct Folded {
    pub text: String,
    /// `origin[i]`: code point index in the original of folded byte `i`;
    /// empty for an ASCII original, mapped by `shifts` instead.
    origin: Vec<usize>,
    /// For an ASCII original: `(i, shift)` where folded byte `i` and those
    /// after it come from `shift` bytes further on (a run of spaces or
    /// hyphens folded to one space), ascending. Few, where `origin` would
    /// hold a word per byte.
    shifts: Vec<(usize, usize)>,
    ascii: bool,
}

impl Folded {
    /// The code point index in the original of folded byte `i`.
    pub fn origin_of(&self, i: usize) -> usize {
        if !self.ascii {
            return self.origin[i];
        }
        let after = self.shifts.partition_point(|&(from, _)| from <= i);
        i + after.checked_sub(1).map_or(0, |k| self.shifts[k].1)
    }
}

/// Hyphens and dashes inside names: folded to a space (`Chang-ok` = `Chang Ok`).
fn is_joiner(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '_'
    )
}

/// Fold `text`: lower case, diacritics dropped, hyphens and whitespace runs
/// a single space. Leading and trailing spaces are kept (a caller matching
/// whole words checks the neighbours itself).
pub fn fold(text: &str) -> Folded {
    let mut out = Folded::default();
    fold_into(text, &mut out);
    out
}

/// [`fold`] into `out`, whose buffers are reused (one per document, not
/// one per paragraph).
pub fn fold_into(text: &str, out: &mut Folded) {
    out.text.clear();
    out.origin.clear();
    out.shifts.clear();
    out.ascii = text.is_ascii();
    if out.ascii {
        fold_ascii_into(text, out);
        return;
    }
    for (index, c) in text.chars().enumerate() {
        if c.is_whitespace() || is_joiner(c) {
            if !out.text.ends_with(' ') {
                out.text.push(' ');
                out.origin.push(index);
            }
            continue;
        }
        if c.is_ascii() {
            let lower = c.to_ascii_lowercase();
            out.text.push(lower);
            out.origin.push(index);
            continue;
        }
        // Letters with a stroke do not decompose.
        let base = match c {
            'đ' | 'Đ' => 'd',
            'ł' | 'Ł' => 'l',
            'ø' | 'Ø' => 'o',
            'ı' => 'i',
            other => other,
        };
        for d in std::iter::once(base)
            .nfd()
            .filter(|d| !is_combining_mark(*d))
        {
            for l in d.to_lowercase() {
                let before = out.text.len();
                out.text.push(l);
                out.origin
                    .extend(std::iter::repeat_n(index, out.text.len() - before));
            }
        }
    }
}

/// [`fold_into`] of an ASCII text (code point `i` is byte `i`): every byte
/// mapped at once (lower case; spaces and joiners a space), then runs of
/// spaces closed up from the first, if any.
fn fold_ascii_into(text: &str, out: &mut Folded) {
    // `char::is_whitespace` of ASCII: tab to carriage return, and space.
    fn fold_byte(b: u8) -> u8 {
        let space = matches!(b, b'\t'..=b'\r' | b' ' | b'-' | b'_');
        let lower = b | (u8::from(b.wrapping_sub(b'A') < 26) << 5);
        if space { b' ' } else { lower }
    }
    // The text's buffer, reused.
    let mut folded = std::mem::take(&mut out.text).into_bytes();
    // Sized first, then mapped in place: a loop the compiler vectorises
    // (an `extend` of the mapped bytes went byte by byte).
    folded.clear();
    folded.resize(text.len(), 0);
    for (to, from) in folded.iter_mut().zip(text.as_bytes()) {
        *to = fold_byte(*from);
    }
    // The searcher built once: building it took as long as a paragraph's search.
    static DOUBLE_SPACE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"  "));
    if let Some(first) = DOUBLE_SPACE.find(&folded) {
        // Close up: byte `read` moves to `write`; a byte written after
        // some were left out records how far its original is.
        let mut write = first + 1;
        for read in first + 1..folded.len() {
            let b = folded[read];
            if b == b' ' && folded[write - 1] == b' ' {
                continue;
            }
            let shift = read - write;
            if out.shifts.last().map_or(0, |&(_, s)| s) != shift {
                out.shifts.push((write, shift));
            }
            folded[write] = b;
            write += 1;
        }
        folded.truncate(write);
    }
    // Lower-cased ASCII is still ASCII.
    out.text = String::from_utf8(folded).unwrap_or_default();
}

/// The folded form of a name, trimmed: what a pattern is built from.
pub fn fold_name(name: &str) -> String {
    fold(name).text.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_hyphen_space_and_diacritics_fold_alike() {
        assert_eq!(fold_name("Pak Chang-ok"), fold_name("pak  chang ok"));
        assert_eq!(fold_name("Chou En\u{2011}lai"), "chou en lai");
        assert_eq!(fold_name("Đặng Văn"), fold_name("Dang Van"));
        assert_eq!(fold_name("Zhōu Ēnlái"), "zhou enlai");
    }

    #[test]
    fn ascii_folds_as_any_text_does() {
        // The byte-by-byte path against the general one (a non-ASCII letter
        // at the end sends the text there, and is folded alone).
        for text in [
            "Pak  Chang-ok\t\x0b\x0c\r\n_said__ -- so\x1f.",
            " Kim_Il-sung ",
            "",
        ] {
            let ascii = fold(text);
            let general = fold(&format!("{text}é"));
            assert_eq!(format!("{}e", ascii.text), general.text, "{text:?}");
            for i in 0..ascii.text.len() {
                assert_eq!(general.origin_of(i), ascii.origin_of(i), "{text:?} {i}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn ascii_text_folds_byte_by_byte_as_the_general_path_does(
            text in "[a-zA-Z0-9 \t\n\r\x0b\x0c_.,'\\-]{0,40}"
        ) {
            // The general path, reached by a non-ASCII letter at the end.
            let ascii = fold(&text);
            let general = fold(&format!("{text}é"));
            proptest::prop_assert_eq!(&format!("{}e", ascii.text), &general.text);
            for i in 0..ascii.text.len() {
                proptest::prop_assert_eq!(general.origin_of(i), ascii.origin_of(i), "{}", i);
            }
        }
    }

    #[test]
    fn origin_maps_folded_bytes_to_code_points() {
        let f = fold("é-Kim");
        // "e", " ", "k", "i", "m": é is code point 0, K is 2.
        assert_eq!(f.text, "e kim");
        assert_eq!(f.origin, vec![0, 1, 2, 3, 4]);
        let a = fold("  Kim -- Il_sung.");
        assert_eq!(a.text, " kim il sung.");
        let origins: Vec<usize> = (0..a.text.len()).map(|i| a.origin_of(i)).collect();
        assert_eq!(origins, vec![0, 2, 3, 4, 5, 9, 10, 11, 12, 13, 14, 15, 16]);
        let g = fold("Ünal  Paşa");
        assert_eq!(g.text, "unal pasa");
        assert_eq!(g.origin[4], 4);
        assert_eq!(g.origin[5], 6);
    }
}
