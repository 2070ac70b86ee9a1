"""The claims stage: attributed statements and the outlet's own factual assertions.

``extract_claims`` runs attribution on the dependency parse (``attribution.py``), finds
the outlet's own assertions, sentences and list items (``assertions.py``), turns sources
into typed entities (``sources.py``), resolves pronoun sources, decides each claim's
stance (``stance.py``) and hedges (``hedges.py``) and links it to an incident (``link.py``).

A claim's text is the whole report, not its bare content: the speaker when it stands next
to the cue, the cue and the content ("The ministry has insisted that no troops were
there"); stance and incident links are read from the content.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc

from corroborator.nlp.pipeline import doc_text
from corroborator.claims.assertions import Segment, assertion_segments, fact_signal
from corroborator.claims.attribution import Attribution, doc_attributions
from corroborator.claims.hedges import certainty, find_hedges
from corroborator.claims.link import ClaimLocation, link_claim
from corroborator.claims.sources import is_pronoun, make_source
from corroborator.claims.stance import decide_stance
from corroborator.records import Claim, Incident, Source, SourceType, Stance, TextMap

__all__ = ["extract_claims"]

log = logging.getLogger(__name__)

# A topical claim with no link of its own takes the previous claim's incident when that
# claim is at most this many paragraphs back. Hand-set (one paragraph: the story goes on).
MAX_CONTINUATION_PARAGRAPHS = 1
_PARAGRAPH_BREAK = re.compile(r"\n+")
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_GROUP_PRONOUNS = frozenset({"they", "them"})
_THING_PRONOUNS = frozenset({"it"})
_PERSON_NOUNS = re.compile(
    r"\b(?:spokes(?:man|woman|person)|minister|official|president|secretary|commander|general|"
    r"ambassador|governor|mayor|chief|leader|director|analyst|witness|resident|fighter|officer|"
    r"envoy|colonel|senator|candidate|aide|adviser|advisor|man|woman)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class _Named:
    """A resolved, non-pronoun source seen earlier in the text (for pronoun resolution)."""

    position: int  # clean char offset
    paragraph: int
    source: Source
    person: bool
    plural: bool


def _paragraphs(text: str) -> list[tuple[int, int]]:
    """Clean (start, end) of every paragraph (text between line breaks)."""
    spans, last = [], 0
    for m in _PARAGRAPH_BREAK.finditer(text):
        if m.start() > last:
            spans.append((last, m.start()))
        last = m.end()
    if last < len(text) or not spans:
        spans.append((last, len(text)))
    return spans


def _paragraph_of(pos: int, paragraphs: list[tuple[int, int]]) -> int:
    for n, (start, end) in enumerate(paragraphs):
        if pos < end or (start <= pos <= end):
            return n
    return len(paragraphs) - 1


def _source_from_range(doc: Doc, rng: tuple[int, int], text_map: TextMap, para: tuple[int, int],
                       rule_id: str) -> tuple[Source, bool, bool]:
    """A Source for token range ``rng`` plus (is_person, is_plural) for pronoun resolution."""
    span = doc[rng[0]: rng[1]]
    person = any(t.ent_type_ == "PERSON" for t in span)
    root = span.root
    plural = root.tag_ in ("NNS", "NNPS") or root.lower_ in _GROUP_PRONOUNS
    source = make_source(span.text, span=text_map.raw_span(span.start_char, span.end_char),
                         context=doc_text(doc)[para[0]: span.start_char], context_after=doc_text(doc)[span.end_char: para[1]],
                         is_person=person, rule_id=rule_id)
    if not person and _PERSON_NOUNS.search(span.root.text) and not plural:
        person = True
    return source, person, plural


def _resolve_pronoun(source: Source, position: int, paragraph: int, seen: list[_Named],
                     doc: Doc, paragraphs: list[tuple[int, int]]) -> Source:
    """Replace a pronoun source's name by the nearest compatible named source before it."""
    low = source.mention.strip().lower()
    if low in _PERSON_PRONOUNS:
        fits = lambda n: n.person and not n.plural  # noqa: E731
        ent_labels = {"PERSON"}
    elif low in _GROUP_PRONOUNS:
        fits = lambda n: n.plural or n.source.type not in (SourceType.PERSON, SourceType.UNKNOWN)  # noqa: E731
        ent_labels = {"ORG", "NORP", "GPE"}
    elif low in _THING_PRONOUNS:
        fits = lambda n: not n.person and not n.plural  # noqa: E731
        ent_labels = {"ORG", "GPE"}
    else:
        return source
    for named in reversed(seen):
        if named.position < position and paragraph - 1 <= named.paragraph <= paragraph and fits(named):
            return Source(source.mention, named.source.name, named.source.type, named.source.country,
                          source.span, "pronoun.named_source")
    window_start = paragraphs[max(0, paragraph - 1)][0]
    for ent in reversed(doc.ents):
        if window_start <= ent.start_char < position and ent.label_ in ent_labels:
            resolved = make_source(ent.text, is_person=ent.label_ == "PERSON")
            return Source(source.mention, resolved.name, resolved.type, resolved.country, source.span,
                          "pronoun.entity")
    return source


