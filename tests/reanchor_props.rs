//! Re-anchoring never places an annotation on a wrong paragraph silently.
//!
//! Random edit sequences (insert, delete, move, reword, duplicate paragraphs)
//! are applied to a document whose every paragraph is annotated; each
//! paragraph's lineage (which original it descends from) is tracked. After
//! placing the anchors in the edited text, every annotation must be on a
//! paragraph of its own lineage, or be reported: fuzzy (with its score),
//! ambiguous, or orphaned.

use std::path::Path;

use glossator::document::Document;
use glossator::document::anchor::{Anchor, CharRange, Placement, place_all, place_all_with};
use proptest::prelude::*;

/// A small vocabulary, so reworded paragraphs and look-alikes are common.
const WORDS: &[&str] = &[
    "Nam",
    "Il",
    "Petrov",
    "Kim",
    "Pak",
    "party",
    "group",
    "criticism",
    "the",
    "of",
    "met",
    "said",
    "July",
    "meeting",
    "plenum",
    "Soviet",
    "embassy",
    "leadership",
    "cult",
    "advice",
];

#[derive(Debug, Clone)]
enum Edit {
    Insert { at: usize, words: Vec<usize> },
    Delete { at: usize },
    Move { from: usize, to: usize },
    Reword { at: usize, word: usize, new: usize },
    Duplicate { at: usize },
}

fn edit() -> impl Strategy<Value = Edit> {
    let w = 0..WORDS.len();
    prop_oneof![
        (any::<usize>(), prop::collection::vec(w.clone(), 3..12))
            .prop_map(|(at, words)| Edit::Insert { at, words }),
        any::<usize>().prop_map(|at| Edit::Delete { at }),
        (any::<usize>(), any::<usize>()).prop_map(|(from, to)| Edit::Move { from, to }),
        (any::<usize>(), any::<usize>(), w).prop_map(|(at, word, new)| Edit::Reword {
            at,
            word,
            new
        }),
        any::<usize>().prop_map(|at| Edit::Duplicate { at }),
    ]
}

/// (lineage: index of the original paragraph, or None for inserted text;
/// whether it is a copy made by Duplicate; words)
type Para = (Option<usize>, bool, Vec<String>);

fn apply(paras: &mut Vec<Para>, edit: &Edit) {
    let n = paras.len();
    match edit {
        Edit::Insert { at, words } => {
            let text = words.iter().map(|&i| WORDS[i].to_string()).collect();
            paras.insert(at % (n + 1), (None, false, text));
        }
        Edit::Delete { at } if n > 1 => {
            paras.remove(at % n);
        }
        Edit::Move { from, to } if n > 1 => {
            let p = paras.remove(from % n);
            paras.insert(to % n, p);
        }
        Edit::Reword { at, word, new } if n > 0 => {
            let p = &mut paras[at % n];
            let k = word % p.2.len();
            p.2[k] = WORDS[*new].to_string();
        }
        Edit::Duplicate { at } if n > 0 => {
            let mut p = paras[at % n].clone();
            p.1 = true;
            paras.insert(at % n + 1, p);
        }
        _ => {}
    }
}

