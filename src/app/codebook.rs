//! The project file in a session: the codebook view, the metadata panel and
//! boilerplate marks. Every change is one undoable step on the session's undo
//! stack (a snapshot of the codebook before and after, plus any tag rewrites)
//! and is saved like any edit: the project file when there is one, the
//! sidecar's own registry always (names and aliases).
//!
//! Resolution of names here goes through [`Project`]'s codebook and the
//! sidecar's [`crate::annotation::ActorRegistry`] only, in [`App::codebook_book`]
//! (one place to switch to a combined resolver).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::input::TextInput;
use super::{App, Edit, Effect, Mode};
use crate::annotation::{Actor, Tag};
use crate::project::boilerplate::{SharedParagraphs, boilerplate_paragraphs, furniture};
use crate::project::codebook::{Change, NameKind, rename_in_tag};
use crate::project::{DocumentMeta, META_FIELDS, Project};

/// The project file a session works with (found above the document, or to be
/// created in its folder by the first change that needs one).
pub struct ProjectSession {
    /// Path of `gloss.ron`.
    pub file: PathBuf,
    /// The document's key in the project (path relative to its folder).
    pub key: String,
    pub project: Project,
    /// The file exists on disk (else the next save creates it).
    pub exists: bool,
    /// Paragraphs (0-based) that are boilerplate.
    pub boilerplate: BTreeSet<usize>,
    /// The last error reading the file on disk (said once, not every refresh).
    refresh_error: Option<String>,
    /// Why the last save failed: this session holds changes the file lacks
    /// (retried at every refresh; quitting asks twice).
    pub unsaved: Option<String>,
    /// How many paragraphs `boilerplate` was worked out over (a large
    /// document is indexed in the background: worked out again when complete).
    counted_over: usize,
    /// The file's store, opened when the session starts (its merge base) or
    /// by the first save of a new file.
    pub store: Option<crate::project::store::ProjectStore>,
    shared: SharedParagraphs,
    /// Tags of every other sidecar below the project's folder, by spelling.
    others: ProjectCounts,
    /// Shared paragraphs and tag counts of the project, counted on a thread.
    pending: Option<Receiver<(SharedParagraphs, ProjectCounts)>>,
}

/// How many tags of the project's sidecars name each spelling (folded), read
/// once when the session opens; the session's own sidecar is left out (its
/// live tags are counted instead).
#[derive(Debug, Clone, Default)]
pub struct ProjectCounts {
    actors: std::collections::HashMap<String, usize>,
    issues: std::collections::HashMap<String, usize>,
}

impl ProjectCounts {
    fn add(&mut self, tag: &Tag) {
        let mut seen = BTreeSet::new();
        for name in tag.actors() {
            let f = fold(name);
            if seen.insert(f.clone()) {
                *self.actors.entry(f).or_default() += 1;
            }
        }
        if let Tag::Position { issue, .. } = tag {
            *self.issues.entry(fold(issue)).or_default() += 1;
        }
    }

    /// Count every sidecar below `root` except `own`.
    fn scan(root: &std::path::Path, own: &std::path::Path) -> ProjectCounts {
        let mut counts = ProjectCounts::default();
        let own = std::fs::canonicalize(own).ok();
        let mut seen = BTreeSet::new();
        let mut folders = vec![root.to_path_buf()];
        while let Some(dir) = folders.pop() {
            let Ok(real) = std::fs::canonicalize(&dir) else {
                continue;
            };
            if !seen.insert(real) {
                continue;
            }
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') {
                    continue;
                }
                let path = entry.path();
                if path.is_dir() {
                    folders.push(path);
                } else if name.ends_with(crate::sidecar::SUFFIX)
                    && std::fs::canonicalize(&path).ok() != own
                    && let Ok(sidecar) = crate::sidecar::Sidecar::load(&path)
                {
                    for a in &sidecar.annotations {
                        counts.add(&a.tag);
                    }
                }
            }
        }
        counts
    }
}

