//! Several annotators' sidecars of one document: where they disagree, what
//! they all agree on, and how reliable the coding is.
//!
//! Pure logic, no terminal. A [`Coding`] is one annotator's annotations placed
//! in the current text of the document. Annotations are compared by a
//! [`TagKey`]: the kind and its actors (and, for positions, the stance) with
//! actor names resolved through every sidecar's aliases. The issue text of a
//! position is free text and is not compared.

pub mod agreement;

use std::collections::{BTreeMap, BTreeSet};

use crate::annotation::{Actor, ActorRegistry, Annotation, Kind, Stance, Tag};
use crate::corpus::Layer;
pub use agreement::Coefficients;

/// One annotator's annotations as placed in the current document.
#[derive(Debug, Clone, PartialEq)]
pub struct Coding {
    pub annotator: String,
    /// (0-based paragraph, annotation), orphans left out.
    pub placed: Vec<(usize, Annotation)>,
    /// The annotator's actor registry (aliases).
    pub actors: Vec<Actor>,
}

impl Coding {
    /// From a loaded layer (placements computed against the current text).
    pub fn from_layer(layer: &Layer) -> Coding {
        Coding {
            annotator: layer.annotator.clone(),
            placed: layer
                .sidecar
                .annotations
                .iter()
                .zip(&layer.placements)
                .filter_map(|(a, p)| p.index().map(|i| (i, a.clone())))
                .collect(),
            actors: layer.sidecar.actors.clone(),
        }
    }

    /// This coding without annotations adopted from others (`origin` set):
    /// agreement measures independent coding, and a copy agrees by construction.
    pub fn independent(&self) -> Coding {
        Coding {
            annotator: self.annotator.clone(),
            placed: self
                .placed
                .iter()
                .filter(|(_, a)| a.origin.is_none())
                .cloned()
                .collect(),
            actors: self.actors.clone(),
        }
    }

    /// Annotations on paragraph `index`.
    pub fn on(&self, index: usize) -> impl Iterator<Item = &Annotation> {
        self.placed
            .iter()
            .filter(move |(p, _)| *p == index)
            .map(|(_, a)| a)
    }
}

/// Actor names resolved across every annotator's registry, so `Pak Chang Ok`
/// in one sidecar and `Pak Chang-ok` in another are the same actor when either
/// registry lists one as an alias of the other.
#[derive(Debug, Clone, Default)]
pub struct ActorNames {
    registry: ActorRegistry,
}

impl ActorNames {
    pub fn new<'a>(registries: impl IntoIterator<Item = &'a [Actor]>) -> ActorNames {
        let mut merged: BTreeMap<String, Actor> = BTreeMap::new();
        for list in registries {
            for a in list {
                let entry = merged.entry(a.name.clone()).or_insert_with(|| Actor {
                    name: a.name.clone(),
                    aliases: Vec::new(),
                });
                for alias in &a.aliases {
                    if !entry.aliases.contains(alias) {
                        entry.aliases.push(alias.clone());
                    }
                }
            }
        }
        ActorNames {
            registry: ActorRegistry::new(merged.into_values().collect()),
        }
    }

    /// From the registries of `codings`.
    pub fn of(codings: &[&Coding]) -> ActorNames {
        ActorNames::new(codings.iter().map(|c| c.actors.as_slice()))
    }

    /// A comparable form of `name`: the main name, case and spacing folded.
    pub fn key(&self, name: &str) -> String {
        self.registry
            .canonical(name)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    }

    /// The comparable form of a tag.
    pub fn tag_key(&self, tag: &Tag) -> TagKey {
        match tag {
            Tag::Claim { by } => TagKey::Claim(self.key(by)),
            Tag::Advice { from, to } => TagKey::Advice(self.key(from), self.key(to)),
            Tag::Position { actor, stance, .. } => TagKey::Position(self.key(actor), *stance),
        }
    }
}

/// What two annotations must share to count as the same coding decision.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TagKey {
    Claim(String),
    Advice(String, String),
    Position(String, Stance),
}

