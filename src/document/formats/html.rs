//! HTML (html5ever through scraper): paragraphs from block elements; scripts,
//! styles and hidden elements dropped; navigation, headers, footers, sidebars
//! and whatever lies outside the main content (found readability-style) kept
//! only on request, flagged as boilerplate; `<title>`, dates and `<meta>`
//! citation fields (citation_*, Dublin Core, Open Graph) as metadata.
//!
//! The tree is walked by its open/close edges, never recursively, so deep
//! nesting costs no stack.

use ego_tree::NodeId;
use ego_tree::iter::Edge;
use scraper::{Html, Node};

use super::{Block, Extracted, Metadata, squeeze};

/// Elements that end one paragraph and start another.
const BLOCKS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "td",
    "th",
    "pre",
    "dd",
    "dt",
    "div",
    "section",
    "article",
    "main",
    "figcaption",
    "caption",
    "address",
    "tr",
    "table",
    "ul",
    "ol",
    "dl",
    "form",
    "fieldset",
    "legend",
    "center",
    "body",
    "hr",
    "nav",
    "header",
    "footer",
    "aside",
    "menu",
];
/// Elements whose content is never text of the page.
const DROPPED: &[&str] = &[
    "script", "style", "noscript", "template", "head", "svg", "math", "iframe", "object", "select",
    "button", "textarea", "input",
];
/// Page furniture: kept only as boilerplate.
const FURNITURE: &[&str] = &["nav", "header", "footer", "aside", "menu"];
/// ARIA roles of page furniture.
const FURNITURE_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "menu",
    "menubar",
];
/// Words in class or id names that mark page furniture.
const FURNITURE_NAMES: &[&str] = &[
    "nav",
    "menu",
    "footer",
    "sidebar",
    "breadcrumb",
    "cookie",
    "banner",
    "share",
    "social",
    "masthead",
    "skip",
    "related",
];

/// A paragraph found, before the main content is known.
struct Found {
    block: Block,
    /// Elements enclosing it (outermost first, at most MAX_DEPTH).
    ancestors: Vec<NodeId>,
    /// Inside page furniture.
    furniture: bool,
    /// A `p` element: counts towards the main-content score.
    prose: bool,
    /// A heading: the section of the paragraphs below it.
    heading: bool,
}

fn is_hidden(e: &scraper::node::Element) -> bool {
    if e.attr("hidden").is_some() || e.attr("aria-hidden") == Some("true") {
        return true;
    }
    e.attr("style").is_some_and(|s| {
        let s: String = s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    })
}

fn is_furniture(e: &scraper::node::Element) -> bool {
    if FURNITURE.contains(&e.name()) {
        return true;
    }
    if e.attr("role").is_some_and(|r| FURNITURE_ROLES.contains(&r)) {
        return true;
    }
    let named = |s: &str| {
        let s = s.to_ascii_lowercase();
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| FURNITURE_NAMES.contains(&w))
    };
    e.id().is_some_and(named) || e.classes().any(named)
}

