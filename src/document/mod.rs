//! Documents as plain text: loading, paragraph index, line ranges.
//!
//! The raw text is kept exactly as read (minus a BOM) so hashes and anchors see
//! what is on disk; display goes through [`sanitize`] separately. Documents are
//! never written by glossator.

pub mod anchor;
pub mod extraction;
pub mod formats;
pub mod sanitize;
pub mod scan;
pub mod search;
pub mod selection;
pub mod wrap;

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::ptr::NonNull;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError, RwLock};
use std::time::{Duration, SystemTime};

use sha2::{Digest, Sha256};

/// Largest document we agree to open (bigger ones are almost surely not prose).
/// Offsets in the paragraph index are `u32`, so this must stay below 4 GiB.
pub const MAX_DOCUMENT_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// From this size on, [`Document::open_progressive`] reads, checks and
/// indexes documents in the background, after the first screen.
pub const LARGE_DOCUMENT_BYTES: u64 = 4 * 1024 * 1024;

/// Bytes checked and indexed per step of the background indexer.
const STEP_BYTES: usize = 4 << 20;
/// Bytes per step while indexing the first screen synchronously.
const FIRST_STEP_BYTES: usize = 64 << 10;
/// Paragraphs indexed before [`Document::open_progressive`] returns.
const FIRST_SCREEN_PARAGRAPHS: usize = 512;
/// Bytes indexed before returning, once at least one paragraph is known.
const FIRST_SCREEN_BYTES: usize = 1 << 20;

/// Why a document could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not UTF-8 text (invalid byte 0x{byte:02x} at offset {offset})")]
    NotUtf8 {
        path: String,
        offset: usize,
        byte: u8,
    },
    #[error("{path}: binary file (NUL byte at offset {offset}); glossator opens UTF-8 text")]
    Binary { path: String, offset: usize },
    #[error("{path}: too large ({size} bytes; the limit is {MAX_DOCUMENT_BYTES})")]
    TooLarge { path: String, size: u64 },
    #[error("{path}: {source}")]
    Extract {
        path: String,
        #[source]
        source: formats::ExtractError,
    },
    #[error("{path}: {kind}, not a document (glossator opens regular text files)")]
    NotRegular { path: String, kind: &'static str },
}

/// What `meta` describes when it is not a regular file. Such files are
/// refused: a device or pipe may never end or may block, and nothing (a lock,
/// a journal, a sidecar) may be written beside one.
pub fn special_file_kind(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a pipe (FIFO)");
        }
        if t.is_char_device() {
            return Some("a character device");
        }
        if t.is_block_device() {
            return Some("a block device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

/// One paragraph: a run of non-blank lines. Byte offsets index the document text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Paragraph {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last non-newline character of the last line.
    pub end: usize,
    /// 1-based line number of the first line.
    pub line_start: usize,
    /// 1-based line number of the last line.
    pub line_end: usize,
}

/// A paragraph as the indexer finds it: start, content end, first line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    start: u32,
    len: u32,
    line: u32,
}

impl Entry {
    fn new(start: usize, end: usize, line: usize) -> Entry {
        // MAX_DOCUMENT_BYTES keeps offsets and line numbers below u32::MAX.
        Entry {
            start: start as u32,
            len: (end - start) as u32,
            line: line as u32,
        }
    }

    fn range(self) -> std::ops::Range<usize> {
        let start = self.start as usize;
        start..start + self.len as usize
    }
}

/// Paragraphs between two whose first lines are stored in [`Index`].
const LINE_STEP: usize = 16;

/// A gap (blank lines) between a paragraph's end and the next one's start
/// of this many bytes or more is not stored in [`Index::gaps`] but aside.
const FAR_GAP: u8 = u8::MAX;

/// How the paragraphs are stored: each one's start and the gap after it, 5
/// bytes (5 MB for a million paragraphs; with end and line in 4 bytes each
/// it was 12, a tenth of the text it indexes). A paragraph's end is the next
/// one's start less the gap between them (the few gaps of [`FAR_GAP`] bytes
/// or more keep their paragraph's end aside); its first line is counted
/// (newlines) from a paragraph whose line is kept, one in [`LINE_STEP`].
#[derive(Debug, Default)]
struct Index {
    starts: Vec<u32>,
    /// Bytes between paragraph `i`'s end and paragraph `i + 1`'s start
    /// (FAR_GAP: see `far_ends`); none after the last paragraph.
    gaps: Vec<u8>,
    /// The first line of paragraphs 0, LINE_STEP, 2 × LINE_STEP…
    lines: Vec<u32>,
    /// (paragraph, end) of the paragraphs followed by a gap of FAR_GAP
    /// bytes or more, in order.
    far_ends: Vec<(u32, u32)>,
    /// The last paragraph's end (no start follows it yet).
    last_end: u32,
}

impl Index {
    fn len(&self) -> usize {
        self.starts.len()
    }

    fn push(&mut self, e: Entry) {
        let i = self.starts.len();
        if i > 0 {
            let gap = e.start - self.last_end;
            match u8::try_from(gap) {
                Ok(gap) if gap < FAR_GAP => self.gaps.push(gap),
                _ => {
                    self.gaps.push(FAR_GAP);
                    self.far_ends.push(((i - 1) as u32, self.last_end));
                }
            }
        }
        if i.is_multiple_of(LINE_STEP) {
            self.lines.push(e.line);
        }
        self.starts.push(e.start);
        self.last_end = e.start + e.len;
    }

    fn extend(&mut self, entries: &[Entry]) {
        self.starts.reserve(entries.len());
        self.gaps.reserve(entries.len());
        for &e in entries {
            self.push(e);
        }
    }

    /// The index with no spare capacity (it will not grow again).
    fn shrunk(mut self) -> Index {
        self.starts.shrink_to_fit();
        self.gaps.shrink_to_fit();
        self.lines.shrink_to_fit();
        self.far_ends.shrink_to_fit();
        self
    }

    /// Bytes `start..end` of paragraph `i`.
    #[inline]
    fn range(&self, i: usize) -> Option<std::ops::Range<usize>> {
        let start = *self.starts.get(i)? as usize;
        let end = match self.gaps.get(i) {
            None => self.last_end as usize,
            Some(&gap) if gap < FAR_GAP => self.starts[i + 1] as usize - gap as usize,
            Some(_) => self.far_end(i),
        };
        Some(start..end)
    }

    /// The end of paragraph `i`, kept aside.
    #[cold]
    fn far_end(&self, i: usize) -> usize {
        let k = self.far_ends.partition_point(|f| (f.0 as usize) < i);
        self.far_ends[k].1 as usize
    }

    /// Paragraph `i` of `text` (the text indexed) with its first line.
    fn entry(&self, text: &[u8], i: usize) -> Option<Entry> {
        let kept = (i / LINE_STEP).min(self.lines.len().checked_sub(1)?);
        let from = (self.starts[kept * LINE_STEP], self.lines[kept]);
        self.entry_counted(text, i, from)
    }

    /// [`Index::entry`] of paragraph `i`, given paragraph `i - 1` (`before`):
    /// its line counted from there, for reading paragraphs in order.
    fn entry_after(&self, text: &[u8], i: usize, before: Entry) -> Option<Entry> {
        self.entry_counted(text, i, (before.start, before.line))
    }

    /// Paragraph `i`, its line counted from `(start, line)` of a paragraph
    /// at or before it.
    fn entry_counted(&self, text: &[u8], i: usize, (start, line): (u32, u32)) -> Option<Entry> {
        let range = self.range(i)?;
        let line = line as usize + newlines(&text[start as usize..range.start]);
        Some(Entry::new(range.start, range.end, line))
    }

    /// The paragraph whose text contains byte `offset`, if any.
    fn at(&self, offset: usize) -> Option<usize> {
        let i = self.starts.partition_point(|&s| s as usize <= offset);
        let i = i.checked_sub(1)?;
        (offset < self.range(i)?.end).then_some(i)
    }
}

/// Newlines in `bytes`.
fn newlines(bytes: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', bytes).count()
}

/// The file's bytes, in memory glossator owns: text checked once can never
/// change under it, whatever another program does to the file (a memory map
/// would change, or fault when the file is truncated). A large document is
/// read in steps while its first screen shows; only the part read so far
/// (`filled`) is ever looked at.
struct Bytes {
    /// A buffer of `capacity` bytes: a `Box<[u8]>` taken apart in [`Bytes::owned`].
    ptr: NonNull<u8>,
    capacity: usize,
    /// Bytes read into the buffer so far; only grows.
    filled: AtomicUsize,
    /// Held while reading into the buffer: one writer at a time.
    writer: Mutex<()>,
}

// SAFETY: `Bytes` owns its buffer (freed in Drop). Shared access reads only
// the filled prefix; the one writer (holding `writer`) writes only past it.
unsafe impl Send for Bytes {}
unsafe impl Sync for Bytes {}

impl Bytes {
    /// No bytes (the text of a document whose extraction has not ended).
    const fn empty() -> Bytes {
        Bytes {
            ptr: NonNull::dangling(),
            capacity: 0,
            filled: AtomicUsize::new(0),
            writer: Mutex::new(()),
        }
    }

    /// Bytes already in memory, all filled.
    fn owned(bytes: Vec<u8>) -> Bytes {
        let boxed: &mut [u8] = Box::leak(bytes.into_boxed_slice());
        let capacity = boxed.len();
        Bytes {
            ptr: NonNull::from(boxed).cast::<u8>(),
            capacity,
            filled: AtomicUsize::new(capacity),
            writer: Mutex::new(()),
        }
    }

