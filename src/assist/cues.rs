//! Tag suggestions from cue phrases: "Pak told Nam Il that …" suggests a
//! claim by Pak, "it would be desirable for Nam Il to …" advice to Nam Il,
//! "Nam Il did not support …" a position. Every suggestion names the rule
//! that made it and the cue words it saw, so the user can judge it.
//!
//! The rules are data (RON): built-in defaults (`cues.ron` beside this file)
//! extended by a user file, as user keymaps extend the default keymap. The
//! actors come from mentions already detected in the paragraph (see
//! [`super::mentions`]). Pure: a paragraph's text and mentions in,
//! suggestions out.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;

use super::mentions::{Mention, Rule};
use crate::annotation::{Kind, Stance, Tag};

/// The built-in rules (English).
pub const BUILTIN: &str = include_str!("cues.ron");
/// The user's rules file in the config folder.
pub const USER_FILE: &str = "cues.ron";

/// Words a wildcard `*` in a cue may stand for.
const WILDCARD_MAX: usize = 3;
/// How many words the holder may stand before the cue ("Nam Il, in his own
/// words, wanted …" is eight).
const HOLDER_REACH: usize = 10;
/// The addressee starts within this many words after the cue ("told Nam
/// Il": the first; "suggested to Nam Il": the second).
const ADDRESSEE_REACH: usize = 2;
/// A negator this many words before the cue negates it ("did not support").
const NEGATION_REACH: usize = 3;
/// Longest complement taken as an issue (words, determiners included).
const ISSUE_MAX_WORDS: usize = 8;

/// Words that stand between a name and a cue as the verb's own subject:
/// "Pak Chang-ok who …", "… Kim Il Sung, he said …" — the name is then not
/// the holder.
const SUBJECT_PRONOUNS: &[&str] = &["he", "she", "they", "we", "it", "who", "which", "you"];
/// Subject pronouns resolved to the actor named last before them: "he" and
/// "she" to a person, "they" to a body (see [`GROUP_WORDS`]). The text's
/// genders are not known, so "he" and "she" are treated alike.
const RESOLVED_PRONOUNS: &[&str] = &["he", "she", "they"];
/// Words that make a name a body of people rather than a person: "they"
/// may stand for it, "he" and "she" may not.
const GROUP_WORDS: &[&str] = &[
    "government",
    "party",
    "committee",
    "delegation",
    "embassy",
    "ministry",
    "department",
    "council",
    "presidium",
    "union",
    "commission",
    "bureau",
    "office",
    "army",
    "command",
    "mission",
    "secretariat",
    "politburo",
    "assembly",
    "congress",
    "senate",
    "parliament",
    "cabinet",
    "republic",
    "kingdom",
    "states",
    "nations",
    "agency",
    "forces",
    "navy",
    "group",
    "front",
    "league",
    "organization",
    "organisation",
    "koreans",
    "chinese",
    "soviets",
    "americans",
    "british",
    "french",
    "japanese",
    "allies",
];
/// Words that end a short complement ("supported the plan because …").
const CLAUSE_WORDS: &[&str] = &[
    "that", "and", "but", "because", "since", "so", "which", "who", "if", "when", "while", "as",
    "although", "though", "unless", "until",
];
/// Objects that name no issue.
const PRONOUNS: &[&str] = &[
    "it", "this", "that", "them", "him", "her", "me", "us", "you", "so",
];
/// Determiners left out at the start of an issue.
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "this", "that", "these", "those", "his", "her", "their", "its", "our", "my",
    "your",
];
/// Abbreviations after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "gen", "col", "lt", "adm", "sen", "gov", "rep", "st", "prof", "capt",
    "maj", "sgt", "mme", "no", "vol", "cf", "vs", "etc", "jr", "sr",
];

/// The kind of tag a rule suggests (as written in rules files).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum RuleKind {
    Claim,
    Advice,
    Position,
}

impl From<RuleKind> for Kind {
    fn from(k: RuleKind) -> Kind {
        match k {
            RuleKind::Claim => Kind::Claim,
            RuleKind::Advice => Kind::Advice,
            RuleKind::Position => Kind::Position,
        }
    }
}

/// Where a rule looks for an actor, relative to the cue.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
pub enum Place {
    /// The last name before the cue in its sentence (the subject).
    Before,
    /// The first name right after the cue.
    After,
    #[default]
    Nowhere,
}

/// One cue-phrase rule.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CueRule {
    pub kind: RuleKind,
    /// Phrases matched as whole words in any case; `*` is one to three words.
    pub cues: Vec<String>,
    /// Who claims, advises or holds the position.
    #[serde(default)]
    pub holder: Place,
    /// Who is told or advised.
    #[serde(default)]
    pub addressee: Place,
    /// A position's stance (neutral when left out).
    #[serde(default)]
    pub stance: Option<Stance>,
    /// The stance when the cue is negated; without one a negated cue makes
    /// no suggestion.
    #[serde(default)]
    pub negated_stance: Option<Stance>,
    /// Take a short complement after the cue as the position's issue.
    #[serde(default)]
    pub issue: bool,
    /// When not empty, the word before the cue must be one of these: a bare
    /// verb ("did not support") rather than a noun ("would receive support").
    #[serde(default)]
    pub preceded_by: Vec<String>,
}

