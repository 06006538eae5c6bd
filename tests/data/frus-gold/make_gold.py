#!/usr/bin/env python3
"""Build the person-mention gold sets from FRUS TEI excerpts.

    python3 tests/data/frus-gold/make_gold.py

gold.jsonl: from tests/data/frus/excerpts.xml (fourteen abridged documents,
see its header) and tests/data/frus-gold/v03-d35-d37.xml (three whole
documents). gold-v23p1.jsonl: from tests/data/frus-gold/v23p1-sample.xml
(twenty-one whole documents of the Japan volume, a development set read
after the rules were written). gold-v18-korea.jsonl: from
tests/data/frus-gold/v18-korea-sample.xml (nineteen whole documents of the
Korea part of the 1958-60 Japan; Korea volume, a held-out set first read
after the rules of commit 61c7ac1). gold-v18-japan.jsonl: from
tests/data/frus-gold/v18-japan-sample.xml (thirteen whole documents of the
Japan part of the same volume, a held-out set first read at commit
94e0a86). gold-v14p2-japan.jsonl: from
tests/data/frus-gold/v14p2-japan-sample.xml (twenty-two whole documents of
the 1952-54 China and Japan volume, Part 2, all on Japan, a held-out set
first read at commit 681b905). gold-v22-korea.jsonl: from
tests/data/frus-gold/v22-korea-sample.xml (twenty-one whole documents of
the Korea part of the 1961-63 Northeast Asia volume, a held-out set first
read at commit ab5b71a). All are cut by the same
rules, below.
FRUS is a work of the U.S. Government (public domain).

Each document becomes its paragraphs, as a reader would save it: the head
(its notes left out), the dateline, each <p> / <item> of the body, the
closer, then each footnote (a note's own text, and each <p> inside it), one
paragraph each, whitespace collapsed, <lb/> a space. Every <persName> is a
gold mention: start/end in code points within its paragraph (end
exclusive), person = its corresp without '#', or "unmarked:<text>" when the
editors gave none.

One JSON object per document:
{"doc": id, "paragraphs": [{"text": ..., "mentions": [{"start", "end", "surface", "person"}]}]}
"""
import json
import os
import re
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
TEI = "{http://www.tei-c.org/ns/1.0}"
# output file -> its sources, in order
GOLD_SETS = {
    "gold.jsonl": [
        os.path.join(HERE, "..", "frus", "excerpts.xml"),
        os.path.join(HERE, "v03-d35-d37.xml"),
    ],
    "gold-v23p1.jsonl": [
        os.path.join(HERE, "v23p1-sample.xml"),
    ],
    "gold-v18-korea.jsonl": [
        os.path.join(HERE, "v18-korea-sample.xml"),
    ],
    "gold-v18-japan.jsonl": [
        os.path.join(HERE, "v18-japan-sample.xml"),
    ],
    "gold-v14p2-japan.jsonl": [
        os.path.join(HERE, "v14p2-japan-sample.xml"),
    ],
    "gold-v22-korea.jsonl": [os.path.join(HERE, "v22-korea-sample.xml")],
}
BLOCKS = {"p", "note", "item", "head", "closer", "dateline", "label"}


def local(tag):
    return tag[len(TEI):] if tag.startswith(TEI) else tag


class Doc:
    def __init__(self):
        self.body = []  # paragraphs: list of (char, mention-id) lists
        self.notes = []
        self.persons = {}  # mention id -> person
        self.next_id = 0


def inline(elem, doc, chars, mention, notes_out):
    """Append elem's inline text to chars; nested blocks go to notes_out."""
    if elem.text:
        chars.extend((c, mention) for c in elem.text)
    for child in elem:
        tag = local(child.tag)
        if tag == "note":
            notes_out.extend(block(child, doc, notes_out))
        elif tag == "p":
            # a <p> inside a paragraph (footnote prose): its own paragraph
            notes_out.extend(block(child, doc, notes_out))
        elif tag == "lb":
            chars.append((" ", mention))
        elif tag == "persName":
            mid = doc.next_id
            doc.next_id += 1
            corresp = child.get("corresp")
            text = "".join(child.itertext()).strip()
            doc.persons[mid] = corresp.lstrip("#") if corresp else "unmarked:" + " ".join(text.split())
            inline(child, doc, chars, mid, notes_out)
        else:
            inline(child, doc, chars, mention, notes_out)
        if child.tail:
            chars.extend((c, mention) for c in child.tail)


def block(elem, doc, notes_out):
    """Paragraphs of a block element: its own text first, then nested ones."""
    own = []
    nested = []
    inline(elem, doc, own, None, nested)
    return [own] + nested


def collapse(chars, persons):
    out = []
    for c, m in chars:
        if c.isspace():
            if out and out[-1][0] != " ":
                out.append((" ", m))
        else:
            out.append((c, m))
    while out and out[-1][0] == " ":
        out.pop()
    text = "".join(c for c, _ in out)
    mentions = []
    i = 0
    while i < len(out):
        m = out[i][1]
        if m is None:
            i += 1
            continue
        j = i
        while j < len(out) and out[j][1] == m:
            j += 1
        s, e = i, j
        while s < e and out[s][0] == " ":
            s += 1
        while e > s and out[e - 1][0] == " ":
            e -= 1
        if e > s:
            mentions.append({"start": s, "end": e, "surface": text[s:e], "person": persons[m]})
        i = j
    return {"text": text, "mentions": mentions}


def document(div):
    doc = Doc()
    paragraphs = []
    footnotes = []

    def walk(elem):
        for child in elem:
            tag = local(child.tag)
            if tag in ("head", "p", "closer", "dateline"):
                own = []
                inline(child, doc, own, None, footnotes)
                paragraphs.append(own)
            elif tag == "item":
                if any(local(c.tag) == "p" for c in child):
                    walk(child)
                else:
                    own = []
                    inline(child, doc, own, None, footnotes)
                    paragraphs.append(own)
            elif tag == "label" or tag == "pb":
                continue
            else:
                walk(child)

    walk(div)
    result = []
    for chars in paragraphs + footnotes:
        p = collapse(chars, doc.persons)
        if p["text"]:
            result.append(p)
    return result


def write_gold(name, sources):
    out = []
    for source in sources:
        root = ET.parse(source).getroot()
        for div in root.iter(TEI + "div"):
            if div.get("type") != "document":
                continue
            out.append({"doc": div.get("{http://www.w3.org/XML/1998/namespace}id"),
                        "paragraphs": document(div)})
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        for d in out:
            f.write(json.dumps(d, ensure_ascii=False) + "\n")
    n = sum(len(p["mentions"]) for d in out for p in d["paragraphs"])
    print(f"{name}: {len(out)} documents, {n} gold mentions")


def main():
    for name, sources in GOLD_SETS.items():
        write_gold(name, sources)


if __name__ == "__main__":
    main()
