//! The actor–issue network as GEXF 1.3 (Gephi's own format) in dynamic mode,
//! dated by the documents the positions come from, so Gephi's timeline shows
//! the network grow: a node or edge appears on the date of its first dated
//! statement and stays, and an edge's `statements` attribute counts the
//! statements made up to each date. Nodes have a `type` (`actor` or `issue`)
//! and their `statements`; edges (one per actor, issue and stance) a `stance`
//! and a `weight` (all their statements). Partial dates are taken as their
//! first day (GEXF dates are full `xs:date`s); a statement from an undated
//! document counts from the start. Valid against the GEXF 1.3 XSD.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::network::positions;
use super::text::xml_escape;
use super::{Excerpt, ExportSet};

/// The dates (`YYYY-MM-DD`, `None` for undated) of one node's or edge's statements.
#[derive(Default)]
struct Dated {
    dates: Vec<Option<String>>,
}

impl Dated {
    fn first(&self) -> Option<&str> {
        self.dates.iter().flatten().min().map(String::as_str)
    }

    /// Cumulative statement counts: `(from date, count)`, ascending.
    fn cumulative(&self) -> Vec<(Option<&str>, usize)> {
        let mut by_date: BTreeMap<Option<&str>, usize> = BTreeMap::new();
        for d in &self.dates {
            *by_date.entry(d.as_deref()).or_default() += 1;
        }
        let mut total = 0;
        let mut out: Vec<(Option<&str>, usize)> = Vec::new();
        for (date, n) in by_date {
            total += n;
            match out.last_mut() {
                // Undated statements count from the start, with the first date.
                Some(last) if last.0.is_none() => *last = (date, total),
                _ => out.push((date, total)),
            }
        }
        out
    }
}

/// A statement's date as a full `xs:date`.
fn date_of(set: &ExportSet<'_>, e: &Excerpt) -> Option<String> {
    let d = set.metadata.documents.get(&e.source)?.date.as_ref()?;
    Some(format!(
        "{:04}-{:02}-{:02}",
        d.year(),
        d.month().unwrap_or(1),
        d.day().unwrap_or(1)
    ))
}

fn start_attr(date: Option<&str>) -> String {
    date.map(|d| format!(" start=\"{d}\"")).unwrap_or_default()
}