impl TagKey {
    pub fn kind(&self) -> Kind {
        match self {
            TagKey::Claim(_) => Kind::Claim,
            TagKey::Advice(..) => Kind::Advice,
            TagKey::Position(..) => Kind::Position,
        }
    }
}

fn kind_index(k: Kind) -> usize {
    Kind::ALL.iter().position(|x| *x == k).unwrap_or(0)
}

/// Where the compared annotators disagree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Comparison {
    /// 0-based paragraphs where the annotators' codings differ, in order, with
    /// the kinds that differ there (claim, advice, position).
    pub disputed: BTreeMap<usize, [bool; 3]>,
}

impl Comparison {
    /// Compare `codings` paragraph by paragraph. A paragraph is disputed when
    /// a kind is present for some annotators and absent for others, or when
    /// they used it with different actors (or, for positions, stances).
    /// Fewer than two codings never disagree.
    pub fn of(codings: &[&Coding], names: &ActorNames) -> Comparison {
        let mut disputed = BTreeMap::new();
        if codings.len() < 2 {
            return Comparison { disputed };
        }
        let sets: Vec<BTreeMap<usize, BTreeSet<TagKey>>> = codings
            .iter()
            .map(|c| keys_by_paragraph(c, names))
            .collect();
        let paragraphs: BTreeSet<usize> = sets.iter().flat_map(|s| s.keys().copied()).collect();
        let empty = BTreeSet::new();
        for p in paragraphs {
            let mut kinds = [false; 3];
            for k in Kind::ALL {
                let of_kind = |s: &BTreeMap<usize, BTreeSet<TagKey>>| -> BTreeSet<TagKey> {
                    s.get(&p)
                        .unwrap_or(&empty)
                        .iter()
                        .filter(|key| key.kind() == k)
                        .cloned()
                        .collect()
                };
                let first = of_kind(&sets[0]);
                if sets[1..].iter().any(|s| of_kind(s) != first) {
                    kinds[kind_index(k)] = true;
                }
            }
            if kinds.iter().any(|&d| d) {
                disputed.insert(p, kinds);
            }
        }
        Comparison { disputed }
    }

    /// Disputed paragraphs, in order.
    pub fn paragraphs(&self) -> Vec<usize> {
        self.disputed.keys().copied().collect()
    }

    /// Which kinds are disputed on paragraph `index`.
    pub fn kinds_on(&self, index: usize) -> [bool; 3] {
        self.disputed.get(&index).copied().unwrap_or_default()
    }

    pub fn is_disputed(&self, index: usize) -> bool {
        self.disputed.contains_key(&index)
    }

    /// The first disputed paragraph after `from` (wrapping), or before it when
    /// `forward` is false.
    pub fn step(&self, from: usize, forward: bool) -> Option<usize> {
        if forward {
            self.disputed
                .range(from + 1..)
                .next()
                .or_else(|| self.disputed.iter().next())
                .map(|(p, _)| *p)
        } else {
            self.disputed
                .range(..from)
                .next_back()
                .or_else(|| self.disputed.iter().next_back())
                .map(|(p, _)| *p)
        }
    }
}

fn keys_by_paragraph(c: &Coding, names: &ActorNames) -> BTreeMap<usize, BTreeSet<TagKey>> {
    let mut out: BTreeMap<usize, BTreeSet<TagKey>> = BTreeMap::new();
    for (p, a) in &c.placed {
        out.entry(*p).or_default().insert(names.tag_key(&a.tag));
    }
    out
}

/// Annotations every one of `codings` made (same paragraph, same [`TagKey`]),
/// as (paragraph, the first coding's annotation), in paragraph order. Needs
/// two or more codings.
pub fn agreed<'a>(codings: &[&'a Coding], names: &ActorNames) -> Vec<(usize, &'a Annotation)> {
    if codings.len() < 2 {
        return Vec::new();
    }
    let rest: Vec<BTreeMap<usize, BTreeSet<TagKey>>> = codings[1..]
        .iter()
        .map(|c| keys_by_paragraph(c, names))
        .collect();
    let mut seen: BTreeSet<(usize, TagKey)> = BTreeSet::new();
    let mut out: Vec<(usize, &Annotation)> = Vec::new();
    for (p, a) in &codings[0].placed {
        let key = names.tag_key(&a.tag);
        if rest
            .iter()
            .all(|s| s.get(p).is_some_and(|keys| keys.contains(&key)))
            && seen.insert((*p, key))
        {
            out.push((*p, a));
        }
    }
    out.sort_by_key(|(p, a)| (*p, a.created.clone(), a.id.clone()));
    out
}

