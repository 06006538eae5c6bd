//! CSV (RFC 4180, UTF-8, header row) through the `csv` crate, safe to open in
//! a spreadsheet: a cell a spreadsheet would run as a formula is neutralised.

use std::borrow::Cow;

use super::Excerpt;
use super::text::printable;

/// Columns, in the order and with the names of the JSON fields.
pub const COLUMNS: [&str; 25] = [
    "source",
    "annotator",
    "paragraph",
    "line_start",
    "line_end",
    "kind",
    "actor",
    "by",
    "from",
    "to",
    "stance",
    "issue",
    "note",
    "text",
    "id",
    "quote_start",
    "quote_end",
    "created",
    "modified",
    "anchor",
    "doc_title",
    "doc_date",
    "doc_citation",
    "page",
    "section",
];

/// Make a cell inert: a leading `=`, `+`, `-`, `@`, TAB or CR (which spreadsheets
/// take as the start of a formula) gets a `'` before it (OWASP's advice), and
/// control and bidi characters become visible placeholders ([`printable`]: a
/// lone CR shows as `␍`, CRLF becomes LF; TAB and LF stay).
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let cell = printable(cell);
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => cell,
    }
}

/// Write rows with a header; every text cell is neutralised.
pub fn write_rows<'a>(
    header: &[&str],
    rows: impl Iterator<Item = Vec<Cow<'a, str>>>,
) -> Result<Vec<u8>, ::csv::Error> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(header)?;
    for row in rows {
        w.write_record(row.iter().map(|c| neutralise(c).into_owned()))?;
    }
    w.into_inner()
        .map_err(|e| ::csv::Error::from(e.into_error()))
}

/// One row per excerpt, the JSON fields as columns; null is an empty cell.
pub fn excerpts(excerpts: &[Excerpt]) -> Result<Vec<u8>, ::csv::Error> {
    let opt = |o: &Option<String>| Cow::Owned(o.clone().unwrap_or_default());
    let number = |n: Option<usize>| Cow::Owned(n.map(|n| n.to_string()).unwrap_or_default());
    write_rows(
        &COLUMNS,
        excerpts.iter().map(|e| {
            vec![
                Cow::Borrowed(e.source.as_str()),
                Cow::Borrowed(e.annotator.as_str()),
                Cow::Owned(e.paragraph.to_string()),
                Cow::Owned(e.line_start.to_string()),
                Cow::Owned(e.line_end.to_string()),
                Cow::Borrowed(e.kind),
                Cow::Borrowed(e.actor.as_str()),
                opt(&e.by),
                opt(&e.from),
                opt(&e.to),
                Cow::Borrowed(e.stance.unwrap_or("")),
                opt(&e.issue),
                opt(&e.note),
                Cow::Borrowed(e.text.as_str()),
                Cow::Borrowed(e.id.as_str()),
                number(e.quote_start),
                number(e.quote_end),
                Cow::Borrowed(e.created.as_str()),
                Cow::Borrowed(e.modified.as_str()),
                Cow::Borrowed(e.anchor),
                opt(&e.doc_title),
                opt(&e.doc_date),
                opt(&e.doc_citation),
                opt(&e.page),
                opt(&e.section),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised() {
        for bad in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx"] {
            assert_eq!(neutralise(bad), format!("'{bad}"));
        }
        // A CR is never raw in a cell: a lone one is shown, CRLF becomes LF.
        assert_eq!(neutralise("\rx"), "␍x");
        assert_eq!(neutralise("a\r\nb"), "a\nb");
        assert_eq!(neutralise("Han = 1"), "Han = 1");
        assert_eq!(neutralise(""), "");
        assert_eq!(neutralise("a\u{1b}b"), "a␛b");
        assert_eq!(neutralise("a\u{202e}b"), "a[U+202E]b");
    }

    #[test]
    fn rows_round_trip_through_the_csv_crate() {
        let out = write_rows(
            &["a", "b"],
            [vec![Cow::Borrowed("x, \"y\"\nz"), Cow::Borrowed("=2")]].into_iter(),
        )
        .unwrap();
        let mut r = ::csv::Reader::from_reader(out.as_slice());
        let rows: Vec<_> = r.records().map(|r| r.unwrap()).collect();
        assert_eq!(&rows[0][0], "x, \"y\"\nz");
        assert_eq!(&rows[0][1], "'=2");
    }
}
