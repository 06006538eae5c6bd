//! Searching the text of every document below a folder (`/` in the corpus
//! view), on background threads, with results streaming back.
//!
//! Matching is the document search's (smart case, [`crate::document::search`]),
//! so a hit found here is a hit `n` finds once the document is open. Plain
//! text is searched as read; other formats (Markdown, HTML, TEI…) through
//! their extractor, so what is searched is what the annotate view shows.
//! A file without a hit costs a read and one scan: the paragraph index is
//! built only for documents that match.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::document::formats::{self, Format};
use crate::document::{Document, DocumentError, MAX_DOCUMENT_BYTES, search};

use super::Opening;

/// Longest line text kept for a result row: a window around the hits of a
/// longer line (a one-line megabyte of text would otherwise be held per hit).
const MAX_LINE_BYTES: usize = 512;
/// Bytes kept before the first hit when a long line is cut.
const LEAD_BYTES: usize = 120;

/// One line of a document with at least one hit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// 0-based paragraph.
    pub paragraph: usize,
    /// 1-based line in the document's text (the extracted text for markup).
    pub line: usize,
    /// The line's text (a window around the hits when it is long).
    pub text: String,
    /// Byte ranges of the hits within `text`.
    pub ranges: Vec<(usize, usize)>,
    /// Hits on the line (the ranges shown may be fewer when it was cut).
    pub count: usize,
}

/// Every hit of one document, in text order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentHits {
    /// The document's place in the walk (sorted paths): results can be kept
    /// in that order while they arrive in any.
    pub seq: usize,
    pub document: PathBuf,
    pub hits: Vec<Hit>,
}

impl DocumentHits {
    /// Occurrences of the query in the document.
    pub fn matches(&self) -> usize {
        self.hits.iter().map(|h| h.count).sum()
    }

    /// Where result `index` opens in the annotate view.
    pub fn opening(&self, index: usize, query: &str) -> Option<Opening> {
        self.hits.get(index).map(|h| Opening {
            document: self.document.clone(),
            paragraph: h.paragraph,
            highlight: Some(query.to_string()),
        })
    }
}

/// What a running search reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchEvent {
    /// A document with hits.
    Found(DocumentHits),
    /// A file that could not be searched (not text, unreadable…); the search
    /// goes on.
    Skipped { document: PathBuf, reason: String },
    /// Every document has been searched (sent last, unless cancelled).
    Finished { documents: usize, elapsed: Duration },
}

/// Counts a search keeps while it runs (read at any time).
#[derive(Debug, Default)]
struct Progress {
    /// Documents found by the walk so far.
    listed: AtomicUsize,
    /// Documents searched so far.
    searched: AtomicUsize,
}

/// A search over a folder running on background threads. Dropping it (or
/// [`CorpusSearch::cancel`]) stops it: workers look at the flag before each
/// document.
#[derive(Debug)]
pub struct CorpusSearch {
    query: String,
    events: Receiver<SearchEvent>,
    cancel: Arc<AtomicBool>,
    progress: Arc<Progress>,
    finished: bool,
}

impl CorpusSearch {
    /// Search every document below `root` for `query` (smart case).
    pub fn start(root: &Path, query: &str) -> CorpusSearch {
        let root = root.to_path_buf();
        Self::spawn(query, move |found| {
            crate::corpus::each_document_in(&root, &mut |path| found(path))
        })
    }

    /// Search these documents, in this order.
    pub fn start_in(documents: Vec<PathBuf>, query: &str) -> CorpusSearch {
        Self::spawn(query, move |found| {
            for path in documents {
                if !found(path) {
                    return;
                }
            }
        })
    }

