//! The corpus view's counts at scale (issue #11): 10,000 documents with
//! 20,000 sidecars (two annotators, three annotations each), against `cat`
//! of all the sidecars (targets: complete counts ≤ 1.5×, a reopen with the
//! cache ≤ 0.2×).
//!
//! `counts_cold` reads and parses every sidecar on every core and records
//! the counts in an empty cache (its stamps included); `counts_reopen`
//! opens the saved cache file and checks every document's files against
//! it (one `stat` each), as a reopened corpus view does. Counting itself is
//! the full sidecar parse (`Sidecar::load`), never a guess from the text.

mod common;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use glossator::annotation::Kind;
use glossator::archive::cache::{Cache, Lookup};
use glossator::archive::parallel;
use glossator::sidecar::Sidecar;

/// Per document: annotations by kind of each sidecar (claims, advice,
/// positions), or the error of one that does not load.
type Counts = Vec<Result<[u32; 3], String>>;

fn count(sidecars: &[PathBuf]) -> Counts {
    sidecars
        .iter()
        .map(|p| {
            let s = Sidecar::load(p).map_err(|e| e.to_string())?;
            let mut n = [0u32; 3];
            for a in &s.annotations {
                n[match a.kind() {
                    Kind::Claim => 0,
                    Kind::Advice => 1,
                    Kind::Position => 2,
                }] += 1;
            }
            Ok(n)
        })
        .collect()
}

/// `(document, [document, sidecars…])` for every document.
fn documents(files: &[PathBuf]) -> Vec<(PathBuf, Vec<PathBuf>)> {
    let mut out: Vec<(PathBuf, Vec<PathBuf>)> = Vec::new();
    for f in files {
        if f.extension().is_some_and(|e| e == "txt") {
            out.push((f.clone(), vec![f.clone()]));
        } else if let Some(last) = out.last_mut() {
            last.1.push(f.clone());
        }
    }
    out
}

/// Counts of every document through `cache`: hits taken as they are,
/// misses computed on every core and stored.
fn counts(cache: &mut Cache<Counts>, docs: &[(PathBuf, Vec<PathBuf>)]) -> usize {
    let looked: Vec<_> = docs
        .iter()
        .map(|(d, inputs)| cache.lookup(d, inputs, [0; 32]))
        .collect();
    let misses: Vec<usize> = (0..docs.len())
        .filter(|&i| matches!(looked[i], Lookup::Miss(_)))
        .collect();
    let computed = parallel::map(&misses, |&i| count(&docs[i].1[1..]));
    let mut total = 0;
    let mut computed = computed.into_iter();
    for (i, l) in looked.into_iter().enumerate() {
        let value = match l {
            Lookup::Hit(v) => v,
            Lookup::Miss(pending) => {
                let v = computed.next().unwrap_or_default();
                cache.store(&docs[i].0, pending, v.clone());
                v
            }
        };
        total += value
            .iter()
            .flatten()
            .map(|n| n.iter().sum::<u32>() as usize)
            .sum::<usize>();
    }
    total
}

fn corpus(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let files = common::write_corpus_by(dir.path(), 10_000, 3, &["bench", "colleague"]);
    let sidecars: Vec<&PathBuf> = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "ron"))
        .collect();
    let docs = documents(&files);
    // Files written this instant are "racy" (their content is hashed on
    // every reopen until they settle): a corpus is reopened later than that.
    std::thread::sleep(Duration::from_secs(
        glossator::archive::cache::RACY_SECONDS + 1,
    ));
    let cache_file = dir.path().join("state/counts.bin");
    let mut g = c.benchmark_group("corpus");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.bench_function("cat_sidecars", |b| {
        b.iter(|| {
            let status = Command::new("cat")
                .args(&sidecars)
                .stdout(Stdio::null())
                .status()
                .expect("run cat");
            assert!(status.success());
        })
    });
    g.bench_function("counts_cold", |b| {
        b.iter(|| {
            let _ = std::fs::remove_file(&cache_file);
            let mut cache = Cache::open_file(cache_file.clone());
            let n = counts(&mut cache, &docs);
            cache.save().expect("save the cache");
            assert_eq!(n, 60_000);
        })
    });
    g.bench_function("counts_reopen", |b| {
        b.iter(|| {
            let mut cache: Cache<Counts> = Cache::open_file(cache_file.clone());
            assert_eq!(cache.len(), 10_000);
            assert_eq!(counts(&mut cache, &docs), 60_000);
        })
    });
    g.finish();
    let size = std::fs::metadata(&cache_file).map(|m| m.len()).unwrap_or(0);
    eprintln!("cache file: {size} bytes for {} documents", docs.len());
}

criterion_group!(benches, corpus);
criterion_main!(benches);
