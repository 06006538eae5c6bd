//! The corpus index: one row per document below a folder.
//!
//! Listing is progressive: [`CorpusIndex::open`] walks the tree (file names
//! and sizes only) and returns rows at once; a background thread then reads
//! every sidecar for the tag counts ([`count_sidecars`]), then every document
//! for its paragraphs, detected title and date and orphaned annotations
//! ([`document_facts`]), and from then on looks for changes every
//! [`WATCH_INTERVAL`] (new, changed and deleted files; the project file).
//! [`CorpusIndex::poll`] takes in what arrived without ever waiting, so a
//! screen of 10,000 documents shows before a single sidecar is read.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use crate::annotation::{ActorResolver, Kind};
use crate::archive::cache::{self, Cache, Lookup};
use crate::archive::{parallel, snapshot};
use crate::document::anchor::Placement;
use crate::document::{Document, DocumentError};
use crate::project::{self, PartialDate, Project, Status};
use crate::sidecar::{self, Sidecar};

/// How often the background thread looks for files changed on disk.
pub const WATCH_INTERVAL: Duration = Duration::from_millis(1500);

/// Annotations by kind.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct KindCounts {
    pub claims: usize,
    pub advice: usize,
    pub positions: usize,
}

impl KindCounts {
    pub fn add(&mut self, kind: Kind) {
        match kind {
            Kind::Claim => self.claims += 1,
            Kind::Advice => self.advice += 1,
            Kind::Position => self.positions += 1,
        }
    }

    pub fn total(&self) -> usize {
        self.claims + self.advice + self.positions
    }

    pub fn of(&self, kind: Kind) -> usize {
        match kind {
            Kind::Claim => self.claims,
            Kind::Advice => self.advice,
            Kind::Position => self.positions,
        }
    }
}

/// What a document's sidecars say, read from the sidecars alone (no
/// document): the unit a cache of counts stores per document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocCounts {
    /// Each annotator's annotations by kind, by annotator name.
    pub annotators: BTreeMap<String, KindCounts>,
    /// Unsettled merge conflicts: pairs `id`, `id~N` left by a merge.
    pub conflicts: usize,
    /// Every actor named in a tag, as written (the actor filter resolves
    /// names and aliases against these).
    pub actors: BTreeSet<String>,
    /// The actors of the sidecars' registries that have aliases (each
    /// annotator's names for them), for resolving an alias to a name.
    pub registry: Vec<crate::annotation::Actor>,
    /// Sidecars that could not be read, one line each (file and position).
    pub errors: Vec<String>,
}

impl DocCounts {
    /// `annotator`'s counts (zero when they have no sidecar).
    pub fn of(&self, annotator: &str) -> KindCounts {
        self.annotators.get(annotator).copied().unwrap_or_default()
    }

    pub fn total(&self) -> usize {
        self.annotators.values().map(KindCounts::total).sum()
    }
}

/// A document's sidecars, each read and parsed once (counts and facts are
/// both taken from the same parse).
type Loaded = Vec<(String, PathBuf, Result<Sidecar, sidecar::SidecarError>)>;

fn load_sidecars(sidecars: &[(String, PathBuf)]) -> Loaded {
    sidecars
        .iter()
        .map(|(annotator, path)| (annotator.clone(), path.clone(), Sidecar::load(path)))
        .collect()
}

/// Count the annotations of a document's sidecars, `(annotator, path)`.
pub fn count_sidecars(sidecars: &[(String, PathBuf)]) -> DocCounts {
    counts_of(&load_sidecars(sidecars))
}

fn counts_of(loaded: &Loaded) -> DocCounts {
    let mut counts = DocCounts::default();
    for (annotator, _, sidecar) in loaded {
        match sidecar {
            Ok(s) => {
                let mine = counts.annotators.entry(annotator.clone()).or_default();
                for a in &s.annotations {
                    mine.add(a.kind());
                    for actor in a.tag.actors() {
                        if !counts.actors.contains(actor) {
                            counts.actors.insert(actor.to_string());
                        }
                    }
                }
                counts.conflicts += crate::sidecar::merge::unsettled(s).len();
                for actor in &s.actors {
                    if !actor.aliases.is_empty() && !counts.registry.contains(actor) {
                        counts.registry.push(actor.clone());
                    }
                }
            }
            Err(e) => counts.errors.push(e.to_string()),
        }
    }
    counts
}

/// What reading a document itself tells: the unit a cache of document facts
/// stores (keyed by the document's and its sidecars' stamps).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocFacts {
    pub paragraphs: usize,
    /// Title and date found in the text (or declared by its format).
    pub title: Option<String>,
    pub date: Option<PartialDate>,
    /// Annotations (of every annotator) that cannot be placed in the text.
    pub orphans: usize,
    /// The file is not text (binary, not UTF-8): not a document at all.
    pub not_text: bool,
    /// It could not be read (too large, an extraction failed, I/O).
    pub error: Option<String>,
}

/// Open a document and place its sidecars' annotations in it.
pub fn document_facts(document: &Path, sidecars: &[(String, PathBuf)]) -> DocFacts {
    facts_of(document, load_sidecars(sidecars))
}

fn facts_of(document: &Path, loaded: Loaded) -> DocFacts {
    // The walk found it a file: opened, then asked through the handle (one
    // path lookup, not two). Gone since: opened as any path is, for the
    // error to tell.
    let opened = match Document::open_found(document, u64::MAX) {
        Ok(Some(doc)) => Ok(doc),
        Ok(None) => Document::open(document),
        Err(e) => Err(e),
    };
    let doc = match opened {
        Ok(doc) => doc,
        Err(e) => {
            return DocFacts {
                not_text: matches!(
                    e,
                    DocumentError::NotUtf8 { .. }
                        | DocumentError::Binary { .. }
                        | DocumentError::NotRegular { .. }
                ),
                error: Some(e.to_string()),
                ..DocFacts::default()
            };
        }
    };
    let (title, date) = project::detect::document_title_and_date(&doc);
    let mut orphans = 0;
    for (annotator, path, sidecar) in loaded {
        // A broken sidecar is reported by the counts.
        if let Ok(s) = sidecar {
            let layer = crate::corpus::Layer::new(&doc, annotator, path, s);
            orphans += layer
                .placements
                .iter()
                .filter(|p| matches!(p, Placement::Orphan))
                .count();
        }
    }
    DocFacts {
        paragraphs: doc.len(),
        title,
        date,
        orphans,
        not_text: false,
        error: None,
    }
}

/// Counts, facts or both of a document, from one read of each of its files.
fn read_document(
    document: &Path,
    sidecars: &[(String, PathBuf)],
    counts: bool,
    facts: bool,
) -> (Option<DocCounts>, Option<DocFacts>) {
    let loaded = load_sidecars(sidecars);
    let counts = counts.then(|| counts_of(&loaded));
    let facts = facts.then(|| facts_of(document, loaded));
    (counts, facts)
}

/// When a file last changed, as far as a listing can tell (the stamp the
/// cache checks, so a walk's listing serves its lookups without a `stat`).
pub type Stamp = cache::FileStamp;

/// A document found by the walk, with its sidecars and their stamps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    pub document: PathBuf,
    pub stamp: Stamp,
    /// `(annotator, sidecar path, stamp)`, sorted by annotator.
    pub sidecars: Vec<(String, PathBuf, Stamp)>,
}

impl Listing {
    /// The files a document's facts are computed from, with their stamps:
    /// the document, then its sidecars (from which its counts are).
    fn inputs(&self) -> Vec<(&Path, Option<Stamp>)> {
        std::iter::once((self.document.as_path(), Some(self.stamp)))
            .chain(
                self.sidecars
                    .iter()
                    .map(|(_, p, s)| (p.as_path(), Some(*s))),
            )
            .collect()
    }

    pub fn sidecar_paths(&self) -> Vec<(String, PathBuf)> {
        self.sidecars
            .iter()
            .map(|(a, p, _)| (a.clone(), p.clone()))
            .collect()
    }
}

/// Every document below `root` with its sidecars, sorted by path: hidden
/// files and folders skipped, symlink loops survived; sidecars, the project
/// file and files gloss writes beside a document (exports) are no documents.
/// Whether a file is text is found later, by opening it.
pub fn walk(root: &Path) -> Vec<Listing> {
    walk_with(root, true).0
}

/// [`walk`] by names alone: no `stat` of a file that is not a symlink (the
/// folder listing tells files from folders), every stamp [`UNSTAMPED`].
/// What the first screen waits for: its cost does not grow with the
/// sidecars' number beyond their names.
pub fn list_names(root: &Path) -> Vec<Listing> {
    walk_with(root, false).0
}

/// The stamp of a file listed by name only.
pub const UNSTAMPED: Stamp = Stamp {
    len: 0,
    modified: 0,
    changed: 0,
    inode: 0,
};

/// A folder a walk listed, with its stamp from before its listing was read
/// (`None`: it could not be stat'ed). A folder's stamp changes with every
/// name added to it, removed from it or renamed in it.
pub(crate) type ListedFolder = (PathBuf, Option<Stamp>);

/// The listings, and every folder listed (see [`ListedFolder`]).
fn walk_with(root: &Path, stamped: bool) -> (Vec<Listing>, Vec<ListedFolder>) {
    // Folder by folder, one depth at a time, every folder of a depth on
    // every core (a `stat` per file is most of a stamped walk). A folder
    // reached again (a symlink loop, or a link to a folder already listed)
    // is listed once, where it is met first.
    let mut out = Vec::new();
    let mut listed = Vec::new();
    let mut seen = HashSet::new();
    let mut depth = vec![root.to_path_buf()];
    while !depth.is_empty() {
        let read = parallel::map_each(&depth, |dir| read_folder(dir, stamped));
        let mut next = Vec::new();
        for (dir, folder) in depth.iter().zip(read) {
            let Some(folder) = folder else { continue };
            if seen.insert(folder.real) {
                listed.push((dir.clone(), folder.stamp));
                out.extend(folder.listings);
                next.extend(folder.folders);
            }
        }
        depth = next;
    }
    // The depths interleave (a folder's files come before its subfolders'
    // and after its siblings'): put them in path order. (Often they are:
    // documents at one depth only. Paths compare component by component,
    // slowly: checking costs far fewer comparisons than sorting.)
    if !out.is_sorted_by(|a, b| a.document <= b.document) {
        out.sort_by(|a, b| a.document.cmp(&b.document));
    }
    (out, listed)
}

