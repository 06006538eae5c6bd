//! The corpus search screen (`/` in the corpus view): a prompt, then rows of
//! document, ¶, line and the matching line, streaming in while the search
//! runs on background threads ([`crate::archive::search`]).
//!
//! A component of its own: [`CorpusSearchScreen::handle_key`] never waits
//! for the search (results are taken in [`CorpusSearchScreen::poll`], once
//! per frame), and says what the host must do as an [`Outcome`]: open a
//! result (with every result as the trail `n`/`N` follow), or close.
//!
//! Tag all (`tag_all`) works here too, over every hit of every document:
//! paragraphs or words, the kind, the tag form once, a preview with the
//! counts, then each document's sidecar (the current annotator's) is written
//! through its store; one undo (`u`) here takes them all out again.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::Duration;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::annotation::{ActorResolver, Kind};
use crate::archive::Opening;
use crate::archive::search::{CorpusSearch, DocumentHits, Hit, SearchEvent};
use crate::archive::tag_all::{Applied, Plan, Scope};
use crate::command::Command;
use crate::keymap::{Key, Keymap, Section};

use super::form::TagForm;
use super::input::TextInput;

/// What the host must do after a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Nothing beyond redrawing.
    Stay,
    /// Open `trail[index]`; `n`/`N` there follow `trail`.
    Open { trail: Vec<Opening>, index: usize },
    /// Back to the corpus list.
    Close,
}

/// What the keys talk to besides the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// The results (or the prompt above them).
    Results,
    /// Tag all: paragraphs or words, then the kind.
    Scope(Scope),
    /// Tag all: the tag form, filled once for every hit.
    Form(Box<TagForm>),
    /// Tag all: the preview; Enter writes every sidecar.
    Confirm(Box<Plan>),
}

/// Where the search stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// No query yet.
    Idle,
    /// Documents found by the walk so far and how many were searched.
    Running { listed: usize, searched: usize },
    /// Every document was searched.
    Finished { documents: usize, elapsed: Duration },
}

/// The search results screen's state.
#[derive(Debug)]
pub struct CorpusSearchScreen {
    /// The folder searched; rows show paths below it.
    pub root: PathBuf,
    /// The query being typed (`Some` while the prompt has the keys).
    pub prompt: Option<TextInput>,
    /// The query the results are for.
    pub query: String,
    /// Documents with hits, in walk order (sorted paths).
    pub results: Vec<DocumentHits>,
    /// Rows before each document (`starts[i]` = rows of `results[..i]`).
    starts: Vec<usize>,
    /// The selected row (one row per matching line).
    pub selected: usize,
    /// The user moved the selection since the search started: it then stays
    /// on its hit as rows arrive above it; until then it stays on the first
    /// row (in walk order, whatever order documents finish in).
    chosen: bool,
    /// First row shown; the view keeps the selection in sight.
    pub scroll: usize,
    /// Occurrences of the query found so far.
    pub matches: usize,
    /// Files that could not be searched, with why.
    pub skipped: Vec<(PathBuf, String)>,
    pub progress: Progress,
    job: Option<CorpusSearch>,
    /// Tag all's steps, over the results.
    pub stage: Stage,
    /// Who tags (their sidecars are written); `None`: tag all is refused.
    pub annotator: Option<String>,
    /// Names the tag form completes (the project's codebook).
    pub names: (ActorResolver, Vec<String>),
    /// The last tag-all written here, which `u` takes back.
    pub last_tagging: Option<Applied>,
    /// A line for the user (what tag-all did, why it cannot).
    pub message: Option<String>,
    /// Where times come from (tests fix it).
    pub clock: fn() -> String,
    /// Tag all's plan being worked out on a background thread (it reads
    /// every document with hits and its sidecar: never on the keys' thread).
    planning: Option<Receiver<Plan>>,
}

impl CorpusSearchScreen {
    /// The screen over `root`, its prompt open.
    pub fn new(root: &Path) -> CorpusSearchScreen {
        CorpusSearchScreen {
            root: root.to_path_buf(),
            prompt: Some(TextInput::default()),
            query: String::new(),
            results: Vec::new(),
            starts: Vec::new(),
            selected: 0,
            chosen: false,
            scroll: 0,
            matches: 0,
            skipped: Vec::new(),
            progress: Progress::Idle,
            job: None,
            stage: Stage::Results,
            annotator: None,
            names: project_names(root),
            last_tagging: None,
            message: None,
            clock: crate::annotation::now_rfc3339,
            planning: None,
        }
    }

