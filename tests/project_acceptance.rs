//! Issue #10's "Done when", replayed without a terminal in a temp folder of
//! our own documents: `gloss init` creates `gloss.ron`; an alias in the
//! codebook makes a colleague's spelling the same actor for `agree` and
//! `export --actor` (also by a unique prefix; an ambiguous one is exit 2);
//! `gloss meta` gives the memorandum's title, date, archival citation and
//! translator; md cites each excerpt; csv has `doc_date`; paragraphs shared by
//! three documents of one archive site are boilerplate, left out of `agree`'s
//! units and of exports (the TUI's too); csl passes the CSL-JSON schema, gexf
//! the GEXF 1.3 XSD (one node per actor, whatever its spelling), dna has
//! DNA's header. The TUI parts (codebook view, dimming) are in
//! `codebook_tmux.rs`, `codebook_tui.rs` and `project_boilerplate.rs`.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use glossator::annotation::{Actor, Annotation, Stance, Tag};
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::project::Project;
use glossator::project::codebook::Change;
use glossator::sidecar::{Sidecar, sidecar_path};
use serde_json::Value;

/// A memorandum as an archive's web page gives it (our own text, shaped like
/// the Wilson Center's): site furniture, a date line, a title, "From the
/// diary of", a `Name [Variant]` pair, and a "Document Information" block.
const MEMO: &str = "Skip to content

July 24, 1956

Memorandum of Conversation with Minister of Foreign Affairs of the DPRK, Nam Il

Top Secret

From the diary of
Charge d' Affairs ad interim
Petrov A.M.

Nam Il said that Pak Chang-ok [Pak Chang Ok] had visited him at his apartment.

Pak told Nam Il that several functionaries would criticise Kim Il Sung at the plenum.

Nam Il thought such criticism would be improper.

Document Information

RGANI, Fond 5, Opis 28, Delo 410, Listy 301-303. Obtained and translated for NKIDP by James F. Person.

The Program welcomes reuse of Archive materials for research and educational purposes; rights holders keep their copyright.

Record ID
";

const SECOND: &str = "Telegram from Pyongyang

August 2, 1956

Pak Chang Ok said again that criticism of Kim Il Sung was necessary.
";

/// A page of the same archive site: the memo's furniture around new text.
fn site_page(n: usize) -> String {
    format!(
        "Skip to content\n\nTelegram number {n} from Pyongyang\n\nAugust {n}, 1956\n\nThe delegation met on day {n}.\n\nThe Program welcomes reuse of Archive materials for research and educational purposes; rights holders keep their copyright.\n\nRecord ID\n"
    )
}

const DNA_HEADER: &str = "\"statement_id\";\"time\";\"person\";\"organization\";\"concept\";\"agreement\";\"start_position\";\"stop_position\";\"text\";\"coder\";\"document_id\";\"document_title\";\"document_author\";\"document_source\";\"document_section\";\"document_type\"";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn gloss(dir: &Path) -> Command {
    let mut cmd = common::cli::gloss();
    cmd.current_dir(dir)
        .env("GLOSS_CONFIG_DIR", "/nonexistent-gloss-config");
    cmd
}

fn run(dir: &Path, args: &[&str]) -> String {
    let out = gloss(dir).args(args).output().unwrap();
    common::cli::assert_success(&out);
    String::from_utf8(out.stdout).unwrap()
}

/// Write `annotator`'s sidecar of `path`: whole paragraphs (0-based) and tags.
fn tag(path: &Path, annotator: &str, tags: Vec<(usize, Tag)>) {
    let doc = Document::open(path).unwrap();
    doc.wait_complete();
    let mut sidecar = Sidecar::new(&doc, annotator);
    for (index, tag) in tags {
        for name in tag.actors() {
            if !sidecar.actors.iter().any(|a| a.name == name) {
                sidecar.actors.push(Actor {
                    name: name.to_string(),
                    aliases: Vec::new(),
                });
            }
        }
        sidecar.annotations.push(Annotation::created_at(
            tag,
            Anchor::whole(&doc, index),
            "2026-11-30T06:00:00Z".into(),
        ));
    }
    std::fs::write(sidecar_path(path, annotator), sidecar.to_ron().unwrap()).unwrap();
}

fn supports(actor: &str, issue: &str) -> Tag {
    Tag::Position {
        actor: actor.into(),
        stance: Stance::Support,
        issue: issue.into(),
    }
}

/// The memo's "Pak told Nam Il …" paragraph (0-based).
const PAK: usize = 6;

/// The folder: the memo and the telegram, tagged by ana and ben, who spell
/// Pak Chang-ok differently; no project file yet.
fn folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo.txt");
    std::fs::write(&memo, MEMO).unwrap();
    std::fs::write(dir.path().join("telegram.txt"), SECOND).unwrap();
    tag(
        &memo,
        "ana",
        vec![
            (0, Tag::Claim { by: "Site".into() }),
            (PAK, supports("Pak Chang-ok", "criticism of Kim Il Sung")),
        ],
    );
    tag(
        &memo,
        "ben",
        vec![(PAK, supports("Pak Chang Ok", "criticism of Kim Il Sung"))],
    );
    dir
}