/// What one folder holds: its documents, and its folders to walk next.
struct Folder {
    /// The folder's real path (what tells a loop).
    real: PathBuf,
    /// Its stamp, taken before it was read.
    stamp: Option<Stamp>,
    listings: Vec<Listing>,
    /// Sorted by name.
    folders: Vec<PathBuf>,
}

fn read_folder(dir: &Path, stamped: bool) -> Option<Folder> {
    let real = std::fs::canonicalize(dir).ok()?;
    let stamp = Stamp::of(dir);
    let entries = std::fs::read_dir(dir).ok()?;
    let mut files: Vec<(OsString, Stamp)> = Vec::new();
    let mut folders = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.as_encoded_bytes().starts_with(b".") {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        // A symlink is followed (to a folder or a file); the walk's `seen`
        // set stops loops.
        if !stamped && !kind.is_symlink() {
            if kind.is_dir() {
                folders.push(entry.path());
            } else if kind.is_file() {
                files.push((name, UNSTAMPED));
            }
            continue;
        }
        let meta = if kind.is_symlink() {
            std::fs::metadata(entry.path())
        } else {
            entry.metadata()
        };
        let Ok(meta) = meta else { continue };
        if meta.is_dir() {
            folders.push(entry.path());
        } else if meta.is_file() {
            let stamp = if stamped {
                Stamp::from_meta(&meta)
            } else {
                UNSTAMPED
            };
            files.push((name, stamp));
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    // Names borrowed, not copied: a folder may hold thousands.
    let names: HashSet<std::borrow::Cow<str>> =
        files.iter().map(|(n, _)| n.to_string_lossy()).collect();
    let mut sidecars: HashMap<&OsStr, Vec<(String, PathBuf, Stamp)>> = HashMap::new();
    let mut documents = Vec::new();
    for (name, stamp) in &files {
        if let Some((doc, annotator)) = sidecar::split_sidecar_file_name(name) {
            sidecars
                .entry(doc)
                .or_default()
                .push((annotator.to_string(), dir.join(name), *stamp));
            continue;
        }
        let text = name.to_string_lossy();
        if sidecar::looks_like_sidecar(name)
            || text == project::FILE_NAME
            || crate::corpus::written_beside_a_document(&text, &names)
        {
            continue;
        }
        documents.push((name.as_os_str(), *stamp));
    }
    let listings = documents
        .into_iter()
        .map(|(name, stamp)| {
            let mut own = sidecars.remove(name).unwrap_or_default();
            own.sort_by(|a, b| a.0.cmp(&b.0));
            Listing {
                document: dir.join(name),
                stamp,
                sidecars: own,
            }
        })
        .collect();
    folders.sort();
    Some(Folder {
        real,
        stamp,
        listings,
        folders,
    })
}

/// A folder's files stamped through the folder's handle: each `stat`
/// resolves one name, not the whole path again.
pub(crate) struct FolderFiles {
    #[cfg(unix)]
    handle: rustix::fd::OwnedFd,
    #[cfg(not(unix))]
    dir: PathBuf,
}

impl FolderFiles {
    pub(crate) fn open(dir: &Path) -> Option<FolderFiles> {
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            let handle = rustix::fs::open(dir, flags, Mode::empty()).ok()?;
            Some(FolderFiles { handle })
        }
        #[cfg(not(unix))]
        Some(FolderFiles {
            dir: dir.to_path_buf(),
        })
    }

    /// The stamp of `file` (a file of this folder, by its name), as
    /// [`Stamp::of`] takes it (symlinks followed); `None` when it is gone
    /// or not a file.
    fn stamp(&self, file: &Path) -> Option<Stamp> {
        self.stamp_name(file.file_name()?)
    }

    /// [`FolderFiles::stamp`] of the file named `name` in this folder.
    pub(crate) fn stamp_name(&self, name: &OsStr) -> Option<Stamp> {
        #[cfg(unix)]
        {
            let st = rustix::fs::statat(&self.handle, name, rustix::fs::AtFlags::empty()).ok()?;
            if rustix::fs::FileType::from_raw_mode(st.st_mode) != rustix::fs::FileType::RegularFile
            {
                return None;
            }
            let nanos = cache::epoch_nanos;
            #[allow(clippy::unnecessary_cast)]
            Some(Stamp {
                len: st.st_size as u64,
                modified: nanos(st.st_mtime as i64, st.st_mtime_nsec as i64),
                changed: nanos(st.st_ctime as i64, st.st_ctime_nsec as i64),
                inode: st.st_ino as u64,
            })
        }
        #[cfg(not(unix))]
        {
            let meta = std::fs::metadata(self.dir.join(name)).ok()?;
            meta.is_file().then(|| Stamp::from_meta(&meta))
        }
    }
}

/// The project file above a corpus, loaded (or why it could not be).
struct ProjectFound {
    file: Option<PathBuf>,
    project: Option<Project>,
    error: Option<String>,
    /// Documents' keys in it.
    keys: Option<project::DocumentKeys>,
}

impl ProjectFound {
    fn above(root: &Path) -> ProjectFound {
        let file = Project::find(root);
        let (project, error) = match &file {
            Some(file) => match Project::load(file) {
                Ok(p) => (Some(p), None),
                Err(e) => (None, Some(e.to_string())),
            },
            None => (None, None),
        };
        let keys = file
            .as_deref()
            .map(|f| project::DocumentKeys::new(&project::root_of(f)));
        ProjectFound {
            file,
            project,
            error,
            keys,
        }
    }
}

/// One document of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub path: PathBuf,
    /// The path below the corpus root, `/`-separated (what the list shows).
    pub relative: String,
    /// The document's key in the project file, if one is above it.
    pub key: Option<String>,
    /// `(annotator, sidecar)`, sorted by annotator.
    pub sidecars: Vec<(String, PathBuf)>,
    /// `None` until the background thread has read the sidecars.
    pub counts: Option<DocCounts>,
    /// `None` until the background thread has read the document.
    pub facts: Option<DocFacts>,
}

impl Row {
    /// The row of a listed document, counts and facts to come; its key in
    /// the project `keys` name (if any).
    fn of(root: &Path, keys: Option<&project::DocumentKeys>, listing: &Listing) -> Row {
        Row::at(
            root,
            keys,
            listing.document.clone(),
            listing.sidecar_paths(),
        )
    }

    /// [`Row::of`] the document at `path` with `sidecars`.
    fn at(
        root: &Path,
        keys: Option<&project::DocumentKeys>,
        path: PathBuf,
        sidecars: Vec<(String, PathBuf)>,
    ) -> Row {
        Row {
            relative: project::slash_joined(path.strip_prefix(root).unwrap_or(&path)),
            key: keys.and_then(|k| k.key(&path)),
            path,
            sidecars,
            counts: None,
            facts: None,
        }
    }

    /// The file name, the title shown until a better one is known.
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    pub fn annotators(&self) -> impl Iterator<Item = &str> {
        self.sidecars.iter().map(|(a, _)| a.as_str())
    }
}

/// What the background thread reports.
#[derive(Debug)]
enum Update {
    Counts(PathBuf, DocCounts),
    Facts(PathBuf, DocFacts),
    /// Counts and facts of a round of the first pass (one message, not two
    /// per document).
    Read(Vec<(PathBuf, DocCounts, DocFacts)>),
    /// A new document (or one whose set of sidecars changed).
    Listed(Listing),
    Removed(PathBuf),
    /// The project file changed on disk (`None`: gone or unreadable).
    Project(Option<Project>),
    /// Every row has its counts and facts (the first pass is over).
    Complete,
}

/// What the background thread is asked.
enum Request {
    /// Read this document's files again, before anything else.
    Refresh(PathBuf),
}

/// Why a corpus could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("{0}: not a folder")]
    NotAFolder(String),
    #[error("{0}: no such folder")]
    Missing(String),
}

/// The rows of a corpus, kept up to date by a background thread.
pub struct CorpusIndex {
    root: PathBuf,
    /// The project file above (or at) the root, and what it holds.
    project_file: Option<PathBuf>,
    project: Option<Project>,
    /// A project file that exists but does not load (said once).
    pub project_error: Option<String>,
    /// Rows' keys in the project file's documents (with a project file).
    keys: Option<project::DocumentKeys>,
    rows: Vec<Row>,
    /// Made on first use (see [`CorpusIndex::by_path`]).
    by_path: OnceCell<HashMap<PathBuf, usize>>,
    updates: Receiver<Update>,
    requests: Option<Sender<Request>>,
    worker: Option<JoinHandle<()>>,
    /// Held by the background thread while it writes the caches and the
    /// snapshot: dropping the index waits for a write under way.
    writing: Arc<Mutex<()>>,
    complete: bool,
    /// Bumped whenever rows are added, removed or change (views cache on it).
    generation: u64,
}

impl CorpusIndex {
    /// List the documents below `root` now; counts and facts follow from a
    /// background thread (see [`CorpusIndex::poll`]), which then watches for
    /// changes.
    pub fn open(root: &Path) -> Result<CorpusIndex, IndexError> {
        let state = crate::sidecar::journal::Places::from_env().state;
        CorpusIndex::open_with_state(root, state.as_deref())
    }

