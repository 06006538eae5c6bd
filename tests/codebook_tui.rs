//! The codebook view, the metadata panel, boilerplate marks and `Name
//! [Variant]` in tag forms: driven by keys through the keymap, rendered on
//! TestBackend, saved through the same code the event loop runs.

mod common;

use std::path::Path;

use glossator::annotation::Tag;
use glossator::app::codebook::ProjectSession;
use glossator::app::{App, Effect, Mode};
use glossator::document::Document;
use glossator::keymap::Keymap;
use glossator::project::{PartialDate, Project};
use glossator::sidecar::Sidecar;
use glossator::view::Theme;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};
use ratatui::style::{Color, Modifier};

use common::app::{fixed_clock, key, press, render, screen, type_text};

const MEMO: &str = "Record of a conversation with Nam Il, 24 July 1956

Pak Chang Ok said the plenum should hear the criticism openly.

Nam Il answered that unity came first and criticism could wait.

Skip to content
";

/// A session on `memo.txt` in `dir`, with `gloss.ron` there when `project`.
fn open(dir: &Path, project: Option<Project>) -> App {
    let path = dir.join("memo.txt");
    std::fs::write(&path, MEMO).unwrap();
    let doc = Document::open(&path).unwrap();
    let sidecar = Sidecar::new(&doc, "kim");
    let mut app = App::new(doc, sidecar, Keymap::default_keymap());
    app.clock = fixed_clock;
    if let Some(p) = project {
        let file = dir.join("gloss.ron");
        std::fs::write(&file, p.to_ron().unwrap()).unwrap();
        let (store, loaded) = glossator::project::store::ProjectStore::open(&file).unwrap();
        let own = glossator::sidecar::sidecar_path(&path, "kim");
        let mut session = ProjectSession::new(file, "memo.txt".into(), loaded.unwrap(), true, own);
        session.store = Some(store);
        app.project = Some(session);
        settle(&mut app);
    }
    app
}

/// Draw frames until the project's background count has arrived.
fn settle(app: &mut App) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while app.project_busy() && std::time::Instant::now() < deadline {
        screen(app, 80, 24);
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    screen(app, 80, 24);
    assert!(!app.project_busy(), "the project count did not finish");
}

fn project() -> Project {
    let mut p = Project::new();
    p.actors.push(glossator::project::ActorEntry::new("Nam Il"));
    p.issues.push(glossator::project::IssueEntry::new("unity"));
    p
}

/// Carry out project saves as the event loop does.
fn save_project(app: &mut App) -> usize {
    let mut saves = 0;
    for effect in app.take_effects() {
        if effect == Effect::SaveProject {
            saves += 1;
            app.project.as_mut().unwrap().save().unwrap();
        }
    }
    saves
}

fn ctrl(c: char) -> ratatui::crossterm::event::KeyEvent {
    key(KeyCode::Char(c), KeyModifiers::CONTROL)
}

fn tagged(app: &mut App) {
    // ¶2 a claim by Pak Chang Ok, ¶3 Nam Il's position on unity.
    press(app, "j");
    type_text(app, "cPak Chang Ok\n");
    press(app, "j");
    type_text(app, "pNam Il\tsup\tunity\n");
}

fn claim_by(app: &App) -> String {
    app.sidecar
        .annotations
        .iter()
        .find_map(|a| match &a.tag {
            Tag::Claim { by } => Some(by.clone()),
            _ => None,
        })
        .unwrap()
}

fn aliases(app: &App, name: &str) -> Vec<String> {
    app.project
        .as_ref()
        .unwrap()
        .project
        .actor(name)
        .unwrap()
        .aliases
        .clone()
}

/// Select the actor row named `name` in the open codebook view.
fn select_row(app: &mut App, name: &str) {
    for _ in 0..20 {
        let Mode::Codebook(view) = &app.mode else {
            panic!("codebook not open");
        };
        if view.current().is_some_and(|r| r.name == name) {
            return;
        }
        press(app, "j");
    }
    panic!("no row {name}");
}

