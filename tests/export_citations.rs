//! Citable exports and dated networks, end to end: two memoranda of our own
//! in a project folder whose `gloss.ron` stores part of their metadata (the
//! rest is detected from the text). md/html cite each document and excerpt;
//! csv/json/jsonl/statements carry `doc_*` fields; csl passes the CSL-JSON
//! schema; ris reads back; dna has DNA's own header and quoting; gexf passes
//! the GEXF 1.3 XSD; qdpx holds the metadata as variables and still passes
//! the REFI-QDA schema.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use glossator::annotation::{Annotation, Stance, Tag};
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::sidecar::{Sidecar, sidecar_path};
use serde_json::Value;

const MEMO: &str = "Record of a Conversation with Nam Il\n\nJuly 24, 1956\n\nPak Chang-ok told Nam Il that a group of leading functionaries\nwere prepared to speak out at the coming plenum.\n\nNam Il thought that serious criticism of Kim Il Sung\nwould be improper. He said so twice.\n";

const TELEGRAM: &str =
    "Telegram\n\nKim Il Sung asked again for aid; Pak Chang-ok spoke against \"more aid\".\n";

const PROJECT: &str = r#"(
    version: 1,
    actors: [
        (name: "Pak Chang-ok", aliases: ["Pak Chang Ok"], attributes: {"faction": "Soviet Korean"}),
    ],
    documents: {
        "memo-1956-07-24.txt": (
            meta: (
                citation: "RGANI, Fond 5, Opis 28, Delo 410, Listy 301-303",
                translator: "Gary Goldberg",
                collection: "Wilson Center Digital Archive",
                record_id: "120190",
                url: "https://digitalarchive.wilsoncenter.org/document/120190",
                memo: "Ivanov's journal; the August plenum foreshadowed.",
            ),
        ),
        "box/telegram.txt": (
            meta: (
                title: "Telegram from Pyongyang",
                date: "1956-08",
            ),
        ),
    },
)
"#;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn gloss(dir: &Path) -> Command {
    let mut cmd = common::cli::gloss();
    cmd.current_dir(dir)
        .env("GLOSS_CONFIG_DIR", "/nonexistent-gloss-config");
    cmd
}

/// Byte range of `needle` in paragraph `index` of `doc`.
fn range_in(doc: &Document, index: usize, needle: &str) -> (usize, usize) {
    let text = doc.paragraph_text(index);
    let start = text.find(needle).expect("needle in paragraph");
    (start, start + needle.len())
}

/// Write `annotator`'s sidecar for `path`: (paragraph index, quote or whole, tag).
fn tag(path: &Path, annotator: &str, tags: Vec<(usize, Option<&str>, Tag)>) {
    let doc = Document::open(path).unwrap();
    doc.wait_complete();
    let mut sidecar = Sidecar::new(&doc, annotator);
    for (index, quote, tag) in tags {
        let anchor = match quote {
            Some(q) => {
                let (s, e) = range_in(&doc, index, q);
                Anchor::narrowed(&doc, index, s, e).unwrap()
            }
            None => Anchor::whole(&doc, index),
        };
        sidecar.annotations.push(Annotation::created_at(
            tag,
            anchor,
            "2026-11-30T06:00:00Z".into(),
        ));
    }
    std::fs::write(sidecar_path(path, annotator), sidecar.to_ron().unwrap()).unwrap();
}

fn position(actor: &str, stance: Stance, issue: &str) -> Tag {
    Tag::Position {
        actor: actor.into(),
        stance,
        issue: issue.into(),
    }
}