    fn spawn(
        query: &str,
        walk: impl FnOnce(&mut dyn FnMut(PathBuf) -> bool) + Send + 'static,
    ) -> CorpusSearch {
        let (tx, rx) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let progress = Arc::new(Progress::default());
        let job = CorpusSearch {
            query: query.to_string(),
            events: rx,
            cancel: Arc::clone(&cancel),
            progress: Arc::clone(&progress),
            finished: false,
        };
        let query = query.to_string();
        let spawned = std::thread::Builder::new()
            .name("gloss-corpus-search".into())
            .spawn({
                let tx = tx.clone();
                move || run(&query, walk, &tx, &cancel, &progress)
            });
        if let Err(e) = spawned {
            // No thread: say so as the search's only result, and end it.
            let _ = tx.send(SearchEvent::Skipped {
                document: PathBuf::new(),
                reason: format!("the search could not start: {e}"),
            });
            let _ = tx.send(SearchEvent::Finished {
                documents: 0,
                elapsed: Duration::ZERO,
            });
        }
        job
    }

    pub fn query(&self) -> &str {
        &self.query
    }

    /// Events that arrived since the last call; never waits.
    pub fn poll(&mut self) -> Vec<SearchEvent> {
        let mut out = Vec::new();
        loop {
            match self.events.try_recv() {
                Ok(event) => {
                    self.finished |= matches!(event, SearchEvent::Finished { .. });
                    out.push(event);
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    self.finished = true;
                    break;
                }
            }
        }
        out
    }

    /// The next event, waiting up to `limit` (tests, benches, the CLI).
    pub fn wait(&mut self, limit: Duration) -> Option<SearchEvent> {
        match self.events.recv_timeout(limit) {
            Ok(event) => {
                self.finished |= matches!(event, SearchEvent::Finished { .. });
                Some(event)
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                self.finished = true;
                None
            }
            Err(mpsc::RecvTimeoutError::Timeout) => None,
        }
    }

    /// Every event until the search ends (tests, benches, the CLI).
    pub fn collect(mut self) -> Vec<SearchEvent> {
        let mut out = Vec::new();
        while let Ok(event) = self.events.recv() {
            out.push(event);
        }
        self.finished = true;
        out
    }

    /// Has the last event been taken?
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Documents found so far, and how many of them have been searched.
    pub fn progress(&self) -> (usize, usize) {
        (
            self.progress.listed.load(Ordering::Relaxed),
            self.progress.searched.load(Ordering::Relaxed),
        )
    }

