//! Small things a new user hit (issue 12, item 5): search counts and wraps,
//! transient messages, notes in the panel, the wide-screen panel, the help
//! overlay and the empty-panel hint. Keys go through `App::handle_key`,
//! frames through ratatui's TestBackend.

mod common;

use std::path::Path;

use glossator::app::App;
use glossator::document::Document;
use glossator::keymap::Keymap;
use glossator::sidecar::Sidecar;

use common::app::{fixed_clock, press, screen};

const TEXT: &str = "Kim met Kim, and Kim spoke first.\n\nNothing here.\n\nKim left early.\n";

fn app_with(text: &str) -> App {
    let doc = Document::from_text(Path::new("memo.txt"), text);
    let sidecar = Sidecar::new(&doc, "kim");
    let mut app = App::new(doc, sidecar, Keymap::default_keymap());
    app.clock = fixed_clock;
    app
}

fn status(app: &App) -> String {
    app.status
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default()
}

#[test]
fn search_counts_paragraphs_with_hits_and_says_when_it_wraps() {
    let mut app = app_with(TEXT);
    press(&mut app, "/Kim<Enter>");
    let s = status(&app);
    assert!(
        s.contains("¶1 is paragraph 1 of 2 with matches (3 hits here)"),
        "{s}"
    );
    assert!(!s.contains("wrapped"), "{s}");
    press(&mut app, "n");
    let s = status(&app);
    assert!(
        s.contains("¶3 is paragraph 2 of 2 with matches (1 hit here)"),
        "{s}"
    );
    assert!(!s.contains("wrapped"), "{s}");
    press(&mut app, "n");
    let s = status(&app);
    assert!(s.contains("paragraph 1 of 2"), "{s}");
    assert!(s.contains("wrapped to the start"), "{s}");
    press(&mut app, "N");
    let s = status(&app);
    assert!(s.contains("paragraph 2 of 2"), "{s}");
    assert!(s.contains("wrapped to the end"), "{s}");
}

#[test]
fn cancelled_clears_on_the_next_key() {
    let mut app = app_with(TEXT);
    press(&mut app, "c<Esc>");
    assert_eq!(status(&app), "Cancelled");
    press(&mut app, "j");
    assert_eq!(app.status, None);
    // A message that is not transient stays.
    press(&mut app, "d");
    let warning = status(&app);
    assert!(warning.contains("Nothing to delete"), "{warning}");
    press(&mut app, "k");
    assert_eq!(status(&app), warning);
}

#[test]
fn a_notes_second_line_shows_in_the_panel_at_80x24() {
    let mut app = app_with(TEXT);
    press(&mut app, "cKim<Enter>");
    press(
        &mut app,
        "nFirst line of the note.<A-Enter>Second line of the note.<Enter>",
    );
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("✎ First line of the note."), "{text}");
    assert!(text.contains("Second line of the note."), "{text}");
    // Nothing of the annotation is cut below the note: its date line shows.
    assert!(text.contains("2026-11-28 10:00"), "{text}");
}

#[test]
fn a_note_longer_than_the_panel_shows_says_it_is_cut() {
    let mut app = app_with(TEXT);
    press(&mut app, "cKim<Enter>");
    press(
        &mut app,
        "nline one<A-Enter>line two<A-Enter>line three<A-Enter>line four<A-Enter>line five<A-Enter>line six<Enter>",
    );
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("line four…"), "{text}");
    assert!(!text.contains("line five"), "{text}");
}

#[test]
fn the_help_overlay_clears_everything_beneath_it() {
    let mut app = app_with(TEXT);
    let before = screen(&mut app, 160, 45);
    assert!(before.contains("Kim met Kim"), "{before}");
    press(&mut app, "?");
    let text = screen(&mut app, 160, 45);
    assert!(text.contains("Help"), "{text}");
    assert!(!text.contains("Kim met Kim"), "{text}");
    assert!(!text.contains("memo.txt"), "{text}");
}

#[test]
fn the_empty_panel_hint_does_not_wrap_mid_key() {
    let mut app = app_with(TEXT);
    let text = screen(&mut app, 40, 20);
    let rows: Vec<&str> = text.lines().collect();
    assert!(
        rows.iter()
            .any(|r| r.contains("c claim · a advice · p position")),
        "{text}"
    );
    assert!(rows.iter().any(|r| r.contains("│? help")), "{text}");
    assert!(
        !rows.iter().any(|r| r.trim_end().ends_with("· ?│")),
        "{text}"
    );
}
