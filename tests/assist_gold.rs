//! Mention detection measured against FRUS person markup (tests/data/frus-gold,
//! built by make_gold.py): precision, recall, F1 and linking accuracy (each
//! person's mentions on one actor, and each actor's on one person), with
//! floors a little below the measured figures so a regression fails. The
//! sets: gold.jsonl (the documents the rules were tuned on),
//! gold-v23p1.jsonl (21 documents of the Japan volume, read after the rules
//! were written, then used to tune them) and gold-v18-korea.jsonl (19
//! documents of the Korea part of the 1958-60 Japan; Korea volume, held out:
//! first read after the rules of commit 61c7ac1). A fourth,
//! gold-v18-japan.jsonl (13 documents of the Japan part of the same volume),
//! is held out too: first read at commit 94e0a86; and a fifth,
//! gold-v14p2-japan.jsonl (22 documents of the 1952-54 China and Japan
//! volume, Part 2), first read at commit 681b905; and a sixth,
//! gold-v22-korea.jsonl (21 documents of the Korea part of the 1961-63
//! Northeast Asia volume), first read at commit ab5b71a.
//!
//! Detection runs with an empty registry (nothing known in advance). Pronoun
//! mentions ("I" for the author) are left out: FRUS does not mark them.

use std::collections::HashMap;

use glossator::annotation::registry::ActorResolver;
use glossator::assist::{Detector, Rule};

struct GoldMention {
    paragraph: usize,
    start: usize,
    end: usize,
    person: String,
}

struct GoldDoc {
    paragraphs: Vec<String>,
    mentions: Vec<GoldMention>,
}

