//! Running an extractor for a document that is not plain text, for any
//! format through [`formats::extract`] and [`formats::layout`]: on a thread
//! of its own when the document is opened for the screen (the event loop
//! never waits for a parser), and cached in the state folder.
//!
//! The cache holds the extracted text, its paragraphs' provenance and the
//! declared metadata, one file per original content (SHA-256 of its bytes),
//! extractor name and version, and `--keep-all`. It is never trusted over the
//! file: an edited original has another hash, a new extractor version another
//! name, and an entry that does not read back whole is ignored and rewritten.
//! Deleting the folder only costs the next opening an extraction.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::formats::{self, Extraction, Format, Metadata, Note, Person, Provenance, StyleSpan};
use super::{DocumentError, hex, read_whole};

/// Folder (under the state folder) holding cached extractions.
const CACHE_FOLDER: &str = "extracted";
/// Version of the cache entries' layout: bump when it changes.
const ENTRY_VERSION: u32 = 3;
/// Originals smaller than this are extracted every time: faster than
/// hashing and reading an entry back, and a folder of small pages leaves no
/// trail in the state folder.
pub const CACHE_MIN_BYTES: usize = 64 << 10;

/// What an extraction is cached under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// SHA-256 of the original's bytes, lowercase hex.
    pub sha256: String,
    pub format: Format,
    pub keep_all: bool,
}

impl Key {
    pub fn of(bytes: &[u8], format: Format, keep_all: bool) -> Key {
        Key {
            sha256: hex(&Sha256::digest(bytes)),
            format,
            keep_all,
        }
    }

    /// `<sha256>-<extractor>-<version>[-all].json`: a file name that changes
    /// with anything that changes the extraction.
    fn file_name(&self) -> String {
        let (extractor, version) = self.format.extractor().unwrap_or(("text", 0));
        let all = if self.keep_all { "-all" } else { "" };
        format!("{}-{extractor}-{version}{all}.json", self.sha256)
    }
}

/// One cached extraction, as written to disk.
#[derive(Serialize, Deserialize)]
struct Entry {
    entry_version: u32,
    sha256: String,
    extractor: String,
    version: u32,
    keep_all: bool,
    title: Option<String>,
    date: Option<String>,
    fields: BTreeMap<String, String>,
    /// The persons and bodies the original identifies.
    actors: Vec<Person>,
    blocks: Vec<CachedBlock>,
    text: String,
}

/// (start offset in `text`, page, section, boilerplate, notes, styled runs)
/// of one block.
type CachedBlock = (
    usize,
    Option<String>,
    Option<String>,
    bool,
    Vec<Note>,
    Vec<StyleSpan>,
);

/// The folder of cached extractions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cache {
    dir: PathBuf,
}

impl Cache {
    /// `extracted/` in the state folder (`GLOSS_STATE_DIR`, else the
    /// platform's); `None` when the platform has none.
    pub fn from_env() -> Option<Cache> {
        let state = std::env::var_os(crate::sidecar::journal::STATE_DIR_ENV)
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .filter(|d| d.is_absolute())
            .or_else(crate::archive::state::platform_state_dir)?;
        Some(Cache::in_dir(state.join(CACHE_FOLDER)))
    }

