//! The crash journal: changes made in the TUI that may not be in the sidecar yet.
//!
//! Every change is appended to the journal and fsynced *before* its save is
//! queued, so a kill -9, a power cut or a lost SSH connection between a key
//! press and the sidecar's rename loses nothing: reopening the document replays
//! the journal onto the sidecar and says how many changes were recovered. After
//! a save that contains every journalled change the journal is removed.
//!
//! The journal sits beside the sidecar as `.<sidecar name without .ron>.journal`
//! (e.g. `.memo.txt.kim.gloss.journal`); when that folder cannot be written, in
//! the state folder from `directories` (or `GLOSS_STATE_DIR`), named after a
//! hash of the sidecar's path. It is JSON Lines: a header, then one entry per
//! change. Entries set an annotation's whole state by id, so replaying an entry
//! twice is harmless, and a torn last line (a crash mid-append) is ignored.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

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

    /// Apply to `sidecar`; returns true when it changed something.
    pub fn apply(&self, sidecar: &mut Sidecar) -> bool {
        let anns = &mut sidecar.annotations;
        match self {
            JournalEdit::Put(a) => match anns.iter_mut().find(|x| x.id == a.id) {
                Some(x) if *x == **a => false,
                Some(x) => {
                    *x = (**a).clone();
                    true
                }
                None => {
                    anns.push((**a).clone());
                    true
                }
            },
            JournalEdit::Remove { id } => {
                let before = anns.len();
                anns.retain(|x| &x.id != id);
                anns.len() != before
            }
        }
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    glossator_journal: u32,
    sidecar: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Entry {
    seq: u64,
    edit: JournalEdit,
}

/// What reopening found in a journal.
#[derive(Debug, Default)]
pub struct Recovered {
    /// Annotations the journal changed relative to the sidecar on disk.
    pub changes: usize,
    /// The journal file(s) read.
    pub paths: Vec<PathBuf>,
    /// Lines that could not be read (a torn last line after a crash).
    pub skipped_lines: usize,
}

/// The journal of one sidecar.
#[derive(Debug)]
pub struct Journal {
    sidecar: PathBuf,
    /// Where entries are being appended, once the first one is written.
    path: Option<PathBuf>,
    /// Entries not yet known to be in the sidecar on disk.
    pending: Vec<(u64, JournalEdit)>,
    next_seq: u64,
}

/// `.<sidecar name without .ron>.journal` beside the sidecar.
pub fn beside(sidecar: &Path) -> PathBuf {
    super::name_beside(sidecar, ".", ".ron", ".journal")
}

/// The journal's place in the state folder, used when the sidecar's folder is
/// not writable.
pub fn in_state_dir(sidecar: &Path) -> Option<PathBuf> {
    let dir = match std::env::var_os(STATE_DIR_ENV).filter(|d| !d.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => {
            let dirs = directories::ProjectDirs::from("org", "glossator", "glossator")?;
            dirs.state_dir()
                .unwrap_or_else(|| dirs.data_local_dir())
                .to_path_buf()
        }
    };
    let absolute = std::path::absolute(sidecar).unwrap_or_else(|_| sidecar.to_path_buf());
    // The bytes of the path: two names differing in non-UTF-8 bytes differ here.
    let digest = Sha256::digest(absolute.as_os_str().as_encoded_bytes());
    let name = sidecar
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Some(dir.join("journals").join(format!(
        "{}-{name}.journal",
        &crate::document::hex(&digest)[..16]
    )))
}

impl Journal {
    /// A journal for `sidecar` with nothing pending.
    pub fn new(sidecar: &Path) -> Journal {
        Journal {
            sidecar: sidecar.to_path_buf(),
            path: None,
            pending: Vec::new(),
            next_seq: 1,
        }
    }

    /// Open the journal of `sidecar` and replay what it holds onto `into` (the
    /// sidecar as loaded from disk). The replayed entries stay pending until a
    /// save writes them.
    pub fn recover(sidecar: &Path, into: &mut Sidecar) -> (Journal, Recovered) {
        let mut journal = Journal::new(sidecar);
        let mut recovered = Recovered::default();
        let mut touched = std::collections::BTreeSet::new();
        let original = into.annotations.clone();
        let places = [Some(beside(sidecar)), in_state_dir(sidecar)];
        for path in places.into_iter().flatten() {
            if !std::fs::metadata(&path).is_ok_and(|m| m.is_file()) {
                continue;
            }
            let Ok(file) = File::open(&path) else {
                continue;
            };
            recovered.paths.push(path.clone());
            for (n, line) in BufReader::new(file).lines().enumerate() {
                let Ok(line) = line else {
                    recovered.skipped_lines += 1;
                    break;
                };
                if n == 0 && serde_json::from_str::<Header>(&line).is_ok() {
                    continue;
                }
                match serde_json::from_str::<Entry>(&line) {
                    Ok(entry) => {
                        if entry.edit.apply(into) {
                            touched.insert(entry.edit.id().to_string());
                        }
                        journal.next_seq = journal.next_seq.max(entry.seq + 1);
                        journal.pending.push((entry.seq, entry.edit));
                    }
                    Err(_) => recovered.skipped_lines += 1,
                }
            }
            if journal.path.is_none() {
                journal.path = Some(path);
            }
        }
        // Count annotations that differ from the sidecar on disk (added then
        // deleted again is no change).
        let find = |list: &[Annotation], id: &str| list.iter().find(|a| a.id == id).cloned();
        recovered.changes = touched
            .iter()
            .filter(|id| find(&original, id) != find(&into.annotations, id))
            .count();
        (journal, recovered)
    }

    /// Where the journal is (or will first be tried), for messages.
    pub fn path(&self) -> PathBuf {
        self.path.clone().unwrap_or_else(|| beside(&self.sidecar))
    }

    /// Sequence number of the newest change recorded (0 when none).
    pub fn last_seq(&self) -> u64 {
        self.next_seq - 1
    }

    /// Changes not yet known to be saved.
    pub fn pending(&self) -> usize {
        self.pending.len()
    }

    /// Append `edits` durably (written and fsynced before returning).
    pub fn record(&mut self, edits: Vec<JournalEdit>) -> std::io::Result<u64> {
        if edits.is_empty() {
            return Ok(self.last_seq());
        }
        let mut text = String::new();
        let first = self.next_seq;
        for (k, edit) in edits.iter().enumerate() {
            let entry = Entry {
                seq: first + k as u64,
                edit: edit.clone(),
            };
            text.push_str(&serde_json::to_string(&entry).map_err(std::io::Error::other)?);
            text.push('\n');
        }
        self.append(text.as_bytes())?;
        for edit in edits {
            self.pending.push((self.next_seq, edit));
            self.next_seq += 1;
        }
        Ok(self.last_seq())
    }

    fn append(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        if let Some(path) = self.path.clone() {
            match append_to(&path, &self.sidecar, bytes, false) {
                Ok(()) => return Ok(()),
                Err(e) if path != beside(&self.sidecar) => return Err(e),
                // The sidecar's folder became unwritable: move to the state folder.
                Err(_) => {}
            }
        }
        let mut last_error = None;
        let candidates = [Some(beside(&self.sidecar)), in_state_dir(&self.sidecar)];
        for path in candidates.into_iter().flatten() {
            if self.path.as_ref() == Some(&path) {
                continue;
            }
            // A journal moving to a new place carries every pending entry along.
            let mut all = String::new();
            for (seq, edit) in &self.pending {
                let entry = Entry {
                    seq: *seq,
                    edit: edit.clone(),
                };
                all.push_str(&serde_json::to_string(&entry).map_err(std::io::Error::other)?);
                all.push('\n');
            }
            let mut body = all.into_bytes();
            body.extend_from_slice(bytes);
            match append_to(&path, &self.sidecar, &body, true) {
                Ok(()) => {
                    if let Some(old) = self.path.replace(path) {
                        let _ = std::fs::remove_file(old);
                    }
                    return Ok(());
                }
                Err(e) => last_error = Some(e),
            }
        }
        Err(last_error.unwrap_or_else(|| std::io::Error::other("no place to write the journal")))
    }

    /// A save containing every change up to `seq` succeeded: forget those, and
    /// remove the journal when nothing is left.
    pub fn saved(&mut self, seq: u64) -> std::io::Result<()> {
        self.pending.retain(|(s, _)| *s > seq);
        let Some(path) = self.path.clone() else {
            return Ok(());
        };
        if self.pending.is_empty() {
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
            self.path = None;
            return Ok(());
        }
        let mut text = header_line(&self.sidecar);
        for (seq, edit) in &self.pending {
            let entry = Entry {
                seq: *seq,
                edit: edit.clone(),
            };
            text.push_str(&serde_json::to_string(&entry).map_err(std::io::Error::other)?);
            text.push('\n');
        }
        super::store::write_atomic(&path, text.as_bytes())
    }
}

fn header_line(sidecar: &Path) -> String {
    let header = Header {
        glossator_journal: 1,
        sidecar: sidecar.display().to_string(),
    };
    let mut line = serde_json::to_string(&header).unwrap_or_default();
    line.push('\n');
    line
}

/// Append `bytes` to the journal at `path` and fsync. A new (or `fresh`) file
/// starts with a header and has its folder fsynced so the file itself survives
/// a power cut.
fn append_to(path: &Path, sidecar: &Path, bytes: &[u8], fresh: bool) -> std::io::Result<()> {
    if fresh {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let mut text = header_line(sidecar).into_bytes();
        text.extend_from_slice(bytes);
        return super::store::write_atomic(path, &text);
    }
    let mut file = OpenOptions::new().append(true).open(path)?;
    file.write_all(bytes)?;
    file.sync_data()
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
        let mut j = Journal::new(&sidecar);
        j.record(vec![JournalEdit::Put(Box::new(a.clone()))])
            .unwrap();
        let seq = j
            .record(vec![
                JournalEdit::Put(Box::new(b.clone())),
                JournalEdit::Remove { id: a.id.clone() },
            ])
            .unwrap();
        assert_eq!(seq, 3);
        assert!(beside(&sidecar).exists());

        let mut loaded = Sidecar::new(&doc(), "kim");
        let (mut again, rec) = Journal::recover(&sidecar, &mut loaded);
        assert_eq!(rec.changes, 1, "a was added then removed: only b is new");
        assert_eq!(loaded.annotations, vec![b.clone()]);
        assert_eq!(again.pending(), 3);
        assert_eq!(again.last_seq(), 3);

        again.saved(2).unwrap();
        assert!(beside(&sidecar).exists(), "entry 3 is not saved yet");
        again.saved(3).unwrap();
        assert!(!beside(&sidecar).exists());
    }

    #[test]
    fn a_torn_last_line_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let sidecar = dir.path().join("m.txt.kim.gloss.ron");
        let a = claim("A");
        let mut j = Journal::new(&sidecar);
        j.record(vec![JournalEdit::Put(Box::new(a.clone()))])
            .unwrap();
        let mut f = OpenOptions::new()
            .append(true)
            .open(beside(&sidecar))
            .unwrap();
        f.write_all(b"{\"seq\":2,\"edit\":{\"Put\":{\"id\":\"x")
            .unwrap();
        let mut loaded = Sidecar::new(&doc(), "kim");
        let (_, rec) = Journal::recover(&sidecar, &mut loaded);
        assert_eq!(rec.changes, 1);
        assert_eq!(rec.skipped_lines, 1);
        assert_eq!(loaded.annotations, vec![a]);
    }
}
