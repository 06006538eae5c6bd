//! The tag form: one field per tag part, with completion from the registry.
//!
//! Field order follows SPEC §5 (claim `by`; advice `from`, `to`; position
//! `actor`, `stance`, `issue`). Completions are listed under the focused field;
//! Down/Up highlight one and only a highlighted completion is taken (by Tab or
//! Enter) — otherwise the typed text stands.

use super::input::TextInput;
use crate::annotation::registry::complete_issue;
use crate::annotation::{ActorResolver, Annotation, Kind, Stance, Tag};

/// Where a field's completions come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Completion {
    Actor,
    Stance,
    Issue,
    /// Free text (the optional quote): nothing to complete.
    Quote,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    pub label: &'static str,
    pub input: TextInput,
    pub completion: Completion,
}

impl Field {
    fn new(label: &'static str, completion: Completion) -> Field {
        Field {
            label,
            input: TextInput::default(),
            completion,
        }
    }
}

/// The open tag form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagForm {
    pub kind: Kind,
    pub fields: Vec<Field>,
    pub focus: usize,
    /// Highlighted completion of the focused field.
    pub highlight: Option<usize>,
    /// Id of the annotation being edited; `None` for a new one.
    pub editing: Option<String>,
    /// The annotation as it was when the form opened on it: the base against
    /// which a change made underneath (another session) is recognised.
    pub opened: Option<Box<Annotation>>,
    /// 0-based paragraph the tag goes on.
    pub paragraph: usize,
    /// `Name [Variant]` pairs written in the paragraph, offered for actor
    /// fields (saving one stores Name and makes Variant its alias).
    pub proposals: Vec<String>,
    /// Byte range in the paragraph of the quote the form opened with (a
    /// selection, or the annotation being edited): the occurrence kept while
    /// the quote field still holds exactly that text.
    pub quote_at: Option<(usize, usize)>,
    /// Actors offered first, best first: those named in the paragraph, then
    /// the most recently tagged.
    pub preferred_actors: Vec<String>,
    /// Issues offered first: the most recently tagged first.
    pub preferred_issues: Vec<String>,
    /// Tag all from a search: the tag goes on every hit (see `tag_all`).
    pub all: Option<super::tag_all::Scope>,
}

/// Where a form's quote sits in its paragraph.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteSpan {
    /// No quote: the annotation is about the whole paragraph.
    Whole,
    /// This byte range of the paragraph's text.
    At(usize, usize),
    /// The quote is not in the paragraph.
    NotFound,
}

/// Most completions listed under a field.
pub const MAX_COMPLETIONS: usize = 6;

impl TagForm {
    pub fn new(kind: Kind, paragraph: usize) -> TagForm {
        let fields = match kind {
            Kind::Claim => vec![Field::new("by", Completion::Actor)],
            Kind::Advice => vec![
                Field::new("from", Completion::Actor),
                Field::new("to", Completion::Actor),
            ],
            Kind::Position => vec![
                Field::new("actor", Completion::Actor),
                Field::new("stance", Completion::Stance),
                Field::new("issue", Completion::Issue),
            ],
        };
        // After the tag's own fields: optional words of the paragraph that
        // narrow the annotation to a quote.
        let mut fields = fields;
        fields.push(Field::new("quote", Completion::Quote));
        TagForm {
            kind,
            fields,
            focus: 0,
            highlight: None,
            editing: None,
            opened: None,
            paragraph,
            proposals: Vec::new(),
            quote_at: None,
            preferred_actors: Vec::new(),
            preferred_issues: Vec::new(),
            all: None,
        }
    }

    /// A new form whose quote is the byte range `start..end` of the
    /// paragraph's text (a selection): nothing is retyped.
    pub fn with_quote(
        kind: Kind,
        paragraph: usize,
        paragraph_text: &str,
        (start, end): (usize, usize),
    ) -> TagForm {
        let mut form = TagForm::new(kind, paragraph);
        if let Some(quote) = paragraph_text.get(start..end) {
            let at = form.quote_field();
            form.fields[at].input.set(quote);
            form.quote_at = Some((start, end));
        }
        form
    }

