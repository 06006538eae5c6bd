//! `gloss DIR` (and `gloss` alone below a project file): the corpus list.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::{SessionArgs, report};
use crate::app::corpus::CorpusView;
use crate::archive::index::CorpusIndex;
use crate::config;
use crate::keymap::Keymap;
use crate::tui::Ending;
use crate::tui::corpus::Opened;
use crate::view::Theme;

/// The archive `gloss` opens without an argument: the root of the project
/// file at or above the current folder, if there is one.
pub fn default_root() -> Option<PathBuf> {
    let here = std::env::current_dir().ok()?;
    crate::project::Project::find(&here).map(|file| crate::project::root_of(&file))
}

pub fn run(dir: &Path, args: &SessionArgs) -> ExitCode {
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        report(
            "gloss: the corpus list needs a terminal (use `gloss export`, `gloss check` or `gloss agree` on a folder in scripts)",
        );
        return ExitCode::from(1);
    }
    let config_dir = config::config_dir(args.config_dir.as_deref());
    let (cfg, warning) = config::load(config_dir.as_deref());
    let me = match config::annotator(args.annotator.as_deref(), &cfg) {
        Ok(me) => me,
        Err(e) => {
            report(e);
            return ExitCode::from(1);
        }
    };
    let keymap_choice = args.keymap.clone().or(cfg.keymap.clone());
    let keymap = match Keymap::load(keymap_choice.as_deref(), config_dir.as_deref()) {
        Ok(k) => k,
        Err(e) => {
            report(e);
            return ExitCode::from(1);
        }
    };
    let theme = Theme::for_terminal(
        cfg.theme.as_deref().unwrap_or("default"),
        config::no_color(),
        crate::terminal::colour_depth(),
    );
    let index = match CorpusIndex::open(dir) {
        Ok(i) => i,
        Err(e) => {
            report(e);
            return ExitCode::from(1);
        }
    };
    let mut view = CorpusView::new(index, keymap, &me);
    if let Some(w) = warning {
        view.warn(w);
    }
    let mut open = |path: &Path| -> Result<Opened, String> {
        let session = super::annotate::prepare(path, args)?;
        Ok(Opened {
            app: session.app,
            store: session.store,
            journal: session.journal,
            lock: session.lock,
        })
    };
    match crate::tui::corpus::run(view, theme, &mut open) {
        Ok(Ending::Quit) => ExitCode::SUCCESS,
        Ok(Ending::Signal(sig)) => ExitCode::from((128 + sig).clamp(0, 255) as u8),
        Ok(Ending::BadDocument(e)) | Ok(Ending::Unsaved(e)) => {
            report(e);
            ExitCode::from(1)
        }
        Err(e) => {
            report(format!("gloss: terminal error: {e}"));
            ExitCode::from(1)
        }
    }
}
