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

/// A project file opened for editing from a document: where it is, what it
/// holds, and the store that saves it.
#[derive(Debug)]
pub struct OpenProject {
    /// The folder the project file is the root of.
    pub root: PathBuf,
    pub project: Project,
    pub store: ProjectStore,
}

impl OpenProject {
    /// The project file above `document` (or folder), if there is one.
    pub fn above(document: &Path) -> Result<Option<OpenProject>, ProjectError> {
        let Some(file) = Project::find(document) else {
            return Ok(None);
        };
        let (store, project) = ProjectStore::open(&file)?;
        Ok(Some(OpenProject {
            root: super::root_of(&file),
            project: project.unwrap_or_default(),
            store,
        }))
    }

    /// The project file above `document`, or else a new one in the
    /// document's folder (written at the first save). The flag says whether
    /// it is new, so the user can be told.
    pub fn above_or_beside(document: &Path) -> Result<(OpenProject, bool), ProjectError> {
        if let Some(open) = OpenProject::above(document)? {
            return Ok((open, false));
        }
        let abs = std::path::absolute(document).unwrap_or_else(|_| document.to_path_buf());
        let folder = if abs.is_dir() {
            abs
        } else {
            super::root_of(&abs)
        };
        let file = folder.join(super::FILE_NAME);
        let (store, project) = ProjectStore::open(&file)?;
        Ok((
            OpenProject {
                root: folder,
                project: project.unwrap_or_default(),
                store,
            },
            true,
        ))
    }

    /// The key of `document` in this project ([`super::document_key`]).
    pub fn key(&self, document: &Path) -> Option<String> {
        super::document_key(&self.root, document)
    }

    /// Save the project, taking in what others changed meanwhile.
    pub fn save(&mut self) -> Result<Saved, ProjectError> {
        let saved = self.store.save(&self.project)?;
        if let Saved::Merged(m) = &saved {
            self.project = m.project.clone();
        }
        Ok(saved)
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
    fn a_document_without_a_project_gets_one_in_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("1956");
        std::fs::create_dir_all(&folder).unwrap();
        let doc = folder.join("memo.txt");
        std::fs::write(&doc, "x").unwrap();
        assert!(OpenProject::above(&doc).unwrap().is_none());
        let (mut open, created) = OpenProject::above_or_beside(&doc).unwrap();
        assert!(created);
        assert!(
            !folder.join("gloss.ron").exists(),
            "written at the first save"
        );
        let key = open.key(&doc).unwrap();
        assert_eq!(key, "memo.txt");
        open.project.document_mut(&key).meta.title = Some("Memo".into());
        // Someone else creates the file meanwhile: both edits are kept.
        let mut theirs = Project::new();
        theirs.issues.push(IssueEntry::new("aid"));
        std::fs::write(folder.join("gloss.ron"), theirs.to_ron().unwrap()).unwrap();
        assert!(matches!(open.save().unwrap(), Saved::Merged(_)));
        assert_eq!(open.project.issue_names(), vec!["aid"]);
        let (again, created) = OpenProject::above_or_beside(&doc).unwrap();
        assert!(!created);
        assert_eq!(again.project, open.project);
        assert_eq!(
            again.project.documents["memo.txt"].meta.title.as_deref(),
            Some("Memo")
        );
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
