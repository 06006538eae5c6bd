//! `gloss merge-driver` with real git in a temporary repository: two branches
//! annotate the same document as the same annotator and merge through the
//! driver; and direct calls for the conflict cases.

mod common;

use std::path::{Path, PathBuf};

use common::cli::gloss;
use common::git::{git, install_driver, ok};
use glossator::annotation::{Annotation, Tag};
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::sidecar::Sidecar;

const MEMO: &str = "Han said the bottleneck was at Sinuiju.\n\nRi added that locomotives were needed.\n\nI advised Han to prepare the request.\n\nKim opposed any credit.\n";

fn doc(dir: &Path) -> Document {
    Document::open(&dir.join("memo.txt")).unwrap()
}

fn sidecar_file(dir: &Path) -> PathBuf {
    dir.join("memo.txt.kim.gloss.ron")
}

fn load(dir: &Path) -> Sidecar {
    Sidecar::load(&sidecar_file(dir)).unwrap()
}

fn save(dir: &Path, s: &Sidecar) {
    std::fs::write(sidecar_file(dir), s.to_ron().unwrap()).unwrap();
}

fn add(dir: &Path, s: &mut Sidecar, paragraph: usize, by: &str) -> String {
    let a = Annotation::new(
        Tag::Claim { by: by.into() },
        Anchor::whole(&doc(dir), paragraph),
    );
    let id = a.id.clone();
    s.annotations.push(a);
    s.learn_names();
    id
}

/// A repository with the memo and kim's sidecar holding one claim on ¶1.
fn repo(with_driver: bool) -> (tempfile::TempDir, String) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(git(dir, &["init", "-q", "-b", "main"]));
    std::fs::write(dir.join("memo.txt"), MEMO).unwrap();
    if with_driver {
        install_driver(dir, "*.gloss.ron merge=gloss\n");
    }
    let mut s = Sidecar::new(&doc(dir), "kim");
    let first = add(dir, &mut s, 0, "Han");
    save(dir, &s);
    ok(git(dir, &["add", "-A"]));
    ok(git(dir, &["commit", "-q", "-m", "start"]));
    (tmp, first)
}

#[test]
fn diverging_branches_merge_cleanly_through_the_driver() {
    let (tmp, first) = repo(true);
    let dir = tmp.path();
    ok(git(dir, &["checkout", "-q", "-b", "other"]));
    let mut s = load(dir);
    let theirs = add(dir, &mut s, 1, "Ri");
    // And an edit of the shared annotation on this side only.
    if let Some(a) = s.annotations.iter_mut().find(|a| a.id == first) {
        a.note = Some("from the other branch".into());
    }
    save(dir, &s);
    ok(git(dir, &["commit", "-q", "-am", "other: Ri on ¶2"]));
    ok(git(dir, &["checkout", "-q", "main"]));
    let mut s = load(dir);
    let ours = add(dir, &mut s, 1, "Orlov");
    let ours2 = add(dir, &mut s, 2, "Orlov");
    save(dir, &s);
    ok(git(dir, &["commit", "-q", "-am", "main: Orlov on ¶2, ¶3"]));
    ok(git(dir, &["merge", "-q", "--no-edit", "other"]));
    let merged = load(dir);
    let ids: Vec<&str> = merged.annotations.iter().map(|a| a.id.as_str()).collect();
    for id in [&first, &theirs, &ours, &ours2] {
        assert!(ids.contains(&id.as_str()), "{id} missing from {ids:?}");
    }
    assert_eq!(merged.annotations.len(), 4);
    let shared = merged.annotations.iter().find(|a| a.id == first).unwrap();
    assert_eq!(shared.note.as_deref(), Some("from the other branch"));
    // The merged file is what glossator itself writes, and checks cleanly.
    assert_eq!(
        std::fs::read_to_string(sidecar_file(dir)).unwrap(),
        merged.to_ron().unwrap()
    );
    gloss()
        .arg("check")
        .arg(dir.join("memo.txt"))
        .assert()
        .success();
}

#[test]
fn without_the_driver_git_conflicts_on_the_same_change() {
    // Why the driver exists: the same two branches conflict line by line.
    let (tmp, _) = repo(false);
    let dir = tmp.path();
    ok(git(dir, &["checkout", "-q", "-b", "other"]));
    let mut s = load(dir);
    add(dir, &mut s, 1, "Ri");
    save(dir, &s);
    ok(git(dir, &["commit", "-q", "-am", "other"]));
    ok(git(dir, &["checkout", "-q", "main"]));
    let mut s = load(dir);
    add(dir, &mut s, 1, "Orlov");
    save(dir, &s);
    ok(git(dir, &["commit", "-q", "-am", "main"]));
    let out = git(dir, &["merge", "-q", "--no-edit", "other"]);
    assert!(
        !out.status.success(),
        "a textual merge should conflict here"
    );
    assert!(Sidecar::load(&sidecar_file(dir)).is_err());
}

