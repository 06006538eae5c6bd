//! The annotation panel: every annotation of the selected paragraph.

use ratatui::buffer::Buffer;
use unicode_width::UnicodeWidthStr;

use super::{Theme, bordered, ellipsize, put};
use crate::app::App;
use crate::command::Command;
use crate::document::sanitize::display;
use crate::document::wrap::wrap_rows;

use crate::app::review::PANEL_NOTE_ROWS as NOTE_ROWS;

pub fn draw(buf: &mut Buffer, app: &App, theme: &Theme) {
    if app.reviewing() {
        return super::review::panel(buf, app, theme);
    }
    let area = app.layout.panel;
    if area.width < 4 || area.height < 2 {
        return;
    }
    let anns = app.annotations_on(app.selected);
    let title = if app.doc.is_empty() {
        " no paragraphs ".to_string()
    } else {
        let p = app.doc.paragraph(app.selected.min(app.doc.len() - 1));
        let count = match anns.len() {
            0 => "no tags".to_string(),
            1 => "1 tag".to_string(),
            n => format!("{n} tags"),
        };
        let lines = if p.line_start == p.line_end {
            format!("line {}", p.line_start)
        } else {
            format!("lines {}–{}", p.line_start, p.line_end)
        };
        format!(" ¶{} · {lines} · {count} ", app.selected + 1)
    };
    let inner = bordered(buf, area, &title, theme.border);
    let width = inner.width as usize;
    let suggested = super::suggestions::rows(app, theme, width);
    let notes = note_rows(app, width, theme);
    if anns.is_empty() {
        let hint = format!(
            "{} claim · {} advice · {} position · {} help",
            app.keymap.label(Command::TagClaim),
            app.keymap.label(Command::TagAdvice),
            app.keymap.label(Command::TagPosition),
            app.keymap.label(Command::Help),
        );
        let hints = hint_rows(&hint, width);
        // The key hint first: a long note must not hide it.
        let rows = hints
            .into_iter()
            .map(|h| (h, theme.dim))
            .chain(notes.iter().cloned())
            .chain(suggested.iter().cloned());
        for (k, (row, style)) in rows.take(inner.height as usize).enumerate() {
            put(buf, inner.x, inner.y + k as u16, &row, inner.width, style);
        }
        return;
    }
    // Lines for each annotation, then scroll so the selected one is visible.
    let mut blocks: Vec<Vec<(String, ratatui::style::Style)>> = Vec::new();
    for (i, a) in anns.iter().enumerate() {
        let mut lines = Vec::new();
        let mark = a.kind().mark();
        let summary = display(&a.tag.summary()).replace('\n', " ");
        let head = format!("{mark} {summary}");
        let style = if i == app.selected_annotation {
            theme.kind(a.kind()).patch(theme.highlight)
        } else {
            theme.kind(a.kind())
        };
        let mut first = true;
        wrap_rows(&head, width, |s, e| {
            lines.push((
                head[s..e].to_string(),
                if first { style } else { theme.text },
            ));
            first = false;
            true
        });
        if let Some(note) = &a.note {
            let shown = display(note);
            let mut n = 0;
            wrap_rows(&shown, width.saturating_sub(2), |s, e| {
                if n == NOTE_ROWS {
                    // More than fits: the last row kept says so.
                    if let Some((last, _)) = lines.last_mut() {
                        *last = cut(last, width);
                    }
                    return false;
                }
                let prefix = if n == 0 { "✎ " } else { "  " };
                lines.push((format!("{prefix}{}", &shown[s..e]), theme.text));
                n += 1;
                true
            });
        }
        // The selected annotation's quote in full; the others' in brief.
        let full_quote = i == app.selected_annotation && a.anchor.narrowed;
        if full_quote {
            let text = app.doc.paragraph_text(app.selected);
            let (cut_start, cut_end) = match a.anchor.quote_range(text) {
                Some((s, e)) => (!text[..s].trim().is_empty(), !text[e..].trim().is_empty()),
                None => (false, false),
            };
            let shown = format!(
                "“{}{}{}”",
                if cut_start { "…" } else { "" },
                display(a.anchor.quote.trim()).replace('\n', " "),
                if cut_end { "…" } else { "" }
            );
            wrap_rows(&shown, width.saturating_sub(2), |s, e| {
                lines.push((format!("  {}", &shown[s..e]), theme.text));
                true
            });
        }
        let quote = if a.anchor.narrowed && !full_quote {
            format!(
                " · “{}”",
                ellipsize(&display(&a.anchor.quote).replace('\n', " "), 24)
            )
        } else {
            String::new()
        };
        let origin = a
            .origin
            .as_ref()
            .map(|o| format!(" · from {}", display(&o.annotator)))
            .unwrap_or_default();
        let conflict = if app.unsettled.iter().any(|(id, _)| *id == a.id) {
            "⚠ merge conflict: our version"
        } else if app.unsettled.iter().any(|(_, copy)| *copy == a.id) {
            "⚠ merge conflict: their version"
        } else {
            ""
        };
        let when = a
            .modified
            .get(..16)
            .unwrap_or(&a.modified)
            .replace('T', " ");
        lines.push((
            ellipsize(&format!("  {when}{quote}{origin}"), width),
            theme.dim,
        ));
        if !conflict.is_empty() {
            lines.push((
                ellipsize(&format!("  {conflict}"), width),
                theme.disagreement,
            ));
        }
        blocks.push(lines);
    }
    if !notes.is_empty() {
        blocks.push(notes);
    }
    // Suggestions keep up to half the panel below the annotations.
    let reserved = suggested
        .len()
        .min((inner.height as usize / 2).max(2))
        .min(inner.height as usize);
    let height = inner.height as usize - reserved;
    let mut start = 0;
    let rows_through =
        |from: usize, to: usize| -> usize { blocks[from..=to].iter().map(Vec::len).sum() };
    while start < app.selected_annotation
        && rows_through(start, app.selected_annotation.min(blocks.len() - 1)) > height
    {
        start += 1;
    }
    let rows: Vec<&(String, ratatui::style::Style)> = blocks[start..].iter().flatten().collect();
    // The suggestions follow the annotations, a row between when it fits.
    let shown = rows.len().min(height);
    let top = (shown + 1).min(height);
    for (k, (row, style)) in suggested
        .iter()
        .take(inner.height as usize - top)
        .enumerate()
    {
        let y = inner.y + (top + k) as u16;
        put(buf, inner.x, y, row, inner.width, *style);
    }
    for (k, (text, style)) in rows.iter().take(height).enumerate() {
        // The last row says when more is cut off below it.
        let text = if k + 1 == height && rows.len() > height {
            cut(text, width)
        } else {
            text.clone()
        };
        put(buf, inner.x, inner.y + k as u16, &text, inner.width, *style);
    }
}

