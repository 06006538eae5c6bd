//! Deterministic inputs shared by the benches (nothing large lives in git).
//!
//! `big_text` is the 100 MB, 1M-paragraph document of issue #6; `corpus`
//! writes the 10,000-document archive with one sidecar per document.
//! `benches/compare.sh` uses the same generator (`GLOSS_GENERATE=DIR`).
#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use glossator::annotation::{Annotation, Stance, Tag};
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::sidecar::Sidecar;

const ACTORS: [&str; 8] = [
    "Nam Il",
    "Pak Chang-ok",
    "Han Tae-jun",
    "the delegation",
    "the committee",
    "Kim Il-sung",
    "the ministry",
    "the embassy",
];
const VERBS: [&str; 6] = [
    "said that",
    "advised",
    "insisted that",
    "reported that",
    "denied that",
    "asked whether",
];
const OBJECTS: [&str; 5] = [
    "the armistice terms must be kept",
    "the grain shipments were late",
    "the border talks should resume",
    "the new plan favours heavy industry",
    "the cadres had not been consulted",
];

/// Text of the first paragraph, for "first screen shown" checks.
pub const FIRST_MARKER: &str = "Pak Chang-ok advised the grain";
/// Text of the last paragraph.
pub const LAST_MARKER: &str = "THE END MARKER";

/// `paragraphs` numbered paragraphs of about 100 bytes (every third has two
/// lines), then a last paragraph holding [`LAST_MARKER`].
pub fn big_text(paragraphs: usize) -> String {
    let mut s = String::with_capacity(paragraphs * 100 + 64);
    for i in 1..=paragraphs {
        let tail = if i % 3 == 0 {
            "agreed\nafter a long silence"
        } else {
            "objected"
        };
        let _ = write!(
            s,
            "{i}. {} {} {}, and {} {tail}.\n\n",
            ACTORS[i % 8],
            VERBS[i % 6],
            OBJECTS[i % 5],
            ACTORS[(i * 7) % 8]
        );
    }
    s.push_str(LAST_MARKER);
    s.push_str(" paragraph\n");
    s
}

/// Paragraphs in the 100 MB document.
pub const BIG_PARAGRAPHS: usize = 1_000_000;

/// Write the 1M-paragraph document to `dir/big.txt`.
pub fn write_big(dir: &Path) -> PathBuf {
    let path = dir.join("big.txt");
    std::fs::write(&path, big_text(BIG_PARAGRAPHS)).expect("write the big document");
    path
}

fn tag(i: usize) -> Tag {
    let a = ACTORS[i % 8].to_string();
    match i % 3 {
        0 => Tag::Claim { by: a },
        1 => Tag::Advice {
            from: a,
            to: ACTORS[(i + 3) % 8].to_string(),
        },
        _ => Tag::Position {
            actor: a,
            stance: [Stance::Support, Stance::Oppose, Stance::Neutral][i % 3],
            issue: OBJECTS[i % 5].to_string(),
        },
    }
}

/// A sidecar by `annotator` with `n` annotations spread evenly over `doc`,
/// with fixed ids and times.
pub fn sidecar_for(doc: &Document, annotator: &str, n: usize) -> Sidecar {
    let mut sidecar = Sidecar::new(doc, annotator);
    let paragraphs = doc.len().max(1);
    for i in 0..n {
        let p = (i * paragraphs / n.max(1)).min(paragraphs - 1);
        let mut a = Annotation::created_at(
            tag(i),
            Anchor::whole(doc, p),
            format!("2026-01-01T00:{:02}:{:02}Z", (i / 60) % 60, i % 60),
        );
        a.id = format!("bench-{i:08}");
        if i % 4 == 0 {
            a.note = Some(format!(
                "Note {i}: compare with the minutes of the next day."
            ));
        }
        sidecar.annotations.push(a);
    }
    sidecar.learn_names();
    sidecar
}

/// Write `docs` documents (about 2 KB each, in folders of 100) with one
/// sidecar of `per_doc` annotations each, under `dir`. Returns every path.
pub fn write_corpus(dir: &Path, docs: usize, per_doc: usize) -> Vec<PathBuf> {
    write_corpus_by(dir, docs, per_doc, &["bench"])
}

/// [`write_corpus`] with one sidecar per document by each of `annotators`
/// (the corpus view's 10,000 documents with 20,000 sidecars: two).
pub fn write_corpus_by(
    dir: &Path,
    docs: usize,
    per_doc: usize,
    annotators: &[&str],
) -> Vec<PathBuf> {
    let mut files = Vec::with_capacity(docs * (1 + annotators.len()));
    for d in 0..docs {
        let folder = dir.join(format!("box-{:03}", d / 100));
        std::fs::create_dir_all(&folder).expect("create a corpus folder");
        let text: String = (0..20)
            .map(|k| {
                let i = d * 20 + k + 1;
                format!(
                    "{} {} {}, and {} wrote it down in memo {d}.\n\n",
                    ACTORS[i % 8],
                    VERBS[i % 6],
                    OBJECTS[i % 5],
                    ACTORS[(i * 5) % 8]
                )
            })
            .collect();
        let path = folder.join(format!("memo-{d:05}.txt"));
        std::fs::write(&path, &text).expect("write a corpus document");
        let doc = Document::from_text(&path, &text);
        files.push(path.clone());
        for annotator in annotators {
            let sidecar = sidecar_for(&doc, annotator, per_doc);
            let side = glossator::sidecar::sidecar_path(&path, annotator);
            std::fs::write(&side, sidecar.to_ron().expect("serialise")).expect("write a sidecar");
            files.push(side);
        }
    }
    files
}

/// `GLOSS_GENERATE=DIR cargo bench --bench export` writes `DIR/big.txt` and
/// `DIR/corpus/` for `benches/compare.sh`, then exits.
pub fn generate_if_asked() -> bool {
    let Some(dir) = std::env::var_os("GLOSS_GENERATE") else {
        return false;
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(dir.join("corpus")).expect("create the output folder");
    write_big(&dir);
    write_corpus(&dir.join("corpus"), 10_000, 3);
    eprintln!(
        "generated {}/big.txt and {}/corpus",
        dir.display(),
        dir.display()
    );
    true
}