    pub fn in_dir(dir: PathBuf) -> Cache {
        Cache { dir }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the entry for `key` is (whether or not it exists).
    pub fn path_of(&self, key: &Key) -> PathBuf {
        self.dir.join(key.file_name())
    }

    /// The cached extraction for `key`, if there is a whole, consistent one.
    pub fn get(&self, key: &Key) -> Option<(String, Extraction)> {
        let bytes = std::fs::read(self.path_of(key)).ok()?;
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        let (extractor, version) = key.format.extractor()?;
        let consistent = entry.entry_version == ENTRY_VERSION
            && entry.sha256 == key.sha256
            && entry.extractor == extractor
            && entry.version == version
            && entry.keep_all == key.keep_all
            && entry.blocks.windows(2).all(|w| w[0].0 < w[1].0)
            && entry
                .blocks
                .iter()
                .all(|b| b.0 < entry.text.len() && entry.text.is_char_boundary(b.0))
            && !entry.text.contains('\0');
        if !consistent {
            return None;
        }
        let blocks = entry
            .blocks
            .into_iter()
            .map(|(start, page, section, boilerplate, notes, styles)| {
                (
                    start,
                    Provenance {
                        page,
                        section,
                        boilerplate,
                        notes,
                        styles,
                    },
                )
            })
            .collect();
        let extraction = Extraction {
            format: key.format,
            extractor,
            version,
            meta: Metadata {
                title: entry.title,
                date: entry.date,
                fields: entry.fields,
                actors: entry.actors,
            },
            blocks,
        };
        Some((entry.text, extraction))
    }

    /// Keep an extraction for next time. Best effort: a cache that cannot
    /// be written (read-only home, full disk) only means extracting again.
    pub fn put(&self, key: &Key, text: &str, extraction: &Extraction) {
        let entry = Entry {
            entry_version: ENTRY_VERSION,
            sha256: key.sha256.clone(),
            extractor: extraction.extractor.to_string(),
            version: extraction.version,
            keep_all: key.keep_all,
            title: extraction.meta.title.clone(),
            date: extraction.meta.date.clone(),
            fields: extraction.meta.fields.clone(),
            actors: extraction.meta.actors.clone(),
            blocks: extraction
                .blocks
                .iter()
                .map(|(start, p)| {
                    (
                        *start,
                        p.page.clone(),
                        p.section.clone(),
                        p.boilerplate,
                        p.notes.clone(),
                        p.styles.clone(),
                    )
                })
                .collect(),
            text: text.to_string(),
        };
        let Ok(json) = serde_json::to_vec(&entry) else {
            return;
        };
        if std::fs::create_dir_all(&self.dir).is_err() {
            return;
        }
        let Ok(mut file) = atomic_write_file::AtomicWriteFile::open(self.path_of(key)) else {
            return;
        };
        use std::io::Write;
        if file.write_all(&json).is_ok() {
            let _ = file.commit();
        }
    }
}

/// One document to extract: the opened original and how to read it.
pub(super) struct Job {
    pub path: PathBuf,
    pub file: std::fs::File,
    pub size: u64,
    pub format: Format,
    pub keep_all: bool,
    pub cache: Option<Cache>,
}

/// What a job produced: the text, its extraction, and whether the cache
/// still lacks it (written after the text is shown).
pub(super) struct Done {
    pub text: String,
    pub extraction: Extraction,
    pub store: Option<(Cache, Key)>,
}

impl Job {
    /// Read the original, then take its extraction from the cache or run
    /// the extractor.
    pub fn run(self) -> Result<Done, DocumentError> {
        self.run_with_preview(&mut |_| {})
    }

