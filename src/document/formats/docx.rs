//! DOCX (Office Open XML, as Word and LibreOffice write it): the zip is read
//! with the `zip` crate, its parts with quick-xml, streaming.
//!
//! Each `w:p` of the body is a paragraph, its runs joined (`w:t`; `w:tab` a
//! tab; `w:br`/`w:cr` a line break); a paragraph styled as a heading
//! (`Heading1`…, `Title`, or a style whose name in `styles.xml` is
//! `heading N`/`Title`, or one with an outline level) is a heading and the
//! section of what follows. Footnotes and endnotes are kept out of the
//! running text and attached to the paragraph that references them (as TEI
//! notes). Tables are read cell by cell, one paragraph per cell. The core
//! properties give the title, creator and dates.
//!
//! Hostile files: a part is read only up to [`MAX_PART_BYTES`] whatever its
//! header declares (a zip bomb stops there with an error), elements nested
//! deeper than [`super::MAX_DEPTH`] are an error, and DTD entities are never
//! expanded (quick-xml does not), so no billion laughs.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{Block, ExtractError, Extracted, Metadata, Note, squeeze};

/// Largest decompressed part read (the body of a 1,000-page report is a few MB).
pub const MAX_PART_BYTES: u64 = 64 << 20;
/// Most entries an archive may list (a real DOCX has a few dozen).
const MAX_ENTRIES: usize = 10_000;

fn archive_error(message: impl Into<String>) -> ExtractError {
    ExtractError::Archive(message.into())
}

