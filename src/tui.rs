//! The terminal: lifecycle, the event loop, and saving off the UI thread.
//!
//! One draw per loop turn; keys (press events only) and mouse events go to
//! [`App`]; effects are carried out here. Saves run on a saver thread so a
//! large sidecar never blocks keys; each change is on disk well within a second.
//! SIGTERM, SIGHUP and SIGINT flush pending saves and restore the terminal;
//! Ctrl-Z and SIGTSTP flush them and suspend (see [`crate::terminal`]).
//!
//! Input is read in batches: every event already sent is handled before the
//! next frame is drawn (a burst of keys or a paste costs one frame, not one
//! per key), within a time budget so the screen still follows a long burst.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, Event, KeyCode};

use crate::app::{App, Effect, SaveState};
use crate::sidecar::Sidecar;
use crate::sidecar::journal::{Journal, JournalState};
use crate::sidecar::merge;
use crate::sidecar::store::{Refreshed, Saved, SidecarStore};
use crate::terminal;
use crate::view::{self, Theme};

pub mod corpus;

/// How long the loop waits for input before looking at saves and signals.
const TICK: Duration = Duration::from_millis(200);
/// The wait while background work (indexing, search) runs: one frame.
const BUSY_TICK: Duration = Duration::from_millis(16);
/// Longest time spent on queued input before a frame is drawn.
const INPUT_BUDGET: Duration = Duration::from_millis(50);
/// How long to look for more input once some has arrived. It must not be
/// zero: crossterm's zero-timeout poll reports only events already parsed,
/// never bytes still waiting in the terminal.
const MORE_INPUT: Duration = Duration::from_millis(1);

/// What the saver thread was asked to do.
enum Request {
    /// Save this version; `seq` is the newest journal entry it contains.
    Save { sidecar: Sidecar, seq: u64 },
    /// Save to `path` from now on (the user's `write_to`).
    WriteTo {
        path: PathBuf,
        sidecar: Sidecar,
        seq: u64,
    },
    /// Look for a change made on disk by someone else and merge it (no write).
    Refresh { sidecar: Sidecar },
}

/// What a finished request was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Job {
    Save,
    WriteTo(PathBuf),
    Refresh,
}

/// A request's result, with the version that was sent.
pub struct SaveResult {
    pub sent: Sidecar,
    /// Newest journal entry contained in `sent` (0 for refreshes).
    pub seq: u64,
    pub job: Job,
    /// For a refresh, `Ok(Saved::Written)` means nothing changed on disk.
    pub outcome: Result<Saved, String>,
    /// The save succeeded but its journal entries could not be cleared.
    pub journal_error: Option<String>,
}

/// Writes sidecars on its own thread, newest request first (older saves queued
/// behind it are skipped: the newest contains them).
pub struct Saver {
    requests: Option<Sender<Request>>,
    results: Receiver<SaveResult>,
    in_flight: usize,
    thread: Option<JoinHandle<()>>,
    /// Where the sidecar is written (changes with `write_to`).
    pub path: PathBuf,
}

impl Saver {
    pub fn start(store: SidecarStore) -> Saver {
        Saver::with_journal(store, None)
    }

