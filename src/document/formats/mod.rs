//! Extractors: documents that are not plain text (Markdown, HTML, TEI XML)
//! turned into the one paragraph model.
//!
//! An extractor reads the original's bytes and returns paragraph texts, each
//! with where it sits in the original (page, section) and whether it is page
//! furniture (boilerplate), plus the metadata the original declares. The
//! [`Document`](super::Document) is then built from the extracted text, so
//! anchoring, search, export and the TUI work as for plain text. Extraction is
//! deterministic: the same bytes and extractor version give the same text;
//! the version is recorded in sidecars so a changed split is re-anchored.

pub mod docx;
pub mod html;
pub mod markdown;
pub mod pdf;
pub mod tei;
pub mod tei_split;

use std::collections::BTreeMap;
use std::path::Path;

/// Largest markup file we extract: the parsers hold a tree of it in memory.
pub const MAX_MARKUP_BYTES: usize = 256 << 20;
/// Deepest element nesting followed; deeper content is kept as text of the
/// enclosing block (no recursion depends on the input's depth).
pub const MAX_DEPTH: usize = 256;

/// What kind of file a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Markdown,
    Html,
    Tei,
    Docx,
    Pdf,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Tei => "tei",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
        }
    }

    /// The extractor's name and version, recorded in sidecars (`None` for
    /// plain text, which is read as it is). Bump a version whenever the
    /// extractor splits or words the same input differently.
    pub fn extractor(self) -> Option<(&'static str, u32)> {
        match self {
            Format::Text => None,
            Format::Markdown => Some(("gloss-markdown", 2)),
            Format::Html => Some(("gloss-html", 1)),
            Format::Tei => Some(("gloss-tei", 2)),
            Format::Docx => Some(("gloss-docx", 1)),
            Format::Pdf => Some(("gloss-pdf", 2)),
        }
    }

    /// The original's media type (IANA), for exports that name the resource
    /// they point into (W3C annotations' `target.source.format`).
    pub fn media_type(self) -> &'static str {
        match self {
            Format::Text => "text/plain",
            Format::Markdown => "text/markdown",
            Format::Html => "text/html",
            Format::Tei => "application/tei+xml",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Pdf => "application/pdf",
        }
    }
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "text" | "txt" | "plain" => Format::Text,
            "markdown" | "md" => Format::Markdown,
            "html" | "htm" => Format::Html,
            "tei" | "xml" => Format::Tei,
            "docx" => Format::Docx,
            "pdf" => Format::Pdf,
            other => {
                return Err(format!(
                    "unknown format '{other}' (text, markdown, html, tei, docx, pdf)"
                ));
            }
        })
    }
}

/// `.txt` and `.text` files are plain text whatever their head holds: a
/// reader need not open them to look first.
pub fn is_text_by_name(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("txt") || e.eq_ignore_ascii_case("text"))
}

/// Which format a file is, from its first bytes, then its extension. A file
/// named `.txt` stays text whatever it contains (ask with `--as-format`).
pub fn detect(path: &Path, head: &[u8]) -> Format {
    if is_text_by_name(path) {
        return Format::Text;
    }
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if head.starts_with(b"%PDF-") {
        return Format::Pdf;
    }
    if head.starts_with(b"PK\x03\x04") && ext == "docx" {
        return Format::Docx;
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(head.len());
    let lower = head[start..].to_ascii_lowercase();
    if lower.starts_with(b"<?xml") || lower.starts_with(b"<tei") {
        if memchr::memmem::find(&lower, b"<tei").is_some()
            || memchr::memmem::find(&lower, b"tei-c.org/ns").is_some()
        {
            return Format::Tei;
        }
        if memchr::memmem::find(&lower, b"<html").is_some() {
            return Format::Html;
        }
    }
    if lower.starts_with(b"<!doctype html") || lower.starts_with(b"<html") {
        return Format::Html;
    }
    match ext.as_str() {
        "md" | "markdown" | "mdown" | "mkd" => Format::Markdown,
        "html" | "htm" | "xhtml" => Format::Html,
        "xml" | "tei" => Format::Tei,
        "docx" => Format::Docx,
        "pdf" => Format::Pdf,
        _ => Format::Text,
    }
}

/// The pages a paragraph spans, as a citation gives them: `12`, or `12–13`
/// for one running over a page break (first and last as the original
/// numbers them).
pub fn page_span(first: Option<&str>, last: Option<&str>) -> Option<String> {
    match (first, last) {
        (Some(a), Some(b)) if a != b => Some(format!("{a}{PAGE_DASH}{b}")),
        (Some(a), _) => Some(a.to_string()),
        (None, b) => b.map(str::to_string),
    }
}

/// Between the first and the last page of a [`page_span`].
pub const PAGE_DASH: char = '–';

/// One paragraph as an extractor found it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Block {
    pub text: String,
    /// The page it is on, as the original numbers it; the first and the
    /// last (`12–13`, see [`page_span`]) when it runs over a page break.
    pub page: Option<String>,
    /// The heading (or section title) it is under.
    pub section: Option<String>,
    /// Page furniture: navigation, sidebars, footers, running heads.
    pub boilerplate: bool,
    /// Footnotes and endnotes anchored in it, kept out of its text.
    pub notes: Vec<Note>,
    /// How parts of its text are set (emphasis, strong, code), in
    /// code-point offsets into `text`: shown as style, never part of the text.
    pub styles: Vec<StyleSpan>,
}

