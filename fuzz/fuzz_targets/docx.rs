//! The docx extractor on arbitrary bytes (seed the corpus with
//! tests/data/docx/*.docx): an error or a text, never a panic, a hang or
//! unbounded memory; the laid-out text is one the document model reads (no
//! control characters but newlines and tabs).
#![no_main]

use glossator::document::formats::{self, Format};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(extracted) = formats::extract(Format::Docx, data, false) {
        let (text, _) = formats::layout(Format::Docx, extracted);
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t')
        );
    }
});
