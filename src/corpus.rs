//! Finding documents and their sidecars, and loading them together.
//!
//! Shared by export, check, review and agree: a PATH is a document, a sidecar,
//! or a folder searched recursively (hidden folders skipped, symlink loops
//! survived) for sidecars whose document exists.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::annotation::ActorResolver;
use crate::document::anchor::{self, Placement};
use crate::document::{Document, DocumentError};
use crate::project::{Project, folder_of};
use crate::sidecar::{self, Sidecar, SidecarError};

/// A document and the sidecars chosen for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub document: PathBuf,
    /// (annotator, sidecar path), sorted by annotator.
    pub sidecars: Vec<(String, PathBuf)>,
}

/// One annotator's sidecar, loaded and placed in the current document.
#[derive(Debug, Clone)]
pub struct Layer {
    pub annotator: String,
    pub path: PathBuf,
    pub sidecar: Sidecar,
    /// Where each annotation (same order as `sidecar.annotations`) sits now.
    pub placements: Vec<Placement>,
}

impl Layer {
    pub fn new(doc: &Document, annotator: String, path: PathBuf, sidecar: Sidecar) -> Layer {
        let anchors: Vec<_> = sidecar.annotations.iter().map(|a| &a.anchor).collect();
        let unchanged = doc.sha256() == sidecar.source.sha256;
        let placements = anchor::place_all_with(doc, &anchors, unchanged);
        Layer {
            annotator,
            path,
            sidecar,
            placements,
        }
    }
}

/// A document with its loaded layers.
#[derive(Debug, Clone)]
pub struct AnnotatedDocument {
    pub doc: Document,
    pub layers: Vec<Layer>,
}

/// A problem with one input; the rest of the work goes on.
#[derive(Debug, thiserror::Error)]
pub enum CorpusError {
    #[error(transparent)]
    Document(#[from] DocumentError),
    #[error(transparent)]
    Sidecar(#[from] SidecarError),
    #[error("{0}: no such file or folder")]
    Missing(String),
    #[error("{0}: no sidecars found (expected {0}.<annotator>.gloss.ron beside it)")]
    NoSidecars(String),
    #[error("{path}: no sidecar by {wanted} (its annotators: {present})")]
    NoSidecarBy {
        path: String,
        wanted: String,
        present: String,
    },
    #[error(
        "{0}: not read: a sidecar is named <document>.<annotator>.gloss.ron, the annotator in letters, digits, _ and -"
    )]
    BadSidecarName(String),
}

/// Resolve PATHs into documents with sidecars. A document named directly
/// without sidecars is reported (unless `allow_bare`); folders only yield
/// documents that have sidecars. `annotators` (if not empty) filters sidecars.
pub fn find_targets(
    paths: &[PathBuf],
    annotators: &[String],
    allow_bare: bool,
) -> (Vec<Target>, Vec<CorpusError>) {
    let mut by_doc: BTreeMap<PathBuf, BTreeMap<String, PathBuf>> = BTreeMap::new();
    let mut errors = Vec::new();
    let keep = |a: &str| annotators.is_empty() || annotators.iter().any(|x| x == a);
    for path in paths {
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(_) => {
                errors.push(CorpusError::Missing(path.display().to_string()));
                continue;
            }
        };
        if meta.is_dir() {
            let mut seen = HashSet::new();
            let mut odd = Vec::new();
            walk(
                path,
                &mut seen,
                &mut odd,
                &mut |sidecar_path, doc_name, annotator| {
                    // The document's name byte for byte (it need not be UTF-8).
                    let doc = sidecar_path.with_file_name(doc_name);
                    if keep(annotator) && is_document_name(&doc) {
                        by_doc
                            .entry(doc)
                            .or_default()
                            .insert(annotator.to_string(), sidecar_path.to_path_buf());
                    }
                },
            );
            errors.extend(
                odd.iter()
                    .map(|p| CorpusError::BadSidecarName(p.display().to_string())),
            );
            continue;
        }
        if let Some(kind) = crate::document::special_file_kind(&meta) {
            // A device or pipe is never read, and nothing is looked for beside it.
            errors.push(CorpusError::Document(DocumentError::NotRegular {
                path: path.display().to_string(),
                kind,
            }));
            continue;
        }
        if let Some((doc_name, annotator)) =
            path.file_name().and_then(sidecar::parse_sidecar_file_name)
        {
            let doc = path.with_file_name(doc_name);
            if is_document_name(&doc) {
                by_doc
                    .entry(doc)
                    .or_default()
                    .insert(annotator, path.clone());
                continue;
            }
        }
        let all = sidecar::sidecars_of(path);
        let present: Vec<String> = all.iter().map(|(a, _)| a.clone()).collect();
        let found: BTreeMap<String, PathBuf> = all.into_iter().filter(|(a, _)| keep(a)).collect();
        if found.is_empty() && !allow_bare {
            // Say whether there are none at all or only none by those named.
            errors.push(if present.is_empty() {
                CorpusError::NoSidecars(path.display().to_string())
            } else {
                CorpusError::NoSidecarBy {
                    path: path.display().to_string(),
                    wanted: annotators.join(", "),
                    present: present.join(", "),
                }
            });
            continue;
        }
        by_doc.entry(path.clone()).or_default().extend(found);
    }
    let targets = by_doc
        .into_iter()
        .map(|(document, sidecars)| Target {
            document,
            sidecars: sidecars.into_iter().collect(),
        })
        .collect();
    (targets, errors)
}

