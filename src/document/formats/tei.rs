//! TEI P5 (quick-xml, streaming): `head`, `p`, `dateline`, `opener`,
//! `closer`, `item`, `quote` (and `ab`, `salute`, `signed`) as paragraphs;
//! `note` kept out of the running text but attached to the paragraph it is
//! anchored in; forme work (`fw`) dropped; `pb/@n` gives the page; a
//! paragraph's section is the `head` above it. The title comes from the
//! header's `titleStmt` (else the first `head`), the date from `@when` or
//! FRUS's `frus:doc-dateTime-min`. `persName`/`orgName` with `@corresp` or
//! `@ref` name persons and bodies: every spelling is gathered by id, with
//! the full name a list of persons gives (`persName/@xml:id`, as in FRUS
//! front matter, or `person/@xml:id` in the header), for the codebook.
//!
//! quick-xml never expands entities declared in a DTD (no billion laughs,
//! no external files): an unknown `&name;` is left out.

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};

use std::collections::BTreeMap;

use super::{Block, ExtractError, Extracted, Metadata, Note, Person, squeeze};

const BLOCKS: &[&str] = &[
    "head",
    "p",
    "dateline",
    "opener",
    "closer",
    "item",
    "quote",
    "ab",
    "salute",
    "signed",
    "byline",
    "docTitle",
    "label",
    "trailer",
    "postscript",
];
/// Kept out of the running text.
const SKIPPED: &[&str] = &["note", "fw", "teiHeader", "facsimile", "standOff"];

fn attr(e: &BytesStart, local: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == local)
            .then(|| {
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .ok()
                    .map(|v| v.trim().to_string())
            })
            .flatten()
    })
}

/// Lines squeezed, blank ones dropped.
fn tidy(t: &str) -> String {
    t.lines()
        .map(squeeze)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Default)]
struct State {
    blocks: Vec<Block>,
    text: String,
    section: Option<String>,
    page: Option<String>,
    /// The page the open block's text began on (`Some` once it has text).
    began_on: Option<Option<String>>,
    /// `head` is the open block.
    in_head: bool,
    /// The first `head`'s text: the title when the header gives none.
    first_head: Option<String>,
    /// Notes read since the last paragraph was flushed: they belong to it.
    notes: Vec<Note>,
    /// A list entry's person whose description follows in the open block:
    /// its id and where in `text` its name ended.
    describing: Option<(String, usize)>,
    descriptions: BTreeMap<String, String>,
}

impl State {
    /// Text of the open block; the page it begins on is noted with its
    /// first words.
    fn push_text(&mut self, text: &str) {
        if self.began_on.is_none() && !text.trim().is_empty() {
            self.began_on = Some(self.page.clone());
        }
        self.text.push_str(text);
    }

    fn flush(&mut self) {
        let began_on = self.began_on.take().flatten();
        if let Some((id, at)) = self.describing.take() {
            let rest = self.text.get(at..).unwrap_or_default();
            let d = squeeze(rest.trim_start_matches(|c: char| {
                c == ',' || c == ';' || c == ':' || c.is_whitespace()
            }));
            if !d.is_empty() {
                self.descriptions.entry(id).or_insert(d);
            }
        }
        let t = tidy(&std::mem::take(&mut self.text));
        if t.is_empty() {
            // Notes of an empty block stay with the paragraph before.
            if let Some(last) = self.blocks.last_mut() {
                last.notes.append(&mut self.notes);
            }
            return;
        }
        if self.in_head {
            self.section = Some(squeeze(&t));
            if self.first_head.is_none() {
                self.first_head = self.section.clone();
            }
        }
        self.blocks.push(Block {
            text: t,
            page: super::page_span(began_on.as_deref(), self.page.as_deref()),
            section: self.section.clone(),
            boilerplate: false,
            notes: std::mem::take(&mut self.notes),
            styles: Vec::new(),
        });
    }
}

