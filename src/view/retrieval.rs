//! Drawing the retrieval screens: the list (only its visible lines are
//! formatted, so a frame costs the same with a hundred rows or a hundred
//! thousand), the stance matrix (a `Table`) and the timeline (a grouped
//! `BarChart`, one bar per stance). Stances are coloured green, red and
//! yellow; without colour (`NO_COLOR`, theme `mono`) bold, underline and
//! plain tell them apart, and every count is also written as a number.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Row, Table, Widget};
use unicode_width::UnicodeWidthStr;

use super::{Theme, centered, clear, dialog, ellipsize, list_line_style, put};
use crate::annotation::{Stance, Tag};
use crate::app::retrieval::{Item, KEYS, Prompt, Retrieval, Screen, matrix_widths};
use crate::archive::retrieval::{Corpus, Grouping, Subject};
use crate::document::sanitize::display_line;
use crate::export::Format;

/// A stance's style: colour, or a modifier without colour.
pub fn stance_style(theme: &Theme, stance: Stance) -> Style {
    let plain = Style::default();
    match (theme.color, stance) {
        (true, Stance::Support) => plain.fg(Color::Green).add_modifier(Modifier::BOLD),
        (true, Stance::Oppose) => plain.fg(Color::LightRed).add_modifier(Modifier::BOLD),
        (true, Stance::Neutral) => plain.fg(Color::Yellow),
        (false, Stance::Support) => plain.add_modifier(Modifier::BOLD),
        (false, Stance::Oppose) => plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        (false, Stance::Neutral) => plain,
    }
}

/// Draw the retrieval screens over `area`. Call
/// [`Retrieval::prepare_frame`] first with the same area. Returns where the
/// cursor goes when a prompt is open.
pub fn draw(buf: &mut Buffer, area: Rect, r: &Retrieval, theme: &Theme) -> Option<(u16, u16)> {
    if area.width < 10 || area.height < 4 {
        return None;
    }
    clear(buf, area, theme.text);
    title(buf, area, r, theme);
    let body = Rect {
        y: area.y + 1,
        height: area.height - 2,
        ..area
    };
    match (&r.corpus, r.screen) {
        (None, _) => {
            put(
                buf,
                body.x + 1,
                body.y + 1,
                "Loading…",
                body.width,
                theme.dim,
            );
        }
        (Some(corpus), Screen::List) => list(buf, body, r, corpus, theme),
        (Some(corpus), Screen::Matrix) => matrix(buf, body, r, corpus, theme),
        (Some(corpus), Screen::Timeline) => timeline(buf, body, r, corpus, theme),
    }
    status(buf, area, r, theme)
}

/// The title row: the three screens (the shown one marked) and the filter.
fn title(buf: &mut Buffer, area: Rect, r: &Retrieval, theme: &Theme) {
    let row = Rect { height: 1, ..area };
    clear(buf, row, theme.status);
    let mut x = area.x;
    for (screen, name) in [
        (Screen::List, " r list "),
        (Screen::Matrix, " m matrix "),
        (Screen::Timeline, " t timeline "),
    ] {
        let style = if screen == r.screen {
            theme.status.patch(theme.highlight)
        } else {
            theme.status
        };
        x += put(buf, x, area.y, name, area.right().saturating_sub(x), style);
    }
    let filter = if r.filter_text.is_empty() {
        "no filter (/ to filter)".to_string()
    } else {
        format!("filter: {}", r.filter_text)
    };
    let total = r.corpus.as_ref().map_or(0, |c| c.rows.len());
    let text = format!(
        " {} of {} · {}{}",
        r.selected.len(),
        total,
        filter,
        match (r.screen, r.grouping) {
            (Screen::List, Some(Grouping::Actor)) => " · by actor",
            (Screen::List, Some(Grouping::Issue)) => " · by issue",
            _ => "",
        }
    );
    let width = area.right().saturating_sub(x);
    put(
        buf,
        x,
        area.y,
        &ellipsize(&display_line(&text), width as usize),
        width,
        theme.status,
    );
}