#[test]
fn codebook_lists_actors_with_aliases_and_counts_at_80x24_and_120x40() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = project();
    p.actors[0].aliases.push("Nam Ir".into());
    p.actors[0].description = Some("Foreign minister of the DPRK".into());
    p.actors[0]
        .attributes
        .insert("faction".into(), "Soviet Korean".into());
    let mut app = open(tmp.path(), Some(p));
    tagged(&mut app);
    press(&mut app, "K");
    insta::assert_snapshot!("codebook_actors_80x24", screen(&mut app, 80, 24));
    press(&mut app, "<Tab>");
    insta::assert_snapshot!("codebook_issues_120x40", screen(&mut app, 120, 40));
}

#[test]
fn project_counts_add_colleagues_tags_in_every_document_by_any_spelling() {
    let tmp = tempfile::tempdir().unwrap();
    // A colleague's sidecar of another document names Nam Il by an alias.
    let other = tmp.path().join("other.txt");
    std::fs::write(&other, "Nam Ir spoke.\n").unwrap();
    let doc = Document::open(&other).unwrap();
    let mut theirs = Sidecar::new(&doc, "lee");
    theirs
        .annotations
        .push(glossator::annotation::Annotation::new(
            Tag::Claim {
                by: "nam ir".into(),
            },
            glossator::document::anchor::Anchor::whole(&doc, 0),
        ));
    std::fs::write(
        glossator::sidecar::sidecar_path(&other, "lee"),
        theirs.to_ron().unwrap(),
    )
    .unwrap();
    let mut p = project();
    p.actors[0].aliases.push("Nam Ir".into());
    let mut app = open(tmp.path(), Some(p));
    tagged(&mut app);
    press(&mut app, "K");
    let Mode::Codebook(view) = &app.mode else {
        panic!()
    };
    let nam = view.actors.iter().find(|r| r.name == "Nam Il").unwrap();
    assert_eq!((nam.here, nam.project), (1, Some(2)));
    let unity = &view.issues[0];
    assert_eq!((unity.here, unity.project), (1, Some(1)));
}

#[test]
fn codebook_alias_add_remove_with_undo_and_redo_saves_the_project_file() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = open(tmp.path(), Some(project()));
    tagged(&mut app);
    save_project(&mut app);
    press(&mut app, "K");
    select_row(&mut app, "Nam Il");
    press(&mut app, "a");
    type_text(&mut app, "Nam Ir\n");
    assert_eq!(aliases(&app, "Nam Il"), ["Nam Ir"]);
    assert_eq!(save_project(&mut app), 1);
    let on_disk = Project::load(&tmp.path().join("gloss.ron")).unwrap();
    assert_eq!(on_disk.actor("Nam Il").unwrap().aliases, ["Nam Ir"]);
    // The sidecar's own registry learns it too (it travels with the tags).
    let own = app.sidecar.registry();
    assert_eq!(own.resolver().resolve("nam ir"), "Nam Il");
    press(&mut app, "u");
    assert!(aliases(&app, "Nam Il").is_empty());
    assert_eq!(save_project(&mut app), 1);
    let on_disk = Project::load(&tmp.path().join("gloss.ron")).unwrap();
    assert!(on_disk.actor("Nam Il").unwrap().aliases.is_empty());
    app.handle_key(ctrl('r'));
    assert_eq!(aliases(&app, "Nam Il"), ["Nam Ir"]);
    // Remove: the prompt offers the last alias.
    press(&mut app, "x<Enter>");
    assert!(aliases(&app, "Nam Il").is_empty());
    assert!(matches!(app.mode, Mode::Codebook(_)));
}

#[test]
fn undoing_a_codebook_change_keeps_what_others_saved_meanwhile() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = open(tmp.path(), Some(project()));
    save_project(&mut app);
    press(&mut app, "K");
    select_row(&mut app, "Nam Il");
    press(&mut app, "a");
    type_text(&mut app, "Nam Ir\n");
    // A colleague adds an actor to gloss.ron; our next save merges it in.
    let mut theirs = Project::load(&tmp.path().join("gloss.ron")).unwrap();
    theirs
        .actors
        .push(glossator::project::ActorEntry::new("Kim Tu-bong"));
    std::fs::write(tmp.path().join("gloss.ron"), theirs.to_ron().unwrap()).unwrap();
    save_project(&mut app);
    assert!(
        app.project
            .as_ref()
            .unwrap()
            .project
            .actor("Kim Tu-bong")
            .is_some()
    );
    press(&mut app, "u");
    save_project(&mut app);
    let on_disk = Project::load(&tmp.path().join("gloss.ron")).unwrap();
    assert!(on_disk.actor("Nam Il").unwrap().aliases.is_empty());
    assert!(on_disk.actor("Kim Tu-bong").is_some(), "{on_disk:?}");
    app.handle_key(ctrl('r'));
    assert_eq!(aliases(&app, "Nam Il"), ["Nam Ir"]);
    assert!(
        app.project
            .as_ref()
            .unwrap()
            .project
            .actor("Kim Tu-bong")
            .is_some()
    );
}

