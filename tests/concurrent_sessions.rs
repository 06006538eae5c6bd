//! Concurrent edits with the real binary in tmux: two sessions on one sidecar
//! keep both people's tags, the second session is told about the first, and a
//! change made on disk while a session is idle (git pull) is merged into it.
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

const TMUX: Setup = Setup::remain_on_exit("gloss-conc");

const DOC: &str = "memo.txt";
const SIDECAR: &str = "memo.txt.kim.gloss.ron";

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(DOC),
        "Nam Il met Petrov.\n\nPak Chang-ok spoke.\n\nThe talk lasted an hour.\n",
    )
    .unwrap();
    dir
}

#[test]
fn two_sessions_on_one_sidecar_keep_both_peoples_tags() {
    let dir = setup();
    let one = TMUX.start(dir.path(), "--as kim memo.txt");
    one.wait_for("¶1/3");
    let two = TMUX.start(dir.path(), "--as kim memo.txt");
    two.wait_for("Another gloss session has this sidecar open");
    one.keys(&["c", "Alice", "Enter"]);
    one.wait_saved("C1 A0 P0");
    two.keys(&["j", "c", "Bob", "Enter"]);
    two.wait_for("C2 A0 P0");
    // The first session picks up the second's tag while idle.
    one.wait_for("C2 A0 P0");
    one.keys(&["G", "c", "Carol", "Enter"]);
    one.wait_for("C3 A0 P0");
    two.wait_for("C3 A0 P0");
    two.keys(&["q"]);
    one.keys(&["q"]);
    std::thread::sleep(Duration::from_millis(500));
    let s = Sidecar::load(&dir.path().join(SIDECAR)).unwrap();
    let mut by: Vec<String> = s
        .annotations
        .iter()
        .map(|a| match &a.tag {
            Tag::Claim { by } => by.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    by.sort();
    assert_eq!(by, ["Alice", "Bob", "Carol"]);
    assert!(!dir.path().join(".memo.txt.kim.gloss.lock").exists());
}

#[test]
fn a_change_on_disk_while_idle_is_merged_and_announced() {
    let dir = setup();
    let t = TMUX.start(dir.path(), "--as kim memo.txt");
    t.wait_for("¶1/3");
    t.keys(&["c", "Alice", "Enter"]);
    t.wait_saved("C1 A0 P0");
    // "git pull": another version of the file, with one more annotation.
    let path = dir.path().join(SIDECAR);
    let mut pulled = Sidecar::load(&path).unwrap();
    let doc = Document::from_text(
        Path::new(DOC),
        &std::fs::read_to_string(dir.path().join(DOC)).unwrap(),
    );
    pulled.annotations.push(Annotation::new(
        Tag::Claim {
            by: "Colleague".into(),
        },
        Anchor::whole(&doc, 2),
    ));
    std::fs::write(&path, pulled.to_ron().unwrap()).unwrap();
    t.wait_for("Merged from disk: 1 added, 0 changed, 0 removed");
    t.wait_for("C2 A0 P0");
    // Our own further work goes on top of theirs.
    t.keys(&["j", "c", "Bob", "Enter"]);
    t.wait_for("C3 A0 P0");
    t.wait_for("✓ saved");
    t.keys(&["q"]);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(Sidecar::load(&path).unwrap().annotations.len(), 3);
}

#[test]
fn a_stale_lock_file_is_harmless() {
    let dir = setup();
    std::fs::write(dir.path().join(".memo.txt.kim.gloss.lock"), b"stale").unwrap();
    let t = TMUX.start(dir.path(), "--as kim memo.txt");
    let screen = t.wait_for("¶1/3");
    assert!(!screen.contains("Another gloss session"), "{screen}");
    t.keys(&["c", "Alice", "Enter"]);
    t.wait_saved("C1 A0 P0");
}

#[test]
fn a_sidecar_deleted_under_an_idle_session_is_written_again() {
    let dir = setup();
    let t = TMUX.start(dir.path(), "--as kim memo.txt");
    t.wait_for("¶1/3");
    t.keys(&["c", "Alice", "Enter"]);
    t.wait_saved("C1 A0 P0");
    let path = dir.path().join(SIDECAR);
    std::fs::remove_file(&path).unwrap();
    t.wait_for("deleted on disk");
    let s = Sidecar::load(&path).unwrap();
    assert_eq!(s.annotations.len(), 1);
    t.keys(&["q"]);
}

/// Issue #9 item 2: B's note editor was open while A set the note; B's note
/// replaced A's on disk, and B's editor never said its annotation had changed.
#[test]
fn two_sessions_editing_one_note_keep_both_notes() {
    let dir = setup();
    let a = TMUX.start(dir.path(), "--as kim memo.txt");
    a.wait_for("¶1/3");
    let b = TMUX.start(dir.path(), "--as kim memo.txt");
    b.wait_for("Another gloss session");
    a.keys(&["c", "Alice", "Enter"]);
    a.wait_saved("C1 A0 P0");
    // B picks the claim up while idle, then opens its note.
    b.wait_for("C1 A0 P0");
    b.keys(&["n"]);
    b.wait_for("Enter save");
    a.keys(&["n", "Note from A", "Enter"]);
    a.wait_for("Note saved");
    a.wait_for("✓ saved");
    // B's open editor says its annotation changed underneath.
    b.wait_for("changed in another session");
    b.keys(&["Note from B", "Enter"]);
    b.wait_for("both versions kept");
    b.wait_for("✓ saved");
    // A is told too, and both versions are marked.
    a.wait_for("merge conflict: their version");
    let path = dir.path().join(SIDECAR);
    let s = Sidecar::load(&path).unwrap();
    let mut notes: Vec<&str> = s
        .annotations
        .iter()
        .filter_map(|a| a.note.as_deref())
        .collect();
    notes.sort();
    assert_eq!(notes, ["Note from A", "Note from B"]);
    let pairs = glossator::sidecar::merge::unsettled(&s);
    assert_eq!(pairs.len(), 1, "{pairs:?}");
    assert_eq!(pairs[0].1, format!("{}~1", pairs[0].0));
    // `gloss check` fails until one version is deleted.
    let check = common::cli::gloss()
        .current_dir(dir.path())
        .args(["check", DOC])
        .output()
        .unwrap();
    assert!(!check.status.success());
    assert!(
        String::from_utf8_lossy(&check.stderr).contains("unsettled merge conflict"),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    a.keys(&["q"]);
    b.keys(&["q"]);
}
