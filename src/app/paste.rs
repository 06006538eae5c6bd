//! Pasted text (bracketed paste): it goes into the focused text field as
//! text, in one step, and is never run as keys.
//!
//! Terminals send a paste's line breaks as CR; a note keeps them as line
//! breaks, a one-line field (tag form, search, path) joins the lines with a
//! space. Other control characters (a stray escape sequence in the clipboard)
//! are dropped.

use super::{App, Mode};

/// How a field takes line breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lines {
    Kept,
    Joined,
}

/// `text` as it goes into a field: CRLF and CR become LF (kept) or one space
/// (joined); tabs stay in notes and become a space elsewhere; other control
/// characters are dropped.
fn clean(text: &str, lines: Lines) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                match lines {
                    Lines::Kept => out.push('\n'),
                    // A run of line breaks (a blank line) is one separator.
                    Lines::Joined => {
                        if !out.is_empty() && !out.ends_with(' ') {
                            out.push(' ');
                        }
                    }
                }
            }
            '\t' if lines == Lines::Kept => out.push('\t'),
            '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    if lines == Lines::Joined {
        let kept = out.trim_end_matches(' ').len();
        out.truncate(kept);
    }
    out
}

impl App {
    /// Handle a bracketed paste: text for the focused field, never keys.
    pub fn handle_paste(&mut self, text: &str) {
        let (input, lines) = match &mut self.mode {
            Mode::Note { input, .. } => (input, Lines::Kept),
            Mode::SearchPrompt(input) | Mode::PathPrompt(input) => (input, Lines::Joined),
            Mode::Form(form) => {
                // The typed text changed: a highlighted completion no longer holds.
                form.highlight = None;
                (&mut form.focused_mut().input, Lines::Joined)
            }
            // A codebook or metadata prompt takes the text; the list does not.
            Mode::Codebook(view) => match &mut view.prompt {
                Some((_, input)) => (input, Lines::Joined),
                None => return,
            },
            Mode::Metadata(view) => match &mut view.input {
                Some(input) => (input, Lines::Joined),
                None => return,
            },
            Mode::Normal => {
                self.warn("Paste ignored: open a note (n) or a tag form to paste into it");
                return;
            }
            // Losing work takes a typed `yes`, never a pasted one.
            Mode::ConfirmLoss(_)
            | Mode::TagAllScope(_)
            | Mode::ConfirmTagAll(_)
            | Mode::Help { .. }
            | Mode::Agreement
            | Mode::Orphans { .. }
            | Mode::Export { .. } => {
                return;
            }
        };
        input.insert_str(&clean(text, lines));
    }
}

#[cfg(test)]
mod tests {
    use super::{Lines, clean};

    #[test]
    fn line_breaks_are_kept_in_notes_and_joined_elsewhere() {
        let pasted = "first line\r\nsecond\rthird\n\n\tfourth\x1b[31m\r";
        assert_eq!(
            clean(pasted, Lines::Kept),
            "first line\nsecond\nthird\n\n\tfourth[31m\n"
        );
        assert_eq!(
            clean(pasted, Lines::Joined),
            "first line second third  fourth[31m"
        );
        assert_eq!(clean("Nam Il\r", Lines::Joined), "Nam Il");
        assert_eq!(clean("\r\nNam\r\n\r\nIl", Lines::Joined), "Nam Il");
    }
}