fn text_of(paras: &[Para]) -> String {
    paras
        .iter()
        .map(|(_, _, w)| w.join(" "))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn originals() -> impl Strategy<Value = Vec<Vec<usize>>> {
    prop::collection::vec(prop::collection::vec(0..WORDS.len(), 3..14), 2..14)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn every_annotation_is_on_its_paragraph_or_reported(
        words in originals(),
        edits in prop::collection::vec(edit(), 0..8),
    ) {
        let mut paras: Vec<Para> = words
            .iter()
            .enumerate()
            .map(|(i, w)| (Some(i), false, w.iter().map(|&k| WORDS[k].to_string()).collect()))
            .collect();
        let old = Document::from_text(Path::new("d.txt"), &text_of(&paras));
        // Original paragraphs with the same text are one lineage class: the
        // text alone cannot tell them apart, so either is "its" paragraph.
        let class: Vec<String> = (0..old.len()).map(|i| old.paragraph_text(i).to_string()).collect();
        let anchors: Vec<Anchor> = (0..old.len()).map(|i| Anchor::whole(&old, i)).collect();
        for e in &edits {
            apply(&mut paras, e);
        }
        let new = Document::from_text(Path::new("d.txt"), &text_of(&paras));
        prop_assert_eq!(new.len(), paras.len());
        let refs: Vec<&Anchor> = anchors.iter().collect();
        let placed = place_all(&new, &refs);
        prop_assert_eq!(placed.len(), anchors.len());
        for (i, p) in placed.iter().enumerate() {
            if p.is_reported() {
                if let Placement::Fuzzy { score, .. } = p {
                    prop_assert!(*score >= glossator::document::anchor::FUZZY_THRESHOLD);
                }
                continue;
            }
            // Exact, or moved without ambiguity: must be its true paragraph —
            // the original (or an original with the same text), or, once every
            // such original is gone, a copy of it (nothing tells those apart).
            let to = p.index().unwrap();
            let (lineage, copy) = (paras[to].0, paras[to].1);
            let same_text = lineage.is_some_and(|l| class[l] == class[i]);
            // (An original that was reworded while its copy kept the old
            // text no longer has the text the annotation was made on.)
            let original_alive = paras.iter().any(|(l, c, w)| {
                !c && l.is_some_and(|l| class[l] == class[i]) && w.join(" ") == class[i]
            });
            prop_assert!(
                same_text && (!copy || !original_alive),
                "annotation of original ¶{} silently placed on ¶{} ({:?}), lineage {:?}\nold: {:?}\nnew: {:?}",
                i + 1, to + 1, p, lineage, text_of_doc(&old), text_of_doc(&new)
            );
        }
    }

    /// With no edits at all, everything is exact. The document's SHA-256 still
    /// matches (as when a sidecar is reopened unchanged), so a paragraph whose
    /// text occurs twice is trusted at its own number; without that knowledge
    /// a repeated text is rightly reported as ambiguous (a copy may be new).
    #[test]
    fn an_unchanged_document_places_everything_exactly(words in originals()) {
        let text: Vec<String> = words
            .iter()
            .map(|w| w.iter().map(|&k| WORDS[k]).collect::<Vec<_>>().join(" "))
            .collect();
        let doc = Document::from_text(Path::new("d.txt"), &text.join("\n\n"));
        let anchors: Vec<Anchor> = (0..doc.len()).map(|i| Anchor::whole(&doc, i)).collect();
        let refs: Vec<&Anchor> = anchors.iter().collect();
        for (i, p) in place_all_with(&doc, &refs, true).iter().enumerate() {
            prop_assert_eq!(*p, Placement::Exact(i));
        }
    }
}

fn text_of_doc(d: &Document) -> Vec<String> {
    (0..d.len())
        .map(|i| d.paragraph_text(i).to_string())
        .collect()
}

/// Anchors read from a hostile sidecar (any numbers, huge quotes) are placed
/// without overflow, panic or quadratic cost.
#[test]
fn hostile_anchor_values_are_survived() {
    let doc = Document::from_text(Path::new("d.txt"), "one two\n\nthree four\n");
    let huge = "x".repeat(2_000_000);
    let anchors = [
        Anchor {
            paragraph: usize::MAX,
            hash: "nothing".into(),
            quote: huge.clone(),
            prefix: huge.clone(),
            suffix: huge.clone(),
            narrowed: true,
            range: Some(CharRange {
                start: usize::MAX,
                end: usize::MAX,
            }),
        },
        Anchor {
            paragraph: 0,
            hash: String::new(),
            quote: String::new(),
            prefix: String::new(),
            suffix: String::new(),
            narrowed: true,
            range: Some(CharRange { start: 5, end: 1 }),
        },
        Anchor {
            paragraph: usize::MAX / 2,
            hash: doc.paragraph_hash(1),
            quote: "three four".into(),
            prefix: String::new(),
            suffix: String::new(),
            narrowed: false,
            range: None,
        },
    ];
    let refs: Vec<&Anchor> = anchors.iter().collect();
    let placed = place_all(&doc, &refs);
    assert!(matches!(placed[0], Placement::Orphan), "{:?}", placed[0]);
    assert!(
        matches!(placed[2], Placement::Moved { to: 1, .. }),
        "{:?}",
        placed[2]
    );
    assert_eq!(anchors[1].quote_range("abc"), None);
}

/// Byte range of words `from..to` of `words` joined by spaces.
fn word_span(words: &[String], from: usize, to: usize) -> (usize, usize) {
    let start: usize = words[..from].iter().map(|w| w.len() + 1).sum();
    let len = words[from..to].iter().map(String::len).sum::<usize>() + (to - from - 1);
    (start, start + len)
}

/// The 32 characters either side of `range` in `text`: what tells two
/// occurrences of one quote apart.
fn context_of(text: &str, (s, e): (usize, usize)) -> (String, String) {
    let before: String = text[..s].chars().rev().take(32).collect();
    let after: String = text[e..].chars().take(32).collect();
    (before, after)
}

/// Paragraphs of few distinct words, so a quote often occurs more than once.
fn repetitive() -> impl Strategy<Value = Vec<Vec<usize>>> {
    prop::collection::vec(prop::collection::vec(0..4usize, 4..40), 1..5)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// A narrowed anchor keeps the occurrence it was made on: in the same
    /// text its range is found again exactly; after words are inserted at the
    /// start of its paragraph the quote is still found, and where its context
    /// is intact the shifted occurrence is the one kept (or one that nothing
    /// around it tells apart from it).
    #[test]
    fn a_narrowed_quote_keeps_its_occurrence(
        words in repetitive(),
        pick in any::<(usize, usize, usize)>(),
        inserted in prop::collection::vec(0..4usize, 1..6),
    ) {
        let paras: Vec<Vec<String>> = words
            .iter()
            .map(|w| w.iter().map(|&k| WORDS[k].to_string()).collect())
            .collect();
        let join = |ps: &[Vec<String>]| {
            ps.iter().map(|w| w.join(" ")).collect::<Vec<_>>().join("\n\n")
        };
        let old = Document::from_text(Path::new("d.txt"), &join(&paras));
        let k = pick.0 % paras.len();
        let n = paras[k].len();
        let from = pick.1 % n;
        let to = from + 1 + pick.2 % (n - from).min(3);
        let (s, e) = word_span(&paras[k], from, to);
        let anchor = Anchor::narrowed(&old, k, s, e).unwrap();
        let range = anchor.range.unwrap();
        prop_assert_eq!(range.to_bytes(old.paragraph_text(k)), Some((s, e)));
        prop_assert_eq!(anchor.quote_range(old.paragraph_text(k)), Some((s, e)));

        // Words inserted at the start of the paragraph shift the quote.
        let mut edited = paras.clone();
        let new_words: Vec<String> = inserted.iter().map(|&i| WORDS[i].to_string()).collect();
        let shift = new_words.len();
        edited[k].splice(0..0, new_words);
        let new = Document::from_text(Path::new("d.txt"), &join(&edited));
        let text = new.paragraph_text(k);
        let expected = word_span(&edited[k], from + shift, to + shift);
        let found = anchor.quote_range(text);
        prop_assert!(found.is_some());
        let found = found.unwrap();
        prop_assert_eq!(&text[found.0..found.1], anchor.quote.as_str());
        // With its recorded context intact (the insertion is more than the
        // context's length before it), nothing else can look more like it.
        if s >= glossator::document::anchor::CONTEXT_CHARS {
            prop_assert!(
                found == expected || context_of(text, found) == context_of(text, expected),
                "kept {:?}, the quote moved to {:?} in {:?}; anchor {:?}", found, expected, text, anchor
            );
        }
        // Re-anchored there, the range is recorded afresh and exact again.
        let again = Anchor::narrowed(&new, k, found.0, found.1).unwrap();
        prop_assert_eq!(again.quote_range(text), Some(found));
    }
}