/// Extract the page's main content; with `keep_all`, everything else too,
/// flagged as boilerplate.
pub fn extract(source: &str, keep_all: bool) -> Extracted {
    let html = Html::parse_document(source);
    let mut meta = Metadata::default();
    let mut found: Vec<Found> = Vec::new();
    let mut text = String::new();
    let mut ancestors: Vec<NodeId> = Vec::new();
    // Depth of the element stack at which skipping / furniture began.
    let mut skip_from: Option<usize> = None;
    let mut furniture_from: Option<usize> = None;
    let mut pre = 0usize;
    let mut depth = 0usize;
    let mut explicit_main: Vec<NodeId> = Vec::new();
    let mut title = None;
    let mut first_h1 = None;

    let flush = |text: &mut String,
                 found: &mut Vec<Found>,
                 ancestors: &[NodeId],
                 furniture: bool,
                 pre: bool,
                 prose: bool| {
        let t = std::mem::take(text);
        let t = if pre {
            t.trim_matches('\n').to_string()
        } else {
            t.lines().map(squeeze).collect::<Vec<_>>().join("\n")
        };
        if !t.trim().is_empty() {
            found.push(Found {
                block: Block {
                    text: t,
                    ..Block::default()
                },
                ancestors: ancestors.to_vec(),
                furniture,
                prose,
                heading: false,
            });
        }
    };

    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) => {
                    depth += 1;
                    let name = e.name();
                    if name == "title" && title.is_none() {
                        let t: String = node
                            .descendants()
                            .filter_map(|n| n.value().as_text().map(|t| t.to_string()))
                            .collect();
                        title = Some(squeeze(&t)).filter(|t| !t.is_empty());
                    }
                    if name == "meta" {
                        read_meta(e, &mut meta);
                    }
                    if name == "time"
                        && meta.date.is_none()
                        && let Some(d) = e.attr("datetime")
                    {
                        meta.fields
                            .entry("time".into())
                            .or_insert_with(|| d.trim().to_string());
                    }
                    if skip_from.is_some() {
                        continue;
                    }
                    if DROPPED.contains(&name) || is_hidden(e) {
                        skip_from = Some(depth);
                        continue;
                    }
                    if name == "br" {
                        if text.trim_end_matches([' ', '\t']).ends_with('\n') {
                            flush(
                                &mut text,
                                &mut found,
                                &ancestors,
                                furniture_from.is_some(),
                                pre > 0,
                                false,
                            );
                        } else {
                            text.push('\n');
                        }
                        continue;
                    }
                    if BLOCKS.contains(&name) {
                        flush(
                            &mut text,
                            &mut found,
                            &ancestors,
                            furniture_from.is_some(),
                            pre > 0,
                            false,
                        );
                    }
                    if furniture_from.is_none() && is_furniture(e) {
                        furniture_from = Some(depth);
                    }
                    if name == "main" || name == "article" || e.attr("role") == Some("main") {
                        explicit_main.push(node.id());
                    }
                    if name == "pre" {
                        pre += 1;
                    }
                    if ancestors.len() < super::MAX_DEPTH {
                        ancestors.push(node.id());
                    }
                }
                Node::Text(t) if skip_from.is_none() => {
                    if pre > 0 {
                        text.push_str(t);
                    } else {
                        // Line breaks in the source are only spacing.
                        text.push_str(&t.replace(['\n', '\r'], " "));
                    }
                }
                _ => {}
            },
            Edge::Close(node) => {
                let Node::Element(e) = node.value() else {
                    continue;
                };
                let name = e.name();
                if let Some(from) = skip_from {
                    if from == depth {
                        skip_from = None;
                    }
                    depth -= 1;
                    continue;
                }
                if name == "br" {
                    depth -= 1;
                    continue;
                }
                if BLOCKS.contains(&name) {
                    if name.len() == 2 && name.starts_with('h') && first_h1.is_none() {
                        first_h1 = Some(squeeze(&text)).filter(|t| !t.is_empty());
                    }
                    let heading = name.len() == 2
                        && name.starts_with('h')
                        && name.as_bytes()[1].is_ascii_digit();
                    flush(
                        &mut text,
                        &mut found,
                        &ancestors,
                        furniture_from.is_some(),
                        pre > 0,
                        name == "p",
                    );
                    if heading && let Some(last) = found.last_mut() {
                        last.heading = true;
                    }
                }
                if name == "pre" {
                    pre = pre.saturating_sub(1);
                }
                if furniture_from == Some(depth) {
                    furniture_from = None;
                }
                if ancestors.last() == Some(&node.id()) {
                    ancestors.pop();
                }
                depth -= 1;
            }
        }
    }
    flush(
        &mut text,
        &mut found,
        &ancestors,
        furniture_from.is_some(),
        false,
        false,
    );

    let main = main_content(&html, &found, &explicit_main);
    let mut blocks = Vec::new();
    let mut section: Option<String> = None;
    for f in found {
        let in_main = main.is_none_or(|m| f.ancestors.contains(&m));
        let boilerplate = f.furniture || !in_main;
        if boilerplate && !keep_all {
            continue;
        }
        let mut block = f.block;
        if f.heading && !boilerplate {
            section = Some(squeeze(&block.text));
        }
        block.section = if boilerplate { None } else { section.clone() };
        block.boilerplate = boilerplate;
        blocks.push(block);
    }
    meta.title = meta
        .fields
        .get("citation_title")
        .or_else(|| meta.fields.get("DC.title"))
        .or_else(|| meta.fields.get("og:title"))
        .cloned()
        .or(title)
        .or(first_h1);
    meta.date = [
        "citation_date",
        "citation_publication_date",
        "DC.date",
        "dcterms.date",
        "DC.date.created",
        "article:published_time",
        "time",
    ]
    .iter()
    .find_map(|k| meta.fields.get(*k).cloned());
    meta.fields.remove("time");
    Extracted { blocks, meta }
}

