//! Property tests on the loaders that read untrusted files — the same entry
//! points the cargo-fuzz targets in `fuzz/` exercise, so every `cargo test`
//! (on stable) runs a short fuzzing pass:
//!
//! - any annotations → RON → identical annotations (round trip);
//! - the sidecar, keymap and document loaders never panic on any input, and
//!   mutated valid sidecars either load or fail with a positioned error;
//! - whatever a sidecar loads is placed in any document without a panic.

use std::path::Path;

use glossator::annotation::{Annotation, Origin, Stance, Tag};
use glossator::document::Document;
use glossator::document::anchor::{Anchor, CharRange, place_all};
use glossator::keymap::Keymap;
use glossator::sidecar::{Sidecar, SidecarError, SourceInfo, VERSION};
use proptest::prelude::*;

/// Any text, including control characters, escapes, quotes and non-ASCII.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z \\-\"\\\\\\n\\t\\x1b\\x07\\u{202e}\\u{9b}한국어]{0,40}",
    ]
}

fn stance() -> impl Strategy<Value = Stance> {
    prop_oneof![
        Just(Stance::Support),
        Just(Stance::Oppose),
        Just(Stance::Neutral)
    ]
}

fn tag() -> impl Strategy<Value = Tag> {
    prop_oneof![
        text().prop_map(|by| Tag::Claim { by }),
        (text(), text()).prop_map(|(from, to)| Tag::Advice { from, to }),
        (text(), stance(), text()).prop_map(|(actor, stance, issue)| Tag::Position {
            actor,
            stance,
            issue
        }),
    ]
}

fn anchor() -> impl Strategy<Value = Anchor> {
    (
        any::<usize>(),
        text(),
        text(),
        text(),
        text(),
        any::<bool>(),
        any::<Option<(usize, usize)>>(),
    )
        .prop_map(
            |(paragraph, hash, quote, prefix, suffix, narrowed, range)| Anchor {
                paragraph,
                hash,
                quote,
                prefix,
                suffix,
                narrowed,
                range: range.map(|(start, end)| CharRange { start, end }),
            },
        )
}

fn annotation() -> impl Strategy<Value = Annotation> {
    (
        text(),
        tag(),
        anchor(),
        proptest::option::of(text()),
        text(),
        text(),
        proptest::option::of((text(), text())),
    )
        .prop_map(
            |(id, tag, anchor, note, created, modified, origin)| Annotation {
                id,
                tag,
                anchor,
                note,
                created,
                modified,
                origin: origin.map(|(annotator, id)| Origin {
                    annotator,
                    id,
                    replaced: None,
                }),
            },
        )
}