/// Does a sidecar's document exist as something other than a folder? A
/// device or pipe there is kept, so that loading it reports it (never read,
/// never skipped silently).
fn is_document_name(doc: &Path) -> bool {
    std::fs::metadata(doc).is_ok_and(|m| !m.is_dir())
}

/// Visit every sidecar under `dir`; files named like sidecars that cannot be
/// read as one go to `odd`.
fn walk(
    dir: &Path,
    seen: &mut HashSet<PathBuf>,
    odd: &mut Vec<PathBuf>,
    found: &mut impl FnMut(&Path, &OsStr, &str),
) {
    let Ok(real) = std::fs::canonicalize(dir) else {
        return;
    };
    if !seen.insert(real) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        if name.as_encoded_bytes().starts_with(b".") {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            walk(&path, seen, odd, found);
        } else if let Some((doc, annotator)) = sidecar::parse_sidecar_file_name(&name) {
            found(&path, &doc, &annotator);
        } else if sidecar::looks_like_sidecar(&name) {
            odd.push(path);
        }
    }
}

/// Every file below `folder` that may be a document (hidden files and folders
/// skipped, symlink loops survived), sorted: not a sidecar, not the project
/// file (`gloss.ron`), and not written
/// beside a document by gloss (`<document>.<annotator>.<ext>`, e.g. an export).
/// Whether it is text is found by opening it.
pub fn documents_in(folder: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    each_document_in(folder, &mut |path| {
        out.push(path);
        true
    });
    out
}

/// [`documents_in`], handing each path to `found` as soon as its folder is
/// read (a search starts on the first folder while the rest is walked);
/// `found` returning false stops the walk.
pub fn each_document_in(folder: &Path, found: &mut impl FnMut(PathBuf) -> bool) {
    collect_documents(folder, &mut HashSet::new(), false, &mut |path, _| {
        found(path)
    });
}

/// [`documents_in`], each document with its sidecars as
/// [`sidecar::sidecars_of`] gives them (`(annotator, path)` sorted), from
/// the walk's own listing of each folder: a corpus's folders are not read
/// a second time to find them.
///
/// The subfolders of `folder` are walked on every core, each on its own,
/// and their documents put in the walk's order. A folder reached from two
/// of them (a symlink across) would be walked by both, where one walk
/// meets it once: then `folder` is walked again on one core.
pub fn documents_with_sidecars_in(folder: &Path) -> Vec<(PathBuf, Vec<(String, PathBuf)>)> {
    let mut seen = HashSet::new();
    let entries = folder_entries(folder, &mut seen, true);
    let folders: Vec<&Path> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Folder(path) => Some(path.as_path()),
            Entry::Document(..) => None,
        })
        .collect();
    // Each folder's documents, and the folders its walk met.
    let walked = crate::archive::parallel::map_each(&folders, |path| {
        let mut own = seen.clone();
        (documents_walked(path, &mut own), own)
    });
    let mut met = seen.clone();
    for (_, own) in &walked {
        for real in own.difference(&seen) {
            if !met.insert(real.clone()) {
                return documents_walked(folder, &mut HashSet::new());
            }
        }
    }
    let mut walked = walked.into_iter();
    let mut out = Vec::new();
    for entry in entries {
        match entry {
            Entry::Folder(_) => out.extend(walked.next().map(|(d, _)| d).unwrap_or_default()),
            Entry::Document(path, sidecars) => out.push((path, sidecars)),
        }
    }
    out
}

