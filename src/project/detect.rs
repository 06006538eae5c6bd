//! Metadata read from a document's own text: title, date, place, author,
//! recipient, archival citation, translator, collection, URL and record id.
//!
//! Archival documents announce these in a few recurring shapes: a title line
//! and a dateline (`Washington, January 7, 1955`) at the top, "From the diary
//! of …", `Label: value` lines, a "Document Information" or `Source:` block
//! naming the archive, "translated … by NAME". Each field is looked for in
//! those shapes, most explicit first; what is not found stays empty. Pure
//! text in, [`DocumentMeta`] out: no I/O, no regular expressions.

use super::{DocumentMeta, PartialDate};

/// How many paragraphs from the top hold the title, dateline and addresses.
const HEADER_PARAGRAPHS: usize = 14;

/// Detect what the text says about itself.
/// What a document says about itself: what its original declares (an HTML
/// page's `<title>` and `<meta>` citation fields, a TEI header's title and
/// dates) over what the text's head suggests.
pub fn detect_document(doc: &crate::document::Document) -> DocumentMeta {
    let mut meta = detect(doc.text());
    let Some(declared) = doc.extraction().map(|e| &e.meta) else {
        return meta;
    };
    if let Some(title) = &declared.title {
        meta.title = Some(title.clone());
    }
    let date = declared_date(declared.date.as_deref());
    if date.is_some() {
        meta.date = date;
    }
    let field = |names: &[&str]| names.iter().find_map(|n| declared.fields.get(*n).cloned());
    if let Some(url) = field(&[
        "citation_public_url",
        "citation_abstract_html_url",
        "og:url",
        "DC.identifier",
    ]) {
        meta.url = Some(url);
    }
    if let Some(author) = field(&["citation_author", "DC.creator", "author"]) {
        meta.author = Some(author);
    }
    for (k, v) in &declared.fields {
        meta.fields.entry(k.clone()).or_insert_with(|| v.clone());
    }
    meta
}

/// The author alone, as [`detect_document`] would give it (declared
/// `citation_author`/`DC.creator`/`author` fields first, then the text),
/// without the other fields' detection: `gloss actors` and the assist
/// worker need only this, once per document.
pub fn document_author(doc: &crate::document::Document) -> Option<String> {
    let declared = doc.extraction().and_then(|e| {
        ["citation_author", "DC.creator", "author"]
            .iter()
            .find_map(|n| e.meta.fields.get(*n).cloned())
    });
    declared.or_else(|| author(doc.text()))
}

/// Title and date alone, as [`detect_document`] gives them: what the
/// corpus view shows for every document of an archive. Both come from the
/// text's head (labels for them count only there), so the rest of the text
/// is not read.
pub fn document_title_and_date(
    doc: &crate::document::Document,
) -> (Option<String>, Option<PartialDate>) {
    let (mut title, mut date) = title_and_date(doc.text());
    if let Some(declared) = doc.extraction().map(|e| &e.meta) {
        if let Some(t) = &declared.title {
            title = Some(t.clone());
        }
        if let Some(d) = declared_date(declared.date.as_deref()) {
            date = Some(d);
        }
    }
    (title, date)
}

/// A declared date (`1956-07-24`, `1956/07`, `1956-07-24T…`) as far as it
/// is a date: day, month or year.
fn declared_date(date: Option<&str>) -> Option<PartialDate> {
    let d = date?.trim().replace('/', "-");
    [10, 7, 4]
        .iter()
        .find_map(|n| d.get(..*n).and_then(|p| p.parse().ok()))
}

/// [`detect`]'s title and date, from the text's first paragraphs.
pub fn title_and_date(text: &str) -> (Option<String>, Option<PartialDate>) {
    // The header, and the paragraph after it (a label's value).
    let paragraphs = paragraphs_upto(text, HEADER_PARAGRAPHS + 1);
    let labelled = labelled_fields(&paragraphs);
    let header = &paragraphs[..paragraphs.len().min(HEADER_PARAGRAPHS)];
    let title = labelled_value(&labelled, "title").or_else(|| title_of(header));
    let (_, dateline_date) = dateline(header, title.as_deref());
    let date = labelled_value(&labelled, "date")
        .and_then(|d| first_date(&d).map(|(_, _, d)| d))
        .or(dateline_date);
    (title, date)
}

pub fn detect(text: &str) -> DocumentMeta {
    let paragraphs = paragraphs(text);
    let mut meta = DocumentMeta::default();
    let labelled = labelled_fields(&paragraphs);
    let header = &paragraphs[..paragraphs.len().min(HEADER_PARAGRAPHS)];

    let title = labelled_value(&labelled, "title").or_else(|| title_of(header));
    let (dateline_place, dateline_date) = dateline(header, title.as_deref());
    meta.date = labelled_value(&labelled, "date")
        .and_then(|d| first_date(&d).map(|(_, _, d)| d))
        .or(dateline_date);
    meta.place = labelled_value(&labelled, "place").or(dateline_place);
    let (title_from, title_to) = title.as_deref().map(from_to).unwrap_or_default();
    meta.author = author_of(&labelled, header, title_from);
    meta.recipient = labelled_value(&labelled, "recipient").or(title_to);
    meta.citation = labelled_value(&labelled, "citation")
        .map(|c| first_sentences(&c))
        .or_else(|| source_note(&paragraphs))
        .or_else(|| information_block(&paragraphs))
        .or_else(|| archival_shape(&paragraphs))
        .or_else(|| header.iter().flatten().find_map(|l| file_number(l)));
    meta.translator = labelled_value(&labelled, "translator")
        .and_then(|t| name_at(&t))
        .or_else(|| translated_by(text));
    meta.collection = labelled_value(&labelled, "collection").or_else(|| series_line(&paragraphs));
    meta.url = labelled_value(&labelled, "url")
        .and_then(|u| first_url(&u))
        .or_else(|| first_url(text));
    meta.record_id = labelled_value(&labelled, "record_id");
    meta.title = title;
    meta
}

/// [`detect`]'s author alone, found as it finds it: `gloss actors` needs
/// only this (for "I"/"me"), per document of a whole corpus.
pub fn author(text: &str) -> Option<String> {
    // The author is labelled or named in the header only (a label alone may
    // take its value from the paragraph after): the rest of a long document
    // is neither split nor its lines folded.
    let paragraphs = paragraphs_upto(text, HEADER_PARAGRAPHS + 1);
    let labelled = labelled_fields(&paragraphs);
    let header = &paragraphs[..paragraphs.len().min(HEADER_PARAGRAPHS)];
    if let Some(labelled) = labelled_value(&labelled, "author") {
        return Some(labelled);
    }
    diary_author(header).or_else(|| {
        let title = labelled_value(&labelled, "title").or_else(|| title_of(header));
        title.as_deref().and_then(|t| from_to(t).0)
    })
}

/// The author: a labelled one, a diary's keeper, or the title's "From …".
fn author_of(
    labelled: &[(&'static str, String)],
    header: &[Lines<'_>],
    title_from: Option<String>,
) -> Option<String> {
    labelled_value(labelled, "author")
        .or_else(|| diary_author(header))
        .or(title_from)
}

/// A paragraph's lines: most paragraphs have one or two, kept inline (a
/// document's header is split for every document of a corpus).
type Lines<'a> = smallvec::SmallVec<[&'a str; 2]>;

/// Paragraphs as lists of trimmed, non-empty lines.
fn paragraphs(text: &str) -> Vec<Lines<'_>> {
    paragraphs_upto(text, usize::MAX)
}

/// The first `most` of [`paragraphs`].
fn paragraphs_upto(text: &str, most: usize) -> Vec<Lines<'_>> {
    let mut out = Vec::new();
    let mut current = Lines::new();
    // Lines as `str::lines` gives them, split by the vectorised `memchr`.
    let bytes = text.as_bytes();
    let mut from = 0;
    let lines = std::iter::from_fn(|| {
        if from >= bytes.len() {
            return None;
        }
        let end = memchr::memchr(b'\n', &bytes[from..]).map_or(bytes.len(), |at| from + at);
        let line = &text[from..end];
        from = end + 1;
        Some(line.strip_suffix('\r').unwrap_or(line))
    });
    for line in lines {
        if out.len() == most {
            return out;
        }
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A paragraph's lines joined by spaces; a paragraph of one line (most
/// paragraphs) is that line, not a copy.
fn joined<'a>(paragraph: &[&'a str]) -> std::borrow::Cow<'a, str> {
    match paragraph {
        [line] => std::borrow::Cow::Borrowed(line),
        lines => std::borrow::Cow::Owned(lines.join(" ")),
    }
}