    /// [`CorpusIndex::open`] with its caches of counts and facts below the
    /// state folder `state` (`None`: no cache file, everything is read).
    pub fn open_with_state(root: &Path, state: Option<&Path>) -> Result<CorpusIndex, IndexError> {
        let snapshot = state.map(|state| cache::cache_file_in(state, "snapshot", root));
        let found = ProjectFound::above(root);
        // Unchanged since the snapshot a session left: complete at once.
        // (Its rows are made while the files are stamped, on every core.)
        if let Some(file) = &snapshot {
            let keys = found.keys.as_ref();
            let row = |path: PathBuf, sidecars, values: Option<(DocCounts, DocFacts)>| {
                let mut row = Row::at(root, keys, path, sidecars);
                if let Some((counts, facts)) = values {
                    row.counts = Some(counts);
                    row.facts = Some(facts);
                }
                row
            };
            if let Some(reopened) = snapshot::reopen(file, root, row, |r: &Row| &r.path) {
                return Ok(CorpusIndex::reopened(
                    root,
                    state,
                    file.clone(),
                    found,
                    reopened,
                ));
            }
        }
        // The cache files are decoded from the start, beside the listing
        // the first screen waits for and the stamping walk after it.
        let caches = {
            let (state, root) = (state.map(Path::to_path_buf), root.to_path_buf());
            std::thread::spawn(move || Caches::open(state.as_deref(), &root))
        };
        let (mut index, mut watcher) = CorpusIndex::start(root, found)?;
        watcher.snapshot = snapshot;
        watcher.caches_from = CachesFrom::Thread(caches);
        index.worker = Some(std::thread::spawn(move || watcher.run()));
        Ok(index)
    }

    /// The index of a corpus its snapshot describes (every folder as it
    /// was): the snapshot's rows, complete where no file changed; the
    /// background thread reads the documents that did, through the caches
    /// (opened only then), then watches as after any open.
    fn reopened(
        root: &Path,
        state: Option<&Path>,
        file: PathBuf,
        found: ProjectFound,
        reopened: snapshot::Reopened<Row>,
    ) -> CorpusIndex {
        let snapshot::Reopened {
            listings,
            rows,
            folders,
            listed_at,
            stamped_at,
        } = reopened;
        let stale: Vec<PathBuf> = rows
            .iter()
            .filter(|r| r.counts.is_none())
            .map(|r| r.path.clone())
            .collect();
        let (mut index, mut watcher) = CorpusIndex::with_rows(
            root,
            found,
            rows,
            Unindexed::Snapshot(listings),
            folders,
            listed_at,
        );
        index.complete = stale.is_empty();
        watcher.walked = stamped_at;
        watcher.snapshot = Some(file);
        // The snapshot is the corpus as it is (until a document is read).
        watcher.dirty = false;
        watcher.caches_from = CachesFrom::Files(state.map(Path::to_path_buf), root.to_path_buf());
        index.worker = Some(std::thread::spawn(move || {
            if stale.is_empty() {
                watcher.watch();
            } else {
                watcher.count(&stale);
            }
        }));
        index
    }

    /// The rows only, as the walk finds them: no counts, no thread (what a
    /// first screen shows before any sidecar is read).
    pub fn listed(root: &Path) -> Result<CorpusIndex, IndexError> {
        Ok(CorpusIndex::start(root, ProjectFound::above(root))?.0)
    }

    /// Every row with its counts and facts, read on this thread (for
    /// commands; nothing watches for changes).
    pub fn read_all(root: &Path) -> Result<CorpusIndex, IndexError> {
        let mut index = CorpusIndex::listed(root)?;
        let read = parallel::map(&index.rows, |row| {
            read_document(&row.path, &row.sidecars, true, true)
        });
        for (row, (counts, facts)) in index.rows.iter_mut().zip(read) {
            row.counts = counts;
            row.facts = facts;
        }
        index.complete = true;
        index.generation += 1;
        Ok(index)
    }

    fn start(root: &Path, found: ProjectFound) -> Result<(CorpusIndex, Watcher), IndexError> {
        let meta =
            std::fs::metadata(root).map_err(|_| IndexError::Missing(root.display().to_string()))?;
        if !meta.is_dir() {
            return Err(IndexError::NotAFolder(root.display().to_string()));
        }
        // Names only: the background thread stats every file.
        let listed_at = SystemTime::now();
        let (listings, folders) = walk_with(root, false);
        let rows = {
            let keys = found.keys.as_ref();
            listings.iter().map(|l| Row::of(root, keys, l)).collect()
        };
        Ok(CorpusIndex::with_rows(
            root,
            found,
            rows,
            Unindexed::Walked(listings),
            folders,
            listed_at,
        ))
    }

    /// The index of `rows` (in path order, as both the walk and a snapshot
    /// give them: not checked again), made of `listings`, found in
    /// `folders` as listed at `listed_at`, and the watcher to count them.
    fn with_rows(
        root: &Path,
        found: ProjectFound,
        rows: Vec<Row>,
        listings: Unindexed,
        folders: Vec<ListedFolder>,
        listed_at: SystemTime,
    ) -> (CorpusIndex, Watcher) {
        let ProjectFound {
            file: project_file,
            project,
            error: project_error,
            keys,
        } = found;
        let (update_tx, updates) = mpsc::channel();
        let (request_tx, requests) = mpsc::channel();
        let empty = rows.is_empty();
        let index = CorpusIndex {
            root: root.to_path_buf(),
            project_file: project_file.clone(),
            project,
            project_error,
            keys,
            rows,
            by_path: OnceCell::new(),
            updates,
            requests: Some(request_tx),
            worker: None,
            writing: Arc::default(),
            complete: empty,
            generation: 0,
        };
        let watcher = Watcher {
            writing: index.writing.clone(),
            root: root.to_path_buf(),
            project_file,
            known: HashMap::new(),
            unindexed: listings,
            updates: update_tx,
            requests,
            caches: Caches::in_memory(),
            caches_from: CachesFrom::Ready,
            snapshot: None,
            dirty: true,
            walked: SystemTime::now(),
            folders,
            listed_at,
            unrecorded: Vec::new(),
        };
        (index, watcher)
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The root folder's own name (`.` named as what it is), for titles.
    pub fn root_name(&self) -> String {
        std::fs::canonicalize(&self.root)
            .ok()
            .as_deref()
            .unwrap_or(&self.root)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.root.display().to_string())
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    pub fn row(&self, path: &Path) -> Option<&Row> {
        self.index_of(path).map(|i| &self.rows[i])
    }

    pub fn project(&self) -> Option<&Project> {
        self.project.as_ref()
    }

    /// Changes whenever a row is added, removed or updated.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Rows whose sidecars have been counted, and all rows.
    pub fn progress(&self) -> (usize, usize) {
        let counted = self.rows.iter().filter(|r| r.counts.is_some()).count();
        (counted, self.rows.len())
    }

    /// Has every row its counts and facts?
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// Take in what the background thread found, without waiting. True when
    /// anything changed.
    pub fn poll(&mut self) -> bool {
        let mut changed = false;
        let mut relisted = false;
        while let Ok(update) = self.updates.try_recv() {
            changed = true;
            match update {
                Update::Counts(path, counts) => {
                    if let Some(i) = self.index_of(&path) {
                        self.rows[i].counts = Some(counts);
                    }
                }
                Update::Facts(path, facts) => {
                    if let Some(i) = self.index_of(&path) {
                        self.rows[i].facts = Some(facts);
                    }
                }
                Update::Read(read) => {
                    for (path, counts, facts) in read {
                        if let Some(i) = self.index_of(&path) {
                            self.rows[i].counts = Some(counts);
                            self.rows[i].facts = Some(facts);
                        }
                    }
                }
                Update::Listed(listing) => match self.index_of(&listing.document) {
                    Some(i) => self.rows[i].sidecars = listing.sidecar_paths(),
                    None => {
                        self.insert(&listing);
                        relisted = true;
                    }
                },
                Update::Removed(path) => {
                    self.rows.retain(|r| r.path != path);
                    relisted = true;
                }
                Update::Project(project) => self.project = project,
                Update::Complete => self.complete = true,
            }
            if relisted {
                self.reindex();
                relisted = false;
            }
        }
        if changed {
            self.generation += 1;
        }
        changed
    }

    /// Ask for `path`'s files to be read again now (its counts after an
    /// annotating session), ahead of everything else.
    pub fn refresh(&mut self, path: &Path) {
        if let Some(tx) = &self.requests {
            let _ = tx.send(Request::Refresh(path.to_path_buf()));
        }
    }

    /// Read `path`'s sidecars again here, on this thread (small: one
    /// document's), so the row is right on the very next frame; the
    /// background thread reads the document too.
    pub fn recount_now(&mut self, path: &Path) {
        let Some(i) = self.index_of(path) else {
            return;
        };
        let sidecars = sidecar::sidecars_of(path);
        self.rows[i].counts = Some(count_sidecars(&sidecars));
        self.rows[i].sidecars = sidecars;
        self.generation += 1;
        self.refresh(path);
    }

    /// The title shown for a row: stored in the project, else detected, else
    /// the file name.
    pub fn title(&self, row: &Row) -> String {
        self.stored(row)
            .and_then(|e| e.meta.title.clone())
            .or_else(|| row.facts.as_ref().and_then(|f| f.title.clone()))
            .unwrap_or_else(|| row.file_name())
    }

    /// The date shown for a row: stored, else detected.
    pub fn date(&self, row: &Row) -> Option<PartialDate> {
        self.date_of(row).cloned()
    }

    /// [`CorpusIndex::date`], borrowed.
    pub fn date_of<'r>(&'r self, row: &'r Row) -> Option<&'r PartialDate> {
        self.stored(row)
            .and_then(|e| e.meta.date.as_ref())
            .or_else(|| row.facts.as_ref().and_then(|f| f.date.as_ref()))
    }

    pub fn status(&self, row: &Row) -> Option<Status> {
        self.stored(row).and_then(|e| e.status)
    }

    /// Paragraphs marked boilerplate by hand in the project file.
    pub fn boilerplate_marks(&self, row: &Row) -> usize {
        match (&self.project, &row.key) {
            (Some(p), Some(key)) => p.boilerplate.marked.get(key).map_or(0, BTreeSet::len),
            _ => 0,
        }
    }

    /// Actor names and aliases: the project's codebook.
    pub fn actor_resolver(&self) -> ActorResolver {
        let codebook = self
            .project
            .as_ref()
            .map(|p| p.registry().into_vec())
            .unwrap_or_default();
        ActorResolver::of([codebook.as_slice()])
    }

    fn stored(&self, row: &Row) -> Option<&project::DocumentEntry> {
        self.project.as_ref()?.document(row.key.as_deref()?)
    }

    /// Set a document's status in the project file (created at the corpus
    /// root when there is none) and save it at once. Returns a message when
    /// a new project file was written.
    pub fn set_status(
        &mut self,
        path: &Path,
        status: Option<Status>,
    ) -> Result<Option<String>, String> {
        let target = self
            .project_file
            .clone()
            .unwrap_or_else(|| self.root.clone());
        let (mut open, created) =
            project::store::OpenProject::above_or_beside(&target).map_err(|e| e.to_string())?;
        let key = open
            .key(path)
            .ok_or_else(|| format!("{}: not below the project's folder", path.display()))?;
        open.project.document_mut(&key).status = status;
        open.save().map_err(|e| e.to_string())?;
        let file = open.store.path().to_path_buf();
        let said = created.then(|| format!("Project file {} created", file.display()));
        if self.project_file.is_none() {
            self.project_file = Some(file);
            let keys = project::DocumentKeys::new(&open.root);
            for row in &mut self.rows {
                row.key = keys.key(&row.path);
            }
            self.keys = Some(keys);
        }
        self.project = Some(open.project);
        self.project_error = None;
        self.generation += 1;
        Ok(said)
    }

    fn insert(&mut self, listing: &Listing) {
        let row = Row::of(&self.root, self.keys.as_ref(), listing);
        self.rows.push(row);
    }

    fn reindex(&mut self) {
        if !self.rows.is_sorted_by(|a, b| a.path <= b.path) {
            self.rows.sort_by(|a, b| a.path.cmp(&b.path));
        }
        self.by_path = OnceCell::new();
    }

    /// Rows by path, made when first asked for (a screen showing a corpus
    /// complete at once may never ask).
    fn by_path(&self) -> &HashMap<PathBuf, usize> {
        self.by_path.get_or_init(|| {
            self.rows
                .iter()
                .enumerate()
                .map(|(i, r)| (r.path.clone(), i))
                .collect()
        })
    }

    /// The row of `path`, by its place in `rows`.
    fn index_of(&self, path: &Path) -> Option<usize> {
        self.by_path().get(path).copied()
    }
}

impl Drop for CorpusIndex {
    fn drop(&mut self) {
        // The thread sees the closed channel at its next look and ends; it
        // is not joined (it may be reading a large document), but a write
        // of the caches under way is waited for, so that the process does
        // not end in the middle of it (the next open would find none).
        self.requests.take();
        drop(self.writing.lock());
        self.worker.take();
    }
}

/// Counts and facts of earlier opens (`src/archive/cache.rs`): used only
/// while every file they were computed from is unchanged.
struct Caches {
    counts: Cache<DocCounts>,
    facts: Cache<DocFacts>,
}

/// What a cached value depends on besides its files: the program that
/// computed it (another version may count or detect differently).
fn cache_context(kind: &str) -> [u8; 32] {
    // Two kinds, looked up for every document: digested once.
    static COUNTS: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();
    static FACTS: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();
    let digest = || cache::context_of(&[kind.as_bytes(), env!("CARGO_PKG_VERSION").as_bytes()]);
    match kind {
        "counts" => *COUNTS.get_or_init(digest),
        "facts" => *FACTS.get_or_init(digest),
        _ => digest(),
    }
}

impl Caches {
    fn in_memory() -> Caches {
        Caches {
            counts: Cache::in_memory(),
            facts: Cache::in_memory(),
        }
    }

