//! The names and tag suggestions of the selected paragraph, worked out
//! beside the event loop and cached per paragraph, so a frame never waits
//! for detection: until a paragraph's result arrives it is drawn without.
//!
//! Each paragraph is detected with the paragraphs before it (up to
//! [`CONTEXT_PARAGRAPHS`]), so a surname links to the full name met earlier
//! ("Pak" after "Pak Chang-ok"), and "I"/"me" resolve to the author.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use crate::annotation::ActorResolver;
use crate::assist::{CueRules, Detector, Mention, Suggestion, author};
use crate::document::paragraph_hash;
use crate::sidecar::Dismissal;

use super::{App, Mode};

/// Earlier paragraphs detected with a paragraph (names met before it).
pub const CONTEXT_PARAGRAPHS: usize = 40;
/// Longest text (bytes) of one paragraph handed to detection: a giant
/// "paragraph" (a file without blank lines) is cut, never detected whole.
const MAX_PARAGRAPH_BYTES: usize = 64 * 1024;

/// What the text says about one paragraph.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParagraphAssist {
    /// Names detected in the paragraph (code points in its text).
    pub mentions: Vec<Mention>,
    /// Tags its cue phrases suggest, dismissed ones included.
    pub suggestions: Vec<Suggestion>,
}

/// A paragraph to work out.
struct Job {
    /// Which registry and rules it is for (results of older ones are dropped).
    generation: u64,
    paragraph: usize,
    /// The earlier paragraphs, then the paragraph itself.
    context: Vec<String>,
    /// The document (a shared handle), for its metadata author unless the
    /// project stores one.
    document: crate::document::Document,
    stored_author: Option<String>,
    /// A new registry, when it changed since the last job.
    resolver: Option<ActorResolver>,
}

/// The worker thread and the results it sent.
#[derive(Default)]
pub(crate) struct Assist {
    jobs: Option<Sender<Job>>,
    results: Option<Receiver<(u64, usize, ParagraphAssist)>>,
    cache: HashMap<usize, Arc<ParagraphAssist>>,
    /// What was worked out before the registry or annotations changed:
    /// drawn until the new result arrives, so nothing flickers.
    stale: HashMap<usize, Arc<ParagraphAssist>>,
    pending: HashSet<usize>,
    generation: u64,
    /// The registry the worker has (a hash of every spelling).
    names_key: Option<u64>,
    rules: Option<Arc<CueRules>>,
    /// Paragraphs the worker has worked out (detection and suggestions):
    /// what shows that frames take them from the cache.
    computed: Arc<AtomicUsize>,
}

impl std::fmt::Debug for Assist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Assist")
            .field("cached", &self.cache.len())
            .field("pending", &self.pending)
            .finish()
    }
}

fn names_key(resolver: &ActorResolver) -> u64 {
    let mut h = DefaultHasher::new();
    for (main, spelling) in resolver.spellings() {
        (main, spelling).hash(&mut h);
    }
    h.finish()
}

/// The worker: one detector, rebuilt when the registry changes.
fn work(
    rules: Arc<CueRules>,
    jobs: Receiver<Job>,
    results: Sender<(u64, usize, ParagraphAssist)>,
    computed: Arc<AtomicUsize>,
) {
    let mut resolver = ActorResolver::default();
    let mut detector = Detector::new(&resolver);
    // The author the document's metadata names (detected once per document).
    let mut detected_author: Option<(std::path::PathBuf, Option<String>)> = None;
    while let Ok(mut job) = jobs.recv() {
        // Only the latest job for the latest registry matters.
        while let Ok(newer) = jobs.try_recv() {
            if job.resolver.is_some() && newer.resolver.is_none() {
                // Keep the registry change of a skipped job.
                let resolver = job.resolver.take();
                job = Job { resolver, ..newer };
            } else {
                job = newer;
            }
        }
        if let Some(new) = job.resolver.take() {
            detector = Detector::new(&new);
            resolver = new;
        }
        let author = match job.stored_author.clone() {
            Some(a) => Some(a),
            None => match &detected_author {
                Some((path, author)) if path == job.document.path() => author.clone(),
                _ => {
                    let author = author::metadata_author(&job.document, None);
                    detected_author = Some((job.document.path().to_path_buf(), author.clone()));
                    author
                }
            },
        };
        // "I" is the author's actor, decided as `gloss actors` decides it.
        let actor = author
            .as_deref()
            .and_then(|a| author::author_actor(a, &resolver));
        let refs: Vec<&str> = job.context.iter().map(String::as_str).collect();
        let last = refs.len().saturating_sub(1);
        let mut detected = detector.detect(&refs, actor.as_deref());
        if let (Some(author), Some(actor)) = (&author, &actor) {
            author::link_author(&mut detected.mentions, author, actor);
        }
        // Numbered as in the document (context index `last` is `job.paragraph`).
        let (mentions, before): (Vec<Mention>, Vec<Mention>) = detected
            .mentions
            .into_iter()
            .filter(|m| m.paragraph + 1 >= last)
            .map(|m| Mention {
                paragraph: (job.paragraph + m.paragraph).saturating_sub(last),
                ..m
            })
            .partition(|m| m.paragraph == job.paragraph);
        let suggestions =
            rules.suggest_after(refs.get(last).copied().unwrap_or(""), &mentions, &before);
        let result = ParagraphAssist {
            mentions,
            suggestions,
        };
        computed.fetch_add(1, Ordering::Relaxed);
        if results
            .send((job.generation, job.paragraph, result))
            .is_err()
        {
            return;
        }
    }
}

