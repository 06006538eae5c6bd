//! Every command the TUI knows, declared once with a name and a one-line doc.
//!
//! Keymaps name these commands; the help overlay is generated from the docs.
//! An unknown name fails with "No command named '…'" (as helix does).

use std::fmt;
use std::str::FromStr;

macro_rules! commands {
    ($($variant:ident => $name:literal, $doc:literal;)*) => {
        /// A named action bound to keys.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Command {
            $($variant,)*
        }

        impl Command {
            /// All commands, in help order.
            pub const ALL: &'static [Command] = &[$(Command::$variant,)*];

            /// The name used in keymap files.
            pub fn name(self) -> &'static str {
                match self {
                    $(Command::$variant => $name,)*
                }
            }

            /// One line for the help overlay.
            pub fn doc(self) -> &'static str {
                match self {
                    $(Command::$variant => $doc,)*
                }
            }
        }
    };
}

commands! {
    NextParagraph => "next_paragraph", "Next paragraph";
    PrevParagraph => "prev_paragraph", "Previous paragraph";
    PageDown => "page_down", "Down one screen";
    PageUp => "page_up", "Up one screen";
    FirstParagraph => "first_paragraph", "First paragraph";
    LastParagraph => "last_paragraph", "Last paragraph";
    ScrollDown => "scroll_down", "Scroll the text down one row (long paragraphs)";
    ScrollUp => "scroll_up", "Scroll the text up one row";
    NextAnnotation => "next_annotation", "Select the paragraph's next annotation";
    PrevAnnotation => "prev_annotation", "Select the paragraph's previous annotation";
    TagClaim => "tag_claim", "Tag the paragraph as a claim (by)";
    TagAdvice => "tag_advice", "Tag the paragraph as advice (from, to)";
    TagPosition => "tag_position", "Tag an actor's position (actor, stance, issue)";
    EditTag => "edit_tag", "Edit the selected annotation's tag";
    RepeatTag => "repeat_tag", "Tag the paragraph (or the selection) as the last tag was";
    EditNote => "edit_note", "Add or edit the selected annotation's note";
    DeleteAnnotation => "delete_annotation", "Delete the selected annotation (undoable)";
    Undo => "undo", "Undo the last change";
    Redo => "redo", "Redo what was undone";
    Select => "select", "Select words of the paragraph to tag (from its first word)";
    SelectNextWord => "select_next_word", "Selection: move its moving end one word forward";
    SelectPrevWord => "select_prev_word", "Selection: move its moving end one word back";
    SelectNextChar => "select_next_char", "Selection: move its moving end one character forward";
    SelectPrevChar => "select_prev_char", "Selection: move its moving end one character back";
    SelectSentenceForward => "select_sentence_forward", "Selection: to the end of the sentence (start of the next when the start moves)";
    SelectSentenceBack => "select_sentence_back", "Selection: to the start of the sentence (end of the previous when the end moves)";
    SelectParagraphStart => "select_paragraph_start", "Selection: moving end to the paragraph's first word";
    SelectParagraphEnd => "select_paragraph_end", "Selection: moving end to the paragraph's last word";
    SelectSwapEnds => "select_swap_ends", "Selection: make the other end the moving one";
    SelectCancel => "select_cancel", "Selection: drop it";
    NarrowToSelection => "narrow_to_selection", "Selection: narrow the selected annotation to it (undoable)";
    Search => "search", "Search forward";
    SearchNext => "search_next", "Next search match";
    SearchPrev => "search_prev", "Previous search match";
    ClearSearch => "clear_search", "Clear the search";
    TagAll => "tag_all", "Tag every search match: its paragraphs, or the matching words as quotes (preview first; one undo)";
    Help => "help", "Show or hide this help";
    Orphans => "orphans", "List orphaned annotations; Enter attaches one to the selected paragraph";
    Reopen => "reopen", "Reopen the document after it changed on disk (annotations are re-anchored)";
    WriteTo => "write_to", "Write the sidecar to another path (when saving fails)";
    Export => "export", "Export this document's annotations to a file beside it (choose a format)";
    Codebook => "codebook", "Codebook: actors and issues — aliases, renames, merges, definitions (undoable)";
    Metadata => "metadata", "The document's metadata (detected and stored); Enter corrects a value";
    Boilerplate => "boilerplate", "Mark or unmark the paragraph as boilerplate (dimmed, left out of agreement)";
    NextSuggestion => "next_suggestion", "Select the paragraph's next tag suggestion (from cue phrases)";
    AcceptSuggestion => "accept_suggestion", "Accept the selected suggestion: the tag form opens filled (Enter saves)";
    DismissSuggestion => "dismiss_suggestion", "Dismiss the selected suggestion for this paragraph (undoable)";
    Quit => "quit", "Quit (work is already saved)";
    Suspend => "suspend", "Suspend to the shell (saved first; fg resumes)";
    NextDisagreement => "next_disagreement", "Review: next paragraph where annotators disagree";
    PrevDisagreement => "prev_disagreement", "Review: previous paragraph where annotators disagree";
    Adopt => "adopt", "Review: adopt the selected annotation of another annotator (alongside yours)";
    ReplaceMine => "replace_mine", "Review: replace your annotation of the same kind with the selected one of another annotator";
    AdoptAgreed => "adopt_agreed", "Review: adopt every annotation all other annotators agree on";
    Agreement => "agreement", "Review: show agreement (observed, kappa, alpha)";
    NextDocument => "next_document", "Next document of the corpus list (in a document opened from it: open the next one)";
    PrevDocument => "prev_document", "Previous document of the corpus list (in a document opened from it: open the previous one)";
    FirstDocument => "first_document", "Corpus: first document of the list";
    LastDocument => "last_document", "Corpus: last document of the list";
    OpenDocument => "open_document", "Corpus: open the selected document (q there returns to the list)";
    Filter => "filter", "Corpus: filter by title and path as you type (fuzzy); Enter keeps it, Esc clears it";
    Sort => "sort", "Corpus: sort by date, title, path, then tag counts";
    ReverseSort => "reverse_sort", "Corpus: reverse the sort";
    FilterAnnotator => "filter_annotator", "Corpus: only documents an annotator tagged (each press: the next annotator, then all)";
    FilterUntagged => "filter_untagged", "Corpus: only documents you have not tagged yet (press again: all)";
    FilterStatus => "filter_status", "Corpus: only documents with a status (each press: todo, in progress, done, none set, all)";
    FilterActor => "filter_actor", "Corpus: only documents where an actor is tagged (name or alias; empty: all)";
    ClearFilters => "clear_filters", "Corpus: clear every filter";
    SearchCorpus => "search_corpus", "Corpus: search the text of every document (Enter on a result opens it there; n/N go on through the results)";
    SetStatus => "set_status", "Corpus: set the document's status (each press: todo, in progress, done, none), stored in the project file";
    Retrieval => "retrieval", "Corpus: every annotation of the archive in date order, filtered as gloss export filters, grouped by actor or issue";
    StanceMatrix => "stance_matrix", "Corpus: the stance matrix, actors × issues with support/oppose/neutral counts";
    Timeline => "timeline", "Corpus: an actor's or an issue's positions by document date";
}

