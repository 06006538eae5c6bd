//! Hostile HTML, TEI and Markdown through the real binary: deep nesting,
//! entity bombs, huge attribute values and malformed markup give a text or a
//! one-line error naming the file, exit 0 or 1, never a crash or a hang.

mod common;

use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;

fn gloss(dir: &Path) -> Command {
    let mut cmd = common::cli::gloss();
    cmd.current_dir(dir)
        .env("GLOSS_CONFIG_DIR", "/nonexistent-gloss-config")
        .env("GLOSS_STATE_DIR", dir.join(".state"))
        // Generous: each finishes in well under a second.
        .timeout(Duration::from_secs(60));
    cmd
}

/// `gloss text NAME` on `content`: Ok(text) or Err(the one-line error).
fn text_of(name: &str, content: &[u8]) -> Result<String, String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), content).unwrap();
    let out = gloss(dir.path()).args(["text", name]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    match out.status.code() {
        Some(0) => Ok(String::from_utf8(out.stdout).unwrap()),
        Some(1) => {
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            assert!(stderr.starts_with(name), "{stderr}");
            Err(stderr)
        }
        other => panic!("{name}: exit {other:?}: {stderr}"),
    }
}

/// html5ever's tree builder checks element scopes over the whole stack of
/// open elements (quadratic time: over 100 s in a debug build for 100,000
/// divs), so nesting beyond a limit is flattened before parsing.
#[test]
fn a_hundred_thousand_nested_divs_in_html_give_their_text() {
    let page = "<html><body>".to_string()
        + &"<div>".repeat(100_000)
        + "deep text"
        + &"</div>".repeat(100_000)
        + "<p>after</p></body></html>";
    let text = text_of("deep.html", page.as_bytes()).unwrap();
    assert!(
        text.contains("deep text") && text.contains("after"),
        "{text}"
    );
}

#[test]
fn a_hundred_thousand_nested_divs_in_tei_are_a_clear_error() {
    let tei = "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\"><text><body>".to_string()
        + &"<div>".repeat(100_000)
        + "<p>deep</p>"
        + &"</div>".repeat(100_000)
        + "</body></text></TEI>";
    let err = text_of("deep.xml", tei.as_bytes()).unwrap_err();
    assert!(err.contains("nested deeper than"), "{err}");
}

#[test]
fn deeply_nested_markdown_gives_its_text() {
    let md = ">".repeat(50_000) + " deep\n\n" + &"- ".repeat(20_000) + "item\n";
    let text = text_of("deep.md", md.as_bytes()).unwrap();
    assert!(text.contains("deep") && text.contains("item"), "{text}");
}

#[test]
fn billion_laughs_is_never_expanded_in_tei_or_html() {
    let mut dtd = String::from("<!DOCTYPE TEI [\n<!ENTITY l0 \"lol\">\n");
    for i in 1..12 {
        let prev = format!("&l{};", i - 1).repeat(10);
        dtd.push_str(&format!("<!ENTITY l{i} \"{prev}\">\n"));
    }
    dtd.push_str("]>\n");
    let tei = format!(
        "<?xml version=\"1.0\"?>\n{dtd}<TEI xmlns=\"http://www.tei-c.org/ns/1.0\"><text><body><p>a &l11; b</p></body></text></TEI>"
    );
    assert_eq!(text_of("bomb.xml", tei.as_bytes()).unwrap(), "a b\n");
    let html = format!("{dtd}<html><body><p>a &l11; b</p></body></html>");
    let text = text_of("bomb.html", html.as_bytes()).unwrap();
    assert!(!text.contains("lollol"), "{text}");
    assert!(text.contains("a &l11; b"), "{text}");
}

#[test]
fn huge_attribute_values_are_read_past() {
    let huge = "x".repeat(20 << 20);
    let html = format!(
        "<html><head><meta name=\"description\" content=\"{huge}\"></head><body><p title=\"{huge}\">kept</p></body></html>"
    );
    assert_eq!(text_of("huge.html", html.as_bytes()).unwrap(), "kept\n");
    let tei = format!(
        "<TEI xmlns=\"http://www.tei-c.org/ns/1.0\"><text><body><p rend=\"{huge}\">kept</p></body></text></TEI>"
    );
    assert_eq!(text_of("huge.xml", tei.as_bytes()).unwrap(), "kept\n");
}

#[test]
fn malformed_markup_is_best_effort_for_html_and_an_error_for_tei() {
    let text = text_of(
        "bad.html",
        b"<p>unclosed <b>bold <table><td>cell</p></i><p>next &bogus; &#xFFFFFF; &#0;",
    )
    .unwrap();
    assert!(text.contains("cell") && text.contains("next"), "{text}");
    assert!(!text.contains('<'), "{text}");
    let err = text_of("bad.xml", b"<TEI><text><p>open</text>").unwrap_err();
    assert!(err.starts_with("bad.xml: byte "), "{err}");
    let err = text_of("bin.html", b"<p>\xff\xfe</p>").unwrap_err();
    assert!(err.contains("not UTF-8"), "{err}");
}
