//! The export prompt: pick a format (first letter, or arrows and Enter) and
//! the event loop writes this document's annotations beside it
//! ([`crate::export::beside`]); the app itself does no I/O.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::{App, Effect, Mode};
use crate::export::Format;

/// The key that picks each format in the prompt (unique per format).
pub fn format_key(format: Format) -> char {
    match format {
        Format::Json => 'j',
        Format::Jsonl => 'l',
        Format::Md => 'm',
        Format::Html => 'h',
        Format::Csv => 'c',
        Format::Statements => 's',
        Format::Graphml => 'g',
        Format::Qdpx => 'q',
        Format::W3c => 'w',
        Format::Csl => 'b',
        Format::Ris => 'r',
        Format::Dna => 'd',
        Format::Gexf => 'e',
    }
}

/// One line describing a format in the prompt.
pub fn format_label(format: Format) -> &'static str {
    match format {
        Format::Json => "JSON array (scripts)",
        Format::Jsonl => "JSON Lines (scripts)",
        Format::Md => "Markdown: block quotes with attribution",
        Format::Html => "HTML page, print-friendly",
        Format::Csv => "CSV for spreadsheets (formula-safe)",
        Format::Statements => "CSV of position statements (DNA, R)",
        Format::Graphml => "GraphML actor–issue network (Gephi)",
        Format::Qdpx => "REFI-QDA project (NVivo, ATLAS.ti, MAXQDA)",
        Format::W3c => "W3C Web Annotation JSON-LD",
        Format::Csl => "CSL-JSON bibliography item (Zotero, pandoc)",
        Format::Ris => "RIS reference (Zotero, EndNote)",
        Format::Dna => "Discourse Network Analyzer event list",
        Format::Gexf => "GEXF dated actor–issue network (Gephi)",
    }
}

impl App {
    /// Open the format prompt (the document must be fully read).
    pub(super) fn open_export(&mut self) {
        if !self.doc.is_complete() {
            self.warn("Still reading the document: export once it is loaded");
            return;
        }
        // The prompt opens on the format used last in this session.
        let selected = Format::ALL
            .iter()
            .position(|f| Some(*f) == self.last_export)
            .unwrap_or(0);
        self.mode = Mode::Export { selected };
    }

    pub(super) fn export_key(&mut self, event: KeyEvent) {
        let Mode::Export { selected } = &mut self.mode else {
            return;
        };
        let n = Format::ALL.len();
        let chosen = match event.code {
            KeyCode::Down | KeyCode::Tab => {
                *selected = (*selected + 1) % n;
                None
            }
            KeyCode::Up | KeyCode::BackTab => {
                *selected = (*selected + n - 1) % n;
                None
            }
            KeyCode::Enter => Some(Format::ALL[*selected]),
            KeyCode::Esc => {
                self.mode = Mode::Normal;
                return;
            }
            KeyCode::Char(c) => match Format::ALL.iter().find(|f| format_key(**f) == c) {
                Some(f) => Some(*f),
                None => return,
            },
            _ => None,
        };
        if let Some(format) = chosen {
            self.mode = Mode::Normal;
            self.last_export = Some(format);
            self.say(format!("Exporting {}…", format.name()));
            self.effects.push(Effect::Export(format));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::keymap::Keymap;
    use crate::sidecar::Sidecar;
    use ratatui::crossterm::event::KeyModifiers;
    use std::path::Path;

    fn app() -> App {
        let doc = Document::from_text(Path::new("memo.txt"), "one\n\ntwo\n");
        let sidecar = Sidecar::new(&doc, "kim");
        App::new(doc, sidecar, Keymap::default_keymap())
    }

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn keys_are_unique_per_format() {
        let mut keys: Vec<char> = Format::ALL.iter().map(|f| format_key(*f)).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), Format::ALL.len());
    }

    #[test]
    fn a_letter_picks_a_format_and_emits_the_effect() {
        let mut app = app();
        app.open_export();
        assert_eq!(app.mode, Mode::Export { selected: 0 });
        app.handle_key(key(KeyCode::Char('c')));
        assert_eq!(app.mode, Mode::Normal);
        assert_eq!(app.take_effects(), vec![Effect::Export(Format::Csv)]);
    }

    #[test]
    fn arrows_and_enter_pick_and_esc_cancels() {
        let mut app = app();
        app.open_export();
        app.handle_key(key(KeyCode::Up));
        app.handle_key(key(KeyCode::Enter));
        assert_eq!(app.take_effects(), vec![Effect::Export(Format::Gexf)]);
        // The prompt opens again on the format used last (GEXF, the last one).
        app.open_export();
        assert_eq!(
            app.mode,
            Mode::Export {
                selected: Format::ALL.len() - 1
            }
        );
        app.handle_key(key(KeyCode::Down));
        app.handle_key(key(KeyCode::Down));
        app.handle_key(key(KeyCode::Down));
        app.handle_key(key(KeyCode::Enter));
        assert_eq!(app.take_effects(), vec![Effect::Export(Format::Md)]);
        app.open_export();
        app.handle_key(key(KeyCode::Char('z')));
        assert!(matches!(app.mode, Mode::Export { .. }));
        app.handle_key(key(KeyCode::Esc));
        assert_eq!(app.mode, Mode::Normal);
        assert!(app.take_effects().is_empty());
    }
}
