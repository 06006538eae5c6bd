//! `gloss review` from the command line: what it refuses, before any terminal
//! is needed (tests run without one).

use assert_cmd::Command;
use predicates::str::contains;

const MEMO: &str = "Han spoke.\n\nRi listened.\n";

fn gloss() -> Command {
    Command::cargo_bin("gloss").unwrap()
}

fn sidecar(annotator: &str) -> String {
    format!(
        "(version: 1, source: (name: \"memo.txt\", size: 0, sha256: \"\"), annotator: \"{annotator}\")\n"
    )
}

#[test]
fn nothing_to_review_without_other_sidecars() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("memo.txt"), MEMO).unwrap();
    std::fs::write(dir.path().join("memo.txt.ana.gloss.ron"), sidecar("ana")).unwrap();
    gloss()
        .current_dir(dir.path())
        .args(["review", "--as", "ana", "memo.txt"])
        .assert()
        .code(1)
        .stderr(contains("no other annotators' sidecars to review"));
}

#[test]
fn a_missing_or_broken_sidecar_is_named() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("memo.txt"), MEMO).unwrap();
    gloss()
        .current_dir(dir.path())
        .args([
            "review",
            "--as",
            "ana",
            "memo.txt",
            "memo.txt.zed.gloss.ron",
        ])
        .assert()
        .code(1)
        .stderr(contains("memo.txt.zed.gloss.ron: no such sidecar"));
    std::fs::write(
        dir.path().join("memo.txt.ben.gloss.ron"),
        "(version: 1,\n  ?",
    )
    .unwrap();
    gloss()
        .current_dir(dir.path())
        .args(["review", "--as", "ana", "memo.txt"])
        .assert()
        .code(1)
        .stderr(contains("memo.txt.ben.gloss.ron:2:"));
}

#[test]
fn a_good_review_needs_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("memo.txt"), MEMO).unwrap();
    std::fs::write(dir.path().join("memo.txt.ben.gloss.ron"), sidecar("ben")).unwrap();
    gloss()
        .current_dir(dir.path())
        .args(["review", "--as", "ana", "memo.txt"])
        .assert()
        .code(1)
        .stderr(contains("needs a terminal"));
    // Nothing was written for the reviewer.
    assert!(!dir.path().join("memo.txt.ana.gloss.ron").exists());
}
