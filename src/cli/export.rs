//! `gloss export`: excerpts from documents and folders, in one format.

use clap::Args;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use super::{FilterArgs, report};
use crate::export::{self, ExportSet, Format, collect, dna};
use crate::sidecar::store::write_atomic;

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub read: super::ReadArgs,
    #[command(flatten)]
    pub filter: FilterArgs,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "json")]
    pub format: Format,
    /// Write to this file (atomically) instead of standard output.
    #[arg(long, short = 'o', value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Also export annotations on boilerplate paragraphs (project file:
    /// marked, matching a rule, or shared by three or more documents).
    #[arg(long)]
    pub include_boilerplate: bool,
    /// Documents, sidecars or folders (searched recursively).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

pub fn run(args: &ExportArgs) -> ExitCode {
    // A zip sent to a terminal would garble it (its bytes include escape codes).
    if args.format == Format::Qdpx
        && args.output.is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stdout())
    {
        report(
            "gloss: --format qdpx writes a zip file: add -o FILE.qdpx (or redirect standard output)",
        );
        return ExitCode::from(2);
    }
    let filter = args.filter.to_filter();
    let options = collect::Options {
        untagged_documents: args.format == Format::Qdpx,
        include_boilerplate: args.include_boilerplate,
        progress: true,
    };
    let gathered = match collect::collect(&args.paths, &filter, options, &mut |m| report(m)) {
        Ok(g) => g,
        Err(collect::Stop::Ambiguous) => return ExitCode::from(2),
        Err(collect::Stop::Failed) => return ExitCode::from(1),
    };
    let failed = gathered.failed;
    // Nothing could be read (each path's error is reported): an empty export
    // beside the errors would pass for a real one, to a reader of standard
    // output or of the file it replaces.
    if failed && gathered.documents.is_empty() {
        return ExitCode::from(1);
    }
    let (documents, excerpts, metadata, roots) = (
        gathered.documents,
        gathered.excerpts,
        gathered.metadata,
        gathered.roots,
    );
    let set = ExportSet {
        documents: &documents,
        excerpts: &excerpts,
        metadata: &metadata,
        roots: &roots,
    };
    if args.format == Format::Dna {
        let skipped = dna::skipped(&set);
        if skipped.neutral > 0 {
            report(format!(
                "gloss: {} neutral position(s) left out (DNA's agreement is 1 or 0)",
                skipped.neutral
            ));
        }
        if skipped.undated > 0 {
            report(format!(
                "gloss: {} position(s) from documents without a date left out (DNA needs a time; set one with the metadata panel or gloss.ron)",
                skipped.undated
            ));
        }
    }
    let bytes = match export::render(args.format, &set) {
        Ok(b) => b,
        Err(e) => {
            report(format!("gloss: export failed: {e}"));
            return ExitCode::from(1);
        }
    };
    let written = match &args.output {
        Some(path) => write_atomic(path, &bytes).map_err(|e| format!("{}: {e}", path.display())),
        None => {
            let mut out = std::io::stdout().lock();
            match out.write_all(&bytes).and_then(|_| out.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(|e| format!("standard output: {e}")),
            }
        }
    };
    if let Err(e) = written {
        report(e);
        return ExitCode::from(1);
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