/// A rules file as written: the built-in one, or a user's that extends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RulesFile {
    /// Words that negate a cue just after them (added to the defaults).
    pub negators: Vec<String>,
    /// Rules by name: a name already known is replaced.
    pub rules: BTreeMap<String, CueRule>,
    /// Rule names switched off.
    pub disable: Vec<String>,
}

/// A rules file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{path}:{line}:{column}: {message}")]
pub struct CuesError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A cue phrase split into words; `None` is a wildcard.
type Phrase = Vec<Option<String>>;

/// The rules in force, compiled for matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CueRules {
    negators: Vec<String>,
    /// By name (the order suggestions are tried in).
    rules: Vec<(String, CueRule, Vec<Phrase>)>,
}

/// A tag the text suggests, with the rule and words that suggest it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub kind: Kind,
    /// The rule's name (several when rules agree on one tag).
    pub rule: String,
    /// The cue words, as code point spans of the paragraph (end exclusive).
    pub cues: Vec<(usize, usize)>,
    /// Claim `by`, advice `from`, position `actor`; `None` when the text
    /// does not name them where the rule looks.
    pub holder: Option<String>,
    /// Advice `to`.
    pub addressee: Option<String>,
    pub stance: Option<Stance>,
    pub issue: Option<String>,
    /// The holder came from a pronoun subject ("He said …"): which pronoun
    /// and where its actor was last named.
    pub antecedent: Option<Antecedent>,
}

/// A pronoun subject resolved to the actor named last before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Antecedent {
    /// The pronoun as the text has it ("He").
    pub pronoun: String,
    /// The paragraph (0-based) of the mention it resolved to.
    pub paragraph: usize,
}

impl Suggestion {
    /// The tag it suggests; fields the text does not fill are empty.
    pub fn tag(&self) -> Tag {
        let holder = self.holder.clone().unwrap_or_default();
        match self.kind {
            Kind::Claim => Tag::Claim { by: holder },
            Kind::Advice => Tag::Advice {
                from: holder,
                to: self.addressee.clone().unwrap_or_default(),
            },
            Kind::Position => Tag::Position {
                actor: holder,
                stance: self.stance.unwrap_or(Stance::Neutral),
                issue: self.issue.clone().unwrap_or_default(),
            },
        }
    }

    /// One line: the tag, `?` for what the text does not say.
    pub fn summary(&self) -> String {
        let name = |n: &Option<String>| n.clone().unwrap_or_else(|| "?".to_string());
        match self.kind {
            Kind::Claim => format!("Claim by {}", name(&self.holder)),
            Kind::Advice => format!("Advice {} → {}", name(&self.holder), name(&self.addressee)),
            Kind::Position => format!(
                "Position: {} {} {}",
                name(&self.holder),
                self.stance.unwrap_or(Stance::Neutral).verb(),
                name(&self.issue)
            ),
        }
    }

    /// Why: the rule and the cue words as the text has them, `…` where
    /// other words stand between (`advice-said-should: “said that … should”`).
    pub fn explain(&self, paragraph: &str) -> String {
        let chars: Vec<char> = paragraph.chars().collect();
        let at = |i: usize| i.min(chars.len());
        let mut shown = String::new();
        let mut last: Option<usize> = None;
        for &(s, e) in &self.cues {
            if let Some(prev) = last {
                let between = &chars[at(prev)..at(s).max(at(prev))];
                shown.push_str(if between.iter().all(|c| c.is_whitespace()) {
                    " "
                } else {
                    " … "
                });
            }
            shown.extend(&chars[at(s)..at(e).max(at(s))]);
            last = Some(e);
        }
        let mut out = format!("{}: “{}”", self.rule, shown);
        if let (Some(a), Some(holder)) = (&self.antecedent, &self.holder) {
            out.push_str(&format!(
                "; {} → {holder}, last named in ¶{}",
                a.pronoun.to_lowercase(),
                a.paragraph + 1
            ));
        }
        out
    }
}

impl fmt::Display for Suggestion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.summary())
    }
}

impl Default for CueRules {
    fn default() -> Self {
        CueRules::builtin()
    }
}

impl CueRules {
    /// The built-in rules.
    pub fn builtin() -> CueRules {
        match parse(BUILTIN, Path::new("cues.ron")) {
            Ok(file) => CueRules::from_file(file),
            // Shipped with the binary and parsed by a unit test.
            Err(e) => unreachable!("the built-in cue rules do not parse: {e}"),
        }
    }

    fn from_file(file: RulesFile) -> CueRules {
        let mut rules = CueRules {
            negators: Vec::new(),
            rules: Vec::new(),
        };
        rules.extend(file);
        rules
    }

    /// Add a user's rules: same names replace, new names add, `disable`
    /// removes, negators are added.
    pub fn extend(&mut self, file: RulesFile) {
        for n in file.negators {
            let n = n.to_lowercase();
            if !self.negators.contains(&n) {
                self.negators.push(n);
            }
        }
        for (name, rule) in file.rules {
            // The longest phrase first: "objected to" before "objected".
            let mut phrases: Vec<Phrase> = rule.cues.iter().map(|c| phrase(c)).collect();
            phrases.sort_by_key(|p| std::cmp::Reverse(p.len()));
            self.rules.retain(|(n, _, _)| *n != name);
            self.rules.push((name, rule, phrases));
        }
        self.rules.retain(|(n, _, _)| !file.disable.contains(n));
        self.rules.sort_by(|a, b| a.0.cmp(&b.0));
    }

