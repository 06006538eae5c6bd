//! Metadata detection measured on real archival documents: FRUS documents
//! (tests/data/frus: TEI excerpts, public domain; the text a reader would
//! save and the true values the markup gives, made by render.py) — fourteen
//! the rules were written against, eleven held out. Prints per-field figures
//! (`cargo test --test meta_accuracy -- --nocapture --test-threads 1`) and
//! fails when a field falls below a floor set under the measured figures.

use std::collections::BTreeMap;
use std::path::Path;

use glossator::project::detect::detect;
use serde_json::Value;

/// Lowercase, whitespace collapsed, editorial brackets and a final period
/// dropped, a leading "the" dropped.
fn norm(s: &str) -> String {
    let s: String = s.chars().filter(|c| !matches!(c, '[' | ']')).collect();
    let s = s
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let s = s.trim_end_matches('.').trim();
    s.strip_prefix("the ").unwrap_or(s).to_string()
}

/// Does the detected value count as right? Names of senders and addressees
/// count when one contains the other (`Sebald` in `The Ambassador in Burma
/// (Sebald)`), everything else must be equal after [`norm`].
fn right(field: &str, truth: &str, found: &str) -> bool {
    let (t, f) = (norm(truth), norm(found));
    match field {
        "author" | "recipient" => !f.is_empty() && (f.contains(&t) || t.contains(&f)),
        _ => t == f,
    }
}

#[derive(Default, Debug)]
struct Score {
    with_truth: usize,
    right: usize,
    wrong: usize,
    missed: usize,
    spurious: usize,
}

const FIELDS: [&str; 6] = ["title", "date", "place", "author", "recipient", "citation"];

/// Score detection on the documents of `folder` against its truth.json.
fn measure(folder: &str) -> BTreeMap<&'static str, Score> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let truth: BTreeMap<String, BTreeMap<String, Value>> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap()).unwrap();
    let mut scores: BTreeMap<&str, Score> = BTreeMap::new();
    for (name, expected) in &truth {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let meta = detect(&text);
        for field in FIELDS {
            let want = expected.get(field).and_then(|v| v.as_str());
            let got = meta.get(field);
            let s = scores.entry(field).or_default();
            match (want, got.as_deref()) {
                (Some(w), Some(g)) if right(field, w, g) => {
                    s.with_truth += 1;
                    s.right += 1;
                }
                (Some(w), Some(g)) => {
                    s.with_truth += 1;
                    s.wrong += 1;
                    println!("{name}: {field}: wanted {w:?}, detected {g:?}");
                }
                (Some(w), None) => {
                    s.with_truth += 1;
                    s.missed += 1;
                    println!("{name}: {field}: wanted {w:?}, detected nothing");
                }
                (None, Some(g)) => {
                    s.spurious += 1;
                    println!("{name}: {field}: nothing marked, detected {g:?}");
                }
                (None, None) => {}
            }
        }
    }
    println!("{folder} ({} documents)", truth.len());
    println!("field      marked  right  wrong  missed  spurious  accuracy");
    for field in FIELDS {
        let s = &scores[field];
        println!(
            "{field:<10} {:>6} {:>6} {:>6} {:>7} {:>9}  {:>7.2}",
            s.with_truth,
            s.right,
            s.wrong,
            s.missed,
            s.spurious,
            accuracy(s)
        );
    }
    scores
}

fn accuracy(s: &Score) -> f64 {
    s.right as f64 / s.with_truth.max(1) as f64
}

#[test]
fn detection_accuracy_on_the_documents_the_rules_were_written_against() {
    let scores = measure("tests/data/frus");
    for field in FIELDS {
        let s = &scores[field];
        assert_eq!(s.with_truth, 14);
        assert!(accuracy(s) >= 0.95, "{field}: {s:?}");
        assert_eq!(s.spurious, 0, "{field}: values made up: {s:?}");
    }
}

/// Floors under the figures measured once on the held-out set (README:
/// Project file), so a regression fails; the rules were not tuned on it.
#[test]
fn detection_accuracy_on_held_out_documents() {
    let scores = measure("tests/data/frus/heldout");
    // First measured (rules not tuned on these): title 10/11, date 10/10,
    // place 8/8, author 9/10, recipient 9/10, citation 7/10. Misses: "CA
    // Files: Lot 56 D 625", a lot file heading a memorandum, taken for its
    // title (so its author, recipient and citation are missed too); and two
    // sources ending "… VIET S. Top Secret;", where "S." read as an initial
    // kept the marking in the citation — fixed since (starts_with_marking):
    // citation 9/10.
    let floor = |field: &str| -> f64 {
        match field {
            "date" | "place" => 0.95,
            _ => 0.85,
        }
    };
    for field in FIELDS {
        let s = &scores[field];
        assert!(accuracy(s) >= floor(field), "{field}: {s:?}");
        assert_eq!(s.spurious, 0, "{field}: values made up: {s:?}");
    }
}