/// The last row: the prompt, or the status message.
fn status(buf: &mut Buffer, area: Rect, r: &Retrieval, theme: &Theme) -> Option<(u16, u16)> {
    let y = area.bottom() - 1;
    let row = Rect {
        y,
        height: 1,
        ..area
    };
    clear(buf, row, theme.status);
    match &r.prompt {
        Some(Prompt::Filter(input)) => {
            let label = "filter: ";
            let x = area.x + put(buf, area.x, y, label, area.width, theme.status);
            let room = area.right().saturating_sub(x).saturating_sub(1) as usize;
            // Show the end being typed when the text is wider than the row.
            let before = display_line(&input.text[..input.cursor]);
            let skip = before.width().saturating_sub(room);
            let shown: String = {
                let mut used = 0;
                display_line(&input.text)
                    .chars()
                    .filter(|c| {
                        used += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
                        used > skip
                    })
                    .collect()
            };
            put(buf, x, y, &shown, area.right() - x, theme.status);
            let cx = x + (before.width() - skip).min(room) as u16;
            return Some((cx.min(area.right() - 1), y));
        }
        Some(Prompt::Export { selected }) => export_prompt(buf, area, r, *selected, theme),
        Some(Prompt::Help) => help(buf, area, theme),
        None => {}
    }
    let style = if r.error {
        theme.status.patch(theme.status_error)
    } else {
        theme.status
    };
    let hint = if r.error || !r.status.is_empty() {
        display_line(&r.status)
    } else {
        String::new()
    };
    put(
        buf,
        area.x,
        y,
        &ellipsize(&hint, area.width as usize),
        area.width,
        style,
    );
    None
}

/// Column widths of the list for `width` columns: date, document, ¶, kind,
/// actor, stance, issue, annotator (0 when left out), excerpt.
struct Columns {
    date: usize,
    document: usize,
    paragraph: usize,
    kind: usize,
    actor: usize,
    stance: usize,
    issue: usize,
    annotator: usize,
}

impl Columns {
    fn for_width(width: usize) -> Columns {
        if width >= 140 {
            Columns {
                date: 10,
                document: 24,
                paragraph: 4,
                kind: 8,
                actor: 24,
                stance: 7,
                issue: 18,
                annotator: 8,
            }
        } else {
            Columns {
                date: 10,
                document: 11,
                paragraph: 3,
                kind: 1,
                actor: 12,
                stance: 3,
                issue: 10,
                annotator: 0,
            }
        }
    }
}

/// `text` cut or padded to exactly `width` columns.
fn cell(text: &str, width: usize) -> String {
    let cut = ellipsize(text, width);
    let pad = width.saturating_sub(cut.width());
    format!("{cut}{}", " ".repeat(pad))
}

fn stance_label(stance: Stance, short: bool) -> &'static str {
    match (short, stance) {
        (true, Stance::Support) => "sup",
        (true, Stance::Oppose) => "opp",
        (true, Stance::Neutral) => "neu",
        (false, s) => s.as_str(),
    }
}

/// The list: a heading row, then only the visible lines.
fn list(buf: &mut Buffer, body: Rect, r: &Retrieval, corpus: &Corpus, theme: &Theme) {
    let w = Columns::for_width(body.width as usize);
    let wide = w.annotator > 0;
    let mut heading = vec![
        cell("date", w.date),
        cell("document", w.document),
        cell("¶", w.paragraph),
        cell(if wide { "kind" } else { "K" }, w.kind),
        cell("actor", w.actor),
        cell(if wide { "stance" } else { "st" }, w.stance),
        cell("issue", w.issue),
    ];
    if wide {
        heading.push(cell("by", w.annotator));
    }
    heading.push("excerpt".into());
    put(
        buf,
        body.x,
        body.y,
        &format!("  {}", heading.join(" ")),
        body.width,
        theme.dim.add_modifier(Modifier::BOLD),
    );
    let rows = body.height.saturating_sub(1) as usize;
    if r.items.is_empty() {
        let text = if corpus.rows.is_empty() {
            "No annotations below this folder."
        } else {
            "Nothing matches the filter (Esc clears it)."
        };
        put(buf, body.x + 1, body.y + 1, text, body.width, theme.dim);
        return;
    }
    for (line, (index, item)) in r
        .items
        .iter()
        .enumerate()
        .skip(r.top)
        .take(rows)
        .enumerate()
    {
        let y = body.y + 1 + line as u16;
        match item {
            Item::Heading { name, count } => {
                let text = format!("── {} ({count}) ", display_line(name));
                put(buf, body.x, y, &text, body.width, theme.bar);
            }
            Item::Row(row) => {
                let selected = index == r.cursor;
                statement(buf, body, y, corpus, *row, &w, selected, theme);
            }
        }
    }
}

