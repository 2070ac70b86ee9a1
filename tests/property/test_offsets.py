"""``TextMap.raw_span`` of any body or comment substring points at raw text with the same characters."""

from __future__ import annotations

import html as html_lib
import os
import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from corroborator.clean import clean
from corroborator.records import Article, InputFormat, Provenance, RawDocument, TextMap

# Examples per property; raise for a deep run: CORROBORATOR_HYPOTHESIS_EXAMPLES=2000 pytest tests/property
EXAMPLES = int(os.environ.get("CORROBORATOR_HYPOTHESIS_EXAMPLES", "40"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

WORDS = ["harbour", "bridge", "council", "river", "convoy", "said", "the", "on", "Monday", "after", "repairs",
         "village", "café", "résumé", "naïve", "“quoted”", "it’s", "—", "3", "2021", "Officials", "were", "north"]
ENTITIES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'", "&eacute;": "é", "&#8217;": "’",
            "&ldquo;": "“", "&rdquo;": "”", "&nbsp;": "\u00a0", "&#x2014;": "—"}

sentences = st.lists(st.sampled_from(WORDS), min_size=4, max_size=18).map(lambda ws: " ".join(ws).capitalize() + ".")


def check_substring(tm: TextMap, raw: str, start: int, end: int, entities: bool) -> None:
    """Every character of ``tm.text[start:end]`` with a raw position is found there, inside the span."""
    span = tm.raw_span(start, end)
    assert 0 <= span.start <= span.end <= len(raw)
    last = -1
    for c0, r0, n in tm.runs:
        for i in range(max(c0, start), min(c0 + n, end)):
            r = r0 + (i - c0)
            assert span.start <= r < span.end, (i, r, span)
            assert r >= last  # characters keep their order
            last = r
            ch = tm.text[i]
            if raw[r] == ch:
                continue
            assert entities and raw[r] == "&", (ch, raw[r:r + 10])
            entity = re.match(r"&#?\w+;", raw[r:])
            assert entity and html_lib.unescape(entity.group(0)) == ch, (ch, raw[r:r + 10])
    # the substring's non-space characters appear, in order, in the raw slice (entities decoded)
    piece = raw[span.start:span.end]
    if entities:
        # an entity maps to its first raw character ("&"), so a span ending on one stops after the "&":
        # read the entity to its end before decoding (see the TextBuilder.add_at contract)
        tail = re.match(r"[#\w]*;", raw[span.end:])
        if re.search(r"&#?\w*$", piece) and tail:
            piece += tail.group(0)
        piece = html_lib.unescape(re.sub(r"<[^>]*>", " ", piece))
    want = [c for c in tm.text[start:end] if not c.isspace()]
    it = iter(piece)
    assert all(c in it for c in want), (tm.text[start:end], raw[span.start:span.end])


def _all_texts(article: Article) -> list[TextMap]:
    return [article.body, *(c.text for c in article.comments)]


@SETTINGS
@given(title=sentences, paras=st.lists(st.lists(sentences, min_size=1, max_size=4), min_size=1, max_size=5),
       comments=st.lists(st.tuples(st.sampled_from(["Ann Lee", "Bo", "Kit Marr"]), sentences), max_size=4),
       indent=st.sampled_from(["", "  "]), crlf=st.booleans(), data=st.data())
def test_plain_text_offsets(title, paras, comments, indent, crlf, data) -> None:
    parts = [title.rstrip("."), ""]
    for para in paras:
        parts += [indent + s for s in para] + [""]
    if len(comments) >= 2:
        parts += [f"{len(comments)} comments", ""]
        for author, text in comments:
            parts += [f"{author} says:", text, "Reply", ""]
    raw = "\n".join(parts)
    if crlf:
        raw = raw.replace("\n", "\r\n")
    doc = RawDocument("p", "p.txt", Provenance("p.txt"), InputFormat.TEXT, raw)
    article = clean(doc).article
    for tm in _all_texts(article):
        if not tm.text:
            continue
        start = data.draw(st.integers(0, len(tm.text) - 1))
        end = data.draw(st.integers(start + 1, len(tm.text)))
        check_substring(tm, raw, start, end, entities=False)
        check_substring(tm, raw, 0, len(tm.text), entities=False)


def _html_para(words: list[str], ents: list[str]) -> str:
    out = []
    for i, w in enumerate(words):
        out.append(w)
        if i < len(ents):
            out.append(ents[i])
    return " ".join(out)


@SETTINGS
@given(paras=st.lists(st.tuples(st.lists(st.sampled_from(WORDS), min_size=12, max_size=40),
                                st.lists(st.sampled_from(sorted(ENTITIES)), max_size=6)), min_size=2, max_size=6),
       wrap=st.sampled_from(["{}", "<div>{}</div>", "<section><div class='x'>{}</div></section>"]),
       inline=st.booleans(), data=st.data())
def test_html_offsets_with_entities(paras, wrap, inline, data) -> None:
    body = []
    for words, ents in paras:
        text = _html_para(words, ents)
        if inline:
            text = text.replace(" the ", " <b>the</b> ", 1)
        body.append(f"<p>{text}.</p>")
    raw = ("<html><head><title>Harbour page</title></head><body><article><h1>Harbour page</h1>"
           + wrap.format("\n".join(body)) + "</article></body></html>")
    doc = RawDocument("h", "h.html", Provenance("h.html"), InputFormat.HTML, raw)
    article = clean(doc).article
    for tm in _all_texts(article):
        assume(tm.text)
        start = data.draw(st.integers(0, len(tm.text) - 1))
        end = data.draw(st.integers(start + 1, len(tm.text)))
        check_substring(tm, raw, start, end, entities=True)
        check_substring(tm, raw, 0, len(tm.text), entities=True)
