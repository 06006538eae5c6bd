//! The project file from the command line, in temp folders: `gloss init`
//! seeds the codebook from the sidecars below; `gloss meta` prints what a
//! document's text says about it and what the project stores.

mod common;

use common::cli::{SAMPLE, assert_success, copy_samples, gloss};
use glossator::project::{Project, Status};
use serde_json::Value;

/// A memorandum as a web archive serves it, written for these tests in the
/// shape of real ones (title and date lines, a diary heading, a source block).
const WEB_MEMO: &str = "Skip to content\n\nAugust 2, 1956\n\nMemorandum of Conversation with the Chairman of the State Planning Commission, Pak Chang-ok\n\nSecret\n\nFrom the diary of\nFirst Secretary of the Embassy\nof the USSR in the DPRK\nSamsonov G.E.\n\nPak said that the plan for the second quarter had been met.\n\nDocument Information\n\n\nAVPRF, Fond 0102, Opis 12, Papka 68, Delo 5, Listy 101-104. Obtained and translated for the project by Anna K. Dolgova.\n\nRecord ID\n\n\n114998\n";

#[test]
fn init_seeds_the_codebook_from_the_sidecars_below() {
    let tmp = tempfile::tempdir().unwrap();
    let sub = tmp.path().join("1957");
    copy_samples(&sub, |n| n.starts_with(SAMPLE));
    let out = gloss().arg("init").arg(tmp.path()).output().unwrap();
    assert_success(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("from 2 sidecar(s)"), "{stdout}");
    let project = Project::load(&tmp.path().join("gloss.ron")).unwrap();
    let han = project
        .actor("Han Tae-jun")
        .expect("Han from ana's registry");
    assert!(han.aliases.contains(&"Han Tae Jun".to_string()), "{han:?}");
    assert!(
        project
            .issue_names()
            .contains(&"locomotives on credit".to_string())
    );
    // Every name a tag uses is in the codebook.
    for (_, path) in glossator::sidecar::sidecars_of(&sub.join(SAMPLE)) {
        let mut s = glossator::sidecar::Sidecar::load(&path).unwrap();
        s.learn_names();
        let registry = project.registry();
        for a in &s.actors {
            assert!(registry.find(&a.name).is_some(), "{} missing", a.name);
        }
    }
}

#[test]
fn init_never_replaces_a_project_file() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("gloss.ron");
    std::fs::write(&path, "(version: 1, actors: [(name: \"Mine\")])\n").unwrap();
    let out = gloss()
        .current_dir(tmp.path())
        .arg("init")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("already there"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "(version: 1, actors: [(name: \"Mine\")])\n"
    );
    let out = gloss()
        .arg("init")
        .arg(tmp.path().join("nope"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn meta_prints_detected_values_without_a_project() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = tmp.path().join("memo.txt");
    std::fs::write(&doc, WEB_MEMO).unwrap();
    let out = gloss().arg("meta").arg(&doc).output().unwrap();
    assert_success(&out);
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("(no project file)"), "{table}");
    for (field, value) in [
        ("date", "1956-08-02"),
        (
            "citation",
            "AVPRF, Fond 0102, Opis 12, Papka 68, Delo 5, Listy 101-104",
        ),
        ("translator", "Anna K. Dolgova"),
        ("author", "Samsonov G.E."),
        ("record_id", "114998"),
    ] {
        let line = table
            .lines()
            .find(|l| l.trim_start().starts_with(field))
            .unwrap_or_else(|| panic!("no {field} in {table}"));
        assert!(line.contains("detected") && line.contains(value), "{line}");
    }
}