impl ProjectSession {
    /// A session on `project` stored at `file`; counting the paragraphs the
    /// project's documents share starts on a background thread.
    /// `own` is this session's sidecar (its tags are counted live).
    pub fn new(
        file: PathBuf,
        key: String,
        project: Project,
        exists: bool,
        own: PathBuf,
    ) -> ProjectSession {
        let root = crate::project::root_of(&file);
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let shared = SharedParagraphs::scan(&root);
            let counts = ProjectCounts::scan(&root, &own);
            let _ = tx.send((shared, counts));
        });
        ProjectSession {
            file,
            key,
            project,
            exists,
            boilerplate: BTreeSet::new(),
            counted_over: 0,
            refresh_error: None,
            unsaved: None,
            store: None,
            shared: SharedParagraphs::default(),
            others: ProjectCounts::default(),
            pending: Some(rx),
        }
    }

    /// Write the project file (created when new), merging changes others
    /// made since it was read. Returns what to tell the user, or an error.
    pub fn save(&mut self) -> Result<Option<String>, String> {
        use crate::project::store::{ProjectStore, Saved};
        let store = match &mut self.store {
            Some(s) => s,
            None => {
                let (s, _) = ProjectStore::open(&self.file).map_err(|e| e.to_string())?;
                self.store.insert(s)
            }
        };
        let saved = store.save(&self.project).map_err(|e| e.to_string())?;
        let mut said = None;
        if let Saved::Merged(m) = saved {
            self.project = m.project;
            said = Some(format!(
                "gloss.ron merged with changes on disk{}",
                if m.conflicts.is_empty() {
                    String::new()
                } else {
                    format!("; {} conflict(s) kept ours", m.conflicts.len())
                }
            ));
        }
        if !self.exists {
            self.exists = true;
            said = Some(format!("Created the project file {}", self.file.display()));
        }
        Ok(said)
    }

    /// Fold changes others saved to the project file into this session
    /// (nothing is written). Returns whether the project changed.
    pub fn refresh(&mut self) -> Result<bool, String> {
        let Some(store) = self.store.as_mut().filter(|_| self.exists) else {
            return Ok(false);
        };
        match store.refresh(&self.project).map_err(|e| e.to_string())? {
            Some(merged) if merged.project != self.project => {
                self.project = merged.project;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// The stored metadata of this document.
    pub fn stored_meta(&self) -> DocumentMeta {
        self.project
            .document(&self.key)
            .map(|d| d.meta.clone())
            .unwrap_or_default()
    }
}

/// The codebook and registry as they were before or after a step.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CodebookSnapshot {
    project: Option<Project>,
    actors: Vec<Actor>,
    issues: Vec<String>,
}

/// Which list the codebook view shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodebookTab {
    Actors,
    Issues,
}

/// What a codebook prompt will do with the text typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodebookAction {
    AddAlias,
    RemoveAlias,
    Rename,
    MergeInto,
    Describe,
    Group,
}

impl CodebookAction {
    pub fn label(self, tab: CodebookTab) -> &'static str {
        match (self, tab) {
            (CodebookAction::AddAlias, _) => "Add alias",
            (CodebookAction::RemoveAlias, _) => "Remove alias",
            (CodebookAction::Rename, _) => "Rename to",
            (CodebookAction::MergeInto, _) => "Merge into",
            (CodebookAction::Describe, CodebookTab::Actors) => "Description",
            (CodebookAction::Describe, CodebookTab::Issues) => "Definition",
            (CodebookAction::Group, _) => "Group",
        }
    }
}

/// One row of the codebook view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodebookRow {
    pub name: String,
    /// Aliases (actors) or the group (issues).
    pub detail: Vec<String>,
    /// Description (actors) or definition (issues).
    pub text: Option<String>,
    /// Free attributes (actors).
    pub attributes: Vec<(String, String)>,
    /// Tags of this annotator in this document that use the name.
    pub here: usize,
    /// Tags of every annotator in every document of the project that use
    /// it (`None` without a project file, or while still counting).
    pub project: Option<usize>,
}

/// The open codebook view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodebookView {
    pub tab: CodebookTab,
    pub selected: usize,
    pub prompt: Option<(CodebookAction, TextInput)>,
    pub actors: Vec<CodebookRow>,
    pub issues: Vec<CodebookRow>,
}

impl CodebookView {
    pub fn rows(&self) -> &[CodebookRow] {
        match self.tab {
            CodebookTab::Actors => &self.actors,
            CodebookTab::Issues => &self.issues,
        }
    }

    pub fn current(&self) -> Option<&CodebookRow> {
        self.rows().get(self.selected)
    }
}

/// The open metadata panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetadataView {
    pub selected: usize,
    pub input: Option<TextInput>,
    /// The input names a new free field (`name: value`).
    pub adding: bool,
    /// What the text says about itself.
    pub detected: DocumentMeta,
}

/// Where a shown metadata value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaSource {
    Stored,
    Detected,
    Missing,
}

impl MetadataView {
    /// The fields shown: the standard ones, then free fields stored or detected.
    pub fn fields(&self, stored: &DocumentMeta) -> Vec<String> {
        let mut out: Vec<String> = META_FIELDS.iter().map(|f| f.to_string()).collect();
        let free: BTreeSet<&String> = stored
            .fields
            .keys()
            .chain(self.detected.fields.keys())
            .collect();
        out.extend(free.into_iter().cloned());
        out
    }

    /// A field's value and where it comes from (stored over detected).
    pub fn value(&self, stored: &DocumentMeta, field: &str) -> (Option<String>, MetaSource) {
        if let Some(v) = stored.get(field) {
            return (Some(v), MetaSource::Stored);
        }
        match self.detected.get(field) {
            Some(v) => (Some(v), MetaSource::Detected),
            None => (None, MetaSource::Missing),
        }
    }
}

