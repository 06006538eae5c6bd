//! Markdown (CommonMark, pulldown-cmark): paragraphs, headings and list
//! items become paragraphs; code blocks are kept verbatim; links read as
//! their text; a paragraph's section is the heading above it. Emphasis,
//! strong emphasis, inline code and headings are kept as style spans beside
//! the text (shown as style, never written into it).

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{Block, Extracted, Metadata, StyleSpan, TextStyle};

/// Blocks being gathered: the text of the block open now, and the heading
/// above it.
#[derive(Default)]
struct Gather {
    blocks: Vec<Block>,
    text: String,
    section: Option<String>,
    in_heading: bool,
    in_code: bool,
    title: Option<String>,
    /// Styled runs of `text` done so far, in its bytes.
    styles: Vec<StyleSpan>,
    /// Styles open now, with the byte of `text` where each began.
    open: Vec<(TextStyle, usize)>,
}

impl Gather {
    fn open_style(&mut self, style: TextStyle) {
        self.open.push((style, self.text.len()));
    }

    fn close_style(&mut self, style: TextStyle) {
        if let Some(i) = self.open.iter().rposition(|(s, _)| *s == style) {
            let (_, start) = self.open.remove(i);
            self.styles.push(StyleSpan {
                start,
                end: self.text.len(),
                style,
            });
        }
    }

    /// End the block open now (if it has any text).
    fn flush(&mut self) {
        let raw = std::mem::take(&mut self.text);
        // A style still open goes on in the next block.
        for (style, start) in &mut self.open {
            self.styles.push(StyleSpan {
                start: *start,
                end: raw.len(),
                style: *style,
            });
            *start = 0;
        }
        let spans = std::mem::take(&mut self.styles);
        let (text, mut styles) = if self.in_code {
            let text = raw.trim_end_matches('\n').to_string();
            let chars = |b: usize| text[..b.min(text.len())].chars().count();
            let styles = spans
                .iter()
                .map(|s| StyleSpan {
                    start: chars(s.start),
                    end: chars(s.end),
                    style: s.style,
                })
                .collect();
            (text, styles)
        } else {
            trim_lines(&raw, &spans)
        };
        if text.trim().is_empty() {
            return;
        }
        styles.retain(|s| s.start < s.end);
        if self.in_heading {
            styles.insert(
                0,
                StyleSpan {
                    start: 0,
                    end: text.chars().count(),
                    style: TextStyle::Heading,
                },
            );
        }
        if self.in_heading {
            let heading = super::squeeze(&text);
            if self.title.is_none() {
                self.title = Some(heading.clone());
            }
            self.section = Some(heading);
        }
        self.blocks.push(Block {
            text,
            section: self.section.clone(),
            styles,
            ..Block::default()
        });
    }
}

/// `raw` with every line trimmed, and `spans` (bytes of `raw`) moved onto
/// it in code points.
fn trim_lines(raw: &str, spans: &[StyleSpan]) -> (String, Vec<StyleSpan>) {
    // Per line: where it starts in `raw`, its trimmed part there, and the
    // code point of the result where that part starts.
    let mut lines: Vec<(usize, usize, usize, usize)> = Vec::new();
    let mut text = String::with_capacity(raw.len());
    let mut chars = 0;
    let mut line_start = 0;
    for line in raw.split('\n') {
        if !lines.is_empty() {
            text.push('\n');
            chars += 1;
        }
        let lead = line.len() - line.trim_start().len();
        let trimmed = line.trim();
        let from = line_start + lead;
        lines.push((line_start, from, from + trimmed.len(), chars));
        text.push_str(trimmed);
        chars += trimmed.chars().count();
        line_start += line.len() + 1;
    }
    // `raw.lines()` would drop a last empty line: so does this.
    if raw.ends_with('\n') {
        text.pop();
    }
    let total = text.chars().count();
    let at = |b: usize| {
        let i = lines.partition_point(|l| l.0 <= b).saturating_sub(1);
        let (_, from, to, first) = lines[i];
        let b = b.clamp(from, to);
        (first + raw[from..b].chars().count()).min(total)
    };
    let spans = spans
        .iter()
        .map(|s| StyleSpan {
            start: at(s.start),
            end: at(s.end),
            style: s.style,
        })
        .collect();
    (text, spans)
}