/// [`collect_documents`] of `dir` with sidecars, every document gathered,
/// the folders met added to `seen`.
fn documents_walked(
    dir: &Path,
    seen: &mut HashSet<PathBuf>,
) -> Vec<(PathBuf, Vec<(String, PathBuf)>)> {
    let mut out = Vec::new();
    collect_documents(dir, seen, true, &mut |path, sidecars| {
        out.push((path, sidecars));
        true
    });
    out
}

/// Returns false when `found` asked to stop. With `with_sidecars`, each
/// document comes with its sidecars; otherwise with none.
fn collect_documents(
    dir: &Path,
    seen: &mut HashSet<PathBuf>,
    with_sidecars: bool,
    found: &mut impl FnMut(PathBuf, Vec<(String, PathBuf)>) -> bool,
) -> bool {
    for entry in folder_entries(dir, seen, with_sidecars) {
        let going_on = match entry {
            Entry::Folder(path) => collect_documents(&path, seen, with_sidecars, found),
            Entry::Document(path, sidecars) => found(path, sidecars),
        };
        if !going_on {
            return false;
        }
    }
    true
}

/// What a walk meets in a folder, in name order.
enum Entry {
    /// A folder to walk (its own entries come in its place).
    Folder(PathBuf),
    /// A document, with its sidecars when asked for.
    Document(PathBuf, Vec<(String, PathBuf)>),
}

