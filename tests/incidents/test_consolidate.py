"""Document-level consolidation: one record per event, situated events only."""

from __future__ import annotations

from dataclasses import replace

from corroborator.incidents import extract_incidents
from corroborator.incidents.consolidate import consolidate, fold_comments, is_anchored, places_agree
from corroborator.records import (
    SUB_EVENT_PARENT,
    Actor,
    Casualty,
    CountRange,
    DateValue,
    Incident,
    Place,
    Span,
    SubEventType,
    TextMap,
)

TOWN_A = Place("Town A", 35.00, 36.00, "SY", admin1="Province P", geo_precision=1,
               rule_id="places.match.exact+places.event.same_sentence")
TOWN_A_VARIANT = replace(TOWN_A, name="Town Ah", lat=35.01, lon=36.01)
TOWN_B = replace(TOWN_A, name="Town B", lat=35.30, lon=36.30)
PROVINCE = Place("Province P", 35.10, 36.10, "SY", admin1="Province P", geo_precision=3,
                 rule_id="places.match.exact+places.precision.province+places.event.same_sentence")
COUNTRY = Place("Syria", 35.0, 38.5, "SY", geo_precision=3, rule_id="places.match.exact+places.precision.country")
ARMY = Actor("Military Forces of Syria (2000-)", "the army", inter=1)
UNIT = Actor("Military Forces of Syria (2000-) Republican Guard", "the guard", inter=1)
REBELS = Actor("Rebel Group R", "rebels", inter=2)


def _inc(n: int, sub: SubEventType = SubEventType.AIR_DRONE_STRIKE, *, place: Place | None = TOWN_A,
         date: str | None = None, actor1: tuple[Actor, ...] = (), casualties: tuple[Casualty, ...] = (),
         in_comment: bool = False, salience: float = 1.0) -> Incident:
    return Incident(
        incident_id=f"i{n}", doc_id="d", event_type=SUB_EVENT_PARENT[sub], sub_event_type=sub,
        actor1=actor1, place=place, date=DateValue(date, rule_id="date.test") if date else None,
        casualties=casualties, evidence=(Span(n * 100, n * 100 + 50),), in_comment=in_comment,
        salience=salience - n / 100,
    )


def _killed(group: str, n: int) -> Casualty:
    return Casualty(group, "killed", CountRange(n, n))


def test_same_event_told_twice_merges_and_keeps_both_evidence() -> None:
    first = _inc(1, date="2020-01-05", actor1=(ARMY,))
    second = _inc(2, place=PROVINCE, casualties=(_killed("civilians", 4),))
    out = consolidate([first, second], headline=lambda cs: sum(c.count.low or 0 for c in cs))
    assert len(out) == 1
    merged = out[0]
    assert merged.place == TOWN_A and merged.date.value == "2020-01-05"
    assert merged.casualties == (_killed("civilians", 4),) and merged.fatalities == 4
    assert set(merged.evidence) == {Span(100, 150), Span(200, 250)}


def test_different_towns_dates_types_or_perpetrators_stay_apart() -> None:
    base = _inc(1, date="2020-01-05", actor1=(ARMY,))
    for other in (_inc(2, place=TOWN_B), _inc(3, date="2020-01-09"), _inc(4, SubEventType.ARMED_CLASH),
                  _inc(5, actor1=(REBELS,))):
        assert len(consolidate([base, other])) == 2, other.incident_id


def test_spelling_variants_and_units_merge() -> None:
    assert places_agree(TOWN_A, TOWN_A_VARIANT)
    assert not places_agree(TOWN_A, TOWN_B)
    assert len(consolidate([_inc(1, actor1=(ARMY,)), _inc(2, place=TOWN_A_VARIANT, actor1=(UNIT,))])) == 1


def test_unsituated_events_are_dropped_but_the_main_one_stays() -> None:
    vague = _inc(1, place=COUNTRY)
    assert not is_anchored(vague)
    assert consolidate([vague]) == [vague]
    assert consolidate([vague], keep_main=False) == []
    kept = consolidate([_inc(1, date="2020-01-05"), _inc(2, SubEventType.ATTACK, place=COUNTRY)])
    assert [i.incident_id for i in kept] == ["i1"]


def test_comment_events_need_a_toll() -> None:
    assert not is_anchored(_inc(1, in_comment=True))
    assert not is_anchored(_inc(1, in_comment=True, actor1=(ARMY,), date="2020-01-05"))
    assert is_anchored(_inc(1, place=None, in_comment=True, casualties=(_killed("people", 2),)))


