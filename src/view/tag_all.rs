//! Tag all from a search: the scope prompt and the preview.

use ratatui::buffer::Buffer;

use super::{Theme, centered, dialog, put};
use crate::app::App;
use crate::app::tag_all::{Preview, Scope};
use crate::document::sanitize::display_line;

/// "Tag all 14 matching paragraphs: w words/paragraphs, c/a/p kind".
pub fn scope(buf: &mut Buffer, app: &App, scope: Scope, theme: &Theme) {
    let area = app.layout.area;
    let Some(search) = &app.search else {
        return;
    };
    let rect = centered(area, 64, 7);
    let title = format!(" Tag all /{} ", display_line(&search.query));
    let inner = dialog(buf, rect, &title, theme);
    let n = search.matches.len();
    let lines = [
        format!(
            "{n} matching paragraph{}; tag {}",
            if n == 1 { "" } else { "s" },
            if scope.quotes {
                "the matching words (quotes)"
            } else {
                "the whole paragraphs"
            }
        ),
        "w  tag the words instead / the paragraphs instead".to_string(),
        "c claim · a advice · p position — the form, then a preview".to_string(),
        "Esc  cancel".to_string(),
    ];
    for (i, line) in lines.iter().enumerate() {
        let style = if i == 0 { theme.bar } else { theme.text };
        put(
            buf,
            inner.x + 1,
            inner.y + i as u16,
            line,
            inner.width.saturating_sub(1),
            style,
        );
    }
}

/// "Tag 14 paragraphs as claim by Nam Il? Enter/Esc".
pub fn confirm(buf: &mut Buffer, app: &App, preview: &Preview, theme: &Theme) {
    let area = app.layout.area;
    let question = display_line(&preview.question());
    let width = (question.chars().count() as u16 + 6).clamp(40, 100);
    let rect = centered(area, width, 4 + u16::from(preview.already > 0));
    let inner = dialog(buf, rect, " Tag all ", theme);
    put(
        buf,
        inner.x + 1,
        inner.y,
        &question,
        inner.width.saturating_sub(1),
        theme.bar,
    );
    let mut y = inner.y + 1;
    if preview.already > 0 {
        let note = format!(
            "{} place{} already tagged so: left as they are",
            preview.already,
            if preview.already == 1 { "" } else { "s" }
        );
        put(
            buf,
            inner.x + 1,
            y,
            &note,
            inner.width.saturating_sub(1),
            theme.dim,
        );
        y += 1;
    }
    put(
        buf,
        inner.x + 1,
        y,
        "Enter tag them all (one undo) · Esc cancel",
        inner.width.saturating_sub(1),
        theme.text,
    );
}
