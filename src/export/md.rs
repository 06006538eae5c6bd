//! Markdown for writing: grouped by document, then paragraph; each excerpt a
//! block quote followed by an attribution line; the paragraph's own notes
//! (TEI `note`, DOCX footnotes) follow its citation as footnotes. All text is escaped, so a
//! document or note cannot inject HTML or Markdown structure.

use std::fmt::Write as _;

use super::citation;
use super::metadata::Metadata;
use super::text::{kind_title, printable};
use super::{Excerpt, stance_verb};

/// Escape Markdown (CommonMark) syntax in inline text; line breaks are kept.
pub fn escape(text: &str) -> String {
    let text = printable(text);
    let mut out = String::with_capacity(text.len() + 8);
    let mut line_start = true;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            '-' | '+' | '=' if line_start => {
                out.push('\\');
                out.push(c);
            }
            '0'..='9' if line_start => {
                // "1." or "1)" at a line start would begin a list.
                let mut digits = String::from(c);
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                out.push_str(&digits);
                if let Some(p @ ('.' | ')')) = chars.peek().copied() {
                    out.push('\\');
                    out.push(p);
                    chars.next();
                }
            }
            '\t' => out.push(' '),
            '\r' => {}
            c => out.push(c),
        }
        line_start = c == '\n' || (line_start && c == ' ');
    }
    out
}

/// The attribution line of one excerpt.
pub fn attribution(e: &Excerpt) -> String {
    let lines = if e.line_start == e.line_end {
        format!("line {}", e.line_start)
    } else {
        format!("lines {}–{}", e.line_start, e.line_end)
    };
    let mut out = format!(
        "— {}, {}¶ {}, {} · **{}**",
        escape(&e.source),
        escape(&super::citation::place_prefix(e)),
        e.paragraph,
        lines,
        kind_title(e.kind)
    );
    match (e.kind, &e.from, &e.to) {
        ("advice", Some(from), Some(to)) => {
            let _ = write!(out, " · {} → {}", escape(from), escape(to));
        }
        _ => {
            let _ = write!(out, " · {}", escape(&e.actor));
        }
    }
    if let (Some(stance), Some(issue)) = (e.stance, &e.issue) {
        let _ = write!(out, " · {} “{}”", stance_verb(stance), escape(issue));
    }
    let _ = write!(out, " · annotator: {}", escape(&e.annotator));
    if let Some(origin) = &e.adopted_from {
        let _ = write!(out, " · adopted from {}", escape(origin));
    }
    if let Some(note) = &e.note {
        // A multi-line note stays one paragraph, with hard line breaks.
        let note = escape(note.trim_end()).replace('\n', "  \n");
        let _ = write!(out, " · note: {note}");
    }
    out
}

/// Write escaped `text` as a block quote that keeps its line breaks: each line
/// but the last of a run ends in a hard break (two spaces), since CommonMark
/// would join lines of a paragraph into one; blank lines separate paragraphs.
fn quote(out: &mut String, text: &str) {
    let lines: Vec<&str> = text.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        if line.trim().is_empty() {
            out.push_str(">\n");
            continue;
        }
        let next_is_text = lines.get(i + 1).is_some_and(|l| !l.trim().is_empty());
        let _ = writeln!(
            out,
            "> {}{}",
            line.trim_end(),
            if next_is_text { "  " } else { "" }
        );
    }
}

/// A document's heading and citation: its title and date, the path it was
/// read from, and the full note when anything citable is known.
fn document_heading(out: &mut String, source: &str, metadata: &Metadata) {
    let meta = metadata.of(source);
    let title = citation::display_title(&meta, source);
    match &meta.date {
        Some(d) => {
            let _ = writeln!(out, "\n## {}, {}", escape(&title), citation::long_date(d));
        }
        None => {
            let _ = writeln!(out, "\n## {}", escape(&title));
        }
    }
    if meta.title.is_some() {
        let _ = writeln!(out, "\nSource: {}", escape(source));
    }
    if let Some(note) = citation::full(&meta, source) {
        let _ = writeln!(out, "\nCitation: {}", escape(&note));
    }
}

/// Render the excerpts (already in export order), each with its locator and
/// a numbered footnote citing it.
pub fn render(excerpts: &[Excerpt], metadata: &Metadata) -> Vec<u8> {
    let mut out = String::from("# Tagged excerpts\n");
    let documents = {
        let mut d: Vec<&str> = excerpts.iter().map(|e| e.source.as_str()).collect();
        d.dedup();
        d.len()
    };
    let _ = writeln!(
        out,
        "\n{} excerpt{} from {} document{}.",
        excerpts.len(),
        if excerpts.len() == 1 { "" } else { "s" },
        documents,
        if documents == 1 { "" } else { "s" }
    );
    let mut current: Option<(&str, usize)> = None;
    for (n, e) in excerpts.iter().enumerate() {
        if current.map(|(s, _)| s) != Some(e.source.as_str()) {
            document_heading(&mut out, &e.source, metadata);
            current = None;
        }
        if current != Some((e.source.as_str(), e.paragraph)) {
            let _ = writeln!(out, "\n### ¶ {}", e.paragraph);
            current = Some((e.source.as_str(), e.paragraph));
        }
        out.push('\n');
        let quote_at = out.len();
        quote(&mut out, &escape(&citation::elided(e)));
        // The footnote mark ends the quote's last line.
        if out.len() == quote_at {
            out.push_str("> ");
        } else {
            out.pop();
        }
        let _ = write!(out, "[^{}]", n + 1);
        // The paragraph's own footnotes and endnotes, after the citation's mark.
        for k in 0..e.notes.len() {
            let _ = write!(out, "[^{}-n{}]", n + 1, k + 1);
        }
        out.push('\n');
        let _ = writeln!(out, "\n{}", attribution(e));
        let footnote = citation::footnote(&metadata.of(&e.source), e);
        let _ = writeln!(out, "\n[^{}]: {}", n + 1, escape(&footnote));
        for (k, note) in e.notes.iter().enumerate() {
            let mark = note
                .n
                .as_deref()
                .map(|m| format!("Note {}: ", escape(m)))
                .unwrap_or_default();
            // Further lines of a footnote are indented to stay in it.
            let text = escape(note.text.trim_end()).replace('\n', "  \n    ");
            let _ = writeln!(out, "\n[^{}-n{}]: {mark}{text}", n + 1, k + 1);
        }
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_and_html_are_escaped() {
        assert_eq!(
            escape("<script>alert(1)</script> *x* [a](b)"),
            "\\<script\\>alert(1)\\</script\\> \\*x\\* \\[a\\](b)"
        );
        assert_eq!(
            escape("# h\n- li\n12. n\nx-y"),
            "\\# h\n\\- li\n12\\. n\nx-y"
        );
        assert_eq!(escape("a\u{1b}b"), "a␛b");
    }
}
