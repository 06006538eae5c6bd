//! Search across documents in a real terminal (`gloss DIR`, tmux): `/` finds
//! a phrase in every document, Enter opens a result at its paragraph with the
//! query as the document's search, `n` there goes on to the hit in the next
//! document; and tag-all from the results writes every document's sidecar,
//! one `u` taking them out again.

mod common;

use common::tmux::Setup;

const TMUX: Setup = Setup::plain("gloss-corpus-search");

/// Two memos in two folders, each with the phrase once, and one without it.
fn archive() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("archive");
    std::fs::create_dir_all(root.join("1957")).unwrap();
    std::fs::write(
        root.join("memo-1956.txt"),
        "Memorandum of conversation with Nam Il, 24 July 1956\n\nThe weather was discussed.\n\nNam Il asked for grain on credit.\n",
    )
    .unwrap();
    std::fs::write(
        root.join("1957/memo-1957.txt"),
        "Record of a talk with Han Tae-jun, 12 March 1957\n\nHan asked for locomotives on credit.\n",
    )
    .unwrap();
    std::fs::write(root.join("notes.txt"), "Nothing of the kind here.\n").unwrap();
    dir
}

#[test]
fn slash_finds_a_phrase_enter_opens_it_there_and_n_goes_on_to_the_next_document() {
    let dir = archive();
    let t = TMUX.start(dir.path(), "--as kim archive");
    t.wait_for("3 documents");
    t.keys(&["/"]);
    t.wait_for("Search every document");
    t.keys(&["asked for", "Enter"]);
    let results = t.wait_for("2 matches in 2 documents");
    assert!(results.contains("1957/memo-1957.txt"), "{results}");
    assert!(results.contains("¶3"), "{results}");
    // Results in path order: the 1957 folder first, then the 1956 memo.
    let first = results.find("1957/memo-1957.txt").unwrap();
    let second = results.find("memo-1956.txt").unwrap();
    assert!(first < second, "{results}");
    // The second row: the 1956 memo's hit, in another document than the first.
    t.keys(&["j", "Enter"]);
    let opened = t.wait_for("Nam Il asked for grain");
    t.wait_for("¶3/3");
    // The query is the document's search (its hits highlighted).
    assert!(
        t.wait_for("/asked for: ¶3").contains("1 hit here"),
        "{opened}"
    );
    // N goes back through the results to the 1957 memo, at its paragraph.
    t.keys(&["N"]);
    t.wait_for("Han asked for locomotives");
    t.wait_for("¶2/2");
    // n goes on again to the 1956 memo.
    t.keys(&["n"]);
    t.wait_for("Nam Il asked for grain");
    t.wait_for("¶3/3");
    // q comes back to the results.
    t.keys(&["q"]);
    t.wait_for("2 matches in 2 documents");
    t.keys(&["Escape"]);
    t.wait_for("3 documents");
    t.keys(&["q"]);
    t.wait_exit();
}

#[test]
fn tag_all_from_the_results_writes_every_sidecar_and_u_takes_them_out() {
    let dir = archive();
    let root = dir.path().join("archive");
    let t = TMUX.start(dir.path(), "--as kim archive");
    t.wait_for("3 documents");
    t.keys(&["/", "on credit", "Enter"]);
    t.wait_for("2 matches in 2 documents");
    t.keys(&["T"]);
    t.wait_for("tag the whole paragraphs");
    t.keys(&["c", "Nam Il", "Enter"]);
    t.wait_for("Tag 2 paragraphs in 2 documents as claim by Nam Il?");
    t.keys(&["Enter"]);
    t.wait_for("Tagged 2 paragraphs in 2 documents");
    let sidecar_1956 = root.join("memo-1956.txt.kim.gloss.ron");
    let sidecar_1957 = root.join("1957/memo-1957.txt.kim.gloss.ron");
    let text = std::fs::read_to_string(&sidecar_1956).unwrap();
    assert!(text.contains("Nam Il"), "{text}");
    assert!(
        std::fs::read_to_string(&sidecar_1957)
            .unwrap()
            .contains("Nam Il")
    );
    t.keys(&["u"]);
    t.wait_for("Undone: 2 annotations removed from 2 documents");
    // Neither memo had a sidecar before the tag-all: they have none again.
    for path in [&sidecar_1956, &sidecar_1957] {
        assert!(!path.exists(), "{} left behind", path.display());
    }
    t.keys(&["Escape", "q"]);
    t.wait_exit();
}

/// `n` from the first result's document to the next document's hit, then
/// `q`: the results come back with that hit selected, not the one opened.
#[test]
fn q_after_n_across_documents_returns_to_the_results_at_the_hit_reached() {
    let dir = archive();
    let t = TMUX.start(dir.path(), "--as kim archive");
    t.wait_for("3 documents");
    t.keys(&["/", "asked for", "Enter"]);
    t.wait_for("2 matches in 2 documents");
    // The first row (the 1957 memo), then n to the 1956 memo.
    t.keys(&["Enter"]);
    t.wait_for("Han asked for locomotives");
    t.keys(&["n"]);
    t.wait_for("Nam Il asked for grain");
    t.wait_for("¶3/3");
    t.keys(&["q"]);
    let results = t.wait_for("2 matches in 2 documents");
    let selected = results
        .lines()
        .find(|l| l.contains('›'))
        .unwrap_or_else(|| panic!("a selected row:\n{results}"));
    assert!(selected.contains("memo-1956.txt"), "{results}");
    t.keys(&["Escape", "q"]);
    t.wait_exit();
}
