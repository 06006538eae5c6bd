#!/usr/bin/env python3
"""Write one memorandum (memo.txt, a text written for these tests) in the forms
archives deliver it: a saved archive record page with navigation, sidebar and
footer (record.html), TEI P5 (memo.xml), Markdown (memo.md) and a Flat ODT
(memo.fodt) that LibreOffice turns into memo.docx and memo.pdf (A5 pages,
justified 13 pt, a running header and a page-number footer on every page,
soft hyphens so some words break at line ends). Deterministic.

    python3 make.py
    soffice --headless --convert-to pdf memo.fodt
    soffice --headless --convert-to docx memo.fodt
"""
import sys, textwrap
from xml.sax.saxutils import escape
blocks = [b.strip() for b in open("memo.txt").read().split("\n\n") if b.strip()]
def kind(i, b):
    if i == 0: return "title"
    return "h" if len(b) < 40 and not b.endswith(".") else "p"
SHY = "\u00ad"
BREAKS = {"reconstruction": "re-con-struc-tion", "understanding": "un-der-stand-ing",
          "inclination": "in-cli-na-tion", "specialists": "spe-cial-ists",
          "announcement": "an-nounce-ment", "composition": "com-po-si-tion",
          "duplicating": "du-pli-cat-ing", "breakwater": "break-wa-ter",
          "candidates": "can-di-dates", "institutes": "in-sti-tutes",
          "commission": "com-mis-sion", "interpreter": "in-ter-pret-er",
          "conversation": "con-ver-sa-tion", "priorities": "pri-or-i-ties",
          "construction": "con-struc-tion", "repayment": "re-pay-ment"}
def shy(t):
    for w, b in BREAKS.items():
        t = t.replace(w, b.replace("-", SHY))
    return t
# ---- fodt (for docx and pdf)
body = []
for i, b in enumerate(blocks):
    k = kind(i, b)
    if k == "title": body.append(f'<text:h text:style-name="Title1" text:outline-level="1">{escape(b)}</text:h>')
    elif k == "h": body.append(f'<text:h text:style-name="Head2" text:outline-level="2">{escape(b)}</text:h>')
    else: body.append(f'<text:p text:style-name="Body">{escape(shy(b))}</text:p>')
fodt = f'''<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta><dc:title>Memorandum of a Conversation at the Foreign Ministry</dc:title><meta:initial-creator>Embassy Counsellor</meta:initial-creator></office:meta>
<office:font-face-decls><style:font-face style:name="Liberation Serif" svg:font-family="'Liberation Serif'"/></office:font-face-decls>
<office:styles>
<style:style style:name="Body" style:family="paragraph"><style:paragraph-properties fo:margin-top="0cm" fo:margin-bottom="0.35cm" fo:text-align="justify" fo:line-height="130%"/><style:text-properties style:font-name="Liberation Serif" fo:font-size="13pt" fo:language="en" fo:country="GB"/></style:style>
<style:style style:name="Title1" style:family="paragraph" style:default-outline-level="1"><style:paragraph-properties fo:margin-bottom="0.5cm" fo:text-align="center"/><style:text-properties style:font-name="Liberation Serif" fo:font-size="17pt" fo:font-weight="bold"/></style:style>
<style:style style:name="Head2" style:family="paragraph" style:default-outline-level="2"><style:paragraph-properties fo:margin-top="0.4cm" fo:margin-bottom="0.3cm" fo:keep-with-next="always"/><style:text-properties style:font-name="Liberation Serif" fo:font-size="15pt" fo:font-weight="bold"/></style:style>
<style:style style:name="Furniture" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties style:font-name="Liberation Serif" fo:font-size="9pt"/></style:style>
</office:styles>
<office:automatic-styles>
<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="14.8cm" fo:page-height="21cm" fo:margin-top="1.2cm" fo:margin-bottom="1.2cm" fo:margin-left="2cm" fo:margin-right="2cm"/>
<style:header-style><style:header-footer-properties fo:min-height="0.5cm" fo:margin-bottom="0.5cm"/></style:header-style>
<style:footer-style><style:header-footer-properties fo:min-height="0.5cm" fo:margin-top="0.5cm"/></style:footer-style></style:page-layout>
</office:automatic-styles>
<office:master-styles><style:master-page style:name="Standard" style:page-layout-name="pm1">
<style:header><text:p text:style-name="Furniture">Embassy Records, Series B — Secret</text:p></style:header>
<style:footer><text:p text:style-name="Furniture">– <text:page-number text:select-page="current">1</text:page-number> –</text:p></style:footer>
</style:master-page></office:master-styles>
<office:body><office:text>
{chr(10).join(body)}
</office:text></office:body></office:document>'''
open("memo.fodt", "w").write(fodt)
# ---- markdown
md = []
for i, b in enumerate(blocks):
    k = kind(i, b)
    if k == "title": md.append("# " + b)
    elif k == "h": md.append("## " + b)
    else: md.append(textwrap.fill(b, 72))
