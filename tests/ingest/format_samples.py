"""Small documents written for the tests, in every input format (shared by ingest, store and CLI tests)."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

LEGACY_TEXT = (
    "Minister’s statement on the harbour closure\n\n"
    "The minister’s statement — issued on Monday — said the café on the quay would stay shut “until further notice”.\n"
    "Fishermen said the closure cost them a week’s catch, and the coöperative asked for compensation.\n"
    "Officials did not say when the breakwater repairs would begin.\n"
)

LATIN1_TEXT = (
    "Le café de la gare a rouvert\n\n"
    "Le café de la gare, près du pont, a rouvert ses portes après trois semaines de travaux.\n"
    "Les habitués ont salué le retour du patron, qui a promis des prix inchangés.\n"
    "La mairie a précisé que la rue resterait piétonne jusqu'à la fin de l'été.\n"
)

COMMENT_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Harbour reopens after storm damage | Coastline Courier</title>
<meta property="og:site_name" content="Coastline Courier">
<meta property="og:title" content="Harbour reopens after storm damage">
<meta property="article:published_time" content="2021-03-14T09:30:00+00:00">
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav></header>
<main><article>
<h1>Harbour reopens after storm damage</h1>
<p>The northern harbour reopened to fishing boats on Sunday, two weeks after a winter storm tore away part of the breakwater and sank three moored trawlers.</p>
<p>Engineers from the port authority worked in shifts to clear debris from the channel, and divers inspected the pier foundations before the first boats were allowed back in.</p>
<p>&ldquo;We lost a fortnight of catch, but the boats are whole and the crews are safe,&rdquo; said the head of the local fishing cooperative, adding that prices at the market had doubled during the closure.</p>
<p>The authority said repairs to the breakwater would continue until the summer &amp; that larger cargo ships would be diverted to the southern port until then.</p>
</article>
<section id="comments" class="comments-area">
<h3>3 comments</h3>
<ol class="comment-list">
 <li id="comment-11" class="comment depth-1">
  <article class="comment-body">
   <footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Marlow Teague</b> <span class="says">says:</span></div>
   <div class="comment-metadata"><time datetime="2021-03-14T11:02:00+00:00">March 14, 2021 at 11:02 am</time></div></footer>
   <div class="comment-content"><p>Good to see the boats back out. The breakwater should have been raised years ago.</p></div>
  </article>
  <ol class="children">
   <li id="comment-12" class="comment depth-2">
    <article class="comment-body">
     <footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Ines Varga</b> <span class="says">says:</span></div>
     <div class="comment-metadata"><time datetime="2021-03-14T12:40:00+00:00">March 14, 2021 at 12:40 pm</time></div></footer>
     <div class="comment-content"><p>Raised with what money? The port budget was cut twice in five years.</p></div>
    </article>
   </li>
  </ol>
 </li>
 <li id="comment-13" class="comment depth-1">
  <article class="comment-body">
   <footer class="comment-meta"><div class="comment-author vcard"><b class="fn">Oskar Lind</b> <span class="says">says:</span></div>
   <div class="comment-metadata"><time datetime="2021-03-15T08:15:00+00:00">March 15, 2021 at 8:15 am</time></div></footer>
   <div class="comment-content"><p>My cousin lost his trawler in that storm. Nobody from the authority has called him yet.</p></div>
  </article>
 </li>
</ol>
</section>
</main>
<footer><p>&copy; 2021 Coastline Courier. All rights reserved.</p></footer>
</body></html>
"""

COMMENT_AUTHORS = ["Marlow Teague", "Ines Varga", "Oskar Lind"]
COMMENT_DEPTHS = [0, 1, 0]

JSONL_ROWS = [
    {"headline": "Grain depot reopens in the river town", "article_text": "The grain depot in the river town reopened "
     "on Thursday after a month of repairs, the district office said. Farmers queued from dawn to sell their harvest.",
     "link": "https://www.river-daily.example/news/depot", "publisher": "River Daily", "publish_date": "2022-09-08"},
    {"headline": "Bridge inspection finds cracks", "article_text": "Inspectors found cracks in two supports of the old "
     "road bridge, the transport office said on Friday, and closed it to lorries until repairs are made.",
     "link": "https://news.bridgewatch.example/a/77", "publish_date": "9 September 2022"},
]


def warc_bytes(gz: bool = False) -> bytes:
    """A WARC with a warcinfo record, a request, two HTML responses and one image response."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    writer.write_record(writer.create_warcinfo_record("crawl.warc", {"software": "tests"}))
    pages = [("https://www.valley-post.example/2020/05/dam", "Dam spillway opened after heavy rain",
              "Engineers opened the spillway of the valley dam on Tuesday after three days of heavy rain raised "
              "the reservoir to its highest level in a decade. Villages downstream were told to move livestock."),
             ("https://valley-post.example/2020/05/school", "School term delayed by a week",
              "The district school board delayed the start of term by a week so that classrooms damaged by the "
              "flood could be dried out and repainted, a spokeswoman said.")]
    for url, title, text in pages:
        req = writer.create_warc_record(url, "request", payload=io.BytesIO(b""),
                                        http_headers=StatusAndHeaders("GET / HTTP/1.1", [("Host", "x")],
                                                                      is_http_request=True))
        writer.write_record(req)
        html = (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
                + "".join(f"<p>{text} (Paragraph {i}.)</p>" for i in range(3)) + "</article></body></html>")
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode()),
                                                      http_headers=headers))
    img = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record("https://www.valley-post.example/logo.png", "response",
                                                  payload=io.BytesIO(b"\x89PNG\r\n\x1a\n" + bytes(200)),
                                                  http_headers=img))
    return buf.getvalue()


def write_corpus(folder: Path, gz: bool = False) -> dict[str, Path]:
    """One file per format (gzipped if ``gz``); returns role -> path."""
    folder.mkdir(parents=True, exist_ok=True)

    def put(name: str, data: bytes) -> Path:
        path = folder / (name + (".gz" if gz else ""))
        path.write_bytes(gzip.compress(data, mtime=0) if gz else data)
        return path

    files = {
        "cp1252": put("statement_cp1252.txt", LEGACY_TEXT.encode("cp1252")),
        "latin1": put("cafe_latin1.txt", LATIN1_TEXT.encode("latin-1")),
        "utf16": put("statement_utf16.txt", LEGACY_TEXT.encode("utf-16")),
        "utf8bom": put("statement_bom.txt", b"\xef\xbb\xbf" + LEGACY_TEXT.replace("Officials", "Port officials").encode()),
        "html": put("harbour.html", COMMENT_PAGE.encode()),
        "jsonl": put("feed.jsonl", "\n".join(json.dumps(r) for r in JSONL_ROWS).encode() + b"\n"),
        "csv": put("wire.csv", (
            "id,headline,content,source,date,link\n"
            "w1,Ferry fares frozen for the winter,\"The ferry company froze fares for the winter, its director said, "
            "after complaints from island residents.\nThe freeze runs until March.\",Island Wire,03/14/2021,"
            "https://islandwire.example/f1\n"
            "w2,Lighthouse keeper retires,\"The last keeper of the north lighthouse retired on Saturday after "
            "thirty years, the maritime office said.\",Island Wire,2021-03-20,https://islandwire.example/f2\n"
        ).encode()),
    }
    if not gz:
        files["warc"] = put("crawl.warc", warc_bytes(False))
    else:
        path = folder / "crawl.warc.gz"
        path.write_bytes(warc_bytes(True))
        files["warc"] = path
    return files
