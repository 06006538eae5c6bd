//! The corpus screen's state and update (`gloss DIR`): the list of documents
//! below a folder, sorted and filtered, and what the keys do to it.
//!
//! A screen of its own beside annotate and review: keys go through the
//! keymap's `corpus` section to [`Command`]s; what needs the outside world
//! (opening a document, writing a status, quitting) comes out as a
//! [`CorpusEffect`] the event loop carries out. The rows come from a
//! [`CorpusIndex`], which fills in counts from its own thread; nothing here
//! waits for it.

pub mod fuzzy;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::annotation::{Actor, ActorResolver};
use crate::archive::Opening;
use crate::archive::index::{CorpusIndex, Row};
use crate::archive::state::ListPlace;
use crate::command::Command;
use crate::keymap::{Key, Keymap};
use crate::project::Status;

use super::Message;
use super::input::TextInput;

/// What the list is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Oldest first; undated documents last.
    #[default]
    Date,
    Title,
    Path,
    /// Most annotations (all annotators) first.
    Counts,
}

impl SortKey {
    pub const ALL: [SortKey; 4] = [
        SortKey::Date,
        SortKey::Title,
        SortKey::Path,
        SortKey::Counts,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SortKey::Date => "date",
            SortKey::Title => "title",
            SortKey::Path => "path",
            SortKey::Counts => "counts",
        }
    }

    pub fn from_name(name: &str) -> Option<SortKey> {
        SortKey::ALL.into_iter().find(|k| k.name() == name)
    }

    fn next(self) -> SortKey {
        let i = SortKey::ALL.iter().position(|k| *k == self).unwrap_or(0);
        SortKey::ALL[(i + 1) % SortKey::ALL.len()]
    }
}

/// The status filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusFilter {
    Is(Status),
    /// No status set yet.
    Unset,
}

impl StatusFilter {
    pub fn name(self) -> &'static str {
        match self {
            StatusFilter::Is(s) => s.as_str(),
            StatusFilter::Unset => "none set",
        }
    }

    fn from_name(name: &str) -> Option<StatusFilter> {
        if name == "none set" {
            return Some(StatusFilter::Unset);
        }
        name.parse().ok().map(StatusFilter::Is)
    }

    /// The next in the cycle todo → in progress → done → none set → all.
    fn next(current: Option<StatusFilter>) -> Option<StatusFilter> {
        match current {
            None => Some(StatusFilter::Is(Status::Todo)),
            Some(StatusFilter::Is(Status::Todo)) => Some(StatusFilter::Is(Status::InProgress)),
            Some(StatusFilter::Is(Status::InProgress)) => Some(StatusFilter::Is(Status::Done)),
            Some(StatusFilter::Is(Status::Done)) => Some(StatusFilter::Unset),
            Some(StatusFilter::Unset) => None,
        }
    }
}

/// Every filter of the list; a row is shown when it passes them all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    /// Fuzzy over title and path.
    pub text: String,
    /// Only documents this annotator tagged.
    pub annotator: Option<String>,
    /// Only documents the user has not tagged.
    pub untagged: bool,
    pub status: Option<StatusFilter>,
    /// Only documents where this actor (a main name) is tagged.
    pub actor: Option<String>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        *self == Filters::default()
    }
}

/// What the keyboard talks to in the corpus screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorpusMode {
    Normal,
    /// Typing the text filter; the list follows each key (Enter keeps the
    /// filter, Esc clears it).
    Filter(TextInput),
    /// Typing an actor's name or alias.
    Actor(TextInput),
    Help {
        scroll: usize,
    },
}

/// Something the event loop must do for the corpus screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorpusEffect {
    /// Open this document in the annotate view.
    Open(PathBuf),
    /// Open `openings[at]`, with `n`/`N` going on through the others across
    /// documents (search hits): what a search screen hands over.
    OpenTrail(Vec<Opening>, usize),
    /// Store this status for the document in the project file.
    SetStatus(PathBuf, Option<Status>),
    /// Show the retrieval screens over the corpus, at this one.
    Retrieval(crate::app::retrieval::Screen),
    Quit,
    Suspend,
}

