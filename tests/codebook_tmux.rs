//! The codebook view in a real terminal: an alias added there is in
//! `gloss.ron` on disk after quitting.

mod common;

use common::tmux::Setup;
use glossator::project::{ActorEntry, Project};

const TMUX: Setup = Setup::plain("gloss-codebook");

#[test]
fn an_alias_added_in_the_codebook_view_is_in_the_project_file_after_quitting() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("memo.txt"),
        "Nam Il met Petrov.\n\nPak Chang-ok spoke.\n",
    )
    .unwrap();
    let mut p = Project::new();
    p.actors.push(ActorEntry::new("Nam Il"));
    std::fs::write(dir.path().join("gloss.ron"), p.to_ron().unwrap()).unwrap();
    let t = TMUX.start(dir.path(), "--as kim memo.txt");
    t.wait_for("¶1/2");
    t.keys(&["K"]);
    t.wait_for("Codebook");
    t.keys(&["a", "Nam Ir", "Enter"]);
    t.wait_for("'Nam Ir' is now an alias of Nam Il");
    t.wait_for("aka Nam Ir");
    // q closes the view, q again quits (Esc then q would reach gloss as Alt-q).
    t.keys(&["q"]);
    t.wait_for("✓ saved");
    t.keys(&["q"]);
    t.wait_exit();
    let on_disk = Project::load(&dir.path().join("gloss.ron")).unwrap();
    assert_eq!(on_disk.actor("Nam Il").unwrap().aliases, ["Nam Ir"]);
}

/// Issue #10: a project-file save that failed only warned, and quitting lost
/// the change silently. Now the status says NOT SAVED, the save is retried,
/// and quitting asks twice while it fails.
#[test]
fn a_failed_project_save_says_not_saved_is_retried_and_quitting_asks_twice() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("memo.txt"),
        "Nam Il met Petrov.\n\nPak Chang-ok spoke.\n",
    )
    .unwrap();
    let file = dir.path().join("gloss.ron");
    let mut p = Project::new();
    p.actors.push(ActorEntry::new("Nam Il"));
    std::fs::write(&file, p.to_ron().unwrap()).unwrap();
    let t = TMUX.start(dir.path(), "--as kim memo.txt");
    t.wait_for("¶1/2");
    // Permissions do not stop root: take the file's name with a folder.
    std::fs::remove_file(&file).unwrap();
    std::fs::create_dir(&file).unwrap();
    std::fs::write(file.join("keep"), b"x").unwrap();
    t.keys(&["K"]);
    t.wait_for("Codebook");
    t.keys(&["a", "Nam Ir", "Enter"]);
    t.wait_for("NOT SAVED");
    t.keys(&["q"]);
    t.keys(&["q"]);
    t.wait_for("Press q again to quit — the project file was NOT SAVED");
    // The path is free again: the retry saves it, and q quits.
    std::fs::remove_dir_all(&file).unwrap();
    t.wait_for("gloss.ron saved");
    t.keys(&["q"]);
    t.wait_exit();
    let on_disk = Project::load(&file).unwrap();
    assert_eq!(on_disk.actor("Nam Il").unwrap().aliases, ["Nam Ir"]);
}