    /// The caches of the corpus at `root` below the state folder `state`.
    fn open(state: Option<&Path>, root: &Path) -> Caches {
        match state {
            Some(state) => {
                // Two files, decoded side by side.
                let (counts, facts) = std::thread::scope(|scope| {
                    let counts = scope
                        .spawn(|| Cache::open_file(cache::cache_file_in(state, "counts", root)));
                    let facts = Cache::open_file(cache::cache_file_in(state, "facts", root));
                    let counts = counts.join().unwrap_or_else(|_| Cache::in_memory());
                    (counts, facts)
                });
                Caches { counts, facts }
            }
            None => Caches::in_memory(),
        }
    }

    /// Counts from the sidecars alone (keyed by them).
    fn counts(&mut self, document: &Path, sidecars: &[(String, PathBuf)]) -> DocCounts {
        let inputs: Vec<PathBuf> = sidecars.iter().map(|(_, p)| p.clone()).collect();
        self.counts
            .get_or_compute(document, &inputs, cache_context("counts"), || {
                count_sidecars(sidecars)
            })
    }

    /// Both lookups for a listed document, with the walk's stamps (taken at
    /// `walked`): no `stat`, no copy of a path on a hit.
    /// (Read-only, so that a round's documents are looked up on every core;
    /// each lookup says whether its entry settles: see
    /// [`Cache::peek_stamped`].)
    fn look(&self, listing: &Listing, walked: SystemTime) -> Looked {
        let inputs = listing.inputs();
        let counts = self.counts.peek_stamped(
            &listing.document,
            &inputs[1..],
            cache_context("counts"),
            walked,
        );
        let facts =
            self.facts
                .peek_stamped(&listing.document, &inputs, cache_context("facts"), walked);
        (counts, facts)
    }

    /// Facts from the document and its sidecars (orphans need both).
    fn facts(&mut self, document: &Path, sidecars: &[(String, PathBuf)]) -> DocFacts {
        let inputs: Vec<PathBuf> = std::iter::once(document.to_path_buf())
            .chain(sidecars.iter().map(|(_, p)| p.clone()))
            .collect();
        match self.facts.lookup(document, &inputs, cache_context("facts")) {
            Lookup::Hit(facts) => facts,
            Lookup::Miss(pending) => {
                let facts = document_facts(document, sidecars);
                self.facts.store(document, pending, &facts);
                facts
            }
        }
    }

    /// A listed document's counts and facts as encoded in the caches, when
    /// both were computed from its files with exactly the listing's stamps,
    /// none racy (what a snapshot may keep).
    fn encoded(&self, listing: &Listing) -> Option<snapshot::Encoded<'_>> {
        let inputs = listing.inputs();
        let document = &listing.document;
        let counts = self
            .counts
            .settled_value(document, &inputs[1..], cache_context("counts"))?;
        let facts = self
            .facts
            .settled_value(document, &inputs, cache_context("facts"))?;
        Some((counts, facts))
    }

    /// Forget documents no longer listed and write both files (best
    /// effort, atomically: the cache is only a convenience).
    /// (A cache unchanged since it was read, with as many entries as there
    /// are documents, answered for every one of them: it holds no other,
    /// and is neither searched for them nor written.)
    fn save(&mut self, known: &HashMap<PathBuf, Listing>) {
        if self.counts.is_changed() || self.counts.len() != known.len() {
            self.counts.retain(|p| known.contains_key(p));
        }
        if self.facts.is_changed() || self.facts.len() != known.len() {
            self.facts.retain(|p| known.contains_key(p));
        }
        let _ = self.counts.save();
        let _ = self.facts.save();
    }
}

/// Both lookups of a document, each with whether its entry settles.
type Looked = ((Lookup<DocCounts>, bool), (Lookup<DocFacts>, bool));

/// Documents per round of the first pass.
const ROUND: usize = 256;

/// A value computed for a cache miss, with its entry settled (on the
/// reading thread); `None` for a hit.
fn settled<V: Serialize>(looked: &Lookup<V>, value: Option<V>) -> Option<(V, cache::Settled<V>)> {
    match (looked, value) {
        (Lookup::Miss(pending), Some(v)) => {
            let settled = pending.clone().settle(&v);
            Some((v, settled))
        }
        _ => None,
    }
}

/// A lookup as the first pass left it: the lookup, whether its hit settles,
/// and the value computed on a miss.
type Outcome<V> = (Lookup<V>, bool, Option<(V, cache::Settled<V>)>);

/// What a lookup of the first pass leaves to record in its cache.
enum Record<V> {
    /// A hit whose entry settles.
    Settle,
    /// The entry of a value computed on a miss.
    Insert(cache::Settled<V>),
}

/// The value of a lookup — the hit, or the value computed — and what is
/// to be recorded of it (see [`Watcher::record`]).
fn taken<V: Default>((looked, settles, computed): Outcome<V>) -> (V, Option<Record<V>>) {
    match (looked, computed) {
        (Lookup::Hit(v), _) => (v, settles.then_some(Record::Settle)),
        (Lookup::Miss(_), Some((v, settled))) => (v, Some(Record::Insert(settled))),
        (Lookup::Miss(_), None) => (V::default(), None),
    }
}

/// Record `record` of `document`'s lookup made at `walked` in `cache`.
fn record<V>(cache: &mut Cache<V>, document: &Path, record: Record<V>, walked: SystemTime)
where
    V: Clone + Serialize + serde::de::DeserializeOwned,
{
    match record {
        Record::Settle => cache.settle_hit(document, walked),
        Record::Insert(settled) => cache.insert(document, settled),
    }
}

