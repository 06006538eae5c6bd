//! The corpus list's event loop (`gloss DIR`), and the documents opened from
//! it: one terminal session runs the list and, on Enter, an annotating
//! session for the document ([`super::annotate_in`], with its own saver,
//! journal and lock); when that ends the list comes back at the same row
//! with the row recounted, or the next document opens at once.
//!
//! Where things were left (each document's paragraph, the list's row, sort
//! and filters) is kept in the state file ([`crate::archive::state`]).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, Event};

use super::{Ending, Screen, annotate_in};
use crate::app::corpus::{CorpusEffect, CorpusView};
use crate::app::retrieval::{Outcome as RetrievalOutcome, Retrieval};
use crate::app::{App, Leave, Onward};
use crate::archive::Opening;
use crate::archive::state::{self, Places};
use crate::sidecar::journal::Journal;
use crate::sidecar::store::{SessionLock, SidecarStore};
use crate::terminal;
use crate::view::{self, Theme};

/// How long the loop waits for a key while nothing is being counted.
const TICK: Duration = Duration::from_millis(250);
/// The wait while counts fill in: the list follows them.
const BUSY_TICK: Duration = Duration::from_millis(50);
/// How often a busy tick looks for the index's news (no redraw unless the
/// counts completed).
const NEWS_SLICE: Duration = Duration::from_millis(4);

/// A document ready for an annotating session (see `cli::annotate::prepare`).
pub struct Opened {
    pub app: App,
    pub store: Option<SidecarStore>,
    pub journal: Option<Journal>,
    /// Held while the session runs.
    pub lock: Option<SessionLock>,
}

/// Openings that came as one list (search hits), and where we are in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trail {
    pub openings: Vec<Opening>,
    pub at: usize,
}

impl Trail {
    /// The opening of the next (`forward`) or previous document of the
    /// trail after the current one: its first hit going forward, its last
    /// going back.
    pub fn step(&self, forward: bool) -> Option<usize> {
        let here = &self.openings.get(self.at)?.document;
        if forward {
            (self.at + 1..self.openings.len()).find(|&i| self.openings[i].document != *here)
        } else {
            let before = (0..self.at)
                .rev()
                .find(|&i| self.openings[i].document != *here)?;
            Some(before)
        }
    }

    fn onward(&self) -> Onward {
        Onward {
            list: true,
            prev_hit: self.step(false).is_some(),
            next_hit: self.step(true).is_some(),
        }
    }
}

/// The state file's place, and whether its trouble was already told.
struct Remembered {
    file: Option<PathBuf>,
    places: Places,
    complained: bool,
}

impl Remembered {
    fn load(view: &mut CorpusView) -> Remembered {
        let file = state::state_dir().map(|d| d.join(state::FILE_NAME));
        let (places, said) = match &file {
            Some(f) => Places::load(f),
            None => (Places::default(), None),
        };
        if let Some(said) = said {
            view.warn(said);
        }
        if let Some(place) = places.list(view.index.root()) {
            view.restore(&place);
        }
        Remembered {
            file,
            places,
            complained: false,
        }
    }

    fn save(&mut self, view: &mut CorpusView) {
        self.places.set_list(view.index.root(), view.place());
        let Some(file) = &self.file else { return };
        if let Err(e) = self.places.save(file)
            && !std::mem::replace(&mut self.complained, true)
        {
            view.warn(format!("Places not remembered: {e}"));
        }
    }
}

/// Run the corpus list until `q`. `open` prepares a document's session (its
/// errors are one line, shown in the list's status line).
pub fn run(
    mut view: CorpusView,
    theme: Theme,
    open: &mut dyn FnMut(&Path) -> Result<Opened, String>,
) -> anyhow::Result<Ending> {
    let mut remembered = Remembered::load(&mut view);
    let mut screen = Screen::start()?;
    let result = run_in(&mut screen, &mut view, &theme, open, &mut remembered);
    remembered.save(&mut view);
    screen.finish();
    let (result, unsaved) = result;
    if let Some(words) = unsaved {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "{}",
            crate::document::sanitize::display_line(&format!("gloss: not saved: {words}"))
        );
    }
    result
}

/// What to open next: one document, or a place on a trail of openings.
enum Next {
    Document(Opening),
    Trail(Trail),
}

type RunEnd = (anyhow::Result<Ending>, Option<String>);

