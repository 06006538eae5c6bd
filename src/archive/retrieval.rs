//! Retrieval over an archive: every annotation below a folder as one list
//! (MAXQDA's retrieved segments), filtered exactly as `gloss export` filters
//! ([`Filter`], resolved per document through its actor names and codebook),
//! grouped by actor or issue; a stance matrix (actors × issues) and a
//! timeline of an actor's or an issue's positions by document date.
//!
//! The corpus is gathered once through the export pipeline
//! ([`collect`](crate::export::collect)), so rows are what an export holds:
//! boilerplate and orphans left out, actors by their main name. Filtering,
//! grouping, the matrix and the timeline then work on the loaded rows alone
//! (no file is read again), fast enough to redo on every key.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::annotation::{ActorResolver, Annotation, Kind, Stance, Tag};
use crate::export::collect::{self, Collected, Options, Stop};
use crate::export::{Excerpt, Filter};
use crate::project::{IssueEntry, Project};

/// Characters of a paragraph (or quote) kept as a row's excerpt.
const EXCERPT_CHARS: usize = 240;

/// One document of the corpus that holds annotations.
#[derive(Debug, Clone)]
pub struct DocumentInfo {
    pub path: PathBuf,
    /// The path as exports name it.
    pub source: String,
    /// The path below the root, for display.
    pub name: String,
    pub title: Option<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (project file over detected).
    pub date: Option<String>,
    /// Index into [`Corpus::resolvers`] (documents with the same registries share one).
    names: usize,
    /// Index into [`Corpus::codebooks`].
    codebook: usize,
}

impl DocumentInfo {
    /// The file name, for narrow columns.
    pub fn file_name(&self) -> &str {
        Path::new(&self.source)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or(&self.source)
    }
}

/// One annotation of the corpus.
#[derive(Debug, Clone)]
pub struct Row {
    /// Index into [`Corpus::documents`].
    pub document: u32,
    /// Index into [`Corpus::annotators`].
    pub annotator: u32,
    /// 1-based paragraph, as in exports.
    pub paragraph: usize,
    /// Index into [`Corpus::actors`]: the tag's main actor by its main name
    /// (claim `by`, advice `from`, position `actor`).
    pub actor: u32,
    /// Advice: to whom, by main name.
    pub to: Option<u32>,
    /// Index into [`Corpus::issues`]: the codebook's name for a position's
    /// issue (an alias folds into it), else the issue as first spelled.
    pub issue: Option<u32>,
    /// The quote (narrowed) or the paragraph's start, on one line.
    pub excerpt: String,
    /// The annotation itself, for [`Filter::matches`].
    pub annotation: Annotation,
}

impl Row {
    pub fn kind(&self) -> Kind {
        self.annotation.kind()
    }

    pub fn stance(&self) -> Option<Stance> {
        match &self.annotation.tag {
            Tag::Position { stance, .. } => Some(*stance),
            _ => None,
        }
    }
}

/// Every annotation below a folder, sorted by document date (undated last),
/// then document, paragraph and creation.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub root: PathBuf,
    pub documents: Vec<DocumentInfo>,
    pub rows: Vec<Row>,
    pub annotators: Vec<String>,
    /// Main actor names.
    pub actors: Vec<String>,
    /// Issue names.
    pub issues: Vec<String>,
    resolvers: Vec<Arc<ActorResolver>>,
    codebooks: Vec<Arc<Vec<IssueEntry>>>,
}

/// Strings numbered in the order met.
#[derive(Default)]
struct Interner {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Interner {
    fn id(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.ids.insert(name.to_string(), id);
        self.names.push(name.to_string());
        id
    }
}

/// An issue name compared: case and spacing ignored (as export compares
/// codebook spellings).
fn fold_issue(issue: &str) -> String {
    issue
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// `text` on one line, cut to [`EXCERPT_CHARS`] characters.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(EXCERPT_CHARS * 2));
    let mut count = 0;
    for word in text.split_whitespace() {
        if count > 0 {
            out.push(' ');
            count += 1;
        }
        for c in word.chars() {
            if count >= EXCERPT_CHARS {
                out.push('…');
                return out;
            }
            out.push(c);
            count += 1;
        }
    }
    out
}

impl Corpus {
    /// Gather every annotation below `root` through the export pipeline.
    /// Problems (a sidecar that does not load, a broken project file) go to
    /// `report`; the rest loads.
    pub fn load(root: &Path, report: &mut dyn FnMut(String)) -> Result<Corpus, String> {
        let options = Options {
            untagged_documents: false,
            include_boilerplate: false,
            progress: false,
        };
        let gathered = collect::collect(&[root.to_path_buf()], &Filter::default(), options, report)
            .map_err(|stop| match stop {
                Stop::Ambiguous => "an actor filter is ambiguous".to_string(),
                Stop::Failed => "the project file could not be read".to_string(),
            })?;
        Ok(Corpus::from_collected(root, gathered))
    }

