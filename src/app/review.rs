//! Reviewing: other annotators' layers beside one's own sidecar.
//!
//! The reviewer edits only their own sidecar; the others are read-only. The
//! panel lists every annotator's annotations on the selected paragraph, own
//! first, so `selected_annotation` indexes that combined list and
//! [`App::selected_annotation`] still returns only the reviewer's own.
//! Adopting copies another annotator's annotation into one's own sidecar with
//! an [`Origin`] pointing back to it; it is one undoable edit like any other.

use std::collections::BTreeMap;

use super::{App, Edit, Mode, reanchored};
use crate::annotation::ActorResolver;
use crate::annotation::{Annotation, Kind, Origin};
use crate::command::Command;
use crate::corpus::Layer;
use crate::document::sanitize::display;
use crate::document::wrap::{row_count, wrap_rows};
use crate::review::{self, Coding, Comparison, Report, TagKey};
use unicode_width::UnicodeWidthStr;

/// The other annotators of a review, and where everyone disagrees.
#[derive(Debug, Clone)]
pub struct Review {
    /// Other annotators' layers (read-only), sorted by annotator.
    pub others: Vec<Layer>,
    /// The same as codings, placed in the current text.
    pub codings: Vec<Coding>,
    /// Whether the reviewer's own sidecar is compared with the others: it is
    /// when it holds annotations of the reviewer's own making; a new sidecar,
    /// or one made only of adopted annotations, is an adjudication.
    pub compare_own: bool,
    /// Actor names of every registry of the document ([`App::actor_names`]).
    pub names: ActorResolver,
    pub comparison: Comparison,
    /// Paragraph → indices into `codings[i].placed`, per other annotator.
    by_paragraph: Vec<BTreeMap<usize, Vec<usize>>>,
}

/// Most rows a note takes in the (non-review) panel; a longer one ends in `…`.
pub const PANEL_NOTE_ROWS: usize = 4;

/// Most rows a note takes in the review panel; a longer one ends in `…`.
const NOTE_ROWS: usize = 3;

/// What a line of the review panel shows (the view styles it by this).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineRole {
    /// What differs between two annotators.
    Differs,
    /// An annotator's name and count.
    Annotator,
    /// An annotator with nothing on the paragraph.
    Nothing,
    /// An annotation's tag.
    Tag { kind: Kind, selected: bool },
    /// An annotation's quote, origin or note.
    Quote,
}

/// One wrapped line of the review panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewLine {
    pub text: String,
    pub role: LineRole,
    /// The entry (index into [`App::entries_on`]) the line belongs to.
    pub entry: Option<usize>,
}

/// `text` (sanitised for display) wrapped to `width` columns, the first row
/// after `first`, the others after `rest`.
fn wrap_prefixed(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let shown = display(text);
    let room = width.saturating_sub(first.width().max(rest.width())).max(2);
    let mut rows = Vec::new();
    wrap_rows(&shown, room, |s, e| {
        let prefix = if rows.is_empty() { first } else { rest };
        rows.push(format!("{prefix}{}", &shown[s..e]));
        true
    });
    rows
}

/// `row` ending in `…` within `width` columns: the text goes on beyond it.
fn with_ellipsis(row: &str, width: usize) -> String {
    let mut out: String = row.to_string();
    while out.width() + 1 > width {
        if out.pop().is_none() {
            break;
        }
    }
    out.push('…');
    out
}

/// One line of the review panel: an annotation and whose it is.
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    /// `None` for the reviewer's own, else an index into `Review::others`.
    pub owner: Option<usize>,
    pub annotation: &'a Annotation,
}

