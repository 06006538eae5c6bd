//! `gloss agree` end to end: sidecars written in temp folders, figures read
//! back from `--format json` and compared with computations made here from
//! the published worked examples and by hand.

mod common;

use std::path::{Path, PathBuf};

use glossator::annotation::{Annotation, Stance, Tag};
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::sidecar::{Sidecar, sidecar_path};
use serde_json::Value;

use common::cli::{SAMPLE, assert_success, gloss, samples};

/// A document of `n` one-line paragraphs.
fn document(dir: &Path, name: &str, n: usize) -> PathBuf {
    let text: String = (1..=n)
        .map(|i| format!("Paragraph number {i}.\n\n"))
        .collect();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Write `annotator`'s sidecar for `doc` with `tags` on 0-based paragraphs.
fn sidecar(doc: &Path, annotator: &str, tags: &[(usize, Tag)]) {
    let d = Document::open(doc).unwrap();
    let mut s = Sidecar::new(&d, annotator);
    for (p, t) in tags {
        s.annotations
            .push(Annotation::new(t.clone(), Anchor::whole(&d, *p)));
    }
    s.learn_names();
    std::fs::write(sidecar_path(doc, annotator), s.to_ron().unwrap()).unwrap();
}

fn claims(labels: &[u32]) -> Vec<(usize, Tag)> {
    labels
        .iter()
        .enumerate()
        .filter(|(_, l)| **l == 1)
        .map(|(i, _)| (i, Tag::Claim { by: "X".into() }))
        .collect()
}

fn agree_json(path: &Path) -> Value {
    let out = gloss()
        .args(["agree", "--format", "json"])
        .arg(path)
        .output()
        .unwrap();
    assert_success(&out);
    serde_json::from_slice(&out.stdout).unwrap()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("not a number: {v}"))
}

fn close(v: &Value, want: f64) {
    let got = num(v);
    assert!((got - want).abs() < 1e-9, "{got} != {want}");
}

/// Two coders, binary labels: kappa and alpha computed directly from the
/// 2×2 table (an independent formula, not the library's coincidence code).
fn binary_two(a: &[u32], b: &[u32]) -> (f64, f64, f64) {
    let n = a.len() as f64;
    let (mut n11, mut n10, mut n01, mut n00) = (0.0, 0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        match (x, y) {
            (1, 1) => n11 += 1.0,
            (1, 0) => n10 += 1.0,
            (0, 1) => n01 += 1.0,
            _ => n00 += 1.0,
        }
    }
    let po = (n11 + n00) / n;
    let pe = ((n11 + n10) / n) * ((n11 + n01) / n) + ((n00 + n01) / n) * ((n00 + n10) / n);
    let kappa = (po - pe) / (1.0 - pe);
    // Krippendorff, two coders, no missing data: 2n values; ones and zeros.
    let values = 2.0 * n;
    let ones = 2.0 * n11 + n10 + n01;
    let zeros = values - ones;
    let alpha = 1.0 - (values - 1.0) * (n10 + n01) / (ones * zeros);
    (po, kappa, alpha)
}

#[test]
fn textbook_kappa_example_through_the_cli() {
    // 50 units: 20 both yes, 5 yes/no, 10 no/yes, 15 both no → κ = 0.4.
    let dir = tempfile::tempdir().unwrap();
    let doc = document(dir.path(), "grants.txt", 50);
    let mut a = Vec::new();
    let mut b = Vec::new();
    for (x, y, count) in [(1, 1, 20), (1, 0, 5), (0, 1, 10), (0, 0, 15)] {
        for _ in 0..count {
            a.push(x);
            b.push(y);
        }
    }
    sidecar(&doc, "ana", &claims(&a));
    sidecar(&doc, "ben", &claims(&b));
    let v = agree_json(&doc);
    assert_eq!(v["annotators"], serde_json::json!(["ana", "ben"]));
    assert_eq!(v["units"], 50);
    close(&v["kinds"]["claim"]["kappa"], 0.4);
    close(&v["kinds"]["claim"]["observed"], 0.7);
    let (po, kappa, alpha) = binary_two(&a, &b);
    close(&v["kinds"]["claim"]["observed"], po);
    close(&v["kinds"]["claim"]["kappa"], kappa);
    close(&v["kinds"]["claim"]["alpha"], alpha);
    // Nobody used advice or position: full agreement, kappa and alpha undefined.
    for kind in ["advice", "position"] {
        close(&v["kinds"][kind]["observed"], 1.0);
        assert!(v["kinds"][kind]["kappa"].is_null());
        assert!(v["kinds"][kind]["alpha"].is_null());
    }
    assert_eq!(v["stance"]["units"], 0);
    assert!(v["stance"]["observed"].is_null());
    assert!(
        v.get("documents").is_none(),
        "one file: no per-document rows"
    );
}

