//! Three-way merge of project files: actors by name, issues by name,
//! documents by path, boilerplate marks by document and hash.
//!
//! Used when `gloss.ron` changed on disk under a session and by the git merge
//! driver. Additions and deletions from either side are taken; a field changed
//! on one side takes that change; a field changed differently on both sides
//! keeps ours and reports theirs (nothing is lost silently: the merge driver
//! writes their value into a `// CONFLICT` comment). Lists of names (aliases,
//! rules, marks) merge as sets: what either side added is kept, what either
//! side removed is gone.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    ActorEntry, Boilerplate, DocumentEntry, DocumentMeta, IssueEntry, META_FIELDS, Project,
};

/// Which part of the file a conflict is in (to place its comment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Actors,
    Issues,
    Documents,
}

/// One value both sides changed differently (ours was kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub section: Section,
    /// The actor or issue name, or the document path.
    pub key: String,
    /// What happened, with their value: one line.
    pub what: String,
}

impl Conflict {
    /// `actor "Nam Il": …` — the conflict in user terms.
    pub fn describe(&self) -> String {
        let kind = match self.section {
            Section::Actors => "actor",
            Section::Issues => "issue",
            Section::Documents => "document",
        };
        format!("{kind} {:?}: {}", self.key, self.what)
    }
}

/// What a merge produced.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub project: Project,
    pub conflicts: Vec<Conflict>,
}

/// Merge `ours` and `theirs`, both descended from `base`.
pub fn merge(base: &Project, ours: &Project, theirs: &Project) -> Merged {
    let mut conflicts = Vec::new();
    let by_name = |list: &[ActorEntry]| -> BTreeMap<String, ActorEntry> {
        list.iter().map(|a| (a.name.clone(), a.clone())).collect()
    };
    let actors = merge_keyed(
        &by_name(&base.actors),
        &by_name(&ours.actors),
        &by_name(&theirs.actors),
        Section::Actors,
        &mut conflicts,
        merge_actor,
    );
    let by_issue = |list: &[IssueEntry]| -> BTreeMap<String, IssueEntry> {
        list.iter().map(|i| (i.name.clone(), i.clone())).collect()
    };
    let issues = merge_keyed(
        &by_issue(&base.issues),
        &by_issue(&ours.issues),
        &by_issue(&theirs.issues),
        Section::Issues,
        &mut conflicts,
        merge_issue,
    );
    let documents = merge_keyed(
        &base.documents,
        &ours.documents,
        &theirs.documents,
        Section::Documents,
        &mut conflicts,
        merge_document,
    );
    let boilerplate = merge_boilerplate(&base.boilerplate, &ours.boilerplate, &theirs.boilerplate);
    let mut project = Project {
        version: ours.version.max(theirs.version),
        actors: actors.into_values().collect(),
        issues: issues.into_values().collect(),
        documents,
        boilerplate,
    };
    project.normalise();
    Merged { project, conflicts }
}

/// Where both sides changed one entry: merge it field by field, reporting
/// fields changed differently on both sides as `(field, their value)`.
type MergeBoth<V> = fn(Option<&V>, &V, &V, &mut Vec<String>) -> V;

fn merge_keyed<V: Clone + PartialEq>(
    base: &BTreeMap<String, V>,
    ours: &BTreeMap<String, V>,
    theirs: &BTreeMap<String, V>,
    section: Section,
    conflicts: &mut Vec<Conflict>,
    both: MergeBoth<V>,
) -> BTreeMap<String, V> {
    let keys: BTreeSet<&String> = ours.keys().chain(theirs.keys()).collect();
    let mut out = BTreeMap::new();
    let mut conflict = |key: &str, what: String| {
        conflicts.push(Conflict {
            section,
            key: key.to_string(),
            what,
        })
    };
    for key in keys {
        let (b, o, t) = (base.get(key), ours.get(key), theirs.get(key));
        let merged = match (o, t) {
            (Some(o), Some(t)) if o == t => Some(o.clone()),
            (Some(o), Some(t)) if b == Some(o) => Some(t.clone()),
            (Some(o), Some(t)) if b == Some(t) => Some(o.clone()),
            (Some(o), Some(t)) => {
                let mut notes = Vec::new();
                let v = both(b, o, t, &mut notes);
                for note in notes {
                    conflict(key, note);
                }
                Some(v)
            }
            (Some(o), None) => match b {
                Some(b) if b == o => None,
                Some(_) => {
                    conflict(key, "changed here, deleted there (kept)".into());
                    Some(o.clone())
                }
                None => Some(o.clone()),
            },
            (None, Some(t)) => match b {
                Some(b) if b == t => None,
                Some(_) => {
                    conflict(key, "deleted here, changed there (kept)".into());
                    Some(t.clone())
                }
                None => Some(t.clone()),
            },
            (None, None) => None,
        };
        if let Some(v) = merged {
            out.insert(key.clone(), v);
        }
    }
    out
}