    /// An empty buffer for `capacity` bytes. Zeroed memory of this size is
    /// fresh pages the kernel makes resident only as they are written.
    /// (Transparent huge pages were asked for once: fewer page faults, but
    /// where the system compacts memory to find them — `defrag=madvise`, the
    /// common default — one open in four stalled for 400–500 ms.)
    fn with_capacity(capacity: usize) -> Bytes {
        let bytes = Bytes::owned(vec![0; capacity]);
        bytes.filled.store(0, Ordering::Release);
        bytes
    }

    fn as_slice(&self) -> &[u8] {
        let filled = self.filled.load(Ordering::Acquire);
        // SAFETY: `filled <= capacity`; the bytes below `filled` were written
        // before `filled` was published (Release/Acquire) and are never
        // written again (`fill_from` writes only past it).
        unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), filled) }
    }

    fn is_full(&self) -> bool {
        self.filled.load(Ordering::Acquire) == self.capacity
    }

    /// Read at most `max` more bytes from `source` into the buffer; fewer at
    /// the end of the buffer or of the file. Returns how many were read.
    fn fill_from(&self, source: &mut impl Read, max: usize) -> std::io::Result<usize> {
        let _writing = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        let filled = self.filled.load(Ordering::Acquire);
        let want = max.min(self.capacity - filled);
        // SAFETY: `filled..filled + want` lies inside the buffer and past every
        // byte a reader can see (readers stop at `filled`, which is published
        // only below), and only this writer, holding `writer`, touches it.
        let target = unsafe { std::slice::from_raw_parts_mut(self.ptr.as_ptr().add(filled), want) };
        let mut got = 0;
        let mut failure = None;
        while got < want {
            match source.read(&mut target[got..]) {
                Ok(0) => break,
                // (a reader claiming more than it was given is not believed:
                // `filled` must never pass `capacity`)
                Ok(n) => got = (got + n).min(want),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
        }
        self.filled.store(filled + got, Ordering::Release);
        match failure {
            Some(e) => Err(e),
            None => Ok(got),
        }
    }
}

impl Drop for Bytes {
    fn drop(&mut self) {
        let whole = std::ptr::slice_from_raw_parts_mut(self.ptr.as_ptr(), self.capacity);
        // SAFETY: `ptr` and `capacity` describe the `Box<[u8]>` leaked in
        // `Bytes::owned`; `&mut self` means nobody reads it any more.
        drop(unsafe { Box::from_raw(whole) });
    }
}

/// What the file looked like when it was opened (before it was read): a
/// different look later means it changed on disk.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    /// Device, inode and change time: a file replaced by rename, or written
    /// with its modification time put back, still differs.
    #[cfg(unix)]
    identity: (u64, u64, i64, i64),
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Stamp {
        #[cfg(unix)]
        use std::os::unix::fs::MetadataExt;
        Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            #[cfg(unix)]
            identity: (meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec()),
        }
    }
}

/// How the file on disk differs from the text in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DiskChange {
    /// Its contents changed (or another file took its name): reopening shows
    /// the new text.
    Changed,
    /// It cannot be found or read any more (deleted, moved away); the reason.
    Gone(String),
}

/// What a document knows about its file, to notice changes on disk.
#[derive(Debug)]
struct Origin {
    stamp: Stamp,
    /// The file had been modified just before it was read, within the
    /// resolution of modification times: a later write may leave the same
    /// stamp, so a small file's bytes are compared once as well.
    recent: bool,
    /// That comparison has been made.
    compared: AtomicBool,
}

/// The bytes of a document whose text has not arrived yet.
static NO_BYTES: Bytes = Bytes::empty();

/// State shared by every clone of a document and its background indexer.
struct Shared {
    /// The text's bytes: set when the document is created, or (an extracted
    /// document opened for the screen) when its extraction thread ends.
    bytes: OnceLock<Bytes>,
    /// How the text was extracted from the original (unset for plain text,
    /// and until an extraction thread ends).
    extraction: OnceLock<formats::Extraction>,
    /// The first paragraphs of a long document being extracted, shown
    /// until the whole text is installed.
    preview: OnceLock<formats::Preview>,
    /// Length of a skipped UTF-8 byte-order mark.
    bom_len: usize,
    /// Bytes of text (after the BOM) checked to be UTF-8 without NUL.
    valid: AtomicUsize,
    /// Paragraphs indexed so far, while indexing runs.
    live: RwLock<Index>,
    /// The whole index, once complete (then `live` is empty).
    done: OnceLock<Index>,
    /// Why background checking stopped, if the file turned out not to be text.
    failed: OnceLock<DocumentError>,
    sha256: OnceLock<String>,
    /// A thread computes (or has computed) the SHA-256.
    sha_started: AtomicBool,
    /// The file ended before the size it had when opened (it was truncated
    /// while being read): the text is what could be read.
    cut_short: AtomicBool,
    /// Bumped whenever more of the index is published.
    progress: Mutex<u64>,
    progressed: Condvar,
}

impl Shared {
    fn new(bytes: Bytes) -> Shared {
        let bom_len = if bytes.as_slice().starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        let shared = Shared::pending();
        let _ = shared.bytes.set(bytes);
        Shared { bom_len, ..shared }
    }

    /// A document whose text an extraction thread will set (see
    /// [`Shared::install`]); empty and incomplete until then.
    fn pending() -> Shared {
        Shared {
            bytes: OnceLock::new(),
            extraction: OnceLock::new(),
            preview: OnceLock::new(),
            bom_len: 0,
            valid: AtomicUsize::new(0),
            live: RwLock::new(Index::default()),
            done: OnceLock::new(),
            failed: OnceLock::new(),
            sha256: OnceLock::new(),
            sha_started: AtomicBool::new(false),
            cut_short: AtomicBool::new(false),
            progress: Mutex::new(0),
            progressed: Condvar::new(),
        }
    }

    fn bytes(&self) -> &Bytes {
        self.bytes.get().unwrap_or(&NO_BYTES)
    }

    /// Set the extracted text (UTF-8, as a `String` is; no BOM) and its
    /// extraction, index it and mark the document complete.
    fn install(&self, text: String, extraction: formats::Extraction) {
        let _ = self.extraction.set(extraction);
        if self.bytes.set(Bytes::owned(text.into_bytes())).is_err() {
            return;
        }
        let text = self.raw_text();
        let mut ix = Indexer::default();
        ix.feed(text, text.len());
        let entries = ix.finish(text);
        self.complete(entries, text.len());
    }

    /// The text after the BOM read so far, validated or not.
    fn raw_text(&self) -> &[u8] {
        self.bytes()
            .as_slice()
            .get(self.bom_len..)
            .unwrap_or_default()
    }

    /// Length of the whole text once read (BOM excluded).
    fn expected_text_len(&self) -> usize {
        self.bytes().capacity.saturating_sub(self.bom_len)
    }

    fn with_index<R>(&self, f: impl FnOnce(&Index) -> R) -> R {
        if let Some(d) = self.done.get() {
            return f(d);
        }
        let live = self.live.read().unwrap_or_else(PoisonError::into_inner);
        // Completion sets `done` while holding the write lock: look again.
        match self.done.get() {
            Some(d) => f(d),
            None => f(&live),
        }
    }

    fn len(&self) -> usize {
        self.with_index(Index::len)
    }

    fn entry(&self, i: usize) -> Option<Entry> {
        self.with_index(|ix| ix.entry(self.raw_text(), i))
    }

    fn range(&self, i: usize) -> Option<std::ops::Range<usize>> {
        self.with_index(|ix| ix.range(i))
    }

    fn publish(&self, more: Vec<Entry>, valid: usize) {
        self.valid.fetch_max(valid, Ordering::Release);
        if !more.is_empty() {
            let mut live = self.live.write().unwrap_or_else(PoisonError::into_inner);
            live.extend(&more);
        }
        self.notify();
    }

    fn complete(&self, rest: Vec<Entry>, valid: usize) {
        self.set_complete(rest, valid);
        self.notify();
    }

    /// [`Shared::complete`] of a document no other thread sees yet: no one
    /// waits to be told (telling costs a system call, and a corpus opens
    /// thousands of documents).
    fn set_complete(&self, rest: Vec<Entry>, valid: usize) {
        self.valid.fetch_max(valid, Ordering::Release);
        let mut live = self.live.write().unwrap_or_else(PoisonError::into_inner);
        let mut all = std::mem::take(&mut *live);
        all.extend(&rest);
        let _ = self.done.set(all.shrunk());
    }

    fn notify(&self) {
        let mut n = self.progress.lock().unwrap_or_else(PoisonError::into_inner);
        *n += 1;
        self.progressed.notify_all();
    }

    /// SHA-256 of the bytes read, computed once the whole file is read
    /// (other callers wait for it).
    fn sha256(&self) -> &str {
        self.sha256.get_or_init(|| {
            self.wait_complete();
            hex(&Sha256::digest(self.bytes().as_slice()))
        })
    }

