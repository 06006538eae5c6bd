//! The real binary in a real terminal (tmux): bursts of keys, bracketed
//! pastes, suspending with Ctrl-Z or SIGTSTP and resuming with `fg`, dying of
//! a fault, and `G` while a large document is still being indexed.
//!
//! tmux must be installed (`.ci/run` installs it).

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use glossator::sidecar::Sidecar;

use common::tmux::{Setup, Tmux, kill};

const TMUX: Setup = Setup::remain_on_exit("gloss-input");

/// A document of `n` short paragraphs.
fn document(dir: &Path, n: usize) -> PathBuf {
    let text: Vec<String> = (1..=n)
        .map(|i| format!("Paragraph {i}: Nam Il met Petrov."))
        .collect();
    let path = dir.join("memo.txt");
    std::fs::write(&path, text.join("\n\n") + "\n").unwrap();
    path
}

fn sidecar_path(dir: &Path) -> PathBuf {
    dir.join("memo.txt.kim.gloss.ron")
}

/// The sidecar once `done` holds for it; fails after `limit`, saying what
/// was on disk and on screen.
fn wait_sidecar(t: &Tmux, dir: &Path, limit: Duration, done: impl Fn(&Sidecar) -> bool) -> Sidecar {
    let start = Instant::now();
    loop {
        if let Ok(s) = Sidecar::load(&sidecar_path(dir))
            && done(&s)
        {
            return s;
        }
        if start.elapsed() > limit {
            let n = Sidecar::load(&sidecar_path(dir)).map(|s| s.annotations.len());
            panic!(
                "timed out; sidecar annotations: {n:?}; screen:\n{}",
                t.screen()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Put `bytes` in a tmux buffer and paste it: `bracketed` as a terminal
/// pastes (markers around it, when the program asked for them), else as raw
/// input, byte for byte, all at once (a burst of keys).
fn paste(t: &Tmux, dir: &Path, bytes: &[u8], bracketed: bool) {
    let file = dir.join(".paste");
    std::fs::write(&file, bytes).unwrap();
    t.tmux(&["load-buffer", "-b", "p", file.to_str().unwrap()]);
    let mut args = vec!["paste-buffer", "-b", "p", "-d", "-r"];
    if bracketed {
        args.push("-p");
    }
    t.tmux(&args);
}

fn still_running(t: &Tmux) -> bool {
    t.tmux(&["display-message", "-p", "#{pane_dead}"]).trim() == "0"
}

/// Regression (issue 9, item 8): crossterm's default reader is edge-triggered
/// and took 1 KiB per read; bytes left behind waited for the next key, so a
/// burst stopped part-way ("114 of 200 claims").
#[test]
fn a_burst_of_2000_keys_saves_every_claim() {
    let dir = tempfile::tempdir().unwrap();
    document(dir.path(), 200);
    let t = TMUX.start(dir.path(), "--as kim memo.txt");
    t.wait_for("¶1/200");
    let burst = "cNam Il-sun\rj".repeat(200);
    assert!(burst.len() >= 2000);
    let start = Instant::now();
    paste(&t, dir.path(), burst.as_bytes(), false);
    let s = wait_sidecar(&t, dir.path(), Duration::from_secs(60), |s| {
        s.annotations.len() == 200
    });
    eprintln!(
        "{} keys: 200 claims saved after {:?}",
        burst.len(),
        start.elapsed()
    );
    let mut paragraphs: Vec<usize> = s.annotations.iter().map(|a| a.anchor.paragraph).collect();
    paragraphs.sort_unstable();
    assert_eq!(paragraphs, (1..=200).collect::<Vec<_>>());
    t.keys(&["q"]);
}

/// Regression (issue 9, item 5): without bracketed paste a pasted line break
/// was Enter and the rest of the paste ran as commands; a 100 KB paste kept
/// 74 characters and took minutes.
#[test]
fn a_100_kb_paste_lands_in_the_note_and_nothing_runs_as_keys() {
    let dir = tempfile::tempdir().unwrap();
    document(dir.path(), 3);
    let t = TMUX.start(dir.path(), "--as kim memo.txt");
    t.wait_for("¶1/3");
    t.keys(&["c", "Nam Il", "Enter"]);
    wait_sidecar(&t, dir.path(), Duration::from_secs(10), |s| {
        s.annotations.len() == 1
    });

    // In the document view a paste is not keys: no delete, no quit, no form.
    paste(&t, dir.path(), b"d\nq\nhe\ncKim\n", true);
    t.wait_for("Paste ignored");
    assert!(still_running(&t));
    t.keys(&["n"]);
    t.wait_for("Note ·");

    let line = "0123456789 abcdefghij d q h e n c u G klmnopqrstuvwxyz ABCDEFGHIJKLMNOPQR\n";
    let text = line.repeat(100 * 1024 / line.len() + 1);
    let start = Instant::now();
    paste(&t, dir.path(), text.as_bytes(), true);
    t.tmux(&["send-keys", "Enter"]);
    let s = wait_sidecar(&t, dir.path(), Duration::from_secs(30), |s| {
        s.annotations.iter().any(|a| a.note.is_some())
    });
    let took = start.elapsed();
    eprintln!("100 KB paste saved in the note after {took:?}");
    assert_eq!(s.annotations.len(), 1, "nothing else was tagged");
    assert_eq!(
        s.annotations[0].note.as_deref(),
        Some(text.trim_end()),
        "every line, line breaks kept"
    );
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert!(still_running(&t));
    t.keys(&["q"]);
}

/// An interactive shell in tmux, with gloss started from it (job control).
fn shell(dir: &Path) -> Tmux {
    shell_with(dir, "")
}

/// As `shell`, with `prefix` (an `env …` command) before gloss.
fn shell_with(dir: &Path, prefix: &str) -> Tmux {
    // `gloss --version` runs first (Setup starts gloss), then the shell.
    let t = Setup {
        then: "PS1='READY$ ' exec bash --norc --noprofile -i",
        ..TMUX
    }
    .start(dir, "--version");
    t.wait_for("READY$");
    let command = format!("{prefix} {} --as kim memo.txt", env!("CARGO_BIN_EXE_gloss"));
    t.tmux(&["send-keys", "-l", &command]);
    t.tmux(&["send-keys", "Enter"]);
    t
}

/// Wait until the pane's foreground program is `name` (gloss, or the shell
/// once gloss is stopped).
fn wait_foreground(t: &Tmux, name: &str) {
    let start = Instant::now();
    while t
        .tmux(&["display-message", "-p", "#{pane_current_command}"])
        .trim()
        != name
    {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{name} not in the foreground:\n{}",
            t.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Regression (issue 9, item 9): Ctrl-Z did nothing; `kill -TSTP` then `fg`
/// left the terminal cooked, echoing keys over the screen.
#[test]
fn ctrl_z_and_sigtstp_suspend_and_fg_resumes_in_raw_mode() {
    let dir = tempfile::tempdir().unwrap();
    document(dir.path(), 5);
    let t = shell(dir.path());
    t.wait_for("¶1/5");
    // Tag, then suspend at once: the save is flushed before the shell is back.
    t.tmux(&[
        "send-keys",
        "c",
        "N",
        "a",
        "m",
        " ",
        "I",
        "l",
        "Enter",
        "C-z",
    ]);
    wait_foreground(&t, "bash");
    let screen = t.wait_for("Stopped");
    assert!(screen.contains("READY$"), "{screen}");
    assert!(
        !screen.contains("¶1/5"),
        "the TUI's screen is gone:\n{screen}"
    );
    let s = Sidecar::load(&sidecar_path(dir.path())).unwrap();
    assert_eq!(s.annotations.len(), 1, "flushed before stopping");

    t.tmux(&["send-keys", "fg", "Enter"]);
    wait_foreground(&t, "gloss");
    t.wait_for("¶1/5");
    // Raw mode: one key, no Enter, moves the selection.
    t.tmux(&["send-keys", "j"]);
    t.wait_for("¶2/5");
    assert!(!t.screen().contains("READY$"), "{}", t.screen());

    // The same from outside: kill -TSTP.
    let children = std::fs::read_to_string(format!("/proc/{0}/task/{0}/children", t.pid()))
        .unwrap_or_default();
    let gloss: i32 = children.split_whitespace().next().unwrap().parse().unwrap();
    kill("-TSTP", gloss);
    wait_foreground(&t, "bash");
    t.tmux(&["send-keys", "fg", "Enter"]);
    wait_foreground(&t, "gloss");
    t.wait_for("¶2/5");
    t.tmux(&["send-keys", "j", "c"]);
    t.tmux(&["send-keys", "-l", "Kim"]);
    t.tmux(&["send-keys", "Enter"]);
    wait_sidecar(&t, dir.path(), Duration::from_secs(10), |s| {
        s.annotations.len() == 2
    });
    t.wait_for("¶3/5");

    // SIGSTOP gives no chance to restore: the shell puts its own modes in
    // place, and SIGCONT (from `fg`) brings raw mode back.
    kill("-STOP", gloss);
    wait_foreground(&t, "bash");
    t.tmux(&["send-keys", "fg", "Enter"]);
    wait_foreground(&t, "gloss");
    t.wait_for("¶3/5");
    t.tmux(&["send-keys", "j"]);
    t.wait_for("¶4/5");
    t.tmux(&["send-keys", "q"]);
    t.wait_for("READY$");
}

/// Without a job-control shell (gloss is the pane's own process) nothing could
/// resume a stopped gloss: Ctrl-Z says so and the session goes on.
#[test]
fn ctrl_z_without_a_shell_to_return_to_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    document(dir.path(), 3);
    let t = TMUX.start(dir.path(), "--as kim memo.txt");
    t.wait_for("¶1/3");
    t.tmux(&["send-keys", "C-z"]);
    t.wait_for("Not suspended");
    t.tmux(&["send-keys", "j"]);
    t.wait_for("¶2/3");
    t.keys(&["q"]);
}

/// Part of issue 9, item 19: the terminal stayed raw after SIGSEGV/SIGBUS.
#[test]
fn a_fault_restores_the_terminal_and_kills_the_process_with_it() {
    let dir = tempfile::tempdir().unwrap();
    document(dir.path(), 3);
    for signal in ["SEGV", "BUS"] {
        let t = TMUX.start(
            dir.path(),
            "--as kim memo.txt; echo \"exit=$? $(stty -a | tr ' ;' '\\n\\n' | grep -x -- '-\\?icanon')\"; sleep 20",
        );
        t.wait_for("¶1/3");
        let children = std::fs::read_to_string(format!("/proc/{0}/task/{0}/children", t.pid()))
            .unwrap_or_default();
        let gloss: i32 = children.split_whitespace().next().unwrap().parse().unwrap();
        kill(&format!("-{signal}"), gloss);
        let code = if signal == "SEGV" { 139 } else { 135 };
        let screen = t.wait_for("exit=");
        assert!(
            screen.contains(&format!("exit={code} icanon")),
            "{signal}: cooked mode again:\n{screen}"
        );
        assert!(!screen.contains("¶1/3"), "{signal}: main screen:\n{screen}");
    }
}

/// A document indexed in the background whose paragraph count gains a digit
/// part-way through indexing: the gutter widens by a column, every paragraph
/// of exactly 47 characters (one row at 100 columns) takes two, and the layout
/// moves a selection that was at the bottom of the screen. Returns its path
/// and its paragraph count.
fn document_that_rewraps(dir: &Path) -> (PathBuf, usize) {
    let mut text = String::new();
    let mut n = 0;
    let mut sparse = |text: &mut String, bytes: usize| {
        while text.len() < bytes {
            n += 1;
            let p = format!("Paragraph {n:07} of the hearing record, as read.");
            text.push_str(&p[..47]);
            text.push_str("\n\n");
        }
    };
    // 6 MiB of 47-character paragraphs: the estimate has 6 digits.
    sparse(&mut text, 6 << 20);
    // 3 MiB of one-letter paragraphs, indexed in the second 4 MiB step (the
    // last comes after it): over a million, 7 digits.
    let mut dense = 0;
    while dense < (3 << 20) / 3 {
        text.push_str("x\n\n");
        dense += 1;
    }
    let mut rest = String::new();
    sparse(&mut rest, 3 << 20);
    text.push_str(&rest);
    let count = text.split("\n\n").filter(|p| !p.trim().is_empty()).count();
    let path = dir.join("large.txt");
    std::fs::write(&path, text).unwrap();
    (path, count)
}

/// Regression (issue 9, item 10): `G` pressed as soon as the first screen of a
/// large document shows reaches the last paragraph once indexing is done, in
/// every one of 100 opens (the library test
/// `g_while_indexing_reaches_the_end_when_the_layout_moves_the_selection`
/// covers the race itself).
#[test]
fn g_at_once_reaches_the_end_in_100_of_100_opens() {
    let dir = tempfile::tempdir().unwrap();
    let (_, count) = document_that_rewraps(dir.path());
    let start = Instant::now();
    let mut stuck = Vec::new();
    let t = TMUX.start(dir.path(), "--read-only --as kim large.txt");
    let command = format!(
        "exec {} --read-only --as kim large.txt",
        env!("CARGO_BIN_EXE_gloss")
    );
    for open in 0..100 {
        if open > 0 {
            // The same pane, a fresh process: a new open of the document.
            t.tmux(&["respawn-pane", "-k", &command]);
        }
        t.wait_for("¶1/");
        t.tmux(&["send-keys", "G"]);
        // The status line's position, not the "Last paragraph" message: that
        // is said only when `G` waited for the index, and a quiet machine
        // indexes this document before the key arrives.
        let want = format!("¶{count}/{count} ");
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = t.screen();
            if screen.contains(&want) {
                break;
            }
            if Instant::now() > deadline {
                stuck.push((open, screen.lines().last().unwrap_or("").to_string()));
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    eprintln!("100 opens in {:?}; stuck: {}", start.elapsed(), stuck.len());
    assert!(stuck.is_empty(), "G never reached the end: {stuck:?}");
}

/// Part of issue 9, item 19: `TERM=dumb` and monochrome terminals got 24-bit
/// colour. Each terminal gets only the colours it has.
#[test]
fn each_terminal_gets_only_the_colours_it_has() {
    let dir = tempfile::tempdir().unwrap();
    document(dir.path(), 3);
    for (term, colours) in [
        ("dumb", false),
        ("vt100", false),
        ("xterm", true),
        ("xterm-256color", true),
    ] {
        let t = shell_with(
            dir.path(),
            &format!("env -u COLORTERM -u NO_COLOR TERM={term}"),
        );
        t.wait_for("¶1/3");
        let screen = t.tmux(&["capture-pane", "-p", "-e"]);
        for (sgr, _) in screen
            .split("\x1b[")
            .skip(1)
            .filter_map(|s| s.split_once('m'))
        {
            let params: Vec<u32> = sgr.split(';').filter_map(|p| p.parse().ok()).collect();
            // 38;2 / 48;2: 24-bit colour, which none of these terminals has.
            assert!(
                !params.windows(2).any(|w| matches!(w, [38 | 48, 2])),
                "{term}: 24-bit colour in SGR {sgr}"
            );
            let colour = params
                .iter()
                .any(|p| matches!(p, 30..=38 | 40..=48 | 90..=97 | 100..=107));
            assert!(colours || !colour, "{term}: colour in SGR {sgr}");
        }
        t.tmux(&["send-keys", "q"]);
    }
}
