//! `gloss agree`: inter-annotator agreement per kind, and on stance.
//!
//! One document gives one report; a folder (or several paths) gives one row
//! per document and the pooled figures over all of them, where an annotator
//! without a sidecar for a document counts as missing for its paragraphs.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use unicode_width::UnicodeWidthStr;

use super::report;
use crate::annotation::ActorResolver;
use crate::corpus;
use crate::document::sanitize::display_line;
use crate::project::boilerplate::BoilerplateFinder;
use crate::review::{Coding, Reliability, Report};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum AgreeFormat {
    /// A plain table (— where a coefficient is undefined).
    #[default]
    Table,
    /// `{"annotators", "units", "kinds", "stance"}`; folders add `documents`.
    Json,
}

#[derive(Debug, Args)]
pub struct AgreeArgs {
    #[command(flatten)]
    pub read: super::ReadArgs,
    /// A document, or a folder searched for documents with sidecars.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AgreeFormat::Table)]
    pub format: AgreeFormat,
    /// Only these annotators (repeatable; default: every sidecar found).
    #[arg(long, value_name = "NAME")]
    pub annotator: Vec<String>,
}

/// One document's report, with the path it was found under.
struct Row {
    source: String,
    report: Report,
    /// Boilerplate paragraphs left out of the units.
    boilerplate: usize,
}

impl Row {
    /// The table title: the source, and what boilerplate was left out.
    fn title(&self) -> String {
        match self.boilerplate {
            0 => self.source.clone(),
            n => format!("{} ({n} boilerplate paragraph(s) left out)", self.source),
        }
    }
}

/// One document's input to the figures: its name, paragraph count,
/// boilerplate paragraphs (no units), codings and actor names.
type DocumentCodings = (String, usize, BTreeSet<usize>, Vec<Coding>, ActorResolver);

pub fn run(args: &AgreeArgs) -> ExitCode {
    let (targets, errors) = corpus::find_targets(&args.paths, &args.annotator, false);
    let mut failed = !errors.is_empty();
    for e in errors {
        report(e);
    }
    let single = args.paths.len() == 1 && args.paths[0].is_file();
    let mut documents: Vec<DocumentCodings> = Vec::new();
    let mut boilerplate = BoilerplateFinder::new();
    let run = corpus::RunCache::default();
    for target in &targets {
        match corpus::load(target) {
            Ok((loaded, errs)) => {
                // Boilerplate paragraphs are no units (README: agreement).
                let skip = match boilerplate.of(&loaded.doc) {
                    Ok(skip) => skip,
                    Err(e) => {
                        report(e);
                        return ExitCode::from(1);
                    }
                };
                for e in errs {
                    failed = true;
                    report(e);
                }
                let mut codings = Vec::new();
                for layer in &loaded.layers {
                    // A sidecar made only of adopted annotations is an
                    // adjudication (gloss review), not an independent coding.
                    let adjudication = !layer.sidecar.annotations.is_empty()
                        && layer.sidecar.annotations.iter().all(|a| a.origin.is_some());
                    if adjudication && !args.annotator.contains(&layer.annotator) {
                        report(format!(
                            "{}: left out: an adjudication (every annotation adopted from others; name it with --annotator to count it)",
                            layer.path.display()
                        ));
                        continue;
                    }
                    let coding = Coding::from_layer(layer);
                    // Adopted copies agree by construction: only an
                    // adjudication named with --annotator counts them.
                    codings.push(if adjudication {
                        coding
                    } else {
                        coding.independent()
                    });
                }
                // Every sidecar's aliases count, also those left out above.
                let names = corpus::actor_names_in(&target.document, &loaded.layers, &run);
                documents.push((
                    target.document.display().to_string(),
                    loaded.doc.len(),
                    skip,
                    codings,
                    names,
                ));
            }
            Err(e) => {
                failed = true;
                report(e);
            }
        }
    }
    if failed {
        return ExitCode::from(1);
    }
    if single
        && let Some((source, _, _, codings, _)) = documents.first()
        && codings.len() < 2
    {
        let names: Vec<&str> = codings.iter().map(|c| c.annotator.as_str()).collect();
        report(format!(
            "{source}: agreement needs sidecars of two or more annotators; found {} ({})",
            codings.len(),
            names.join(", ")
        ));
        return ExitCode::from(1);
    }
    if documents.is_empty() {
        report("gloss agree: no documents with sidecars found");
        return ExitCode::from(1);
    }
    let mut all: Vec<String> = documents
        .iter()
        .flat_map(|(_, _, _, c, _)| c.iter().map(|c| c.annotator.clone()))
        .collect();
    all.sort();
    all.dedup();
    let mut pooled = Reliability::new(all);
    let mut rows = Vec::new();
    for (source, paragraphs, skip, codings, names) in &documents {
        let refs: Vec<&Coding> = codings.iter().collect();
        pooled.add_document_except(*paragraphs, skip, &refs, names);
        rows.push(Row {
            source: source.clone(),
            report: crate::review::report_except(*paragraphs, skip, &refs, names),
            boilerplate: skip.range(..*paragraphs).count(),
        });
    }
    let pooled = pooled.report();
    match args.format {
        AgreeFormat::Json => {
            let mut value = pooled.to_json();
            if !single && let Some(obj) = value.as_object_mut() {
                let docs: Vec<serde_json::Value> = rows
                    .iter()
                    .map(|r| {
                        let mut v = r.report.to_json();
                        if let Some(o) = v.as_object_mut() {
                            o.insert("source".into(), r.source.clone().into());
                        }
                        v
                    })
                    .collect();
                obj.insert("documents".into(), docs.into());
            }
            match serde_json::to_string_pretty(&value) {
                Ok(text) => println!("{text}"),
                Err(e) => {
                    report(format!("gloss agree: {e}"));
                    return ExitCode::from(1);
                }
            }
        }
        AgreeFormat::Table => {
            if single {
                print!("{}", table(&rows[0].title(), &rows[0].report));
            } else {
                for r in &rows {
                    print!("{}", table(&r.title(), &r.report));
                    println!();
                }
                print!(
                    "{}",
                    table(
                        &format!(
                            "pooled over {} document{}",
                            rows.len(),
                            if rows.len() == 1 { "" } else { "s" }
                        ),
                        &pooled
                    )
                );
            }
        }
    }
    ExitCode::SUCCESS
}

/// A report as a small aligned table, titled `title`.
pub fn table(title: &str, r: &Report) -> String {
    let mut out = format!(
        "{} — {} — {} paragraphs\n",
        display_line(title),
        display_line(&r.annotators.join(", ")),
        r.units
    );
    let head = [
        "".to_string(),
        "observed".to_string(),
        "kappa".to_string(),
        "alpha".to_string(),
    ];
    let rows = r.table_rows();
    let first_w = rows.iter().map(|row| row[0].width()).max().unwrap_or(0);
    for row in std::iter::once(&head).chain(rows.iter()) {
        let mut line = format!("{:<first_w$}", row[0]);
        for cell in &row[1..] {
            line.push_str(&format!("  {:>8}", cell));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if r.annotators.len() != 2 {
        out.push_str("(kappa is for exactly two annotators)\n");
    }
    out
}
