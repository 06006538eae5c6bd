//! The tag model: claims, advice and positions of actors, with notes and ids.

pub mod registry;

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

use crate::document::anchor::Anchor;
pub use registry::{Actor, ActorRegistry};

/// An actor's stance on an issue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Stance {
    Support,
    Oppose,
    Neutral,
}

impl Stance {
    pub const ALL: [Stance; 3] = [Stance::Support, Stance::Oppose, Stance::Neutral];

    /// Lowercase name, as in exports and forms.
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Support => "support",
            Stance::Oppose => "oppose",
            Stance::Neutral => "neutral",
        }
    }

    /// The stance as the verb of a sentence between actor and issue:
    /// `supports`, `opposes`, `is neutral on` ("Nam Il is neutral on …").
    pub fn verb(self) -> &'static str {
        match self {
            Stance::Support => "supports",
            Stance::Oppose => "opposes",
            Stance::Neutral => "is neutral on",
        }
    }

    /// The stance named exactly by [`Stance::as_str`] (no prefixes).
    pub fn from_name(name: &str) -> Option<Stance> {
        Stance::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl fmt::Display for Stance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Stance {
    type Err = String;

    /// Accepts `support`, `oppose`, `neutral` or any non-empty prefix, any case.
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim().to_lowercase();
        if !s.is_empty() {
            for stance in Stance::ALL {
                if stance.as_str().starts_with(&s) {
                    return Ok(stance);
                }
            }
        }
        Err(format!(
            "stance must be support, oppose or neutral (or a prefix), not '{s}'"
        ))
    }
}

/// What kind of tag an annotation carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Claim,
    Advice,
    Position,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Claim, Kind::Advice, Kind::Position];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Claim => "claim",
            Kind::Advice => "advice",
            Kind::Position => "position",
        }
    }

    /// One-letter mark for the gutter.
    pub fn mark(self) -> char {
        match self {
            Kind::Claim => 'C',
            Kind::Advice => 'A',
            Kind::Position => 'P',
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_lowercase().as_str() {
            "claim" => Ok(Kind::Claim),
            "advice" => Ok(Kind::Advice),
            "position" => Ok(Kind::Position),
            other => Err(format!(
                "kind must be claim, advice or position, not '{other}'"
            )),
        }
    }
}

/// The one tag of an annotation. Externally tagged for RON (`Claim(by: "…")`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Tag {
    /// An assertion made by an actor.
    Claim { by: String },
    /// A recommendation from one actor to another.
    Advice { from: String, to: String },
    /// An actor's stance on an issue (actor × issue × stance).
    Position {
        actor: String,
        stance: Stance,
        issue: String,
    },
}

impl Tag {
    pub fn kind(&self) -> Kind {
        match self {
            Tag::Claim { .. } => Kind::Claim,
            Tag::Advice { .. } => Kind::Advice,
            Tag::Position { .. } => Kind::Position,
        }
    }

    /// Every actor the tag names, in field order.
    pub fn actors(&self) -> Vec<&str> {
        match self {
            Tag::Claim { by } => vec![by],
            Tag::Advice { from, to } => vec![from, to],
            Tag::Position { actor, .. } => vec![actor],
        }
    }

    /// The actor the tag is mainly about: claim `by`, advice `from`, position `actor`.
    pub fn primary_actor(&self) -> &str {
        match self {
            Tag::Claim { by } => by,
            Tag::Advice { from, .. } => from,
            Tag::Position { actor, .. } => actor,
        }
    }

    /// A short one-line summary, e.g. `Position: Nam Il opposes criticism`.
    pub fn summary(&self) -> String {
        match self {
            Tag::Claim { by } => format!("Claim by {by}"),
            Tag::Advice { from, to } => format!("Advice {from} → {to}"),
            Tag::Position {
                actor,
                stance,
                issue,
            } => format!("Position: {actor} {} {issue}", stance.verb()),
        }
    }
}

/// Where an adopted annotation came from (review: copied from another annotator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub annotator: String,
    pub id: String,
}

/// One annotation: a tag on a paragraph (or a quote inside it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Annotation {
    /// Stable id, unique across annotators (annotator-independent random part).
    pub id: String,
    pub tag: Tag,
    pub anchor: Anchor,
    #[serde(default)]
    pub note: Option<String>,
    /// RFC 3339 UTC.
    pub created: String,
    /// RFC 3339 UTC.
    pub modified: String,
    /// Set when adopted from another annotator's sidecar.
    #[serde(default)]
    pub origin: Option<Origin>,
}

impl Annotation {
    pub fn new(tag: Tag, anchor: Anchor) -> Annotation {
        Self::created_at(tag, anchor, now_rfc3339())
    }

