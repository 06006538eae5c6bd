//! "I" is one actor whichever screen asks: the TUI (names and suggestions
//! worked out beside the event loop, a paragraph with the ones before it)
//! and `gloss actors` / `gloss suggest` (the whole document) decide the
//! author's actor by one function (`assist::author`).

mod common;

use std::path::Path;
use std::time::Duration;

use common::app::Session;
use common::cli::{assert_success, gloss};
use serde_json::Value;

/// A diary memorandum written for this test in the shape of the archive's:
/// the author in the header with initials, "I" and "me" in the text, the
/// signature with the initial before the name.
const MEMO: &str = "Skip to content

July 30, 1956

Memorandum of Conversation with Minister of Foreign Affairs Nam Il

From the diary of
Charge d'Affaires ad interim
USSR in the DPRK
Petrov A.M.

I met with Nam Il at his request. Pak Chang-ok [Pak Chang Ok] had visited him.

Pak told Nam Il that a group was prepared to speak out.

I said that he should in some way influence Pak Chang-ok.

Nam Il agreed with me.

Charge d'Affaires ad interim
USSR in the DPRK

/A Petrov/
";

fn lines(out: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect()
}

#[test]
fn i_resolves_to_one_actor_in_the_tui_and_the_cli() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("memo.txt");
    std::fs::write(&path, MEMO).unwrap();
    let out = gloss()
        .args(["actors", "--format", "jsonl"])
        .arg(&path)
        .env("GLOSS_CONFIG_DIR", tmp.path())
        .output()
        .unwrap();
    assert_success(&out);
    // Paragraph (1-based), surface, actor: the author's mentions.
    let cli: Vec<(u64, String, String)> = lines(&out.stdout)
        .iter()
        .filter(|m| m["actor"].as_str().is_some_and(|a| a.contains("Petrov")))
        .map(|m| {
            (
                m["paragraph"].as_u64().unwrap(),
                m["surface"].as_str().unwrap().to_string(),
                m["actor"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut s = Session::open(Path::new(&path), "tester");
    let mut tui = Vec::new();
    for i in 0..s.app.doc.len() {
        s.app.select(i);
        s.app.settle_assist(Duration::from_secs(10));
        let found = s.app.assist_of(i).expect("worked out");
        for m in &found.mentions {
            if m.actor.contains("Petrov") {
                tui.push(((i + 1) as u64, m.surface.to_string(), m.actor.to_string()));
            }
        }
    }
    assert_eq!(tui, cli);
    let surfaces: Vec<&str> = cli.iter().map(|(_, s, _)| s.as_str()).collect();
    assert!(
        surfaces.contains(&"I") && surfaces.contains(&"me"),
        "{cli:?}"
    );
    // The metadata author normalised; the header and the signature too.
    assert!(cli.iter().all(|(_, _, a)| a == "Petrov"), "{cli:?}");

    // `gloss suggest` and the panel agree on "I said that he should …".
    let out = gloss()
        .args(["suggest", "--format", "jsonl"])
        .arg(&path)
        .env("GLOSS_CONFIG_DIR", tmp.path())
        .output()
        .unwrap();
    assert_success(&out);
    let advice = lines(&out.stdout)
        .into_iter()
        .find(|s| s["kind"] == "advice" && s["paragraph"] == 7)
        .expect("advice on ¶7");
    s.app.select(6);
    s.app.settle_assist(Duration::from_secs(10));
    let shown = s
        .app
        .suggestions()
        .into_iter()
        .find(|x| x.kind == glossator::annotation::Kind::Advice)
        .expect("advice in the panel")
        .holder
        .clone();
    assert_eq!(advice["actor"].as_str(), shown.as_deref());
    assert_eq!(shown.as_deref(), Some("Petrov"));
}