    /// Tag-all writes `annotator`'s sidecars.
    pub fn with_annotator(mut self, annotator: &str) -> CorpusSearchScreen {
        self.annotator = Some(annotator.to_string());
        self
    }

    /// Start searching for `query`, dropping (and so cancelling) any search
    /// still running.
    pub fn search(&mut self, query: &str) {
        self.job = None;
        self.query = query.to_string();
        self.results.clear();
        self.starts.clear();
        self.skipped.clear();
        self.matches = 0;
        self.selected = 0;
        self.chosen = false;
        self.scroll = 0;
        if query.is_empty() {
            self.progress = Progress::Idle;
            return;
        }
        self.progress = Progress::Running {
            listed: 0,
            searched: 0,
        };
        self.job = Some(CorpusSearch::start(&self.root, query));
    }

    /// Is a search running or a tag all being planned (the host polls
    /// more often meanwhile)?
    pub fn busy(&self) -> bool {
        self.job.is_some() || self.planning.is_some()
    }

    /// Is tag all's plan being worked out?
    pub fn planning(&self) -> bool {
        self.planning.is_some()
    }

    /// Take what the search found since the last call, and tag all's plan
    /// once it is ready; never waits.
    pub fn poll(&mut self) {
        self.poll_plan();
        let Some(job) = self.job.as_mut() else {
            return;
        };
        let events = job.poll();
        let (listed, searched) = job.progress();
        let finished = job.is_finished();
        for event in events {
            self.take(event);
        }
        if finished {
            self.job = None;
            if let Progress::Running { searched, .. } = self.progress {
                // Disconnected without a word (a worker died): say what was done.
                self.progress = Progress::Finished {
                    documents: searched,
                    elapsed: Duration::ZERO,
                };
            }
        } else if matches!(self.progress, Progress::Running { .. }) {
            self.progress = Progress::Running { listed, searched };
        }
    }

    /// Wait until the search is over (tests, scripts); `limit` per event.
    pub fn finish(&mut self, limit: Duration) {
        while let Some(job) = self.job.as_mut() {
            match job.wait(limit) {
                Some(event) => self.take(event),
                None if job.is_finished() => {}
                None => return,
            }
            if self.job.as_ref().is_some_and(CorpusSearch::is_finished) {
                self.job = None;
            }
        }
    }

    fn take(&mut self, event: SearchEvent) {
        match event {
            SearchEvent::Found(found) => self.insert(found),
            SearchEvent::Skipped { document, reason } => self.skipped.push((document, reason)),
            SearchEvent::Finished { documents, elapsed } => {
                self.progress = Progress::Finished { documents, elapsed }
            }
        }
    }

    /// Put a document's hits in walk order; a selection the user chose stays
    /// on the same hit when rows arrive above it.
    fn insert(&mut self, found: DocumentHits) {
        let at = self.results.partition_point(|d| d.seq < found.seq);
        let rows = found.hits.len();
        let first_row = self.starts.get(at).copied().unwrap_or(self.rows());
        if self.chosen && first_row <= self.selected && self.rows() > 0 {
            self.selected += rows;
        }
        self.matches += found.matches();
        self.results.insert(at, found);
        self.starts.insert(at, first_row);
        for start in &mut self.starts[at + 1..] {
            *start += rows;
        }
    }

    /// Result rows (matching lines) so far.
    pub fn rows(&self) -> usize {
        self.results
            .last()
            .zip(self.starts.last())
            .map_or(0, |(d, s)| s + d.hits.len())
    }

    /// Documents with at least one hit so far.
    pub fn documents(&self) -> usize {
        self.results.len()
    }

    /// Row `row`: its document and hit.
    pub fn row(&self, row: usize) -> Option<(&DocumentHits, &Hit)> {
        let i = self.starts.partition_point(|&s| s <= row).checked_sub(1)?;
        let doc = self.results.get(i)?;
        doc.hits.get(row - self.starts[i]).map(|h| (doc, h))
    }

