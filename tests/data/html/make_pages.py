"""Write the HTML pages used to compare gloss's HTML extractor with
trafilatura (benches/html_vs_trafilatura.py). Every text here is written for
glossator's tests (no third-party text). Run: python3 make_pages.py"""
P = [
 "The ambassador received Nam Il at eleven o'clock, at the minister's request, and the conversation lasted about an hour.",
 "Nam Il said that the government had studied the proposal for a conference with care, and that it saw no reason to delay a reply.",
 "He added that the harvest had been poor in the northern provinces, and that grain deliveries from abroad were now expected in August.",
 "The ambassador replied that his government would consider the request, but that no promise could be given before the plenary session.",
 "In the afternoon the delegation met the committee, which asked for a written summary of the morning's talks by the end of the week.",
 "The minister closed the meeting by thanking the ambassador, and by saying that relations between the two parties had never been better.",
 "A note in the margin, in another hand, says that the summary was sent to Moscow on the twenty-sixth, with a copy kept in the embassy.",
 "Readers of the record will notice that the date of the second meeting is given twice, once in the heading and once, differently, in the text.",
]
HEAD = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{t}</title>{m}<style>body{{font:14px serif}}</style><script>var tracker = "<p>not text</p>";</script></head><body>'
NAV = '<nav class="site-nav"><ul><li><a href="/">Home</a></li><li><a href="/collections">Collections</a></li><li><a href="/search">Search</a></li><li><a href="/about">About us</a></li></ul></nav>'
FOOT = '<footer><p>Copyright 2026 The Example Archive. All rights reserved.</p><p><a href="/privacy">Privacy</a> | <a href="/terms">Terms of use</a></p></footer></body></html>'
def ps(idx): return "".join(f"<p>{P[i]}</p>\n" for i in idx)
pages = {
 "archive-record.html": HEAD.format(t="Record of a Conversation with Nam Il", m='<meta name="citation_title" content="Record of a Conversation with Nam Il"><meta name="citation_date" content="1956/07/24"><meta name="DC.publisher" content="The Example Archive">')
   + '<header class="masthead"><a href="/">The Example Archive</a><form role="search"><input name="q"></form></header>' + NAV
   + '<div class="breadcrumb"><a href="/">Home</a> &gt; <a href="/c/korea">Korea</a> &gt; Record</div>'
   + '<main><article><h1>Record of a Conversation with Nam Il</h1><div class="meta">July 24, 1956</div>' + ps([0,1,2,3]) + '<h2>Citation</h2><p>Record of a Conversation with Nam Il, 24 July 1956, The Example Archive, Fond 5, Opis 28, Delo 412.</p></article></main>'
   + '<aside class="related"><h3>Related documents</h3><ul><li><a href="/r/1">Record of 12 March 1957</a></li><li><a href="/r/2">Letter of 2 August 1956</a></li></ul></aside>' + FOOT,
 "archive-record-table.html": HEAD.format(t="Document 412", m='<meta name="DC.title" content="Memorandum on grain deliveries"><meta name="DC.date" content="1956-08-02">')
   + NAV + '<div id="content"><h1>Memorandum on grain deliveries</h1><table class="record"><tr><th>Date</th><td>2 August 1956</td></tr><tr><th>Source</th><td>Embassy files</td></tr></table>'
   + ps([2,4,6]) + '</div><div id="sidebar"><p>Browse by country</p><ul><li>Korea</li><li>China</li></ul></div>' + FOOT,
 "news-article.html": HEAD.format(t="Talks resume in the capital", m='<meta property="og:title" content="Talks resume in the capital"><meta property="og:url" content="https://news.example.org/2026/talks"><meta property="article:published_time" content="2026-11-30T08:00:00Z">')
   + '<header><div class="logo">The Example Herald</div>' + NAV + '</header><div class="cookie-banner">We use cookies to improve your experience. <button>Accept</button></div>'
   + '<article><h1>Talks resume in the capital</h1><p class="byline">By A. Reporter</p>' + ps([0,1,4,5]) + '<blockquote>We saw no reason to delay a reply, the minister said.</blockquote>' + ps([3]) + '</article>'
   + '<div class="share"><a href="#">Share on social media</a></div><aside><h3>Most read</h3><ol><li>Harvest poor in the north</li><li>Committee asks for summary</li></ol></aside>' + FOOT,
 "wiki-page.html": HEAD.format(t="Armistice talks - Example Wiki", m='')
   + '<div id="mw-navigation"><ul><li>Main page</li><li>Random article</li><li>Recent changes</li></ul></div>'
   + '<div id="bodyContent"><h1>Armistice talks</h1><div id="toc"><ul><li>1 Background</li><li>2 The talks</li></ul></div>'
   + '<h2>Background</h2>' + ps([1,2]) + '<h2>The talks</h2>' + ps([3,4,5]) + '<ul><li>First session: July 1956</li><li>Second session: August 1956</li></ul>'
   + '<h2>References</h2><ol class="references"><li>Example Archive, Fond 5, Opis 28.</li></ol></div>'
   + '<div id="footer"><p>This page was last edited on 30 November 2026.</p><p>Text is available under the Example License.</p></div></body></html>',
 "blog-sidebar.html": HEAD.format(t="Reading a 1956 memorandum | Notes from the archive", m='<meta name="author" content="A. Historian">')
   + '<header><h1 class="site-title">Notes from the archive</h1>' + NAV + '</header><div class="wrapper"><div class="post"><h2>Reading a 1956 memorandum</h2><p class="date"><time datetime="2026-11-02">2 November 2026</time></p>'
   + ps([7,0,6]) + '<p>What follows is my reading of the record, paragraph by paragraph, with the questions it leaves open.</p>' + ps([1,3]) + '</div>'
   + '<div class="sidebar"><h3>About me</h3><p>I write about archives, diplomacy and the documents historians argue over.</p><h3>Archives</h3><ul><li>November 2026</li><li>October 2026</li></ul><h3>Tags</h3><p>diplomacy, korea, sources</p></div></div>'
   + '<div class="comments"><h3>2 comments</h3><p>Great post!</p><p>Thanks for sharing.</p></div>' + FOOT,
 "finding-aid.html": HEAD.format(t="Finding aid: Embassy papers", m='<meta name="DC.title" content="Embassy papers, 1953-1960"><meta name="DC.creator" content="The Example Archive">')
   + NAV + '<main><h1>Embassy papers, 1953-1960</h1><h2>Scope and content</h2>' + ps([6,7]) + '<h2>Series</h2><dl><dt>Series 1</dt><dd>Records of conversations, 1953-1957.</dd><dt>Series 2</dt><dd>Correspondence with the ministry, 1956-1960.</dd></dl>'
   + '<h2>Access</h2><p>The papers are open to researchers by appointment, in the reading room on the second floor.</p></main>' + FOOT,
 "transcript-br.html": HEAD.format(t="Transcript", m='')
   + NAV + '<div class="content"><h1>Transcript of the plenary session</h1><p>NAM IL: We have studied the proposal.<br>AMBASSADOR: And your reply?<br>NAM IL: There is no reason to delay it.</p>'
   + ps([4,5]) + '<pre>  Item 1. Opening\n  Item 2. Grain deliveries</pre></div><div class="footer-links"><a href="/">Home</a> <a href="/contact">Contact</a></div></body></html>',
 "hidden-and-noise.html": HEAD.format(t="A page with hidden parts", m='<meta name="citation_author" content="Example, A.">')
   + '<div role="banner">Example Archive</div><div role="navigation"><a href="/">Home</a> <a href="/x">Browse</a></div>'
   + '<div id="main-content"><h1>Minutes of the committee</h1>' + ps([4,3]) + '<p hidden>Internal note: do not publish.</p><div style="display: none"><p>Print-only header.</p></div><p aria-hidden="true">Decorative text.</p>' + ps([5]) + '<noscript><p>Enable JavaScript.</p></noscript></div>'
   + '<div class="newsletter"><p>Subscribe to our newsletter for monthly updates from the reading room.</p></div>' + FOOT,
}
for name, html in pages.items():
    open(name, "w").write(html + "\n")
print(len(pages), "pages")
