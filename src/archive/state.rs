//! Where the user left off: the paragraph of each document opened from a
//! corpus list, and each corpus list's row, sort and filters.
//!
//! A small RON file in the platform's state folder (`GLOSS_STATE_DIR`
//! overrides it). It is only a convenience: safe to delete, and one that
//! does not parse is ignored (the caller says so once) and replaced at the
//! next save.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Environment variable naming another state folder (tests use it), as
/// for crash journals.
pub use crate::sidecar::journal::STATE_DIR_ENV;
/// The file's name in the state folder.
pub const FILE_NAME: &str = "places.ron";
/// Documents remembered at most (the oldest are forgotten first).
const MAX_DOCUMENTS: usize = 5000;

/// A corpus list as it was left.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ListPlace {
    /// The selected document.
    pub selected: Option<PathBuf>,
    /// The sort's name ([`crate::app::corpus::SortKey::name`]).
    pub sort: String,
    pub reverse: bool,
    pub filter: String,
    pub annotator: Option<String>,
    pub untagged: bool,
    pub status: Option<String>,
    pub actor: Option<String>,
}

/// The whole state file.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Places {
    /// Absolute document path → (0-based paragraph, when: a counter for
    /// forgetting the oldest).
    pub documents: BTreeMap<PathBuf, (usize, u64)>,
    /// Absolute corpus root → its list.
    pub lists: BTreeMap<PathBuf, ListPlace>,
    /// The counter of the newest remembered document.
    pub clock: u64,
}

/// The state folder: `GLOSS_STATE_DIR`, else the platform's state folder
/// (its local data folder where there is none, as on macOS and Windows).
pub fn state_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(STATE_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    platform_state_dir()
}

/// The platform's state folder for gloss (its local data folder where
/// there is none): what the remembered places, the journals and the
/// extraction cache use when `GLOSS_STATE_DIR` names none. Unit tests get a
/// folder of their own under the system's temporary folder: running them
/// never writes into the user's.
pub fn platform_state_dir() -> Option<PathBuf> {
    if cfg!(test) {
        return Some(std::env::temp_dir().join("glossator-unit-tests-state"));
    }
    let dirs = directories::ProjectDirs::from("org", "glossator", "glossator")?;
    Some(
        dirs.state_dir()
            .unwrap_or_else(|| dirs.data_local_dir())
            .to_path_buf(),
    )
}

/// One spelling per file: `archive`, `./archive`, `/home/me/archive` and
/// `../archive` from a folder inside it are the same list (a path that does
/// not resolve, e.g. a deleted document, is only made absolute).
fn absolute(path: &Path) -> PathBuf {
    std::fs::canonicalize(path)
        .or_else(|_| std::path::absolute(path))
        .unwrap_or_else(|_| path.to_path_buf())
}