/// The selected paragraph's footnotes and endnotes (TEI `note`, DOCX
/// footnotes), kept out of its text: `† 1 text`, wrapped.
fn note_rows(app: &App, width: usize, theme: &Theme) -> Vec<(String, ratatui::style::Style)> {
    let mut rows = Vec::new();
    let Some(provenance) = app.doc.provenance(app.selected) else {
        return rows;
    };
    for note in &provenance.notes {
        let head = match &note.n {
            Some(n) => format!("† {} ", display(n)),
            None => "† ".to_string(),
        };
        let shown = format!("{head}{}", display(&note.text).replace('\n', " "));
        let mut first = true;
        wrap_rows(&shown, width.saturating_sub(2), |s, e| {
            let prefix = if first { "" } else { "  " };
            rows.push((format!("{prefix}{}", &shown[s..e]), theme.dim));
            first = false;
            true
        });
    }
    rows
}

/// `row` ending in `…` within `width` columns: more follows that is not shown.
fn cut(row: &str, width: usize) -> String {
    let mut out = row.trim_end().to_string();
    while out.width() + 1 > width {
        if out.pop().is_none() {
            break;
        }
    }
    out.push('…');
    out
}

/// The key hint in rows of `width`, broken only between its ` · ` items, so
/// no key is split from what it does (an item wider than a row is cut).
fn hint_rows(hint: &str, width: usize) -> Vec<String> {
    let mut rows: Vec<String> = Vec::new();
    let mut row = String::new();
    for item in hint.split(" · ") {
        let joined = if row.is_empty() {
            item.to_string()
        } else {
            format!("{row} · {item}")
        };
        if joined.width() <= width || row.is_empty() {
            row = joined;
        } else {
            rows.push(std::mem::take(&mut row));
            row = item.to_string();
        }
    }
    if !row.is_empty() {
        rows.push(row);
    }
    rows.into_iter().map(|r| ellipsize(&r, width)).collect()
}