/// Lowercase, whitespace collapsed, trailing colon dropped: for comparing labels.
fn folded(s: &str) -> String {
    if s.is_ascii() {
        return folded_ascii(s);
    }
    folded_any(s)
}

/// [`folded`] of any text.
fn folded_any(s: &str) -> String {
    // Joined in one buffer (asked of many lines of every document's head).
    let mut joined = String::with_capacity(s.len());
    for (i, word) in s.split_whitespace().enumerate() {
        if i > 0 {
            joined.push(' ');
        }
        joined.push_str(word);
    }
    joined.trim_end_matches(':').trim().to_lowercase()
}

/// [`folded`] of an ASCII text in one pass: lower-cased as it is joined
/// (a document's first paragraphs are folded to be told from furniture).
fn folded_ascii(s: &str) -> String {
    let mut joined = Vec::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !joined.is_empty() {
            joined.push(b' ');
        }
        joined.extend_from_slice(word.as_bytes());
    }
    joined.make_ascii_lowercase();
    // The trailing colons, then the spaces they leave (no space leads).
    while joined.last() == Some(&b':') {
        joined.pop();
    }
    while joined
        .last()
        .is_some_and(|b| b.is_ascii_whitespace() || *b == 0x0b)
    {
        joined.pop();
    }
    String::from_utf8(joined).unwrap_or_default()
}

/// Which field a label names (`Record ID`, `Translated by`, `To` …).
fn field_of_label(label: &str) -> Option<&'static str> {
    // Every label starts with one of the words [`LABELS`] start with (the
    // folded form's first word is the label's, lower-cased, perhaps with
    // colons after it): a line of text, whose first word is most often none
    // of them, is answered without its folded copy. A word not ASCII is
    // folded below.
    let first = label.split_whitespace().next()?.trim_end_matches(':');
    // Compared whatever its case, without a lower-cased copy; the words
    // differ in length, so most are told apart by it.
    if first.is_ascii()
        && !LABEL_FIRST_WORDS
            .iter()
            .any(|w| first.eq_ignore_ascii_case(w))
    {
        return None;
    }
    field_of_folded_label(label)
}

/// The first words of [`LABELS`], each once (`field_of_label` asks of
/// every line of every document's head).
static LABEL_FIRST_WORDS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    let mut words: Vec<&str> = Vec::new();
    for word in LABELS
        .iter()
        .filter_map(|(label, _)| label.split(' ').next())
    {
        if !words.contains(&word) {
            words.push(word);
        }
    }
    words
});

/// Labels (folded: lower case, one space between words) and the fields
/// they name.
const LABELS: &[(&str, &str)] = &[
    ("title", "title"),
    ("document title", "title"),
    ("date", "date"),
    ("document date", "date"),
    ("place", "place"),
    ("place of origin", "place"),
    ("author", "author"),
    ("from", "author"),
    ("creator", "author"),
    ("to", "recipient"),
    ("recipient", "recipient"),
    ("addressee", "recipient"),
    // A bare "Citation" heads a full bibliographic reference on archive
    // sites (title, date, archive, URL), not the archival one.
    ("archival citation", "citation"),
    ("archive", "citation"),
    ("archival source", "citation"),
    ("archival reference", "citation"),
    ("translator", "translator"),
    ("translated by", "translator"),
    ("translation by", "translator"),
    ("collection", "collection"),
    ("collections", "collection"),
    ("series", "collection"),
    ("url", "url"),
    ("permalink", "url"),
    ("link", "url"),
    ("source url", "url"),
    ("record id", "record_id"),
    ("record", "record_id"),
    ("document id", "record_id"),
    ("record number", "record_id"),
];

/// [`field_of_label`] by the label's folded copy, whatever its first word.
fn field_of_folded_label(label: &str) -> Option<&'static str> {
    // No label has more than three words (a fourth of colons alone folds
    // away): a line of text is answered without its folded copy.
    if label.split_whitespace().nth(4).is_some() {
        return None;
    }
    let folded = folded(label);
    LABELS
        .iter()
        .find(|(l, _)| *l == folded)
        .map(|&(_, field)| field)
}