/// [`Project::learn`] for only the names and aliases the project lacks: a
/// large codebook is then not rebuilt for every name the sidecar already
/// shares with it.
fn learn_missing(project: &mut Project, actors: &[Actor], issues: &[String]) {
    let mut known: BTreeSet<String> = BTreeSet::new();
    for a in &project.actors {
        known.insert(fold(&a.name));
        known.extend(a.aliases.iter().map(|x| fold(x)));
    }
    let missing: Vec<Actor> = actors
        .iter()
        .filter(|a| {
            std::iter::once(&a.name)
                .chain(&a.aliases)
                .any(|s| !known.contains(&fold(s)))
        })
        .cloned()
        .collect();
    let issue_names: BTreeSet<String> = project.issues.iter().map(|i| fold(&i.name)).collect();
    let new_issues: Vec<String> = issues
        .iter()
        .filter(|i| !issue_names.contains(&fold(i)))
        .cloned()
        .collect();
    if !missing.is_empty() || !new_issues.is_empty() {
        project.learn(&missing, &new_issues);
    }
}

/// One registry from several (this sidecar's, colleagues', the project's):
/// entries with the same name are one actor with all their aliases. The
/// session's one place for uniting registries, until a combined resolver
/// replaces it.
pub fn united(actors: Vec<Actor>) -> crate::annotation::ActorRegistry {
    let mut by_name: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for a in actors {
        let aliases = by_name.entry(a.name).or_default();
        for alias in a.aliases {
            if !aliases.contains(&alias) {
                aliases.push(alias);
            }
        }
    }
    crate::annotation::ActorRegistry::new(
        by_name
            .into_iter()
            .map(|(name, aliases)| Actor { name, aliases })
            .collect(),
    )
}

fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl App {
    pub(crate) fn codebook_snapshot(&self) -> CodebookSnapshot {
        CodebookSnapshot {
            project: self.project.as_ref().map(|p| p.project.clone()),
            actors: self.sidecar.actors.clone(),
            issues: self.sidecar.issues.clone(),
        }
    }

    /// Undo or redo a step that went `from` → `to`: the sidecar's registry
    /// is put back as it was; the project gets the step's change reversed
    /// (or redone) by a three-way merge onto its current state, so changes
    /// merged in from others since then are kept. The project is saved again
    /// if it changed.
    pub(crate) fn restore_codebook(&mut self, from: &CodebookSnapshot, to: &CodebookSnapshot) {
        self.sidecar.actors = to.actors.clone();
        self.sidecar.issues = to.issues.clone();
        if let (Some(session), Some(base), Some(target)) =
            (&mut self.project, &from.project, &to.project)
        {
            let mut merged = crate::project::merge::merge(base, &session.project, target).project;
            merged.normalise();
            if merged != session.project {
                session.project = merged;
                self.effects.push(Effect::SaveProject);
            }
        }
        self.refresh_boilerplate();
    }

    /// After undo or redo, open views show the new state.
    pub(crate) fn refresh_project_views(&mut self) {
        if let Mode::Codebook(view) = &self.mode {
            let mut view = view.clone();
            self.fill_codebook(&mut view);
            self.mode = Mode::Codebook(view);
        }
    }

    /// The codebook the view shows and changes act on: the project's (with
    /// this sidecar's names it lacks), else this sidecar's registry.
    pub fn codebook_book(&self) -> Project {
        match &self.project {
            Some(session) => {
                let mut p = session.project.clone();
                learn_missing(&mut p, &self.sidecar.actors, &self.sidecar.issues);
                p
            }
            None => Project::from_registry(&self.sidecar.actors, &self.sidecar.issues),
        }
    }

    fn fill_codebook(&self, view: &mut CodebookView) {
        let book = self.codebook_book();
        // Each spelling → its actor's row, to count tags once per actor.
        let mut spelling: BTreeMap<String, usize> = BTreeMap::new();
        for (i, a) in book.actors.iter().enumerate() {
            for s in std::iter::once(&a.name).chain(&a.aliases) {
                spelling.entry(fold(s)).or_insert(i);
            }
        }
        let mut actor_counts = vec![0usize; book.actors.len()];
        let mut issue_counts: BTreeMap<String, usize> = BTreeMap::new();
        for a in &self.sidecar.annotations {
            let mut seen = BTreeSet::new();
            for name in a.tag.actors() {
                if let Some(&i) = spelling.get(&fold(name))
                    && seen.insert(i)
                {
                    actor_counts[i] += 1;
                }
            }
            if let Tag::Position { issue, .. } = &a.tag {
                *issue_counts.entry(fold(issue)).or_default() += 1;
            }
        }
        let others = self
            .project
            .as_ref()
            .filter(|p| p.pending.is_none())
            .map(|p| &p.others);
        let in_project = |spellings: &mut dyn Iterator<Item = &String>,
                          map: &std::collections::HashMap<String, usize>,
                          here: usize| {
            let mut keys: Vec<String> = spellings.map(|s| fold(s)).collect();
            keys.sort();
            keys.dedup();
            here + keys.iter().filter_map(|k| map.get(k)).sum::<usize>()
        };
        view.actors = book
            .actors
            .iter()
            .zip(actor_counts)
            .map(|(a, here)| CodebookRow {
                project: others.map(|o| {
                    in_project(
                        &mut std::iter::once(&a.name).chain(&a.aliases),
                        &o.actors,
                        here,
                    )
                }),
                name: a.name.clone(),
                detail: a.aliases.clone(),
                text: a.description.clone(),
                attributes: a
                    .attributes
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
                here,
            })
            .collect();
        view.issues = book
            .issues
            .iter()
            .map(|i| {
                let here = issue_counts.get(&fold(&i.name)).copied().unwrap_or(0);
                CodebookRow {
                    project: others
                        .map(|o| in_project(&mut std::iter::once(&i.name), &o.issues, here)),
                    name: i.name.clone(),
                    detail: i.group.iter().cloned().collect(),
                    text: i.definition.clone(),
                    attributes: Vec::new(),
                    here,
                }
            })
            .collect();
        view.selected = view.selected.min(view.rows().len().saturating_sub(1));
    }

    pub(crate) fn open_codebook(&mut self) {
        let mut view = CodebookView {
            tab: CodebookTab::Actors,
            selected: 0,
            prompt: None,
            actors: Vec::new(),
            issues: Vec::new(),
        };
        self.fill_codebook(&mut view);
        self.mode = Mode::Codebook(view);
    }

    /// Apply one codebook change as an undoable step: to the project file
    /// (when there is one) and to this sidecar's registry, rewriting this
    /// annotator's tags that use a renamed or merged name. Returns false
    /// (with a message) when the change is refused.
    pub fn change_codebook(&mut self, change: Change) -> bool {
        if !self.writable() {
            return false;
        }
        if let Some(refusal) = self.refuse_delete(&change) {
            self.warn(refusal);
            return false;
        }
        // Descriptions, definitions and groups have no place in a sidecar's
        // registry: they need a project file, created as for metadata.
        let needs_project = matches!(
            change,
            Change::DescribeActor { .. } | Change::DefineIssue { .. } | Change::GroupIssue { .. }
        );
        let created = needs_project && self.project.is_none();
        if created {
            self.ensure_project();
        }
        let before = self.codebook_snapshot();
        let mut local = Project::from_registry(&self.sidecar.actors, &self.sidecar.issues);
        let local_result = local.apply(&change);
        let mut project_changed = false;
        match &mut self.project {
            Some(session) => {
                let mut p = session.project.clone();
                learn_missing(&mut p, &self.sidecar.actors, &self.sidecar.issues);
                if let Err(e) = p.apply(&change) {
                    self.warn(e);
                    return false;
                }
                session.project = p;
                project_changed = true;
            }
            None => {
                if let Err(e) = local_result.clone() {
                    self.warn(e);
                    return false;
                }
            }
        }
        if local_result.is_ok() {
            let (actors, issues) = local.to_registry();
            self.sidecar.actors = actors;
            self.sidecar.issues = issues;
        }
        let edits = self.rewrite_tags(&change);
        let rewritten = edits.len();
        self.commit_codebook(edits, before);
        if project_changed {
            self.effects.push(Effect::SaveProject);
        }
        let mut text = change.describe();
        if rewritten > 0 {
            text.push_str(&format!(
                "; {rewritten} of your tag(s) now use the new name"
            ));
        }
        if created && let Some(session) = &self.project {
            text.push_str(&format!(
                "; created the project file {}",
                session.file.display()
            ));
        }
        self.say(format!(
            "{text} — undo with {}",
            self.keymap.label(crate::command::Command::Undo)
        ));
        self.refresh_project_views();
        true
    }

    /// A name still used is not deleted: by this annotator's tags here, or
    /// known to a colleague's sidecar of this document.
    fn refuse_delete(&self, change: &Change) -> Option<String> {
        let (name, actor) = match change {
            Change::DeleteActor { actor } => (actor, true),
            Change::DeleteIssue { issue } => (issue, false),
            _ => return None,
        };
        let book = self.codebook_book();
        let spellings: Vec<String> = if actor {
            let entry = book.actors.iter().find(|a| fold(&a.name) == fold(name))?;
            std::iter::once(&entry.name)
                .chain(&entry.aliases)
                .map(|s| fold(s))
                .collect()
        } else {
            vec![fold(name)]
        };
        let used = self.sidecar.annotations.iter().filter(|a| {
            if actor {
                a.tag.actors().iter().any(|x| spellings.contains(&fold(x)))
            } else {
                matches!(&a.tag, Tag::Position { issue, .. } if spellings.contains(&fold(issue)))
            }
        });
        let n = used.count();
        if n > 0 {
            return Some(format!(
                "{} is used by {n} of your tag(s) here: merge it into another name instead",
                name.trim()
            ));
        }
        let colleague = if actor {
            self.vocabulary.0.iter().any(|a| {
                std::iter::once(&a.name)
                    .chain(&a.aliases)
                    .any(|s| spellings.contains(&fold(s)))
            })
        } else {
            self.vocabulary
                .1
                .iter()
                .any(|i| spellings.contains(&fold(i)))
        };
        colleague.then(|| {
            format!(
                "{} is in a colleague's sidecar of this document: merge it into another name instead",
                name.trim()
            )
        })
    }

    fn rewrite_tags(&self, change: &Change) -> Vec<Edit> {
        let Some((kind, from, to)) = change.renames() else {
            return Vec::new();
        };
        // Merging by an alias rewrites the tags that use the actor's name.
        let book = self.codebook_book();
        let mut olds = vec![from.to_string()];
        if kind == NameKind::Actor
            && let Some(a) = book.actors.iter().find(|a| {
                std::iter::once(&a.name)
                    .chain(&a.aliases)
                    .any(|s| fold(s) == fold(from))
            })
        {
            olds.push(a.name.clone());
        }
        let to = match (kind, change) {
            // The target's main name, whatever spelling was typed.
            (NameKind::Actor, Change::MergeActors { .. }) => book
                .actors
                .iter()
                .find(|a| {
                    std::iter::once(&a.name)
                        .chain(&a.aliases)
                        .any(|s| fold(s) == fold(to))
                })
                .map(|a| a.name.clone())
                .unwrap_or_else(|| to.trim().to_string()),
            _ => to.trim().to_string(),
        };
        let now = (self.clock)();
        let mut edits = Vec::new();
        for a in &self.sidecar.annotations {
            let mut tag = a.tag.clone();
            for old in &olds {
                if let Some(t) = rename_in_tag(&tag, kind, old, &to) {
                    tag = t;
                }
            }
            if tag != a.tag {
                let mut after = a.clone();
                after.tag = tag;
                after.modified = now.clone();
                edits.push(Edit::Change {
                    before: Box::new(a.clone()),
                    after: Box::new(after),
                });
            }
        }
        edits
    }

    /// The project session, created (with a new `gloss.ron` in the
    /// document's folder, seeded with this sidecar's names) when there is none.
    fn ensure_project(&mut self) {
        if self.project.is_some() {
            return;
        }
        let path =
            std::path::absolute(self.doc.path()).unwrap_or_else(|_| self.doc.path().to_path_buf());
        let folder = path
            .parent()
            .map(|p| p.to_path_buf())
            .unwrap_or_else(|| PathBuf::from("."));
        let key = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut project = Project::new();
        project.learn(&self.sidecar.actors, &self.sidecar.issues);
        let file = folder.join(crate::project::FILE_NAME);
        let own = crate::sidecar::sidecar_path(self.doc.path(), self.annotator());
        self.project = Some(ProjectSession::new(file, key, project, false, own));
    }

    /// Change the project (metadata, boilerplate) as one undoable step.
    fn change_project(&mut self, what: String, change: impl FnOnce(&mut Project, &str)) {
        if !self.writable() {
            return;
        }
        let created = self.project.is_none();
        self.ensure_project();
        let before = self.codebook_snapshot();
        if let Some(session) = &mut self.project {
            let key = session.key.clone();
            change(&mut session.project, &key);
        }
        self.refresh_boilerplate();
        self.commit_codebook(Vec::new(), before);
        self.effects.push(Effect::SaveProject);
        let mut text = what;
        if created && let Some(session) = &self.project {
            text.push_str(&format!(
                " — created the project file {}",
                session.file.display()
            ));
        }
        self.say(text);
    }

    /// Mark or unmark the selected paragraph as boilerplate (by its hash).
    pub(crate) fn toggle_boilerplate(&mut self) {
        if self.doc.is_empty() {
            self.warn("The document has no paragraphs");
            return;
        }
        let index = self.selected;
        let hash = self.doc.paragraph_hash(index);
        let is = self.is_boilerplate(index);
        let what = if is {
            format!("¶{} is content again", index + 1)
        } else {
            format!("¶{} marked as boilerplate", index + 1)
        };
        self.change_project(what, |project, key| {
            let bp = &mut project.boilerplate;
            let marked = bp.marked.entry(key.to_string()).or_default();
            if is {
                // A hand mark is taken back; a detected one is overruled.
                if !marked.remove(&hash) {
                    bp.kept.entry(key.to_string()).or_default().insert(hash);
                }
            } else {
                marked.insert(hash.clone());
                if let Some(kept) = bp.kept.get_mut(key) {
                    kept.remove(&hash);
                }
            }
            project.normalise();
        });
    }

    /// Look for changes others saved to the project file (the event loop
    /// calls this now and then, as it refreshes the sidecar).
    pub fn refresh_project(&mut self) {
        let Some(session) = self.project.as_mut() else {
            return;
        };
        match session.refresh() {
            Ok(changed) => {
                session.refresh_error = None;
                if changed {
                    self.refresh_after_project_save();
                    self.say("gloss.ron changed on disk: merged into this session");
                }
            }
            Err(e) if session.refresh_error.as_ref() != Some(&e) => {
                session.refresh_error = Some(e.clone());
                self.warn(format!(
                    "Could not read the project file: {e} (left alone until fixed)"
                ));
            }
            Err(_) => {}
        }
    }

    /// After a save merged others' changes in: recount boilerplate, redraw views.
    pub fn refresh_after_project_save(&mut self) {
        self.refresh_boilerplate();
        self.refresh_project_views();
    }

    /// Is paragraph `index` (0-based) boilerplate? Without a project file,
    /// only what the extractor flagged as page furniture is.
    pub fn is_boilerplate(&self, index: usize) -> bool {
        match &self.project {
            Some(p) => p.boilerplate.contains(&index),
            None => self.doc.provenance(index).is_some_and(|p| p.boilerplate),
        }
    }

    /// Work out which paragraphs are boilerplate again.
    pub(crate) fn refresh_boilerplate(&mut self) {
        let Some(session) = &mut self.project else {
            return;
        };
        let doc = &self.doc;
        session.counted_over = doc.len();
        session.boilerplate = boilerplate_paragraphs(
            &session.project,
            &session.key,
            (0..doc.len()).map(|i| doc.paragraph_text(i)),
            &furniture(doc),
            &session.shared,
        );
    }

    /// Take the shared-paragraph count when the thread has it.
    pub(crate) fn poll_project(&mut self) {
        let Some(session) = &mut self.project else {
            return;
        };
        if self.doc.is_complete() && session.counted_over != self.doc.len() {
            self.refresh_boilerplate();
        }
        let Some(session) = &mut self.project else {
            return;
        };
        let arrived = session.pending.as_ref().and_then(|rx| rx.try_recv().ok());
        if let Some((shared, others)) = arrived {
            session.shared = shared;
            session.others = others;
            session.pending = None;
            self.refresh_boilerplate();
            self.refresh_project_views();
        } else if session
            .pending
            .as_ref()
            .is_some_and(|rx| matches!(rx.try_recv(), Err(mpsc::TryRecvError::Disconnected)))
        {
            session.pending = None;
        }
    }

    /// Is the background count of shared paragraphs still running?
    pub fn project_busy(&self) -> bool {
        self.project.as_ref().is_some_and(|p| p.pending.is_some())
    }

    pub(crate) fn open_metadata(&mut self) {
        // Detection reads the head of the text; a document still loading
        // shows what is known so far.
        let detected = crate::project::detect::detect_document(&self.doc);
        self.mode = Mode::Metadata(Box::new(MetadataView {
            selected: 0,
            input: None,
            adding: false,
            detected,
        }));
    }

    pub(crate) fn metadata_key(&mut self, event: KeyEvent) {
        let stored = self
            .project
            .as_ref()
            .map(ProjectSession::stored_meta)
            .unwrap_or_default();
        let Mode::Metadata(view) = &mut self.mode else {
            return;
        };
        let count = view.fields(&stored).len();
        if let Some(input) = &mut view.input {
            match event.code {
                KeyCode::Esc => {
                    view.input = None;
                    view.adding = false;
                }
                KeyCode::Enter if view.adding => {
                    let text = input.text.clone();
                    match text.split_once(':') {
                        Some((name, value)) if !name.trim().is_empty() => {
                            let name = name.trim().to_string();
                            view.input = None;
                            view.adding = false;
                            self.set_meta(&name, value.to_string());
                            self.select_meta_field(&name);
                        }
                        _ => self.warn("A new field is written as name: value"),
                    }
                }
                KeyCode::Enter => {
                    let text = input.text.clone();
                    let field = view.fields(&stored)[view.selected].clone();
                    view.input = None;
                    self.set_meta(&field, text);
                }
                _ => {
                    input.edit(&event);
                }
            }
            return;
        }
        match event.code {
            KeyCode::Char('j') | KeyCode::Down => view.selected = (view.selected + 1) % count,
            KeyCode::Char('k') | KeyCode::Up => view.selected = (view.selected + count - 1) % count,
            KeyCode::Enter | KeyCode::Char('e') => {
                let field = view.fields(&stored)[view.selected].clone();
                let (value, _) = view.value(&stored, &field);
                view.input = Some(TextInput::new(value.as_deref().unwrap_or("")));
            }
            KeyCode::Char('+') => {
                view.adding = true;
                view.input = Some(TextInput::default());
            }
            KeyCode::Char('x') | KeyCode::Delete => {
                let field = view.fields(&stored)[view.selected].clone();
                if stored.get(&field).is_some() {
                    self.set_meta(&field, String::new());
                } else {
                    self.warn(format!("{field}: nothing stored to clear"));
                }
            }
            KeyCode::Char('u') => self.run(crate::command::Command::Undo),
            KeyCode::Char('r') if event.modifiers.contains(KeyModifiers::CONTROL) => {
                self.run(crate::command::Command::Redo)
            }
            _ => self.mode = Mode::Normal,
        }
    }

    fn select_meta_field(&mut self, name: &str) {
        let stored = self
            .project
            .as_ref()
            .map(ProjectSession::stored_meta)
            .unwrap_or_default();
        if let Mode::Metadata(view) = &mut self.mode
            && let Some(i) = view.fields(&stored).iter().position(|f| f == name)
        {
            view.selected = i;
        }
    }

    /// Store a corrected value (empty: clear the stored one).
    fn set_meta(&mut self, field: &str, text: String) {
        let stored = self
            .project
            .as_ref()
            .map(ProjectSession::stored_meta)
            .unwrap_or_default();
        let mut meta = stored.clone();
        if let Err(e) = meta.set(field, Some(text.clone())) {
            self.warn(format!("{field}: {e}"));
            return;
        }
        if meta == stored {
            self.say(format!("{field} unchanged"));
            return;
        }
        let what = if text.trim().is_empty() {
            format!("{field}: stored value cleared")
        } else {
            format!("{field} stored")
        };
        self.change_project(what, |project, key| {
            project.document_mut(key).meta = meta;
            project.normalise();
        });
    }

    pub(crate) fn codebook_key(&mut self, event: KeyEvent) {
        let Mode::Codebook(view) = &mut self.mode else {
            return;
        };
        if let Some((action, input)) = &mut view.prompt {
            match event.code {
                KeyCode::Esc => view.prompt = None,
                KeyCode::Enter => {
                    let (action, text) = (*action, input.text.clone());
                    view.prompt = None;
                    let Some(row) = view.current().cloned() else {
                        return;
                    };
                    let change = codebook_change(view.tab, action, &row.name, &text);
                    self.change_codebook(change);
                }
                _ => {
                    input.edit(&event);
                }
            }
            return;
        }
        let count = view.rows().len();
        let tab = view.tab;
        let row = view.current().cloned();
        let prompt = |action: CodebookAction, text: &str| Some((action, TextInput::new(text)));
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        match event.code {
            KeyCode::Char('j') | KeyCode::Down if count > 0 => {
                view.selected = (view.selected + 1) % count
            }
            KeyCode::Char('k') | KeyCode::Up if count > 0 => {
                view.selected = (view.selected + count - 1) % count
            }
            KeyCode::Tab | KeyCode::BackTab => {
                view.tab = match tab {
                    CodebookTab::Actors => CodebookTab::Issues,
                    CodebookTab::Issues => CodebookTab::Actors,
                };
                view.selected = 0;
            }
            KeyCode::Char('u') => self.run(crate::command::Command::Undo),
            KeyCode::Char('r') if ctrl => self.run(crate::command::Command::Redo),
            KeyCode::Esc | KeyCode::Char('q') => self.mode = Mode::Normal,
            KeyCode::Char(c) => {
                let Some(row) = row else {
                    self.warn("The codebook is empty: tag something first");
                    return;
                };
                let actors = tab == CodebookTab::Actors;
                view.prompt = match c {
                    'a' if actors => prompt(CodebookAction::AddAlias, ""),
                    'x' if actors => prompt(
                        CodebookAction::RemoveAlias,
                        row.detail.last().map(String::as_str).unwrap_or(""),
                    ),
                    'r' => prompt(CodebookAction::Rename, &row.name),
                    'm' => prompt(CodebookAction::MergeInto, ""),
                    'e' => prompt(CodebookAction::Describe, row.text.as_deref().unwrap_or("")),
                    'g' if !actors => prompt(
                        CodebookAction::Group,
                        row.detail.first().map(String::as_str).unwrap_or(""),
                    ),
                    'D' => {
                        let change = if actors {
                            Change::DeleteActor { actor: row.name }
                        } else {
                            Change::DeleteIssue { issue: row.name }
                        };
                        self.change_codebook(change);
                        return;
                    }
                    _ => return,
                };
            }
            _ => {}
        }
    }

    /// Apply edits and codebook changes already made as one undoable step.
    fn commit_codebook(&mut self, edits: Vec<Edit>, before: CodebookSnapshot) {
        self.commit(edits);
        let after = self.codebook_snapshot();
        if let Some(step) = self.undo.last_mut() {
            step.codebook = Some(Box::new((before, after)));
        }
    }

    /// Record that `Name [Variant]` was typed: `variant` becomes an alias of
    /// `name` (in this sidecar's registry, and the project's when there is
    /// one). Returns what was done, for the status line.
    fn learn_variants(&mut self, variants: &[(String, String)]) -> Vec<String> {
        let mut said = Vec::new();
        for (name, variant) in variants {
            // Every registry of the document, the project's codebook among them.
            let names = self.actor_names();
            let known = names.knows(variant).then(|| names.resolve(variant));
            match known {
                Some(other) if fold(&other) == fold(name) => continue,
                Some(other) => {
                    said.push(format!(
                        "'{variant}' is already {other}: not made an alias (merge in the codebook)"
                    ));
                    continue;
                }
                None => {}
            }
            let change = Change::AddAlias {
                actor: name.clone(),
                alias: variant.clone(),
            };
            let mut local = Project::from_registry(&self.sidecar.actors, &self.sidecar.issues);
            if local.registry().find(name).is_none() {
                local.actors.push(crate::project::ActorEntry::new(name));
            }
            if local.apply(&change).is_ok() {
                let (actors, issues) = local.to_registry();
                self.sidecar.actors = actors;
                self.sidecar.issues = issues;
            }
            if let Some(session) = &mut self.project {
                let mut p = session.project.clone();
                if p.registry().find(name).is_none() {
                    p.actors.push(crate::project::ActorEntry::new(name));
                }
                if p.apply(&change).is_ok() {
                    session.project = p;
                    self.effects.push(Effect::SaveProject);
                }
            }
            said.push(format!("'{variant}' added as an alias of {name}"));
        }
        said
    }

    pub(crate) fn commit_with_variants(
        &mut self,
        edits: Vec<Edit>,
        variants: &[(String, String)],
    ) -> Vec<String> {
        if variants.is_empty() {
            self.commit(edits);
            return Vec::new();
        }
        let before = self.codebook_snapshot();
        let said = self.learn_variants(variants);
        self.commit_codebook(edits, before);
        said
    }
}