#[test]
fn changes_others_save_to_the_project_file_show_in_the_open_codebook() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = open(tmp.path(), Some(project()));
    press(&mut app, "K");
    app.refresh_project();
    assert!(app.status.is_none(), "{:?}", app.status);
    let mut theirs = Project::load(&tmp.path().join("gloss.ron")).unwrap();
    theirs.actors[0].aliases.push("Nam Ir".into());
    std::fs::write(tmp.path().join("gloss.ron"), theirs.to_ron().unwrap()).unwrap();
    app.refresh_project();
    let Mode::Codebook(view) = &app.mode else {
        panic!()
    };
    assert_eq!(view.actors[0].detail, ["Nam Ir"]);
    assert!(app.status.clone().unwrap().text.contains("merged"));
    // A file broken on disk is reported once, not at every refresh.
    std::fs::write(tmp.path().join("gloss.ron"), "(version: 1, actors: [").unwrap();
    app.refresh_project();
    let status = app.status.clone().unwrap();
    assert!(
        status.error && status.text.contains("gloss.ron:"),
        "{status:?}"
    );
    app.status = None;
    app.refresh_project();
    assert!(app.status.is_none(), "{:?}", app.status);
}

#[test]
fn an_alias_in_the_project_codebook_is_stored_under_the_main_name_in_a_tag_form() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = project();
    p.actors[0].aliases.push("Nam Ir".into());
    let mut app = open(tmp.path(), Some(p));
    type_text(&mut app, "cnam ir\n");
    assert_eq!(claim_by(&app), "Nam Il");
}

#[test]
fn renaming_an_actor_keeps_the_old_name_as_alias_and_rewrites_own_tags_undoably() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = open(tmp.path(), Some(project()));
    tagged(&mut app);
    press(&mut app, "K");
    select_row(&mut app, "Pak Chang Ok");
    press(&mut app, "r");
    app.handle_key(ctrl('u'));
    type_text(&mut app, "Pak Chang-ok\n");
    assert_eq!(aliases(&app, "Pak Chang-ok"), ["Pak Chang Ok"]);
    assert_eq!(claim_by(&app), "Pak Chang-ok");
    let status = app.status.clone().unwrap().text;
    assert!(status.contains("1 of your tag(s)"), "{status}");
    press(&mut app, "u");
    assert_eq!(claim_by(&app), "Pak Chang Ok");
    let p = &app.project.as_ref().unwrap().project;
    assert!(p.actor("Pak Chang-ok").is_none());
    app.handle_key(ctrl('r'));
    assert_eq!(claim_by(&app), "Pak Chang-ok");
}

#[test]
fn merging_actors_makes_one_the_others_alias() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = open(tmp.path(), Some(project()));
    tagged(&mut app);
    press(&mut app, "K");
    select_row(&mut app, "Pak Chang Ok");
    press(&mut app, "m");
    type_text(&mut app, "nam il\n");
    assert_eq!(aliases(&app, "Nam Il"), ["Pak Chang Ok"]);
    assert_eq!(claim_by(&app), "Nam Il");
    let p = &app.project.as_ref().unwrap().project;
    assert!(p.actor("Pak Chang Ok").is_none());
    press(&mut app, "u");
    assert_eq!(claim_by(&app), "Pak Chang Ok");
    assert!(aliases(&app, "Nam Il").is_empty());
}

