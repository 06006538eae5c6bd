//! Exporting a 10,000-document archive (one sidecar each) to JSON lines with
//! the real `gloss` binary, against `cat` over the same 20,000 files
//! (issue #6: at most 3×); and `gloss check` against `gloss export` of one
//! document with 100,000 annotations (issue #9: check at most 2× the export).
//!
//! With `GLOSS_GENERATE=DIR` this bench only writes the inputs of
//! `benches/compare.sh` (`DIR/big.txt`, `DIR/corpus/`) and exits.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use criterion::{Criterion, criterion_group};

fn export(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let files = common::write_corpus(dir.path(), 10_000, 3);
    let gloss = env!("CARGO_BIN_EXE_gloss");
    let run = |cmd: &mut Command| {
        let status = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run");
        assert!(status.success(), "{cmd:?} failed");
    };
    let mut g = c.benchmark_group("export");
    g.sample_size(10).measurement_time(Duration::from_secs(8));
    g.bench_function("cat", |b| b.iter(|| run(Command::new("cat").args(&files))));
    g.bench_function("gloss_jsonl", |b| {
        b.iter(|| {
            run(Command::new(gloss)
                .args(["export", "--format", "jsonl"])
                .arg(dir.path()))
        })
    });
    g.finish();
}

/// One 100,000-paragraph document with a sidecar of 100,000 annotations:
/// `gloss check` reads the same inputs as `gloss export` and must stay linear.
fn check_vs_export(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("hundred-k.txt");
    let text = common::big_text(100_000);
    std::fs::write(&path, &text).expect("write the document");
    let doc = glossator::document::Document::from_text(&path, &text);
    let sidecar = common::sidecar_for(&doc, "bench", 100_000);
    let side = glossator::sidecar::sidecar_path(&path, "bench");
    std::fs::write(&side, sidecar.to_ron().expect("serialise")).expect("write the sidecar");
    let gloss = env!("CARGO_BIN_EXE_gloss");
    let run = |cmd: &mut Command| {
        let status = cmd
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("run");
        assert!(status.success(), "{cmd:?} failed");
    };
    let mut g = c.benchmark_group("check_100k");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("export_jsonl", |b| {
        b.iter(|| {
            run(Command::new(gloss)
                .args(["export", "--format", "jsonl"])
                .arg(&path))
        })
    });
    g.bench_function("check", |b| {
        b.iter(|| run(Command::new(gloss).arg("check").arg(&path)))
    });
    g.finish();
}

criterion_group!(benches, export, check_vs_export);

fn main() {
    if common::generate_if_asked() {
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