pub fn extract(source: &str) -> Extracted {
    let mut g = Gather::default();
    for event in Parser::new(source) {
        match event {
            Event::Start(Tag::Heading { .. }) => {
                g.flush();
                g.in_heading = true;
            }
            Event::End(TagEnd::Heading(_)) => {
                g.flush();
                g.in_heading = false;
            }
            Event::Start(Tag::CodeBlock(_)) => {
                g.flush();
                g.in_code = true;
            }
            Event::End(TagEnd::CodeBlock) => {
                g.flush();
                g.in_code = false;
            }
            Event::Start(Tag::Paragraph | Tag::Item | Tag::BlockQuote(_) | Tag::HtmlBlock)
            | Event::End(
                TagEnd::Paragraph | TagEnd::Item | TagEnd::BlockQuote(_) | TagEnd::HtmlBlock,
            )
            | Event::Rule => g.flush(),
            Event::Start(Tag::Emphasis) => g.open_style(TextStyle::Emphasis),
            Event::End(TagEnd::Emphasis) => g.close_style(TextStyle::Emphasis),
            Event::Start(Tag::Strong) => g.open_style(TextStyle::Strong),
            Event::End(TagEnd::Strong) => g.close_style(TextStyle::Strong),
            Event::Code(t) => {
                g.open_style(TextStyle::Code);
                g.text.push_str(&t);
                g.close_style(TextStyle::Code);
            }
            Event::Text(t) | Event::InlineMath(t) | Event::DisplayMath(t) => g.text.push_str(&t),
            // A soft break is where the source wrapped its line: a space, as
            // CommonMark renders it; a hard break is a line break.
            Event::SoftBreak => g.text.push(' '),
            Event::HardBreak => g.text.push('\n'),
            // Raw HTML is markup, not text: only its text between tags shows.
            Event::Html(_) | Event::InlineHtml(_) => {}
            _ => {}
        }
    }
    g.flush();
    Extracted {
        blocks: g.blocks,
        meta: Metadata {
            title: g.title,
            ..Metadata::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(e: &Extracted) -> Vec<&str> {
        e.blocks.iter().map(|b| b.text.as_str()).collect()
    }

    #[test]
    fn paragraphs_headings_items_and_code() {
        let e = extract(
            "# Talks at Kaesong\n\nThe delegation *met* at\n[noon](http://x).\n\n\
             - first point\n- second `point`\n\n## Aside\n\n```\nlet x = 1;\n\n  y\n```\n",
        );
        assert_eq!(
            texts(&e),
            [
                "Talks at Kaesong",
                "The delegation met at noon.",
                "first point",
                "second point",
                "Aside",
                "let x = 1;\n\n  y",
            ]
        );
        assert_eq!(e.blocks[1].section.as_deref(), Some("Talks at Kaesong"));
        assert_eq!(e.blocks[5].section.as_deref(), Some("Aside"));
        assert_eq!(e.meta.title.as_deref(), Some("Talks at Kaesong"));
    }

    /// The styled runs of block `i` as (text, style), from code points.
    fn styled(e: &Extracted, i: usize) -> Vec<(String, TextStyle)> {
        let b = &e.blocks[i];
        let chars: Vec<char> = b.text.chars().collect();
        b.styles
            .iter()
            .map(|s| (chars[s.start..s.end].iter().collect(), s.style))
            .collect()
    }

    /// A paragraph wrapped at 72 columns in the source is one line of text
    /// (quotes from it were exported with the source's line breaks); a hard
    /// break (two spaces or a backslash) stays a line break.
    #[test]
    fn a_soft_break_is_a_space_and_a_hard_break_a_line_break() {
        let e =
            extract("The delegation met\nat noon and\nleft.\n\nSigned  \nNam Il\\\nat Kaesong\n");
        assert_eq!(
            texts(&e),
            [
                "The delegation met at noon and left.",
                "Signed\nNam Il\nat Kaesong"
            ]
        );
    }

    #[test]
    fn emphasis_strong_and_code_are_style_spans_in_code_points() {
        let e = extract(
            "# Kaesong *talks*\n\nThe *délégation* met **Nam Il** at `noon`.\n\n\
             - 金日成 said *停戦*\n",
        );
        assert_eq!(
            texts(&e),
            [
                "Kaesong talks",
                "The délégation met Nam Il at noon.",
                "金日成 said 停戦"
            ]
        );
        assert_eq!(
            styled(&e, 0),
            [
                ("Kaesong talks".into(), TextStyle::Heading),
                ("talks".into(), TextStyle::Emphasis)
            ]
        );
        assert_eq!(
            styled(&e, 1),
            [
                ("délégation".into(), TextStyle::Emphasis),
                ("Nam Il".into(), TextStyle::Strong),
                ("noon".into(), TextStyle::Code)
            ]
        );
        assert_eq!(e.blocks[1].styles[0].start, 4, "code points, not bytes");
        assert_eq!(styled(&e, 2), [("停戦".into(), TextStyle::Emphasis)]);
    }

    #[test]
    fn styles_survive_trimmed_lines_and_nesting() {
        // A hard break (backslash) keeps two lines, each trimmed.
        let e = extract("  The ***talks\\\n   went*** on, _and_ on  \n\n```\n*not* styled\n```\n");
        assert_eq!(texts(&e), ["The talks\nwent on, and on", "*not* styled"]);
        let mut runs = styled(&e, 0);
        runs.sort_by_key(|r| format!("{:?}{}", r.1, r.0));
        assert_eq!(
            runs,
            [
                ("and".into(), TextStyle::Emphasis),
                ("talks\nwent".into(), TextStyle::Emphasis),
                ("talks\nwent".into(), TextStyle::Strong),
            ]
        );
        assert!(e.blocks[1].styles.is_empty(), "code blocks are verbatim");
    }

    #[test]
    fn styled_runs_are_laid_out_in_bytes_of_the_paragraph() {
        let e = extract("Intro.\n\nLe *délégué*\u{7} dit **non**.\n");
        let (text, ex) = super::super::layout(super::super::Format::Markdown, e);
        let doc = crate::document::index_paragraphs(&text);
        let (start, p) = ex.block_at(doc[1].start).unwrap();
        let para = &text[start..doc[1].end];
        assert_eq!(para, "Le délégué dit non.");
        let runs: Vec<&str> = p.styles.iter().map(|s| &para[s.start..s.end]).collect();
        assert_eq!(runs, ["délégué", "non"]);
    }

    #[test]
    fn raw_html_tags_never_reach_the_text() {
        let e = extract("Before <b>bold</b> after\n\n<div>\nblock\n</div>\n");
        assert_eq!(texts(&e), ["Before bold after"]);
    }

    #[test]
    fn deeply_nested_quotes_do_not_crash() {
        let deep = ">".repeat(100_000) + " deep\n";
        let e = extract(&deep);
        assert!(texts(&e).iter().any(|t| t.contains("deep")));
    }
}