#[test]
fn describing_and_deleting_only_unused_names() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = project();
    p.actors.push(glossator::project::ActorEntry::new("Petrov"));
    let mut app = open(tmp.path(), Some(p));
    tagged(&mut app);
    press(&mut app, "K");
    select_row(&mut app, "Nam Il");
    press(&mut app, "e");
    type_text(&mut app, "Foreign minister\n");
    let project = &app.project.as_ref().unwrap().project;
    assert_eq!(
        project.actor("Nam Il").unwrap().description.as_deref(),
        Some("Foreign minister")
    );
    // Used by a tag: refused, with the fix.
    press(&mut app, "D");
    assert!(
        app.project
            .as_ref()
            .unwrap()
            .project
            .actor("Nam Il")
            .is_some()
    );
    let status = app.status.clone().unwrap();
    assert!(
        status.error && status.text.contains("merge it"),
        "{status:?}"
    );
    select_row(&mut app, "Petrov");
    press(&mut app, "D");
    assert!(
        app.project
            .as_ref()
            .unwrap()
            .project
            .actor("Petrov")
            .is_none()
    );
    press(&mut app, "u");
    assert!(
        app.project
            .as_ref()
            .unwrap()
            .project
            .actor("Petrov")
            .is_some()
    );
}

#[test]
fn issues_are_renamed_defined_grouped_and_merged() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = project();
    p.issues
        .push(glossator::project::IssueEntry::new("party unity"));
    let mut app = open(tmp.path(), Some(p));
    tagged(&mut app);
    press(&mut app, "K<Tab>");
    select_row(&mut app, "unity");
    press(&mut app, "e");
    type_text(&mut app, "Closing ranks behind the leadership\n");
    press(&mut app, "g");
    type_text(&mut app, "Leadership\n");
    press(&mut app, "m");
    type_text(&mut app, "party unity\n");
    let project = &app.project.as_ref().unwrap().project;
    assert_eq!(project.issues.len(), 1);
    let issue = project.issue("party unity").unwrap();
    assert_eq!(
        issue.definition.as_deref(),
        Some("Closing ranks behind the leadership")
    );
    assert_eq!(issue.group.as_deref(), Some("Leadership"));
    let position_issue = |app: &App| {
        app.sidecar
            .annotations
            .iter()
            .find_map(|a| match &a.tag {
                Tag::Position { issue, .. } => Some(issue.clone()),
                _ => None,
            })
            .unwrap()
    };
    assert_eq!(position_issue(&app), "party unity");
    select_row(&mut app, "party unity");
    press(&mut app, "r");
    app.handle_key(ctrl('u'));
    type_text(&mut app, "unity of the party\n");
    assert_eq!(position_issue(&app), "unity of the party");
    press(&mut app, "uu");
    assert_eq!(position_issue(&app), "unity");
}

#[test]
fn without_a_project_file_the_codebook_is_the_sidecars_registry() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = open(tmp.path(), None);
    tagged(&mut app);
    app.take_effects();
    press(&mut app, "K");
    select_row(&mut app, "Pak Chang Ok");
    press(&mut app, "a");
    type_text(&mut app, "박창옥\n");
    let own = app.sidecar.registry();
    assert_eq!(own.resolver().resolve("박창옥"), "Pak Chang Ok");
    let effects = app.take_effects();
    assert!(effects.contains(&Effect::Save), "{effects:?}");
    assert!(!effects.contains(&Effect::SaveProject), "{effects:?}");
    assert!(!tmp.path().join("gloss.ron").exists());
    press(&mut app, "u");
    assert!(app.sidecar.registry().find("박창옥").is_none());
    assert!(screen(&mut app, 80, 24).contains("Codebook (your sidecar; no gloss.ron)"));
    // A description has no place in a sidecar: the project file is created.
    press(&mut app, "e");
    type_text(&mut app, "Vice-premier\n");
    let status = app.status.clone().unwrap().text;
    assert!(status.contains("created the project file"), "{status}");
    let session = app.project.as_ref().unwrap();
    let pak = session.project.actor("Pak Chang Ok").unwrap();
    assert_eq!(pak.description.as_deref(), Some("Vice-premier"));
    assert_eq!(save_project(&mut app), 1);
    assert!(tmp.path().join("gloss.ron").exists());
}

