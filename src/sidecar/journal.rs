//! The crash journal: changes made in the TUI that may not be in the sidecar yet.
//!
//! Every change is appended to the journal and fsynced *before* its save is
//! queued, so a kill -9, a power cut or a lost SSH connection between a key
//! press and the sidecar's rename loses nothing: reopening the document replays
//! the journal onto the sidecar and says how many changes were recovered. As
//! soon as a save containing every journalled change is on disk, the saver
//! thread removes the journal (or rewrites it with what is still pending).
//!
//! **Where.** The journal is kept in the first of these places that can be
//! written (see [`Places`]): beside the sidecar as `.<sidecar name without
//! .ron>.journal`; in the state folder (`GLOSS_STATE_DIR`, or the platform's,
//! e.g. `~/.local/state/glossator`) under `journals/`; in
//! `$XDG_RUNTIME_DIR/glossator/journals/`; in `$TMPDIR` (or `/tmp`) under
//! `glossator-<uid>/journals/`; in `/dev/shm/glossator-<uid>/journals/`.
//! Outside the sidecar's folder the file is named after a hash of the
//! sidecar's absolute path. Reopening looks in every place. When no place can
//! be written the changes are only in the session, and [`Journal::state`] says so.
//!
//! **What.** JSON Lines: a header naming the sidecar and the SHA-256 of the
//! sidecar file the changes apply to, then one entry per change. An entry sets
//! an annotation's whole state by id and records the version it was made
//! over, so replay is a three-way merge ([`super::merge::merge`]) of the
//! sidecar on disk with the journal: a change made on disk after the journal
//! (a `git pull`) is never overwritten; where both changed one annotation both
//! versions are kept. A torn last line (a crash mid-append) is ignored.

use std::collections::BTreeMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::Sidecar;
use crate::annotation::Annotation;

/// Environment variable naming another state folder for journals (tests use it).
pub const STATE_DIR_ENV: &str = "GLOSS_STATE_DIR";

/// One change, as the state it leaves behind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum JournalEdit {
    /// The annotation now reads exactly so (added or changed).
    Put(Box<Annotation>),
    /// The annotation with this id was deleted.
    Remove { id: String },
}

impl JournalEdit {
    pub fn id(&self) -> &str {
        match self {
            JournalEdit::Put(a) => &a.id,
            JournalEdit::Remove { id } => id,
        }
    }

    /// The annotation's state after the edit (`None`: deleted).
    fn after(&self) -> Option<&Annotation> {
        match self {
            JournalEdit::Put(a) => Some(a),
            JournalEdit::Remove { .. } => None,
        }
    }
}

/// A change as the session made it: the edit and the version of the
/// annotation it was made over (`None`: the annotation did not exist).
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub edit: JournalEdit,
    pub before: Option<Box<Annotation>>,
}

/// The version an entry was made over, as recorded.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
enum Before {
    /// Not recorded (journals written before it was): the sidecar's version.
    #[default]
    Unknown,
    /// The annotation did not exist.
    Absent,
    Was(Box<Annotation>),
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    glossator_journal: u32,
    sidecar: String,
    /// SHA-256 (hex) of the sidecar file the entries apply to; "" when there
    /// was no file; absent in journals written before it was recorded.
    #[serde(default)]
    base_sha256: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    seq: u64,
    edit: JournalEdit,
    #[serde(default)]
    before: Before,
}

/// What reopening found in the journal(s).
#[derive(Debug, Default)]
pub struct Recovered {
    /// Annotations the journal added, changed or removed relative to the
    /// sidecar on disk (a conflict counts here too).
    pub changes: usize,
    /// Annotations changed both in the journal and on disk since: both
    /// versions were kept (the journal's under `id~N`).
    pub conflicts: usize,
    /// The sidecar on disk is not the one the journal was written against
    /// (changed since: the journal was merged into it).
    pub sidecar_changed: bool,
    /// The journal file(s) read.
    pub paths: Vec<PathBuf>,
    /// Lines that could not be read (a torn last line after a crash).
    pub skipped_lines: usize,
}

/// Where the changes not yet in the sidecar are, for the status line.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum JournalState {
    /// Nothing is pending (or there is no journal: read-only sessions).
    #[default]
    Clear,
    /// In the journal at this path.
    At(PathBuf),
    /// No place could be written: the changes are only in this session.
    OnlyInSession {
        changes: usize,
        /// Why the last place tried could not be written.
        error: String,
    },
}

/// The folders a journal may be kept in after the sidecar's own, in order.
/// `None` skips a place.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Places {
    /// The state folder (`GLOSS_STATE_DIR` or the platform's).
    pub state: Option<PathBuf>,
    /// `$XDG_RUNTIME_DIR` (private to the user, in memory on most systems).
    pub runtime: Option<PathBuf>,
    /// `$TMPDIR`, else `/tmp`.
    pub temp: Option<PathBuf>,
    /// `/dev/shm` (memory: survives a crash, not a reboot).
    pub shm: Option<PathBuf>,
}

