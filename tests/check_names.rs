//! `gloss check`'s name warnings, run on the real binary in temp folders:
//! tags whose names are in no registry, likely duplicate names, each one line
//! with its fix; exit 0 for warnings alone, 1 with `--strict`.

mod common;

use std::path::Path;

use glossator::annotation::{Actor, Annotation, Stance, Tag};
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::project::{ActorEntry, Project};
use glossator::sidecar::{Sidecar, sidecar_path};

use common::cli::gloss;

const MEMO: &str = "Nam Il spoke first.\n\nPak Chang Ok answered.\n\nThe meeting closed.\n";

/// Write `annotator`'s sidecar with these tags (one a paragraph) and exactly
/// this registry (nothing learned from the tags).
fn sidecar(dir: &Path, annotator: &str, tags: &[Tag], registry: &[&str], issues: &[&str]) {
    let path = dir.join("memo.txt");
    std::fs::write(&path, MEMO).unwrap();
    let doc = Document::open(&path).unwrap();
    let mut s = Sidecar::new(&doc, annotator);
    for (i, tag) in tags.iter().enumerate() {
        let mut a = Annotation::new(tag.clone(), Anchor::whole(&doc, i));
        a.id = format!("{annotator}{i}");
        s.annotations.push(a);
    }
    s.actors = registry
        .iter()
        .map(|n| Actor {
            name: n.to_string(),
            aliases: vec![],
        })
        .collect();
    s.issues = issues.iter().map(|i| i.to_string()).collect();
    std::fs::write(sidecar_path(&path, annotator), s.to_ron().unwrap()).unwrap();
}

fn claim(by: &str) -> Tag {
    Tag::Claim { by: by.into() }
}

fn check(dir: &Path, strict: bool) -> (i32, String) {
    let mut cmd = gloss();
    cmd.current_dir(dir).arg("check").arg("memo.txt");
    if strict {
        cmd.arg("--strict");
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_name_in_no_registry_is_a_warning_with_the_nearest_known_name() {
    let tmp = tempfile::tempdir().unwrap();
    sidecar(
        tmp.path(),
        "kim",
        &[
            claim("Nam Ir"),
            Tag::Position {
                actor: "Nam Il".into(),
                stance: Stance::Support,
                issue: "unity".into(),
            },
        ],
        &["Nam Il"],
        &[],
    );
    let (code, stderr) = check(tmp.path(), false);
    assert_eq!(code, 0, "{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with("memo.txt.kim.gloss.ron:")
            && lines[0].contains("warning: actor 'Nam Ir' (annotation kim0) is in no registry")
            && lines[0].contains("fix: write 'Nam Il'"),
        "{stderr}"
    );
    assert!(
        lines[1].contains("warning: issue 'unity' (annotation kim1) is in no registry"),
        "{stderr}"
    );
    let (code, _) = check(tmp.path(), true);
    assert_eq!(code, 1);
}

#[test]
fn likely_duplicates_across_annotators_are_reported_once_until_made_aliases() {
    let tmp = tempfile::tempdir().unwrap();
    sidecar(
        tmp.path(),
        "kim",
        &[claim("Pak Chang-ok")],
        &["Pak Chang-ok"],
        &[],
    );
    sidecar(
        tmp.path(),
        "lee",
        &[claim("Pak Chang Ok"), claim("Nam Il")],
        &["Nam Il", "Pak Chang Ok"],
        &[],
    );
    let (code, stderr) = check(tmp.path(), false);
    assert_eq!(code, 0, "{stderr}");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("look like one"))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].starts_with("memo.txt: warning: actors 'Pak Chang Ok' and 'Pak Chang-ok' look like one (equal ignoring case, hyphens, spaces and diacritics); fix: merge"),
        "{stderr}"
    );
    let (code, _) = check(tmp.path(), true);
    assert_eq!(code, 1);
    // The project's codebook says they are one: no warning for anyone.
    let mut p = Project::new();
    let mut pak = ActorEntry::new("Pak Chang-ok");
    pak.aliases.push("Pak Chang Ok".into());
    p.actors.push(pak);
    std::fs::write(tmp.path().join("gloss.ron"), p.to_ron().unwrap()).unwrap();
    let (code, stderr) = check(tmp.path(), true);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
}

#[test]
fn a_broken_project_file_is_an_error_naming_its_position() {
    let tmp = tempfile::tempdir().unwrap();
    sidecar(tmp.path(), "kim", &[claim("Nam Il")], &["Nam Il"], &[]);
    std::fs::write(tmp.path().join("gloss.ron"), "(version: 1, actors: [\n").unwrap();
    let (code, stderr) = check(tmp.path(), false);
    assert_eq!(code, 1);
    assert!(stderr.contains("gloss.ron:"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}
