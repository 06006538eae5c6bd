//! Three-way merge of sidecars by annotation id.
//!
//! Used when a sidecar changed on disk under an open session, and by the git
//! merge driver. Additions from both sides are kept; an edit or deletion on one
//! side is taken; the same annotation changed differently on both sides keeps
//! both versions (the other side's under a new id) and is reported. Nothing is
//! ever dropped silently.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use super::Sidecar;
use crate::annotation::{Actor, ActorRegistry, Annotation};

/// One place where both sides changed the same annotation.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub id: String,
    /// Id under which the other side's version was kept, if it was.
    pub kept_as: Option<String>,
    pub what: &'static str,
}

/// What a merge produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub sidecar: Sidecar,
    pub conflicts: Vec<Conflict>,
    /// Annotations the other side added, changed or removed, as counts.
    pub added: usize,
    pub changed: usize,
    pub removed: usize,
}

fn by_id(list: &[Annotation]) -> BTreeMap<&str, &Annotation> {
    list.iter().map(|a| (a.id.as_str(), a)).collect()
}

/// The id under which a second version of annotation `id` is kept: `id~N`
/// with the smallest N that `taken` says is free. [`unsettled`] pairs the two.
pub fn copy_id(id: &str, taken: impl Fn(&str) -> bool) -> String {
    (1..)
        .map(|n| format!("{id}~{n}"))
        .find(|candidate| !taken(candidate))
        .unwrap_or_default()
}

/// `sidecar` with every id unique (see [`Sidecar::separate_duplicate_ids`]):
/// keyed by id, a duplicate would be dropped silently. The same file gives
/// the same ids on every side of a merge.
fn with_unique_ids(sidecar: &Sidecar) -> Cow<'_, Sidecar> {
    if !sidecar.has_duplicate_ids() {
        return Cow::Borrowed(sidecar);
    }
    let mut copy = sidecar.clone();
    copy.separate_duplicate_ids();
    Cow::Owned(copy)
}

/// Conflicts a merge left for a person to settle: pairs of annotation ids
/// `(id, id~N)`, two versions of one annotation that are both in `sidecar`.
/// Deleting either version settles the pair.
pub fn unsettled(sidecar: &Sidecar) -> Vec<(String, String)> {
    // The common case (no merge copies) costs one scan, no set.
    if !sidecar.annotations.iter().any(|a| a.id.contains('~')) {
        return Vec::new();
    }
    let ids: BTreeSet<&str> = sidecar.annotations.iter().map(|a| a.id.as_str()).collect();
    let mut pairs = Vec::new();
    for id in &ids {
        if let Some((base, n)) = id.rsplit_once('~')
            && !n.is_empty()
            && n.bytes().all(|b| b.is_ascii_digit())
            && ids.contains(base)
        {
            pairs.push((base.to_string(), id.to_string()));
        }
    }
    pairs
}

