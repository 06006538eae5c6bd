//! The retrieval screens over an archive (state and update): the list of
//! every annotation, filtered as `gloss export` filters and grouped by actor
//! or issue; the stance matrix; the timeline. One component with three
//! screens sharing the loaded corpus and the filter; it does no drawing
//! ([`crate::view::retrieval`]) and hands the host an [`Opening`] when a
//! statement is chosen.
//!
//! The corpus loads, and `x` exports, on background threads: [`Retrieval::poll`]
//! takes their results in before each frame, so keys never wait for them.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, TryRecvError, channel};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::input::TextInput;
use crate::archive::Opening;
use crate::archive::retrieval::{
    self, Corpus, Exported, Grouping, Matrix, Subject, Timeline, Timelines, filter_text,
    parse_filter,
};
use crate::export::{Filter, Format};

/// Which of the three screens is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    List,
    Matrix,
    Timeline,
}

/// One line of the list: a group's heading or an annotation (a row index
/// into [`Corpus::rows`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Heading { name: String, count: usize },
    Row(u32),
}

/// What the host should do after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    None,
    /// Open this statement's paragraph.
    Open(Opening),
    /// Leave the retrieval screens.
    Close,
}

/// A retrieval action, bound to keys by [`action_for`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Down,
    Up,
    Left,
    Right,
    PageDown,
    PageUp,
    First,
    Last,
    Open,
    Filter,
    ClearFilter,
    /// List: no grouping → by actor → by issue. Timeline: actor ⇄ issue.
    Toggle,
    ShowList,
    ShowMatrix,
    ShowTimeline,
    Export,
    Help,
    Close,
}

/// The keys of the retrieval screens.
pub const KEYS: &[(&str, &str)] = &[
    ("j/k ↑/↓", "move; PageDown/PageUp/Space, g/G Home/End"),
    (
        "h/l ←/→",
        "matrix: move between issues; timeline: previous/next actor or issue",
    ),
    (
        "Enter",
        "open the statement's paragraph; matrix/timeline: list those statements",
    ),
    (
        "/ f",
        "filter: kind:, actor:, stance:, issue:, annotator: (as gloss export)",
    ),
    ("Esc", "clear the filter (in a prompt: cancel)"),
    (
        "Tab",
        "list: group by actor, by issue, or not; timeline: actor ⇄ issue",
    ),
    ("r m t T", "the list, the stance matrix, the timeline"),
    (
        "x",
        "export what the list shows (same filter) beside the folder",
    ),
    ("?", "these keys"),
    ("q", "back"),
];

/// The action `key` stands for on the retrieval screens.
pub fn action_for(key: &KeyEvent) -> Option<Action> {
    if key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
    {
        return match key.code {
            KeyCode::Char('f') => Some(Action::PageDown),
            KeyCode::Char('b') => Some(Action::PageUp),
            _ => None,
        };
    }
    Some(match key.code {
        KeyCode::Char('j') | KeyCode::Down => Action::Down,
        KeyCode::Char('k') | KeyCode::Up => Action::Up,
        KeyCode::Char('h') | KeyCode::Left => Action::Left,
        KeyCode::Char('l') | KeyCode::Right => Action::Right,
        KeyCode::PageDown | KeyCode::Char(' ') => Action::PageDown,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::Char('g') | KeyCode::Home => Action::First,
        KeyCode::Char('G') | KeyCode::End => Action::Last,
        KeyCode::Enter => Action::Open,
        KeyCode::Char('/') | KeyCode::Char('f') => Action::Filter,
        KeyCode::Esc => Action::ClearFilter,
        KeyCode::Tab => Action::Toggle,
        KeyCode::Char('r') => Action::ShowList,
        KeyCode::Char('m') => Action::ShowMatrix,
        KeyCode::Char('t') | KeyCode::Char('T') => Action::ShowTimeline,
        KeyCode::Char('x') => Action::Export,
        KeyCode::Char('?') => Action::Help,
        KeyCode::Char('q') => Action::Close,
        _ => return None,
    })
}

/// An open prompt over the screens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// Typing a filter.
    Filter(TextInput),
    /// Choosing the export format (index into [`Format::ALL`]).
    Export {
        selected: usize,
    },
    Help,
}

/// A corpus read on a background thread, with the problems met, or why it failed.
type Loaded = Result<(Corpus, Vec<String>), String>;