/// How a run of text is set in the original. Only drawn: the text itself
/// (anchors, search, exports) never changes with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum TextStyle {
    /// `*emphasis*`, `<em>`, `<i>`: italic.
    Emphasis,
    /// `**strong**`, `<strong>`, `<b>`: bold.
    Strong,
    /// `` `inline code` ``.
    Code,
    /// A heading's text.
    Heading,
}

/// A styled run: `start..end` with `style`. In a [`Block`] the offsets are
/// code points of its text (as extractors count); in a [`Provenance`] bytes
/// of the laid-out paragraph, from its start (as the view draws).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StyleSpan {
    pub start: usize,
    pub end: usize,
    pub style: TextStyle,
}

/// A footnote or endnote, shown with the paragraph it is anchored in but
/// never part of the running text (so tags and search see the text as read).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Note {
    /// Its mark in the original (`1`, `*`), when it has one.
    pub n: Option<String>,
    pub text: String,
}

/// A person or body the original identifies (TEI `persName`/`orgName` with
/// `@corresp`/`@ref`): every spelling used for it, and its full name when a
/// list of persons gives one. Pre-registered as a codebook actor.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Person {
    /// The original's identifier (`p_JUA1`), without `#`.
    pub id: String,
    /// The name to file it under: the list's full name, else the longest spelling.
    pub name: String,
    /// Every other spelling, in order of first use.
    pub aliases: Vec<String>,
    /// What the list of persons says of it (`Ambassador to …`).
    pub description: Option<String>,
}

/// What the original says about itself.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Metadata {
    pub title: Option<String>,
    /// As the original gives it (ISO where it can be had).
    pub date: Option<String>,
    /// Declared fields by their names in the original (`citation_title`,
    /// `DC.date`, `og:url`, …).
    pub fields: BTreeMap<String, String>,
    /// The persons and bodies it identifies, by id.
    pub actors: Vec<Person>,
}

/// An extractor's result.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Extracted {
    pub blocks: Vec<Block>,
    pub meta: Metadata,
}

/// Where a paragraph of an extracted document comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Provenance {
    pub page: Option<String>,
    pub section: Option<String>,
    pub boilerplate: bool,
    /// Notes anchored in the paragraph ([`Note`]).
    pub notes: Vec<Note>,
    /// Its styled runs, in bytes from the block's start ([`StyleSpan`]).
    pub styles: Vec<StyleSpan>,
}

/// What an extracted [`Document`](super::Document) keeps of its extraction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extraction {
    pub format: Format,
    pub extractor: &'static str,
    pub version: u32,
    pub meta: Metadata,
    /// Byte offset in the extracted text where each block starts, with its
    /// provenance, in order.
    pub(super) blocks: Vec<(usize, Provenance)>,
}

impl Extraction {
    /// The provenance of the text at byte `offset` of the extracted text.
    pub fn at(&self, offset: usize) -> Option<&Provenance> {
        self.block_at(offset).map(|(_, p)| p)
    }

