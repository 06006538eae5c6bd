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
/// Occurrences of a narrowed quote compared by context before giving up.
pub const MAX_QUOTE_OCCURRENCES: usize = 1000;
/// A runner-up fuzzy candidate this close to the best makes the placement ambiguous.
pub const AMBIGUITY_MARGIN: f64 = 0.05;
/// Longest quote (in characters) compared when scoring: a hostile or huge quote
/// must not make scoring quadratic in its length.
pub const MAX_SCORED_QUOTE_CHARS: usize = 4 * QUOTE_CHARS;

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
    /// Where the quote sits in the paragraph (code points, end exclusive), so
    /// the occurrence the user chose is the one kept when the quote occurs
    /// more than once. Sidecars written before ranges existed have none; their
    /// quotes are located by context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<CharRange>,
}

/// A range of code points within a paragraph's text, end exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CharRange {
    pub start: usize,
    pub end: usize,
}

impl CharRange {
    /// The code-point range of the byte range `start..end` of `text`
    /// (both on character boundaries).
    pub fn from_bytes(text: &str, start: usize, end: usize) -> CharRange {
        let start_chars = text[..start].chars().count();
        CharRange {
            start: start_chars,
            end: start_chars + text[start..end].chars().count(),
        }
    }

    /// The byte range of this code-point range in `text`, if it lies inside.
    pub fn to_bytes(self, text: &str) -> Option<(usize, usize)> {
        if self.start > self.end {
            return None;
        }
        let mut indices = text.char_indices().map(|(i, _)| i).chain([text.len()]);
        let start = indices.nth(self.start)?;
        let end = if self.end == self.start {
            start
        } else {
            indices.nth(self.end - self.start - 1)?
        };
        Some((start, end))
    }
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
            range: narrowed.then(|| CharRange::from_bytes(doc.paragraph_text(index), start, end)),
        }
    }

    /// Byte range of the quote inside the paragraph's text, when it is found there.
    ///
    /// The stored range is taken when the paragraph is unchanged. Otherwise
    /// (the paragraph was edited, or the sidecar predates ranges) each
    /// occurrence of the quote is scored by how well the text around it
    /// matches the recorded context, ties going to the occurrence nearest the
    /// old range: the occurrence the user chose is kept where it can be told.
    pub fn quote_range(&self, paragraph_text: &str) -> Option<(usize, usize)> {
        if !self.narrowed {
            return Some((0, paragraph_text.len()));
        }
        if self.quote.is_empty() {
            return None;
        }
        // The stored range holds while the paragraph is the one it was
        // measured in (the same words elsewhere may have shifted into it).
        if let Some((s, e)) = self.range.and_then(|r| r.to_bytes(paragraph_text))
            && paragraph_text[s..e] == self.quote
            && super::paragraph_hash(paragraph_text) == self.hash
        {
            return Some((s, e));
        }
        let old_start = self.range.map(|r| r.start);
        // The recorded context within the paragraph (it may reach past a
        // blank line into the neighbours, which `before`/`after` never do).
        let prefix = take_last_chars(&self.prefix, CONTEXT_CHARS);
        let prefix = prefix
            .rfind("\n\n")
            .or_else(|| prefix.rfind("\n\r\n"))
            .map_or(prefix, |i| prefix[i..].trim_start_matches(['\n', '\r']));
        let suffix = take_chars(&self.suffix, CONTEXT_CHARS);
        let suffix = match (suffix.find("\n\n"), suffix.find("\r\n\r\n")) {
            (Some(a), Some(b)) => &suffix[..a.min(b)],
            (Some(i), None) | (None, Some(i)) => &suffix[..i],
            (None, None) => suffix,
        };
        let mut best: Option<(f64, usize, (usize, usize))> = None;
        // Code points before the current occurrence, counted incrementally.
        let (mut counted_to, mut chars_before) = (0usize, 0usize);
        // A short quote in a huge paragraph may occur millions of times: the
        // first occurrences are enough to choose by context.
        for i in occurrences(paragraph_text, &self.quote).take(MAX_QUOTE_OCCURRENCES) {
            chars_before += paragraph_text[counted_to..i].chars().count();
            counted_to = i;
            let end = i + self.quote.len();
            let before = take_last_chars(&paragraph_text[..i], CONTEXT_CHARS);
            let after = take_chars(&paragraph_text[end..], CONTEXT_CHARS);
            let score = context_match(before, prefix, true) + context_match(after, suffix, false);
            let distance = old_start.map_or(0, |o| o.abs_diff(chars_before));
            let better = match best {
                None => true,
                Some((b, d, _)) => score > b + 1e-9 || ((score - b).abs() <= 1e-9 && distance < d),
            };
            if better {
                best = Some((score, distance, (i, end)));
            }
        }
        best.map(|(_, _, r)| r)
    }
}

