//! Actors with aliases, and issue names: what forms complete and filters match.

use serde::{Deserialize, Serialize};

/// A named actor and the other spellings that mean the same person or body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
}

/// The actors a sidecar knows, kept sorted by name for stable files.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActorRegistry {
    actors: Vec<Actor>,
}

fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl ActorRegistry {
    pub fn new(mut actors: Vec<Actor>) -> Self {
        actors.sort_by(|a, b| a.name.cmp(&b.name));
        actors.dedup_by(|a, b| a.name == b.name);
        ActorRegistry { actors }
    }

    pub fn actors(&self) -> &[Actor] {
        &self.actors
    }

    pub fn into_vec(self) -> Vec<Actor> {
        self.actors
    }

    /// The actor whose name or alias equals `name` (case and spacing ignored).
    pub fn find(&self, name: &str) -> Option<&Actor> {
        let key = fold(name);
        self.actors
            .iter()
            .find(|a| fold(&a.name) == key || a.aliases.iter().any(|x| fold(x) == key))
    }

    /// The registry's spelling for `name`: the actor's main name when `name` is
    /// one of its aliases, else `name` trimmed.
    pub fn canonical(&self, name: &str) -> String {
        self.find(name)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| name.trim().to_string())
    }

    /// Add an actor by name unless it (or an alias) is known. Returns true if added.
    pub fn learn(&mut self, name: &str) -> bool {
        let name = name.trim();
        if name.is_empty() || self.find(name).is_some() {
            return false;
        }
        let pos = self.actors.partition_point(|a| a.name.as_str() < name);
        self.actors.insert(
            pos,
            Actor {
                name: name.to_string(),
                aliases: Vec::new(),
            },
        );
        true
    }

    /// Does `candidate` (a name used in a tag) refer to the actor `query` names?
    /// True when both resolve to the same registry actor, or when they are equal.
    pub fn same_actor(&self, query: &str, candidate: &str) -> bool {
        if fold(query) == fold(candidate) {
            return true;
        }
        match (self.find(query), self.find(candidate)) {
            (Some(a), Some(b)) => a.name == b.name,
            _ => false,
        }
    }

    /// Names and aliases containing `typed` (case-insensitive), names first,
    /// prefix matches before inner matches; each result is the actor's main name
    /// with the alias that matched, if any.
    pub fn complete(&self, typed: &str) -> Vec<String> {
        let key = fold(typed);
        let mut prefix = Vec::new();
        let mut inner = Vec::new();
        for a in &self.actors {
            let spellings = std::iter::once(&a.name).chain(&a.aliases);
            let mut best: Option<bool> = None;
            for s in spellings {
                let f = fold(s);
                if f.starts_with(&key) {
                    best = Some(true);
                    break;
                } else if f.contains(&key) {
                    best = Some(false);
                }
            }
            match best {
                Some(true) => prefix.push(a.name.clone()),
                Some(false) => inner.push(a.name.clone()),
                None => {}
            }
        }
        prefix.extend(inner);
        prefix
    }
}

impl ActorRegistry {
    /// Actors whose name or an alias occurs in `text` as whole words, in the
    /// order of their first mention: whom a paragraph is likely about.
    pub fn named_in(&self, text: &str) -> Vec<String> {
        let mut found: Vec<(usize, &str)> = Vec::new();
        for a in &self.actors {
            let first = std::iter::once(&a.name)
                .chain(&a.aliases)
                .filter_map(|s| find_word(text, s))
                .min();
            if let Some(at) = first {
                found.push((at, &a.name));
            }
        }
        found.sort();
        found.into_iter().map(|(_, n)| n.to_string()).collect()
    }

    /// A known name `typed` is probably meant as, when it is not itself known:
    /// one it begins (`Nam` for `Nam Il`) or one within a small edit distance
    /// (`Kim Sung-hwa` for `Kim Seung-hwa`). Flagged before a new name is made.
    pub fn close_to(&self, typed: &str) -> Option<String> {
        let key = fold(typed);
        if key.is_empty() || self.find(typed).is_some() {
            return None;
        }
        let limit = if key.chars().count() < 6 { 1 } else { 2 };
        let mut best: Option<(usize, &str)> = None;
        for a in &self.actors {
            for s in std::iter::once(&a.name).chain(&a.aliases) {
                let f = fold(s);
                let distance = if f.starts_with(&key) {
                    0
                } else {
                    strsim::levenshtein(&f, &key)
                };
                if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
                    best = Some((distance, &a.name));
                }
            }
        }
        best.map(|(_, n)| n.to_string())
    }
}

