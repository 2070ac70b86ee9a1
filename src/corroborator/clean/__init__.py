"""Clean: split a raw document into title, body, reader comments and boilerplate.

Cascade for HTML (each step engaged only if the one before under-delivered):
1. trafilatura extracts the body and metadata; its paragraphs are located in the page's visible
   text to keep raw offsets; comment threads come from comment elements in the DOM;
2. if trafilatura fails, finds no body, or the page is nested deeper than lxml can parse, the
   page's visible text is segmented with the plain-text rules.
Plain text (and JSONL/CSV text fields) is segmented by the plain-text rules directly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from corroborator.clean.html import MAX_SAFE_DEPTH, dom_comments, map_paragraphs, visible_text
from corroborator.clean.metadata import find_date, normalise_date, outlet_from_lines, outlet_from_url
from corroborator.clean.text import segment_text
from corroborator.clean.textmap import compose
from corroborator.records import Article, Comment, InputFormat, RawDocument, Span, TextMap

LOGGER = logging.getLogger(__name__)

# Below this many body characters trafilatura is taken to have missed the article.
MIN_HTML_BODY_CHARS = 200

__all__ = ["CleanResult", "clean"]


@dataclass(frozen=True, slots=True)
class CleanResult:
    article: Article
    warnings: tuple[str, ...] = ()


def clean(raw: RawDocument) -> CleanResult:
    """Clean one document: HTML through trafilatura (with a fallback), text by the plain-text rules."""
    if raw.format is InputFormat.HTML:
        return _clean_html(raw)
    return _clean_text(raw)


def _clean_text(raw: RawDocument, base: TextMap | None = None, warnings: tuple[str, ...] = ()) -> CleanResult:
    """Segment ``raw.raw_text`` (or ``base.text``, whose map leads to the raw text)."""
    source = base.text if base is not None else raw.raw_text
    seg = segment_text(source)

    def to_raw(tm: TextMap) -> TextMap:
        return compose(tm, base) if base is not None else tm

    def span(s: Span) -> Span:
        return base.raw_span(s.start, s.end) if base is not None else s

    title_line = seg.title
    title = raw.title or (title_line.stripped if title_line else None)
    title_span = span(Span(title_line.start, title_line.end)) if title_line else None
    comments = tuple(Comment(c.index, c.author, c.posted, to_raw(c.text), c.depth,
                             span(c.span) if c.span else None, c.rule_id) for c in seg.comments)
    boilerplate = tuple(type(b)(b.kind, b.rule_id, span(b.span), b.text) for b in seg.boilerplate)
    outlet, outlet_rule = raw.outlet, "metadata" if raw.outlet else None
    if not outlet:
        outlet, outlet_rule = outlet_from_lines([b.text for b in seg.boilerplate] + list(seg.all_lines[:40]))
    if not outlet:
        outlet = next((h for h in seg.header_lines if _masthead_like(h)), None)
        outlet_rule = "meta.masthead" if outlet else None
    published, published_rule = raw.published, "metadata" if raw.published else None
    if not published:
        published, published_rule = seg.published, seg.published_rule
    article = Article(doc=raw, title=title, body=to_raw(seg.body), comments=comments, boilerplate=boilerplate,
                      outlet=outlet, published=published, title_span=title_span,
                      published_source=published_rule, outlet_source=outlet_rule)
    return CleanResult(article, warnings)


def _clean_html(raw: RawDocument) -> CleanResult:
    visible = visible_text(raw.raw_text)
    warnings: list[str] = []
    extracted = None
    if visible.depth > MAX_SAFE_DEPTH:
        warnings.append(f"HTML nested {visible.depth} elements deep; used the flat fallback extractor")
    else:
        extracted = _trafilatura(raw.raw_text, raw.url)
        if extracted is None:
            warnings.append("trafilatura could not extract this page; used the flat fallback extractor")
    body_paras: list[str] = []
    if extracted is not None and extracted.text:
        body_paras = _html_body_paragraphs(extracted.text, extracted.title or visible.title)
    body, missing = map_paragraphs(visible.text, body_paras)
    if extracted is None or len(body.text) < MIN_HTML_BODY_CHARS:
        fallback = _clean_text(raw, base=visible.text, warnings=tuple(warnings))
        art = fallback.article
        meta_title = (extracted.title if extracted is not None else None) or visible.title
        return CleanResult(_with_meta(art, raw, extracted, title=art.title or meta_title), fallback.warnings)
    if missing:
        LOGGER.debug("%s: %d extracted paragraphs not located in the page text", raw.provenance.describe(), missing)
    comments = dom_comments(raw.raw_text, visible.text)
    if not comments and extracted.comments:
        paras = [p for p in extracted.comments.split("\n") if p.strip()]
        mapped = [map_paragraphs(visible.text, [p])[0] for p in paras]
        comments = tuple(Comment(i, None, None, tm, 0, tm.raw_span(0, len(tm.text)), "html.trafilatura.comments")
                         for i, tm in enumerate(m for m in mapped if m.text))
    article = Article(doc=raw, title=raw.title or extracted.title or visible.title, body=body, comments=comments,
                      boilerplate=(), outlet=None, published=None)
    return CleanResult(_with_meta(article, raw, extracted), tuple(warnings))


def _html_body_paragraphs(text: str, title: str | None) -> list[str]:
    """Trafilatura's paragraphs without the title, header labels ("Published", a kicker) and furniture."""
    from corroborator.clean.text import match_line

    norm_title = " ".join((title or "").split())
    paras = [p.strip() for p in text.split("\n") if p.strip()]
    out: list[str] = []
    for p in paras:
        if " ".join(p.split()) == norm_title or match_line(p) is not None:
            continue
        if not out and len(p.split()) < HEADER_LABEL_WORDS and not p.endswith((".", "!", "?", "\"", "”")):
            continue  # a kicker or label above the first paragraph
        out.append(p)
    return out


