//! End-to-end tests of the `gloss` binary in temporary folders: the scripting
//! surface (export json/jsonl, check), error exits, and the annotate flow up to
//! the terminal (which needs a tty; the TUI itself is tested in tests/tui.rs).

mod common;

use std::path::PathBuf;

use assert_cmd::Command;
use predicates::prelude::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use serde_json::Value;

use common::app::{Session, save_effects, type_text};
use common::cli::{SAMPLE, assert_success, copy_samples};

fn gloss() -> Command {
    let mut cmd = common::cli::gloss();
    cmd.env("GLOSS_CONFIG_DIR", "/nonexistent-gloss-config")
        .env_remove("NO_COLOR");
    cmd
}

/// A temp folder holding a copy of the sample memo and both annotators' sidecars.
fn sample_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    copy_samples(dir.path(), |name| name.starts_with(SAMPLE));
    let doc = dir.path().join(SAMPLE);
    (dir, doc)
}

fn json(output: &[u8]) -> Vec<Value> {
    serde_json::from_slice::<Value>(output)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn help_and_version() {
    gloss()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("export"));
    gloss()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::contains(env!("CARGO_PKG_VERSION")));
    gloss()
        .args(["export", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--stance"));
}

#[test]
fn no_arguments_is_a_usage_error() {
    gloss().assert().code(2);
    gloss().args(["export"]).assert().code(2);
    gloss().args(["--bogus", "x"]).assert().code(2);
}

#[test]
fn completions_are_printed() {
    gloss()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("gloss"));
}

