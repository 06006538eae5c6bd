//! Selecting words to tag (SPEC §5 "Selection"), highlighted quotes, and the
//! exact occurrence carried through to the sidecar and the JSON export.
//! Keys go through the same keymap → command → update path the terminal uses.

mod common;

use std::path::Path;

use glossator::annotation::{Annotation, Stance, Tag};
use glossator::app::{App, Mode};
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::keymap::Keymap;
use glossator::sidecar::Sidecar;
use glossator::view::Theme;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::style::{Color, Modifier};

use common::app::{Session, fixed_clock, press, render, save_effects, screen, type_text};
use common::cli::{assert_success, gloss};

/// A memo whose second paragraph spans three lines and has "the group" and
/// "the plenum" twice each.
const MEMO: &str = "Memorandum of conversation, 24 July 1956.

Nam Il said the group was ready. He asked for advice
on the plenum. Petrov said the group should wait
until the plenum.

The talk lasted an hour.
";

fn app() -> App {
    let doc = Document::from_text(Path::new("memo.txt"), MEMO);
    let sidecar = Sidecar::new(&doc, "kim");
    let mut app = App::new(doc, sidecar, Keymap::default_keymap());
    app.clock = fixed_clock;
    app
}

fn selected_text(app: &App) -> &str {
    let s = app.selection.expect("a selection");
    let (a, b) = s.range();
    &app.doc.paragraph_text(s.paragraph)[a..b]
}

fn mouse(app: &mut App, kind: MouseEventKind, column: u16, row: u16) {
    app.handle_mouse(MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    });
}

/// Screen cell (column, row) where `needle` starts, on the `nth` row showing it.
fn cell_of(buf: &Buffer, needle: &str, nth: usize) -> (u16, u16) {
    let mut seen = 0;
    for y in 0..buf.area.height {
        let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        if let Some(at) = row.find(needle) {
            if seen == nth {
                // The gutter's marks are one column each; the text is ASCII.
                return (row[..at].chars().count() as u16, y);
            }
            seen += 1;
        }
    }
    panic!("{needle:?} not on screen");
}

#[test]
fn v_and_sentence_motions_then_p_tag_a_sentence_without_retyping_it() {
    let mut app = app();
    press(&mut app, "jv");
    assert_eq!(selected_text(&app), "Nam");
    press(&mut app, "ww");
    assert_eq!(selected_text(&app), "Nam Il said");
    press(&mut app, ")");
    assert_eq!(selected_text(&app), "Nam Il said the group was ready.");
    press(&mut app, ")");
    assert_eq!(
        selected_text(&app),
        "Nam Il said the group was ready. He asked for advice\non the plenum."
    );
    press(&mut app, "(");
    assert_eq!(selected_text(&app), "Nam Il said the group was ready.");
    press(&mut app, "p");
    let Mode::Form(form) = &app.mode else {
        panic!("the tag form opens");
    };
    assert_eq!(form.quote(), Some("Nam Il said the group was ready."));
    type_text(&mut app, "Nam Il\tsup\tunity\n");
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.selection, None, "the selection became the quote");
    let a = app.selected_annotation().unwrap();
    assert_eq!(
        a.tag,
        Tag::Position {
            actor: "Nam Il".into(),
            stance: Stance::Support,
            issue: "unity".into()
        }
    );
    assert!(a.anchor.narrowed);
    assert_eq!(a.anchor.quote, "Nam Il said the group was ready.");
    let r = a.anchor.range.unwrap();
    assert_eq!((r.start, r.end), (0, 32));
}

#[test]
fn o_moves_the_other_end_and_esc_drops_the_selection() {
    let mut app = app();
    press(&mut app, "jv$");
    assert_eq!(selected_text(&app), app.doc.paragraph_text(1));
    press(&mut app, "o)");
    assert_eq!(
        selected_text(&app),
        "He asked for advice\non the plenum. Petrov said the group should wait\nuntil the plenum."
    );
    press(&mut app, "0");
    assert_eq!(selected_text(&app), app.doc.paragraph_text(1));
    // l/h trim by characters; w, b keep words.
    press(&mut app, "o");
    press(&mut app, "h");
    assert!(selected_text(&app).ends_with("the plenum"));
    press(&mut app, "<Esc>");
    assert_eq!(app.selection, None);
    // Without a selection the keys mean what they always did.
    press(&mut app, "l");
    assert_eq!(app.mode, Mode::Normal);
    // Moving to another paragraph drops a selection.
    press(&mut app, "vj");
    assert_eq!(app.selection, None);
    assert_eq!(app.status, None, "the selection's message goes with it");
    assert_eq!(app.selected, 2);
}

