//! Every extractor on random and mutated inputs (the fuzz targets' checks,
//! run in CI): an error or a text, never a panic; the text laid out is one
//! the document model reads, free of control characters, and bounded by the
//! input's size (markup never expands: no entity is expanded).

use std::path::Path;

use glossator::document::Document;
use glossator::document::formats::{self, Format};
use proptest::prelude::*;

/// Every format with an extractor (DOCX and PDF included: whatever they do,
/// they must not panic either).
const FORMATS: [Format; 5] = [
    Format::Markdown,
    Format::Html,
    Format::Tei,
    Format::Docx,
    Format::Pdf,
];

const HTML: &str = r#"<!DOCTYPE html><html><head><title>T &amp; U</title>
<meta name="citation_title" content="A record"><meta property="og:url" content="https://example.org/1">
<script>var x = "<p>no</p>";</script></head><body><nav><ul><li>Home</li></ul></nav>
<main><h1>Record</h1><p>Nam Il said, at length, that the talks would go on.</p>
<p hidden>secret</p><div aria-hidden="true">also secret</div><p style="display:none">gone</p>
<table><tr><td>cell</td></tr></table><pre>  verbatim
 text</pre><p>line<br>line<br><br>after</p></main><footer>(c)</footer></body></html>"#;

const TEI: &str = r#"<?xml version="1.0"?>
<!DOCTYPE TEI [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>Talks</title>
</titleStmt></fileDesc></teiHeader><text><body><div type="document">
<head>Memorandum<note n="1">Source.</note></head><opener><dateline>Washington,
<date when="1956-07-24">July 24</date></dateline></opener><p>The Secretary said&b;<lb/>more</p>
<pb n="3"/><list><item>One</item></list><closer>J.</closer></div></body></text></TEI>"#;

const MARKDOWN: &str = "# Talks\n\nThe *delegation* met at [noon](http://x).\n\n\
- first\n- second `code`\n\n> quoted\n> > nested\n\n```\nlet x = 1;\n```\n\n<div>raw</div>\n";

fn check(format: Format, input: &[u8]) {
    for keep_all in [false, true] {
        let Ok(extracted) = formats::extract(format, input, keep_all) else {
            continue;
        };
        let (text, extraction) = formats::layout(format, extracted);
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t'),
            "{format:?}: control character in {text:?}"
        );
        if matches!(format, Format::Markdown | Format::Html | Format::Tei) {
            assert!(
                text.len() <= 2 * input.len() + 16,
                "{format:?}: {} bytes of text from {} bytes",
                text.len(),
                input.len()
            );
        }
        let doc = Document::from_bytes(Path::new("x"), text.into_bytes()).unwrap();
        for i in 0..doc.len() {
            let _ = extraction.at(doc.paragraph(i).start);
        }
    }
}

/// Edit `base`: each op inserts, deletes or duplicates at a position.
fn mutate(base: &str, ops: &[(usize, u8, u8)]) -> Vec<u8> {
    let mut bytes = base.as_bytes().to_vec();
    for &(at, byte, op) in ops {
        let at = at % (bytes.len() + 1);
        match op % 4 {
            0 => bytes.insert(at, byte),
            1 if at < bytes.len() => {
                let end = (at + byte as usize % 16).min(bytes.len());
                bytes.drain(at..end);
            }
            2 => {
                let end = (at + byte as usize).min(bytes.len());
                let piece = bytes[at..end].to_vec();
                bytes.splice(at..at, piece);
            }
            _ => {
                let markup: &[u8] = match byte % 6 {
                    0 => b"<",
                    1 => b"</p>",
                    2 => b"<div>",
                    3 => b"&amp",
                    4 => b"]]>",
                    _ => b"\n\n",
                };
                bytes.splice(at..at, markup.iter().copied());
            }
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn every_extractor_survives_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        for format in FORMATS {
            check(format, &bytes);
        }
    }

    #[test]
    fn every_extractor_survives_mutated_documents(
        ops in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..24)
    ) {
        for (format, base) in [(Format::Html, HTML), (Format::Tei, TEI), (Format::Markdown, MARKDOWN)] {
            let input = mutate(base, &ops);
            for format in [format, Format::Html, Format::Tei, Format::Markdown] {
                check(format, &input);
            }
        }
    }
}

/// A committed fixture made by a real tool (see tests/data/*/README.md).
fn fixture(path: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(path),
    )
    .unwrap()
}

