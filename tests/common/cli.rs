//! Running the `gloss` binary on copies of the samples.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// The sample memo with two annotators' sidecars (ana's and ben's).
pub const SAMPLE: &str = "memo-1957-03-12-han-tae-jun.txt";

/// The `gloss` binary, with the environment the test runs in.
pub fn gloss() -> Command {
    Command::cargo_bin("gloss").unwrap()
}

/// The crate's `samples/` folder.
pub fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("samples")
}

/// Copy the files of `samples/` whose names `keep` accepts into `to`
/// (created if missing).
pub fn copy_samples(to: &Path, keep: impl Fn(&str) -> bool) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(samples()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if keep(&name) {
            std::fs::copy(&path, to.join(&name)).unwrap();
        }
    }
}

/// The command succeeded; if not, its stderr is the failure message.
#[track_caller]
pub fn assert_success(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