    /// Block until the index is complete (the whole file read or the load
    /// failed).
    fn wait_complete(&self) {
        let mut seen = self.progress.lock().unwrap_or_else(PoisonError::into_inner);
        while self.done.get().is_none() {
            seen = self
                .progressed
                .wait_timeout(seen, Duration::from_millis(50))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

/// A loaded document: its text and the paragraph index.
///
/// Cloning is cheap (the text and index are shared). A document opened with
/// [`Document::open_progressive`] may still be indexing: [`Document::len`]
/// grows until [`Document::is_complete`]; everything else works meanwhile on
/// the paragraphs indexed so far.
#[derive(Clone)]
pub struct Document {
    path: PathBuf,
    shared: Arc<Shared>,
    /// The file as it was when read (`None` for text built in memory).
    origin: Option<Arc<Origin>>,
}

/// How long opening a document for the screen waits for its extraction
/// before showing the (still empty) document: most finish well within it,
/// so their first screen and any error come at once.
const FIRST_SCREEN_WAIT: Duration = Duration::from_millis(200);

/// How every document this process opens without explicit options is read.
static READ_OPTIONS: OnceLock<OpenOptions> = OnceLock::new();

/// Read every document this process opens as `options` say: the command
/// line's `--as-format` and `--keep-all`, set once before any document is
/// opened, so every command (and every screen that opens a document) honours
/// them. Later calls change nothing.
pub fn set_read_options(options: OpenOptions) {
    let _ = READ_OPTIONS.set(options);
}

/// The options [`set_read_options`] set (default: detect, drop furniture).
pub fn read_options() -> OpenOptions {
    READ_OPTIONS.get().copied().unwrap_or_default()
}

/// How to read a document: its format (detected when `None`) and whether an
/// extractor keeps page furniture (as boilerplate).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenOptions {
    pub format: Option<formats::Format>,
    pub keep_all: bool,
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("path", &self.path)
            .field("size", &self.size())
            .field("paragraphs", &self.len())
            .field("complete", &self.is_complete())
            .finish()
    }
}

impl Document {
    /// Read, check and index a whole document from disk, as
    /// [`read_options`] say (by default its format detected).
    pub fn open(path: &Path) -> Result<Self, DocumentError> {
        Self::open_with(path, read_options())
    }

    /// Read a whole document as `options` say: plain text as it is, other
    /// formats through their extractor.
    pub fn open_with(path: &Path, options: OpenOptions) -> Result<Self, DocumentError> {
        if let Some(format) = Self::format_to_extract(path, options)? {
            let (file, origin) = open_regular(path)?;
            let job = Self::extraction_job(path, file, &origin, format, options.keep_all)?;
            let extraction::Done {
                text,
                extraction,
                store,
            } = job.run()?;
            if let Some((cache, key)) = store {
                cache.put(&key, &text, &extraction);
            }
            let shared = Shared::pending();
            shared.install(text, extraction);
            return Ok(Document {
                path: path.to_path_buf(),
                shared: Arc::new(shared),
                origin: Some(Arc::new(origin)),
            });
        }
        let (file, origin) = open_regular(path)?;
        let bytes = read_whole(path, file, origin.stamp.len)?;
        let mut doc = Self::build(path, bytes)?;
        doc.origin = Some(Arc::new(origin));
        Ok(doc)
    }

    /// [`Document::open`] of a file a folder walk found as a regular file,
    /// with one path lookup for the text (open, then ask the handle): `None`
    /// when the file is larger than `skip_above` bytes, or gone, as a walk
    /// that asks each file's size first would have left it out. A document
    /// in another format takes that walk's way, then [`Document::open`]'s.
    pub fn open_found(path: &Path, skip_above: u64) -> Result<Option<Self>, DocumentError> {
        let options = read_options();
        let plain = match options.format {
            Some(format) => format == formats::Format::Text,
            None => formats::is_text_by_name(path),
        };
        if !plain {
            if !std::fs::metadata(path).is_ok_and(|m| m.len() <= skip_above) {
                return Ok(None);
            }
            return Self::open_with(path, options).map(Some);
        }
        let file = match open_without_blocking(path) {
            Ok(file) => file,
            Err(_) if std::fs::metadata(path).is_err() => return Ok(None),
            Err(source) => {
                return Err(DocumentError::Io {
                    path: path.display().to_string(),
                    source,
                });
            }
        };
        let meta = file.metadata().map_err(|source| DocumentError::Io {
            path: path.display().to_string(),
            source,
        })?;
        if meta.len() > skip_above {
            return Ok(None);
        }
        let (file, origin) = regular_opened(path, file, &meta)?;
        let bytes = read_whole(path, file, origin.stamp.len)?;
        let mut doc = Self::build(path, bytes)?;
        doc.origin = Some(Arc::new(origin));
        Ok(Some(doc))
    }

    /// Open a document for reading on screen: only the first screenful of a
    /// large one is read, checked and indexed before this returns; a
    /// background thread reads the rest (see [`Document::is_complete`] and
    /// [`Document::load_error`]) and then computes the SHA-256. Small documents
    /// are opened completely, as by [`Document::open`].
    pub fn open_progressive(path: &Path) -> Result<Self, DocumentError> {
        Self::open_progressive_with(path, read_options())
    }

    /// [`Document::open_progressive`] as `options` say. A document that is
    /// not plain text is extracted (or read back from the cache) on a thread
    /// of its own: this waits for it briefly ([`FIRST_SCREEN_WAIT`]), or
    /// until the first paragraphs of a long one are known
    /// ([`Document::preview`]), then returns the document empty and
    /// incomplete; its whole text arrives at once when the extraction ends
    /// (an error then is [`Document::load_error`]).
    pub fn open_progressive_with(path: &Path, options: OpenOptions) -> Result<Self, DocumentError> {
        if let Some(format) = Self::format_to_extract(path, options)? {
            let (file, origin) = open_regular(path)?;
            let job = Self::extraction_job(path, file, &origin, format, options.keep_all)?;
            let shared = Arc::new(Shared::pending());
            shared.sha_started.store(true, Ordering::Relaxed);
            let worker = Arc::clone(&shared);
            let doc = Document {
                path: path.to_path_buf(),
                shared,
                origin: Some(Arc::new(origin)),
            };
            let spawned = std::thread::Builder::new()
                .name("gloss-extract".into())
                .spawn(move || extract_in_background(worker, job));
            if let Err(e) = spawned {
                return Err(DocumentError::Io {
                    path: path.display().to_string(),
                    source: e,
                });
            }
            doc.wait_for_first_screen(FIRST_SCREEN_WAIT);
            if let Some(e) = doc.load_error() {
                return Err(extraction::duplicate(e));
            }
            return Ok(doc);
        }
        let (mut file, origin) = open_regular(path)?;
        let size = origin.stamp.len;
        if size < LARGE_DOCUMENT_BYTES {
            let bytes = read_whole(path, file, size)?;
            let mut doc = Self::build(path, bytes)?;
            doc.origin = Some(Arc::new(origin));
            return Ok(doc);
        }
        let shown = path.display().to_string();
        let io = |source| DocumentError::Io {
            path: shown.clone(),
            source,
        };
        // `size` is at most MAX_DOCUMENT_BYTES (open_regular), so it fits.
        let bytes = Bytes::with_capacity(size as usize);
        // The first bytes tell whether there is a byte-order mark.
        bytes.fill_from(&mut file, FIRST_STEP_BYTES).map_err(io)?;
        let shared = Arc::new(Shared::new(bytes));
        let mut loader = Loader {
            file: Box::new(file),
            shown: shown.clone(),
            ix: Indexer::default(),
            valid: 0,
            ended: false,
        };
        // The first screen: enough paragraphs to fill any terminal.
        while !loader.ended {
            loader.step(&shared, FIRST_STEP_BYTES)?;
            let published = shared.len();
            if published >= FIRST_SCREEN_PARAGRAPHS
                || (published > 0 && loader.valid >= FIRST_SCREEN_BYTES)
            {
                break;
            }
        }
        let doc = Document {
            path: path.to_path_buf(),
            shared: Arc::clone(&shared),
            origin: Some(Arc::new(origin)),
        };
        if loader.ended {
            loader.finish(&shared);
            return Ok(doc);
        }
        let worker = Arc::clone(&shared);
        shared.sha_started.store(true, Ordering::Relaxed);
        let spawned = std::thread::Builder::new()
            .name("gloss-index".into())
            .spawn(move || index_in_background(worker, loader));
        if let Err(e) = spawned {
            return Err(io(e));
        }
        Ok(doc)
    }

    /// The format `path` is to be extracted from, `None` when it is read
    /// as plain text.
    fn format_to_extract(
        path: &Path,
        options: OpenOptions,
    ) -> Result<Option<formats::Format>, DocumentError> {
        let format = match options.format {
            Some(f) => f,
            // Opened once, not twice, for the common case.
            None if formats::is_text_by_name(path) => formats::Format::Text,
            None => {
                let (file, _) = open_regular(path)?;
                let mut head = Vec::with_capacity(1024);
                file.take(1024)
                    .read_to_end(&mut head)
                    .map_err(|source| DocumentError::Io {
                        path: path.display().to_string(),
                        source,
                    })?;
                formats::detect(path, &head)
            }
        };
        Ok((format != formats::Format::Text).then_some(format))
    }