    /// The built-in rules extended by `<dir>/cues.ron` when there is one; a
    /// broken file is reported (file:line:column) and the defaults are used.
    pub fn load(dir: Option<&Path>) -> (CueRules, Option<String>) {
        let mut rules = CueRules::builtin();
        let Some(dir) = dir else {
            return (rules, None);
        };
        let path = dir.join(USER_FILE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (rules, None),
            Err(e) => {
                return (
                    rules,
                    Some(format!(
                        "{}: {e}; using the built-in cue rules",
                        path.display()
                    )),
                );
            }
        };
        match parse(&text, &path) {
            Ok(file) => {
                rules.extend(file);
                (rules, None)
            }
            Err(e) => (rules, Some(format!("{e}; using the built-in cue rules"))),
        }
    }

    /// Names of the rules in force.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|(n, _, _)| n.as_str())
    }

    /// Suggestions for one paragraph whose detected `mentions` are given,
    /// without the paragraph before it (see [`CueRules::suggest_after`]).
    pub fn suggest(&self, text: &str, mentions: &[Mention]) -> Vec<Suggestion> {
        self.suggest_after(text, mentions, &[])
    }

    /// Suggestions for one paragraph whose detected `mentions` are given,
    /// with the mentions of the paragraph `before` it, where a pronoun
    /// subject ("He said …") finds its actor when this paragraph names none
    /// before the pronoun. A mention's `paragraph` is only used to say where
    /// the actor was named. One suggestion per distinct tag: rules that
    /// agree add their cue words and names to the first.
    pub fn suggest_after(
        &self,
        text: &str,
        mentions: &[Mention],
        before: &[Mention],
    ) -> Vec<Suggestion> {
        let chars: Vec<char> = text.chars().collect();
        let words = words_of(&chars);
        if words.is_empty() {
            return Vec::new();
        }
        let sentence = sentences(&chars, &words);
        let mut mentions: Vec<&Mention> = mentions.iter().collect();
        mentions.sort_by_key(|m| (m.start, m.end));
        let names: Vec<Name> = mentions
            .iter()
            .filter_map(|m| {
                let first = words.iter().position(|w| w.end > m.start)?;
                let last = words.iter().rposition(|w| w.start < m.end)?;
                (first <= last).then(|| Name {
                    first,
                    last,
                    actor: m.actor.to_string(),
                    paragraph: m.paragraph,
                    author: m.rule == Rule::Pronoun,
                })
            })
            .collect();
        let mut earlier: Vec<&Mention> = before.iter().collect();
        earlier.sort_by_key(|m| std::cmp::Reverse((m.start, m.end)));
        let antecedents = Antecedents {
            names: &names,
            earlier: &earlier,
        };
        let mut out: Vec<Suggestion> = Vec::new();
        for (name, rule, phrases) in &self.rules {
            let mut taken_until = 0;
            for at in 0..words.len() {
                if at < taken_until {
                    continue;
                }
                let Some(matched) = phrases
                    .iter()
                    .find_map(|p| match_phrase(p, &words, &sentence, at))
                else {
                    continue;
                };
                taken_until = matched.end;
                if let Some(s) = self.apply(
                    name,
                    rule,
                    &matched,
                    &chars,
                    &words,
                    &sentence,
                    &antecedents,
                ) {
                    match out.iter_mut().find(|o| o.tag() == s.tag()) {
                        Some(o) => {
                            o.cues.extend(s.cues);
                            o.cues.sort_unstable();
                            o.cues.dedup();
                            if !o.rule.split(", ").any(|r| r == s.rule) {
                                o.rule = format!("{}, {}", o.rule, s.rule);
                            }
                        }
                        None => out.push(s),
                    }
                }
            }
        }
        out.sort_by_key(|s| s.cues.first().copied());
        out
    }

    /// The suggestion `rule` makes of a cue matched at `matched`, if any.
    #[allow(clippy::too_many_arguments)]
    fn apply(
        &self,
        name: &str,
        rule: &CueRule,
        matched: &Matched,
        chars: &[char],
        words: &[Word],
        sentence: &[usize],
        antecedents: &Antecedents,
    ) -> Option<Suggestion> {
        let names = antecedents.names;
        let first = matched.literal[0];
        let here = sentence[first];
        if !rule.preceded_by.is_empty() {
            let verb = (first.saturating_sub(1)..first)
                .filter(|&i| sentence[i] == here)
                .any(|i| {
                    let w = &words[i].lower;
                    w.ends_with("n't") || rule.preceded_by.iter().any(|p| p.to_lowercase() == *w)
                });
            if !verb {
                return None;
            }
        }
        let negated = (first.saturating_sub(NEGATION_REACH)..first)
            .filter(|&i| sentence[i] == here)
            .any(|i| {
                let w = &words[i].lower;
                w.ends_with("n't") || self.negators.iter().any(|n| n == w)
            });
        let stance = match (rule.kind, negated) {
            (RuleKind::Position, false) => Some(rule.stance.unwrap_or(Stance::Neutral)),
            (RuleKind::Position, true) => Some(rule.negated_stance?),
            (_, true) => return None,
            (_, false) => None,
        };
        // The subject before the cue: the last name in its sentence, or the
        // actor a pronoun subject between them stands for ("Pak, who said …"
        // names no holder; "He said …" the actor named last before "He").
        let before = || -> Option<Subject> {
            let name = names
                .iter()
                .filter(|n| n.last < first && sentence[n.first] == here)
                .max_by_key(|n| n.last);
            let from = match name {
                Some(n) => n.last + 1,
                None => (0..first)
                    .rev()
                    .take_while(|&i| sentence[i] == here)
                    .last()?,
            };
            let pronoun = (from..first)
                .rev()
                .find(|&i| SUBJECT_PRONOUNS.contains(&words[i].lower.as_str()));
            match pronoun {
                Some(p) if first - p - 1 <= HOLDER_REACH => {
                    antecedents.of(words, p).map(|(n, paragraph)| Subject {
                        actor: n,
                        antecedent: Some(Antecedent {
                            pronoun: chars[words[p].start..words[p].end].iter().collect(),
                            paragraph,
                        }),
                    })
                }
                Some(_) => None,
                None => {
                    let n = name?;
                    (first - n.last - 1 <= HOLDER_REACH).then(|| Subject {
                        actor: n.actor.clone(),
                        antecedent: None,
                    })
                }
            }
        };
        // A name after the cue: right after it, or inside its wildcards.
        let after = |not: Option<&str>| {
            names.iter().find(|n| {
                let inside = n.first > first && n.first < matched.end;
                let right_after = n.first >= matched.end && n.first < matched.end + ADDRESSEE_REACH;
                (inside || right_after)
                    && sentence[n.first] == here
                    && !matched.literal.contains(&n.first)
                    && not.is_none_or(|x| x != n.actor)
            })
        };
        let named = |n: &Name| Subject {
            actor: n.actor.clone(),
            antecedent: None,
        };
        let holder = match rule.holder {
            Place::Before => before(),
            Place::After => after(None).map(named),
            Place::Nowhere => None,
        };
        let (addressee, addressee_name) = match rule.addressee {
            Place::Before => (
                before()
                    .filter(|n| n.antecedent.is_none())
                    .filter(|n| holder.as_ref().is_none_or(|h| h.actor != n.actor))
                    .map(|n| n.actor),
                None,
            ),
            Place::After => {
                let n = after(holder.as_ref().map(|h| h.actor.as_str()));
                (n.map(|n| n.actor.clone()), n)
            }
            Place::Nowhere => (None, None),
        };
        let issue = (rule.kind == RuleKind::Position && rule.issue)
            .then(|| complement(chars, words, sentence, matched.end, addressee_name, names))
            .flatten();
        Some(Suggestion {
            kind: rule.kind.into(),
            rule: name.to_string(),
            cues: matched
                .literal
                .iter()
                .map(|&i| (words[i].start, words[i].end))
                .collect(),
            antecedent: holder.as_ref().and_then(|h| h.antecedent.clone()),
            holder: holder.map(|h| h.actor),
            addressee,
            stance,
            issue,
        })
    }
}