    /// Stop the search (the query changed, the screen closed).
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

impl Drop for CorpusSearch {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// Workers searching documents beside the walk.
fn worker_count() -> usize {
    std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(2, 8)
}

/// The walk feeds a queue; workers take documents from it and send hits.
fn run(
    query: &str,
    walk: impl FnOnce(&mut dyn FnMut(PathBuf) -> bool),
    tx: &Sender<SearchEvent>,
    cancel: &AtomicBool,
    progress: &Progress,
) {
    let started = Instant::now();
    let (work_tx, work_rx) = mpsc::channel::<(usize, PathBuf)>();
    let work_rx = Mutex::new(work_rx);
    std::thread::scope(|scope| {
        for _ in 0..worker_count() {
            let tx = tx.clone();
            let work_rx = &work_rx;
            scope.spawn(move || {
                loop {
                    let next = work_rx
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .recv();
                    let Ok((seq, path)) = next else { break };
                    if cancel.load(Ordering::Relaxed) {
                        break;
                    }
                    let event = match search_file(&path, query) {
                        Ok(hits) if hits.is_empty() => None,
                        Ok(hits) => Some(SearchEvent::Found(DocumentHits {
                            seq,
                            document: path,
                            hits,
                        })),
                        Err(e) => Some(SearchEvent::Skipped {
                            document: path,
                            reason: e.to_string(),
                        }),
                    };
                    progress.searched.fetch_add(1, Ordering::Relaxed);
                    if let Some(event) = event
                        && tx.send(event).is_err()
                    {
                        // Nobody listens any more.
                        cancel.store(true, Ordering::Relaxed);
                        break;
                    }
                }
            });
        }
        let mut seq = 0;
        walk(&mut |path| {
            if cancel.load(Ordering::Relaxed) || work_tx.send((seq, path)).is_err() {
                return false;
            }
            seq += 1;
            progress.listed.store(seq, Ordering::Relaxed);
            true
        });
        drop(work_tx);
    });
    if !cancel.load(Ordering::Relaxed) {
        let _ = tx.send(SearchEvent::Finished {
            documents: progress.searched.load(Ordering::Relaxed),
            elapsed: started.elapsed(),
        });
    }
}

/// Search one file: plain text as read, other formats through their
/// extractor. An empty list when nothing matches.
pub fn search_file(path: &Path, query: &str) -> Result<Vec<Hit>, DocumentError> {
    if query.is_empty() {
        return Ok(Vec::new());
    }
    let shown = || path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|source| DocumentError::Io {
        path: shown(),
        source,
    })?;
    if let Some(kind) = crate::document::special_file_kind(&meta) {
        return Err(DocumentError::NotRegular {
            path: shown(),
            kind,
        });
    }
    if meta.len() > MAX_DOCUMENT_BYTES {
        return Err(DocumentError::TooLarge {
            path: shown(),
            size: meta.len(),
        });
    }
    let bytes = std::fs::read(path).map_err(|source| DocumentError::Io {
        path: shown(),
        source,
    })?;
    let head = &bytes[..bytes.len().min(1024)];
    let format = formats::detect(path, head);
    if format == Format::Text {
        // Most files have no hit: look before building the paragraph index.
        let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        match simdutf8::basic::from_utf8(body) {
            Ok(text) if !search::contains(text, query) => return Ok(Vec::new()),
            // Not text: the document's own checks say why.
            _ => {}
        }
        let doc = Document::from_bytes(path, bytes)?;
        return Ok(search_document(&doc, query));
    }
    let extracted =
        formats::extract(format, &bytes, false).map_err(|source| DocumentError::Extract {
            path: shown(),
            source,
        })?;
    let (text, _) = formats::layout(format, extracted);
    if !search::contains(&text, query) {
        return Ok(Vec::new());
    }
    let doc = Document::from_bytes(path, text.into_bytes())?;
    Ok(search_document(&doc, query))
}

/// Every line of `doc` with a hit of `query`, in order. Hits are found
/// paragraph by paragraph, exactly as `/` in the document finds them.
pub fn search_document(doc: &Document, query: &str) -> Vec<Hit> {
    let text = doc.text();
    let mut out: Vec<Hit> = Vec::new();
    // Line counting goes forward only: from the last place counted.
    let (mut counted_to, mut line) = (0usize, 1usize);
    for (index, para) in doc.paragraphs().enumerate() {
        let body = &text[para.start..para.end];
        search::find_each(body, query, |s, e| {
            let (s, e) = (para.start + s, para.start + e);
            line += memchr::memchr_iter(b'\n', &text.as_bytes()[counted_to..s]).count();
            counted_to = s;
            match out.last_mut() {
                Some(last) if last.line == line && last.paragraph == index => {
                    last.count += 1;
                    last.ranges.push((s, e));
                }
                _ => out.push(Hit {
                    paragraph: index,
                    line,
                    text: String::new(),
                    ranges: vec![(s, e)],
                    count: 1,
                }),
            }
            true
        });
    }
    // Ranges were document offsets until now: cut each line and shift them.
    for hit in &mut out {
        let at = hit.ranges[0].0;
        let line_start = memchr::memrchr(b'\n', &text.as_bytes()[..at]).map_or(0, |i| i + 1);
        let mut line_end =
            memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |i| at + i);
        if text.as_bytes()[line_start..line_end].ends_with(b"\r") {
            line_end -= 1;
        }
        let (from, to) = window(text, line_start, line_end, at);
        hit.text = text[from..to].to_string();
        hit.ranges = hit
            .ranges
            .iter()
            .filter(|&&(s, e)| s >= from && e <= to)
            .map(|&(s, e)| (s - from, e - from))
            .collect();
    }
    out
}

