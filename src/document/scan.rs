//! Searching a large document on a background thread.
//!
//! The scan starts at a given paragraph, runs to the end (waiting for a
//! document that is still being indexed), then wraps to the beginning. Hits
//! come back in batches, the first one alone as soon as it is found, so the
//! screen can jump to it while the rest of a 100 MB text is still scanned.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};
use std::time::{Duration, Instant};

use super::Document;
use super::search;

/// Paragraphs scanned between looks at the cancel flag and the clock.
const CHECK_EVERY: usize = 4096;
/// Longest time hits wait before they are sent.
const SEND_EVERY: Duration = Duration::from_millis(30);

/// What the scanning thread reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanEvent {
    /// 0-based paragraphs containing the query; ascending within a batch.
    Hits(Vec<usize>),
    /// Every paragraph has been looked at.
    Finished,
}

/// A search running on its own thread. Dropping it cancels the scan.
#[derive(Debug)]
pub struct SearchJob {
    query: String,
    events: Receiver<ScanEvent>,
    cancel: Arc<AtomicBool>,
    finished: bool,
}

impl SearchJob {
    /// Scan `doc` for `query` (smart case, as [`search::contains`]), starting
    /// at paragraph `from`.
    pub fn start(doc: &Document, query: &str, from: usize) -> SearchJob {
        let (tx, rx) = mpsc::channel();
        let cancel = Arc::new(AtomicBool::new(false));
        let job = SearchJob {
            query: query.to_string(),
            events: rx,
            cancel: Arc::clone(&cancel),
            finished: false,
        };
        let doc = doc.clone();
        let query = query.to_string();
        let spawned = std::thread::Builder::new()
            .name("gloss-search".into())
            .spawn({
                let tx = tx.clone();
                let cancel = Arc::clone(&cancel);
                move || scan(&doc, &query, from, &tx, &cancel)
            });
        if spawned.is_err() {
            // No thread: report no hits rather than blocking the caller.
            let _ = tx.send(ScanEvent::Finished);
        }
        job
    }

    pub fn query(&self) -> &str {
        &self.query
    }

    /// Has the scan looked at every paragraph (and its events been taken)?
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Events that have arrived, without waiting.
    pub fn poll(&mut self) -> Vec<ScanEvent> {
        let mut out = Vec::new();
        loop {
            match self.events.try_recv() {
                Ok(e) => {
                    if e == ScanEvent::Finished {
                        self.finished = true;
                    }
                    out.push(e);
                }
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Disconnected) => {
                    if !self.finished {
                        self.finished = true;
                        out.push(ScanEvent::Finished);
                    }
                    break;
                }
            }
        }
        out
    }

    /// Wait for the next event, at most `limit` (tests, benches).
    pub fn wait(&mut self, limit: Duration) -> Option<ScanEvent> {
        let e = self.events.recv_timeout(limit).ok()?;
        if e == ScanEvent::Finished {
            self.finished = true;
        }
        Some(e)
    }

    /// Stop the scan.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Relaxed);
    }
}

impl Drop for SearchJob {
    fn drop(&mut self) {
        self.cancel();
    }
}

struct Scanner<'a> {
    doc: &'a Document,
    query: &'a str,
    tx: &'a Sender<ScanEvent>,
    cancel: &'a AtomicBool,
    batch: Vec<usize>,
    sent_any: bool,
    last_send: Instant,
}

impl Scanner<'_> {
    /// Send the batch if it is due; false when nobody listens any more.
    fn flush(&mut self, force: bool) -> bool {
        if self.batch.is_empty()
            || !(force || !self.sent_any || self.last_send.elapsed() >= SEND_EVERY)
        {
            return true;
        }
        self.sent_any = true;
        self.last_send = Instant::now();
        let hits = std::mem::take(&mut self.batch);
        self.tx.send(ScanEvent::Hits(hits)).is_ok()
    }

    /// Look at paragraphs `range`; false when cancelled.
    fn look(&mut self, range: std::ops::Range<usize>) -> bool {
        for (k, i) in range.enumerate() {
            if search::contains(self.doc.paragraph_text(i), self.query) {
                self.batch.push(i);
                if !self.sent_any && !self.flush(true) {
                    return false;
                }
            }
            if k % CHECK_EVERY == CHECK_EVERY - 1
                && (self.cancel.load(Ordering::Relaxed) || !self.flush(false))
            {
                return false;
            }
        }
        !self.cancel.load(Ordering::Relaxed)
    }
}

fn scan(doc: &Document, query: &str, from: usize, tx: &Sender<ScanEvent>, cancel: &AtomicBool) {
    let mut s = Scanner {
        doc,
        query,
        tx,
        cancel,
        batch: Vec::new(),
        sent_any: false,
        last_send: Instant::now(),
    };
    // From `from` to the end, following the index as it grows.
    let mut i = from;
    loop {
        let n = doc.len();
        if i < n {
            if !s.look(i..n) {
                return;
            }
            i = n;
        }
        if doc.is_complete() && i >= doc.len() {
            break;
        }
        doc.wait_for_more(i, Duration::from_millis(100));
        if cancel.load(Ordering::Relaxed) {
            return;
        }
    }
    // Then from the beginning up to `from`.
    if !s.look(0..from.min(doc.len())) {
        return;
    }
    if s.flush(true) {
        let _ = tx.send(ScanEvent::Finished);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn collect(job: &mut SearchJob) -> Vec<Vec<usize>> {
        let mut batches = Vec::new();
        while let Some(e) = job.wait(Duration::from_secs(10)) {
            match e {
                ScanEvent::Hits(h) => batches.push(h),
                ScanEvent::Finished => break,
            }
        }
        batches
    }

    #[test]
    fn scans_from_the_start_point_then_wraps() {
        let text: Vec<String> = (0..10_000)
            .map(|i| {
                if i % 1000 == 0 {
                    format!("Nam Il {i}")
                } else {
                    format!("other {i}")
                }
            })
            .collect();
        let doc = Document::from_text(Path::new("s.txt"), &text.join("\n\n"));
        let mut job = SearchJob::start(&doc, "nam il", 4500);
        let batches = collect(&mut job);
        assert!(job.is_finished());
        assert_eq!(batches[0], vec![5000], "the first hit comes alone");
        let all: Vec<usize> = batches.concat();
        assert_eq!(
            all,
            vec![5000, 6000, 7000, 8000, 9000, 0, 1000, 2000, 3000, 4000]
        );
    }

    #[test]
    fn no_hits_just_finishes() {
        let doc = Document::from_text(Path::new("s.txt"), "a\n\nb\n");
        let mut job = SearchJob::start(&doc, "zzz", 0);
        assert!(collect(&mut job).is_empty());
        assert!(job.is_finished());
    }
}
