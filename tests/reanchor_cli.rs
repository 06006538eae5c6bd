//! Re-anchoring as a user sees it from the command line: after a paragraph is
//! inserted at the top of the source and words are changed inside an annotated
//! paragraph, every annotation lands on its paragraph; a deleted paragraph's
//! annotation is an orphan that `gloss check` reports and the sidecar keeps.

use std::path::Path;

use assert_cmd::Command;
use glossator::annotation::{Annotation, Tag};
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::sidecar::Sidecar;

const BEFORE: &str = "\
Nam Il met Petrov on 24 July 1956 to ask for advice about the plenum.

Pak Chang-ok told Nam Il that a group of leading functionaries was prepared to criticise Kim Il Sung at the plenum.

The discussion lasted one hour and thirty minutes.

A paragraph about the weather in Pyongyang that the editor will delete.

Petrov promised to report the conversation to Moscow.
";

const AFTER: &str = "\
[Translated from the Russian. Archive reference added by the editor.]

Nam Il met Petrov on 24 July 1956 to ask for advice about the plenum.

Pak Chang-ok told Nam Il that a group of senior functionaries was ready to criticise Kim Il Sung at the August plenum.

The discussion lasted one hour and thirty minutes.

Petrov promised to report the conversation to Moscow.
";

fn setup() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let doc_path = dir.path().join("memo.txt");
    std::fs::write(&doc_path, BEFORE).unwrap();
    let doc = Document::open(&doc_path).unwrap();
    let mut sidecar = Sidecar::new(&doc, "kim");
    for (i, by) in ["Nam Il", "Pak Chang-ok", "Petrov", "Weatherman", "Petrov"]
        .iter()
        .enumerate()
    {
        sidecar.annotations.push(Annotation::new(
            Tag::Claim { by: by.to_string() },
            Anchor::whole(&doc, i),
        ));
    }
    let text = sidecar.to_ron().unwrap();
    std::fs::write(dir.path().join("memo.txt.kim.gloss.ron"), &text).unwrap();
    std::fs::write(&doc_path, AFTER).unwrap();
    (dir, text)
}

fn paragraphs_by_actor(dir: &Path) -> Vec<(String, u64, String)> {
    let out = Command::cargo_bin("gloss")
        .unwrap()
        .current_dir(dir)
        .args(["export", "--format", "json", "memo.txt"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut rows: Vec<(String, u64, String)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["by"].as_str().unwrap().to_string(),
                e["paragraph"].as_u64().unwrap(),
                e["anchor"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn inserted_top_paragraph_and_reworded_paragraph_keep_every_annotation_in_place() {
    let (dir, _) = setup();
    let rows = paragraphs_by_actor(dir.path());
    assert_eq!(
        rows,
        vec![
            ("Nam Il".into(), 2, "moved".into()),
            ("Pak Chang-ok".into(), 3, "fuzzy".into()),
            ("Petrov".into(), 4, "moved".into()),
            ("Petrov".into(), 5, "exact".into()),
        ]
    );
}

#[test]
fn check_reports_health_and_the_orphan_and_the_sidecar_keeps_it() {
    let (dir, original) = setup();
    let out = Command::cargo_bin("gloss")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "memo.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stdout.contains("5 annotation(s): 1 exact, 2 moved, 1 fuzzy (¶2→¶3 0."),
        "{stdout}"
    );
    assert!(stdout.contains("1 orphaned"), "{stdout}");
    let orphan_lines: Vec<&str> = stderr.lines().filter(|l| l.contains("orphaned")).collect();
    assert_eq!(orphan_lines.len(), 1, "{stderr}");
    assert!(
        orphan_lines[0].starts_with("memo.txt.kim.gloss.ron:")
            && orphan_lines[0].contains("Weatherman")
            && orphan_lines[0].contains("was ¶4"),
        "{stderr}"
    );
    // check never writes; the orphan is still in the sidecar.
    let after = std::fs::read_to_string(dir.path().join("memo.txt.kim.gloss.ron")).unwrap();
    assert_eq!(after, original);
    assert!(after.contains("Weatherman"));
}