def _dedupe(chain: list[Source]) -> tuple[Source, ...]:
    """Drop a relay that repeats the speaker before it."""
    out: list[Source] = []
    for source in chain:
        if out and out[-1].name.lower() == source.name.lower():
            continue
        out.append(source)
    return tuple(out)


def extract_claims(doc: Doc, text_map: TextMap, *, doc_id: str, in_comment: bool = False,
                   incidents: Sequence[Incident] = (), id_prefix: str = "") -> list[Claim]:
    """Every claim in one body or one comment.

    Args:
        doc: the spaCy parse of ``text_map.text``.
        text_map: the cleaned text and its map to raw offsets.
        doc_id: the document id stored on every claim.
        in_comment: the text is a reader comment.
        incidents: the document's incidents (raw ``evidence`` spans) to link claims to.
        id_prefix: prefix of the claim ids (``f"{id_prefix}c{n}"``).

    Returns:
        Claims in text order: attributed statements (``chain`` non-empty, or an agentless
        report) and unattributed factual assertions (``chain == ()``, ``rule_id``
        ``"unattributed"``). Spans are raw offsets.
    """
    text = doc_text(doc)
    paragraphs = _paragraphs(text)
    attributions = doc_attributions(doc)
    covered_sents: set[int] = set()
    for att in attributions:
        covered_sents.add(doc[att.cue_i].sent.start)
        lo, hi = att.char_range(doc)
        for sent in doc.sents:
            if sent.start_char < hi and lo < sent.end_char:
                covered_sents.add(sent.start)
    items: list[tuple[int, Attribution | Segment]] = [(a.char_range(doc)[0], a) for a in attributions]
    claimed = [a.extent(doc) for a in attributions]
    items += [(seg.start, seg) for seg in assertion_segments(doc, covered_sents, claimed)]
    items.sort(key=lambda item: item[0])

    claims: list[Claim] = []
    seen: list[_Named] = []
    whole = text_map.raw_span(0, len(text)) if text else None
    last_paragraph = -1
    for _start, item in items:
        if isinstance(item, Attribution):
            claim = _attributed_claim(item, doc, text_map, paragraphs, seen)
            sentence = doc[item.cue_i].sent
            rule_id, chain, cue, cue_stance = claim
            s, e = item.char_range(doc)
            ts, te = item.extent(doc)
        else:
            s, e = item.start, item.end
            # a list item is its own sentence: hedges and links are read from it alone
            sentence = doc.char_span(s, e, alignment_mode="expand")
            rule_id, chain, cue, cue_stance = item.rule_id, (), None, Stance.ASSERTS
            ts, te = s, e
        content = text[s:e]
        outside = text[sentence.start_char: s] + " " + text[e: sentence.end_char]
        stance, stance_rule = decide_stance(cue_stance, content, outside)
        hedges = find_hedges(sentence.text, sentence.start_char, text_map.raw_span)
        para_no = _paragraph_of(s, paragraphs)
        para = paragraphs[para_no]
        where = ClaimLocation(
            span=text_map.raw_span(ts, te),
            sentence=text_map.raw_span(sentence.start_char, sentence.end_char),
            paragraph=text_map.raw_span(*para),
            text=whole,
        )
        content_span = doc.char_span(s, e, alignment_mode="expand")
        topical = content_span is not None and fact_signal(content_span) is not None
        incident_id = link_claim(content, where, incidents, topical=topical)
        reach = para_no - last_paragraph
        if incident_id is None and claims and claims[-1].incident_id is not None and (
                reach == 0 or (topical and reach <= MAX_CONTINUATION_PARAGRAPHS)):
            # a report that follows another in the same paragraph (or a topical one right
            # after it) continues its story
            incident_id = claims[-1].incident_id
            rule_id += "+link.continues"
        last_paragraph = para_no
        if stance_rule:
            rule_id = f"{rule_id}+{stance_rule}"
        claims.append(Claim(
            claim_id=f"{id_prefix}c{len(claims) + 1}", doc_id=doc_id, text=text[ts:te], span=where.span,
            chain=chain, cue=cue, stance=stance, hedges=tuple(hedges), certainty=certainty(hedges),
            incident_id=incident_id, in_comment=in_comment, rule_id=rule_id,
        ))
    log.debug("%s: %d claims (%d attributed)", doc_id, len(claims), len(attributions))
    return claims


def _attributed_claim(att: Attribution, doc: Doc, text_map: TextMap, paragraphs: list[tuple[int, int]],
                      seen: list[_Named]) -> tuple[str, tuple[Source, ...], str, Stance]:
    """(rule id, chain, cue, cue stance) of one attribution; records named sources in ``seen``."""
    chain: list[Source] = []
    for rng in [*att.sources, *att.relays_extra]:
        position = doc[rng[0]].idx
        paragraph = _paragraph_of(position, paragraphs)
        source, person, plural = _source_from_range(doc, rng, text_map, paragraphs[paragraph], att.rule_id)
        if is_pronoun(source.mention):
            source = _resolve_pronoun(source, position, paragraph, seen, doc, paragraphs)
        else:
            seen.append(_Named(position, paragraph, source, person, plural))
        chain.append(source)
    return att.rule_id, _dedupe(chain), att.cue_text, att.stance