/// A document's records left by the first pass: both caches', and when
/// its files were stamped.
type Unrecorded = (
    PathBuf,
    Option<Record<DocCounts>>,
    Option<Record<DocFacts>>,
    SystemTime,
);

/// The listings a watcher starts with, until its own thread indexes them
/// into [`Watcher::known`].
enum Unindexed {
    /// As the walk listed them, in path order.
    Walked(Vec<Listing>),
    /// As a snapshot keeps them, made on the watcher's thread.
    Snapshot(snapshot::Listings),
    /// In `known` already.
    Known,
}

/// The background thread: counts, facts, then watching.
struct Watcher {
    root: PathBuf,
    project_file: Option<PathBuf>,
    known: HashMap<PathBuf, Listing>,
    /// Held while writing the caches and the snapshot (see
    /// [`CorpusIndex::drop`]).
    writing: Arc<Mutex<()>>,
    /// Listings not yet in `known` (it is made on the watcher's thread,
    /// not the one that shows the first screen).
    unindexed: Unindexed,
    /// What the first pass found to record in the caches, recorded when
    /// they are saved (or before another lookup).
    unrecorded: Vec<Unrecorded>,
    updates: Sender<Update>,
    requests: Receiver<Request>,
    caches: Caches,
    /// Where `caches` are to come from before their first use.
    caches_from: CachesFrom,
    /// The snapshot file written with the caches (`None`: no state folder).
    snapshot: Option<PathBuf>,
    /// Has anything the snapshot holds changed since it was written?
    dirty: bool,
    /// When the walk that listed `known` began (its stamps are as of then).
    walked: SystemTime,
    /// The folders the first listing (by names) read, with their stamps,
    /// and when it began: what tells whether the names are still right.
    folders: Vec<ListedFolder>,
    listed_at: SystemTime,
}

/// Where the watcher's caches come from before their first use.
enum CachesFrom {
    /// Its `caches` are the ones to use.
    Ready,
    /// Being decoded on their own thread, not the UI's (the files may be
    /// large): a first open reads nearly every document through them.
    Thread(JoinHandle<Caches>),
    /// Their files, `(state folder, corpus root)`, decoded when first
    /// needed: a reopen from a snapshot may need none.
    Files(Option<PathBuf>, PathBuf),
}

impl Watcher {
    /// Stamp every listed file, count and read every document, then watch.
    fn run(mut self) {
        let Some(order) = self.stamp_all() else {
            return;
        };
        self.count(&order);
    }

    /// Counts and facts of the documents `order` (from the caches where
    /// they hold), then [`Watcher::watch`].
    fn count(mut self, order: &[PathBuf]) {
        self.ready_caches();
        if !self.first_pass(order) {
            return;
        }
        // Written after `Complete` (the counts show without waiting for
        // the files), under the lock taken before it: an index dropped
        // as soon as it is complete waits for the write.
        let writing = self.writing.clone();
        let guard = writing.lock();
        if self.updates.send(Update::Complete).is_err() {
            return;
        }
        self.save();
        drop(guard);
        self.watch();
    }

    /// Put the listings the watcher was started with into `known`.
    fn index_known(&mut self) {
        let listings = match std::mem::replace(&mut self.unindexed, Unindexed::Known) {
            Unindexed::Known => return,
            Unindexed::Walked(listings) => listings,
            Unindexed::Snapshot(listings) => listings.make(),
        };
        self.known.reserve(listings.len());
        for listing in listings {
            self.known.insert(listing.document.clone(), listing);
        }
    }

    /// Take the caches from where they come (see [`CachesFrom`]).
    fn ready_caches(&mut self) {
        match std::mem::replace(&mut self.caches_from, CachesFrom::Ready) {
            CachesFrom::Ready => {}
            CachesFrom::Thread(caches) => {
                self.caches = caches.join().unwrap_or_else(|_| Caches::in_memory());
            }
            CachesFrom::Files(state, root) => self.caches = Caches::open(state.as_deref(), &root),
        }
    }

    /// [`Watcher::save`] under the write lock.
    fn save_now(&mut self) {
        let writing = self.writing.clone();
        let _guard = writing.lock();
        self.save();
    }

    /// Put the records the first pass left into the caches.
    fn record(&mut self) {
        let unrecorded = std::mem::take(&mut self.unrecorded);
        self.caches.counts.reserve(unrecorded.len());
        self.caches.facts.reserve(unrecorded.len());
        for (path, counts, facts, walked) in unrecorded {
            if let Some(r) = counts {
                record(&mut self.caches.counts, &path, r, walked);
            }
            if let Some(r) = facts {
                record(&mut self.caches.facts, &path, r, walked);
            }
        }
    }

    /// Write the caches and, when anything it holds changed since it was
    /// written, the snapshot (best effort: both are conveniences). The
    /// caller holds the write lock.
    fn save(&mut self) {
        // Caches not yet taken from their files were not changed either.
        if !self.dirty && matches!(self.caches_from, CachesFrom::Files(..)) {
            return;
        }
        self.index_known();
        self.ready_caches();
        self.record();
        self.caches.save(&self.known);
        if !std::mem::take(&mut self.dirty) {
            return;
        }
        if let Some(file) = &self.snapshot {
            let caches = &self.caches;
            let _ = snapshot::save(
                file,
                &self.root,
                &self.folders,
                self.listed_at,
                &self.known,
                |listing| caches.encoded(listing),
            );
        }
    }

