//! The discourse network of Position tags: `statements` (one CSV row per
//! statement, the input shape of discourse-network tools and R) and `graphml`
//! (the actor–issue network, opened by Gephi and visone).

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::Excerpt;
use super::table;
use super::text::xml_escape;

/// Columns of `--format statements`.
pub const STATEMENT_COLUMNS: [&str; 12] = [
    "document",
    "date",
    "paragraph",
    "actor",
    "issue",
    "stance",
    "annotator",
    "id",
    "created",
    "doc_title",
    "doc_date",
    "doc_citation",
];

/// One CSV row per position statement; `date` is when it was made (the
/// document's date, empty when unknown), for dated networks.
pub fn statements(excerpts: &[Excerpt]) -> Result<Vec<u8>, ::csv::Error> {
    let opt = |o: &Option<String>| Cow::Owned(o.clone().unwrap_or_default());
    table::write_rows(
        &STATEMENT_COLUMNS,
        positions(excerpts).map(|(e, stance, issue)| {
            vec![
                Cow::Borrowed(e.source.as_str()),
                opt(&e.doc_date),
                Cow::Owned(e.paragraph.to_string()),
                Cow::Borrowed(e.actor.as_str()),
                Cow::Borrowed(issue),
                Cow::Borrowed(stance),
                Cow::Borrowed(e.annotator.as_str()),
                Cow::Borrowed(e.id.as_str()),
                Cow::Borrowed(e.created.as_str()),
                opt(&e.doc_title),
                opt(&e.doc_date),
                opt(&e.doc_citation),
            ]
        }),
    )
}

pub fn positions(excerpts: &[Excerpt]) -> impl Iterator<Item = (&Excerpt, &'static str, &str)> {
    excerpts
        .iter()
        .filter_map(|e| match (e.kind, e.stance, &e.issue) {
            ("position", Some(stance), Some(issue)) => Some((e, stance, issue.as_str())),
            _ => None,
        })
}

/// The actor–issue network: actors and issues are nodes (`type` = `actor` or
/// `issue`); one undirected edge per actor–issue–stance, `weight` = statements.
pub fn graphml(excerpts: &[Excerpt]) -> Vec<u8> {
    let mut actors: BTreeMap<&str, usize> = BTreeMap::new();
    let mut issues: BTreeMap<&str, usize> = BTreeMap::new();
    let mut edges: BTreeMap<(&str, &str, &str), usize> = BTreeMap::new();
    for (e, stance, issue) in positions(excerpts) {
        *actors.entry(e.actor.as_str()).or_default() += 1;
        *issues.entry(issue).or_default() += 1;
        *edges.entry((e.actor.as_str(), issue, stance)).or_default() += 1;
    }
    let actor_id: BTreeMap<&str, String> = actors
        .keys()
        .enumerate()
        .map(|(i, a)| (*a, format!("a{i}")))
        .collect();
    let issue_id: BTreeMap<&str, String> = issues
        .keys()
        .enumerate()
        .map(|(i, a)| (*a, format!("i{i}")))
        .collect();
    let mut out = String::from(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"",
        " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
        " xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns",
        " http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n",
        "  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n",
        "  <key id=\"type\" for=\"node\" attr.name=\"type\" attr.type=\"string\"/>\n",
        "  <key id=\"statements\" for=\"node\" attr.name=\"statements\" attr.type=\"int\"/>\n",
        "  <key id=\"stance\" for=\"edge\" attr.name=\"stance\" attr.type=\"string\"/>\n",
        "  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" attr.type=\"double\"/>\n",
        "  <graph id=\"actor-issue\" edgedefault=\"undirected\">\n",
    ));
    for (kind, nodes, ids) in [("actor", &actors, &actor_id), ("issue", &issues, &issue_id)] {
        for (name, count) in nodes {
            let _ = writeln!(
                out,
                "    <node id=\"{}\"><data key=\"label\">{}</data><data key=\"type\">{kind}</data><data key=\"statements\">{count}</data></node>",
                ids[name],
                xml_escape(name)
            );
        }
    }
    for (i, ((actor, issue, stance), weight)) in edges.iter().enumerate() {
        let _ = writeln!(
            out,
            "    <edge id=\"e{i}\" source=\"{}\" target=\"{}\"><data key=\"stance\">{stance}</data><data key=\"weight\">{weight}</data></edge>",
            actor_id[actor], issue_id[issue]
        );
    }
    out.push_str("  </graph>\n</graphml>\n");
    out.into_bytes()
}
