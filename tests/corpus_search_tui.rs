//! The corpus search screen (`/` in the corpus view) on ratatui's
//! TestBackend: a small archive of memoranda in folders is searched for real
//! (background threads), then drawn at 80×24 and 160×45 and compared as insta
//! snapshots (mono theme); colours of the hits are checked on cells.

use std::path::Path;
use std::time::Duration;

use glossator::app::corpus_search::{CorpusSearchScreen, Outcome};
use glossator::keymap::Keymap;
use glossator::view::Theme;
use glossator::view::corpus_search;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Modifier;

/// A few memoranda (own sample text) in two boxes, one in HTML.
fn archive(dir: &Path) {
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write(
        "box-1/memo-1956-07-24.txt",
        "Memorandum of conversation, 24 July 1956.\n\n\
         Pak Chang-ok told Nam Il that the grain deliveries to the northern provinces were late again.\n\n\
         Nam Il said the Ministry would send a report on the grain deliveries.\n",
    );
    write(
        "box-1/memo-1956-08-02.txt",
        "Record of a meeting, 2 August 1956.\n\n\
         The delegation discussed the armistice terms.\n\n\
         Choe Chang-ik asked whether the grain deliveries\nhad been discussed in the Presidium; \
         it was agreed that the grain deliveries would be discussed next week.\n",
    );
    write(
        "box-2/cable-1957-03-12.html",
        "<!doctype html><html><body><h1>Cable</h1>\
         <p>Han Tae-jun reported that the <b>grain deliveries</b> had resumed.</p></body></html>",
    );
    write("box-2/notes.txt", "Nothing about supplies here.\n");
}

fn key(screen: &mut CorpusSearchScreen, code: KeyCode) -> Outcome {
    screen.handle_key(
        KeyEvent::new(code, KeyModifiers::NONE),
        &Keymap::default_keymap(),
    )
}

fn searched(root: &Path, query: &str) -> CorpusSearchScreen {
    let mut screen = CorpusSearchScreen::new(root);
    for c in query.chars() {
        key(&mut screen, KeyCode::Char(c));
    }
    key(&mut screen, KeyCode::Enter);
    screen.finish(Duration::from_secs(20));
    screen
}

fn render(screen: &mut CorpusSearchScreen, width: u16, height: u16, theme: &Theme) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|frame| {
            let area = frame.area();
            corpus_search::prepare(screen, area);
            let cursor = corpus_search::draw(
                frame.buffer_mut(),
                area,
                screen,
                &Keymap::default_keymap(),
                theme,
            );
            if let Some(at) = cursor {
                frame.set_cursor_position(at);
            }
        })
        .expect("draw");
    terminal.backend().buffer().clone()
}

fn text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut skip = 0;
        for x in 0..area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
            out.push_str(sym);
        }
        out.push('\n');
    }
    out
}

#[test]
fn search_results_at_80x24() {
    let dir = tempfile::tempdir().expect("tempdir");
    archive(dir.path());
    let mut screen = searched(dir.path(), "grain deliveries");
    key(&mut screen, KeyCode::Char('j'));
    let buf = render(&mut screen, 80, 24, &Theme::mono());
    insta::assert_snapshot!("search_results_80x24", text(&buf));
}

#[test]
fn search_results_at_160x45() {
    let dir = tempfile::tempdir().expect("tempdir");
    archive(dir.path());
    let mut screen = searched(dir.path(), "grain deliveries");
    let buf = render(&mut screen, 160, 45, &Theme::mono());
    insta::assert_snapshot!("search_results_160x45", text(&buf));
}

#[test]
fn the_prompt_while_typing_at_80x24() {
    let dir = tempfile::tempdir().expect("tempdir");
    archive(dir.path());
    let mut screen = CorpusSearchScreen::new(dir.path());
    for c in "Nam Il".chars() {
        key(&mut screen, KeyCode::Char(c));
    }
    let buf = render(&mut screen, 80, 24, &Theme::mono());
    insta::assert_snapshot!("search_prompt_80x24", text(&buf));
}

#[test]
fn hits_are_highlighted_in_the_matched_style() {
    let dir = tempfile::tempdir().expect("tempdir");
    archive(dir.path());
    let mut screen = searched(dir.path(), "Nam Il");
    let buf = render(&mut screen, 160, 45, &Theme::mono());
    let shown = text(&buf);
    let (y, row) = shown
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("told Nam Il"))
        .expect("the hit's row");
    let x = row
        .chars()
        .collect::<Vec<_>>()
        .windows(6)
        .position(|w| w.iter().collect::<String>() == "Nam Il")
        .expect("the hit");
    for dx in 0..6 {
        let cell = &buf[(x as u16 + dx, y as u16)];
        assert!(
            cell.modifier.contains(Modifier::REVERSED),
            "hit cell {dx} is highlighted"
        );
    }
    assert!(
        !buf[(x as u16 - 2, y as u16)]
            .modifier
            .contains(Modifier::REVERSED)
    );
}

#[test]
fn enter_on_a_result_opens_its_paragraph_and_hands_over_the_trail() {
    let dir = tempfile::tempdir().expect("tempdir");
    archive(dir.path());
    let mut screen = searched(dir.path(), "grain deliveries");
    // memo-1956-07-24 has two hits (¶2, ¶3), memo-1956-08-02 two lines of ¶3,
    // the cable one.
    assert_eq!((screen.matches, screen.documents()), (5, 3));
    key(&mut screen, KeyCode::Char('j'));
    key(&mut screen, KeyCode::Char('j'));
    let Outcome::Open { trail, index } = key(&mut screen, KeyCode::Enter) else {
        panic!("Enter opens the result");
    };
    assert!(trail[index].document.ends_with("box-1/memo-1956-08-02.txt"));
    assert_eq!(trail[index].paragraph, 2);
    assert_eq!(trail[index].highlight.as_deref(), Some("grain deliveries"));
    let places: Vec<usize> = trail.iter().map(|o| o.paragraph).collect();
    assert_eq!(places, [1, 2, 2, 1]);
}
