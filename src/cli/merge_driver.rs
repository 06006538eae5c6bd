//! `gloss merge-driver BASE OURS THEIRS [PATH]`: git's custom merge driver
//! for sidecars, merging by annotation id instead of by line.
//!
//! Set up once per repository:
//! ```text
//! echo '*.gloss.ron merge=gloss' >> .gitattributes
//! git config merge.gloss.driver "gloss merge-driver %O %A %B %P"
//! ```
//! git passes the common ancestor (%O), our version (%A) and theirs (%B) as
//! temporary files; the result must be written to %A. Exit 0 means merged
//! cleanly; non-zero leaves the file marked as conflicted. Where both sides
//! changed the same annotation, both versions are kept (theirs under
//! `<id>~1`), the file stays valid RON, and `// CONFLICT` comments mark the
//! places, so the merged sidecar still loads while the user resolves them.
//!
//! The project file `gloss.ron` goes through the same driver (add
//! `gloss.ron merge=gloss` to `.gitattributes`): it is told apart by its file
//! name (%P), or by its content when no name is given, and merged by actor
//! name, issue name and document path ([`crate::project::merge`]).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::report;
use crate::project::Project;
use crate::sidecar::merge::{Conflict, merge};
use crate::sidecar::store::write_atomic;
use crate::sidecar::{Sidecar, read_capped};

/// Read one version; an empty file (git's stand-in for a missing ancestor) is
/// `None`.
fn read_version(path: &Path) -> Result<Option<Sidecar>, String> {
    let text = read_capped(path).map_err(|e| e.to_string())?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    Sidecar::parse(&text, path)
        .map(Some)
        .map_err(|e| e.to_string())
}

pub fn run(base: &Path, ours: &Path, theirs: &Path, shown: Option<&PathBuf>) -> ExitCode {
    let name = shown
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| ours.display().to_string());
    if is_project_file(ours, shown) {
        return run_project(base, ours, theirs, &name);
    }
    let (b, o, t) = match (read_version(base), read_version(ours), read_version(theirs)) {
        (Ok(b), Ok(o), Ok(t)) => (b, o, t),
        (b, o, t) => {
            for e in [b.err(), o.err(), t.err()].into_iter().flatten() {
                report(format!(
                    "{e} (gloss merge-driver: {name} left for a manual merge)"
                ));
            }
            return ExitCode::from(1);
        }
    };
    let (ours_s, theirs_s) = match (o, t) {
        (Some(o), Some(t)) => (o, t),
        // One side emptied the file: keep the other side's version as it is.
        (Some(o), None) => (
            o.clone(),
            Sidecar {
                annotations: Vec::new(),
                ..o
            },
        ),
        (None, Some(t)) => (
            Sidecar {
                annotations: Vec::new(),
                ..t.clone()
            },
            t,
        ),
        (None, None) => return ExitCode::SUCCESS,
    };
    let base_s = b.unwrap_or_else(|| Sidecar {
        annotations: Vec::new(),
        ..ours_s.clone()
    });
    let merged = merge(&base_s, &ours_s, &theirs_s);
    let text = match merged.sidecar.to_ron() {
        Ok(t) => t,
        Err(e) => {
            report(format!("{name}: could not serialise the merge: {e}"));
            return ExitCode::from(1);
        }
    };
    let text = mark_conflicts(&text, &merged.conflicts);
    if let Err(e) = write_atomic(ours, text.as_bytes()) {
        report(format!("{}: {e}", ours.display()));
        return ExitCode::from(1);
    }
    if merged.conflicts.is_empty() {
        return ExitCode::SUCCESS;
    }
    for c in &merged.conflicts {
        let (line, col) =
            crate::corpus::position_of(&text, &format!("\"{}\"", c.id)).unwrap_or((1, 1));
        let kept = c
            .kept_as
            .as_ref()
            .map(|k| format!("; their version kept as {k}"))
            .unwrap_or_default();
        report(format!(
            "{name}:{line}:{col}: conflict: annotation {} {}{kept}",
            c.id, c.what
        ));
    }
    ExitCode::from(1)
}

/// Is this merge about a project file? By the repository path's file name
/// when git gives it (%P); else by content: ours parses as a project file
/// and not as a sidecar.
fn is_project_file(ours: &Path, shown: Option<&PathBuf>) -> bool {
    if let Some(name) = shown.and_then(|p| p.file_name()) {
        return name == crate::project::FILE_NAME;
    }
    let Ok(text) = read_capped(ours) else {
        return false;
    };
    Sidecar::parse(&text, ours).is_err() && Project::parse(&text, ours).is_ok()
}

