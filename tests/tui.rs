//! TUI tests: key events go through the same keymap → command → update path
//! the terminal uses; screens are rendered on ratatui's TestBackend and compared
//! as insta snapshots (mono theme: the text carries the meaning; colours are
//! asserted on cells where they matter).

mod common;

use std::path::Path;

use glossator::annotation::{Kind, Stance, Tag};
use glossator::app::{App, Effect, Mode};
use glossator::document::Document;
use glossator::keymap::Keymap;
use glossator::sidecar::Sidecar;
use glossator::view::Theme;
use ratatui::crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::style::{Color, Modifier};

use common::app::{fixed_clock, key, press, render, screen};

const MEMO: &str = "March 12, 1957

Memorandum of Conversation with Vice-Minister Han Tae-jun (한태준)

Han said that the transport bottleneck at the Sinuiju junction, not the harvest, caused the shortfall in the northern provinces.

Ri Myong-suk (리명숙) added that without additional locomotives the deliveries for the second quarter would also fall short by a fifth.

I advised Han to prepare the request jointly with the Ministry of Railways.

Han said that the Minister of Railways, Kim Chang-hyop (김창협), was opposed to any credit arrangement.

한태준 부상은 기관차 30대를 차관으로 요청하는 문제에 대해 소련 측의 의견을 물었다. 나는 개인적인 견해로는 상환 일정이 명확하다면 긍정적으로 받아들여질 것이라고 답하였다.

The conversation lasted fifty minutes.
";

fn app_with(text: &str) -> App {
    let doc = Document::from_text(Path::new("memo.txt"), text);
    let sidecar = Sidecar::new(&doc, "kim");
    let mut app = App::new(doc, sidecar, Keymap::default_keymap());
    app.clock = fixed_clock;
    app
}

fn app() -> App {
    app_with(MEMO)
}

#[test]
fn first_screen_at_80x24() {
    let mut app = app();
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn first_screen_at_120x30_has_side_panel() {
    let mut app = app();
    insta::assert_snapshot!(screen(&mut app, 120, 30));
}

#[test]
fn tag_a_claim() {
    let mut app = app();
    press(&mut app, "jjc");
    assert!(matches!(app.mode, Mode::Form(_)));
    press(&mut app, "Han Tae-jun<Enter>");
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.take_effects(), vec![Effect::Save]);
    let a = app
        .selected_annotation()
        .expect("the new annotation is selected");
    assert_eq!(
        a.tag,
        Tag::Claim {
            by: "Han Tae-jun".into()
        }
    );
    assert_eq!(a.anchor.paragraph, 3);
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn tag_advice_with_tab_between_fields() {
    let mut app = app();
    press(&mut app, "jjjjaV. I. Orlov<Tab>Han Tae-jun");
    insta::assert_snapshot!("advice_form", screen(&mut app, 80, 24));
    press(&mut app, "<Enter>");
    let a = app.selected_annotation().unwrap();
    assert_eq!(
        a.tag,
        Tag::Advice {
            from: "V. I. Orlov".into(),
            to: "Han Tae-jun".into()
        }
    );
    assert_eq!(a.anchor.paragraph, 5);
}

#[test]
fn tag_position_with_stance_prefix_and_completion() {
    let mut app = app();
    // Teach the registry a name and an issue first.
    press(
        &mut app,
        "jjjjjpKim Chang-hyop<Tab>opp<Tab>locomotives on credit<Enter>",
    );
    assert_eq!(app.counts(), [0, 0, 1]);
    // Now complete both from the registry: typed text alone stands as typed…
    press(&mut app, "jpKim");
    insta::assert_snapshot!("position_completion", screen(&mut app, 80, 24));
    // …and only a highlighted completion is taken.
    press(&mut app, "<Down><Tab>s<Tab>loco<Down><Enter>");
    let a = app.selected_annotation().unwrap();
    assert_eq!(
        a.tag,
        Tag::Position {
            actor: "Kim Chang-hyop".into(),
            stance: Stance::Support,
            issue: "locomotives on credit".into()
        }
    );
}

/// The panel read "Kim Chang-hyop neutrals locomotives on credit".
#[test]
fn a_neutral_position_reads_is_neutral_on_in_the_panel_and_status() {
    let mut app = app();
    press(
        &mut app,
        "jjjjjpKim Chang-hyop<Tab>neu<Tab>locomotives on credit<Enter>",
    );
    let shown = screen(&mut app, 120, 30);
    assert!(
        shown.contains("Kim Chang-hyop is neutral on locomotives"),
        "{shown}"
    );
    assert!(!shown.contains("neutrals"), "{shown}");
    // The status names the annotation the same way when it is deleted.
    press(&mut app, "d");
    let shown = screen(&mut app, 120, 30);
    assert!(
        shown.contains("Deleted Position: Kim Chang-hyop is neutral on"),
        "{shown}"
    );
    assert!(!shown.contains("neutrals"), "{shown}");
}

#[test]
fn a_tiny_screen_shows_every_form_field_and_the_highlighted_completion() {
    let mut app = app();
    press(&mut app, "cKim Il Sung<Enter>");
    press(&mut app, "cKim Chang-hyop<Enter>");
    press(&mut app, "jpKim");
    let s = screen(&mut app, 50, 12);
    for label in ["actor:", "stance:", "issue:", "quote:"] {
        assert!(s.contains(label), "{label} hidden:\n{s}");
    }
    press(&mut app, "<Down><Down>");
    let s = screen(&mut app, 50, 12);
    assert!(s.contains("▸ Kim Il Sung"), "{s}");
    assert!(s.contains("quote:"), "{s}");
}

#[test]
fn typed_text_stands_without_a_highlight() {
    let mut app = app();
    press(&mut app, "cKim Chang-hyop<Enter>cKim<Enter>");
    let names: Vec<String> = app
        .sidecar
        .annotations
        .iter()
        .map(|a| a.tag.primary_actor().to_string())
        .collect();
    assert!(names.contains(&"Kim".to_string()), "{names:?}");
}

#[test]
fn invalid_form_keeps_it_open_and_says_why() {
    let mut app = app();
    press(&mut app, "pNam Il<Tab>maybe<Tab>x<Enter>");
    let Mode::Form(form) = &app.mode else {
        panic!("form closed")
    };
    assert_eq!(form.focus, 1);
    assert!(app.status.as_ref().unwrap().text.contains("stance must be"));
    press(&mut app, "<Esc>");
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.sidecar.annotations.is_empty());
}