    /// [`Job::run`], handing `preview` the first paragraphs of a long
    /// document while the extractor runs (see [`formats::extract_with_preview`]).
    pub fn run_with_preview(
        self,
        preview: &mut dyn FnMut(formats::Preview),
    ) -> Result<Done, DocumentError> {
        let shown = self.path.display().to_string();
        let bytes = read_whole(&self.path, self.file, self.size)?;
        let bytes = bytes.as_slice();
        // A large page's first paragraphs before it is hashed and looked
        // up: the cached extraction of 10 MB takes longer to read back.
        let mut previewed = false;
        if self.format == Format::Html
            && let Some(p) = formats::html_preview(bytes, self.keep_all)
        {
            preview(p);
            previewed = true;
        }
        let cache = self.cache.filter(|_| bytes.len() >= CACHE_MIN_BYTES);
        let key = cache
            .as_ref()
            .map(|_| Key::of(bytes, self.format, self.keep_all));
        if let (Some(cache), Some(key)) = (&cache, &key)
            && let Some((text, extraction)) = cache.get(key)
        {
            return Ok(Done {
                text,
                extraction,
                store: None,
            });
        }
        let extracted = if previewed {
            formats::extract(self.format, bytes, self.keep_all)
        } else {
            formats::extract_with_preview(self.format, bytes, self.keep_all, preview)
        }
        .map_err(|source| DocumentError::Extract {
            path: shown.clone(),
            source,
        })?;
        let (text, extraction) = formats::layout(self.format, extracted);
        Ok(Done {
            text,
            extraction,
            store: cache.zip(key),
        })
    }
}

/// A copy of `e` (the background's error is kept in the document and also
/// returned to the opener when it comes early).
pub(super) fn duplicate(e: &DocumentError) -> DocumentError {
    match e {
        DocumentError::Io { path, source } => DocumentError::Io {
            path: path.clone(),
            source: std::io::Error::new(source.kind(), source.to_string()),
        },
        DocumentError::NotUtf8 { path, offset, byte } => DocumentError::NotUtf8 {
            path: path.clone(),
            offset: *offset,
            byte: *byte,
        },
        DocumentError::Binary { path, offset } => DocumentError::Binary {
            path: path.clone(),
            offset: *offset,
        },
        DocumentError::TooLarge { path, size } => DocumentError::TooLarge {
            path: path.clone(),
            size: *size,
        },
        DocumentError::Extract { path, source } => DocumentError::Extract {
            path: path.clone(),
            source: source.clone(),
        },
        DocumentError::NotRegular { path, kind } => DocumentError::NotRegular {
            path: path.clone(),
            kind,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An HTML page of at least [`CACHE_MIN_BYTES`], with `marker` in its
    /// first paragraph.
    fn page(marker: &str) -> String {
        let mut html = format!(
            "<html><head><title>T</title><meta name=\"DC.date\" content=\"1956\"></head><body>\
             <nav>Home</nav><main><h1>Heading</h1><p>{marker} said that the talks, as planned, would go on.</p>"
        );
        while html.len() < CACHE_MIN_BYTES {
            html.push_str(
                "<p>Another paragraph of the record, long enough to count as prose.</p>\n",
            );
        }
        html.push_str("</main></body></html>");
        html
    }

    fn job(path: &Path, cache: &Cache, keep_all: bool) -> Job {
        let file = std::fs::File::open(path).unwrap();
        Job {
            path: path.to_path_buf(),
            size: file.metadata().unwrap().len(),
            file,
            format: Format::Html,
            keep_all,
            cache: Some(cache.clone()),
        }
    }

    #[test]
    fn an_extraction_is_cached_and_read_back_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.html");
        std::fs::write(&path, page("Nam Il")).unwrap();
        let cache = Cache::in_dir(dir.path().join("cache"));
        let first = job(&path, &cache, false).run().unwrap();
        let (cache_, key) = first.store.clone().unwrap();
        assert_eq!(cache_, cache);
        cache.put(&key, &first.text, &first.extraction);
        assert!(cache.path_of(&key).is_file());
        let (text, extraction) = cache.get(&key).unwrap();
        assert_eq!(text, first.text);
        assert_eq!(extraction, first.extraction);
        assert_eq!(extraction.meta.date.as_deref(), Some("1956"));
        // A second run takes it from the cache and owes it nothing.
        let second = job(&path, &cache, false).run().unwrap();
        assert!(second.store.is_none());
        assert_eq!(second.text, first.text);
    }

    #[test]
    fn the_cache_is_keyed_by_content_extractor_version_and_keep_all() {
        let a = Key::of(b"<p>a</p>", Format::Html, false);
        let b = Key::of(b"<p>b</p>", Format::Html, false);
        let all = Key::of(b"<p>a</p>", Format::Html, true);
        let md = Key::of(b"<p>a</p>", Format::Markdown, false);
        let names = [
            a.file_name(),
            b.file_name(),
            all.file_name(),
            md.file_name(),
        ];
        for (i, x) in names.iter().enumerate() {
            for y in &names[i + 1..] {
                assert_ne!(x, y);
            }
        }
        assert!(a.file_name().contains("-gloss-html-1"), "{}", a.file_name());
    }

    #[test]
    fn a_cached_entry_is_never_trusted_over_a_changed_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.html");
        std::fs::write(&path, page("Nam Il")).unwrap();
        let cache = Cache::in_dir(dir.path().join("cache"));
        let done = job(&path, &cache, false).run().unwrap();
        let (_, key) = done.store.clone().unwrap();
        cache.put(&key, &done.text, &done.extraction);
        std::fs::write(&path, page("Pak Chang-ok")).unwrap();
        let again = job(&path, &cache, false).run().unwrap();
        assert!(
            again.text.contains("Pak Chang-ok"),
            "{}",
            &again.text[..200]
        );
        assert!(!again.text.contains("Nam Il"));
        assert!(again.store.is_some(), "a new content is a new entry");
    }

    #[test]
    fn a_damaged_or_foreign_entry_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.html");
        std::fs::write(&path, page("Nam Il")).unwrap();
        let cache = Cache::in_dir(dir.path().join("cache"));
        let done = job(&path, &cache, false).run().unwrap();
        let (_, key) = done.store.clone().unwrap();
        cache.put(&key, &done.text, &done.extraction);
        let entry = cache.path_of(&key);
        let whole = std::fs::read(&entry).unwrap();
        std::fs::write(&entry, &whole[..whole.len() / 2]).unwrap();
        assert!(cache.get(&key).is_none(), "cut short");
        let json = String::from_utf8(whole).unwrap();
        std::fs::write(&entry, json.replace("\"sha256\":\"", "\"sha256\":\"0")).unwrap();
        assert!(cache.get(&key).is_none(), "another file's entry");
        let again = job(&path, &cache, false).run().unwrap();
        assert_eq!(again.text, done.text);
        assert!(again.store.is_some(), "rewritten");
    }

    #[test]
    fn small_originals_are_not_cached() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("small.html");
        std::fs::write(&path, "<p>A short page.</p>").unwrap();
        let cache = Cache::in_dir(dir.path().join("cache"));
        let done = job(&path, &cache, false).run().unwrap();
        assert_eq!(done.text, "A short page.\n");
        assert!(done.store.is_none());
    }
}
