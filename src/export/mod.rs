//! Export of tagged excerpts: one module per format, shared by the CLI and the TUI.
//!
//! [`Excerpt`] is the flat record every format starts from (SPEC §4 fields);
//! [`Filter`] narrows which annotations become excerpts.

pub mod batch;
pub mod beside;
pub mod citation;
pub mod collect;
pub mod csl;
pub mod dna;
pub mod gexf;
pub mod html;
pub mod json;
pub mod md;
pub mod metadata;
pub mod network;
pub mod qdpx;
pub mod qdpx_meta;
pub mod ris;
pub mod table;
pub mod text;
pub mod w3c;

use serde::Serialize;

use crate::annotation::{ActorResolver, Annotation, Kind, Stance, Tag};
use crate::corpus::{AnnotatedDocument, Layer};
use crate::document::anchor::{CharRange, Placement};

/// Output formats of `gloss export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON array of excerpt objects.
    Json,
    /// One JSON excerpt object per line.
    Jsonl,
    /// Markdown for writing: block quotes with attribution and footnotes citing them.
    Md,
    /// One self-contained, print-friendly HTML page, each excerpt cited.
    Html,
    /// CSV (RFC 4180, UTF-8, header), the JSON fields as columns, formula-safe.
    Csv,
    /// CSV, one row per position statement (discourse-network input).
    Statements,
    /// GraphML actor–issue network of positions (Gephi, visone).
    Graphml,
    /// REFI-QDA project exchange zip (NVivo, ATLAS.ti, MAXQDA, QualCoder).
    Qdpx,
    /// W3C Web Annotation JSON-LD.
    W3c,
    /// CSL-JSON, one item per document (Zotero, Mendeley, pandoc).
    Csl,
    /// RIS, one record per document (Zotero, EndNote, most reference managers).
    Ris,
    /// Discourse Network Analyzer event list (DNA's own semicolon CSV).
    Dna,
    /// GEXF 1.3 dynamic actor–issue network, dated by document (Gephi's timeline).
    Gexf,
}

impl Format {
    /// File extension for a file written beside the document.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Md => "md",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Statements => "statements.csv",
            Format::Graphml => "graphml",
            Format::Qdpx => "qdpx",
            Format::W3c => "jsonld",
            Format::Csl => "csl.json",
            Format::Ris => "ris",
            Format::Dna => "dna.csv",
            Format::Gexf => "gexf",
        }
    }

    /// Every format, in the order menus list them.
    pub const ALL: [Format; 13] = [
        Format::Json,
        Format::Jsonl,
        Format::Md,
        Format::Html,
        Format::Csv,
        Format::Statements,
        Format::Graphml,
        Format::Qdpx,
        Format::W3c,
        Format::Csl,
        Format::Ris,
        Format::Dna,
        Format::Gexf,
    ];

    /// The name used by `--format`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Md => "md",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Statements => "statements",
            Format::Graphml => "graphml",
            Format::Qdpx => "qdpx",
            Format::W3c => "w3c",
            Format::Csl => "csl",
            Format::Ris => "ris",
            Format::Dna => "dna",
            Format::Gexf => "gexf",
        }
    }
}

