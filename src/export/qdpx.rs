//! REFI-QDA project exchange (`.qdpx`): a zip holding `project.qde` (QDA-XML
//! 1.0, valid against the published Project.xsd) and the documents as plain
//! text under `Sources/`, for NVivo, ATLAS.ti, MAXQDA and QualCoder.
//!
//! Documents are text sources (their metadata as variables, [`super::qdpx_meta`]); each kind, each actor and each issue is a
//! code; each annotation is a coded `PlainTextSelection` (character offsets,
//! counted in Unicode scalar values, into the source text) with its note as
//! description and as a linked note; annotators are users. GUIDs are derived
//! from names and ids, so exporting the same input twice gives the same file.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use super::text::{CharIndex, guid, kind_colour, kind_title, xml_escape, xml_text};
use super::{Excerpt, ExportSet};

/// The `project.qde` XML of `set`.
pub fn project_xml(set: &ExportSet<'_>) -> String {
    let excerpts = set.excerpts;
    let users: BTreeSet<&str> = excerpts.iter().map(|e| e.annotator.as_str()).collect();
    let mut actors: BTreeSet<&str> = BTreeSet::new();
    let mut issues: BTreeSet<&str> = BTreeSet::new();
    for e in excerpts {
        actors.extend(excerpt_actors(e));
        issues.extend(e.issue.as_deref());
    }
    let name = match set.documents {
        [(only, _)] => only.clone(),
        _ => "glossator export".to_string(),
    };
    let mut x = String::with_capacity(8192 + excerpts.len() * 1024);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        x,
        "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"{}\" origin=\"glossator {}\">",
        xml_escape(&name),
        env!("CARGO_PKG_VERSION")
    );
    if !users.is_empty() {
        x.push_str("  <Users>\n");
        for u in &users {
            let _ = writeln!(
                x,
                "    <User guid=\"{}\" name=\"{}\" id=\"{}\"/>",
                user_guid(u),
                xml_escape(u),
                xml_escape(u)
            );
        }
        x.push_str("  </Users>\n");
    }
    x.push_str("  <CodeBook>\n    <Codes>\n");
    for kind in ["claim", "advice", "position"] {
        let _ = writeln!(
            x,
            "      <Code guid=\"{}\" name=\"{}\" isCodable=\"true\" color=\"{}\">\n        <Description>{}</Description>\n      </Code>",
            kind_guid(kind),
            kind_title(kind),
            kind_colour(kind),
            match kind {
                "claim" => "An assertion made by an actor (glossator Claim tag).",
                "advice" => "A recommendation from one actor to another (glossator Advice tag).",
                _ => "An actor's stance on an issue (glossator Position tag).",
            }
        );
    }
    for (group, members, colour) in [
        ("Actors", &actors, "#455a64"),
        ("Issues", &issues, "#8d6e63"),
    ] {
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(
            x,
            "      <Code guid=\"{}\" name=\"{group}\" isCodable=\"false\">",
            guid(&["code-group", group])
        );
        for m in members {
            let _ = writeln!(
                x,
                "        <Code guid=\"{}\" name=\"{}\" isCodable=\"true\" color=\"{colour}\"/>",
                named_guid(group, m),
                xml_escape(m)
            );
        }
        x.push_str("      </Code>\n");
    }
    x.push_str("    </Codes>\n  </CodeBook>\n");
    super::qdpx_meta::variables(&mut x, set);
    let mut by_source: BTreeMap<&str, Vec<&Excerpt>> = BTreeMap::new();
    for e in excerpts {
        by_source.entry(e.source.as_str()).or_default().push(e);
    }
    if !set.documents.is_empty() {
        x.push_str("  <Sources>\n");
        for (source, doc) in set.documents {
            let text = CharIndex::new(doc.doc.text());
            let _ = writeln!(
                x,
                "    <TextSource guid=\"{}\" name=\"{}\" plainTextPath=\"internal://{}.txt\">",
                source_guid(source),
                xml_escape(source),
                source_guid(source)
            );
            super::qdpx_meta::description(&mut x, set, source);
            for e in by_source.get(source.as_str()).into_iter().flatten() {
                selection(&mut x, e, &text);
            }
            super::qdpx_meta::values(&mut x, set, source);
            x.push_str("    </TextSource>\n");
        }
        x.push_str("  </Sources>\n");
    }
    let noted: Vec<&Excerpt> = excerpts.iter().filter(|e| e.note.is_some()).collect();
    if !noted.is_empty() {
        x.push_str("  <Notes>\n");
        for e in noted {
            let _ = writeln!(
                x,
                "    <Note guid=\"{}\" name=\"{}\" creatingUser=\"{}\" creationDateTime=\"{}\" modifyingUser=\"{}\" modifiedDateTime=\"{}\">\n      <PlainTextContent>{}</PlainTextContent>\n    </Note>",
                note_guid(e),
                xml_escape(&format!("Note on {}", summary(e))),
                user_guid(&e.annotator),
                xml_escape(&e.created),
                user_guid(&e.annotator),
                xml_escape(&e.modified),
                xml_text(e.note.as_deref().unwrap_or_default())
            );
        }
        x.push_str("  </Notes>\n");
    }
    x.push_str("</Project>\n");
    x
}

