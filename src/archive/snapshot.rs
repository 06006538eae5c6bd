//! The corpus as a session last saw it complete, in one file of the state
//! folder: every folder listed, with its stamp, and every document's files
//! with their stamps, its counts and its facts.
//!
//! A reopen checks each folder's stamp (unchanged: the same names are in
//! it, so the same documents and sidecars) and each file's stamp
//! (unchanged: the same content, by the caches' rule — a value is kept only
//! when none of its files was racy, see [`cache::RACY_SECONDS`]). Then the
//! rows show complete at once: no folder is listed again, no path looked up
//! in the caches; documents whose files changed are read as on a first
//! open. The names walk, the caches' lookups and their hashing of paths are
//! what a reopen spent most of its time on before.
//!
//! Like the caches, a convenience and never a source of truth: a missing,
//! broken or older-format file, a folder changed (or changed too shortly
//! before it was listed to tell), a file gone — and the corpus is listed as
//! if the snapshot were not there. The snapshot is checked against the
//! disk, never against the time it was written: an old one is never wrong,
//! at most of no use.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};

use super::cache;
use super::index::{DocCounts, DocFacts, FolderFiles, ListedFolder, Listing, Stamp};
use super::parallel;

/// First bytes of a snapshot file.
const MAGIC: &[u8; 8] = b"glosssnp";
/// The snapshot's format; a file of another one is not used.
const FORMAT: u32 = 2;

/// A document's counts and facts as the caches encode them (postcard).
pub(crate) type Encoded<'a> = (&'a [u8], &'a [u8]);

/// A corpus reopened from its snapshot: what the names walk, the stamping
/// and the caches would have given, checked against the disk.
#[derive(Debug)]
pub(crate) struct Reopened<R> {
    /// Every document with its files' stamps as of `stamped_at`.
    pub listings: Listings,
    /// For each document, what the caller made of its path, its sidecars
    /// and its counts and facts (given when none of its files changed
    /// since they were computed): its row. In path order.
    pub rows: Vec<R>,
    /// The folders, with the stamps they had when `listed_at` (and still
    /// have).
    pub folders: Vec<ListedFolder>,
    pub listed_at: SystemTime,
    /// When the files were stamped (just before).
    pub stamped_at: SystemTime,
}

/// The listings of a reopened corpus, made where they are needed — on the
/// thread that watches the files, not before the first frame (ten
/// thousand documents' paths and stamps, made once more, were a tenth of a
/// reopen): the snapshot's bytes, and the stamps the reopen took.
#[derive(Debug)]
pub(crate) struct Listings {
    root: PathBuf,
    bytes: Vec<u8>,
    /// Folder by folder as stored: each document's stamp, then its
    /// sidecars'.
    stamps: Vec<Vec<Stamp>>,
}

impl Listings {
    /// Every document with the stamps its files had at the reopen (in the
    /// snapshot's order, not necessarily path order).
    pub(crate) fn make(self) -> Vec<Listing> {
        // Decoded once already: it cannot fail now.
        let Some(stored) = decode(&self.bytes) else {
            return Vec::new();
        };
        let mut out = Vec::with_capacity(self.stamps.iter().map(Vec::len).sum::<usize>() / 2);
        for (folder, stamps) in stored.folders.iter().zip(&self.stamps) {
            let Some(below) = os_str(folder.path.0) else {
                continue;
            };
            let dir = joined(&self.root, below);
            let mut stamps = stamps.iter().copied();
            let mut listing = |d: &StoredDocument| {
                let stamp = stamps.next()?;
                let document = dir.join(os_str(d.name.0)?);
                let mut sidecars = Vec::with_capacity(d.sidecars.len());
                for (annotator, name, _) in &d.sidecars {
                    let stamp = stamps.next()?;
                    sidecars.push((annotator.to_string(), dir.join(os_str(name.0)?), stamp));
                }
                Some(Listing {
                    document,
                    stamp,
                    sidecars,
                })
            };
            let documents: Vec<StoredDocument> =
                postcard::from_bytes(folder.documents.0).unwrap_or_default();
            for d in &documents {
                match listing(d) {
                    Some(l) => out.push(l),
                    None => break,
                }
            }
        }
        out
    }
}

/// What the file holds. Paths are bytes below the corpus root, so a corpus
/// opened by another spelling of its path (`.`, relative, absolute; the
/// file is found by the canonical one) lists under that spelling.
#[derive(Serialize, Deserialize)]
struct Stored<'a> {
    /// The program that wrote it (another version may count otherwise).
    context: [u8; 32],
    /// When the folders were listed (nanoseconds since the epoch).
    listed_at: i128,
    #[serde(borrow)]
    folders: Vec<StoredFolder<'a>>,
}