/// The retrieval screens' state.
pub struct Retrieval {
    pub root: PathBuf,
    /// `None` while loading.
    pub corpus: Option<Arc<Corpus>>,
    loading: Option<Receiver<Loaded>>,
    exporting: Option<Receiver<Result<Exported, String>>>,
    pub screen: Screen,
    /// The filter in force, and as typed.
    pub filter: Filter,
    pub filter_text: String,
    /// Rows the filter lets through, in date order.
    pub selected: Vec<u32>,
    pub grouping: Option<Grouping>,
    /// The list's lines.
    pub items: Vec<Item>,
    /// The list's cursor and first visible line.
    pub cursor: usize,
    pub top: usize,
    pub matrix: Matrix,
    /// Matrix cursor: (actor row, issue column), and the first shown of each.
    pub cell: (usize, usize),
    pub matrix_top: usize,
    pub matrix_left: usize,
    /// The timeline's subject and its counts.
    pub timeline: Option<Timeline>,
    /// Positions of `selected` counted per actor and issue once per filter
    /// change, so that stepping the timeline does not rescan the rows.
    timelines: Timelines,
    pub prompt: Option<Prompt>,
    /// The status line; `error` shows it as a warning.
    pub status: String,
    pub error: bool,
    /// Lines of the list (or matrix rows) one page moves: the host's last frame.
    pub page: usize,
    /// Matrix columns that fitted in the last frame.
    pub matrix_columns: usize,
    /// The annotation to put the cursor back on after a reload.
    keep: Option<String>,
}

impl Retrieval {
    /// The screens over `root`, its corpus loading on a background thread.
    pub fn open(root: &Path, screen: Screen) -> Retrieval {
        let (tx, rx) = channel();
        let dir = root.to_path_buf();
        std::thread::spawn(move || {
            let mut problems = Vec::new();
            let loaded = Corpus::load(&dir, &mut |m| problems.push(m)).map(|c| (c, problems));
            let _ = tx.send(loaded);
        });
        let mut r = Retrieval::empty(root, screen);
        r.loading = Some(rx);
        r.status = "Reading every sidecar below the folder…".into();
        r
    }

    /// Read the corpus again (after a document was annotated), keeping the
    /// screen, the filter and the statement under the cursor.
    pub fn reload(&mut self) {
        let (tx, rx) = channel();
        let dir = self.root.clone();
        std::thread::spawn(move || {
            let mut problems = Vec::new();
            let loaded = Corpus::load(&dir, &mut |m| problems.push(m)).map(|c| (c, problems));
            let _ = tx.send(loaded);
        });
        self.keep = self.current_row().and_then(|row| {
            let r = self.corpus.as_ref()?.rows.get(row as usize)?;
            Some(r.annotation.id.clone())
        });
        self.loading = Some(rx);
    }

    /// The screens over a corpus already loaded.
    pub fn with_corpus(corpus: Corpus, screen: Screen) -> Retrieval {
        let mut r = Retrieval::empty(&corpus.root.clone(), screen);
        r.corpus = Some(Arc::new(corpus));
        r.refilter();
        r.status = r.summary();
        r
    }

    fn empty(root: &Path, screen: Screen) -> Retrieval {
        Retrieval {
            root: root.to_path_buf(),
            corpus: None,
            loading: None,
            exporting: None,
            screen,
            filter: Filter::default(),
            filter_text: String::new(),
            selected: Vec::new(),
            grouping: None,
            items: Vec::new(),
            cursor: 0,
            top: 0,
            matrix: Matrix::default(),
            cell: (0, 0),
            matrix_top: 0,
            matrix_left: 0,
            timeline: None,
            timelines: Timelines::default(),
            prompt: None,
            status: String::new(),
            error: false,
            page: 20,
            matrix_columns: 1,
            keep: None,
        }
    }

    /// Is background work running (the host should redraw soon)?
    pub fn busy(&self) -> bool {
        self.loading.is_some() || self.exporting.is_some()
    }

