//! RON sidecar files: the versioned schema, safe loading, atomic saving.
//!
//! One file per annotator per document, `<file name>.<annotator>.gloss.ron`
//! beside the document, so colleagues never overwrite each other and git merges
//! stay clean. Output is pretty, in a stable order, and byte-identical when
//! nothing changed. A file that does not parse is reported as
//! `file:line:column: message` and never written.

mod fast;
pub mod journal;
pub mod merge;
pub mod store;

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use crate::annotation::{Actor, ActorRegistry, Annotation};
use crate::document::Document;

/// The sidecar format version this build writes and reads.
pub const VERSION: u32 = 1;
/// Sidecars larger than this are refused before parsing (RON cost and memory).
pub const MAX_SIDECAR_BYTES: u64 = 512 * 1024 * 1024;
/// File name suffix shared by all sidecars.
pub const SUFFIX: &str = ".gloss.ron";

/// What the sidecar records about its source document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SourceInfo {
    /// File name only: never used to open or write a path.
    pub name: String,
    pub size: u64,
    pub sha256: String,
    /// The extractor (name and version) that turned the source into text,
    /// for documents that are not plain text. Size and SHA-256 are then the
    /// extracted text's: what the anchors point into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extractor: Option<String>,
}

impl SourceInfo {
    /// The SHA-256 stays empty while a large document's is still being
    /// computed in the background (the TUI fills it in: `App::refresh_source`).
    pub fn of(doc: &Document) -> Self {
        SourceInfo {
            name: doc.file_name(),
            size: doc.size(),
            sha256: doc.sha256_soon().unwrap_or_default().to_string(),
            extractor: extractor_of(doc),
        }
    }
}

/// `name version` of the extractor a document's text comes from.
pub fn extractor_of(doc: &Document) -> Option<String> {
    doc.extraction()
        .map(|e| format!("{} {}", e.extractor, e.version))
}

/// The whole content of one sidecar file (field order is the file's order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sidecar {
    pub version: u32,
    pub source: SourceInfo,
    pub annotator: String,
    #[serde(default)]
    pub actors: Vec<Actor>,
    #[serde(default)]
    pub issues: Vec<String>,
    #[serde(default)]
    pub annotations: Vec<Annotation>,
    /// Tag suggestions the annotator dismissed (never annotations).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dismissed: Vec<Dismissal>,
}

/// A cue-phrase suggestion the annotator dismissed: remembered for the
/// paragraph whose text has `hash` (`paragraph` is for the reader), so it is
/// not suggested there again. The tag, not the rule, identifies it: a rule
/// renamed in a rules file does not bring it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dismissal {
    pub paragraph: usize,
    pub hash: String,
    pub rule: String,
    pub tag: crate::annotation::Tag,
}

/// Why a sidecar could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SidecarError {
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
        "{path}:1:1: sidecar format version {found} is newer than this glossator reads ({VERSION}); upgrade glossator"
    )]
    Version { path: String, found: u32 },
    #[error("{path}:1:1: sidecar too large ({size} bytes; the limit is {MAX_SIDECAR_BYTES})")]
    TooLarge { path: String, size: u64 },
    #[error("{path}: could not serialise: {message}")]
    Serialize { path: String, message: String },
}

/// RON reading options: `Some(…)` may be left out around optional values, so
/// hand-written files can say `note: "…"`.
pub fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

/// RON writing options of every glossator file: LF line ends, a four-space
/// indent, strings escaped, no struct names.
pub fn ron_pretty() -> ron::ser::PrettyConfig {
    ron::ser::PrettyConfig::new()
        .new_line("\n")
        .indentor("    ")
        .struct_names(false)
        .escape_strings(true)
        .separate_tuple_members(false)
        .enumerate_arrays(false)
}

/// Why a versioned glossator file (a sidecar, a project file) was not read.
pub(crate) enum VersionedError {
    /// Not RON of the expected shape.
    Syntax(ron::error::SpannedError),
    /// A version newer than this glossator reads.
    Newer(u32),
    /// Version 0, which no glossator writes.
    Zero,
}

/// A type that reads the `version` field alone, named like the whole file's
/// type so that its errors read the same.
pub(crate) trait VersionProbe: serde::de::DeserializeOwned {
    fn version(&self) -> u32;
}

