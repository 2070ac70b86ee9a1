"""Link a claim to the incident it is about.

Order of evidence: an incident whose evidence overlaps the claim's own span; then one
whose evidence shares the claim's sentence; then the incident sharing most
actors/place/numbers/event words with the claim (same paragraph and same text, i.e. the
same body or comment, count extra); then the closest incident earlier in the same
paragraph; then the text's dominant incident when the claim shares anything with it;
else None. Evidence spans are compared, never incident order, so merged incidents with
several evidence spans link from every one of them.
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
# Bonus for an incident reported in the same text (body or comment) as the claim; half a
# feature, so it breaks ties without linking on its own. Hand-set.
SAME_TEXT_BONUS = 0.5
# The most salient incident of a text dominates it when its salience is at least this
# multiple of the runner-up's (or it is the only one). Hand-set: salience grows by about
# 0.4 per merged mention, so 1.25 asks for roughly one more mention than the next.
DOMINANCE_RATIO = 1.25
# Least feature score tying a claim to the dominant incident (one shared feature). Hand-set.
MIN_DOMINANT_SCORE = 1.0
# Score of an actor named only in part (a distinctive word of its mention). Hand-set: half
# a feature, so it only decides together with another feature.
PARTIAL_ACTOR_SCORE = 0.5
_NUMBER = re.compile(r"\b\d[\d,]*\b")
_WORD = re.compile(r"[a-z][a-z'-]+")
# Words too generic to identify an actor on their own.
_GENERIC_ACTOR_WORDS = frozenset(
    "the of and forces force military army troops soldiers fighters group groups unidentified armed "
    "government state police civilians people men women unknown local".split())
_NAME_NOISE = re.compile(r"[^a-z]+")


@dataclass(frozen=True, slots=True)
class ClaimLocation:
    """Where a claim sits, in raw offsets."""

    span: Span
    sentence: Span
    paragraph: Span
    text: Span | None = None  # the whole body or comment the claim is in


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


def _significant_words(names: set[str]) -> set[str]:
    """The distinctive words of actor names (no generic force nouns, no short words)."""
    return {w for n in names for w in _WORD.findall(n) if len(w) > 3 and w not in _GENERIC_ACTOR_WORDS}


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
    elif _significant_words(names) & set(_WORD.findall(low)):
        score += PARTIAL_ACTOR_SCORE  # "Turkish troops" for an actor found as "Turkish soldiers"
    if incident.place is not None:
        place_names = {n.lower() for n in (incident.place.name, incident.place.mention) if n}
        squeezed = _NAME_NOISE.sub("", low)
        if any(n in low for n in place_names) or any(
                len(key) > 3 and key in squeezed for key in (_NAME_NOISE.sub("", n) for n in place_names)):
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


def _in(span: Span, scope: Span | None) -> bool:
    return scope is not None and scope.start <= span.start and span.end <= scope.end


def _best_overlapping(text: str, hits: list[Incident], target: Span) -> Incident:
    """Among incidents whose evidence overlaps ``target``, the one sharing most with the claim."""
    def key(inc: Incident) -> tuple[float, int]:
        overlap = sum(max(0, min(e.end, target.end) - max(e.start, target.start)) for e in inc.evidence)
        return feature_score(text, inc), overlap
    return max(hits, key=key)


def _dominant(incidents: Sequence[Incident]) -> Incident | None:
    """The incident that dominates ``incidents`` by salience, if one does."""
    if not incidents:
        return None
    ranked = sorted(incidents, key=lambda i: -i.salience)
    if len(ranked) == 1 or ranked[0].salience >= DOMINANCE_RATIO * max(ranked[1].salience, 1e-9):
        return ranked[0]
    return None


def link_claim(text: str, where: ClaimLocation, incidents: Sequence[Incident], *, topical: bool = False) -> str | None:
    """The id of the incident a claim is about, or None.

    Args:
        text: the claim text.
        where: raw spans of the claim, its sentence, its paragraph and its whole text.
        incidents: the document's incidents, with raw ``evidence`` spans.
        topical: the claim states a conflict fact (event word, actor, place, count); such a
            claim links to its text's dominant incident even without a shared feature.

    Returns:
        An ``incident_id`` or None when nothing ties the claim to an incident.
    """
    if not incidents:
        return None
    for target in (where.span, where.sentence):
        hits = [i for i in incidents if any(_overlaps(e, target) for e in i.evidence)]
        if hits:
            return _best_overlapping(text, hits, target).incident_id
    scored = []
    for order, incident in enumerate(incidents):
        score = feature_score(text, incident)
        if any(_overlaps(e, where.paragraph) for e in incident.evidence):
            score += SAME_PARAGRAPH_BONUS
        if any(_in(e, where.text) for e in incident.evidence):
            score += SAME_TEXT_BONUS
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
    local = [i for i in incidents if any(_in(e, where.text) for e in i.evidence)]
    main = _dominant(local) or _dominant([i for i in incidents if not i.in_comment])
    if main is not None and (topical or feature_score(text, main) >= MIN_DOMINANT_SCORE):
        return main.incident_id
    return None
