//! Drawing the corpus screen: a pure function of `&CorpusView` onto a frame.
//!
//! One line per document: date, title, paragraphs, the user's counts by kind
//! (claims/advice/positions), the other annotators with their totals, marks
//! (⚠ merge conflicts, ? orphans, b boilerplate, ✗ a sidecar that does not
//! read) and status. Counts show `…` until the background thread has them.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use unicode_width::UnicodeWidthStr;

use super::{Theme, bordered, clear, ellipsize, put};
use crate::app::corpus::{CorpusMode, CorpusView, SortKey};
use crate::archive::index::Row;
use crate::command::Command;
use crate::document::sanitize::display_line;
use crate::keymap::Section;
use crate::project::Status;

/// Rows of the list area for a screen of `area` (title, header and status
/// lines taken off): what [`CorpusView::prepare_frame`] is given.
pub fn list_rows(area: Rect) -> usize {
    area.height.saturating_sub(3) as usize
}

/// Column widths for a screen `width` columns wide.
struct Columns {
    date: usize,
    title: usize,
    paragraphs: usize,
    mine: usize,
    others: usize,
    marks: usize,
    status: usize,
}

impl Columns {
    fn for_width(width: usize) -> Columns {
        let wide = width >= 120;
        let mut c = Columns {
            date: 10,
            title: 0,
            paragraphs: 4,
            mine: 8,
            others: if wide {
                24
            } else if width >= 100 {
                16
            } else {
                10
            },
            marks: 8,
            status: if wide { 11 } else { 7 },
        };
        let fixed = c.date + c.paragraphs + c.mine + c.others + c.marks + c.status + 6;
        c.title = width.saturating_sub(fixed).max(8);
        c
    }
}

/// Pad or cut `text` to exactly `width` columns.
fn cell(text: &str, width: usize) -> String {
    let text = ellipsize(text, width);
    let pad = width.saturating_sub(text.width());
    format!("{text}{}", " ".repeat(pad))
}

fn right(text: &str, width: usize) -> String {
    let text = ellipsize(text, width);
    let pad = width.saturating_sub(text.width());
    format!("{}{text}", " ".repeat(pad))
}

fn status_text(status: Option<Status>, width: usize) -> String {
    match status {
        None => String::new(),
        Some(Status::InProgress) if width < 11 => "in prog".into(),
        Some(s) => s.as_str().to_string(),
    }
}

/// The cells of one row.
fn row_line(view: &CorpusView, row: &Row, cols: &Columns) -> String {
    let index = &view.index;
    let date = index.date_of(row).map_or("", |d| d.as_str());
    let title = display_line(&index.title(row));
    let paragraphs = match &row.facts {
        Some(f) if f.error.is_some() => "✗".to_string(),
        Some(f) => f.paragraphs.to_string(),
        None => "…".into(),
    };
    let (mine, others, mut marks) = match &row.counts {
        Some(c) => {
            let m = c.of(&view.me);
            let mine = if m.total() == 0 {
                "-".to_string()
            } else {
                format!("{}/{}/{}", m.claims, m.advice, m.positions)
            };
            let others: Vec<String> = c
                .annotators
                .iter()
                .filter(|(who, _)| **who != view.me)
                .map(|(who, k)| format!("{} {}", display_line(who), k.total()))
                .collect();
            let mut marks = Vec::new();
            if c.conflicts > 0 {
                marks.push(format!("⚠{}", c.conflicts));
            }
            if !c.errors.is_empty() {
                marks.push("✗".to_string());
            }
            (mine, others.join(" "), marks)
        }
        None => ("…".into(), "…".into(), Vec::new()),
    };
    if let Some(f) = &row.facts
        && f.orphans > 0
    {
        marks.push(format!("?{}", f.orphans));
    }
    let boilerplate = index.boilerplate_marks(row);
    if boilerplate > 0 {
        marks.push(format!("b{boilerplate}"));
    }
    [
        cell(date, cols.date),
        cell(&title, cols.title),
        right(&paragraphs, cols.paragraphs),
        right(&mine, cols.mine),
        cell(&others, cols.others),
        cell(&marks.join(" "), cols.marks),
        cell(&status_text(index.status(row), cols.status), cols.status),
    ]
    .join(" ")
}