    /// Where in `paragraph_text` the quote goes: the occurrence the form
    /// opened with while the field still holds it, else the first occurrence
    /// of what was typed.
    pub fn quote_span(&self, paragraph_text: &str) -> QuoteSpan {
        let Some(quote) = self.quote() else {
            return QuoteSpan::Whole;
        };
        if let Some((s, e)) = self.quote_at
            && let Some(at) = paragraph_text.get(s..e)
        {
            // The field is trimmed: keep the occurrence, minus trimmed blanks.
            if let Some(offset) = at.find(quote)
                && at.trim() == quote
            {
                return QuoteSpan::At(s + offset, s + offset + quote.len());
            }
        }
        match crate::document::search::find_all(paragraph_text, quote).first() {
            Some(&(s, e)) => QuoteSpan::At(s, e),
            None => QuoteSpan::NotFound,
        }
    }

    /// A form filled from an existing annotation, for editing; its quote keeps
    /// the occurrence it has in `paragraph_text`.
    pub fn edit(annotation: &Annotation, paragraph: usize, paragraph_text: &str) -> TagForm {
        let mut form = TagForm::new(annotation.kind(), paragraph);
        let values: Vec<String> = match &annotation.tag {
            Tag::Claim { by } => vec![by.clone()],
            Tag::Advice { from, to } => vec![from.clone(), to.clone()],
            Tag::Position {
                actor,
                stance,
                issue,
            } => vec![actor.clone(), stance.to_string(), issue.clone()],
        };
        for (f, v) in form.fields.iter_mut().zip(values) {
            f.input.set(&v);
        }
        if annotation.anchor.narrowed
            && let Some(last) = form.fields.last_mut()
        {
            last.input.set(&annotation.anchor.quote);
            form.quote_at = annotation.anchor.quote_range(paragraph_text);
        }
        form.editing = Some(annotation.id.clone());
        form.opened = Some(Box::new(annotation.clone()));
        form
    }

    pub fn focused(&self) -> &Field {
        &self.fields[self.focus]
    }

    pub fn focused_mut(&mut self) -> &mut Field {
        &mut self.fields[self.focus]
    }

    /// Completions for the focused field's text.
    pub fn candidates(&self, registry: &ActorResolver, issues: &[String]) -> Vec<String> {
        let typed = self.focused().input.text.trim();
        let mut list = match self.focused().completion {
            Completion::Actor => {
                let mut names = registry.complete(typed);
                let key = typed.to_lowercase();
                names.extend(
                    self.proposals
                        .iter()
                        .filter(|p| p.to_lowercase().contains(&key))
                        .filter(|p| {
                            // Offered until the variant is known as an alias.
                            crate::project::codebook::split_variant(p)
                                .is_some_and(|(_, variant)| !registry.knows(&variant))
                        })
                        .cloned(),
                );
                // Names detected in the paragraph are offered even before
                // any registry knows them.
                for p in &self.preferred_actors {
                    if !names.contains(p) && !registry.knows(p) && p.to_lowercase().contains(&key) {
                        names.push(p.clone());
                    }
                }
                names
            }
            Completion::Issue => complete_issue(issues, typed),
            Completion::Quote => Vec::new(),
            Completion::Stance => Stance::ALL
                .iter()
                .map(|s| s.as_str().to_string())
                .filter(|s| s.starts_with(&typed.to_lowercase()))
                .collect(),
        };
        // The likeliest first (stable: the rest keep their order).
        let preferred = match self.focused().completion {
            Completion::Actor => &self.preferred_actors,
            Completion::Issue => &self.preferred_issues,
            _ => &Vec::new(),
        };
        if !preferred.is_empty() {
            // Completions that begin with what was typed still come first.
            let typed_lower = typed.to_lowercase();
            let begins = |c: &str| {
                let spellings: Vec<String> = match registry.spellings_of(c) {
                    Some(all) => all.to_vec(),
                    None => vec![c.to_string()],
                };
                spellings
                    .iter()
                    .any(|s| s.to_lowercase().starts_with(&typed_lower))
            };
            list.sort_by_key(|c| {
                (
                    !begins(c),
                    preferred.iter().position(|p| p == c).unwrap_or(usize::MAX),
                )
            });
        }
        // An actor another field of the form holds already (advice's
        // `from`, when `to` is asked) comes last: advice to oneself is
        // rarely meant, and the first completion is the one highlighted.
        if self.focused().completion == Completion::Actor {
            let elsewhere: Vec<String> = self
                .fields
                .iter()
                .enumerate()
                .filter(|(i, f)| *i != self.focus && f.completion == Completion::Actor)
                .map(|(_, f)| registry.resolve(f.input.text.trim()))
                .filter(|name| !name.is_empty())
                .collect();
            if !elsewhere.is_empty() {
                list.sort_by_key(|c| elsewhere.contains(&registry.resolve(c)));
            }
        }
        // An exact match needs no completion.
        if list.len() == 1 && list[0] == typed {
            list.clear();
        }
        list.truncate(MAX_COMPLETIONS);
        list
    }

