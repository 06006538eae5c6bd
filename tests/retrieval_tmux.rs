//! The retrieval screens in a real terminal (`gloss DIR`, tmux): `r` lists
//! every annotation of the archive, a filter by an actor's alias lists that
//! actor's positions across documents in date order, `m` shows them in the
//! stance matrix, Enter opens a statement's paragraph and `q` comes back.

mod common;

use std::path::Path;

use common::tmux::Setup;
use glossator::annotation::{Annotation, Stance, Tag};
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::project::{ActorEntry, Project};
use glossator::sidecar::Sidecar;

const TMUX: Setup = Setup::plain("gloss-retrieval");

fn position(actor: &str, stance: Stance, issue: &str) -> Tag {
    Tag::Position {
        actor: actor.into(),
        stance,
        issue: issue.into(),
    }
}

/// A memo: its path, date, text, and each annotator's tags by paragraph.
type Memo = (
    &'static str,
    Option<&'static str>,
    &'static str,
    Vec<(&'static str, usize, Tag)>,
);

/// Three memos (one undated) tagged by two annotators; the codebook knows
/// "Minister Nam" as Nam Il.
fn archive(root: &Path) {
    let memos: [Memo; 3] = [
        (
            "1956/second.txt",
            Some("1956-08-30"),
            "Second memo.\n\nNam Il rejected the aid plan.\n\nPak Chang-ok spoke for it.\n",
            vec![
                ("kim", 1, position("Nam Il", Stance::Oppose, "aid")),
                ("kim", 2, position("Pak Chang-ok", Stance::Support, "aid")),
                ("lee", 1, position("Minister Nam", Stance::Oppose, "aid")),
            ],
        ),
        (
            "1956/first.txt",
            Some("1956-07-24"),
            "First memo.\n\nNam Il welcomed the aid offer.\n\nThe embassy reported on grain.\n",
            vec![
                ("kim", 1, position("Nam Il", Stance::Support, "aid")),
                (
                    "lee",
                    2,
                    Tag::Claim {
                        by: "the embassy".into(),
                    },
                ),
            ],
        ),
        (
            "undated.txt",
            None,
            "No date here.\n\nNam Il said nothing on aid.\n",
            vec![("kim", 1, position("Nam Il", Stance::Neutral, "aid"))],
        ),
    ];
    let mut project = Project::new();
    let mut nam = ActorEntry::new("Nam Il");
    nam.aliases = vec!["Minister Nam".into()];
    project.actors.push(nam);
    for (i, (path, date, text, tags)) in memos.into_iter().enumerate() {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, text).unwrap();
        if let Some(date) = date {
            project.document_mut(path).meta.date = Some(date.parse().unwrap());
        }
        let doc = Document::open(&file).unwrap();
        for annotator in ["kim", "lee"] {
            let mut sidecar = Sidecar::new(&doc, annotator);
            for (n, (who, p, tag)) in tags.iter().enumerate() {
                if *who == annotator {
                    let mut a = Annotation::created_at(
                        tag.clone(),
                        Anchor::whole(&doc, *p),
                        format!("2026-01-0{}T00:00:0{n}Z", i + 1),
                    );
                    a.id = format!("{annotator}-{i}-{n}");
                    sidecar.annotations.push(a);
                }
            }
            let side = root.join(format!("{path}.{annotator}.gloss.ron"));
            std::fs::write(side, sidecar.to_ron().unwrap()).unwrap();
        }
    }
    std::fs::write(root.join("gloss.ron"), project.to_ron().unwrap()).unwrap();
}

#[test]
fn an_actor_filter_lists_their_positions_in_date_order_and_the_matrix_shows_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("archive");
    archive(&root);
    let t = TMUX.start(dir.path(), "--as kim archive");
    t.wait_for("3 documents");
    t.keys(&["r"]);
    t.wait_for("6 of 6");
    t.keys(&["/", "actor:Minister Nam kind:position", "Enter"]);
    let list = t.wait_for("4 of 6");
    // Nam Il's positions, across documents, in date order (undated last).
    let rows: Vec<&str> = list.lines().filter(|l| l.contains("Nam Il")).collect();
    assert_eq!(rows.len(), 4, "{list}");
    for (row, (date, document, stance)) in rows.iter().zip([
        ("1956-07-24", "first.txt", "sup"),
        ("1956-08-30", "second.txt", "opp"),
        ("1956-08-30", "second.txt", "opp"),
        ("undated", "undated.txt", "neu"),
    ]) {
        assert!(
            row.contains(date) && row.contains(document) && row.contains(stance),
            "{row:?} in\n{list}"
        );
    }
    assert!(
        list.contains("gloss export --kind position --actor \"Minister Nam\""),
        "{list}"
    );
    // The stance matrix: Nam Il's support, oppose and neutral counts on aid.
    t.keys(&["m"]);
    let matrix = t.wait_for("actor╲issue");
    let nam = matrix
        .lines()
        .find(|l| l.starts_with("Nam Il"))
        .unwrap_or_else(|| panic!("no Nam Il row in\n{matrix}"));
    let counts: Vec<&str> = nam.split_whitespace().skip(2).collect();
    assert_eq!(counts, ["1", "2", "1"], "{matrix}");
    assert!(
        !matrix.contains("Pak Chang-ok"),
        "the filter holds: {matrix}"
    );
    // Enter on a statement opens its paragraph; q comes back to the list.
    t.keys(&["r", "Enter"]);
    t.wait_for("¶2/3");
    t.keys(&["q"]);
    t.wait_for("4 of 6");
    t.keys(&["q"]);
    t.wait_for("3 documents");
    t.keys(&["q"]);
    t.wait_exit();
}
