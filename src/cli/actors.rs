//! `gloss actors PATH...`: who the documents name, where, and by which rule;
//! `--add` puts proposed actors and aliases into the project's codebook.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use super::report;
use crate::annotation::registry::{Actor, ActorResolver};
use crate::assist::{Detected, Detector, FirstPass, Scratch};
use crate::corpus::documents_with_sidecars_in;
use crate::document::Document;
use crate::project::boilerplate::MAX_SCANNED_BYTES;
#[cfg(doc)]
use crate::project::boilerplate::files_below;
use crate::project::store::ProjectStore;
use crate::project::{ActorEntry, FILE_NAME, Project};
use crate::sidecar::{self, Sidecar};

#[derive(Debug, Clone, Copy, Default, ValueEnum)]
pub enum ActorsFormat {
    /// Actors with their surface forms and counts, and proposed aliases.
    #[default]
    Table,
    /// One JSON object per mention.
    Jsonl,
}

#[derive(Debug, Args)]
pub struct ActorsArgs {
    #[command(flatten)]
    pub read: super::ReadArgs,
    /// Documents or folders.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = ActorsFormat::Table)]
    pub format: ActorsFormat,
    /// Put the proposed actors and aliases into the codebook (gloss.ron),
    /// after listing them and asking.
    #[arg(long)]
    pub add: bool,
    /// With --add: do not ask.
    #[arg(long, requires = "add")]
    pub yes: bool,
}

/// One document read for detection.
struct Input {
    path: PathBuf,
    /// Its text, kept only when a second pass may need it
    /// ([`FirstPass::may_change`]).
    doc: Option<Document>,
    /// The author the metadata gives, and the actor that stands for.
    author: Option<String>,
    actor: Option<String>,
}

