//! Screen areas and scrolling, counted in paragraphs.
//!
//! Only paragraphs near the viewport are wrapped; their heights are cached per
//! text width. The scroll position is a paragraph index plus rows into it, so
//! it never overflows (ratatui's own scroll is a u16) and costs the same at
//! paragraph 1 and paragraph 1,000,000.

use std::collections::HashMap;

use ratatui::layout::Rect;

use crate::document::Document;
use crate::document::sanitize::{display, display_mapped, display_to_raw};
use crate::document::wrap::{row_count, wrap_rows};

/// Terminal width from which the annotation panel sits beside the text.
pub const SIDE_PANEL_MIN_WIDTH: u16 = 100;
/// Narrowest side panel.
pub const SIDE_PANEL_WIDTH: u16 = 40;

/// Width of the side panel on a screen `width` columns wide: a third of it,
/// so quotes and notes get room on wide screens, and never under
/// [`SIDE_PANEL_WIDTH`].
pub fn side_panel_width(width: u16) -> u16 {
    (width / 3).max(SIDE_PANEL_WIDTH)
}

/// A paragraph on screen: which rows of it are shown where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisibleParagraph {
    pub index: usize,
    /// Screen row of the first shown row.
    pub y: u16,
    /// Rows of the paragraph scrolled off above.
    pub skip: usize,
    /// Rows shown.
    pub rows: u16,
}

/// Where things are on screen, and the scroll position.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub area: Rect,
    pub document: Rect,
    pub panel: Rect,
    pub status: Rect,
    /// Columns before the text: selection bar, number, marks.
    pub gutter: u16,
    /// Columns of tag marks in the gutter.
    pub marks_width: u16,
    /// Rows above the text for a header (review: the annotators' names).
    pub header_rows: u16,
    /// Where the header goes (empty without one).
    pub header: Rect,
    /// First paragraph shown, and rows of it scrolled off.
    pub top: usize,
    pub top_row: usize,
    /// Keep the selection in view on the next frame.
    pub follow: bool,
    pub visible: Vec<VisibleParagraph>,
    heights: HashMap<usize, usize>,
    text_width: usize,
}

impl Layout {
    /// Lay out `area` for `doc`, scrolling `selected` into view if following.
    /// `panel_rows` is the height the panel would like below the text (narrow screens).
    pub fn compute(&mut self, area: Rect, doc: &Document, selected: usize, panel_rows: u16) {
        if area != self.area {
            // A resize keeps the selection on screen rather than moving it.
            self.follow = true;
        }
        self.area = area;
        let body = Rect {
            height: area.height.saturating_sub(1),
            ..area
        };
        self.status = Rect {
            y: area.y + body.height,
            height: area.height.min(1),
            ..area
        };
        if area.width >= SIDE_PANEL_MIN_WIDTH {
            let side = side_panel_width(body.width);
            self.panel = Rect {
                x: body.x + body.width - side,
                width: side,
                ..body
            };
            self.document = Rect {
                width: body.width - side,
                ..body
            };
        } else {
            let h = panel_rows
                .max(5)
                .min((body.height * 2 / 3).max(body.height.min(3)));
            self.panel = Rect {
                y: body.y + body.height - h,
                height: h,
                ..body
            };
            self.document = Rect {
                height: body.height - h,
                ..body
            };
        }
        if self.header_rows > 0 {
            let h = self.header_rows.min(self.document.height);
            self.header = Rect {
                height: h,
                ..self.document
            };
            self.document.y += h;
            self.document.height -= h;
        }
        if self.marks_width == 0 {
            self.marks_width = 3;
        }
        let digits = doc.len_hint().max(1).to_string().len() as u16;
        self.gutter = (1 + digits + 1 + self.marks_width + 1).min(self.document.width / 2);
        // One column of margin on the right, so text never touches the panel.
        let text_width = self.document.width.saturating_sub(self.gutter + 1).max(2) as usize;
        if text_width != self.text_width {
            self.heights.clear();
            self.text_width = text_width;
        }
        let last = doc.len().saturating_sub(1);
        self.top = self.top.min(last);
        if self.follow {
            self.ensure_visible(doc, selected.min(last));
            self.follow = false;
        }
        self.fill(doc);
    }

    /// Rows paragraph `i` takes at the current width.
    pub fn height(&mut self, doc: &Document, i: usize) -> usize {
        let width = self.text_width.max(2);
        *self
            .heights
            .entry(i)
            .or_insert_with(|| row_count(&display(doc.paragraph_text(i)), width))
    }

    fn view_rows(&self) -> usize {
        self.document.height as usize
    }

    fn ensure_visible(&mut self, doc: &Document, selected: usize) {
        let h = self.view_rows().max(1);
        if doc.is_empty() {
            return;
        }
        if selected <= self.top {
            if selected < self.top || self.top_row > 0 {
                self.top = selected;
                self.top_row = 0;
            }
            return;
        }
        if selected - self.top > h {
            // Far away: put the selection at the bottom, filling upwards.
            self.top = selected;
            self.top_row = 0;
            let mut used = self.height(doc, selected);
            while self.top > 0 {
                let above = self.height(doc, self.top - 1) + 1;
                if used + above > h {
                    break;
                }
                used += above;
                self.top -= 1;
            }
            return;
        }
        let mut rows: usize = 0;
        for i in self.top..=selected {
            rows += self.height(doc, i) + 1;
        }
        let mut rows = rows - 1 - self.top_row.min(rows - 1);
        while rows > h && self.top < selected {
            let first =
                self.height(doc, self.top) + 1 - self.top_row.min(self.height(doc, self.top) + 1);
            rows -= first;
            self.top += 1;
            self.top_row = 0;
        }
    }