/// One value: the side that changed it wins; both changed it differently →
/// ours, and their value is noted.
fn pick<T: Clone + PartialEq + std::fmt::Debug>(
    field: &str,
    base: Option<&T>,
    ours: &T,
    theirs: &T,
    notes: &mut Vec<String>,
) -> T {
    if ours == theirs || base == Some(theirs) {
        ours.clone()
    } else if base == Some(ours) {
        theirs.clone()
    } else {
        notes.push(format!(
            "{field} changed on both sides (ours kept; theirs was {})",
            shown(theirs)
        ));
        ours.clone()
    }
}

/// A value as the conflict note shows it: `Some("x")` as `"x"`, `None` as `none`.
fn shown<T: std::fmt::Debug>(v: &T) -> String {
    let text = format!("{v:?}");
    match text.strip_prefix("Some(").and_then(|t| t.strip_suffix(')')) {
        Some(inner) => inner.to_string(),
        None if text == "None" => "none".into(),
        None => text,
    }
}

/// A set kept as a list: what either side added is kept (ours first, in
/// order), what either side removed from the base is gone.
pub fn merge_list<T: Clone + Ord>(base: &[T], ours: &[T], theirs: &[T]) -> Vec<T> {
    let base: BTreeSet<&T> = base.iter().collect();
    let (o, t): (BTreeSet<&T>, BTreeSet<&T>) = (ours.iter().collect(), theirs.iter().collect());
    let removed = |x: &T| base.contains(x) && (!o.contains(x) || !t.contains(x));
    let mut seen = BTreeSet::new();
    ours.iter()
        .chain(theirs)
        .filter(|x| !removed(x) && seen.insert(*x))
        .cloned()
        .collect()
}

fn merge_map(
    field: &str,
    base: Option<&BTreeMap<String, String>>,
    ours: &BTreeMap<String, String>,
    theirs: &BTreeMap<String, String>,
    notes: &mut Vec<String>,
) -> BTreeMap<String, String> {
    let keys: BTreeSet<&String> = ours.keys().chain(theirs.keys()).collect();
    let mut out = BTreeMap::new();
    for key in keys {
        let b = base.map(|m| m.get(key).cloned());
        let v = pick(
            &format!("{field} {key:?}"),
            b.as_ref(),
            &ours.get(key).cloned(),
            &theirs.get(key).cloned(),
            notes,
        );
        if let Some(v) = v {
            out.insert(key.clone(), v);
        }
    }
    out
}

fn merge_actor(
    base: Option<&ActorEntry>,
    ours: &ActorEntry,
    theirs: &ActorEntry,
    notes: &mut Vec<String>,
) -> ActorEntry {
    ActorEntry {
        name: ours.name.clone(),
        aliases: merge_list(
            base.map_or(&[][..], |b| &b.aliases),
            &ours.aliases,
            &theirs.aliases,
        ),
        description: pick(
            "description",
            base.map(|b| &b.description),
            &ours.description,
            &theirs.description,
            notes,
        ),
        attributes: merge_map(
            "attribute",
            base.map(|b| &b.attributes),
            &ours.attributes,
            &theirs.attributes,
            notes,
        ),
    }
}

fn merge_issue(
    base: Option<&IssueEntry>,
    ours: &IssueEntry,
    theirs: &IssueEntry,
    notes: &mut Vec<String>,
) -> IssueEntry {
    IssueEntry {
        name: ours.name.clone(),
        aliases: merge_list(
            base.map_or(&[][..], |b| &b.aliases),
            &ours.aliases,
            &theirs.aliases,
        ),
        definition: pick(
            "definition",
            base.map(|b| &b.definition),
            &ours.definition,
            &theirs.definition,
            notes,
        ),
        group: pick(
            "group",
            base.map(|b| &b.group),
            &ours.group,
            &theirs.group,
            notes,
        ),
    }
}

