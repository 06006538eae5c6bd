//! Each exported document's metadata: the values stored in the project file
//! found above it (`gloss.ron`, by walking up) over the values detected from
//! its text, plus the codebook's actor attributes (e.g. `organization`) for
//! the network formats. A project file is loaded once per export.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::Excerpt;
use super::citation;
use crate::corpus::AnnotatedDocument;
use crate::project::{self, DocumentMeta, Project, ProjectError, detect};

/// What an export knows about its documents and actors.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    /// By source (the document path as the export names it).
    pub documents: BTreeMap<String, DocumentMeta>,
    /// Codebook attributes by actor name and by each alias.
    pub actors: BTreeMap<String, BTreeMap<String, String>>,
}

impl Metadata {
    /// The metadata of `source`, empty when nothing is known.
    pub fn of(&self, source: &str) -> DocumentMeta {
        self.documents.get(source).cloned().unwrap_or_default()
    }

    /// An actor's organisation from the codebook: its `organization` (or
    /// `organisation`) attribute, else its `faction`.
    pub fn organization(&self, actor: &str) -> Option<&str> {
        let attributes = self.actors.get(actor)?;
        ["organization", "organisation", "faction"]
            .iter()
            .find_map(|k| attributes.get(*k))
            .map(String::as_str)
    }

    /// Gather the metadata of `documents`. A project file that cannot be read
    /// is reported once (its documents keep their detected values).
    pub fn collect(documents: &[(String, AnnotatedDocument)]) -> (Metadata, Vec<ProjectError>) {
        let mut projects = Projects::default();
        let mut metadata = Metadata::default();
        for (source, doc) in documents {
            let meta = projects.meta_of(doc.doc.path(), detect::detect_document(&doc.doc));
            metadata.documents.insert(source.clone(), meta);
        }
        for (_, loaded) in &projects.loaded {
            let Ok(project) = loaded else { continue };
            for actor in &project.actors {
                if actor.attributes.is_empty() {
                    continue;
                }
                for name in std::iter::once(&actor.name).chain(&actor.aliases) {
                    metadata
                        .actors
                        .entry(name.clone())
                        .or_insert_with(|| actor.attributes.clone());
                }
            }
        }
        let errors = projects
            .loaded
            .into_iter()
            .filter_map(|(_, r)| r.err())
            .collect();
        (metadata, errors)
    }
}

/// Project files found so far, each loaded once.
#[derive(Default)]
struct Projects {
    loaded: Vec<(PathBuf, Result<Project, ProjectError>)>,
}

impl Projects {
    fn meta_of(&mut self, path: &Path, detected: DocumentMeta) -> DocumentMeta {
        let Some(file) = Project::find(path) else {
            return detected;
        };
        if !self.loaded.iter().any(|(p, _)| *p == file) {
            let loaded = Project::load(&file);
            self.loaded.push((file.clone(), loaded));
        }
        let stored = self
            .loaded
            .iter()
            .find(|(p, _)| *p == file)
            .and_then(|(_, r)| r.as_ref().ok())
            .zip(project::document_key(&project::root_of(&file), path))
            .and_then(|(p, key)| p.document(&key).map(|e| e.meta.clone()));
        match stored {
            Some(stored) => stored.or(&detected),
            None => detected,
        }
    }
}

/// The metadata of one document: stored values in the project file above it
/// over the values detected from `text`. A project file that cannot be read
/// is an error (the caller may fall back to [`detect::detect`]).
pub fn document_meta(path: &Path, text: &str) -> Result<DocumentMeta, ProjectError> {
    let mut projects = Projects::default();
    let meta = projects.meta_of(path, detect::detect(text));
    match projects.loaded.pop() {
        Some((_, Err(e))) => Err(e),
        _ => Ok(meta),
    }
}

/// Fill each excerpt's `doc_title`, `doc_date` and `doc_citation`.
pub fn apply(excerpts: &mut [Excerpt], metadata: &Metadata) {
    for e in excerpts {
        let Some(meta) = metadata.documents.get(&e.source) else {
            continue;
        };
        e.doc_title = meta.title.clone();
        e.doc_date = meta.date.as_ref().map(|d| d.to_string());
        e.doc_citation = citation::full(meta, &e.source);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_win_over_detected_ones_and_a_broken_project_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("box-3");
        std::fs::create_dir(&sub).unwrap();
        let doc = sub.join("memo.txt");
        let text = "Memorandum of a Conversation with Kim Il Sung\n\nJuly 24, 1956\n\nKim said the plan stands.\n";
        std::fs::write(&doc, text).unwrap();
        let alone = document_meta(&doc, text).unwrap();
        assert_eq!(alone.date.as_ref().map(|d| d.as_str()), Some("1956-07-24"));

        let mut project = Project::new();
        let entry = project.document_mut("box-3/memo.txt");
        entry.meta.title = Some("Memorandum of Conversation".into());
        entry.meta.citation = Some("AVPRF, Fond 0102, Opis 12, Delo 68".into());
        std::fs::write(dir.path().join("gloss.ron"), project.to_ron().unwrap()).unwrap();
        let meta = document_meta(&doc, text).unwrap();
        assert_eq!(meta.title.as_deref(), Some("Memorandum of Conversation"));
        assert_eq!(
            meta.citation.as_deref(),
            Some("AVPRF, Fond 0102, Opis 12, Delo 68")
        );
        assert_eq!(meta.date.as_ref().map(|d| d.as_str()), Some("1956-07-24"));

        std::fs::write(dir.path().join("gloss.ron"), "(version: 1, actors: [").unwrap();
        let err = document_meta(&doc, text).unwrap_err().to_string();
        assert!(err.contains("gloss.ron:1:"), "{err}");
    }
}
