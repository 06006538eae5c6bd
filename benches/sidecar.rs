//! Sidecars of 1k, 10k and 100k annotations: glossator's load and save against
//! a bare RON parse and serialisation of the same data (issue #6: at most
//! 1.5×), and re-anchoring 10k annotations after edits to a 10 MB document.

mod common;

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use glossator::document::Document;
use glossator::document::anchor::{Anchor, Placement, place_all};
use glossator::sidecar::store::SidecarStore;
use glossator::sidecar::{self, Sidecar};

/// The bare serialisation: RON's pretty printer with the sidecar's settings.
fn bare_ron(s: &Sidecar) -> String {
    ron::ser::to_string_pretty(s, sidecar::ron_pretty()).expect("serialise")
}

fn sidecars(c: &mut Criterion) {
    let doc = Document::from_text(Path::new("ten.txt"), &common::big_text(100_000));
    let dir = tempfile::tempdir().expect("temp dir");
    let mut g = c.benchmark_group("sidecar");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    for n in [1_000usize, 10_000, 100_000] {
        let sidecar = common::sidecar_for(&doc, "bench", n);
        let text = sidecar.to_ron().expect("serialise");
        let path = sidecar::sidecar_path(&dir.path().join(format!("d{n}.txt")), "bench");
        std::fs::write(&path, &text).expect("write");
        g.bench_with_input(BenchmarkId::new("load_ron", n), &text, |b, text| {
            b.iter(|| black_box(ron::from_str::<Sidecar>(text).expect("parse")))
        });
        g.bench_with_input(BenchmarkId::new("load_gloss", n), &path, |b, path| {
            b.iter(|| black_box(Sidecar::load(path).expect("load")))
        });
        g.bench_with_input(BenchmarkId::new("save_ron", n), &sidecar, |b, s| {
            b.iter(|| black_box(bare_ron(s)))
        });
        // A real save each time: the note of one annotation changes, so the
        // store checks the file, serialises, writes atomically and syncs.
        let (mut store, _) = SidecarStore::open(&path).expect("open store");
        let mut k = 0usize;
        g.bench_with_input(BenchmarkId::new("save_gloss", n), &sidecar, |b, s| {
            b.iter_batched(
                || {
                    k += 1;
                    let mut s = s.clone();
                    s.annotations[0].note = Some(format!("edit {k}"));
                    s
                },
                |s| black_box(store.save(&s).expect("save")),
                BatchSize::PerIteration,
            )
        });
    }
    g.finish();

    // Re-anchoring: 10k annotations on a 10 MB document, then edits: every
    // 97th paragraph reworded, every 501st deleted, a paragraph inserted
    // every 1,009.
    let sidecar = common::sidecar_for(&doc, "bench", 10_000);
    let mut edited = String::new();
    for i in 0..doc.len() {
        if i % 1009 == 0 {
            edited.push_str("An inserted paragraph, new in this version.\n\n");
        }
        if i % 501 == 0 {
            continue;
        }
        let p = doc.paragraph_text(i);
        if i % 97 == 0 {
            edited.push_str(&p.replacen(" and ", " and later ", 1));
        } else {
            edited.push_str(p);
        }
        edited.push_str("\n\n");
    }
    let edited = Document::from_text(Path::new("ten.txt"), &edited);
    let anchors: Vec<&Anchor> = sidecar.annotations.iter().map(|a| &a.anchor).collect();
    let placed = place_all(&edited, &anchors);
    let count = |f: fn(&Placement) -> bool| placed.iter().filter(|p| f(p)).count();
    eprintln!(
        "re-anchoring 10k on {:.1} MB: {} exact, {} moved, {} fuzzy, {} orphans",
        edited.size() as f64 / 1e6,
        count(|p| matches!(p, Placement::Exact(_))),
        count(|p| matches!(p, Placement::Moved { .. })),
        count(|p| matches!(p, Placement::Fuzzy { .. })),
        count(|p| matches!(p, Placement::Orphan)),
    );
    let mut g = c.benchmark_group("reanchor");
    g.sample_size(10).measurement_time(Duration::from_secs(5));
    g.bench_function("10k_on_10mb_edited", |b| {
        b.iter(|| black_box(place_all(&edited, &anchors)))
    });
    g.bench_function("10k_on_10mb_unchanged", |b| {
        b.iter(|| black_box(place_all(&doc, &anchors)))
    });
    g.finish();
}

criterion_group!(benches, sidecars);
criterion_main!(benches);
