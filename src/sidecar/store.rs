//! A sidecar on disk as one session sees it: what was last read, and safe saves.
//!
//! Before every write the file is checked (size, mtime and content hash, since
//! mtime alone misses changes within one timestamp tick); if someone else wrote
//! it, their version is merged three-way against the version last read. Writes
//! go to a temporary file in the same folder, are flushed and fsynced, then
//! renamed over the sidecar, and the folder is fsynced: a reader sees the old
//! file or the new one, never half of one. The existing file's mode is kept and
//! a symlinked sidecar is written through to its target.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use sha2::{Digest, Sha256};

use super::merge::{self, Merged};
use super::{Sidecar, SidecarError};

/// What the file looked like when we last read or wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskState {
    pub size: u64,
    pub modified: Option<SystemTime>,
    pub sha256: [u8; 32],
}

impl DiskState {
    fn of_bytes(bytes: &[u8], meta: Option<&std::fs::Metadata>) -> DiskState {
        DiskState {
            size: bytes.len() as u64,
            modified: meta.and_then(|m| m.modified().ok()),
            sha256: Sha256::digest(bytes).into(),
        }
    }
}

/// The result of a save.
#[derive(Debug)]
pub enum Saved {
    /// Nothing had changed on disk; our version was written (or was already there).
    Written,
    /// Someone else changed the file; the merge was written.
    Merged(Box<Merged>),
    /// The file had been deleted; ours was written again (refresh only).
    Recreated,
}

/// What [`SidecarStore::refresh`] found on disk.
#[derive(Debug)]
pub enum Refreshed {
    /// Nothing changed (or only an empty sidecar was deleted).
    Unchanged,
    /// Someone else changed the file; `ours` merged with it (not written).
    Merged(Box<Merged>),
    /// The file was deleted under us; ours was written again.
    Recreated,
}

/// One sidecar file and the version of it this session last saw.
#[derive(Debug)]
pub struct SidecarStore {
    path: PathBuf,
    /// Content last read from or written to disk (the merge base).
    base: Option<Sidecar>,
    disk: Option<DiskState>,
}

impl SidecarStore {
    /// Open the store for `path`: load the sidecar if it exists.
    pub fn open(path: &Path) -> Result<(SidecarStore, Option<Sidecar>), SidecarError> {
        let mut store = SidecarStore {
            path: path.to_path_buf(),
            base: None,
            disk: None,
        };
        remove_stale_temporaries(path, STALE_TEMPORARY_AGE);
        let loaded = store.read_disk()?;
        if let Some((sidecar, state)) = loaded {
            store.base = Some(sidecar.clone());
            store.disk = Some(state);
            return Ok((store, Some(sidecar)));
        }
        Ok((store, None))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The version last read or written.
    pub fn base(&self) -> Option<&Sidecar> {
        self.base.as_ref()
    }

    /// SHA-256 of the file as last read or written (`None`: no file), the
    /// state a crash journal's changes apply to.
    pub fn disk_sha256(&self) -> Option<[u8; 32]> {
        self.disk.as_ref().map(|d| d.sha256)
    }

    fn read_disk(&self) -> Result<Option<(Sidecar, DiskState)>, SidecarError> {
        match std::fs::symlink_metadata(&self.path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => {
                return Err(SidecarError::Io {
                    path: self.path.display().to_string(),
                    source: e,
                });
            }
            Ok(_) => {}
        }
        let text = super::read_capped(&self.path)?;
        let meta = std::fs::metadata(&self.path).ok();
        let state = DiskState::of_bytes(text.as_bytes(), meta.as_ref());
        let sidecar = Sidecar::parse(&text, &self.path)?;
        Ok(Some((sidecar, state)))
    }

    /// Has the file changed since we last read or wrote it?
    pub fn changed_on_disk(&self) -> Result<bool, SidecarError> {
        let now = match std::fs::read(&self.path) {
            Ok(bytes) => Some(DiskState::of_bytes(&bytes, None).sha256),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(SidecarError::Io {
                    path: self.path.display().to_string(),
                    source: e,
                });
            }
        };
        Ok(now != self.disk.as_ref().map(|d| d.sha256))
    }