/// Read one version of a project file; an empty file is `None`.
fn read_project(path: &Path) -> Result<Option<Project>, String> {
    let text = read_capped(path).map_err(|e| e.to_string())?;
    if text.trim().is_empty() {
        return Ok(None);
    }
    Project::parse(&text, path)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// The driver for `gloss.ron`: three-way by actor, issue and document; where
/// both sides changed one value ours is kept, theirs is written in a
/// `// CONFLICT` comment above the entry, and the merge is reported (exit 1).
fn run_project(base: &Path, ours: &Path, theirs: &Path, name: &str) -> ExitCode {
    let (b, o, t) = match (read_project(base), read_project(ours), read_project(theirs)) {
        (Ok(b), Ok(o), Ok(t)) => (b, o, t),
        (b, o, t) => {
            for e in [b.err(), o.err(), t.err()].into_iter().flatten() {
                report(format!(
                    "{e} (gloss merge-driver: {name} left for a manual merge)"
                ));
            }
            return ExitCode::from(1);
        }
    };
    // A side that emptied the file: the other side's version stands.
    let (o, t) = match (o, t) {
        (Some(o), Some(t)) => (o, t),
        (Some(o), None) => (o.clone(), o),
        (None, Some(t)) => (t.clone(), t),
        (None, None) => return ExitCode::SUCCESS,
    };
    let merged = crate::project::merge::merge(&b.unwrap_or_default(), &o, &t);
    let text = match merged.project.to_ron() {
        Ok(t) => t,
        Err(e) => {
            report(format!("{name}: could not serialise the merge: {e}"));
            return ExitCode::from(1);
        }
    };
    let text = crate::project::merge::mark_conflicts(&text, &merged.conflicts);
    if let Err(e) = write_atomic(ours, text.as_bytes()) {
        report(format!("{}: {e}", ours.display()));
        return ExitCode::from(1);
    }
    if merged.conflicts.is_empty() {
        return ExitCode::SUCCESS;
    }
    for c in &merged.conflicts {
        let line = text
            .lines()
            .position(|l| l.trim_start().starts_with("// CONFLICT") && l.contains(&c.describe()))
            .map_or(1, |i| i + 1);
        report(format!("{name}:{line}:1: conflict: {}", c.describe()));
    }
    ExitCode::from(1)
}

/// Put a `// CONFLICT` comment line before the `id:` line of every annotation
/// a conflict names (both versions). Comments keep the file valid RON.
pub fn mark_conflicts(text: &str, conflicts: &[Conflict]) -> String {
    if conflicts.is_empty() {
        return text.to_string();
    }
    let mut notes: Vec<(String, String)> = Vec::new();
    for c in conflicts {
        let mut what = format!("CONFLICT (gloss merge): {} {}", c.id, c.what);
        if let Some(k) = &c.kept_as {
            what.push_str(&format!(
                "; their version is {k}: keep one, delete the other"
            ));
            notes.push((
                k.clone(),
                format!("CONFLICT (gloss merge): their version of {}", c.id),
            ));
        }
        notes.push((c.id.clone(), what));
    }
    let mut out = String::with_capacity(text.len() + 100 * notes.len());
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix("id: ") {
            for (id, note) in &notes {
                if rest == format!("\"{id}\",") {
                    let indent = &line[..line.len() - trimmed.len()];
                    // Ids are `[0-9a-f-~]` made by glossator, but a hand-edited
                    // one could hold a newline escape: keep the comment one line.
                    let note: String = note.chars().filter(|c| !c.is_control()).collect();
                    out.push_str(&format!("{indent}// {note}\n"));
                }
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

    #[test]
    fn marks_both_versions_and_stays_valid() {
        let text = "(\n    annotations: [\n        (\n            id: \"a\",\n        ),\n        (\n            id: \"a~1\",\n        ),\n    ],\n)\n";
        let conflicts = vec![Conflict {
            id: "a".into(),
            kept_as: Some("a~1".into()),
            what: "changed on both sides",
        }];
        let out = mark_conflicts(text, &conflicts);
        assert_eq!(out.matches("// CONFLICT").count(), 2, "{out}");
        assert!(out.contains("            // CONFLICT (gloss merge): a changed on both sides"));
        let v: ron::Value = ron::from_str(&out).unwrap();
        let _ = v;
    }
}
