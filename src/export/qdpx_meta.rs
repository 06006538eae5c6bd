//! Document metadata in a REFI-QDA project: each field is a project
//! `Variable` (declared once under `<Variables>`, as Project.xsd requires)
//! and each document's values are `VariableValue`s of its `TextSource`; the
//! document memo is the source's `Description`. All variables are text:
//! dates may be partial (`1956-07`), which `xs:date` cannot hold.

use std::fmt::Write as _;

use super::ExportSet;
use super::text::{guid, xml_escape, xml_text};
use crate::project::META_FIELDS;

/// The metadata fields that become variables (the memo is a description).
fn variable_fields() -> impl Iterator<Item = &'static str> {
    META_FIELDS.into_iter().filter(|f| *f != "memo")
}

fn variable_guid(field: &str) -> String {
    guid(&["variable", field])
}

/// `<Variables>` for every field some document has a value for (nothing when none has).
pub fn variables(x: &mut String, set: &ExportSet<'_>) {
    let used: Vec<&str> = variable_fields()
        .filter(|f| {
            set.documents
                .iter()
                .any(|(source, _)| set.metadata.of(source).get(f).is_some())
        })
        .collect();
    if used.is_empty() {
        return;
    }
    x.push_str("  <Variables>\n");
    for field in used {
        let _ = writeln!(
            x,
            "    <Variable guid=\"{}\" name=\"{}\" typeOfVariable=\"Text\">\n      <Description>Document metadata: {}</Description>\n    </Variable>",
            variable_guid(field),
            xml_escape(field),
            field.replace('_', " ")
        );
    }
    x.push_str("  </Variables>\n");
}

/// The document memo as the source's `<Description>` (first in a TextSource).
pub fn description(x: &mut String, set: &ExportSet<'_>, source: &str) {
    if let Some(memo) = set.metadata.of(source).memo {
        let _ = writeln!(x, "      <Description>{}</Description>", xml_text(&memo));
    }
}

/// The source's `<VariableValue>`s (last in a TextSource).
pub fn values(x: &mut String, set: &ExportSet<'_>, source: &str) {
    let meta = set.metadata.of(source);
    for field in variable_fields() {
        if let Some(value) = meta.get(field) {
            let _ = writeln!(
                x,
                "      <VariableValue>\n        <VariableRef targetGUID=\"{}\"/>\n        <TextValue>{}</TextValue>\n      </VariableValue>",
                variable_guid(field),
                xml_text(&value)
            );
        }
    }
}
