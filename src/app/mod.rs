//! The TUI's model and its update: keys → commands → state changes → effects.
//!
//! Nothing here does I/O or draws. The event loop (`tui`) feeds key and mouse
//! events in, calls [`App::prepare_frame`] before drawing, and carries out the
//! [`Effect`]s (saving, quitting). Tests drive the same path on `TestBackend`.

pub mod assist;
mod background;
pub mod codebook;
pub mod concurrent;
pub mod corpus;
pub mod corpus_search;
pub mod export;
pub mod form;
pub mod input;
mod layout;
mod paste;
pub mod retrieval;
pub mod review;
mod safety;
mod selection;
pub mod tag_all;

use std::collections::{BTreeMap, BTreeSet};

use ratatui::crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseEvent, MouseEventKind,
};
use ratatui::layout::Rect;

use crate::annotation::{ActorResolver, Annotation, Kind};
use crate::command::Command;
use crate::document::anchor::{Anchor, Placement, place_all_with};
use crate::document::search;
use crate::document::{DiskChange, Document};
use crate::keymap::{Key, Keymap};
use crate::sidecar::Sidecar;
use form::TagForm;
use input::TextInput;
pub use layout::{Layout, VisibleParagraph};

/// Something the event loop must do for the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// The annotations changed: write the sidecar.
    Save,
    /// Leave (after flushing saves).
    Quit,
    /// Write the sidecar to this path from now on (the user asked: `write_to`).
    WriteTo(std::path::PathBuf),
    /// Export this document's annotations beside it in this format (`export`).
    Export(crate::export::Format),
    /// Stop the process and give the terminal to the shell until `fg`.
    Suspend,
    /// Read the document again from disk and show it (`reopen`): the event
    /// loop reads it and hands it to [`App::replace_document`].
    Reopen,
    /// The project file changed (codebook, metadata, boilerplate): write it.
    SaveProject,
}

/// Where a document opened from a list goes next when its session ends
/// (see [`App::onward`]): the event loop ends the session as for a quit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Leave {
    /// The next document of the corpus list.
    NextDocument,
    PrevDocument,
    /// The next document of the list of search hits it was opened from.
    NextHit,
    PrevHit,
}

/// What lies around a document opened from a list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Onward {
    /// Opened from the corpus list: next/previous document leave for it.
    pub list: bool,
    /// Opened from search hits in other documents: `n` past the last
    /// match goes on to the next hit's document, `N` before the first to the
    /// previous one's (when there is one).
    pub prev_hit: bool,
    pub next_hit: bool,
}

/// Whether the sidecar on disk matches what the user sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveState {
    Saved,
    Pending,
    Failed(String),
}

/// What the keyboard is talking to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Form(TagForm),
    Note {
        id: String,
        input: TextInput,
        /// The annotation as it was when the editor opened (see [`concurrent`]).
        opened: Box<Annotation>,
    },
    SearchPrompt(TextInput),
    Help {
        scroll: usize,
    },
    /// The agreement figures of a review (any key closes).
    Agreement,
    /// Typing a path to write the sidecar to (`write_to`).
    PathPrompt(TextInput),
    /// The list of orphaned annotations; `selected` indexes [`App::orphan_list`].
    Orphans {
        selected: usize,
    },
    /// Choosing an export format; `selected` indexes [`crate::export::Format::ALL`].
    Export {
        selected: usize,
    },
    /// Quitting would lose changes that nothing could write: type `yes`.
    ConfirmLoss(TextInput),
    /// The codebook: actors and issues, their aliases and definitions.
    Codebook(codebook::CodebookView),
    /// The document's metadata, detected and stored.
    Metadata(Box<codebook::MetadataView>),
    /// Tag all from a search: paragraphs or words, then the kind.
    TagAllScope(tag_all::Scope),
    /// Tag all from a search: the preview, Enter tags them all.
    ConfirmTagAll(Box<tag_all::Preview>),
}

/// A status-line message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub error: bool,
    /// Cleared by the next key (e.g. "Cancelled": nothing to keep reading).
    pub transient: bool,
}

/// Active search results.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    pub query: String,
    /// 0-based paragraphs that contain the query, in order.
    pub matches: Vec<usize>,
    pub current: usize,
    /// The whole document has been searched (a large one is searched in the
    /// background; `matches` grows meanwhile).
    pub complete: bool,
    /// The last step went past the end to the start (or back past the start
    /// to the end): the status says so.
    pub wrapped: bool,
}

/// One undoable change.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    Add(Annotation),
    Remove(Annotation),
    Change {
        before: Box<Annotation>,
        after: Box<Annotation>,
    },
}

impl Edit {
    fn inverse(&self) -> Edit {
        match self {
            Edit::Add(a) => Edit::Remove(a.clone()),
            Edit::Remove(a) => Edit::Add(a.clone()),
            Edit::Change { before, after } => Edit::Change {
                before: after.clone(),
                after: before.clone(),
            },
        }
    }

    fn annotation(&self) -> &Annotation {
        match self {
            Edit::Add(a) | Edit::Remove(a) => a,
            Edit::Change { after, .. } => after,
        }
    }
}

/// One undoable step: its edits, and the names it added to the sidecar's
/// registry (undoing it forgets those again unless still in use).
#[derive(Debug)]
struct Step {
    edits: Vec<Edit>,
    learned: crate::sidecar::Names,
    /// The codebook (project and registry) before and after, for codebook,
    /// metadata and boilerplate changes.
    codebook: Option<Box<(codebook::CodebookSnapshot, codebook::CodebookSnapshot)>>,
    /// A suggestion dismissed (undo brings it back).
    dismissal: Option<crate::sidecar::Dismissal>,
}

