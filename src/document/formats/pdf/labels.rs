//! Page labels (`/PageLabels` in the catalog, ISO 32000-1 §12.4.2): how the
//! original numbers its pages (front matter in roman numerals, an appendix
//! as `A-1`), so that a locator cites the page as printed. A PDF without
//! them, or with a label tree that cannot be read, keeps counting pages
//! from 1.

use hayro_interpret::hayro_syntax::Pdf;
use hayro_interpret::hayro_syntax::object::{Array, Dict, Name, Object};

use super::super::Block;

/// Deepest `/Kids` nesting followed in the number tree (a cycle ends here).
const MAX_DEPTH: usize = 32;
/// Nodes of the number tree read at most (a tree whose kids repeat could
/// otherwise take exponential time).
const MAX_NODES: usize = 4096;
/// Longest alphabetic label made (`AAAA…`): a hostile start number would
/// otherwise ask for billions of letters.
const MAX_LETTERS: usize = 8;

/// The label of every page, in page order; `None` where no label range
/// covers a page (or the PDF has no labels).
pub fn of(pdf: &Pdf) -> Vec<Option<String>> {
    let count = pdf.pages().len();
    let xref = pdf.xref();
    let Some(tree) = xref
        .get::<Dict<'_>>(xref.root_id())
        .and_then(|catalog| catalog.get::<Dict<'_>>(b"PageLabels"))
    else {
        return vec![None; count];
    };
    let mut ranges = Vec::new();
    let mut budget = MAX_NODES;
    walk(&tree, 0, &mut budget, &mut ranges);
    ranges.sort_by_key(|(start, _)| *start);
    let mut labels = Vec::with_capacity(count);
    for page in 0..count {
        let i = ranges.partition_point(|(start, _)| *start <= page as i64);
        let label = i
            .checked_sub(1)
            .map(|i| &ranges[i])
            .map(|(start, range)| range.label(page as i64 - start));
        labels.push(label);
    }
    labels
}

/// Put the labels of `bytes`' pages on `blocks`, whose pages are numbered
/// from 1 (as the layout numbers them).
pub fn apply(bytes: &[u8], blocks: &mut [Block]) {
    // The reader is fuzzed, but a panic in it must not take gloss down: the
    // pages then keep their numbers.
    let labels = std::panic::catch_unwind(|| {
        let data = std::sync::Arc::new(bytes.to_vec());
        Pdf::new(data).map(|pdf| of(&pdf)).unwrap_or_default()
    })
    .unwrap_or_default();
    relabel(&labels, blocks);
}

/// Blocks' page numbers (1-based, as the layout gives them) replaced by the
/// pages' labels (`labels[n - 1]`), both ends of a span; pages without a
/// label keep their number.
fn relabel(labels: &[Option<String>], blocks: &mut [Block]) {
    if labels.iter().all(Option::is_none) {
        return;
    }
    // A page's label, or its number when it has none.
    let label = |number: &str| {
        number
            .parse::<usize>()
            .ok()
            .and_then(|n| labels.get(n.checked_sub(1)?)?.clone())
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| number.to_string())
    };
    for block in blocks {
        let Some(pages) = block.page.as_deref() else {
            continue;
        };
        // Both ends of a paragraph running over a page break.
        let (first, last) = pages
            .split_once(super::super::PAGE_DASH)
            .unwrap_or((pages, pages));
        block.page = super::super::page_span(Some(&label(first)), Some(&label(last)));
    }
}

/// A node of the number tree: its `/Nums` pairs, then its `/Kids`.
fn walk(node: &Dict<'_>, depth: usize, budget: &mut usize, out: &mut Vec<(i64, Range)>) {
    if depth > MAX_DEPTH || *budget == 0 {
        return;
    }
    *budget -= 1;
    if let Some(nums) = node.get::<Array<'_>>(b"Nums") {
        let mut items = nums.iter::<Object<'_>>();
        while let (Some(key), Some(value)) = (items.next(), items.next()) {
            if let (Some(start), Some(dict)) = (key.into_i32(), value.into_dict())
                && start >= 0
            {
                out.push((i64::from(start), Range::of(&dict)));
            }
        }
    }
    if let Some(kids) = node.get::<Array<'_>>(b"Kids") {
        for kid in kids.iter::<Dict<'_>>() {
            walk(&kid, depth + 1, budget, out);
        }
    }
}

