//! PDF (text layer) into the paragraph model.
//!
//! The text layer is read with hayro (pure Rust, fuzzed, recovers broken
//! cross-reference tables): every glyph it draws, visible or not (OCR layers
//! are invisible text), arrives with its position, size and Unicode. From
//! these the extractor rebuilds lines, marks the running headers and footers
//! (text in the top or bottom band repeated on most pages, page numbers), and
//! joins lines into paragraphs where the geometry says so: a vertical gap
//! larger than the line spacing, a first-line indentation, a change of type
//! size (headings), a short last line. Words hyphenated at a line end are
//! joined when the next line starts in lowercase. Each paragraph keeps the
//! page it starts on, by its label where the PDF labels its pages.
//!
//! Single-column text is the case this is made for: lines are read top to
//! bottom, so two columns side by side interleave.

mod labels;
mod layout;

use super::{Block, ExtractError, Extracted, Metadata};
use hayro_interpret::font::Glyph;
use hayro_interpret::font::GlyphRun;
use hayro_interpret::hayro_cmap::BfString;
use hayro_interpret::hayro_syntax::page::Page;
use hayro_interpret::hayro_syntax::{LoadPdfError, Pdf};
use hayro_interpret::kurbo::{Affine, BezPath, Point, Rect};
use hayro_interpret::{
    BlendMode, ClipPath, Context, Device, DrawMode, DrawProps, Image, ImageDrawProps,
    InterpreterCache, InterpreterSettings, SoftMask, interpret_page,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

pub use layout::{Char, PageText};

/// Pages read first, on their own, so that their paragraphs can be shown
/// while the rest of a long PDF is read (see [`extract_with_preview`]).
pub const PREVIEW_PAGES: usize = 4;

/// The pages of a PDF as positioned characters, in the order drawn.
pub fn read_pages(bytes: &[u8]) -> Result<(Vec<PageText>, Metadata), ExtractError> {
    read_pages_with(bytes, PREVIEW_PAGES, &mut |_| {})
}

/// [`read_pages`], handing the first `head` pages to `first` as soon as
/// they are read (when there are more). The other pages are read on every core: each page
/// is interpreted on its own (with a font cache per thread), and the pages
/// are put back in their order, so the result is the same as one by one.
fn read_pages_with(
    bytes: &[u8],
    head: usize,
    first: &mut dyn FnMut(&[PageText]),
) -> Result<(Vec<PageText>, Metadata), ExtractError> {
    let data: Arc<Vec<u8>> = Arc::new(bytes.to_vec());
    let pdf = Pdf::new(data).map_err(|e| match e {
        LoadPdfError::Decryption(_) => ExtractError::Encrypted,
        LoadPdfError::Invalid => ExtractError::BrokenPdf,
    })?;
    let meta = metadata(&pdf);
    let count = pdf.pages().len();
    let head = count.min(head);
    let mut pages = read_range(&pdf, 0..head);
    if head < count {
        first(&pages);
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 16)
        .min(count - head)
        .max(1);
    // Pages handed out one at a time: a page of pictures and one of text
    // take very different times.
    let next = AtomicUsize::new(head);
    let work = || {
        let mut done = Vec::new();
        let settings = InterpreterSettings::default();
        let cache = InterpreterCache::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(page) = pdf.pages().get(i) else {
                return done;
            };
            done.push((i, read_page(&pdf, page, &cache, &settings)));
        }
    };
    let mut rest: Vec<(usize, PageText)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(work)).collect();
        let mut all = work();
        for helper in helpers {
            // A panic in a helper is the reader's panic: `extract` turns it
            // into the broken-file error.
            match helper.join() {
                Ok(done) => all.extend(done),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        all
    });
    rest.sort_unstable_by_key(|(i, _)| *i);
    pages.extend(rest.into_iter().map(|(_, page)| page));
    Ok((pages, meta))
}

/// Pages `range` of `pdf`, one after the other.
fn read_range(pdf: &Pdf, range: std::ops::Range<usize>) -> Vec<PageText> {
    let settings = InterpreterSettings::default();
    let cache = InterpreterCache::new();
    pdf.pages()[range]
        .iter()
        .map(|page| read_page(pdf, page, &cache, &settings))
        .collect()
}

/// The characters one page draws.
fn read_page<'a>(
    pdf: &'a Pdf,
    page: &Page<'a>,
    cache: &InterpreterCache<'a>,
    settings: &InterpreterSettings,
) -> PageText {
    let (width, height) = page.render_dimensions();
    let initial = Affine::new(page.initial_transform(true).as_coeffs());
    let mut context = Context::new(
        initial,
        Rect::new(0.0, 0.0, f64::from(width), f64::from(height)),
        cache,
        pdf.xref(),
        settings.clone(),
    );
    let mut device = Collector::default();
    interpret_page(page, &mut context, &mut device);
    PageText {
        width,
        height,
        chars: device.chars,
    }
}

/// Extract the paragraphs of a PDF's text layer.
pub fn extract(bytes: &[u8]) -> Result<Extracted, ExtractError> {
    extract_with_preview(bytes, &mut |_| {})
}

/// [`extract`], handing `preview` the paragraphs of the first pages of a
/// longer PDF as soon as they are read: laid out from those pages alone
/// (their running heads are known from them), without the last paragraph,
/// which may go on over the page. Not called when the PDF is that short.
pub fn extract_with_preview(
    bytes: &[u8],
    preview: &mut dyn FnMut(Vec<Block>),
) -> Result<Extracted, ExtractError> {
    extract_previewing(bytes, PREVIEW_PAGES, preview)
}

