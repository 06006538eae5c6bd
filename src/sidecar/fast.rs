//! Sidecars read without serde, for the layout glossator writes.
//!
//! A corpus view reads every sidecar of an archive (20,000 files, 55 MB in
//! the benchmark of issue #11), and RON through serde costs about 3 µs per
//! annotation. The files gloss writes use a small part of RON: structs in
//! parentheses without names, lists, escaped strings, unsigned integers,
//! booleans, unit and struct enum variants, `Some(…)`/`None`. This reader
//! takes exactly that part and gives up — returns `None` — on anything else
//! (comments, raw strings, struct names, unknown or repeated fields, other
//! number forms, a byte it does not expect), so the caller falls back to the
//! full RON parse, which also words every error. Where it does answer, the
//! answer is the one RON gives (`tests` compare both on generated sidecars).

use crate::annotation::{Actor, Annotation, Origin, Stance, Tag};
use crate::document::anchor::{Anchor, CharRange};

use super::{Dismissal, Sidecar, SourceInfo};

/// The sidecar in `text` (no byte-order mark), or `None` when the text is
/// outside the part of RON this reader takes.
pub fn parse(text: &str) -> Option<Sidecar> {
    let mut p = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    p.ws()?;
    let sidecar = p.sidecar()?;
    p.ws()?;
    (p.at == p.bytes.len()).then_some(sidecar)
}

/// The actor registry of the sidecar in `text` (no byte-order mark), read
/// up to its `actors` list and no further: `(version, actors)`, not
/// normalised; `None` when the fields before it are not `version`,
/// `source` and `annotator` (in any order, each once), as gloss writes
/// them, or are outside the part of RON this reader takes. `gloss actors`
/// needs only the registry of every sidecar of a corpus, not its
/// annotations (most of the file).
pub fn registry(text: &str) -> Option<(u32, Vec<Actor>)> {
    let mut p = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    p.ws()?;
    p.eat(b'(')?;
    p.ws()?;
    let (mut version, mut source, mut annotator) = (None, None, None);
    loop {
        let name = p.ident()?;
        p.ws()?;
        p.eat(b':')?;
        p.ws()?;
        match name {
            "version" => once(&mut version, p.number().and_then(|n| u32::try_from(n).ok()))?,
            "source" => once(&mut source, p.source())?,
            "annotator" => once(&mut annotator, p.string())?,
            "actors" => {
                let actors = p.list(Reader::actor)?;
                // What follows the list is a comma or the struct's end.
                p.ws()?;
                if !matches!(p.peek(), Some(b',' | b')')) {
                    return None;
                }
                source?;
                annotator?;
                return Some((version?, actors));
            }
            _ => return None,
        }
        p.ws()?;
        p.eat(b',')?;
        p.ws()?;
    }
}

/// A position in the text being read.
struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

