//! `gloss check`: validate sidecars and report anchor health.
//!
//! Prints one summary line per sidecar on stdout (exact / moved / fuzzy with
//! scores / orphaned) and one line per problem on stderr, as
//! `file:line:column: message`. Exit 1 when anything is wrong, orphans included.
//! Warnings (names in no registry, likely duplicate names, ambiguous anchors)
//! leave the exit code 0 unless `--strict`.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::ExitCode;

use super::report;
use crate::annotation::Tag;
use crate::annotation::duplicates::{Likeness, likely_duplicates, likeness};
use crate::corpus::{self, AnnotatedDocument, Layer};
use crate::document::anchor::Placement;
use crate::document::sanitize::display_line;
use crate::project::Project;

pub fn run(paths: &[PathBuf], strict: bool) -> ExitCode {
    let (targets, errors) = corpus::find_targets(paths, &[], false);
    let mut failed = !errors.is_empty();
    let mut warnings = 0;
    let mut names = NameCheck::default();
    let mut said: std::collections::HashSet<String> = std::collections::HashSet::new();
    for e in errors {
        report(e);
    }
    for target in &targets {
        match corpus::load(target) {
            Ok((doc, errs)) => {
                for e in errs {
                    failed = true;
                    report(e);
                }
                for layer in &doc.layers {
                    let (ok, warned) = check_layer(layer);
                    failed |= !ok;
                    warnings += warned;
                }
                match names.check(&doc) {
                    Ok(warned) => warnings += warned,
                    Err(e) => {
                        failed = true;
                        // A broken project file is said once, not per document.
                        if said.insert(e.clone()) {
                            report(e);
                        }
                    }
                }
            }
            Err(e) => {
                failed = true;
                report(e);
            }
        }
    }
    // The project files above the documents must parse too (they are
    // never written while they do not), and the one of each folder named,
    // even where no document has a sidecar yet.
    let mut projects: Vec<PathBuf> = targets
        .iter()
        .map(|t| t.document.as_path())
        .chain(paths.iter().map(PathBuf::as_path))
        .filter_map(crate::project::Project::find)
        .collect();
    projects.sort();
    projects.dedup();
    for file in projects {
        if names.broken.contains(&file) {
            continue; // already reported by the names check
        }
        if let Err(e) = crate::project::Project::load(&file) {
            failed = true;
            if said.insert(e.to_string()) {
                report(e);
            }
        }
    }
    if failed || (strict && warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Summarise one sidecar; report its problems. Returns whether it is
/// healthy, and how many warnings were given.
fn check_layer(layer: &Layer) -> (bool, usize) {
    let path = crate::document::sanitize::path_text(&layer.path);
    let text = std::fs::read_to_string(&layer.path).unwrap_or_default();
    // Every id's position from one pass over the file: looking each one up
    // from the start made checking quadratic (issue #9: 100k never finished).
    let positions = quoted_positions(
        &text,
        layer.sidecar.annotations.iter().map(|a| a.id.as_str()),
    );
    let locate = |id: &str| positions.get(id).copied().unwrap_or((1, 1));
    let mut ok = true;
    let (mut exact, mut moved, mut orphaned, mut ambiguous) = (0, 0, 0, 0);
    let mut fuzzy = Vec::new();
    let mut ids = HashSet::new();
    for (a, p) in layer.sidecar.annotations.iter().zip(&layer.placements) {
        let (line, col) = locate(&a.id);
        if !ids.insert(a.id.as_str()) {
            ok = false;
            report(format!(
                "{path}:{line}:{col}: annotation id {} is used twice (opening the document in gloss gives the copy a fresh id)",
                a.id
            ));
        }
        let empty = match &a.tag {
            Tag::Claim { by } => by.trim().is_empty(),
            Tag::Advice { from, to } => from.trim().is_empty() || to.trim().is_empty(),
            Tag::Position { actor, issue, .. } => {
                actor.trim().is_empty() || issue.trim().is_empty()
            }
        };
        if empty {
            ok = false;
            report(format!(
                "{path}:{line}:{col}: annotation {} has an empty actor or issue",
                a.id
            ));
        }
        if p.is_ambiguous() {
            ambiguous += 1;
            report(format!(
                "{path}:{line}:{col}: warning: annotation {} ({}) placed on ¶{}, but another paragraph matches as well: check it",
                a.id,
                display_line(&a.tag.summary()),
                p.index().map_or(0, |i| i + 1),
            ));
        }
        match p {
            Placement::Exact(_) => exact += 1,
            Placement::Moved { .. } => moved += 1,
            Placement::Fuzzy { to, score, .. } => {
                fuzzy.push(format!("¶{}→¶{} {:.2}", a.anchor.paragraph, to + 1, score))
            }
            Placement::Orphan => {
                orphaned += 1;
                ok = false;
                let quote: String = a.anchor.quote.chars().take(60).collect();
                report(format!(
                    "{path}:{line}:{col}: orphaned annotation {} ({}), was ¶{}: “{}”",
                    a.id,
                    display_line(&a.tag.summary()),
                    a.anchor.paragraph,
                    display_line(&quote)
                ));
            }
        }
    }
    for (id, copy) in crate::sidecar::merge::unsettled(&layer.sidecar) {
        ok = false;
        let (line, col) = locate(&copy);
        report(format!(
            "{path}:{line}:{col}: unsettled merge conflict: {id} and {copy} are two versions of one annotation; delete the one not wanted"
        ));
    }
    let fuzzy_detail = if fuzzy.is_empty() {
        String::new()
    } else {
        format!(" ({})", fuzzy.join(", "))
    };
    let ambiguous_detail = if ambiguous > 0 {
        format!(", {ambiguous} ambiguous")
    } else {
        String::new()
    };
    println!(
        "{}: {} annotation(s): {exact} exact, {moved} moved, {} fuzzy{fuzzy_detail}, {orphaned} orphaned{ambiguous_detail}",
        display_line(&path),
        layer.sidecar.annotations.len(),
        fuzzy.len(),
    );
    (ok, ambiguous)
}

/// The names check: tags whose names are in no registry, and names that
/// likely mean one actor or issue. Project files are read once; a pair of
/// names is reported once per run.
#[derive(Default)]
struct NameCheck {
    projects: HashMap<PathBuf, Project>,
    /// Project files that did not load: reported once, not once per document.
    broken: HashSet<PathBuf>,
    reported: HashSet<(String, String)>,
}

impl NameCheck {
    /// Every registry that counts for `doc`: its project's codebook and each
    /// annotator's registry, united (an alias known to anyone counts for
    /// everyone). The one place `gloss check` resolves names.
    fn known_names(
        &mut self,
        doc: &AnnotatedDocument,
    ) -> Result<Option<(Project, Option<PathBuf>)>, String> {
        let file = Project::find(doc.doc.path());
        let mut book = match &file {
            Some(f) if self.broken.contains(f) => return Ok(None),
            Some(f) => match self.projects.get(f) {
                Some(p) => p.clone(),
                None => match Project::load(f) {
                    Ok(p) => {
                        self.projects.insert(f.clone(), p.clone());
                        p
                    }
                    Err(e) => {
                        self.broken.insert(f.clone());
                        return Err(e.to_string());
                    }
                },
            },
            None => Project::new(),
        };
        for layer in &doc.layers {
            book.learn(&layer.sidecar.actors, &layer.sidecar.issues);
        }
        Ok(Some((book, file)))
    }

    /// Report the warnings for one document; returns how many.
    fn check(&mut self, doc: &AnnotatedDocument) -> Result<usize, String> {
        // A broken project file is reported once; its documents go unchecked.
        let Some((book, file)) = self.known_names(doc)? else {
            return Ok(0);
        };
        let registry = book.registry();
        let issues: HashSet<String> = book.issues.iter().map(|i| fold(&i.name)).collect();
        let mut warnings = 0;
        for layer in &doc.layers {
            let path = crate::document::sanitize::path_text(&layer.path);
            let text = std::fs::read_to_string(&layer.path).unwrap_or_default();
            let mut seen = HashSet::new();
            // Every id's position in one pass, and only when a warning needs one
            // (a search per annotation made check quadratic: issue #9, item 17).
            let mut positions: Option<HashMap<&str, (usize, usize)>> = None;
            for a in &layer.sidecar.annotations {
                let mut unknown: Vec<(&str, &str)> = a
                    .tag
                    .actors()
                    .into_iter()
                    .filter(|n| registry.find(n).is_none())
                    .map(|n| ("actor", n))
                    .collect();
                if let Tag::Position { issue, .. } = &a.tag
                    && !issues.contains(&fold(issue))
                {
                    unknown.push(("issue", issue));
                }
                for (what, name) in unknown {
                    if !seen.insert((what, fold(name))) {
                        continue;
                    }
                    warnings += 1;
                    let known: Vec<String> = if what == "actor" {
                        book.actors.iter().map(|x| x.name.clone()).collect()
                    } else {
                        book.issue_names()
                    };
                    let near = known.iter().find(|k| likeness(k, name).is_some());
                    let fix = match near {
                        Some(k) if what == "actor" => format!(
                            "fix: write '{k}', or make '{name}' an alias of {k} in the codebook view (K)"
                        ),
                        Some(k) => {
                            format!("fix: write '{k}', or merge the two in the codebook view (K)")
                        }
                        None => format!(
                            "fix: add the {what} to gloss.ron, or tag it once in gloss (which registers it)"
                        ),
                    };
                    let (line, col) = positions
                        .get_or_insert_with(|| {
                            quoted_positions(
                                &text,
                                layer.sidecar.annotations.iter().map(|a| a.id.as_str()),
                            )
                        })
                        .get(a.id.as_str())
                        .copied()
                        .unwrap_or((1, 1));
                    report(format!(
                        "{path}:{line}:{col}: warning: {what} '{}' (annotation {}) is in no registry; {fix}",
                        display_line(name),
                        a.id
                    ));
                }
            }
        }
        let place = file
            .as_ref()
            .unwrap_or(&doc.doc.path().to_path_buf())
            .display()
            .to_string();
        let actors: Vec<(String, Vec<String>)> = book
            .actors
            .iter()
            .map(|a| (a.name.clone(), a.aliases.clone()))
            .collect();
        let issue_names: Vec<(String, Vec<String>)> = book
            .issues
            .iter()
            .map(|i| (i.name.clone(), Vec::new()))
            .collect();
        for (what, entries) in [("actors", &actors), ("issues", &issue_names)] {
            for (i, j, how) in likely_duplicates(entries) {
                let (a, b) = (&entries[i].0, &entries[j].0);
                if !self.reported.insert((a.clone(), b.clone())) {
                    continue;
                }
                warnings += 1;
                let why = match how {
                    Likeness::Folded => {
                        "equal ignoring case, hyphens, spaces and diacritics".to_string()
                    }
                    Likeness::Edits(n) => format!("{n} letter(s) apart"),
                };
                let fix = if what == "actors" {
                    "merge the wrong one into the other in the codebook view (K, select it, m)"
                } else {
                    "merge the wrong one into the other in the codebook view (K, Tab, select it, m)"
                };
                report(format!(
                    "{}: warning: {what} '{}' and '{}' look like one ({why}); fix: {fix}, or leave them if they differ",
                    display_line(&place),
                    display_line(a),
                    display_line(b)
                ));
            }
        }
        Ok(warnings)
    }
}

fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The 1-based line and column (in characters) of the first `"word"` in
/// `text` for each of `words` (words without `"`), in one pass: every quoted
/// run between two consecutive quotes is looked up once.
fn quoted_positions<'w>(
    text: &str,
    words: impl IntoIterator<Item = &'w str>,
) -> HashMap<&'w str, (usize, usize)> {
    let wanted: HashMap<&str, &'w str> = words.into_iter().map(|w| (w, w)).collect();
    let mut found = HashMap::with_capacity(wanted.len());
    let quotes: Vec<usize> = memchr::memchr_iter(b'"', text.as_bytes()).collect();
    // Line and column advance from the last quote seen, never from the start.
    let (mut at, mut line, mut col) = (0usize, 1usize, 1usize);
    for pair in quotes.windows(2) {
        let (open, close) = (pair[0], pair[1]);
        let Some(&word) = wanted.get(&text[open + 1..close]) else {
            continue;
        };
        if found.contains_key(word) {
            continue;
        }
        for c in text[at..open].chars() {
            if c == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
        }
        at = open;
        found.insert(word, (line, col));
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_positions_match_a_search_from_the_start() {
        let text = "(\n  id: \"a1\",\n  note: \"x \\\"a2\\\" y\",\n  id: \"a2\", \"a1\"\n  id: \"한\", \"b\"\n)";
        let got = quoted_positions(text, ["a1", "a2", "b", "missing"]);
        for word in ["a1", "a2", "b"] {
            assert_eq!(
                got.get(word).copied(),
                corpus::position_of(text, &format!("\"{word}\"")),
                "{word}"
            );
        }
        assert_eq!(got.get("missing"), None);
        assert_eq!(got["b"], (5, 12), "columns count characters");
    }
}