    /// Rows from what the export pipeline gathered (with no filter).
    pub fn from_collected(root: &Path, gathered: Collected) -> Corpus {
        let Collected {
            documents,
            names,
            excerpts,
            metadata,
            ..
        } = gathered;
        let mut corpus = Corpus {
            root: root.to_path_buf(),
            ..Corpus::default()
        };
        // Documents with the same registries share one resolver (filters are
        // resolved once per resolver, not once per document).
        let mut resolver_ids: HashMap<Vec<(String, String)>, usize> = HashMap::new();
        let mut codebook_ids: HashMap<Option<PathBuf>, usize> = HashMap::new();
        let mut by_source: HashMap<&str, usize> = HashMap::new();
        let mut resolver_of = Vec::with_capacity(documents.len());
        for ((source, doc), resolver) in documents.iter().zip(names) {
            let key: Vec<(String, String)> = resolver
                .spellings()
                .map(|(m, s)| (m.to_string(), s.to_string()))
                .collect();
            let names = *resolver_ids.entry(key).or_insert_with(|| {
                corpus.resolvers.push(Arc::new(resolver));
                corpus.resolvers.len() - 1
            });
            let project = Project::find(doc.doc.path());
            let codebook = *codebook_ids.entry(project.clone()).or_insert_with(|| {
                let issues = project
                    .and_then(|file| Project::load(&file).ok())
                    .map(|p| p.issues)
                    .unwrap_or_default();
                corpus.codebooks.push(Arc::new(issues));
                corpus.codebooks.len() - 1
            });
            let meta = metadata.of(source);
            by_source.insert(source.as_str(), corpus.documents.len());
            resolver_of.push(names);
            corpus.documents.push(DocumentInfo {
                path: doc.doc.path().to_path_buf(),
                source: source.clone(),
                name: doc
                    .doc
                    .path()
                    .strip_prefix(root)
                    .map(crate::document::sanitize::path_text)
                    .unwrap_or_else(|_| source.clone()),
                title: meta.title.clone(),
                date: meta.date.as_ref().map(|d| d.to_string()),
                names,
                codebook,
            });
        }
        // Each document's annotations by (annotator, id), to find an excerpt's.
        let annotation_of = |doc: usize, e: &Excerpt| -> Option<Annotation> {
            let (_, adoc) = &documents[doc];
            let layer = adoc.layers.iter().find(|l| l.annotator == e.annotator)?;
            layer
                .sidecar
                .annotations
                .iter()
                .find(|a| a.id == e.id)
                .cloned()
        };
        let mut annotators = Interner::default();
        let mut actors = Interner::default();
        let mut issues = Interner::default();
        // Folded issue spelling → issue id (codebook names and aliases first).
        let mut issue_ids: HashMap<(usize, String), u32> = HashMap::new();
        let mut rows = Vec::with_capacity(excerpts.len());
        for e in &excerpts {
            let Some(&doc) = by_source.get(e.source.as_str()) else {
                continue;
            };
            let Some(annotation) = annotation_of(doc, e) else {
                continue;
            };
            let resolver = &corpus.resolvers[corpus.documents[doc].names];
            let codebook = corpus.documents[doc].codebook;
            let to = e.to.as_deref().map(|t| actors.id(&resolver.resolve(t)));
            let issue = e.issue.as_deref().map(|issue| {
                let folded = fold_issue(issue);
                *issue_ids
                    .entry((codebook, folded.clone()))
                    .or_insert_with(|| {
                        let main = corpus.codebooks[codebook]
                            .iter()
                            .find(|entry| {
                                std::iter::once(&entry.name)
                                    .chain(&entry.aliases)
                                    .any(|s| fold_issue(s) == folded)
                            })
                            .map_or(issue.trim(), |entry| entry.name.as_str());
                        // One issue across projects and spellings: by folded name.
                        let key = fold_issue(main);
                        match issues.ids.get(&key) {
                            Some(&id) => id,
                            None => {
                                let id = issues.names.len() as u32;
                                issues.ids.insert(key, id);
                                issues.names.push(main.to_string());
                                id
                            }
                        }
                    })
            });
            rows.push(Row {
                document: doc as u32,
                annotator: annotators.id(&e.annotator),
                paragraph: e.paragraph,
                actor: actors.id(&e.actor),
                to,
                issue,
                excerpt: one_line(&e.text),
                annotation,
            });
        }
        corpus.annotators = annotators.names;
        corpus.actors = actors.names;
        corpus.issues = issues.names;
        let docs = &corpus.documents;
        rows.sort_by(|a, b| {
            let (da, db) = (&docs[a.document as usize], &docs[b.document as usize]);
            (
                da.date.is_none(),
                &da.date,
                &da.source,
                a.paragraph,
                &a.annotation.created,
                &corpus.annotators[a.annotator as usize],
                &a.annotation.id,
            )
                .cmp(&(
                    db.date.is_none(),
                    &db.date,
                    &db.source,
                    b.paragraph,
                    &b.annotation.created,
                    &corpus.annotators[b.annotator as usize],
                    &b.annotation.id,
                ))
        });
        corpus.rows = rows;
        corpus
    }

    pub fn document(&self, row: &Row) -> &DocumentInfo {
        &self.documents[row.document as usize]
    }

    /// The actor names of `row`'s document.
    pub fn names_of(&self, row: &Row) -> &ActorResolver {
        &self.resolvers[self.document(row).names]
    }