/// The corpus screen.
pub struct CorpusView {
    pub index: CorpusIndex,
    pub keymap: Keymap,
    /// The user (their counts are the "mine" column).
    pub me: String,
    /// The corpus folder's name, for the title line.
    pub root_name: String,
    pub mode: CorpusMode,
    pub sort: SortKey,
    pub reverse: bool,
    pub filters: Filters,
    /// Indexes into `index.rows()` of the rows shown, in order.
    pub visible: Vec<usize>,
    /// Position in `visible`.
    pub selected: usize,
    /// First row shown.
    pub offset: usize,
    /// Rows of the list area at the last frame (page keys move by it).
    pub page: usize,
    pub status: Option<Message>,
    /// Resolves actor names and aliases for the actor filter.
    resolver: ActorResolver,
    /// The document the selection is on, kept across re-sorting and updates.
    selected_path: Option<PathBuf>,
    /// Search across documents (`/`): while open, it has the keys and the
    /// screen; kept while a result is open, so `q` there comes back to it.
    pub search: Option<Box<crate::app::corpus_search::CorpusSearchScreen>>,
    /// The index generation and the filters the list was built for.
    built_for: Option<(u64, Filters, SortKey, bool)>,
    effects: Vec<CorpusEffect>,
}

impl CorpusView {
    pub fn new(index: CorpusIndex, keymap: Keymap, me: &str) -> CorpusView {
        let root_name = index.root_name();
        let mut view = CorpusView {
            root_name,
            index,
            keymap,
            me: me.to_string(),
            mode: CorpusMode::Normal,
            sort: SortKey::default(),
            reverse: false,
            filters: Filters::default(),
            visible: Vec::new(),
            selected: 0,
            offset: 0,
            page: 10,
            status: None,
            resolver: ActorResolver::default(),
            selected_path: None,
            search: None,
            built_for: None,
            effects: Vec::new(),
        };
        if let Some(e) = view.index.project_error.clone() {
            view.warn(format!("{e} — titles, dates and statuses not read from it"));
        }
        view.rebuild();
        view
    }

    /// Go back to a list as it was left (the state file).
    pub fn restore(&mut self, place: &ListPlace) {
        self.sort = SortKey::from_name(&place.sort).unwrap_or_default();
        self.reverse = place.reverse;
        self.filters = Filters {
            text: place.filter.clone(),
            annotator: place.annotator.clone(),
            untagged: place.untagged,
            status: place.status.as_deref().and_then(StatusFilter::from_name),
            actor: place.actor.clone(),
        };
        if self.filters.actor.is_some() {
            self.resolver = self.build_resolver();
        }
        self.selected_path = place.selected.clone();
        // Built again only if the sort or a filter differs from the list
        // as it was built (a reopened corpus's ten thousand rows are
        // sorted before its first frame); the selection goes back to its
        // document either way.
        self.rebuild();
        if let Some(i) = self
            .selected_path
            .clone()
            .and_then(|p| self.position_of(&p))
        {
            self.selected = i;
        }
    }

    /// The list as it is now, for the state file.
    pub fn place(&self) -> ListPlace {
        ListPlace {
            selected: self.selected_row().map(|r| r.path.clone()),
            sort: self.sort.name().to_string(),
            reverse: self.reverse,
            filter: self.filters.text.clone(),
            annotator: self.filters.annotator.clone(),
            untagged: self.filters.untagged,
            status: self.filters.status.map(|s| s.name().to_string()),
            actor: self.filters.actor.clone(),
        }
    }

    pub fn has_effects(&self) -> bool {
        !self.effects.is_empty()
    }

