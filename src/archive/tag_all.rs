//! Tag all from a search, for one document or across the archive: the
//! places a tag goes (each matching paragraph, or each hit widened to whole
//! words as a quote), planned before anything is written, then written
//! document by document through each one's sidecar store (atomic, merged
//! with changes made elsewhere), and taken back again as one undo.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::annotation::{Annotation, Tag};
use crate::document::anchor::Anchor;
use crate::document::selection::Selection;
use crate::document::{Document, search};
use crate::sidecar::store::SidecarStore;
use crate::sidecar::{Names, Sidecar, sidecar_path};

/// What tag-all puts a tag on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scope {
    /// The matching words (whole words, as a selection makes them) as
    /// quotes, rather than the whole paragraphs.
    pub quotes: bool,
}

/// Anchors for every hit of `query` in `paragraphs` of `doc`: the whole
/// paragraphs, or each hit widened to whole words (once per place).
pub fn anchors(doc: &Document, paragraphs: &[usize], query: &str, scope: Scope) -> Vec<Anchor> {
    let mut out = Vec::new();
    for &p in paragraphs {
        if p >= doc.len() {
            continue;
        }
        if !scope.quotes {
            out.push(Anchor::whole(doc, p));
            continue;
        }
        let text = doc.paragraph_text(p);
        let mut last: Option<(usize, usize)> = None;
        for (s, e) in search::find_all(text, query) {
            // The hit's last byte, so a hit ending before a blank takes no
            // word after it.
            let range = Selection::spanning(p, text, s, e.saturating_sub(1).max(s))
                .map_or((s, e), |sel| sel.range());
            if last == Some(range) {
                continue;
            }
            last = Some(range);
            if let Some(anchor) = Anchor::narrowed(doc, p, range.0, range.1) {
                out.push(anchor);
            }
        }
    }
    out
}

/// Does `existing` already say `tag` at `anchor`'s place?
pub fn same_place_and_tag(existing: &Annotation, tag: &Tag, anchor: &Anchor) -> bool {
    existing.tag == *tag
        && existing.anchor.paragraph == anchor.paragraph
        && existing.anchor.narrowed == anchor.narrowed
        && (!anchor.narrowed
            || (existing.anchor.range == anchor.range && existing.anchor.quote == anchor.quote))
}

/// New annotations of `tag` at `anchors`, leaving out places `existing`
/// already tags so; and how many were left out.
pub fn new_annotations(
    existing: &[Annotation],
    tag: &Tag,
    anchors: Vec<Anchor>,
    now: &str,
) -> (Vec<Annotation>, usize) {
    let total = anchors.len();
    let fresh: Vec<Annotation> = anchors
        .into_iter()
        .filter(|anchor| !existing.iter().any(|a| same_place_and_tag(a, tag, anchor)))
        .map(|anchor| Annotation::created_at(tag.clone(), anchor, now.to_string()))
        .collect();
    let left_out = total - fresh.len();
    (fresh, left_out)
}

/// One document's part of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    pub document: PathBuf,
    pub annotations: Vec<Annotation>,
}

/// Tagging every hit of a corpus search, before anything is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub tag: Tag,
    pub scope: Scope,
    pub annotator: String,
    pub documents: Vec<Planned>,
    /// Places already tagged so (not tagged twice).
    pub already: usize,
    /// Documents that could not be read or whose sidecar could not be.
    pub failed: Vec<(PathBuf, String)>,
}