/// Start of every occurrence of `needle` in `hay`, overlapping ones too
/// (`match_indices` skips those: "Nam Nam" twice in "Nam Nam Nam").
fn occurrences<'a>(hay: &'a str, needle: &'a str) -> impl Iterator<Item = usize> + 'a {
    let mut from = 0;
    std::iter::from_fn(move || {
        let i = from + hay.get(from..)?.find(needle)?;
        from = i + hay[i..].chars().next().map_or(1, char::len_utf8);
        Some(i)
    })
}

/// How well the context `have` around an occurrence matches the recorded
/// `want`, 0–1: the similarity of the stretch both cover next to the quote
/// (`before`: their ends; else their starts), scaled down when one reaches
/// further (the quote moved towards a paragraph boundary, or away from it).
fn context_match(have: &str, want: &str, before: bool) -> f64 {
    let (lh, lw) = (have.chars().count(), want.chars().count());
    let m = lh.min(lw);
    let (h, w) = if before {
        (take_last_chars(have, m), take_last_chars(want, m))
    } else {
        (take_chars(have, m), take_chars(want, m))
    };
    let similarity = if m == 0 {
        1.0
    } else {
        strsim::normalized_levenshtein(h, w)
    };
    similarity * (m + 1) as f64 / (lh.max(lw) + 1) as f64
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
    /// Same text found at another paragraph (0-based index). `ambiguous` when
    /// the same text occurs more than once in the changed document, so the
    /// nearest copy was taken and the user should check it.
    Moved {
        to: usize,
        from: usize,
        ambiguous: bool,
    },
    /// Text changed; quote and context matched with this score (0–1).
    /// `ambiguous` when another paragraph scored almost as well.
    Fuzzy {
        to: usize,
        score: f64,
        ambiguous: bool,
    },
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

    /// True when the placement needs a person's eye: fuzzy, ambiguous or orphaned.
    pub fn is_reported(&self) -> bool {
        !matches!(
            self,
            Placement::Exact(_)
                | Placement::Moved {
                    ambiguous: false,
                    ..
                }
        )
    }

    /// True when another paragraph was an almost equally good match.
    pub fn is_ambiguous(&self) -> bool {
        matches!(
            self,
            Placement::Moved {
                ambiguous: true,
                ..
            } | Placement::Fuzzy {
                ambiguous: true,
                ..
            }
        )
    }
}

/// Place every anchor in `doc`.
///
/// Each anchor is
/// placed by (a) its hash — at its own number, else the occurrence nearest its
/// old number, flagged ambiguous when the text occurs more than once; (b) a
/// scored fuzzy match of quote and context within [`FUZZY_WINDOW`] paragraphs of
/// where it should be, flagged ambiguous when a runner-up scores within
/// [`AMBIGUITY_MARGIN`]; (c) otherwise it is an orphan. Numbers from a sidecar
/// are untrusted: any value is handled without overflow.
pub fn place_all(doc: &Document, anchors: &[&Anchor]) -> Vec<Placement> {
    place_all_with(doc, anchors, false)
}