    /// Take in what the background work finished.
    pub fn poll(&mut self) {
        if let Some(rx) = &self.loading {
            match rx.try_recv() {
                Ok(Ok((corpus, problems))) => {
                    self.loading = None;
                    self.corpus = Some(Arc::new(corpus));
                    self.refilter();
                    if let Some(id) = self.keep.take() {
                        let corpus = self.corpus.clone().unwrap_or_default();
                        if let Some(at) = self.items.iter().position(|i| {
                            matches!(i, Item::Row(r) if corpus.rows[*r as usize].annotation.id == id)
                        }) {
                            self.cursor = at;
                        }
                    }
                    match problems.first() {
                        Some(p) => self.warn(format!(
                            "{p}{}",
                            match problems.len() {
                                1 => String::new(),
                                n => format!(" (and {} more problems)", n - 1),
                            }
                        )),
                        None => self.say(self.summary()),
                    }
                }
                Ok(Err(e)) => {
                    self.loading = None;
                    self.corpus = Some(Arc::new(Corpus::default()));
                    self.warn(e);
                }
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => {
                    self.loading = None;
                    self.corpus = Some(Arc::new(Corpus::default()));
                    self.warn("Reading the archive failed");
                }
            }
        }
        if let Some(rx) = &self.exporting {
            match rx.try_recv() {
                Ok(Ok(done)) => {
                    self.exporting = None;
                    let problems = match done.problems.len() {
                        0 => String::new(),
                        n => format!(" ({n} problem(s): {})", done.problems[0]),
                    };
                    self.say(format!(
                        "Exported {} annotation(s) to {}{problems}",
                        done.excerpts,
                        done.path.display()
                    ));
                }
                Ok(Err(e)) => {
                    self.exporting = None;
                    self.warn(format!("Export failed: {e}"));
                }
                Err(TryRecvError::Empty) => {}
                Err(TryRecvError::Disconnected) => {
                    self.exporting = None;
                    self.warn("Export failed");
                }
            }
        }
    }

    /// Wait for the corpus (tests and benches).
    pub fn wait(&mut self) {
        while self.loading.is_some() || self.exporting.is_some() {
            std::thread::sleep(std::time::Duration::from_millis(5));
            self.poll();
        }
    }

    fn say(&mut self, text: impl Into<String>) {
        self.status = text.into();
        self.error = false;
    }

    fn warn(&mut self, text: impl Into<String>) {
        self.status = text.into();
        self.error = true;
    }

    /// `N of M annotations · filter …`.
    pub fn summary(&self) -> String {
        let total = self.corpus.as_ref().map_or(0, |c| c.rows.len());
        let docs = self.corpus.as_ref().map_or(0, |c| c.documents.len());
        if self.filter.is_empty() {
            format!(
                "{} of {} annotations in {} documents",
                self.selected.len(),
                total,
                docs
            )
        } else {
            format!(
                "{} shown · x exports them: gloss export {}",
                self.selected.len(),
                retrieval::export_flags(&self.filter)
            )
        }
    }

    /// Apply a new filter; a filter that does not parse or resolve changes nothing.
    pub fn set_filter(&mut self, text: &str) -> Result<(), String> {
        let filter = parse_filter(text)?;
        let corpus = self.corpus.clone().unwrap_or_default();
        let selected = corpus.select(&filter)?;
        self.filter = filter;
        self.filter_text = filter_text(&self.filter);
        self.apply(selected);
        Ok(())
    }

    /// Recompute the selection after the corpus changed.
    fn refilter(&mut self) {
        let corpus = self.corpus.clone().unwrap_or_default();
        match corpus.select(&self.filter) {
            Ok(selected) => self.apply(selected),
            Err(e) => {
                self.apply(Vec::new());
                self.warn(e);
            }
        }
    }

    fn apply(&mut self, selected: Vec<u32>) {
        self.selected = selected;
        self.rebuild_items();
        self.cursor = self.first_row_item().unwrap_or(0);
        self.top = 0;
        let corpus = self.corpus.clone().unwrap_or_default();
        self.matrix = corpus.matrix(&self.selected);
        self.cell = (
            self.cell.0.min(self.matrix.actors.len().saturating_sub(1)),
            self.cell.1.min(self.matrix.issues.len().saturating_sub(1)),
        );
        self.matrix_top = 0;
        self.matrix_left = 0;
        self.timelines = corpus.timelines(&self.selected);
        let subject = self.timeline.as_ref().map(|t| t.subject);
        self.timeline = subject
            .or_else(|| self.cell_subject(false))
            .map(|s| self.timelines.timeline(s));
    }

