//! Editing the codebook: aliases, renames, merges and removals of actors and
//! issues, keeping every name that was ever used resolvable.
//!
//! A rename or merge never loses a name: the old one becomes an alias, so
//! tags in colleagues' sidecars (which store names, not ids) still resolve
//! to the same actor or issue. Names compare as [`ActorRegistry::find`] does
//! (case and spacing ignored).

use super::{ActorEntry, IssueEntry, Project};
use crate::annotation::{Actor, ActorRegistry};

/// Why a codebook edit was refused (a sentence for the status line).
pub type EditError = String;

fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Issues as a registry of names with aliases (the same lookup as actors).
fn issue_registry(issues: &[IssueEntry]) -> ActorRegistry {
    ActorRegistry::new(
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
    /// The codebook's name for the issue `name` names (by name or alias),
    /// or `name` trimmed when it is not in the codebook.
    pub fn canonical_issue(&self, name: &str) -> String {
        issue_registry(&self.issues).canonical(name)
    }

    /// Who owns `name` as a name or alias: `Some(main name)`.
    fn actor_owning(&self, name: &str) -> Option<String> {
        self.registry().find(name).map(|a| a.name.clone())
    }

    pub(crate) fn issue_owning(&self, name: &str) -> Option<String> {
        issue_registry(&self.issues)
            .find(name)
            .map(|a| a.name.clone())
    }

    /// Add `alias` to `actor`. Refused when another actor already has that
    /// name or alias (merge them instead).
    pub fn add_actor_alias(&mut self, actor: &str, alias: &str) -> Result<(), EditError> {
        let alias = alias.trim();
        if alias.is_empty() {
            return Err("an alias cannot be empty".into());
        }
        let owner = self.actor_owning(alias);
        let entry = self
            .actor_mut(actor)
            .ok_or_else(|| format!("no actor '{actor}' in the codebook"))?;
        match owner {
            Some(o) if o == entry.name => Ok(()),
            Some(o) => Err(format!(
                "'{alias}' already names '{o}': merge the two actors instead"
            )),
            None => {
                entry.aliases.push(alias.to_string());
                Ok(())
            }
        }
    }

    /// Remove `alias` from `actor`. Returns whether it was there.
    pub fn remove_actor_alias(&mut self, actor: &str, alias: &str) -> bool {
        let Some(entry) = self.actor_mut(actor) else {
            return false;
        };
        let before = entry.aliases.len();
        entry.aliases.retain(|a| fold(a) != fold(alias));
        entry.aliases.len() != before
    }

    /// Rename an actor; the old name becomes an alias. Refused when the new
    /// name belongs to another actor (merge instead).
    pub fn rename_actor(&mut self, old: &str, new: &str) -> Result<(), EditError> {
        let new = new.trim();
        if new.is_empty() {
            return Err("a name cannot be empty".into());
        }
        if let Some(owner) = self.actor_owning(new)
            && owner != old
        {
            return Err(format!(
                "'{new}' already names '{owner}': merge the two actors instead"
            ));
        }
        let entry = self
            .actor_mut(old)
            .ok_or_else(|| format!("no actor '{old}' in the codebook"))?;
        entry.aliases.retain(|a| fold(a) != fold(new));
        entry.aliases.insert(0, old.to_string());
        entry.name = new.to_string();
        self.normalise();
        Ok(())
    }

    /// Merge actor `from` into `into`: `from`'s name and aliases become
    /// aliases of `into`; its description and attributes fill what `into`
    /// lacks.
    pub fn merge_actors(&mut self, from: &str, into: &str) -> Result<(), EditError> {
        if from == into {
            return Err("an actor cannot be merged into itself".into());
        }
        let pos = self
            .actors
            .iter()
            .position(|a| a.name == from)
            .ok_or_else(|| format!("no actor '{from}' in the codebook"))?;
        if self.actor(into).is_none() {
            return Err(format!("no actor '{into}' in the codebook"));
        }
        let gone: ActorEntry = self.actors.remove(pos);
        if let Some(entry) = self.actor_mut(into) {
            entry.aliases.push(gone.name);
            entry.aliases.extend(gone.aliases);
            if entry.description.is_none() {
                entry.description = gone.description;
            }
            for (k, v) in gone.attributes {
                entry.attributes.entry(k).or_insert(v);
            }
        }
        self.normalise();
        Ok(())
    }

    /// Remove an actor from the codebook (the caller checks it is unused).
    pub fn remove_actor(&mut self, name: &str) -> bool {
        let before = self.actors.len();
        self.actors.retain(|a| a.name != name);
        self.actors.len() != before
    }

    /// Rename an issue; the old name becomes an alias.
    pub fn rename_issue(&mut self, old: &str, new: &str) -> Result<(), EditError> {
        let new = new.trim();
        if new.is_empty() {
            return Err("a name cannot be empty".into());
        }
        if let Some(owner) = self.issue_owning(new)
            && owner != old
        {
            return Err(format!(
                "'{new}' already names the issue '{owner}': merge the two issues instead"
            ));
        }
        let entry = self
            .issues
            .iter_mut()
            .find(|i| i.name == old)
            .ok_or_else(|| format!("no issue '{old}' in the codebook"))?;
        entry.aliases.retain(|a| fold(a) != fold(new));
        entry.aliases.insert(0, old.to_string());
        entry.name = new.to_string();
        self.normalise();
        Ok(())
    }

    /// Merge issue `from` into `into` (names become aliases; definition and
    /// group fill what `into` lacks).
    pub fn merge_issues(&mut self, from: &str, into: &str) -> Result<(), EditError> {
        if from == into {
            return Err("an issue cannot be merged into itself".into());
        }
        let pos = self
            .issues
            .iter()
            .position(|i| i.name == from)
            .ok_or_else(|| format!("no issue '{from}' in the codebook"))?;
        if self.issue(into).is_none() {
            return Err(format!("no issue '{into}' in the codebook"));
        }
        let gone = self.issues.remove(pos);
        if let Some(entry) = self.issues.iter_mut().find(|i| i.name == into) {
            entry.aliases.push(gone.name);
            entry.aliases.extend(gone.aliases);
            if entry.definition.is_none() {
                entry.definition = gone.definition;
            }
            if entry.group.is_none() {
                entry.group = gone.group;
            }
        }
        self.normalise();
        Ok(())
    }

    /// Remove an issue from the codebook (the caller checks it is unused).
    pub fn remove_issue(&mut self, name: &str) -> bool {
        let before = self.issues.len();
        self.issues.retain(|i| i.name != name);
        self.issues.len() != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codebook() -> Project {
        let mut p = Project::new();
        let mut pak = ActorEntry::new("Pak Chang-ok");
        pak.aliases = vec!["Pak Chang Ok".into()];
        pak.attributes
            .insert("faction".into(), "Soviet Korean".into());
        p.actors = vec![pak, ActorEntry::new("Pak"), ActorEntry::new("Nam Il")];
        p.issues = vec![IssueEntry::new("cult"), IssueEntry::new("personality cult")];
        p.normalise();
        p
    }

    #[test]
    fn an_alias_known_to_another_actor_is_refused() {
        let mut p = codebook();
        p.add_actor_alias("Nam Il", "Nam-il").unwrap();
        assert_eq!(p.registry().canonical("nam-il"), "Nam Il");
        let err = p.add_actor_alias("Nam Il", "pak chang ok").unwrap_err();
        assert!(err.contains("merge"), "{err}");
        assert!(p.add_actor_alias("Nobody", "x").is_err());
        assert!(p.remove_actor_alias("Nam Il", "NAM-IL"));
        assert!(!p.remove_actor_alias("Nam Il", "Nam-il"));
    }

    #[test]
    fn a_renamed_actor_keeps_its_old_name_as_an_alias() {
        let mut p = codebook();
        p.rename_actor("Pak Chang-ok", "Pak Ch'ang-ok").unwrap();
        let registry = p.registry();
        assert_eq!(registry.canonical("Pak Chang-ok"), "Pak Ch'ang-ok");
        assert_eq!(registry.canonical("Pak Chang Ok"), "Pak Ch'ang-ok");
        assert_eq!(
            p.actor("Pak Ch'ang-ok").unwrap().attributes["faction"],
            "Soviet Korean"
        );
        assert!(p.rename_actor("Nam Il", "Pak").is_err());
    }

    #[test]
    fn merged_actors_resolve_to_one() {
        let mut p = codebook();
        p.merge_actors("Pak", "Pak Chang-ok").unwrap();
        assert!(p.actor("Pak").is_none());
        assert_eq!(p.registry().canonical("pak"), "Pak Chang-ok");
        assert_eq!(
            p.actor("Pak Chang-ok").unwrap().aliases,
            vec!["Pak Chang Ok", "Pak"]
        );
        assert!(p.merge_actors("Nam Il", "Nam Il").is_err());
        assert!(p.remove_actor("Nam Il"));
        assert!(!p.remove_actor("Nam Il"));
    }

    #[test]
    fn issues_rename_and_merge_keeping_old_names() {
        let mut p = codebook();
        p.merge_issues("cult", "personality cult").unwrap();
        p.rename_issue("personality cult", "cult of personality")
            .unwrap();
        assert_eq!(p.issue_names(), vec!["cult of personality"]);
        assert_eq!(p.canonical_issue("Cult"), "cult of personality");
        assert_eq!(p.canonical_issue("personality cult"), "cult of personality");
        assert_eq!(p.canonical_issue("aid"), "aid");
        let text = p.to_ron().unwrap();
        assert_eq!(Project::parse(&text, std::path::Path::new("g")).unwrap(), p);
        assert!(p.remove_issue("cult of personality"));
    }
}