fn run_in(
    screen: &mut Screen,
    view: &mut CorpusView,
    theme: &Theme,
    open: &mut dyn FnMut(&Path) -> Result<Opened, String>,
    remembered: &mut Remembered,
) -> RunEnd {
    let mut next: Option<Next> = None;
    // The retrieval screens, while shown (over the list; `q` there returns).
    let mut retrieval: Option<Retrieval> = None;
    loop {
        if let Some(going) = next.take() {
            let (opening, trail) = match going {
                Next::Document(o) => (o, None),
                Next::Trail(t) => match t.openings.get(t.at) {
                    Some(o) => (o.clone(), Some(t)),
                    None => continue,
                },
            };
            match open_document(screen, view, theme, open, remembered, &opening, trail) {
                Ok(then) => next = then,
                Err(outcome) => return outcome,
            }
            // What was tagged there shows in the retrieval screens too.
            if let Some(r) = retrieval.as_mut() {
                r.reload();
            }
            if let Err(e) = screen.terminal.clear() {
                return (Err(e.into()), None);
            }
            continue;
        }
        let area = match screen.terminal.size() {
            Ok(size) => ratatui::layout::Rect::new(0, 0, size.width, size.height),
            Err(e) => return (Err(e.into()), None),
        };
        if let Some(r) = retrieval.as_mut() {
            r.prepare_frame(area);
            let drawn = screen.terminal.draw(|frame| {
                let area = frame.area();
                if let Some(at) = view::retrieval::draw(frame.buffer_mut(), area, r, theme) {
                    frame.set_cursor_position(at);
                }
            });
            if let Err(e) = drawn {
                return (Err(e.into()), None);
            }
            let wait = if r.busy() { BUSY_TICK } else { TICK };
            match retrieval_keys(r, wait) {
                Ok(Some(RetrievalOutcome::Open(opening))) => {
                    next = Some(Next::Document(opening));
                }
                Ok(Some(RetrievalOutcome::Close)) => retrieval = None,
                Ok(_) => {}
                Err(e) => return (Err(e), None),
            }
            let sig = screen.signal();
            if sig != 0 {
                return (Ok(Ending::Signal(sig as i32)), None);
            }
            continue;
        }
        view.prepare_frame(view::corpus::list_rows(area));
        if let Err(e) = screen
            .terminal
            .draw(|frame| view::corpus::draw(frame, view, theme))
        {
            return (Err(e.into()), None);
        }
        let searching = view.search.as_ref().is_some_and(|s| s.busy());
        let wait = if view.index.is_complete() && !searching {
            TICK
        } else {
            BUSY_TICK
        };
        match read_keys(view, wait) {
            Ok(()) => {}
            Err(e) => return (Err(e), None),
        }
        let mut suspend = false;
        for effect in view.take_effects() {
            match effect {
                CorpusEffect::Open(path) => {
                    let paragraph = remembered.places.paragraph(&path).unwrap_or(0);
                    next = Some(Next::Document(Opening {
                        document: path,
                        paragraph,
                        highlight: None,
                    }));
                }
                CorpusEffect::OpenTrail(openings, at) => {
                    next = Some(Next::Trail(Trail { openings, at }));
                }
                CorpusEffect::SetStatus(path, status) => {
                    match view.index.set_status(&path, status) {
                        Ok(said) => {
                            let now = status.map_or("no status".to_string(), |s| s.to_string());
                            view.say(match said {
                                Some(created) => format!("{created}; status: {now}"),
                                None => format!("Status: {now}"),
                            });
                        }
                        Err(e) => view.warn(format!("Status not saved: {e}")),
                    }
                }
                CorpusEffect::Retrieval(at) => {
                    retrieval = Some(Retrieval::open(view.index.root(), at));
                }
                CorpusEffect::Quit => return (Ok(Ending::Quit), None),
                CorpusEffect::Suspend => suspend = true,
            }
        }
        match screen.job_control(suspend) {
            Ok(true) => {}
            Ok(false) => view.warn(
                "Not suspended: no shell with job control started gloss (nothing could resume it)",
            ),
            Err(e) => return (Err(e), None),
        }
        let sig = screen.signal();
        if sig != 0 {
            return (Ok(Ending::Signal(sig as i32)), None);
        }
    }
}

/// Every key already sent, then back to draw (within a short budget); an
/// effect (opening a document) is carried out before further keys.
fn read_keys(view: &mut CorpusView, wait: Duration) -> anyhow::Result<()> {
    if !await_key(view, wait)? {
        return Ok(());
    }
    let started = Instant::now();
    loop {
        if let Event::Key(key) = event::read()? {
            view.handle_key(key);
        }
        if view.has_effects()
            || started.elapsed() >= super::INPUT_BUDGET
            || !terminal::poll_input(super::MORE_INPUT)?
        {
            return Ok(());
        }
    }
}

/// Wait up to `wait` for a key (true when one is there). While the index
/// is counting, its news is taken in every [`NEWS_SLICE`] and the wait ends
/// as soon as the counts are complete: the finished list shows at once, not
/// up to a tick later.
fn await_key(view: &mut CorpusView, wait: Duration) -> std::io::Result<bool> {
    if view.index.is_complete() {
        return terminal::poll_input(wait);
    }
    let until = Instant::now() + wait;
    loop {
        let left = until.saturating_duration_since(Instant::now());
        if terminal::poll_input(left.min(NEWS_SLICE))? {
            return Ok(true);
        }
        view.index.poll();
        if view.index.is_complete() || left <= NEWS_SLICE {
            return Ok(false);
        }
    }
}

