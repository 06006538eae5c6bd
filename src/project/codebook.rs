//! Changes to a codebook (the actors and issues of a project, or of one
//! sidecar's registry seen as a codebook): add and remove aliases, rename and
//! merge actors and issues, describe, define and group them, delete names.
//!
//! Pure: a [`Change`] applied to a [`Project`]'s `actors` and `issues`. The
//! TUI's codebook view applies each change to the project file and to the
//! sidecar's own registry, and rewrites the annotator's tags (see
//! [`Change::renames`]).

use super::{ActorEntry, IssueEntry, Project};
use crate::annotation::{Actor, Tag};

/// One change to a codebook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    AddAlias {
        actor: String,
        alias: String,
    },
    RemoveAlias {
        actor: String,
        alias: String,
    },
    /// The old name becomes an alias, so tags that use it still resolve.
    RenameActor {
        from: String,
        to: String,
    },
    /// `from` and its aliases become aliases of `into`.
    MergeActors {
        from: String,
        into: String,
    },
    DescribeActor {
        actor: String,
        text: String,
    },
    DeleteActor {
        actor: String,
    },
    RenameIssue {
        from: String,
        to: String,
    },
    MergeIssues {
        from: String,
        into: String,
    },
    DefineIssue {
        issue: String,
        text: String,
    },
    GroupIssue {
        issue: String,
        group: String,
    },
    DeleteIssue {
        issue: String,
    },
}

/// Which kind of name a rename rewrites in tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    Actor,
    Issue,
}

impl Change {
    /// The tag rewrite a change implies: `(kind, old name, new name)`.
    pub fn renames(&self) -> Option<(NameKind, &str, &str)> {
        match self {
            Change::RenameActor { from, to } => Some((NameKind::Actor, from, to)),
            Change::MergeActors { from, into } => Some((NameKind::Actor, from, into)),
            Change::RenameIssue { from, to } => Some((NameKind::Issue, from, to)),
            Change::MergeIssues { from, into } => Some((NameKind::Issue, from, into)),
            _ => None,
        }
    }

    /// What happened, for the status line.
    pub fn describe(&self) -> String {
        match self {
            Change::AddAlias { actor, alias } => format!("'{alias}' is now an alias of {actor}"),
            Change::RemoveAlias { actor, alias } => {
                format!("'{alias}' is no longer an alias of {actor}")
            }
            Change::RenameActor { from, to } => {
                format!("Renamed {from} to {to} ('{from}' kept as an alias)")
            }
            Change::MergeActors { from, into } => {
                format!("Merged {from} into {into} ('{from}' is now an alias)")
            }
            Change::DescribeActor { actor, .. } => format!("Description of {actor} saved"),
            Change::DeleteActor { actor } => format!("Deleted actor {actor}"),
            Change::RenameIssue { from, to } => format!("Renamed issue {from} to {to}"),
            Change::MergeIssues { from, into } => format!("Merged issue {from} into {into}"),
            Change::DefineIssue { issue, .. } => format!("Definition of {issue} saved"),
            Change::GroupIssue { issue, group } if group.trim().is_empty() => {
                format!("{issue} is in no group")
            }
            Change::GroupIssue { issue, group } => format!("{issue} is in group {}", group.trim()),
            Change::DeleteIssue { issue } => format!("Deleted issue {issue}"),
        }
    }
}

/// `Name [Variant]` as typed in a tag form (a translator's romanisation
/// pair): the name and the variant, both trimmed and non-empty.
pub fn split_variant(text: &str) -> Option<(String, String)> {
    let text = text.trim();
    let inner = text.strip_suffix(']')?;
    let open = inner.rfind('[')?;
    let name = inner[..open].trim();
    let variant = inner[open + 1..].trim();
    if name.is_empty() || variant.is_empty() || variant.contains(['[', ']']) {
        return None;
    }
    Some((name.to_string(), variant.to_string()))
}