fn merge_document(
    base: Option<&DocumentEntry>,
    ours: &DocumentEntry,
    theirs: &DocumentEntry,
    notes: &mut Vec<String>,
) -> DocumentEntry {
    let mut meta = DocumentMeta::default();
    for field in META_FIELDS {
        let b = base.map(|b| b.meta.get(field));
        let v = pick(
            field,
            b.as_ref(),
            &ours.meta.get(field),
            &theirs.meta.get(field),
            notes,
        );
        // Both sides' values were validated when their files were parsed.
        let _ = meta.set(field, v);
    }
    meta.fields = merge_map(
        "field",
        base.map(|b| &b.meta.fields),
        &ours.meta.fields,
        &theirs.meta.fields,
        notes,
    );
    DocumentEntry {
        meta,
        status: pick(
            "status",
            base.map(|b| &b.status),
            &ours.status,
            &theirs.status,
            notes,
        ),
    }
}

fn merge_marks(
    base: &BTreeMap<String, BTreeSet<String>>,
    ours: &BTreeMap<String, BTreeSet<String>>,
    theirs: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeMap<String, BTreeSet<String>> {
    let empty = BTreeSet::new();
    let keys: BTreeSet<&String> = ours.keys().chain(theirs.keys()).collect();
    let list = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>();
    keys.into_iter()
        .map(|k| {
            let merged = merge_list(
                &list(base.get(k).unwrap_or(&empty)),
                &list(ours.get(k).unwrap_or(&empty)),
                &list(theirs.get(k).unwrap_or(&empty)),
            );
            (k.clone(), merged.into_iter().collect::<BTreeSet<_>>())
        })
        .filter(|(_, s)| !s.is_empty())
        .collect()
}

fn merge_boilerplate(base: &Boilerplate, ours: &Boilerplate, theirs: &Boilerplate) -> Boilerplate {
    Boilerplate {
        rules: merge_list(&base.rules, &ours.rules, &theirs.rules),
        marked: merge_marks(&base.marked, &ours.marked, &theirs.marked),
        kept: merge_marks(&base.kept, &ours.kept, &theirs.kept),
    }
}

/// Put a `// CONFLICT` comment line before each conflicting entry's first
/// line (the actor's or issue's `name:` line, the document's key line).
/// Comments keep the file valid RON.
pub fn mark_conflicts(text: &str, conflicts: &[Conflict]) -> String {
    if conflicts.is_empty() {
        return text.to_string();
    }
    let lines: Vec<&str> = text.lines().collect();
    let section_start = |header: &str| {
        lines
            .iter()
            .position(|l| l.trim_start().starts_with(header))
            .unwrap_or(0)
    };
    let mut before: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for c in conflicts {
        let quoted = ron::to_string(&c.key).unwrap_or_else(|_| format!("{:?}", c.key));
        let (start, needle) = match c.section {
            Section::Actors => (section_start("actors:"), format!("name: {quoted},")),
            Section::Issues => (section_start("issues:"), format!("name: {quoted},")),
            Section::Documents => (section_start("documents:"), format!("{quoted}: (")),
        };
        let at = lines
            .iter()
            .enumerate()
            .skip(start)
            .find(|(_, l)| l.trim_start() == needle)
            .map_or(0, |(i, _)| i);
        let note: String = format!("CONFLICT (gloss merge): {}", c.describe())
            .chars()
            .filter(|ch| !ch.is_control())
            .collect();
        before.entry(at).or_default().push(note);
    }
    let mut out = String::with_capacity(text.len() + 120 * conflicts.len());
    for (i, line) in lines.iter().enumerate() {
        if let Some(notes) = before.get(&i) {
            let indent = &line[..line.len() - line.trim_start().len()];
            for note in notes {
                out.push_str(&format!("{indent}// {note}\n"));
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::project::{BoilerplateRule, Status};
    use std::path::Path;

    fn base() -> Project {
        let mut p = Project::new();
        let mut pak = ActorEntry::new("Pak Chang-ok");
        pak.aliases = vec!["Pak Chang Ok".into()];
        p.actors = vec![pak, ActorEntry::new("Nam Il"), ActorEntry::new("Gone")];
        p.issues = vec![IssueEntry::new("aid")];
        p.document_mut("a.txt").meta.title = Some("A".into());
        p.normalise();
        p
    }

    #[test]
    fn edits_to_different_entries_and_fields_all_survive() {
        let b = base();
        let mut o = b.clone();
        o.actor_mut("Pak Chang-ok")
            .unwrap()
            .aliases
            .push("Pak".into());
        o.actor_mut("Nam Il").unwrap().description = Some("Foreign minister".into());
        o.document_mut("a.txt").status = Some(Status::Done);
        o.boilerplate
            .rules
            .push(BoilerplateRule::Text("record id".into()));
        let mut t = b.clone();
        t.actor_mut("Pak Chang-ok")
            .unwrap()
            .aliases
            .push("박창옥".into());
        t.actors.retain(|a| a.name != "Gone");
        t.issues.push(IssueEntry::new("cult"));
        t.document_mut("a.txt").meta.date = Some("1956-07-24".parse().unwrap());
        t.document_mut("b.txt").meta.title = Some("B".into());
        let m = merge(&b, &o, &t);
        assert!(m.conflicts.is_empty(), "{:?}", m.conflicts);
        let p = m.project;
        assert_eq!(
            p.actor("Pak Chang-ok").unwrap().aliases,
            vec!["Pak Chang Ok", "Pak", "박창옥"]
        );
        assert_eq!(
            p.actor("Nam Il").unwrap().description.as_deref(),
            Some("Foreign minister")
        );
        assert!(p.actor("Gone").is_none());
        assert_eq!(p.issue_names(), vec!["aid", "cult"]);
        let a = &p.documents["a.txt"];
        assert_eq!(
            (a.meta.title.as_deref(), a.status),
            (Some("A"), Some(Status::Done))
        );
        assert_eq!(a.meta.date.as_ref().unwrap().as_str(), "1956-07-24");
        assert_eq!(p.documents["b.txt"].meta.title.as_deref(), Some("B"));
        assert_eq!(p.boilerplate.rules.len(), 1);
    }

    #[test]
    fn an_alias_removed_on_one_side_stays_removed() {
        let b = base();
        let mut o = b.clone();
        o.actor_mut("Pak Chang-ok").unwrap().aliases.clear();
        let t = b.clone();
        let m = merge(&b, &o, &t);
        assert!(m.project.actor("Pak Chang-ok").unwrap().aliases.is_empty());
    }

    #[test]
    fn both_sides_changing_a_field_keeps_ours_and_reports_theirs() {
        let b = base();
        let mut o = b.clone();
        o.document_mut("a.txt").meta.title = Some("Ours".into());
        let mut t = b.clone();
        t.document_mut("a.txt").meta.title = Some("Theirs".into());
        t.actors.retain(|a| a.name != "Nam Il");
        o.actor_mut("Nam Il").unwrap().description = Some("kept".into());
        let m = merge(&b, &o, &t);
        assert_eq!(
            m.project.documents["a.txt"].meta.title.as_deref(),
            Some("Ours")
        );
        assert!(m.project.actor("Nam Il").is_some());
        let described: Vec<String> = m.conflicts.iter().map(|c| c.describe()).collect();
        assert_eq!(
            described,
            vec![
                "actor \"Nam Il\": changed here, deleted there (kept)".to_string(),
                "document \"a.txt\": title changed on both sides (ours kept; theirs was \"Theirs\")"
                    .to_string(),
            ]
        );
        let text = mark_conflicts(&m.project.to_ron().unwrap(), &m.conflicts);
        assert_eq!(text.matches("// CONFLICT").count(), 2, "{text}");
        let back = Project::parse(&text, Path::new("gloss.ron")).unwrap();
        assert_eq!(back, m.project);
        let lines: Vec<&str> = text.lines().collect();
        let at = lines.iter().position(|l| l.contains("theirs was")).unwrap();
        assert_eq!(lines[at + 1].trim(), "\"a.txt\": (");
    }
}
