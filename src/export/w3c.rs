//! W3C Web Annotation Data Model, JSON-LD: one `Annotation` per tag, in a JSON
//! array. The target is the document with a `TextQuoteSelector` (exact, prefix,
//! suffix) and a `TextPositionSelector` (character offsets into the document's
//! extracted text, BOM excluded), its source the original as an absolute
//! `file://` IRI with its media type; the bodies carry the tag as `tagging` labels, a
//! `describing` summary and the note as `commenting`.

use serde_json::{Value, json};

use std::collections::HashMap;

use super::text::{CharIndex, guid, json_escape_invisible, kind_title};
use super::{Excerpt, ExportSet, stance_verb};
use crate::document::Document;
use crate::document::formats::Format;

/// Characters of context kept before and after the quote.
pub const CONTEXT_CHARS: usize = 32;

/// Render `set` as a pretty JSON array of annotations, newline-terminated.
pub fn render(set: &ExportSet<'_>) -> serde_json::Result<Vec<u8>> {
    let texts: HashMap<&str, (&str, CharIndex<'_>, &str)> = set
        .documents
        .iter()
        .map(|(s, d)| {
            let text = d.doc.text();
            (s.as_str(), (text, CharIndex::new(text), media_type(&d.doc)))
        })
        .collect();
    let empty = ("", CharIndex::new(""), Format::Text.media_type());
    let annotations: Vec<Value> = set
        .excerpts
        .iter()
        .map(|e| {
            let (text, index, format) = texts.get(e.source.as_str()).unwrap_or(&empty);
            annotation(e, text, index, format)
        })
        .collect();
    let mut out = serde_json::to_vec_pretty(&annotations)?;
    out.push(b'\n');
    Ok(json_escape_invisible(out))
}

/// The media type of the original a document was read from: the selectors
/// count characters of the text gloss extracted from it (documented), but the
/// source named is the original, and it is not `text/plain` unless it is.
fn media_type(doc: &Document) -> &'static str {
    doc.extraction()
        .map_or(Format::Text, |x| x.format)
        .media_type()
}

/// One Web Annotation for `e`, whose byte range lies in `text` (indexed by
/// `index`), in a source of media type `format`.
pub fn annotation(e: &Excerpt, text: &str, index: &CharIndex<'_>, format: &str) -> Value {
    let (prefix, suffix) = context(text, e.byte_start, e.byte_end);
    let mut quote = json!({
        "type": "TextQuoteSelector",
        "exact": e.text,
    });
    if !prefix.is_empty() {
        quote["prefix"] = json!(prefix);
    }
    if !suffix.is_empty() {
        quote["suffix"] = json!(suffix);
    }
    let mut tags = vec![e.kind.to_string()];
    for actor in [&e.by, &e.from, &e.to].into_iter().flatten() {
        tags.push(actor.clone());
    }
    if e.kind == "position" {
        tags.push(e.actor.clone());
    }
    if let (Some(stance), Some(issue)) = (e.stance, &e.issue) {
        tags.push(stance.to_string());
        tags.push(issue.clone());
    }
    let mut body: Vec<Value> = tags
        .iter()
        .map(|t| json!({"type": "TextualBody", "purpose": "tagging", "value": t}))
        .collect();
    body.push(json!({
        "type": "TextualBody",
        "purpose": "describing",
        "format": "text/plain",
        "value": summary(e),
    }));
    let motivation = match &e.note {
        Some(note) => {
            body.push(json!({
                "type": "TextualBody",
                "purpose": "commenting",
                "format": "text/plain",
                "value": note,
            }));
            json!(["tagging", "commenting"])
        }
        None => json!("tagging"),
    };
    json!({
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": format!("urn:uuid:{}", guid(&["w3c", &e.source, &e.annotator, &e.id])),
        "type": "Annotation",
        "motivation": motivation,
        "creator": {
            "id": format!("urn:glossator:annotator:{}", percent_encode(&e.annotator)),
            "type": "Person",
            "nickname": e.annotator,
        },
        "created": e.created,
        "modified": e.modified,
        "generator": {
            "type": "Software",
            "name": format!("glossator {}", env!("CARGO_PKG_VERSION")),
        },
        "body": body,
        "target": {
            "source": {
                "id": source_iri(&e.source),
                "type": "Text",
                "format": format,
            },
            "selector": [
                quote,
                {
                    "type": "TextPositionSelector",
                    "start": index.offset(e.byte_start),
                    "end": index.offset(e.byte_end),
                }
            ],
        },
    })
}

/// Up to [`CONTEXT_CHARS`] characters before `start` and after `end`.
fn context(text: &str, start: usize, end: usize) -> (String, String) {
    let before = text.get(..start).unwrap_or_default();
    let after = text.get(end..).unwrap_or_default();
    let n = before.chars().count();
    let prefix: String = before
        .chars()
        .skip(n.saturating_sub(CONTEXT_CHARS))
        .collect();
    let suffix: String = after.chars().take(CONTEXT_CHARS).collect();
    (prefix, suffix)
}

fn summary(e: &Excerpt) -> String {
    match (e.kind, &e.from, &e.to, e.stance, &e.issue) {
        ("advice", Some(f), Some(t), _, _) => format!("Advice from {f} to {t}"),
        ("position", _, _, Some(s), Some(i)) => {
            format!("Position: {} {} \"{i}\"", e.actor, stance_verb(s))
        }
        _ => format!("{} by {}", kind_title(e.kind), e.actor),
    }
}

/// The document as an absolute `file://` IRI (the Web Annotation model needs
/// absolute IRIs); a relative path is taken from the current folder.
pub fn source_iri(source: &str) -> String {
    let absolute = std::path::absolute(source)
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| source.to_string());
    let path = absolute.replace('\\', "/");
    if path.starts_with('/') {
        format!("file://{}", percent_encode(&path))
    } else {
        format!("file:///{}", percent_encode(&path))
    }
}

fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_counts_characters_not_bytes() {
        let text = "가나다라 quote 마바";
        let start = text.find("quote").unwrap();
        let (p, s) = context(text, start, start + 5);
        assert_eq!((p.as_str(), s.as_str()), ("가나다라 ", " 마바"));
    }

    #[test]
    fn sources_become_iris() {
        assert_eq!(
            source_iri("/a b/메모.txt"),
            "file:///a%20b/%EB%A9%94%EB%AA%A8.txt"
        );
        let relative = source_iri("x/y.txt");
        assert!(relative.starts_with("file:///") && relative.ends_with("/x/y.txt"));
    }
}
