//! The terminal's modes: entering and leaving the TUI's screen, suspending to
//! the shell (Ctrl-Z, SIGTSTP) and resuming, and putting the terminal back even
//! when the process dies of a fault (SIGSEGV, SIGBUS).
//!
//! The TUI runs in raw mode on the alternate screen with mouse reports and
//! bracketed paste on (a paste arrives as one event, never as keys). Every way
//! out turns all of that off again.

use std::io::{Write, stdout};
use std::time::Duration;

use ratatui::crossterm::cursor::Show;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
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

/// Wait up to `wait` for input (a key, paste, mouse report or resize); true
/// when some is there to read with `event::read`.
///
/// Use this, never `event::poll`, to wait. crossterm's terminal reader (the
/// dev-tty source) hands poll(2) the time left in whole milliseconds,
/// truncated, so the last fraction of a millisecond of every wait is a busy
/// loop of `poll(…, 0)`: a whole core for 1 ms waits, a quarter of one for the
/// corpus list's 4 ms waits while it counts, taken from the threads counting.
/// Rounded up to whole milliseconds plus [`INPUT_LOOK`], the wait sleeps in
/// poll(2) and ends with at most that look; a zero `wait` is that look alone
/// (crossterm's zero timeout reads nothing).
pub fn poll_input(wait: Duration) -> std::io::Result<bool> {
    event::poll(input_timeout(wait))
}

/// The part of an input wait that may be spent looking without sleeping:
/// enough for a look at the terminal after poll(2)'s sleep (the kernel wakes
/// a thread up to about 50 µs late), little enough to cost nothing.
pub const INPUT_LOOK: Duration = Duration::from_micros(100);

