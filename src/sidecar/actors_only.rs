//! A sidecar's actor registry without the rest of the file: `gloss actors`
//! over a corpus reads every sidecar for its `actors` alone, and a full
//! parse (every annotation's strings and anchors) cost more than detecting
//! the names in the document beside it.
//!
//! A small lexer walks the file's top-level struct (strings, raw strings,
//! characters and comments skipped, brackets matched to the end of the
//! file), and RON parses only the `actors: [...]` slice. Whatever the lexer
//! does not expect — a struct name, an extension attribute, an unknown or
//! repeated field, a version this build does not read, a file that does not
//! close — is left to [`Sidecar::parse`], so those files read as before.

use std::path::Path;

use super::{Sidecar, SidecarError, VERSION, read_capped, ron_options};
use crate::annotation::{Actor, ActorRegistry};

/// The actors of the sidecar at `path`, as [`Sidecar::load`] would give them.
pub fn load_actors(path: &Path) -> Result<Vec<Actor>, SidecarError> {
    let text = read_capped(path)?;
    match actors_of(&text) {
        Some(actors) => Ok(actors),
        None => Sidecar::parse(&text, path).map(|s| s.actors),
    }
}

/// The `actors` of a sidecar's text, normalised as [`Sidecar::parse`] leaves
/// them; `None` when the text is not of the shape the lexer reads (the
/// caller then parses the whole file).
///
/// The rest of the file is checked to be well formed as tokens (strings,
/// comments and brackets close, fields are `name: value`), not parsed: a
/// value of the wrong type in an annotation goes unnoticed here.
pub fn actors_of(text: &str) -> Option<Vec<Actor>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let fields = top_level_fields(text.as_bytes())?;
    let mut seen: Vec<&str> = Vec::with_capacity(fields.len());
    let mut version = None;
    let mut actors = None;
    for (name, from, to) in fields {
        if seen.contains(&name) || !FIELDS.contains(&name) {
            return None;
        }
        seen.push(name);
        let value = &text[from..to];
        match name {
            "version" => version = Some(value.trim().parse::<u32>().ok()?),
            "actors" => actors = Some(ron_options().from_str::<Vec<Actor>>(value).ok()?),
            _ => {}
        }
    }
    if !REQUIRED.iter().all(|f| seen.contains(f)) {
        return None;
    }
    if !(1..=VERSION).contains(&version?) {
        return None;
    }
    Some(ActorRegistry::new(actors.unwrap_or_default()).into_vec())
}

/// The fields of [`Sidecar`], and those it cannot do without.
const FIELDS: [&str; 7] = [
    "version",
    "source",
    "annotator",
    "actors",
    "issues",
    "annotations",
    "dismissed",
];
const REQUIRED: [&str; 3] = ["version", "source", "annotator"];

/// `(name, value start, value end)` of each field of the unnamed struct
/// that is the whole of `b` (trivia around it allowed).
fn top_level_fields(b: &[u8]) -> Option<Vec<(&str, usize, usize)>> {
    let mut at = skip_trivia(b, 0)?;
    if b.get(at) != Some(&b'(') {
        return None;
    }
    at += 1;
    let mut fields = Vec::with_capacity(FIELDS.len());
    loop {
        at = skip_trivia(b, at)?;
        if b.get(at) == Some(&b')') {
            at += 1;
            break;
        }
        let name_end = identifier_end(b, at);
        if name_end == at {
            return None;
        }
        // Identifiers are ASCII here (a raw `r#name` is not one of ours).
        let name = std::str::from_utf8(&b[at..name_end]).ok()?;
        at = skip_trivia(b, name_end)?;
        if b.get(at) != Some(&b':') {
            return None;
        }
        let from = skip_trivia(b, at + 1)?;
        let to = value_end(b, from)?;
        if to == from {
            return None;
        }
        fields.push((name, from, to));
        at = skip_trivia(b, to)?;
        match b.get(at) {
            Some(b',') => at += 1,
            Some(b')') => {
                at += 1;
                break;
            }
            _ => return None,
        }
    }
    (skip_trivia(b, at)? == b.len()).then_some(fields)
}

fn is_identifier_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn identifier_end(b: &[u8], mut at: usize) -> usize {
    if b.get(at)
        .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
    {
        while b.get(at).copied().is_some_and(is_identifier_byte) {
            at += 1;
        }
    }
    at
}

