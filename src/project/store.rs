//! The project file on disk as one session sees it, saved as sidecars are.
//!
//! The same guarantees as [`crate::sidecar::store::SidecarStore`], through the
//! same helpers: reads are size-capped and UTF-8 checked
//! ([`crate::sidecar::read_capped`]); before a write the file is re-hashed and,
//! when someone else changed it, merged three-way against the version last
//! read; writes are atomic and durable ([`crate::sidecar::store::write_atomic`]);
//! a file that does not parse is reported and never overwritten.

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

use super::merge::{self, Merged};
use super::{Project, ProjectError};
use crate::sidecar::store::{STALE_TEMPORARY_AGE, remove_stale_temporaries, write_atomic};

/// The result of a save.
#[derive(Debug)]
pub enum Saved {
    /// Nothing had changed on disk; ours was written (or was already there).
    Written,
    /// Someone else changed the file; the merge was written.
    Merged(Box<Merged>),
}

/// One project file and the version of it this session last saw.
#[derive(Debug)]
pub struct ProjectStore {
    path: PathBuf,
    /// Content last read from or written to disk (the merge base).
    base: Option<Project>,
    /// SHA-256 of the bytes last read or written.
    disk: Option<[u8; 32]>,
}

impl ProjectStore {
    /// Open the store for `path`: load the project file if it exists.
    pub fn open(path: &Path) -> Result<(ProjectStore, Option<Project>), ProjectError> {
        let mut store = ProjectStore {
            path: path.to_path_buf(),
            base: None,
            disk: None,
        };
        remove_stale_temporaries(path, STALE_TEMPORARY_AGE);
        if let Some((project, digest)) = store.read_disk()? {
            store.base = Some(project.clone());
            store.disk = Some(digest);
            return Ok((store, Some(project)));
        }
        Ok((store, None))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The version last read or written.
    pub fn base(&self) -> Option<&Project> {
        self.base.as_ref()
    }

    fn io(&self, source: std::io::Error) -> ProjectError {
        ProjectError::Io {
            path: self.path.display().to_string(),
            source,
        }
    }

    fn read_disk(&self) -> Result<Option<(Project, [u8; 32])>, ProjectError> {
        match std::fs::symlink_metadata(&self.path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(self.io(e)),
            Ok(_) => {}
        }
        let text = crate::sidecar::read_capped(&self.path)?;
        let digest = Sha256::digest(text.as_bytes()).into();
        Ok(Some((Project::parse(&text, &self.path)?, digest)))
    }

    /// Has the file changed since we last read or wrote it?
    pub fn changed_on_disk(&self) -> Result<bool, ProjectError> {
        let now = match std::fs::read(&self.path) {
            Ok(bytes) => Some(<[u8; 32]>::from(Sha256::digest(&bytes))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(self.io(e)),
        };
        Ok(now != self.disk)
    }

    /// Save `ours`, merging first if the file changed under us. When the file
    /// on disk no longer parses, nothing is written (error).
    pub fn save(&mut self, ours: &Project) -> Result<Saved, ProjectError> {
        let mut outcome = Saved::Written;
        let mut version = ours.clone();
        if self.changed_on_disk()?
            && let Some((theirs, _)) = self.read_disk()?
        {
            let base = self.base.clone().unwrap_or_default();
            let merged = merge::merge(&base, ours, &theirs);
            version = merged.project.clone();
            outcome = Saved::Merged(Box::new(merged));
        }
        version.normalise();
        let text = version.to_ron().map_err(|e| ProjectError::Serialize {
            path: self.path.display().to_string(),
            message: e.to_string(),
        })?;
        let digest: [u8; 32] = Sha256::digest(text.as_bytes()).into();
        if self.disk != Some(digest) {
            write_atomic(&self.path, text.as_bytes()).map_err(|e| self.io(e))?;
        }
        self.disk = Some(digest);
        self.base = Some(version);
        Ok(outcome)
    }

    /// Fold a change made on disk by someone else into `ours` without
    /// writing; the disk version becomes the merge base. `None` when nothing
    /// changed (or the file is gone: the next save writes it again).
    pub fn refresh(&mut self, ours: &Project) -> Result<Option<Merged>, ProjectError> {
        if !self.changed_on_disk()? {
            return Ok(None);
        }
        let Some((theirs, digest)) = self.read_disk()? else {
            self.disk = None;
            return Ok(None);
        };
        let base = self.base.clone().unwrap_or_default();
        let merged = merge::merge(&base, ours, &theirs);
        self.base = Some(theirs);
        self.disk = Some(digest);
        Ok(Some(merged))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::{ActorEntry, IssueEntry};

    #[test]
    fn save_load_and_identical_rewrite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gloss.ron");
        let (mut store, none) = ProjectStore::open(&path).unwrap();
        assert!(none.is_none());
        let mut p = Project::new();
        p.actors.push(ActorEntry::new("Nam Il"));
        store.save(&p).unwrap();
        let first = std::fs::read(&path).unwrap();
        let before = std::fs::metadata(&path).unwrap().modified().unwrap();
        store.save(&p).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), first);
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            before
        );
        let (_, loaded) = ProjectStore::open(&path).unwrap();
        assert_eq!(loaded.unwrap(), p);
    }

    #[test]
    fn concurrent_sessions_keep_both_edits() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gloss.ron");
        std::fs::write(&path, Project::new().to_ron().unwrap()).unwrap();
        let (mut one, Some(p1)) = ProjectStore::open(&path).unwrap() else {
            panic!("no project")
        };
        let (mut two, Some(p2)) = ProjectStore::open(&path).unwrap() else {
            panic!("no project")
        };
        let mut a = p1.clone();
        a.actors.push(ActorEntry::new("Nam Il"));
        one.save(&a).unwrap();
        let mut b = p2.clone();
        b.issues.push(IssueEntry::new("aid"));
        assert!(matches!(two.save(&b).unwrap(), Saved::Merged(_)));
        let loaded = Project::load(&path).unwrap();
        assert_eq!(loaded.actors.len(), 1);
        assert_eq!(loaded.issue_names(), vec!["aid"]);
        // The first session sees the second's issue when it looks.
        let merged = one.refresh(&a).unwrap().unwrap();
        assert_eq!(merged.project, loaded);
    }

    #[test]
    fn broken_file_on_disk_is_never_overwritten() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gloss.ron");
        let (mut store, _) = ProjectStore::open(&path).unwrap();
        std::fs::write(&path, "(version: 1, actors: [(name: )])").unwrap();
        let err = store.save(&Project::new()).unwrap_err().to_string();
        assert!(err.starts_with(&format!("{}:1:", path.display())), "{err}");
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "(version: 1, actors: [(name: )])"
        );
        assert!(ProjectStore::open(&path).is_err());
    }
}