/// The GEXF document of `set`'s positions.
pub fn render(set: &ExportSet<'_>) -> Vec<u8> {
    let mut actors: BTreeMap<&str, Dated> = BTreeMap::new();
    let mut issues: BTreeMap<&str, Dated> = BTreeMap::new();
    let mut edges: BTreeMap<(&str, &str, &str), Dated> = BTreeMap::new();
    for (e, stance, issue) in positions(set.excerpts) {
        let date = date_of(set, e);
        actors.entry(&e.actor).or_default().dates.push(date.clone());
        issues.entry(issue).or_default().dates.push(date.clone());
        edges
            .entry((&e.actor, issue, stance))
            .or_default()
            .dates
            .push(date);
    }
    let ids = |letter: char, names: &BTreeMap<&str, Dated>| -> BTreeMap<String, String> {
        names
            .keys()
            .enumerate()
            .map(|(i, name)| (name.to_string(), format!("{letter}{i}")))
            .collect()
    };
    let actor_ids = ids('a', &actors);
    let issue_ids = ids('i', &issues);
    let mut out = String::from(concat!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
        "<gexf xmlns=\"http://gexf.net/1.3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"",
        " xsi:schemaLocation=\"http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd\" version=\"1.3\">\n",
    ));
    let _ = writeln!(
        out,
        "  <meta>\n    <creator>glossator {}</creator>\n    <description>Actor–issue network of position statements, dated by document</description>\n  </meta>",
        env!("CARGO_PKG_VERSION")
    );
    out.push_str(concat!(
        "  <graph mode=\"dynamic\" defaultedgetype=\"undirected\" timeformat=\"date\" timerepresentation=\"interval\">\n",
        "    <attributes class=\"node\" mode=\"static\">\n",
        "      <attribute id=\"type\" title=\"type\" type=\"string\"/>\n",
        "      <attribute id=\"statements\" title=\"statements\" type=\"integer\"/>\n",
        "    </attributes>\n",
        "    <attributes class=\"edge\" mode=\"static\">\n",
        "      <attribute id=\"stance\" title=\"stance\" type=\"string\"/>\n",
        "    </attributes>\n",
        "    <attributes class=\"edge\" mode=\"dynamic\">\n",
        "      <attribute id=\"statements\" title=\"statements\" type=\"integer\"/>\n",
        "    </attributes>\n",
    ));
    let _ = writeln!(out, "    <nodes count=\"{}\">", actors.len() + issues.len());
    for (kind, nodes, node_ids) in [
        ("actor", &actors, &actor_ids),
        ("issue", &issues, &issue_ids),
    ] {
        for (name, dated) in nodes {
            let _ = writeln!(
                out,
                "      <node id=\"{}\" label=\"{}\"{}>\n        <attvalues>\n          <attvalue for=\"type\" value=\"{kind}\"/>\n          <attvalue for=\"statements\" value=\"{}\"/>\n        </attvalues>\n      </node>",
                node_ids[*name],
                xml_escape(name),
                start_attr(dated.first()),
                dated.dates.len()
            );
        }
    }
    out.push_str("    </nodes>\n");
    let _ = writeln!(out, "    <edges count=\"{}\">", edges.len());
    for (n, ((actor, issue, stance), dated)) in edges.iter().enumerate() {
        let _ = writeln!(
            out,
            "      <edge id=\"e{n}\" source=\"{}\" target=\"{}\" weight=\"{}\"{}>\n        <attvalues>\n          <attvalue for=\"stance\" value=\"{stance}\"/>",
            actor_ids[*actor],
            issue_ids[*issue],
            dated.dates.len(),
            start_attr(dated.first()),
        );
        let counts = dated.cumulative();
        for (k, (from, count)) in counts.iter().enumerate() {
            let end = counts
                .get(k + 1)
                .and_then(|(next, _)| *next)
                .map(|d| format!(" end=\"{d}\""))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "          <attvalue for=\"statements\" value=\"{count}\"{}{end}/>",
                start_attr(*from)
            );
        }
        out.push_str("        </attvalues>\n      </edge>\n");
    }
    out.push_str("    </edges>\n  </graph>\n</gexf>\n");
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::metadata::Metadata;
    use crate::project::DocumentMeta;

    #[test]
    fn nodes_and_edges_start_on_their_first_dated_statement_and_count_up() {
        let mut metadata = Metadata::default();
        for (source, date) in [("a.txt", "1956-07-24"), ("b.txt", "1956-08")] {
            metadata.documents.insert(
                source.into(),
                DocumentMeta {
                    date: date.parse().ok(),
                    ..DocumentMeta::default()
                },
            );
        }
        let mut excerpts = Vec::new();
        for source in ["b.txt", "a.txt", "undated.txt"] {
            let mut e = crate::export::sample_excerpt();
            e.source = source.into();
            e.kind = "position";
            e.actor = "Pak Chang-ok".into();
            e.stance = Some("support");
            e.issue = Some("aid".into());
            excerpts.push(e);
        }
        let set = ExportSet {
            documents: &[],
            excerpts: &excerpts,
            metadata: &metadata,
            roots: &[],
        };
        let out = String::from_utf8(render(&set)).unwrap();
        assert!(out.contains(
            "<graph mode=\"dynamic\" defaultedgetype=\"undirected\" timeformat=\"date\""
        ));
        assert!(
            out.contains("<node id=\"a0\" label=\"Pak Chang-ok\" start=\"1956-07-24\">"),
            "{out}"
        );
        assert!(
            out.contains(
                "<edge id=\"e0\" source=\"a0\" target=\"i0\" weight=\"3\" start=\"1956-07-24\">"
            ),
            "{out}"
        );
        // The undated statement counts from the start, then one more each date.
        assert!(
            out.contains(
                "<attvalue for=\"statements\" value=\"2\" start=\"1956-07-24\" end=\"1956-08-01\"/>"
            ),
            "{out}"
        );
        assert!(
            out.contains("<attvalue for=\"statements\" value=\"3\" start=\"1956-08-01\"/>"),
            "{out}"
        );
    }
}