    /// Save `ours`, merging first if the file changed under us.
    /// When the file on disk no longer parses, nothing is written (error).
    pub fn save(&mut self, ours: &Sidecar) -> Result<Saved, SidecarError> {
        // The file on disk is read and hashed while our version is serialised:
        // for a large sidecar each takes a good part of a second (2 cores).
        // The copy kept as the next merge base is made there too.
        let (changed, our_copy, our_text) = std::thread::scope(|s| {
            let check = s.spawn(|| (self.changed_on_disk(), ours.clone()));
            let text = ours.to_ron();
            // A checker that died counts as a change: the merge path re-reads.
            let (changed, copy) = check
                .join()
                .map_or((Ok(true), None), |(changed, copy)| (changed, Some(copy)));
            (changed, copy, text)
        });
        let mut outcome = Saved::Written;
        let mut merged_version = None;
        if changed? && let Some((theirs, _)) = self.read_disk()? {
            let empty = Sidecar {
                annotations: Vec::new(),
                ..ours.clone()
            };
            let base = self.base.clone().unwrap_or(empty);
            let merged = merge::merge(&base, ours, &theirs);
            merged_version = Some(merged.sidecar.clone());
            outcome = Saved::Merged(Box::new(merged));
        }
        let text = match &merged_version {
            Some(m) => m.to_ron(),
            None => our_text,
        }
        .map_err(|e| SidecarError::Serialize {
            path: self.path.display().to_string(),
            message: e.to_string(),
        })?;
        // The file still holds what we last wrote (checked above): when that
        // was this very version, there is nothing to write.
        let unchanged = merged_version.is_none()
            && self.base.as_ref() == Some(ours)
            && self
                .disk
                .as_ref()
                .is_some_and(|d| d.size == text.len() as u64);
        let digest: [u8; 32] = match &self.disk {
            Some(d) if unchanged => d.sha256,
            _ => {
                // Hash the new text while it is written and synced.
                let (digest, written) = std::thread::scope(|s| {
                    let hash = s.spawn(|| <[u8; 32]>::from(Sha256::digest(text.as_bytes())));
                    let written = write_atomic(&self.path, text.as_bytes());
                    let digest = hash
                        .join()
                        .unwrap_or_else(|_| Sha256::digest(text.as_bytes()).into());
                    (digest, written)
                });
                written.map_err(|e| SidecarError::Io {
                    path: self.path.display().to_string(),
                    source: e,
                })?;
                digest
            }
        };
        let meta = std::fs::metadata(&self.path).ok();
        self.disk = Some(DiskState {
            size: text.len() as u64,
            modified: meta.and_then(|m| m.modified().ok()),
            sha256: digest,
        });
        self.base = Some(merged_version.or(our_copy).unwrap_or_else(|| ours.clone()));
        Ok(outcome)
    }

    /// Quick look for a change made by someone else (git pull, a colleague):
    /// size and mtime first; the content hash when they differ or when the
    /// mtime is too recent to trust (a change within one timestamp tick).
    pub fn changed_quick(&self) -> Result<bool, SidecarError> {
        let meta = match std::fs::metadata(&self.path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(self.disk.is_some()),
            Err(e) => {
                return Err(SidecarError::Io {
                    path: self.path.display().to_string(),
                    source: e,
                });
            }
        };
        let Some(known) = &self.disk else {
            return Ok(true);
        };
        let modified = meta.modified().ok();
        let settled = modified
            .and_then(|m| SystemTime::now().duration_since(m).ok())
            .is_some_and(|age| age > std::time::Duration::from_secs(2));
        if meta.len() == known.size && modified == known.modified && settled {
            return Ok(false);
        }
        self.changed_on_disk()
    }

