//! Review TUI tests: two annotators tag the sample memo through the keys,
//! then one reviews the other. Keys go through `App::handle_key` (keymap →
//! command → update), frames through `prepare_frame` + `view::draw` on
//! ratatui's TestBackend, compared as insta snapshots (mono theme).

mod common;

use std::path::PathBuf;

use glossator::annotation::{Kind, Origin, Stance, Tag};
use glossator::app::App;
use glossator::corpus::Layer;
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::keymap::Keymap;
use glossator::sidecar::Sidecar;
use glossator::view::Theme;
use ratatui::style::Modifier;

use common::app::{fixed_clock, press, render, screen};
use common::cli::{SAMPLE, samples};

/// A clock that moves on a millisecond per call, so annotations made one
/// after another sort in the order they were made (ids are random).
fn ticking_clock() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static TICK: AtomicU64 = AtomicU64::new(0);
    let n = TICK.fetch_add(1, Ordering::Relaxed);
    format!(
        "2026-11-28T09:{:02}:{:02}.{:03}Z",
        n / 60_000 % 60,
        n / 1000 % 60,
        n % 1000
    )
}

fn tagging(annotator: &str) -> App {
    let mut app = app_for(Sidecar::new(&memo(), annotator));
    app.clock = ticking_clock;
    app
}

fn memo_path() -> PathBuf {
    samples().join(SAMPLE)
}

fn memo() -> Document {
    Document::open(&memo_path()).unwrap()
}

fn app_for(sidecar: Sidecar) -> App {
    let mut app = App::new(memo(), sidecar, Keymap::default_keymap());
    app.clock = fixed_clock;
    app
}

/// Go to paragraph `n` (1-based) from anywhere.
fn goto(app: &mut App, n: usize) {
    press(app, "g");
    press(app, &"j".repeat(n - 1));
}

/// ana tags the memo: claims on ¶6 and ¶7, a position on ¶10 and ¶7, advice on ¶9.
fn ana() -> Sidecar {
    let mut app = tagging("ana");
    goto(&mut app, 6);
    press(&mut app, "cHan Tae-jun<Enter>");
    goto(&mut app, 7);
    press(&mut app, "cRi Myong-suk<Enter>");
    press(
        &mut app,
        "pRi Myong-suk<Tab>opp<Tab>Railways: bottleneck resolves itself<Enter>",
    );
    goto(&mut app, 9);
    press(&mut app, "aV. I. Orlov<Tab>Han Tae-jun<Enter>");
    goto(&mut app, 10);
    press(
        &mut app,
        "pKim Chang-hyop<Tab>o<Tab>locomotives on credit<Enter>",
    );
    app.sidecar
}

/// ben tags independently: the same claims on ¶6 and ¶7, a claim (not
/// advice) on ¶9, and on ¶10 Kim's position plus Han's, which ana missed.
fn ben() -> Sidecar {
    let mut app = tagging("ben");
    goto(&mut app, 6);
    press(&mut app, "cHan Tae-jun<Enter>");
    goto(&mut app, 7);
    press(&mut app, "cRi Myong-suk<Enter>");
    goto(&mut app, 9);
    press(&mut app, "cV. I. Orlov<Enter>");
    goto(&mut app, 10);
    press(
        &mut app,
        "pKim Chang-hyop<Tab>o<Tab>locomotives on credit<Enter>",
    );
    press(
        &mut app,
        "pHan Tae-jun<Tab>s<Tab>locomotives on credit<Enter>",
    );
    app.sidecar
}

fn layer(annotator: &str, sidecar: Sidecar) -> Layer {
    let path = PathBuf::from(format!(
        "memo-1957-03-12-han-tae-jun.txt.{annotator}.gloss.ron"
    ));
    Layer::new(&memo(), annotator.to_string(), path, sidecar)
}

/// Tab to the entry of `owner` (None: own) tagging `actor`.
fn select(app: &mut App, owner: Option<usize>, actor: &str) {
    for _ in 0..10 {
        if let Some(e) = app.selected_entry()
            && e.owner == owner
            && e.annotation.tag.primary_actor() == actor
        {
            return;
        }
        press(app, "<Tab>");
    }
    panic!("no entry of {owner:?} for {actor}");
}

/// ana reviews ben's sidecar.
fn ana_reviews_ben() -> App {
    let mut app = app_for(ana());
    app.start_review(vec![layer("ben", ben())], true);
    app
}

fn status_line(app: &mut App) -> String {
    screen(app, 120, 40)
        .lines()
        .last()
        .unwrap_or("")
        .to_string()
}