    fn rebuild_items(&mut self) {
        let corpus = self.corpus.clone().unwrap_or_default();
        self.items = match self.grouping {
            None => self.selected.iter().map(|&i| Item::Row(i)).collect(),
            Some(by) => {
                let groups = corpus.group(&self.selected, by);
                let mut items = Vec::with_capacity(self.selected.len() + groups.len());
                for g in groups {
                    items.push(Item::Heading {
                        name: g.name.unwrap_or_else(|| match by {
                            Grouping::Issue => "(no issue: claims and advice)".into(),
                            Grouping::Actor => "(no actor)".into(),
                        }),
                        count: g.rows.len(),
                    });
                    items.extend(g.rows.into_iter().map(Item::Row));
                }
                items
            }
        };
    }

    fn first_row_item(&self) -> Option<usize> {
        self.items.iter().position(|i| matches!(i, Item::Row(_)))
    }

    /// The row under the list's cursor.
    pub fn current_row(&self) -> Option<u32> {
        match self.items.get(self.cursor)? {
            Item::Row(r) => Some(*r),
            Item::Heading { .. } => None,
        }
    }

    /// The subject of the matrix cell under the cursor: its actor, or its
    /// issue.
    fn cell_subject(&self, issue: bool) -> Option<Subject> {
        if issue {
            self.matrix
                .issues
                .get(self.cell.1)
                .map(|&i| Subject::Issue(i))
        } else {
            self.matrix
                .actors
                .get(self.cell.0)
                .map(|&a| Subject::Actor(a))
        }
    }

    /// Handle one key.
    pub fn handle_key(&mut self, key: &KeyEvent) -> Outcome {
        if let Some(prompt) = self.prompt.take() {
            return self.prompt_key(prompt, key);
        }
        let Some(action) = action_for(key) else {
            return Outcome::None;
        };
        self.run(action)
    }

    fn prompt_key(&mut self, prompt: Prompt, key: &KeyEvent) -> Outcome {
        match prompt {
            Prompt::Help => {}
            Prompt::Filter(mut input) => match key.code {
                KeyCode::Esc => self.say(self.summary()),
                KeyCode::Enter => match self.set_filter(&input.text) {
                    Ok(()) => self.say(self.summary()),
                    Err(e) => {
                        self.warn(e);
                        self.prompt = Some(Prompt::Filter(input));
                    }
                },
                _ => {
                    input.edit(key);
                    self.prompt = Some(Prompt::Filter(input));
                }
            },
            Prompt::Export { selected } => {
                let n = Format::ALL.len();
                let picked = match key.code {
                    KeyCode::Esc => return Outcome::None,
                    KeyCode::Down | KeyCode::Char('j') => {
                        self.prompt = Some(Prompt::Export {
                            selected: (selected + 1) % n,
                        });
                        None
                    }
                    KeyCode::Up | KeyCode::Char('k') => {
                        self.prompt = Some(Prompt::Export {
                            selected: (selected + n - 1) % n,
                        });
                        None
                    }
                    KeyCode::Enter => Some(Format::ALL[selected]),
                    KeyCode::Char(c) => Format::ALL
                        .iter()
                        .copied()
                        .find(|f| super::export::format_key(*f) == c),
                    _ => {
                        self.prompt = Some(Prompt::Export { selected });
                        None
                    }
                };
                if let Some(format) = picked {
                    self.start_export(format);
                }
            }
        }
        Outcome::None
    }

    /// Export what the list shows, in `format`, on a background thread.
    fn start_export(&mut self, format: Format) {
        let path = retrieval::export_path(&self.root, format);
        let (tx, rx) = channel();
        let (root, filter, target) = (self.root.clone(), self.filter.clone(), path.clone());
        std::thread::spawn(move || {
            let _ = tx.send(retrieval::export(&root, &filter, format, &target));
        });
        self.exporting = Some(rx);
        self.say(format!(
            "Exporting {} annotation(s) to {}…",
            self.selected.len(),
            path.display()
        ));
    }