/// One statement's line.
#[allow(clippy::too_many_arguments)]
fn statement(
    buf: &mut Buffer,
    body: Rect,
    y: u16,
    corpus: &Corpus,
    row: u32,
    w: &Columns,
    selected: bool,
    theme: &Theme,
) {
    let Some(r) = corpus.rows.get(row as usize) else {
        return;
    };
    let doc = corpus.document(r);
    let wide = w.annotator > 0;
    let base = list_line_style(buf, body, y, selected, theme);
    let kind = r.kind();
    let actor = match (&r.annotation.tag, r.to) {
        (Tag::Advice { .. }, Some(to)) => format!(
            "{} → {}",
            corpus.actors[r.actor as usize], corpus.actors[to as usize]
        ),
        _ => corpus.actors[r.actor as usize].clone(),
    };
    // Two columns for the cursor's mark.
    let mut x = body.x + 2;
    let right = body.right();
    let mut field = |buf: &mut Buffer, text: &str, width: usize, style: Style| {
        if x >= right {
            return;
        }
        let text = cell(&display_line(text), width);
        x += put(buf, x, y, &text, right - x, style);
        if x < right {
            x += put(buf, x, y, " ", right - x, base);
        }
    };
    field(
        buf,
        doc.date.as_deref().unwrap_or("undated"),
        w.date,
        base.patch(theme.number),
    );
    let name = if wide {
        doc.name.as_str()
    } else {
        doc.file_name()
    };
    field(buf, name, w.document, base);
    field(
        buf,
        &r.paragraph.to_string(),
        w.paragraph,
        base.patch(theme.number),
    );
    let kind_text = if wide {
        kind.as_str().to_string()
    } else {
        kind.mark().to_string()
    };
    field(buf, &kind_text, w.kind, base.patch(theme.kind(kind)));
    field(buf, &actor, w.actor, base);
    let (stance_text, stance_style) = match r.stance() {
        Some(s) => (stance_label(s, !wide), base.patch(stance_style(theme, s))),
        None => ("", base),
    };
    field(buf, stance_text, w.stance, stance_style);
    let issue = r.issue.map_or("", |i| corpus.issues[i as usize].as_str());
    field(buf, issue, w.issue, base);
    if wide {
        field(
            buf,
            &corpus.annotators[r.annotator as usize],
            w.annotator,
            base.patch(theme.dim),
        );
    }
    if x < right {
        let excerpt = ellipsize(&display_line(&r.excerpt), (right - x) as usize);
        put(buf, x, y, &excerpt, right - x, base);
    }
    if selected {
        put(buf, body.x, y, "›", 1, base.patch(theme.bar));
    }
}

/// Counts `s o n` of a cell, each in its stance's style (zeros dim).
fn counts_line(counts: [u32; 3], theme: &Theme, base: Style) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, stance) in Stance::ALL.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" ", base));
        }
        let style = if counts[i] == 0 {
            base.patch(theme.dim)
        } else {
            base.patch(stance_style(theme, stance))
        };
        spans.push(Span::styled(format!("{:>3}", counts[i]), style));
    }
    Line::from(spans)
}

