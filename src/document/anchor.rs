//! Anchors: where an annotation sits, recorded so it survives edits of the source.
//!
//! An anchor keeps the paragraph number, a hash of the paragraph's text, and a
//! quote with some context (Hypothesis's TextQuote idea). Re-anchoring tries the
//! hash first (same number, then elsewhere, nearest to the old number), then a
//! scored fuzzy match of quote and context near where the paragraph should be,
//! and otherwise reports an orphan. It never guesses silently: every placement
//! carries how it was found.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use super::Document;

/// Characters of the paragraph kept as its quote when the whole paragraph is tagged.
pub const QUOTE_CHARS: usize = 160;
/// Characters of context kept on each side of the quote.
pub const CONTEXT_CHARS: usize = 32;
/// Lowest fuzzy score (0–1) at which an annotation is placed rather than orphaned.
pub const FUZZY_THRESHOLD: f64 = 0.72;
/// How far (in paragraphs) around the expected place fuzzy matching looks.
pub const FUZZY_WINDOW: usize = 4;

/// Where an annotation sits in its source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    /// 1-based paragraph number when last placed.
    pub paragraph: usize,
    /// [`crate::document::paragraph_hash`] of that paragraph.
    pub hash: String,
    /// The quoted text: the narrowed quote, or the paragraph's beginning.
    pub quote: String,
    /// Text just before the quote.
    pub prefix: String,
    /// Text just after the quote.
    pub suffix: String,
    /// True when the annotation is about `quote` only, not the whole paragraph.
    pub narrowed: bool,
}

impl Anchor {
    /// Anchor on the whole paragraph `index` (0-based).
    pub fn whole(doc: &Document, index: usize) -> Anchor {
        let text = doc.paragraph_text(index);
        let quote = take_chars(text, QUOTE_CHARS).to_string();
        Self::build(doc, index, 0, quote.len(), false)
    }

    /// Anchor on the byte range `start..end` inside paragraph `index`.
    /// Returns `None` when the range is empty or not on character boundaries.
    pub fn narrowed(doc: &Document, index: usize, start: usize, end: usize) -> Option<Anchor> {
        let text = doc.paragraph_text(index);
        if start >= end
            || !text.is_char_boundary(start)
            || !text.is_char_boundary(end)
            || end > text.len()
        {
            return None;
        }
        Some(Self::build(doc, index, start, end, true))
    }

    fn build(doc: &Document, index: usize, start: usize, end: usize, narrowed: bool) -> Anchor {
        let p = doc.paragraph(index);
        let abs_start = p.start + start;
        let abs_end = p.start + end;
        let all = doc.text();
        Anchor {
            paragraph: index + 1,
            hash: doc.paragraph_hash(index),
            quote: all[abs_start..abs_end].to_string(),
            prefix: take_last_chars(&all[..abs_start], CONTEXT_CHARS).to_string(),
            suffix: take_chars(&all[abs_end..], CONTEXT_CHARS).to_string(),
            narrowed,
        }
    }

    /// Byte range of the quote inside the paragraph's text, when it is found there.
    pub fn quote_range(&self, paragraph_text: &str) -> Option<(usize, usize)> {
        if !self.narrowed {
            return Some((0, paragraph_text.len()));
        }
        let mut best = None;
        let mut best_score = -1.0;
        for (i, _) in paragraph_text.match_indices(self.quote.as_str()) {
            let before = take_last_chars(&paragraph_text[..i], CONTEXT_CHARS);
            let score = strsim::normalized_levenshtein(
                before,
                last_chars_of(&self.prefix, before.chars().count()),
            );
            if score > best_score {
                best_score = score;
                best = Some((i, i + self.quote.len()));
            }
        }
        best
    }
}

fn last_chars_of(s: &str, n: usize) -> &str {
    take_last_chars(s, n)
}

/// The first `n` characters of `s`.
pub fn take_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// The last `n` characters of `s`.
pub fn take_last_chars(s: &str, n: usize) -> &str {
    if n == 0 {
        return "";
    }
    match s.char_indices().rev().nth(n - 1) {
        Some((i, _)) => &s[i..],
        None => s,
    }
}

/// How an anchor was placed in the current text of its source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Placement {
    /// Same paragraph number, same text.
    Exact(usize),
    /// Same text found at another paragraph (0-based index).
    Moved { to: usize, from: usize },
    /// Text changed; quote and context matched with this score (0–1).
    Fuzzy { to: usize, score: f64 },
    /// Not found: kept in the sidecar and listed, never dropped.
    Orphan,
}

