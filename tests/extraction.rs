//! Extraction as every command sees it, running the real binary:
//! `--as-format` and `--keep-all` taken by every command that reads
//! documents; the extraction cached in the state folder (keyed by content,
//! never trusted over a changed file, safe to delete); annotations made on an
//! older extractor's text re-anchored, never lost.

mod common;

use std::path::Path;

use assert_cmd::Command;
use clap::Parser;
use glossator::annotation::{Annotation, Tag};
use glossator::cli::{Cli, Commands};
use glossator::document::anchor::Anchor;
use glossator::document::formats::Format;
use glossator::document::{Document, OpenOptions};
use glossator::sidecar::{Sidecar, SourceInfo, sidecar_path};
use serde_json::Value;

/// A saved archive page: header, navigation, the record, a sidecar, footer.
const PAGE: &str = r#"<!DOCTYPE html>
<html><head><title>Record of a Conversation</title>
<meta name="citation_title" content="Record of a Conversation with Nam Il">
<meta name="citation_date" content="1956-07-24">
</head><body>
<header><a href="/">The Digital Archive</a></header>
<nav><ul><li><a href="/">Home</a></li><li><a href="/search">Search</a></li></ul></nav>
<main>
<h1>Record of a Conversation with Nam Il</h1>
<p>Nam Il said that the delegation, having considered the matter at length, would agree to the talks.</p>
<h2>The reply</h2>
<p>The ambassador replied that the proposal was <em>not</em> acceptable &amp; asked for time.<br>
He added that Moscow would be told the same day.</p>
</main>
<aside class="sidebar"><p>Related: other records of the same week, collected by the archive.</p></aside>
<footer>Copyright &copy; 2024 The Digital Archive</footer>
</body></html>
"#;

fn gloss(dir: &Path) -> Command {
    let mut cmd = common::cli::gloss();
    cmd.current_dir(dir)
        .env("GLOSS_CONFIG_DIR", "/nonexistent-gloss-config")
        .env("GLOSS_STATE_DIR", dir.join(".state"));
    cmd
}

fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    common::cli::assert_success(&out);
    String::from_utf8(out.stdout).unwrap()
}

const AS_HTML: OpenOptions = OpenOptions {
    format: Some(Format::Html),
    keep_all: false,
};

/// Tag the paragraph starting with `start` of `doc` as a claim, for `annotator`.
fn tag_in(doc: &Document, path: &Path, annotator: &str, starts: &[&str]) {
    let mut sidecar = Sidecar::new(doc, annotator);
    for start in starts {
        let i = (0..doc.len())
            .find(|&i| doc.paragraph_text(i).starts_with(start))
            .unwrap_or_else(|| panic!("no paragraph starts with {start}: {}", doc.text()));
        sidecar.annotations.push(Annotation::created_at(
            Tag::Claim {
                by: "Nam Il".into(),
            },
            Anchor::whole(doc, i),
            "2026-11-30T06:00:00Z".into(),
        ));
    }
    std::fs::write(sidecar_path(path, annotator), sidecar.to_ron().unwrap()).unwrap();
}