    /// The block holding byte `offset` of the extracted text: where it
    /// starts, and its provenance.
    pub fn block_at(&self, offset: usize) -> Option<(usize, &Provenance)> {
        let i = self.blocks.partition_point(|(start, _)| *start <= offset);
        self.blocks.get(i.checked_sub(1)?).map(|(s, p)| (*s, p))
    }
}

/// Why a file could not be extracted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    #[error("{0} documents cannot be read yet (convert it to text, HTML or Markdown first)")]
    Unsupported(&'static str),
    #[error("too large to extract ({0} bytes; the limit is {MAX_MARKUP_BYTES})")]
    TooLarge(usize),
    #[error("not UTF-8 (invalid byte at offset {0})")]
    NotUtf8(usize),
    #[error("byte {position}: {message}")]
    Malformed { position: u64, message: String },
    /// A container (DOCX) that is broken or hostile: `part: what is wrong`.
    #[error("{0}")]
    Archive(String),
    #[error("no text layer — OCR it first, e.g. with ocrmypdf")]
    NoTextLayer,
    #[error("encrypted PDF: it needs a password (decrypt it first, e.g. with qpdf --decrypt)")]
    Encrypted,
    #[error("not a readable PDF: its structure is broken beyond repair")]
    BrokenPdf,
}

/// Run the extractor for `format` on a file's bytes.
pub fn extract(format: Format, bytes: &[u8], keep_all: bool) -> Result<Extracted, ExtractError> {
    if bytes.len() > MAX_MARKUP_BYTES {
        return Err(ExtractError::TooLarge(bytes.len()));
    }
    let text = || {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        std::str::from_utf8(bytes).map_err(|e| ExtractError::NotUtf8(e.valid_up_to()))
    };
    match format {
        Format::Text => Ok(Extracted {
            blocks: crate::document::index_paragraphs(text()?)
                .iter()
                .map(|p| Block {
                    text: text().unwrap_or_default()[p.start..p.end].to_string(),
                    ..Block::default()
                })
                .collect(),
            meta: Metadata::default(),
        }),
        Format::Markdown => Ok(markdown::extract(text()?)),
        Format::Html => Ok(html::extract(text()?, keep_all)),
        Format::Tei => tei::extract(bytes),
        Format::Docx => docx::extract(bytes),
        Format::Pdf => pdf::extract(bytes),
    }
}

/// HTML pages from this size on get a [`Preview`]: parsing and laying out a
/// page takes about 40 ms of CPU a megabyte, so smaller ones come whole
/// as fast.
pub const HTML_PREVIEW_MIN_BYTES: usize = 1 << 20;
/// How much of a large HTML page its preview is extracted from.
const HTML_PREVIEW_BYTES: usize = 64 << 10;

/// The first paragraphs of a long document, extracted from its first pages
/// (PDF) or first bytes (HTML) alone, to show while the whole is extracted.
/// A preview only: the whole extraction decides paragraphs and boilerplate
/// (running heads are counted over all pages, the main content over the
/// whole page), and is what gets annotated.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Preview {
    /// Each paragraph's text as the document will show it, and whether it
    /// is boilerplate.
    pub paragraphs: Vec<(String, bool)>,
}

impl Preview {
    /// The blocks laid out as [`layout`] lays out the whole extraction.
    fn of(format: Format, blocks: Vec<Block>) -> Preview {
        let (text, extraction) = layout(
            format,
            Extracted {
                blocks,
                meta: Metadata::default(),
            },
        );
        let starts: Vec<usize> = extraction.blocks.iter().map(|(s, _)| *s).collect();
        let paragraphs = extraction
            .blocks
            .iter()
            .enumerate()
            .map(|(i, (start, p))| {
                let end = starts.get(i + 1).map_or(text.len(), |next| next - 2);
                (text[*start..end].trim_end().to_string(), p.boilerplate)
            })
            .collect();
        Preview { paragraphs }
    }
}

/// [`extract`], handing `preview` the first paragraphs of a long PDF or a
/// large HTML page as soon as they are known (at most once; never for a
/// short document, nor for other formats).
pub fn extract_with_preview(
    format: Format,
    bytes: &[u8],
    keep_all: bool,
    preview: &mut dyn FnMut(Preview),
) -> Result<Extracted, ExtractError> {
    match format {
        Format::Pdf if bytes.len() <= MAX_MARKUP_BYTES => {
            pdf::extract_with_preview(bytes, &mut |blocks| preview(Preview::of(format, blocks)))
        }
        Format::Html => {
            if let Some(p) = html_preview(bytes, keep_all) {
                preview(p);
            }
            extract(format, bytes, keep_all)
        }
        _ => extract(format, bytes, keep_all),
    }
}

