//! The status line: file, annotator, position, counts, save state, messages.

use ratatui::buffer::Buffer;
use unicode_width::UnicodeWidthStr;

use super::{Theme, clear, ellipsize, put};
use crate::app::input::TextInput;
use crate::app::{App, SaveState};
use crate::document::sanitize::display_line;

pub fn draw(buf: &mut Buffer, app: &App, theme: &Theme) {
    let area = app.layout.status;
    if area.height == 0 {
        return;
    }
    clear(buf, area, theme.status);
    let [c, a, p] = app.counts();
    let save = match &app.save_state {
        SaveState::Saved => "✓ saved",
        SaveState::Pending => "… saving",
        SaveState::Failed(_) => "✗ NOT SAVED",
    };
    let ro = if app.read_only { " · read-only" } else { "" };
    let orphans = if app.orphans.is_empty() {
        String::new()
    } else {
        format!(" · {} orphaned", app.orphans.len())
    };
    let disk = match &app.disk_change {
        Some(crate::document::DiskChange::Changed) => " · changed on disk",
        Some(crate::document::DiskChange::Gone(_)) => " · gone from disk",
        None => "",
    };
    let right = format!(
        " ¶{}/{} · C{c} A{a} P{p}{orphans} · {save}{ro}{disk} ",
        if app.doc.is_empty() {
            0
        } else {
            app.selected + 1
        },
        if app.doc.is_complete() {
            app.doc.len().to_string()
        } else if app.doc.is_empty() && app.doc.is_extracted() {
            "… extracting".to_string()
        } else {
            format!("{}… indexing", app.doc.len())
        },
    );
    let left = format!(
        " {} · {} ",
        display_line(&app.doc.file_name()),
        display_line(app.annotator())
    );
    let width = area.width as usize;
    // The right part (position, counts, save state) always shows in full.
    let right = ellipsize(&right, width);
    let right_w = right.width() as u16;
    put(
        buf,
        area.x + area.width - right_w,
        area.y,
        &right,
        right_w,
        theme.status,
    );
    let room = width.saturating_sub(right_w as usize);
    let message = match (&app.save_state, &app.status) {
        // A warning given after the failure (e.g. "press q again") comes first;
        // the right side still says NOT SAVED.
        (SaveState::Failed(_), Some(m)) if m.error => Some((m.text.clone(), true)),
        // Where the work is and what to do come first: the reason may be long.
        (SaveState::Failed(e), _) => Some((
            format!(
                "{} — {} writes elsewhere; {}could not save: {e} (retrying)",
                match app.where_unsaved_work_is() {
                    Some(place) => format!("Changes {place}"),
                    None => "Not saved".to_string(),
                },
                app.keymap.label(crate::command::Command::WriteTo),
                match app.journal_state {
                    crate::sidecar::journal::JournalState::OnlyInSession { .. } => {
                        "no journal could be written, "
                    }
                    _ => "",
                }
            ),
            true,
        )),
        (_, Some(m)) => Some((m.text.clone(), m.error)),
        _ => None,
    };
    // A message has the room first: the file and annotator shrink, and give
    // way when fewer than 12 columns would remain for them.
    let message = message.map(|(text, error)| (display_line(&text), error));
    let wanted = message.as_ref().map_or(0, |(t, _)| t.width() + 2);
    let left_room = if message.is_none() {
        room
    } else {
        room.saturating_sub(wanted)
    };
    let left = if left.width() <= left_room {
        left
    } else if left_room >= 12 {
        // Cut, but keep a space before the message.
        format!("{} ", ellipsize(&left, left_room - 1))
    } else {
        " ".to_string()
    };
    let used = put(buf, area.x, area.y, &left, room as u16, theme.status);
    if let Some((text, error)) = message {
        let style = if error {
            theme.status.patch(theme.status_error)
        } else {
            theme.status
        };
        let msg = ellipsize(&text, room.saturating_sub(used as usize + 1));
        put(
            buf,
            area.x + used,
            area.y,
            &msg,
            (room as u16).saturating_sub(used),
            style,
        );
    }
}

/// The search prompt in the status line; returns the cursor position.
pub fn prompt(buf: &mut Buffer, app: &App, input: &TextInput, theme: &Theme) -> Option<(u16, u16)> {
    let area = app.layout.status;
    if area.height == 0 {
        return None;
    }
    clear(buf, area, theme.status);
    let shown = display_line(&input.text);
    let before = display_line(&input.text[..input.cursor]);
    let hint = "  Enter search · Esc cancel";
    put(buf, area.x, area.y, "/", 1, theme.status);
    let used = put(
        buf,
        area.x + 1,
        area.y,
        &shown,
        area.width.saturating_sub(1),
        theme.status,
    );
    put(
        buf,
        area.x + 1 + used,
        area.y,
        hint,
        area.width.saturating_sub(1 + used),
        theme.status.patch(theme.dim),
    );
    let x = (area.x + 1 + before.width() as u16).min(area.right().saturating_sub(1));
    Some((x, area.y))
}
