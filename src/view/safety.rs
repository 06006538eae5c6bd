//! Overlays for keeping work safe: the orphan list and the write-to path prompt.

use ratatui::buffer::Buffer;
use unicode_width::UnicodeWidthStr;

use super::{Theme, centered, clear, dialog, list_row, put};
use crate::app::input::TextInput;
use crate::app::{App, SaveState};
use crate::command::Command;
use crate::document::sanitize::display_line;
use crate::sidecar::journal::JournalState;

/// The confirmation before quitting loses changes: what is lost and why, and
/// the typed answer; returns the cursor position.
pub fn confirm_loss(
    buf: &mut Buffer,
    app: &App,
    input: &TextInput,
    theme: &Theme,
) -> Option<(u16, u16)> {
    let area = app.layout.area;
    let (changes, journal) = match &app.journal_state {
        JournalState::OnlyInSession { changes, error } => (*changes, error.clone()),
        _ => (0, String::new()),
    };
    let save = match &app.save_state {
        SaveState::Failed(e) => e.clone(),
        _ => String::new(),
    };
    let paragraphs = [
        format!(
            "{changes} changed annotation(s) are only in this session: they are LOST if you quit."
        ),
        format!("The sidecar could not be saved: {save}"),
        format!("No journal could be written either: {journal}"),
        String::new(),
        "Type yes and Enter to quit and lose them.".to_string(),
        format!(
            "Esc goes back; {} then writes the sidecar elsewhere.",
            app.keymap.label(Command::WriteTo)
        ),
    ];
    // Reasons name long paths: wrapped, never cut.
    let width = area.width.clamp(20, 90) as usize - 2;
    let mut lines: Vec<(String, bool)> = Vec::new();
    for (i, text) in paragraphs.iter().enumerate() {
        let text = display_line(text);
        if text.is_empty() {
            lines.push((String::new(), false));
        }
        for row in crate::document::wrap::rows(&text, width) {
            lines.push((row.trim_end().to_string(), i == 0));
        }
    }
    let rect = centered(area, width as u16 + 2, lines.len() as u16 + 3);
    let inner = dialog(buf, rect, " Quit and lose your changes? ", theme);
    for (row, (line, loss)) in lines.iter().enumerate().take(inner.height as usize) {
        let style = if *loss {
            theme.text.patch(theme.status_error)
        } else {
            theme.text
        };
        put(buf, inner.x, inner.y + row as u16, line, inner.width, style);
    }
    if inner.height as usize <= lines.len() {
        return None;
    }
    let y = inner.y + lines.len() as u16;
    let used = put(buf, inner.x, y, "> ", inner.width, theme.text);
    let text = display_line(&input.text);
    put(
        buf,
        inner.x + used,
        y,
        &text,
        inner.width.saturating_sub(used),
        theme.text,
    );
    let before = display_line(&input.text[..input.cursor]).width() as u16;
    Some((
        (inner.x + used + before).min(inner.right().saturating_sub(1)),
        y,
    ))
}

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