/// [`extract_with_preview`] with a preview of the first `head` pages.
fn extract_previewing(
    bytes: &[u8],
    head: usize,
    preview: &mut dyn FnMut(Vec<Block>),
) -> Result<Extracted, ExtractError> {
    // The reader is fuzzed, but a panic in it on a hostile file must not
    // take gloss down: it becomes the broken-file error.
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_pages_with(bytes, head, &mut |first| {
            let mut blocks = layout::paragraphs(first);
            blocks.pop();
            if !blocks.is_empty() {
                preview(blocks);
            }
        })
    }))
    .map_err(|_| ExtractError::BrokenPdf)?;
    let (pages, meta) = read?;
    if pages
        .iter()
        .all(|p| p.chars.iter().all(|c| c.c.is_whitespace()))
    {
        return Err(ExtractError::NoTextLayer);
    }
    let mut blocks: Vec<Block> = layout::paragraphs(&pages);
    labels::apply(bytes, &mut blocks);
    Ok(Extracted { blocks, meta })
}

/// What the document information dictionary declares.
fn metadata(pdf: &Pdf) -> Metadata {
    let info = pdf.metadata();
    let mut meta = Metadata::default();
    let mut field = |name: &str, value: &Option<Box<[u8]>>| {
        let text = value.as_deref().map(decode_text_string).unwrap_or_default();
        let text = super::squeeze(&text);
        if !text.is_empty() {
            meta.fields.insert(name.to_string(), text);
        }
    };
    field("pdf:Title", &info.title);
    field("pdf:Author", &info.author);
    field("pdf:Subject", &info.subject);
    field("pdf:Creator", &info.creator);
    field("pdf:Producer", &info.producer);
    meta.title = meta.fields.get("pdf:Title").cloned();
    meta
}

/// A PDF text string: UTF-16BE with its byte-order mark, UTF-8 with its
/// mark (PDF 2.0), else PDFDocEncoding (Latin-1 where it matters here).
fn decode_text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return String::from_utf8_lossy(rest).into_owned();
    }
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// A device that keeps the glyphs' characters and positions, nothing else.
#[derive(Default)]
struct Collector {
    chars: Vec<Char>,
}

impl Device<'_> for Collector {
    fn draw_path(&mut self, _: &BezPath, _: DrawProps<'_>, _: &DrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'_>>, _: BlendMode) {}
    fn draw_image(&mut self, _: Image<'_, '_>, _: ImageDrawProps<'_>) {}
    fn pop_clip(&mut self) {}
    fn pop_transparency_group(&mut self) {}

    fn draw_glyph_run(&mut self, run: &GlyphRun<'_, '_>, props: DrawProps<'_>, _: &DrawMode) {
        for glyph in run.glyphs() {
            let Some(unicode) = glyph.as_unicode() else {
                continue;
            };
            // Glyph space is 1000 units to the em.
            let t: Affine = props.transform * glyph.transform();
            let origin = t * Point::ZERO;
            let up = t * Point::new(0.0, 1000.0) - origin;
            let along = t * Point::new(1000.0, 0.0) - origin;
            let size = up.hypot() as f32;
            // Rotated text (stamps, margin notes) is not part of the lines.
            if !size.is_finite() || size <= 0.0 || along.y.abs() > 0.2 * along.x.abs() {
                continue;
            }
            let shape: &Glyph<'_> = glyph;
            let advance = match shape {
                Glyph::Outline(g) => g.advance_width(),
                Glyph::Type3(g) => g.advance_width(),
            }
            .filter(|a| a.is_finite() && *a > 0.0)
            .unwrap_or(500.0);
            let end = t * Point::new(f64::from(advance), 0.0);
            let (x0, x1, y) = (origin.x as f32, end.x as f32, origin.y as f32);
            if !(x0.is_finite() && x1.is_finite() && y.is_finite()) {
                continue;
            }
            let text = match unicode {
                BfString::Char(c) => c.to_string(),
                BfString::String(s) => s,
            };
            // A ligature's characters share its box.
            let n = text.chars().count().max(1) as f32;
            let step = (x1 - x0) / n;
            for (i, c) in text.chars().enumerate() {
                let a = x0 + step * i as f32;
                self.chars.push(Char {
                    c,
                    x0: a,
                    x1: a + step,
                    y,
                    size,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEMO: &[u8] = include_bytes!("../../../tests/data/pdf/memo.pdf");

    #[test]
    fn pages_read_in_parallel_come_back_as_read_one_by_one() {
        let pdf = Pdf::new(Arc::new(MEMO.to_vec())).unwrap();
        let one_by_one = read_range(&pdf, 0..pdf.pages().len());
        assert_eq!(one_by_one.len(), 3);
        for head in [0, 1, 2, 3, 9] {
            let (pages, _) = read_pages_with(MEMO, head, &mut |_| {}).unwrap();
            assert_eq!(pages, one_by_one, "first {head} pages read alone");
        }
    }

    #[test]
    fn the_preview_of_the_first_pages_begins_the_whole_extraction() {
        let mut shown = Vec::new();
        let whole = extract_previewing(MEMO, 2, &mut |blocks| shown.push(blocks)).unwrap();
        assert_eq!(shown.len(), 1, "one preview");
        let preview = &shown[0];
        // Two pages tell the running head (on both) from the text.
        assert!(preview.len() > 5, "{preview:?}");
        assert_eq!(preview[..], whole.blocks[..preview.len()]);
        assert!(preview.iter().all(|b| b.page.as_deref() != Some("3")));
        // A PDF no longer than the preview has none: its whole text comes as fast.
        let mut none = true;
        extract_previewing(MEMO, 3, &mut |_| none = false).unwrap();
        assert!(none);
    }
}