    /// The rows `filter` lets through, as `gloss export` filters: per
    /// document, the actor queries resolved through its names (an ambiguous
    /// one is an error, as it is for export) and the issue through its
    /// codebook's spellings.
    pub fn select(&self, filter: &Filter) -> Result<Vec<u32>, String> {
        if filter.is_empty() {
            return Ok((0..self.rows.len() as u32).collect());
        }
        // Resolved once per (resolver, codebook) pair.
        let mut resolved: HashMap<(usize, usize), Filter> = HashMap::new();
        for d in &self.documents {
            let key = (d.names, d.codebook);
            if resolved.contains_key(&key) {
                continue;
            }
            let f = filter
                .resolve_issue(&self.codebooks[d.codebook])
                .resolve_actors(&self.resolvers[d.names])
                .map_err(|e| format!("{}: {e}", d.source))?;
            resolved.insert(key, f);
        }
        let mut out = Vec::new();
        let mut last: Option<((usize, usize), &Filter)> = None;
        for (i, row) in self.rows.iter().enumerate() {
            let d = &self.documents[row.document as usize];
            let key = (d.names, d.codebook);
            let f = match last {
                Some((k, f)) if k == key => f,
                _ => {
                    let Some(f) = resolved.get(&key) else {
                        continue;
                    };
                    last = Some((key, f));
                    f
                }
            };
            if f.matches(
                &self.annotators[row.annotator as usize],
                &row.annotation,
                &self.resolvers[d.names],
            ) {
                out.push(i as u32);
            }
        }
        Ok(out)
    }

    /// `selected` rows in groups by actor or issue (groups by name, rows in
    /// date order within each). Rows without an issue (claims, advice) form a
    /// last group when grouping by issue.
    pub fn group(&self, selected: &[u32], by: Grouping) -> Vec<Group> {
        let key = |row: &Row| -> Option<u32> {
            match by {
                Grouping::Actor => Some(row.actor),
                Grouping::Issue => row.issue,
            }
        };
        let names = match by {
            Grouping::Actor => &self.actors,
            Grouping::Issue => &self.issues,
        };
        let mut groups: HashMap<Option<u32>, Vec<u32>> = HashMap::new();
        for &i in selected {
            groups
                .entry(key(&self.rows[i as usize]))
                .or_default()
                .push(i);
        }
        let mut out: Vec<Group> = groups
            .into_iter()
            .map(|(k, rows)| Group {
                name: k.map(|k| names[k as usize].clone()),
                rows,
            })
            .collect();
        out.sort_by(|a, b| {
            (a.name.is_none(), a.name.as_ref().map(|n| n.to_lowercase()))
                .cmp(&(b.name.is_none(), b.name.as_ref().map(|n| n.to_lowercase())))
        });
        out
    }

    /// Actors × issues with support / oppose / neutral counts of the
    /// positions among `selected`. Actors and issues are ordered by their
    /// number of positions (most first), then by name.
    pub fn matrix(&self, selected: &[u32]) -> Matrix {
        let (na, ni) = (self.actors.len(), self.issues.len());
        let mut cells: HashMap<(u32, u32), [u32; 3]> = HashMap::new();
        let mut actor_totals = vec![0u32; na];
        let mut issue_totals = vec![0u32; ni];
        for &i in selected {
            let row = &self.rows[i as usize];
            let (Some(issue), Some(stance)) = (row.issue, row.stance()) else {
                continue;
            };
            cells.entry((row.actor, issue)).or_default()[stance_index(stance)] += 1;
            actor_totals[row.actor as usize] += 1;
            issue_totals[issue as usize] += 1;
        }
        let order = |totals: &[u32], names: &[String]| -> Vec<u32> {
            let mut ids: Vec<u32> = (0..totals.len() as u32)
                .filter(|&i| totals[i as usize] > 0)
                .collect();
            ids.sort_by(|&a, &b| {
                totals[b as usize]
                    .cmp(&totals[a as usize])
                    .then_with(|| names[a as usize].cmp(&names[b as usize]))
            });
            ids
        };
        let actors = order(&actor_totals, &self.actors);
        let issues = order(&issue_totals, &self.issues);
        let mut counts = vec![[0u32; 3]; actors.len() * issues.len()];
        let issue_col: HashMap<u32, usize> =
            issues.iter().enumerate().map(|(c, &i)| (i, c)).collect();
        let actor_row: HashMap<u32, usize> =
            actors.iter().enumerate().map(|(r, &a)| (a, r)).collect();
        for ((a, i), c) in cells {
            counts[actor_row[&a] * issues.len() + issue_col[&i]] = c;
        }
        Matrix {
            actors,
            issues,
            counts,
        }
    }

    /// The positions among `selected` of an actor or on an issue, counted
    /// by stance per date bucket (years, or months when they all fall in
    /// one year); positions in undated documents are counted apart. This
    /// scans every selected row: to step between subjects, count once with
    /// [`Corpus::timelines`].
    pub fn timeline(&self, selected: &[u32], subject: Subject) -> Timeline {
        let mut dated: Vec<(&str, [u32; 3])> = Vec::new();
        let mut undated = [0u32; 3];
        for &i in selected {
            let row = &self.rows[i as usize];
            let Some(stance) = row.stance() else { continue };
            let hit = match subject {
                Subject::Actor(a) => row.actor == a,
                Subject::Issue(s) => row.issue == Some(s),
            };
            if !hit {
                continue;
            }
            match &self.document(row).date {
                Some(date) => {
                    let mut one = [0u32; 3];
                    one[stance_index(stance)] = 1;
                    dated.push((date.as_str(), one));
                }
                None => undated[stance_index(stance)] += 1,
            }
        }
        build_timeline(subject, dated, undated)
    }

