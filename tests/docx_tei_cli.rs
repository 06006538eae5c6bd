//! DOCX made by LibreOffice, TEI notes and persons, and `gloss import` of a
//! FRUS volume, end to end through the real binary (and the session a TUI
//! would open).

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use glossator::annotation::{Annotation, Tag};
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::sidecar::{Sidecar, sidecar_path};
use serde_json::Value;

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path)
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

/// The command fails with exit 1 and one line on stderr, which is returned.
fn one_line_error(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}

/// Tag the paragraph whose text starts with `start` as a claim by `by`.
fn tag(path: &Path, start: &str, by: &str) {
    let doc = Document::open(path).unwrap();
    let index = (0..doc.len())
        .find(|i| doc.paragraph_text(*i).starts_with(start))
        .unwrap();
    let mut sidecar = Sidecar::new(&doc, "kim");
    sidecar.annotations.push(Annotation::created_at(
        Tag::Claim { by: by.into() },
        Anchor::whole(&doc, index),
        "2026-11-30T06:00:00Z".into(),
    ));
    std::fs::write(sidecar_path(path, "kim"), sidecar.to_ron().unwrap()).unwrap();
}

#[test]
fn libreoffice_docx_gives_the_source_text_paragraphs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(data("docx/memo.docx"), dir.path().join("memo.docx")).unwrap();
    let text = stdout_of(gloss(dir.path()).args(["text", "memo.docx"]));
    assert_eq!(
        text,
        std::fs::read_to_string(data("docx/memo.txt")).unwrap()
    );
}

#[test]
fn docx_footnotes_in_text_json_and_in_exports() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.docx");
    std::fs::copy(data("docx/report.docx"), &report).unwrap();
    let out = stdout_of(gloss(dir.path()).args(["text", "--format", "json", "report.docx"]));
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[1]["notes"][0]["n"], "1");
    assert_eq!(
        lines[1]["notes"][0]["text"],
        "The start had been set for 1 April; see the memorandum of 3 March."
    );
    assert_eq!(lines[0]["notes"], Value::Array(vec![]));
    let plain = stdout_of(gloss(dir.path()).args(["text", "report.docx"]));
    assert!(!plain.contains("1 April"), "notes stay out of the text");

    tag(&report, "The survey of the northern basin", "Survey Office");
    let json: Vec<Value> = serde_json::from_str(&stdout_of(
        gloss(dir.path()).args(["export", "report.docx"]),
    ))
    .unwrap();
    assert_eq!(json[0]["section"], "Report on the Harbour Survey");
    assert_eq!(json[0]["notes"][0]["n"], "1");
    let jsonl = stdout_of(gloss(dir.path()).args(["export", "--format", "jsonl", "report.docx"]));
    let first: Value = serde_json::from_str(jsonl.lines().next().unwrap()).unwrap();
    assert_eq!(first["notes"], json[0]["notes"]);
    let md = stdout_of(gloss(dir.path()).args(["export", "--format", "md", "report.docx"]));
    assert!(md.contains("[^1][^1-n1]\n"), "{md}");
    assert!(
        md.contains(
            "[^1-n1]: Note 1: The start had been set for 1 April; see the memorandum of 3 March."
        ),
        "{md}"
    );
}

/// A DOCX whose document part inflates to more than the 64 MiB limit.
fn zip_bomb() -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    zip.start_file("word/document.xml", options).unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..65 {
        zip.write_all(&chunk).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn hostile_docx_is_a_one_line_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bomb = zip_bomb();
    assert!(bomb.len() < 1 << 20, "{}", bomb.len());
    std::fs::write(dir.path().join("bomb.docx"), bomb).unwrap();
    let err = one_line_error(gloss(dir.path()).args(["text", "bomb.docx"]));
    assert!(err.starts_with("bomb.docx: word/document.xml: "), "{err}");
    std::fs::write(
        dir.path().join("broken.docx"),
        b"PK\x03\x04 not really a zip",
    )
    .unwrap();
    let err = one_line_error(gloss(dir.path()).args(["text", "broken.docx"]));
    assert!(
        err.starts_with("broken.docx: not a DOCX (zip) file"),
        "{err}"
    );
}

const VOLUME: &str = "frus-import/frus1955-57v03-excerpt.xml";

fn import(dir: &Path) -> std::process::Output {
    gloss(dir)
        .args(["import"])
        .arg(data(VOLUME))
        .arg("v03")
        .output()
        .unwrap()
}