/// Agreement figures for a set of documents (one, or pooled).
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub annotators: Vec<String>,
    /// Paragraphs (units) counted.
    pub units: usize,
    /// Per kind, in [`Kind::ALL`] order.
    pub kinds: [Coefficients; 3],
    /// Stance on (paragraph, actor) units where two or more annotators tagged
    /// a position of the same actor.
    pub stance: Coefficients,
    pub stance_units: usize,
}

/// Reliability data collected from documents, to compute a [`Report`].
///
/// Units are paragraphs; for each kind an annotator's value is 1 when they put
/// at least one annotation of that kind on the paragraph, else 0. An
/// annotator without a sidecar for a document has no values there (missing).
#[derive(Debug, Clone, Default)]
pub struct Reliability {
    annotators: Vec<String>,
    /// Per document: paragraphs, and each annotator's kind labels per paragraph.
    kinds: [Vec<Vec<Option<u32>>>; 3],
    stance: Vec<Vec<Option<u32>>>,
    units: usize,
}

impl Reliability {
    /// Collect over `annotators` (the columns, in order).
    pub fn new(annotators: Vec<String>) -> Reliability {
        Reliability {
            annotators,
            ..Reliability::default()
        }
    }

    /// Add one document of `paragraphs` units with the codings present for it
    /// (annotators not among them are missing for this document's units).
    pub fn add_document(&mut self, paragraphs: usize, codings: &[&Coding]) {
        self.add_document_except(paragraphs, &BTreeSet::new(), codings);
    }

    /// [`Reliability::add_document`] without the paragraphs in `skip`
    /// (boilerplate): they are no units, and tags on them do not count.
    pub fn add_document_except(
        &mut self,
        paragraphs: usize,
        skip: &BTreeSet<usize>,
        codings: &[&Coding],
    ) {
        let names = ActorNames::of(codings);
        let columns: Vec<Option<&Coding>> = self
            .annotators
            .iter()
            .map(|a| codings.iter().find(|c| &c.annotator == a).copied())
            .collect();
        let present: Vec<Option<[BTreeSet<usize>; 3]>> = columns
            .iter()
            .map(|c| {
                c.map(|c| {
                    let mut sets: [BTreeSet<usize>; 3] = Default::default();
                    for (p, a) in &c.placed {
                        sets[kind_index(a.kind())].insert(*p);
                    }
                    sets
                })
            })
            .collect();
        for (k, table) in self.kinds.iter_mut().enumerate() {
            for p in (0..paragraphs).filter(|p| !skip.contains(p)) {
                table.push(
                    present
                        .iter()
                        .map(|s| s.as_ref().map(|s| u32::from(s[k].contains(&p))))
                        .collect(),
                );
            }
        }
        // Stance units: (paragraph, actor) → each annotator's stances (a bit set).
        let mut stance: BTreeMap<(usize, String), Vec<Option<u32>>> = BTreeMap::new();
        for (col, c) in columns.iter().enumerate() {
            let Some(c) = c else { continue };
            for (p, a) in c.placed.iter().filter(|(p, _)| !skip.contains(p)) {
                if let Tag::Position {
                    actor, stance: s, ..
                } = &a.tag
                {
                    let row = stance
                        .entry((*p, names.key(actor)))
                        .or_insert_with(|| vec![None; columns.len()]);
                    let bit = 1u32 << Stance::ALL.iter().position(|x| x == s).unwrap_or(0);
                    row[col] = Some(row[col].unwrap_or(0) | bit);
                }
            }
        }
        self.stance.extend(
            stance
                .into_values()
                .filter(|row| row.iter().flatten().count() >= 2),
        );
        self.units += paragraphs - skip.range(..paragraphs).count();
    }