/// The change a prompt's text asks for on the row named `name`.
fn codebook_change(tab: CodebookTab, action: CodebookAction, name: &str, text: &str) -> Change {
    let name = name.to_string();
    let text = text.to_string();
    match (tab, action) {
        (_, CodebookAction::AddAlias) => Change::AddAlias {
            actor: name,
            alias: text,
        },
        (_, CodebookAction::RemoveAlias) => Change::RemoveAlias {
            actor: name,
            alias: text,
        },
        (CodebookTab::Actors, CodebookAction::Rename) => Change::RenameActor {
            from: name,
            to: text,
        },
        (CodebookTab::Actors, CodebookAction::MergeInto) => Change::MergeActors {
            from: name,
            into: text,
        },
        (CodebookTab::Actors, CodebookAction::Describe) => {
            Change::DescribeActor { actor: name, text }
        }
        (CodebookTab::Issues, CodebookAction::Rename) => Change::RenameIssue {
            from: name,
            to: text,
        },
        (CodebookTab::Issues, CodebookAction::MergeInto) => Change::MergeIssues {
            from: name,
            into: text,
        },
        (CodebookTab::Issues, CodebookAction::Describe) => {
            Change::DefineIssue { issue: name, text }
        }
        (_, CodebookAction::Group) => Change::GroupIssue {
            issue: name,
            group: text,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(name: &str, aliases: &[&str]) -> Actor {
        Actor {
            name: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        }
    }

    #[test]
    fn united_registries_keep_every_aliases_of_one_name() {
        let r = united(vec![
            actor("Pak Chang-ok", &["Pak Chang Ok"]),
            actor("Nam Il", &[]),
            actor("Pak Chang-ok", &["박창옥", "Pak Chang Ok"]),
        ]);
        assert_eq!(r.resolver().resolve("박창옥"), "Pak Chang-ok");
        assert_eq!(r.resolver().resolve("pak chang ok"), "Pak Chang-ok");
        assert_eq!(r.actors().len(), 2);
        assert_eq!(r.actors()[1].aliases, ["Pak Chang Ok", "박창옥"]);
    }

    #[test]
    fn learn_missing_adds_only_what_the_codebook_lacks() {
        let mut p = Project::from_registry(&[actor("Nam Il", &["Nam Ir"])], &["unity".into()]);
        let before = p.clone();
        learn_missing(&mut p, &[actor("nam ir", &[])], &["Unity".into()]);
        assert_eq!(p, before);
        learn_missing(&mut p, &[actor("Nam Il", &["남일"])], &["cult".into()]);
        assert_eq!(p.actor("Nam Il").unwrap().aliases, ["Nam Ir", "남일"]);
        assert_eq!(p.issue_names(), ["cult", "unity"]);
    }
}
