"""End-to-end extract_incidents on paragraphs written for the test."""

from __future__ import annotations

from corroborator.incidents import extract_incidents
from corroborator.records import EventType, SubEventType, TextMap

PARAGRAPH = (
    "On 14 March 2019, Russian warplanes carried out airstrikes on the town of Maarat al-Numan in Idlib, "
    "killing 12 civilians, according to local rescuers. The strikes also wounded at least 20 people. "
    "Later that day, HTS fighters clashed with Syrian troops near the town. "
    "Government officials said the army would retake the province soon."
)


def test_end_to_end_paragraph(nlp) -> None:
    doc = nlp(PARAGRAPH)
    incs = extract_incidents(doc, TextMap(doc.text), doc_id="d1", published="2019-03-15", id_prefix="d1-")
    assert incs, "no incident"
    main = incs[0]
    assert main.incident_id == "d1-i1"
    assert main.sub_event_type == SubEventType.AIR_DRONE_STRIKE
    assert main.event_type == EventType.EXPLOSIONS
    assert main.actor1 and main.actor1[0].name == "Military Forces of Russia (2000-)"
    assert main.actor1[0].inter == 8
    assert main.date is not None and main.date.value == "2019-03-14"
    assert len(main.evidence) >= 2  # the follow-up sentence about "the strikes" is merged
    types = [i.sub_event_type for i in incs]
    assert SubEventType.ARMED_CLASH in types
    # the hypothetical retaking is not coded
    assert SubEventType.GOVERNMENT_REGAINS_TERRITORY not in types
    assert all(i.salience >= incs[-1].salience for i in incs)
    if main.fatalities is not None:
        assert main.fatalities == 12


def test_raw_offsets_through_text_map(nlp) -> None:
    raw = "HEADER\n\nGunmen abducted a teacher from his home in Tikrit on Monday."
    body = raw[8:]
    tm = TextMap(body, runs=((0, 8, len(body)),))
    doc = nlp(body)
    incs = extract_incidents(doc, tm, doc_id="d2", published="2021-06-02", context_country="IQ")
    assert incs and incs[0].sub_event_type == SubEventType.ABDUCTION
    a1 = incs[0].actor1[0]
    assert raw[a1.span.start:a1.span.end] == "Gunmen"
    assert a1.name == "Unidentified Armed Group (Iraq)"
    ev = incs[0].evidence[0]
    assert raw[ev.start:ev.end].startswith("Gunmen abducted")


def test_protest_actor_is_templated(nlp) -> None:
    doc = nlp("On 3 June 2021, hundreds of teachers protested outside the ministry in Baghdad over unpaid wages.")
    incs = extract_incidents(doc, TextMap(doc.text), doc_id="d3", published=None)
    assert incs[0].sub_event_type == SubEventType.PEACEFUL_PROTEST
    assert incs[0].actor1[0].name == "Protesters (Iraq)"
    assert incs[0].actor1[0].inter == 6


def test_empty_and_eventless_texts(nlp) -> None:
    for text in ("", "The weather was mild and the markets were busy."):
        doc = nlp(text)
        assert extract_incidents(doc, TextMap(text), doc_id="d4", published=None) == []