/// Draw the corpus screen. Call [`CorpusView::prepare_frame`] first with
/// [`list_rows`] of the same area.
pub fn draw(frame: &mut Frame, view: &CorpusView, theme: &Theme) {
    let area = frame.area();
    let cursor = draw_buffer(frame.buffer_mut(), area, view, theme);
    if let Some(at) = cursor {
        frame.set_cursor_position(at);
    }
}

/// [`draw`] onto a buffer; returns where the cursor goes (a prompt).
pub fn draw_buffer(
    buf: &mut Buffer,
    area: Rect,
    view: &CorpusView,
    theme: &Theme,
) -> Option<(u16, u16)> {
    if let Some(search) = &view.search {
        return super::corpus_search::draw(buf, area, search, &view.keymap, theme);
    }
    clear(buf, area, theme.text);
    if area.height < 3 || area.width < 20 {
        put(buf, area.x, area.y, "Too small", area.width, theme.text);
        return None;
    }
    let width = area.width as usize;
    let cols = Columns::for_width(width);
    // The title line: the folder, the sort, the filters.
    let sort = format!(
        "sorted by {}{}",
        view.sort.name(),
        if view.reverse { " (reversed)" } else { "" }
    );
    let mut filters = Vec::new();
    let f = &view.filters;
    if !f.text.is_empty() {
        filters.push(format!("'{}'", display_line(&f.text)));
    }
    if let Some(a) = &f.annotator {
        filters.push(format!("by {}", display_line(a)));
    }
    if f.untagged {
        filters.push(format!("not by {}", display_line(&view.me)));
    }
    if let Some(s) = f.status {
        filters.push(format!("status {}", s.name()));
    }
    if let Some(a) = &f.actor {
        filters.push(format!("actor {}", display_line(a)));
    }
    let filter_text = if filters.is_empty() {
        String::new()
    } else {
        format!(" · filter: {}", filters.join(", "))
    };
    let title = format!(" {} · {sort}{filter_text} ", display_line(&view.root_name));
    clear(buf, Rect { height: 1, ..area }, theme.bar);
    put(
        buf,
        area.x,
        area.y,
        &ellipsize(&title, width),
        area.width,
        theme.bar,
    );
    // Column headers; the sorted column is marked.
    let mark = |name: &str, key: SortKey| {
        if view.sort == key {
            format!("{name}{}", if view.reverse { "↓" } else { "↑" })
        } else {
            name.to_string()
        }
    };
    let header = [
        cell(&mark("date", SortKey::Date), cols.date),
        cell(&mark("title", SortKey::Title), cols.title),
        right("¶", cols.paragraphs),
        right(&mark("C/A/P", SortKey::Counts), cols.mine),
        cell("others", cols.others),
        cell("marks", cols.marks),
        cell("status", cols.status),
    ]
    .join(" ");
    put(
        buf,
        area.x,
        area.y + 1,
        &header,
        area.width,
        theme.number.add_modifier(Modifier::BOLD),
    );
    let list_top = area.y + 2;
    let rows = list_rows(area);
    if view.visible.is_empty() {
        let text = if view.index.rows().is_empty() {
            "No documents below this folder (hidden folders are skipped)".to_string()
        } else {
            format!(
                "No document passes the filter — {} clears it",
                view.keymap.label_in(Section::Corpus, Command::ClearFilters)
            )
        };
        put(buf, area.x + 1, list_top, &text, area.width - 1, theme.dim);
    }
    for (k, &i) in view.visible.iter().enumerate().skip(view.offset).take(rows) {
        let row = &view.index.rows()[i];
        let y = list_top + (k - view.offset) as u16;
        let line = row_line(view, row, &cols);
        let style = if k == view.selected {
            theme.text.patch(theme.bar)
        } else if view.index.status(row) == Some(Status::Done) {
            theme.dim
        } else {
            theme.text
        };
        if k == view.selected {
            clear(
                buf,
                Rect {
                    y,
                    height: 1,
                    ..area
                },
                style,
            );
        }
        put(buf, area.x, y, &line, area.width, style);
    }
    // The status line: a prompt, a message, or the summary and key hints.
    let status_y = area.y + area.height - 1;
    let status_area = Rect {
        y: status_y,
        height: 1,
        ..area
    };
    clear(buf, status_area, theme.status);
    let cursor = match &view.mode {
        CorpusMode::Filter(input) | CorpusMode::Actor(input) => {
            let label = if matches!(view.mode, CorpusMode::Filter(_)) {
                "filter: "
            } else {
                "actor (name or alias): "
            };
            let shown = display_line(&input.text);
            let line = format!("{label}{shown}");
            put(buf, area.x, status_y, &line, area.width, theme.status);
            let before = display_line(&input.text[..input.cursor.min(input.text.len())]);
            let x = (label.width() + before.width()).min(width.saturating_sub(1));
            Some((area.x + x as u16, status_y))
        }
        _ => {
            let label = |c| view.keymap.label_in(Section::Corpus, c);
            let hints = format!(
                " {} open · {} filter · {} sort · {} help · {} quit ",
                label(Command::OpenDocument),
                label(Command::Filter),
                label(Command::Sort),
                label(Command::Help),
                label(Command::Quit)
            );
            let summary = view.summary();
            let (text, style) = match &view.status {
                Some(m) if m.error => (display_line(&m.text), theme.status_error),
                Some(m) => (display_line(&m.text), theme.status),
                None => (summary.clone(), theme.status),
            };
            let right_text = if view.status.is_some() {
                format!(" {summary} ")
            } else {
                hints
            };
            // The left part (a message, the summary) first; hints take what is left.
            let left_w = text.width() + 2;
            let right_text = ellipsize(&right_text, width.saturating_sub(left_w).max(width / 3));
            let right_w = right_text.width();
            put(
                buf,
                area.x + (width - right_w) as u16,
                status_y,
                &right_text,
                right_w as u16,
                theme.status,
            );
            let room = width.saturating_sub(right_w + 1);
            put(
                buf,
                area.x,
                status_y,
                &ellipsize(&format!(" {text}"), room),
                room as u16,
                style,
            );
            None
        }
    };
    if let CorpusMode::Help { scroll } = view.mode {
        help(buf, area, view, scroll, theme);
    }
    cursor
}

