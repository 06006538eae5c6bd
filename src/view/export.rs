//! The export prompt: the formats, each with the letter that picks it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{centered, dialog, ellipsize, list_row, put};
use crate::app::App;
use crate::app::export::{format_key, format_label};
use crate::export::Format;
use crate::export::beside::beside_path;
use crate::view::Theme;

/// Draw the format list centred over the document.
pub fn prompt(buf: &mut Buffer, app: &App, selected: usize, theme: &Theme) {
    let area = app.layout.area;
    if area.width < 4 || area.height < 4 {
        return;
    }
    let rect = centered(area, 64, Format::ALL.len() as u16 + 4);
    let Some(footer) = format_prompt(
        buf,
        rect,
        " Export this document — letter or ↑↓ Enter, Esc cancels ",
        selected,
        theme,
    ) else {
        return;
    };
    let target = beside_path(&app.doc, app.annotator(), Format::ALL[selected]);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = ellipsize(&format!("  → {name}"), footer.width as usize);
    put(
        buf,
        footer.x,
        footer.y,
        &crate::document::sanitize::display_line(&text),
        footer.width,
        theme.text,
    );
}

/// An export prompt: `rect` framed with `title`, the formats listed with the
/// letter that picks each, `selected` marked and kept in view. Returns the
/// row below the list, when there is room, for the file the choice writes.
pub(super) fn format_prompt(
    buf: &mut Buffer,
    rect: Rect,
    title: &str,
    selected: usize,
    theme: &Theme,
) -> Option<Rect> {
    let inner = dialog(buf, rect, title, theme);
    let rows = inner.height as usize;
    let list_rows = rows.saturating_sub(1).max(1);
    let first = selected.saturating_sub(list_rows.saturating_sub(1));
    for (row, (i, format)) in Format::ALL
        .iter()
        .enumerate()
        .skip(first)
        .take(list_rows)
        .enumerate()
    {
        let text = format!(
            "{}  {:<10} {}",
            format_key(*format),
            format.name(),
            format_label(*format)
        );
        list_row(buf, inner, row, &text, i == selected, theme);
    }
    (rows > list_rows).then(|| Rect {
        y: inner.y + list_rows as u16,
        height: 1,
        ..inner
    })
}

#[cfg(test)]
mod tests {
    use crate::app::{App, Mode};
    use crate::document::Document;
    use crate::keymap::Keymap;
    use crate::sidecar::Sidecar;
    use crate::view::{self, Theme};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use std::path::Path;

    fn screen(app: &mut App, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|frame| {
                app.prepare_frame(frame.area());
                view::draw(frame, app, &Theme::mono());
            })
            .unwrap();
        let buf = terminal.backend().buffer().clone();
        (0..height)
            .map(|y| {
                (0..width)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_prompt_lists_every_format_and_the_target_file() {
        let doc = Document::from_text(Path::new("memo.txt"), "one\n\ntwo\n");
        let sidecar = Sidecar::new(&doc, "kim");
        let mut app = App::new(doc, sidecar, Keymap::default_keymap());
        app.handle_key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE));
        assert_eq!(app.mode, Mode::Export { selected: 0 });
        let text = screen(&mut app, 80, 24);
        for name in [
            "json",
            "jsonl",
            "md",
            "html",
            "csv",
            "statements",
            "graphml",
            "qdpx",
            "w3c",
        ] {
            assert!(
                text.contains(&format!(" {name} ")),
                "{name} missing:\n{text}"
            );
        }
        assert!(text.contains("→ memo.txt.kim.json"), "{text}");
        app.handle_key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE));
        let text = screen(&mut app, 80, 24);
        assert!(text.contains("› l  jsonl"), "{text}");
        assert!(text.contains("→ memo.txt.kim.jsonl"), "{text}");
        // Small terminals still show the prompt without panicking.
        screen(&mut app, 20, 6);
        screen(&mut app, 3, 2);
    }
}