/// `Label: value` lines, and a paragraph that is only a label followed by
/// a one-line value paragraph. First occurrence of each field wins.
fn labelled_fields(paragraphs: &[Lines<'_>]) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    let mut put = |field: &'static str, value: &str| {
        let value = value.trim();
        if !value.is_empty() && !out.iter().any(|(f, _)| *f == field) {
            out.push((field, value.to_string()));
        }
    };
    // Labels naming the document itself (`From:`, `To:`, `Date:` …) count in
    // its header only: further down they head quoted messages or minutes.
    let in_place = |field: &str, i: usize| {
        i < HEADER_PARAGRAPHS
            || !matches!(field, "title" | "date" | "place" | "author" | "recipient")
    };
    for (i, p) in paragraphs.iter().enumerate() {
        for line in p {
            let colon = memchr::memchr(b':', line.as_bytes());
            if let Some((label, value)) = colon.map(|at| (&line[..at], &line[at + 1..]))
                && label.split_whitespace().count() <= 3
                && let Some(field) = field_of_label(label)
                && in_place(field, i)
            {
                put(field, value);
            }
        }
        if p.len() == 1
            && let Some(field) = field_of_label(p[0])
            && in_place(field, i)
        {
            // The label alone: a value on the same line (`Record ID 1234`)
            // is not possible here, so the next paragraph holds it.
            if let Some(next) = paragraphs.get(i + 1)
                && next.len() == 1
                && next[0].chars().count() <= 200
                && field_of_label(next[0]).is_none()
                && !is_heading_label(next[0])
            {
                if field == "record_id" && next[0].split_whitespace().count() > 1 {
                    continue;
                }
                put(field, next[0]);
            }
        }
        // `Record ID 116719` on one line.
        if p.len() == 1
            && let Some(rest) = strip_prefix_ci(p[0], "record id")
        {
            let rest = rest.trim_start_matches([':', ' ', '#']).trim();
            if !rest.is_empty() && !rest.contains(' ') {
                put("record_id", rest);
            }
        }
    }
    out
}

fn labelled_value(labelled: &[(&'static str, String)], field: &str) -> Option<String> {
    labelled
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, v)| v.clone())
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// Headings of web archive pages that are not values.
fn is_heading_label(s: &str) -> bool {
    // None has more than three words (as in `field_of_label`).
    if s.split_whitespace().nth(4).is_some() {
        return false;
    }
    matches!(
        folded(s).as_str(),
        "document information"
            | "original uploaded date"
            | "rights"
            | "source"
            | "language"
            | "type"
            | "subjects"
            | "related documents"
            | "original archive"
    )
}

/// A decimal file number heading a document in older editions
/// (`690B.9321/6–653: Telegram`, `740.00116 PW/2–2449`): the file, without
/// the document type after the colon.
fn file_number(line: &str) -> Option<String> {
    let file = line.split(':').next().unwrap_or(line).trim();
    let first = file.split_whitespace().next()?;
    let shaped = first.chars().next().is_some_and(|c| c.is_ascii_digit())
        && first.trim_end_matches('.').contains('.')
        && !first.ends_with('.')
        && file.contains('/')
        && file.split_whitespace().count() <= 3
        && line.chars().count() <= 60;
    shaped.then(|| file.to_string())
}

/// Page furniture and security markings that are never the title.
fn is_furniture(s: &str) -> bool {
    let f = folded(s);
    const EXACT: [&str; 24] = [
        "top secret",
        "secret",
        "confidential",
        "unclassified",
        "restricted",
        "eyes only",
        "priority",
        "niact",
        "official use only",
        "limited distribution",
        "for official use only",
        "personal and confidential",
        "copy",
        "menu",
        "search",
        "home",
        "main menu",
        "log in",
        "sign in",
        "print",
        "share",
        "document information",
        "strictly confidential",
        "top secret eyes only",
    ];
    EXACT.contains(&f.trim_end_matches('.'))
        || f.starts_with("skip to")
        || f.starts_with("copy no")
        || f.starts_with("top secret;")
        || f.starts_with("secret;")
        || f.strip_prefix("no. ")
            .is_some_and(|n| n.chars().all(|c| c.is_ascii_digit()))
        || f.starts_with("document ") && f["document ".len()..].chars().all(|c| c.is_ascii_digit())
        || f.chars().all(|c| !c.is_alphabetic())
}

/// The first header paragraph that reads like a title: short, not page
/// furniture, not a dateline, not a sentence of the body.
fn title_of(header: &[Lines<'_>]) -> Option<String> {
    for p in header {
        let text = joined(p);
        if p.len() > 3 || text.chars().count() > 300 || is_furniture(&text) {
            continue;
        }
        if is_dateline(&text)
            || is_heading_label(&text)
            || field_of_label(&text).is_some()
            || file_number(&text).is_some()
        {
            continue;
        }
        let lower = text.to_lowercase();
        if lower.starts_with("from the diary of")
            || text.contains(':')
                && text
                    .split(':')
                    .next()
                    .is_some_and(|l| field_of_label(l).is_some())
        {
            continue;
        }
        let words = text.split_whitespace().count();
        // An editor's cut (`[...]`, `…`) ends a sentence as a period would.
        let ended = text
            .trim_end_matches(|c: char| c.is_whitespace() || "[].…".contains(c))
            .len()
            < text.len();
        let text = if ended && !text.ends_with('.') {
            format!(
                "{}.",
                text.trim_end_matches(|c: char| c.is_whitespace() || "[].…".contains(c))
            )
        } else {
            text.into_owned()
        };
        let last = text.split_whitespace().last().unwrap_or("");
        let sentence = text.ends_with(['?', '!', '。', '？', '！'])
            || text.ends_with('.') && !is_abbreviation(last.trim_end_matches('.'));
        // A sentence of the body is the end of the header: no title above it.
        if words > 25 || sentence {
            return None;
        }
        // A capital, a digit, or a letter of a script without case
        // (Hangul, Chinese characters, Arabic…): a lower-case start is no
        // title.
        if !text
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit() || c.is_alphabetic() && !c.is_lowercase())
        {
            continue;
        }
        let title = strip_number(&text);
        if title.is_empty() {
            continue;
        }
        return Some(title.to_string());
    }
    None
}

/// `23. Telegram …` or `No. 78 The Ambassador …` → without the number
/// (an edition's document number).
fn strip_number(s: &str) -> &str {
    if let Some(rest) = s.strip_prefix("No. ") {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 && rest[digits..].starts_with(' ') {
            return rest[digits..].trim();
        }
    }
    let digits = s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits > 0 && digits <= 4 && s[digits..].starts_with(". ") {
        s[digits + 2..].trim()
    } else {
        s.trim()
    }
}

/// A word of a date line with its byte range in the line.
#[derive(Debug, Clone, Copy)]
struct Token<'a> {
    text: &'a str,
    start: usize,
    end: usize,
}

/// Words split at whitespace and dashes, with surrounding punctuation trimmed.
fn tokens(s: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    let is_sep = |c: char| c.is_whitespace() || c == '—' || c == '–' || c == ',';
    for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
        match (start, is_sep(c)) {
            (None, false) => start = Some(i),
            (Some(st), true) => {
                let raw = &s[st..i];
                let trimmed = raw.trim_matches(|c: char| "()[]\"'“”‘’;:".contains(c));
                let trimmed = trimmed.strip_suffix('.').unwrap_or(trimmed);
                if !trimmed.is_empty() {
                    let offset = raw.find(trimmed).unwrap_or(0);
                    out.push(Token {
                        text: trimmed,
                        start: st + offset,
                        end: st + offset + trimmed.len(),
                    });
                }
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// The months' names, lower case, in order.
const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_of(word: &str) -> Option<u32> {
    // Month names are capitalised in dates ("may" is a verb).
    if !word.chars().next().is_some_and(|c| c.is_uppercase()) {
        return None;
    }
    let w = word.trim_end_matches('.');
    // Every month name is ASCII and 3 to 9 letters long: most capitalised
    // words (names, titles) are answered here, without a lower-cased copy.
    if !(3..=9).contains(&w.len()) || !w.is_ascii() {
        return None;
    }
    let w = w.to_ascii_lowercase();
    if let Some(i) = MONTHS.iter().position(|m| *m == w) {
        return Some(i as u32 + 1);
    }
    let short = match w.as_str() {
        "sept" => return Some(9),
        s if s.len() == 3 => s,
        _ => return None,
    };
    MONTHS
        .iter()
        .position(|m| m.starts_with(short) && short != "may")
        .map(|i| i as u32 + 1)
}

fn day_of(word: &str) -> Option<u32> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &word[digits.len()..];
    if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if !matches!(suffix, "" | "st" | "nd" | "rd" | "th") {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

fn year_of(word: &str) -> Option<u32> {
    (word.len() == 4 && word.bytes().all(|b| b.is_ascii_digit()))
        .then(|| word.parse().ok())
        .flatten()
        .filter(|y| (1000..=2999).contains(y))
}

fn roman_month(word: &str) -> Option<u32> {
    const ROMAN: [&str; 12] = [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
    ];
    ROMAN.iter().position(|r| *r == word).map(|i| i as u32 + 1)
}

/// `24.7.1956`, `24.VII.1956`, `1956-07-24`, `1956-07`.
fn numeric_date(word: &str) -> Option<PartialDate> {
    // Both shapes open with a digit (a year, a day): a word is answered
    // here without the parses below (a failed `PartialDate` parse formats
    // its error message).
    if !word.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    if let Ok(d) = word.parse::<PartialDate>()
        && word.len() >= 7
    {
        return Some(d);
    }
    let parts: Vec<&str> = word.split('.').collect();
    if parts.len() == 3 {
        let day = day_of(parts[0])?;
        let month = parts[1]
            .parse::<u32>()
            .ok()
            .filter(|m| parts[1].len() <= 2 && (1..=12).contains(m))
            .or_else(|| roman_month(parts[1]))?;
        let year = year_of(parts[2])?;
        return PartialDate::from_parts(year, Some(month), Some(day));
    }
    None
}

/// Every date in `s` with its byte range, in order.
fn dates_in(s: &str) -> Vec<(usize, usize, PartialDate)> {
    if !may_hold_a_date(s) {
        return Vec::new();
    }
    let mut dates = dates_in_words(s);
    if s.is_ascii() {
        return dates;
    }
    // Words never hold a whole East Asian date (`1957년` is no date
    // alone), so the two never overlap.
    dates.extend(east_asian_dates(s));
    dates.sort_by_key(|&(start, _, _)| start);
    dates
}

/// The units after a year, a month and a day in Korean (`1957년 3월 12일`)
/// and in Chinese and Japanese (`1957年3月12日`).
const YEAR_UNITS: [&str; 2] = ["년", "年"];
const MONTH_UNITS: [&str; 2] = ["월", "月"];
const DAY_UNITS: [&str; 2] = ["일", "日"];

/// Dates written year, month, day, each number followed by its unit
/// (`1957년 3월 12일`, `1957年3月12日`, `1957년 3월`): the month is needed, as
/// a year alone is no date (`1957년에`, "in 1957").
fn east_asian_dates(s: &str) -> Vec<(usize, usize, PartialDate)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let opens = b[i].is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_digit());
        let year = opens
            .then(|| number_with_unit(s, i, 4..=4, &YEAR_UNITS))
            .flatten()
            .filter(|&(y, _)| (1000..=2999).contains(&y));
        let Some((year, after_year)) = year else {
            i += 1;
            continue;
        };
        let month = number_with_unit(s, after_spaces(s, after_year), 1..=2, &MONTH_UNITS)
            .filter(|&(m, _)| (1..=12).contains(&m));
        let Some((month, after_month)) = month else {
            i = after_year;
            continue;
        };
        let day = number_with_unit(s, after_spaces(s, after_month), 1..=2, &DAY_UNITS)
            .filter(|&(d, _)| (1..=31).contains(&d));
        let (day, end) = match day {
            Some((d, end)) => (Some(d), end),
            None => (None, after_month),
        };
        if let Some(date) = PartialDate::from_parts(year, Some(month), day) {
            out.push((i, end, date));
        }
        i = end;
    }
    out
}

/// The number of `digits` ASCII digits at byte `at` of `s` followed at once
/// by one of `units`, and the byte after the unit.
fn number_with_unit(
    s: &str,
    at: usize,
    digits: std::ops::RangeInclusive<usize>,
    units: &[&str],
) -> Option<(u32, usize)> {
    let rest = s.get(at..)?;
    let n = rest.bytes().take_while(u8::is_ascii_digit).count();
    if !digits.contains(&n) {
        return None;
    }
    let unit = units.iter().find(|u| rest[n..].starts_with(**u))?;
    Some((rest[..n].parse().ok()?, at + n + unit.len()))
}

/// The byte after the spaces at byte `at` of `s`.
fn after_spaces(s: &str, at: usize) -> usize {
    at + s[at..].len() - s[at..].trim_start().len()
}

/// [`dates_in`] word by word, without its quick look for a year.
fn dates_in_words(s: &str) -> Vec<(usize, usize, PartialDate)> {
    let t = tokens(s);
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        let w = |k: usize| t.get(i + k).map(|x| x.text).unwrap_or("");
        let found: Option<(usize, PartialDate)> = if let Some(d) = numeric_date(w(0)) {
            Some((1, d))
        } else if let (Some(m), Some(d), Some(y)) = (month_of(w(0)), day_of(w(1)), year_of(w(2))) {
            PartialDate::from_parts(y, Some(m), Some(d)).map(|x| (3, x))
        } else if let (Some(d), Some(m), Some(y)) = (day_of(w(0)), month_of(w(1)), year_of(w(2))) {
            PartialDate::from_parts(y, Some(m), Some(d)).map(|x| (3, x))
        } else if let (Some(d), "of", Some(m), Some(y)) =
            (day_of(w(0)), w(1), month_of(w(2)), year_of(w(3)))
        {
            PartialDate::from_parts(y, Some(m), Some(d)).map(|x| (4, x))
        } else if let (Some(m), Some(y)) = (month_of(w(0)), year_of(w(1))) {
            PartialDate::from_parts(y, Some(m), None).map(|x| (2, x))
        } else {
            None
        };
        match found {
            Some((n, date)) => {
                out.push((t[i].start, t[i + n - 1].end, date));
                i += n;
            }
            None => i += 1,
        }
    }
    out
}

/// Can [`dates_in`] find a date in `s`? Every shape it knows holds a year
/// as a run of exactly four ASCII digits (words never split a run of
/// digits): any four followed by `-` (`1956-07`), or 1000 to 2999
/// ([`year_of`]) after a `.` (`24.7.1956`) or beside a month's name (`July
/// 24, 1956`, `24 July 1956`, `July 1956`). A line without such a run, or
/// with a bare year and no month (a memo's number, most lines), needs no
/// tokens.
fn may_hold_a_date(s: &str) -> bool {
    let b = s.as_bytes();
    let mut year_word = false;
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i - start != 4 {
            continue;
        }
        if b.get(i) == Some(&b'-') {
            return true;
        }
        // `1957년`, `1957年`: a month may follow ([`east_asian_dates`]).
        if YEAR_UNITS.iter().any(|u| b[i..].starts_with(u.as_bytes())) {
            return true;
        }
        if matches!(b[start], b'1' | b'2') {
            if start > 0 && b[start - 1] == b'.' {
                return true;
            }
            year_word = true;
        }
    }
    year_word && may_name_a_month(b)
}