    /// The positions among `selected` counted once per actor and per issue,
    /// by document date and stance, so that a timeline is then built from
    /// its subject's few distinct dates instead of a scan of every row
    /// (stepping between subjects on 100,000 annotations stays a lookup).
    pub fn timelines(&self, selected: &[u32]) -> Timelines {
        let mut dates = Interner::default();
        let document_date: Vec<Option<u32>> = self
            .documents
            .iter()
            .map(|d| d.date.as_deref().map(|date| dates.id(date)))
            .collect();
        let mut actors: Vec<HashMap<Option<u32>, [u32; 3]>> =
            vec![HashMap::new(); self.actors.len()];
        let mut issues: Vec<HashMap<Option<u32>, [u32; 3]>> =
            vec![HashMap::new(); self.issues.len()];
        for &i in selected {
            let row = &self.rows[i as usize];
            let Some(stance) = row.stance() else { continue };
            let date = document_date[row.document as usize];
            let s = stance_index(stance);
            actors[row.actor as usize].entry(date).or_default()[s] += 1;
            if let Some(issue) = row.issue {
                issues[issue as usize].entry(date).or_default()[s] += 1;
            }
        }
        let settle = |counts: Vec<HashMap<Option<u32>, [u32; 3]>>| -> Vec<SubjectCounts> {
            counts
                .into_iter()
                .map(|by_date| {
                    let mut subject = SubjectCounts::default();
                    for (date, c) in by_date {
                        match date {
                            Some(d) => subject.dated.push((d, c)),
                            None => subject.undated = c,
                        }
                    }
                    subject
                })
                .collect()
        };
        Timelines {
            dates: dates.names,
            actors: settle(actors),
            issues: settle(issues),
        }
    }
}

/// The timeline of `subject` from its positions counted per document date.
fn build_timeline(subject: Subject, dated: Vec<(&str, [u32; 3])>, undated: [u32; 3]) -> Timeline {
    let years: Vec<u32> = dated
        .iter()
        .filter_map(|(d, _)| d.get(..4)?.parse().ok())
        .collect();
    let (first, last) = (years.iter().min().copied(), years.iter().max().copied());
    let by_month = first.is_some() && first == last;
    let label = |date: &str| -> String {
        if by_month {
            date.get(..7).unwrap_or(date).to_string()
        } else {
            date.get(..4).unwrap_or(date).to_string()
        }
    };
    let mut buckets: std::collections::BTreeMap<String, [u32; 3]> = Default::default();
    // Gaps in time show as empty buckets (a year's months, or up to a
    // century of years).
    match (first, last) {
        (Some(y), Some(_)) if by_month => {
            for m in 1..=12 {
                buckets.insert(format!("{y:04}-{m:02}"), [0; 3]);
            }
        }
        (Some(a), Some(b)) if b - a <= 100 => {
            for y in a..=b {
                buckets.insert(format!("{y:04}"), [0; 3]);
            }
        }
        _ => {}
    }
    for (date, counts) in dated {
        let bucket = buckets.entry(label(date)).or_default();
        for (b, c) in bucket.iter_mut().zip(counts) {
            *b += c;
        }
    }
    // A year's empty months before the first and after the last are trimmed.
    let mut buckets: Vec<Bucket> = buckets
        .into_iter()
        .map(|(label, counts)| Bucket { label, counts })
        .collect();
    if by_month {
        while buckets.first().is_some_and(|b| b.total() == 0) {
            buckets.remove(0);
        }
        while buckets.last().is_some_and(|b| b.total() == 0) {
            buckets.pop();
        }
    }
    Timeline {
        subject,
        by_month,
        buckets,
        undated,
    }
}

/// Positions of a selection counted per actor and per issue (see
/// [`Corpus::timelines`]).
#[derive(Debug, Clone, Default)]
pub struct Timelines {
    /// Distinct document dates.
    dates: Vec<String>,
    /// Indexed by actor id, then by issue id.
    actors: Vec<SubjectCounts>,
    issues: Vec<SubjectCounts>,
}

/// One subject's positions: support, oppose, neutral per date (an index
/// into [`Timelines::dates`]), and in undated documents.
#[derive(Debug, Clone, Default)]
struct SubjectCounts {
    dated: Vec<(u32, [u32; 3])>,
    undated: [u32; 3],
}

impl Timelines {
    /// The timeline of `subject`, equal to [`Corpus::timeline`] over the
    /// same selection.
    pub fn timeline(&self, subject: Subject) -> Timeline {
        let counts = match subject {
            Subject::Actor(a) => self.actors.get(a as usize),
            Subject::Issue(i) => self.issues.get(i as usize),
        };
        let Some(counts) = counts else {
            return build_timeline(subject, Vec::new(), [0; 3]);
        };
        let dated = counts
            .dated
            .iter()
            .map(|&(d, c)| (self.dates[d as usize].as_str(), c))
            .collect();
        build_timeline(subject, dated, counts.undated)
    }
}

/// What the retrieval list groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Actor,
    Issue,
}

/// Rows of one actor or issue; `name` is `None` for rows without an issue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: Option<String>,
    pub rows: Vec<u32>,
}

/// Index of a stance in count triples: support, oppose, neutral.
pub fn stance_index(stance: Stance) -> usize {
    match stance {
        Stance::Support => 0,
        Stance::Oppose => 1,
        Stance::Neutral => 2,
    }
}

