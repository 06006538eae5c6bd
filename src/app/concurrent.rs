//! Editors (the note editor, the tag form on an existing tag) whose annotation
//! changes underneath them: another session saved, and its change was merged
//! into this one while the editor was open.
//!
//! An editor keeps the annotation as it was when it opened. Saving applies the
//! user's change to the annotation as it is now; when the same part (the note,
//! or the tag and its quote) was changed underneath as well, both versions are
//! kept as a merge keeps them: ours under the id, the other as `id~N`, marked
//! in the panel and reported by `gloss check` until one is deleted. An
//! annotation deleted underneath is kept with the user's change, as a merge
//! keeps a change over a deletion. Nothing the other session wrote is lost.

use crate::annotation::Annotation;
use crate::sidecar::merge;

use super::{App, Edit, Mode};

/// The part of an annotation an editor changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Part {
    Note,
    /// The tag, and the quote it is narrowed to.
    Tag,
}

impl Part {
    fn differs(self, a: &Annotation, b: &Annotation) -> bool {
        match self {
            Part::Note => a.note != b.note,
            Part::Tag => {
                a.tag != b.tag
                    || a.anchor.narrowed != b.anchor.narrowed
                    || (a.anchor.narrowed && a.anchor.quote != b.anchor.quote)
            }
        }
    }
}

/// What happened to an open editor's annotation since it opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Underneath {
    /// Another part changed (the tag under a note editor): saving applies
    /// the edit to the new version.
    Changed,
    /// The part being edited changed too: saving keeps both versions.
    Conflicting,
    /// Deleted: saving keeps it, with the edit.
    Deleted,
}

impl Underneath {
    /// One line for the editor and the status line.
    pub fn message(self) -> &'static str {
        match self {
            Underneath::Changed => {
                "⚠ Changed in another session: Enter applies your edit to the new version"
            }
            Underneath::Conflicting => {
                "⚠ Changed in another session: Enter keeps both versions · Esc keeps theirs"
            }
            Underneath::Deleted => {
                "⚠ Deleted in another session: Enter keeps it with your edit · Esc lets it go"
            }
        }
    }
}

/// How an editor's change was committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Committed {
    /// Nothing to change.
    Unchanged,
    /// Gone, and the user changed nothing: nothing to keep.
    Gone,
    Applied,
    /// Both versions kept; the other one under this id.
    KeptBoth(String),
    /// Deleted underneath, added again with the change.
    Restored,
}

impl App {
    /// The open editor's annotation as it was when the editor opened, and
    /// the part it edits.
    fn editor_base(&self) -> Option<(&Annotation, Part)> {
        match &self.mode {
            Mode::Note { opened, .. } => Some((opened, Part::Note)),
            Mode::Form(form) => form.opened.as_deref().map(|a| (a, Part::Tag)),
            _ => None,
        }
    }

    /// Has the open editor's annotation changed since the editor opened?
    pub fn editor_underneath(&self) -> Option<Underneath> {
        let (opened, part) = self.editor_base()?;
        let Some(now) = self.sidecar.annotations.iter().find(|a| a.id == opened.id) else {
            return Some(Underneath::Deleted);
        };
        if part.differs(now, opened) {
            Some(Underneath::Conflicting)
        } else if Part::Note.differs(now, opened)
            || Part::Tag.differs(now, opened)
            || now.origin != opened.origin
        {
            Some(Underneath::Changed)
        } else {
            None
        }
    }

    /// The annotation the open editor is about, as it is now (or as it was
    /// when the editor opened, if it is gone).
    pub fn editor_annotation(&self) -> Option<&Annotation> {
        let (opened, _) = self.editor_base()?;
        self.sidecar
            .annotations
            .iter()
            .find(|a| a.id == opened.id)
            .or(Some(opened))
    }