fn sidecar() -> impl Strategy<Value = Sidecar> {
    (
        text(),
        any::<u64>(),
        text(),
        text(),
        prop::collection::vec(text(), 0..4),
        prop::collection::vec(annotation(), 0..6),
    )
        .prop_map(
            |(name, size, sha256, annotator, issues, annotations)| Sidecar {
                version: VERSION,
                source: SourceInfo {
                    name,
                    size,
                    sha256,
                    extractor: None,
                },
                annotator,
                actors: Vec::new(),
                issues,
                annotations,
                dismissed: Vec::new(),
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn any_annotations_survive_a_round_trip_through_ron(s in sidecar()) {
        let text = s.to_ron().unwrap();
        // Escaped output: nothing a terminal would act on is written raw.
        let raw_control = text
            .chars()
            .any(|c| c == '\x1b' || c == '\x07' || ('\u{80}'..='\u{9f}').contains(&c));
        prop_assert!(!raw_control, "raw control character in the sidecar text");
        let back = Sidecar::parse(&text, Path::new("s.gloss.ron")).unwrap();
        let mut expected = s.clone();
        expected.normalise();
        prop_assert_eq!(&back.annotations, &expected.annotations);
        prop_assert_eq!(&back, &expected);
        // And writing again gives the same bytes.
        prop_assert_eq!(back.to_ron().unwrap(), text);
    }

    #[test]
    fn the_sidecar_loader_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = Sidecar::parse(&text, Path::new("f.gloss.ron"));
    }

    #[test]
    fn mutated_sidecars_load_or_fail_with_a_position(
        s in sidecar(),
        cuts in prop::collection::vec((any::<usize>(), any::<u8>()), 1..6),
    ) {
        let mut bytes = s.to_ron().unwrap().into_bytes();
        for (at, b) in cuts {
            let at = at % (bytes.len() + 1);
            match b % 3 {
                0 => bytes.insert(at, b"()[]{},:\"\\ x0-9"[b as usize % 15]),
                1 if at < bytes.len() => { bytes.remove(at); }
                _ => bytes.truncate(at.max(1)),
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        match Sidecar::parse(&text, Path::new("m.gloss.ron")) {
            Ok(loaded) => {
                // Whatever loads can be placed in a document without a panic.
                let doc = Document::from_text(Path::new("d.txt"), "a b c\n\nd e f\n\ng h\n");
                let anchors: Vec<&Anchor> = loaded.annotations.iter().map(|a| &a.anchor).collect();
                prop_assert_eq!(place_all(&doc, &anchors).len(), anchors.len());
            }
            Err(SidecarError::Parse { path, line, column, .. }) => {
                prop_assert_eq!(path, "m.gloss.ron");
                prop_assert!(line >= 1 && column >= 1);
            }
            Err(SidecarError::Version { .. }) => {}
            Err(e) => prop_assert!(false, "unexpected error kind: {e}"),
        }
    }

    #[test]
    fn the_keymap_loader_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let text = String::from_utf8_lossy(&bytes);
        if let Err(e) = Keymap::parse(&text, "k.ron") {
            prop_assert!(e.to_string().starts_with("k.ron"), "{e}");
        }
    }

    #[test]
    fn mutated_keymaps_never_panic(cut in any::<usize>(), insert in "[\"A-Za-z:{}(),\\-]{0,6}") {
        let mut text = include_str!("../keymaps/default.ron").to_string();
        let mut at = cut % (text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        text.insert_str(at, &insert);
        let _ = Keymap::parse(&text, "k.ron");
    }

    #[test]
    fn the_document_loader_never_panics_and_places_anchors(
        bytes in prop::collection::vec(any::<u8>(), 0..600),
        anchors in prop::collection::vec(anchor(), 0..4),
    ) {
        if let Ok(doc) = Document::from_bytes(Path::new("d.txt"), bytes) {
            for i in 0..doc.len() {
                let _ = doc.paragraph_text(i);
                let whole = Anchor::whole(&doc, i);
                prop_assert_eq!(whole.paragraph, i + 1);
            }
            let refs: Vec<&Anchor> = anchors.iter().collect();
            prop_assert_eq!(place_all(&doc, &refs).len(), anchors.len());
        }
    }

    #[test]
    fn text_documents_load_and_every_anchor_finds_its_paragraph(
        paras in prop::collection::vec("[^\\n\\r\\x00]{1,30}", 1..8),
        crlf in any::<bool>(),
    ) {
        let sep = if crlf { "\r\n\r\n" } else { "\n\n" };
        let text = paras.join(sep);
        let doc = Document::from_bytes(Path::new("d.txt"), text.into_bytes()).unwrap();
        let anchors: Vec<Anchor> = (0..doc.len()).map(|i| Anchor::whole(&doc, i)).collect();
        let refs: Vec<&Anchor> = anchors.iter().collect();
        for (i, p) in place_all(&doc, &refs).iter().enumerate() {
            // Same text: exact, or (when texts repeat) reported as ambiguous.
            let at = p.index();
            prop_assert!(at == Some(i) || p.is_ambiguous(), "{:?} for ¶{}", p, i + 1);
        }
    }
}