    /// The extraction of an opened original. The original file is only
    /// read, and watched for changes like any document.
    fn extraction_job(
        path: &Path,
        file: std::fs::File,
        origin: &Origin,
        format: formats::Format,
        keep_all: bool,
    ) -> Result<extraction::Job, DocumentError> {
        // The parsers hold the whole file and a tree of it: refuse before reading.
        if origin.stamp.len > formats::MAX_MARKUP_BYTES as u64 {
            return Err(DocumentError::Extract {
                path: path.display().to_string(),
                source: formats::ExtractError::TooLarge(origin.stamp.len as usize),
            });
        }
        Ok(extraction::Job {
            path: path.to_path_buf(),
            file,
            size: origin.stamp.len,
            format,
            keep_all,
            cache: extraction::Cache::from_env(),
        })
    }

    /// How the text was extracted, for a document that was not plain text.
    pub fn extraction(&self) -> Option<&formats::Extraction> {
        self.shared.extraction.get()
    }

    /// The first paragraphs of a long document whose extraction is still
    /// running (see [`formats::Preview`]): what the screen shows until the
    /// whole text arrives. `None` once it has, and for other documents.
    pub fn preview(&self) -> Option<&formats::Preview> {
        if self.shared.bytes.get().is_some() {
            return None;
        }
        self.shared.preview.get()
    }

    /// Is the text an extractor's (or will it be, once extracted)?
    pub fn is_extracted(&self) -> bool {
        self.shared.extraction.get().is_some() || self.shared.bytes.get().is_none()
    }

    /// Where paragraph `index` comes from in the original (page, section,
    /// boilerplate); `None` for plain text.
    pub fn provenance(&self, index: usize) -> Option<&formats::Provenance> {
        let start = self.get(index)?.start;
        self.extraction()?.at(start)
    }

    /// The styled runs of paragraph `index` (emphasis, strong, code,
    /// headings) as byte ranges of [`Document::paragraph_text`]: empty for
    /// plain text. Runs from a cache entry are not trusted: each is cut to
    /// the paragraph and dropped unless its ends are character boundaries.
    pub fn styles(&self, index: usize) -> Vec<(usize, usize, formats::TextStyle)> {
        let Some(p) = self.get(index) else {
            return Vec::new();
        };
        let Some((block, provenance)) = self.extraction().and_then(|e| e.block_at(p.start)) else {
            return Vec::new();
        };
        let text = self.paragraph_text(index);
        provenance
            .styles
            .iter()
            .filter_map(|s| {
                let start = block.saturating_add(s.start).clamp(p.start, p.end) - p.start;
                let end = block.saturating_add(s.end).clamp(p.start, p.end) - p.start;
                (start < end && text.is_char_boundary(start) && text.is_char_boundary(end))
                    .then_some((start, end, s.style))
            })
            .collect()
    }

    /// Index a document from bytes already in memory (`path` is used for naming only).
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Self, DocumentError> {
        Self::build(path, Bytes::owned(bytes))
    }

    fn build(path: &Path, bytes: Bytes) -> Result<Self, DocumentError> {
        let shown = || path.display().to_string();
        let shared = Shared::new(bytes);
        let all = shared.bytes().as_slice();
        if let Some(offset) = memchr::memchr(0, all) {
            return Err(DocumentError::Binary {
                path: shown(),
                offset,
            });
        }
        let text = shared.raw_text();
        if let Err(e) = simdutf8::compat::from_utf8(text) {
            let offset = e.valid_up_to();
            return Err(DocumentError::NotUtf8 {
                path: shown(),
                offset: offset + shared.bom_len,
                byte: text[offset],
            });
        }
        let mut ix = Indexer::default();
        ix.feed(text, text.len());
        let entries = ix.finish(text);
        let valid = text.len();
        // `shared` is this thread's alone until returned.
        shared.set_complete(entries, valid);
        Ok(Document {
            path: path.to_path_buf(),
            shared: Arc::new(shared),
            origin: None,
        })
    }

    /// A document whose extraction is still running and has shown
    /// `preview` so far: the state the screen draws before the text arrives.
    #[cfg(test)]
    pub(crate) fn extracting_with(path: &Path, preview: Option<formats::Preview>) -> Self {
        let shared = Shared::pending();
        // As when opened: the hash is the extraction thread's to compute.
        shared.sha_started.store(true, Ordering::Relaxed);
        if let Some(preview) = preview {
            let _ = shared.preview.set(preview);
        }
        Document {
            path: path.to_path_buf(),
            shared: Arc::new(shared),
            origin: None,
        }
    }

    /// Build a document from a string (tests, generated inputs).
    pub fn from_text(path: &Path, text: &str) -> Self {
        Self::from_bytes(path, text.as_bytes().to_vec())
            .or_else(|_| Self::from_bytes(path, Vec::new()))
            .unwrap_or_else(|_| Document {
                path: path.to_path_buf(),
                shared: Arc::new(Shared::new(Bytes::owned(Vec::new()))),
                origin: None,
            })
    }

    /// Has the file changed on disk since it was read? Looks at its size,
    /// times and identity (a `stat`, cheap enough to ask every second or
    /// two); a small file modified just before it was read is also compared
    /// byte for byte, once. Text built in memory never changes.
    pub fn disk_change(&self) -> Option<DiskChange> {
        let origin = self.origin.as_ref()?;
        if self.shared.cut_short.load(Ordering::Relaxed) {
            return Some(DiskChange::Changed);
        }
        let meta = match std::fs::metadata(&self.path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Some(DiskChange::Gone("deleted or moved away".into()));
            }
            Err(e) => return Some(DiskChange::Gone(e.to_string())),
        };
        if Stamp::of(&meta) != origin.stamp {
            return Some(DiskChange::Changed);
        }
        let settled = origin
            .stamp
            .modified
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age >= MTIME_RESOLUTION);
        // An extracted text is not the file's bytes: the stamp alone tells.
        if origin.recent
            && !self.is_extracted()
            && settled
            && self.is_complete()
            && meta.len() < LARGE_DOCUMENT_BYTES
            && !origin.compared.swap(true, Ordering::Relaxed)
        {
            let now = open_regular(&self.path)
                .and_then(|(file, o)| read_whole(&self.path, file, o.stamp.len));
            match now {
                Ok(bytes) if bytes.as_slice() == self.shared.bytes().as_slice() => {}
                Ok(_) => return Some(DiskChange::Changed),
                Err(e) => return Some(DiskChange::Gone(e.to_string())),
            }
        }
        None
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file name, as recorded in sidecars.
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// The text (BOM excluded). While a large document is still being checked,
    /// this is the part checked so far; it covers every indexed paragraph.
    pub fn text(&self) -> &str {
        let valid = self.shared.valid.load(Ordering::Acquire);
        let bytes = &self.shared.raw_text()[..valid];
        // SAFETY: `valid` only grows, and only after `bytes[..valid]` was checked
        // to be UTF-8 ending on a character boundary (check_step / build).
        unsafe { std::str::from_utf8_unchecked(bytes) }
    }

    /// Size of the file as read, BOM included (while a large document is
    /// still being read: its size when opened).
    pub fn size(&self) -> u64 {
        if self.is_complete() {
            self.shared.bytes().as_slice().len() as u64
        } else {
            self.shared.bytes().capacity as u64
        }
    }

    /// SHA-256 of the file's bytes, lowercase hex. Computed on first use (it
    /// takes about 3 ms per MB); for a document opened progressively the
    /// background thread computes it after indexing, and this waits for it.
    pub fn sha256(&self) -> &str {
        self.shared.sha256()
    }

    /// The SHA-256 if it has been computed already (never waits).
    pub fn sha256_if_ready(&self) -> Option<&str> {
        self.shared.sha256.get().map(String::as_str)
    }

    /// The SHA-256 without keeping the caller waiting: computed now for a
    /// small document; for a large one `None` until a background thread (started
    /// here if none runs yet) has it.
    pub fn sha256_soon(&self) -> Option<&str> {
        if let Some(s) = self.sha256_if_ready() {
            return Some(s);
        }
        if self.is_complete() && self.size() < LARGE_DOCUMENT_BYTES {
            return Some(self.sha256());
        }
        if !self.shared.sha_started.swap(true, Ordering::Relaxed) {
            let shared = Arc::clone(&self.shared);
            let spawned = std::thread::Builder::new()
                .name("gloss-sha256".into())
                .spawn(move || {
                    shared.sha256();
                });
            if spawned.is_err() {
                return Some(self.sha256());
            }
        }
        None
    }

    /// Length of a skipped byte-order mark.
    pub fn bom_len(&self) -> usize {
        self.shared.bom_len
    }