impl Placement {
    /// 0-based paragraph index, if placed.
    pub fn index(&self) -> Option<usize> {
        match *self {
            Placement::Exact(i) => Some(i),
            Placement::Moved { to, .. } | Placement::Fuzzy { to, .. } => Some(to),
            Placement::Orphan => None,
        }
    }
}

/// Place every anchor in `doc`. `unchanged` says the document's SHA-256 still
/// matches the sidecar, in which case numbers are trusted after a hash check.
pub fn place_all(doc: &Document, anchors: &[&Anchor]) -> Vec<Placement> {
    let n = doc.len();
    let hash_at = |i: usize| doc.paragraph_hash(i);
    // Fast path: every anchor's hash matches at its own number.
    let mut out: Vec<Option<Placement>> = anchors
        .iter()
        .map(|a| {
            let i = a.paragraph.checked_sub(1)?;
            (i < n && hash_at(i) == a.hash).then_some(Placement::Exact(i))
        })
        .collect();
    if out.iter().all(Option::is_some) {
        return out.into_iter().flatten().collect();
    }
    let mut by_hash: HashMap<String, Vec<usize>> = HashMap::with_capacity(n);
    for i in 0..n {
        by_hash.entry(hash_at(i)).or_default().push(i);
    }
    for (slot, a) in out.iter_mut().zip(anchors) {
        if slot.is_some() {
            continue;
        }
        if let Some(cands) = by_hash.get(&a.hash) {
            let old = a.paragraph.saturating_sub(1);
            let to = *cands
                .iter()
                .min_by_key(|&&c| (c.abs_diff(old), c))
                .unwrap_or(&cands[0]);
            *slot = Some(Placement::Moved { to, from: old });
        }
    }
    // Shift observed around each unplaced anchor, from its placed neighbours.
    let placed: Vec<(usize, isize)> = {
        let mut v: Vec<(usize, isize)> = anchors
            .iter()
            .zip(&out)
            .filter_map(|(a, p)| {
                let to = p.as_ref()?.index()?;
                Some((
                    a.paragraph.saturating_sub(1),
                    to as isize - a.paragraph as isize + 1,
                ))
            })
            .collect();
        v.sort_unstable();
        v
    };
    for (slot, a) in out.iter_mut().zip(anchors) {
        if slot.is_some() {
            continue;
        }
        let old = a.paragraph.saturating_sub(1);
        let shift = nearest_shift(&placed, old);
        let expected = (old as isize + shift).clamp(0, n.saturating_sub(1) as isize) as usize;
        let mut best: Option<(f64, usize)> = None;
        let mut seen = std::collections::BTreeSet::new();
        for centre in [expected, old.min(n.saturating_sub(1))] {
            let lo = centre.saturating_sub(FUZZY_WINDOW);
            let hi = (centre + FUZZY_WINDOW).min(n.saturating_sub(1));
            for i in lo..=hi {
                if n == 0 || !seen.insert(i) {
                    continue;
                }
                let score = fuzzy_score(doc, i, a);
                let better = match best {
                    None => true,
                    Some((s, j)) => {
                        score > s || (score == s && i.abs_diff(expected) < j.abs_diff(expected))
                    }
                };
                if better {
                    best = Some((score, i));
                }
            }
        }
        *slot = Some(match best {
            Some((score, to)) if score >= FUZZY_THRESHOLD => Placement::Fuzzy { to, score },
            _ => Placement::Orphan,
        });
    }
    out.into_iter()
        .map(|p| p.unwrap_or(Placement::Orphan))
        .collect()
}

fn nearest_shift(placed: &[(usize, isize)], old: usize) -> isize {
    if placed.is_empty() {
        return 0;
    }
    let pos = placed.partition_point(|&(o, _)| o < old);
    let mut best = None;
    for j in [pos.checked_sub(1), Some(pos)].into_iter().flatten() {
        if let Some(&(o, s)) = placed.get(j) {
            let d = o.abs_diff(old);
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, s));
            }
        }
    }
    best.map(|(_, s)| s).unwrap_or(0)
}

