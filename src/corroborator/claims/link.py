"""Link a claim to the incident it is about.

Order of evidence: an incident whose evidence shares the claim's sentence; then the
incident sharing most actors/place/numbers/event words with the claim (same paragraph
counts extra); then the closest incident earlier in the same paragraph; else None.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from corroborator.records import Incident, Span
from corroborator.resources import rules_with_ids

RULES = "claims/rules/link.yaml"

# Score a feature overlap must reach to link a claim outside its sentence. Set by hand:
# one shared event word alone (1) is too weak; an actor or place plus anything else (>=2) links.
MIN_FEATURE_SCORE = 2.0
# Bonus for an incident whose evidence lies in the claim's paragraph (hand-set, = one feature).
SAME_PARAGRAPH_BONUS = 1.0
_NUMBER = re.compile(r"\b\d[\d,]*\b")


@dataclass(frozen=True, slots=True)
class ClaimLocation:
    """Where a claim sits, in raw offsets."""

    span: Span
    sentence: Span
    paragraph: Span


@functools.cache
def _event_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(id, pattern) per event-word family."""
    out = []
    for rule in rules_with_ids(RULES):
        alts = "|".join(re.escape(s) for s in sorted(rule["stems"], key=len, reverse=True))
        out.append((rule["id"], re.compile(r"\b(?:" + alts + r")", re.IGNORECASE)))
    return tuple(out)


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _event_families(text: str) -> set[str]:
    return {rule_id for rule_id, pattern in _event_patterns() if pattern.search(text)}


def feature_score(text: str, incident: Incident) -> float:
    """How much a claim's text shares with an incident: actors, place, numbers, event words."""
    low = text.lower()
    score = 0.0
    names: set[str] = set()
    for actor in (*incident.actor1, *incident.actor2, *incident.assoc_actors):
        names.update(n.lower() for n in (actor.name, actor.mention) if n and len(n) > 2)
    if any(n in low for n in names):
        score += 1.0
    if incident.place is not None:
        place_names = {n.lower() for n in (incident.place.name, incident.place.mention) if n}
        if any(n in low for n in place_names):
            score += 1.0
    numbers = {m.group().replace(",", "") for m in _NUMBER.finditer(text)}
    figures: set[str] = set()
    for casualty in incident.casualties:
        for count in (casualty.count, *casualty.history):
            figures.add(str(count.low))
            if count.high is not None:
                figures.add(str(count.high))
    if incident.fatalities is not None:
        figures.add(str(incident.fatalities))
    if numbers & figures:
        score += 1.0
    if _event_families(text) & _event_families(incident.sentence):
        score += 1.0
    return score


def link_claim(text: str, where: ClaimLocation, incidents: Sequence[Incident]) -> str | None:
    """The id of the incident a claim is about, or None.

    Args:
        text: the claim text.
        where: raw spans of the claim, its sentence and its paragraph.
        incidents: the document's incidents, with raw ``evidence`` spans.

    Returns:
        An ``incident_id`` or None when nothing ties the claim to an incident.
    """
    if not incidents:
        return None
    same_sentence = [i for i in incidents if any(_overlaps(e, where.sentence) for e in i.evidence)]
    if len(same_sentence) == 1:
        return same_sentence[0].incident_id
    if same_sentence:
        return max(same_sentence, key=lambda i: feature_score(text, i)).incident_id
    scored = []
    for order, incident in enumerate(incidents):
        score = feature_score(text, incident)
        if any(_overlaps(e, where.paragraph) for e in incident.evidence):
            score += SAME_PARAGRAPH_BONUS
        scored.append((score, -order, incident))
    best = max(scored, key=lambda s: (s[0], s[1]))
    if best[0] >= MIN_FEATURE_SCORE:
        return best[2].incident_id
    preceding = [
        (max(e.end for e in i.evidence if _overlaps(e, where.paragraph)), i)
        for i in incidents
        if any(_overlaps(e, where.paragraph) and e.end <= where.span.start for e in i.evidence)
    ]
    if preceding:
        return max(preceding, key=lambda p: p[0])[1].incident_id
    return None