    /// Start the saver; each save that reaches the disk clears the changes it
    /// contains from `journal` at once, on this thread (the journal never
    /// outlives its save by a loop turn, when a kill -9 would leave it stale).
    pub fn with_journal(mut store: SidecarStore, journal: Option<Journal>) -> Saver {
        let path = store.path().to_path_buf();
        let (req_tx, req_rx) = mpsc::channel::<Request>();
        let (res_tx, res_rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            while let Ok(mut request) = req_rx.recv() {
                // Later saves supersede earlier ones; other requests are kept in order.
                let mut later = Vec::new();
                let mut skipped = Vec::new();
                while let Ok(next) = req_rx.try_recv() {
                    later.push(next);
                }
                let mut queue = std::collections::VecDeque::new();
                for next in later {
                    match (&request, next) {
                        (Request::Save { .. }, Request::Save { sidecar, seq }) => {
                            skipped.push(std::mem::replace(
                                &mut request,
                                Request::Save { sidecar, seq },
                            ));
                        }
                        (_, other) => queue.push_back(other),
                    }
                }
                let mut work = vec![request];
                work.extend(queue);
                for request in work {
                    let mut result = match request {
                        Request::Save { sidecar, seq } => SaveResult {
                            outcome: store.save(&sidecar).map_err(|e| e.to_string()),
                            sent: sidecar,
                            seq,
                            job: Job::Save,
                            journal_error: None,
                        },
                        Request::WriteTo { path, sidecar, seq } => {
                            let previous = store.path().to_path_buf();
                            store.relocate(&path);
                            let outcome = store.save(&sidecar).map_err(|e| e.to_string());
                            if outcome.is_err() {
                                // Keep trying the usual place; nothing was written there.
                                let _ = SidecarStore::open(&previous).map(|(s, _)| store = s);
                            }
                            SaveResult {
                                outcome,
                                sent: sidecar,
                                seq,
                                job: Job::WriteTo(path),
                                journal_error: None,
                            }
                        }
                        Request::Refresh { sidecar } => SaveResult {
                            outcome: match store.refresh(&sidecar) {
                                Ok(Refreshed::Merged(m)) => Ok(Saved::Merged(m)),
                                Ok(Refreshed::Unchanged) => Ok(Saved::Written),
                                Ok(Refreshed::Recreated) => Ok(Saved::Recreated),
                                Err(e) => Err(e.to_string()),
                            },
                            sent: sidecar,
                            seq: 0,
                            job: Job::Refresh,
                            journal_error: None,
                        },
                    };
                    if result.job != Job::Refresh
                        && result.outcome.is_ok()
                        && let Some(j) = &journal
                    {
                        result.journal_error = j
                            .saved(result.seq, store.disk_sha256())
                            .err()
                            .map(|e| e.to_string());
                    }
                    for old in skipped.drain(..) {
                        if let Request::Save { sidecar, seq } = old {
                            let _ = res_tx.send(SaveResult {
                                sent: sidecar,
                                seq,
                                job: Job::Save,
                                outcome: Ok(Saved::Written),
                                journal_error: None,
                            });
                        }
                    }
                    if res_tx.send(result).is_err() {
                        return;
                    }
                }
            }
        });
        Saver {
            requests: Some(req_tx),
            results: res_rx,
            in_flight: 0,
            thread: Some(thread),
            path,
        }
    }

    fn send(&mut self, request: Request) {
        if let Some(tx) = &self.requests
            && tx.send(request).is_ok()
        {
            self.in_flight += 1;
        }
    }

    /// Save `sidecar`, which contains every journal entry up to `seq`.
    pub fn request(&mut self, sidecar: Sidecar, seq: u64) {
        self.send(Request::Save { sidecar, seq });
    }

    /// Write to `path` from now on.
    pub fn write_to(&mut self, path: PathBuf, sidecar: Sidecar, seq: u64) {
        self.send(Request::WriteTo { path, sidecar, seq });
    }

    /// Look for changes made on disk by someone else.
    pub fn refresh(&mut self, sidecar: Sidecar) {
        self.send(Request::Refresh { sidecar });
    }

    pub fn busy(&self) -> bool {
        self.in_flight > 0
    }

    /// Results that arrived, without waiting.
    pub fn poll(&mut self) -> Vec<SaveResult> {
        let mut out = Vec::new();
        while let Ok(r) = self.results.try_recv() {
            self.in_flight = self.in_flight.saturating_sub(1);
            out.push(r);
        }
        out
    }

    /// Wait up to `limit` for every request to finish.
    pub fn flush(&mut self, limit: Duration) -> Vec<SaveResult> {
        let deadline = Instant::now() + limit;
        let mut out = Vec::new();
        while self.in_flight > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.results.recv_timeout(left) {
                Ok(r) => {
                    self.in_flight -= 1;
                    out.push(r);
                }
                Err(_) => break,
            }
        }
        out
    }
}