/// Parse a rules file; errors name `path`, line and column.
pub fn parse(text: &str, path: &Path) -> Result<RulesFile, CuesError> {
    let shown = path.display().to_string();
    let file: RulesFile = crate::sidecar::ron_options()
        .from_str(text)
        .map_err(|e| CuesError {
            path: shown.clone(),
            line: e.span.start.line,
            column: e.span.start.col,
            message: e.code.to_string(),
        })?;
    // Cues that could never match (or would match anything) are errors too,
    // placed at the rule's name.
    for (name, rule) in &file.rules {
        let bad = rule.cues.iter().find(|c| {
            let p = phrase(c);
            p.is_empty() || p.first() == Some(&None) || p.last() == Some(&None)
        });
        if rule.cues.is_empty() || bad.is_some() {
            let (line, column) = position_of(text, &format!("\"{name}\""));
            let message = match bad {
                Some(c) => format!(
                    "rule '{name}': the cue \"{c}\" must begin and end with a word (`*` only between words)"
                ),
                None => format!("rule '{name}' has no cues"),
            };
            return Err(CuesError {
                path: shown,
                line,
                column,
                message,
            });
        }
    }
    Ok(file)
}

/// 1-based line and column of the first `needle` in `text` (1:1 if absent).
fn position_of(text: &str, needle: &str) -> (usize, usize) {
    let Some(at) = text.find(needle) else {
        return (1, 1);
    };
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

fn phrase(cue: &str) -> Phrase {
    let mut out = Vec::new();
    for part in cue.split_whitespace() {
        if part == "*" {
            out.push(None);
        } else {
            let part_chars: Vec<char> = part.chars().collect();
            out.extend(words_of(&part_chars).into_iter().map(|w| Some(w.lower)));
        }
    }
    out
}

/// A word of the paragraph: code point span and lowercase form.
#[derive(Debug, Clone)]
struct Word {
    start: usize,
    end: usize,
    lower: String,
}

/// A detected name as a run of words.
#[derive(Debug, Clone)]
struct Name {
    first: usize,
    last: usize,
    actor: String,
    /// The mention's paragraph (for saying where a pronoun's actor was named).
    paragraph: usize,
    /// "I" or "me": the author, whom no third-person pronoun stands for.
    author: bool,
}

/// Who a rule found where it looks: a name, or a pronoun's antecedent.
struct Subject {
    actor: String,
    antecedent: Option<Antecedent>,
}

/// Where a pronoun subject looks for its actor: the names of its own
/// paragraph before it, then those of the paragraph before (latest first).
struct Antecedents<'a> {
    names: &'a [Name],
    earlier: &'a [&'a Mention],
}

