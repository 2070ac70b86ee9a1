"""The analysis stages over a batch of cleaned articles: NLP, incidents, claims, propaganda.

One spaCy pass (``nlp.pipe``) covers the bodies and comments of the whole batch. A stage that
fails on one article (a bug meeting odd input) costs that article that stage only: the failure
is reported as a warning and the document is still stored.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

from corroborator.clean import text_for_analysis
from corroborator.records import (
    Analysis,
    Article,
    Claim,
    Comment,
    Incident,
    SourceType,
    Span,
    TechniqueSpan,
    TextMap,
)

LOGGER = logging.getLogger(__name__)
T = TypeVar("T")


def _guard(warnings: list[str], stage: str, article: Article, fn: Callable[[], T], default: T) -> T:
    try:
        return fn()
    # A stage bug must not lose the document or stop the run: record it and go on.
    except Exception as exc:  # noqa: BLE001
        LOGGER.warning("%s: %s stage failed: %r", article.doc.provenance.describe(), stage, exc)
        warnings.append(f"{stage} stage failed ({exc.__class__.__name__}: {exc})")
        return default


def analyse_articles(articles: Sequence[Article]) -> list[Analysis]:
    """One ``Analysis`` per article."""
    from corroborator.claims import extract_claims
    from corroborator.incidents import extract_incidents
    from corroborator.incidents.casualties import headline_fatalities
    from corroborator.incidents.consolidate import fold_comments
    from corroborator.nlp import parse_texts

    texts: list[str] = []
    for art in articles:
        texts.append(art.body.text)
        texts.extend(c.text.text for c in art.comments)
    docs = iter(parse_texts(texts))
    out = []
    for art in articles:
        warnings: list[str] = []
        doc_id = art.doc.doc_id
        body_doc = next(docs)
        comment_docs = [next(docs) for _ in art.comments]
        incidents: list[Incident] = _guard(warnings, "incidents", art, lambda: list(extract_incidents(
            body_doc, art.body, doc_id=doc_id, published=art.published, id_prefix=f"{doc_id}-")), [])
        country = _main_country(incidents)
        thread: list[Incident] = []
        for c, cdoc in zip(art.comments, comment_docs):
            thread += _guard(warnings, "incidents", art, lambda c=c, cdoc=cdoc: list(extract_incidents(
                cdoc, c.text, doc_id=doc_id, published=art.published, in_comment=True,
                id_prefix=f"{doc_id}-k{c.index}-", context_country=country)), [])
        incidents = _guard(warnings, "incidents", art, lambda: fold_comments(incidents, thread, headline_fatalities),
                           incidents + thread)
        claims: list[Claim] = _guard(warnings, "claims", art, lambda: list(extract_claims(
            body_doc, art.body, doc_id=doc_id, incidents=incidents, id_prefix=f"{doc_id}-")), [])
        for c, cdoc in zip(art.comments, comment_docs):
            claims += _guard(warnings, "claims", art, lambda c=c, cdoc=cdoc: [
                _as_reader(claim, c) for claim in extract_claims(
                    cdoc, c.text, doc_id=doc_id, in_comment=True, incidents=incidents,
                    id_prefix=f"{doc_id}-k{c.index}-")], [])
        text = text_for_analysis(art)
        techniques, signals = _guard(warnings, "propaganda", art, lambda: _propaganda(text, doc_id, claims),
                                     ((), None))
        for c in art.comments:  # reader comments argue too; their spans count, not in the article's signals
            techniques += _guard(warnings, "propaganda", art,
                                 lambda c=c: _propaganda(c.text, doc_id, ())[0], ())
        out.append(Analysis(tuple(incidents), tuple(claims), techniques, signals, tuple(warnings)))
    return out


#: First-person words that, as the source of a claim in a reader comment, mean the commenter.
_FIRST_PERSON = frozenset({"i", "me", "we", "us", "my", "myself"})


def _as_reader(claim: Claim, comment: Comment) -> Claim:
    """A claim a commenter makes in the first person ("I saw ...") has the commenter as source."""
    if not claim.chain or claim.chain[0].mention.strip().lower() not in _FIRST_PERSON:
        return claim
    first = dataclasses.replace(claim.chain[0], name=f"{comment.author or 'a reader'} (commenter)",
                                type=SourceType.PERSON, rule_id="analysis.source.commenter")
    return dataclasses.replace(claim, chain=(first, *claim.chain[1:]))


def _main_country(incidents: Sequence[Incident]) -> str | None:
    for inc in incidents:
        if inc.place is not None and inc.place.country:
            return inc.place.country
    return None


def _propaganda(text: TextMap, doc_id: str, claims: Sequence[Claim]):
    from corroborator.propaganda import article_signals, find_techniques

    local = find_techniques(text.text, doc_id)
    own = [c for c in claims if not c.in_comment]
    unattributed = sum(1 for c in own if not c.chain) / len(own) if own else None
    signals = article_signals(text.text, local, unattributed_share=unattributed)
    raw = tuple(dataclasses.replace(t, span=_raw(text, t.span)) for t in local)
    return raw, signals


def _raw(text: TextMap, span: Span) -> Span:
    return text.raw_span(span.start, span.end)


__all__ = ["analyse_articles", "TechniqueSpan"]