/// The corpus screen's help: its keys, from the keymap and command docs.
fn help(buf: &mut Buffer, area: Rect, view: &CorpusView, scroll: usize, theme: &Theme) {
    let rect = super::centered(area, 100.min(area.width), area.height.saturating_sub(2));
    clear(buf, rect, theme.text);
    let inner = bordered(
        buf,
        rect,
        " Corpus list — any key closes, j/k scroll ",
        theme.focus_border,
    );
    let mut lines = vec![format!("Keymap: {}", view.keymap.name)];
    for command in Command::ALL {
        let keys = view.keymap.keys_for(Section::Corpus, *command);
        if keys.is_empty() {
            continue;
        }
        let keys: Vec<String> = keys.iter().map(ToString::to_string).collect();
        lines.push(format!("  {:<14} {}", keys.join(", "), command.doc()));
    }
    lines.push(String::new());
    lines.push(
        "Columns: C/A/P your claims/advice/positions; others: annotators and their totals;".into(),
    );
    lines.push(
        "marks: ⚠ merge conflicts, ? orphaned annotations, b boilerplate marks, ✗ unreadable"
            .into(),
    );
    for (k, line) in lines
        .iter()
        .skip(scroll)
        .take(inner.height as usize)
        .enumerate()
    {
        put(
            buf,
            inner.x,
            inner.y + k as u16,
            &ellipsize(line, inner.width as usize),
            inner.width,
            theme.text,
        );
    }
}