#[test]
fn name_with_bracketed_variant_is_stored_under_the_name_with_the_variant_as_alias() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = open(tmp.path(), Some(project()));
    press(&mut app, "j");
    type_text(&mut app, "cPak Chang-ok [Pak Chang Ok]\n");
    assert_eq!(claim_by(&app), "Pak Chang-ok");
    assert!(
        app.sidecar.actors.iter().all(|a| !a.name.contains('[')),
        "{:?}",
        app.sidecar.actors
    );
    assert_eq!(
        app.sidecar.registry().resolver().resolve("Pak Chang Ok"),
        "Pak Chang-ok"
    );
    assert_eq!(aliases(&app, "Pak Chang-ok"), ["Pak Chang Ok"]);
    let status = app.status.clone().unwrap().text;
    assert!(
        status.contains("'Pak Chang Ok' added as an alias of Pak Chang-ok"),
        "{status}"
    );
    // Typing the variant later is stored under the name.
    press(&mut app, "j");
    type_text(&mut app, "cpak chang ok\n");
    assert_eq!(
        app.sidecar.annotations[1].tag,
        Tag::Claim {
            by: "Pak Chang-ok".into()
        }
    );
    press(&mut app, "uu");
    assert!(app.sidecar.annotations.is_empty());
    assert!(app.sidecar.registry().find("Pak Chang Ok").is_none());
    assert!(
        app.project
            .as_ref()
            .unwrap()
            .project
            .actor("Pak Chang-ok")
            .is_none()
    );
}

#[test]
fn a_name_variant_pair_in_the_paragraph_is_proposed_in_the_tag_form() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("memo.txt");
    std::fs::write(
        &path,
        "Nam Il met with Pak Chang-ok [Pak Chang Ok] in his apartment.\n",
    )
    .unwrap();
    let doc = Document::open(&path).unwrap();
    let mut app = App::new(
        doc.clone(),
        Sidecar::new(&doc, "kim"),
        Keymap::default_keymap(),
    );
    type_text(&mut app, "cpak");
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains("Pak Chang-ok [Pak Chang Ok]"), "{shown}");
    // The paragraph's detected name comes first; the pair is offered beside it.
    let Mode::Form(form) = &app.mode else {
        panic!()
    };
    let (registry, issues) = app.completion_sources();
    let pair = form
        .candidates(&registry, &issues)
        .iter()
        .position(|c| c == "Pak Chang-ok [Pak Chang Ok]")
        .expect("the pair is a completion");
    press(&mut app, &"<Down>".repeat(pair + 1));
    press(&mut app, "<Enter>");
    assert_eq!(claim_by(&app), "Pak Chang-ok");
    assert_eq!(
        app.sidecar.registry().resolver().resolve("Pak Chang Ok"),
        "Pak Chang-ok"
    );
    // Once the variant is an alias, the pair is no longer offered.
    type_text(&mut app, "cpak");
    let Mode::Form(form) = &app.mode else {
        panic!()
    };
    let (registry, issues) = app.completion_sources();
    assert_eq!(form.candidates(&registry, &issues), ["Pak Chang-ok"]);
}

#[test]
fn boilerplate_mark_dims_the_paragraph_and_creates_the_project_file() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = open(tmp.path(), None);
    press(&mut app, "G");
    let last = app.doc.len() - 1;
    press(&mut app, "B");
    assert!(app.is_boilerplate(last));
    let status = app.status.clone().unwrap().text;
    assert!(status.contains("created the project file"), "{status}");
    assert_eq!(save_project(&mut app), 1);
    let on_disk = Project::load(&tmp.path().join("gloss.ron")).unwrap();
    let marked = &on_disk.boilerplate.marked["memo.txt"];
    assert!(marked.contains(&app.doc.paragraph_hash(last)));
    // Dimmed on screen (the text cells of the paragraph), not the others.
    press(&mut app, "g");
    let theme = Theme::named("default", false);
    let buf = render(&mut app, 80, 24, &theme);
    let row_of = |needle: &str| {
        (0..24u16)
            .find(|&y| {
                (0..80u16)
                    .map(|x| buf[(x, y)].symbol().to_string())
                    .collect::<String>()
                    .contains(needle)
            })
            .unwrap()
    };
    let cell = |y: u16| {
        let x = (0..80u16)
            .find(|&x| buf[(x, y)].symbol() == "S" || buf[(x, y)].symbol() == "N")
            .unwrap();
        buf[(x, y)].clone()
    };
    let dimmed = cell(row_of("Skip to content"));
    assert!(dimmed.modifier.contains(Modifier::DIM), "{dimmed:?}");
    assert_eq!(dimmed.fg, Color::DarkGray);
    let content = cell(row_of("Nam Il answered"));
    assert!(!content.modifier.contains(Modifier::DIM), "{content:?}");
    // Undo takes the mark back; B on it again unmarks.
    press(&mut app, "u");
    assert!(!app.is_boilerplate(last));
    press(&mut app, "GB");
    assert!(app.is_boilerplate(last));
    press(&mut app, "B");
    assert!(!app.is_boilerplate(last));
}