def test_fold_comments_into_article_and_across_thread() -> None:
    body = [_inc(1, date="2020-01-05", actor1=(ARMY,))]
    repeat = _inc(2, actor1=(ARMY,), in_comment=True)
    new_a = _inc(3, SubEventType.ARMED_CLASH, place=TOWN_B, actor1=(REBELS,), in_comment=True,
                 casualties=(_killed("fighters", 3),))
    new_b = _inc(4, SubEventType.ARMED_CLASH, place=TOWN_B, in_comment=True, casualties=(_killed("fighters", 3),))
    out = fold_comments(body, [repeat, new_a, new_b])
    assert [i.incident_id for i in out] == ["i1", "i3"]
    assert Span(200, 250) in out[0].evidence and not out[0].in_comment
    assert out[1].in_comment and out[1].casualties == (_killed("fighters", 3),)


def test_article_retelling_yields_one_incident(nlp) -> None:
    text = ("Warplanes struck the town of Saraqib in Idlib province on 3 March 2020, killing five civilians. "
            "Residents said the strike hit a bakery. Rescue workers pulled survivors from the rubble of the "
            "air raid for hours. In Geneva, diplomats discussed the war.")
    doc = nlp(text)
    incs = extract_incidents(doc, TextMap(text), doc_id="d", published="2020-03-04")
    strikes = [i for i in incs if i.sub_event_type == SubEventType.AIR_DRONE_STRIKE]
    assert len(strikes) == 1 and len(strikes[0].evidence) >= 2


def test_unknown_village_is_kept_by_name(nlp) -> None:
    from corroborator.incidents.extract import unresolved_settlements
    from corroborator.incidents.places import resolve_places

    text = "On 2 May 2021, gunmen attacked a checkpoint in the village of Qaryat Zafran near Tikrit, killing two guards."
    doc = nlp(text)
    found = unresolved_settlements(text, resolve_places(doc))
    assert [m.place.name for m in found] == ["Qaryat Zafran"]
    village = found[0].place
    assert village.country == "IQ" and village.geo_precision == 2 and village.lat is not None  # at Tikrit
    place = extract_incidents(doc, TextMap(text), doc_id="d", published=None)[0].place
    assert place is not None and place.name in {"Qaryat Zafran", "Tikrit"} and abs(place.lat - village.lat) < 0.01
    alone = "Fighting broke out in the village of Qaryat Zafran."
    assert [m.place.lat for m in unresolved_settlements(alone, [])] == [None]


def test_questions_code_no_event(nlp) -> None:
    text = "Did the army shell the town of Tikrit on 2 May 2021?"
    assert extract_incidents(nlp(text), TextMap(text), doc_id="d", published=None) == []


def test_generic_attack_takes_the_specific_type_of_the_same_event() -> None:
    from corroborator.incidents.events import generic_rule_ids

    generic_id = sorted(generic_rule_ids())[0]
    coalition = Actor("Coalition C", "the coalition", inter=8)
    vague = replace(_inc(1, SubEventType.ARMED_CLASH, actor1=(coalition,), date="2020-01-05"), rule_id=generic_id)
    strike = replace(_inc(2, actor1=(coalition,)), rule_id="ev-airstrike")
    out = consolidate([vague, strike])
    assert len(out) == 1 and out[0].sub_event_type == SubEventType.AIR_DRONE_STRIKE
    # without a shared party, or with a non-violent type, the two stay apart
    assert len(consolidate([vague, replace(strike, actor1=(REBELS,))])) == 2
    talks = replace(_inc(3, SubEventType.AGREEMENT, actor1=(coalition,)), rule_id="ev-agreement")
    assert len(consolidate([vague, talks])) == 2


def test_attack_answered_by_the_other_side_is_one_clash(nlp) -> None:
    text = ("On 2 May 2021, rebel forces shelled army positions in Tikrit district. "
            "Government forces fired back, killing three rebel fighters.")
    incs = extract_incidents(nlp(text), TextMap(text), doc_id="d", published=None)
    violent = [i for i in incs if i.sub_event_type in (SubEventType.ARMED_CLASH, SubEventType.SHELLING)]
    assert len(violent) == 1 and violent[0].sub_event_type == SubEventType.ARMED_CLASH
    assert len(violent[0].evidence) == 2


def test_undated_record_at_a_dated_place_takes_its_date() -> None:
    dated = _inc(1, date="2020-01-05", actor1=(ARMY,))
    undated = _inc(2, SubEventType.ATTACK, actor1=(REBELS,))
    elsewhere = _inc(3, SubEventType.ATTACK, place=TOWN_B, actor1=(REBELS,), casualties=(_killed("people", 1),))
    out = {i.incident_id: i for i in consolidate([dated, undated, elsewhere])}
    assert out["i2"].date.value == "2020-01-05" and out["i2"].date.time_precision == 2
    assert out["i3"].date is None
