//! Work that runs beside the event loop: indexing a large document, searching
//! it, and its SHA-256. The app polls before each frame ([`App::prepare_frame`])
//! and never waits for any of it, so keys are handled while it runs.

use crate::document::scan::{ScanEvent, SearchJob};
use crate::document::search;
use crate::sidecar::SourceInfo;

use super::{App, Effect, Search, place_annotations};

/// Below this many bytes of text a search runs at once (small documents).
const SEARCH_INLINE_BYTES: usize = 1 << 20;

/// State of the background work, polled each frame.
#[derive(Debug, Default)]
pub(crate) struct Background {
    search: Option<SearchJob>,
    /// The document was still indexing when the session began: annotations
    /// are placed (re-anchored) once the index is complete.
    placement_pending: bool,
    /// `G` was pressed while indexing, at this paragraph: go to the real end.
    end_pending: Option<usize>,
    /// The bad-file error has been acted on.
    failure_seen: bool,
}

impl App {
    /// Called by `App::new`: defer placing annotations until the index is complete.
    pub(crate) fn defer_placement(&mut self) {
        self.bg.placement_pending = !self.doc.is_complete() && !self.sidecar.annotations.is_empty();
    }

    /// Is something still running that the screen should follow closely?
    pub fn busy(&self) -> bool {
        !self.doc.is_complete()
            || self.bg.search.is_some()
            || self
                .doc
                .sha256_if_ready()
                .is_none_or(|sha| sha != self.sidecar.source.sha256)
    }

    /// Take in what the background work produced since the last frame.
    pub fn poll_background(&mut self) {
        if let Some(e) = self.doc.load_error()
            && !self.bg.failure_seen
        {
            self.bg.failure_seen = true;
            self.bg.search = None;
            self.warn(e.to_string());
            self.effects.push(Effect::Quit);
            return;
        }
        if self.doc.is_complete() {
            if std::mem::take(&mut self.bg.placement_pending) {
                let (orphans, status) = place_annotations(&self.doc, &mut self.sidecar);
                self.orphans = orphans;
                if status.is_some() {
                    self.status = status;
                }
                self.reindex();
            }
            if let Some(at) = self.bg.end_pending.take()
                && self.selected == at
            {
                self.select(self.doc.len().saturating_sub(1));
                self.say(format!("Last paragraph: ¶{}", self.doc.len()));
            }
        }
        self.refresh_source();
        self.poll_search();
    }

    /// Record the document's name, size and (once known) SHA-256 in the
    /// sidecar. A session that already saved with an older hash saves again.
    pub fn refresh_source(&mut self) {
        let Some(sha) = self.doc.sha256_soon() else {
            return;
        };
        if self.sidecar.source.sha256 == sha {
            return;
        }
        self.sidecar.source = SourceInfo {
            name: self.doc.file_name(),
            size: self.doc.size(),
            sha256: sha.to_string(),
        };
        if !self.undo.is_empty() || !self.redo.is_empty() {
            self.effects.push(Effect::Save);
        }
    }

    /// Go to the last paragraph; while indexing, to the last one known now and
    /// to the real end as soon as the index is complete.
    pub(crate) fn select_last(&mut self) {
        self.select(self.doc.len().saturating_sub(1));
        if !self.doc.is_complete() {
            self.bg.end_pending = Some(self.selected);
            self.say(format!(
                "Indexing… {:.0}% — G goes on to the last paragraph when done",
                self.doc.progress() * 100.0
            ));
        }
    }

    /// Find every paragraph containing `query` and jump to the first at or after
    /// the selection (wrapping). A large document is searched on a background
    /// thread: the first hit is shown as soon as it is found.
    pub fn start_search(&mut self, query: String) {
        self.bg.search = None;
        if query.is_empty() {
            self.search = None;
            return;
        }
        if self.doc.is_complete() && self.doc.text().len() < SEARCH_INLINE_BYTES {
            let matches: Vec<usize> = (0..self.doc.len())
                .filter(|&i| search::contains(self.doc.paragraph_text(i), &query))
                .collect();
            self.search = Some(Search {
                query,
                matches,
                current: 0,
                complete: true,
                wrapped: false,
            });
            self.take_hits(true);
            return;
        }
        self.bg.search = Some(SearchJob::start(&self.doc, &query, self.selected));
        self.search = Some(Search {
            query: query.clone(),
            matches: Vec::new(),
            current: 0,
            complete: false,
            wrapped: false,
        });
        self.say(format!("Searching for '{query}'…"));
    }

    fn poll_search(&mut self) {
        let Some(job) = self.bg.search.as_mut() else {
            return;
        };
        // Cleared or replaced while running: stop it.
        if self.search.as_ref().is_none_or(|s| s.query != job.query()) {
            self.bg.search = None;
            return;
        }
        let events = job.poll();
        if events.is_empty() {
            return;
        }
        let Some(s) = self.search.as_mut() else {
            return;
        };
        let first = s.matches.is_empty();
        let current = s.matches.get(s.current).copied();
        let mut finished = false;
        for e in events {
            match e {
                ScanEvent::Hits(hits) => merge_sorted(&mut s.matches, hits),
                ScanEvent::Finished => finished = true,
            }
        }
        if let Some(c) = current {
            s.current = s.matches.partition_point(|&p| p < c);
        }
        if finished {
            s.complete = true;
            self.bg.search = None;
        }
        if first || finished {
            self.take_hits(first);
        } else if self
            .status
            .as_ref()
            .is_some_and(|m| m.text.starts_with('/'))
        {
            self.announce_match();
        }
    }

