//! Extracting a 10 MB HTML page and a 300-page PDF (issue #13):
//! `extract/html_10mb` and `extract/pdf_300_pages` are the whole extraction
//! (parse, main content or page layout) that runs off the UI thread when the
//! document is not in the cache; `extract/*_preview` is how long the first
//! paragraphs take (what the first screen shows while the rest is extracted);
//! `extract/html_10mb_cached` is what an opening costs once the page is
//! cached (hash the page, read the entry back).
//!
//! The PDF is made by LibreOffice (`soffice`, in a profile of its own) from
//! the text `tests/data/pdf/make.py long` writes; without soffice the PDF
//! rows are skipped. `GLOSS_GENERATE=DIR cargo bench --bench extract` only
//! writes DIR/big.html and DIR/long.pdf (for benches/compare.sh, which times
//! them against pandoc and pdftotext).

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use glossator::document::extraction::{Cache, Key};
use glossator::document::formats::{self, Format};

const WORDS: &[&str] = &[
    "the",
    "delegation",
    "said",
    "that",
    "talks",
    "armistice",
    "would",
    "proceed",
    "Nam",
    "Il",
    "ambassador",
    "Pyongyang",
    "position",
    "agreed",
    "proposal",
    "memorandum",
    "conference",
    "minister",
    "committee",
    "plenary",
    "government",
    "grain",
    "harvest",
    "party",
    "meeting",
];

/// A saved page of about `size` bytes: header, navigation, sidebar, then an
/// article of sections of paragraphs with inline markup, lists and tables,
/// then a footer. Deterministic (a fixed linear congruential sequence).
pub fn page(size: usize) -> String {
    let mut seed: u64 = 7;
    let mut next = |n: usize| {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize % n
    };
    let mut html = String::from(
        "<!DOCTYPE html><html><head><title>A long record</title>\
         <meta name=\"citation_title\" content=\"A long record\"><style>p{}</style>\
         <script>var a = \"<p>no</p>\";</script></head><body><header><a href=\"/\">Archive</a></header><nav><ul>",
    );
    for i in 0..40 {
        html.push_str(&format!("<li><a href=\"/{i}\">Link {i}</a></li>"));
    }
    html.push_str("</ul></nav><div id=\"wrap\"><aside class=\"sidebar\"><ul>");
    for i in 0..30 {
        html.push_str(&format!("<li>Related {i}</li>"));
    }
    html.push_str("</ul></aside><main><article>");
    let mut section = 0;
    while html.len() < size {
        section += 1;
        html.push_str(&format!(
            "<h2>Section {section}</h2>\n<p>Section {section} opens, as the record says, with the minutes.</p>\n"
        ));
        for _ in 0..3 + next(10) {
            html.push_str("<p>");
            for s in 0..1 + next(5) {
                if s > 0 {
                    html.push(' ');
                }
                for w in 0..8 + next(18) {
                    if w > 0 {
                        html.push(' ');
                    }
                    let word = WORDS[next(WORDS.len())];
                    match next(12) {
                        0 => html.push_str(&format!("<em>{word}</em>")),
                        1 => html.push_str(&format!("<a href=\"/x/{}\">{word}</a>", next(999))),
                        _ => html.push_str(word),
                    }
                }
                html.push_str(", and so on &amp; so forth.");
            }
            html.push_str("</p>\n");
        }
        if next(3) == 0 {
            html.push_str("<ul><li>a first point</li><li>a second point</li></ul>\n");
        }
        if next(10) == 0 {
            html.push_str("<table><tr><td>a</td><td>b</td></tr></table>\n");
        }
    }
    html.push_str("</article></main></div><footer>Copyright &copy; 2026</footer></body></html>\n");
    html
}

const SIZE: usize = 10_000_000;

