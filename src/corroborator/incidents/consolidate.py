"""Document-level consolidation of incidents: one record per event, anchored events only.

The sentence-level extractor finds an event wherever a trigger is told, so an article that
comes back to its main event in several paragraphs ("the strike", "the attack on the
convoy", "the bombardment") yields several records, and commentary ("Turkey attacks
Russia's interests") yields events no coder would code. An ACLED coder codes one event per
date, place, actor pair and type, and only events the text situates. This module does the
same on the incidents of one text:

* **merge**: two incidents merge when they have the same ACLED event type and nothing
  stated contradicts (specific places that differ, dates that differ, perpetrators that
  differ); the more salient one keeps its type, the other lends its place, date,
  casualties, actors and evidence. Across violent types, a record typed from a generic word
  ("attacked") takes the specific type of the same event, and an answer to fire ("fired
  back") makes the attack it answers an armed clash;
* **dates**: an undated record told at a dated record's place takes that date;
* **anchor**: an incident is kept only when the text situates it: a place below the
  country, a date written in the text, or a casualty figure. The most salient incident of
  an article body is kept even unsituated (the headline event may be told vaguely) when a
  specific event word tells it or it names a party; reader comments keep only incidents
  with a casualty figure.

Written by hand: this is the coding decision itself, which no library makes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from corroborator.geo import haversine_km
from corroborator.incidents.events import exchange_rule_ids, generic_rule_ids, typed_by_target
from corroborator.records import Actor, Casualty, EventType, Incident, Place

#: A province-level place merges with a town less than this far from it (set by hand:
#: governorates of the region are < 150 km across).
PROVINCE_MERGE_KM = 120.0

#: Two district-level (precision 2) places merge within this distance (same setting as
#: ``extract.MERGE_MAX_KM``).
NEAR_MERGE_KM = 50.0

#: Two named towns this close are one place spelled two ways (gazetteer duplicates and
#: transliteration variants resolve to neighbouring entries); set by hand.
SAME_TOWN_KM = 5.0

#: An answer to fire ("fired back") belongs to the attack told at most this many characters
#: before or after it (set by hand: the next sentence or two).
EXCHANGE_GAP_CHARS = 400

#: Salience added to an incident per merged record (repeated telling = more central).
SALIENCE_PER_MERGE = 0.05

#: Rule id given by the extractor to a date that is only the publication date.
PUBLISHED_DATE_RULE = "extract.date.published"

#: Event types of political violence, between which a generic record may be retyped.
_VIOLENT = frozenset({EventType.BATTLES, EventType.EXPLOSIONS, EventType.VIOLENCE_AGAINST_CIVILIANS})

#: The period of an ACLED state actor name, e.g. " (2014-2018)".
_PERIOD = re.compile(r"\s*\(\d{4}-(?:\d{4})?\)")

#: Generic actors that do not identify a party (ACLED's catch-all names).
_UNIDENTIFIED_PREFIXES = ("Unidentified", "Rioters", "Protesters", "Civilians")


def consolidate(
    incidents: Sequence[Incident],
    *,
    keep_main: bool = True,
    headline: Callable[[Sequence[Casualty]], int | None] | None = None,
) -> list[Incident]:
    """Merge incidents of one text that are the same event and drop unsituated ones.

    Args:
        incidents: the incidents of one text, most salient first.
        keep_main: keep the most salient incident even when nothing situates it (article
            bodies); False for reader comments.
        headline: computes the headline fatality figure of merged casualties.

    Returns:
        The consolidated incidents, most salient first (ids unchanged).
    """
    kept: list[Incident] = []
    for inc in incidents:
        for k, target in enumerate(kept):
            if same_event(target, inc):
                kept[k] = absorb(target, inc, headline)
                break
        else:
            kept.append(inc)
    kept = _share_dates(kept)
    out = [inc for n, inc in enumerate(kept) if is_anchored(inc) or (keep_main and n == 0 and substantive(inc))]
    return sorted(out, key=lambda inc: -inc.salience)


def _share_dates(incidents: list[Incident]) -> list[Incident]:
    """An undated record told at the same named place as a dated one takes its date (ACLED
    time precision 2): one article about one place tells one day's events unless it dates
    them otherwise. Only when the place's dated records agree on one date."""
    out = []
    for inc in incidents:
        if not written_date(inc) and local_place(inc.place) and inc.date is None:
            dates = {d.date.value for d in incidents  # type: ignore[union-attr]
                     if d is not inc and written_date(d) and d.place is not None and inc.place is not None
                     and d.place.name == inc.place.name}
            if len(dates) == 1:
                donor = next(d for d in incidents if written_date(d) and d.date.value in dates)  # type: ignore[union-attr]
                inc = replace(inc, date=replace(donor.date, time_precision=max(2, donor.date.time_precision),  # type: ignore[arg-type]
                                                rule_id=f"{donor.date.rule_id}+consolidate.date.same_place"))  # type: ignore[union-attr]
        out.append(inc)
    return out