/// Byte offset of the first occurrence of `word` in `text` with no letter
/// or digit right before or after it.
fn find_word(text: &str, word: &str) -> Option<usize> {
    if word.trim().is_empty() {
        return None;
    }
    let mut from = 0;
    while let Some(i) = text.get(from..)?.find(word) {
        let at = from + i;
        let end = at + word.len();
        let before = text[..at].chars().next_back();
        let after = text[end..].chars().next();
        if !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric) {
            return Some(at);
        }
        from = at + word.chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// Issue names seen so far, completed like actors (case-insensitive substring).
pub fn complete_issue(issues: &[String], typed: &str) -> Vec<String> {
    let key = fold(typed);
    let mut prefix: Vec<String> = Vec::new();
    let mut inner: Vec<String> = Vec::new();
    for i in issues {
        let f = fold(i);
        if f.starts_with(&key) {
            prefix.push(i.clone());
        } else if f.contains(&key) {
            inner.push(i.clone());
        }
    }
    prefix.extend(inner);
    prefix
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reg() -> ActorRegistry {
        ActorRegistry::new(vec![
            Actor {
                name: "Pak Chang-ok".into(),
                aliases: vec!["Pak Chang Ok".into(), "박창옥".into()],
            },
            Actor {
                name: "Nam Il".into(),
                aliases: vec![],
            },
            Actor {
                name: "Kim Il Sung".into(),
                aliases: vec![],
            },
        ])
    }

    #[test]
    fn finds_by_alias_ignoring_case_and_spacing() {
        let r = reg();
        assert_eq!(r.find("pak  chang ok").unwrap().name, "Pak Chang-ok");
        assert_eq!(r.canonical("박창옥"), "Pak Chang-ok");
        assert_eq!(r.canonical(" Someone New "), "Someone New");
        assert!(r.same_actor("Pak Chang Ok", "Pak Chang-ok"));
        assert!(!r.same_actor("Nam Il", "Kim Il Sung"));
    }

    #[test]
    fn completes_prefix_first() {
        let r = reg();
        assert_eq!(r.complete("il"), vec!["Kim Il Sung", "Nam Il"]);
        assert_eq!(r.complete("k"), vec!["Kim Il Sung", "Pak Chang-ok"]);
        assert_eq!(r.complete("박"), vec!["Pak Chang-ok"]);
    }

    #[test]
    fn learns_new_actors_sorted_once() {
        let mut r = reg();
        assert!(r.learn("Choe Chang-ik"));
        assert!(!r.learn("nam il"));
        let names: Vec<_> = r.actors().iter().map(|a| a.name.as_str()).collect();
        assert_eq!(
            names,
            vec!["Choe Chang-ik", "Kim Il Sung", "Nam Il", "Pak Chang-ok"]
        );
    }

    #[test]
    fn actors_named_in_a_paragraph_in_order_of_mention() {
        let r = reg();
        let text = "Nam Il said that 박창옥 and Kim Il Sungism (not a name) met Nam Il.";
        assert_eq!(r.named_in(text), vec!["Nam Il", "Pak Chang-ok"]);
        assert!(r.named_in("Namil").is_empty());
    }

    #[test]
    fn a_new_name_close_to_a_known_one_is_found() {
        let r = reg();
        assert_eq!(r.close_to("Nam").as_deref(), Some("Nam Il"));
        assert_eq!(r.close_to("Kim Il Sing").as_deref(), Some("Kim Il Sung"));
        assert_eq!(r.close_to("nam il"), None, "known: not new");
        assert_eq!(r.close_to("Petrov"), None);
        assert_eq!(r.close_to(""), None);
    }

    #[test]
    fn issues_complete() {
        let issues = vec![
            "criticism of Kim Il Sung".to_string(),
            "personality cult".to_string(),
        ];
        assert_eq!(complete_issue(&issues, "cult"), vec!["personality cult"]);
        assert_eq!(complete_issue(&issues, ""), issues);
    }
}