/// The whole state of an annotating session.
pub struct App {
    pub doc: Document,
    pub sidecar: Sidecar,
    pub keymap: Keymap,
    pub read_only: bool,
    /// 0-based selected paragraph.
    pub selected: usize,
    /// Index of the selected annotation among the selected paragraph's.
    pub selected_annotation: usize,
    pub mode: Mode,
    /// Words selected in the selected paragraph (`v`, a mouse drag).
    pub selection: Option<crate::document::selection::Selection>,
    /// Where a mouse press landed in the text: paragraph and byte, the
    /// fixed end of a selection if the pointer is dragged.
    drag_origin: Option<(usize, usize)>,
    /// Tags made or changed in this session, oldest first: `repeat_tag`
    /// repeats the last, and completions offer their names first.
    recent_tags: Vec<crate::annotation::Tag>,
    pub search: Option<Search>,
    pub status: Option<Message>,
    pub save_state: SaveState,
    /// Ids of annotations whose paragraph could not be found.
    pub orphans: BTreeSet<String>,
    /// Screen layout and scroll position.
    pub layout: Layout,
    /// Other annotators' layers when reviewing (`gloss review`).
    pub review: Option<review::Review>,
    /// Where times come from (RFC 3339 UTC); tests fix it for stable screens.
    pub clock: fn() -> String,
    /// Actors and issues from colleagues' sidecars of this document, offered
    /// as completions (never written to this sidecar unless used).
    pub vocabulary: (Vec<crate::annotation::Actor>, Vec<String>),
    /// Two versions of one annotation a git merge left, `(ours, theirs)`.
    pub unsettled: Vec<(String, String)>,
    /// The document's file changed (or went) on disk since it was read; the
    /// text shown is the one read (see [`App::note_disk_change`]).
    pub disk_change: Option<DiskChange>,
    /// The project file above the document (`gloss.ron`), if any.
    pub project: Option<codebook::ProjectSession>,
    /// The format of the last export, where the export prompt opens next.
    last_export: Option<crate::export::Format>,
    undo: Vec<Step>,
    redo: Vec<Step>,
    /// Paragraph (0-based) → indices into `sidecar.annotations`.
    by_paragraph: BTreeMap<usize, Vec<usize>>,
    effects: Vec<Effect>,
    /// Changes not yet handed to the crash journal (see `tui`).
    journal_edits: Vec<crate::sidecar::journal::Change>,
    /// Where changes not yet in the sidecar are kept (the event loop updates it).
    pub journal_state: crate::sidecar::journal::JournalState,
    /// The user confirmed quitting although changes would be lost.
    pub loss_accepted: bool,
    /// Indexing, searching and hashing that run beside the event loop.
    bg: background::Background,
    /// What lies around the document when opened from a list.
    pub onward: Onward,
    /// Set when the session ends to open another document ([`Leave`]).
    pub leaving: Option<Leave>,
    /// Names and suggestions of paragraphs, worked out beside the event loop.
    assist: assist::Assist,
    /// Index of the selected suggestion among [`App::suggestions`].
    pub selected_suggestion: usize,
}

impl App {
    /// A session on `doc` with `sidecar` (loaded or new). Anchors are placed in
    /// the current text; placed ones are updated to where they now sit, the
    /// rest are kept as orphans.
    pub fn new(doc: Document, mut sidecar: Sidecar, keymap: Keymap) -> App {
        // Every operation by id must act on exactly one annotation.
        let renamed = sidecar.separate_duplicate_ids();
        // A document still being indexed is placed when its index is complete.
        let (orphans, status) = if doc.is_complete() {
            place_annotations(&doc, &mut sidecar)
        } else {
            (BTreeSet::new(), None)
        };
        let mut app = App {
            doc,
            sidecar,
            keymap,
            read_only: false,
            selected: 0,
            selected_annotation: 0,
            mode: Mode::Normal,
            selection: None,
            drag_origin: None,
            recent_tags: Vec::new(),
            search: None,
            status,
            save_state: SaveState::Saved,
            orphans,
            layout: Layout::default(),
            review: None,
            clock: crate::annotation::now_rfc3339,
            vocabulary: (Vec::new(), Vec::new()),
            unsettled: Vec::new(),
            disk_change: None,
            project: None,
            last_export: None,
            undo: Vec::new(),
            redo: Vec::new(),
            by_paragraph: BTreeMap::new(),
            effects: Vec::new(),
            journal_edits: Vec::new(),
            journal_state: Default::default(),
            loss_accepted: false,
            bg: Default::default(),
            onward: Onward::default(),
            leaving: None,
            assist: Default::default(),
            selected_suggestion: 0,
        };
        app.defer_placement();
        app.reindex();
        if let Some(notice) = crate::sidecar::Renamed::notice(&renamed) {
            app.warn(notice);
        }
        app
    }

    /// Names the tag form completes and canonicalises: the actors of
    /// [`App::actor_names`], and this sidecar's issues, then colleagues'.
    pub fn completion_sources(&self) -> (ActorResolver, Vec<String>) {
        let mut issues = self.sidecar.issues.clone();
        issues.extend(self.vocabulary.1.iter().cloned());
        // The project's codebook counts too (see `actor_names`).
        if let Some(session) = &self.project {
            issues.extend(session.project.issue_names());
        }
        issues.sort();
        issues.dedup();
        (self.actor_names(), issues)
    }