/// How well paragraph `i` matches the anchor's quote and context, 0–1.
/// Weighted like Hypothesis: the quote counts most, then prefix and suffix.
pub fn fuzzy_score(doc: &Document, i: usize, a: &Anchor) -> f64 {
    let text = doc.paragraph_text(i);
    let p = doc.paragraph(i);
    let quote_chars = a.quote.chars().count();
    let (quote_score, q_start, q_end) = if a.narrowed {
        match text.find(a.quote.as_str()) {
            Some(s) => (1.0, s, s + a.quote.len()),
            None => {
                // Compare the quote with the paragraph's best-aligned window.
                let cand = take_chars(text, quote_chars * 2);
                (partial_similarity(&a.quote, cand), 0, cand.len())
            }
        }
    } else {
        // A quote cut at QUOTE_CHARS is compared with the same length of the
        // candidate; a whole short paragraph with the whole candidate (capped, so a
        // huge paragraph costs no more than a short one).
        let truncated = quote_chars >= QUOTE_CHARS;
        let cand = take_chars(
            text,
            if truncated {
                quote_chars
            } else {
                QUOTE_CHARS * 2
            },
        );
        (
            strsim::normalized_levenshtein(&a.quote, cand),
            0,
            cand.len(),
        )
    };
    let all = doc.text();
    let before = take_last_chars(&all[..p.start + q_start], CONTEXT_CHARS);
    let after = take_chars(&all[p.start + q_end..], CONTEXT_CHARS);
    let prefix_score = context_similarity(&a.prefix, before);
    let suffix_score = context_similarity(&a.suffix, after);
    (quote_score * 50.0 + prefix_score * 10.0 + suffix_score * 10.0) / 70.0
}

fn context_similarity(want: &str, have: &str) -> f64 {
    if want.is_empty() && have.is_empty() {
        1.0
    } else {
        strsim::normalized_levenshtein(want, have)
    }
}

/// Similarity of `needle` to the best window of the same length in `hay`, 0–1.
fn partial_similarity(needle: &str, hay: &str) -> f64 {
    let n = needle.chars().count();
    let starts: Vec<usize> = hay.char_indices().map(|(i, _)| i).collect();
    if starts.len() <= n {
        return strsim::normalized_levenshtein(needle, hay);
    }
    let step = (n / 4).max(1);
    let mut best: f64 = 0.0;
    let mut k = 0;
    while k + n <= starts.len() {
        let end = starts.get(k + n).copied().unwrap_or(hay.len());
        best = best.max(strsim::normalized_levenshtein(needle, &hay[starts[k]..end]));
        k += step;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn doc(paras: &[&str]) -> Document {
        Document::from_text(Path::new("d.txt"), &paras.join("\n\n"))
    }

    #[test]
    fn quote_and_context_are_recorded() {
        let d = doc(&[
            "First paragraph here.",
            "Second one, with more words.",
            "Third.",
        ]);
        let a = Anchor::whole(&d, 1);
        assert_eq!(a.paragraph, 2);
        assert_eq!(a.quote, "Second one, with more words.");
        assert_eq!(a.prefix, "First paragraph here.\n\n");
        assert_eq!(a.suffix, "\n\nThird.");
        let n = Anchor::narrowed(&d, 1, 7, 10).unwrap();
        assert_eq!(n.quote, "one");
        assert_eq!(n.quote_range(d.paragraph_text(1)), Some((7, 10)));
    }

    #[test]
    fn unchanged_document_places_exactly() {
        let d = doc(&["a", "b", "c"]);
        let anchors: Vec<Anchor> = (0..3).map(|i| Anchor::whole(&d, i)).collect();
        let refs: Vec<&Anchor> = anchors.iter().collect();
        assert_eq!(
            place_all(&d, &refs),
            vec![
                Placement::Exact(0),
                Placement::Exact(1),
                Placement::Exact(2)
            ]
        );
    }

    #[test]
    fn inserted_paragraph_moves_and_reworded_is_fuzzy_and_deleted_is_orphan() {
        let old = doc(&[
            "Nam Il met Petrov on 24 July to ask for advice.",
            "Pak Chang-ok told Nam Il that a group was prepared to criticise Kim Il Sung.",
            "The discussion lasted one hour and thirty minutes.",
            "A paragraph that will be deleted entirely, about something else.",
        ]);
        let anchors: Vec<Anchor> = (0..4).map(|i| Anchor::whole(&old, i)).collect();
        let new = doc(&[
            "A new heading paragraph.",
            "Nam Il met Petrov on 24 July to ask for advice.",
            "Pak Chang-ok told Nam Il that a group of functionaries was prepared to criticise Kim Il Sung.",
            "The discussion lasted one hour and thirty minutes.",
        ]);
        let refs: Vec<&Anchor> = anchors.iter().collect();
        let placed = place_all(&new, &refs);
        assert_eq!(placed[0], Placement::Moved { to: 1, from: 0 });
        assert!(
            matches!(placed[1], Placement::Fuzzy { to: 2, score } if score > 0.8),
            "{:?}",
            placed[1]
        );
        assert_eq!(placed[2], Placement::Moved { to: 3, from: 2 });
        assert_eq!(placed[3], Placement::Orphan);
    }

    #[test]
    fn take_chars_respects_boundaries() {
        assert_eq!(take_chars("한국어", 2), "한국");
        assert_eq!(take_last_chars("한국어", 2), "국어");
        assert_eq!(take_last_chars("ab", 5), "ab");
    }
}