def fold_comments(
    body: Sequence[Incident],
    comments: Sequence[Incident],
    headline: Callable[[Sequence[Casualty]], int | None] | None = None,
) -> list[Incident]:
    """The article's incidents with those of its reader comments folded in.

    Comment incidents that tell an event of the article body add their evidence to it;
    comment incidents that tell the same event in several comments become one (the first
    comment's record keeps its id). The rest stay, flagged ``in_comment``.

    Args:
        body: the consolidated incidents of the article body, most salient first.
        comments: the consolidated incidents of each comment, in thread order.
        headline: computes the headline fatality figure of merged casualties.
    """
    out = list(body)
    thread: list[Incident] = []
    for inc in comments:
        twin = next((k for k, b in enumerate(out) if same_event(b, replace(inc, in_comment=False))), None)
        if twin is not None:
            out[twin] = replace(out[twin], evidence=tuple(dict.fromkeys(out[twin].evidence + inc.evidence)))
            continue
        twin = next((k for k, t in enumerate(thread) if same_event(t, inc)), None)
        if twin is not None:
            thread[twin] = absorb(thread[twin], inc, headline)
        else:
            thread.append(inc)
    return out + thread


def substantive(inc: Incident) -> bool:
    """Whether an unsituated main event is still worth coding: told by a specific event word,
    or by a generic one ("attacked", "shot", "blasted", "killing") with a named party. Figurative
    uses of generic words ("attacked her opponent", "a shot in the arm") name none."""
    if inc.rule_id not in generic_rule_ids(with_casualty_words=True):
        return True
    return bool(_named(inc.actor1) or _named(inc.actor2))


def is_anchored(inc: Incident) -> bool:
    """Whether the text situates the incident.

    In an article: a sub-national place named in the event's own sentence, a written date
    or a casualty figure. In a reader comment, where places, dates and parties are mostly
    borrowed from the article or argued about, only a reported toll makes an event a report
    ("13 refugees were killed near the camp"); the rest is commentary.
    """
    if inc.casualties:
        return True
    if not inc.in_comment:
        return local_place(inc.place) or written_date(inc)
    return False


def local_place(place: Place | None) -> bool:
    """A sub-national place named in the event's own sentence (or found there unresolved)."""
    rule = place.rule_id or "" if place is not None else ""
    return specific_place(place) and ("same_sentence" in rule or rule.startswith("extract.place."))


def specific_place(place: Place | None) -> bool:
    """A place below the country level."""
    return place is not None and "precision.country" not in (place.rule_id or "")


def written_date(inc: Incident) -> bool:
    """A date written in the text (not the publication-date fallback)."""
    return inc.date is not None and bool(inc.date.value) and inc.date.rule_id != PUBLISHED_DATE_RULE


