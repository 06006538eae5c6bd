//! Keys → command names, loaded from RON files.
//!
//! A keymap file has four sections: `normal` (always active), `search`
//! (active while search results are shown; it takes precedence, which is how
//! `n` means "next match" after `/` and "note" otherwise), `selection`
//! (active while words are selected; it takes precedence over both) and
//! `corpus` (the corpus list of `gloss DIR`, on its own). Built-in keymaps are
//! compiled in from `keymaps/`; a user `keymap.ron` in the config folder
//! overrides single bindings (`"none"` unbinds). Unknown commands, unknown keys
//! and duplicate keys are reported as `file:line:column: message`.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use crate::command::Command;
use crate::corpus::line_col;

/// Keymaps shipped with glossator (also in `keymaps/` of the source tree).
pub const BUILTIN: &[(&str, &str)] = &[
    ("default", include_str!("../keymaps/default.ron")),
    ("emacs", include_str!("../keymaps/emacs.ron")),
    ("arrows", include_str!("../keymaps/arrows.ron")),
];

/// A key with modifiers, normalised so `J` and `S-j` are the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        // KeyCode has no floats, so its partial order is total.
        (self.mods.bits(), self.code)
            .partial_cmp(&(other.mods.bits(), other.code))
            .unwrap_or(std::cmp::Ordering::Equal)
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Key {
    pub fn new(code: KeyCode, mods: KeyModifiers) -> Key {
        let mut mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::SHIFT) && c.is_ascii_lowercase() => {
                KeyCode::Char(c.to_ascii_uppercase())
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            c => c,
        };
        if let KeyCode::Char(c) = code {
            // Shift is already in the character (`J`, `?`, `한`).
            if !c.is_ascii_lowercase() || mods.contains(KeyModifiers::CONTROL) {
                mods.remove(KeyModifiers::SHIFT);
            }
        }
        Key { code, mods }
    }

    pub fn from_event(e: &KeyEvent) -> Key {
        Key::new(e.code, e.modifiers)
    }
}

/// Why a key string does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown key '{0}' (examples: \"j\", \"J\", \"C-r\", \"A-enter\", \"pagedown\", \"f2\")")]
pub struct UnknownKey(pub String);