/// The project folder: the memo at the root, the telegram in `box/`, both tagged.
fn project(with_project_file: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let memo = dir.path().join("memo-1956-07-24.txt");
    std::fs::write(&memo, MEMO).unwrap();
    std::fs::create_dir(dir.path().join("box")).unwrap();
    let telegram = dir.path().join("box/telegram.txt");
    std::fs::write(&telegram, TELEGRAM).unwrap();
    tag(
        &memo,
        "ana",
        vec![
            (
                2,
                None,
                position("Pak Chang-ok", Stance::Support, "criticism of Kim Il Sung"),
            ),
            (
                3,
                Some("serious criticism of Kim Il Sung\nwould be improper"),
                Tag::Claim {
                    by: "Nam Il".into(),
                },
            ),
            (
                3,
                None,
                position("Nam Il", Stance::Oppose, "criticism of Kim Il Sung"),
            ),
        ],
    );
    tag(
        &telegram,
        "ana",
        vec![
            (
                1,
                None,
                position("Kim Il Sung", Stance::Neutral, "more aid"),
            ),
            (
                1,
                None,
                position("Pak Chang-ok", Stance::Oppose, "more aid"),
            ),
        ],
    );
    if with_project_file {
        std::fs::write(dir.path().join("gloss.ron"), PROJECT).unwrap();
    }
    dir
}