impl Places {
    /// Load the state file at `file`: missing is empty; broken is empty
    /// with a message naming the file and position.
    pub fn load(file: &Path) -> (Places, Option<String>) {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return (Places::default(), None);
            }
            Err(e) => {
                return (
                    Places::default(),
                    Some(format!("{}: {e} — places not restored", file.display())),
                );
            }
        };
        match ron::from_str(&text) {
            Ok(p) => (p, None),
            Err(e) => (
                Places::default(),
                Some(format!(
                    "{}:{}:{}: {} — ignored (safe to delete)",
                    file.display(),
                    e.span.start.line,
                    e.span.start.col,
                    e.code
                )),
            ),
        }
    }

    /// Write it (atomically, so a crash never leaves half a file).
    pub fn save(&self, file: &Path) -> Result<(), String> {
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
        let text = ron::ser::to_string_pretty(self, ron::ser::PrettyConfig::default())
            .map_err(|e| e.to_string())?;
        crate::sidecar::store::write_atomic(file, text.as_bytes())
            .map_err(|e| format!("{}: {e}", file.display()))
    }

    /// The paragraph `document` was left at.
    pub fn paragraph(&self, document: &Path) -> Option<usize> {
        self.documents.get(&absolute(document)).map(|(p, _)| *p)
    }

    pub fn set_paragraph(&mut self, document: &Path, paragraph: usize) {
        self.clock += 1;
        self.documents
            .insert(absolute(document), (paragraph, self.clock));
        if self.documents.len() > MAX_DOCUMENTS {
            let oldest = self
                .documents
                .iter()
                .min_by_key(|(_, (_, t))| *t)
                .map(|(p, _)| p.clone());
            if let Some(p) = oldest {
                self.documents.remove(&p);
            }
        }
    }

    /// The list at `root` as it was left, its selected document spelled
    /// below `root` as given now (the list's rows are).
    pub fn list(&self, root: &Path) -> Option<ListPlace> {
        let mut place = self.lists.get(&absolute(root))?.clone();
        place.selected = place.selected.map(|below| root.join(below));
        Some(place)
    }

    /// Remember the list at `root`. Its selected document is kept relative
    /// to the root, so the row is found again however the folder is named
    /// next time (`gloss archive`, `gloss` inside it, an absolute path).
    pub fn set_list(&mut self, root: &Path, mut place: ListPlace) {
        place.selected = place
            .selected
            .map(|doc| doc.strip_prefix(root).map(Path::to_path_buf).unwrap_or(doc));
        self.lists.insert(absolute(root), place);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("state").join(FILE_NAME);
        let mut p = Places::default();
        p.set_paragraph(&dir.path().join("m.txt"), 7);
        p.set_list(
            dir.path(),
            ListPlace {
                selected: Some(dir.path().join("m.txt")),
                sort: "date".into(),
                filter: "nam".into(),
                ..ListPlace::default()
            },
        );
        p.save(&file).unwrap();
        let (back, said) = Places::load(&file);
        assert!(said.is_none());
        assert_eq!(back, p);
        assert_eq!(back.paragraph(&dir.path().join("m.txt")), Some(7));
        assert_eq!(back.list(dir.path()).unwrap().filter, "nam");
    }

    /// `gloss archive` one day and `gloss` inside archive/ (an absolute
    /// root) the next: the row left is the row found, under either name.
    #[test]
    fn a_list_place_is_found_under_another_spelling_of_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("archive");
        std::fs::create_dir_all(root.join("1957")).unwrap();
        std::fs::write(root.join("1957/m.txt"), "text").unwrap();
        let mut p = Places::default();
        p.set_list(
            &root,
            ListPlace {
                selected: Some(root.join("1957/m.txt")),
                ..ListPlace::default()
            },
        );
        let other = root.join("1957/..");
        assert_eq!(
            p.list(&other).unwrap().selected,
            Some(other.join("1957/m.txt"))
        );
    }

    #[test]
    fn a_broken_state_file_is_ignored_with_a_message() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(FILE_NAME);
        std::fs::write(&file, "(documents: {").unwrap();
        let (p, said) = Places::load(&file);
        assert_eq!(p, Places::default());
        let said = said.unwrap();
        assert!(said.contains("places.ron:1:"), "{said}");
        assert!(said.contains("ignored"), "{said}");
        // And a missing one is simply empty.
        assert_eq!(
            Places::load(&dir.path().join("nope")),
            (Places::default(), None)
        );
    }

    #[test]
    fn the_oldest_documents_are_forgotten() {
        let mut p = Places::default();
        for i in 0..MAX_DOCUMENTS + 3 {
            p.set_paragraph(Path::new(&format!("/d/{i}.txt")), i);
        }
        assert_eq!(p.documents.len(), MAX_DOCUMENTS);
        assert_eq!(p.paragraph(Path::new("/d/0.txt")), None);
        assert_eq!(p.paragraph(Path::new("/d/5.txt")), Some(5));
    }
}
