//! The keymap loader on any text: a keymap or a positioned error, never a panic.
#![no_main]

use glossator::keymap::Keymap;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = Keymap::parse(text, "k.ron");
        let mut base = Keymap::default_keymap();
        let _ = base.merge_text(text, "user.ron");
    }
});
