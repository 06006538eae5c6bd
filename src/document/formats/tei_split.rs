//! Splitting a TEI volume (a FRUS volume: one `div[@type="document"]` per
//! document) into one TEI file per document, for `gloss import`.
//!
//! Each file is the document's `div`, byte for byte as in the volume, inside
//! a new `TEI` root carrying the volume's namespace declarations and a
//! minimal `teiHeader`: the title (the div's `head`, its number dropped),
//! the date (`frus:doc-dateTime-min`), the citation as `sourceDesc/bibl`,
//! and the persons it names (`particDesc/listPerson`, with the full names of
//! the volume's list of persons) — so a document moved elsewhere still reads
//! with its metadata and actors. Pure: bytes in, files' text out.

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use std::collections::BTreeMap;

use super::{ExtractError, Person, squeeze, tei};

/// One document of a volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitDocument {
    /// Sortable: `d035.xml` from `@n` (else the div's `xml:id`).
    pub file_name: String,
    pub xml: String,
    pub title: Option<String>,
    /// ISO date (`1955-08-22`).
    pub date: Option<String>,
    /// `FRUS, 1955–1957, China, Volume III, Document 35`.
    pub citation: Option<String>,
    /// The volume's full title.
    pub collection: Option<String>,
    /// The document on history.state.gov (FRUS volumes only).
    pub url: Option<String>,
    /// The div's `xml:id`.
    pub record_id: Option<String>,
}

/// A volume, split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Volume {
    pub documents: Vec<SplitDocument>,
    /// Every person and body the volume identifies (list and mentions).
    pub actors: Vec<Person>,
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

/// Escape text for XML content or a double-quoted attribute.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

struct Found {
    start: usize,
    end: usize,
    id: Option<String>,
    n: Option<String>,
    date: Option<String>,
}