    /// Answer refresh requests, and look for changes on disk every
    /// [`WATCH_INTERVAL`], until the index is gone.
    fn watch(mut self) {
        self.index_known();
        let mut project_stamp = self.project_stamp();
        loop {
            match self.requests.recv_timeout(WATCH_INTERVAL) {
                Ok(Request::Refresh(path)) => {
                    if !self.reread(&path) {
                        return;
                    }
                    self.save_now();
                }
                Err(RecvTimeoutError::Timeout) => {
                    if !self.rescan() {
                        return;
                    }
                    self.save_now();
                    let stamp = self.project_stamp();
                    if stamp != project_stamp {
                        project_stamp = stamp;
                        let project = self
                            .project_file
                            .as_deref()
                            .and_then(|f| Project::load(f).ok());
                        if self.updates.send(Update::Project(project)).is_err() {
                            return;
                        }
                    }
                }
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    }

    /// Counts and facts of every listed document: from the caches where
    /// they hold, else read on every core, one round of documents at a time
    /// (rows fill in round by round; a refresh waits at most one round).
    /// False when the index is gone.
    fn first_pass(&mut self, order: &[PathBuf]) -> bool {
        self.index_known();
        self.dirty = true;
        for paths in order.chunks(ROUND) {
            if !self.serve_requests() {
                return false;
            }
            let round: Vec<&Listing> = paths.iter().filter_map(|p| self.known.get(p)).collect();
            // Looked up, and on a miss read and checked again for the
            // caches, on every core.
            let (caches, walked) = (&self.caches, self.walked);
            let done = parallel::map(&round, |listing| {
                let ((counts, counts_settle), (facts, facts_settle)) = caches.look(listing, walked);
                let (counts_miss, facts_miss) = (
                    matches!(counts, Lookup::Miss(_)),
                    matches!(facts, Lookup::Miss(_)),
                );
                let (new_counts, new_facts) = if counts_miss || facts_miss {
                    read_document(
                        &listing.document,
                        &listing.sidecar_paths(),
                        counts_miss,
                        facts_miss,
                    )
                } else {
                    (None, None)
                };
                let new_counts = settled(&counts, new_counts);
                let new_facts = settled(&facts, new_facts);
                (
                    (counts, counts_settle, new_counts),
                    (facts, facts_settle, new_facts),
                )
            });
            // The caches take their records once the counts show complete:
            // here, this thread alone would keep a core idle.
            let mut batch = Vec::with_capacity(round.len());
            for (&listing, (counts, facts)) in round.iter().zip(done) {
                let path = &listing.document;
                let (counts, counts_record) = taken(counts);
                let (facts, facts_record) = taken(facts);
                if counts_record.is_some() || facts_record.is_some() {
                    self.unrecorded
                        .push((path.clone(), counts_record, facts_record, walked));
                }
                batch.push((path.clone(), counts, facts));
            }
            if self.updates.send(Update::Read(batch)).is_err() {
                return false;
            }
        }
        true
    }

    /// Every listed file's stamp (the rows were listed by name), and what
    /// differs from the rows: the documents, in path order; `None` when the
    /// index is gone.
    fn stamp_all(&mut self) -> Option<Vec<PathBuf>> {
        // The walk listed them in path order: kept, not sorted again (ten
        // thousand paths compared component by component take 15 ms).
        let walked: Vec<PathBuf> = match &self.unindexed {
            Unindexed::Walked(listings) => listings.iter().map(|l| l.document.clone()).collect(),
            _ => Vec::new(),
        };
        self.index_known();
        self.walked = SystemTime::now();
        if self.stamp_listed().is_some() {
            if walked.len() == self.known.len() {
                return Some(walked);
            }
            let mut order: Vec<PathBuf> = self.known.keys().cloned().collect();
            order.sort();
            return Some(order);
        }
        self.walked = SystemTime::now();
        let now = self.walk_again();
        let listed: HashSet<&Path> = now.iter().map(|l| l.document.as_path()).collect();
        for path in self.known.keys().filter(|p| !listed.contains(p.as_path())) {
            if self.updates.send(Update::Removed(path.clone())).is_err() {
                return None;
            }
        }
        for listing in &now {
            let same_files = self.known.get(&listing.document).is_some_and(|old| {
                old.sidecars.len() == listing.sidecars.len()
                    && old
                        .sidecars
                        .iter()
                        .zip(&listing.sidecars)
                        .all(|(a, b)| a.1 == b.1)
            });
            if !same_files && self.updates.send(Update::Listed(listing.clone())).is_err() {
                return None;
            }
        }
        let order = now.iter().map(|l| l.document.clone()).collect();
        self.known = now.into_iter().map(|l| (l.document.clone(), l)).collect();
        Some(order)
    }

    /// The whole tree listed again with every stamp; its folders' stamps
    /// are the ones [`Watcher::stamp_listed`] compares with from now on.
    fn walk_again(&mut self) -> Vec<Listing> {
        self.dirty = true;
        let listed_at = SystemTime::now();
        let (listings, folders) = walk_with(&self.root, true);
        (self.folders, self.listed_at) = (folders, listed_at);
        listings
    }

    /// Stamp the listed files where they were listed, folder by folder,
    /// without reading a folder again: when no folder's stamp changed since
    /// the listing, its names are still its names. The documents whose
    /// files' stamps changed; `None` (nothing changed) when a folder
    /// changed, was too recent to tell, or a file is gone: then the tree is
    /// walked again.
    fn stamp_listed(&mut self) -> Option<Vec<PathBuf>> {
        self.index_known();
        let listed_at = cache::nanos(self.listed_at);
        // Each listing with the folder it was listed in (every one was).
        let folder_of: HashMap<&Path, usize> = self
            .folders
            .iter()
            .enumerate()
            .map(|(i, (dir, _))| (dir.as_path(), i))
            .collect();
        let mut groups: Vec<Vec<&mut Listing>> = self.folders.iter().map(|_| Vec::new()).collect();
        for listing in self.known.values_mut() {
            let &i = listing.document.parent().and_then(|f| folder_of.get(f))?;
            groups[i].push(listing);
        }
        let work: Vec<(&ListedFolder, &[&mut Listing])> = self
            .folders
            .iter()
            .zip(groups.iter().map(Vec::as_slice))
            .collect();
        // Each folder's stamps: per listing, the document's then its sidecars'.
        let stamped = parallel::map_each(&work, |((dir, stamp), listings)| {
            let before = (*stamp)?;
            let now = Stamp::of(dir)?;
            if now != before || cache::is_racy(before, listed_at) {
                return None;
            }
            let folder = FolderFiles::open(dir)?;
            let mut stamps = Vec::with_capacity(listings.len() * 3);
            for l in listings.iter() {
                stamps.push(folder.stamp(&l.document)?);
                for (_, path, _) in &l.sidecars {
                    stamps.push(folder.stamp(path)?);
                }
            }
            Some(stamps)
        });
        drop(work);
        let stamped = stamped.into_iter().collect::<Option<Vec<Vec<Stamp>>>>()?;
        let mut changed = Vec::new();
        for (group, stamps) in groups.iter_mut().zip(stamped) {
            let mut stamps = stamps.into_iter();
            for listing in group.iter_mut() {
                // As many as were taken, in the same order.
                let mut differs = false;
                let mut take = |old: &mut Stamp| {
                    let new = stamps.next().unwrap_or(UNSTAMPED);
                    differs |= new != *old;
                    *old = new;
                };
                take(&mut listing.stamp);
                for (_, _, stamp) in &mut listing.sidecars {
                    take(stamp);
                }
                if differs {
                    changed.push(listing.document.clone());
                }
            }
        }
        Some(changed)
    }

    /// Answer waiting refresh requests; false when the index is gone.
    fn serve_requests(&mut self) -> bool {
        loop {
            match self.requests.try_recv() {
                Ok(Request::Refresh(path)) => {
                    if !self.reread(&path) {
                        return false;
                    }
                }
                Err(mpsc::TryRecvError::Empty) => return true,
                Err(mpsc::TryRecvError::Disconnected) => return false,
            }
        }
    }

    /// Read one document's files again (its sidecars may have come or gone).
    fn reread(&mut self, path: &Path) -> bool {
        self.index_known();
        let Some(listing) = self.known.get_mut(path) else {
            return true;
        };
        let sidecars = sidecar::sidecars_of(path);
        listing.sidecars = sidecars
            .iter()
            .map(|(a, p)| (a.clone(), p.clone(), Stamp::of(p).unwrap_or(UNSTAMPED)))
            .collect();
        let listing = listing.clone();
        self.send_all(&listing)
    }

    fn send_all(&mut self, listing: &Listing) -> bool {
        self.ready_caches();
        // The first pass's records before this newer one.
        self.record();
        self.dirty = true;
        let path = &listing.document;
        let sidecars = listing.sidecar_paths();
        if self.updates.send(Update::Listed(listing.clone())).is_err() {
            return false;
        }
        let counts = self.caches.counts(path, &sidecars);
        if self
            .updates
            .send(Update::Counts(path.clone(), counts))
            .is_err()
        {
            return false;
        }
        let facts = self.caches.facts(path, &sidecars);
        self.updates
            .send(Update::Facts(path.clone(), facts))
            .is_ok()
    }

    /// Report what is new, changed or gone: the files stamped again where
    /// they were listed while no folder changed, else the tree walked again.
    fn rescan(&mut self) -> bool {
        self.index_known();
        if let Some(changed) = self.stamp_listed() {
            for path in changed {
                let Some(listing) = self.known.get(&path).cloned() else {
                    continue;
                };
                if !self.send_all(&listing) {
                    return false;
                }
            }
            return true;
        }
        let now: Vec<Listing> = self.walk_again();
        let listed: HashSet<&Path> = now.iter().map(|l| l.document.as_path()).collect();
        let gone: Vec<PathBuf> = self
            .known
            .keys()
            .filter(|p| !listed.contains(p.as_path()))
            .cloned()
            .collect();
        drop(listed);
        for path in gone {
            self.known.remove(&path);
            if self.updates.send(Update::Removed(path)).is_err() {
                return false;
            }
        }
        for listing in now {
            let changed = match self.known.get(&listing.document) {
                None => true,
                Some(old) => *old != listing,
            };
            if changed {
                if !self.send_all(&listing) {
                    return false;
                }
                self.known.insert(listing.document.clone(), listing);
            }
        }
        true
    }

    fn project_stamp(&self) -> Option<Stamp> {
        let file = self.project_file.as_deref()?;
        std::fs::metadata(file).ok().map(|m| Stamp::from_meta(&m))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::time::Instant;

    use crate::annotation::{Annotation, Stance, Tag};
    use crate::document::anchor::Anchor;

    const MEMO: &str = "Memorandum of conversation, 24 July 1956\n\nAlpha one.\n\nBeta two.\n";

    /// A sidecar of `memo` by `annotator`: a claim and two versions of a
    /// position (a merge conflict), and a claim on text no longer there.
    fn sidecar_text(doc: &Path, annotator: &str, extra_claims: usize) -> String {
        let d = Document::from_text(doc, MEMO);
        let gone = Document::from_text(doc, "Something else entirely, long since deleted.");
        let mut s = Sidecar::new(&d, annotator);
        let claim = |by: &str, anchor| Annotation::new(Tag::Claim { by: by.into() }, anchor);
        s.annotations.push(claim("Nam Il", Anchor::whole(&d, 1)));
        for _ in 0..extra_claims {
            s.annotations.push(claim("Kim", Anchor::whole(&d, 1)));
        }
        let position = |stance| {
            Annotation::new(
                Tag::Position {
                    actor: "Pak".into(),
                    stance,
                    issue: "aid".into(),
                },
                Anchor::whole(&d, 2),
            )
        };
        let mut ours = position(Stance::Oppose);
        ours.id = "p1".into();
        let mut theirs = position(Stance::Support);
        theirs.id = "p1~1".into();
        s.annotations.push(ours);
        s.annotations.push(theirs);
        s.annotations.push(claim("Kim", Anchor::whole(&gone, 0)));
        s.to_ron().unwrap()
    }

    fn corpus() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("box");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        let m = dir.path().join("m.txt");
        std::fs::write(&m, MEMO).unwrap();
        std::fs::write(
            dir.path().join("m.txt.kim.gloss.ron"),
            sidecar_text(&m, "kim", 0),
        )
        .unwrap();
        std::fs::write(
            dir.path().join("m.txt.lee.gloss.ron"),
            sidecar_text(&m, "lee", 0),
        )
        .unwrap();
        std::fs::write(dir.path().join("m.txt.kim.md"), "an export").unwrap();
        std::fs::write(sub.join("bare.txt"), "Nothing tagged here.\n").unwrap();
        std::fs::write(sub.join("picture.bin"), b"\x00\x01\x02").unwrap();
        std::fs::write(dir.path().join(".git/h.txt"), "hidden").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path(), sub.join("loop")).unwrap();
        dir
    }

    /// Poll until `done` holds (the background thread's work is small here).
    fn wait_for(index: &mut CorpusIndex, done: impl Fn(&CorpusIndex) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !done(index) {
            assert!(Instant::now() < deadline, "the index never got there");
            index.poll();
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn the_walk_lists_documents_with_their_sidecars_skipping_hidden_and_exports() {
        let dir = corpus();
        let listed: Vec<(PathBuf, usize)> = walk(dir.path())
            .into_iter()
            .map(|l| (l.document, l.sidecars.len()))
            .collect();
        assert_eq!(
            listed,
            vec![
                (dir.path().join("box/bare.txt"), 0),
                (dir.path().join("box/picture.bin"), 0),
                (dir.path().join("m.txt"), 2),
            ]
        );
    }

    #[test]
    fn rows_come_at_once_and_counts_fill_in() {
        let dir = corpus();
        let mut index = CorpusIndex::open(dir.path()).unwrap();
        assert_eq!(index.rows().len(), 3);
        assert_eq!(index.rows()[2].relative, "m.txt");
        assert_eq!(index.title(&index.rows()[2]), "m.txt");
        wait_for(&mut index, CorpusIndex::is_complete);
        let row = index.row(&dir.path().join("m.txt")).unwrap();
        let counts = row.counts.as_ref().unwrap();
        assert_eq!(
            counts.of("kim"),
            KindCounts {
                claims: 2,
                advice: 0,
                positions: 2
            }
        );
        assert_eq!(counts.annotators.len(), 2);
        assert_eq!(counts.conflicts, 2);
        assert!(counts.actors.contains("Nam Il"));
        let facts = row.facts.as_ref().unwrap();
        assert_eq!(facts.paragraphs, 3);
        assert_eq!(facts.orphans, 2, "one per annotator");
        assert_eq!(facts.date, Some("1956-07-24".parse().unwrap()));
        assert!(
            index.rows()[1].facts.as_ref().unwrap().not_text,
            "a binary file is no document"
        );
        assert_eq!(index.progress(), (3, 3));
    }

    #[test]
    fn a_broken_sidecar_is_reported_in_the_counts_not_fatal() {
        let dir = corpus();
        std::fs::write(dir.path().join("m.txt.lee.gloss.ron"), "(version: 1,").unwrap();
        let counts = count_sidecars(&sidecar::sidecars_of(&dir.path().join("m.txt")));
        assert_eq!(counts.annotators.len(), 1);
        assert_eq!(counts.errors.len(), 1);
        assert!(
            counts.errors[0].contains("m.txt.lee.gloss.ron:"),
            "{:?}",
            counts.errors
        );
    }

    #[test]
    fn new_changed_and_deleted_files_show_without_reopening() {
        let dir = corpus();
        let mut index = CorpusIndex::open(dir.path()).unwrap();
        wait_for(&mut index, CorpusIndex::is_complete);
        std::fs::write(dir.path().join("new.txt"), "A new memo.\n").unwrap();
        std::fs::remove_file(dir.path().join("box/bare.txt")).unwrap();
        let m = dir.path().join("m.txt");
        std::fs::write(
            dir.path().join("m.txt.lee.gloss.ron"),
            sidecar_text(&m, "lee", 1),
        )
        .unwrap();
        wait_for(&mut index, |i| {
            i.row(&dir.path().join("new.txt")).is_some()
                && i.row(&dir.path().join("box/bare.txt")).is_none()
                && i.row(&m)
                    .and_then(|r| r.counts.as_ref())
                    .is_some_and(|c| c.of("lee").claims == 3)
        });
    }

    #[test]
    fn a_refreshed_row_is_recounted_at_once() {
        let dir = corpus();
        let mut index = CorpusIndex::open(dir.path()).unwrap();
        let bare = dir.path().join("box/bare.txt");
        std::fs::write(
            dir.path().join("box/bare.txt.kim.gloss.ron"),
            sidecar_text(&bare, "kim", 0),
        )
        .unwrap();
        index.recount_now(&bare);
        let row = index.row(&bare).unwrap();
        assert_eq!(row.counts.as_ref().unwrap().of("kim").total(), 4);
        assert_eq!(row.sidecars.len(), 1);
    }

    #[test]
    fn status_is_stored_in_the_project_file() {
        let dir = corpus();
        let mut index = CorpusIndex::open(dir.path()).unwrap();
        let m = dir.path().join("m.txt");
        let said = index.set_status(&m, Some(Status::Done)).unwrap();
        assert!(said.is_some_and(|s| s.contains("created")));
        let row = index.row(&m).unwrap().clone();
        assert_eq!(index.status(&row), Some(Status::Done));
        let stored = Project::load(&dir.path().join(project::FILE_NAME)).unwrap();
        assert_eq!(stored.documents["m.txt"].status, Some(Status::Done));
        // A second index reads it back.
        let again = CorpusIndex::open(dir.path()).unwrap();
        assert_eq!(again.status(again.row(&m).unwrap()), Some(Status::Done));
    }

    #[test]
    fn stored_titles_win_over_detected_ones() {
        let dir = corpus();
        let mut p = Project::new();
        p.document_mut("m.txt").meta.title = Some("남일 회담".into());
        std::fs::write(dir.path().join(project::FILE_NAME), p.to_ron().unwrap()).unwrap();
        let index = CorpusIndex::open(dir.path()).unwrap();
        let row = index.row(&dir.path().join("m.txt")).unwrap();
        assert_eq!(index.title(row), "남일 회담");
    }

    /// The counts and facts of `m.txt` once `index` is complete.
    fn memo_row(index: &mut CorpusIndex, root: &Path) -> (DocCounts, DocFacts) {
        wait_for(index, CorpusIndex::is_complete);
        let row = index.row(&root.join("m.txt")).unwrap();
        (row.counts.clone().unwrap(), row.facts.clone().unwrap())
    }

    #[test]
    fn a_reopen_takes_counts_and_facts_from_the_cache_in_the_state_folder() {
        let dir = corpus();
        let state = tempfile::tempdir().unwrap();
        let mut first = CorpusIndex::open_with_state(dir.path(), Some(state.path())).unwrap();
        let cold = memo_row(&mut first, dir.path());
        drop(first);
        let file = |kind| cache::cache_file_in(state.path(), kind, dir.path());
        assert_eq!(Cache::<DocCounts>::open_file(file("counts")).len(), 3);
        assert_eq!(Cache::<DocFacts>::open_file(file("facts")).len(), 3);
        let mut again = CorpusIndex::open_with_state(dir.path(), Some(state.path())).unwrap();
        assert_eq!(memo_row(&mut again, dir.path()), cold);
    }

    #[test]
    fn a_sidecar_changed_behind_the_caches_back_is_counted_again_on_reopen() {
        let dir = corpus();
        let state = tempfile::tempdir().unwrap();
        let mut first = CorpusIndex::open_with_state(dir.path(), Some(state.path())).unwrap();
        let (counts, facts) = memo_row(&mut first, dir.path());
        assert_eq!(counts.of("lee").total(), 4);
        assert_eq!(facts.orphans, 2);
        drop(first);
        // Same size, modification time put back: only the content changed.
        let lee = dir.path().join("m.txt.lee.gloss.ron");
        let meta = std::fs::metadata(&lee).unwrap();
        let mtime = meta.modified().unwrap();
        std::fs::write(&lee, "(".repeat(meta.len() as usize)).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&lee)
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        let after = std::fs::metadata(&lee).unwrap();
        assert_eq!(
            (after.len(), after.modified().unwrap()),
            (meta.len(), mtime)
        );
        let mut again = CorpusIndex::open_with_state(dir.path(), Some(state.path())).unwrap();
        let (counts, facts) = memo_row(&mut again, dir.path());
        assert_eq!(counts.of("lee").total(), 0);
        assert_eq!(counts.of("kim").total(), 4);
        assert_eq!(counts.errors.len(), 1, "{:?}", counts.errors);
        assert_eq!(facts.orphans, 1, "only kim's sidecar places annotations");
    }

    /// A corpus whose files and folders have settled (older than the racy
    /// window when first listed and counted, so its snapshot keeps every
    /// document's values), opened once with a new state folder until
    /// complete; its rows then.
    fn settled_and_counted() -> (tempfile::TempDir, tempfile::TempDir, Vec<Row>) {
        let dir = corpus();
        std::thread::sleep(Duration::from_secs(cache::RACY_SECONDS) + Duration::from_millis(300));
        let state = tempfile::tempdir().unwrap();
        let mut first = CorpusIndex::open_with_state(dir.path(), Some(state.path())).unwrap();
        wait_for(&mut first, CorpusIndex::is_complete);
        let rows = first.rows().to_vec();
        drop(first);
        (dir, state, rows)
    }

    #[test]
    fn an_unchanged_corpus_reopens_complete_from_its_snapshot_and_a_changed_file_is_read() {
        let (dir, state, before) = settled_and_counted();
        assert!(cache::cache_file_in(state.path(), "snapshot", dir.path()).is_file());
        // Complete before any poll: no thread was waited for.
        let again = CorpusIndex::open_with_state(dir.path(), Some(state.path())).unwrap();
        assert!(again.is_complete());
        assert_eq!(again.rows(), before.as_slice());
        drop(again);
        // A sidecar rewritten in place (its folder unchanged): that document
        // alone is read again, the others come from the snapshot.
        let lee = dir.path().join("m.txt.lee.gloss.ron");
        std::fs::write(&lee, "(").unwrap();
        let mut third = CorpusIndex::open_with_state(dir.path(), Some(state.path())).unwrap();
        assert!(!third.is_complete());
        let memo = third.row(&dir.path().join("m.txt")).unwrap();
        assert_eq!(memo.counts, None);
        let other = before.iter().find(|r| r.path != memo.path).unwrap();
        assert_eq!(third.row(&other.path), Some(other));
        wait_for(&mut third, CorpusIndex::is_complete);
        let counts = third
            .row(&dir.path().join("m.txt"))
            .unwrap()
            .counts
            .clone()
            .unwrap();
        assert_eq!(counts.of("lee").total(), 0);
        assert_eq!(counts.errors.len(), 1, "{:?}", counts.errors);
        assert_eq!(counts.of("kim").total(), 4);
    }

    #[test]
    fn a_corpus_reopened_complete_from_its_snapshot_still_shows_new_files() {
        let (dir, state, _) = settled_and_counted();
        let snapshot = cache::cache_file_in(state.path(), "snapshot", dir.path());
        let written = std::fs::metadata(&snapshot).unwrap().modified().unwrap();
        let mut again = CorpusIndex::open_with_state(dir.path(), Some(state.path())).unwrap();
        assert!(again.is_complete());
        // Watched as after any open: a new document shows, counted.
        let late = dir.path().join("box/late.txt");
        std::fs::write(&late, "A late memo.\n").unwrap();
        wait_for(&mut again, |i| {
            i.row(&late).is_some_and(|r| r.facts.is_some())
        });
        assert_eq!(
            again.row(&late).unwrap().facts.as_ref().unwrap().paragraphs,
            1
        );
        drop(again);
        // ... and the snapshot is written again with it (by the thread,
        // which goes on after the index is dropped).
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::fs::metadata(&snapshot).unwrap().modified().unwrap() == written {
            assert!(
                Instant::now() < deadline,
                "the snapshot was not written again"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    #[test]
    fn a_deleted_cache_folder_is_simply_rebuilt() {
        let dir = corpus();
        let state = tempfile::tempdir().unwrap();
        let mut first = CorpusIndex::open_with_state(dir.path(), Some(state.path())).unwrap();
        let cold = memo_row(&mut first, dir.path());
        drop(first);
        let counts_file = cache::cache_file_in(state.path(), "counts", dir.path());
        let folder = counts_file.parent().unwrap();
        std::fs::remove_dir_all(folder).unwrap();
        let mut again = CorpusIndex::open_with_state(dir.path(), Some(state.path())).unwrap();
        assert_eq!(memo_row(&mut again, dir.path()), cold);
        assert_eq!(Cache::<DocCounts>::open_file(counts_file).len(), 3);
    }

    #[test]
    fn the_first_screen_lists_by_name_without_stamping_any_file() {
        let dir = corpus();
        let named: Vec<(PathBuf, Vec<PathBuf>)> = list_names(dir.path())
            .into_iter()
            .map(|l| {
                assert_eq!(l.stamp, UNSTAMPED);
                assert!(l.sidecars.iter().all(|s| s.2 == UNSTAMPED));
                (l.document, l.sidecars.into_iter().map(|s| s.1).collect())
            })
            .collect();
        let stamped: Vec<(PathBuf, Vec<PathBuf>)> = walk(dir.path())
            .into_iter()
            .map(|l| (l.document, l.sidecars.into_iter().map(|s| s.1).collect()))
            .collect();
        assert_eq!(named, stamped);
    }

    /// More documents than one round of the parallel first pass, each with
    /// its own counts: every row gets exactly what one document read alone
    /// gives (kinds per annotator, conflicts, orphans, dates).
    #[test]
    fn the_parallel_first_pass_counts_every_document_as_read_alone() {
        let dir = corpus();
        let m = dir.path().join("m.txt");
        for i in 0..(ROUND + 40) {
            let doc = dir.path().join(format!("many/d{i:04}.txt"));
            std::fs::create_dir_all(doc.parent().unwrap()).unwrap();
            std::fs::write(&doc, MEMO).unwrap();
            let side = sidecar::sidecar_path(&doc, "kim");
            std::fs::write(&side, sidecar_text(&m, "kim", i % 5)).unwrap();
            if i % 3 == 0 {
                let side = sidecar::sidecar_path(&doc, "lee");
                std::fs::write(&side, sidecar_text(&m, "lee", i % 7)).unwrap();
            }
        }
        let state = tempfile::tempdir().unwrap();
        let mut index = CorpusIndex::open_with_state(dir.path(), Some(state.path())).unwrap();
        wait_for(&mut index, CorpusIndex::is_complete);
        assert_eq!(index.rows().len(), ROUND + 43);
        for row in index.rows() {
            assert_eq!(
                row.counts.as_ref(),
                Some(&count_sidecars(&row.sidecars)),
                "{}",
                row.relative
            );
            assert_eq!(
                row.facts.as_ref(),
                Some(&document_facts(&row.path, &row.sidecars)),
                "{}",
                row.relative
            );
        }
        let d7 = index.row(&dir.path().join("many/d0007.txt")).unwrap();
        let counts = d7.counts.as_ref().unwrap();
        assert_eq!(counts.of("kim").claims, 2 + 2);
        assert_eq!(counts.of("lee").claims, 0);
        assert_eq!(counts.conflicts, 1);
        assert_eq!(d7.facts.as_ref().unwrap().orphans, 1);
        // The same from the caches on a reopen.
        let before: Vec<Row> = index.rows().to_vec();
        drop(index);
        let mut again = CorpusIndex::open_with_state(dir.path(), Some(state.path())).unwrap();
        wait_for(&mut again, CorpusIndex::is_complete);
        assert_eq!(again.rows(), before.as_slice());
    }

    #[test]
    fn a_document_added_between_the_listing_and_the_stamping_walk_shows() {
        // Folders changed just before the listing (racy: walked again) and
        // long before it (their stamps tell).
        for settled in [false, true] {
            let dir = corpus();
            let (mut index, mut watcher) =
                CorpusIndex::start(dir.path(), ProjectFound::above(dir.path())).unwrap();
            if settled {
                watcher.listed_at = SystemTime::now() + HOUR;
            }
            std::fs::write(dir.path().join("late.txt"), "Late memo.\n").unwrap();
            std::fs::remove_file(dir.path().join("box/bare.txt")).unwrap();
            index.worker = Some(std::thread::spawn(move || watcher.run()));
            wait_for(&mut index, CorpusIndex::is_complete);
            assert!(index.row(&dir.path().join("late.txt")).is_some());
            assert!(index.row(&dir.path().join("box/bare.txt")).is_none());
            assert!(
                index
                    .rows()
                    .iter()
                    .all(|r| r.counts.is_some() && r.facts.is_some())
            );
        }
    }

    /// As if the listing were taken an hour after the folders last changed
    /// (a test's folders are new: racy, always read again).
    const HOUR: Duration = Duration::from_secs(3600);

    #[test]
    fn settled_folders_are_stamped_without_being_read_again() {
        let dir = corpus();
        let (_index, mut watcher) =
            CorpusIndex::start(dir.path(), ProjectFound::above(dir.path())).unwrap();
        watcher.listed_at = SystemTime::now() + HOUR;
        // A sidecar rewritten in place after the listing: its folder's
        // stamp stays, its own changes.
        let kim = dir.path().join("m.txt.kim.gloss.ron");
        let before = Stamp::of(&kim).unwrap();
        std::thread::sleep(Duration::from_millis(20));
        std::fs::OpenOptions::new()
            .append(true)
            .open(&kim)
            .unwrap()
            .write_all(b"\n")
            .unwrap();
        assert!(watcher.stamp_listed().is_some());
        assert_eq!(watcher.known.len(), 3);
        for listing in watcher.known.values() {
            assert_eq!(Some(listing.stamp), Stamp::of(&listing.document));
            for (_, path, stamp) in &listing.sidecars {
                assert_eq!(Some(*stamp), Stamp::of(path));
            }
        }
        let m = &watcher.known[&dir.path().join("m.txt")];
        assert_ne!(m.sidecars[0].2, before);
    }

    /// The watch between frames: files stamped where they were listed
    /// while no folder changed; a folder that changed is walked again.
    #[test]
    fn a_rescan_of_settled_folders_finds_a_sidecar_rewritten_in_place_and_a_new_file() {
        let dir = corpus();
        let (mut index, mut watcher) =
            CorpusIndex::start(dir.path(), ProjectFound::above(dir.path())).unwrap();
        let listed_at = SystemTime::now() + HOUR;
        watcher.listed_at = listed_at;
        assert!(watcher.stamp_all().is_some());
        let memo = dir.path().join("m.txt");
        let counts = |index: &mut CorpusIndex| {
            index.poll();
            index.row(&memo).and_then(|r| r.counts.clone())
        };
        // Nothing changed: nothing is read or said.
        assert!(watcher.rescan());
        assert_eq!(counts(&mut index), None);
        // kim's sidecar rewritten in place (its folder's stamp stays).
        std::thread::sleep(Duration::from_millis(20));
        let kim = dir.path().join("m.txt.kim.gloss.ron");
        let more = sidecar_text(&memo, "kim", 3);
        let mut file = std::fs::OpenOptions::new().write(true).open(&kim).unwrap();
        file.write_all(more.as_bytes()).unwrap();
        file.set_len(more.len() as u64).unwrap();
        drop(file);
        assert!(watcher.rescan());
        assert_eq!(counts(&mut index).unwrap().of("kim").total(), 7);
        assert_eq!(watcher.listed_at, listed_at, "not walked again");
        // A new document: its folder changed, the tree is walked again.
        std::fs::write(dir.path().join("box/new.txt"), "New memo.\n").unwrap();
        assert!(watcher.rescan());
        index.poll();
        assert!(index.row(&dir.path().join("box/new.txt")).is_some());
        assert!(watcher.listed_at < listed_at, "walked again");
    }

    #[test]
    fn a_folder_changed_since_its_listing_or_too_recent_to_tell_is_walked_again() {
        let changes: [fn(&Path); 3] = [
            |_| {},
            |root| std::fs::write(root.join("box/new.txt"), "New memo.\n").unwrap(),
            |root| std::fs::remove_file(root.join("m.txt.lee.gloss.ron")).unwrap(),
        ];
        for (i, change) in changes.into_iter().enumerate() {
            let dir = corpus();
            let (_index, mut watcher) =
                CorpusIndex::start(dir.path(), ProjectFound::above(dir.path())).unwrap();
            // The first case: folders changed just before the listing.
            if i > 0 {
                watcher.listed_at = SystemTime::now() + HOUR;
            }
            change(dir.path());
            assert!(watcher.stamp_listed().is_none(), "case {i}");
            assert!(watcher.known.values().all(|l| l.stamp == UNSTAMPED));
        }
    }

    #[test]
    fn a_file_stamped_through_its_folder_has_the_stamp_of_its_path() {
        let dir = corpus();
        let folder = FolderFiles::open(dir.path()).unwrap();
        let memo = dir.path().join("m.txt");
        assert_eq!(folder.stamp(&memo), Stamp::of(&memo));
        assert!(folder.stamp(&dir.path().join("box")).is_none());
        assert!(folder.stamp(&dir.path().join("gone.txt")).is_none());
    }

    #[test]
    fn a_folder_is_required() {
        let dir = corpus();
        assert!(matches!(
            CorpusIndex::open(&dir.path().join("m.txt")),
            Err(IndexError::NotAFolder(_))
        ));
        assert!(matches!(
            CorpusIndex::open(&dir.path().join("nope")),
            Err(IndexError::Missing(_))
        ));
    }
}