    pub fn take_effects(&mut self) -> Vec<CorpusEffect> {
        std::mem::take(&mut self.effects)
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

    /// The selected row, if any.
    pub fn selected_row(&self) -> Option<&Row> {
        self.visible
            .get(self.selected)
            .map(|&i| &self.index.rows()[i])
    }

    /// Select the row of `path` (when shown).
    pub fn select_path(&mut self, path: &Path) {
        self.selected_path = Some(path.to_path_buf());
        if let Some(i) = self.position_of(path) {
            self.selected = i;
        }
    }

    fn position_of(&self, path: &Path) -> Option<usize> {
        self.visible
            .iter()
            .position(|&i| self.index.rows()[i].path == path)
    }

    /// The document `delta` rows from `path` in the list as shown (sorted
    /// and filtered): what next/previous document opens from a document.
    pub fn neighbour(&self, path: &Path, delta: isize) -> Option<PathBuf> {
        let here = self.position_of(path)?;
        let there = here.checked_add_signed(delta)?;
        self.visible
            .get(there)
            .map(|&i| self.index.rows()[i].path.clone())
    }

    /// Take in the index's news and fit the list to `rows` rows of screen.
    pub fn prepare_frame(&mut self, rows: usize) {
        self.index.poll();
        if let Some(search) = &mut self.search {
            search.poll();
            search.scroll_into_view(rows);
        }
        self.page = rows.max(1);
        self.rebuild();
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + self.page {
            self.offset = self.selected + 1 - self.page;
        }
        let max_offset = self.visible.len().saturating_sub(self.page);
        self.offset = self.offset.min(max_offset);
    }

    /// Build `visible` again when the rows, filters or sort changed.
    pub fn rebuild(&mut self) {
        let key = (
            self.index.generation(),
            self.filters.clone(),
            self.sort,
            self.reverse,
        );
        if self.built_for.as_ref() == Some(&key) {
            return;
        }
        let rows = self.index.rows();
        let terms = fuzzy::Terms::new(&self.filters.text);
        let mut shown: Vec<(SortValue, usize)> = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            if row.facts.as_ref().is_some_and(|f| f.not_text) {
                continue;
            }
            // Titles only where needed: this runs over every row.
            let needs_title = !terms.is_empty() || self.sort == SortKey::Title;
            let title = if needs_title {
                self.index.title(row)
            } else {
                String::new()
            };
            if !terms.is_empty() && !terms.matches(&row.relative) && !terms.matches(&title) {
                continue;
            }
            if !self.passes(row) {
                continue;
            }
            // Borrowed where it can be: this runs over every row at every
            // frame while the counts fill in.
            let value = match self.sort {
                // Undated rows last.
                SortKey::Date => {
                    SortValue::Date(self.index.date_of(row).map_or(u32::MAX, |d| d.order_key()))
                }
                SortKey::Title => SortValue::Text(Cow::Owned(title.to_lowercase())),
                SortKey::Path => SortValue::Text(Cow::Borrowed(&row.relative)),
                SortKey::Counts => SortValue::Count(std::cmp::Reverse(
                    row.counts.as_ref().map_or(0, |c| c.total()),
                )),
            };
            shown.push((value, i));
        }
        // Ties keep path order (rows are sorted by path); every pair
        // differs, so an unstable sort (no buffer) gives the same order.
        shown.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        if self.reverse {
            shown.reverse();
        }
        self.visible = shown.into_iter().map(|(_, i)| i).collect();
        self.built_for = Some(key);
        // The selection stays on its document while rows move (a new sort,
        // dates read in the background); until the user picks one it stays
        // at the top. A document filtered out gets it back when it returns.
        match self
            .selected_path
            .clone()
            .and_then(|p| self.position_of(&p))
        {
            Some(i) => self.selected = i,
            None => self.selected = self.selected.min(self.visible.len().saturating_sub(1)),
        }
    }

    /// The filters other than the text.
    fn passes(&self, row: &Row) -> bool {
        if let Some(who) = &self.filters.annotator
            && !row.annotators().any(|a| a == who)
        {
            return false;
        }
        if self.filters.untagged {
            let tagged = match &row.counts {
                Some(c) => c.of(&self.me).total() > 0,
                // Not counted yet: a sidecar of mine may still be empty.
                None => row.annotators().any(|a| a == self.me),
            };
            if tagged {
                return false;
            }
        }
        if let Some(want) = self.filters.status {
            let status = self.index.status(row);
            let ok = match want {
                StatusFilter::Is(s) => status == Some(s),
                StatusFilter::Unset => status.is_none(),
            };
            if !ok {
                return false;
            }
        }
        if let Some(actor) = &self.filters.actor {
            let key = self.resolver.key(actor);
            let named = row
                .counts
                .as_ref()
                .is_some_and(|c| c.actors.iter().any(|a| self.resolver.key(a) == key));
            if !named {
                return false;
            }
        }
        true
    }

    /// The codebook's names and aliases, the sidecars' (after the
    /// codebook's: the team's names win), and every name tagged anywhere.
    fn build_resolver(&self) -> ActorResolver {
        let mut resolver = self.index.actor_resolver();
        let mut registries: Vec<Actor> = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for counts in self.index.rows().iter().filter_map(|r| r.counts.as_ref()) {
            for actor in &counts.registry {
                if seen.insert((actor.name.as_str(), actor.aliases.as_slice())) {
                    registries.push(actor.clone());
                }
            }
        }
        resolver.add_source(&registries);
        let tagged: std::collections::BTreeSet<&str> = self
            .index
            .rows()
            .iter()
            .filter_map(|r| r.counts.as_ref())
            .flat_map(|c| c.actors.iter().map(String::as_str))
            .collect();
        let extra: Vec<Actor> = tagged
            .into_iter()
            .map(|name| Actor {
                name: name.to_string(),
                aliases: Vec::new(),
            })
            .collect();
        resolver.add_source(&extra);
        resolver
    }