def same_event(a: Incident, b: Incident) -> bool:
    """Whether two incidents of one text can be one event.

    Records of different event types are one event only when one of them was typed from a
    generic trigger ("attacked", "fired on": typed by its target alone) or tells the other
    side's answer ("fired back"), and the two share a named party: "forces attacked by the
    coalition" and "the coalition's air strike"; "X shelled Y" and "Y fired back".
    """
    if a.in_comment != b.in_comment:
        return False
    if a.event_type != b.event_type:
        if not ({a.event_type, b.event_type} <= _VIOLENT and (is_generic(a) or is_generic(b) or is_exchange(a)
                                                             or is_exchange(b)) and _shared_party(a, b)):
            return False
    return _places_agree_for(a, b) and dates_agree(a, b) and actors_agree(a, b)


def _places_agree_for(a: Incident, b: Incident) -> bool:
    """Places agree; an answer to fire told right after the attack ("Y fired back") names no
    place of its own, so the place it borrowed from the paragraph does not count against."""
    for answer, attack in ((a, b), (b, a)):
        if is_exchange(answer) and not local_place(answer.place) and _gap(answer, attack) <= EXCHANGE_GAP_CHARS:
            return True
    return places_agree(a.place, b.place)


def _gap(a: Incident, b: Incident) -> int:
    """Characters between the nearest evidence spans of two records."""
    gaps = [max(x.start - y.end, y.start - x.end, 0) for x in a.evidence for y in b.evidence]
    return min(gaps) if gaps else 1 << 30


def is_generic(inc: Incident) -> bool:
    """Whether the incident's type came from a generic violence trigger typed by its target
    alone (a generic trigger typed by a means cue, always to a remote-violence type, is not)."""
    return typed_by_target(inc.rule_id, inc.event_type)


def is_exchange(inc: Incident) -> bool:
    """Whether the record tells an exchange of fire ("fired back", "responded to the shelling")."""
    return inc.rule_id in exchange_rule_ids()


def _shared_party(a: Incident, b: Incident) -> bool:
    return _overlap(_named(a.actor1) | _named(a.actor2), _named(b.actor1) | _named(b.actor2))


def places_agree(a: Place | None, b: Place | None) -> bool:
    """Places agree when one is unknown or country-level in the same country, when they are
    the same place, or when one is a province or district that contains or adjoins the other."""
    if not (specific_place(a) and specific_place(b)):
        ca = a.country if a else None
        cb = b.country if b else None
        return ca is None or cb is None or ca == cb
    assert a is not None and b is not None
    if a.name == b.name or (a.lat is None and b.lat is None and a.mention == b.mention):
        return True
    km = distance_km(a, b)
    if km is None:
        return False
    if a.geo_precision == 1 and b.geo_precision == 1:
        return km <= SAME_TOWN_KM  # two named towns are two events, unless two spellings of one
    limit = PROVINCE_MERGE_KM if 3 in (a.geo_precision, b.geo_precision) else NEAR_MERGE_KM
    if 3 in (a.geo_precision, b.geo_precision) and a.admin1 and b.admin1 and a.admin1 != b.admin1:
        return False
    return km <= limit


def dates_agree(a: Incident, b: Incident) -> bool:
    """Written dates agree on their common prefix ("2017-11" and "2017-11-03" do)."""
    if not (written_date(a) and written_date(b)):
        return True
    va, vb = a.date.value or "", b.date.value or ""  # type: ignore[union-attr]
    n = min(len(va), len(vb))
    return va[:n] == vb[:n]


def actors_agree(a: Incident, b: Incident) -> bool:
    """Named perpetrators agree (either role for battles, where sides are symmetric)."""
    na, nb = _named(a.actor1), _named(b.actor1)
    if not na or not nb or _overlap(na, nb):
        return True
    if a.event_type == EventType.BATTLES:
        return _overlap(na, _named(b.actor2)) or _overlap(nb, _named(a.actor2))
    return False