/// A paragraph's text as detection sees it (cut when giant, on a char boundary).
fn bounded(text: &str) -> String {
    if text.len() <= MAX_PARAGRAPH_BYTES {
        return text.to_string();
    }
    let mut end = MAX_PARAGRAPH_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
}

impl App {
    /// Use `rules` for suggestions (the built-in ones until this is called).
    pub fn set_cue_rules(&mut self, rules: CueRules) {
        self.assist = Assist {
            rules: Some(Arc::new(rules)),
            ..Assist::default()
        };
    }

    /// How many paragraphs have been worked out for names and suggestions
    /// since the document was opened (each once until something changes).
    pub fn assist_computations(&self) -> usize {
        self.assist.computed.load(Ordering::Relaxed)
    }

    /// What is known of paragraph `index`: `None` until worked out.
    pub fn assist_of(&self, index: usize) -> Option<&ParagraphAssist> {
        self.assist
            .cache
            .get(&index)
            .or_else(|| self.assist.stale.get(&index))
            .map(|a| a.as_ref())
    }

    /// The selected paragraph's suggestions, in text order: neither
    /// dismissed nor already an annotation of the paragraph.
    pub fn suggestions(&self) -> Vec<&Suggestion> {
        let Some(found) = self.assist_of(self.selected) else {
            return Vec::new();
        };
        let hash = paragraph_hash(self.doc.paragraph_text(self.selected));
        let tagged = self.annotations_on(self.selected);
        found
            .suggestions
            .iter()
            .filter(|s| {
                let tag = s.tag();
                !self
                    .sidecar
                    .dismissed
                    .iter()
                    .any(|d| d.hash == hash && d.tag == tag)
                    && !tagged.iter().any(|a| a.tag == tag)
            })
            .collect()
    }

    /// The record that dismisses `suggestion` on the selected paragraph.
    pub(super) fn dismissal_of(&self, suggestion: &Suggestion) -> Dismissal {
        Dismissal {
            paragraph: self.selected + 1,
            hash: paragraph_hash(self.doc.paragraph_text(self.selected)),
            rule: suggestion.rule.clone(),
            tag: suggestion.tag(),
        }
    }

    /// The selected suggestion of the selected paragraph.
    pub fn selected_suggestion(&self) -> Option<&Suggestion> {
        self.suggestions().get(self.selected_suggestion).copied()
    }

    /// Forget what was worked out (the registry or annotations changed).
    pub(super) fn invalidate_assist(&mut self) {
        let cache = std::mem::take(&mut self.assist.cache);
        self.assist.stale.extend(cache);
        self.assist.pending.clear();
        self.assist.generation += 1;
    }

