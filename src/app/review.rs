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
use crate::annotation::{Annotation, Kind, Origin};
use crate::command::Command;
use crate::corpus::Layer;
use crate::review::{self, ActorNames, Coding, Comparison, Report};

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
    pub names: ActorNames,
    pub comparison: Comparison,
    /// Paragraph → indices into `codings[i].placed`, per other annotator.
    by_paragraph: Vec<BTreeMap<usize, Vec<usize>>>,
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
            names: ActorNames::default(),
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
        let Some(r) = self.review.as_mut() else {
            return;
        };
        let mut all: Vec<&Coding> = vec![&own];
        all.extend(r.codings.iter());
        r.names = ActorNames::of(&all);
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
        Some(review::report_except(self.doc.len(), &skip, &compared))
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

    /// Rows the panel would like below the text (narrow screens): a review
    /// lists a line per annotator besides the annotations, and a key hint.
    pub fn panel_rows(&self) -> u16 {
        let entries = self.entry_count(self.selected) as u16;
        match &self.review {
            None => (entries * 2 + 2).min(9),
            Some(r) => {
                let extras = self
                    .entries_on(self.selected)
                    .iter()
                    .filter(|e| e.annotation.note.is_some() || e.annotation.origin.is_some())
                    .count() as u16;
                // A line per annotator and per annotation, notes, the hint, borders.
                (r.others.len() as u16 + 1 + entries + extras + 3).min(12)
            }
        }
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
        self.select(target);
        self.say(format!(
            "Disagreement {nth} of {} (¶{}): {}",
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

    /// Adopt the selected annotation of another annotator.
    pub(super) fn adopt_selected(&mut self) {
        if self.review.is_none() {
            return self.not_reviewing();
        }
        if !self.writable() {
            return;
        }
        let Some(entry) = self.selected_entry() else {
            self.warn("Nothing to adopt on this paragraph");
            return;
        };
        let Some(owner) = entry.owner else {
            self.warn(format!(
                "That one is already yours: select another annotator's with {}",
                self.keymap.label(Command::NextAnnotation)
            ));
            return;
        };
        let name = self.other_name(owner);
        let a = entry.annotation.clone();
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
            let key = r.names.tag_key(&a.tag);
            let have = own.on(*p).any(|x| r.names.tag_key(&x.tag) == key);
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