    /// The document's path as shown: below the root.
    pub fn shown_path<'a>(&self, document: &'a Path) -> &'a Path {
        document.strip_prefix(&self.root).unwrap_or(document)
    }

    /// Select the row of `document` where the user was (`paragraph`, 0-based):
    /// its last hit at or before it, else its first. Coming back with `q`
    /// from a document reached with `n`/`N`, the results show that place,
    /// not the row first opened.
    pub fn select_hit(&mut self, document: &Path, paragraph: usize) {
        let Some(i) = self.results.iter().position(|d| d.document == document) else {
            return;
        };
        let Some(&start) = self.starts.get(i) else {
            return;
        };
        let hits = &self.results[i].hits;
        let within = hits
            .iter()
            .rposition(|h| h.paragraph <= paragraph)
            .unwrap_or(0);
        self.selected = start + within;
        self.chosen = true;
    }

    /// Every result as a place to open, one per paragraph (several matching
    /// lines of one paragraph open the same place), and the index of `row`'s.
    pub fn trail(&self, row: usize) -> (Vec<Opening>, usize) {
        let mut trail: Vec<Opening> = Vec::new();
        let mut index = 0;
        let mut n = 0;
        for doc in &self.results {
            for hit in &doc.hits {
                let same = trail
                    .last()
                    .is_some_and(|o| o.paragraph == hit.paragraph && o.document == doc.document);
                if !same {
                    trail.push(Opening {
                        document: doc.document.clone(),
                        paragraph: hit.paragraph,
                        highlight: Some(self.query.clone()),
                    });
                }
                if n == row {
                    index = trail.len() - 1;
                }
                n += 1;
            }
        }
        (trail, index)
    }

    /// Each document's matching paragraphs, in order: what tag-all tags.
    pub fn paragraphs_by_document(&self) -> Vec<(PathBuf, Vec<usize>)> {
        self.results
            .iter()
            .map(|d| {
                let mut ps: Vec<usize> = d.hits.iter().map(|h| h.paragraph).collect();
                ps.dedup();
                (d.document.clone(), ps)
            })
            .collect()
    }

    /// Handle a key; never waits for the search.
    pub fn handle_key(&mut self, event: KeyEvent, keymap: &Keymap) -> Outcome {
        if event.kind != KeyEventKind::Press {
            return Outcome::Stay;
        }
        self.message = None;
        if self.planning.is_some() {
            // Esc drops the plan being worked out; other keys work as ever.
            if event.code == KeyCode::Esc {
                self.planning = None;
                self.message = Some("Cancelled: nothing tagged".into());
                return Outcome::Stay;
            }
            self.message = Some(PLANNING.into());
        }
        match self.stage {
            Stage::Results => {}
            Stage::Scope(_) => {
                self.scope_key(event);
                return Outcome::Stay;
            }
            Stage::Form(_) => {
                self.form_key(event);
                return Outcome::Stay;
            }
            Stage::Confirm(_) => {
                self.confirm_key(event);
                return Outcome::Stay;
            }
        }
        if let Some(input) = &mut self.prompt {
            match event.code {
                KeyCode::Esc if self.query.is_empty() => return Outcome::Close,
                KeyCode::Esc => self.prompt = None,
                KeyCode::Enter => {
                    let query = input.text.clone();
                    self.prompt = None;
                    if query.is_empty() {
                        return Outcome::Close;
                    }
                    self.search(&query);
                }
                KeyCode::Down => self.move_by(1),
                KeyCode::Up => self.move_by(-1),
                _ => {
                    input.edit(&event);
                }
            }
            return Outcome::Stay;
        }
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        let key = Key::from_event(&event);
        if keymap
            .keys_for(Section::Search, Command::TagAll)
            .contains(&key)
        {
            self.start_tag_all();
            return Outcome::Stay;
        }
        if keymap
            .keys_for(Section::Normal, Command::Undo)
            .contains(&key)
        {
            self.undo_tag_all();
            return Outcome::Stay;
        }
        match event.code {
            KeyCode::Char('j') | KeyCode::Down => self.move_by(1),
            KeyCode::Char('k') | KeyCode::Up => self.move_by(-1),
            KeyCode::Char('n') if ctrl => self.move_by(1),
            KeyCode::Char('p') if ctrl => self.move_by(-1),
            KeyCode::PageDown | KeyCode::Char(' ') => self.move_by(10),
            KeyCode::PageUp => self.move_by(-10),
            KeyCode::Char('g') | KeyCode::Home => {
                self.chosen = true;
                self.selected = 0;
            }
            KeyCode::Char('G') | KeyCode::End => {
                self.chosen = true;
                self.selected = self.rows().saturating_sub(1);
            }
            KeyCode::Char('/') => self.prompt = Some(TextInput::new(&self.query)),
            KeyCode::Enter if self.rows() > 0 => {
                let (trail, index) = self.trail(self.selected);
                return Outcome::Open { trail, index };
            }
            KeyCode::Esc | KeyCode::Char('q') => {
                self.job = None;
                return Outcome::Close;
            }
            _ => {}
        }
        Outcome::Stay
    }

    fn move_by(&mut self, delta: isize) {
        self.chosen = true;
        let last = self.rows().saturating_sub(1);
        self.selected = (self.selected as isize + delta).clamp(0, last as isize) as usize;
    }

    /// Keep the selection within `height` rows shown from `scroll`.
    pub fn scroll_into_view(&mut self, height: usize) {
        let height = height.max(1);
        if self.selected < self.scroll {
            self.scroll = self.selected;
        } else if self.selected >= self.scroll + height {
            self.scroll = self.selected + 1 - height;
        }
        self.scroll = self.scroll.min(self.rows().saturating_sub(1));
    }

    /// "searching… 1,234 matches in 87 documents" and the like.
    pub fn summary(&self) -> String {
        let counts = format!(
            "{} match{} in {} document{}",
            thousands(self.matches),
            if self.matches == 1 { "" } else { "es" },
            thousands(self.documents()),
            if self.documents() == 1 { "" } else { "s" },
        );
        let skipped = match self.skipped.len() {
            0 => String::new(),
            n => format!(
                " · {} file{} not searched",
                thousands(n),
                if n == 1 { "" } else { "s" }
            ),
        };
        match &self.progress {
            Progress::Idle => "type a phrase, Enter searches every document".to_string(),
            Progress::Running { listed, searched } => format!(
                "searching… {counts} ({} of {} searched){skipped}",
                thousands(*searched),
                thousands(*listed)
            ),
            Progress::Finished { documents, .. } => {
                format!("{counts} ({} searched){skipped}", thousands(*documents))
            }
        }
    }
}

