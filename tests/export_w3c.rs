//! `--format w3c` passes every MUST assertion of the W3C Web Annotation test
//! suite (annotations/annotationMusts.test), checked with the suite's own
//! JSON Schemas (draft-04, formats validated), carried in tests/data.

mod common;

use std::path::{Path, PathBuf};

use serde_json::Value;

use common::cli::{assert_success, copy_samples, gloss};

fn suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/w3c-web-annotation")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Resolves the suite's relative `$ref`s (`annotations.json#/…`) to its definitions folder.
struct Definitions;

impl jsonschema::Retrieve for Definitions {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri
            .path()
            .as_str()
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let path = suite().join("definitions").join(&name);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(serde_json::from_str(&text)?)
    }
}

/// (assertion file, compiled validator) for every MUST assertion of the suite.
fn must_validators() -> Vec<(String, jsonschema::Validator)> {
    let test = read_json(&suite().join("annotations/annotationMusts.test"));
    let list = test["assertions"].as_array().expect("assertions list");
    assert!(list.len() >= 50, "the MUST list is complete");
    list.iter()
        .map(|a| {
            let rel = a.as_str().expect("assertion path");
            let schema = read_json(&suite().join(rel));
            assert_eq!(schema["assertionType"], "must", "{rel}");
            assert_eq!(schema["expectedResult"], "valid", "{rel}");
            let validator = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft4)
                .should_validate_formats(true)
                .with_retriever(Definitions)
                .build(&schema)
                .unwrap_or_else(|e| panic!("{rel}: {e}"));
            (rel.to_string(), validator)
        })
        .collect()
}

fn failures(validators: &[(String, jsonschema::Validator)], annotation: &Value) -> Vec<String> {
    validators
        .iter()
        .filter(|(_, v)| !v.is_valid(annotation))
        .map(|(name, _)| name.clone())
        .collect()
}

fn export_w3c(dir: &Path, args: &[&str]) -> Vec<Value> {
    let out = gloss()
        .current_dir(dir)
        .args(["export", "--format", "w3c"])
        .args(args)
        .output()
        .unwrap();
    assert_success(&out);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    v.as_array().expect("a JSON array").clone()
}

fn samples_in(dir: &Path) {
    copy_samples(&dir.join("samples"), |_| true);
}

#[test]
fn every_sample_annotation_passes_the_must_assertions() {
    let dir = tempfile::tempdir().unwrap();
    samples_in(dir.path());
    let validators = must_validators();
    let annotations = export_w3c(dir.path(), &["samples"]);
    assert_eq!(annotations.len(), 13);
    for a in &annotations {
        assert_eq!(failures(&validators, a), Vec::<String>::new(), "{a:#}");
    }
}

#[test]
fn the_must_schemas_reject_broken_annotations() {
    // The checks can fail: each of these breaks one MUST.
    let dir = tempfile::tempdir().unwrap();
    samples_in(dir.path());
    let validators = must_validators();
    let good = export_w3c(dir.path(), &["samples"]).remove(0);
    let mut broken = Vec::new();
    let mut no_context = good.clone();
    no_context.as_object_mut().unwrap().remove("@context");
    broken.push(no_context);
    let mut bad_type = good.clone();
    bad_type["type"] = "Note".into();
    broken.push(bad_type);
    let mut no_target = good.clone();
    no_target.as_object_mut().unwrap().remove("target");
    broken.push(no_target);
    let mut bad_created = good.clone();
    bad_created["created"] = "yesterday".into();
    broken.push(bad_created);
    let mut both_bodies = good.clone();
    both_bodies["bodyValue"] = "x".into();
    broken.push(both_bodies);
    let mut bad_selector = good.clone();
    bad_selector["target"]["selector"][0]
        .as_object_mut()
        .unwrap()
        .remove("exact");
    broken.push(bad_selector);
    for b in &broken {
        assert!(!failures(&validators, b).is_empty(), "should fail: {b:#}");
    }
}

#[test]
fn selectors_point_at_the_quoted_text() {
    let dir = tempfile::tempdir().unwrap();
    samples_in(dir.path());
    let text = std::fs::read_to_string(dir.path().join("samples/memo-1957-03-12-han-tae-jun.txt"))
        .unwrap();
    let chars: Vec<char> = text.chars().collect();
    for a in export_w3c(dir.path(), &["samples"]) {
        let target = &a["target"];
        let source = target["source"]["id"].as_str().unwrap();
        assert!(source.starts_with("file:///"), "{source}");
        assert!(
            source.ends_with("/samples/memo-1957-03-12-han-tae-jun.txt"),
            "{source}"
        );
        let quote = &target["selector"][0];
        let position = &target["selector"][1];
        assert_eq!(quote["type"], "TextQuoteSelector");
        assert_eq!(position["type"], "TextPositionSelector");
        let (start, end) = (
            position["start"].as_u64().unwrap() as usize,
            position["end"].as_u64().unwrap() as usize,
        );
        let exact: String = chars[start..end].iter().collect();
        assert_eq!(quote["exact"].as_str().unwrap(), exact);
        let prefix = quote["prefix"].as_str().unwrap();
        let before: String = chars[start.saturating_sub(prefix.chars().count())..start]
            .iter()
            .collect();
        assert_eq!(prefix, before);
        let suffix = quote["suffix"].as_str().unwrap();
        let after: String = chars[end..end + suffix.chars().count()].iter().collect();
        assert_eq!(suffix, after);
        assert!(a["creator"]["nickname"].is_string());
        assert!(a["created"].is_string());
    }
}
