//! Documents as plain text: loading, paragraph index, line ranges.
//!
//! The raw text is kept exactly as read (minus a BOM) so hashes and anchors see
//! what is on disk; display goes through [`sanitize`] separately. Documents are
//! never written by glossator.

pub mod anchor;
pub mod sanitize;
pub mod scan;
pub mod search;
pub mod selection;
pub mod wrap;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError, RwLock};
use std::time::Duration;

use sha2::{Digest, Sha256};

/// Largest document we agree to open (bigger ones are almost surely not prose).
/// Offsets in the paragraph index are `u32`, so this must stay below 4 GiB.
pub const MAX_DOCUMENT_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// From this size on, documents are memory-mapped rather than read, and
/// [`Document::open_progressive`] indexes them in the background.
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

/// How a paragraph is stored: 12 bytes (12 MB for a million paragraphs).
/// The last line is derived by counting the paragraph's newlines.
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

/// The file's bytes: read into memory, or memory-mapped when large.
enum Bytes {
    Owned(Vec<u8>),
    Mapped(memmap2::Mmap),
}

impl Bytes {
    fn as_slice(&self) -> &[u8] {
        match self {
            Bytes::Owned(v) => v,
            Bytes::Mapped(m) => m,
        }
    }

    /// Let the kernel drop our mapping of `offset..offset + len` (page aligned):
    /// the pages stay in the page cache and fault back in on the next read, so
    /// a scan over a huge file does not keep all of it resident.
    fn release(&self, offset: usize, len: usize) {
        #[cfg(unix)]
        if let Bytes::Mapped(m) = self
            && len > 0
        {
            // SAFETY: the mapping is read-only and file-backed; MADV_DONTNEED only
            // unmaps pages, and any later read faults the same bytes back in from
            // the file. No Rust reference observes a change.
            let _ = unsafe {
                m.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, offset, len)
            };
        }
        #[cfg(not(unix))]
        let _ = (offset, len);
    }
}

/// State shared by every clone of a document and its background indexer.
struct Shared {
    bytes: Bytes,
    /// Length of a skipped UTF-8 byte-order mark.
    bom_len: usize,
    /// Bytes of text (after the BOM) checked to be UTF-8 without NUL.
    valid: AtomicUsize,
    /// Paragraphs indexed so far, while indexing runs.
    live: RwLock<Vec<Entry>>,
    /// The whole index, once complete (then `live` is empty).
    done: OnceLock<Box<[Entry]>>,
    /// Why background checking stopped, if the file turned out not to be text.
    failed: OnceLock<DocumentError>,
    sha256: OnceLock<String>,
    /// A thread computes (or has computed) the SHA-256.
    sha_started: std::sync::atomic::AtomicBool,
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
        Shared {
            bytes,
            bom_len,
            valid: AtomicUsize::new(0),
            live: RwLock::new(Vec::new()),
            done: OnceLock::new(),
            failed: OnceLock::new(),
            sha256: OnceLock::new(),
            sha_started: std::sync::atomic::AtomicBool::new(false),
            progress: Mutex::new(0),
            progressed: Condvar::new(),
        }
    }

    /// The text after the BOM, validated or not.
    fn raw_text(&self) -> &[u8] {
        &self.bytes.as_slice()[self.bom_len..]
    }

    fn with_entries<R>(&self, f: impl FnOnce(&[Entry]) -> R) -> R {
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

    fn entry(&self, i: usize) -> Option<Entry> {
        self.with_entries(|e| e.get(i).copied())
    }

    fn publish(&self, more: Vec<Entry>, valid: usize) {
        self.valid.fetch_max(valid, Ordering::Release);
        if !more.is_empty() {
            let mut live = self.live.write().unwrap_or_else(PoisonError::into_inner);
            if live.is_empty() {
                *live = more;
            } else {
                live.extend_from_slice(&more);
            }
        }
        self.notify();
    }

    fn complete(&self, rest: Vec<Entry>, valid: usize) {
        self.valid.fetch_max(valid, Ordering::Release);
        {
            let mut live = self.live.write().unwrap_or_else(PoisonError::into_inner);
            let mut all = std::mem::take(&mut *live);
            all.extend_from_slice(&rest);
            let _ = self.done.set(all.into_boxed_slice());
        }
        self.notify();
    }

    fn notify(&self) {
        let mut n = self.progress.lock().unwrap_or_else(PoisonError::into_inner);
        *n += 1;
        self.progressed.notify_all();
    }

    /// SHA-256 of the file's bytes, computed once (other callers wait for it).
    fn sha256(&self) -> &str {
        self.sha256.get_or_init(|| {
            let bytes = self.bytes.as_slice();
            let mut hasher = Sha256::new();
            for (k, chunk) in bytes.chunks(STEP_BYTES).enumerate() {
                hasher.update(chunk);
                self.bytes.release(k * STEP_BYTES, chunk.len());
            }
            hex(&hasher.finalize())
        })
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
    size: u64,
    shared: Arc<Shared>,
}

impl fmt::Debug for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Document")
            .field("path", &self.path)
            .field("size", &self.size)
            .field("paragraphs", &self.len())
            .field("complete", &self.is_complete())
            .finish()
    }
}