/// Damage a binary file as disks, downloads and careless tools do: cut it
/// short, flip bits, overwrite a run with garbage, point `startxref`
/// elsewhere.
fn damage(
    base: &[u8],
    cut: Option<usize>,
    flips: &[(usize, u8)],
    garbage: Option<(usize, Vec<u8>)>,
    xref: Option<u32>,
) -> Vec<u8> {
    let mut bytes = base.to_vec();
    for &(at, bit) in flips {
        let at = at % bytes.len().max(1);
        if let Some(b) = bytes.get_mut(at) {
            *b ^= 1 << (bit % 8);
        }
    }
    if let Some((at, junk)) = garbage {
        let at = at % bytes.len().max(1);
        let end = (at + junk.len()).min(bytes.len());
        bytes.splice(at..end, junk);
    }
    if let Some(offset) = xref
        && let Some(i) = memchr::memmem::rfind(&bytes, b"startxref")
    {
        let digits = i + b"startxref\n".len();
        let end = bytes[digits..]
            .iter()
            .position(|b| !b.is_ascii_digit())
            .map_or(bytes.len(), |n| digits + n);
        bytes.splice(digits..end, offset.to_string().into_bytes());
    }
    if let Some(cut) = cut {
        bytes.truncate(cut % (bytes.len() + 1));
    }
    bytes
}

/// A DOCX of `parts` (name, content), each deflated.
fn docx_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in parts {
        zip.start_file(*name, options).unwrap();
        zip.write_all(content).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// The parts of the committed memo.docx.
fn docx_parts() -> Vec<(String, Vec<u8>)> {
    use std::io::Read;
    let bytes = fixture("docx/memo.docx");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).unwrap();
            (entry.name().unwrap().into_owned(), content)
        })
        .collect()
}

#[test]
fn the_damaged_fixtures_themselves_read_or_fail_cleanly() {
    let pdf = fixture("pdf/memo.pdf");
    // Cut at every 997th byte: each a clear error or a best-effort text.
    for cut in (0..pdf.len()).step_by(997) {
        check(Format::Pdf, &pdf[..cut]);
    }
    let docx = fixture("docx/memo.docx");
    for cut in (0..docx.len()).step_by(101) {
        check(Format::Docx, &docx[..cut]);
    }
}

#[test]
fn a_docx_with_a_deep_huge_or_crowded_part_is_bounded() {
    let parts = docx_parts();
    let with = |name: &str, content: &[u8]| {
        let mut all: Vec<(&str, &[u8])> = parts
            .iter()
            .filter(|(n, _)| n != name)
            .map(|(n, c)| (n.as_str(), c.as_slice()))
            .collect();
        all.push((name, content));
        docx_of(&all)
    };
    // Nesting far deeper than any parser stack.
    let deep = format!(
        "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{}<w:p><w:r><w:t>deep</w:t></w:r></w:p></w:body></w:document>",
        "<w:sdt><w:sdtContent>".repeat(50_000)
    );
    check(Format::Docx, &with("word/document.xml", deep.as_bytes()));
    // Footnotes that inflate past the part limit: an error, not 64 MB read.
    let spaces = vec![b' '; (glossator::document::formats::docx::MAX_PART_BYTES + 1) as usize];
    let bomb = with("word/footnotes.xml", &spaces);
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    let err = formats::extract(Format::Docx, &bomb, false).unwrap_err();
    assert!(err.to_string().starts_with("word/footnotes.xml: "), "{err}");
    // Thousands of entries.
    let names: Vec<String> = (0..12_000).map(|i| format!("junk/{i}.xml")).collect();
    let mut crowded: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(n, c)| (n.as_str(), c.as_slice()))
        .collect();
    crowded.extend(names.iter().map(|n| (n.as_str(), &b""[..])));
    let crowded = docx_of(&crowded);
    assert!(
        formats::extract(Format::Docx, &crowded, false).is_err(),
        "too many entries"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn a_damaged_pdf_is_an_error_or_a_text(
        cut in prop::option::of(any::<usize>()),
        flips in prop::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        garbage in prop::option::of((any::<usize>(), prop::collection::vec(any::<u8>(), 1..64))),
        xref in prop::option::of(any::<u32>()),
    ) {
        let pdf = fixture("pdf/memo.pdf");
        check(Format::Pdf, &damage(&pdf, cut, &flips, garbage, xref));
    }

    #[test]
    fn a_damaged_docx_is_an_error_or_a_text(
        cut in prop::option::of(any::<usize>()),
        flips in prop::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        garbage in prop::option::of((any::<usize>(), prop::collection::vec(any::<u8>(), 1..64))),
    ) {
        let docx = fixture("docx/memo.docx");
        check(Format::Docx, &damage(&docx, cut, &flips, garbage, None));
    }

    #[test]
    fn a_docx_with_mangled_markup_is_an_error_or_a_text(
        ops in prop::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..24)
    ) {
        let parts = docx_parts();
        let mangled: Vec<(String, Vec<u8>)> = parts
            .into_iter()
            .map(|(name, content)| match std::str::from_utf8(&content) {
                Ok(xml) if name.ends_with(".xml") => (name, mutate(xml, &ops)),
                _ => (name, content),
            })
            .collect();
        let refs: Vec<(&str, &[u8])> = mangled.iter().map(|(n, c)| (n.as_str(), c.as_slice())).collect();
        check(Format::Docx, &docx_of(&refs));
    }
}