/// Does `b` hold a capitalised word opening with a month's first three
/// letters? Every month name [`month_of`] takes does (`Sept.`, `Jul`,
/// `December`).
fn may_name_a_month(b: &[u8]) -> bool {
    b.windows(3).any(|w| {
        w[0].is_ascii_uppercase()
            && MONTHS
                .iter()
                .any(|m| m.as_bytes()[..3].eq_ignore_ascii_case(w))
    })
}

/// The first date in `s`, or a bare year when `s` is only a year.
fn first_date(s: &str) -> Option<(usize, usize, PartialDate)> {
    dates_in(s).into_iter().next().or_else(|| {
        let t = s.trim().trim_end_matches('.');
        year_of(t).and_then(|y| PartialDate::from_parts(y, None, None).map(|d| (0, s.len(), d)))
    })
}

/// Is this a time of day (`9:27`, `p.m`, `noon`)?
fn is_time_word(w: &str) -> bool {
    let lower = w.to_lowercase();
    matches!(
        lower.as_str(),
        "a.m" | "p.m" | "am" | "pm" | "noon" | "midnight" | "a" | "p" | "m" | "hours" | "h"
    ) || lower
        .chars()
        .all(|c| c.is_ascii_digit() || c == ':' || c == '.')
}

/// A place before a date: one to five words, capitalised, no digits.
fn place_before(before: &str) -> Option<String> {
    // Editors bracket what they supply: `[Washington,]`.
    let before: String = before.chars().filter(|c| !matches!(c, '[' | ']')).collect();
    let segment = before.trim().trim_end_matches([',', '，']).trim();
    let segment = segment.rsplit(", ").next().unwrap_or(segment).trim();
    let words: Vec<&str> = segment.split_whitespace().collect();
    let particle = |w: &str| matches!(w, "of" | "de" | "am" | "an" | "the" | "on" | "sur" | "upon");
    // A capital, or a letter of a script without case (`평양`, `北京`).
    let capital = |w: &str| {
        w.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() && !c.is_lowercase())
    };
    let ok = !words.is_empty()
        && words.len() <= 5
        && capital(words[0])
        && words
            .iter()
            .all(|w| !w.chars().any(|c| c.is_ascii_digit()) && (particle(w) || capital(w)));
    ok.then(|| segment.trim_end_matches('.').to_string())
}

/// Is `text` a dateline: a date, perhaps a place before it and a time after,
/// and little else?
fn is_dateline(text: &str) -> bool {
    dateline_parts(text).is_some()
}

fn dateline_parts(text: &str) -> Option<(Option<String>, PartialDate)> {
    if text.chars().count() > 120 {
        return None;
    }
    dateline_around(text, dates_in(text).into_iter().next()?)
}

/// [`dateline_parts`] of `text`, whose first date is `first`.
fn dateline_around(
    text: &str,
    (start, end, date): (usize, usize, PartialDate),
) -> Option<(Option<String>, PartialDate)> {
    let before = &text[..start];
    let after = &text[end..];
    let place = place_before(before);
    let words_before = if place.is_some() {
        0
    } else {
        before.split_whitespace().count()
    };
    let words_after = tokens(after)
        .iter()
        .filter(|t| !is_time_word(t.text))
        .count();
    (words_before + words_after <= 2).then_some((place, date))
}