/// One exported annotation, flattened. Fields not set are `null` in JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Excerpt {
    /// Document path as given on the command line (or found under a folder).
    pub source: String,
    pub annotator: String,
    /// 1-based paragraph number in the current document.
    pub paragraph: usize,
    /// 1-based first and last line of `text` in the source.
    pub line_start: usize,
    pub line_end: usize,
    pub kind: &'static str,
    /// The tag's main actor: claim `by`, advice `from`, position `actor`.
    pub actor: String,
    pub by: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub stance: Option<&'static str>,
    pub issue: Option<String>,
    pub note: Option<String>,
    /// The paragraph, or the quote when the annotation is narrowed.
    pub text: String,
    pub id: String,
    /// Code points of `text` within the paragraph's text, end exclusive;
    /// `None` (null) when the annotation is about the whole paragraph.
    pub quote_start: Option<usize>,
    pub quote_end: Option<usize>,
    pub created: String,
    pub modified: String,
    /// How the anchor was placed: `exact`, `moved` or `fuzzy`.
    pub anchor: &'static str,
    /// The document's metadata ([`metadata`]): `None` when unknown.
    pub doc_title: Option<String>,
    pub doc_date: Option<String>,
    /// The document's full citation (Chicago notes style, [`citation`]).
    pub doc_citation: Option<String>,
    /// Page and section of the quote, for formats that have them (plain text has none).
    pub page: Option<String>,
    pub section: Option<String>,
    /// Footnotes and endnotes anchored in the paragraph (`{"n", "text"}`),
    /// present only when it has some (TEI, DOCX).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<crate::document::formats::Note>,
    /// The quote begins / ends inside its paragraph (an ellipsis marks the cut).
    #[serde(skip)]
    pub cut_before: bool,
    #[serde(skip)]
    pub cut_after: bool,
    /// The annotator this annotation was adopted from in review, if any
    /// (shown by the formats for reading: md, html).
    #[serde(skip)]
    pub adopted_from: Option<String>,
    /// Byte range of `text` in the document's text (BOM excluded).
    #[serde(skip)]
    pub byte_start: usize,
    #[serde(skip)]
    pub byte_end: usize,
}

/// Which annotations to export. Criteria combine (AND); empty means any.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub kinds: Vec<Kind>,
    pub actors: Vec<String>,
    pub stance: Option<Stance>,
    pub annotators: Vec<String>,
    pub issue: Option<String>,
    /// Further issue names `issue` stands for (folded): every spelling of the
    /// codebook issues it matches, so a position filed under an issue's old
    /// name (an alias after a rename or merge) passes too.
    pub issue_spellings: Vec<String>,
}

impl Filter {
    /// Does `annotation` by `annotator` pass? Actors match any role and any
    /// spelling `names` resolves to the same actor; `issue` is a
    /// case-insensitive substring.
    pub fn matches(&self, annotator: &str, annotation: &Annotation, names: &ActorResolver) -> bool {
        if !self.kinds.is_empty() && !self.kinds.contains(&annotation.kind()) {
            return false;
        }
        if !self.annotators.is_empty() && !self.annotators.iter().any(|a| a == annotator) {
            return false;
        }
        if !self.actors.is_empty() {
            let tagged = annotation.tag.actors();
            let hit = self
                .actors
                .iter()
                .any(|q| tagged.iter().any(|n| names.same_actor(q, n)));
            if !hit {
                return false;
            }
        }
        if let Some(want) = self.stance {
            match &annotation.tag {
                Tag::Position { stance, .. } if *stance == want => {}
                _ => return false,
            }
        }
        if let Some(q) = &self.issue {
            match &annotation.tag {
                Tag::Position { issue, .. }
                    if issue.to_lowercase().contains(&q.to_lowercase())
                        || self.issue_spellings.contains(&fold_issue(issue)) => {}
                _ => return false,
            }
        }
        true
    }

    /// This filter with each actor query replaced by the main name it finds
    /// through `names` ([`ActorResolver::lookup`]: a unique prefix or a
    /// loosely folded spelling will do); a query no registry matches is kept
    /// as typed (it matches that spelling only). An ambiguous query is an
    /// error naming it and its candidates.
    pub fn resolve_actors(&self, names: &ActorResolver) -> Result<Filter, String> {
        let mut out = self.clone();
        for query in &mut out.actors {
            match names.lookup(query) {
                Ok(Some(main)) => *query = main,
                Ok(None) => {}
                Err(candidates) => {
                    return Err(format!(
                        "--actor {query:?} is ambiguous: {} (give more of the name)",
                        candidates.join(", ")
                    ));
                }
            }
        }
        Ok(out)
    }