/// Past whitespace and comments (`// …`, nested `/* … */`); `None` when a
/// block comment does not close.
fn skip_trivia(b: &[u8], mut at: usize) -> Option<usize> {
    loop {
        match (b.get(at), b.get(at + 1)) {
            (Some(c), _) if c.is_ascii_whitespace() => at += 1,
            (Some(b'/'), Some(b'/')) => {
                while b.get(at).is_some_and(|c| *c != b'\n') {
                    at += 1;
                }
            }
            (Some(b'/'), Some(b'*')) => {
                let mut depth = 0usize;
                loop {
                    match (b.get(at), b.get(at + 1)) {
                        (None, _) => return None,
                        (Some(b'/'), Some(b'*')) => {
                            depth += 1;
                            at += 2;
                        }
                        (Some(b'*'), Some(b'/')) => {
                            depth -= 1;
                            at += 2;
                            if depth == 0 {
                                break;
                            }
                        }
                        _ => at += 1,
                    }
                }
            }
            _ => return Some(at),
        }
    }
}

/// The end of the value starting at `at`: the `,` or unmatched closing
/// bracket after it at its own depth. `None` when brackets do not match or
/// a string, character or comment does not close.
fn value_end(b: &[u8], mut at: usize) -> Option<usize> {
    let mut open: Vec<u8> = Vec::new();
    loop {
        at = skip_trivia(b, at)?;
        let c = *b.get(at)?;
        match c {
            b'(' | b'[' | b'{' => {
                open.push(c);
                at += 1;
            }
            b')' | b']' | b'}' => {
                let Some(last) = open.pop() else {
                    return Some(at);
                };
                let expected = match last {
                    b'(' => b')',
                    b'[' => b']',
                    _ => b'}',
                };
                if c != expected {
                    return None;
                }
                at += 1;
            }
            b',' if open.is_empty() => return Some(at),
            b'"' => at = string_end(b, at + 1)?,
            b'\'' => at = char_end(b, at + 1)?,
            b'r' | b'b' => at = prefixed_end(b, at)?,
            c if is_identifier_byte(c) => at = identifier_end_any(b, at),
            _ => at += 1,
        }
    }
}

/// Past a run of identifier or number bytes (`true`, `1.5e3`, `Some`).
fn identifier_end_any(b: &[u8], mut at: usize) -> usize {
    while b.get(at).copied().is_some_and(is_identifier_byte) {
        at += 1;
    }
    at
}

/// Past an escaped string whose body starts at `at` (after its `"`).
fn string_end(b: &[u8], mut at: usize) -> Option<usize> {
    loop {
        match *b.get(at)? {
            b'\\' => at += 2,
            b'"' => return Some(at + 1),
            _ => at += 1,
        }
    }
}

/// Past a character literal whose body starts at `at` (after its `'`).
fn char_end(b: &[u8], at: usize) -> Option<usize> {
    let close = if *b.get(at)? == b'\\' {
        // `'\''`, `'\\'`, `'\n'`, `'\u{1F600}'`: the quote after the escape.
        at + 2 + b.get(at + 2..)?.iter().position(|c| *c == b'\'')?
    } else {
        let len = std::str::from_utf8(b.get(at..(at + 4).min(b.len()))?)
            .or_else(|e| std::str::from_utf8(&b[at..at + e.valid_up_to()]))
            .ok()?
            .chars()
            .next()?
            .len_utf8();
        at + len
    };
    (b.get(close) == Some(&b'\'')).then_some(close + 1)
}

