//! One self-contained HTML page: readable on screen, tidy on paper, tags
//! colour-coded. Every piece of text is escaped, and a Content-Security-Policy
//! forbids scripts even if something slipped through.

use std::fmt::Write as _;

use super::Excerpt;
use super::citation;
use super::metadata::Metadata;
use super::stance_verb;
use super::text::{html_escape, html_text, kind_colour, kind_title, stance_colour};

const STYLE: &str = r#"
:root { --ink: #1b1b1b; --muted: #5f6368; --rule: #d9d9d9; }
* { box-sizing: border-box; }
body { font: 16px/1.55 Georgia, "Times New Roman", serif; color: var(--ink); background: #fff;
  max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid var(--rule); padding-bottom: .2rem; margin-top: 2.2rem;
  word-break: break-all; }
h3 { font-size: 1rem; color: var(--muted); margin: 1.4rem 0 .4rem; }
.summary, .lines, figcaption { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
.summary { color: var(--muted); margin-top: 0; }
.lines { font-weight: normal; font-size: .85rem; }
figure { margin: .8rem 0 1.2rem; break-inside: avoid; page-break-inside: avoid; }
blockquote { margin: 0; padding: .3rem 0 .3rem 1rem; border-left: 4px solid var(--tag); white-space: pre-line; }
figcaption { font-size: .85rem; color: var(--muted); margin-top: .35rem; padding-left: 1.25rem; }
.tag { display: inline-block; color: #fff; background: var(--tag); border-radius: 3px; padding: 0 .4rem;
  font-weight: 600; letter-spacing: .02em; }
.stance { font-weight: 600; color: var(--stance); }
.actor, .issue, .annotator { unicode-bidi: isolate; }
.note { display: block; margin-top: .2rem; color: var(--ink); white-space: pre-line; }
.note::before { content: "Note: "; font-weight: 600; }
.legend .tag { margin-right: .3rem; }
.source, .citation, .footnote { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: .85rem; }
.source { color: var(--muted); margin: .2rem 0; word-break: break-all; }
.citation { margin: .2rem 0 .8rem; }
.footnote { color: var(--ink); margin: .25rem 0 0; padding-left: 1.25rem; }
h2 .date { font-weight: normal; color: var(--muted); }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  .tag { color: var(--tag); background: none; border: 1px solid var(--tag); }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
}
"#;

/// A document's heading and citation: its title and date, the path it was
/// read from, and the full note when anything citable is known.
fn document_heading(out: &mut String, source: &str, metadata: &Metadata) {
    let meta = metadata.of(source);
    let _ = write!(
        out,
        "<section class=\"document\">\n<h2>{}",
        html_text(&citation::display_title(&meta, source))
    );
    if let Some(d) = &meta.date {
        let _ = write!(
            out,
            ", <time class=\"date\" datetime=\"{}\">{}</time>",
            html_escape(d.as_str()),
            citation::long_date(d)
        );
    }
    out.push_str("</h2>\n");
    if meta.title.is_some() {
        let _ = writeln!(out, "<p class=\"source\">{}</p>", html_text(source));
    }
    if let Some(note) = citation::full(&meta, source) {
        let _ = writeln!(
            out,
            "<p class=\"citation\">{}</p>",
            linked(&note, meta.url.as_deref())
        );
    }
}

/// Escaped citation text whose web address (http or https only, so no
/// `javascript:` link) is a link.
fn linked(note: &str, url: Option<&str>) -> String {
    let text = html_text(note);
    let Some(url) = url.map(str::trim).filter(|u| {
        let lower = u.to_ascii_lowercase();
        lower.starts_with("https://") || lower.starts_with("http://")
    }) else {
        return text;
    };
    let shown = html_text(url);
    match text.rfind(&shown) {
        Some(at) => format!(
            "{}<a href=\"{}\">{shown}</a>{}",
            &text[..at],
            html_escape(url),
            &text[at + shown.len()..]
        ),
        None => text,
    }
}

/// Render the excerpts (already in export order), each with its locator and
/// a ready-to-paste footnote citing it.
pub fn render(excerpts: &[Excerpt], metadata: &Metadata) -> Vec<u8> {
    let mut out = String::with_capacity(4096 + excerpts.len() * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"generator\" content=\"glossator\">\n");
    out.push_str("<title>Tagged excerpts</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<header>\n<h1>Tagged excerpts</h1>\n");
    let documents = {
        let mut d: Vec<&str> = excerpts.iter().map(|e| e.source.as_str()).collect();
        d.dedup();
        d.len()
    };
    let _ = writeln!(
        out,
        "<p class=\"summary\">{} excerpt{} from {} document{}.</p>",
        excerpts.len(),
        if excerpts.len() == 1 { "" } else { "s" },
        documents,
        if documents == 1 { "" } else { "s" }
    );
    out.push_str("<p class=\"summary legend\">");
    for kind in ["claim", "advice", "position"] {
        let _ = write!(
            out,
            "<span class=\"tag\" style=\"--tag: {}\">{}</span>",
            kind_colour(kind),
            kind_title(kind)
        );
    }
    out.push_str("</p>\n</header>\n<main>\n");
    let mut current: Option<(&str, usize)> = None;
    for (n, e) in excerpts.iter().enumerate() {
        if current.map(|(s, _)| s) != Some(e.source.as_str()) {
            if current.is_some() {
                out.push_str("</section>\n");
            }
            document_heading(&mut out, &e.source, metadata);
            current = None;
        }
        if current != Some((e.source.as_str(), e.paragraph)) {
            let _ = writeln!(out, "<h3>¶ {}</h3>", e.paragraph);
            current = Some((e.source.as_str(), e.paragraph));
        }
        let meta = metadata.of(&e.source);
        let footnote = citation::footnote(&meta, e);
        excerpt(&mut out, e, n + 1, &footnote, meta.url.as_deref());
    }
    if current.is_some() {
        out.push_str("</section>\n");
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out.into_bytes()
}

/// One excerpt; `n` numbers it in the page (ids stay unique across copies of
/// a sidecar) and its `footnote`, whose `url` is a link.
fn excerpt(out: &mut String, e: &Excerpt, n: usize, footnote: &str, url: Option<&str>) {
    let lines = if e.line_start == e.line_end {
        format!("line {}", e.line_start)
    } else {
        format!("lines {}–{}", e.line_start, e.line_end)
    };
    let _ = writeln!(
        out,
        "<figure class=\"excerpt {}\" id=\"excerpt-{n}\" data-id=\"{}\" style=\"--tag: {}\">",
        e.kind,
        html_escape(&e.id),
        kind_colour(e.kind)
    );
    let _ = writeln!(
        out,
        "<blockquote>{}</blockquote>",
        html_text(&citation::elided(e))
    );
    let _ = write!(
        out,
        "<figcaption><span class=\"tag\">{}</span> ",
        kind_title(e.kind)
    );
    match (e.kind, &e.from, &e.to) {
        ("advice", Some(from), Some(to)) => {
            let _ = write!(
                out,
                "<span class=\"actor\">{}</span> → <span class=\"actor\">{}</span>",
                html_text(from),
                html_text(to)
            );
        }
        _ => {
            let _ = write!(out, "<span class=\"actor\">{}</span>", html_text(&e.actor));
        }
    }
    if let (Some(stance), Some(issue)) = (e.stance, &e.issue) {
        let _ = write!(
            out,
            " <span class=\"stance\" style=\"--stance: {}\">{}</span> <q class=\"issue\">{}</q>",
            stance_colour(stance),
            stance_verb(stance),
            html_text(issue)
        );
    }
    let _ = write!(
        out,
        " · {}, {}¶ {}, {} · annotator: <span class=\"annotator\">{}</span>",
        html_text(&e.source),
        html_text(&super::citation::place_prefix(e)),
        e.paragraph,
        lines,
        html_text(&e.annotator)
    );
    if let Some(origin) = &e.adopted_from {
        let _ = write!(
            out,
            " · adopted from <span class=\"annotator\">{}</span>",
            html_text(origin)
        );
    }
    if let Some(note) = &e.note {
        let _ = write!(
            out,
            "<span class=\"note\">{}</span>",
            html_text(note.trim_end())
        );
    }
    out.push_str("</figcaption>\n");
    let _ = writeln!(
        out,
        "<p class=\"footnote\"><span class=\"n\">{n}.</span> {}</p>",
        linked(footnote, url)
    );
    out.push_str("</figure>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_in_a_citation_become_links() {
        assert_eq!(
            linked(
                "“Memo,” 1956, https://x.org/d?a=1&b=2.",
                Some("https://x.org/d?a=1&b=2")
            ),
            "“Memo,” 1956, <a href=\"https://x.org/d?a=1&amp;b=2\">https://x.org/d?a=1&amp;b=2</a>."
        );
        assert_eq!(
            linked(
                "“Memo,” 1956, javascript:alert(1).",
                Some("javascript:alert(1)")
            ),
            "“Memo,” 1956, javascript:alert(1)."
        );
        assert_eq!(linked("<b>", None), "&lt;b&gt;");
    }
}