/// Parse a versioned glossator file (a leading byte-order mark allowed),
/// checking the version first so that a newer file is refused as newer
/// rather than as a syntax error in fields it does not know.
pub(crate) fn parse_versioned<T, P>(text: &str, newest: u32) -> Result<T, VersionedError>
where
    T: serde::de::DeserializeOwned,
    P: VersionProbe,
{
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Files start `(version: N,`: read N there rather than parse the whole
    // file twice; other layouts get a full probe.
    let version = match leading_version(text) {
        Some(version) => version,
        None => ron_options()
            .from_str::<P>(text)
            .map_err(VersionedError::Syntax)?
            .version(),
    };
    if version > newest {
        return Err(VersionedError::Newer(version));
    }
    if version == 0 {
        return Err(VersionedError::Zero);
    }
    ron_options().from_str(text).map_err(VersionedError::Syntax)
}

/// The `version` field alone; named like the whole so errors read the same.
#[derive(Deserialize)]
#[serde(rename = "Sidecar")]
struct SidecarVersion {
    version: u32,
}

impl VersionProbe for SidecarVersion {
    fn version(&self) -> u32 {
        self.version
    }
}

impl Sidecar {
    /// An empty sidecar for `doc` by `annotator`.
    pub fn new(doc: &Document, annotator: &str) -> Self {
        Sidecar {
            version: VERSION,
            source: SourceInfo::of(doc),
            annotator: annotator.to_string(),
            actors: Vec::new(),
            issues: Vec::new(),
            annotations: Vec::new(),
            dismissed: Vec::new(),
        }
    }

    pub fn registry(&self) -> ActorRegistry {
        ActorRegistry::new(self.actors.clone())
    }

