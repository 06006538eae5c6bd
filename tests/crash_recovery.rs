//! Crash safety of the real binary: saves interrupted by kill -9 leave the old
//! or the new sidecar, never half of one; kill -9 right after tagging loses
//! nothing (the journal brings the change back); a panic restores the terminal
//! and says where the journal is.
//!
//! The TUI tests drive `gloss` in tmux on a private socket (tmux must be
//! installed; `.ci/run` installs it).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use glossator::sidecar::Sidecar;
use glossator::sidecar::store::write_atomic;

use common::tmux::{Setup, kill};

const WRITER_ENV: &str = "GLOSS_TEST_CHILD_WRITER";

/// Not a test on its own: the child process of
/// `interrupted_saves_leave_the_old_or_the_new_file`, saving in a loop until killed.
#[test]
#[ignore = "helper process, run by interrupted_saves_leave_the_old_or_the_new_file"]
fn child_writer() {
    let Some(path) = std::env::var_os(WRITER_ENV) else {
        return;
    };
    let path = PathBuf::from(path);
    let (a, b) = contents();
    for i in 0.. {
        let bytes = if i % 2 == 0 { &b } else { &a };
        write_atomic(&path, bytes).expect("write");
    }
}

/// Two big, different versions of one file (about 1 MB each, so a kill often
/// lands in the middle of writing one).
fn contents() -> (Vec<u8>, Vec<u8>) {
    let a: Vec<u8> = (0..1_000_000u32).map(|i| b'a' + (i % 26) as u8).collect();
    let b: Vec<u8> = (0..1_100_000u32).map(|i| b'A' + (i % 23) as u8).collect();
    (a, b)
}

#[test]
fn interrupted_saves_leave_the_old_or_the_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("memo.txt.kim.gloss.ron");
    let (a, b) = contents();
    std::fs::write(&path, &a).unwrap();
    let exe = std::env::current_exe().unwrap();
    let (mut saw_a, mut saw_b) = (0, 0);
    for round in 0..30u64 {
        let mut child = Command::new(&exe)
            .args(["--ignored", "--exact", "child_writer", "--test-threads=1"])
            .env(WRITER_ENV, &path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Kill at varied moments: before, during and between writes.
        std::thread::sleep(Duration::from_millis(40 + (round * 53) % 400));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let now = std::fs::read(&path).unwrap();
        if now == a {
            saw_a += 1;
        } else if now == b {
            saw_b += 1;
        } else {
            panic!(
                "round {round}: the file is neither version ({} bytes)",
                now.len()
            );
        }
    }
    assert!(saw_a + saw_b == 30, "{saw_a} + {saw_b}");
    // Temporary files a killed writer could not clean up (none with O_TMPFILE,
    // which atomic-write-file uses on Linux; a few with named temporaries).
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count() - 1;
    eprintln!("30 kills: {saw_a} old, {saw_b} new, {leftovers} temporary file(s) left");
    // The child really wrote (both versions were seen at some point).
    assert!(saw_a > 0 && saw_b > 0, "a {saw_a}, b {saw_b}");
}

const TMUX: Setup = Setup::remain_on_exit("gloss-crash");

fn document(dir: &Path) -> PathBuf {
    let doc = dir.join("memo 1957 한국.txt");
    std::fs::write(
        &doc,
        "Nam Il met Petrov on 24 July.\n\nPak Chang-ok said a group would criticise Kim Il Sung.\n\nThe talk lasted an hour.\n",
    )
    .unwrap();
    doc
}

fn sidecar_of(dir: &Path) -> Sidecar {
    Sidecar::load(&dir.join("memo 1957 한국.txt.kim.gloss.ron")).unwrap()
}

#[test]
fn kill_9_right_after_tagging_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    document(dir.path());
    let t = TMUX.start(dir.path(), "--as kim 'memo 1957 한국.txt'");
    t.wait_for("¶1/3");
    t.keys(&["j", "c", "Pak Chang-ok", "Enter"]);
    // The tag made (the keys read: under load a kill could come before
    // them), but no waiting for the save: kill at once.
    t.wait_for("C1 A0 P0");
    let pid = t.pid();
    kill("-9", pid);
    std::thread::sleep(Duration::from_millis(200));
    drop(t);
    // Reopen: the tag is there (saved in time, or recovered from the journal).
    let t = TMUX.start(dir.path(), "--as kim 'memo 1957 한국.txt'");
    t.wait_for("C1 A0 P0");
    t.wait_for("✓ saved");
    t.keys(&["q"]);
    std::thread::sleep(Duration::from_millis(300));
    let s = sidecar_of(dir.path());
    assert_eq!(s.annotations.len(), 1);
    assert_eq!(s.annotations[0].anchor.paragraph, 2);
    assert!(
        !dir.path()
            .join(".memo 1957 한국.txt.kim.gloss.journal")
            .exists(),
        "the journal is removed after a successful save"
    );
}

