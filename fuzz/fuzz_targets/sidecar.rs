//! The sidecar loader on any bytes: never a panic; what loads is placed in a
//! document and written back without a panic, and re-reads identically.
#![no_main]

use std::path::Path;

use glossator::document::Document;
use glossator::document::anchor::{Anchor, place_all};
use glossator::sidecar::Sidecar;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(sidecar) = Sidecar::parse(text, Path::new("f.gloss.ron")) else {
        return;
    };
    let doc = Document::from_text(Path::new("d.txt"), "one two\n\nthree four\n\nfive\n");
    let anchors: Vec<&Anchor> = sidecar.annotations.iter().map(|a| &a.anchor).collect();
    assert_eq!(place_all(&doc, &anchors).len(), anchors.len());
    let written = sidecar.to_ron().expect("a loaded sidecar serialises");
    let again = Sidecar::parse(&written, Path::new("f.gloss.ron")).expect("re-reads");
    assert_eq!(again, sidecar);
});
