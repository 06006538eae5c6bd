//! `gloss export`: excerpts from documents and folders, in one format.

use clap::Args;
use std::collections::HashSet;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;

use super::{FilterArgs, report};
use crate::corpus::{self, AnnotatedDocument, CorpusError};
use crate::document::DocumentError;
use crate::export::batch::{self, Progress};
use crate::export::metadata::{self, Metadata};
use crate::export::{self, ExportSet, Format, dna};
use crate::project::boilerplate::BoilerplateFinder;
use crate::sidecar::store::write_atomic;

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub read: super::ReadArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "json")]
    pub format: Format,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Also export annotations on boilerplate paragraphs (project file:
    /// marked, matching a rule, or shared by three or more documents).
    #[arg(long)]
    pub include_boilerplate: bool,
    /// Documents, sidecars or folders (searched recursively).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

pub fn run(args: &ExportArgs) -> ExitCode {
    // A zip sent to a terminal would garble it (its bytes include escape codes).
    if args.format == Format::Qdpx
        && args.output.is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stdout())
    {
        report(
            "gloss: --format qdpx writes a zip file: add -o FILE.qdpx (or redirect standard output)",
        );
        return ExitCode::from(2);
    }
    let filter = args.filter.to_filter();
    let (mut targets, errors) = corpus::find_targets(&args.paths, &filter.annotators, false);
    let mut failed = !errors.is_empty();
    for e in errors {
        report(e);
    }
    // The folders given: a REFI-QDA project names documents relative to them
    // and holds every document in them, tagged or not.
    let roots: Vec<PathBuf> = args.paths.iter().filter(|p| p.is_dir()).cloned().collect();
    let mut untagged = HashSet::new();
    if args.format == Format::Qdpx {
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
    let mut excerpts = Vec::new();
    let mut orphans = 0;
    let done = Arc::new(AtomicUsize::new(0));
    let progress = Progress::start(targets.len(), done.clone());
    let loaded = batch::load_all(&targets, &filter, &done);
    progress.finish();
    // An ambiguous `--actor` is a usage error, as a bad flag is.
    let ambiguous: Vec<&String> = loaded
        .iter()
        .filter_map(|r| r.as_ref().ok()?.ambiguous.as_ref())
        .collect();
    if !ambiguous.is_empty() {
        for e in ambiguous {
            report(e);
        }
        return ExitCode::from(2);
    }
    let mut boilerplate = BoilerplateFinder::new();
    let mut on_boilerplate = 0;
    for (target, result) in targets.iter().zip(loaded) {
        match result {
            Ok(mut l) => {
                for e in l.errors {
                    failed = true;
                    report(e);
                }
                if !args.include_boilerplate {
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
                            report(e);
                            return ExitCode::from(1);
                        }
                    }
                }
                orphans += l.orphans;
                excerpts.append(&mut l.excerpts);
                documents.push((l.source, l.document));
            }
            // A file found in a folder that is not text is not a document.
            Err(CorpusError::Document(
                e @ (DocumentError::Binary { .. } | DocumentError::NotUtf8 { .. }),
            )) if untagged.contains(&target.document) => {
                report(format!("gloss: {e}: left out of the project"));
            }
            Err(e) => {
                failed = true;
                report(e);
            }
        }
    }
    export::sort(&mut excerpts);
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
    let set = ExportSet {
        documents: &documents,
        excerpts: &excerpts,
        metadata: &metadata,
        roots: &roots,
    };
    if args.format == Format::Dna {
        let skipped = dna::skipped(&set);
        if skipped.neutral > 0 {
            report(format!(
                "gloss: {} neutral position(s) left out (DNA's agreement is 1 or 0)",
                skipped.neutral
            ));
        }
        if skipped.undated > 0 {
            report(format!(
                "gloss: {} position(s) from documents without a date left out (DNA needs a time; set one with the metadata panel or gloss.ron)",
                skipped.undated
            ));
        }
    }
    let bytes = match export::render(args.format, &set) {
        Ok(b) => b,
        Err(e) => {
            report(format!("gloss: export failed: {e}"));
            return ExitCode::from(1);
        }
    };
    let written = match &args.output {
        Some(path) => write_atomic(path, &bytes).map_err(|e| format!("{}: {e}", path.display())),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(&bytes).and_then(|_| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(|e| format!("standard output: {e}")),
            }
        }
    };
    if let Err(e) = written {
        report(e);
        return ExitCode::from(1);
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
