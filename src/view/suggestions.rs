//! Tag suggestions in the panel (apart from annotations: italic, dim, with
//! a hollow mark and the rule named) and, in the selected paragraph, the
//! names detected (underlined) and the selected suggestion's cue words.

use ratatui::style::{Color, Modifier, Style};

use super::Theme;
use crate::app::App;
use crate::command::Command;
use crate::document::sanitize::display;
use crate::document::wrap::wrap_rows;

/// Mark of a suggestion in the panel; the selected one is filled.
pub const MARK: char = '◇';
pub const MARK_SELECTED: char = '◆';

impl Theme {
    /// A detected name in the selected paragraph.
    pub fn name_mention(&self) -> Style {
        Style::default().add_modifier(Modifier::UNDERLINED)
    }

    /// The selected suggestion's cue words.
    pub fn cue(&self) -> Style {
        let emphasis = Style::default().add_modifier(Modifier::BOLD | Modifier::ITALIC);
        if self.color {
            emphasis.fg(Color::LightGreen)
        } else {
            emphasis
        }
    }

    /// A suggestion in the panel: quieter than an annotation.
    pub fn suggestion(&self) -> Style {
        self.dim.add_modifier(Modifier::ITALIC)
    }
}

/// The panel's suggestion rows at `width` columns: a heading with the keys,
/// then each suggestion (`◆` the selected one) and, indented, its rule and
/// cue words; wrapped, never cut.
pub fn rows(app: &App, theme: &Theme, width: usize) -> Vec<(String, Style)> {
    let suggestions = app.suggestions();
    if suggestions.is_empty() {
        return Vec::new();
    }
    let text = app.doc.paragraph_text(app.selected);
    let heading = format!(
        "suggested: {} next · {} accept · {} dismiss",
        app.keymap.label(Command::NextSuggestion),
        app.keymap.label(Command::AcceptSuggestion),
        app.keymap.label(Command::DismissSuggestion),
    );
    let mut out: Vec<(String, Style)> = Vec::new();
    wrap_rows(&heading, width.max(2), |a, b| {
        out.push((heading[a..b].to_string(), theme.suggestion()));
        true
    });
    let selected = app.selected_suggestion.min(suggestions.len() - 1);
    for (i, s) in suggestions.iter().enumerate() {
        let (mark, style) = if i == selected {
            (
                MARK_SELECTED,
                theme.kind(s.kind).add_modifier(Modifier::ITALIC),
            )
        } else {
            (MARK, theme.suggestion())
        };
        let head = display(&s.summary()).replace('\n', " ");
        let why = display(&s.explain(text)).replace('\n', " ");
        for (k, row) in wrapped(&head, width).into_iter().enumerate() {
            let prefix = if k == 0 {
                format!("{mark} ")
            } else {
                "  ".into()
            };
            out.push((format!("{prefix}{row}"), style));
        }
        for row in wrapped(&why, width) {
            out.push((format!("  {row}"), theme.suggestion()));
        }
    }
    out
}

/// `text` in rows of `width` less a two-column prefix.
fn wrapped(text: &str, width: usize) -> Vec<String> {
    let mut rows = Vec::new();
    wrap_rows(text, width.saturating_sub(2).max(2), |s, e| {
        rows.push(text[s..e].to_string());
        true
    });
    rows
}

/// A byte range of a paragraph's text.
pub type Range = (usize, usize);

/// Byte ranges of `raw` (the selected paragraph's text) to mark: detected
/// names, and the selected suggestion's cue words.
pub fn marks(app: &App, raw: &str) -> (Vec<Range>, Vec<Range>) {
    let Some(found) = app.assist_of(app.selected) else {
        return (Vec::new(), Vec::new());
    };
    let bytes: Vec<usize> = raw
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(raw.len()))
        .collect();
    let at = |c: usize| bytes.get(c).copied().unwrap_or(raw.len());
    let names = found
        .mentions
        .iter()
        .map(|m| (at(m.start), at(m.end)))
        .collect();
    let cues = app
        .selected_suggestion()
        .map(|s| s.cues.iter().map(|&(a, b)| (at(a), at(b))).collect())
        .unwrap_or_default();
    (names, cues)
}
