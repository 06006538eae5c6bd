//! RIS, one `MANSCPT` record per document, for reference managers (Zotero,
//! EndNote, Citavi). Tags as Zotero's RIS translator maps them for a
//! manuscript: `AN` archive location (the archival citation), `DB` archive
//! (the collection), `CN` call number (the record id), `A4` translator,
//! `DA` the date as `YYYY/MM/DD/` with unknown parts left empty.
//! Lines end in CR LF, as the RIS specification asks; a value's own line
//! breaks become spaces, since RIS is line-based.

use std::fmt::Write as _;

use super::ExportSet;
use super::csl::family_given;
use crate::project::{DocumentMeta, PartialDate};

/// The RIS records of `set`'s documents.
pub fn render(set: &ExportSet<'_>) -> Vec<u8> {
    let mut out = String::new();
    for (source, _) in set.documents {
        record(&mut out, source, &set.metadata.of(source));
    }
    out.into_bytes()
}

/// One document's record.
pub fn record(out: &mut String, source: &str, meta: &DocumentMeta) {
    let mut tag = |tag: &str, value: &str| {
        let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
        if !value.is_empty() {
            let _ = write!(out, "{tag}  - {value}\r\n");
        }
    };
    tag("TY", "MANSCPT");
    let title = meta.title.clone().unwrap_or_else(|| {
        std::path::Path::new(source)
            .file_name()
            .map_or_else(|| source.to_string(), |n| n.to_string_lossy().into_owned())
    });
    tag("TI", &title);
    if let Some(author) = &meta.author {
        // Without a comma Zotero keeps the name whole (an office, a Korean name).
        tag("AU", author);
    }
    for translator in meta.translator.iter().flat_map(|t| t.split(" and ")) {
        match family_given(translator) {
            Some((family, given)) => tag("A4", &format!("{family}, {given}")),
            None => tag("A4", translator),
        }
    }
    if let Some(date) = &meta.date {
        tag("PY", &format!("{:04}", date.year()));
        tag("DA", &ris_date(date));
    }
    for (name, value) in [
        ("AN", &meta.citation),
        ("DB", &meta.collection),
        ("CN", &meta.record_id),
        ("CY", &meta.place),
        ("UR", &meta.url),
    ] {
        if let Some(v) = value {
            tag(name, v);
        }
    }
    if let Some(recipient) = &meta.recipient {
        tag("N1", &format!("Recipient: {recipient}"));
    }
    out.push_str("ER  - \r\n");
}

/// `1956/07/24/`, `1956/07//` or `1956///`.
fn ris_date(date: &PartialDate) -> String {
    let part = |p: Option<u32>| p.map(|v| format!("{v:02}")).unwrap_or_default();
    format!(
        "{:04}/{}/{}/",
        date.year(),
        part(date.month()),
        part(date.day())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_one_manuscript_record() {
        let meta = DocumentMeta {
            title: Some("Record of a Conversation\nwith Nam Il".into()),
            date: "1956-07".parse().ok(),
            author: Some("V.I. Ivanov".into()),
            translator: Some("Gary Goldberg".into()),
            citation: Some("RGANI, Fond 5, Opis 28, Delo 410, Listy 301-303".into()),
            collection: Some("Wilson Center Digital Archive".into()),
            record_id: Some("120190".into()),
            url: Some("https://digitalarchive.wilsoncenter.org/document/120190".into()),
            ..DocumentMeta::default()
        };
        let mut out = String::new();
        record(&mut out, "memo.txt", &meta);
        assert_eq!(
            out,
            "TY  - MANSCPT\r\nTI  - Record of a Conversation with Nam Il\r\nAU  - V.I. Ivanov\r\n\
             A4  - Goldberg, Gary\r\nPY  - 1956\r\nDA  - 1956/07//\r\n\
             AN  - RGANI, Fond 5, Opis 28, Delo 410, Listy 301-303\r\n\
             DB  - Wilson Center Digital Archive\r\nCN  - 120190\r\n\
             UR  - https://digitalarchive.wilsoncenter.org/document/120190\r\nER  - \r\n"
        );
    }

    #[test]
    fn an_unknown_document_still_has_a_title() {
        let mut out = String::new();
        record(&mut out, "box/telegram.txt", &DocumentMeta::default());
        assert_eq!(out, "TY  - MANSCPT\r\nTI  - telegram.txt\r\nER  - \r\n");
    }
}