impl Drop for Saver {
    fn drop(&mut self) {
        self.requests.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// How often a failed save is tried again.
pub const RETRY: Duration = Duration::from_secs(3);
/// How often an idle session looks for changes made on disk by others.
pub const REFRESH: Duration = Duration::from_secs(2);
/// How often a session looks whether its document changed on disk.
pub const DOCUMENT_CHECK: Duration = Duration::from_secs(2);

/// Apply results to the app: merges with changes made elsewhere are folded
/// into the session and reported (the saver has already cleared the journal
/// of what each save wrote).
pub fn apply_results(
    app: &mut App,
    saver: &mut Saver,
    journal: Option<&Journal>,
    results: Vec<SaveResult>,
) {
    for r in results {
        let refresh = r.job == Job::Refresh;
        if let (Some(e), Some(j)) = (&r.journal_error, journal) {
            app.warn(format!(
                "Saved, but the journal {} could not be cleared: {e}",
                j.path().display()
            ));
        }
        if let (Ok(_), Job::WriteTo(path)) = (&r.outcome, &r.job) {
            saver.path = path.clone();
            app.say(format!(
                "Sidecar written to {} — it is saved there from now on",
                path.display()
            ));
        }
        match r.outcome {
            Ok(Saved::Written) => {
                if !refresh && !saver.busy() && app.save_state != SaveState::Saved {
                    app.save_state = SaveState::Saved;
                }
            }
            Ok(Saved::Recreated) => {
                app.warn(format!(
                    "The sidecar was deleted on disk — written again with your {} annotation(s)",
                    r.sent.annotations.len()
                ));
            }
            Ok(Saved::Merged(m)) => {
                let merged = if app.sidecar == r.sent {
                    m.sidecar.clone()
                } else {
                    // The user changed more while the merge ran: merge again.
                    merge::merge(&r.sent, &app.sidecar, &m.sidecar).sidecar
                };
                let unsettled_before = app.unsettled.len();
                let editor_before = app.editor_underneath();
                app.replace_sidecar(merged);
                let seq = journal.map_or(0, Journal::last_seq);
                // A refresh writes nothing; saving now writes the merge (or
                // nothing, when it equals the file on disk).
                if refresh || app.sidecar != m.sidecar {
                    saver.request(app.sidecar.clone(), seq);
                }
                // Versions kept by another session's merge (`id~N`) are news too.
                let new_pairs = app.unsettled.len().saturating_sub(unsettled_before);
                // Short: the status line leaves a message about 50 columns at 100.
                let what = if refresh {
                    "Merged from disk"
                } else {
                    "Saved, merged with changes on disk"
                };
                let conflicts = m.conflicts.len().max(new_pairs);
                let text = if conflicts > 0 {
                    // The conflict first: the counts may not fit.
                    format!(
                        "{what}: {conflicts} conflict(s), both versions kept (⚠); {} added, {} changed, {} removed",
                        m.added, m.changed, m.removed
                    )
                } else {
                    format!(
                        "{what}: {} added, {} changed, {} removed",
                        m.added, m.changed, m.removed
                    )
                };
                let editor_now = app.editor_underneath();
                if editor_now.is_some() && editor_now != editor_before {
                    // The open editor shows it too (see `app::concurrent`).
                    app.warn(match editor_now {
                        Some(crate::app::concurrent::Underneath::Deleted) => {
                            "The annotation being edited was deleted in another session (⚠)"
                        }
                        _ => "The annotation being edited changed in another session (⚠)",
                    });
                } else if refresh && m.added + m.changed + m.removed == 0 && m.conflicts.is_empty()
                {
                    // Only formatting or our own save: nothing to tell.
                } else {
                    app.warn(text);
                }
                if !saver.busy() && app.save_state == SaveState::Pending {
                    app.save_state = SaveState::Saved;
                }
            }
            Err(e) if refresh => {
                app.warn(format!("Could not check the sidecar on disk: {e}"));
            }
            Err(e) => {
                if !matches!(app.save_state, SaveState::Failed(_)) {
                    // The failure's own message shows; older messages go.
                    app.status = None;
                }
                app.save_state = SaveState::Failed(e);
            }
        }
    }
}

/// Which signal asked us to stop, if any.
fn register_signals() -> Arc<AtomicUsize> {
    let flag = Arc::new(AtomicUsize::new(0));
    for sig in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGINT,
        signal_hook::consts::SIGHUP,
    ] {
        let _ = signal_hook::flag::register_usize(sig, Arc::clone(&flag), sig as usize);
    }
    flag
}

/// Job-control signals: a request to suspend (SIGTSTP, `kill -TSTP`), and a
/// continue (SIGCONT) after a stop we did not see coming (SIGSTOP), when the
/// shell has put the terminal in its own modes.
struct JobControl {
    stop: Arc<AtomicBool>,
    resumed: Arc<AtomicBool>,
}

impl JobControl {
    fn register() -> JobControl {
        let stop = Arc::new(AtomicBool::new(false));
        let resumed = Arc::new(AtomicBool::new(false));
        #[cfg(unix)]
        {
            let _ = signal_hook::flag::register(signal_hook::consts::SIGTSTP, Arc::clone(&stop));
            let _ = signal_hook::flag::register(signal_hook::consts::SIGCONT, Arc::clone(&resumed));
        }
        JobControl { stop, resumed }
    }
}

/// Is the terminal on standard input gone (the SSH connection dropped, the
/// tmux pane killed)?
#[cfg(unix)]
fn terminal_hung_up() -> bool {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let stdin = rustix::stdio::stdin();
    let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
    let zero = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    matches!(poll(&mut fds, Some(&zero)), Ok(n) if n > 0)
        && fds[0]
            .revents()
            .intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL)
}