    pub fn report(&self) -> Report {
        let coders = self.annotators.len();
        Report {
            annotators: self.annotators.clone(),
            units: self.units,
            kinds: [
                agreement::coefficients(&self.kinds[0], coders),
                agreement::coefficients(&self.kinds[1], coders),
                agreement::coefficients(&self.kinds[2], coders),
            ],
            stance: agreement::coefficients(&self.stance, coders),
            stance_units: self.stance.len(),
        }
    }
}

/// Agreement among `codings` on one document of `paragraphs` paragraphs.
pub fn report(paragraphs: usize, codings: &[&Coding]) -> Report {
    report_except(paragraphs, &BTreeSet::new(), codings)
}

/// [`report`] without the paragraphs in `skip` (boilerplate).
pub fn report_except(paragraphs: usize, skip: &BTreeSet<usize>, codings: &[&Coding]) -> Report {
    let mut r = Reliability::new(codings.iter().map(|c| c.annotator.clone()).collect());
    r.add_document_except(paragraphs, skip, codings);
    r.report()
}

impl Report {
    /// The JSON shape of `gloss agree --format json`.
    pub fn to_json(&self) -> serde_json::Value {
        let c = |c: &Coefficients| serde_json::json!({"observed": c.observed, "kappa": c.kappa, "alpha": c.alpha});
        let mut kinds = serde_json::Map::new();
        for (k, coeff) in Kind::ALL.iter().zip(&self.kinds) {
            kinds.insert(k.as_str().to_string(), c(coeff));
        }
        let mut stance = c(&self.stance);
        if let Some(obj) = stance.as_object_mut() {
            obj.insert("units".into(), self.stance_units.into());
        }
        serde_json::json!({
            "annotators": self.annotators,
            "units": self.units,
            "kinds": kinds,
            "stance": stance,
        })
    }

