//! Overlays: the tag form, the note editor and the help screen.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Clear, Widget};
use unicode_width::UnicodeWidthStr;

use super::{Theme, centered, clear, dialog, ellipsize, put};
use crate::annotation::Kind;
use crate::app::App;
use crate::app::form::TagForm;
use crate::app::input::TextInput;
use crate::command::Command;
use crate::document::sanitize::{display, display_line};
use crate::document::wrap::wrap_rows;
use crate::keymap::Section;

/// The tag form; returns where the cursor goes.
pub fn form(buf: &mut Buffer, app: &App, form: &TagForm, theme: &Theme) -> Option<(u16, u16)> {
    let (registry, issues) = app.completion_sources();
    let candidates = form.candidates(&registry, &issues);
    let label_w = form.fields.iter().map(|f| f.label.len()).max().unwrap_or(0) as u16 + 3;
    // The form takes the panel's place, so the paragraph being tagged stays visible.
    let rect = app.layout.panel;
    let verb = if form.editing.is_some() {
        "Edit"
    } else {
        "Tag"
    };
    let kind = match form.kind {
        Kind::Claim => "claim",
        Kind::Advice => "advice",
        Kind::Position => "position",
    };
    let title = match (form.all, &app.search) {
        (Some(scope), Some(search)) => format!(
            " Tag all /{}: {kind} on every {} ",
            crate::document::sanitize::display_line(&search.query),
            if scope.quotes { "hit" } else { "paragraph" }
        ),
        _ => format!(" {verb} {kind} on ¶{} ", form.paragraph + 1),
    };
    let inner = dialog(buf, rect, &title, theme);
    let mut y = inner.y;
    let mut cursor = None;
    let value_w = inner.width.saturating_sub(label_w);
    // Every field keeps its row; the candidates get what is left, and on a
    // very small screen one candidate row takes the hint's place.
    let mut room = (inner.height as usize).saturating_sub(1 + form.fields.len());
    let show_hint = room > 0 || candidates.is_empty();
    if !show_hint {
        room = 1;
    }
    for (i, field) in form.fields.iter().enumerate() {
        if y >= inner.bottom() {
            break;
        }
        let focused = i == form.focus;
        let label = format!("{}{}:", if focused { "›" } else { " " }, field.label);
        let label_style = if focused {
            theme.kind(form.kind)
        } else {
            theme.dim
        };
        put(buf, inner.x, y, &label, label_w, label_style);
        let shown = display_line(&field.input.text);
        let before = display_line(&field.input.text[..field.input.cursor]);
        // Keep the cursor in view when the text is wider than the field.
        let skip_cols = (before.width() as u16 + 1).saturating_sub(value_w) as usize;
        let visible = skip_columns(&shown, skip_cols);
        put(buf, inner.x + label_w, y, visible, value_w, theme.text);
        if focused {
            cursor = Some((
                inner.x + label_w + (before.width() - skip_cols.min(before.width())) as u16,
                y,
            ));
        }
        y += 1;
        if focused {
            // Scrolled to keep the highlighted candidate in view.
            let first = form.highlight.map_or(0, |h| (h + 1).saturating_sub(room));
            for (j, c) in candidates.iter().enumerate().skip(first).take(room) {
                if y >= inner.bottom() {
                    break;
                }
                let style = if form.highlight == Some(j) {
                    theme.highlight
                } else {
                    theme.dim
                };
                // Room on the right for the numbered pick (`A-1`).
                let number = format!(" A-{}", j + 1);
                let room_for_number = value_w as usize > 16;
                let text_w = value_w.saturating_sub(if room_for_number { 6 } else { 2 });
                let text = ellipsize(&display_line(c), text_w as usize);
                put(
                    buf,
                    inner.x + label_w,
                    y,
                    &format!(
                        "{} {text}",
                        if form.highlight == Some(j) {
                            "▸"
                        } else {
                            " "
                        }
                    ),
                    value_w,
                    style,
                );
                if room_for_number && j < 9 {
                    let x = inner.x + label_w + value_w - number.len() as u16;
                    put(buf, x, y, &number, number.len() as u16, theme.dim);
                }
                y += 1;
            }
        }
    }
    let hint = match form.fields[form.focus].completion {
        crate::app::form::Completion::Stance => "support · oppose · neutral (a prefix is enough)",
        crate::app::form::Completion::Quote => {
            "Optional: words of the paragraph the tag is about · Enter save"
        }
        _ => "Tab/S-Tab field · ↓↑ pick · Enter save · Esc cancel",
    };
    // A new name close to a known one is flagged before it is saved.
    let focused = &form.fields[form.focus];
    let close = (focused.completion == crate::app::form::Completion::Actor)
        .then(|| registry.close_to(&focused.input.text))
        .flatten()
        .map(|name| {
            format!(
                "New name — did you mean '{}'? ↓ Tab takes it",
                display_line(&name)
            )
        });
    let (hint, hint_style) = match (app.editor_underneath(), &close) {
        (Some(u), _) => (u.message(), theme.disagreement),
        (None, Some(flag)) => (flag.as_str(), theme.disagreement),
        (None, None) => (hint, theme.dim),
    };
    if inner.height > 0 && show_hint {
        put(
            buf,
            inner.x,
            inner.bottom() - 1,
            &ellipsize(hint, inner.width as usize),
            inner.width,
            hint_style,
        );
    }
    cursor
}

