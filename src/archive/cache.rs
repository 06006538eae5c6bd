//! A cache of per-document results (tag counts, paragraph counts, orphans)
//! in the platform's state folder, so that reopening a corpus of thousands
//! of documents shows complete counts without reading every sidecar again.
//!
//! Each entry records, for every file the result was computed from (the
//! document, its sidecars), the file's size, modification time and (on
//! Unix) change time and inode, plus a caller-given digest of anything else
//! the result depends on (the relevant part of the project file). An entry
//! is used only when all of these are as recorded. Files modified within
//! [`RACY_SECONDS`] of being recorded are "racy" (as git calls them): a
//! later same-size rewrite within the timestamp's granularity would keep
//! the stamp, so their SHA-256 is recorded too and compared on reopen.
//!
//! The cache is a convenience, never a source of truth: a missing, broken,
//! truncated or older-format file is ignored and rebuilt silently, and the
//! folder is safe to delete at any time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A file modified this close to (or after) the moment it was recorded may
/// change again without its stamp changing; its content hash decides.
pub const RACY_SECONDS: u64 = 2;

/// The format of the cache file; a file of another format is ignored.
const FORMAT: u32 = 3;
/// First bytes of a cache file.
const MAGIC: &[u8; 8] = b"glosscch";
/// The folder below the state folder holding cache files.
const FOLDER: &str = "corpus-cache";

/// What a listing tells about a file without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStamp {
    pub len: u64,
    /// Modification time, nanoseconds since the epoch (0 when unknown).
    pub modified: i128,
    /// Change time (Unix: set by every write, chmod or rename and never by
    /// a program restoring the modification time), nanoseconds; 0 elsewhere.
    pub changed: i128,
    /// Inode (0 where there is none): a file replaced by another.
    pub inode: u64,
}

impl FileStamp {
    /// The stamp of `path` (following symlinks), `None` when it is gone.
    pub fn of(path: &Path) -> Option<FileStamp> {
        std::fs::metadata(path)
            .ok()
            .map(|m| FileStamp::from_meta(&m))
    }

    pub fn from_meta(meta: &std::fs::Metadata) -> FileStamp {
        let modified = meta.modified().map(nanos).unwrap_or(0);
        #[cfg(unix)]
        let (changed, inode) = {
            use std::os::unix::fs::MetadataExt;
            (epoch_nanos(meta.ctime(), meta.ctime_nsec()), meta.ino())
        };
        #[cfg(not(unix))]
        let (changed, inode) = (0, 0);
        FileStamp {
            len: meta.len(),
            modified,
            changed,
            inode,
        }
    }
}

/// Nanoseconds since the epoch of a time the system gives as seconds and
/// nanoseconds (`stat`'s fields).
pub(crate) fn epoch_nanos(sec: i64, nsec: i64) -> i128 {
    i128::from(sec) * 1_000_000_000 + i128::from(nsec)
}

/// Nanoseconds since the epoch of `t` (before it: negative).
pub(crate) fn nanos(t: SystemTime) -> i128 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_nanos() as i128,
        Err(e) => -(e.duration().as_nanos() as i128),
    }
}

fn now() -> i128 {
    nanos(SystemTime::now())
}

/// One input file as it was when a result was computed from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Input {
    /// A digest of the path's bytes ([`path_digest`]): an entry holds five
    /// or so inputs per document, and the paths themselves are known from
    /// the listing; the digest only tells the same file from another.
    path: u64,
    stamp: FileStamp,
    /// SHA-256 of the content, for a file racy when recorded (rare: boxed,
    /// so the other inputs do not carry its room).
    hash: Option<Box<[u8; 32]>>,
}

/// The digest of a path that [`Input`] keeps. A Rust build hashing
/// otherwise only makes stored entries miss (recomputed, never trusted).
fn path_digest(path: &Path) -> u64 {
    use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
    BuildHasherDefault::<DefaultHasher>::default().hash_one(path_slice(path).as_ref())
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    inputs: Vec<Input>,
    /// The caller's digest of what else the value depends on.
    context: [u8; 32],
    /// When the inputs were stamped, nanoseconds since the epoch.
    recorded: i128,
    /// The value, encoded (postcard): a few dozen bytes where the decoded
    /// value (maps of strings) takes hundreds, and a file that opens
    /// without decoding any value; a hit decodes its own.
    value: Vec<u8>,
}

/// The cache file's content: `(document path bytes, entry)`.
type Stored = Vec<(Vec<u8>, Entry)>;

