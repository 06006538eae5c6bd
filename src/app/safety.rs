//! Keeping work safe from the app's side: journal hand-off, writing the sidecar
//! elsewhere, and orphaned annotations (listed, and attached by hand).

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::input::TextInput;
use super::{App, Edit, Effect, Mode, SaveState};
use crate::annotation::Annotation;
use crate::command::Command;
use crate::document::anchor::{Anchor, Placement, place_all};
use crate::sidecar::journal::{Change, JournalEdit, JournalState};

impl App {
    /// Note `edit` for the crash journal (with the version it was made over,
    /// so a replay can tell it from a later change on disk), and keep the
    /// orphan set right when an edit moves an anchor (attaching an orphan, or
    /// undoing that).
    pub(super) fn track(&mut self, edit: &Edit) {
        self.journal_edits.push(match edit {
            Edit::Add(a) => Change {
                edit: JournalEdit::Put(Box::new(a.clone())),
                before: None,
            },
            Edit::Change { before, after } => Change {
                edit: JournalEdit::Put(after.clone()),
                before: Some(before.clone()),
            },
            Edit::Remove(a) => Change {
                edit: JournalEdit::Remove { id: a.id.clone() },
                before: Some(Box::new(a.clone())),
            },
        });
        if let Edit::Change { before, after } = edit
            && before.anchor != after.anchor
        {
            let placed = place_all(&self.doc, &[&after.anchor]);
            if matches!(placed.first(), Some(Placement::Orphan) | None) {
                self.orphans.insert(after.id.clone());
            } else {
                self.orphans.remove(&after.id);
            }
        }
    }

    /// Changes made since the last call, for the crash journal. The event loop
    /// writes them durably before it queues the save.
    pub fn take_journal_edits(&mut self) -> Vec<Change> {
        std::mem::take(&mut self.journal_edits)
    }

    /// Where the work not yet in the sidecar is, in words for the status line
    /// and messages: the journal's path, or "only in this session".
    pub fn where_unsaved_work_is(&self) -> Option<String> {
        match &self.journal_state {
            JournalState::Clear => None,
            JournalState::At(path) => Some(format!("kept in the journal {}", short_path(path))),
            JournalState::OnlyInSession { .. } => Some("only in this session".to_string()),
        }
    }

    /// Quitting would lose changes nothing holds but this session: ask for an
    /// explicit `yes` (a second `q` is too easy to press by accident).
    pub fn confirm_quit_losing_changes(&mut self) {
        self.loss_accepted = false;
        self.mode = Mode::ConfirmLoss(TextInput::default());
    }

    pub(super) fn confirm_loss_key(&mut self, event: KeyEvent) {
        let Mode::ConfirmLoss(input) = &mut self.mode else {
            return;
        };
        match event.code {
            KeyCode::Esc => {
                self.mode = Mode::Normal;
                self.warn(format!(
                    "Not quitting: your changes are only in this session — {} writes the sidecar elsewhere",
                    self.keymap.label(Command::WriteTo)
                ));
            }
            KeyCode::Enter => {
                let yes = input.text.trim().eq_ignore_ascii_case("yes");
                self.mode = Mode::Normal;
                if yes {
                    self.loss_accepted = true;
                    self.effects.push(Effect::Quit);
                } else {
                    self.warn(format!(
                        "Not quitting (type yes to lose the changes) — {} writes the sidecar elsewhere",
                        self.keymap.label(Command::WriteTo)
                    ));
                }
            }
            _ => {
                input.edit(&event);
            }
        }
    }

    /// Ask for a save of the current annotations (e.g. after recovering a journal).
    pub fn request_save(&mut self) {
        self.save_state = SaveState::Pending;
        self.effects.push(Effect::Save);
    }

    /// Orphaned annotations, oldest first.
    pub fn orphan_list(&self) -> Vec<&Annotation> {
        let mut list: Vec<&Annotation> = self
            .sidecar
            .annotations
            .iter()
            .filter(|a| self.orphans.contains(&a.id))
            .collect();
        list.sort_by(|x, y| (&x.created, &x.id).cmp(&(&y.created, &y.id)));
        list
    }

    pub(super) fn open_path_prompt(&mut self) {
        if !self.writable() {
            return;
        }
        self.mode = Mode::PathPrompt(TextInput::default());
    }

