//! From positioned characters to lines, page furniture and paragraphs.
//!
//! Pure geometry, no PDF: the reader hands each page's characters with their
//! baseline, horizontal extent and size (top-down coordinates, in points).

use super::super::Block;
use std::collections::HashMap;

/// One character as drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Char {
    pub c: char,
    /// Left and right edge.
    pub x0: f32,
    pub x1: f32,
    /// Baseline, from the top of the page.
    pub y: f32,
    /// Type size in points.
    pub size: f32,
}

/// A page's characters, in the order the page draws them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageText {
    pub width: f32,
    pub height: f32,
    pub chars: Vec<Char>,
}

/// A line of text on a page.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    text: String,
    x0: f32,
    x1: f32,
    y: f32,
    size: f32,
}

/// Characters further apart than this (in ems) have a space between them.
const WORD_GAP: f32 = 0.15;
/// Top and bottom bands (share of the page height) where running heads and
/// footers sit.
const BAND: f32 = 0.12;
/// Soft hyphen: invisible inside a line, a hyphen at a line end.
const SHY: char = '\u{AD}';

/// The lines of a page, top to bottom, each left to right.
fn lines(page: &PageText) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    let mut current: Option<Line> = None;
    // Right edge of the last character placed (spaces included).
    let mut last_x1 = 0.0f32;
    for ch in &page.chars {
        if let Some(line) = current.as_mut() {
            let size = line.size.max(ch.size);
            let same_baseline = (ch.y - line.y).abs() <= 0.5 * size;
            let forward = ch.x0 >= last_x1 - 0.5 * size;
            if same_baseline && forward {
                if ch.c.is_whitespace() {
                    if !line.text.ends_with(' ') {
                        line.text.push(' ');
                    }
                } else {
                    if ch.x0 - last_x1 > WORD_GAP * ch.size && !line.text.ends_with(' ') {
                        line.text.push(' ');
                    }
                    line.text.push(ch.c);
                    line.x1 = line.x1.max(ch.x1);
                    line.size = line.size.max(ch.size);
                }
                last_x1 = last_x1.max(ch.x1);
                continue;
            }
            out.extend(current.take());
        }
        if !ch.c.is_whitespace() && !ch.c.is_control() {
            current = Some(Line {
                text: ch.c.to_string(),
                x0: ch.x0,
                x1: ch.x1,
                y: ch.y,
                size: ch.size,
            });
            last_x1 = ch.x1;
        }
    }
    out.extend(current);
    // Top to bottom; pieces of one visual line (drawn apart) rejoined left
    // to right.
    out.sort_by(|a, b| a.y.total_cmp(&b.y));
    let mut merged: Vec<Line> = Vec::with_capacity(out.len());
    let mut i = 0;
    while i < out.len() {
        let mut j = i + 1;
        while j < out.len() && out[j].y - out[i].y <= 0.3 * out[i].size.max(out[j].size) {
            j += 1;
        }
        let mut group: Vec<Line> = out[i..j].to_vec();
        group.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        let mut line = group[0].clone();
        for piece in &group[1..] {
            if piece.x0 - line.x1 > WORD_GAP * piece.size && !line.text.ends_with(' ') {
                line.text.push(' ');
            }
            line.text.push_str(&piece.text);
            line.x1 = line.x1.max(piece.x1);
            line.size = line.size.max(piece.size);
        }
        let trimmed = line.text.trim_end().len();
        line.text.truncate(trimmed);
        merged.push(line);
        i = j;
    }
    merged
}

/// How a running head or footer reads on any page: case folded, numbers as
/// `#`, spaces squeezed.
fn furniture_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    let mut in_number = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_digit() {
            if !in_number {
                key.push('#');
            }
            in_number = true;
            continue;
        }
        in_number = false;
        if c.is_whitespace() {
            if !key.ends_with(' ') && !key.is_empty() {
                key.push(' ');
            }
        } else {
            key.push(c);
        }
    }
    key.trim_end().to_string()
}

/// A line that is only a page number: `3`, `- 3 -`, `Page 3`, `3 of 12`,
/// `p. 3`, `iv`.
fn is_page_number(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    let rest = lower
        .strip_prefix("page")
        .or_else(|| lower.strip_prefix("p."))
        .unwrap_or(&lower);
    let rest = rest.replace(" of ", " ");
    let digits = rest.chars().any(|c| c.is_ascii_digit());
    let numeric = rest
        .chars()
        .all(|c| c.is_ascii_digit() || c.is_whitespace() || "-–—./|()[]".contains(c));
    let roman = !rest.trim().is_empty()
        && rest.trim().len() <= 6
        && rest.trim().chars().all(|c| "ivxlc".contains(c));
    (digits && numeric) || roman
}