/// The part of the line `start..end` to keep: all of it when short, else
/// [`MAX_LINE_BYTES`] from a little before the first hit at `at`, on
/// character boundaries.
fn window(text: &str, start: usize, end: usize, at: usize) -> (usize, usize) {
    if end - start <= MAX_LINE_BYTES {
        return (start, end);
    }
    let mut from = at.saturating_sub(LEAD_BYTES).max(start);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let mut to = (from + MAX_LINE_BYTES).min(end);
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    (from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("mkdir");
        }
        std::fs::write(&path, text).expect("write");
        path
    }

    /// Found documents in walk order, and the skipped ones.
    fn everything(root: &Path, query: &str) -> (Vec<DocumentHits>, Vec<PathBuf>, usize) {
        let mut found = Vec::new();
        let mut skipped = Vec::new();
        let mut finished = 0;
        for event in CorpusSearch::start(root, query).collect() {
            match event {
                SearchEvent::Found(d) => found.push(d),
                SearchEvent::Skipped { document, .. } => skipped.push(document),
                SearchEvent::Finished { documents, .. } => finished = documents,
            }
        }
        found.sort_by_key(|d| d.seq);
        (found, skipped, finished)
    }

    #[test]
    fn hits_carry_paragraph_line_text_and_ranges() {
        let doc = Document::from_text(
            Path::new("m.txt"),
            "Title\n\nNam Il spoke.\nThen nam il left; NAM IL wept.\n\nNobody.\n",
        );
        let hits = search_document(&doc, "nam il");
        assert_eq!(hits.len(), 2);
        assert_eq!((hits[0].paragraph, hits[0].line), (1, 3));
        assert_eq!(hits[0].text, "Nam Il spoke.");
        assert_eq!(hits[0].ranges, vec![(0, 6)]);
        assert_eq!((hits[1].paragraph, hits[1].line), (1, 4));
        assert_eq!(hits[1].text, "Then nam il left; NAM IL wept.");
        assert_eq!(hits[1].ranges, vec![(5, 11), (18, 24)]);
        assert_eq!(hits[1].count, 2);
    }

    #[test]
    fn smart_case_is_the_document_searchs() {
        let doc = Document::from_text(Path::new("m.txt"), "Kim kim KIM\n\nkim\n");
        let lower: usize = search_document(&doc, "kim").iter().map(|h| h.count).sum();
        let upper: usize = search_document(&doc, "Kim").iter().map(|h| h.count).sum();
        assert_eq!((lower, upper), (4, 1));
        // The same paragraphs as `/` in the document.
        let paragraphs: Vec<usize> = search_document(&doc, "kim")
            .iter()
            .map(|h| h.paragraph)
            .collect();
        let by_document: Vec<usize> = (0..doc.len())
            .filter(|&i| search::contains(doc.paragraph_text(i), "kim"))
            .collect();
        assert_eq!(paragraphs, by_document);
    }

    #[test]
    fn one_line_per_paragraph_documents_and_crlf() {
        let doc = Document::from_text(Path::new("m.txt"), "one\r\ntwo grain\r\nthree grain\r\n");
        let hits = search_document(&doc, "grain");
        assert_eq!(
            hits.iter()
                .map(|h| (h.paragraph, h.line, h.text.as_str()))
                .collect::<Vec<_>>(),
            vec![(1, 2, "two grain"), (2, 3, "three grain")]
        );
    }

    #[test]
    fn a_long_line_is_cut_around_its_hit_on_character_boundaries() {
        let text = format!("{}needle{}", "é".repeat(2000), "ü".repeat(2000));
        let doc = Document::from_text(Path::new("m.txt"), &text);
        let hits = search_document(&doc, "needle");
        assert_eq!(hits.len(), 1);
        let h = &hits[0];
        assert!(h.text.len() <= MAX_LINE_BYTES);
        let (s, e) = h.ranges[0];
        assert_eq!(&h.text[s..e], "needle");
    }

    #[test]
    fn searches_every_document_below_the_folder_in_walk_order() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            "b/two.txt",
            "Nothing here.\n\nPak Chang-ok advised.\n",
        );
        write(dir.path(), "a/one.txt", "Pak Chang-ok said.\n");
        write(dir.path(), "c/none.txt", "No hit.\n");
        write(dir.path(), ".hidden/three.txt", "Pak Chang-ok hides.\n");
        // A sidecar is not a document.
        write(dir.path(), "a/one.txt.kim.gloss.ron", "Pak Chang-ok");
        let (found, skipped, searched) = everything(dir.path(), "pak chang-ok");
        let names: Vec<_> = found
            .iter()
            .map(|d| {
                d.document
                    .strip_prefix(dir.path())
                    .expect("below")
                    .to_path_buf()
            })
            .collect();
        assert_eq!(names, [Path::new("a/one.txt"), Path::new("b/two.txt")]);
        assert_eq!(found[1].hits[0].paragraph, 1);
        assert!(skipped.is_empty());
        assert_eq!(searched, 3);
    }

    #[test]
    fn markup_is_searched_as_its_extracted_text() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(
            dir.path(),
            "memo.html",
            "<!doctype html><html><body><p>First.</p><p>The <b>grain</b> plan.</p></body></html>",
        );
        write(dir.path(), "notes.md", "# Head\n\nSome *grain* here.\n");
        let (found, _, _) = everything(dir.path(), "grain plan");
        assert_eq!(found.len(), 1);
        // Tags are gone: the words match across the markup.
        assert_eq!(found[0].hits[0].text, "The grain plan.");
        let (found, _, _) = everything(dir.path(), "some grain");
        assert_eq!(found.len(), 1);
        assert!(found[0].document.ends_with("notes.md"));
        // The paragraph is the one the annotate view shows.
        let doc = Document::open(&found[0].document).expect("open");
        let p = found[0].hits[0].paragraph;
        assert!(search::contains(doc.paragraph_text(p), "some grain"));
    }

    #[test]
    fn unreadable_files_are_skipped_and_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "ok.txt", "grain\n");
        std::fs::write(dir.path().join("bin.txt"), b"grain\0grain").expect("write");
        std::fs::write(dir.path().join("latin1.txt"), b"grain \xe9t\xe9").expect("write");
        let (found, skipped, searched) = everything(dir.path(), "grain");
        assert_eq!(found.len(), 1);
        assert_eq!(skipped.len(), 2);
        assert_eq!(searched, 3);
    }

    #[test]
    fn cancelling_stops_the_search_without_finishing() {
        // Enough documents that the search cannot finish them all in the
        // moment between its start and the cancel, even on a loaded machine
        // (with 200 it once did).
        const DOCUMENTS: usize = 2000;
        let dir = tempfile::tempdir().expect("tempdir");
        for i in 0..DOCUMENTS {
            write(dir.path(), &format!("d/{i:04}.txt"), "grain\n");
        }
        let job = CorpusSearch::start(dir.path(), "grain");
        job.cancel();
        let events = job.collect();
        assert!(
            !events
                .iter()
                .any(|e| matches!(e, SearchEvent::Finished { .. }))
        );
        assert!(events.len() < DOCUMENTS);
    }

    #[test]
    fn an_opening_points_at_the_hit_with_the_query() {
        let d = DocumentHits {
            seq: 0,
            document: PathBuf::from("x.txt"),
            hits: vec![Hit {
                paragraph: 4,
                line: 9,
                text: "a b".into(),
                ranges: vec![(0, 1)],
                count: 1,
            }],
        };
        assert_eq!(
            d.opening(0, "a"),
            Some(Opening {
                document: PathBuf::from("x.txt"),
                paragraph: 4,
                highlight: Some("a".into()),
            })
        );
        assert_eq!(d.opening(1, "a"), None);
    }
}
