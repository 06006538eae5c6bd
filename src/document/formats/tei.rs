//! TEI P5 (quick-xml, streaming): `head`, `p`, `dateline`, `opener`,
//! `closer`, `item`, `quote` (and `ab`, `salute`, `signed`) as paragraphs;
//! `note` and forme work (`fw`) kept out of the running text; `pb/@n` gives
//! the page; a paragraph's section is the `head` above it. The title comes
//! from the header's `titleStmt`, the date from `@when` or FRUS's
//! `frus:doc-dateTime-min`.
//!
//! quick-xml never expands entities declared in a DTD (no billion laughs,
//! no external files): an unknown `&name;` is left out.

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};

use super::{Block, ExtractError, Extracted, Metadata, squeeze};

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

#[derive(Default)]
struct State {
    blocks: Vec<Block>,
    text: String,
    section: Option<String>,
    page: Option<String>,
    /// `head` is the open block.
    in_head: bool,
}

impl State {
    fn flush(&mut self) {
        let t = std::mem::take(&mut self.text);
        let t = t
            .lines()
            .map(squeeze)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        if t.is_empty() {
            return;
        }
        if self.in_head {
            self.section = Some(squeeze(&t));
        }
        self.blocks.push(Block {
            text: t,
            page: self.page.clone(),
            section: self.section.clone(),
            boilerplate: false,
        });
    }
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
                    if name == "lb" && skip_from.is_none() {
                        st.text.push('\n');
                    }
                    continue;
                }
                open.push(name.clone());
                if open.len() > 4 * super::MAX_DEPTH {
                    return Err(ExtractError::Malformed {
                        position: reader.buffer_position(),
                        message: format!("elements nested deeper than {}", 4 * super::MAX_DEPTH),
                    });
                }
                if skip_from.is_some() {
                    continue;
                }
                if SKIPPED.contains(&name.as_str()) {
                    skip_from = Some(open.len());
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
                if skip_from == Some(open.len()) {
                    skip_from = None;
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
                if skip_from.is_none() && blocks_open > 0 {
                    st.text.push_str(&t.replace(['\n', '\r'], " "));
                }
            }
            Event::CData(t) if skip_from.is_none() && blocks_open > 0 => {
                st.text
                    .push_str(&t.xml_content(quick_xml::XmlVersion::Implicit1_0));
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
                    if skip_from.is_none() && blocks_open > 0 {
                        st.text.push_str(&s);
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
    meta.title = Some(squeeze(&title)).filter(|t| !t.is_empty());
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
}