    /// Every paragraph indexed so far, in order (each one's line counted
    /// from the one before it).
    pub fn paragraphs(&self) -> impl ExactSizeIterator<Item = Paragraph> + '_ {
        let mut before: Option<Entry> = None;
        (0..self.len()).map(move |i| {
            let e = self.shared.with_index(|ix| {
                let text = self.shared.raw_text();
                match before {
                    Some(b) => ix.entry_after(text, i, b),
                    None => ix.entry(text, i),
                }
            });
            before = e;
            e.map(|e| self.paragraph_of(e)).unwrap_or_default()
        })
    }

    /// Paragraph `index` (0-based); an empty paragraph at offset 0 (lines 0)
    /// when there is no such paragraph.
    pub fn paragraph(&self, index: usize) -> Paragraph {
        self.get(index).unwrap_or_default()
    }

    /// Paragraph `index` (0-based), if indexed.
    pub fn get(&self, index: usize) -> Option<Paragraph> {
        self.shared.entry(index).map(|e| self.paragraph_of(e))
    }

    fn paragraph_of(&self, e: Entry) -> Paragraph {
        let range = e.range();
        let newlines = newlines(&self.shared.raw_text()[range.clone()]);
        Paragraph {
            start: range.start,
            end: range.end,
            line_start: e.line as usize,
            line_end: e.line as usize + newlines,
        }
    }

    /// Paragraphs indexed so far (all of them once [`Document::is_complete`]).
    pub fn len(&self) -> usize {
        self.shared.len()
    }

    /// The paragraph count to size things by (the gutter): while indexing, an
    /// estimate from the part indexed so far, so the gutter does not widen.
    pub fn len_hint(&self) -> usize {
        let n = self.len();
        let p = self.progress();
        if self.is_complete() || p <= 0.0 {
            return n;
        }
        ((n as f64 / p) as usize).max(n)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Is the paragraph index complete (always, except while a document opened
    /// by [`Document::open_progressive`] is still being indexed)?
    pub fn is_complete(&self) -> bool {
        self.shared.done.get().is_some()
    }

    /// Set when background checking found the file is not UTF-8 text; the
    /// index then stops where the problem is.
    pub fn load_error(&self) -> Option<&DocumentError> {
        self.shared.failed.get()
    }

    /// Fraction of the text indexed so far, 0–1.
    pub fn progress(&self) -> f64 {
        let total = self.shared.expected_text_len();
        if total == 0 || self.is_complete() {
            return 1.0;
        }
        self.shared.valid.load(Ordering::Acquire) as f64 / total as f64
    }

    /// Wait until more than `known` paragraphs are indexed or the index is
    /// complete, at most `limit`. Returns the number of paragraphs now indexed.
    pub fn wait_for_more(&self, known: usize, limit: Duration) -> usize {
        self.wait_until(limit, || self.len() > known || self.is_complete());
        self.len()
    }

    /// Wait until there is something to show (paragraphs, a preview) or the
    /// index is complete, at most `limit`.
    fn wait_for_first_screen(&self, limit: Duration) {
        self.wait_until(limit, || {
            !self.is_empty() || self.is_complete() || self.shared.preview.get().is_some()
        });
    }

    /// Wait until `done` holds, at most `limit`: woken by the indexer's
    /// progress, and looking again every 50 ms in case a wake-up is missed.
    fn wait_until(&self, limit: Duration, done: impl Fn() -> bool) {
        let deadline = std::time::Instant::now() + limit;
        let mut seen = self
            .shared
            .progress
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        while !done() {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return;
            }
            seen = self
                .shared
                .progressed
                .wait_timeout(seen, left.min(Duration::from_millis(50)))
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Block until the index is complete (benches, scripts).
    pub fn wait_complete(&self) {
        self.shared.wait_complete();
    }

    /// Raw text of paragraph `index` (0-based), lines joined by the file's own newlines.
    pub fn paragraph_text(&self, index: usize) -> &str {
        match self.shared.range(index) {
            Some(range) => {
                let bytes = &self.shared.raw_text()[range];
                // SAFETY: an entry is published only after the text up to its
                // end was checked to be UTF-8; its ends are line boundaries
                // (ASCII bytes), so character boundaries.
                unsafe { std::str::from_utf8_unchecked(bytes) }
            }
            None => "",
        }
    }

    /// Stable hash of a paragraph's normalised text (see [`paragraph_hash`]).
    pub fn paragraph_hash(&self, index: usize) -> String {
        paragraph_hash(self.paragraph_text(index))
    }

    /// The paragraph (0-based) whose text contains byte `offset`, if any.
    pub fn paragraph_at(&self, offset: usize) -> Option<usize> {
        self.shared.with_index(|ix| ix.at(offset))
    }
}

/// Open `path` for reading if it is a regular file of at most
/// [`MAX_DOCUMENT_BYTES`], and note what it looks like before it is read.
/// Devices, pipes, sockets and folders are refused before anything is read
/// (a pipe is opened without waiting for a writer, and looked at again once
/// open, in case the name changed hands meanwhile).
fn open_regular(path: &Path) -> Result<(std::fs::File, Origin), DocumentError> {
    let shown = path.display().to_string();
    let io = |source| DocumentError::Io {
        path: shown.clone(),
        source,
    };
    let refuse = |meta: &std::fs::Metadata| match special_file_kind(meta) {
        Some(kind) => Err(DocumentError::NotRegular {
            path: shown.clone(),
            kind,
        }),
        None => Ok(()),
    };
    refuse(&std::fs::metadata(path).map_err(io)?)?;
    let file = open_without_blocking(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    regular_opened(path, file, &meta)
}

/// [`open_regular`] once the file is open and `meta` is its handle's:
/// refused unless a regular file of at most [`MAX_DOCUMENT_BYTES`].
fn regular_opened(
    path: &Path,
    file: std::fs::File,
    meta: &std::fs::Metadata,
) -> Result<(std::fs::File, Origin), DocumentError> {
    let shown = path.display().to_string();
    if let Some(kind) = special_file_kind(meta) {
        return Err(DocumentError::NotRegular {
            path: shown.clone(),
            kind,
        });
    }
    if meta.len() > MAX_DOCUMENT_BYTES {
        return Err(DocumentError::TooLarge {
            path: shown,
            size: meta.len(),
        });
    }
    let stamp = Stamp::of(meta);
    let recent = stamp
        .modified
        .and_then(|m| m.elapsed().ok())
        .is_none_or(|age| age < MTIME_RESOLUTION);
    Ok((
        file,
        Origin {
            stamp,
            recent,
            compared: AtomicBool::new(false),
        },
    ))
}

/// How close together two writes may be and still leave the same
/// modification time (coarse clocks, some file systems): generous.
const MTIME_RESOLUTION: Duration = Duration::from_secs(2);

#[cfg(unix)]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    use rustix::fs::{Mode, OFlags};
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    )?;
    Ok(std::fs::File::from(fd))
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// Read an opened regular file of `size` bytes (when opened) into memory.
/// Reading stops at [`MAX_DOCUMENT_BYTES`] whatever the file does meanwhile.
fn read_whole(path: &Path, mut file: std::fs::File, size: u64) -> Result<Bytes, DocumentError> {
    let shown = path.display().to_string();
    let mut bytes = Vec::new();
    read_sized(&mut file, size, MAX_DOCUMENT_BYTES, &mut bytes).map_err(|source| {
        DocumentError::Io {
            path: shown.clone(),
            source,
        }
    })?;
    if bytes.len() as u64 > MAX_DOCUMENT_BYTES {
        return Err(DocumentError::TooLarge {
            path: shown,
            size: bytes.len() as u64,
        });
    }
    Ok(Bytes::owned(bytes))
}

/// Read `file` to its end into `bytes` (appended), or until more than `cap`
/// bytes came. `size` is the length its handle gave just before: once
/// exactly that many bytes came in a read that left room for more, the
/// file is at its end, and the last `read` of `read_to_end` (which only
/// finds the end) is spared: one `read` per file rather than two, for a
/// corpus of thirty thousand files. Anything else reads on until the end.
pub(crate) fn read_sized(
    file: &mut std::fs::File,
    size: u64,
    cap: u64,
    bytes: &mut Vec<u8>,
) -> std::io::Result<()> {
    let start = bytes.len();
    let expected = usize::try_from(size.min(cap)).unwrap_or(usize::MAX - 1);
    if expected > 1 << 20 {
        // A large file: one read more is nothing to it, and zeroing the
        // buffer first (below) would be.
        bytes.reserve(expected + 1);
        return file.take(cap + 1).read_to_end(bytes).map(drop);
    }
    // One byte more than expected: a file that grew fills it.
    bytes.reserve(expected + 1);
    let mut room = expected + 1;
    loop {
        let filled = bytes.len();
        bytes.resize(filled + room, 0);
        let read = loop {
            match file.read(&mut bytes[filled..]) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                other => break other,
            }
        };
        let n = match read {
            Ok(n) => n,
            Err(e) => {
                bytes.truncate(filled);
                return Err(e);
            }
        };
        bytes.truncate(filled + n);
        let total = bytes.len() - start;
        if n == 0 || total as u64 > cap || (n < room && total as u64 == size) {
            return Ok(());
        }
        if n == room {
            room = total.clamp(8192, 1 << 20);
        } else {
            room -= n;
        }
    }
}

/// Check text bytes `from..to` (text offsets, BOM excluded): no NUL, UTF-8.
/// Returns how far the text is now valid. A character cut at `to` is left
/// for the next step when `more` text may follow; otherwise it is an error.
fn check_step(
    text: &[u8],
    bom: usize,
    from: usize,
    to: usize,
    more: bool,
    shown: &str,
) -> Result<usize, DocumentError> {
    let part = &text[from..to];
    if let Some(i) = memchr::memchr(0, part) {
        return Err(DocumentError::Binary {
            path: shown.to_string(),
            offset: bom + from + i,
        });
    }
    match simdutf8::compat::from_utf8(part) {
        Ok(_) => Ok(to),
        Err(e) if e.error_len().is_none() && more => Ok(from + e.valid_up_to()),
        Err(e) => {
            let at = from + e.valid_up_to();
            Err(DocumentError::NotUtf8 {
                path: shown.to_string(),
                offset: bom + at,
                byte: text[at],
            })
        }
    }
}

/// Reads a large document into its buffer step by step, checking and
/// indexing each step ([`Document::open_progressive`], then the background).
struct Loader {
    /// The opened file (any reader in tests).
    file: Box<dyn Read + Send>,
    shown: String,
    ix: Indexer,
    /// Bytes of text checked so far.
    valid: usize,
    /// Nothing more will be read: the buffer is full or the file ended.
    ended: bool,
}

impl Loader {
    /// Read up to `step` more bytes, check what was read and index its lines.
    fn step(&mut self, shared: &Shared, step: usize) -> Result<(), DocumentError> {
        let got = shared
            .bytes()
            .fill_from(&mut self.file, step)
            .map_err(|source| DocumentError::Io {
                path: self.shown.clone(),
                source,
            })?;
        if shared.bytes().is_full() {
            self.ended = true;
        } else if got == 0 {
            // Truncated while being read: the text is what could be read
            // (a character cut at the new end is left out).
            self.ended = true;
            shared.cut_short.store(true, Ordering::Relaxed);
        }
        let text = shared.raw_text();
        let cut = shared.cut_short.load(Ordering::Relaxed);
        self.valid = check_step(
            text,
            shared.bom_len,
            self.valid,
            text.len(),
            !self.ended || cut,
            &self.shown,
        )?;
        self.ix.feed(text, self.valid);
        shared.publish(self.ix.take_settled(), self.valid);
        Ok(())
    }

    /// Index the last line and publish the complete index.
    fn finish(self, shared: &Shared) {
        let text = &shared.raw_text()[..self.valid];
        let rest = self.ix.finish(text);
        shared.complete(rest, self.valid);
    }
}

/// The background half of [`Document::open_progressive_with`] for a
/// document that is not plain text: extract, show, then cache and hash.
fn extract_in_background(shared: Arc<Shared>, job: extraction::Job) {
    let shown = |preview| {
        let _ = shared.preview.set(preview);
        shared.notify();
    };
    match job.run_with_preview(&mut |preview| shown(preview)) {
        Ok(extraction::Done {
            text,
            extraction,
            store,
        }) => {
            shared.install(text, extraction);
            if let (Some((cache, key)), Some(extraction), Ok(text)) = (
                store,
                shared.extraction.get(),
                std::str::from_utf8(shared.raw_text()),
            ) {
                cache.put(&key, text, extraction);
            }
            if Arc::strong_count(&shared) > 1 {
                shared.sha256();
            }
        }
        Err(e) => {
            let _ = shared.failed.set(e);
            shared.complete(Vec::new(), 0);
        }
    }
}

/// The background half of [`Document::open_progressive`].
fn index_in_background(shared: Arc<Shared>, mut loader: Loader) {
    while !loader.ended {
        // Nobody holds the document any more: stop.
        if Arc::strong_count(&shared) == 1 {
            return;
        }
        if let Err(e) = loader.step(&shared, STEP_BYTES) {
            let _ = shared.failed.set(e);
            let more = loader.ix.take_settled();
            shared.complete(more, loader.valid);
            return;
        }
    }
    loader.finish(&shared);
    if Arc::strong_count(&shared) > 1 {
        shared.sha256();
    }
}

/// Hash of a paragraph's text with line endings and trailing spaces normalised,
/// so CRLF/LF conversions and stray trailing blanks do not orphan annotations.
pub fn paragraph_hash(text: &str) -> String {
    let mut hasher = Sha256::new();
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            hasher.update(b"\n");
        }
        hasher.update(line.trim_end().as_bytes());
    }
    hex(&hasher.finalize()[..8])
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}

