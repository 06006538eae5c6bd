//! The corpus list in a real terminal (`gloss DIR`, tmux): open a document,
//! tag, `q` back to the list with the row's count grown, `}` to the next
//! document without going back, and the place left kept for next time.

mod common;

use common::tmux::Setup;

const TMUX: Setup = Setup::plain("gloss-corpus");

/// Two memos of an archive, one already tagged by a colleague.
fn archive() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("archive");
    std::fs::create_dir_all(root.join("1957")).unwrap();
    std::fs::write(
        root.join("memo-1956.txt"),
        "Memorandum of conversation with Nam Il, 24 July 1956\n\nNam Il said the group was ready.\n\nPetrov advised waiting.\n",
    )
    .unwrap();
    std::fs::write(
        root.join("1957/memo-1957.txt"),
        "Record of a talk with Han Tae-jun, 12 March 1957\n\nHan asked for locomotives on credit.\n",
    )
    .unwrap();
    dir
}

/// The line of the screen naming `needle`.
fn line_of(screen: &str, needle: &str) -> String {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in\n{screen}"))
        .to_string()
}

#[test]
fn open_tag_return_with_the_count_grown_then_the_next_document() {
    let dir = archive();
    let t = TMUX.start(dir.path(), "--as kim archive");
    t.wait_for("2 documents");
    // Dates come from the text, read in the background.
    let list = t.wait_for("1957-03-12");
    // Sorted by date: the 1956 memo first.
    assert!(line_of(&list, "1956-07-24").contains(" - "), "{list}");
    t.keys(&["Enter"]);
    t.wait_for("¶1/3");
    t.keys(&["j", "c", "Nam Il", "Enter"]);
    t.wait_saved("C1 A0 P0");
    t.keys(&["q"]);
    let back = t.wait_for("2 documents");
    let row = line_of(&back, "1956-07-24");
    assert!(row.contains("1/0/0"), "the count grew: {back}");
    // Back at the same row: Enter opens the same document, at ¶2 left.
    t.keys(&["Enter"]);
    t.wait_for("¶2/3");
    // The next document of the list, without going back.
    t.keys(&["}"]);
    t.wait_for("memo-1957.txt");
    t.wait_for("¶1/2");
    t.keys(&["q"]);
    let back = t.wait_for("2 documents");
    // The selection followed to the second row.
    t.keys(&["Enter"]);
    t.wait_for("memo-1957.txt");
    t.keys(&["q"]);
    t.wait_for("2 documents");
    assert!(back.contains("1957-03-12"), "{back}");
    t.keys(&["q"]);
    t.wait_exit();
    // The places left were written to the state folder.
    let places = std::fs::read_to_string(dir.path().join(".state/places.ron")).unwrap();
    assert!(places.contains("memo-1957.txt"), "{places}");
}

#[test]
fn a_new_document_shows_without_a_restart() {
    let dir = archive();
    let t = TMUX.start(dir.path(), "--as kim archive");
    t.wait_for("1957-03-12");
    std::fs::write(
        dir.path().join("archive/late.txt"),
        "A cable that came late.\n",
    )
    .unwrap();
    t.wait_for("3 documents");
    std::fs::remove_file(dir.path().join("archive/1957/memo-1957.txt")).unwrap();
    let screen = t.wait_for("2 documents");
    assert!(!screen.contains("1957-03-12"), "{screen}");
    t.keys(&["q"]);
    t.wait_exit();
}

#[test]
fn gloss_alone_below_a_project_file_opens_its_folder() {
    let dir = archive();
    let root = dir.path().join("archive");
    std::fs::write(root.join("gloss.ron"), "(version: 1)").unwrap();
    let t = TMUX.start(&root.join("1957"), "--as kim");
    let list = t.wait_for("2 documents");
    assert!(list.contains("archive"), "{list}");
    t.keys(&["q"]);
    t.wait_exit();
}

#[test]
fn search_hits_open_at_their_paragraph_and_n_goes_on_to_the_next_document() {
    let dir = archive();
    let t = TMUX.start(dir.path(), "--as kim archive");
    t.wait_for("1957-03-12");
    t.keys(&["/"]);
    t.wait_for("Search every document");
    t.keys(&["locomotives", "Enter"]);
    t.wait_for("1 match in 1 document");
    t.keys(&["Escape"]);
    t.wait_for("2 documents");
    t.keys(&["/"]);
    t.keys(&["said", "Enter"]);
    t.wait_for("in 1 document");
    t.keys(&["Enter"]);
    let doc = t.wait_for("¶2/3");
    assert!(doc.contains("/said"), "{doc}");
    // Past the only match: wrapped in this document (no other document's hit).
    t.keys(&["q"]);
    t.wait_for("Search every document");
    t.keys(&["Escape"]);
    t.wait_for("2 documents");
    t.keys(&["/"]);
    t.keys(&["with", "Enter"]);
    t.wait_for("2 matches in 2 documents");
    // Hits are in path order: 1957/memo-1957.txt first.
    // (The status line shows the search, so documents are told apart by
    // their paragraph counts: 2 and 3.)
    t.keys(&["Enter"]);
    t.wait_for("¶1/2");
    t.keys(&["n"]);
    let next = t.wait_for("¶1/3");
    assert!(next.contains("Memorandum of conversation"), "{next}");
    t.keys(&["N"]);
    t.wait_for("¶1/2");
    t.keys(&["q"]);
    t.wait_for("Search every document");
    t.keys(&["Escape"]);
    t.wait_for("2 documents");
    t.keys(&["q"]);
    t.wait_exit();
}

/// `gloss DIR` answered "is a folder, not a document"; now a folder is the
/// corpus list, which (like every TUI) needs a terminal.
#[test]
fn a_folder_is_no_longer_refused_as_a_document() {
    let dir = archive();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gloss"))
        .args(["--as", "kim"])
        .arg(dir.path().join("archive"))
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("the corpus list needs a terminal"),
        "{stderr}"
    );
    assert!(!stderr.contains("not a document"), "{stderr}");
}
