//! Which paragraphs are boilerplate: not part of the document proper.
//!
//! A paragraph is boilerplate when the project file marks it (by paragraph
//! hash, so the mark survives edits elsewhere in the document), when it
//! matches a project rule, or when its normalised text occurs in
//! [`SHARED_IN`] or more documents of the project (a site's navigation, a
//! copyright notice, an archive's record furniture). A paragraph marked
//! `kept` is content whatever else says. Paragraph numbers stay physical:
//! boilerplate is left out of agreement units and exports, never renumbered.
//! What an extractor flags as page furniture (a PDF's running headers and
//! page numbers, an HTML page's navigation read with `--keep-all`) is
//! boilerplate too, with or without a project file; without one, nothing
//! else is.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use super::{BoilerplateRule, Project, ProjectError, document_key, root_of};
use crate::document::{Document, paragraph_hash};

/// A paragraph shared by this many documents of a project is boilerplate.
pub const SHARED_IN: usize = 3;
/// Files larger than this are not read when counting shared paragraphs.
pub const MAX_SCANNED_BYTES: u64 = 64 * 1024 * 1024;

/// A paragraph's text as compared across documents and with rules:
/// lowercase, whitespace collapsed.
pub fn normalise(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl BoilerplateRule {
    /// Does the rule match a paragraph's [`normalise`]d text?
    pub fn matches(&self, normalised: &str) -> bool {
        match self {
            BoilerplateRule::Text(t) => normalised == normalise(t),
            BoilerplateRule::StartsWith(t) => normalised.starts_with(&normalise(t)),
            BoilerplateRule::Contains(t) => normalised.contains(&normalise(t)),
        }
    }
}

fn key_of(normalised: &str) -> u64 {
    // Fixed keys: the same text gives the same key in every run.
    let mut h = std::hash::DefaultHasher::new();
    normalised.hash(&mut h);
    h.finish()
}

/// How many documents each normalised paragraph occurs in (by a 64-bit key
/// of its text, so a large archive costs 12 bytes a distinct paragraph).
#[derive(Debug, Clone, Default)]
pub struct SharedParagraphs {
    documents: HashMap<u64, u32>,
}

impl SharedParagraphs {
    /// Count one document's paragraphs (each distinct text once).
    pub fn add_document<'a>(&mut self, paragraphs: impl IntoIterator<Item = &'a str>) {
        let distinct: HashSet<u64> = paragraphs
            .into_iter()
            .map(normalise)
            .filter(|n| !n.is_empty())
            .map(|n| key_of(&n))
            .collect();
        for k in distinct {
            *self.documents.entry(k).or_default() += 1;
        }
    }

    /// In how many documents the paragraph with this normalised text occurs.
    pub fn count(&self, normalised: &str) -> usize {
        self.documents
            .get(&key_of(normalised))
            .copied()
            .unwrap_or(0) as usize
    }

    /// Count every document below `root`: regular, non-hidden UTF-8 files
    /// other than glossator's own (sidecars, journals, locks, the project file).
    pub fn scan(root: &Path) -> SharedParagraphs {
        let mut shared = SharedParagraphs::default();
        for path in files_below(root) {
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let Ok(text) = std::str::from_utf8(&bytes) else {
                continue;
            };
            let text = text.strip_prefix('\u{feff}').unwrap_or(text);
            let paragraphs = crate::document::index_paragraphs(text);
            shared.add_document(paragraphs.iter().map(|p| &text[p.start..p.end]));
        }
        shared
    }
}

/// The files below `root` that may be documents, sorted: those
/// [`crate::corpus::documents_in`] finds (not hidden, not sidecars, not
/// exports written beside a document, not the project file), at most
/// 64 MiB.
pub fn files_below(root: &Path) -> Vec<PathBuf> {
    crate::corpus::documents_in(root)
        .into_iter()
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.len() <= MAX_SCANNED_BYTES))
        .collect()
}

/// The paragraphs (0-based) of `doc` its extractor flagged as page furniture
/// (empty for plain text, and while the extraction is still running).
pub fn furniture(doc: &Document) -> BTreeSet<usize> {
    (0..doc.len())
        .filter(|&i| doc.provenance(i).is_some_and(|p| p.boilerplate))
        .collect()
}

