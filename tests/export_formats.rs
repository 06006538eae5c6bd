//! `gloss export` in every format, end to end: golden files for the samples,
//! CSV read back with the csv crate, hostile notes and text, filters, a
//! 300-document corpus, REFI-QDA validity (xmllint against the carried XSD)
//! and the exit codes.
//!
//! Goldens live in tests/golden/; after an intended change, regenerate them
//! with `GLOSS_UPDATE_GOLDEN=1 cargo test --test export_formats` and review
//! the diff.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use glossator::app::{App, Effect};
use glossator::document::Document;
use glossator::keymap::Keymap;
use glossator::sidecar::{Sidecar, sidecar_path};
use serde_json::Value;

use common::app::{Session, save_effects, type_text};
use common::cli::{SAMPLE, copy_samples};

const FORMATS: [&str; 9] = [
    "json",
    "jsonl",
    "md",
    "html",
    "csv",
    "statements",
    "graphml",
    "qdpx",
    "w3c",
];
const HOSTILE_NOTE: &str = "=HYPERLINK(\"http://x\",\"y\") <script>alert(1)</script>";

fn gloss(dir: &Path) -> Command {
    let mut cmd = common::cli::gloss();
    cmd.current_dir(dir)
        .env("GLOSS_CONFIG_DIR", "/nonexistent-gloss-config");
    cmd
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temp folder with `samples/` holding the sample memo and both sidecars.
fn samples_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_samples(&dir.path().join("samples"), |name| name.starts_with(SAMPLE));
    dir
}

/// Run an export; returns (exit code, stdout, stderr).
fn export(dir: &Path, args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = gloss(dir).arg("export").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn export_ok(dir: &Path, args: &[&str]) -> Vec<u8> {
    let (code, out, err) = export(dir, args);
    assert_eq!(code, 0, "gloss export {args:?}: {err}");
    out
}

/// The members of a .qdpx zip, by name.
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().unwrap().to_string(), data)
        })
        .collect()
}

fn xmllint() -> std::process::Command {
    let found = std::process::Command::new("xmllint")
        .arg("--version")
        .output();
    assert!(
        found.is_ok(),
        "xmllint is needed to validate REFI-QDA output: apt-get install libxml2-utils"
    );
    std::process::Command::new("xmllint")
}

