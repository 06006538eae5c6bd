//! Text that helps: actor mentions found by explainable rules (no model).
//!
//! `fold` makes names comparable (case, hyphens, spaces, diacritics);
//! `mentions` finds who is named where and by which rule.

pub mod author;
pub mod cues;
pub mod fold;
pub mod mentions;

pub use cues::{Antecedent, CueRules, Suggestion};
pub use mentions::{Detected, Detector, FirstPass, Mention, Rule, Scratch, link_across};