/// The stance matrix: actors down, issues across, the cursor's cell marked.
fn matrix(buf: &mut Buffer, body: Rect, r: &Retrieval, corpus: &Corpus, theme: &Theme) {
    let m = &r.matrix;
    if m.actors.is_empty() {
        put(
            buf,
            body.x + 1,
            body.y + 1,
            "No positions among these annotations.",
            body.width,
            theme.dim,
        );
        return;
    }
    let (names_w, cell_w) = matrix_widths(body.width);
    let columns = r
        .matrix_columns
        .min(m.issues.len() - r.matrix_left.min(m.issues.len()));
    let shown_issues = &m.issues[r.matrix_left..r.matrix_left + columns];
    let rows = body.height.saturating_sub(2) as usize;
    let legend = Line::from(vec![
        Span::styled("actor ╲ issue  ", theme.dim),
        Span::styled("support", stance_style(theme, Stance::Support)),
        Span::styled(" ", theme.dim),
        Span::styled("oppose", stance_style(theme, Stance::Oppose)),
        Span::styled(" ", theme.dim),
        Span::styled("neutral", stance_style(theme, Stance::Neutral)),
    ]);
    let header = Row::new(
        std::iter::once(legend.clone()).chain(shown_issues.iter().map(|&i| {
            Line::styled(
                ellipsize(
                    &display_line(&corpus.issues[i as usize]),
                    cell_w as usize - 1,
                ),
                theme.text.add_modifier(Modifier::BOLD),
            )
        })),
    );
    let table_rows: Vec<Row> = m
        .actors
        .iter()
        .enumerate()
        .skip(r.matrix_top)
        .take(rows)
        .map(|(ri, &a)| {
            let name = Line::styled(
                ellipsize(
                    &display_line(&corpus.actors[a as usize]),
                    names_w as usize - 1,
                ),
                if ri == r.cell.0 {
                    theme.text.patch(theme.bar)
                } else {
                    theme.text
                },
            );
            let cells = (0..columns).map(|c| {
                let column = r.matrix_left + c;
                let base = if (ri, column) == r.cell {
                    theme.text.patch(theme.highlight)
                } else {
                    theme.text
                };
                counts_line(m.cell(ri, column), theme, base)
            });
            Row::new(std::iter::once(name).chain(cells))
        })
        .collect();
    let widths: Vec<Constraint> = std::iter::once(Constraint::Length(names_w))
        .chain((0..columns).map(|_| Constraint::Length(cell_w - 1)))
        .collect();
    let table = Table::new(table_rows, widths)
        .header(header)
        .column_spacing(1);
    let area = Rect {
        height: body.height,
        ..body
    };
    // The legend is wider than the names column: drawn across the heading row.
    Widget::render(table, area, buf);
    clear(
        buf,
        Rect {
            width: names_w,
            height: 1,
            ..area
        },
        theme.text,
    );
    let legend_text = "actor╲issue";
    put(buf, area.x, area.y, legend_text, names_w, theme.dim);
    let hidden_right = m.issues.len() - r.matrix_left - columns;
    let more = format!(
        "{} actors × {} issues{}{} · s o n = support oppose neutral · Enter lists a cell · t timeline",
        m.actors.len(),
        m.issues.len(),
        if r.matrix_left > 0 {
            " · ← more"
        } else {
            ""
        },
        if hidden_right > 0 { " · more →" } else { "" },
    );
    let y = body.bottom() - 1;
    let line = Line::from(vec![Span::styled(
        ellipsize(&more, body.width as usize),
        theme.dim,
    )]);
    clear(
        buf,
        Rect {
            y,
            height: 1,
            ..body
        },
        theme.text,
    );
    buf.set_line(body.x, y, &line, body.width);
}