/// Keys for the retrieval screens: every key already sent, until one opens
/// a statement or leaves.
fn retrieval_keys(r: &mut Retrieval, wait: Duration) -> anyhow::Result<Option<RetrievalOutcome>> {
    if !terminal::poll_input(wait)? {
        return Ok(None);
    }
    let started = Instant::now();
    loop {
        if let Event::Key(key) = event::read()?
            && key.kind != event::KeyEventKind::Release
        {
            match r.handle_key(&key) {
                RetrievalOutcome::None => {}
                done => return Ok(Some(done)),
            }
        }
        if started.elapsed() >= super::INPUT_BUDGET || !terminal::poll_input(super::MORE_INPUT)? {
            return Ok(None);
        }
    }
}

/// Open one document in `screen` and run its session; what to open after it
/// (`Ok(None)`: back to the list), or how the whole run ends.
fn open_document(
    screen: &mut Screen,
    view: &mut CorpusView,
    theme: &Theme,
    open: &mut dyn FnMut(&Path) -> Result<Opened, String>,
    remembered: &mut Remembered,
    opening: &Opening,
    trail: Option<Trail>,
) -> Result<Option<Next>, RunEnd> {
    let path = opening.document.clone();
    view.select_path(&path);
    let opened = match open(&path) {
        Ok(o) => o,
        Err(e) => {
            view.warn(e);
            return Ok(None);
        }
    };
    let Opened {
        mut app,
        store,
        journal,
        lock,
    } = opened;
    app.onward = match &trail {
        Some(t) => t.onward(),
        None => Onward {
            list: true,
            ..Onward::default()
        },
    };
    app.open_at(opening.paragraph, opening.highlight.as_deref());
    let done = annotate_in(screen, app, store, journal, theme);
    drop(lock);
    remembered.places.set_paragraph(&path, done.app.selected);
    // The row shows what the session did, on the next frame.
    view.index.recount_now(&path);
    view.select_path(&path);
    if trail.is_some()
        && let Some(search) = view.search.as_mut()
    {
        search.select_hit(&path, done.app.selected);
    }
    remembered.save(view);
    let leaving = done.app.leaving;
    match done.result {
        Ok(Ending::Quit) => {}
        Ok(Ending::Signal(sig)) => return Err((Ok(Ending::Signal(sig)), done.unsaved)),
        Ok(Ending::Unsaved(e)) => {
            view.warn(format!("Left with changes not saved: {e}"));
            return Ok(None);
        }
        Ok(Ending::BadDocument(e)) => {
            view.warn(e);
            return Ok(None);
        }
        Err(e) => return Err((Err(e), done.unsaved)),
    }
    Ok(match leaving {
        None => None,
        Some(step @ (Leave::NextDocument | Leave::PrevDocument)) => {
            let delta = if step == Leave::NextDocument { 1 } else { -1 };
            view.prepare_frame(view.page);
            match view.neighbour(&path, delta) {
                Some(doc) => {
                    let paragraph = remembered.places.paragraph(&doc).unwrap_or(0);
                    Some(Next::Document(Opening {
                        document: doc,
                        paragraph,
                        highlight: None,
                    }))
                }
                None => {
                    view.say(if delta > 0 {
                        "That was the last document of the list"
                    } else {
                        "That was the first document of the list"
                    });
                    None
                }
            }
        }
        Some(step @ (Leave::NextHit | Leave::PrevHit)) => trail.and_then(|t| {
            let at = t.step(step == Leave::NextHit)?;
            Some(Next::Trail(Trail { at, ..t }))
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opening(doc: &str, paragraph: usize) -> Opening {
        Opening {
            document: PathBuf::from(doc),
            paragraph,
            highlight: Some("aid".into()),
        }
    }

    #[test]
    fn a_trail_steps_to_the_next_document_not_the_next_hit() {
        let t = Trail {
            openings: vec![
                opening("a", 1),
                opening("a", 4),
                opening("b", 2),
                opening("b", 7),
                opening("c", 0),
            ],
            at: 0,
        };
        assert_eq!(t.step(true), Some(2));
        assert_eq!(t.step(false), None);
        let t = Trail { at: 3, ..t };
        assert_eq!(t.step(true), Some(4));
        // Back: the previous document's last hit.
        assert_eq!(t.step(false), Some(1));
        let last = Trail { at: 4, ..t };
        assert_eq!(last.step(true), None);
        assert_eq!(
            last.onward(),
            Onward {
                list: true,
                prev_hit: true,
                next_hit: false
            }
        );
    }
}
