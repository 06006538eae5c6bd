//! `gloss init` and `gloss meta`: the project file from the command line.

use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::report;
use crate::corpus;
use crate::document::Document;
use crate::document::sanitize::display_line;
use crate::project::boilerplate::BoilerplateFinder;
use crate::project::{self, DocumentMeta, META_FIELDS, Project, detect};
use crate::sidecar::Sidecar;
use crate::sidecar::store::write_atomic;

/// `gloss init [DIR]`: a new `DIR/gloss.ron` holding the actors, aliases and
/// issues of every sidecar below DIR. Never replaces an existing one.
pub fn init(dir: &Path) -> ExitCode {
    if !dir.is_dir() {
        report(format!("{}: no such folder", dir.display()));
        return ExitCode::from(1);
    }
    let path = dir.join(project::FILE_NAME);
    if std::fs::symlink_metadata(&path).is_ok() {
        report(format!(
            "{}: a project file is already there; gloss init never replaces one (edit it, or remove it to start again)",
            path.display()
        ));
        return ExitCode::from(1);
    }
    let (targets, _) = corpus::find_targets(&[dir.to_path_buf()], &[], false);
    let mut project = Project::new();
    let mut sidecars = 0;
    for target in &targets {
        for (_, sidecar_path) in &target.sidecars {
            match Sidecar::load(sidecar_path) {
                Ok(mut sidecar) => {
                    // Names used in tags but missing from the registry count too.
                    sidecar.learn_names();
                    project.learn(&sidecar.actors, &sidecar.issues);
                    sidecars += 1;
                }
                Err(e) => report(format!("{e} (left out of the codebook)")),
            }
        }
    }
    let text = match project.to_ron() {
        Ok(t) => t,
        Err(e) => {
            report(format!("{}: could not serialise: {e}", path.display()));
            return ExitCode::from(1);
        }
    };
    if let Err(e) = write_atomic(&path, text.as_bytes()) {
        report(format!("{}: {e}", path.display()));
        return ExitCode::from(1);
    }
    let aliases: usize = project.actors.iter().map(|a| a.aliases.len()).sum();
    let _ = writeln!(
        std::io::stdout(),
        "{}: created with {} actor(s), {aliases} alias(es) and {} issue(s) from {sidecars} sidecar(s)",
        display_line(&path.display().to_string()),
        project.actors.len(),
        project.issues.len(),
    );
    ExitCode::SUCCESS
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum MetaFormat {
    /// One block per document: field, value, and where it came from.
    #[default]
    Table,
    /// `[{"path", "project", "key", "meta", "from", "stored", "detected", "status", "boilerplate"}]`.
    Json,
}

#[derive(Debug, Args)]
pub struct MetaArgs {
    #[command(flatten)]
    pub read: super::ReadArgs,
    /// Documents, or folders (every UTF-8 text file below them).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = MetaFormat::Table)]
    pub format: MetaFormat,
}

/// One document's metadata: detected from its text, stored in the project.
struct MetaReport {
    path: String,
    project: Option<PathBuf>,
    key: Option<String>,
    detected: DocumentMeta,
    stored: DocumentMeta,
    status: Option<project::Status>,
    /// Boilerplate paragraphs, 1-based.
    boilerplate: Vec<usize>,
}

impl MetaReport {
    /// Every field with a value, in file order, with where it came from.
    fn rows(&self) -> Vec<(String, String, &'static str)> {
        let shown = self.stored.or(&self.detected);
        let mut names: Vec<String> = META_FIELDS.iter().map(|f| f.to_string()).collect();
        names.extend(shown.fields.keys().cloned());
        names
            .into_iter()
            .filter_map(|field| {
                let value = shown.get(&field)?;
                let from = if self.stored.get(&field).is_some() {
                    "stored"
                } else {
                    "detected"
                };
                Some((field, value, from))
            })
            .collect()
    }
}

fn meta_of(path: &Path, projects: &mut BoilerplateFinder) -> Result<MetaReport, String> {
    let doc = Document::open(path).map_err(|e| e.to_string())?;
    doc.wait_complete();
    let detected = detect::detect_document(&doc);
    let mut report = MetaReport {
        path: path.display().to_string(),
        project: None,
        key: None,
        detected,
        stored: DocumentMeta::default(),
        status: None,
        boilerplate: Vec::new(),
    };
    let Some((file, loaded)) = projects.project_of(path).map_err(|e| e.to_string())? else {
        return Ok(report);
    };
    let key = project::document_key(&project::root_of(&file), path);
    if let Some(entry) = key.as_deref().and_then(|k| loaded.document(k)) {
        report.stored = entry.meta.clone();
        report.status = entry.status;
    }
    report.project = Some(file);
    report.key = key;
    report.boilerplate = projects
        .of(&doc)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|i| i + 1)
        .collect();
    Ok(report)
}