    /// Commit an editor's `change` to `part` of the annotation `opened` (as
    /// the editor first saw it), as one undoable step; see the module doc.
    pub(super) fn commit_editor_change(
        &mut self,
        opened: &Annotation,
        part: Part,
        change: impl Fn(&mut Annotation),
    ) -> Committed {
        let now = (self.clock)();
        let current = self
            .sidecar
            .annotations
            .iter()
            .find(|a| a.id == opened.id)
            .cloned();
        let Some(current) = current else {
            let mut restored = opened.clone();
            change(&mut restored);
            if !part.differs(&restored, opened) {
                return Committed::Gone;
            }
            restored.modified = now;
            self.commit(vec![Edit::Add(restored)]);
            return Committed::Restored;
        };
        let mut after = current.clone();
        change(&mut after);
        if !part.differs(&after, &current) {
            return Committed::Unchanged;
        }
        after.modified = now;
        let change = Edit::Change {
            before: Box::new(current.clone()),
            after: Box::new(after),
        };
        if !part.differs(&current, opened) {
            self.commit(vec![change]);
            return Committed::Applied;
        }
        // Both sessions changed the same part: keep theirs as `id~N`. The
        // change comes last so that ours stays selected.
        let copy_id = merge::copy_id(&current.id, |id| {
            self.sidecar.annotations.iter().any(|a| a.id == id)
        });
        let mut theirs = current;
        theirs.id = copy_id.clone();
        self.commit(vec![Edit::Add(theirs), change]);
        Committed::KeptBoth(copy_id)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::Underneath;
    use crate::annotation::{Annotation, Tag};
    use crate::app::App;
    use crate::command::Command;
    use crate::document::Document;
    use crate::document::anchor::Anchor;
    use crate::keymap::Keymap;
    use crate::sidecar::Sidecar;
    use crate::sidecar::merge::merge;

    fn app_with_claim() -> (App, Annotation) {
        let doc = Document::from_text(Path::new("d.txt"), "Nam Il spoke.\n\nPak listened.\n");
        let mut sidecar = Sidecar::new(&doc, "kim");
        let claim = Annotation::new(
            Tag::Claim {
                by: "Nam Il".into(),
            },
            Anchor::whole(&doc, 0),
        );
        sidecar.annotations.push(claim.clone());
        (App::new(doc, sidecar, Keymap::default_keymap()), claim)
    }

    fn type_text(app: &mut App, text: &str) {
        for c in text.chars() {
            app.handle_key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
    }

    fn enter(app: &mut App) {
        app.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    }

    /// What another session's save, merged in by a refresh, does to `app`.
    fn merged_from_disk(app: &mut App, theirs: &Sidecar) {
        let base = app.sidecar.clone();
        let m = merge(&base, &app.sidecar, theirs);
        app.replace_sidecar(m.sidecar);
    }

    fn with_note(app: &App, id: &str, note: &str) -> Sidecar {
        let mut theirs = app.sidecar.clone();
        let a = theirs.annotations.iter_mut().find(|a| a.id == id).unwrap();
        a.note = Some(note.into());
        theirs
    }

    fn notes(app: &App) -> Vec<(String, Option<String>)> {
        let mut v: Vec<_> = app
            .sidecar
            .annotations
            .iter()
            .map(|a| (a.id.clone(), a.note.clone()))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn a_note_set_underneath_an_open_note_editor_keeps_both_notes() {
        let (mut app, claim) = app_with_claim();
        app.run(Command::EditNote);
        assert_eq!(app.editor_underneath(), None);
        let theirs = with_note(&app, &claim.id, "From A");
        merged_from_disk(&mut app, &theirs);
        assert_eq!(app.editor_underneath(), Some(Underneath::Conflicting));
        type_text(&mut app, "From B");
        enter(&mut app);
        let copy = format!("{}~1", claim.id);
        assert_eq!(
            notes(&app),
            vec![
                (claim.id.clone(), Some("From B".into())),
                (copy.clone(), Some("From A".into())),
            ]
        );
        assert_eq!(app.unsettled, vec![(claim.id.clone(), copy)]);
        assert!(
            app.status
                .as_ref()
                .unwrap()
                .text
                .contains("both versions kept")
        );
        // Ours stays selected; one undo takes the whole step back.
        assert_eq!(app.selected_annotation().unwrap().id, claim.id);
        app.run(Command::Undo);
        assert_eq!(notes(&app), vec![(claim.id.clone(), Some("From A".into()))]);
        assert!(app.unsettled.is_empty());
    }

    fn screen(app: &mut App) -> String {
        use ratatui::Terminal;
        use ratatui::backend::TestBackend;
        let mut terminal = Terminal::new(TestBackend::new(100, 24)).unwrap();
        terminal
            .draw(|frame| {
                app.prepare_frame(frame.area());
                crate::view::draw(frame, app, &crate::view::Theme::mono());
            })
            .unwrap();
        let buf = terminal.backend().buffer();
        crate::view::screen_text(buf)
    }

    #[test]
    fn the_open_note_editor_says_its_annotation_changed_underneath() {
        let (mut app, claim) = app_with_claim();
        app.run(Command::EditNote);
        assert!(screen(&mut app).contains("Enter save"));
        let theirs = with_note(&app, &claim.id, "From A");
        merged_from_disk(&mut app, &theirs);
        let text = screen(&mut app);
        assert!(text.contains("⚠ Changed in another session"), "{text}");
        assert!(text.contains("keeps both versions"), "{text}");
        let mut theirs = app.sidecar.clone();
        theirs.annotations.clear();
        merged_from_disk(&mut app, &theirs);
        let text = screen(&mut app);
        assert!(text.contains("⚠ Deleted in another session"), "{text}");
        // The title still names the annotation being edited.
        assert!(text.contains("Note · Claim by Nam Il"), "{text}");
    }

    #[test]
    fn a_tag_changed_underneath_a_note_editor_gets_the_note_without_conflict() {
        let (mut app, claim) = app_with_claim();
        app.run(Command::EditNote);
        let mut theirs = app.sidecar.clone();
        theirs.annotations[0].tag = Tag::Claim { by: "Pak".into() };
        merged_from_disk(&mut app, &theirs);
        assert_eq!(app.editor_underneath(), Some(Underneath::Changed));
        type_text(&mut app, "mine");
        enter(&mut app);
        assert_eq!(app.sidecar.annotations.len(), 1);
        let a = &app.sidecar.annotations[0];
        assert_eq!(
            (a.id.as_str(), a.note.as_deref()),
            (claim.id.as_str(), Some("mine"))
        );
        assert_eq!(a.tag, Tag::Claim { by: "Pak".into() });
        assert!(app.unsettled.is_empty());
    }

    #[test]
    fn an_annotation_deleted_underneath_a_note_editor_is_kept_with_the_note() {
        let (mut app, claim) = app_with_claim();
        app.run(Command::EditNote);
        let mut theirs = app.sidecar.clone();
        theirs.annotations.clear();
        merged_from_disk(&mut app, &theirs);
        assert!(app.sidecar.annotations.is_empty());
        assert_eq!(app.editor_underneath(), Some(Underneath::Deleted));
        type_text(&mut app, "keep it");
        enter(&mut app);
        assert_eq!(notes(&app), vec![(claim.id, Some("keep it".into()))]);
    }

    #[test]
    fn a_tag_changed_underneath_an_open_tag_form_keeps_both_tags() {
        let (mut app, claim) = app_with_claim();
        app.run(Command::EditTag);
        let mut theirs = app.sidecar.clone();
        theirs.annotations[0].tag = Tag::Claim { by: "Pak".into() };
        merged_from_disk(&mut app, &theirs);
        assert_eq!(app.editor_underneath(), Some(Underneath::Conflicting));
        let text = screen(&mut app);
        assert!(text.contains("⚠ Changed in another session"), "{text}");
        // Replace "Nam Il" with "Kim" in the form.
        for _ in 0.."Nam Il".len() {
            app.handle_key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
        }
        type_text(&mut app, "Kim");
        enter(&mut app);
        let mut tags: Vec<(String, Tag)> = app
            .sidecar
            .annotations
            .iter()
            .map(|a| (a.id.clone(), a.tag.clone()))
            .collect();
        tags.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            tags,
            vec![
                (claim.id.clone(), Tag::Claim { by: "Kim".into() }),
                (format!("{}~1", claim.id), Tag::Claim { by: "Pak".into() }),
            ]
        );
    }
}
