//! REFI-QDA project exchange (`.qdpx`): a zip holding `project.qde` (QDA-XML
//! 1.0, valid against the published Project.xsd) and the documents as plain
//! text under `Sources/`, for NVivo, ATLAS.ti, MAXQDA and QualCoder.
//!
//! Documents are text sources, named by their path relative to the exported
//! folder (folders written with `∕`, U+2215, so no client takes the name for a
//! path) or by their file name. Each kind, actor, issue and stance is a code,
//! and so is each position statement (`Kim Chang-hyop opposes "credit"`), so a
//! segment's codes say who took which stance on what even when several
//! positions share it. Annotations of one annotator on the same span are one
//! `PlainTextSelection` carrying every code once (clients such as QualCoder
//! keep one coding per code, coder and span); offsets count Unicode scalar
//! values. Notes are descriptions and linked notes; annotators are users.
//! Code names are unique across the codebook (QualCoder requires it). GUIDs
//! are derived from names and ids, never from how a path was typed, so
//! exporting the same input twice gives the same file. Document metadata are
//! variables and the memo a description ([`super::qdpx_meta`]).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt::Write as _;
use std::io::{Cursor, Write as _};
use std::path::{Component, Path, PathBuf};

use super::text::{CharIndex, guid, kind_colour, kind_title, xml_escape, xml_text};
use super::{Excerpt, ExportSet, stance_verb};
use crate::annotation::Stance;