    pub(super) fn path_key(&mut self, event: KeyEvent) {
        let Mode::PathPrompt(input) = &mut self.mode else {
            return;
        };
        match event.code {
            KeyCode::Esc => {
                self.mode = Mode::Normal;
                self.say("Not written elsewhere");
            }
            KeyCode::Enter => {
                let text = input.text.trim().to_string();
                self.mode = Mode::Normal;
                if text.is_empty() {
                    self.warn("No path given: nothing written");
                    return;
                }
                let path = expand_home(&text);
                self.save_state = SaveState::Pending;
                self.effects.push(Effect::WriteTo(path));
            }
            _ => {
                input.edit(&event);
            }
        }
    }

    pub(super) fn open_orphans(&mut self) {
        if self.orphans.is_empty() {
            self.say("No orphaned annotations: every annotation is placed");
            return;
        }
        self.mode = Mode::Orphans { selected: 0 };
    }

    pub(super) fn orphans_key(&mut self, event: KeyEvent) {
        let Mode::Orphans { selected } = &mut self.mode else {
            return;
        };
        let n = self.orphans.len();
        match event.code {
            KeyCode::Char('j') | KeyCode::Down => *selected = (*selected + 1).min(n - 1),
            KeyCode::Char('k') | KeyCode::Up => *selected = selected.saturating_sub(1),
            KeyCode::Enter | KeyCode::Char('a') => {
                let index = *selected;
                self.mode = Mode::Normal;
                self.attach_orphan(index);
            }
            _ => self.mode = Mode::Normal,
        }
    }

    /// Attach the `index`-th orphan (of [`App::orphan_list`]) to the selected
    /// paragraph, as one undoable change.
    pub fn attach_orphan(&mut self, index: usize) {
        if !self.writable() {
            return;
        }
        if self.doc.is_empty() {
            self.warn("The document has no paragraphs");
            return;
        }
        let Some(before) = self.orphan_list().get(index).map(|a| (*a).clone()) else {
            self.warn("No such orphan");
            return;
        };
        let mut after = before.clone();
        after.anchor = Anchor::whole(&self.doc, self.selected);
        after.modified = (self.clock)();
        let summary = after.tag.summary();
        let paragraph = self.selected + 1;
        self.commit(vec![Edit::Change {
            before: Box::new(before),
            after: Box::new(after),
        }]);
        self.say(format!(
            "Attached {summary} to ¶{paragraph} — undo with {}",
            self.keymap.label(Command::Undo)
        ));
    }
}

/// `path` as short as it can be said: relative to the working folder when
/// inside it, else with the home folder as `~`.
fn short_path(path: &std::path::Path) -> String {
    if let Ok(cwd) = std::env::current_dir()
        && let Ok(rest) = path.strip_prefix(&cwd)
    {
        return rest.display().to_string();
    }
    if let Some(home) = std::env::var_os("HOME").filter(|h| !h.is_empty())
        && let Ok(rest) = path.strip_prefix(&home)
    {
        return format!("~/{}", rest.display());
    }
    path.display().to_string()
}

