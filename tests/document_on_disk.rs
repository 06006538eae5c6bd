//! The document's file as other programs treat it (issue #9, items 6, 7 and
//! 19): rewritten in place or truncated while gloss shows it, or not a file
//! at all (a device, a pipe). The real binary, in tmux for the TUI.

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use glossator::annotation::{Annotation, Tag};
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::sidecar::Sidecar;

use common::tmux::Setup;

const TMUX: Setup = Setup::remain_on_exit("gloss-disk");

/// A document gloss reads in the background (over 4 MiB) whose multi-byte
/// characters move across paragraph boundaries when it is shifted by a byte.
fn large_text() -> String {
    let mut text = String::new();
    for i in 1..=80_000 {
        text.push_str(&format!(
            "¶{i} 남일 spoke of the armistice, line one.\nAnd a second line {i}.\n\n"
        ));
    }
    text
}

/// Write `bytes` over the start of `path` without truncating it, as
/// `dd conv=notrunc` does (dd itself, as the reproduction did).
fn dd_in_place(dir: &Path, path: &Path, bytes: &[u8]) {
    let source = dir.join("new-contents");
    std::fs::write(&source, bytes).unwrap();
    let status = Command::new("dd")
        .arg(format!("if={}", source.display()))
        .arg(format!("of={}", path.display()))
        .args(["conv=notrunc", "status=none"])
        .status()
        .unwrap();
    assert!(status.success());
    std::fs::remove_file(source).unwrap();
}

/// The pane's exit status once gloss is gone ("" while it runs).
/// The wait status of `pid` once it has exited and not yet been reaped
/// (field 52 of /proc/PID/stat, kept for zombies).
fn zombie_exit_status(pid: i32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // Fields after the name start at field 3 (the state).
    (fields.first() == Some(&"Z")).then(|| fields.get(52 - 3)?.parse().ok())?
}

fn dead_status(t: &common::tmux::Tmux) -> String {
    t.tmux(&["display-message", "-p", "#{pane_dead}:#{pane_dead_status}"])
        .trim()
        .to_string()
}

