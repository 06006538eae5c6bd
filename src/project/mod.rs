//! The project file `gloss.ron`: a team's codebook, document metadata and
//! boilerplate, at the root of an archive folder.
//!
//! Found from any document below it by walking up, as git finds `.git`.
//! Written like sidecars: pretty RON in a stable order, versioned, atomic and
//! durable saves, never overwritten when it does not parse, concurrent edits
//! merged three-way (by actor name, issue name and document path). Without a
//! project file everything works as before.

pub mod boilerplate;
pub mod codebook;
pub mod date;
pub mod detect;
pub mod merge;
pub mod store;

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Component, Path, PathBuf};

use crate::annotation::{Actor, ActorRegistry};
use crate::sidecar::VersionedError;
pub use date::PartialDate;

/// The project file format version this build writes and reads.
pub const VERSION: u32 = 1;
/// The project file's name.
pub const FILE_NAME: &str = "gloss.ron";

/// The whole content of a project file (field order is the file's order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    pub version: u32,
    /// The codebook's actors, sorted by name.
    #[serde(default)]
    pub actors: Vec<ActorEntry>,
    /// The codebook's issues, sorted by name.
    #[serde(default)]
    pub issues: Vec<IssueEntry>,
    /// Per document, by path relative to the project root with `/` separators.
    #[serde(default)]
    pub documents: BTreeMap<String, DocumentEntry>,
    #[serde(default)]
    pub boilerplate: Boilerplate,
}

/// An actor of the codebook: the name tags store, the other spellings that
/// mean the same person or body, and what the team knows about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorEntry {
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Free attributes, e.g. `faction: "Soviet Korean"`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

impl ActorEntry {
    pub fn new(name: &str) -> ActorEntry {
        ActorEntry {
            name: name.trim().to_string(),
            aliases: Vec::new(),
            description: None,
            attributes: BTreeMap::new(),
        }
    }
}

/// An issue of the codebook: what positions are about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueEntry {
    pub name: String,
    /// Other names of the issue (an old name after a rename or merge), so
    /// positions in colleagues' sidecars still resolve.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub definition: Option<String>,
    /// A heading to group related issues under.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
}

impl IssueEntry {
    pub fn new(name: &str) -> IssueEntry {
        IssueEntry {
            name: name.trim().to_string(),
            aliases: Vec::new(),
            definition: None,
            group: None,
        }
    }
}

/// What the project records about one document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentEntry {
    /// Values given by a person or an importer; they override detected ones.
    #[serde(default, skip_serializing_if = "DocumentMeta::is_empty")]
    pub meta: DocumentMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Status>,
}

impl DocumentEntry {
    pub fn is_empty(&self) -> bool {
        self.meta.is_empty() && self.status.is_none()
    }
}

/// How far the team's work on a document has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Status {
    Todo,
    InProgress,
    Done,
}

impl Status {
    pub const ALL: [Status; 3] = [Status::Todo, Status::InProgress, Status::Done];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Todo => "todo",
            Status::InProgress => "in progress",
            Status::Done => "done",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let key: String = s
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .collect();
        Status::ALL
            .into_iter()
            .find(|st| st.as_str().replace(' ', "") == key)
            .ok_or_else(|| format!("status must be todo, in progress or done, not '{s}'"))
    }
}

/// A document's bibliographic metadata. Every value is optional; the date is
/// ISO 8601 and may be partial.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentMeta {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<PartialDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<String>,
    /// Where the original is kept, e.g. `RGANI, Fond 5, Opis 28, Delo 410, Listy 301-303`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translator: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub collection: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_id: Option<String>,
    /// Anything else worth citing or sorting by.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, String>,
    /// The team's note on the document as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memo: Option<String>,
}

/// The names of [`DocumentMeta`]'s single-valued text fields, in file order
/// (the date is one of them, as text).
pub const META_FIELDS: [&str; 11] = [
    "title",
    "date",
    "place",
    "author",
    "recipient",
    "citation",
    "translator",
    "collection",
    "url",
    "record_id",
    "memo",
];

impl DocumentMeta {
    pub fn is_empty(&self) -> bool {
        *self == DocumentMeta::default()
    }

