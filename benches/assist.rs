//! Actor mention detection over many documents (issue #14): reading 1,000
//! generated memos (about 2 KB each, benches/common) and detecting every
//! mention with a four-actor registry, as `gloss actors` does.
//! `rg` over the same files for the alternation of the registry names is
//! the by-hand comparison (see the README's Detected actors).

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use glossator::annotation::registry::{Actor, ActorResolver};
use glossator::assist::Detector;

fn registry() -> ActorResolver {
    let actor = |name: &str, aliases: &[&str]| Actor {
        name: name.to_string(),
        aliases: aliases.iter().map(|a| a.to_string()).collect(),
    };
    let actors = vec![
        actor("Nam Il", &[]),
        actor("Pak Chang-ok", &["Pak Chang Ok"]),
        actor("Han Tae-jun", &[]),
        actor("Kim Il-sung", &["Kim Il Sung"]),
    ];
    ActorResolver::of([actors.as_slice()])
}

fn detect(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let files: Vec<_> = common::write_corpus(dir.path(), 1_000, 0)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    let detector = Detector::new(&registry());
    let mut g = c.benchmark_group("assist");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    g.bench_function("detect_1000_docs", |b| {
        b.iter(|| {
            let texts: Vec<String> = files
                .iter()
                .map(|p| std::fs::read_to_string(p).expect("read"))
                .collect();
            let docs: Vec<(Vec<&str>, Option<&str>)> = texts
                .iter()
                .map(|t| (t.split("\n\n").filter(|p| !p.is_empty()).collect(), None))
                .collect();
            black_box(detector.detect_all(&docs).len())
        })
    });
    g.finish();
}

criterion_group!(benches, detect);
criterion_main!(benches);
