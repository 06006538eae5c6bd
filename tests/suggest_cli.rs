//! `gloss suggest` on the real binary: JSON lines with rule and cue words,
//! and a broken user rules file reported as file:line:column.

mod common;

use common::cli::{assert_success, gloss, samples};

#[test]
fn suggest_jsonl_names_the_rule_the_cue_words_and_the_actors() {
    let config = tempfile::tempdir().unwrap();
    let out = gloss()
        .args(["suggest", "--format", "jsonl", "--config-dir"])
        .arg(config.path())
        .arg(samples().join("memo-1957-03-12-han-tae-jun.txt"))
        .output()
        .unwrap();
    assert_success(&out);
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let advice = lines
        .iter()
        .find(|v| v["paragraph"] == 9 && v["kind"] == "advice")
        .expect("the advice in ¶9");
    assert_eq!(advice["rule"], "advice-advised");
    assert_eq!(advice["cue_words"], serde_json::json!(["advised"]));
    assert_eq!(advice["cues"], serde_json::json!([[2, 9]]));
    assert_eq!(advice["to"], "Han Tae-jun");
}

#[test]
fn a_broken_cues_file_is_one_line_with_its_position_and_the_defaults_are_used() {
    let config = tempfile::tempdir().unwrap();
    std::fs::write(
        config.path().join("cues.ron"),
        "(\n  rules: {\n    \"x\": (kind: Clam, cues: [\"a\"]),\n  },\n)",
    )
    .unwrap();
    let out = gloss()
        .args(["suggest", "--config-dir"])
        .arg(config.path())
        .arg(samples().join("memo-1957-03-12-han-tae-jun.txt"))
        .output()
        .unwrap();
    assert_success(&out);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("cues.ron:3:"), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("advice-advised"));
}

#[test]
fn a_missing_document_is_one_line_naming_it_once_and_exit_1() {
    let tmp = tempfile::tempdir().unwrap();
    let out = gloss()
        .arg("suggest")
        .arg(tmp.path().join("nope.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert_eq!(err.matches("nope.txt").count(), 1, "{err}");
}