#[test]
fn the_selected_second_occurrence_is_the_one_kept_and_exported() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("memo.txt");
    std::fs::write(&path, MEMO).unwrap();
    let mut session = Session::open(&path, "kim");
    let app = &mut session.app;
    // Words 16–17 of ¶2: the end back from the last word, then the start on.
    press(app, "jv$bbbbbo))ww");
    assert_eq!(selected_text(app), "the group");
    let text = app.doc.paragraph_text(1);
    let second = text.rfind("the group").unwrap();
    assert_eq!(app.selection.unwrap().range(), (second, second + 9));
    type_text(app, "cPetrov\n");
    let a = app.selected_annotation().unwrap();
    assert_eq!(
        a.anchor.quote_range(app.doc.paragraph_text(1)),
        Some((second, second + 9))
    );
    save_effects(&mut session.app, &mut session.store);

    let out = gloss()
        .args(["export", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_success(&out);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let e = &json[0];
    assert_eq!(e["text"], "the group");
    let chars_before = MEMO.split("\n\n").nth(1).unwrap()[..second].chars().count();
    assert_eq!(e["quote_start"], chars_before);
    assert_eq!(e["quote_end"], chars_before + 9);
    // ¶2 starts on line 3; the second "the group" is on its second line.
    assert_eq!(e["line_start"], 4);
    assert_eq!(e["line_end"], 4);
    assert_eq!(e["paragraph"], 2);
}

#[test]
fn dragging_the_mouse_over_text_selects_its_words() {
    let mut app = app();
    let buf = render(&mut app, 100, 30, &Theme::mono());
    let (x0, y0) = cell_of(&buf, "Petrov", 0);
    let (x1, y1) = cell_of(&buf, "wait", 0);
    mouse(
        &mut app,
        MouseEventKind::Down(MouseButton::Left),
        x0 + 2,
        y0,
    );
    assert_eq!(app.selection, None, "a press alone selects no words");
    assert_eq!(app.selected, 1);
    mouse(
        &mut app,
        MouseEventKind::Drag(MouseButton::Left),
        x1 + 1,
        y1,
    );
    assert_eq!(selected_text(&app), "Petrov said the group should wait");
    // Dragged backwards onto the previous line: the start moves.
    let (x2, y2) = cell_of(&buf, "for advice", 0);
    let x2 = x2 + 4;
    mouse(&mut app, MouseEventKind::Drag(MouseButton::Left), x2, y2);
    assert_eq!(selected_text(&app), "advice\non the plenum. Petrov");
    mouse(&mut app, MouseEventKind::Up(MouseButton::Left), x2, y2);
    press(&mut app, "c");
    let Mode::Form(form) = &app.mode else {
        panic!("the tag form opens");
    };
    assert_eq!(form.quote(), Some("advice\non the plenum. Petrov"));
}

/// Two narrowed annotations that overlap, and a whole-paragraph one.
fn highlighted() -> App {
    let doc = app().doc.clone();
    let text = doc.paragraph_text(1);
    let span = |q: &str| {
        let s = text.find(q).unwrap();
        (s, s + q.len())
    };
    let (a, b) = span("He asked for advice\non the plenum.");
    let (c, d) = span("on the plenum. Petrov said");
    let mut claim = Annotation::created_at(
        Tag::Claim {
            by: "Nam Il".into(),
        },
        Anchor::narrowed(&doc, 1, a, b).unwrap(),
        fixed_clock(),
    );
    claim.id = "a-claim".into();
    let mut position = Annotation::created_at(
        Tag::Position {
            actor: "Petrov".into(),
            stance: Stance::Oppose,
            issue: "haste".into(),
        },
        Anchor::narrowed(&doc, 1, c, d).unwrap(),
        "2026-11-28T10:00:01.000Z".into(),
    );
    position.id = "b-position".into();
    let whole = Annotation::created_at(
        Tag::Claim { by: "Kim".into() },
        Anchor::whole(&doc, 2),
        fixed_clock(),
    );
    let mut sidecar = Sidecar::new(&doc, "kim");
    sidecar.annotations = vec![claim, position, whole];
    let mut app = App::new(doc, sidecar, Keymap::default_keymap());
    app.clock = fixed_clock;
    press(&mut app, "j");
    app
}

#[test]
fn quotes_are_highlighted_faintly_the_selected_strongly_overlaps_bold() {
    let mut app = highlighted();
    // The claim (created first) is the selected annotation.
    let buf = render(&mut app, 100, 30, &Theme::named("default", false));
    let (x, y) = cell_of(&buf, "He asked", 0);
    let strong = buf[(x, y)].style();
    assert_eq!(strong.bg, Some(Color::Yellow), "selected claim: strong");
    let (x, y) = cell_of(&buf, "Petrov said", 0);
    let faint = buf[(x, y)].style();
    assert_eq!(
        faint.fg,
        Some(Color::Magenta),
        "position: faint, its colour"
    );
    assert!(faint.add_modifier.contains(Modifier::UNDERLINED));
    assert_ne!(faint.bg, Some(Color::Magenta));
    // "on the plenum." is in both: the overlap is bold.
    let (x, y) = cell_of(&buf, "on the plenum. Petrov", 0);
    assert!(buf[(x, y)].style().add_modifier.contains(Modifier::BOLD));
    // Text outside every quote is plain (past "Nam Il": a detected name
    // in the selected paragraph is underlined).
    let (x, y) = cell_of(&buf, "Nam Il said", 0);
    let x = x + "Nam Il ".len() as u16;
    assert!(
        !buf[(x, y)]
            .style()
            .add_modifier
            .contains(Modifier::UNDERLINED)
    );
    // The next annotation becomes the strong one.
    press(&mut app, "l");
    let buf = render(&mut app, 100, 30, &Theme::named("default", false));
    let (x, y) = cell_of(&buf, "Petrov said", 0);
    assert_eq!(buf[(x, y)].style().bg, Some(Color::Magenta));
    let (x, y) = cell_of(&buf, "He asked", 0);
    assert_eq!(buf[(x, y)].style().fg, Some(Color::Yellow));
    assert_eq!(buf[(x, y)].style().bg, Some(Color::Rgb(40, 44, 60)));
}

#[test]
fn without_colour_quotes_are_underlined_and_the_selected_reversed() {
    let mut app = highlighted();
    let buf = render(&mut app, 100, 30, &Theme::named("default", true));
    let style = |needle: &str| {
        let (x, y) = cell_of(&buf, needle, 0);
        buf[(x, y)].style()
    };
    assert!(style("He asked").add_modifier.contains(Modifier::REVERSED));
    assert!(
        style("Petrov said")
            .add_modifier
            .contains(Modifier::UNDERLINED)
    );
    assert!(
        !style("Petrov said")
            .add_modifier
            .contains(Modifier::REVERSED)
    );
    for needle in ["He asked", "Petrov said", "Nam Il"] {
        let s = style(needle);
        for colour in [s.fg, s.bg] {
            assert!(
                matches!(colour, None | Some(Color::Reset)),
                "{needle}: {colour:?}"
            );
        }
    }
    insta::assert_snapshot!(screen(&mut app, 100, 30));
}

#[test]
fn the_panel_shows_the_selected_quote_in_full_with_ellipses_where_it_is_cut() {
    let mut app = highlighted();
    let text = screen(&mut app, 80, 24);
    assert!(
        text.contains("“…He asked for advice on the plenum.…”"),
        "{text}"
    );
    // At the paragraph's start there is no leading ellipsis.
    let mut app = self::app();
    press(&mut app, "jv)c");
    type_text(&mut app, "Nam Il\n");
    let text = screen(&mut app, 80, 24);
    assert!(
        text.contains("“Nam Il said the group was ready.…”"),
        "{text}"
    );
}

#[test]
fn a_selection_is_drawn_reversed_and_in_colour() {
    let mut app = app();
    press(&mut app, "jvww");
    let buf = render(&mut app, 100, 30, &Theme::named("default", false));
    let (x, y) = cell_of(&buf, "Nam Il said", 0);
    assert_eq!(buf[(x + 10, y)].style().bg, Some(Color::LightBlue));
    assert_ne!(buf[(x + 12, y)].style().bg, Some(Color::LightBlue));
    let buf = render(&mut app, 100, 30, &Theme::mono());
    assert!(
        buf[(x, y)]
            .style()
            .add_modifier
            .contains(Modifier::REVERSED)
    );
    insta::assert_snapshot!(screen(&mut app, 100, 30));
}

#[test]
fn a_drag_over_wide_characters_and_tabs_maps_cells_to_the_right_words() {
    let text = "Intro.\n\n남일\t동지는 Petrov에게 말했다. 그룹은 준비되었다.\n";
    let doc = Document::from_text(Path::new("memo.txt"), text);
    let sidecar = Sidecar::new(&doc, "kim");
    let mut app = App::new(doc, sidecar, Keymap::default_keymap());
    let buf = render(&mut app, 100, 30, &Theme::mono());
    // The row as cells: a wide character takes two.
    let row = 2;
    let cells: Vec<&str> = (0..100).map(|x| buf[(x, row)].symbol()).collect();
    let col_of = |needle: &str| {
        let first = needle.chars().next().unwrap().to_string();
        cells.iter().position(|c| *c == first).unwrap() as u16
    };
    let (from, to) = (col_of("동"), col_of("그"));
    mouse(
        &mut app,
        MouseEventKind::Down(MouseButton::Left),
        from + 1,
        row,
    );
    mouse(&mut app, MouseEventKind::Drag(MouseButton::Left), to, row);
    assert_eq!(selected_text(&app), "동지는 Petrov에게 말했다. 그룹은");
    // A press on the tab's blank columns and a drag back to the start.
    let tab = col_of("남") + 5;
    mouse(&mut app, MouseEventKind::Down(MouseButton::Left), tab, row);
    mouse(
        &mut app,
        MouseEventKind::Drag(MouseButton::Left),
        col_of("남"),
        row,
    );
    assert_eq!(selected_text(&app), "남일");
}