impl std::str::FromStr for Key {
    type Err = UnknownKey;
    /// `j`, `J`, `?`, `C-r`, `A-x`, `S-tab`, `enter`, `esc`, `space`, `tab`,
    /// `backtab`, `backspace`, `delete`, `insert`, `up`, `down`, `left`,
    /// `right`, `home`, `end`, `pageup`, `pagedown`, `f1`…`f12`.
    fn from_str(s: &str) -> Result<Self, UnknownKey> {
        let err = || UnknownKey(s.to_string());
        let mut mods = KeyModifiers::NONE;
        let mut rest = s;
        loop {
            let lower = rest.to_ascii_lowercase();
            let step = if lower.starts_with("c-") || lower.starts_with("ctrl-") {
                mods |= KeyModifiers::CONTROL;
                rest.find('-')
            } else if lower.starts_with("a-")
                || lower.starts_with("alt-")
                || lower.starts_with("m-")
            {
                mods |= KeyModifiers::ALT;
                rest.find('-')
            } else if lower.starts_with("s-") || lower.starts_with("shift-") {
                mods |= KeyModifiers::SHIFT;
                rest.find('-')
            } else {
                None
            };
            match step {
                Some(i) if rest.len() > i + 1 => rest = &rest[i + 1..],
                _ => break,
            }
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) => KeyCode::Char(c),
            _ => match rest.to_ascii_lowercase().as_str() {
                "enter" | "ret" | "return" => KeyCode::Enter,
                "esc" | "escape" => KeyCode::Esc,
                "space" => KeyCode::Char(' '),
                "tab" => KeyCode::Tab,
                "backtab" => KeyCode::BackTab,
                "backspace" => KeyCode::Backspace,
                "delete" | "del" => KeyCode::Delete,
                "insert" | "ins" => KeyCode::Insert,
                "up" => KeyCode::Up,
                "down" => KeyCode::Down,
                "left" => KeyCode::Left,
                "right" => KeyCode::Right,
                "home" => KeyCode::Home,
                "end" => KeyCode::End,
                "pageup" | "pgup" => KeyCode::PageUp,
                "pagedown" | "pgdn" => KeyCode::PageDown,
                f if f.starts_with('f') => match f[1..].parse::<u8>() {
                    Ok(n @ 1..=24) => KeyCode::F(n),
                    _ => return Err(err()),
                },
                _ => return Err(err()),
            },
        };
        let code = if code == KeyCode::Tab && mods.contains(KeyModifiers::SHIFT) {
            KeyCode::BackTab
        } else {
            code
        };
        Ok(Key::new(code, mods))
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.mods.contains(KeyModifiers::CONTROL) {
            f.write_str("C-")?;
        }
        if self.mods.contains(KeyModifiers::ALT) {
            f.write_str("A-")?;
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            f.write_str("S-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("Space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "F{n}"),
            KeyCode::Enter => f.write_str("Enter"),
            KeyCode::Esc => f.write_str("Esc"),
            KeyCode::Tab => f.write_str("Tab"),
            KeyCode::BackTab => f.write_str("S-Tab"),
            KeyCode::Backspace => f.write_str("Backspace"),
            KeyCode::Delete => f.write_str("Delete"),
            KeyCode::Insert => f.write_str("Insert"),
            KeyCode::Up => f.write_str("Up"),
            KeyCode::Down => f.write_str("Down"),
            KeyCode::Left => f.write_str("Left"),
            KeyCode::Right => f.write_str("Right"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::PageUp => f.write_str("PageUp"),
            KeyCode::PageDown => f.write_str("PageDown"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// Bindings in file order, so duplicates can be found (a map would hide them).
#[derive(Debug, Default)]
struct Bindings(Vec<(String, String)>);

impl<'de> Deserialize<'de> for Bindings {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Bindings;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map of key strings to command names")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Bindings, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, String>()? {
                    out.push((k, v));
                }
                Ok(Bindings(out))
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeymapFile {
    #[serde(default)]
    normal: Bindings,
    #[serde(default)]
    search: Bindings,
    #[serde(default)]
    selection: Bindings,
    #[serde(default)]
    corpus: Bindings,
}

/// Which set of bindings a key is looked up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    Normal,
    Search,
    Selection,
    /// The corpus list (`gloss DIR`): on its own, not over `normal`.
    Corpus,
}

impl Section {
    pub const ALL: [Section; 4] = [
        Section::Normal,
        Section::Search,
        Section::Selection,
        Section::Corpus,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Section::Normal => "normal",
            Section::Search => "search",
            Section::Selection => "selection",
            Section::Corpus => "corpus",
        }
    }
}

/// A loaded keymap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Keymap {
    pub name: String,
    normal: BTreeMap<Key, Command>,
    search: BTreeMap<Key, Command>,
    selection: BTreeMap<Key, Command>,
    corpus: BTreeMap<Key, Command>,
}

/// A keymap file could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KeymapError(pub String);

impl Keymap {
    /// Parse keymap text. `origin` names the file in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Keymap, KeymapError> {
        let mut map = Keymap {
            name: origin.to_string(),
            ..Keymap::default()
        };
        map.merge_text(text, origin)?;
        Ok(map)
    }

