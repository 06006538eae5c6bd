//! Driving an `App` without a terminal: keys go through `App::handle_key`
//! (keymap → command → update), frames through `prepare_frame` + `view::draw`
//! on ratatui's TestBackend.

use std::path::{Path, PathBuf};

use glossator::app::{App, Effect};
use glossator::document::Document;
use glossator::keymap::Keymap;
use glossator::sidecar::store::SidecarStore;
use glossator::sidecar::{Sidecar, sidecar_path};
use glossator::view::{self, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyEventState, KeyModifiers};

/// A clock that always says the same time, for stable snapshots.
pub fn fixed_clock() -> String {
    "2026-11-28T10:00:00.000Z".to_string()
}

pub fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent {
        code,
        modifiers,
        kind: KeyEventKind::Press,
        state: KeyEventState::NONE,
    }
}

/// Press keys written as text; `<Tab>`, `<Enter>`, `<Esc>`, `<Down>`, `<Up>`,
/// `<BackTab>`, `<C-r>`, `<A-Enter>`, `<PageDown>`, `<End>`, `<Backspace>` are
/// special keys, and `<A-x>` is x with Alt. Capitals, `?` and `%` come with Shift.
pub fn press(app: &mut App, keys: &str) {
    let mut rest = keys;
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(end) = rest.find('>')
        {
            let event = match &rest[1..end] {
                "Tab" => key(KeyCode::Tab, KeyModifiers::NONE),
                "BackTab" => key(KeyCode::BackTab, KeyModifiers::SHIFT),
                "Enter" => key(KeyCode::Enter, KeyModifiers::NONE),
                "A-Enter" => key(KeyCode::Enter, KeyModifiers::ALT),
                "Esc" => key(KeyCode::Esc, KeyModifiers::NONE),
                "Down" => key(KeyCode::Down, KeyModifiers::NONE),
                "Up" => key(KeyCode::Up, KeyModifiers::NONE),
                "PageDown" => key(KeyCode::PageDown, KeyModifiers::NONE),
                "End" => key(KeyCode::End, KeyModifiers::NONE),
                "Backspace" => key(KeyCode::Backspace, KeyModifiers::NONE),
                "C-r" => key(KeyCode::Char('r'), KeyModifiers::CONTROL),
                alt if alt.starts_with("A-") && alt.chars().count() == 3 => key(
                    KeyCode::Char(alt.chars().nth(2).unwrap_or('?')),
                    KeyModifiers::ALT,
                ),
                other => panic!("unknown key <{other}>"),
            };
            app.handle_key(event);
            rest = &rest[end + 1..];
            continue;
        }
        let modifiers = if c.is_ascii_uppercase() || "?%".contains(c) {
            KeyModifiers::SHIFT
        } else {
            KeyModifiers::NONE
        };
        app.handle_key(key(KeyCode::Char(c), modifiers));
        rest = &rest[c.len_utf8()..];
    }
}

/// Type `text` key by key, as it stands: `\t` is Tab, `\n` Enter, every other
/// character a key without modifiers (capitals too).
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        let code = match c {
            '\t' => KeyCode::Tab,
            '\n' => KeyCode::Enter,
            c => KeyCode::Char(c),
        };
        app.handle_key(key(code, KeyModifiers::NONE));
    }
}

pub fn render(app: &mut App, width: u16, height: u16, theme: &Theme) -> Buffer {
    // The selected paragraph's names and suggestions are worked out beside
    // the event loop: a test frame shows them once they are in.
    app.settle_assist(std::time::Duration::from_secs(10));
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal
        .draw(|frame| {
            app.prepare_frame(frame.area());
            view::draw(frame, app, theme);
        })
        .unwrap();
    terminal.backend().buffer().clone()
}

/// The screen as text (mono theme), one line per row, wide characters once.
pub fn screen(app: &mut App, width: u16, height: u16) -> String {
    let buf = render(app, width, height, &Theme::mono());
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

/// A session as the TUI starts one, short of the terminal: `annotator`'s
/// sidecar store for the document, and an app on a new sidecar.
pub struct Session {
    pub app: App,
    /// The store the TUI's saver thread writes through.
    pub store: SidecarStore,
    pub sidecar_file: PathBuf,
    /// What the store found on disk when opened.
    pub loaded: Option<Sidecar>,
}

impl Session {
    pub fn open(path: &Path, annotator: &str) -> Session {
        let doc = Document::open(path).unwrap();
        let sidecar_file = sidecar_path(path, annotator);
        let (store, loaded) = SidecarStore::open(&sidecar_file).unwrap();
        let app = App::new(
            doc.clone(),
            Sidecar::new(&doc, annotator),
            Keymap::default_keymap(),
        );
        Session {
            app,
            store,
            sidecar_file,
            loaded,
        }
    }
}

/// Take the app's effects and save through `store` for each `Effect::Save`,
/// as the TUI's saver thread does.
pub fn save_effects(app: &mut App, store: &mut SidecarStore) {
    for effect in app.take_effects() {
        if effect == Effect::Save {
            store.save(&app.sidecar).unwrap();
        }
    }
}