# Leading paragraphs shorter than this with no sentence ending are header labels.
HEADER_LABEL_WORDS = 4


def _with_meta(article: Article, raw: RawDocument, extracted, title: str | None = None) -> Article:
    outlet, outlet_rule = article.outlet, article.outlet_source
    published, published_rule = article.published, article.published_source
    if raw.outlet:
        outlet, outlet_rule = raw.outlet, "metadata"
    elif extracted is not None and extracted.sitename:
        outlet, outlet_rule = extracted.sitename, "html.sitename"
    elif not outlet and raw.url:
        outlet, outlet_rule = outlet_from_url(raw.url), "meta.url"
    if raw.published:
        published, published_rule = raw.published, "metadata"
    elif extracted is not None and extracted.date:
        published, published_rule = normalise_date(extracted.date) or find_date(extracted.date), "html.date"
    return Article(doc=article.doc, title=title or article.title, body=article.body, comments=article.comments,
                   boilerplate=article.boilerplate, outlet=outlet, published=published,
                   title_span=article.title_span, published_source=published_rule, outlet_source=outlet_rule)


def _trafilatura(html: str, url: str | None):
    import trafilatura

    try:
        return trafilatura.bare_extraction(html, url=url, include_comments=True, with_metadata=True,
                                           favor_recall=True)
    # trafilatura and lxml raise many unrelated types on hostile markup (ValueError, RecursionError,
    # lxml errors, AttributeError from malformed trees); any of them only means "use the fallback".
    except Exception as exc:  # noqa: BLE001
        LOGGER.info("trafilatura failed on %s: %s", url or "a page", exc)
        return None


def text_for_analysis(article: Article) -> TextMap:
    """Title and body as one text (title, blank line, body), mapped to raw offsets."""
    from corroborator.clean.textmap import TextBuilder

    builder = TextBuilder()
    if article.title and article.title_span is not None:
        builder.add_raw(article.doc.raw_text, article.title_span.start, article.title_span.end)
        builder.add("\n\n")
    builder.add_mapped(article.body, 0, len(article.body.text))
    return builder.build()



# A masthead naming the outlet is short and is not a sentence, a date or a navigation row.
MASTHEAD_MAX_WORDS = 6


def _masthead_like(line: str) -> bool:
    from corroborator.clean.metadata import DATE_LINE

    return (0 < len(line.split()) <= MASTHEAD_MAX_WORDS and not line.endswith((".", "!", "?"))
            and not DATE_LINE.match(line) and "|" not in line)