/// Actors × issues.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Matrix {
    /// Actor ids (into [`Corpus::actors`]), one per matrix row.
    pub actors: Vec<u32>,
    /// Issue ids (into [`Corpus::issues`]), one per column.
    pub issues: Vec<u32>,
    /// Row-major: `counts[row * issues.len() + column]` = support, oppose, neutral.
    pub counts: Vec<[u32; 3]>,
}

impl Matrix {
    pub fn cell(&self, row: usize, column: usize) -> [u32; 3] {
        self.counts
            .get(row * self.issues.len() + column)
            .copied()
            .unwrap_or_default()
    }
}

/// Whose positions a timeline shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Actor(u32),
    Issue(u32),
}

/// Positions by date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    pub subject: Subject,
    /// Buckets are months of one year (else years).
    pub by_month: bool,
    pub buckets: Vec<Bucket>,
    /// Positions in documents without a date: support, oppose, neutral.
    pub undated: [u32; 3],
}

/// One date bucket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket {
    /// `YYYY` or `YYYY-MM`.
    pub label: String,
    /// Support, oppose, neutral.
    pub counts: [u32; 3],
}

impl Bucket {
    pub fn total(&self) -> u32 {
        self.counts.iter().sum()
    }
}

/// Parse the filter prompt: `field:value` pairs, the fields those of `gloss
/// export` (`kind`, `actor`, `stance`, `issue`, `annotator`); a value runs to
/// the next field (`actor:Nam Il kind:position`) or is quoted
/// (`issue:"aid"`). `kind`, `actor` and `annotator` may repeat.
pub fn parse_filter(text: &str) -> Result<Filter, String> {
    let mut filter = Filter::default();
    let mut pairs: Vec<(&'static str, String)> = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..word_end];
        let field = word.split_once(':').and_then(|(name, _)| field_named(name));
        match field {
            Some(field) => {
                let value_at = word.find(':').map_or(0, |i| i + 1);
                let value = &rest[value_at..];
                if let Some(quoted) = value.strip_prefix('"') {
                    let Some(end) = quoted.find('"') else {
                        return Err(format!("{field}: the quote is not closed"));
                    };
                    pairs.push((field, quoted[..end].to_string()));
                    rest = quoted[end + 1..].trim_start();
                    continue;
                }
                let end = value.find(char::is_whitespace).unwrap_or(value.len());
                pairs.push((field, value[..end].to_string()));
                rest = value[end..].trim_start();
            }
            None => match pairs.last_mut() {
                // A value goes on until the next field.
                Some((_, value)) => {
                    value.push(' ');
                    value.push_str(word);
                    rest = rest[word_end..].trim_start();
                }
                None => {
                    return Err(format!(
                        "'{word}': give field:value (kind, actor, stance, issue, annotator)"
                    ));
                }
            },
        }
    }
    for (field, value) in pairs {
        let value = value.trim().to_string();
        if value.is_empty() {
            return Err(format!("{field}: no value"));
        }
        match field {
            "kind" => filter.kinds.push(value.parse()?),
            "actor" => filter.actors.push(value),
            "annotator" => filter.annotators.push(value),
            "stance" => {
                if filter.stance.is_some() {
                    return Err("stance: give it once".into());
                }
                filter.stance = Some(value.parse()?);
            }
            _ => {
                if filter.issue.is_some() {
                    return Err("issue: give it once".into());
                }
                filter.issue = Some(value);
            }
        }
    }
    Ok(filter)
}

/// The field a prompt word names: a field's name or a prefix of it.
fn field_named(name: &str) -> Option<&'static str> {
    let name = name.to_lowercase();
    if name.is_empty() {
        return None;
    }
    ["kind", "actor", "stance", "issue", "annotator"]
        .into_iter()
        .filter(|f| f.starts_with(&name))
        .min_by_key(|f| (f.len() != name.len(), *f == "annotator"))
}

/// `filter` as prompt text ([`parse_filter`] reads it back).
pub fn filter_text(filter: &Filter) -> String {
    let quote = |v: &str| {
        if v.contains(char::is_whitespace) || v.contains(':') {
            format!("\"{v}\"")
        } else {
            v.to_string()
        }
    };
    let mut parts = Vec::new();
    for k in &filter.kinds {
        parts.push(format!("kind:{k}"));
    }
    for a in &filter.actors {
        parts.push(format!("actor:{}", quote(a)));
    }
    if let Some(s) = filter.stance {
        parts.push(format!("stance:{s}"));
    }
    if let Some(i) = &filter.issue {
        parts.push(format!("issue:{}", quote(i)));
    }
    for a in &filter.annotators {
        parts.push(format!("annotator:{}", quote(a)));
    }
    parts.join(" ")
}