/// Apply codebook changes to the folder's `gloss.ron`, as the codebook view does.
fn change_codebook(dir: &Path, changes: &[Change]) {
    let file = dir.join("gloss.ron");
    let mut project = Project::load(&file).unwrap();
    for change in changes {
        project.apply(change).unwrap();
    }
    std::fs::write(&file, project.to_ron().unwrap()).unwrap();
}

fn merge_pak(dir: &Path) {
    change_codebook(
        dir,
        &[Change::MergeActors {
            from: "Pak Chang Ok".into(),
            into: "Pak Chang-ok".into(),
        }],
    );
}

fn csv_rows(text: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(Result::unwrap)
        .collect()
}

/// (annotator, actor) of each row of a csv export.
fn who(dir: &Path, args: &[&str]) -> Vec<(String, String)> {
    let mut all = vec!["export", "-f", "csv"];
    all.extend_from_slice(args);
    all.push("memo.txt");
    csv_rows(&run(dir, &all))
        .iter()
        .map(|r| (r[1].to_string(), r[6].to_string()))
        .collect()
}

#[test]
fn init_creates_the_project_file_seeded_from_the_sidecars() {
    let dir = folder();
    run(dir.path(), &["init"]);
    let project = Project::load(&dir.path().join("gloss.ron")).unwrap();
    assert!(project.actor("Pak Chang-ok").is_some());
    assert!(project.actor("Pak Chang Ok").is_some());
    assert_eq!(project.issue_names(), ["criticism of Kim Il Sung"]);
}

/// Issue #10 item 2: `agree` and `export --actor` must resolve names through
/// the project's codebook too, not only the sidecars' registries (the alias
/// lives only in `gloss.ron` here).
#[test]
fn an_alias_in_the_codebook_alone_makes_one_actor_for_agree_and_export() {
    let dir = folder();
    run(dir.path(), &["init"]);
    let agree = run(dir.path(), &["agree", "memo.txt"]);
    assert!(agree.contains("stance (0 units)"), "{agree}");
    assert_eq!(who(dir.path(), &["--actor", "Pak Chang-ok"]).len(), 1);

    merge_pak(dir.path());
    let agree = run(dir.path(), &["agree", "memo.txt"]);
    assert!(agree.contains("stance (1 unit)"), "{agree}");
    let both = vec![
        ("ana".to_string(), "Pak Chang-ok".to_string()),
        ("ben".to_string(), "Pak Chang-ok".to_string()),
    ];
    for query in [
        "Pak Chang-ok",
        "Pak Chang Ok",
        "pak",
        "PAK-CHANG OK",
        "pakchang",
    ] {
        assert_eq!(
            who(dir.path(), &["--actor", query]),
            both,
            "--actor {query}"
        );
    }
    // Nobody's name starts so: nothing, and no error.
    assert!(who(dir.path(), &["--actor", "Petrov"]).is_empty());
}

/// Issue #10 item 2: an ambiguous `--actor` is a usage error listing the
/// candidates.
#[test]
fn an_ambiguous_actor_prefix_is_exit_2_listing_the_candidates() {
    let dir = folder();
    run(dir.path(), &["init"]);
    merge_pak(dir.path());
    let mut project = Project::load(&dir.path().join("gloss.ron")).unwrap();
    project
        .actors
        .push(glossator::project::ActorEntry::new("Pak Hon-yong"));
    std::fs::write(dir.path().join("gloss.ron"), project.to_ron().unwrap()).unwrap();
    let out = gloss(dir.path())
        .args(["export", "--actor", "pak", "memo.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"pak\" is ambiguous: Pak Chang-ok, Pak Hon-yong"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    assert_eq!(who(dir.path(), &["--actor", "pak c"]).len(), 2);
}

/// Issue #10 item 3: an issue renamed in the codebook keeps its old name as
/// an alias, and `--issue` finds colleagues' positions filed under it.
#[test]
fn export_issue_finds_positions_under_a_renamed_issues_old_name() {
    let dir = folder();
    run(dir.path(), &["init"]);
    change_codebook(
        dir.path(),
        &[Change::RenameIssue {
            from: "criticism of Kim Il Sung".into(),
            to: "the August plenum".into(),
        }],
    );
    assert_eq!(who(dir.path(), &["--issue", "august"]).len(), 2);
    assert_eq!(who(dir.path(), &["--issue", "criticism"]).len(), 2);
    assert!(who(dir.path(), &["--issue", "aid"]).is_empty());
}

#[test]
fn meta_md_and_csv_give_the_memorandums_citation() {
    let dir = folder();
    run(dir.path(), &["init"]);
    let meta: Value =
        serde_json::from_str(&run(dir.path(), &["meta", "--format", "json", "memo.txt"])).unwrap();
    let m = &meta[0]["meta"];
    assert_eq!(
        m["title"],
        "Memorandum of Conversation with Minister of Foreign Affairs of the DPRK, Nam Il"
    );
    assert_eq!(m["date"], "1956-07-24");
    assert_eq!(
        m["citation"],
        "RGANI, Fond 5, Opis 28, Delo 410, Listy 301-303"
    );
    assert_eq!(m["translator"], "James F. Person");

    let md = run(dir.path(), &["export", "-f", "md", "memo.txt"]);
    let notes: Vec<&str> = md.lines().filter(|l| l.starts_with("[^")).collect();
    assert_eq!(notes.len(), 3, "one footnote per excerpt:\n{md}");
    for note in notes {
        assert!(
            note.contains("July 24, 1956, RGANI, Fond 5, Opis 28, Delo 410, Listy 301-303, trans. James F. Person, ¶ "),
            "{note}"
        );
    }

    let csv = run(dir.path(), &["export", "-f", "csv", "memo.txt"]);
    let rows = csv_rows(&csv);
    let header = csv::Reader::from_reader(csv.as_bytes())
        .headers()
        .unwrap()
        .clone();
    let date = header.iter().position(|h| h == "doc_date").unwrap();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| &r[date] == "1956-07-24"));
}