    /// Actor names resolved through every registry of this document: the
    /// project's codebook first (the team's names win a conflict), then this
    /// sidecar's, colleagues' sidecars, and the layers under review.
    pub fn actor_names(&self) -> ActorResolver {
        let codebook = self
            .project
            .as_ref()
            .map(|session| session.project.registry().into_vec());
        let mut sources: Vec<&[crate::annotation::Actor]> = Vec::new();
        if let Some(actors) = &codebook {
            sources.push(actors);
        }
        sources.push(&self.sidecar.actors);
        sources.push(&self.vocabulary.0);
        if let Some(r) = &self.review {
            sources.extend(r.others.iter().map(|l| l.sidecar.actors.as_slice()));
        }
        ActorResolver::of(sources)
    }

    /// Effects produced since the last call.
    pub fn take_effects(&mut self) -> Vec<Effect> {
        std::mem::take(&mut self.effects)
    }

    pub fn annotator(&self) -> &str {
        &self.sidecar.annotator
    }

    pub fn say(&mut self, text: impl Into<String>) {
        self.status = Some(Message {
            text: text.into(),
            error: false,
            transient: false,
        });
    }

    pub fn warn(&mut self, text: impl Into<String>) {
        self.status = Some(Message {
            text: text.into(),
            error: true,
            transient: false,
        });
    }

    /// A message that goes with the next key.
    pub fn flash(&mut self, text: impl Into<String>) {
        self.status = Some(Message {
            text: text.into(),
            error: false,
            transient: true,
        });
    }

    fn reindex(&mut self) {
        self.by_paragraph.clear();
        for (i, a) in self.sidecar.annotations.iter().enumerate() {
            if self.orphans.contains(&a.id) {
                continue;
            }
            self.by_paragraph
                .entry(a.anchor.paragraph.saturating_sub(1))
                .or_default()
                .push(i);
        }
        for list in self.by_paragraph.values_mut() {
            let anns = &self.sidecar.annotations;
            list.sort_by(|&x, &y| {
                (&anns[x].created, &anns[x].id).cmp(&(&anns[y].created, &anns[y].id))
            });
        }
        self.unsettled = crate::sidecar::merge::unsettled(&self.sidecar);
        self.refresh_review();
        self.clamp_annotation();
    }

    /// Annotations placed on paragraph `index` (0-based), oldest first.
    pub fn annotations_on(&self, index: usize) -> Vec<&Annotation> {
        self.by_paragraph
            .get(&index)
            .map(|v| v.iter().map(|&i| &self.sidecar.annotations[i]).collect())
            .unwrap_or_default()
    }

    /// Kinds present on paragraph `index`.
    pub fn kinds_on(&self, index: usize) -> [bool; 3] {
        let mut out = [false; 3];
        if let Some(v) = self.by_paragraph.get(&index) {
            for &i in v {
                let k = self.sidecar.annotations[i].kind();
                out[Kind::ALL.iter().position(|x| *x == k).unwrap_or(0)] = true;
            }
        }
        out
    }

    /// The selected annotation, if the selected paragraph has any.
    pub fn selected_annotation(&self) -> Option<&Annotation> {
        self.annotations_on(self.selected)
            .get(self.selected_annotation)
            .copied()
    }

    fn clamp_annotation(&mut self) {
        let n = self.entry_count(self.selected);
        if self.selected_annotation >= n {
            self.selected_annotation = n.saturating_sub(1);
        }
    }

    /// Counts of placed annotations per kind.
    pub fn counts(&self) -> [usize; 3] {
        let mut out = [0; 3];
        for a in &self.sidecar.annotations {
            out[Kind::ALL.iter().position(|x| *x == a.kind()).unwrap_or(0)] += 1;
        }
        out
    }

    // ----- input -----

    /// Handle a key press exactly as the terminal delivers it.
    pub fn handle_key(&mut self, event: KeyEvent) {
        if event.kind != KeyEventKind::Press {
            return;
        }
        if self.status.as_ref().is_some_and(|m| m.transient) {
            self.status = None;
        }
        // The suspend key (a Ctrl key) works in prompts and forms too, as in a shell.
        if self.mode != Mode::Normal
            && event.modifiers.contains(KeyModifiers::CONTROL)
            && self.keymap.lookup(Key::from_event(&event), false) == Some(Command::Suspend)
        {
            self.effects.push(Effect::Suspend);
            return;
        }
        match &self.mode {
            Mode::Normal => {
                let key = Key::from_event(&event);
                let searching = self.search.is_some();
                let selecting = self.selection.is_some();
                match self.keymap.lookup_in(key, searching, selecting) {
                    Some(command) => self.run(command),
                    None if event.code == KeyCode::Esc => self.status = None,
                    None => {}
                }
            }
            Mode::Form(_) => self.form_key(event),
            Mode::Note { .. } => self.note_key(event),
            Mode::SearchPrompt(_) => self.search_key(event),
            Mode::Help { .. } => self.help_key(event),
            Mode::Agreement => self.mode = Mode::Normal,
            Mode::PathPrompt(_) => self.path_key(event),
            Mode::Orphans { .. } => self.orphans_key(event),
            Mode::Export { .. } => self.export_key(event),
            Mode::ConfirmLoss(_) => self.confirm_loss_key(event),
            Mode::Codebook(_) => self.codebook_key(event),
            Mode::Metadata(_) => self.metadata_key(event),
            Mode::TagAllScope(_) => self.tag_all_scope_key(event),
            Mode::ConfirmTagAll(_) => self.confirm_tag_all_key(event),
        }
    }