/// Splits text into paragraphs line by line, so it can run over a file in
/// steps: runs of non-blank lines, or one paragraph per line when the whole
/// text has no blank line between two non-blank lines.
#[derive(Debug, Default)]
struct Indexer {
    /// Closed paragraphs not yet taken.
    out: Vec<Entry>,
    /// Paragraphs already taken.
    taken: usize,
    /// The paragraph being read: start, content end, first line.
    open: Option<(usize, usize, usize)>,
    /// Lines seen.
    lines: usize,
    /// Start of the first line not yet seen.
    pos: usize,
    /// Some paragraph has more than one line.
    multi_line: bool,
}

impl Indexer {
    /// Read every line of `text` that ends (with `\n`) before `upto`.
    fn feed(&mut self, text: &[u8], upto: usize) {
        let from = self.pos;
        for nl in memchr::memchr_iter(b'\n', &text[from..upto]) {
            let nl = from + nl;
            self.lines += 1;
            self.visit(text, self.pos, nl);
            self.pos = nl + 1;
        }
    }

    fn visit(&mut self, text: &[u8], start: usize, end: usize) {
        let line = &text[start..end];
        if is_blank(line) {
            if let Some((s, e, l)) = self.open.take() {
                self.out.push(Entry::new(s, e, l));
            }
            return;
        }
        let content_end = if line.ends_with(b"\r") { end - 1 } else { end };
        match &mut self.open {
            Some(p) => {
                p.1 = content_end;
                self.multi_line = true;
            }
            None => self.open = Some((start, content_end, self.lines)),
        }
    }

    /// Closed paragraphs that can no longer change: once a second paragraph
    /// has begun, the one-per-line rule is ruled out.
    fn take_settled(&mut self) -> Vec<Entry> {
        if self.taken + self.out.len() + usize::from(self.open.is_some()) >= 2 {
            self.taken += self.out.len();
            std::mem::take(&mut self.out)
        } else {
            Vec::new()
        }
    }

    /// Read the last line and close the text; returns the paragraphs not taken.
    fn finish(mut self, text: &[u8]) -> Vec<Entry> {
        self.feed(text, text.len());
        if self.pos < text.len() {
            self.lines += 1;
            self.visit(text, self.pos, text.len());
            self.pos = text.len();
        }
        if let Some((s, e, l)) = self.open.take() {
            self.out.push(Entry::new(s, e, l));
        }
        if self.taken == 0 && self.out.len() == 1 && self.multi_line {
            return one_per_line(text, self.out[0]);
        }
        self.out
    }
}

/// Split text into paragraphs (runs of non-blank lines). A text with no blank
/// line between two non-blank lines is split one paragraph per line instead.
pub fn index_paragraphs(text: &str) -> Vec<Paragraph> {
    let doc = Document::from_text(Path::new(""), text);
    doc.paragraphs().collect()
}

