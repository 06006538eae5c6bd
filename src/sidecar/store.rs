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
        let mut outcome = Saved::Written;
        let mut to_write = ours.clone();
        if self.changed_on_disk()?
            && let Some((theirs, _)) = self.read_disk()?
        {
            let empty = Sidecar {
                annotations: Vec::new(),
                ..ours.clone()
            };
            let base = self.base.clone().unwrap_or(empty);
            let merged = merge::merge(&base, ours, &theirs);
            to_write = merged.sidecar.clone();
            outcome = Saved::Merged(Box::new(merged));
        }
        let text = to_write.to_ron().map_err(|e| SidecarError::Serialize {
            path: self.path.display().to_string(),
            message: e.to_string(),
        })?;
        let unchanged = self
            .disk
            .as_ref()
            .is_some_and(|d| d.sha256 == <[u8; 32]>::from(Sha256::digest(text.as_bytes())));
        if !unchanged || matches!(outcome, Saved::Merged(_)) {
            write_atomic(&self.path, text.as_bytes()).map_err(|e| SidecarError::Io {
                path: self.path.display().to_string(),
                source: e,
            })?;
        }
        let meta = std::fs::metadata(&self.path).ok();
        self.disk = Some(DiskState::of_bytes(text.as_bytes(), meta.as_ref()));
        self.base = Some(to_write);
        Ok(outcome)
    }

    /// Point the store at another path (write the sidecar elsewhere).
    pub fn relocate(&mut self, path: &Path) {
        self.path = path.to_path_buf();
        self.disk = None;
        self.base = None;
    }
}

/// Write `bytes` to `path` atomically and durably: temporary file in the same
/// folder, write, fsync, rename, fsync the folder. Keeps an existing file's
/// permissions; writes through a symlink to its target.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let target = match std::fs::canonicalize(path) {
        Ok(real) => real,
        Err(_) => path.to_path_buf(),
    };
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