/// `Name [Variant]` pairs written in a text (a translator's romanisation
/// pairs: `Pak Chang-ok [Pak Chang Ok]`), as typed in a form, in order, once
/// each. The name is the run of capitalised words just before the bracket
/// (at most four, stopping at punctuation); editorial brackets such as
/// `[sic]` or `[illegible]` start lowercase and are not pairs.
pub fn variant_pairs(text: &str) -> Vec<String> {
    let capitalised = |w: &str| {
        w.chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() && !c.is_lowercase())
    };
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    let mut before_len = 0;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']') else {
            break;
        };
        // A pair may break across lines: spacing is normalised.
        let variant = rest[open + 1..open + close]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let variant = variant.as_str();
        let before = &text[..before_len + open];
        rest = &rest[open + close + 1..];
        before_len = text.len() - rest.len();
        if !capitalised(variant) || variant.contains('[') {
            continue;
        }
        if before.ends_with(|c: char| !c.is_whitespace()) {
            // `word[x]` is no pair.
            continue;
        }
        let mut words: Vec<&str> = Vec::new();
        for w in before.split_whitespace().rev() {
            if words.len() == 4 || !capitalised(w) {
                break;
            }
            if !words.is_empty() && w.ends_with(|c: char| c.is_ascii_punctuation() && c != '-') {
                break;
            }
            words.push(w);
        }
        if words.is_empty() {
            continue;
        }
        words.reverse();
        let pair = format!("{} [{variant}]", words.join(" "));
        if !out.contains(&pair) {
            out.push(pair);
        }
    }
    out
}