/// Results of type `V` by document, validated against their input files.
#[derive(Debug)]
pub struct Cache<V> {
    /// Where it is saved; `None` keeps it in memory only.
    file: Option<PathBuf>,
    entries: HashMap<Vec<u8>, Entry>,
    changed: bool,
    kind: std::marker::PhantomData<fn() -> V>,
}

/// A lookup's answer: the stored value, or the stamps to record a newly
/// computed one with (taken before computing, so a file changing while it
/// is read is seen as changed next time).
#[derive(Debug)]
pub enum Lookup<V> {
    Hit(V),
    Miss(Pending),
}

/// Stamps of a document's inputs taken before its value is computed.
#[derive(Debug, Clone)]
pub struct Pending {
    inputs: Vec<(PathBuf, Option<FileStamp>)>,
    context: [u8; 32],
    recorded: i128,
}

impl Pending {
    /// The entry for `value`, computed from the inputs after they were
    /// stamped (racy ones are hashed and checked again, see [`entry_of`]):
    /// on the thread that computed it, so that many documents settle in
    /// parallel; then [`Cache::insert`].
    pub fn settle<V: Serialize>(self, value: &V) -> Settled<V> {
        let entry = postcard::to_stdvec(value)
            .ok()
            .and_then(|value| entry_of(self, value));
        Settled(entry, std::marker::PhantomData)
    }
}

/// A value ready for [`Cache::insert`]: its entry, or `None` when an input
/// is missing, or racy and changed while it was computed.
#[derive(Debug)]
pub struct Settled<V>(Option<Entry>, std::marker::PhantomData<fn() -> V>);

/// A path's bytes without a copy where they are bytes already (Unix).
fn path_slice(path: &Path) -> std::borrow::Cow<'_, [u8]> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::borrow::Cow::Borrowed(path.as_os_str().as_bytes())
    }
    #[cfg(not(unix))]
    {
        std::borrow::Cow::Owned(path_bytes(path))
    }
}

fn path_bytes(path: &Path) -> Vec<u8> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    }
    #[cfg(not(unix))]
    {
        path.to_string_lossy().into_owned().into_bytes()
    }
}

/// SHA-256 of a file's content, `None` when it cannot be read.
fn hash_file(path: &Path) -> Option<[u8; 32]> {
    let bytes = std::fs::read(path).ok()?;
    Some(Sha256::digest(&bytes).into())
}

/// The digest of a value's other dependencies, for [`Cache::lookup`].
pub fn context_of(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finalize().into()
}

impl<V: Clone + Serialize + DeserializeOwned> Cache<V> {
    /// A cache kept in memory only (no state folder, or tests).
    pub fn in_memory() -> Cache<V> {
        Cache {
            file: None,
            entries: HashMap::new(),
            changed: false,
            kind: std::marker::PhantomData,
        }
    }

    /// The cache named `kind` for the corpus at `root`, from the state
    /// folder (`GLOSS_STATE_DIR` overrides it). Anything unreadable there
    /// gives an empty cache, silently.
    pub fn open(kind: &str, root: &Path) -> Cache<V> {
        match cache_file(kind, root) {
            Some(file) => Cache::open_file(file),
            None => Cache::in_memory(),
        }
    }