#[test]
fn the_same_annotation_edited_on_both_sides_keeps_both_and_fails() {
    let (tmp, first) = repo(true);
    let dir = tmp.path();
    ok(git(dir, &["checkout", "-q", "-b", "other"]));
    let mut s = load(dir);
    s.annotations[0].tag = Tag::Claim {
        by: "Ri Myong-suk".into(),
    };
    save(dir, &s);
    ok(git(dir, &["commit", "-q", "-am", "other edit"]));
    ok(git(dir, &["checkout", "-q", "main"]));
    let mut s = load(dir);
    s.annotations[0].tag = Tag::Claim {
        by: "Han Tae-jun".into(),
    };
    save(dir, &s);
    ok(git(dir, &["commit", "-q", "-am", "main edit"]));
    let out = git(dir, &["merge", "--no-edit", "other"]);
    assert!(!out.status.success(), "a real conflict must stop the merge");
    let text = std::fs::read_to_string(sidecar_file(dir)).unwrap();
    assert!(text.contains("// CONFLICT (gloss merge)"), "{text}");
    assert!(!text.contains("<<<<<<<"), "no line-based markers");
    // Still a valid sidecar: both versions, ours under the original id.
    let merged = Sidecar::load(&sidecar_file(dir)).unwrap();
    assert_eq!(merged.annotations.len(), 2);
    let ours = merged.annotations.iter().find(|a| a.id == first).unwrap();
    assert_eq!(
        ours.tag,
        Tag::Claim {
            by: "Han Tae-jun".into()
        }
    );
    let theirs = merged
        .annotations
        .iter()
        .find(|a| a.id == format!("{first}~1"))
        .unwrap();
    assert_eq!(
        theirs.tag,
        Tag::Claim {
            by: "Ri Myong-suk".into()
        }
    );
    let status = ok(git(dir, &["status", "--porcelain"]));
    assert!(status.contains("UU memo.txt.kim.gloss.ron"), "{status}");
    // `gloss check` fails until one version is deleted.
    let check = gloss()
        .arg("check")
        .arg(dir.join("memo.txt"))
        .output()
        .unwrap();
    assert_eq!(check.status.code(), Some(1));
    let err = String::from_utf8_lossy(&check.stderr);
    assert!(
        err.contains(&format!(
            "unsettled merge conflict: {first} and {first}~1 are two versions"
        )),
        "{err}"
    );
    let mut settled = merged.clone();
    settled.annotations.retain(|a| a.id != first);
    save(dir, &settled);
    let check = gloss()
        .arg("check")
        .arg(dir.join("memo.txt"))
        .output()
        .unwrap();
    assert!(check.status.success(), "{check:?}");
}

#[test]
fn direct_calls_add_add_and_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("memo.txt"), MEMO).unwrap();
    // No common ancestor (git passes an empty file): both additions kept.
    let base = dir.join("base");
    std::fs::write(&base, "").unwrap();
    let mut ours = Sidecar::new(&doc(dir), "kim");
    add(dir, &mut ours, 0, "Han");
    let mut theirs = Sidecar::new(&doc(dir), "kim");
    add(dir, &mut theirs, 3, "Kim");
    let (o, t) = (dir.join("ours"), dir.join("theirs"));
    std::fs::write(&o, ours.to_ron().unwrap()).unwrap();
    std::fs::write(&t, theirs.to_ron().unwrap()).unwrap();
    gloss()
        .arg("merge-driver")
        .args([&base, &o, &t])
        .assert()
        .success();
    let merged = Sidecar::load(&o).unwrap();
    assert_eq!(merged.annotations.len(), 2);
    // A side that does not parse: exit 1, naming the file, OURS untouched.
    std::fs::write(&t, "(version: 1,\n  broken").unwrap();
    let before = std::fs::read(&o).unwrap();
    gloss()
        .arg("merge-driver")
        .args([&base, &o, &t])
        .arg("memo.txt.kim.gloss.ron")
        .assert()
        .code(1)
        .stderr(predicates::str::contains("theirs:2:"));
    assert_eq!(std::fs::read(&o).unwrap(), before);
}

/// Issue #9 item 3: keyed by id, the second of two annotations with one id
/// (a hand edit on their branch) was dropped by the merge.
#[test]
fn a_duplicate_id_on_one_side_is_kept_under_a_fresh_id() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(dir.join("memo.txt"), MEMO).unwrap();
    let mut base = Sidecar::new(&doc(dir), "kim");
    let first = add(dir, &mut base, 0, "Han");
    let mut ours = base.clone();
    add(dir, &mut ours, 1, "Ri");
    let mut theirs = base.clone();
    let mut copy = theirs.annotations[0].clone();
    copy.tag = Tag::Claim { by: "Kim".into() };
    copy.anchor = Anchor::whole(&doc(dir), 3);
    theirs.annotations.push(copy);
    let (b, o, t) = (dir.join("base"), dir.join("ours"), dir.join("theirs"));
    for (path, s) in [(&b, &base), (&o, &ours), (&t, &theirs)] {
        std::fs::write(path, s.to_ron().unwrap()).unwrap();
    }
    gloss()
        .arg("merge-driver")
        .args([&b, &o, &t])
        .assert()
        .success();
    let merged = Sidecar::load(&o).unwrap();
    let mut by: Vec<(String, String)> = merged
        .annotations
        .iter()
        .map(|a| (a.tag.primary_actor().to_string(), a.id.clone()))
        .collect();
    by.sort();
    assert_eq!(by.len(), 3, "{by:?}");
    assert_eq!(by[0], ("Han".to_string(), first.clone()));
    assert_eq!(by[1], ("Kim".to_string(), format!("{first}-dup2")));
    assert_eq!(by[2].0, "Ri");
}