    /// Parse sidecar text; `path` names the file in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, SidecarError> {
        // The layout gloss writes is read without serde (`fast`); anything
        // else, and every error, goes through RON.
        let body = text.strip_prefix('\u{feff}').unwrap_or(text);
        if let Some(mut sidecar) = fast::parse(body)
            && (1..=VERSION).contains(&sidecar.version)
        {
            sidecar.normalise();
            return Ok(sidecar);
        }
        Self::parse_ron(text, path)
    }

    /// [`Sidecar::parse`] through RON alone.
    fn parse_ron(text: &str, path: &Path) -> Result<Self, SidecarError> {
        let shown = path.display().to_string();
        let spanned = |e: ron::error::SpannedError| SidecarError::Parse {
            path: shown.clone(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e
                .code
                .to_string()
                .replace("struct `Sidecar`", "a glossator sidecar `(version: 1, …)`"),
        };
        let mut sidecar: Sidecar = parse_versioned::<Sidecar, SidecarVersion>(text, VERSION)
            .map_err(|e| match e {
                VersionedError::Syntax(e) => spanned(e),
                VersionedError::Newer(found) => SidecarError::Version {
                    path: shown.clone(),
                    found,
                },
                VersionedError::Zero => SidecarError::Parse {
                    path: shown.clone(),
                    line: 1,
                    column: 1,
                    message: "version 0 is not a glossator sidecar version".into(),
                },
            })?;
        sidecar.normalise();
        Ok(sidecar)
    }

    /// Read and parse a sidecar file (size-capped before parsing).
    pub fn load(path: &Path) -> Result<Self, SidecarError> {
        let text = read_capped(path)?;
        Self::parse(&text, path)
    }

    /// The actor registry of a sidecar file, normalised as [`Sidecar::load`]
    /// gives it. The layout gloss writes is read only up to its `actors`
    /// list: its head ([`REGISTRY_HEAD`] bytes) is read first, and the rest
    /// only when the list does not end there (what follows the list is
    /// neither read nor checked, not even as UTF-8); any other file is
    /// loaded whole. The file is read into a buffer kept by the thread.
    pub fn load_actors(path: &Path) -> Result<Vec<Actor>, SidecarError> {
        thread_local! {
            static BYTES: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        BYTES.with_borrow_mut(|bytes| {
            bytes.clear();
            let (mut file, size) = open_capped(path)?;
            if size > REGISTRY_HEAD as u64 {
                read_head(&mut file, REGISTRY_HEAD, bytes).map_err(|e| io_error(path, e))?;
                if let Some(actors) = registry_in_head(bytes) {
                    return Ok(actors);
                }
            }
            read_rest(path, &mut file, size, bytes)?;
            let read = match std::str::from_utf8(bytes) {
                Ok(text) => fast_registry(text)
                    .map_or_else(|| Self::parse(text, path).map(|s| s.actors), Ok),
                Err(e) => Err(not_utf8(path, bytes, e.valid_up_to())),
            };
            // A large file's buffer is not kept.
            if bytes.capacity() > 1 << 20 {
                *bytes = Vec::new();
            }
            read
        })
    }

    /// Stable order: actors by name, issues sorted and unique, annotations by
    /// paragraph, then creation time, then id.
    pub fn normalise(&mut self) {
        let actors = std::mem::take(&mut self.actors);
        self.actors = ActorRegistry::new(actors).into_vec();
        self.issues.retain(|i| !i.trim().is_empty());
        self.issues.sort();
        self.issues.dedup();
        self.annotations.sort_by(|a, b| {
            (a.anchor.paragraph, &a.created, &a.id).cmp(&(b.anchor.paragraph, &b.created, &b.id))
        });
    }

    /// The file's text: pretty RON, LF line ends, strings escaped, no struct names.
    pub fn to_ron(&self) -> Result<String, ron::Error> {
        // Sessions keep their sidecar normalised: copy only when it is not.
        let copy;
        let normal = if self.is_normalised() {
            self
        } else {
            let mut c = self.clone();
            c.normalise();
            copy = c;
            &copy
        };
        let mut text = ron::ser::to_string_pretty(normal, ron_pretty())?;
        text.push('\n');
        Ok(text)
    }

    /// Would [`Sidecar::normalise`] leave this sidecar as it is?
    fn is_normalised(&self) -> bool {
        self.annotations.is_sorted_by(|a, b| {
            (a.anchor.paragraph, &a.created, &a.id) <= (b.anchor.paragraph, &b.created, &b.id)
        }) && self.issues.is_sorted_by(|a, b| a < b)
            && self.issues.iter().all(|i| !i.trim().is_empty())
            && ActorRegistry::new(self.actors.clone()).into_vec() == self.actors
    }

    /// Do two annotations share an id (a hand edit, a bad merge)?
    pub fn has_duplicate_ids(&self) -> bool {
        let mut seen = std::collections::HashSet::with_capacity(self.annotations.len());
        !self.annotations.iter().all(|a| seen.insert(a.id.as_str()))
    }

    /// Give every annotation whose id an earlier one already has a fresh id,
    /// `<id>-dup<N>`, which names the id it was split from, so that every
    /// operation by id (delete, undo, merge) acts on exactly one annotation.
    /// The new ids depend only on the sidecar's content (in its stable order),
    /// so every session and every side of a merge gives the same copy the
    /// same id. Returns what was renamed; the file changes with the next save.
    pub fn separate_duplicate_ids(&mut self) -> Vec<Renamed> {
        if !self.has_duplicate_ids() {
            return Vec::new();
        }
        self.normalise();
        let all: std::collections::HashSet<String> =
            self.annotations.iter().map(|a| a.id.clone()).collect();
        let mut seen = std::collections::HashSet::with_capacity(self.annotations.len());
        let mut renamed = Vec::new();
        for a in &mut self.annotations {
            if seen.insert(a.id.clone()) {
                continue;
            }
            let fresh = (2..)
                .map(|n| format!("{}-dup{n}", a.id))
                .find(|id| !all.contains(id) && !seen.contains(id))
                .unwrap_or_default();
            seen.insert(fresh.clone());
            renamed.push(Renamed {
                from: std::mem::replace(&mut a.id, fresh.clone()),
                to: fresh,
                paragraph: a.anchor.paragraph,
            });
        }
        self.normalise();
        renamed
    }

    /// Remember every actor and issue the annotations use, for completion.
    /// The actor names and issues of the registry, to tell what a change added.
    pub fn names(&self) -> Names {
        Names {
            actors: self.actors.iter().map(|a| a.name.clone()).collect(),
            issues: self.issues.clone(),
        }
    }

    /// Drop the `names` that nothing uses any more: actors without aliases
    /// that no annotation names, issues no position is about. Names the user
    /// keeps in the registry on purpose (with aliases, or not in `names`) stay.
    pub fn forget_unused(&mut self, names: &Names) {
        let registry = self.registry().resolver();
        let used_actor = |name: &str| {
            self.annotations
                .iter()
                .any(|a| a.tag.actors().iter().any(|x| registry.same_actor(name, x)))
        };
        let used_issue = |issue: &str| {
            self.annotations.iter().any(|a| {
                matches!(&a.tag, crate::annotation::Tag::Position { issue: i, .. } if i == issue)
            })
        };
        let actors: Vec<Actor> = std::mem::take(&mut self.actors)
            .into_iter()
            .filter(|a| {
                !(names.actors.contains(&a.name) && a.aliases.is_empty() && !used_actor(&a.name))
            })
            .collect();
        let issues: Vec<String> = std::mem::take(&mut self.issues)
            .into_iter()
            .filter(|i| !names.issues.contains(i) || used_issue(i))
            .collect();
        self.actors = actors;
        self.issues = issues;
    }

    pub fn learn_names(&mut self) {
        let mut registry = ActorRegistry::new(std::mem::take(&mut self.actors));
        for a in &self.annotations {
            for actor in a.tag.actors() {
                registry.learn(actor);
            }
            if let crate::annotation::Tag::Position { issue, .. } = &a.tag
                && !self.issues.iter().any(|i| i == issue)
            {
                self.issues.push(issue.clone());
            }
        }
        self.actors = registry.into_vec();
        self.normalise();
    }
}

/// An annotation that shared its id with another and was given a fresh one
/// (see [`Sidecar::separate_duplicate_ids`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    pub from: String,
    pub to: String,
    /// 1-based paragraph the annotation is on.
    pub paragraph: usize,
}

