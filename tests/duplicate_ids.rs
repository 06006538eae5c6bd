//! A sidecar where two annotations share an id (a hand edit, a bad merge),
//! with the real binary in tmux: the session warns on open, every operation
//! acts on exactly one annotation, and the copy's fresh id is saved.
//!
//! tmux must be installed (`.ci/run` installs it).

mod common;

use std::path::Path;
use std::time::Duration;

use glossator::annotation::{Annotation, Tag};
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::sidecar::Sidecar;

use common::tmux::Setup;

const TMUX: Setup = Setup::remain_on_exit("gloss-dup");

const DOC: &str = "memo.txt";
const SIDECAR: &str = "memo.txt.kim.gloss.ron";

/// A sidecar with claims on ¶1 and ¶2 that both have the id `same-id`.
fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let text = "Nam Il met Petrov.\n\nPak Chang-ok spoke.\n\nThe talk lasted an hour.\n";
    std::fs::write(dir.path().join(DOC), text).unwrap();
    let doc = Document::from_text(Path::new(DOC), text);
    let mut s = Sidecar::new(&doc, "kim");
    for (by, para) in [("Nam Il", 0), ("Pak", 1)] {
        let mut a = Annotation::new(Tag::Claim { by: by.into() }, Anchor::whole(&doc, para));
        a.id = "same-id".into();
        s.annotations.push(a);
    }
    s.learn_names();
    std::fs::write(dir.path().join(SIDECAR), s.to_ron().unwrap()).unwrap();
    dir
}

/// `(id, claimant)` of every annotation on disk, sorted.
fn on_disk(dir: &Path) -> Vec<(String, String)> {
    let s = Sidecar::load(&dir.join(SIDECAR)).unwrap();
    let mut v: Vec<(String, String)> = s
        .annotations
        .iter()
        .map(|a| (a.id.clone(), a.tag.primary_actor().to_string()))
        .collect();
    v.sort();
    v
}

fn check(dir: &Path) -> std::process::Output {
    common::cli::gloss()
        .current_dir(dir)
        .args(["check", DOC])
        .output()
        .unwrap()
}

/// Issue #9 item 3: the TUI opened silently and `d` on one deleted both.
#[test]
fn duplicate_ids_warn_on_open_and_delete_and_undo_act_on_one() {
    let dir = setup();
    let first = check(dir.path());
    assert!(!first.status.success());
    assert!(String::from_utf8_lossy(&first.stderr).contains("used twice"));

    let t = TMUX.start(dir.path(), "--as kim memo.txt");
    t.wait_for("Duplicate id on ¶2: the copy is now …-dup2");
    // Delete the claim on ¶1: Pak's claim on ¶2 stays, under its fresh id.
    t.keys(&["d"]);
    t.wait_for("Deleted");
    t.wait_for("C1 A0 P0");
    t.wait_for("✓ saved");
    assert_eq!(
        on_disk(dir.path()),
        [("same-id-dup2".to_string(), "Pak".to_string())]
    );
    // Undo brings back exactly the deleted one.
    t.keys(&["u"]);
    t.wait_for("Undone");
    t.wait_for("C2 A0 P0");
    t.wait_for("✓ saved");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        on_disk(dir.path()),
        [
            ("same-id".to_string(), "Nam Il".to_string()),
            ("same-id-dup2".to_string(), "Pak".to_string()),
        ]
    );
    t.keys(&["q"]);
    // The file now passes `gloss check`.
    let after = check(dir.path());
    assert!(
        after.status.success(),
        "{}",
        String::from_utf8_lossy(&after.stderr)
    );
}

/// Reviewing a colleague's sidecar with two annotations under one id:
/// adopting one did not leave the other to adopt (the same origin id).
#[test]
fn a_colleagues_annotations_sharing_an_id_are_adopted_one_at_a_time() {
    let dir = setup();
    let t = TMUX.start(dir.path(), "review --as bob memo.txt");
    t.wait_for("¶1/3");
    t.keys(&["A"]);
    t.wait_for("Adopted kim's Claim by Nam Il");
    t.keys(&["j", "A"]);
    t.wait_for("Adopted kim's Claim by Pak");
    t.wait_for("C2 A0 P0");
    t.wait_for("✓ saved");
    t.keys(&["q"]);
    std::thread::sleep(Duration::from_millis(300));
    let bob = Sidecar::load(&dir.path().join("memo.txt.bob.gloss.ron")).unwrap();
    let mut origins: Vec<String> = bob
        .annotations
        .iter()
        .filter_map(|a| a.origin.as_ref().map(|o| o.id.clone()))
        .collect();
    origins.sort();
    assert_eq!(origins, ["same-id", "same-id-dup2"]);
}