impl App {
    /// Turn this session into a review of `others` (the reviewer's own layer
    /// is `self.sidecar`). `compare_own` says whether the reviewer's own
    /// annotations take part in comparisons and agreement.
    pub fn start_review(&mut self, mut others: Vec<Layer>, compare_own: bool) {
        others.sort_by(|a, b| a.annotator.cmp(&b.annotator));
        let codings: Vec<Coding> = others.iter().map(Coding::from_layer).collect();
        let by_paragraph = codings
            .iter()
            .map(|c| {
                let mut map: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
                for (i, (p, _)) in c.placed.iter().enumerate() {
                    map.entry(*p).or_default().push(i);
                }
                for list in map.values_mut() {
                    list.sort_by(|&x, &y| {
                        let (a, b) = (&c.placed[x].1, &c.placed[y].1);
                        (&a.created, &a.id).cmp(&(&b.created, &b.id))
                    });
                }
                map
            })
            .collect();
        let groups = others.len() as u16 + 1;
        self.layout.marks_width = groups * 4 - 1;
        self.layout.header_rows = 1;
        self.review = Some(Review {
            others,
            codings,
            compare_own,
            names: ActorResolver::default(),
            comparison: Comparison::default(),
            by_paragraph,
        });
        self.refresh_review();
        let n = self
            .review
            .as_ref()
            .map_or(0, |r| r.comparison.disputed.len());
        self.say(format!(
            "{n} disagreement{} — {} next · {} adopt · {} figures",
            if n == 1 { "" } else { "s" },
            self.keymap.label(Command::NextDisagreement),
            self.keymap.label(Command::Adopt),
            self.keymap.label(Command::Agreement),
        ));
    }

    pub fn reviewing(&self) -> bool {
        self.review.is_some()
    }

    /// The reviewer's own annotations as a coding (orphans left out).
    pub fn own_coding(&self) -> Coding {
        Coding {
            annotator: self.sidecar.annotator.clone(),
            placed: self
                .sidecar
                .annotations
                .iter()
                .filter(|a| !self.orphans.contains(&a.id))
                .map(|a| (a.anchor.paragraph.saturating_sub(1), a.clone()))
                .collect(),
            actors: self.sidecar.actors.clone(),
        }
    }

    /// Recompute disagreements after the reviewer's annotations changed.
    pub(super) fn refresh_review(&mut self) {
        if self.review.is_none() {
            return;
        }
        let own = self.own_coding();
        let names = self.actor_names();
        let Some(r) = self.review.as_mut() else {
            return;
        };
        let mut all: Vec<&Coding> = vec![&own];
        all.extend(r.codings.iter());
        r.names = names;
        let compared: Vec<&Coding> = if r.compare_own {
            all
        } else {
            r.codings.iter().collect()
        };
        r.comparison = Comparison::of(&compared, &r.names);
    }

    /// Agreement among the compared annotators, as `gloss agree` computes it.
    pub fn agreement_report(&self) -> Option<Report> {
        let r = self.review.as_ref()?;
        // Adopted copies are left out: they agree by construction.
        let mut codings: Vec<Coding> = r.codings.iter().map(Coding::independent).collect();
        if r.compare_own {
            codings.push(self.own_coding().independent());
        }
        codings.sort_by(|a, b| a.annotator.cmp(&b.annotator));
        let compared: Vec<&Coding> = codings.iter().collect();
        // Boilerplate paragraphs are no units, as in `gloss agree`.
        let skip = self
            .project
            .as_ref()
            .map(|p| p.boilerplate.clone())
            .unwrap_or_default();
        Some(review::report_except(
            self.doc.len(),
            &skip,
            &compared,
            &r.names,
        ))
    }

