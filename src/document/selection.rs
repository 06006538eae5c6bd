//! A selection of words inside one paragraph, and the motions that shape it.
//!
//! Pure: byte offsets into the paragraph's raw text, no terminal. One end is
//! fixed and one moves (at first the end). Word motions keep whole words
//! (words are runs of non-blank characters); `l`/`h` trim or grow the moving
//! end by a character, for a stray comma. The moving end never crosses the
//! fixed one: `o` makes the other end the moving one (SPEC §5 "Selection").

/// What a selection key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Motion {
    NextWord,
    PrevWord,
    NextChar,
    PrevChar,
    /// `)`: the end of the sentence (or the start of the next, when the
    /// moving end is the start).
    SentenceForward,
    /// `(`: the start of the sentence (or the end of the previous, when the
    /// moving end is the end).
    SentenceBack,
    ParagraphStart,
    ParagraphEnd,
    SwapEnds,
}

/// A selection in paragraph `paragraph` (0-based): `fixed` and `moving` are
/// byte offsets on character boundaries of its text, never equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Selection {
    pub paragraph: usize,
    pub fixed: usize,
    pub moving: usize,
}

impl Selection {
    /// The first word of `text`; `None` when it has none.
    pub fn first_word(paragraph: usize, text: &str) -> Option<Selection> {
        let &(start, end) = words(text).first()?;
        Some(Selection {
            paragraph,
            fixed: start,
            moving: end,
        })
    }

    /// The words from the one at (or after) byte `a` to the one at (or
    /// before) byte `b` (in either order; a mouse drag): `None` off the words.
    pub fn spanning(paragraph: usize, text: &str, a: usize, b: usize) -> Option<Selection> {
        let list = words(text);
        let (lo, hi) = (a.min(b), a.max(b));
        let first = list.iter().find(|w| w.1 > lo)?;
        let last = list.iter().rev().find(|w| w.0 <= hi)?;
        if first.0 >= last.1 {
            // Both ends in the blank between two words.
            return None;
        }
        let (start, end) = (first.0, last.1);
        // The end the pointer is at moves, as it would on with the keys.
        let (fixed, moving) = if b >= a { (start, end) } else { (end, start) };
        Some(Selection {
            paragraph,
            fixed,
            moving,
        })
    }

    /// Byte range selected, start < end.
    pub fn range(&self) -> (usize, usize) {
        (self.fixed.min(self.moving), self.fixed.max(self.moving))
    }

    /// True when the moving end is the selection's end.
    pub fn moving_is_end(&self) -> bool {
        self.moving > self.fixed
    }

    /// Apply `motion` over `text` (this selection's paragraph). A motion with
    /// nowhere to go leaves the selection as it is; returns whether it moved.
    pub fn apply(&mut self, motion: Motion, text: &str) -> bool {
        if motion == Motion::SwapEnds {
            std::mem::swap(&mut self.fixed, &mut self.moving);
            return true;
        }
        let at_end = self.moving_is_end();
        let list = words(text);
        // Candidate places for the moving end: word ends when it is the
        // selection's end, word starts when it is its start.
        let stops: Vec<usize> = list
            .iter()
            .map(|&(s, e)| if at_end { e } else { s })
            .collect();
        let m = self.moving;
        let target = match motion {
            Motion::NextWord => stops.iter().copied().find(|&x| x > m),
            Motion::PrevWord => stops.iter().rev().copied().find(|&x| x < m),
            Motion::NextChar => text[m..].chars().next().map(|c| m + c.len_utf8()),
            Motion::PrevChar => text[..m].chars().next_back().map(|c| m - c.len_utf8()),
            Motion::SentenceForward | Motion::SentenceBack => {
                let sentences = sentences(text, &list);
                let bounds: Vec<usize> = sentences
                    .iter()
                    .map(|&(s, e)| if at_end { e } else { s })
                    .collect();
                if motion == Motion::SentenceForward {
                    bounds.iter().copied().find(|&x| x > m)
                } else {
                    bounds.iter().rev().copied().find(|&x| x < m)
                }
            }
            Motion::ParagraphStart => stops.first().copied(),
            Motion::ParagraphEnd => stops.last().copied(),
            Motion::SwapEnds => None,
        };
        // The moving end stays on its side of the fixed one.
        match target {
            Some(t)
                if t != m
                    && (if at_end {
                        t > self.fixed
                    } else {
                        t < self.fixed
                    }) =>
            {
                self.moving = t;
                true
            }
            _ => false,
        }
    }
}

/// Byte ranges of the words of `text`: runs of non-whitespace characters.
pub fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