#[test]
fn every_command_that_reads_documents_takes_as_format_and_keep_all() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("saved.txt");
    std::fs::write(&saved, PAGE).unwrap();
    let doc = Document::open_with(&saved, AS_HTML).unwrap();
    tag_in(&doc, &saved, "kim", &["Nam Il said"]);
    tag_in(&doc, &saved, "lee", &["Nam Il said"]);
    let read = ["--as-format", "html", "--keep-all"];

    let text = stdout_of(gloss(dir.path()).arg("text").args(read).arg("saved.txt"));
    assert!(text.starts_with("Record of a Conversation"), "{text}");
    assert!(!text.contains('<') && !text.contains("Home"), "{text}");

    let out = stdout_of(
        gloss(dir.path())
            .args(["export", "--format", "json", "--annotator", "kim"])
            .args(&read[..2])
            .arg("saved.txt"),
    );
    let excerpts: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(excerpts.len(), 1, "{out}");
    assert_eq!(
        excerpts[0]["section"], "Record of a Conversation with Nam Il",
        "{out}"
    );
    assert!(
        excerpts[0]["text"]
            .as_str()
            .unwrap()
            .starts_with("Nam Il said")
    );
    // Read as the text it is, the same sidecar's paragraph is not found whole.
    let plain = gloss(dir.path())
        .args([
            "export",
            "--format",
            "json",
            "--annotator",
            "kim",
            "saved.txt",
        ])
        .output()
        .unwrap();
    assert_ne!(plain.stdout, out.as_bytes());

    for args in [
        vec!["check"],
        vec!["agree"],
        vec!["meta"],
        vec!["actors"],
        vec!["export", "--format", "csv"],
    ] {
        let out = gloss(dir.path())
            .args(&args)
            .args(read)
            .arg("saved.txt")
            .output()
            .unwrap();
        common::cli::assert_success(&out);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!stdout.contains("<main>"), "{args:?}: {stdout}");
    }
    let meta = stdout_of(
        gloss(dir.path())
            .args(["meta", "--format", "json"])
            .args(read)
            .arg("saved.txt"),
    );
    assert!(meta.contains("1956-07-24"), "{meta}");

    // The TUIs (gloss FILE, gloss DIR, gloss review) take them too.
    for line in [
        vec!["gloss", "--as-format", "html", "--keep-all", "saved.txt"],
        vec!["gloss", "--as-format", "html", "--keep-all", "."],
        vec![
            "gloss",
            "review",
            "--as-format",
            "html",
            "--keep-all",
            "saved.txt",
        ],
    ] {
        let cli = Cli::try_parse_from(&line).unwrap_or_else(|e| panic!("{line:?}: {e}"));
        let read = match cli.command {
            Some(Commands::Review { session, .. }) => session.read,
            None => cli.session.read,
            Some(other) => panic!("{other:?}"),
        };
        assert_eq!(read.as_format, Some(Format::Html), "{line:?}");
        assert!(read.keep_all, "{line:?}");
    }
    let err = gloss(dir.path())
        .args(["text", "--as-format", "odt", "saved.txt"])
        .output()
        .unwrap();
    assert_eq!(err.status.code(), Some(2));
}

#[test]
fn keep_all_keeps_the_furniture_a_tag_was_put_on() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    std::fs::write(&page, PAGE).unwrap();
    let all = OpenOptions {
        format: None,
        keep_all: true,
    };
    let doc = Document::open_with(&page, all).unwrap();
    tag_in(&doc, &page, "kim", &["Related: other records"]);
    let out = stdout_of(gloss(dir.path()).args(["check", "--keep-all", "page.html"]));
    assert!(
        out.contains("1 exact") && out.contains("0 orphaned"),
        "{out}"
    );
    let json =
        stdout_of(gloss(dir.path()).args(["text", "--all", "--format", "json", "page.html"]));
    let sidebar: Value = json
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|l| l["text"].as_str().unwrap().starts_with("Related"))
        .unwrap();
    assert_eq!(sidebar["boilerplate"], true);
}

/// A page large enough to be cached, its first paragraph naming `who`.
fn big_page(who: &str) -> String {
    let mut html = format!(
        "<html><body><nav>Home</nav><main><h1>Minutes</h1><p>{who} opened the meeting, as agreed.</p>\n"
    );
    let mut i = 0;
    while html.len() < 100_000 {
        html.push_str(&format!(
            "<p>Item {i}: the committee heard the report and, after discussion, approved it.</p>\n"
        ));
        i += 1;
    }
    html + "</main></body></html>\n"
}