    /// Fold a change made on disk by someone else into `ours` without writing:
    /// the disk version becomes the new merge base. A file that no longer
    /// parses is an error (and is never overwritten). A file deleted under us
    /// while it held annotations is written again at once (nothing is lost
    /// by a stray `rm` or a branch switch; the user is told).
    pub fn refresh(&mut self, ours: &Sidecar) -> Result<Refreshed, SidecarError> {
        if !self.changed_quick()? {
            return Ok(Refreshed::Unchanged);
        }
        let Some((theirs, state)) = self.read_disk()? else {
            self.disk = None;
            if ours.annotations.is_empty() {
                return Ok(Refreshed::Unchanged);
            }
            self.save(ours)?;
            return Ok(Refreshed::Recreated);
        };
        let base = self.base.clone().unwrap_or_else(|| Sidecar {
            annotations: Vec::new(),
            ..ours.clone()
        });
        let merged = merge::merge(&base, ours, &theirs);
        self.base = Some(theirs);
        self.disk = Some(state);
        Ok(Refreshed::Merged(Box::new(merged)))
    }

    /// Point the store at another path (write the sidecar elsewhere).
    pub fn relocate(&mut self, path: &Path) {
        self.path = path.to_path_buf();
        self.disk = None;
        self.base = None;
    }
}

/// Age after which a leftover temporary file of a save is surely not a save in
/// progress any more.
pub const STALE_TEMPORARY_AGE: std::time::Duration = std::time::Duration::from_secs(3600);