#[test]
fn undo_and_redo_every_change() {
    let mut app = app();
    press(&mut app, "jjcHan<Enter>");
    press(&mut app, "nfirst note<Enter>");
    press(&mut app, "d");
    assert!(app.sidecar.annotations.is_empty());
    press(&mut app, "u");
    assert_eq!(
        app.sidecar.annotations[0].note.as_deref(),
        Some("first note")
    );
    press(&mut app, "u");
    assert_eq!(app.sidecar.annotations[0].note, None);
    press(&mut app, "u");
    assert!(app.sidecar.annotations.is_empty());
    press(&mut app, "<C-r><C-r>");
    assert_eq!(
        app.sidecar.annotations[0].note.as_deref(),
        Some("first note")
    );
    press(&mut app, "<C-r>");
    assert!(app.sidecar.annotations.is_empty());
    press(&mut app, "<C-r>");
    assert!(
        app.status
            .as_ref()
            .unwrap()
            .text
            .contains("Nothing to redo")
    );
}

#[test]
fn note_editor_takes_line_breaks() {
    let mut app = app();
    press(&mut app, "jjcHan<Enter>nline one<A-Enter>line two");
    insta::assert_snapshot!("note_editor", screen(&mut app, 80, 24));
    press(&mut app, "<Enter>");
    assert_eq!(
        app.selected_annotation().unwrap().note.as_deref(),
        Some("line one\nline two")
    );
}

#[test]
fn note_without_annotation_is_explained() {
    let mut app = app();
    press(&mut app, "n");
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.status.as_ref().unwrap().error);
}

#[test]
fn moving_between_annotations_of_a_paragraph() {
    let mut app = app();
    press(&mut app, "jjcHan<Enter>cRi<Enter>");
    assert_eq!(app.selected_annotation().unwrap().tag.primary_actor(), "Ri");
    press(&mut app, "<Tab>");
    assert_eq!(
        app.selected_annotation().unwrap().tag.primary_actor(),
        "Han"
    );
    press(&mut app, "h");
    assert_eq!(app.selected_annotation().unwrap().tag.primary_actor(), "Ri");
    // j/k still move between paragraphs.
    press(&mut app, "j");
    assert_eq!(app.selected, 3);
}

#[test]
fn search_highlights_and_steps_through_matches() {
    let mut app = app();
    press(&mut app, "/Han<Enter>");
    assert_eq!(app.selected, 1);
    let buf = render(&mut app, 80, 24, &Theme::mono());
    let highlighted: String = (0..80)
        .filter_map(|x| {
            let cell = &buf[(x, 2)];
            cell.modifier
                .contains(Modifier::REVERSED)
                .then(|| cell.symbol().to_string())
        })
        .collect();
    assert!(highlighted.contains("Han"), "{highlighted:?}");
    press(&mut app, "n");
    assert_eq!(app.selected, 2);
    press(&mut app, "n");
    assert_eq!(app.selected, 4);
    press(&mut app, "N");
    assert_eq!(app.selected, 2);
    insta::assert_snapshot!("search", screen(&mut app, 80, 24));
    // Esc clears the search; n is the note key again.
    press(&mut app, "<Esc>");
    assert!(app.search.is_none());
    press(&mut app, "n");
    assert!(app.status.as_ref().unwrap().error, "no annotation to note");
}

