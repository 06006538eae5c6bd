//! HTML (html5ever through scraper): paragraphs from block elements; scripts,
//! styles and hidden elements dropped; navigation, headers, footers, sidebars
//! and whatever lies outside the main content (found readability-style) kept
//! only on request, flagged as boilerplate; `<title>`, dates and `<meta>`
//! citation fields (citation_*, Dublin Core, Open Graph) as metadata.
//!
//! The tree is walked by its open/close edges, never recursively, so deep
//! nesting costs no stack. Nesting deeper than [`NESTING_LIMIT`] never
//! reaches html5ever (whose tree builder scans the whole stack of open
//! elements per tag: quadratic time): a linear pre-scan drops the tags
//! beyond the limit, keeping their text (see [`flatten_deep_nesting`]).

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

/// Open elements beyond which tags are dropped before parsing.
pub const NESTING_LIMIT: usize = 512;

/// Elements without content (never pushed on the stack of open elements).
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen", "frame",
];
/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript",
];
/// Elements whose end tag may be left out: a sibling of the same kind closes them.
const OPTIONAL_END: &[&[&str]] = &[
    &["p"],
    &["li"],
    &["dt", "dd"],
    &["tr"],
    &["td", "th"],
    &["option"],
    &["thead", "tbody", "tfoot"],
];

/// When `source` nests elements deeper than `limit` (counted by a simple
/// linear tokenizer: void elements, raw text and optional end tags as HTML
/// has them), the source with every tag beyond the limit dropped: its text
/// stays, in the element at the limit, and a dropped block element leaves a
/// paragraph break (`<br><br>`). `None` when the nesting is within the limit
/// (the source is parsed as it is).
pub fn flatten_deep_nesting(source: &str, limit: usize) -> Option<String> {
    let mut scan = NestingScan::default();
    let mut deepest = 0;
    scan.run(source, limit, &mut |_, _, depth| {
        deepest = deepest.max(depth)
    });
    if deepest <= limit {
        return None;
    }
    let mut out = String::with_capacity(source.len());
    let mut copied = 0;
    NestingScan::default().run(source, limit, &mut |range, dropped, _| {
        if let Some(block) = dropped {
            out.push_str(&source[copied..range.start]);
            if block {
                out.push_str("<br><br>");
            }
            copied = range.end;
        }
    });
    out.push_str(&source[copied..]);
    Some(out)
}

/// The stack of open elements as a tokenizer sees it.
#[derive(Default)]
struct NestingScan {
    /// Open elements: lower-case name, and whether its tags are dropped.
    open: Vec<(String, bool)>,
    /// How many of each name are open (to ignore stray end tags in O(1)).
    count: std::collections::HashMap<String, usize>,
}