/// Fill `slot` with `value`, read for a field: `None` (give up) when the
/// field came before (RON refuses a repeated field) or did not read.
fn once<T>(slot: &mut Option<T>, value: Option<T>) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value?);
    Some(())
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Skip spaces, tabs and line ends; a comment (or any other RON
    /// whitespace) is not taken.
    fn ws(&mut self) -> Option<()> {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\n' | b'\r' | b'\t' => self.at += 1,
                b'/' => return None,
                _ => break,
            }
        }
        Some(())
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        (self.peek() == Some(byte)).then(|| self.at += 1)
    }

    /// An identifier: `[A-Za-z_][A-Za-z0-9_]*` (raw identifiers are not taken).
    fn ident(&mut self) -> Option<&'a str> {
        let start = self.at;
        match self.peek() {
            Some(b) if b.is_ascii_alphabetic() || b == b'_' => self.at += 1,
            _ => return None,
        }
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            self.at += 1;
        }
        Some(&self.text[start..self.at])
    }

    /// A struct's fields between parentheses (the `(` already read or not:
    /// it is read here), each handed to `field` with the reader after its
    /// `:`; commas between, one after the last allowed.
    fn fields(&mut self, mut field: impl FnMut(&mut Self, &str) -> Option<()>) -> Option<()> {
        self.eat(b'(')?;
        self.ws()?;
        loop {
            if self.eat(b')').is_some() {
                return Some(());
            }
            let name = self.ident()?;
            self.ws()?;
            self.eat(b':')?;
            self.ws()?;
            field(self, name)?;
            self.ws()?;
            if self.eat(b',').is_some() {
                self.ws()?;
            } else {
                self.ws()?;
                return self.eat(b')');
            }
        }
    }

    /// `[a, b, …]`, a comma after the last allowed.
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.eat(b'[')?;
        self.ws()?;
        let mut out = Vec::new();
        loop {
            if self.eat(b']').is_some() {
                return Some(out);
            }
            out.push(item(self)?);
            self.ws()?;
            if self.eat(b',').is_some() {
                self.ws()?;
            } else {
                return self.eat(b']').map(|_| out);
            }
        }
    }

    /// A string in double quotes with the escapes `char::escape_debug`
    /// writes (`\" \' \\ \n \r \t \0 \u{…}`); no raw control characters.
    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = String::new();
        loop {
            let rest = &self.bytes[self.at..];
            let stop = memchr::memchr2(b'"', b'\\', rest)?;
            let plain = &rest[..stop];
            if plain.iter().any(|b| *b < 0x20) {
                return None;
            }
            out.push_str(&self.text[self.at..self.at + stop]);
            self.at += stop;
            if self.eat(b'"').is_some() {
                return Some(out);
            }
            self.at += 1; // the backslash
            let escaped = self.peek()?;
            self.at += 1;
            match escaped {
                b'"' => out.push('"'),
                b'\'' => out.push('\''),
                b'\\' => out.push('\\'),
                b'n' => out.push('\n'),
                b'r' => out.push('\r'),
                b't' => out.push('\t'),
                b'0' => out.push('\0'),
                b'u' => {
                    self.eat(b'{')?;
                    let start = self.at;
                    while self.peek().is_some_and(|b| b.is_ascii_hexdigit()) {
                        self.at += 1;
                    }
                    let digits = &self.text[start..self.at];
                    if digits.is_empty() || digits.len() > 6 {
                        return None;
                    }
                    self.eat(b'}')?;
                    let code = u32::from_str_radix(digits, 16).ok()?;
                    out.push(char::from_u32(code)?);
                }
                _ => return None,
            }
        }
    }

    /// Decimal digits only (no sign, `_`, or other base).
    fn number(&mut self) -> Option<u64> {
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        // A number runs into a letter or `.` only in forms not taken here;
        // leading zeros are not taken either.
        let digits = &self.bytes[start..self.at];
        if digits.is_empty()
            || (digits.len() > 1 && digits[0] == b'0')
            || self
                .peek()
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        {
            return None;
        }
        self.text[start..self.at].parse().ok()
    }

    fn usize(&mut self) -> Option<usize> {
        usize::try_from(self.number()?).ok()
    }

    fn boolean(&mut self) -> Option<bool> {
        match self.ident()? {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// `None`, `Some(value)`, or the value alone (RON's implicit `Some`,
    /// which glossator's files allow).
    fn option<T>(&mut self, mut value: impl FnMut(&mut Self) -> Option<T>) -> Option<Option<T>> {
        if self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
            let start = self.at;
            match self.ident()? {
                "None" => return Some(None),
                "Some" => {
                    self.eat(b'(')?;
                    self.ws()?;
                    let v = value(self)?;
                    self.ws()?;
                    self.eat(b')')?;
                    return Some(Some(v));
                }
                // An identifier that is the value itself (an enum).
                _ => self.at = start,
            }
        }
        value(self).map(Some)
    }

    fn sidecar(&mut self) -> Option<Sidecar> {
        let (mut version, mut source, mut annotator) = (None, None, None);
        let (mut actors, mut issues, mut annotations, mut dismissed) = (None, None, None, None);
        self.fields(|p, name| match name {
            "version" => once(&mut version, p.number().and_then(|n| u32::try_from(n).ok())),
            "source" => once(&mut source, p.source()),
            "annotator" => once(&mut annotator, p.string()),
            "actors" => once(&mut actors, p.list(Self::actor)),
            "issues" => once(&mut issues, p.list(Self::string)),
            "annotations" => once(&mut annotations, p.list(Self::annotation)),
            "dismissed" => once(&mut dismissed, p.list(Self::dismissal)),
            _ => None,
        })?;
        Some(Sidecar {
            version: version?,
            source: source?,
            annotator: annotator?,
            actors: actors.unwrap_or_default(),
            issues: issues.unwrap_or_default(),
            annotations: annotations.unwrap_or_default(),
            dismissed: dismissed.unwrap_or_default(),
        })
    }

    fn source(&mut self) -> Option<SourceInfo> {
        let (mut name, mut size, mut sha256, mut extractor) = (None, None, None, None);
        self.fields(|p, field| match field {
            "name" => once(&mut name, p.string()),
            "size" => once(&mut size, p.number()),
            "sha256" => once(&mut sha256, p.string()),
            "extractor" => once(&mut extractor, p.option(Self::string)),
            _ => None,
        })?;
        Some(SourceInfo {
            name: name?,
            size: size?,
            sha256: sha256?,
            extractor: extractor.flatten(),
        })
    }

    fn actor(&mut self) -> Option<Actor> {
        let (mut name, mut aliases) = (None, None);
        self.fields(|p, field| match field {
            "name" => once(&mut name, p.string()),
            "aliases" => once(&mut aliases, p.list(Self::string)),
            _ => None,
        })?;
        Some(Actor {
            name: name?,
            aliases: aliases.unwrap_or_default(),
        })
    }

    fn stance(&mut self) -> Option<Stance> {
        match self.ident()? {
            "Support" => Some(Stance::Support),
            "Oppose" => Some(Stance::Oppose),
            "Neutral" => Some(Stance::Neutral),
            _ => None,
        }
    }

    /// `Claim(by: …)`, `Advice(from: …, to: …)`, `Position(actor: …,
    /// stance: …, issue: …)`.
    fn tag(&mut self) -> Option<Tag> {
        let variant = self.ident()?;
        let (mut by, mut from, mut to) = (None, None, None);
        let (mut actor, mut stance, mut issue) = (None, None, None);
        self.fields(|p, field| match (variant, field) {
            ("Claim", "by") => once(&mut by, p.string()),
            ("Advice", "from") => once(&mut from, p.string()),
            ("Advice", "to") => once(&mut to, p.string()),
            ("Position", "actor") => once(&mut actor, p.string()),
            ("Position", "stance") => once(&mut stance, p.stance()),
            ("Position", "issue") => once(&mut issue, p.string()),
            _ => None,
        })?;
        Some(match variant {
            "Claim" => Tag::Claim { by: by? },
            "Advice" => Tag::Advice {
                from: from?,
                to: to?,
            },
            "Position" => Tag::Position {
                actor: actor?,
                stance: stance?,
                issue: issue?,
            },
            _ => return None,
        })
    }

    fn range(&mut self) -> Option<CharRange> {
        let (mut start, mut end) = (None, None);
        self.fields(|p, field| match field {
            "start" => once(&mut start, p.usize()),
            "end" => once(&mut end, p.usize()),
            _ => None,
        })?;
        Some(CharRange {
            start: start?,
            end: end?,
        })
    }

    fn anchor(&mut self) -> Option<Anchor> {
        let (mut paragraph, mut hash, mut quote, mut prefix) = (None, None, None, None);
        let (mut suffix, mut narrowed, mut range) = (None, None, None);
        self.fields(|p, field| match field {
            "paragraph" => once(&mut paragraph, p.usize()),
            "hash" => once(&mut hash, p.string()),
            "quote" => once(&mut quote, p.string()),
            "prefix" => once(&mut prefix, p.string()),
            "suffix" => once(&mut suffix, p.string()),
            "narrowed" => once(&mut narrowed, p.boolean()),
            "range" => once(&mut range, p.option(Self::range)),
            _ => None,
        })?;
        Some(Anchor {
            paragraph: paragraph?,
            hash: hash?,
            quote: quote?,
            prefix: prefix?,
            suffix: suffix?,
            narrowed: narrowed?,
            range: range.flatten(),
        })
    }

    fn origin(&mut self) -> Option<Origin> {
        let (mut annotator, mut id, mut replaced) = (None, None, None);
        self.fields(|p, field| match field {
            "annotator" => once(&mut annotator, p.string()),
            "id" => once(&mut id, p.string()),
            "replaced" => once(&mut replaced, p.option(Self::string)),
            _ => None,
        })?;
        Some(Origin {
            annotator: annotator?,
            id: id?,
            replaced: replaced.flatten(),
        })
    }

    fn annotation(&mut self) -> Option<Annotation> {
        let (mut id, mut tag, mut anchor, mut note) = (None, None, None, None);
        let (mut created, mut modified, mut origin) = (None, None, None);
        self.fields(|p, field| match field {
            "id" => once(&mut id, p.string()),
            "tag" => once(&mut tag, p.tag()),
            "anchor" => once(&mut anchor, p.anchor()),
            "note" => once(&mut note, p.option(Self::string)),
            "created" => once(&mut created, p.string()),
            "modified" => once(&mut modified, p.string()),
            "origin" => once(&mut origin, p.option(Self::origin)),
            _ => None,
        })?;
        Some(Annotation {
            id: id?,
            tag: tag?,
            anchor: anchor?,
            note: note.flatten(),
            created: created?,
            modified: modified?,
            origin: origin.flatten(),
        })
    }

    fn dismissal(&mut self) -> Option<Dismissal> {
        let (mut paragraph, mut hash, mut rule, mut tag) = (None, None, None, None);
        self.fields(|p, field| match field {
            "paragraph" => once(&mut paragraph, p.usize()),
            "hash" => once(&mut hash, p.string()),
            "rule" => once(&mut rule, p.string()),
            "tag" => once(&mut tag, p.tag()),
            _ => None,
        })?;
        Some(Dismissal {
            paragraph: paragraph?,
            hash: hash?,
            rule: rule?,
            tag: tag?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What RON reads from `text`, without normalising (as `parse` returns).
    fn through_ron(text: &str) -> Option<Sidecar> {
        super::super::ron_options().from_str(text).ok()
    }

    /// Any text: control characters, escapes, quotes, combining marks,
    /// non-ASCII.
    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[a-zA-Z \\-\"'\\\\\\n\\r\\t\\x00\\x1b\\x07\\u{202e}\\u{301}\\u{9b}한국어{}#/]{0,30}",
        ]
    }

    fn tag() -> impl Strategy<Value = Tag> {
        let stance = prop_oneof![
            Just(Stance::Support),
            Just(Stance::Oppose),
            Just(Stance::Neutral)
        ];
        prop_oneof![
            text().prop_map(|by| Tag::Claim { by }),
            (text(), text()).prop_map(|(from, to)| Tag::Advice { from, to }),
            (text(), stance, text()).prop_map(|(actor, stance, issue)| Tag::Position {
                actor,
                stance,
                issue
            }),
        ]
    }

    fn annotation() -> impl Strategy<Value = Annotation> {
        (
            (text(), tag(), any::<usize>(), text(), text(), any::<bool>()),
            any::<Option<(usize, usize)>>(),
            proptest::option::of(text()),
            (text(), text()),
            proptest::option::of((text(), text(), proptest::option::of(text()))),
        )
            .prop_map(
                |((id, tag, paragraph, hash, quote, narrowed), range, note, times, origin)| {
                    Annotation {
                        id,
                        tag,
                        anchor: Anchor {
                            paragraph,
                            hash,
                            quote: quote.clone(),
                            prefix: quote.chars().rev().collect(),
                            suffix: quote,
                            narrowed,
                            range: range.map(|(start, end)| CharRange { start, end }),
                        },
                        note,
                        created: times.0,
                        modified: times.1,
                        origin: origin.map(|(annotator, id, replaced)| Origin {
                            annotator,
                            id,
                            replaced,
                        }),
                    }
                },
            )
    }

    fn sidecar() -> impl Strategy<Value = Sidecar> {
        (
            (text(), any::<u64>(), text(), proptest::option::of(text())),
            text(),
            prop::collection::vec((text(), prop::collection::vec(text(), 0..3)), 0..3),
            prop::collection::vec(text(), 0..3),
            prop::collection::vec(annotation(), 0..5),
            prop::collection::vec((any::<usize>(), text(), text(), tag()), 0..2),
        )
            .prop_map(
                |(source, annotator, actors, issues, annotations, dismissed)| Sidecar {
                    version: 1,
                    source: SourceInfo {
                        name: source.0,
                        size: source.1,
                        sha256: source.2,
                        extractor: source.3,
                    },
                    annotator,
                    actors: actors
                        .into_iter()
                        .map(|(name, aliases)| Actor { name, aliases })
                        .collect(),
                    issues,
                    annotations,
                    dismissed: dismissed
                        .into_iter()
                        .map(|(paragraph, hash, rule, tag)| Dismissal {
                            paragraph,
                            hash,
                            rule,
                            tag,
                        })
                        .collect(),
                },
            )
    }

    /// The file text of `s` as gloss writes it (normalised first).
    fn written(s: &Sidecar) -> String {
        s.to_ron().expect("serialise")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn every_sidecar_gloss_writes_is_read_as_ron_reads_it(s in sidecar()) {
            let text = written(&s);
            let fast = parse(&text);
            prop_assert!(fast.is_some(), "not taken: {text}");
            prop_assert_eq!(fast, through_ron(&text));
        }

        #[test]
        fn what_this_reader_takes_from_a_damaged_file_ron_reads_alike(
            s in sidecar(),
            cuts in prop::collection::vec((any::<usize>(), any::<u8>()), 1..5),
        ) {
            let mut bytes = written(&s).into_bytes();
            for (at, b) in cuts {
                let at = at % (bytes.len() + 1);
                match b % 3 {
                    0 => bytes.insert(at, b"()[]{},:\"\\ x0-9u_'/#\n"[b as usize % 21]),
                    1 if at < bytes.len() => { bytes.remove(at); }
                    _ => bytes.truncate(at.max(1)),
                }
            }
            let text = String::from_utf8_lossy(&bytes);
            if let Some(fast) = parse(&text) {
                prop_assert_eq!(Some(fast), through_ron(&text), "{}", text);
            }
        }
    }

    proptest! {
        #[test]
        fn a_registry_read_alone_is_the_registry_of_the_whole_file(s in sidecar()) {
            let text = written(&s);
            let (version, actors) = registry(&text).expect("gloss's own layout");
            let whole = parse(&text).expect("gloss's own layout");
            prop_assert_eq!(version, whole.version);
            prop_assert_eq!(actors, whole.actors);
        }
    }

    #[test]
    fn a_registry_is_read_only_after_the_header_gloss_writes() {
        let head =
            "(version: 1, source: (name: \"m\", size: 3, sha256: \"ab\"), annotator: \"kim\"";
        let actors = "actors: [(name: \"Nam Il\", aliases: [\"Nam Ir\"])]";
        let nam = vec![Actor {
            name: "Nam Il".into(),
            aliases: vec!["Nam Ir".into()],
        }];
        // The rest of the file is not read: annotations cost nothing.
        let taken = [
            format!("{head}, {actors})"),
            format!("{head}, {actors},)"),
            format!("{head}, {actors}, annotations: [not read])"),
            // The header in another order.
            format!(
                "(annotator: \"kim\", source: (name: \"m\", size: 3, sha256: \"ab\"), version: 1, {actors})"
            ),
        ];
        for text in &taken {
            assert_eq!(registry(text), Some((1, nam.clone())), "{text}");
        }
        // Left to the full parse: no version, source or annotator before the
        // list, a field repeated, another field first, a list that does not end.
        for text in [
            format!(
                "(source: (name: \"m\", size: 3, sha256: \"ab\"), annotator: \"kim\", {actors})"
            ),
            format!("(version: 1, annotator: \"kim\", {actors})"),
            format!("(version: 1, source: (name: \"m\", size: 3, sha256: \"ab\"), {actors})"),
            format!(
                "(version: 1, version: 1, source: (name: \"m\", size: 3, sha256: \"ab\"), annotator: \"kim\", {actors})"
            ),
            format!("{head}, issues: [], {actors})"),
            format!("{head}, {actors} x"),
            format!("{head}, actors: [(name: \"Nam Il\")"),
            format!("Sidecar{head}, {actors})"),
            format!("// c\n{head}, {actors})"),
            format!("{head})"),
        ] {
            assert_eq!(registry(&text), None, "{text}");
        }
    }

    #[test]
    fn hand_written_files_are_read_as_ron_reads_them_or_left_to_it() {
        let base =
            "(version: 1, source: (name: \"m.txt\", size: 3, sha256: \"ab\"), annotator: \"kim\")";
        for text in [
            base,
            "(version: 1, source: (name: \"m.txt\", size: 3, sha256: \"ab\",), annotator: \"kim\",)\n",
            // Fields in another order, implicit Some, unit and struct options.
            "(annotator: \"kim\", version: 1, source: (sha256: \"ab\", size: 3, name: \"m\", extractor: \"x 1\"), \
             annotations: [(id: \"a\", tag: Position(stance: Oppose, actor: \"A\", issue: \"I\"), \
             anchor: (paragraph: 2, hash: \"h\", quote: \"q\\u{301}\\'\", prefix: \"\", suffix: \"\\n\", narrowed: true, \
             range: Some((start: 0, end: 1))), note: \"n\", created: \"c\", modified: \"m\", origin: (annotator: \"b\", id: \"x\"))])",
        ] {
            let fast = parse(text);
            assert!(fast.is_some(), "not taken: {text}");
            assert_eq!(fast, through_ron(text), "{text}");
        }
        // Left to RON: comments, struct names, unknown fields, raw strings,
        // repeated fields, other number forms, attributes, trailing text.
        for text in [
            "// a comment\n(version: 1, source: (name: \"m\", size: 3, sha256: \"ab\"), annotator: \"kim\")",
            "Sidecar(version: 1, source: (name: \"m\", size: 3, sha256: \"ab\"), annotator: \"kim\")",
            "(version: 1, extra: 2, source: (name: \"m\", size: 3, sha256: \"ab\"), annotator: \"kim\")",
            "(version: 1, source: (name: r\"m\", size: 3, sha256: \"ab\"), annotator: \"kim\")",
            "(version: 1, version: 1, source: (name: \"m\", size: 3, sha256: \"ab\"), annotator: \"kim\")",
            "(version: 1, source: (name: \"m\", size: 0x3, sha256: \"ab\"), annotator: \"kim\")",
            "(version: 1, source: (name: \"m\", size: 03, sha256: \"ab\"), annotator: \"kim\")",
            "(version: 1, source: (name: \"m\", size: 1_000, sha256: \"ab\"), annotator: \"kim\")",
            "#![enable(implicit_some)]\n(version: 1, source: (name: \"m\", size: 3, sha256: \"ab\"), annotator: \"kim\")",
            "(version: 1, source: (name: \"m\", size: 3, sha256: \"ab\"), annotator: \"kim\") x",
            "(version: 1, source: (name: \"m\\x41\", size: 3, sha256: \"ab\"), annotator: \"kim\")",
            "(version: 1, source: (name: \"m\", size: 3, sha256: \"ab\"))",
        ] {
            assert_eq!(parse(text), None, "taken: {text}");
        }
    }
}