impl CorpusSearchScreen {
    fn start_tag_all(&mut self) {
        if self.planning.is_some() {
            self.message = Some(PLANNING.into());
        } else if self.annotator.is_none() {
            self.message = Some("Tag all needs an annotator (--as NAME)".into());
        } else if self.busy() {
            self.message = Some("Still searching: tag all once the search is done".into());
        } else if self.rows() == 0 {
            self.message = Some("No results to tag".into());
        } else {
            self.stage = Stage::Scope(Scope { quotes: false });
        }
    }

    fn scope_key(&mut self, event: KeyEvent) {
        let Stage::Scope(scope) = &mut self.stage else {
            return;
        };
        let kind = match event.code {
            KeyCode::Esc => {
                self.stage = Stage::Results;
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
        let mut form = TagForm::new(kind, 0);
        // The hits are the quotes: no quote field.
        form.fields.pop();
        form.all = Some(*scope);
        form.suggest(&self.names.0, &self.names.1);
        self.stage = Stage::Form(Box::new(form));
    }

    fn form_key(&mut self, event: KeyEvent) {
        let (registry, issues) = (&self.names.0, &self.names.1);
        let Stage::Form(form) = &mut self.stage else {
            return;
        };
        let count = form.candidates(registry, issues).len();
        match event.code {
            KeyCode::Esc => self.stage = Stage::Results,
            KeyCode::Tab => {
                form.take_highlight(registry, issues);
                form.next_field();
                form.suggest(registry, issues);
            }
            KeyCode::BackTab => {
                form.take_highlight(registry, issues);
                form.prev_field();
                form.suggest(registry, issues);
            }
            KeyCode::Down => form.move_highlight(1, count),
            KeyCode::Up => form.move_highlight(-1, count),
            KeyCode::Enter => {
                form.take_highlight(registry, issues);
                match form.to_tag(registry) {
                    Ok(tag) => {
                        let scope = form.all.unwrap_or(Scope { quotes: false });
                        let annotator = self.annotator.clone().unwrap_or_default();
                        let hits = self.paragraphs_by_document();
                        let query = self.query.clone();
                        let now = (self.clock)();
                        let (tx, rx) = mpsc::channel();
                        std::thread::spawn(move || {
                            let plan = Plan::new(&hits, &query, &tag, scope, &annotator, &now);
                            let _ = tx.send(plan);
                        });
                        self.planning = Some(rx);
                        self.stage = Stage::Results;
                        self.message = Some(PLANNING.into());
                    }
                    Err((field, message)) => {
                        form.focus = field;
                        self.message = Some(message);
                    }
                }
            }
            _ => {
                if form.focused_mut().input.edit(&event)
                    && matches!(event.code, KeyCode::Backspace | KeyCode::Char(_))
                {
                    form.highlight = None;
                }
            }
        }
    }

    /// Show tag all's preview once its plan arrived.
    fn poll_plan(&mut self) {
        let Some(rx) = &self.planning else { return };
        match rx.try_recv() {
            Err(TryRecvError::Empty) => {}
            Err(TryRecvError::Disconnected) => {
                self.planning = None;
                self.message = Some("Tag all could not be worked out: nothing tagged".into());
            }
            Ok(plan) => {
                self.planning = None;
                if plan.count() == 0 {
                    self.message = Some(format!(
                        "Every hit already carries {}: nothing to tag",
                        plan.tag.summary()
                    ));
                } else {
                    self.message = None;
                    self.stage = Stage::Confirm(Box::new(plan));
                }
            }
        }
    }

    /// Wait for tag all's plan (tests); `limit` in all.
    pub fn finish_planning(&mut self, limit: Duration) {
        let deadline = std::time::Instant::now() + limit;
        while self.planning.is_some() && std::time::Instant::now() < deadline {
            self.poll_plan();
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    fn confirm_key(&mut self, event: KeyEvent) {
        let Stage::Confirm(plan) = &self.stage else {
            return;
        };
        match event.code {
            KeyCode::Enter => {
                let applied = plan.apply();
                let question = plan.question();
                let done = question
                    .trim_end_matches('?')
                    .replacen("Tag ", "Tagged ", 1);
                self.message = Some(if applied.failed.is_empty() {
                    format!("{done} — u undoes them all")
                } else {
                    format!(
                        "{done}, but {} document{} could not be written (first: {}: {}) — u undoes the rest",
                        applied.failed.len(),
                        if applied.failed.len() == 1 { "" } else { "s" },
                        crate::document::sanitize::path_text(&applied.failed[0].0),
                        applied.failed[0].1
                    )
                });
                self.last_tagging = Some(applied);
                self.stage = Stage::Results;
            }
            KeyCode::Esc | KeyCode::Char('n') | KeyCode::Char('q') => {
                self.stage = Stage::Results;
                self.message = Some("Cancelled: nothing tagged".into());
            }
            _ => {}
        }
    }

    fn undo_tag_all(&mut self) {
        let Some(applied) = self.last_tagging.take() else {
            self.message = Some("Nothing to undo here".into());
            return;
        };
        let (removed, failed) = applied.undo();
        self.message = Some(match failed.first() {
            None => format!(
                "Undone: {removed} annotation{} removed from {} document{}",
                if removed == 1 { "" } else { "s" },
                applied.documents.len(),
                if applied.documents.len() == 1 {
                    ""
                } else {
                    "s"
                }
            ),
            Some((path, why)) => format!(
                "Undone {removed}; {} document{} could not be written (first: {}: {why})",
                failed.len(),
                if failed.len() == 1 { "" } else { "s" },
                crate::document::sanitize::path_text(path)
            ),
        });
    }
}

/// What the status line says while tag all's plan is worked out.
const PLANNING: &str = "Working out what tag all would add… (Esc cancels)";

/// The actors and issues of the project file above `root`, if there is one.
fn project_names(root: &Path) -> (ActorResolver, Vec<String>) {
    let project = crate::project::Project::find(root)
        .and_then(|path| crate::project::Project::load(&path).ok());
    match project {
        Some(p) => {
            let actors = p.registry().into_vec();
            (ActorResolver::of([actors.as_slice()]), p.issue_names())
        }
        None => (ActorResolver::default(), Vec::new()),
    }
}

/// 1234567 → "1,234,567".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(seq: usize, name: &str, paragraphs: &[usize]) -> DocumentHits {
        DocumentHits {
            seq,
            document: PathBuf::from("/r").join(name),
            hits: paragraphs
                .iter()
                .map(|&p| Hit {
                    paragraph: p,
                    line: p * 2 + 1,
                    text: "grain".into(),
                    ranges: vec![(0, 5)],
                    count: 1,
                })
                .collect(),
        }
    }

    fn press(screen: &mut CorpusSearchScreen, code: KeyCode) -> Outcome {
        let keymap = Keymap::default_keymap();
        let mods = match code {
            KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
            _ => KeyModifiers::NONE,
        };
        screen.handle_key(KeyEvent::new(code, mods), &keymap)
    }

    /// Under load the second document of the walk can finish first; Enter
    /// before any move must still open the first hit in walk order.
    #[test]
    fn before_any_move_the_selection_is_the_first_row_whatever_order_hits_arrive_in() {
        let mut s = CorpusSearchScreen::new(Path::new("/r"));
        s.prompt = None;
        s.insert(hits(1, "b.txt", &[0]));
        s.insert(hits(0, "a.txt", &[2]));
        assert_eq!(
            s.row(s.selected).map(|(d, h)| (d.seq, h.paragraph)),
            Some((0, 2))
        );
    }

    #[test]
    fn rows_arriving_out_of_order_keep_walk_order_and_the_selection() {
        let mut s = CorpusSearchScreen::new(Path::new("/r"));
        s.prompt = None;
        s.insert(hits(2, "c.txt", &[0, 3]));
        press(&mut s, KeyCode::Down);
        assert_eq!(s.row(s.selected).map(|(_, h)| h.paragraph), Some(3));
        s.insert(hits(0, "a.txt", &[1]));
        s.insert(hits(1, "b.txt", &[4, 4, 5]));
        let order: Vec<_> = (0..s.rows())
            .map(|r| s.row(r).map(|(d, h)| (d.seq, h.paragraph)))
            .collect();
        assert_eq!(
            order,
            [(0, 1), (1, 4), (1, 4), (1, 5), (2, 0), (2, 3)].map(Some)
        );
        // Still on c.txt ¶4.
        assert_eq!(
            s.row(s.selected).map(|(d, h)| (d.seq, h.paragraph)),
            Some((2, 3))
        );
        assert_eq!((s.matches, s.documents()), (6, 3));
    }

    #[test]
    fn enter_opens_the_selected_hit_with_every_paragraph_as_the_trail() {
        let mut s = CorpusSearchScreen::new(Path::new("/r"));
        s.prompt = None;
        s.query = "grain".into();
        s.insert(hits(0, "a.txt", &[1]));
        s.insert(hits(1, "b.txt", &[4, 4, 5]));
        press(&mut s, KeyCode::End);
        let Outcome::Open { trail, index } = press(&mut s, KeyCode::Enter) else {
            panic!("Enter opens a result");
        };
        let places: Vec<_> = trail
            .iter()
            .map(|o| (o.document.file_name().map(|n| n.to_owned()), o.paragraph))
            .collect();
        assert_eq!(places.len(), 3, "two lines of b.txt ¶5 are one place");
        assert_eq!(index, 2);
        assert_eq!(trail[index].paragraph, 5);
        assert_eq!(trail[index].highlight.as_deref(), Some("grain"));
    }

    #[test]
    fn the_prompt_searches_and_esc_closes() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.txt"), "Nam Il spoke.\n\nNam Il left.\n").expect("w");
        std::fs::write(dir.path().join("b.txt"), "Nobody.\n").expect("w");
        let mut s = CorpusSearchScreen::new(dir.path());
        for c in "nam il".chars() {
            press(&mut s, KeyCode::Char(c));
        }
        assert_eq!(press(&mut s, KeyCode::Enter), Outcome::Stay);
        s.finish(Duration::from_secs(10));
        assert_eq!((s.matches, s.documents()), (2, 1));
        assert_eq!(s.summary(), "2 matches in 1 document (2 searched)");
        // A new query replaces the results.
        press(&mut s, KeyCode::Char('/'));
        for _ in 0..6 {
            press(&mut s, KeyCode::Backspace);
        }
        for c in "nobody".chars() {
            press(&mut s, KeyCode::Char(c));
        }
        press(&mut s, KeyCode::Enter);
        s.finish(Duration::from_secs(10));
        assert_eq!((s.matches, s.documents()), (1, 1));
        assert_eq!(press(&mut s, KeyCode::Esc), Outcome::Close);
    }

    #[test]
    fn tag_all_across_the_corpus_previews_writes_every_sidecar_and_one_undo_removes_them() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a.txt");
        let b = dir.path().join("sub/b.txt");
        std::fs::create_dir_all(dir.path().join("sub")).expect("mkdir");
        std::fs::write(&a, "Grain plan.\n\nNothing.\n\nThe grain plan again.\n").expect("w");
        std::fs::write(&b, "A grain plan.\n").expect("w");
        std::fs::write(dir.path().join("c.txt"), "No hit.\n").expect("w");
        let mut s = CorpusSearchScreen::new(dir.path()).with_annotator("kim");
        s.clock = || "2026-03-01T00:00:00Z".to_string();
        for c in "grain plan".chars() {
            press(&mut s, KeyCode::Char(c));
        }
        press(&mut s, KeyCode::Enter);
        s.finish(Duration::from_secs(10));
        press(&mut s, KeyCode::Char('T'));
        assert_eq!(s.stage, Stage::Scope(Scope { quotes: false }));
        press(&mut s, KeyCode::Char('c'));
        for c in "Nam Il".chars() {
            press(&mut s, KeyCode::Char(c));
        }
        press(&mut s, KeyCode::Enter);
        s.finish_planning(Duration::from_secs(10));
        let Stage::Confirm(plan) = &s.stage else {
            panic!("a preview first, got {:?}", s.stage);
        };
        assert_eq!(
            plan.question(),
            "Tag 3 paragraphs in 2 documents as claim by Nam Il?"
        );
        let side_a = crate::sidecar::sidecar_path(&a, "kim");
        let side_b = crate::sidecar::sidecar_path(&b, "kim");
        assert!(!side_a.exists(), "nothing written before Enter");
        press(&mut s, KeyCode::Enter);
        let count = |p: &Path| {
            crate::sidecar::Sidecar::load(p)
                .expect("sidecar")
                .annotations
                .len()
        };
        assert_eq!((count(&side_a), count(&side_b)), (2, 1));
        press(&mut s, KeyCode::Char('u'));
        // Neither had a sidecar before: the undo removes those they got.
        assert!(!side_a.exists() && !side_b.exists());
        assert!(
            s.message
                .as_deref()
                .is_some_and(|m| m.starts_with("Undone: 3"))
        );
    }