#[test]
fn export_json_has_the_spec_fields() {
    let (_dir, doc) = sample_dir();
    let out = gloss()
        .args(["export", "--format", "json"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_success(&out);
    let items = json(&out.stdout);
    assert_eq!(items.len(), 13, "7 by ana + 6 by ben");
    for item in &items {
        for field in [
            "source",
            "annotator",
            "paragraph",
            "line_start",
            "line_end",
            "kind",
            "actor",
            "by",
            "from",
            "to",
            "stance",
            "issue",
            "note",
            "text",
            "id",
        ] {
            assert!(item.get(field).is_some(), "missing {field} in {item}");
        }
        assert_eq!(item["source"], doc.display().to_string());
    }
    // Ordered by paragraph, then creation time.
    let paras: Vec<u64> = items
        .iter()
        .map(|i| i["paragraph"].as_u64().unwrap())
        .collect();
    let mut sorted = paras.clone();
    sorted.sort();
    assert_eq!(paras, sorted);
    // A known excerpt: ana's advice on paragraph 9 (line 19) with its note.
    let advice = items
        .iter()
        .find(|i| i["annotator"] == "ana" && i["kind"] == "advice")
        .unwrap();
    assert_eq!(advice["paragraph"], 9);
    assert_eq!(advice["line_start"], 19);
    assert_eq!(advice["line_end"], 19);
    assert_eq!(advice["from"], "V. I. Orlov");
    assert_eq!(advice["to"], "Han Tae-jun");
    assert_eq!(advice["stance"], Value::Null);
    assert_eq!(
        advice["note"],
        "Joint request with the Ministry of Railways."
    );
    assert!(
        advice["text"]
            .as_str()
            .unwrap()
            .starts_with("I advised Han")
    );
    let text = std::fs::read_to_string(&doc).unwrap();
    assert!(text.lines().nth(18).unwrap().starts_with("I advised Han"));
    // A multi-line paragraph reports its line range.
    let diary = items
        .iter()
        .filter(|i| i["line_start"] != i["line_end"])
        .count();
    assert_eq!(
        diary, 0,
        "no sample tag sits on the four-line diary heading"
    );
}

#[test]
fn export_jsonl_is_one_object_per_line() {
    let (dir, _doc) = sample_dir();
    let out = gloss()
        .args(["export", "--format", "jsonl"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 13);
    for line in lines {
        let v: Value = serde_json::from_str(line).unwrap();
        assert!(v.is_object());
    }
}

#[test]
fn export_filters_combine() {
    let (_dir, doc) = sample_dir();
    let count = |args: &[&str]| {
        let out = gloss().arg("export").args(args).arg(&doc).output().unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        json(&out.stdout)
    };
    assert_eq!(count(&["--kind", "position"]).len(), 4);
    assert_eq!(count(&["--kind", "claim", "--annotator", "ben"]).len(), 3);
    // Actor matches any role and aliases: Han Tae-jun is a claim's `by`, advice `to`, a position's actor.
    let han = count(&["--actor", "한태준"]);
    assert_eq!(han.len(), 6);
    assert_eq!(count(&["--actor", "Han Tae-jun"]).len(), 6);
    assert_eq!(count(&["--stance", "opp"]).len(), 3);
    assert_eq!(
        count(&["--stance", "oppose", "--actor", "Kim Chang-hyop"]).len(),
        2
    );
    assert_eq!(count(&["--issue", "LOCOMOTIVES"]).len(), 3);
    assert!(count(&["--actor", "Nobody"]).is_empty());
}

#[test]
fn export_to_a_file() {
    let (dir, doc) = sample_dir();
    let out = dir.path().join("out file.json");
    gloss()
        .args(["export", "-o"])
        .arg(&out)
        .arg(&doc)
        .assert()
        .success()
        .stdout("");
    assert_eq!(json(&std::fs::read(&out).unwrap()).len(), 13);
}

#[test]
fn export_missing_input_exits_1_and_still_exports_the_rest() {
    let (dir, doc) = sample_dir();
    let out = gloss()
        .arg("export")
        .arg(dir.path().join("missing.txt"))
        .arg(&doc)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.txt: no such file"));
    assert_eq!(json(&out.stdout).len(), 13);
}

#[test]
fn export_by_an_annotator_without_a_sidecar_names_those_there_are() {
    let (_dir, doc) = sample_dir();
    let out = gloss()
        .args(["export", "--annotator", "zoe"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no sidecar by zoe (its annotators: ana, ben)"),
        "{err}"
    );
}

#[test]
fn export_unknown_format_is_a_usage_error() {
    let (_dir, doc) = sample_dir();
    gloss()
        .args(["export", "--format", "pdf"])
        .arg(&doc)
        .assert()
        .code(2);
    gloss()
        .args(["export", "--kind", "rumour"])
        .arg(&doc)
        .assert()
        .code(2);
}

#[test]
fn corrupt_sidecar_is_reported_with_position_and_left_alone() {
    let (dir, doc) = sample_dir();
    let bad = dir.path().join(format!("{SAMPLE}.ana.gloss.ron"));
    let mut text = std::fs::read_to_string(&bad).unwrap();
    text = text.replacen("stance: Oppose", "stance: Opposes", 1);
    std::fs::write(&bad, &text).unwrap();
    let before = std::fs::read(&bad).unwrap();
    let out = gloss().arg("check").arg(&doc).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    let line = text.lines().position(|l| l.contains("Opposes")).unwrap() + 1;
    assert!(err.contains(&format!("{}:{line}:", bad.display())), "{err}");
    // Export still gives the other annotator's excerpts, and exits 1.
    let out = gloss().arg("export").arg(&doc).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out.stdout).len(), 6);
    // Opening the TUI refuses before touching the terminal, and the file is unchanged.
    let out = gloss().args(["--as", "ana"]).arg(&doc).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("{}:{line}:", bad.display())));
    assert_eq!(std::fs::read(&bad).unwrap(), before);
}

#[test]
fn check_passes_on_the_samples() {
    let (dir, _doc) = sample_dir();
    gloss()
        .arg("check")
        .arg(dir.path())
        .assert()
        .success()
        .stdout(predicate::str::contains("7 annotation(s): 7 exact"));
}

#[test]
fn non_utf8_document_names_the_offset() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("latin1.txt");
    std::fs::write(&doc, b"Caf\xe9 au lait\n").unwrap();
    gloss()
        .arg(&doc)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "latin1.txt: not UTF-8 text (invalid byte 0xe9 at offset 3)",
        ));
}

#[test]
fn missing_document_exits_1() {
    gloss()
        .arg("/nonexistent/memo.txt")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("/nonexistent/memo.txt"));
}

#[test]
fn bad_keymap_is_reported_with_position() {
    let (dir, doc) = sample_dir();
    let keymap = dir.path().join("mine.ron");
    std::fs::write(
        &keymap,
        "(\n  normal: {\n    \"j\": \"jump_around\",\n  },\n)\n",
    )
    .unwrap();
    gloss()
        .arg("--keymap")
        .arg(&keymap)
        .arg(&doc)
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            ":3:10: No command named 'jump_around'",
        ));
    gloss()
        .args(["--keymap", "nonesuch"])
        .arg(&doc)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("no keymap named 'nonesuch'"));
}