/// [`place_all`], told whether the document's SHA-256 still matches the one the
/// sidecar recorded. Only then are anchors whose hash matches at their own
/// number trusted as exact even where the same text occurs several times
/// (with the document changed, a repeated text may be a new copy).
pub fn place_all_with(doc: &Document, anchors: &[&Anchor], unchanged: bool) -> Vec<Placement> {
    let n = doc.len();
    // Fast path: every anchor's hash matches at its own number. Only those
    // paragraphs are hashed (a corpus view places every document's
    // annotations; most paragraphs have none).
    if unchanged {
        let own: Option<Vec<Placement>> = anchors
            .iter()
            .map(|a| {
                let i = a.paragraph.checked_sub(1)?;
                (i < n && doc.paragraph_hash(i) == a.hash).then_some(Placement::Exact(i))
            })
            .collect();
        if let Some(placed) = own {
            return placed;
        }
    }
    let hashes: Vec<String> = (0..n).map(|i| doc.paragraph_hash(i)).collect();
    let at_own = |a: &Anchor| {
        let i = a.paragraph.checked_sub(1)?;
        (i < n && hashes[i] == a.hash).then_some(i)
    };
    let mut by_hash: HashMap<&str, Vec<usize>> = HashMap::with_capacity(n);
    for (i, h) in hashes.iter().enumerate() {
        by_hash.entry(h.as_str()).or_default().push(i);
    }
    let mut out: Vec<Option<Placement>> = Vec::with_capacity(anchors.len());
    for a in anchors {
        let old = a.paragraph.saturating_sub(1);
        let placement = by_hash.get(a.hash.as_str()).map(|cands| {
            let repeated = cands.len() > 1;
            match at_own(a) {
                Some(i) if !repeated => Placement::Exact(i),
                _ => {
                    let to = cands
                        .iter()
                        .copied()
                        .min_by_key(|&c| (c.abs_diff(old), c))
                        .unwrap_or(cands[0]);
                    Placement::Moved {
                        to,
                        from: old,
                        ambiguous: repeated,
                    }
                }
            }
        });
        out.push(placement);
    }
    // Shift observed around each unplaced anchor, from its placed neighbours.
    let placed: Vec<(usize, isize)> = {
        let mut v: Vec<(usize, isize)> = anchors
            .iter()
            .zip(&out)
            .filter_map(|(a, p)| {
                let to = p.as_ref()?.index()?;
                let old = a.paragraph.saturating_sub(1);
                Some((old, signed_diff(to, old)))
            })
            .collect();
        v.sort_unstable();
        v
    };
    let last = n.saturating_sub(1);
    for (slot, a) in out.iter_mut().zip(anchors) {
        if slot.is_some() {
            continue;
        }
        if n == 0 {
            *slot = Some(Placement::Orphan);
            continue;
        }
        let old = a.paragraph.saturating_sub(1);
        let shift = nearest_shift(&placed, old);
        let expected = old.min(last).saturating_add_signed(shift).min(last);
        let mut scored: Vec<(f64, usize)> = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for centre in [expected, old.min(last)] {
            let lo = centre.saturating_sub(FUZZY_WINDOW);
            let hi = centre.saturating_add(FUZZY_WINDOW).min(last);
            for i in lo..=hi {
                if seen.insert(i) {
                    scored.push((fuzzy_score(doc, i, a), i));
                }
            }
        }
        // Best score first; ties go to the paragraph nearest the expected place.
        scored.sort_by(|x, y| {
            y.0.total_cmp(&x.0)
                .then(x.1.abs_diff(expected).cmp(&y.1.abs_diff(expected)))
        });
        *slot = Some(match scored.first() {
            Some(&(score, to)) if score >= FUZZY_THRESHOLD => {
                let ambiguous = scored
                    .get(1)
                    .is_some_and(|&(s, _)| score - s < AMBIGUITY_MARGIN);
                Placement::Fuzzy {
                    to,
                    score,
                    ambiguous,
                }
            }
            _ => Placement::Orphan,
        });
    }
    out.into_iter()
        .map(|p| p.unwrap_or(Placement::Orphan))
        .collect()
}