/// Which lines of each page are page furniture: in the top or bottom band,
/// among the first or last three lines, and either repeated (numbers aside)
/// on at least half the pages (two at least), or a page number.
fn furniture(pages: &[(f32, Vec<Line>)]) -> Vec<Vec<bool>> {
    let in_band = |height: f32, lines: &[Line], i: usize| {
        let y = lines[i].y;
        let top = i < 3 && y < BAND * height;
        let bottom = i + 3 >= lines.len() && y > (1.0 - BAND) * height;
        top || bottom
    };
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (height, lines) in pages {
        let mut keys: Vec<String> = (0..lines.len())
            .filter(|&i| in_band(*height, lines, i))
            .map(|i| furniture_key(&lines[i].text))
            .collect();
        keys.sort();
        keys.dedup();
        for key in keys {
            *seen.entry(key).or_default() += 1;
        }
    }
    let needed = pages.len().div_ceil(2).max(2);
    pages
        .iter()
        .map(|(height, lines)| {
            (0..lines.len())
                .map(|i| {
                    in_band(*height, lines, i)
                        && (is_page_number(&lines[i].text)
                            || seen
                                .get(&furniture_key(&lines[i].text))
                                .is_some_and(|n| *n >= needed))
                })
                .collect()
        })
        .collect()
}

/// The most common value of `values` rounded to `step` (ties: the smaller).
fn mode(values: impl Iterator<Item = (f32, usize)>, step: f32) -> Option<f32> {
    let mut counts: HashMap<i64, usize> = HashMap::new();
    for (v, weight) in values {
        if v.is_finite() {
            *counts.entry((v / step).round() as i64).or_default() += weight;
        }
    }
    counts
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        .map(|(k, _)| k as f32 * step)
}

/// The body text's measures: type size, left and right edge, line spacing.
struct Measure {
    size: f32,
    left: f32,
    right: f32,
    spacing: f32,
}

impl Measure {
    fn of(pages: &[Vec<&Line>]) -> Measure {
        let all = || pages.iter().flatten();
        let size = mode(all().map(|l| (l.size, l.text.len())), 0.5).unwrap_or(10.0);
        let body = |l: &&&Line| (l.size - size).abs() <= 0.06 * size;
        let left = mode(all().filter(body).map(|l| (l.x0, 1)), 1.0).unwrap_or(0.0);
        let mut ends: Vec<f32> = all().filter(body).map(|l| l.x1).collect();
        ends.sort_by(f32::total_cmp);
        let right = ends
            .get(ends.len().saturating_sub(1) * 9 / 10)
            .copied()
            .unwrap_or(left + 40.0 * size);
        let steps = pages.iter().flat_map(|lines| {
            lines.windows(2).filter_map(|w| {
                let dy = w[1].y - w[0].y;
                let both = (w[0].size - size).abs() <= 0.06 * size
                    && (w[1].size - size).abs() <= 0.06 * size;
                (both && dy > 0.0 && dy < 3.0 * size).then_some((dy, 1))
            })
        });
        let spacing = mode(steps, 0.25).unwrap_or(1.2 * size);
        Measure {
            size,
            left,
            right: right.max(left + size),
            spacing,
        }
    }

    fn is_body_size(&self, line: &Line) -> bool {
        (line.size - self.size).abs() <= 0.12 * self.size
    }

    /// The line ends near the right edge (a paragraph goes on after it).
    fn is_full(&self, line: &Line) -> bool {
        line.x1 >= self.left + 0.9 * (self.right - self.left)
    }

    /// `next` is indented against `prev` as a paragraph's first line is.
    fn is_indented(&self, prev: &Line, next: &Line) -> bool {
        next.x0 > prev.x0 + 0.5 * self.size
            && next.x0 > self.left + 0.5 * self.size
            && next.x0 < self.left + 0.25 * (self.right - self.left)
    }

    /// Whether `next` starts a new paragraph after `prev` on the same page.
    fn breaks(&self, prev: &Line, next: &Line) -> bool {
        let size_change = (next.size - prev.size).abs() > 0.12 * self.size;
        let gap = next.y - prev.y > 1.35 * self.spacing.max(prev.size) + 0.5;
        let short =
            prev.x1 < self.left + 0.75 * (self.right - self.left)
                && next.text.chars().next().is_some_and(|c| {
                    c.is_uppercase() || c.is_ascii_digit() || "\"'“‘([".contains(c)
                });
        size_change || gap || self.is_indented(prev, next) || short
    }

    /// Whether the first line of a page goes on with the last of the page
    /// before.
    fn continues(&self, prev: &Line, next: &Line) -> bool {
        (next.size - prev.size).abs() <= 0.12 * self.size
            && self.is_body_size(prev)
            && self.is_full(prev)
            && next.x0 <= self.left + 0.5 * self.size
    }
}