    fn fill(&mut self, doc: &Document) {
        self.visible.clear();
        let bottom = self.document.y + self.document.height;
        let mut y = self.document.y;
        let mut i = self.top;
        let mut skip = self.top_row;
        while y < bottom && i < doc.len() {
            let h = self.height(doc, i);
            if skip < h {
                let rows = ((h - skip) as u16).min(bottom - y);
                self.visible.push(VisibleParagraph {
                    index: i,
                    y,
                    skip,
                    rows,
                });
                y += rows;
            }
            // One blank row between paragraphs.
            if skip <= h {
                y = y.saturating_add(1);
            }
            skip = 0;
            i += 1;
        }
    }

    /// Scroll by rows without moving the selection (mouse wheel, C-e/C-y).
    pub fn scroll_rows(&mut self, doc: &Document, delta: isize) {
        if doc.is_empty() {
            return;
        }
        self.follow = false;
        let last = doc.len() - 1;
        if delta > 0 {
            self.top_row += delta as usize;
            loop {
                let h = self.height(doc, self.top) + 1;
                if self.top_row >= h && self.top < last {
                    self.top_row -= h;
                    self.top += 1;
                } else {
                    break;
                }
            }
            let h = self.height(doc, self.top);
            self.top_row = self.top_row.min(h.saturating_sub(1));
        } else {
            let mut d = delta.unsigned_abs();
            while d > 0 {
                if self.top_row >= d {
                    self.top_row -= d;
                    d = 0;
                } else {
                    d -= self.top_row;
                    if self.top == 0 {
                        self.top_row = 0;
                        break;
                    }
                    self.top -= 1;
                    self.top_row = self.height(doc, self.top) + 1;
                }
            }
        }
    }

    /// The visible paragraph nearest to `selected`.
    pub fn nearest_visible(&self, selected: usize) -> Option<usize> {
        let first = self.visible.first()?.index;
        let last = self.visible.last()?.index;
        Some(selected.clamp(first, last))
    }

    /// Paragraph whose rows cover screen position (`col`, `row`) in the text pane.
    pub fn paragraph_at(&self, col: u16, row: u16) -> Option<usize> {
        let d = self.document;
        if col < d.x || col >= d.x + d.width || row < d.y || row >= d.y + d.height {
            return None;
        }
        self.visible
            .iter()
            .find(|v| row >= v.y && row < v.y + v.rows)
            .map(|v| v.index)
    }

    /// The paragraph and byte of its raw text under screen position (`col`,
    /// `row`), wrapped exactly as the view wraps it; past a row's end, the
    /// row's end. `None` off the text.
    pub fn text_at(&self, doc: &Document, col: u16, row: u16) -> Option<(usize, usize)> {
        let index = self.paragraph_at(col, row)?;
        let v = self.visible.iter().find(|v| v.index == index)?;
        let raw = doc.paragraph_text(index);
        let (shown, map) = display_mapped(raw);
        let want_row = v.skip + (row - v.y) as usize;
        let text_x = self.document.x + self.gutter;
        let want_col = col.saturating_sub(text_x) as usize;
        let mut found = None;
        let mut n = 0;
        wrap_rows(&shown, self.text_width.max(2), |s, e| {
            if n == want_row {
                let mut used = 0;
                let mut at = e;
                for (i, c) in shown[s..e].char_indices() {
                    let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
                    if used + w > want_col {
                        at = s + i;
                        break;
                    }
                    used += w;
                }
                found = Some(at);
                return false;
            }
            n += 1;
            true
        });
        Some((index, display_to_raw(map.as_deref(), found?)))
    }

    /// Paragraph one screen below `from`.
    pub fn page_forward(&mut self, doc: &Document, from: usize) -> usize {
        let h = self.view_rows().max(1);
        let mut rows = 0;
        let mut i = from;
        while i + 1 < doc.len() {
            rows += self.height(doc, i) + 1;
            if rows > h {
                break;
            }
            i += 1;
        }
        i.max(from + 1)
    }

    /// Paragraph one screen above `from`.
    pub fn page_backward(&mut self, doc: &Document, from: usize) -> usize {
        let h = self.view_rows().max(1);
        let mut rows = 0;
        let mut i = from;
        while i > 0 {
            rows += self.height(doc, i - 1) + 1;
            if rows > h {
                break;
            }
            i -= 1;
        }
        i.min(from.saturating_sub(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn the_side_panel_grows_with_a_wide_screen() {
        let doc = Document::from_text(Path::new("d.txt"), "One.\n\nTwo.\n");
        let mut layout = Layout::default();
        layout.compute(Rect::new(0, 0, 120, 40), &doc, 0, 5);
        assert_eq!(layout.panel.width, 40);
        layout.compute(Rect::new(0, 0, 160, 45), &doc, 0, 5);
        assert_eq!(layout.panel.width, 53);
        assert_eq!(layout.document.width, 107);
        layout.compute(Rect::new(0, 0, 300, 45), &doc, 0, 5);
        assert_eq!(layout.panel.width, 100);
    }
}
