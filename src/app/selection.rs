//! Selecting words to tag: `v` and its motions, and a mouse drag over the
//! text. The selection is pure state (`document::selection`); the tag keys
//! open the form with it as the quote (see `App::open_form`).

use super::Edit;
use super::form::TagForm;
use super::{App, Mode};
use crate::annotation::Tag;
use crate::command::Command;
use crate::document::anchor::Anchor;
use crate::document::selection::Selection;
use crate::keymap::Section;

impl App {
    /// `v`: select the first word of the selected paragraph.
    pub(super) fn start_selection(&mut self) {
        if self.doc.is_empty() {
            self.warn("The document has no paragraphs to select in");
            return;
        }
        let text = self.doc.paragraph_text(self.selected);
        match Selection::first_word(self.selected, text) {
            Some(s) => {
                self.selection = Some(s);
                self.layout.follow = true;
                self.announce_selection();
            }
            None => self.warn("This paragraph has no words to select"),
        }
    }

    /// Apply a selection motion command; without a selection, say how to start one.
    pub(super) fn move_selection(&mut self, command: Command) {
        let (Some(mut s), Some(motion)) = (self.selection, command.motion()) else {
            self.warn(format!(
                "Nothing selected: {} selects words",
                self.keymap.label(Command::Select)
            ));
            return;
        };
        let text = self.doc.paragraph_text(s.paragraph);
        s.apply(motion, text);
        self.selection = Some(s);
        self.announce_selection();
    }

    /// The status line while selecting: how much, and the keys that act on it.
    fn announce_selection(&mut self) {
        let Some(s) = self.selection else {
            return;
        };
        let (a, b) = s.range();
        let text = &self.doc.paragraph_text(s.paragraph)[a..b];
        let words = text.split_whitespace().count();
        let message = format!(
            "Selected {words} word{} · {}/{}/{} tag {} · {} drops · {} keys",
            if words == 1 { "" } else { "s" },
            self.keymap.label(Command::TagClaim),
            self.keymap.label(Command::TagAdvice),
            self.keymap.label(Command::TagPosition),
            if words == 1 { "it" } else { "them" },
            self.keymap
                .label_in(Section::Selection, Command::SelectCancel),
            self.keymap.label(Command::Help),
        );
        self.say(message);
    }

    /// A mouse press in the text: where a drag would start.
    pub(super) fn drag_from(&mut self, col: u16, row: u16) {
        // A press elsewhere drops the selection, as in an editor.
        if self.selection.take().is_some() {
            self.status = None;
        }
        self.drag_origin = self.layout.text_at(&self.doc, col, row);
    }

    /// The pointer dragged to (`col`, `row`): select the words from the press
    /// to here, within the paragraph pressed in (beyond it, to its first or
    /// last word).
    pub(super) fn drag_to(&mut self, col: u16, row: u16) {
        let Some((paragraph, from)) = self.drag_origin else {
            return;
        };
        let text = self.doc.paragraph_text(paragraph);
        let to = match self.layout.text_at(&self.doc, col, row) {
            Some((p, at)) if p == paragraph => at,
            Some((p, _)) if p > paragraph => text.len(),
            Some(_) => 0,
            // Between paragraphs or off the text: by the row, before or after.
            None => match self.layout.visible.iter().find(|v| v.index == paragraph) {
                Some(v) if row < v.y => 0,
                Some(v) if row >= v.y + v.rows => text.len(),
                _ => return,
            },
        };
        if let Some(s) = Selection::spanning(paragraph, text, from, to) {
            // (Selecting again would scroll a long paragraph to its start.)
            if self.selected != paragraph {
                self.select(paragraph);
            }
            self.selection = Some(s);
            self.announce_selection();
        }
    }

    /// Rank the form's completions (names in the paragraph, then recent
    /// ones) and highlight the likeliest on its first field.
    pub(super) fn prefer_likely_names(&self, form: &mut TagForm) {
        let (registry, issues) = self.completion_sources();
        // Names detected in the paragraph first (surnames and "I" resolved),
        // then registry names it contains.
        let mut actors = self.detected_actors(form.paragraph);
        for name in registry.named_in(self.doc.paragraph_text(form.paragraph)) {
            if !actors.contains(&name) {
                actors.push(name);
            }
        }
        // This session's tags, latest first, then the sidecar's by time.
        let mut earlier: Vec<&crate::annotation::Annotation> =
            self.sidecar.annotations.iter().collect();
        earlier.sort_by(|a, b| b.modified.cmp(&a.modified));
        let tags = self
            .recent_tags
            .iter()
            .rev()
            .chain(earlier.into_iter().map(|a| &a.tag));
        let mut recent_issues = Vec::new();
        for tag in tags {
            for name in tag.actors() {
                if !actors.iter().any(|x| x == name) {
                    actors.push(name.to_string());
                }
            }
            if let Tag::Position { issue, .. } = tag
                && !recent_issues.contains(issue)
            {
                recent_issues.push(issue.clone());
            }
        }
        form.preferred_actors = actors;
        form.preferred_issues = recent_issues;
        form.suggest(&registry, &issues);
    }