fn selection(x: &mut String, e: &Excerpt, text: &CharIndex<'_>) {
    let user = user_guid(&e.annotator);
    let _ = writeln!(
        x,
        "      <PlainTextSelection guid=\"{}\" name=\"{}\" startPosition=\"{}\" endPosition=\"{}\" creatingUser=\"{user}\" creationDateTime=\"{}\" modifyingUser=\"{user}\" modifiedDateTime=\"{}\">",
        guid(&["selection", &e.source, &e.annotator, &e.id]),
        xml_escape(&summary(e)),
        text.offset(e.byte_start),
        text.offset(e.byte_end),
        xml_escape(&e.created),
        xml_escape(&e.modified)
    );
    if let Some(note) = &e.note {
        let _ = writeln!(x, "        <Description>{}</Description>", xml_text(note));
    }
    let mut codes = vec![kind_guid(e.kind)];
    codes.extend(excerpt_actors(e).map(|a| named_guid("Actors", a)));
    codes.extend(e.issue.as_deref().map(|i| named_guid("Issues", i)));
    codes.dedup();
    for code in codes {
        let _ = writeln!(
            x,
            "        <Coding guid=\"{}\" creatingUser=\"{user}\" creationDateTime=\"{}\">\n          <CodeRef targetGUID=\"{code}\"/>\n        </Coding>",
            guid(&["coding", &e.source, &e.annotator, &e.id, &code]),
            xml_escape(&e.created)
        );
    }
    if e.note.is_some() {
        let _ = writeln!(x, "        <NoteRef targetGUID=\"{}\"/>", note_guid(e));
    }
    x.push_str("      </PlainTextSelection>\n");
}

/// Every actor an excerpt names (claim `by`, advice `from` and `to`, position `actor`).
fn excerpt_actors(e: &Excerpt) -> impl Iterator<Item = &str> {
    let roles: Vec<&str> = match (&e.by, &e.from, &e.to) {
        (Some(by), _, _) => vec![by],
        (None, Some(from), Some(to)) => vec![from, to],
        _ => vec![e.actor.as_str()],
    };
    roles.into_iter()
}

/// A one-line name for a selection, e.g. `Position: Han Tae-jun supports "credit"`.
fn summary(e: &Excerpt) -> String {
    match (e.kind, &e.from, &e.to, e.stance, &e.issue) {
        ("advice", Some(f), Some(t), _, _) => format!("Advice {f} → {t}"),
        ("position", _, _, Some(s), Some(i)) => format!("Position: {} {s}s \"{i}\"", e.actor),
        _ => format!("{} by {}", kind_title(e.kind), e.actor),
    }
}

fn user_guid(name: &str) -> String {
    guid(&["user", name])
}

fn kind_guid(kind: &str) -> String {
    guid(&["code", "kind", kind])
}

fn named_guid(group: &str, name: &str) -> String {
    guid(&["code", group, name])
}

fn source_guid(source: &str) -> String {
    guid(&["source", source])
}

fn note_guid(e: &Excerpt) -> String {
    guid(&["note", &e.source, &e.annotator, &e.id])
}

/// The `.qdpx` zip: `project.qde` and `Sources/<guid>.txt` for each document.
pub fn render(set: &ExportSet<'_>) -> zip::result::ZipResult<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    zip.start_file("project.qde", options)?;
    zip.write_all(project_xml(set).as_bytes())?;
    for (source, doc) in set.documents {
        zip.start_file(format!("Sources/{}.txt", source_guid(source)), options)?;
        zip.write_all(doc.doc.text().as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}
