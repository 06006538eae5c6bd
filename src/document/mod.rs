//! Documents as plain text: loading, paragraph index, line ranges.
//!
//! The raw text is kept exactly as read (minus a BOM) so hashes and anchors see
//! what is on disk; display goes through [`sanitize`] separately. Documents are
//! never written by glossator.

pub mod anchor;
pub mod sanitize;
pub mod search;
pub mod wrap;

use std::fmt;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// Largest document we agree to open (bigger ones are almost surely not prose).
pub const MAX_DOCUMENT_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// Why a document could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not UTF-8 text (invalid byte 0x{byte:02x} at offset {offset})")]
    NotUtf8 {
        path: String,
        offset: usize,
        byte: u8,
    },
    #[error("{path}: binary file (NUL byte at offset {offset}); glossator opens UTF-8 text")]
    Binary { path: String, offset: usize },
    #[error("{path}: too large ({size} bytes; the limit is {MAX_DOCUMENT_BYTES})")]
    TooLarge { path: String, size: u64 },
}

/// One paragraph: a run of non-blank lines. Byte offsets index the document text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paragraph {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset just past the last non-newline character of the last line.
    pub end: usize,
    /// 1-based line number of the first line.
    pub line_start: usize,
    /// 1-based line number of the last line.
    pub line_end: usize,
}

/// A loaded document: its text and the paragraph index.
#[derive(Debug, Clone)]
pub struct Document {
    path: PathBuf,
    text: String,
    /// Bytes skipped at the start of the file (a UTF-8 BOM), for offsets in errors.
    bom_len: usize,
    size: u64,
    sha256: String,
    paragraphs: Vec<Paragraph>,
}