impl Places {
    /// The places this process's environment names.
    pub fn from_env() -> Places {
        let var = |name: &str| {
            std::env::var_os(name)
                .filter(|d| !d.is_empty())
                .map(PathBuf::from)
                .filter(|d| d.is_absolute())
        };
        let state = var(STATE_DIR_ENV).or_else(crate::archive::state::platform_state_dir);
        Places {
            state,
            runtime: var("XDG_RUNTIME_DIR"),
            temp: Some(std::env::temp_dir()).filter(|d| d.is_absolute()),
            shm: Some(PathBuf::from("/dev/shm")).filter(|_| cfg!(target_os = "linux")),
        }
    }

    /// Every place for `sidecar`'s journal, in the order tried (no repeats).
    pub fn candidates(&self, sidecar: &Path) -> Vec<Place> {
        let file = hashed_name(sidecar);
        let mut out = vec![Place {
            path: beside(sidecar),
            private: None,
        }];
        if let Some(state) = &self.state {
            out.push(Place {
                path: state.join("journals").join(&file),
                private: None,
            });
        }
        if let Some(runtime) = &self.runtime {
            out.push(Place {
                path: runtime.join("glossator").join("journals").join(&file),
                private: None,
            });
        }
        // Folders shared by every user: ours is private and checked.
        for shared in [&self.temp, &self.shm].into_iter().flatten() {
            let own = shared.join(user_folder_name());
            out.push(Place {
                path: own.join("journals").join(&file),
                private: Some(own),
            });
        }
        let mut seen = std::collections::BTreeSet::new();
        out.retain(|p| seen.insert(p.path.clone()));
        out
    }
}

/// One place a journal may be kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub path: PathBuf,
    /// A folder in a folder every user can write (`/tmp`): it must be ours
    /// and private before anything is written under it.
    private: Option<PathBuf>,
}

#[cfg(unix)]
fn user_folder_name() -> String {
    format!("glossator-{}", rustix::process::getuid().as_raw())
}

#[cfg(not(unix))]
fn user_folder_name() -> String {
    "glossator".to_string()
}

/// Make sure `folder` (in a world-writable folder) is a private folder of
/// ours: created 0700, or found as a real folder owned by us that nobody else
/// can enter. Anything else (a symlink planted by another user) is refused.
fn ensure_private(folder: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, MetadataExt};
        match std::fs::DirBuilder::new().mode(0o700).create(folder) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        let meta = std::fs::symlink_metadata(folder)?;
        let ours = meta.uid() == rustix::process::getuid().as_raw();
        if !meta.is_dir() || !ours || meta.mode() & 0o077 != 0 {
            return Err(std::io::Error::other(format!(
                "{} is not a private folder of this user",
                folder.display()
            )));
        }
        Ok(())
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(folder)
    }
}

/// `.<sidecar name without .ron>.journal` beside the sidecar.
pub fn beside(sidecar: &Path) -> PathBuf {
    super::name_beside(sidecar, ".", ".ron", ".journal")
}

/// `<hash of the absolute sidecar path>-<sidecar name>.journal`, the name in
/// folders shared by many sidecars.
fn hashed_name(sidecar: &Path) -> String {
    let absolute = std::path::absolute(sidecar).unwrap_or_else(|_| sidecar.to_path_buf());
    // The bytes of the path: two names differing in non-UTF-8 bytes differ here.
    let digest = Sha256::digest(absolute.as_os_str().as_encoded_bytes());
    let name = sidecar
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{}-{name}.journal", &crate::document::hex(&digest)[..16])
}

/// The journal's place in the state folder.
pub fn in_state_dir(sidecar: &Path) -> Option<PathBuf> {
    let state = Places::from_env().state?;
    Some(state.join("journals").join(hashed_name(sidecar)))
}

/// The journal of one sidecar. Clones share it: the event loop records
/// changes, the saver thread forgets them once they are on disk.
#[derive(Debug, Clone)]
pub struct Journal {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug)]
struct Inner {
    sidecar: PathBuf,
    places: Places,
    /// Where entries are being appended, once the first one is written.
    path: Option<PathBuf>,
    /// Entries not yet known to be in the sidecar on disk.
    pending: Vec<Entry>,
    next_seq: u64,
    /// SHA-256 (hex) of the sidecar file the entries apply to ("" = no file).
    base: String,
    /// Why nothing could be written, while that lasts.
    unwritable: Option<String>,
    /// Journal files found on reopening, removed once their content is safe.
    found: Vec<PathBuf>,
}

