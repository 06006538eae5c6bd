//! The keystroke budget of issue #12, replayed key by key through the same
//! path the terminal uses (`App::handle_key`: keymap → command → update).
//! Each step is one key; the counts are asserted against the budget.

mod common;

use std::path::Path;

use glossator::annotation::{Actor, Annotation, Stance, Tag};
use glossator::app::{App, Mode};
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::keymap::Keymap;
use glossator::sidecar::Sidecar;

use common::app::{fixed_clock, press, screen};

const MEMO: &str = "Memorandum of conversation, 24 July 1956.

Nam Il told Petrov that Pak Chang-ok would speak out with severe criticism of Kim Il Sung at the plenum. Petrov advised patience.
";

/// A session with known actors and issues, the last tag made on ¶1 (so its
/// issue is the most recent), and ¶2 selected.
fn app() -> App {
    let doc = Document::from_text(Path::new("memo.txt"), MEMO);
    let mut sidecar = Sidecar::new(&doc, "kim");
    for name in [
        "Choe Chang-ik",
        "Kim Il Sung",
        "Nam Il",
        "Pak Chang-ok",
        "Petrov",
    ] {
        sidecar.actors.push(Actor {
            name: name.into(),
            aliases: vec![],
        });
    }
    sidecar.issues = vec!["criticism of Kim Il Sung".into(), "unity".into()];
    sidecar.annotations.push(Annotation::created_at(
        Tag::Position {
            actor: "Pak Chang-ok".into(),
            stance: Stance::Support,
            issue: "criticism of Kim Il Sung".into(),
        },
        Anchor::whole(&doc, 0),
        fixed_clock(),
    ));
    let mut app = App::new(doc, sidecar, Keymap::default_keymap());
    app.clock = fixed_clock;
    press(&mut app, "j");
    app
}

/// Press `keys`, one key each; returns how many were pressed.
fn replay(app: &mut App, keys: &[&str]) -> usize {
    for k in keys {
        press(app, k);
    }
    keys.len()
}

fn last_tag(app: &App) -> Tag {
    app.selected_annotation()
        .expect("a selected annotation")
        .tag
        .clone()
}

#[test]
fn a_position_of_a_known_actor_on_a_known_issue_takes_at_most_8_keys() {
    let mut app = app();
    // The first actor the paragraph names, the last issue tagged.
    let n = replay(&mut app, &["p", "<Tab>", "o", "<Tab>", "<Enter>"]);
    assert_eq!(app.mode, Mode::Normal);
    let want = |actor: &str| Tag::Position {
        actor: actor.into(),
        stance: Stance::Oppose,
        issue: "criticism of Kim Il Sung".into(),
    };
    assert_eq!(last_tag(&app), want("Nam Il"));
    assert_eq!(n, 5);
    // The second actor named: one more key.
    let n = replay(&mut app, &["p", "<Down>", "<Tab>", "o", "<Tab>", "<Enter>"]);
    assert_eq!(last_tag(&app), want("Petrov"));
    assert_eq!(n, 6);
    // A known actor the paragraph does not name: two letters and a pick.
    let n = replay(
        &mut app,
        &["p", "C", "h", "<Down>", "<Tab>", "o", "<Tab>", "<Enter>"],
    );
    assert_eq!(last_tag(&app), want("Choe Chang-ik"));
    assert!(n <= 8, "{n} keys");
    // Or a numbered pick: Alt-3 takes the third candidate (the third actor
    // the paragraph names) and moves on.
    let n = replay(&mut app, &["p", "<A-3>", "o", "<Tab>", "<Enter>"]);
    assert_eq!(last_tag(&app), want("Pak Chang-ok"));
    assert_eq!(n, 5);
}

#[test]
fn narrowing_a_tag_to_the_sentence_under_the_selection_start_takes_at_most_3_more_keys() {
    let mut app = app();
    replay(&mut app, &["p", "<Tab>", "o", "<Tab>", "<Enter>"]);
    let id = app.selected_annotation().unwrap().id.clone();
    let n = replay(&mut app, &["v", ")", "<Enter>"]);
    assert_eq!(n, 3);
    let a = app.selected_annotation().unwrap();
    assert_eq!(a.id, id, "the same annotation, narrowed");
    assert!(a.anchor.narrowed);
    assert_eq!(
        a.anchor.quote,
        "Nam Il told Petrov that Pak Chang-ok would speak out with severe criticism of Kim Il Sung at the plenum."
    );
    assert_eq!(app.selection, None);
    // One undoable change.
    press(&mut app, "u");
    assert!(!app.selected_annotation().unwrap().anchor.narrowed);
}

#[test]
fn a_claim_by_an_actor_named_in_the_paragraph_takes_at_most_4_keys() {
    let mut app = app();
    let n = replay(&mut app, &["c", "<Enter>"]);
    assert_eq!(
        last_tag(&app),
        Tag::Claim {
            by: "Nam Il".into()
        }
    );
    assert_eq!(n, 2);
    let n = replay(&mut app, &["c", "<Down>", "<Enter>"]);
    assert_eq!(
        last_tag(&app),
        Tag::Claim {
            by: "Petrov".into()
        }
    );
    assert_eq!(n, 3);
    let n = replay(&mut app, &["c", "<Down>", "<Down>", "<Enter>"]);
    assert_eq!(
        last_tag(&app),
        Tag::Claim {
            by: "Pak Chang-ok".into()
        }
    );
    assert_eq!(n, 4);
}

#[test]
fn typed_text_stands_and_a_new_name_close_to_a_known_one_is_flagged_then_announced() {
    let mut app = app();
    press(&mut app, "cNam");
    let text = screen(&mut app, 100, 30);
    assert!(text.contains("did you mean 'Nam Il'?"), "{text}");
    press(&mut app, "<Enter>");
    assert_eq!(last_tag(&app), Tag::Claim { by: "Nam".into() });
    let status = app.status.as_ref().unwrap().text.clone();
    assert!(status.contains("New actor 'Nam' — u undoes"), "{status}");
    press(&mut app, "u");
    assert!(app.sidecar.actors.iter().all(|a| a.name != "Nam"));
    // A known name is not announced.
    press(&mut app, "c<Enter>");
    let status = app.status.as_ref().unwrap().text.clone();
    assert!(!status.contains("New actor"), "{status}");
}

#[test]
fn dot_repeats_the_last_tag_on_another_paragraph_or_a_selection() {
    let mut app = app();
    press(&mut app, ".");
    assert!(app.status.as_ref().unwrap().error, "nothing to repeat yet");
    replay(&mut app, &["c", "<Enter>"]);
    let n = replay(&mut app, &["k", "."]);
    assert_eq!(n, 2);
    assert_eq!(app.annotations_on(0).len(), 2);
    assert_eq!(
        last_tag(&app),
        Tag::Claim {
            by: "Nam Il".into()
        }
    );
    // On a selection: narrowed to it.
    press(&mut app, "jv).");
    let a = app.selected_annotation().unwrap();
    assert!(a.anchor.narrowed);
    assert_eq!(
        a.tag,
        Tag::Claim {
            by: "Nam Il".into()
        }
    );
}