impl Document {
    /// Read and index a document from disk.
    pub fn open(path: &Path) -> Result<Self, DocumentError> {
        let shown = path.display().to_string();
        let io = |source| DocumentError::Io {
            path: shown.clone(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.is_dir() {
            return Err(io(std::io::Error::other("is a folder, not a document")));
        }
        if meta.len() > MAX_DOCUMENT_BYTES {
            return Err(DocumentError::TooLarge {
                path: shown,
                size: meta.len(),
            });
        }
        let bytes = std::fs::read(path).map_err(io)?;
        Self::from_bytes(path, bytes)
    }

    /// Index a document from bytes already in memory (`path` is used for naming only).
    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<Self, DocumentError> {
        let shown = path.display().to_string();
        let size = bytes.len() as u64;
        let sha256 = hex(&Sha256::digest(&bytes));
        let bom_len = if bytes.starts_with(b"\xEF\xBB\xBF") {
            3
        } else {
            0
        };
        if let Some(offset) = memchr::memchr(0, &bytes) {
            return Err(DocumentError::Binary {
                path: shown,
                offset,
            });
        }
        let mut bytes = bytes;
        bytes.drain(..bom_len);
        let text = String::from_utf8(bytes).map_err(|e| {
            let offset = e.utf8_error().valid_up_to();
            let byte = e.as_bytes()[offset];
            DocumentError::NotUtf8 {
                path: shown.clone(),
                offset: offset + bom_len,
                byte,
            }
        })?;
        let paragraphs = index_paragraphs(&text);
        Ok(Document {
            path: path.to_path_buf(),
            text,
            bom_len,
            size,
            sha256,
            paragraphs,
        })
    }

    /// Build a document from a string (tests, generated inputs).
    pub fn from_text(path: &Path, text: &str) -> Self {
        Self::from_bytes(path, text.as_bytes().to_vec()).unwrap_or_else(|_| Document {
            path: path.to_path_buf(),
            text: String::new(),
            bom_len: 0,
            size: 0,
            sha256: hex(&Sha256::digest(b"")),
            paragraphs: Vec::new(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file name, as recorded in sidecars.
    pub fn file_name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Size of the file on disk, BOM included.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// SHA-256 of the file's bytes, lowercase hex.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// Length of a skipped byte-order mark.
    pub fn bom_len(&self) -> usize {
        self.bom_len
    }

    pub fn paragraphs(&self) -> &[Paragraph] {
        &self.paragraphs
    }

    pub fn len(&self) -> usize {
        self.paragraphs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.paragraphs.is_empty()
    }

    /// Raw text of paragraph `index` (0-based), lines joined by the file's own newlines.
    pub fn paragraph_text(&self, index: usize) -> &str {
        self.paragraphs
            .get(index)
            .map(|p| &self.text[p.start..p.end])
            .unwrap_or("")
    }

    /// Stable hash of a paragraph's normalised text (see [`paragraph_hash`]).
    pub fn paragraph_hash(&self, index: usize) -> String {
        paragraph_hash(self.paragraph_text(index))
    }
}

/// Hash of a paragraph's text with line endings and trailing spaces normalised,
/// so CRLF/LF conversions and stray trailing blanks do not orphan annotations.
pub fn paragraph_hash(text: &str) -> String {
    let mut hasher = Sha256::new();
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            hasher.update(b"\n");
        }
        hasher.update(line.trim_end().as_bytes());
    }
    hex(&hasher.finalize()[..8])
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}

/// Split text into paragraphs (runs of non-blank lines). A text with no blank
/// line between two non-blank lines is split one paragraph per line instead.
pub fn index_paragraphs(text: &str) -> Vec<Paragraph> {
    let bytes = text.as_bytes();
    let mut paragraphs = Vec::new();
    let mut current: Option<Paragraph> = None;
    let mut line_no = 0usize;
    let mut line_start = 0usize;
    let mut multi_line = false;
    let mut visit = |start: usize, end: usize, line_no: usize, current: &mut Option<Paragraph>| {
        let line = &bytes[start..end];
        if is_blank(line) {
            if let Some(p) = current.take() {
                paragraphs.push(p);
            }
        } else {
            let content_end = if line.ends_with(b"\r") { end - 1 } else { end };
            match current {
                Some(p) => {
                    p.end = content_end;
                    p.line_end = line_no;
                    multi_line = true;
                }
                None => {
                    *current = Some(Paragraph {
                        start,
                        end: content_end,
                        line_start: line_no,
                        line_end: line_no,
                    })
                }
            }
        }
    };
    for nl in memchr::memchr_iter(b'\n', bytes) {
        line_no += 1;
        visit(line_start, nl, line_no, &mut current);
        line_start = nl + 1;
    }
    if line_start < bytes.len() {
        line_no += 1;
        visit(line_start, bytes.len(), line_no, &mut current);
    }
    if let Some(p) = current.take() {
        paragraphs.push(p);
    }
    if paragraphs.len() == 1 && multi_line {
        return one_per_line(text, paragraphs[0]);
    }
    paragraphs
}

fn one_per_line(text: &str, whole: Paragraph) -> Vec<Paragraph> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = whole.start;
    let mut line = whole.line_start;
    loop {
        let nl = memchr::memchr(b'\n', &bytes[start..whole.end]).map(|i| start + i);
        let end = nl.unwrap_or(whole.end);
        let content_end = if end > start && bytes[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        out.push(Paragraph {
            start,
            end: content_end,
            line_start: line,
            line_end: line,
        });
        match nl {
            Some(nl) => {
                start = nl + 1;
                line += 1;
            }
            None => break,
        }
    }
    out
}

impl fmt::Display for Paragraph {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "lines {}-{}", self.line_start, self.line_end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn paras(text: &str) -> Vec<String> {
        let doc = Document::from_text(Path::new("t.txt"), text);
        (0..doc.len())
            .map(|i| doc.paragraph_text(i).to_string())
            .collect()
    }

    #[test]
    fn splits_on_blank_lines() {
        assert_eq!(paras("a\nb\n\n\nc\n"), vec!["a\nb", "c"]);
    }

    #[test]
    fn whitespace_only_lines_are_blank() {
        assert_eq!(paras("a\n \t\nb"), vec!["a", "b"]);
    }

    #[test]
    fn one_paragraph_per_line_without_blank_lines() {
        assert_eq!(paras("one\ntwo\nthree\n"), vec!["one", "two", "three"]);
        let doc = Document::from_text(Path::new("t"), "one\ntwo\n");
        assert_eq!(doc.paragraphs()[1].line_start, 2);
    }

    #[test]
    fn crlf_is_handled_and_lines_counted() {
        let doc = Document::from_text(Path::new("t"), "x\r\ny\r\n\r\nz\r\n");
        assert_eq!(doc.paragraph_text(0), "x\r\ny");
        assert_eq!(doc.paragraph_text(1), "z");
        assert_eq!(doc.paragraphs()[1].line_start, 4);
        assert_eq!(doc.paragraph_hash(0), paragraph_hash("x\ny"));
    }

    #[test]
    fn bom_is_skipped_and_counted_in_offsets() {
        let doc = Document::from_bytes(Path::new("t"), b"\xEF\xBB\xBFhello".to_vec()).unwrap();
        assert_eq!(doc.text(), "hello");
        let err =
            Document::from_bytes(Path::new("t"), b"\xEF\xBB\xBFab\xffc".to_vec()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "t: not UTF-8 text (invalid byte 0xff at offset 5)"
        );
    }

    #[test]
    fn binary_is_refused() {
        let err = Document::from_bytes(Path::new("b.bin"), b"ab\0cd".to_vec()).unwrap_err();
        assert!(err.to_string().contains("NUL byte at offset 2"));
    }

    #[test]
    fn empty_and_blank_documents_have_no_paragraphs() {
        assert!(paras("").is_empty());
        assert!(paras("\n\n  \n").is_empty());
        assert_eq!(paras("single"), vec!["single"]);
    }

    proptest! {
        /// Every non-blank line belongs to exactly one paragraph, in order.
        #[test]
        fn paragraphs_cover_every_nonblank_line_once(lines in proptest::collection::vec("[ a-c\t]{0,4}", 0..30), crlf in any::<bool>()) {
            let text = lines.join(if crlf { "\r\n" } else { "\n" });
            let doc = Document::from_text(Path::new("p"), &text);
            let mut covered = Vec::new();
            let mut last_end = 0;
            for p in doc.paragraphs() {
                prop_assert!(p.line_start <= p.line_end);
                prop_assert!(p.line_start > last_end);
                last_end = p.line_end;
                for l in p.line_start..=p.line_end {
                    covered.push(l);
                }
            }
            let nonblank: Vec<usize> = lines.iter().enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
                .map(|(i, _)| i + 1)
                .collect();
            let covered_nonblank: Vec<usize> = covered.iter().copied()
                .filter(|l| !lines[l - 1].trim().is_empty())
                .collect();
            prop_assert_eq!(covered_nonblank, nonblank);
            // A paragraph never contains a blank line.
            for l in covered {
                prop_assert!(!lines[l - 1].trim().is_empty());
            }
        }
    }
}