def _overlap(a: set[str], b: set[str]) -> bool:
    """Shared actors; a unit and its parent force count as one ("Military Forces of X (2014-)
    Popular Mobilization Forces" is part of "Military Forces of X (2014-)"), whatever the
    period a record's date selected ("(2014-2018)" or "(2018-)")."""
    a, b = {_PERIOD.sub("", x).strip() for x in a}, {_PERIOD.sub("", y).strip() for y in b}
    return any(x == y or x.startswith(y + " ") or y.startswith(x + " ") for x in a for y in b)


def absorb(target: Incident, other: Incident, headline: Callable[[Sequence[Casualty]], int | None] | None) -> Incident:
    """``target`` with what ``other`` adds: place, date, casualties, actors, evidence."""
    place = target.place
    if other.place is not None and _finer(other.place, place):
        place = other.place
    date = target.date
    if written_date(other) and (not written_date(target) or _longer(other, target)):
        date = other.date
    casualties = _union_casualties(target.casualties, other.casualties)
    fatalities = target.fatalities
    if casualties != target.casualties:
        fatalities = headline(casualties) if headline is not None else target.fatalities
    actor1 = target.actor1
    if not _named(actor1) and _named(other.actor1):
        actor1 = other.actor1
    seen = {x.name for x in actor1}
    actor2 = _union_actors(target.actor2, other.actor2, seen)
    seen |= {x.name for x in actor2}
    assoc = _union_actors(target.assoc_actors, other.assoc_actors, seen)
    kind = {}
    if target.event_type != other.event_type and is_exchange(other):
        # an attack answered by the other side is one armed clash (ACLED)
        kind = {"event_type": other.event_type, "sub_event_type": other.sub_event_type, "rule_id": other.rule_id}
    elif target.event_type != other.event_type and is_generic(target) and not is_generic(other):
        # the specific telling types the event ("attacked" + "the air strike" -> air strike)
        kind = {"event_type": other.event_type, "sub_event_type": other.sub_event_type, "rule_id": other.rule_id}
    return replace(
        target,
        **kind,
        place=place,
        date=date,
        casualties=casualties,
        fatalities=fatalities,
        actor1=actor1,
        actor2=actor2,
        assoc_actors=assoc,
        evidence=tuple(dict.fromkeys(target.evidence + other.evidence)),
        salience=round(target.salience + SALIENCE_PER_MERGE, 4),
    )


def _finer(new: Place, old: Place | None) -> bool:
    """Whether a merged record's place should replace the kept one's (only when it had none)."""
    if old is None:
        return True
    return not specific_place(old) and specific_place(new)


def _longer(a: Incident, b: Incident) -> bool:
    return len(a.date.value or "") > len(b.date.value or "")  # type: ignore[union-attr]


def _named(actors: Sequence[Actor]) -> set[str]:
    return {x.name for x in actors if x.name and not x.name.startswith(_UNIDENTIFIED_PREFIXES)}


def _union_actors(first: Sequence[Actor], second: Sequence[Actor], exclude: set[str]) -> tuple[Actor, ...]:
    out = [x for x in first if x.name not in exclude]
    names = {x.name for x in out} | exclude
    for x in second:
        if x.name not in names and not x.name.startswith(_UNIDENTIFIED_PREFIXES):
            out.append(x)
            names.add(x.name)
    return tuple(out)


def _union_casualties(first: Sequence[Casualty], second: Sequence[Casualty]) -> tuple[Casualty, ...]:
    """The first text's figure per (group, kind) stands; groups only the second names are added."""
    keys = {(c.group.lower(), c.kind) for c in first}
    extra = [c for c in second if (c.group.lower(), c.kind) not in keys and c.group]
    return tuple(first) + tuple(extra)


def distance_km(a: Place, b: Place) -> float | None:
    """Great-circle distance between two located places (None when one is not located)."""
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return None
    return haversine_km(a.lat, a.lon, b.lat, b.lon)
