//! The terminal's modes: entering and leaving the TUI's screen, suspending to
//! the shell (Ctrl-Z, SIGTSTP) and resuming, and putting the terminal back even
//! when the process dies of a fault (SIGSEGV, SIGBUS).
//!
//! The TUI runs in raw mode on the alternate screen with mouse reports and
//! bracketed paste on (a paste arrives as one event, never as keys). Every way
//! out turns all of that off again.

use std::io::{Write, stdout};

use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

/// Raw mode and the alternate screen are on; turn on mouse reports and
/// bracketed paste (after `ratatui::try_init`, or when resuming).
pub fn enable_input_modes() {
    let _ = execute!(stdout(), EnableMouseCapture, EnableBracketedPaste);
}

/// Back to the shell's terminal: input modes off, cooked mode, main screen,
/// cursor shown. Safe to call more than once.
pub fn leave() {
    let _ = execute!(stdout(), DisableBracketedPaste, DisableMouseCapture);
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), LeaveAlternateScreen, Show);
    let _ = stdout().flush();
}

/// Into the TUI's terminal again after [`leave`] or after the process was
/// stopped and continued (the shell set its own modes meanwhile). The caller
/// redraws the whole screen.
pub fn reenter() -> std::io::Result<()> {
    // crossterm remembers it set raw mode and would do nothing: undo first.
    let _ = disable_raw_mode();
    enable_raw_mode()?;
    execute!(stdout(), EnterAlternateScreen)?;
    enable_input_modes();
    Ok(())
}

/// Leave the terminal to the shell and stop the process, as Ctrl-Z does in a
/// shell; returns once the shell continues it (`fg`), with the terminal
/// entered again. The caller flushes saves before and redraws after.
#[cfg(unix)]
pub fn suspend() -> std::io::Result<()> {
    leave();
    // SIGTSTP has a handler (it asks the loop to suspend): stop the way its
    // default action would.
    signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGTSTP)?;
    reenter()
}

#[cfg(not(unix))]
pub fn suspend() -> std::io::Result<()> {
    Ok(())
}

#[cfg(unix)]
mod fault {
    //! A fault handler that puts the terminal back before the process dies.
    //! Only async-signal-safe calls: write(2), tcsetattr(3), sigaction(2),
    //! raise(3).

    use std::sync::OnceLock;

    /// The terminal's modes before raw mode, and the terminal's descriptor.
    static SAVED: OnceLock<(libc::c_int, libc::termios)> = OnceLock::new();
    /// The handlers that were in place (the Rust runtime's, for stack overflows).
    static PREVIOUS: OnceLock<[(libc::c_int, libc::sigaction); 2]> = OnceLock::new();

    /// Input modes off, main screen, cursor shown (see `leave`).
    const RESTORE: &[u8] =
        b"\x1b[?2004l\x1b[?1006l\x1b[?1015l\x1b[?1003l\x1b[?1002l\x1b[?1000l\x1b[?1049l\x1b[?25h";

    extern "C" fn on_fault(sig: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
        // SAFETY: only async-signal-safe calls on memory set up before the
        // handler was installed.
        unsafe {
            if let Some((fd, termios)) = SAVED.get() {
                libc::write(1, RESTORE.as_ptr().cast(), RESTORE.len());
                libc::tcsetattr(*fd, libc::TCSANOW, termios);
            }
            let sent = info.is_null() || (*info).si_code <= 0;
            let previous = PREVIOUS
                .get()
                .and_then(|p| p.iter().find(|(s, _)| *s == sig))
                .map(|(_, a)| *a);
            match previous {
                // A real fault: the instruction runs again under the previous
                // handler (the runtime reports a stack overflow) or the default.
                Some(action) if !sent => {
                    libc::sigaction(sig, &action, std::ptr::null_mut());
                }
                // Sent by kill: die of it, as without a handler.
                _ => {
                    libc::signal(sig, libc::SIG_DFL);
                    libc::raise(sig);
                }
            }
        }
    }

    /// Remember the terminal's modes now (before raw mode) and install the
    /// handlers. Once per process.
    pub fn install() {
        // SAFETY: plain libc calls on valid memory; the handler is installed
        // after everything it reads is set.
        unsafe {
            let fd = if libc::isatty(0) == 1 { 0 } else { return };
            let mut termios: libc::termios = std::mem::zeroed();
            if libc::tcgetattr(fd, &mut termios) != 0 || SAVED.set((fd, termios)).is_err() {
                return;
            }
            let mut previous = [
                (libc::SIGSEGV, std::mem::zeroed()),
                (libc::SIGBUS, std::mem::zeroed()),
            ];
            for (sig, old) in previous.iter_mut() {
                let mut action: libc::sigaction = std::mem::zeroed();
                action.sa_sigaction = on_fault as *const () as libc::sighandler_t;
                action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
                libc::sigemptyset(&mut action.sa_mask);
                libc::sigaction(*sig, &action, old);
            }
            let _ = PREVIOUS.set(previous);
        }
    }
}

/// Put the terminal back if the process dies of SIGSEGV or SIGBUS (then die
/// of the same signal). Call before entering raw mode.
pub fn restore_on_fault() {
    #[cfg(unix)]
    fault::install();
}