    /// Handle a mouse event: click selects a paragraph, the wheel scrolls.
    pub fn handle_mouse(&mut self, event: MouseEvent) {
        if self.mode != Mode::Normal {
            return;
        }
        match event.kind {
            MouseEventKind::ScrollDown => self.scroll_rows(3),
            MouseEventKind::ScrollUp => self.scroll_rows(-3),
            MouseEventKind::Down(_) => {
                if let Some(p) = self.layout.paragraph_at(event.column, event.row) {
                    self.select(p);
                }
                self.drag_from(event.column, event.row);
            }
            MouseEventKind::Drag(_) => self.drag_to(event.column, event.row),
            _ => {}
        }
    }

    /// Run one command.
    pub fn run(&mut self, command: Command) {
        if self.refuse_on_others(command) {
            return;
        }
        match command {
            Command::NextParagraph => self.select(self.selected + 1),
            Command::PrevParagraph => self.select(self.selected.saturating_sub(1)),
            Command::PageDown => {
                let target = self.layout.page_forward(&self.doc, self.selected);
                self.select(target)
            }
            Command::PageUp => {
                let target = self.layout.page_backward(&self.doc, self.selected);
                self.select(target)
            }
            Command::FirstParagraph => self.select(0),
            Command::LastParagraph => self.select_last(),
            Command::ScrollDown => self.scroll_rows(1),
            Command::ScrollUp => self.scroll_rows(-1),
            Command::NextAnnotation => self.step_annotation(1),
            Command::PrevAnnotation => self.step_annotation(-1),
            Command::Select => self.start_selection(),
            Command::SelectCancel => {
                self.selection = None;
                self.status = None;
            }
            Command::NarrowToSelection => self.narrow_to_selection(),
            Command::RepeatTag => self.repeat_tag(),
            Command::SelectNextWord
            | Command::SelectPrevWord
            | Command::SelectNextChar
            | Command::SelectPrevChar
            | Command::SelectSentenceForward
            | Command::SelectSentenceBack
            | Command::SelectParagraphStart
            | Command::SelectParagraphEnd
            | Command::SelectSwapEnds => self.move_selection(command),
            Command::TagClaim => self.open_form(Kind::Claim),
            Command::TagAdvice => self.open_form(Kind::Advice),
            Command::TagPosition => self.open_form(Kind::Position),
            Command::EditTag => {
                if self.writable() {
                    match self.selected_annotation() {
                        Some(a) => {
                            let text = self.doc.paragraph_text(self.selected);
                            let mut form = TagForm::edit(a, self.selected, text);
                            self.prefer_likely_names(&mut form);
                            self.mode = Mode::Form(form);
                            self.layout.follow = true;
                        }
                        None => self.warn("No annotation selected on this paragraph"),
                    }
                }
            }
            Command::EditNote => {
                if self.writable() {
                    match self.selected_annotation() {
                        Some(a) => {
                            self.mode = Mode::Note {
                                id: a.id.clone(),
                                input: TextInput::new(a.note.as_deref().unwrap_or("")),
                                opened: Box::new(a.clone()),
                            };
                            self.layout.follow = true;
                        }
                        None => {
                            self.warn("No annotation selected: tag the paragraph first (c, a or p)")
                        }
                    }
                }
            }
            Command::DeleteAnnotation => {
                if self.writable() {
                    match self.selected_annotation().cloned() {
                        Some(a) => {
                            let summary = a.tag.summary();
                            self.commit(vec![Edit::Remove(a)]);
                            self.say(format!(
                                "Deleted {summary} — undo with {}",
                                self.keymap.label(Command::Undo)
                            ));
                        }
                        None => self.warn("Nothing to delete on this paragraph"),
                    }
                }
            }
            Command::Undo => self.undo(),
            Command::Redo => self.redo(),
            Command::Search => self.mode = Mode::SearchPrompt(TextInput::default()),
            Command::SearchNext => self.step_match(1),
            Command::SearchPrev => self.step_match(-1),
            Command::TagAll => self.start_tag_all(),
            Command::ClearSearch => {
                self.search = None;
                self.status = None;
            }
            Command::Help => self.mode = Mode::Help { scroll: 0 },
            Command::Quit => {
                self.leaving = None;
                self.effects.push(Effect::Quit);
            }
            Command::NextDocument => self.leave(Leave::NextDocument),
            Command::PrevDocument => self.leave(Leave::PrevDocument),
            // The corpus list's own commands (its keymap section).
            Command::FirstDocument
            | Command::LastDocument
            | Command::OpenDocument
            | Command::Filter
            | Command::Sort
            | Command::ReverseSort
            | Command::FilterAnnotator
            | Command::FilterUntagged
            | Command::FilterStatus
            | Command::FilterActor
            | Command::ClearFilters
            | Command::SearchCorpus
            | Command::SetStatus
            | Command::Retrieval
            | Command::StanceMatrix
            | Command::Timeline => self.warn(format!(
                "{} works in the corpus list (gloss DIR)",
                command.name()
            )),
            Command::Suspend => self.effects.push(Effect::Suspend),
            Command::NextDisagreement => self.step_disagreement(true),
            Command::PrevDisagreement => self.step_disagreement(false),
            Command::Adopt => self.adopt_selected(),
            Command::ReplaceMine => self.replace_mine(),
            Command::AdoptAgreed => self.adopt_agreed(),
            Command::Agreement => self.show_agreement(),
            Command::WriteTo => self.open_path_prompt(),
            Command::Orphans => self.open_orphans(),
            Command::Reopen => self.effects.push(Effect::Reopen),
            Command::Export => self.open_export(),
            Command::Codebook => self.open_codebook(),
            Command::Metadata => self.open_metadata(),
            Command::Boilerplate => self.toggle_boilerplate(),
            Command::NextSuggestion => self.step_suggestion(),
            Command::AcceptSuggestion => self.accept_suggestion(),
            Command::DismissSuggestion => self.dismiss_suggestion(),
        }
    }

