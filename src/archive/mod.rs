//! The archive: every document below a folder, with its sidecars, listed,
//! counted, searched and queried together. Library code for the corpus view
//! (`gloss DIR`) and for `export`, `agree` and `check`; it never touches the
//! terminal.

pub mod index;
pub mod retrieval;
pub mod search;
pub mod state;
pub mod tag_all;

use std::path::PathBuf;

/// A place in the archive to open in the annotate view: a document at a
/// paragraph, with the words to highlight there (a search hit). Every corpus
/// screen (list, search results, retrieval, matrix, timeline) hands one of
/// these to the screen that opens documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    /// The document's path.
    pub document: PathBuf,
    /// 0-based paragraph to select.
    pub paragraph: usize,
    /// A search query (smart case, as `/` in a document) to highlight and to
    /// continue with `n`/`N`, if the opening came from a search.
    pub highlight: Option<String>,
}

pub mod cache;
pub mod parallel;
mod snapshot;
