//! Aliases count across annotators (issue #9): alice's sidecar lists
//! `Pak Chang Ok` as an alias of `Pak Chang-ok`; bob tagged `Pak Chang Ok`
//! (his own registry knows it only as a name). Export filters, agreement,
//! review disagreements and completions all treat them as one actor, and
//! nobody's sidecar is rewritten.

mod common;

use std::path::{Path, PathBuf};

use common::cli::{assert_success, gloss};
use glossator::annotation::{Actor, Annotation, Stance, Tag};
use glossator::cli::SessionArgs;
use glossator::cli::annotate::prepare;
use glossator::corpus::Layer;
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::keymap::Keymap;
use glossator::sidecar::{Sidecar, sidecar_path};

const TEXT: &str = "Minutes of the meeting.\n\n\
Pak Chang-ok criticised the cult of personality at length.\n\n\
Nam Il said nothing.\n";

/// A folder with the document, alice's sidecar (with the alias) and bob's.
/// Returns the folder and the document's path.
fn corpus() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("minutes.txt");
    std::fs::write(&path, TEXT).unwrap();
    let doc = Document::from_text(&path, TEXT);
    let write = |annotator: &str, actor: &str, actors: Vec<Actor>| {
        let mut s = Sidecar::new(&doc, annotator);
        s.actors = actors;
        s.annotations.push(Annotation::new(
            Tag::Position {
                actor: actor.into(),
                stance: Stance::Oppose,
                issue: "the cult of personality".into(),
            },
            Anchor::whole(&doc, 1),
        ));
        s.learn_names();
        std::fs::write(sidecar_path(&path, annotator), s.to_ron().unwrap()).unwrap();
    };
    write(
        "alice",
        "Pak Chang-ok",
        vec![Actor {
            name: "Pak Chang-ok".into(),
            aliases: vec!["Pak Chang Ok".into()],
        }],
    );
    write("bob", "Pak Chang Ok", Vec::new());
    (dir, path)
}

fn sidecar_bytes(path: &Path) -> (Vec<u8>, Vec<u8>) {
    (
        std::fs::read(sidecar_path(path, "alice")).unwrap(),
        std::fs::read(sidecar_path(path, "bob")).unwrap(),
    )
}

fn exported_annotators(args: &[&str], path: &Path) -> Vec<String> {
    let out = gloss().arg("export").args(args).arg(path).output().unwrap();
    assert_success(&out);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    json.as_array()
        .unwrap()
        .iter()
        .map(|e| e["annotator"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn export_actor_filter_honours_an_alias_from_another_annotators_sidecar() {
    let (_dir, path) = corpus();
    let before = sidecar_bytes(&path);
    assert_eq!(
        exported_annotators(&["--actor", "Pak Chang-ok"], &path),
        ["alice", "bob"]
    );
    assert_eq!(
        exported_annotators(&["--actor", "pak chang ok"], &path),
        ["alice", "bob"]
    );
    // alice's sidecar is not exported, but her alias still counts.
    assert_eq!(
        exported_annotators(&["--actor", "Pak Chang-ok", "--annotator", "bob"], &path),
        ["bob"]
    );
    assert_eq!(sidecar_bytes(&path), before, "no sidecar is rewritten");
}

#[test]
fn agree_counts_the_stance_unit_across_aliases() {
    let (_dir, path) = corpus();
    let out = gloss()
        .args(["agree", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_success(&out);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["stance"]["units"], 1, "{json}");
    assert_eq!(json["stance"]["observed"], 1.0, "{json}");
    assert_eq!(json["kinds"]["position"]["observed"], 1.0, "{json}");
}

#[test]
fn review_marks_no_disagreement_across_aliases() {
    let (_dir, path) = corpus();
    let doc = Document::open(&path).unwrap();
    let load = |a: &str| Sidecar::load(&sidecar_path(&path, a)).unwrap();
    let bob = Layer::new(&doc, "bob".into(), sidecar_path(&path, "bob"), load("bob"));
    let mut app = glossator::app::App::new(doc, load("alice"), Keymap::default_keymap());
    app.start_review(vec![bob], true);
    let review = app.review.as_ref().unwrap();
    assert!(
        review.comparison.disputed.is_empty(),
        "{:?}",
        review.comparison
    );
    assert_eq!(app.agreement_report().unwrap().stance_units, 1);
}

/// carol's own sidecar knows no alias, and she reviews only bob: alice's
/// sidecar, beside the document, still links the two spellings, and carol's
/// completions offer the main name for bob's spelling.
#[test]
fn an_alias_known_only_to_a_third_sidecar_counts_in_review_and_completion() {
    let (dir, path) = corpus();
    let args = SessionArgs {
        annotator: Some("carol".into()),
        config_dir: Some(dir.path().join("config")),
        ..SessionArgs::default()
    };
    let mut session = prepare(&path, &args).unwrap();
    let (names, _) = session.app.completion_sources();
    assert_eq!(names.complete("Pak Chang O"), ["Pak Chang-ok"]);
    assert_eq!(names.resolve("Pak Chang Ok"), "Pak Chang-ok");
    // carol tags the main name; bob's spelling differs.
    let doc = session.app.doc.clone();
    let mut own = Annotation::new(
        Tag::Position {
            actor: "Pak Chang-ok".into(),
            stance: Stance::Oppose,
            issue: "cult".into(),
        },
        Anchor::whole(&doc, 1),
    );
    own.id = "carol-1".into();
    session.app.sidecar.annotations.push(own);
    session.app.sidecar.learn_names();
    let bob = Sidecar::load(&sidecar_path(&path, "bob")).unwrap();
    let layer = Layer::new(&doc, "bob".into(), sidecar_path(&path, "bob"), bob);
    session.app.start_review(vec![layer], true);
    let review = session.app.review.as_ref().unwrap();
    assert!(
        review.comparison.disputed.is_empty(),
        "{:?}",
        review.comparison
    );
}