    /// This filter with `issue_spellings` set from the codebook's `issues`:
    /// every name and alias of each issue one of whose spellings contains
    /// the `--issue` text (case-insensitive).
    pub fn resolve_issue(&self, issues: &[crate::project::IssueEntry]) -> Filter {
        let mut out = self.clone();
        let Some(q) = self.issue.as_ref().map(|q| q.to_lowercase()) else {
            return out;
        };
        for entry in issues {
            let spellings: Vec<&String> =
                std::iter::once(&entry.name).chain(&entry.aliases).collect();
            if spellings.iter().any(|s| s.to_lowercase().contains(&q)) {
                out.issue_spellings
                    .extend(spellings.iter().map(|s| fold_issue(s)));
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
            && self.actors.is_empty()
            && self.stance.is_none()
            && self.annotators.is_empty()
            && self.issue.is_none()
    }
}

/// Set each excerpt's `actor` (its tag's main actor) to the main name
/// `names` resolves it to, so that every spelling of one actor is one person
/// in tables and one node in networks; `by`, `from` and `to` keep the
/// spellings the annotator typed.
pub fn resolve_main_actors(excerpts: &mut [Excerpt], names: &ActorResolver) {
    for e in excerpts {
        e.actor = names.resolve(&e.actor);
    }
}

/// An issue name compared with the codebook's: case and spacing ignored.
fn fold_issue(issue: &str) -> String {
    issue
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Excerpts of one document, for every layer, filtered; orphans are skipped
/// and counted (they have no place to quote). Actor names resolve through the
/// loaded layers' registries.
pub fn excerpts_of(
    doc: &AnnotatedDocument,
    source: &str,
    filter: &Filter,
) -> (Vec<Excerpt>, usize) {
    let names = ActorResolver::of(doc.layers.iter().map(|l| l.sidecar.actors.as_slice()));
    excerpts_resolved(doc, source, filter, &names)
}

/// [`excerpts_of`] with actor names resolved through `names` (for commands:
/// every registry of the document, `corpus::actor_names`).
pub fn excerpts_resolved(
    doc: &AnnotatedDocument,
    source: &str,
    filter: &Filter,
    names: &ActorResolver,
) -> (Vec<Excerpt>, usize) {
    let mut out = Vec::new();
    let mut orphans = 0;
    for layer in &doc.layers {
        for (annotation, placement) in layer.sidecar.annotations.iter().zip(&layer.placements) {
            if !filter.matches(&layer.annotator, annotation, names) {
                continue;
            }
            match excerpt(doc, layer, annotation, *placement, source) {
                Some(e) => out.push(e),
                None => orphans += 1,
            }
        }
    }
    sort(&mut out);
    (out, orphans)
}

/// Stable order: document path, paragraph, creation time, then annotator and id.
pub fn sort(excerpts: &mut [Excerpt]) {
    excerpts.sort_by(|a, b| {
        (&a.source, a.paragraph, &a.created, &a.annotator, &a.id).cmp(&(
            &b.source,
            b.paragraph,
            &b.created,
            &b.annotator,
            &b.id,
        ))
    });
}

/// Build the excerpt of one placed annotation.
pub fn excerpt(
    doc: &AnnotatedDocument,
    layer: &Layer,
    annotation: &Annotation,
    placement: Placement,
    source: &str,
) -> Option<Excerpt> {
    let index = placement.index()?;
    let d = &doc.doc;
    let para = d.paragraph(index);
    let text = d.paragraph_text(index);
    let found = annotation.anchor.quote_range(text);
    let (qs, qe) = found.unwrap_or((0, text.len()));
    let line_start = para.line_start + text[..qs].matches('\n').count();
    let line_end = line_start + text[qs..qe].matches('\n').count();
    // A narrowed quote no longer found exports the paragraph, unnarrowed.
    let quote = (annotation.anchor.narrowed && found.is_some())
        .then(|| CharRange::from_bytes(text, qs, qe));
    let (mut by, mut from, mut to, mut stance, mut issue) = (None, None, None, None, None);
    match &annotation.tag {
        Tag::Claim { by: b } => by = Some(b.clone()),
        Tag::Advice { from: f, to: t } => {
            from = Some(f.clone());
            to = Some(t.clone());
        }
        Tag::Position {
            stance: s,
            issue: i,
            ..
        } => {
            stance = Some(s.as_str());
            issue = Some(i.clone());
        }
    }
    Some(Excerpt {
        source: source.to_string(),
        annotator: layer.annotator.clone(),
        paragraph: index + 1,
        line_start,
        line_end,
        kind: annotation.kind().as_str(),
        actor: annotation.tag.primary_actor().to_string(),
        by,
        from,
        to,
        stance,
        issue,
        note: annotation.note.clone(),
        text: text[qs..qe].to_string(),
        id: annotation.id.clone(),
        quote_start: quote.map(|r| r.start),
        quote_end: quote.map(|r| r.end),
        created: annotation.created.clone(),
        modified: annotation.modified.clone(),
        anchor: match placement {
            Placement::Exact(_) => "exact",
            Placement::Moved { .. } => "moved",
            Placement::Fuzzy { .. } => "fuzzy",
            Placement::Orphan => "orphan",
        },
        doc_title: None,
        doc_date: None,
        doc_citation: None,
        page: d.provenance(index).and_then(|p| p.page.clone()),
        section: d.provenance(index).and_then(|p| p.section.clone()),
        notes: d
            .provenance(index)
            .map(|p| p.notes.clone())
            .unwrap_or_default(),
        cut_before: !text[..qs].trim().is_empty(),
        cut_after: !text[qe..].trim().is_empty(),
        adopted_from: annotation.origin.as_ref().map(|o| o.annotator.clone()),
        byte_start: para.start + qs,
        byte_end: para.start + qe,
    })
}

/// The verb of an excerpt's stance in a sentence (`supports`, `opposes`,
/// `is neutral on`), shared by every format that writes one.
pub fn stance_verb(stance: &str) -> &str {
    Stance::from_name(stance).map_or(stance, |s| s.verb())
}

/// Everything an export needs: the loaded documents (paths as given) and the excerpts.
pub struct ExportSet<'a> {
    pub documents: &'a [(String, AnnotatedDocument)],
    pub excerpts: &'a [Excerpt],
    /// Each document's metadata and the codebook's actor attributes.
    pub metadata: &'a metadata::Metadata,
    /// The folders the documents were found in (paths as given): the REFI-QDA
    /// project names documents relative to them, else by file name.
    pub roots: &'a [std::path::PathBuf],
}

/// Render `set` in `format`.
pub fn render(format: Format, set: &ExportSet<'_>) -> anyhow::Result<Vec<u8>> {
    Ok(match format {
        Format::Json => json::array(set.excerpts)?,
        Format::Jsonl => json::lines(set.excerpts)?,
        Format::Md => md::render(set.excerpts, set.metadata),
        Format::Html => html::render(set.excerpts, set.metadata),
        Format::Csv => table::excerpts(set.excerpts)?,
        Format::Statements => network::statements(set.excerpts)?,
        Format::Graphml => network::graphml(set.excerpts),
        Format::Qdpx => qdpx::render(set)?,
        Format::W3c => w3c::render(set)?,
        Format::Csl => csl::render(set)?,
        Format::Ris => ris::render(set),
        Format::Dna => dna::render(set),
        Format::Gexf => gexf::render(set),
    })
}

/// An excerpt for unit tests: a claim by Nam Il in `memo.txt`, ¶ 1, line 1.
#[cfg(test)]
pub(crate) fn sample_excerpt() -> Excerpt {
    Excerpt {
        source: "memo.txt".into(),
        annotator: "ana".into(),
        paragraph: 1,
        line_start: 1,
        line_end: 1,
        kind: "claim",
        actor: "Nam Il".into(),
        by: Some("Nam Il".into()),
        from: None,
        to: None,
        stance: None,
        issue: None,
        note: None,
        text: "The delegation was told.".into(),
        id: "a1".into(),
        created: "2026-01-01T00:00:00Z".into(),
        modified: "2026-01-01T00:00:00Z".into(),
        anchor: "exact",
        adopted_from: None,
        quote_start: None,
        quote_end: None,
        doc_title: None,
        doc_date: None,
        doc_citation: None,
        page: None,
        section: None,
        notes: Vec::new(),
        cut_before: false,
        cut_after: false,
        byte_start: 0,
        byte_end: 0,
    }
}
