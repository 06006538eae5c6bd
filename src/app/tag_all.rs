//! Tag all from a search (`tag_all`): after `/`, one tag on every matching
//! paragraph, or on the matching words as quotes — the tag form filled once,
//! a preview with the count, and one undo step for them all.
//!
//! The flow: the scope prompt (paragraphs or words, then the kind) → the tag
//! form (without its quote field: the hits are the quotes) → the preview →
//! one [`Edit`] group committed.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::annotation::{Annotation, Kind, Tag};
use crate::archive::tag_all::{anchors, new_annotations, tag_words};

use super::form::TagForm;
use super::{App, Edit, Mode};

pub use crate::archive::tag_all::Scope;

/// The preview shown before tagging: what will be added, and what was left
/// out because the same tag is already there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub tag: Tag,
    pub scope: Scope,
    pub annotations: Vec<Annotation>,
    /// Places that already carry this tag (not tagged twice).
    pub already: usize,
    /// Paragraphs the annotations are on.
    pub paragraphs: usize,
}

impl Preview {
    /// "Tag 14 paragraphs as claim by Nam Il?"
    pub fn question(&self) -> String {
        let n = self.annotations.len();
        let what = if self.scope.quotes {
            format!(
                "{n} quote{} in {} paragraph{}",
                plural(n),
                self.paragraphs,
                plural(self.paragraphs)
            )
        } else {
            format!("{n} paragraph{}", plural(n))
        };
        format!("Tag {what} as {}?", tag_words(&self.tag))
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

impl App {
    /// `tag_all`: ask what to tag, once the search is complete.
    pub(super) fn start_tag_all(&mut self) {
        if !self.writable() {
            return;
        }
        let Some(s) = &self.search else {
            self.warn("Tag all needs a search first: press / and search");
            return;
        };
        if !s.complete {
            self.warn("Still searching: tag all once the search is done");
            return;
        }
        if s.matches.is_empty() {
            self.warn(format!("No match for '{}' to tag", s.query));
            return;
        }
        self.mode = Mode::TagAllScope(Scope { quotes: false });
    }

    /// The scope prompt: `w` toggles words/paragraphs, c/a/p pick the kind.
    pub(super) fn tag_all_scope_key(&mut self, event: KeyEvent) {
        let Mode::TagAllScope(scope) = &mut self.mode else {
            return;
        };
        let kind = match event.code {
            KeyCode::Esc => {
                self.mode = Mode::Normal;
                self.flash("Cancelled");
                return;
            }
            KeyCode::Char('w') | KeyCode::Tab => {
                scope.quotes = !scope.quotes;
                return;
            }
            KeyCode::Char('c') => Kind::Claim,
            KeyCode::Char('a') => Kind::Advice,
            KeyCode::Char('p') => Kind::Position,
            _ => return,
        };
        let scope = *scope;
        let first = self
            .search
            .as_ref()
            .and_then(|s| s.matches.first().copied())
            .unwrap_or(self.selected);
        let mut form = TagForm::new(kind, first);
        // The hits are the quotes: no quote field.
        form.fields.pop();
        form.all = Some(scope);
        self.prefer_likely_names(&mut form);
        self.mode = Mode::Form(form);
    }

    /// The form was filled: show what tagging every match would add.
    pub(super) fn preview_tag_all(&mut self, tag: Tag, scope: Scope) {
        let Some(s) = &self.search else {
            self.mode = Mode::Normal;
            return;
        };
        let all = anchors(&self.doc, &s.matches, &s.query, scope);
        let existing: Vec<Annotation> = all
            .iter()
            .flat_map(|anchor| self.annotations_on(anchor.paragraph - 1))
            .cloned()
            .collect();
        let (annotations, already) = new_annotations(&existing, &tag, all, &(self.clock)());
        let mut paragraphs: Vec<usize> = annotations.iter().map(|a| a.anchor.paragraph).collect();
        paragraphs.dedup();
        let preview = Preview {
            tag,
            scope,
            already,
            paragraphs: paragraphs.len(),
            annotations,
        };
        if preview.annotations.is_empty() {
            self.mode = Mode::Normal;
            self.say(format!(
                "Every match already carries {}: nothing to tag",
                preview.tag.summary()
            ));
            return;
        }
        self.mode = Mode::ConfirmTagAll(Box::new(preview));
    }

    /// Enter tags them all (one undo step); Esc leaves everything as it was.
    pub(super) fn confirm_tag_all_key(&mut self, event: KeyEvent) {
        let Mode::ConfirmTagAll(preview) = &self.mode else {
            return;
        };
        match event.code {
            KeyCode::Enter => {
                let preview = (**preview).clone();
                self.mode = Mode::Normal;
                let n = preview.annotations.len();
                let question = preview.question();
                let done = question
                    .trim_end_matches('?')
                    .replacen("Tag ", "Tagged ", 1);
                self.recent_tags.push(preview.tag.clone());
                let edits: Vec<Edit> = preview.annotations.into_iter().map(Edit::Add).collect();
                self.commit(edits);
                self.say(format!(
                    "{done} — one {} undoes all {n}",
                    self.keymap.label(crate::command::Command::Undo)
                ));
            }
            KeyCode::Esc | KeyCode::Char('n') | KeyCode::Char('q') => {
                self.mode = Mode::Normal;
                self.flash("Cancelled: nothing tagged");
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::keymap::Keymap;
    use crate::sidecar::Sidecar;
    use ratatui::crossterm::event::KeyModifiers;
    use std::path::Path;

    const TEXT: &str =
        "Nam Il spoke first.\n\nPak answered.\n\nNam Il agreed; so did nam il's aide.\n\nEnd.\n";

    fn app() -> App {
        let doc = Document::from_text(Path::new("m.txt"), TEXT);
        let sidecar = Sidecar::new(&doc, "kim");
        App::new(doc, sidecar, Keymap::default_keymap())
    }

    fn keys(app: &mut App, text: &str) {
        for c in text.chars() {
            let (code, mods) = match c {
                '\n' => (KeyCode::Enter, KeyModifiers::NONE),
                '\x1b' => (KeyCode::Esc, KeyModifiers::NONE),
                c if c.is_ascii_uppercase() => (KeyCode::Char(c), KeyModifiers::SHIFT),
                c => (KeyCode::Char(c), KeyModifiers::NONE),
            };
            app.handle_key(KeyEvent::new(code, mods));
        }
    }

    #[test]
    fn tag_all_paragraphs_previews_the_count_and_one_undo_removes_them() {
        let mut app = app();
        keys(&mut app, "/nam il\n");
        keys(&mut app, "T");
        assert!(matches!(app.mode, Mode::TagAllScope(_)));
        keys(&mut app, "cPetrov\n");
        let Mode::ConfirmTagAll(preview) = &app.mode else {
            panic!("a preview before tagging, got {:?}", app.mode);
        };
        assert_eq!(preview.question(), "Tag 2 paragraphs as claim by Petrov?");
        assert!(app.sidecar.annotations.is_empty(), "nothing before Enter");
        keys(&mut app, "\n");
        let on: Vec<usize> = app
            .sidecar
            .annotations
            .iter()
            .map(|a| a.anchor.paragraph)
            .collect();
        assert_eq!(on, [1, 3]);
        assert!(app.sidecar.annotations.iter().all(|a| !a.anchor.narrowed));
        keys(&mut app, "u");
        assert!(
            app.sidecar.annotations.is_empty(),
            "one undo removes them all"
        );
        app.run(crate::command::Command::Redo);
        assert_eq!(app.sidecar.annotations.len(), 2);
    }

    #[test]
    fn tag_all_words_quotes_each_hit_as_whole_words() {
        let mut app = app();
        keys(&mut app, "/nam il\nT");
        keys(&mut app, "w");
        keys(&mut app, "cPetrov\n");
        let Mode::ConfirmTagAll(preview) = &app.mode else {
            panic!("a preview, got {:?}", app.mode);
        };
        assert_eq!(
            preview.question(),
            "Tag 3 quotes in 2 paragraphs as claim by Petrov?"
        );
        keys(&mut app, "\n");
        // In text order (the sidecar keeps its own order).
        let mut quotes: Vec<(usize, usize, &str)> = app
            .sidecar
            .annotations
            .iter()
            .map(|a| {
                let start = a.anchor.range.map_or(0, |r| r.start);
                (a.anchor.paragraph, start, a.anchor.quote.as_str())
            })
            .collect();
        quotes.sort();
        let quotes: Vec<(usize, &str)> = quotes.into_iter().map(|(p, _, q)| (p, q)).collect();
        assert_eq!(quotes, [(1, "Nam Il"), (3, "Nam Il"), (3, "nam il's")]);
        assert!(app.sidecar.annotations.iter().all(|a| a.anchor.narrowed));
        keys(&mut app, "u");
        assert!(app.sidecar.annotations.is_empty());
    }

    #[test]
    fn tag_all_skips_places_already_tagged_so_and_esc_tags_nothing() {
        let mut app = app();
        keys(&mut app, "cPetrov\n");
        keys(&mut app, "/nam il\nTcPetrov\n");
        let Mode::ConfirmTagAll(preview) = &app.mode else {
            panic!("a preview, got {:?}", app.mode);
        };
        assert_eq!((preview.annotations.len(), preview.already), (1, 1));
        keys(&mut app, "\x1b");
        assert_eq!(app.mode, Mode::Normal);
        assert_eq!(app.sidecar.annotations.len(), 1);
    }

    #[test]
    fn tag_all_without_a_search_says_how() {
        let mut app = app();
        app.run(crate::command::Command::TagAll);
        assert_eq!(app.mode, Mode::Normal);
        assert!(
            app.status
                .as_ref()
                .is_some_and(|m| m.error && m.text.contains("search first"))
        );
    }
}
