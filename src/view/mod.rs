//! Drawing the app: a pure function of `&App` onto a frame.
//!
//! Only the paragraphs the layout marked visible are sanitised, wrapped and
//! drawn. All untrusted text (document, names, notes, file names, messages)
//! goes through `sanitize` before it reaches a cell.

mod codebook;
pub mod corpus;
pub mod corpus_search;
mod document;
mod export;
mod panel;
mod popup;
pub mod retrieval;
mod review;
mod safety;
mod status;
pub mod suggestions;
mod tag_all;
pub mod theme;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Borders, Widget};
use unicode_width::UnicodeWidthStr;

use crate::app::{App, Mode};
pub use theme::{ColorDepth, Theme};

/// Draw the whole screen. Call [`App::prepare_frame`] first with the same area.
pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    let buf = frame.buffer_mut();
    document::draw(buf, app, theme);
    panel::draw(buf, app, theme);
    review::header(buf, app, theme);
    status::draw(buf, app, theme);
    let area = app.layout.area;
    let cursor = match &app.mode {
        Mode::Normal => None,
        Mode::Form(form) => popup::form(frame.buffer_mut(), app, form, theme),
        Mode::Note { input, .. } => popup::note(frame.buffer_mut(), app, input, theme),
        Mode::SearchPrompt(input) => status::prompt(frame.buffer_mut(), app, input, theme),
        Mode::Agreement => {
            review::agreement(frame.buffer_mut(), area, app, theme);
            None
        }
        Mode::Help { scroll } => {
            popup::help(frame.buffer_mut(), area, app, *scroll, theme);
            None
        }
        Mode::PathPrompt(input) => safety::path_prompt(frame.buffer_mut(), app, input, theme),
        Mode::Orphans { selected } => {
            safety::orphans(frame.buffer_mut(), app, *selected, theme);
            None
        }
        Mode::Export { selected } => {
            export::prompt(frame.buffer_mut(), app, *selected, theme);
            None
        }
        Mode::ConfirmLoss(input) => safety::confirm_loss(frame.buffer_mut(), app, input, theme),
        Mode::Codebook(view) => codebook::codebook(frame.buffer_mut(), app, view, theme),
        Mode::Metadata(view) => codebook::metadata(frame.buffer_mut(), app, view, theme),
        Mode::TagAllScope(scope) => {
            tag_all::scope(frame.buffer_mut(), app, *scope, theme);
            None
        }
        Mode::ConfirmTagAll(preview) => {
            tag_all::confirm(frame.buffer_mut(), app, preview, theme);
            None
        }
    };
    if let Some((x, y)) = cursor {
        frame.set_cursor_position((x, y));
    }
}

/// Write `text` at (x, y), clipped to `width` columns; returns columns used.
/// `text` should already be sanitised; as a last line of defence anything a
/// terminal would interpret is made visible here too (plain text costs a scan).
pub(crate) fn put(buf: &mut Buffer, x: u16, y: u16, text: &str, width: u16, style: Style) -> u16 {
    if width == 0 || y >= buf.area.bottom() || x >= buf.area.right() {
        return 0;
    }
    let safe = crate::document::sanitize::display_row(text);
    let text = safe.as_ref();
    let width = width.min(buf.area.right() - x);
    let (end, _) = buf.set_stringn(x, y, text, width as usize, style);
    end - x
}

/// A `width`×`height` rectangle centred in `area` above its last row (the
/// status line), shrunk to fit; at least three rows when the area has them.
pub(crate) fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height
        .min(area.height.saturating_sub(1))
        .max(3.min(area.height));
    Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + (area.height.saturating_sub(1).saturating_sub(height)) / 2,
        width,
        height,
    }
}

/// Draw a border round `rect` with `title` (cut to fit); returns the inside.
pub(crate) fn bordered(buf: &mut Buffer, rect: Rect, title: &str, border: Style) -> Rect {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(border)
        .title(ellipsize(title, rect.width.saturating_sub(2) as usize));
    let inner = block.inner(rect);
    block.render(rect, buf);
    inner
}

/// A dialog over the document: `rect` cleared, framed and titled; returns the inside.
pub(crate) fn dialog(buf: &mut Buffer, rect: Rect, title: &str, theme: &Theme) -> Rect {
    clear(buf, rect, theme.text);
    bordered(buf, rect, title, theme.focus_border)
}

/// Row `row` of a pick list inside `inner`: `›` and the bar mark the selection.
pub(crate) fn list_row(
    buf: &mut Buffer,
    inner: Rect,
    row: usize,
    text: &str,
    selected: bool,
    theme: &Theme,
) {
    let text = format!("{} {text}", if selected { "›" } else { " " });
    let style = if selected {
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

/// The style of a result list's row at `y` inside `list`: the selected row
/// is cleared across the list's width in the selection colour.
pub(crate) fn list_line_style(
    buf: &mut Buffer,
    list: Rect,
    y: u16,
    selected: bool,
    theme: &Theme,
) -> Style {
    if !selected {
        return theme.text;
    }
    let base = theme.text.patch(theme.selected);
    clear(
        buf,
        Rect {
            y,
            height: 1,
            ..list
        },
        base,
    );
    base
}

/// Fill a rectangle's cells with spaces in `style`.
pub(crate) fn clear(buf: &mut Buffer, area: Rect, style: Style) {
    let area = area.intersection(buf.area);
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            if let Some(cell) = buf.cell_mut((x, y)) {
                cell.reset();
                cell.set_style(style);
            }
        }
    }
}

/// Cut `text` to `width` columns, with `…` when cut.
pub(crate) fn ellipsize(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

/// A test screen's text, a line per row (what the unit tests of the views
/// compare against).
#[cfg(test)]
pub(crate) fn screen_text(buffer: &ratatui::buffer::Buffer) -> String {
    let area = buffer.area;
    (area.top()..area.bottom())
        .map(|y| {
            (area.left()..area.right())
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                + "\n"
        })
        .collect()
}