/// `to - from` as a signed shift, saturating instead of overflowing.
fn signed_diff(to: usize, from: usize) -> isize {
    if to >= from {
        isize::try_from(to - from).unwrap_or(isize::MAX)
    } else {
        isize::try_from(from - to).map_or(isize::MIN, |d| -d)
    }
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
    // Sidecar text is untrusted: compare bounded pieces only, so a huge quote
    // or context costs no more than a normal one.
    let quote = take_chars(&a.quote, MAX_SCORED_QUOTE_CHARS);
    let quote_chars = quote.chars().count();
    let (quote_score, q_start, q_end) = if a.narrowed {
        match text.find(quote) {
            Some(s) => (1.0, s, s + quote.len()),
            None => {
                // Compare the quote with the paragraph's best-aligned window.
                let cand = take_chars(text, quote_chars * 2);
                (partial_similarity(quote, cand), 0, cand.len())
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
        (strsim::normalized_levenshtein(quote, cand), 0, cand.len())
    };
    let all = doc.text();
    let before = take_last_chars(&all[..p.start + q_start], CONTEXT_CHARS);
    let after = take_chars(&all[p.start + q_end..], CONTEXT_CHARS);
    let prefix_score = context_similarity(take_last_chars(&a.prefix, CONTEXT_CHARS), before);
    let suffix_score = context_similarity(take_chars(&a.suffix, CONTEXT_CHARS), after);
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
        assert_eq!(
            placed[0],
            Placement::Moved {
                to: 1,
                from: 0,
                ambiguous: false
            }
        );
        assert!(
            matches!(placed[1], Placement::Fuzzy { to: 2, score, ambiguous: false } if score > 0.8),
            "{:?}",
            placed[1]
        );
        assert_eq!(
            placed[2],
            Placement::Moved {
                to: 3,
                from: 2,
                ambiguous: false
            }
        );
        assert_eq!(placed[3], Placement::Orphan);
    }

    #[test]
    fn look_alike_paragraphs_make_a_fuzzy_placement_ambiguous() {
        let old = doc(&[
            "Intro.",
            "The delegation of the party met the embassy staff on Monday morning.",
            "Closing.",
        ]);
        let anchors = [Anchor::whole(&old, 1)];
        // Reworded, next to an almost identical paragraph.
        let new = doc(&[
            "Intro.",
            "The delegation of the party met the embassy staff on Monday evening.",
            "The delegation of the party met the embassy staff on Tuesday evening.",
            "Closing.",
        ]);
        let placed = place_all(&new, &[&anchors[0]]);
        assert!(
            matches!(
                placed[0],
                Placement::Fuzzy {
                    ambiguous: true,
                    ..
                }
            ),
            "{:?}",
            placed[0]
        );
        assert!(placed[0].is_reported() && placed[0].is_ambiguous());
    }

    #[test]
    fn repeated_text_in_a_changed_source_is_ambiguous() {
        let old = doc(&["Signed.", "Body text here.", "Signed."]);
        let anchors: Vec<Anchor> = (0..3).map(|i| Anchor::whole(&old, i)).collect();
        let refs: Vec<&Anchor> = anchors.iter().collect();
        // Unchanged source: trusted as exact.
        assert!(
            place_all_with(&old, &refs, true)
                .iter()
                .all(|p| matches!(p, Placement::Exact(_)))
        );
        // Changed source: the repeated "Signed." needs a look.
        let new = doc(&["Signed.", "Signed.", "Body text here.", "Signed."]);
        let placed = place_all(&new, &refs);
        assert!(placed[0].is_ambiguous() && placed[2].is_ambiguous());
        assert_eq!(
            placed[1],
            Placement::Moved {
                to: 2,
                from: 1,
                ambiguous: false
            }
        );
    }

    #[test]
    fn a_repeated_quote_keeps_the_chosen_occurrence() {
        let d = doc(&["Intro.", "the party met; later the party left the hall."]);
        let text = d.paragraph_text(1);
        let second = text.rfind("the party").unwrap();
        let a = Anchor::narrowed(&d, 1, second, second + 9).unwrap();
        assert_eq!(a.range, Some(CharRange { start: 21, end: 30 }));
        assert_eq!(a.quote_range(text), Some((second, second + 9)));
        // Edited before it: the same occurrence, shifted.
        let edited = doc(&[
            "Intro.",
            "Yesterday the party met; later the party left the hall.",
        ]);
        let t = edited.paragraph_text(1);
        let at = t.rfind("the party").unwrap();
        assert_eq!(a.quote_range(t), Some((at, at + 9)));
    }

    #[test]
    fn overlapping_occurrences_of_a_quote_are_all_candidates() {
        // `match_indices` finds "Nam Nam" at 0 and 8 only, never at 4.
        let d = doc(&["Nam Nam Nam Nam Petrov"]);
        let a = Anchor::narrowed(&d, 0, 4, 11).unwrap();
        let edited = doc(&["Il Nam Nam Nam Nam Petrov"]);
        assert_eq!(a.quote_range(edited.paragraph_text(0)), Some((7, 14)));
    }

    #[test]
    fn anchors_without_a_range_still_load_and_whole_ones_write_none() {
        let d = doc(&["One two one two."]);
        let whole = Anchor::whole(&d, 0);
        assert_eq!(whole.range, None);
        let text = ron::to_string(&whole).unwrap();
        assert!(!text.contains("range"), "{text}");
        // Written before ranges existed: located by its context, as before.
        let legacy = "(paragraph: 1, hash: \"x\", quote: \"one two\", prefix: \"One two \", suffix: \".\", narrowed: true)";
        let old: Anchor = ron::from_str(legacy).unwrap();
        assert_eq!(old.range, None);
        assert_eq!(old.quote_range(d.paragraph_text(0)), Some((8, 15)));
        let narrowed = Anchor::narrowed(&d, 0, 8, 15).unwrap();
        let back: Anchor = ron::from_str(&ron::to_string(&narrowed).unwrap()).unwrap();
        assert_eq!(back, narrowed);
    }

    #[test]
    fn char_ranges_convert_on_wide_text() {
        let t = "한국 text";
        let r = CharRange::from_bytes(t, 7, 11);
        assert_eq!(r, CharRange { start: 3, end: 7 });
        assert_eq!(r.to_bytes(t), Some((7, 11)));
        assert_eq!(CharRange { start: 3, end: 9 }.to_bytes(t), None);
        assert_eq!(CharRange { start: 5, end: 2 }.to_bytes(t), None);
    }

    #[test]
    fn take_chars_respects_boundaries() {
        assert_eq!(take_chars("한국어", 2), "한국");
        assert_eq!(take_last_chars("한국어", 2), "국어");
        assert_eq!(take_last_chars("ab", 5), "ab");
    }
}