pub fn run(args: &ActorsArgs) -> ExitCode {
    // (path, found in a folder, its sidecars): a folder's files are sized
    // when opened, and those `files_below` leaves out (too large, gone)
    // skipped there; their sidecars come from the walk's listing.
    let mut named = Vec::new();
    for path in &args.paths {
        if path.is_dir() {
            named.extend(
                documents_with_sidecars_in(path)
                    .into_iter()
                    .map(|(p, sidecars)| (p, true, sidecars)),
            );
        } else {
            named.push((path.clone(), false, sidecar::sidecars_of(path)));
        }
    }
    // A document named twice (a file and its folder, `./memo.txt` and
    // `memo.txt`) is read once: its mentions would count twice. (One
    // folder's walk meets each document once already.)
    if args.paths.len() > 1 {
        let mut seen = HashSet::new();
        named.retain(|(path, _, _)| {
            seen.insert(std::fs::canonicalize(path).unwrap_or(path.clone()))
        });
    }
    // Project files by path, each loaded once (a load error is kept and
    // reported for every document under it); each document's stored author.
    let run = crate::corpus::RunCache::default();
    let mut projects: HashMap<PathBuf, Result<Project, String>> = HashMap::new();
    let mut codebook: Vec<Actor> = Vec::new();
    let mut project_file: Option<PathBuf> = None;
    let mut stored: Vec<Result<Option<String>, String>> = Vec::with_capacity(named.len());
    for (path, _, _) in &named {
        // The project file is looked up once per folder.
        let found = run.project_file(path).map(|file| {
            let loaded = projects
                .entry(file.clone())
                .or_insert_with(|| Project::load(&file).map_err(|e| e.to_string()));
            (file, loaded)
        });
        stored.push(match found {
            Some((file, Ok(loaded))) => {
                if project_file.is_none() {
                    codebook = loaded.registry().into_vec();
                    project_file = Some(file.clone());
                }
                Ok(loaded
                    .document_at(&file, path)
                    .and_then(|e| e.meta.author.clone()))
            }
            None => Ok(None),
            Some((_, Err(e))) => Err(e.clone()),
        });
    }
    // The sidecars' registries first (on every core; only their heads are
    // read): every document is detected with all of them.
    let sidecar_actors: Vec<Vec<Vec<Actor>>> =
        crate::archive::parallel::map(&named, |(_, _, sidecars)| {
            // A sidecar that cannot be read lends none.
            sidecars
                .iter()
                .filter_map(|(_, p)| Sidecar::load_actors(p).ok())
                .collect()
        });
    // Every sidecar of a corpus may repeat the same registry: an actor
    // listed again exactly (name and aliases) changes nothing in a resolver
    // (its first listing decides every spelling), so it is left out; and
    // as a team's sidecars mostly share one registry, a sidecar's listing
    // the same as the one before it (all of it listed already) is passed
    // over whole.
    let mut listed: HashSet<(&str, &[String]), fnv::FnvBuildHasher> = HashSet::default();
    let mut previous: Option<&[Actor]> = None;
    let lists = sidecar_actors.iter().flatten().filter(|list| {
        let again = previous == Some(list.as_slice());
        previous = Some(list.as_slice());
        !again
    });
    let actors: Vec<Actor> = codebook
        .iter()
        .chain(lists.flatten())
        .filter(|a| listed.insert((a.name.as_str(), a.aliases.as_slice())))
        .cloned()
        .collect();
    let resolver = ActorResolver::of([actors.as_slice()]);
    let detector = Detector::new(&resolver);
    // Each document read and detected on the thread that reads it, a few
    // at a time, while its text is in the cache; the text is then dropped
    // (a 10,000-document archive is not held in memory), unless the names
    // other documents find may change its mentions.
    let items: Vec<(&Path, bool, Option<&str>)> = named
        .iter()
        .zip(&stored)
        .map(|((path, found, _), stored)| {
            let author = stored.as_ref().ok().and_then(|a| a.as_deref());
            (path.as_path(), *found, author)
        })
        .collect();
    let chunks: Vec<&[(&Path, bool, Option<&str>)]> = items.chunks(DETECTED_TOGETHER).collect();
    let read = crate::archive::parallel::map_each(&chunks, |chunk| {
        read_and_detect(chunk, &detector, &resolver)
    });
    let mut failed = false;
    let mut files = Vec::new();
    let mut inputs = Vec::new();
    let mut firsts = Vec::new();
    for ((path, _, _), (read, stored)) in named.iter().zip(read.into_iter().flatten().zip(&stored))
    {
        match read {
            Ok(None) => continue,
            Ok(Some((input, first))) => {
                if let Err(e) = stored {
                    report(e);
                    failed = true;
                }
                files.push(path);
                inputs.push(input);
                firsts.push(first);
            }
            Err(e) => {
                report(e);
                failed = true;
            }
        }
    }
    let mut detected = detector.finish(firsts, |i| {
        let input = &inputs[i];
        let doc = input.doc.as_ref()?;
        let paragraphs = (0..doc.len()).map(|p| doc.paragraph_text(p)).collect();
        Some((paragraphs, input.actor.as_deref()))
    });
    let authors: Vec<(Option<&str>, Option<&str>)> = inputs
        .iter()
        .map(|i| (i.author.as_deref(), i.actor.as_deref()))
        .collect();
    crate::assist::author::link_authors(&mut detected, &authors);
    let text = match args.format {
        ActorsFormat::Jsonl => jsonl(&inputs, &detected),
        ActorsFormat::Table => table(&detected, &resolver),
    };
    if !super::write_stdout(text.as_bytes()) {
        failed = true;
    }
    if args.add {
        let target = project_file.unwrap_or_else(|| {
            let folder = files
                .first()
                .and_then(|f| f.parent())
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from("."));
            folder.join(FILE_NAME)
        });
        // The dialog goes where the listing went, unless the listing is
        // JSON Lines, which it would break.
        let mut dialog: Box<dyn Write> = match args.format {
            ActorsFormat::Table => Box::new(std::io::stdout()),
            ActorsFormat::Jsonl => Box::new(std::io::stderr()),
        };
        // A codebook that did not load was reported with its documents.
        let same = |a: &Path| std::fs::canonicalize(a).ok() == std::fs::canonicalize(&target).ok();
        let broken = projects
            .iter()
            .any(|(file, loaded)| loaded.is_err() && same(file));
        if broken {
            failed = true;
        } else if let Err(e) = add(&target, &detected, &resolver, args.yes, &mut dialog) {
            report(e);
            failed = true;
        }
    }
    // The process ends here and the system takes its memory back at once:
    // freeing 10,000 documents and their mentions one by one would take
    // the main thread alone tens of milliseconds.
    std::mem::forget(detected);
    std::mem::forget(authors);
    std::mem::forget(inputs);
    std::mem::forget(files);
    std::mem::forget(named);
    std::mem::forget(resolver);
    std::mem::forget(sidecar_actors);
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Documents read and detected together on one thread: enough to spread
/// the work over the cores evenly, few enough that their text is still in
/// the cache when it is detected.
const DETECTED_TOGETHER: usize = 16;

/// A document read and detected once ([`FirstPass`]); `None` for a file
/// found in a folder that [`files_below`] leaves out; or the error to
/// report.
type Read = Result<Option<(Input, FirstPass)>, String>;