#[test]
fn krippendorff_binary_example_as_positions() {
    // Krippendorff (2011), two observers, binary data: α = 0.095 (2/21).
    let a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
    let b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
    let dir = tempfile::tempdir().unwrap();
    let doc = document(dir.path(), "k.txt", 10);
    let pos = |labels: &[u32], stance: Stance| -> Vec<(usize, Tag)> {
        labels
            .iter()
            .enumerate()
            .filter(|(_, l)| **l == 1)
            .map(|(i, _)| {
                (
                    i,
                    Tag::Position {
                        actor: "Han".into(),
                        stance,
                        issue: "credit".into(),
                    },
                )
            })
            .collect()
    };
    sidecar(&doc, "ana", &pos(&a, Stance::Support));
    sidecar(&doc, "ben", &pos(&b, Stance::Oppose));
    let v = agree_json(&doc);
    close(&v["kinds"]["position"]["alpha"], 2.0 / 21.0);
    close(&v["kinds"]["position"]["observed"], 0.6);
    close(&v["kinds"]["position"]["kappa"], 0.04 / 0.44);
    // Unit 2 is the only paragraph where both tagged Han's position, with
    // different stances.
    assert_eq!(v["stance"]["units"], 1);
    close(&v["stance"]["observed"], 0.0);
}

#[test]
fn perfect_and_no_agreement() {
    let dir = tempfile::tempdir().unwrap();
    let doc = document(dir.path(), "p.txt", 4);
    sidecar(&doc, "ana", &claims(&[1, 0, 1, 0]));
    sidecar(&doc, "ben", &claims(&[1, 0, 1, 0]));
    let v = agree_json(&doc);
    close(&v["kinds"]["claim"]["kappa"], 1.0);
    close(&v["kinds"]["claim"]["alpha"], 1.0);
    sidecar(&doc, "ben", &claims(&[0, 1, 0, 1]));
    let v = agree_json(&doc);
    close(&v["kinds"]["claim"]["observed"], 0.0);
    close(&v["kinds"]["claim"]["kappa"], -1.0);
    close(&v["kinds"]["claim"]["alpha"], -0.75);
}

#[test]
fn three_annotators_have_no_kappa() {
    let dir = tempfile::tempdir().unwrap();
    let doc = document(dir.path(), "t.txt", 4);
    sidecar(&doc, "ana", &claims(&[1, 0, 1, 0]));
    sidecar(&doc, "ben", &claims(&[1, 0, 1, 0]));
    sidecar(&doc, "cem", &claims(&[1, 1, 1, 0]));
    let v = agree_json(&doc);
    assert_eq!(v["annotators"], serde_json::json!(["ana", "ben", "cem"]));
    assert!(v["kinds"]["claim"]["kappa"].is_null());
    // Unit 2: values 0,0,1 → o_01 = o_10 = 1 (pairs weighted 1/(m−1) = 1/2 × 2).
    // n = 12, n_1 = 7, n_0 = 5: α = 1 − 11·2/(2·7·5) = 1 − 22/70.
    close(&v["kinds"]["claim"]["alpha"], 1.0 - 22.0 / 70.0);
    // Observed: agreeing pairs 10 of 12.
    close(&v["kinds"]["claim"]["observed"], 10.0 / 12.0);
}

#[test]
fn folder_gives_documents_and_pooled_figures_with_missing_sidecars() {
    let dir = tempfile::tempdir().unwrap();
    let one = document(dir.path(), "one.txt", 2);
    let sub = dir.path().join("sub");
    std::fs::create_dir(&sub).unwrap();
    let two = document(&sub, "two.txt", 2);
    sidecar(&one, "ana", &claims(&[1, 0]));
    sidecar(&one, "ben", &claims(&[1, 0]));
    sidecar(&two, "ana", &claims(&[1, 0]));
    sidecar(&two, "cem", &claims(&[0, 1]));
    let v = agree_json(dir.path());
    assert_eq!(v["annotators"], serde_json::json!(["ana", "ben", "cem"]));
    assert_eq!(v["units"], 4);
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 2);
    assert!(docs[0]["source"].as_str().unwrap().ends_with("one.txt"));
    close(&docs[0]["kinds"]["claim"]["kappa"], 1.0);
    assert_eq!(docs[1]["annotators"], serde_json::json!(["ana", "cem"]));
    close(&docs[1]["kinds"]["claim"]["observed"], 0.0);
    // Pooled: 4 units with two values each (the third annotator missing):
    // agree on doc one's 2 units, disagree on doc two's → 0.5; kappa needs
    // exactly two annotators (three took part).
    close(&v["kinds"]["claim"]["observed"], 0.5);
    assert!(v["kinds"]["claim"]["kappa"].is_null());
    // n = 8, ones: 1+1+1+1 = 4, zeros 4; o_01 + o_10 = 4 → α = 1 − 7·4/(2·4·4).
    close(&v["kinds"]["claim"]["alpha"], 1.0 - 28.0 / 32.0);
    let table = gloss().arg("agree").arg(dir.path()).output().unwrap();
    let text = String::from_utf8(table.stdout).unwrap();
    assert!(text.contains("pooled over 2 documents"), "{text}");
    assert!(text.contains("one.txt — ana, ben — 2 paragraphs"), "{text}");
}

