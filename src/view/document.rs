//! The document pane: gutter (selection bar, number, tag marks) and wrapped text.

use ratatui::buffer::Buffer;
use ratatui::style::{Modifier, Style};

use super::{Theme, put};
use crate::annotation::Kind;
use crate::app::App;
use crate::document::sanitize::display;
use crate::document::search::find_all;
use crate::document::wrap::wrap_rows;

pub fn draw(buf: &mut Buffer, app: &App, theme: &Theme) {
    let layout = &app.layout;
    let area = layout.document;
    if area.width == 0 || area.height == 0 {
        return;
    }
    if app.doc.is_empty() {
        put(
            buf,
            area.x + 1,
            area.y,
            "(this document has no text)",
            area.width.saturating_sub(1),
            theme.dim,
        );
        return;
    }
    let digits = app.doc.len_hint().max(1).to_string().len();
    let text_x = area.x + layout.gutter;
    let text_w = area.width.saturating_sub(layout.gutter + 1).max(2);
    let query = app.search.as_ref().map(|s| s.query.as_str());
    for v in &layout.visible {
        let selected = v.index == app.selected;
        let mut base = if selected { theme.selected } else { theme.text };
        if app.is_boilerplate(v.index) {
            // Not part of the document proper: still there, but quiet.
            base = base.patch(theme.dim).add_modifier(Modifier::DIM);
        }
        let shown = display(app.doc.paragraph_text(v.index));
        let matches = query.map(|q| find_all(&shown, q)).unwrap_or_default();
        let mut row = 0usize;
        let end = v.skip + v.rows as usize;
        wrap_rows(&shown, text_w as usize, |s, e| {
            if row >= v.skip {
                let y = v.y + (row - v.skip) as u16;
                draw_gutter(
                    buf,
                    app,
                    theme,
                    v.index,
                    row == 0,
                    selected,
                    area.x,
                    y,
                    digits,
                );
                // Row background across the text width for the selected paragraph.
                for x in text_x..text_x + text_w {
                    if let Some(cell) = buf.cell_mut((x, y)) {
                        cell.set_style(base);
                    }
                }
                let mut x = text_x;
                let mut at = s;
                for &(ms, me) in matches.iter().filter(|(ms, me)| *me > s && *ms < e) {
                    let (ms, me) = (ms.max(s), me.min(e));
                    if ms > at {
                        x += put(buf, x, y, &shown[at..ms], text_x + text_w - x, base);
                    }
                    x += put(
                        buf,
                        x,
                        y,
                        &shown[ms..me],
                        text_x + text_w - x,
                        theme.matched,
                    );
                    at = me;
                }
                if at < e {
                    put(
                        buf,
                        x,
                        y,
                        &shown[at..e],
                        (text_x + text_w).saturating_sub(x),
                        base,
                    );
                }
            }
            row += 1;
            row < end
        });
    }
}

#[allow(clippy::too_many_arguments)]
fn draw_gutter(
    buf: &mut Buffer,
    app: &App,
    theme: &Theme,
    index: usize,
    first_row: bool,
    selected: bool,
    x: u16,
    y: u16,
    digits: usize,
) {
    let gutter = app.layout.gutter;
    if selected {
        put(buf, x, y, "▌", 1, theme.bar);
    }
    if !first_row || gutter < 3 {
        return;
    }
    let number = format!("{:>digits$}", index + 1);
    let style = if selected { theme.bar } else { theme.number };
    put(buf, x + 1, y, &number, gutter.saturating_sub(1), style);
    if app.reviewing() {
        return super::review::gutter(buf, app, theme, index, x, y, digits);
    }
    let kinds = app.kinds_on(index);
    let marks_x = x + 1 + digits as u16 + 1;
    for (mx, (k, present)) in (marks_x..).zip(Kind::ALL.iter().zip(kinds)) {
        if mx >= x + gutter {
            break;
        }
        if present {
            put(buf, mx, y, &k.mark().to_string(), 1, theme.kind(*k));
        } else {
            put(buf, mx, y, "·", 1, Style::default().patch(theme.dim));
        }
    }
}