/// `<meta name|property=… content=…>` fields worth citing.
fn read_meta(e: &scraper::node::Element, meta: &mut Metadata) {
    let Some(key) = e.attr("name").or_else(|| e.attr("property")) else {
        return;
    };
    let Some(value) = e.attr("content").map(squeeze).filter(|v| !v.is_empty()) else {
        return;
    };
    let lower = key.to_ascii_lowercase();
    let wanted = lower.starts_with("citation_")
        || lower.starts_with("dc.")
        || lower.starts_with("dcterms.")
        || lower.starts_with("og:")
        || lower.starts_with("article:")
        || lower == "author"
        || lower == "description"
        || lower == "date";
    if !wanted {
        return;
    }
    // Dublin Core keeps its conventional spelling (DC.title), others lower case.
    let key = match lower.strip_prefix("dc.") {
        Some(rest) => format!("DC.{rest}"),
        None => lower,
    };
    meta.fields.entry(key).or_insert(value);
}

/// The element holding the main content: a `main`/`article` (the one with
/// the most text), else the element whose paragraphs score highest (their
/// length and commas, half to the grandparent, as readability does). `None`
/// when the page has too little prose to tell.
fn main_content(html: &Html, found: &[Found], explicit: &[NodeId]) -> Option<NodeId> {
    let text_in = |id: NodeId| -> usize {
        found
            .iter()
            .filter(|f| !f.furniture && f.ancestors.contains(&id))
            .map(|f| f.block.text.len())
            .sum()
    };
    if let Some(best) = explicit
        .iter()
        .copied()
        .max_by_key(|id| text_in(*id))
        .filter(|id| text_in(*id) > 0)
    {
        return Some(best);
    }
    let mut scores: std::collections::HashMap<NodeId, f64> = Default::default();
    for f in found.iter().filter(|f| f.prose && !f.furniture) {
        let len = f.block.text.chars().count();
        if len < 25 {
            continue;
        }
        let score = 1.0 + f.block.text.matches(',').count() as f64 + (len / 100).min(3) as f64;
        // ancestors ends with the p itself.
        let n = f.ancestors.len();
        if n >= 2 {
            *scores.entry(f.ancestors[n - 2]).or_default() += score;
        }
        if n >= 3 {
            *scores.entry(f.ancestors[n - 3]).or_default() += score / 2.0;
        }
    }
    let (best, score) = scores
        .into_iter()
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))?;
    let body = html
        .tree
        .root()
        .descendants()
        .find(|n| n.value().as_element().is_some_and(|e| e.name() == "body"))
        .map(|n| n.id());
    // A page that is one article's worth of prose needs no choosing.
    (score >= 3.0 && Some(best) != body).then_some(best)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(e: &Extracted) -> Vec<&str> {
        e.blocks.iter().map(|b| b.text.as_str()).collect()
    }

    const PAGE: &str = r#"<!DOCTYPE html>
