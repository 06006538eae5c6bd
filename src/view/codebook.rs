//! The codebook view and the metadata panel: dialogs over the document.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use unicode_width::UnicodeWidthStr;

use super::{Theme, centered, dialog, ellipsize, list_row, put};
use crate::app::App;
use crate::app::codebook::{CodebookTab, CodebookView, MetaSource, MetadataView};
use crate::app::input::TextInput;
use crate::document::sanitize::display_line;

/// A dialog as large as the screen allows, leaving a margin and the status line.
fn big_dialog(app: &App) -> Option<Rect> {
    let area = app.layout.area;
    if area.width < 10 || area.height < 6 {
        return None;
    }
    Some(centered(
        area,
        area.width.min(110),
        area.height.saturating_sub(1),
    ))
}

/// One line of `inner` at `row`, clipped, in the theme's text style.
fn line(buf: &mut Buffer, inner: Rect, row: u16, text: &str, style: ratatui::style::Style) {
    if row < inner.height {
        let text = ellipsize(&display_line(text), inner.width as usize);
        put(buf, inner.x, inner.y + row, &text, inner.width, style);
    }
}

/// A prompt line `label: text` at `row`; returns the cursor position.
fn prompt_line(
    buf: &mut Buffer,
    inner: Rect,
    row: u16,
    label: &str,
    input: &TextInput,
    theme: &Theme,
) -> Option<(u16, u16)> {
    if row >= inner.height {
        return None;
    }
    let head = format!("{label}: ");
    let y = inner.y + row;
    let used = put(buf, inner.x, y, &head, inner.width, theme.highlight);
    let shown = display_line(&input.text);
    let x = inner.x + used;
    put(
        buf,
        x,
        y,
        &shown,
        inner.width.saturating_sub(used),
        theme.text,
    );
    let before = display_line(&input.text[..input.cursor.min(input.text.len())]);
    let cx = (x + before.width() as u16).min(inner.right().saturating_sub(1));
    Some((cx, y))
}

/// Draw the codebook view; returns the cursor when a prompt is open.
pub fn codebook(
    buf: &mut Buffer,
    app: &App,
    view: &CodebookView,
    theme: &Theme,
) -> Option<(u16, u16)> {
    let rect = big_dialog(app)?;
    let (actors, issues) = (view.actors.len(), view.issues.len());
    let tabs = match view.tab {
        CodebookTab::Actors => format!("[Actors {actors}]  Issues {issues}"),
        CodebookTab::Issues => format!("Actors {actors}  [Issues {issues}]"),
    };
    // Where changes go: the project file, or only this sidecar's registry.
    let source = if app.project.is_some() {
        "gloss.ron"
    } else {
        "your sidecar; no gloss.ron"
    };
    let title = format!(" Codebook ({source}) — {tabs}  (Tab) ");
    let inner = dialog(buf, rect, &title, theme);
    if inner.height < 3 {
        return None;
    }
    // Rows: the list, a blank, two rows of detail, the hint or prompt.
    let footer = 4.min(inner.height.saturating_sub(1));
    let list_rows = (inner.height - footer) as usize;
    let rows = view.rows();
    let first = view.selected.saturating_sub(list_rows.saturating_sub(1));
    let width = rows
        .iter()
        .map(|r| display_line(&r.name).width())
        .max()
        .unwrap_or(0)
        .min(inner.width as usize / 2);
    if rows.is_empty() {
        line(
            buf,
            inner,
            0,
            "  (nothing yet: names come from tags, or gloss init)",
            theme.dim,
        );
    }
    for (row, (i, r)) in rows
        .iter()
        .enumerate()
        .skip(first)
        .take(list_rows)
        .enumerate()
    {
        let name = display_line(&r.name);
        let pad = width.saturating_sub(name.width());
        let detail = match view.tab {
            CodebookTab::Actors if r.detail.is_empty() => String::new(),
            CodebookTab::Actors => format!("  aka {}", r.detail.join(", ")),
            CodebookTab::Issues => r
                .detail
                .first()
                .map(|g| format!("  [{g}]"))
                .unwrap_or_default(),
        };
        let project = r
            .project
            .map(|n| format!(" {n:>4} in project"))
            .unwrap_or_default();
        let text = format!(
            "{name}{}  {:>3} here{project}{}",
            " ".repeat(pad),
            r.here,
            detail
        );
        list_row(
            buf,
            inner,
            row,
            &display_line(&text),
            i == view.selected,
            theme,
        );
    }
    let base = inner.height - footer;
    if let Some(r) = view.current() {
        let label = match view.tab {
            CodebookTab::Actors => "Description",
            CodebookTab::Issues => "Definition",
        };
        let text = r.text.as_deref().unwrap_or("—");
        line(
            buf,
            inner,
            base + 1,
            &format!("{label}: {text}"),
            theme.text,
        );
        if !r.attributes.is_empty() {
            let attrs: Vec<String> = r
                .attributes
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect();
            line(buf, inner, base + 2, &attrs.join(" · "), theme.dim);
        }
    }
    let last = inner.height - 1;
    match &view.prompt {
        Some((action, input)) => {
            prompt_line(buf, inner, last, action.label(view.tab), input, theme)
        }
        None => {
            let hint = match view.tab {
                CodebookTab::Actors => {
                    "a/x alias  r rename  m merge into  e describe  D delete  u undo  Esc close"
                }
                CodebookTab::Issues => {
                    "r rename  m merge into  e define  g group  D delete  u undo  Esc close"
                }
            };
            line(buf, inner, last, hint, theme.dim);
            None
        }
    }
}