    /// Run one action.
    pub fn run(&mut self, action: Action) -> Outcome {
        match action {
            Action::Close => return Outcome::Close,
            Action::Help => self.prompt = Some(Prompt::Help),
            Action::Filter => self.prompt = Some(Prompt::Filter(TextInput::new(&self.filter_text))),
            Action::ClearFilter => {
                if !self.filter.is_empty() {
                    let _ = self.set_filter("");
                    self.say(self.summary());
                }
            }
            Action::ShowList => self.screen = Screen::List,
            Action::ShowMatrix => self.screen = Screen::Matrix,
            Action::ShowTimeline => {
                // From the list, the timeline of the selected statement's actor.
                if self.screen == Screen::List
                    && let Some(row) = self.current_row()
                    && let Some(corpus) = self.corpus.clone()
                {
                    let actor = corpus.rows[row as usize].actor;
                    self.timeline = Some(self.timelines.timeline(Subject::Actor(actor)));
                } else if self.screen == Screen::Matrix
                    && let Some(s) = self.cell_subject(false)
                {
                    self.set_subject(s);
                }
                self.screen = Screen::Timeline;
            }
            Action::Export => {
                if self.screen == Screen::List {
                    if self.exporting.is_some() {
                        self.warn("An export is still being written");
                    } else {
                        self.prompt = Some(Prompt::Export { selected: 0 });
                    }
                }
            }
            _ => {
                return match self.screen {
                    Screen::List => self.list_action(action),
                    Screen::Matrix => self.matrix_action(action),
                    Screen::Timeline => self.timeline_action(action),
                };
            }
        }
        Outcome::None
    }

    fn list_action(&mut self, action: Action) -> Outcome {
        let last = self.items.len().saturating_sub(1);
        let page = self.page.max(1);
        match action {
            Action::Down => self.move_cursor(self.cursor.saturating_add(1), true),
            Action::Up => self.move_cursor(self.cursor.saturating_sub(1), false),
            Action::PageDown => self.move_cursor((self.cursor + page).min(last), true),
            Action::PageUp => self.move_cursor(self.cursor.saturating_sub(page), false),
            Action::First => self.move_cursor(0, true),
            Action::Last => self.move_cursor(last, false),
            Action::Toggle => {
                let row = self.current_row();
                self.grouping = match self.grouping {
                    None => Some(Grouping::Actor),
                    Some(Grouping::Actor) => Some(Grouping::Issue),
                    Some(Grouping::Issue) => None,
                };
                self.rebuild_items();
                // The same statement stays under the cursor.
                self.cursor = row
                    .and_then(|r| self.items.iter().position(|i| *i == Item::Row(r)))
                    .or_else(|| self.first_row_item())
                    .unwrap_or(0);
                self.say(match self.grouping {
                    None => "In date order".to_string(),
                    Some(Grouping::Actor) => "Grouped by actor".to_string(),
                    Some(Grouping::Issue) => "Grouped by issue".to_string(),
                });
            }
            Action::Open => {
                if let Some(opening) = self.current_row().and_then(|r| self.opening(r)) {
                    return Outcome::Open(opening);
                }
            }
            _ => {}
        }
        Outcome::None
    }

    /// Move the list's cursor to `to`, onto a statement (a heading is
    /// stepped over in the direction of travel).
    fn move_cursor(&mut self, to: usize, forward: bool) {
        if self.items.is_empty() {
            self.cursor = 0;
            return;
        }
        let mut at = to.min(self.items.len() - 1);
        while matches!(self.items[at], Item::Heading { .. }) {
            match (forward, at) {
                (true, a) if a + 1 < self.items.len() => at += 1,
                (false, 0) => {
                    return self.move_cursor(to, true);
                }
                (false, _) => at -= 1,
                (true, _) => return,
            }
        }
        self.cursor = at;
    }

    /// Where statement `row` is, to open.
    pub fn opening(&self, row: u32) -> Option<Opening> {
        let corpus = self.corpus.as_ref()?;
        let r = corpus.rows.get(row as usize)?;
        Some(Opening {
            document: corpus.document(r).path.clone(),
            paragraph: r.paragraph.saturating_sub(1),
            highlight: None,
        })
    }

    fn matrix_action(&mut self, action: Action) -> Outcome {
        let rows = self.matrix.actors.len();
        let columns = self.matrix.issues.len();
        if rows == 0 || columns == 0 {
            return Outcome::None;
        }
        let (r, c) = self.cell;
        let page = self.page.max(1);
        self.cell = match action {
            Action::Down => ((r + 1).min(rows - 1), c),
            Action::Up => (r.saturating_sub(1), c),
            Action::Right => (r, (c + 1).min(columns - 1)),
            Action::Left => (r, c.saturating_sub(1)),
            Action::PageDown => ((r + page).min(rows - 1), c),
            Action::PageUp => (r.saturating_sub(page), c),
            Action::First => (0, 0),
            Action::Last => (rows - 1, columns - 1),
            Action::Open => {
                self.list_cell();
                return Outcome::None;
            }
            _ => (r, c),
        };
        Outcome::None
    }

