//! The document loader on any bytes: refused clearly or indexed; every
//! paragraph can be anchored and its anchor placed back where it was.
#![no_main]

use std::path::Path;

use glossator::document::Document;
use glossator::document::anchor::{Anchor, place_all};
use glossator::document::sanitize::display;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(doc) = Document::from_bytes(Path::new("d.txt"), data.to_vec()) else {
        return;
    };
    let anchors: Vec<Anchor> = (0..doc.len()).map(|i| Anchor::whole(&doc, i)).collect();
    let refs: Vec<&Anchor> = anchors.iter().collect();
    for (i, p) in place_all(&doc, &refs).iter().enumerate() {
        assert!(p.index() == Some(i) || p.is_ambiguous(), "{p:?} for {i}");
        let shown = display(doc.paragraph_text(i));
        assert!(!shown.chars().any(|c| c == '\x1b' || c == '\x07'));
    }
});