/// A `persName`/`orgName` being read.
struct NameCapture {
    id: String,
    /// A list entry (the full name), not a mention.
    listed: bool,
    depth: usize,
    text: String,
}

/// Spellings by id, in order of first appearance.
#[derive(Default)]
struct Names {
    order: Vec<String>,
    spellings: BTreeMap<String, Vec<String>>,
    listed: BTreeMap<String, String>,
}

impl Names {
    fn seen(&mut self, id: &str) {
        if !self.spellings.contains_key(id) && !self.listed.contains_key(id) {
            self.order.push(id.to_string());
        }
    }

    fn mention(&mut self, id: &str, surface: String) {
        self.seen(id);
        let list = self.spellings.entry(id.to_string()).or_default();
        if !surface.is_empty() && !list.contains(&surface) {
            list.push(surface);
        }
    }

    fn list(&mut self, id: &str, full: String) {
        self.seen(id);
        if !full.is_empty() {
            self.listed.entry(id.to_string()).or_insert(full);
        }
    }

    fn into_people(self, descriptions: &BTreeMap<String, String>) -> Vec<Person> {
        let mut out = Vec::new();
        for id in self.order {
            let spellings = self.spellings.get(&id).cloned().unwrap_or_default();
            let mut forms = Vec::new();
            let name = match self.listed.get(&id) {
                Some(full) => {
                    let (name, also) = display_name(full);
                    forms.push(full.clone());
                    forms.extend(also);
                    name
                }
                None => match spellings
                    .iter()
                    .max_by_key(|s| (s.chars().count(), std::cmp::Reverse(s.as_str())))
                {
                    Some(longest) => longest.clone(),
                    None => continue,
                },
            };
            forms.extend(spellings);
            let mut aliases: Vec<String> = Vec::new();
            for f in forms {
                if f != name && !f.is_empty() && !aliases.contains(&f) {
                    aliases.push(f);
                }
            }
            out.push(Person {
                description: descriptions.get(&id).cloned(),
                id,
                name,
                aliases,
            });
        }
        out
    }
}

/// Words of rank that lists put between a surname and the given names
/// (`Bowen, General Frank Sayles, Jr.`): not part of the name.
const RANKS: &[&str] = &[
    "General",
    "Lieutenant",
    "Major",
    "Brigadier",
    "Colonel",
    "Captain",
    "Vice",
    "Rear",
    "Admiral",
    "Marshal",
    "Senator",
    "Sir",
    "Prince",
    "Pandit",
    "Dr.",
];

/// What follows a name after a comma without being a given name.
const SUFFIXES: &[&str] = &["Jr.", "Sr.", "Jr", "Sr", "II", "III", "IV"];

