//! The project file `gloss.ron` through `gloss merge-driver` with real git:
//! two branches edit the codebook and document metadata and merge by actor
//! name, issue name and document path.

mod common;

use std::path::Path;

use common::cli::{assert_success, gloss};
use common::git::{git, install_driver, ok};

use glossator::project::{ActorEntry, IssueEntry, Project, Status};

fn load(dir: &Path) -> Project {
    Project::load(&dir.join("gloss.ron")).unwrap()
}

fn save(dir: &Path, p: &Project) {
    std::fs::write(dir.join("gloss.ron"), p.to_ron().unwrap()).unwrap();
}

/// A repository with a project file naming two actors, one issue and one
/// document, and the driver set up as the README says.
fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    ok(git(dir, &["init", "-q", "-b", "main"]));
    install_driver(dir, "*.gloss.ron merge=gloss\ngloss.ron merge=gloss\n");
    let mut p = Project::new();
    p.actors.push(ActorEntry::new("Pak Chang-ok"));
    p.actors.push(ActorEntry::new("Nam Il"));
    p.issues.push(IssueEntry::new("personality cult"));
    p.document_mut("memo.txt").meta.title = Some("Memorandum".into());
    save(dir, &p);
    ok(git(dir, &["add", "-A"]));
    ok(git(dir, &["commit", "-q", "-m", "start"]));
    tmp
}

#[test]
fn diverging_project_files_merge_by_name_and_path() {
    let tmp = repo();
    let dir = tmp.path();
    ok(git(dir, &["checkout", "-q", "-b", "other"]));
    let mut p = load(dir);
    p.actor_mut("Pak Chang-ok")
        .unwrap()
        .aliases
        .push("Pak Chang Ok".into());
    p.issues.push(IssueEntry::new("aid"));
    p.document_mut("memo.txt").status = Some(Status::Done);
    save(dir, &p);
    ok(git(
        dir,
        &["commit", "-q", "-am", "other: alias, issue, status"],
    ));
    ok(git(dir, &["checkout", "-q", "main"]));
    let mut p = load(dir);
    p.actor_mut("Pak Chang-ok")
        .unwrap()
        .aliases
        .push("Pak".into());
    let mut choe = ActorEntry::new("Choe Chang-ik");
    choe.attributes.insert("faction".into(), "Yan'an".into());
    p.actors.push(choe);
    p.document_mut("memo.txt").meta.date = Some("1956-07-24".parse().unwrap());
    p.document_mut("cable.txt").meta.title = Some("Cable".into());
    save(dir, &p);
    ok(git(
        dir,
        &["commit", "-q", "-am", "main: alias, actor, date"],
    ));
    ok(git(dir, &["merge", "-q", "--no-edit", "other"]));
    let merged = load(dir);
    assert_eq!(
        merged.actor("Pak Chang-ok").unwrap().aliases,
        vec!["Pak", "Pak Chang Ok"]
    );
    assert_eq!(
        merged.actor("Choe Chang-ik").unwrap().attributes["faction"],
        "Yan'an"
    );
    assert_eq!(merged.issue_names(), vec!["aid", "personality cult"]);
    let memo = &merged.documents["memo.txt"];
    assert_eq!(memo.status, Some(Status::Done));
    assert_eq!(memo.meta.date.as_ref().unwrap().as_str(), "1956-07-24");
    assert_eq!(memo.meta.title.as_deref(), Some("Memorandum"));
    assert!(merged.documents.contains_key("cable.txt"));
    // The merged file is what glossator itself writes.
    assert_eq!(
        std::fs::read_to_string(dir.join("gloss.ron")).unwrap(),
        merged.to_ron().unwrap()
    );
}

#[test]
fn the_same_value_changed_on_both_sides_keeps_ours_notes_theirs_and_fails() {
    let tmp = repo();
    let dir = tmp.path();
    ok(git(dir, &["checkout", "-q", "-b", "other"]));
    let mut p = load(dir);
    p.document_mut("memo.txt").meta.title = Some("Record of a conversation".into());
    save(dir, &p);
    ok(git(dir, &["commit", "-q", "-am", "other title"]));
    ok(git(dir, &["checkout", "-q", "main"]));
    let mut p = load(dir);
    p.document_mut("memo.txt").meta.title = Some("Memorandum of conversation".into());
    save(dir, &p);
    ok(git(dir, &["commit", "-q", "-am", "main title"]));
    let out = git(dir, &["merge", "--no-edit", "other"]);
    assert!(!out.status.success(), "a real conflict must stop the merge");
    let text = std::fs::read_to_string(dir.join("gloss.ron")).unwrap();
    assert!(!text.contains("<<<<<<<"), "no line-based markers: {text}");
    assert!(
        text.contains("// CONFLICT (gloss merge): document \"memo.txt\": title changed on both sides (ours kept; theirs was \"Record of a conversation\")"),
        "{text}"
    );
    let merged = load(dir);
    assert_eq!(
        merged.documents["memo.txt"].meta.title.as_deref(),
        Some("Memorandum of conversation")
    );
    let status = ok(git(dir, &["status", "--porcelain"]));
    assert!(status.contains("UU gloss.ron"), "{status}");
}

#[test]
fn without_a_repository_path_the_driver_tells_a_project_file_by_content() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let mut base = Project::new();
    base.actors.push(ActorEntry::new("Nam Il"));
    let mut ours = base.clone();
    ours.issues.push(IssueEntry::new("aid"));
    let mut theirs = base.clone();
    theirs
        .actor_mut("Nam Il")
        .unwrap()
        .aliases
        .push("Nam-il".into());
    for (name, p) in [("o.ron", &base), ("a.ron", &ours), ("b.ron", &theirs)] {
        std::fs::write(dir.join(name), p.to_ron().unwrap()).unwrap();
    }
    let out = gloss()
        .args(["merge-driver", "o.ron", "a.ron", "b.ron"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert_success(&out);
    let merged = Project::load(&dir.join("a.ron")).unwrap();
    assert_eq!(merged.issue_names(), vec!["aid"]);
    assert_eq!(merged.actor("Nam Il").unwrap().aliases, vec!["Nam-il"]);
}