    /// The cache stored in `file` (empty when missing or unreadable).
    pub fn open_file(file: PathBuf) -> Cache<V> {
        let entries = std::fs::read(&file)
            .ok()
            .and_then(|bytes| decode(&bytes))
            .unwrap_or_default();
        Cache {
            file: Some(file),
            entries,
            changed: false,
            kind: std::marker::PhantomData,
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The stored value for `document` if it was computed from exactly
    /// `inputs` (in this order) as they are now, with the same `context`;
    /// otherwise the stamps to [`Cache::store`] a fresh value with.
    pub fn lookup(&mut self, document: &Path, inputs: &[PathBuf], context: [u8; 32]) -> Lookup<V> {
        let recorded = now();
        let stamps: Vec<(PathBuf, Option<FileStamp>)> = inputs
            .iter()
            .map(|p| (p.clone(), FileStamp::of(p)))
            .collect();
        self.lookup_at(document, stamps, context, recorded)
    }

    fn lookup_at(
        &mut self,
        document: &Path,
        stamps: Vec<(PathBuf, Option<FileStamp>)>,
        context: [u8; 32],
        recorded: i128,
    ) -> Lookup<V> {
        let borrowed: Vec<(&Path, Option<FileStamp>)> =
            stamps.iter().map(|(p, s)| (p.as_path(), *s)).collect();
        if let Some(v) = self.hit(document, &borrowed, context, recorded) {
            return Lookup::Hit(v);
        }
        Lookup::Miss(Pending {
            inputs: stamps,
            context,
            recorded,
        })
    }

    /// A lookup with the inputs' stamps already taken (by a walk that
    /// listed them, at or before `taken`): no `stat` again, and no copy of a
    /// path unless it misses; a file changed since is caught by
    /// [`Pending::settle`] (nothing is recorded) and by the next walk. It
    /// changes nothing in the cache, so that many documents are looked up
    /// at once, on every core. A hit whose racy
    /// inputs were verified and have settled since says so (`true`): hand
    /// it to [`Cache::settle_hit`] to record it as of `taken`.
    pub fn peek_stamped(
        &self,
        document: &Path,
        stamps: &[(&Path, Option<FileStamp>)],
        context: [u8; 32],
        taken: SystemTime,
    ) -> (Lookup<V>, bool) {
        let recorded = nanos(taken);
        if let Some((v, settles)) = self.peek(document, stamps, context, recorded) {
            return (Lookup::Hit(v), settles);
        }
        let pending = Pending {
            inputs: stamps.iter().map(|(p, s)| (p.to_path_buf(), *s)).collect(),
            context,
            recorded,
        };
        (Lookup::Miss(pending), false)
    }

    /// Record a hit of [`Cache::peek_stamped`] that settled as verified
    /// at `taken`: its hashes are no longer needed.
    pub fn settle_hit(&mut self, document: &Path, taken: SystemTime) {
        self.settle_hit_at(document, nanos(taken));
    }

    /// The stored value, if still right for `stamps`.
    fn hit(
        &mut self,
        document: &Path,
        stamps: &[(&Path, Option<FileStamp>)],
        context: [u8; 32],
        recorded: i128,
    ) -> Option<V> {
        let (value, settles) = self.peek(document, stamps, context, recorded)?;
        if settles {
            self.settle_hit_at(document, recorded);
        }
        Some(value)
    }

    fn settle_hit_at(&mut self, document: &Path, recorded: i128) {
        if let Some(entry) = self.entries.get_mut(path_slice(document).as_ref()) {
            settle(entry, recorded);
            self.changed = true;
        }
    }

    /// The stored value if still right for `stamps`, and whether its entry
    /// settles now (see [`still_valid`]).
    fn peek(
        &self,
        document: &Path,
        stamps: &[(&Path, Option<FileStamp>)],
        context: [u8; 32],
        recorded: i128,
    ) -> Option<(V, bool)> {
        let entry = self.entries.get(path_slice(document).as_ref())?;
        let settles = still_valid(entry, stamps, context, recorded)?;
        // A value that does not decode (it cannot be, the file's format
        // being checked) is a miss.
        postcard::from_bytes(&entry.value)
            .ok()
            .map(|v| (v, settles))
    }

    /// The stored value's encoding for `document` when its entry was
    /// computed from exactly `stamps` (in this order) with `context` and
    /// none of them was racy (no hash to check): what a snapshot of the
    /// corpus may keep beside those stamps and trust while they hold.
    pub fn settled_value(
        &self,
        document: &Path,
        stamps: &[(&Path, Option<FileStamp>)],
        context: [u8; 32],
    ) -> Option<&[u8]> {
        let entry = self.entries.get(path_slice(document).as_ref())?;
        let same = entry.context == context
            && entry.inputs.len() == stamps.len()
            && entry
                .inputs
                .iter()
                .zip(stamps)
                .all(|(input, (path, stamp))| {
                    input.hash.is_none()
                        && Some(input.stamp) == *stamp
                        && input.path == path_digest(path)
                });
        same.then_some(entry.value.as_slice())
    }

    /// Record `value`, computed after `pending` was taken. Nothing is
    /// recorded when an input is missing, or racy and changed meanwhile (a
    /// settled input changed meanwhile makes the entry miss next time).
    pub fn store(&mut self, document: &Path, pending: Pending, value: &V) {
        self.insert(document, pending.settle(value));
    }

    /// Room for `more` entries (before many inserts).
    pub fn reserve(&mut self, more: usize) {
        self.entries.reserve(more);
    }

    /// Record a value settled with [`Pending::settle`] (nothing when an
    /// input was missing or changed).
    pub fn insert(&mut self, document: &Path, settled: Settled<V>) {
        let Some(entry) = settled.0 else {
            self.entries.remove(path_slice(document).as_ref());
            return;
        };
        self.entries.insert(path_bytes(document), entry);
        self.changed = true;
    }

    /// [`Cache::lookup`], computing and storing the value on a miss.
    pub fn get_or_compute(
        &mut self,
        document: &Path,
        inputs: &[PathBuf],
        context: [u8; 32],
        compute: impl FnOnce() -> V,
    ) -> V {
        match self.lookup(document, inputs, context) {
            Lookup::Hit(v) => v,
            Lookup::Miss(pending) => {
                let value = compute();
                self.store(document, pending, &value);
                value
            }
        }
    }

    /// Has anything been recorded or forgotten since the file was read or
    /// written?
    pub fn is_changed(&self) -> bool {
        self.changed
    }

    /// Forget documents not in `keep` (deleted since), so the file does not grow.
    pub fn retain(&mut self, keep: impl Fn(&Path) -> bool) {
        let before = self.entries.len();
        self.entries.retain(|k, _| keep(&path_of(k)));
        self.changed |= self.entries.len() != before;
    }

    /// Write the cache if anything changed (see [`replace_file`]). Errors
    /// are the caller's to ignore: the cache is only a convenience.
    pub fn save(&mut self) -> std::io::Result<()> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        if !self.changed {
            return Ok(());
        }
        let bytes = encode(&self.entries).map_err(std::io::Error::other)?;
        replace_file(file, &bytes)?;
        self.changed = false;
        Ok(())
    }
}

/// Write `bytes` to `file` through a new file beside it renamed over it:
/// a reader sees the old content or the new, never a mix. Not synced to
/// the disk (a sync costs tens of milliseconds here, and quitting waits
/// for the write): after a system crash the file may be empty or short, which
/// its reader takes for no file at all (a cache or snapshot that does not
/// decode is ignored, and every value is checked against the files' stamps
/// anyway).
pub(crate) fn replace_file(file: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static WRITTEN: AtomicUsize = AtomicUsize::new(0);
    let folder = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(folder)?;
    let mut name = file.file_name().unwrap_or_default().to_os_string();
    name.push(format!(
        ".{}-{}.new",
        std::process::id(),
        WRITTEN.fetch_add(1, Ordering::Relaxed)
    ));
    let temporary = folder.join(name);
    let written =
        std::fs::write(&temporary, bytes).and_then(|()| std::fs::rename(&temporary, file));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    if let Some(name) = file.file_name() {
        remove_stale_temporaries(folder, name);
    }
    written
}

/// Temporaries of the file `name` in `folder` that a process left when it
/// was killed mid-write (`<name>.<pid>-<n>.new`, that process no longer
/// running) are removed: no one will rename them, and each would stay in
/// the state folder for good. Another running process's are its own.
fn remove_stale_temporaries(folder: &Path, name: &std::ffi::OsStr) {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return;
    };
    let prefix = format!("{}.", name.to_string_lossy());
    for entry in entries.flatten() {
        let entry_name = entry.file_name();
        let entry_name = entry_name.to_string_lossy();
        let Some(rest) = entry_name
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(".new"))
        else {
            continue;
        };
        let Some((pid, count)) = rest.split_once('-') else {
            continue;
        };
        let (Ok(pid), Ok(_)) = (pid.parse::<u32>(), count.parse::<usize>()) else {
            continue;
        };
        if pid != std::process::id() && !process_running(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Is a process `pid` running (or, where that cannot be asked, maybe)?
fn process_running(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        if pid <= 0 {
            return true;
        }
        // Signal 0 checks only: it exists when allowed, or when refused.
        // SAFETY: `kill` with signal 0 sends nothing.
        let asked = unsafe { libc::kill(pid, 0) };
        asked == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

fn path_of(bytes: &[u8]) -> std::borrow::Cow<'_, Path> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        std::borrow::Cow::Borrowed(Path::new(std::ffi::OsStr::from_bytes(bytes)))
    }
    #[cfg(not(unix))]
    {
        std::borrow::Cow::Owned(PathBuf::from(String::from_utf8_lossy(bytes).into_owned()))
    }
}

/// Is `entry` still right for files stamped `stamps` now? `Some(true)` when
/// racy inputs were re-hashed, found unchanged and are no longer racy: the
/// entry is then to be [`settle`]d, so later lookups need no hashing.
fn still_valid(
    entry: &Entry,
    stamps: &[(&Path, Option<FileStamp>)],
    context: [u8; 32],
    now: i128,
) -> Option<bool> {
    if entry.context != context || entry.inputs.len() != stamps.len() {
        return None;
    }
    let mut rehashed = false;
    for (input, (path, stamp)) in entry.inputs.iter().zip(stamps) {
        if input.path != path_digest(path) || Some(input.stamp) != *stamp {
            return None;
        }
        if let Some(hash) = &input.hash {
            // Racy when recorded: only the content can tell.
            if hash_file(path).as_ref() != Some(&**hash) {
                return None;
            }
            rehashed = true;
        }
    }
    if !rehashed {
        return Some(false);
    }
    // Verified unchanged now; once no input is racy any more relative to
    // now, record it as of now and drop the hashes.
    Some(
        entry
            .inputs
            .iter()
            .all(|i| !is_racy(i.stamp, now) || i.hash.is_none()),
    )
}

/// An entry verified unchanged at `now`, no input racy any more: recorded
/// as of `now`, its hashes dropped.
fn settle(entry: &mut Entry, now: i128) {
    for i in &mut entry.inputs {
        i.hash = None;
    }
    entry.recorded = now;
}

/// Could a file with `stamp`, stamped at `recorded`, still change without
/// its stamp changing?
pub(crate) fn is_racy(stamp: FileStamp, recorded: i128) -> bool {
    let window = i128::from(RACY_SECONDS) * 1_000_000_000;
    stamp.modified >= recorded - window || stamp.changed >= recorded - window
}

/// The entry for `value`, or `None` when an input is missing or changed
/// between `pending` and now.
fn entry_of(pending: Pending, value: Vec<u8>) -> Option<Entry> {
    let mut inputs = Vec::with_capacity(pending.inputs.len());
    for (path, before) in pending.inputs {
        let before = before?;
        // A settled file needs no second `stat`: the entry keeps the stamp
        // taken before the value was computed, and any change to the file
        // since (while it was read, say) changes its stamp — so the entry
        // misses at the next lookup. A racy file's stamp may not change:
        // its hash decides, and must be of the content stamped `before`.
        let hash = if is_racy(before, pending.recorded) {
            let hash = hash_file(&path)?;
            // Changed while computed or hashed: record nothing.
            if FileStamp::of(&path) != Some(before) {
                return None;
            }
            Some(Box::new(hash))
        } else {
            None
        };
        inputs.push(Input {
            path: path_digest(&path),
            stamp: before,
            hash,
        });
    }
    Some(Entry {
        inputs,
        context: pending.context,
        recorded: pending.recorded,
        value,
    })
}

/// Where the cache `kind` of the corpus at `root` lives: one file per
/// corpus folder, named by a digest of its absolute path.
pub fn cache_file(kind: &str, root: &Path) -> Option<PathBuf> {
    let state = crate::sidecar::journal::Places::from_env().state?;
    Some(cache_file_in(&state, kind, root))
}

/// [`cache_file`] below the state folder `state`.
pub fn cache_file_in(state: &Path, kind: &str, root: &Path) -> PathBuf {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let digest = Sha256::digest(path_bytes(&root));
    let name = format!("{}-{kind}.bin", &crate::document::hex(&digest)[..16]);
    state.join(FOLDER).join(name)
}

fn encode(entries: &HashMap<Vec<u8>, Entry>) -> Result<Vec<u8>, String> {
    // Serialised as a sequence of pairs, like `Stored` (no copies).
    let stored: Vec<(&Vec<u8>, &Entry)> = entries.iter().collect();
    let mut out = Vec::with_capacity(16 + entries.len() * 128);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    let body = postcard::to_stdvec(&stored).map_err(|e| e.to_string())?;
    out.extend_from_slice(&body);
    Ok(out)
}

fn decode(bytes: &[u8]) -> Option<HashMap<Vec<u8>, Entry>> {
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    let (format, body) = rest.split_at_checked(4)?;
    if format != FORMAT.to_le_bytes() {
        return None;
    }
    let stored: Stored = postcard::from_bytes(body).ok()?;
    Some(stored.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn temporaries_a_killed_writer_left_are_removed_by_the_next_write() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("cache.bin");
        // A process that has ended: its pid names no running process.
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let gone = child.id();
        child.wait().unwrap();
        let stale = dir.path().join(format!("cache.bin.{gone}-0.new"));
        let ours = dir
            .path()
            .join(format!("cache.bin.{}-999.new", std::process::id()));
        let other = dir.path().join(format!("other.bin.{gone}-0.new"));
        for f in [&stale, &ours, &other] {
            std::fs::write(f, b"half").unwrap();
        }
        replace_file(&file, b"whole").unwrap();
        assert_eq!(std::fs::read(&file).unwrap(), b"whole");
        assert!(!stale.exists());
        assert!(ours.exists(), "this process's own write is left alone");
        assert!(
            other.exists(),
            "another file's temporaries are not this one's"
        );
    }

    /// A "count": the number of `x` in each input file, computed by reading them.
    fn count(inputs: &[PathBuf]) -> Vec<usize> {
        inputs
            .iter()
            .map(|p| {
                std::fs::read(p)
                    .map(|b| b.iter().filter(|&&c| c == b'x').count())
                    .unwrap_or(0)
            })
            .collect()
    }

    /// `(value, computed?)` for `doc` from `inputs` through `cache`.
    fn through(
        cache: &mut Cache<Vec<usize>>,
        doc: &Path,
        inputs: &[PathBuf],
    ) -> (Vec<usize>, bool) {
        let computed = Cell::new(false);
        let v = cache.get_or_compute(doc, inputs, [0; 32], || {
            computed.set(true);
            count(inputs)
        });
        (v, computed.get())
    }

    fn corpus() -> (tempfile::TempDir, PathBuf, Vec<PathBuf>) {
        let dir = tempfile::tempdir().unwrap();
        let doc = dir.path().join("memo.txt");
        let side = dir.path().join("memo.txt.kim.gloss.ron");
        std::fs::write(&doc, "memo").unwrap();
        std::fs::write(&side, "xx..").unwrap();
        let inputs = vec![doc.clone(), side];
        (dir, doc, inputs)
    }

    /// An hour, in the nanoseconds stamps count.
    const HOUR: i128 = 3600 * 1_000_000_000;

    /// Pretend `entry`'s files were last changed an hour before they were
    /// recorded (settled, not racy), whatever the test files' real times.
    fn stamped_an_hour_earlier(entry: &mut Entry) {
        for i in &mut entry.inputs {
            i.stamp.modified -= HOUR;
            i.stamp.changed -= HOUR;
        }
    }

    /// Set `path`'s modification time `seconds` ago (an old, settled file).
    fn age(path: &Path, seconds: u64) {
        let f = std::fs::File::options().write(true).open(path).unwrap();
        f.set_modified(SystemTime::now() - std::time::Duration::from_secs(seconds))
            .unwrap();
    }

    #[test]
    fn an_unchanged_document_is_not_computed_again_even_after_a_reopen() {
        let (dir, doc, inputs) = corpus();
        let file = dir.path().join("state/cache.bin");
        let mut cache = Cache::open_file(file.clone());
        assert_eq!(through(&mut cache, &doc, &inputs), (vec![0, 2], true));
        assert_eq!(through(&mut cache, &doc, &inputs), (vec![0, 2], false));
        cache.save().unwrap();
        let mut reopened: Cache<Vec<usize>> = Cache::open_file(file);
        assert_eq!(reopened.len(), 1);
        assert_eq!(through(&mut reopened, &doc, &inputs), (vec![0, 2], false));
    }

    #[test]
    fn another_path_to_the_same_file_is_another_input() {
        // A hard link has the file's stamp (inode, times, size) under
        // another name: only the path (kept as a digest) tells them apart.
        let (dir, doc, inputs) = corpus();
        age(&inputs[1], 3600);
        let link = dir.path().join("memo.txt.lee.gloss.ron");
        std::fs::hard_link(&inputs[1], &link).unwrap();
        let file = dir.path().join("cache.bin");
        let mut cache = Cache::open_file(file.clone());
        assert_eq!(through(&mut cache, &doc, &inputs), (vec![0, 2], true));
        cache.save().unwrap();
        let mut reopened: Cache<Vec<usize>> = Cache::open_file(file);
        let linked = vec![doc.clone(), link];
        assert_eq!(through(&mut reopened, &doc, &linked), (vec![0, 2], true));
        assert_eq!(through(&mut reopened, &doc, &inputs), (vec![0, 2], true));
    }

    #[test]
    fn a_sidecar_changed_behind_the_caches_back_is_counted_again() {
        // Same size, modification time put back as it was: the cache must
        // still see the new content (change time on Unix, content hash of
        // racy files everywhere).
        for old in [false, true] {
            let (dir, doc, inputs) = corpus();
            if old {
                age(&inputs[1], 3600);
            }
            let file = dir.path().join("cache.bin");
            let mut cache = Cache::open_file(file.clone());
            assert_eq!(through(&mut cache, &doc, &inputs).0, vec![0, 2]);
            cache.save().unwrap();
            let mtime = std::fs::metadata(&inputs[1]).unwrap().modified().unwrap();
            std::fs::write(&inputs[1], "xxx.").unwrap();
            std::fs::File::options()
                .write(true)
                .open(&inputs[1])
                .unwrap()
                .set_modified(mtime)
                .unwrap();
            assert_eq!(
                std::fs::metadata(&inputs[1]).unwrap().modified().unwrap(),
                mtime
            );
            let mut reopened: Cache<Vec<usize>> = Cache::open_file(file);
            assert_eq!(
                through(&mut reopened, &doc, &inputs),
                (vec![0, 3], true),
                "old file: {old}"
            );
        }
    }

    #[test]
    fn a_racy_file_with_an_unchanged_stamp_is_checked_by_its_content() {
        // A file system whose stamps cannot tell two writes apart: the
        // stored stamp is made the file's current one after a rewrite.
        let (_dir, doc, inputs) = corpus();
        let mut cache = Cache::in_memory();
        through(&mut cache, &doc, &inputs);
        std::fs::write(&inputs[1], "xxx.").unwrap();
        let now_stamp = FileStamp::of(&inputs[1]).unwrap();
        let entry = cache.entries.get_mut(&path_bytes(&doc)).unwrap();
        assert!(entry.inputs[1].hash.is_some(), "a fresh file is racy");
        entry.inputs[1].stamp = now_stamp;
        assert_eq!(through(&mut cache, &doc, &inputs), (vec![0, 3], true));
        // Unchanged content with the same stamp: a hit.
        assert_eq!(through(&mut cache, &doc, &inputs), (vec![0, 3], false));
    }

    #[test]
    fn settled_files_are_trusted_on_their_stamp_without_hashing() {
        let (_dir, doc, inputs) = corpus();
        for p in &inputs {
            age(p, 3600);
        }
        let mut cache: Cache<Vec<usize>> = Cache::in_memory();
        let Lookup::Miss(mut pending) = cache.lookup(&doc, &inputs, [0; 32]) else {
            panic!("an empty cache misses");
        };
        // Recorded long after the files last changed (their change time too).
        pending.recorded += HOUR;
        cache.store(&doc, pending, &count(&inputs));
        let entry = &cache.entries[&path_bytes(&doc)];
        assert!(entry.inputs.iter().all(|i| i.hash.is_none()));
        let Lookup::Hit(v) = cache.lookup(&doc, &inputs, [0; 32]) else {
            panic!("unchanged files hit");
        };
        assert_eq!(v, vec![0, 2]);
    }

    #[test]
    fn racy_entries_are_recorded_again_once_settled() {
        let (_dir, doc, inputs) = corpus();
        let mut cache = Cache::in_memory();
        through(&mut cache, &doc, &inputs);
        // Pretend it was recorded an hour after the files were written.
        let entry = cache.entries.get_mut(&path_bytes(&doc)).unwrap();
        assert!(entry.inputs.iter().any(|i| i.hash.is_some()));
        stamped_an_hour_earlier(entry);
        let stamps: Vec<_> = entry.inputs.iter().map(|i| i.stamp).collect();
        let now = now();
        let pairs: Vec<_> = inputs
            .iter()
            .map(PathBuf::as_path)
            .zip(stamps.into_iter().map(Some))
            .collect();
        assert_eq!(still_valid(entry, &pairs, [0; 32], now), Some(true));
        settle(entry, now);
        assert!(entry.inputs.iter().all(|i| i.hash.is_none()));
        assert_eq!(entry.recorded, now);
    }

    #[test]
    fn a_settled_file_changed_while_its_value_was_computed_is_computed_again() {
        // Recorded without a second `stat` (the stamp taken before the
        // computation is kept): the change shows at the next lookup.
        let (_dir, doc, inputs) = corpus();
        let mut cache: Cache<Vec<usize>> = Cache::in_memory();
        let Lookup::Miss(mut pending) = cache.lookup(&doc, &inputs, [0; 32]) else {
            panic!("an empty cache misses");
        };
        // As if stamped an hour after the files were last written.
        pending.recorded += HOUR;
        let value = count(&inputs);
        std::fs::write(&inputs[1], "xxx.").unwrap();
        cache.store(&doc, pending, &value);
        assert_eq!(through(&mut cache, &doc, &inputs), (vec![0, 3], true));
    }

    #[test]
    fn a_peek_changes_nothing_until_its_settled_hit_is_recorded() {
        // Lookups run on every core through `peek_stamped` (read-only); a
        // racy entry verified and settled must still be recorded after.
        let (_dir, doc, inputs) = corpus();
        let mut cache: Cache<Vec<usize>> = Cache::in_memory();
        through(&mut cache, &doc, &inputs);
        cache.changed = false;
        let entry = cache.entries.get_mut(&path_bytes(&doc)).unwrap();
        stamped_an_hour_earlier(entry);
        let stamps: Vec<_> = entry.inputs.iter().map(|i| Some(i.stamp)).collect();
        let pairs: Vec<_> = inputs.iter().map(PathBuf::as_path).zip(stamps).collect();
        let taken = SystemTime::now();
        let (looked, settles) = cache.peek_stamped(&doc, &pairs, [0; 32], taken);
        assert!(matches!(looked, Lookup::Hit(ref v) if *v == vec![0, 2]));
        assert!(settles);
        let entry = &cache.entries[&path_bytes(&doc)];
        assert!(entry.inputs.iter().any(|i| i.hash.is_some()));
        assert!(!cache.changed);
        cache.settle_hit(&doc, taken);
        let entry = &cache.entries[&path_bytes(&doc)];
        assert!(entry.inputs.iter().all(|i| i.hash.is_none()));
        assert_eq!(entry.recorded, nanos(taken));
        assert!(cache.changed);
        // Settled: the next peek has nothing to settle.
        assert!(!cache.peek_stamped(&doc, &pairs, [0; 32], taken).1);
    }

    #[test]
    fn a_new_missing_or_renamed_input_or_another_context_misses() {
        let (dir, doc, mut inputs) = corpus();
        let mut cache = Cache::in_memory();
        through(&mut cache, &doc, &inputs);
        let other = dir.path().join("memo.txt.lee.gloss.ron");
        std::fs::write(&other, "x").unwrap();
        inputs.push(other.clone());
        assert_eq!(through(&mut cache, &doc, &inputs), (vec![0, 2, 1], true));
        std::fs::remove_file(&other).unwrap();
        assert_eq!(through(&mut cache, &doc, &inputs), (vec![0, 2, 0], true));
        // A missing input is never recorded.
        assert!(cache.is_empty());
        inputs.pop();
        through(&mut cache, &doc, &inputs);
        let hit = cache.lookup(&doc, &inputs, context_of(&[b"project v2"]));
        assert!(matches!(hit, Lookup::Miss(_)));
    }

    #[test]
    fn a_broken_truncated_or_older_cache_file_is_ignored_silently() {
        let (dir, doc, inputs) = corpus();
        let file = dir.path().join("cache.bin");
        let mut cache = Cache::open_file(file.clone());
        through(&mut cache, &doc, &inputs);
        cache.save().unwrap();
        let good = std::fs::read(&file).unwrap();
        let mut older = good.clone();
        older[MAGIC.len()] = 0;
        for bytes in [
            good[..good.len() - 3].to_vec(),
            b"not a cache".to_vec(),
            Vec::new(),
            older,
        ] {
            std::fs::write(&file, bytes).unwrap();
            let mut c: Cache<Vec<usize>> = Cache::open_file(file.clone());
            assert!(c.is_empty());
            assert_eq!(through(&mut c, &doc, &inputs), (vec![0, 2], true));
            // Saving replaces the broken file with a good one.
            c.save().unwrap();
            assert_eq!(Cache::<Vec<usize>>::open_file(file.clone()).len(), 1);
        }
    }

    #[test]
    fn a_stored_value_that_does_not_decode_is_computed_again() {
        // Values are stored encoded and decoded on a hit: one that does not
        // decode is a miss, never a wrong value.
        let (dir, doc, inputs) = corpus();
        let file = dir.path().join("cache.bin");
        let mut cache = Cache::open_file(file.clone());
        assert_eq!(through(&mut cache, &doc, &inputs), (vec![0, 2], true));
        cache.save().unwrap();
        let mut reopened: Cache<Vec<usize>> = Cache::open_file(file);
        let entry = reopened.entries.get_mut(&path_bytes(&doc)).unwrap();
        entry.value = vec![0xff; 3];
        assert_eq!(through(&mut reopened, &doc, &inputs), (vec![0, 2], true));
        assert_eq!(through(&mut reopened, &doc, &inputs), (vec![0, 2], false));
    }

    #[test]
    fn deleted_documents_are_forgotten() {
        let (_dir, doc, inputs) = corpus();
        let mut cache = Cache::in_memory();
        through(&mut cache, &doc, &inputs);
        cache.retain(|p| p != doc);
        assert!(cache.is_empty());
    }

    #[test]
    fn the_cache_file_lives_in_the_state_folder_one_per_corpus() {
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        let fa = cache_file("counts", a.path());
        let fb = cache_file("counts", b.path());
        if let (Some(fa), Some(fb)) = (fa, fb) {
            assert_ne!(fa, fb);
            assert!(fa.to_string_lossy().contains(FOLDER));
        }
    }
}
