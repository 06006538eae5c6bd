//! Bad and hostile input against the real binary: every case gives a clear
//! one-line error (file and position) or is shown safely; nothing panics,
//! nothing is overwritten, and no byte a terminal would interpret reaches it.
//!
//! The TUI cases run `gloss` in tmux on a private socket (tmux must be
//! installed; `.ci/run` installs it).

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use glossator::annotation::{Annotation, Tag};
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::sidecar::Sidecar;

use common::tmux::Setup;

fn gloss(dir: &Path) -> Command {
    let mut c = Command::cargo_bin("gloss").unwrap();
    c.current_dir(dir)
        .env("GLOSS_CONFIG_DIR", dir.join(".no-config"))
        .env("GLOSS_STATE_DIR", dir.join(".state"));
    c
}

/// Bytes a terminal would act on: C0 (except LF), DEL, C1, bidi controls.
fn assert_terminal_safe(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for c in text.chars() {
        let bad = (c < ' ' && c != '\n')
            || c == '\u{7f}'
            || ('\u{80}'..='\u{9f}').contains(&c)
            || glossator::document::sanitize::is_bidi_control(c);
        assert!(!bad, "{what}: terminal-active {c:?} in output:\n{text}");
    }
}

/// One problem line on stderr, exit 1, no panic.
fn assert_clean_failure(out: &std::process::Output, must_contain: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!stderr.contains("RUST_BACKTRACE"), "{stderr}");
    for m in must_contain {
        assert!(stderr.contains(m), "expected {m:?} in: {stderr}");
    }
    assert_terminal_safe("stderr", &out.stderr);
}

const HOSTILE: &str = "Title \x1b]0;PWNED-TITLE\x07 and clipboard \x1b]52;c;ZXZpbA==\x07 here.\n\nColour \x1b[31mred\x1b[0m, C1 \u{9b}2J, bell \x07, bidi \u{202e}txet desrever\u{202c}, DEL \x7f.\n\nPlain closing paragraph.\n";

fn hostile_sidecar(dir: &Path, doc_name: &str) -> Sidecar {
    let doc = Document::open(&dir.join(doc_name)).unwrap();
    let mut s = Sidecar::new(&doc, "kim");
    let mut a = Annotation::new(
        Tag::Claim {
            by: "Evil \x1b]0;ACTOR-TITLE\x07 \u{202e}rotca".into(),
        },
        Anchor::whole(&doc, 0),
    );
    a.note = Some("note \x1b]52;c;bm90ZQ==\x07 \x1b[2J end".into());
    s.annotations.push(a);
    s
}

#[test]
fn non_utf8_and_binary_documents_are_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("latin1.txt"), b"caf\xe9 au lait\n").unwrap();
    std::fs::write(dir.path().join("binary.dat"), b"PK\x03\x04\x00\x00rest").unwrap();
    let out = gloss(dir.path()).arg("latin1.txt").output().unwrap();
    assert_clean_failure(&out, &["latin1.txt", "offset 3"]);
    let out = gloss(dir.path()).arg("binary.dat").output().unwrap();
    assert_clean_failure(&out, &["binary.dat", "binary", "offset 4"]);
    std::fs::write(dir.path().join("latin1.txt.kim.gloss.ron"), b"(version: 1)").unwrap();
    let out = gloss(dir.path())
        .args(["check", "latin1.txt"])
        .output()
        .unwrap();
    assert_clean_failure(&out, &["latin1.txt", "offset 3"]);
}

#[test]
fn broken_sidecars_are_reported_with_positions_and_never_changed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("memo.txt"), "One.\n\nTwo.\n").unwrap();
    let side = dir.path().join("memo.txt.kim.gloss.ron");
    let deep = format!("(version: 1, source: {}", "[".repeat(10_000));
    let cases: Vec<(&str, Vec<u8>, Vec<&str>)> = vec![
        (
            "syntax",
            b"(\n    version: 1,\n    source: (name: \"memo.txt\" size: 3),\n)".to_vec(),
            vec!["memo.txt.kim.gloss.ron:3:"],
        ),
        (
            "newer version",
            b"(version: 99, anything: [])".to_vec(),
            vec!["memo.txt.kim.gloss.ron:1:1", "version 99", "upgrade"],
        ),
        (
            "deep nesting",
            deep.into_bytes(),
            vec!["memo.txt.kim.gloss.ron:1:"],
        ),
        (
            "not UTF-8",
            b"(version: 1, annotator: \"k\xffm\")".to_vec(),
            vec!["memo.txt.kim.gloss.ron:1:", "not UTF-8"],
        ),
        (
            "escape in an error message",
            b"(version: 1, \x1b]0;X\x07)".to_vec(),
            vec!["memo.txt.kim.gloss.ron:1:"],
        ),
    ];
    for (name, bytes, expect) in cases {
        std::fs::write(&side, &bytes).unwrap();
        let out = gloss(dir.path())
            .args(["--as", "kim", "memo.txt"])
            .output()
            .unwrap();
        assert_clean_failure(&out, &expect);
        let out = gloss(dir.path())
            .args(["check", "memo.txt"])
            .output()
            .unwrap();
        assert_clean_failure(&out, &expect);
        let out = gloss(dir.path())
            .args(["export", "memo.txt"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert_terminal_safe(name, &out.stderr);
        assert_eq!(
            std::fs::read(&side).unwrap(),
            bytes,
            "{name}: sidecar changed"
        );
    }
}

#[test]
fn an_oversized_sidecar_is_refused_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("memo.txt"), "One.\n").unwrap();
    let side = dir.path().join("memo.txt.kim.gloss.ron");
    // Sparse: no disk space used, but over the limit.
    let f = std::fs::File::create(&side).unwrap();
    f.set_len(glossator::sidecar::MAX_SIDECAR_BYTES + 1)
        .unwrap();
    let start = Instant::now();
    let out = gloss(dir.path())
        .args(["check", "memo.txt"])
        .output()
        .unwrap();
    assert_clean_failure(&out, &["memo.txt.kim.gloss.ron", "too large"]);
    assert!(start.elapsed() < Duration::from_secs(20));
}

