//! Boilerplate end to end: three documents saved from one archive site share
//! its furniture; with a project file those paragraphs are no agreement units
//! and their annotations are not exported unless asked.

mod common;

use std::path::{Path, PathBuf};

use glossator::annotation::{Annotation, Stance, Tag};
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::project::{BoilerplateRule, Project};
use glossator::sidecar::{Sidecar, sidecar_path};
use serde_json::Value;

use common::cli::{assert_success, gloss};

/// A page as the site serves it: furniture around the document's own text.
fn page(title: &str, body: &str) -> String {
    format!(
        "Skip to content\n\n{title}\n\n{body}\n\nDocument Information\n\nThe Program welcomes reuse of Digital Archive materials for research.\n\nRecord ID\n"
    )
}

/// Three pages in `dir`; returns their paths.
fn site(dir: &Path) -> Vec<PathBuf> {
    let pages = [
        (
            "memo-a.txt",
            "Memorandum A",
            "Nam Il opposed the criticism.",
        ),
        ("memo-b.txt", "Memorandum B", "Pak supported the plan."),
        ("memo-c.txt", "Memorandum C", "Kim spoke at length."),
    ];
    pages
        .iter()
        .map(|(name, title, body)| {
            let path = dir.join(name);
            std::fs::write(&path, page(title, body)).unwrap();
            path
        })
        .collect()
}

fn tag(doc: &Path, annotator: &str, tags: &[(usize, Tag)]) {
    let d = Document::open(doc).unwrap();
    let mut s = Sidecar::new(&d, annotator);
    for (p, t) in tags {
        s.annotations
            .push(Annotation::new(t.clone(), Anchor::whole(&d, *p)));
    }
    s.learn_names();
    std::fs::write(sidecar_path(doc, annotator), s.to_ron().unwrap()).unwrap();
}

fn position(actor: &str, stance: Stance) -> Tag {
    Tag::Position {
        actor: actor.into(),
        stance,
        issue: "criticism".into(),
    }
}

/// Two annotators on memo-a: they agree on ¶3 (the body) and one of them
/// also tagged the shared notice (¶5) — a slip the furniture invites.
fn annotated(dir: &Path) -> PathBuf {
    let docs = site(dir);
    let a = &docs[0];
    tag(
        a,
        "ana",
        &[
            (2, position("Nam Il", Stance::Oppose)),
            (4, position("Nam Il", Stance::Support)),
        ],
    );
    tag(a, "ben", &[(2, position("Nam Il", Stance::Oppose))]);
    a.clone()
}

fn agree(path: &Path) -> Value {
    let out = gloss()
        .args(["agree", "--format", "json"])
        .arg(path)
        .output()
        .unwrap();
    assert_success(&out);
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn without_a_project_file_every_paragraph_is_a_unit() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = annotated(tmp.path());
    let json = agree(&doc);
    assert_eq!(json["units"], 6);
    assert_eq!(json["stance"]["units"], 1, "{json}");
}

#[test]
fn shared_furniture_is_no_agreement_unit_with_a_project_file() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = annotated(tmp.path());
    std::fs::write(
        tmp.path().join("gloss.ron"),
        Project::new().to_ron().unwrap(),
    )
    .unwrap();
    let json = agree(&doc);
    // Skip to content, Document Information, the notice and Record ID are
    // on all three pages: 6 paragraphs, 2 units (title and body).
    assert_eq!(json["units"], 2, "{json}");
    assert_eq!(json["kinds"]["position"]["observed"], 1.0, "{json}");
    let folder = agree(tmp.path());
    assert_eq!(folder["units"], 2, "{folder}");
}

#[test]
fn export_leaves_boilerplate_out_unless_asked() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = annotated(tmp.path());
    let mut project = Project::new();
    // A rule instead of the three-document count: one page would do.
    project
        .boilerplate
        .rules
        .push(BoilerplateRule::StartsWith("The Program welcomes".into()));
    std::fs::write(tmp.path().join("gloss.ron"), project.to_ron().unwrap()).unwrap();
    std::fs::remove_file(tmp.path().join("memo-c.txt")).unwrap();
    let out = gloss()
        .args(["export", "--format", "json", "--annotator", "ana"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_success(&out);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let paragraphs: Vec<u64> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["paragraph"].as_u64().unwrap())
        .collect();
    assert_eq!(paragraphs, vec![3], "{json}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1 annotation(s) on boilerplate"),
        "{stderr}"
    );
    let out = gloss()
        .args([
            "export",
            "--format",
            "json",
            "--annotator",
            "ana",
            "--include-boilerplate",
        ])
        .arg(&doc)
        .output()
        .unwrap();
    assert_success(&out);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Physical numbers: the notice is still ¶5.
    let paragraphs: Vec<u64> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["paragraph"].as_u64().unwrap())
        .collect();
    assert_eq!(paragraphs, vec![3, 5], "{json}");
}

#[test]
fn a_broken_project_file_stops_export_with_its_position() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = annotated(tmp.path());
    std::fs::write(
        tmp.path().join("gloss.ron"),
        "(version: 1, boilerplate: (rules: [Oops]))",
    )
    .unwrap();
    let out = gloss().args(["export"]).arg(&doc).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("gloss.ron:1:"), "{stderr}");
}

#[test]
fn meta_lists_the_boilerplate_paragraphs() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = annotated(tmp.path());
    let out = gloss()
        .args(["meta", "--format", "json"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_success(&out);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json[0]["boilerplate"], serde_json::json!([]));
    std::fs::write(
        tmp.path().join("gloss.ron"),
        Project::new().to_ron().unwrap(),
    )
    .unwrap();
    let out = gloss().arg("meta").arg(&doc).output().unwrap();
    assert_success(&out);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("boilerplate  detected  ¶ 1, 4, 5, 6"),
        "{table}"
    );
}

#[test]
fn the_agreement_table_says_how_much_boilerplate_it_left_out() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = annotated(tmp.path());
    std::fs::write(
        tmp.path().join("gloss.ron"),
        Project::new().to_ron().unwrap(),
    )
    .unwrap();
    let out = gloss().arg("agree").arg(&doc).output().unwrap();
    assert_success(&out);
    let table = String::from_utf8_lossy(&out.stdout);
    let first = table.lines().next().unwrap();
    assert!(
        first.contains("(4 boilerplate paragraph(s) left out)") && first.ends_with("2 paragraphs"),
        "{table}"
    );
}