/// The preview of a large HTML page (`None` for a page below
/// [`HTML_PREVIEW_MIN_BYTES`]): its first paragraphs, from its first bytes
/// alone. A few milliseconds, so it can come before anything else.
pub fn html_preview(bytes: &[u8], keep_all: bool) -> Option<Preview> {
    if bytes.len() < HTML_PREVIEW_MIN_BYTES || bytes.len() > MAX_MARKUP_BYTES {
        return None;
    }
    let source = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // The page up to the last tag that starts in its first bytes (a tag or a
    // character cut in two would be read as text).
    let head = &source[..HTML_PREVIEW_BYTES.min(source.len())];
    let cut = head.iter().rposition(|&b| b == b'<')?;
    let head = std::str::from_utf8(&head[..cut]).ok()?;
    let mut blocks = html::extract(head, keep_all).blocks;
    // The last paragraph may go on after the cut.
    blocks.pop();
    (!blocks.is_empty()).then(|| Preview::of(Format::Html, blocks))
}

/// Lay the blocks out as a plain-text document: one paragraph each,
/// separated by a blank line. Control characters go (NUL would make the text
/// binary), blank lines inside a block go (they would split it), and a
/// lone multi-line block is joined into one line (a document without blank
/// lines is read one paragraph per line).
pub fn layout(format: Format, extracted: Extracted) -> (String, Extraction) {
    let lone = extracted
        .blocks
        .iter()
        .filter(|b| !b.text.trim().is_empty())
        .count()
        == 1;
    let mut text = String::new();
    let mut blocks: Vec<(usize, Provenance)> = Vec::new();
    for block in extracted.blocks {
        let joiner = if lone { " " } else { "\n" };
        let (laid, map) = lay_out_block(&block.text, joiner, !block.styles.is_empty());
        if laid.is_empty() {
            // A note anchored in nothing shown stays with the paragraph before.
            if let Some((_, last)) = blocks.last_mut() {
                last.notes.extend(block.notes);
            }
            continue;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let styles = block
            .styles
            .iter()
            .filter_map(|s| {
                let (start, end) = (*map.get(s.start)?, *map.get(s.end)?);
                (start < end).then_some(StyleSpan {
                    start,
                    end,
                    style: s.style,
                })
            })
            .collect();
        blocks.push((
            text.len(),
            Provenance {
                page: block.page,
                section: block.section,
                boilerplate: block.boilerplate,
                notes: block.notes,
                styles,
            },
        ));
        text.push_str(&laid);
    }
    if !text.is_empty() {
        text.push('\n');
    }
    let (extractor, version) = format.extractor().unwrap_or(("text", 0));
    (
        text,
        Extraction {
            format,
            extractor,
            version,
            meta: extracted.meta,
            blocks,
        },
    )
}

/// One block's text as laid out: control characters dropped, line ends
/// trimmed, blank lines dropped, lines joined with `joiner`. With `mapped`,
/// also where each of its code points (and its end) lands, in bytes of the
/// laid-out text (a dropped one lands where the next kept one goes).
fn lay_out_block(text: &str, joiner: &str, mapped: bool) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(text.len());
    let mut map = Vec::new();
    for line in text.split('\n') {
        let kept = |c: &char| *c == '\t' || !c.is_control();
        let shown: String = line.chars().filter(kept).collect();
        let shown = shown.trim_end();
        let blank = shown.trim().is_empty();
        if !blank && !out.is_empty() {
            out.push_str(joiner);
        }
        if mapped {
            // Kept characters of `shown` land one after another; the
            // trimmed tail and a blank line land at the line's end.
            let mut at = out.len();
            let end = out.len() + if blank { 0 } else { shown.len() };
            for c in line.chars() {
                map.push(at.min(end));
                if kept(&c) {
                    at += c.len_utf8();
                }
            }
            map.push(end); // the '\n' after the line, or the text's end
        }
        if !blank {
            out.push_str(shown);
        }
    }
    (out, map)
}

