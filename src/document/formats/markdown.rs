//! Markdown (CommonMark, pulldown-cmark): paragraphs, headings and list
//! items become paragraphs; code blocks are kept verbatim; links read as
//! their text; a paragraph's section is the heading above it.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::{Block, Extracted, Metadata};

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
}

impl Gather {
    /// End the block open now (if it has any text).
    fn flush(&mut self) {
        let text = std::mem::take(&mut self.text);
        let text = if self.in_code {
            text.trim_end_matches('\n').to_string()
        } else {
            text.lines().map(str::trim).collect::<Vec<_>>().join("\n")
        };
        if text.trim().is_empty() {
            return;
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
            ..Block::default()
        });
    }
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
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
                g.text.push_str(&t)
            }
            Event::SoftBreak | Event::HardBreak => g.text.push('\n'),
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
                "The delegation met at\nnoon.",
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