    /// Show the statements of the matrix cell under the cursor in the list:
    /// the filter gains that actor, kind position and that issue.
    fn list_cell(&mut self) {
        let Some(corpus) = self.corpus.clone() else {
            return;
        };
        let (Some(&actor), Some(&issue)) = (
            self.matrix.actors.get(self.cell.0),
            self.matrix.issues.get(self.cell.1),
        ) else {
            return;
        };
        let in_cell: u32 = self.matrix.cell(self.cell.0, self.cell.1).iter().sum();
        let mut filter = self.filter.clone();
        filter.actors = vec![corpus.actors[actor as usize].clone()];
        filter.kinds = vec![crate::annotation::Kind::Position];
        filter.issue = Some(corpus.issues[issue as usize].clone());
        let text = filter_text(&filter);
        self.list_with(&text, Some(in_cell as usize));
    }

    /// Switch to the list with filter `text`; `expected` is the count the
    /// matrix or timeline showed, to say when the issue text (a substring,
    /// as in `gloss export --issue`) also takes in other issues.
    fn list_with(&mut self, text: &str, expected: Option<usize>) {
        match self.set_filter(text) {
            Ok(()) => {
                self.screen = Screen::List;
                let mut status = self.summary();
                if let Some(n) = expected
                    && n != self.selected.len()
                {
                    status = format!(
                        "{status} — {n} in the cell: the issue filter also matches issues containing its text"
                    );
                }
                self.say(status);
            }
            Err(e) => self.warn(e),
        }
    }

    fn set_subject(&mut self, subject: Subject) {
        if self.corpus.is_some() {
            self.timeline = Some(self.timelines.timeline(subject));
        }
    }

    fn timeline_action(&mut self, action: Action) -> Outcome {
        let Some(corpus) = self.corpus.clone() else {
            return Outcome::None;
        };
        let subject = self
            .timeline
            .as_ref()
            .map(|t| t.subject)
            .or_else(|| self.cell_subject(false));
        let Some(subject) = subject else {
            return Outcome::None;
        };
        // Subjects in the matrix's order (most positions first).
        let (ids, at, make): (&[u32], u32, fn(u32) -> Subject) = match subject {
            Subject::Actor(a) => (&self.matrix.actors, a, Subject::Actor),
            Subject::Issue(i) => (&self.matrix.issues, i, Subject::Issue),
        };
        let position = ids.iter().position(|&x| x == at);
        let step = |forward: bool| -> Option<Subject> {
            if ids.is_empty() {
                return None;
            }
            let next = match (position, forward) {
                (Some(p), true) => (p + 1) % ids.len(),
                (Some(p), false) => (p + ids.len() - 1) % ids.len(),
                (None, _) => 0,
            };
            Some(make(ids[next]))
        };
        let next = match action {
            Action::Right | Action::Down => step(true),
            Action::Left | Action::Up => step(false),
            Action::Toggle => match subject {
                Subject::Actor(_) => self.cell_subject(true),
                Subject::Issue(_) => self.cell_subject(false),
            },
            Action::Open => {
                let mut filter = self.filter.clone();
                filter.kinds = vec![crate::annotation::Kind::Position];
                let count = self.timeline.as_ref().map(|t| {
                    let dated: u32 = t.buckets.iter().map(|b| b.total()).sum();
                    (dated + t.undated.iter().sum::<u32>()) as usize
                });
                match subject {
                    Subject::Actor(a) => filter.actors = vec![corpus.actors[a as usize].clone()],
                    Subject::Issue(i) => filter.issue = Some(corpus.issues[i as usize].clone()),
                }
                let text = filter_text(&filter);
                self.list_with(&text, count);
                return Outcome::None;
            }
            _ => None,
        };
        if let Some(s) = next {
            self.set_subject(s);
        }
        Outcome::None
    }

    /// Keep the list's cursor within `rows` visible lines (called by the view
    /// before drawing; it also records the page size).
    pub fn scroll_list(&mut self, rows: usize) {
        self.page = rows.saturating_sub(1).max(1);
        if rows == 0 {
            return;
        }
        if self.cursor < self.top {
            self.top = self.cursor;
        } else if self.cursor >= self.top + rows {
            self.top = self.cursor + 1 - rows;
        }
        // A heading just above the cursor stays in view.
        if self.top > 0
            && self.top == self.cursor
            && matches!(self.items[self.top - 1], Item::Heading { .. })
        {
            self.top -= 1;
        }
    }