    /// Every annotator with a sidecar somewhere in the corpus, sorted.
    pub fn annotators(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .index
            .rows()
            .iter()
            .flat_map(|r| r.annotators().map(str::to_string))
            .collect();
        all.sort();
        all.dedup();
        all
    }

    /// Handle one key event.
    pub fn handle_key(&mut self, event: KeyEvent) {
        if event.kind == KeyEventKind::Release {
            return;
        }
        if self.status.as_ref().is_some_and(|m| m.transient) {
            self.status = None;
        }
        if let Some(search) = &mut self.search {
            use crate::app::corpus_search::Outcome;
            match search.handle_key(event, &self.keymap) {
                Outcome::Stay => {}
                Outcome::Open { trail, index } => {
                    self.effects.push(CorpusEffect::OpenTrail(trail, index))
                }
                Outcome::Close => self.search = None,
            }
            return;
        }
        match &mut self.mode {
            CorpusMode::Normal => {
                let key = Key::from_event(&event);
                match self.keymap.lookup_corpus(key) {
                    Some(command) => self.run(command),
                    None if event.code == KeyCode::Esc => self.status = None,
                    None => {}
                }
            }
            CorpusMode::Filter(input) => match event.code {
                KeyCode::Enter => {
                    self.mode = CorpusMode::Normal;
                    self.announce_filters();
                }
                KeyCode::Esc => {
                    self.filters.text.clear();
                    self.mode = CorpusMode::Normal;
                    self.announce_filters();
                }
                KeyCode::Down => self.move_by(1),
                KeyCode::Up => self.move_by(-1),
                _ => {
                    if input.edit(&event) {
                        self.filters.text = input.text.clone();
                        // The best match of a new filter is at the top. The
                        // list is built again once per frame, not per key
                        // (a burst of typing costs one pass over the rows).
                        self.selected_path = None;
                        self.selected = 0;
                    }
                }
            },
            CorpusMode::Actor(input) => match event.code {
                KeyCode::Enter => {
                    let typed = input.text.trim().to_string();
                    self.mode = CorpusMode::Normal;
                    self.set_actor(&typed);
                }
                KeyCode::Esc => self.mode = CorpusMode::Normal,
                _ => {
                    input.edit(&event);
                }
            },
            CorpusMode::Help { scroll } => match event.code {
                KeyCode::Down | KeyCode::Char('j') => *scroll += 1,
                KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
                _ => self.mode = CorpusMode::Normal,
            },
        }
    }

    /// Carry out a command of the corpus section.
    pub fn run(&mut self, command: Command) {
        match command {
            Command::NextDocument => self.move_by(1),
            Command::PrevDocument => self.move_by(-1),
            Command::PageDown => self.move_by(self.page as isize),
            Command::PageUp => self.move_by(-(self.page as isize)),
            Command::FirstDocument => self.move_to(0),
            Command::LastDocument => self.move_to(self.visible.len().saturating_sub(1)),
            Command::OpenDocument => match self.selected_row().map(|r| r.path.clone()) {
                Some(path) => self.effects.push(CorpusEffect::Open(path)),
                None => self.warn("No document selected"),
            },
            Command::Filter => {
                self.mode = CorpusMode::Filter(TextInput::new(&self.filters.text));
            }
            Command::Sort => {
                self.sort = self.sort.next();
                self.reverse = false;
                self.say(format!("Sorted by {}", self.sort.name()));
            }
            Command::ReverseSort => {
                self.reverse = !self.reverse;
                self.say(format!(
                    "Sorted by {}{}",
                    self.sort.name(),
                    if self.reverse { ", reversed" } else { "" }
                ));
            }
            Command::FilterAnnotator => {
                let all = self.annotators();
                self.filters.annotator = match &self.filters.annotator {
                    None => all.first().cloned(),
                    Some(now) => all.iter().skip_while(|a| *a != now).nth(1).cloned(),
                };
                if all.is_empty() {
                    self.warn("No sidecars in this folder yet: nobody has tagged anything");
                } else {
                    self.announce_filters();
                }
            }
            Command::FilterUntagged => {
                self.filters.untagged = !self.filters.untagged;
                self.announce_filters();
            }
            Command::FilterStatus => {
                self.filters.status = StatusFilter::next(self.filters.status);
                self.announce_filters();
            }
            Command::FilterActor => {
                self.mode = CorpusMode::Actor(TextInput::new(
                    self.filters.actor.as_deref().unwrap_or_default(),
                ));
            }
            Command::ClearFilters => {
                if self.filters.is_empty() {
                    self.status = None;
                } else {
                    self.filters = Filters::default();
                    self.say("Filters cleared");
                }
            }
            Command::SetStatus => {
                let Some(row) = self.selected_row() else {
                    self.warn("No document selected");
                    return;
                };
                let next = match self.index.status(row) {
                    None => Some(Status::Todo),
                    Some(Status::Todo) => Some(Status::InProgress),
                    Some(Status::InProgress) => Some(Status::Done),
                    Some(Status::Done) => None,
                };
                let path = row.path.clone();
                self.effects.push(CorpusEffect::SetStatus(path, next));
            }
            Command::SearchCorpus | Command::Search => {
                let screen = crate::app::corpus_search::CorpusSearchScreen::new(self.index.root())
                    .with_annotator(&self.me);
                self.search = Some(Box::new(screen));
            }
            Command::Retrieval => self
                .effects
                .push(CorpusEffect::Retrieval(crate::app::retrieval::Screen::List)),
            Command::StanceMatrix => self.effects.push(CorpusEffect::Retrieval(
                crate::app::retrieval::Screen::Matrix,
            )),
            Command::Timeline => self.effects.push(CorpusEffect::Retrieval(
                crate::app::retrieval::Screen::Timeline,
            )),
            Command::Help => self.mode = CorpusMode::Help { scroll: 0 },
            Command::Quit => self.effects.push(CorpusEffect::Quit),
            Command::Suspend => self.effects.push(CorpusEffect::Suspend),
            other => self.warn(format!("{} does nothing in the corpus list", other.name())),
        }
        self.rebuild();
    }