impl Document {
    /// Read, check and index a whole document from disk.
    pub fn open(path: &Path) -> Result<Self, DocumentError> {
        let bytes = load(path)?;
        Self::build(path, bytes)
    }

    /// Open a document for reading on screen: a large one is memory-mapped and
    /// only its first screenful is checked and indexed before this returns; a
    /// background thread does the rest (see [`Document::is_complete`] and
    /// [`Document::load_error`]) and then computes the SHA-256. Small documents
    /// are opened completely, as by [`Document::open`].
    pub fn open_progressive(path: &Path) -> Result<Self, DocumentError> {
        let bytes = load(path)?;
        if matches!(bytes, Bytes::Owned(_)) {
            return Self::build(path, bytes);
        }
        let shown = path.display().to_string();
        let shared = Arc::new(Shared::new(bytes));
        let size = shared.bytes.as_slice().len() as u64;
        let mut ix = Indexer::default();
        let mut valid = 0;
        let text_len = shared.raw_text().len();
        let mut published = 0;
        // The first screen: enough paragraphs to fill any terminal.
        while valid < text_len {
            let to = (valid + FIRST_STEP_BYTES).min(text_len);
            valid = check_step(&shared, valid, to, &shown)?;
            ix.feed(shared.raw_text(), valid);
            let more = ix.take_settled();
            published += more.len();
            shared.publish(more, valid);
            if published >= FIRST_SCREEN_PARAGRAPHS
                || (published > 0 && valid >= FIRST_SCREEN_BYTES)
            {
                break;
            }
        }
        let doc = Document {
            path: path.to_path_buf(),
            size,
            shared: Arc::clone(&shared),
        };
        if valid >= text_len {
            let rest = ix.finish(shared.raw_text());
            shared.complete(rest, valid);
            return Ok(doc);
        }
        let worker = Arc::clone(&shared);
        shared.sha_started.store(true, Ordering::Relaxed);
        let spawned = std::thread::Builder::new()
            .name("gloss-index".into())
            .spawn(move || index_in_background(worker, ix, valid, shown));
        if let Err(e) = spawned {
            return Err(DocumentError::Io {
                path: path.display().to_string(),
                source: e,
            });
        }
        Ok(doc)
    }

    /// Index a document from bytes already in memory (`path` is used for naming only).
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Self, DocumentError> {
        Self::build(path, Bytes::Owned(bytes))
    }