impl Renamed {
    /// One line for the user: which paragraphs, and that the file changes
    /// with the next save.
    pub fn notice(renamed: &[Renamed]) -> Option<String> {
        let first = renamed.first()?;
        let mut paragraphs: Vec<String> = renamed
            .iter()
            .map(|r| format!("¶{}", r.paragraph))
            .collect();
        paragraphs.dedup();
        let suffix = first.to.rsplit_once('-').map_or("", |(_, n)| n);
        let more = if renamed.len() > 1 { ", …" } else { "" };
        Some(format!(
            "Duplicate id on {}: the copy is now …-{suffix}{more} (saved with your next change)",
            paragraphs.join(", ")
        ))
    }
}

/// Actor names and issues of a registry (see [`Sidecar::names`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Names {
    pub actors: Vec<String>,
    pub issues: Vec<String>,
}

impl Names {
    /// The names in `self` that are not in `other`.
    pub fn without(self, other: &Names) -> Names {
        Names {
            actors: self
                .actors
                .into_iter()
                .filter(|a| !other.actors.contains(a))
                .collect(),
            issues: self
                .issues
                .into_iter()
                .filter(|i| !other.issues.contains(i))
                .collect(),
        }
    }
}

/// The version of a sidecar laid out as glossator writes it: `(` and then
/// `version: N` as the first field (whitespace allowed around each token).
pub(crate) fn leading_version(text: &str) -> Option<u32> {
    let rest = text.trim_start().strip_prefix('(')?.trim_start();
    let rest = rest.strip_prefix("version")?.trim_start();
    let rest = rest.strip_prefix(':')?.trim_start();
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let after = rest[digits..].trim_start();
    if digits == 0 || !(after.starts_with(',') || after.starts_with(')')) {
        return None;
    }
    rest[..digits].parse().ok()
}

/// Read a file as UTF-8 text, refusing files over [`MAX_SIDECAR_BYTES`].
pub fn read_capped(path: &Path) -> Result<String, SidecarError> {
    let mut bytes = Vec::new();
    read_capped_into(path, &mut bytes)?;
    String::from_utf8(bytes).map_err(|e| not_utf8(path, e.as_bytes(), e.utf8_error().valid_up_to()))
}

/// The bytes of a sidecar read first by [`Sidecar::load_actors`]: the
/// layout gloss writes puts the registry at the top, and a team's registry
/// is most often a few hundred bytes, where the annotations after it run
/// to kilobytes.
const REGISTRY_HEAD: usize = 1024;

/// The registry of the layout gloss writes when `head` (a sidecar's first
/// bytes) holds all of it; `None` when it does not end there, or the head
/// is not that layout (or not UTF-8 before its last character, which the
/// cut may have split).
fn registry_in_head(head: &[u8]) -> Option<Vec<Actor>> {
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        Err(e) if e.error_len().is_none() => std::str::from_utf8(&head[..e.valid_up_to()]).ok()?,
        Err(_) => return None,
    };
    // The reader takes only whole lists followed by what may follow them,
    // so what it gives from the head is what it gives from the whole file.
    fast_registry(text)
}