#[test]
fn two_annotators_side_by_side_at_80x24() {
    let mut app = ana_reviews_ben();
    goto(&mut app, 6);
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn two_annotators_side_by_side_at_120x40() {
    let mut app = ana_reviews_ben();
    goto(&mut app, 6);
    let text = screen(&mut app, 120, 40);
    assert!(text.contains("ana (you) · ben — 3 disagreements"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn disagreements_are_found_and_navigated() {
    let mut app = ana_reviews_ben();
    let review = app.review.as_ref().unwrap();
    // ¶7: ana's position only; ¶9: advice vs claim; ¶10: Han's position.
    assert_eq!(review.comparison.paragraphs(), vec![6, 8, 9]);
    assert_eq!(review.comparison.kinds_on(8), [true, true, false]);
    press(&mut app, "g]");
    assert_eq!(app.selected, 6);
    assert!(status_line(&mut app).contains("Disagreement 1 of 3 (¶7): position"));
    press(&mut app, "]]");
    assert_eq!(app.selected, 9);
    press(&mut app, "]");
    assert_eq!(app.selected, 6, "wraps to the first");
    press(&mut app, "[");
    assert_eq!(app.selected, 9, "and back to the last");
    insta::assert_snapshot!(screen(&mut app, 80, 24));
}

#[test]
fn the_disagreement_mark_is_styled() {
    let mut app = ana_reviews_ben();
    goto(&mut app, 9);
    let buf = render(&mut app, 80, 24, &Theme::mono());
    // The ≠ after ¶9's number carries the disagreement style.
    let (x, y) = (0..24u16)
        .flat_map(|y| (2..8u16).map(move |x| (x, y)))
        .find(|&(x, y)| {
            buf[(x, y)].symbol() == "≠"
                && buf[(x - 1, y)].symbol() == "9"
                && buf[(x - 2, y)].symbol() == " "
        })
        .expect("¶9 is on the first screen, marked ≠");
    assert!(buf[(x, y)].modifier.contains(Modifier::UNDERLINED));
}

#[test]
fn adopting_the_missing_position_and_undoing_it() {
    let mut app = ana_reviews_ben();
    press(&mut app, "g");
    goto(&mut app, 10);
    // Entries: ana's Kim, then ben's Kim and Han. Select ben's Han.
    select(&mut app, Some(0), "Han Tae-jun");
    let entry = app.selected_entry().unwrap();
    assert_eq!(entry.owner, Some(0));
    assert_eq!(entry.annotation.tag.primary_actor(), "Han Tae-jun");
    let ben_id = entry.annotation.id.clone();
    // Own commands refuse another annotator's annotation.
    press(&mut app, "d");
    assert!(status_line(&mut app).contains("ben's annotations are read-only"));
    press(&mut app, "A");
    let adopted = app
        .sidecar
        .annotations
        .iter()
        .find(|a| a.origin.is_some())
        .expect("adopted into ana's sidecar")
        .clone();
    assert_eq!(
        adopted.origin,
        Some(Origin {
            annotator: "ben".into(),
            id: ben_id,
            replaced: None,
        })
    );
    assert_eq!(
        adopted.tag,
        Tag::Position {
            actor: "Han Tae-jun".into(),
            stance: Stance::Support,
            issue: "locomotives on credit".into()
        }
    );
    assert_eq!(adopted.anchor, Anchor::whole(&memo(), 9));
    assert_eq!(adopted.created, fixed_clock());
    // The adopted one is selected, and ¶10 is no longer disputed.
    assert_eq!(
        app.selected_annotation().map(|a| a.id.clone()),
        Some(adopted.id.clone())
    );
    assert!(!app.review.as_ref().unwrap().comparison.is_disputed(9));
    assert!(app.take_effects().contains(&glossator::app::Effect::Save));
    insta::assert_snapshot!("after_adopt", screen(&mut app, 80, 24));
    // Adopting it again is refused.
    select(&mut app, Some(0), "Han Tae-jun");
    press(&mut app, "A");
    assert_eq!(app.sidecar.annotations.len(), 6);
    assert!(status_line(&mut app).contains("You already have this"));
    // Undo removes it; redo brings it back.
    press(&mut app, "u");
    assert!(app.sidecar.annotations.iter().all(|a| a.origin.is_none()));
    assert!(app.review.as_ref().unwrap().comparison.is_disputed(9));
    insta::assert_snapshot!("after_undo_adopt", screen(&mut app, 80, 24));
    press(&mut app, "<C-r>");
    assert_eq!(app.sidecar.annotations.len(), 6);
}

fn cem() -> Sidecar {
    let mut app = tagging("cem");
    goto(&mut app, 6);
    press(&mut app, "cHan Tae-jun<Enter>");
    goto(&mut app, 10);
    press(&mut app, "pKim Chang-hyop<Tab>o<Tab>credit<Enter>");
    press(&mut app, "pHan Tae-jun<Tab>s<Tab>credit<Enter>");
    app.sidecar
}

#[test]
fn three_annotators_and_an_adjudicator_adopting_what_all_agree_on() {
    let mut app = app_for(Sidecar::new(&memo(), "judge"));
    app.start_review(
        vec![
            layer("cem", cem()),
            layer("ana", ana()),
            layer("ben", ben()),
        ],
        false,
    );
    goto(&mut app, 10);
    insta::assert_snapshot!("three_annotators", screen(&mut app, 100, 30));
    press(&mut app, "Y");
    // All three agree on: Han's claim on ¶6 and Kim opposing on ¶10 (the
    // issue text is free and not compared).
    let adopted: Vec<(usize, Kind)> = app
        .sidecar
        .annotations
        .iter()
        .map(|a| (a.anchor.paragraph, a.kind()))
        .collect();
    assert_eq!(adopted, vec![(6, Kind::Claim), (10, Kind::Position)]);
    assert!(
        app.sidecar
            .annotations
            .iter()
            .all(|a| a.origin.as_ref().is_some_and(|o| o.annotator == "ana"))
    );
    assert!(status_line(&mut app).contains("Adopted 2 annotation(s)"));
    press(&mut app, "Y");
    assert!(status_line(&mut app).contains("Nothing to adopt"));
    // One undo takes back the whole group.
    press(&mut app, "u");
    assert!(app.sidecar.annotations.is_empty());
}

#[test]
fn agreement_overlay_shows_the_figures() {
    let mut app = ana_reviews_ben();
    press(&mut app, "%");
    let text = screen(&mut app, 80, 24);
    assert!(
        text.contains("Agreement · ana, ben · 14 paragraphs"),
        "{text}"
    );
    insta::assert_snapshot!(text);
    press(&mut app, "x");
    assert_eq!(app.mode, glossator::app::Mode::Normal);
}

#[test]
fn agreement_overlay_leaves_boilerplate_out_of_the_units_as_gloss_agree_does() {
    let mut app = ana_reviews_ben();
    // A project file in a folder of its own (never written: effects are not run).
    let tmp = tempfile::tempdir().unwrap();
    app.project = Some(glossator::app::codebook::ProjectSession::new(
        tmp.path().join("gloss.ron"),
        SAMPLE.into(),
        glossator::project::Project::new(),
        true,
        tmp.path().join("own.gloss.ron"),
    ));
    press(&mut app, "gB");
    assert!(app.is_boilerplate(0));
    press(&mut app, "%");
    let text = screen(&mut app, 80, 24);
    assert!(
        text.contains("Agreement · ana, ben · 13 paragraphs"),
        "{text}"
    );
}

#[test]
fn review_commands_outside_a_review_explain_themselves() {
    let mut app = app_for(Sidecar::new(&memo(), "kim"));
    press(&mut app, "]");
    assert!(status_line(&mut app).contains("Not reviewing"));
    // The help overlay of a plain session does not list review commands.
    press(&mut app, "?");
    assert!(!screen(&mut app, 100, 60).contains("disagree"));
}

#[test]
fn review_help_lists_review_commands() {
    let mut app = ana_reviews_ben();
    press(&mut app, "?");
    let text = screen(&mut app, 100, 60);
    assert!(
        text.contains("Review: adopt the selected annotation"),
        "{text}"
    );
    assert!(text.contains("Review: replace your annotation"), "{text}");
}

#[test]
fn review_panel_lines_fit_any_width() {
    let mut app = stances_apart();
    for width in [8usize, 13, 21, 34, 55, 78, 120] {
        let lines = app.review_lines(width);
        for l in &lines {
            assert!(
                unicode_width::UnicodeWidthStr::width(l.text.as_str()) <= width,
                "{width}: {:?}",
                l.text
            );
        }
        if width < 34 {
            continue; // words longer than a row are split there
        }
        // Every word of the long quote is there, wrapped, none cut.
        let all: String = lines
            .iter()
            .map(|l| l.text.trim())
            .collect::<Vec<_>>()
            .join(" ");
        assert!(all.contains("fall short by a fifth”"), "{width}: {all}");
    }
    // The panel asks for room for all of them below the text at 80 columns.
    press(&mut app, "g");
    goto(&mut app, 7);
    assert_eq!(app.panel_rows(80) as usize, app.review_lines(78).len() + 3);
}

/// ana and ben on ¶7: the same claim narrowed to different quotes, and Ri's
/// position with another stance.
fn stances_apart() -> App {
    let mut ana = tagging("ana");
    goto(&mut ana, 7);
    press(
        &mut ana,
        "cRi Myong-suk<Tab>the planning department did not share the view<Enter>",
    );
    press(
        &mut ana,
        "pRi Myong-suk<Tab>opp<Tab>Railways: bottleneck resolves itself<Enter>",
    );
    press(
        &mut ana,
        "nGuarded wording.<A-Enter>She speaks for the department.<Enter>",
    );
    let mut ben = tagging("ben");
    goto(&mut ben, 7);
    press(
        &mut ben,
        "cRi Myong-suk<Tab>without additional locomotives the deliveries for the second quarter would also fall short by a fifth<Enter>",
    );
    press(
        &mut ben,
        "pRi Myong-suk<Tab>neu<Tab>Railways: bottleneck resolves itself<Enter>",
    );
    let mut app = app_for(ana.sidecar);
    app.start_review(vec![layer("ben", ben.sidecar)], true);
    goto(&mut app, 7);
    app
}

#[test]
fn review_panel_shows_quotes_and_what_differs_at_80x24() {
    let mut app = stances_apart();
    select(&mut app, Some(0), "Ri Myong-suk");
    let text = screen(&mut app, 80, 24);
    assert!(
        text.contains("claim by Ri Myong-suk: different quotes"),
        "{text}"
    );
    insta::assert_snapshot!(text);
    // The stance difference and ben's whole position show once scrolled to it.
    press(&mut app, "<Tab>");
    let text = screen(&mut app, 80, 24);
    assert!(
        text.contains("P Position: Ri Myong-suk is neutral on"),
        "{text}"
    );
    insta::assert_snapshot!("review_panel_scrolled_at_80x24", text);
}

#[test]
fn review_panel_shows_quotes_and_what_differs_at_160x45() {
    let mut app = stances_apart();
    let text = screen(&mut app, 160, 45);
    assert!(text.contains("oppose (ana) vs neutral (ben)"), "{text}");
    assert!(
        text.contains("“the planning department did not share the view”"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn replace_mine_leaves_one_annotation_and_one_undo_restores_both() {
    let mut app = stances_apart();
    let mine = app
        .sidecar
        .annotations
        .iter()
        .find(|a| a.kind() == Kind::Position)
        .unwrap()
        .clone();
    // Select ben's position and replace ana's with it.
    for _ in 0..10 {
        if let Some(e) = app.selected_entry()
            && e.owner == Some(0)
            && e.annotation.kind() == Kind::Position
        {
            break;
        }
        press(&mut app, "<Tab>");
    }
    let theirs = app.selected_entry().unwrap().annotation.clone();
    press(&mut app, "S");
    let positions: Vec<_> = app
        .sidecar
        .annotations
        .iter()
        .filter(|a| a.kind() == Kind::Position)
        .cloned()
        .collect();
    assert_eq!(positions.len(), 1, "{positions:?}");
    let copy = &positions[0];
    assert_eq!(copy.tag, theirs.tag);
    assert_eq!(
        copy.origin,
        Some(Origin {
            annotator: "ben".into(),
            id: theirs.id.clone(),
            replaced: Some(mine.id.clone()),
        })
    );
    assert!(status_line(&mut app).contains("Replaced yours with ben's (u undoes): Position"));
    assert_eq!(app.sidecar.annotations.len(), 2, "the claim stays");
    // One undo brings back ana's own and removes the copy.
    press(&mut app, "u");
    let positions: Vec<_> = app
        .sidecar
        .annotations
        .iter()
        .filter(|a| a.kind() == Kind::Position)
        .collect();
    assert_eq!(positions, vec![&mine]);
    assert!(app.review.as_ref().unwrap().comparison.is_disputed(6));
}

#[test]
fn replace_mine_without_an_annotation_of_the_kind_says_so() {
    let mut app = ana_reviews_ben();
    goto(&mut app, 9);
    select(&mut app, Some(0), "V. I. Orlov");
    press(&mut app, "S");
    assert!(
        status_line(&mut app).contains("You have no claim on ¶9 to replace"),
        "{}",
        status_line(&mut app)
    );
    assert_eq!(app.sidecar.annotations.len(), 5);
}

#[test]
fn origin_without_replaced_still_loads() {
    let old = r#"(annotator: "ben", id: "1a2b")"#;
    let origin: Origin = ron::from_str(old).unwrap();
    assert_eq!(origin.replaced, None);
    let again = ron::to_string(&origin).unwrap();
    assert!(!again.contains("replaced"), "{again}");
}

#[test]
fn stepping_past_the_last_disagreement_says_it_wrapped() {
    let mut app = ana_reviews_ben();
    goto(&mut app, 10);
    press(&mut app, "]");
    assert_eq!(app.selected, 6);
    assert!(
        status_line(&mut app).contains("wrapped to the first disagreement"),
        "{}",
        status_line(&mut app)
    );
    press(&mut app, "[");
    assert!(
        status_line(&mut app).contains("wrapped to the last disagreement"),
        "{}",
        status_line(&mut app)
    );
    press(&mut app, "[");
    assert_eq!(app.selected, 8);
    assert!(!status_line(&mut app).contains("wrapped"));
}