#[cfg(test)]
mod tests {
    use crate::annotation::{Annotation, Tag};
    use crate::app::App;
    use crate::document::Document;
    use crate::document::anchor::Anchor;
    use crate::keymap::Keymap;
    use crate::sidecar::Sidecar;
    use crate::view::{self, Theme};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use std::path::Path;

    #[test]
    fn both_versions_of_a_merge_conflict_are_marked() {
        let doc = Document::from_text(Path::new("d.txt"), "Nam Il spoke.\n");
        let mut sidecar = Sidecar::new(&doc, "kim");
        let ours = Annotation::new(
            Tag::Claim {
                by: "Nam Il".into(),
            },
            Anchor::whole(&doc, 0),
        );
        let mut theirs = ours.clone();
        theirs.id = format!("{}~1", ours.id);
        theirs.tag = Tag::Claim { by: "Pak".into() };
        sidecar.annotations = vec![ours.clone(), theirs.clone()];
        let mut app = App::new(doc, sidecar, Keymap::default_keymap());
        assert_eq!(app.unsettled, vec![(ours.id.clone(), theirs.id.clone())]);
        let mut terminal = Terminal::new(TestBackend::new(100, 20)).unwrap();
        terminal
            .draw(|frame| {
                app.prepare_frame(frame.area());
                view::draw(frame, &app, &Theme::mono());
            })
            .unwrap();
        let buf = terminal.backend().buffer();
        let text: String = crate::view::screen_text(buf);
        assert!(text.contains("⚠ merge conflict: our version"), "{text}");
        assert!(text.contains("⚠ merge conflict: their version"), "{text}");
    }

    #[test]
    fn a_paragraphs_notes_show_in_the_gutter_and_the_panel() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memo.xml");
        std::fs::write(
            &path,
            "<TEI><text><body><p>First.</p><p>Second.<note n=\"7\">Source: a file.</note></p></body></text></TEI>",
        )
        .unwrap();
        let doc = Document::open(&path).unwrap();
        let sidecar = Sidecar::new(&doc, "kim");
        let mut app = App::new(doc, sidecar, Keymap::default_keymap());
        let screen = |app: &mut App| {
            let mut terminal = Terminal::new(TestBackend::new(100, 12)).unwrap();
            terminal
                .draw(|frame| {
                    app.prepare_frame(frame.area());
                    view::draw(frame, app, &Theme::mono());
                })
                .unwrap();
            let buf = terminal.backend().buffer();
            crate::view::screen_text(buf)
        };
        let first = screen(&mut app);
        assert!(first.contains("2†"), "{first}");
        assert!(!first.contains("1†"), "{first}");
        assert!(!first.contains("Source: a file."), "{first}");
        app.selected = 1;
        let second = screen(&mut app);
        assert!(second.contains("† 7 Source: a file."), "{second}");
    }
}
