//! `gloss FILE`: open the annotating TUI.

use std::io::IsTerminal;
use std::path::Path;
use std::process::ExitCode;

use super::{SessionArgs, report};
use crate::app::App;
use crate::config;
use crate::document::Document;
use crate::keymap::Keymap;
use crate::sidecar::journal::Journal;
use crate::sidecar::store::{SessionLock, SidecarStore};
use crate::sidecar::{self, Sidecar};
use crate::tui::{self, Ending};
use crate::view::Theme;

/// Everything needed to start a session, resolved from flags and config.
pub struct Session {
    pub app: App,
    pub store: Option<SidecarStore>,
    pub theme: Theme,
    /// Crash journal of unsaved changes (writable sessions only).
    pub journal: Option<Journal>,
    /// Advisory lock held while the session runs (tells a second session).
    pub lock: Option<SessionLock>,
}

/// Resolve config, keymap, document and sidecar. Errors are one line each.
pub fn prepare(file: &Path, args: &SessionArgs) -> Result<Session, String> {
    let dir = config::config_dir(args.config_dir.as_deref());
    let (cfg, warning) = config::load(dir.as_deref());
    let annotator = config::annotator(args.annotator.as_deref(), &cfg)?;
    let keymap_choice = args.keymap.clone().or(cfg.keymap.clone());
    let keymap =
        Keymap::load(keymap_choice.as_deref(), dir.as_deref()).map_err(|e| e.to_string())?;
    let theme = Theme::for_terminal(
        cfg.theme.as_deref().unwrap_or("default"),
        config::no_color(),
        crate::terminal::colour_depth(),
    );
    // A large document shows its first screen while the rest is indexed.
    let doc = Document::open_progressive(file).map_err(|e| e.to_string())?;
    let path = sidecar::sidecar_path(file, &annotator);
    let mut read_only = args.read_only;
    let mut notice = warning;
    let (store, loaded) = match SidecarStore::open(&path) {
        Ok((store, loaded)) => (Some(store), loaded),
        Err(e) if args.read_only => {
            notice = Some(format!("{e} — opened read-only without it"));
            (None, None)
        }
        Err(e) => {
            return Err(format!(
                "{e} (the file was not changed; fix it, or open with --read-only)"
            ));
        }
    };
    let mut sidecar = loaded.unwrap_or_else(|| Sidecar::new(&doc, &annotator));
    // Two annotations with one id (a hand edit, a bad merge): the copy gets a
    // fresh id before the journal replays edits made under it.
    let renamed = sidecar.separate_duplicate_ids();
    sidecar.annotator = annotator.clone();
    // Changes a crashed session journalled but never saved come back first,
    // merged with any change made to the sidecar since.
    let (journal, recovered) = match &store {
        Some(s) => {
            let (j, r) = Journal::recover(&path, &mut sidecar, s.disk_sha256());
            (Some(j), r)
        }
        None => (None, Default::default()),
    };
    let vocabulary = colleagues_vocabulary(file, &annotator);
    let mut app = App::new(doc, sidecar, keymap);
    // Anchors now refer to the current text (App::new placed them again).
    // (the SHA-256 of a large document follows from the background)
    app.refresh_source();
    app.vocabulary = vocabulary;
    if let Some(warning) = register_people(&mut app, file, args.read_only) {
        notice = Some(warning);
    }
    if let Some(warning) = open_project(&mut app, file) {
        notice = Some(warning);
    }
    // Cue-phrase rules: built-in, extended by the user's `cues.ron`.
    let (cue_rules, cue_warning) = crate::assist::CueRules::load(dir.as_deref());
    app.set_cue_rules(cue_rules);
    if let Some(warning) = cue_warning {
        notice = Some(match notice {
            Some(n) => format!("{n}; {warning}"),
            None => warning,
        });
    }
    if !args.read_only
        && std::fs::metadata(path.parent().unwrap_or(Path::new(".")))
            .is_ok_and(|m| m.permissions().readonly())
    {
        read_only = true;
        notice = Some("The folder is not writable: read-only session".into());
    }
    app.read_only = read_only;
    let lock = if read_only {
        None
    } else {
        SessionLock::acquire(&path)
    };
    if lock.as_ref().is_some_and(|l| !l.exclusive) && notice.is_none() {
        notice = Some(
            "Another gloss session has this sidecar open: both sessions' changes are merged on every save".into(),
        );
    }
    if recovered.changes > 0 || recovered.skipped_lines > 0 {
        let from = recovered
            .paths
            .first()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        // What matters most first: the status line cuts the end.
        let mut text = format!("Recovered {} unsaved change(s)", recovered.changes);
        if recovered.conflicts > 0 {
            text.push_str(&format!(
                ", {} also changed on disk since: both versions kept (⚠)",
                recovered.conflicts
            ));
        } else if recovered.sidecar_changed {
            text.push_str(", merged with newer changes on disk");
        }
        text.push_str(&format!(" from the journal {from}"));
        if recovered.skipped_lines > 0 {
            text.push_str(&format!(
                " ({} damaged line(s) skipped)",
                recovered.skipped_lines
            ));
        }
        notice = Some(match notice {
            Some(n) => format!("{text}; {n}"),
            None => text,
        });
    }
    if let Some(j) = journal.as_ref().filter(|_| !read_only) {
        // The journal now holds what differs from the sidecar on disk (the
        // files read are replaced, or removed when nothing differs)…
        if let Err(e) = j.settle() {
            let text = format!("the journal could not be rewritten ({e}): the old one is kept");
            notice = Some(match notice {
                Some(n) => format!("{n}; {text}"),
                None => text,
            });
        }
        // …and the save writes it.
        if j.pending() > 0 {
            app.request_save();
        }
    }
    if let Some(text) = sidecar::Renamed::notice(&renamed) {
        notice = Some(match notice {
            Some(n) => format!("{text}; {n}"),
            None => text,
        });
    }
    if notice.is_none() && !app.unsettled.is_empty() {
        let paragraphs: Vec<String> = app
            .unsettled
            .iter()
            .filter_map(|(id, _)| app.sidecar.annotations.iter().find(|a| &a.id == id))
            .map(|a| format!("¶{}", a.anchor.paragraph))
            .collect();
        notice = Some(format!(
            "Merge conflict on {}: two versions of an annotation (⚠) — delete one",
            paragraphs.join(", ")
        ));
    }
    if let Some(n) = notice {
        app.warn(n);
    } else if app.status.is_none() {
        app.say(format!(
            "Tags go to {} — ? for help",
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ));
    }
    Ok(Session {
        app,
        store: store.filter(|_| !read_only),
        theme,
        journal: journal.filter(|_| !read_only),
        lock,
    })
}

