//! Actors with aliases, and issue names: what forms complete and filters match.
//!
//! A sidecar stores its annotator's [`ActorRegistry`]. Names are compared
//! through an [`ActorResolver`], built from every registry that speaks about a
//! document (each annotator's sidecar; later a project codebook), so an alias
//! known to anyone counts for everyone. Stored names are never rewritten: they
//! are resolved when compared, filtered or completed.

use std::collections::HashMap;

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

    /// This registry alone as a resolver (for one sidecar's own bookkeeping;
    /// commands resolve through every registry of the document).
    pub fn resolver(&self) -> ActorResolver {
        ActorResolver::of([self.actors.as_slice()])
    }
}

/// Actor names resolved across several registries.
///
/// Sources are added in order of precedence (the first wins a conflict). Each
/// alias points to the actor it is listed under, whoever listed it; names are
/// merged by their folded spelling (case and spacing ignored) and aliases
/// chain: when bob's `Pak Chang Ok` (alias `박창옥`) is an alias of alice's
/// `Pak Chang-ok`, all three resolve to `Pak Chang-ok`. An alias claimed by two
/// actors belongs to the first; a cycle is cut where it would close. Names no
/// registry knows resolve to themselves.
#[derive(Debug, Clone, Default)]
pub struct ActorResolver {
    /// Every source's actors, in the order added.
    actors: Vec<Actor>,
    /// Folded spelling → the main name it resolves to.
    main: HashMap<String, String>,
    /// (main name, every spelling resolving to it: the main name first),
    /// sorted by main name.
    groups: Vec<(String, Vec<String>)>,
}

impl ActorResolver {
    /// A resolver over `sources`, the first taking precedence.
    pub fn of<'a>(sources: impl IntoIterator<Item = &'a [Actor]>) -> ActorResolver {
        let mut r = ActorResolver::default();
        for source in sources {
            r.actors.extend_from_slice(source);
        }
        r.rebuild();
        r
    }

    /// Add one more source, after (below) those already added.
    pub fn add_source(&mut self, actors: &[Actor]) {
        self.actors.extend_from_slice(actors);
        self.rebuild();
    }

    fn rebuild(&mut self) {
        // First spelling of each folded form, preferring a `name` to an alias.
        let mut spelling: HashMap<String, &str> = HashMap::new();
        for a in &self.actors {
            spelling.entry(fold(&a.name)).or_insert(&a.name);
        }
        for a in &self.actors {
            for alias in &a.aliases {
                spelling.entry(fold(alias)).or_insert(alias);
            }
        }
        spelling.retain(|k, _| !k.is_empty());
        // Each alias points to the actor it is listed under (first listing wins).
        let mut parent: HashMap<String, String> = HashMap::new();
        for a in &self.actors {
            let name = fold(&a.name);
            if name.is_empty() {
                continue;
            }
            for alias in &a.aliases {
                let alias = fold(alias);
                if alias.is_empty() || alias == name || parent.contains_key(&alias) {
                    continue;
                }
                // Would `alias → name` close a cycle (name already leads to alias)?
                if root_of(&parent, &name) == alias {
                    continue;
                }
                parent.insert(alias, name.clone());
            }
        }
        let mut groups: HashMap<String, Vec<String>> = HashMap::new();
        let mut main = HashMap::with_capacity(spelling.len());
        for (folded, &shown) in &spelling {
            let root = root_of(&parent, folded);
            let root_shown = spelling.get(&root).copied().unwrap_or(shown);
            main.insert(folded.clone(), root_shown.to_string());
            let group = groups.entry(root_shown.to_string()).or_default();
            if folded != &root {
                group.push(shown.to_string());
            }
        }
        let mut groups: Vec<(String, Vec<String>)> = groups
            .into_iter()
            .map(|(name, mut others)| {
                others.sort();
                others.insert(0, name.clone());
                (name, others)
            })
            .collect();
        groups.sort();
        self.main = main;
        self.groups = groups;
    }

    /// Every spelling known, with the main name it resolves to (the main
    /// name itself included): what mention detection looks for.
    pub fn spellings(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.groups
            .iter()
            .flat_map(|(main, all)| all.iter().map(move |s| (main.as_str(), s.as_str())))
    }

    /// Is `name` (or a spelling of it) known to any source?
    pub fn knows(&self, name: &str) -> bool {
        self.main.contains_key(&fold(name))
    }

    /// The main name `name` resolves to; `name` trimmed when nobody knows it.
    pub fn resolve(&self, name: &str) -> String {
        self.main
            .get(&fold(name))
            .cloned()
            .unwrap_or_else(|| name.trim().to_string())
    }

    /// A comparable form of `name`: its main name, case and spacing folded.
    pub fn key(&self, name: &str) -> String {
        fold(&self.resolve(name))
    }

    /// Does `candidate` (a name used in a tag) refer to the actor `query` names?
    pub fn same_actor(&self, query: &str, candidate: &str) -> bool {
        self.key(query) == self.key(candidate)
    }

    /// The actor a query such as `--actor pak` means: a known spelling; else
    /// the one actor with a spelling equal after case, hyphen, space and
    /// diacritic folding; else the one actor with a spelling starting with it
    /// (so folded). `Ok(None)` when nobody matches (the query names an actor
    /// no registry knows); `Err` lists the candidates' main names, sorted,
    /// when more than one would match.
    pub fn lookup(&self, query: &str) -> Result<Option<String>, Vec<String>> {
        if self.knows(query) {
            return Ok(Some(self.resolve(query)));
        }
        let loose = super::duplicates::fold_name(query);
        if loose.is_empty() {
            return Ok(None);
        }
        let matching = |test: &dyn Fn(&str) -> bool| -> Vec<String> {
            self.groups
                .iter()
                .filter(|(_, spellings)| {
                    spellings
                        .iter()
                        .any(|s| test(&super::duplicates::fold_name(s)))
                })
                .map(|(name, _)| name.clone())
                .collect()
        };
        for found in [
            matching(&|s| s == loose),
            matching(&|s| s.starts_with(&loose)),
        ] {
            match found.len() {
                0 => continue,
                1 => return Ok(found.into_iter().next()),
                _ => return Err(found),
            }
        }
        Ok(None)
    }

    /// Names and aliases containing `typed` (case-insensitive), names first,
    /// prefix matches before inner matches; each result is the actor's main
    /// name, whichever of its spellings matched.
    pub fn complete(&self, typed: &str) -> Vec<String> {
        let key = fold(typed);
        let mut prefix = Vec::new();
        let mut inner = Vec::new();
        for (name, spellings) in &self.groups {
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
                Some(true) => prefix.push(name.clone()),
                Some(false) => inner.push(name.clone()),
                None => {}
            }
        }
        prefix.extend(inner);
        prefix
    }
}