impl Journal {
    /// A journal for `sidecar` with nothing pending, in the places the
    /// environment names.
    pub fn new(sidecar: &Path) -> Journal {
        Journal::with_places(sidecar, Places::from_env())
    }

    /// A journal for `sidecar` kept in `places`.
    pub fn with_places(sidecar: &Path, places: Places) -> Journal {
        Journal {
            inner: Arc::new(Mutex::new(Inner {
                sidecar: sidecar.to_path_buf(),
                places,
                path: None,
                pending: Vec::new(),
                next_seq: 1,
                base: String::new(),
                unwritable: None,
                found: Vec::new(),
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A thread that panicked while holding it left consistent data (every
        // change is pushed before it is written).
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Open the journal of `sidecar` (in the places the environment names)
    /// and merge what it holds into `into`, the sidecar as loaded from disk
    /// (`disk_sha256`: its file's hash; `None` when there is no file).
    pub fn recover(
        sidecar: &Path,
        into: &mut Sidecar,
        disk_sha256: Option<[u8; 32]>,
    ) -> (Journal, Recovered) {
        Journal::recover_in(sidecar, Places::from_env(), into, disk_sha256)
    }

    /// [`Journal::recover`] with the places given. The merged changes become
    /// this journal's pending entries, made over the sidecar on disk; nothing
    /// is written until [`Journal::settle`].
    pub fn recover_in(
        sidecar: &Path,
        places: Places,
        into: &mut Sidecar,
        disk_sha256: Option<[u8; 32]>,
    ) -> (Journal, Recovered) {
        let journal = Journal::with_places(sidecar, places);
        let mut recovered = Recovered::default();
        let base = disk_sha256
            .map(|d| crate::document::hex(&d))
            .unwrap_or_default();
        let files: Vec<PathBuf> = journal
            .lock()
            .places
            .candidates(sidecar)
            .into_iter()
            .map(|p| p.path)
            .filter(|p| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file()))
            .collect();
        journal.lock().base = base.clone();
        if files.is_empty() {
            // The usual case: nothing to merge (and no copy of a large sidecar).
            return (journal, recovered);
        }
        let disk = into.clone();
        {
            let mut inner = journal.lock();
            for path in files {
                let Ok(file) = File::open(&path) else {
                    continue;
                };
                let (header, entries, skipped) = read_entries(file);
                recovered.skipped_lines += skipped;
                recovered.paths.push(path.clone());
                inner.found.push(path);
                if header
                    .as_ref()
                    .and_then(|h| h.base_sha256.as_deref())
                    .is_some_and(|h| h != base)
                {
                    recovered.sidecar_changed = true;
                }
                if let Some(last) = entries.iter().map(|e| e.seq).max() {
                    inner.next_seq = inner.next_seq.max(last + 1);
                }
                let merged = replay(into, &entries);
                recovered.changes += merged.added + merged.changed + merged.removed;
                recovered.changes += merged.conflicts.len();
                recovered.conflicts += merged.conflicts.len();
                *into = merged.sidecar;
            }
            // From here on the journal holds what differs from the sidecar on
            // disk, made over the disk's versions.
            let seq = inner.next_seq;
            inner.pending = difference(&disk, into)
                .into_iter()
                .enumerate()
                .map(|(k, (edit, before))| Entry {
                    seq: seq + k as u64,
                    edit,
                    before,
                })
                .collect();
            inner.next_seq += inner.pending.len() as u64;
        }
        (journal, recovered)
    }

    /// After recovering: write what is pending as a fresh journal (made over
    /// the sidecar now on disk) and remove the journal files that were read.
    /// Nothing is removed unless its content is written again or was empty.
    pub fn settle(&self) -> std::io::Result<()> {
        let mut inner = self.lock();
        let found = std::mem::take(&mut inner.found);
        if !inner.pending.is_empty()
            && let Err(e) = inner.rewrite()
        {
            // The files read still replay to the same state: keep them.
            inner.found = found;
            return Err(e);
        }
        let kept = inner.path.clone();
        for old in found {
            if Some(&old) != kept.as_ref() {
                match std::fs::remove_file(&old) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(())
    }

    /// Where the journal is (or will first be tried), for messages.
    pub fn path(&self) -> PathBuf {
        let inner = self.lock();
        inner.path.clone().unwrap_or_else(|| beside(&inner.sidecar))
    }

    /// Where the pending changes are.
    pub fn state(&self) -> JournalState {
        let inner = self.lock();
        if inner.pending.is_empty() {
            JournalState::Clear
        } else if let Some(error) = &inner.unwritable {
            JournalState::OnlyInSession {
                changes: count_annotations(&inner.pending),
                error: error.clone(),
            }
        } else if let Some(path) = &inner.path {
            JournalState::At(path.clone())
        } else {
            // Recovered, not yet written again: the files read still hold it.
            match inner.found.first() {
                Some(p) => JournalState::At(p.clone()),
                None => JournalState::OnlyInSession {
                    changes: count_annotations(&inner.pending),
                    error: "not written yet".into(),
                },
            }
        }
    }

    /// Sequence number of the newest change recorded (0 when none).
    pub fn last_seq(&self) -> u64 {
        self.lock().next_seq - 1
    }

    /// Changes not yet known to be saved.
    pub fn pending(&self) -> usize {
        self.lock().pending.len()
    }

    /// Append `changes` durably (written and fsynced before returning),
    /// moving to the next place when the current one cannot be written. When
    /// no place can be, the changes are still kept (in memory, written with
    /// the next change that finds a place) and the error is returned.
    pub fn record(&self, changes: Vec<Change>) -> std::io::Result<u64> {
        let mut inner = self.lock();
        if changes.is_empty() {
            return Ok(inner.next_seq - 1);
        }
        let first = inner.next_seq;
        let entries: Vec<Entry> = changes
            .into_iter()
            .enumerate()
            .map(|(k, c)| Entry {
                seq: first + k as u64,
                edit: c.edit,
                before: match c.before {
                    Some(a) => Before::Was(a),
                    None => Before::Absent,
                },
            })
            .collect();
        let text = lines(&entries)?;
        inner.next_seq += entries.len() as u64;
        inner.pending.extend(entries);
        let appended = match (&inner.path, &inner.unwritable) {
            (Some(path), None) => append_to(path, text.as_bytes()),
            _ => Err(std::io::Error::other("no journal yet")),
        };
        if appended.is_err() {
            inner.rewrite()?;
        }
        Ok(inner.next_seq - 1)
    }

    /// Try again to write what only the session holds (after a failure: the
    /// disk may have room again).
    pub fn retry(&self) -> std::io::Result<()> {
        let mut inner = self.lock();
        if inner.unwritable.is_some() && !inner.pending.is_empty() {
            inner.rewrite()?;
        }
        Ok(())
    }

    /// A save containing every change up to `seq` is on disk, and the file
    /// now hashes to `disk_sha256`: forget those changes, and remove the
    /// journal when nothing is left (else write the rest against the new file).
    pub fn saved(&self, seq: u64, disk_sha256: Option<[u8; 32]>) -> std::io::Result<()> {
        let mut inner = self.lock();
        inner.pending.retain(|e| e.seq > seq);
        inner.base = disk_sha256
            .map(|d| crate::document::hex(&d))
            .unwrap_or_default();
        if inner.pending.is_empty() {
            inner.unwritable = None;
            // Journals read on reopening that could not be rewritten hold
            // nothing the sidecar lacks now.
            for old in std::mem::take(&mut inner.found) {
                let _ = std::fs::remove_file(old);
            }
            let Some(path) = inner.path.take() else {
                return Ok(());
            };
            return match std::fs::remove_file(&path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => {
                    inner.path = Some(path);
                    Err(e)
                }
            };
        }
        if inner.path.is_none() && inner.unwritable.is_none() {
            return Ok(());
        }
        inner.rewrite()
    }
}

impl Inner {
    /// The whole journal (header and pending entries).
    fn text(&self) -> std::io::Result<String> {
        let header = Header {
            glossator_journal: 2,
            sidecar: self.sidecar.display().to_string(),
            base_sha256: Some(self.base.clone()),
        };
        let mut text = serde_json::to_string(&header).map_err(std::io::Error::other)?;
        text.push('\n');
        text.push_str(&lines(&self.pending)?);
        Ok(text)
    }

    /// Write the whole journal to the first place that takes it (the current
    /// one first), then remove the file it replaces. Records the outcome.
    fn rewrite(&mut self) -> std::io::Result<()> {
        let text = self.text()?;
        let mut places = self.places.candidates(&self.sidecar);
        if let Some(current) = &self.path
            && let Some(i) = places.iter().position(|p| &p.path == current)
        {
            let place = places.remove(i);
            places.insert(0, place);
        }
        let mut last_error = None;
        for place in places {
            match write_at(&place, text.as_bytes()) {
                Ok(()) => {
                    // The new file holds everything pending, which includes
                    // what the files it replaces held.
                    let found = std::mem::take(&mut self.found);
                    for old in self.path.take().into_iter().chain(found) {
                        if old != place.path {
                            let _ = std::fs::remove_file(old);
                        }
                    }
                    self.path = Some(place.path);
                    self.unwritable = None;
                    return Ok(());
                }
                Err(e) => {
                    last_error = Some(std::io::Error::new(
                        e.kind(),
                        format!("{}: {e}", place.path.display()),
                    ))
                }
            }
        }
        let error =
            last_error.unwrap_or_else(|| std::io::Error::other("no place to write the journal"));
        self.unwritable = Some(error.to_string());
        Err(error)
    }
}

/// Write a whole journal at `place`: its folder made (a private one checked),
/// never over anything but a regular file.
fn write_at(place: &Place, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(own) = &place.private {
        ensure_private(own)?;
    }
    if let Some(dir) = place.path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    super::store::write_atomic(&place.path, bytes)
}

/// Append `bytes` to the journal file at `path` and fsync.
fn append_to(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = OpenOptions::new().append(true).open(path)?;
    let length = file.metadata()?.len();
    if let Err(e) = file.write_all(bytes).and_then(|()| file.sync_data()) {
        // A partial line (disk full mid-write) would hide what follows it.
        let _ = file.set_len(length);
        return Err(e);
    }
    Ok(())
}

fn lines(entries: &[Entry]) -> std::io::Result<String> {
    let mut text = String::new();
    for entry in entries {
        text.push_str(&serde_json::to_string(entry).map_err(std::io::Error::other)?);
        text.push('\n');
    }
    Ok(text)
}

/// How many annotations `entries` touch.
fn count_annotations(entries: &[Entry]) -> usize {
    entries
        .iter()
        .map(|e| e.edit.id())
        .collect::<std::collections::BTreeSet<_>>()
        .len()
}

/// The header (if the first line is one), the entries, and how many lines
/// could not be read.
fn read_entries(file: File) -> (Option<Header>, Vec<Entry>, usize) {
    let mut header = None;
    let mut entries = Vec::new();
    let mut skipped = 0;
    for (n, line) in BufReader::new(file).lines().enumerate() {
        let Ok(line) = line else {
            skipped += 1;
            break;
        };
        if n == 0
            && let Ok(h) = serde_json::from_str::<Header>(&line)
        {
            header = Some(h);
            continue;
        }
        match serde_json::from_str::<Entry>(&line) {
            Ok(entry) => entries.push(entry),
            Err(_) => skipped += 1,
        }
    }
    (header, entries, skipped)
}

/// Merge the changes `entries` describe into `disk`, three-way: the base is
/// `disk` with each touched annotation as the journal's first change to it
/// found it; the journal's side has each as its last change left it. The
/// disk's version keeps its id where both changed (the journal's is kept as
/// `id~N`).
fn replay(disk: &Sidecar, entries: &[Entry]) -> super::merge::Merged {
    let mut first: BTreeMap<&str, &Before> = BTreeMap::new();
    let mut last: BTreeMap<&str, Option<&Annotation>> = BTreeMap::new();
    for entry in entries {
        let id = entry.edit.id();
        first.entry(id).or_insert(&entry.before);
        last.insert(id, entry.edit.after());
    }
    let mut base = disk.clone();
    for (id, before) in &first {
        match before {
            Before::Unknown => {}
            Before::Absent => base.annotations.retain(|a| a.id != *id),
            Before::Was(a) => set(&mut base, id, Some(a)),
        }
    }
    let mut journal = base.clone();
    for (id, after) in &last {
        set(&mut journal, id, *after);
    }
    super::merge::merge(&base, disk, &journal)
}

/// Make annotation `id` of `sidecar` read `to` (`None`: absent).
fn set(sidecar: &mut Sidecar, id: &str, to: Option<&Annotation>) {
    let anns = &mut sidecar.annotations;
    match (anns.iter().position(|a| a.id == id), to) {
        (Some(i), Some(a)) => anns[i] = a.clone(),
        (Some(i), None) => {
            anns.remove(i);
        }
        (None, Some(a)) => anns.push(a.clone()),
        (None, None) => {}
    }
}

/// The edits that turn `from` into `to`, each with the version it is made over.
fn difference(from: &Sidecar, to: &Sidecar) -> Vec<(JournalEdit, Before)> {
    let old: BTreeMap<&str, &Annotation> = from
        .annotations
        .iter()
        .map(|a| (a.id.as_str(), a))
        .collect();
    let new: BTreeMap<&str, &Annotation> =
        to.annotations.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut out = Vec::new();
    for (id, a) in &new {
        match old.get(id) {
            Some(o) if o == a => {}
            Some(o) => out.push((
                JournalEdit::Put(Box::new((*a).clone())),
                Before::Was(Box::new((*o).clone())),
            )),
            None => out.push((JournalEdit::Put(Box::new((*a).clone())), Before::Absent)),
        }
    }
    for (id, o) in &old {
        if !new.contains_key(id) {
            out.push((
                JournalEdit::Remove { id: id.to_string() },
                Before::Was(Box::new((*o).clone())),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::Tag;
    use crate::document::Document;
    use crate::document::anchor::Anchor;

    fn doc() -> Document {
        Document::from_text(Path::new("m.txt"), "one\n\ntwo\n")
    }

    fn claim(by: &str) -> Annotation {
        Annotation::new(Tag::Claim { by: by.into() }, Anchor::whole(&doc(), 0))
    }

    fn put(a: &Annotation, before: Option<&Annotation>) -> Change {
        Change {
            edit: JournalEdit::Put(Box::new(a.clone())),
            before: before.map(|b| Box::new(b.clone())),
        }
    }

    fn remove(a: &Annotation) -> Change {
        Change {
            edit: JournalEdit::Remove { id: a.id.clone() },
            before: Some(Box::new(a.clone())),
        }
    }

    /// Places inside `dir` only (nothing in the real /tmp or /dev/shm, whose
    /// stand-ins exist, as those do).
    fn places_in(dir: &Path) -> Places {
        for shared in ["temp", "shm"] {
            let _ = std::fs::create_dir(dir.join(shared));
        }
        Places {
            state: Some(dir.join("state")),
            runtime: Some(dir.join("runtime")),
            temp: Some(dir.join("temp")),
            shm: Some(dir.join("shm")),
        }
    }

    /// A regular file where a folder is wanted: nothing can be made under it
    /// (as a full disk or a gone mount would refuse, for root too).
    fn block(path: &Path) {
        let _ = std::fs::remove_dir_all(path);
        std::fs::write(path, b"not a folder").unwrap();
    }

    #[test]
    fn journal_name_is_beside_the_sidecar() {
        assert_eq!(
            beside(Path::new("/a b/memo.txt.kim.gloss.ron")),
            PathBuf::from("/a b/.memo.txt.kim.gloss.journal")
        );
    }

    #[test]
    fn recorded_changes_are_recovered_until_saved() {
        let dir = tempfile::tempdir().unwrap();
        let sidecar = dir.path().join("m.txt.kim.gloss.ron");
        let (a, b) = (claim("A"), claim("B"));
        let j = Journal::with_places(&sidecar, places_in(dir.path()));
        j.record(vec![put(&a, None)]).unwrap();
        let seq = j.record(vec![put(&b, None), remove(&a)]).unwrap();
        assert_eq!(seq, 3);
        assert!(beside(&sidecar).exists());

        let mut loaded = Sidecar::new(&doc(), "kim");
        let (again, rec) = Journal::recover_in(&sidecar, places_in(dir.path()), &mut loaded, None);
        assert_eq!(rec.changes, 1, "a was added then removed: only b is new");
        assert_eq!(loaded.annotations, vec![b.clone()]);
        assert_eq!(again.pending(), 1, "pending: what differs from the disk");
        again.settle().unwrap();
        assert!(beside(&sidecar).exists());
        let last = again.last_seq();
        again.saved(last - 1, None).unwrap();
        assert!(beside(&sidecar).exists(), "the last entry is not saved yet");
        again.saved(last, None).unwrap();
        assert!(!beside(&sidecar).exists());
        assert_eq!(again.state(), JournalState::Clear);
    }

    #[test]
    fn a_torn_last_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let sidecar = dir.path().join("m.txt.kim.gloss.ron");
        let a = claim("A");
        let j = Journal::with_places(&sidecar, places_in(dir.path()));
        j.record(vec![put(&a, None)]).unwrap();
        let mut f = OpenOptions::new()
            .append(true)
            .open(beside(&sidecar))
            .unwrap();
        f.write_all(b"{\"seq\":2,\"edit\":{\"Put\":{\"id\":\"x")
            .unwrap();
        let mut loaded = Sidecar::new(&doc(), "kim");
        let (_, rec) = Journal::recover_in(&sidecar, places_in(dir.path()), &mut loaded, None);
        assert_eq!(rec.changes, 1);
        assert_eq!(rec.skipped_lines, 1);
        assert_eq!(loaded.annotations, vec![a]);
    }

    #[test]
    fn a_journal_of_the_first_format_is_still_replayed() {
        let dir = tempfile::tempdir().unwrap();
        let sidecar = dir.path().join("m.txt.kim.gloss.ron");
        let a = claim("A");
        let old = format!(
            "{{\"glossator_journal\":1,\"sidecar\":\"x\"}}\n{{\"seq\":1,\"edit\":{{\"Put\":{}}}}}\n",
            serde_json::to_string(&a).unwrap()
        );
        std::fs::write(beside(&sidecar), old).unwrap();
        let mut loaded = Sidecar::new(&doc(), "kim");
        let (_, rec) = Journal::recover_in(&sidecar, places_in(dir.path()), &mut loaded, None);
        assert_eq!(rec.changes, 1);
        assert_eq!(loaded.annotations, vec![a]);
    }

    #[test]
    fn the_journal_falls_back_through_every_place_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("docs");
        std::fs::create_dir(&folder).unwrap();
        let sidecar = folder.join("m.txt.kim.gloss.ron");
        let places = places_in(dir.path());
        let candidates: Vec<PathBuf> = places
            .candidates(&sidecar)
            .into_iter()
            .map(|p| p.path)
            .collect();
        assert_eq!(candidates.len(), 5, "{candidates:?}");
        assert_eq!(candidates[0], beside(&sidecar));
        assert!(candidates[1].starts_with(dir.path().join("state/journals")));
        assert!(candidates[2].starts_with(dir.path().join("runtime/glossator/journals")));
        assert!(candidates[3].starts_with(dir.path().join("temp").join(user_folder_name())));
        assert!(candidates[4].starts_with(dir.path().join("shm").join(user_folder_name())));
        // Each place in turn cannot be written: the next one takes the journal.
        let a = claim("A");
        for (blocked, expected) in [
            (None, 0),
            (Some(folder.clone()), 1),
            (Some(dir.path().join("state")), 2),
            (Some(dir.path().join("runtime")), 3),
            (Some(dir.path().join("temp")), 4),
        ] {
            if let Some(b) = blocked {
                if b == folder {
                    // The sidecar's folder stays (it holds the sidecar); its
                    // journal's name is taken by a folder instead.
                    std::fs::create_dir(beside(&sidecar)).unwrap();
                } else {
                    block(&b);
                }
            }
            let j = Journal::with_places(&sidecar, places.clone());
            j.record(vec![put(&a, None)]).unwrap();
            assert_eq!(j.state(), JournalState::At(candidates[expected].clone()));
            // Found again on reopening, wherever it is.
            let mut loaded = Sidecar::new(&doc(), "kim");
            let (found, rec) = Journal::recover_in(&sidecar, places.clone(), &mut loaded, None);
            assert_eq!(rec.paths, vec![candidates[expected].clone()]);
            assert_eq!(loaded.annotations, vec![a.clone()]);
            found.settle().unwrap();
            found.saved(found.last_seq(), None).unwrap();
            assert!(!candidates[expected].exists());
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let own = dir.path().join("shm").join(user_folder_name());
            let mode = std::fs::metadata(own).unwrap().permissions().mode();
            assert_eq!(
                mode & 0o777,
                0o700,
                "the folder in a shared place is private"
            );
        }
    }

    #[test]
    fn a_journal_whose_place_stops_working_moves_with_every_pending_change() {
        let dir = tempfile::tempdir().unwrap();
        let sidecar = dir.path().join("m.txt.kim.gloss.ron");
        let places = places_in(dir.path());
        let j = Journal::with_places(&sidecar, places.clone());
        let (a, b) = (claim("A"), claim("B"));
        j.record(vec![put(&a, None)]).unwrap();
        assert_eq!(j.state(), JournalState::At(beside(&sidecar)));
        // The place fails mid-session (here its file is replaced by a folder;
        // a disk filling up fails the same way).
        std::fs::remove_file(beside(&sidecar)).unwrap();
        std::fs::create_dir(beside(&sidecar)).unwrap();
        j.record(vec![put(&b, None)]).unwrap();
        let JournalState::At(moved) = j.state() else {
            panic!("{:?}", j.state());
        };
        assert!(moved.starts_with(dir.path().join("state")), "{moved:?}");
        let mut loaded = Sidecar::new(&doc(), "kim");
        let (_, rec) = Journal::recover_in(&sidecar, places, &mut loaded, None);
        assert_eq!(rec.changes, 2, "both changes moved along");
    }

    #[test]
    fn when_no_place_can_be_written_the_changes_are_only_in_the_session() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("docs");
        std::fs::create_dir(&folder).unwrap();
        let sidecar = folder.join("m.txt.kim.gloss.ron");
        std::fs::create_dir(beside(&sidecar)).unwrap();
        for place in ["state", "runtime", "temp", "shm"] {
            block(&dir.path().join(place));
        }
        let j = Journal::with_places(&sidecar, places_in(dir.path()));
        let (a, b) = (claim("A"), claim("B"));
        assert!(j.record(vec![put(&a, None)]).is_err());
        assert!(j.record(vec![put(&b, None)]).is_err());
        assert!(
            matches!(j.state(), JournalState::OnlyInSession { changes: 2, .. }),
            "{:?}",
            j.state()
        );
        assert_eq!(j.last_seq(), 2, "the changes are still counted");
        // Room again: the next try writes everything the session kept.
        std::fs::remove_file(dir.path().join("temp")).unwrap();
        std::fs::create_dir(dir.path().join("temp")).unwrap();
        j.retry().unwrap();
        let JournalState::At(path) = j.state() else {
            panic!("{:?}", j.state());
        };
        let mut loaded = Sidecar::new(&doc(), "kim");
        let (_, rec) = Journal::recover_in(&sidecar, places_in(dir.path()), &mut loaded, None);
        assert_eq!(rec.paths, vec![path]);
        assert_eq!(loaded.annotations.len(), 2);
    }

    #[test]
    fn a_journal_path_that_is_a_folder_leaves_no_temporary_files() {
        let dir = tempfile::tempdir().unwrap();
        let sidecar = dir.path().join("m.txt.kim.gloss.ron");
        std::fs::create_dir(beside(&sidecar)).unwrap();
        let j = Journal::with_places(&sidecar, places_in(dir.path()));
        for by in ["A", "B", "C"] {
            j.record(vec![put(&claim(by), None)]).unwrap();
        }
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(
            names,
            vec![".m.txt.kim.gloss.journal", "shm", "state", "temp"]
        );
    }

    #[test]
    fn a_stale_journal_never_overwrites_a_newer_change_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let sidecar = dir.path().join("m.txt.kim.gloss.ron");
        let places = places_in(dir.path());
        let original = claim("Nam Il");
        let untouched = claim("Petrov");
        let mut ours = original.clone();
        ours.note = Some("our edit, saved, journal not yet cleared".into());
        let mut newer = ours.clone();
        newer.note = Some("a colleague's later edit (git pull)".into());
        // The session changed `original` and added a claim; both reached the
        // sidecar, but the journal was left behind (kill -9 right after the save).
        let added = claim("Kim");
        let j = Journal::with_places(&sidecar, places.clone());
        j.record(vec![put(&ours, Some(&original)), put(&added, None)])
            .unwrap();
        // Then the sidecar changed on disk: the edit was changed again, the
        // added claim deleted.
        let mut disk = Sidecar::new(&doc(), "kim");
        disk.annotations = vec![newer.clone(), untouched.clone()];
        disk.normalise();
        let mut loaded = disk.clone();
        let (recovered, rec) =
            Journal::recover_in(&sidecar, places.clone(), &mut loaded, Some([7; 32]));
        assert!(rec.sidecar_changed);
        let find = |id: &str| loaded.annotations.iter().find(|a| a.id == id).cloned();
        assert_eq!(find(&ours.id), Some(newer.clone()), "the newer edit stays");
        assert_eq!(find(&untouched.id), Some(untouched.clone()));
        // What both changed is kept twice (marked, as a concurrent merge does),
        // never written over the newer one.
        assert_eq!(rec.conflicts, 1);
        let copy = find(&format!("{}~1", ours.id)).expect("the journal's version kept");
        assert_eq!(copy.note, ours.note);
        assert!(crate::sidecar::merge::unsettled(&loaded).len() == 1);
        // A claim missing on disk may never have been saved or been deleted
        // since: the two cannot be told apart, so it is kept (nothing lost).
        assert_eq!(find(&added.id), Some(added.clone()));

        // A journal whose change the disk never saw is applied as before.
        let mut fresh = Sidecar::new(&doc(), "kim");
        fresh.annotations = vec![original.clone()];
        let (_, rec) = Journal::recover_in(&sidecar, places.clone(), &mut fresh, Some([7; 32]));
        assert_eq!(rec.conflicts, 0);
        assert_eq!(
            fresh.annotations.iter().find(|a| a.id == ours.id),
            Some(&ours)
        );
        // Recovering rewrote nothing yet; settling makes the journal one
        // against the disk of now, and a second crash recovers the same.
        recovered.settle().unwrap();
        let mut again = disk.clone();
        let (_, rec2) = Journal::recover_in(&sidecar, places, &mut again, Some([7; 32]));
        assert_eq!(again, loaded);
        assert_eq!(rec2.conflicts, 0, "the settled journal merges cleanly");
    }

    #[test]
    fn a_stale_journal_on_an_unchanged_sidecar_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let sidecar = dir.path().join("m.txt.kim.gloss.ron");
        let original = claim("Nam Il");
        let mut ours = original.clone();
        ours.note = Some("saved".into());
        let j = Journal::with_places(&sidecar, places_in(dir.path()));
        j.record(vec![put(&ours, Some(&original))]).unwrap();
        let mut disk = Sidecar::new(&doc(), "kim");
        disk.annotations = vec![ours.clone()];
        let before = disk.clone();
        let (found, rec) =
            Journal::recover_in(&sidecar, places_in(dir.path()), &mut disk, Some([1; 32]));
        assert_eq!(rec.changes, 0);
        assert_eq!(disk, before);
        assert_eq!(found.pending(), 0);
        found.settle().unwrap();
        assert!(!beside(&sidecar).exists(), "an empty journal is removed");
    }
}