/// Merge `ours` and `theirs`, both descended from `base`. Header fields
/// (source, annotator) come from `ours`; actors and issues are united.
pub fn merge(base: &Sidecar, ours: &Sidecar, theirs: &Sidecar) -> Merged {
    let (b, o, t) = (
        by_id(&base.annotations),
        by_id(&ours.annotations),
        by_id(&theirs.annotations),
    );
    // Two annotations with one id collapse into one key: give the copies
    // fresh ids first (rare: the maps being shorter than the lists tells).
    if b.len() < base.annotations.len()
        || o.len() < ours.annotations.len()
        || t.len() < theirs.annotations.len()
    {
        return merge(
            &with_unique_ids(base),
            &with_unique_ids(ours),
            &with_unique_ids(theirs),
        );
    }
    let ids: BTreeSet<&str> = o.keys().chain(t.keys()).copied().collect();
    let mut out = Vec::new();
    let mut conflicts = Vec::new();
    let (mut added, mut changed, mut removed) = (0, 0, 0);
    let taken: BTreeSet<String> = ids.iter().map(|s| s.to_string()).collect();
    let keep_theirs_copy = |ours: &Annotation,
                            theirs: &Annotation,
                            what: &'static str,
                            out: &mut Vec<Annotation>,
                            conflicts: &mut Vec<Conflict>| {
        let mut copy = theirs.clone();
        let id = copy_id(&theirs.id, |id| {
            taken.contains(id) || out.iter().any(|a: &Annotation| a.id == id)
        });
        copy.id = id.clone();
        out.push(copy);
        conflicts.push(Conflict {
            id: ours.id.clone(),
            kept_as: Some(id),
            what,
        });
    };
    for id in &ids {
        match (b.get(id), o.get(id), t.get(id)) {
            (_, Some(&ours), Some(&theirs)) if ours == theirs => out.push(ours.clone()),
            (Some(&base), Some(&ours), Some(&theirs)) => {
                if ours == base {
                    out.push(theirs.clone());
                    changed += 1;
                } else if theirs == base {
                    out.push(ours.clone());
                } else {
                    out.push(ours.clone());
                    keep_theirs_copy(
                        ours,
                        theirs,
                        "changed on both sides",
                        &mut out,
                        &mut conflicts,
                    );
                }
            }
            (None, Some(&ours), Some(&theirs)) => {
                out.push(ours.clone());
                keep_theirs_copy(
                    ours,
                    theirs,
                    "added on both sides with different content",
                    &mut out,
                    &mut conflicts,
                );
            }
            (Some(&base), Some(&ours), None) => {
                if ours == base {
                    removed += 1;
                } else {
                    out.push(ours.clone());
                    conflicts.push(Conflict {
                        id: ours.id.clone(),
                        kept_as: None,
                        what: "changed here, deleted there (kept)",
                    });
                }
            }
            (Some(&base), None, Some(&theirs)) => {
                if theirs != base {
                    out.push(theirs.clone());
                    conflicts.push(Conflict {
                        id: theirs.id.clone(),
                        kept_as: None,
                        what: "deleted here, changed there (kept)",
                    });
                }
            }
            (None, Some(&ours), None) => out.push(ours.clone()),
            (None, None, Some(&theirs)) => {
                out.push(theirs.clone());
                added += 1;
            }
            (_, None, None) => {}
        }
    }
    let mut sidecar = ours.clone();
    sidecar.annotations = out;
    sidecar.actors = unite_actors(&ours.actors, &theirs.actors);
    sidecar.issues.extend(theirs.issues.iter().cloned());
    for d in &theirs.dismissed {
        if !sidecar.dismissed.contains(d) {
            sidecar.dismissed.push(d.clone());
        }
    }
    sidecar.normalise();
    Merged {
        sidecar,
        conflicts,
        added,
        changed,
        removed,
    }
}