/// Past `r"…"`, `r#"…"#`, `b"…"`, `br#"…"#`, or the identifier that starts
/// with `r` or `b` (`r#name` included).
fn prefixed_end(b: &[u8], at: usize) -> Option<usize> {
    let mut p = at;
    if b[p] == b'b' {
        p += 1;
        if b.get(p) == Some(&b'"') {
            return string_end(b, p + 1);
        }
    }
    if b.get(p) != Some(&b'r') {
        return Some(identifier_end_any(b, at));
    }
    p += 1;
    let hashes = b[p..].iter().take_while(|c| **c == b'#').count();
    if b.get(p + hashes) != Some(&b'"') {
        // `r#name`, or an identifier such as `rank`.
        return Some(identifier_end_any(b, p + hashes));
    }
    let body = p + hashes + 1;
    let mut close = Vec::with_capacity(hashes + 1);
    close.push(b'"');
    close.extend(std::iter::repeat_n(b'#', hashes));
    let end = b[body..].windows(close.len()).position(|w| w == close)?;
    Some(body + end + close.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(name: &str, aliases: &[&str]) -> Actor {
        Actor {
            name: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        }
    }

    /// What the full parse gives, for comparison.
    fn full(text: &str) -> Option<Vec<Actor>> {
        Sidecar::parse(text, Path::new("s.gloss.ron"))
            .ok()
            .map(|s| s.actors)
    }

    const HEAD: &str =
        r#"version: 1, source: (name: "m.txt", size: 3, sha256: "ab"), annotator: "ana","#;

    #[test]
    fn a_written_sidecar_reads_as_the_full_parse_does() {
        let mut sidecar = Sidecar::parse(&format!("({HEAD})"), Path::new("s")).unwrap();
        sidecar.actors = vec![
            actor("Pak Chang-ok", &["Pak Chang Ok"]),
            actor("Nam Il", &[]),
        ];
        sidecar.issues = vec!["grain".into()];
        let text = sidecar.to_ron().unwrap();
        assert_eq!(actors_of(&text), full(&text));
        assert_eq!(
            actors_of(&text).unwrap(),
            vec![
                actor("Nam Il", &[]),
                actor("Pak Chang-ok", &["Pak Chang Ok"])
            ]
        );
    }

    #[test]
    fn comments_and_strings_holding_actors_are_not_the_field() {
        let text = format!(
            r#"// actors: [(name: "Comment")]
            ( /* actors: [(name: "Block /* nested */")] */
              {HEAD}
              issues: ["actors: [(name: \"Escaped\")]", r"actors: [", r\#"a "actors: [" b"\#],
              actors: [(name: "Kim Il-sung", aliases: ["Kim Il Sung"]), (name: "it's"),],
            )"#
        )
        .replace("\\#", "#");
        assert_eq!(
            actors_of(&text).unwrap(),
            vec![actor("Kim Il-sung", &["Kim Il Sung"]), actor("it's", &[])]
        );
        assert_eq!(actors_of(&text), full(&text));
    }

    #[test]
    fn field_order_does_not_matter_and_a_missing_registry_is_empty() {
        let text = r#"(annotations: [], actors: [(name: "B"), (name: "A")], annotator: "x",
            source: (name: "m", size: 1, sha256: ""), version: 1)"#;
        assert_eq!(
            actors_of(text).unwrap(),
            vec![actor("A", &[]), actor("B", &[])]
        );
        assert_eq!(actors_of(text), full(text));
        let none = format!("({HEAD} issues: [])");
        assert_eq!(actors_of(&none), Some(vec![]));
        assert_eq!(actors_of(&none), full(&none));
    }

    #[test]
    fn a_file_broken_after_its_actors_is_left_to_the_full_parse() {
        for broken in [
            format!(r#"({HEAD} actors: [(name: "A")], issues: ["unclosed)"#),
            format!(r#"({HEAD} actors: [(name: "A")], issues: [)"#),
            format!(r#"({HEAD} actors: [(name: "A")], annotations: [] /* open"#),
            format!(r#"({HEAD} actors: [(name: "A")]) trailing"#),
            format!(r#"({HEAD} actors: [(name: "A")], colour: 3)"#),
            format!(r#"({HEAD} actors: [(name: "A")], actors: [])"#),
            format!(r#"Sidecar({HEAD} actors: [(name: "A")])"#),
            format!(r#"({HEAD} actors: [(name: 3)])"#),
            r#"(version: 2, source: (name: "m", size: 1, sha256: ""), annotator: "x", actors: [(name: "A")])"#.to_string(),
            r#"(version: 0, source: (name: "m", size: 1, sha256: ""), annotator: "x", actors: [(name: "A")])"#.to_string(),
            r#"(version: 1, annotator: "x", actors: [(name: "A")])"#.to_string(),
        ] {
            assert_eq!(actors_of(&broken), None, "{broken}");
        }
    }

    #[test]
    fn characters_and_raw_identifiers_are_skipped() {
        assert_eq!(char_end(b"a'", 0), Some(2));
        assert_eq!(char_end(b"\\''", 0), Some(3));
        assert_eq!(char_end("é'".as_bytes(), 0), Some(3));
        assert_eq!(char_end(b"ab'", 0), None);
        assert_eq!(prefixed_end(b"r#name,", 0), Some(6));
        assert_eq!(prefixed_end(b"rank,", 0), Some(4));
        assert_eq!(prefixed_end(br##"br#"x"#,"##, 0), Some(7));
        assert_eq!(prefixed_end(br#"b"x\"","#, 0), Some(6));
    }

    #[test]
    fn a_byte_order_mark_is_allowed() {
        let text = format!("\u{feff}({HEAD} actors: [(name: \"A\")])");
        assert_eq!(actors_of(&text), Some(vec![actor("A", &[])]));
        assert_eq!(actors_of(&text), full(&text));
    }
}