    /// A field's value as text, by name ([`META_FIELDS`] or a free field).
    pub fn get(&self, field: &str) -> Option<String> {
        let s = |v: &Option<String>| v.clone();
        match field {
            "title" => s(&self.title),
            "date" => self.date.as_ref().map(|d| d.to_string()),
            "place" => s(&self.place),
            "author" => s(&self.author),
            "recipient" => s(&self.recipient),
            "citation" => s(&self.citation),
            "translator" => s(&self.translator),
            "collection" => s(&self.collection),
            "url" => s(&self.url),
            "record_id" => s(&self.record_id),
            "memo" => s(&self.memo),
            other => self.fields.get(other).cloned(),
        }
    }

    /// Set a field by name; an empty value clears it. A date must parse.
    pub fn set(&mut self, field: &str, value: Option<String>) -> Result<(), String> {
        let value = value
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty());
        let slot = match field {
            "title" => &mut self.title,
            "date" => {
                self.date = value.map(|v| v.parse()).transpose()?;
                return Ok(());
            }
            "place" => &mut self.place,
            "author" => &mut self.author,
            "recipient" => &mut self.recipient,
            "citation" => &mut self.citation,
            "translator" => &mut self.translator,
            "collection" => &mut self.collection,
            "url" => &mut self.url,
            "record_id" => &mut self.record_id,
            "memo" => &mut self.memo,
            other => {
                match value {
                    Some(v) => self.fields.insert(other.to_string(), v),
                    None => self.fields.remove(other),
                };
                return Ok(());
            }
        };
        *slot = value;
        Ok(())
    }

    /// `self`'s values where given, else `fallback`'s (stored over detected).
    pub fn or(&self, fallback: &DocumentMeta) -> DocumentMeta {
        let mut out = fallback.clone();
        for field in META_FIELDS {
            if let Some(v) = self.get(field) {
                // Values read from a file were validated when it was parsed.
                let _ = out.set(field, Some(v));
            }
        }
        for (k, v) in &self.fields {
            out.fields.insert(k.clone(), v.clone());
        }
        out
    }
}

/// Paragraphs that are not part of the document proper: site navigation,
/// copyright notices, archive furniture.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Boilerplate {
    /// Paragraphs matching any rule are boilerplate in every document.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<BoilerplateRule>,
    /// Paragraphs marked boilerplate by hand: document path → paragraph hashes
    /// ([`crate::document::paragraph_hash`]), so marks survive edits elsewhere.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub marked: BTreeMap<String, BTreeSet<String>>,
    /// Paragraphs marked as content although detected as boilerplate.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub kept: BTreeMap<String, BTreeSet<String>>,
}

impl Boilerplate {
    pub fn is_empty(&self) -> bool {
        *self == Boilerplate::default()
    }
}

/// A project rule for boilerplate, matched against a paragraph's normalised
/// text (lowercase, whitespace collapsed): no regular expressions, so a rule
/// means what it says.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum BoilerplateRule {
    /// The whole paragraph is this text.
    Text(String),
    /// The paragraph starts with this text.
    StartsWith(String),
    /// The paragraph contains this text.
    Contains(String),
}

/// Why a project file could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ProjectError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}:{line}:{column}: {message}")]
    Parse {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{path}:1:1: project file version {found} is newer than this glossator reads ({VERSION}); upgrade glossator"
    )]
    Version { path: String, found: u32 },
    #[error("{path}:1:1: project file too large ({size} bytes; the limit is {limit})", limit = crate::sidecar::MAX_SIDECAR_BYTES)]
    TooLarge { path: String, size: u64 },
    #[error("{path}: could not serialise: {message}")]
    Serialize { path: String, message: String },
}

impl From<crate::sidecar::SidecarError> for ProjectError {
    /// For the reading helpers shared with sidecars (size cap, UTF-8 check).
    fn from(e: crate::sidecar::SidecarError) -> Self {
        use crate::sidecar::SidecarError as S;
        match e {
            S::Io { path, source } => ProjectError::Io { path, source },
            S::Parse {
                path,
                line,
                column,
                message,
            } => ProjectError::Parse {
                path,
                line,
                column,
                message,
            },
            S::Version { path, found } => ProjectError::Version { path, found },
            S::TooLarge { path, size } => ProjectError::TooLarge { path, size },
            S::Serialize { path, message } => ProjectError::Serialize { path, message },
        }
    }
}

