//! Names the command line takes (issue #9): file names that are not UTF-8
//! keep their own sidecars and are never skipped; annotator names keep every
//! letter or are refused; TUI options are offered only where they work.

mod common;

use common::cli::{assert_success, gloss};
use predicates::prelude::*;

const TEXT: &str = "First paragraph.\n\nSecond paragraph, with a claim.\n";

/// `bad\xff\xfe.txt` and `bad\xfe\xff.txt`: two documents whose names differ
/// only in bytes that are not UTF-8 (and so show the same, lossily).
#[cfg(unix)]
fn two_badly_named_documents(dir: &std::path::Path) -> [std::path::PathBuf; 2] {
    use std::os::unix::ffi::OsStrExt;
    let one = dir.join(std::ffi::OsStr::from_bytes(b"bad\xff\xfe.txt"));
    let two = dir.join(std::ffi::OsStr::from_bytes(b"bad\xfe\xff.txt"));
    std::fs::write(&one, TEXT).unwrap();
    std::fs::write(&two, TEXT.replace("claim", "second claim")).unwrap();
    [one, two]
}

/// A sidecar by `annotator` for `doc` with one claim by `by` on ¶2.
#[cfg(unix)]
fn tag(doc: &std::path::Path, annotator: &str, by: &str) -> std::path::PathBuf {
    use glossator::annotation::{Annotation, Tag};
    use glossator::document::Document;
    use glossator::document::anchor::Anchor;
    use glossator::sidecar::{Sidecar, sidecar_path};
    let d = Document::open(doc).unwrap();
    let mut s = Sidecar::new(&d, annotator);
    s.annotations.push(Annotation::new(
        Tag::Claim { by: by.into() },
        Anchor::whole(&d, 1),
    ));
    s.learn_names();
    let path = sidecar_path(doc, annotator);
    std::fs::write(&path, s.to_ron().unwrap()).unwrap();
    path
}

#[cfg(unix)]
#[test]
fn non_utf8_file_names_keep_their_own_sidecars() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let [one, two] = two_badly_named_documents(dir.path());
    let side_one = glossator::sidecar::sidecar_path(&one, "kim");
    let side_two = glossator::sidecar::sidecar_path(&two, "kim");
    assert_ne!(side_one, side_two, "two documents, one sidecar");
    assert_eq!(
        side_one.file_name().unwrap().as_bytes(),
        b"bad\xff\xfe.txt.kim.gloss.ron"
    );
    // Journals and locks beside the sidecar keep the bytes too.
    assert_ne!(
        glossator::sidecar::journal::beside(&side_one),
        glossator::sidecar::journal::beside(&side_two)
    );
    assert_ne!(
        glossator::sidecar::store::lock_path(&side_one),
        glossator::sidecar::store::lock_path(&side_two)
    );
    tag(&one, "kim", "Alpha");
    assert!(side_one.is_file());
    assert_eq!(
        glossator::sidecar::sidecars_of(&two),
        Vec::new(),
        "the other document has no sidecar"
    );
    assert_eq!(glossator::sidecar::sidecars_of(&one).len(), 1);
}

#[cfg(unix)]
#[test]
fn check_and_export_of_a_folder_include_non_utf8_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let [one, two] = two_badly_named_documents(dir.path());
    tag(&one, "kim", "Alpha");
    tag(&two, "kim", "Beta");
    let out = gloss().arg("check").arg(dir.path()).output().unwrap();
    assert_success(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.matches("1 annotation(s): 1 exact").count(),
        2,
        "{stdout}"
    );
    let out = gloss()
        .args(["export", "--format", "jsonl"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_success(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("\"by\":\"Alpha\""), "{stdout}");
    assert!(stdout.contains("\"by\":\"Beta\""), "{stdout}");
    // Named directly, each document finds its own sidecar only.
    let out = gloss()
        .args(["export", "--format", "jsonl"])
        .arg(&two)
        .output()
        .unwrap();
    assert_success(&out);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Beta") && !stdout.contains("Alpha"),
        "{stdout}"
    );
}

