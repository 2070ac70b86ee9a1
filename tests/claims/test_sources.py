"""Source normalisation, typing and country context."""

from __future__ import annotations

import pytest

from corroborator.claims.sources import clean_mention, make_source
from corroborator.records import SourceType

from .helpers import attributed, one


@pytest.mark.parametrize(
    "mention",
    ["Russian Defence Ministry", "the Russian MoD", "Russia's defence ministry", "Russian Ministry of Defense"],
)
def test_ministry_variants_share_a_name(mention):
    source = make_source(mention)
    assert source.name == "Russian Ministry of Defence"
    assert source.country == "RU"
    assert source.type is SourceType.MILITARY


def test_ministry_without_country_takes_paragraph_country():
    source = make_source("the Ministry of Defense", context="Moscow rejected the accusation on Friday. ")
    assert source.name == "Russian Ministry of Defence"
    assert source.country == "RU"


def test_ministry_country_from_later_in_paragraph():
    source = make_source("The defence ministry", context="", context_after=" said Turkish jets were grounded.")
    assert source.country == "TR"


def test_pentagon_aliases():
    assert make_source("the Pentagon").name == make_source("US Department of Defense").name
    assert make_source("the Pentagon").country == "US"


def test_news_agency_alias():
    assert make_source("Reuters news agency").name == "Reuters"
    assert make_source("Reuters").type is SourceType.MEDIA


@pytest.mark.parametrize(
    ("mention", "stype"),
    [
        ("a Pentagon official", SourceType.ANONYMOUS_OFFICIAL),
        ("sources close to the negotiations", SourceType.ANONYMOUS_OFFICIAL),
        ("witnesses", SourceType.WITNESS),
        ("activists", SourceType.WITNESS),
        ("state media", SourceType.MEDIA),
        ("an opposition news outlet", SourceType.MEDIA),
        ("the rebels", SourceType.ARMED_GROUP),
        ("the United Nations", SourceType.INTERNATIONAL),
        ("a local monitoring group", SourceType.NGO),
        ("the army", SourceType.MILITARY),
        ("the foreign minister", SourceType.GOVERNMENT),
        ("a video posted on Telegram", SourceType.SOCIAL_MEDIA),
    ],
)
def test_types(mention, stype):
    assert make_source(mention).type is stype


def test_person_type_from_entity():
    assert make_source("Lena Ortiz", is_person=True).type is SourceType.PERSON


def test_country_as_speaker_is_government():
    source = make_source("Ukraine")
    assert source.type is SourceType.GOVERNMENT and source.country == "UA"


def test_clean_mention_drops_determiners():
    assert clean_mention("  a senior official, ") == "senior official"


def test_source_span_points_at_mention(nlp):
    text = "Local residents said the well had been poisoned."
    claim = one(attributed(nlp, text), "well")
    source = claim.chain[0]
    assert text[source.span.start:source.span.end] == "Local residents"
    assert source.type is SourceType.WITNESS


def test_discourse_phrase_stripped_from_mention():
    from corroborator.claims.sources import clean_mention

    assert clean_mention("Norway for its part") == "Norway"
    assert clean_mention("the coast guard, in turn") == "coast guard"