#[test]
fn paragraphs_shared_by_three_documents_are_dimmed_once_counted() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["a.txt", "b.txt"] {
        std::fs::write(tmp.path().join(name), "Other text.\n\nSkip to content\n").unwrap();
    }
    // The count runs on a thread; frames pick it up (see `settle`).
    let mut app = open(tmp.path(), Some(project()));
    let last = app.doc.len() - 1;
    assert!(app.is_boilerplate(last));
    assert!(!app.is_boilerplate(0));
    // Marking a detected one as content overrules the detection.
    press(&mut app, "GB");
    assert!(!app.is_boilerplate(last));
    let kept = &app.project.as_ref().unwrap().project.boilerplate.kept["memo.txt"];
    assert!(kept.contains(&app.doc.paragraph_hash(last)));
}

#[test]
fn metadata_panel_shows_detected_and_stored_values_at_80x24_and_120x40() {
    let tmp = tempfile::tempdir().unwrap();
    let mut p = project();
    p.document_mut("memo.txt").meta.citation =
        Some("RGANI, Fond 5, Opis 28, Delo 410, Listy 301-303".into());
    let mut app = open(tmp.path(), Some(p));
    press(&mut app, "M");
    assert!(matches!(app.mode, Mode::Metadata(_)));
    insta::assert_snapshot!("metadata_80x24", screen(&mut app, 80, 24));
    insta::assert_snapshot!("metadata_120x40", screen(&mut app, 120, 40));
}

#[test]
fn metadata_corrections_are_stored_validated_and_undoable() {
    let tmp = tempfile::tempdir().unwrap();
    let mut app = open(tmp.path(), None);
    press(&mut app, "M");
    press(&mut app, "j<Enter>");
    app.handle_key(ctrl('u'));
    type_text(&mut app, "July 1956\n");
    let status = app.status.clone().unwrap();
    assert!(status.error, "{status:?}");
    assert!(!tmp.path().join("gloss.ron").exists());
    press(&mut app, "<Enter>");
    app.handle_key(ctrl('u'));
    type_text(&mut app, "1956-07-24\n");
    let status = app.status.clone().unwrap().text;
    assert!(status.contains("created the project file"), "{status}");
    save_project(&mut app);
    let on_disk = Project::load(&tmp.path().join("gloss.ron")).unwrap();
    assert_eq!(
        on_disk.document("memo.txt").unwrap().meta.date,
        Some("1956-07-24".parse::<PartialDate>().unwrap())
    );
    let shown = screen(&mut app, 80, 24);
    assert!(
        shown.contains("date        stored    1956-07-24"),
        "{shown}"
    );
    press(&mut app, "u");
    save_project(&mut app);
    let on_disk = Project::load(&tmp.path().join("gloss.ron")).unwrap();
    assert!(on_disk.document("memo.txt").is_none());
    // x clears a stored value back to the detected one.
    app.handle_key(ctrl('r'));
    press(&mut app, "x");
    assert!(app.project.as_ref().unwrap().stored_meta().date.is_none());
    // + adds a free field.
    press(&mut app, "+");
    type_text(&mut app, "archive box: Box 12\n");
    let stored = app.project.as_ref().unwrap().stored_meta();
    assert_eq!(stored.fields["archive box"], "Box 12");
    let shown = screen(&mut app, 80, 24);
    assert!(shown.contains("› archive box  stored    Box 12"), "{shown}");
}