impl Antecedents<'_> {
    /// The actor the pronoun at word `at` stands for, and the paragraph it
    /// was named in: the most recent compatible mention, `None` when there
    /// is none (or the word is not a pronoun that is resolved).
    fn of(&self, words: &[Word], at: usize) -> Option<(String, usize)> {
        let pronoun = words[at].lower.as_str();
        if !RESOLVED_PRONOUNS.contains(&pronoun) {
            return None;
        }
        let fits = |actor: &str, author: bool| !author && (pronoun == "they") == is_group(actor);
        if let Some(n) = self
            .names
            .iter()
            .filter(|n| n.last < at && fits(&n.actor, n.author))
            .max_by_key(|n| n.last)
        {
            return Some((n.actor.clone(), n.paragraph));
        }
        self.earlier
            .iter()
            .find(|m| fits(&m.actor, m.rule == Rule::Pronoun))
            .map(|m| (m.actor.to_string(), m.paragraph))
    }
}

/// Does `actor` name a body of people ("the Central Committee")?
fn is_group(actor: &str) -> bool {
    actor
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| GROUP_WORDS.contains(&w.to_lowercase().as_str()))
}

/// A cue phrase found: its literal words (indices) and the word after it.
#[derive(Debug, Clone)]
struct Matched {
    literal: Vec<usize>,
    end: usize,
}

fn is_inner(c: char) -> bool {
    matches!(c, '\'' | '’' | '-' | '‐' | '‑')
}

/// Words: letters and digits, with apostrophes and hyphens inside them.
fn words_of(chars: &[char]) -> Vec<Word> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (chars[i].is_alphanumeric()
                || (is_inner(chars[i]) && chars.get(i + 1).is_some_and(|c| c.is_alphanumeric())))
        {
            i += 1;
        }
        let lower: String = chars[start..i]
            .iter()
            .collect::<String>()
            .to_lowercase()
            .replace('’', "'");
        out.push(Word {
            start,
            end: i,
            lower,
        });
    }
    out
}

/// The sentence number of each word: a new sentence after `.`, `!`, `?` or
/// `;`, unless the full stop follows an initial or an abbreviation.
fn sentences(chars: &[char], words: &[Word]) -> Vec<usize> {
    let mut out = Vec::with_capacity(words.len());
    let mut n = 0;
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            let prev = &words[i - 1];
            let gap = &chars[prev.end..w.start];
            let stop = gap.iter().any(|c| matches!(c, '!' | '?' | ';'))
                || (gap.contains(&'.')
                    && !(prev.end - prev.start == 1 && chars[prev.start].is_uppercase())
                    && !ABBREVIATIONS.contains(&prev.lower.as_str()));
            if stop {
                n += 1;
            }
        }
        out.push(n);
    }
    out
}

/// `phrase` matched at word `at`, within one sentence.
fn match_phrase(phrase: &Phrase, words: &[Word], sentence: &[usize], at: usize) -> Option<Matched> {
    fn go(
        phrase: &[Option<String>],
        words: &[Word],
        sentence: &[usize],
        at: usize,
        here: usize,
        literal: &mut Vec<usize>,
    ) -> Option<usize> {
        let Some((head, rest)) = phrase.split_first() else {
            return Some(at);
        };
        match head {
            Some(word) => {
                let w = words.get(at)?;
                if sentence[at] != here || w.lower != *word {
                    return None;
                }
                literal.push(at);
                let found = go(rest, words, sentence, at + 1, here, literal);
                if found.is_none() {
                    literal.pop();
                }
                found
            }
            None => (1..=WILDCARD_MAX).find_map(|skip| {
                let next = at + skip;
                if next > words.len() || sentence[next - 1] != here {
                    return None;
                }
                go(rest, words, sentence, next, here, literal)
            }),
        }
    }
    let here = *sentence.get(at)?;
    let mut literal = Vec::new();
    let end = go(phrase, words, sentence, at, here, &mut literal)?;
    Some(Matched { literal, end })
}