/// The `version` field alone; named like the whole so errors read the same.
#[derive(Deserialize)]
#[serde(rename = "Project")]
struct VersionProbe {
    version: u32,
}

impl crate::sidecar::VersionProbe for VersionProbe {
    fn version(&self) -> u32 {
        self.version
    }
}

impl Default for Project {
    fn default() -> Self {
        Project::new()
    }
}

impl Project {
    /// An empty project.
    pub fn new() -> Project {
        Project {
            version: VERSION,
            actors: Vec::new(),
            issues: Vec::new(),
            documents: BTreeMap::new(),
            boilerplate: Boilerplate::default(),
        }
    }

    /// Parse project file text; `path` names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Project, ProjectError> {
        let shown = path.display().to_string();
        let spanned = |e: ron::error::SpannedError| ProjectError::Parse {
            path: shown.clone(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string().replace(
                "struct `Project`",
                "a glossator project file `(version: 1, …)`",
            ),
        };
        let mut project: Project = crate::sidecar::parse_versioned::<Project, VersionProbe>(
            text, VERSION,
        )
        .map_err(|e| match e {
            VersionedError::Syntax(e) => spanned(e),
            VersionedError::Newer(found) => ProjectError::Version {
                path: shown.clone(),
                found,
            },
            VersionedError::Zero => ProjectError::Parse {
                path: shown.clone(),
                line: 1,
                column: 1,
                message: "version 0 is not a glossator project file version".into(),
            },
        })?;
        project.normalise();
        Ok(project)
    }

    /// Read and parse a project file (size-capped before parsing).
    pub fn load(path: &Path) -> Result<Project, ProjectError> {
        let text = crate::sidecar::read_capped(path)?;
        Project::parse(&text, path)
    }

    /// The nearest `gloss.ron` at or above `start` (a document or a folder),
    /// walking up as git finds `.git`. A relative `start` is taken from the
    /// current folder.
    pub fn find(start: &Path) -> Option<PathBuf> {
        let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
        let first = if start.is_dir() {
            Some(start.as_path())
        } else {
            start.parent()
        };
        first?
            .ancestors()
            .map(|dir| dir.join(FILE_NAME))
            .find(|candidate| candidate.is_file())
    }