    /// Take in results, and ask for the selected paragraph's when unknown.
    pub(super) fn poll_assist(&mut self) {
        let mut form_names_arrived = false;
        if let Some(results) = &self.assist.results {
            while let Ok((generation, paragraph, result)) = results.try_recv() {
                if generation == self.assist.generation {
                    self.assist.pending.remove(&paragraph);
                    self.assist.stale.remove(&paragraph);
                    self.assist.cache.insert(paragraph, Arc::new(result));
                    form_names_arrived |=
                        matches!(&self.mode, Mode::Form(f) if f.paragraph == paragraph);
                }
            }
        }
        if form_names_arrived {
            self.refresh_form_names();
        }
        if self.doc.is_empty() || !self.doc.is_complete() {
            return;
        }
        let index = self.selected.min(self.doc.len() - 1);
        if self.assist.cache.contains_key(&index) || self.assist.pending.contains(&index) {
            return;
        }
        self.request_assist(index);
    }

    fn request_assist(&mut self, index: usize) {
        let resolver = self.actor_names();
        let key = names_key(&resolver);
        let changed = self.assist.names_key != Some(key);
        if changed && self.assist.names_key.is_some() {
            // Results for the old registry no longer hold.
            self.invalidate_assist();
        }
        if self.assist.jobs.is_none() {
            let rules = self
                .assist
                .rules
                .get_or_insert_with(|| Arc::new(CueRules::builtin()))
                .clone();
            let (jobs_tx, jobs_rx) = channel();
            let (results_tx, results_rx) = channel();
            let computed = self.assist.computed.clone();
            let spawned = std::thread::Builder::new()
                .name("gloss-assist".into())
                .spawn(move || work(rules, jobs_rx, results_tx, computed));
            if spawned.is_err() {
                // No thread, no suggestions: the rest works as before.
                return;
            }
            self.assist.jobs = Some(jobs_tx);
            self.assist.results = Some(results_rx);
        }
        let from = index.saturating_sub(CONTEXT_PARAGRAPHS);
        let context = (from..=index)
            .map(|i| bounded(self.doc.paragraph_text(i)))
            .collect();
        let stored_author = self.project.as_ref().and_then(|p| p.stored_meta().author);
        let job = Job {
            generation: self.assist.generation,
            paragraph: index,
            context,
            document: self.doc.clone(),
            stored_author,
            resolver: changed.then_some(resolver),
        };
        let sent = self
            .assist
            .jobs
            .as_ref()
            .is_some_and(|j| j.send(job).is_ok());
        if sent {
            self.assist.names_key = Some(key);
            self.assist.pending.insert(index);
        }
    }

    /// Wait (up to `limit`) until the selected paragraph is worked out:
    /// for tests and scripts that draw one frame and must see the result.
    pub fn settle_assist(&mut self, limit: Duration) {
        let until = Instant::now() + limit;
        self.poll_assist();
        while !self.assist.cache.contains_key(&self.selected)
            && !self.assist.pending.is_empty()
            && Instant::now() < until
        {
            std::thread::sleep(Duration::from_millis(1));
            self.poll_assist();
        }
    }
}

impl App {
    /// `next_suggestion`: the next suggestion of the paragraph (wrapping).
    pub(super) fn step_suggestion(&mut self) {
        let n = self.suggestions().len();
        if n == 0 {
            self.warn(self.no_suggestion());
            return;
        }
        self.selected_suggestion = (self.selected_suggestion + 1) % n;
        self.explain_suggestion();
    }

    fn no_suggestion(&self) -> String {
        if self.assist.cache.contains_key(&self.selected)
            || self.assist.stale.contains_key(&self.selected)
        {
            "No tag suggestion on this paragraph".to_string()
        } else {
            "Still reading this paragraph for suggestions".to_string()
        }
    }

    /// Say in the status line which rule made the selected suggestion.
    fn explain_suggestion(&mut self) {
        let n = self.suggestions().len();
        if let Some(s) = self.selected_suggestion() {
            let text = format!(
                "Suggestion {}/{n}: {} — {}",
                self.selected_suggestion + 1,
                s.summary(),
                s.explain(self.doc.paragraph_text(self.selected))
            );
            self.flash(text);
        }
    }