fn gold(file: &str) -> Vec<GoldDoc> {
    let path = format!("{}/tests/data/frus-gold/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).expect("the gold set is committed");
    text.lines()
        .map(|line| {
            let v: serde_json::Value = serde_json::from_str(line).expect("gold line is JSON");
            let mut paragraphs = Vec::new();
            let mut mentions = Vec::new();
            for (i, p) in v["paragraphs"]
                .as_array()
                .expect("paragraphs")
                .iter()
                .enumerate()
            {
                paragraphs.push(p["text"].as_str().expect("text").to_string());
                for m in p["mentions"].as_array().expect("mentions") {
                    mentions.push(GoldMention {
                        paragraph: i,
                        start: m["start"].as_u64().expect("start") as usize,
                        end: m["end"].as_u64().expect("end") as usize,
                        person: m["person"].as_str().expect("person").to_string(),
                    });
                }
            }
            GoldDoc {
                paragraphs,
                mentions,
            }
        })
        .collect()
}

#[derive(Debug)]
struct Scores {
    precision: f64,
    recall: f64,
    f1: f64,
    linking: f64,
    /// Linking the other way: of each actor's mentions, the share that
    /// name its most mentioned person (two people merged into one actor
    /// lower it; `linking` alone would not see that).
    apart: f64,
    detected: usize,
    gold: usize,
    /// Precision with bare titles (`the Secretary`, rule title-only) left
    /// out as pronouns are: the editors mark names, never an office alone.
    precision_of_names: f64,
    /// F1 of the same (its recall by the mentions of names alone).
    f1_of_names: f64,
}

fn evaluate(file: &str) -> Scores {
    let docs = gold(file);
    let resolver = ActorResolver::default();
    let detector = Detector::new(&resolver);
    let inputs: Vec<(Vec<&str>, Option<&str>)> = docs
        .iter()
        .map(|d| (d.paragraphs.iter().map(String::as_str).collect(), None))
        .collect();
    let detected = detector.detect_all(&inputs);
    let (mut true_detected, mut all_detected, mut found_gold, mut all_gold) = (0, 0, 0, 0);
    let (mut true_names, mut all_names, mut found_by_names) = (0, 0, 0);
    let mut actors_of: HashMap<&str, HashMap<String, usize>> = HashMap::new();
    // The same counts the other way: the persons each actor's mentions name.
    let mut persons_of: HashMap<String, HashMap<&str, usize>> = HashMap::new();
    for (doc, found) in docs.iter().zip(&detected) {
        let mentions: Vec<_> = found
            .mentions
            .iter()
            .filter(|m| m.rule != Rule::Pronoun)
            .collect();
        for m in &mentions {
            all_detected += 1;
            let hit = doc
                .mentions
                .iter()
                .any(|g| g.paragraph == m.paragraph && g.start < m.end && m.start < g.end);
            if m.rule != Rule::TitleOnly {
                all_names += 1;
                true_names += usize::from(hit);
            }
            if hit {
                true_detected += 1;
            } else {
                println!(
                    "[{file}] false positive: {:?} ({})",
                    m.surface,
                    m.rule.as_str()
                );
            }
        }
        for g in &doc.mentions {
            all_gold += 1;
            let hits: Vec<_> = mentions
                .iter()
                .filter(|m| g.paragraph == m.paragraph && g.start < m.end && m.start < g.end)
                .collect();
            if hits.iter().any(|m| m.rule != Rule::TitleOnly) {
                found_by_names += 1;
            }
            if hits.is_empty() {
                println!(
                    "[{file}] missed: {:?}",
                    &doc.paragraphs[g.paragraph]
                        .chars()
                        .skip(g.start)
                        .take(g.end - g.start)
                        .collect::<String>()
                );
            } else {
                found_gold += 1;
            }
            if !g.person.starts_with("unmarked:") {
                for m in hits {
                    *actors_of
                        .entry(&g.person)
                        .or_default()
                        .entry(m.actor.to_string())
                        .or_default() += 1;
                    *persons_of
                        .entry(m.actor.to_string())
                        .or_default()
                        .entry(&g.person)
                        .or_default() += 1;
                }
            }
        }
    }
    let (mut majority, mut linked) = (0, 0);
    for (person, actors) in &actors_of {
        println!("[{file}] {person}: {actors:?}");
        majority += actors.values().max().copied().unwrap_or(0);
        linked += actors.values().sum::<usize>();
    }
    let (mut kept_apart, mut of_actors) = (0, 0);
    for (actor, persons) in &persons_of {
        if persons.len() > 1 {
            println!("[{file}] actor {actor:?} names several persons: {persons:?}");
        }
        kept_apart += persons.values().max().copied().unwrap_or(0);
        of_actors += persons.values().sum::<usize>();
    }
    let precision = true_detected as f64 / all_detected.max(1) as f64;
    let precision_of_names = true_names as f64 / all_names.max(1) as f64;
    let recall_of_names = found_by_names as f64 / all_gold.max(1) as f64;
    let recall = found_gold as f64 / all_gold.max(1) as f64;
    Scores {
        precision,
        recall,
        f1: 2.0 * precision * recall / (precision + recall).max(f64::EPSILON),
        linking: majority as f64 / linked.max(1) as f64,
        apart: kept_apart as f64 / of_actors.max(1) as f64,
        detected: all_detected,
        gold: all_gold,
        precision_of_names,
        f1_of_names: 2.0 * precision_of_names * recall_of_names
            / (precision_of_names + recall_of_names).max(f64::EPSILON),
    }
}

/// The figures a set must reach: a little below those measured.
struct Floors {
    precision: f64,
    recall: f64,
    f1: f64,
    linking: f64,
    /// Precision and F1 without title-only mentions.
    names: Option<(f64, f64)>,
}

/// Evaluate `file`, print its figures and check them against `floors`.
fn reaches(file: &str, floors: Floors) {
    let s = evaluate(file);
    println!(
        "FRUS {file}: {} gold mentions, {} detected; precision {:.3}, recall {:.3}, F1 {:.3}, linking {:.3}, persons apart {:.3} (without title-only: precision {:.3}, F1 {:.3})",
        s.gold,
        s.detected,
        s.precision,
        s.recall,
        s.f1,
        s.linking,
        s.apart,
        s.precision_of_names,
        s.f1_of_names
    );
    assert!(s.precision >= floors.precision, "{s:?}");
    assert!(s.recall >= floors.recall, "{s:?}");
    assert!(s.f1 >= floors.f1, "{s:?}");
    assert!(s.linking >= floors.linking, "{s:?}");
    // Measured 0.990-1.000 on every set: `Eisenhower` (the President) with
    // his son `John S.D. Eisenhower`, `Robertson` with another Robertson.
    assert!(s.apart >= 0.97, "{s:?}");
    if let Some((precision, f1)) = floors.names {
        assert!(s.precision_of_names >= precision, "{s:?}");
        assert!(s.f1_of_names >= f1, "{s:?}");
    }
}

#[test]
fn frus_gold_mentions_reach_their_floors() {
    // Measured: precision 0.883, recall 0.965, F1 0.922, linking 1.000
    // (0.865 and 0.912 before the rules gold-v23p1 led to, 0.874 and 0.917
    // before a speaker's word alone was no longer spread)
    // (spaCy en_core_web_sm on the same text: 0.712, 0.488, 0.579, 0.730;
    // benches/spacy_baseline.py).
    reaches(
        "gold.jsonl",
        Floors {
            precision: 0.84,
            recall: 0.94,
            f1: 0.89,
            linking: 0.95,
            names: None,
        },
    );
}

#[test]
fn frus_v23p1_mentions_reach_their_floors() {
    // Measured when first read (rules tuned on gold.jsonl only): precision
    // 0.743, recall 0.975, F1 0.843, linking 0.979 (spaCy en_core_web_sm:
    // 0.710, 0.715, 0.713, 0.940). Most false positives were people the
    // editors left unmarked (`Hatoyama`, `Quarles`), "the Secretary" found
    // by title-only, and capitalised common words (`Treaty`, `Article`,
    // `by Cabinet`) spread by known-name. After the rules that set led to
    // (instruments and bodies no names, a word the document writes in
    // lower case no name alone, no signatures in a list of subjects, no
    // person in `Eisenhower Library`, an office's holder in brackets):
    // precision 0.847, recall 0.978, F1 0.908, linking 0.979; without
    // title-only, precision 0.908.
    reaches(
        "gold-v23p1.jsonl",
        Floors {
            precision: 0.83,
            recall: 0.95,
            f1: 0.89,
            linking: 0.95,
            names: Some((0.88, 0.92)),
        },
    );
}

#[test]
fn frus_v18_korea_mentions_reach_their_floors() {
    // Measured when first read (a held-out set: 19 documents of the Korea
    // part of FRUS 1958-60 Vol. XVIII, first read after the rules of commit
    // 61c7ac1, measured at 88f6be5; no rule tuned on it): precision 0.667,
    // recall 0.992, F1 0.798, linking 0.962; without title-only, precision
    // 0.780 (spaCy en_core_web_sm: 0.759, 0.805, 0.781, 0.949). Of the 180
    // false positives, 78 are bare offices found by title-only ("the
    // Ambassador", "the Vice President"), 56 people the editors left
    // unmarked (`Park Chan-il`, `Muccio`, `Judd`, `Ho Chung`), 20 the plural
    // `Ministers` and 17 the cable abbreviation `PriMin` spread by
    // known-name or speaker. After the rules they led to (titles' plurals
    // and cables' abbreviations are titles, words that start sentences no
    // names, initials written together one name and alone none): precision
    // 0.723, recall 0.992, F1 0.836, linking 0.976; without title-only,
    // precision 0.858, F1 0.920. (Tuned on since: only the 1955-57 Korea
    // volume, kept back, measures how the rules carry over now.)
    reaches(
        "gold-v18-korea.jsonl",
        Floors {
            precision: 0.70,
            recall: 0.97,
            f1: 0.81,
            linking: 0.95,
            names: Some((0.83, 0.90)),
        },
    );
}

#[test]
fn frus_v18_japan_mentions_reach_their_floors() {
    // Measured when first read (a held-out set: 13 documents of the Japan
    // part of FRUS 1958-60 Vol. XVIII, first read at commit 94e0a86; no rule
    // tuned on it): precision 0.670, recall 0.940, F1 0.782, linking 0.984;
    // without title-only, precision 0.791, F1 0.859 (spaCy en_core_web_sm:
    // 0.708, 0.503, 0.588, 0.859). Of the 69 false positives, 32 are bare
    // offices found by title-only ("the President", "the Ambassador"), 17
    // people the editors left unmarked (`Adair`, `Kennedy`, `Nomura`, the
    // Japanese in a list of participants), 11 the footnote word `See`
    // (`S. See also`, then spread by known-name), 6 the adjective `European`
    // and 3 other words (`Asst`, `Zengakuren`); of the 9 misses, 3 are a name
    // joined by a dash (`Acheson–Yoshida`) and 6 a name with no title
    // before it in a document that gives it none (`Ikeda is`, `met Hagerty`,
    // `Syngman Rhee`). After the lexicon words it led to (`See`, `Cf`,
    // peoples' adjectives, `Asst.` a title): precision 0.737, recall 0.940,
    // F1 0.826, linking 0.984; without title-only, precision 0.886, F1 0.912.
    // A plural title's list later found `Admirals Nomura and Hoshina`'s
    // Hoshina, unmarked: 0.733, 0.940, 0.824; 0.881, 0.909.
    reaches(
        "gold-v18-japan.jsonl",
        Floors {
            precision: 0.71,
            recall: 0.91,
            f1: 0.80,
            linking: 0.95,
            names: Some((0.86, 0.89)),
        },
    );
}

#[test]
fn frus_v14p2_japan_mentions_reach_their_floors() {
    // Measured when first read (a held-out set: 22 documents of FRUS
    // 1952-54 Vol. XIV Part 2, all on Japan, first read at commit 681b905;
    // no rule tuned on it): precision 0.660, recall 0.933, F1 0.773, linking
    // 0.970; without title-only, precision 0.706, F1 0.804 (spaCy
    // en_core_web_sm: 0.632, 0.554, 0.591, 0.891). Of the 137 false
    // positives, 35 are telegrams' `Jap` and `Sov` (`Jap Govt`) spread by
    // known-name, 26 bare offices, 9 `Joint`, 9 `Minutes`, 5 a lone `D.`
    // (`D. said`); most others are people the editors left unmarked. After
    // the rules they led to (peoples' abbreviations, record parts, `Joint`
    // no names; `Honorable` a title; initials alone no speaker; a bracketed
    // plural a correction; a speaker's word alone not spread): precision
    // 0.787, recall 0.933, F1 0.854, linking 0.992; without title-only,
    // precision 0.853, F1 0.891. (One word before a body's noun no person
    // since: 0.786, 0.930, 0.852; 0.852, 0.889, the editors marking
    // `Eisenhower Library` here.) The last rule alone, on the first
    // reading's rules: 0.707, 0.933, 0.805 (without title-only 0.760,
    // 0.838). Names joined by a hyphen, each known (`Dulles-Morrison`):
    // 0.787, 0.933, 0.854; 0.853, 0.891.
    reaches(
        "gold-v14p2-japan.jsonl",
        Floors {
            precision: 0.76,
            recall: 0.91,
            f1: 0.83,
            linking: 0.96,
            names: Some((0.82, 0.87)),
        },
    );
}

#[test]
fn frus_v22_korea_mentions_reach_their_floors() {
    // Measured when first read (a held-out set: 21 documents of the Korea
    // part of FRUS 1961-63 Vol. XXII, Northeast Asia, first read at commit
    // ab5b71a; no rule tuned on it before): precision 0.635, recall 0.925,
    // F1 0.753, linking 0.966; without title-only, precision 0.718, F1
    // 0.809. Of the 170 false positives, 54 are bare offices (`the
    // Chairman`, `the President`, `the Secretary`) and about 40 are Pak
    // Chung-hui, head of the junta (`Pak`, `Chairman Pak`, `Chung Hee
    // Park`), whom the editors of these documents never mark; most others
    // are people they left unmarked too (`Song`, `Van Fleet`, `Kennedy`).
    // The rest led to three rules: `White` (of `Lincoln White`) not spread
    // into `the White House`, `Attorney` a title, a country's initials
    // (`U.S. Assistance`) no person's: precision 0.655, recall 0.925, F1
    // 0.767; without title-only, precision 0.744, F1 0.825; and one word
    // after `the` no speaker (`the Budget reported`): 0.656, 0.925, 0.768;
    // 0.746, 0.826. A particle beginning a surname (`General Van Fleet`,
    // found as `Van` before, `Fleet` being a body's word) found him 14
    // times, all unmarked: 0.645, 0.925, 0.760; 0.731, 0.817. A plural
    // title's list (`Generals Wheeler, Fitch, Breitweiser, Carroll and
    // Taylor`) and `Chargé d'Affaires` (`Marshall Green`): 0.641, 0.931,
    // 0.759; 0.725, 0.815 (Taylor and Green marked, three generals not).
    // Names joined by a hyphen, each known (`the Green-Magruder
    // statements`, `the Johnson-Pak talk`, `Kennedy-Khrushchev`): 0.642,
    // 0.953, 0.767; 0.724, 0.823.
    reaches(
        "gold-v22-korea.jsonl",
        Floors {
            precision: 0.63,
            recall: 0.90,
            f1: 0.74,
            linking: 0.94,
            names: Some((0.72, 0.80)),
        },
    );
}