    fn build(path: &Path, bytes: Bytes) -> Result<Self, DocumentError> {
        let shown = path.display().to_string();
        let shared = Shared::new(bytes);
        let all = shared.bytes.as_slice();
        if let Some(offset) = memchr::memchr(0, all) {
            return Err(DocumentError::Binary {
                path: shown,
                offset,
            });
        }
        let text = shared.raw_text();
        if let Err(e) = simdutf8::compat::from_utf8(text) {
            let offset = e.valid_up_to();
            return Err(DocumentError::NotUtf8 {
                path: shown,
                offset: offset + shared.bom_len,
                byte: text[offset],
            });
        }
        let mut ix = Indexer::default();
        ix.feed(text, text.len());
        let entries = ix.finish(text);
        let valid = text.len();
        shared.complete(entries, valid);
        Ok(Document {
            path: path.to_path_buf(),
            size: all.len() as u64,
            shared: Arc::new(shared),
        })
    }

    /// Build a document from a string (tests, generated inputs).
    pub fn from_text(path: &Path, text: &str) -> Self {
        Self::from_bytes(path, text.as_bytes().to_vec())
            .or_else(|_| Self::from_bytes(path, Vec::new()))
            .unwrap_or_else(|_| Document {
                path: path.to_path_buf(),
                size: 0,
                shared: Arc::new(Shared::new(Bytes::Owned(Vec::new()))),
            })
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

    /// Size of the file on disk, BOM included.
    pub fn size(&self) -> u64 {
        self.size
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
        if self.size < LARGE_DOCUMENT_BYTES {
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

    /// A hint that the text before byte `offset` will not be read again soon:
    /// a memory-mapped document lets those pages go from its resident memory
    /// (they stay in the page cache). Scans over the whole text call this.
    pub fn release_text_before(&self, offset: usize) {
        let end = (self.shared.bom_len + offset) / STEP_BYTES * STEP_BYTES;
        let start = end.saturating_sub(STEP_BYTES);
        self.shared.bytes.release(start, end - start);
    }

    /// Length of a skipped byte-order mark.
    pub fn bom_len(&self) -> usize {
        self.shared.bom_len
    }

    /// Every paragraph indexed so far, in order.
    pub fn paragraphs(&self) -> impl ExactSizeIterator<Item = Paragraph> + '_ {
        (0..self.len()).map(move |i| self.paragraph(i))
    }

    /// Paragraph `index` (0-based); an empty paragraph at offset 0 (lines 0)
    /// when there is no such paragraph.
    pub fn paragraph(&self, index: usize) -> Paragraph {
        self.get(index).unwrap_or_default()
    }

    /// Paragraph `index` (0-based), if indexed.
    pub fn get(&self, index: usize) -> Option<Paragraph> {
        let e = self.shared.entry(index)?;
        let range = e.range();
        let newlines = memchr::memchr_iter(b'\n', &self.shared.raw_text()[range.clone()]).count();
        Some(Paragraph {
            start: range.start,
            end: range.end,
            line_start: e.line as usize,
            line_end: e.line as usize + newlines,
        })
    }

    /// Paragraphs indexed so far (all of them once [`Document::is_complete`]).
    pub fn len(&self) -> usize {
        self.shared.with_entries(<[Entry]>::len)
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
        let total = self.shared.raw_text().len();
        if total == 0 || self.is_complete() {
            return 1.0;
        }
        self.shared.valid.load(Ordering::Acquire) as f64 / total as f64
    }

    /// Wait until more than `known` paragraphs are indexed or the index is
    /// complete, at most `limit`. Returns the number of paragraphs now indexed.
    pub fn wait_for_more(&self, known: usize, limit: Duration) -> usize {
        let deadline = std::time::Instant::now() + limit;
        let mut seen = self
            .shared
            .progress
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        loop {
            let n = self.len();
            if n > known || self.is_complete() {
                return n;
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            if left.is_zero() {
                return n;
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
        while !self.is_complete() {
            let n = self.len();
            self.wait_for_more(n, Duration::from_secs(1));
        }
    }

    /// Raw text of paragraph `index` (0-based), lines joined by the file's own newlines.
    pub fn paragraph_text(&self, index: usize) -> &str {
        match self.shared.entry(index) {
            Some(e) => {
                let bytes = &self.shared.raw_text()[e.range()];
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
        self.shared.with_entries(|e| {
            let i = e.partition_point(|p| p.start as usize <= offset);
            let i = i.checked_sub(1)?;
            (offset < e[i].range().end).then_some(i)
        })
    }
}

/// Read a small file, or memory-map a large one, after the size checks.
fn load(path: &Path) -> Result<Bytes, DocumentError> {
    let shown = path.display().to_string();
    let io = |source| DocumentError::Io {
        path: shown.clone(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(io)?;
    if meta.is_dir() {
        return Err(io(std::io::Error::other("is a folder, not a document")));
    }
    if meta.len() > MAX_DOCUMENT_BYTES {
        return Err(DocumentError::TooLarge {
            path: shown,
            size: meta.len(),
        });
    }
    if meta.len() < LARGE_DOCUMENT_BYTES || !meta.is_file() {
        return std::fs::read(path).map(Bytes::Owned).map_err(io);
    }
    let file = std::fs::File::open(path).map_err(io)?;
    // SAFETY: the map is read-only. glossator never writes documents; if another
    // program truncates the file while it is open, reads past the new end would
    // fault (SIGBUS), the known limit of memory-mapping (ripgrep and others
    // accept it too). Files below LARGE_DOCUMENT_BYTES are read instead.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(io)?;
    #[cfg(unix)]
    let _ = map.advise(memmap2::Advice::Sequential);
    Ok(Bytes::Mapped(map))
}

/// Check text bytes `from..to` (text offsets, BOM excluded): no NUL, UTF-8.
/// Returns how far the text is now valid (a character cut at `to` is left for
/// the next step).
fn check_step(
    shared: &Shared,
    from: usize,
    to: usize,
    shown: &str,
) -> Result<usize, DocumentError> {
    let text = shared.raw_text();
    let bom = shared.bom_len;
    let part = &text[from..to];
    if let Some(i) = memchr::memchr(0, part) {
        return Err(DocumentError::Binary {
            path: shown.to_string(),
            offset: bom + from + i,
        });
    }
    match simdutf8::compat::from_utf8(part) {
        Ok(_) => Ok(to),
        Err(e) if e.error_len().is_none() && to < text.len() => Ok(from + e.valid_up_to()),
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

/// The background half of [`Document::open_progressive`].
fn index_in_background(shared: Arc<Shared>, mut ix: Indexer, mut valid: usize, shown: String) {
    let text_len = shared.raw_text().len();
    let mut released = 0;
    while valid < text_len {
        // Nobody holds the document any more: stop.
        if Arc::strong_count(&shared) == 1 {
            return;
        }
        let to = (valid + STEP_BYTES).min(text_len);
        match check_step(&shared, valid, to, &shown) {
            Ok(v) => valid = v,
            Err(e) => {
                let _ = shared.failed.set(e);
                let more = ix.take_settled();
                shared.complete(more, valid);
                return;
            }
        }
        ix.feed(shared.raw_text(), valid);
        let more = ix.take_settled();
        shared.publish(more, valid);
        // Pages behind the scan need not stay resident (file offsets).
        let behind = (shared.bom_len + ix.pos) / STEP_BYTES * STEP_BYTES;
        if behind > released {
            shared.bytes.release(released, behind - released);
            released = behind;
        }
    }
    let rest = ix.finish(shared.raw_text());
    shared.complete(rest, valid);
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

    fn paras(text: &str) -> Vec<String> {
        let doc = Document::from_text(Path::new("t.txt"), text);
        (0..doc.len())
            .map(|i| doc.paragraph_text(i).to_string())
            .collect()
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

    /// A large document (memory-mapped, indexed in the background) of
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

    #[test]
    fn paragraphs_are_stored_compactly() {
        assert_eq!(std::mem::size_of::<Entry>(), 12);
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
