//! Fuzzy matching for the corpus filter, as fzf's basic mode: each word of
//! the query must occur in the text as a subsequence (its characters in
//! order, gaps allowed), smart case (a word with a capital matches case).

/// A parsed query.
#[derive(Debug, Clone, Default)]
pub struct Terms {
    /// (characters, case-sensitive)
    terms: Vec<(Vec<char>, bool)>,
}

impl Terms {
    pub fn new(query: &str) -> Terms {
        Terms {
            terms: query
                .split_whitespace()
                .map(|w| {
                    let exact = w.chars().any(char::is_uppercase);
                    let chars = if exact {
                        w.chars().collect()
                    } else {
                        w.chars().flat_map(char::to_lowercase).collect()
                    };
                    (chars, exact)
                })
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Does every word occur in `text` as a subsequence?
    pub fn matches(&self, text: &str) -> bool {
        self.terms.iter().all(|(chars, exact)| {
            let mut want = chars.iter().peekable();
            let mut feed = |c: char| {
                if want.peek().is_some_and(|w| **w == c) {
                    want.next();
                }
            };
            for c in text.chars() {
                if *exact {
                    feed(c);
                } else {
                    for l in c.to_lowercase() {
                        feed(l);
                    }
                }
            }
            want.peek().is_none()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_match_as_subsequences_with_smart_case() {
        let t = Terms::new("nam 1956");
        assert!(t.matches("memo-1956-07-24-nam-il.txt"));
        assert!(Terms::new("mnil").matches("memo-1956-07-24-nam-il.txt"));
        assert!(!Terms::new("nam 1958").matches("memo-1956-07-24-nam-il.txt"));
        assert!(!Terms::new("Nam").matches("memo nam il"));
        assert!(Terms::new("Nam").matches("Talk with Nam Il"));
        assert!(Terms::new("남일").matches("남일 회담 기록"));
        assert!(Terms::new("").is_empty());
    }
}