    /// Overlay the bindings in `text` on this keymap (`"none"` removes one).
    pub fn merge_text(&mut self, text: &str, origin: &str) -> Result<(), KeymapError> {
        let file: KeymapFile = ron::from_str(text).map_err(|e| {
            KeymapError(format!(
                "{origin}:{}:{}: {}",
                e.span.start.line, e.span.start.col, e.code
            ))
        })?;
        // Where in the text each section starts, to point errors at the right entry.
        for (section, bindings) in [
            (Section::Normal, &file.normal),
            (Section::Search, &file.search),
            (Section::Selection, &file.selection),
            (Section::Corpus, &file.corpus),
        ] {
            let section_at = text.find(&format!("{}:", section.name())).unwrap_or(0);
            let mut seen: BTreeMap<Key, &str> = BTreeMap::new();
            let mut search_from = section_at;
            for (key_text, command) in &bindings.0 {
                let quoted = format!("\"{key_text}\"");
                let at = text[search_from..]
                    .find(&quoted)
                    .map(|i| i + search_from)
                    .unwrap_or(section_at);
                search_from = at + quoted.len().min(text.len() - at);
                let (line, col) = line_col(text, at);
                let fail = |msg: String| KeymapError(format!("{origin}:{line}:{col}: {msg}"));
                let key: Key = key_text
                    .parse()
                    .map_err(|e: UnknownKey| fail(e.to_string()))?;
                if let Some(first) = seen.insert(key, key_text) {
                    return Err(fail(format!(
                        "key '{key_text}' is bound twice in the {} section (first as '{first}')",
                        section.name()
                    )));
                }
                let target = match section {
                    Section::Normal => &mut self.normal,
                    Section::Search => &mut self.search,
                    Section::Selection => &mut self.selection,
                    Section::Corpus => &mut self.corpus,
                };
                if command == "none" {
                    target.remove(&key);
                    continue;
                }
                let command: Command =
                    command
                        .parse()
                        .map_err(|e: crate::command::UnknownCommand| {
                            let at_cmd = text[at..]
                                .find(&format!("\"{command}\""))
                                .map(|i| i + at)
                                .unwrap_or(at);
                            let (l, c) = line_col(text, at_cmd);
                            KeymapError(format!("{origin}:{l}:{c}: {e}"))
                        })?;
                target.insert(key, command);
            }
        }
        Ok(())
    }

    /// A built-in keymap by name.
    pub fn builtin(name: &str) -> Option<Keymap> {
        let (_, text) = BUILTIN.iter().find(|(n, _)| *n == name)?;
        Keymap::parse(text, &format!("keymaps/{name}.ron")).ok()
    }

    /// The default keymap.
    pub fn default_keymap() -> Keymap {
        Keymap::builtin("default").unwrap_or_default()
    }

    /// Resolve `--keymap NAME|PATH`: a path (has a `/` or ends in `.ron`), a file
    /// `<config>/keymaps/NAME.ron`, or a built-in. Then `<config>/keymap.ron`
    /// overrides single bindings.
    pub fn load(choice: Option<&str>, config_dir: Option<&Path>) -> Result<Keymap, KeymapError> {
        let name = choice.unwrap_or("default");
        let read = |p: &Path| {
            std::fs::read_to_string(p).map_err(|e| KeymapError(format!("{}: {e}", p.display())))
        };
        let mut map = if name.contains('/') || name.ends_with(".ron") {
            let p = Path::new(name);
            Keymap::parse(&read(p)?, &p.display().to_string())?
        } else if let Some(p) = config_dir
            .map(|d| d.join("keymaps").join(format!("{name}.ron")))
            .filter(|p| p.is_file())
        {
            Keymap::parse(&read(&p)?, &p.display().to_string())?
        } else if let Some((_, text)) = BUILTIN.iter().find(|(n, _)| *n == name) {
            Keymap::parse(text, &format!("keymaps/{name}.ron"))?
        } else {
            let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
            return Err(KeymapError(format!(
                "no keymap named '{name}' (built-in: {}; or give a path to a .ron file)",
                names.join(", ")
            )));
        };
        map.name = name.to_string();
        if let Some(user) = config_dir
            .map(|d| d.join("keymap.ron"))
            .filter(|p| p.is_file())
        {
            map.merge_text(&read(&user)?, &user.display().to_string())?;
        }
        Ok(map)
    }