#[cfg(not(unix))]
fn terminal_hung_up() -> bool {
    false
}

/// Ends the process when the event loop cannot: crossterm's reader spins on a
/// terminal that has gone away (reads of 0 bytes, never returning), so neither
/// the signal flags nor a hang-up would be seen by the loop. Every change is
/// journalled before it is saved, so exiting here loses nothing; the next
/// session recovers from the journal.
fn start_watchdog(signal: Arc<AtomicUsize>, done: Arc<std::sync::atomic::AtomicBool>) {
    std::thread::spawn(move || {
        let hangup = signal_hook::consts::SIGHUP as usize;
        loop {
            std::thread::sleep(Duration::from_millis(250));
            if done.load(Ordering::Relaxed) {
                return;
            }
            let mut sig = signal.load(Ordering::Relaxed);
            if sig == 0 && terminal_hung_up() {
                sig = hangup;
                signal.store(hangup, Ordering::Relaxed);
            }
            if sig == 0 {
                continue;
            }
            // Give the loop time to finish on its own (flushing saves).
            let deadline = Instant::now() + Duration::from_secs(3);
            while Instant::now() < deadline {
                if done.load(Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            terminal::leave();
            std::process::exit(128 + sig as i32);
        }
    });
}

/// How a session ended.
pub enum Ending {
    Quit,
    Signal(i32),
    /// Quit while the last save had failed (the message says why).
    Unsaved(String),
    /// The document turned out not to be text while it was read (the message
    /// names the file and offset).
    BadDocument(String),
}

/// Run the TUI until quit. `store` is `None` for read-only sessions.
pub fn run(app: App, store: Option<SidecarStore>, theme: Theme) -> anyhow::Result<Ending> {
    run_with(app, store, None, theme)
}

/// Where unsaved changes are, for a panic message: set while changes are pending.
static PANIC_JOURNAL: Mutex<Option<String>> = Mutex::new(None);

/// Environment variable that makes F11 panic, so tests can check what a crash
/// leaves behind (terminal restored, journal kept, one short message).
pub const TEST_PANIC_ENV: &str = "GLOSS_TEST_PANIC_KEY";

/// Our panic hook, installed before ratatui's (which restores the terminal and
/// then calls this): one short message saying where unsaved work is, instead
/// of a backtrace on a half-restored screen.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        terminal::leave();
        let what = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let place = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let journal = PANIC_JOURNAL.lock().ok().and_then(|j| j.clone());
        let safe = journal.unwrap_or_else(|| "every change had been saved".to_string());
        // Never panic inside the hook (that aborts): the terminal may be gone.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "{}",
            crate::document::sanitize::display_line(&format!(
                "gloss: internal error ({what}{place}); {safe}"
            ))
        );
    }));
}