/// Validate `project.qde` text against the REFI-QDA schema carried in tests/data.
fn validate_qde(qde: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("project.qde");
    std::fs::write(&file, qde).unwrap();
    let out = xmllint()
        .args(["--noout", "--nonet", "--schema"])
        .arg(root().join("tests/data/refi-qda/Project.xsd"))
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "project.qde does not validate:\n{}\n{qde}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Well-formed XML (GraphML, HTML is not XML).
fn well_formed(xml: &str) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("x.xml");
    std::fs::write(&file, xml).unwrap();
    let out = xmllint()
        .args(["--noout", "--nonet"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "not well-formed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn check_golden(name: &str, actual: &str) {
    let path = root().join("tests/golden").join(name);
    if std::env::var_os("GLOSS_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (create it with GLOSS_UPDATE_GOLDEN=1)",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{name} differs from its golden file; if intended, regenerate with GLOSS_UPDATE_GOLDEN=1\n--- expected\n{expected}\n--- actual\n{actual}"
    );
}

/// Text of one format's export of `samples/`, with machine-specific parts
/// (the absolute folder in W3C IRIs) replaced by `WORKDIR`.
fn sample_output(dir: &Path, format: &str) -> String {
    let bytes = export_ok(dir, &["--format", format, "samples"]);
    if format == "qdpx" {
        let members = unzip(&bytes);
        let mut text = String::new();
        for (name, data) in members {
            text.push_str(&format!("==> {name} <==\n"));
            text.push_str(&String::from_utf8(data).unwrap());
        }
        return text;
    }
    let text = String::from_utf8(bytes).unwrap();
    let base = std::fs::canonicalize(dir).unwrap();
    text.replace(&format!("file://{}", base.display()), "file:///WORKDIR")
        .replace(&format!("file://{}", dir.display()), "file:///WORKDIR")
}

#[test]
fn every_format_matches_its_golden_file_for_the_samples() {
    let dir = samples_dir();
    for format in FORMATS {
        let text = sample_output(dir.path(), format);
        let ext = match format {
            "statements" => "statements.csv",
            "w3c" => "jsonld",
            "qdpx" => "qdpx.txt",
            f => f,
        };
        check_golden(&format!("samples.{ext}"), &text);
        // Exporting again gives the same bytes (ids, GUIDs and times come from the sidecars).
        assert_eq!(
            text,
            sample_output(dir.path(), format),
            "{format} is not stable"
        );
    }
}

#[test]
fn csv_reads_back_with_the_json_fields_as_columns() {
    let dir = samples_dir();
    let json: Vec<Value> =
        serde_json::from_slice(&export_ok(dir.path(), &["--format", "json", "samples"])).unwrap();
    let csv = export_ok(dir.path(), &["--format", "csv", "samples"]);
    assert!(csv.starts_with(b"source,annotator,paragraph,"));
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let keys: Vec<String> = json[0].as_object().unwrap().keys().cloned().collect();
    let mut sorted_header = header.clone();
    sorted_header.sort();
    let mut sorted_keys = keys.clone();
    sorted_keys.sort();
    assert_eq!(
        sorted_header, sorted_keys,
        "CSV columns are the JSON fields"
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), json.len());
    for (row, object) in rows.iter().zip(&json) {
        for (column, cell) in header.iter().zip(row.iter()) {
            let expected = match &object[column] {
                Value::Null => String::new(),
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(cell, expected, "column {column}");
        }
    }
}

const SEED: &str = "July 24, 1956\n\nMemorandum of Conversation with Minister of Foreign Affairs of the DPRK, Nam Il\n\nPak told Nam Il that a group of leading functionaries\nwere prepared to speak out with severe criticism\nof Kim Il Sung at the coming plenum.\n\nNam Il thought that serious criticism of Kim Il Sung\nfrom Pak Chang-ok and others would be improper.\n\nI said that he should in some way influence Pak Chang-ok\nso that they rejected the initiative.\n";

/// The seed memo tagged through the app's keys, as in the TUI: a position,
/// a claim, and an advice with a hostile note; saved through the TUI's store.
fn tagged_seed(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, SEED).unwrap();
    let Session {
        mut app, mut store, ..
    } = Session::open(&path, "tester");
    type_text(
        &mut app,
        "jjpPak Chang-ok\tsupport\tcriticism of Kim Il Sung\n",
    );
    type_text(&mut app, "jcNam Il\n");
    type_text(&mut app, "jaPetrov\tNam Il\n");
    type_text(&mut app, "n");
    type_text(&mut app, HOSTILE_NOTE);
    type_text(&mut app, "\n");
    save_effects(&mut app, &mut store);
    assert_eq!(app.sidecar.annotations.len(), 3);
    assert!(
        app.sidecar
            .annotations
            .iter()
            .any(|a| a.note.as_deref() == Some(HOSTILE_NOTE))
    );
    path
}

/// How many excerpts an export in `format` holds.
fn count(format: &str, bytes: &[u8]) -> usize {
    let text = || String::from_utf8(bytes.to_vec()).unwrap();
    match format {
        "json" | "w3c" => serde_json::from_slice::<Value>(bytes)
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        "jsonl" => text().lines().count(),
        "csv" | "statements" => csv::Reader::from_reader(bytes).records().count(),
        "md" => text().lines().filter(|l| l.starts_with("— ")).count(),
        "html" => text().matches("<figure class=\"excerpt").count(),
        "graphml" => text().matches("<edge ").count(),
        "qdpx" => {
            let qde = unzip(bytes)
                .into_iter()
                .find(|(n, _)| n == "project.qde")
                .unwrap()
                .1;
            String::from_utf8(qde)
                .unwrap()
                .matches("<PlainTextSelection ")
                .count()
        }
        other => panic!("unknown format {other}"),
    }
}

#[test]
fn the_tagged_seed_memo_exports_all_three_excerpts_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    tagged_seed(dir.path(), "seed.txt");
    for format in FORMATS {
        let out = export_ok(dir.path(), &["--format", format, "seed.txt"]);
        let expected = match format {
            // Only positions are statements and network edges.
            "statements" | "graphml" => 1,
            _ => 3,
        };
        assert_eq!(count(format, &out), expected, "{format}");
    }
}

#[test]
fn filters_work_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    tagged_seed(dir.path(), "seed.txt");
    let cases: [(&[&str], usize, usize); 6] = [
        (&["--kind", "claim"], 1, 0),
        (&["--kind", "claim", "--kind", "advice"], 2, 0),
        // The claim's `by` and the advice's `to`.
        (&["--actor", "Nam Il"], 2, 0),
        (&["--stance", "support"], 1, 1),
        (&["--stance", "oppose"], 0, 0),
        (&["--actor", "Nam Il", "--kind", "advice"], 1, 0),
    ];
    for (filter, excerpts, positions) in cases {
        for format in FORMATS {
            let mut args = vec!["--format", format];
            args.extend_from_slice(filter);
            args.push("seed.txt");
            let out = export_ok(dir.path(), &args);
            let expected = if matches!(format, "statements" | "graphml") {
                positions
            } else {
                excerpts
            };
            assert_eq!(count(format, &out), expected, "{format} {filter:?}");
        }
    }
    let json: Vec<Value> =
        serde_json::from_slice(&export_ok(dir.path(), &["--actor", "Nam Il", "seed.txt"])).unwrap();
    assert_eq!(json[0]["by"], "Nam Il");
    assert_eq!(json[1]["to"], "Nam Il");
    assert_eq!(json[1]["note"], HOSTILE_NOTE);
}