#[test]
fn import_splits_a_frus_volume_into_dated_documents_with_titles() {
    let dir = tempfile::tempdir().unwrap();
    let out = import(dir.path());
    common::cli::assert_success(&out);
    let v03 = dir.path().join("v03");
    let mut names: Vec<String> = std::fs::read_dir(&v03)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["d035.xml", "d036.xml", "d037.xml", "gloss.ron"]);
    let meta: Value = serde_json::from_str(&stdout_of(
        gloss(&v03).args(["meta", "--format", "json", "d035.xml", "d037.xml"]),
    ))
    .unwrap();
    assert_eq!(
        meta[0]["meta"]["title"],
        "Telegram From the Secretary of State to Ambassador U. Alexis Johnson, at Geneva"
    );
    assert_eq!(meta[0]["meta"]["date"], "1955-08-22");
    assert_eq!(
        meta[0]["meta"]["citation"],
        "FRUS, 1955–1957, China, Volume III, Document 35"
    );
    assert_eq!(meta[0]["from"]["title"], "stored");
    assert_eq!(meta[1]["meta"]["date"], "1955-08-23");
    // The volume's persons are the codebook, with every spelling.
    let project = glossator::project::Project::load(&v03.join("gloss.ron")).unwrap();
    let johnson = project.actor("U. Alexis Johnson").unwrap();
    assert!(johnson.aliases.contains(&"Johnson".to_string()));
    assert!(
        johnson
            .description
            .as_deref()
            .unwrap()
            .starts_with("Ambassador")
    );
    assert!(project.actor("Wang Ping-nan").is_some());
    // Each document reads alone: its notes with their paragraphs.
    let text = stdout_of(gloss(&v03).args(["text", "--format", "json", "d035.xml"]));
    let p: Value = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|l| l["text"] == "602. Your 571.")
        .unwrap();
    assert_eq!(p["notes"][0]["n"], "2");
}

#[test]
fn import_again_changes_nothing_and_keeps_what_a_person_set() {
    let dir = tempfile::tempdir().unwrap();
    common::cli::assert_success(&import(dir.path()));
    let v03 = dir.path().join("v03");
    let status = gloss(&v03).args(["meta", "d035.xml"]).output().unwrap();
    common::cli::assert_success(&status);
    // A person corrects a title in the project file.
    let ron = v03.join("gloss.ron");
    let mut project = glossator::project::Project::load(&ron).unwrap();
    project.document_mut("d036.xml").meta.title = Some("Telegram to Rangoon".into());
    std::fs::write(&ron, project.to_ron().unwrap()).unwrap();
    let before: Vec<Vec<u8>> = ["d035.xml", "d036.xml", "d037.xml", "gloss.ron"]
        .iter()
        .map(|n| std::fs::read(v03.join(n)).unwrap())
        .collect();
    let out = import(dir.path());
    common::cli::assert_success(&out);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("0 written, 3 unchanged"),
        "{out:?}"
    );
    let after: Vec<Vec<u8>> = ["d035.xml", "d036.xml", "d037.xml", "gloss.ron"]
        .iter()
        .map(|n| std::fs::read(v03.join(n)).unwrap())
        .collect();
    assert_eq!(before, after);
}

#[test]
fn import_refuses_to_overwrite_a_changed_file() {
    let dir = tempfile::tempdir().unwrap();
    common::cli::assert_success(&import(dir.path()));
    let v03 = dir.path().join("v03");
    std::fs::write(v03.join("d036.xml"), "my edit").unwrap();
    std::fs::remove_file(v03.join("d037.xml")).unwrap();
    let out = import(dir.path());
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.lines()
            .next()
            .unwrap()
            .contains("d036.xml: already there"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(v03.join("d036.xml")).unwrap(),
        "my edit"
    );
    assert!(!v03.join("d037.xml").exists(), "nothing written");
}

#[test]
fn import_bad_input_and_usage() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("one.xml"),
        "<TEI><text><body><p>x</p></body></text></TEI>",
    )
    .unwrap();
    let err = one_line_error(gloss(dir.path()).args(["import", "one.xml", "out"]));
    assert!(
        err.starts_with("one.xml: no <div type=\"document\">"),
        "{err}"
    );
    std::fs::write(
        dir.path().join("bad.xml"),
        "<TEI><div type=\"document\"><p>x</div></TEI>",
    )
    .unwrap();
    let err = one_line_error(gloss(dir.path()).args(["import", "bad.xml", "out"]));
    assert!(err.starts_with("bad.xml: byte "), "{err}");
    let out = gloss(dir.path())
        .args(["import", "one.xml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn opening_a_tei_document_registers_its_persons() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("d35.xml");
    std::fs::write(
        &doc,
        r##"<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p><persName corresp="#p_WP1">Wang Ping-nan</persName>
        met <persName corresp="#p_JUA1">U. Alexis Johnson</persName>; <persName corresp="#p_WP1">Wang</persName> spoke.</p></body></text></TEI>"##,
    )
    .unwrap();
    let args = glossator::cli::SessionArgs {
        annotator: Some("kim".into()),
        config_dir: Some(dir.path().join("no-config")),
        ..Default::default()
    };
    // Without a project: the session knows the names.
    let session = glossator::cli::annotate::prepare(&doc, &args).unwrap();
    let (names, _) = session.app.completion_sources();
    assert_eq!(names.resolve("Wang"), "Wang Ping-nan");
    drop(session);
    assert!(!dir.path().join("gloss.ron").exists());
    // With one: they go into its codebook, merged with what is there.
    let mut project = glossator::project::Project::new();
    project
        .actors
        .push(glossator::project::ActorEntry::new("Nam Il"));
    std::fs::write(dir.path().join("gloss.ron"), project.to_ron().unwrap()).unwrap();
    let session = glossator::cli::annotate::prepare(&doc, &args).unwrap();
    drop(session);
    let project = glossator::project::Project::load(&dir.path().join("gloss.ron")).unwrap();
    let names: Vec<&str> = project.actors.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["Nam Il", "U. Alexis Johnson", "Wang Ping-nan"]);
    assert_eq!(project.actor("Wang Ping-nan").unwrap().aliases, ["Wang"]);
}
