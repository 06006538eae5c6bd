//! JSON and JSON Lines: the scripting surface (SPEC §4 fields). Bidi and
//! other invisible controls are kept as data but written as `\u202e` escapes.

use super::Excerpt;
use super::text::json_escape_invisible;

/// One pretty JSON array, newline-terminated.
pub fn array(excerpts: &[Excerpt]) -> serde_json::Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(excerpts)?;
    out.push(b'\n');
    Ok(json_escape_invisible(out))
}

/// One compact JSON object per line.
pub fn lines(excerpts: &[Excerpt]) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::new();
    for e in excerpts {
        serde_json::to_writer(&mut out, e)?;
        out.push(b'\n');
    }
    Ok(json_escape_invisible(out))
}