    /// The paragraph's detected names arrived after its tag form opened
    /// (a quick `p`): rank them in as if they had been there, keeping what
    /// was typed and a completion picked with Down.
    pub(super) fn refresh_form_names(&mut self) {
        if !matches!(self.mode, Mode::Form(_)) {
            return;
        }
        let Mode::Form(mut form) = std::mem::replace(&mut self.mode, Mode::Normal) else {
            return;
        };
        // A completion the user picked (Down, or the first one under typed
        // text) is kept by its name: the names that arrive re-rank the list,
        // so its old index may now point at another name. On an empty field
        // the highlight is only the likeliest, which the new ranking decides.
        let typed = !form.focused().input.text.trim().is_empty();
        let picked = form.highlight.filter(|&h| h > 0 || typed).and_then(|h| {
            let (registry, issues) = self.completion_sources();
            form.candidates(&registry, &issues).into_iter().nth(h)
        });
        self.prefer_likely_names(&mut form);
        if let Some(name) = picked {
            let (registry, issues) = self.completion_sources();
            form.highlight = form
                .candidates(&registry, &issues)
                .iter()
                .position(|c| *c == name);
        }
        self.mode = Mode::Form(form);
    }

    /// The selected annotation of the selection's paragraph is narrowed to
    /// the selection (one undoable change).
    pub(super) fn narrow_to_selection(&mut self) {
        if !self.writable() {
            return;
        }
        let Some(s) = self.selection else {
            return;
        };
        let Some(before) = self
            .selected_annotation()
            .filter(|_| self.selected == s.paragraph)
            .cloned()
        else {
            self.warn(format!(
                "No annotation here to narrow: {}/{}/{} tag the selection",
                self.keymap.label(Command::TagClaim),
                self.keymap.label(Command::TagAdvice),
                self.keymap.label(Command::TagPosition)
            ));
            return;
        };
        let (start, end) = s.range();
        let Some(anchor) = Anchor::narrowed(&self.doc, s.paragraph, start, end) else {
            return;
        };
        let mut after = before.clone();
        after.anchor = anchor;
        after.modified = (self.clock)();
        let summary = after.tag.summary();
        self.selection = None;
        self.commit(vec![Edit::Change {
            before: Box::new(before),
            after: Box::new(after),
        }]);
        self.say(format!(
            "Narrowed {summary} to the selection — {} undoes",
            self.keymap.label(Command::Undo)
        ));
    }

    /// " · New actor 'X' — u undoes" for each name of `tag` no registry
    /// knows yet, so a typo does not pass unnoticed.
    pub(super) fn new_names(&self, tag: &Tag) -> String {
        let (registry, _) = self.completion_sources();
        tag.actors()
            .into_iter()
            .filter(|n| !registry.knows(n))
            .map(|n| {
                format!(
                    " · New actor '{}' — {} undoes",
                    crate::document::sanitize::display_line(n),
                    self.keymap.label(Command::Undo)
                )
            })
            .collect()
    }

    /// vim's `.`: the last tag made, again, on the selected paragraph (or
    /// the selection in it).
    pub(super) fn repeat_tag(&mut self) {
        if !self.writable() {
            return;
        }
        let Some(tag) = self.recent_tags.last().cloned() else {
            self.warn("No tag made yet in this session to repeat");
            return;
        };
        if self.doc.is_empty() {
            return;
        }
        let paragraph = self.selected;
        let anchor = match self.selection.filter(|s| s.paragraph == paragraph) {
            Some(s) => {
                let (start, end) = s.range();
                Anchor::narrowed(&self.doc, paragraph, start, end)
            }
            None => None,
        }
        .unwrap_or_else(|| Anchor::whole(&self.doc, paragraph));
        let annotation = crate::annotation::Annotation::created_at(tag, anchor, (self.clock)());
        let summary = annotation.tag.summary();
        self.selection = None;
        self.commit(vec![Edit::Add(annotation)]);
        self.say(format!("Tagged ¶{}: {summary} (repeated)", paragraph + 1));
    }
}
