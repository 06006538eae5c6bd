//! Documents that are not plain text, end to end: `gloss text` on HTML,
//! Markdown, TEI and plain text; an HTML page and a Markdown file tagged and
//! exported with their sections; the original never modified; bad input a
//! one-line error.

mod common;

use std::path::Path;

use assert_cmd::Command;
use glossator::annotation::{Annotation, Tag};
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::sidecar::{Sidecar, sidecar_path};
use serde_json::Value;

const PAGE: &str = r#"<!DOCTYPE html>
<html><head><title>Record of a Conversation</title>
<meta name="citation_date" content="1956-07-24">
<meta name="DC.publisher" content="An Archive">
<style>p { color: red }</style><script>document.write("<p>not text</p>")</script>
</head><body>
<header><a href="/">The Digital Archive</a></header>
<nav><ul><li><a href="/">Home</a></li><li><a href="/search">Search</a></li></ul></nav>
<main>
<h1>Record of a Conversation with Nam Il</h1>
<p>Nam Il said that the delegation, having considered the matter at length, would agree to the talks.</p>
<h2>The reply</h2>
<p>The ambassador replied that the proposal was <em>not</em> acceptable &amp; asked for time.</p>
</main>
<footer>Copyright &copy; 2024 The Digital Archive</footer>
</body></html>
"#;

const NOTES: &str = "# Talks at Kaesong\n\nThe delegation met at [noon](http://example.org).\n\n\
## Positions\n\n- Nam Il supports the armistice.\n- The ambassador opposes delay.\n";

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

#[test]
fn gloss_text_leaves_navigation_scripts_and_footer_out() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("page.html"), PAGE).unwrap();
    let text = stdout_of(gloss(dir.path()).args(["text", "page.html"]));
    assert_eq!(
        text,
        "Record of a Conversation with Nam Il\n\n\
         Nam Il said that the delegation, having considered the matter at length, would agree to the talks.\n\n\
         The reply\n\n\
         The ambassador replied that the proposal was not acceptable & asked for time.\n"
    );
}

#[test]
fn gloss_text_all_as_json_flags_the_boilerplate() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("page.html"), PAGE).unwrap();
    let out = stdout_of(gloss(dir.path()).args(["text", "--all", "--format", "json", "page.html"]));
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let boiler: Vec<&str> = lines
        .iter()
        .filter(|l| l["boilerplate"] == true)
        .map(|l| l["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        boiler,
        [
            "The Digital Archive",
            "Home",
            "Search",
            "Copyright © 2024 The Digital Archive"
        ]
    );
    let reply = lines
        .iter()
        .find(|l| l["text"].as_str().unwrap().starts_with("The ambassador"))
        .unwrap();
    assert_eq!(reply["section"], "The reply");
    assert_eq!(reply["page"], Value::Null);
    assert!(reply["number"].as_u64().unwrap() > 1);
}

#[test]
fn gloss_text_on_plain_text_and_a_txt_that_is_really_html() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("memo.txt"), "One\nline.\n\n\nTwo.\n").unwrap();
    let text = stdout_of(gloss(dir.path()).args(["text", "memo.txt"]));
    assert_eq!(text, "One\nline.\n\nTwo.\n");
    std::fs::write(dir.path().join("saved.txt"), PAGE).unwrap();
    let raw = stdout_of(gloss(dir.path()).args(["text", "saved.txt"]));
    assert!(raw.contains("<nav>"), "a .txt stays text: {raw}");
    let html = stdout_of(gloss(dir.path()).args(["text", "--as-format", "html", "saved.txt"]));
    assert!(
        !html.contains('<') && html.contains("The ambassador replied"),
        "{html}"
    );
}

#[test]
fn gloss_text_on_markdown_and_tei() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.md"), NOTES).unwrap();
    let text = stdout_of(gloss(dir.path()).args(["text", "notes.md"]));
    assert_eq!(
        text,
        "Talks at Kaesong\n\nThe delegation met at noon.\n\nPositions\n\n\
         Nam Il supports the armistice.\n\nThe ambassador opposes delay.\n"
    );
    let tei = r#"<?xml version="1.0"?><TEI xmlns="http://www.tei-c.org/ns/1.0">