/// `~/x` → `$HOME/x`; anything else as typed (relative to the working folder).
fn expand_home(text: &str) -> std::path::PathBuf {
    match (text.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => std::path::PathBuf::from(home).join(rest),
        _ => std::path::PathBuf::from(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::Tag;
    use crate::document::Document;
    use crate::keymap::Keymap;
    use crate::sidecar::Sidecar;
    use ratatui::crossterm::event::KeyModifiers;
    use std::path::Path;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn an_orphan_is_listed_attached_and_the_attachment_undone() {
        let old = Document::from_text(Path::new("d.txt"), "Alpha beta gamma.\n\nGone for good.\n");
        let new = Document::from_text(Path::new("d.txt"), "Alpha beta gamma.\n\nSomething else.\n");
        let mut sidecar = Sidecar::new(&old, "kim");
        let orphan = Annotation::new(Tag::Claim { by: "X".into() }, Anchor::whole(&old, 1));
        sidecar.annotations.push(orphan.clone());
        let mut app = App::new(new, sidecar, Keymap::default_keymap());
        assert_eq!(app.orphan_list().len(), 1);
        app.select(1);
        app.run(Command::Orphans);
        assert!(matches!(app.mode, Mode::Orphans { selected: 0 }));
        app.handle_key(key(KeyCode::Enter));
        assert!(app.orphans.is_empty());
        assert_eq!(app.annotations_on(1).len(), 1);
        assert_eq!(app.annotations_on(1)[0].id, orphan.id);
        let journalled = app.take_journal_edits();
        assert!(
            matches!(&journalled[..], [Change { edit: JournalEdit::Put(a), before: Some(b) }]
                if a.id == orphan.id && **b == orphan)
        );
        app.run(Command::Undo);
        assert_eq!(app.orphan_list().len(), 1);
        assert!(app.annotations_on(1).is_empty());
    }

    /// The screen as text (one line per row).
    fn screen(app: &mut App) -> String {
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 24)).unwrap();
        terminal
            .draw(|frame| {
                app.prepare_frame(frame.area());
                crate::view::draw(frame, app, &crate::view::Theme::mono());
            })
            .unwrap();
        let buf = terminal.backend().buffer();
        (0..buf.area.height)
            .map(|y| {
                (0..buf.area.width)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
                    + "\n"
            })
            .collect()
    }

    #[test]
    fn the_status_says_truthfully_where_unsaved_work_is() {
        let doc = Document::from_text(Path::new("d.txt"), "a\n");
        let mut app = App::new(
            doc.clone(),
            Sidecar::new(&doc, "kim"),
            Keymap::default_keymap(),
        );
        app.save_state = SaveState::Failed("d.txt.kim.gloss.ron: No space left".into());
        app.journal_state = JournalState::At("/tmp/glossator-0/journals/x.journal".into());
        let shown = screen(&mut app);
        assert!(
            shown.contains("Changes kept in the journal /tmp/glossator-0/journals/x.journal"),
            "{shown}"
        );
        assert!(!shown.contains("in memory and the journal"), "{shown}");
        app.journal_state = JournalState::OnlyInSession {
            changes: 3,
            error: "/dev/shm: No space left".into(),
        };
        let shown = screen(&mut app);
        assert!(
            shown.contains("Changes only in this session — W writes elsewhere; no journal"),
            "{shown}"
        );
        assert!(!shown.contains("journal x"), "{shown}");
    }

    #[test]
    fn quitting_with_changes_only_in_the_session_needs_an_explicit_yes() {
        let doc = Document::from_text(Path::new("d.txt"), "a\n");
        let mut app = App::new(
            doc.clone(),
            Sidecar::new(&doc, "kim"),
            Keymap::default_keymap(),
        );
        app.save_state = SaveState::Failed("No space left on device".into());
        app.journal_state = JournalState::OnlyInSession {
            changes: 3,
            error: "/dev/shm/glossator-0: No space left on device".into(),
        };
        app.confirm_quit_losing_changes();
        let shown = screen(&mut app);
        for words in [
            "Quit and lose your changes?",
            "3 changed annotation(s) are only in this session: they are LOST if you quit.",
            "No journal could be written either: /dev/shm/glossator-0: No space left on device",
            "Type yes and Enter to quit and lose them.",
            "Esc goes back; W then writes the sidecar elsewhere.",
        ] {
            assert!(shown.contains(words), "{words:?} missing:\n{shown}");
        }
        // A second q (or anything but yes) does not quit.
        for answer in ["q", "", "y"] {
            for c in answer.chars() {
                app.handle_key(key(KeyCode::Char(c)));
            }
            app.handle_key(key(KeyCode::Enter));
            assert!(app.take_effects().is_empty(), "{answer:?} quit");
            assert!(!app.loss_accepted);
            assert_eq!(app.mode, Mode::Normal);
            app.confirm_quit_losing_changes();
        }
        app.handle_key(key(KeyCode::Esc));
        assert_eq!(app.mode, Mode::Normal);
        assert!(app.status.as_ref().unwrap().text.contains("W writes"));
        app.confirm_quit_losing_changes();
        for c in "yes".chars() {
            app.handle_key(key(KeyCode::Char(c)));
        }
        app.handle_key(key(KeyCode::Enter));
        assert!(app.loss_accepted);
        assert_eq!(app.take_effects(), vec![Effect::Quit]);
    }

    #[test]
    fn write_to_prompt_gives_an_effect_with_the_path() {
        let doc = Document::from_text(Path::new("d.txt"), "a\n");
        let mut app = App::new(
            doc.clone(),
            Sidecar::new(&doc, "kim"),
            Keymap::default_keymap(),
        );
        app.run(Command::WriteTo);
        for c in "/tmp/x y.ron".chars() {
            app.handle_key(key(KeyCode::Char(c)));
        }
        app.handle_key(key(KeyCode::Enter));
        assert_eq!(
            app.take_effects(),
            vec![Effect::WriteTo("/tmp/x y.ron".into())]
        );
    }
}
