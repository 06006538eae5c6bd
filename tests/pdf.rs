//! PDFs made by LibreOffice from known texts (tests/data/pdf, see its
//! README), end to end: `gloss text` gives the known paragraphs without the
//! running header and page numbers, JSON gives each paragraph's page,
//! exports cite the page, the sidecar sits beside the untouched original,
//! and scanned, encrypted and broken files are one-line errors or read.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use glossator::annotation::{Annotation, Tag};
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::sidecar::{Sidecar, sidecar_path};
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/pdf")
        .join(name)
}

/// A temp dir holding a copy of the fixtures `names`.
fn copies(names: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for name in names {
        std::fs::copy(fixture(name), dir.path().join(name)).unwrap();
    }
    dir
}

fn gloss(dir: &Path) -> Command {
    let mut cmd = common::cli::gloss();
    cmd.current_dir(dir)
        .env("GLOSS_CONFIG_DIR", "/nonexistent-gloss-config");
    cmd
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    common::cli::assert_success(&out);
    String::from_utf8(out.stdout).unwrap()
}

/// Paragraphs separated by blank lines, whitespace squeezed.
fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect()
}

fn json_lines(out: &str) -> Vec<Value> {
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn gloss_text_gives_the_known_paragraphs_of_libreoffice_pdfs() {
    for name in ["memo", "indented"] {
        let dir = copies(&[&format!("{name}.pdf")]);
        let text = stdout_of(gloss(dir.path()).args(["text", &format!("{name}.pdf")]));
        let known = std::fs::read_to_string(fixture(&format!("{name}.txt"))).unwrap();
        assert_eq!(paragraphs(&text), paragraphs(&known), "{name}.pdf");
    }
}

#[test]
fn running_header_and_page_numbers_are_left_out_unless_all() {
    let dir = copies(&["memo.pdf"]);
    let text = stdout_of(gloss(dir.path()).args(["text", "memo.pdf"]));
    assert!(!text.contains("Memorandum of Conversation"), "{text}");
    assert!(!text.contains("Page 1"), "{text}");
    let all = json_lines(&stdout_of(
        gloss(dir.path()).args(["text", "--all", "--format", "json", "memo.pdf"]),
    ));
    let furniture: Vec<(&str, &str)> = all
        .iter()
        .filter(|l| l["boilerplate"] == true)
        .map(|l| (l["text"].as_str().unwrap(), l["page"].as_str().unwrap()))
        .collect();
    assert_eq!(
        furniture,
        vec![
            ("Memorandum of Conversation — Confidential", "1"),
            ("Page 1", "1"),
            ("Memorandum of Conversation — Confidential", "2"),
            ("Page 2", "2"),
            ("Memorandum of Conversation — Confidential", "3"),
            ("Page 3", "3"),
        ]
    );
}

#[test]
fn json_gives_each_paragraph_the_page_it_starts_on() {
    let dir = copies(&["memo.pdf"]);
    let lines = json_lines(&stdout_of(
        gloss(dir.path()).args(["text", "--format", "json", "memo.pdf"]),
    ));
    let pages: Vec<u32> = lines
        .iter()
        .map(|l| l["page"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(pages.first(), Some(&1));
    assert_eq!(pages.last(), Some(&3));
    assert!(pages.windows(2).all(|w| w[0] <= w[1]), "{pages:?}");
    // Headings name the section of what follows them.
    let part2 = lines
        .iter()
        .position(|l| l["text"] == "Part 2")
        .expect("a Part 2 heading");
    assert_eq!(lines[part2 + 1]["section"], "Part 2");
    // A paragraph that runs over a page break is one paragraph, on the page
    // where it starts (memo.txt has no paragraph split by the break).
    let known = paragraphs(&std::fs::read_to_string(fixture("memo.txt")).unwrap());
    assert_eq!(lines.len(), known.len());
}

#[test]
fn page_labels_replace_page_numbers_in_locators() {
    // labels.pdf is memo.pdf with /PageLabels: i, ii, then A-1 (labels.py).
    let dir = copies(&["memo.pdf", "labels.pdf"]);
    let pages_of = |file: &str| -> Vec<String> {
        json_lines(&stdout_of(
            gloss(dir.path()).args(["text", "--all", "--format", "json", file]),
        ))
        .iter()
        .map(|l| l["page"].as_str().unwrap().to_string())
        .collect()
    };
    let numbers = pages_of("memo.pdf");
    let labels = pages_of("labels.pdf");
    assert_eq!(numbers.len(), labels.len());
    let expected: Vec<&str> = numbers
        .iter()
        .map(|n| match n.as_str() {
            "1" => "i",
            "2" => "ii",
            "3" => "A-1",
            other => panic!("memo.pdf has 3 pages, not {other}"),
        })
        .collect();
    assert_eq!(labels, expected);
    assert!(labels.iter().any(|l| l == "A-1"), "{labels:?}");
}

#[test]
fn the_memo_has_words_hyphenated_at_line_ends_and_gloss_joins_them() {
    // The fixture really exercises the joining: some line of it ends in a
    // hyphen (Writer breaks at the soft hyphens of memo.fodt).
    let bytes = std::fs::read(fixture("memo.pdf")).unwrap();
    let (pages, _) = glossator::document::formats::pdf::read_pages(&bytes).unwrap();
    let broken = pages
        .iter()
        .flat_map(|p| p.chars.windows(2))
        .filter(|w| {
            matches!(w[0].c, '-' | '\u{AD}') && w[1].y > w[0].y + w[0].size && w[1].c.is_lowercase()
        })
        .count();
    assert!(broken >= 1, "no hyphenated line end in memo.pdf");
    let dir = copies(&["memo.pdf"]);
    let text = stdout_of(gloss(dir.path()).args(["text", "memo.pdf"]));
    let known = std::fs::read_to_string(fixture("memo.txt")).unwrap();
    let words = |s: &str| s.split_whitespace().map(str::to_string).collect::<Vec<_>>();
    assert_eq!(words(&text), words(&known));
}

/// Tag paragraph `index` of `path` as a claim by `by`, as the TUI would.
fn tag(path: &Path, index: usize, by: &str) {
    let doc = Document::open(path).unwrap();
    let mut sidecar = Sidecar::new(&doc, "kim");
    sidecar.annotations.push(Annotation::created_at(
        Tag::Claim { by: by.into() },
        Anchor::whole(&doc, index),
        "2026-11-30T06:00:00Z".into(),
    ));
    std::fs::write(sidecar_path(path, "kim"), sidecar.to_ron().unwrap()).unwrap();
}

#[test]
fn a_pdf_tagged_and_exported_cites_its_page() {
    let dir = copies(&["memo.pdf"]);
    let pdf = dir.path().join("memo.pdf");
    let original = std::fs::read(&pdf).unwrap();
    let doc = Document::open(&pdf).unwrap();
    // The first body paragraph on page 2.
    let index = (0..doc.len())
        .find(|&i| {
            doc.provenance(i)
                .is_some_and(|p| !p.boilerplate && p.page.as_deref() == Some("2"))
        })
        .unwrap();
    tag(&pdf, index, "The minister");
    let sidecar = std::fs::read_to_string(dir.path().join("memo.pdf.kim.gloss.ron")).unwrap();
    assert!(
        sidecar.contains("extractor: Some(\"gloss-pdf 2\")"),
        "{sidecar}"
    );
    let json: Vec<Value> = serde_json::from_str(&stdout_of(
        gloss(dir.path()).args(["export", "--format", "json", "memo.pdf"]),
    ))
    .unwrap();
    assert_eq!(json.len(), 1);
    assert_eq!(json[0]["page"], "2");
    assert_eq!(json[0]["paragraph"], index + 1);
    assert_eq!(json[0]["text"], doc.paragraph_text(index));
    let md = stdout_of(gloss(dir.path()).args(["export", "--format", "md", "memo.pdf"]));
    let locator = format!("p. 2, ¶ {}", index + 1);
    assert!(md.contains(&locator), "{locator} not in:\n{md}");
    let csv = stdout_of(gloss(dir.path()).args(["export", "--format", "csv", "memo.pdf"]));
    let mut rows = csv::Reader::from_reader(csv.as_bytes());
    let page = rows
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "page")
        .unwrap();
    let row = rows.records().next().unwrap().unwrap();
    assert_eq!(&row[page], "2");
    assert_eq!(std::fs::read(&pdf).unwrap(), original, "original untouched");
    common::cli::assert_success(
        &gloss(dir.path())
            .args(["check", "memo.pdf"])
            .output()
            .unwrap(),
    );
}

fn error_of(dir: &Path, file: &str) -> String {
    let out = gloss(dir).args(["text", file]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{file}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}

#[test]
fn a_scanned_pdf_says_it_needs_ocr() {
    let dir = copies(&["scanned.pdf"]);
    assert_eq!(
        error_of(dir.path(), "scanned.pdf"),
        "scanned.pdf: no text layer — OCR it first, e.g. with ocrmypdf\n"
    );
}

#[test]
fn an_encrypted_pdf_is_a_one_line_error_naming_the_file() {
    let dir = copies(&["encrypted.pdf"]);
    let err = error_of(dir.path(), "encrypted.pdf");
    assert!(err.starts_with("encrypted.pdf: encrypted PDF"), "{err}");
}

#[test]
fn a_pdf_restricted_by_an_owner_password_only_is_read() {
    let dir = copies(&["restricted.pdf"]);
    let text = stdout_of(gloss(dir.path()).args(["text", "restricted.pdf"]));
    let known = std::fs::read_to_string(fixture("memo.txt")).unwrap();
    assert_eq!(paragraphs(&text), paragraphs(&known));
}

#[test]
fn a_broken_xref_table_is_recovered() {
    let dir = copies(&["broken-xref.pdf"]);
    let text = stdout_of(gloss(dir.path()).args(["text", "broken-xref.pdf"]));
    let known = std::fs::read_to_string(fixture("memo.txt")).unwrap();
    assert_eq!(paragraphs(&text), paragraphs(&known));
}

#[test]
fn a_truncated_pdf_is_a_one_line_error() {
    let dir = copies(&["truncated.pdf"]);
    let err = error_of(dir.path(), "truncated.pdf");
    assert!(err.starts_with("truncated.pdf: "), "{err}");
}

#[test]
fn garbage_after_a_pdf_header_is_a_one_line_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut junk = b"%PDF-1.7\n".to_vec();
    junk.extend((0..20_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    std::fs::write(dir.path().join("junk.pdf"), junk).unwrap();
    let err = error_of(dir.path(), "junk.pdf");
    assert!(err.starts_with("junk.pdf: "), "{err}");
}
