"""Benchmark ingest + clean on HTML pages against trafilatura's ``extract`` alone, in one run.

    .venv/bin/python benchmarks/ingest.py                # ~200 pages, 3 rounds
    .venv/bin/python benchmarks/ingest.py --pages 400 --rounds 5

Pages: the HTML documents of ``examples/corpus`` (files and WARC records), varied (paragraphs repeated
or cut, comment sections added or removed), plus generated pages of different lengths with
WordPress-style comment lists. Both contenders see the same page strings; ours also reads each page from
disk and decodes it (that is part of ingest). Figures: documents/s of each, and the ratio ours /
trafilatura (above 1: we are faster). The best round of each is reported (least disturbed by other load).
"""

from __future__ import annotations

import argparse
import gzip
import random
import re
import sys
import tempfile
import time
from pathlib import Path

from corroborator.clean import clean
from corroborator.ingest import ingest
from corroborator.records import InputFormat, RawDocument

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "corpus"

_WORDS = ("the harbour council said on monday that repairs to the pier would continue while residents of the "
          "river town were told to expect delays on the coast road and at the ferry terminal after the storm").split()
_NAMES = ["Ada Frey", "Bram Olsen", "Cato Lind", "Dara Quinn", "Esme Roth", "Fenn Ward", "Gus Marr"]


def example_pages() -> list[str]:
    """HTML documents of the example corpus (standalone files and WARC response records)."""
    pages: list[str] = []
    if not EXAMPLES.is_dir():
        return pages
    for item in ingest([EXAMPLES]):
        if isinstance(item, RawDocument) and item.format is InputFormat.HTML:
            pages.append(item.raw_text)
    return pages


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(n)).capitalize() + "."


def _comments_html(rng: random.Random, count: int) -> str:
    items = []
    for i in range(count):
        reply = ""
        if rng.random() < 0.3:
            reply = (f'<ol class="children"><li class="comment depth-2"><article class="comment-body">'
                     f'<div class="comment-author vcard"><b class="fn">{rng.choice(_NAMES)}</b></div>'
                     f'<time datetime="2021-03-0{1 + i % 9}T10:00">March {1 + i % 9}, 2021</time>'
                     f'<div class="comment-content"><p>{_sentence(rng, 14)}</p></div></article></li></ol>')
        items.append(f'<li class="comment depth-1"><article class="comment-body"><div class="comment-author vcard">'
                     f'<b class="fn">{rng.choice(_NAMES)}</b> <span class="says">says:</span></div>'
                     f'<time datetime="2021-03-0{1 + i % 9}T09:00">March {1 + i % 9}, 2021</time>'
                     f'<div class="comment-content"><p>{_sentence(rng, rng.randint(8, 40))}</p></div>'
                     f'</article>{reply}</li>')
    return (f'<section id="comments" class="comments-area"><h3>{count} comments</h3>'
            f'<ol class="comment-list">{"".join(items)}</ol></section>') if count else ""


def generated_page(rng: random.Random, index: int) -> str:
    """A news page: navigation, an article of 3-40 paragraphs, share links, maybe comments, a footer."""
    title = _sentence(rng, rng.randint(5, 11)).rstrip(".")
    paras = "".join(f"<p>{_sentence(rng, rng.randint(15, 45))}</p>" for _ in range(rng.randint(3, 40)))
    nav = "".join(f'<li><a href="/s/{i}">Section {i}</a></li>' for i in range(rng.randint(5, 30)))
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title} | Page {index}</title>'
            f'<meta property="og:site_name" content="Bench Courier {index % 7}">'
            f'<meta property="article:published_time" content="2021-0{1 + index % 9}-1{index % 10}T08:00:00Z">'
            f'<script>var x = {index};</script></head><body><header><nav><ul>{nav}</ul></nav></header>'
            f'<main><article><h1>{title}</h1>{paras}</article>'
            f'<div class="share">Share on Facebook Twitter Email</div>'
            f'{_comments_html(rng, rng.choice([0, 0, 3, 10, 40]))}</main>'
            f'<footer><p>&copy; 2021 Bench Courier. All rights reserved.</p></footer></body></html>')


def varied(page: str, rng: random.Random) -> str:
    """An example page with paragraphs repeated or cut, and its comment section (if any) dropped or kept."""
    paras = re.findall(r"<p\b[^>]*>.*?</p>", page, flags=re.S)
    if not paras:
        return page
    choice = rng.random()
    if choice < 0.4:
        extra = "".join(rng.choice(paras) for _ in range(rng.randint(2, 20)))
        return page.replace(paras[-1], paras[-1] + extra, 1)
    if choice < 0.7 and len(paras) > 3:
        for p in paras[rng.randint(2, len(paras) - 1):]:
            page = page.replace(p, "", 1)
        return page
    return page.replace("</main>", _comments_html(rng, rng.randint(1, 15)) + "</main>", 1) if "</main>" in page \
        else page.replace("</body>", _comments_html(rng, rng.randint(1, 15)) + "</body>", 1)


def build_pages(n: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    base = example_pages()
    pages = []
    for i in range(n):
        if base and i % 2 == 0:
            pages.append(varied(base[(i // 2) % len(base)], rng))
        else:
            pages.append(generated_page(rng, i))
    return pages


def time_ours(folder: Path) -> tuple[float, int, int]:
    started = time.perf_counter()
    docs = comments = 0
    for item in ingest([folder]):
        if isinstance(item, RawDocument):
            article = clean(item).article
            docs += 1
            comments += len(article.comments)
    return time.perf_counter() - started, docs, comments


def time_trafilatura(pages: list[str]) -> tuple[float, int]:
    import trafilatura

    started = time.perf_counter()
    found = sum(1 for page in pages if trafilatura.extract(page))
    return time.perf_counter() - started, found


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=200)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    pages = build_pages(args.pages)
    sizes = sorted(len(p) for p in pages)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for i, page in enumerate(pages):
            data = page.encode("utf-8")
            if i % 10 == 9:  # a few gzipped pages, as in scraped corpora
                (folder / f"page_{i:04d}.html.gz").write_bytes(gzip.compress(data))
            else:
                (folder / f"page_{i:04d}.html").write_bytes(data)
        time_ours(folder)  # warm-up: rule files, lazy imports, caches
        time_trafilatura(pages[:5])
        ours, theirs = [], []
        docs = comments = found = 0
        for _ in range(args.rounds):
            t, docs, comments = time_ours(folder)
            ours.append(t)
            t2, found = time_trafilatura(pages)
            theirs.append(t2)
    ours_rate, theirs_rate = len(pages) / min(ours), len(pages) / min(theirs)
    print(f"pages {len(pages)} (median {sizes[len(sizes) // 2] // 1024} KB, max {sizes[-1] // 1024} KB), "
          f"rounds {args.rounds}")
    print(f"ours (ingest + clean, with comments): {ours_rate:7.1f} docs/s  ({docs} documents, {comments} comments)")
    print(f"trafilatura.extract alone:            {theirs_rate:7.1f} docs/s  ({found} with text)")
    print(f"ratio ours / trafilatura: {ours_rate / theirs_rate:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