/// `wait` rounded up to whole milliseconds, plus [`INPUT_LOOK`].
fn input_timeout(wait: Duration) -> Duration {
    let whole = Duration::from_millis(
        u64::try_from(wait.as_nanos().div_ceil(1_000_000)).unwrap_or(u64::MAX / 2),
    );
    whole + INPUT_LOOK
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
///
/// `resumed` is set by SIGCONT; the result says whether the process was
/// stopped at all. Without a job-control shell (gloss run directly in a tmux
/// pane or by `ssh host gloss`) the kernel discards the stop, as it does for
/// any program: nobody could continue it.
#[cfg(unix)]
pub fn suspend(resumed: &std::sync::atomic::AtomicBool) -> std::io::Result<bool> {
    use std::sync::atomic::Ordering;
    leave();
    resumed.store(false, Ordering::Relaxed);
    // SIGTSTP has a handler (it asks the loop to suspend): raise it with the
    // default action for a moment. Unlike SIGSTOP, the kernel discards it in
    // an orphaned process group.
    // SAFETY: plain sigaction/raise calls on valid, initialised structs.
    unsafe {
        let mut default: libc::sigaction = std::mem::zeroed();
        default.sa_sigaction = libc::SIG_DFL;
        libc::sigemptyset(&mut default.sa_mask);
        let mut ours: libc::sigaction = std::mem::zeroed();
        if libc::sigaction(libc::SIGTSTP, &default, &mut ours) == 0 {
            libc::raise(libc::SIGTSTP);
            libc::sigaction(libc::SIGTSTP, &ours, std::ptr::null_mut());
        }
    }
    reenter()?;
    Ok(resumed.load(Ordering::Relaxed))
}

#[cfg(not(unix))]
pub fn suspend(_resumed: &std::sync::atomic::AtomicBool) -> std::io::Result<bool> {
    Ok(false)
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

/// How many colours this terminal shows (see [`ColorDepth::judge`]): from
/// `TERM`, `COLORTERM` and the terminfo entry's `colors`, as `tput colors`.
pub fn colour_depth() -> crate::view::ColorDepth {
    let term = std::env::var("TERM").ok();
    let colorterm = std::env::var("COLORTERM").ok();
    let colors = term.as_deref().and_then(terminfo_colors);
    crate::view::ColorDepth::judge(term.as_deref(), colorterm.as_deref(), colors)
}

/// The `colors` number of `term`'s compiled terminfo entry (-1 when absent),
/// looked up where ncurses looks; `None` when there is no entry.
fn terminfo_colors(term: &str) -> Option<i32> {
    let first = term.chars().next()?;
    if term.contains('/') || term.starts_with('.') {
        return None;
    }
    let mut dirs: Vec<std::path::PathBuf> = Vec::new();
    if let Some(d) = std::env::var_os("TERMINFO") {
        dirs.push(d.into());
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(std::path::Path::new(&home).join(".terminfo"));
    }
    if let Some(list) = std::env::var_os("TERMINFO_DIRS") {
        dirs.extend(std::env::split_paths(&list).filter(|p| !p.as_os_str().is_empty()));
    }
    for d in [
        "/etc/terminfo",
        "/lib/terminfo",
        "/usr/share/terminfo",
        "/usr/lib/terminfo",
    ] {
        dirs.push(d.into());
    }
    for dir in dirs {
        // Linux spells the folder with the first letter, macOS with its hex code.
        for sub in [first.to_string(), format!("{:x}", first as u32)] {
            if let Ok(bytes) = std::fs::read(dir.join(sub).join(term)) {
                return Some(colors_of(&bytes).unwrap_or(-1));
            }
        }
    }
    None
}

/// `colors` (numeric capability 13) of a compiled terminfo entry, in the
/// legacy (16-bit numbers) or the extended (32-bit) format.
fn colors_of(entry: &[u8]) -> Option<i32> {
    let short = |i: usize| -> Option<i32> {
        let b = entry.get(i * 2..i * 2 + 2)?;
        Some(i32::from(i16::from_le_bytes([b[0], b[1]])))
    };
    let magic = short(0)?;
    let wide = match magic {
        0o432 => false,
        0o1036 => true,
        _ => return None,
    };
    let (names, bools, numbers) = (
        usize::try_from(short(1)?).ok()?,
        usize::try_from(short(2)?).ok()?,
        usize::try_from(short(3)?).ok()?,
    );
    const COLORS: usize = 13;
    if numbers <= COLORS {
        return Some(-1);
    }
    let mut at = 12 + names + bools;
    at += at % 2;
    if wide {
        let b = entry.get(at + COLORS * 4..at + COLORS * 4 + 4)?;
        Some(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    } else {
        let b = entry.get(at + COLORS * 2..at + COLORS * 2 + 2)?;
        Some(i32::from(i16::from_le_bytes([b[0], b[1]])))
    }
}

#[cfg(test)]
mod tests {
    use super::colors_of;

    /// A compiled entry: names, no booleans, `numbers` 16-bit numbers.
    fn entry(numbers: &[i16]) -> Vec<u8> {
        let names = b"test|a test\0";
        let mut out = Vec::new();
        for v in [0o432, names.len() as i16, 0, numbers.len() as i16, 0, 0] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(names);
        if out.len() % 2 == 1 {
            out.push(0);
        }
        for v in numbers {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out
    }

    #[test]
    fn terminfo_colors_are_read_from_a_compiled_entry() {
        let mut numbers = [-1i16; 15];
        numbers[13] = 256;
        assert_eq!(colors_of(&entry(&numbers)), Some(256));
        numbers[13] = -1;
        assert_eq!(colors_of(&entry(&numbers)), Some(-1));
        assert_eq!(colors_of(&entry(&[80, 8])), Some(-1));
        assert_eq!(colors_of(b"not terminfo"), None);
        // The system's own entries, where installed.
        for (term, want) in [("xterm-256color", 256), ("vt100", -1)] {
            if let Some(n) = super::terminfo_colors(term) {
                assert_eq!(n, want, "{term}");
            }
        }
    }

    #[test]
    fn input_waits_are_whole_milliseconds_and_a_look_so_poll_never_spins() {
        use super::{INPUT_LOOK, input_timeout};
        use std::time::Duration;
        let ms = Duration::from_millis;
        assert_eq!(input_timeout(ms(4)), ms(4) + INPUT_LOOK);
        assert_eq!(input_timeout(ms(1)), ms(1) + INPUT_LOOK);
        assert_eq!(
            input_timeout(Duration::from_micros(3_500)),
            ms(4) + INPUT_LOOK
        );
        assert_eq!(input_timeout(Duration::from_nanos(1)), ms(1) + INPUT_LOOK);
        // A zero wait still looks: crossterm reads nothing with a zero timeout.
        assert_eq!(input_timeout(Duration::ZERO), INPUT_LOOK);
        assert!(input_timeout(Duration::MAX) > ms(1 << 40));
    }
}
