//! Selecting with keys and with a mouse drag in the real binary, in tmux, and
//! the JSON export giving exactly the selected text.
//!
//! tmux cannot make up mouse events itself (`send-keys -M` only forwards one
//! it received), so the drag is sent as the SGR mouse reports a terminal
//! writes (`ESC [ < button ; column ; row M`), which gloss reads as mouse
//! events from its input like any terminal's. tmux must be installed.

mod common;

use std::time::Duration;

use common::cli::{assert_success, gloss};
use common::tmux::{Setup, Tmux};

// gloss's exit is read from the pane's command (`sleep` follows it): tmux
// can take many seconds to reap a dead pane on a busy machine, so waiting
// for its "Pane is dead" timed out under CI's load.
const TMUX: Setup = Setup::plain("gloss-select");

const MEMO: &str = "Memorandum of conversation, 24 July 1956.

Nam Il said the group was ready. He asked for advice
on the plenum. Petrov said the group should wait
until the plenum.

The talk lasted an hour.
";

/// 0-based (column, row) of the first screen row showing `needle`.
fn find(screen: &str, needle: &str) -> (usize, usize) {
    for (y, line) in screen.lines().enumerate() {
        if let Some(at) = line.find(needle) {
            return (line[..at].chars().count(), y);
        }
    }
    panic!("{needle:?} not on screen:\n{screen}");
}

/// A left-button SGR mouse report at 0-based (column, row): `button` 0 is a
/// press, 32 a drag; `release` ends with `m`.
fn mouse(t: &Tmux, button: u8, (x, y): (usize, usize), release: bool) {
    let report = format!(
        "\x1b[<{button};{};{}{}",
        x + 1,
        y + 1,
        if release { 'm' } else { 'M' }
    );
    t.tmux(&["send-keys", "-l", &report]);
    std::thread::sleep(Duration::from_millis(60));
}

#[test]
fn a_sentence_selected_with_keys_and_words_dragged_with_the_mouse_are_exported_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("memo.txt");
    std::fs::write(&path, MEMO).unwrap();
    let t = TMUX.start(dir.path(), "--as kim memo.txt");
    t.wait_for("¶1/3");
    // A sentence: the paragraph, v, to the end of the sentence, tag it.
    t.keys(&["j", "v", ")"]);
    t.wait_for("Selected 7 words");
    t.keys(&["p", "Nam Il", "Tab", "sup", "Tab", "unity", "Enter"]);
    t.wait_for("C0 A0 P1");
    // Words dragged over with the mouse.
    let screen = t.screen();
    let (x0, y0) = find(&screen, "Petrov said");
    let (x1, y1) = find(&screen, "wait");
    mouse(&t, 0, (x0 + 1, y0), false);
    mouse(&t, 32, (x0 + 8, y0), false);
    mouse(&t, 32, (x1 + 2, y1), false);
    mouse(&t, 0, (x1 + 2, y1), true);
    t.wait_for("Selected 6 words");
    t.keys(&["c", "Petrov", "Enter"]);
    t.wait_for("C1 A0 P1");
    t.keys(&["q"]);
    t.wait_exit();

    let out = gloss()
        .args(["export", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_success(&out);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let texts: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "Nam Il said the group was ready.",
            "Petrov said the group should wait"
        ]
    );
    assert_eq!(json[0]["quote_start"], 0);
    assert_eq!(json[0]["quote_end"], 32);
    assert_eq!(json[0]["kind"], "position");
    assert_eq!(json[1]["line_start"], 4);
    assert_eq!(json[1]["kind"], "claim");
}