    /// Rows of a plain table: `what`, observed, kappa, alpha (— when undefined).
    pub fn table_rows(&self) -> Vec<[String; 4]> {
        let f = |x: Option<f64>| x.map_or("—".to_string(), |v| format!("{v:.3}"));
        let mut rows: Vec<[String; 4]> = Kind::ALL
            .iter()
            .zip(&self.kinds)
            .map(|(k, c)| {
                [
                    k.as_str().to_string(),
                    f(c.observed),
                    f(c.kappa),
                    f(c.alpha),
                ]
            })
            .collect();
        rows.push([
            format!(
                "stance ({} unit{})",
                self.stance_units,
                if self.stance_units == 1 { "" } else { "s" }
            ),
            f(self.stance.observed),
            f(self.stance.kappa),
            f(self.stance.alpha),
        ]);
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;
    use crate::document::anchor::Anchor;
    use std::path::Path;

    fn doc() -> Document {
        Document::from_text(Path::new("m.txt"), "one\n\ntwo\n\nthree\n\nfour\n")
    }

    fn coding(name: &str, tags: &[(usize, Tag)]) -> Coding {
        Coding {
            annotator: name.into(),
            placed: tags
                .iter()
                .map(|(p, t)| (*p, Annotation::new(t.clone(), Anchor::whole(&doc(), *p))))
                .collect(),
            actors: Vec::new(),
        }
    }

    fn claim(by: &str) -> Tag {
        Tag::Claim { by: by.into() }
    }

    fn pos(actor: &str, stance: Stance, issue: &str) -> Tag {
        Tag::Position {
            actor: actor.into(),
            stance,
            issue: issue.into(),
        }
    }

    #[test]
    fn disagreement_by_kind_actor_and_stance() {
        let a = coding(
            "ana",
            &[
                (0, claim("Han")),
                (1, claim("Han")),
                (2, pos("Kim", Stance::Oppose, "credit")),
                (3, pos("Ri", Stance::Support, "x")),
            ],
        );
        let b = coding(
            "ben",
            &[
                (0, claim("han ")),
                (1, claim("Ri")),
                (2, pos("Kim", Stance::Oppose, "loans on credit")),
                (3, pos("Ri", Stance::Oppose, "x")),
            ],
        );
        let names = ActorNames::of(&[&a, &b]);
        let cmp = Comparison::of(&[&a, &b], &names);
        assert_eq!(cmp.paragraphs(), vec![1, 3]);
        assert_eq!(cmp.kinds_on(1), [true, false, false]);
        assert_eq!(cmp.kinds_on(3), [false, false, true]);
        assert_eq!(cmp.step(1, true), Some(3));
        assert_eq!(cmp.step(3, true), Some(1), "wraps");
        assert_eq!(cmp.step(0, false), Some(3), "wraps backwards");
        assert_eq!(Comparison::of(&[&a], &names), Comparison::default());
    }

    #[test]
    fn aliases_make_names_equal() {
        let mut a = coding("ana", &[(0, claim("Pak Chang Ok"))]);
        a.actors = vec![Actor {
            name: "Pak Chang-ok".into(),
            aliases: vec!["Pak Chang Ok".into()],
        }];
        let b = coding("ben", &[(0, claim("Pak Chang-ok"))]);
        let names = ActorNames::of(&[&a, &b]);
        assert!(Comparison::of(&[&a, &b], &names).disputed.is_empty());
        assert_eq!(agreed(&[&a, &b], &names).len(), 1);
    }

    #[test]
    fn agreed_needs_everyone() {
        let a = coding("a", &[(0, claim("X")), (1, claim("Y")), (1, claim("Y"))]);
        let b = coding("b", &[(0, claim("X")), (1, claim("Y"))]);
        let c = coding("c", &[(0, claim("X"))]);
        let names = ActorNames::of(&[&a, &b, &c]);
        let got: Vec<usize> = agreed(&[&a, &b, &c], &names)
            .iter()
            .map(|(p, _)| *p)
            .collect();
        assert_eq!(got, vec![0]);
        assert_eq!(agreed(&[&a, &b], &names).len(), 2, "no duplicates");
    }

    #[test]
    fn report_on_kinds_and_stance() {
        // claim: ana on 0,1; ben on 0,2 → units 4: agree on 0 and 3.
        let a = coding(
            "ana",
            &[
                (0, claim("X")),
                (1, claim("X")),
                (2, pos("Kim", Stance::Oppose, "i")),
            ],
        );
        let b = coding(
            "ben",
            &[
                (0, claim("X")),
                (2, claim("X")),
                (2, pos("Kim", Stance::Support, "i")),
            ],
        );
        let r = report(4, &[&a, &b]);
        assert_eq!(r.units, 4);
        assert_eq!(r.kinds[0].observed, Some(0.5));
        // ana 1100, ben 1010: p_e = .5·.5 + .5·.5 = .5 → κ = 0.
        assert_eq!(r.kinds[0].kappa, Some(0.0));
        // Nobody used advice.
        assert_eq!(r.kinds[1].observed, Some(1.0));
        assert_eq!(r.kinds[1].kappa, None);
        assert_eq!(r.kinds[1].alpha, None);
        // Position on ¶3 by both: perfect presence agreement, no variation.
        assert_eq!(r.kinds[2].observed, Some(1.0));
        assert_eq!(r.stance_units, 1);
        assert_eq!(r.stance.observed, Some(0.0));
        let json = r.to_json();
        assert_eq!(json["annotators"], serde_json::json!(["ana", "ben"]));
        assert_eq!(json["kinds"]["advice"]["kappa"], serde_json::Value::Null);
        assert_eq!(json["stance"]["units"], 1);
    }

    #[test]
    fn missing_sidecars_are_missing_values() {
        let a = coding("ana", &[(0, claim("X"))]);
        let b = coding("ben", &[(0, claim("X"))]);
        let c = coding("cem", &[(1, claim("X"))]);
        let mut r = Reliability::new(vec!["ana".into(), "ben".into(), "cem".into()]);
        r.add_document(2, &[&a, &b]);
        r.add_document(2, &[&a, &c]);
        let rep = r.report();
        assert_eq!(rep.units, 4);
        // Pairable: doc 1 ana/ben agree on both units; doc 2 ana/cem disagree on both.
        assert_eq!(rep.kinds[0].observed, Some(0.5));
        assert_eq!(rep.kinds[0].kappa, None, "three annotators");
        assert!(rep.kinds[0].alpha.is_some());
    }
}