    fn set_actor(&mut self, typed: &str) {
        if typed.is_empty() {
            self.filters.actor = None;
            self.announce_filters();
            return;
        }
        self.resolver = self.build_resolver();
        match self.resolver.lookup(typed) {
            Ok(Some(main)) => {
                self.filters.actor = Some(main);
                self.announce_filters();
            }
            Ok(None) => self.warn(format!(
                "No actor named '{typed}' is tagged or in the codebook"
            )),
            Err(candidates) => self.warn(format!(
                "'{typed}' could be {} — type more",
                candidates.join(", ")
            )),
        }
    }

    /// Say which filters are on and how many documents pass.
    fn announce_filters(&mut self) {
        self.rebuild();
        let f = &self.filters;
        let mut parts = Vec::new();
        if !f.text.is_empty() {
            parts.push(format!("'{}'", f.text));
        }
        if let Some(a) = &f.annotator {
            parts.push(format!("tagged by {a}"));
        }
        if f.untagged {
            parts.push(format!("not tagged by {}", self.me));
        }
        if let Some(s) = f.status {
            parts.push(format!("status {}", s.name()));
        }
        if let Some(a) = &f.actor {
            parts.push(format!("actor {a}"));
        }
        if parts.is_empty() {
            self.say("No filter: every document");
        } else {
            let n = self.visible.len();
            self.say(format!(
                "{n} document{} {}",
                if n == 1 { "" } else { "s" },
                parts.join(", ")
            ));
        }
    }

    fn move_by(&mut self, delta: isize) {
        if self.visible.is_empty() {
            return;
        }
        let last = self.visible.len() - 1;
        let to = self.selected.saturating_add_signed(delta).min(last);
        self.move_to(to);
    }

    fn move_to(&mut self, to: usize) {
        if self.visible.is_empty() {
            return;
        }
        self.selected = to.min(self.visible.len() - 1);
        self.selected_path = self.selected_row().map(|r| r.path.clone());
    }

    /// The status line's summary: shown of all, and the counting progress.
    pub fn summary(&self) -> String {
        let (counted, total) = self.index.progress();
        let shown = self.visible.len();
        let mut text = if shown == total {
            format!("{total} document{}", if total == 1 { "" } else { "s" })
        } else {
            format!("{shown} of {total} documents")
        };
        if counted < total {
            text.push_str(&format!(" — counting {counted}/{total}…"));
        } else if !self.index.is_complete() {
            text.push_str(" — reading documents…");
        }
        text
    }
}

/// What a row is sorted on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum SortValue<'r> {
    /// [`PartialDate::order_key`](crate::project::PartialDate::order_key);
    /// undated rows last.
    Date(u32),
    Text(Cow<'r, str>),
    Count(std::cmp::Reverse<usize>),
}

/// Key events as the terminal sends them, for tests and the event loop.
pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}