/// `chunk`'s documents (path, found in a folder, the author the project
/// stores) read, then detected on this thread with buffers they share.
fn read_and_detect(
    chunk: &[(&Path, bool, Option<&str>)],
    detector: &Detector,
    resolver: &ActorResolver,
) -> Vec<Read> {
    let docs: Vec<Result<Option<Document>, String>> = chunk
        .iter()
        .map(|&(path, found, _)| read_document(path, found))
        .collect();
    // The author the metadata gives, and the actor "I" stands for.
    let authors: Vec<(Option<String>, Option<String>)> = docs
        .iter()
        .zip(chunk)
        .map(|(doc, &(_, _, stored))| match doc {
            Ok(Some(doc)) => {
                let author =
                    crate::assist::author::metadata_author(doc, stored.map(str::to_string));
                let actor = author
                    .as_deref()
                    .and_then(|a| crate::assist::author::author_actor(a, resolver));
                (author, actor)
            }
            _ => (None, None),
        })
        .collect();
    let mut scratch = Scratch::default();
    let firsts: Vec<Option<FirstPass>> = docs
        .iter()
        .zip(&authors)
        .map(|(doc, (_, actor))| {
            let doc = doc.as_ref().ok()?.as_ref()?;
            let paragraphs: Vec<&str> = (0..doc.len()).map(|p| doc.paragraph_text(p)).collect();
            Some(detector.first_pass(&paragraphs, actor.as_deref(), &mut scratch))
        })
        .collect();
    drop(scratch);
    docs.into_iter()
        .zip(authors)
        .zip(firsts)
        .zip(chunk)
        .map(|(((doc, (author, actor)), first), &(path, _, _))| {
            let (Some(doc), Some(first)) = (doc?, first) else {
                return Ok(None);
            };
            // Its text is kept only for a second pass.
            let doc = first.may_change().then_some(doc);
            let input = Input {
                path: path.to_path_buf(),
                doc,
                author,
                actor,
            };
            Ok(Some((input, first)))
        })
        .collect()
}

/// A document read whole; `None` for a file found in a folder that
/// [`files_below`] leaves out.
fn read_document(path: &Path, found: bool) -> Result<Option<Document>, String> {
    // A document's error names its file itself.
    let shown = |e: crate::document::DocumentError| e.to_string();
    let doc = if found {
        match Document::open_found(path, MAX_SCANNED_BYTES) {
            Ok(Some(doc)) => doc,
            // A folder's images and other binary files are no documents.
            Ok(None) | Err(crate::document::DocumentError::Binary { .. }) => return Ok(None),
            Err(e) => return Err(shown(e)),
        }
    } else {
        Document::open(path).map_err(shown)?
    };
    doc.wait_complete();
    Ok(Some(doc))
}

fn jsonl(inputs: &[Input], detected: &[Detected]) -> String {
    let mut out = String::new();
    for (input, found) in inputs.iter().zip(detected) {
        for m in &found.mentions {
            let line = serde_json::json!({
                "source": input.path.display().to_string(),
                "paragraph": m.paragraph + 1,
                "start": m.start,
                "end": m.end,
                "surface": m.surface.as_str(),
                "actor": m.actor.as_str(),
                "rule": m.rule.as_str(),
            });
            out.push_str(&line.to_string());
            out.push('\n');
        }
    }
    out
}

/// Documents whose mentions are counted in one map by [`table`].
const COUNTED_TOGETHER: usize = 256;

/// Per actor: its surface forms with counts (most frequent first), marked
/// `new` when no registry knows it; then the proposed aliases.
fn table(detected: &[Detected], resolver: &ActorResolver) -> String {
    // The (actor, surface) pairs counted on every core, a batch of
    // documents to a count (a corpus has many mentions, few names: one
    // count per document would leave the main thread thousands to sum),
    // then summed and ordered.
    let batches: Vec<&[Detected]> = detected.chunks(COUNTED_TOGETHER).collect();
    let per_batch = crate::archive::parallel::map_each(&batches, |batch| {
        let mut counts: HashMap<(&str, &str), usize, fnv::FnvBuildHasher> = HashMap::default();
        for m in batch.iter().flat_map(|d| &d.mentions) {
            *counts.entry((&m.actor, &m.surface)).or_default() += 1;
        }
        counts
    });
    let mut counts: HashMap<(&str, &str), usize, fnv::FnvBuildHasher> = HashMap::default();
    for (pair, n) in per_batch.into_iter().flatten() {
        *counts.entry(pair).or_default() += n;
    }
    let mut actors: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for ((actor, surface), n) in counts {
        actors.entry(actor).or_default().insert(surface, n);
    }
    let mut out = String::new();
    for (actor, forms) in &actors {
        let total: usize = forms.values().sum();
        let mut forms: Vec<(&&str, &usize)> = forms.iter().collect();
        forms.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let forms: Vec<String> = forms.iter().map(|(f, n)| format!("{f} ×{n}")).collect();
        let new = if resolver.knows(actor) { "" } else { " (new)" };
        out.push_str(&format!("{actor}{new}\t{total}\t{}\n", forms.join(", ")));
    }
    let aliases = proposed_aliases(detected, resolver);
    if !aliases.is_empty() {
        out.push_str("\nproposed aliases:\n");
        for (name, variant) in aliases {
            out.push_str(&format!("{name} = {variant}\n"));
        }
    }
    out
}