/// Where the changes not yet saved are, in words (`None`: nothing pending).
fn unsaved_work(journal: Option<&Journal>) -> Option<String> {
    match journal?.state() {
        JournalState::Clear => None,
        JournalState::At(p) => Some(format!(
            "unsaved changes are kept in the journal {} and are restored when you reopen the document",
            p.display()
        )),
        JournalState::OnlyInSession { changes, error } => Some(format!(
            "{changes} unsaved change(s) are lost: no journal could be written ({error})"
        )),
    }
}

/// Tell the app (status line) and the panic hook where unsaved work is.
fn note_journal(app: &mut App, journal: Option<&Journal>) {
    let state = journal.map(Journal::state).unwrap_or_default();
    if state == app.journal_state {
        return;
    }
    app.journal_state = state;
    if let Ok(mut slot) = PANIC_JOURNAL.lock() {
        *slot = unsaved_work(journal);
    }
}

/// Hand the app's new changes to the journal (durably) and return the newest
/// entry's number. A journal that cannot be written is reported, not fatal:
/// the status line then says the changes are only in this session.
fn record_journal(app: &mut App, journal: Option<&Journal>) -> u64 {
    let edits = app.take_journal_edits();
    let Some(j) = journal else {
        return 0;
    };
    if let Err(e) = j.record(edits) {
        app.warn(format!(
            "Changes only in this session: no crash journal could be written ({e}) — {} writes the sidecar elsewhere",
            app.keymap.label(crate::command::Command::WriteTo)
        ));
    }
    note_journal(app, Some(j));
    j.last_seq()
}

/// Where `write_to` writes: a folder gets the sidecar's usual file name.
fn write_target(path: PathBuf, current: &std::path::Path) -> PathBuf {
    if path.is_dir()
        && let Some(name) = current.file_name()
    {
        return path.join(name);
    }
    path
}

/// The terminal and the process's signal handling, set up once for a whole
/// run: one annotating session, or a corpus list and every document opened
/// from it (each a session of its own in the same terminal).
pub struct Screen {
    pub terminal: ratatui::DefaultTerminal,
    signal: Arc<AtomicUsize>,
    job: JobControl,
    done: Arc<AtomicBool>,
    panic_key: bool,
}

impl Screen {
    /// Take over the terminal (alternate screen, raw mode, input modes),
    /// with signals, a watchdog and a panic hook that give it back.
    pub fn start() -> anyhow::Result<Screen> {
        let signal = register_signals();
        let job = JobControl::register();
        let done = Arc::new(AtomicBool::new(false));
        start_watchdog(Arc::clone(&signal), Arc::clone(&done));
        let panic_key = std::env::var_os(TEST_PANIC_ENV).is_some();
        install_panic_hook();
        terminal::restore_on_fault();
        let terminal = ratatui::try_init()?;
        terminal::enable_input_modes();
        Ok(Screen {
            terminal,
            signal,
            job,
            done,
            panic_key,
        })
    }

    /// The signal that asked us to stop (0: none).
    pub fn signal(&self) -> usize {
        self.signal.load(Ordering::Relaxed)
    }

    /// Handle a suspend request (a key, SIGTSTP) or a continue after a
    /// stop; false when nothing could resume us (no job control).
    pub fn job_control(&mut self, asked: bool) -> anyhow::Result<bool> {
        let mut resumed_ok = true;
        if asked || self.job.stop.swap(false, Ordering::Relaxed) {
            resumed_ok = terminal::suspend(&self.job.resumed)?;
            self.job.resumed.store(false, Ordering::Relaxed);
            self.terminal.clear()?;
        }
        if self.job.resumed.swap(false, Ordering::Relaxed) {
            terminal::reenter()?;
            self.terminal.clear()?;
        }
        Ok(resumed_ok)
    }

    /// Give the terminal back.
    pub fn finish(self) {
        self.done.store(true, Ordering::Relaxed);
        terminal::leave();
    }
}

/// How an annotating session in a [`Screen`] ended, and what it leaves.
pub struct Annotated {
    /// The session's state at its end (where it was, where it is going).
    pub app: App,
    pub result: anyhow::Result<Ending>,
    /// Ended by a signal or an error with changes not in the sidecar: where
    /// they are, to say once the terminal is given back.
    pub unsaved: Option<String>,
}