impl Plan {
    /// Work out what tagging every hit would add: `hits` are each document's
    /// matching paragraphs (0-based), in order.
    pub fn new(
        hits: &[(PathBuf, Vec<usize>)],
        query: &str,
        tag: &Tag,
        scope: Scope,
        annotator: &str,
        now: &str,
    ) -> Plan {
        let mut plan = Plan {
            tag: tag.clone(),
            scope,
            annotator: annotator.to_string(),
            documents: Vec::new(),
            already: 0,
            failed: Vec::new(),
        };
        for (path, paragraphs) in hits {
            let doc = match Document::open(path) {
                Ok(doc) => doc,
                Err(e) => {
                    plan.failed.push((path.clone(), e.to_string()));
                    continue;
                }
            };
            let existing = match Sidecar::load(&sidecar_path(path, annotator)) {
                Ok(s) => s.annotations,
                Err(crate::sidecar::SidecarError::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::NotFound =>
                {
                    Vec::new()
                }
                Err(e) => {
                    plan.failed.push((path.clone(), e.to_string()));
                    continue;
                }
            };
            let (annotations, left_out) =
                new_annotations(&existing, tag, anchors(&doc, paragraphs, query, scope), now);
            plan.already += left_out;
            if !annotations.is_empty() {
                plan.documents.push(Planned {
                    document: path.clone(),
                    annotations,
                });
            }
        }
        plan
    }

    /// Annotations the plan adds.
    pub fn count(&self) -> usize {
        self.documents.iter().map(|d| d.annotations.len()).sum()
    }

    /// "Tag 230 paragraphs in 87 documents as claim by Nam Il?"
    pub fn question(&self) -> String {
        let n = self.count();
        let docs = self.documents.len();
        let what = if self.scope.quotes {
            "quote"
        } else {
            "paragraph"
        };
        format!(
            "Tag {n} {what}{} in {docs} document{} as {}?",
            plural(n),
            plural(docs),
            tag_words(&self.tag)
        )
    }

    /// Write every document's sidecar (the current annotator's), each
    /// through its store: atomically, merged with changes made elsewhere.
    pub fn apply(&self) -> Applied {
        let mut applied = Applied {
            annotator: self.annotator.clone(),
            documents: Vec::new(),
            learned: Vec::new(),
            created: Vec::new(),
            failed: Vec::new(),
        };
        for planned in &self.documents {
            match add_to_sidecar(&planned.document, &self.annotator, &planned.annotations) {
                Ok((learned, created)) => {
                    applied.documents.push((
                        planned.document.clone(),
                        planned.annotations.iter().map(|a| a.id.clone()).collect(),
                    ));
                    applied.learned.push(learned);
                    applied.created.push(created);
                }
                Err(e) => applied.failed.push((planned.document.clone(), e)),
            }
        }
        applied
    }
}

/// The tag as the end of a sentence: "claim by Nam Il".
pub fn tag_words(tag: &Tag) -> String {
    let summary = tag.summary();
    let mut chars = summary.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => summary,
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Returns the actor and issue names the sidecar's registry learned, and
/// whether the sidecar was made for these annotations (there was none).
fn add_to_sidecar(
    document: &std::path::Path,
    annotator: &str,
    add: &[Annotation],
) -> Result<(Names, bool), String> {
    let path = sidecar_path(document, annotator);
    let (mut store, loaded) = SidecarStore::open(&path).map_err(|e| e.to_string())?;
    let created = loaded.is_none();
    let mut sidecar = match loaded {
        Some(s) => s,
        None => {
            let doc = Document::open(document).map_err(|e| e.to_string())?;
            Sidecar::new(&doc, annotator)
        }
    };
    let before = sidecar.names();
    sidecar.annotations.extend(add.iter().cloned());
    sidecar.learn_names();
    store.save(&sidecar).map_err(|e| e.to_string())?;
    Ok((sidecar.names().without(&before), created))
}

/// What a corpus tag-all wrote: undone as one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Applied {
    pub annotator: String,
    /// Each document written and the ids added to it.
    pub documents: Vec<(PathBuf, Vec<String>)>,
    /// Beside each of `documents`: the names its registry learned, dropped
    /// again by the undo when nothing else uses them (as a tag's undo does).
    pub learned: Vec<Names>,
    /// Beside each of `documents`: its sidecar was made by this tag-all (the
    /// undo removes it again when nothing else was put in it since).
    pub created: Vec<bool>,
    /// Documents whose sidecar could not be written, and why.
    pub failed: Vec<(PathBuf, String)>,
}

impl Applied {
    /// Annotations written.
    pub fn count(&self) -> usize {
        self.documents.iter().map(|(_, ids)| ids.len()).sum()
    }