fn one_per_line(text: &[u8], whole: Entry) -> Vec<Entry> {
    let mut out = Vec::new();
    let range = whole.range();
    let mut start = range.start;
    let mut line = whole.line as usize;
    loop {
        let nl = memchr::memchr(b'\n', &text[start..range.end]).map(|i| start + i);
        let end = nl.unwrap_or(range.end);
        let content_end = if end > start && text[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        out.push(Entry::new(start, content_end, line));
        match nl {
            Some(nl) => {
                start = nl + 1;
                line += 1;
            }
            None => break,
        }
    }
    out
}

impl fmt::Display for Paragraph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "lines {}-{}", self.line_start, self.line_end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `read_sized` of a file of `len` bytes told to be `size` long, capped
    /// at `cap`, into a buffer that holds bytes already.
    fn read_sized_of(len: usize, size: u64, cap: u64) -> Vec<u8> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let content: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &content).unwrap();
        let mut bytes = b"kept".to_vec();
        read_sized(
            &mut std::fs::File::open(&path).unwrap(),
            size,
            cap,
            &mut bytes,
        )
        .unwrap();
        assert_eq!(&bytes[..4], b"kept");
        bytes.split_off(4)
    }

    #[test]
    fn a_file_is_read_whole_whatever_size_it_was_said_to_have() {
        for len in [0, 1, 5_000, 8_192, 70_000] {
            let whole: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            // As asked; grown since (said smaller); shrunk since (said larger).
            for size in [len as u64, (len / 2) as u64, 0, len as u64 + 100, 3 << 20] {
                assert_eq!(
                    read_sized_of(len, size, 1 << 30),
                    whole,
                    "{len} said {size}"
                );
            }
        }
        // A large one, read as `read_to_end` reads it.
        let large = 2 << 20;
        assert_eq!(read_sized_of(large, large as u64, 1 << 30).len(), large);
    }

    #[test]
    fn a_read_stops_once_past_its_cap() {
        let read = read_sized_of(100_000, 100, 1_000);
        assert!(read.len() > 1_000 && read.len() < 100_000, "{}", read.len());
        assert_eq!(read_sized_of(500, 500, 1_000).len(), 500);
    }

    #[test]
    fn a_found_file_is_read_as_open_reads_it_or_skipped_when_too_large_or_gone() {
        let dir = tempfile::tempdir().unwrap();
        let memo = dir.path().join("memo.txt");
        std::fs::write(&memo, "Nam Il spoke.\n\nPak listened.\n").unwrap();
        let found = Document::open_found(&memo, 1 << 20).unwrap().unwrap();
        let opened = Document::open(&memo).unwrap();
        assert_eq!(found.len(), opened.len());
        assert_eq!(found.paragraph_text(1), opened.paragraph_text(1));
        assert_eq!(found.sha256(), opened.sha256());
        assert!(Document::open_found(&memo, 10).unwrap().is_none());
        let gone = dir.path().join("gone.txt");
        assert!(Document::open_found(&gone, 1 << 20).unwrap().is_none());
        let binary = dir.path().join("binary.txt");
        std::fs::write(&binary, b"a\0b").unwrap();
        assert!(matches!(
            Document::open_found(&binary, 1 << 20),
            Err(DocumentError::Binary { .. })
        ));
    }

    fn paras(text: &str) -> Vec<String> {
        let doc = Document::from_text(Path::new("t.txt"), text);
        (0..doc.len())
            .map(|i| doc.paragraph_text(i).to_string())
            .collect()
    }

    #[test]
    fn an_extracted_document_waits_for_its_text_without_blocking_anyone() {
        let shared = Arc::new(Shared::pending());
        shared.sha_started.store(true, Ordering::Relaxed);
        let doc = Document {
            path: "page.html".into(),
            shared,
            origin: None,
        };
        assert!(!doc.is_complete() && doc.is_empty() && doc.is_extracted());
        assert_eq!(doc.sha256_soon(), None);
        assert_eq!(doc.wait_for_more(0, Duration::from_millis(1)), 0);
        let html = b"<h1>Talks</h1><p>one</p><p>two</p>";
        let extracted = formats::extract(formats::Format::Html, html, false).unwrap();
        let (text, extraction) = formats::layout(formats::Format::Html, extracted);
        doc.shared.install(text, extraction);
        assert!(doc.is_complete());
        assert_eq!(doc.len(), 3);
        assert_eq!(doc.paragraph_text(2), "two");
        assert_eq!(
            doc.provenance(2).and_then(|p| p.section.as_deref()),
            Some("Talks")
        );
        assert_eq!(doc.sha256_soon(), Some(doc.sha256()));
    }

    #[test]
    fn open_progressive_extracts_on_its_own_thread_as_open_does() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("page.html");
        let mut html = String::from("<nav>Home</nav><main>");
        for i in 0..1200 {
            html.push_str(&format!("<p>Paragraph {i}, said the delegate.</p>"));
        }
        // (below the cache's threshold: nothing is written to the state folder)
        assert!(html.len() < extraction::CACHE_MIN_BYTES);
        std::fs::write(&path, html + "</main>").unwrap();
        let doc = Document::open_progressive(&path).unwrap();
        doc.wait_complete();
        let whole = Document::open(&path).unwrap();
        assert_eq!(doc.text(), whole.text());
        assert_eq!(doc.len(), 1200);
        assert_eq!(doc.extraction(), whole.extraction());
        assert_eq!(doc.disk_change(), None);
        let bad = dir.path().join("bad.xml");
        std::fs::write(&bad, "<TEI><text><p>open</text></TEI>").unwrap();
        let err = Document::open_progressive(&bad).unwrap_err().to_string();
        assert!(
            err.starts_with(&format!("{}: byte ", bad.display())),
            "{err}"
        );
    }

    #[test]
    fn splits_on_blank_lines() {
        assert_eq!(paras("a\nb\n\n\nc\n"), vec!["a\nb", "c"]);
    }

    #[test]
    fn whitespace_only_lines_are_blank() {
        assert_eq!(paras("a\n \t\nb"), vec!["a", "b"]);
    }

    #[test]
    fn one_paragraph_per_line_without_blank_lines() {
        assert_eq!(paras("one\ntwo\nthree\n"), vec!["one", "two", "three"]);
        let doc = Document::from_text(Path::new("t"), "one\ntwo\n");
        assert_eq!(doc.paragraph(1).line_start, 2);
    }

    #[test]
    fn crlf_is_handled_and_lines_counted() {
        let doc = Document::from_text(Path::new("t"), "x\r\ny\r\n\r\nz\r\n");
        assert_eq!(doc.paragraph_text(0), "x\r\ny");
        assert_eq!(doc.paragraph_text(1), "z");
        assert_eq!(doc.paragraph(1).line_start, 4);
        assert_eq!(doc.paragraph_hash(0), paragraph_hash("x\ny"));
    }

    #[test]
    fn bom_is_skipped_and_counted_in_offsets() {
        let doc = Document::from_bytes(Path::new("t"), b"\xEF\xBB\xBFhello".to_vec()).unwrap();
        assert_eq!(doc.text(), "hello");
        let err =
            Document::from_bytes(Path::new("t"), b"\xEF\xBB\xBFab\xffc".to_vec()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t: not UTF-8 text (invalid byte 0xff at offset 5)"
        );
    }

    #[test]
    fn binary_is_refused() {
        let err = Document::from_bytes(Path::new("b.bin"), b"ab\0cd".to_vec()).unwrap_err();
        assert!(err.to_string().contains("NUL byte at offset 2"));
    }

    #[test]
    fn empty_and_blank_documents_have_no_paragraphs() {
        assert!(paras("").is_empty());
        assert!(paras("\n\n  \n").is_empty());
        assert_eq!(paras("single"), vec!["single"]);
    }

    /// A large document (read and indexed in the background) of
    /// multi-byte text whose characters straddle every step boundary.
    fn large_text(paragraphs: usize) -> String {
        let mut text = String::new();
        for i in 0..paragraphs {
            text.push_str(&format!(
                "¶{i} 남일 spoke of the armistice, line one.\r\nAnd a second line {i}.\n\n"
            ));
            if i % 7 == 0 {
                text.push_str("  \t\n");
            }
        }
        text
    }

    fn write_temp(bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.txt");
        std::fs::write(&path, bytes).unwrap();
        (dir, path)
    }

    #[test]
    fn progressive_open_matches_a_complete_read() {
        let mut text = String::from("\u{feff}");
        text.push_str(&large_text(70_000));
        assert!(text.len() as u64 > LARGE_DOCUMENT_BYTES);
        let (_dir, path) = write_temp(text.as_bytes());
        let doc = Document::open_progressive(&path).unwrap();
        assert!(
            !doc.is_empty(),
            "the first screen is indexed before returning"
        );
        assert!(doc.paragraph_text(0).starts_with("¶0 남일"));
        doc.wait_complete();
        assert!(doc.load_error().is_none());
        let whole = Document::from_text(&path, &text[3..]);
        assert_eq!(doc.len(), 70_000);
        assert!(doc.paragraphs().eq(whole.paragraphs()));
        assert_eq!(
            doc.paragraph(69_999).line_start,
            whole.paragraph(69_999).line_start
        );
        assert_eq!(
            doc.paragraph_text(69_999),
            "¶69999 남일 spoke of the armistice, line one.\r\nAnd a second line 69999."
        );
        assert_eq!(doc.text(), &text[3..]);
        assert_eq!(doc.bom_len(), 3);
        assert_eq!(doc.sha256(), hex(&Sha256::digest(text.as_bytes())));
        assert_eq!(doc.paragraph_at(doc.paragraph(5).start + 2), Some(5));
        let sync = Document::open(&path).unwrap();
        assert!(sync.paragraphs().eq(doc.paragraphs()));
    }

    #[test]
    fn bad_bytes_deep_in_a_large_file_are_reported_after_opening() {
        let text = large_text(70_000);
        for (bad, want) in [
            (0xffu8, "not UTF-8 text (invalid byte 0xff at offset"),
            (0, "NUL byte at offset"),
        ] {
            let mut bytes = text.clone().into_bytes();
            let at = bytes.len() - 1000;
            bytes[at] = bad;
            let (_dir, path) = write_temp(&bytes);
            let doc = Document::open_progressive(&path).unwrap();
            doc.wait_complete();
            let err = doc.load_error().expect("the bad byte is found").to_string();
            assert!(err.contains(want) && err.contains(&at.to_string()), "{err}");
            let sync = Document::open(&path).unwrap_err().to_string();
            assert_eq!(sync, err);
        }
    }

    #[test]
    fn a_clone_sees_the_index_grow() {
        let (_dir, path) = write_temp(large_text(70_000).as_bytes());
        let doc = Document::open_progressive(&path).unwrap();
        let other = doc.clone();
        drop(doc);
        other.wait_complete();
        assert_eq!(other.len(), 70_000);
    }

    /// Issue #9, item 6: the text of a large document is read into memory
    /// glossator owns, so a rewrite in place (one byte shifted, as `dd
    /// conv=notrunc` does) or a truncation while it is open changes nothing
    /// that was read: no fault, no invalid UTF-8, and the change is noticed.
    #[test]
    fn a_large_document_rewritten_in_place_or_truncated_keeps_the_text_read() {
        let text = large_text(70_000);
        let (_dir, path) = write_temp(text.as_bytes());
        let doc = Document::open_progressive(&path).unwrap();
        assert_eq!(doc.disk_change(), None);
        let shown = doc.paragraph_text(0).to_string();
        // Shift every byte by one, in place: multi-byte characters now sit
        // across the old paragraph boundaries.
        let mut shifted = b"X".to_vec();
        shifted.extend_from_slice(text.as_bytes());
        {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
            f.write_all(&shifted).unwrap();
        }
        doc.wait_complete();
        assert!(doc.load_error().is_none(), "{:?}", doc.load_error());
        assert_eq!(doc.paragraph_text(0), shown);
        for i in (0..doc.len()).step_by(997) {
            assert!(doc.paragraph_text(i).starts_with('¶'), "¶{i}");
        }
        assert_eq!(doc.disk_change(), Some(DiskChange::Changed));
        // Truncated to nothing: still the same text in memory.
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(0)
            .unwrap();
        assert_eq!(
            doc.paragraph_text(doc.len() - 1).len(),
            doc.paragraph(doc.len() - 1).end - doc.paragraph(doc.len() - 1).start
        );
        assert_eq!(doc.disk_change(), Some(DiskChange::Changed));
        // Reopening reads the file as it is now.
        let again = Document::open_progressive(&path).unwrap();
        assert!(again.is_empty());
        assert_eq!(again.disk_change(), None);
        std::fs::remove_file(&path).unwrap();
        assert!(matches!(again.disk_change(), Some(DiskChange::Gone(_))));
    }

    /// A reader that stops after `limit` bytes (a file truncated while read).
    struct CutShort<'a> {
        bytes: &'a [u8],
        limit: usize,
    }

    impl Read for CutShort<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.limit).min(self.bytes.len());
            buf[..n].copy_from_slice(&self.bytes[..n]);
            self.bytes = &self.bytes[n..];
            self.limit -= n;
            Ok(n)
        }
    }

    /// A file truncated while it is read (here inside a character) ends the
    /// text at its last whole character and says it changed; nothing past
    /// what was read is ever looked at.
    #[test]
    fn a_file_cut_short_while_read_ends_at_its_last_whole_character() {
        let text = large_text(10_000);
        let cut = text.find('남').unwrap() + 1 + 200_000;
        assert!(cut < text.len());
        let cut = (cut..).find(|&i| !text.is_char_boundary(i)).unwrap();
        let owned: &'static [u8] = Box::leak(text.clone().into_bytes().into_boxed_slice());
        let bytes = Bytes::with_capacity(text.len());
        let mut reader = CutShort {
            bytes: owned,
            limit: cut,
        };
        bytes.fill_from(&mut reader, 10).unwrap();
        let shared = Arc::new(Shared::new(bytes));
        let mut loader = Loader {
            file: Box::new(reader),
            shown: "cut.txt".into(),
            ix: Indexer::default(),
            valid: 0,
            ended: false,
        };
        while !loader.ended {
            loader.step(&shared, 4096).unwrap();
        }
        loader.finish(&shared);
        let doc = Document {
            path: "cut.txt".into(),
            shared,
            origin: Some(Arc::new(Origin {
                stamp: Stamp {
                    len: text.len() as u64,
                    modified: None,
                    #[cfg(unix)]
                    identity: (0, 0, 0, 0),
                },
                recent: false,
                compared: AtomicBool::new(false),
            })),
        };
        assert!(doc.is_complete() && doc.load_error().is_none());
        let whole = text.floor_char_boundary(cut);
        assert_eq!(doc.text(), &text[..whole]);
        assert_eq!(doc.disk_change(), Some(DiskChange::Changed));
        let last = doc.paragraph_text(doc.len() - 1);
        assert!(text[..whole].trim_end().ends_with(last));
    }

    /// Issue #9, item 7: devices, pipes and folders are refused before
    /// anything is read, and a pipe without a writer does not block.
    #[cfg(unix)]
    #[test]
    fn devices_pipes_and_folders_are_refused_without_reading() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let cases = [
            (std::path::PathBuf::from("/dev/zero"), "a character device"),
            (std::path::PathBuf::from("/dev/null"), "a character device"),
            (fifo, "a pipe (FIFO)"),
            (dir.path().to_path_buf(), "a folder"),
        ];
        for (path, kind) in cases {
            let (tx, rx) = std::sync::mpsc::channel();
            let p = path.clone();
            std::thread::spawn(move || {
                let _ = tx.send((
                    Document::open(&p).map(|_| ()).map_err(|e| e.to_string()),
                    Document::open_progressive(&p)
                        .map(|_| ())
                        .map_err(|e| e.to_string()),
                ));
            });
            let (sync, progressive) = rx
                .recv_timeout(Duration::from_secs(5))
                .unwrap_or_else(|_| panic!("{} blocked", path.display()));
            let want = format!(
                "{}: {kind}, not a document (glossator opens regular text files)",
                path.display()
            );
            assert_eq!(sync, Err(want.clone()));
            assert_eq!(progressive, Err(want));
        }
    }

    #[test]
    fn a_small_document_changed_on_disk_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memo.txt");
        std::fs::write(&path, "One.\n\nTwo.\n").unwrap();
        let doc = Document::open_progressive(&path).unwrap();
        assert_eq!(doc.disk_change(), None);
        std::fs::write(&path, "One!\n\nTwo.\n").unwrap();
        assert_eq!(doc.disk_change(), Some(DiskChange::Changed));
        assert_eq!(doc.paragraph_text(0), "One.");
        assert_eq!(Document::from_text(&path, "x").disk_change(), None);
    }

    #[test]
    fn paragraphs_are_stored_in_five_bytes_and_a_little() {
        let text = "A paragraph of a memorandum.\n\n".repeat(100_000);
        let doc = Document::from_text(Path::new("m"), &text);
        assert_eq!(doc.len(), 100_000);
        let bytes = doc.shared.with_index(|ix| {
            ix.starts.capacity() * 4
                + ix.gaps.capacity()
                + ix.lines.capacity() * 4
                + ix.far_ends.capacity() * 8
        });
        assert!(
            bytes <= 100_000 * 5 + 100_000 / LINE_STEP * 4,
            "{bytes} bytes"
        );
        let last = doc.paragraph(99_999);
        assert_eq!((last.line_start, last.line_end), (199_999, 199_999));
        assert_eq!(doc.paragraph_text(99_999), "A paragraph of a memorandum.");
    }

    proptest! {
        /// The index gives back every paragraph as the indexer found it
        /// (ends from the next start and the gap, long gaps' ends kept
        /// aside, lines counted from a kept one), in any order and in order.
        #[test]
        fn the_index_gives_back_what_the_indexer_found(
            lines in proptest::collection::vec("[ a\t\r]{0,4}", 0..60),
            crlf in any::<bool>(),
            long_gap in proptest::option::of(0usize..60),
        ) {
            let mut lines = lines;
            if let Some(at) = long_gap {
                // A blank stretch of about FAR_GAP bytes, either side of it.
                lines.insert(at.min(lines.len()), " ".repeat(usize::from(FAR_GAP) - 10 + at % 20));
            }
            let text = lines.join(if crlf { "\r\n" } else { "\n" });
            let bytes = text.as_bytes();
            let mut whole = Indexer::default();
            whole.feed(bytes, bytes.len());
            let whole = whole.finish(bytes);
            let mut ix = Index::default();
            for part in whole.chunks(3) {
                ix.extend(part);
            }
            prop_assert_eq!(ix.len(), whole.len());
            // Only the ends before a long gap are kept aside.
            let far: Vec<(u32, u32)> = whole
                .windows(2)
                .enumerate()
                .filter(|(_, w)| w[1].start - (w[0].start + w[0].len) >= u32::from(FAR_GAP))
                .map(|(i, w)| (i as u32, w[0].start + w[0].len))
                .collect();
            prop_assert_eq!(&ix.far_ends, &far);
            let mut before = None;
            for (i, e) in whole.iter().enumerate() {
                prop_assert_eq!(ix.entry(bytes, i), Some(*e));
                let after = match before {
                    Some(b) => ix.entry_after(bytes, i, b),
                    None => ix.entry(bytes, i),
                };
                prop_assert_eq!(after, Some(*e));
                before = after;
            }
            prop_assert_eq!(ix.entry(bytes, whole.len()), None);
            for offset in 0..bytes.len() + 1 {
                let expected = whole.iter().position(|e| e.range().contains(&offset));
                prop_assert_eq!(ix.at(offset), expected);
            }
        }
    }

    proptest! {
        /// Feeding the indexer in arbitrary steps gives the same paragraphs.
        #[test]
        fn stepwise_indexing_equals_one_pass(lines in proptest::collection::vec("[ a\t]{0,3}", 0..30), cuts in proptest::collection::vec(0usize..120, 0..6)) {
            let text = lines.join("\n");
            let bytes = text.as_bytes();
            let mut whole = Indexer::default();
            whole.feed(bytes, bytes.len());
            let whole = whole.finish(bytes);
            let mut ix = Indexer::default();
            let mut got = Vec::new();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
            cuts.sort();
            for c in cuts {
                ix.feed(bytes, c.max(ix.pos));
                got.extend(ix.take_settled());
            }
            got.extend(ix.finish(bytes));
            prop_assert_eq!(got, whole);
        }
    }

    proptest! {
        /// Every non-blank line belongs to exactly one paragraph, in order.
        #[test]
        fn paragraphs_cover_every_nonblank_line_once(lines in proptest::collection::vec("[ a-c\t]{0,4}", 0..30), crlf in any::<bool>()) {
            let text = lines.join(if crlf { "\r\n" } else { "\n" });
            let doc = Document::from_text(Path::new("p"), &text);
            let mut covered = Vec::new();
            let mut last_end = 0;
            for p in doc.paragraphs() {
                prop_assert!(p.line_start <= p.line_end);
                prop_assert!(p.line_start > last_end);
                last_end = p.line_end;
                for l in p.line_start..=p.line_end {
                    covered.push(l);
                }
            }
            let nonblank: Vec<usize> = lines.iter().enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, _)| i + 1)
                .collect();
            let covered_nonblank: Vec<usize> = covered.iter().copied()
                .filter(|l| !lines[l - 1].trim().is_empty())
                .collect();
            prop_assert_eq!(covered_nonblank, nonblank);
            // A paragraph never contains a blank line.
            for l in covered {
                prop_assert!(!lines[l - 1].trim().is_empty());
            }
        }
    }
}