fn skip_columns(s: &str, cols: usize) -> &str {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        if used >= cols {
            return &s[i..];
        }
        used += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
    }
    ""
}

/// The note editor; returns where the cursor goes.
pub fn note(buf: &mut Buffer, app: &App, input: &TextInput, theme: &Theme) -> Option<(u16, u16)> {
    let rect = app.layout.panel;
    let about = app
        .editor_annotation()
        .map(|a| display_line(&a.tag.summary()))
        .unwrap_or_default();
    let inner = dialog(buf, rect, &format!(" Note · {about} "), theme);
    if inner.height < 2 {
        return None;
    }
    // Changed underneath (another session saved): say so where the user
    // looks, on as many rows as it takes (up to 3, the text keeps one).
    let (hint, hint_style, most_rows) = match app.editor_underneath() {
        Some(u) => (u.message(), theme.disagreement, 3),
        None => ("Enter save · Alt-Enter new line · Esc cancel", theme.dim, 1),
    };
    let mut hint_rows: Vec<(usize, usize)> = Vec::new();
    wrap_rows(hint, inner.width.max(1) as usize, |s, e| {
        hint_rows.push((s, e));
        hint_rows.len() < most_rows
    });
    hint_rows.truncate((inner.height - 1) as usize);
    let text_h = inner.height - hint_rows.len().max(1) as u16;
    let shown = display(&input.text);
    let cursor_at = display(&input.text[..input.cursor]).len();
    let width = inner.width.saturating_sub(1).max(2) as usize;
    let mut rows: Vec<(usize, usize)> = Vec::new();
    wrap_rows(&shown, width, |s, e| {
        rows.push((s, e));
        true
    });
    // The row holding the cursor; scroll so it is visible.
    let cur_row = rows.iter().rposition(|&(s, _)| s <= cursor_at).unwrap_or(0);
    let first = (cur_row + 1).saturating_sub(text_h as usize);
    let mut cursor = None;
    for (k, &(s, e)) in rows.iter().enumerate().skip(first).take(text_h as usize) {
        let y = inner.y + (k - first) as u16;
        put(buf, inner.x, y, &shown[s..e], inner.width, theme.text);
        if k == cur_row {
            let col = shown[s..cursor_at.clamp(s, e.max(s))].width() as u16;
            cursor = Some((inner.x + col.min(inner.width.saturating_sub(1)), y));
        }
    }
    let hint_y = inner.y + text_h;
    for (k, &(s, e)) in hint_rows.iter().enumerate() {
        let row = if k + 1 == hint_rows.len() {
            ellipsize(&hint[s..], inner.width as usize)
        } else {
            hint[s..e].to_string()
        };
        put(
            buf,
            inner.x,
            hint_y + k as u16,
            &row,
            inner.width,
            hint_style,
        );
    }
    cursor.or(Some((inner.x, inner.y)))
}

