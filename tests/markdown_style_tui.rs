//! Markdown emphasis shown as style (issue #13, item 4): `*emphasis*` in
//! italic, `**strong**` and headings in bold, on top of which search
//! matches, the selection and quotes still show; the paragraph's text (what
//! anchors, search and exports see) has no markup. Screens are rendered on
//! TestBackend with each row's modifiers written under it.

mod common;

use std::path::Path;

use glossator::app::App;
use glossator::document::Document;
use glossator::keymap::Keymap;
use glossator::sidecar::Sidecar;
use glossator::view::Theme;
use ratatui::buffer::Buffer;
use ratatui::style::Modifier;

use common::app::{fixed_clock, press, render};

const NOTES: &str = "# Talks at *Kaesong*

Nam Il said the *armistice line* was **not negotiable**, and that the \
delegation would wait for `instructions` from the capital before it answered.

金日成 said *停戦協定の履行を確認した* and left.
";

fn app_on(dir: &Path) -> App {
    let path = dir.join("notes.md");
    std::fs::write(&path, NOTES).unwrap();
    let doc = Document::open(&path).unwrap();
    let sidecar = Sidecar::new(&doc, "kim");
    let mut app = App::new(doc, sidecar, Keymap::default_keymap());
    app.clock = fixed_clock;
    app
}

/// One cell's modifiers as a character: `.` none, else a hex digit of
/// italic 1, bold 2, reversed 4, underlined 8.
fn modifier_mark(m: Modifier) -> char {
    let bits = [
        Modifier::ITALIC,
        Modifier::BOLD,
        Modifier::REVERSED,
        Modifier::UNDERLINED,
    ]
    .iter()
    .enumerate()
    .filter(|(_, b)| m.contains(**b))
    .map(|(i, _)| 1u32 << i)
    .sum::<u32>();
    if bits == 0 {
        '.'
    } else {
        char::from_digit(bits, 16).unwrap_or('?')
    }
}

/// The document pane's text rows (from column `from`), each followed by a
/// row of its cells' modifiers when any cell has one.
fn styled_rows(buf: &Buffer, from: u16, rows: u16) -> String {
    let mut out = String::new();
    for y in 0..rows {
        let mut text = String::new();
        let mut marks = String::new();
        let mut skip = 0;
        for x in from..buf.area.width {
            let cell = &buf[(x, y)];
            marks.push(modifier_mark(cell.modifier));
            if skip > 0 {
                skip -= 1;
                continue;
            }
            skip = unicode_width::UnicodeWidthStr::width(cell.symbol()).saturating_sub(1);
            text.push_str(cell.symbol());
        }
        out.push_str(text.trim_end());
        out.push('\n');
        let marks = marks.trim_end_matches('.');
        if !marks.is_empty() {
            out.push_str(marks);
            out.push('\n');
        }
    }
    out
}

/// Where the document's text starts on screen.
fn text_column(app: &App) -> u16 {
    app.layout.document.x + app.layout.gutter
}

/// The cell showing the first character of `needle` on the screen.
fn cell_of(buf: &Buffer, needle: &str) -> (u16, u16) {
    for y in 0..buf.area.height {
        let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
        if let Some(i) = row.find(needle) {
            let col = row[..i].chars().count() as u16;
            return (col, y);
        }
    }
    panic!("{needle:?} not on screen");
}

#[test]
fn emphasis_strong_code_and_headings_are_drawn_as_style_not_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(dir.path());
    // The text has no markup: anchors, search and exports see this.
    assert_eq!(app.doc.paragraph_text(0), "Talks at Kaesong");
    assert!(
        app.doc.paragraph_text(1).starts_with(
            "Nam Il said the armistice line was not negotiable, and that the delegation"
        )
    );
    // Narrow enough that the bold run and the CJK emphasis wrap.
    let buf = render(&mut app, 44, 12, &Theme::mono());
    let x = text_column(&app);
    insta::assert_snapshot!("markdown_styles_44x12", styled_rows(&buf, x, 10));
    let (ex, ey) = cell_of(&buf, "armistice");
    assert!(buf[(ex, ey)].modifier.contains(Modifier::ITALIC));
    let (sx, sy) = cell_of(&buf, "negotiable");
    assert!(buf[(sx, sy)].modifier.contains(Modifier::BOLD));
    let (px, py) = cell_of(&buf, "said");
    assert!(
        !buf[(px, py)]
            .modifier
            .intersects(Modifier::ITALIC | Modifier::BOLD)
    );
}

#[test]
fn a_search_match_and_a_selection_show_over_emphasis() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(dir.path());
    press(&mut app, "/line<Enter>");
    assert_eq!(app.selected, 1);
    let buf = render(&mut app, 60, 12, &Theme::mono());
    let (x, y) = cell_of(&buf, "line was");
    let m = buf[(x, y)].modifier;
    assert!(m.contains(Modifier::ITALIC | Modifier::REVERSED), "{m:?}");
    // Past the emphasis: matched neither way.
    assert!(!buf[(x + 5, y)].modifier.contains(Modifier::ITALIC));
    press(&mut app, "<Esc>");
    // Select the first words: the selection (reversed, underlined) keeps
    // the italic of the emphasis under it.
    press(&mut app, "vwwww");
    let buf = render(&mut app, 60, 12, &Theme::mono());
    let (x, y) = cell_of(&buf, "armistice");
    let m = buf[(x, y)].modifier;
    assert!(
        m.contains(Modifier::ITALIC | Modifier::REVERSED | Modifier::UNDERLINED),
        "{m:?}"
    );
    insta::assert_snapshot!(
        "markdown_styles_selection_60x12",
        styled_rows(&buf, text_column(&app), 8)
    );
}

#[test]
fn colours_leave_emphasis_italic() {
    let dir = tempfile::tempdir().unwrap();
    let mut app = app_on(dir.path());
    let buf = render(&mut app, 100, 30, &Theme::named("default", false));
    let (x, y) = cell_of(&buf, "停");
    assert!(buf[(x, y)].modifier.contains(Modifier::ITALIC));
    let (x, y) = cell_of(&buf, "Kaesong");
    assert!(
        buf[(x, y)]
            .modifier
            .contains(Modifier::BOLD | Modifier::ITALIC)
    );
}