impl NestingScan {
    /// Walk the tags of `source`, calling `tag(range, dropped, depth)` for each
    /// start and end tag: `dropped` is `Some(is_block)` for a tag beyond `limit`.
    fn run(
        &mut self,
        source: &str,
        limit: usize,
        tag: &mut dyn FnMut(std::ops::Range<usize>, Option<bool>, usize),
    ) {
        let bytes = source.as_bytes();
        let mut i = 0;
        while let Some(lt) = memchr_lt(bytes, i) {
            i = lt + 1;
            let rest = &source[lt..];
            if let Some(comment) = rest.strip_prefix("<!--") {
                i = comment.find("-->").map_or(bytes.len(), |e| lt + 4 + e + 3);
                continue;
            }
            if rest.starts_with("<!") || rest.starts_with("<?") {
                i = rest.find('>').map_or(bytes.len(), |e| lt + e + 1);
                continue;
            }
            let closing = rest.starts_with("</");
            let name_at = lt + if closing { 2 } else { 1 };
            if !bytes.get(name_at).is_some_and(u8::is_ascii_alphabetic) {
                continue;
            }
            let name_end = bytes[name_at..]
                .iter()
                .position(|b| b.is_ascii_whitespace() || *b == b'>' || *b == b'/')
                .map_or(bytes.len(), |e| name_at + e);
            let name = source[name_at..name_end].to_ascii_lowercase();
            let end = tag_end(bytes, name_end);
            i = end;
            let self_closing = end >= 2 && bytes[end - 2] == b'/' && bytes[end - 1] == b'>';
            let block = BLOCKS.contains(&name.as_str());
            if closing {
                if self.count.get(&name).copied().unwrap_or(0) == 0 {
                    continue;
                }
                let depth = self.open.len();
                while let Some((open, dropped)) = self.open.pop() {
                    if let Some(n) = self.count.get_mut(&open) {
                        *n -= 1;
                    }
                    if open == name {
                        tag(lt..end, dropped.then_some(block), depth);
                        break;
                    }
                }
                continue;
            }
            if RAW_TEXT.contains(&name.as_str()) {
                // Its content is text up to its end tag, whatever it holds.
                let close = format!("</{name}");
                i = find_ascii_ci(source, end, &close).map_or(bytes.len(), |c| tag_end(bytes, c));
                continue;
            }
            if VOID.contains(&name.as_str()) || self_closing {
                continue;
            }
            if let Some(kin) = OPTIONAL_END.iter().find(|k| k.contains(&name.as_str()))
                && self
                    .open
                    .last()
                    .is_some_and(|(top, _)| kin.contains(&top.as_str()))
                && let Some((top, _)) = self.open.pop()
                && let Some(n) = self.count.get_mut(&top)
            {
                *n -= 1;
            }
            let dropped = self.open.len() >= limit;
            self.open.push((name.clone(), dropped));
            *self.count.entry(name).or_default() += 1;
            tag(lt..end, dropped.then_some(block), self.open.len());
        }
    }
}

fn memchr_lt(bytes: &[u8], from: usize) -> Option<usize> {
    bytes
        .get(from..)?
        .iter()
        .position(|&b| b == b'<')
        .map(|p| from + p)
}

/// Just past the `>` closing a tag whose name ends at `from` (quoted
/// attribute values may hold `>`).
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote: Option<u8> = None;
    for (k, &b) in bytes.iter().enumerate().skip(from) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return k + 1,
            None => {}
        }
    }
    bytes.len()
}

/// Where `needle` (ASCII) occurs in `haystack` from `from` on, ignoring case.
fn find_ascii_ci(haystack: &str, from: usize, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    (from..=h.len().checked_sub(n.len())?).find(|&k| h[k..k + n.len()].eq_ignore_ascii_case(n))
}

/// Extract the page's main content; with `keep_all`, everything else too,
/// flagged as boilerplate.
pub fn extract(source: &str, keep_all: bool) -> Extracted {
    let flattened = flatten_deep_nesting(source, NESTING_LIMIT);
    let html = Html::parse_document(flattened.as_deref().unwrap_or(source));
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

    #[test]
    fn ordinary_pages_are_parsed_as_they_are_not_flattened() {
        let items = "<p>para".repeat(2000) + &"<li>item<br>".repeat(2000);
        let page = format!(
            "<html><body><script>{}</script>{items}<div title='a > b'>x</div></body></html>",
            "<div>".repeat(2000)
        );
        assert_eq!(flatten_deep_nesting(&page, NESTING_LIMIT), None);
        assert_eq!(flatten_deep_nesting(PAGE, NESTING_LIMIT), None);
    }

    #[test]
    fn deep_nesting_is_flattened_at_the_limit_keeping_its_text() {
        let page = "<html><body>".to_string()
            + &"<div>".repeat(1000)
            + "<span>deep</span> text"
            + &"</div>".repeat(1000)
            + "<p>after</p></body></html>";
        let flat = flatten_deep_nesting(&page, 10).unwrap();
        // html and body count: eight divs are kept, the rest become breaks.
        assert_eq!(flat.matches("<div>").count(), 8);
        assert_eq!(flat.matches("</div>").count(), 8);
        assert!(flat.contains("deep text<br><br>"), "{flat}");
        assert_eq!(flatten_deep_nesting(&flat, 10), None);
        let e = extract(&flat, false);
        assert_eq!(texts(&e), ["deep text", "after"]);
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