#[test]
fn the_sample_memo_matches_a_hand_computation() {
    let doc = samples().join(SAMPLE);
    let v = agree_json(&doc);
    assert_eq!(v["units"], 14);
    // Claims: ana ¶6, ¶8, ¶11; ben ¶6, ¶7, ¶11. Advice: ana ¶9; ben ¶8, ¶9.
    // Positions: ana ¶7, ¶10; ben ¶10.
    let label =
        |ps: &[usize]| -> Vec<u32> { (1..=14).map(|p| u32::from(ps.contains(&p))).collect() };
    for (kind, a, b) in [
        ("claim", label(&[6, 8, 11]), label(&[6, 7, 11])),
        ("advice", label(&[9]), label(&[8, 9])),
        ("position", label(&[7, 10]), label(&[10])),
    ] {
        let (po, kappa, alpha) = binary_two(&a, &b);
        close(&v["kinds"][kind]["observed"], po);
        close(&v["kinds"][kind]["kappa"], kappa);
        close(&v["kinds"][kind]["alpha"], alpha);
    }
    // Both tagged Kim Chang-hyop opposing on ¶10; ana also Han supporting there.
    assert_eq!(v["stance"]["units"], 1);
    close(&v["stance"]["observed"], 1.0);
}

#[test]
fn one_annotator_or_no_sidecar_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let doc = document(dir.path(), "solo.txt", 3);
    gloss()
        .arg("agree")
        .arg(&doc)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("no sidecars found"));
    sidecar(&doc, "ana", &claims(&[1, 0, 0]));
    gloss()
        .arg("agree")
        .arg(&doc)
        .assert()
        .code(1)
        .stderr(predicates::str::contains(
            "two or more annotators; found 1 (ana)",
        ));
    gloss()
        .args(["agree", "--format", "yaml"])
        .arg(&doc)
        .assert()
        .code(2);
}

#[test]
fn a_broken_sidecar_is_reported_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let doc = document(dir.path(), "b.txt", 3);
    sidecar(&doc, "ana", &claims(&[1, 0, 0]));
    std::fs::write(
        dir.path().join("b.txt.ben.gloss.ron"),
        "(version: 1,\n oops",
    )
    .unwrap();
    gloss()
        .arg("agree")
        .arg(&doc)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("b.txt.ben.gloss.ron:2:"));
}

#[test]
fn an_adjudication_is_left_out_unless_named() {
    let dir = tempfile::tempdir().unwrap();
    let doc = document(dir.path(), "j.txt", 4);
    sidecar(&doc, "ana", &claims(&[1, 0, 1, 0]));
    sidecar(&doc, "ben", &claims(&[1, 0, 0, 0]));
    // judge adopted ana's claim on ¶1.
    let d = Document::open(&doc).unwrap();
    let mut s = Sidecar::new(&d, "judge");
    let mut a = Annotation::new(Tag::Claim { by: "X".into() }, Anchor::whole(&d, 0));
    a.origin = Some(glossator::annotation::Origin {
        annotator: "ana".into(),
        id: "x".into(),
        replaced: None,
    });
    s.annotations.push(a);
    std::fs::write(sidecar_path(&doc, "judge"), s.to_ron().unwrap()).unwrap();
    let out = gloss()
        .args(["agree", "--format", "json"])
        .arg(&doc)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("j.txt.judge.gloss.ron: left out"));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["annotators"], serde_json::json!(["ana", "ben"]));
    let out = gloss()
        .args([
            "agree",
            "--format",
            "json",
            "--annotator",
            "judge",
            "--annotator",
            "ana",
        ])
        .arg(&doc)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["annotators"], serde_json::json!(["ana", "judge"]));
}

#[test]
fn adopted_copies_do_not_raise_agreement() {
    let dir = tempfile::tempdir().unwrap();
    let doc = document(dir.path(), "k.txt", 4);
    sidecar(&doc, "ana", &claims(&[1, 0, 1, 0]));
    sidecar(&doc, "ben", &claims(&[1, 1, 0, 0]));
    let before = agree_json(&doc);
    close(&before["kinds"]["claim"]["observed"], 0.5);
    // ben adopts ana's claim on ¶3 (gloss review's `A`): an annotation with an origin.
    let path = sidecar_path(&doc, "ben");
    let mut s = Sidecar::load(&path).unwrap();
    let d = Document::open(&doc).unwrap();
    let mut copy = Annotation::new(Tag::Claim { by: "X".into() }, Anchor::whole(&d, 2));
    copy.origin = Some(glossator::annotation::Origin {
        annotator: "ana".into(),
        id: "a3".into(),
        replaced: None,
    });
    s.annotations.push(copy);
    std::fs::write(&path, s.to_ron().unwrap()).unwrap();
    let after = agree_json(&doc);
    assert_eq!(after["kinds"], before["kinds"], "{after}");
}
