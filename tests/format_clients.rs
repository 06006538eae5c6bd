//! One memorandum as an archive delivers it — a saved record page, TEI,
//! Markdown, and a DOCX and a PDF made by LibreOffice (`tests/data/memo-formats/`)
//! — read, tagged and exported as the clients that read the exports see them:
//! the same paragraphs in every format, headings in their own section, the
//! PDF's running header and page numbers out of the text and out of exports,
//! locators by page or section, W3C sources named by their media type with
//! offsets into the text the REFI-QDA project ships.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use glossator::annotation::{Annotation, Tag};
use glossator::app::App;
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::keymap::Keymap;
use glossator::sidecar::{Sidecar, sidecar_path};
use glossator::view::Theme;
use ratatui::style::Modifier;
use serde_json::Value;

use common::app::{press, render};

/// The five forms of the memorandum, and the page the reconstruction
/// paragraph is on where there are pages.
const FORMS: [(&str, Option<&str>); 5] = [
    ("record.html", None),
    ("memo.xml", None),
    ("memo.md", None),
    ("memo.docx", None),
    ("memo.pdf", Some("2")),
];

const RECONSTRUCTION: &str = "The Deputy Minister turned to the reconstruction";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/memo-formats")
}

/// A folder with copies of the fixtures (sidecars go beside them).
fn copies() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(fixtures()).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    dir
}

fn gloss(dir: &Path) -> Command {
    let mut cmd = common::cli::gloss();
    cmd.current_dir(dir)
        .env("GLOSS_CONFIG_DIR", "/nonexistent-gloss-config")
        .env("GLOSS_STATE_DIR", dir.join(".state"));
    cmd
}

fn stdout_of(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().unwrap();
    common::cli::assert_success(&out);
    out.stdout
}

fn json_lines(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The 0-based index of the paragraph of `doc` that starts with `start`.
fn paragraph_starting(doc: &Document, start: &str) -> usize {
    (0..doc.len())
        .find(|&i| doc.paragraph_text(i).starts_with(start))
        .unwrap_or_else(|| panic!("no paragraph starts with {start:?}"))
}

/// Tag paragraphs `indexes` of `path` as claims by the Deputy Minister, as
/// the TUI would.
fn tag(path: &Path, indexes: &[usize]) {
    let doc = Document::open(path).unwrap();
    doc.wait_complete();
    let mut sidecar = Sidecar::new(&doc, "kim");
    for &i in indexes {
        sidecar.annotations.push(Annotation::created_at(
            Tag::Claim {
                by: "Deputy Minister".into(),
            },
            Anchor::whole(&doc, i),
            "2026-11-30T06:00:00Z".into(),
        ));
    }
    std::fs::write(sidecar_path(path, "kim"), sidecar.to_ron().unwrap()).unwrap();
}

fn tag_reconstruction(dir: &Path, file: &str) {
    let path = dir.join(file);
    let doc = Document::open(&path).unwrap();
    doc.wait_complete();
    tag(&path, &[paragraph_starting(&doc, RECONSTRUCTION)]);
}

#[test]
fn every_format_gives_the_paragraphs_of_the_known_text() {
    let dir = copies();
    let known: Vec<String> = std::fs::read_to_string(fixtures().join("memo.txt"))
        .unwrap()
        .split("\n\n")
        .map(squeeze)
        .filter(|p| !p.is_empty())
        .collect();
    for (file, _) in FORMS {
        let out = stdout_of(gloss(dir.path()).args(["text", file]));
        let got: Vec<String> = String::from_utf8(out)
            .unwrap()
            .split("\n\n")
            .map(squeeze)
            .filter(|p| !p.is_empty())
            .collect();
        assert_eq!(got, known, "{file}");
    }
}

#[test]
fn a_heading_is_in_its_own_section_in_every_format() {
    // The PDF extractor gave a heading the section of the heading before it.
    let dir = copies();
    for (file, _) in FORMS {
        let lines = json_lines(&stdout_of(
            gloss(dir.path()).args(["text", "--format", "json", file]),
        ));
        let heading = lines
            .iter()
            .find(|l| l["text"] == "Reconstruction of the ports")
            .unwrap_or_else(|| panic!("{file}: no heading"));
        assert_eq!(heading["section"], "Reconstruction of the ports", "{file}");
    }
}

#[test]
fn tags_on_a_pdf_running_header_stay_out_of_exports() {
    // The extractor flags the running header and the page numbers as
    // boilerplate; `gloss text` left them out but exports kept their tags.
    let dir = copies();
    let pdf = dir.path().join("memo.pdf");
    let all = json_lines(&stdout_of(
        gloss(dir.path()).args(["text", "--all", "--format", "json", "memo.pdf"]),
    ));
    assert_eq!(all[0]["text"], "Embassy Records, Series B — Secret");
    assert_eq!(all[0]["boilerplate"], true);
    let doc = Document::open(&pdf).unwrap();
    doc.wait_complete();
    let content = paragraph_starting(&doc, RECONSTRUCTION);
    tag(&pdf, &[0, content]);
    let exported: Vec<Value> = serde_json::from_slice(&stdout_of(
        gloss(dir.path()).args(["export", "--format", "json", "memo.pdf"]),
    ))
    .unwrap();
    let paragraphs: Vec<&Value> = exported.iter().map(|e| &e["paragraph"]).collect();
    assert_eq!(paragraphs, [content + 1], "{exported:#?}");
    let with: Vec<Value> = serde_json::from_slice(&stdout_of(gloss(dir.path()).args([
        "export",
        "--include-boilerplate",
        "--format",
        "json",
        "memo.pdf",
    ])))
    .unwrap();
    assert_eq!(with.len(), 2);
    assert_eq!(with[0]["page"], "1");
}

#[test]
fn md_and_html_exports_locate_by_page_or_by_section() {
    // Only the PDF's page reached the Markdown and HTML locators; the other
    // formats' sections were in json/csv alone.
    let dir = copies();
    for (file, page) in FORMS {
        tag_reconstruction(dir.path(), file);
        let json: Vec<Value> = serde_json::from_slice(&stdout_of(
            gloss(dir.path()).args(["export", "--format", "json", file]),
        ))
        .unwrap();
        let n = &json[0]["paragraph"];
        let place = match page {
            Some(p) => format!("p. {p}, ¶ {n}"),
            None => format!("under “Reconstruction of the ports,” ¶ {n}"),
        };
        for format in ["md", "html"] {
            let out = String::from_utf8(stdout_of(
                gloss(dir.path()).args(["export", "--format", format, file]),
            ))
            .unwrap();
            // The attribution line and the footnote both locate it.
            assert_eq!(out.matches(&place).count(), 2, "{file} {format}: {out}");
        }
    }
}

#[test]
fn w3c_names_the_original_by_its_media_type_and_counts_in_the_shipped_text() {
    // Every source was called text/plain, a PDF or a DOCX too.
    let dir = copies();
    let types = [
        ("record.html", "text/html"),
        ("memo.xml", "application/tei+xml"),
        ("memo.md", "text/markdown"),
        (
            "memo.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("memo.pdf", "application/pdf"),
        ("memo.txt", "text/plain"),
    ];
    for (file, _) in types {
        tag_reconstruction(dir.path(), file);
    }
    let files: Vec<&str> = types.iter().map(|(f, _)| *f).collect();
    let w3c: Vec<Value> = serde_json::from_slice(&stdout_of(
        gloss(dir.path())
            .args(["export", "--format", "w3c"])
            .args(&files),
    ))
    .unwrap();
    let qdpx = stdout_of(
        gloss(dir.path())
            .args(["export", "--format", "qdpx"])
            .args(&files),
    );
    let texts = qdpx_texts(&qdpx);
    assert_eq!(w3c.len(), types.len());
    for (file, media_type) in types {
        let a = w3c
            .iter()
            .find(|a| {
                a["target"]["source"]["id"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("/{file}"))
            })
            .unwrap_or_else(|| panic!("no annotation on {file}"));
        assert_eq!(a["target"]["source"]["format"], media_type, "{file}");
        let selectors = a["target"]["selector"].as_array().unwrap();
        let exact = selectors[0]["exact"].as_str().unwrap();
        let start = selectors[1]["start"].as_u64().unwrap() as usize;
        let end = selectors[1]["end"].as_u64().unwrap() as usize;
        let text = &texts[file];
        let at: String = text.chars().skip(start).take(end - start).collect();
        assert_eq!(at, exact, "{file}");
        assert!(exact.starts_with(RECONSTRUCTION), "{file}: {exact}");
    }
}

/// The plain-text representation of each source in a `.qdpx`, by name.
fn qdpx_texts(qdpx: &[u8]) -> std::collections::HashMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(qdpx)).unwrap();
    let mut project = String::new();
    zip.by_name("project.qde")
        .unwrap()
        .read_to_string(&mut project)
        .unwrap();
    let mut out = std::collections::HashMap::new();
    for source in project.split("<TextSource ").skip(1) {
        let attr = |name: &str| {
            let from = source.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
            source[from..from + source[from..].find('"').unwrap()].to_string()
        };
        let path = attr("plainTextPath");
        let mut text = String::new();
        zip.by_name(&format!(
            "Sources/{}",
            path.trim_start_matches("internal://")
        ))
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
        out.insert(attr("name"), text);
    }
    out
}