    /// The command for `key`: the search section first while `searching`.
    pub fn lookup(&self, key: Key, searching: bool) -> Option<Command> {
        self.lookup_in(key, searching, false)
    }

    /// [`Keymap::lookup`], with the selection section first while `selecting`.
    pub fn lookup_in(&self, key: Key, searching: bool, selecting: bool) -> Option<Command> {
        if selecting && let Some(c) = self.selection.get(&key) {
            return Some(*c);
        }
        if searching && let Some(c) = self.search.get(&key) {
            return Some(*c);
        }
        self.normal.get(&key).copied()
    }

    /// Keys bound to `command` in `section`, for help and hints.
    pub fn keys_for(&self, section: Section, command: Command) -> Vec<Key> {
        let map = self.bindings(section);
        map.iter()
            .filter(|(_, c)| **c == command)
            .map(|(k, _)| *k)
            .collect()
    }

    /// A short label of the keys for `command` in the normal section, e.g. `j/Down`.
    pub fn label(&self, command: Command) -> String {
        let keys = self.keys_for(Section::Normal, command);
        keys.iter()
            .map(Key::to_string)
            .collect::<Vec<_>>()
            .join("/")
    }

    pub fn bindings(&self, section: Section) -> &BTreeMap<Key, Command> {
        match section {
            Section::Normal => &self.normal,
            Section::Search => &self.search,
            Section::Selection => &self.selection,
            Section::Corpus => &self.corpus,
        }
    }

    /// The command for `key` in the corpus list.
    pub fn lookup_corpus(&self, key: Key) -> Option<Command> {
        self.corpus.get(&key).copied()
    }