/// The boilerplate paragraphs (0-based) of the document stored under `key`,
/// whose paragraph texts are `paragraphs` and whose extractor flagged
/// `furniture` (see [`furniture`]).
pub fn boilerplate_paragraphs<'a>(
    project: &Project,
    key: &str,
    paragraphs: impl IntoIterator<Item = &'a str>,
    furniture: &BTreeSet<usize>,
    shared: &SharedParagraphs,
) -> BTreeSet<usize> {
    let marked = project.boilerplate.marked.get(key);
    let kept = project.boilerplate.kept.get(key);
    let mut out = BTreeSet::new();
    for (i, text) in paragraphs.into_iter().enumerate() {
        let needs_hash = marked.is_some() || kept.is_some();
        let hash = needs_hash.then(|| paragraph_hash(text));
        if let (Some(kept), Some(h)) = (kept, &hash)
            && kept.contains(h)
        {
            continue;
        }
        if let (Some(marked), Some(h)) = (marked, &hash)
            && marked.contains(h)
        {
            out.insert(i);
            continue;
        }
        if furniture.contains(&i) {
            out.insert(i);
            continue;
        }
        let normalised = normalise(text);
        if normalised.is_empty() {
            continue;
        }
        if project
            .boilerplate
            .rules
            .iter()
            .any(|r| r.matches(&normalised))
            || shared.count(&normalised) >= SHARED_IN
        {
            out.insert(i);
        }
    }
    out
}

/// Boilerplate for documents anywhere: finds each document's project file,
/// loads it and counts its shared paragraphs once per project.
#[derive(Debug, Default)]
pub struct BoilerplateFinder {
    projects: HashMap<PathBuf, (Project, SharedParagraphs)>,
}

impl BoilerplateFinder {
    pub fn new() -> BoilerplateFinder {
        BoilerplateFinder::default()
    }

    /// The project file above `path` and its content, loaded once.
    pub fn project_of(&mut self, path: &Path) -> Result<Option<(PathBuf, &Project)>, ProjectError> {
        let Some(file) = Project::find(path) else {
            return Ok(None);
        };
        if !self.projects.contains_key(&file) {
            let project = Project::load(&file)?;
            let shared = SharedParagraphs::scan(&root_of(&file));
            self.projects.insert(file.clone(), (project, shared));
        }
        Ok(self.projects.get(&file).map(|(p, _)| (file.clone(), p)))
    }

