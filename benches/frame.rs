//! Frames of the 1M-paragraph document at its start, middle and end, and
//! after the moves of issue #6 (G, g, page, search hit): each is one key
//! handled plus `App::prepare_frame` and `view::draw` on a 120×40 TestBackend.
//! `dense_names*`: frames with names underlined and suggestions listed on a
//! document crowded with mentions (issue #14).

mod common;

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use glossator::app::App;
use glossator::command::Command;
use glossator::document::Document;
use glossator::keymap::Keymap;
use glossator::view::{self, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn frame(c: &mut Criterion) {
    let text = common::big_text(common::BIG_PARAGRAPHS);
    let doc = Document::from_bytes(Path::new("big.txt"), text.into_bytes()).expect("document");
    let n = doc.len();
    // Some annotations, so the gutter marks and the panel have work to do.
    let sidecar = common::sidecar_for(&doc, "bench", 1000);
    let mut app = App::new(doc, sidecar, Keymap::default_keymap());
    let theme = Theme::named("default", false);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let mut draw = |app: &mut App| {
        terminal
            .draw(|f| {
                app.prepare_frame(f.area());
                view::draw(f, app, &theme);
            })
            .expect("draw");
    };
    draw(&mut app);
    let mut g = c.benchmark_group("frame");
    for (name, at) in [("start", 0), ("middle", n / 2), ("end", n - 1)] {
        app.select(at);
        draw(&mut app);
        g.bench_function(name, |b| {
            b.iter(|| {
                app.layout.follow = true;
                draw(&mut app);
                black_box(app.layout.visible.len())
            })
        });
    }
    // Only the frame after the key is timed; the opposite jump sets it up.
    for (name, setup, key) in [
        ("G", Command::FirstParagraph, Command::LastParagraph),
        ("g", Command::LastParagraph, Command::FirstParagraph),
    ] {
        g.bench_function(name, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    app.run(setup);
                    draw(&mut app);
                    let t = Instant::now();
                    app.run(key);
                    draw(&mut app);
                    total += t.elapsed();
                }
                total
            })
        });
    }
    app.select(n / 2);
    g.bench_function("page_down", |b| {
        b.iter(|| {
            if app.selected + 100 >= n {
                app.select(n / 2);
            }
            app.run(Command::PageDown);
            draw(&mut app);
            black_box(app.selected)
        })
    });
    // Every fifth paragraph matches: step through hits all over the document.
    app.start_search("heavy industry".into());
    while app.search.as_ref().is_some_and(|s| !s.complete) {
        std::thread::sleep(Duration::from_millis(10));
        draw(&mut app);
    }
    g.bench_function("search_hit", |b| {
        b.iter(|| {
            app.run(Command::SearchNext);
            draw(&mut app);
            black_box(app.selected)
        })
    });
    // Names and suggestions: a frame with the selected paragraph's worked
    // out (underlines, cue words, panel rows), and the frame right after a
    // move to a paragraph not yet worked out (it must not wait for it).
    app.run(Command::ClearSearch);
    app.select(n / 3);
    app.settle_assist(Duration::from_secs(10));
    g.bench_function("suggestions", |b| {
        b.iter(|| {
            app.layout.follow = true;
            draw(&mut app);
            black_box(app.suggestions().len())
        })
    });
    g.bench_function("suggestions_after_move", |b| {
        b.iter(|| {
            if app.selected + 10 >= n {
                app.select(n / 3);
            }
            app.run(Command::NextParagraph);
            draw(&mut app);
            black_box(app.selected)
        })
    });
    g.finish();
}

/// A paragraph crowded with names and cue phrases: ~30 mentions (brackets,
/// titles, surnames, "I", pronoun subjects) and several suggestions.
fn dense_paragraph(i: usize) -> String {
    format!(
        "{i}. Pak Chang-ok [Pak Chang Ok] told Nam Il that Choe Chang-ik [Choe Chang Ik], \
         Kim Seung-hwa [Kim Sung Hwa] and Kim Il Sung would speak at the plenum. Comrade Pak \
         said that it would be desirable for Nam Il to join Choe and Kim Seung-hwa. He \
         opposed the plan of Minister Nam Il, and Ambassador Ivanov supported it. I told \
         Pak that Nam Il, Choe Yong-geon [Choe Yong Gon] and Kim Il Sung agreed with me. \
         Nam Il urged Pak Chang-ok to wait; Pak insisted on the criticism of Kim Il Sung, \
         and Choe Chang-ik objected to it. According to Kim Seung-hwa, Pak Chang-ok and \
         Nam Il were not opposed to a conference.\n\n"
    )
}

/// Frames with names underlined and suggestions listed on a document whose
/// every paragraph is crowded with mentions: worked out (the cue words of
/// the selected suggestion bold), and the frame right after a move.
fn dense_names(c: &mut Criterion) {
    let mut text = String::from("From the diary of\nPetrov A.M.\n\n");
    for i in 1..=2_000 {
        text.push_str(&dense_paragraph(i));
    }
    let doc = Document::from_bytes(Path::new("dense.txt"), text.into_bytes()).expect("document");
    let n = doc.len();
    let sidecar = common::sidecar_for(&doc, "bench", 100);
    let mut app = App::new(doc, sidecar, Keymap::default_keymap());
    let theme = Theme::named("default", false);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let mut draw = |app: &mut App| {
        terminal
            .draw(|f| {
                app.prepare_frame(f.area());
                view::draw(f, app, &theme);
            })
            .expect("draw");
    };
    app.select(n / 2);
    app.settle_assist(Duration::from_secs(10));
    app.run(Command::NextSuggestion);
    draw(&mut app);
    assert!(app.suggestions().len() >= 4, "the dense paragraph suggests");
    let worked = app.assist_computations();
    let mut g = c.benchmark_group("frame");
    g.bench_function("dense_names", |b| {
        b.iter(|| {
            app.layout.follow = true;
            draw(&mut app);
            black_box(app.suggestions().len())
        })
    });
    // Frames never work a paragraph out again.
    assert_eq!(app.assist_computations(), worked);
    g.bench_function("dense_names_after_move", |b| {
        b.iter(|| {
            if app.selected + 10 >= n {
                app.select(n / 2);
            }
            app.run(Command::NextParagraph);
            draw(&mut app);
            black_box(app.selected)
        })
    });
    g.finish();
}

criterion_group!(benches, frame, dense_names);
criterion_main!(benches);