/// The registry of `text` in the layout gloss writes, by the fast reader
/// ([`fast::registry`]), normalised; `None` for any other text.
fn fast_registry(text: &str) -> Option<Vec<Actor>> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    match fast::registry(body) {
        Some((version, actors)) if (1..=VERSION).contains(&version) => {
            Some(ActorRegistry::new(actors).into_vec())
        }
        _ => None,
    }
}

/// The first `most` bytes of `file` (fewer at its end), appended to `bytes`.
fn read_head(file: &mut std::fs::File, most: usize, bytes: &mut Vec<u8>) -> std::io::Result<()> {
    let start = bytes.len();
    bytes.resize(start + most, 0);
    let mut filled = start;
    while filled < start + most {
        match std::io::Read::read(file, &mut bytes[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => {
                bytes.truncate(filled);
                return Err(e);
            }
        }
    }
    bytes.truncate(filled);
    Ok(())
}

/// A sidecar opened for reading, and its size: refused when it is no
/// regular file or over [`MAX_SIDECAR_BYTES`].
fn open_capped(path: &Path) -> Result<(std::fs::File, u64), SidecarError> {
    let io = |source| io_error(path, source);
    // Opened without blocking (a pipe would wait for a writer), then asked
    // what it is through the handle: one path lookup, not two (a corpus
    // view reads 20,000 sidecars).
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(io)?;
    let meta = file.metadata().map_err(io)?;
    if let Some(kind) = crate::document::special_file_kind(&meta) {
        // A device or pipe may never end, or block.
        return Err(io(std::io::Error::other(format!("{kind}, not a sidecar"))));
    }
    if meta.len() > MAX_SIDECAR_BYTES {
        return Err(SidecarError::TooLarge {
            path: path.display().to_string(),
            size: meta.len(),
        });
    }
    Ok((file, meta.len()))
}

/// [`read_capped`] into `bytes` (cleared first, its allocation reused), the
/// text not yet checked as UTF-8: a reader of thousands of sidecars keeps
/// one buffer rather than allocating one per file.
pub fn read_capped_into(path: &Path, bytes: &mut Vec<u8>) -> Result<(), SidecarError> {
    bytes.clear();
    let (mut file, size) = open_capped(path)?;
    read_rest(path, &mut file, size, bytes)
}

/// The rest of `file` (of `size` bytes when opened, `bytes` holding what
/// was read of it) appended to `bytes`; too large when it grew past
/// [`MAX_SIDECAR_BYTES`] since.
fn read_rest(
    path: &Path,
    file: &mut std::fs::File,
    size: u64,
    bytes: &mut Vec<u8>,
) -> Result<(), SidecarError> {
    let read = bytes.len() as u64;
    // Not `File`'s own `read_to_end`: it asks the size again (a `stat` and
    // a seek per file) although it is known, and reads once more to find
    // the end.
    crate::document::read_sized(
        file,
        size.saturating_sub(read),
        MAX_SIDECAR_BYTES.saturating_sub(read),
        bytes,
    )
    .map_err(|e| io_error(path, e))?;
    if bytes.len() as u64 > MAX_SIDECAR_BYTES {
        // It grew since it was asked.
        return Err(SidecarError::TooLarge {
            path: path.display().to_string(),
            size: bytes.len() as u64,
        });
    }
    Ok(())
}

fn io_error(path: &Path, source: std::io::Error) -> SidecarError {
    SidecarError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// The error for a sidecar's `bytes` that are UTF-8 only up to `offset`.
fn not_utf8(path: &Path, bytes: &[u8], offset: usize) -> SidecarError {
    let before = &bytes[..offset];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let col = before.len()
        - before
            .iter()
            .rposition(|&b| b == b'\n')
            .map(|i| i + 1)
            .unwrap_or(0)
        + 1;
    SidecarError::Parse {
        path: path.display().to_string(),
        line,
        column: col,
        message: format!("not UTF-8 (invalid byte at offset {offset})"),
    }
}

/// `<folder>/<file name>.<annotator>.gloss.ron` for a document path. The
/// document's file name is kept byte for byte: it need not be UTF-8, and two
/// names differing only in bytes that are not must never share a sidecar.
pub fn sidecar_path(document: &Path, annotator: &str) -> PathBuf {
    let mut name = document
        .file_name()
        .map(OsStr::to_os_string)
        .unwrap_or_default();
    name.push(".");
    name.push(annotator);
    name.push(SUFFIX);
    document.with_file_name(name)
}

/// `<before><file name of path, less strip><after>` beside `path`, the file
/// name kept byte for byte (journals and locks beside a sidecar).
pub fn name_beside(path: &Path, before: &str, strip: &str, after: &str) -> PathBuf {
    let name = path.file_name().unwrap_or_default().as_encoded_bytes();
    let stem = name.strip_suffix(strip.as_bytes()).unwrap_or(name);
    let mut out = OsString::from(before);
    out.push(name_from_bytes(stem));
    out.push(after);
    path.with_file_name(out)
}

/// A file name from part of [`OsStr::as_encoded_bytes`] cut at ASCII bytes.
fn name_from_bytes(bytes: &[u8]) -> OsString {
    #[cfg(unix)]
    {
        <OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(bytes).to_os_string()
    }
    // Elsewhere names are Unicode but for lone surrogates (shown replaced).
    #[cfg(not(unix))]
    {
        OsString::from(String::from_utf8_lossy(bytes).into_owned())
    }
}

/// Can `annotator` be the annotator part of a sidecar's file name?
fn valid_annotator_part(annotator: &str) -> bool {
    !annotator.is_empty() && annotator.chars().all(crate::annotation::annotator_char)
}

/// If `sidecar` is a sidecar file name, the document name and annotator it names.
pub fn parse_sidecar_name(sidecar: &str) -> Option<(&str, &str)> {
    let stem = sidecar.strip_suffix(SUFFIX)?;
    let dot = stem.rfind('.')?;
    let (doc, annotator) = (&stem[..dot], &stem[dot + 1..]);
    (valid_annotator_part(annotator) && !doc.is_empty()).then_some((doc, annotator))
}

/// [`parse_sidecar_name`] of a file name as the file system gives it: the
/// document's name comes back byte for byte (it need not be UTF-8); the
/// annotator part must be UTF-8.
pub fn parse_sidecar_file_name(sidecar: &OsStr) -> Option<(OsString, String)> {
    let (doc, annotator) = split_sidecar_file_name(sidecar)?;
    Some((doc.to_os_string(), annotator.to_string()))
}

/// [`parse_sidecar_file_name`] without copies: the document's name and the
/// annotator, borrowed from `sidecar` (a corpus walk splits 20,000 names).
pub fn split_sidecar_file_name(sidecar: &OsStr) -> Option<(&OsStr, &str)> {
    let stem = sidecar.as_encoded_bytes().strip_suffix(SUFFIX.as_bytes())?;
    let dot = stem.iter().rposition(|&b| b == b'.')?;
    let (doc, annotator) = (&stem[..dot], &stem[dot + 1..]);
    let annotator = std::str::from_utf8(annotator).ok()?;
    // SAFETY: `doc` is a prefix of `sidecar`'s encoded bytes ending just
    // before an ASCII `.`, so it is valid encoded `OsStr` bytes.
    let doc = unsafe { OsStr::from_encoded_bytes_unchecked(doc) };
    (valid_annotator_part(annotator) && !doc.is_empty()).then_some((doc, annotator))
}

/// Is `name` meant as a sidecar (`<document>.<something>.gloss.ron`) even if
/// [`parse_sidecar_file_name`] refuses it (an annotator part that is not a
/// name, or not UTF-8)? Such files are reported, never skipped silently.
pub fn looks_like_sidecar(name: &OsStr) -> bool {
    name.as_encoded_bytes()
        .strip_suffix(SUFFIX.as_bytes())
        .and_then(|stem| stem.iter().rposition(|&b| b == b'.'))
        .is_some_and(|dot| dot > 0)
}

/// Every sidecar beside `document`, sorted by annotator.
pub fn sidecars_of(document: &Path) -> Vec<(String, PathBuf)> {
    let Some(name) = document.file_name() else {
        return Vec::new();
    };
    let folder = match document.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&folder) {
        for entry in entries.flatten() {
            let file = entry.file_name();
            if let Some((doc, annotator)) = parse_sidecar_file_name(&file)
                && doc == name
            {
                out.push((annotator, document.with_file_name(&file)));
            }
        }
    }
    out.sort();
    out
}

/// Every sidecar in `folder`, by its document's file name: `(annotator,
/// path)` sorted, as [`sidecars_of`] gives them for each document, from one
/// listing of the folder.
pub fn sidecars_in(folder: &Path) -> HashMap<OsString, Vec<(String, PathBuf)>> {
    let names: Vec<OsString> = std::fs::read_dir(folder)
        .map(|entries| entries.flatten().map(|e| e.file_name()).collect())
        .unwrap_or_default();
    sidecars_named(folder, names.iter().map(OsString::as_os_str))
}

/// [`sidecars_in`] from a listing of `folder` already made (`names`, its
/// entries' file names).
pub fn sidecars_named<'a>(
    folder: &Path,
    names: impl IntoIterator<Item = &'a OsStr>,
) -> HashMap<OsString, Vec<(String, PathBuf)>> {
    let mut out: HashMap<OsString, Vec<(String, PathBuf)>> = HashMap::new();
    for file in names {
        if let Some((doc, annotator)) = parse_sidecar_file_name(file) {
            out.entry(doc)
                .or_default()
                .push((annotator, folder.join(file)));
        }
    }
    for sidecars in out.values_mut() {
        sidecars.sort();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::{Stance, Tag};
    use crate::document::anchor::Anchor;

    fn sample() -> Sidecar {
        let doc = Document::from_text(Path::new("memo.txt"), "Nam Il spoke.\n\nPak listened.\n");
        let mut s = Sidecar::new(&doc, "kim");
        let mut a = Annotation::new(
            Tag::Position {
                actor: "Nam Il".into(),
                stance: Stance::Oppose,
                issue: "criticism \"sharp\" \u{1b}]0;x".into(),
            },
            Anchor::whole(&doc, 0),
        );
        a.note = Some("line one\nline two".into());
        s.annotations.push(a);
        s.annotations.push(Annotation::new(
            Tag::Claim { by: "Pak".into() },
            Anchor::whole(&doc, 1),
        ));
        s.learn_names();
        s
    }

    #[test]
    fn round_trips_and_is_stable() {
        let s = sample();
        let text = s.to_ron().unwrap();
        let back = Sidecar::parse(&text, Path::new("x")).unwrap();
        assert_eq!(back, s);
        assert_eq!(back.to_ron().unwrap(), text);
        assert!(
            !text.contains('\u{1b}'),
            "escape bytes must be escaped in the file"
        );
        assert!(text.starts_with("(\n    version: 1,\n    source: (\n        name: \"memo.txt\","));
        assert!(text.contains("tag: Position("));
    }

    #[test]
    fn a_registry_loads_as_the_whole_file_gives_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = sample();
        s.actors.push(Actor {
            name: "Choe Chang-ik".into(),
            aliases: vec!["Choe Chang Ik".into()],
        });
        let text = s.to_ron().unwrap();
        // Gloss's layout (read up to the registry), with a byte-order mark,
        // in another order (read whole), and files that are no sidecar.
        let other_order = text.replacen("    version: 1,\n", "", 1).replacen(
            "    annotations:",
            "    version: 1,\n    annotations:",
            1,
        );
        let files: [(&str, Vec<u8>); 5] = [
            ("gloss.ron", text.clone().into_bytes()),
            ("bom.ron", format!("\u{feff}{text}").into_bytes()),
            ("order.ron", other_order.into_bytes()),
            ("bad.ron", b"(version: 1, source: oops)".to_vec()),
            ("latin1.ron", b"(version: 1, \xe9)".to_vec()),
        ];
        for (name, bytes) in files {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            let whole = Sidecar::load(&path).map(|s| s.actors);
            let registry = Sidecar::load_actors(&path);
            assert_eq!(format!("{registry:?}"), format!("{whole:?}"), "{name}");
            assert_eq!(
                registry.is_ok(),
                !name.starts_with("bad") && !name.starts_with("latin1"),
                "{name}"
            );
        }
        // What follows the registry is not read.
        let damaged = text.replacen("    annotations: [", "    annotations: [oops", 1);
        let path = dir.path().join("damaged.ron");
        std::fs::write(&path, damaged).unwrap();
        assert!(Sidecar::load(&path).is_err());
        assert_eq!(
            Sidecar::load_actors(&path).unwrap(),
            s.registry().into_vec()
        );
    }

    #[test]
    fn a_registry_longer_than_the_head_read_first_loads_whole() {
        let dir = tempfile::tempdir().unwrap();
        // Hangul names (three bytes a character) so that the head's end
        // falls inside a character for one of the paddings.
        let mut s = sample();
        for i in 0..40 {
            s.actors.push(Actor {
                name: format!("박창옥 {i}"),
                aliases: vec![format!("Pak Chang Ok {i}")],
            });
        }
        for pad in 0..3 {
            s.annotator = format!("an{}", "x".repeat(pad));
            let text = s.to_ron().unwrap();
            assert!(text.find("annotations").unwrap() > REGISTRY_HEAD);
            let path = dir.path().join(format!("long{pad}.ron"));
            std::fs::write(&path, &text).unwrap();
            assert_eq!(
                Sidecar::load_actors(&path).unwrap(),
                Sidecar::load(&path).unwrap().actors
            );
        }
        // A registry within the head: what follows it is not read, even
        // bytes that are not UTF-8 (the whole file is refused by `load`).
        let mut short = sample();
        short.annotations[0].note = Some("x".repeat(2 * REGISTRY_HEAD));
        let mut bytes = short.to_ron().unwrap().into_bytes();
        let at = bytes.len() - 10;
        bytes[at] = 0xff;
        let path = dir.path().join("tail.ron");
        std::fs::write(&path, &bytes).unwrap();
        assert!(Sidecar::load(&path).is_err());
        assert_eq!(
            Sidecar::load_actors(&path).unwrap(),
            short.registry().into_vec()
        );
    }

    #[test]
    fn parse_errors_have_positions() {
        let err = Sidecar::parse(
            "(\n    version: 1,\n    source: oops,\n)",
            Path::new("m.ron"),
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("m.ron:3:"), "{msg}");
    }

    #[test]
    fn text_that_is_no_sidecar_is_named_in_user_terms() {
        let err = Sidecar::parse("garbage(", Path::new("g.ron")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("g.ron:1:1: "), "{msg}");
        assert!(msg.contains("glossator sidecar"), "{msg}");
        assert!(!msg.contains("Probe"), "{msg}");
    }

    #[test]
    fn newer_versions_are_refused() {
        let err = Sidecar::parse(
            "(version: 7, source: (name: \"\", size: 0, sha256: \"\"), annotator: \"a\")",
            Path::new("n.ron"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("version 7 is newer"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!(
            "(version: 1, source: {}{})",
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        assert!(Sidecar::parse(&deep, Path::new("d.ron")).is_err());
    }

    #[test]
    fn optional_values_may_omit_some() {
        let s = sample();
        let text = s.to_ron().unwrap().replace(
            "note: Some(\"line one\\nline two\")",
            "note: \"line one\\nline two\"",
        );
        assert!(text.contains("note: \"line one"));
        assert_eq!(Sidecar::parse(&text, Path::new("x")).unwrap(), s);
    }

    #[test]
    fn duplicate_ids_are_separated_the_same_way_every_time() {
        let mut s = sample();
        let mut copy = s.annotations[1].clone();
        copy.tag = Tag::Claim { by: "Kim".into() };
        s.annotations.push(copy);
        let first = s.annotations[1].id.clone();
        // Taken already: the copy must not land on it.
        let mut squatter = s.annotations[0].clone();
        squatter.id = format!("{first}-dup2");
        s.annotations.push(squatter);
        s.normalise();
        assert!(s.has_duplicate_ids());
        let mut again = s.clone();
        let renamed = s.separate_duplicate_ids();
        assert_eq!(renamed.len(), 1);
        assert_eq!(renamed[0].from, first);
        assert_eq!(renamed[0].to, format!("{first}-dup3"));
        assert_eq!(renamed[0].paragraph, 2);
        assert!(!s.has_duplicate_ids());
        assert_eq!(s.annotations.len(), 4);
        // Another session (or the other side of a merge) gets the same ids.
        again.separate_duplicate_ids();
        assert_eq!(again, s);
        assert!(s.separate_duplicate_ids().is_empty());
        let notice = Renamed::notice(&renamed).unwrap();
        assert!(notice.starts_with("Duplicate id on ¶2"), "{notice}");
    }

    #[test]
    fn names_round_trip() {
        let p = sidecar_path(Path::new("dir/memo 1.txt"), "kim");
        assert_eq!(p, Path::new("dir/memo 1.txt.kim.gloss.ron"));
        assert_eq!(
            parse_sidecar_name("memo 1.txt.kim.gloss.ron"),
            Some(("memo 1.txt", "kim"))
        );
        assert_eq!(
            parse_sidecar_name("memo.txt.gloss.ron"),
            Some(("memo", "txt"))
        );
        assert_eq!(parse_sidecar_name("x.a b.gloss.ron"), None);
    }
}