fn cache_entries(dir: &Path) -> Vec<std::path::PathBuf> {
    match std::fs::read_dir(dir.join(".state/extracted")) {
        Ok(entries) => entries.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

#[test]
fn the_extraction_is_cached_by_content_and_safe_to_delete() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("minutes.html");
    std::fs::write(&page, big_page("Nam Il")).unwrap();
    let fresh = stdout_of(gloss(dir.path()).args(["text", "minutes.html"]));
    let entries = cache_entries(dir.path());
    assert_eq!(entries.len(), 1, "{entries:?}");
    let name = entries[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(name.ends_with("-gloss-html-1.json"), "{name}");

    // The next run reads the entry (doctored here, to tell it from a fresh
    // extraction), not the page.
    let entry = std::fs::read_to_string(&entries[0]).unwrap();
    std::fs::write(&entries[0], entry.replace("Nam Il", "Kim Il")).unwrap();
    let cached = stdout_of(gloss(dir.path()).args(["text", "minutes.html"]));
    assert_eq!(cached, fresh.replace("Nam Il", "Kim Il"));

    // --keep-all is another entry.
    stdout_of(gloss(dir.path()).args(["text", "--keep-all", "minutes.html"]));
    assert_eq!(cache_entries(dir.path()).len(), 2);

    // A changed page is extracted again, whatever the cache holds.
    std::fs::write(&page, big_page("Pak Chang-ok")).unwrap();
    let changed = stdout_of(gloss(dir.path()).args(["text", "minutes.html"]));
    assert!(changed.contains("Pak Chang-ok opened") && !changed.contains("Il opened"));

    // A damaged entry is ignored; a deleted cache only costs an extraction.
    for e in cache_entries(dir.path()) {
        std::fs::write(&e, "{ not json").unwrap();
    }
    assert_eq!(
        stdout_of(gloss(dir.path()).args(["text", "minutes.html"])),
        changed
    );
    std::fs::remove_dir_all(dir.path().join(".state")).unwrap();
    assert_eq!(
        stdout_of(gloss(dir.path()).args(["text", "minutes.html"])),
        changed
    );
    assert_eq!(
        std::fs::read_to_string(&page).unwrap(),
        big_page("Pak Chang-ok")
    );
}

/// What an older version of the HTML extractor made of [`PAGE`]: it kept
/// the navigation, ran the heading into the first paragraph and kept
/// `<br>`-separated lines in one paragraph with the next block.
const OLD_TEXT: &str = "The Digital Archive\n\nHome\n\nSearch\n\n\
Record of a Conversation with Nam Il\n\
Nam Il said that the delegation, having considered the matter at length, would agree to the talks.\n\n\
The reply\n\n\
The ambassador replied that the proposal was not acceptable & asked for time. \
He added that Moscow would be told the same day.\n";

#[test]
fn annotations_on_an_older_extractors_text_are_re_anchored_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("page.html");
    std::fs::write(&page, PAGE).unwrap();
    let old = Document::from_text(&page, OLD_TEXT);
    let mut sidecar = Sidecar::new(&old, "kim");
    sidecar.source = SourceInfo {
        name: "page.html".into(),
        size: OLD_TEXT.len() as u64,
        sha256: old.sha256().to_string(),
        extractor: Some("gloss-html 0".into()),
    };
    let reply = (0..old.len())
        .find(|&i| old.paragraph_text(i).starts_with("The ambassador"))
        .unwrap();
    let quote = "would agree to the talks";
    let said = (0..old.len())
        .find(|&i| old.paragraph_text(i).contains(quote))
        .unwrap();
    let at = old.paragraph_text(said).find(quote).unwrap();
    for (tag, anchor) in [
        (
            Tag::Claim {
                by: "The ambassador".into(),
            },
            Anchor::whole(&old, reply),
        ),
        (
            Tag::Claim {
                by: "Nam Il".into(),
            },
            Anchor::narrowed(&old, said, at, at + quote.len()).unwrap(),
        ),
    ] {
        sidecar.annotations.push(Annotation::created_at(
            tag,
            anchor,
            "2026-11-30T06:00:00Z".into(),
        ));
    }
    let sidecar_file = sidecar_path(&page, "kim");
    std::fs::write(&sidecar_file, sidecar.to_ron().unwrap()).unwrap();

    let out = stdout_of(gloss(dir.path()).args(["export", "--format", "json", "page.html"]));
    let excerpts: Vec<Value> = serde_json::from_str(&out).unwrap();
    assert_eq!(excerpts.len(), 2, "both kept: {out}");
    let texts: Vec<&str> = excerpts
        .iter()
        .map(|e| e["text"].as_str().unwrap())
        .collect();
    assert!(texts.contains(&"would agree to the talks"), "{texts:?}");
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("The ambassador replied") && t.contains("Moscow would be told")),
        "{texts:?}"
    );
    for e in &excerpts {
        assert_ne!(e["section"], "", "{e}");
    }
    let check = gloss(dir.path())
        .args(["check", "page.html"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&check.stdout).into_owned()
        + &String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "{said}");
    assert!(
        said.contains("2 fuzzy") && said.contains("0 orphaned"),
        "{said}"
    );
    // Nothing was rewritten by reading: the sidecar still names the old version.
    assert!(
        std::fs::read_to_string(&sidecar_file)
            .unwrap()
            .contains("gloss-html 0")
    );
}