/// The timeline of the subject: one group per date bucket, a bar per stance.
fn timeline(buf: &mut Buffer, body: Rect, r: &Retrieval, corpus: &Corpus, theme: &Theme) {
    let Some(t) = &r.timeline else {
        put(
            buf,
            body.x + 1,
            body.y + 1,
            "No positions among these annotations.",
            body.width,
            theme.dim,
        );
        return;
    };
    let (what, name) = match t.subject {
        Subject::Actor(a) => ("actor", corpus.actors[a as usize].as_str()),
        Subject::Issue(i) => ("issue", corpus.issues[i as usize].as_str()),
    };
    let total: u32 = t.buckets.iter().map(|b| b.total()).sum();
    let undated: u32 = t.undated.iter().sum();
    let heading = format!(
        "Positions of {what} {} by {} — {total} dated{} · ←/→ another {what} · Tab actor/issue · Enter lists them",
        display_line(name),
        if t.by_month { "month" } else { "year" },
        if undated > 0 {
            format!(", {undated} undated")
        } else {
            String::new()
        }
    );
    put(
        buf,
        body.x,
        body.y,
        &ellipsize(&heading, body.width as usize),
        body.width,
        theme.text.add_modifier(Modifier::BOLD),
    );
    let legend = Line::from(vec![
        Span::styled("bars: ", theme.dim),
        Span::styled("support", stance_style(theme, Stance::Support)),
        Span::styled(" · ", theme.dim),
        Span::styled("oppose", stance_style(theme, Stance::Oppose)),
        Span::styled(" · ", theme.dim),
        Span::styled("neutral", stance_style(theme, Stance::Neutral)),
    ]);
    buf.set_line(body.x, body.bottom() - 1, &legend, body.width);
    let chart_area = Rect {
        y: body.y + 1,
        height: body.height.saturating_sub(2),
        ..body
    };
    if t.buckets.is_empty() {
        put(
            buf,
            chart_area.x + 1,
            chart_area.y + 1,
            "No dated positions (set dates in the metadata panel or gloss.ron).",
            chart_area.width,
            theme.dim,
        );
        return;
    }
    // Bars 1–3 columns wide; the most recent buckets that fit are shown.
    let label_w = t.buckets.iter().map(|b| b.label.len()).max().unwrap_or(4) as u16;
    let fit = |bar: u16| -> usize {
        let group = (bar * 3 + 2).max(label_w) + 1;
        (chart_area.width / group) as usize
    };
    let bar_width = (1..=3)
        .rev()
        .find(|&w| fit(w) >= t.buckets.len())
        .unwrap_or(1);
    let shown = fit(bar_width).min(t.buckets.len());
    let buckets = &t.buckets[t.buckets.len() - shown..];
    let group_w = (bar_width * 3 + 2).max(label_w);
    let inner_gap = 1;
    let group_gap = group_w + 1 - (bar_width * 3 + 2 * inner_gap);
    let groups: Vec<BarGroup> = buckets
        .iter()
        .map(|b| {
            let bars: Vec<Bar> = Stance::ALL
                .into_iter()
                .enumerate()
                .map(|(i, s)| {
                    Bar::default()
                        .value(b.counts[i] as u64)
                        .style(stance_style(theme, s))
                        .value_style(stance_style(theme, s).add_modifier(Modifier::REVERSED))
                })
                .collect();
            BarGroup::default()
                .label(Line::from(b.label.clone()))
                .bars(&bars)
        })
        .collect();
    let mut chart = BarChart::default()
        .bar_width(bar_width)
        .bar_gap(inner_gap)
        .group_gap(group_gap)
        .label_style(theme.dim);
    for g in groups {
        chart = chart.data(g);
    }
    Widget::render(chart, chart_area, buf);
    if shown < t.buckets.len() {
        put(
            buf,
            chart_area.x,
            chart_area.y,
            &format!("(the last {shown} of {} shown)", t.buckets.len()),
            chart_area.width,
            theme.dim,
        );
    }
}

/// The export format list over the screen.
fn export_prompt(buf: &mut Buffer, area: Rect, r: &Retrieval, selected: usize, theme: &Theme) {
    let rect = centered(area, 66, Format::ALL.len() as u16 + 4);
    let Some(footer) = super::export::format_prompt(
        buf,
        rect,
        " Export what the list shows — letter or ↑↓ Enter, Esc cancels ",
        selected,
        theme,
    ) else {
        return;
    };
    let target = crate::archive::retrieval::export_path(&r.root, Format::ALL[selected]);
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = format!("  {} annotation(s) → ../{name}", r.selected.len());
    put(
        buf,
        footer.x,
        footer.y,
        &ellipsize(&display_line(&text), footer.width as usize),
        footer.width,
        theme.text,
    );
}

