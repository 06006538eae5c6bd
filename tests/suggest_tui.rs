//! Tag suggestions and detected names in the TUI (TestBackend): the panel
//! lists suggestions apart from annotations, the selected one's cue words
//! and the paragraph's names are marked in the text, `y` opens the tag form
//! filled, `D` dismisses (kept in the sidecar, never as an annotation).

mod common;

use std::path::{Path, PathBuf};

use common::app::{Session, press, render, save_effects, screen, type_text};
use glossator::annotation::Tag;
use glossator::view::Theme;
use ratatui::style::Modifier;

/// The Han Tae-jun memo (samples/) copied to a temp folder, without sidecars.
fn memo() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("memo.txt");
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/memo-1957-03-12-han-tae-jun.txt"),
    )
    .unwrap();
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// The row of the screen holding `needle`, and the column it starts at.
fn find(buf: &ratatui::buffer::Buffer, needle: &str) -> Option<(u16, u16)> {
    let area = buf.area;
    for y in 0..area.height {
        let row: Vec<&str> = (0..area.width).map(|x| buf[(x, y)].symbol()).collect();
        let line: String = row.concat();
        if let Some(byte) = line.find(needle) {
            let col = line[..byte].chars().count() as u16;
            return Some((col, y));
        }
    }
    None
}

#[test]
fn suggestions_are_listed_apart_from_annotations_at_100x30() {
    let (_dir, path) = memo();
    let mut s = Session::open(&path, "tester");
    s.app.clock = common::app::fixed_clock;
    s.app.select(8); // ¶9: "I advised Han to prepare the request …"
    let shown = screen(&mut s.app, 100, 30);
    assert!(shown.contains("◆ Advice V. I. Orlov → Han"), "{shown}");
    assert!(shown.contains("advice-advised: “advised”"), "{shown}");
    insta::assert_snapshot!("suggestion_advice_100x30", shown);
}

#[test]
fn names_are_underlined_and_cue_words_marked_in_the_selected_paragraph() {
    let (_dir, path) = memo();
    let mut s = Session::open(&path, "tester");
    s.app.select(8);
    let buf = render(&mut s.app, 100, 30, &Theme::mono());
    // "I advised Han …": "Han" is a detected name, "advised" the cue.
    let (x, y) = find(&buf, "advised Han").expect("¶9 on screen");
    let advised = &buf[(x, y)];
    assert!(advised.modifier.contains(Modifier::BOLD | Modifier::ITALIC));
    assert!(!advised.modifier.contains(Modifier::UNDERLINED));
    let han = &buf[(x + 8, y)];
    assert_eq!(han.symbol(), "H");
    assert!(han.modifier.contains(Modifier::UNDERLINED));
    // Other paragraphs are drawn as before: no names marked there.
    let (x, y) = find(&buf, "Han said that").expect("¶6 on screen");
    assert!(!buf[(x, y)].modifier.contains(Modifier::UNDERLINED));
}

#[test]
fn accepting_a_suggestion_opens_the_tag_form_filled_at_80x24() {
    let (_dir, path) = memo();
    let mut s = Session::open(&path, "tester");
    s.app.clock = common::app::fixed_clock;
    s.app.select(8);
    render(&mut s.app, 80, 24, &Theme::mono());
    press(&mut s.app, "y");
    let shown = screen(&mut s.app, 80, 24);
    insta::assert_snapshot!("suggestion_accepted_form_80x24", shown);
    press(&mut s.app, "<Enter>");
    let tags: Vec<Tag> = s
        .app
        .sidecar
        .annotations
        .iter()
        .map(|a| a.tag.clone())
        .collect();
    let accepted = Tag::Advice {
        from: "V. I. Orlov".into(),
        to: "Han Tae-jun".into(),
    };
    assert_eq!(tags, vec![accepted.clone()]);
    // Accepted: no longer suggested.
    render(&mut s.app, 80, 24, &Theme::mono());
    assert!(s.app.suggestions().iter().all(|x| x.tag() != accepted));
}