    /// Stable order: actors by name (duplicates united), aliases without
    /// blanks, repeats or the name itself; issues by name; rules sorted.
    pub fn normalise(&mut self) {
        let mut actors: BTreeMap<String, ActorEntry> = BTreeMap::new();
        for mut a in std::mem::take(&mut self.actors) {
            a.name = a.name.trim().to_string();
            if a.name.is_empty() {
                continue;
            }
            match actors.get_mut(&a.name) {
                Some(known) => {
                    known.aliases.append(&mut a.aliases);
                    if known.description.is_none() {
                        known.description = a.description;
                    }
                    for (k, v) in a.attributes {
                        known.attributes.entry(k).or_insert(v);
                    }
                }
                None => {
                    actors.insert(a.name.clone(), a);
                }
            }
        }
        for a in actors.values_mut() {
            let mut seen = BTreeSet::new();
            let name = a.name.clone();
            a.aliases = std::mem::take(&mut a.aliases)
                .into_iter()
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty() && *x != name && seen.insert(x.clone()))
                .collect();
        }
        self.actors = actors.into_values().collect();
        let mut issues: BTreeMap<String, IssueEntry> = BTreeMap::new();
        for mut i in std::mem::take(&mut self.issues) {
            i.name = i.name.trim().to_string();
            if i.name.is_empty() {
                continue;
            }
            let known = issues
                .entry(i.name.clone())
                .or_insert_with(|| IssueEntry::new(&i.name));
            known.aliases.append(&mut i.aliases);
            if known.definition.is_none() {
                known.definition = i.definition;
            }
            if known.group.is_none() {
                known.group = i.group;
            }
        }
        for i in issues.values_mut() {
            let mut seen = BTreeSet::new();
            let name = i.name.clone();
            i.aliases = std::mem::take(&mut i.aliases)
                .into_iter()
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty() && *x != name && seen.insert(x.clone()))
                .collect();
        }
        self.issues = issues.into_values().collect();
        self.documents.retain(|_, entry| !entry.is_empty());
        let rules = &mut self.boilerplate.rules;
        rules.sort();
        rules.dedup();
        self.boilerplate.marked.retain(|_, set| !set.is_empty());
        self.boilerplate.kept.retain(|_, set| !set.is_empty());
    }

    /// The file's text: pretty RON as sidecars are written (LF, four-space
    /// indent, strings escaped, no struct names), normalised first.
    pub fn to_ron(&self) -> Result<String, ron::Error> {
        let mut normal = self.clone();
        normal.normalise();
        let mut text = ron::ser::to_string_pretty(&normal, crate::sidecar::ron_pretty())?;
        text.push('\n');
        Ok(text)
    }

    /// The codebook's actors as a registry (names with aliases), to combine
    /// with the sidecars' registries.
    pub fn registry(&self) -> ActorRegistry {
        ActorRegistry::new(
            self.actors
                .iter()
                .map(|a| Actor {
                    name: a.name.clone(),
                    aliases: a.aliases.clone(),
                })
                .collect(),
        )
    }

    /// The codebook's issue names, sorted.
    pub fn issue_names(&self) -> Vec<String> {
        self.issues.iter().map(|i| i.name.clone()).collect()
    }

    pub fn actor(&self, name: &str) -> Option<&ActorEntry> {
        self.actors.iter().find(|a| a.name == name)
    }

    pub fn actor_mut(&mut self, name: &str) -> Option<&mut ActorEntry> {
        self.actors.iter_mut().find(|a| a.name == name)
    }

    pub fn issue(&self, name: &str) -> Option<&IssueEntry> {
        self.issues.iter().find(|i| i.name == name)
    }

    /// Add the actors (with their aliases) and issues of a sidecar's registry
    /// that the codebook lacks; an alias already known as a name or alias of
    /// another actor is left where it is. Returns how many names were added.
    pub fn learn(&mut self, actors: &[Actor], issues: &[String]) -> usize {
        let mut added = 0;
        for actor in actors {
            let known = self.registry();
            let target = known.find(&actor.name).map(|a| a.name.clone());
            let name = match target {
                Some(name) => name,
                None => {
                    self.actors.push(ActorEntry::new(&actor.name));
                    added += 1;
                    actor.name.trim().to_string()
                }
            };
            for alias in &actor.aliases {
                let known = self.registry();
                if known.find(alias).is_some() {
                    continue;
                }
                if let Some(entry) = self.actors.iter_mut().find(|a| a.name == name) {
                    entry.aliases.push(alias.trim().to_string());
                    added += 1;
                }
            }
        }
        for issue in issues {
            if !issue.trim().is_empty() && self.issue_owning(issue.trim()).is_none() {
                self.issues.push(IssueEntry::new(issue));
                added += 1;
            }
        }
        self.normalise();
        added
    }

    /// Pre-register the persons and bodies a document identifies (TEI
    /// `persName`/`orgName`): each becomes an actor with its spellings as
    /// aliases, merged as [`Project::learn`] merges (an existing actor
    /// keeps its name, a spelling known elsewhere stays there), and its
    /// description fills an empty one. Returns how many names were added.
    pub fn register(&mut self, people: &[crate::document::formats::Person]) -> usize {
        let actors: Vec<Actor> = people
            .iter()
            .map(|p| Actor {
                name: p.name.clone(),
                aliases: p.aliases.clone(),
            })
            .collect();
        let mut added = self.learn(&actors, &[]);
        for p in people {
            let Some(description) = &p.description else {
                continue;
            };
            let name = self.registry().find(&p.name).map(|a| a.name.clone());
            if let Some(entry) = name.and_then(|n| self.actor_mut(&n))
                && entry.description.is_none()
            {
                entry.description = Some(description.clone());
                added += 1;
            }
        }
        added
    }

    /// The stored entry of a document, by its key ([`document_key`]).
    pub fn document(&self, key: &str) -> Option<&DocumentEntry> {
        self.documents.get(key)
    }

    /// The entry of `document`, for this project read from `project_file`.
    pub fn document_at(&self, project_file: &Path, document: &Path) -> Option<&DocumentEntry> {
        let key = document_key(&root_of(project_file), document)?;
        self.document(&key)
    }

    /// The entry of a document, created empty if needed.
    pub fn document_mut(&mut self, key: &str) -> &mut DocumentEntry {
        self.documents.entry(key.to_string()).or_default()
    }
}

