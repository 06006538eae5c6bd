//! The command line: clap definitions and one runner per subcommand.
//!
//! Exit codes: 0 success, 1 bad input or failed check (one line per problem on
//! stderr, naming file and position), 2 usage error (clap's own).

mod actors;
mod agree;
pub mod annotate;
mod check;
mod corpus;
mod export;
mod import;
mod merge_driver;
mod project;
mod review;
mod suggest;
mod text;

use clap::{Args, CommandFactory, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

use crate::annotation::{Kind, Stance};
use crate::document::sanitize::display_line;

/// glossator: tag claims, advice and positions of actors in documents you read closely.
#[derive(Debug, Parser)]
#[command(name = "gloss", version, about, long_about = None)]
#[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
#[command(
    after_help = "Annotate: gloss FILE. Your tags go to FILE.<annotator>.gloss.ron beside FILE."
)]
pub struct Cli {
    #[command(flatten)]
    pub session: SessionArgs,

    /// The document to annotate, or a folder: the list of its documents
    /// (without: the folder of the gloss.ron above, if any).
    pub file: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Commands>,
}

/// Options of the annotating and reviewing TUIs (`gloss FILE`, `gloss
/// review`): only those commands take them (not global: elsewhere they would
/// be listed and do nothing).
#[derive(Debug, Args, Clone, Default)]
pub struct SessionArgs {
    /// Annotator name (default: config, then $USER): Unicode letters, digits,
    /// _ and -; other names are refused.
    #[arg(long = "as", value_name = "NAME", value_parser = parse_annotator)]
    pub annotator: Option<String>,
    /// Keymap: a built-in name (default, emacs, arrows), a name in the config
    /// folder's keymaps/, or a path to a .ron file.
    #[arg(long, value_name = "NAME|PATH")]
    pub keymap: Option<String>,
    /// Open without writing anything (also opens a sidecar that does not parse).
    #[arg(long)]
    pub read_only: bool,
    /// Folder holding config.ron and keymaps (default: the platform's; env GLOSS_CONFIG_DIR).
    #[arg(long, value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// How documents are read: taken by every command that reads documents and
/// applied to every document it opens ([`crate::document::set_read_options`]).
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct ReadArgs {
    /// Read documents as this format, whatever they look like (text,
    /// markdown, html, tei, docx, pdf): a .txt that is really HTML stays text
    /// unless asked.
    #[arg(long = "as-format", value_name = "FORMAT", value_parser = text::parse_format)]
    pub as_format: Option<crate::document::formats::Format>,
    /// Keep what an extractor leaves out as page furniture (navigation,
    /// sidebars, footers, everything outside an HTML page's main content),
    /// flagged as boilerplate.
    #[arg(long)]
    pub keep_all: bool,
}

impl ReadArgs {
    pub fn options(&self) -> crate::document::OpenOptions {
        crate::document::OpenOptions {
            format: self.as_format,
            keep_all: self.keep_all,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Commands {
    /// Export tagged excerpts from documents or folders.
    Export(export::ExportArgs),
    /// Validate sidecars and report how their annotations are anchored.
    Check {
        /// Documents, sidecars or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Treat warnings (unknown names, likely duplicates, ambiguous
        /// anchors) as errors: exit 1 when there are any.
        #[arg(long)]
        strict: bool,
        #[command(flatten)]
        read: ReadArgs,
    },
    /// Print shell completions (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Review every annotator's sidecar of FILE side by side (TUI); adopt
    /// others' annotations into your own (--as).
    Review {
        #[command(flatten)]
        session: SessionArgs,
        /// The document.
        file: PathBuf,
        /// Sidecars to review (default: every FILE.*.gloss.ron beside FILE).
        sidecars: Vec<PathBuf>,
    },
    /// Actors the documents name (registry names, titled names, name
    /// shapes, romanisation pairs, surnames, "I" for the author), each
    /// mention with the rule that found it; --add puts them in the codebook.
    Actors(actors::ActorsArgs),
    /// Tags the documents' cue phrases suggest ("X told Y that …" a claim,
    /// "it would be desirable for Y to …" advice, "X opposed …" a position),
    /// each with its rule and cue words (rules: built-in + cues.ron).
    Suggest(suggest::SuggestArgs),
    /// Inter-annotator agreement per kind and on stance (observed, Cohen's
    /// kappa, Krippendorff's alpha); a folder gives per-document and pooled figures.
    Agree(agree::AgreeArgs),
    /// Create DIR/gloss.ron (default: this folder), the project file, seeded
    /// with the actors, aliases and issues of the sidecars below DIR.
    Init {
        /// The archive's root folder.
        dir: Option<PathBuf>,
    },
    /// Document metadata (title, date, citation …): detected from the text
    /// and stored in the project file, saying which is which.
    Meta(project::MetaArgs),
    /// The document's paragraphs as gloss sees them (HTML, TEI and Markdown
    /// extracted), blank-line separated; boilerplate left out unless --all.
    Text(text::TextArgs),
    /// Split a TEI file of many documents (a FRUS volume) into one TEI file
    /// per div[@type="document"] in DIR, with their metadata and the
    /// volume's persons in DIR/gloss.ron.
    Import(import::ImportArgs),
    /// git merge driver for sidecars: merges BASE, OURS, THEIRS by annotation
    /// id and writes the result to OURS (see README: .gitattributes, git config).
    MergeDriver {
        /// The common ancestor (git's %O).
        base: PathBuf,
        /// Our version (git's %A); the merge is written here.
        ours: PathBuf,
        /// Their version (git's %B).
        theirs: PathBuf,
        /// The sidecar's path in the repository, for messages (git's %P).
        path: Option<PathBuf>,
    },
}

/// Filters shared by export and (later) other commands.
#[derive(Debug, Args, Clone, Default)]
pub struct FilterArgs {
    /// Only this kind (repeatable).
    #[arg(long, value_name = "KIND", value_parser = parse_kind)]
    pub kind: Vec<Kind>,
    /// Tags naming this actor in any role, by name or alias, or a unique
    /// prefix (case, hyphens and spaces ignored) (repeatable).
    #[arg(long, value_name = "NAME")]
    pub actor: Vec<String>,
    /// Positions with this stance (support, oppose, neutral or a prefix).
    #[arg(long, value_name = "STANCE", value_parser = parse_stance)]
    pub stance: Option<Stance>,
    /// Only this annotator's sidecars (repeatable).
    #[arg(long, value_name = "NAME")]
    pub annotator: Vec<String>,
    /// Positions whose issue contains TEXT (case-insensitive).
    #[arg(long, value_name = "TEXT")]
    pub issue: Option<String>,
}

impl FilterArgs {
    pub fn to_filter(&self) -> crate::export::Filter {
        crate::export::Filter {
            kinds: self.kind.clone(),
            actors: self.actor.clone(),
            stance: self.stance,
            annotators: self.annotator.clone(),
            issue: self.issue.clone(),
            issue_spellings: Vec::new(),
        }
    }
}

fn parse_kind(s: &str) -> Result<Kind, String> {
    s.parse()
}

fn parse_stance(s: &str) -> Result<Stance, String> {
    s.parse()
}

/// `--as`: a name that cannot name a sidecar is a usage error (exit 2).
fn parse_annotator(s: &str) -> Result<String, String> {
    crate::annotation::annotator_name(s)
}

/// Print one problem line on stderr, made safe for the terminal.
pub fn report(problem: impl std::fmt::Display) {
    // Not eprintln!: with the terminal gone (a lost SSH session) it would panic.
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{}", display_line(&problem.to_string()));
}

/// Write a command's output to stdout. A reader that stopped reading (`|
/// head`) is no failure; any other error (`> /dev/full`) is reported.
/// False when the output could not be written.
pub fn write_stdout(bytes: &[u8]) -> bool {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|_| out.flush()) {
        Ok(()) => true,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => true,
        Err(e) => {
            report(format!("standard output: {e}"));
            false
        }
    }
}

/// Parse arguments and run. Never panics on bad input.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let read = match &cli.command {
        Some(Commands::Export(a)) => a.read,
        Some(Commands::Check { read, .. }) => *read,
        Some(Commands::Review { session, .. }) => session.read,
        Some(Commands::Agree(a)) => a.read,
        Some(Commands::Actors(a)) => a.read,
        Some(Commands::Meta(a)) => a.read,
        Some(Commands::Text(a)) => a.read,
        Some(_) => ReadArgs::default(),
        None => cli.session.read,
    };
    crate::document::set_read_options(read.options());
    match cli.command {
        Some(Commands::Export(args)) => export::run(&args),
        Some(Commands::Check { paths, strict, .. }) => check::run(&paths, strict),
        Some(Commands::Review {
            session,
            file,
            sidecars,
        }) => review::run(&file, &sidecars, &session),
        Some(Commands::Agree(args)) => agree::run(&args),
        Some(Commands::Actors(args)) => actors::run(&args),
        Some(Commands::Suggest(args)) => suggest::run(&args),
        Some(Commands::Init { dir }) => {
            project::init(dir.as_deref().unwrap_or(std::path::Path::new(".")))
        }
        Some(Commands::Meta(args)) => project::meta(&args),
        Some(Commands::Text(args)) => text::run(&args),
        Some(Commands::Import(args)) => import::run(&args),
        Some(Commands::MergeDriver {
            base,
            ours,
            theirs,
            path,
        }) => merge_driver::run(&base, &ours, &theirs, path.as_ref()),
        Some(Commands::Completions { shell }) => {
            clap_complete::generate(shell, &mut Cli::command(), "gloss", &mut std::io::stdout());
            ExitCode::SUCCESS
        }
        None => match cli.file {
            Some(dir) if dir.is_dir() => corpus::run(&dir, &cli.session),
            Some(file) => annotate::run(&file, &cli.session),
            None => match corpus::default_root() {
                Some(root) => corpus::run(&root, &cli.session),
                None => {
                    let _ = Cli::command().print_help();
                    ExitCode::from(2)
                }
            },
        },
    }
}
