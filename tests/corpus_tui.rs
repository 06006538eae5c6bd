//! The corpus list (`gloss DIR`) on TestBackend: keys go through
//! `CorpusView::handle_key` (the keymap's corpus section → commands), frames
//! through `prepare_frame` + `view::corpus::draw`, as in the terminal.

mod common;

use std::path::{Path, PathBuf};

use common::app::key;
use glossator::annotation::{Annotation, Stance, Tag};
use glossator::app::corpus::{CorpusEffect, CorpusView};
use glossator::archive::index::CorpusIndex;
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::keymap::Keymap;
use glossator::project::{self, Project, Status};
use glossator::sidecar::Sidecar;
use glossator::view::{self, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

/// Memos: (file, text, stored title, stored date).
const MEMOS: &[(&str, &str, Option<&str>, Option<&str>)] = &[
    (
        "1956/memo-1956-07-24-nam-il.txt",
        "Memorandum of conversation with Nam Il, 24 July 1956\n\nNam Il said the group was ready.\n\nPetrov advised waiting until the plenum.\n",
        None,
        None,
    ),
    (
        "1957/memo-1957-03-12-han.txt",
        "Record of a talk with Han Tae-jun, 12 March 1957\n\nHan asked for locomotives on credit.\n\nThe ambassador promised an answer.\n\nThey parted at noon.\n",
        None,
        None,
    ),
    (
        "1961/fisheries.txt",
        "Fisheries talks\n\nThe delegations met twice.\n",
        Some("어업 회담 기록 (Fisheries talks)"),
        Some("1961-10-02"),
    ),
    (
        "notes/untitled.txt",
        "Loose notes without a date.\n",
        None,
        None,
    ),
];

/// A sidecar by `annotator` with `claims` claims by `by` and `positions`
/// positions of Pak on aid, all on paragraph 1.
fn sidecar(doc: &Path, annotator: &str, by: &str, claims: usize, positions: usize) {
    let d = Document::open(doc).unwrap();
    let mut s = Sidecar::new(&d, annotator);
    for _ in 0..claims {
        s.annotations.push(Annotation::new(
            Tag::Claim { by: by.into() },
            Anchor::whole(&d, 1),
        ));
    }
    for _ in 0..positions {
        s.annotations.push(Annotation::new(
            Tag::Position {
                actor: "Pak Chang-ok".into(),
                stance: Stance::Oppose,
                issue: "aid".into(),
            },
            Anchor::whole(&d, 1),
        ));
    }
    std::fs::write(
        glossator::sidecar::sidecar_path(doc, annotator),
        s.to_ron().unwrap(),
    )
    .unwrap();
}

/// An archive folder named `archive` (the title line shows its name).
fn archive() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("archive");
    let mut p = Project::new();
    let mut pak = project::ActorEntry::new("Pak Chang-ok");
    pak.aliases = vec!["박창옥".into()];
    p.actors.push(pak);
    for (file, text, title, date) in MEMOS {
        let path = root.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        let entry = p.document_mut(file);
        entry.meta.title = title.map(str::to_string);
        entry.meta.date = date.map(|d| d.parse().unwrap());
    }
    p.document_mut("1957/memo-1957-03-12-han.txt").status = Some(Status::Done);
    p.document_mut("1956/memo-1956-07-24-nam-il.txt").status = Some(Status::InProgress);
    std::fs::write(root.join(project::FILE_NAME), p.to_ron().unwrap()).unwrap();
    sidecar(&root.join(MEMOS[0].0), "kim", "Nam Il", 2, 1);
    sidecar(&root.join(MEMOS[0].0), "lee", "Petrov", 1, 0);
    sidecar(&root.join(MEMOS[1].0), "lee", "Han Tae-jun", 3, 0);
    sidecar(&root.join(MEMOS[2].0), "kim", "Kim Il-sung", 0, 2);
    (dir, root)
}