/// `gloss meta PATH...`: what each document's text says about it, and what
/// the project file stores (stored values win).
pub fn meta(args: &MetaArgs) -> ExitCode {
    let mut failed = false;
    let mut documents = Vec::new();
    for path in &args.paths {
        if path.is_dir() {
            // In a folder, files that are not text are not documents.
            documents.extend(
                project::boilerplate::files_below(path)
                    .into_iter()
                    .filter(|f| std::fs::read(f).is_ok_and(|b| std::str::from_utf8(&b).is_ok())),
            );
        } else {
            documents.push(path.clone());
        }
    }
    let mut projects = BoilerplateFinder::new();
    let mut reports = Vec::new();
    for document in &documents {
        match meta_of(document, &mut projects) {
            Ok(r) => reports.push(r),
            Err(e) => {
                failed = true;
                report(e);
            }
        }
    }
    let text = match args.format {
        MetaFormat::Table => meta_table(&reports),
        MetaFormat::Json => meta_json(&reports),
    };
    if !super::write_stdout(text.as_bytes()) {
        return ExitCode::from(1);
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn meta_table(reports: &[MetaReport]) -> String {
    let mut out = String::new();
    for (i, r) in reports.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&display_line(&r.path));
        match (&r.project, &r.key) {
            (Some(p), Some(k)) => out.push_str(&format!(
                "  (project {}, as {})",
                display_line(&p.display().to_string()),
                display_line(k)
            )),
            (Some(p), None) => out.push_str(&format!(
                "  (project {}: not below its folder)",
                display_line(&p.display().to_string())
            )),
            _ => out.push_str("  (no project file)"),
        }
        out.push('\n');
        let rows = r.rows();
        let width = rows
            .iter()
            .map(|(f, _, _)| f.chars().count())
            .chain((!r.boilerplate.is_empty()).then_some("boilerplate".len()))
            .max()
            .unwrap_or(0)
            .max(6);
        for (field, value, from) in &rows {
            let mut line = format!("  {field:<width$}  {from:<8}  {}", display_line(value));
            // A stored value that replaces a different detected one says so.
            if *from == "stored"
                && let Some(d) = r.detected.get(field)
                && d != *value
            {
                line.push_str(&format!("  (detected: {})", display_line(&d)));
            }
            out.push_str(&line);
            out.push('\n');
        }
        if let Some(status) = r.status {
            out.push_str(&format!(
                "  {:<width$}  {:<8}  {status}\n",
                "status", "stored"
            ));
        }
        if !r.boilerplate.is_empty() {
            let list: Vec<String> = r.boilerplate.iter().map(|p| p.to_string()).collect();
            out.push_str(&format!(
                "  {:<width$}  {:<8}  ¶ {}\n",
                "boilerplate",
                "detected",
                list.join(", ")
            ));
        }
        if rows.is_empty() && r.status.is_none() {
            out.push_str("  (nothing detected or stored)\n");
        }
    }
    out
}

fn meta_json(reports: &[MetaReport]) -> String {
    use serde_json::{Map, Value, json};
    let fields = |m: &DocumentMeta| -> Value {
        let mut map = Map::new();
        for f in META_FIELDS {
            if let Some(v) = m.get(f) {
                map.insert(f.to_string(), Value::String(v));
            }
        }
        if !m.fields.is_empty() {
            map.insert("fields".into(), json!(m.fields));
        }
        Value::Object(map)
    };
    let list: Vec<Value> = reports
        .iter()
        .map(|r| {
            let shown = r.stored.or(&r.detected);
            let from: Map<String, Value> = r
                .rows()
                .into_iter()
                .map(|(f, _, from)| (f, Value::String(from.to_string())))
                .collect();
            json!({
                "path": r.path,
                "project": r.project.as_ref().map(|p| p.display().to_string()),
                "key": r.key,
                "meta": fields(&shown),
                "from": from,
                "stored": fields(&r.stored),
                "detected": fields(&r.detected),
                "status": r.status.map(|s| s.as_str()),
                "boilerplate": r.boilerplate,
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&list).unwrap_or_else(|_| "[]".into());
    text.push('\n');
    text
}
