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
