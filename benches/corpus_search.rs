//! Search across the 10,000-document archive (issue #9): the whole search
//! and the time to its first result, against `rg -c` (ripgrep, smart case,
//! fixed string) over the same documents (sidecars left out), in one run.
//! Targets: first result ≤ 100 ms, the whole search ≤ 1.5× `rg -c`.
//!
//! `GLOSS_CORPUS=DIR` searches that archive (benches/compare.sh passes the
//! one it generated); otherwise one is written to a temporary folder.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use glossator::archive::search::{CorpusSearch, SearchEvent};

/// In about one paragraph of five of every document.
const QUERY: &str = "grain shipments";

fn corpus() -> (Option<tempfile::TempDir>, PathBuf) {
    if let Some(dir) = std::env::var_os("GLOSS_CORPUS") {
        return (None, PathBuf::from(dir));
    }
    let dir = tempfile::tempdir().expect("temp dir");
    common::write_corpus(dir.path(), 10_000, 2);
    let root = dir.path().to_path_buf();
    (Some(dir), root)
}

fn rg_count(root: &Path) {
    let status = Command::new("rg")
        .args(["-S", "-c", "-F", "-g", "!*.gloss.ron", QUERY])
        .arg(root)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run rg (install ripgrep)");
    assert!(status.success(), "rg found nothing");
}

fn search(c: &mut Criterion) {
    let (_keep, root) = corpus();
    // Both find the same documents.
    let found = CorpusSearch::start(&root, QUERY)
        .collect()
        .iter()
        .filter(|e| matches!(e, SearchEvent::Found(_)))
        .count();
    eprintln!("corpus search: '{QUERY}' found in {found} documents");
    let mut g = c.benchmark_group("corpus_search");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.bench_function("whole", |b| {
        b.iter(|| CorpusSearch::start(&root, QUERY).collect())
    });
    g.bench_function("first_result", |b| {
        b.iter(|| {
            let mut job = CorpusSearch::start(&root, QUERY);
            while let Some(event) = job.wait(Duration::from_secs(10)) {
                if matches!(event, SearchEvent::Found(_)) {
                    break;
                }
            }
            // Dropping the job cancels the rest.
        })
    });
    if Command::new("rg").arg("--version").output().is_ok() {
        g.bench_function("rg_c", |b| b.iter(|| rg_count(&root)));
    }
    g.finish();
}

criterion_group!(benches, search);
criterion_main!(benches);
