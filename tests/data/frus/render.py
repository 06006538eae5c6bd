#!/usr/bin/env python3
"""Render tests/data/frus/excerpts.xml (FRUS TEI, public domain) into the
plain text a reader would save from each document's page, and the true
metadata its markup gives, for tests/meta_accuracy.rs.

    python3 tests/data/frus/render.py
        # writes <id>.txt and truth.json here (from excerpts.xml) and in
        # heldout/ (from heldout.xml)

Text: the inline source line (older volumes), the title (head without its
notes; <lb/> a line break), the classification, the dateline, the subject
list, the paragraphs, the closer, then the footnotes as "N text" (the
source note first), one paragraph each, separated by blank lines.

Truth: title = head without notes, its document number ("23." or
"No. 78") removed; date = the dateline's date/@when (else
frus:doc-dateTime-min), day part; place = dateline placeName; author and
recipient = head elements with type="from" / type="to"; citation = the
source note up to its first ". " after "Source:" (or, for an inline note,
before ": Telegram").
"""
import json
import os
import re
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
TEI = "{http://www.tei-c.org/ns/1.0}"
FRUS = "{http://history.state.gov/frus/ns/1.0}"
BREAK = "\u2028"  # stands for <lb/> until lines are split


def norm(s):
    return re.sub(r"\s+", " ", s).strip()


def text_of(el, keep_lb=False):
    """Text of el without notes; <lb/> becomes a newline when keep_lb."""
    out = []

    def walk(e):
        if e.tag == TEI + "note" and e is not el:
            if e.tail:
                out.append(e.tail.replace("\n", " "))
            return
        if e.tag == TEI + "lb":
            out.append(BREAK if keep_lb else " ")
        if e.text:
            out.append(e.text.replace("\n", " "))
        for c in e:
            walk(c)
        if e.tail and e is not el:
            out.append(e.tail.replace("\n", " "))

    walk(el)
    joined = "".join(out)
    if keep_lb:
        return "\n".join(norm(l) for l in joined.split(BREAK) if norm(l))
    return norm(joined)


def first_sentence(s):
    at = s.find(". ")
    return (s[:at] if at >= 0 else s).rstrip(".").strip()


def render(div):
    paras, notes = [], []
    inline = div.find(TEI + "note[@rend='inline']")
    if inline is not None:
        paras.append(text_of(inline))
    head = div.find(TEI + "head")
    paras.append(text_of(head, keep_lb=True))
    for n in head.iter(TEI + "note"):
        notes.append((n.get("n"), norm("".join(n.itertext()))))
    body = [c for c in div if c.tag not in (TEI + "head", TEI + "note")]
    for el in body:
        if el.tag == TEI + "opener":
            for c in el:
                paras.append(text_of(c, keep_lb=True))
        elif el.tag == TEI + "list":
            lines = [text_of(c) for c in el]
            paras.append("\n".join(l for l in lines if l))
        else:
            paras.append(text_of(el, keep_lb=True))
        for n in el.iter(TEI + "note"):
            notes.append((n.get("n"), norm("".join(n.itertext()))))
    for n, t in notes:
        paras.append(f"{n} {t}")
    return "\n\n".join(p for p in paras if p) + "\n"


def truth(div):
    head = div.find(TEI + "head")
    title = text_of(head)
    title = re.sub(r"^(No\. \d+|\d+\.)\s*", "", title)
    dateline = div.find(".//" + TEI + "dateline")
    date = None
    place = None
    if dateline is not None:
        d = dateline.find(".//" + TEI + "date")
        if d is not None and d.get("when"):
            date = d.get("when")[:10]
        p = dateline.find(".//" + TEI + "placeName")
        if p is not None:
            place = norm("".join(p.itertext()))
    if date is None and div.get(FRUS + "doc-dateTime-min"):
        date = div.get(FRUS + "doc-dateTime-min")[:10]
    who = lambda t: next(
        (norm("".join(e.itertext())) for e in head.iter() if e.get("type") == t), None
    )
    citation = None
    for n in div.iter(TEI + "note"):
        if n.get("type") != "source":
            continue
        t = norm("".join(n.itertext()))
        if t.startswith("Source:"):
            citation = first_sentence(t[len("Source:"):].strip())
        else:
            # "690B.9321/6–653: Telegram": the file, not the document type.
            file, _, kind = t.rpartition(":")
            citation = file.strip() if file and len(kind.split()) == 1 else t
        break
    return {
        "title": title,
        "date": date,
        "place": place,
        "author": who("from"),
        "recipient": who("to"),
        "citation": citation,
    }


def main():
    # The set the rules were written against, and the held-out set.
    for source, folder in [("excerpts.xml", HERE), ("heldout.xml", os.path.join(HERE, "heldout"))]:
        os.makedirs(folder, exist_ok=True)
        root = ET.parse(os.path.join(HERE, source)).getroot()
        all_truth = {}
        for div in root.iter(TEI + "div"):
            if div.get("type") != "document":
                continue
            name = div.get("{http://www.w3.org/XML/1998/namespace}id") + ".txt"
            with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
                f.write(render(div))
            all_truth[name] = truth(div)
        with open(os.path.join(folder, "truth.json"), "w", encoding="utf-8") as f:
            json.dump(all_truth, f, indent=2, ensure_ascii=False, sort_keys=True)
            f.write("\n")


if __name__ == "__main__":
    main()