#[test]
fn the_source_field_never_names_a_path_to_open_or_write() {
    let dir = tempfile::tempdir().unwrap();
    let inner = dir.path().join("inner");
    std::fs::create_dir(&inner).unwrap();
    std::fs::write(inner.join("memo.txt"), "One.\n\nTwo.\n").unwrap();
    let doc = Document::open(&inner.join("memo.txt")).unwrap();
    let mut s = Sidecar::new(&doc, "kim");
    s.source.name = "../victim.txt".into();
    s.annotations.push(Annotation::new(
        Tag::Claim { by: "A".into() },
        Anchor::whole(&doc, 1),
    ));
    std::fs::write(inner.join("memo.txt.kim.gloss.ron"), s.to_ron().unwrap()).unwrap();
    for args in [
        vec!["check", "inner/memo.txt"],
        vec!["export", "inner"],
        vec![
            "export",
            "--format",
            "jsonl",
            "inner/memo.txt.kim.gloss.ron",
        ],
    ] {
        let out = gloss(dir.path()).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {out:?}");
    }
    assert!(!dir.path().join("victim.txt").exists());
}

#[test]
fn hostile_text_in_cli_output_is_made_visible() {
    let dir = tempfile::tempdir().unwrap();
    let name = "evil \x1b]0;FILE\x07 name.txt";
    std::fs::write(dir.path().join(name), HOSTILE).unwrap();
    let mut s = hostile_sidecar(dir.path(), name);
    // An orphan, so check prints its quote.
    s.annotations[0].anchor.hash = "gone".into();
    s.annotations[0].anchor.quote = "quote \x1b]52;c;cXVvdGU=\x07 \u{202e}".into();
    s.annotations[0].anchor.prefix = String::new();
    s.annotations[0].anchor.suffix = String::new();
    let side = dir.path().join(format!("{name}.kim.gloss.ron"));
    std::fs::write(&side, s.to_ron().unwrap()).unwrap();
    // The sidecar itself is escaped: `cat` of it is harmless.
    assert_terminal_safe("sidecar file", &std::fs::read(&side).unwrap());
    let out = gloss(dir.path()).args(["check", "."]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_terminal_safe("check stdout", &out.stdout);
    assert_terminal_safe("check stderr", &out.stderr);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("␛]0;FILE␇"), "{stderr}");
    assert!(stderr.contains("[U+202E]"), "{stderr}");
    for format in ["json", "jsonl"] {
        let out = gloss(dir.path())
            .args(["export", "--format", format, "."])
            .output()
            .unwrap();
        assert_terminal_safe(format, &out.stdout);
        assert_terminal_safe(format, &out.stderr);
    }
}

/// gloss runs in a shell that stays (`sleep`) so its exit can be seen; the
/// config folder does not exist; tmux passes clipboard escapes on, so a leak
/// would show in its buffers.
const TMUX: Setup = Setup {
    option: ("set-clipboard", "on"),
    ..Setup::plain("gloss-hostile")
};

