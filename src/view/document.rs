//! The document pane: gutter (selection bar, number, tag marks) and wrapped text.

use ratatui::buffer::Buffer;
use ratatui::style::{Modifier, Style};

use super::{Theme, put};
use crate::annotation::Kind;
use crate::app::App;
use crate::document::formats::Preview;
use crate::document::sanitize::{display, display_mapped, raw_to_display};
use crate::document::search::find_all;
use crate::document::wrap::wrap_rows;

pub fn draw(buf: &mut Buffer, app: &App, theme: &Theme) {
    let layout = &app.layout;
    let area = layout.document;
    if area.width == 0 || area.height == 0 {
        return;
    }
    if app.doc.is_empty() {
        if let Some(preview) = app.doc.preview() {
            draw_preview(buf, app, preview, theme);
            return;
        }
        let note = if app.doc.is_complete() {
            "(this document has no text)"
        } else {
            "(extracting the text…)"
        };
        put(
            buf,
            area.x + 1,
            area.y,
            note,
            area.width.saturating_sub(1),
            theme.dim,
        );
        return;
    }
    let digits = app.doc.len_hint().max(1).to_string().len();
    let text_x = area.x + layout.gutter;
    let text_w = area.width.saturating_sub(layout.gutter + 1).max(2);
    let query = app.search.as_ref().map(|s| s.query.as_str());
    for v in &layout.visible {
        let selected = v.index == app.selected;
        let mut base = if selected { theme.selected } else { theme.text };
        if app.is_boilerplate(v.index) {
            // Not part of the document proper: still there, but quiet.
            base = base.patch(theme.dim).add_modifier(Modifier::DIM);
        }
        let raw = app.doc.paragraph_text(v.index);
        let mut marks = style_marks(app, v.index, theme);
        marks.extend(marks_of(app, v.index, raw, theme));
        let (shown, map) = if marks.is_empty() {
            (display(raw), None)
        } else {
            display_mapped(raw)
        };
        let map = map.as_deref();
        // Raw ranges onto the display string, then the search matches on top.
        let mut spans: Vec<Span> = marks
            .into_iter()
            .map(|m| Span {
                start: raw_to_display(map, m.start),
                end: raw_to_display(map, m.end),
                ..m
            })
            .collect();
        if let Some(q) = query {
            spans.extend(find_all(&shown, q).into_iter().map(|(start, end)| Span {
                start,
                end,
                style: theme.matched,
                layer: Layer::Match,
            }));
        }
        let mut row = 0usize;
        let end = v.skip + v.rows as usize;
        wrap_rows(&shown, text_w as usize, |s, e| {
            if row >= v.skip {
                let y = v.y + (row - v.skip) as u16;
                draw_gutter(
                    buf,
                    app,
                    theme,
                    v.index,
                    row == 0,
                    selected,
                    area.x,
                    y,
                    digits,
                );
                // Row background across the text width for the selected paragraph.
                for x in text_x..text_x + text_w {
                    if let Some(cell) = buf.cell_mut((x, y)) {
                        cell.set_style(base);
                    }
                }
                let mut x = text_x;
                for (a, b, style) in segments(s, e, &spans, base) {
                    x += put(
                        buf,
                        x,
                        y,
                        &shown[a..b],
                        (text_x + text_w).saturating_sub(x),
                        style,
                    );
                }
            }
            row += 1;
            row < end
        });
    }
}

/// The first paragraphs of a long document still being extracted, laid out
/// as its paragraphs will be (one blank row apart, boilerplate quiet), but
/// without numbers or marks: they are not the document's paragraphs yet.
fn draw_preview(buf: &mut Buffer, app: &App, preview: &Preview, theme: &Theme) {
    let layout = &app.layout;
    let area = layout.document;
    let text_x = area.x + layout.gutter;
    let text_w = area.width.saturating_sub(layout.gutter + 1).max(2);
    let bottom = area.y + area.height;
    let mut y = area.y;
    for (text, boilerplate) in &preview.paragraphs {
        if y >= bottom {
            break;
        }
        let style = if *boilerplate {
            theme.text.patch(theme.dim).add_modifier(Modifier::DIM)
        } else {
            theme.text
        };
        let shown = display(text);
        wrap_rows(&shown, text_w as usize, |s, e| {
            put(buf, text_x, y, &shown[s..e], text_w, style);
            y += 1;
            y < bottom
        });
        y = y.saturating_add(1);
    }
}

/// What a span of the text shows, lowest first: later layers are drawn over
/// earlier ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    /// How the original sets the text (emphasis, strong, code, headings).
    Style,
    /// A name detected in the selected paragraph.
    Name,
    /// A narrowed annotation's quote.
    Quote,
    /// The selected annotation's quote.
    SelectedQuote,
    Match,
    /// The selected suggestion's cue words.
    Cue,
    /// Words being selected.
    Selection,
}

/// A styled byte range of a paragraph's text.
#[derive(Debug, Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
    style: Style,
    layer: Layer,
}

/// How the original sets the paragraph's text: italic, bold, code, as
/// byte ranges of its raw text (under every other mark).
fn style_marks(app: &App, index: usize, theme: &Theme) -> Vec<Span> {
    app.doc
        .styles(index)
        .into_iter()
        .map(|(start, end, style)| Span {
            start,
            end,
            style: theme.text_style(style),
            layer: Layer::Style,
        })
        .collect()
}