#[test]
fn annotating_needs_a_terminal() {
    let (_dir, doc) = sample_dir();
    gloss()
        .args(["--as", "zoe"])
        .arg(&doc)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("needs a terminal"));
}

/// The whole loop short of a terminal: keys → app → saves through the same
/// store the TUI's saver thread uses → the binary exports exactly those tags.
#[test]
fn tag_three_kinds_then_export_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("memo copy.txt");
    std::fs::write(
        &path,
        "July 24, 1956\n\nMemorandum of Conversation with Nam Il\n\nPak told Nam Il that a group was prepared\nto speak out with severe criticism of Kim Il Sung.\n\nI said that he should influence Pak Chang-ok.\n",
    )
    .unwrap();
    let Session {
        mut app,
        mut store,
        sidecar_file,
        loaded,
    } = Session::open(&path, "tester");
    assert!(loaded.is_none());
    type_text(
        &mut app,
        "jjpPak Chang-ok\tsupport\tcriticism of Kim Il Sung\n",
    );
    type_text(&mut app, "cNam Il\n");
    type_text(&mut app, "jaPetrov\tNam Il\n");
    save_effects(&mut app, &mut store);
    assert!(sidecar_file.exists());
    let out = gloss()
        .args(["export", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_success(&out);
    let items = json(&out.stdout);
    assert_eq!(items.len(), 3);
    let kinds: Vec<&str> = items.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["position", "claim", "advice"]);
    assert_eq!(items[0]["paragraph"], 3);
    assert_eq!(items[0]["line_start"], 5);
    assert_eq!(items[0]["line_end"], 6);
    assert_eq!(items[0]["actor"], "Pak Chang-ok");
    assert_eq!(items[0]["stance"], "support");
    assert_eq!(items[1]["by"], "Nam Il");
    assert_eq!(items[2]["paragraph"], 4);
    assert_eq!(items[2]["line_start"], 8);
    assert_eq!(items[2]["from"], "Petrov");
    assert_eq!(items[2]["to"], "Nam Il");
    // Saving again without a change rewrites identical bytes.
    let before = std::fs::read(&sidecar_file).unwrap();
    store.save(&app.sidecar).unwrap();
    assert_eq!(std::fs::read(&sidecar_file).unwrap(), before);
}

/// Config decides the annotator and keymap when flags do not; a broken config
/// is reported with its position and the defaults are used.
#[test]
fn config_folder_sets_annotator_and_keymap() {
    use glossator::cli::SessionArgs;
    use glossator::cli::annotate::prepare;
    let (dir, doc) = sample_dir();
    let config = dir.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.ron"),
        "(annotator: \"Zoë_Park\", keymap: \"emacs\", theme: \"mono\")",
    )
    .unwrap();
    let args = SessionArgs {
        config_dir: Some(config.clone()),
        ..SessionArgs::default()
    };
    let session = prepare(&doc, &args).unwrap();
    assert_eq!(session.app.annotator(), "Zoë_Park");
    assert_eq!(session.app.keymap.name, "emacs");
    assert_eq!(session.theme.name, "mono");
    // --as wins over the config.
    let session = prepare(
        &doc,
        &SessionArgs {
            annotator: Some("ana".into()),
            ..args.clone()
        },
    )
    .unwrap();
    assert_eq!(
        session.app.sidecar.annotations.len(),
        7,
        "ana's sidecar is loaded"
    );
    std::fs::write(config.join("config.ron"), "(annotator: 42)").unwrap();
    let session = prepare(&doc, &args).unwrap();
    let status = session.app.status.unwrap();
    assert!(status.error);
    assert!(status.text.contains("config.ron:1:"), "{}", status.text);
    // A user keymap overrides one binding of the chosen keymap.
    std::fs::write(config.join("config.ron"), "()").unwrap();
    std::fs::write(config.join("keymap.ron"), "(normal: {\"x\": \"quit\"})").unwrap();
    let session = prepare(&doc, &args).unwrap();
    let x = glossator::keymap::Key::new(KeyCode::Char('x'), KeyModifiers::NONE);
    assert_eq!(
        session.app.keymap.lookup(x, false),
        Some(glossator::command::Command::Quit)
    );
}
