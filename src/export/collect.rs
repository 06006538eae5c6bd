//! Everything `gloss export` gathers before it renders a format: documents
//! found below the paths, loaded and filtered, boilerplate and orphans left
//! out, metadata applied, in export order. One function, so the CLI and the
//! corpus screens (the retrieval list's `x`) export the same thing.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use super::batch::{self, Progress};
use super::metadata::{self, Metadata};
use super::{Excerpt, Filter};
use crate::annotation::ActorResolver;
use crate::corpus::{self, AnnotatedDocument, CorpusError};
use crate::document::DocumentError;
use crate::project::boilerplate::BoilerplateFinder;

/// How to gather.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Also hold every document in the folders given, tagged or not (REFI-QDA).
    pub untagged_documents: bool,
    /// Keep annotations on boilerplate paragraphs.
    pub include_boilerplate: bool,
    /// Draw a progress line on stderr (when it is a terminal): never in the TUI.
    pub progress: bool,
}

/// What was gathered.
pub struct Collected {
    /// Loaded documents (paths as given), in the order found.
    pub documents: Vec<(String, AnnotatedDocument)>,
    /// Each document's actor names (every registry of it), same order.
    pub names: Vec<ActorResolver>,
    /// Filtered excerpts, in export order, metadata applied.
    pub excerpts: Vec<Excerpt>,
    pub metadata: Metadata,
    /// The folders given.
    pub roots: Vec<PathBuf>,
    /// Something failed on the way (reported): the command exits 1.
    pub failed: bool,
    /// Annotations left out because they sit on boilerplate or their
    /// paragraph is gone.
    pub on_boilerplate: usize,
    pub orphans: usize,
}

/// Why gathering stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stop {
    /// An `--actor` names several actors (reported): a usage error.
    Ambiguous,
    /// A project file could not be read for the boilerplate (reported).
    Failed,
}

/// Gather what `paths` hold for `filter`. Problems go to `report`, one line
/// each, in the order met.
pub fn collect(
    paths: &[PathBuf],
    filter: &Filter,
    options: Options,
    report: &mut dyn FnMut(String),
) -> Result<Collected, Stop> {
    let (mut targets, errors) = corpus::find_targets(paths, &filter.annotators, false);
    let mut failed = !errors.is_empty();
    for e in errors {
        report(e.to_string());
    }
    // The folders given: a REFI-QDA project names documents relative to them
    // and holds every document in them, tagged or not.
    let roots: Vec<PathBuf> = paths.iter().filter(|p| p.is_dir()).cloned().collect();
    let mut untagged = HashSet::new();
    if options.untagged_documents {
        let known: HashSet<PathBuf> = targets.iter().map(|t| t.document.clone()).collect();
        for root in &roots {
            for document in corpus::documents_in(root) {
                if !known.contains(&document) && untagged.insert(document.clone()) {
                    targets.push(corpus::Target {
                        document,
                        sidecars: Vec::new(),
                    });
                }
            }
        }
        targets.sort_by(|a, b| a.document.cmp(&b.document));
    }
    let mut documents: Vec<(String, AnnotatedDocument)> = Vec::new();
    let mut names = Vec::new();
    let mut excerpts = Vec::new();
    let mut orphans = 0;
    let done = Arc::new(AtomicUsize::new(0));
    let progress = options
        .progress
        .then(|| Progress::start(targets.len(), done.clone()));
    let loaded = batch::load_all(&targets, filter, &done);
    if let Some(p) = progress {
        p.finish();
    }
    // An ambiguous `--actor` is a usage error, as a bad flag is.
    let ambiguous: Vec<&String> = loaded
        .iter()
        .filter_map(|r| r.as_ref().ok()?.ambiguous.as_ref())
        .collect();
    if !ambiguous.is_empty() {
        for e in ambiguous {
            report(e.clone());
        }
        return Err(Stop::Ambiguous);
    }
    let mut boilerplate = BoilerplateFinder::new();
    let mut on_boilerplate = 0;
    for (target, result) in targets.iter().zip(loaded) {
        match result {
            Ok(mut l) => {
                for e in l.errors {
                    failed = true;
                    report(e.to_string());
                }
                if !options.include_boilerplate {
                    match boilerplate.of(&l.document.doc) {
                        Ok(skip) if !skip.is_empty() => {
                            let before = l.excerpts.len();
                            // Excerpt paragraphs are 1-based.
                            l.excerpts.retain(|e| {
                                !e.paragraph
                                    .checked_sub(1)
                                    .is_some_and(|p| skip.contains(&p))
                            });
                            on_boilerplate += before - l.excerpts.len();
                        }
                        Ok(_) => {}
                        Err(e) => {
                            report(e.to_string());
                            return Err(Stop::Failed);
                        }
                    }
                }
                orphans += l.orphans;
                excerpts.append(&mut l.excerpts);
                documents.push((l.source, l.document));
                names.push(l.names);
            }
            // A file found in a folder that is not text is not a document.
            Err(CorpusError::Document(
                e @ (DocumentError::Binary { .. } | DocumentError::NotUtf8 { .. }),
            )) if untagged.contains(&target.document) => {
                report(format!("gloss: {e}: left out of the project"));
            }
            Err(e) => {
                failed = true;
                report(e.to_string());
            }
        }
    }
    super::sort(&mut excerpts);
    if on_boilerplate > 0 {
        report(format!(
            "gloss: {on_boilerplate} annotation(s) on boilerplate paragraphs not exported (--include-boilerplate keeps them)"
        ));
    }
    // Citations: stored metadata in the project file over detected values.
    let (metadata, project_errors) = Metadata::collect(&documents);
    for e in project_errors {
        failed = true;
        report(format!(
            "gloss: {e} (its documents are cited from their text alone)"
        ));
    }
    metadata::apply(&mut excerpts, &metadata);
    if orphans > 0 {
        report(format!(
            "gloss: {orphans} orphaned annotation(s) not exported (their paragraphs are gone; see `gloss check`)"
        ));
    }
    Ok(Collected {
        documents,
        names,
        excerpts,
        metadata,
        roots,
        failed,
        on_boilerplate,
        orphans,
    })
}
