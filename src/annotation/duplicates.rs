//! Names that likely mean the same actor or issue: equal once case, hyphens,
//! spaces, apostrophes and diacritics are folded away (`Pak Chang-ok`, `pak
//! chang ok`, `Pak Ch'ang-ok`), or a small edit apart (`Nam Il`, `Nam Ir`).
//! `gloss check` reports them with the fix.

/// The form two spellings are compared in: lowercase letters and digits,
/// diacritics removed, no hyphens, spaces, dots or apostrophes.
pub fn fold_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_whitespace()
            || ('\u{300}'..='\u{36f}').contains(&c)
            || matches!(
                c,
                '-' | '‐' | '‑' | '‒' | '–' | '—' | '.' | '\'' | '’' | 'ʼ' | 'ʻ' | '`' | '´'
            )
        {
            continue;
        }
        out.push(base_letter(c));
    }
    out
}

/// A Latin letter without its diacritic (Latin-1 and Latin Extended-A, which
/// hold the romanisations archives use: ŏ, ŭ, é, ü, ł, ž …).
fn base_letter(c: char) -> char {
    match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => 'e',
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => 'g',
        'ĥ' | 'ħ' => 'h',
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => 'i',
        'ĵ' => 'j',
        'ķ' => 'k',
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => 'l',
        'ñ' | 'ń' | 'ņ' | 'ň' => 'n',
        'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => 'o',
        'ŕ' | 'ŗ' | 'ř' => 'r',
        'ś' | 'ŝ' | 'ş' | 'š' => 's',
        'ţ' | 'ť' | 'ŧ' => 't',
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => 'u',
        'ŵ' => 'w',
        'ý' | 'ÿ' | 'ŷ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        other => other,
    }
}

/// Why two names look like one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Likeness {
    /// Equal after folding.
    Folded,
    /// This many edits apart after folding.
    Edits(usize),
}

/// How many edits apart two folded names may be and still look alike:
/// none for short names (`Kim`, `Kin` are different people), one from five
/// letters, two from twelve.
fn allowed_edits(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=11 => 1,
        _ => 2,
    }
}

/// Do `a` and `b` (different names) look like spellings of one?
pub fn likeness(a: &str, b: &str) -> Option<Likeness> {
    let (fa, fb) = (fold_name(a), fold_name(b));
    if fa.is_empty() || fb.is_empty() {
        return None;
    }
    if fa == fb {
        return Some(Likeness::Folded);
    }
    let shorter = fa.chars().count().min(fb.chars().count());
    let allowed = allowed_edits(shorter);
    if allowed == 0 || fa.chars().count().abs_diff(fb.chars().count()) > allowed {
        return None;
    }
    let d = strsim::damerau_levenshtein(&fa, &fb);
    (d <= allowed).then_some(Likeness::Edits(d))
}

/// Pairs of entries that look alike: each entry is a name with its other
/// spellings (aliases); a pair is reported once, by the first spellings that
/// match. Entries are compared by all their spellings.
pub fn likely_duplicates(entries: &[(String, Vec<String>)]) -> Vec<(usize, usize, Likeness)> {
    let folded: Vec<Vec<(String, usize)>> = entries
        .iter()
        .map(|(name, aliases)| {
            std::iter::once(name)
                .chain(aliases)
                .map(|s| {
                    let f = fold_name(s);
                    let n = f.chars().count();
                    (f, n)
                })
                .filter(|(f, _)| !f.is_empty())
                .collect()
        })
        .collect();
    let mut out = Vec::new();
    for i in 0..entries.len() {
        for j in i + 1..entries.len() {
            let mut best: Option<Likeness> = None;
            'pairs: for (fa, na) in &folded[i] {
                for (fb, nb) in &folded[j] {
                    if fa == fb {
                        best = Some(Likeness::Folded);
                        break 'pairs;
                    }
                    let allowed = allowed_edits(*na.min(nb));
                    if allowed == 0 || na.abs_diff(*nb) > allowed {
                        continue;
                    }
                    let d = strsim::damerau_levenshtein(fa, fb);
                    if d <= allowed && best.is_none() {
                        best = Some(Likeness::Edits(d));
                    }
                }
            }
            if let Some(l) = best {
                out.push((i, j, l));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_ignores_case_hyphens_spaces_apostrophes_and_diacritics() {
        assert_eq!(fold_name("Pak Chang-ok"), "pakchangok");
        assert_eq!(fold_name("pak  chang ok"), "pakchangok");
        assert_eq!(fold_name("Pak Ch'ang-ŏk"), "pakchangok");
        // Decomposed input (o + combining breve) folds the same.
        assert_eq!(fold_name("Pak Chang-o\u{306}k"), "pakchangok");
        assert_eq!(fold_name("박창옥"), "박창옥");
    }

    #[test]
    fn likeness_by_folding_or_a_small_edit_but_not_for_short_names() {
        assert_eq!(
            likeness("Pak Chang-ok", "Pak Chang Ok"),
            Some(Likeness::Folded)
        );
        assert_eq!(likeness("Nam Il", "Nam Ir"), Some(Likeness::Edits(1)));
        assert_eq!(likeness("Kim", "Kin"), None);
        assert_eq!(likeness("Kim Il Sung", "Kim Tu-bong"), None);
        assert_eq!(likeness("Choe Chang-ik", "Choe Yong-gon"), None);
    }

    #[test]
    fn duplicates_compare_every_spelling_once_per_pair() {
        let entries = vec![
            ("Pak Chang-ok".to_string(), vec!["박창옥".to_string()]),
            ("Nam Il".to_string(), vec![]),
            ("Pak Chang Ok".to_string(), vec![]),
            ("Pak".to_string(), vec!["박창옥".to_string()]),
        ];
        let found = likely_duplicates(&entries);
        assert_eq!(
            found,
            vec![(0, 2, Likeness::Folded), (0, 3, Likeness::Folded)]
        );
    }
}