/// Collapse runs of whitespace to one space and trim: how markup's inline
/// text reads.
pub fn squeeze(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detect_by_content_then_extension() {
        let p = |s: &str| Path::new(s).to_path_buf();
        assert_eq!(detect(&p("a.html"), b"hello"), Format::Html);
        assert_eq!(detect(&p("page"), b"  <!DOCTYPE html><html>"), Format::Html);
        assert_eq!(
            detect(&p("a.xml"), b"<?xml version='1.0'?><TEI xmlns="),
            Format::Tei
        );
        assert_eq!(detect(&p("notes.md"), b"# Title"), Format::Markdown);
        assert_eq!(detect(&p("scan.bin"), b"%PDF-1.7"), Format::Pdf);
        assert_eq!(detect(&p("memo"), b"Memorandum"), Format::Text);
    }

    #[test]
    fn txt_that_is_really_html_stays_text() {
        assert_eq!(
            detect(Path::new("saved.txt"), b"<!DOCTYPE html><html><p>x</p>"),
            Format::Text
        );
    }

    #[test]
    fn layout_one_paragraph_per_block_with_provenance() {
        let blocks = vec![
            Block {
                text: "Head".into(),
                ..Block::default()
            },
            Block {
                text: "one\n\n\ntwo\u{0}".into(),
                section: Some("Head".into()),
                ..Block::default()
            },
            Block {
                text: "   ".into(),
                ..Block::default()
            },
        ];
        let (text, ex) = layout(
            Format::Markdown,
            Extracted {
                blocks,
                meta: Metadata::default(),
            },
        );
        assert_eq!(text, "Head\n\none\ntwo\n");
        let doc = crate::document::index_paragraphs(&text);
        assert_eq!(doc.len(), 2);
        assert_eq!(
            ex.at(doc[1].start).and_then(|p| p.section.as_deref()),
            Some("Head")
        );
        assert_eq!(ex.extractor, "gloss-markdown");
    }

    #[test]
    fn lone_multiline_block_stays_one_paragraph() {
        let (text, _) = layout(
            Format::Html,
            Extracted {
                blocks: vec![Block {
                    text: "line one\nline two".into(),
                    ..Block::default()
                }],
                meta: Metadata::default(),
            },
        );
        assert_eq!(crate::document::index_paragraphs(&text).len(), 1);
    }

    #[test]
    fn a_truncated_pdf_is_a_broken_pdf() {
        assert_eq!(
            extract(Format::Pdf, b"%PDF-1.4", false),
            Err(ExtractError::BrokenPdf)
        );
    }

    /// A page of `size` bytes or more: navigation, then numbered
    /// paragraphs in `<main>`, then a footer.
    fn long_page(size: usize) -> String {
        let mut html = String::from(
            "<html><head><title>T</title></head><body><nav><a href=\"/\">Home</a> <a href=\"/a\">About</a></nav><main><h1>Minutes</h1>",
        );
        let mut i = 0;
        while html.len() < size {
            i += 1;
            html.push_str(&format!(
                "<p>Paragraph {i}: the delegation said, as before, that the talks &amp; the <em>armistice</em> would go on.</p>\n"
            ));
        }
        html.push_str("</main><footer>Copyright</footer></body></html>");
        html
    }

    #[test]
    fn a_large_html_page_previews_its_first_paragraphs() {
        let html = long_page(HTML_PREVIEW_MIN_BYTES);
        let mut shown = Vec::new();
        let whole =
            extract_with_preview(Format::Html, html.as_bytes(), false, &mut |p| shown.push(p))
                .unwrap();
        assert_eq!(shown.len(), 1, "one preview");
        let whole = Preview::of(Format::Html, whole.blocks).paragraphs;
        let preview = &shown[0].paragraphs;
        assert!(preview.len() > 100, "{}", preview.len());
        assert_eq!(preview[..], whole[..preview.len()]);
        assert_eq!(preview[0], ("Minutes".to_string(), false));
        assert!(preview[1].0.starts_with("Paragraph 1: the delegation said"));
        // A page below the threshold has none: it is extracted as fast.
        let small = long_page(HTML_PREVIEW_MIN_BYTES / 4);
        let mut none = true;
        extract_with_preview(Format::Html, small.as_bytes(), false, &mut |_| none = false).unwrap();
        assert!(none);
    }
}
