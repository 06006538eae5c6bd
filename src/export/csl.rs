//! CSL-JSON (the Citation Style Language's input format, read by Zotero,
//! Mendeley, pandoc and citeproc): one `manuscript` item per document, valid
//! against the published csl-data.json schema.
//!
//! The archival citation (`RGANI, Fond 5, …`) is `archive_location` (Zotero's
//! "Loc. in Archive"), the collection it was read in is `archive`, the record
//! id is `call-number`. A translator is a person, so the name is split into
//! given and family names (`Goldberg, Gary` or `Gary Goldberg`); an author or
//! recipient is often an office or a name whose order is not Western, so it
//! stays a `literal`.

use serde_json::{Map, Value, json};

use super::ExportSet;
use crate::project::{DocumentMeta, PartialDate};

/// The CSL-JSON array of `set`'s documents, pretty, newline-terminated.
pub fn render(set: &ExportSet<'_>) -> serde_json::Result<Vec<u8>> {
    let items: Vec<Value> = set
        .documents
        .iter()
        .map(|(source, _)| item(source, &set.metadata.of(source)))
        .collect();
    let mut out = serde_json::to_vec_pretty(&items)?;
    out.push(b'\n');
    Ok(out)
}

/// One document as a CSL item; `id` is its path as the export names it.
pub fn item(source: &str, meta: &DocumentMeta) -> Value {
    let mut item = Map::new();
    item.insert("id".into(), json!(source));
    item.insert("type".into(), json!("manuscript"));
    let title = meta.title.clone().unwrap_or_else(|| {
        std::path::Path::new(source)
            .file_name()
            .map_or_else(|| source.to_string(), |n| n.to_string_lossy().into_owned())
    });
    item.insert("title".into(), json!(title));
    if let Some(date) = &meta.date {
        item.insert("issued".into(), issued(date));
    }
    let literal = |name: &str| json!([{ "literal": name }]);
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value {
            item.insert(key.into(), v);
        }
    };
    put("author", meta.author.as_deref().map(literal));
    put("recipient", meta.recipient.as_deref().map(literal));
    put(
        "translator",
        meta.translator
            .as_deref()
            .map(|t| Value::Array(t.split(" and ").map(person).collect())),
    );
    put("archive", meta.collection.as_deref().map(|c| json!(c)));
    put(
        "archive_location",
        meta.citation.as_deref().map(|c| json!(c)),
    );
    put("call-number", meta.record_id.as_deref().map(|r| json!(r)));
    put("publisher-place", meta.place.as_deref().map(|p| json!(p)));
    put("URL", meta.url.as_deref().map(|u| json!(u)));
    Value::Object(item)
}

/// `issued` with as many date parts as the date has.
fn issued(date: &PartialDate) -> Value {
    let mut parts = vec![json!(date.year())];
    parts.extend(date.month().map(|m| json!(m)));
    parts.extend(date.day().map(|d| json!(d)));
    json!({ "date-parts": [parts] })
}

/// A person's name object: `Family, Given` or `Given … Family`; one word is a literal.
fn person(name: &str) -> Value {
    match family_given(name) {
        Some((family, given)) => json!({ "family": family, "given": given }),
        None => json!({ "literal": name.trim() }),
    }
}

/// A person's family and given names from `Family, Given` or `Given … Family`;
/// `None` for a single word.
pub fn family_given(name: &str) -> Option<(String, String)> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let (family, given) = match name.split_once(',') {
        Some((family, given)) => (family, given),
        None => {
            let (given, family) = name.rsplit_once(' ')?;
            (family, given)
        }
    };
    let (family, given) = (family.trim(), given.trim());
    (!family.is_empty() && !given.is_empty()).then(|| (family.to_string(), given.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_becomes_a_manuscript_with_partial_dates_and_named_translators() {
        let meta = DocumentMeta {
            title: Some("Memorandum of Conversation with Nam Il".into()),
            date: "1956-07".parse().ok(),
            author: Some("V.I. Ivanov".into()),
            citation: Some("RGANI, Fond 5, Opis 28, Delo 410, Listy 301-303".into()),
            translator: Some("Gary Goldberg and Goldberg, Ann".into()),
            collection: Some("Wilson Center Digital Archive".into()),
            record_id: Some("120190".into()),
            url: Some("https://digitalarchive.wilsoncenter.org/document/120190".into()),
            ..DocumentMeta::default()
        };
        let v = item("docs/memo.txt", &meta);
        assert_eq!(v["id"], "docs/memo.txt");
        assert_eq!(v["type"], "manuscript");
        assert_eq!(v["issued"], json!({"date-parts": [[1956, 7]]}));
        assert_eq!(
            v["translator"],
            json!([{"family": "Goldberg", "given": "Gary"}, {"family": "Goldberg", "given": "Ann"}])
        );
        assert_eq!(v["author"], json!([{"literal": "V.I. Ivanov"}]));
        assert_eq!(
            v["archive_location"],
            "RGANI, Fond 5, Opis 28, Delo 410, Listy 301-303"
        );
        assert_eq!(v["archive"], "Wilson Center Digital Archive");
        assert_eq!(v["call-number"], "120190");
        assert_eq!(
            v["URL"],
            "https://digitalarchive.wilsoncenter.org/document/120190"
        );
    }

    #[test]
    fn an_unknown_document_is_titled_by_its_file_name_and_has_no_date() {
        let v = item("a/b/telegram.txt", &DocumentMeta::default());
        assert_eq!(v["title"], "telegram.txt");
        assert!(v.get("issued").is_none());
        assert_eq!(v.as_object().unwrap().len(), 3);
    }
}
