//! Retrieval over 100,000 annotations (1,000 generated documents, two
//! annotators with 50 annotations each, dates and an actor's aliases in the
//! project file): filter + stance matrix (target ≤ 200 ms), and frames of
//! the list and the matrix while scrolling (target ≤ 1 ms), each a key handled
//! plus `prepare_frame` and `view::retrieval::draw` on a 120×40 TestBackend.
//! Loading the corpus (once, through the export pipeline) is measured too,
//! but it runs off the UI thread and has no target here.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use glossator::annotation::{Annotation, Stance, Tag};
use glossator::app::retrieval::{Action, Retrieval, Screen};
use glossator::archive::retrieval::{Corpus, parse_filter};
use glossator::document::Document;
use glossator::document::anchor::Anchor;
use glossator::project::{ActorEntry, IssueEntry, Project};
use glossator::sidecar::{Sidecar, sidecar_path};
use glossator::view::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const DOCUMENTS: usize = 1_000;
const PER_ANNOTATOR: usize = 50;
const ACTORS: [&str; 8] = [
    "Nam Il",
    "Pak Chang-ok",
    "Han Tae-jun",
    "the delegation",
    "the committee",
    "Kim Il-sung",
    "the ministry",
    "Minister Nam",
];
const ISSUES: [&str; 6] = [
    "armistice",
    "grain",
    "border talks",
    "heavy industry",
    "cadres",
    "foreign aid",
];

fn tag(i: usize) -> Tag {
    let actor = ACTORS[i % 8].to_string();
    match i % 4 {
        0 => Tag::Claim { by: actor },
        1 => Tag::Advice {
            from: actor,
            to: ACTORS[(i + 3) % 8].to_string(),
        },
        _ => Tag::Position {
            actor,
            stance: Stance::ALL[(i / 4) % 3],
            issue: ISSUES[(i / 7) % 6].to_string(),
        },
    }
}

/// Write the archive under `root`.
fn write(root: &Path) {
    let mut project = Project::new();
    let mut nam = ActorEntry::new("Nam Il");
    nam.aliases = vec!["Minister Nam".into()];
    project.actors.push(nam);
    let mut aid = IssueEntry::new("aid");
    aid.aliases = vec!["foreign aid".into()];
    project.issues.push(aid);
    for d in 0..DOCUMENTS {
        let key = format!("box-{:02}/memo-{d:05}.txt", d / 100);
        let path = root.join(&key);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("create a folder");
        let text: String = (0..20)
            .map(|k| {
                format!(
                    "{} told {} about the {} in memo {d}, paragraph {k}.\n\n",
                    ACTORS[(d + k) % 8],
                    ACTORS[(d * 3 + k) % 8],
                    ISSUES[(d + k) % 6]
                )
            })
            .collect();
        std::fs::write(&path, &text).expect("write a document");
        let doc = Document::from_text(&path, &text);
        for annotator in ["ana", "ben"] {
            let mut sidecar = Sidecar::new(&doc, annotator);
            for n in 0..PER_ANNOTATOR {
                let i = d * 100 + n * 2 + usize::from(annotator == "ben");
                let mut a = Annotation::created_at(
                    tag(i),
                    Anchor::whole(&doc, n % doc.len()),
                    format!("2026-01-01T00:{:02}:{:02}Z", (n / 60) % 60, n % 60),
                );
                a.id = format!("{annotator}-{i:08}");
                sidecar.annotations.push(a);
            }
            let side = sidecar_path(&path, annotator);
            std::fs::write(side, sidecar.to_ron().expect("serialise")).expect("write a sidecar");
        }
        // Dates over ten years, a few documents undated.
        if d % 50 != 0 {
            let date = format!("{}-{:02}-{:02}", 1950 + d % 10, 1 + d % 12, 1 + d % 28);
            project.document_mut(&key).meta.date = Some(date.parse().expect("a date"));
        }
    }
    std::fs::write(
        root.join("gloss.ron"),
        project.to_ron().expect("serialise the project"),
    )
    .expect("write the project");
}

fn retrieval(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    write(dir.path());
    let started = Instant::now();
    let corpus = Corpus::load(dir.path(), &mut |m| eprintln!("{m}")).expect("load");
    eprintln!(
        "loaded {} annotations of {} documents in {:?}",
        corpus.rows.len(),
        corpus.documents.len(),
        started.elapsed()
    );
    assert_eq!(corpus.rows.len(), DOCUMENTS * PER_ANNOTATOR * 2);
    let mut g = c.benchmark_group("retrieval");
    g.sample_size(20);
    for (name, text) in [
        ("all", ""),
        ("actor_alias", "actor:Minister Nam kind:position"),
        ("issue_stance", "issue:aid stance:oppose"),
        ("unknown_actor", "actor:Nobody Known"),
    ] {
        let filter = parse_filter(text).expect("a filter");
        g.bench_function(format!("filter_and_matrix/{name}"), |b| {
            b.iter(|| {
                let selected = corpus.select(&filter).expect("select");
                let matrix = corpus.matrix(&selected);
                black_box((selected.len(), matrix.counts.len()))
            })
        });
    }
    let all = corpus
        .select(&parse_filter("").expect("empty"))
        .expect("select");
    g.bench_function("timeline/actor", |b| {
        b.iter(|| {
            black_box(corpus.timeline(&all, glossator::archive::retrieval::Subject::Actor(0)))
        })
    });
    g.finish();

    let theme = Theme::named("default", false);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let mut frame = |r: &mut Retrieval| {
        terminal
            .draw(|f| {
                let area = f.area();
                r.prepare_frame(area);
                glossator::view::retrieval::draw(f.buffer_mut(), area, r, &theme);
            })
            .expect("draw");
    };
    let mut screens = Retrieval::with_corpus(corpus, Screen::List);
    frame(&mut screens);
    let mut g = c.benchmark_group("retrieval_frame");
    for (name, setup, key) in [
        ("list_page_down", None, Action::PageDown),
        ("list_down", None, Action::Down),
        ("list_end", Some(Action::First), Action::Last),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                if let Some(s) = setup {
                    screens.run(s);
                } else if screens.cursor + 100 >= screens.items.len() {
                    screens.run(Action::First);
                }
                screens.run(key);
                frame(&mut screens);
                black_box(screens.cursor)
            })
        });
    }
    screens.run(Action::Toggle);
    g.bench_function("list_grouped_page_down", |b| {
        b.iter(|| {
            if screens.cursor + 100 >= screens.items.len() {
                screens.run(Action::First);
            }
            screens.run(Action::PageDown);
            frame(&mut screens);
            black_box(screens.cursor)
        })
    });
    screens.run(Action::ShowMatrix);
    g.bench_function("matrix_down", |b| {
        b.iter(|| {
            if screens.cell.0 + 1 >= screens.matrix.actors.len() {
                screens.run(Action::First);
            }
            screens.run(Action::Down);
            frame(&mut screens);
            black_box(screens.cell)
        })
    });
    screens.run(Action::ShowTimeline);
    g.bench_function("timeline_next", |b| {
        b.iter(|| {
            screens.run(Action::Right);
            frame(&mut screens);
            black_box(screens.timeline.as_ref().map(|t| t.buckets.len()))
        })
    });
    g.finish();
}

criterion_group!(benches, retrieval);
criterion_main!(benches);