/// Place and date from the first dateline in the header, else from the
/// title (`Memorandum …, Washington, January 7, 1955`).
fn dateline(header: &[Lines<'_>], title: Option<&str>) -> (Option<String>, Option<PartialDate>) {
    // The first date of each of the first paragraphs that is one line,
    // once looked for (the last loop below asks again).
    let mut first_dates: [Option<Option<PartialDate>>; 6] = Default::default();
    for (i, p) in header.iter().enumerate() {
        for line in p {
            if line.chars().count() > 120 {
                continue;
            }
            let first = dates_in(line).into_iter().next();
            if p.len() == 1 && i < first_dates.len() {
                first_dates[i] = Some(first.as_ref().map(|(_, _, d)| d.clone()));
            }
            if let Some((place, date)) = first.and_then(|f| dateline_around(line, f)) {
                return (place, Some(date));
            }
        }
    }
    if let Some(title) = title
        && let Some((start, _, date)) = dates_in(title).into_iter().next()
    {
        return (place_before(&title[..start]), Some(date));
    }
    // A date anywhere in the first lines (a cable's header, a letter's opening).
    for (p, known) in header.iter().zip(first_dates) {
        let first =
            known.unwrap_or_else(|| dates_in(&joined(p)).into_iter().next().map(|(_, _, d)| d));
        if let Some(date) = first {
            return (None, Some(date));
        }
    }
    (None, None)
}

/// Words that open a document's title by naming its kind.
fn is_document_kind(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "telegram"
            | "memorandum"
            | "letter"
            | "note"
            | "message"
            | "cable"
            | "despatch"
            | "dispatch"
            | "report"
            | "instruction"
            | "airgram"
            | "circular"
            | "minutes"
            | "record"
    )
}

/// `Memorandum From X to Y`, `Memorandum by X to Y`, `The Ambassador in
/// Burma (Sebald) to the Secretary of State` → (X, Y): the ways editions
/// title correspondence.
fn from_to(title: &str) -> (Option<String>, Option<String>) {
    let kind = title
        .split_whitespace()
        .next()
        .is_some_and(is_document_kind);
    let start = if let Some(at) = title.find(" From ") {
        at + " From ".len()
    } else if kind
        && let Some(after) = [" from ", " by "]
            .iter()
            .find_map(|w| title.find(w).map(|at| at + w.len()))
    {
        after
    } else if title.starts_with("The ") && title.contains(" to ") {
        0
    } else {
        return (None, None);
    };
    let rest = &title[start..];
    let (from, to) = match rest.find(" to ") {
        Some(t) => (&rest[..t], Some(&rest[t + " to ".len()..])),
        None => (rest, None),
    };
    let clean = |s: &str| {
        let s = s.split(", at ").next().unwrap_or(s);
        let s = s.trim().trim_end_matches(['.', ',']).trim();
        (!s.is_empty()).then(|| s.to_string())
    };
    let to = to.and_then(|t| {
        // `to Y, Washington, January 7, 1955`: the place and date are not Y.
        let t = t.split(", ").next().unwrap_or(t);
        clean(t)
    });
    (clean(from), to)
}