/// Append a line to a paragraph's text: a word hyphenated at the line end
/// is joined when the next line starts in lowercase (a soft hyphen always).
fn append_line(text: &mut String, line: &str) {
    let line: String = line.chars().filter(|c| *c != SHY).collect();
    let line = line.trim();
    if text.is_empty() {
        text.push_str(line);
        return;
    }
    let mut tail = text.chars().rev();
    let last = tail.next();
    let before = tail.next();
    let next_lower = line.chars().next().is_some_and(char::is_lowercase);
    match (last, before) {
        (Some(SHY), _) => {
            text.pop();
        }
        (Some('-'), Some(b)) if b.is_alphabetic() && next_lower => {
            text.pop();
        }
        _ => text.push(' '),
    }
    text.push_str(line);
}

/// A paragraph being built.
struct Open {
    text: String,
    /// The pages of its first and last lines (0-based).
    page: usize,
    last_page: usize,
    heading: bool,
}

/// Paragraphs of the pages: body text joined into paragraphs, running heads
/// and footers as boilerplate blocks after the paragraph they interrupt.
pub fn paragraphs(pages: &[PageText]) -> Vec<Block> {
    let laid: Vec<(f32, Vec<Line>)> = pages.iter().map(|p| (p.height, lines(p))).collect();
    let flags = furniture(&laid);
    let body: Vec<Vec<&Line>> = laid
        .iter()
        .zip(&flags)
        .map(|((_, lines), flags)| {
            lines
                .iter()
                .zip(flags)
                .filter(|(_, f)| !**f)
                .map(|(l, _)| l)
                .collect()
        })
        .collect();
    let measure = Measure::of(&body);

    let mut blocks: Vec<Block> = Vec::new();
    let mut pending: Vec<Block> = Vec::new();
    let mut section: Option<String> = None;
    let mut open: Option<Open> = None;
    let mut prev: Option<(&Line, usize)> = None;

    let close = |open: &mut Option<Open>,
                 blocks: &mut Vec<Block>,
                 pending: &mut Vec<Block>,
                 section: &mut Option<String>| {
        if let Some(p) = open.take() {
            let text = p.text.replace(SHY, "-");
            // A heading is in its own section, as in the other formats.
            if p.heading {
                *section = Some(text.clone());
            }
            let (first, last) = ((p.page + 1).to_string(), (p.last_page + 1).to_string());
            blocks.push(Block {
                text,
                page: super::super::page_span(Some(&first), Some(&last)),
                section: section.clone(),
                boilerplate: false,
                notes: Vec::new(),
                styles: Vec::new(),
            });
        }
        blocks.append(pending);
    };

    for (n, ((_, lines), flags)) in laid.iter().zip(&flags).enumerate() {
        for (line, furniture) in lines.iter().zip(flags) {
            if *furniture {
                let block = Block {
                    text: line.text.replace(SHY, ""),
                    page: Some((n + 1).to_string()),
                    section: None,
                    boilerplate: true,
                    notes: Vec::new(),
                    styles: Vec::new(),
                };
                pending.push(block);
                if open.is_none() {
                    blocks.append(&mut pending);
                }
                continue;
            }
            let starts = match prev {
                None => true,
                Some((p, page)) if page == n => measure.breaks(p, line),
                Some((p, _)) => !measure.continues(p, line),
            };
            if starts {
                close(&mut open, &mut blocks, &mut pending, &mut section);
                open = Some(Open {
                    text: String::new(),
                    page: n,
                    last_page: n,
                    heading: line.size > 1.12 * measure.size,
                });
            }
            if let Some(p) = open.as_mut() {
                append_line(&mut p.text, &line.text);
                p.last_page = n;
            }
            prev = Some((line, n));
        }
    }
    close(&mut open, &mut blocks, &mut pending, &mut section);
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page of lines set in 10 pt type, each `(x, y, text)`; characters
    /// 5 pt wide.
    fn page(lines: &[(f32, f32, &str)]) -> PageText {
        page_sized(lines, 10.0)
    }

    fn page_sized(lines: &[(f32, f32, &str)], size: f32) -> PageText {
        let mut chars = Vec::new();
        for &(x, y, text) in lines {
            for (i, c) in text.chars().enumerate() {
                let x0 = x + i as f32 * size / 2.0;
                chars.push(Char {
                    c,
                    x0,
                    x1: x0 + size / 2.0,
                    y,
                    size,
                });
            }
        }
        PageText {
            width: 600.0,
            height: 800.0,
            chars,
        }
    }

    fn texts(blocks: &[Block]) -> Vec<(&str, bool)> {
        blocks
            .iter()
            .map(|b| (b.text.as_str(), b.boilerplate))
            .collect()
    }

    const FULL: &str = "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll";

    #[test]
    fn vertical_gap_starts_a_paragraph() {
        let p = page(&[
            (50.0, 100.0, FULL),
            (50.0, 112.0, "end of one."),
            (50.0, 136.0, FULL),
            (50.0, 148.0, "end of two."),
        ]);
        let blocks = paragraphs(&[p]);
        assert_eq!(blocks.len(), 2, "{blocks:?}");
        assert!(blocks[0].text.ends_with("end of one."));
        assert_eq!(blocks[0].page.as_deref(), Some("1"));
    }

    #[test]
    fn first_line_indent_starts_a_paragraph() {
        let p = page(&[
            (50.0, 100.0, FULL),
            (50.0, 112.0, FULL),
            (50.0, 124.0, FULL),
            (65.0, 136.0, FULL),
            (50.0, 148.0, FULL),
        ]);
        let blocks = paragraphs(&[p]);
        assert_eq!(blocks.len(), 2, "{blocks:?}");
    }

    #[test]
    fn hyphen_at_line_end_joins_a_lowercase_continuation_only() {
        let mut text = String::from("the nego-");
        append_line(&mut text, "tiations went on");
        assert_eq!(text, "the negotiations went on");
        let mut text = String::from("the Franco-");
        append_line(&mut text, "German border");
        assert_eq!(text, "the Franco- German border");
        let mut text = String::from("a dash -");
        append_line(&mut text, "and more");
        assert_eq!(text, "a dash - and more");
        let mut text = String::from("com\u{AD}");
        append_line(&mut text, "Munication");
        assert_eq!(text, "comMunication");
    }

    #[test]
    fn soft_hyphen_inside_a_line_is_dropped() {
        let mut text = String::new();
        append_line(&mut text, "un\u{AD}der\u{AD}stand\u{AD}ing");
        assert_eq!(text, "understanding");
    }

    #[test]
    fn running_heads_and_page_numbers_are_boilerplate() {
        let pages: Vec<PageText> = (1..=3)
            .map(|n| {
                let number = format!("Page {n}");
                page(&[
                    (200.0, 40.0, "Memorandum — Confidential"),
                    (50.0, 100.0, FULL),
                    (50.0, 112.0, "done."),
                    (250.0, 770.0, &number),
                ])
            })
            .collect();
        let blocks = paragraphs(&pages);
        let furniture: Vec<_> = blocks.iter().filter(|b| b.boilerplate).collect();
        assert_eq!(furniture.len(), 6, "{blocks:?}");
        assert_eq!(blocks.iter().filter(|b| !b.boilerplate).count(), 3);
        assert_eq!(furniture[5].page.as_deref(), Some("3"));
    }

    #[test]
    fn paragraph_across_a_page_cites_both_pages_and_furniture_follows() {
        let p1 = page(&[
            (50.0, 700.0, FULL),
            (50.0, 712.0, FULL),
            (280.0, 770.0, "1"),
        ]);
        let p2 = page(&[(50.0, 100.0, "goes on."), (280.0, 770.0, "2")]);
        let blocks = paragraphs(&[p1, p2]);
        let joined = format!("{FULL} {FULL} goes on.");
        assert_eq!(
            texts(&blocks),
            vec![(joined.as_str(), false), ("1", true), ("2", true)]
        );
        assert_eq!(blocks[0].page.as_deref(), Some("1–2"));
        assert_eq!(blocks[1].page.as_deref(), Some("1"));
    }

    #[test]
    fn larger_type_is_a_heading_and_names_the_section() {
        let mut p = page_sized(&[(50.0, 80.0, "Part One")], 16.0);
        p.chars
            .extend(page(&[(50.0, 110.0, FULL), (50.0, 122.0, "end.")]).chars);
        let blocks = paragraphs(&[p]);
        assert_eq!(blocks.len(), 2, "{blocks:?}");
        assert_eq!(blocks[0].section.as_deref(), Some("Part One"));
        assert_eq!(blocks[1].section.as_deref(), Some("Part One"));
    }

    #[test]
    fn gaps_between_characters_become_spaces() {
        let chars = vec![
            Char {
                c: 'a',
                x0: 0.0,
                x1: 5.0,
                y: 10.0,
                size: 10.0,
            },
            Char {
                c: 'b',
                x0: 5.0,
                x1: 10.0,
                y: 10.0,
                size: 10.0,
            },
            Char {
                c: 'c',
                x0: 14.0,
                x1: 19.0,
                y: 10.0,
                size: 10.0,
            },
        ];
        let page = PageText {
            width: 100.0,
            height: 100.0,
            chars,
        };
        assert_eq!(lines(&page)[0].text, "ab c");
    }

    #[test]
    fn page_number_shapes() {
        for s in ["3", "- 3 -", "Page 3", "3 of 12", "p. 3", "iv"] {
            assert!(is_page_number(s), "{s}");
        }
        for s in ["Chapter 3", "Memorandum", ""] {
            assert!(!is_page_number(s), "{s}");
        }
    }
}