#[derive(Serialize, Deserialize)]
struct StoredFolder<'a> {
    /// Below the root (empty: the root).
    #[serde(borrow)]
    path: Bytes<'a>,
    stamp: Stamp,
    /// Its documents, encoded apart (a `Vec<StoredDocument>`): each
    /// folder's are decoded on the thread that stamps them, not all before.
    #[serde(borrow)]
    documents: Bytes<'a>,
}

#[derive(Serialize, Deserialize)]
struct StoredDocument<'a> {
    #[serde(borrow)]
    name: Bytes<'a>,
    stamp: Stamp,
    /// `(annotator, file name, stamp)`.
    #[serde(borrow)]
    sidecars: Vec<(&'a str, Bytes<'a>, Stamp)>,
    /// Counts and facts, when both were computed from files with exactly
    /// these stamps, none of them racy.
    #[serde(borrow)]
    values: Option<(Bytes<'a>, Bytes<'a>)>,
}

/// Bytes written as bytes and read back borrowed (serde writes a `&[u8]`
/// as a sequence of numbers).
#[derive(Clone, Copy)]
struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Bytes<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        <&'de [u8]>::deserialize(d).map(Bytes)
    }
}

/// The program a snapshot was written by.
fn context() -> [u8; 32] {
    static CONTEXT: std::sync::OnceLock<[u8; 32]> = std::sync::OnceLock::new();
    *CONTEXT.get_or_init(|| cache::context_of(&[b"snapshot", env!("CARGO_PKG_VERSION").as_bytes()]))
}

/// A name's bytes as stored, and (below) back: as they are on Unix; on
/// other systems a name that is not UTF-8 is not read back.
fn os_bytes(s: &OsStr) -> &[u8] {
    s.as_encoded_bytes()
}

#[cfg(unix)]
fn os_str(b: &[u8]) -> Option<&OsStr> {
    use std::os::unix::ffi::OsStrExt;
    Some(OsStr::from_bytes(b))
}

#[cfg(not(unix))]
fn os_str(b: &[u8]) -> Option<&OsStr> {
    std::str::from_utf8(b).ok().map(OsStr::new)
}

/// `root` joined with `below` (a root's own folder is the root as given,
/// not with a separator after it).
fn joined(root: &Path, below: &OsStr) -> PathBuf {
    if below.is_empty() {
        root.to_path_buf()
    } else {
        root.join(below)
    }
}

/// Write the snapshot of the corpus at `root` to `file`: its `folders`, as
/// listed at `listed_at`, and the documents `known` with the values
/// `encoded` gives for them (the caches' encodings, when settled for the
/// listing's stamps). Nothing is written when a folder has no stamp or a
/// document lies outside the folders listed; an older file then stays,
/// harmless (it is checked against the disk).
pub(crate) fn save<'v>(
    file: &Path,
    root: &Path,
    folders: &[ListedFolder],
    listed_at: SystemTime,
    known: &HashMap<PathBuf, Listing>,
    encoded: impl Fn(&Listing) -> Option<Encoded<'v>>,
) -> std::io::Result<()> {
    let Some(bytes) = encode(root, folders, listed_at, known, encoded) else {
        return Ok(());
    };
    cache::replace_file(file, &bytes)
}