/// "From the diary of … NAME": the name is on the last line of that block
/// (the lines between are the author's office).
fn diary_author(header: &[Lines<'_>]) -> Option<String> {
    for (i, p) in header.iter().enumerate() {
        let first = p[0];
        let Some(rest) = strip_prefix_ci(first, "from the diary of") else {
            continue;
        };
        let rest = rest.trim().trim_end_matches([':', ',']);
        if !rest.is_empty() {
            return Some(rest.split(", ").next().unwrap_or(rest).to_string());
        }
        let block: &[&str] = if p.len() > 1 {
            &p[1..]
        } else {
            header.get(i + 1).map(|n| n.as_slice()).unwrap_or(&[])
        };
        return block.last().map(|l| l.trim().to_string());
    }
    None
}

/// Abbreviations after which a period does not end a sentence.
fn is_abbreviation(word: &str) -> bool {
    let w = word.trim_start_matches(|c: char| !c.is_alphanumeric());
    let lower = w.to_lowercase();
    (w.chars().count() == 1 && w.chars().all(|c| c.is_uppercase()))
        || matches!(
            lower.as_str(),
            "f" | "op"
                | "d"
                | "l"
                | "ll"
                | "no"
                | "nos"
                | "vol"
                | "p"
                | "pp"
                | "dept"
                | "mr"
                | "mrs"
                | "dr"
                | "st"
                | "ca"
                | "cf"
                | "ff"
                | "jr"
                | "sr"
                | "i.e"
                | "e.g"
                | "u.s"
                | "fol"
                | "fols"
                | "ed"
                | "eds"
                | "doc"
                | "ibid"
        )
}

/// Does `s` start with a security marking (as sources list them after the
/// archival reference)?
fn starts_with_marking(s: &str) -> bool {
    [
        "Top Secret",
        "Secret",
        "Confidential",
        "Unclassified",
        "Limited Official Use",
        "Official Use Only",
        "Restricted",
        "No classification",
    ]
    .iter()
    .any(|m| {
        s.strip_prefix(m)
            .is_some_and(|rest| rest.starts_with([';', '.', ',', ' ']) || rest.is_empty())
    })
}

/// Sentences of `s`, split at a period followed by a space and a capital
/// or digit, unless the period ends an initial or an abbreviation.
fn sentences(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = s.as_bytes();
    for (i, c) in s.char_indices() {
        if c != '.' || i + 2 > s.len() || bytes.get(i + 1) != Some(&b' ') {
            continue;
        }
        let next = s[i + 2..].chars().next();
        if !next.is_some_and(|n| n.is_uppercase() || n.is_ascii_digit()) {
            continue;
        }
        let word = s[start..i].rsplit(' ').next().unwrap_or("");
        // A security marking after a period starts a sentence even when the
        // word before looks like an initial (`… 27–3 VIET S. Top Secret;`).
        if is_abbreviation(word) && !starts_with_marking(&s[i + 2..]) {
            continue;
        }
        out.push(s[start..=i].trim());
        start = i + 2;
    }
    if start < s.len() && !s[start..].trim().is_empty() {
        out.push(s[start..].trim());
    }
    out
}

/// The citation part of a source text: its sentences up to the first that
/// says who obtained, translated or gave the document.
fn first_sentences(s: &str) -> String {
    let not_location = [
        "obtained",
        "translated",
        "translation",
        "contributed",
        "donated",
        "courtesy",
        "provided",
        "secret",
        "top secret",
        "confidential",
        "drafted",
        "unclassified",
        "limited official use",
        "official use only",
        "sent to",
        "repeated to",
        "also sent",
        "received",
        "no classification",
        "printed",
        "the source text",
        "approved",
        "transmitted",
        "this",
        "eyes only",
        "personal",
        "priority",
    ];
    let mut kept = Vec::new();
    for sentence in sentences(s) {
        let lower = sentence.to_lowercase();
        if !kept.is_empty() && not_location.iter().any(|w| lower.starts_with(w)) {
            break;
        }
        kept.push(sentence);
        // One sentence names the place; further ones only when it was short.
        if sentence.len() > 12 {
            break;
        }
    }
    kept.join(" ")
        .trim()
        .trim_end_matches('.')
        .trim()
        .to_string()
}

/// A `Source: …` note (an edition's first footnote, perhaps numbered).
fn source_note(paragraphs: &[Lines<'_>]) -> Option<String> {
    for p in paragraphs {
        let text = joined(p);
        let body = text
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start_matches('.')
            .trim_start();
        if let Some(rest) = strip_prefix_ci(body, "source:") {
            let c = first_sentences(rest.trim());
            if !c.is_empty() {
                return Some(c);
            }
        }
    }
    None
}

/// The paragraph after a "Document Information" (or "Source") heading.
fn information_block(paragraphs: &[Lines<'_>]) -> Option<String> {
    for (i, p) in paragraphs.iter().enumerate() {
        // None of the headings has more than two words (a third of colons
        // alone folds away).
        if p.len() != 1
            || p[0].split_whitespace().nth(3).is_some()
            || !matches!(
                folded(p[0]).as_str(),
                "document information" | "source" | "archival source" | "original archive"
            )
        {
            continue;
        }
        for next in paragraphs.iter().skip(i + 1).take(2) {
            if next.len() == 1 && (is_heading_label(next[0]) || field_of_label(next[0]).is_some()) {
                continue;
            }
            let c = first_sentences(&joined(next));
            if !c.is_empty() {
                return Some(c);
            }
        }
    }
    None
}

/// Words that name parts of an archival reference.
fn archival_words(s: &str) -> usize {
    const WORDS: [&str; 18] = [
        "fond",
        "opis",
        "delo",
        "listy",
        "list",
        "f.",
        "op.",
        "d.",
        "ll.",
        "rg",
        "box",
        "folder",
        "file",
        "files",
        "lot",
        "record group",
        "papers",
        "archive",
    ];
    let lower = s.to_lowercase();
    lower
        .split([',', ';'])
        .filter(|part| {
            let part = part.trim();
            WORDS
                .iter()
                .any(|w| part.starts_with(w) || part.ends_with(w))
        })
        .count()
}

/// A paragraph whose first sentence reads like an archival reference
/// (`RGANI, Fond 5, Opis 28, Delo 410, Listy 301-303`).
fn archival_shape(paragraphs: &[Lines<'_>]) -> Option<String> {
    paragraphs.iter().find_map(|p| {
        let text = joined(p);
        let first = sentences(&text).into_iter().next()?;
        // Two parts need a `,` or `;` between them.
        (first.len() < 200 && first.contains([',', ';']) && archival_words(first) >= 2)
            .then(|| first.trim_end_matches('.').to_string())
    })
}

/// A person's name at the start of `s`: capitalised words, initials and
/// name particles, up to the first word that is none of these.
fn name_at(s: &str) -> Option<String> {
    let mut words = Vec::new();
    for raw in s.split_whitespace() {
        let word = raw.trim_end_matches([',', ';', ')', ':']);
        let particle = matches!(
            word,
            "de" | "van" | "von" | "der" | "da" | "di" | "la" | "le" | "bin" | "al"
        );
        if !(particle || word.chars().next().is_some_and(|c| c.is_uppercase())) {
            break;
        }
        // `F.` or `A.M.`: single letters with periods.
        let initial = word.ends_with('.')
            && word
                .trim_end_matches('.')
                .split('.')
                .all(|part| part.chars().count() == 1);
        let ends = word.ends_with('.') && !initial || word.len() != raw.len();
        words.push(if ends {
            word.trim_end_matches('.')
        } else {
            word
        });
        if ends || words.len() >= 6 {
            break;
        }
    }
    while words.last().is_some_and(|w| {
        matches!(
            *w,
            "de" | "van" | "von" | "der" | "da" | "di" | "la" | "le" | "bin" | "al"
        )
    }) {
        words.pop();
    }
    (!words.is_empty()).then(|| words.join(" "))
}

/// "translated … by NAME" (also "Translated by NAME", "translation by NAME").
fn translated_by(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    for key in ["translated", "translation"] {
        let mut from = 0;
        while let Some(at) = lower[from..].find(key) {
            let at = from + at;
            from = at + key.len();
            let window_end = (from + 80).min(text.len());
            let window_end = (window_end..=text.len())
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(text.len());
            let window = &lower[from..window_end];
            let sentence_end = window.find(". ").unwrap_or(window.len());
            if let Some(by) = window[..sentence_end].find(" by ")
                && let Some(name) = name_at(text[from + by + 4..].lines().next().unwrap_or(""))
            {
                return Some(name);
            }
        }
    }
    None
}

/// A line naming an edition or series (`Foreign Relations of the United States, …`).
fn series_line(paragraphs: &[Lines<'_>]) -> Option<String> {
    paragraphs.iter().flatten().find_map(|line| {
        strip_prefix_ci(line, "foreign relations of the united states")
            .map(|_| line.trim_end_matches('.').to_string())
    })
}

/// The first `http://` or `https://` address, without trailing punctuation.
fn first_url(text: &str) -> Option<String> {
    let at = text.find("https://").or_else(|| text.find("http://"))?;
    let rest = &text[at..];
    let end = rest
        .find(|c: char| c.is_whitespace() || "<>\"'".contains(c))
        .unwrap_or(rest.len());
    let url = rest[..end].trim_end_matches(['.', ',', ';', ')', ']']);
    (url.len() > "https://".len()).then(|| url.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The first-word check only spares the folded copy: every label
        /// is answered as the folded copy answers it.
        #[test]
        fn labels_are_answered_as_their_folded_copy_answers(
            label in "( |\t|:|Title|TITLE|title:|Document|date|Place|of|origin|From|to|Record|ID|id|archival|Source|URL|Translated|by|K|\u{212a}|Ü|x){0,6}"
        ) {
            proptest::prop_assert_eq!(field_of_label(&label), field_of_folded_label(&label));
        }
    }

    /// A memorandum as a web archive serves it (written for this test).
    const WEB_MEMO: &str = "Skip to content\n\nMarch 3, 1957\n\nRecord of a Conversation with Deputy Premier Han Tae-jun\n\nSecret\n\nFrom the diary of\nCounsellor of the Embassy\nof the USSR in the DPRK\nOrlov V.I.\n\nHan told me that the grain plan would not be met.\n\nDocument Information\n\n\nAVPRF, Fond 0102, Opis 13, Papka 72, Delo 5, Listy 12-15. Obtained and translated for the project by Mary K. Lee.\n\nOriginal Uploaded Date\n\n\nRecord ID\n\n\n123456\n";

    /// Every text file of `dir` and below.
    fn texts_below(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                texts_below(&p, out);
            } else if p.extension().is_some_and(|x| x == "txt" || x == "md")
                && let Ok(text) = std::fs::read_to_string(&p)
            {
                out.push((p.display().to_string(), text));
            }
        }
    }

    #[test]
    fn label_first_words_are_those_of_the_labels() {
        let mut firsts: Vec<&str> = LABELS
            .iter()
            .filter_map(|(l, _)| l.split(' ').next())
            .collect();
        firsts.sort_unstable();
        firsts.dedup();
        let mut listed = LABEL_FIRST_WORDS.to_vec();
        listed.sort_unstable();
        assert_eq!(listed, firsts);
    }

    proptest::proptest! {
        #[test]
        fn ascii_text_folds_as_any_text_does(s in "[A-Za-z :.\t\n\x0b\x0c\r]{0,24}") {
            proptest::prop_assert_eq!(folded_ascii(&s), folded_any(&s));
        }
    }

    #[test]
    fn a_heading_in_a_script_without_capitals_is_a_title_and_a_sentence_is_not() {
        let korean =
            "남일과의 회담 기록\n\n평양, 1957년 3월 12일\n\n남일은 회담이 늦어졌다고 말했다.\n";
        assert_eq!(detect(korean).title.as_deref(), Some("남일과의 회담 기록"));
        assert_eq!(
            title_and_date(korean).0.as_deref(),
            Some("남일과의 회담 기록")
        );
        let chinese = "会谈记录\n\n南日说，会谈推迟了。\n";
        assert_eq!(detect(chinese).title.as_deref(), Some("会谈记录"));
        // The body's first sentence ends the header, in any script.
        assert_eq!(detect("南日说，会谈推迟了。\n\n会谈记录\n").title, None);
        assert_eq!(
            detect("남일은 회담이 늦어졌다고 말했다.\n\n기록\n").title,
            None
        );
        // Lower case still starts no title.
        assert_eq!(detect("an untitled note\n\nText of it.\n").title, None);
    }

    #[test]
    fn title_and_date_alone_are_what_the_whole_detection_gives() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = vec![("WEB_MEMO".to_string(), WEB_MEMO.to_string())];
        texts_below(&root.join("samples"), &mut texts);
        texts_below(&root.join("tests/data"), &mut texts);
        // Labels past the header do not name the document; one in the
        // header's last paragraph takes its value from the next.
        let body = "A sentence of the body.\n\n".repeat(13);
        texts.push((
            "late labels".into(),
            format!("{body}Title:\n\nNot a title\n\nDate: July 4, 1956\n\nTitle: no\n"),
        ));
        texts.push((
            "label at the edge".into(),
            format!("{body}Date\n\nJuly 4, 1956\n\nmore\n"),
        ));
        assert!(texts.len() > 10, "{} texts", texts.len());
        let mut dated = 0;
        for (name, text) in &texts {
            let whole = detect(text);
            let (title, date) = title_and_date(text);
            assert_eq!(title, whole.title, "{name}");
            assert_eq!(date, whole.date, "{name}");
            dated += usize::from(date.is_some());
        }
        assert!(dated > 3, "only {dated} texts with a date");
    }

    #[test]
    fn a_web_archive_memo_gives_every_field() {
        let m = detect(WEB_MEMO);
        assert_eq!(
            m.title.as_deref(),
            Some("Record of a Conversation with Deputy Premier Han Tae-jun")
        );
        assert_eq!(m.date.as_ref().map(|d| d.as_str()), Some("1957-03-03"));
        assert_eq!(m.author.as_deref(), Some("Orlov V.I."));
        assert_eq!(
            m.citation.as_deref(),
            Some("AVPRF, Fond 0102, Opis 13, Papka 72, Delo 5, Listy 12-15")
        );
        assert_eq!(m.translator.as_deref(), Some("Mary K. Lee"));
        assert_eq!(m.record_id.as_deref(), Some("123456"));
        assert_eq!(m.place, None);
    }

    #[test]
    fn author_alone_is_what_detect_finds() {
        // `gloss actors` asks only for the author: it must be detect's.
        let texts = [
            WEB_MEMO,
            "Memorandum From the Secretary of State to the President\n\nWashington, May 2, 1955\n\nText.",
            "Title: A note\n\nAuthor: Kim B.\n\nText.",
            "Record of a Conversation\n\nNothing said who wrote it.",
            "",
        ];
        for text in texts {
            assert_eq!(author(text), detect(text).author, "{text}");
        }
    }

    #[test]
    fn author_reads_the_header_only_as_detect_does() {
        let filler = |n: usize| (0..n).map(|i| format!("Paragraph {i} of the text."));
        // A label alone ending the header takes its value from the next paragraph.
        let last: Vec<String> = filler(13)
            .chain(["Author".to_string(), "Kim B.".to_string()])
            .chain(filler(20))
            .collect();
        // A label past the header heads a quoted message, not this document.
        let beyond: Vec<String> = filler(20).chain(["Author: Lee C.".to_string()]).collect();
        let (last, beyond) = (last.join("\n\n"), beyond.join("\n\n"));
        assert_eq!(author(&last).as_deref(), Some("Kim B."));
        assert_eq!(author(&last), detect(&last).author);
        assert_eq!(author(&beyond), detect(&beyond).author);
    }

    #[test]
    fn date_shapes() {
        let d = |s: &str| dates_in(s).first().map(|(_, _, d)| d.to_string());
        assert_eq!(d("July 24, 1956").as_deref(), Some("1956-07-24"));
        assert_eq!(d("24 July 1956").as_deref(), Some("1956-07-24"));
        assert_eq!(d("24th of July, 1956").as_deref(), Some("1956-07-24"));
        assert_eq!(d("24.7.1956").as_deref(), Some("1956-07-24"));
        assert_eq!(d("24.VII.1956").as_deref(), Some("1956-07-24"));
        assert_eq!(d("1956-07-24").as_deref(), Some("1956-07-24"));
        assert_eq!(d("Sept. 3, 1955").as_deref(), Some("1955-09-03"));
        assert_eq!(d("in July 1956 they met").as_deref(), Some("1956-07"));
        assert_eq!(d("it may 24 1956"), None);
        assert_eq!(d("February 30, 1956"), None);
    }

    #[test]
    fn korean_chinese_and_japanese_dates_are_dates() {
        fn d(s: &str) -> Option<(&str, String)> {
            dates_in(s)
                .first()
                .map(|(a, b, d)| (&s[*a..*b], d.to_string()))
        }
        assert_eq!(
            d("평양, 1957년 3월 12일"),
            Some(("1957년 3월 12일", "1957-03-12".into()))
        );
        assert_eq!(
            d("1957年3月12日"),
            Some(("1957年3月12日", "1957-03-12".into()))
        );
        assert_eq!(
            d("1957년 3월에 만났다"),
            Some(("1957년 3월", "1957-03".into()))
        );
        assert_eq!(
            d("July 24, 1956 and 1957년 3월 12일").map(|x| x.1),
            Some("1956-07-24".into())
        );
        assert_eq!(dates_in("1956년 7월 24일 그리고 1957年3月12日").len(), 2);
        // A year alone, a month out of range, five digits: no date.
        for line in [
            "1957년에",
            "1957년 13월 2일",
            "19570년 3월",
            "957년 3월",
            "3월 12일",
        ] {
            assert_eq!(dates_in(line), Vec::new(), "{line}");
        }
        // As the title and date of a memorandum's header, the place too.
        let text = "대화록\n\n평양, 1957년 3월 12일\n\n박창옥이 말했다.";
        let (_, date) = title_and_date(text);
        assert_eq!(date.map(|d| d.to_string()).as_deref(), Some("1957-03-12"));
        let (place, date) = dateline_parts("평양, 1957년 3월 12일").unwrap();
        assert_eq!(
            (place.as_deref(), date.to_string()),
            (Some("평양"), "1957-03-12".into())
        );
        for line in ["北京，1957年3月12日", "北京, 1957年3月12日"] {
            let (place, _) = dateline_parts(line).unwrap();
            assert_eq!(place.as_deref(), Some("北京"), "{line}");
        }
    }

    #[test]
    fn a_line_without_a_year_has_no_date_to_look_for() {
        for line in [
            "July 24, 1956",
            "24.VII.1956",
            "1956-07",
            "7975-01",
            "in memo 7975, and 24.7.56",
            "May 3, 12345 and 195 and 30000",
            "Nam Il said that the cadres had not been consulted, memo 7951.",
            "2026-13-40 and 1999",
            "year 0999 or 3000",
            "Memo 1956 of the SEPT. session, 3 Sept 1955 and JULY 4, 1956",
            "on the 4th of July, 1956 (Sept. 3, 1955)",
            "memo 1956 and 1957, no month named",
            "dated 3.12.1956 or 1956/07/24",
        ] {
            let found = !dates_in_words(line).is_empty();
            assert!(
                !found || may_hold_a_date(line),
                "{line}: a date the quick look would miss"
            );
            assert_eq!(dates_in(line), dates_in_words(line), "{line}");
        }
        assert!(!may_hold_a_date("memo 7975. and 12345"));
        assert!(may_hold_a_date("memo 7975-01"));
        assert!(may_hold_a_date("in July 1956"));
        assert!(may_hold_a_date("on 24.7.1956"));
        // A year alone, with no month's name, is no date to look for.
        assert!(!may_hold_a_date("in 1956"));
        assert!(!may_hold_a_date("Nam Il wrote it down in memo 1956."));
    }

    proptest::proptest! {
        /// The quick look never misses a date the word-by-word search finds,
        /// whatever words the line is made of.
        #[test]
        fn the_quick_look_misses_no_date(words in proptest::collection::vec(
            proptest::sample::select(vec![
                "July", "july", "JULY", "Sept.", "Sep", "Jul", "May", "may", "Dec.", "Decem",
                "24", "24th", "3rd", "of", "1956", "2999", "0999", "12345", "1956-07", "1956-07-24",
                "24.7.1956", "24.VII.1956", "3.12.1956", "memo", "Nam", "Il", "—", "(", ")",
                ",", ".", "7975-01", "31", "2.", "Jan", "February",
            ]),
            0..10,
        ), glue in proptest::collection::vec(
            proptest::sample::select(vec![" ", ", ", "", ".", " (", ") "]),
            10,
        )) {
            let mut line = String::new();
            for (w, g) in words.iter().zip(&glue) {
                line.push_str(w);
                line.push_str(g);
            }
            proptest::prop_assert_eq!(dates_in(&line), dates_in_words(&line), "{}", line);
        }
    }

    #[test]
    fn labels_are_found_with_spaces_and_a_colon_word() {
        assert_eq!(field_of_label("Place  of origin :"), Some("place"));
        assert_eq!(field_of_label("Translated by"), Some("translator"));
        assert_eq!(field_of_label("Nam Il said that the talks"), None);
    }

    #[test]
    fn datelines_give_place_and_date() {
        assert_eq!(
            dateline_parts("Washington, January 7, 1955."),
            Some((Some("Washington".into()), "1955-01-07".parse().unwrap()))
        );
        assert_eq!(
            dateline_parts("Seoul, August 14, 1955—9:27 p.m."),
            Some((Some("Seoul".into()), "1955-08-14".parse().unwrap()))
        );
        assert_eq!(
            dateline_parts("Pyongyang, 24.7.1956"),
            Some((Some("Pyongyang".into()), "1956-07-24".parse().unwrap()))
        );
        assert_eq!(
            dateline_parts("He arrived on July 24, 1956 and left at once."),
            None
        );
    }

    #[test]
    fn an_edition_document_gives_title_from_to_and_source() {
        let text = "12. Telegram From the Embassy in Korea to the Department of State\n\nSeoul, January 5, 1955—4 p.m.\n\n512. The President received me today.\n\n1 Source: Department of State, Central Files, 795.00/1–555. Secret; Priority. Drafted by Jones.\n";
        let m = detect(text);
        assert_eq!(
            m.title.as_deref(),
            Some("Telegram From the Embassy in Korea to the Department of State")
        );
        assert_eq!(m.date.unwrap().as_str(), "1955-01-05");
        assert_eq!(m.place.as_deref(), Some("Seoul"));
        assert_eq!(m.author.as_deref(), Some("the Embassy in Korea"));
        assert_eq!(m.recipient.as_deref(), Some("the Department of State"));
        assert_eq!(
            m.citation.as_deref(),
            Some("Department of State, Central Files, 795.00/1–555")
        );
    }

    #[test]
    fn a_title_with_place_and_date_and_labelled_headers() {
        let text = "Memorandum of a Conversation, Department of State, Washington, January 7, 1955\n\nSUBJECT\nAid\n\nThe Ambassador called.\n";
        let m = detect(text);
        assert_eq!(m.date.unwrap().as_str(), "1955-01-07");
        assert_eq!(m.place.as_deref(), Some("Washington"));
        let memo = "TO: The Secretary\nFROM: Walter S. Robertson\nDate: 1956-07\nURL: https://example.org/doc/1.\n\nThe talks went badly.\n";
        let m = detect(memo);
        assert_eq!(m.recipient.as_deref(), Some("The Secretary"));
        assert_eq!(m.author.as_deref(), Some("Walter S. Robertson"));
        assert_eq!(m.date.unwrap().as_str(), "1956-07");
        assert_eq!(m.url.as_deref(), Some("https://example.org/doc/1"));
        assert_eq!(m.title, None);
    }

    #[test]
    fn nothing_is_made_up_from_plain_prose() {
        let m = detect("We walked to the river and talked about the harvest.\n\nIt rained.\n");
        assert_eq!(m, DocumentMeta::default());
    }

    #[test]
    fn older_editions_head_documents_with_a_file_number() {
        assert_eq!(
            file_number("690B.9321/6–653: Telegram").as_deref(),
            Some("690B.9321/6–653")
        );
        assert_eq!(
            file_number("740.00116 PW/2–2449").as_deref(),
            Some("740.00116 PW/2–2449")
        );
        assert_eq!(file_number("2293. McGowan attended/left"), None);
        let m = detect(
            "690B.9321/6–653: Telegram\n\nNo. 78\nThe Ambassador in Burma (Sebald) to the Secretary of State\n\nsecret\n\nRangoon, June 6, 1953—7 p.m.\n\n2293. McGowan attended.\n",
        );
        assert_eq!(m.citation.as_deref(), Some("690B.9321/6–653"));
        assert_eq!(
            m.title.as_deref(),
            Some("The Ambassador in Burma (Sebald) to the Secretary of State")
        );
        assert_eq!(
            m.author.as_deref(),
            Some("The Ambassador in Burma (Sebald)")
        );
        assert_eq!(m.recipient.as_deref(), Some("the Secretary of State"));
    }

    #[test]
    fn lowercasing_that_changes_lengths_does_not_shift_offsets() {
        // 'İ' lowercases to two characters: offsets found in a fully
        // lowercased copy would not fit the original text.
        let text = "İİİİİİ translated İİİ by Ünal Öz. Memo\n\nİ TRANSLATED by Ayşe Kaya.\n";
        assert_eq!(detect(text).translator.as_deref(), Some("Ünal Öz"));
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_read_without_a_panic(text in "(\\PC|\n| |\\.|:|,|[0-9]|İ|translated by |Source: |July |From the diary of\n){0,200}") {
            let _ = detect(&text);
        }
    }

    #[test]
    fn a_marking_ends_the_reference_even_after_an_initial() {
        let text = "1 Source: National Archives, RG 59, POL 27–3 VIET S. Top Secret; Priority. Repeated to Saigon.";
        assert_eq!(
            source_note(&paragraphs(text)).as_deref(),
            Some("National Archives, RG 59, POL 27–3 VIET S")
        );
        // An initial before an ordinary word still does not end a sentence.
        assert_eq!(
            sentences("Drafted by John F. Kennedy. Done."),
            vec!["Drafted by John F. Kennedy.", "Done."]
        );
    }

    #[test]
    fn a_quoted_message_further_down_does_not_give_the_documents_addresses() {
        let mut text = String::from("Memorandum for the Record\n\n");
        for i in 0..HEADER_PARAGRAPHS {
            text.push_str(&format!("Paragraph {i} of the body went on.\n\n"));
        }
        text.push_str(
            "From: Embassy Seoul\nTo: Secretary of State\nDate: 1955-01-05\n\nRecord ID 42\n",
        );
        let m = detect(&text);
        assert_eq!((m.author, m.recipient, m.date), (None, None, None));
        assert_eq!(m.record_id.as_deref(), Some("42"));
    }

    #[test]
    fn a_full_citation_block_is_not_the_archival_citation() {
        let text = format!(
            "{WEB_MEMO}\nCitation\n\n\"Record of a Conversation with Deputy Premier Han Tae-jun,\" March 3, 1957, Digital Archive, AVPRF, Fond 0102. https://example.org/document/123456\n"
        );
        let m = detect(&text);
        assert_eq!(
            m.citation.as_deref(),
            Some("AVPRF, Fond 0102, Opis 13, Papka 72, Delo 5, Listy 12-15")
        );
        assert_eq!(
            m.url.as_deref(),
            Some("https://example.org/document/123456")
        );
    }

    #[test]
    fn names_stop_at_the_sentence_end() {
        assert_eq!(
            name_at("James F. Person. More").as_deref(),
            Some("James F. Person")
        );
        assert_eq!(
            name_at("Gary Goldberg, 2010").as_deref(),
            Some("Gary Goldberg")
        );
        assert_eq!(name_at("the staff"), None);
        assert_eq!(
            translated_by("Translated from Russian by Sergey Radchenko.").as_deref(),
            Some("Sergey Radchenko")
        );
    }
}