/// Follow alias links from `folded` to the name at the end of the chain.
fn root_of(parent: &HashMap<String, String>, folded: &str) -> String {
    let mut at = folded;
    // Links never form a cycle (see `rebuild`); the bound is a second guard.
    for _ in 0..=parent.len() {
        match parent.get(at) {
            Some(next) => at = next,
            None => break,
        }
    }
    at.to_string()
}

impl ActorResolver {
    /// Every spelling of the actor `name` resolves to (its main name first),
    /// when some registry knows it.
    pub fn spellings_of(&self, name: &str) -> Option<&[String]> {
        let main = self.main.get(&fold(name))?;
        self.groups
            .binary_search_by(|(n, _)| n.as_str().cmp(main))
            .ok()
            .map(|i| self.groups[i].1.as_slice())
    }

    /// Actors whose name or an alias occurs in `text` as whole words, in the
    /// order of their first mention: whom a paragraph is likely about.
    pub fn named_in(&self, text: &str) -> Vec<String> {
        let mut found: Vec<(usize, &str)> = Vec::new();
        for (name, spellings) in &self.groups {
            if let Some(at) = spellings.iter().filter_map(|s| find_word(text, s)).min() {
                found.push((at, name));
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
        if key.is_empty() || self.knows(typed) {
            return None;
        }
        let limit = if key.chars().count() < 6 { 1 } else { 2 };
        let mut best: Option<(usize, &str)> = None;
        for (name, spellings) in &self.groups {
            for s in spellings {
                let f = fold(s);
                let distance = if f.starts_with(&key) {
                    0
                } else {
                    strsim::levenshtein(&f, &key)
                };
                if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
                    best = Some((distance, name));
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

    fn actor(name: &str, aliases: &[&str]) -> Actor {
        Actor {
            name: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        }
    }

    #[test]
    fn finds_by_alias_ignoring_case_and_spacing() {
        let r = reg();
        assert_eq!(r.find("pak  chang ok").unwrap().name, "Pak Chang-ok");
        let r = r.resolver();
        assert_eq!(r.resolve("박창옥"), "Pak Chang-ok");
        assert_eq!(r.resolve(" Someone New "), "Someone New");
        assert!(r.same_actor("Pak Chang Ok", "Pak Chang-ok"));
        assert!(!r.same_actor("Nam Il", "Kim Il Sung"));
        assert!(r.same_actor("someone  new", "Someone New"));
    }

    /// Issue #9: alice lists `Pak Chang Ok` as an alias; bob's own registry
    /// has `Pak Chang Ok` as a name (he tagged it). Merged, bob's name must
    /// resolve to alice's main name, whichever registry comes first.
    #[test]
    fn an_alias_in_one_registry_resolves_a_name_of_another() {
        let alice = vec![actor("Pak Chang-ok", &["Pak Chang Ok"])];
        let bob = vec![actor("Pak Chang Ok", &[])];
        for r in [
            ActorResolver::of([alice.as_slice(), bob.as_slice()]),
            ActorResolver::of([bob.as_slice(), alice.as_slice()]),
        ] {
            assert_eq!(r.resolve("Pak Chang Ok"), "Pak Chang-ok");
            assert!(r.same_actor("Pak Chang-ok", "pak chang ok"));
            assert_eq!(r.complete("pak"), vec!["Pak Chang-ok"]);
        }
    }

    #[test]
    fn aliases_of_aliases_resolve_to_the_main_name() {
        let alice = vec![actor("Pak Chang-ok", &["Pak Chang Ok"])];
        let bob = vec![actor("Pak Chang Ok", &["박창옥"]), actor("Nam Il", &[])];
        let mut r = ActorResolver::of([bob.as_slice()]);
        assert_eq!(r.resolve("박창옥"), "Pak Chang Ok");
        r.add_source(&alice);
        assert_eq!(r.resolve("박창옥"), "Pak Chang-ok");
        assert_eq!(r.key("박창옥"), r.key("PAK CHANG-OK"));
        assert!(r.knows("박창옥") && !r.knows("Kim"));
        assert_eq!(r.complete("박"), vec!["Pak Chang-ok"]);
        assert_eq!(r.complete(""), vec!["Nam Il", "Pak Chang-ok"]);
    }

    #[test]
    fn conflicts_go_to_the_first_source_and_never_merge_two_actors() {
        // Both claim "Kim"; each says the other is its alias (a cycle).
        let first = vec![actor("Kim Il Sung", &["Kim"]), actor("A", &["B"])];
        let second = vec![actor("Kim Chang-hyop", &["Kim"]), actor("B", &["A"])];
        let r = ActorResolver::of([first.as_slice(), second.as_slice()]);
        assert_eq!(r.resolve("Kim"), "Kim Il Sung");
        assert!(!r.same_actor("Kim Il Sung", "Kim Chang-hyop"));
        assert_eq!(r.resolve("B"), "A");
        assert_eq!(r.resolve("A"), "A");
    }

    /// Issue #10: `--actor pak` finds Pak Chang-ok when no other actor's
    /// spelling starts so; an ambiguous query lists the candidates.
    #[test]
    fn lookup_matches_a_unique_prefix_or_a_loosely_folded_spelling() {
        let r = reg().resolver();
        assert_eq!(r.lookup("pak"), Ok(Some("Pak Chang-ok".into())));
        assert_eq!(r.lookup("PAKCHANG OK"), Ok(Some("Pak Chang-ok".into())));
        assert_eq!(r.lookup("pak-chang-ok"), Ok(Some("Pak Chang-ok".into())));
        assert_eq!(r.lookup("Pak Chang Ok"), Ok(Some("Pak Chang-ok".into())));
        assert_eq!(r.lookup("nam"), Ok(Some("Nam Il".into())));
        assert_eq!(r.lookup("Petrov"), Ok(None));
        assert_eq!(r.lookup(" - "), Ok(None));
        let more = vec![actor("Pak Hon-yong", &[])];
        let mut r = reg().resolver();
        r.add_source(&more);
        assert_eq!(
            r.lookup("pak"),
            Err(vec!["Pak Chang-ok".to_string(), "Pak Hon-yong".to_string()])
        );
        // An exact (folded) spelling wins over being a prefix of another.
        let nested = vec![actor("Kim", &[]), actor("Kim Il Sung", &[])];
        let r = ActorResolver::of([nested.as_slice()]);
        assert_eq!(r.lookup("kim"), Ok(Some("Kim".into())));
        assert_eq!(r.lookup("kimil"), Ok(Some("Kim Il Sung".into())));
    }

    #[test]
    fn completes_prefix_first() {
        let r = reg().resolver();
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
        let r = reg().resolver();
        let text = "Nam Il said that 박창옥 and Kim Il Sungism (not a name) met Nam Il.";
        assert_eq!(r.named_in(text), vec!["Nam Il", "Pak Chang-ok"]);
        assert!(r.named_in("Namil").is_empty());
    }

    #[test]
    fn a_new_name_close_to_a_known_one_is_found() {
        let r = reg().resolver();
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
