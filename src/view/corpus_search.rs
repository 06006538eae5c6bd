//! The corpus search screen: the prompt, the counts while results stream in,
//! and one row per matching line (document, ¶, line, the line with its hits
//! highlighted). Only the visible rows are drawn.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::app::corpus_search::{CorpusSearchScreen, Stage};
use crate::app::form::TagForm;
use crate::archive::search::Hit;
use crate::command::Command;
use crate::document::sanitize::{display_mapped, path_text, raw_to_display};
use crate::keymap::{Keymap, Section};

use super::{Theme, centered, clear, dialog, list_line_style, put};

/// Columns of the ¶ and line columns.
const PARAGRAPH_COLUMNS: u16 = 6;
const LINE_COLUMNS: u16 = 6;
/// Columns kept before a hit that would be off the right edge.
const LEAD_COLUMNS: usize = 16;

/// Draw the screen over `area`; returns the cursor while the prompt is open.
/// Call [`CorpusSearchScreen::poll`] and scroll with the same area first (see
/// [`prepare`]).
pub fn draw(
    buf: &mut Buffer,
    area: Rect,
    screen: &CorpusSearchScreen,
    keymap: &Keymap,
    theme: &Theme,
) -> Option<(u16, u16)> {
    clear(buf, area, theme.text);
    if area.height < 3 || area.width < 20 {
        put(buf, area.x, area.y, "too small", area.width, theme.text);
        return None;
    }
    // Row 0: the prompt (or the query searched).
    let query = match &screen.prompt {
        Some(input) => input.text.as_str(),
        None => screen.query.as_str(),
    };
    let label = "Search every document: /";
    let used = put(buf, area.x, area.y, label, area.width, theme.bar);
    let shown = crate::document::sanitize::display_line(query);
    put(
        buf,
        area.x + used,
        area.y,
        &shown,
        area.width.saturating_sub(used),
        theme.text,
    );
    let cursor = screen.prompt.as_ref().map(|input| {
        let before = crate::document::sanitize::display_line(&input.text[..input.cursor]);
        (
            (area.x + used + before.width() as u16).min(area.right().saturating_sub(1)),
            area.y,
        )
    });
    // Row 1: the counts.
    put(
        buf,
        area.x,
        area.y + 1,
        &screen.summary(),
        area.width,
        theme.dim,
    );
    // Last row: a message, else the keys.
    let hints = match &screen.message {
        Some(m) => format!(" {m}"),
        None => hints(screen, keymap),
    };
    let last = area.bottom() - 1;
    clear(
        buf,
        Rect {
            y: last,
            height: 1,
            ..area
        },
        theme.status,
    );
    put(buf, area.x, last, &hints, area.width, theme.status);
    // The rows between.
    let list = Rect {
        x: area.x,
        y: area.y + 2,
        width: area.width,
        height: area.height - 3,
    };
    let doc_columns = document_columns(screen, list);
    for i in 0..list.height as usize {
        let row = screen.scroll + i;
        let Some((doc, hit)) = screen.row(row) else {
            break;
        };
        let y = list.y + i as u16;
        let selected = row == screen.selected && screen.prompt.is_none();
        let base = list_line_style(buf, list, y, selected, theme);
        let mut x = list.x;
        put(
            buf,
            x,
            y,
            if selected { "›" } else { " " },
            1,
            base.patch(theme.bar),
        );
        x += 1;
        // The document once per group of rows, and again at the top.
        let first_of_document = i == 0
            || row == 0
            || screen
                .row(row - 1)
                .is_none_or(|(d, _)| d.document != doc.document);
        if first_of_document {
            let name = path_text(screen.shown_path(&doc.document));
            put(
                buf,
                x,
                y,
                &ellipsize_left(&name, doc_columns as usize - 1),
                doc_columns - 1,
                base.patch(theme.bar),
            );
        }
        x += doc_columns;
        let number = format!("¶{}", hit.paragraph + 1);
        put(
            buf,
            x,
            y,
            &number,
            PARAGRAPH_COLUMNS,
            base.patch(theme.number),
        );
        x += PARAGRAPH_COLUMNS;
        let line = format!("{}:", hit.line);
        put(buf, x, y, &line, LINE_COLUMNS, base.patch(theme.number));
        x += LINE_COLUMNS;
        let width = list.right().saturating_sub(x);
        line_with_hits(buf, x, y, width, hit, base, theme);
    }
    match &screen.stage {
        Stage::Results => cursor,
        Stage::Scope(scope) => {
            let count = format!(
                "{} paragraphs in {} documents",
                crate::app::corpus_search::thousands(
                    screen
                        .paragraphs_by_document()
                        .iter()
                        .map(|(_, p)| p.len())
                        .sum()
                ),
                crate::app::corpus_search::thousands(screen.documents()),
            );
            super::tag_all::scope_dialog(buf, area, &screen.query, &count, *scope, theme);
            None
        }
        Stage::Form(form) => tag_form(buf, area, screen, form, theme),
        Stage::Confirm(plan) => {
            let note = (plan.already > 0 || !plan.failed.is_empty()).then(|| {
                format!(
                    "{} already tagged so · {} document{} not readable",
                    plan.already,
                    plan.failed.len(),
                    if plan.failed.len() == 1 { "" } else { "s" }
                )
            });
            super::tag_all::confirm_dialog(
                buf,
                area,
                &plan.question(),
                110,
                note.as_deref(),
                "Enter write every sidecar (one u undoes) · Esc cancel",
                theme,
            );
            None
        }
    }
}