/// The quotes of the paragraph's narrowed annotations and the selection, as
/// byte ranges of its raw text. Only drawn paragraphs get here, so a frame
/// costs the same however long the document.
fn marks_of(app: &App, index: usize, raw: &str, theme: &Theme) -> Vec<Span> {
    let mut out = Vec::new();
    let selected_id = (index == app.selected)
        .then(|| app.selected_annotation().map(|a| a.id.as_str()))
        .flatten();
    for a in app.annotations_on(index) {
        if !a.anchor.narrowed {
            continue;
        }
        let Some((start, end)) = a.anchor.quote_range(raw) else {
            continue;
        };
        let strong = selected_id == Some(a.id.as_str());
        out.push(Span {
            start,
            end,
            style: if strong {
                theme.quote_strong(a.kind())
            } else {
                theme.quote_faint(a.kind())
            },
            layer: if strong {
                Layer::SelectedQuote
            } else {
                Layer::Quote
            },
        });
    }
    if index == app.selected {
        let (names, cues) = super::suggestions::marks(app, raw);
        for (start, end) in names {
            out.push(Span {
                start,
                end,
                style: theme.name_mention(),
                layer: Layer::Name,
            });
        }
        for (start, end) in cues {
            out.push(Span {
                start,
                end,
                style: theme.cue(),
                layer: Layer::Cue,
            });
        }
    }
    if let Some(s) = app.selection.filter(|s| s.paragraph == index) {
        let (start, end) = s.range();
        out.push(Span {
            start,
            end,
            style: theme.selection,
            layer: Layer::Selection,
        });
    }
    out
}

/// Split the row `s..e` into runs of one style: `base` patched with every
/// span over it, lowest layer first. Where two quotes overlap the text is
/// also bold, so the overlap shows.
fn segments(s: usize, e: usize, spans: &[Span], base: Style) -> Vec<(usize, usize, Style)> {
    let here: Vec<&Span> = spans.iter().filter(|x| x.end > s && x.start < e).collect();
    if here.is_empty() {
        return vec![(s, e, base)];
    }
    let mut cuts: Vec<usize> = vec![s, e];
    for x in &here {
        cuts.extend([x.start.clamp(s, e), x.end.clamp(s, e)]);
    }
    cuts.sort_unstable();
    cuts.dedup();
    let mut out: Vec<(usize, usize, Style)> = Vec::new();
    for w in cuts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let mut over: Vec<&&Span> = here.iter().filter(|x| x.start <= a && x.end >= b).collect();
        over.sort_by_key(|x| x.layer);
        let mut style = base;
        for x in &over {
            style = style.patch(x.style);
        }
        let quotes = over
            .iter()
            .filter(|x| matches!(x.layer, Layer::Quote | Layer::SelectedQuote))
            .count();
        if quotes > 1 {
            style = style.add_modifier(Modifier::BOLD);
        }
        match out.last_mut() {
            Some(last) if last.2 == style && last.1 == a => last.1 = b,
            _ => out.push((a, b, style)),
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn draw_gutter(
    buf: &mut Buffer,
    app: &App,
    theme: &Theme,
    index: usize,
    first_row: bool,
    selected: bool,
    x: u16,
    y: u16,
    digits: usize,
) {
    let gutter = app.layout.gutter;
    if selected {
        put(buf, x, y, "▌", 1, theme.bar);
    }
    if !first_row || gutter < 3 {
        return;
    }
    let number = format!("{:>digits$}", index + 1);
    let style = if selected { theme.bar } else { theme.number };
    put(buf, x + 1, y, &number, gutter.saturating_sub(1), style);
    // A paragraph with footnotes or endnotes: a dagger after its number.
    if app
        .doc
        .provenance(index)
        .is_some_and(|p| !p.notes.is_empty())
        && gutter > digits as u16 + 1
    {
        put(buf, x + 1 + digits as u16, y, "†", 1, theme.dim);
    }
    if app.reviewing() {
        return super::review::gutter(buf, app, theme, index, x, y, digits);
    }
    let kinds = app.kinds_on(index);
    let marks_x = x + 1 + digits as u16 + 1;
    for (mx, (k, present)) in (marks_x..).zip(Kind::ALL.iter().zip(kinds)) {
        if mx >= x + gutter {
            break;
        }
        if present {
            put(buf, mx, y, &k.mark().to_string(), 1, theme.kind(*k));
        } else {
            put(buf, mx, y, "·", 1, Style::default().patch(theme.dim));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::app::App;
    use crate::document::Document;
    use crate::document::formats::Preview;
    use crate::keymap::Keymap;
    use crate::sidecar::Sidecar;
    use crate::view::{self, Theme};
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use std::path::Path;

    fn screen(doc: Document) -> String {
        let sidecar = Sidecar::new(&doc, "kim");
        let mut app = App::new(doc, sidecar, Keymap::default_keymap());
        let mut terminal = Terminal::new(TestBackend::new(100, 20)).unwrap();
        terminal
            .draw(|frame| {
                app.prepare_frame(frame.area());
                view::draw(frame, &app, &Theme::mono());
            })
            .unwrap();
        let buf = terminal.backend().buffer();
        crate::view::screen_text(buf)
    }

    #[test]
    fn a_document_being_extracted_shows_its_preview_not_no_text() {
        let preview = Preview {
            paragraphs: vec![
                ("Memorandum — Confidential".into(), true),
                ("Record of a Conversation".into(), false),
                ("Nam Il said that the talks would go on.".into(), false),
            ],
        };
        let text = screen(Document::extracting_with(
            Path::new("long.pdf"),
            Some(preview),
        ));
        assert!(text.contains("Record of a Conversation"), "{text}");
        assert!(
            text.contains("Nam Il said that the talks would go on."),
            "{text}"
        );
        assert!(!text.contains("has no text"), "{text}");
        assert!(text.contains("extracting"), "{text}");
        let text = screen(Document::extracting_with(Path::new("long.pdf"), None));
        assert!(text.contains("(extracting the text…)"), "{text}");
        assert!(!text.contains("has no text"), "{text}");
    }
}
