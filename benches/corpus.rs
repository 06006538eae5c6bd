//! The corpus view's index at scale (issue #11): 10,000 documents with
//! 20,000 sidecars (two annotators, three annotations each), against `cat`
//! of all the sidecars, timed in the same run. Targets: complete counts
//! ≤ 1.5× `cat`, a reopen with the cache ≤ 0.2× `cat`.
//!
//! - `listed`: the walk alone, what the first screen waits for;
//! - `index_cold`: [`CorpusIndex::open_with_state`] with an empty state
//!   folder, polled until every row has its counts and facts (sidecars
//!   parsed, documents read, annotations placed; the caches are written
//!   after, while the index is dropped);
//! - `index_reopen`: the same with the caches and the snapshot the cold
//!   run left, as a reopened corpus view does.
//!
//! Each index is dropped after its time is taken (as a screen showing the
//! counts keeps its rows).
//!
//! `GLOSS_CORPUS=DIR` measures that archive (benches/compare.sh passes the
//! one it generated); otherwise one is written to a temporary folder.
//! `GLOSS_GENERATE_CORPUS=DIR` only writes the archive there and exits.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{Criterion, criterion_group};
use glossator::archive::index::CorpusIndex;

const DOCUMENTS: usize = 10_000;
const PER_SIDECAR: usize = 3;
const ANNOTATORS: [&str; 2] = ["bench", "colleague"];

fn write(dir: &Path) {
    common::write_corpus_by(dir, DOCUMENTS, PER_SIDECAR, &ANNOTATORS);
}

fn corpus() -> (Option<tempfile::TempDir>, PathBuf) {
    if let Some(dir) = std::env::var_os("GLOSS_CORPUS") {
        return (None, PathBuf::from(dir));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path());
    // Files written this instant are "racy" (their content is hashed on
    // every reopen until they settle): a corpus is reopened later than that.
    std::thread::sleep(Duration::from_secs(
        glossator::archive::cache::RACY_SECONDS + 1,
    ));
    let root = dir.path().to_path_buf();
    (Some(dir), root)
}

/// Every sidecar below `dir`.
fn sidecars(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read the corpus")
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            sidecars(&p, out);
        } else if p.to_string_lossy().ends_with(".gloss.ron") {
            out.push(p);
        }
    }
}

/// Open the index of `root` with its caches below `state` and poll it
/// until complete, as the corpus view does; returns the tags counted and
/// the index (to be dropped outside the time measured: a screen showing
/// the counts keeps them; dropping it waits for the caches' write).
fn complete(root: &Path, state: &Path) -> (usize, CorpusIndex) {
    let mut index = CorpusIndex::open_with_state(root, Some(state)).expect("open the corpus");
    while !index.is_complete() {
        if !index.poll() {
            std::thread::sleep(Duration::from_micros(200));
        }
    }
    let tags = index
        .rows()
        .iter()
        .map(|r| r.counts.as_ref().map_or(0, |c| c.total()))
        .sum();
    (tags, index)
}

fn index(c: &mut Criterion) {
    let (_keep, root) = corpus();
    let mut files = Vec::new();
    sidecars(&root, &mut files);
    let tags = files.len() * PER_SIDECAR;
    let bytes: u64 = files
        .iter()
        .map(|p| std::fs::metadata(p).map_or(0, |m| m.len()))
        .sum();
    eprintln!("corpus: {} sidecars, {bytes} bytes", files.len());
    let state = tempfile::tempdir().expect("state dir");
    let mut g = c.benchmark_group("corpus");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.bench_function("cat_sidecars", |b| {
        b.iter(|| {
            let status = Command::new("cat")
                .args(&files)
                .stdout(Stdio::null())
                .status()
                .expect("run cat");
            assert!(status.success());
        })
    });
    g.bench_function("listed", |b| {
        b.iter(|| {
            let index = CorpusIndex::listed(&root).expect("list the corpus");
            assert_eq!(index.rows().len(), files.len() / ANNOTATORS.len());
        })
    });
    g.bench_function("index_cold", |b| {
        b.iter_with_large_drop(|| {
            let _ = std::fs::remove_dir_all(state.path());
            let (counted, index) = complete(&root, state.path());
            assert_eq!(counted, tags);
            index
        })
    });
    // The cold runs left the caches (a run of this one alone leaves them
    // now: dropping the index waits for their write).
    assert_eq!(complete(&root, state.path()).0, tags);
    g.bench_function("index_reopen", |b| {
        b.iter_with_large_drop(|| {
            let (counted, index) = complete(&root, state.path());
            assert_eq!(counted, tags);
            index
        })
    });
    g.finish();
    // Peak memory of this process (the cold and reopened indexes it built,
    // against the sidecars' size): the in-process view of the memory row.
    if let Some(hwm) = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .map(|v| v.trim().to_string())
        })
    {
        eprintln!("corpus: peak memory (VmHWM) {hwm} for {bytes} bytes of sidecars");
    }
}

criterion_group!(benches, index);

fn main() {
    if let Some(dir) = std::env::var_os("GLOSS_GENERATE_CORPUS") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).expect("create the output folder");
        write(&dir);
        eprintln!("generated {}", dir.display());
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