/// Run the TUI with a crash journal (`None` for read-only sessions).
pub fn run_with(
    app: App,
    store: Option<SidecarStore>,
    journal: Option<Journal>,
    theme: Theme,
) -> anyhow::Result<Ending> {
    let mut screen = Screen::start()?;
    let annotated = annotate_in(&mut screen, app, store, journal, &theme);
    screen.finish();
    if let Some(words) = annotated.unsaved {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "{}",
            crate::document::sanitize::display_line(&format!("gloss: not saved: {words}"))
        );
    }
    annotated.result
}

/// One annotating session in `screen`, until it quits (or leaves for
/// another document: [`App::leaving`]). Saves are flushed before it returns.
pub fn annotate_in(
    screen: &mut Screen,
    mut app: App,
    store: Option<SidecarStore>,
    journal: Option<Journal>,
    theme: &Theme,
) -> Annotated {
    let Screen {
        terminal,
        signal,
        job,
        done,
        panic_key,
    } = screen;
    let panic_key = *panic_key;
    let mut saver = store.map(|s| Saver::with_journal(s, journal.clone()));
    note_journal(&mut app, journal.as_ref());
    let mut quit_armed = false;
    let mut last_attempt = Instant::now();
    let mut last_refresh = Instant::now();
    let mut last_document_check = Instant::now();
    let mut last_project_refresh = Instant::now();
    let result = (|| -> anyhow::Result<Ending> {
        loop {
            terminal.draw(|frame| {
                app.prepare_frame(frame.area());
                view::draw(frame, &app, theme);
            })?;
            let mut effects = app.take_effects();
            if terminal::poll_input(if app.busy() { BUSY_TICK } else { TICK })? {
                // Everything already sent, then one frame (see INPUT_BUDGET).
                let started = Instant::now();
                loop {
                    match event::read()? {
                        Event::Key(key) if panic_key && key.code == KeyCode::F(11) => {
                            panic!("test panic requested with F11")
                        }
                        Event::Key(key) => app.handle_key(key),
                        Event::Mouse(mouse) => app.handle_mouse(mouse),
                        Event::Paste(text) => app.handle_paste(&text),
                        _ => {}
                    }
                    effects.extend(app.take_effects());
                    // Keys after a quit or a suspend wait for its outcome.
                    if effects
                        .iter()
                        .any(|e| matches!(e, Effect::Quit | Effect::Suspend))
                        || started.elapsed() >= INPUT_BUDGET
                        || !terminal::poll_input(MORE_INPUT)?
                    {
                        break;
                    }
                }
            }
            let mut quit = false;
            let mut suspend = job.stop.swap(false, Ordering::Relaxed);
            let mut saved = false;
            for effect in effects {
                match effect {
                    // One journal entry and one save for a whole batch.
                    Effect::Save if saved => {}
                    Effect::Save => {
                        saved = true;
                        // Journal first, synchronously: a crash from here on loses nothing.
                        let seq = record_journal(&mut app, journal.as_ref());
                        if let Some(s) = saver.as_mut() {
                            s.request(app.sidecar.clone(), seq);
                            last_attempt = Instant::now();
                        }
                    }
                    Effect::WriteTo(path) => {
                        let seq = record_journal(&mut app, journal.as_ref());
                        match saver.as_mut() {
                            Some(s) => {
                                let target = write_target(path, &s.path);
                                s.write_to(target, app.sidecar.clone(), seq);
                                last_attempt = Instant::now();
                            }
                            None => app.warn("Read-only session: nothing is written"),
                        }
                    }
                    Effect::Export(format) => export_document(&mut app, format),
                    Effect::Reopen => reopen_document(&mut app),
                    Effect::SaveProject => save_project(&mut app),
                    Effect::Quit => quit = true,
                    Effect::Suspend => suspend = true,
                }
            }
            if suspend {
                // Nothing pending while stopped: the shell may end the job.
                if let Some(s) = saver.as_mut() {
                    let results = s.flush(Duration::from_secs(10));
                    apply_results(&mut app, s, journal.as_ref(), results);
                }
                if !terminal::suspend(&job.resumed)? {
                    app.warn(
                        "Not suspended: no shell with job control started gloss (nothing could resume it)",
                    );
                }
                job.resumed.store(false, Ordering::Relaxed);
                terminal.clear()?;
            }
            if job.resumed.swap(false, Ordering::Relaxed) {
                // Continued after a stop (SIGSTOP): the shell's modes are in place.
                terminal::reenter()?;
                terminal.clear()?;
            }
            if let Some(s) = saver.as_mut() {
                let results = s.poll();
                apply_results(&mut app, s, journal.as_ref(), results);
                note_journal(&mut app, journal.as_ref());
                if !s.busy() {
                    if matches!(app.save_state, SaveState::Failed(_))
                        && last_attempt.elapsed() >= RETRY
                    {
                        // Try again: the disk may have room again, the folder may be writable.
                        if let Some(j) = journal.as_ref() {
                            let _ = j.retry();
                        }
                        let seq = journal.as_ref().map_or(0, Journal::last_seq);
                        s.request(app.sidecar.clone(), seq);
                        last_attempt = Instant::now();
                    } else if app.save_state == SaveState::Saved
                        && last_refresh.elapsed() >= REFRESH
                    {
                        s.refresh(app.sidecar.clone());
                        last_refresh = Instant::now();
                    }
                }
            }
            if last_document_check.elapsed() >= DOCUMENT_CHECK {
                app.note_disk_change(app.doc.disk_change());
                last_document_check = Instant::now();
            }
            if last_project_refresh.elapsed() >= REFRESH {
                if project_unsaved(&app).is_some() {
                    save_project(&mut app);
                }
                app.refresh_project();
                last_project_refresh = Instant::now();
            }
            let sig = signal.load(Ordering::Relaxed);
            if sig != 0 {
                if let Some(s) = saver.as_mut() {
                    let results = s.flush(Duration::from_secs(10));
                    apply_results(&mut app, s, journal.as_ref(), results);
                }
                return Ok(Ending::Signal(sig as i32));
            }
            if quit {
                if let Some(s) = saver.as_mut() {
                    let results = s.flush(Duration::from_secs(30));
                    apply_results(&mut app, s, journal.as_ref(), results);
                }
                note_journal(&mut app, journal.as_ref());
                if let SaveState::Failed(e) = &app.save_state {
                    let e = e.clone();
                    let write_to = app.keymap.label(crate::command::Command::WriteTo);
                    match &app.journal_state {
                        // Nothing holds the changes but this process: quitting
                        // loses them, so only an explicit "yes" quits.
                        JournalState::OnlyInSession { changes, .. } => {
                            if !app.loss_accepted {
                                app.confirm_quit_losing_changes();
                                continue;
                            }
                            return Ok(Ending::Unsaved(format!(
                                "{e}; {changes} change(s) lost (no journal could be written)"
                            )));
                        }
                        JournalState::At(path) => {
                            let path = path.display().to_string();
                            if !quit_armed {
                                quit_armed = true;
                                let place = app.where_unsaved_work_is().unwrap_or_default();
                                app.warn(format!(
                                    "Press q again to quit — changes {place}, recovered on reopening; {write_to} writes elsewhere ({e})"
                                ));
                                continue;
                            }
                            return Ok(Ending::Unsaved(format!(
                                "{e}; the journal {path} keeps them: reopening the document recovers them"
                            )));
                        }
                        JournalState::Clear => {
                            if !quit_armed {
                                quit_armed = true;
                                app.warn(format!(
                                    "Press q again to quit anyway — {write_to} writes elsewhere ({e})"
                                ));
                                continue;
                            }
                            return Ok(Ending::Unsaved(e));
                        }
                    }
                }
                // A project file that failed to save: one last try, then
                // quitting asks twice, as for the sidecar.
                if project_unsaved(&app).is_some() {
                    save_project(&mut app);
                }
                if let Some(e) = project_unsaved(&app) {
                    if !quit_armed {
                        quit_armed = true;
                        app.warn(format!(
                            "Press q again to quit — the project file was NOT SAVED ({e}): this session's codebook, metadata and boilerplate changes would be lost"
                        ));
                        continue;
                    }
                    return Ok(Ending::Unsaved(format!(
                        "{e}; this session's changes to the project file are lost"
                    )));
                }
                return Ok(Ending::Quit);
            }
        }
    })();
    let ends_the_process = matches!(result, Ok(Ending::Signal(_)) | Err(_));
    if ends_the_process {
        // The watchdog must not cut the last flush short.
        done.store(true, Ordering::Relaxed);
    }
    // However the loop ended (a lost terminal ends it with an I/O error before
    // the SIGHUP flag is seen), finish the saves and clear the journal.
    if let Some(s) = saver.as_mut() {
        let results = s.flush(Duration::from_secs(10));
        apply_results(&mut app, s, journal.as_ref(), results);
    }
    drop(saver);
    // Ended by a signal with changes not in the sidecar: say where they are
    // (or that they are lost), since nobody could be asked.
    let unsaved = if ends_the_process && matches!(app.save_state, SaveState::Failed(_)) {
        unsaved_work(journal.as_ref())
    } else {
        None
    };
    // The document shown last (it may have been reopened) decides whether
    // the session ended on a bad file.
    let result = match app.doc.load_error() {
        Some(e) => result.map(|_| Ending::BadDocument(e.to_string())),
        None => result,
    };
    Annotated {
        app,
        result,
        unsaved,
    }
}

