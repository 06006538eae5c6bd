//! Write failures in a real session: the status line says so, nothing is lost,
//! the save is retried until it works, and `W` writes the sidecar elsewhere.
//!
//! Permissions do not stop root, so the failure is made the way a locked or
//! vanished path fails for everyone: the sidecar's name is taken by a folder.
//! tmux must be installed (`.ci/run` installs it).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use glossator::sidecar::Sidecar;

use common::tmux::{Setup, Tmux, kill};

const TMUX: Setup = Setup::remain_on_exit("gloss-wfail");

fn setup() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("memo.txt"),
        "Nam Il met Petrov.\n\nPak Chang-ok spoke.\n",
    )
    .unwrap();
    dir
}

/// Take the sidecar's name with a non-empty folder: every save fails.
fn block(path: &Path) {
    std::fs::create_dir(path).unwrap();
    std::fs::write(path.join("keep"), b"x").unwrap();
}

/// Start `gloss {args}`, block the sidecar's path `side`, and tag: the screen
/// once it says the save failed.
fn tag_with_saves_failing(dir: &Path, side: &Path, args: &str) -> (Tmux, String) {
    let t = TMUX.start(dir, args);
    t.wait_for("¶1/2");
    block(side);
    t.keys(&["c", "Alice", "Enter"]);
    let screen = t.wait_for("NOT SAVED");
    (t, screen)
}

#[test]
fn a_failed_save_is_shown_kept_and_retried_until_it_works() {
    let dir = setup();
    let side = dir.path().join("memo.txt.kim.gloss.ron");
    let (t, screen) = tag_with_saves_failing(dir.path(), &side, "--as kim memo.txt");
    // The status says where the work is (the journal beside the sidecar).
    assert!(
        screen.contains("Changes kept in the journal .memo.txt.kim.gloss.journal — could"),
        "{screen}"
    );
    let journal = dir.path().join(".memo.txt.kim.gloss.journal");
    assert!(journal.exists(), "the change is in the journal");
    // More work while failing is kept too.
    t.keys(&["j", "c", "Bob", "Enter"]);
    t.wait_for("C2 A0 P0");
    // The obstacle goes away: the next retry saves everything.
    std::fs::remove_dir_all(&side).unwrap();
    t.wait_for("✓ saved");
    assert_eq!(Sidecar::load(&side).unwrap().annotations.len(), 2);
    assert!(!journal.exists());
    t.keys(&["q"]);
}

#[test]
fn write_to_saves_the_sidecar_elsewhere() {
    let dir = setup();
    let side = dir.path().join("memo.txt.kim.gloss.ron");
    let (t, _) = tag_with_saves_failing(dir.path(), &side, "--as kim memo.txt");
    let elsewhere = dir.path().join("rescue folder é");
    std::fs::create_dir(&elsewhere).unwrap();
    t.keys(&["W"]);
    t.wait_for("Write sidecar to:");
    t.keys(&["rescue folder é", "Enter"]);
    t.wait_for("✓ saved");
    let rescued = elsewhere.join("memo.txt.kim.gloss.ron");
    assert_eq!(Sidecar::load(&rescued).unwrap().annotations.len(), 1);
    // Later changes go there too.
    t.keys(&["j", "c", "Bob", "Enter"]);
    t.wait_for("C2 A0 P0");
    let start = Instant::now();
    while Sidecar::load(&rescued).unwrap().annotations.len() != 2 {
        assert!(start.elapsed() < Duration::from_secs(5), "not saved there");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(side.join("keep").exists(), "the blocked path is untouched");
    t.keys(&["q"]);
}

#[test]
fn quitting_with_a_failed_save_asks_twice_and_the_journal_keeps_the_work() {
    let dir = setup();
    let side = dir.path().join("memo.txt.kim.gloss.ron");
    let (t, _) = tag_with_saves_failing(dir.path(), &side, "--as kim memo.txt; sleep 20");
    t.keys(&["q"]);
    t.wait_for("press q again");
    t.keys(&["q"]);
    t.wait_for("quit with changes not saved");
    // Next time, with the path free again, the work comes back.
    std::fs::remove_dir_all(&side).unwrap();
    drop(t);
    let t = TMUX.start(dir.path(), "--as kim memo.txt");
    t.wait_for("Recovered 1 unsaved change");
    t.wait_for("✓ saved");
    assert_eq!(Sidecar::load(&side).unwrap().annotations.len(), 1);
    t.keys(&["q"]);
}

#[test]
fn the_journal_moves_to_the_state_folder_when_it_cannot_be_written_beside() {
    let dir = setup();
    let side = dir.path().join("memo.txt.kim.gloss.ron");
    // Both the sidecar's and the journal's names are taken: nothing can be
    // written beside the document.
    block(&dir.path().join(".memo.txt.kim.gloss.journal"));
    let (t, _) = tag_with_saves_failing(dir.path(), &side, "--as kim memo.txt");
    let state = dir.path().join(".state").join("journals");
    let journals: Vec<_> = std::fs::read_dir(&state)
        .expect("journal in the state folder")
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(journals.len(), 1, "{journals:?}");
    // Power cut: the process dies with nothing saved.
    kill("-9", t.pid());
    drop(t);
    std::fs::remove_dir_all(&side).unwrap();
    let t = TMUX.start(dir.path(), "--as kim memo.txt");
    t.wait_for("Recovered 1 unsaved change");
    t.wait_for("✓ saved");
    assert_eq!(Sidecar::load(&side).unwrap().annotations.len(), 1);
    assert!(!journals[0].exists(), "journal removed after the save");
    t.keys(&["q"]);
}
