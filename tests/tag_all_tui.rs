//! Tag all from a search in the annotate view (#14): keys through
//! `App::handle_key`, the preview drawn on TestBackend (insta, mono theme),
//! the annotations written through the sidecar store as the TUI's saver
//! does, and one `u` taking every one of them out again.

mod common;

use glossator::app::{App, Mode};
use glossator::document::Document;
use glossator::keymap::Keymap;
use glossator::sidecar::Sidecar;

use common::app::{fixed_clock, press, screen, type_text};
use common::cli::{SAMPLE, samples};

fn memo_app() -> App {
    let doc = Document::open(&samples().join(SAMPLE)).expect("the sample memo");
    let sidecar = Sidecar::new(&doc, "kim");
    let mut app = App::new(doc, sidecar, Keymap::default_keymap());
    app.clock = fixed_clock;
    app
}

#[test]
fn tag_all_previews_at_80x24_tags_every_matching_paragraph_and_one_undo_removes_them() {
    let mut app = memo_app();
    press(&mut app, "/");
    type_text(&mut app, "ministry of railways\n");
    let matches = app.search.as_ref().expect("a search").matches.clone();
    assert!(
        matches.len() >= 2,
        "the sample names the ministry in several paragraphs"
    );
    press(&mut app, "T");
    insta::assert_snapshot!("tag_all_scope_80x24", screen(&mut app, 80, 24));
    press(&mut app, "c");
    type_text(&mut app, "Han Tae-jun\n");
    assert!(matches!(app.mode, Mode::ConfirmTagAll(_)));
    insta::assert_snapshot!("tag_all_preview_80x24", screen(&mut app, 80, 24));
    press(&mut app, "<Enter>");
    let tagged: Vec<usize> = app
        .sidecar
        .annotations
        .iter()
        .map(|a| a.anchor.paragraph - 1)
        .collect();
    assert_eq!(tagged, matches);
    press(&mut app, "u");
    assert!(
        app.sidecar.annotations.is_empty(),
        "one undo removes them all"
    );
}

#[test]
fn tag_all_words_at_160x45_quotes_each_hit() {
    let mut app = memo_app();
    press(&mut app, "/");
    type_text(&mut app, "ministry of railways\n");
    press(&mut app, "Twp");
    type_text(&mut app, "Ri Myong-suk\tsupport\tlocomotives\n");
    insta::assert_snapshot!("tag_all_words_preview_160x45", screen(&mut app, 160, 45));
    press(&mut app, "<Enter>");
    assert!(app.sidecar.annotations.iter().all(|a| {
        a.anchor.narrowed
            && a.anchor
                .quote
                .to_lowercase()
                .starts_with("ministry of railways")
    }));
}