#[test]
fn hostile_notes_stay_text_in_csv_html_and_markdown() {
    let dir = tempfile::tempdir().unwrap();
    tagged_seed(dir.path(), "seed.txt");
    let csv = export_ok(dir.path(), &["--format", "csv", "seed.txt"]);
    let mut reader = csv::Reader::from_reader(csv.as_slice());
    let header = reader.headers().unwrap().clone();
    let note = header.iter().position(|h| h == "note").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows[2][note], format!("'{HOSTILE_NOTE}"));
    for row in &rows {
        for cell in row.iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "formula cell {cell:?}"
            );
        }
    }
    let html = String::from_utf8(export_ok(dir.path(), &["--format", "html", "seed.txt"])).unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(html.contains("=HYPERLINK(&quot;http://x&quot;,&quot;y&quot;)"));
    assert!(html.contains("Content-Security-Policy"));
    let md = String::from_utf8(export_ok(dir.path(), &["--format", "md", "seed.txt"])).unwrap();
    assert!(!md.replace("\\<", "").contains("<script"), "{md}");
    assert!(md.contains("\\<script\\>alert(1)\\</script\\>"));
    let statements = export_ok(dir.path(), &["--format", "statements", "seed.txt"]);
    assert!(
        String::from_utf8(statements)
            .unwrap()
            .contains("Pak Chang-ok")
    );
}

/// A document and note full of control characters, a formula-like text and markup.
fn hostile_document(dir: &Path) -> PathBuf {
    let path = dir.join("hostile.txt");
    let text = "-1+2 <b>bold</b> & \u{1b}[31mred\u{1b}[0m \u{7}bell \u{85}next\n\n@SUM(A1) = \"quoted\", comma\n";
    std::fs::write(&path, text).unwrap();
    let doc = Document::open(&path).unwrap();
    let mut sidecar = Sidecar::new(&doc, "kim");
    for (p, note) in [
        (0usize, "\u{1b}]0;title\u{7} +cmd|' /C calc'!A0"),
        (1, "line\none\r\n\ttab"),
    ] {
        let anchor = if p == 0 {
            glossator::document::anchor::Anchor::whole(&doc, p)
        } else {
            // Narrowed to the formula-like start of the paragraph.
            glossator::document::anchor::Anchor::narrowed(&doc, p, 0, 8).unwrap()
        };
        let mut a = glossator::annotation::Annotation::created_at(
            glossator::annotation::Tag::Position {
                actor: "<img src=x onerror=alert(1)>".into(),
                stance: glossator::annotation::Stance::Oppose,
                issue: "=1+1 & \u{0}null".into(),
            },
            anchor,
            format!("2026-01-0{}T00:00:00.000Z", p + 1),
        );
        a.note = Some(note.to_string());
        sidecar.annotations.push(a);
    }
    std::fs::write(sidecar_path(&path, "kim"), sidecar.to_ron().unwrap()).unwrap();
    path
}

#[test]
fn control_characters_and_markup_are_neutralised_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    hostile_document(dir.path());
    for format in FORMATS {
        let out = export_ok(dir.path(), &["--format", format, "hostile.txt"]);
        let expected = if format == "graphml" { 1 } else { 2 };
        assert_eq!(count(format, &out), expected, "{format}");
        if format == "qdpx" {
            let members = unzip(&out);
            let qde = String::from_utf8(members[0].1.clone()).unwrap();
            assert!(!qde.contains('\u{1b}') && !qde.contains('\u{0}'));
            validate_qde(&qde);
            // The source keeps its bytes; selections count characters in it.
            let source = String::from_utf8(members[1].1.clone()).unwrap();
            assert_eq!(
                source,
                std::fs::read_to_string(dir.path().join("hostile.txt")).unwrap()
            );
            continue;
        }
        let text = String::from_utf8(out).unwrap();
        match format {
            // JSON escapes control characters itself.
            "json" | "jsonl" | "w3c" => assert!(!text.contains('\u{1b}')),
            _ => {
                for bad in ['\u{1b}', '\u{7}', '\u{0}', '\u{85}'] {
                    assert!(!text.contains(bad), "{format} contains {bad:?}");
                }
            }
        }
        if format == "graphml" {
            well_formed(&text);
            assert!(text.contains("&lt;img src=x onerror=alert(1)&gt;"));
        }
        if format == "html" {
            assert!(!text.contains("<img") && !text.contains("<b>"));
            assert!(text.contains("␛[31mred"));
        }
        if format == "csv" || format == "statements" {
            let mut reader = csv::Reader::from_reader(text.as_bytes());
            for row in reader.records() {
                for cell in row.unwrap().iter() {
                    assert!(
                        !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                        "{format}: formula cell {cell:?}"
                    );
                }
            }
        }
    }
}