#[test]
fn the_tui_dims_a_pdf_running_header_and_b_makes_it_content() {
    // Without a project file nothing was dimmed: the extractor's flags never
    // reached the document view.
    let dir = copies();
    let doc = Document::open(&dir.path().join("memo.pdf")).unwrap();
    doc.wait_complete();
    let sidecar = Sidecar::new(&doc, "kim");
    let mut app = App::new(doc, sidecar, Keymap::default_keymap());
    let header = 0;
    let title = 1;
    assert!(app.is_boilerplate(header));
    assert!(!app.is_boilerplate(title));
    press(&mut app, "j");
    let theme = Theme::named("default", false);
    let buf = render(&mut app, 100, 30, &theme);
    let first_cell = |needle: &str| {
        (0..30u16)
            .find_map(|y| {
                let row: String = (0..100u16).map(|x| buf[(x, y)].symbol()).collect();
                let x = row.find(needle)?;
                Some(buf[(row[..x].chars().count() as u16, y)].clone())
            })
            .unwrap_or_else(|| panic!("{needle} not on screen"))
    };
    let header_cell = first_cell("Embassy Records");
    assert!(
        header_cell.modifier.contains(Modifier::DIM),
        "{header_cell:?}"
    );
    let title_cell = first_cell("Memorandum of a Conversation");
    assert!(
        !title_cell.modifier.contains(Modifier::DIM),
        "{title_cell:?}"
    );
    // B on the header overrules the extractor: it is content from now on.
    press(&mut app, "kB");
    assert!(!app.is_boilerplate(header));
    let project = app.project.as_ref().expect("B creates the project file");
    let kept = &project.project.boilerplate.kept["memo.pdf"];
    assert!(kept.contains(&app.doc.paragraph_hash(header)));
}