    /// The boilerplate paragraphs of `doc` (its page furniture only without
    /// a project file).
    pub fn of(&mut self, doc: &Document) -> Result<BTreeSet<usize>, ProjectError> {
        doc.wait_complete();
        let furniture = furniture(doc);
        let Some((file, _)) = self.project_of(doc.path())? else {
            return Ok(furniture);
        };
        let Some((project, shared)) = self.projects.get(&file) else {
            return Ok(furniture);
        };
        let key = document_key(&root_of(&file), doc.path()).unwrap_or_default();
        Ok(boilerplate_paragraphs(
            project,
            &key,
            (0..doc.len()).map(|i| doc.paragraph_text(i)),
            &furniture,
            shared,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FURNITURE: &str = "Skip to content";
    const NOTICE: &str = "The History Program welcomes reuse of\nDigital Archive materials.";

    fn page(body: &str) -> String {
        format!("{FURNITURE}\n\n{body}\n\n{NOTICE}\n\nRecord ID\n")
    }

    #[test]
    fn paragraphs_shared_by_three_documents_are_boilerplate() {
        let mut shared = SharedParagraphs::default();
        let docs = [
            page("Nam Il spoke."),
            page("Pak listened."),
            page("Kim left."),
        ];
        for d in &docs[..2] {
            let ps = crate::document::index_paragraphs(d);
            shared.add_document(ps.iter().map(|p| &d[p.start..p.end]));
        }
        let project = Project::new();
        let texts = |d: &str| -> Vec<String> {
            crate::document::index_paragraphs(d)
                .iter()
                .map(|p| d[p.start..p.end].to_string())
                .collect()
        };
        let first = texts(&docs[0]);
        let none = BTreeSet::new();
        let two = boilerplate_paragraphs(
            &project,
            "a",
            first.iter().map(|s| s.as_str()),
            &none,
            &shared,
        );
        assert!(two.is_empty(), "two documents are not enough: {two:?}");
        let ps = crate::document::index_paragraphs(&docs[2]);
        shared.add_document(ps.iter().map(|p| &docs[2][p.start..p.end]));
        let three = boilerplate_paragraphs(
            &project,
            "a",
            first.iter().map(|s| s.as_str()),
            &none,
            &shared,
        );
        assert_eq!(three, BTreeSet::from([0, 2, 3]));
    }

    #[test]
    fn the_same_paragraph_twice_in_one_document_counts_once() {
        let mut shared = SharedParagraphs::default();
        shared.add_document(["Secret", "secret", "Text"]);
        assert_eq!(shared.count("secret"), 1);
    }

    #[test]
    fn rules_marks_and_kept_paragraphs() {
        let none = BTreeSet::new;
        let mut project = Project::new();
        project
            .boilerplate
            .rules
            .push(BoilerplateRule::StartsWith("Record  ID".into()));
        project
            .boilerplate
            .rules
            .push(BoilerplateRule::Contains("all rights reserved".into()));
        project
            .boilerplate
            .marked
            .entry("m.txt".into())
            .or_default()
            .insert(paragraph_hash("A stray heading"));
        project
            .boilerplate
            .kept
            .entry("m.txt".into())
            .or_default()
            .insert(paragraph_hash("Record ID is what this memo is about."));
        let paragraphs = [
            "Record ID 1234",
            "A stray heading",
            "Real text. (c) 1999, ALL RIGHTS\nreserved.",
            "Record ID is what this memo is about.",
            "Nam Il spoke.",
        ];
        let shared = SharedParagraphs::default();
        let found = boilerplate_paragraphs(&project, "m.txt", paragraphs, &none(), &shared);
        assert_eq!(found, BTreeSet::from([0, 1, 2]));
        // Marks belong to their document only.
        let other = boilerplate_paragraphs(&project, "other.txt", paragraphs, &none(), &shared);
        assert_eq!(other, BTreeSet::from([0, 2, 3]));
        // Furniture an extractor flagged is boilerplate unless kept.
        let furniture = BTreeSet::from([3, 4]);
        let flagged = boilerplate_paragraphs(&project, "m.txt", paragraphs, &furniture, &shared);
        assert_eq!(flagged, BTreeSet::from([0, 1, 2, 4]));
    }

    #[test]
    fn exports_written_beside_a_document_are_not_documents() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(super::super::FILE_NAME), "(version: 1)").unwrap();
        let text = page("Nam Il spoke.");
        std::fs::write(dir.path().join("memo.txt"), &text).unwrap();
        // `gloss export` and the TUI's `x` write these beside the document.
        std::fs::write(dir.path().join("memo.txt.ana.txt"), &text).unwrap();
        std::fs::write(dir.path().join("memo.txt.ben.md"), &text).unwrap();
        let doc = Document::open(&dir.path().join("memo.txt")).unwrap();
        assert!(BoilerplateFinder::new().of(&doc).unwrap().is_empty());
        let files = files_below(dir.path());
        assert_eq!(files, vec![dir.path().join("memo.txt")]);
    }

    #[test]
    fn the_finder_counts_documents_below_the_project_root_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("archive");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join(super::super::FILE_NAME), "(version: 1)").unwrap();
        for (i, name) in ["a.txt", "b.txt", "sub/c.txt"].iter().enumerate() {
            std::fs::write(root.join(name), page(&format!("Body {i}."))).unwrap();
        }
        // Outside the project, hidden, or glossator's own: not counted.
        std::fs::write(dir.path().join("outside.txt"), page("x")).unwrap();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::write(root.join(".git/h.txt"), page("y")).unwrap();
        let doc = Document::open(&root.join("a.txt")).unwrap();
        let mut finder = BoilerplateFinder::new();
        assert_eq!(finder.of(&doc).unwrap(), BTreeSet::from([0, 2, 3]));
        std::fs::remove_file(root.join("sub/c.txt")).unwrap();
        let fresh = BoilerplateFinder::new().of(&doc).unwrap();
        assert!(fresh.is_empty(), "{fresh:?}");
        // Without a project file nothing is boilerplate.
        let outside = Document::open(&dir.path().join("outside.txt")).unwrap();
        assert!(finder.of(&outside).unwrap().is_empty());
    }
}
