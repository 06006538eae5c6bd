#!/usr/bin/env python3
"""Paragraph agreement of `gloss text` and `pdftotext` (poppler) with the
known texts of the fixtures, after whitespace normalisation.

    python3 compare.py [GLOSS_BINARY]

A paragraph agrees when the tool gives it exactly (spaces squeezed). For
pdftotext, paragraphs are its blank-line-separated blocks, lines joined with
a space (plain mode) — it has no notion of running headers, so those are
counted as extra paragraphs.
"""
import re
import subprocess
import sys

gloss = sys.argv[1] if len(sys.argv) > 1 else "../../../target/release/gloss"

def paragraphs(text):
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.replace("\f", "\n\n")) if p.strip()]

def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout

print(f"{'file':12} {'known':>5} | {'gloss':>5} {'agree':>5} {'extra':>5} | {'pdftotext':>9} {'agree':>5} {'extra':>5}")
for name in ["memo", "indented"]:
    known = paragraphs(open(name + ".txt", encoding="utf-8").read())
    ours = paragraphs(run([gloss, "text", name + ".pdf"]))
    theirs = paragraphs(run(["pdftotext", name + ".pdf", "-"]))
    def score(got):
        agree = sum(1 for p in known if p in got)
        extra = sum(1 for p in got if p not in known)
        return agree, extra
    oa, oe = score(ours)
    ta, te = score(theirs)
    print(f"{name:12} {len(known):5} | {len(ours):5} {oa:5} {oe:5} | {len(theirs):9} {ta:5} {te:5}")