#[test]
fn a_large_document_rewritten_in_place_or_truncated_never_crashes_and_can_be_reopened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.txt");
    let text = large_text();
    std::fs::write(&path, &text).unwrap();
    // kim's claim on ¶3.
    let doc = Document::open(&path).unwrap();
    let mut sidecar = Sidecar::new(&doc, "kim");
    sidecar.annotations.push(Annotation::new(
        Tag::Claim {
            by: "Nam Il".into(),
        },
        Anchor::whole(&doc, 2),
    ));
    std::fs::write(
        dir.path().join("big.txt.kim.gloss.ron"),
        sidecar.to_ron().unwrap(),
    )
    .unwrap();

    let t = TMUX.start(dir.path(), "--as kim big.txt");
    t.wait_for("¶1 남일 spoke");
    // One byte shifted, in place.
    let mut shifted = b"X".to_vec();
    shifted.extend_from_slice(text.as_bytes());
    dd_in_place(dir.path(), &path, &shifted);
    t.keys(&["G"]);
    t.wait_for("big.txt changed on disk — R reopens it");
    // The text shown is the one read: the last paragraph as it was.
    t.wait_for("And a second line 80000.");
    assert_eq!(dead_status(&t), "0:");

    // A new first paragraph, written in place: ¶3 is now ¶4.
    let mut inserted = b"A new opening paragraph.\n\n".to_vec();
    inserted.extend_from_slice(text.as_bytes());
    dd_in_place(dir.path(), &path, &inserted);
    t.keys(&["R"]);
    t.wait_for(": 1 moved, 0 re-an");
    // The selection keeps its paragraph number, found again once indexed.
    t.wait_for("¶80000/80001");
    t.keys(&["g"]);
    let screen = t.wait_for("A new opening paragraph.");
    assert!(!screen.contains("changed on disk"), "{screen}");
    t.keys(&["j", "j", "j"]);
    let screen = t.wait_for("¶4/");
    assert!(screen.contains("Claim by Nam Il"), "{screen}");

    // Truncated under the session (a memory map would fault on the next read).
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(1000)
        .unwrap();
    t.keys(&["G"]);
    t.wait_for("big.txt changed on disk");
    t.wait_for("And a second line 80000.");
    assert_eq!(dead_status(&t), "0:");
    t.keys(&["R"]);
    let screen = t.wait_for("Reopened big.txt");
    assert!(screen.contains("C1 A0 P0"), "{screen}");
    let pid = t.pid();
    t.keys(&["q"]);
    // Exited with status 0: as tmux reports it, or (tmux may take long to
    // reap its pane's process) as the kernel keeps it for the zombie.
    let start = Instant::now();
    loop {
        let status = match dead_status(&t).as_str() {
            "1:0" => Some(0),
            _ => zombie_exit_status(pid),
        };
        if let Some(status) = status {
            assert_eq!(status, 0, "gloss exited with wait status {status}");
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "gloss did not quit"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // The claim is still kim's, on the paragraph it followed.
    let saved = std::fs::read_to_string(dir.path().join("big.txt.kim.gloss.ron")).unwrap();
    assert!(saved.contains("Nam Il"), "{saved}");
}

/// Run `script` (bash, `$GLOSS` is the binary) with the test's own config
/// and state folders, killed after 5 seconds; memory is capped in case an
/// endless input is read after all.
#[cfg(unix)]
fn run_limited(dir: &Path, script: &str) -> (Output, Duration) {
    let start = Instant::now();
    let mut child = Command::new("bash")
        .arg("-c")
        .arg(format!("ulimit -v 1000000; {script}"))
        .current_dir(dir)
        .env("GLOSS", env!("CARGO_BIN_EXE_gloss"))
        .env("GLOSS_CONFIG_DIR", dir.join(".config"))
        .env("GLOSS_STATE_DIR", dir.join(".state"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(5) {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "`{script}` still ran after 5 s; stderr: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let elapsed = start.elapsed();
    (child.wait_with_output().unwrap(), elapsed)
}

/// Entries of `dir` that gloss may have created beside `name`.
#[cfg(unix)]
fn beside(dir: &Path, name: &str) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n != name && n.contains(name) && (n.contains("gloss") || n.contains("lock"))
        })
        .collect()
}

/// Make a named pipe at `path`.
fn mkfifo(path: &Path) {
    let made = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(made.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn endless_inputs_devices_and_fifos_are_refused_at_once_by_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.txt");
    mkfifo(&fifo);
    // A sidecar beside the pipe: the commands that look for sidecars find it.
    let mut f = std::fs::File::create(dir.path().join("fifo.txt.kim.gloss.ron")).unwrap();
    f.write_all(b"").unwrap();
    let inputs = [
        ("/dev/zero", "a character device"),
        ("/dev/null", "a character device"),
        ("fifo.txt", "a pipe (FIFO)"),
        ("<(yes)", "a pipe (FIFO)"),
    ];
    let commands = ["", "review", "check", "export", "agree"];
    for (input, kind) in inputs {
        for command in commands {
            // Process substitution needs the shell: its path is /dev/fd/N.
            let who = if matches!(command, "" | "review") {
                "--as kim"
            } else {
                ""
            };
            let script = format!("\"$GLOSS\" {command} {input} {who}");
            let (out, took) = run_limited(dir.path(), &script);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{script}: {stderr}");
            assert!(
                stderr.contains(&format!("{kind}, not a document")),
                "{script}: {stderr}"
            );
            assert_eq!(stderr.lines().count(), 1, "{script}: {stderr}");
            assert!(took < Duration::from_secs(5), "{script}: {took:?}");
        }
    }
    // A folder check names the pipe a sidecar belongs to, never reading it.
    let (out, _) = run_limited(dir.path(), "\"$GLOSS\" check .");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("fifo.txt: a pipe (FIFO), not a document"),
        "{stderr}"
    );
    // Nothing was created beside them: no lock, no journal, no sidecar.
    assert_eq!(beside(Path::new("/dev"), "null"), Vec::<PathBuf>::new());
    assert_eq!(beside(Path::new("/dev"), "zero"), Vec::<PathBuf>::new());
    let mut left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    left.sort();
    assert_eq!(left, ["fifo.txt", "fifo.txt.kim.gloss.ron"]);

    // A sidecar that is a pipe is refused as well, never read.
    let other = tempfile::tempdir().unwrap();
    std::fs::write(other.path().join("memo.txt"), "One.\n").unwrap();
    let sidecar = other.path().join("memo.txt.kim.gloss.ron");
    mkfifo(&sidecar);
    for script in ["\"$GLOSS\" check memo.txt", "\"$GLOSS\" memo.txt --as kim"] {
        let (out, _) = run_limited(other.path(), script);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{script}: {stderr}");
        assert!(
            stderr.contains("memo.txt.kim.gloss.ron: a pipe (FIFO), not a sidecar"),
            "{script}: {stderr}"
        );
    }
}

/// A bad byte found by the background check (after the first screen) still
/// ends the session with the file and offset, exit 1, whichever document the
/// session showed last.
#[test]
fn a_bad_byte_found_after_the_first_screen_ends_the_session_with_its_offset() {
    let dir = tempfile::tempdir().unwrap();
    let mut bytes = large_text().into_bytes();
    let at = bytes.len() - 100;
    bytes[at] = 0;
    std::fs::write(dir.path().join("big.txt"), &bytes).unwrap();
    // A shell stays to show what gloss printed, and its exit code.
    let setup = Setup {
        then: "echo exit=$?; sleep 60",
        ..TMUX
    };
    let t = setup.start(dir.path(), "--as kim big.txt");
    let screen = t.wait_for("exit=1");
    assert!(
        screen.contains(&format!("big.txt: binary file (NUL byte at offset {at})")),
        "{screen}"
    );
}

/// `gloss export fifo.txt` printed `[]` beside the error: when no path can be
/// read, nothing is exported, neither to standard output nor with `-o`.
#[test]
fn export_of_only_unreadable_paths_prints_no_empty_export() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("fifo.txt");
    mkfifo(&fifo);
    let out_file = dir.path().join("out.json");
    for script in [
        "\"$GLOSS\" export fifo.txt",
        "\"$GLOSS\" export --format csv fifo.txt missing.txt",
        "\"$GLOSS\" export -o out.json fifo.txt",
    ] {
        let (out, _) = run_limited(dir.path(), script);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{script}: {stderr}");
        assert!(
            stderr.contains("a pipe (FIFO), not a document"),
            "{script}: {stderr}"
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "",
            "{script}: {stderr}"
        );
        assert!(!out_file.exists(), "{script}: wrote {}", out_file.display());
    }
}