fn unite_actors(ours: &[Actor], theirs: &[Actor]) -> Vec<Actor> {
    let mut map: BTreeMap<String, Actor> =
        ours.iter().map(|a| (a.name.clone(), a.clone())).collect();
    for a in theirs {
        let entry = map.entry(a.name.clone()).or_insert_with(|| Actor {
            name: a.name.clone(),
            aliases: Vec::new(),
        });
        for alias in &a.aliases {
            if !entry.aliases.contains(alias) {
                entry.aliases.push(alias.clone());
            }
        }
    }
    ActorRegistry::new(map.into_values().collect()).into_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::Tag;
    use crate::document::Document;
    use crate::document::anchor::Anchor;
    use std::path::Path;

    fn doc() -> Document {
        Document::from_text(Path::new("m.txt"), "one\n\ntwo\n\nthree\n")
    }

    fn ann(id: &str, by: &str, para: usize) -> Annotation {
        let mut a = Annotation::new(Tag::Claim { by: by.into() }, Anchor::whole(&doc(), para));
        a.id = id.into();
        a.created = "2026-01-01T00:00:00.000Z".into();
        a.modified = a.created.clone();
        a
    }

    fn side(anns: Vec<Annotation>) -> Sidecar {
        let mut s = Sidecar::new(&doc(), "kim");
        s.annotations = anns;
        s
    }

    fn ids(m: &Merged) -> Vec<String> {
        m.sidecar.annotations.iter().map(|a| a.id.clone()).collect()
    }

    #[test]
    fn additions_from_both_sides_are_kept() {
        let base = side(vec![ann("a", "X", 0)]);
        let ours = side(vec![ann("a", "X", 0), ann("b", "Y", 1)]);
        let theirs = side(vec![ann("a", "X", 0), ann("c", "Z", 2)]);
        let m = merge(&base, &ours, &theirs);
        assert_eq!(ids(&m), vec!["a", "b", "c"]);
        assert_eq!(m.added, 1);
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn one_sided_edits_and_deletions_are_taken() {
        let base = side(vec![ann("a", "X", 0), ann("b", "Y", 1)]);
        let ours = side(vec![ann("a", "X", 0)]);
        let theirs = side(vec![ann("a", "X2", 0), ann("b", "Y", 1)]);
        let m = merge(&base, &ours, &theirs);
        assert_eq!(ids(&m), vec!["a"]);
        assert_eq!(m.sidecar.annotations[0].tag, Tag::Claim { by: "X2".into() });
        assert!(m.conflicts.is_empty());
    }

    #[test]
    fn both_sides_editing_keeps_both() {
        let base = side(vec![ann("a", "X", 0)]);
        let ours = side(vec![ann("a", "Ours", 0)]);
        let theirs = side(vec![ann("a", "Theirs", 0)]);
        let m = merge(&base, &ours, &theirs);
        assert_eq!(ids(&m), vec!["a", "a~1"]);
        assert_eq!(m.conflicts.len(), 1);
        assert_eq!(m.conflicts[0].kept_as.as_deref(), Some("a~1"));
        assert_eq!(
            unsettled(&m.sidecar),
            vec![("a".to_string(), "a~1".to_string())]
        );
        let mut settled = m.sidecar.clone();
        settled.annotations.retain(|a| a.id != "a");
        assert!(unsettled(&settled).is_empty());
    }

    #[test]
    fn duplicate_ids_on_either_side_are_not_dropped() {
        // A hand edit left two annotations with id `a` in theirs.
        let base = side(vec![ann("a", "X", 0)]);
        let ours = side(vec![ann("a", "X", 0), ann("b", "Y", 1)]);
        let theirs = side(vec![ann("a", "X", 0), ann("a", "Copy", 2)]);
        let m = merge(&base, &ours, &theirs);
        assert_eq!(ids(&m), vec!["a", "b", "a-dup2"]);
        assert!(m.conflicts.is_empty());
        // A session that renamed the copy on load merges cleanly with the file.
        let mut renamed = theirs.clone();
        renamed.separate_duplicate_ids();
        let m = merge(&theirs, &renamed, &theirs);
        assert_eq!(ids(&m), vec!["a", "a-dup2"]);
        assert!(m.conflicts.is_empty());
    }

    /// Annotations from a small pool of ids, so that duplicates are common.
    fn annotations() -> impl proptest::strategy::Strategy<Value = Vec<Annotation>> {
        use proptest::prelude::*;
        proptest::collection::vec((0..4usize, 0..3usize, 0..3usize), 0..8).prop_map(|v| {
            v.into_iter()
                .map(|(id, by, para)| ann(&format!("i{id}"), &format!("A{by}"), para))
                .collect()
        })
    }

    /// What an annotation says, without its id.
    fn contents(s: &Sidecar) -> Vec<(String, usize)> {
        let mut v: Vec<(String, usize)> = s
            .annotations
            .iter()
            .map(|a| (a.tag.summary(), a.anchor.paragraph))
            .collect();
        v.sort();
        v
    }

    proptest::proptest! {
        /// However many annotations share an id on any side, a merge keeps
        /// every one the other side added and gives each its own id.
        #[test]
        fn merges_drop_no_annotation_whatever_the_duplicate_ids(
            base in annotations(),
            added_here in annotations(),
            added_there in annotations(),
        ) {
            let base = side(base);
            let mut ours = base.clone();
            ours.annotations.extend(added_here.iter().map(|a| ann(&format!("o{}", a.id), "Ours", a.anchor.paragraph - 1)));
            let mut theirs = base.clone();
            theirs.annotations.extend(added_there);
            let m = merge(&base, &ours, &theirs);
            proptest::prop_assert!(!m.sidecar.has_duplicate_ids());
            let mut expected = contents(&theirs);
            expected.extend(contents(&ours).into_iter().filter(|(t, _)| t.contains("Ours")));
            expected.sort();
            proptest::prop_assert_eq!(contents(&m.sidecar), expected);
            // Nothing changed here: the result says what theirs says.
            let m = merge(&base, &base, &theirs);
            proptest::prop_assert_eq!(contents(&m.sidecar), contents(&theirs));
        }
    }

    #[test]
    fn edit_versus_delete_keeps_the_edit() {
        let base = side(vec![ann("a", "X", 0)]);
        let ours = side(vec![]);
        let theirs = side(vec![ann("a", "Edited", 0)]);
        let m = merge(&base, &ours, &theirs);
        assert_eq!(ids(&m), vec!["a"]);
        assert_eq!(m.conflicts.len(), 1);
    }
}
