//! `gloss text FILE`: the paragraphs as gloss sees them — after extraction
//! for HTML, TEI, Markdown and DOCX — for scripts, for diffing an extraction
//! against another tool, and for tests.

use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::report;
use crate::document::formats::Format;
use crate::document::{Document, OpenOptions};
use crate::project::boilerplate::BoilerplateFinder;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum TextFormat {
    /// Paragraphs separated by one blank line.
    #[default]
    Text,
    /// One JSON object per paragraph: number, text, page, section, boilerplate, notes.
    Json,
}

#[derive(Debug, Args)]
pub struct TextArgs {
    /// The document.
    pub file: PathBuf,
    /// Print boilerplate (page furniture, navigation, footers) too, flagged
    /// in JSON (implies --keep-all).
    #[arg(long)]
    pub all: bool,
    #[arg(long, value_enum, default_value_t)]
    pub format: TextFormat,
    #[command(flatten)]
    pub read: super::ReadArgs,
}

pub fn parse_format(s: &str) -> Result<Format, String> {
    s.parse()
}

#[derive(serde::Serialize)]
struct Line<'a> {
    number: usize,
    text: &'a str,
    page: Option<&'a str>,
    section: Option<&'a str>,
    boilerplate: bool,
    /// Footnotes and endnotes anchored in the paragraph: `{"n", "text"}`.
    notes: &'a [crate::document::formats::Note],
}

pub fn run(args: &TextArgs) -> ExitCode {
    let options = OpenOptions {
        keep_all: args.all || args.read.keep_all,
        ..args.read.options()
    };
    let doc = match Document::open_with(&args.file, options) {
        Ok(d) => d,
        Err(e) => {
            report(e);
            return ExitCode::from(1);
        }
    };
    let flagged = match BoilerplateFinder::new().of(&doc) {
        Ok(f) => f,
        Err(e) => {
            report(e);
            return ExitCode::from(1);
        }
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut first = true;
    for i in 0..doc.len() {
        let provenance = doc.provenance(i);
        // The finder counts the extractor's furniture too, unless the project keeps it.
        let boilerplate = flagged.contains(&i);
        if boilerplate && !args.all {
            continue;
        }
        let text = doc.paragraph_text(i);
        let written = match args.format {
            TextFormat::Text => {
                let sep = if first { "" } else { "\n" };
                writeln!(out, "{sep}{text}")
            }
            TextFormat::Json => {
                let line = Line {
                    number: i + 1,
                    text,
                    page: provenance.and_then(|p| p.page.as_deref()),
                    section: provenance.and_then(|p| p.section.as_deref()),
                    boilerplate,
                    notes: provenance.map_or(&[], |p| p.notes.as_slice()),
                };
                serde_json::to_string(&line)
                    .map_err(std::io::Error::other)
                    .and_then(|s| writeln!(out, "{s}"))
            }
        };
        first = false;
        if written.is_err() {
            // A closed pipe (`| head`) ends the output quietly.
            return ExitCode::SUCCESS;
        }
    }
    let _ = out.flush();
    ExitCode::SUCCESS
}
