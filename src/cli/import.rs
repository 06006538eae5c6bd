//! `gloss import VOLUME.xml DIR`: a TEI file of many documents (a FRUS
//! volume) split into one TEI file per `div[@type="document"]` in DIR, their
//! metadata and the volume's persons in DIR/gloss.ron.
//!
//! Safe to run again: a file already there with the same content is left
//! alone, one that differs is never overwritten (nothing is written then),
//! stored metadata a person changed is kept, and the codebook is merged.

use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::report;
use crate::document::formats::{self, tei_split};
use crate::document::sanitize::display_line;
use crate::project::{self, DocumentMeta, store::ProjectStore};
use crate::sidecar::store::write_atomic;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The TEI file (e.g. a FRUS volume, volumes/frus1955-57v03.xml).
    pub file: PathBuf,
    /// The folder to write the documents and gloss.ron into (created if needed).
    pub dir: PathBuf,
}

/// Fill the fields `stored` lacks from `found`: what a person set stays.
fn fill(stored: &mut DocumentMeta, found: &tei_split::SplitDocument) {
    // Not the collection or record id: the citation names both already,
    // and citations would repeat them.
    let values = [
        ("title", &found.title),
        ("date", &found.date),
        ("citation", &found.citation),
        ("url", &found.url),
    ];
    for (field, value) in values {
        if stored.get(field).is_none()
            && let Some(v) = value
        {
            // A date that does not parse is left out rather than stored wrong.
            let _ = stored.set(field, Some(v.clone()));
        }
    }
}

pub fn run(args: &ImportArgs) -> ExitCode {
    let shown = args.file.display().to_string();
    let bytes = match std::fs::read(&args.file) {
        Ok(b) => b,
        Err(e) => {
            report(format!("{shown}: {e}"));
            return ExitCode::from(1);
        }
    };
    if bytes.len() > formats::MAX_MARKUP_BYTES {
        report(format!(
            "{shown}: {}",
            formats::ExtractError::TooLarge(bytes.len())
        ));
        return ExitCode::from(1);
    }
    let volume = match tei_split::split(&bytes) {
        Ok(v) => v,
        Err(e) => {
            report(format!("{shown}: {e}"));
            return ExitCode::from(1);
        }
    };
    if volume.documents.is_empty() {
        report(format!(
            "{shown}: no <div type=\"document\"> in it: nothing to import"
        ));
        return ExitCode::from(1);
    }
    if let Err(e) = std::fs::create_dir_all(&args.dir) {
        report(format!("{}: {e}", args.dir.display()));
        return ExitCode::from(1);
    }
    // The project file first: one that does not parse stops everything.
    let project_path = args.dir.join(project::FILE_NAME);
    let (mut store, loaded) = match ProjectStore::open(&project_path) {
        Ok(s) => s,
        Err(e) => {
            report(format!("{e} (nothing was imported)"));
            return ExitCode::from(1);
        }
    };
    // Then every file: none is written if one would be overwritten.
    let mut unchanged = Vec::new();
    let mut refused = 0;
    for doc in &volume.documents {
        let path = args.dir.join(&doc.file_name);
        match std::fs::read(&path) {
            Ok(existing) if existing == doc.xml.as_bytes() => unchanged.push(true),
            Ok(_) => {
                report(format!(
                    "{}: already there and different from document {} of {shown}: not overwritten (move it away to import it again)",
                    path.display(),
                    doc.record_id.as_deref().unwrap_or(&doc.file_name)
                ));
                refused += 1;
                unchanged.push(false);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => unchanged.push(false),
            Err(e) => {
                report(format!("{}: {e}", path.display()));
                return ExitCode::from(1);
            }
        }
    }
    if refused > 0 {
        report(format!(
            "{}: nothing imported ({refused} file(s) would have been overwritten)",
            args.dir.display()
        ));
        return ExitCode::from(1);
    }
    let mut written = 0;
    for (doc, same) in volume.documents.iter().zip(&unchanged) {
        if *same {
            continue;
        }
        let path = args.dir.join(&doc.file_name);
        if let Err(e) = write_atomic(&path, doc.xml.as_bytes()) {
            report(format!("{}: {e}", path.display()));
            return ExitCode::from(1);
        }
        written += 1;
    }
    let mut codebook = loaded.unwrap_or_default();
    let actors_before = codebook.actors.len();
    for doc in &volume.documents {
        fill(&mut codebook.document_mut(&doc.file_name).meta, doc);
    }
    codebook.register(&volume.actors);
    let new_actors = codebook.actors.len().saturating_sub(actors_before);
    if let Err(e) = store.save(&codebook) {
        report(e);
        return ExitCode::from(1);
    }
    let _ = writeln!(
        std::io::stdout(),
        "{}: {} document(s) from {} ({written} written, {} unchanged); {} actor(s) in {} ({new_actors} new)",
        display_line(&args.dir.display().to_string()),
        volume.documents.len(),
        display_line(&shown),
        volume.documents.len() - written,
        store.base().map_or(0, |p| p.actors.len()),
        display_line(&project_path.display().to_string()),
    );
    ExitCode::SUCCESS
}