    /// End the session to open another document of the list it came from.
    fn leave(&mut self, to: Leave) {
        if !self.onward.list {
            self.warn("Next and previous document work in a document opened from the corpus list (gloss DIR)");
            return;
        }
        self.leaving = Some(to);
        self.effects.push(Effect::Quit);
    }

    /// Open at `paragraph` (0-based; clamped), with `highlight` searched as
    /// by `/` so `n`/`N` go on from there: where an
    /// [`crate::archive::Opening`] points. A large document still being
    /// indexed gets there when the paragraph is read.
    pub fn open_at(&mut self, paragraph: usize, highlight: Option<&str>) {
        self.select(paragraph);
        if self.selected != paragraph && !self.doc.is_complete() {
            self.bg.select_pending = Some(paragraph);
        }
        if let Some(query) = highlight.filter(|q| !q.is_empty()) {
            self.start_search(query.to_string());
        }
    }

    fn writable(&mut self) -> bool {
        if self.read_only {
            self.warn("Read-only session: nothing can be changed");
        }
        !self.read_only
    }

    /// Select paragraph `index` (clamped) and bring it into view.
    pub fn select(&mut self, index: usize) {
        // The user moved: a pending `G` or reopened position (while
        // indexing) no longer applies.
        self.bg.end_pending = false;
        self.bg.select_pending = None;
        let last = self.doc.len().saturating_sub(1);
        let index = index.min(last);
        if index != self.selected {
            self.selected_annotation = 0;
            self.selected_suggestion = 0;
        }
        // A selection lies within one paragraph.
        if self.selection.is_some_and(|s| s.paragraph != index) {
            self.selection = None;
            // Its "Selected …" message no longer holds.
            self.status = None;
        }
        self.selected = index;
        self.layout.follow = true;
        self.clamp_annotation();
    }

    fn scroll_rows(&mut self, delta: isize) {
        self.bg.end_pending = false;
        self.bg.select_pending = None;
        self.layout.scroll_rows(&self.doc, delta);
    }

    fn step_annotation(&mut self, delta: isize) {
        let n = self.entry_count(self.selected);
        if n == 0 {
            self.warn("This paragraph has no annotations");
            return;
        }
        self.selected_annotation =
            (self.selected_annotation as isize + delta).rem_euclid(n as isize) as usize;
    }

    fn open_form(&mut self, kind: Kind) {
        if !self.writable() {
            return;
        }
        if self.doc.is_empty() {
            self.warn("The document has no paragraphs to tag");
            return;
        }
        let text = self.doc.paragraph_text(self.selected);
        let mut form = match self.selection {
            Some(s) if s.paragraph == self.selected => {
                TagForm::with_quote(kind, self.selected, text, s.range())
            }
            _ => TagForm::new(kind, self.selected),
        };
        self.prefer_likely_names(&mut form);
        form.proposals =
            crate::project::codebook::variant_pairs(self.doc.paragraph_text(self.selected));
        self.mode = Mode::Form(form);
        self.layout.follow = true;
    }

    // ----- changes, undo, redo -----

    fn apply(&mut self, edit: &Edit) {
        self.track(edit);
        let anns = &mut self.sidecar.annotations;
        match edit {
            Edit::Add(a) => {
                if !anns.iter().any(|x| x.id == a.id) {
                    anns.push(a.clone());
                }
            }
            Edit::Remove(a) => {
                // Exactly one, even if a hand edit left two with one id.
                if let Some(at) = anns.iter().position(|x| x == a) {
                    anns.remove(at);
                } else if let Some(at) = anns.iter().position(|x| x.id == a.id) {
                    anns.remove(at);
                }
            }
            Edit::Change { after, .. } => {
                if let Some(x) = anns.iter_mut().find(|x| x.id == after.id) {
                    *x = (**after).clone();
                }
            }
        }
    }

    /// Apply a group of edits as one undoable step and ask for a save.
    pub fn commit(&mut self, edits: Vec<Edit>) {
        let before = self.sidecar.names();
        for e in &edits {
            self.apply(e);
        }
        self.after_change(edits.last());
        let learned = self.sidecar.names().without(&before);
        self.undo.push(Step {
            edits,
            learned,
            codebook: None,
            dismissal: None,
        });
        self.redo.clear();
    }

    fn after_change(&mut self, last: Option<&Edit>) {
        self.sidecar.learn_names();
        self.reindex();
        // New names may be detected now.
        self.invalidate_assist();
        if let Some(edit) = last {
            let a = edit.annotation();
            if !matches!(edit, Edit::Remove(_)) && !self.orphans.contains(&a.id) {
                let id = a.id.clone();
                self.select(a.anchor.paragraph.saturating_sub(1));
                if let Some(pos) = self
                    .annotations_on(self.selected)
                    .iter()
                    .position(|x| x.id == id)
                {
                    self.selected_annotation = pos;
                }
            } else {
                self.select(a.anchor.paragraph.saturating_sub(1));
            }
        }
        self.save_state = SaveState::Pending;
        self.effects.push(Effect::Save);
    }

    fn undo(&mut self) {
        if !self.writable() {
            return;
        }
        let Some(step) = self.undo.pop() else {
            self.warn("Nothing to undo");
            return;
        };
        let inverse: Vec<Edit> = step.edits.iter().rev().map(Edit::inverse).collect();
        for e in &inverse {
            self.apply(e);
        }
        // A name typed only for the undone tag (a typo) leaves the completions too.
        self.sidecar.forget_unused(&step.learned);
        if let Some(change) = &step.codebook {
            self.restore_codebook(&change.1, &change.0);
        }
        if let Some(d) = &step.dismissal {
            self.sidecar.dismissed.retain(|x| x != d);
        }
        self.after_change(inverse.last());
        self.refresh_project_views();
        self.say(format!("Undone ({} left)", self.undo.len()));
        self.redo.push(step);
    }