    /// Hits arrived (or the search ended): jump to the first one when `jump`,
    /// report none found when the search is over without any.
    fn take_hits(&mut self, jump: bool) {
        let Some(s) = self.search.as_mut() else {
            return;
        };
        if s.matches.is_empty() {
            if s.complete {
                let query = s.query.clone();
                self.search = None;
                self.warn(format!("No match for '{query}'"));
            }
            return;
        }
        if jump {
            let from = s.matches.iter().position(|&p| p >= self.selected);
            s.current = from.unwrap_or(0);
            s.wrapped = from.is_none();
            let target = s.matches[s.current];
            self.select(target);
        }
        self.announce_match();
    }
}

/// Insert ascending `hits` into ascending `matches`.
fn merge_sorted(matches: &mut Vec<usize>, hits: Vec<usize>) {
    match (matches.last(), hits.first()) {
        (_, None) => {}
        (Some(&last), Some(&first)) if first <= last => {
            let at = matches.partition_point(|&p| p < first);
            matches.splice(at..at, hits);
            if !matches.is_sorted() {
                matches.sort_unstable();
                matches.dedup();
            }
        }
        _ => matches.extend(hits),
    }
}

#[cfg(test)]
mod tests {
    use super::merge_sorted;

    #[test]
    fn hits_merge_in_order() {
        let mut m = vec![5, 6, 9];
        merge_sorted(&mut m, vec![10, 11]);
        merge_sorted(&mut m, vec![0, 2]);
        merge_sorted(&mut m, vec![3]);
        assert_eq!(m, vec![0, 2, 3, 5, 6, 9, 10, 11]);
    }
}

#[cfg(test)]
mod session_tests {
    use std::path::Path;
    use std::time::{Duration, Instant};

    use ratatui::layout::Rect;

    use crate::annotation::{Annotation, Tag};
    use crate::app::App;
    use crate::command::Command;
    use crate::document::anchor::Anchor;
    use crate::document::{Document, LARGE_DOCUMENT_BYTES};
    use crate::keymap::Keymap;
    use crate::sidecar::Sidecar;

    const AREA: Rect = Rect::new(0, 0, 100, 30);

    /// A document large enough to be indexed in the background.
    fn large(dir: &Path) -> std::path::PathBuf {
        let mut text = String::new();
        let mut i = 0;
        while (text.len() as u64) < LARGE_DOCUMENT_BYTES + (1 << 20) {
            i += 1;
            text.push_str(&format!("Paragraph {i} of the hearing, as recorded.\n\n"));
        }
        text.push_str("The closing remark of Nam Il.\n");
        let path = dir.join("large.txt");
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Draw frames (without a terminal) until `done` or a timeout.
    fn frames_until(app: &mut App, done: impl Fn(&App) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !done(app) {
            assert!(Instant::now() < deadline, "timed out");
            app.prepare_frame(AREA);
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    #[test]
    fn large_document_end_search_and_placement_follow_the_index() {
        let dir = tempfile::tempdir().unwrap();
        let path = large(dir.path());
        // A sidecar with a tag on the last paragraph, written from a complete read.
        let full = Document::open(&path).unwrap();
        let last = full.len() - 1;
        let mut sidecar = Sidecar::new(&full, "kim");
        sidecar.annotations.push(Annotation::new(
            Tag::Claim {
                by: "Nam Il".into(),
            },
            Anchor::whole(&full, last),
        ));
        let doc = Document::open_progressive(&path).unwrap();
        let mut app = App::new(doc, sidecar, Keymap::default_keymap());
        app.run(Command::LastParagraph);
        frames_until(&mut app, |a| a.doc.is_complete() && a.selected == last);
        frames_until(&mut app, |a| !a.annotations_on(last).is_empty());
        assert!(app.orphans.is_empty());
        assert_eq!(
            app.doc.paragraph_text(app.selected),
            "The closing remark of Nam Il."
        );

        // Search from the top: the hit at the very end is found in the background.
        app.run(Command::FirstParagraph);
        app.start_search("closing remark".into());
        frames_until(&mut app, |a| a.search.as_ref().is_some_and(|s| s.complete));
        assert_eq!(app.search.as_ref().unwrap().matches, vec![last]);
        assert_eq!(app.selected, last);
        // The sidecar learns the document's SHA-256 without anyone waiting for it.
        frames_until(&mut app, |a| !a.busy());
        assert_eq!(app.sidecar.source.sha256, full.sha256());
    }

    #[test]
    fn a_search_with_no_hit_says_so_when_done() {
        let dir = tempfile::tempdir().unwrap();
        let doc = Document::open_progressive(&large(dir.path())).unwrap();
        let sidecar = Sidecar::new(&doc, "kim");
        let mut app = App::new(doc, sidecar, Keymap::default_keymap());
        app.start_search("no such words".into());
        app.run(Command::SearchNext);
        assert!(app.status.as_ref().unwrap().text.contains("no match yet"));
        frames_until(&mut app, |a| a.search.is_none());
        assert!(app.status.as_ref().unwrap().text.contains("No match"));
    }
}
