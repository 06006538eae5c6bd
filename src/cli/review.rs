//! `gloss review FILE [SIDECAR...]`: the annotating TUI with every other
//! annotator's sidecar beside one's own, read-only.
//!
//! The reviewer (`--as`, config, `$USER`, as for `gloss FILE`) works in their
//! own sidecar. Without SIDECARs, every `FILE.*.gloss.ron` is reviewed. The
//! reviewer's own sidecar takes part in comparisons when it was named among
//! the SIDECARs, or (without SIDECARs) when it holds annotations of the
//! reviewer's own making; a new or purely adopted sidecar is an adjudication.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::annotate::{Session, prepare, run_session};
use super::{SessionArgs, report};
use crate::corpus::Layer;
use crate::sidecar::{self, Sidecar};

/// Resolve the reviewer's session and load the other layers.
pub fn prepare_review(
    file: &Path,
    sidecars: &[PathBuf],
    args: &SessionArgs,
) -> Result<Session, String> {
    let mut session = prepare(file, args)?;
    // Others' layers are placed in the whole text: finish indexing first.
    session.app.doc.wait_complete();
    let own = session.app.annotator().to_string();
    let own_path = sidecar::sidecar_path(file, &own);
    let same_file = |p: &Path| {
        p == own_path
            || std::fs::canonicalize(p)
                .ok()
                .zip(std::fs::canonicalize(&own_path).ok())
                .is_some_and(|(a, b)| a == b)
    };
    let explicit = !sidecars.is_empty();
    let paths: Vec<PathBuf> = if explicit {
        sidecars.to_vec()
    } else {
        sidecar::sidecars_of(file)
            .into_iter()
            .map(|(_, p)| p)
            .collect()
    };
    let mut others = Vec::new();
    let mut own_named = false;
    let mut errors = Vec::new();
    for path in paths {
        if same_file(&path) {
            own_named = true;
            continue;
        }
        if explicit && !path.is_file() {
            errors.push(format!("{}: no such sidecar", path.display()));
            continue;
        }
        match Sidecar::load(&path) {
            Ok(mut s) => {
                // Adopting one of two annotations with one id adopts one
                // (the colleague's gloss gives the copy the same fresh id).
                s.separate_duplicate_ids();
                let annotator = path
                    .file_name()
                    .and_then(|n| {
                        sidecar::parse_sidecar_name(&n.to_string_lossy())
                            .map(|(_, a)| a.to_string())
                    })
                    .unwrap_or_else(|| crate::annotation::clean_annotator(&s.annotator));
                if annotator == own {
                    errors.push(format!(
                        "{}: this is {own}'s sidecar of another document; review it as someone else (--as)",
                        path.display()
                    ));
                    continue;
                }
                if others.iter().any(|l: &Layer| l.annotator == annotator) {
                    errors.push(format!(
                        "{}: annotator {annotator} named twice",
                        path.display()
                    ));
                    continue;
                }
                others.push(Layer::new(&session.app.doc, annotator, path, s));
            }
            Err(e) => errors.push(e.to_string()),
        }
    }
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    if others.is_empty() {
        return Err(format!(
            "{}: no other annotators' sidecars to review (expected {}.<annotator>.gloss.ron beside it, other than {own}'s)",
            file.display(),
            file.display()
        ));
    }
    let compare_own = if explicit {
        own_named
    } else {
        session
            .app
            .sidecar
            .annotations
            .iter()
            .any(|a| a.origin.is_none())
    };
    let notice = session.app.status.clone();
    session.app.start_review(others, compare_own);
    if let Some(n) = notice.filter(|n| n.error) {
        session.app.status = Some(n);
    }
    Ok(session)
}

pub fn run(file: &Path, sidecars: &[PathBuf], args: &SessionArgs) -> ExitCode {
    match prepare_review(file, sidecars, args) {
        Ok(session) => run_session(
            session,
            "gloss: the review view needs a terminal (use `gloss agree` in scripts)",
        ),
        Err(e) => {
            for line in e.lines() {
                report(line);
            }
            ExitCode::from(1)
        }
    }
}