/// A short complement from word `from` to a clause break: the position's
/// issue, determiners left out. `None` when it is long, empty, or a name.
fn complement(
    chars: &[char],
    words: &[Word],
    sentence: &[usize],
    from: usize,
    addressee: Option<&Name>,
    names: &[Name],
) -> Option<String> {
    let mut start = match addressee {
        Some(n) if n.first >= from => n.last + 1,
        _ => from,
    };
    let here = sentence.get(from.saturating_sub(1)).copied()?;
    if names.iter().any(|n| n.first == start) {
        return None;
    }
    let mut end = start;
    while end < words.len() && sentence[end] == here {
        if end > start {
            let gap = &chars[words[end - 1].end..words[end].start];
            if gap
                .iter()
                .any(|c| matches!(c, ',' | ';' | ':' | '.' | '(' | ')'))
            {
                break;
            }
        }
        if CLAUSE_WORDS.contains(&words[end].lower.as_str()) && end > start {
            break;
        }
        end += 1;
        if end - start > ISSUE_MAX_WORDS {
            return None;
        }
    }
    while start < end && DETERMINERS.contains(&words[start].lower.as_str()) {
        start += 1;
    }
    // "opposed it": a pronoun says nothing about the issue.
    if end - start == 1 && PRONOUNS.contains(&words[start].lower.as_str()) {
        return None;
    }
    (start < end).then(|| {
        chars[words[start].start..words[end - 1].end]
            .iter()
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Mentions of the given surfaces (each found at its first occurrence
    /// after the previous one), resolved to `actor`.
    fn mentions(text: &str, names: &[(&str, &str)]) -> Vec<Mention> {
        let mut from = 0;
        names
            .iter()
            .map(|(surface, actor)| {
                let at = text[from..].find(surface).map(|i| i + from).unwrap_or(0);
                from = at + surface.len();
                Mention {
                    paragraph: 0,
                    start: text[..at].chars().count(),
                    end: text[..at].chars().count() + surface.chars().count(),
                    surface: (*surface).into(),
                    actor: (*actor).into(),
                    rule: Rule::Known,
                }
            })
            .collect()
    }

    fn tags(text: &str, names: &[(&str, &str)]) -> Vec<(String, Tag)> {
        CueRules::builtin()
            .suggest(text, &mentions(text, names))
            .into_iter()
            .map(|s| (s.rule.clone(), s.tag()))
            .collect()
    }

    fn claim(by: &str) -> Tag {
        Tag::Claim { by: by.into() }
    }

    fn advice(from: &str, to: &str) -> Tag {
        Tag::Advice {
            from: from.into(),
            to: to.into(),
        }
    }

    fn position(actor: &str, stance: Stance, issue: &str) -> Tag {
        Tag::Position {
            actor: actor.into(),
            stance,
            issue: issue.into(),
        }
    }

    #[test]
    fn the_builtin_rules_parse() {
        let rules = CueRules::builtin();
        assert!(rules.names().any(|n| n == "claim-said"));
        assert!(rules.names().count() >= 7);
    }

    #[test]
    fn claims_name_the_speaker_before_the_verb() {
        let text = "Pak told Nam Il that a group was prepared to speak out.";
        let got = tags(text, &[("Pak", "Pak Chang-ok"), ("Nam Il", "Nam Il")]);
        assert_eq!(got, vec![("claim-said".into(), claim("Pak Chang-ok"))]);
        let s = &CueRules::builtin().suggest(
            text,
            &mentions(text, &[("Pak", "Pak Chang-ok"), ("Nam Il", "Nam Il")]),
        )[0];
        assert_eq!(s.cues, vec![(4, 8)]);
        assert_eq!(s.addressee.as_deref(), Some("Nam Il"));
        assert_eq!(s.explain(text), "claim-said: “told”");
    }

    #[test]
    fn according_to_names_the_speaker_after_it() {
        let text = "According to Wang, the talks had failed.";
        assert_eq!(
            tags(text, &[("Wang", "Wang Ping-nan")]),
            vec![("claim-according-to".into(), claim("Wang Ping-nan"))]
        );
    }

    #[test]
    fn a_claim_without_a_named_speaker_leaves_the_actor_empty() {
        let text = "He said that the talks had failed.";
        let got = CueRules::builtin().suggest(text, &[]);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].holder, None);
        assert_eq!(got[0].summary(), "Claim by ?");
    }

    /// `mentions`, numbered as paragraph `paragraph`.
    fn mentions_in(text: &str, paragraph: usize, names: &[(&str, &str)]) -> Vec<Mention> {
        mentions(text, names)
            .into_iter()
            .map(|m| Mention { paragraph, ..m })
            .collect()
    }

    #[test]
    fn he_resolves_to_the_person_named_last_in_the_paragraph() {
        let text = "Nam Il agreed with me. He thinks that it would be good to warn Kim Il Sung.";
        let names = [("Nam Il", "Nam Il"), ("me", "Petrov")];
        let mut found = mentions_in(text, 9, &names);
        found[1].rule = Rule::Pronoun;
        let got = CueRules::builtin().suggest(text, &found);
        let claim = got.iter().find(|s| s.kind == Kind::Claim).expect("a claim");
        // "me" is the author, whom "he" never stands for.
        assert_eq!(claim.holder.as_deref(), Some("Nam Il"));
        assert_eq!(
            claim.explain(text),
            "claim-said: “thinks that”; he → Nam Il, last named in ¶10"
        );
        let advice = got.iter().find(|s| s.kind == Kind::Advice).expect("advice");
        assert_eq!(advice.holder.as_deref(), Some("Nam Il"));
    }

    #[test]
    fn she_resolves_to_the_paragraph_before_when_this_one_names_nobody() {
        let before_text = "Pak Chang-ok visited Nam Il at his apartment.";
        let before = mentions_in(
            before_text,
            5,
            &[("Pak Chang-ok", "Pak Chang-ok"), ("Nam Il", "Nam Il")],
        );
        let text = "She urged him to join the group.";
        let got = CueRules::builtin().suggest_after(text, &[], &before);
        assert_eq!(got.len(), 1);
        // The most recent mention: the object of the sentence before, as
        // the rule says (no grammar is parsed).
        assert_eq!(got[0].tag(), advice("Nam Il", ""));
        assert_eq!(
            got[0].explain(text),
            "advice-advised: “urged”; she → Nam Il, last named in ¶6"
        );
        let text = "He said that the plenum would be postponed.";
        let got = CueRules::builtin().suggest_after(text, &[], &before[..1]);
        assert_eq!(got[0].tag(), claim("Pak Chang-ok"));
    }

    #[test]
    fn the_paragraph_itself_comes_before_the_paragraph_before() {
        let before = mentions_in("Eden spoke.", 2, &[("Eden", "Anthony Eden")]);
        let text = "Molotov arrived late. He said that the talks had failed.";
        let got = CueRules::builtin().suggest_after(
            text,
            &mentions_in(text, 3, &[("Molotov", "Molotov")]),
            &before,
        );
        assert_eq!(got[0].tag(), claim("Molotov"));
        assert_eq!(
            got[0].antecedent,
            Some(Antecedent {
                pronoun: "He".into(),
                paragraph: 3
            })
        );
    }

    #[test]
    fn they_resolves_to_a_body_and_he_never_does() {
        let before = mentions_in(
            "The Central Committee met Pak.",
            0,
            &[("Central Committee", "Central Committee"), ("Pak", "Pak")],
        );
        let text = "They opposed the plan.";
        let got = CueRules::builtin().suggest_after(text, &[], &before);
        assert_eq!(
            got[0].tag(),
            position("Central Committee", Stance::Oppose, "plan")
        );
        let before = mentions_in(
            "Pak met the Central Committee.",
            0,
            &[("Pak", "Pak"), ("Central Committee", "Central Committee")],
        );
        let got = CueRules::builtin().suggest_after("He opposed the plan.", &[], &before);
        assert_eq!(got[0].holder.as_deref(), Some("Pak"));
        // Only persons before: "they" stays unresolved.
        let people = mentions_in("Pak met Choe.", 0, &[("Pak", "Pak"), ("Choe", "Choe")]);
        let got = CueRules::builtin().suggest_after(text, &[], &people);
        assert_eq!(got[0].holder, None);
        assert_eq!(got[0].summary(), "Position: ? opposes plan");
    }

    #[test]
    fn a_pronoun_without_an_antecedent_stays_unnamed() {
        let text = "He said that the talks had failed.";
        let author = mentions_in("I met him.", 0, &[("I", "Petrov")])
            .into_iter()
            .map(|m| Mention {
                rule: Rule::Pronoun,
                ..m
            })
            .collect::<Vec<_>>();
        for before in [&[][..], &author[..]] {
            let got = CueRules::builtin().suggest_after(text, &[], before);
            assert_eq!(got[0].holder, None);
            assert_eq!(got[0].antecedent, None);
            assert_eq!(got[0].explain(text), "claim-said: “said”");
        }
    }

    #[test]
    fn a_name_before_a_pronoun_subject_is_not_the_speaker() {
        let text = "Nam Il met Pak, who said nothing new.";
        let got = CueRules::builtin().suggest(
            text,
            &mentions(text, &[("Nam Il", "Nam Il"), ("Pak", "Pak")]),
        );
        assert_eq!(got[0].holder, None);
    }

    #[test]
    fn advice_names_who_advises_and_whom() {
        let text = "Pak said that it would be desirable for Nam Il to join that group.";
        let got = tags(text, &[("Pak", "Pak Chang-ok"), ("Nam Il", "Nam Il")]);
        assert!(got.contains(&("advice-desirable".into(), advice("Pak Chang-ok", "Nam Il"))));
        assert!(got.contains(&("claim-said".into(), claim("Pak Chang-ok"))));
        let text = "Dulles urged Eden to wait.";
        assert_eq!(
            tags(
                text,
                &[("Dulles", "John Foster Dulles"), ("Eden", "Anthony Eden")]
            ),
            vec![(
                "advice-advised".into(),
                advice("John Foster Dulles", "Anthony Eden")
            )]
        );
    }

    #[test]
    fn said_that_someone_should_is_advice_with_wildcard_cues() {
        let text = "I said that he should in some way influence Pak Chang-ok.";
        let got = CueRules::builtin().suggest(
            text,
            &mentions(text, &[("I", "Petrov"), ("Pak Chang-ok", "Pak Chang-ok")]),
        );
        let advice = got.iter().find(|s| s.kind == Kind::Advice).expect("advice");
        assert_eq!(advice.holder.as_deref(), Some("Petrov"));
        // `he` is no name: the addressee is left for the user.
        assert_eq!(advice.addressee, None);
        // The literal words are the cue; the wildcard is not.
        assert_eq!(
            advice.explain(text),
            "advice-said-should: “said that … should”"
        );
    }

    #[test]
    fn positions_take_the_stance_from_the_verb_and_a_short_issue() {
        let text = "Molotov supported the neutralisation of Korea, but Dulles opposed it.";
        let got = tags(text, &[("Molotov", "Molotov"), ("Dulles", "Dulles")]);
        assert_eq!(
            got,
            vec![
                (
                    "position-support".into(),
                    position("Molotov", Stance::Support, "neutralisation of Korea")
                ),
                (
                    "position-oppose".into(),
                    position("Dulles", Stance::Oppose, "")
                ),
            ]
        );
        let text = "Nam Il insisted on the withdrawal of all foreign troops.";
        assert_eq!(
            tags(text, &[("Nam Il", "Nam Il")]),
            vec![(
                "position-support".into(),
                position(
                    "Nam Il",
                    Stance::Support,
                    "withdrawal of all foreign troops"
                )
            )]
        );
    }

    #[test]
    fn negation_turns_support_into_opposition_and_opposition_into_neutrality() {
        let text = "Eden did not support the proposal.";
        assert_eq!(
            tags(text, &[("Eden", "Eden")]),
            vec![(
                "position-support-verb".into(),
                position("Eden", Stance::Oppose, "proposal")
            )]
        );
        // The noun is no cue.
        assert!(
            tags(
                "Pak would receive support from the members.",
                &[("Pak", "Pak")]
            )
            .is_empty()
        );
        let text = "Eden was not opposed to a conference.";
        assert_eq!(
            tags(text, &[("Eden", "Eden")]),
            vec![(
                "position-oppose".into(),
                position("Eden", Stance::Neutral, "conference")
            )]
        );
        // A negated claim is no claim.
        assert!(tags("Eden never said that he would come.", &[("Eden", "Eden")]).is_empty());
        assert!(tags("Eden didn't say so.", &[("Eden", "Eden")]).is_empty());
    }

    #[test]
    fn long_complements_and_names_make_no_issue() {
        let text = "Nam Il agreed with me.";
        let got = tags(text, &[("Nam Il", "Nam Il"), ("me", "Petrov")]);
        assert_eq!(
            got,
            vec![(
                "position-support".into(),
                position("Nam Il", Stance::Support, "")
            )]
        );
        let text = "Chou rejected every one of the many proposals made at Geneva in the spring.";
        assert_eq!(
            tags(text, &[("Chou", "Chou En-lai")]),
            vec![(
                "position-oppose".into(),
                position("Chou En-lai", Stance::Oppose, "")
            )]
        );
    }

    #[test]
    fn cues_and_names_stay_within_their_sentence() {
        // `Mr.` and an initial do not end a sentence; a full stop does.
        let text = "Mr. U. A. Johnson spoke. Then Wang said it was late.";
        let got = tags(
            text,
            &[("U. A. Johnson", "U. Alexis Johnson"), ("Wang", "Wang")],
        );
        assert_eq!(got, vec![("claim-said".into(), claim("Wang"))]);
        let text = "Mr. Johnson said so.";
        assert_eq!(
            tags(text, &[("Johnson", "Johnson")]),
            vec![("claim-said".into(), claim("Johnson"))]
        );
    }

    #[test]
    fn a_user_file_replaces_adds_and_disables_rules() {
        let user = r#"(
            negators: ["nicht"],
            rules: {
                "claim-sagte": (kind: Claim, cues: ["sagte"], holder: Before),
                "claim-said": (kind: Claim, cues: ["whispered"], holder: Before),
            },
            disable: ["claim-according-to"],
        )"#;
        let mut rules = CueRules::builtin();
        rules.extend(parse(user, Path::new("cues.ron")).expect("parses"));
        let names: Vec<&str> = rules.names().collect();
        assert!(names.contains(&"claim-sagte"));
        assert!(!names.contains(&"claim-according-to"));
        let m = |t: &str| mentions(t, &[("Pak", "Pak")]);
        let t = "Pak sagte, es sei spät.";
        assert_eq!(rules.suggest(t, &m(t)).len(), 1);
        assert!(
            rules
                .suggest("Pak nicht sagte es.", &m("Pak nicht sagte es."))
                .is_empty()
        );
        // `claim-said` was replaced: "said" no longer cues it.
        let t = "Pak said it.";
        assert!(rules.suggest(t, &m(t)).is_empty());
        let t = "Pak whispered it.";
        assert_eq!(rules.suggest(t, &m(t))[0].rule, "claim-said");
    }

    #[test]
    fn a_broken_user_file_is_reported_with_line_and_column_and_defaults_stay() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join(USER_FILE),
            "(\n  rules: {\n    \"x\": (kind: Clam, cues: [\"a\"]),\n  },\n)",
        )
        .expect("write");
        let (rules, warning) = CueRules::load(Some(dir.path()));
        let warning = warning.expect("a warning");
        assert!(warning.contains("cues.ron:3:"), "{warning}");
        assert!(!warning.contains('\n'));
        assert_eq!(rules, CueRules::builtin());
        // A cue that is only a wildcard is refused at the rule's name.
        std::fs::write(
            dir.path().join(USER_FILE),
            "(\n  rules: {\n    \"y\": (kind: Claim, cues: [\"* said\"]),\n  },\n)",
        )
        .expect("write");
        let (_, warning) = CueRules::load(Some(dir.path()));
        assert!(
            warning
                .expect("a warning")
                .contains("cues.ron:3:5: rule 'y'")
        );
    }
}
