#!/usr/bin/env python3
"""Paragraph-level agreement between `gloss text` and trafilatura (the
reference main-text extractor) on the pages in tests/data/html/.

    pip install trafilatura lxml_html_clean
    cargo build --release && python3 benches/html_vs_trafilatura.py [GLOSS]

For each page: paragraphs (whitespace-normalised) that both keep, that only
gloss keeps, that only trafilatura keeps; precision and recall of gloss's
paragraphs taking trafilatura's as the reference, and their F1. Not a
runtime dependency: a measurement for the README. UNIT=line compares lines
(gloss keeps `<br>`-separated lines in one paragraph; trafilatura writes
one line each).
"""
import glob, os, subprocess, sys
import trafilatura

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GLOSS = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target", "release", "gloss")

def norm(p):
    return " ".join(p.split())

def gloss_paras(path):
    out = subprocess.run([GLOSS, "text", path], check=True, capture_output=True, text=True).stdout
    # UNIT=line: a paragraph's lines (<br>, <pre>) count one by one, as
    # trafilatura writes them.
    sep = "\n" if os.environ.get("UNIT") == "line" else "\n\n"
    return [norm(p) for p in out.split(sep) if norm(p)]

def traf_paras(path):
    html = open(path, encoding="utf-8").read()
    text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_recall=True) or ""
    return [norm(p) for p in text.split("\n") if norm(p)]

tot_both = tot_g = tot_t = 0
print(f"{'page':28} {'both':>5} {'gloss':>6} {'traf':>5}  precision recall   F1")
for path in sorted(glob.glob(os.path.join(ROOT, "tests", "data", "html", "*.html"))):
    g, t = gloss_paras(path), traf_paras(path)
    # trafilatura writes list items as "- item": compare their text.
    t = [p[2:] if p.startswith("- ") else p for p in t]
    both = len(set(g) & set(t))
    only_g = [p for p in g if p not in set(t)]
    only_t = [p for p in t if p not in set(g)]
    prec = both / len(set(g)) if g else 1.0
    rec = both / len(set(t)) if t else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    tot_both += both; tot_g += len(set(g)); tot_t += len(set(t))
    print(f"{os.path.basename(path):28} {both:5} {len(only_g):6} {len(only_t):5}  {prec:9.2f} {rec:6.2f} {f1:5.2f}")
    if os.environ.get("VERBOSE"):
        for p in only_g: print("   gloss only:", p[:100])
        for p in only_t: print("   traf only: ", p[:100])
prec, rec = tot_both / tot_g, tot_both / tot_t
print(f"{'all pages':28} {tot_both:5} {tot_g - tot_both:6} {tot_t - tot_both:5}  {prec:9.2f} {rec:6.2f} {2*prec*rec/(prec+rec):5.2f}")