fn key(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn non_empty(text: &str, what: &str) -> Result<String, String> {
    let t = text.trim();
    if t.is_empty() {
        Err(format!("{what} must not be empty"))
    } else {
        Ok(t.to_string())
    }
}

impl Project {
    /// A sidecar's registry (actors with aliases, issue names) as a codebook.
    pub fn from_registry(actors: &[Actor], issues: &[String]) -> Project {
        let mut p = Project::new();
        p.actors = actors
            .iter()
            .map(|a| ActorEntry {
                aliases: a.aliases.clone(),
                ..ActorEntry::new(&a.name)
            })
            .collect();
        p.issues = issues.iter().map(|i| IssueEntry::new(i)).collect();
        p.normalise();
        p
    }

    /// The codebook as a sidecar's registry (descriptions, attributes,
    /// definitions and groups have no place there).
    pub fn to_registry(&self) -> (Vec<Actor>, Vec<String>) {
        let actors = self
            .actors
            .iter()
            .map(|a| Actor {
                name: a.name.clone(),
                aliases: a.aliases.clone(),
            })
            .collect();
        (actors, self.issue_names())
    }

    /// The main name of the actor `name` names (its name or an alias).
    fn actor_index(&self, name: &str) -> Option<usize> {
        let k = key(name);
        self.actors
            .iter()
            .position(|a| key(&a.name) == k || a.aliases.iter().any(|x| key(x) == k))
    }

    fn actor_index_or_err(&self, name: &str) -> Result<usize, String> {
        self.actor_index(name)
            .ok_or_else(|| format!("No actor named '{}'", name.trim()))
    }

    fn issue_index(&self, name: &str) -> Result<usize, String> {
        let k = key(name);
        self.issues
            .iter()
            .position(|i| key(&i.name) == k || i.aliases.iter().any(|x| key(x) == k))
            .ok_or_else(|| format!("No issue named '{}'", name.trim()))
    }

    /// Apply `change` to the codebook; nothing changes when it is refused.
    pub fn apply(&mut self, change: &Change) -> Result<(), String> {
        match change {
            Change::AddAlias { actor, alias } => {
                let i = self.actor_index_or_err(actor)?;
                let alias = non_empty(alias, "An alias")?;
                if let Some(j) = self.actor_index(&alias) {
                    return Err(if i == j {
                        format!("'{alias}' already means {}", self.actors[i].name)
                    } else {
                        format!(
                            "'{alias}' is already {}: merge the two actors instead",
                            self.actors[j].name
                        )
                    });
                }
                self.actors[i].aliases.push(alias);
            }
            Change::RemoveAlias { actor, alias } => {
                let i = self.actor_index_or_err(actor)?;
                let a = &mut self.actors[i];
                let before = a.aliases.len();
                a.aliases.retain(|x| key(x) != key(alias));
                if a.aliases.len() == before {
                    return Err(format!("'{}' is not an alias of {}", alias.trim(), a.name));
                }
            }
            Change::RenameActor { from, to } => {
                let i = self.actor_index_or_err(from)?;
                let to = non_empty(to, "A name")?;
                if let Some(j) = self.actor_index(&to)
                    && j != i
                {
                    return Err(format!(
                        "'{to}' is already {}: merge the two actors instead",
                        self.actors[j].name
                    ));
                }
                let a = &mut self.actors[i];
                if a.name == to {
                    return Err(format!("{to} already has that name"));
                }
                let old = std::mem::replace(&mut a.name, to.clone());
                a.aliases.retain(|x| key(x) != key(&to));
                a.aliases.push(old);
            }
            Change::MergeActors { from, into } => {
                let i = self.actor_index_or_err(from)?;
                let j = self.actor_index_or_err(into)?;
                if i == j {
                    return Err(format!(
                        "{} and {} are one actor already",
                        from.trim(),
                        into.trim()
                    ));
                }
                let gone = self.actors.remove(i);
                let j = if j > i { j - 1 } else { j };
                let target = &mut self.actors[j];
                target.aliases.push(gone.name);
                target.aliases.extend(gone.aliases);
                if target.description.is_none() {
                    target.description = gone.description;
                }
                for (k, v) in gone.attributes {
                    target.attributes.entry(k).or_insert(v);
                }
            }
            Change::DescribeActor { actor, text } => {
                let i = self.actor_index_or_err(actor)?;
                let text = text.trim();
                self.actors[i].description = (!text.is_empty()).then(|| text.to_string());
            }
            Change::DeleteActor { actor } => {
                let i = self.actor_index_or_err(actor)?;
                self.actors.remove(i);
            }
            Change::RenameIssue { from, to } => {
                let i = self.issue_index(from)?;
                let to = non_empty(to, "An issue name")?;
                if let Ok(j) = self.issue_index(&to)
                    && j != i
                {
                    return Err(format!("Issue '{to}' exists: merge the two issues instead"));
                }
                let issue = &mut self.issues[i];
                if issue.name == to {
                    return Err(format!("{to} already has that name"));
                }
                // The old name stays an alias: colleagues' positions still use it.
                let old = std::mem::replace(&mut issue.name, to.clone());
                issue.aliases.retain(|x| key(x) != key(&to));
                issue.aliases.push(old);
            }
            Change::MergeIssues { from, into } => {
                let i = self.issue_index(from)?;
                let j = self.issue_index(into)?;
                if i == j {
                    return Err(format!("{} is {} already", from.trim(), into.trim()));
                }
                let gone = self.issues.remove(i);
                let j = if j > i { j - 1 } else { j };
                let target = &mut self.issues[j];
                target.aliases.push(gone.name);
                target.aliases.extend(gone.aliases);
                if target.definition.is_none() {
                    target.definition = gone.definition;
                }
                if target.group.is_none() {
                    target.group = gone.group;
                }
            }
            Change::DefineIssue { issue, text } => {
                let i = self.issue_index(issue)?;
                let text = text.trim();
                self.issues[i].definition = (!text.is_empty()).then(|| text.to_string());
            }
            Change::GroupIssue { issue, group } => {
                let i = self.issue_index(issue)?;
                let group = group.trim();
                self.issues[i].group = (!group.is_empty()).then(|| group.to_string());
            }
            Change::DeleteIssue { issue } => {
                let i = self.issue_index(issue)?;
                self.issues.remove(i);
            }
        }
        self.normalise();
        Ok(())
    }
}

/// `tag` with every use of the name `from` (case and spacing ignored)
/// replaced by `to`; `None` when the tag does not use it.
pub fn rename_in_tag(tag: &Tag, kind: NameKind, from: &str, to: &str) -> Option<Tag> {
    let from = key(from);
    let swap = |s: &String| {
        if key(s) == from {
            to.to_string()
        } else {
            s.clone()
        }
    };
    let renamed = match (tag, kind) {
        (Tag::Claim { by }, NameKind::Actor) => Tag::Claim { by: swap(by) },
        (Tag::Advice { from: f, to: t }, NameKind::Actor) => Tag::Advice {
            from: swap(f),
            to: swap(t),
        },
        (
            Tag::Position {
                actor,
                stance,
                issue,
            },
            NameKind::Actor,
        ) => Tag::Position {
            actor: swap(actor),
            stance: *stance,
            issue: issue.clone(),
        },
        (
            Tag::Position {
                actor,
                stance,
                issue,
            },
            NameKind::Issue,
        ) => Tag::Position {
            actor: actor.clone(),
            stance: *stance,
            issue: swap(issue),
        },
        _ => return None,
    };
    (renamed != *tag).then_some(renamed)
}

/// Issues as a registry of names with aliases (the same lookup as actors).
fn issue_registry(issues: &[IssueEntry]) -> crate::annotation::ActorRegistry {
    crate::annotation::ActorRegistry::new(
        issues
            .iter()
            .map(|i| Actor {
                name: i.name.clone(),
                aliases: i.aliases.clone(),
            })
            .collect(),
    )
}

impl Project {
    /// The codebook's main name of the issue `name` names (by name or alias).
    pub(crate) fn issue_owning(&self, name: &str) -> Option<String> {
        issue_registry(&self.issues)
            .find(name)
            .map(|a| a.name.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> Project {
        let mut p = Project::new();
        p.actors = vec![ActorEntry::new("Pak Chang Ok"), ActorEntry::new("Nam Il")];
        p.actors[0].aliases.push("박창옥".into());
        p.issues = vec![
            IssueEntry::new("personality cult"),
            IssueEntry::new("cult of personality"),
        ];
        p.normalise();
        p
    }

    fn names(p: &Project) -> Vec<(String, Vec<String>)> {
        p.actors
            .iter()
            .map(|a| (a.name.clone(), a.aliases.clone()))
            .collect()
    }

    #[test]
    fn split_variant_takes_the_bracketed_spelling() {
        assert_eq!(
            split_variant(" Pak Chang-ok [Pak Chang Ok] "),
            Some(("Pak Chang-ok".into(), "Pak Chang Ok".into()))
        );
        assert_eq!(split_variant("Pak Chang-ok"), None);
        assert_eq!(split_variant("[Pak]"), None);
        assert_eq!(split_variant("Pak []"), None);
    }

    #[test]
    fn variant_pairs_are_read_from_a_paragraph() {
        let text = "Nam Il met in his apartment with Pak Chang-ok [Pak Chang Ok]. \
                    Functionaries, including Choe Chang-ik [Choe Chang\nIk], spoke [sic] \
                    to the History Program at [email protected] and Kim[x].";
        assert_eq!(
            variant_pairs(text),
            [
                "Pak Chang-ok [Pak Chang Ok]",
                "Choe Chang-ik [Choe Chang Ik]"
            ]
        );
        assert_eq!(
            variant_pairs("In Pyongyang, Nam Il [남일] said"),
            ["Nam Il [남일]"]
        );
    }

    #[test]
    fn rename_keeps_the_old_name_as_an_alias() {
        let mut p = book();
        p.apply(&Change::RenameActor {
            from: "pak chang ok".into(),
            to: "Pak Chang-ok".into(),
        })
        .unwrap();
        assert_eq!(
            names(&p)[1],
            (
                "Pak Chang-ok".into(),
                vec!["박창옥".into(), "Pak Chang Ok".into()]
            )
        );
        // Renaming onto another actor's name is refused: that is a merge.
        let err = p
            .apply(&Change::RenameActor {
                from: "Nam Il".into(),
                to: "박창옥".into(),
            })
            .unwrap_err();
        assert!(err.contains("merge"), "{err}");
    }

    #[test]
    fn merge_makes_one_actor_the_others_alias() {
        let mut p = book();
        p.apply(&Change::MergeActors {
            from: "박창옥".into(),
            into: "Nam Il".into(),
        })
        .unwrap();
        assert_eq!(
            names(&p),
            vec![(
                "Nam Il".to_string(),
                vec!["Pak Chang Ok".to_string(), "박창옥".to_string()]
            )]
        );
    }

    #[test]
    fn aliases_are_added_once_and_removed_by_name() {
        let mut p = book();
        let add = Change::AddAlias {
            actor: "Nam Il".into(),
            alias: "Nam Ir".into(),
        };
        p.apply(&add).unwrap();
        assert!(p.apply(&add).unwrap_err().contains("already"));
        let taken = Change::AddAlias {
            actor: "Nam Il".into(),
            alias: "pak chang ok".into(),
        };
        assert!(p.apply(&taken).unwrap_err().contains("merge"));
        p.apply(&Change::RemoveAlias {
            actor: "Nam Il".into(),
            alias: "nam ir".into(),
        })
        .unwrap();
        assert!(p.actor("Nam Il").unwrap().aliases.is_empty());
    }

    #[test]
    fn issues_merge_define_and_group() {
        let mut p = book();
        p.apply(&Change::DefineIssue {
            issue: "cult of personality".into(),
            text: "Praise of Kim Il Sung".into(),
        })
        .unwrap();
        p.apply(&Change::MergeIssues {
            from: "cult of personality".into(),
            into: "personality cult".into(),
        })
        .unwrap();
        p.apply(&Change::GroupIssue {
            issue: "personality cult".into(),
            group: "Leadership".into(),
        })
        .unwrap();
        assert_eq!(p.issues.len(), 1);
        assert_eq!(
            p.issues[0].definition.as_deref(),
            Some("Praise of Kim Il Sung")
        );
        assert_eq!(p.issues[0].group.as_deref(), Some("Leadership"));
    }

    /// Issue #10: a renamed (or merged) issue keeps its old name as an alias,
    /// so colleagues' positions that use it still resolve.
    #[test]
    fn a_renamed_or_merged_issue_keeps_the_old_name_as_an_alias() {
        let mut p = book();
        p.apply(&Change::RenameIssue {
            from: "personality cult".into(),
            to: "Cult of personality (Kim Il Sung)".into(),
        })
        .unwrap();
        assert_eq!(
            p.issue_owning("personality cult").as_deref(),
            Some("Cult of personality (Kim Il Sung)")
        );
        p.apply(&Change::MergeIssues {
            from: "cult of personality".into(),
            into: "Cult of personality (Kim Il Sung)".into(),
        })
        .unwrap();
        assert_eq!(p.issues.len(), 1);
        assert_eq!(
            p.issues[0].aliases,
            vec!["personality cult", "cult of personality"]
        );
        // Renaming back to the old name is a rename, not a clash.
        p.apply(&Change::RenameIssue {
            from: "Cult of personality (Kim Il Sung)".into(),
            to: "personality cult".into(),
        })
        .unwrap();
        assert_eq!(p.issues[0].name, "personality cult");
        assert!(!p.issues[0].aliases.contains(&"personality cult".into()));
    }

    #[test]
    fn tags_are_rewritten_only_where_they_use_the_name() {
        let tag = Tag::Advice {
            from: "pak chang ok".into(),
            to: "Nam Il".into(),
        };
        assert_eq!(
            rename_in_tag(&tag, NameKind::Actor, "Pak Chang Ok", "Pak Chang-ok"),
            Some(Tag::Advice {
                from: "Pak Chang-ok".into(),
                to: "Nam Il".into()
            })
        );
        assert_eq!(rename_in_tag(&tag, NameKind::Issue, "Nam Il", "x"), None);
    }
}
