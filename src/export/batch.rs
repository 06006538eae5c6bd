//! Loading many documents for an export: in parallel when there are enough to
//! pay for the threads, in the order given, with a progress line on stderr
//! when stderr is a terminal and the work takes more than a second.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::{Excerpt, Filter};
use crate::annotation::ActorResolver;
use crate::corpus::{self, AnnotatedDocument, CorpusError, Target};

/// One target, loaded and turned into excerpts.
pub struct Loaded {
    pub source: String,
    pub document: AnnotatedDocument,
    /// Sidecars that failed (the others are loaded).
    pub errors: Vec<CorpusError>,
    pub excerpts: Vec<Excerpt>,
    pub orphans: usize,
    /// The document's actor names (every registry of it).
    pub names: ActorResolver,
    /// An `--actor` query that names several actors of this document (no
    /// excerpts were taken): the error to report.
    pub ambiguous: Option<String>,
}

/// Fewer targets than this are loaded on the calling thread.
const PARALLEL_FROM: usize = 8;

/// Load every target and its excerpts; results keep the order of `targets`.
/// `done` counts finished targets (for a progress display).
pub fn load_all(
    targets: &[Target],
    filter: &Filter,
    done: &AtomicUsize,
) -> Vec<Result<Loaded, CorpusError>> {
    let run = corpus::RunCache::default();
    let load = |t: &Target| {
        let r = load_one(t, filter, &run);
        done.fetch_add(1, Ordering::Relaxed);
        r
    };
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(targets.len() / PARALLEL_FROM.max(1))
        .max(1);
    if threads == 1 {
        return targets.iter().map(load).collect();
    }
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, Result<Loaded, CorpusError>)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(t) = targets.get(i) else { break };
                        mine.push((i, load(t)));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| match w.join() {
                Ok(v) => v,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

fn load_one(
    target: &Target,
    filter: &Filter,
    run: &corpus::RunCache,
) -> Result<Loaded, CorpusError> {
    let (document, errors) = corpus::load(target)?;
    let source = crate::document::sanitize::path_text(&target.document);
    // The project's codebook or another annotator's sidecar (even one left
    // out by `--annotator`) may hold the alias an `--actor` filter or a
    // network's nodes need: read the document's every registry.
    let names: ActorResolver = corpus::actor_names_in(&target.document, &document.layers, run);
    // An `--issue` also finds positions filed under another name of the
    // codebook issue it matches (an old name kept as an alias).
    let codebook_issues = match &filter.issue {
        Some(_) => run
            .project(&target.document)
            .map(|project| project.issues.clone())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let filter = filter.resolve_issue(&codebook_issues);
    let (excerpts, orphans, ambiguous) = match filter.resolve_actors(&names) {
        Ok(filter) => {
            let (mut excerpts, orphans) =
                super::excerpts_resolved(&document, &source, &filter, &names);
            super::resolve_main_actors(&mut excerpts, &names);
            (excerpts, orphans, None)
        }
        Err(e) => (Vec::new(), 0, Some(format!("gloss: {source}: {e}"))),
    };
    Ok(Loaded {
        source,
        document,
        errors,
        excerpts,
        orphans,
        ambiguous,
        names,
    })
}

/// A progress line on stderr, drawn by a background thread only when stderr is
/// a terminal and the work has taken more than [`Progress::DELAY`].
pub struct Progress {
    stop: std::sync::Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    pub const DELAY: Duration = Duration::from_secs(1);

    /// Start watching `done` out of `total`; nothing is drawn if stderr is not a terminal.
    pub fn start(total: usize, done: std::sync::Arc<AtomicUsize>) -> Progress {
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        if !std::io::stderr().is_terminal() {
            return Progress { stop, handle: None };
        }
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let started = Instant::now();
            let mut drawn = false;
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                if started.elapsed() < Self::DELAY || flag.load(Ordering::Relaxed) {
                    continue;
                }
                let n = done.load(Ordering::Relaxed).min(total);
                let _ = write!(std::io::stderr(), "\r{}", bar(n, total, 30));
                drawn = true;
            }
            if drawn {
                let _ = write!(std::io::stderr(), "\r\x1b[2K");
            }
        });
        Progress {
            stop,
            handle: Some(handle),
        }
    }

    /// Stop and clear the line.
    pub fn finish(mut self) {
        self.stop_thread();
    }

    fn stop_thread(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.stop_thread();
    }
}

/// `[#######.......] 120/300 documents`
pub fn bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width)
        .checked_div(total)
        .unwrap_or(width)
        .min(width);
    format!(
        "exporting [{}{}] {done}/{total} documents",
        "#".repeat(filled),
        ".".repeat(width - filled)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_fills_in_proportion() {
        assert_eq!(bar(0, 4, 4), "exporting [....] 0/4 documents");
        assert_eq!(bar(2, 4, 4), "exporting [##..] 2/4 documents");
        assert_eq!(bar(0, 0, 4), "exporting [####] 0/0 documents");
    }

    #[test]
    fn parallel_loading_keeps_order_and_reports_failures() {
        let dir = tempfile::tempdir().unwrap();
        let mut targets = Vec::new();
        for i in 0..40 {
            let doc = dir.path().join(format!("d{i:02}.txt"));
            std::fs::write(&doc, format!("para {i}\n")).unwrap();
            let sidecar = dir.path().join(format!("d{i:02}.txt.kim.gloss.ron"));
            let text = if i == 7 {
                "(".to_string()
            } else {
                String::new()
            };
            std::fs::write(&sidecar, text).unwrap();
            targets.push(Target {
                document: doc,
                sidecars: vec![("kim".into(), sidecar)],
            });
        }
        targets.push(Target {
            document: dir.path().join("gone.txt"),
            sidecars: vec![],
        });
        let done = AtomicUsize::new(0);
        let loaded = load_all(&targets, &Filter::default(), &done);
        assert_eq!(done.load(Ordering::Relaxed), 41);
        assert_eq!(loaded.len(), 41);
        for (i, r) in loaded.iter().take(40).enumerate() {
            let l = r.as_ref().ok().unwrap();
            assert!(l.source.ends_with(&format!("d{i:02}.txt")));
        }
        assert!(loaded[40].is_err());
    }
}