/// The tag form over the results: its fields and the focused one's
/// completions; returns the cursor.
fn tag_form(
    buf: &mut Buffer,
    area: Rect,
    screen: &CorpusSearchScreen,
    form: &TagForm,
    theme: &Theme,
) -> Option<(u16, u16)> {
    let candidates = form.candidates(&screen.names.0, &screen.names.1);
    let rect = centered(area, 70, (form.fields.len() + candidates.len() + 3) as u16);
    let kind = format!("{:?}", form.kind).to_lowercase();
    let title = format!(
        " Tag all: {kind} on every {} ",
        if form.all.is_some_and(|s| s.quotes) {
            "hit"
        } else {
            "paragraph"
        }
    );
    let inner = dialog(buf, rect, &title, theme);
    let label_w = form.fields.iter().map(|f| f.label.len()).max().unwrap_or(0) as u16 + 3;
    let mut cursor = None;
    let mut y = inner.y;
    for (i, field) in form.fields.iter().enumerate() {
        if y >= inner.bottom() {
            break;
        }
        let focused = i == form.focus;
        let label = format!("{}{}:", if focused { "›" } else { " " }, field.label);
        put(
            buf,
            inner.x,
            y,
            &label,
            label_w,
            if focused {
                theme.kind(form.kind)
            } else {
                theme.dim
            },
        );
        let shown = crate::document::sanitize::display_line(&field.input.text);
        put(
            buf,
            inner.x + label_w,
            y,
            &shown,
            inner.width.saturating_sub(label_w),
            theme.text,
        );
        if focused {
            let before =
                crate::document::sanitize::display_line(&field.input.text[..field.input.cursor]);
            cursor = Some((
                (inner.x + label_w + before.width() as u16).min(inner.right().saturating_sub(1)),
                y,
            ));
        }
        y += 1;
    }
    for (i, c) in candidates.iter().enumerate() {
        if y >= inner.bottom() {
            break;
        }
        let style = if form.highlight == Some(i) {
            theme.highlight
        } else {
            theme.dim
        };
        put(
            buf,
            inner.x + label_w,
            y,
            &crate::document::sanitize::display_line(c),
            inner.width.saturating_sub(label_w),
            style,
        );
        y += 1;
    }
    if y < inner.bottom() {
        put(
            buf,
            inner.x,
            y,
            "Tab next field · Enter preview · Esc cancel",
            inner.width,
            theme.dim,
        );
    }
    cursor
}

/// Before drawing: take new results and keep the selection in sight.
pub fn prepare(screen: &mut CorpusSearchScreen, area: Rect) {
    screen.poll();
    screen.scroll_into_view(area.height.saturating_sub(3) as usize);
}

/// Columns for the document's path: its longest shown path, within a third
/// of the width.
fn document_columns(screen: &CorpusSearchScreen, list: Rect) -> u16 {
    let longest = (screen.scroll..screen.scroll + list.height as usize)
        .filter_map(|r| screen.row(r))
        .map(|(d, _)| path_text(screen.shown_path(&d.document)).width())
        .max()
        .unwrap_or(8);
    (longest as u16 + 2).clamp(10, (list.width / 3).max(10))
}

/// `…` and the end of `text` when it is wider than `width` (a path's file
/// name says more than its first folders).
fn ellipsize_left(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut used = 1;
    for c in text.chars().rev() {
        let w = c.width().unwrap_or(0);
        if used + w > width {
            break;
        }
        kept.push(c);
        used += w;
    }
    let mut out = String::from("…");
    out.extend(kept.iter().rev());
    out
}

/// The matching line in `width` columns from `x`, its hits highlighted, shifted
/// left (with `…`) when the first hit would not show.
fn line_with_hits(
    buf: &mut Buffer,
    x: u16,
    y: u16,
    width: u16,
    hit: &Hit,
    base: ratatui::style::Style,
    theme: &Theme,
) {
    if width == 0 {
        return;
    }
    let (shown, map) = display_mapped(&hit.text);
    let shown = shown.replace('\n', "\u{23ce}");
    let ranges: Vec<(usize, usize)> = hit
        .ranges
        .iter()
        .map(|&(s, e)| {
            (
                raw_to_display(map.as_deref(), s),
                raw_to_display(map.as_deref(), e),
            )
        })
        .collect();
    // Leading blanks say nothing: start at the first visible character.
    let mut from = shown.len() - shown.trim_start().len();
    if let Some(&(first, end)) = ranges.first() {
        let hit_end = shown[from.min(first)..end].width();
        if hit_end > width as usize {
            // Start a few columns before the hit.
            let mut cols = 0;
            from = first;
            for (i, c) in shown[..first].char_indices().rev() {
                cols += c.width().unwrap_or(0);
                if cols > LEAD_COLUMNS {
                    break;
                }
                from = i;
            }
        }
    }
    let mut col = x;
    let right = x + width;
    if !shown[..from].trim().is_empty() {
        col += put(buf, col, y, "…", right - col, base.patch(theme.dim));
    }
    let mut at = from;
    for &(s, e) in &ranges {
        if e <= at || col >= right {
            continue;
        }
        let s = s.max(at);
        col += put(buf, col, y, &shown[at..s], right - col, base);
        col += put(
            buf,
            col,
            y,
            &shown[s..e],
            right - col,
            base.patch(theme.matched),
        );
        at = e;
    }
    if col < right {
        put(buf, col, y, &shown[at..], right - col, base);
    }
}

/// The keys line.
fn hints(screen: &CorpusSearchScreen, keymap: &Keymap) -> String {
    if screen.prompt.is_some() {
        return " Enter search · ↓ results · Esc back".to_string();
    }
    let tag_all = keymap.label_in(Section::Search, Command::TagAll);
    let mut out = " Enter open · j/k move · / new search".to_string();
    if !tag_all.is_empty() {
        out.push_str(&format!(" · {tag_all} tag all"));
    }
    out.push_str(" · Esc back");
    out
}