<teiHeader><fileDesc><titleStmt><title>A memo</title></titleStmt></fileDesc></teiHeader>
<text><body><div><head>Memorandum<note>Source: a file.</note></head><pb n="7"/>
<p>The Secretary spoke.</p></div></body></text></TEI>"#;
    std::fs::write(dir.path().join("memo.xml"), tei).unwrap();
    let out = stdout_of(gloss(dir.path()).args(["text", "--format", "json", "memo.xml"]));
    let last: Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    assert_eq!(last["text"], "The Secretary spoke.");
    assert_eq!(last["page"], "7");
    assert_eq!(last["section"], "Memorandum");
    // The note is not text: it comes with its paragraph (the head).
    let head: Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(head["text"], "Memorandum");
    assert_eq!(head["notes"][0]["text"], "Source: a file.");
    let text = stdout_of(gloss(dir.path()).args(["text", "memo.xml"]));
    assert!(!text.contains("Source: a file."));
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

fn export_json(dir: &Path, file: &str) -> Vec<Value> {
    let out = stdout_of(gloss(dir).args(["export", "--format", "json", file]));
    serde_json::from_str(&out).unwrap()
}

#[test]
fn html_page_tagged_and_exported_with_its_section() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    std::fs::write(&page, PAGE).unwrap();
    tag(&page, 3, "The ambassador");
    let sidecar = std::fs::read_to_string(dir.path().join("page.html.kim.gloss.ron")).unwrap();
    assert!(
        sidecar.contains("extractor: Some(\"gloss-html 1\")"),
        "{sidecar}"
    );
    let excerpts = export_json(dir.path(), "page.html");
    assert_eq!(excerpts.len(), 1);
    let e = &excerpts[0];
    assert_eq!(e["paragraph"], 4);
    assert_eq!(
        e["text"],
        "The ambassador replied that the proposal was not acceptable & asked for time."
    );
    assert_eq!(e["section"], "The reply");
    assert_eq!(e["doc_date"], "1956-07-24");
    assert_eq!(
        std::fs::read_to_string(&page).unwrap(),
        PAGE,
        "original untouched"
    );
    let check = gloss(dir.path())
        .args(["check", "page.html"])
        .output()
        .unwrap();
    common::cli::assert_success(&check);
}

#[test]
fn markdown_tagged_and_exported_with_its_section() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.md");
    std::fs::write(&notes, NOTES).unwrap();
    tag(&notes, 3, "Nam Il");
    let excerpts = export_json(dir.path(), "notes.md");
    assert_eq!(excerpts[0]["text"], "Nam Il supports the armistice.");
    assert_eq!(excerpts[0]["section"], "Positions");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), NOTES);
}

#[test]
fn malformed_tei_and_pdf_are_one_line_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.xml"),
        "<TEI><text><p>open</text></TEI>",
    )
    .unwrap();
    let out = gloss(dir.path())
        .args(["text", "bad.xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("bad.xml: byte "), "{err}");
    assert_eq!(err.lines().count(), 1);
    std::fs::write(dir.path().join("scan.pdf"), "%PDF-1.4\n").unwrap();
    let out = gloss(dir.path())
        .args(["text", "scan.pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("scan.pdf: not a readable PDF"), "{err}");
}

#[test]
fn an_entity_bomb_is_not_expanded() {
    let dir = tempfile::tempdir().unwrap();
    let mut bomb = String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE TEI [\n<!ENTITY l0 \"lol\">\n");
    for i in 1..10 {
        let prev = format!("&l{};", i - 1).repeat(10);
        bomb.push_str(&format!("<!ENTITY l{i} \"{prev}\">\n"));
    }
    bomb.push_str("]>\n<TEI><text><body><p>before &l9; after</p></body></text></TEI>\n");
    std::fs::write(dir.path().join("bomb.xml"), bomb).unwrap();
    let text = stdout_of(gloss(dir.path()).args(["text", "bomb.xml"]));
    assert_eq!(text, "before after\n");
}
