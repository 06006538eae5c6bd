//! Citations of archival documents in the Chicago notes style (17th ed.,
//! 14.221–14.236: unpublished material in archives), plain text so every
//! format can escape it its own way.
//!
//! A full note reads
//! `Author to Recipient, “Title,” Month D, YYYY, archival citation, trans.
//! Translator, Collection, Record ID N, URL.`; elements that are unknown are
//! left out, an unknown date is `n.d.`. An excerpt's footnote is the full note
//! with the pinpoint (`¶ 7, lines 16–18`) before the URL, as Chicago puts the
//! locator before a URL.

use super::Excerpt;
use crate::project::{DocumentMeta, PartialDate};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date as Chicago writes it: `July 24, 1956`, `July 1956` or `1956`.
pub fn long_date(date: &PartialDate) -> String {
    let month = date
        .month()
        .and_then(|m| MONTHS.get((m as usize).wrapping_sub(1)));
    match (month, date.day()) {
        (Some(m), Some(d)) => format!("{m} {d}, {}", date.year()),
        (Some(m), None) => format!("{m} {}", date.year()),
        _ => date.year().to_string(),
    }
}

/// What a heading calls the document: its title, else its file name.
pub fn display_title(meta: &DocumentMeta, source: &str) -> String {
    match &meta.title {
        Some(t) => t.clone(),
        None => file_name(source),
    }
}

fn file_name(source: &str) -> String {
    std::path::Path::new(source)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| source.to_string())
}

/// The locator of an excerpt: `¶ 7, line 16` or `¶ 7, lines 16–18`, after
/// where it is in the original: the page of a paged original
/// (`p. 3, ¶ 12, line 40`), else the heading it is under
/// (`under “Opening remarks,” ¶ 4, line 7`, as Chicago locates by section).
pub fn locator(e: &Excerpt) -> String {
    let place = place_prefix(e);
    if e.line_start == e.line_end {
        format!("{place}¶ {}, line {}", e.paragraph, e.line_start)
    } else {
        format!(
            "{place}¶ {}, lines {}–{}",
            e.paragraph, e.line_start, e.line_end
        )
    }
}

/// Where in the original an excerpt is, before its paragraph number:
/// `p. 3, ` on page 3 of a paged original (PDF, TEI with page breaks), else
/// `under “Heading,” ` below a heading (HTML, TEI, Markdown, DOCX), else
/// empty (plain text).
pub fn place_prefix(e: &Excerpt) -> String {
    let clean = |s: &Option<String>| {
        s.as_deref()
            .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|v| !v.is_empty())
    };
    if let Some(page) = clean(&e.page) {
        // A paragraph over a page break gives both pages (`12–13`).
        let pp = if page.contains(crate::document::formats::PAGE_DASH) {
            "pp."
        } else {
            "p."
        };
        return format!("{pp} {page}, ");
    }
    match clean(&e.section) {
        Some(section) => {
            let section = section.trim_end_matches([',', '.', ';', ':']);
            let comma = if section.ends_with(['?', '!']) {
                ""
            } else {
                ","
            };
            format!("under “{section}{comma}” ")
        }
        None => String::new(),
    }
}

/// The document's full note, or `None` when nothing citable is known (no
/// title, date, author, archival citation, collection, record id or URL).
pub fn full(meta: &DocumentMeta, source: &str) -> Option<String> {
    if !citable(meta) {
        return None;
    }
    Some(note(meta, source, None))
}

/// The ready-to-paste footnote of one excerpt: the document's note with the
/// excerpt's locator (the file name stands in for an unknown title).
pub fn footnote(meta: &DocumentMeta, e: &Excerpt) -> String {
    note(meta, &e.source, Some(&locator(e)))
}

fn citable(meta: &DocumentMeta) -> bool {
    meta.title.is_some()
        || meta.date.is_some()
        || meta.author.is_some()
        || meta.citation.is_some()
        || meta.collection.is_some()
        || meta.record_id.is_some()
        || meta.url.is_some()
}

fn note(meta: &DocumentMeta, source: &str, locator: Option<&str>) -> String {
    let clean = |s: &Option<String>| {
        s.as_deref()
            .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|v| !v.is_empty())
    };
    let mut parts: Vec<String> = Vec::new();
    match (clean(&meta.author), clean(&meta.recipient)) {
        (Some(a), Some(r)) => parts.push(format!("{a} to {r}")),
        (Some(a), None) => parts.push(a),
        _ => {}
    }
    // The comma goes inside the closing quotation mark, unless the title ends
    // in its own question or exclamation mark.
    let title = match clean(&meta.title) {
        Some(t) => {
            let t = t.trim_end_matches([',', '.', ';', ':']).to_string();
            let comma = if t.ends_with(['?', '!']) { "" } else { "," };
            format!("“{t}{comma}”")
        }
        None => format!("{},", file_name(source)),
    };
    let date = meta
        .date
        .as_ref()
        .map(long_date)
        .unwrap_or_else(|| "n.d.".to_string());
    let mut text = parts.join(", ");
    if !text.is_empty() {
        text.push_str(", ");
    }
    text.push_str(&title);
    text.push(' ');
    text.push_str(&date);
    let mut rest: Vec<String> = Vec::new();
    rest.extend(clean(&meta.citation).map(|c| c.trim_end_matches('.').to_string()));
    rest.extend(clean(&meta.translator).map(|t| format!("trans. {t}")));
    rest.extend(clean(&meta.collection).map(|c| c.trim_end_matches('.').to_string()));
    rest.extend(clean(&meta.record_id).map(|r| {
        if r.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            format!("Record ID {r}")
        } else {
            r
        }
    }));
    rest.extend(locator.map(str::to_string));
    rest.extend(clean(&meta.url));
    for r in rest {
        text.push_str(", ");
        text.push_str(&r);
    }
    if !text.ends_with('.') {
        text.push('.');
    }
    text
}

