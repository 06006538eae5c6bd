//! Tag all from a search: the scope prompt and the preview.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::{Theme, centered, dialog, put};
use crate::app::App;
use crate::app::tag_all::{Preview, Scope};
use crate::document::sanitize::display_line;

/// "Tag all 14 matching paragraphs: w words/paragraphs, c/a/p kind".
pub fn scope(buf: &mut Buffer, app: &App, scope: Scope, theme: &Theme) {
    let Some(search) = &app.search else {
        return;
    };
    let n = search.matches.len();
    let count = format!("{n} matching paragraph{}", if n == 1 { "" } else { "s" });
    scope_dialog(buf, app.layout.area, &search.query, &count, scope, theme);
}

/// The scope prompt of a tag-all, in one document or across the corpus:
/// `count` says what matched, `query` what was searched for.
pub(super) fn scope_dialog(
    buf: &mut Buffer,
    area: Rect,
    query: &str,
    count: &str,
    scope: Scope,
    theme: &Theme,
) {
    let rect = centered(area, 64, 7);
    let title = format!(" Tag all /{} ", display_line(query));
    let inner = dialog(buf, rect, &title, theme);
    let lines = [
        format!(
            "{count}; tag {}",
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
    let note = (preview.already > 0).then(|| {
        format!(
            "{} place{} already tagged so: left as they are",
            preview.already,
            if preview.already == 1 { "" } else { "s" }
        )
    });
    confirm_dialog(
        buf,
        app.layout.area,
        &preview.question(),
        100,
        note.as_deref(),
        "Enter tag them all (one undo) · Esc cancel",
        theme,
    );
}

/// The last question of a tag-all: `question` on top (the dialog as wide as
/// it needs, up to `max_width`), a dim `note` if any, then the keys.
pub(super) fn confirm_dialog(
    buf: &mut Buffer,
    area: Rect,
    question: &str,
    max_width: u16,
    note: Option<&str>,
    keys: &str,
    theme: &Theme,
) {
    let question = display_line(question);
    let width = (question.chars().count() as u16 + 6).clamp(40, max_width);
    let rect = centered(area, width, 4 + u16::from(note.is_some()));
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
    if let Some(note) = note {
        put(
            buf,
            inner.x + 1,
            y,
            note,
            inner.width.saturating_sub(1),
            theme.dim,
        );
        y += 1;
    }
    put(
        buf,
        inner.x + 1,
        y,
        keys,
        inner.width.saturating_sub(1),
        theme.text,
    );
}
