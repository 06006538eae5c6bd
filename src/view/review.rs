//! Review drawing: the annotators' header, one gutter column group per
//! annotator, the everyone-panel, and the agreement overlay.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::{Block, Borders, Widget};
use unicode_width::UnicodeWidthStr;

use super::{Theme, centered, clear, dialog, ellipsize, put};
use crate::annotation::Kind;
use crate::app::App;
use crate::app::review::{LineRole, Review};
use crate::command::Command;
use crate::document::sanitize::display_line;

/// Columns of one annotator's marks in the gutter (`CAP`) plus a space.
const GROUP: u16 = 4;

/// The annotators' names, `ana (you) · ben`, in gutter order.
fn names(app: &App, review: &Review) -> Vec<String> {
    let mut out = vec![display_line(app.annotator())];
    out.extend(review.others.iter().map(|l| display_line(&l.annotator)));
    out
}

/// Three-column labels of the gutter groups: the names' first three
/// characters, or numbers when two of those would be the same.
fn column_labels(names: &[String]) -> Vec<String> {
    let short: Vec<String> = names
        .iter()
        .map(|n| {
            let mut s = String::new();
            for c in n.chars() {
                if s.width() + c.to_string().width() > 3 {
                    break;
                }
                s.push(c);
            }
            s
        })
        .collect();
    let unique = short
        .iter()
        .enumerate()
        .all(|(i, s)| !s.is_empty() && !short[..i].contains(s));
    if unique {
        short
    } else {
        (1..=names.len()).map(|i| format!("#{i}")).collect()
    }
}

/// The header row: a label above each gutter group, then a legend.
pub fn header(buf: &mut Buffer, app: &App, theme: &Theme) {
    let Some(review) = &app.review else {
        return;
    };
    let area = app.layout.header;
    if area.height == 0 || area.width == 0 {
        return;
    }
    clear(buf, area, theme.text);
    let digits = app.doc.len().max(1).to_string().len() as u16;
    let marks_x = area.x + 1 + digits + 1;
    let gutter_end = area.x + app.layout.gutter;
    let names = names(app, review);
    let labels = column_labels(&names);
    for (g, label) in labels.iter().enumerate() {
        let x = marks_x + g as u16 * GROUP;
        if x + 3 > gutter_end {
            break;
        }
        put(buf, x, area.y, label, 3, theme.bar);
    }
    // The legend says which column is whose, so the labels above the marks
    // do not read as more names.
    let mut text = "columns: ".to_string();
    for (g, (label, name)) in labels.iter().zip(&names).enumerate() {
        if g > 0 {
            text.push_str(" · ");
        }
        if label != name {
            text.push_str(&format!("{label}={name}"));
        } else {
            text.push_str(name);
        }
        if g == 0 {
            text.push_str(if review.compare_own {
                " (you)"
            } else {
                " (you, adjudicating)"
            });
        }
    }
    let n = review.comparison.disputed.len();
    text.push_str(&match n {
        0 => " — no disagreements".to_string(),
        1 => " — 1 disagreement".to_string(),
        n => format!(" — {n} disagreements"),
    });
    let text_x = gutter_end;
    let width = area.right().saturating_sub(text_x);
    put(
        buf,
        text_x,
        area.y,
        &ellipsize(&text, width as usize),
        width,
        theme.dim,
    );
}

/// The review part of a paragraph's gutter: the number marked where the
/// annotators disagree, and each annotator's kind marks.
#[allow(clippy::too_many_arguments)]
pub fn gutter(
    buf: &mut Buffer,
    app: &App,
    theme: &Theme,
    index: usize,
    x: u16,
    y: u16,
    digits: usize,
) {
    let Some(review) = &app.review else {
        return;
    };
    let end = x + app.layout.gutter;
    let disputed = review.comparison.kinds_on(index);
    if review.comparison.is_disputed(index) {
        let number = format!("{:>digits$}", index + 1);
        put(buf, x + 1, y, &number, digits as u16, theme.disagreement);
        put(buf, x + 1 + digits as u16, y, "≠", 1, theme.disagreement);
    }
    let marks_x = x + 1 + digits as u16 + 1;
    let groups = 1 + review.others.len();
    for g in 0..groups {
        let kinds = if g == 0 {
            app.kinds_on(index)
        } else {
            app.other_kinds_on(g - 1, index)
        };
        let compared = g > 0 || review.compare_own;
        let gx = marks_x + g as u16 * GROUP;
        for (i, (k, present)) in Kind::ALL.iter().zip(kinds).enumerate() {
            let mx = gx + i as u16;
            if mx >= end {
                return;
            }
            if present {
                put(buf, mx, y, &k.mark().to_string(), 1, theme.kind(*k));
            } else if compared && disputed[i] {
                put(buf, mx, y, "·", 1, theme.disagreement);
            } else {
                put(buf, mx, y, "·", 1, Style::default().patch(theme.dim));
            }
        }
    }
}