/// How the pages of one range are labelled.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Range {
    style: Option<Style>,
    prefix: String,
    /// The number of the range's first page.
    first: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Decimal,
    UpperRoman,
    LowerRoman,
    UpperLetters,
    LowerLetters,
}

impl Range {
    fn of(dict: &Dict<'_>) -> Range {
        let style = dict.get::<Name<'_>>(b"S").and_then(|s| match s.as_str() {
            "D" => Some(Style::Decimal),
            "R" => Some(Style::UpperRoman),
            "r" => Some(Style::LowerRoman),
            "A" => Some(Style::UpperLetters),
            "a" => Some(Style::LowerLetters),
            _ => None,
        });
        let prefix = dict
            .get::<hayro_interpret::hayro_syntax::object::String<'_>>(b"P")
            .map(|p| super::decode_text_string(p.as_bytes()))
            .map(|p| p.chars().filter(|c| !c.is_control()).collect())
            .unwrap_or_default();
        let first = dict
            .get::<i32>(b"St")
            .filter(|n| *n >= 1)
            .map_or(1, i64::from);
        Range {
            style,
            prefix,
            first,
        }
    }

    /// The label of the range's page `offset` (0 for its first).
    fn label(&self, offset: i64) -> String {
        let n = self.first + offset;
        let number = match self.style {
            None => String::new(),
            Some(Style::Decimal) => n.to_string(),
            Some(Style::UpperRoman) => roman(n),
            Some(Style::LowerRoman) => roman(n).to_lowercase(),
            Some(Style::UpperLetters) => letters(n),
            Some(Style::LowerLetters) => letters(n).to_lowercase(),
        };
        format!("{}{number}", self.prefix)
    }
}

/// `n` in roman numerals; beyond 3999 (no standard numeral) in digits.
fn roman(n: i64) -> String {
    if !(1..4000).contains(&n) {
        return n.to_string();
    }
    const DIGITS: [(i64, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut rest = n;
    let mut out = String::new();
    for (value, digits) in DIGITS {
        while rest >= value {
            out.push_str(digits);
            rest -= value;
        }
    }
    out
}

/// `n` as the PDF letters it: A…Z, then AA…ZZ, AAA…; in digits when that
/// would take more than [`MAX_LETTERS`] letters.
fn letters(n: i64) -> String {
    if n < 1 {
        return n.to_string();
    }
    let times = (n - 1) / 26 + 1;
    if times > MAX_LETTERS as i64 {
        return n.to_string();
    }
    let letter = char::from(b'A' + ((n - 1) % 26) as u8);
    std::iter::repeat_n(letter, times as usize).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals_as_pdf_labels_count() {
        let r = |n| roman(n);
        assert_eq!(
            [r(1), r(4), r(9), r(14), r(1956), r(3999)],
            ["I", "IV", "IX", "XIV", "MCMLVI", "MMMCMXCIX"]
        );
        assert_eq!(roman(4000), "4000");
        assert_eq!(
            [letters(1), letters(26), letters(27), letters(53)],
            ["A", "Z", "AA", "AAA"]
        );
        assert_eq!(letters(i64::from(i32::MAX)), i32::MAX.to_string());
    }

    #[test]
    fn both_ends_of_a_paragraph_over_a_page_break_are_labelled() {
        let labels = [Some("iv".to_string()), Some("v".to_string()), None];
        let mut blocks: Vec<Block> = ["1", "1–2", "2–3", "3"]
            .iter()
            .map(|p| Block {
                page: Some(p.to_string()),
                ..Block::default()
            })
            .collect();
        relabel(&labels, &mut blocks);
        let pages: Vec<&str> = blocks.iter().filter_map(|b| b.page.as_deref()).collect();
        assert_eq!(pages, ["iv", "iv–v", "v–3", "3"]);
    }

    #[test]
    fn a_range_labels_its_pages_from_its_start() {
        let range = Range {
            style: Some(Style::LowerRoman),
            prefix: String::new(),
            first: 1,
        };
        assert_eq!(range.label(0), "i");
        assert_eq!(range.label(3), "iv");
        let appendix = Range {
            style: Some(Style::Decimal),
            prefix: "A-".into(),
            first: 1,
        };
        assert_eq!(appendix.label(2), "A-3");
        let plate = Range {
            style: None,
            prefix: "Plate".into(),
            first: 1,
        };
        assert_eq!(plate.label(5), "Plate");
    }
}