#[test]
fn a_dismissed_suggestion_is_remembered_in_the_sidecar_and_never_an_annotation() {
    let (_dir, path) = memo();
    let mut s = Session::open(&path, "tester");
    s.app.select(5); // ¶6: "Han said that …"
    render(&mut s.app, 100, 30, &Theme::mono());
    let before = s.app.suggestions().len();
    assert!(before >= 1);
    let first = s.app.suggestions()[0].tag();
    press(&mut s.app, "D");
    assert_eq!(s.app.suggestions().len(), before - 1);
    assert!(s.app.sidecar.annotations.is_empty());
    assert_eq!(s.app.sidecar.dismissed.len(), 1);
    assert_eq!(s.app.sidecar.dismissed[0].tag, first);
    save_effects(&mut s.app, &mut s.store);
    // A new session on the saved sidecar does not suggest it again.
    let saved = glossator::sidecar::Sidecar::load(&s.sidecar_file).unwrap();
    assert_eq!(saved.dismissed.len(), 1);
    assert!(saved.annotations.is_empty());
    let doc = glossator::document::Document::open(&path).unwrap();
    let mut again =
        glossator::app::App::new(doc, saved, glossator::keymap::Keymap::default_keymap());
    again.select(5);
    render(&mut again, 100, 30, &Theme::mono());
    assert!(again.suggestions().iter().all(|x| x.tag() != first));
    // Undo brings it back.
    press(&mut s.app, "u");
    assert_eq!(s.app.suggestions().len(), before);
    assert!(s.app.sidecar.dismissed.is_empty());
}

#[test]
fn the_tag_form_offers_the_paragraphs_detected_names_first() {
    let (_dir, path) = memo();
    let mut s = Session::open(&path, "tester");
    s.app.select(9); // ¶10: "Han agreed with this. He said that the Minister of Railways, Kim Chang-hyop …"
    render(&mut s.app, 100, 30, &Theme::mono());
    press(&mut s.app, "c");
    let shown = screen(&mut s.app, 100, 30);
    // The first completion (highlighted: Tab takes it) is the paragraph's
    // first name, then the next it names.
    let first = shown
        .lines()
        .find(|l| l.contains('▸'))
        .expect("a highlighted completion");
    assert!(first.contains("▸ Han Tae-jun"), "{shown}");
    let han = shown.find("▸ Han Tae-jun").expect("Han offered");
    let kim = shown[han..].find("Kim Chang-hyop");
    assert!(kim.is_some(), "{shown}");
    insta::assert_snapshot!("claim_form_offers_detected_names_100x30", shown);
}

/// `c` pressed before the paragraph's names were worked out (a quick key
/// after moving): the form takes them in when they arrive, the first
/// highlighted, as if they had been there when it opened.
#[test]
fn a_tag_form_opened_before_detection_finished_offers_the_names_when_they_arrive() {
    let (_dir, path) = memo();
    let mut s = Session::open(&path, "tester");
    s.app.select(9); // ¶10, as above; nothing worked out for it yet
    assert!(s.app.detected_actors(9).is_empty());
    press(&mut s.app, "c");
    let shown = screen(&mut s.app, 100, 30);
    let first = shown
        .lines()
        .find(|l| l.contains('▸'))
        .unwrap_or_else(|| panic!("a highlighted completion:\n{shown}"));
    assert!(first.contains("▸ Han Tae-jun"), "{shown}");
    // Tab takes it, as on a form opened after detection.
    press(&mut s.app, "<Tab>");
    let shown = screen(&mut s.app, 100, 30);
    assert!(shown.contains("by:    Han Tae-jun"), "{shown}");
}

/// A completion picked with Down before the paragraph's names arrived stays
/// picked by its name when they arrive and re-rank the list (its old index
/// would point at another name).
#[test]
fn a_completion_picked_before_detection_finished_stays_picked_when_names_arrive() {
    let (_dir, path) = memo();
    let mut s = Session::open(&path, "tester");
    // Two names the registry knows before ¶10's are worked out.
    s.app.select(0);
    press(&mut s.app, "c");
    type_text(&mut s.app, "Hal Zed\n");
    press(&mut s.app, "c");
    type_text(&mut s.app, "Hana Yo\n");
    s.app.select(9);
    assert!(s.app.detected_actors(9).is_empty());
    press(&mut s.app, "c");
    type_text(&mut s.app, "ha");
    let glossator::app::Mode::Form(form) = &s.app.mode else {
        panic!("the tag form")
    };
    let (registry, issues) = s.app.completion_sources();
    let before = form.candidates(&registry, &issues);
    assert!(
        before.len() >= 2,
        "names with ha before detection: {before:?}"
    );
    press(&mut s.app, "<Down><Down>");
    let picked = before[1].clone();
    let shown = screen(&mut s.app, 100, 30);
    let highlighted = shown
        .lines()
        .find(|l| l.contains('▸'))
        .unwrap_or_else(|| panic!("a highlighted completion:\n{shown}"));
    assert!(highlighted.contains(&format!("▸ {picked}")), "{shown}");
}