/// The persons and bodies a TEI document identifies become actors: in the
/// project file above it when there is one (merged, never clobbering),
/// otherwise (or read-only) in this session's names only.
fn register_people(app: &mut App, file: &Path, read_only: bool) -> Option<String> {
    use crate::project::store::OpenProject;
    let people = app.doc.extraction().map(|e| e.meta.actors.clone())?;
    if people.is_empty() {
        return None;
    }
    let mut warning = None;
    if !read_only {
        match OpenProject::above(file) {
            Ok(Some(mut open)) => {
                if open.project.register(&people) == 0 {
                    return None;
                }
                match open.save() {
                    Ok(_) => return None,
                    Err(e) => {
                        warning = Some(format!("{e} — the document's persons were not added"))
                    }
                }
            }
            Ok(None) => {}
            // Reported when the project is opened for the session.
            Err(_) => {}
        }
    }
    app.vocabulary
        .0
        .extend(people.into_iter().map(|p| crate::annotation::Actor {
            name: p.name,
            aliases: p.aliases,
        }));
    warning
}

/// Give the session the project file above `file`, if any. A project file
/// that cannot be read is left alone (never overwritten) and reported.
fn open_project(app: &mut App, file: &Path) -> Option<String> {
    use crate::project::{self, Project, store::ProjectStore};
    let found = Project::find(file)?;
    match ProjectStore::open(&found) {
        Ok((store, Some(loaded))) => {
            let key = project::document_key(&project::root_of(&found), file)?;
            let own = crate::sidecar::sidecar_path(file, app.annotator());
            let mut session =
                crate::app::codebook::ProjectSession::new(found, key, loaded, true, own);
            session.store = Some(store);
            app.project = Some(session);
            app.refresh_after_project_save();
            None
        }
        Ok((_, None)) => None,
        Err(e) => Some(format!("{e} — the project file is not used this session")),
    }
}

/// Actors and issues from the other annotators' sidecars of `file`, for
/// completion. A colleague's broken sidecar is skipped here (`gloss check` reports it).
fn colleagues_vocabulary(file: &Path, me: &str) -> (Vec<crate::annotation::Actor>, Vec<String>) {
    let mut actors = Vec::new();
    let mut issues = Vec::new();
    for (annotator, path) in sidecar::sidecars_of(file) {
        if annotator == me {
            continue;
        }
        if let Ok(mut other) = Sidecar::load(&path) {
            other.learn_names();
            actors.append(&mut other.actors);
            issues.append(&mut other.issues);
        }
    }
    (actors, issues)
}

pub fn run(file: &Path, args: &SessionArgs) -> ExitCode {
    match prepare(file, args) {
        Ok(session) => run_session(
            session,
            "gloss: the annotating view needs a terminal (use `gloss export` or `gloss check` in scripts)",
        ),
        Err(e) => {
            report(e);
            ExitCode::from(1)
        }
    }
}

/// Run a prepared session (annotating or reviewing) in the terminal: the
/// session lock is held and the crash journal kept until it ends; the exit
/// code says how it ended. `no_terminal` is the message when there is none.
pub(crate) fn run_session(session: Session, no_terminal: &str) -> ExitCode {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        report(no_terminal);
        return ExitCode::from(1);
    }
    let _lock = session.lock;
    // Checking a large document's text goes on after the screen opens: a bad
    // byte found then ends the session as `Ending::BadDocument`.
    let ending = tui::run_with(session.app, session.store, session.journal, session.theme);
    match ending {
        Ok(Ending::Quit) => ExitCode::SUCCESS,
        Ok(Ending::Signal(sig)) => ExitCode::from((128 + sig).clamp(0, 255) as u8),
        Ok(Ending::BadDocument(e)) => {
            report(e);
            ExitCode::from(1)
        }
        Ok(Ending::Unsaved(e)) => {
            report(format!("gloss: quit with changes not saved: {e}"));
            ExitCode::from(1)
        }
        Err(e) => {
            report(format!("gloss: terminal error: {e}"));
            ExitCode::from(1)
        }
    }
}