/// The keys of the retrieval screens.
fn help(buf: &mut Buffer, area: Rect, theme: &Theme) {
    let rect = centered(area, 90, KEYS.len() as u16 + 3);
    let inner = dialog(buf, rect, " Retrieval keys — any key closes ", theme);
    for (i, (keys, what)) in KEYS.iter().enumerate().take(inner.height as usize) {
        let text = format!("{keys:<9} {what}");
        put(
            buf,
            inner.x + 1,
            inner.y + i as u16,
            &ellipsize(&text, inner.width.saturating_sub(1) as usize),
            inner.width.saturating_sub(1),
            theme.text,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::retrieval::Screen;
    use crate::app::retrieval::tests::{opened, press};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn render(r: &mut Retrieval, width: u16, height: u16, theme: &Theme) -> Buffer {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        terminal
            .draw(|f| {
                let area = f.area();
                r.prepare_frame(area);
                draw(f.buffer_mut(), area, r, theme);
            })
            .unwrap();
        terminal.backend().buffer().clone()
    }

    fn text(buf: &Buffer) -> String {
        let mut out = String::new();
        for y in 0..buf.area.height {
            let mut line = String::new();
            for x in 0..buf.area.width {
                line.push_str(buf[(x, y)].symbol());
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    fn screen(r: &mut Retrieval, width: u16, height: u16) -> String {
        text(&render(r, width, height, &Theme::named("default", false)))
    }

    #[test]
    fn the_list_at_80x24_and_grouped_by_actor_at_160x45() {
        let (_dir, mut r) = opened(Screen::List);
        press(&mut r, "j");
        insta::assert_snapshot!("retrieval_list_80x24", screen(&mut r, 80, 24));
        press(&mut r, "<Tab>");
        insta::assert_snapshot!("retrieval_list_by_actor_160x45", screen(&mut r, 160, 45));
    }

    #[test]
    fn the_matrix_at_80x24_and_160x45() {
        let (_dir, mut r) = opened(Screen::Matrix);
        insta::assert_snapshot!("retrieval_matrix_80x24", screen(&mut r, 80, 24));
        press(&mut r, "j");
        insta::assert_snapshot!("retrieval_matrix_160x45", screen(&mut r, 160, 45));
    }

    #[test]
    fn the_timeline_at_80x24_and_160x45() {
        let (_dir, mut r) = opened(Screen::Timeline);
        insta::assert_snapshot!("retrieval_timeline_80x24", screen(&mut r, 80, 24));
        press(&mut r, "<Tab>");
        insta::assert_snapshot!("retrieval_timeline_issue_160x45", screen(&mut r, 160, 45));
    }

    #[test]
    fn the_filter_prompt_and_the_export_formats() {
        let (_dir, mut r) = opened(Screen::List);
        press(&mut r, "/actor:Nam Il");
        insta::assert_snapshot!("retrieval_filter_prompt_80x24", screen(&mut r, 80, 24));
        press(&mut r, "<Enter>x");
        insta::assert_snapshot!("retrieval_export_80x24", screen(&mut r, 80, 24));
    }

    /// Without colour (NO_COLOR gives the mono theme) stances differ by
    /// modifiers, and no cell has a colour.
    #[test]
    fn no_color_shows_stances_by_modifiers_alone() {
        let (_dir, mut r) = opened(Screen::Matrix);
        let mono = Theme::named("default", true);
        let buf = render(&mut r, 80, 24, &mono);
        let coloured = buf
            .content()
            .iter()
            .any(|c| c.fg != Color::Reset || c.bg != Color::Reset);
        assert!(!coloured, "a colour with NO_COLOR");
        assert_ne!(
            stance_style(&mono, Stance::Support),
            stance_style(&mono, Stance::Oppose)
        );
        assert_ne!(
            stance_style(&mono, Stance::Oppose),
            stance_style(&mono, Stance::Neutral)
        );
        let colour = render(&mut r, 80, 24, &Theme::named("default", false));
        assert!(colour.content().iter().any(|c| c.fg == Color::Green));
    }

    /// A frame formats only the lines it shows: the list's top follows the
    /// cursor to the end of a long list.
    #[test]
    fn the_list_scrolls_to_keep_the_cursor_in_view() {
        let (_dir, mut r) = opened(Screen::List);
        press(&mut r, "G");
        let shown = screen(&mut r, 80, 6);
        assert_eq!(r.top, 4);
        assert!(shown.contains("undated"), "{shown}");
    }
}
