//! The Discourse Network Analyzer's event list, written exactly as DNA's own
//! `Exporter.eventCSV()` writes it (leifeld-lab/dna): semicolon-separated,
//! text cells in double quotes with `;` turned into `,` and `"` into `'`,
//! numbers bare, a header of quoted column names, rows joined by line breaks
//! and no line break after the last row.
//!
//! Each position is a statement of DNA's default statement type: actor →
//! `person`, the actor's `organization` (or `faction`) attribute from the
//! codebook → `organization`, issue → `concept`, support → `agreement` 1,
//! oppose → 0. DNA's agreement is a boolean (0/1), so a neutral position has
//! no faithful value: it is left out, and so is a position in a document
//! without a date (every DNA statement has a time); [`skipped`] counts both so
//! the caller can say so. `time` is the document's date at midnight, a
//! partial date taken as its first day. Positions are offsets into the
//! document's text in UTF-16 code units, as Java counts them. Statement,
//! coder and document ids are numbers from 1 in export order (coders by name).

use std::collections::BTreeMap;

use super::network::positions;
use super::{Excerpt, ExportSet};
use crate::project::PartialDate;

/// DNA's event-list columns for its default statement type.
pub const HEADER: &str = "\"statement_id\";\"time\";\"person\";\"organization\";\"concept\";\"agreement\";\"start_position\";\"stop_position\";\"text\";\"coder\";\"document_id\";\"document_title\";\"document_author\";\"document_source\";\"document_section\";\"document_type\"";

/// Positions left out of the event list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Skipped {
    pub neutral: usize,
    pub undated: usize,
}

/// How many positions of `set` the event list leaves out, and why.
pub fn skipped(set: &ExportSet<'_>) -> Skipped {
    let mut s = Skipped::default();
    for (e, stance, _) in positions(set.excerpts) {
        if date_of(set, e).is_none() {
            s.undated += 1;
        } else if agreement(stance).is_none() {
            s.neutral += 1;
        }
    }
    s
}

fn date_of(set: &ExportSet<'_>, e: &Excerpt) -> Option<PartialDate> {
    set.metadata.documents.get(&e.source)?.date.clone()
}

fn agreement(stance: &str) -> Option<u8> {
    match stance {
        "support" => Some(1),
        "oppose" => Some(0),
        _ => None,
    }
}

/// A text cell as DNA writes one.
fn quoted(text: &str) -> String {
    format!("\"{}\"", text.replace(';', ",").replace('"', "'"))
}

/// `yyyy-MM-dd HH:mm:ss` at midnight of the date's first day.
fn time(date: &PartialDate) -> String {
    format!(
        "{:04}-{:02}-{:02} 00:00:00",
        date.year(),
        date.month().unwrap_or(1),
        date.day().unwrap_or(1)
    )
}

/// The event list of `set`'s positions.
pub fn render(set: &ExportSet<'_>) -> Vec<u8> {
    let coders: BTreeMap<&str, usize> = {
        let mut names: Vec<&str> = set.excerpts.iter().map(|e| e.annotator.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        names.into_iter().zip(1..).collect()
    };
    let documents: BTreeMap<&str, (usize, &str)> = set
        .documents
        .iter()
        .zip(1..)
        .map(|((source, doc), id)| (source.as_str(), (id, doc.doc.text())))
        .collect();
    let mut out = String::from(HEADER);
    let mut id = 0;
    for (e, stance, issue) in positions(set.excerpts) {
        let (Some(date), Some(agree)) = (date_of(set, e), agreement(stance)) else {
            continue;
        };
        id += 1;
        let meta = set.metadata.of(&e.source);
        let (document_id, text) = documents.get(e.source.as_str()).copied().unwrap_or((0, ""));
        let utf16 = |byte: usize| text.get(..byte).map_or(0, |t| t.encode_utf16().count());
        let title = super::citation::display_title(&meta, &e.source);
        let cells = [
            id.to_string(),
            time(&date),
            quoted(&e.actor),
            quoted(set.metadata.organization(&e.actor).unwrap_or("")),
            quoted(issue),
            agree.to_string(),
            utf16(e.byte_start).to_string(),
            utf16(e.byte_end).to_string(),
            quoted(&e.text),
            coders
                .get(e.annotator.as_str())
                .copied()
                .unwrap_or(0)
                .to_string(),
            document_id.to_string(),
            quoted(&title),
            quoted(meta.author.as_deref().unwrap_or("")),
            quoted(meta.citation.as_deref().unwrap_or("")),
            quoted(e.section.as_deref().unwrap_or("")),
            quoted(meta.fields.get("type").map(String::as_str).unwrap_or("")),
        ];
        out.push('\n');
        out.push_str(&cells.join(";"));
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::metadata::Metadata;
    use crate::project::DocumentMeta;

    fn position(source: &str, actor: &str, stance: &'static str, issue: &str) -> Excerpt {
        let mut e = crate::export::sample_excerpt();
        e.source = source.into();
        e.kind = "position";
        e.actor = actor.into();
        e.by = None;
        e.stance = Some(stance);
        e.issue = Some(issue.into());
        e.text = "He said; \"no\" to the plan".into();
        e
    }

    #[test]
    fn event_list_is_written_as_dna_writes_it() {
        let mut metadata = Metadata::default();
        metadata.documents.insert(
            "a.txt".into(),
            DocumentMeta {
                title: Some("Record; of \"talks\"".into()),
                date: "1956-07".parse().ok(),
                author: Some("V.I. Ivanov".into()),
                ..DocumentMeta::default()
            },
        );
        metadata
            .documents
            .insert("b.txt".into(), DocumentMeta::default());
        metadata.actors.insert(
            "Pak Chang-ok".into(),
            [("faction".to_string(), "Soviet Korean".to_string())].into(),
        );
        let excerpts = vec![
            position("a.txt", "Pak Chang-ok", "support", "heavy industry"),
            position("a.txt", "Choe Chang-ik", "oppose", "heavy industry"),
            position("a.txt", "Kim Il Sung", "neutral", "aid"),
            position("b.txt", "Kim Il Sung", "support", "aid"),
        ];
        let set = ExportSet {
            documents: &[],
            excerpts: &excerpts,
            metadata: &metadata,
            roots: &[],
        };
        let out = String::from_utf8(render(&set)).unwrap();
        let lines: Vec<&str> = out.split('\n').collect();
        assert_eq!(lines[0], HEADER);
        assert_eq!(
            lines[1],
            "1;1956-07-01 00:00:00;\"Pak Chang-ok\";\"Soviet Korean\";\"heavy industry\";1;0;0;\"He said, 'no' to the plan\";1;0;\"Record, of 'talks'\";\"V.I. Ivanov\";\"\";\"\";\"\""
        );
        assert!(
            lines[2]
                .starts_with("2;1956-07-01 00:00:00;\"Choe Chang-ik\";\"\";\"heavy industry\";0;")
        );
        assert_eq!(lines.len(), 3, "neutral and undated rows are left out");
        assert!(
            !out.ends_with('\n'),
            "DNA writes no line break after the last row"
        );
        assert_eq!(
            skipped(&set),
            Skipped {
                neutral: 1,
                undated: 1
            }
        );
    }
}