/// `gloss export -f FORMAT .` in `dir`: (exit code, stdout, stderr).
fn export(dir: &Path, format: &str) -> (i32, Vec<u8>, String) {
    let out = gloss(dir)
        .args(["export", "-f", format, "."])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn export_text(dir: &Path, format: &str) -> String {
    let (code, out, err) = export(dir, format);
    assert_eq!(code, 0, "export -f {format}: {err}");
    String::from_utf8(out).unwrap()
}

fn json_excerpts(dir: &Path) -> Vec<Value> {
    serde_json::from_str::<Value>(&export_text(dir, "json"))
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

const MEMO_CITATION: &str = "“Record of a Conversation with Nam Il,” July 24, 1956, RGANI, Fond 5, Opis 28, Delo 410, Listy 301-303, trans. Gary Goldberg, Wilson Center Digital Archive, Record ID 120190, https://digitalarchive.wilsoncenter.org/document/120190.";

#[test]
fn markdown_cites_each_document_and_footnotes_each_excerpt() {
    let dir = project(true);
    let md = export_text(dir.path(), "md");
    assert!(
        md.contains("\n## Record of a Conversation with Nam Il, July 24, 1956\n"),
        "{md}"
    );
    assert!(
        md.contains("\n## Telegram from Pyongyang, August 1956\n"),
        "{md}"
    );
    assert!(
        md.contains(&format!("\nCitation: {MEMO_CITATION}\n")),
        "{md}"
    );
    // The narrowed quote starts and ends inside its paragraph, over two
    // lines (kept: a hard line break); its footnote mark ends it (excerpts of one paragraph made at the
    // same time are ordered by id, so its number is read from the output).
    let quote = "> … serious criticism of Kim Il Sung  \n> would be improper …[^";
    let at = md.find(quote).unwrap_or_else(|| panic!("{md}")) + quote.len();
    let n: usize = md[at..].split(']').next().unwrap().parse().unwrap();
    assert!(
        md.contains(&format!(
            "\n[^{n}]: “Record of a Conversation with Nam Il,” July 24, 1956, RGANI, Fond 5, Opis 28, Delo 410, Listy 301-303, trans. Gary Goldberg, Wilson Center Digital Archive, Record ID 120190, ¶ 4, lines 8–9, https://digitalarchive.wilsoncenter.org/document/120190.\n"
        )),
        "{md}"
    );
    // A whole paragraph has no ellipsis.
    assert!(md.contains("> Pak Chang-ok told Nam Il"), "{md}");
}

#[test]
fn html_cites_each_document_and_footnotes_each_excerpt() {
    let dir = project(true);
    let html = export_text(dir.path(), "html");
    assert!(html.contains(
        "<h2>Record of a Conversation with Nam Il, <time class=\"date\" datetime=\"1956-07-24\">July 24, 1956</time></h2>"
    ));
    let url = "https://digitalarchive.wilsoncenter.org/document/120190";
    let linked = MEMO_CITATION.replace(url, &format!("<a href=\"{url}\">{url}</a>"));
    assert!(
        html.contains(&format!("<p class=\"citation\">{linked}</p>")),
        "{html}"
    );
    assert!(html.contains(
        "<blockquote>… serious criticism of Kim Il Sung\nwould be improper …</blockquote>"
    ));
    assert!(html.contains(
        "<p class=\"footnote\"><span class=\"n\">4.</span> “Record of a Conversation with Nam Il,”"
    ));
}

#[test]
fn json_csv_and_statements_carry_the_documents_metadata() {
    let dir = project(true);
    let excerpts = json_excerpts(dir.path());
    let claim = excerpts.iter().find(|e| e["kind"] == "claim").unwrap();
    assert_eq!(claim["doc_title"], "Record of a Conversation with Nam Il");
    assert_eq!(claim["doc_date"], "1956-07-24");
    assert_eq!(claim["doc_citation"], MEMO_CITATION);
    // Code points within the paragraph, end exclusive.
    let paragraph = "Nam Il thought that serious criticism of Kim Il Sung\nwould be improper. He said so twice.";
    let start = paragraph.find("serious").unwrap();
    assert_eq!(claim["quote_start"], start);
    assert_eq!(
        claim["quote_end"],
        start + "serious criticism of Kim Il Sung\nwould be improper".len()
    );
    assert!(claim["page"].is_null() && claim["section"].is_null());
    let whole = excerpts
        .iter()
        .find(|e| e["actor"] == "Pak Chang-ok" && e["stance"] == "support")
        .unwrap();
    assert!(whole["quote_start"].is_null() && whole["quote_end"].is_null());
    let telegram = excerpts
        .iter()
        .find(|e| e["source"].as_str().unwrap().ends_with("telegram.txt"))
        .unwrap();
    assert_eq!(telegram["doc_date"], "1956-08");
    assert_eq!(
        telegram["doc_citation"],
        "“Telegram from Pyongyang,” August 1956."
    );
    for line in export_text(dir.path(), "jsonl").lines() {
        let e: Value = serde_json::from_str(line).unwrap();
        assert!(e.get("doc_citation").is_some() && e.get("quote_start").is_some());
    }

    let csv_text = export_text(dir.path(), "csv");
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert!(rows.iter().any(|r| &r[col("doc_date")] == "1956-07-24"));
    assert!(
        rows.iter()
            .any(|r| &r[col("doc_citation")] == MEMO_CITATION)
    );

    let statements = export_text(dir.path(), "statements");
    let mut reader = csv::Reader::from_reader(statements.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(&header[1], "date");
    let dates: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[1].to_string())
        .collect();
    assert_eq!(dates.len(), 4);
    assert!(dates.contains(&"1956-07-24".to_string()));
    assert!(dates.contains(&"1956-08".to_string()));
}

#[test]
fn without_a_project_file_documents_are_cited_from_their_text() {
    let dir = project(false);
    let excerpts = json_excerpts(dir.path());
    let memo = excerpts
        .iter()
        .find(|e| {
            e["source"]
                .as_str()
                .unwrap()
                .ends_with("memo-1956-07-24.txt")
        })
        .unwrap();
    assert_eq!(memo["doc_date"], "1956-07-24");
    assert_eq!(
        memo["doc_citation"],
        "“Record of a Conversation with Nam Il,” July 24, 1956."
    );
}

/// A project file that does not parse stops the export (its boilerplate is
/// unknown), named with its position; with `--include-boilerplate` the export
/// runs and cites the documents from their text alone.
#[test]
fn a_broken_project_file_is_reported_with_its_position() {
    let dir = project(true);
    std::fs::write(
        dir.path().join("gloss.ron"),
        "(\n    version: 1,\n    actors: [\n",
    )
    .unwrap();
    let (code, out, err) = export(dir.path(), "json");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("gloss.ron:"), "{err}");
    assert_eq!(err.lines().count(), 1, "one line per problem: {err}");
    assert!(out.is_empty());

    let out = gloss(dir.path())
        .args(["export", "-f", "json", "--include-boilerplate", "."])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("gloss.ron:") && err.contains("cited from their text alone"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one line per problem: {err}");
    let excerpts: Value = serde_json::from_slice(&out.stdout).unwrap();
    let excerpts = excerpts.as_array().unwrap();
    assert_eq!(excerpts.len(), 5);
    assert!(excerpts.iter().any(|e| e["doc_date"] == "1956-07-24"));
}

#[test]
fn csl_json_passes_the_published_schema() {
    let dir = project(true);
    let items: Value = serde_json::from_str(&export_text(dir.path(), "csl")).unwrap();
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
    assert!(errors.is_empty(), "{errors:?}\n{items:#}");
    // The schema is not vacuous: an item without a type fails it.
    assert!(!validator.is_valid(&serde_json::json!([{"id": "x"}])));

    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 2, "one item per document");
    let memo = items
        .iter()
        .find(|i| i["id"].as_str().unwrap().ends_with("memo-1956-07-24.txt"))
        .unwrap();
    assert_eq!(memo["type"], "manuscript");
    assert_eq!(memo["title"], "Record of a Conversation with Nam Il");
    assert_eq!(
        memo["issued"]["date-parts"],
        serde_json::json!([[1956, 7, 24]])
    );
    assert_eq!(
        memo["archive_location"],
        "RGANI, Fond 5, Opis 28, Delo 410, Listy 301-303"
    );
    assert_eq!(memo["archive"], "Wilson Center Digital Archive");
    assert_eq!(
        memo["translator"],
        serde_json::json!([{"family": "Goldberg", "given": "Gary"}])
    );
    assert_eq!(
        memo["URL"],
        "https://digitalarchive.wilsoncenter.org/document/120190"
    );
    let telegram = items
        .iter()
        .find(|i| i["id"].as_str().unwrap().ends_with("telegram.txt"))
        .unwrap();
    assert_eq!(
        telegram["issued"]["date-parts"],
        serde_json::json!([[1956, 8]])
    );
}

#[test]
fn ris_has_one_manuscript_record_per_document() {
    let dir = project(true);
    let ris = export_text(dir.path(), "ris");
    assert_eq!(ris.matches("TY  - MANSCPT\r\n").count(), 2);
    assert_eq!(ris.matches("ER  - \r\n").count(), 2);
    assert!(ris.contains("AN  - RGANI, Fond 5, Opis 28, Delo 410, Listy 301-303\r\n"));
    assert!(ris.contains("A4  - Goldberg, Gary\r\n"));
    assert!(ris.contains("DA  - 1956/07/24/\r\n"));
    assert!(ris.contains("DA  - 1956/08//\r\n"));
    // Every line is a tag line.
    for line in ris.split("\r\n").filter(|l| !l.is_empty()) {
        assert_eq!(&line[2..6], "  - ", "{line:?}");
    }
}

#[test]
fn dna_event_list_has_dnas_header_quoting_and_leaves_neutral_positions_out() {
    let dir = project(true);
    let (code, out, err) = export(dir.path(), "dna");
    assert_eq!(code, 0, "{err}");
    let text = String::from_utf8(out).unwrap();
    // Rows as DNA's readers take them: ';'-separated, '"'-quoted (a quoted
    // text keeps its line breaks).
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(
        text.lines().next().unwrap(),
        "\"statement_id\";\"time\";\"person\";\"organization\";\"concept\";\"agreement\";\"start_position\";\"stop_position\";\"text\";\"coder\";\"document_id\";\"document_title\";\"document_author\";\"document_source\";\"document_section\";\"document_type\""
    );
    assert_eq!(
        rows.len(),
        4,
        "three statements, the neutral one left out: {text}"
    );
    assert!(rows.iter().all(|r| r.len() == 16), "{text}");
    assert!(err.contains("1 neutral position(s) left out"), "{err}");
    let telegram = text
        .lines()
        .find(|l| l.contains("Telegram from Pyongyang"))
        .unwrap();
    // DNA's own quoting: ';' becomes ',' and '"' becomes '\'' in quoted cells.
    let cells: Vec<&str> = telegram.split(';').collect();
    assert_eq!(cells.len(), 16, "{telegram}");
    assert_eq!(cells[0], "1");
    assert_eq!(cells[1], "1956-08-01 00:00:00");
    assert_eq!(cells[2], "\"Pak Chang-ok\"");
    assert_eq!(cells[3], "\"Soviet Korean\"");
    assert_eq!(cells[4], "\"more aid\"");
    assert_eq!(cells[5], "0");
    assert_eq!(
        cells[8],
        "\"Kim Il Sung asked again for aid, Pak Chang-ok spoke against 'more aid'.\""
    );
    let memo = rows
        .iter()
        .find(|r| &r[4] == "criticism of Kim Il Sung" && &r[5] == "1")
        .unwrap();
    assert_eq!(&memo[1], "1956-07-24 00:00:00");
    assert_eq!(&memo[13], "RGANI, Fond 5, Opis 28, Delo 410, Listy 301-303");
    // Offsets into the document's text.
    let start: usize = cells[6].parse().unwrap();
    let stop: usize = cells[7].parse().unwrap();
    assert_eq!(&TELEGRAM[start..stop], TELEGRAM.lines().nth(2).unwrap());
    assert!(!text.ends_with('\n'));
}

fn xmllint_schema(schema: &Path, file: &Path) {
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(schema)
        .arg(file)
        .output()
        .expect("xmllint is needed: apt-get install libxml2-utils");
    assert!(
        out.status.success(),
        "{} does not validate:\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn gexf_passes_the_gexf_1_3_schema_and_is_dated() {
    let dir = project(true);
    let gexf = export_text(dir.path(), "gexf");
    let file = dir.path().join("net.gexf");
    std::fs::write(&file, &gexf).unwrap();
    xmllint_schema(&root().join("tests/data/gexf/gexf.xsd"), &file);
    assert!(gexf.contains("mode=\"dynamic\""));
    assert!(
        gexf.contains("label=\"Pak Chang-ok\" start=\"1956-07-24\""),
        "{gexf}"
    );
    assert!(
        gexf.contains("label=\"more aid\" start=\"1956-08-01\""),
        "{gexf}"
    );
    // Broken output would fail the schema: the check is not vacuous.
    std::fs::write(&file, gexf.replace("mode=\"dynamic\"", "mode=\"moving\"")).unwrap();
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--nonet", "--schema"])
        .arg(root().join("tests/data/gexf/gexf.xsd"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(!out.status.success());
}

#[test]
fn qdpx_holds_the_metadata_as_variables_and_the_memo_as_description() {
    let dir = project(true);
    let (code, out, err) = export(dir.path(), "qdpx");
    assert_eq!(code, 0, "{err}");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(out)).unwrap();
    let mut qde = String::new();
    zip.by_name("project.qde")
        .unwrap()
        .read_to_string(&mut qde)
        .unwrap();
    let file = dir.path().join("project.qde");
    std::fs::write(&file, &qde).unwrap();
    xmllint_schema(&root().join("tests/data/refi-qda/Project.xsd"), &file);
    assert!(
        qde.contains("<Variable guid=")
            && qde.contains("name=\"citation\" typeOfVariable=\"Text\"")
    );
    assert!(qde.contains("<TextValue>RGANI, Fond 5, Opis 28, Delo 410, Listy 301-303</TextValue>"));
    assert!(qde.contains("<TextValue>1956-08</TextValue>"));
    assert!(qde.contains(
        "<Description>Ivanov&#39;s journal; the August plenum foreshadowed.</Description>"
    ));
}

#[test]
fn the_tuis_export_beside_the_document_cites_it_and_names_a_broken_project_file() {
    let dir = project(true);
    let memo = dir.path().join("memo-1956-07-24.txt");
    let doc = Document::open(&memo).unwrap();
    doc.wait_complete();
    let sidecar = Sidecar::load(&sidecar_path(&memo, "ana")).unwrap();
    let written =
        glossator::export::beside::export_beside(&doc, &sidecar, glossator::export::Format::Csl)
            .unwrap();
    assert_eq!(written.excerpts, 1, "one reference: the document");
    let items: Value = serde_json::from_slice(&std::fs::read(&written.path).unwrap()).unwrap();
    assert_eq!(
        items[0]["archive_location"],
        "RGANI, Fond 5, Opis 28, Delo 410, Listy 301-303"
    );

    std::fs::write(dir.path().join("gloss.ron"), "(version: 1, actors: [").unwrap();
    let err =
        glossator::export::beside::export_beside(&doc, &sidecar, glossator::export::Format::Md)
            .unwrap_err()
            .to_string();
    assert!(err.contains("gloss.ron:1:"), "{err}");
}