    /// A new annotation with an explicit creation time (RFC 3339 UTC).
    pub fn created_at(tag: Tag, anchor: Anchor, now: String) -> Annotation {
        Annotation {
            id: new_id(),
            tag,
            anchor,
            note: None,
            created: now.clone(),
            modified: now,
            origin: None,
        }
    }

    pub fn kind(&self) -> Kind {
        self.tag.kind()
    }

    /// Mark as changed now.
    pub fn touch(&mut self) {
        self.modified = now_rfc3339();
    }
}

/// Current time, RFC 3339 UTC with milliseconds (`2026-11-28T04:21:02.123Z`).
/// Strictly increasing within a process, so annotations made in the same
/// millisecond still sort in the order they were made.
pub fn now_rfc3339() -> String {
    use std::sync::atomic::{AtomicI64, Ordering};
    static LAST: AtomicI64 = AtomicI64::new(0);
    let now = chrono::Utc::now().timestamp_millis();
    let mut prev = LAST.load(Ordering::Relaxed);
    let millis = loop {
        let next = now.max(prev + 1);
        match LAST.compare_exchange_weak(prev, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => break next,
            Err(p) => prev = p,
        }
    };
    chrono::DateTime::from_timestamp_millis(millis)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A new stable id: time-ordered, with random bits from the OS-seeded hasher so
/// two sessions creating annotations in the same millisecond still differ.
pub fn new_id() -> String {
    use std::collections::hash_map::RandomState;
    use std::hash::BuildHasher;
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let millis = chrono::Utc::now().timestamp_millis().max(0) as u64;
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let random = RandomState::new().hash_one((count, std::process::id(), millis));
    format!("{millis:011x}-{:08x}", random as u32)
}

/// Reduce an annotator name to `[A-Za-z0-9_-]` (SPEC §3). Empty → `anonymous`.
pub fn clean_annotator(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    if cleaned.is_empty() {
        "anonymous".to_string()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stance_accepts_prefixes() {
        assert_eq!("s".parse::<Stance>(), Ok(Stance::Support));
        assert_eq!("OPP".parse::<Stance>(), Ok(Stance::Oppose));
        assert_eq!("neutral".parse::<Stance>(), Ok(Stance::Neutral));
        assert!("".parse::<Stance>().is_err());
        assert!("x".parse::<Stance>().is_err());
        assert!("supports".parse::<Stance>().is_err());
    }

    #[test]
    fn annotator_names_are_reduced() {
        assert_eq!(clean_annotator("Ana María/../x"), "AnaMarax");
        assert_eq!(clean_annotator("kim_j-1"), "kim_j-1");
        assert_eq!(clean_annotator("한"), "anonymous");
    }

    #[test]
    fn times_strictly_increase() {
        let times: Vec<String> = (0..100).map(|_| now_rfc3339()).collect();
        assert!(times.windows(2).all(|w| w[0] < w[1]));
        assert!(
            times[0].ends_with('Z') && times[0].len() == 24,
            "{}",
            times[0]
        );
    }

    #[test]
    fn ids_are_unique_and_ordered() {
        let ids: Vec<String> = (0..1000).map(|_| new_id()).collect();
        let set: std::collections::HashSet<_> = ids.iter().collect();
        assert_eq!(set.len(), ids.len());
    }

    #[test]
    fn tag_actors_and_summary() {
        let t = Tag::Advice {
            from: "Petrov".into(),
            to: "Nam Il".into(),
        };
        assert_eq!(t.actors(), vec!["Petrov", "Nam Il"]);
        assert_eq!(t.primary_actor(), "Petrov");
        assert_eq!(t.kind(), Kind::Advice);
        let p = Tag::Position {
            actor: "Nam Il".into(),
            stance: Stance::Oppose,
            issue: "criticism".into(),
        };
        assert_eq!(p.summary(), "Position: Nam Il opposes criticism");
    }

    #[test]
    fn neutral_stance_reads_as_a_sentence_not_neutrals() {
        let p = Tag::Position {
            actor: "Nam Il".into(),
            stance: Stance::Neutral,
            issue: "criticism of Kim Il Sung".into(),
        };
        assert_eq!(
            p.summary(),
            "Position: Nam Il is neutral on criticism of Kim Il Sung"
        );
        for stance in Stance::ALL {
            assert_eq!(Stance::from_name(stance.as_str()), Some(stance));
            assert!(!stance.verb().ends_with("ls"), "{}", stance.verb());
        }
        assert_eq!(Stance::from_name("neut"), None);
    }
}