    /// Everyone's annotations on paragraph `index`: own first, then each other
    /// annotator's, oldest first. Without a review, only one's own.
    pub fn entries_on(&self, index: usize) -> Vec<Entry<'_>> {
        let mut out: Vec<Entry> = self
            .annotations_on(index)
            .into_iter()
            .map(|a| Entry {
                owner: None,
                annotation: a,
            })
            .collect();
        if let Some(r) = &self.review {
            for (i, (map, coding)) in r.by_paragraph.iter().zip(&r.codings).enumerate() {
                for &k in map.get(&index).map(Vec::as_slice).unwrap_or(&[]) {
                    out.push(Entry {
                        owner: Some(i),
                        annotation: &coding.placed[k].1,
                    });
                }
            }
        }
        out
    }

    /// How many entries the panel lists for paragraph `index`.
    pub fn entry_count(&self, index: usize) -> usize {
        let own = self.by_paragraph.get(&index).map_or(0, Vec::len);
        own + self.review.as_ref().map_or(0, |r| {
            r.by_paragraph
                .iter()
                .map(|m| m.get(&index).map_or(0, Vec::len))
                .sum()
        })
    }

    /// Rows the panel would like below the text (narrow screens) when it is
    /// `width` columns wide: a review lists what differs, a line per
    /// annotator, each annotation with its quote, and a key hint.
    pub fn panel_rows(&self, width: u16) -> u16 {
        match &self.review {
            // Each annotation's tag, note (up to NOTE_ROWS rows; the view
            // cuts the same) and date line, the borders.
            None => {
                let inner = (width.saturating_sub(2) as usize).max(2);
                let rows: usize = self
                    .annotations_on(self.selected)
                    .iter()
                    .map(|a| {
                        let head = format!("{} {}", a.kind().mark(), a.tag.summary());
                        let note = a.note.as_ref().map_or(0, |n| {
                            row_count(&display(n), inner.saturating_sub(2)).min(PANEL_NOTE_ROWS)
                        });
                        row_count(&display(&head), inner) + note + 1
                    })
                    .sum();
                // The suggestions' heading, and two rows or more each (see
                // `view::suggestions`).
                let suggested = match self.suggestions().len() {
                    0 => 0,
                    n => 2 * n + 1,
                };
                ((rows + suggested).max(2) as u16 + 2).min(12)
            }
            Some(_) => {
                let inner = width.saturating_sub(2) as usize;
                // The lines, the hint, the borders.
                (self.review_lines(inner).len() + 3).min(u16::MAX as usize) as u16
            }
        }
    }

    /// The review panel's lines at `width` columns (wrapped), before the key
    /// hint: what differs, then each annotator's annotations with quotes.
    pub fn review_lines(&self, width: usize) -> Vec<ReviewLine> {
        let mut out = Vec::new();
        let Some(r) = &self.review else {
            return out;
        };
        let width = width.max(8);
        let push = |out: &mut Vec<ReviewLine>, text: &str, first: &str, rest: &str, role, entry| {
            for row in wrap_prefixed(text, width, first, rest) {
                out.push(ReviewLine {
                    text: row,
                    role,
                    entry,
                });
            }
        };
        let entries = self.entries_on(self.selected);
        let mut names = vec![self.annotator().to_string()];
        names.extend(r.others.iter().map(|l| l.annotator.clone()));
        // Who is compared with whom: the reviewer with each other annotator,
        // or (adjudicating) the first other annotator with the rest.
        let of = |owner: Option<usize>| -> Vec<&Annotation> {
            entries
                .iter()
                .filter(|e| e.owner == owner)
                .map(|e| e.annotation)
                .collect()
        };
        let (left, rights): (Option<usize>, Vec<Option<usize>>) = if r.compare_own {
            (None, (0..r.others.len()).map(Some).collect())
        } else {
            (Some(0), (1..r.others.len()).map(Some).collect())
        };
        let name_of = |owner: Option<usize>| names[owner.map_or(0, |i| i + 1)].clone();
        if r.comparison.is_disputed(self.selected) {
            for right in rights {
                let diffs = review::differences(&of(left), &of(right), &r.names);
                if diffs.is_empty() {
                    continue;
                }
                let (l, rn) = (name_of(left), name_of(right));
                let text = diffs
                    .iter()
                    .map(|d| d.describe(&l, &rn))
                    .collect::<Vec<_>>()
                    .join(" · ");
                push(&mut out, &text, "≠ ", "  ", LineRole::Differs, None);
            }
        }
        for (g, name) in names.iter().enumerate() {
            let owner = if g == 0 { None } else { Some(g - 1) };
            let mine: Vec<(usize, &Annotation)> = entries
                .iter()
                .enumerate()
                .filter(|(_, e)| e.owner == owner)
                .map(|(i, e)| (i, e.annotation))
                .collect();
            let who = if g == 0 {
                format!("{name} (you)")
            } else {
                name.clone()
            };
            let count = match mine.len() {
                0 => "nothing here".to_string(),
                1 => "1 tag".to_string(),
                n => format!("{n} tags"),
            };
            let role = if mine.is_empty() {
                LineRole::Nothing
            } else {
                LineRole::Annotator
            };
            push(&mut out, &format!("{who} · {count}"), "", "  ", role, None);
            for (i, a) in mine {
                let selected = i == self.selected_annotation;
                let head = format!("{} {}", a.kind().mark(), a.tag.summary());
                let role = LineRole::Tag {
                    kind: a.kind(),
                    selected,
                };
                push(&mut out, &head, " ", "   ", role, Some(i));
                let mut about = if a.anchor.narrowed {
                    format!("“{}”", a.anchor.quote)
                } else {
                    "whole paragraph".to_string()
                };
                if let Some(o) = &a.origin {
                    about.push_str(&format!(" · from {}", o.annotator));
                    if o.replaced.is_some() {
                        about.push_str(" (replaced yours)");
                    }
                }
                push(&mut out, &about, "   ", "   ", LineRole::Quote, Some(i));
                if let Some(note) = &a.note {
                    let rows = wrap_prefixed(note, width, "   ✎ ", "     ");
                    let cut = rows.len() > NOTE_ROWS;
                    for (k, row) in rows.into_iter().take(NOTE_ROWS).enumerate() {
                        let row = if cut && k + 1 == NOTE_ROWS {
                            with_ellipsis(&row, width)
                        } else {
                            row
                        };
                        out.push(ReviewLine {
                            text: row,
                            role: LineRole::Quote,
                            entry: Some(i),
                        });
                    }
                }
            }
        }
        out
    }

    /// The selected entry of the panel (own or another annotator's).
    pub fn selected_entry(&self) -> Option<Entry<'_>> {
        self.entries_on(self.selected)
            .get(self.selected_annotation)
            .copied()
    }

    /// Kinds present on paragraph `index` in other annotator `i`'s layer.
    pub fn other_kinds_on(&self, i: usize, index: usize) -> [bool; 3] {
        let mut out = [false; 3];
        if let Some(r) = &self.review
            && let (Some(map), Some(c)) = (r.by_paragraph.get(i), r.codings.get(i))
        {
            for &k in map.get(&index).map(Vec::as_slice).unwrap_or(&[]) {
                let kind = c.placed[k].1.kind();
                out[Kind::ALL.iter().position(|x| *x == kind).unwrap_or(0)] = true;
            }
        }
        out
    }

    /// Commands that change an annotation refuse another annotator's; returns
    /// true when `command` was refused.
    pub(super) fn refuse_on_others(&mut self, command: Command) -> bool {
        if !matches!(
            command,
            Command::EditTag | Command::EditNote | Command::DeleteAnnotation
        ) {
            return false;
        }
        let Some(entry) = self.selected_entry() else {
            return false;
        };
        let Some(owner) = entry.owner else {
            return false;
        };
        let name = self.other_name(owner);
        self.warn(format!(
            "{name}'s annotations are read-only — {} adopts this one into yours",
            self.keymap.label(Command::Adopt)
        ));
        true
    }

    fn other_name(&self, i: usize) -> String {
        self.review
            .as_ref()
            .and_then(|r| r.others.get(i))
            .map(|l| l.annotator.clone())
            .unwrap_or_default()
    }

    fn not_reviewing(&mut self) {
        self.warn("Not reviewing: open `gloss review FILE` to compare annotators");
    }

    /// Jump to the next (or previous) paragraph where annotators disagree.
    pub(super) fn step_disagreement(&mut self, forward: bool) {
        let Some(r) = &self.review else {
            return self.not_reviewing();
        };
        let all = r.comparison.paragraphs();
        let Some(target) = r.comparison.step(self.selected, forward) else {
            self.say("No disagreements: the annotators agree on every paragraph");
            return;
        };
        let nth = all.iter().position(|&p| p == target).unwrap_or(0) + 1;
        let kinds: Vec<&str> = Kind::ALL
            .iter()
            .zip(r.comparison.kinds_on(target))
            .filter(|(_, d)| *d)
            .map(|(k, _)| k.as_str())
            .collect();
        // Past the last (or before the first) it starts over: say so.
        let wrapped = if forward {
            target <= self.selected
        } else {
            target >= self.selected
        };
        let wrapped = match (wrapped, forward) {
            (false, _) => "",
            (true, true) => " — wrapped to the first disagreement",
            (true, false) => " — wrapped to the last disagreement",
        };
        self.select(target);
        self.say(format!(
            "Disagreement {nth} of {} (¶{}): {}{wrapped}",
            all.len(),
            target + 1,
            kinds.join(", ")
        ));
    }

    /// A copy of `a` (from `annotator`) for the reviewer's sidecar, placed on
    /// paragraph `index` of the current text.
    fn adopted_copy(&self, annotator: &str, index: usize, a: &Annotation) -> Annotation {
        let now = (self.clock)();
        let mut copy =
            Annotation::created_at(a.tag.clone(), reanchored(&self.doc, index, &a.anchor), now);
        copy.note = a.note.clone();
        copy.origin = Some(Origin {
            annotator: annotator.to_string(),
            id: a.id.clone(),
            replaced: None,
        });
        copy
    }

    /// Does the reviewer already have `a` (adopted, or the same tag on the
    /// same paragraph)?
    fn already_has(&self, annotator: &str, index: usize, a: &Annotation) -> Option<String> {
        self.sidecar
            .annotations
            .iter()
            .filter(|x| !self.orphans.contains(&x.id))
            .find(|x| {
                x.origin
                    .as_ref()
                    .is_some_and(|o| o.annotator == annotator && o.id == a.id)
                    || (x.anchor.paragraph == index + 1 && x.tag == a.tag)
            })
            .map(|x| x.id.clone())
    }

    /// The selected entry when it is another annotator's, as (their name,
    /// the annotation); else warns and gives `None`.
    fn others_selected(&mut self, verb: &str) -> Option<(String, Annotation)> {
        if self.review.is_none() {
            self.not_reviewing();
            return None;
        }
        if !self.writable() {
            return None;
        }
        let Some(entry) = self.selected_entry() else {
            self.warn(format!("Nothing to {verb} on this paragraph"));
            return None;
        };
        let Some(owner) = entry.owner else {
            self.warn(format!(
                "That one is already yours: select another annotator's with {}",
                self.keymap.label(Command::NextAnnotation)
            ));
            return None;
        };
        let a = entry.annotation.clone();
        Some((self.other_name(owner), a))
    }

    /// Adopt the selected annotation of another annotator, beside one's own.
    pub(super) fn adopt_selected(&mut self) {
        let Some((name, a)) = self.others_selected("adopt") else {
            return;
        };
        let index = self.selected;
        if let Some(id) = self.already_has(&name, index, &a) {
            self.select_own(&id);
            self.warn(format!("You already have this: {}", a.tag.summary()));
            return;
        }
        let copy = self.adopted_copy(&name, index, &a);
        self.commit(vec![Edit::Add(copy)]);
        self.say(format!(
            "Adopted {name}'s {} — undo with {}",
            a.tag.summary(),
            self.keymap.label(Command::Undo)
        ));
    }

    /// Which of the reviewer's annotations on paragraph `index` another
    /// annotator's `theirs` would replace: of the same kind, preferring the
    /// same (first) actor; `Err` says why there is none to pick.
    fn replaceable(&self, index: usize, theirs: &Annotation) -> Result<Annotation, String> {
        let names = self.review.as_ref().map(|r| &r.names);
        let key = |name: &str| names.map_or(name.to_string(), |n| n.key(name));
        let same_kind: Vec<&Annotation> = self
            .annotations_on(index)
            .into_iter()
            .filter(|a| a.kind() == theirs.kind())
            .collect();
        let actor = key(theirs.tag.primary_actor());
        let same_actor: Vec<&Annotation> = same_kind
            .iter()
            .copied()
            .filter(|a| key(a.tag.primary_actor()) == actor)
            .collect();
        let kind = theirs.kind().as_str();
        match (same_actor.as_slice(), same_kind.as_slice()) {
            ([one], _) | ([], [one]) => Ok((*one).clone()),
            ([], []) => Err(format!(
                "You have no {kind} on ¶{} to replace — {} adopts it alongside",
                index + 1,
                self.keymap.label(Command::Adopt)
            )),
            _ => Err(format!(
                "You have several {kind} tags here: delete the wrong one, then {} adopts",
                self.keymap.label(Command::Adopt)
            )),
        }
    }

    /// Replace the reviewer's annotation of the same kind with the selected
    /// one of another annotator: one undoable step; the copy's origin keeps
    /// the replaced annotation's id.
    pub(super) fn replace_mine(&mut self) {
        let Some((name, theirs)) = self.others_selected("replace yours with") else {
            return;
        };
        let index = self.selected;
        let mine = match self.replaceable(index, &theirs) {
            Ok(mine) => mine,
            Err(why) => return self.warn(why),
        };
        if mine.tag == theirs.tag
            && review::same_quote(&mine.anchor, &theirs.anchor)
            && mine.note == theirs.note
        {
            self.select_own(&mine.id);
            self.warn(format!("Yours is the same already: {}", mine.tag.summary()));
            return;
        }
        let mut copy = self.adopted_copy(&name, index, &theirs);
        if let Some(o) = copy.origin.as_mut() {
            o.replaced = Some(mine.id.clone());
        }
        let id = copy.id.clone();
        self.commit(vec![Edit::Remove(mine.clone()), Edit::Add(copy)]);
        self.select_own(&id);
        // The undo key first: the summaries may be cut on a narrow screen.
        self.say(format!(
            "Replaced yours with {name}'s ({} undoes): {} → {}",
            self.keymap.label(Command::Undo),
            mine.tag.summary(),
            theirs.tag.summary(),
        ));
    }

    fn select_own(&mut self, id: &str) {
        if let Some(pos) = self
            .annotations_on(self.selected)
            .iter()
            .position(|x| x.id == id)
        {
            self.selected_annotation = pos;
        }
    }

    /// Adopt every annotation all the other annotators agree on that the
    /// reviewer does not have yet, as one undoable step.
    pub(super) fn adopt_agreed(&mut self) {
        if self.review.is_none() {
            return self.not_reviewing();
        }
        if !self.writable() {
            return;
        }
        let Some(r) = &self.review else {
            return;
        };
        if r.codings.len() < 2 {
            let msg = format!(
                "Adopting what all agree on needs two or more other annotators (here: {}); adopt single annotations with {}",
                r.others.first().map_or("none", |l| l.annotator.as_str()),
                self.keymap.label(Command::Adopt)
            );
            self.warn(msg);
            return;
        }
        let codings: Vec<&Coding> = r.codings.iter().collect();
        let agreed: Vec<(usize, Annotation)> = review::agreed(&codings, &r.names)
            .into_iter()
            .map(|(p, a)| (p, a.clone()))
            .collect();
        let first = codings[0].annotator.clone();
        let own = self.own_coding();
        let mut edits = Vec::new();
        for (p, a) in &agreed {
            let key = TagKey::of(&a.tag, &r.names);
            let have = own.on(*p).any(|x| TagKey::of(&x.tag, &r.names) == key);
            if !have {
                edits.push(Edit::Add(self.adopted_copy(&first, *p, a)));
            }
        }
        if edits.is_empty() {
            self.say(format!(
                "Nothing to adopt: you already have all {} annotation(s) the others agree on",
                agreed.len()
            ));
            return;
        }
        let n = edits.len();
        self.commit(edits);
        self.say(format!(
            "Adopted {n} annotation(s) all other annotators agree on — undo with {}",
            self.keymap.label(Command::Undo)
        ));
    }

    /// Show the agreement overlay.
    pub(super) fn show_agreement(&mut self) {
        if self.review.is_none() {
            return self.not_reviewing();
        }
        self.mode = Mode::Agreement;
    }
}