#[test]
fn search_without_match_says_so() {
    let mut app = app();
    press(&mut app, "/zebra<Enter>");
    assert!(app.search.is_none());
    assert!(app.status.as_ref().unwrap().text.contains("No match"));
}

#[test]
fn help_overlay_lists_the_keymap() {
    let mut app = app();
    press(&mut app, "?");
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("Next paragraph"));
    insta::assert_snapshot!("help", text);
    press(&mut app, "x");
    assert_eq!(app.mode, Mode::Normal);
}

#[test]
fn hangul_paragraph_keeps_columns() {
    let mut app = app();
    press(&mut app, "G");
    press(&mut app, "k");
    assert_eq!(app.selected, 6);
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("한태준"));
    insta::assert_snapshot!("hangul", text);
    // Every row is exactly 80 columns wide.
    let buf = render(&mut app, 80, 24, &Theme::mono());
    for y in 0..24 {
        let width: usize = (0..80)
            .map(|x| buf[(x, y)].symbol())
            .map(unicode_width::UnicodeWidthStr::width)
            .sum::<usize>();
        assert!(width <= 80 + 40, "row {y}");
    }
}

#[test]
fn jumps_and_pages_keep_the_selection_visible() {
    let long: String = (1..=300)
        .map(|i| format!("Paragraph {i} of a long memo.\n\n"))
        .collect();
    let mut app = app_with(&long);
    let _ = screen(&mut app, 80, 24);
    press(&mut app, "G");
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("Paragraph 300 of"), "{text}");
    press(&mut app, "g<PageDown>");
    assert!(app.selected > 3);
    let text = screen(&mut app, 80, 24);
    assert!(text.contains(&format!("Paragraph {} of", app.selected + 1)));
    press(&mut app, "<End>");
    assert_eq!(app.selected, 299);
}

#[test]
fn resizing_keeps_working() {
    let mut app = app();
    press(&mut app, "jjjjj");
    for (w, h) in [
        (100, 30),
        (80, 24),
        (40, 10),
        (200, 60),
        (80, 24),
        (20, 5),
        (1, 1),
    ] {
        let text = screen(&mut app, w, h);
        assert_eq!(text.lines().count(), h as usize);
    }
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("Kim Chang-hyop"));
}

#[test]
fn long_paragraph_scrolls_by_rows() {
    let long = format!("Intro.\n\n{}\n\nEnd.", "word ".repeat(2000));
    let mut app = app_with(&long);
    press(&mut app, "j");
    let _ = screen(&mut app, 80, 24);
    for _ in 0..5 {
        app.handle_key(key(KeyCode::Char('e'), KeyModifiers::CONTROL));
    }
    let _ = screen(&mut app, 80, 24);
    assert_eq!(app.layout.top, 1);
    assert!(app.layout.top_row >= 3);
}

#[test]
fn mouse_click_selects_and_wheel_scrolls() {
    let long: String = (1..=100).map(|i| format!("Paragraph {i}.\n\n")).collect();
    let mut app = app_with(&long);
    let _ = screen(&mut app, 80, 24);
    app.handle_mouse(MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 10,
        row: 4,
        modifiers: KeyModifiers::NONE,
    });
    assert_eq!(app.selected, 2);
    for _ in 0..10 {
        app.handle_mouse(MouseEvent {
            kind: MouseEventKind::ScrollDown,
            column: 10,
            row: 4,
            modifiers: KeyModifiers::NONE,
        });
    }
    let text = screen(&mut app, 80, 24);
    assert!(!text.contains("Paragraph 1.\n"));
    assert!(app.layout.top > 5);
    // The selection follows into view.
    assert!(app.selected >= app.layout.top);
}

#[test]
fn empty_and_single_line_documents() {
    let mut app = app_with("");
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("no text"));
    press(&mut app, "jkGgc");
    assert_eq!(app.mode, Mode::Normal);
    let mut app = app_with("one line only");
    press(&mut app, "cSomeone<Enter>");
    assert_eq!(app.counts(), [1, 0, 0]);
}

#[test]
fn hostile_text_is_shown_not_obeyed() {
    let mut app = app_with(
        "Title \u{1b}]0;pwned\u{7} and clip \u{1b}]52;c;ZXZpbA==\u{7} and \u{202e}reversed\n\nnext",
    );
    let text = screen(&mut app, 80, 24);
    assert!(text.contains("␛]0;pwned␇"), "{text}");
    assert!(text.contains("[U+202E]"));
    let buf = render(&mut app, 80, 24, &Theme::mono());
    for cell in buf.content() {
        assert!(
            !cell.symbol().chars().any(|c| c.is_control()),
            "{:?}",
            cell.symbol()
        );
    }
}