#[test]
fn escape_sequences_cannot_set_the_title_or_clipboard_and_the_text_still_shows() {
    let dir = tempfile::tempdir().unwrap();
    let name = "hostile \u{202e}txt.memo";
    std::fs::write(dir.path().join(name), HOSTILE).unwrap();
    // A colleague's sidecar with escapes in actor names and notes, and ours.
    let s = hostile_sidecar(dir.path(), name);
    std::fs::write(
        dir.path().join(format!("{name}.kim.gloss.ron")),
        s.to_ron().unwrap(),
    )
    .unwrap();
    let t = TMUX.start(dir.path(), &format!("--as kim '{name}'"));
    let before = t.title();
    let (screen, _) = t.wait_for_within("¶1/3", Duration::from_secs(10));
    // The document's text shows, its escapes as visible placeholders.
    assert!(
        screen.contains("Title ␛]0;PWNED-TITLE␇ and clipboard"),
        "{screen}"
    );
    assert!(screen.contains("␛]52;c;ZXZpbA==␇"), "{screen}");
    assert!(screen.contains("[U+202E]txet desrever[U+202C]"), "{screen}");
    assert!(screen.contains("[U+009B]2J"), "{screen}");
    assert!(screen.contains("␛[31mred␛[0m"), "{screen}");
    // Actor names and notes from the sidecar too; the file name as well.
    assert!(screen.contains("␛]0;ACTOR-TITLE␇"), "{screen}");
    assert!(screen.contains("hostile [U+202E]txt.memo"), "{screen}");
    // Use it: move, open the note (shows the escaped note), tag, search.
    t.keys(&["n"]);
    let (screen, _) = t.wait_for_within("␛]52;c;bm90ZQ==␇", Duration::from_secs(5));
    assert!(!screen.contains("\x1b"), "{screen}");
    t.keys(&["Escape", "j", "c", "Kim", "Enter"]);
    t.wait_for_within("C2 A0 P0", Duration::from_secs(5));
    t.keys(&["/", "PWNED", "Enter"]);
    t.wait_for_within("paragraph 1 of 1 with matches", Duration::from_secs(5));
    let after = t.title();
    assert!(
        !after.contains("PWNED") && !after.contains("TITLE"),
        "{after}"
    );
    assert_eq!(before, after);
    assert!(
        t.buffers().trim().is_empty(),
        "clipboard written: {}",
        t.buffers()
    );
    t.keys(&["Escape", "q"]);
    t.wait_exit();
}

#[test]
fn a_corrupted_sidecar_stays_byte_for_byte_after_the_tui_is_used() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("memo.txt"), "One.\n\nTwo.\n").unwrap();
    let side = dir.path().join("memo.txt.kim.gloss.ron");
    let broken = b"(\n    version: 1,\n    annotations: [ (id: \"x\", \n".to_vec();
    std::fs::write(&side, &broken).unwrap();
    // Without --read-only: refused with file:line:column, exit 1.
    let out = gloss(dir.path())
        .args(["--as", "kim", "memo.txt"])
        .output()
        .unwrap();
    assert_clean_failure(&out, &["memo.txt.kim.gloss.ron:"]);
    let t = TMUX.start(dir.path(), "--as kim --read-only memo.txt");
    let (screen, _) = t.wait_for_within("read-only", Duration::from_secs(10));
    assert!(screen.contains("memo.txt.kim.gloss.ron:"), "{screen}");
    t.keys(&["j", "c", "k", "d", "u", "W", "G", "q"]);
    t.wait_exit();
    assert_eq!(std::fs::read(&side).unwrap(), broken);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with(".no-config"))
        .collect();
    assert_eq!(names.len(), 2, "nothing else written: {names:?}");
}

#[test]
fn empty_one_line_and_huge_one_line_documents_open_and_quit_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.txt"), "").unwrap();
    std::fs::write(
        dir.path().join("one.txt"),
        "Just one line without a newline",
    )
    .unwrap();
    let mut huge = String::with_capacity(5_300_000);
    let mut i = 0u64;
    while huge.len() < 5_000_000 {
        huge.push_str(&format!("word{} ", i % 9973));
        i += 1;
    }
    std::fs::write(dir.path().join("huge.txt"), &huge).unwrap();
    for (file, expect, find) in [
        ("empty.txt", "¶0/0", ""),
        ("one.txt", "¶1/1", "newline"),
        ("huge.txt", "¶1/1", "word9972"),
    ] {
        let t = TMUX.start(dir.path(), &format!("--as kim {file}"));
        let (_, took) = t.wait_for_within(expect, Duration::from_secs(30));
        eprintln!("{file}: first screen after {took:?}");
        // Move around, tag, scroll, search: nothing hangs.
        t.keys(&["j", "G", "C-e", "C-e", "g"]);
        if file != "empty.txt" {
            t.keys(&["c", "Kim", "Enter"]);
            t.wait_for_within("C1 A0 P0", Duration::from_secs(30));
            t.keys(&["/", find, "Enter"]);
            t.wait_for_within("paragraph 1 of 1 with matches", Duration::from_secs(30));
            t.keys(&["Escape"]);
        }
        let start = Instant::now();
        t.keys(&["q"]);
        t.wait_exit();
        eprintln!("{file}: quit after {:?}", start.elapsed());
    }
}