/// The key of `document` in a project rooted at `root`: its path relative to
/// the root with `/` separators, or `None` when it is not below the root.
/// Both paths are made absolute first (symlinks are not resolved, so the key
/// is the path the user sees).
pub fn document_key(root: &Path, document: &Path) -> Option<String> {
    DocumentKeys::new(root).key(document)
}

/// [`document_key`] for many documents of one project: the root and the
/// working folder are resolved once (a corpus lists thousands of
/// documents, and making a relative path absolute asks for the working
/// folder every time).
pub struct DocumentKeys {
    /// The root, absolute, `.` and `..` resolved.
    root: PathBuf,
    /// The working folder, for relative paths (Unix; elsewhere the
    /// platform makes each path absolute).
    #[cfg_attr(not(unix), allow(dead_code))]
    working: Option<PathBuf>,
}

impl DocumentKeys {
    pub fn new(root: &Path) -> DocumentKeys {
        let mut keys = DocumentKeys {
            root: PathBuf::new(),
            working: std::env::current_dir().ok(),
        };
        keys.root = keys.absolute(root);
        keys
    }

    /// `path` made absolute as [`std::path::absolute`] does, then `.` and
    /// `..` resolved by name.
    fn absolute(&self, path: &Path) -> PathBuf {
        #[cfg(unix)]
        let abs = match &self.working {
            Some(working) if !path.is_absolute() => working.join(path),
            _ => path.to_path_buf(),
        };
        #[cfg(not(unix))]
        let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        lexical(&abs)
    }

    /// The key of `document` (see [`document_key`]).
    pub fn key(&self, document: &Path) -> Option<String> {
        let doc = self.absolute(document);
        let key = slash_joined(doc.strip_prefix(&self.root).ok()?);
        (!key.is_empty()).then_some(key)
    }
}

/// A relative path's components joined by `/` whatever the platform, into
/// one string (how keys and the corpus list name documents).
pub fn slash_joined(path: &Path) -> String {
    let mut joined = String::with_capacity(path.as_os_str().len());
    for c in path.components() {
        if !joined.is_empty() {
            joined.push('/');
        }
        joined.push_str(&c.as_os_str().to_string_lossy());
    }
    joined
}

/// `path` with `.` and `..` resolved by name (no file system access).
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The folder a project file is the root of.
pub fn root_of(project_file: &Path) -> PathBuf {
    folder_of(project_file).to_path_buf()
}

