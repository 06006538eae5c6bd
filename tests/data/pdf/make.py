#!/usr/bin/env python3
"""Write the known texts of the PDF fixtures and the Flat ODT files LibreOffice
turns into PDFs. Deterministic: the same script writes the same texts.

    python3 make.py            # memo.txt/.fodt, indented.txt/.fodt
    python3 make.py long OUT   # OUT.txt/.fodt: about 300 pages (for benches)

then `soffice --headless --convert-to pdf NAME.fodt` (see README.md).
"""
import sys
from xml.sax.saxutils import escape

SHY = "\u00ad"
# Long words with their break points (soft hyphens): where Writer breaks
# them at a line end it prints a hyphen.
LONG = [
    "in-ter-na-tion-al", "con-sid-er-a-tion", "ne-go-ti-a-tions",
    "rep-re-sen-ta-tives", "ad-min-is-tra-tion", "com-mu-ni-ca-tion",
    "ar-mi-stice", "gov-ern-ment", "un-der-stand-ing", "in-de-pen-dence",
    "re-con-struc-tion", "del-e-ga-tion", "re-uni-fi-ca-tion", "re-spon-si-bil-i-ty",
]
SUBJECTS = ["The minister", "The ambassador", "Our delegation", "The chairman",
            "The other side", "The committee", "The government", "The counsellor"]
VERBS = ["stated that", "argued that", "insisted that", "recalled that",
         "warned that", "suggested that", "observed that", "doubted that"]
CLAUSES = ["the {w} of the armistice must come first",
           "the question of {w} could wait until the spring",
           "no {w} would be accepted without a written guarantee",
           "the {w} had been delayed by the events of the summer",
           "further {w} were needed before the conference",
           "the proposal showed a lack of {w} on both sides",
           "the {w} of the troops was a matter for the generals",
           "every {w} in the region would follow the outcome closely"]

class Lcg:
    def __init__(self, seed):
        self.x = seed
    def next(self, n):
        self.x = (self.x * 6364136223846793005 + 1442695040888963407) % 2**64
        return (self.x >> 33) % n

def paragraph(r, sentences):
    out = []
    for _ in range(sentences):
        w = LONG[r.next(len(LONG))].replace("-", SHY)
        s = f"{SUBJECTS[r.next(len(SUBJECTS))]} {VERBS[r.next(len(VERBS))]} " \
            + CLAUSES[r.next(len(CLAUSES))].format(w=w) + "."
        out.append(s)
    return " ".join(out)

HEAD = "Memorandum of Conversation \u2014 Confidential"

def fodt(blocks, indented, header=True):
    if indented:
        para = 'fo:margin-top="0cm" fo:margin-bottom="0cm" fo:text-indent="0.75cm"'
    else:
        para = 'fo:margin-top="0cm" fo:margin-bottom="0.3cm"'
    master = ""
    if header:
        master = (f'<style:header><text:p text:style-name="Furniture">{escape(HEAD)}</text:p></style:header>'
                  '<style:footer><text:p text:style-name="Furniture">Page <text:page-number '
                  'text:select-page="current">1</text:page-number></text:p></style:footer>')
    body = []
    for kind, text in blocks:
        if kind == "h":
            body.append(f'<text:h text:style-name="Head" text:outline-level="1">{escape(text)}</text:h>')
        else:
            body.append(f'<text:p text:style-name="Body">{escape(text)}</text:p>')
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:font-face-decls><style:font-face style:name="Liberation Serif" svg:font-family="'Liberation Serif'" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"/></office:font-face-decls>
<office:styles>
<style:style style:name="Body" style:family="paragraph"><style:paragraph-properties {para} fo:text-align="justify"/><style:text-properties style:font-name="Liberation Serif" fo:font-size="11pt" fo:language="en" fo:country="US"/></style:style>
<style:style style:name="Head" style:family="paragraph"><style:paragraph-properties fo:margin-top="0.4cm" fo:margin-bottom="0.3cm" fo:keep-with-next="always"/><style:text-properties style:font-name="Liberation Serif" fo:font-size="14pt" fo:font-weight="bold"/></style:style>
<style:style style:name="Furniture" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties style:font-name="Liberation Serif" fo:font-size="9pt"/></style:style>
</office:styles>
<office:automatic-styles>
<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="1.5cm" fo:margin-bottom="1.5cm" fo:margin-left="2.5cm" fo:margin-right="2.5cm"/>
<style:header-style><style:header-footer-properties fo:min-height="0.5cm" fo:margin-bottom="0.6cm"/></style:header-style>
<style:footer-style><style:header-footer-properties fo:min-height="0.5cm" fo:margin-top="0.6cm"/></style:footer-style></style:page-layout>
</office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">{master}</style:master-page></office:master-styles>
<office:body><office:text>
{chr(10).join(body)}
</office:text></office:body>
</office:document>
'''

def known_text(blocks):
    # The text as a reader sees it: soft hyphens are invisible.
    return "\n\n".join(t.replace(SHY, "") for _, t in blocks) + "\n"

def write(name, blocks, indented):
    with open(name + ".fodt", "w", encoding="utf-8") as f:
        f.write(fodt(blocks, indented))
    with open(name + ".txt", "w", encoding="utf-8") as f:
        f.write(known_text(blocks))

def memo(seed, paragraphs):
    r = Lcg(seed)
    blocks = [("h", "Record of a Conversation on the Armistice")]
    for i in range(paragraphs):
        if i and i % 6 == 0:
            blocks.append(("h", f"Part {i // 6 + 1}"))
        blocks.append(("p", paragraph(r, 3 + r.next(5))))
    return blocks

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "scanned":
        pass
    elif len(sys.argv) > 1 and sys.argv[1] == "long":
        write(sys.argv[2], memo(7, 2700), False)
    else:
        write("memo", memo(1, 24), False)
        write("indented", memo(2, 14), True)

def scanned(png, out):
    """A page that is only a picture of text (as a scanner makes it)."""
    import base64
    data = base64.b64encode(open(png, "rb").read()).decode()
    frame = ('<text:p text:style-name="Body"><draw:frame xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
             'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" text:anchor-type="paragraph" '
             'svg:width="16cm" svg:height="22cm"><draw:image><office:binary-data>'
             + data + '</office:binary-data></draw:image></draw:frame></text:p>')
    doc = fodt([], False, header=False).replace("\n\n</office:text>", "\n" + frame + "\n</office:text>")
    with open(out + ".fodt", "w", encoding="utf-8") as f:
        f.write(doc)

if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "scanned":
    scanned(sys.argv[2], sys.argv[3])