/// The panel listing every annotator's annotations on the selected paragraph.
pub fn panel(buf: &mut Buffer, app: &App, theme: &Theme) {
    let Some(review) = &app.review else {
        return;
    };
    let area = app.layout.panel;
    if area.width < 4 || area.height < 2 {
        return;
    }
    let entries = app.entries_on(app.selected);
    let disputed = review.comparison.kinds_on(app.selected);
    let title = if app.doc.is_empty() {
        " no paragraphs ".to_string()
    } else {
        let kinds: Vec<&str> = Kind::ALL
            .iter()
            .zip(disputed)
            .filter(|(_, d)| *d)
            .map(|(k, _)| k.as_str())
            .collect();
        let state = if kinds.is_empty() {
            "agreed".to_string()
        } else {
            format!("≠ {}", kinds.join(", "))
        };
        let n = entries.len();
        let tags = if n == 1 { "tag" } else { "tags" };
        format!(" ¶{} · {n} {tags} · {state} ", app.selected + 1)
    };
    let title_style = if disputed.iter().any(|&d| d) {
        theme.disagreement
    } else {
        theme.border
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(ratatui::text::Span::styled(
            ellipsize(&title, area.width.saturating_sub(2) as usize),
            title_style,
        ));
    let inner = block.inner(area);
    block.render(area, buf);
    let width = inner.width as usize;
    let lines = app.review_lines(width);
    let hint = format!(
        "{} adopt · {} replace mine · {} adopt agreed · {}/{} disagreements · {} figures",
        app.keymap.label(Command::Adopt),
        app.keymap.label(Command::ReplaceMine),
        app.keymap.label(Command::AdoptAgreed),
        app.keymap.label(Command::NextDisagreement),
        app.keymap.label(Command::PrevDisagreement),
        app.keymap.label(Command::Agreement),
    );
    let height = inner.height as usize;
    let body = height.saturating_sub(1).max(1);
    // What differs stays on top (when it takes at most half the room); the
    // rest scrolls so the selected entry shows whole (its start when it is
    // taller than the room).
    let pinned = lines
        .iter()
        .take_while(|l| l.role == LineRole::Differs)
        .count();
    let pinned = if pinned <= body / 2 { pinned } else { 0 };
    let room = body - pinned;
    let selected = Some(app.selected_annotation);
    let first = lines.iter().position(|l| l.entry == selected);
    let last = lines.iter().rposition(|l| l.entry == selected);
    let start = match (first, last) {
        (Some(f), Some(l)) => (l + 1).saturating_sub(room).min(f).max(pinned),
        _ => pinned,
    };
    let shown = lines[..pinned]
        .iter()
        .chain(lines.iter().skip(start).take(room));
    for (k, line) in shown.enumerate() {
        let style = match line.role {
            LineRole::Differs => theme.disagreement,
            LineRole::Annotator => theme.bar,
            LineRole::Nothing | LineRole::Quote => theme.dim,
            LineRole::Tag { kind, selected } => {
                if selected {
                    theme.kind(kind).patch(theme.highlight)
                } else {
                    theme.kind(kind)
                }
            }
        };
        put(
            buf,
            inner.x,
            inner.y + k as u16,
            &ellipsize(&line.text, width),
            inner.width,
            style,
        );
    }
    let more = lines.len() > start + room;
    let start = start - pinned;
    if height >= 2 {
        let hint = if more {
            format!("↓ more · {hint}")
        } else if start > 0 {
            format!("↑ more · {hint}")
        } else {
            hint
        };
        put(
            buf,
            inner.x,
            inner.bottom() - 1,
            &ellipsize(&hint, width),
            inner.width,
            theme.dim,
        );
    }
}

/// The agreement overlay: the same figures as `gloss agree`.
pub fn agreement(buf: &mut Buffer, area: Rect, app: &App, theme: &Theme) {
    let Some(report) = app.agreement_report() else {
        return;
    };
    let compare_own = app.review.as_ref().is_some_and(|r| r.compare_own);
    let rows = report.table_rows();
    let mut lines: Vec<(String, Style)> = Vec::new();
    let first_w = rows.iter().map(|r| r[0].width()).max().unwrap_or(0).max(8);
    let fmt =
        |r: &[String; 4]| format!("{:<first_w$}  {:>8}  {:>8}  {:>8}", r[0], r[1], r[2], r[3]);
    lines.push((
        fmt(&["".into(), "observed".into(), "kappa".into(), "alpha".into()]),
        theme.bar,
    ));
    for r in &rows {
        lines.push((fmt(r), theme.text));
    }
    lines.push((String::new(), theme.text));
    for note in [
        "— undefined: no variation (e.g. a kind nobody used),",
        "  or for kappa, not exactly two annotators.",
        "Units: paragraphs; a kind counts where an annotator put",
        "  one or more tags of it. Stance: positions of the same",
        "  actor on a paragraph, tagged by two or more annotators.",
    ] {
        let note = note.to_string();
        lines.push((note, theme.dim));
    }
    if !compare_own {
        lines.push((
            format!(
                "{} (you) adjudicate and are not compared.",
                display_line(app.annotator())
            ),
            theme.dim,
        ));
    }
    let width = lines.iter().map(|(t, _)| t.width()).max().unwrap_or(20) as u16 + 4;
    let height = lines.len() as u16 + 2;
    let rect = centered(area, width, height);
    let title = format!(
        " Agreement · {} · {} paragraphs ",
        display_line(&report.annotators.join(", ")),
        report.units
    );
    let inner = dialog(buf, rect, &title, theme);
    for (k, (text, style)) in lines.iter().take(inner.height as usize).enumerate() {
        put(
            buf,
            inner.x + 1,
            inner.y + k as u16,
            text,
            inner.width.saturating_sub(1),
            *style,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::column_labels;

    #[test]
    fn column_labels_cannot_be_mistaken_for_one_another() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(column_labels(&names(&["ana", "benjamin"])), ["ana", "ben"]);
        assert_eq!(
            column_labels(&names(&["annette", "anna", "ben"])),
            ["#1", "#2", "#3"]
        );
        // Wide characters: three columns at most.
        assert_eq!(column_labels(&names(&["김창협", "ana"])), ["김", "ana"]);
    }
}