    fn redo(&mut self) {
        if !self.writable() {
            return;
        }
        let Some(step) = self.redo.pop() else {
            self.warn("Nothing to redo");
            return;
        };
        for e in &step.edits {
            self.apply(e);
        }
        if let Some(change) = &step.codebook {
            self.restore_codebook(&change.0, &change.1);
        }
        if let Some(d) = &step.dismissal
            && !self.sidecar.dismissed.contains(d)
        {
            self.sidecar.dismissed.push(d.clone());
        }
        self.after_change(step.edits.last());
        self.refresh_project_views();
        self.say("Redone");
        self.undo.push(step);
    }

    /// Replace the annotations after a merge with changes made elsewhere,
    /// keeping undo history consistent (edits are re-applied by id).
    pub fn replace_sidecar(&mut self, sidecar: Sidecar) {
        self.sidecar = sidecar;
        self.sidecar.learn_names();
        self.reindex();
    }

    // ----- modes -----

    fn form_key(&mut self, event: KeyEvent) {
        let (registry, issues) = self.completion_sources();
        let issues = &issues;
        let Mode::Form(form) = &mut self.mode else {
            return;
        };
        let count = form.candidates(&registry, issues).len();
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        match event.code {
            KeyCode::Esc => {
                self.mode = Mode::Normal;
                self.flash("Cancelled");
            }
            KeyCode::Tab => {
                form.take_highlight(&registry, issues);
                form.next_field();
                form.suggest(&registry, issues);
            }
            KeyCode::BackTab => {
                form.take_highlight(&registry, issues);
                form.prev_field();
                form.suggest(&registry, issues);
            }
            KeyCode::Down => form.move_highlight(1, count),
            KeyCode::Up => form.move_highlight(-1, count),
            KeyCode::Enter => {
                form.take_highlight(&registry, issues);
                self.save_form();
            }
            // A numbered pick: Alt-1… takes that completion and moves on.
            KeyCode::Char(c @ '1'..='9')
                if event.modifiers.contains(KeyModifiers::ALT)
                    && (c as usize - '1' as usize) < count =>
            {
                form.highlight = Some(c as usize - '1' as usize);
                form.take_highlight(&registry, issues);
                form.next_field();
                form.suggest(&registry, issues);
            }
            KeyCode::Char('n') if ctrl => form.move_highlight(1, count),
            KeyCode::Char('p') if ctrl => form.move_highlight(-1, count),
            _ => {
                // Typing changes the candidates: the highlighted one no longer holds.
                if form.focused_mut().input.edit(&event)
                    && matches!(event.code, KeyCode::Backspace | KeyCode::Char(_))
                {
                    form.highlight = None;
                }
            }
        }
    }

    fn save_form(&mut self) {
        let (registry, _) = self.completion_sources();
        let Mode::Form(form) = &mut self.mode else {
            return;
        };
        // `Name [Variant]` typed for an actor: the tag says Name, Variant
        // becomes its alias (see `codebook::learn_variants`).
        let (typed, variants) = form.split_variants(&registry);
        let tag = match typed.to_tag(&registry) {
            Ok(tag) => tag,
            Err((field, message)) => {
                form.focus = field;
                form.highlight = None;
                self.warn(message);
                return;
            }
        };
        // Tag all: the hits are the places; preview before anything is added.
        if let Some(scope) = form.all {
            self.preview_tag_all(tag, scope);
            return;
        }
        // An optional quote narrows the annotation to those words of the paragraph.
        let paragraph_text = self.doc.paragraph_text(form.paragraph);
        let anchor = match form.quote_span(paragraph_text) {
            form::QuoteSpan::Whole => Anchor::whole(&self.doc, form.paragraph),
            form::QuoteSpan::At(s, e) => Anchor::narrowed(&self.doc, form.paragraph, s, e)
                .unwrap_or_else(|| Anchor::whole(&self.doc, form.paragraph)),
            form::QuoteSpan::NotFound => {
                form.focus = form.quote_field();
                let message = format!("The quote is not in ¶{}", form.paragraph + 1);
                self.warn(message);
                return;
            }
        };
        let form = form.clone();
        self.mode = Mode::Normal;
        match form.opened.as_deref() {
            Some(opened) => {
                let narrowed = anchor.narrowed;
                let outcome = self.commit_editor_change(opened, concurrent::Part::Tag, |a| {
                    a.tag = tag.clone();
                    let same_place = a.anchor.narrowed == narrowed
                        && (!narrowed
                            || (a.anchor.quote == anchor.quote && a.anchor.range == anchor.range));
                    if !same_place {
                        a.anchor = anchor.clone();
                    }
                });
                let summary = tag.summary();
                self.recent_tags.push(tag);
                self.report_editor_change(outcome, (&format!("Changed to {summary}"), "Unchanged"));
                // `Name [Variant]`: the variant becomes the name's alias (its own undo step).
                if !variants.is_empty() {
                    let said = self.commit_with_variants(Vec::new(), &variants);
                    let text = self
                        .status
                        .as_ref()
                        .map(|m| m.text.clone())
                        .unwrap_or_default();
                    self.say(with_variants(text, said));
                }
            }
            None => {
                let annotation = Annotation::created_at(tag, anchor, (self.clock)());
                let summary = annotation.tag.summary();
                let new_names = self.new_names(&annotation.tag);
                self.recent_tags.push(annotation.tag.clone());
                // The selection became the annotation's quote.
                self.selection = None;
                let said = self.commit_with_variants(vec![Edit::Add(annotation)], &variants);
                self.say(with_variants(
                    format!("Tagged ¶{}: {summary}{new_names}", form.paragraph + 1),
                    said,
                ));
            }
        }
    }