/// Draw the metadata panel; returns the cursor while a value is edited.
pub fn metadata(
    buf: &mut Buffer,
    app: &App,
    view: &MetadataView,
    theme: &Theme,
) -> Option<(u16, u16)> {
    let rect = big_dialog(app)?;
    let title = match &app.project {
        Some(p) if p.exists => format!(" Metadata — {} ", p.key),
        Some(p) => format!(" Metadata — {} (project file not yet written) ", p.key),
        None => format!(
            " Metadata — {} (no project file: a correction creates gloss.ron here) ",
            app.doc.file_name()
        ),
    };
    let inner = dialog(buf, rect, &title, theme);
    if inner.height < 2 {
        return None;
    }
    let stored = app
        .project
        .as_ref()
        .map(|p| p.stored_meta())
        .unwrap_or_default();
    let fields = view.fields(&stored);
    // The list, then the selected value in full (long citations), then the hint.
    let room = inner.height.saturating_sub(1) as usize;
    let list_rows = if room > fields.len() + 2 {
        fields.len()
    } else {
        room.max(1)
    };
    let first = view.selected.saturating_sub(list_rows.saturating_sub(1));
    let label_width = fields.iter().map(|f| f.width()).max().unwrap_or(0);
    let mut cursor = None;
    for (row, (i, field)) in fields
        .iter()
        .enumerate()
        .skip(first)
        .take(list_rows)
        .enumerate()
    {
        let (value, source) = view.value(&stored, field);
        let mark = match source {
            MetaSource::Stored => "stored  ",
            MetaSource::Detected => "detected",
            MetaSource::Missing => "        ",
        };
        let selected = i == view.selected;
        if selected
            && !view.adding
            && let Some(input) = &view.input
        {
            let label = format!("  {field:<label_width$}  {mark}");
            cursor = prompt_line(buf, inner, row as u16, &label, input, theme);
            continue;
        }
        let value = value.unwrap_or_else(|| "—".into());
        let text = format!("{field:<label_width$}  {mark}  {}", display_line(&value));
        list_row(buf, inner, row, &text, selected, theme);
    }
    let hint_row = inner.height - 1;
    let detail_top = list_rows as u16 + 1;
    if let Some(field) = fields.get(view.selected)
        && let (Some(value), _) = view.value(&stored, field)
        && detail_top < hint_row
    {
        let shown = display_line(&value);
        let mut y = detail_top;
        crate::document::wrap::wrap_rows(&shown, inner.width as usize, |s, e| {
            put(
                buf,
                inner.x,
                inner.y + y,
                &shown[s..e],
                inner.width,
                theme.text,
            );
            y += 1;
            y < hint_row
        });
    }
    if view.adding
        && let Some(input) = &view.input
    {
        return prompt_line(
            buf,
            inner,
            hint_row,
            "New field (name: value)",
            input,
            theme,
        );
    }
    let hint = if view.input.is_some() {
        "Enter stores the value (empty clears it) · Esc cancels"
    } else {
        "Enter edit  + new field  x clear stored value (back to detected)  u undo  Esc"
    };
    line(buf, inner, hint_row, hint, theme.dim);
    cursor
}