    /// Keep the matrix cell in view, `rows` actors and `columns` issues shown.
    pub fn scroll_matrix(&mut self, rows: usize, columns: usize) {
        self.page = rows.saturating_sub(1).max(1);
        self.matrix_columns = columns.max(1);
        let (r, c) = self.cell;
        if r < self.matrix_top {
            self.matrix_top = r;
        } else if rows > 0 && r >= self.matrix_top + rows {
            self.matrix_top = r + 1 - rows;
        }
        if c < self.matrix_left {
            self.matrix_left = c;
        } else if columns > 0 && c >= self.matrix_left + columns {
            self.matrix_left = c + 1 - columns;
        }
    }
}

/// Columns of the matrix's actor names, and of each issue column, for a
/// screen `width` wide (shared by the view and [`Retrieval::prepare_frame`]).
pub fn matrix_widths(width: u16) -> (u16, u16) {
    let names = (width / 4).clamp(8, 28);
    (names, 12)
}

impl Retrieval {
    /// Take in background results and fit the scroll positions to `area`
    /// (a title row, a heading row and a status row around the body).
    pub fn prepare_frame(&mut self, area: ratatui::layout::Rect) {
        self.poll();
        let body = area.height.saturating_sub(3) as usize;
        match self.screen {
            Screen::List => self.scroll_list(body),
            Screen::Matrix => {
                let (names, cell) = matrix_widths(area.width);
                let columns = (area.width.saturating_sub(names) / cell) as usize;
                self.scroll_matrix(body, columns);
            }
            Screen::Timeline => {}
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::archive::retrieval::sample;
    use ratatui::crossterm::event::{KeyEventKind, KeyEventState};

    pub(crate) fn key(code: KeyCode) -> KeyEvent {
        KeyEvent {
            code,
            modifiers: KeyModifiers::NONE,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        }
    }

    /// Press keys: `<Enter>`, `<Esc>`, `<Tab>`, `<Down>` are special, every
    /// other character is itself. Returns the last outcome.
    pub(crate) fn press(r: &mut Retrieval, keys: &str) -> Outcome {
        let mut out = Outcome::None;
        let mut rest = keys;
        while let Some(c) = rest.chars().next() {
            let (code, len) = match rest {
                s if s.starts_with("<Enter>") => (KeyCode::Enter, 7),
                s if s.starts_with("<Esc>") => (KeyCode::Esc, 5),
                s if s.starts_with("<Tab>") => (KeyCode::Tab, 5),
                s if s.starts_with("<Down>") => (KeyCode::Down, 6),
                _ => (KeyCode::Char(c), c.len_utf8()),
            };
            out = r.handle_key(&key(code));
            rest = &rest[len..];
        }
        out
    }

    /// The sample archive in a temporary folder, its screens loaded.
    pub(crate) fn opened(screen: Screen) -> (tempfile::TempDir, Retrieval) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("archive");
        std::fs::create_dir(&root).unwrap();
        sample::write(&root);
        let mut r = Retrieval::open(&root, screen);
        r.wait();
        assert!(!r.error, "{}", r.status);
        (dir, r)
    }

    fn shown_ids(r: &Retrieval) -> Vec<String> {
        let corpus = r.corpus.as_ref().unwrap();
        r.items
            .iter()
            .filter_map(|i| match i {
                Item::Row(row) => Some(corpus.rows[*row as usize].annotation.id.clone()),
                Item::Heading { .. } => None,
            })
            .collect()
    }

    #[test]
    fn filtering_by_an_alias_lists_the_actors_positions_in_date_order_and_enter_opens_one() {
        let (_dir, mut r) = opened(Screen::List);
        assert_eq!(r.selected.len(), 7);
        press(&mut r, "/actor:Minister Nam kind:position<Enter>");
        assert_eq!(r.filter_text, "kind:position actor:\"Minister Nam\"");
        assert_eq!(shown_ids(&r), ["ana-1-0", "ana-0-0", "ben-0-2", "ana-2-0"]);
        assert!(
            r.status
                .contains("gloss export --kind position --actor \"Minister Nam\""),
            "{}",
            r.status
        );
        let out = press(&mut r, "j<Enter>");
        assert_eq!(
            out,
            Outcome::Open(Opening {
                document: r.root.join("b/second.txt"),
                paragraph: 1,
                highlight: None,
            })
        );
        // Esc clears the filter.
        press(&mut r, "<Esc>");
        assert_eq!(r.selected.len(), 7);
        assert_eq!(press(&mut r, "q"), Outcome::Close);
    }

    #[test]
    fn a_bad_filter_keeps_the_prompt_open_with_the_error_and_changes_nothing() {
        let (_dir, mut r) = opened(Screen::List);
        press(&mut r, "/kind:opinion<Enter>");
        assert!(r.error);
        assert!(r.status.contains("kind must be"), "{}", r.status);
        assert!(matches!(r.prompt, Some(Prompt::Filter(_))));
        assert_eq!(r.selected.len(), 7);
        press(&mut r, "<Esc>");
        assert!(r.prompt.is_none());
        press(&mut r, "/actor:pak<Enter>");
        assert!(r.status.contains("ambiguous"), "{}", r.status);
    }

    #[test]
    fn tab_groups_by_actor_then_issue_keeping_the_statement_under_the_cursor() {
        let (_dir, mut r) = opened(Screen::List);
        press(&mut r, "jj");
        let before = r.current_row();
        press(&mut r, "<Tab>");
        assert_eq!(r.grouping, Some(Grouping::Actor));
        assert_eq!(r.current_row(), before);
        assert!(matches!(&r.items[0], Item::Heading { name, count: 4 } if name == "Nam Il"));
        // Moving never rests on a heading.
        press(&mut r, "g");
        assert_eq!(r.cursor, 1);
        press(&mut r, "jjjj");
        assert!(r.current_row().is_some());
        press(&mut r, "<Tab>");
        assert_eq!(r.grouping, Some(Grouping::Issue));
        press(&mut r, "<Tab>");
        assert_eq!(r.grouping, None);
        assert_eq!(r.items.len(), 7);
    }

    #[test]
    fn enter_on_a_matrix_cell_lists_its_statements() {
        let (_dir, mut r) = opened(Screen::Matrix);
        assert_eq!(r.matrix.cell(0, 0), [1, 2, 1]);
        press(&mut r, "<Enter>");
        assert_eq!(r.screen, Screen::List);
        assert_eq!(r.filter_text, "kind:position actor:\"Nam Il\" issue:aid");
        assert_eq!(r.selected.len(), 4);
        // From the list, `t` shows the selected statement's actor's timeline.
        press(&mut r, "t");
        assert_eq!(r.screen, Screen::Timeline);
        let t = r.timeline.clone().unwrap();
        let corpus = r.corpus.clone().unwrap();
        assert_eq!(
            t.subject,
            Subject::Actor(corpus.rows[r.selected[0] as usize].actor)
        );
        press(&mut r, "<Esc>m");
        // Down to Pak Chang-ok, then his timeline; Tab: the issue's.
        press(&mut r, "jt");
        let pak = corpus
            .actors
            .iter()
            .position(|a| a == "Pak Chang-ok")
            .unwrap() as u32;
        assert_eq!(r.timeline.as_ref().unwrap().subject, Subject::Actor(pak));
        press(&mut r, "l");
        assert_ne!(r.timeline.as_ref().unwrap().subject, Subject::Actor(pak));
        press(&mut r, "<Tab>");
        assert!(matches!(
            r.timeline.as_ref().unwrap().subject,
            Subject::Issue(_)
        ));
        press(&mut r, "<Enter>");
        assert_eq!(r.screen, Screen::List);
        assert_eq!(r.filter_text, "kind:position issue:aid");
        assert_eq!(r.selected.len(), 5);
    }

    #[test]
    fn x_exports_what_the_list_shows_beside_the_folder_and_names_the_file() {
        let (dir, mut r) = opened(Screen::List);
        press(&mut r, "/stance:oppose<Enter>x");
        assert!(matches!(r.prompt, Some(Prompt::Export { .. })));
        press(&mut r, "l");
        r.wait();
        let path = dir.path().join("archive.retrieval.jsonl");
        assert!(
            r.status.contains(&path.display().to_string()),
            "{}",
            r.status
        );
        assert!(
            r.status.starts_with("Exported 2 annotation(s)"),
            "{}",
            r.status
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert!(text.lines().all(|l| l.contains("\"stance\":\"oppose\"")));
    }
}
