//! Who "I" and "me" are: the document's author as an actor. One decision,
//! made here, for the TUI and for `gloss actors` / `gloss suggest` alike,
//! so the same document never names its author two ways.

use crate::annotation::ActorResolver;
use crate::annotation::duplicates::fold_name;
use crate::assist::Mention;
use crate::document::Document;

/// Detect names in `documents` (paragraphs, metadata author), "I" and
/// "me" being the author's actor as the TUI decides it ([`author_actor`]),
/// and the author's own name in the text linked to that actor
/// ([`link_author`]): what `gloss actors` and `gloss suggest` both run.
pub fn detect_documents<S: AsRef<str> + Sync>(
    detector: &crate::assist::Detector,
    resolver: &ActorResolver,
    documents: &[(&[S], Option<&str>)],
) -> Vec<crate::assist::Detected> {
    let actors: Vec<Option<String>> = documents
        .iter()
        .map(|(_, author)| author.and_then(|a| author_actor(a, resolver)))
        .collect();
    let texts: Vec<(Vec<&str>, Option<&str>)> = documents
        .iter()
        .zip(&actors)
        .map(|((paragraphs, _), actor)| {
            (
                paragraphs.iter().map(AsRef::as_ref).collect(),
                actor.as_deref(),
            )
        })
        .collect();
    let mut detected = detector.detect_all(&texts);
    let authors: Vec<(Option<&str>, Option<&str>)> = documents
        .iter()
        .zip(&actors)
        .map(|((_, author), actor)| (*author, actor.as_deref()))
        .collect();
    link_authors(&mut detected, &authors);
    detected
}

/// Each document's mentions that name its author (metadata `author`,
/// resolved to `actor`, in the same order as `detected`) linked to that
/// actor, as "I" is; on every core.
pub fn link_authors(
    detected: &mut [crate::assist::Detected],
    authors: &[(Option<&str>, Option<&str>)],
) {
    let indexes: Vec<usize> = (0..detected.len().min(authors.len())).collect();
    let links = crate::archive::parallel::map(&indexes, |&i| match authors[i] {
        (Some(author), Some(actor)) => author_mentions(&detected[i].mentions, author, actor),
        _ => Vec::new(),
    });
    for ((found, (_, actor)), links) in detected.iter_mut().zip(authors).zip(links) {
        if let Some(actor) = actor {
            for i in links {
                found.mentions[i].actor = (*actor).into();
            }
        }
    }
}

/// The author the metadata gives: the project's stored value, else what the
/// document says about itself (its declared metadata over its text's head).
pub fn metadata_author(doc: &Document, stored: Option<String>) -> Option<String> {
    stored.or_else(|| crate::project::detect::document_author(doc))
}

/// The actor "I" and "me" stand for, given the metadata `author`: the
/// codebook's actor when it knows the author — a spelling of theirs, or the
/// one actor whose name has the author's words, initials aside
/// ("Petrov A.M." is the codebook's "A. M. Petrov") — else the author
/// normalised: spacing collapsed, trailing initials dropped ("Petrov A.M."
/// → "Petrov"), as a memo's text names its author.
pub fn author_actor(author: &str, resolver: &ActorResolver) -> Option<String> {
    let author = author.split_whitespace().collect::<Vec<_>>().join(" ");
    if author.is_empty() {
        return None;
    }
    if resolver.knows(&author) {
        return Some(resolver.resolve(&author));
    }
    let key = name_key(&author);
    if !key.is_empty() {
        let mut matching: Vec<&str> = resolver
            .spellings()
            .filter(|(_, spelling)| name_key(spelling) == key)
            .map(|(main, _)| main)
            .collect();
        matching.dedup();
        if let [one] = matching[..] {
            return Some(one.to_string());
        }
    }
    Some(normalised(&author))
}

/// Mentions of the author by name ("Petrov A." in the header, "/A Petrov/"
/// under the text) resolve to the author's `actor` as "I" does: those whose
/// words, initials aside, are the actor's or the metadata `author`'s.
pub fn link_author(mentions: &mut [Mention], author: &str, actor: &str) {
    for i in author_mentions(mentions, author, actor) {
        mentions[i].actor = actor.into();
    }
}