#[test]
fn qdpx_validates_against_the_refi_qda_schema() {
    let dir = samples_dir();
    let bytes = export_ok(dir.path(), &["--format", "qdpx", "samples"]);
    let members = unzip(&bytes);
    assert_eq!(members[0].0, "project.qde");
    let qde = String::from_utf8(members[0].1.clone()).unwrap();
    validate_qde(&qde);
    // Every selection's character offsets cut the exported text out of the source.
    let (source_name, source) = &members[1];
    assert!(source_name.starts_with("Sources/") && source_name.ends_with(".txt"));
    assert!(qde.contains(&format!(
        "plainTextPath=\"internal://{}\"",
        &source_name["Sources/".len()..]
    )));
    let chars: Vec<char> = String::from_utf8(source.clone()).unwrap().chars().collect();
    let json: Vec<Value> = serde_json::from_slice(&export_ok(dir.path(), &["samples"])).unwrap();
    let positions: Vec<(usize, usize)> = qde
        .split("<PlainTextSelection ")
        .skip(1)
        .map(|s| {
            let attr = |name: &str| -> usize {
                let at = s.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                s[at..].split('"').next().unwrap().parse().unwrap()
            };
            (attr("startPosition"), attr("endPosition"))
        })
        .collect();
    // One selection per annotator and span (annotations sharing one are merged).
    let spans: std::collections::HashSet<(&str, &str)> = json
        .iter()
        .map(|e| {
            (
                e["annotator"].as_str().unwrap(),
                e["text"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(positions.len(), spans.len());
    for (start, end) in &positions {
        let cut: String = chars[*start..*end].iter().collect();
        assert!(json.iter().any(|e| e["text"] == cut.as_str()), "{cut}");
    }
    // A broken project is caught by the same check.
    let broken = qde.replacen("isCodable=\"true\"", "isCodable=\"maybe\"", 1);
    let result = std::panic::catch_unwind(|| validate_qde(&broken));
    assert!(result.is_err(), "the schema check can fail");
}

#[test]
fn a_corpus_of_300_documents_exports_900_excerpts() {
    let dir = tempfile::tempdir().unwrap();
    let seed_dir = tempfile::tempdir().unwrap();
    let seed = tagged_seed(seed_dir.path(), "seed.txt");
    let sidecar = sidecar_path(&seed, "tester");
    let corpus = dir.path().join("corpus");
    for i in 0..300 {
        let folder = corpus
            .join(format!("box{:02}", i / 30))
            .join(format!("f{i:03}"));
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::copy(&seed, folder.join("memo.txt")).unwrap();
        std::fs::copy(&sidecar, folder.join("memo.txt.tester.gloss.ron")).unwrap();
    }
    // Hidden folders are skipped.
    let hidden = corpus.join(".trash");
    std::fs::create_dir_all(&hidden).unwrap();
    std::fs::copy(&seed, hidden.join("memo.txt")).unwrap();
    std::fs::copy(&sidecar, hidden.join("memo.txt.tester.gloss.ron")).unwrap();
    for format in ["json", "csv", "qdpx"] {
        let out = export_ok(dir.path(), &["--format", format, "corpus"]);
        assert_eq!(count(format, &out), 900, "{format}");
    }
    let out = export_ok(dir.path(), &["--format", "statements", "corpus"]);
    assert_eq!(count("statements", &out), 300);
    // Every REFI-QDA GUID is unique across the 300 copies, and the project validates.
    let qdpx = export_ok(dir.path(), &["--format", "qdpx", "corpus"]);
    let qde = String::from_utf8(unzip(&qdpx).remove(0).1).unwrap();
    let guids: Vec<&str> = qde
        .split(" guid=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    let unique: std::collections::HashSet<&&str> = guids.iter().collect();
    assert_eq!(unique.len(), guids.len());
    assert!(guids.len() > 900 * 3);
    validate_qde(&qde);
    // HTML ids stay unique although every copy carries the same annotation ids.
    let html = String::from_utf8(export_ok(dir.path(), &["--format", "html", "corpus"])).unwrap();
    let ids: std::collections::HashSet<&str> = html
        .split(" id=\"")
        .skip(1)
        .map(|s| s.split('"').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 900);
    // Stable order: by document path, then paragraph.
    let json: Vec<Value> = serde_json::from_slice(&export_ok(dir.path(), &["corpus"])).unwrap();
    let order: Vec<(String, u64)> = json
        .iter()
        .map(|e| {
            (
                e["source"].as_str().unwrap().to_string(),
                e["paragraph"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = order.clone();
    sorted.sort();
    assert_eq!(order, sorted);
    // One broken sidecar is reported with its position; the rest is still exported.
    let broken = corpus.join("box05/f150/memo.txt.tester.gloss.ron");
    std::fs::write(&broken, "(\n    version: 1,\n    source: oops\n").unwrap();
    let out_file = dir.path().join("out.csv");
    let (code, _, err) = export(dir.path(), &["--format", "csv", "-o", "out.csv", "corpus"]);
    assert_eq!(code, 1);
    assert!(err.contains("f150/memo.txt.tester.gloss.ron:3:"), "{err}");
    let csv = std::fs::read(&out_file).unwrap();
    assert_eq!(count("csv", &csv), 897);
}

#[test]
fn missing_input_exits_1_and_unknown_format_exits_2() {
    let dir = samples_dir();
    for format in FORMATS {
        let (code, out, err) = export(dir.path(), &["--format", format, "nope.txt"]);
        assert_eq!(code, 1, "{format}");
        assert!(err.contains("nope.txt"), "{err}");
        // Nothing could be read, so nothing is written: no empty export beside the error.
        assert!(
            out.is_empty(),
            "{format}: {}",
            String::from_utf8_lossy(&out)
        );
    }
    let (code, _, err) = export(dir.path(), &["--format", "docx", "samples"]);
    assert_eq!(code, 2);
    assert!(err.contains("docx"), "{err}");
    // A missing input next to a good one: the good one is still exported.
    let (code, out, _) = export(dir.path(), &["--format", "csv", "nope.txt", "samples"]);
    assert_eq!(code, 1);
    assert_eq!(count("csv", &out), 13);
}

#[test]
fn output_file_is_written_atomically_in_every_format() {
    let dir = samples_dir();
    for format in FORMATS {
        let name = format!("out.{format}");
        export_ok(dir.path(), &["--format", format, "-o", &name, "samples"]);
        let written = std::fs::read(dir.path().join(&name)).unwrap();
        assert_eq!(
            written,
            export_ok(dir.path(), &["--format", format, "samples"])
        );
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn the_tui_export_command_writes_beside_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let path = tagged_seed(dir.path(), "seed.txt");
    let doc = Document::open(&path).unwrap();
    let sidecar = Sidecar::load(&sidecar_path(&path, "tester")).unwrap();
    let mut app = App::new(doc, sidecar, Keymap::default_keymap());
    // A search is not a filter: the export holds what the session shows.
    type_text(&mut app, "/Nam\n");
    for (key, format, ext) in [
        ('h', glossator::export::Format::Html, "html"),
        ('w', glossator::export::Format::W3c, "jsonld"),
        ('c', glossator::export::Format::Csv, "csv"),
    ] {
        type_text(&mut app, &format!("x{key}"));
        let effects = app.take_effects();
        assert_eq!(effects, vec![Effect::Export(format)]);
        let written =
            glossator::export::beside::export_beside(&app.doc, &app.sidecar, format).unwrap();
        assert_eq!(
            written.path,
            dir.path().join(format!("seed.txt.tester.{ext}"))
        );
        assert_eq!(written.excerpts, 3);
        let bytes = std::fs::read(&written.path).unwrap();
        let name = if ext == "jsonld" { "w3c" } else { ext };
        assert_eq!(count(name, &bytes), 3, "{ext}");
    }
    // The network formats count what they hold: the one position statement.
    for format in [
        glossator::export::Format::Statements,
        glossator::export::Format::Graphml,
    ] {
        let written =
            glossator::export::beside::export_beside(&app.doc, &app.sidecar, format).unwrap();
        assert_eq!(written.excerpts, 1, "{format:?}");
    }
    let html = std::fs::read_to_string(dir.path().join("seed.txt.tester.html")).unwrap();
    assert!(html.contains("&lt;script&gt;") && !html.contains("<script"));
}

/// `project.qde` of a .qdpx export.
fn qde_of(bytes: &[u8]) -> String {
    let qde = unzip(bytes)
        .into_iter()
        .find(|(n, _)| n == "project.qde")
        .unwrap()
        .1;
    String::from_utf8(qde).unwrap()
}

/// The value of attribute `name` in the start tag that begins `tag`, unescaped.
fn attr(tag: &str, name: &str) -> Option<String> {
    let tag = format!(" {tag}");
    let start = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let value = tag[start..].split('"').next()?;
    Some(
        value
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#39;", "'")
            .replace("&amp;", "&"),
    )
}

/// One coded span of a REFI-QDA project as a client reads it.
#[derive(Debug)]
struct Segment {
    source: String,
    user: String,
    start: usize,
    end: usize,
    codes: Vec<String>,
}

/// The code names and the coded segments of `qde` (user names, code names).
fn segments(qde: &str) -> (Vec<String>, Vec<Segment>) {
    let mut codes = std::collections::HashMap::new();
    let mut names = Vec::new();
    for tag in qde.split("<Code ").skip(1) {
        let (guid, name) = (attr(tag, "guid").unwrap(), attr(tag, "name").unwrap());
        names.push(name.clone());
        codes.insert(guid, name);
    }
    let users: std::collections::HashMap<String, String> = qde
        .split("<User ")
        .skip(1)
        .map(|t| (attr(t, "guid").unwrap(), attr(t, "name").unwrap()))
        .collect();
    let mut out = Vec::new();
    for source in qde.split("<TextSource ").skip(1) {
        let source_name = attr(source, "name").unwrap();
        let source = source.split("</TextSource>").next().unwrap();
        for sel in source.split("<PlainTextSelection ").skip(1) {
            let sel = sel.split("</PlainTextSelection>").next().unwrap();
            out.push(Segment {
                source: source_name.clone(),
                user: users[&attr(sel, "creatingUser").unwrap()].clone(),
                start: attr(sel, "startPosition").unwrap().parse().unwrap(),
                end: attr(sel, "endPosition").unwrap().parse().unwrap(),
                codes: sel
                    .split("<CodeRef ")
                    .skip(1)
                    .map(|c| codes[&attr(c, "targetGUID").unwrap()].clone())
                    .collect(),
            });
        }
    }
    (names, out)
}

/// QualCoder keeps one coding per code, coder and span (`unique(cid, fid, pos0,
/// pos1, owner)`) and one code per name: two positions on one paragraph
/// collapsed into one, and the stance was only in the selection's name.
#[test]
fn qdpx_keeps_every_position_and_its_stance_as_codes_on_its_segment() {
    let dir = samples_dir();
    let qde = qde_of(&export_ok(dir.path(), &["--format", "qdpx", "samples"]));
    let (names, segments) = segments(&qde);
    let unique: std::collections::HashSet<&String> = names.iter().collect();
    assert_eq!(unique.len(), names.len(), "code names repeat: {names:?}");
    let mut codings = std::collections::HashSet::new();
    for s in &segments {
        for code in &s.codes {
            assert!(
                codings.insert((&s.source, &s.user, s.start, s.end, code)),
                "{code} twice on {}:{}-{} by {}: a client keeps only one",
                s.source,
                s.start,
                s.end,
                s.user
            );
        }
    }
    let json: Vec<Value> = serde_json::from_slice(&export_ok(dir.path(), &["samples"])).unwrap();
    let text: Vec<char> = std::fs::read_to_string(dir.path().join("samples").join(SAMPLE))
        .unwrap()
        .chars()
        .collect();
    let positions: Vec<&Value> = json.iter().filter(|e| e["kind"] == "position").collect();
    assert_eq!(positions.len(), 4);
    for p in positions {
        let (actor, stance, issue) = (
            p["actor"].as_str().unwrap(),
            p["stance"].as_str().unwrap(),
            p["issue"].as_str().unwrap(),
        );
        let verb = match stance {
            "support" => "supports",
            "oppose" => "opposes",
            _ => "is neutral on",
        };
        let segment = segments
            .iter()
            .find(|s| {
                s.user == p["annotator"]
                    && text[s.start..s.end].iter().collect::<String>() == p["text"]
            })
            .unwrap_or_else(|| panic!("no segment for {p}"));
        for code in [
            "Position".to_string(),
            actor.to_string(),
            issue.to_string(),
            stance.to_string(),
            format!("{actor} {verb} \"{issue}\""),
        ] {
            assert!(
                segment.codes.contains(&code),
                "{code:?} missing on {segment:?}"
            );
        }
    }
    // ¶10: ana has two positions on one paragraph; both are on its one segment.
    let ana = segments
        .iter()
        .filter(|s| s.user == "ana" && s.codes.iter().any(|c| c.contains("opposes \"locomotives")))
        .collect::<Vec<_>>();
    assert_eq!(ana.len(), 1);
    assert!(
        ana[0]
            .codes
            .contains(&"Han Tae-jun supports \"locomotives on credit\"".to_string())
    );
    validate_qde(&qde);
}

/// Source names carried the path as typed (`samples/memo….txt`), which
/// QualCoder could not copy; a folder's untagged documents were left out; and
/// GUIDs changed with relative or absolute paths.
#[test]
fn qdpx_names_documents_relative_to_the_folder_and_holds_every_one() {
    let dir = tempfile::tempdir().unwrap();
    let samples = dir.path().join("samples");
    copy_samples(&samples, |_| true);
    std::fs::create_dir_all(samples.join("box 2")).unwrap();
    std::fs::write(samples.join("box 2/letter.txt"), "Dear comrade,\n\nNo.\n").unwrap();
    std::fs::write(samples.join("scan.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    let absolute = std::fs::canonicalize(&samples).unwrap();
    let (code, relative_bytes, err) = export(dir.path(), &["--format", "qdpx", "samples"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("scan.png") && err.contains("left out"),
        "{err}"
    );
    let absolute_bytes = export_ok(
        dir.path(),
        &["--format", "qdpx", absolute.to_str().unwrap()],
    );
    let qde = qde_of(&relative_bytes);
    assert_eq!(
        qde,
        qde_of(&absolute_bytes),
        "GUIDs depend on the path as typed"
    );
    validate_qde(&qde);
    let sources: Vec<String> = qde
        .split("<TextSource ")
        .skip(1)
        .map(|t| attr(t, "name").unwrap())
        .collect();
    assert_eq!(
        sources,
        [
            "box 2\u{2215}letter.txt",
            "memo-1957-03-12-han-tae-jun.txt",
            "memo-1961-10-02-fisheries-talks.txt",
        ]
    );
    assert!(qde.contains("name=\"samples\""));
    // Every source has its text in the zip.
    let members = unzip(&relative_bytes);
    assert_eq!(members.len(), 4);
    for tag in qde.split("<TextSource ").skip(1) {
        let path = attr(tag, "plainTextPath").unwrap();
        let member = format!("Sources/{}", path.trim_start_matches("internal://"));
        assert!(members.iter().any(|(n, _)| *n == member), "{member}");
    }
    // One document, typed either way: named by its file name, same GUIDs.
    let one = |p: &str| qde_of(&export_ok(dir.path(), &["--format", "qdpx", p]));
    let document = samples.join(SAMPLE);
    let by_relative = one(&format!("samples/{SAMPLE}"));
    assert_eq!(by_relative, one(document.to_str().unwrap()));
    assert!(by_relative.contains(&format!(" name=\"{SAMPLE}\" plainTextPath")));
}

/// A memo whose note, actor and issue carry bidi overrides and carriage
/// returns, with a neutral position adopted from ben on a two-line paragraph.
fn bidi_document(dir: &Path) -> PathBuf {
    use glossator::annotation::{Annotation, Origin, Stance, Tag};
    use glossator::document::anchor::Anchor;
    let path = dir.join("bidi.txt");
    let text = "From the diary of\nCharge d' Affairs A. M. Petrov\n\nNam Il said\u{202e}txet desrever.\r\n";
    std::fs::write(&path, text).unwrap();
    let doc = Document::open(&path).unwrap();
    let mut sidecar = Sidecar::new(&doc, "kim");
    let mut a = Annotation::created_at(
        Tag::Position {
            actor: "Nam Il\u{2066}".into(),
            stance: Stance::Neutral,
            issue: "criticism of Kim Il Sung".into(),
        },
        Anchor::whole(&doc, 0),
        "2026-01-01T00:00:00.000Z".into(),
    );
    a.note = Some("abc\u{202e}fed\rlone\r\nwindows".into());
    a.origin = Some(Origin {
        annotator: "ben".into(),
        id: "1a2b".into(),
        replaced: None,
    });
    sidecar.annotations.push(a);
    let b = Annotation::created_at(
        Tag::Claim {
            by: "Nam Il".into(),
        },
        Anchor::whole(&doc, 1),
        "2026-01-02T00:00:00.000Z".into(),
    );
    sidecar.annotations.push(b);
    std::fs::write(sidecar_path(&path, "kim"), sidecar.to_ron().unwrap()).unwrap();
    path
}

const BIDI: [char; 12] = [
    '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200e}', '\u{200f}', '\u{061c}',
];

/// Every export printed raw U+202E to the terminal, the HTML page rendered a
/// note reversed, and csv, statements and html carried raw CRs in cells.
#[test]
fn bidi_and_control_characters_never_reach_a_terminal_or_page_raw() {
    let dir = tempfile::tempdir().unwrap();
    bidi_document(dir.path());
    for format in FORMATS.into_iter().filter(|f| *f != "qdpx") {
        let out = export_ok(dir.path(), &["--format", format, "bidi.txt"]);
        let text = String::from_utf8(out).unwrap();
        for c in BIDI {
            assert!(!text.contains(c), "{format} prints raw {c:?}");
        }
        match format {
            "json" | "jsonl" | "w3c" => {
                // The data is kept, escaped.
                assert!(text.contains("\\u202e") && !text.contains('\r'), "{format}");
                let first: Value = if format == "jsonl" {
                    serde_json::from_str(text.lines().next().unwrap()).unwrap()
                } else {
                    serde_json::from_str::<Value>(&text).unwrap()[0].clone()
                };
                let note = if format == "w3c" {
                    first["body"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .find(|b| b["purpose"] == "commenting")
                        .unwrap()["value"]
                        .clone()
                } else {
                    first["note"].clone()
                };
                assert_eq!(note, "abc\u{202e}fed\rlone\r\nwindows", "{format}");
            }
            "graphml" => {
                well_formed(&text);
                assert!(text.contains("Nam Il&#x2066;"), "{text}");
            }
            "csv" | "statements" => {
                // CR only ends records; cells show placeholders.
                assert!(!text.replace("\r\n", "").contains('\r'), "{format}: raw CR");
                let mut reader = csv::Reader::from_reader(text.as_bytes());
                let cells: Vec<String> = reader
                    .records()
                    .flat_map(|r| r.unwrap().iter().map(String::from).collect::<Vec<_>>())
                    .collect();
                assert!(cells.iter().all(|c| !c.contains('\r')), "{cells:?}");
                assert!(text.contains("[U+2066]"), "{format}");
                if format == "csv" {
                    assert!(text.contains("abc[U+202E]fed␍lone\nwindows"), "{text}");
                }
            }
            _ => {
                assert!(!text.contains('\r'), "{format}: raw CR in {text:?}");
                // Markdown escapes the brackets (they render as written).
                let text = text.replace("\\[", "[").replace("\\]", "]");
                assert!(
                    text.contains("[U+202E]") && text.contains("[U+2066]"),
                    "{format}"
                );
            }
        }
    }
    let qde = qde_of(&export_ok(dir.path(), &["--format", "qdpx", "bidi.txt"]));
    for c in BIDI {
        assert!(!qde.contains(c), "qdpx holds raw {c:?}");
    }
    assert!(qde.contains("abc&#x202E;fed&#13;lone&#13;\nwindows"));
    validate_qde(&qde);
}

/// A neutral stance read "Nam Il neutrals criticism of …" wherever a sentence
/// was made of it.
#[test]
fn a_neutral_position_reads_is_neutral_on_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    bidi_document(dir.path());
    for format in ["md", "html", "w3c", "qdpx"] {
        let out = export_ok(dir.path(), &["--format", format, "bidi.txt"]);
        let text = if format == "qdpx" {
            qde_of(&out)
        } else {
            String::from_utf8(out).unwrap()
        };
        assert!(!text.contains("neutrals"), "{format}: {text}");
        assert!(text.contains("is neutral on"), "{format}: {text}");
    }
}

/// Markdown joined the lines of an excerpt into one run-on line, and adopted
/// annotations did not say where they came from (md and html).
#[test]
fn markdown_keeps_an_excerpts_lines_and_both_say_adopted_from() {
    let dir = tempfile::tempdir().unwrap();
    bidi_document(dir.path());
    let md = String::from_utf8(export_ok(dir.path(), &["--format", "md", "bidi.txt"])).unwrap();
    // A hard line break (two spaces) ends every line but the last of a quote
    // (which ends with the mark of the footnote citing it).
    assert!(
        md.contains("> From the diary of  \n> Charge d' Affairs A. M. Petrov[^1]\n"),
        "{md}"
    );
    assert!(md.contains("· adopted from ben"), "{md}");
    let html = String::from_utf8(export_ok(dir.path(), &["--format", "html", "bidi.txt"])).unwrap();
    assert!(
        html.contains("adopted from <span class=\"annotator\">ben</span>"),
        "{html}"
    );
    // Only the adopted annotation says so.
    assert_eq!(md.matches("adopted from").count(), 1);
}

/// QualCoder's own REFI-QDA import of a folder export (run headless by
/// tests/data/refi-qda/qualcoder_import.py): no coding dropped as a duplicate,
/// no source it cannot copy, every document, and every position's actor,
/// stance and issue among the codes of its segment. Needs a QualCoder checkout
/// and PyQt6: `QUALCODER_SRC=… cargo test --test export_formats -- --ignored`.
#[test]
#[ignore = "needs a QualCoder checkout in QUALCODER_SRC, PyQt6 and python3"]
fn qualcoder_imports_every_position_with_its_stance() {
    let src = std::env::var("QUALCODER_SRC")
        .expect("set QUALCODER_SRC to a checkout of github.com/ccbogel/QualCoder");
    let dir = tempfile::tempdir().unwrap();
    copy_samples(&dir.path().join("samples"), |_| true);
    let qdpx = dir.path().join("samples.qdpx");
    let (code, _, err) = export(
        dir.path(),
        &["--format", "qdpx", "-o", qdpx.to_str().unwrap(), "samples"],
    );
    assert_eq!(code, 0, "{err}");
    let out = std::process::Command::new("python3")
        .arg(root().join("tests/data/refi-qda/qualcoder_import.py"))
        .args([src.as_str(), qdpx.to_str().unwrap(), "--json"])
        .env("QT_QPA_PLATFORM", "offscreen")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let log: Vec<&str> = report["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect();
    for bad in ["Duplicated", "Cannot copy", "Cannot read"] {
        assert!(!log.iter().any(|l| l.contains(bad)), "{log:#?}");
    }
    assert_eq!(report["messages"], serde_json::json!([]));
    let sources: Vec<&str> = report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        sources,
        [SAMPLE, "memo-1961-10-02-fisheries-talks.txt"],
        "{report}"
    );
    let json: Vec<Value> = serde_json::from_slice(&export_ok(dir.path(), &["samples"])).unwrap();
    let segments = report["segments"].as_array().unwrap();
    for p in json.iter().filter(|e| e["kind"] == "position") {
        let statement = format!(
            "{} {} \"{}\"",
            p["actor"].as_str().unwrap(),
            if p["stance"] == "support" {
                "supports"
            } else {
                "opposes"
            },
            p["issue"].as_str().unwrap()
        );
        let on = segments.iter().find(|s| {
            s["owner"] == p["annotator"]
                && s["codes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c == statement.as_str())
        });
        let on = on.unwrap_or_else(|| {
            panic!(
                "{statement} by {} not in QualCoder: {report}",
                p["annotator"]
            )
        });
        let codes = on["codes"].as_array().unwrap();
        for code in [&p["actor"], &p["issue"], &p["stance"]] {
            assert!(codes.contains(code), "{code} missing on {on}");
        }
    }
}