/// A list's `Surname, Given[, Jr.]` as the name reads in prose (`Given
/// Surname, Jr.`), with ranks dropped; a parenthesised other name
/// (`Yeh, George K.C. (Yen Kung-ch’ao)`) is returned as a further spelling.
/// A name without a comma (`Chou En-lai`) is kept as it is.
pub fn display_name(listed: &str) -> (String, Vec<String>) {
    let mut also = Vec::new();
    let mut s = listed.to_string();
    if let (Some(open), Some(close)) = (s.find('('), s.rfind(')'))
        && open < close
    {
        let inner = squeeze(&s[open + 1..close]);
        if !inner.is_empty() {
            also.push(inner);
        }
        s = squeeze(&format!("{} {}", &s[..open], &s[close + 1..]));
        s = s.replace(" ,", ",");
    }
    let parts: Vec<&str> = s.split(',').map(str::trim).collect();
    // `Given Surname, Jr.` is already in prose order.
    if parts.len() < 2 || SUFFIXES.contains(&parts[1]) {
        return (squeeze(&s), also);
    }
    let surname = parts[0];
    let mut given: Vec<&str> = parts[1].split_whitespace().collect();
    while given.first().is_some_and(|w| RANKS.contains(w)) {
        given.remove(0);
    }
    let suffix = parts[2..]
        .iter()
        .filter(|p| !p.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    let mut name = if given.is_empty() {
        surname.to_string()
    } else {
        format!("{} {surname}", given.join(" "))
    };
    if !suffix.is_empty() {
        name = format!("{name}, {suffix}");
    }
    (squeeze(&name), also)
}

/// The id an `@corresp`/`@ref` points to: the first target, without `#`.
fn target_id(value: &str) -> Option<String> {
    let first = value.split_whitespace().next()?;
    let id = first.rsplit('#').next().unwrap_or(first);
    (!id.is_empty()).then(|| id.to_string())
}

pub fn extract(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let source = std::str::from_utf8(bytes).map_err(|e| ExtractError::NotUtf8(e.valid_up_to()))?;
    let mut reader = Reader::from_str(source);
    let mut st = State::default();
    let mut meta = Metadata::default();
    // Open elements' local names (the stack is data, not recursion).
    let mut open: Vec<String> = Vec::new();
    // Depth at which a skipped element (note, header) began.
    let mut skip_from: Option<usize> = None;
    let mut in_title_stmt_title = false;
    let mut title = String::new();
    let mut blocks_open = 0usize;
    // The note being read (its `@n` and text), while `skip_from` is its depth.
    let mut note: Option<(Option<String>, String)> = None;
    let mut captures: Vec<NameCapture> = Vec::new();
    let mut names = Names::default();
    // A `person`/`org` of a header list: its id and depth.
    let mut holder: Option<(String, usize)> = None;
    loop {
        let event = reader.read_event().map_err(|e| ExtractError::Malformed {
            position: reader.error_position(),
            message: e.to_string(),
        })?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.local_name().as_ref().to_string();
                if meta.date.is_none() {
                    meta.date = attr(e, "doc-dateTime-min")
                        .or_else(|| (name == "date").then(|| attr(e, "when")).flatten());
                }
                if name == "pb"
                    && let Some(n) = attr(e, "n")
                {
                    st.page = Some(n);
                }
                if name == "title"
                    && open.iter().any(|o| o == "titleStmt")
                    && title.is_empty()
                    && !empty
                {
                    in_title_stmt_title = true;
                }
                if empty {
                    if name == "lb" {
                        if skip_from.is_none() {
                            st.text.push('\n');
                        } else if let Some((_, t)) = note.as_mut() {
                            t.push('\n');
                        }
                    }
                    continue;
                }
                open.push(name.clone());
                if (name == "person" || name == "org")
                    && let Some(id) = attr(e, "id")
                {
                    holder = Some((id, open.len()));
                }
                if name == "persName" || name == "orgName" {
                    let pointed = attr(e, "corresp")
                        .or_else(|| attr(e, "ref"))
                        .and_then(|v| target_id(&v));
                    let capture = match pointed {
                        Some(id) => Some((id, false)),
                        None => attr(e, "id")
                            .or_else(|| holder.as_ref().map(|(id, _)| id.clone()))
                            .map(|id| (id, true)),
                    };
                    if let Some((id, listed)) = capture {
                        captures.push(NameCapture {
                            id,
                            listed,
                            depth: open.len(),
                            text: String::new(),
                        });
                    }
                }
                if open.len() > 4 * super::MAX_DEPTH {
                    return Err(ExtractError::Malformed {
                        position: reader.buffer_position(),
                        message: format!("elements nested deeper than {}", 4 * super::MAX_DEPTH),
                    });
                }
                if skip_from.is_some() {
                    // A paragraph inside a note starts a line of it.
                    if let Some((_, t)) = note.as_mut()
                        && BLOCKS.contains(&name.as_str())
                        && !t.trim().is_empty()
                    {
                        t.push('\n');
                    }
                    continue;
                }
                if SKIPPED.contains(&name.as_str()) {
                    skip_from = Some(open.len());
                    if name == "note" {
                        note = Some((attr(e, "n"), String::new()));
                    }
                    continue;
                }
                if BLOCKS.contains(&name.as_str()) {
                    st.flush();
                    st.in_head = name == "head";
                    blocks_open += 1;
                }
            }
            Event::End(e) => {
                let name = e.local_name().as_ref().to_string();
                if name == "title" {
                    in_title_stmt_title = false;
                }
                if captures.last().is_some_and(|c| c.depth == open.len())
                    && let Some(c) = captures.pop()
                {
                    let text = squeeze(&c.text);
                    if c.listed {
                        names.list(&c.id, text);
                        if skip_from.is_none() && blocks_open > 0 {
                            st.describing = Some((c.id, st.text.len()));
                        }
                    } else {
                        names.mention(&c.id, text);
                    }
                }
                if holder.as_ref().is_some_and(|(_, d)| *d == open.len()) {
                    holder = None;
                }
                if skip_from == Some(open.len()) {
                    skip_from = None;
                    if let Some((n, text)) = note.take() {
                        let text = tidy(&text);
                        if !text.is_empty() {
                            let found = Note { n, text };
                            match st.blocks.last_mut() {
                                Some(last) if blocks_open == 0 => last.notes.push(found),
                                _ => st.notes.push(found),
                            }
                        }
                    }
                } else if skip_from.is_none() && BLOCKS.contains(&name.as_str()) {
                    st.flush();
                    st.in_head = false;
                    blocks_open = blocks_open.saturating_sub(1);
                }
                open.pop();
            }
            Event::Text(t) => {
                let t = t.xml_content(quick_xml::XmlVersion::Implicit1_0);
                if in_title_stmt_title {
                    title.push_str(&t);
                }
                for c in &mut captures {
                    c.text.push_str(&t);
                }
                if let Some((_, n)) = note.as_mut() {
                    n.push_str(&t.replace(['\n', '\r'], " "));
                }
                if skip_from.is_none() && blocks_open > 0 {
                    st.push_text(&t.replace(['\n', '\r'], " "));
                }
            }
            Event::CData(t) if skip_from.is_none() && blocks_open > 0 => {
                st.push_text(&t.xml_content(quick_xml::XmlVersion::Implicit1_0));
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c.to_string()),
                    _ => resolve_predefined_entity(
                        &r.xml_content(quick_xml::XmlVersion::Implicit1_0),
                    )
                    .map(str::to_string),
                };
                if let Some(s) = resolved {
                    if in_title_stmt_title {
                        title.push_str(&s);
                    }
                    for c in &mut captures {
                        c.text.push_str(&s);
                    }
                    if let Some((_, n)) = note.as_mut() {
                        n.push_str(&s);
                    }
                    if skip_from.is_none() && blocks_open > 0 {
                        st.push_text(&s);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    st.flush();
    if !open.is_empty() {
        return Err(ExtractError::Malformed {
            position: reader.buffer_position(),
            message: format!(
                "file ends inside <{}>",
                open.last().map_or("", |s| s.as_str())
            ),
        });
    }
    meta.title = Some(squeeze(&title))
        .filter(|t| !t.is_empty())
        .or(st.first_head.take());
    meta.actors = names.into_people(&st.descriptions);
    Ok(Extracted {
        blocks: st.blocks,
        meta,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE TEI [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<TEI xmlns="http://www.tei-c.org/ns/1.0" xmlns:frus="http://history.state.gov/frus/ns/1.0">
<teiHeader><fileDesc><titleStmt><title>Talks &amp; Notes</title></titleStmt></fileDesc></teiHeader>
<text><body>
<div type="document" frus:doc-dateTime-min="1956-07-24T00:00:00">
<head>Memorandum of Conversation<note n="1">Source: archive.</note></head>
<opener><dateline>Washington, <date when="1956-07-24">July 24, 1956</date></dateline></opener>
<p>The Secretary said
that the talks&#x2014;now in their<lb/>third week&b;&#8212;would go on.</p>
<pb n="12"/>
<list><item>First point.</item><item>Second point.</item></list>
<closer>J. F. D.</closer>
</div></body></text></TEI>"#;

    fn texts(e: &Extracted) -> Vec<&str> {
        e.blocks.iter().map(|b| b.text.as_str()).collect()
    }

    #[test]
    fn blocks_sections_pages_and_notes_kept_out() {
        let e = extract(DOC.as_bytes()).unwrap();
        assert_eq!(
            texts(&e),
            [
                "Memorandum of Conversation",
                "Washington, July 24, 1956",
                "The Secretary said that the talks\u{2014}now in their\nthird week\u{2014}would go on.",
                "First point.",
                "Second point.",
                "J. F. D.",
            ]
        );
        assert_eq!(
            e.blocks[2].section.as_deref(),
            Some("Memorandum of Conversation")
        );
        assert_eq!(e.blocks[2].page, None);
        assert_eq!(e.blocks[3].page.as_deref(), Some("12"));
    }

    #[test]
    fn a_paragraph_over_a_page_break_gives_both_pages() {
        let xml = r#"<TEI><text><body><pb n="11"/><p>Begins here,</p>
            <p>goes on <pb n="12"/> over the break.</p><p>After it.</p>
            <pb n="13"/><p>On a page of its own.</p></body></text></TEI>"#;
        let e = extract(xml.as_bytes()).unwrap();
        let pages: Vec<Option<&str>> = e.blocks.iter().map(|b| b.page.as_deref()).collect();
        assert_eq!(pages, [Some("11"), Some("11–12"), Some("12"), Some("13")]);
    }

    #[test]
    fn title_and_date() {
        let e = extract(DOC.as_bytes()).unwrap();
        assert_eq!(e.meta.title.as_deref(), Some("Talks & Notes"));
        assert_eq!(e.meta.date.as_deref(), Some("1956-07-24T00:00:00"));
    }

    #[test]
    fn malformed_xml_is_an_error_with_a_position() {
        let err = extract(b"<TEI><text><p>open</text></TEI>").unwrap_err();
        assert!(matches!(err, ExtractError::Malformed { .. }), "{err}");
        assert!(err.to_string().starts_with("byte "), "{err}");
    }

    #[test]
    fn nesting_too_deep_is_an_error_not_a_crash() {
        let deep = "<TEI>".to_string() + &"<div>".repeat(100_000);
        assert!(extract(deep.as_bytes()).is_err());
    }

    #[test]
    fn real_frus_excerpts_give_dated_paragraphs() {
        let xml = include_bytes!("../../../tests/data/frus/excerpts.xml");
        let e = extract(xml).unwrap();
        assert!(e.blocks.len() > 20, "{}", e.blocks.len());
        assert!(e.meta.date.is_some());
        assert!(e.blocks.iter().all(|b| !b.text.contains('<')));
    }

    #[test]
    fn notes_stay_out_of_the_text_and_attach_to_their_paragraph() {
        let e = extract(DOC.as_bytes()).unwrap();
        assert_eq!(
            e.blocks[0].notes,
            [Note {
                n: Some("1".into()),
                text: "Source: archive.".into()
            }]
        );
        assert!(e.blocks[1..].iter().all(|b| b.notes.is_empty()));
    }

    #[test]
    fn frus_notes_with_paragraphs_and_persons_from_the_list() {
        let xml = include_bytes!("../../../tests/data/frus-import/frus1955-57v03-excerpt.xml");
        let e = extract(xml).unwrap();
        let head = e
            .blocks
            .iter()
            .find(|b| b.text.starts_with("35. Telegram"))
            .unwrap();
        assert_eq!(head.notes.len(), 1);
        assert!(
            head.notes[0]
                .text
                .starts_with("Source: Department of State")
        );
        let p = e
            .blocks
            .iter()
            .find(|b| b.text == "602. Your 571.")
            .unwrap();
        assert_eq!(p.notes[0].n.as_deref(), Some("2"));
        // The note's two paragraphs are two lines of it.
        assert_eq!(p.notes[0].text.lines().count(), 2, "{}", p.notes[0].text);
        let johnson = e.meta.actors.iter().find(|a| a.id == "p_JUA1").unwrap();
        assert_eq!(johnson.name, "U. Alexis Johnson");
        assert!(johnson.aliases.contains(&"Johnson, U. Alexis".to_string()));
        assert!(johnson.aliases.contains(&"Johnson".to_string()));
        assert!(
            johnson
                .description
                .as_deref()
                .is_some_and(|d| d.starts_with("Ambassador to Czechoslovakia")),
            "{:?}",
            johnson.description
        );
        let nu = e.meta.actors.iter().find(|a| a.id == "p_NU1").unwrap();
        assert_eq!(nu.name, "U Nu");
        let wang = e.meta.actors.iter().find(|a| a.id == "p_WP1").unwrap();
        assert_eq!(wang.name, "Wang Ping-nan");
        assert!(wang.aliases.contains(&"Wang".to_string()));
    }

    #[test]
    fn persons_without_a_list_are_named_by_their_longest_spelling() {
        let xml = r##"<TEI><text><body><p><persName ref="#nam">Nam Il</persName> met
            <orgName corresp="org.xml#kpa">the Korean People's Army</orgName>;
            <persName ref="#nam">Nam</persName> spoke. <persName>Nobody</persName></p>
            <note><persName corresp="#kim">Kim</persName></note></body></text></TEI>"##;
        let e = extract(xml.as_bytes()).unwrap();
        let people: Vec<(&str, &str, Vec<&str>)> = e
            .meta
            .actors
            .iter()
            .map(|p| {
                (
                    p.id.as_str(),
                    p.name.as_str(),
                    p.aliases.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            people,
            [
                ("nam", "Nam Il", vec!["Nam"]),
                ("kpa", "the Korean People's Army", vec![]),
                ("kim", "Kim", vec![]),
            ]
        );
    }

    #[test]
    fn header_list_person_gives_the_full_name() {
        let xml = r##"<TEI><teiHeader><profileDesc><particDesc><listPerson>
            <person xml:id="p_DJF1"><persName>Dulles, John Foster</persName></person>
            </listPerson></particDesc></profileDesc></teiHeader>
            <text><body><p><persName corresp="#p_DJF1">Dulles</persName> said no.</p></body></text></TEI>"##;
        let e = extract(xml.as_bytes()).unwrap();
        assert_eq!(e.meta.actors.len(), 1);
        assert_eq!(e.meta.actors[0].name, "John Foster Dulles");
        assert_eq!(e.meta.actors[0].aliases, ["Dulles, John Foster", "Dulles"]);
    }

    #[test]
    fn list_names_read_as_in_prose() {
        let n = |s: &str| display_name(s);
        assert_eq!(n("Dulles, John Foster").0, "John Foster Dulles");
        assert_eq!(n("Minnich, L. Arthur, Jr.").0, "L. Arthur Minnich, Jr.");
        assert_eq!(
            n("Bowen, General Frank Sayles, Jr.").0,
            "Frank Sayles Bowen, Jr."
        );
        assert_eq!(
            n("Chiang Ching-kuo, Lieutenant General").0,
            "Chiang Ching-kuo"
        );
        assert_eq!(n("Chou En-lai").0, "Chou En-lai");
        // Already in prose order (a name written back into a header).
        assert_eq!(n("L. Arthur Minnich, Jr.").0, "L. Arthur Minnich, Jr.");
        assert_eq!(
            n("Yeh, George K.C. (Yen Kung-ch’ao)"),
            (
                "George K.C. Yeh".to_string(),
                vec!["Yen Kung-ch’ao".to_string()]
            )
        );
    }

    #[test]
    fn title_falls_back_to_the_first_head() {
        let e =
            extract(b"<TEI><text><body><div><head>A Memo</head><p>x</p></div></body></text></TEI>")
                .unwrap();
        assert_eq!(e.meta.title.as_deref(), Some("A Memo"));
    }
}