/// The folder a file is in (`.` for a bare name), borrowed.
pub fn folder_of(file: &Path) -> &Path {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample() -> Project {
        let mut p = Project::new();
        let mut pak = ActorEntry::new("Pak Chang-ok");
        pak.aliases = vec!["Pak Chang Ok".into()];
        pak.description = Some("Vice-premier".into());
        pak.attributes
            .insert("faction".into(), "Soviet Korean".into());
        p.actors.push(pak);
        p.actors.push(ActorEntry::new("Nam Il"));
        let mut cult = IssueEntry::new("personality cult");
        cult.definition = Some("Criticism of Kim Il Sung's cult".into());
        cult.group = Some("Party line".into());
        p.issues.push(cult);
        let entry = p.document_mut("memos/memo.txt");
        entry.meta.title = Some("Memorandum of \"Conversation\"".into());
        entry.meta.date = Some("1956-07-24".parse().unwrap());
        entry
            .meta
            .fields
            .insert("language".into(), "Russian".into());
        entry.status = Some(Status::InProgress);
        p.boilerplate
            .rules
            .push(BoilerplateRule::StartsWith("skip to content".into()));
        p.boilerplate
            .marked
            .entry("memos/memo.txt".into())
            .or_default()
            .insert("0123456789abcdef".into());
        p.normalise();
        p
    }

    #[test]
    fn round_trips_pretty_and_stable() {
        let p = sample();
        let text = p.to_ron().unwrap();
        let back = Project::parse(&text, Path::new("gloss.ron")).unwrap();
        assert_eq!(back, p);
        assert_eq!(back.to_ron().unwrap(), text);
        assert!(
            text.starts_with("(\n    version: 1,\n    actors: [\n"),
            "{text}"
        );
        assert!(text.contains("status: Some(InProgress)"), "{text}");
        assert!(text.contains("date: Some(\"1956-07-24\")"), "{text}");
        assert!(text.contains("StartsWith(\"skip to content\")"), "{text}");
        // Actors sorted by name, whatever order they were added in.
        assert_eq!(p.actors[0].name, "Nam Il");
    }

    #[test]
    fn hand_written_files_may_leave_out_some_and_empty_parts() {
        let text = "(version: 1, actors: [(name: \"Nam Il\", description: \"Foreign minister\")],\n documents: {\"a.txt\": (meta: (date: \"1956-07\"), status: Done)})";
        let p = Project::parse(text, Path::new("gloss.ron")).unwrap();
        assert_eq!(p.actors[0].description.as_deref(), Some("Foreign minister"));
        assert_eq!(
            p.documents["a.txt"].meta.date.as_ref().unwrap().as_str(),
            "1956-07"
        );
        assert_eq!(p.documents["a.txt"].status, Some(Status::Done));
        assert!(
            Project::parse("(version: 1)", Path::new("g"))
                .unwrap()
                .actors
                .is_empty()
        );
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let err = Project::parse(
            "(\n    version: 1,\n    documents: {\"a.txt\": (meta: (date: \"1956-13\"))},\n)",
            Path::new("dir/gloss.ron"),
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("dir/gloss.ron:3:"), "{err}");
        assert!(err.contains("month 13"), "{err}");
        let err = Project::parse("garbage(", Path::new("g.ron"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("g.ron:1:1: "), "{err}");
        assert!(err.contains("glossator project file"), "{err}");
    }

    #[test]
    fn newer_versions_are_refused() {
        let err = Project::parse("(version: 2, actors: [])", Path::new("gloss.ron"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("project file version 2 is newer"), "{err}");
        assert!(Project::parse("(version: 0)", Path::new("g")).is_err());
    }

    #[test]
    fn hostile_files_are_errors_not_crashes() {
        let deep = format!(
            "(version: 1, actors: {}{})",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        assert!(Project::parse(&deep, Path::new("g")).is_err());
        assert!(Project::parse("", Path::new("g")).is_err());
        assert!(Project::parse("(version: 99999999999999999999)", Path::new("g")).is_err());
        let escapes = "(version: 1, actors: [(name: \"\\u{1b}]0;x\\u{7}\")])";
        let p = Project::parse(escapes, Path::new("g")).unwrap();
        assert!(!p.to_ron().unwrap().contains('\u{1b}'));
    }

    #[test]
    fn normalise_unites_duplicates_and_cleans_aliases() {
        let mut p = Project::new();
        let mut a = ActorEntry::new("Nam Il");
        a.aliases = vec!["Nam Il".into(), " ".into(), "Nam-il".into()];
        let mut b = ActorEntry::new("Nam Il ");
        b.aliases = vec!["Nam-il".into(), "Nam".into()];
        b.description = Some("x".into());
        p.actors = vec![a, b];
        p.issues = vec![
            IssueEntry::new("b"),
            IssueEntry::new("a"),
            IssueEntry::new("b"),
        ];
        p.normalise();
        assert_eq!(p.actors.len(), 1);
        assert_eq!(p.actors[0].aliases, vec!["Nam-il", "Nam"]);
        assert_eq!(p.actors[0].description.as_deref(), Some("x"));
        assert_eq!(p.issue_names(), vec!["a", "b"]);
    }

    #[test]
    fn learn_takes_new_names_and_aliases_once() {
        let mut p = sample();
        let added = p.learn(
            &[
                Actor {
                    name: "Pak Chang Ok".into(),
                    aliases: vec!["Pak".into()],
                },
                Actor {
                    name: "Choe Chang-ik".into(),
                    aliases: vec![],
                },
            ],
            &["personality cult".into(), "aid".into()],
        );
        assert_eq!(added, 3);
        assert_eq!(
            p.actor("Pak Chang-ok").unwrap().aliases,
            vec!["Pak Chang Ok", "Pak"]
        );
        assert!(p.actor("Choe Chang-ik").is_some());
        assert_eq!(p.issue_names(), vec!["aid", "personality cult"]);
        assert_eq!(
            p.registry().resolver().resolve("pak chang ok"),
            "Pak Chang-ok"
        );
    }

    #[test]
    fn find_walks_up_to_the_nearest_project_file() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(deep.join("memo.txt"), "x").unwrap();
        assert_eq!(Project::find(&deep.join("memo.txt")), None);
        std::fs::write(dir.path().join(FILE_NAME), "(version: 1)").unwrap();
        let found = Project::find(&deep.join("memo.txt")).unwrap();
        assert_eq!(
            found,
            std::path::absolute(dir.path().join(FILE_NAME)).unwrap()
        );
        assert_eq!(Project::find(&deep).unwrap(), found);
        // A nearer one wins, as with nested git repositories.
        std::fs::write(dir.path().join("a").join(FILE_NAME), "(version: 1)").unwrap();
        assert_eq!(
            Project::find(&deep.join("memo.txt")).unwrap(),
            std::path::absolute(dir.path().join("a").join(FILE_NAME)).unwrap()
        );
    }

    #[test]
    fn document_keys_are_relative_with_slashes() {
        let root = Path::new("/arch");
        assert_eq!(
            document_key(root, Path::new("/arch/1956/./memo.txt")).as_deref(),
            Some("1956/memo.txt")
        );
        assert_eq!(document_key(root, Path::new("/elsewhere/memo.txt")), None);
        assert_eq!(
            document_key(root, Path::new("/arch/x/../memo.txt")).as_deref(),
            Some("memo.txt")
        );
    }

    /// Relative paths (`gloss arch`) are taken from the working folder, as
    /// `std::path::absolute` takes them, whichever of root and document is.
    #[test]
    fn keys_of_relative_paths_are_those_of_the_absolute_ones() {
        let keys = DocumentKeys::new(Path::new("arch"));
        let working = std::env::current_dir().unwrap();
        for (document, key) in [
            (PathBuf::from("arch/1956/memo.txt"), Some("1956/memo.txt")),
            (PathBuf::from("./arch/x/../memo.txt"), Some("memo.txt")),
            (working.join("arch/memo.txt"), Some("memo.txt")),
            (PathBuf::from("elsewhere/memo.txt"), None),
            (PathBuf::from("arch"), None),
        ] {
            assert_eq!(
                keys.key(&document).as_deref(),
                key,
                "{}",
                document.display()
            );
            let absolute = std::path::absolute(&document).unwrap();
            let root = std::path::absolute("arch").unwrap();
            assert_eq!(document_key(&root, &absolute).as_deref(), key);
        }
    }

    #[test]
    fn meta_fields_by_name_and_stored_over_detected() {
        let mut stored = DocumentMeta::default();
        stored.set("title", Some("Stored".into())).unwrap();
        stored.set("shelf", Some("B4".into())).unwrap();
        assert!(stored.set("date", Some("July".into())).is_err());
        let mut detected = DocumentMeta::default();
        detected.set("title", Some("Detected".into())).unwrap();
        detected.set("date", Some("1956-07-24".into())).unwrap();
        let both = stored.or(&detected);
        assert_eq!(both.title.as_deref(), Some("Stored"));
        assert_eq!(both.get("date").as_deref(), Some("1956-07-24"));
        assert_eq!(both.get("shelf").as_deref(), Some("B4"));
        assert_eq!("In Progress".parse::<Status>().unwrap(), Status::InProgress);
        assert_eq!("in_progress".parse::<Status>().unwrap(), Status::InProgress);
    }
}
