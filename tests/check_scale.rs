//! `gloss check` grows linearly with the number of annotations (issue #9:
//! 8k annotations took 8 s, 100k never finished, because every annotation's
//! line was searched for from the start of the file).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::cli::{SAMPLE, assert_success, gloss, samples};
use glossator::annotation::{Annotation, Tag};
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::sidecar::{Sidecar, sidecar_path};

#[test]
fn check_is_linear_in_the_number_of_annotations() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(SAMPLE);
    std::fs::copy(samples().join(SAMPLE), &path).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let doc = Document::from_text(Path::new(SAMPLE), &text);
    let mut sidecar = Sidecar::new(&doc, "kim");
    let n = 20_000;
    for i in 0..n {
        let mut a = Annotation::created_at(
            Tag::Claim {
                by: "Han Tae-jun".into(),
            },
            Anchor::whole(&doc, i % doc.len()),
            "2026-01-01T00:00:00Z".into(),
        );
        a.id = format!("id-{i:08}");
        sidecar.annotations.push(a);
    }
    sidecar.learn_names();
    std::fs::write(sidecar_path(&path, "kim"), sidecar.to_ron().unwrap()).unwrap();
    let started = Instant::now();
    let out = gloss().arg("check").arg(&path).output().unwrap();
    let took = started.elapsed();
    assert_success(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("{n} annotation(s): {n} exact")),
        "{stdout}"
    );
    // Linear: well under a second in a release build, a few in a debug one;
    // the quadratic search took minutes for 20,000.
    assert!(
        took < Duration::from_secs(30),
        "checking {n} annotations took {took:?}"
    );
}