fn encode<'v>(
    root: &Path,
    folders: &[ListedFolder],
    listed_at: SystemTime,
    known: &HashMap<PathBuf, Listing>,
    encoded: impl Fn(&Listing) -> Option<Encoded<'v>>,
) -> Option<Vec<u8>> {
    // Folders in path order, and each one's documents by name: a reopen
    // then finds them in path order (unless a folder holds documents and
    // folders both).
    let mut folders: Vec<&ListedFolder> = folders.iter().collect();
    folders.sort_by(|a, b| a.0.cmp(&b.0));
    let index: HashMap<&Path, usize> = folders
        .iter()
        .enumerate()
        .map(|(i, (dir, _))| (dir.as_path(), i))
        .collect();
    let mut listed: Vec<Vec<&Listing>> = vec![Vec::new(); folders.len()];
    for listing in known.values() {
        let &folder = listing.document.parent().and_then(|d| index.get(d))?;
        listed[folder].push(listing);
    }
    // Each folder's documents encoded first (the folders borrow them).
    let mut encoded_documents = Vec::with_capacity(folders.len());
    for listings in &mut listed {
        // Names in one folder: their bytes' order is their paths'.
        listings.sort_unstable_by(|a, b| a.document.as_os_str().cmp(b.document.as_os_str()));
        let mut documents = Vec::with_capacity(listings.len());
        for listing in listings.iter() {
            let sidecars = listing
                .sidecars
                .iter()
                .map(|(annotator, path, stamp)| {
                    // A sidecar lives beside its document.
                    let name = path.file_name()?;
                    (path.parent() == listing.document.parent())
                        .then(|| (annotator.as_str(), Bytes(os_bytes(name)), *stamp))
                })
                .collect::<Option<Vec<_>>>()?;
            documents.push(StoredDocument {
                name: Bytes(os_bytes(listing.document.file_name()?)),
                stamp: listing.stamp,
                sidecars,
                values: encoded(listing).map(|(c, f)| (Bytes(c), Bytes(f))),
            });
        }
        encoded_documents.push(postcard::to_stdvec(&documents).ok()?);
    }
    let mut stored = Stored {
        context: context(),
        listed_at: cache::nanos(listed_at),
        folders: Vec::with_capacity(folders.len()),
    };
    for ((dir, stamp), documents) in folders.into_iter().zip(&encoded_documents) {
        let below = dir.strip_prefix(root).ok()?;
        stored.folders.push(StoredFolder {
            path: Bytes(os_bytes(below.as_os_str())),
            stamp: (*stamp)?,
            documents: Bytes(documents),
        });
    }
    let mut out = Vec::with_capacity(64 + known.len() * 256);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    postcard::to_io(&stored, &mut out).ok()?;
    Some(out)
}

fn decode(bytes: &[u8]) -> Option<Stored<'_>> {
    let rest = bytes.strip_prefix(MAGIC.as_slice())?;
    let (format, body) = rest.split_at_checked(4)?;
    if format != FORMAT.to_le_bytes() {
        return None;
    }
    let stored: Stored = postcard::from_bytes(body).ok()?;
    (stored.context == context()).then_some(stored)
}

