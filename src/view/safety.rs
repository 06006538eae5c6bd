//! Overlays for keeping work safe: the orphan list and the write-to path prompt.

use ratatui::buffer::Buffer;
use unicode_width::UnicodeWidthStr;

use super::{Theme, centered, clear, dialog, list_row, put};
use crate::app::App;
use crate::app::input::TextInput;
use crate::document::sanitize::display_line;

/// The orphaned annotations, one per row, the selected one highlighted.
pub fn orphans(buf: &mut Buffer, app: &App, selected: usize, theme: &Theme) {
    let area = app.layout.area;
    let list = app.orphan_list();
    let rect = centered(area, 76, list.len() as u16 + 4);
    let title = format!(
        " Orphans ({}) — Enter attaches to ¶{}, Esc closes ",
        list.len(),
        app.selected + 1
    );
    let inner = dialog(buf, rect, &title, theme);
    let rows = inner.height as usize;
    let first = selected.saturating_sub(rows.saturating_sub(1));
    for (row, (i, a)) in list.iter().enumerate().skip(first).take(rows).enumerate() {
        let text = format!(
            "was ¶{}: {} — “{}”",
            a.anchor.paragraph,
            display_line(&a.tag.summary()),
            display_line(&a.anchor.quote)
        );
        list_row(buf, inner, row, &text, i == selected, theme);
    }
}

/// The path prompt in the status line; returns the cursor position.
pub fn path_prompt(
    buf: &mut Buffer,
    app: &App,
    input: &TextInput,
    theme: &Theme,
) -> Option<(u16, u16)> {
    let area = app.layout.status;
    if area.height == 0 {
        return None;
    }
    clear(buf, area, theme.status);
    let label = "Write sidecar to: ";
    let shown = display_line(&input.text);
    let before = display_line(&input.text[..input.cursor]);
    let used = put(buf, area.x, area.y, label, area.width, theme.status);
    let room = area.width.saturating_sub(used);
    // Keep the cursor visible in a long path: show its tail.
    let skip = before
        .width()
        .saturating_sub(room.saturating_sub(1) as usize);
    let mut cut = 0;
    let mut w = 0;
    for (i, c) in shown.char_indices() {
        if w >= skip {
            cut = i;
            break;
        }
        w += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        cut = i + c.len_utf8();
    }
    put(
        buf,
        area.x + used,
        area.y,
        &shown[cut..],
        room,
        theme.status,
    );
    let x = (area.x + used + (before.width() - w.min(before.width())) as u16)
        .min(area.right().saturating_sub(1));
    Some((x, area.y))
}