/// Three pages of one archive site: their shared paragraphs are boilerplate,
/// left out of `agree`'s units and of exports, by the CLI and by the TUI's
/// export (issue #10: the TUI's `x` exported them).
#[test]
fn paragraphs_shared_by_three_documents_are_boilerplate_everywhere() {
    let dir = folder();
    run(dir.path(), &["init"]);
    let before = run(dir.path(), &["agree", "memo.txt"]);
    assert!(before.contains("— ana, ben — 12 paragraphs"), "{before}");
    for n in 1..=2 {
        std::fs::write(dir.path().join(format!("page{n}.txt")), site_page(n)).unwrap();
    }
    let meta: Value =
        serde_json::from_str(&run(dir.path(), &["meta", "--format", "json", "memo.txt"])).unwrap();
    // Skip to content, the copyright notice and "Record ID" (1-based).
    assert_eq!(meta[0]["boilerplate"], serde_json::json!([1, 11, 12]));
    let after = run(dir.path(), &["agree", "memo.txt"]);
    assert!(
        after.contains("(3 boilerplate paragraph(s) left out) — ana, ben — 9 paragraphs"),
        "{after}"
    );
    // ana's claim on "Skip to content" is not exported unless asked.
    assert_eq!(who(dir.path(), &["--annotator", "ana"]).len(), 1);
    assert_eq!(
        who(dir.path(), &["--annotator", "ana", "--include-boilerplate"]).len(),
        2
    );

    let memo = dir.path().join("memo.txt");
    let doc = Document::open(&memo).unwrap();
    doc.wait_complete();
    let sidecar = Sidecar::load(&sidecar_path(&memo, "ana")).unwrap();
    let written =
        glossator::export::beside::export_beside(&doc, &sidecar, glossator::export::Format::Csv)
            .unwrap();
    assert_eq!((written.excerpts, written.on_boilerplate), (1, 1));
    let rows = csv_rows(&std::fs::read_to_string(&written.path).unwrap());
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][2], "7", "the paragraph that is not furniture");
}

/// csl passes the published CSL-JSON schema; gexf the GEXF 1.3 XSD, with one
/// node for both spellings of Pak Chang-ok (issue #10: the network formats
/// made a node per spelling); dna starts with DNA's own header.
#[test]
fn csl_gexf_and_dna_are_what_their_tools_read() {
    let dir = folder();
    run(dir.path(), &["init"]);
    merge_pak(dir.path());

    let items: Value =
        serde_json::from_str(&run(dir.path(), &["export", "-f", "csl", "memo.txt"])).unwrap();
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("tests/data/csl-json/csl-data.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft7)
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&items)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        items[0]["archive_location"],
        "RGANI, Fond 5, Opis 28, Delo 410, Listy 301-303"
    );

    let gexf = run(dir.path(), &["export", "-f", "gexf", "memo.txt"]);
    let file = dir.path().join("net.gexf");
    std::fs::write(&file, &gexf).unwrap();
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(root().join("tests/data/gexf/gexf.xsd"))
        .arg(&file)
        .output()
        .expect("xmllint is needed: apt-get install libxml2-utils");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(gexf.matches("label=\"Pak Chang").count(), 1, "{gexf}");

    let dna = run(dir.path(), &["export", "-f", "dna", "memo.txt"]);
    assert_eq!(dna.lines().next(), Some(DNA_HEADER));
    assert_eq!(dna.matches(";\"Pak Chang-ok\";").count(), 2, "{dna}");
}