/// Make `dir/long.pdf`, about 300 pages, with LibreOffice from the text
/// `tests/data/pdf/make.py long` writes. `None` (and why, on stderr) when
/// python3 or soffice is missing or fails.
fn make_pdf(dir: &Path) -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ran = |cmd: &mut Command| match cmd.status() {
        Ok(s) if s.success() => true,
        Ok(s) => {
            eprintln!("{cmd:?}: {s}");
            false
        }
        Err(e) => {
            eprintln!("{cmd:?}: {e}");
            false
        }
    };
    let made = ran(Command::new("python3")
        .arg(root.join("tests/data/pdf/make.py"))
        .arg("long")
        .arg(dir.join("long")))
        // A profile of its own: a LibreOffice already running with the
        // user's profile would take the job and return at once.
        && ran(Command::new("soffice")
            .arg(format!(
                "-env:UserInstallation=file://{}",
                dir.join("lo-profile").display()
            ))
            .args(["--headless", "--convert-to", "pdf", "--outdir"])
            .arg(dir)
            .arg(dir.join("long.fodt"))
            .stdout(Stdio::null())
            .stderr(Stdio::null()));
    let _ = std::fs::remove_dir_all(dir.join("lo-profile"));
    let pdf = dir.join("long.pdf");
    (made && pdf.is_file()).then_some(pdf)
}

/// How long `format`'s extraction takes to hand over its preview.
fn until_preview(format: Format, bytes: &[u8]) -> Duration {
    let start = Instant::now();
    let mut at = None;
    let extracted = formats::extract_with_preview(format, bytes, false, &mut |p| {
        at.get_or_insert(start.elapsed());
        black_box(p);
    })
    .expect("extract");
    black_box(extracted);
    at.expect("a preview")
}

fn extract(c: &mut Criterion) {
    if let Some(dir) = std::env::var_os("GLOSS_GENERATE") {
        let dir = Path::new(&dir);
        std::fs::write(dir.join("big.html"), page(SIZE)).expect("write big.html");
        make_pdf(dir).expect("make long.pdf (needs python3 and soffice)");
        return;
    }
    let html = page(SIZE);
    let mut g = c.benchmark_group("extract");
    g.sample_size(10).measurement_time(Duration::from_secs(6));
    g.bench_function("html_10mb_preview", |b| {
        b.iter_custom(|n| {
            (0..n)
                .map(|_| until_preview(Format::Html, html.as_bytes()))
                .sum()
        })
    });
    let dir = tempfile::tempdir().expect("temp dir");
    match make_pdf(dir.path()).map(std::fs::read) {
        Some(Ok(pdf)) => {
            g.bench_function("pdf_300_pages", |b| {
                b.iter(|| {
                    let extracted = formats::extract(Format::Pdf, &pdf, false).expect("pdf");
                    black_box(formats::layout(Format::Pdf, extracted))
                })
            });
            g.bench_function("pdf_300_pages_preview", |b| {
                b.iter_custom(|n| (0..n).map(|_| until_preview(Format::Pdf, &pdf)).sum())
            });
        }
        _ => eprintln!("extract/pdf_*: skipped (no LibreOffice to make the PDF)"),
    }
    g.bench_function("html_10mb", |b| {
        b.iter(|| {
            let extracted = formats::extract(Format::Html, html.as_bytes(), false).expect("html");
            black_box(formats::layout(Format::Html, extracted))
        })
    });
    let cache = Cache::in_dir(dir.path().to_path_buf());
    let key = Key::of(html.as_bytes(), Format::Html, false);
    let extracted = formats::extract(Format::Html, html.as_bytes(), false).expect("html");
    let (text, extraction) = formats::layout(Format::Html, extracted);
    cache.put(&key, &text, &extraction);
    g.bench_function("html_10mb_cached", |b| {
        b.iter(|| {
            let key = Key::of(html.as_bytes(), Format::Html, false);
            black_box(cache.get(&key).expect("cached"))
        })
    });
    g.finish();
}

criterion_group!(benches, extract);
criterion_main!(benches);