    fn note_key(&mut self, event: KeyEvent) {
        let Mode::Note { input, opened, .. } = &mut self.mode else {
            return;
        };
        let alt = event.modifiers.contains(KeyModifiers::ALT);
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        match event.code {
            KeyCode::Esc => {
                self.mode = Mode::Normal;
                self.flash("Note not changed");
            }
            KeyCode::Enter if alt || event.modifiers.contains(KeyModifiers::SHIFT) => {
                input.insert('\n')
            }
            KeyCode::Char('j') if ctrl => input.insert('\n'),
            KeyCode::Enter => {
                let opened = opened.clone();
                let text = input.text.trim_end().to_string();
                self.mode = Mode::Normal;
                let note = (!text.trim().is_empty()).then_some(text);
                let outcome = self.commit_editor_change(&opened, concurrent::Part::Note, |a| {
                    a.note = note.clone()
                });
                self.report_editor_change(outcome, ("Note saved", "Note unchanged"));
            }
            _ => {
                input.edit(&event);
            }
        }
    }

    /// Tell the user how an editor's change went (the usual messages when
    /// it was saved, and when there was nothing to save).
    fn report_editor_change(
        &mut self,
        outcome: concurrent::Committed,
        (done, unchanged): (&str, &str),
    ) {
        use concurrent::Committed;
        match outcome {
            Committed::Unchanged => self.say(unchanged),
            Committed::Gone => self.warn("The annotation was deleted in another session"),
            Committed::Applied => self.say(done.to_string()),
            Committed::KeptBoth(_) => self.warn(format!(
                "{done}; changed in another session too: both versions kept (⚠)"
            )),
            Committed::Restored => self.warn(format!(
                "{done}; it had been deleted in another session and is kept"
            )),
        }
    }

    fn search_key(&mut self, event: KeyEvent) {
        let Mode::SearchPrompt(input) = &mut self.mode else {
            return;
        };
        match event.code {
            KeyCode::Esc => self.mode = Mode::Normal,
            KeyCode::Enter => {
                let query = input.text.clone();
                self.mode = Mode::Normal;
                self.start_search(query);
            }
            _ => {
                input.edit(&event);
            }
        }
    }

    fn step_match(&mut self, delta: isize) {
        let Some(s) = &mut self.search else {
            self.warn("No search: press / to search");
            return;
        };
        if s.matches.is_empty() {
            let text = format!("Searching for '{}'… no match yet", s.query);
            self.say(text);
            return;
        }
        // Step from the selection, so moving by hand then `n` goes onward from there.
        let here = self.selected;
        // Past the last (or first) match of a document opened from search
        // hits: on to the next (previous) hit's document.
        let beyond = if delta > 0 {
            !s.matches.iter().any(|&p| p > here)
        } else {
            !s.matches.iter().any(|&p| p < here)
        };
        if beyond && s.complete {
            let onward = if delta > 0 {
                self.onward.next_hit.then_some(Leave::NextHit)
            } else {
                self.onward.prev_hit.then_some(Leave::PrevHit)
            };
            if let Some(to) = onward {
                self.leaving = Some(to);
                self.effects.push(Effect::Quit);
                return;
            }
        }
        let Some(s) = &mut self.search else {
            return;
        };
        let (next, wrapped) = if delta > 0 {
            match s.matches.iter().position(|&p| p > here) {
                Some(i) => (i, false),
                None => (0, true),
            }
        } else {
            match s.matches.iter().rposition(|&p| p < here) {
                Some(i) => (i, false),
                None => (s.matches.len() - 1, true),
            }
        };
        s.current = next;
        s.wrapped = wrapped;
        let target = s.matches[next];
        self.select(target);
        self.announce_match();
    }

    /// The status of a search: which matching paragraph this is of how many
    /// (matches are counted by paragraph), the hits in it, and a wrap.
    fn announce_match(&mut self) {
        if let Some(s) = &self.search {
            let Some(&at) = s.matches.get(s.current) else {
                return;
            };
            let hits = search::find_all(self.doc.paragraph_text(at), &s.query).len();
            let wrapped = match (s.wrapped, s.current) {
                (false, _) => "",
                (true, 0) => " — wrapped to the start",
                (true, _) => " — wrapped to the end",
            };
            let text = format!(
                "/{}: ¶{} is paragraph {} of {}{} with matches ({hits} hit{} here){wrapped} — n/N next/previous, Esc clears",
                s.query,
                at + 1,
                s.current + 1,
                s.matches.len(),
                if s.complete { "" } else { "+ (searching…)" },
                if hits == 1 { "" } else { "s" },
            );
            self.say(text);
        }
    }

    fn help_key(&mut self, event: KeyEvent) {
        let Mode::Help { scroll } = &mut self.mode else {
            return;
        };
        match event.code {
            KeyCode::Char('j') | KeyCode::Down => *scroll += 1,
            KeyCode::Char('k') | KeyCode::Up => *scroll = scroll.saturating_sub(1),
            KeyCode::PageDown | KeyCode::Char(' ') => *scroll += 10,
            KeyCode::PageUp => *scroll = scroll.saturating_sub(10),
            _ => self.mode = Mode::Normal,
        }
    }