/// Carry out `Effect::Reopen`: read the document again and show it.
fn reopen_document(app: &mut App) {
    match crate::document::Document::open_progressive(app.doc.path()) {
        Ok(doc) => app.replace_document(doc),
        Err(e) => app.warn(format!("Could not reopen: {e}")),
    }
}

/// Carry out `Effect::SaveProject`: a project file is small, written here.
fn save_project(app: &mut App) {
    let Some(session) = app.project.as_mut() else {
        return;
    };
    let file = session.file.display().to_string();
    match session.save() {
        Ok(said) => {
            let was_failing = session.unsaved.take().is_some();
            match said {
                Some(text) => app.say(text),
                None if was_failing => app.say(format!("Project file {file} saved")),
                None => {}
            }
        }
        Err(e) => {
            // Said once per cause: the retry at every refresh stays quiet.
            let repeated = session.unsaved.as_ref() == Some(&e);
            session.unsaved = Some(e.clone());
            if !repeated {
                app.warn(format!(
                    "Project file NOT SAVED: {e} — retried every {} s; changes only in this session",
                    REFRESH.as_secs()
                ));
            }
        }
    }
    app.refresh_after_project_save();
}

/// Why the project file lacks this session's changes (its last save failed).
fn project_unsaved(app: &App) -> Option<String> {
    app.project.as_ref().and_then(|s| s.unsaved.clone())
}