/// The corpus at `root` as its snapshot `file` left it, if every folder is
/// as it was then (documents whose files changed come without values);
/// `None` when there is no usable snapshot or anything else changed.
/// `row` makes each document's row from its path, its sidecars
/// (`(annotator, path)`) and its values, on the thread that stamped it;
/// `path_of` gives a row's path back.
pub(crate) fn reopen<R: Send>(
    file: &Path,
    root: &Path,
    row: impl Fn(PathBuf, Vec<(String, PathBuf)>, Option<(DocCounts, DocFacts)>) -> R + Sync,
    path_of: impl Fn(&R) -> &Path,
) -> Option<Reopened<R>> {
    let stamped_at = SystemTime::now();
    let bytes = std::fs::read(file).ok()?;
    let stored = decode(&bytes)?;
    let listed_at = stored.listed_at;
    // Every folder's stamp first (a hundred or so): a changed one spares
    // stamping thousands of files in vain.
    let mut dirs = Vec::with_capacity(stored.folders.len());
    for folder in &stored.folders {
        let dir = joined(root, os_str(folder.path.0)?);
        let now = Stamp::of(&dir)?;
        if now != folder.stamp || cache::is_racy(now, listed_at) {
            return None;
        }
        dirs.push((folder, dir));
    }
    // Each folder's files on every core, stamped through its handle.
    let checked = parallel::map_each(&dirs, |(folder, dir)| {
        let documents: Vec<StoredDocument> = postcard::from_bytes(folder.documents.0).ok()?;
        let files = FolderFiles::open(dir)?;
        let mut stamps = Vec::with_capacity(documents.len() * 3);
        let mut rows = Vec::with_capacity(documents.len());
        for d in &documents {
            let name = os_str(d.name.0)?;
            let stamp = files.stamp_name(name)?;
            let mut same = stamp == d.stamp;
            stamps.push(stamp);
            let mut sidecars = Vec::with_capacity(d.sidecars.len());
            for (annotator, name, was) in &d.sidecars {
                let name = os_str(name.0)?;
                let stamp = files.stamp_name(name)?;
                same &= stamp == *was;
                stamps.push(stamp);
                sidecars.push((annotator.to_string(), dir.join(name)));
            }
            let values = match d.values {
                Some((counts, facts)) if same => postcard::from_bytes(counts.0)
                    .ok()
                    .zip(postcard::from_bytes(facts.0).ok()),
                _ => None,
            };
            rows.push(row(dir.join(name), sidecars, values));
        }
        Some((stamps, rows))
    });
    // Each row moved once, into room made for all.
    let documents = checked.iter().flatten().map(|(_, rows)| rows.len()).sum();
    let mut folders = Vec::with_capacity(checked.len());
    let mut stamps = Vec::with_capacity(checked.len());
    let mut rows = Vec::with_capacity(documents);
    // A folder's rows are in path order (by name); the whole list is when
    // each folder's first row comes after the last row before it.
    let mut sorted = true;
    for ((folder, dir), checked) in dirs.into_iter().zip(checked) {
        let (stamped, made) = checked?;
        folders.push((dir, Some(folder.stamp)));
        stamps.push(stamped);
        if let (Some(last), Some(first)) = (rows.last(), made.first()) {
            sorted &= path_of(last) <= path_of(first);
        }
        rows.extend(made);
    }
    // In path order, as the walk gives them (often they are already).
    if !sorted {
        rows.sort_by(|a, b| path_of(a).cmp(path_of(b)));
    }
    let listed_at =
        SystemTime::UNIX_EPOCH + std::time::Duration::from_nanos(u64::try_from(listed_at).ok()?);
    drop(stored);
    Some(Reopened {
        listings: Listings {
            root: root.to_path_buf(),
            bytes,
            stamps,
        },
        rows,
        folders,
        listed_at,
        stamped_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::archive::index::KindCounts;

    const HOUR: std::time::Duration = std::time::Duration::from_secs(3600);

    /// A corpus of two folders (the root and `box`), each document with a
    /// sidecar, listed as the index lists it. (The root's documents come
    /// before and after `box`'s in path order: folder by folder, they are
    /// not in it.)
    fn corpus() -> (
        tempfile::TempDir,
        Vec<ListedFolder>,
        HashMap<PathBuf, Listing>,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("box")).unwrap();
        let mut known = HashMap::new();
        for (doc, text) in [
            ("a.txt", "Alpha.\n"),
            ("box/b.txt", "Beta.\n\nGamma.\n"),
            ("z.txt", "Zeta.\n"),
        ] {
            let doc = root.join(doc);
            std::fs::write(&doc, text).unwrap();
            let side = PathBuf::from(format!("{}.kim.gloss.ron", doc.display()));
            std::fs::write(&side, "(version: 1)").unwrap();
            let listing = Listing {
                stamp: Stamp::of(&doc).unwrap(),
                sidecars: vec![("kim".into(), side.clone(), Stamp::of(&side).unwrap())],
                document: doc.clone(),
            };
            known.insert(doc, listing);
        }
        let folders = vec![
            (root.to_path_buf(), Stamp::of(root)),
            (root.join("box"), Stamp::of(&root.join("box"))),
        ];
        (dir, folders, known)
    }

    /// The rows the tests make: the path and the values.
    type TestRow = (PathBuf, Option<(DocCounts, DocFacts)>);

    fn reopened(file: &Path, root: &Path) -> Option<Reopened<TestRow>> {
        reopen(
            file,
            root,
            |path, _, values| (path, values),
            |row: &TestRow| &row.0,
        )
    }

    /// The values of `re`'s rows, and its listings sorted by path.
    fn made(re: Reopened<TestRow>) -> (Vec<Option<(DocCounts, DocFacts)>>, Vec<Listing>) {
        let values = re.rows.into_iter().map(|(_, v)| v).collect();
        let mut listings = re.listings.make();
        listings.sort_by(|a, b| a.document.cmp(&b.document));
        (values, listings)
    }

    /// A snapshot file outside the corpus (writing one inside would change
    /// the root folder's stamp).
    fn state() -> (tempfile::TempDir, PathBuf) {
        let state = tempfile::tempdir().unwrap();
        let file = state.path().join("cache/snap.bin");
        (state, file)
    }

    fn counts(n: usize) -> DocCounts {
        let mut c = DocCounts::default();
        c.annotators.insert(
            "kim".into(),
            KindCounts {
                claims: n,
                ..KindCounts::default()
            },
        );
        c
    }

    fn facts(paragraphs: usize) -> DocFacts {
        DocFacts {
            paragraphs,
            title: Some(format!("{paragraphs} paragraphs")),
            ..DocFacts::default()
        }
    }

    /// Snapshot `known` as listed an hour from now (nothing racy), each
    /// document valued by its paragraphs.
    fn snapshot(
        file: &Path,
        root: &Path,
        folders: &[ListedFolder],
        known: &HashMap<PathBuf, Listing>,
    ) {
        let encoded: HashMap<PathBuf, (Vec<u8>, Vec<u8>)> = known
            .keys()
            .map(|p| {
                let n = std::fs::read_to_string(p).unwrap().matches('.').count();
                let c = postcard::to_stdvec(&counts(n)).unwrap();
                let f = postcard::to_stdvec(&facts(n)).unwrap();
                (p.clone(), (c, f))
            })
            .collect();
        save(file, root, folders, SystemTime::now() + HOUR, known, |l| {
            encoded
                .get(&l.document)
                .map(|(c, f)| (c.as_slice(), f.as_slice()))
        })
        .unwrap();
    }

    #[test]
    fn an_unchanged_corpus_reopens_with_every_listing_and_value() {
        let (dir, folders, known) = corpus();
        let (_state, file) = state();
        snapshot(&file, dir.path(), &folders, &known);
        let re = reopened(&file, dir.path()).expect("usable");
        assert_eq!(re.folders, folders);
        let paths: Vec<&Path> = re.rows.iter().map(|r| r.0.as_path()).collect();
        let root = dir.path();
        assert_eq!(
            paths,
            [
                root.join("a.txt"),
                root.join("box/b.txt"),
                root.join("z.txt")
            ]
        );
        let (values, listings) = made(re);
        let mut expected: Vec<&Listing> = known.values().collect();
        expected.sort_by(|a, b| a.document.cmp(&b.document));
        assert_eq!(listings.iter().collect::<Vec<_>>(), expected);
        assert_eq!(
            values,
            vec![
                Some((counts(1), facts(1))),
                Some((counts(2), facts(2))),
                Some((counts(1), facts(1)))
            ]
        );
    }

    #[test]
    fn a_changed_file_comes_without_its_values_and_with_its_new_stamp() {
        let (dir, folders, known) = corpus();
        let (_state, file) = state();
        snapshot(&file, dir.path(), &folders, &known);
        // Rewritten in place (no name added or removed: the folder's stamp
        // stays), same size.
        let side = dir.path().join("box/b.txt.kim.gloss.ron");
        std::fs::write(&side, "(version: 2)").unwrap();
        let (values, listings) = made(reopened(&file, dir.path()).expect("usable"));
        assert!(values[0].is_some() && values[2].is_some());
        assert_eq!(values[1], None);
        assert_eq!(listings[1].sidecars[0].2, Stamp::of(&side).unwrap());
    }

    #[test]
    fn a_folder_changed_or_listed_too_soon_after_a_change_is_no_snapshot() {
        let (dir, folders, known) = corpus();
        let (_state, file) = state();
        snapshot(&file, dir.path(), &folders, &known);
        std::fs::write(dir.path().join("box/new.txt"), "New.\n").unwrap();
        assert!(reopened(&file, dir.path()).is_none(), "a new file");
        // Listed now: the folders changed just before, so a change in the
        // same tick of their clocks could not be told.
        let (dir, folders, known) = corpus();
        let (_state, file) = state();
        save(
            &file,
            dir.path(),
            &folders,
            SystemTime::now(),
            &known,
            |_| None,
        )
        .unwrap();
        assert!(reopened(&file, dir.path()).is_none(), "racy folders");
    }

    #[test]
    fn a_broken_missing_or_foreign_file_is_no_snapshot() {
        let (dir, folders, known) = corpus();
        let (_state, file) = state();
        assert!(reopened(&file, dir.path()).is_none(), "missing");
        snapshot(&file, dir.path(), &folders, &known);
        let good = std::fs::read(&file).unwrap();
        for bad in [
            good[..good.len() / 2].to_vec(),
            [b"glosscch".as_slice(), &good[8..]].concat(),
            b"not a snapshot".to_vec(),
        ] {
            std::fs::write(&file, bad).unwrap();
            assert!(reopened(&file, dir.path()).is_none());
        }
        std::fs::write(&file, &good).unwrap();
        std::fs::remove_file(dir.path().join("a.txt.kim.gloss.ron")).unwrap();
        assert!(reopened(&file, dir.path()).is_none(), "a file gone");
    }

    #[test]
    fn another_spelling_of_the_root_lists_under_that_spelling() {
        let (dir, folders, known) = corpus();
        let (_state, file) = state();
        snapshot(&file, dir.path(), &folders, &known);
        let other = dir.path().join("box").join("..");
        let re = reopened(&file, &other).expect("usable");
        assert_eq!(re.folders[0].0, other);
        assert_eq!(re.rows[0].0, other.join("a.txt"));
        let (_, listings) = made(re);
        assert_eq!(listings[0].document, other.join("a.txt"));
    }
}