/// The entries of `dir`, sorted by name: its documents and the folders to
/// walk (hidden ones left out); none when `dir` is a folder `seen` already
/// holds (a symlink loop) or cannot be read. `dir` is added to `seen`.
fn folder_entries(dir: &Path, seen: &mut HashSet<PathBuf>, with_sidecars: bool) -> Vec<Entry> {
    let Ok(real) = std::fs::canonicalize(dir) else {
        return Vec::new();
    };
    if !seen.insert(real) {
        return Vec::new();
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    // Each entry's name asked once (a comparison asking it would copy it).
    let mut entries: Vec<_> = entries.flatten().map(|e| (e.file_name(), e)).collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    let names: HashSet<String> = entries
        .iter()
        .map(|(name, _)| name.to_string_lossy().into_owned())
        .collect();
    // The folder's sidecars by document name, from this listing.
    let mut sidecars = if with_sidecars {
        sidecar::sidecars_named(dir, entries.iter().map(|(name, _)| name.as_os_str()))
    } else {
        HashMap::new()
    };
    let mut out = Vec::new();
    for (name, entry) in entries {
        let text = name.to_string_lossy();
        let path = entry.path();
        if text.starts_with('.') {
            continue;
        }
        // The entry's own type saves a stat per file; a symlink is followed.
        let kind = entry.file_type().ok();
        let (is_dir, is_file) = match kind {
            Some(t) if !t.is_symlink() => (t.is_dir(), t.is_file()),
            _ => (path.is_dir(), path.is_file()),
        };
        if is_dir {
            out.push(Entry::Folder(path));
        } else if is_file
            && sidecar::parse_sidecar_name(&text).is_none()
            && text != crate::project::FILE_NAME
            && !written_beside_a_document(&text, &names)
        {
            out.push(Entry::Document(
                path,
                sidecars.remove(&name).unwrap_or_default(),
            ));
        }
    }
    out
}

/// Is `name` `<document>.<annotator>.<ext>` for a `document` among `siblings`?
pub(crate) fn written_beside_a_document<K>(name: &str, siblings: &HashSet<K>) -> bool
where
    K: std::borrow::Borrow<str> + std::hash::Hash + Eq,
{
    name.match_indices('.').any(|(i, _)| {
        let (document, rest) = (&name[..i], &name[i + 1..]);
        let annotator = rest.split('.').next().unwrap_or_default();
        siblings.contains(document)
            && rest.len() > annotator.len()
            && !annotator.is_empty()
            && annotator
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    })
}

/// Load a target's document and every sidecar. Sidecars that fail are returned
/// as errors; the others still load.
pub fn load(target: &Target) -> Result<(AnnotatedDocument, Vec<CorpusError>), CorpusError> {
    let doc = Document::open(&target.document)?;
    let mut layers = Vec::new();
    let mut errors = Vec::new();
    for (annotator, path) in &target.sidecars {
        match Sidecar::load(path) {
            Ok(sidecar) => layers.push(Layer::new(&doc, annotator.clone(), path.clone(), sidecar)),
            Err(e) => errors.push(e.into()),
        }
    }
    Ok((AnnotatedDocument { doc, layers }, errors))
}

/// Actor names resolved through every registry of `document`: the codebook
/// of the project file above it first (the team's names win a conflict, as in
/// the TUI), the loaded `layers`, then its other sidecars beside it (left out
/// by an annotator filter, or not named), so an alias known to anyone counts
/// for all. A sidecar or project file that does not load is skipped here: it
/// is reported where it is loaded, and by `gloss check`.
pub fn actor_names(document: &Path, layers: &[Layer]) -> ActorResolver {
    actor_names_in(document, layers, &RunCache::default())
}

/// [`actor_names`] for one of many documents of a run: the project file
/// and the folder's listing come from `run` (read once per run, not once
/// per document).
pub fn actor_names_in(document: &Path, layers: &[Layer], run: &RunCache) -> ActorResolver {
    let codebook = run
        .project(document)
        .map(|project| project.registry().into_vec())
        .unwrap_or_default();
    let mut others = Vec::new();
    for (annotator, path) in run.sidecars_of(document) {
        if layers.iter().any(|l| l.annotator == annotator) {
            continue;
        }
        if let Ok(s) = Sidecar::load(&path) {
            others.push(s.actors);
        }
    }
    let loaded = layers.iter().map(|l| l.sidecar.actors.as_slice());
    ActorResolver::of(
        std::iter::once(codebook.as_slice())
            .chain(loaded)
            .chain(others.iter().map(Vec::as_slice)),
    )
}

/// What one run over many documents (an export, `agree`, `actors`) finds
/// once and reuses for each: the project file above each folder, each
/// project file loaded, each folder's sidecars. Shared by threads.
#[derive(Debug, Default)]
pub struct RunCache {
    /// Folder → the project file above it.
    found: Mutex<HashMap<PathBuf, Option<PathBuf>>>,
    /// Project file → the project, `None` when it does not load (reported
    /// where it is loaded, and by `gloss check`).
    loaded: Mutex<HashMap<PathBuf, Option<Arc<Project>>>>,
    /// Folder → its sidecars by document file name.
    listed: Mutex<HashMap<PathBuf, Arc<SidecarsByDocument>>>,
}

/// A folder's sidecars by document file name, `(annotator, path)` sorted.
type SidecarsByDocument = HashMap<OsString, Vec<(String, PathBuf)>>;

fn locked<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl RunCache {
    /// The project file above `document` ([`Project::find`]), looked up
    /// once per folder.
    pub fn project_file(&self, document: &Path) -> Option<PathBuf> {
        let folder = folder_of(document);
        if let Some(found) = locked(&self.found).get(folder) {
            return found.clone();
        }
        let found = Project::find(document);
        locked(&self.found).insert(folder.to_path_buf(), found.clone());
        found
    }

    /// The project above `document`, loaded once per run; `None` when there
    /// is none or it does not load.
    pub fn project(&self, document: &Path) -> Option<Arc<Project>> {
        let file = self.project_file(document)?;
        if let Some(loaded) = locked(&self.loaded).get(&file) {
            return loaded.clone();
        }
        let loaded = Project::load(&file).ok().map(Arc::new);
        locked(&self.loaded).entry(file).or_insert(loaded).clone()
    }

    /// The sidecars beside `document`, as [`sidecar::sidecars_of`] finds
    /// them, from one listing of its folder per run.
    pub fn sidecars_of(&self, document: &Path) -> Vec<(String, PathBuf)> {
        let folder = folder_of(document);
        let listed = {
            let cached = locked(&self.listed).get(folder).cloned();
            match cached {
                Some(l) => l,
                None => {
                    let l = Arc::new(sidecar::sidecars_in(folder));
                    locked(&self.listed).insert(folder.to_path_buf(), l.clone());
                    l
                }
            }
        };
        document
            .file_name()
            .and_then(|name| listed.get(name))
            .cloned()
            .unwrap_or_default()
    }
}

/// 1-based line and column of the first occurrence of `needle` in `text`.
pub fn position_of(text: &str, needle: &str) -> Option<(usize, usize)> {
    Some(line_col(text, text.find(needle)?))
}

/// 1-based line and column (in characters) of byte offset `at` in `text`.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_sidecars_in_folders_skipping_hidden_ones() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("a b");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        std::fs::write(sub.join("m.txt"), "x").unwrap();
        std::fs::write(sub.join("m.txt.kim.gloss.ron"), "").unwrap();
        std::fs::write(sub.join("m.txt.lee.gloss.ron"), "").unwrap();
        std::fs::write(sub.join("gone.txt.kim.gloss.ron"), "").unwrap();
        std::fs::write(dir.path().join(".git/h.txt"), "x").unwrap();
        std::fs::write(dir.path().join(".git/h.txt.kim.gloss.ron"), "").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path(), sub.join("loop")).unwrap();
        let (targets, errors) = find_targets(&[dir.path().to_path_buf()], &[], false);
        assert!(errors.is_empty());
        assert_eq!(targets.len(), 1);
        assert_eq!(targets[0].document, sub.join("m.txt"));
        assert_eq!(targets[0].sidecars.len(), 2);
        let (targets, _) = find_targets(&[dir.path().to_path_buf()], &["lee".into()], false);
        assert_eq!(
            targets[0].sidecars,
            vec![("lee".to_string(), sub.join("m.txt.lee.gloss.ron"))]
        );
    }

    #[test]
    fn missing_and_bare_documents_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("bare.txt");
        std::fs::write(&doc, "x").unwrap();
        let (t, e) = find_targets(&[doc.clone(), dir.path().join("nope")], &[], false);
        assert!(t.is_empty());
        assert_eq!(e.len(), 2);
        let (t, _) = find_targets(&[doc], &[], true);
        assert_eq!(t.len(), 1);
    }

    #[test]
    fn documents_in_a_folder_include_those_without_sidecars() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("box");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        for name in [
            "a.txt",
            "a.txt.kim.gloss.ron",
            "a.txt.kim.md",
            "a.txt.kim.statements.csv",
            ".a.txt.kim.gloss.journal",
            "notes.v2.txt",
        ] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        std::fs::write(sub.join("bare.txt"), "x").unwrap();
        std::fs::write(dir.path().join(".git/h.txt"), "x").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path(), sub.join("loop")).unwrap();
        assert_eq!(
            documents_in(dir.path()),
            vec![
                dir.path().join("a.txt"),
                sub.join("bare.txt"),
                dir.path().join("notes.v2.txt"),
            ]
        );
    }

    #[test]
    fn a_walk_with_sidecars_finds_what_each_documents_own_lookup_finds() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("box");
        std::fs::create_dir_all(&sub).unwrap();
        for name in [
            "a.txt",
            "a.txt.lee.gloss.ron",
            "a.txt.kim.gloss.ron",
            "a.txt.kim.md",
            "b.txt",
            "gone.txt.kim.gloss.ron",
            "x.y.txt",
            "x.y.txt.kim.gloss.ron",
        ] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        std::fs::write(sub.join("c.txt"), "x").unwrap();
        std::fs::write(sub.join("c.txt.kim.gloss.ron"), "x").unwrap();
        let walked = documents_with_sidecars_in(dir.path());
        let paths: Vec<PathBuf> = walked.iter().map(|(p, _)| p.clone()).collect();
        assert_eq!(paths, documents_in(dir.path()));
        for (document, sidecars) in &walked {
            assert_eq!(*sidecars, sidecar::sidecars_of(document), "{document:?}");
        }
        assert_eq!(
            walked[0].1,
            vec![
                ("kim".to_string(), dir.path().join("a.txt.kim.gloss.ron")),
                ("lee".to_string(), dir.path().join("a.txt.lee.gloss.ron")),
            ]
        );
        assert!(walked[1].1.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn the_walk_on_every_core_finds_what_one_walk_finds() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for folder in ["a", "b", "b/inner", "c"] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
        }
        for file in [
            "0.txt",
            "a/1.txt",
            "b/2.txt",
            "b/inner/3.txt",
            "bb.txt",
            "c/4.txt",
        ] {
            std::fs::write(root.join(file), "x").unwrap();
        }
        std::fs::write(root.join("b/2.txt.kim.gloss.ron"), "x").unwrap();
        // A loop back to the top, and one into itself: walked once.
        std::os::unix::fs::symlink(root, root.join("a/up")).unwrap();
        std::os::unix::fs::symlink(root.join("c"), root.join("c/self")).unwrap();
        let serial = |folder: &Path| documents_walked(folder, &mut HashSet::new());
        let walked = documents_with_sidecars_in(root);
        assert_eq!(walked, serial(root));
        let names: Vec<&Path> = walked
            .iter()
            .map(|(p, _)| p.strip_prefix(root).unwrap())
            .collect();
        let expected = [
            "0.txt",
            "a/1.txt",
            "b/2.txt",
            "b/inner/3.txt",
            "bb.txt",
            "c/4.txt",
        ];
        assert_eq!(names, expected.map(Path::new));
        // A symlink from one folder into another: the folder it leads to
        // is met by two walks; one walk meets it once, first under `a`.
        std::os::unix::fs::symlink(root.join("b/inner"), root.join("a/link")).unwrap();
        let walked = documents_with_sidecars_in(root);
        assert_eq!(walked, serial(root));
        assert!(walked.iter().any(|(p, _)| p.ends_with("a/link/3.txt")));
        assert!(!walked.iter().any(|(p, _)| p.ends_with("b/inner/3.txt")));
    }

    #[test]
    fn the_project_file_is_no_document() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("memo.txt"), "x").unwrap();
        std::fs::write(dir.path().join(crate::project::FILE_NAME), "(version: 1)").unwrap();
        assert_eq!(documents_in(dir.path()), vec![dir.path().join("memo.txt")]);
    }

    #[test]
    fn a_run_reads_the_project_file_once_for_every_document() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("box");
        std::fs::create_dir_all(&sub).unwrap();
        let project = dir.path().join(crate::project::FILE_NAME);
        std::fs::write(&project, "(version: 1, actors: [(name: \"Nam Il\")])").unwrap();
        for name in [
            "a.txt",
            "b.txt",
            "a.txt.kim.gloss.ron",
            "a.txt.lee.gloss.ron",
        ] {
            std::fs::write(sub.join(name), "x").unwrap();
        }
        let run = RunCache::default();
        let first = run.project(&sub.join("a.txt")).expect("the project loads");
        assert!(first.actor("Nam Il").is_some());
        // Gone from disk: the run keeps what it read (once per run).
        std::fs::remove_file(&project).unwrap();
        let again = run.project(&sub.join("b.txt")).expect("read once");
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!(
            run.sidecars_of(&sub.join("a.txt")),
            sidecar::sidecars_of(&sub.join("a.txt"))
        );
        assert!(run.sidecars_of(&sub.join("b.txt")).is_empty());
        // A new run looks again.
        assert!(RunCache::default().project(&sub.join("a.txt")).is_none());
    }

    #[test]
    fn positions_are_one_based() {
        assert_eq!(position_of("ab\ncd\"x\"", "\"x\""), Some((2, 3)));
    }
}
