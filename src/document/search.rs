//! Finding text: smart case (case-insensitive unless the query has a capital).

/// Byte ranges of every non-overlapping occurrence of `needle` in `hay`.
pub fn find_all(hay: &str, needle: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    find_each(hay, needle, |s, e| {
        out.push((s, e));
        true
    });
    out
}

/// Does `hay` contain `needle` (smart case)?
pub fn contains(hay: &str, needle: &str) -> bool {
    let mut found = false;
    find_each(hay, needle, |_, _| {
        found = true;
        false
    });
    found
}

/// Calls `hit(start, end)` for each occurrence until it returns false.
pub fn find_each(hay: &str, needle: &str, mut hit: impl FnMut(usize, usize) -> bool) {
    if needle.is_empty() {
        return;
    }
    let case_sensitive = needle.chars().any(char::is_uppercase);
    if case_sensitive {
        for (i, m) in hay.match_indices(needle) {
            if !hit(i, i + m.len()) {
                return;
            }
        }
    } else if needle.is_ascii() {
        let n = needle.as_bytes();
        let h = hay.as_bytes();
        let (lo, up) = (n[0].to_ascii_lowercase(), n[0].to_ascii_uppercase());
        let mut from = 0;
        while let Some(i) = memchr::memchr2(lo, up, &h[from..]).map(|i| i + from) {
            if h.len() - i >= n.len() && h[i..i + n.len()].eq_ignore_ascii_case(n) {
                if !hit(i, i + n.len()) {
                    return;
                }
                from = i + n.len();
            } else {
                from = i + 1;
            }
        }
    } else {
        let lower: Vec<char> = needle.chars().flat_map(char::to_lowercase).collect();
        let starts = hay.char_indices();
        let mut skip_until = 0;
        for (i, _) in starts {
            if i < skip_until {
                continue;
            }
            let mut want = lower.iter();
            let mut end = i;
            let mut ok = true;
            let mut chars = hay[i..].char_indices();
            let mut pending: Vec<char> = Vec::new();
            while let Some(&w) = want.as_slice().first() {
                if pending.is_empty() {
                    match chars.next() {
                        Some((j, c)) => {
                            pending = c.to_lowercase().collect();
                            pending.reverse();
                            end = i + j + c.len_utf8();
                        }
                        None => {
                            ok = false;
                            break;
                        }
                    }
                }
                if pending.pop() != Some(w) {
                    ok = false;
                    break;
                }
                want.next();
            }
            if ok && pending.is_empty() {
                if !hit(i, end) {
                    return;
                }
                skip_until = end;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smart_case() {
        assert_eq!(
            find_all("Kim kim KIM", "kim"),
            vec![(0, 3), (4, 7), (8, 11)]
        );
        assert_eq!(find_all("Kim kim KIM", "Kim"), vec![(0, 3)]);
        assert!(contains("Nam Il agreed", "agreed"));
        assert!(!contains("Nam Il", "x"));
        assert!(find_all("abc", "").is_empty());
    }

    #[test]
    fn non_ascii() {
        assert_eq!(find_all("남일 남일", "남일"), vec![(0, 6), (7, 13)]);
        assert_eq!(find_all("ÉCOLE école", "école"), vec![(0, 6), (7, 13)]);
    }
}
