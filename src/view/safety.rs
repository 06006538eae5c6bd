//! Overlays for keeping work safe: the orphan list and the write-to path prompt.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Borders, Widget};
use unicode_width::UnicodeWidthStr;

use super::{Theme, clear, ellipsize, put};
use crate::app::App;
use crate::app::input::TextInput;
use crate::document::sanitize::display_line;

/// The orphaned annotations, one per row, the selected one highlighted.
pub fn orphans(buf: &mut Buffer, app: &App, selected: usize, theme: &Theme) {
    let area = app.layout.area;
    let list = app.orphan_list();
    let width = 76.min(area.width);
    let height = (list.len() as u16 + 4)
        .min(area.height.saturating_sub(1))
        .max(3.min(area.height));
    let rect = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height.saturating_sub(1).saturating_sub(height)) / 2,
        width,
        height,
    };
    clear(buf, rect, theme.text);
    let title = format!(
        " Orphans ({}) — Enter attaches to ¶{}, Esc closes ",
        list.len(),
        app.selected + 1
    );
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focus_border)
        .title(ellipsize(&title, rect.width.saturating_sub(2) as usize));
    let inner = block.inner(rect);
    block.render(rect, buf);
    let rows = inner.height as usize;
    let first = selected.saturating_sub(rows.saturating_sub(1));
    for (row, (i, a)) in list.iter().enumerate().skip(first).take(rows).enumerate() {
        let quote = display_line(&a.anchor.quote);
        let text = format!(
            "{} was ¶{}: {} — “{}”",
            if i == selected { "›" } else { " " },
            a.anchor.paragraph,
            display_line(&a.tag.summary()),
            quote
        );
        let style = if i == selected {
            theme.text.patch(theme.bar)
        } else {
            theme.text
        };
        let text = ellipsize(&text, inner.width as usize);
        put(
            buf,
            inner.x,
            inner.y + row as u16,
            &text,
            inner.width,
            style,
        );
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
