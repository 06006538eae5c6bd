//! `gloss actors` from the command line, in temp folders: mentions as JSON
//! lines with code point offsets, the table with proposed aliases, and
//! `--add` writing the codebook.

mod common;

use common::cli::{assert_success, gloss};
use glossator::project::Project;
use serde_json::Value;

/// A memorandum written for these tests in the shape of the archive's ones:
/// an author line, bracketed romanisations, surnames, titles and "I".
const MEMO: &str = "Record of Conversation with Minister of Foreign Affairs Nam Il\n\nFrom the diary of\nPetrov A.\n\nToday I met Comrade Pak Chang-ok [Pak Chang Ok] and Nam Il.\n\nPak told Nam Il that the plan was met. Then the Minister thanked me.\n";

fn mentions(out: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn jsonl_gives_each_mention_in_code_points_with_its_actor() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = tmp.path().join("memo.txt");
    std::fs::write(&doc, MEMO).unwrap();
    let out = gloss()
        .args(["actors", "--format", "jsonl"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_success(&out);
    let all = mentions(&out.stdout);
    let paragraphs: Vec<&str> = MEMO.split("\n\n").collect();
    for m in &all {
        let p = paragraphs[m["paragraph"].as_u64().unwrap() as usize - 1];
        let (s, e) = (
            m["start"].as_u64().unwrap() as usize,
            m["end"].as_u64().unwrap() as usize,
        );
        let surface: String = p.chars().skip(s).take(e - s).collect();
        assert_eq!(surface, m["surface"].as_str().unwrap(), "{m}");
        assert_eq!(m["source"].as_str().unwrap(), doc.display().to_string());
    }
    let actor_of = |surface: &str, paragraph: u64| {
        all.iter()
            .find(|m| m["surface"] == surface && m["paragraph"] == paragraph)
            .map(|m| m["actor"].as_str().unwrap().to_string())
    };
    assert_eq!(actor_of("Pak", 4).as_deref(), Some("Pak Chang-ok"));
    assert_eq!(actor_of("Pak Chang Ok", 3).as_deref(), Some("Pak Chang-ok"));
    // "I" is the author, as the text names them.
    assert_eq!(actor_of("I", 3), actor_of("Petrov A.", 2));
    assert_eq!(actor_of("Minister", 4).as_deref(), Some("Nam Il"));
}

#[test]
fn table_lists_actors_forms_and_proposed_aliases() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = tmp.path().join("memo.txt");
    std::fs::write(&doc, MEMO).unwrap();
    let out = gloss().arg("actors").arg(&doc).output().unwrap();
    assert_success(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Pak Chang-ok (new)\t3\t"), "{text}");
    assert!(
        text.contains("proposed aliases:\nPak Chang-ok = Pak Chang Ok\n"),
        "{text}"
    );
}

#[test]
fn add_writes_actors_and_aliases_into_a_new_codebook_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = tmp.path().join("memo.txt");
    std::fs::write(&doc, MEMO).unwrap();
    // Declined: nothing written.
    let out = gloss()
        .args(["actors", "--add"])
        .arg(&doc)
        .write_stdin("n\n")
        .output()
        .unwrap();
    assert_success(&out);
    assert!(!tmp.path().join("gloss.ron").exists());
    let out = gloss()
        .args(["actors", "--add", "--yes"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_success(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("(a new project file)"), "{text}");
    assert!(text.contains("created "), "{text}");
    let project = Project::load(&tmp.path().join("gloss.ron")).unwrap();
    let pak = project.actor("Pak Chang-ok").unwrap();
    assert_eq!(pak.aliases, vec!["Pak Chang Ok".to_string()]);
    assert!(project.actor("Nam Il").is_some());
    assert!(project.actor("Pak Chang Ok").is_none());
    // Run again: the codebook knows them now; the names resolve through it.
    let out = gloss()
        .args(["actors", "--format", "jsonl"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_success(&out);
    let all = mentions(&out.stdout);
    assert!(all.iter().any(|m| m["surface"] == "Pak Chang Ok"
        && m["rule"] == "registry"
        && m["actor"] == "Pak Chang-ok"));
}

#[test]
fn a_missing_document_is_one_line_and_exit_1() {
    let tmp = tempfile::tempdir().unwrap();
    let out = gloss()
        .arg("actors")
        .arg(tmp.path().join("nope.txt"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1);
    // The file is named once, not once by the command and again by the
    // error.
    assert_eq!(err.matches("nope.txt").count(), 1, "{err}");
}

/// Once `--add` has put the bracket pairs into the codebook, a second run
/// neither proposes them again nor claims to have updated the file.
#[test]
fn add_run_twice_proposes_nothing_already_in_the_codebook() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = tmp.path().join("memo.txt");
    std::fs::write(&doc, MEMO).unwrap();
    let first = gloss()
        .args(["actors", "--add", "--yes"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_success(&first);
    let written = std::fs::read(tmp.path().join("gloss.ron")).unwrap();
    let again = gloss()
        .args(["actors", "--add", "--yes"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_success(&again);
    let text = String::from_utf8_lossy(&again.stdout);
    assert!(!text.contains("proposed aliases"), "{text}");
    assert!(!text.contains("alias Pak Chang Ok"), "{text}");
    assert!(text.contains("nothing to add"), "{text}");
    assert_eq!(
        std::fs::read(tmp.path().join("gloss.ron")).unwrap(),
        written
    );
}

/// The samples' mentions and table as the detector gave them before it was
/// made faster (tests/golden/actors-samples.*, written by that build, and
/// again when detection changed on purpose: classification markings are no
/// signatures, `Under-Secretary` titles the name after it): speed work must
/// not change a byte of either.
#[test]
fn samples_detect_as_the_golden_files_say() {
    let root = env!("CARGO_MANIFEST_DIR");
    for (format, golden) in [
        ("jsonl", "tests/golden/actors-samples.jsonl"),
        ("table", "tests/golden/actors-samples.txt"),
    ] {
        let out = gloss()
            .current_dir(root)
            .args(["actors", "--format", format, "samples"])
            .output()
            .unwrap();
        assert_success(&out);
        let expected = std::fs::read_to_string(format!("{root}/{golden}")).unwrap();
        assert_eq!(String::from_utf8_lossy(&out.stdout), expected, "{golden}");
    }
}

/// A Korean name beside its romanisation, in either order: proposed as an
/// alias of the romanisation; once added, the registry finds the Korean
/// name alone in another document (with code point offsets).
#[test]
fn a_hangul_name_in_brackets_becomes_an_alias_found_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let memo = tmp.path().join("memo.txt");
    std::fs::write(
        &memo,
        "Pak Chang-ok [박창옥] told Nam Il that the plan was late.\n\n최창익 [Choe Chang-ik] said the cadres had not been consulted.\n",
    )
    .unwrap();
    let out = gloss()
        .args(["actors", "--add", "--yes"])
        .arg(&memo)
        .output()
        .unwrap();
    assert_success(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Pak Chang-ok = 박창옥"), "{text}");
    assert!(text.contains("Choe Chang-ik = 최창익"), "{text}");
    let project = Project::load(&tmp.path().join("gloss.ron")).unwrap();
    assert_eq!(
        project.actor("Choe Chang-ik").unwrap().aliases,
        vec!["최창익".to_string()]
    );
    let other = tmp.path().join("other.txt");
    // The name alone, then with the topic particle written onto it.
    std::fs::write(
        &other,
        "회의에서 박창옥 동지가 발언했다. 최창익은 반대했다.\n",
    )
    .unwrap();
    let out = gloss()
        .args(["actors", "--format", "jsonl"])
        .arg(&other)
        .output()
        .unwrap();
    assert_success(&out);
    let all = mentions(&out.stdout);
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(all[1]["surface"], "최창익");
    assert_eq!(all[1]["actor"], "Choe Chang-ik");
    assert_eq!(
        (all[1]["start"].as_u64(), all[1]["end"].as_u64()),
        (Some(19), Some(22))
    );
    assert_eq!(all[0]["surface"], "박창옥");
    assert_eq!(all[0]["actor"], "Pak Chang-ok");
    assert_eq!(all[0]["rule"], "registry");
    assert_eq!(
        (all[0]["start"].as_u64(), all[0]["end"].as_u64()),
        (Some(5), Some(8))
    );
}

/// A folder's documents are read and detected a few at a time, each
/// text dropped once detected unless other documents' names may change
/// it: a surname alone in the last document still links to the full name
/// the first one gives, and every document keeps its own mentions, in
/// the order of the files.
#[test]
fn a_name_from_the_first_of_many_documents_links_a_surname_in_the_last() {
    let tmp = tempfile::tempdir().unwrap();
    let count = 40;
    for i in 0..count {
        let text = match i {
            0 => "Comrade Pak Chang-ok opened the session on the grain plan.\n".to_string(),
            _ if i == count - 1 => {
                "The grain plan was then discussed with Pak at length.\n".to_string()
            }
            _ => format!("Minister Kim Il-{i} reported on district {i}.\n"),
        };
        std::fs::write(tmp.path().join(format!("memo-{i:02}.txt")), text).unwrap();
    }
    let out = gloss()
        .args(["actors", "--format", "jsonl"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_success(&out);
    let all = mentions(&out.stdout);
    let sources: Vec<String> = all
        .iter()
        .map(|m| {
            let source = m["source"].as_str().unwrap();
            source.rsplit('/').next().unwrap().to_string()
        })
        .collect();
    let mut sorted = sources.clone();
    sorted.sort();
    assert_eq!(sources, sorted, "mentions in the order of the files");
    let last = all
        .iter()
        .find(|m| m["source"].as_str().unwrap().ends_with("memo-39.txt"))
        .unwrap_or_else(|| panic!("no mention in the last document: {all:?}"));
    assert_eq!(last["surface"], "Pak");
    assert_eq!(last["actor"], "Pak Chang-ok");
    for i in 1..count - 1 {
        let name = format!("Kim Il-{i}");
        assert!(
            all.iter().any(|m| m["surface"] == name.as_str()
                && m["source"]
                    .as_str()
                    .unwrap()
                    .ends_with(&format!("memo-{i:02}.txt"))),
            "{name} missing: {all:?}"
        );
    }
}

/// With `--format jsonl`, `--add`'s listing and question go to stderr:
/// every line of stdout stays a JSON object.
#[test]
fn jsonl_with_add_keeps_the_dialog_off_the_json_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = tmp.path().join("memo.txt");
    std::fs::write(&doc, MEMO).unwrap();
    let out = gloss()
        .args(["actors", "--format", "jsonl", "--add", "--yes"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_success(&out);
    assert!(!mentions(&out.stdout).is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("created "), "{err}");
    assert!(tmp.path().join("gloss.ron").exists());
}

/// A codebook holding a merge's `// CONFLICT` comments is not rewritten
/// (the other branch's values would be lost): one line naming the file and
/// the comment's line, exit 1, the file as it was.
#[test]
fn add_refuses_a_codebook_with_unresolved_merge_conflicts() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = tmp.path().join("memo.txt");
    std::fs::write(&doc, MEMO).unwrap();
    let out = gloss()
        .args(["actors", "--add", "--yes"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_success(&out);
    let codebook = tmp.path().join("gloss.ron");
    let text = std::fs::read_to_string(&codebook).unwrap();
    let at = 1 + text
        .find("\n        (\n            name: \"Nam Il\"")
        .unwrap();
    let mut conflicted = text.clone();
    conflicted.insert_str(
        at,
        "// CONFLICT (gloss merge): theirs: (name: \"Nam Il\")\n",
    );
    assert!(Project::load(&codebook).is_ok());
    std::fs::write(&codebook, &conflicted).unwrap();
    let line = conflicted[..at].lines().count() + 1;
    std::fs::write(
        tmp.path().join("other.txt"),
        "Memo\n\nAmbassador Puzanov met Comrade Kim Tu-bong.\n",
    )
    .unwrap();
    let out = gloss()
        .args(["actors", "--add", "--yes"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("gloss.ron:{line}: unresolved merge conflict")),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&codebook).unwrap(), conflicted);
}

/// A reader that stops early (`| head`) is no failure: no panic, exit 0,
/// and `--add` still writes the codebook.
#[test]
fn a_closed_pipe_is_no_failure_and_add_still_writes() {
    let tmp = tempfile::tempdir().unwrap();
    // Enough mentions to fill a pipe's buffer many times over.
    for i in 0..300 {
        std::fs::write(tmp.path().join(format!("memo-{i:03}.txt")), MEMO).unwrap();
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_gloss"))
        .args(["actors", "--format", "jsonl", "--add", "--yes"])
        .arg(tmp.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(tmp.path().join("gloss.ron").exists());
}

/// Output that cannot be written (a full disk) is said, exit 1.
#[cfg(target_os = "linux")]
#[test]
fn output_that_cannot_be_written_is_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = tmp.path().join("memo.txt");
    std::fs::write(&doc, MEMO).unwrap();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gloss"))
        .arg("actors")
        .arg(&doc)
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("standard output: "), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// A document named twice, as itself and through its folder, is counted
/// once.
#[test]
fn a_document_named_twice_is_counted_once() {
    let tmp = tempfile::tempdir().unwrap();
    let doc = tmp.path().join("memo.txt");
    std::fs::write(&doc, MEMO).unwrap();
    let once = gloss()
        .args(["actors", "--format", "jsonl"])
        .arg(&doc)
        .output()
        .unwrap();
    assert_success(&once);
    let twice = gloss()
        .args(["actors", "--format", "jsonl"])
        .arg(&doc)
        .arg(tmp.path())
        .arg(tmp.path().join(".").join("memo.txt"))
        .output()
        .unwrap();
    assert_success(&twice);
    assert_eq!(mentions(&twice.stdout).len(), mentions(&once.stdout).len());
}

/// A folder's image is no document: `gloss actors` and `gloss suggest`
/// pass over it there, and refuse it named on its own.
#[test]
fn a_binary_file_in_a_folder_is_passed_over_and_refused_alone() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("memo.txt"), MEMO).unwrap();
    let scan = tmp.path().join("scan.png");
    std::fs::write(&scan, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
    for command in ["actors", "suggest"] {
        let out = gloss().arg(command).arg(tmp.path()).output().unwrap();
        assert_success(&out);
        assert!(!out.stdout.is_empty(), "{command}");
        let out = gloss().arg(command).arg(&scan).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{command}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("scan.png: binary file"), "{command}: {err}");
    }
}

/// A codebook that does not parse is said once (not again by `--add`),
/// exit 1, the file as it was; `--yes` alone is a usage error.
#[test]
fn add_over_a_broken_codebook_says_it_once_and_yes_needs_add() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("memo.txt"), MEMO).unwrap();
    let broken =
        "(\n    version: 1,\n    actors: [\n        ( name: \"A\" aliases: [] ),\n    ],\n)\n";
    let codebook = tmp.path().join("gloss.ron");
    std::fs::write(&codebook, broken).unwrap();
    let out = gloss()
        .args(["actors", "--add", "--yes"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("gloss.ron:4:"), "{err}");
    assert_eq!(std::fs::read_to_string(&codebook).unwrap(), broken);
    let out = gloss()
        .args(["actors", "--yes"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