/// Read one part of the archive, `None` when it is absent. Reading stops at
/// `limit` bytes whatever the entry declares.
fn part<R: Read + std::io::Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    limit: u64,
) -> Result<Option<String>, ExtractError> {
    let mut entry = match zip.by_name(name) {
        Ok(e) => e,
        Err(zip::result::ZipError::FileNotFound) => return Ok(None),
        Err(e) => return Err(archive_error(format!("{name}: {e}"))),
    };
    if entry.size() > limit {
        return Err(archive_error(format!(
            "{name}: declares {} bytes uncompressed (the limit is {limit}): not read",
            entry.size()
        )));
    }
    let mut bytes = Vec::new();
    (&mut entry)
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| archive_error(format!("{name}: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(archive_error(format!(
            "{name}: more than {limit} bytes uncompressed (a zip bomb?): not read"
        )));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    String::from_utf8(bytes.to_vec()).map(Some).map_err(|e| {
        archive_error(format!(
            "{name}: not UTF-8 (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

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

/// Walk a part's events, with a depth limit and errors naming the part.
fn walk(
    name: &str,
    source: &str,
    mut on: impl FnMut(&Event<'_>, usize) -> Result<(), ExtractError>,
) -> Result<(), ExtractError> {
    let mut reader = Reader::from_str(source);
    let mut depth = 0usize;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| archive_error(format!("{name}: byte {}: {e}", reader.error_position())))?;
        match &event {
            Event::Start(_) => {
                depth += 1;
                if depth > super::MAX_DEPTH {
                    return Err(archive_error(format!(
                        "{name}: byte {}: elements nested deeper than {}",
                        reader.buffer_position(),
                        super::MAX_DEPTH
                    )));
                }
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Eof => {
                if depth > 0 {
                    return Err(archive_error(format!("{name}: ends inside an element")));
                }
                return Ok(());
            }
            _ => {}
        }
        on(&event, depth)?;
    }
}

fn text_of(event: &Event<'_>) -> Option<String> {
    match event {
        Event::Text(t) => Some(
            t.xml_content(quick_xml::XmlVersion::Implicit1_0)
                .into_owned(),
        ),
        Event::CData(t) => Some(
            t.xml_content(quick_xml::XmlVersion::Implicit1_0)
                .into_owned(),
        ),
        Event::GeneralRef(r) => match r.resolve_char_ref() {
            Ok(Some(c)) => Some(c.to_string()),
            _ => quick_xml::escape::resolve_predefined_entity(
                &r.xml_content(quick_xml::XmlVersion::Implicit1_0),
            )
            .map(str::to_string),
        },
        _ => None,
    }
}

/// Which style ids are headings: by id (`Heading1`, `Title`), by name
/// (`heading 1`, `Title`), or by an outline level in the style.
fn heading_styles(styles: Option<&str>) -> Result<Vec<String>, ExtractError> {
    let mut out = Vec::new();
    let Some(styles) = styles else {
        return Ok(out);
    };
    let mut current: Option<String> = None;
    walk("word/styles.xml", styles, |event, _| {
        if let Event::Start(e) | Event::Empty(e) = event {
            match e.local_name().as_ref() {
                "style" => current = attr(e, "styleId"),
                "name" | "outlineLvl" => {
                    let heading = if e.local_name().as_ref() == "outlineLvl" {
                        outline_heading(e)
                    } else {
                        attr(e, "val").is_some_and(|v| is_heading_name(&v))
                    };
                    if heading && let Some(id) = current.clone() {
                        out.push(id);
                    }
                }
                _ => {}
            }
        }
        Ok(())
    })?;
    Ok(out)
}

/// An outline level 0–8 makes a heading; 9 is Word's "body text".
fn outline_heading(e: &BytesStart) -> bool {
    attr(e, "val")
        .and_then(|v| v.parse::<u8>().ok())
        .is_some_and(|level| level < 9)
}

fn is_heading_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace(' ', "");
    n == "title"
        || n.strip_prefix("heading")
            .is_some_and(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
}

/// What an empty run element adds to the text.
fn run_mark(e: &BytesStart, text: &mut String) {
    match e.local_name().as_ref() {
        "tab" => text.push('\t'),
        "br" | "cr" => text.push('\n'),
        "noBreakHyphen" => text.push('-'),
        _ => {}
    }
}

fn tidy(t: &str) -> String {
    t.lines()
        .map(squeeze)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Footnotes or endnotes by id, with their text (separators left out).
fn note_texts(name: &str, source: Option<&str>) -> Result<BTreeMap<String, String>, ExtractError> {
    let mut out = BTreeMap::new();
    let Some(source) = source else {
        return Ok(out);
    };
    let mut current: Option<(String, String)> = None;
    let mut in_t = false;
    walk(name, source, |event, _| {
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                "footnote" | "endnote" => {
                    let separator = attr(e, "type").is_some_and(|t| t != "normal");
                    current = (!separator)
                        .then(|| attr(e, "id"))
                        .flatten()
                        .map(|id| (id, String::new()));
                }
                "p" => {
                    if let Some((_, t)) = current.as_mut()
                        && !t.trim().is_empty()
                    {
                        t.push('\n');
                    }
                }
                "t" => in_t = true,
                _ => {}
            },
            Event::Empty(e) => {
                if let Some((_, t)) = current.as_mut() {
                    run_mark(e, t);
                }
            }
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_t = false,
                "footnote" | "endnote" => {
                    if let Some((id, t)) = current.take() {
                        let t = tidy(&t.replace('\t', " "));
                        if !t.is_empty() {
                            out.insert(id, t);
                        }
                    }
                }
                _ => {}
            },
            other => {
                if in_t
                    && let Some((_, t)) = current.as_mut()
                    && let Some(s) = text_of(other)
                {
                    t.push_str(&s);
                }
            }
        }
        Ok(())
    })?;
    Ok(out)
}

/// The core properties: title, creator, created and modified dates.
fn core_properties(source: Option<&str>, meta: &mut Metadata) -> Result<(), ExtractError> {
    let Some(source) = source else {
        return Ok(());
    };
    let mut field: Option<String> = None;
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    walk("docProps/core.xml", source, |event, depth| {
        match event {
            Event::Start(e) if depth == 2 => {
                field = Some(e.local_name().as_ref().to_string());
            }
            Event::End(_) if depth == 1 => field = None,
            other => {
                if let (Some(f), Some(s)) = (&field, text_of(other)) {
                    values.entry(f.clone()).or_default().push_str(&s);
                }
            }
        }
        Ok(())
    })?;
    for (k, v) in values {
        let v = squeeze(&v);
        if v.is_empty() {
            continue;
        }
        match k.as_str() {
            "title" => meta.title = Some(v.clone()),
            "creator" => {
                meta.fields.insert("DC.creator".into(), v.clone());
            }
            _ => {}
        }
        // The file's own dates, not the document's: kept as fields, so a
        // memo's dateline still dates it.
        if matches!(
            k.as_str(),
            "created" | "modified" | "subject" | "description"
        ) {
            meta.fields.insert(format!("docx.{k}"), v);
        }
    }
    Ok(())
}

/// The body, paragraph by paragraph.
#[derive(Default)]
struct Body {
    blocks: Vec<Block>,
    section: Option<String>,
    /// The paragraph being read: its text, whether it is a heading, its notes.
    text: String,
    heading: bool,
    notes: Vec<Note>,
    /// Open table cells (outermost first): text gathered so far and notes.
    cells: Vec<(String, Vec<Note>)>,
    /// The first heading styled `Title` (or the first heading).
    title: Option<String>,
}

impl Body {
    fn push(&mut self, text: String, notes: Vec<Note>, heading: bool) {
        let text = tidy(&text);
        if text.is_empty() {
            if let Some(last) = self.blocks.last_mut() {
                last.notes.extend(notes);
            }
            return;
        }
        if heading {
            self.section = Some(squeeze(&text));
            if self.title.is_none() {
                self.title = self.section.clone();
            }
        }
        self.blocks.push(Block {
            text,
            page: None,
            section: self.section.clone(),
            boilerplate: false,
            notes,
            styles: Vec::new(),
        });
    }

    /// A paragraph ends: a block of its own, or a line of its table cell.
    fn end_paragraph(&mut self) {
        let text = std::mem::take(&mut self.text);
        let notes = std::mem::take(&mut self.notes);
        let heading = std::mem::take(&mut self.heading);
        match self.cells.last_mut() {
            Some((cell, cell_notes)) => {
                if !cell.trim().is_empty() && !text.trim().is_empty() {
                    cell.push('\n');
                }
                cell.push_str(&text);
                cell_notes.extend(notes);
            }
            None => self.push(text, notes, heading),
        }
    }

    /// A cell opens: what the enclosing cell gathered so far is shown first
    /// (a table nested in a cell splits it).
    fn open_cell(&mut self) {
        if let Some((cell, notes)) = self.cells.last_mut() {
            let (text, notes) = (std::mem::take(cell), std::mem::take(notes));
            self.push(text, notes, false);
        }
        self.cells.push((String::new(), Vec::new()));
    }

    fn close_cell(&mut self) {
        if let Some((text, notes)) = self.cells.pop() {
            self.push(text, notes, false);
        }
    }
}

pub fn extract(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    extract_with_limit(bytes, MAX_PART_BYTES)
}

/// [`extract`] with another limit on each decompressed part (for tests).
pub fn extract_with_limit(bytes: &[u8], limit: u64) -> Result<Extracted, ExtractError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| archive_error(format!("not a DOCX (zip) file: {e}")))?;
    if zip.len() > MAX_ENTRIES {
        return Err(archive_error(format!(
            "{} entries in the archive (the limit is {MAX_ENTRIES})",
            zip.len()
        )));
    }
    let Some(document) = part(&mut zip, "word/document.xml", limit)? else {
        return Err(archive_error(
            "no word/document.xml: not a Word document".to_string(),
        ));
    };
    let styles = part(&mut zip, "word/styles.xml", limit)?;
    let footnotes = part(&mut zip, "word/footnotes.xml", limit)?;
    let endnotes = part(&mut zip, "word/endnotes.xml", limit)?;
    let core = part(&mut zip, "docProps/core.xml", limit)?;

    let headings = heading_styles(styles.as_deref())?;
    let footnotes = note_texts("word/footnotes.xml", footnotes.as_deref())?;
    let endnotes = note_texts("word/endnotes.xml", endnotes.as_deref())?;
    let mut meta = Metadata::default();
    core_properties(core.as_deref(), &mut meta)?;

    let mut body = Body::default();
    let mut in_t = false;
    // Deleted text (tracked changes) and field instructions are not read.
    // Word numbers footnotes and endnotes each from 1.
    let mut counts = [0usize; 2];
    walk("word/document.xml", &document, |event, _| {
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                "t" => in_t = true,
                "tc" => body.open_cell(),
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "pStyle" => {
                    if let Some(v) = attr(e, "val") {
                        body.heading |= headings.contains(&v) || is_heading_name(&v);
                    }
                }
                "outlineLvl" => body.heading |= outline_heading(e),
                "footnoteReference" | "endnoteReference" => {
                    let foot = e.local_name().as_ref() == "footnoteReference";
                    let notes = if foot { &footnotes } else { &endnotes };
                    if let Some(id) = attr(e, "id")
                        && let Some(text) = notes.get(&id)
                    {
                        let count = &mut counts[usize::from(!foot)];
                        *count += 1;
                        let n = attr(e, "customMarkFollows")
                            .is_none()
                            .then(|| count.to_string());
                        body.notes.push(Note {
                            n,
                            text: text.clone(),
                        });
                    }
                }
                _ => run_mark(e, &mut body.text),
            },
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_t = false,
                "p" => body.end_paragraph(),
                "tc" => body.close_cell(),
                _ => {}
            },
            other => {
                if in_t && let Some(s) = text_of(other) {
                    body.text.push_str(&s);
                }
            }
        }
        Ok(())
    })?;
    if !body.text.trim().is_empty() {
        body.end_paragraph();
    }
    if meta.title.is_none() {
        meta.title = body.title.take();
    }
    Ok(Extracted {
        blocks: body.blocks,
        meta,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main""#;

    /// A DOCX of `parts` (deflated).
    fn docx(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, bytes) in parts {
            zip.start_file(*name, options).unwrap();
            zip.write_all(bytes).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn body(inner: &str) -> String {
        format!(r#"<?xml version="1.0"?><w:document {W}><w:body>{inner}</w:body></w:document>"#)
    }

    fn texts(e: &Extracted) -> Vec<&str> {
        e.blocks.iter().map(|b| b.text.as_str()).collect()
    }

    #[test]
    fn libreoffice_report_headings_notes_and_tables() {
        let e = extract(include_bytes!("../../../tests/data/docx/report.docx")).unwrap();
        assert_eq!(
            texts(&e),
            [
                "Report on the Harbour Survey",
                "The survey of the northern basin began on 10 April. Soundings were taken every fifty metres.",
                "Findings",
                "The channel has silted up by about a metre since the last survey.",
                "Station",
                "Depth",
                "North 1",
                "7.2 m",
                "North 2",
                "Before dredging:",
                "low water 5.9 m",
                "high water 8.4 m",
                "Recommendation",
                "The Survey Office recommends dredging the channel before the winter.\nThe Port Authority has agreed to share the cost.",
            ]
        );
        assert_eq!(e.blocks[3].section.as_deref(), Some("Findings"));
        assert_eq!(e.blocks[13].section.as_deref(), Some("Recommendation"));
        assert_eq!(
            e.blocks[1].notes,
            [Note {
                n: Some("1".into()),
                text: "The start had been set for 1 April; see the memorandum of 3 March.".into()
            }]
        );
        assert_eq!(
            e.blocks[3].notes[0].text,
            "The last survey was made in 1951."
        );
        assert_eq!(
            e.blocks[13].notes[0].text,
            "Letter of the Port Authority, 2 May."
        );
        assert!(e.blocks.iter().all(|b| !b.text.contains("1951")));
        assert_eq!(
            e.meta.title.as_deref(),
            Some("Report on the Harbour Survey")
        );
        assert_eq!(
            e.meta.fields.get("DC.creator").map(String::as_str),
            Some("Survey Office")
        );
    }

    #[test]
    fn libreoffice_heading_styles_by_id() {
        let e = extract(include_bytes!("../../../tests/data/docx/notes.docx")).unwrap();
        assert_eq!(e.blocks[0].text, "Notes on the Survey");
        assert_eq!(e.blocks[3].section.as_deref(), Some("Costs"));
        assert_eq!(texts(&e)[4..], ["Item", "Cost", "Survey", "1,200"]);
    }

    #[test]
    fn zip_bomb_stops_at_the_part_limit() {
        // 2 MiB of one repeated paragraph deflates to a few KB.
        let para = "<w:p><w:r><w:t>aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa</w:t></w:r></w:p>";
        let big = body(&para.repeat((2 << 20) / para.len()));
        let file = docx(&[("word/document.xml", big.as_bytes())]);
        assert!(file.len() < 100_000, "{}", file.len());
        let err = extract_with_limit(&file, 1 << 20).unwrap_err().to_string();
        assert!(err.starts_with("word/document.xml: "), "{err}");
        assert!(err.contains("1048576"), "{err}");
        // Under the limit the same file reads.
        assert!(extract_with_limit(&file, 4 << 20).is_ok());
    }

    #[test]
    fn deeply_nested_tables_are_an_error_not_a_crash() {
        let deep = "<w:tbl><w:tr><w:tc>".repeat(400) + &"</w:tc></w:tr></w:tbl>".repeat(400);
        let file = docx(&[("word/document.xml", body(&deep).as_bytes())]);
        let err = extract(&file).unwrap_err().to_string();
        assert!(err.contains("nested deeper"), "{err}");
    }

    #[test]
    fn nested_table_cells_read_in_order() {
        let xml = body(
            "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>outer</w:t></w:r></w:p>\
             <w:tbl><w:tr><w:tc><w:p><w:r><w:t>inner</w:t></w:r></w:p></w:tc></w:tr></w:tbl>\
             <w:p><w:r><w:t>after</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
        );
        let e = extract(&docx(&[("word/document.xml", xml.as_bytes())])).unwrap();
        assert_eq!(texts(&e), ["outer", "inner", "after"]);
    }

    #[test]
    fn malformed_xml_names_the_part_and_byte() {
        let file = docx(&[(
            "word/document.xml",
            body("<w:p><w:r><w:t>open</w:r></w:p>").as_bytes(),
        )]);
        let err = extract(&file).unwrap_err().to_string();
        assert!(err.starts_with("word/document.xml: byte "), "{err}");
    }

    #[test]
    fn billion_laughs_entities_are_not_expanded() {
        let xml = format!(
            r#"<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><w:document {W}><w:body><w:p><w:r><w:t>x&c;y &amp; z</w:t></w:r></w:p></w:body></w:document>"#
        );
        let e = extract(&docx(&[("word/document.xml", xml.as_bytes())])).unwrap();
        assert_eq!(texts(&e), ["xy & z"]);
    }

    #[test]
    fn not_a_zip_or_not_word_is_a_clear_error() {
        let err = extract(b"PK\x03\x04garbage").unwrap_err().to_string();
        assert!(err.starts_with("not a DOCX (zip) file"), "{err}");
        let err = extract(&docx(&[("content.xml", b"<x/>")]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("no word/document.xml"), "{err}");
    }

    #[test]
    fn tracked_deletions_and_field_codes_stay_out() {
        let xml = body(
            "<w:p><w:r><w:t>kept </w:t></w:r><w:del><w:r><w:delText>gone</w:delText></w:r></w:del>\
             <w:r><w:instrText>PAGE</w:instrText></w:r><w:r><w:t>text</w:t><w:tab/><w:t>after tab</w:t></w:r></w:p>",
        );
        let e = extract(&docx(&[("word/document.xml", xml.as_bytes())])).unwrap();
        assert_eq!(texts(&e), ["kept text after tab"]);
    }
}
