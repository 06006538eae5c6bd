//! Exporting a 10,000-document archive (one sidecar each) to JSON lines with
//! the real `gloss` binary, against `cat` over the same 20,000 files
//! (issue #6: at most 3×).
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

criterion_group!(benches, export);

fn main() {
    if common::generate_if_asked() {
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