/// Split `bytes` (a TEI file) into its documents. An error when the file
/// is not well-formed; an empty list when it has no document divs.
pub fn split(bytes: &[u8]) -> Result<Volume, ExtractError> {
    // Validates the whole file and gathers the persons with their full names.
    let whole = tei::extract(bytes)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let source = std::str::from_utf8(bytes).map_err(|e| ExtractError::NotUtf8(e.valid_up_to()))?;
    let mut reader = Reader::from_str(source);
    let mut namespaces: Vec<String> = Vec::new();
    let mut volume_id: Option<String> = None;
    let mut titles: BTreeMap<String, String> = BTreeMap::new();
    let mut title_type: Option<String> = None;
    let mut in_title_stmt = false;
    let mut depth = 0usize;
    let mut open_doc: Option<(usize, Found)> = None;
    let mut found: Vec<Found> = Vec::new();
    loop {
        let before = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| ExtractError::Malformed {
            position: reader.error_position(),
            message: e.to_string(),
        })?;
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let empty = matches!(event, Event::Empty(_));
                let name = e.local_name().as_ref().to_string();
                if depth == 0 {
                    volume_id = attr(e, "id");
                    for a in e.attributes().flatten() {
                        let key = a.key.as_ref().to_string();
                        if key == "xmlns" || key.starts_with("xmlns:") {
                            let value = a
                                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .map(|v| v.into_owned())
                                .unwrap_or_default();
                            namespaces.push(format!("{key}=\"{}\"", escape(&value)));
                        }
                    }
                }
                if !empty {
                    depth += 1;
                }
                if name == "titleStmt" {
                    in_title_stmt = !empty;
                }
                if in_title_stmt && name == "title" && !empty {
                    title_type = Some(attr(e, "type").unwrap_or_else(|| "main".into()));
                }
                if name == "div"
                    && open_doc.is_none()
                    && attr(e, "type").as_deref() == Some("document")
                {
                    let doc = Found {
                        start: before,
                        end: reader.buffer_position() as usize,
                        id: attr(e, "id"),
                        n: attr(e, "n"),
                        date: attr(e, "doc-dateTime-min"),
                    };
                    if empty {
                        found.push(doc);
                    } else {
                        open_doc = Some((depth, doc));
                    }
                }
            }
            Event::End(e) => {
                let name = e.local_name().as_ref().to_string();
                if name == "titleStmt" {
                    in_title_stmt = false;
                }
                if name == "title" {
                    title_type = None;
                }
                if open_doc.as_ref().is_some_and(|(d, _)| *d == depth)
                    && let Some((_, mut doc)) = open_doc.take()
                {
                    doc.end = reader.buffer_position() as usize;
                    found.push(doc);
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(t) => {
                if let Some(ty) = &title_type {
                    let t = t.xml_content(quick_xml::XmlVersion::Implicit1_0);
                    titles.entry(ty.clone()).or_default().push_str(&t);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let titles: BTreeMap<String, String> = titles
        .into_iter()
        .map(|(k, v)| (k, squeeze(&v)))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    // Without a header's title, the whole file's title is its first
    // `head`: a document's, no collection's, when the file holds several.
    let collection = titles
        .get("complete")
        .or_else(|| titles.get("main"))
        .cloned()
        .or_else(|| whole.meta.title.clone().filter(|_| found.len() <= 1));
    let width = found
        .iter()
        .filter_map(|d| d.n.as_deref().and_then(|n| n.parse::<u64>().ok()))
        .max()
        .map_or(3, |max| max.to_string().len().max(3));
    let by_id: BTreeMap<&str, &Person> = whole
        .meta
        .actors
        .iter()
        .map(|p| (p.id.as_str(), p))
        .collect();
    let mut documents = Vec::new();
    let mut names_used: BTreeMap<String, usize> = BTreeMap::new();
    for (ordinal, doc) in found.iter().enumerate() {
        let raw = &source[doc.start..doc.end];
        let bare = format!(
            "<TEI {}><text><body>{raw}</body></text></TEI>",
            namespaces.join(" ")
        );
        let read = tei::extract(bare.as_bytes())?;
        let number = doc.n.as_deref().filter(|n| n.parse::<u64>().is_ok());
        let title = read.meta.title.as_deref().map(|t| match number {
            Some(n) => t
                .strip_prefix(n)
                .and_then(|rest| rest.strip_prefix('.'))
                .map_or_else(|| t.to_string(), |rest| rest.trim().to_string()),
            None => t.to_string(),
        });
        let date = doc
            .date
            .clone()
            .or(read.meta.date.clone())
            .and_then(|d| d.get(..10).map(str::to_string).or(Some(d)))
            .filter(|d| !d.is_empty());
        let label = match (number, &doc.id) {
            (Some(n), _) => format!("Document {n}"),
            (None, Some(id)) => id.clone(),
            (None, None) => format!("document {}", ordinal + 1),
        };
        let citation = if titles.get("series").map(String::as_str)
            == Some("Foreign Relations of the United States")
        {
            let parts: Vec<&str> = ["sub-series", "volume", "volume-number"]
                .iter()
                .filter_map(|k| titles.get(*k).map(String::as_str))
                .collect();
            Some(format!("FRUS, {}, {label}", parts.join(", ")))
        } else {
            collection.as_ref().map(|c| format!("{c}, {label}"))
        };
        let url = match (&volume_id, &doc.id) {
            (Some(v), Some(d)) if v.starts_with("frus") => Some(format!(
                "https://history.state.gov/historicaldocuments/{v}/{d}"
            )),
            _ => None,
        };
        let stem = match (number, &doc.id) {
            (Some(n), _) => format!("d{n:0>width$}"),
            (None, Some(id)) => id
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect(),
            (None, None) => format!("doc{:0>width$}", ordinal + 1),
        };
        let seen = names_used.entry(stem.clone()).or_default();
        *seen += 1;
        let file_name = if *seen == 1 {
            format!("{stem}.xml")
        } else {
            format!("{stem}-{seen}.xml")
        };
        let mut header = String::from("<teiHeader><fileDesc><titleStmt><title>");
        header.push_str(&escape(title.as_deref().unwrap_or(&label)));
        header.push_str("</title></titleStmt><publicationStmt><p>Split by gloss import from ");
        header.push_str(&escape(collection.as_deref().unwrap_or("a TEI file")));
        header.push_str("</p></publicationStmt><sourceDesc><bibl>");
        header.push_str(&escape(citation.as_deref().unwrap_or(&label)));
        header.push_str("</bibl></sourceDesc></fileDesc>");
        let persons: Vec<&Person> = read
            .meta
            .actors
            .iter()
            .filter_map(|p| by_id.get(p.id.as_str()).copied())
            .collect();
        if date.is_some() || !persons.is_empty() {
            header.push_str("<profileDesc>");
            if let Some(d) = &date {
                header.push_str(&format!(
                    "<creation><date when=\"{}\"/></creation>",
                    escape(d)
                ));
            }
            if !persons.is_empty() {
                header.push_str("<particDesc><listPerson>");
                for p in persons {
                    header.push_str(&format!(
                        "<person xml:id=\"{}\"><persName>{}</persName></person>",
                        escape(&p.id),
                        escape(&p.name)
                    ));
                }
                header.push_str("</listPerson></particDesc>");
            }
            header.push_str("</profileDesc>");
        }
        header.push_str("</teiHeader>");
        let xml = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<TEI {}>\n{header}\n<text><body>\n{raw}\n</body></text>\n</TEI>\n",
            namespaces.join(" ")
        );
        documents.push(SplitDocument {
            file_name,
            xml,
            title,
            date,
            citation,
            collection: collection.clone(),
            url,
            record_id: doc.id.clone(),
        });
    }
    Ok(Volume {
        documents,
        actors: whole.meta.actors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const VOLUME: &[u8] =
        include_bytes!("../../../tests/data/frus-import/frus1955-57v03-excerpt.xml");

    #[test]
    fn frus_volume_splits_into_dated_titled_documents() {
        let v = split(VOLUME).unwrap();
        let names: Vec<&str> = v.documents.iter().map(|d| d.file_name.as_str()).collect();
        assert_eq!(names, ["d035.xml", "d036.xml", "d037.xml"]);
        let d = &v.documents[0];
        assert_eq!(
            d.title.as_deref(),
            Some("Telegram From the Secretary of State to Ambassador U. Alexis Johnson, at Geneva")
        );
        assert_eq!(d.date.as_deref(), Some("1955-08-22"));
        assert_eq!(
            d.citation.as_deref(),
            Some("FRUS, 1955–1957, China, Volume III, Document 35")
        );
        assert_eq!(
            d.url.as_deref(),
            Some("https://history.state.gov/historicaldocuments/frus1955-57v03/d35")
        );
        assert_eq!(d.record_id.as_deref(), Some("d35"));
    }

    #[test]
    fn each_file_reads_alone_with_its_metadata_and_persons() {
        let v = split(VOLUME).unwrap();
        for d in &v.documents {
            let e = tei::extract(d.xml.as_bytes()).unwrap();
            assert_eq!(e.meta.title, d.title);
            assert_eq!(e.meta.date, d.date);
        }
        let e = tei::extract(v.documents[0].xml.as_bytes()).unwrap();
        let johnson = e.meta.actors.iter().find(|p| p.id == "p_JUA1").unwrap();
        assert_eq!(johnson.name, "U. Alexis Johnson");
        assert!(johnson.aliases.contains(&"Johnson".to_string()));
        // The body is the volume's div, byte for byte.
        let source = std::str::from_utf8(VOLUME).unwrap();
        let start = source
            .find("<div type=\"document\" xml:id=\"d35\"")
            .unwrap();
        let end = source[start..].find("</div>").unwrap() + start + "</div>".len();
        assert!(v.documents[0].xml.contains(&source[start..end]));
    }

    #[test]
    fn documents_without_a_header_are_cited_by_no_other_documents_title() {
        let v = split(
            b"<TEI><text><body>\
              <div type=\"document\" n=\"8\" xml:id=\"d8\"><head>8. Telegram From Tokyo</head><p>x</p></div>\
              <div type=\"document\" n=\"33\" xml:id=\"d33\"><head>33. Memorandum</head><p>y</p></div>\
              </body></text></TEI>",
        )
        .unwrap();
        assert_eq!(v.documents.len(), 2);
        for d in &v.documents {
            assert!(
                !d.citation
                    .as_deref()
                    .unwrap_or("")
                    .contains("Telegram From Tokyo"),
                "{:?}",
                d.citation
            );
            assert_eq!(d.collection, None);
        }
    }

    #[test]
    fn a_file_without_documents_splits_into_nothing() {
        let v = split(b"<TEI><text><body><p>x</p></body></text></TEI>").unwrap();
        assert!(v.documents.is_empty());
    }

    #[test]
    fn malformed_volume_is_an_error() {
        assert!(split(b"<TEI><text><div type=\"document\"><p>x</div></text></TEI>").is_err());
    }
}
