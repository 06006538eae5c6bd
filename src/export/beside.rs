//! Export of one open document, for the TUI: the session's annotations in one
//! format, written atomically beside the document as
//! `<file name>.<annotator>.<extension>`.

use std::path::PathBuf;

use super::metadata::Metadata;
use super::{ExportSet, Filter, Format};
use crate::corpus::{AnnotatedDocument, Layer};
use crate::document::Document;
use crate::sidecar::store::write_atomic;
use crate::sidecar::{Sidecar, sidecar_path};

/// Where [`export_beside`] writes `format` for `doc` and `annotator`.
pub fn beside_path(doc: &Document, annotator: &str, format: Format) -> PathBuf {
    doc.path().with_file_name(format!(
        "{}.{annotator}.{}",
        doc.file_name(),
        format.extension()
    ))
}

/// What one export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: PathBuf,
    /// Excerpts written (for the network formats: position statements).
    pub excerpts: usize,
    /// Annotations whose paragraph is gone (not exported).
    pub orphans: usize,
    /// Annotations on boilerplate paragraphs (not exported, as by `gloss export`).
    pub on_boilerplate: usize,
}

/// Export every annotation of `sidecar` (the session's annotator) placed in
/// `doc`, in `format`, to [`beside_path`].
pub fn export_beside(doc: &Document, sidecar: &Sidecar, format: Format) -> anyhow::Result<Written> {
    let annotator = sidecar.annotator.clone();
    let layer = Layer::new(
        doc,
        annotator.clone(),
        sidecar_path(doc.path(), &annotator),
        sidecar.clone(),
    );
    let source = crate::document::sanitize::path_text(doc.path());
    let documents = [(
        source.clone(),
        AnnotatedDocument {
            doc: doc.clone(),
            layers: vec![layer],
        },
    )];
    let names = crate::corpus::actor_names(doc.path(), &documents[0].1.layers);
    let (mut excerpts, orphans) =
        super::excerpts_resolved(&documents[0].1, &source, &Filter::default(), &names);
    super::resolve_main_actors(&mut excerpts, &names);
    // Boilerplate is left out, as `gloss export` leaves it out by default.
    let skip = crate::project::boilerplate::BoilerplateFinder::new()
        .of(doc)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let before = excerpts.len();
    // Excerpt paragraphs are 1-based.
    excerpts.retain(|e| {
        !e.paragraph
            .checked_sub(1)
            .is_some_and(|p| skip.contains(&p))
    });
    let on_boilerplate = before - excerpts.len();
    let (metadata, errors) = Metadata::collect(&documents);
    if let Some(e) = errors.into_iter().next() {
        anyhow::bail!("{e}");
    }
    super::metadata::apply(&mut excerpts, &metadata);
    let bytes = super::render(
        format,
        &ExportSet {
            documents: &documents,
            excerpts: &excerpts,
            metadata: &metadata,
            roots: &[],
        },
    )?;
    let path = beside_path(doc, &annotator, format);
    write_atomic(&path, &bytes).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    // The network formats hold position statements only.
    let excerpts = match format {
        Format::Statements | Format::Graphml | Format::Gexf => {
            excerpts.iter().filter(|e| e.kind == "position").count()
        }
        Format::Dna => excerpts
            .iter()
            .filter(|e| {
                e.kind == "position"
                    && e.doc_date.is_some()
                    && matches!(e.stance, Some("support" | "oppose"))
            })
            .count(),
        // The reference formats hold the document itself.
        Format::Csl | Format::Ris => 1,
        _ => excerpts.len(),
    };
    Ok(Written {
        path,
        excerpts,
        orphans,
        on_boilerplate,
    })
}