/// The quote as cited: an ellipsis where it starts or ends inside its paragraph.
pub fn elided(e: &Excerpt) -> String {
    let text = e.text.trim();
    format!(
        "{}{text}{}",
        if e.cut_before { "… " } else { "" },
        if e.cut_after { " …" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nam_il() -> DocumentMeta {
        DocumentMeta {
            title: Some(
                "Journal of Soviet Ambassador to the DPRK V.I. Ivanov for 24 July 1956".into(),
            ),
            date: "1956-07-24".parse().ok(),
            citation: Some("RGANI, Fond 5, Opis 28, Delo 410, Listy 301-303".into()),
            translator: Some("Gary Goldberg".into()),
            collection: Some("Wilson Center Digital Archive".into()),
            record_id: Some("120190".into()),
            url: Some("https://digitalarchive.wilsoncenter.org/document/120190".into()),
            ..DocumentMeta::default()
        }
    }

    fn excerpt(paragraph: usize, lines: (usize, usize)) -> Excerpt {
        let mut e = crate::export::sample_excerpt();
        e.source = "archive/memo-1956-07-24.txt".into();
        e.paragraph = paragraph;
        (e.line_start, e.line_end) = lines;
        e.text = "the delegation was told".into();
        e
    }

    #[test]
    fn an_archival_document_is_cited_in_chicago_note_form() {
        assert_eq!(
            full(&nam_il(), "memo.txt").unwrap(),
            "“Journal of Soviet Ambassador to the DPRK V.I. Ivanov for 24 July 1956,” \
             July 24, 1956, RGANI, Fond 5, Opis 28, Delo 410, Listy 301-303, \
             trans. Gary Goldberg, Wilson Center Digital Archive, Record ID 120190, \
             https://digitalarchive.wilsoncenter.org/document/120190."
        );
    }

    #[test]
    fn a_footnote_puts_the_locator_before_the_url() {
        let note = footnote(&nam_il(), &excerpt(7, (16, 18)));
        assert!(
            note.ends_with(
                "Record ID 120190, ¶ 7, lines 16–18, https://digitalarchive.wilsoncenter.org/document/120190."
            ),
            "{note}"
        );
        let one = footnote(&nam_il(), &excerpt(3, (9, 9)));
        assert!(one.contains(", ¶ 3, line 9, "), "{one}");
    }

    #[test]
    fn a_letter_names_author_and_recipient_and_partial_dates_stay_partial() {
        let meta = DocumentMeta {
            title: Some("Letter on the August Plenum?".into()),
            author: Some("Pak Chang-ok".into()),
            recipient: Some("Central Committee, CPSU".into()),
            date: "1956-08".parse().ok(),
            citation: Some("AVPRF, Fond 0102, Opis 12, Papka 68, Delo 5.".into()),
            ..DocumentMeta::default()
        };
        assert_eq!(
            full(&meta, "x.txt").unwrap(),
            "Pak Chang-ok to Central Committee, CPSU, “Letter on the August Plenum?” \
             August 1956, AVPRF, Fond 0102, Opis 12, Papka 68, Delo 5."
        );
        let year = DocumentMeta {
            date: "1955".parse().ok(),
            ..DocumentMeta::default()
        };
        assert_eq!(
            full(&year, "box/telegram.txt").unwrap(),
            "telegram.txt, 1955."
        );
    }

    #[test]
    fn nothing_known_means_no_citation_but_a_footnote_still_locates() {
        let meta = DocumentMeta::default();
        assert_eq!(full(&meta, "memo.txt"), None);
        assert_eq!(
            footnote(&meta, &excerpt(2, (4, 5))),
            "memo-1956-07-24.txt, n.d., ¶ 2, lines 4–5."
        );
    }

    #[test]
    fn a_page_locates_a_paged_excerpt_and_a_heading_any_other() {
        let mut e = excerpt(12, (40, 40));
        e.section = Some("Reconstruction of the ports".into());
        assert_eq!(
            locator(&e),
            "under “Reconstruction of the ports,” ¶ 12, line 40"
        );
        e.section = Some("Who  decides?".into());
        assert_eq!(locator(&e), "under “Who decides?” ¶ 12, line 40");
        e.page = Some("3".into());
        assert_eq!(locator(&e), "p. 3, ¶ 12, line 40");
        let note = footnote(&DocumentMeta::default(), &e);
        assert_eq!(note, "memo-1956-07-24.txt, n.d., p. 3, ¶ 12, line 40.");
        // A paragraph over a page break.
        e.page = Some("3–4".into());
        assert_eq!(locator(&e), "pp. 3–4, ¶ 12, line 40");
        e.page = None;
        e.section = Some("   ".into());
        assert_eq!(locator(&e), "¶ 12, line 40");
    }

    #[test]
    fn quotes_cut_inside_a_paragraph_get_an_ellipsis() {
        let mut e = excerpt(1, (1, 1));
        assert_eq!(elided(&e), "the delegation was told");
        e.cut_before = true;
        e.cut_after = true;
        assert_eq!(elided(&e), "… the delegation was told …");
    }

    #[test]
    fn long_dates() {
        let d = |s: &str| long_date(&s.parse().unwrap());
        assert_eq!(d("1956-07-24"), "July 24, 1956");
        assert_eq!(d("1956-12"), "December 1956");
        assert_eq!(d("1956"), "1956");
    }
}