    /// Compute the layout for a frame of `area` and scroll the selection into view.
    pub fn prepare_frame(&mut self, area: Rect) {
        self.poll_background();
        self.poll_assist();
        self.poll_project();
        // Below the text (narrow screens) the panel grows to hold an open form.
        let panel_rows = match &self.mode {
            Mode::Form(form) => {
                let (registry, issues) = self.completion_sources();
                let candidates = form.candidates(&registry, &issues).len();
                (form.fields.len() + candidates + 3) as u16
            }
            Mode::Note { .. } => 9,
            _ => self.panel_rows(area.width),
        };
        self.layout
            .compute(area, &self.doc, self.selected, panel_rows);
        if !self.layout.follow
            && let Some(p) = self.layout.nearest_visible(self.selected)
            && p != self.selected
        {
            self.selected = p;
            self.selected_annotation = 0;
            self.clamp_annotation();
        }
    }
}

/// A status message with what `Name [Variant]` did to the codebook.
fn with_variants(text: String, said: Vec<String>) -> String {
    if said.is_empty() {
        text
    } else {
        format!("{text}; {} (undo with u)", said.join("; "))
    }
}

/// Place every annotation of `sidecar` in `doc`: moved and fuzzy ones get a
/// fresh anchor where they now sit; the rest are returned as orphans, with a
/// status message when anything changed.
fn place_annotations(doc: &Document, sidecar: &mut Sidecar) -> (BTreeSet<String>, Option<Message>) {
    let anchors: Vec<&Anchor> = sidecar.annotations.iter().map(|a| &a.anchor).collect();
    // Repeated texts count as exact only while the source is the one the
    // sidecar was written for.
    let unchanged = doc.sha256_soon() == Some(sidecar.source.sha256.as_str());
    let placements = place_all_with(doc, &anchors, unchanged);
    let mut orphans = BTreeSet::new();
    let (mut moved, mut fuzzy) = (0, 0);
    let ambiguous = placements.iter().filter(|p| p.is_ambiguous()).count();
    for (a, p) in sidecar.annotations.iter_mut().zip(&placements) {
        match *p {
            Placement::Exact(_) => {}
            Placement::Moved { to, .. } => {
                moved += 1;
                a.anchor = reanchored(doc, to, &a.anchor);
            }
            Placement::Fuzzy { to, .. } => {
                fuzzy += 1;
                a.anchor = reanchored(doc, to, &a.anchor);
            }
            Placement::Orphan => {
                orphans.insert(a.id.clone());
            }
        }
    }
    let status = (moved + fuzzy + orphans.len() > 0).then(|| Message {
        text: format!(
            "Source changed since the sidecar was written: {moved} moved, {fuzzy} re-anchored by quote, {} orphaned{}",
            orphans.len(),
            if ambiguous > 0 {
                format!(", {ambiguous} ambiguous (check them)")
            } else {
                String::new()
            }
        ),
        error: !orphans.is_empty() || ambiguous > 0,
        transient: false,
    });
    (orphans, status)
}

/// A fresh anchor for an annotation placed at paragraph `to`, keeping a narrowed
/// quote narrowed when it is still found there.
fn reanchored(doc: &Document, to: usize, old: &Anchor) -> Anchor {
    if !old.narrowed {
        return Anchor::whole(doc, to);
    }
    if let Some(a) = old
        .quote_range(doc.paragraph_text(to))
        .and_then(|(s, e)| Anchor::narrowed(doc, to, s, e))
    {
        return a;
    }
    // The quote itself changed: keep it as written, on its new paragraph.
    Anchor {
        paragraph: to + 1,
        hash: doc.paragraph_hash(to),
        ..old.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::Actor;
    use std::path::Path;

    fn type_keys(app: &mut App, text: &str) {
        for c in text.chars() {
            let code = match c {
                '\t' => KeyCode::Tab,
                '\n' => KeyCode::Enter,
                c => KeyCode::Char(c),
            };
            app.handle_key(KeyEvent::new(code, KeyModifiers::NONE));
        }
    }

    fn actor_names(app: &App) -> Vec<&str> {
        app.sidecar.actors.iter().map(|a| a.name.as_str()).collect()
    }

    #[test]
    fn undo_forgets_names_typed_only_for_the_undone_tag_and_redo_brings_them_back() {
        let doc = Document::from_text(Path::new("d.txt"), "One.\n\nTwo.\n");
        let mut sidecar = Sidecar::new(&doc, "kim");
        // Prepared by hand: kept although no tag uses it.
        sidecar.actors.push(Actor {
            name: "Petrov".into(),
            aliases: vec![],
        });
        let mut app = App::new(doc, sidecar, Keymap::default_keymap());
        type_keys(&mut app, "cNam Il\n");
        type_keys(&mut app, "pNam\tsup\tunity\n");
        assert_eq!(actor_names(&app), ["Nam", "Nam Il", "Petrov"]);
        assert_eq!(app.sidecar.issues, ["unity"]);
        type_keys(&mut app, "u");
        assert_eq!(actor_names(&app), ["Nam Il", "Petrov"]);
        assert!(app.sidecar.issues.is_empty());
        let (registry, _) = app.completion_sources();
        assert_eq!(registry.complete("Na"), ["Nam Il"]);
        app.run(Command::Redo);
        assert_eq!(actor_names(&app), ["Nam", "Nam Il", "Petrov"]);
        assert_eq!(app.sidecar.issues, ["unity"]);
        // Undoing both tags keeps only the prepared name.
        type_keys(&mut app, "uu");
        assert_eq!(actor_names(&app), ["Petrov"]);
    }
}