open("memo.md", "w").write("\n\n".join(md) + "\n")
# ---- TEI
tei = []
divs_open = False
for i, b in enumerate(blocks):
    k = kind(i, b)
    if k == "title": tei.append(f'<head>{escape(b)}</head>')
    elif k == "h":
        if divs_open: tei.append("</div>")
        tei.append(f'<div type="section"><head>{escape(b)}</head>'); divs_open = True
    else:
        tei.append("<p>" + escape(textwrap.fill(b, 80)).replace("Deputy Minister", '<persName ref="#dm">Deputy Minister</persName>', 1) + "</p>")
if divs_open: tei.append("</div>")
open("memo.xml", "w").write(f'''<?xml version="1.0" encoding="UTF-8"?>
<TEI xmlns="http://www.tei-c.org/ns/1.0">
<teiHeader><fileDesc><titleStmt><title>Memorandum of a Conversation at the Foreign Ministry</title></titleStmt>
<publicationStmt><p>Written for a test.</p></publicationStmt><sourceDesc><p>Embassy records.</p></sourceDesc></fileDesc></teiHeader>
<text><body><div type="document"><dateline><date when="1956-08-14"/></dateline>
''' + "\n".join(tei) + "\n</div></body></text></TEI>\n")
# ---- HTML page
art = []
for i, b in enumerate(blocks):
    k = kind(i, b)
    if k == "title": art.append(f"<h1>{escape(b)}</h1>")
    elif k == "h": art.append(f"<h2>{escape(b)}</h2>")
    else: art.append("<p>" + escape(b).replace("'", "&#39;").replace(" & ", " &amp; ") + "</p>")
html = f'''<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Memorandum of a Conversation at the Foreign Ministry | Digital Archive</title>
<meta name="citation_title" content="Memorandum of a Conversation at the Foreign Ministry">
<meta name="citation_date" content="1956/08/14">
<meta name="DC.creator" content="Embassy Counsellor">
<meta property="og:site_name" content="Digital Archive">
<link rel="stylesheet" href="site.css"><script>window.dataLayer=[];function gtag(){{}}</script>
</head><body>
<div class="skip"><a href="#content">Skip to main content</a></div>
<header class="site-header"><div class="logo">Digital Archive</div><p class="tagline">International History Declassified</p>
<form class="search"><input type="text" placeholder="Search the archive"><button>Search</button></form></header>
<nav class="main-nav"><ul><li><a href="/">Home</a></li><li><a href="/collections">Collections</a></li><li><a href="/topics">Topics</a></li><li><a href="/about">About the archive</a></li><li><a href="/donate">Support our work</a></li></ul></nav>
<div class="breadcrumbs"><a href="/">Home</a> › <a href="/collections">Collections</a> › Record 204417</div>
<div class="layout">
<div class="record">
<div class="record-meta"><span class="date">August 14, 1956</span></div>
<div class="record-body">
{chr(10).join(art)}
</div>
<div class="share">Share this document: <a href="#">Email</a> <a href="#">Print</a></div>
</div>
<aside class="sidebar"><h3>Related documents</h3><ul><li><a href="/r/1">Record of a talk with the trade attaché, July 1956</a></li><li><a href="/r/2">Note on railway credits for the northern provinces</a></li><li><a href="/r/3">Telegram from the Embassy on the grain shipments</a></li></ul>
<h3>Subjects</h3><ul><li>Economic aid</li><li>Reconstruction</li><li>Ports and shipping</li></ul></aside>
</div>
<footer class="site-footer"><p>The Digital Archive is a project of the History Programme. All rights reserved for the translations and the editorial matter.</p><p>Contact us · Privacy policy · Terms of use · Accessibility statement</p></footer>
</body></html>
'''
open("record.html", "w").write(html)