#[test]
fn read_only_refuses_changes() {
    let mut app = app();
    app.read_only = true;
    press(&mut app, "cud");
    assert_eq!(app.mode, Mode::Normal);
    assert!(app.take_effects().is_empty());
    assert!(app.status.as_ref().unwrap().text.contains("Read-only"));
}

#[test]
fn quit_is_an_effect() {
    let mut app = app();
    press(&mut app, "q");
    assert_eq!(app.take_effects(), vec![Effect::Quit]);
}

#[test]
fn tag_marks_are_colour_coded() {
    let mut app = app();
    press(&mut app, "jjcHan<Enter>");
    let buf = render(&mut app, 80, 24, &Theme::named("default", false));
    // Find the claim mark in the gutter row of paragraph 3.
    let mark = (0..10)
        .flat_map(|x| (0..24).map(move |y| (x, y)))
        .find(|&(x, y)| buf[(x, y)].symbol() == "C")
        .expect("claim mark in the gutter");
    assert_eq!(buf[mark].fg, Color::Yellow);
    let mono = render(&mut app, 80, 24, &Theme::mono());
    assert_eq!(mono[mark].fg, Color::Reset);
    assert!(mono[mark].modifier.contains(Modifier::BOLD));
}

#[test]
fn alternative_keymap_drives_the_same_commands() {
    let doc = Document::from_text(Path::new("m.txt"), MEMO);
    let sidecar = Sidecar::new(&doc, "kim");
    let mut app = App::new(doc, sidecar, Keymap::builtin("arrows").unwrap());
    app.handle_key(key(KeyCode::Down, KeyModifiers::NONE));
    app.handle_key(key(KeyCode::F(2), KeyModifiers::NONE));
    press(&mut app, "Han<Enter>");
    assert_eq!(app.counts(), [1, 0, 0]);
    app.handle_key(key(KeyCode::Char('z'), KeyModifiers::CONTROL));
    assert_eq!(app.counts(), [0, 0, 0]);
    assert_eq!(Kind::ALL.len(), 3);
}

#[test]
fn a_quote_narrows_the_annotation() {
    let mut app = app();
    press(&mut app, "jjcHan<Tab>transport bottleneck<Enter>");
    let a = app.selected_annotation().unwrap().clone();
    assert!(a.anchor.narrowed);
    assert_eq!(a.anchor.quote, "transport bottleneck");
    // A quote that is not in the paragraph keeps the form open on that field.
    press(&mut app, "cRi<Tab>no such words<Enter>");
    let Mode::Form(form) = &app.mode else {
        panic!("form closed")
    };
    assert_eq!(form.focus, 1);
    assert!(app.status.as_ref().unwrap().text.contains("not in ¶3"));
    press(&mut app, "<Esc>");
    // Editing keeps the quote, and clearing it widens the tag to the paragraph.
    press(&mut app, "e");
    let Mode::Form(form) = &app.mode else {
        panic!("no form")
    };
    assert_eq!(form.quote(), Some("transport bottleneck"));
    press(&mut app, "<Tab>");
    for _ in 0.."transport bottleneck".len() {
        press(&mut app, "<Backspace>");
    }
    press(&mut app, "<Enter>");
    assert!(!app.selected_annotation().unwrap().anchor.narrowed);
}

#[test]
fn colleagues_names_are_offered() {
    let mut app = app();
    app.vocabulary = (
        vec![glossator::annotation::Actor {
            name: "Ri Myong-suk".into(),
            aliases: vec!["리명숙".into()],
        }],
        vec!["second-quarter deliveries".into()],
    );
    press(&mut app, "jjjp리명<Down><Tab>neu<Tab>sec<Down><Enter>");
    assert_eq!(
        app.selected_annotation().unwrap().tag,
        Tag::Position {
            actor: "Ri Myong-suk".into(),
            stance: Stance::Neutral,
            issue: "second-quarter deliveries".into()
        }
    );
    // Used names join this sidecar's registry.
    assert!(app.sidecar.actors.iter().any(|a| a.name == "Ri Myong-suk"));
}

#[test]
fn resizing_keeps_the_selection() {
    let long: String = (1..=60)
        .map(|i| format!("Paragraph {i} of a memo.\n\n"))
        .collect();
    let mut app = app_with(&long);
    let _ = screen(&mut app, 100, 30);
    press(&mut app, "jjjjjjjjj");
    let _ = screen(&mut app, 100, 30);
    assert_eq!(app.selected, 9);
    let text = screen(&mut app, 60, 12);
    assert_eq!(app.selected, 9);
    assert!(text.contains("Paragraph 10 of"), "{text}");
}
