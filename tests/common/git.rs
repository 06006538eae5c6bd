//! Real git in a temporary repository, with `gloss merge-driver` set up as
//! the README says.

use std::path::Path;
use std::process::{Command, Output};

/// Run git in `dir`, with a fixed author and none of the caller's
/// repository variables (tests may run inside a git hook).
pub fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.org")
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .expect("git runs")
}

/// git succeeded; its standard output.
#[track_caller]
pub fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "git failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Make the `gloss` binary the merge driver of the repository in `dir` for
/// the files `.gitattributes` lines name (`*.gloss.ron merge=gloss`…).
pub fn install_driver(dir: &Path, attributes: &str) {
    std::fs::write(dir.join(".gitattributes"), attributes).unwrap();
    let driver = format!(
        "\"{}\" merge-driver %O %A %B %P",
        assert_cmd::cargo::cargo_bin("gloss").display()
    );
    ok(git(dir, &["config", "merge.gloss.driver", &driver]));
}