/// Both documents showed as `bad��.txt` in `check` and in every export's
/// `source`: a reader grouping excerpts by document merged the two.
#[cfg(unix)]
#[test]
fn non_utf8_file_names_stay_distinct_in_check_and_export_output() {
    let dir = tempfile::tempdir().unwrap();
    let [one, two] = two_badly_named_documents(dir.path());
    tag(&one, "kim", "Alpha");
    tag(&two, "kim", "Beta");
    let out = gloss().arg("check").arg(dir.path()).output().unwrap();
    assert_success(&out);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("bad[0xFF][0xFE].txt.kim.gloss.ron"),
        "{stdout}"
    );
    assert!(
        stdout.contains("bad[0xFE][0xFF].txt.kim.gloss.ron"),
        "{stdout}"
    );
    let out = gloss()
        .args(["export", "--format", "jsonl"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_success(&out);
    let sources: std::collections::BTreeSet<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["source"].to_string())
        .collect();
    assert_eq!(sources.len(), 2, "{sources:?}");
    assert!(
        sources.iter().all(|s| !s.contains('\u{FFFD}')),
        "{sources:?}"
    );
}

/// `--as ké` became `k` and `--as '!!!'` became `anonymous`: two people
/// could end up in one sidecar.
#[test]
fn annotator_names_keep_every_letter_or_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("memo.txt");
    std::fs::write(&doc, TEXT).unwrap();
    for bad in ["!!!", "k é", "a/b", "a.b", ""] {
        gloss()
            .args(["--as", bad])
            .arg(&doc)
            .assert()
            .code(2)
            .stderr(
                predicate::str::contains("cannot name a sidecar")
                    .or(predicate::str::contains("annotator name is empty")),
            );
        gloss()
            .args(["review", "--as", bad])
            .arg(&doc)
            .assert()
            .code(2);
    }
    // A name in any script is kept whole (the session then needs a terminal).
    gloss()
        .args(["--as", "ké"])
        .arg(&doc)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("needs a terminal"));
    assert!(
        glossator::sidecar::parse_sidecar_name("memo.txt.ké.gloss.ron") == Some(("memo.txt", "ké"))
    );
    // A config name that cannot be kept is refused, naming where it came from.
    let config = dir.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.ron"), "(annotator: \"kim lee\")").unwrap();
    gloss()
        .arg("--config-dir")
        .arg(&config)
        .arg(&doc)
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("\"kim lee\"").and(predicate::str::contains("config.ron")),
        );
}

#[test]
fn tui_options_are_offered_only_by_the_tuis() {
    let help = |args: &[&str]| {
        let out = gloss().args(args).output().unwrap();
        assert_success(&out);
        String::from_utf8(out.stdout).unwrap()
    };
    for command in ["export", "check", "agree", "merge-driver", "completions"] {
        let text = help(&[command, "--help"]);
        // (`--as <NAME>`, not `--as-format`, which every reading command takes)
        for option in ["--keymap", "--read-only", "--as <", "--config-dir"] {
            assert!(
                !text.contains(option),
                "{command} --help lists {option}:\n{text}"
            );
        }
    }
    for args in [&["--help"][..], &["review", "--help"]] {
        let text = help(args);
        // (`--as <NAME>`, not `--as-format`, which every reading command takes)
        for option in ["--keymap", "--read-only", "--as <", "--config-dir"] {
            assert!(text.contains(option), "{args:?} lacks {option}:\n{text}");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("memo.txt");
    std::fs::write(&doc, TEXT).unwrap();
    gloss()
        .args(["export", "--keymap", "emacs"])
        .arg(&doc)
        .assert()
        .code(2);
    // The TUI still takes them before the file.
    gloss()
        .args(["--keymap", "emacs", "--read-only", "--as", "kim"])
        .arg(&doc)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("needs a terminal"));
}

/// A file named like a sidecar whose annotator part cannot be read (not
/// UTF-8, or not a name) is reported, not skipped.
#[test]
fn files_named_like_sidecars_that_cannot_be_read_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let doc = dir.path().join("memo.txt");
    std::fs::write(&doc, TEXT).unwrap();
    let mut odd = vec![dir.path().join("memo.txt.a b.gloss.ron")];
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        odd.push(
            dir.path()
                .join(std::ffi::OsStr::from_bytes(b"memo.txt.k\xff.gloss.ron")),
        );
    }
    for path in &odd {
        std::fs::write(path, "(version: 1)").unwrap();
    }
    for command in ["check", "export"] {
        let out = gloss().arg(command).arg(dir.path()).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{command}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr.matches("not read: a sidecar is named").count(),
            odd.len(),
            "{stderr}"
        );
    }
}