fn view_of(index: CorpusIndex) -> CorpusView {
    CorpusView::new(index, Keymap::default_keymap(), "kim")
}

fn screen(view: &mut CorpusView, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| {
            view.prepare_frame(view::corpus::list_rows(frame.area()));
            view::corpus::draw(frame, view, &Theme::mono());
        })
        .unwrap();
    let buf = terminal.backend().buffer().clone();
    let mut out = String::new();
    for y in 0..height {
        let mut skip = 0;
        for x in 0..width {
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

fn press(view: &mut CorpusView, keys: &str) {
    for c in keys.chars() {
        let (code, mods) = match c {
            '\n' => (KeyCode::Enter, KeyModifiers::NONE),
            '\x1b' => (KeyCode::Esc, KeyModifiers::NONE),
            c if c.is_ascii_uppercase() || "?@".contains(c) => {
                (KeyCode::Char(c), KeyModifiers::SHIFT)
            }
            c => (KeyCode::Char(c), KeyModifiers::NONE),
        };
        view.handle_key(key(code, mods));
    }
}

fn selected_file(view: &CorpusView) -> String {
    view.selected_row().unwrap().relative.clone()
}

#[test]
fn the_list_at_80x24_sorted_by_date() {
    let (_dir, root) = archive();
    let mut view = view_of(CorpusIndex::read_all(&root).unwrap());
    insta::assert_snapshot!("corpus_list_80x24", screen(&mut view, 80, 24));
}

#[test]
fn the_list_at_160x45_filtered_and_sorted_by_counts() {
    let (_dir, root) = archive();
    let mut view = view_of(CorpusIndex::read_all(&root).unwrap());
    // Sort: date → title → path → counts; the filter: memos only.
    press(&mut view, "sss");
    press(&mut view, "fmemo\n");
    insta::assert_snapshot!(
        "corpus_list_160x45_filtered_by_counts",
        screen(&mut view, 160, 45)
    );
}

#[test]
fn the_first_screen_shows_before_any_sidecar_is_read() {
    let (_dir, root) = archive();
    // The walk alone: names, stored titles and dates; counts still to come.
    let mut view = view_of(CorpusIndex::listed(&root).unwrap());
    let text = screen(&mut view, 80, 24);
    assert!(text.contains("counting 0/4"), "{text}");
    insta::assert_snapshot!("corpus_list_80x24_counting", text);
}

#[test]
fn moving_opening_and_quitting_go_through_the_keymap() {
    let (_dir, root) = archive();
    let mut view = view_of(CorpusIndex::read_all(&root).unwrap());
    screen(&mut view, 80, 24);
    // By date: 1956, 1957, 1961, then the undated.
    assert_eq!(selected_file(&view), "1956/memo-1956-07-24-nam-il.txt");
    press(&mut view, "jj");
    assert_eq!(selected_file(&view), "1961/fisheries.txt");
    press(&mut view, "k\n");
    assert_eq!(
        view.take_effects(),
        vec![CorpusEffect::Open(
            root.join("1957/memo-1957-03-12-han.txt")
        )]
    );
    press(&mut view, "G");
    assert_eq!(selected_file(&view), "notes/untitled.txt");
    press(&mut view, "q");
    assert_eq!(view.take_effects(), vec![CorpusEffect::Quit]);
}

#[test]
fn the_filter_follows_each_key_enter_keeps_it_and_esc_clears_it() {
    let (_dir, root) = archive();
    let mut view = view_of(CorpusIndex::read_all(&root).unwrap());
    screen(&mut view, 80, 24);
    press(&mut view, "f어업");
    assert_eq!(view.visible.len(), 1, "Hangul in a stored title");
    press(&mut view, "\x1b");
    assert_eq!(view.visible.len(), 4);
    press(&mut view, "fnotes\n");
    assert_eq!(view.visible.len(), 1);
    assert_eq!(view.filters.text, "notes");
    // Esc in the list clears it too.
    press(&mut view, "\x1b");
    assert_eq!(view.visible.len(), 4);
}

#[test]
fn filters_by_annotator_untagged_status_and_actor_alias() {
    let (_dir, root) = archive();
    let mut view = view_of(CorpusIndex::read_all(&root).unwrap());
    screen(&mut view, 80, 24);
    // Annotators cycle: kim, lee, all.
    press(&mut view, "a");
    assert_eq!(view.visible.len(), 2);
    press(&mut view, "a");
    assert_eq!(view.filters.annotator.as_deref(), Some("lee"));
    assert_eq!(view.visible.len(), 2);
    press(&mut view, "a");
    assert_eq!(view.visible.len(), 4);
    // Not yet tagged by kim: Han's memo (only lee) and the notes.
    press(&mut view, "u");
    let files: Vec<String> = view
        .visible
        .iter()
        .map(|&i| view.index.rows()[i].relative.clone())
        .collect();
    assert_eq!(
        files,
        ["1957/memo-1957-03-12-han.txt", "notes/untitled.txt"]
    );
    press(&mut view, "u");
    // Status cycles todo, in progress, done, none set, all.
    press(&mut view, "tt");
    assert_eq!(selected_file(&view), "1956/memo-1956-07-24-nam-il.txt");
    assert_eq!(view.visible.len(), 1);
    press(&mut view, "tt");
    assert_eq!(view.visible.len(), 2, "none set");
    press(&mut view, "t");
    // The actor by an alias of the codebook.
    press(&mut view, "@박창옥\n");
    assert_eq!(view.filters.actor.as_deref(), Some("Pak Chang-ok"));
    assert_eq!(view.visible.len(), 2);
    // By a unique prefix of a tagged name.
    press(&mut view, "@\x1b");
    press(&mut view, "@");
    for _ in 0.."Pak Chang-ok".len() {
        view.handle_key(key(KeyCode::Backspace, KeyModifiers::NONE));
    }
    press(&mut view, "petr\n");
    assert_eq!(view.filters.actor.as_deref(), Some("Petrov"));
    assert_eq!(view.visible.len(), 1);
}

#[test]
fn status_keys_ask_for_the_next_status() {
    let (_dir, root) = archive();
    let mut view = view_of(CorpusIndex::read_all(&root).unwrap());
    screen(&mut view, 80, 24);
    press(&mut view, "x");
    assert_eq!(
        view.take_effects(),
        vec![CorpusEffect::SetStatus(
            root.join("1956/memo-1956-07-24-nam-il.txt"),
            Some(Status::Done)
        )]
    );
}

#[test]
fn the_selection_stays_on_its_document_when_the_sort_changes() {
    let (_dir, root) = archive();
    let mut view = view_of(CorpusIndex::read_all(&root).unwrap());
    screen(&mut view, 80, 24);
    press(&mut view, "jj");
    let before = selected_file(&view);
    press(&mut view, "s");
    screen(&mut view, 80, 24);
    assert_eq!(selected_file(&view), before);
    assert_eq!(
        view.neighbour(&root.join("1961/fisheries.txt"), 1),
        view.visible
            .get(view.selected + 1)
            .map(|&i| view.index.rows()[i].path.clone())
    );
}

#[test]
fn the_place_left_comes_back() {
    let (_dir, root) = archive();
    let mut view = view_of(CorpusIndex::read_all(&root).unwrap());
    screen(&mut view, 80, 24);
    press(&mut view, "sfmemo\nj");
    let place = view.place();
    let mut again = view_of(CorpusIndex::read_all(&root).unwrap());
    again.restore(&place);
    screen(&mut again, 80, 24);
    assert_eq!(again.filters.text, "memo");
    assert_eq!(again.sort, view.sort);
    assert_eq!(selected_file(&again), selected_file(&view));
}