/// Byte ranges of the sentences of `text`, from the first word of each to
/// the end of its last: a sentence ends with a word ending in `.`, `!` or
/// `?`, perhaps followed by closing quotes or brackets (a word is followed by
/// a blank or the paragraph's end by construction). `list` is [`words`].
pub fn sentences(text: &str, list: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for &(s, e) in list {
        let start_here = *start.get_or_insert(s);
        let word = text[s..e].trim_end_matches(is_closing);
        if word.ends_with(['.', '!', '?']) {
            out.push((start_here, e));
            start = None;
        }
    }
    if let (Some(s), Some(&(_, e))) = (start, list.last()) {
        out.push((s, e));
    }
    out
}

fn is_closing(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | ')' | ']' | '}' | '»' | '›' | '”' | '’' | '」' | '』' | '）'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: &str = "Nam Il came at noon. He said: \"The group is ready.\" Petrov (the ambassador) listened! Then what?";

    fn sel(text: &str) -> Selection {
        Selection::first_word(0, text).unwrap()
    }

    fn quote<'a>(s: &Selection, text: &'a str) -> &'a str {
        let (a, b) = s.range();
        &text[a..b]
    }

    #[test]
    fn v_selects_the_first_word_and_w_b_move_its_end_by_whole_words() {
        let mut s = sel(P);
        assert_eq!(quote(&s, P), "Nam");
        s.apply(Motion::NextWord, P);
        s.apply(Motion::NextWord, P);
        assert_eq!(quote(&s, P), "Nam Il came");
        s.apply(Motion::PrevWord, P);
        assert_eq!(quote(&s, P), "Nam Il");
        // Never less than the fixed end's word.
        assert!(s.apply(Motion::PrevWord, P));
        assert!(!s.apply(Motion::PrevWord, P));
        assert_eq!(quote(&s, P), "Nam");
    }

    #[test]
    fn sentence_motions_follow_the_spec() {
        let mut s = sel(P);
        s.apply(Motion::SentenceForward, P);
        assert_eq!(quote(&s, P), "Nam Il came at noon.");
        // At a sentence's end already: the end of the next (closing quote kept).
        s.apply(Motion::SentenceForward, P);
        assert_eq!(
            quote(&s, P),
            "Nam Il came at noon. He said: \"The group is ready.\""
        );
        // `(` moves the end back to the end of the previous sentence.
        s.apply(Motion::SentenceBack, P);
        assert_eq!(quote(&s, P), "Nam Il came at noon.");
        // With the start moving, `)` goes to the start of the next sentence
        // and `(` to the start of its sentence, or of the previous one.
        s.apply(Motion::ParagraphEnd, P);
        s.apply(Motion::SwapEnds, P);
        assert!(!s.moving_is_end());
        s.apply(Motion::SentenceForward, P);
        assert_eq!(
            quote(&s, P),
            "He said: \"The group is ready.\" Petrov (the ambassador) listened! Then what?"
        );
        s.apply(Motion::NextWord, P);
        s.apply(Motion::SentenceBack, P);
        assert!(quote(&s, P).starts_with("He said:"));
        s.apply(Motion::SentenceBack, P);
        assert_eq!(quote(&s, P), P);
    }

    #[test]
    fn a_stop_inside_a_word_or_before_a_space_is_no_sentence_end() {
        let t = "Pay 3.5 won. Next";
        let list = words(t);
        let s: Vec<&str> = sentences(t, &list).iter().map(|&(a, b)| &t[a..b]).collect();
        assert_eq!(s, ["Pay 3.5 won.", "Next"]);
    }

    #[test]
    fn ends_and_characters() {
        let mut s = sel(P);
        s.apply(Motion::ParagraphEnd, P);
        assert_eq!(quote(&s, P), P);
        s.apply(Motion::PrevChar, P);
        assert_eq!(quote(&s, P), &P[..P.len() - 1]);
        s.apply(Motion::NextChar, P);
        assert!(!s.apply(Motion::NextChar, P));
        s.apply(Motion::ParagraphStart, P);
        assert_eq!(quote(&s, P), "Nam");
        s.apply(Motion::SwapEnds, P);
        s.apply(Motion::NextChar, P);
        assert_eq!(quote(&s, P), "am");
    }

    #[test]
    fn wide_text_moves_by_characters_not_bytes() {
        let t = "남일 동지는 말했다.";
        let mut s = sel(t);
        assert_eq!(quote(&s, t), "남일");
        s.apply(Motion::PrevChar, t);
        assert_eq!(quote(&s, t), "남");
        s.apply(Motion::SentenceForward, t);
        assert_eq!(quote(&s, t), t);
    }

    #[test]
    fn a_drag_selects_the_words_it_touches_in_either_direction() {
        let t = "one two three four";
        let s = Selection::spanning(0, t, 5, 10).unwrap();
        assert_eq!(quote(&s, t), "two three");
        assert!(s.moving_is_end());
        let back = Selection::spanning(0, t, 10, 5).unwrap();
        assert_eq!(quote(&back, t), "two three");
        assert!(!back.moving_is_end());
        assert_eq!(Selection::spanning(0, t, 3, 3), None);
        assert_eq!(Selection::first_word(0, "  \n "), None);
    }
}