#[test]
fn meta_says_which_values_are_stored_and_stored_ones_win() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("archive/1956");
    std::fs::create_dir_all(&folder).unwrap();
    let doc = folder.join("memo.txt");
    std::fs::write(&doc, WEB_MEMO).unwrap();
    let mut project = Project::new();
    let entry = project.document_mut("1956/memo.txt");
    entry.meta.title = Some("Samsonov's record of a talk with Pak".into());
    entry.meta.collection = Some("North Korea in the Cold War".into());
    entry.status = Some(Status::InProgress);
    std::fs::write(
        tmp.path().join("archive/gloss.ron"),
        project.to_ron().unwrap(),
    )
    .unwrap();
    let out = gloss()
        .current_dir(&folder)
        .args(["meta", "--format", "json", "memo.txt"])
        .output()
        .unwrap();
    assert_success(&out);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &json[0];
    assert_eq!(r["key"], "1956/memo.txt");
    assert_eq!(r["meta"]["title"], "Samsonov's record of a talk with Pak");
    assert_eq!(r["from"]["title"], "stored");
    assert_eq!(
        r["detected"]["title"],
        "Memorandum of Conversation with the Chairman of the State Planning Commission, Pak Chang-ok"
    );
    assert_eq!(r["meta"]["date"], "1956-08-02");
    assert_eq!(r["from"]["date"], "detected");
    assert_eq!(r["meta"]["collection"], "North Korea in the Cold War");
    assert_eq!(r["status"], "in progress");
    let out = gloss().arg("meta").arg(&doc).output().unwrap();
    let table = String::from_utf8_lossy(&out.stdout);
    let title = table.lines().find(|l| l.contains("title")).unwrap();
    assert!(
        title.contains("stored") && title.contains("(detected: Memorandum"),
        "{title}"
    );
    assert!(table.contains("status"), "{table}");
}

#[test]
fn meta_on_a_broken_project_file_names_its_position_and_fails() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = tmp.path().join("memo.txt");
    std::fs::write(&doc, WEB_MEMO).unwrap();
    std::fs::write(
        tmp.path().join("gloss.ron"),
        "(\n    version: 1,\n    actors: [(nam: \"x\")],\n)\n",
    )
    .unwrap();
    let out = gloss().arg("meta").arg(&doc).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("gloss.ron:3:"), "{stderr}");
}

#[test]
fn the_readme_example_is_a_valid_project_file() {
    let readme =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
            .unwrap();
    let section = &readme[readme.find("## Project file").expect("section")..];
    let start = section.find("```ron\n").expect("example") + "```ron\n".len();
    let example = &section[start..start + section[start..].find("```").unwrap()];
    let project = Project::parse(example, std::path::Path::new("README.md")).unwrap();
    assert_eq!(project.actors[0].attributes["faction"], "Soviet Korean");
    assert_eq!(
        project.documents["1956/memo-1956-07-24-nam-il.txt"].status,
        Some(Status::InProgress)
    );
}

#[test]
fn check_fails_on_a_project_file_that_does_not_parse() {
    let tmp = tempfile::tempdir().unwrap();
    copy_samples(tmp.path(), |n| n.starts_with(SAMPLE));
    let doc = tmp.path().join(SAMPLE);
    let out = gloss().arg("check").arg(&doc).output().unwrap();
    assert_success(&out);
    std::fs::write(
        tmp.path().join("gloss.ron"),
        "(\n    version: 1,\n    issues: [(nam: \"aid\")],\n)\n",
    )
    .unwrap();
    let out = gloss().arg("check").arg(&doc).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("gloss.ron:3:"), "{stderr}");
}

/// A folder whose documents have no sidecar yet still has its project
/// file checked.
#[test]
fn check_of_a_folder_without_sidecars_fails_on_its_broken_project_file() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("memo.txt"), "Memo\n\nPak said so.\n").unwrap();
    let out = gloss().arg("check").arg(tmp.path()).output().unwrap();
    assert_success(&out);
    std::fs::write(
        tmp.path().join("gloss.ron"),
        "(\n    version: 1,\n    issues: [(nam: \"aid\")],\n)\n",
    )
    .unwrap();
    let out = gloss().arg("check").arg(tmp.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("gloss.ron:3:"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

#[test]
fn meta_on_a_folder_reads_every_text_document_below_it() {
    let tmp = tempfile::tempdir().unwrap();
    copy_samples(tmp.path(), |n| n.starts_with(SAMPLE));
    std::fs::create_dir_all(tmp.path().join("new")).unwrap();
    std::fs::write(tmp.path().join("new/memo.txt"), WEB_MEMO).unwrap();
    std::fs::write(
        tmp.path().join("new/scan.pdf"),
        b"%PDF-1.4\n\xff\xfe\x00binary",
    )
    .unwrap();
    std::fs::write(tmp.path().join("gloss.ron"), "(version: 1)\n").unwrap();
    let out = gloss()
        .args(["meta", "--format", "json"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_success(&out);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["key"].as_str().unwrap())
        .collect();
    assert_eq!(keys, vec![SAMPLE, "new/memo.txt"]);
    assert_eq!(json[1]["detected"]["date"], "1956-08-02");
}