    /// Move the highlight down (`+1`) or up (`-1`) through `count` completions.
    pub fn move_highlight(&mut self, delta: isize, count: usize) {
        if count == 0 {
            self.highlight = None;
            return;
        }
        self.highlight = match (self.highlight, delta > 0) {
            (None, true) => Some(0),
            (None, false) => Some(count - 1),
            (Some(i), true) if i + 1 < count => Some(i + 1),
            (Some(_), true) => None,
            (Some(0), false) => None,
            (Some(i), false) => Some(i - 1),
        };
    }

    /// Put the highlighted completion (if any) into the focused field.
    pub fn take_highlight(&mut self, registry: &ActorResolver, issues: &[String]) {
        if let Some(i) = self.highlight.take()
            && let Some(choice) = self.candidates(registry, issues).get(i)
        {
            let choice = choice.clone();
            self.focused_mut().input.set(&choice);
        }
    }

    /// On an empty actor or issue field, highlight the likeliest completion:
    /// Tab or Enter takes it. Nothing typed is ever replaced — typing clears
    /// the highlight (SPEC §5) — so a name is one key when it is the likely one.
    pub fn suggest(&mut self, registry: &ActorResolver, issues: &[String]) {
        let field = self.focused();
        if field.input.text.trim().is_empty()
            && matches!(field.completion, Completion::Actor | Completion::Issue)
            && !self.candidates(registry, issues).is_empty()
        {
            self.highlight = Some(0);
        }
    }

    pub fn next_field(&mut self) {
        self.focus = (self.focus + 1) % self.fields.len();
        self.highlight = None;
    }

    pub fn prev_field(&mut self) {
        self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
        self.highlight = None;
    }

    /// The optional quote, trimmed; `None` when empty.
    pub fn quote(&self) -> Option<&str> {
        self.fields
            .iter()
            .find(|f| f.completion == Completion::Quote)
            .map(|f| f.input.text.trim())
            .filter(|q| !q.is_empty())
    }

    /// Index of the quote field.
    pub fn quote_field(&self) -> usize {
        self.fields.len() - 1
    }

    /// The form with every actor field typed as `Name [Variant]` cut to
    /// `Name`, and the `(main name, variant)` pairs that were cut.
    pub fn split_variants(&self, registry: &ActorResolver) -> (TagForm, Vec<(String, String)>) {
        let mut form = self.clone();
        let mut variants = Vec::new();
        for f in form
            .fields
            .iter_mut()
            .filter(|f| f.completion == Completion::Actor)
        {
            if let Some((name, variant)) = crate::project::codebook::split_variant(&f.input.text) {
                f.input.set(&name);
                variants.push((registry.resolve(&name), variant));
            }
        }
        (form, variants)
    }