/// Lines of the help screen, generated from the keymap and the command docs.
pub fn help_lines(app: &App) -> Vec<(String, bool)> {
    let mut lines = vec![(format!("Keymap: {}", app.keymap.name), true)];
    let key_w = 16;
    for section in Section::ALL {
        // The corpus list has its own help.
        if section == Section::Corpus {
            continue;
        }
        if section == Section::Search {
            lines.push((String::new(), false));
            lines.push(("While search results are shown".into(), true));
        }
        if section == Section::Selection {
            lines.push((String::new(), false));
            lines.push((
                format!(
                    "While words are selected ({}, {}, {} tag them)",
                    app.keymap.label(Command::TagClaim),
                    app.keymap.label(Command::TagAdvice),
                    app.keymap.label(Command::TagPosition)
                ),
                true,
            ));
        }
        for command in Command::ALL {
            let keys = app.keymap.keys_for(section, *command);
            if keys.is_empty() || (command.is_review() && !app.reviewing()) {
                continue;
            }
            let keys: Vec<String> = keys.iter().map(ToString::to_string).collect();
            lines.push((
                format!("  {:<key_w$} {}", keys.join(", "), command.doc()),
                false,
            ));
        }
    }
    lines.push((String::new(), false));
    lines.push(("In the tag form".into(), true));
    for (k, d) in [
        (
            "Tab, S-Tab",
            "Next / previous field (takes a highlighted completion)",
        ),
        ("Down, Up", "Highlight a completion (C-n, C-p too)"),
        ("A-1 … A-9", "Take that completion and go to the next field"),
        ("Enter", "Save the annotation"),
        ("Esc", "Cancel"),
    ] {
        lines.push((format!("  {k:<key_w$} {d}"), false));
    }
    lines.push((String::new(), false));
    lines.push(("In the note editor".into(), true));
    for (k, d) in [
        ("Enter", "Save the note"),
        ("Alt-Enter, C-j", "New line"),
        ("Esc", "Cancel"),
    ] {
        lines.push((format!("  {k:<key_w$} {d}"), false));
    }
    lines.push((String::new(), false));
    lines.push((
        "Mouse: click selects a paragraph, dragging over its text selects words, the wheel scrolls.".into(),
        false,
    ));
    lines.push((
        "Every change is saved at once; q never loses work.".into(),
        false,
    ));
    lines
}

/// Column where a help line's description starts (after the keys).
const HELP_INDENT: usize = 19;

pub fn help(buf: &mut Buffer, area: Rect, app: &App, scroll: usize, theme: &Theme) {
    // The help stands alone: nothing of the document shows around it.
    Clear.render(area, buf);
    clear(buf, area, theme.text);
    let logical = help_lines(app);
    // As wide as the longest line needs (up to the screen); a line still too
    // long wraps under its description.
    let longest = logical.iter().map(|(t, _)| t.width()).max().unwrap_or(0);
    let width = (longest as u16 + 3).max(40).min(area.width);
    let text_w = (width as usize).saturating_sub(3).max(HELP_INDENT + 10);
    let mut lines: Vec<(String, bool)> = Vec::with_capacity(logical.len());
    for (text, heading) in logical {
        if text.width() <= text_w {
            lines.push((text, heading));
            continue;
        }
        let mut first = true;
        let body = text.clone();
        let (lead, rest) = if body.starts_with("  ") && body.len() > HELP_INDENT {
            body.split_at(body.floor_char_boundary(HELP_INDENT))
        } else {
            ("", body.as_str())
        };
        let lead_w = lead.width();
        wrap_rows(rest, text_w - lead_w, |s, e| {
            let pad = if first {
                lead.to_string()
            } else {
                " ".repeat(lead_w)
            };
            lines.push((format!("{pad}{}", rest[s..e].trim_start()), heading));
            first = false;
            true
        });
    }
    let rect = centered(area, width, lines.len() as u16 + 2);
    let shown = rect.height.saturating_sub(2) as usize;
    let max_scroll = lines.len().saturating_sub(shown);
    let first = scroll.min(max_scroll);
    let title = if max_scroll == 0 {
        " Help — any key closes ".to_string()
    } else {
        format!(
            " Help {}–{} of {} — j/k scroll, any other key closes ",
            first + 1,
            (first + shown).min(lines.len()),
            lines.len()
        )
    };
    let inner = dialog(buf, rect, &title, theme);
    for (i, (text, heading)) in lines
        .iter()
        .skip(scroll.min(max_scroll))
        .take(inner.height as usize)
        .enumerate()
    {
        let style = if *heading { theme.bar } else { theme.text };
        put(
            buf,
            inner.x + 1,
            inner.y + i as u16,
            text,
            inner.width.saturating_sub(1),
            style,
        );
    }
}