#[test]
fn a_journal_left_by_a_crash_is_recovered_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    document(dir.path());
    // A session tags two paragraphs; its sidecar write never happened (the
    // journal is all that reached the disk before the power cut).
    let t = TMUX.start(dir.path(), "--as kim 'memo 1957 한국.txt'");
    t.wait_for("¶1/3");
    t.keys(&["c", "Nam Il", "Enter", "j", "c", "Pak", "Enter"]);
    t.wait_for("C2 A0 P0");
    t.wait_for("✓ saved");
    // Keep the journal the session wrote, as if the rename had not happened.
    let journal = dir.path().join(".memo 1957 한국.txt.kim.gloss.journal");
    let sidecar = dir.path().join("memo 1957 한국.txt.kim.gloss.ron");
    assert!(!journal.exists(), "saved: no journal");
    t.keys(&["j", "c", "Third", "Enter"]);
    t.wait_for("C3 A0 P0");
    let pid = t.pid();
    kill("-9", pid);
    drop(t);
    // Whatever the session managed, put the sidecar back to its two-tag state
    // and write the journal of the third tag: exactly a crash before the save.
    let saved = sidecar_of(dir.path());
    if saved.annotations.len() == 3 && !journal.exists() {
        // The save won the race; rebuild the crash state by hand.
        let third = saved
            .annotations
            .iter()
            .find(|a| a.anchor.paragraph == 3)
            .unwrap()
            .clone();
        let j = glossator::sidecar::journal::Journal::new(&sidecar);
        j.record(vec![glossator::sidecar::journal::Change {
            edit: glossator::sidecar::journal::JournalEdit::Put(Box::new(third)),
            before: None,
        }])
        .unwrap();
    }
    let mut two = saved.clone();
    two.annotations.retain(|a| a.anchor.paragraph != 3);
    std::fs::write(&sidecar, two.to_ron().unwrap()).unwrap();
    assert!(journal.exists());

    let t = TMUX.start(dir.path(), "--as kim 'memo 1957 한국.txt'");
    let screen = t.wait_for("Recovered 1 unsaved change");
    assert!(screen.contains("C3 A0 P0"), "{screen}");
    t.wait_for("✓ saved");
    t.keys(&["q"]);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(sidecar_of(dir.path()).annotations.len(), 3);
    assert!(!journal.exists());
}

#[test]
fn a_panic_restores_the_terminal_and_names_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    document(dir.path());
    let t = TMUX.start_with_env(
        dir.path(),
        "--as kim 'memo 1957 한국.txt'; sleep 20",
        &[("GLOSS_TEST_PANIC_KEY", "1")],
    );
    t.wait_for("¶1/3");
    t.keys(&["c", "Nam Il", "Enter"]);
    t.wait_saved("C1 A0 P0");
    t.keys(&["F11"]);
    let screen = t.wait_for("gloss: internal error");
    // Terminal restored: the TUI's status line is gone, one short message shows.
    assert!(!screen.contains("¶1/3"), "{screen}");
    let message: Vec<&str> = screen.lines().filter(|l| l.contains("gloss:")).collect();
    assert_eq!(message.len(), 1, "{screen}");
    assert!(
        message[0].contains("every change had been saved") || message[0].contains("journal"),
        "{screen}"
    );
    assert!(!screen.contains("RUST_BACKTRACE"), "{screen}");
    assert_eq!(sidecar_of(dir.path()).annotations.len(), 1);
}