    #[test]
    fn tag_all_planning_over_the_corpus_runs_off_the_keys_thread() {
        let dir = tempfile::tempdir().expect("tempdir");
        for i in 0..20 {
            std::fs::write(dir.path().join(format!("m{i:02}.txt")), "The grain plan.\n")
                .expect("w");
        }
        let mut s = CorpusSearchScreen::new(dir.path()).with_annotator("kim");
        for c in "grain".chars() {
            press(&mut s, KeyCode::Char(c));
        }
        press(&mut s, KeyCode::Enter);
        s.finish(Duration::from_secs(10));
        press(&mut s, KeyCode::Char('T'));
        press(&mut s, KeyCode::Char('c'));
        for c in "Nam Il".chars() {
            press(&mut s, KeyCode::Char(c));
        }
        press(&mut s, KeyCode::Enter);
        // Enter returned before a single document was read: the plan comes
        // later, through `poll`, and keys move the list meanwhile.
        assert!(s.planning());
        assert_eq!(s.stage, Stage::Results);
        assert_eq!(s.message.as_deref(), Some(PLANNING));
        press(&mut s, KeyCode::Char('j'));
        assert_eq!(s.selected, 1);
        s.finish_planning(Duration::from_secs(10));
        let Stage::Confirm(plan) = &s.stage else {
            panic!("the preview once planned, got {:?}", s.stage);
        };
        assert_eq!(plan.documents.len(), 20);
        // Esc while planning drops the plan.
        press(&mut s, KeyCode::Esc);
        press(&mut s, KeyCode::Char('T'));
        press(&mut s, KeyCode::Char('c'));
        for c in "Nam Il".chars() {
            press(&mut s, KeyCode::Char(c));
        }
        press(&mut s, KeyCode::Enter);
        press(&mut s, KeyCode::Esc);
        assert!(!s.planning());
        s.poll();
        assert_eq!(s.stage, Stage::Results);
    }

    #[test]
    fn tag_all_needs_an_annotator() {
        let mut s = CorpusSearchScreen::new(Path::new("/r"));
        s.prompt = None;
        s.insert(hits(0, "a.txt", &[1]));
        press(&mut s, KeyCode::Char('T'));
        assert_eq!(s.stage, Stage::Results);
        assert!(
            s.message
                .as_deref()
                .is_some_and(|m| m.contains("annotator"))
        );
    }

    #[test]
    fn counts_read_with_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