    /// A short label of the keys for `command` in `section`, e.g. `w/e`.
    pub fn label_in(&self, section: Section, command: Command) -> String {
        self.keys_for(section, command)
            .iter()
            .map(Key::to_string)
            .collect::<Vec<_>>()
            .join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Key {
        s.parse().unwrap()
    }

    #[test]
    fn keys_parse_and_normalise() {
        assert_eq!(key("J"), Key::new(KeyCode::Char('j'), KeyModifiers::SHIFT));
        assert_eq!(key("S-j"), key("J"));
        assert_eq!(
            key("C-r"),
            Key::new(KeyCode::Char('r'), KeyModifiers::CONTROL)
        );
        assert_eq!(
            key("S-tab"),
            Key::new(KeyCode::BackTab, KeyModifiers::SHIFT)
        );
        assert_eq!(key("?"), Key::new(KeyCode::Char('?'), KeyModifiers::SHIFT));
        assert_eq!(key("f2").code, KeyCode::F(2));
        assert_eq!(key("-").code, KeyCode::Char('-'));
        assert!("f99".parse::<Key>().is_err());
        assert!("hyper-x".parse::<Key>().is_err());
        assert_eq!(key("C-r").to_string(), "C-r");
    }

    #[test]
    fn errors_point_at_the_entry() {
        let text = "(\n    normal: {\n        \"j\": \"next_paragraph\",\n        \"k\": \"fly\",\n    },\n)";
        let err = Keymap::parse(text, "x.ron").unwrap_err();
        assert_eq!(err.to_string(), "x.ron:4:14: No command named 'fly'");
        let text = "(\n    normal: {\n        \"zz\": \"next_paragraph\",\n    },\n)";
        let err = Keymap::parse(text, "x.ron").unwrap_err();
        assert!(
            err.to_string().starts_with("x.ron:3:9: unknown key 'zz'"),
            "{err}"
        );
        let text = "(normal: {\"j\": \"undo\", \"j\": \"redo\"})";
        let err = Keymap::parse(text, "d.ron").unwrap_err();
        assert!(err.to_string().contains("bound twice"), "{err}");
        let err = Keymap::parse("(normal: {\"j\": 3})", "t.ron").unwrap_err();
        assert!(err.to_string().starts_with("t.ron:1:"), "{err}");
    }

    #[test]
    fn every_shipped_keymap_parses_without_duplicates() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("keymaps");
        let mut n = 0;
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            let map = Keymap::parse(&text, &path.display().to_string()).unwrap();
            assert!(
                map.lookup(key("q"), false).is_some() || map.lookup(key("C-q"), false).is_some()
            );
            n += 1;
        }
        assert!(n >= 2);
        assert_eq!(n, BUILTIN.len());
    }

    #[test]
    fn default_keymap_has_the_spec_bindings() {
        let m = Keymap::default_keymap();
        let want = [
            ("j", Command::NextParagraph),
            ("down", Command::NextParagraph),
            ("k", Command::PrevParagraph),
            ("up", Command::PrevParagraph),
            ("pagedown", Command::PageDown),
            ("pageup", Command::PageUp),
            ("g", Command::FirstParagraph),
            ("G", Command::LastParagraph),
            ("home", Command::FirstParagraph),
            ("end", Command::LastParagraph),
            ("c", Command::TagClaim),
            ("a", Command::TagAdvice),
            ("p", Command::TagPosition),
            ("n", Command::EditNote),
            ("d", Command::DeleteAnnotation),
            ("u", Command::Undo),
            ("C-r", Command::Redo),
            ("/", Command::Search),
            ("?", Command::Help),
            ("q", Command::Quit),
            ("C-z", Command::Suspend),
        ];
        for (k, c) in want {
            assert_eq!(m.lookup(key(k), false), Some(c), "{k}");
        }
        assert_eq!(m.lookup(key("n"), true), Some(Command::SearchNext));
        assert_eq!(m.lookup(key("N"), true), Some(Command::SearchPrev));
        assert_eq!(m.lookup(key("j"), true), Some(Command::NextParagraph));
    }

    #[test]
    fn every_shipped_keymap_can_select_move_tag_and_drop_a_selection() {
        for (name, _) in BUILTIN {
            let m = Keymap::builtin(name).unwrap();
            let has = |section, c| !m.keys_for(section, c).is_empty();
            assert!(has(Section::Normal, Command::Select), "{name}");
            for c in Command::ALL.iter().filter(|c| c.motion().is_some()) {
                assert!(has(Section::Selection, *c), "{name}: {c}");
            }
            assert!(has(Section::Selection, Command::SelectCancel), "{name}");
            assert!(
                has(Section::Selection, Command::NarrowToSelection),
                "{name}"
            );
            // The tag keys still work while selecting.
            for c in [Command::TagClaim, Command::TagAdvice, Command::TagPosition] {
                let key = m.keys_for(Section::Normal, c)[0];
                assert_eq!(m.lookup_in(key, false, true), Some(c), "{name}: {c}");
            }
        }
        let m = Keymap::default_keymap();
        assert_eq!(
            m.lookup_in(key("w"), true, true),
            Some(Command::SelectNextWord)
        );
        assert_eq!(
            m.lookup_in(key("esc"), true, true),
            Some(Command::SelectCancel)
        );
        assert_eq!(
            m.lookup_in(key("esc"), true, false),
            Some(Command::ClearSearch)
        );
    }

    #[test]
    fn user_keymap_overrides_single_bindings() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("keymap.ron"),
            "(normal: {\"x\": \"quit\", \"q\": \"none\"})",
        )
        .unwrap();
        let m = Keymap::load(None, Some(dir.path())).unwrap();
        assert_eq!(m.lookup(key("x"), false), Some(Command::Quit));
        assert_eq!(m.lookup(key("q"), false), None);
        assert_eq!(m.lookup(key("j"), false), Some(Command::NextParagraph));
        assert!(
            Keymap::load(Some("nope"), None)
                .unwrap_err()
                .to_string()
                .contains("no keymap named 'nope'")
        );
        assert!(Keymap::load(Some("emacs"), None).is_ok());
    }
}
