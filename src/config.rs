//! Configuration: `config.ron` in the folder `directories::ProjectDirs` gives
//! (or `--config-dir` / `GLOSS_CONFIG_DIR`), with annotator, keymap and theme.
//! A missing file is fine; a broken one is reported with file:line:column and
//! defaults are used.

use serde::Deserialize;
use std::path::{Path, PathBuf};

use crate::annotation::annotator_name;

/// Environment variable naming another config folder (tests use it).
pub const CONFIG_DIR_ENV: &str = "GLOSS_CONFIG_DIR";

/// Settings from `config.ron`. Every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Annotator name used when `--as` is not given.
    pub annotator: Option<String>,
    /// Keymap name (built-in or in `<config>/keymaps/`) or path.
    pub keymap: Option<String>,
    /// `default`, `light` or `mono`.
    pub theme: Option<String>,
}

/// The config folder: the override if given, else `GLOSS_CONFIG_DIR`, else the
/// platform's (e.g. `~/.config/glossator` on Linux).
pub fn config_dir(overridden: Option<&Path>) -> Option<PathBuf> {
    if let Some(dir) = overridden {
        return Some(dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os(CONFIG_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("org", "glossator", "glossator")
        .map(|d| d.config_dir().to_path_buf())
}

/// Load `config.ron` from `dir`. Returns the config and a warning to show when
/// the file exists but is broken (defaults are used then).
pub fn load(dir: Option<&Path>) -> (Config, Option<String>) {
    let Some(dir) = dir else {
        return (Config::default(), None);
    };
    let path = dir.join("config.ron");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Config::default(), None),
        Err(e) => {
            return (
                Config::default(),
                Some(format!("{}: {e}; using defaults", path.display())),
            );
        }
    };
    match crate::sidecar::ron_options().from_str::<Config>(&text) {
        Ok(c) => (c, None),
        Err(e) => (
            Config::default(),
            Some(format!(
                "{}:{}:{}: {}; using defaults",
                path.display(),
                e.span.start.line,
                e.span.start.col,
                e.code
            )),
        ),
    }
}

/// The annotator: `--as`, else the config's `annotator`, else
/// `$USER`/`$USERNAME`, else `anonymous`; Unicode letters, digits, `_` and
/// `-`. A name that cannot name a sidecar is refused (saying where it came
/// from), never reduced.
pub fn annotator(flag: Option<&str>, config: &Config) -> Result<String, String> {
    let env = |var: &str| std::env::var(var).ok().map(|v| (v, format!("${var}")));
    let (raw, from) = flag
        .map(|f| (f.to_string(), "--as".to_string()))
        .or_else(|| {
            config
                .annotator
                .clone()
                .map(|a| (a, "annotator in config.ron".to_string()))
        })
        .or_else(|| env("USER"))
        .or_else(|| env("USERNAME"))
        .filter(|(name, _)| !name.trim().is_empty())
        .unwrap_or_else(|| ("anonymous".into(), "the default".into()));
    annotator_name(&raw)
        .map_err(|e| format!("gloss: {e} (from {from}; give another with --as NAME)"))
}

/// Is colour off (`NO_COLOR` set and not empty)?
pub fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_config_is_fine_and_broken_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(Some(dir.path())), (Config::default(), None));
        std::fs::write(
            dir.path().join("config.ron"),
            "(annotator: \"kim\",\n keymap: 3)",
        )
        .unwrap();
        let (c, warning) = load(Some(dir.path()));
        assert_eq!(c, Config::default());
        let w = warning.unwrap();
        assert!(w.contains("config.ron:2:"), "{w}");
        std::fs::write(
            dir.path().join("config.ron"),
            "(annotator: \"kim lee\", theme: \"mono\")",
        )
        .unwrap();
        let (c, warning) = load(Some(dir.path()));
        assert!(warning.is_none());
        let err = annotator(None, &c).unwrap_err();
        assert!(
            err.contains("\"kim lee\"") && err.contains("config.ron"),
            "{err}"
        );
        assert_eq!(annotator(Some("park"), &c).unwrap(), "park");
    }
}