<html><head><title>Memo &amp; notes</title>
<meta name="citation_title" content="Record of a Conversation with Nam Il">
<meta name="citation_date" content="1956/07/24">
<meta name="DC.publisher" content="Wilson Center">
<meta property="og:url" content="https://example.org/doc/1">
<script>var x = "<p>not text</p>";</script><style>p { color: red }</style>
</head><body>
<header><a href="/">Digital Archive</a></header>
<nav><ul><li>Home</li><li>Search</li></ul></nav>
<div id="content">
<h1>Record of a Conversation</h1>
<p>Nam Il said that the delegation, having considered the matter, would agree.</p>
<p>The ambassador replied that the&nbsp;proposal, as it stood, was <b>not</b> acceptable &mdash; yet.</p>
<h2>Second part</h2>
<p>Line one<br>line two<br><br>After a break, the talks resumed in the afternoon.</p>
<ul><li>first item</li><li>second item</li></ul>
<table><tr><td>cell A</td><td>cell B</td></tr></table>
<pre>  verbatim
    text</pre>
<p hidden>secret</p><p style="display: none">also secret</p>
</div>
<aside>Related documents</aside>
<footer>Copyright 2024</footer>
</body></html>"#;

    #[test]
    fn main_content_blocks_in_order() {
        let e = extract(PAGE, false);
        assert_eq!(
            texts(&e),
            [
                "Record of a Conversation",
                "Nam Il said that the delegation, having considered the matter, would agree.",
                "The ambassador replied that the proposal, as it stood, was not acceptable \u{2014} yet.",
                "Second part",
                "Line one\nline two",
                "After a break, the talks resumed in the afternoon.",
                "first item",
                "second item",
                "cell A",
                "cell B",
                "  verbatim\n    text",
            ]
        );
        assert!(e.blocks.iter().all(|b| !b.boilerplate));
        assert_eq!(
            e.blocks[1].section.as_deref(),
            Some("Record of a Conversation")
        );
        assert_eq!(e.blocks[5].section.as_deref(), Some("Second part"));
    }

    #[test]
    fn keep_all_keeps_furniture_as_boilerplate() {
        let e = extract(PAGE, true);
        let boiler: Vec<&str> = e
            .blocks
            .iter()
            .filter(|b| b.boilerplate)
            .map(|b| b.text.as_str())
            .collect();
        assert_eq!(
            boiler,
            [
                "Digital Archive",
                "Home",
                "Search",
                "Related documents",
                "Copyright 2024"
            ]
        );
        assert!(
            !texts(&e)
                .iter()
                .any(|t| t.contains("not text") || t.contains("secret"))
        );
    }

    #[test]
    fn title_date_and_citation_fields() {
        let e = extract(PAGE, false);
        assert_eq!(
            e.meta.title.as_deref(),
            Some("Record of a Conversation with Nam Il")
        );
        assert_eq!(e.meta.date.as_deref(), Some("1956/07/24"));
        assert_eq!(
            e.meta.fields.get("DC.publisher").map(String::as_str),
            Some("Wilson Center")
        );
        assert_eq!(
            e.meta.fields.get("og:url").map(String::as_str),
            Some("https://example.org/doc/1")
        );
    }

    #[test]
    fn title_falls_back_to_the_title_element() {
        let e = extract("<title>A &lt;b&gt; page</title><p>x</p>", false);
        assert_eq!(e.meta.title.as_deref(), Some("A <b> page"));
    }

    #[test]
    fn a_page_without_a_clear_main_keeps_all_its_prose() {
        let e = extract("<p>one</p><div><p>two</p></div>", false);
        assert_eq!(texts(&e), ["one", "two"]);
    }

    #[test]
    fn malformed_and_deeply_nested_markup_gives_text() {
        let deep = "<div>".repeat(50_000) + "deep text" + &"</span>".repeat(10);
        let e = extract(&deep, false);
        assert!(texts(&e).contains(&"deep text"));
        let e = extract("<p>unclosed <b>bold <i>both</p><p>next", false);
        assert_eq!(texts(&e), ["unclosed bold both", "next"]);
    }
}
