"""The incident extractor: events + actors + places + dates + casualties -> ``Incident``s.

``extract_incidents`` takes the parse of one text (an article body or one comment) and its
``TextMap`` and returns ACLED-style incidents, most salient first. Places, dates and
casualties come from the colleague modules ``places``, ``dates`` and ``casualties``; this
module decides which mention belongs to which event and falls back sensibly when a field
is not stated next to the event.
"""

from __future__ import annotations

import functools
import logging
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from corroborator.nlp.pipeline import doc_text
from corroborator.incidents import actors as actor_dict
from corroborator.incidents.actors import ActorMention, find_actors
from corroborator.incidents.consolidate import consolidate, distance_km
from corroborator.incidents.events import (
    DetectedEvent,
    EventMention,
    merge_mentions,
    score_salience,
    sentence_mentions,
)
from corroborator.resources import compile_pattern, rules_with_ids
from corroborator.records import (
    SUB_EVENT_PARENT,
    Actor,
    Casualty,
    DateValue,
    Incident,
    Place,
    Span,
    SubEventType,
    TextMap,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc

log = logging.getLogger(__name__)

#: Two mentions whose same-sentence places are further apart than this are not merged
#: (set by hand: districts in the ACLED notes are < 50 km across).
MERGE_MAX_KM = 50.0

#: Salience bonus per log-fatality (ties between early events go to the deadlier one).
SALIENCE_CASUALTIES = 0.1

#: Time precision given to a publication-date fallback (ACLED 2: "within days"): the
#: report's date bounds the event but rarely is the event day.
FALLBACK_TIME_PRECISION = 2

#: A main event told without a date takes the first day-precise date written in this many
#: leading characters of the text (the lede; set by hand: two or three short paragraphs).
LEDE_CHARS = 800

#: Actor entry used for unnamed perpetrators of violent events.
UNIDENTIFIED_ENTRY = "gen-unidentified"
_UNIDENTIFIED_PERPETRATOR = {
    SubEventType.REMOTE_EXPLOSIVE, SubEventType.SHELLING, SubEventType.GRENADE, SubEventType.ATTACK,
    SubEventType.SUICIDE_BOMB, SubEventType.ABDUCTION, SubEventType.ARMED_CLASH,
}

try:  # colleague modules; the extractor degrades to fewer fields without them
    from corroborator.incidents import places as _places
except ImportError:  # pragma: no cover - only while the stage is assembled
    _places = None  # type: ignore[assignment]
try:
    from corroborator.incidents import dates as _dates
except ImportError:  # pragma: no cover
    _dates = None  # type: ignore[assignment]
try:
    from corroborator.incidents import casualties as _casualties
except ImportError:  # pragma: no cover
    _casualties = None  # type: ignore[assignment]


class _Context:
    """Per-document lookups shared by all events of the document."""

    def __init__(self, doc: Doc, published: str | None, context_country: str | None) -> None:
        self.doc = doc
        self.text = doc_text(doc)
        self.published = published
        self.place_mentions: list[Any] = []
        if _places is not None:
            try:
                self.place_mentions = _places.resolve_places(doc)
            except Exception:  # noqa: BLE001 - a colleague stage failing must not lose the events
                log.exception("resolve_places failed; events keep no place")
        if _places is not None:
            self.place_mentions += unresolved_settlements(self.text, self.place_mentions)
        self.date_mentions: list[Any] = _dates.find_dates(self.text, published) if _dates is not None else []
        self.context_country = context_country or self._main_country()
        self._place_cache: dict[tuple[int, int], Place | None] = {}
        self._date_cache: dict[tuple[int, int], DateValue | None] = {}

    def _main_country(self) -> str | None:
        counts = Counter(m.place.country for m in self.place_mentions if m.place.country)
        return counts.most_common(1)[0][0] if counts else None

    def place_at(self, start: int, end: int, local_only: bool = False) -> Place | None:
        """The place of evidence at ``[start, end)`` (same sentence only when ``local_only``)."""
        key = (start, end)
        if key not in self._place_cache:
            place = None
            if _places is not None and self.place_mentions:
                place = _places.place_for_event(self.place_mentions, start, end, self.doc)
            self._place_cache[key] = place
        place = self._place_cache[key]
        if local_only and place is not None and "same_sentence" not in (place.rule_id or ""):
            return None
        return place

    def date_at(self, start: int, end: int) -> DateValue | None:
        """The date stated for evidence at ``[start, end)``, if any."""
        key = (start, end)
        if key not in self._date_cache:
            value = None
            if _dates is not None:
                # a full date beats a year-less one ("July 7 neighbourhood") when both are near
                full = [d for d in self.date_mentions if d.date.value and not d.date.value.startswith("X")]
                value = _dates.date_for_event(full, start, end, self.published) if full else None
                if value is None:
                    value = _dates.date_for_event(self.date_mentions, start, end, self.published)
            self._date_cache[key] = value
        return self._date_cache[key]

    def lede_date(self) -> DateValue | None:
        """The first day-precise date of the lede, for a main event told without one."""
        for d in sorted(self.date_mentions, key=lambda m: m.start):
            if d.start >= LEDE_CHARS:
                break
            value = d.date.value or ""
            if len(value) == 10 and (self.published is None or value[:4] == "XXXX" or value <= self.published):
                return replace(d.date, time_precision=FALLBACK_TIME_PRECISION, rule_id=f"{d.date.rule_id}+extract.date.lede")
        return None

    def compatible(self, a: EventMention, b: EventMention) -> bool:
        """Whether two mentions can be one event: stated dates and places do not differ."""
        da, db = self.date_at(a.start, a.end), self.date_at(b.start, b.end)
        if da and db and da.value and db.value and b.sent_index != a.sent_index:
            if _date_sentence(self, b) and da.value[:10] != db.value[:10]:
                return False
        pa, pb = self.place_at(a.start, a.end, True), self.place_at(b.start, b.end, True)
        if pa and pb:
            km = distance_km(pa, pb)
            if km is not None and km > MERGE_MAX_KM:
                return False
        return True


_SETTLEMENT_RULES = "incidents/rules/settlements.yaml"
#: A name in a settlement pattern: capitalised words, optionally with transliterated articles.
_ARTICLE = r"(?:(?:al|el|ad|adh|an|ar|as|ash|at|az|ed|en|er|es|et|ez|Al|El)[-\s])"
_NAME = rf"{_ARTICLE}?[A-Z][\w'’]+(?:[-\s]{_ARTICLE}?[A-Z][\w'’]+){{0,3}}"


@functools.lru_cache(maxsize=1)
def _settlement_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    rules = rules_with_ids(_SETTLEMENT_RULES)
    out = []
    for rule in rules:
        rule = {**rule, "pattern": str(rule.get("pattern", "")).replace("<<NAME>>", _NAME)}
        out.append((rule["id"], compile_pattern(_SETTLEMENT_RULES, rule)))
    return tuple(out)


def unresolved_settlements(text: str, known: Sequence[Any]) -> list[Any]:
    """Settlement names the gazetteer missed ("the village of X"), kept without coordinates.

    The country is that of a resolved place in the same line, when there is one.
    """
    found: list[Any] = []
    for rule_id, pattern in _settlement_patterns():
        for m in pattern.finditer(text):
            start, end = m.span("name")
            if any(k.start < end and start < k.end for k in list(known) + found):
                continue
            line_start, line_end = text.rfind("\n", 0, start) + 1, text.find("\n", end)
            line_end = len(text) if line_end < 0 else line_end
            near = [k.place for k in known if line_start <= k.start < line_end and k.place.country]
            country = near[0].country if near else None
            admin1 = next((p.admin1 for p in near if p.admin1), None)
            name = m.group("name")
            # ACLED codes an unlocated village at the nearest known town or district named
            # with it (precision 2); a province or region is too coarse to stand for it
            anchor = min((p for p in near if p.geo_precision <= 2 and p.lat is not None),
                         key=lambda p: p.geo_precision, default=None)
            place = Place(name=name, lat=anchor.lat if anchor else None, lon=anchor.lon if anchor else None,
                          country=country, admin1=admin1, admin2=anchor.admin2 if anchor else None,
                          geo_precision=2 if anchor else 1, mention=name, rule_id=f"extract.place.{rule_id}",
                          source=f"text:unresolved;coordinates={anchor.name}" if anchor else "text:unresolved")
            found.append(_places.PlaceMention(start, end, place, f"extract.place.{rule_id}"))
    return found


def _date_sentence(ctx: _Context, m: EventMention) -> bool:
    """Whether a date is written in the mention's own sentence."""
    return any(m.sent_start <= d.start < m.sent_end for d in ctx.date_mentions if d.date.value)


def extract_incidents(
    doc: Doc,
    text_map: TextMap,
    *,
    doc_id: str,
    published: str | None,
    in_comment: bool = False,
    id_prefix: str = "",
    context_country: str | None = None,
) -> list[Incident]:
    """Extract the incidents a careful ACLED coder would code from one parsed text.

    Args:
        doc: the spaCy parse of ``text_map.text``.
        text_map: the cleaned text and its map to raw offsets.
        doc_id: the document id stored on each incident.
        published: publication date (ISO) or None; dates without a year and relative dates
            resolve against it, and the main event falls back to it.
        in_comment: whether the text is a reader comment.
        id_prefix: prefix of the incident ids (``f"{id_prefix}i{n}"``).
        context_country: ISO2 of the country the surrounding article is about, used when
            the text names no place (comments).

    Returns:
        Incidents, most salient first.
    """
    if not doc_text(doc).strip():
        return []
    ctx = _Context(doc, published, context_country)
    actor_mentions = find_actors(doc)
    if ctx.context_country is None:
        ctx.context_country = _actor_country(actor_mentions)
    # a question asserts nothing ("Have they been bombing X?"): its events are not coded
    mentions = [m for m in sentence_mentions(doc, actor_mentions)
                if not ctx.text[m.sent_start:m.sent_end].rstrip(" \t\n\"'’”)").endswith("?")]
    if not mentions:
        return []
    events = merge_mentions(mentions, ctx.compatible)
    sents = list(doc.sents)
    score_salience(events, len(sents))
    orphan_casualties = _orphan_casualty_sentences(ctx, sents, mentions)
    built: list[tuple[float, int, Incident]] = []
    for n, ev in enumerate(events):
        incident = _build(ctx, ev, text_map, doc_id, in_comment, orphan_casualties, is_first=(n == 0))
        bonus = SALIENCE_CASUALTIES * math.log1p(incident.fatalities or 0)
        built.append((ev.salience + bonus, n, replace(incident, salience=round(ev.salience + bonus, 4))))
    built.sort(key=lambda t: (-t[0], t[1]))
    headline = _casualties.headline_fatalities if _casualties is not None else None
    incidents = consolidate([inc for _, _, inc in built], keep_main=not in_comment, headline=headline)
    return [replace(inc, incident_id=f"{id_prefix}i{k + 1}") for k, inc in enumerate(incidents)]


def _actor_country(mentions: Sequence[ActorMention]) -> str | None:
    """The home country most named actors share (fallback when no place is resolved)."""
    counts = Counter(
        m.entry.country for m in mentions
        if m.entry and m.entry.country and not m.entry.per_country and m.entry.inter in (1, 2, 3, 4)
    )
    return counts.most_common(1)[0][0] if counts else None


def _orphan_casualty_sentences(ctx: _Context, sents: list[Any], mentions: list[EventMention]) -> dict[int, tuple[int, int]]:
    """Sentences with no event of their own (by index -> char bounds); their casualty
    statements ("fatalities coded as 10", "no injuries were reported") belong to the
    event told just before."""
    with_event = {m.sent_index for m in mentions}
    return {i: (s.start_char, s.end_char) for i, s in enumerate(sents) if i not in with_event}


def _casualties_for(ctx: _Context, ev: DetectedEvent, orphans: dict[int, tuple[int, int]]) -> tuple[Casualty, ...]:
    """Casualty figures from the event's sentences and the event-less sentences after them."""
    if _casualties is None:
        return ()
    bounds: list[tuple[int, int]] = []
    seen: set[int] = set()
    for m in ev.mentions:
        if m.sent_index in seen:
            continue
        seen.add(m.sent_index)
        bounds.append((m.sent_start, m.sent_end))
        k = m.sent_index + 1
        while k in orphans and k not in seen:
            seen.add(k)
            bounds.append(orphans[k])
            k += 1
    found = []
    for start, end in bounds:
        for c in _casualties.find_casualties(ctx.text[start:end]):
            found.append(replace(c, start=c.start + start, end=c.end + start))
    return _casualties.merge_casualties(found) if found else ()


def _build(
    ctx: _Context,
    ev: DetectedEvent,
    text_map: TextMap,
    doc_id: str,
    in_comment: bool,
    orphans: dict[int, tuple[int, int]],
    is_first: bool,
) -> Incident:
    """One Incident from a merged event."""
    first = ev.first
    place = None
    for m in ev.mentions:
        place = ctx.place_at(m.start, m.end, local_only=True)
        if place is not None:
            break
    if place is None:
        place = ctx.place_at(first.start, first.end)
    date = None
    for m in ev.mentions:
        date = ctx.date_at(m.start, m.end)
        if date is not None:
            break
    if date is None and is_first:
        date = ctx.lede_date()
    if date is None and ctx.published and is_first:
        date = DateValue(ctx.published, time_precision=FALLBACK_TIME_PRECISION, rule_id="extract.date.published")
    country = (place.country if place else None) or ctx.context_country
    date_value = date.value if date and date.value and not date.value.startswith("X") else ctx.published
    casualties = _casualties_for(ctx, ev, orphans)
    fatalities = _casualties.headline_fatalities(casualties) if _casualties is not None and casualties else None

    def to_actor(a: ActorMention) -> Actor:
        span = text_map.raw_span(a.start_char, a.end_char)
        return actor_dict.resolve(a, date=date_value, country=country, span=span)

    a1 = [to_actor(a) for a in ev.actors("actor1")]
    a2 = [to_actor(a) for a in ev.actors("actor2")]
    if ev.implied_actor1:
        implied = actor_dict.resolve(None, text=_implied_text(ctx, ev), date=date_value, country=country,
                                     entry_id=ev.implied_actor1)
        a1 = [implied]
    if not a1 and ev.sub_event_type in _UNIDENTIFIED_PERPETRATOR:
        # ACLED codes an unnamed perpetrator as the country's unidentified armed group
        a1 = [actor_dict.resolve(None, text="", date=date_value, country=country, entry_id=UNIDENTIFIED_ENTRY)]
    assoc = [to_actor(a) for a in ev.actors("assoc")]
    a1, extra = _dedup_names(a1)
    a2, _ = _dedup_names([a for a in a2 if a.name not in {x.name for x in a1}])
    assoc = extra + assoc
    if place is not None and place.span is None:
        place = _with_span(place, ctx, text_map)
    evidence = tuple(text_map.raw_span(m.sent_start, m.sent_end) for m in ev.mentions)
    return Incident(
        incident_id="",
        doc_id=doc_id,
        event_type=SUB_EVENT_PARENT[ev.sub_event_type],
        sub_event_type=ev.sub_event_type,
        actor1=tuple(a1),
        actor2=tuple(a2),
        assoc_actors=tuple(assoc),
        place=place,
        date=date,
        casualties=casualties,
        fatalities=fatalities,
        evidence=tuple(dict.fromkeys(evidence)),
        sentence=ctx.text[first.sent_start:first.sent_end].strip(),
        rule_id=ev.rule_id,
        in_comment=in_comment,
        salience=ev.salience,
    )


def _implied_text(ctx: _Context, ev: DetectedEvent) -> str:
    """The trigger text standing for an implied actor (protesters of "protested")."""
    spans = ev.first.spans
    return ctx.text[spans[0][0]:spans[0][1]] if spans else ""


def _dedup_names(actors: Sequence[Actor]) -> tuple[list[Actor], list[Actor]]:
    """First actor per canonical name; further distinct actors of the same role are associated."""
    out: list[Actor] = []
    extra: list[Actor] = []
    for a in actors:
        if any(a.name == o.name for o in out):
            continue
        (out if not out else extra).append(a)
    return out, extra


def _with_span(place: Place, ctx: _Context, text_map: TextMap) -> Place:
    """Give a place its raw span from the mention it came from."""
    for m in ctx.place_mentions:
        if m.place.name == place.name and m.place.mention == place.mention:
            return replace(place, span=text_map.raw_span(m.start, m.end))
    return place
