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
        screen.contains("Changes kept in the journal .memo.txt.kim.gloss.journal — W writes"),
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
    t.wait_for("Press q again");
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

/// The pid of gloss when the pane runs it from a shell (`gloss …; echo …`).
fn gloss_pid(t: &Tmux) -> i32 {
    let start = Instant::now();
    loop {
        let children = std::fs::read_to_string(format!("/proc/{0}/task/{0}/children", t.pid()))
            .unwrap_or_default();
        if let Some(pid) = children.split_whitespace().next() {
            return pid.parse().unwrap();
        }
        assert!(start.elapsed() < Duration::from_secs(5), "no gloss process");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Tag three claims (two on ¶1, one on ¶2).
fn tag_three(t: &Tmux) {
    t.keys(&[
        "c", "Alice", "Enter", "c", "Bob", "Enter", "j", "c", "Carol", "Enter",
    ]);
    t.wait_for("C3 A0 P0");
}

#[test]
fn the_journal_falls_back_to_tmpdir_and_the_status_names_it() {
    let dir = setup();
    let side = dir.path().join("memo.txt.kim.gloss.ron");
    // Nothing beside the document, in the state folder or in XDG_RUNTIME_DIR
    // can be written (a file where each folder should be); TMPDIR can.
    block(&dir.path().join(".memo.txt.kim.gloss.journal"));
    std::fs::write(dir.path().join("state-file"), b"x").unwrap();
    std::fs::write(dir.path().join("runtime-file"), b"x").unwrap();
    std::fs::create_dir(dir.path().join("tmp")).unwrap();
    let env = [
        ("GLOSS_STATE_DIR", dir.path().join("state-file")),
        ("XDG_RUNTIME_DIR", dir.path().join("runtime-file")),
        ("TMPDIR", dir.path().join("tmp")),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.to_str().unwrap())).collect();
    let t = TMUX.start_with_env(
        dir.path(),
        "--as kim memo.txt; echo \"exit=$?\"; sleep 20",
        &env,
    );
    t.wait_for("¶1/2");
    block(&side);
    tag_three(&t);
    let screen = t.wait_for("NOT SAVED");
    assert!(
        screen.contains("Changes kept in the journal tmp/glossator-"),
        "{screen}"
    );
    let journals = dir.path().join("tmp").join(
        std::fs::read_dir(dir.path().join("tmp"))
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .file_name(),
    );
    assert_eq!(
        std::fs::read_dir(journals.join("journals"))
            .unwrap()
            .count(),
        1
    );
    // The terminal goes away: exit 129, and the work is in the journal.
    kill("-HUP", gloss_pid(&t));
    t.wait_for("exit=129");
    drop(t);
    std::fs::remove_dir_all(&side).unwrap();
    let t = TMUX.start_with_env(dir.path(), "--as kim memo.txt", &env);
    t.wait_for("Recovered 3 unsaved change");
    t.wait_for("✓ saved");
    assert_eq!(Sidecar::load(&side).unwrap().annotations.len(), 3);
    assert_eq!(
        std::fs::read_dir(journals.join("journals"))
            .unwrap()
            .count(),
        0,
        "journal removed after the save"
    );
    t.keys(&["q"]);
}

/// A 64 KiB tmpfs at `path`, unmounted (lazily) on drop; `None` when this
/// machine does not let us mount (not root, or a container without the right).
struct SmallDisk(std::path::PathBuf);

impl SmallDisk {
    fn mount(path: &Path) -> Option<SmallDisk> {
        std::fs::create_dir_all(path).unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
            .arg(path)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| SmallDisk(path.to_path_buf()))
    }

    /// Write zeros until the disk is full.
    fn fill(&self) {
        use std::io::Write;
        let mut f = std::fs::File::create(self.0.join("fill")).unwrap();
        while f.write_all(&[0; 4096]).and_then(|()| f.sync_all()).is_ok() {}
    }

    fn free(&self) {
        std::fs::remove_file(self.0.join("fill")).unwrap();
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(&self.0)
            .status();
    }
}

