//! Work that runs beside the event loop: indexing a large document, searching
//! it, and its SHA-256. The app polls before each frame ([`App::prepare_frame`])
//! and never waits for any of it, so keys are handled while it runs.

use crate::command::Command;
use crate::document::scan::{ScanEvent, SearchJob};
use crate::document::{DiskChange, Document, search};
use crate::sidecar::SourceInfo;

use super::{App, Effect, Mode, Search, place_annotations};

/// Below this many bytes of text a search runs at once (small documents).
const SEARCH_INLINE_BYTES: usize = 1 << 20;

/// State of the background work, polled each frame.
#[derive(Debug, Default)]
pub(crate) struct Background {
    search: Option<SearchJob>,
    /// The document was still indexing when the session began: annotations
    /// are placed (re-anchored) once the index is complete.
    placement_pending: bool,
    /// `G` was pressed while indexing: go to the real end once it is known.
    /// Any move the user makes cancels it; the layout keeping the selection
    /// on screen (the text re-wraps as the gutter widens) does not.
    pub(super) end_pending: bool,
    /// The bad-file error has been acted on.
    failure_seen: bool,
    /// A reopened document was still indexing: select this paragraph when
    /// the index is complete, unless the user moves first (as `end_pending`).
    pub(super) select_pending: Option<usize>,
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
            if let Some(wanted) = self.bg.select_pending.take() {
                self.select(wanted);
            }
            if std::mem::take(&mut self.bg.end_pending) {
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
            extractor: crate::sidecar::extractor_of(&self.doc),
        };
        if !self.undo.is_empty() || !self.redo.is_empty() {
            self.effects.push(Effect::Save);
        }
    }

    /// Take in what the event loop found when it looked at the document's
    /// file: a change (or its disappearance) is told once, and stays marked in
    /// the status line until the document is reopened.
    pub fn note_disk_change(&mut self, change: Option<DiskChange>) {
        if change == self.disk_change {
            return;
        }
        let name = self.doc.file_name();
        let reopen = self.keymap.label(Command::Reopen);
        match &change {
            Some(DiskChange::Changed) => self.warn(format!(
                "{name} changed on disk — {reopen} reopens it (annotations are re-anchored)"
            )),
            Some(DiskChange::Gone(why)) => self.warn(format!(
                "{name} is gone from disk ({why}): the text read stays shown"
            )),
            None => {}
        }
        self.disk_change = change;
    }

    /// Show `doc`, the document read again from disk, instead of the text read
    /// before: every annotation is placed again (re-anchored) in the new text,
    /// as when a session opens; undo starts afresh (its steps hold anchors in
    /// the old text). The selection keeps its paragraph number where it can.
    pub fn replace_document(&mut self, doc: Document) {
        if !matches!(self.mode, Mode::Normal) {
            self.mode = Mode::Normal;
        }
        self.bg = Default::default();
        self.search = None;
        self.disk_change = None;
        self.undo.clear();
        self.redo.clear();
        self.doc = doc;
        let name = self.doc.file_name();
        if let Some(review) = self.review.take() {
            // Others' layers are placed in the whole text, as `gloss review` does.
            self.doc.wait_complete();
            let others = review
                .others
                .into_iter()
                .map(|l| crate::corpus::Layer::new(&self.doc, l.annotator, l.path, l.sidecar))
                .collect();
            self.start_review(others, review.compare_own);
        }
        let placed = if self.doc.is_complete() {
            let (orphans, status) = place_annotations(&self.doc, &mut self.sidecar);
            self.orphans = orphans;
            status
        } else {
            self.orphans.clear();
            self.defer_placement();
            None
        };
        self.reindex();
        let wanted = self.selected;
        self.select(wanted);
        if self.selected != wanted {
            self.bg.select_pending = Some(wanted);
        }
        match placed {
            Some(m) => self.status = Some(m),
            None if self.bg.placement_pending => self.say(format!(
                "Reopened {name}: annotations are placed once it is indexed"
            )),
            None => self.say(format!("Reopened {name}: every annotation is in place")),
        }
        self.refresh_source();
    }

    /// Go to the last paragraph; while indexing, to the last one known now and
    /// to the real end as soon as the index is complete.
    pub(crate) fn select_last(&mut self) {
        // Asked before the length: an index completing in between still ends
        // at the real end (on the next frame).
        let complete = self.doc.is_complete();
        self.select(self.doc.len().saturating_sub(1));
        if !complete {
            self.bg.end_pending = true;
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
        large_of(dir, LARGE_DOCUMENT_BYTES + (1 << 20))
    }

    /// A document of about `bytes`, indexed in the background past the first 4 MiB.
    fn large_of(dir: &Path, bytes: u64) -> std::path::PathBuf {
        let mut text = String::new();
        let mut i = 0;
        while (text.len() as u64) < bytes {
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

    /// Regression (issue 9, item 10): `G` while indexing remembered the
    /// paragraph it selected and gave up when the selection differed at the
    /// end; the layout moves the selection whenever the text re-wraps (the
    /// gutter widens as the paragraph count gains a digit), so the status
    /// said "G goes on to the last paragraph" forever.
    #[test]
    fn g_while_indexing_reaches_the_end_when_the_layout_moves_the_selection() {
        let dir = tempfile::tempdir().unwrap();
        let path = large_of(dir.path(), 24 << 20);
        // The index may complete before `G` on a very fast run: try again then.
        for _ in 0..5 {
            let doc = Document::open_progressive(&path).unwrap();
            let sidecar = Sidecar::new(&doc, "kim");
            let mut app = App::new(doc, sidecar, Keymap::default_keymap());
            app.prepare_frame(AREA);
            app.run(Command::LastParagraph);
            if !app.status.as_ref().unwrap().text.contains("Indexing") {
                continue;
            }
            app.prepare_frame(AREA);
            let at = app.selected;
            // The gutter widens: each paragraph takes two rows, the selected
            // one leaves the screen and the layout selects one still shown.
            app.layout.marks_width = 10;
            app.prepare_frame(AREA);
            assert_ne!(app.selected, at, "the layout moved the selection");
            frames_until(&mut app, |a| a.doc.is_complete());
            app.prepare_frame(AREA);
            assert_eq!(app.selected, app.doc.len() - 1);
            let status = &app.status.as_ref().unwrap().text;
            assert!(status.starts_with("Last paragraph"), "{status}");
            return;
        }
        panic!("the document was indexed before G every time");
    }

    #[test]
    fn g_while_indexing_is_cancelled_by_a_move() {
        let dir = tempfile::tempdir().unwrap();
        let path = large_of(dir.path(), 24 << 20);
        for _ in 0..5 {
            let doc = Document::open_progressive(&path).unwrap();
            let sidecar = Sidecar::new(&doc, "kim");
            let mut app = App::new(doc, sidecar, Keymap::default_keymap());
            app.prepare_frame(AREA);
            app.run(Command::LastParagraph);
            if !app.status.as_ref().unwrap().text.contains("Indexing") {
                continue;
            }
            app.run(Command::FirstParagraph);
            frames_until(&mut app, |a| a.doc.is_complete());
            app.prepare_frame(AREA);
            assert_eq!(app.selected, 0);
            return;
        }
        panic!("the document was indexed before G every time");
    }

    /// Issue #9, item 6: a document changed on disk while open is told, and
    /// reopening it (`R`) places the annotations in the new text.
    #[test]
    fn a_document_changed_on_disk_is_told_and_reopened_with_annotations_re_anchored() {
        use crate::app::Effect;
        use crate::document::DiskChange;
        use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memo.txt");
        std::fs::write(&path, "One.\n\nTwo.\n\nThree, said Nam Il.\n").unwrap();
        let doc = Document::open_progressive(&path).unwrap();
        let mut sidecar = Sidecar::new(&doc, "kim");
        sidecar.annotations.push(Annotation::new(
            Tag::Claim {
                by: "Nam Il".into(),
            },
            Anchor::whole(&doc, 2),
        ));
        let mut app = App::new(doc, sidecar, Keymap::default_keymap());
        app.note_disk_change(app.doc.disk_change());
        assert_eq!(app.disk_change, None);

        std::fs::write(&path, "Zero.\n\nOne.\n\nTwo.\n\nThree, said Nam Il.\n").unwrap();
        app.note_disk_change(app.doc.disk_change());
        assert_eq!(app.disk_change, Some(DiskChange::Changed));
        assert_eq!(
            app.status.as_ref().unwrap().text,
            "memo.txt changed on disk — R reopens it (annotations are re-anchored)"
        );
        // The text shown is still the one read.
        assert_eq!(app.doc.paragraph_text(0), "One.");

        app.handle_key(KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT));
        assert_eq!(app.take_effects(), vec![Effect::Reopen]);
        app.replace_document(Document::open_progressive(&path).unwrap());
        assert_eq!(app.disk_change, None);
        assert_eq!(app.doc.paragraph_text(0), "Zero.");
        assert!(app.annotations_on(2).is_empty());
        assert_eq!(app.annotations_on(3).len(), 1);
        assert_eq!(app.sidecar.annotations[0].anchor.paragraph, 4);
        assert!(
            app.status
                .as_ref()
                .unwrap()
                .text
                .contains("1 moved, 0 re-anchored by quote, 0 orphaned"),
            "{:?}",
            app.status
        );
        // Removed from disk: told, the text stays.
        std::fs::remove_file(&path).unwrap();
        app.note_disk_change(app.doc.disk_change());
        assert!(matches!(app.disk_change, Some(DiskChange::Gone(_))));
        assert!(
            app.status
                .as_ref()
                .unwrap()
                .text
                .contains("is gone from disk")
        );
        assert_eq!(app.doc.paragraph_text(0), "Zero.");
    }

    /// Reopening in `gloss review` places the other annotators' layers in
    /// the new text too.
    #[test]
    fn reopening_a_review_places_the_other_layers_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memo.txt");
        std::fs::write(&path, "One.\n\nTwo, said Nam Il.\n").unwrap();
        let doc = Document::open_progressive(&path).unwrap();
        let mut lee = Sidecar::new(&doc, "lee");
        lee.annotations.push(Annotation::new(
            Tag::Claim {
                by: "Nam Il".into(),
            },
            Anchor::whole(&doc, 1),
        ));
        let layer = crate::corpus::Layer::new(
            &doc,
            "lee".into(),
            dir.path().join("memo.txt.lee.gloss.ron"),
            lee,
        );
        let sidecar = Sidecar::new(&doc, "kim");
        let mut app = App::new(doc, sidecar, Keymap::default_keymap());
        app.start_review(vec![layer], false);
        assert_eq!(app.entries_on(1).len(), 1);
        std::fs::write(&path, "Zero.\n\nOne.\n\nTwo, said Nam Il.\n").unwrap();
        app.replace_document(Document::open_progressive(&path).unwrap());
        assert!(app.reviewing());
        assert!(app.entries_on(1).is_empty());
        let moved = app.entries_on(2);
        assert_eq!(moved.len(), 1);
        assert_eq!(moved[0].owner, Some(0));
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