/// Bracket pairs (name, variant) that no registry has united yet: a pair
/// already in the codebook (or a sidecar) is not proposed again.
fn proposed_aliases(detected: &[Detected], resolver: &ActorResolver) -> Vec<(String, String)> {
    let mut all: Vec<(String, String)> = detected
        .iter()
        .flat_map(|d| d.aliases.clone())
        .filter(|(name, variant)| !(resolver.knows(variant) && resolver.same_actor(name, variant)))
        .collect();
    all.sort();
    all.dedup();
    all
}

/// Put every actor no registry knows, and every bracket alias, into the
/// codebook of `target` (created when missing), after asking unless `yes`.
fn add(
    target: &Path,
    detected: &[Detected],
    resolver: &ActorResolver,
    yes: bool,
    out: &mut dyn Write,
) -> Result<(), String> {
    refuse_unresolved_conflicts(target)?;
    let (mut store, loaded) = ProjectStore::open(target).map_err(|e| e.to_string())?;
    let creating = loaded.is_none();
    let mut project = loaded.unwrap_or_else(Project::new);
    let mut actors: Vec<String> = detected
        .iter()
        .flat_map(|d| &d.mentions)
        .filter(|m| m.rule != crate::assist::Rule::Pronoun && !resolver.knows(&m.actor))
        .map(|m| m.actor.to_string())
        .collect();
    actors.sort();
    actors.dedup();
    let aliases = proposed_aliases(detected, resolver);
    if actors.is_empty() && aliases.is_empty() {
        let _ = writeln!(out, "nothing to add to {}", target.display());
        return Ok(());
    }
    let _ = writeln!(
        out,
        "\nto add to {}{}:",
        target.display(),
        if creating {
            " (a new project file)"
        } else {
            ""
        }
    );
    for a in &actors {
        let _ = writeln!(out, "  actor {a}");
    }
    for (name, variant) in &aliases {
        let _ = writeln!(out, "  alias {variant} of {name}");
    }
    if !yes {
        let _ = write!(out, "add them? [y/N] ");
        let _ = out.flush();
        let mut answer = String::new();
        // No answer at all (stdin closed): the line is ended here.
        if matches!(
            std::io::stdin().lock().read_line(&mut answer),
            Ok(0) | Err(_)
        ) {
            let _ = writeln!(out);
        }
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            let _ = writeln!(out, "nothing added");
            return Ok(());
        }
    }
    for a in &actors {
        if project.actor(a).is_none() {
            project.actors.push(ActorEntry::new(a));
        }
    }
    for (name, variant) in &aliases {
        let main = resolver.resolve(name);
        if project.actor(&main).is_none() {
            project.actors.push(ActorEntry::new(&main));
        }
        if let Some(entry) = project.actor_mut(&main)
            && !entry.aliases.iter().any(|x| x == variant)
            && entry.name != *variant
        {
            entry.aliases.push(variant.clone());
        }
    }
    // A variant listed as its own actor is now an alias: drop the entry.
    let alias_names: Vec<String> = aliases.iter().map(|(_, v)| v.clone()).collect();
    project
        .actors
        .retain(|a| !alias_names.contains(&a.name) || !a.aliases.is_empty());
    store.save(&project).map_err(|e| e.to_string())?;
    if creating {
        let _ = writeln!(out, "created {}", target.display());
    } else {
        let _ = writeln!(out, "updated {}", target.display());
    }
    Ok(())
}

/// `// CONFLICT (gloss merge)` comments in `target` hold the other branch's
/// values, which a rewrite would drop: they are resolved by hand first.
fn refuse_unresolved_conflicts(target: &Path) -> Result<(), String> {
    let Ok(text) = std::fs::read_to_string(target) else {
        return Ok(());
    };
    match text
        .lines()
        .position(|l| l.trim_start().starts_with("// CONFLICT (gloss merge)"))
    {
        Some(line) => Err(format!(
            "{}:{}: unresolved merge conflict (a `// CONFLICT (gloss merge)` comment): resolve it, then add again",
            target.display(),
            line + 1
        )),
        None => Ok(()),
    }
}
