//! `gloss check`: validate sidecars and report anchor health.
//!
//! Prints one summary line per sidecar on stdout (exact / moved / fuzzy with
//! scores / orphaned) and one line per problem on stderr, as
//! `file:line:column: message`. Exit 1 when anything is wrong, orphans included.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::ExitCode;

use super::report;
use crate::annotation::Tag;
use crate::corpus::{self, Layer, position_of};
use crate::document::anchor::Placement;
use crate::document::sanitize::display_line;

pub fn run(paths: &[PathBuf]) -> ExitCode {
    let (targets, errors) = corpus::find_targets(paths, &[], false);
    let mut failed = !errors.is_empty();
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
                    if !check_layer(layer) {
                        failed = true;
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
    // never written while they do not).
    let mut projects: Vec<PathBuf> = targets
        .iter()
        .filter_map(|t| crate::project::Project::find(&t.document))
        .collect();
    projects.sort();
    projects.dedup();
    for file in projects {
        if let Err(e) = crate::project::Project::load(&file) {
            failed = true;
            report(e);
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Summarise one sidecar; report its problems. Returns true when healthy.
fn check_layer(layer: &Layer) -> bool {
    let path = layer.path.display().to_string();
    let text = std::fs::read_to_string(&layer.path).unwrap_or_default();
    let locate = |id: &str| position_of(&text, &format!("\"{id}\"")).unwrap_or((1, 1));
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
    ok
}
