//! `gloss suggest PATH...`: the tags the documents' cue phrases suggest,
//! each with its rule and cue words: for scripts, and for measuring the
//! rules against tagged documents (precision and recall).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::report;
use crate::annotation::registry::{Actor, ActorResolver};
use crate::assist::{CueRules, Detector, Suggestion};
use crate::document::Document;
use crate::project::boilerplate::{BoilerplateFinder, files_below};
use crate::sidecar::{self, Sidecar};

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum SuggestFormat {
    /// One row per suggestion: source, ¶, kind, the tag, rule and cue words.
    #[default]
    Table,
    /// One JSON object per suggestion.
    Jsonl,
}

#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// Documents or folders.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = SuggestFormat::Table)]
    pub format: SuggestFormat,
    /// Folder holding cues.ron (default: the platform's config folder; env GLOSS_CONFIG_DIR).
    #[arg(long, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// Also list suggestions dismissed in the documents' sidecars.
    #[arg(long)]
    pub all: bool,
}

/// One document read for suggestions.
struct Input {
    path: PathBuf,
    paragraphs: Vec<String>,
    author: Option<String>,
    dismissed: Vec<sidecar::Dismissal>,
}

pub fn run(args: &SuggestArgs) -> ExitCode {
    let dir = crate::config::config_dir(args.config_dir.as_deref());
    let (rules, warning) = CueRules::load(dir.as_deref());
    if let Some(w) = warning {
        report(w);
    }
    // (path, found in a folder)
    let mut files = Vec::new();
    for path in &args.paths {
        if path.is_dir() {
            files.extend(files_below(path).into_iter().map(|p| (p, true)));
        } else {
            files.push((path.clone(), false));
        }
    }
    let mut projects = BoilerplateFinder::new();
    let mut failed = false;
    let mut inputs = Vec::new();
    let mut registries: Vec<Vec<Actor>> = Vec::new();
    for (path, found) in &files {
        let doc = match Document::open(path) {
            Ok(d) => d,
            // A folder's images and other binary files are no documents.
            Err(crate::document::DocumentError::Binary { .. }) if *found => continue,
            Err(e) => {
                // The error names the file itself.
                report(e.to_string());
                failed = true;
                continue;
            }
        };
        doc.wait_complete();
        let mut author = crate::assist::author::metadata_author(&doc, None);
        match projects.project_of(path) {
            Ok(Some((file, loaded))) => {
                registries.push(loaded.registry().into_vec());
                if let Some(stored) = loaded
                    .document_at(&file, path)
                    .and_then(|e| e.meta.author.clone())
                {
                    author = Some(stored);
                }
            }
            Ok(None) => {}
            Err(e) => {
                report(e);
                failed = true;
            }
        }
        let mut dismissed = Vec::new();
        for (_, sidecar_path) in sidecar::sidecars_of(path) {
            if let Ok(s) = Sidecar::load(&sidecar_path) {
                registries.push(s.actors);
                dismissed.extend(s.dismissed);
            }
        }
        inputs.push(Input {
            path: path.clone(),
            paragraphs: (0..doc.len())
                .map(|i| doc.paragraph_text(i).to_string())
                .collect(),
            author,
            dismissed,
        });
    }
    let resolver = ActorResolver::of(registries.iter().map(Vec::as_slice));
    let detector = Detector::new(&resolver);
    let documents: Vec<(&[String], Option<&str>)> = inputs
        .iter()
        .map(|i| (i.paragraphs.as_slice(), i.author.as_deref()))
        .collect();
    let detected = crate::assist::author::detect_documents(&detector, &resolver, &documents);
    let mut out = String::new();
    for (input, found) in inputs.iter().zip(&detected) {
        for (index, text) in input.paragraphs.iter().enumerate() {
            let of = |p: usize| -> Vec<_> {
                found
                    .mentions
                    .iter()
                    .filter(|m| m.paragraph == p)
                    .cloned()
                    .collect()
            };
            let before = index.checked_sub(1).map(of).unwrap_or_default();
            let hash = crate::document::paragraph_hash(text);
            for s in rules.suggest_after(text, &of(index), &before) {
                let tag = s.tag();
                if !args.all
                    && input
                        .dismissed
                        .iter()
                        .any(|d| d.hash == hash && d.tag == tag)
                {
                    continue;
                }
                out.push_str(&match args.format {
                    SuggestFormat::Jsonl => jsonl_line(input, index, text, &s),
                    SuggestFormat::Table => table_line(input, index, text, &s),
                });
                out.push('\n');
            }
        }
    }
    if !super::write_stdout(out.as_bytes()) {
        return ExitCode::from(1);
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn jsonl_line(input: &Input, index: usize, text: &str, s: &Suggestion) -> String {
    let chars: Vec<char> = text.chars().collect();
    let words: Vec<String> = s
        .cues
        .iter()
        .map(|&(a, b)| {
            chars[a.min(chars.len())..b.min(chars.len())]
                .iter()
                .collect()
        })
        .collect();
    serde_json::json!({
        "source": input.path.display().to_string(),
        "paragraph": index + 1,
        "kind": s.kind.as_str(),
        "rule": s.rule,
        "actor": s.holder,
        "to": s.addressee,
        "stance": s.stance.map(|x| x.as_str()),
        "issue": s.issue,
        "cues": s.cues,
        "cue_words": words,
        "summary": s.summary(),
        "antecedent": s.antecedent.as_ref().map(|a| serde_json::json!({
            "pronoun": a.pronoun,
            "paragraph": a.paragraph + 1,
        })),
    })
    .to_string()
}

fn table_line(input: &Input, index: usize, text: &str, s: &Suggestion) -> String {
    format!(
        "{}\t¶{}\t{}\t{}\t{}",
        input.path.display(),
        index + 1,
        s.kind,
        s.summary(),
        s.explain(text)
    )
}