#[test]
fn a_full_disk_with_home_on_it_keeps_every_annotation_in_a_journal() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full");
    let Some(disk) = SmallDisk::mount(&full) else {
        eprintln!("skipped: cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)");
        return;
    };
    std::fs::write(
        full.join("memo.txt"),
        "Nam Il met Petrov.\n\nPak Chang-ok spoke.\n",
    )
    .unwrap();
    std::fs::create_dir(full.join("home")).unwrap();
    std::fs::create_dir(dir.path().join("tmp")).unwrap();
    disk.fill();
    let home = full.join("home");
    let tmp = dir.path().join("tmp");
    let runtime = full.join("run");
    // The state folder is the one under $HOME (on the full disk), as for a
    // user; XDG_RUNTIME_DIR is on the full disk too; TMPDIR has room.
    let env = [
        ("HOME", home.to_str().unwrap()),
        ("GLOSS_STATE_DIR", ""),
        ("XDG_RUNTIME_DIR", runtime.to_str().unwrap()),
        ("TMPDIR", tmp.to_str().unwrap()),
    ];
    let args = "--as kim full/memo.txt; echo \"exit=$?\"; sleep 20";
    let t = TMUX.start_with_env(dir.path(), args, &env);
    t.wait_for("¶1/2");
    tag_three(&t);
    let screen = t.wait_for("NOT SAVED");
    assert!(
        screen.contains("Changes kept in the journal tmp/glossator-"),
        "{screen}"
    );
    kill("-HUP", gloss_pid(&t));
    t.wait_for("exit=129");
    drop(t);
    // Reopened on the still full disk: all three are back; quitting asks
    // twice and says the journal keeps them.
    let t = TMUX.start_with_env(dir.path(), args, &env);
    t.wait_for("C3 A0 P0");
    t.wait_for("NOT SAVED");
    t.keys(&["q"]);
    let screen = t.wait_for("Press q again");
    assert!(
        screen.contains("Press q again to quit — changes kept in the journal tmp/glossator-"),
        "{screen}"
    );
    t.keys(&["q"]);
    let screen = t.wait_for("exit=1");
    assert!(
        screen.contains("keeps them: reopening the document recovers them"),
        "{screen}"
    );
    drop(t);
    // Room again: reopening saves all three and clears the journal.
    disk.free();
    let t = TMUX.start_with_env(dir.path(), args, &env);
    t.wait_for("Recovered 3 unsaved change");
    t.wait_for("✓ saved");
    let side = full.join("memo.txt.kim.gloss.ron");
    assert_eq!(Sidecar::load(&side).unwrap().annotations.len(), 3);
    t.keys(&["q"]);
    t.wait_for("exit=0");
    let journals = std::fs::read_dir(&tmp)
        .unwrap()
        .map(|e| {
            std::fs::read_dir(e.unwrap().path().join("journals"))
                .unwrap()
                .count()
        })
        .sum::<usize>();
    assert_eq!(journals, 0, "journal removed after the save");
}

#[test]
fn when_nothing_can_be_written_quitting_needs_a_typed_yes_that_names_the_loss() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full");
    let unshare = std::process::Command::new("unshare")
        .args(["-m", "true"])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    let Some(disk) = SmallDisk::mount(&full).filter(|_| unshare) else {
        eprintln!("skipped: cannot mount a tmpfs or unshare the mount namespace here");
        return;
    };
    std::fs::write(
        full.join("memo.txt"),
        "Nam Il met Petrov.\n\nPak Chang-ok spoke.\n",
    )
    .unwrap();
    disk.fill();
    // Every place is on the full disk, and /dev/shm is a full tmpfs in a
    // mount namespace of gloss's own.
    let home = full.join("home");
    let env = [
        ("HOME", home.to_str().unwrap()),
        ("GLOSS_STATE_DIR", ""),
        ("XDG_RUNTIME_DIR", full.to_str().unwrap()),
        ("TMPDIR", full.to_str().unwrap()),
    ];
    let gloss = env!("CARGO_BIN_EXE_gloss");
    let shell = format!(
        "mount -t tmpfs -o size=8k tmpfs /dev/shm && (cat /dev/zero > /dev/shm/fill 2>/dev/null; exec {gloss} --as kim full/memo.txt)"
    );
    let t = TMUX.start_command(
        dir.path(),
        &format!("unshare -m sh -c '{shell}'; echo \"exit=$?\"; sleep 20"),
        &env,
    );
    t.wait_for("¶1/2");
    tag_three(&t);
    let screen = t.wait_for("NOT SAVED");
    assert!(
        screen.contains("Changes only in this session — W writes elsewhere; no journal"),
        "{screen}"
    );
    t.keys(&["q"]);
    let screen = t.wait_for("Quit and lose your changes?");
    assert!(
        screen.contains("3 changed annotation(s) are only in this session: they are LOST"),
        "{screen}"
    );
    // A second q is not a yes.
    t.keys(&["q", "Enter"]);
    t.wait_for("type yes to lose the changes");
    t.keys(&["q"]);
    t.wait_for("Quit and lose your changes?");
    t.keys(&["yes", "Enter"]);
    let screen = t.wait_for("exit=1");
    assert!(screen.contains("3 change(s) lost"), "{screen}");
}