    /// `accept_suggestion`: the tag form opens filled with the selected
    /// suggestion; what the text did not say is left to type, Enter saves.
    pub(super) fn accept_suggestion(&mut self) {
        if !self.writable() {
            return;
        }
        self.selected_suggestion = self
            .selected_suggestion
            .min(self.suggestions().len().saturating_sub(1));
        let Some(s) = self.selected_suggestion().cloned() else {
            self.warn(self.no_suggestion());
            return;
        };
        let mut form = super::TagForm::new(s.kind, self.selected);
        let values: Vec<String> = match s.tag() {
            crate::annotation::Tag::Claim { by } => vec![by],
            crate::annotation::Tag::Advice { from, to } => vec![from, to],
            crate::annotation::Tag::Position {
                actor,
                stance,
                issue,
            } => vec![actor, stance.as_str().to_string(), issue],
        };
        for (field, value) in form.fields.iter_mut().zip(&values) {
            field.input.set(value);
        }
        // The first field the text left empty takes the typing.
        form.focus = values.iter().position(String::is_empty).unwrap_or(0);
        self.prefer_likely_names(&mut form);
        form.proposals =
            crate::project::codebook::variant_pairs(self.doc.paragraph_text(self.selected));
        self.mode = super::Mode::Form(form);
        self.layout.follow = true;
        let why = s.explain(self.doc.paragraph_text(self.selected));
        self.flash(format!("Suggested by {why} — Enter saves, Esc cancels"));
    }

    /// `dismiss_suggestion`: not suggested on this paragraph again (kept in
    /// the sidecar's `dismissed` list, never as an annotation); undoable.
    pub(super) fn dismiss_suggestion(&mut self) {
        if !self.writable() {
            return;
        }
        self.selected_suggestion = self
            .selected_suggestion
            .min(self.suggestions().len().saturating_sub(1));
        let Some(s) = self.selected_suggestion().cloned() else {
            self.warn(self.no_suggestion());
            return;
        };
        let d = self.dismissal_of(&s);
        if !self.sidecar.dismissed.contains(&d) {
            self.sidecar.dismissed.push(d.clone());
        }
        self.undo.push(super::Step {
            edits: Vec::new(),
            learned: Default::default(),
            codebook: None,
            dismissal: Some(d),
        });
        self.redo.clear();
        self.save_state = super::SaveState::Pending;
        self.effects.push(super::Effect::Save);
        let left = self.suggestions().len();
        self.selected_suggestion = self.selected_suggestion.min(left.saturating_sub(1));
        self.say(format!(
            "Dismissed the suggestion {} on ¶{} — undo with {}",
            s.summary(),
            self.selected + 1,
            self.keymap.label(crate::command::Command::Undo)
        ));
    }

    /// Actors detected in paragraph `index`, in the order the text names
    /// them (the author for "I"), each once: offered first in the tag form.
    pub fn detected_actors(&self, index: usize) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        if let Some(found) = self.assist_of(index) {
            for m in &found.mentions {
                if !out.iter().any(|a| *a == m.actor) {
                    out.push(m.actor.to_string());
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::Duration;

    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    use crate::app::App;
    use crate::document::Document;
    use crate::keymap::Keymap;
    use crate::sidecar::Sidecar;
    use crate::view::{self, Theme};

    const MEMO: &str = "Pak Chang-ok [Pak Chang Ok] visited Nam Il.\n\n\
        Pak told Nam Il that a group was prepared to speak out. Pak said that it \
        would be desirable for Nam Il to join that group.\n\n\
        Nam Il agreed with Pak. He said that Kim Il Sung would listen.\n";

    #[test]
    fn frames_take_a_paragraphs_names_and_suggestions_from_the_cache() {
        let doc = Document::from_text(Path::new("memo.txt"), MEMO);
        let sidecar = Sidecar::new(&doc, "tester");
        let mut app = App::new(doc, sidecar, Keymap::default_keymap());
        let theme = Theme::named("default", false);
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
        let mut frames = |app: &mut App, n: usize| {
            for _ in 0..n {
                terminal
                    .draw(|f| {
                        app.prepare_frame(f.area());
                        view::draw(f, app, &theme);
                    })
                    .expect("draw");
            }
        };
        app.select(1);
        app.settle_assist(Duration::from_secs(10));
        assert!(!app.suggestions().is_empty());
        assert!(!app.detected_actors(1).is_empty());
        assert_eq!(app.assist_computations(), 1);
        frames(&mut app, 50);
        assert_eq!(app.assist_computations(), 1, "frames worked ¶2 out again");
        // Another paragraph is worked out once; coming back costs nothing.
        app.select(2);
        app.settle_assist(Duration::from_secs(10));
        frames(&mut app, 20);
        app.select(1);
        frames(&mut app, 20);
        assert_eq!(app.assist_computations(), 2);
    }
}
