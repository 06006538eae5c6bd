//! Concurrent edits with the real binary in tmux: two sessions on one sidecar
//! keep both people's tags, the second session is told about the first, and a
//! change made on disk while a session is idle (git pull) is merged into it.
//!
//! tmux must be installed (`.ci/run` installs it).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use glossator::annotation::{Annotation, Tag};
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::sidecar::Sidecar;

/// A `gloss` session in tmux on its own socket, killed with the server on drop.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn start(dir: &Path, args: &str, extra_env: &[(&str, &str)]) -> Tmux {
        let socket = format!(
            "gloss-conc-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        );
        let config = dir.join(".config-empty");
        std::fs::create_dir_all(&config).unwrap();
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &socket, "-f", "/dev/null", "new-session", "-d"])
            .args(["-x", "100", "-y", "30", "-c"])
            .arg(dir)
            // `exec` so the pane's pid is gloss itself (kill -9 reaches it);
            // a command list keeps a shell around to show what gloss printed.
            .arg(format!(
                "{}{} {args}",
                if args.contains(';') { "" } else { "exec " },
                env!("CARGO_BIN_EXE_gloss")
            ))
            .env("GLOSS_CONFIG_DIR", &config)
            .env("GLOSS_STATE_DIR", dir.join(".state"))
            .env_remove("NO_COLOR");
        for (k, v) in extra_env {
            cmd.env(k, v);
        }
        let status = cmd
            .status()
            .expect("tmux must be installed to run the TUI crash tests");
        assert!(status.success());
        let t = Tmux { socket };
        // A remain-on-exit pane lets us read what a crashed process printed.
        t.tmux(&["set-option", "-g", "remain-on-exit", "on"]);
        t
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", k]);
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    fn screen(&self) -> String {
        self.tmux(&["capture-pane", "-p", "-J"])
    }

    fn wait_for(&self, text: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "timed out waiting for {text:?}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.tmux(&["kill-server"]);
    }
}

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
    let one = Tmux::start(dir.path(), "--as kim memo.txt", &[]);
    one.wait_for("¶1/3");
    let two = Tmux::start(dir.path(), "--as kim memo.txt", &[]);
    two.wait_for("Another gloss session has this sidecar open");
    one.keys(&["c", "Alice", "Enter"]);
    one.wait_for("✓ saved");
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
    let t = Tmux::start(dir.path(), "--as kim memo.txt", &[]);
    t.wait_for("¶1/3");
    t.keys(&["c", "Alice", "Enter"]);
    t.wait_for("✓ saved");
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
    let t = Tmux::start(dir.path(), "--as kim memo.txt", &[]);
    let screen = t.wait_for("¶1/3");
    assert!(!screen.contains("Another gloss session"), "{screen}");
    t.keys(&["c", "Alice", "Enter"]);
    t.wait_for("✓ saved");
}