/// Carry out `Effect::Export`: write this document's annotations (as the
/// session shows them) beside it, and report in the status line.
fn export_document(app: &mut App, format: crate::export::Format) {
    match crate::export::beside::export_beside(&app.doc, &app.sidecar, format) {
        Ok(w) => {
            let name = w
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let mut left_out = Vec::new();
            if w.orphans > 0 {
                left_out.push(format!("{} orphaned", w.orphans));
            }
            if w.on_boilerplate > 0 {
                left_out.push(format!("{} on boilerplate", w.on_boilerplate));
            }
            let orphans = if left_out.is_empty() {
                String::new()
            } else {
                format!(" ({} not exported)", left_out.join(", "))
            };
            let noun = match format {
                crate::export::Format::Statements
                | crate::export::Format::Graphml
                | crate::export::Format::Dna
                | crate::export::Format::Gexf => "position",
                // The reference formats hold the document itself.
                crate::export::Format::Csl | crate::export::Format::Ris => "reference",
                _ => "excerpt",
            };
            app.say(format!(
                "Exported {} {noun}{} as {} to {name}{orphans}",
                w.excerpts,
                if w.excerpts == 1 { "" } else { "s" },
                format.name()
            ));
        }
        Err(e) => app.warn(format!("Export failed: {e:#}")),
    }
}
