#!/usr/bin/env python3
"""Precision and recall of gloss's cue-phrase suggestions on the gold set.

Runs the real binary, `gloss suggest --format jsonl`, on every document of
tests/data/suggest-gold/gold.jsonl (FRUS documents are written to a temp
folder from tests/data/frus-gold/gold.jsonl, paragraphs joined by blank
lines) and compares the suggested paragraph x kind pairs with the gold ones.

    cargo build --release && python3 benches/suggest_gold.py [path/to/gloss]
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GLOSS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/gloss")
KINDS = ["claim", "advice", "position"]


def main():
    frus = {}
    with open(os.path.join(ROOT, "tests/data/frus-gold/gold.jsonl")) as f:
        for line in f:
            d = json.loads(line)
            frus[d["doc"]] = [p["text"] for p in d["paragraphs"]]
    counts = {k: [0, 0, 0] for k in KINDS + ["all"]}
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, GLOSS_CONFIG_DIR=tmp)  # the built-in rules only
        with open(os.path.join(ROOT, "tests/data/suggest-gold/gold.jsonl")) as f:
            for line in f:
                d = json.loads(line)
                name = d["doc"]
                if name.startswith("frus-gold:"):
                    path = os.path.join(tmp, name.split(":", 1)[1] + ".txt")
                    with open(path, "w") as out:
                        out.write("\n\n".join(frus[name.split(":", 1)[1]]) + "\n")
                else:
                    path = os.path.join(tmp, os.path.basename(name))
                    with open(os.path.join(ROOT, name)) as src, open(path, "w") as out:
                        out.write(src.read())
                run = subprocess.run([GLOSS, "suggest", "--format", "jsonl", path],
                                     capture_output=True, text=True, env=env, check=True)
                predicted = {(s["paragraph"], s["kind"])
                             for s in map(json.loads, run.stdout.splitlines())}
                gold = {(p, k) for p, k in d["tags"]}
                for kind in KINDS + ["all"]:
                    p = {x for x in predicted if kind == "all" or x[1] == kind}
                    g = {x for x in gold if kind == "all" or x[1] == kind}
                    counts[kind][0] += len(p & g)
                    counts[kind][1] += len(p)
                    counts[kind][2] += len(g)
    for kind, (tp, npred, ngold) in counts.items():
        p = tp / npred if npred else 0.0
        r = tp / ngold if ngold else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        print(f"{kind:9} precision {p:.2f} ({tp}/{npred})  recall {r:.2f} ({tp}/{ngold})  F1 {f1:.2f}")


if __name__ == "__main__":
    main()
