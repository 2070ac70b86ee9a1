"""Event triggers: every rule fires on its example, suppression, roles, merging, salience."""

from __future__ import annotations

import pytest

from corroborator.incidents.events import detect_events, is_suppressed, load_rules, sentence_mentions
from corroborator.records import SubEventType

RULES, CUES = load_rules()


def _types(nlp, text: str) -> list[SubEventType]:
    return [e.sub_event_type for e in detect_events(nlp(text))]


def test_rule_ids_unique_and_examples_present() -> None:
    ids = [r.id for r in (*RULES, *CUES)]
    assert len(ids) == len(set(ids))
    assert all(r.example for r in RULES), [r.id for r in RULES if not r.example]


@pytest.mark.parametrize("rule", [r for r in RULES if r.kind != "modifier"], ids=lambda r: r.id)
def test_each_trigger_rule_fires_on_its_example(nlp, rule) -> None:
    doc = nlp(rule.example)
    mentions = sentence_mentions(doc)
    assert mentions, f"{rule.id}: no event in {rule.example!r}"
    fired = {t.rule.id for m in mentions for t in m.triggers}
    assert rule.id in fired, f"{rule.id} did not fire on {rule.example!r}: {fired}"
    if rule.sub_event_type is not None and not rule.territory:
        assert any(m.sub_event_type == rule.sub_event_type for m in mentions), (rule.id, [m.sub_event_type for m in mentions])


@pytest.mark.parametrize("rule", [r for r in RULES if r.kind == "modifier"], ids=lambda r: r.id)
def test_each_modifier_changes_the_type(nlp, rule) -> None:
    types = _types(nlp, rule.example)
    assert rule.sub_event_type in types, (rule.id, types)


@pytest.mark.parametrize(
    "text",
    [
        "The army would attack the town if provoked.",
        "Rebels plan to strike the base next week.",
        "No clashes were reported in the district on Monday.",
        "If the militia shells the village again, the army will respond.",
        "The group threatened to bomb the airport.",
        "Officials warned that militants could attack the convoy.",
        "Such a massacre cannot be repeated.",
    ],
)
def test_negated_hypothetical_future_are_not_coded(nlp, text: str) -> None:
    assert _types(nlp, text) == [], text


def test_suppression_does_not_hide_reported_events(nlp) -> None:
    doc = nlp("Gunmen attacked a checkpoint near the town on Sunday.")
    trig = next(t for t in doc if t.lemma_ == "attack")
    assert not is_suppressed(trig)


def test_generic_trigger_typed_by_cues_and_targets(nlp) -> None:
    assert _types(nlp, "Warplanes attacked the village at dawn.")[0] == SubEventType.AIR_DRONE_STRIKE
    assert _types(nlp, "Insurgents attacked the village with mortars.")[0] == SubEventType.SHELLING
    assert _types(nlp, "Gunmen attacked two farmers in their field.")[0] == SubEventType.ATTACK
    assert _types(nlp, "Militants attacked an army checkpoint overnight.")[0] == SubEventType.ARMED_CLASH


def test_territory_depends_on_who_takes_it(nlp) -> None:
    assert _types(nlp, "Iraqi troops recaptured the village from the militants.")[0] == SubEventType.GOVERNMENT_REGAINS_TERRITORY
    assert _types(nlp, "ISIS militants captured the town after heavy fighting.")[0] == SubEventType.NON_STATE_OVERTAKES_TERRITORY


def test_roles_subject_and_object(nlp) -> None:
    ev = detect_events(nlp("Turkish warplanes struck PKK targets in the mountains."))[0]
    assert [a.text for a in ev.actors("actor1")] == ["Turkish warplanes"]
    assert [a.text for a in ev.actors("actor2")] == ["PKK targets"]


def test_roles_passive_agent(nlp) -> None:
    ev = detect_events(nlp("A shepherd was shot dead by Houthi fighters near the village."))[0]
    assert [a.text for a in ev.actors("actor1")] == ["Houthi fighters"]
    assert [a.text for a in ev.actors("actor2")] == ["A shepherd"] or ev.actors("actor2")[0].text.lower().endswith("shepherd")


@pytest.mark.xfail(reason="parse of 'between X and Y fighters' puts the head noun first; role order unfinished", strict=False)
def test_roles_clash_between(nlp) -> None:
    ev = detect_events(nlp("Clashes broke out between the SDF and ISIS fighters east of the river."))[0]
    assert ev.sub_event_type == SubEventType.ARMED_CLASH
    assert ev.actors("actor1")[0].text == "SDF"
    assert ev.actors("actor2")[0].text == "ISIS fighters"


def test_coreferent_mentions_merge(nlp) -> None:
    text = ("Russian jets carried out an airstrike on a market in the town on Tuesday. "
            "Local medics said the strike killed nine people. "
            "The raid was the deadliest this month.")
    events = detect_events(nlp(text))
    assert len(events) == 1
    assert len(events[0].mentions) >= 2
    assert events[0].sub_event_type == SubEventType.AIR_DRONE_STRIKE


def test_distinct_events_stay_apart(nlp) -> None:
    text = ("Russian jets bombed a market in the town on Tuesday. "
            "Separately, hundreds of students protested in the capital against tuition fees.")
    types = _types(nlp, text)
    assert SubEventType.AIR_DRONE_STRIKE in types and SubEventType.PEACEFUL_PROTEST in types


def test_protest_grievance_is_not_an_event(nlp) -> None:
    types = _types(nlp, "Dozens of relatives gathered outside the court in protest against the arrest of two journalists.")
    assert types == [SubEventType.PEACEFUL_PROTEST]


def test_salience_puts_the_lead_event_first(nlp) -> None:
    text = ("Militants ambushed an army convoy on the highway, killing six soldiers. "
            "The ambush followed weeks of tension. "
            "In a separate incident, police arrested two men in the capital.")
    events = detect_events(nlp(text))
    best = max(events, key=lambda e: e.salience)
    assert best.sub_event_type == SubEventType.ARMED_CLASH


def test_background_fighting_is_not_the_event(nlp) -> None:
    """An event word told as the setting of another event is not coded beside it."""
    for text in ("Army reinforcements arrived at the front line as battles continue in the valley.",
                 "Troops deployed to the port in the context of recent fighting on the island."):
        assert [e.sub_event_type for e in detect_events(nlp(text))] == [SubEventType.CHANGE_TO_GROUP], text
    # alone, the same words are an event
    assert [e.sub_event_type for e in detect_events(nlp("Battles continued in the valley on Monday."))] == [
        SubEventType.ARMED_CLASH]


def test_figurative_generic_words_code_nothing(nlp) -> None:
    """Generic violence words with no weapon, casualty, armed party or victim are figurative."""
    for text in ("The senator attacked her opponent as a fraud during the debate.",
                 "Prices exploded last year.", "The new rule is a shot in the arm for exporters."):
        assert detect_events(nlp(text)) == [], text
    assert detect_events(nlp("Gunmen attacked a checkpoint near the town."))
