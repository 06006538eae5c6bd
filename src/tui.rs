//! The terminal: lifecycle, the event loop, and saving off the UI thread.
//!
//! One draw per loop turn; keys (press events only) and mouse events go to
//! [`App`]; effects are carried out here. Saves run on a saver thread so a
//! large sidecar never blocks keys; each change is on disk well within a second.
//! SIGTERM, SIGHUP and SIGINT flush pending saves and restore the terminal.

use std::io::stdout;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{self, DisableMouseCapture, EnableMouseCapture, Event};
use ratatui::crossterm::execute;

use crate::app::{App, Effect, SaveState};
use crate::sidecar::Sidecar;
use crate::sidecar::merge;
use crate::sidecar::store::{Saved, SidecarStore};
use crate::view::{self, Theme};

/// How long the loop waits for input before looking at saves and signals.
const TICK: Duration = Duration::from_millis(200);
/// The wait while background work (indexing, search) runs: one frame.
const BUSY_TICK: Duration = Duration::from_millis(16);

/// A save's result, with the version that was sent.
pub struct SaveResult {
    pub sent: Sidecar,
    pub outcome: Result<Saved, String>,
}

/// Writes sidecars on its own thread, newest request first (older ones queued
/// behind it are skipped: the newest contains them).
pub struct Saver {
    requests: Option<Sender<Sidecar>>,
    results: Receiver<SaveResult>,
    in_flight: usize,
    thread: Option<JoinHandle<()>>,
}

impl Saver {
    pub fn start(mut store: SidecarStore) -> Saver {
        let (req_tx, req_rx) = mpsc::channel::<Sidecar>();
        let (res_tx, res_rx) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            while let Ok(mut sidecar) = req_rx.recv() {
                let mut skipped = 0;
                while let Ok(newer) = req_rx.try_recv() {
                    sidecar = newer;
                    skipped += 1;
                }
                let outcome = store.save(&sidecar).map_err(|e| e.to_string());
                for _ in 0..skipped {
                    let _ = res_tx.send(SaveResult {
                        sent: sidecar.clone(),
                        outcome: Ok(Saved::Written),
                    });
                }
                if res_tx
                    .send(SaveResult {
                        sent: sidecar,
                        outcome,
                    })
                    .is_err()
                {
                    break;
                }
            }
        });
        Saver {
            requests: Some(req_tx),
            results: res_rx,
            in_flight: 0,
            thread: Some(thread),
        }
    }

    pub fn request(&mut self, sidecar: Sidecar) {
        if let Some(tx) = &self.requests
            && tx.send(sidecar).is_ok()
        {
            self.in_flight += 1;
        }
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

/// Apply save results to the app: merges with changes made elsewhere are folded
/// into the session and reported.
pub fn apply_results(app: &mut App, saver: &mut Saver, results: Vec<SaveResult>) {
    for r in results {
        match r.outcome {
            Ok(Saved::Written) => {
                if !saver.busy() && app.save_state == SaveState::Pending {
                    app.save_state = SaveState::Saved;
                }
            }
            Ok(Saved::Merged(m)) => {
                let merged = if app.sidecar == r.sent {
                    m.sidecar.clone()
                } else {
                    // The user changed more while the merge ran: merge again.
                    let again = merge::merge(&r.sent, &app.sidecar, &m.sidecar);
                    saver.request(again.sidecar.clone());
                    again.sidecar
                };
                app.replace_sidecar(merged);
                let mut text = format!(
                    "Sidecar changed on disk by someone else: merged ({} added, {} changed, {} removed there)",
                    m.added, m.changed, m.removed
                );
                if !m.conflicts.is_empty() {
                    text.push_str(&format!(
                        "; {} conflict(s) kept both versions",
                        m.conflicts.len()
                    ));
                }
                app.warn(text);
                if !saver.busy() {
                    app.save_state = SaveState::Saved;
                }
            }
            Err(e) => app.save_state = SaveState::Failed(e),
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

/// How a session ended.
pub enum Ending {
    Quit,
    Signal(i32),
    /// Quit while the last save had failed (the message says why).
    Unsaved(String),
}

/// Run the TUI until quit. `store` is `None` for read-only sessions.
pub fn run(mut app: App, store: Option<SidecarStore>, theme: Theme) -> anyhow::Result<Ending> {
    let signal = register_signals();
    let mut saver = store.map(Saver::start);
    let mut terminal = ratatui::try_init()?;
    let _ = execute!(stdout(), EnableMouseCapture);
    let mut quit_armed = false;
    let result = (|| -> anyhow::Result<Ending> {
        loop {
            terminal.draw(|frame| {
                app.prepare_frame(frame.area());
                view::draw(frame, &app, &theme);
            })?;
            if event::poll(if app.busy() { BUSY_TICK } else { TICK })? {
                match event::read()? {
                    Event::Key(key) => app.handle_key(key),
                    Event::Mouse(mouse) => app.handle_mouse(mouse),
                    _ => {}
                }
            }
            let mut quit = false;
            for effect in app.take_effects() {
                match effect {
                    Effect::Save => {
                        if let Some(s) = saver.as_mut() {
                            s.request(app.sidecar.clone());
                        }
                    }
                    Effect::Quit => quit = true,
                }
            }
            if let Some(s) = saver.as_mut() {
                let results = s.poll();
                apply_results(&mut app, s, results);
            }
            let sig = signal.load(Ordering::Relaxed);
            if sig != 0 {
                if let Some(s) = saver.as_mut() {
                    let results = s.flush(Duration::from_secs(10));
                    apply_results(&mut app, s, results);
                }
                return Ok(Ending::Signal(sig as i32));
            }
            if quit {
                if let Some(s) = saver.as_mut() {
                    let results = s.flush(Duration::from_secs(30));
                    apply_results(&mut app, s, results);
                }
                if let SaveState::Failed(e) = &app.save_state {
                    if !quit_armed {
                        quit_armed = true;
                        app.warn(format!("Not saved: {e}. Press q again to quit anyway"));
                        continue;
                    }
                    return Ok(Ending::Unsaved(e.clone()));
                }
                return Ok(Ending::Quit);
            }
        }
    })();
    let _ = execute!(stdout(), DisableMouseCapture);
    ratatui::restore();
    let _ = execute!(stdout(), ratatui::crossterm::cursor::Show);
    drop(saver);
    result
}