/// The indexes of the mentions [`link_author`] links: each surface's words
/// are keyed once per document, however often it is mentioned.
fn author_mentions(mentions: &[Mention], author: &str, actor: &str) -> Vec<usize> {
    let keys: Vec<Vec<String>> = [name_key(author), name_key(actor)]
        .into_iter()
        .filter(|k| !k.is_empty())
        .collect();
    let mut out = Vec::new();
    if keys.is_empty() {
        return out;
    }
    let mut answered: std::collections::HashMap<&str, bool> = std::collections::HashMap::new();
    for (i, m) in mentions.iter().enumerate() {
        if m.actor == actor {
            continue;
        }
        let names_author = *answered
            .entry(&m.surface)
            .or_insert_with(|| keys.contains(&name_key(&m.surface)));
        if names_author {
            out.push(i);
        }
    }
    out
}

/// Is `word` an initial ("A.", "A.M.", "M")?
fn is_initial(word: &str) -> bool {
    let letters: Vec<char> = word.chars().filter(|c| *c != '.').collect();
    !letters.is_empty()
        && letters.iter().all(|c| c.is_uppercase())
        && (letters.len() == 1 || word.contains('.'))
}

/// The name without its leading titles and trailing initials
/// (`Ambassador Puzanov A.M.` → `Puzanov`; the whole name when it is
/// nothing but those).
fn normalised(author: &str) -> String {
    let words: Vec<&str> = author.split(' ').collect();
    let keep = words
        .iter()
        .rposition(|w| !is_initial(w))
        .map_or(words.len(), |i| i + 1);
    let from = words[..keep]
        .iter()
        .position(|w| !super::mentions::is_title(w))
        .unwrap_or(0);
    words[from..keep].join(" ")
}

/// A name's words other than initials and titles, folded and sorted:
/// "Petrov A.M.", "A. M. Petrov" and "Ambassador Petrov" have one key.
fn name_key(name: &str) -> Vec<String> {
    let mut words: Vec<String> = name
        .split_whitespace()
        .filter(|w| !is_initial(w) && !super::mentions::is_title(w))
        .map(fold_name)
        .filter(|w| !w.is_empty())
        .collect();
    words.sort();
    words
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::Actor;

    fn resolver(actors: &[(&str, &[&str])]) -> ActorResolver {
        let actors: Vec<Actor> = actors
            .iter()
            .map(|(name, aliases)| Actor {
                name: name.to_string(),
                aliases: aliases.iter().map(|a| a.to_string()).collect(),
            })
            .collect();
        ActorResolver::of([actors.as_slice()])
    }

    #[test]
    fn without_a_codebook_the_author_loses_trailing_initials() {
        let none = ActorResolver::default();
        assert_eq!(
            author_actor("Petrov A.M.", &none).as_deref(),
            Some("Petrov")
        );
        assert_eq!(
            author_actor("Orlov  V. I.", &none).as_deref(),
            Some("Orlov")
        );
        assert_eq!(
            author_actor("Walter S. Robertson", &none).as_deref(),
            Some("Walter S. Robertson")
        );
        assert_eq!(author_actor("A.M.", &none).as_deref(), Some("A.M."));
        assert_eq!(
            author_actor("Ambassador Puzanov A.M.", &none).as_deref(),
            Some("Puzanov")
        );
        assert_eq!(
            author_actor("Deputy Minister", &none).as_deref(),
            Some("Deputy Minister")
        );
        assert_eq!(author_actor("  ", &none), None);
    }

    #[test]
    fn the_authors_name_in_the_text_resolves_as_i_does() {
        let mention = |surface: &str| Mention {
            paragraph: 0,
            start: 0,
            end: surface.chars().count(),
            surface: surface.into(),
            actor: surface.into(),
            rule: crate::assist::Rule::Shape,
        };
        let mut found = vec![
            mention("Petrov A."),
            mention("A Petrov"),
            mention("Pak Chang-ok"),
        ];
        link_author(&mut found, "Petrov A.M.", "Petrov");
        let actors: Vec<&str> = found.iter().map(|m| m.actor.as_str()).collect();
        assert_eq!(actors, vec!["Petrov", "Petrov", "Pak Chang-ok"]);
    }

    #[test]
    fn the_codebook_decides_first() {
        let known = resolver(&[("Ambassador Petrov", &["Petrov A.M."])]);
        assert_eq!(
            author_actor("Petrov A.M.", &known).as_deref(),
            Some("Ambassador Petrov")
        );
        // Initials aside, the same words.
        let known = resolver(&[("A. M. Petrov", &[])]);
        assert_eq!(
            author_actor("Petrov A.M.", &known).as_deref(),
            Some("A. M. Petrov")
        );
        // Two actors fit: the codebook does not decide.
        let two = resolver(&[("A. Petrov", &[]), ("B. Petrov", &[])]);
        assert_eq!(author_actor("Petrov A.M.", &two).as_deref(), Some("Petrov"));
    }
}
