"""Linking claims to hand-built incidents."""

from __future__ import annotations

from corroborator.claims.link import ClaimLocation, feature_score, link_claim
from corroborator.records import (
    Actor, Casualty, CountRange, EventType, Incident, Place, Span, SubEventType,
)

from .helpers import claims_of, one

TEXT = (
    "Artillery hit the village of Torvik on Monday, killing seven farmers.\n\n"
    "The regional police said seven people died in Torvik.\n\n"
    "Separately, the harbour authority said the ferry service would resume.\n\n"
    "Protesters marched through the capital on Tuesday."
)


def _incident(iid: str, sentence: str, evidence: Span, **kw) -> Incident:
    return Incident(incident_id=iid, doc_id="t", event_type=kw.pop("event_type", EventType.EXPLOSIONS),
                    sub_event_type=kw.pop("sub", SubEventType.SHELLING), evidence=(evidence,),
                    sentence=sentence, **kw)


def _incidents() -> tuple[Incident, ...]:
    first = TEXT.index("Artillery")
    shelling = _incident(
        "t-1", "Artillery hit the village of Torvik on Monday, killing seven farmers.",
        Span(first, first + 69),
        place=Place(name="Torvik", lat=None, lon=None, country=None, mention="Torvik"),
        casualties=(Casualty("farmers", "killed", CountRange(7, 7, "seven")),), fatalities=7,
    )
    start = TEXT.index("Protesters")
    protest = _incident("t-2", "Protesters marched through the capital on Tuesday.", Span(start, len(TEXT)),
                        event_type=EventType.PROTESTS, sub=SubEventType.PEACEFUL_PROTEST,
                        actor1=(Actor(name="Protesters", mention="Protesters"),))
    return shelling, protest


def test_same_sentence_links(nlp):
    claims = claims_of(nlp, TEXT, incidents=_incidents())
    assert one(claims, "Artillery").incident_id == "t-1"
    assert one(claims, "Protesters").incident_id == "t-2"


def test_feature_overlap_links_other_paragraph(nlp):
    claims = claims_of(nlp, TEXT, incidents=_incidents())
    assert one(claims, "seven people died").incident_id == "t-1"


def test_unrelated_claim_not_linked(nlp):
    claims = claims_of(nlp, TEXT, incidents=_incidents())
    assert one(claims, "ferry").incident_id is None


def test_no_incidents_gives_none():
    where = ClaimLocation(Span(0, 5), Span(0, 5), Span(0, 5))
    assert link_claim("anything", where, ()) is None


def test_preceding_incident_in_paragraph_is_fallback():
    shelling, _ = _incidents()
    where = ClaimLocation(span=Span(80, 90), sentence=Span(75, 95), paragraph=Span(0, 120))
    assert link_claim("It was a terrible day.", where, (shelling,)) == "t-1"


def test_feature_score_counts_place_and_numbers():
    shelling, _ = _incidents()
    assert feature_score("seven died in Torvik", shelling) >= 2.0
    assert feature_score("the ferry resumed", shelling) == 0.0


def _strike(iid: str, evidence: tuple[Span, ...], salience: float = 1.0, **kw) -> Incident:
    return Incident(incident_id=iid, doc_id="t", event_type=EventType.EXPLOSIONS,
                    sub_event_type=SubEventType.SHELLING, evidence=evidence,
                    sentence=kw.pop("sentence", ""), salience=salience, **kw)


def test_evidence_overlapping_claim_span_wins():
    where = ClaimLocation(span=Span(100, 140), sentence=Span(90, 200), paragraph=Span(0, 300))
    near = _strike("near", (Span(0, 10), Span(120, 130)))
    same_sentence = _strike("sentence", (Span(150, 190),))
    assert link_claim("no feature words here", where, (same_sentence, near)) == "near"


def test_dominant_incident_takes_topical_claim():
    where = ClaimLocation(span=Span(500, 540), sentence=Span(500, 540), paragraph=Span(500, 560),
                          text=Span(0, 1000))
    main = _strike("main", (Span(0, 50),), salience=2.0)
    minor = _strike("minor", (Span(60, 90),), salience=0.5)
    assert link_claim("the ministry said its pilots were safe", where, (main, minor), topical=True) == "main"
    assert link_claim("the ministry said its pilots were safe", where, (main, minor)) is None
    level = _strike("level", (Span(60, 90),), salience=1.9)
    assert link_claim("the ministry said its pilots were safe", where, (main, level), topical=True) is None


def test_partial_actor_name_counts_half():
    strike = _strike("s", (Span(0, 10),), actor1=(Actor(name="Air Force of Norland", mention="Norlandic jets"),))
    assert feature_score("Norlandic pilots flew home", strike) == 0.5


def test_place_name_spelling_variants_match():
    strike = _strike("s", (Span(0, 10),), place=Place(name="Wadi el-Kebir", lat=None, lon=None, country=None))
    assert feature_score("troops entered Wadi Elkebir at dawn", strike) >= 1.0


def test_next_claim_in_paragraph_continues_link(nlp):
    text = ("Artillery hit the village of Torvik on Monday, killing seven farmers. "
            "The ministry said its own units were not involved.")
    claims = claims_of(nlp, text, incidents=_incidents())
    assert one(claims, "units").incident_id == "t-1"


def test_topical_claim_continues_previous_paragraph_link(nlp):
    text = ("Artillery hit the village of Torvik on Monday, killing seven farmers.\n\n"
            "The ministry said no soldiers were stationed near the mill.\n\n"
            "Separately, the harbour authority said the ferry service would resume.")
    claims = claims_of(nlp, text, incidents=_incidents()[:1])
    assert one(claims, "no soldiers").incident_id == "t-1"
    assert one(claims, "ferry").incident_id is None
