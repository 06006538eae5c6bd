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
use crate::app::review::Review;
use crate::command::Command;
use crate::document::sanitize::{display, display_line};

/// Columns of one annotator's marks in the gutter (`CAP`) plus a space.
const GROUP: u16 = 4;

/// The annotators' names, `ana (you) · ben`, in gutter order.
fn names(app: &App, review: &Review) -> Vec<String> {
    let mut out = vec![display_line(app.annotator())];
    out.extend(review.others.iter().map(|l| display_line(&l.annotator)));
    out
}

/// The header row: short names above each gutter group, then the full names.
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
    for (g, name) in names.iter().enumerate() {
        let x = marks_x + g as u16 * GROUP;
        if x + 3 > gutter_end {
            break;
        }
        let short: String = name.chars().take(3).collect();
        put(buf, x, area.y, &short, 3, theme.bar);
    }
    let you = if review.compare_own {
        "you"
    } else {
        "you, adjudicating"
    };
    let mut text = format!("{} ({you})", names[0]);
    for n in &names[1..] {
        text.push_str(" · ");
        text.push_str(n);
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
    let names = names(app, review);
    // (text, style); `selected_line` is where the selected entry starts.
    let mut lines: Vec<(String, Style)> = Vec::new();
    let mut selected_line = 0;
    for (g, name) in names.iter().enumerate() {
        let owner = if g == 0 { None } else { Some(g - 1) };
        let mine: Vec<(usize, &crate::annotation::Annotation)> = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.owner == owner)
            .map(|(i, e)| (i, e.annotation))
            .collect();
        let who = if g == 0 {
            format!("{name} (you)")
        } else {
            name.clone()
        };
        if mine.is_empty() {
            lines.push((
                ellipsize(&format!("{who} — nothing here"), width),
                theme.dim,
            ));
            continue;
        }
        lines.push((ellipsize(&who, width), theme.bar));
        for (i, a) in mine {
            let selected = i == app.selected_annotation;
            if selected {
                selected_line = lines.len();
            }
            let summary = display(&a.tag.summary()).replace('\n', " ");
            let style = if selected {
                theme.kind(a.kind()).patch(theme.highlight)
            } else {
                theme.kind(a.kind())
            };
            lines.push((
                ellipsize(&format!(" {} {summary}", a.kind().mark()), width),
                style,
            ));
            let mut extra = Vec::new();
            if let Some(note) = &a.note {
                extra.push(format!("✎ {}", display_line(note)));
            }
            if let Some(o) = &a.origin {
                extra.push(format!("from {}", display_line(&o.annotator)));
            }
            if !extra.is_empty() {
                lines.push((
                    ellipsize(&format!("   {}", extra.join(" · ")), width),
                    theme.dim,
                ));
            }
        }
    }
    let hint = format!(
        "{} adopt · {} adopt agreed · {}/{} disagreements · {} figures",
        app.keymap.label(Command::Adopt),
        app.keymap.label(Command::AdoptAgreed),
        app.keymap.label(Command::NextDisagreement),
        app.keymap.label(Command::PrevDisagreement),
        app.keymap.label(Command::Agreement),
    );
    let height = inner.height as usize;
    let body = height.saturating_sub(1).max(1);
    let start = (selected_line + 2).saturating_sub(body).min(selected_line);
    for (k, (text, style)) in lines.iter().skip(start).take(body).enumerate() {
        put(buf, inner.x, inner.y + k as u16, text, inner.width, *style);
    }
    if height >= 2 {
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