/// `gloss export` flags for `filter`, to say what `x` exports.
pub fn export_flags(filter: &Filter) -> String {
    filter_text(filter)
        .split(' ')
        .map(|p| match p.split_once(':') {
            Some((f, v)) => format!("--{f} {v}"),
            None => p.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Where `x` writes: beside the root folder, `<root>.retrieval.<ext>`.
pub fn export_path(root: &Path, format: crate::export::Format) -> PathBuf {
    let abs = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let abs: PathBuf = abs.components().collect();
    let name = abs
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "archive".into());
    let parent = abs.parent().unwrap_or(&abs);
    parent.join(format!("{name}.retrieval.{}", format.extension()))
}

/// What one retrieval export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    pub path: PathBuf,
    pub excerpts: usize,
    /// Problems met on the way (as `gloss export` reports them).
    pub problems: Vec<String>,
}

/// Export what `filter` selects below `root` in `format` to `path`: the
/// pipeline and renderer of `gloss export --format F <filter flags> ROOT`.
pub fn export(
    root: &Path,
    filter: &Filter,
    format: crate::export::Format,
    path: &Path,
) -> Result<Exported, String> {
    let mut problems = Vec::new();
    let options = Options {
        untagged_documents: format == crate::export::Format::Qdpx,
        include_boilerplate: false,
        progress: false,
    };
    let gathered = collect::collect(&[root.to_path_buf()], filter, options, &mut |m| {
        problems.push(m)
    })
    .map_err(|_| problems.join("; "))?;
    let set = crate::export::ExportSet {
        documents: &gathered.documents,
        excerpts: &gathered.excerpts,
        metadata: &gathered.metadata,
        roots: &gathered.roots,
    };
    let bytes = crate::export::render(format, &set).map_err(|e| format!("export failed: {e}"))?;
    crate::sidecar::store::write_atomic(path, &bytes)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Exported {
        path: path.to_path_buf(),
        excerpts: gathered.excerpts.len(),
        problems,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_prompt_reads_fields_values_with_spaces_and_quotes() {
        let f = parse_filter("actor:Nam Il kind:position stance:opp issue:\"aid: grain\"").unwrap();
        assert_eq!(f.actors, vec!["Nam Il".to_string()]);
        assert_eq!(f.kinds, vec![Kind::Position]);
        assert_eq!(f.stance, Some(Stance::Oppose));
        assert_eq!(f.issue.as_deref(), Some("aid: grain"));
        let f = parse_filter("a:Kim k:claim k:advice an:ana").unwrap();
        assert_eq!(f.actors, vec!["Kim".to_string()]);
        assert_eq!(f.kinds, vec![Kind::Claim, Kind::Advice]);
        assert_eq!(f.annotators, vec!["ana".to_string()]);
        assert!(parse_filter("").unwrap().is_empty());
        assert!(parse_filter("Nam Il").unwrap_err().contains("field:value"));
        assert!(
            parse_filter("kind:opinion")
                .unwrap_err()
                .contains("kind must be")
        );
        assert!(parse_filter("stance:x").is_err());
        assert!(parse_filter("issue:\"open").is_err());
        let back = parse_filter(&filter_text(&f)).unwrap();
        assert_eq!(filter_text(&back), filter_text(&f));
        let f = parse_filter("actor:Nam Il issue:aid").unwrap();
        assert_eq!(filter_text(&f), "actor:\"Nam Il\" issue:aid");
        assert_eq!(export_flags(&f), "--actor \"Nam Il\" --issue aid");
    }

    #[test]
    fn excerpts_are_one_line_and_cut() {
        assert_eq!(one_line("a\n  b\tc"), "a b c");
        let long = "x".repeat(300);
        let cut = one_line(&long);
        assert_eq!(cut.chars().count(), EXCERPT_CHARS + 1);
        assert!(cut.ends_with('…'));
    }

    #[test]
    fn export_path_is_beside_the_root() {
        let p = export_path(Path::new("/data/archive/"), crate::export::Format::Csv);
        assert_eq!(p, PathBuf::from("/data/archive.retrieval.csv"));
    }
}

#[cfg(test)]
pub(crate) mod sample {
    //! A small archive on disk: three memoranda (one undated), two
    //! annotators, a codebook with an actor's alias and an issue's old name.

    use std::path::Path;

    use crate::annotation::{Annotation, Stance, Tag};
    use crate::document::Document;
    use crate::document::anchor::Anchor;
    use crate::project::{ActorEntry, IssueEntry, Project};
    use crate::sidecar::Sidecar;

    pub const MEMOS: [(&str, Option<&str>, &str); 3] = [
        (
            "b/second.txt",
            Some("1956-08-30"),
            "Second memo.\n\nNam Il rejected the aid plan.\n\nPak Chang-ok spoke for it.\n",
        ),
        (
            "a/first.txt",
            Some("1956-07-24"),
            "First memo.\n\nNam Il welcomed the aid offer.\n\nThe embassy reported on grain.\n",
        ),
        (
            "undated.txt",
            None,
            "No date here.\n\nNam Il said nothing on aid.\n",
        ),
    ];

    fn position(actor: &str, stance: Stance, issue: &str) -> Tag {
        Tag::Position {
            actor: actor.into(),
            stance,
            issue: issue.into(),
        }
    }

    /// Annotations per memo and annotator: (annotator, paragraph, tag).
    fn tags(memo: usize) -> Vec<(&'static str, usize, Tag)> {
        match memo {
            0 => vec![
                ("ana", 1, position("Nam Il", Stance::Oppose, "aid")),
                ("ana", 2, position("Pak Chang-ok", Stance::Support, "aid")),
                ("ben", 1, position("Minister Nam", Stance::Oppose, "Aid")),
                (
                    "ben",
                    2,
                    Tag::Claim {
                        by: "Pak Chang-ok".into(),
                    },
                ),
            ],
            1 => vec![
                ("ana", 1, position("Nam Il", Stance::Support, "foreign aid")),
                (
                    "ana",
                    2,
                    Tag::Advice {
                        from: "the embassy".into(),
                        to: "Nam Il".into(),
                    },
                ),
            ],
            _ => vec![("ana", 1, position("Nam Il", Stance::Neutral, "aid"))],
        }
    }

    /// Write the archive below `root`.
    pub fn write(root: &Path) {
        let mut project = Project::new();
        let mut nam = ActorEntry::new("Nam Il");
        nam.aliases = vec!["Minister Nam".into()];
        project.actors.push(nam);
        project.actors.push(ActorEntry::new("Pak Chang-ok"));
        project.actors.push(ActorEntry::new("Pak Hon-yong"));
        let mut aid = IssueEntry::new("aid");
        aid.aliases = vec!["foreign aid".into()];
        project.issues.push(aid);
        for (i, (path, date, text)) in MEMOS.iter().enumerate() {
            let file = root.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(&file, text).unwrap();
            if let Some(date) = date {
                project.document_mut(path).meta.date = Some(date.parse().unwrap());
            }
            let doc = Document::open(&file).unwrap();
            for annotator in ["ana", "ben"] {
                let mut sidecar = Sidecar::new(&doc, annotator);
                for (n, (who, p, tag)) in tags(i).into_iter().enumerate() {
                    if who != annotator {
                        continue;
                    }
                    let mut a = Annotation::created_at(
                        tag,
                        Anchor::whole(&doc, p),
                        format!("2026-01-0{}T00:00:0{n}Z", i + 1),
                    );
                    a.id = format!("{annotator}-{i}-{n}");
                    sidecar.annotations.push(a);
                }
                if sidecar.annotations.is_empty() {
                    continue;
                }
                let side = root.join(format!("{path}.{annotator}.gloss.ron"));
                std::fs::write(side, sidecar.to_ron().unwrap()).unwrap();
            }
        }
        std::fs::write(root.join("gloss.ron"), project.to_ron().unwrap()).unwrap();
    }
}

#[cfg(test)]
mod corpus_tests {
    use super::*;

    fn load(root: &Path) -> Corpus {
        let mut problems = Vec::new();
        let corpus = Corpus::load(root, &mut |m| problems.push(m)).unwrap();
        assert!(problems.is_empty(), "{problems:?}");
        corpus
    }

    fn ids(corpus: &Corpus, selected: &[u32]) -> Vec<String> {
        selected
            .iter()
            .map(|&i| corpus.rows[i as usize].annotation.id.clone())
            .collect()
    }

    #[test]
    fn rows_are_in_date_order_then_document_and_paragraph_undated_last() {
        let dir = tempfile::tempdir().unwrap();
        sample::write(dir.path());
        let corpus = load(dir.path());
        let all: Vec<u32> = (0..corpus.rows.len() as u32).collect();
        assert_eq!(
            ids(&corpus, &all),
            [
                "ana-1-0", "ana-1-1", "ana-0-0", "ben-0-2", "ana-0-1", "ben-0-3", "ana-2-0"
            ]
        );
        let first = &corpus.rows[0];
        assert_eq!(corpus.document(first).date.as_deref(), Some("1956-07-24"));
        assert_eq!(first.paragraph, 2);
        assert_eq!(first.excerpt, "Nam Il welcomed the aid offer.");
        // Actors by main name; issues by the codebook's name.
        assert_eq!(corpus.actors[corpus.rows[3].actor as usize], "Nam Il");
        assert_eq!(corpus.issues[first.issue.unwrap() as usize], "aid");
    }

    /// What the list shows for a filter is what `gloss export` exports for it.
    #[test]
    fn selection_is_exactly_what_export_gathers_for_the_same_filter() {
        let dir = tempfile::tempdir().unwrap();
        sample::write(dir.path());
        let corpus = load(dir.path());
        for text in [
            "",
            "actor:Minister Nam",
            "actor:nam kind:position stance:oppose",
            "issue:foreign",
            "issue:aid annotator:ben",
            "kind:claim kind:advice",
            "actor:the embassy",
            "stance:neutral",
        ] {
            let filter = parse_filter(text).unwrap();
            let shown = corpus.select(&filter).unwrap();
            let exported = collect::collect(
                &[dir.path().to_path_buf()],
                &filter,
                Options::default(),
                &mut |_| {},
            )
            .ok()
            .unwrap();
            let mut want: Vec<String> = exported.excerpts.iter().map(|e| e.id.clone()).collect();
            let mut got = ids(&corpus, &shown);
            want.sort();
            got.sort();
            assert_eq!(got, want, "filter {text:?}");
        }
        let nam = corpus
            .select(&parse_filter("actor:Minister Nam").unwrap())
            .unwrap();
        assert_eq!(
            nam.len(),
            5,
            "the alias finds Nam Il's tags, advice to him too"
        );
    }

    #[test]
    fn an_ambiguous_actor_is_an_error_as_in_export() {
        let dir = tempfile::tempdir().unwrap();
        sample::write(dir.path());
        let corpus = load(dir.path());
        let ambiguous = parse_filter("actor:pak").unwrap();
        let err = corpus.select(&ambiguous).unwrap_err();
        assert!(err.contains("Pak Chang-ok, Pak Hon-yong"), "{err}");
        let exported = collect::collect(
            &[dir.path().to_path_buf()],
            &ambiguous,
            Options::default(),
            &mut |_| {},
        );
        assert_eq!(exported.err(), Some(Stop::Ambiguous));
        // A unique prefix resolves to the actor, as `--actor` does.
        let pak = corpus
            .select(&parse_filter("actor:pak c").unwrap())
            .unwrap();
        assert_eq!(pak.len(), 2);
    }

    #[test]
    fn the_matrix_folds_aliases_into_actors_and_issues() {
        let dir = tempfile::tempdir().unwrap();
        sample::write(dir.path());
        let corpus = load(dir.path());
        let all = corpus.select(&Filter::default()).unwrap();
        let m = corpus.matrix(&all);
        let actors: Vec<&str> = m
            .actors
            .iter()
            .map(|&a| corpus.actors[a as usize].as_str())
            .collect();
        let issues: Vec<&str> = m
            .issues
            .iter()
            .map(|&i| corpus.issues[i as usize].as_str())
            .collect();
        assert_eq!(actors, ["Nam Il", "Pak Chang-ok"]);
        assert_eq!(issues, ["aid"]);
        // Nam Il: support (foreign aid), oppose twice (ana, ben as Minister Nam), neutral.
        assert_eq!(m.cell(0, 0), [1, 2, 1]);
        assert_eq!(m.cell(1, 0), [1, 0, 0]);
        let opposed = corpus
            .select(&parse_filter("stance:oppose").unwrap())
            .unwrap();
        assert_eq!(corpus.matrix(&opposed).cell(0, 0), [0, 2, 0]);
    }

    #[test]
    fn the_timeline_counts_positions_by_month_within_one_year() {
        let dir = tempfile::tempdir().unwrap();
        sample::write(dir.path());
        let corpus = load(dir.path());
        let all = corpus.select(&Filter::default()).unwrap();
        let nam = corpus.actors.iter().position(|a| a == "Nam Il").unwrap() as u32;
        let t = corpus.timeline(&all, Subject::Actor(nam));
        assert!(t.by_month);
        let got: Vec<(&str, [u32; 3])> = t
            .buckets
            .iter()
            .map(|b| (b.label.as_str(), b.counts))
            .collect();
        assert_eq!(got, [("1956-07", [1, 0, 0]), ("1956-08", [0, 2, 0])]);
        assert_eq!(t.undated, [0, 0, 1]);
        let aid = corpus.issues.iter().position(|i| i == "aid").unwrap() as u32;
        let t = corpus.timeline(&all, Subject::Issue(aid));
        assert_eq!(t.buckets[1].counts, [1, 2, 0]);
    }

    #[test]
    fn precomputed_timelines_equal_the_scanned_ones_for_every_actor_and_issue() {
        let dir = tempfile::tempdir().unwrap();
        sample::write(dir.path());
        let corpus = load(dir.path());
        for filter in ["", "stance:oppose", "actor:Nam Il", "kind:claim"] {
            let selected = corpus.select(&parse_filter(filter).unwrap()).unwrap();
            let timelines = corpus.timelines(&selected);
            let subjects = (0..corpus.actors.len() as u32)
                .map(Subject::Actor)
                .chain((0..corpus.issues.len() as u32).map(Subject::Issue));
            for subject in subjects {
                assert_eq!(
                    timelines.timeline(subject),
                    corpus.timeline(&selected, subject),
                    "{filter:?} {subject:?}"
                );
            }
        }
        // The sample has positions, dated and undated, to compare.
        let all = corpus.select(&Filter::default()).unwrap();
        let nam = corpus.actors.iter().position(|a| a == "Nam Il").unwrap() as u32;
        let t = corpus.timelines(&all).timeline(Subject::Actor(nam));
        assert_eq!(t.undated, [0, 0, 1]);
        assert_eq!(t.buckets.len(), 2);
    }

    #[test]
    fn groups_by_actor_and_by_issue_keep_date_order_within() {
        let dir = tempfile::tempdir().unwrap();
        sample::write(dir.path());
        let corpus = load(dir.path());
        let all = corpus.select(&Filter::default()).unwrap();
        let groups = corpus.group(&all, Grouping::Actor);
        let names: Vec<Option<&str>> = groups.iter().map(|g| g.name.as_deref()).collect();
        assert_eq!(
            names,
            [Some("Nam Il"), Some("Pak Chang-ok"), Some("the embassy")]
        );
        assert_eq!(
            ids(&corpus, &groups[0].rows),
            ["ana-1-0", "ana-0-0", "ben-0-2", "ana-2-0"]
        );
        let groups = corpus.group(&all, Grouping::Issue);
        let names: Vec<Option<&str>> = groups.iter().map(|g| g.name.as_deref()).collect();
        assert_eq!(names, [Some("aid"), None]);
        assert_eq!(groups[1].rows.len(), 2);
    }

    #[test]
    fn export_writes_what_the_filter_selects_beside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("archive");
        std::fs::create_dir(&root).unwrap();
        sample::write(&root);
        let filter = parse_filter("actor:Nam Il kind:position").unwrap();
        let path = export_path(&root, crate::export::Format::Jsonl);
        assert_eq!(path, dir.path().join("archive.retrieval.jsonl"));
        let written = export(&root, &filter, crate::export::Format::Jsonl, &path).unwrap();
        assert_eq!(written.excerpts, 4);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 4);
        assert!(text.contains("\"doc_date\":\"1956-07-24\""), "{text}");
    }
}