impl Command {
    /// The motion a selection command makes, if it is one.
    pub fn motion(self) -> Option<crate::document::selection::Motion> {
        use crate::document::selection::Motion;
        Some(match self {
            Command::SelectNextWord => Motion::NextWord,
            Command::SelectPrevWord => Motion::PrevWord,
            Command::SelectNextChar => Motion::NextChar,
            Command::SelectPrevChar => Motion::PrevChar,
            Command::SelectSentenceForward => Motion::SentenceForward,
            Command::SelectSentenceBack => Motion::SentenceBack,
            Command::SelectParagraphStart => Motion::ParagraphStart,
            Command::SelectParagraphEnd => Motion::ParagraphEnd,
            Command::SelectSwapEnds => Motion::SwapEnds,
            _ => return None,
        })
    }

    /// Commands that only mean something in the corpus list (`gloss DIR`):
    /// the document's help leaves them out.
    pub fn is_corpus(self) -> bool {
        matches!(
            self,
            Command::FirstDocument
                | Command::LastDocument
                | Command::OpenDocument
                | Command::Filter
                | Command::Sort
                | Command::ReverseSort
                | Command::FilterAnnotator
                | Command::FilterUntagged
                | Command::FilterStatus
                | Command::FilterActor
                | Command::ClearFilters
                | Command::SetStatus
                | Command::SearchCorpus
                | Command::Retrieval
                | Command::StanceMatrix
                | Command::Timeline
        )
    }

    /// Commands that only mean something in `gloss review` (the help overlay
    /// lists them only there).
    pub fn is_review(self) -> bool {
        matches!(
            self,
            Command::NextDisagreement
                | Command::PrevDisagreement
                | Command::Adopt
                | Command::ReplaceMine
                | Command::AdoptAgreed
                | Command::Agreement
        )
    }
}

/// A keymap named a command that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("No command named '{0}'")]
pub struct UnknownCommand(pub String);

impl FromStr for Command {
    type Err = UnknownCommand;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Command::ALL
            .iter()
            .copied()
            .find(|c| c.name() == s)
            .ok_or_else(|| UnknownCommand(s.to_string()))
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut names = std::collections::HashSet::new();
        for c in Command::ALL {
            assert_eq!(c.name().parse::<Command>(), Ok(*c));
            assert!(names.insert(c.name()), "duplicate {}", c.name());
            assert!(!c.doc().is_empty());
        }
        assert_eq!(
            "fly".parse::<Command>().unwrap_err().to_string(),
            "No command named 'fly'"
        );
    }
}
