//! Opening and searching the 100 MB, 1M-paragraph document (issue #6).
//!
//! `load/read_memchr` is the baseline of the target "full paragraph index
//! ready in at most 2× a plain read plus a memchr scan"; `load/index_ready`
//! is glossator's progressive open until its index is complete, and
//! `load/first_screen` is how long `gloss` waits before it can draw.

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use glossator::document::Document;
use glossator::document::scan::{ScanEvent, SearchJob};

fn load(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = common::write_big(dir.path());
    let mut g = c.benchmark_group("load");
    g.sample_size(10).measurement_time(Duration::from_secs(4));
    g.bench_function("read_memchr", |b| {
        b.iter(|| {
            let bytes = std::fs::read(&path).expect("read");
            black_box(memchr::memchr_iter(b'\n', &bytes).count())
        })
    });
    g.bench_function("first_screen", |b| {
        b.iter(|| {
            let doc = Document::open_progressive(&path).expect("open");
            black_box(doc.paragraph_text(0).len())
        })
    });
    g.bench_function("index_ready", |b| {
        b.iter(|| {
            let doc = Document::open_progressive(&path).expect("open");
            doc.wait_complete();
            black_box(doc.len())
        })
    });
    g.bench_function("open_complete", |b| {
        b.iter(|| black_box(Document::open(&path).expect("open").len()))
    });
    g.finish();

    let doc = Document::open(&path).expect("open");
    assert_eq!(doc.len(), common::BIG_PARAGRAPHS + 1);
    let mut g = c.benchmark_group("search");
    g.sample_size(10).measurement_time(Duration::from_secs(4));
    // The query is only in the last paragraph: the whole text is scanned.
    g.bench_function("first_hit_at_end", |b| {
        b.iter(|| {
            let mut job = SearchJob::start(&doc, common::LAST_MARKER, 0);
            match job.wait(Duration::from_secs(60)) {
                Some(ScanEvent::Hits(h)) => black_box(h),
                _ => panic!("no hit"),
            }
        })
    });
    g.bench_function("first_hit_near", |b| {
        b.iter(|| {
            let mut job = SearchJob::start(&doc, "silence", 500_000);
            match job.wait(Duration::from_secs(60)) {
                Some(ScanEvent::Hits(h)) => black_box(h),
                _ => panic!("no hit"),
            }
        })
    });
    g.bench_function("all_hits", |b| {
        b.iter(|| {
            let mut job = SearchJob::start(&doc, "heavy industry", 0);
            let mut n = 0;
            while let Some(e) = job.wait(Duration::from_secs(60)) {
                match e {
                    ScanEvent::Hits(h) => n += h.len(),
                    ScanEvent::Finished => break,
                }
            }
            assert_eq!(n, common::BIG_PARAGRAPHS / 5);
            black_box(n)
        })
    });
    g.finish();
}

criterion_group!(benches, load);
criterion_main!(benches);