    /// Take every annotation this wrote out of its sidecar again (those
    /// changed since are taken out too: they are the same annotations); a
    /// sidecar this made, left with no annotation and no name, is removed.
    /// Returns how many were removed, and the documents that failed.
    pub fn undo(&self) -> (usize, Vec<(PathBuf, String)>) {
        let mut removed = 0;
        let mut failed = Vec::new();
        let none = Names::default();
        for (i, (document, ids)) in self.documents.iter().enumerate() {
            let learned = self.learned.get(i).unwrap_or(&none);
            let created = self.created.get(i).copied().unwrap_or(false);
            match remove_from_sidecar(document, &self.annotator, ids, learned, created) {
                Ok(n) => removed += n,
                Err(e) => failed.push((document.clone(), e)),
            }
        }
        (removed, failed)
    }
}

fn remove_from_sidecar(
    document: &std::path::Path,
    annotator: &str,
    ids: &[String],
    learned: &Names,
    created: bool,
) -> Result<usize, String> {
    let path = sidecar_path(document, annotator);
    let (mut store, loaded) = SidecarStore::open(&path).map_err(|e| e.to_string())?;
    let Some(mut sidecar) = loaded else {
        return Ok(0);
    };
    let ids: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
    let before = sidecar.annotations.len();
    sidecar.annotations.retain(|a| !ids.contains(a.id.as_str()));
    let removed = before - sidecar.annotations.len();
    if removed > 0 {
        sidecar.forget_unused(learned);
        let empty = sidecar.annotations.is_empty()
            && sidecar.actors.is_empty()
            && sidecar.issues.is_empty();
        if created && empty {
            // As before the tag-all: no sidecar. (Read just now, with
            // nothing but what the tag-all put in it.)
            std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        } else {
            store.save(&sidecar).map_err(|e| e.to_string())?;
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn claim(by: &str) -> Tag {
        Tag::Claim { by: by.into() }
    }

    #[test]
    fn words_are_widened_to_whole_words_once_per_place() {
        let doc = Document::from_text(Path::new("m.txt"), "Nam Il's aide met nam il.\n");
        let found = anchors(&doc, &[0], "nam i", Scope { quotes: true });
        let quotes: Vec<&str> = found.iter().map(|a| a.quote.as_str()).collect();
        // As a selection takes words: with the punctuation that ends them.
        assert_eq!(quotes, ["Nam Il's", "nam il."]);
        let whole = anchors(&doc, &[0], "nam i", Scope { quotes: false });
        assert_eq!(whole.len(), 1);
        assert!(!whole[0].narrowed);
    }

    #[test]
    fn a_corpus_plan_writes_each_sidecar_and_one_undo_takes_all_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a.txt");
        let b = dir.path().join("b.txt");
        std::fs::write(&a, "Grain first.\n\nNo.\n\nGrain again.\n").expect("w");
        std::fs::write(&b, "The grain.\n").expect("w");
        // b.txt already has kim's sidecar with another annotation, kept.
        let doc_b = Document::open(&b).expect("open");
        let mut side_b = Sidecar::new(&doc_b, "kim");
        side_b.annotations.push(Annotation::created_at(
            claim("Pak"),
            Anchor::whole(&doc_b, 0),
            "2026-01-01T00:00:00Z".into(),
        ));
        std::fs::write(sidecar_path(&b, "kim"), side_b.to_ron().expect("ron")).expect("w");

        let hits = vec![(a.clone(), vec![0, 2]), (b.clone(), vec![0])];
        let plan = Plan::new(
            &hits,
            "grain",
            &claim("Nam Il"),
            Scope { quotes: false },
            "kim",
            "2026-02-02T00:00:00Z",
        );
        assert_eq!(
            plan.question(),
            "Tag 3 paragraphs in 2 documents as claim by Nam Il?"
        );
        // Nothing is written by planning.
        assert!(!sidecar_path(&a, "kim").exists());
        let applied = plan.apply();
        assert!(applied.failed.is_empty());
        let on_a = Sidecar::load(&sidecar_path(&a, "kim")).expect("a's sidecar");
        assert_eq!(on_a.annotations.len(), 2);
        let on_b = Sidecar::load(&sidecar_path(&b, "kim")).expect("b's sidecar");
        assert_eq!(on_b.annotations.len(), 2);
        // Planned again: every place is tagged so already.
        let again = Plan::new(
            &hits,
            "grain",
            &claim("Nam Il"),
            Scope { quotes: false },
            "kim",
            "t",
        );
        assert_eq!((again.count(), again.already), (0, 3));

        let (removed, failed) = applied.undo();
        assert_eq!((removed, failed.len()), (3, 0));
        // a.txt had no sidecar: it has none again.
        assert!(!sidecar_path(&a, "kim").exists());
        let on_b = Sidecar::load(&sidecar_path(&b, "kim")).expect("b's sidecar");
        assert_eq!(on_b.annotations.len(), 1, "the earlier annotation stays");
        assert_eq!(on_b.annotations[0].tag, claim("Pak"));
    }

    /// A name typed only for the tag-all leaves each sidecar's registry
    /// with the undo, as a single tag's undo forgets it; a name the sidecar
    /// used before stays.
    #[test]
    fn undoing_a_corpus_tag_all_forgets_the_names_it_taught() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a.txt");
        let b = dir.path().join("b.txt");
        std::fs::write(&a, "Grain first.\n").expect("w");
        std::fs::write(&b, "The grain.\n\nOther.\n").expect("w");
        let doc_b = Document::open(&b).expect("open");
        let mut side_b = Sidecar::new(&doc_b, "kim");
        side_b.annotations.push(Annotation::created_at(
            claim("Nam Il"),
            Anchor::whole(&doc_b, 1),
            "2026-01-01T00:00:00Z".into(),
        ));
        side_b.learn_names();
        std::fs::write(sidecar_path(&b, "kim"), side_b.to_ron().expect("ron")).expect("w");
        let position = Tag::Position {
            actor: "Nam Il".into(),
            stance: crate::annotation::Stance::Oppose,
            issue: "grain quotas".into(),
        };
        let hits = vec![(a.clone(), vec![0]), (b.clone(), vec![0])];
        let plan = Plan::new(
            &hits,
            "grain",
            &position,
            Scope { quotes: false },
            "kim",
            "t",
        );
        let applied = plan.apply();
        assert_eq!(applied.count(), 2);
        let (removed, _) = applied.undo();
        assert_eq!(removed, 2);
        // a learned both names only for the batch: its sidecar, made by
        // the tag-all, is gone with them.
        assert!(!sidecar_path(&a, "kim").exists());
        let on_b = Sidecar::load(&sidecar_path(&b, "kim")).expect("b's sidecar");
        let names = on_b.names();
        assert_eq!(
            names.actors,
            vec!["Nam Il".to_string()],
            "b used Nam Il before"
        );
        assert!(names.issues.is_empty(), "{names:?}");
    }

    #[test]
    fn an_unreadable_document_is_named_and_the_rest_planned() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a.txt");
        std::fs::write(&a, "grain\n").expect("w");
        let gone = dir.path().join("gone.txt");
        let plan = Plan::new(
            &[(gone.clone(), vec![0]), (a.clone(), vec![0])],
            "grain",
            &claim("X"),
            Scope { quotes: true },
            "kim",
            "t",
        );
        assert_eq!(plan.count(), 1);
        assert_eq!(plan.failed.len(), 1);
        assert_eq!(plan.failed[0].0, gone);
    }
}