/// Remove temporary files that saves killed mid-write left beside `sidecar`
/// (`.<name>.<6 letters or digits>`, older than `age`). Returns how many.
pub fn remove_stale_temporaries(sidecar: &Path, age: std::time::Duration) -> usize {
    let (Some(dir), Some(name)) = (sidecar.parent(), sidecar.file_name()) else {
        return 0;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let file_name = file_name.to_string_lossy();
        let Some(suffix) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        if suffix.len() != 6 || !suffix.bytes().all(|b| b.is_ascii_alphanumeric()) {
            continue;
        }
        let old = entry
            .metadata()
            .ok()
            .filter(|m| m.is_file())
            .and_then(|m| m.modified().ok())
            .and_then(|t| SystemTime::now().duration_since(t).ok())
            .is_some_and(|a| a >= age);
        if old && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// An advisory lock on `.<sidecar name without .ron>.lock` beside the sidecar,
/// held while a session runs, so a second session on the same sidecar can say
/// so when it opens. The lock (`File::try_lock`, flock on Unix) dies with its
/// process, so a stale lock file left by a crash locks nothing; the file is
/// removed when the session that holds the lock ends.
#[derive(Debug)]
pub struct SessionLock {
    file: std::fs::File,
    path: PathBuf,
    /// False when another session already held the lock.
    pub exclusive: bool,
}

impl SessionLock {
    /// `None` when no lock file can be made (e.g. a read-only folder).
    pub fn acquire(sidecar: &Path) -> Option<SessionLock> {
        let path = lock_path(sidecar);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .ok()?;
        let exclusive = match file.try_lock() {
            Ok(()) => true,
            Err(std::fs::TryLockError::WouldBlock) => false,
            Err(std::fs::TryLockError::Error(_)) => return None,
        };
        Some(SessionLock {
            file,
            path,
            exclusive,
        })
    }
}

impl Drop for SessionLock {
    fn drop(&mut self) {
        if self.exclusive {
            // Another session that opened meanwhile holds its own handle on this
            // inode; removing the name only hides it from a third.
            let _ = std::fs::remove_file(&self.path);
            let _ = self.file.unlock();
        }
    }
}

/// `.<sidecar name without .ron>.lock` beside the sidecar.
pub fn lock_path(sidecar: &Path) -> PathBuf {
    let name = sidecar
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".ron").unwrap_or(&name);
    sidecar.with_file_name(format!(".{stem}.lock"))
}

/// Write `bytes` to `path` atomically and durably: temporary file in the same
/// folder, write, fsync, rename, fsync the folder. Keeps an existing file's
/// permissions; writes through a symlink to its target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let target = match std::fs::canonicalize(path) {
        Ok(real) => real,
        Err(_) => path.to_path_buf(),
    };
    // Only a regular file is ever replaced: the rename over a folder would
    // fail after the temporary file was named (and left, with the folder's
    // mode, executable).
    if let Ok(meta) = std::fs::metadata(&target)
        && !meta.is_file()
    {
        return Err(std::io::Error::other(format!(
            "{} is not a regular file",
            target.display()
        )));
    }
    let mut file = atomic_write_file::AtomicWriteFile::open(&target)?;
    file.write_all(bytes)?;
    file.flush()?;
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::{Annotation, Tag};
    use crate::document::Document;
    use crate::document::anchor::Anchor;

    fn doc() -> Document {
        Document::from_text(Path::new("m.txt"), "one\n\ntwo\n")
    }

    fn with(s: &Sidecar, by: &str) -> Sidecar {
        let mut s = s.clone();
        s.annotations.push(Annotation::new(
            Tag::Claim { by: by.into() },
            Anchor::whole(&doc(), 0),
        ));
        s
    }

    #[test]
    fn save_then_load_and_identical_rewrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.txt.kim.gloss.ron");
        let (mut store, none) = SidecarStore::open(&path).unwrap();
        assert!(none.is_none());
        let s = with(&Sidecar::new(&doc(), "kim"), "A");
        store.save(&s).unwrap();
        let first = std::fs::read(&path).unwrap();
        store.save(&s).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), first);
        let (_, loaded) = SidecarStore::open(&path).unwrap();
        assert_eq!(loaded.unwrap(), s);
    }

    #[test]
    fn concurrent_sessions_keep_both_peoples_tags() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.txt.kim.gloss.ron");
        let empty = Sidecar::new(&doc(), "kim");
        let (mut one, _) = SidecarStore::open(&path).unwrap();
        let (mut two, _) = SidecarStore::open(&path).unwrap();
        let a = with(&empty, "A");
        one.save(&a).unwrap();
        let b = with(&empty, "B");
        let outcome = two.save(&b).unwrap();
        assert!(matches!(outcome, Saved::Merged(_)));
        let (_, loaded) = SidecarStore::open(&path).unwrap();
        assert_eq!(loaded.unwrap().annotations.len(), 2);
    }

    #[test]
    fn broken_file_on_disk_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.txt.kim.gloss.ron");
        let (mut store, _) = SidecarStore::open(&path).unwrap();
        std::fs::write(&path, "(version: 1, oops").unwrap();
        let err = store.save(&Sidecar::new(&doc(), "kim")).unwrap_err();
        assert!(err.to_string().contains("m.txt.kim.gloss.ron:1:"), "{err}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "(version: 1, oops");
    }

    #[test]
    fn a_second_session_sees_the_lock_and_a_stale_file_locks_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.txt.kim.gloss.ron");
        // A lock file left behind by a crash holds no lock.
        std::fs::write(lock_path(&path), b"").unwrap();
        let first = SessionLock::acquire(&path).unwrap();
        assert!(first.exclusive);
        let second = SessionLock::acquire(&path).unwrap();
        assert!(!second.exclusive);
        drop(second);
        drop(first);
        assert!(!lock_path(&path).exists());
        assert!(SessionLock::acquire(&path).unwrap().exclusive);
    }

    #[test]
    fn refresh_merges_a_change_made_on_disk_without_writing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.txt.kim.gloss.ron");
        let (mut store, _) = SidecarStore::open(&path).unwrap();
        let ours = with(&Sidecar::new(&doc(), "kim"), "A");
        store.save(&ours).unwrap();
        assert!(matches!(
            store.refresh(&ours).unwrap(),
            Refreshed::Unchanged
        ));
        // Someone else (git pull) adds an annotation.
        let theirs = with(&ours, "B");
        let text = theirs.to_ron().unwrap();
        std::fs::write(&path, &text).unwrap();
        let ours2 = with(&ours, "C");
        let Refreshed::Merged(merged) = store.refresh(&ours2).unwrap() else {
            panic!("not merged");
        };
        assert_eq!(merged.sidecar.annotations.len(), 3);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        // The disk version is the new base: saving writes the merge.
        store.save(&merged.sidecar).unwrap();
        let (_, loaded) = SidecarStore::open(&path).unwrap();
        assert_eq!(loaded.unwrap().annotations.len(), 3);
    }

    #[test]
    fn a_sidecar_deleted_under_us_is_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.txt.kim.gloss.ron");
        let (mut store, _) = SidecarStore::open(&path).unwrap();
        let ours = with(&Sidecar::new(&doc(), "kim"), "A");
        store.save(&ours).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert!(matches!(
            store.refresh(&ours).unwrap(),
            Refreshed::Recreated
        ));
        assert_eq!(Sidecar::load(&path).unwrap(), ours);
        assert!(matches!(
            store.refresh(&ours).unwrap(),
            Refreshed::Unchanged
        ));
        // An empty sidecar deleted on purpose stays deleted.
        let empty = Sidecar::new(&doc(), "kim");
        store.save(&empty).unwrap();
        std::fs::remove_file(&path).unwrap();
        assert!(matches!(
            store.refresh(&empty).unwrap(),
            Refreshed::Unchanged
        ));
        assert!(!path.exists());
    }

    #[test]
    fn write_failures_leave_the_old_file_and_report() {
        let dir = tempfile::tempdir().unwrap();
        // The sidecar's folder is a file: every write fails (like a gone mount).
        let blocker = dir.path().join("folder");
        std::fs::write(&blocker, b"not a folder").unwrap();
        let path = blocker.join("m.txt.kim.gloss.ron");
        let (mut store, _) = SidecarStore::open(&path).unwrap_or_else(|_| {
            (
                SidecarStore {
                    path: path.clone(),
                    base: None,
                    disk: None,
                },
                None,
            )
        });
        assert!(store.save(&Sidecar::new(&doc(), "kim")).is_err());
        // The sidecar path is a folder (a locked name): the rename fails, the
        // folder and its content stay.
        let path = dir.path().join("m.txt.kim.gloss.ron");
        std::fs::create_dir(&path).unwrap();
        std::fs::write(path.join("inside"), b"x").unwrap();
        let mut store = SidecarStore {
            path: path.clone(),
            base: None,
            disk: None,
        };
        assert!(store.save(&Sidecar::new(&doc(), "kim")).is_err());
        assert_eq!(std::fs::read(path.join("inside")).unwrap(), b"x");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 2, "no temporary file left: {leftovers:?}");
    }

    #[test]
    fn stale_temporaries_of_killed_saves_are_removed_fresh_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.txt.kim.gloss.ron");
        let stale = dir.path().join(".m.txt.kim.gloss.ron.Ab12Cd");
        let fresh = dir.path().join(".m.txt.kim.gloss.ron.Zz99yy");
        let other = dir.path().join(".m.txt.kim.gloss.journal");
        for p in [&stale, &fresh, &other] {
            std::fs::write(p, b"x").unwrap();
        }
        let two_hours_ago = SystemTime::now() - std::time::Duration::from_secs(7200);
        for p in [&stale, &other] {
            std::fs::File::options()
                .write(true)
                .open(p)
                .unwrap()
                .set_modified(two_hours_ago)
                .unwrap();
        }
        SidecarStore::open(&path).unwrap();
        assert!(!stale.exists());
        assert!(fresh.exists() && other.exists());
    }

    #[cfg(unix)]
    #[test]
    fn keeps_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p.ron");
        std::fs::write(&path, "x").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_atomic(&path, b"y").unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o640);
    }
}
