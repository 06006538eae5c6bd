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
    assert_eq!(positions.len(), json.len());
    for ((start, end), excerpt) in positions.iter().zip(&json) {
        let cut: String = chars[*start..*end].iter().collect();
        assert_eq!(cut, excerpt["text"].as_str().unwrap());
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
        // What could be exported (nothing) is still a valid document of the format.
        if format == "json" || format == "w3c" {
            assert_eq!(
                serde_json::from_slice::<Value>(&out).unwrap(),
                Value::Array(vec![])
            );
        }
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