/// The `project.qde` XML of `set`.
pub fn project_xml(set: &ExportSet<'_>) -> String {
    let excerpts = set.excerpts;
    let names = document_names(set.documents, set.roots);
    let name_of: HashMap<&str, &str> = set
        .documents
        .iter()
        .zip(&names)
        .map(|((source, _), name)| (source.as_str(), name.as_str()))
        .collect();
    let doc_name = |e: &Excerpt| -> String {
        name_of
            .get(e.source.as_str())
            .map_or_else(|| e.source.clone(), |n| n.to_string())
    };
    let users: BTreeSet<&str> = excerpts.iter().map(|e| e.annotator.as_str()).collect();
    let codebook = Codebook::of(excerpts);
    let project_name = match (names.as_slice(), set.roots) {
        ([only], _) => only.clone(),
        (_, [root]) => folder_name(root),
        _ => "glossator export".to_string(),
    };
    let mut x = String::with_capacity(8192 + excerpts.len() * 1024);
    x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        x,
        "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"{}\" origin=\"glossator {}\">",
        xml_escape(&project_name),
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
    codebook.write(&mut x);
    super::qdpx_meta::variables(&mut x, set);
    if !set.documents.is_empty() {
        // Each document's excerpts, by annotator and span, in export order.
        let mut spans: HashMap<&str, Vec<Vec<&Excerpt>>> = HashMap::new();
        let mut slot: HashMap<(&str, &str, usize, usize), usize> = HashMap::new();
        for e in excerpts {
            let groups = spans.entry(e.source.as_str()).or_default();
            let key = (
                e.source.as_str(),
                e.annotator.as_str(),
                e.byte_start,
                e.byte_end,
            );
            match slot.get(&key) {
                Some(&i) => groups[i].push(e),
                None => {
                    slot.insert(key, groups.len());
                    groups.push(vec![e]);
                }
            }
        }
        x.push_str("  <Sources>\n");
        for ((source, doc), name) in set.documents.iter().zip(&names) {
            let text = CharIndex::new(doc.doc.text());
            let _ = writeln!(
                x,
                "    <TextSource guid=\"{}\" name=\"{}\" plainTextPath=\"internal://{}.txt\">",
                source_guid(name),
                xml_escape(name),
                source_guid(name)
            );
            super::qdpx_meta::description(&mut x, set, source);
            for group in spans.get(source.as_str()).into_iter().flatten() {
                selection(&mut x, group, name, &text, &codebook);
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
                note_guid(&doc_name(e), e),
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

/// The name of each document in the project, in the order of `documents`:
/// its path relative to the first of `roots` (the exported folders) it lies
/// in, folders joined by `∕` (U+2215); else its file name. A name already
/// taken gets ` (2)`, ` (3)`, … so every source stays distinct.
pub fn document_names<T>(documents: &[(String, T)], roots: &[PathBuf]) -> Vec<String> {
    let mut used = HashSet::new();
    documents
        .iter()
        .map(|(source, _)| {
            let path = Path::new(source);
            let relative = roots.iter().find_map(|root| {
                let rest = path.strip_prefix(root).ok()?;
                let parts: Vec<String> = rest
                    .components()
                    .filter_map(|c| match c {
                        Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
                        _ => None,
                    })
                    .collect();
                (!parts.is_empty()).then(|| parts.join("\u{2215}"))
            });
            let base = relative
                .or_else(|| path.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| source.clone());
            let mut name = base.clone();
            let mut n = 1;
            while !used.insert(name.clone()) {
                n += 1;
                name = format!("{base} ({n})");
            }
            name
        })
        .collect()
}

/// A folder's own name, resolving `.` and `..` through the file system.
fn folder_name(root: &Path) -> String {
    root.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .or_else(|| {
            std::fs::canonicalize(root)
                .ok()?
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
        })
        .unwrap_or_else(|| root.display().to_string())
}

/// One code of the codebook: its GUID and its name (unique in the codebook).
struct Code {
    guid: String,
    name: String,
}

/// The codes of an export, grouped as they are written, with names unique
/// across the whole codebook and a lookup from (group, value) to GUID.
struct Codebook {
    kinds: Vec<(&'static str, Code)>,
    groups: Vec<(&'static str, &'static str, Vec<Code>)>,
    by_value: HashMap<(&'static str, String), String>,
}

const ACTORS: &str = "Actors";
const ISSUES: &str = "Issues";
const STANCES: &str = "Stances";
const STATEMENTS: &str = "Statements";

impl Codebook {
    fn of(excerpts: &[Excerpt]) -> Codebook {
        let mut actors: BTreeSet<String> = BTreeSet::new();
        let mut issues: BTreeSet<String> = BTreeSet::new();
        let mut stances: BTreeSet<Stance> = BTreeSet::new();
        let mut statements: BTreeSet<String> = BTreeSet::new();
        for e in excerpts {
            actors.extend(excerpt_actors(e).map(str::to_string));
            issues.extend(e.issue.clone());
            if let Some(s) = e.stance.and_then(Stance::from_name) {
                stances.insert(s);
            }
            statements.extend(statement(e));
        }
        let mut taken: HashSet<String> = HashSet::new();
        let mut unique = |name: String, group: &str| -> String {
            let mut candidate = name.clone();
            let mut n = 1;
            while !taken.insert(candidate.clone()) {
                n += 1;
                candidate = if n == 2 {
                    format!("{name} ({})", group.trim_end_matches('s').to_lowercase())
                } else {
                    format!("{name} ({n})")
                };
            }
            candidate
        };
        let kinds = ["claim", "advice", "position"]
            .into_iter()
            .map(|k| {
                (
                    k,
                    Code {
                        guid: kind_guid(k),
                        name: unique(kind_title(k), "kinds"),
                    },
                )
            })
            .collect();
        let mut by_value = HashMap::new();
        let mut groups = Vec::new();
        let values: [(&'static str, &'static str, Vec<String>); 4] = [
            (ACTORS, "#455a64", actors.into_iter().collect()),
            (ISSUES, "#8d6e63", issues.into_iter().collect()),
            (
                STANCES,
                "#616161",
                stances.iter().map(|s| s.as_str().to_string()).collect(),
            ),
            (STATEMENTS, "#8e44ad", statements.into_iter().collect()),
        ];
        for (group, colour, members) in values {
            if members.is_empty() {
                continue;
            }
            let codes = members
                .into_iter()
                .map(|value| {
                    let guid = named_guid(group, &value);
                    by_value.insert((group, value.clone()), guid.clone());
                    Code {
                        guid,
                        name: unique(value, group),
                    }
                })
                .collect();
            groups.push((group, colour, codes));
        }
        Codebook {
            kinds,
            groups,
            by_value,
        }
    }

    fn code(&self, group: &'static str, value: &str) -> Option<&str> {
        self.by_value
            .get(&(group, value.to_string()))
            .map(String::as_str)
    }

    fn write(&self, x: &mut String) {
        x.push_str("  <CodeBook>\n    <Codes>\n");
        for (kind, code) in &self.kinds {
            let _ = writeln!(
                x,
                "      <Code guid=\"{}\" name=\"{}\" isCodable=\"true\" color=\"{}\">\n        <Description>{}</Description>\n      </Code>",
                code.guid,
                xml_escape(&code.name),
                kind_colour(kind),
                match *kind {
                    "claim" => "An assertion made by an actor (glossator Claim tag).",
                    "advice" =>
                        "A recommendation from one actor to another (glossator Advice tag).",
                    _ => "An actor's stance on an issue (glossator Position tag).",
                }
            );
        }
        for (group, colour, codes) in &self.groups {
            let _ = writeln!(
                x,
                "      <Code guid=\"{}\" name=\"{group}\" isCodable=\"false\">",
                guid(&["code-group", group])
            );
            if let Some(about) = match *group {
                STANCES => Some("The stance of a Position: support, oppose or neutral."),
                STATEMENTS => Some("One code per actor, stance and issue of a Position."),
                _ => None,
            } {
                let _ = writeln!(x, "        <Description>{about}</Description>");
            }
            for code in codes {
                let _ = writeln!(
                    x,
                    "        <Code guid=\"{}\" name=\"{}\" isCodable=\"true\" color=\"{colour}\"/>",
                    code.guid,
                    xml_escape(&code.name)
                );
            }
            x.push_str("      </Code>\n");
        }
        x.push_str("    </Codes>\n  </CodeBook>\n");
    }
}

/// The statement of a position, e.g. `Han Tae-jun supports "locomotives on credit"`.
fn statement(e: &Excerpt) -> Option<String> {
    match (e.kind, e.stance, &e.issue) {
        ("position", Some(s), Some(i)) => Some(format!("{} {} \"{i}\"", e.actor, stance_verb(s))),
        _ => None,
    }
}

/// GUIDs of the codes one excerpt is coded with: kind, actors, issue, stance, statement.
fn codes_of<'c>(e: &Excerpt, codebook: &'c Codebook) -> Vec<&'c str> {
    let mut codes: Vec<&str> = codebook
        .kinds
        .iter()
        .filter(|(k, _)| *k == e.kind)
        .map(|(_, c)| c.guid.as_str())
        .collect();
    codes.extend(excerpt_actors(e).filter_map(|a| codebook.code(ACTORS, a)));
    codes.extend(e.issue.as_deref().and_then(|i| codebook.code(ISSUES, i)));
    codes.extend(e.stance.and_then(|s| codebook.code(STANCES, s)));
    codes.extend(statement(e).and_then(|s| codebook.code(STATEMENTS, &s)));
    codes
}

/// One `PlainTextSelection` for the excerpts of one annotator on one span:
/// every code once, each coding credited to the first excerpt that has it.
fn selection(
    x: &mut String,
    group: &[&Excerpt],
    doc_name: &str,
    text: &CharIndex<'_>,
    codebook: &Codebook,
) {
    let Some(first) = group.first() else {
        return;
    };
    let user = user_guid(&first.annotator);
    let mut parts = vec!["selection", doc_name, first.annotator.as_str()];
    parts.extend(group.iter().map(|e| e.id.as_str()));
    let created = group.iter().map(|e| e.created.as_str()).min().unwrap_or("");
    let modified = group
        .iter()
        .map(|e| e.modified.as_str())
        .max()
        .unwrap_or("");
    let name: Vec<String> = group.iter().map(|e| summary(e)).collect();
    let _ = writeln!(
        x,
        "      <PlainTextSelection guid=\"{}\" name=\"{}\" startPosition=\"{}\" endPosition=\"{}\" creatingUser=\"{user}\" creationDateTime=\"{}\" modifyingUser=\"{user}\" modifiedDateTime=\"{}\">",
        guid(&parts),
        xml_escape(&name.join("; ")),
        text.offset(first.byte_start),
        text.offset(first.byte_end),
        xml_escape(created),
        xml_escape(modified)
    );
    let notes: Vec<&str> = group.iter().filter_map(|e| e.note.as_deref()).collect();
    if !notes.is_empty() {
        let _ = writeln!(
            x,
            "        <Description>{}</Description>",
            xml_text(&notes.join("\n\n"))
        );
    }
    let mut coded: HashSet<&str> = HashSet::new();
    for e in group {
        for code in codes_of(e, codebook) {
            if !coded.insert(code) {
                continue;
            }
            let _ = writeln!(
                x,
                "        <Coding guid=\"{}\" creatingUser=\"{user}\" creationDateTime=\"{}\">\n          <CodeRef targetGUID=\"{code}\"/>\n        </Coding>",
                guid(&["coding", doc_name, &e.annotator, &e.id, code]),
                xml_escape(&e.created)
            );
        }
    }
    for e in group.iter().filter(|e| e.note.is_some()) {
        let _ = writeln!(
            x,
            "        <NoteRef targetGUID=\"{}\"/>",
            note_guid(doc_name, e)
        );
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
    match (e.kind, &e.from, &e.to, statement(e)) {
        ("advice", Some(f), Some(t), _) => format!("Advice {f} → {t}"),
        (_, _, _, Some(statement)) => format!("Position: {statement}"),
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

/// A source's GUID, from its name in the project (never from the path as typed).
fn source_guid(name: &str) -> String {
    guid(&["source", name])
}

fn note_guid(doc_name: &str, e: &Excerpt) -> String {
    guid(&["note", doc_name, &e.annotator, &e.id])
}

/// The `.qdpx` zip: `project.qde` and `Sources/<guid>.txt` for each document.
pub fn render(set: &ExportSet<'_>) -> zip::result::ZipResult<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    zip.start_file("project.qde", options)?;
    zip.write_all(project_xml(set).as_bytes())?;
    let names = document_names(set.documents, set.roots);
    for ((_, doc), name) in set.documents.iter().zip(&names) {
        zip.start_file(format!("Sources/{}.txt", source_guid(name)), options)?;
        zip.write_all(doc.doc.text().as_bytes())?;
    }
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position(actor: &str, stance: &'static str, issue: &str) -> Excerpt {
        Excerpt {
            source: "m.txt".into(),
            annotator: "kim".into(),
            kind: "position",
            actor: actor.into(),
            by: None,
            stance: Some(stance),
            issue: Some(issue.into()),
            text: "x".into(),
            id: format!("{actor}-{issue}"),
            quote_start: None,
            quote_end: None,
            created: "2026-01-01T00:00:00.000Z".into(),
            modified: "2026-01-01T00:00:00.000Z".into(),
            byte_end: 1,
            ..crate::export::sample_excerpt()
        }
    }

    #[test]
    fn names_are_relative_to_the_folder_and_never_repeat() {
        let docs: Vec<(String, ())> = [
            "a/box 1/memo.txt",
            "./a/memo.txt",
            "b/memo.txt",
            "/abs/c/memo.txt",
            "memo.txt",
        ]
        .iter()
        .map(|s| (s.to_string(), ()))
        .collect();
        let roots = [PathBuf::from("a"), PathBuf::from("b/")];
        assert_eq!(
            document_names(&docs, &roots),
            [
                "box 1\u{2215}memo.txt",
                "memo.txt",
                "memo.txt (2)",
                "memo.txt (3)",
                "memo.txt (4)",
            ]
        );
    }

    #[test]
    fn code_names_are_unique_across_the_codebook() {
        // An actor and an issue with one name, and an issue named like a kind:
        // QualCoder keeps one code per name and would drop the codings of the other.
        let excerpts = [
            position("Kim", "support", "Kim"),
            position("Nam Il", "neutral", "Position"),
        ];
        let book = Codebook::of(&excerpts);
        let mut names: Vec<&str> = book.kinds.iter().map(|(_, c)| c.name.as_str()).collect();
        for (_, _, codes) in &book.groups {
            names.extend(codes.iter().map(|c| c.name.as_str()));
        }
        let unique: HashSet<&&str> = names.iter().collect();
        assert_eq!(unique.len(), names.len(), "{names:?}");
        assert!(names.contains(&"Kim (issue)") && names.contains(&"Position (issue)"));
        assert!(names.contains(&"Nam Il is neutral on \"Position\""));
        // Each code is found by its value whatever its shown name.
        assert!(book.code(ISSUES, "Kim").is_some() && book.code(ACTORS, "Kim").is_some());
        assert_ne!(book.code(ISSUES, "Kim"), book.code(ACTORS, "Kim"));
    }
}