#[test]
fn a_lost_connection_sighup_flushes_the_save() {
    let dir = tempfile::tempdir().unwrap();
    document(dir.path());
    let t = TMUX.start(dir.path(), "--as kim 'memo 1957 한국.txt'");
    t.wait_for("¶1/3");
    t.keys(&["j", "j", "c", "Petrov", "Enter"]);
    let pid = t.pid();
    // Closing the terminal (like a dropped SSH session) sends SIGHUP.
    drop(t);
    let start = Instant::now();
    while std::path::Path::new(&format!("/proc/{pid}")).exists() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "gloss still runs"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // A terminal that vanished may leave gloss unable to finish its loop (it
    // then exits from a watchdog): the change is in the sidecar or in the
    // journal, and reopening shows it, saved, with no stale-lock notice.
    let t = TMUX.start(dir.path(), "--as kim 'memo 1957 한국.txt'");
    let screen = t.wait_for("C1 A0 P0");
    assert!(!screen.contains("Another gloss session"), "{screen}");
    t.wait_for("✓ saved");
    t.keys(&["q"]);
    let start = Instant::now();
    while dir
        .path()
        .join(".memo 1957 한국.txt.kim.gloss.journal")
        .exists()
    {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "journal not cleared"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let s = sidecar_of(dir.path());
    assert_eq!(s.annotations.len(), 1);
    assert_eq!(s.annotations[0].anchor.paragraph, 3);
}

#[test]
fn sigterm_flushes_restores_the_terminal_and_exits_143() {
    let dir = tempfile::tempdir().unwrap();
    document(dir.path());
    let t = TMUX.start(
        dir.path(),
        "--as kim 'memo 1957 한국.txt'; echo \"exit=$?\"; sleep 20",
    );
    t.wait_for("¶1/3");
    t.keys(&["c", "Nam Il", "Enter"]);
    // The shell is the pane's process; gloss is its child.
    let children =
        std::fs::read_to_string(format!("/proc/{}/task/{}/children", t.pid(), t.pid())).unwrap();
    let gloss: i32 = children.split_whitespace().next().unwrap().parse().unwrap();
    kill("-TERM", gloss);
    let screen = t.wait_for("exit=143");
    assert!(!screen.contains("¶1/3"), "terminal restored:\n{screen}");
    assert_eq!(sidecar_of(dir.path()).annotations.len(), 1);
}

/// A claim on ¶`paragraph` of the test document, by `by`.
fn claim_on(dir: &Path, paragraph: usize, by: &str) -> glossator::annotation::Annotation {
    let doc = glossator::document::Document::open(&dir.join("memo 1957 한국.txt")).unwrap();
    glossator::annotation::Annotation::new(
        glossator::annotation::Tag::Claim { by: by.into() },
        glossator::document::anchor::Anchor::whole(&doc, paragraph),
    )
}

#[test]
fn the_journal_is_cleared_before_the_save_is_reported() {
    use glossator::sidecar::journal::{Change, Journal, JournalEdit};
    use glossator::sidecar::store::SidecarStore;
    let dir = tempfile::tempdir().unwrap();
    document(dir.path());
    let path = dir.path().join("memo 1957 한국.txt.kim.gloss.ron");
    let journal_file = dir.path().join(".memo 1957 한국.txt.kim.gloss.journal");
    let (store, _) = SidecarStore::open(&path).unwrap();
    let journal = Journal::new(&path);
    let mut saver = glossator::tui::Saver::with_journal(store, Some(journal.clone()));
    let doc = glossator::document::Document::open(&dir.path().join("memo 1957 한국.txt")).unwrap();
    let mut sidecar = Sidecar::new(&doc, "kim");
    let a = claim_on(dir.path(), 0, "Nam Il");
    sidecar.annotations.push(a.clone());
    let seq = journal
        .record(vec![Change {
            edit: JournalEdit::Put(Box::new(a)),
            before: None,
        }])
        .unwrap();
    assert!(journal_file.exists());
    saver.request(sidecar, seq);
    // The event loop learns of the save a turn later (up to 200 ms): a kill
    // -9 then must not find a journal of changes already saved.
    let results = saver.flush(Duration::from_secs(10));
    assert_eq!(results.len(), 1);
    assert!(results[0].outcome.is_ok());
    assert!(
        !journal_file.exists(),
        "the journal outlived its save until the event loop's next turn"
    );
    assert_eq!(journal.pending(), 0);
}

#[test]
fn a_stale_journal_never_overwrites_a_newer_sidecar_on_reopen() {
    use glossator::sidecar::journal::{Change, Journal, JournalEdit};
    let dir = tempfile::tempdir().unwrap();
    document(dir.path());
    let sidecar_path = dir.path().join("memo 1957 한국.txt.kim.gloss.ron");
    let journal_file = dir.path().join(".memo 1957 한국.txt.kim.gloss.journal");
    // The session: a claim on ¶1 edited (a note added) and saved, but killed
    // before the journal of that edit was removed.
    let doc = glossator::document::Document::open(&dir.path().join("memo 1957 한국.txt")).unwrap();
    let original = claim_on(dir.path(), 0, "Nam Il");
    let mut ours = original.clone();
    ours.note = Some("my old note".into());
    let journal = Journal::new(&sidecar_path);
    journal
        .record(vec![Change {
            edit: JournalEdit::Put(Box::new(ours.clone())),
            before: Some(Box::new(original.clone())),
        }])
        .unwrap();
    drop(journal);
    assert!(journal_file.exists());
    // Then `git pull` brings a newer version of the sidecar: the note changed
    // again, and a colleague's claim on ¶3.
    let mut newer = ours.clone();
    newer.note = Some("the newer note from git".into());
    let theirs = claim_on(dir.path(), 2, "Petrov");
    let mut pulled = Sidecar::new(&doc, "kim");
    pulled.annotations = vec![newer.clone(), theirs.clone()];
    pulled.normalise();
    std::fs::write(&sidecar_path, pulled.to_ron().unwrap()).unwrap();

    let t = TMUX.start(dir.path(), "--as kim 'memo 1957 한국.txt'");
    let screen = t.wait_for("Recovered 1 unsaved change");
    assert!(screen.contains("also changed on disk"), "{screen}");
    t.wait_for("✓ saved");
    t.keys(&["q"]);
    let start = Instant::now();
    while journal_file.exists() {
        assert!(start.elapsed() < Duration::from_secs(5), "journal kept");
        std::thread::sleep(Duration::from_millis(50));
    }
    let s = sidecar_of(dir.path());
    let find = |id: &str| s.annotations.iter().find(|a| a.id == id);
    assert_eq!(
        find(&ours.id),
        Some(&newer),
        "the newer note was overwritten"
    );
    assert_eq!(find(&theirs.id), Some(&theirs));
    // The journal's version is kept beside it, marked as a conflict to settle.
    let copy = find(&format!("{}~1", ours.id)).expect("the journal's version is kept");
    assert_eq!(copy.note.as_deref(), Some("my old note"));
    assert_eq!(s.annotations.len(), 3);
}