    /// The tag the form describes, with actor names in the registry's spelling.
    /// On error: the field to focus and what is wrong.
    pub fn to_tag(&self, registry: &ActorResolver) -> Result<Tag, (usize, String)> {
        let value = |i: usize| self.fields[i].input.text.trim().to_string();
        let actor = |i: usize| {
            let v = value(i);
            if v.is_empty() {
                Err((i, format!("{} is empty", self.fields[i].label)))
            } else {
                Ok(registry.resolve(&v))
            }
        };
        match self.kind {
            Kind::Claim => Ok(Tag::Claim { by: actor(0)? }),
            Kind::Advice => Ok(Tag::Advice {
                from: actor(0)?,
                to: actor(1)?,
            }),
            Kind::Position => {
                let actor = actor(0)?;
                let stance: Stance = value(1).parse().map_err(|e| (1, e))?;
                let issue = value(2);
                if issue.is_empty() {
                    return Err((2, "issue is empty".into()));
                }
                Ok(Tag::Position {
                    actor,
                    stance,
                    issue,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::annotation::Actor;

    fn registry() -> ActorResolver {
        ActorResolver::of([vec![
            Actor {
                name: "Nam Il".into(),
                aliases: vec![],
            },
            Actor {
                name: "Pak Chang-ok".into(),
                aliases: vec!["Pak Chang Ok".into()],
            },
        ]
        .as_slice()])
    }

    #[test]
    fn typed_text_stands_unless_a_completion_is_highlighted() {
        let r = registry();
        let mut f = TagForm::new(Kind::Claim, 0);
        f.focused_mut().input.set("Na");
        f.take_highlight(&r, &[]);
        assert_eq!(f.fields[0].input.text, "Na");
        let n = f.candidates(&r, &[]).len();
        f.move_highlight(1, n);
        f.take_highlight(&r, &[]);
        assert_eq!(f.fields[0].input.text, "Nam Il");
    }

    #[test]
    fn position_validates_stance_prefix_and_issue() {
        let r = registry();
        let mut f = TagForm::new(Kind::Position, 0);
        f.fields[0].input.set("pak chang ok");
        f.fields[1].input.set("opp");
        assert_eq!(f.to_tag(&r).unwrap_err().0, 2);
        f.fields[2].input.set("criticism");
        assert_eq!(
            f.to_tag(&r).unwrap(),
            Tag::Position {
                actor: "Pak Chang-ok".into(),
                stance: Stance::Oppose,
                issue: "criticism".into()
            }
        );
        f.fields[1].input.set("x");
        assert_eq!(f.to_tag(&r).unwrap_err().0, 1);
    }

    #[test]
    fn a_quote_from_a_selection_keeps_its_occurrence_until_retyped() {
        let text = "the party met; later the party left.";
        let second = text.rfind("the party").unwrap();
        let mut f = TagForm::with_quote(Kind::Claim, 0, text, (second, second + 9));
        assert_eq!(f.quote(), Some("the party"));
        assert_eq!(f.quote_span(text), QuoteSpan::At(second, second + 9));
        // Typed by hand, a quote takes its first occurrence.
        let at = f.quote_field();
        f.fields[at].input.set("the party");
        f.quote_at = None;
        assert_eq!(f.quote_span(text), QuoteSpan::At(0, 9));
        f.fields[at].input.set("the hall");
        assert_eq!(f.quote_span(text), QuoteSpan::NotFound);
        f.fields[at].input.set("");
        assert_eq!(f.quote_span(text), QuoteSpan::Whole);
    }

    #[test]
    fn advice_to_offers_the_adviser_last() {
        let r = registry();
        let mut f = TagForm::new(Kind::Advice, 0);
        f.preferred_actors = vec!["Pak Chang-ok".into(), "Nam Il".into()];
        f.fields[0].input.set("Pak Chang Ok");
        f.next_field();
        f.suggest(&r, &[]);
        assert_eq!(f.highlight, Some(0));
        assert_eq!(
            f.candidates(&r, &[]),
            vec!["Nam Il".to_string(), "Pak Chang-ok".to_string()]
        );
        f.take_highlight(&r, &[]);
        assert_eq!(f.fields[1].input.text, "Nam Il");
    }

    #[test]
    fn highlight_cycles() {
        let mut f = TagForm::new(Kind::Claim, 0);
        f.move_highlight(1, 2);
        assert_eq!(f.highlight, Some(0));
        f.move_highlight(1, 2);
        f.move_highlight(1, 2);
        assert_eq!(f.highlight, None);
        f.move_highlight(-1, 2);
        assert_eq!(f.highlight, Some(1));
    }
}
